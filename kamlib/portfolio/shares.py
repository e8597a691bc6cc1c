"""Shares for display: percentages rounded so that the shown numbers add up exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlib.errors import ArgumentError

__all__ = ["round_shares", "half_up", "revenue_shares"]

# raw shares are rounded to this many decimals before flooring, so that float noise such as
# 24.999999999999996 counts as 25 (one unit must not go to the wrong item)
_NOISE_DECIMALS = 9
# float noise allowed below a half when rounding half up (a count of 0.5 + 1e-16 short is 1)
_TOL = 1e-9


def half_up(x: float) -> int:
    """`x` rounded to a whole number, halves up (Python's round() rounds halves to even).

    Used for counts of clients from shares (the top 20 % of 12 clients is 2.4, of 5 is 1).

    >>> half_up(2.5), half_up(0.5), half_up(2.4999999999999996), round(2.5)
    (3, 1, 3, 2)
    """
    return int(np.floor(x + 0.5 + _TOL))


def revenue_shares(values) -> pd.Series:
    """Each client's share of the revenue of the clients whose revenue is positive.

    kamlib's one denominator for every share of revenue (key clients, client types, the
    dependence indicators, the client P&L, loss-makers, ABC): the total of the clients with
    positive revenue in the window, as ABC ranks them (docs/methods.md, "Shares of revenue").
    A client with net returns keeps its negative revenue and gets a negative share of that same
    total, so that the share of any group is the sum of its members' shares whichever table
    shows it. NaN when no client has positive revenue; a missing value stays missing.

    Parameters
    ----------
    values : Series or array-like of float
        Revenue per client.

    Returns
    -------
    Series
        Same index (and name) as `values`.

    Examples
    --------
    >>> revenue_shares(pd.Series({"a": 60.0, "b": 40.0, "c": -10.0})).tolist()
    [0.6, 0.4, -0.1]
    >>> revenue_shares([0.0, -5.0]).isna().all()
    np.True_
    """
    s = values if isinstance(values, pd.Series) else pd.Series(values, dtype="float64")
    s = s.astype("float64")
    total = float(s[s > 0].sum())
    return s / total if total > 0 else s * np.nan


def round_shares(values, *, decimals: int = 1, total: float = 100.0) -> pd.Series:
    """Scale `values` to shares of `total` and round them so that they sum exactly to `total`.

    Largest-remainder (Hamilton) rounding: every share is first rounded down to `decimals`;
    the units still missing go, one each, to the items with the largest remainders (ties go to
    the larger value, then to the earlier item). Naive rounding of ``[1, 1, 1]`` shows
    33.3 + 33.3 + 33.3 = 99.9; this shows 33.4 + 33.3 + 33.3 = 100.0.

    Parameters
    ----------
    values : Series or array-like of float
        Non-negative weights (revenue, counts ...), not necessarily summing to anything.
    decimals : int
        Decimals shown (0 or more).
    total : float
        What the shares add up to: 100.0 for percentages, 1.0 for fractions. ``total`` times
        ``10**decimals`` must be a whole number of display units.

    Returns
    -------
    Series
        Same index (and name) as `values`; each value has at most `decimals` decimals and the
        values add up to `total` exactly in decimal arithmetic (``sum(Decimal(str(x)))``).

    Raises
    ------
    kamlib.ArgumentError
        When `values` has a missing or negative value, or sums to zero while not empty, or
        when `decimals`/`total` do not give whole display units.

    Examples
    --------
    >>> round_shares([1, 1, 1]).tolist()
    [33.4, 33.3, 33.3]
    >>> round_shares(pd.Series({"A": 2.0, "B": 1.0}), decimals=0)
    A    67.0
    B    33.0
    dtype: float64
    """
    s = values.copy() if isinstance(values, pd.Series) else pd.Series(values, dtype="float64")
    s = s.astype("float64")
    if not isinstance(decimals, (int, np.integer)) or decimals < 0:
        raise ArgumentError(f"`decimals` must be a whole number >= 0, got {decimals!r}")
    scale = 10 ** int(decimals)
    units = round(total * scale)
    if units <= 0 or abs(units - total * scale) > 1e-6:
        raise ArgumentError(
            f"`total` times 10**`decimals` must be a positive whole number, got {total!r} "
            f"with decimals={decimals}"
        )
    if s.empty:
        return s
    v = s.to_numpy()
    if np.isnan(v).any() or (v < 0).any() or np.isinf(v).any():
        raise ArgumentError("`values` must be finite and non-negative (no missing values)")
    whole = v.sum()
    if whole <= 0:
        raise ArgumentError("`values` sum to zero: there are no shares to show")

    raw = np.round(v / whole * units, _NOISE_DECIMALS)
    floor = np.floor(raw).astype("int64")
    missing = int(units - floor.sum())
    # order: largest remainder first, then larger value, then position (stable sort)
    order = np.lexsort((np.arange(len(v)), -v, -(raw - floor)))
    floor[order[:missing]] += 1
    out = pd.Series(np.round(floor / scale, int(decimals)), index=s.index, name=s.name)
    return out

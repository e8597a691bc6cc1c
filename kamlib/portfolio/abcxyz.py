"""ABC-XYZ classification of clients: how much they buy (ABC) and how regularly (XYZ).

Conventions follow ``docs/methods.md`` ("ABC classification", "XYZ classification", "ABC-XYZ matrix
and migration"); every threshold is a keyword argument. Named presets reproduce textbook tables.

Labels besides the classes (documented, counted, never dropped):

- ``"non-positive"`` (:data:`NON_POSITIVE`): in ABC, an item whose value is zero or negative
  (net returns, a loss-making client under profit-based ABC) is not ranked; in XYZ, an item
  whose mean per period is zero or negative (the coefficient of variation is undefined).
- ``"too new"`` (:data:`TOO_NEW`): in XYZ, an item with fewer than ``min_periods`` periods on
  its grid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from kamlib.errors import ArgumentError, InputError, Problem, deprecated_keyword
from kamlib.language import N_
from kamlib.language import gettext as _
from kamlib.portfolio.cube import (
    PERIODS,
    Source,
    aggregate,
    analysis_window,
    as_timestamp,
    build_cube,
)
from kamlib.portfolio.shares import half_up, round_shares
from kamlib.window import window_start

__all__ = [
    "ABC_CLASSIC",
    "XYZ_CLASSIC",
    "XYZ_CLIENTS",
    "PRESETS",
    "STRATEGIES",
    "NON_POSITIVE",
    "TOO_NEW",
    "abc_classes",
    "xyz_classes",
    "abc_xyz",
    "abc_xyz_matrix",
    "migration",
]

NON_POSITIVE = "non-positive"
TOO_NEW = "too new"

#: ABC cut-offs on the cumulative share of value: A up to 80 %, B up to 95 %.
ABC_CLASSIC = (0.80, 0.95)
#: XYZ cut-offs on the coefficient of variation used for clients (kamlib's default).
XYZ_CLIENTS = (0.5, 1.0)
#: The classic demand-planning XYZ cut-offs: X up to 10 %, Y up to 25 %.
XYZ_CLASSIC = (0.10, 0.25)

#: Named sets of :func:`abc_xyz` keyword arguments, e.g. ``abc_xyz(tx, **PRESETS["classic"])``.
#:
#: - ``kamlib``: the defaults (ABC 80/95 by value, XYZ 0.5/1.0, population standard deviation).
#: - ``classic``: demand-planning textbooks (ABC 80/95 by value, XYZ 0.10/0.25, population
#:   standard deviation as in Excel STDEV.P).
#: - ``items_20_50``: ABC by share of items, the top 20 % A and the next 30 % B, as in Heizer &
#:   Render, *Operations Management*, ch. 12, Example 1.
#: - ``sample_std``: XYZ with the sample standard deviation (ddof=1, Excel STDEV), as many
#:   spreadsheet templates do.
PRESETS: dict[str, dict[str, object]] = {
    "kamlib": {
        "abc_cutoffs": ABC_CLASSIC,
        "abc_basis": "value",
        "xyz_cutoffs": XYZ_CLIENTS,
        "ddof": 0,
    },
    "classic": {
        "abc_cutoffs": ABC_CLASSIC,
        "abc_basis": "value",
        "xyz_cutoffs": XYZ_CLASSIC,
        "ddof": 0,
    },
    "items_20_50": {"abc_cutoffs": (0.20, 0.50), "abc_basis": "count"},
    "sample_std": {"ddof": 1},
}

#: A short client strategy per ABC-XYZ cell (and per label), kept as data so it can be
#: translated or overridden (``strategies=`` of :func:`abc_xyz` and :func:`abc_xyz_matrix`).
#: The texts here are the English of the catalogues: the analyses give them in the reader's
#: language (:mod:`kamlib.language`); a text the caller passes is kept as given.
STRATEGIES: dict[str, str] = {
    "AX": N_("protect: long-term contract, automate service and replenishment"),
    "AY": N_("secure and grow: regular reviews, flexible supply agreements"),
    "AZ": N_("find the cause of irregularity; joint planning with the client"),
    "BX": N_("develop: cross-sell, standard contract with automated service"),
    "BY": N_("develop selectively: periodic reviews, standard terms"),
    "BZ": N_("understand the demand drivers; plan jointly or limit commitments"),
    "CX": N_("low-touch standard service; automate ordering"),
    "CY": N_("standard service through low-cost channels"),
    "CZ": N_("minimal service or exit; serve on demand only"),
    TOO_NEW: N_("too little history to judge regularity; review after more periods"),
    NON_POSITIVE: N_(
        "net sales are zero or negative (returns): check the data and the relationship"
    ),
}

_ABC = ("A", "B", "C")
_XYZ = ("X", "Y", "Z")
_CELLS = tuple(a + x for a in _ABC for x in _XYZ)
_LABELS = (TOO_NEW, NON_POSITIVE)
# cumulative shares and CVs within this of a cut-off count as on it: float noise such as
# 0.8000000000000002 must not move an item across a boundary
_TOL = 1e-9
_ZERO_PERIODS = ("from_first", "all", "drop")
_MEASURES = ("revenue", "gross_profit", "quantity", "cost")
_FREQ = {"D": "D", "W": "W-MON", "M": "MS", "Q": "QS", "Y": "YS"}
_PERIOD_FREQ = {"D": "D", "W": "W-SUN", "M": "M", "Q": "Q", "Y": "Y"}


def _check_cutoffs(cutoffs, name: str, *, upper: float | None = 1.0) -> tuple[float, float]:
    try:
        lo, hi = (float(c) for c in cutoffs)
    except (TypeError, ValueError):
        raise ArgumentError(
            f"`{name}` must be two numbers (lower, upper), got {cutoffs!r}"
        ) from None
    if not (0 < lo <= hi) or (upper is not None and hi > upper):
        bound = f" <= {upper}" if upper is not None else ""
        raise ArgumentError(f"`{name}` must satisfy 0 < lower <= upper{bound}, got {cutoffs!r}")
    return lo, hi


def _abc_table(values: pd.Series, cutoffs, basis: str) -> pd.DataFrame:
    """Value, share, cumulative share, rank and class per item (index of `values`)."""
    a, b = _check_cutoffs(cutoffs, "cutoffs")
    if basis not in ("value", "count"):
        raise ArgumentError(f"`basis` must be 'value' or 'count', got {basis!r}")
    if not isinstance(values, pd.Series):
        raise ArgumentError("`values` must be a Series indexed by item id")
    v = values.astype("float64")
    if v.isna().any():
        bad = ", ".join(map(str, v.index[v.isna()][:5]))
        raise InputError([Problem("values", None, None, "missing-value", f"no value for {bad}")])
    if v.index.has_duplicates:
        dup = ", ".join(map(str, v.index[v.index.duplicated()][:5]))
        raise InputError([Problem("values", None, None, "duplicate-id", f"repeated ids: {dup}")])

    pos = v[v > 0]
    # rank by value, ties in id order: the order of the input never matters
    pos = pos.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
    n, total = len(pos), pos.sum()
    cum = pos.cumsum() / total if n else pos
    rank = np.arange(1, n + 1)
    if basis == "value":
        cls = np.where(cum <= a + _TOL, "A", np.where(cum <= b + _TOL, "B", "C"))
    else:
        n_a, n_ab = half_up(n * a), half_up(n * b)
        cls = np.where(rank <= n_a, "A", np.where(rank <= n_ab, "B", "C"))
    if n:
        cls[0] = "A"  # the top item is always A, even when it alone exceeds the cut-off
    # a tie group takes the class of its best-ranked member (classes only worsen down the list)
    cls = pd.Series(cls, index=pos.index).groupby(pos.to_numpy()).transform("first")

    out = pd.DataFrame(
        {
            "value": v,
            "share": v / total if n else np.nan,
            "cum_share": cum.reindex(v.index),
            "rank": pd.Series(rank, index=pos.index, dtype="Int64").reindex(v.index),
            "abc": cls.reindex(v.index).fillna(NON_POSITIVE).astype("str"),
        },
        index=v.index,
    )
    return out


def abc_classes(values: pd.Series, *, cutoffs=ABC_CLASSIC, basis: str = "value") -> pd.Series:
    """ABC class per item from a measure (revenue by default) per item.

    Parameters
    ----------
    values : Series
        The measure per item, indexed by item (client) id.
    cutoffs : (float, float)
        ``(a, b)``. With ``basis="value"``: items are ranked by value, descending, and the
        cumulative share of the total *including the item* decides: A if <= a, B if <= b, else
        C. With ``basis="count"``: the top ``round(n*a)`` items are A and the top ``round(n*b)``
        are A or B (halves round up; ``n`` counts the positive items).
    basis : {"value", "count"}

    Returns
    -------
    Series
        ``"A"``, ``"B"``, ``"C"`` or ``"non-positive"`` per item, same index as `values`.

    Notes
    -----
    - The top-ranked item is always A, even if it alone holds more than ``a`` of the total.
    - Items with equal values never straddle a boundary: a tie group takes the class of its
      best-ranked member (so a class can hold a little more than its cut-off).
    - Zero and negative values are not ranked; they get ``"non-positive"``, and shares are of
      the total of the positive values.
    - Cumulative shares within 1e-9 of a cut-off count as on it (float noise).

    Examples
    --------
    >>> abc_classes(pd.Series({"a": 50.0, "b": 30.0, "c": 15.0, "d": 5.0, "e": 0.0}))
    a               A
    b               A
    c               B
    d               C
    e    non-positive
    Name: abc, dtype: str
    """
    return _abc_table(values, cutoffs, basis)["abc"]


def xyz_classes(
    matrix: pd.DataFrame, *, cutoffs=XYZ_CLIENTS, ddof: int = 0, min_periods: int = 3
) -> pd.DataFrame:
    """XYZ class per item from its values per period (regularity of purchases).

    Parameters
    ----------
    matrix : DataFrame
        Rows are items, columns consecutive periods (oldest first), already on the period grid:
        0 for a period without purchases that counts, NaN for a period outside the item's grid
        (before its first purchase, say).
    cutoffs : (float, float)
        ``(x, y)`` on the coefficient of variation CV = std / mean: X if CV <= x, Y if CV <= y,
        else Z. :data:`XYZ_CLASSIC` is ``(0.10, 0.25)``.
    ddof : int
        0: population standard deviation (Excel STDEV.P); 1: sample (Excel STDEV).
    min_periods : int
        Items with fewer periods on their grid (or not more than `ddof`) are ``"too new"``.

    Returns
    -------
    DataFrame
        Per item (same index): ``n_periods``, ``mean``, ``std``, ``cv``, ``purchase_share``
        (share of the item's periods with a positive value), ``mean_interval`` (mean number of
        periods from one purchase period to the next; NaN with fewer than two) and ``xyz``
        (``"X"``, ``"Y"``, ``"Z"``, ``"too new"`` or ``"non-positive"`` when the mean is <= 0).

    Examples
    --------
    >>> m = pd.DataFrame([[10, 10, 10, 10], [0, 20, 0, 20], [np.nan, np.nan, 5, 5]],
    ...                  index=["steady", "every other", "new"])
    >>> xyz_classes(m)[["n_periods", "cv", "mean_interval", "xyz"]]
                 n_periods   cv  mean_interval      xyz
    steady               4  0.0            1.0        X
    every other          4  1.0            2.0        Y
    new                  2  NaN            1.0  too new
    """
    x, y = _check_cutoffs(cutoffs, "cutoffs", upper=None)
    if not isinstance(ddof, (int, np.integer)) or ddof < 0:
        raise ArgumentError(f"`ddof` must be 0 or 1, got {ddof!r}")
    if not isinstance(min_periods, (int, np.integer)) or min_periods < 1:
        raise ArgumentError(f"`min_periods` must be a whole number >= 1, got {min_periods!r}")
    if not isinstance(matrix, pd.DataFrame):
        raise ArgumentError("`matrix` must be a DataFrame: rows items, columns periods")

    m = matrix.astype("float64")
    n = m.notna().sum(axis=1)
    mean = m.mean(axis=1)
    std = m.std(axis=1, ddof=int(ddof))
    too_new = n < max(int(min_periods), int(ddof) + 1)
    positive = mean > 0
    cv = (std / mean).where(positive & ~too_new)

    bought = (m > 0).to_numpy()
    count = bought.sum(axis=1)
    k = bought.shape[1]
    if k:
        first = bought.argmax(axis=1)
        last = k - 1 - bought[:, ::-1].argmax(axis=1)
        interval = np.where(count >= 2, (last - first) / np.maximum(count - 1, 1), np.nan)
    else:
        interval = np.full(len(m), np.nan)

    xyz = np.select(
        [
            too_new.to_numpy(),
            ~positive.to_numpy(),
            (cv <= x + _TOL).to_numpy(),
            (cv <= y + _TOL).to_numpy(),
        ],
        [TOO_NEW, NON_POSITIVE, "X", "Y"],
        "Z",
    )
    return pd.DataFrame(
        {
            "n_periods": n.astype("int64"),
            "mean": mean,
            "std": std,
            "cv": cv,
            "purchase_share": (pd.Series(count, index=m.index) / n.where(n > 0)).astype("float64"),
            "mean_interval": interval,
            "xyz": pd.Series(xyz, index=m.index, dtype="str"),
        },
        index=m.index,
    )


def _period_start(ts: pd.Timestamp, period: str) -> pd.Timestamp:
    return pd.Period(ts, freq=_PERIOD_FREQ[period]).start_time.as_unit("us")


def _cell(abc: pd.Series, xyz: pd.Series) -> pd.Series:
    both = abc.isin(_ABC) & xyz.isin(_XYZ)
    return (abc + xyz).where(both, abc.where(~abc.isin(_ABC), xyz)).astype("str")


def _strategies(strategies: Mapping[str, str] | None) -> dict[str, str]:
    if strategies is not None and not isinstance(strategies, Mapping):
        raise ArgumentError("`strategies` must be a mapping of cell (e.g. 'AX') to text")
    defaults = {cell: _(text) for cell, text in STRATEGIES.items()}
    return {**defaults, **(dict(strategies) if strategies else {})}


def abc_xyz(
    transactions: Source,
    *,
    measure: str = "revenue",
    period: str = "M",
    abc_cutoffs=ABC_CLASSIC,
    xyz_cutoffs=XYZ_CLIENTS,
    ddof: int = 0,
    zero_periods: str = "from_first",
    as_of=None,
    months: int | None = None,
    abc_basis: str = "value",
    min_periods: int = 3,
    strategies: Mapping[str, str] | None = None,
    start=None,
    end=None,
) -> pd.DataFrame:
    """ABC by total and XYZ by regularity per account, with the cell and its strategy.

    Parameters
    ----------
    transactions : DataFrame, path, list of paths or SalesCube
        Transaction lines with ``account_id``, ``date`` and the measure; files are aggregated
        by DuckDB to account x period first (see :func:`kamlib.sales_by_period`), so large
        files never become one pandas frame. A :func:`kamlib.sales_cube` built once for
        several analyses gives the same result without reading the lines again.
    measure : {"revenue", "gross_profit", "quantity", "cost"}
    period : {"M", "Q", "Y", "W", "D"}
    abc_cutoffs, abc_basis
        See :func:`abc_classes`.
    xyz_cutoffs, ddof, min_periods
        See :func:`xyz_classes`.
    zero_periods : {"from_first", "all", "drop"}
        The period grid: ``from_first`` counts periods without purchases as 0 from the
        account's first period with a line to the end of the window; ``all`` from the start of
        the window (makes late-acquired clients look erratic); ``drop`` ignores empty periods.
    as_of : date-like, optional
        Last day of the analysis window (lines after it are left out); default the day of the
        last line.
    months : int, optional
        Length of the window in months, ending with the day `as_of` (``as_of="2024-12-31",
        months=12``: the calendar year 2024). None (default): the whole history up to `as_of`,
        from the first period with any line.
    strategies : mapping, optional
        Overrides of :data:`STRATEGIES` by cell, kept as given; the defaults are in the reader's
        language (:mod:`kamlib.language`).
    start, end : date-like, optional
        Deprecated spellings of the window (first and last day included): pass `as_of` and
        `months`. They still work for one release, with a DeprecationWarning.

    Returns
    -------
    DataFrame
        One row per account, ranked by total (non-positive accounts last): ``account_id``,
        ``total``, ``share`` and ``cum_share`` (of the total of positive accounts), ``rank``,
        ``abc``, ``n_periods``, ``mean``, ``std``, ``cv``, ``purchase_share``,
        ``mean_interval`` (in periods), ``xyz``, ``cell`` (e.g. ``"AX"``; the label when an
        account is ``"non-positive"`` or ``"too new"``) and ``strategy``.

    Raises
    ------
    kamlib.InputError
        When lines have no account id or no date, or the measure is missing for some lines.

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "account_id": ["a"] * 4 + ["b"] * 2,
    ...     "date": pd.to_datetime(["2024-01-10", "2024-02-10", "2024-03-10", "2024-04-10",
    ...                             "2024-01-15", "2024-04-15"]),
    ...     "revenue": [100.0, 100.0, 100.0, 100.0, 50.0, 50.0],
    ... })
    >>> abc_xyz(tx)[["account_id", "total", "abc", "cv", "xyz", "cell"]]
      account_id  total abc   cv xyz cell
    0          a  400.0   A  0.0   X   AX
    1          b  100.0   C  1.0   Y   CY
    """
    start_ts, end_ts = analysis_window(
        transactions, as_of=as_of, months=months, start=start, end=end, function="abc_xyz"
    )
    return _classify(
        transactions,
        start_ts,
        end_ts,
        measure=measure,
        period=period,
        abc_cutoffs=abc_cutoffs,
        xyz_cutoffs=xyz_cutoffs,
        ddof=ddof,
        zero_periods=zero_periods,
        abc_basis=abc_basis,
        min_periods=min_periods,
        strategies=strategies,
    )


def _classify(
    transactions: Source,
    start_ts: pd.Timestamp | None,
    end_ts: pd.Timestamp | None,
    *,
    measure: str = "revenue",
    period: str = "M",
    abc_cutoffs=ABC_CLASSIC,
    xyz_cutoffs=XYZ_CLIENTS,
    ddof: int = 0,
    zero_periods: str = "from_first",
    abc_basis: str = "value",
    min_periods: int = 3,
    strategies: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """:func:`abc_xyz` on the window from the day `start_ts` to the day `end_ts` (None: open)."""
    if measure not in _MEASURES:
        raise ArgumentError(f"`measure` must be one of {list(_MEASURES)}, got {measure!r}")
    if period not in PERIODS:
        raise ArgumentError(f"`period` must be one of {list(PERIODS)}, got {period!r}")
    if zero_periods not in _ZERO_PERIODS:
        raise ArgumentError(
            f"`zero_periods` must be one of {list(_ZERO_PERIODS)}, got {zero_periods!r}"
        )
    texts = _strategies(strategies)
    sales = aggregate(
        transactions,
        period=period,
        by=("account_id",),
        start=start_ts,
        end=end_ts,
        measures=(measure,),
        counts=False,
        sort=False,
    )
    _check_sales(sales, measure)
    matrix = _matrix(sales, measure, period, zero_periods, start_ts, end_ts)

    abc = _abc_table(matrix.sum(axis=1, min_count=1).fillna(0.0), abc_cutoffs, abc_basis)
    xyz = xyz_classes(matrix, cutoffs=xyz_cutoffs, ddof=ddof, min_periods=min_periods)
    out = abc.rename(columns={"value": "total"}).join(xyz)
    out["cell"] = _cell(out["abc"], out["xyz"])
    out["strategy"] = out["cell"].map(texts).astype("str")
    out = out.rename_axis("account_id").reset_index()
    out = out.sort_values(["rank", "account_id"], na_position="last", kind="stable")
    return out.reset_index(drop=True)


def _check_sales(sales: pd.DataFrame, measure: str) -> None:
    problems = []
    if sales["account_id"].isna().any():
        n = int(sales["account_id"].isna().sum())
        problems.append(
            Problem(
                "transactions",
                None,
                "account_id",
                "missing-id",
                f"lines without an account id ({n} account-period group(s))",
            )
        )
    if sales["period"].isna().any():
        problems.append(
            Problem("transactions", None, "date", "missing-date", "lines without a date")
        )
    if sales[measure].isna().any():
        ids = sales.loc[sales[measure].isna(), "account_id"].dropna().unique()[:5]
        problems.append(
            Problem(
                "transactions",
                None,
                measure,
                "missing-value",
                f"{measure} is unknown for some lines (accounts {', '.join(map(str, ids))})",
            )
        )
    if problems:
        raise InputError(problems)


def _matrix(sales, measure, period, zero_periods, start_ts, end_ts) -> pd.DataFrame:
    """Accounts x periods on the window's full grid, empty periods filled per `zero_periods`."""
    if sales.empty:
        return pd.DataFrame(index=pd.Index([], name="account_id", dtype="str"), dtype="float64")
    first = _period_start(start_ts, period) if start_ts is not None else sales["period"].min()
    last = _period_start(end_ts, period) if end_ts is not None else sales["period"].max()
    grid = pd.date_range(first, last, freq=_FREQ[period], unit="us")
    matrix = sales.pivot(index="account_id", columns="period", values=measure).reindex(columns=grid)
    if zero_periods == "all":
        return matrix.fillna(0.0)
    if zero_periods == "from_first":
        return matrix.fillna(0.0).where(matrix.notna().cummax(axis=1))
    return matrix


def abc_xyz_matrix(
    result: pd.DataFrame, *, strategies: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The 3 x 3 ABC-XYZ table: accounts and totals per cell, with each cell's strategy.

    Parameters
    ----------
    result : DataFrame
        The output of :func:`abc_xyz` (columns ``abc``, ``xyz``, ``total``).
    strategies : mapping, optional
        Overrides of :data:`STRATEGIES` by cell, kept as given; the defaults are in the reader's
        language (:mod:`kamlib.language`).

    Returns
    -------
    DataFrame
        One row per cell, all nine always (empty ones with 0), then one row per label
        combination that occurs (``"too new"``, ``"non-positive"``): ``abc``, ``xyz``,
        ``cell``, ``count``, ``total``, ``count_pct`` (share of accounts, %), ``total_pct``
        (share of the total of positive accounts, %; NaN for non-positive ones) and
        ``strategy``. Percentages use largest-remainder rounding to 0.1, so they add up to 100.

    Examples
    --------
    >>> r = pd.DataFrame({"abc": ["A", "A", "B", "C"], "xyz": ["X", "X", "Z", "too new"],
    ...                   "total": [50.0, 30.0, 15.0, 5.0]})
    >>> abc_xyz_matrix(r).query("count > 0")[["cell", "count", "total", "count_pct", "total_pct"]]
          cell  count  total  count_pct  total_pct
    0       AX      2   80.0       50.0       80.0
    5       BZ      1   15.0       25.0       15.0
    9  too new      1    5.0       25.0        5.0
    """
    missing = [c for c in ("abc", "xyz", "total") if c not in result]
    if missing:
        raise ArgumentError(f"`result` must be the output of abc_xyz; missing columns {missing}")
    texts = _strategies(strategies)
    cells = pd.DataFrame([(a, x) for a in _ABC for x in _XYZ], columns=["abc", "xyz"])
    extra = (
        result.loc[~(result["abc"].isin(_ABC) & result["xyz"].isin(_XYZ)), ["abc", "xyz"]]
        .drop_duplicates()
        .assign(
            _a=lambda d: d["abc"].map({**{c: i for i, c in enumerate(_ABC)}, NON_POSITIVE: 9}),
            _x=lambda d: d["xyz"].map(
                {**{c: i for i, c in enumerate(_XYZ)}, TOO_NEW: 8, NON_POSITIVE: 9}
            ),
        )
        .sort_values(["_a", "_x"])
        .drop(columns=["_a", "_x"])
    )
    grid = pd.concat([cells, extra], ignore_index=True).astype("str")
    agg = result.groupby(["abc", "xyz"], observed=True)["total"].agg(["size", "sum"])
    out = grid.join(agg, on=["abc", "xyz"])
    out["count"] = out["size"].fillna(0).astype("int64")
    out["total"] = out["sum"].fillna(0.0).astype("float64")
    out["cell"] = _cell(out["abc"], out["xyz"])
    out["count_pct"] = round_shares(out["count"]) if out["count"].sum() > 0 else np.nan
    ranked = out["abc"].isin(_ABC)
    if out.loc[ranked, "total"].sum() > 0:
        out.loc[ranked, "total_pct"] = round_shares(out.loc[ranked, "total"])
    else:
        out["total_pct"] = np.nan
    out["strategy"] = out["cell"].map(texts).astype("str")
    return out[["abc", "xyz", "cell", "count", "total", "count_pct", "total_pct", "strategy"]]


def _window(value, name: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    if isinstance(value, (str, pd.Period)):
        try:
            p = value if isinstance(value, pd.Period) else pd.Period(value)
        except ValueError as exc:
            raise ArgumentError(
                f"`{name}` must be a period like '2024' or '2024Q3', got {value!r}"
            ) from exc
        return p.start_time.normalize(), p.end_time.normalize()
    if isinstance(value, Sequence) and len(value) == 2:
        lo, hi = as_timestamp(value[0], name), as_timestamp(value[1], name)
        if lo is None or hi is None or lo > hi:
            raise ArgumentError(f"`{name}` must be (start, end) with start <= end, got {value!r}")
        return lo, hi
    raise ArgumentError(
        f"`{name}` must be a period string ('2024', '2024Q3') or (start, end), got {value!r}"
    )


def migration(
    transactions: Source,
    *,
    as_of=None,
    months: int = 12,
    on: str = "cell",
    how: str = "count",
    first=None,
    second=None,
    **kwargs,
) -> pd.DataFrame:
    """How accounts moved between classes from one window to another, with new and lost.

    Parameters
    ----------
    transactions : DataFrame, path, list of paths or SalesCube
        As for :func:`abc_xyz`; lines are read once into a :func:`kamlib.sales_cube` for both
        windows.
    as_of : date-like, optional
        Last day of the second window; default the day of the last line.
    months : int, default 12
        Length of each window: the second is the `months` ending with the day `as_of`, the
        first the `months` before it (``as_of="2024-12-31"``: 2023 against 2024). Each window
        is classified on its own with :func:`abc_xyz`.
    on : {"cell", "abc", "xyz"}
        What is compared: the ABC-XYZ cell, or one of the two classes.
    how : {"count", "revenue", "share"}
        ``count``: number of accounts; ``revenue``: the measure of the accounts (their total in
        the first window; for ``new`` accounts their total in the second); ``share``: counts
        divided by the row total (transition probabilities; rows with no accounts are NaN).
    **kwargs
        Passed to :func:`abc_xyz` (``measure``, ``period``, cut-offs, ``zero_periods`` ...).
    first, second : str, Period or (start, end)
        Deprecated (pass `as_of` and `months`; they work for one release, with a
        DeprecationWarning): the two windows as a period string (``"2024"``, ``"2024Q3"``) or a
        pair of dates (both days included).

    Returns
    -------
    DataFrame
        Rows: state in the first window (classes, any labels, then ``"new"``: no line in the
        first window); columns: state in the second (classes, labels, then ``"lost"``: no line
        in the second window). All classes appear even when empty. Index named ``first``,
        columns named ``second``.

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "account_id": ["a", "a", "b", "c"],
    ...     "date": pd.to_datetime(["2023-03-01", "2024-03-01", "2023-05-01", "2024-06-01"]),
    ...     "revenue": [100.0, 10.0, 20.0, 90.0],
    ... })
    >>> migration(tx, as_of="2024-12-31", on="abc")  # doctest: +NORMALIZE_WHITESPACE
    second  A  B  C  lost
    first
    A       0  0  1     0
    B       0  0  0     0
    C       0  0  0     1
    new     1  0  0     0
    """
    if on not in ("cell", "abc", "xyz"):
        raise ArgumentError(f"`on` must be 'cell', 'abc' or 'xyz', got {on!r}")
    if how not in ("count", "revenue", "share"):
        raise ArgumentError(f"`how` must be 'count', 'revenue' or 'share', got {how!r}")
    for bad in ("start", "end"):
        if bad in kwargs:
            raise ArgumentError(f"`{bad}` is set by `as_of` and `months` in migration")
    cube = build_cube(transactions, orders=False)  # read the lines once for both windows
    if first is not None or second is not None:
        if first is None or second is None or as_of is not None:
            raise ArgumentError(
                "migration(): pass `as_of` and `months`, or (deprecated) both `first` and "
                "`second`, not a mix"
            )
        deprecated_keyword("migration", "first", "`as_of` and `months`")
        deprecated_keyword("migration", "second", "`as_of` and `months`")
        (s1, e1), (s2, e2) = _window(first, "first"), _window(second, "second")
    else:
        s2, e2 = analysis_window(cube, as_of=as_of, months=months, function="migration")
        e1 = s2 - pd.Timedelta(days=1)
        s1 = window_start(e1, months)
    one = _classify(cube, s1, e1, **kwargs).set_index("account_id")
    two = _classify(cube, s2, e2, **kwargs).set_index("account_id")

    both = pd.merge(
        one[[on, "total"]],
        two[[on, "total"]],
        how="outer",
        left_index=True,
        right_index=True,
        suffixes=("_1", "_2"),
    )
    state1 = both[f"{on}_1"].fillna("new")
    state2 = both[f"{on}_2"].fillna("lost")
    weight = both["total_1"].where(state1 != "new", both["total_2"]) if how == "revenue" else 1

    classes = {"cell": _CELLS, "abc": _ABC, "xyz": _XYZ}[on]
    labels = [lab for lab in _LABELS if (state1 == lab).any() or (state2 == lab).any()]
    rows = [*classes, *labels, "new"]
    cols = [*classes, *labels, "lost"]
    table = (
        pd.DataFrame({"first": state1, "second": state2, "w": weight})
        .groupby(["first", "second"])["w"]
        .sum()
        .unstack("second")
        .reindex(index=rows, columns=cols)
        .fillna(0)
    )
    table = table.astype("int64") if how != "revenue" else table.astype("float64")
    if how == "share":
        sums = table.sum(axis=1)
        table = table.div(sums.where(sums > 0), axis=0)
    table.index.name, table.columns.name = "first", "second"
    return table

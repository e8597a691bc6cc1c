"""Concentration of the portfolio: the Pareto (Lorenz-type) curve of sales by client."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from kamlib.errors import ArgumentError

__all__ = ["plot_pareto"]


def _values(data, value: str, months: int | None) -> pd.Series:
    if isinstance(data, pd.Series):
        return data.astype("float64")
    if not isinstance(data, pd.DataFrame):
        raise ArgumentError("`data` must be a Series, client_shares output or transactions")
    if "client_id" in data and value in data:
        return data.set_index("client_id")[value].astype("float64")
    if {"account_id", "date", "revenue"} <= set(data.columns):
        from kamlib.portfolio.clients import client_shares

        shares = client_shares(data, months=months)
        if value not in shares:
            raise ArgumentError(f"`value` must be 'revenue' or 'gross_profit', got {value!r}")
        return shares.set_index("client_id")[value].astype("float64")
    raise ArgumentError(
        f"`data` needs columns client_id and {value!r} (client_shares) or account_id, date, "
        "revenue (transactions)"
    )


def plot_pareto(
    data,
    *,
    value: str = "revenue",
    months: int | None = 12,
    mark: float = 0.80,
    ax: Axes | None = None,
    **kwargs,
) -> Axes:
    """Pareto curve: cumulative share of sales against the cumulative share of clients.

    Clients are sorted by `value`, largest first; the dashed diagonal is an even spread. The
    point where the curve reaches `mark` (80 %) is marked and stated in words.

    Parameters
    ----------
    data : Series, DataFrame
        The value per client (a Series indexed by client), the output of
        :func:`kamlib.client_shares`, or transactions (then ``client_shares(data,
        months=months)`` is used).
    value : {"revenue", "gross_profit"}
        The column used from a DataFrame.
    months : int or None
        Window for transactions input (see :func:`kamlib.client_shares`).
    mark : float
        Share of sales to mark on the curve.
    ax : Axes, optional
        Where to draw; the current Axes by default.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` for the curve.

    Returns
    -------
    Axes

    Notes
    -----
    Only clients with a positive value are on the curve (shares are of their total).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> fig, ax = plt.subplots()
    >>> ax = plot_pareto(pd.Series({"a": 60.0, "b": 25.0, "c": 10.0, "d": 5.0}), ax=ax)
    >>> len(ax.lines), ax.texts[0].get_text()
    (2, '50 % of clients hold 85 % of revenue')
    >>> plt.close(fig)
    """
    if not 0 < mark <= 1:
        raise ArgumentError(f"`mark` must be in (0, 1], got {mark!r}")
    v = _values(data, value, months)
    v = v[v > 0].sort_values(ascending=False, kind="stable")
    if v.empty:
        raise ArgumentError("`data` has no client with a positive value to plot")
    if ax is None:
        ax = plt.gca()
    x = np.concatenate([[0.0], np.arange(1, len(v) + 1) / len(v)]) * 100
    y = np.concatenate([[0.0], v.cumsum().to_numpy() / v.sum()]) * 100
    options = {"color": "C0", "label": f"clients by {value}"}
    options.update(kwargs)
    ax.plot(x, y, **options)
    ax.plot([0, 100], [0, 100], color="0.6", linestyle="--", label="even spread")
    i = int(np.argmax(y >= mark * 100 - 1e-9))
    ax.scatter([x[i]], [y[i]], color=options["color"], zorder=3)
    ax.annotate(
        f"{x[i]:.0f} % of clients hold {y[i]:.0f} % of {value.replace('_', ' ')}",
        (x[i], y[i]),
        xytext=(8, -14),
        textcoords="offset points",
        parse_math=False,
    )
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 102)
    ax.set_xlabel("cumulative % of clients (largest first)", parse_math=False)
    ax.set_ylabel(f"cumulative % of {value.replace('_', ' ')}", parse_math=False)
    ax.set_title(f"Pareto curve: {len(v)} clients", parse_math=False)
    ax.legend(loc="lower right")
    return ax

"""Concentration of the portfolio: the Pareto (Lorenz-type) curve of sales by client."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from kamlib.errors import ArgumentError
from kamlib.language import N_, ngettext
from kamlib.language import gettext as _
from kamlib.words.numbers import percent_points

__all__ = ["plot_pareto"]

#: The curve's words for each value it can rank by (English; translated when drawn).
_WORDS = {
    "revenue": (
        N_("clients by revenue"),
        N_("{clients} of clients hold {share} of revenue"),
        N_("cumulative % of revenue"),
    ),
    "gross_profit": (
        N_("clients by gross profit"),
        N_("{clients} of clients hold {share} of gross profit"),
        N_("cumulative % of gross profit"),
    ),
}


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
    words = value.replace("_", " ")  # a value column without catalogued words reads in English
    curve, mark_text, y_label = _WORDS.get(
        value,
        (
            f"clients by {value}",
            "{clients} of clients hold {share} of " + words,
            "cumulative % of " + words,
        ),
    )
    options = {"color": "C0", "label": _(curve)}
    options.update(kwargs)
    ax.plot(x, y, **options)
    ax.plot([0, 100], [0, 100], color="0.6", linestyle="--", label=_("even spread"))
    i = int(np.argmax(y >= mark * 100 - 1e-9))
    ax.scatter([x[i]], [y[i]], color=options["color"], zorder=3)
    ax.annotate(
        _(mark_text).format(clients=percent_points(x[i], 0), share=percent_points(y[i], 0)),
        (x[i], y[i]),
        xytext=(8, -14),
        textcoords="offset points",
        parse_math=False,
    )
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 102)
    ax.set_xlabel(_("cumulative % of clients (largest first)"), parse_math=False)
    ax.set_ylabel(_(y_label), parse_math=False)
    # TRANSLATORS: English says "clients" for 1 too
    title = ngettext("Pareto curve: {n} clients", "Pareto curve: {n} clients", len(v))
    ax.set_title(title.format(n=len(v)), parse_math=False)
    ax.legend(loc="lower right")
    return ax

"""Loss plots: lost clients over time (or by region, manager, reason)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from kamlib.errors import InputError, Problem
from kamlib.language import gettext as _
from kamlib.plots.axes import axis_label, money_axis

__all__ = ["plot_losses"]


def plot_losses(
    losses: pd.DataFrame,
    *,
    x: str | None = None,
    y: str = "clients",
    ax: Axes | None = None,
    **kwargs,
) -> Axes:
    """Bars of lost clients (or of their annual value) per period, region, manager or reason.

    Parameters
    ----------
    losses : DataFrame
        Output of :func:`kamlib.portfolio.churn.losses`.
    x : str, optional
        Column of the bars' labels; default the first column (what `losses` was counted by).
    y : str, default "clients"
        Column of the bar heights, e.g. ``"annual_value"``.
    ax : Axes, optional
        Axes to draw on; default the current axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.bar`.

    Returns
    -------
    Axes

    Examples
    --------
    >>> data = pd.DataFrame({"period": pd.period_range("2024Q1", "2024Q3", freq="Q"),
    ...                      "clients": [2, 0, 1], "annual_value": [110.0, 0.0, 40.0]})
    >>> fig, ax = plt.subplots()
    >>> [float(p.get_height()) for p in plot_losses(data, ax=ax).patches]
    [2.0, 0.0, 1.0]
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['2024Q1', '2024Q2', '2024Q3']
    >>> plt.close(fig)
    """
    x = losses.columns[0] if x is None and len(losses.columns) else x
    absent = [c for c in (x, y) if c not in losses.columns]
    if absent:
        raise InputError(
            [
                Problem("losses", None, str(c), "missing-column", f"`losses` has no column {c!r}")
                for c in absent
            ]
        )
    if ax is None:
        ax = plt.gca()
    positions = np.arange(len(losses))
    ax.bar(positions, losses[y].to_numpy(dtype=float), **{"color": "C3", **kwargs})
    labels = losses[x].astype("str").tolist()
    ax.set_xticks(positions, labels)
    for text in ax.get_xticklabels():
        text.set_parse_math(False)
    if len(labels) > 6:
        ax.tick_params(axis="x", labelrotation=45)
    ax.set_xlabel(axis_label(x), parse_math=False)
    ax.set_ylabel(_("lost clients") if y == "clients" else axis_label(y), parse_math=False)
    if y != "clients":
        money_axis(ax)
    return ax

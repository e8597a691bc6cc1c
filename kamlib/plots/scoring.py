"""Scoring plots: the competitiveness x interest 2x2 with quadrant lines and names."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from kamlib.errors import InputError, Problem
from kamlib.language import gettext as _
from kamlib.plots.axes import axis_label
from kamlib.portfolio.scoring import QUADRANTS

__all__ = ["plot_strategy_quadrants"]

_LIMITS = (0.5, 10.5)  # the 1-10 scale with a margin


def plot_strategy_quadrants(
    quadrants: pd.DataFrame,
    *,
    x: str = "competitiveness",
    y: str = "interest",
    hue: str | None = "quadrant",
    threshold: float = 5.5,
    label: str | None = None,
    names: Mapping[tuple[str, str], tuple[str, str]] | None = None,
    ax: Axes | None = None,
    **kwargs,
) -> Axes:
    """Scatter clients on the competitiveness x interest grid, with the 2x2 drawn in.

    Parameters
    ----------
    quadrants : DataFrame
        Output of :func:`kamlib.portfolio.scoring.strategy_quadrants` (one row per client). Clients
        missing either value are not drawn.
    x, y : str
        Columns on the 1-10 scale (competitiveness across, interest up).
    hue : str or None, default "quadrant"
        Column that colours the points; None for one colour.
    threshold : float, default 5.5
        Where the quadrant lines go (the same threshold as in ``strategy_quadrants``).
    label : str, optional
        Column with the point labels (e.g. a client name); default the index. Labels are
        drawn as literal text.
    names : mapping, optional
        Quadrant names, as in :data:`kamlib.portfolio.scoring.QUADRANTS` (whose names are the default).
    ax : Axes, optional
        Axes to draw on; default the current axes.
    **kwargs
        Passed to :func:`seaborn.scatterplot`.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from kamlib.portfolio.scoring import strategy_quadrants
    >>> q = strategy_quadrants(pd.Series({"a": 8.0, "b": 3.0}), pd.Series({"a": 9.0, "b": 2.0}),
    ...                        rank_interest=False)
    >>> fig, ax = plt.subplots()
    >>> ax = plot_strategy_quadrants(q, ax=ax)
    >>> ax.collections[0].get_offsets().tolist()
    [[8.0, 9.0], [3.0, 2.0]]
    >>> plt.close(fig)
    """
    needed = [c for c in (x, y, hue, label) if c is not None]
    absent = [c for c in needed if c not in quadrants.columns]
    if absent:
        raise InputError(
            [
                Problem("quadrants", None, c, "missing-column", f"`quadrants` has no column {c!r}")
                for c in absent
            ]
        )
    if ax is None:
        ax = plt.gca()
    placed = quadrants.dropna(subset=[x, y])
    if len(placed):
        sns.scatterplot(data=placed, x=x, y=y, hue=hue, ax=ax, **{"s": 60, **kwargs})
        legend = ax.get_legend()
        if legend is not None:
            legend.set_title(axis_label(legend.get_title().get_text()))
            for text in legend.get_texts():
                text.set_text(_(text.get_text()))
                text.set_parse_math(False)
        point_labels = placed[label] if label is not None else placed.index.to_series()
        for xi, yi, text in zip(placed[x], placed[y], point_labels.astype("str"), strict=True):
            ax.annotate(
                text,
                (xi, yi),
                xytext=(4, 4),
                textcoords="offset points",
                fontsize=8,
                parse_math=False,
            )
    ax.axvline(threshold, color="0.5", linestyle="--", linewidth=1)
    ax.axhline(threshold, color="0.5", linestyle="--", linewidth=1)
    table = {**QUADRANTS, **(names or {})}
    lo, hi = _LIMITS
    corners = {
        ("high", "high"): (hi - 0.2, hi - 0.2, "right", "top"),
        ("high", "low"): (hi - 0.2, lo + 0.2, "right", "bottom"),
        ("low", "high"): (lo + 0.2, hi - 0.2, "left", "top"),
        ("low", "low"): (lo + 0.2, lo + 0.2, "left", "bottom"),
    }
    for key, (cx, cy, ha, va) in corners.items():
        if key in table:
            ax.text(
                cx,
                cy,
                _(table[key][0]),
                ha=ha,
                va=va,
                color="0.35",
                fontsize=10,
                fontweight="bold",
                parse_math=False,
            )
    ax.set_xlim(*_LIMITS)
    ax.set_ylim(*_LIMITS)
    # TRANSLATORS: an axis of the 2x2 and its scale, e.g. "interest (1-10)"
    ax.set_xlabel(_("{axis} (1-10)").format(axis=axis_label(x)), parse_math=False)
    ax.set_ylabel(_("{axis} (1-10)").format(axis=axis_label(y)), parse_math=False)
    return ax

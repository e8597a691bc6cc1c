"""Dossier plots: the decision-making-unit map and the revenue history by category."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from kamlib.errors import InputError, Problem
from kamlib.language import N_
from kamlib.language import gettext as _
from kamlib.plots.axes import axis_label, money_axis, nothing_to_draw

__all__ = ["ATTITUDE_COLORS", "plot_dmu_map", "plot_revenue_history"]

ATTITUDE_COLORS: dict[str, str] = {
    "champion": "#1a9850",
    "supporter": "#91cf60",
    "neutral": "#fee08b",
    "sceptic": "#fc8d59",
    "opponent": "#d73027",
    "unknown": "#bdbdbd",
}
"""Node colour per attitude (diverging: green = for us, red = against us)."""

#: The attitudes as the legend names them (English; translated when drawn).
_ATTITUDE_WORDS = (
    N_("champion"),
    N_("supporter"),
    N_("neutral"),
    N_("sceptic"),
    N_("opponent"),
    N_("unknown"),
)


def _require(frame: pd.DataFrame, columns: list[str], name: str) -> None:
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise InputError(
            [
                Problem(name, None, c, "missing-column", f"`{name}` has no column {c!r}")
                for c in absent
            ]
        )


def _tree_layout(ids: list[str], parents: list[object]) -> dict[str, tuple[float, int]]:
    """(x, level) per id: leaves side by side in order, parents centred over their children."""
    known = set(ids)
    parent_of = {i: p for i, p in zip(ids, parents, strict=True) if p in known and p != i}
    children: dict[str, list[str]] = {i: [] for i in ids}
    for child, parent in parent_of.items():
        children[parent].append(child)
    positions: dict[str, tuple[float, int]] = {}
    next_x = [0.0]

    def place(node: str, level: int, seen: frozenset[str]) -> float:
        kids = [k for k in children[node] if k not in seen and k not in positions]
        if not kids:
            x = next_x[0]
            next_x[0] += 1.0
        else:
            xs = [place(k, level + 1, seen | {node}) for k in kids]
            x = (min(xs) + max(xs)) / 2
        positions[node] = (x, level)
        return x

    for node in ids:  # roots first, in roster order; then anything left in a cycle
        if node not in parent_of:
            place(node, 0, frozenset())
    for node in ids:
        if node not in positions:
            place(node, 0, frozenset())
    return positions


def plot_dmu_map(
    dmu: pd.DataFrame,
    *,
    ax: Axes | None = None,
    palette: dict[str, str] | None = None,
    sizes: tuple[float, float] = (300.0, 1500.0),
    labels: bool = True,
    **kwargs,
) -> Axes:
    """Draw the decision-making unit as an org chart.

    Contacts are laid out by their level in the ``reports_to`` tree (top = level 0), each
    manager centred over the people reporting to them; nodes are coloured by ``attitude`` and
    sized by ``influence`` (1-5). Labels show name and role as literal text.

    Parameters
    ----------
    dmu : DataFrame
        Output of :func:`kamlib.account.dmu.dmu_roster` (``contact_id``, ``name``, ``dmu_role``,
        ``influence``, ``attitude``, ``reports_to``).
    ax : Axes, optional
        Axes to draw on; default the current axes.
    palette : dict, optional
        Colour per attitude, merged over :data:`ATTITUDE_COLORS`.
    sizes : (float, float), default (300, 1500)
        Marker areas for influence 1 and 5 (unknown influence gets the smallest).
    labels : bool, default True
        Write name and role under each node.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.scatter`.

    Returns
    -------
    Axes

    Examples
    --------
    >>> dmu = pd.DataFrame({"contact_id": ["k1", "k2"], "name": ["Ada", "Bo"],
    ...     "dmu_role": ["decision maker", "buyer"], "influence": [5.0, 3.0],
    ...     "attitude": ["champion", "neutral"], "reports_to": [None, "k1"]})
    >>> fig, ax = plt.subplots()
    >>> ax = plot_dmu_map(dmu, ax=ax)
    >>> ax.collections[-1].get_offsets().tolist()
    [[0.0, 0.0], [0.0, -1.0]]
    >>> plt.close(fig)
    """
    _require(dmu, ["contact_id", "name", "dmu_role", "influence", "attitude", "reports_to"], "dmu")
    if ax is None:
        ax = plt.gca()
    ax.set_axis_off()
    if dmu.empty:
        return nothing_to_draw(ax, _("No contacts recorded: no org chart to draw."))
    colors = {**ATTITUDE_COLORS, **(palette or {})}
    ids = dmu["contact_id"].astype("str").tolist()
    layout = _tree_layout(ids, dmu["reports_to"].tolist())
    x = np.array([layout[i][0] for i in ids])
    y = 0.0 - np.array([layout[i][1] for i in ids], dtype=float)
    known = set(ids)
    segments = [
        [(layout[p][0], -layout[p][1]), (layout[c][0], -layout[c][1])]
        for c, p in zip(ids, dmu["reports_to"], strict=True)
        if p in known and p != c
    ]
    ax.add_collection(LineCollection(segments, colors="0.6", linewidths=1.2, zorder=1))
    attitude = (
        dmu["attitude"].where(dmu["attitude"].isin(list(colors)), "unknown").fillna("unknown")
    )
    influence = dmu["influence"].clip(1, 5)
    area = (sizes[0] + (influence - 1) / 4 * (sizes[1] - sizes[0])).fillna(sizes[0])
    style = {"edgecolors": "0.2", "linewidths": 0.8, "zorder": 3, **kwargs}
    ax.scatter(x, y, s=area.to_numpy(), c=attitude.map(colors).tolist(), **style)
    if labels:
        role = dmu["dmu_role"].fillna(_("role unknown")).astype("str")
        for xi, yi, name, r in zip(x, y, dmu["name"].astype("str"), role, strict=True):
            ax.text(
                xi,
                yi - 0.18,
                f"{name}\n{r}",
                ha="center",
                va="top",
                fontsize=8,
                parse_math=False,
                zorder=4,
            )
    present = [a for a in colors if a in set(attitude)]
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=9,
            markerfacecolor=colors[a],
            markeredgecolor="0.2",
            label=_(a),
        )
        for a in present
    ]
    ax.legend(
        handles=handles,
        title=_("attitude"),
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        frameon=False,
    )
    ax.set_xlim(x.min() - 0.8, x.max() + 0.8)
    ax.set_ylim(y.min() - 0.9, 0.5)
    return ax


def plot_revenue_history(
    history: pd.DataFrame,
    *,
    x: str = "year",
    y: str = "revenue",
    hue: str = "category",
    ax: Axes | None = None,
    **kwargs,
) -> Axes:
    """Stacked bars of revenue per year, one colour per product category.

    Parameters
    ----------
    history : DataFrame
        Output of :func:`kamlib.account.dossier.revenue_history` (``year``, ``category``, ``revenue``).
    x, y, hue : str
        Columns for the bars, their heights and the stacks.
    ax : Axes, optional
        Axes to draw on; default the current axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.bar`.

    Returns
    -------
    Axes

    Examples
    --------
    >>> h = pd.DataFrame({"year": [2024, 2024, 2025], "category": ["A", "B", "A"],
    ...                   "revenue": [100.0, 50.0, 80.0]})
    >>> fig, ax = plt.subplots()
    >>> [round(p.get_height()) for p in plot_revenue_history(h, ax=ax).patches]
    [100, 80, 50, 0]
    >>> plt.close(fig)
    """
    _require(history, [x, y, hue], "history")
    if ax is None:
        ax = plt.gca()
    table = history.pivot_table(index=x, columns=hue, values=y, aggfunc="sum", fill_value=0.0)
    positions = np.arange(len(table.index))
    colors = sns.color_palette(n_colors=max(len(table.columns), 1))
    up = np.zeros(len(table.index))
    down = np.zeros(len(table.index))
    for color, column in zip(colors, table.columns, strict=False):
        values = table[column].to_numpy(dtype=float)
        bottom = np.where(values >= 0, up, down)
        ax.bar(positions, values, bottom=bottom, color=color, label=str(column), **kwargs)
        up += np.clip(values, 0, None)
        down += np.clip(values, None, 0)
    ax.set_xticks(positions, [str(v) for v in table.index])
    ax.set_xlabel(axis_label(x))
    ax.set_ylabel(axis_label(y))
    money_axis(ax)
    legend = ax.legend(title=axis_label(hue), frameon=False)
    for text in legend.get_texts():
        text.set_parse_math(False)
    return ax

"""Planning plots: plan vs actual, seasonal stages, and the discount/volume what-if."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from kamlib.errors import InputError, Problem
from kamlib.language import gettext as _
from kamlib.language import pgettext
from kamlib.plots.axes import axis_label, money_axis, nothing_to_draw

__all__ = ["plot_plan_vs_actual", "plot_what_if"]


def _require(frame: pd.DataFrame, columns: list[str], name: str) -> None:
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise InputError(
            [
                Problem(name, None, c, "missing-column", f"`{name}` has no column {c!r}")
                for c in absent
            ]
        )


def _line_labels(pva: pd.DataFrame) -> list[str]:
    whole = pgettext("plan period", "year")
    period = pva["period"].fillna(whole) if "period" in pva else pd.Series(whole, index=pva.index)
    label = pva["year"].astype("str") + " " + period.astype("str")
    for column in ("category", "product_id", "region"):
        if column in pva and pva[column].notna().any():
            label = label + (" " + pva[column].astype("str")).fillna("")
    return label.tolist()


def plot_plan_vs_actual(
    pva: pd.DataFrame,
    *,
    ax: Axes | None = None,
    width: float = 0.4,
    **kwargs,
) -> Axes:
    """Paired bars per target line: the target and the actual revenue so far.

    Parameters
    ----------
    pva : DataFrame
        Output of :func:`kamlib.account.targets.plan_vs_actual` (``year``, ``period``,
        ``revenue_target``, ``actual``; ``category``/``product_id``/``region`` label the bars
        when present).
    ax : Axes, optional
        Axes to draw on; default the current axes.
    width : float, default 0.4
        Width of each bar.
    **kwargs
        Passed to both :meth:`matplotlib.axes.Axes.bar` calls.

    Returns
    -------
    Axes

    Examples
    --------
    >>> pva = pd.DataFrame({"year": [2025, 2025], "period": ["Q1", "Q2"],
    ...     "revenue_target": [100.0, 120.0], "actual": [90.0, 130.0]})
    >>> fig, ax = plt.subplots()
    >>> [float(p.get_height()) for p in plot_plan_vs_actual(pva, ax=ax).patches]
    [100.0, 120.0, 90.0, 130.0]
    >>> plt.close(fig)
    """
    _require(pva, ["year", "revenue_target", "actual"], "pva")
    if ax is None:
        ax = plt.gca()
    if pva.empty:
        return nothing_to_draw(ax, _("No target lines recorded: no plan against actual to draw."))
    x = np.arange(len(pva))
    target, actual = pgettext("plan chart", "target"), pgettext("plan chart", "actual")
    ax.bar(x - width / 2, pva["revenue_target"], width, label=target, color="0.75", **kwargs)
    ax.bar(x + width / 2, pva["actual"].fillna(0.0), width, label=actual, color="C0", **kwargs)
    ax.set_xticks(
        x,
        _line_labels(pva),
        rotation=45 if len(pva) > 6 else 0,
        ha="right" if len(pva) > 6 else "center",
    )
    for text in ax.get_xticklabels():
        text.set_parse_math(False)
    ax.set_ylabel(axis_label("revenue"))
    money_axis(ax)
    ax.legend(frameon=False)
    return ax


def plot_what_if(
    table: pd.DataFrame,
    *,
    ax: Axes | None = None,
    **kwargs,
) -> Axes:
    """Volume increase needed to keep the contribution, by discount.

    Points whose price falls below the floor are marked with a red cross; infeasible
    discounts (price not covering the unit cost) are left out.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`kamlib.account.pricing.what_if` (``discount``, ``volume_change``,
        ``below_floor``) for one product.
    ax : Axes, optional
        Axes to draw on; default the current axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot`.

    Returns
    -------
    Axes

    Examples
    --------
    >>> t = pd.DataFrame({"discount": [0.0, 0.05, 0.1], "volume_change": [0.0, 0.18, 0.43],
    ...                   "below_floor": [False, False, True]})
    >>> fig, ax = plt.subplots()
    >>> ax = plot_what_if(t, ax=ax)
    >>> ax.lines[0].get_ydata().tolist(), len(ax.lines[1].get_xdata())
    ([0.0, 18.0, 43.0], 1)
    >>> plt.close(fig)
    """
    _require(table, ["discount", "volume_change", "below_floor"], "table")
    if ax is None:
        ax = plt.gca()
    ok = table[table["volume_change"].notna()]
    ax.plot(ok["discount"] * 100, ok["volume_change"] * 100, marker="o", **kwargs)
    under = ok[ok["below_floor"].astype(bool)]
    ax.plot(
        under["discount"] * 100,
        under["volume_change"] * 100,
        linestyle="",
        marker="x",
        markersize=10,
        color="C3",
        label=_("below the price floor"),
    )
    ax.set_xlabel(_("discount (%)"))
    ax.set_ylabel(_("volume increase needed (%)"))
    if len(under):
        ax.legend(frameon=False)
    return ax

"""Profitability plots: the whale curve with its peak stated in words."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from kamlib.errors import InputError, Problem
from kamlib.language import gettext as _
from kamlib.language import pgettext
from kamlib.portfolio.profitability import whale_peak
from kamlib.words.profitability import whale_peak_sentence

__all__ = ["plot_whale_curve"]


def _measure(noun: str) -> str:
    """What a whale curve measures, in the reader's language (another noun is kept)."""
    words = {
        "profit": pgettext("measure", "profit"),
        "contribution": pgettext("measure", "contribution"),
        "gross profit": pgettext("measure", "gross profit"),
    }
    return words.get(noun, noun)


def plot_whale_curve(
    curve: pd.DataFrame,
    *,
    x: str = "cum_client_share",
    y: str = "cum_value_share",
    noun: str = "profit",
    annotate: bool = True,
    ax: Axes | None = None,
    **kwargs,
) -> Axes:
    """Draw the whale curve: cumulative % of profit against cumulative % of clients.

    The line starts at (0, 0) and ends at (100 %, 100 %); a dashed line marks 100 % of the
    total, and the peak is marked and stated in words (:func:`kamlib.portfolio.profitability.whale_peak`).

    Parameters
    ----------
    curve : DataFrame
        Output of :func:`kamlib.portfolio.profitability.whale_curve`.
    x, y : str
        Columns with the cumulative shares (0-1) of clients and of the value.
    noun : str, default "profit"
        What the curve measures, for the labels and the sentence.
    annotate : bool, default True
        Mark the peak and write the sentence.
    ax : Axes, optional
        Axes to draw on; default the current axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` for the curve.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from kamlib.portfolio.profitability import whale_curve
    >>> pnl = pd.DataFrame({"contribution": [90.0, 30.0, -20.0]},
    ...                    index=pd.Index(["a", "b", "c"], name="account_id"))
    >>> fig, ax = plt.subplots()
    >>> ax = plot_whale_curve(whale_curve(pnl), ax=ax)
    >>> [round(v) for v in ax.lines[0].get_ydata()]
    [0, 90, 120, 100]
    >>> plt.close(fig)
    """
    absent = [c for c in (x, y, "cumulative") if c not in curve.columns]
    if absent:
        raise InputError(
            [
                Problem("curve", None, c, "missing-column", f"`curve` has no column {c!r}")
                for c in absent
            ]
        )
    if ax is None:
        ax = plt.gca()
    ax.set_xlabel(_("clients, most profitable first (cumulative %)"))
    ax.set_ylabel(
        _("{measure} (cumulative % of the total)").format(measure=_measure(noun)), parse_math=False
    )
    shares = curve[y].to_numpy(dtype=float)
    if len(curve) == 0 or np.isnan(shares).all():
        ax.text(
            0.5,
            0.5,
            whale_peak_sentence(whale_peak(curve), noun=noun),
            ha="center",
            va="center",
            wrap=True,
            transform=ax.transAxes,
            parse_math=False,
        )
        return ax
    xs = np.concatenate([[0.0], 100 * curve[x].to_numpy(dtype=float)])
    ys = np.concatenate([[0.0], 100 * shares])
    ax.plot(xs, ys, **{"color": "C0", "linewidth": 2, **kwargs})
    ax.axhline(100, color="0.5", linestyle="--", linewidth=1)
    if annotate:
        peak = whale_peak(curve)
        px, py = 100 * peak.client_share, 100 * peak.value_share
        ax.plot([px], [py], marker="o", color="C3", linestyle="")
        ax.annotate(
            whale_peak_sentence(peak, noun=noun),
            xy=(px, py),
            xytext=(0.98, 0.04),
            textcoords="axes fraction",
            ha="right",
            va="bottom",
            fontsize=9,
            wrap=True,
            arrowprops={"arrowstyle": "->", "color": "0.4"},
            parse_math=False,
        )
    ax.set_xlim(0, 100)
    ax.set_ylim(min(0.0, float(np.nanmin(ys))) - 5, float(np.nanmax(ys)) * 1.08 + 5)
    return ax

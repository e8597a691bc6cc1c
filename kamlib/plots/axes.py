"""Axis ticks a manager reads: money as 1.2 M or 350 k, never matplotlib's "1e6" offset.

Examples
--------
>>> money_tick(1_234_567), money_tick(350_000), money_tick(8_500), money_tick(-2_000_000)
('1.2 M', '350 k', '8,500', '-2.0 M')
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

__all__ = ["money_axis", "money_tick", "nothing_to_draw"]


def money_tick(value: float, _position: object = None) -> str:
    """One tick label: millions as "1.2 M", from 10,000 as "350 k", else with thousands commas.

    >>> money_tick(0)
    '0'
    """
    size = abs(value)
    if size >= 1e6:
        return f"{value / 1e6:,.1f} M"
    if size >= 1e4:
        return f"{value / 1e3:,.0f} k"
    return f"{value:,.0f}"


def money_axis(ax: Axes, which: str = "y") -> Axes:
    """Label the ticks of one axis of `ax` as money (:func:`money_tick`); returns `ax`.

    Parameters
    ----------
    ax : Axes
        The axes to format.
    which : {"y", "x"}, default "y"
        The axis with money on it.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.bar([0, 1], [2_500_000, 4_000_000])
    >>> ax = money_axis(ax)
    >>> fig.canvas.draw()
    >>> [t.get_text() for t in ax.get_yticklabels()][-2:]
    ['4.0 M', '4.5 M']
    >>> plt.close(fig)
    """
    axis = ax.yaxis if which == "y" else ax.xaxis
    axis.set_major_formatter(FuncFormatter(money_tick))
    return ax


def nothing_to_draw(ax: Axes, text: str) -> Axes:
    """Say `text` in place of an empty chart, one line high when `ax` is its figure's only axes.

    A report then shows a short line instead of a blank picture (an org chart without contacts,
    a plan chart without target lines).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(8, 4))
    >>> ax = nothing_to_draw(ax, "No contacts recorded.")
    >>> fig.get_size_inches().tolist(), ax.texts[0].get_text()
    ([8.0, 0.4], 'No contacts recorded.')
    >>> plt.close(fig)
    """
    ax.set_axis_off()
    ax.text(0.0, 0.5, text, ha="left", va="center", transform=ax.transAxes, parse_math=False)
    if len(ax.figure.axes) == 1:
        ax.figure.set_size_inches(ax.figure.get_size_inches()[0], 0.4)
    return ax

"""Axis ticks and labels a manager reads: money as 1.2 M or 350 k, never matplotlib's "1e6" offset.

Ticks and labels are in the reader's language (:func:`kamlib.language.use_language`): the
numbers by the locale, the suffixes from the catalogue ("1,2 млн", "350 тыс." in Russian).

Examples
--------
>>> money_tick(1_234_567), money_tick(350_000), money_tick(8_500), money_tick(-2_000_000)
('1.2 M', '350 k', '8,500', '-2.0 M')
>>> from kamlib.language import language
>>> with language("ru"):
...     money_tick(1_234_567), money_tick(350_000), money_tick(8_500)
('1,2 млн', '350 тыс.', '8\xa0500')
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from kamlib.language import current_language, pgettext
from kamlib.words.columns import column_label
from kamlib.words.numbers import number

__all__ = ["axis_label", "money_axis", "money_tick", "nothing_to_draw"]


def money_tick(value: float, _position: object = None) -> str:
    """One tick label: millions as "1.2 M", from 10,000 as "350 k", else with thousands commas.

    >>> money_tick(0)
    '0'
    """
    size = abs(value)
    if size >= 1e6:
        # TRANSLATORS: an amount in millions on a chart's axis, short ("1.2 M")
        return pgettext("money tick", "{amount} M").format(amount=number(value / 1e6, 1))
    if size >= 1e4:
        # TRANSLATORS: an amount in thousands on a chart's axis, short ("350 k")
        return pgettext("money tick", "{amount} k").format(amount=number(value / 1e3))
    return number(value)


def axis_label(name: object) -> str:
    """A column as an axis label: its name in English ("region"), its header in other languages.

    Parameters
    ----------
    name : object
        The column drawn on the axis.

    Examples
    --------
    >>> axis_label("region"), axis_label("annual_value")
    ('region', 'annual_value')
    >>> from kamlib.language import language
    >>> with language("fr"):
    ...     axis_label("region")
    'Région'
    """
    return str(name) if current_language() == "en" else column_label(name)


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

"""What any report says about itself: the settings it used and the tables it had to leave out.

Examples
--------
>>> settings_sentence({"months": 12})
'Settings: months 12.'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from kamlib.portfolio.abcxyz import ABC_CLASSIC, XYZ_CLIENTS
from kamlib.window import window_start

__all__ = ["conventions_sentence", "notes_sentence", "settings_sentence", "window_label"]

#: How each ``zero_periods`` convention of XYZ reads (docs/methods.md, XYZ classification).
ZERO_PERIODS = {
    "from_first": "periods without a purchase count as 0 from the client's first purchase",
    "all": "periods without a purchase count as 0 from the start of the window",
    "drop": "periods without a purchase are left out",
}


#: Setting names whose values are shares of 1, shown as percentages.
_SHARES = ("margin", "discount", "growth", "share")


def settings_sentence(settings: Mapping[str, object]) -> str:
    """The thresholds and dates a report used, in one line (docs/methods.md: print every threshold).

    Parameters
    ----------
    settings : mapping
        Name to value, e.g. ``meeting_brief(...).parameters``; underscores read as spaces.

    Examples
    --------
    Settings that are shares (margins, discounts, growth) read as percentages:

    >>> settings_sentence({"growth_bounds": (-0.5, 0.5), "key_types": ("breadwinner", "expert"),
    ...                    "cell": None, "max_discount": 0.1})
    'Settings: growth bounds -50 % to +50 %; key types breadwinner, expert; cell default; max discount 10 %.'
    """
    parts = []
    for name, value in settings.items():  # a dozen settings at most
        numbers = isinstance(value, tuple | list) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value
        )
        share = any(word in name for word in _SHARES)
        if share and isinstance(value, int | float) and not isinstance(value, bool):
            value = f"{100 * value:g} %"
        elif share and numbers and len(value) == 2:
            value = f"{100 * value[0]:+g} % to {100 * value[1]:+g} %"
        elif numbers and len(value) == 2:
            value = f"{value[0]} to {value[1]}"
        elif isinstance(value, tuple | list):
            value = ", ".join(map(str, value)) or "none"
        elif value is None:
            value = "default"
        parts.append(f"{name.replace('_', ' ')} {value}")
    return "Settings: " + "; ".join(parts) + "." if parts else "Settings: the defaults."


def notes_sentence(*messages: Iterable[str]) -> str:
    """What an analysis left out for lack of a table, from its ``messages``, in one line.

    Parameters
    ----------
    *messages : iterable of str
        The ``messages`` of one or more results (duplicates are said once).

    Examples
    --------
    >>> notes_sentence(("no contacts table: decision-making map skipped",), ())
    'Left out: no contacts table: decision-making map skipped.'
    >>> notes_sentence((), ())
    'Every table this report uses is present.'
    """
    found = list(dict.fromkeys(m for group in messages for m in group))
    if not found:
        return "Every table this report uses is present."
    return "Left out: " + "; ".join(found) + "."


def window_label(as_of, months: int | None) -> str:
    """The window of a figure in words: ``last 12 months to 2025-12-31`` or ``whole history``.

    Parameters
    ----------
    as_of : date-like
        The last day of the window.
    months : int or None
        Its length; None or 0: all the history up to `as_of`.

    Examples
    --------
    >>> window_label("2025-12-31", 12)
    'last 12 months to 2025-12-31'
    >>> window_label("2025-12-31", 1)
    'last month to 2025-12-31'
    >>> window_label("2025-12-31", None)
    'whole history to 2025-12-31'
    """
    day = pd.Timestamp(as_of).normalize()
    if not months:
        return f"whole history to {day.date()}"
    length = "last month" if months == 1 else f"last {months} months"
    return f"{length} to {day.date()}"


def conventions_sentence(
    *,
    as_of,
    months: int | None,
    abc_cutoffs: tuple[float, float] = ABC_CLASSIC,
    xyz_cutoffs: tuple[float, float] = XYZ_CLIENTS,
    zero_periods: str = "from_first",
    classes_months: int | None = None,
    measure: str = "revenue",
    period: str = "M",
    **settings: object,
) -> str:
    """The window, the class conventions and a report's other settings, in one line.

    Every report prints it (portfolio reports under the title, account reports at the end), and ``kam
    summary`` prints it first, so that a reader knows which window and which conventions
    each figure uses (docs/methods.md).

    Parameters
    ----------
    as_of : date-like
        The analysis date: the last day of every window.
    months : int or None
        The analysis window of the report's windowed figures (None or 0: whole history).
    abc_cutoffs, xyz_cutoffs : (float, float)
        The ABC cut-offs (cumulative shares) and the XYZ cut-offs (coefficients of variation).
    zero_periods : {"from_first", "all", "drop"}
        The XYZ period grid.
    classes_months : int or None
        The window of the ABC-XYZ classes (None: whole history, as in the portfolio results).
    measure : str
        What ABC ranks.
    period : str
        The XYZ period: M, Q or W.
    **settings
        The report's other parameters, shown as :func:`settings_sentence` shows them.

    Examples
    --------
    >>> print(conventions_sentence(as_of="2025-12-31", months=36, top_share=0.1))
    ... # doctest: +NORMALIZE_WHITESPACE
    Settings: analysis window last 36 months to 2025-12-31 (2023-01-01 to 2025-12-31, months 36);
    as of 2025-12-31; ABC-XYZ classes over the whole history to 2025-12-31;
    ABC by revenue: A up to 80 %, B up to 95 % of the cumulative total, the rest C;
    XYZ by the coefficient of variation of monthly purchases: X up to 0.5, Y up to 1, above Z;
    zero periods from_first (periods without a purchase count as 0 from the client's first
    purchase); top share 10 %.
    """
    day = pd.Timestamp(as_of).normalize()
    a, b = abc_cutoffs
    x, y = xyz_cutoffs
    start = window_start(day, months) if months else None
    dates = f"{start.date()} to {day.date()}" if start is not None else f"up to {day.date()}"
    per = {"M": "monthly", "Q": "quarterly", "W": "weekly", "Y": "yearly", "D": "daily"}
    parts = [
        f"analysis window {window_label(day, months)} ({dates}, months {months or 'all'})",
        f"as of {day.date()}",
        f"ABC-XYZ classes over the {window_label(day, classes_months)}",
        f"ABC by {measure.replace('_', ' ')}: A up to {100 * a:g} %, B up to {100 * b:g} % of "
        "the cumulative total, the rest C",
        f"XYZ by the coefficient of variation of {per.get(period, period)} purchases: X up to "
        f"{x:g}, Y up to {y:g}, above Z",
        f"zero periods {zero_periods} ({ZERO_PERIODS.get(zero_periods, zero_periods)})",
    ]
    rest = settings_sentence(settings)
    if settings:
        parts.append(rest.removeprefix("Settings: ").removesuffix("."))
    return "Settings: " + "; ".join(parts) + "."

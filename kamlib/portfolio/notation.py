"""How the analyses write a number or a day inside the texts they build, in the reader's language.

A few analyses put figures into the texts of their tables (a reason, a level, a follow-up step).
In English these read as they always did (``1,234`` and ``2025-12-21``); in another language the
locale of :func:`kamlib.language.babel_locale` groups the digits and writes the day (Babel's
short date). The presentation layer has its own formats (``kamlib.words.numbers``); these two
are for the analyses, which may not import it.

Examples
--------
>>> whole(1234.4), day("2025-12-21")
('1,234', '2025-12-21')
>>> from kamlib.language import language
>>> with language("ru"):
...     whole(1234.4).replace("\\xa0", " "), day("2025-12-21")
('1 234', '21.12.2025')
"""

from __future__ import annotations

import pandas as pd

from kamlib.language import babel_locale, current_language

__all__ = ["day", "short", "whole"]


def whole(value: float) -> str:
    """`value` rounded to a whole number, digits grouped as the reader's language groups them.

    Examples
    --------
    >>> whole(2000.0)
    '2,000'
    """
    if current_language() == "en":
        return f"{value:,.0f}"
    from babel.numbers import format_decimal

    return format_decimal(round(float(value)), format="#,##0", locale=babel_locale())


def short(value: float) -> str:
    """A number in its shortest form (``30``, ``12.5``: Python's ``g``), no digit grouping.

    Examples
    --------
    >>> short(30.0), short(12.5)
    ('30', '12.5')
    >>> from kamlib.language import language
    >>> with language("fr"):
    ...     short(12.5)
    '12,5'
    """
    if current_language() == "en":
        return f"{value:g}"
    from babel.numbers import format_decimal

    return format_decimal(float(f"{value:g}"), format="0.######", locale=babel_locale())


def day(value: object) -> str:
    """A day as the reader's language writes it (``YYYY-MM-DD`` in English).

    Examples
    --------
    >>> day(pd.Timestamp("2026-01-02 13:00"))
    '2026-01-02'
    """
    ts = pd.Timestamp(value)
    if current_language() == "en":
        return ts.strftime("%Y-%m-%d")
    from babel.dates import format_date

    return format_date(ts.date(), format="short", locale=babel_locale())

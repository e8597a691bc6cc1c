"""Number formats: the one place where kamlib's sentences turn a number or a date into text.

In English (the house style) money is written with thousands separators and no decimals
("1,234"), shares as percent with one decimal and a space ("12.3 %"), changes with their sign
("+12.3 %"), dates as ISO dates ("2025-06-30"). A missing value (NaN, None, ``pd.NA``) reads
"unknown".

In the other languages (:func:`kamlib.language.use_language`) Babel writes them by the locale:
its group and decimal separators and its percent pattern ("1 234", "12,3 %" in French and
Russian, "12,3%" in Afrikaans), its short date with a four-digit year ("30/06/2025",
"30.06.2025", "2025-06-30") and the language's word for "unknown". A change of zero never reads
"-0".

Examples
--------
>>> percent(0.1234), signed_percent(-0.05), money(1234.5), signed_money(-60.0)
('12.3 %', '-5.0 %', '1,234', '-60')
>>> from kamlib.language import language
>>> with language("ru"):
...     percent(0.1234), signed_percent(-0.05), money(1234.5), date_text("2025-06-30")
('12,3\\xa0%', '-5,0\\xa0%', '1\\xa0234', '30.06.2025')
"""

from __future__ import annotations

import re

import pandas as pd

from kamlib.language import N_, babel_locale, current_language
from kamlib.language import gettext as _

__all__ = [
    "UNKNOWN",
    "date_text",
    "day_month",
    "money",
    "number",
    "percent",
    "percent_points",
    "short_number",
    "short_percent",
    "signed_money",
    "signed_percent",
    "unknown",
]

#: The English word for a missing value; :func:`unknown` gives it in the reader's language.
UNKNOWN = N_("unknown")

_NEGATIVE_ZERO = re.compile(r"^-(?=[^1-9]*$)")


def unknown() -> str:
    """The word for a value that cannot be known, in the current language ("unknown").

    Examples
    --------
    >>> unknown()
    'unknown'
    """
    return _(UNKNOWN)


def _english() -> bool:
    return current_language() == "en"


def _decimals(digits: int, trim: bool = False) -> str:
    """The number part of a Babel pattern: '#,##0', '#,##0.0', or '#,##0.###' when trimmed."""
    if digits <= 0:
        return "#,##0"
    return "#,##0." + ("#" if trim else "0") * digits


def _babel_number(value: float, digits: int, *, signed: bool = False, trim: bool = False) -> str:
    from babel.numbers import format_decimal

    body = _decimals(digits, trim)
    pattern = f"+{body};-{body}" if signed else body
    return _NEGATIVE_ZERO.sub("", format_decimal(value, format=pattern, locale=babel_locale()))


def _babel_percent(share: float, digits: int, *, signed: bool = False, trim: bool = False) -> str:
    """A share as the locale's percent text, e.g. '12,3 %' in French (no-break space)."""
    from babel.numbers import format_percent

    locale = babel_locale()
    body = (
        locale.percent_formats[None].pattern.split(";")[0].replace("#,##0", _decimals(digits, trim))
    )
    pattern = f"+{body};-{body}" if signed else body
    text = format_percent(share, format=pattern, locale=locale)
    if not any(ch in "123456789" for ch in text):  # zero: no sign, never "-0,0 %"
        text = format_percent(0.0, format=body, locale=locale)
    return text


def percent(share: float, digits: int = 1) -> str:
    """A share (0.123) as percent text ("12.3 %").

    Parameters
    ----------
    share : float
        The share, 1.0 being 100 %.
    digits : int, default 1
        Decimals shown.

    Examples
    --------
    >>> percent(0.5), percent(0.12345, digits=2), percent(float("nan"))
    ('50.0 %', '12.35 %', 'unknown')
    """
    if pd.isna(share):
        return unknown()
    if _english():
        return f"{100 * share:.{digits}f} %"
    return _babel_percent(share, digits)


def percent_points(value: float, digits: int = 1) -> str:
    """A value already in percent (12.3) as percent text ("12.3 %").

    Parameters
    ----------
    value : float
        The percentage, 100.0 being the whole.
    digits : int, default 1
        Decimals shown.

    Examples
    --------
    >>> percent_points(80.0), percent_points(None)
    ('80.0 %', 'unknown')
    """
    if pd.isna(value):
        return unknown()
    if _english():
        return f"{value:.{digits}f} %"
    return _babel_percent(value / 100, digits)


def signed_percent(share: float, digits: int = 1) -> str:
    """A change (0.056) as signed percent text ("+5.6 %").

    Parameters
    ----------
    share : float
        The change, 1.0 being +100 %.
    digits : int, default 1
        Decimals shown.

    Examples
    --------
    >>> signed_percent(0.056), signed_percent(-0.5), signed_percent(float("nan"))
    ('+5.6 %', '-50.0 %', 'unknown')
    """
    if pd.isna(share):
        return unknown()
    if _english():
        return f"{100 * share:+.{digits}f} %"
    return _babel_percent(share, digits, signed=True)


def short_percent(share: float, *, signed: bool = False) -> str:
    """A share as percent text without trailing zeros ("10 %", "12.5 %", "+50 %"), for settings.

    Parameters
    ----------
    share : float
        The share, 1.0 being 100 %.
    signed : bool, default False
        Write the sign of a positive share too.

    Examples
    --------
    >>> short_percent(0.1), short_percent(0.125), short_percent(-0.5, signed=True)
    ('10 %', '12.5 %', '-50 %')
    """
    if pd.isna(share):
        return unknown()
    if _english():
        return f"{100 * share:+g} %" if signed else f"{100 * share:g} %"
    return _babel_percent(share, 3, signed=signed, trim=True)


def number(value: float, digits: int = 0, *, signed: bool = False) -> str:
    """A number or a count with thousands separators ("1,234", "0.75" with `digits` 2).

    Parameters
    ----------
    value : float
        The number.
    digits : int, default 0
        Decimals shown.
    signed : bool, default False
        Write the sign of a positive number too ("+1.5").

    Examples
    --------
    >>> number(1234), number(0.754, digits=2), number(1.5, 1, signed=True), number(None)
    ('1,234', '0.75', '+1.5', 'unknown')
    """
    if pd.isna(value):
        return unknown()
    if _english():
        return f"{value:+,.{digits}f}" if signed else f"{value:,.{digits}f}"
    return _babel_number(value, digits, signed=signed)


def short_number(value: float) -> str:
    """A number without trailing zeros or grouping, as Python's ``{:g}`` writes it ("0.5", "1").

    Parameters
    ----------
    value : float
        The number (a cut-off, a coefficient).

    Examples
    --------
    >>> short_number(0.5), short_number(1.0), short_number(2.25)
    ('0.5', '1', '2.25')
    """
    if pd.isna(value):
        return unknown()
    if _english():
        return f"{value:g}"
    from babel.numbers import format_decimal

    return _NEGATIVE_ZERO.sub("", format_decimal(value, format="0.######", locale=babel_locale()))


def money(value: float) -> str:
    """An amount with thousands separators and no decimals ("1,670,000").

    Parameters
    ----------
    value : float
        The amount, in the currency of the data.

    Examples
    --------
    >>> money(1670000.0), money(-49.6), money(None)
    ('1,670,000', '-50', 'unknown')
    """
    if pd.isna(value):
        return unknown()
    if _english():
        return f"{value:,.0f}"
    return _babel_number(value, 0)


def signed_money(value: float) -> str:
    """A change of an amount with its sign ("+1,250", "-60").

    Parameters
    ----------
    value : float
        The change, in the currency of the data.

    Examples
    --------
    >>> signed_money(1250.0), signed_money(-60.0), signed_money(float("nan"))
    ('+1,250', '-60', 'unknown')
    """
    if pd.isna(value):
        return unknown()
    if _english():
        return f"{value:+,.0f}"
    return _babel_number(value, 0, signed=True)


def _date(value: object):
    stamp = pd.Timestamp(value) if not isinstance(value, pd.Timestamp) else value
    return None if pd.isna(stamp) else stamp


def date_text(value: object) -> str:
    """A date as a reader's date: ISO in English ("2025-06-30"), the locale's short date otherwise.

    The short date has a four-digit year: "30/06/2025" (fr), "30.06.2025" (ru), "2025-06-30" (af).
    A time of day is left out.

    Parameters
    ----------
    value : date-like
        A date, a Timestamp or a text pandas reads as one.

    Examples
    --------
    >>> date_text("2025-06-30"), date_text(pd.Timestamp("2025-01-31 15:30")), date_text(None)
    ('2025-06-30', '2025-01-31', 'unknown')
    """
    stamp = None if value is None else _date(value)
    if stamp is None:
        return unknown()
    if _english():
        return stamp.strftime("%Y-%m-%d")
    from babel.dates import format_date

    locale = babel_locale()
    pattern = locale.date_formats["short"].pattern
    if "yyyy" not in pattern:
        pattern = re.sub(r"y+", "yyyy", pattern)
    return format_date(stamp.date(), pattern, locale=locale)


def day_month(value: object) -> str:
    """A day of the year in words ("30 June"; "30 juin", "30 июня", "30 Junie").

    Parameters
    ----------
    value : date-like
        A date, a Timestamp or a text pandas reads as one.

    Examples
    --------
    >>> day_month("2025-06-30"), day_month(pd.Timestamp("2024-01-05"))
    ('30 June', '5 January')
    """
    stamp = None if value is None else _date(value)
    if stamp is None:
        return unknown()
    if _english():
        return f"{stamp.day} {stamp:%B}"
    from babel.dates import format_skeleton

    return format_skeleton("MMMMd", stamp.date(), locale=babel_locale())

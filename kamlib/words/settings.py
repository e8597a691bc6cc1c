"""What any report says about itself: the settings it used and the tables it had to leave out.

Examples
--------
>>> settings_sentence({"months": 12})
'Settings: months 12.'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

from kamlib.language import N_, current_language, ngettext, pgettext
from kamlib.language import gettext as _
from kamlib.portfolio.abcxyz import ABC_CLASSIC, XYZ_CLIENTS
from kamlib.window import window_start
from kamlib.words.labels import semicolon
from kamlib.words.numbers import date_text, short_number, short_percent

__all__ = ["conventions_sentence", "notes_sentence", "settings_sentence", "window_label"]

#: How each ``zero_periods`` convention of XYZ reads (docs/methods.md, XYZ classification).
ZERO_PERIODS = {
    "from_first": N_("periods without a purchase count as 0 from the client's first purchase"),
    "all": N_("periods without a purchase count as 0 from the start of the window"),
    "drop": N_("periods without a purchase are left out"),
}

#: The settings the analyses report, as they read ("max_discount" reads "max discount"), marked
#: for the catalogue; a setting not listed reads in English.
_SETTING_WORDS = (
    N_("as of"),
    N_("meeting date"),
    N_("plan year"),
    N_("min margin"),
    N_("max discount"),
    N_("validity days"),
    N_("window months"),
    N_("prep months"),
    N_("horizon months"),
    N_("stale days"),
    N_("include personal details"),
    N_("birthday window days"),
    N_("months"),
    N_("capital rate"),
    N_("min otif"),
    N_("resolve days"),
    N_("deadline days"),
    N_("large share"),
    N_("growth"),
    N_("competitor share"),
    N_("by"),
    N_("growth bounds"),
    N_("freq"),
    N_("seasonality years"),
    N_("similar by"),
    N_("cell"),
    N_("key types"),
    N_("top share"),
    N_("breadwinner share"),
    N_("min loss share"),
    N_("lost after days"),
    N_("at risk k"),
    N_("gap lookback days"),
)

#: The XYZ sentence for each period of the grid (the adjective agrees with "purchases").
_XYZ_BY_PERIOD = {
    "M": N_(
        "XYZ by the coefficient of variation of monthly purchases: X up to {x}, Y up to {y}, "
        "above Z"
    ),
    "Q": N_(
        "XYZ by the coefficient of variation of quarterly purchases: X up to {x}, Y up to {y}, "
        "above Z"
    ),
    "W": N_(
        "XYZ by the coefficient of variation of weekly purchases: X up to {x}, Y up to {y}, above Z"
    ),
    "Y": N_(
        "XYZ by the coefficient of variation of yearly purchases: X up to {x}, Y up to {y}, above Z"
    ),
    "D": N_(
        "XYZ by the coefficient of variation of daily purchases: X up to {x}, Y up to {y}, above Z"
    ),
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
    parts = _setting_parts(settings)
    if not parts:
        return _("Settings: the defaults.")
    return _("Settings: {settings}.").format(settings=semicolon().join(parts))


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _scalar(value: object) -> str:
    """One setting value: a number by the locale, an ISO date as a date, a code as it is."""
    if isinstance(value, bool):
        return pgettext("setting value", "True") if value else pgettext("setting value", "False")
    if isinstance(value, float) and current_language() != "en":
        return short_number(value)
    if isinstance(value, str) and _ISO_DATE.match(value):
        return date_text(value)
    return str(value)


def _setting_parts(settings: Mapping[str, object]) -> list[str]:
    """'name value' for each setting, shares as percentages (see :func:`settings_sentence`)."""
    parts = []
    for name, value in settings.items():  # a dozen settings at most
        numbers = isinstance(value, tuple | list) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value
        )
        share = any(word in name for word in _SHARES)
        if share and isinstance(value, int | float) and not isinstance(value, bool):
            value = short_percent(value)
        elif share and numbers and len(value) == 2:
            value = _("{low} to {high}").format(
                low=short_percent(value[0], signed=True), high=short_percent(value[1], signed=True)
            )
        elif numbers and len(value) == 2:
            value = _("{low} to {high}").format(low=_scalar(value[0]), high=_scalar(value[1]))
        elif isinstance(value, tuple | list):
            value = ", ".join(map(str, value)) or pgettext("setting value", "none")
        elif value is None:
            value = pgettext("setting value", "default")
        else:
            value = _scalar(value)
        label = _(name.replace("_", " "))
        # TRANSLATORS: one setting of a report and its value, e.g. "max discount 10 %"
        parts.append(_("{setting} {value}").format(setting=label, value=value))
    return parts


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
        return _("Every table this report uses is present.")
    return _("Left out: {notes}.").format(notes=semicolon().join(found))


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
    day = date_text(pd.Timestamp(as_of).normalize())
    if not months:
        return _("whole history to {date}").format(date=day)
    return ngettext("last month to {date}", "last {n} months to {date}", months).format(
        n=months, date=day
    )


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
    periods without a purchase count as 0 from the client's first purchase; top share 10 %.
    """
    day = pd.Timestamp(as_of).normalize()
    a, b = abc_cutoffs
    x, y = xyz_cutoffs
    start = window_start(day, months) if months else None
    if start is not None:
        dates = _("{start} to {end}").format(start=date_text(start), end=date_text(day))
    else:
        dates = _("up to {date}").format(date=date_text(day))
    xyz = _XYZ_BY_PERIOD.get(period)
    xyz = (
        _(xyz)
        if xyz is not None
        else _(
            "XYZ by the coefficient of variation of purchases per period {period}: X up to {x}, "
            "Y up to {y}, above Z"
        )
    )
    zero = ZERO_PERIODS.get(zero_periods)
    parts = [
        _("analysis window {window} ({dates}, months {months})").format(
            window=window_label(day, months),
            dates=dates,
            months=months or pgettext("months", "all"),
        ),
        _("as of {date}").format(date=date_text(day)),
        _("ABC-XYZ classes over the {window}").format(window=window_label(day, classes_months)),
        _("ABC by {measure}: A up to {a}, B up to {b} of the cumulative total, the rest C").format(
            measure=_measure(measure), a=short_percent(a), b=short_percent(b)
        ),
        xyz.format(period=period, x=short_number(x), y=short_number(y)),
        _(zero)  # the convention in words; its code is the parameter's value, not the reader's
        if zero is not None
        else _("zero periods {code} ({meaning})").format(code=zero_periods, meaning=zero_periods),
        *_setting_parts(settings),
    ]
    return _("Settings: {settings}.").format(settings=semicolon().join(parts))


def _measure(measure: str) -> str:
    """What ABC ranks, in words ("gross_profit" reads "gross profit")."""
    words = {
        "revenue": pgettext("measure", "revenue"),
        "gross_profit": pgettext("measure", "gross profit"),
        "contribution": pgettext("measure", "contribution"),
        "quantity": pgettext("measure", "quantity"),
    }
    return words.get(measure, measure.replace("_", " "))

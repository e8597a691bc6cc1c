"""What any report says about itself: the settings it used and the tables it had to leave out.

Examples
--------
>>> settings_sentence({"months": 12})
'Settings: months 12.'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["notes_sentence", "settings_sentence"]


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

"""The meeting brief in words: the previous actions and the tenders to prepare.

The numbers come from :mod:`kamlib.account.followup`; the proposal's words are in
:mod:`kamlib.words.proposal`.

Examples
--------
>>> actions_sentence(pd.DataFrame({"state": ["done"], "days_overdue": [np.nan]}))
'1 action: 1 done.'
"""

from __future__ import annotations

import numpy as np  # noqa: F401  (the doctests)
import pandas as pd

from kamlib.language import gettext as _
from kamlib.language import ngettext
from kamlib.words.labels import semicolon
from kamlib.words.numbers import date_text, money

__all__ = ["actions_sentence", "tenders_sentence"]


def actions_sentence(actions: pd.DataFrame) -> str:
    """The actions from the previous meeting: done, late, overdue.

    Parameters
    ----------
    actions : DataFrame
        :func:`kamlib.account.followup.previous_actions` (``state``, ``days_overdue``).

    Examples
    --------
    >>> a = pd.DataFrame({"state": ["overdue", "overdue", "done", "done late", "open"],
    ...                   "days_overdue": [375.0, 27.0, np.nan, np.nan, np.nan]})
    >>> actions_sentence(a)
    '5 actions: 2 overdue (the oldest by 375 days), 1 open, 1 done late, 1 done.'
    """
    if actions.empty:
        return _("No actions agreed at the previous meeting.")
    counts = actions["state"].value_counts()
    oldest = actions["days_overdue"].max()
    parts = []
    for state in ("overdue", "open", "done late", "done"):
        n = int(counts.get(state, 0))
        if n:
            parts.append(_action_state(state, n).format(n=n, days=money(oldest)))
    n = len(actions)
    return ngettext("{n} action: {states}.", "{n} actions: {states}.", n).format(
        n=n, states=", ".join(parts)
    )


def _action_state(state: str, n: int) -> str:
    """How many actions are in one state (of :func:`kamlib.account.followup.previous_actions`)."""
    if state == "overdue":
        return ngettext(
            "{n} overdue (the oldest by {days} days)", "{n} overdue (the oldest by {days} days)", n
        )
    if state == "open":
        return ngettext("{n} open", "{n} open", n)
    if state == "done late":
        return ngettext("{n} done late", "{n} done late", n)
    return ngettext("{n} done", "{n} done", n)


def tenders_sentence(windows: pd.DataFrame) -> str:
    """Tenders whose preparation window is open or opening.

    The windows come from :func:`kamlib.account.followup.tender_windows`.

    Parameters
    ----------
    windows : DataFrame
        ``title``, ``date``, ``value``, ``window`` and ``prep_start`` per tender.

    Examples
    --------
    >>> t = pd.DataFrame({"title": ["Safety supply 2026-2028"],
    ...     "date": pd.to_datetime(["2026-03-31"]), "value": [1670000.0],
    ...     "window": ["open"], "prep_start": pd.to_datetime(["2025-06-30"])})
    >>> print(tenders_sentence(t))  # doctest: +NORMALIZE_WHITESPACE
    1 tender to prepare: Safety supply 2026-2028 on 2026-03-31 (value 1,670,000), preparation
    open since 2025-06-30.
    """
    if windows.empty:
        return _("No tender in its preparation window.")
    parts = []
    for title, day, value, window, start in zip(
        windows["title"].fillna(_("untitled tender")),
        windows["date"].map(date_text),
        windows["value"].map(money),
        windows["window"],
        windows["prep_start"].map(date_text),
        strict=True,
    ):
        if window == "open":
            text = _("{title} on {date} (value {value}), preparation open since {start}")
        elif str(window).startswith("opens "):
            text = _("{title} on {date} (value {value}), preparation opens {start}")
        else:
            text = _("{title} on {date} (value {value}), preparation {window}")
        parts.append(text.format(title=title, date=day, value=value, start=start, window=window))
    n = len(windows)
    return ngettext(
        "{n} tender to prepare: {tenders}.", "{n} tenders to prepare: {tenders}.", n
    ).format(n=n, tenders=semicolon().join(parts))

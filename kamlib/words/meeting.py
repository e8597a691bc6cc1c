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

from kamlib.words.numbers import money

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
        return "No actions agreed at the previous meeting."
    counts = actions["state"].value_counts()
    parts = []
    for state in ("overdue", "open", "done late", "done"):
        n = int(counts.get(state, 0))
        if n:
            extra = (
                f" (the oldest by {actions['days_overdue'].max():.0f} days)"
                if state == "overdue"
                else ""
            )
            parts.append(f"{n} {state}{extra}")
    return f"{len(actions)} action{'s' * (len(actions) != 1)}: " + ", ".join(parts) + "."


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
        return "No tender in its preparation window."
    state = ("preparation open since " + windows["prep_start"].dt.strftime("%Y-%m-%d")).where(
        windows["window"] == "open", "preparation " + windows["window"]
    )
    parts = (
        windows["title"].fillna("untitled tender")
        + " on "
        + windows["date"].dt.strftime("%Y-%m-%d")
        + " (value "
        + windows["value"].map(money)
        + "), "
        + state
    ).tolist()
    n = len(windows)
    return f"{n} tender{'s' * (n != 1)} to prepare: " + "; ".join(parts) + "."

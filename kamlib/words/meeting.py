"""The meeting brief in words: the previous actions, the tenders to prepare, the draft proposal.

The numbers come from :mod:`kamlib.account.followup` and :mod:`kamlib.account.proposal`.

Examples
--------
>>> actions_sentence(pd.DataFrame({"state": ["done"], "days_overdue": [np.nan]}))
'1 action: 1 done.'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlib.words.numbers import money, signed_percent

__all__ = ["actions_sentence", "proposal_sentence", "tenders_sentence"]


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


def proposal_sentence(proposal) -> str:
    """The draft proposal in one sentence: size, change against today, validity.

    Parameters
    ----------
    proposal : kamlib.account.proposal.Proposal
        ``meeting_brief(...).proposal`` (``lines``, ``totals``, ``valid_until``).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> p = SimpleNamespace(lines=pd.DataFrame({"product_id": ["p1", "p2"]}),
    ...     totals=pd.Series({"revenue": 1100.0, "contribution": 300.0,
    ...                       "current_revenue": 1000.0, "current_contribution": 290.0}),
    ...     valid_until=pd.Timestamp("2026-01-30"))
    >>> print(proposal_sentence(p))  # doctest: +NORMALIZE_WHITESPACE
    Draft proposal for 2 products: revenue 1,100 (+10.0 % on the last 12 months), contribution
    300 (+3.4 %); valid until 2026-01-30.
    """
    lines, totals = proposal.lines, proposal.totals
    if lines.empty:
        return "No proposal lines: no product with a known cost and price."
    rev_change = (
        totals["revenue"] / totals["current_revenue"] - 1 if totals["current_revenue"] else np.nan
    )
    con_change = (
        totals["contribution"] / totals["current_contribution"] - 1
        if totals["current_contribution"] > 0
        else np.nan
    )
    return (
        f"Draft proposal for {len(lines)} product{'s' * (len(lines) != 1)}: revenue "
        f"{money(totals['revenue'])} ({signed_percent(rev_change)} on the last 12 months), "
        f"contribution {money(totals['contribution'])} ({signed_percent(con_change)}); "
        f"valid until {proposal.valid_until.date()}."
    )

"""Contracts in words: the next renewal and the notice deadline against the annual meeting.

The numbers come from :func:`kamlib.portfolio.contracts.contract_terms`.

Examples
--------
>>> contracts_sentence(None)
'Contracts not known (no contracts table).'
"""

from __future__ import annotations

import pandas as pd

__all__ = ["contracts_sentence"]


def _day(value: object) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def contracts_sentence(terms: pd.DataFrame | None, *, known: bool = True) -> str:
    """One client's contracts: renewal, notice deadline, and a warning before the meeting.

    Parameters
    ----------
    terms : DataFrame or None
        The client's rows of :func:`kamlib.portfolio.contracts.contract_terms` (None: no
        contracts table).
    known : bool, default True
        False when the workspace has no contracts table (``"contracts" in
        BeyondSales.missing``): the sentence says not known, whatever `terms` holds.

    Examples
    --------
    >>> t = pd.DataFrame({"contract_id": ["K1"], "title": ["Framework agreement"],
    ...     "term_end": pd.to_datetime(["2026-04-02"]), "renewal": ["automatic"],
    ...     "notice_deadline": pd.to_datetime(["2026-01-02"]), "state": ["running"],
    ...     "price_review": ["prices fixed for the term"],
    ...     "next_meeting": pd.to_datetime(["2026-01-09"]),
    ...     "notice_before_meeting": pd.array([True], dtype="boolean")})
    >>> print(contracts_sentence(t))  # doctest: +NORMALIZE_WHITESPACE
    Framework agreement renews automatically after 2026-04-02 unless notice is given by
    2026-01-02 (prices fixed for the term). The notice deadline falls before the next annual
    meeting (2026-01-09): decide on the renewal now, not at the meeting.
    """
    if terms is None or not known:
        return "Contracts not known (no contracts table)."
    if terms.empty:
        return "No contract with this client in the contracts table."
    parts = []
    for k in terms.itertuples():
        title = k.title if isinstance(k.title, str) and k.title else k.contract_id
        review = f" ({k.price_review})" if isinstance(k.price_review, str) else ""
        if k.state == "open-ended":
            parts.append(f"{title} runs open-ended{review}.")
        elif k.state == "ended":
            parts.append(f"{title} ended on {_day(k.term_end)}.")
        elif str(k.renewal).lower() == "automatic":
            parts.append(
                f"{title} renews automatically after {_day(k.term_end)} unless notice is given "
                f"by {_day(k.notice_deadline)}{review}."
            )
        else:
            parts.append(
                f"{title} ends on {_day(k.term_end)}; the next contract must be agreed by "
                f"{_day(k.notice_deadline)}{review}."
            )
        if k.state == "notice passed":
            parts.append("Its notice deadline has passed.")
        flag = k.notice_before_meeting
        if flag is not None and not pd.isna(flag) and bool(flag):
            parts.append(
                f"The notice deadline falls before the next annual meeting "
                f"({_day(k.next_meeting)}): decide on the renewal now, not at the meeting."
            )
    return " ".join(parts)

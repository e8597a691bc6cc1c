"""Contracts in words: the next renewal and the notice deadline against the annual meeting.

The numbers come from :func:`kamlib.portfolio.contracts.contract_terms`.

Examples
--------
>>> contracts_sentence(None)
'Contracts not known (no contracts table).'
"""

from __future__ import annotations

import pandas as pd

from kamlib.language import gettext as _
from kamlib.language import ngettext
from kamlib.words.numbers import date_text

__all__ = ["contracts_sentence", "renewals_sentence"]


def _day(value: object) -> str:
    return date_text(value)


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
        return _("Contracts not known (no contracts table).")
    if terms.empty:
        return _("No contract with this client in the contracts table.")
    parts = []
    for k in terms.itertuples():
        fields = {
            "title": k.title if isinstance(k.title, str) and k.title else k.contract_id,
            # the client's own words (the contracts table), in parentheses after the sentence
            "review": f" ({k.price_review})" if isinstance(k.price_review, str) else "",
            "end": _day(k.term_end) if k.state != "open-ended" else "",
            "deadline": _day(k.notice_deadline) if k.state not in ("open-ended", "ended") else "",
        }
        if k.state == "open-ended":
            # TRANSLATORS: {review} is empty or " (the price review terms)", space included.
            text = _("{title} runs open-ended{review}.")
        elif k.state == "ended":
            text = _("{title} ended on {end}.")
        elif str(k.renewal).lower() == "automatic":
            # TRANSLATORS: {review} is empty or " (the price review terms)", space included.
            text = _(
                "{title} renews automatically after {end} unless notice is given by "
                "{deadline}{review}."
            )
        else:
            # TRANSLATORS: {review} is empty or " (the price review terms)", space included.
            text = _(
                "{title} ends on {end}; the next contract must be agreed by {deadline}{review}."
            )
        parts.append(text.format(**fields))
        if k.state == "notice passed":
            parts.append(_("Its notice deadline has passed."))
        flag = k.notice_before_meeting
        if flag is not None and not pd.isna(flag) and bool(flag):
            parts.append(
                _(
                    "The notice deadline falls before the next annual meeting ({date}): decide "
                    "on the renewal now, not at the meeting."
                ).format(date=_day(k.next_meeting))
            )
    return " ".join(parts)


def renewals_sentence(renewals: pd.DataFrame, *, known: bool = True, prep_months: int = 9) -> str:
    """The contract renewals of the preparation calendar: each notice deadline, and the urgent.

    Parameters
    ----------
    renewals : DataFrame
        :func:`kamlib.account.followup.renewal_windows` (``MeetingBrief.renewals``).
    known : bool, default True
        False when the workspace has no contracts table: the sentence says not known.
    prep_months : int, default 9
        The span looked at, for the words.

    Examples
    --------
    >>> r = pd.DataFrame({"contract_id": ["K1"], "title": ["Framework agreement"],
    ...     "notice_deadline": pd.to_datetime(["2026-01-02"]),
    ...     "term_end": pd.to_datetime(["2026-04-02"]), "state": ["running"],
    ...     "next_meeting": pd.to_datetime(["2026-01-09"]),
    ...     "before_meeting": pd.array([True], dtype="boolean")})
    >>> print(renewals_sentence(r))  # doctest: +NORMALIZE_WHITESPACE
    1 contract to renew in the next 9 months. Framework agreement: notice by 2026-01-02, before
    the next annual meeting on 2026-01-09: settle the renewal before the meeting (the term ends
    on 2026-04-02).
    """
    if not known:
        return _("Contract renewals not known (no contracts table).")
    if renewals.empty:
        return _("No contract notice deadline in the next {months} months.").format(
            months=prep_months
        )
    n = len(renewals)
    parts = [
        ngettext(
            "{n} contract to renew in the next {months} months.",
            "{n} contracts to renew in the next {months} months.",
            n,
        ).format(n=n, months=prep_months)
    ]
    for k in renewals.itertuples():
        title = k.title if isinstance(k.title, str) and k.title else k.contract_id
        values = {
            "title": title,
            "deadline": _day(k.notice_deadline),
            "end": _day(k.term_end),
        }
        flag = k.before_meeting
        if k.state == "notice passed":
            text = _("{title}: the notice deadline {deadline} has passed; the term runs to {end}.")
        elif flag is not None and not pd.isna(flag) and bool(flag):
            values["meeting"] = _day(k.next_meeting)
            text = _(
                "{title}: notice by {deadline}, before the next annual meeting on {meeting}: "
                "settle the renewal before the meeting (the term ends on {end})."
            )
        else:
            text = _("{title}: notice by {deadline} (the term ends on {end}).")
        parts.append(text.format(**values))
    return " ".join(parts)

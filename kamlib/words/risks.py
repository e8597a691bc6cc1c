"""Risks beyond sales in words: the act-on items of one account and the key accounts' risks.

The numbers come from :mod:`kamlib.account.risks`.

Examples
--------
>>> beyond_act_on_lines(pd.DataFrame(columns=["kind", "subject", "number", "value", "date"]))
[]
"""

from __future__ import annotations

import pandas as pd

from kamlib.language import gettext as _
from kamlib.language import ngettext, pgettext
from kamlib.words.labels import client_labels, listing, semicolon
from kamlib.words.numbers import date_text, money, percent

__all__ = [
    "beyond_act_on_lines",
    "beyond_item_text",
    "key_risks_sentence",
    "key_risks_table",
    "not_known_sentence",
]


def _day(value: object) -> str:
    return date_text(value)


def beyond_act_on_lines(act_on: pd.DataFrame, *, empty: str | None = None) -> list[str]:
    """One line per item of ``BeyondSales.act_on``, in its order.

    Parameters
    ----------
    act_on : DataFrame
        ``kind``, ``subject``, ``number``, ``value``, ``date``
        (:func:`kamlib.account.risks.beyond_sales`).
    empty : str, optional
        The one line to return when there is nothing to act on (default: no line).

    Examples
    --------
    >>> a = pd.DataFrame({"kind": ["notice deadline", "slow payer"],
    ...     "subject": ["Framework agreement", None], "number": [2.0, 356.0],
    ...     "value": [float("nan"), 697780.0],
    ...     "date": pd.to_datetime(["2026-01-02", None])})
    >>> beyond_act_on_lines(a)  # doctest: +NORMALIZE_WHITESPACE
    ['Notice deadline of Framework agreement on 2026-01-02, in 2 days.',
     'Slow payer: 356 days late on average, 697,780 overdue.']
    """
    lines = []
    for r in act_on.itertuples():
        subject = r.subject if isinstance(r.subject, str) and r.subject else None
        if r.kind == "notice deadline":
            days = round(float(r.number))
            lines.append(
                ngettext(
                    "Notice deadline of {subject} on {date}, in {days} days.",
                    "Notice deadline of {subject} on {date}, in {days} days.",
                    days,
                ).format(
                    subject=subject or _("a contract"), date=_day(r.date), days=f"{r.number:.0f}"
                )
            )
        elif r.kind == "late deliveries":
            n = round(float(r.value))
            lines.append(
                ngettext(
                    "Late deliveries: {share} of {n} deliveries on time and in full.",
                    "Late deliveries: {share} of {n} deliveries on time and in full.",
                    n,
                ).format(share=percent(r.number), n=f"{r.value:.0f}")
            )
        elif r.kind == "overdue complaints":
            n = round(float(r.number))
            lines.append(
                ngettext(
                    "Complaints: {n} open for too long ({total} open in all).",
                    "Complaints: {n} open for too long ({total} open in all).",
                    n,
                ).format(n=f"{r.number:.0f}", total=f"{r.value:.0f}")
            )
        elif r.kind == "slow payer":
            days = round(float(r.number))
            if r.value > 0:
                text = ngettext(
                    "Slow payer: {days} days late on average, {amount} overdue.",
                    "Slow payer: {days} days late on average, {amount} overdue.",
                    days,
                )
            else:
                text = ngettext(
                    "Slow payer: {days} days late on average.",
                    "Slow payer: {days} days late on average.",
                    days,
                )
            lines.append(text.format(days=f"{r.number:.0f}", amount=money(r.value)))
        elif r.kind == "capital cost":
            lines.append(
                _(
                    "Negative once the capital is costed: {after} after {cost} cost of capital."
                ).format(after=money(r.number), cost=money(r.value))
            )
        elif r.kind == "large deal":
            if pd.isna(r.date):
                text = _("Large deal: {title} worth {value} ({weighted} weighted).")
            else:
                text = _(
                    "Large deal: {title} worth {value} ({weighted} weighted), expected {date}."
                )
            lines.append(
                text.format(
                    title=subject or _("untitled"),
                    value=money(r.number),
                    weighted=money(r.value),
                    date="" if pd.isna(r.date) else _day(r.date),
                )
            )
        else:
            lines.append(f"{r.kind}: {subject or ''}".strip())
    if not lines and empty:
        return [empty]
    return lines


def beyond_item_text(
    kind: str, subject: object, number: float, value: float, date: object
) -> tuple[str, str, str]:
    """An act-on item beyond sales as the summary's act-on table shows it: what, figure, date.

    Parameters
    ----------
    kind, subject, number, value, date
        One row of ``BeyondSales.act_on`` (or of the summary's act-on list).

    Examples
    --------
    >>> beyond_item_text("notice deadline", "Framework agreement", 2.0, float("nan"),
    ...                  pd.Timestamp("2026-01-02"))
    ('Decide on the renewal of Framework agreement before its notice deadline', 'in 2 days', '2026-01-02')
    >>> beyond_item_text("something else", None, 1.0, 1.0, pd.NaT)
    ('something else', '', '')
    """
    day = "" if date is None or pd.isna(date) else _day(date)
    subject = subject if isinstance(subject, str) and subject else None
    if kind == "notice deadline":
        return (
            _("Decide on the renewal of {subject} before its notice deadline").format(
                subject=subject or _("the contract")
            ),
            ngettext("in {days} days", "in {days} days", round(float(number))).format(
                days=f"{number:.0f}"
            ),
            day,
        )
    if kind == "late deliveries":
        return (
            _("Fix the late and incomplete deliveries"),
            ngettext(
                "{share} of {n} on time and in full",
                "{share} of {n} on time and in full",
                round(float(value)),
            ).format(share=percent(number), n=f"{value:.0f}"),
            day,
        )
    if kind == "overdue complaints":
        return (
            _("Close the complaints open for too long"),
            ngettext(
                "{n} overdue, {total} open", "{n} overdue, {total} open", round(float(number))
            ).format(n=f"{number:.0f}", total=f"{value:.0f}"),
            day,
        )
    if kind == "slow payer":
        if value > 0:
            late = ngettext(
                "{days} days late, {amount} overdue",
                "{days} days late, {amount} overdue",
                round(float(number)),
            )
        else:
            late = ngettext("{days} days late", "{days} days late", round(float(number)))
        return (
            _("Agree on payment: the client pays slowly"),
            late.format(days=f"{number:.0f}", amount=money(value)),
            day,
        )
    if kind == "capital cost":
        return (
            _("Shorten the payment terms: negative once the capital is costed"),
            _("{after} after {cost} cost of capital").format(
                after=money(number), cost=money(value)
            ),
            day,
        )
    if kind == "large deal":
        what = (
            _("Win the large deal {title}").format(title=subject)
            if subject
            else _("Win the large deal")
        )
        return (what, money(number), day)
    return (kind, "", day)


def not_known_sentence(messages: tuple[str, ...] | list[str]) -> str:
    """What cannot be said for lack of a table, once (the messages of ``beyond_sales``).

    Examples
    --------
    >>> not_known_sentence(["no invoices table: payment behaviour not known"])
    'Not known for lack of data: no invoices table: payment behaviour not known.'
    >>> not_known_sentence([])  # nothing missing: nothing to say (an empty paragraph shows nothing)
    ''
    """
    if not messages:
        return ""
    return _("Not known for lack of data: {what}.").format(
        what=semicolon().join(_(message) for message in messages)
    )


def key_risks_sentence(risks: pd.DataFrame) -> str:
    """The key accounts' risks beyond sales, counted and named.

    Parameters
    ----------
    risks : DataFrame
        :func:`kamlib.account.risks.key_account_risks`.

    Examples
    --------
    >>> r = pd.DataFrame({"name": ["Alfa", "Beta"],
    ...     "service_risk": pd.array([True, False], dtype="boolean"),
    ...     "behaviour": ["prompt", "slow"], "contribution": [5.0, 9.0],
    ...     "after_capital": [4.0, -1.0],
    ...     "notice_before_meeting": pd.array([False, pd.NA], dtype="boolean")},
    ...     index=pd.Index(["A", "B"], name="account_id"))
    >>> print(key_risks_sentence(r))  # doctest: +NORMALIZE_WHITESPACE
    Of 2 key accounts: poor service at 1 (Alfa (A)); slow payers 1 (Beta (B)); negative once
    the capital is costed 1 (Beta (B)); notice deadline before the next annual meeting none.
    """
    if risks.empty:
        return _("No key accounts.")
    names = risks["name"] if "name" in risks else pd.Series(dtype="str")
    checks = (
        ("service", risks["service_risk"]),
        ("slow", risks["behaviour"].where(risks["behaviour"] != "not known").eq("slow")),
        (
            "capital",
            ((risks["contribution"] >= 0) & (risks["after_capital"] < 0)).where(
                risks["after_capital"].notna()
            ),
        ),
        ("notice", risks["notice_before_meeting"]),
    )
    parts = []
    for check, flag in checks:
        if flag.isna().all():
            parts.append(_risk_text(check, "not known"))
            continue
        hit = flag.fillna(False).astype(bool)
        ids = list(risks.index[hit])
        if ids:
            parts.append(
                _risk_text(check, "some", len(ids)).format(
                    n=len(ids), clients=listing(client_labels(ids, names))
                )
            )
        else:
            parts.append(_risk_text(check, "none"))
    return ngettext(
        "Of {n} key accounts: {risks}.", "Of {n} key accounts: {risks}.", len(risks)
    ).format(n=len(risks), risks=semicolon().join(parts))


def _risk_text(check: str, state: str, n: int = 0) -> str:
    """One risk of :func:`key_risks_sentence`: "not known", "none" or ``n`` accounts
    (a text to fill with ``n`` and ``clients``)."""
    if check == "service":
        if state == "not known":
            return _("poor service at not known")
        if state == "none":
            return _("poor service at none")
        return ngettext("poor service at {n} ({clients})", "poor service at {n} ({clients})", n)
    if check == "slow":
        if state == "not known":
            return _("slow payers not known")
        if state == "none":
            return _("slow payers none")
        return ngettext("slow payers {n} ({clients})", "slow payers {n} ({clients})", n)
    if check == "capital":
        if state == "not known":
            return _("negative once the capital is costed not known")
        if state == "none":
            return _("negative once the capital is costed none")
        return ngettext(
            "negative once the capital is costed {n} ({clients})",
            "negative once the capital is costed {n} ({clients})",
            n,
        )
    if state == "not known":
        return _("notice deadline before the next annual meeting not known")
    if state == "none":
        return _("notice deadline before the next annual meeting none")
    return ngettext(
        "notice deadline before the next annual meeting {n} ({clients})",
        "notice deadline before the next annual meeting {n} ({clients})",
        n,
    )


def key_risks_table(risks: pd.DataFrame) -> pd.DataFrame:
    """The key accounts' risks as a reader sees them: the payment behaviour in words.

    Parameters
    ----------
    risks : DataFrame
        :func:`kamlib.account.risks.key_account_risks` (``behaviour``: ``prompt``, ``late``,
        ``slow`` or ``not known``); not modified.

    Examples
    --------
    >>> from kamlib.language import language
    >>> r = pd.DataFrame({"behaviour": ["slow", "not known"]})
    >>> with language("fr"):
    ...     key_risks_table(r)["behaviour"].tolist()
    ['lent', 'inconnu']
    """
    words = {
        "prompt": pgettext("payment behaviour", "prompt"),
        "late": pgettext("payment behaviour", "late"),
        "slow": pgettext("payment behaviour", "slow"),
        "not known": pgettext("payment behaviour", "not known"),
    }
    out = risks.copy()
    if "behaviour" in out:
        out["behaviour"] = out["behaviour"].map(lambda b: words.get(b, b))
    return out

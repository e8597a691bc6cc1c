"""Risks beyond sales in words: the act-on items of one account and the key accounts' risks.

The numbers come from :mod:`kamlib.account.risks`.

Examples
--------
>>> beyond_act_on_lines(pd.DataFrame(columns=["kind", "subject", "number", "value", "date"]))
[]
"""

from __future__ import annotations

import pandas as pd

from kamlib.words.labels import client_labels, listing
from kamlib.words.numbers import money, percent

__all__ = ["beyond_act_on_lines", "beyond_item_text", "key_risks_sentence", "not_known_sentence"]


def _day(value: object) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


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
            lines.append(
                f"Notice deadline of {subject or 'a contract'} on {_day(r.date)}, "
                f"in {r.number:.0f} days."
            )
        elif r.kind == "late deliveries":
            lines.append(
                f"Late deliveries: {percent(r.number)} of {r.value:.0f} deliveries on time "
                "and in full."
            )
        elif r.kind == "overdue complaints":
            lines.append(
                f"Complaints: {r.number:.0f} open for too long ({r.value:.0f} open in all)."
            )
        elif r.kind == "slow payer":
            owed = f", {money(r.value)} overdue" if r.value > 0 else ""
            lines.append(f"Slow payer: {r.number:.0f} days late on average{owed}.")
        elif r.kind == "capital cost":
            lines.append(
                f"Negative once the capital is costed: {money(r.number)} after "
                f"{money(r.value)} cost of capital."
            )
        elif r.kind == "large deal":
            when = "" if pd.isna(r.date) else f", expected {_day(r.date)}"
            lines.append(
                f"Large deal: {subject or 'untitled'} worth {money(r.number)}"
                f" ({money(r.value)} weighted){when}."
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
            f"Decide on the renewal of {subject or 'the contract'} before its notice deadline",
            f"in {number:.0f} days",
            day,
        )
    if kind == "late deliveries":
        return (
            "Fix the late and incomplete deliveries",
            f"{percent(number)} of {value:.0f} on time and in full",
            day,
        )
    if kind == "overdue complaints":
        return (
            "Close the complaints open for too long",
            f"{number:.0f} overdue, {value:.0f} open",
            day,
        )
    if kind == "slow payer":
        owed = f", {money(value)} overdue" if value > 0 else ""
        return ("Agree on payment: the client pays slowly", f"{number:.0f} days late{owed}", day)
    if kind == "capital cost":
        return (
            "Shorten the payment terms: negative once the capital is costed",
            f"{money(number)} after {money(value)} cost of capital",
            day,
        )
    if kind == "large deal":
        return (f"Win the large deal {subject or ''}".rstrip(), money(number), day)
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
    return "Not known for lack of data: " + "; ".join(messages) + "."


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
        return "No key accounts."
    names = risks["name"] if "name" in risks else pd.Series(dtype="str")
    checks = (
        ("poor service at", risks["service_risk"]),
        ("slow payers", risks["behaviour"].where(risks["behaviour"] != "not known").eq("slow")),
        (
            "negative once the capital is costed",
            ((risks["contribution"] >= 0) & (risks["after_capital"] < 0)).where(
                risks["after_capital"].notna()
            ),
        ),
        ("notice deadline before the next annual meeting", risks["notice_before_meeting"]),
    )
    parts = []
    for label, flag in checks:
        if flag.isna().all():
            parts.append(f"{label} not known")
            continue
        hit = flag.fillna(False).astype(bool)
        ids = list(risks.index[hit])
        if ids:
            parts.append(f"{label} {len(ids)} ({listing(client_labels(ids, names))})")
        else:
            parts.append(f"{label} none")
    return f"Of {len(risks)} key accounts: " + "; ".join(parts) + "."

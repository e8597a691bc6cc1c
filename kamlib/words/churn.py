"""Loss of clients in words: active, at risk and lost; where they were lost; whom to win back.

Mirrors :mod:`kamlib.plots.churn`; the numbers come from :mod:`kamlib.portfolio.churn`.

Examples
--------
>>> status = pd.DataFrame({"status": ["active", "lost"], "annual_value": [80.0, 20.0]},
...                       index=pd.Index(["a", "b"], name="account_id"))
>>> status_sentence(status)
'Of 2 clients: 1 active, 0 at risk, 1 lost; the lost ones bought 20 a year.'
"""

from __future__ import annotations

import pandas as pd

from kamlib.language import gettext as _
from kamlib.language import ngettext
from kamlib.words.labels import client_labels, semicolon
from kamlib.words.managers import status_text
from kamlib.words.numbers import money

__all__ = ["losses_sentence", "status_sentence", "win_back_sentence", "win_back_table"]


def status_sentence(status: pd.DataFrame) -> str:
    """Active, at-risk and lost clients, with the annual value of the lost and at-risk ones.

    Parameters
    ----------
    status : DataFrame
        Output of :func:`kamlib.portfolio.churn.client_status` (``status``, ``annual_value``).

    Examples
    --------
    >>> status = pd.DataFrame({"status": ["active", "at_risk", "lost", "lost"],
    ...                        "annual_value": [10.0, 30.0, 100.0, 50.0]})
    >>> print(status_sentence(status))  # doctest: +NORMALIZE_WHITESPACE
    Of 4 clients: 1 active, 1 at risk, 2 lost; the lost ones bought 150 a year, the ones at risk
    30.
    """
    counts = status["status"].value_counts()
    value = status.groupby("status")["annual_value"].sum()
    n, n_lost, n_risk = len(status), counts.get("lost", 0), counts.get("at_risk", 0)
    fields = {
        "n": n,
        "active": counts.get("active", 0),
        "at_risk": n_risk,
        "lost": n_lost,
        "lost_value": money(value["lost"]) if n_lost else "",
        "risk_value": money(value["at_risk"]) if n_risk else "",
    }
    if n_lost and n_risk:
        text = ngettext(
            "Of {n} clients: {active} active, {at_risk} at risk, {lost} lost; the lost ones "
            "bought {lost_value} a year, the ones at risk {risk_value}.",
            "Of {n} clients: {active} active, {at_risk} at risk, {lost} lost; the lost ones "
            "bought {lost_value} a year, the ones at risk {risk_value}.",
            n,
        )
    elif n_lost:
        text = ngettext(
            "Of {n} clients: {active} active, {at_risk} at risk, {lost} lost; the lost ones "
            "bought {lost_value} a year.",
            "Of {n} clients: {active} active, {at_risk} at risk, {lost} lost; the lost ones "
            "bought {lost_value} a year.",
            n,
        )
    elif n_risk:
        text = ngettext(
            "Of {n} clients: {active} active, {at_risk} at risk, {lost} lost; the ones at risk "
            "bought {risk_value} a year.",
            "Of {n} clients: {active} active, {at_risk} at risk, {lost} lost; the ones at risk "
            "bought {risk_value} a year.",
            n,
        )
    else:
        text = ngettext(
            "Of {n} clients: {active} active, {at_risk} at risk, {lost} lost.",
            "Of {n} clients: {active} active, {at_risk} at risk, {lost} lost.",
            n,
        )
    return text.format(**fields)


def _no_by_known(by: str, total: int) -> str:
    if by == "reason":
        text = ngettext(
            "{n} client lost; no reason is known for any of them.",
            "{n} clients lost; no reason is known for any of them.",
            total,
        )
    elif by == "region":
        text = ngettext(
            "{n} client lost; no region is known for any of them.",
            "{n} clients lost; no region is known for any of them.",
            total,
        )
    elif by == "manager":
        text = ngettext(
            "{n} client lost; no manager is known for any of them.",
            "{n} clients lost; no manager is known for any of them.",
            total,
        )
    else:
        return f"{total} client{'s' * (total != 1)} lost; no {by} is known for any of them."
    return text.format(n=total)


def _unknown_tail(by: str, n_unknown: int, total: int) -> str:
    if not n_unknown:
        return ""
    if by == "reason":
        text = _("No reason is known for {unknown} of the {total}.")
    elif by == "region":
        text = _("No region is known for {unknown} of the {total}.")
    elif by == "manager":
        text = _("No manager is known for {unknown} of the {total}.")
    else:
        return f" No {by} is known for {n_unknown} of the {total}."
    return " " + text.format(unknown=n_unknown, total=total)


def losses_sentence(losses: pd.DataFrame) -> str:
    """Where (or when) most clients were lost, from :func:`kamlib.portfolio.churn.losses`.

    The first column is what the losses were counted by (period, region, manager, reason).

    Parameters
    ----------
    losses : DataFrame
        Output of :func:`kamlib.portfolio.churn.losses` (the `by` column, ``clients``,
        ``annual_value``).

    Examples
    --------
    >>> by_region = pd.DataFrame({"region": ["Central", "West"], "clients": [5, 1],
    ...                           "annual_value": [3300.0, 800.0]})
    >>> losses_sentence(by_region)
    'Most lost clients by region: Central (5 of 6, annual value 3,300).'
    >>> by_period = pd.DataFrame({"period": pd.period_range("2025Q1", "2025Q2", freq="Q"),
    ...                           "clients": [1, 3], "annual_value": [1400.0, 2600.0]})
    >>> losses_sentence(by_period)
    '4 clients lost; most in 2025Q2 (3, annual value 2,600).'
    >>> by_reason = pd.DataFrame({"reason": ["unknown", "price"], "clients": [2, 1],
    ...                           "annual_value": [900.0, 400.0]})
    >>> losses_sentence(by_reason)
    'Most frequent known reason: price (1 client, annual value 400). No reason is known for 2 of the 3.'
    """
    by = losses.columns[0]
    total = int(losses["clients"].sum())
    if total == 0:
        return _("No client lost.")
    unknown = losses[by].astype("str").eq("unknown")
    known = losses[~unknown] if by in ("reason", "region", "manager") else losses
    if known.empty or int(known["clients"].sum()) == 0:
        return _no_by_known(by, total)
    top = known.sort_values(["clients", "annual_value"], ascending=False, kind="stable").iloc[0]
    n_unknown = int(losses.loc[unknown, "clients"].sum()) if by != "period" else 0
    tail = _unknown_tail(by, n_unknown, total)
    n_top, value = int(top["clients"]), money(top["annual_value"])
    if by == "period":
        return ngettext(
            "{n} client lost; most in {period} ({top}, annual value {value}).",
            "{n} clients lost; most in {period} ({top}, annual value {value}).",
            total,
        ).format(n=total, period=top[by], top=n_top, value=value)
    if by == "reason":
        return (
            ngettext(
                "Most frequent known reason: {reason} ({n} client, annual value {value}).",
                "Most frequent known reason: {reason} ({n} clients, annual value {value}).",
                n_top,
            ).format(reason=top[by], n=n_top, value=value)
            + tail
        )
    if by == "region":
        text = _("Most lost clients by region: {top} ({n} of {total}, annual value {value}).")
    elif by == "manager":
        text = _("Most lost clients by manager: {top} ({n} of {total}, annual value {value}).")
    else:
        text = f"Most lost clients by {by}: {{top}} ({{n}} of {{total}}, annual value {{value}})."
    return text.format(top=top[by], n=n_top, total=total, value=value) + tail


def _status_count(status: str, n: int, value: str) -> str:
    if status == "lost":
        text = ngettext("{n} lost: {value}", "{n} lost: {value}", n)
    else:
        text = ngettext("{n} at risk: {value}", "{n} at risk: {value}", n)
    return text.format(n=n, value=value)


def win_back_sentence(wb: pd.DataFrame) -> str:
    """The size of the win-back list and the first client to call.

    Parameters
    ----------
    wb : DataFrame
        Output of :func:`kamlib.portfolio.churn.win_back` (index client id; ``name``, ``status``,
        ``annual_value``), ranked.

    Examples
    --------
    >>> wb = pd.DataFrame({"name": ["Beta", "Alfa"], "status": ["at_risk", "lost"],
    ...     "annual_value": [400.0, 100.0]}, index=pd.Index(["b", "a"], name="account_id"))
    >>> print(win_back_sentence(wb))  # doctest: +NORMALIZE_WHITESPACE
    2 clients on the win-back list with 500 of annual value at stake (1 lost: 100; 1 at risk:
    400). First: Beta (b), 400 a year, at risk.
    """
    if wb.empty:
        return _("Nobody to win back: no client is lost or at risk.")
    value = wb.groupby("status")["annual_value"].agg(["size", "sum"])
    parts = [
        _status_count(s, int(value.at[s, "size"]), money(value.at[s, "sum"]))
        for s in ("lost", "at_risk")
        if s in value.index
    ]
    names = wb["name"].dropna() if "name" in wb else pd.Series(dtype="str")
    first = client_labels(wb.index[:1], names)[0]
    return ngettext(
        "{n} clients on the win-back list with {value} of annual value at stake ({parts}). "
        "First: {first}, {first_value} a year, {status}.",
        "{n} clients on the win-back list with {value} of annual value at stake ({parts}). "
        "First: {first}, {first_value} a year, {status}.",
        len(wb),
    ).format(
        n=len(wb),
        value=money(wb["annual_value"].sum()),
        parts=semicolon().join(parts),
        first=first,
        first_value=money(wb["annual_value"].iloc[0]),
        status=status_text(wb["status"].iloc[0]),
    )


def win_back_table(wb: pd.DataFrame) -> pd.DataFrame:
    """The win-back list as a reader sees it: the status in words ("at risk"), not the code.

    Parameters
    ----------
    wb : DataFrame
        Output of :func:`kamlib.portfolio.churn.win_back` (``status``: ``lost`` or
        ``at_risk``); not modified.

    Examples
    --------
    >>> wb = pd.DataFrame({"name": ["Beta"], "status": ["at_risk"]})
    >>> win_back_table(wb)["status"].tolist(), wb["status"].tolist()
    (['at risk'], ['at_risk'])
    """
    out = wb.copy()
    if "status" in out:
        out["status"] = out["status"].map(status_text)
    return out

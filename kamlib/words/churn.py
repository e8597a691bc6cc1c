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

from kamlib.words.labels import client_labels
from kamlib.words.numbers import money

__all__ = ["losses_sentence", "status_sentence", "win_back_sentence"]


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
    text = (
        f"Of {len(status)} clients: {counts.get('active', 0)} active, "
        f"{counts.get('at_risk', 0)} at risk, {counts.get('lost', 0)} lost"
    )
    if counts.get("lost", 0):
        text += f"; the lost ones bought {money(value['lost'])} a year"
        if counts.get("at_risk", 0):
            text += f", the ones at risk {money(value['at_risk'])}"
    elif counts.get("at_risk", 0):
        text += f"; the ones at risk bought {money(value['at_risk'])} a year"
    return text + "."


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
        return "No client lost."
    unknown = losses[by].astype("str").eq("unknown")
    known = losses[~unknown] if by in ("reason", "region", "manager") else losses
    if known.empty or int(known["clients"].sum()) == 0:
        return f"{total} client{'s' * (total != 1)} lost; no {by} is known for any of them."
    top = known.sort_values(["clients", "annual_value"], ascending=False, kind="stable").iloc[0]
    n_unknown = int(losses.loc[unknown, "clients"].sum()) if by != "period" else 0
    tail = f" No {by} is known for {n_unknown} of the {total}." if n_unknown else ""
    if by == "period":
        return (
            f"{total} client{'s' * (total != 1)} lost; most in {top[by]} ({int(top['clients'])}, "
            f"annual value {money(top['annual_value'])})."
        )
    if by == "reason":
        return (
            f"Most frequent known reason: {top[by]} ({int(top['clients'])} client"
            f"{'s' * (int(top['clients']) != 1)}, annual value {money(top['annual_value'])})."
            + tail
        )
    return (
        f"Most lost clients by {by}: {top[by]} ({int(top['clients'])} of {total}, annual value "
        f"{money(top['annual_value'])})." + tail
    )


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
        return "Nobody to win back: no client is lost or at risk."
    value = wb.groupby("status")["annual_value"].agg(["size", "sum"])
    parts = [
        f"{int(value.at[s, 'size'])} {s.replace('_', ' ')}: {money(value.at[s, 'sum'])}"
        for s in ("lost", "at_risk")
        if s in value.index
    ]
    names = wb["name"].dropna() if "name" in wb else pd.Series(dtype="str")
    first = client_labels(wb.index[:1], names)[0]
    return (
        f"{len(wb)} clients on the win-back list with {money(wb['annual_value'].sum())} of "
        f"annual value at stake ({'; '.join(parts)}). First: {first}, "
        f"{money(wb['annual_value'].iloc[0])} a year, {wb['status'].iloc[0].replace('_', ' ')}."
    )

"""The development plan in words: baseline, targets, seasonality, cross-sell, contact budget,
plan against actual.

Mirrors :mod:`kamlib.plots.plan`; the numbers come from :mod:`kamlib.account.plan`.

Examples
--------
>>> s = pd.DataFrame({"period": ["Q1", "Q2"], "share": [0.6, 0.4], "basis": ["history"] * 2})
>>> seasonality_sentence(s)
'Strongest Q1 (60.0 % of the year), weakest Q2 (40.0 %).'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlib.words.numbers import money, percent, signed_money, signed_percent

__all__ = [
    "baseline_sentence",
    "budget_sentence",
    "cross_sell_sentence",
    "plan_vs_actual_sentence",
    "seasonality_sentence",
    "targets_sentence",
]


def baseline_sentence(baseline: pd.DataFrame, *, by: str = "product_id") -> str:
    """The account's last 12 months against the 12 before, with the biggest moves.

    Parameters
    ----------
    baseline : DataFrame
        :func:`kamlib.account.targets.baseline` (`by`, ``revenue_previous``, ``revenue_last``,
        ``revenue_change``).
    by : str, default "product_id"
        The level of the baseline.

    Examples
    --------
    >>> b = pd.DataFrame({"product_id": ["p1", "p2", "p3"],
    ...     "revenue_previous": [100.0, 0.0, 80.0], "revenue_last": [120.0, 50.0, 20.0],
    ...     "revenue_change": [20.0, 50.0, -60.0]})
    >>> print(baseline_sentence(b))  # doctest: +NORMALIZE_WHITESPACE
    Last 12 months 190, +5.6 % on the 12 months before (180). Largest increase p2 (+50), largest
    decrease p3 (-60).
    """
    if baseline.empty:
        return "No purchases in the last two years."
    last, prev = baseline["revenue_last"].sum(), baseline["revenue_previous"].sum()
    change = last / prev - 1 if prev > 0 else np.nan
    text = (
        f"Last 12 months {money(last)}, {signed_percent(change)} on the 12 months before "
        f"({money(prev)})."
    )
    ordered = baseline[baseline[by].notna()].sort_values("revenue_change", kind="stable")
    if ordered.empty:  # no product (or region) on the lines: nothing to name
        return text
    up, down = ordered.iloc[-1], ordered.iloc[0]
    moves = []
    if up["revenue_change"] > 0:
        moves.append(f"largest increase {up[by]} ({signed_money(up['revenue_change'])})")
    if down["revenue_change"] < 0:
        moves.append(f"largest decrease {down[by]} ({signed_money(down['revenue_change'])})")
    if moves:
        text += " " + ", ".join(moves)[0].upper() + ", ".join(moves)[1:] + "."
    return text


def targets_sentence(targets: pd.DataFrame) -> str:
    """The next-year target in one sentence, with where its growth rates come from.

    Parameters
    ----------
    targets : DataFrame
        :func:`kamlib.account.targets.next_year_targets` (``year``, ``base_revenue``,
        ``revenue_target``, ``history_growth``, ``growth``, ``growth_source``).

    Examples
    --------
    >>> t = pd.DataFrame({"year": [2026, 2026], "base_revenue": [100.0, 50.0],
    ...     "revenue_target": [150.0, 55.0], "history_growth": [1.2, 0.1],
    ...     "growth": [0.5, 0.1], "growth_source": ["history", "history"]})
    >>> print(targets_sentence(t))  # doctest: +NORMALIZE_WHITESPACE
    Target 2026: 205, +36.7 % on the base of 150 (last 12 months). Growth per product: history 2
    (1 capped at the bounds).
    """
    if targets.empty:
        return "No targets: no purchases in the base window."
    base, target = targets["base_revenue"].sum(), targets["revenue_target"].sum()
    change = target / base - 1 if base > 0 else np.nan
    sources = targets["growth_source"].value_counts()
    capped = int(
        (
            (targets["growth_source"] == "history")
            & (targets["growth"] != targets["history_growth"])
        ).sum()
    )
    text = (
        f"Target {int(targets['year'].iloc[0])}: {money(target)}, {signed_percent(change)} on the "
        f"base of {money(base)} (last 12 months). Growth per product: "
        + ", ".join(f"{s} {n}" for s, n in sources.items())
    )
    return text + (f" ({capped} capped at the bounds)." if capped else ".")


def seasonality_sentence(seasonality: pd.DataFrame) -> str:
    """The strongest and weakest quarter (or month) of the account's year.

    Parameters
    ----------
    seasonality : DataFrame
        :func:`kamlib.account.targets.seasonality` (``period``, ``share``, ``basis``).

    Examples
    --------
    >>> s = pd.DataFrame({"period": ["Q1", "Q2", "Q3", "Q4"],
    ...     "share": [0.24, 0.21, 0.27, 0.28], "basis": ["history"] * 4})
    >>> seasonality_sentence(s)
    'Strongest Q4 (28.0 % of the year), weakest Q2 (21.0 %).'
    """
    if seasonality.empty or (seasonality["basis"] == "equal").all():
        return "No purchase history: the year is split evenly."
    ordered = seasonality.sort_values("share", kind="stable")
    top, low = ordered.iloc[-1], ordered.iloc[0]
    return (
        f"Strongest {top['period']} ({percent(top['share'])} of the year), weakest "
        f"{low['period']} ({percent(low['share'])})."
    )


def cross_sell_sentence(cross_sell: pd.DataFrame) -> str:
    """The cross-sell candidates in words: how many, the largest, their total.

    Parameters
    ----------
    cross_sell : DataFrame
        :func:`kamlib.account.plan.cross_sell`, highest ``estimated_value`` first.

    Examples
    --------
    >>> cs = pd.DataFrame({"product_id": ["p2"], "name": ["Valve"], "peers": [10],
    ...     "peers_buying": [6], "estimated_value": [7087.0]})
    >>> print(cross_sell_sentence(cs))  # doctest: +NORMALIZE_WHITESPACE
    1 product that similar clients buy and this one does not, worth about 7,087 a year; the
    largest: Valve (p2), 7,087 a year, bought by 6 of 10 similar clients.
    """
    if cross_sell.empty:
        return "No cross-sell candidate: no similar client buys a product this one does not."
    top = cross_sell.iloc[0]
    name = top["name"] if "name" in top and pd.notna(top["name"]) else None
    label = f"{name} ({top['product_id']})" if name else str(top["product_id"])
    n = len(cross_sell)
    return (
        f"{n} product{'s' * (n != 1)} that similar clients buy and this one does not, worth "
        f"about {money(cross_sell['estimated_value'].sum())} a year; the largest: {label}, "
        f"{money(top['estimated_value'])} a year, bought by {int(top['peers_buying'])} of "
        f"{int(top['peers'])} similar clients."
    )


def budget_sentence(budget: pd.DataFrame, *, year: int | None = None) -> str:
    """The contact plan's size and cost (:func:`kamlib.account.contacts.contact_budget`).

    Parameters
    ----------
    budget : DataFrame
        :func:`kamlib.account.contacts.contact_budget` (its ``total`` row is not counted twice).
    year : int, optional
        The plan year, for the sentence.

    Examples
    --------
    >>> b = pd.DataFrame({"contact_type": ["call", "visit", "total"], "contacts": [4, 1, 5],
    ...     "unit_cost": [25.0, 400.0, np.nan], "budget": [100.0, 400.0, 500.0]})
    >>> budget_sentence(b, year=2026)
    '5 contacts planned for 2026 at a cost of 500: 4 calls, 1 visit.'
    """
    rows = budget[budget["contact_type"] != "total"]
    if rows.empty:
        return "No contacts planned."
    when = f" for {year}" if year is not None else ""
    return (
        f"{int(rows['contacts'].sum())} contacts planned{when} at a cost of "
        f"{money(rows['budget'].sum())}: "
        + ", ".join(
            f"{int(n)} {t.replace('_', ' ')}{'s' * (int(n) != 1)}"
            for t, n in zip(rows["contact_type"], rows["contacts"], strict=True)
        )
        + "."
    )


def plan_vs_actual_sentence(pva: pd.DataFrame) -> str:
    """Actual against target per plan year (:func:`kamlib.account.targets.plan_vs_actual`).

    Parameters
    ----------
    pva : DataFrame
        :func:`kamlib.account.targets.plan_vs_actual` (``year``, ``revenue_target``, ``actual``,
        ``expected_to_date``, ``status``). Years not started, running and complete each get
        their own wording.

    Examples
    --------
    >>> pva = pd.DataFrame({"year": [2025, 2025, 2026], "revenue_target": [100.0, 50.0, 80.0],
    ...     "actual": [90.0, 60.0, 0.0], "expected_to_date": [100.0, 50.0, 0.0],
    ...     "status": ["complete", "complete", "not started"]})
    >>> plan_vs_actual_sentence(pva)
    '2025: actual 150 against a target of 150 (100.0 %). 2026: target 80, not started.'
    """
    if pva.empty:
        return "No targets recorded for this account."
    per_year = pva.groupby("year").agg(
        target=("revenue_target", "sum"),
        actual=("actual", "sum"),
        expected=("expected_to_date", "sum"),
        started=("status", lambda s: (s != "not started").any()),
        running=("status", lambda s: (s == "running").any()),
    )
    year = per_year.index.astype("str")
    target, actual, expected = (per_year[c].map(money) for c in ("target", "actual", "expected"))
    attainment = (per_year["actual"] / per_year["target"]).map(percent)
    parts = np.select(
        [~per_year["started"], per_year["running"]],
        [
            year + ": target " + target + ", not started.",
            year
            + ": actual "
            + actual
            + " so far against "
            + expected
            + " expected by now (target "
            + target
            + ").",
        ],
        year + ": actual " + actual + " against a target of " + target + " (" + attainment + ").",
    ).tolist()
    return " ".join(parts)

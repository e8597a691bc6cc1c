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

from kamlib.language import gettext as _
from kamlib.language import ngettext, pgettext
from kamlib.words.numbers import money, percent, signed_money, signed_percent

__all__ = [
    "plan_table",
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
        return _("No purchases in the last two years.")
    last, prev = baseline["revenue_last"].sum(), baseline["revenue_previous"].sum()
    change = last / prev - 1 if prev > 0 else np.nan
    text = _("Last 12 months {last}, {change} on the 12 months before ({previous}).").format(
        last=money(last), change=signed_percent(change), previous=money(prev)
    )
    ordered = baseline[baseline[by].notna()].sort_values("revenue_change", kind="stable")
    if ordered.empty:  # no product (or region) on the lines: nothing to name
        return text
    up, down = ordered.iloc[-1], ordered.iloc[0]
    rises, falls = up["revenue_change"] > 0, down["revenue_change"] < 0
    if rises and falls:
        moves = _("Largest increase {up} ({up_change}), largest decrease {down} ({down_change}).")
    elif rises:
        moves = _("Largest increase {up} ({up_change}).")
    elif falls:
        moves = _("Largest decrease {down} ({down_change}).")
    else:
        return text
    return (
        text
        + " "
        + moves.format(
            up=up[by],
            up_change=signed_money(up["revenue_change"]),
            down=down[by],
            down_change=signed_money(down["revenue_change"]),
        )
    )


def _growth_source_word(source: str) -> str:
    """Where a growth rate comes from (``growth_source`` of the targets) in the reader's words."""
    words = {
        "history": pgettext("growth source", "history"),
        "account history": pgettext("growth source", "account history"),
        "none": pgettext("growth source", "none"),
        "plan target": pgettext("growth source", "plan target"),
    }
    return words.get(source, source)


def plan_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A development-plan table as shown: its codes in the reader's words.

    The targets' ``growth_source`` and ``source`` (of the plan target), the seasonal profile's
    ``basis``, the budget's contact types and its ``total`` row; everything else as it is (a
    copy).

    Examples
    --------
    >>> s = pd.DataFrame({"period": ["Q1"], "share": [1.0], "basis": ["equal"]})
    >>> plan_table(s)["basis"].tolist()
    ['equal']
    >>> from kamlib.language import language
    >>> with language("fr"):
    ...     plan_table(s)["basis"].tolist()
    ['parts égales']
    """
    out = frame.copy()
    if "growth_source" in out.columns:
        out["growth_source"] = out["growth_source"].map(_growth_source_word)
    if "source" in out.columns:  # where the plan target comes from (kamlib.plan_target)
        sources = {
            "targets table": pgettext("target source", "targets table"),
            "computed": pgettext("target source", "computed"),
        }
        out["source"] = out["source"].map(lambda code: sources.get(code, code))
    if "basis" in out.columns:
        basis = {
            "history": pgettext("seasonal basis", "history"),
            "equal": pgettext("seasonal basis", "equal"),
        }
        out["basis"] = out["basis"].map(lambda code: basis.get(code, code))
    kinds = {
        "total": pgettext("table row", "total"),
        "call": pgettext("contact type", "call"),
        "planning_call": pgettext("contact type", "planning call"),
        "visit": pgettext("contact type", "visit"),
        "annual_meeting": pgettext("contact type", "annual meeting"),
        "executive_meeting": pgettext("contact type", "executive meeting"),
        "workshop": pgettext("contact type", "workshop"),
    }
    if "contact_type" in out.columns:  # the budget; a type of the user's own table as written
        out["contact_type"] = out["contact_type"].map(
            lambda kind: kinds.get(kind, str(kind).replace("_", " "))
        )
    if not pd.api.types.is_numeric_dtype(out.index):
        out.index = out.index.map(lambda key: kinds["total"] if key == "total" else key)
    return out


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
        return _("No targets: no purchases in the base window.")
    base, target = targets["base_revenue"].sum(), targets["revenue_target"].sum()
    change = target / base - 1 if base > 0 else np.nan
    sources = targets["growth_source"].value_counts()
    capped = int(
        (
            (targets["growth_source"] == "history")
            & (targets["growth"] != targets["history_growth"])
        ).sum()
    )
    if capped:
        text = ngettext(
            "Target {year}: {target}, {change} on the base of {base} (last 12 months). Growth "
            "per product: {sources} ({capped} capped at the bounds).",
            "Target {year}: {target}, {change} on the base of {base} (last 12 months). Growth "
            "per product: {sources} ({capped} capped at the bounds).",
            capped,
        )
    else:
        text = _(
            "Target {year}: {target}, {change} on the base of {base} (last 12 months). Growth "
            "per product: {sources}."
        )
    listed = ", ".join(
        _("{source} {n}").format(source=_growth_source_word(source), n=n)
        for source, n in sources.items()
    )
    return text.format(
        year=int(targets["year"].iloc[0]),
        target=money(target),
        change=signed_percent(change),
        base=money(base),
        sources=listed,
        capped=capped,
    )


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
        return _("No purchase history: the year is split evenly.")
    ordered = seasonality.sort_values("share", kind="stable")
    top, low = ordered.iloc[-1], ordered.iloc[0]
    return _("Strongest {top} ({top_share} of the year), weakest {low} ({low_share}).").format(
        top=_period_word(top["period"]),
        top_share=percent(top["share"]),
        low=_period_word(low["period"]),
        low_share=percent(low["share"]),
    )


def _period_word(period: str) -> str:
    """A quarter ("Q1") or month ("M01") of :func:`kamlib.account.targets.seasonality`."""
    text = str(period)
    if len(text) == 2 and text[0] == "Q" and text[1].isdigit():
        return _("Q{quarter}").format(quarter=text[1])
    if len(text) == 3 and text[0] == "M" and text[1:].isdigit():
        return _("M{month}").format(month=text[1:])
    return text


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
        return _("No cross-sell candidate: no similar client buys a product this one does not.")
    top = cross_sell.iloc[0]
    name = top["name"] if "name" in top and pd.notna(top["name"]) else None
    label = f"{name} ({top['product_id']})" if name else str(top["product_id"])
    n = len(cross_sell)
    return ngettext(
        "{n} product that similar clients buy and this one does not, worth about {total} a "
        "year; the largest: {product}, {value} a year, bought by {buying} of {peers} similar "
        "clients.",
        "{n} products that similar clients buy and this one does not, worth about {total} a "
        "year; the largest: {product}, {value} a year, bought by {buying} of {peers} similar "
        "clients.",
        n,
    ).format(
        n=n,
        total=money(cross_sell["estimated_value"].sum()),
        product=label,
        value=money(top["estimated_value"]),
        buying=int(top["peers_buying"]),
        peers=int(top["peers"]),
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
        return _("No contacts planned.")
    n = int(rows["contacts"].sum())
    if year is not None:
        text = ngettext(
            "{n} contacts planned for {year} at a cost of {cost}: {contacts}.",
            "{n} contacts planned for {year} at a cost of {cost}: {contacts}.",
            n,
        )
    else:
        text = ngettext(
            "{n} contacts planned at a cost of {cost}: {contacts}.",
            "{n} contacts planned at a cost of {cost}: {contacts}.",
            n,
        )
    listed = ", ".join(
        _contacts_text(t, int(k))
        for t, k in zip(rows["contact_type"], rows["contacts"], strict=True)
    )
    return text.format(n=n, year=year, cost=money(rows["budget"].sum()), contacts=listed)


def _contacts_text(kind: str, n: int) -> str:
    """A number of contacts of one type of :data:`kamlib.account.contacts.CONTACT_COSTS`."""
    if kind == "call":
        text = ngettext("{n} call", "{n} calls", n)
    elif kind == "planning_call":
        text = ngettext("{n} planning call", "{n} planning calls", n)
    elif kind == "visit":
        text = ngettext("{n} visit", "{n} visits", n)
    elif kind == "annual_meeting":
        text = ngettext("{n} annual meeting", "{n} annual meetings", n)
    elif kind == "executive_meeting":
        text = ngettext("{n} executive meeting", "{n} executive meetings", n)
    elif kind == "workshop":
        text = ngettext("{n} workshop", "{n} workshops", n)
    else:  # a type of the user's own cost table: its name as written
        return f"{n} {kind.replace('_', ' ')}{'s' * (n != 1)}"
    return text.format(n=n)


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
        return _("No targets recorded for this account.")
    per_year = pva.groupby("year").agg(
        target=("revenue_target", "sum"),
        actual=("actual", "sum"),
        expected=("expected_to_date", "sum"),
        started=("status", lambda s: (s != "not started").any()),
        running=("status", lambda s: (s == "running").any()),
    )
    attainment = (per_year["actual"] / per_year["target"]).map(percent)
    parts = []
    for year, row in per_year.iterrows():
        if not row["started"]:
            text = _("{year}: target {target}, not started.")
        elif row["running"]:
            text = _(
                "{year}: actual {actual} so far against {expected} expected by now (target "
                "{target})."
            )
        else:
            text = _("{year}: actual {actual} against a target of {target} ({attainment}).")
        parts.append(
            text.format(
                year=str(year),
                target=money(row["target"]),
                actual=money(row["actual"]),
                expected=money(row["expected"]),
                attainment=attainment[year],
            )
        )
    return " ".join(parts)

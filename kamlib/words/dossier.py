"""The account dossier in words: the last year's figures, the product mix, the decision-making
unit, the share of wallet.

Mirrors :mod:`kamlib.plots.dossier`; the numbers come from :mod:`kamlib.account.dossier`.

Examples
--------
>>> fy = pd.DataFrame({"year": [2025], "revenue": [200.0], "margin": [0.25]})
>>> financial_sentence(fy)
'Revenue 200 in 2025; gross margin 25.0 %.'
"""

from __future__ import annotations

import pandas as pd

from kamlib.words.numbers import money, percent, signed_percent

__all__ = [
    "coverage_sentence",
    "financial_sentence",
    "product_mix_sentence",
    "share_of_wallet_sentence",
]


def financial_sentence(by_year: pd.DataFrame) -> str:
    """The account's last year against the year before: revenue, growth and margin.

    Parameters
    ----------
    by_year : DataFrame
        ``financial_report(...).by_year`` (``year``, ``revenue``, ``margin``,
        ``revenue_growth``).

    Examples
    --------
    >>> import numpy as np
    >>> fy = pd.DataFrame({"year": [2024, 2025], "revenue": [150.0, 200.0],
    ...     "margin": [0.33, 0.25], "revenue_growth": [np.nan, 0.3333]})
    >>> financial_sentence(fy)
    'Revenue 200 in 2025, +33.3 % on 2024 (150); gross margin 25.0 % (33.0 % in 2024).'

    A year cut short by the data is compared with the same months of the year before:

    >>> part = fy.assign(through=pd.to_datetime(["2024-12-31", "2025-06-30"]))
    >>> print(financial_sentence(part))  # doctest: +NORMALIZE_WHITESPACE
    Revenue 200 in 2025 up to 30 June, +33.3 % on the same months of 2024; gross margin 25.0 %
    (33.0 % in 2024 as a whole).
    """
    if by_year.empty:
        return "No purchases in the period."
    last = by_year.iloc[-1]
    text = f"Revenue {money(last['revenue'])} in {int(last['year'])}"
    through = pd.Timestamp(last.get("through", pd.NaT))
    if pd.notna(through) and (through.month, through.day) != (12, 31) and len(by_year) > 1:
        prev = by_year.iloc[-2]
        text += (
            f" up to {through.day} {through:%B}, {signed_percent(last['revenue_growth'])} on "
            f"the same months of {int(prev['year'])}"
        )
        margin = f"; gross margin {percent(last['margin'])} ({percent(prev['margin'])} in "
        margin += f"{int(prev['year'])} as a whole)."
    elif len(by_year) > 1:
        prev = by_year.iloc[-2]
        text += (
            f", {signed_percent(last['revenue_growth'])} on {int(prev['year'])} "
            f"({money(prev['revenue'])})"
        )
        margin = f"; gross margin {percent(last['margin'])} ({percent(prev['margin'])} in "
        margin += f"{int(prev['year'])})."
    else:
        margin = f"; gross margin {percent(last['margin'])}."
    known = pd.notna(last.get("margin")) or (len(by_year) > 1 and pd.notna(prev.get("margin")))
    return text + (margin if known else ".")


def product_mix_sentence(history: pd.DataFrame) -> str:
    """The largest product category of the last year and how the mix has moved.

    Parameters
    ----------
    history : DataFrame
        :func:`kamlib.account.dossier.revenue_history` (``year``, ``category``, ``revenue``,
        ``share_of_year``).

    Examples
    --------
    >>> h = pd.DataFrame({"year": [2024, 2024, 2025], "category": ["Pumps", "Valves", "Pumps"],
    ...     "revenue": [100.0, 300.0, 50.0], "share_of_year": [0.25, 0.75, 1.0]})
    >>> print(product_mix_sentence(h))  # doctest: +NORMALIZE_WHITESPACE
    In 2025 the largest category is Pumps (100.0 % of revenue, 25.0 % in 2024); 1 category
    bought in 2025, 2 in 2024.
    """
    if history.empty:
        return "No purchases by product category."
    if set(history["category"]) <= {"(all)", "(unknown)"}:
        return "Revenue by product category not known."
    years = sorted(history["year"].unique())
    last = history[history["year"] == years[-1]].sort_values("revenue", ascending=False)
    top = last.iloc[0]
    text = (
        f"In {years[-1]} the largest category is {top['category']} "
        f"({percent(top['share_of_year'])} of revenue"
    )
    n_last = len(last)
    bought = f"{n_last} categor{'ies' if n_last != 1 else 'y'} bought"
    if len(years) > 1:
        prev = history[history["year"] == years[-2]].set_index("category")["share_of_year"]
        before = prev.get(top["category"], 0.0)
        return (
            f"{text}, {percent(before)} in {years[-2]}); {bought} in {years[-1]}, "
            f"{len(prev)} in {years[-2]}."
        )
    return f"{text}); {bought}."


def coverage_sentence(coverage: pd.DataFrame) -> str:
    """The decision-making-unit checks in words (:func:`kamlib.account.dmu.dmu_coverage`).

    Parameters
    ----------
    coverage : DataFrame
        ``check``, ``ok`` and ``finding`` per check; problems come first.

    Examples
    --------
    >>> cov = pd.DataFrame({"check": ["decision maker", "champion"], "ok": [True, False],
    ...     "finding": ["Decision maker known: Ada.", "No champion among the contacts."]})
    >>> coverage_sentence(cov)
    'No champion among the contacts. Decision maker known: Ada.'

    Without contacts the checks all say so; the sentence says it once:

    >>> none = pd.DataFrame({"check": ["decision maker", "champion"], "ok": [False, False],
    ...     "finding": ["No contacts recorded: no decision maker known.", "No contacts recorded."]})
    >>> coverage_sentence(none)
    'No contacts recorded: no decision maker, champion or recent contact known.'
    """
    if coverage.empty:
        return "No contacts: the decision-making unit is unknown."
    if (
        not coverage["ok"].any()
        and coverage["finding"].str.startswith("No contacts recorded").all()
    ):
        return "No contacts recorded: no decision maker, champion or recent contact known."
    ordered = coverage.sort_values("ok", kind="stable")  # problems first
    return " ".join(ordered["finding"])


def share_of_wallet_sentence(sow: pd.Series) -> str:
    """Our share of the client's spend, both estimates.

    The estimates come from :func:`kamlib.account.dossier.share_of_wallet`.

    Parameters
    ----------
    sow : Series
        ``revenue_last_12m``, ``potential_budget``, ``by_budget``, ``competitors_total``,
        ``by_competitors``.

    Examples
    --------
    >>> sow = pd.Series({"revenue_last_12m": 250.0, "potential_budget": 1000.0,
    ...     "by_budget": 0.25, "competitors_total": 0.7, "by_competitors": 0.3})
    >>> print(share_of_wallet_sentence(sow))  # doctest: +NORMALIZE_WHITESPACE
    Share of wallet 25.0 % of the potential budget (revenue of the last 12 months 250 of 1,000);
    30.0 % by the competitors known (they hold 70.0 %).
    """
    parts = []
    if pd.notna(sow.get("by_budget")):
        parts.append(
            f"{percent(sow['by_budget'])} of the potential budget (revenue of the last 12 months "
            f"{money(sow['revenue_last_12m'])} of {money(sow['potential_budget'])})"
        )
    if pd.notna(sow.get("by_competitors")):
        parts.append(
            f"{percent(sow['by_competitors'])} by the competitors known (they hold "
            f"{percent(sow['competitors_total'])})"
        )
    if not parts:
        return "Share of wallet unknown: no potential budget and no competitors' shares."
    return "Share of wallet " + "; ".join(parts) + "."

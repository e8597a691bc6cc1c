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

from kamlib.language import babel_locale, ngettext, pgettext
from kamlib.language import gettext as _
from kamlib.words.numbers import money, percent, signed_percent

__all__ = [
    "coverage_sentence",
    "financial_sentence",
    "product_mix_sentence",
    "share_of_wallet_sentence",
    "timeline_table",
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
        return _("No purchases in the period.")
    last = by_year.iloc[-1]
    prev = by_year.iloc[-2] if len(by_year) > 1 else None
    known = pd.notna(last.get("margin")) or (prev is not None and pd.notna(prev.get("margin")))
    through = pd.Timestamp(last.get("through", pd.NaT))
    if pd.notna(through) and (through.month, through.day) != (12, 31) and prev is not None:
        if known:
            text = _(
                "Revenue {revenue} in {year} up to {day}, {change} on the same months of "
                "{previous_year}; gross margin {margin} ({previous_margin} in {previous_year} as "
                "a whole)."
            )
        else:
            text = _(
                "Revenue {revenue} in {year} up to {day}, {change} on the same months of "
                "{previous_year}."
            )
    elif prev is not None:
        if known:
            text = _(
                "Revenue {revenue} in {year}, {change} on {previous_year} ({previous_revenue}); "
                "gross margin {margin} ({previous_margin} in {previous_year})."
            )
        else:
            text = _(
                "Revenue {revenue} in {year}, {change} on {previous_year} ({previous_revenue})."
            )
    elif known:
        text = _("Revenue {revenue} in {year}; gross margin {margin}.")
    else:
        text = _("Revenue {revenue} in {year}.")
    return text.format(
        revenue=money(last["revenue"]),
        year=int(last["year"]),
        day=_day_of_month(through) if pd.notna(through) else "",
        change=signed_percent(last.get("revenue_growth")),
        margin=percent(last.get("margin")),
        previous_year=int(prev["year"]) if prev is not None else "",
        previous_revenue=money(prev["revenue"]) if prev is not None else "",
        previous_margin=percent(prev.get("margin")) if prev is not None else "",
    )


def _day_of_month(day: pd.Timestamp) -> str:
    """A day and its month's name in the reader's language ("30 June", "30 июня")."""
    from babel.dates import format_date

    return format_date(day.date(), "d MMMM", locale=babel_locale())


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
        return _("No purchases by product category.")
    if set(history["category"]) <= {"(all)", "(unknown)"}:
        return _("Revenue by product category not known.")
    years = sorted(history["year"].unique())
    last = history[history["year"] == years[-1]].sort_values("revenue", ascending=False)
    top = last.iloc[0]
    n_last = len(last)
    if len(years) > 1:
        prev = history[history["year"] == years[-2]].set_index("category")["share_of_year"]
        text = ngettext(
            "In {year} the largest category is {category} ({share} of revenue, {previous_share} "
            "in {previous_year}); {n} category bought in {year}, {previous_n} in "
            "{previous_year}.",
            "In {year} the largest category is {category} ({share} of revenue, {previous_share} "
            "in {previous_year}); {n} categories bought in {year}, {previous_n} in "
            "{previous_year}.",
            n_last,
        )
        return text.format(
            year=years[-1],
            category=top["category"],
            share=percent(top["share_of_year"]),
            previous_share=percent(prev.get(top["category"], 0.0)),
            previous_year=years[-2],
            n=n_last,
            previous_n=len(prev),
        )
    text = ngettext(
        "In {year} the largest category is {category} ({share} of revenue); {n} category bought.",
        "In {year} the largest category is {category} ({share} of revenue); {n} categories bought.",
        n_last,
    )
    return text.format(
        year=years[-1], category=top["category"], share=percent(top["share_of_year"]), n=n_last
    )


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
        return _("No contacts: the decision-making unit is unknown.")
    if (
        not coverage["ok"].any()
        and coverage["finding"].str.startswith("No contacts recorded").all()
    ):
        return _("No contacts recorded: no decision maker, champion or recent contact known.")
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
    by_budget, by_competitors = pd.notna(sow.get("by_budget")), pd.notna(sow.get("by_competitors"))
    if by_budget and by_competitors:
        text = _(
            "Share of wallet {share} of the potential budget (revenue of the last 12 months "
            "{revenue} of {budget}); {competitors_share} by the competitors known (they hold "
            "{competitors_total})."
        )
    elif by_budget:
        text = _(
            "Share of wallet {share} of the potential budget (revenue of the last 12 months "
            "{revenue} of {budget})."
        )
    elif by_competitors:
        text = _(
            "Share of wallet {competitors_share} by the competitors known (they hold "
            "{competitors_total})."
        )
    else:
        return _("Share of wallet unknown: no potential budget and no competitors' shares.")
    return text.format(
        share=percent(sow.get("by_budget")),
        revenue=money(sow.get("revenue_last_12m")),
        budget=money(sow.get("potential_budget")),
        competitors_share=percent(sow.get("by_competitors")),
        competitors_total=percent(sow.get("competitors_total")),
    )


def _timeline_kinds() -> dict[str, str]:
    return {
        "relationship": pgettext("timeline kind", "relationship"),
        "purchase": pgettext("timeline kind", "purchase"),
        "meeting": pgettext("timeline kind", "meeting"),
        "tender": pgettext("timeline kind", "tender"),
    }


def timeline_table(timeline: pd.DataFrame) -> pd.DataFrame:
    """The relationship's timeline as shown: the ``kind`` codes in the reader's words.

    Parameters
    ----------
    timeline : DataFrame
        ``account_dossier(...).timeline`` (``date``, ``kind``, ``event``); not modified.

    Examples
    --------
    >>> t = pd.DataFrame({"date": pd.to_datetime(["2024-01-05"]), "kind": ["purchase"],
    ...                   "event": ["first purchase"]})
    >>> timeline_table(t)["kind"].tolist()
    ['purchase']
    >>> from kamlib.language import language
    >>> with language("fr"):
    ...     timeline_table(t)["kind"].tolist()
    ['achat']
    """
    kinds = _timeline_kinds()
    return timeline.assign(kind=timeline["kind"].map(lambda kind: kinds.get(kind, kind)))

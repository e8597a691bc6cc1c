"""Big deals in words: the pipeline weighted by stage and the largest open deal.

The numbers come from :mod:`kamlib.portfolio.deals`.

Examples
--------
>>> pipeline_sentence(pd.Series({"open_deals": pd.NA}))
'Deals not known (no opportunities table).'
"""

from __future__ import annotations

import pandas as pd

from kamlib.language import gettext as _
from kamlib.language import ngettext, pgettext
from kamlib.words.labels import semicolon
from kamlib.words.numbers import date_text, money, percent

__all__ = ["pipeline_sentence", "plan_pipeline_sentence"]


def _stage_text(stage: object) -> str:
    """A deal stage (``opportunities.stage``: lead, qualified, proposal, negotiation) in words."""
    words = {
        "lead": pgettext("deal stage", "lead"),
        "qualified": pgettext("deal stage", "qualified"),
        "proposal": pgettext("deal stage", "proposal"),
        "negotiation": pgettext("deal stage", "negotiation"),
        "won": pgettext("deal stage", "won"),
        "lost": pgettext("deal stage", "lost"),
    }
    return words.get(str(stage).strip().lower(), str(stage))


def pipeline_sentence(pipeline: pd.Series) -> str:
    """Open deals, their value weighted by stage, and the largest one with its race.

    Parameters
    ----------
    pipeline : Series
        The client's row of :func:`kamlib.portfolio.deals.deal_pipeline`.

    Examples
    --------
    >>> p = pd.Series({"open_deals": 3, "open_value": 2465000.0, "weighted_value": 1474250.0,
    ...     "largest_value": 1800000.0, "largest_title": "New assembly plant",
    ...     "largest_stage": "negotiation", "largest_close": pd.Timestamp("2026-03-31"),
    ...     "largest_competitors": "Kronberg Industrial GmbH; NordSupply AG",
    ...     "largest_criteria": "total cost of ownership; delivery reliability",
    ...     "large_deal": True})
    >>> print(pipeline_sentence(p))  # doctest: +NORMALIZE_WHITESPACE
    3 open deals worth 2,465,000, 1,474,250 weighted by stage. The largest, New assembly plant
    (1,800,000, negotiation, expected 2026-03-31), is a large deal for this client; against
    Kronberg Industrial GmbH; NordSupply AG; the client decides on total cost of ownership;
    delivery reliability.
    """
    n = pipeline.get("open_deals")
    if n is None or pd.isna(n):
        return _("Deals not known (no opportunities table).")
    n = int(n)
    if n == 0:
        return _("No open deal.")
    text = ngettext(
        "{n} open deal worth {value}, {weighted} weighted by stage.",
        "{n} open deals worth {value}, {weighted} weighted by stage.",
        n,
    ).format(n=n, value=money(pipeline["open_value"]), weighted=money(pipeline["weighted_value"]))
    title = pipeline.get("largest_title")
    title = title if isinstance(title, str) and title else _("untitled")
    close = pipeline.get("largest_close")
    details = [money(pipeline["largest_value"]), _stage_text(pipeline.get("largest_stage"))]
    if close is not None and not pd.isna(close):
        details.append(_("expected {date}").format(date=date_text(close)))
    if n > 1:
        largest = _("The largest, {title} ({details})")
    else:
        largest = _("The deal, {title} ({details})")
    text += " " + largest.format(title=title, details=", ".join(details))
    large = pipeline.get("large_deal")
    if large is not None and not pd.isna(large) and bool(large):
        text += ", " + _("is a large deal for this client")
    rivals = pipeline.get("largest_competitors")
    if isinstance(rivals, str) and rivals:
        text += semicolon() + _("against {competitors}").format(competitors=rivals)
    criteria = pipeline.get("largest_criteria")
    if isinstance(criteria, str) and criteria:
        text += semicolon() + _("the client decides on {criteria}").format(criteria=criteria)
    return text + "."


def plan_pipeline_sentence(pipeline: pd.Series, *, plan_year: int, deals: bool = True) -> str:
    """The open deals weighted by stage, and the part due in the plan year against its target.

    Parameters
    ----------
    pipeline : Series
        :func:`kamlib.account.plan.plan_pipeline` (``DevelopmentPlan.pipeline``).
    plan_year : int
        The plan year, for the words.
    deals : bool, default True
        False after :func:`pipeline_sentence`, which has said how many deals are open and
        what they weigh: only the plan year's part follows ("" when there is no open deal or
        the deals are not known).

    Examples
    --------
    >>> p = pd.Series({"open_deals": 3.0, "open_value": 2465000.0, "weighted_value": 1474250.0,
    ...     "in_year_deals": 3.0, "weighted_in_year": 1474250.0, "target": 4796900.0,
    ...     "share_of_target": 0.3073})
    >>> print(plan_pipeline_sentence(p, plan_year=2026))  # doctest: +NORMALIZE_WHITESPACE
    3 open deals worth 2,465,000, 1,474,250 weighted by the probability of their stage. All of
    them are expected to close in 2026. Weighted, the deals closing in 2026 bring 1,474,250:
    30.7 % of the 2026 target of 4,796,900.
    >>> print(plan_pipeline_sentence(p, plan_year=2026, deals=False))
    ... # doctest: +NORMALIZE_WHITESPACE
    All of them are expected to close in 2026. Weighted, the deals closing in 2026 bring
    1,474,250: 30.7 % of the 2026 target of 4,796,900.
    >>> plan_pipeline_sentence(pd.Series({"open_deals": float("nan")}), plan_year=2026)
    'The pipeline is not known (no opportunities table).'
    """
    n = pipeline.get("open_deals")
    if (n is None or pd.isna(n) or int(n) == 0) and not deals:
        return ""
    if n is None or pd.isna(n):
        return _("The pipeline is not known (no opportunities table).")
    n = int(n)
    if n == 0:
        return _("No open deal: nothing in the pipeline towards the {year} target.").format(
            year=plan_year
        )
    text = ngettext(
        "{n} open deal worth {value}, {weighted} weighted by the probability of its stage.",
        "{n} open deals worth {value}, {weighted} weighted by the probability of their stage.",
        n,
    ).format(n=n, value=money(pipeline["open_value"]), weighted=money(pipeline["weighted_value"]))
    m = int(pipeline.get("in_year_deals") or 0)
    if m == 0:
        when = ngettext(
            "It is not expected to close in {year}.",
            "None of them is expected to close in {year}.",
            n,
        )
    elif m == n:
        when = ngettext(
            "It is expected to close in {year}.", "All of them are expected to close in {year}.", n
        )
    else:
        when = ngettext(
            "{m} of them is expected to close in {year}.",
            "{m} of them are expected to close in {year}.",
            m,
        )
    parts = (
        [text, when.format(m=m, year=plan_year)] if deals else [when.format(m=m, year=plan_year)]
    )
    if m and pd.isna(pipeline.get("share_of_target")):
        parts.append(
            _(
                "Weighted, the deals closing in {year} bring {weighted}; there is no target "
                "above zero to compare with."
            ).format(year=plan_year, weighted=money(pipeline["weighted_in_year"]))
        )
    elif m:
        parts.append(
            _(
                "Weighted, the deals closing in {year} bring {weighted}: {share} of the {year} "
                "target of {target}."
            ).format(
                year=plan_year,
                weighted=money(pipeline["weighted_in_year"]),
                share=percent(pipeline["share_of_target"]),
                target=money(pipeline["target"]),
            )
        )
    return " ".join(parts)

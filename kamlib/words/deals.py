"""Big deals in words: the pipeline weighted by stage and the largest open deal.

The numbers come from :mod:`kamlib.portfolio.deals`.

Examples
--------
>>> pipeline_sentence(pd.Series({"open_deals": pd.NA}))
'Deals not known (no opportunities table).'
"""

from __future__ import annotations

import pandas as pd

from kamlib.words.numbers import money

__all__ = ["pipeline_sentence"]


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
        return "Deals not known (no opportunities table)."
    n = int(n)
    if n == 0:
        return "No open deal."
    text = (
        f"{n} open deal{'s' * (n != 1)} worth {money(pipeline['open_value'])}, "
        f"{money(pipeline['weighted_value'])} weighted by stage."
    )
    title = pipeline.get("largest_title")
    title = title if isinstance(title, str) and title else "untitled"
    close = pipeline.get("largest_close")
    when = "" if close is None or pd.isna(close) else f", expected {close:%Y-%m-%d}"
    text += (
        f" The {'largest' if n > 1 else 'deal'}, {title} ({money(pipeline['largest_value'])}, "
        f"{pipeline.get('largest_stage')}{when})"
    )
    large = pipeline.get("large_deal")
    if large is not None and not pd.isna(large) and bool(large):
        text += ", is a large deal for this client"
    rivals = pipeline.get("largest_competitors")
    if isinstance(rivals, str) and rivals:
        text += f"; against {rivals}"
    criteria = pipeline.get("largest_criteria")
    if isinstance(criteria, str) and criteria:
        text += f"; the client decides on {criteria}"
    return text + "."

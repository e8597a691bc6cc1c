"""Big deals per client: open opportunities by stage, the pipeline weighted by stage probability.

Big deals go through decision stages, with decision criteria weighed against competitors. These
measures read the optional ``opportunities`` table (data/README.md). Method (docs/methods.md,
"Big deals"):

- **Weighted value** of an open deal: its ``value`` x the probability of its stage,
  :data:`STAGE_PROBABILITY` by default: lead 10 %, qualified 25 %, proposal 50 %, negotiation
  75 % (the usual funnel of a B2B sales process; pass your own from your win rates). ``won``
  and ``lost`` deals are decided and left out of the pipeline.
- **Overdue**: open with an expected close before ``as_of`` (the date needs updating).
- **Large deal**: an open deal worth at least `large_share` (default 25 %) of the client's
  revenue of the last 12 months, or at least `large_value` when given.

A stage the probabilities do not know is an error naming it (pass ``probabilities``), never a
silent 0. A missing table is *not known*: NaN, never an empty pipeline.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from kamlib.errors import ArgumentError
from kamlib.schema import empty_frame, is_missing, require_columns
from kamlib.window import analysis_date

__all__ = ["STAGE_PROBABILITY", "CLOSED_STAGES", "open_deals", "deal_pipeline"]

STAGE_PROBABILITY: dict[str, float] = {
    "lead": 0.10,
    "qualified": 0.25,
    "proposal": 0.50,
    "negotiation": 0.75,
    "won": 1.0,
    "lost": 0.0,
}
"""Default probability of closing per stage (documented in docs/methods.md)."""

CLOSED_STAGES = ("won", "lost")
"""Stages of decided deals."""


def _probabilities(probabilities: Mapping[str, float] | None) -> dict[str, float]:
    probs = dict(STAGE_PROBABILITY if probabilities is None else probabilities)
    probs = {str(k).strip().lower(): v for k, v in probs.items()}
    for stage, p in probs.items():
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
            raise ArgumentError(f"probability of stage {stage!r} must be in 0..1, got {p!r}")
    return probs


def open_deals(
    opportunities: pd.DataFrame | None,
    *,
    as_of: object,
    probabilities: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Every open deal with its stage probability, weighted value and whether it is overdue.

    Parameters
    ----------
    opportunities : DataFrame or None
        Canonical opportunities (``opportunity_id``, ``account_id``, ``stage``; ``value``,
        ``expected_close``, ``title``, ``decision_criteria``, ``competitors`` when known).
    as_of : date-like
        The analysis date.
    probabilities : mapping, optional
        Stage -> probability (case-insensitive); default :data:`STAGE_PROBABILITY`.

    Returns
    -------
    DataFrame
        The open deals (stage not won or lost), largest value first, with the table's columns
        plus ``probability``, ``weighted`` (value x probability), ``days_to_close`` and
        ``overdue``. Empty (with those columns) when the table is missing.

    Raises
    ------
    ArgumentError
        A stage that `probabilities` does not know.

    Examples
    --------
    >>> o = pd.DataFrame({"opportunity_id": ["O1", "O2", "O3"], "account_id": ["A", "A", "B"],
    ...     "stage": ["Proposal", "won", "lead"], "value": [100_000.0, 50_000.0, 20_000.0],
    ...     "expected_close": pd.to_datetime(["2026-03-31", "2025-05-01", "2025-11-30"])})
    >>> open_deals(o, as_of="2025-12-31")[["opportunity_id", "weighted", "overdue"]]
    ... # doctest: +NORMALIZE_WHITESPACE
      opportunity_id  weighted  overdue
    0             O1   50000.0    False
    1             O3    2000.0     True
    """
    as_of = analysis_date(None, as_of)
    probs = _probabilities(probabilities)
    extra = {
        "probability": "float64",
        "weighted": "float64",
        "days_to_close": "float64",
        "overdue": "bool",
    }
    if is_missing(opportunities):
        base = empty_frame("opportunities")
        return base.assign(**{c: pd.Series(dtype=t) for c, t in extra.items()})
    require_columns(opportunities, ["opportunity_id", "account_id", "stage"], "opportunities")
    o = opportunities.reset_index(drop=True)
    stage = o["stage"].astype("str").str.strip().str.lower()
    unknown = sorted(set(stage[~stage.isin(list(probs))]))
    if unknown:
        raise ArgumentError(
            f"stage(s) {', '.join(repr(s) for s in unknown)} have no probability; pass "
            f"probabilities={{...}} with every stage (default: {', '.join(STAGE_PROBABILITY)})"
        )
    o = o[~stage.isin(CLOSED_STAGES)].copy()
    stage = stage[o.index]
    value = o["value"] if "value" in o else pd.Series(np.nan, index=o.index)
    close = o["expected_close"] if "expected_close" in o else pd.Series(pd.NaT, index=o.index)
    o["probability"] = stage.map(probs).astype("float64")
    o["weighted"] = value.astype("float64") * o["probability"]
    o["days_to_close"] = (pd.to_datetime(close) - as_of).dt.days.astype("float64")
    o["overdue"] = (o["days_to_close"] < 0).to_numpy()
    o = o.sort_values(["value", "opportunity_id"], ascending=[False, True], kind="stable")
    return o.reset_index(drop=True)


def deal_pipeline(
    opportunities: pd.DataFrame | None,
    *,
    as_of: object,
    accounts: pd.Index | list[str] | None = None,
    revenue: pd.Series | None = None,
    probabilities: Mapping[str, float] | None = None,
    large_share: float = 0.25,
    large_value: float | None = None,
) -> pd.DataFrame:
    """The pipeline per client: open deals, their value weighted by stage, the largest deal.

    Parameters
    ----------
    opportunities, as_of, probabilities
        As in :func:`open_deals`.
    accounts : index or list of str, optional
        Clients to report on; default every client with an opportunity.
    revenue : Series, optional
        Each client's revenue of the last 12 months (index ``account_id``), for the large-deal
        rule relative to the client.
    large_share : float, default 0.25
        An open deal worth at least this share of the client's revenue is large.
    large_value : float, optional
        An open deal worth at least this much is large, whatever the client's revenue.

    Returns
    -------
    DataFrame
        Index ``account_id``; ``open_deals`` (count), ``open_value``, ``weighted_value``,
        ``largest_value``, ``largest_title``, ``largest_stage``, ``largest_close``,
        ``largest_competitors``, ``largest_criteria``, ``large_deal`` (bool),
        ``overdue_deals`` (count), ``won_value`` and ``lost_value`` (decided deals with an
        expected close in the 12 months to `as_of`). NA everywhere when the table is missing;
        0 when it exists and the client has none.

    Examples
    --------
    >>> o = pd.DataFrame({"opportunity_id": ["O1", "O2"], "account_id": ["A", "A"],
    ...     "stage": ["negotiation", "lead"], "value": [400_000.0, 100_000.0],
    ...     "expected_close": pd.to_datetime(["2026-03-31", "2026-06-30"])})
    >>> p = deal_pipeline(o, as_of="2025-12-31", revenue=pd.Series({"A": 1_000_000.0}))
    >>> p.loc["A", ["open_deals", "weighted_value", "largest_value"]].astype(float).tolist()
    [2.0, 310000.0, 400000.0]
    >>> bool(p.loc["A", "large_deal"])
    True
    """
    if not 0 < large_share:
        raise ArgumentError(f"`large_share` must be > 0, got {large_share!r}")
    as_of = analysis_date(None, as_of)
    missing = is_missing(opportunities)
    deals = open_deals(opportunities, as_of=as_of, probabilities=probabilities)
    if accounts is not None:
        ids = [str(a) for a in accounts]
    elif missing:
        ids = []
    else:
        ids = sorted(opportunities["account_id"].dropna().astype(str).unique())
    index = pd.Index(ids, name="account_id", dtype="str")
    g = deals["account_id"]
    out = pd.DataFrame(index=index)
    fill = (lambda s: s) if missing else (lambda s: s.fillna(0))
    out["open_deals"] = fill(g.value_counts().reindex(index)).astype("Int64")
    out["open_value"] = fill(deals.groupby(g)["value"].sum().reindex(index)).astype("float64")
    out["weighted_value"] = fill(deals.groupby(g)["weighted"].sum().reindex(index)).astype(
        "float64"
    )
    top = deals.drop_duplicates("account_id").set_index("account_id").reindex(index)
    out["largest_value"] = top["value"].astype("float64")
    for name, col in (
        ("largest_title", "title"),
        ("largest_stage", "stage"),
        ("largest_competitors", "competitors"),
        ("largest_criteria", "decision_criteria"),
    ):
        out[name] = top[col].astype("str") if col in top else pd.Series(pd.NA, index=index)
    out["largest_close"] = top["expected_close"].astype("datetime64[us]")
    rev = (
        pd.Series(np.nan, index=index)
        if revenue is None
        else revenue.reindex(index).astype("float64")
    )
    large = out["largest_value"] >= large_share * rev.where(rev > 0)
    if large_value is not None:
        large = large | (out["largest_value"] >= large_value)
    out["large_deal"] = large.astype("boolean").where(~out["open_deals"].isna(), pd.NA)
    out["overdue_deals"] = fill(deals[deals["overdue"]]["account_id"].value_counts().reindex(index))
    out["overdue_deals"] = out["overdue_deals"].astype("Int64")
    for stage in CLOSED_STAGES:
        if missing:
            out[f"{stage}_value"] = np.nan
            continue
        o = opportunities
        st = o["stage"].astype("str").str.strip().str.lower()
        close = pd.to_datetime(o["expected_close"]) if "expected_close" in o else pd.NaT
        recent = (close <= as_of) & (close > as_of - pd.DateOffset(months=12))
        part = o[(st == stage) & recent]
        out[f"{stage}_value"] = part.groupby("account_id")["value"].sum().reindex(index).fillna(0.0)
    return out

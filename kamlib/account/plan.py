"""The strategic development plan of one account, and the cross-sell candidates it lists.

Method (docs/methods.md, "Annual meeting and development plan"): the baseline, the next-year
targets, their seasonal stages and the plan against actual (:mod:`kamlib.account.targets`), the
contact plan and its budget (:mod:`kamlib.account.contacts`), and:

- **Cross-sell**: products that similar clients buy (positive revenue in the last `months`
  months) and this one does not. Similar means the same ``industry`` (accounts table) or the
  same class from ``classes`` (e.g. the ABC class or ABC-XYZ cell of each account). Estimated
  value = penetration (share of active similar clients buying the product) x median annual
  revenue of the product among those buying it. Only products the account did not buy
  (no positive revenue) in the window are candidates; the list is cut, best first, where the
  total would exceed the account's **room**: potential budget - revenue of the window when the
  potential budget is known and above that revenue, else `cap_share` (10 %) of that revenue.
- **Target**: the one plan-year target of :func:`kamlib.account.targets.plan_target` (the
  targets table's total, else the last 12 months' revenue x (1 + growth)), spread over the
  products by :func:`kamlib.account.targets.spread_target`, so the plan's total is the same
  figure as the brief's and the summary's.
- **Pipeline**: the account's open deals (:func:`kamlib.portfolio.deals.open_deals`, value x
  the probability of the stage) and, of their weighted value, the part expected to close in
  the plan year against the plan-year target (:func:`plan_pipeline`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kamlib.account.contacts import DEFAULT_CLASS, contact_budget, contact_plan
from kamlib.account.messages import missing_table
from kamlib.account.targets import (
    baseline,
    next_year_targets,
    plan_target,
    plan_vs_actual,
    plan_year_of,
    seasonality,
    spread_target,
    stage_targets,
)
from kamlib.errors import ArgumentError
from kamlib.language import gettext as _
from kamlib.portfolio.deals import open_deals
from kamlib.schema import empty_frame, is_missing
from kamlib.schema import require_columns as _require
from kamlib.window import analysis_date, renamed_months

__all__ = [
    "DevelopmentPlan",
    "cross_sell",
    "development_plan",
    "plan_pipeline",
    "product_purchases",
]


def product_purchases(
    transactions: pd.DataFrame, *, as_of: object = None, months: int = 12
) -> pd.DataFrame:
    """Revenue of every account and product over the `months` months to `as_of`, where positive.

    What :func:`cross_sell` compares a client with: the purchases of all clients, computed once
    for a whole portfolio (the run cache's :class:`kamlib.run.cache.Portfolio` keeps it), so
    that one account's report needs only its own lines.

    Parameters
    ----------
    transactions : DataFrame
        Canonical transactions of the portfolio (with ``product_id``).
    as_of : date-like, optional
        End of the window (inclusive); default the last date in `transactions`.
    months : int, default 12
        Length of the window: lines after `as_of` - `months` months and up to `as_of` count.

    Returns
    -------
    DataFrame
        ``account_id``, ``product_id``, ``revenue`` (the sum, only where above 0), sorted by
        account and product; ``attrs["as_of"]`` and ``attrs["months"]`` name the window.

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A", "A", "B"], "product_id": ["p1", "p1", "p2"],
    ...     "revenue": [10.0, 5.0, -3.0], "date": pd.to_datetime(["2025-05-01"] * 3)})
    >>> product_purchases(tx)
      account_id product_id  revenue
    0          A         p1     15.0
    """
    _require(transactions, ["account_id", "date", "revenue", "product_id"], "transactions")
    as_of = analysis_date(transactions, as_of)
    start = as_of - pd.DateOffset(months=months)
    tx = transactions[(transactions["date"] > start) & (transactions["date"] <= as_of)]
    bought = tx.groupby(["account_id", "product_id"])["revenue"].sum()
    bought = bought[bought > 0].reset_index()
    bought.attrs.update(as_of=as_of, months=months)
    return bought


def cross_sell(
    account_id: str,
    *,
    transactions: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
    similar_by: str = "industry",
    classes: pd.Series | Mapping[str, str] | None = None,
    as_of: object = None,
    months: int = 12,
    window_months: int | None = None,
    min_peers_buying: int = 3,
    cap_share: float = 0.10,
    purchases: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Products that similar clients buy and this account does not, with an estimated value.

    Parameters
    ----------
    account_id : str
        The account.
    transactions : DataFrame
        Canonical transactions of the portfolio (with ``product_id``).
    accounts : DataFrame, optional
        Canonical accounts; needed for ``similar_by="industry"``.
    products : DataFrame, optional
        Canonical products, for ``name`` and ``category`` in the result.
    similar_by : {"industry", "class"}, default "industry"
        Similar clients share the account's industry, or its label in `classes`.
    classes : Series or mapping, optional
        Class of each account (index: account id), e.g. the ABC class or ABC-XYZ cell from
        :func:`kamlib.portfolio.abcxyz.abc_xyz`; needed for ``similar_by="class"``.
    as_of : date-like, optional
        End of the window (inclusive); default the last date in `transactions`.
    months : int, default 12
        Purchases in this window count as "buys".
    window_months : int, optional
        Deprecated spelling of `months` (warns).
    min_peers_buying : int, default 3
        Products bought by fewer similar clients are left out: with one or two buyers the
        "median peer revenue" would disclose another client's purchases in a report that may be
        shown to this client.
    cap_share : float, default 0.10
        Without a usable potential budget (unknown, or not above the account's revenue in the
        window), the candidates' total is capped at this share of that revenue.
    purchases : DataFrame, optional
        The portfolio's :func:`product_purchases` over the same window (`as_of`, `months`),
        computed once for many accounts; then `transactions` need only hold this account's
        lines (the result is the same). Default: computed from `transactions`.

    Returns
    -------
    DataFrame
        One row per candidate product, highest ``estimated_value`` first, the list cut where
        the total would exceed the room (``attrs["room"]``, with ``attrs["room_basis"]``
        ``"potential budget"`` or ``"cap"``): ``product_id``,
        ``name``, ``category``, ``peers`` (similar clients active in the window),
        ``peers_buying``, ``penetration`` (= peers_buying / peers), ``median_peer_revenue``
        (among those buying), ``estimated_value`` (= penetration x median_peer_revenue).
        Empty when the account has no industry/class or no similar client is active.

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A", "B", "B", "C"],
    ...     "product_id": ["p1", "p1", "p2", "p2"], "revenue": [10.0, 10.0, 40.0, 60.0],
    ...     "date": pd.to_datetime(["2025-05-01"] * 4)})
    >>> acc = pd.DataFrame({"account_id": ["A", "B", "C"], "industry": ["Food"] * 3})
    >>> cross_sell("A", transactions=tx, accounts=acc, min_peers_buying=2, cap_share=10.0)[
    ...     ["product_id", "peers", "peers_buying", "median_peer_revenue", "estimated_value"]]
      product_id  peers  peers_buying  median_peer_revenue  estimated_value
    0         p2      2             2                 50.0             50.0
    """
    months = renamed_months(months, window_months, "cross_sell")
    if not np.isfinite(cap_share) or cap_share < 0:
        raise ArgumentError(f"`cap_share` must be 0 or more, got {cap_share!r}")
    columns = [
        "product_id",
        "name",
        "category",
        "peers",
        "peers_buying",
        "penetration",
        "median_peer_revenue",
        "estimated_value",
    ]
    empty = pd.DataFrame(
        {c: pd.Series(dtype="str" if c in columns[:3] else "float64") for c in columns}
    )
    empty = empty.astype({"peers": "int64", "peers_buying": "int64"})
    _require(transactions, ["account_id", "date", "revenue", "product_id"], "transactions")
    if similar_by == "industry":
        if is_missing(accounts) or "industry" not in accounts.columns:
            return empty
        labels = accounts.drop_duplicates("account_id").set_index("account_id")["industry"]
    elif similar_by == "class":
        if classes is None:
            raise ArgumentError("`classes` is required when `similar_by` is 'class'")
        labels = pd.Series(classes, dtype="str")
    else:
        raise ArgumentError(f"`similar_by` must be 'industry' or 'class', got {similar_by!r}")
    own = labels.get(account_id, np.nan)
    if pd.isna(own):
        return empty
    peer_ids = labels.index[(labels == own) & (labels.index != account_id)]
    as_of = analysis_date(transactions, as_of)
    start = as_of - pd.DateOffset(months=months)
    tx = transactions[(transactions["date"] > start) & (transactions["date"] <= as_of)]
    if purchases is None:
        bought = product_purchases(transactions, as_of=as_of, months=months)
    elif (purchases.attrs.get("as_of"), purchases.attrs.get("months")) != (as_of, months):
        raise ArgumentError(
            f"`purchases` covers {purchases.attrs.get('months')!r} months to "
            f"{purchases.attrs.get('as_of')!r}, not {months} months to {as_of.date()}: "
            "compute it with product_purchases(transactions, as_of=as_of, months=months)"
        )
    else:
        bought = purchases
    own_products = set(bought.loc[bought["account_id"] == account_id, "product_id"])
    peers = bought[bought["account_id"].isin(peer_ids)]
    n_peers = peers["account_id"].nunique()
    candidates = peers[~peers["product_id"].isin(own_products)]
    if n_peers == 0 or candidates.empty:
        return empty
    out = candidates.groupby("product_id").agg(
        peers_buying=("account_id", "nunique"), median_peer_revenue=("revenue", "median")
    )
    out = out[out["peers_buying"] >= min_peers_buying]
    out.insert(0, "peers", n_peers)
    out["penetration"] = out["peers_buying"] / n_peers
    out["estimated_value"] = out["penetration"] * out["median_peer_revenue"]
    out = out.reset_index()
    if not is_missing(products):
        info = products.drop_duplicates("product_id").set_index("product_id")
        for column in ("name", "category"):
            out[column] = out["product_id"].map(info[column]) if column in info else np.nan
    out = out.reindex(columns=columns).astype({c: "str" for c in columns[:3]})
    out = out.sort_values(
        ["estimated_value", "product_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    revenue = float(tx.loc[tx["account_id"] == account_id, "revenue"].sum())
    potential = np.nan
    if not is_missing(accounts) and "potential_budget" in accounts.columns:
        rows = accounts.loc[accounts["account_id"] == account_id, "potential_budget"]
        potential = pd.to_numeric(rows, errors="coerce").max() if len(rows) else np.nan
    if np.isfinite(potential) and potential > revenue:
        room, basis = potential - revenue, "potential budget"
    else:
        room, basis = cap_share * max(revenue, 0.0), "cap"
    out = out[out["estimated_value"].cumsum() <= room + 1e-9].reset_index(drop=True)
    out.attrs.update(room=room, room_basis=basis)
    return out


PIPELINE_FIELDS = (
    "open_deals",
    "open_value",
    "weighted_value",
    "in_year_deals",
    "weighted_in_year",
    "target",
    "share_of_target",
)
"""The figures of :func:`plan_pipeline`, in order."""


def plan_pipeline(
    deals: pd.DataFrame | None, *, target: float, plan_year: int, known: bool = True
) -> pd.Series:
    """The weighted pipeline of one account against its plan-year target.

    Parameters
    ----------
    deals : DataFrame or None
        The account's open deals (:func:`kamlib.portfolio.deals.open_deals`: ``value``,
        ``weighted``, ``expected_close``); None when there is no opportunities table (not
        known).
    target : float
        The plan-year revenue target (:func:`kamlib.account.targets.plan_target`).
    plan_year : int
        The plan year.
    known : bool, default True
        False when the workspace has no opportunities table (``"opportunities" in
        BeyondSales.missing``): not known, whatever `deals` holds.

    Returns
    -------
    Series
        :data:`PIPELINE_FIELDS`: ``open_deals`` (count), ``open_value``, ``weighted_value``
        (value x the probability of the stage), ``in_year_deals`` and ``weighted_in_year``
        (the deals expected to close in `plan_year`), ``target`` and ``share_of_target``
        (weighted_in_year / target; NaN when the target is not above 0). All NaN when
        `deals` is None or `known` is False.

    Examples
    --------
    >>> d = pd.DataFrame({"value": [1_800_000.0, 400_000.0], "weighted": [1_350_000.0, 40_000.0],
    ...     "expected_close": pd.to_datetime(["2026-03-31", "2027-02-28"])})
    >>> p = plan_pipeline(d, target=5_000_000.0, plan_year=2026)
    >>> p[["open_deals", "weighted_value", "weighted_in_year", "share_of_target"]].tolist()
    [2.0, 1390000.0, 1350000.0, 0.27]
    """
    if deals is None or not known:
        return pd.Series(np.nan, index=list(PIPELINE_FIELDS), dtype="float64")
    close = pd.to_datetime(deals["expected_close"]) if "expected_close" in deals else None
    in_year = (
        close.dt.year.eq(int(plan_year)).to_numpy()
        if close is not None
        else np.zeros(len(deals), dtype=bool)
    )
    weighted = deals["weighted"].astype("float64")
    target = float(target) if target is not None else np.nan
    in_year_value = float(weighted[in_year].sum())
    return pd.Series(
        {
            "open_deals": float(len(deals)),
            "open_value": float(deals["value"].astype("float64").sum()),
            "weighted_value": float(weighted.sum()),
            "in_year_deals": float(in_year.sum()),
            "weighted_in_year": in_year_value,
            "target": target,
            "share_of_target": in_year_value / target if target > 0 else np.nan,
        },
        dtype="float64",
    )


@dataclass(frozen=True)
class DevelopmentPlan:
    """The development plan of one account (see :func:`development_plan`).

    ``stages`` is the canonical targets table of the plan year (export it with
    :func:`kamlib.report.spreadsheet.export_targets`); ``deals`` the account's open deals
    (:func:`kamlib.portfolio.deals.open_deals`, empty when not known) and ``pipeline`` their
    weighted value against the target (:func:`plan_pipeline`, NaN when there is no
    opportunities table); ``messages`` says which parts were skipped and why;
    ``parameters`` lists every threshold used.
    """

    account_id: str
    plan_year: int
    as_of: pd.Timestamp
    baseline: pd.DataFrame
    targets: pd.DataFrame
    seasonality: pd.DataFrame
    stages: pd.DataFrame
    cross_sell: pd.DataFrame
    contacts: pd.DataFrame
    budget: pd.DataFrame
    plan_vs_actual: pd.DataFrame
    messages: tuple[str, ...] = ()
    parameters: dict[str, object] = field(default_factory=dict)
    target: float = float("nan")
    target_source: str = ""
    deals: pd.DataFrame | None = None
    pipeline: pd.Series | None = None


def development_plan(
    account_id: str,
    *,
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    accounts: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    plan_year: int | None = None,
    as_of: object = None,
    by: str = "product_id",
    growth: float | Mapping[str, float] | None = None,
    growth_bounds: tuple[float, float] = (-0.5, 0.5),
    freq: str = "Q",
    seasonality_years: int = 2,
    similar_by: str = "industry",
    classes: pd.Series | Mapping[str, str] | None = None,
    min_peers_buying: int = 3,
    cell: str | None = None,
    key_types: Iterable[str] = (),
    cadence: Mapping[str, int] | None = None,
    contact_costs: Mapping[str, float] | None = None,
    holidays: Iterable[object] = (),
    meetings: pd.DataFrame | None = None,
    opportunities: pd.DataFrame | None = None,
    probabilities: Mapping[str, float] | None = None,
    purchases: pd.DataFrame | None = None,
) -> DevelopmentPlan:
    """Assemble the development plan of one account.

    Parameters are those of :func:`baseline`, :func:`next_year_targets`, :func:`stage_targets`,
    :func:`cross_sell` and :func:`contact_plan`. `targets` is the recorded targets table (the
    plan target when it has the account and plan year; plan vs actual for every year it has
    for this account); optional tables that are missing or empty skip their part with a
    message. The product targets are the plan target (:func:`plan_target`, with `growth` when
    one rate is given) spread over the products by :func:`spread_target`, so they add up to
    ``target``; `growth` given per product keeps :func:`next_year_targets` instead.
    `opportunities` (with the stage `probabilities` of :func:`kamlib.portfolio.deals.open_deals`)
    gives the open deals and the weighted pipeline against the target (:func:`plan_pipeline`);
    without it the pipeline is not known. `purchases` (the portfolio's
    :func:`product_purchases` over the 12 months to `as_of`) lets `transactions` hold this
    account's lines only, with the same plan.

    Returns
    -------
    DevelopmentPlan

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A", "A"], "product_id": ["p1", "p1"],
    ...     "quantity": [10.0, 11.0], "revenue": [100.0, 110.0],
    ...     "date": pd.to_datetime(["2024-03-01", "2025-03-01"])})
    >>> p = development_plan("A", transactions=tx, as_of="2025-12-31", cell="CX")
    >>> p.plan_year, p.target, p.target_source, p.targets["revenue_target"].round(2).tolist()
    (2026, 110.0, 'computed', [110.0])
    >>> p.budget["budget"].tolist()[-1]
    500.0
    >>> p.messages[:2]
    ('no products table: categories unknown', 'no accounts table: cross-sell by industry skipped')
    """
    as_of_ts = analysis_date(transactions, as_of)
    year = int(plan_year) if plan_year is not None else plan_year_of(as_of_ts)
    messages: list[str] = []
    if is_missing(products):
        messages.append(missing_table("products", _("categories unknown")))
    base = baseline(account_id, transactions=transactions, products=products, by=by, as_of=as_of_ts)
    target, source = plan_target(
        account_id,
        transactions=transactions,
        targets=targets,
        year=year,
        as_of=as_of_ts,
        growth=0.0 if growth is None or isinstance(growth, Mapping) else float(growth),
    )
    if isinstance(growth, Mapping):
        goals = next_year_targets(
            account_id,
            transactions=transactions,
            products=products,
            plan_year=year,
            as_of=as_of_ts,
            growth=growth,
            by=by,
            growth_bounds=growth_bounds,
        )
        messages.append(_("growth given per product: the lines need not add up to the target"))
    else:
        goals = spread_target(
            account_id,
            transactions=transactions,
            products=products,
            target=target,
            year=year,
            as_of=as_of_ts,
            by=by,
        )
    profile = seasonality(
        account_id, transactions=transactions, freq=freq, as_of=as_of_ts, years=seasonality_years
    )
    stages = stage_targets(
        goals, transactions=transactions, freq=freq, as_of=as_of_ts, years=seasonality_years
    )
    if similar_by == "industry" and (is_missing(accounts) or "industry" not in accounts.columns):
        messages.append(missing_table("accounts", _("cross-sell by industry skipped")))
    elif similar_by == "class" and classes is None:
        messages.append(_("no classes given: cross-sell by class skipped"))
    if similar_by == "class" and classes is None:
        sell = cross_sell(
            account_id, transactions=transactions.iloc[:0], accounts=None, similar_by="industry"
        )
    else:
        sell = cross_sell(
            account_id,
            transactions=transactions,
            accounts=accounts,
            products=products,
            similar_by=similar_by,
            classes=classes,
            as_of=as_of_ts,
            min_peers_buying=min_peers_buying,
            purchases=purchases,
        )
    if cell is None:
        text = _("no ABC-XYZ cell given: contact plan uses class {abc}'s cadence")
        messages.append(text.format(abc=DEFAULT_CLASS))
    contacts = contact_plan(
        year=year,
        cell=cell,
        key_types=key_types,
        cadence=cadence,
        costs=contact_costs,
        account_id=account_id,
        holidays=holidays,
        meetings=meetings,
    )
    if is_missing(targets):
        messages.append(missing_table("targets", _("plan vs actual skipped")))
        pva = plan_vs_actual(empty_frame("targets"), transactions=transactions, as_of=as_of_ts)
    else:
        own = targets[targets["account_id"] == account_id]
        pva = plan_vs_actual(own, transactions=transactions, products=products, as_of=as_of_ts)
    deals_known = not is_missing(opportunities)
    deals = open_deals(opportunities, as_of=as_of_ts, probabilities=probabilities)
    deals = deals[deals["account_id"] == account_id].reset_index(drop=True)
    pipeline = plan_pipeline(deals if deals_known else None, target=target, plan_year=year)
    parameters = {
        "as_of": as_of_ts.date().isoformat(),
        "plan_year": year,
        "by": by,
        "growth_bounds": tuple(growth_bounds),
        "freq": freq,
        "seasonality_years": seasonality_years,
        "similar_by": similar_by,
        "cell": cell,
        "key_types": tuple(key_types),
    }
    return DevelopmentPlan(
        account_id=account_id,
        plan_year=year,
        as_of=as_of_ts,
        baseline=base,
        targets=goals,
        seasonality=profile,
        stages=stages,
        cross_sell=sell,
        contacts=contacts,
        budget=contact_budget(contacts),
        plan_vs_actual=pva,
        messages=tuple(messages),
        parameters=parameters,
        target=target,
        target_source=source,
        deals=deals,
        pipeline=pipeline,
    )

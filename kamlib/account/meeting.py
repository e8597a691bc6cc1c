"""The annual-meeting brief: the nine parts of the preparation, tenders and the follow-up.

Method (docs/methods.md, "Annual meeting and development plan"); every number comes from the
tables passed in:

1. **Financial report**: revenue, gross profit, margin by year and quarter, product mix, plan
   vs actual where targets exist (:func:`financial_report`).
2. **Previous meeting**: the actions agreed at the last annual meeting (or the last meeting of
   any type) plus actions still open from earlier ones; overdue first
   (:func:`previous_actions`).
3. **Work plan and the client's expectations**: the running plan (targets of the year before
   the plan year) against actual, and the outcomes of the latest meetings.
4. **Our expectations**: the targets of the plan year from the targets table, or computed
   from history by :func:`kamlib.account.plan.next_year_targets` when there are none.
5. **Arguments**: growth, share of wallet, service record (actions done on time, tenders won),
   value delivered (savings against list prices, breadth of supply) (:func:`proposal_arguments`).
6. **Negotiation limits** per product (:func:`negotiation_limits`): price floor = unit cost x
   (1 + ``min_margin``); maximum discount; the lowest price we may offer (the walk-away price)
   = max(floor, current price x (1 - ``max_discount``)); the minimum volume at that price that
   keeps the current contribution (the walk-away volume).
7. **What-if**: for each discount, the volume needed to keep the contribution
   (:func:`what_if`): volume x (p - c) / (p (1 - d) - c).
8. **Decision tools**: :func:`what_if` is what the notebook's widget calls; reports show the
   static table of part 7.
9. **Draft proposal** (:func:`draft_proposal`): per product the target volume, a price that
   the extra volume pays for (the discount that keeps the contribution at the higher volume,
   at most ``max_discount``), never below the floor (prices are rounded up to the cent),
   conditions, an expiry date (meeting date +
   ``validity_days``), and arguments grouped for each audience in the client's
   decision-making unit (executives: status and exclusivity; HR: references; finance and
   technical: numbers).

Also :func:`tender_windows` (preparation starts ``prep_months`` = 9 months before a tender;
listed when the window is open or opens within ``horizon_months`` = 3) and
:func:`follow_up_schedule` (next working day: confirm receipt, ask next steps and urgency,
agree the next call; a reminder before the proposal expires).

Sales windows end at ``as_of`` = the meeting date or the last transaction date, whichever is
earlier; actions and tenders are judged at the meeting date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kamlib.account.dossier import _missing, _rows, dmu_roster, revenue_history, share_of_wallet
from kamlib.account.plan import next_year_targets, plan_vs_actual
from kamlib.errors import ArgumentError, InputError, Problem
from kamlib.schema import columns_of
from kamlib.schema import require_columns as _require

__all__ = [
    "AUDIENCES",
    "ROLE_AUDIENCE",
    "FinancialReport",
    "Proposal",
    "MeetingBrief",
    "financial_report",
    "previous_actions",
    "negotiation_limits",
    "what_if",
    "proposal_arguments",
    "draft_proposal",
    "tender_windows",
    "follow_up_schedule",
    "meeting_brief",
]

AUDIENCES = ("executives", "HR", "finance", "technical")
"""Audiences in the client's decision-making unit that the proposal's arguments address."""

ROLE_AUDIENCE: dict[str, str] = {
    "decision maker": "executives",
    "gatekeeper": "executives",
    "approver": "finance",
    "buyer": "finance",
    "influencer": "technical",
    "user": "technical",
}
"""Audience by DMU role, used when the job title does not name one."""

_TITLE_AUDIENCE = (
    ("HR", r"\bhr\b|human|personnel|people|talent|training"),
    ("finance", r"financ|\bcfo\b|controll|accounting|treasur|purchas|procure|buyer"),
    ("technical", r"techn|engineer|\bcto\b|\bit\b|production|quality|operations|logistic|plant"),
    ("executives", r"\bceo\b|chief|director|owner|managing|president|board|general manager"),
)
_DONE = ("done", "closed", "completed", "complete")
_NEGLIGIBLE_DISCOUNT = 0.0005  # below 0.05 % (cent rounding) a discount is not named
_STATE_ORDER = {"overdue": 0, "open": 1, "done late": 2, "done": 3}


# --- small private helpers ---------------------------------------------------------------------


def _fraction(name: str, value: float, *, upper: float = 1.0) -> float:
    if not 0 <= value < upper:
        raise ArgumentError(f"`{name}` must be between 0 and {upper} (exclusive), got {value!r}")
    return float(value)


def _gross_profit(tx: pd.DataFrame) -> pd.Series:
    if "gross_profit" in tx.columns and "cost" in tx.columns:
        return tx["gross_profit"].fillna(tx["revenue"] - tx["cost"])
    if "gross_profit" in tx.columns:
        return tx["gross_profit"]
    if "cost" in tx.columns:
        return tx["revenue"] - tx["cost"]
    return pd.Series(np.nan, index=tx.index)


def _data_as_of(transactions: pd.DataFrame, meeting_date: pd.Timestamp) -> pd.Timestamp:
    last = transactions["date"].max() if len(transactions) else pd.NaT
    return meeting_date if pd.isna(last) else min(meeting_date, pd.Timestamp(last).normalize())


def _money(value: float) -> str:
    return f"{value:,.0f}" if pd.notna(value) else "unknown"


def _pct_text(value: float) -> str:
    return f"{value:+.1%}" if pd.notna(value) else "unknown"


# --- 1. financial report -----------------------------------------------------------------------


@dataclass(frozen=True)
class FinancialReport:
    """Part 1 of the brief: the account's activity by year and quarter, mix, plan vs actual."""

    by_year: pd.DataFrame
    by_quarter: pd.DataFrame
    product_mix: pd.DataFrame
    plan_vs_actual: pd.DataFrame


def financial_report(
    account_id: str,
    *,
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    as_of: object,
) -> FinancialReport:
    """Revenue, gross profit and margin by year and quarter, product mix and plan vs actual.

    Gross profit sums the lines where it is known; margin = gross profit / revenue of the
    same lines. Every figure reconciles with the account's transactions up to `as_of`.

    Parameters
    ----------
    account_id : str
        The account.
    transactions : DataFrame
        Canonical transactions.
    products : DataFrame, optional
        Canonical products (categories of the product mix).
    targets : DataFrame, optional
        Canonical targets; plan vs actual for every year of this account up to `as_of`.
    as_of : date-like
        Last day included.

    Returns
    -------
    FinancialReport
        ``by_year`` (``year``, ``revenue``, ``gross_profit``, ``margin``, ``quantity``,
        ``orders``, ``revenue_growth``), ``by_quarter`` (``year``, ``quarter``, ``revenue``,
        ``gross_profit``, ``margin``), ``product_mix`` (see
        :func:`kamlib.account.dossier.revenue_history`), ``plan_vs_actual`` (see
        :func:`kamlib.account.plan.plan_vs_actual`).

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A"] * 3, "revenue": [100.0, 50.0, 200.0],
    ...     "cost": [60.0, 40.0, 150.0],
    ...     "date": pd.to_datetime(["2024-02-01", "2024-05-01", "2025-02-01"])})
    >>> financial_report("A", transactions=tx, as_of="2025-12-31").by_year[
    ...     ["year", "revenue", "gross_profit", "margin", "revenue_growth"]].round(2)
       year  revenue  gross_profit  margin  revenue_growth
    0  2024    150.0          50.0    0.33             NaN
    1  2025    200.0          50.0    0.25            0.33
    """
    _require(transactions, ["account_id", "date", "revenue"], "transactions")
    as_of = pd.Timestamp(as_of)
    tx = transactions[(transactions["account_id"] == account_id) & (transactions["date"] <= as_of)]
    gp = _gross_profit(tx)
    frame = pd.DataFrame(
        {
            "year": tx["date"].dt.year.astype("Int64"),
            "quarter": tx["date"].dt.quarter.astype("Int64"),
            "revenue": tx["revenue"],
            "gross_profit": gp,
            "gp_revenue": tx["revenue"].where(gp.notna()),
            "quantity": tx["quantity"] if "quantity" in tx.columns else np.nan,
            "order": tx["order_id"] if "order_id" in tx.columns else pd.Series(tx.index, tx.index),
        }
    )

    def summarise(keys: list[str]) -> pd.DataFrame:
        grouped = frame.groupby(keys)
        out = grouped[["revenue", "gross_profit", "gp_revenue", "quantity"]].sum(min_count=1)
        out["revenue"] = out["revenue"].fillna(0.0)
        out["margin"] = out["gross_profit"] / out["gp_revenue"].where(out["gp_revenue"] != 0)
        out["orders"] = grouped["order"].nunique()
        return out.drop(columns="gp_revenue").reset_index()

    by_year = summarise(["year"])
    previous = by_year["revenue"].shift(1).where(by_year["year"].diff() == 1)
    by_year["revenue_growth"] = (by_year["revenue"] - previous) / previous.where(previous > 0)
    by_year = by_year[
        ["year", "revenue", "gross_profit", "margin", "quantity", "orders", "revenue_growth"]
    ]
    by_quarter = summarise(["year", "quarter"])[
        ["year", "quarter", "revenue", "gross_profit", "margin"]
    ]
    mix = revenue_history(account_id, transactions=transactions, products=products, as_of=as_of)
    own = _rows(targets, account_id)
    if own is None or own.empty:
        own = _empty_targets()
    own = own[own["year"] <= as_of.year]
    pva = plan_vs_actual(own, transactions=transactions, products=products, as_of=as_of)
    return FinancialReport(
        by_year=by_year, by_quarter=by_quarter, product_mix=mix, plan_vs_actual=pva
    )


def _empty_targets() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=col.dtype) for c, col in columns_of("targets").items()})


# --- 2. previous meeting -----------------------------------------------------------------------


def previous_actions(
    account_id: str,
    *,
    actions: pd.DataFrame | None,
    meetings: pd.DataFrame | None = None,
    meeting_date: object,
    meeting_type: str = "annual",
    lookback_months: int = 12,
) -> pd.DataFrame:
    """Actions agreed at the previous meeting and still-open earlier ones, overdue first.

    The previous meeting is the latest meeting of `meeting_type` before `meeting_date` (or the
    latest meeting of any type when there is none). Its actions are listed, plus every action
    still open from earlier meetings (``carried_over``). Without meetings (or ``meeting_id``),
    the actions due in the last `lookback_months` and all open ones are listed.

    An action is done when its ``status`` says so (done, closed, completed) or it has a
    ``done_date``; it is overdue when not done and due before `meeting_date`.

    Parameters
    ----------
    account_id : str
        The account.
    actions : DataFrame or None
        Canonical actions; None or empty gives an empty result.
    meetings : DataFrame, optional
        Canonical meetings (which meeting was the previous one).
    meeting_date : date-like
        Date of the coming meeting.
    meeting_type : str, default "annual"
        Type of meeting that counts as the previous one.
    lookback_months : int, default 12
        Without meetings: actions due in this many months before `meeting_date` are listed.

    Returns
    -------
    DataFrame
        ``action_id``, ``meeting_id``, ``description``, ``owner``, ``department``,
        ``due_date``, ``status``, ``done_date``, ``state`` (overdue, open, done late, done),
        ``days_overdue``, ``carried_over``; sorted by state (overdue first), then due date.

    Examples
    --------
    >>> a = pd.DataFrame({"action_id": ["a1", "a2", "a3"], "account_id": ["A"] * 3,
    ...     "meeting_id": ["m1"] * 3, "description": ["send samples", "quote", "visit"],
    ...     "due_date": pd.to_datetime(["2025-03-01", "2025-02-01", "2026-03-01"]),
    ...     "status": ["done", "open", "open"],
    ...     "done_date": pd.to_datetime(["2025-02-20", None, None])})
    >>> m = pd.DataFrame({"meeting_id": ["m1"], "account_id": ["A"],
    ...     "date": pd.to_datetime(["2025-01-10"]), "type": ["annual"]})
    >>> previous_actions("A", actions=a, meetings=m, meeting_date="2026-01-15")[
    ...     ["action_id", "state", "days_overdue"]]
      action_id    state  days_overdue
    0        a2  overdue         348.0
    1        a3     open           NaN
    2        a1     done           NaN
    """
    meeting_date = pd.Timestamp(meeting_date)
    columns = {
        "action_id": "str",
        "meeting_id": "str",
        "description": "str",
        "owner": "str",
        "department": "str",
        "due_date": "datetime64[us]",
        "status": "str",
        "done_date": "datetime64[us]",
    }
    rows = _rows(actions, account_id)
    if rows is None or rows.empty:
        empty = pd.DataFrame({c: pd.Series(dtype=d) for c, d in columns.items()})
        return empty.assign(
            state=pd.Series(dtype="str"),
            days_overdue=pd.Series(dtype="float64"),
            carried_over=pd.Series(dtype="bool"),
        )
    acts = rows.reindex(columns=list(columns)).astype(columns).reset_index(drop=True)
    status = acts["status"].fillna("").str.strip().str.lower()
    done = status.isin(_DONE) | acts["done_date"].notna()
    overdue = ~done & (acts["due_date"] < meeting_date)
    late = done & (acts["done_date"] > acts["due_date"])
    acts["state"] = np.select(
        [overdue, ~done, late], ["overdue", "open", "done late"], default="done"
    ).astype(object)
    acts["days_overdue"] = (
        (meeting_date - acts["due_date"]).dt.days.astype("float64").where(overdue)
    )
    before = _rows(meetings, account_id)
    if before is not None:
        before = before[before["date"] < meeting_date]
    if before is not None and not before.empty and acts["meeting_id"].notna().any():
        kind = before["type"].fillna("").str.lower() if "type" in before else None
        pool = before[kind == meeting_type.lower()] if kind is not None else before
        pool = pool if not pool.empty else before
        last_id = pool.sort_values("date", kind="stable")["meeting_id"].iloc[-1]
        own = acts["meeting_id"] == last_id
    else:
        since = meeting_date - pd.DateOffset(months=lookback_months)
        own = acts["due_date"] >= since
    keep = own | ~done
    acts = acts[keep].assign(carried_over=~own[keep])
    acts["_order"] = acts["state"].map(_STATE_ORDER)
    acts = acts.sort_values(["_order", "due_date", "action_id"], kind="stable")
    return acts.drop(columns="_order").astype({"state": "str"}).reset_index(drop=True)


# --- 6. negotiation limits ---------------------------------------------------------------------


def negotiation_limits(
    account_id: str,
    *,
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    as_of: object,
    min_margin: float = 0.15,
    max_discount: float = 0.10,
    window_months: int = 12,
) -> pd.DataFrame:
    """Price floor, lowest price, and walk-away volume per product the account buys.

    Per product bought in the last `window_months` (positive net volume and revenue):
    ``current_price`` = revenue / volume; ``unit_cost`` from the products table, else the
    window's cost / volume from the transactions when every line has a cost (``cost_source``
    says which); ``floor_price`` = unit_cost x (1 + min_margin); ``lowest_price``
    (walk-away price) = max(floor_price, current_price x (1 - max_discount)); both prices are
    rounded up to the cent. ``min_volume`` (walk-away volume) = the volume at
    ``lowest_price`` that keeps today's contribution (0 when today's contribution is not
    positive; NaN when the lowest price leaves no margin); ``below_floor_now`` flags a
    current price under the floor.

    Parameters
    ----------
    account_id : str
        The account.
    transactions : DataFrame
        Canonical transactions (with ``product_id`` and ``quantity``).
    products : DataFrame, optional
        Canonical products (``unit_cost``, ``list_price``, ``name``, ``category``).
    as_of : date-like
        End of the window (inclusive).
    min_margin : float, default 0.15
        Minimum margin on unit cost (markup) that defines the floor.
    max_discount : float, default 0.10
        Largest discount off the current price.
    window_months : int, default 12
        Length of the window.

    Returns
    -------
    DataFrame
        One row per product, largest contribution first: ``product_id``, ``name``,
        ``category``, ``volume``, ``revenue``, ``current_price``, ``list_price``,
        ``unit_cost``, ``cost_source``, ``contribution``, ``floor_price``, ``max_discount``,
        ``lowest_price``, ``min_volume``, ``below_floor_now``. Products without a known unit
        cost have NaN limits.

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A"], "product_id": ["p1"], "quantity": [100.0],
    ...     "revenue": [1500.0], "date": pd.to_datetime(["2025-06-01"])})
    >>> pr = pd.DataFrame({"product_id": ["p1"], "unit_cost": [10.0], "list_price": [16.0]})
    >>> negotiation_limits("A", transactions=tx, products=pr, as_of="2025-12-31")[
    ...     ["current_price", "floor_price", "lowest_price", "min_volume"]]
       current_price  floor_price  lowest_price  min_volume
    0           15.0         11.5          13.5       142.9
    """
    _fraction("min_margin", min_margin, upper=10.0)
    _fraction("max_discount", max_discount)
    _require(transactions, ["account_id", "date", "revenue"], "transactions")
    as_of = pd.Timestamp(as_of)
    start = as_of - pd.DateOffset(months=window_months)
    tx = transactions[
        (transactions["account_id"] == account_id)
        & (transactions["date"] > start)
        & (transactions["date"] <= as_of)
    ]
    if "product_id" not in tx.columns or "quantity" not in tx.columns:
        tx = tx.iloc[:0].assign(product_id=pd.Series(dtype="str"), quantity=pd.Series(dtype=float))
    cost = tx["cost"] if "cost" in tx.columns else pd.Series(np.nan, index=tx.index)
    sums = (
        tx.assign(_cost=cost)
        .groupby("product_id")
        .agg(
            volume=("quantity", "sum"),
            revenue=("revenue", "sum"),
            _cost=("_cost", "sum"),
            _known=("_cost", "count"),
            _lines=("_cost", "size"),
        )
    )
    sums = sums[(sums["volume"] > 0) & (sums["revenue"] > 0)]
    out = sums.reset_index()
    info = (
        products.drop_duplicates("product_id").set_index("product_id")
        if not _missing(products)
        else pd.DataFrame(index=pd.Index([], name="product_id", dtype="str"))
    )
    for column in ("name", "category", "list_price", "unit_cost"):
        source = info[column] if column in info.columns else pd.Series(dtype=object)
        out[column] = out["product_id"].map(source)
    out = out.astype(
        {"name": "str", "category": "str", "list_price": "float64", "unit_cost": "float64"}
    )
    derived = (out["_cost"] / out["volume"]).where(out["_known"] == out["_lines"])
    out["cost_source"] = np.select(
        [out["unit_cost"].notna(), derived.notna()], ["products", "transactions"], default="unknown"
    )
    out["unit_cost"] = out["unit_cost"].fillna(derived)
    out["current_price"] = out["revenue"] / out["volume"]
    out["contribution"] = (out["current_price"] - out["unit_cost"]) * out["volume"]
    out["floor_price"] = _cents_up(out["unit_cost"] * (1 + min_margin))
    out["max_discount"] = max_discount
    lowest = np.fmax(out["floor_price"], _cents_up(out["current_price"] * (1 - max_discount)))
    out["lowest_price"] = lowest.where(out["unit_cost"].notna())
    margin_at_lowest = out["lowest_price"] - out["unit_cost"]
    needed = out["contribution"].clip(lower=0) / margin_at_lowest.where(margin_at_lowest > 0)
    out["min_volume"] = needed.where(out["contribution"] > 0, 0.0).where(out["unit_cost"].notna())
    out["min_volume"] = out["min_volume"].round(1)
    out["below_floor_now"] = (out["current_price"] < out["floor_price"]).astype("bool")
    columns = [
        "product_id",
        "name",
        "category",
        "volume",
        "revenue",
        "current_price",
        "list_price",
        "unit_cost",
        "cost_source",
        "contribution",
        "floor_price",
        "max_discount",
        "lowest_price",
        "min_volume",
        "below_floor_now",
    ]
    out = out[columns].astype({"cost_source": "str", "product_id": "str"})
    return out.sort_values(
        ["contribution", "product_id"], ascending=[False, True], kind="stable", na_position="last"
    ).reset_index(drop=True)


# --- 7./8. what-if -----------------------------------------------------------------------------


def _discount_grid(
    discounts: Iterable[float] | None, max_discount: float, step: float
) -> np.ndarray:
    if discounts is not None:
        grid = np.asarray(list(discounts), dtype=float)
    else:
        if step <= 0:
            raise ArgumentError(f"`step` must be positive, got {step!r}")
        grid = np.round(np.arange(0.0, max_discount + step / 2, step), 10)
    if ((grid < 0) | (grid >= 1)).any():
        raise ArgumentError("`discounts` must lie in [0, 1)")
    return grid


def _what_if_frame(base: pd.DataFrame, grid: np.ndarray, min_margin: float) -> pd.DataFrame:
    """Cross every base row (price, unit_cost, volume) with every discount of `grid`."""
    table = base.merge(pd.DataFrame({"discount": grid}), how="cross")
    price = table["price"] * (1 - table["discount"])
    unit_margin = price - table["unit_cost"]
    base_contribution = (table["price"] - table["unit_cost"]) * table["volume"]
    feasible = unit_margin > 0
    needed = (base_contribution / unit_margin.where(feasible)).astype(float)
    return table.drop(columns=["price"]).assign(
        price=price,
        unit_margin=unit_margin,
        volume_needed=needed,
        volume_change=needed / table["volume"] - 1,
        contribution=needed * unit_margin,
        base_contribution=base_contribution,
        below_floor=price < table["unit_cost"] * (1 + min_margin),
        feasible=feasible,
    )


def what_if(
    price: float,
    unit_cost: float,
    volume: float,
    *,
    discounts: Iterable[float] | None = None,
    max_discount: float = 0.10,
    step: float = 0.01,
    min_margin: float = 0.15,
) -> pd.DataFrame:
    """Discount vs the volume needed to keep the contribution, for one product.

    With price p, unit cost c and volume V, a discount d needs volume
    ``V x (p - c) / (p (1 - d) - c)`` to earn the same contribution ``V x (p - c)``.
    This is the function the meeting notebook's widget calls.

    Parameters
    ----------
    price, unit_cost, volume : float
        Current price per unit, unit cost, current volume.
    discounts : iterable of float, optional
        Discounts to evaluate; default 0 to `max_discount` in steps of `step`.
    max_discount, step : float
        The default grid.
    min_margin : float, default 0.15
        Marks prices below the floor unit_cost x (1 + min_margin).

    Returns
    -------
    DataFrame
        ``discount``, ``price``, ``unit_margin``, ``volume_needed`` (NaN when the discounted
        price does not cover the unit cost), ``volume_change`` (relative), ``contribution``,
        ``base_contribution``, ``below_floor``, ``feasible``.

    Examples
    --------
    >>> what_if(15.0, 10.0, 100.0, discounts=[0.0, 0.1])[
    ...     ["discount", "price", "volume_needed", "volume_change", "below_floor"]]
       discount  price  volume_needed  volume_change  below_floor
    0       0.0   15.0     100.000000       0.000000        False
    1       0.1   13.5     142.857143       0.428571        False
    """
    grid = _discount_grid(discounts, _fraction("max_discount", max_discount), step)
    base = pd.DataFrame(
        {"price": [float(price)], "unit_cost": [float(unit_cost)], "volume": [float(volume)]}
    )
    out = _what_if_frame(base, grid, min_margin)
    return out.drop(columns=["unit_cost", "volume"])[
        [
            "discount",
            "price",
            "unit_margin",
            "volume_needed",
            "volume_change",
            "contribution",
            "base_contribution",
            "below_floor",
            "feasible",
        ]
    ]


def _what_if_table(limits: pd.DataFrame, grid: np.ndarray, min_margin: float) -> pd.DataFrame:
    known = limits[limits["unit_cost"].notna()]
    base = known[["product_id", "current_price", "unit_cost", "volume"]].rename(
        columns={"current_price": "price"}
    )
    return _what_if_frame(base, grid, min_margin)


# --- 5. arguments ------------------------------------------------------------------------------


def proposal_arguments(
    account_id: str,
    *,
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    accounts: pd.DataFrame | None = None,
    actions: pd.DataFrame | None = None,
    tenders: pd.DataFrame | None = None,
    competitors: pd.DataFrame | None = None,
    as_of: object,
    window_months: int = 12,
    main_supplier_share: float = 0.8,
) -> pd.DataFrame:
    """Computed arguments for our proposal: growth, share of wallet, service, value delivered.

    - ``growth``: revenue of the last `window_months` vs the window before.
    - ``share_of_wallet``: our revenue / potential budget, else 1 - competitors' shares
      (from `main_supplier_share` = 0.8 on, we are called the main supplier).
    - ``actions_on_time``: share of the account's actions due by `as_of` that were done by
      their due date.
    - ``tenders_won``: won / (won + lost) tenders.
    - ``value_delivered``: savings against list prices in the window (list price x quantity -
      revenue, for lines whose product has a list price).
    - ``breadth``: products and categories supplied in the window.

    Parameters
    ----------
    account_id : str
        The account.
    transactions : DataFrame
        Canonical transactions.
    products, accounts, actions, tenders, competitors : DataFrame, optional
        Canonical tables; an argument whose table is missing says so in its text.
    as_of : date-like
        End of the window (inclusive).
    window_months : int, default 12
        Length of the window.
    main_supplier_share : float, default 0.8
        Share of wallet from which we count as the main supplier.

    Returns
    -------
    DataFrame
        ``argument``, ``value`` (float; NaN when unknown), ``text`` (one sentence).

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A", "A"], "product_id": ["p1", "p1"],
    ...     "quantity": [10.0, 12.0], "revenue": [100.0, 120.0],
    ...     "date": pd.to_datetime(["2024-06-01", "2025-06-01"])})
    >>> pr = pd.DataFrame({"product_id": ["p1"], "list_price": [11.0], "category": ["Pumps"]})
    >>> args = proposal_arguments("A", transactions=tx, products=pr, as_of="2025-12-31")
    >>> for text in args.set_index("argument").loc[["growth", "value_delivered"], "text"]:
    ...     print(text)
    Purchases grew +20.0% in the last 12 months (120 vs 100).
    List-price savings in the last 12 months: 12 (9.1% of list value).
    """
    _require(transactions, ["account_id", "date", "revenue"], "transactions")
    as_of = pd.Timestamp(as_of)
    start = as_of - pd.DateOffset(months=window_months)
    before = start - pd.DateOffset(months=window_months)
    tx = transactions[transactions["account_id"] == account_id]
    last = tx[(tx["date"] > start) & (tx["date"] <= as_of)]
    prev = tx[(tx["date"] > before) & (tx["date"] <= start)]
    rows: list[tuple[str, float, str]] = []

    r_last, r_prev = float(last["revenue"].sum()), float(prev["revenue"].sum())
    growth = r_last / r_prev - 1 if r_prev > 0 else np.nan
    verb = "grew" if pd.notna(growth) and growth >= 0 else "changed"
    rows.append(
        (
            "growth",
            growth,
            f"Purchases {verb} {_pct_text(growth)} in the last "
            f"{window_months} months ({_money(r_last)} vs {_money(r_prev)})."
            if pd.notna(growth)
            else f"No purchases in the {window_months} months before: growth unknown.",
        )
    )
    sow = share_of_wallet(
        account_id,
        transactions=transactions,
        accounts=accounts,
        competitors=competitors,
        as_of=as_of,
    )
    by_budget = pd.notna(sow["by_budget"])
    share = sow["by_budget"] if by_budget else sow["by_competitors"]
    if pd.isna(share):
        text = "Share of wallet unknown (no potential budget, no competitor shares)."
    else:
        text = (
            f"Our revenue of the last {window_months} months is {share:.0%} of the client's "
            "potential budget"
            if by_budget
            else f"By the competitors' shares we hold about {share:.0%} of the client's spend"
        )
        text += (
            ": room to grow."
            if share < main_supplier_share
            else ": we are the main supplier."
            if share <= 1
            else ": the potential budget looks understated."
        )
    rows.append(("share_of_wallet", share, text))
    acts = _rows(actions, account_id)
    on_time = np.nan
    if acts is not None and not acts.empty:
        due = acts[acts["due_date"] <= as_of]
        done_date = due["done_date"] if "done_date" in due else pd.Series(pd.NaT, index=due.index)
        if len(due):
            on_time = float((done_date.notna() & (done_date <= due["due_date"])).mean())
    rows.append(
        (
            "actions_on_time",
            on_time,
            f"{on_time:.0%} of the actions agreed with the client were done on time."
            if pd.notna(on_time)
            else "Service record unknown: no actions recorded.",
        )
    )
    tend = _rows(tenders, account_id)
    won_rate = np.nan
    if tend is not None and not tend.empty and "status" in tend:
        status = tend["status"].fillna("").str.lower()
        won, lost = int((status == "won").sum()), int((status == "lost").sum())
        won_rate = won / (won + lost) if won + lost else np.nan
    rows.append(
        (
            "tenders_won",
            won_rate,
            f"We won {won_rate:.0%} of the decided tenders at this client."
            if pd.notna(won_rate)
            else "No decided tenders at this client.",
        )
    )
    savings = np.nan
    if not _missing(products) and "list_price" in products.columns and "quantity" in last.columns:
        prices = products.drop_duplicates("product_id").set_index("product_id")["list_price"]
        list_value = last["product_id"].map(prices).astype("float64") * last["quantity"]
        priced = list_value.notna()
        if priced.any():
            savings = float(list_value[priced].sum() - last.loc[priced, "revenue"].sum())
            share_saved = savings / float(list_value[priced].sum())
    rows.append(
        (
            "value_delivered",
            savings,
            f"List-price savings in the last {window_months} months: {_money(savings)} "
            f"({share_saved:.1%} of list value)."
            if pd.notna(savings)
            else "Value delivered unknown: no list prices.",
        )
    )
    n_products = int(last["product_id"].nunique()) if "product_id" in last else 0
    categories = np.nan
    if not _missing(products) and "category" in products.columns and "product_id" in last:
        cats = products.drop_duplicates("product_id").set_index("product_id")["category"]
        categories = int(last["product_id"].map(cats).nunique())
    rows.append(
        (
            "breadth",
            float(n_products),
            f"We supply {n_products} products"
            + (f" in {categories} categories." if pd.notna(categories) else "."),
        )
    )
    out = pd.DataFrame(rows, columns=["argument", "value", "text"])
    return out.astype({"argument": "str", "value": "float64", "text": "str"})


# --- 9. draft proposal -------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """Part 9 of the brief: the draft proposal (see :func:`draft_proposal`)."""

    account_id: str
    lines: pd.DataFrame
    valid_until: pd.Timestamp
    arguments: pd.DataFrame
    totals: pd.Series
    messages: tuple[str, ...] = ()


def _audience(roster: pd.DataFrame, role_audience: Mapping[str, str]) -> pd.Series:
    title = (
        roster["title"].fillna("").str.lower()
        if "title" in roster
        else pd.Series("", index=roster.index)
    )
    by_title = pd.Series(np.nan, index=roster.index, dtype=object)
    for audience, pattern in reversed(_TITLE_AUDIENCE):  # first match in the list wins
        by_title = by_title.mask(title.str.contains(pattern, regex=True), audience)
    by_role = roster["dmu_role"].map(dict(role_audience)) if "dmu_role" in roster else np.nan
    return by_title.fillna(by_role).fillna("executives").astype("str")


def _fmt(values: pd.Series, spec: str) -> pd.Series:
    return values.map(spec.format).astype("str")


def _cents_up(price: pd.Series) -> pd.Series:
    """Round up to the cent (a price never drops below the floor or the kept contribution)."""
    return np.ceil((price * 100).round(6)) / 100


def draft_proposal(
    account_id: str,
    limits: pd.DataFrame,
    *,
    meeting_date: object,
    targets: pd.DataFrame | None = None,
    roster: pd.DataFrame | None = None,
    arguments: pd.DataFrame | None = None,
    validity_days: int = 30,
    role_audience: Mapping[str, str] | None = None,
    cell: str | None = None,
) -> Proposal:
    """Draft proposal lines with prices never below the floor, an expiry date and arguments.

    Per product of `limits` with a known floor: ``volume`` = the target volume (``quantity_target``
    of `targets`, e.g. :func:`kamlib.account.plan.next_year_targets`), else the current volume, rounded
    up to whole units; ``discount`` = the discount that the extra volume pays for (keeps the
    contribution: 1 - (c + (p - c) / (1 + g)) / p for volume growth g > 0), at most the
    product's ``max_discount``, 0 without growth; ``price`` = max(p x (1 - discount), floor),
    rounded up to the cent, so never below the floor. A current price below the floor is
    raised to it (its ``discount`` is then negative: a price increase). Products whose target
    volume is 0 are left out.

    Parameters
    ----------
    account_id : str
        The account.
    limits : DataFrame
        Output of :func:`negotiation_limits`.
    meeting_date : date-like
        Start of the validity.
    targets : DataFrame, optional
        Product targets with ``product_id`` and ``quantity_target``.
    roster : DataFrame, optional
        The decision-making unit (:func:`kamlib.account.dossier.dmu_roster`): names the contacts of
        each audience.
    arguments : DataFrame, optional
        Output of :func:`proposal_arguments`; its sentences are grouped per audience.
    validity_days : int, default 30
        The proposal expires `validity_days` after `meeting_date`.
    role_audience : mapping, optional
        Audience per DMU role, merged over :data:`ROLE_AUDIENCE` (titles take precedence).
    cell : str, optional
        ABC-XYZ cell, quoted in the executives' status argument.

    Returns
    -------
    Proposal
        ``lines`` (``product_id``, ``name``, ``volume``, ``current_price``, ``floor_price``,
        ``discount``, ``price``, ``revenue``, ``contribution``, ``conditions``),
        ``valid_until``, ``arguments`` (``audience``, ``contacts``, ``argument``), ``totals``.

    Examples
    --------
    >>> lim = pd.DataFrame({"product_id": ["p1"], "name": ["Pump"], "volume": [100.0],
    ...     "current_price": [15.0], "unit_cost": [10.0], "floor_price": [11.5],
    ...     "max_discount": [0.1], "contribution": [500.0]})
    >>> t = pd.DataFrame({"product_id": ["p1"], "quantity_target": [110.0]})
    >>> p = draft_proposal("A", lim, targets=t, meeting_date="2025-11-20")
    >>> p.lines[["volume", "discount", "price", "contribution"]].round(4)
       volume  discount  price  contribution
    0   110.0      0.03  14.55         500.5
    >>> p.valid_until
    Timestamp('2025-12-20 00:00:00')
    """
    if validity_days <= 0:
        raise ArgumentError(f"`validity_days` must be positive, got {validity_days!r}")
    _require(
        limits,
        ["product_id", "volume", "current_price", "unit_cost", "floor_price", "max_discount"],
        "limits",
    )
    meeting_date = pd.Timestamp(meeting_date)
    valid_until = (meeting_date + pd.Timedelta(days=validity_days)).normalize()
    messages: list[str] = []
    usable = limits[limits["floor_price"].notna() & (limits["volume"] > 0)]
    if len(usable) < len(limits):
        messages.append(
            f"{len(limits) - len(usable)} product(s) without a known unit cost "
            "left out of the proposal"
        )
    lines = usable.reset_index(drop=True)
    target_volume = pd.Series(np.nan, index=lines.index)
    if not _missing(targets) and {"product_id", "quantity_target"} <= set(targets.columns):
        per_product = targets.groupby("product_id")["quantity_target"].sum(min_count=1)
        target_volume = lines["product_id"].map(per_product)
    volume = np.ceil(target_volume.fillna(lines["volume"]).clip(lower=0).round(6))
    if (volume == 0).any():
        messages.append(f"{int((volume == 0).sum())} product(s) with a zero target volume left out")
        lines, volume = (
            lines[volume > 0].reset_index(drop=True),
            volume[volume > 0].reset_index(drop=True),
        )
    p, c = lines["current_price"], lines["unit_cost"]
    growth = volume / lines["volume"] - 1
    paid = 1 - (c + (p - c) / (1 + growth.where(growth > 0))) / p
    discount = paid.fillna(0.0).clip(lower=0.0, upper=lines["max_discount"])
    discount = discount.where(p > c, 0.0)
    price = _cents_up(np.fmax(p * (1 - discount), lines["floor_price"]))
    raised = p < lines["floor_price"]
    effective = 1 - price / p
    until = valid_until.date().isoformat()
    conditions = np.select(
        [raised, effective > _NEGLIGIBLE_DISCOUNT],
        [
            "price raised to the floor " + _fmt(price, "{:,.2f}"),
            "volume discount "
            + _fmt(effective * 100, "{:.1f}")
            + "% for at least "
            + _fmt(volume, "{:,.0f}")
            + " units",
        ],
        default="current price for " + _fmt(volume, "{:,.0f}") + " units",
    )
    out = pd.DataFrame(
        {
            "product_id": lines["product_id"].astype("str"),
            "name": lines["name"].astype("str") if "name" in lines else pd.Series(dtype="str"),
            "volume": volume.astype(float),
            "current_price": p,
            "floor_price": lines["floor_price"],
            "discount": effective.round(6),
            "price": price,
            "revenue": volume * price,
            "contribution": volume * (price - c),
            "conditions": pd.Series(conditions, index=lines.index, dtype="str")
            + f"; valid until {until}",
        }
    ).astype(
        {
            "name": "str",
            "conditions": "str",
            **dict.fromkeys(
                [
                    "volume",
                    "current_price",
                    "floor_price",
                    "discount",
                    "price",
                    "revenue",
                    "contribution",
                ],
                "float64",
            ),
        }
    )
    totals = pd.Series(
        {
            "revenue": float(out["revenue"].sum()),
            "contribution": float(out["contribution"].sum()),
            "current_revenue": float((lines["volume"] * p).sum()),
            "current_contribution": float(((p - c) * lines["volume"]).sum()),
        },
        dtype="float64",
    )
    audience_args = _audience_arguments(
        out,
        totals,
        valid_until,
        roster,
        arguments,
        {**ROLE_AUDIENCE, **(role_audience or {})},
        cell,
    )
    return Proposal(
        account_id=account_id,
        lines=out,
        valid_until=valid_until,
        arguments=audience_args,
        totals=totals,
        messages=tuple(messages),
    )


def _audience_arguments(
    lines: pd.DataFrame,
    totals: pd.Series,
    valid_until: pd.Timestamp,
    roster: pd.DataFrame | None,
    arguments: pd.DataFrame | None,
    role_audience: Mapping[str, str],
    cell: str | None,
) -> pd.DataFrame:
    facts = (
        arguments.set_index("argument")["text"]
        if arguments is not None and not arguments.empty
        else pd.Series(dtype="str")
    )
    until = valid_until.date().isoformat()
    top = lines.sort_values("revenue", ascending=False)["name"].fillna(lines["product_id"]).head(3)
    status = f"Preferred-supplier status{f' as an {cell} key client' if cell else ''}: "
    points = {
        "executives": [
            status + "priority capacity, a named account team and exclusive terms for "
            f"{', '.join(top)} until {until}.",
            facts.get("share_of_wallet", ""),
            facts.get("growth", ""),
        ],
        "HR": [
            "References: visits to comparable clients we supply and training for the "
            "client's staff on the products.",
            facts.get("breadth", ""),
        ],
        "finance": [
            f"Proposal value {_money(totals['revenue'])} with contribution kept at "
            f"{_money(totals['contribution'])} (today {_money(totals['current_contribution'])}); "
            f"prices valid until {until}.",
            facts.get("value_delivered", ""),
            facts.get("growth", ""),
        ],
        "technical": [
            "Volumes: "
            + ", ".join(
                lines["name"].fillna(lines["product_id"]) + " " + _fmt(lines["volume"], "{:,.0f}")
            )
            + ".",
            facts.get("actions_on_time", ""),
            facts.get("tenders_won", ""),
        ],
    }
    contacts = pd.Series("", index=list(AUDIENCES))
    if roster is not None and not roster.empty:
        groups = roster.assign(_audience=_audience(roster, role_audience)).groupby("_audience")[
            "name"
        ]
        contacts = (
            contacts.add(groups.agg(", ".join), fill_value="").reindex(list(AUDIENCES)).fillna("")
        )
    rows = [
        (audience, contacts[audience], text)
        for audience in AUDIENCES
        for text in points[audience]
        if text
    ]
    out = pd.DataFrame(rows, columns=["audience", "contacts", "argument"])
    return out.astype("str")


# --- tenders and follow-up ---------------------------------------------------------------------


def tender_windows(
    account_id: str,
    *,
    tenders: pd.DataFrame | None,
    as_of: object,
    prep_months: int = 9,
    horizon_months: int = 3,
) -> pd.DataFrame:
    """Upcoming tenders whose preparation window is open or opens within the horizon.

    Preparation starts `prep_months` before the tender date. Listed: tenders after `as_of`,
    not yet won or lost, whose preparation starts on or before `as_of` + `horizon_months`.

    Parameters
    ----------
    account_id : str
        The account.
    tenders : DataFrame or None
        Canonical tenders.
    as_of : date-like
        Reference date (the meeting date in the brief).
    prep_months : int, default 9
        Preparation starts this many months before the tender date.
    horizon_months : int, default 3
        Windows opening within this many months are listed too.

    Returns
    -------
    DataFrame
        ``tender_id``, ``title``, ``date``, ``value``, ``status``, ``prep_start``, ``window``
        (``open`` or ``opens <date>``), ``days_to_tender``; by date.

    Examples
    --------
    >>> t = pd.DataFrame({"tender_id": ["t1", "t2", "t3"], "account_id": ["A"] * 3,
    ...     "date": pd.to_datetime(["2026-06-30", "2026-12-31", "2027-06-30"]),
    ...     "status": ["planned"] * 3})
    >>> tender_windows("A", tenders=t, as_of="2026-01-15")[["tender_id", "window"]]
      tender_id            window
    0        t1              open
    1        t2  opens 2026-03-31
    """
    as_of = pd.Timestamp(as_of)
    columns = {
        "tender_id": "str",
        "title": "str",
        "date": "datetime64[us]",
        "value": "float64",
        "status": "str",
    }
    rows = _rows(tenders, account_id)
    base = (
        pd.DataFrame({c: pd.Series(dtype=d) for c, d in columns.items()})
        if rows is None
        else rows.reindex(columns=list(columns)).astype(columns)
    )
    status = base["status"].fillna("").str.lower()
    prep_start = (base["date"] - pd.DateOffset(months=prep_months)).astype("datetime64[us]")
    horizon = as_of + pd.DateOffset(months=horizon_months)
    keep = (base["date"] > as_of) & ~status.isin(["won", "lost"]) & (prep_start <= horizon)
    out = base[keep].assign(prep_start=prep_start[keep])
    out["window"] = np.where(
        out["prep_start"] <= as_of, "open", "opens " + out["prep_start"].dt.strftime("%Y-%m-%d")
    )
    out["days_to_tender"] = (out["date"] - as_of).dt.days.astype("int64")
    out = out.astype({"window": "str"})
    return out.sort_values(["date", "tender_id"], kind="stable").reset_index(drop=True)


def follow_up_schedule(
    sent: object,
    *,
    valid_until: object = None,
    holidays: Iterable[object] = (),
    reminder_working_days: int = 3,
) -> pd.DataFrame:
    """What to do after the proposal is sent, with dates on working days.

    The next working day after `sent`: confirm receipt, ask about next steps and the urgency
    of the decision, agree the date of the next call or meeting. With `valid_until`, a
    reminder `reminder_working_days` working days before the proposal expires.

    Parameters
    ----------
    sent : date-like
        Day the proposal is sent.
    valid_until : date-like, optional
        Expiry date of the proposal.
    holidays : iterable of date-like, default ()
        Non-working days besides Saturdays and Sundays.
    reminder_working_days : int, default 3
        How many working days before the expiry to remind the client.

    Returns
    -------
    DataFrame
        ``step``, ``date``, ``action``.

    Examples
    --------
    >>> plan = follow_up_schedule("2025-11-21", valid_until="2025-12-21")  # sent on a Friday
    >>> for row in plan.itertuples():
    ...     print(row.step, row.date.date(), row.action)
    1 2025-11-24 confirm that the client received the proposal
    2 2025-11-24 ask about the next steps and how urgent the decision is
    3 2025-11-24 agree the date of the next call or meeting
    4 2025-12-16 remind the client that the proposal expires on 2025-12-21
    """
    sent_day = np.datetime64(pd.Timestamp(sent).date(), "D")
    off = np.array([pd.Timestamp(h).date() for h in holidays], dtype="datetime64[D]")
    next_day = np.busday_offset(sent_day, 1, roll="forward", holidays=off)
    steps = [
        (next_day, "confirm that the client received the proposal"),
        (next_day, "ask about the next steps and how urgent the decision is"),
        (next_day, "agree the date of the next call or meeting"),
    ]
    if valid_until is not None:
        expiry = np.datetime64(pd.Timestamp(valid_until).date(), "D")
        remind = np.busday_offset(expiry, -reminder_working_days, roll="backward", holidays=off)
        if remind > next_day:
            steps.append(
                (remind, f"remind the client that the proposal expires on {expiry.astype(str)}")
            )
    out = pd.DataFrame(
        {
            "step": np.arange(1, len(steps) + 1),
            "date": pd.Series([d for d, _ in steps]).astype("datetime64[us]"),
            "action": [a for _, a in steps],
        }
    )
    return out.astype({"action": "str"})


# --- the brief ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingBrief:
    """The annual-meeting brief of one account (see :func:`meeting_brief`).

    ``sections`` lists the nine parts in order with their titles; ``messages`` says which
    parts were reduced for lack of a table; ``parameters`` lists every threshold used.
    """

    account_id: str
    meeting_date: pd.Timestamp
    as_of: pd.Timestamp
    plan_year: int
    financial: FinancialReport
    previous_actions: pd.DataFrame
    work_plan: pd.DataFrame
    client_expectations: pd.DataFrame
    our_expectations: pd.DataFrame
    arguments: pd.DataFrame
    limits: pd.DataFrame
    what_if: pd.DataFrame
    proposal: Proposal
    tenders: pd.DataFrame
    follow_up: pd.DataFrame
    messages: tuple[str, ...] = ()
    parameters: dict[str, object] = field(default_factory=dict)

    @property
    def sections(self) -> list[tuple[str, object]]:
        """The nine parts of the brief, in order, as (title, data)."""
        return [
            ("1. Financial report of the activity", self.financial),
            ("2. Results of the previous meeting", self.previous_actions),
            (
                "3. Actual work plan and the client's expectations",
                (self.work_plan, self.client_expectations),
            ),
            ("4. Our expectations", self.our_expectations),
            ("5. Arguments for our proposal", self.arguments),
            ("6. Negotiation limits", self.limits),
            ("7. Arguments for prices, conditions and volumes (what-if)", self.what_if),
            ("8. Decision tools", self.what_if),
            ("9. Draft proposal", self.proposal),
        ]


def meeting_brief(
    account_id: str,
    *,
    transactions: pd.DataFrame,
    products: pd.DataFrame | None,
    accounts: pd.DataFrame | None = None,
    contacts: pd.DataFrame | None = None,
    meetings: pd.DataFrame | None = None,
    actions: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    tenders: pd.DataFrame | None = None,
    competitors: pd.DataFrame | None = None,
    meeting_date: object,
    plan_year: int | None = None,
    min_margin: float = 0.15,
    max_discount: float = 0.10,
    validity_days: int = 30,
    growth: float | Mapping[str, float] | None = None,
    cell: str | None = None,
    window_months: int = 12,
    recent_meetings: int = 3,
    prep_months: int = 9,
    horizon_months: int = 3,
    holidays: Iterable[object] = (),
) -> MeetingBrief:
    """Assemble the annual-meeting brief of one account for a meeting date.

    Our expectations (part 4) are the plan year's lines of the targets table when it has
    them; the proposal's volumes (part 9) always follow the product targets computed from
    history by :func:`kamlib.account.plan.next_year_targets` (with `growth` as override), since
    recorded targets are often by category and carry no volume.

    Parameters
    ----------
    account_id : str
        The account.
    transactions, products, accounts, contacts, meetings, actions, targets, tenders, competitors
        Canonical tables; every one but transactions may be None or empty, which reduces the
        parts that need it (with a message in ``messages``).
    meeting_date : date-like
        Date of the meeting.
    plan_year : int, optional
        Year the meeting plans; default the next year for meetings in July-December, the
        meeting's own year for January-June.
    min_margin, max_discount, validity_days
        Price floor markup, largest discount, validity of the proposal in days.
    growth : float or mapping, optional
        Growth assumptions for the computed targets (see :func:`kamlib.account.plan.next_year_targets`).
    cell : str, optional
        The account's ABC-XYZ cell (quoted in the executives' arguments).
    window_months : int, default 12
        Window for current prices, volumes and arguments.
    recent_meetings : int, default 3
        How many past meetings show the client's expectations.
    prep_months, horizon_months : int
        Tender preparation window and look-ahead.
    holidays : iterable of date-like
        Non-working days for the follow-up schedule.

    Returns
    -------
    MeetingBrief

    Raises
    ------
    InputError
        The account is in neither `accounts` nor `transactions` (code ``unknown-account``).

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A", "A"], "product_id": ["p1", "p1"],
    ...     "quantity": [100.0, 110.0], "revenue": [1500.0, 1650.0], "cost": [1000.0, 1100.0],
    ...     "date": pd.to_datetime(["2024-05-01", "2025-05-01"])})
    >>> b = meeting_brief("A", transactions=tx, products=None, meeting_date="2025-11-20")
    >>> b.plan_year, b.proposal.valid_until.date().isoformat()
    (2026, '2025-12-20')
    >>> bool((b.proposal.lines["price"] >= b.proposal.lines["floor_price"]).all())
    True
    """
    _require(transactions, ["account_id", "date", "revenue"], "transactions")
    meeting = pd.Timestamp(meeting_date).normalize()
    known = transactions["account_id"].eq(account_id).any()
    if not known and not (
        _rows(accounts, account_id) is not None and len(_rows(accounts, account_id))
    ):
        raise InputError(
            [
                Problem(
                    "accounts",
                    None,
                    "account_id",
                    "unknown-account",
                    f"account {account_id!r} is in neither accounts nor transactions",
                )
            ]
        )
    as_of = _data_as_of(transactions, meeting)
    year = (
        int(plan_year) if plan_year is not None else meeting.year + (1 if meeting.month >= 7 else 0)
    )
    messages: list[str] = []
    for table, frame, text in (
        ("products", products, "no categories or list prices; unit costs from transaction costs"),
        ("accounts", accounts, "share of wallet from competitors only"),
        ("contacts", contacts, "arguments not assigned to named contacts"),
        ("meetings", meetings, "no previous meeting: recent and open actions listed instead"),
        ("actions", actions, "previous meeting's actions and service record skipped"),
        ("targets", targets, "plan vs actual skipped; our expectations computed from history"),
        ("tenders", tenders, "tender windows skipped"),
        ("competitors", competitors, "competitors' shares unknown"),
    ):
        if _missing(frame):
            messages.append(f"no {table} table: {text}")

    financial = financial_report(
        account_id, transactions=transactions, products=products, targets=targets, as_of=as_of
    )
    acts = previous_actions(account_id, actions=actions, meetings=meetings, meeting_date=meeting)
    work = financial.plan_vs_actual[financial.plan_vs_actual["year"] == year - 1].reset_index(
        drop=True
    )
    if work.empty:
        work = plan_vs_actual(
            _running_targets(targets, account_id, year - 1),
            transactions=transactions,
            products=products,
            as_of=as_of,
        )
    expect = _client_expectations(account_id, meetings, meeting, recent_meetings)
    computed = next_year_targets(
        account_id,
        transactions=transactions,
        products=products,
        plan_year=year,
        as_of=as_of,
        growth=growth,
    )
    recorded = _rows(targets, account_id)
    recorded = recorded[recorded["year"] == year] if recorded is not None else None
    if recorded is not None and not recorded.empty:
        ours = recorded.reset_index(drop=True).assign(source="targets table")
    else:
        ours = computed.assign(source="computed from history")
        messages.append(f"no targets for {year}: our expectations computed from history")
    ours = ours.astype({"source": "str"})
    args = proposal_arguments(
        account_id,
        transactions=transactions,
        products=products,
        accounts=accounts,
        actions=actions,
        tenders=tenders,
        competitors=competitors,
        as_of=as_of,
        window_months=window_months,
    )
    limits = negotiation_limits(
        account_id,
        transactions=transactions,
        products=products,
        as_of=as_of,
        min_margin=min_margin,
        max_discount=max_discount,
        window_months=window_months,
    )
    if limits.empty:
        messages.append(
            f"no purchases in the last {window_months} months: no limits or proposal lines"
        )
    grid = _discount_grid(None, max_discount, 0.01)
    table = _what_if_table(limits, grid, min_margin)
    roster = dmu_roster(account_id, contacts=contacts, as_of=meeting)
    proposal = draft_proposal(
        account_id,
        limits,
        meeting_date=meeting,
        targets=computed,
        roster=roster,
        arguments=args,
        validity_days=validity_days,
        cell=cell,
    )
    messages.extend(proposal.messages)
    return MeetingBrief(
        account_id=account_id,
        meeting_date=meeting,
        as_of=as_of,
        plan_year=year,
        financial=financial,
        previous_actions=acts,
        work_plan=work,
        client_expectations=expect,
        our_expectations=ours,
        arguments=args,
        limits=limits,
        what_if=table,
        proposal=proposal,
        tenders=tender_windows(
            account_id,
            tenders=tenders,
            as_of=meeting,
            prep_months=prep_months,
            horizon_months=horizon_months,
        ),
        follow_up=follow_up_schedule(meeting, valid_until=proposal.valid_until, holidays=holidays),
        messages=tuple(messages),
        parameters={
            "meeting_date": meeting.date().isoformat(),
            "as_of": as_of.date().isoformat(),
            "plan_year": year,
            "min_margin": min_margin,
            "max_discount": max_discount,
            "validity_days": validity_days,
            "window_months": window_months,
            "prep_months": prep_months,
            "horizon_months": horizon_months,
        },
    )


def _running_targets(targets: pd.DataFrame | None, account_id: str, year: int) -> pd.DataFrame:
    own = _rows(targets, account_id)
    if own is None or own.empty:
        return _empty_targets()
    return own[own["year"] == year]


def _client_expectations(
    account_id: str, meetings: pd.DataFrame | None, meeting: pd.Timestamp, n: int
) -> pd.DataFrame:
    columns = {"date": "datetime64[us]", "type": "str", "summary": "str", "outcome": "str"}
    rows = _rows(meetings, account_id)
    if rows is None or rows.empty:
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in columns.items()})
    past = rows[rows["date"] < meeting].reindex(columns=list(columns)).astype(columns)
    return past.sort_values("date", ascending=False, kind="stable").head(n).reset_index(drop=True)

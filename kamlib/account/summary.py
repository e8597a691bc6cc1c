"""The summary of one account: who, status and why, the year against the year before, the
plan-year target, and the things to act on, ranked.

Method (docs/methods.md, "Account summary"):

- **Window**: the last `months` months up to ``as_of`` against the `months` before.
- **Contribution** is after cost to serve (the ``cost_to_serve`` table, summed in each window);
  without that table it is *not known* (NaN), never gross profit and never 0.
- **Status**, first that applies: ``lost`` (the portfolio's client status says lost),
  ``loss-making`` (contribution of the last window below 0), ``at risk`` (client status at
  risk), ``new`` (first purchase inside the last window), ``growing`` (revenue up by more than
  `growing_above`, default 10 %, on the window before), else ``active``.
- **Act on**, in this fixed order, each only when the data behind it exists, at most
  `max_items`: tenders whose preparation window is open (value and date); the decision maker
  not contacted for more than `stale_days` days; overdue actions (count, oldest); products sold
  below the price floor now (count); the largest share of wallet held by a named competitor
  (at least `competitor_share`, default 10 %).
- **Beyond sales** (issue 13), only when one of the optional tables ``deliveries``,
  ``complaints``, ``invoices``, ``contracts`` or ``opportunities`` is passed: the items of
  :func:`kamlib.account.risks.beyond_sales`, a notice deadline right after the tenders (it
  has a date that will not wait), the others (late deliveries, overdue complaints, slow payer,
  negative once the capital is costed, large deal) after the overdue actions.
- **A lost account** gets a win-back list: winning it back first (from the competitor that
  holds most of its spend, when the competitors table names one), then the tenders whose
  preparation window is open (the way back in), its decision maker, the service failures to
  put right (overdue complaints, late deliveries), the money it still owes and the overdue
  actions; what only a live account needs (prices below the floor, payment terms, the cost to
  serve, a large deal) is left out.
- **A loss-making account** puts the repair first: the prices below the floor, then the cost
  to serve of the last window (kind ``cost to serve``, its amount), then the items above.
- **Target**: :func:`kamlib.account.targets.plan_target`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kamlib.account.dmu import dmu_roster
from kamlib.account.dossier import competitors_at
from kamlib.account.followup import previous_actions, tender_windows
from kamlib.account.messages import missing_head, missing_table
from kamlib.account.pricing import negotiation_limits
from kamlib.account.risks import BeyondSales, beyond_sales
from kamlib.account.targets import plan_target, plan_year_of
from kamlib.errors import ArgumentError
from kamlib.language import gettext as _
from kamlib.portfolio.churn import client_status
from kamlib.schema import account_rows, gross_profit, is_missing
from kamlib.schema import require_columns as _require
from kamlib.window import analysis_date

__all__ = ["ACT_ON_KINDS", "AccountSummary", "account_summary"]

ACT_ON_KINDS = (
    "tender",
    "decision maker",
    "overdue actions",
    "below floor",
    "competitor",
    "cost to serve",
    "win back",
)
"""The kinds of "act on" items, in the order they are ranked (a loss-maker's repair first)."""
# issue 13: with the beyond-sales tables, BEYOND_KINDS join them (see the module docstring)

_ACT_ON_COLUMNS = {
    "rank": "int64",
    "kind": "str",
    "subject": "str",
    "number": "float64",
    "value": "float64",
    "date": "datetime64[us]",
}


@dataclass(frozen=True)
class AccountSummary:
    """The summary of one account (see :func:`account_summary`).

    ``figures`` has one row per measure (``revenue``, ``gross_profit``, ``contribution``,
    ``share_of_wallet``) and the columns ``last``, ``previous``, ``change`` (last / previous -
    1; NaN when unknown or previous not positive). ``act_on`` has ``rank``, ``kind`` (one of
    :data:`ACT_ON_KINDS`), ``subject`` (a name or title), ``number`` (days or a count),
    ``value`` (money, when the item has one) and ``date``. ``beyond`` is the
    :func:`kamlib.account.risks.beyond_sales` view whose items joined the list (None without the
    beyond-sales tables), for a report that shows it too.
    """

    account_id: str
    name: str
    manager: str | None
    segment: str | None
    region: str | None
    cell: str | None
    key_types: tuple[str, ...]
    status: str
    status_reason: str
    status_days: float
    as_of: pd.Timestamp
    months: int
    figures: pd.DataFrame
    plan_year: int
    target: float
    target_source: str
    act_on: pd.DataFrame
    messages: tuple[str, ...] = ()
    parameters: dict[str, object] = field(default_factory=dict)
    lost_reason: str | None = None
    beyond: BeyondSales | None = None


def _text(value: object) -> str | None:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _window_sums(
    tx: pd.DataFrame, cts: pd.DataFrame | None, start: pd.Timestamp, end: pd.Timestamp
) -> tuple[float, float, float]:
    part = tx[(tx["date"] > start) & (tx["date"] <= end)]
    revenue = float(part["revenue"].sum())
    gp = gross_profit(part)
    if not len(part):
        profit = 0.0
    else:
        profit = float(gp.sum()) if gp.notna().all() else np.nan
    if cts is None:
        return revenue, profit, np.nan
    serve = cts[(cts["date"] > start) & (cts["date"] <= end)]["amount"].sum()
    return revenue, profit, profit - float(serve)


def _given(tables: dict[str, pd.DataFrame | None]) -> set[str]:
    """The "no ... table" phrases of the beyond-sales tables that were passed but are empty."""
    return {missing_head(name) for name, t in tables.items() if t is not None}


def _change(last: float, previous: float) -> float:
    if np.isfinite(previous) and previous > 0 and np.isfinite(last):
        return last / previous - 1
    return np.nan


def account_summary(
    account_id: str,
    *,
    transactions: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
    contacts: pd.DataFrame | None = None,
    meetings: pd.DataFrame | None = None,
    actions: pd.DataFrame | None = None,
    tenders: pd.DataFrame | None = None,
    competitors: pd.DataFrame | None = None,
    cost_to_serve: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    status: pd.DataFrame | None = None,
    cell: str | None = None,
    key_types: Iterable[str] = (),
    as_of: object = None,
    months: int = 12,
    plan_year: int | None = None,
    growth: float = 0.0,
    growing_above: float = 0.10,
    stale_days: int = 90,
    prep_months: int = 9,
    horizon_months: int = 0,
    min_margin: float = 0.15,
    competitor_share: float = 0.10,
    max_items: int = 5,
    deliveries: pd.DataFrame | None = None,
    complaints: pd.DataFrame | None = None,
    invoices: pd.DataFrame | None = None,
    contracts: pd.DataFrame | None = None,
    opportunities: pd.DataFrame | None = None,
) -> AccountSummary:
    """The one-screen summary of an account: who, status, the year, the target, what to act on.

    Parameters
    ----------
    account_id : str
        The account.
    transactions : DataFrame
        Canonical transactions.
    accounts, products, contacts, meetings, actions, tenders, competitors, cost_to_serve, targets
        Canonical tables; each may be None or empty, which leaves out what needs it (a message
        says so). Without `cost_to_serve` the contribution is not known (NaN).
    status : DataFrame, optional
        The portfolio's :func:`kamlib.client_status` (index ``account_id``); computed on the
        account's transactions when not given (the rule is per client, so the result is the
        same).
    cell : str, optional
        The account's ABC-XYZ cell, as the caller computed it.
    key_types : iterable of str
        The account's key-client types, as the caller computed them.
    as_of : date-like, optional
        End of the last window (inclusive); default the last date in `transactions`.
    months : int, default 12
        Length of each window.
    plan_year : int, optional
        Default: :func:`kamlib.account.targets.plan_year_of` of `as_of` (its year in
        January-June, the next year after).
    growth : float, default 0.0
        Growth of the computed target (see :func:`kamlib.account.targets.plan_target`).
    growing_above : float, default 0.10
        Revenue change above which an active account is "growing".
    stale_days, prep_months, horizon_months, min_margin, competitor_share
        Thresholds of the act-on items: decision maker not contacted for more days than this;
        tender preparation starts this many months before the tender (and tenders whose
        window opens within `horizon_months` count); price floor markup; smallest
        competitor's share of wallet worth naming.
    max_items : int, default 5
        Most act-on items shown.
    deliveries, complaints, invoices, contracts, opportunities : DataFrame, optional
        The beyond-sales tables; when any is given, the items of
        :func:`kamlib.account.risks.beyond_sales` join the act-on list (not known, and left
        out, for the ones not given).

    Returns
    -------
    AccountSummary

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A"] * 3, "revenue": [100.0, 150.0, 100.0],
    ...     "cost": [60.0, 90.0, 60.0],
    ...     "date": pd.to_datetime(["2024-06-01", "2025-03-01", "2025-06-01"])})
    >>> cts = pd.DataFrame({"account_id": ["A"], "date": pd.to_datetime(["2025-06-30"]),
    ...     "amount": [120.0]})
    >>> s = account_summary("A", transactions=tx, cost_to_serve=cts, as_of="2025-07-15")
    >>> s.status, s.target, s.target_source
    ('loss-making', 250.0, 'computed')
    >>> s.figures.loc["contribution", ["last", "previous"]].tolist()
    [-20.0, 40.0]
    """
    _require(transactions, ["account_id", "date", "revenue"], "transactions")
    if not isinstance(months, (int, np.integer)) or months < 1:
        raise ArgumentError(f"`months` must be a positive integer, got {months!r}")
    if not isinstance(max_items, (int, np.integer)) or max_items < 1:
        raise ArgumentError(f"`max_items` must be a positive integer, got {max_items!r}")
    as_of = analysis_date(transactions, as_of)
    year = int(plan_year) if plan_year is not None else plan_year_of(as_of)
    messages: list[str] = []
    tx = transactions[(transactions["account_id"] == account_id) & (transactions["date"] <= as_of)]

    rows = account_rows(accounts, account_id)
    row = rows.iloc[0] if rows is not None and len(rows) else pd.Series(dtype=object)
    name = _text(row.get("name")) or account_id

    if is_missing(cost_to_serve):
        cts = None
        messages.append(missing_table("cost-to-serve", _("contribution not known")))
    else:
        cts = cost_to_serve[cost_to_serve["account_id"] == account_id]
    start_last = as_of - pd.DateOffset(months=months)
    start_prev = start_last - pd.DateOffset(months=months)
    last = _window_sums(tx, cts, start_last, as_of)
    prev = _window_sums(tx, cts, start_prev, start_last)
    potential = pd.to_numeric(pd.Series([row.get("potential_budget")]), errors="coerce").iloc[0]
    share_last = last[0] / potential if np.isfinite(potential) and potential > 0 else np.nan
    share_prev = prev[0] / potential if np.isfinite(potential) and potential > 0 else np.nan
    figures = pd.DataFrame(
        {
            "last": [last[0], last[1], last[2], share_last],
            "previous": [prev[0], prev[1], prev[2], share_prev],
        },
        index=pd.Index(
            ["revenue", "gross_profit", "contribution", "share_of_wallet"], name="measure"
        ),
    )
    pairs = zip(figures["last"], figures["previous"], strict=True)
    figures["change"] = [_change(a, b) for a, b in pairs]

    if status is None or account_id not in status.index:
        status = client_status(tx, as_of=as_of) if len(tx) else None
    st = status.loc[account_id] if status is not None and account_id in status.index else None
    cadence = str(st["status"]) if st is not None else "no_purchase"
    first = pd.Timestamp(st["first_purchase"]) if st is not None else pd.NaT
    days = float(st["days_since_last"]) if st is not None else np.nan
    if cadence in ("lost", "no_purchase"):
        label, reason = "lost", "no purchase"
    elif np.isfinite(last[2]) and last[2] < 0:
        label, reason = "loss-making", "contribution"
    elif cadence == "at_risk":
        label, reason = "at risk", "silence"
    elif pd.notna(first) and first > start_last:
        label, reason = "new", "first purchase"
    elif np.isfinite(figures.loc["revenue", "change"]) and (
        figures.loc["revenue", "change"] > growing_above
    ):
        label, reason = "growing", "revenue"
    else:
        label, reason = "active", "purchases"

    target, source = plan_target(
        account_id,
        transactions=transactions,
        targets=targets,
        year=year,
        as_of=as_of,
        months=months,
        growth=growth,
    )

    items: list[dict[str, object]] = []
    if not is_missing(tenders):
        open_ = tender_windows(
            account_id,
            tenders=tenders,
            as_of=as_of,
            prep_months=prep_months,
            horizon_months=horizon_months,
        )
        open_ = open_[open_["window"] == "open"].sort_values("date", kind="stable")
        for _i, t in open_.iterrows():
            items.append(
                {
                    "kind": "tender",
                    "subject": _text(t["title"]) or _text(t["tender_id"]),
                    "number": float(t["days_to_tender"]),
                    "value": float(t["value"]),
                    "date": t["date"],
                }
            )
    else:
        messages.append(missing_table("tenders", _("tender windows not checked")))
    if not is_missing(contacts):
        roster = dmu_roster(account_id, contacts=contacts, as_of=as_of)
        deciders = roster[
            (roster["dmu_role"] == "decision maker") & (roster["days_since_contact"] > stale_days)
        ]
        for _i, c in deciders.iterrows():
            items.append(
                {
                    "kind": "decision maker",
                    "subject": _text(c["name"]),
                    "number": float(c["days_since_contact"]),
                    "value": np.nan,
                    "date": c["last_contact"],
                }
            )
    else:
        messages.append(missing_table("contacts", _("decision maker not checked")))
    if not is_missing(actions):
        acts = previous_actions(account_id, actions=actions, meetings=meetings, meeting_date=as_of)
        late = acts[acts["state"] == "overdue"]
        if len(late):
            oldest = late.sort_values("days_overdue", ascending=False, kind="stable").iloc[0]
            items.append(
                {
                    "kind": "overdue actions",
                    "subject": _text(oldest["description"]),
                    "number": float(len(late)),
                    "value": float(oldest["days_overdue"]),
                    "date": oldest["due_date"],
                }
            )
    else:
        messages.append(missing_table("actions", _("overdue actions not checked")))
    if "product_id" in tx.columns and len(tx):
        limits = negotiation_limits(
            account_id,
            transactions=transactions,
            products=products,
            as_of=as_of,
            min_margin=min_margin,
            months=months,
        )
        below = limits[limits["below_floor_now"].fillna(False).astype(bool)]
        if len(below):
            items.append(
                {
                    "kind": "below floor",
                    "subject": None,
                    "number": float(len(below)),
                    "value": float(below["revenue"].sum()),
                    "date": pd.NaT,
                }
            )
    if not is_missing(competitors):
        rivals = competitors_at(account_id, competitors=competitors)
        rivals = rivals[rivals["share_of_wallet"] >= competitor_share]
        if len(rivals):
            top = rivals.sort_values("share_of_wallet", ascending=False, kind="stable").iloc[0]
            items.append(
                {
                    "kind": "competitor",
                    "subject": _text(top["competitor"]),
                    "number": float(top["share_of_wallet"]),
                    "value": np.nan,
                    "date": pd.NaT,
                }
            )
    else:
        messages.append(missing_table("competitors", _("competitors not checked")))
    # --- issue 13: beyond sales (service, payments, contracts, deals) ----------------------
    beyond_tables = {
        "deliveries": deliveries,
        "complaints": complaints,
        "invoices": invoices,
        "contracts": contracts,
        "opportunities": opportunities,
    }
    beyond = None
    if any(t is not None for t in beyond_tables.values()):
        beyond = beyond_sales(
            account_id,
            transactions=transactions,
            meetings=meetings,
            cost_to_serve=cost_to_serve,
            as_of=as_of,
            months=months,
            **beyond_tables,
        )
        extra = beyond.act_on.to_dict("records")
        urgent = [i for i in extra if i["kind"] == "notice deadline"]
        later = [i for i in extra if i["kind"] != "notice deadline"]
        tenders_first = sum(1 for i in items if i["kind"] == "tender")
        rest = items[tenders_first:]
        before_rest = [i for i in rest if i["kind"] in ("decision maker", "overdue actions")]
        after_rest = [i for i in rest if i["kind"] not in ("decision maker", "overdue actions")]
        items = items[:tenders_first] + urgent + before_rest + later + after_rest
        given = _given(beyond_tables)
        messages += [m for m in beyond.messages if m.partition(": ")[0] in given]
    # --- end of issue 13 ------------------------------------------------------------------
    if label == "lost":  # win it back first; what only a live account needs is left out
        rival = next((i for i in items if i["kind"] == "competitor"), None)
        first = {
            "kind": "win back",
            "subject": rival["subject"] if rival else None,
            "number": days,
            "value": rival["number"] if rival else np.nan,
            "date": st["last_purchase"] if st is not None else pd.NaT,
        }
        order = [
            "tender",
            "decision maker",
            "overdue complaints",
            "late deliveries",
            "slow payer",
            "overdue actions",
        ]
        rest = [i for i in items if i["kind"] in order]
        rest.sort(key=lambda i: order.index(str(i["kind"])))
        items = [first, *rest]
    if label == "loss-making":  # the repair first: prices to the floor, then the cost to serve
        repair = [i for i in items if i["kind"] == "below floor"]
        repair.append(
            {
                "kind": "cost to serve",
                "subject": None,
                "number": float(months),
                "value": last[1] - last[2],
                "date": pd.NaT,
            }
        )
        items = repair + [i for i in items if i["kind"] != "below floor"]
    act_on = pd.DataFrame(items, columns=[c for c in _ACT_ON_COLUMNS if c != "rank"])
    act_on.insert(0, "rank", np.arange(1, len(act_on) + 1))
    act_on = act_on.head(max_items).astype(_ACT_ON_COLUMNS)

    return AccountSummary(
        account_id=account_id,
        name=name,
        manager=_text(row.get("manager")),
        segment=_text(row.get("industry")),
        region=_text(row.get("region")),
        cell=cell,
        key_types=tuple(key_types),
        status=label,
        status_reason=reason,
        status_days=days,
        as_of=as_of,
        months=months,
        figures=figures,
        plan_year=year,
        target=target,
        target_source=source,
        act_on=act_on,
        lost_reason=_text(row.get("lost_reason")) if label == "lost" else None,
        beyond=beyond,
        messages=tuple(messages),
        parameters={
            "as_of": as_of.date().isoformat(),
            "months": months,
            "plan_year": year,
            "growth": growth,
            "stale_days": stale_days,
            "prep_months": prep_months,
            "min_margin": min_margin,
            "competitor_share": competitor_share,
        },
    )

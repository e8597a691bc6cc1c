"""The annual-meeting brief: the nine parts of the preparation, tenders and the follow-up.

Method (docs/methods.md, "Annual meeting and development plan"); every number comes from the
tables passed in:

1. **Financial report**: revenue, gross profit, margin by year and quarter, product mix, plan
   vs actual where targets exist (:func:`financial_report`).
2. **Previous meeting** (:func:`kamlib.account.followup.previous_actions`).
3. **Work plan and the client's expectations**: the running plan (targets of the year before
   the plan year) against actual, and the outcomes of the latest meetings.
4. **Our expectations**: the one plan-year target of
   :func:`kamlib.account.targets.plan_target` (the targets table's total, else last 12
   months' revenue x (1 + growth)), with its source: the same figure as the account summary
   and the development plan. The lines shown are the targets table's, or the target spread
   over the products by :func:`kamlib.account.targets.spread_target`.
5. **Arguments** (:func:`kamlib.account.proposal.proposal_arguments`).
6. **Negotiation limits** (:func:`kamlib.account.pricing.negotiation_limits`).
7. **What-if** (:func:`kamlib.account.pricing.what_if`).
8. **Decision tools**: the notebook's widget over the what-if; reports show the static table.
9. **Draft proposal** (:func:`kamlib.account.proposal.draft_proposal`).

Also the tender windows, the contract renewals whose notice deadline falls in the same
preparation span (:func:`kamlib.account.followup.renewal_windows`, marked when the deadline
comes before the client's next annual meeting), the follow-up schedule
(:mod:`kamlib.account.followup`), and
the account summary that opens the report (:func:`kamlib.account.summary.account_summary`).

Sales figures are cut at ``as_of``, the day the data is cut: the one given (a report passes the
same ``as_of`` to :func:`kamlib.account.dossier.account_dossier`), else the meeting date or the
last transaction date, whichever is earlier. Actions and tenders are judged at the meeting date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kamlib.account.dmu import dmu_roster
from kamlib.account.dossier import revenue_history
from kamlib.account.followup import (
    follow_up_schedule,
    previous_actions,
    renewal_windows,
    tender_windows,
)
from kamlib.account.messages import missing_table
from kamlib.account.pricing import discount_grid, negotiation_limits, what_if_table
from kamlib.account.proposal import Proposal, draft_proposal, proposal_arguments
from kamlib.account.risks import next_annual_meetings
from kamlib.account.summary import AccountSummary, account_summary
from kamlib.account.targets import plan_vs_actual, plan_year_of, spread_target
from kamlib.errors import ArgumentError, InputError, Problem
from kamlib.language import N_, ngettext
from kamlib.language import gettext as _
from kamlib.schema import account_rows, empty_frame, gross_profit, is_missing
from kamlib.schema import require_columns as _require
from kamlib.window import analysis_date, renamed_months

__all__ = [
    "FinancialReport",
    "MeetingBrief",
    "financial_report",
    "meeting_brief",
]


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
        :func:`kamlib.account.targets.plan_vs_actual`).

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
    gp = gross_profit(tx)
    frame = pd.DataFrame(
        {
            "year": tx["date"].dt.year.astype("Int64"),
            "quarter": tx["date"].dt.quarter.astype("Int64"),
            "revenue": tx["revenue"],
            "gross_profit": gp,
            "gp_revenue": tx["revenue"].where(gp.notna()),
            "quantity": tx["quantity"] if "quantity" in tx.columns else np.nan,
            "order": tx["order_id"] if "order_id" in tx.columns else np.nan,
        }
    )

    def summarise(keys: list[str]) -> pd.DataFrame:
        grouped = frame.groupby(keys)
        out = grouped[["revenue", "gross_profit", "gp_revenue", "quantity"]].sum(min_count=1)
        out["revenue"] = out["revenue"].fillna(0.0)
        out["margin"] = out["gross_profit"] / out["gp_revenue"].where(out["gp_revenue"] != 0)
        orders = grouped["order"].nunique()
        out["orders"] = orders.where(grouped["order"].count() > 0)  # no order ids: not known
        return out.drop(columns="gp_revenue").reset_index()

    by_year = summarise(["year"])
    previous = by_year["revenue"].shift(1).where(by_year["year"].diff() == 1)
    # the year of `as_of` is cut short: it is compared with the same dates of the year before
    partial = (by_year["year"] == as_of.year) & ((as_of.month, as_of.day) != (12, 31))
    if partial.any():
        before = tx[
            (tx["date"].dt.year == as_of.year - 1) & (tx["date"] <= as_of - pd.DateOffset(years=1))
        ]
        previous = previous.where(~partial, before["revenue"].sum() if len(before) else np.nan)
    by_year["revenue_growth"] = (by_year["revenue"] - previous) / previous.where(previous > 0)
    by_year["through"] = pd.to_datetime(by_year["year"].astype(str) + "-12-31").where(
        ~partial, as_of.normalize()
    )
    by_year = by_year[
        [
            "year",
            "through",
            "revenue",
            "gross_profit",
            "margin",
            "quantity",
            "orders",
            "revenue_growth",
        ]
    ]
    by_quarter = summarise(["year", "quarter"])[
        ["year", "quarter", "revenue", "gross_profit", "margin"]
    ]
    mix = revenue_history(account_id, transactions=transactions, products=products, as_of=as_of)
    own = account_rows(targets, account_id)
    if own is None or own.empty:
        own = empty_frame("targets")
    own = own[own["year"] <= as_of.year]
    pva = plan_vs_actual(own, transactions=transactions, products=products, as_of=as_of)
    return FinancialReport(
        by_year=by_year, by_quarter=by_quarter, product_mix=mix, plan_vs_actual=pva
    )


@dataclass(frozen=True)
class MeetingBrief:
    """The annual-meeting brief of one account (see :func:`meeting_brief`).

    ``sections`` lists the nine parts in order with their titles; ``messages`` says which
    parts were reduced for lack of a table; ``parameters`` lists every threshold used;
    ``renewals`` the contracts to renew in the preparation span
    (:func:`kamlib.account.followup.renewal_windows`; empty without a contracts table).
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
    summary: AccountSummary | None = None
    target: float = float("nan")
    target_source: str = ""
    renewals: pd.DataFrame | None = None

    @property
    def sections(self) -> list[tuple[str, object]]:
        """The nine parts of the brief, in order, as (title, data); titles in the reader's language."""
        return [
            (_("1. Financial report of the activity"), self.financial),
            (_("2. Results of the previous meeting"), self.previous_actions),
            (
                _("3. Actual work plan and the client's expectations"),
                (self.work_plan, self.client_expectations),
            ),
            (_("4. Our expectations"), self.our_expectations),
            (_("5. Arguments for our proposal"), self.arguments),
            (_("6. Negotiation limits"), self.limits),
            (_("7. Arguments for prices, conditions and volumes (what-if)"), self.what_if),
            (_("8. Decision tools"), self.what_if),
            (_("9. Draft proposal"), self.proposal),
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
    cost_to_serve: pd.DataFrame | None = None,
    meeting_date: object,
    as_of: object = None,
    plan_year: int | None = None,
    min_margin: float = 0.15,
    max_discount: float = 0.10,
    validity_days: int = 30,
    growth: float | Mapping[str, float] | None = None,
    cell: str | None = None,
    key_types: Iterable[str] = (),
    months: int = 12,
    window_months: int | None = None,
    recent_meetings: int = 3,
    prep_months: int = 9,
    horizon_months: int = 3,
    holidays: Iterable[object] = (),
    deliveries: pd.DataFrame | None = None,
    complaints: pd.DataFrame | None = None,
    invoices: pd.DataFrame | None = None,
    contracts: pd.DataFrame | None = None,
    opportunities: pd.DataFrame | None = None,
) -> MeetingBrief:
    """Assemble the annual-meeting brief of one account for a meeting date.

    Our expectations (part 4) are the one target of the plan year
    (:func:`kamlib.account.targets.plan_target`: the targets table's total when it has the
    account and year, else the last `months` months' revenue x (1 + `growth`)), in
    ``target`` and ``target_source``; the account summary and the development plan show the
    same figure. The proposal (part 9) is drafted for the account's situation: win-back for a
    lost account, repair for a loss-making one (contribution after cost to serve below 0).

    Parameters
    ----------
    account_id : str
        The account.
    transactions, products, accounts, contacts, meetings, actions, targets, tenders, competitors
        Canonical tables; every one but transactions may be None or empty, which reduces the
        parts that need it (with a message in ``messages``).
    cost_to_serve : DataFrame, optional
        Canonical cost-to-serve lines: contribution after cost to serve in the summary and
        the proposal; without it contribution is not known.
    meeting_date : date-like
        Date of the meeting (actions, tenders, the roster and the proposal's expiry follow it).
    as_of : date-like, optional
        The day the data is cut: every sales figure counts transactions up to this day. Pass
        the ``as_of`` of the report's dossier (:func:`kamlib.account.dossier.account_dossier`)
        so both show the same figures. Default: the meeting date or the day of the last
        transaction, whichever is earlier.
    plan_year : int, optional
        Year the meeting plans; default the next year for meetings in July-December, the
        meeting's own year for January-June.
    min_margin, max_discount, validity_days
        Price floor markup, largest discount, validity of the proposal in days.
    growth : float, optional
        Growth of the computed target when the targets table has none for the plan year
        (default 0: last year's revenue); see :func:`kamlib.account.targets.plan_target`.
    cell : str, optional
        The account's ABC-XYZ cell (shown in the internal summary, never to the client).
    key_types : iterable of str
        The account's key-client types (shown in the internal summary).
    months : int, default 12
        Window for current prices, volumes and arguments.
    window_months : int, optional
        Deprecated spelling of `months` (warns).
    recent_meetings : int, default 3
        How many past meetings show the client's expectations.
    prep_months, horizon_months : int
        Tender preparation window and look-ahead.
    holidays : iterable of date-like
        Non-working days for the follow-up schedule.
    deliveries, complaints, invoices, contracts, opportunities : DataFrame, optional
        The beyond-sales tables (issue 13), passed to
        :func:`kamlib.account.summary.account_summary`: their items to act on join the
        summary's list. `contracts` also gives ``renewals``, the notice deadlines of the
        preparation span (`prep_months`).

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
    >>> meeting_brief("A", transactions=tx, products=None, meeting_date="2025-11-20",
    ...               as_of="2024-12-31").financial.by_year["revenue"].tolist()
    [1500.0]
    """
    months = renamed_months(months, window_months, "meeting_brief")
    _require(transactions, ["account_id", "date", "revenue"], "transactions")
    meeting = pd.Timestamp(meeting_date).normalize()
    known = transactions["account_id"].eq(account_id).any()
    if not known and not (
        account_rows(accounts, account_id) is not None and len(account_rows(accounts, account_id))
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
    if isinstance(growth, Mapping):
        raise ArgumentError(
            "`growth` must be one rate for the account's target; per-product rates belong to "
            "the development plan"
        )
    as_of = _data_as_of(transactions, meeting, as_of)
    year = int(plan_year) if plan_year is not None else plan_year_of(meeting)
    messages: list[str] = []
    for table, frame, text in (
        (
            "products",
            products,
            N_("no categories or list prices; unit costs from transaction costs"),
        ),
        ("accounts", accounts, N_("share of wallet from competitors only")),
        ("contacts", contacts, N_("arguments not assigned to named contacts")),
        ("meetings", meetings, N_("no previous meeting: recent and open actions listed instead")),
        ("actions", actions, N_("previous meeting's actions and service record skipped")),
        ("targets", targets, N_("plan vs actual skipped; our expectations computed from history")),
        ("tenders", tenders, N_("tender windows skipped")),
        ("competitors", competitors, N_("competitors' shares unknown")),
    ):
        if is_missing(frame):
            messages.append(missing_table(table, _(text)))

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
    summary = account_summary(
        account_id,
        transactions=transactions,
        accounts=accounts,
        products=products,
        contacts=contacts,
        meetings=meetings,
        actions=actions,
        tenders=tenders,
        competitors=competitors,
        cost_to_serve=cost_to_serve,
        targets=targets,
        cell=cell,
        key_types=key_types,
        as_of=as_of,
        months=months,
        plan_year=year,
        growth=0.0 if growth is None else float(growth),
        prep_months=prep_months,
        min_margin=min_margin,
        # issue 13: the beyond-sales tables join the summary's act-on list when given
        deliveries=deliveries,
        complaints=complaints,
        invoices=invoices,
        contracts=contracts,
        opportunities=opportunities,
    )
    target, source = summary.target, summary.target_source
    spread = spread_target(
        account_id,
        transactions=transactions,
        products=products,
        target=target,
        year=year,
        as_of=as_of,
        months=months,
    )
    recorded = account_rows(targets, account_id)
    recorded = recorded[recorded["year"] == year] if recorded is not None else None
    if source == "targets table" and recorded is not None and not recorded.empty:
        ours = recorded.reset_index(drop=True).assign(source="targets table")
    else:
        ours = spread.assign(source="computed")
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
        months=months,
    )
    limits = negotiation_limits(
        account_id,
        transactions=transactions,
        products=products,
        as_of=as_of,
        min_margin=min_margin,
        max_discount=max_discount,
        months=months,
    )
    if limits.empty:
        own_lines = account_rows(transactions, account_id)
        if len(own_lines) and (
            "product_id" not in own_lines or own_lines["product_id"].isna().all()
        ):
            messages.append(_("no product on the transaction lines: no limits or proposal lines"))
        else:
            text = ngettext(
                "no purchases in the last {months} months: no limits or proposal lines",
                "no purchases in the last {months} months: no limits or proposal lines",
                months,
            )
            messages.append(text.format(months=months))
    grid = discount_grid(None, max_discount, 0.01)
    table = what_if_table(limits, grid, min_margin)
    roster = dmu_roster(account_id, contacts=contacts, as_of=meeting)
    serve = (
        summary.figures.loc["gross_profit", "last"] - summary.figures.loc["contribution", "last"]
    )
    situation = {"lost": "win-back", "loss-making": "repair"}.get(summary.status)
    proposal = draft_proposal(
        account_id,
        limits,
        meeting_date=meeting,
        cost_to_serve=None if pd.isna(serve) else float(serve),
        situation=situation,
        roster=roster,
        arguments=args,
        validity_days=validity_days,
        cell=cell,
    )
    messages.extend(proposal.messages)
    renewals = renewal_windows(
        account_id,
        contracts=contracts,
        as_of=meeting,
        next_meeting=next_annual_meetings(meetings, [account_id], as_of=meeting).iloc[0],
        prep_months=prep_months,
    )
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
        summary=summary,
        target=target,
        target_source=source,
        renewals=renewals,
        parameters={
            "meeting_date": meeting.date().isoformat(),
            "as_of": as_of.date().isoformat(),
            "plan_year": year,
            "min_margin": min_margin,
            "max_discount": max_discount,
            "validity_days": validity_days,
            "window_months": months,
            "prep_months": prep_months,
            "horizon_months": horizon_months,
        },
    )


def _running_targets(targets: pd.DataFrame | None, account_id: str, year: int) -> pd.DataFrame:
    own = account_rows(targets, account_id)
    if own is None or own.empty:
        return empty_frame("targets")
    return own[own["year"] == year]


def _client_expectations(
    account_id: str, meetings: pd.DataFrame | None, meeting: pd.Timestamp, n: int
) -> pd.DataFrame:
    columns = {"date": "datetime64[us]", "type": "str", "summary": "str", "outcome": "str"}
    rows = account_rows(meetings, account_id)
    if rows is None or rows.empty:
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in columns.items()})
    past = rows[rows["date"] < meeting].reindex(columns=list(columns)).astype(columns)
    return past.sort_values("date", ascending=False, kind="stable").head(n).reset_index(drop=True)


def _data_as_of(transactions: pd.DataFrame, meeting: pd.Timestamp, as_of: object) -> pd.Timestamp:
    """`as_of` as a day; by default the meeting date or the last transaction day, the earlier."""
    if as_of is not None:
        return analysis_date(transactions, as_of)
    last = transactions["date"].max() if len(transactions) else pd.NaT
    return meeting if pd.isna(last) else min(meeting, pd.Timestamp(last).normalize())

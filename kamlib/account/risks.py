"""What loses and keeps a client beyond sales: service, payments, contracts and big deals.

One place that the brief, the summary and the portfolio report call for the four optional
tables (``deliveries`` and ``complaints``, ``invoices``, ``contracts``, ``opportunities``):

- :func:`beyond_sales`: one account's service levels and trend, payment behaviour with the
  contribution before and after the cost of capital, contracts with their notice deadlines
  against the next annual meeting, and the open deals; plus the items to act on, in the
  columns of the summary's act-on list (:data:`BEYOND_KINDS`).
- :func:`key_account_risks`: the same measures for many accounts, one row each, with the
  manager; :func:`risks_by_manager` counts them per account manager.
- :func:`next_annual_meetings`: each client's next annual meeting, on its usual day
  (:func:`kamlib.account.contacts.usual_meeting_day`); :func:`notices_before_meetings`: the
  contracts of some accounts (the run's index: the key accounts) whose notice deadline falls
  before that meeting.

A missing table is *not known* (the messages say which), never "no problem".
Method: docs/methods.md, "Beyond sales".
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kamlib.account.contacts import usual_meeting_day
from kamlib.account.messages import missing_table
from kamlib.errors import ArgumentError
from kamlib.language import N_, pgettext
from kamlib.language import gettext as _
from kamlib.portfolio.clients import client_groups
from kamlib.portfolio.contracts import contract_deadlines, contract_terms
from kamlib.portfolio.deals import deal_pipeline, open_deals
from kamlib.portfolio.payments import CAPITAL_RATE, payment_behaviour, terms_lever
from kamlib.portfolio.profitability import client_pnl
from kamlib.portfolio.service import service_levels, service_trend
from kamlib.schema import is_missing
from kamlib.window import analysis_date

__all__ = [
    "BEYOND_KINDS",
    "BeyondSales",
    "beyond_sales",
    "key_account_risks",
    "next_annual_meetings",
    "notices_before_meetings",
    "risks_by_manager",
]

BEYOND_KINDS = (
    "notice deadline",
    "late deliveries",
    "overdue complaints",
    "slow payer",
    "capital cost",
    "large deal",
)
"""The kinds of act-on items beyond sales, in the order they are ranked."""

_ACT_ON_COLUMNS = {
    "kind": "str",
    "subject": "str",
    "number": "float64",
    "value": "float64",
    "date": "datetime64[us]",
}

#: What is not known without each beyond-sales table (after "no <table> table: ").
_MESSAGES = {
    "deliveries": N_("on-time-in-full delivery not known"),
    "complaints": N_("complaints not known"),
    "invoices": N_("payment behaviour and the cost of capital not known"),
    "contracts": N_("renewals and notice deadlines not known"),
    "opportunities": N_("the pipeline of deals not known"),
}


def next_annual_meetings(
    meetings: pd.DataFrame | None, accounts: Iterable[str], *, as_of: object
) -> pd.Series:
    """Each client's next annual meeting after `as_of`, on its usual month and day.

    The usual day is :func:`kamlib.account.contacts.usual_meeting_day` (the client's own annual
    meetings, else the portfolio's); the next one is that day in the year of `as_of`, or the
    year after when it is not after `as_of`. NaT when there are no annual meetings at all.

    Parameters
    ----------
    meetings : DataFrame or None
        Canonical meetings (``account_id``, ``date``, ``type``).
    accounts : iterable of str
        The clients.
    as_of : date-like
        The analysis date.

    Returns
    -------
    Series
        Date per client (index ``account_id``).

    Examples
    --------
    >>> m = pd.DataFrame({"account_id": ["A", "A"], "type": ["annual", "annual"],
    ...     "date": pd.to_datetime(["2024-01-12", "2025-01-06"])})
    >>> next_annual_meetings(m, ["A", "B"], as_of="2025-12-31").dt.date.tolist()
    [datetime.date(2026, 1, 9), datetime.date(2026, 1, 9)]
    """
    as_of = analysis_date(None, as_of)
    ids = [str(a) for a in accounts]
    out = pd.Series(
        pd.NaT, index=pd.Index(ids, name="account_id", dtype="str"), dtype="datetime64[us]"
    )
    if is_missing(meetings):
        return out
    for a in ids:
        usual = usual_meeting_day(meetings, a)
        if usual is None:
            continue
        year = as_of.year
        for y in (year, year + 1):
            day = min(usual.day, calendar.monthrange(y, usual.month)[1])
            when = pd.Timestamp(y, usual.month, day)
            if when > as_of:
                out[a] = when
                break
    return out


def notices_before_meetings(
    account_ids: Iterable[str],
    *,
    contracts: pd.DataFrame | None,
    meetings: pd.DataFrame | None,
    as_of: object,
) -> pd.DataFrame:
    """The contracts whose notice deadline falls before the client's next annual meeting.

    The deadline is after `as_of` and before :func:`next_annual_meetings`
    (:func:`kamlib.portfolio.contracts.contract_terms`, ``notice_before_meeting``): the renewal
    is decided before anyone talks about it at the meeting.

    Parameters
    ----------
    account_ids : iterable of str
        The accounts to look at (e.g. the key accounts).
    contracts, meetings : DataFrame or None
        Canonical tables; without contracts nothing is known (no rows), without annual
        meetings no meeting date is known (no rows).
    as_of : date-like
        The analysis date.

    Returns
    -------
    DataFrame
        ``account_id``, ``contract_id``, ``title``, ``notice_deadline``, ``next_meeting``,
        one row per contract, by deadline.

    Examples
    --------
    >>> import kamlib
    >>> ws = kamlib.load_workspace("data/sample")
    >>> n = notices_before_meetings(["C0027", "C0105"], contracts=ws.contracts,
    ...     meetings=ws.meetings, as_of=ws.as_of)
    >>> n[["account_id", "notice_deadline", "next_meeting"]]
      account_id notice_deadline next_meeting
    0      C0105      2026-01-02   2026-01-09
    """
    ids = [str(a) for a in account_ids]
    columns = ["account_id", "contract_id", "title", "notice_deadline", "next_meeting"]
    rows = None if is_missing(contracts) else contracts[contracts["account_id"].isin(ids)]
    if is_missing(rows):
        return contract_terms(None, as_of=as_of)[columns]
    meeting = next_annual_meetings(meetings, sorted(set(rows["account_id"])), as_of=as_of)
    terms = contract_terms(rows, as_of=as_of, next_meetings=meeting)
    due = terms[terms["notice_before_meeting"].fillna(False).astype(bool)]
    return due[columns].reset_index(drop=True)


@dataclass(frozen=True)
class BeyondSales:
    """One account beyond sales (see :func:`beyond_sales`).

    ``service`` and ``payments`` are the account's row of :func:`kamlib.portfolio.service.
    service_levels` and :func:`kamlib.portfolio.payments.payment_behaviour` (NaN/NA where not
    known); ``service_trend`` the quarters of :func:`~kamlib.portfolio.service.service_trend`;
    ``contribution`` has ``contribution`` (after cost to serve), ``capital_cost`` and
    ``after_capital`` of the window (NaN when not known); ``contracts`` the account's rows of
    :func:`~kamlib.portfolio.contracts.contract_terms`; ``deals`` its open deals
    (:func:`~kamlib.portfolio.deals.open_deals`) and ``pipeline`` its row of
    :func:`~kamlib.portfolio.deals.deal_pipeline`; ``act_on`` the items to act on, columns
    ``kind`` (one of :data:`BEYOND_KINDS`), ``subject``, ``number``, ``value``, ``date``;
    ``terms_lever`` what longer or shorter payment terms are worth
    (:func:`~kamlib.portfolio.payments.terms_lever` on the revenue of the last 12 months);
    ``missing`` the optional tables the workspace lacks (their measures are not known).
    """

    account_id: str
    as_of: pd.Timestamp
    months: int
    service: pd.Series
    service_trend: pd.DataFrame
    payments: pd.Series
    contribution: pd.Series
    contracts: pd.DataFrame
    next_meeting: pd.Timestamp
    deals: pd.DataFrame
    pipeline: pd.Series
    act_on: pd.DataFrame
    terms_lever: pd.DataFrame
    missing: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()
    parameters: dict[str, object] = field(default_factory=dict)


def _tables(**tables: pd.DataFrame | None) -> tuple[dict[str, pd.DataFrame | None], list[str]]:
    missing = [name for name, frame in tables.items() if is_missing(frame)]
    return {k: (None if is_missing(v) else v) for k, v in tables.items()}, missing


def _contribution(
    transactions: pd.DataFrame,
    cost_to_serve: pd.DataFrame | None,
    invoices: pd.DataFrame | None,
    *,
    as_of: pd.Timestamp,
    months: int,
    rate: float,
) -> pd.DataFrame:
    """Contribution after cost to serve, the capital cost and what is left, per client."""
    cols = ["contribution", "capital_cost", "after_capital"]
    if transactions is None or transactions.empty:
        return pd.DataFrame(columns=cols, dtype="float64")
    pnl = client_pnl(transactions, cost_to_serve, as_of=as_of, months=months)
    out = pd.DataFrame(index=pnl.index)
    known_cts = not is_missing(cost_to_serve)
    out["contribution"] = pnl["contribution"] if known_cts else np.nan
    if invoices is None:
        out["capital_cost"] = np.nan
    else:
        withcap = client_pnl(
            transactions,
            cost_to_serve,
            as_of=as_of,
            months=months,
            invoices=invoices,
            capital_rate=rate,
        )
        out = out.reindex(withcap.index)
        if known_cts:
            out["contribution"] = withcap["contribution"] + withcap["capital_cost"]
        out["capital_cost"] = withcap["capital_cost"]
    out["after_capital"] = out["contribution"] - out["capital_cost"]
    return out.astype("float64")


def _true(value: object) -> bool:
    """True for a true flag; False for false, NA and None (a flag that is not known)."""
    return value is not None and not pd.isna(value) and bool(value)


def _items(
    account_id: str,
    service: pd.Series,
    payments: pd.Series,
    contribution: pd.Series,
    contracts: pd.DataFrame,
    pipeline: pd.Series,
    *,
    as_of: pd.Timestamp,
    deadline_days: int,
) -> pd.DataFrame:
    items: list[dict[str, object]] = []
    if len(contracts):
        soon = contracts[
            contracts["notice_deadline"].notna()
            & (contracts["notice_deadline"] >= as_of)
            & (
                contracts["notice_before_meeting"].fillna(False).astype(bool)
                | (contracts["days_to_deadline"] <= deadline_days)
            )
        ]
        for _i, k in soon.iterrows():
            items.append(
                {
                    "kind": "notice deadline",
                    "subject": k["title"] if pd.notna(k["title"]) else k["contract_id"],
                    "number": float(k["days_to_deadline"]),
                    "value": np.nan,
                    "date": k["notice_deadline"],
                }
            )
    if _true(service.get("late_deliveries")):
        items.append(
            {
                "kind": "late deliveries",
                "subject": None,
                "number": float(service["otif"]),
                "value": float(service["deliveries"]),
                "date": pd.NaT,
            }
        )
    if _true(service.get("overdue_complaints")):
        items.append(
            {
                "kind": "overdue complaints",
                "subject": None,
                "number": float(service["complaints_overdue"]),
                "value": float(service["complaints_open"]),
                "date": pd.NaT,
            }
        )
    if payments.get("behaviour") == "slow":
        items.append(
            {
                "kind": "slow payer",
                "subject": None,
                "number": float(payments["days_late"]),
                "value": float(payments["overdue_amount"]),
                "date": pd.NaT,
            }
        )
    before, after = contribution.get("contribution"), contribution.get("after_capital")
    known = before is not None and after is not None and np.isfinite([before, after]).all()
    if known and before >= 0 and after < 0:
        items.append(
            {
                "kind": "capital cost",
                "subject": None,
                "number": float(after),
                "value": float(contribution["capital_cost"]),
                "date": pd.NaT,
            }
        )
    if _true(pipeline.get("large_deal")):
        items.append(
            {
                "kind": "large deal",
                "subject": pipeline["largest_title"],
                "number": float(pipeline["largest_value"]),
                "value": float(pipeline["weighted_value"]),
                "date": pipeline["largest_close"],
            }
        )
    frame = pd.DataFrame(items, columns=list(_ACT_ON_COLUMNS))
    return frame.astype(_ACT_ON_COLUMNS)


def _row(frame: pd.DataFrame, account_id: str) -> pd.Series:
    if account_id in frame.index:
        row = frame.loc[account_id]
    else:
        row = pd.Series(pd.NA, index=frame.columns, dtype=object)
    return pd.Series({k: (None if v is pd.NA else v) for k, v in row.items()}, dtype=object)


def beyond_sales(
    account_id: str,
    *,
    transactions: pd.DataFrame,
    deliveries: pd.DataFrame | None = None,
    complaints: pd.DataFrame | None = None,
    invoices: pd.DataFrame | None = None,
    contracts: pd.DataFrame | None = None,
    opportunities: pd.DataFrame | None = None,
    meetings: pd.DataFrame | None = None,
    cost_to_serve: pd.DataFrame | None = None,
    as_of: object = None,
    months: int = 12,
    capital_rate: float = CAPITAL_RATE,
    min_otif: float = 0.85,
    resolve_days: int = 30,
    deadline_days: int = 90,
    large_share: float = 0.25,
) -> BeyondSales:
    """Service, payments, contracts and deals of one account, and what to act on.

    Parameters
    ----------
    account_id : str
        The account.
    transactions : DataFrame
        Canonical transactions (for the contribution and the large-deal rule).
    deliveries, complaints, invoices, contracts, opportunities, meetings, cost_to_serve
        Canonical tables; None or empty: not known (a message says so).
    as_of : date-like, optional
        The analysis date; default the last transaction date.
    months : int, default 12
        The window of the service, payment and contribution figures.
    capital_rate : float, default 0.08
        Annual cost of capital (:data:`kamlib.portfolio.payments.CAPITAL_RATE`).
    min_otif, resolve_days
        Service thresholds (:func:`kamlib.portfolio.service.service_levels`).
    deadline_days : int, default 90
        A notice deadline within this many days is an act-on item even after the meeting.
    large_share : float, default 0.25
        Large-deal rule (:func:`kamlib.portfolio.deals.deal_pipeline`).

    Returns
    -------
    BeyondSales

    Examples
    --------
    >>> import kamlib
    >>> ws = kamlib.load_workspace("data/sample")
    >>> b = beyond_sales("C0105", transactions=ws.transactions, contracts=ws.contracts,
    ...                  meetings=ws.meetings, as_of=ws.as_of)
    >>> b.act_on["kind"].tolist(), b.act_on["date"].dt.date.tolist()
    (['notice deadline'], [datetime.date(2026, 1, 2)])
    >>> b.messages[0]
    'no deliveries table: on-time-in-full delivery not known'
    """
    if isinstance(deadline_days, bool) or not isinstance(deadline_days, (int, np.integer)):
        raise ArgumentError(f"`deadline_days` must be a whole number, got {deadline_days!r}")
    as_of = analysis_date(transactions, as_of)
    t, missing = _tables(
        deliveries=deliveries,
        complaints=complaints,
        invoices=invoices,
        contracts=contracts,
        opportunities=opportunities,
    )
    ids = [str(account_id)]
    service = service_levels(
        t["deliveries"],
        t["complaints"],
        as_of=as_of,
        months=months,
        accounts=ids,
        min_otif=min_otif,
        resolve_days=resolve_days,
    )
    trend = service_trend(
        account_id, deliveries=t["deliveries"], complaints=t["complaints"], as_of=as_of
    )
    payments = payment_behaviour(
        t["invoices"], as_of=as_of, months=months, accounts=ids, rate=capital_rate
    )
    tx = transactions[transactions["account_id"] == account_id]
    cts = None if is_missing(cost_to_serve) else cost_to_serve
    contribution = _contribution(
        tx, cts, t["invoices"], as_of=as_of, months=months, rate=capital_rate
    )
    meeting = next_annual_meetings(meetings, ids, as_of=as_of)
    terms = contract_terms(t["contracts"], as_of=as_of, next_meetings=meeting)
    terms = terms[terms["account_id"] == account_id].reset_index(drop=True)
    deals = open_deals(t["opportunities"], as_of=as_of)
    deals = deals[deals["account_id"] == account_id].reset_index(drop=True)
    revenue = tx[tx["date"] > as_of - pd.DateOffset(months=12)]
    revenue = revenue[revenue["date"] <= as_of].groupby("account_id")["revenue"].sum()
    pipeline = deal_pipeline(
        t["opportunities"], as_of=as_of, accounts=ids, revenue=revenue, large_share=large_share
    )
    s_row, p_row = _row(service, account_id), _row(payments, account_id)
    c_row, d_row = _row(contribution, account_id), _row(pipeline, account_id)
    if not len(contribution.columns):
        c_row = pd.Series(
            {"contribution": np.nan, "capital_cost": np.nan, "after_capital": np.nan},
            dtype=object,
        )
    act_on = _items(
        account_id, s_row, p_row, c_row, terms, d_row, as_of=as_of, deadline_days=deadline_days
    )
    return BeyondSales(
        account_id=account_id,
        as_of=as_of,
        months=months,
        service=s_row,
        service_trend=trend,
        payments=p_row,
        contribution=c_row,
        contracts=terms,
        next_meeting=meeting.iloc[0],
        deals=deals,
        pipeline=d_row,
        act_on=act_on,
        terms_lever=terms_lever(float(revenue.get(account_id, 0.0)), rate=capital_rate),
        missing=tuple(missing),
        messages=tuple(missing_table(name, _(_MESSAGES[name])) for name in missing),
        parameters={
            "as_of": as_of.date().isoformat(),
            "months": months,
            "capital_rate": capital_rate,
            "min_otif": min_otif,
            "resolve_days": resolve_days,
            "deadline_days": deadline_days,
            "large_share": large_share,
        },
    )


RISK_COLUMNS = (
    "name",
    "manager",
    "otif",
    "otif_change",
    "complaints_open",
    "complaints_overdue",
    "service_risk",
    "dso",
    "overdue_amount",
    "behaviour",
    "contribution",
    "capital_cost",
    "after_capital",
    "notice_deadline",
    "notice_before_meeting",
    "open_deals",
    "weighted_value",
    "largest_value",
    "large_deal",
)


def _with_groups(frame: pd.DataFrame | None, groups: pd.Series) -> pd.DataFrame | None:
    """`frame` plus a copy of its members' rows under their group id (``account_id``)."""
    if is_missing(frame) or groups.empty:
        return frame
    group = frame["account_id"].astype("str").map(groups)
    members = frame[group.notna().to_numpy()].assign(account_id=group.dropna().to_numpy())
    return pd.concat([frame, members], ignore_index=True)


def key_account_risks(
    account_ids: Iterable[str],
    *,
    transactions: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    deliveries: pd.DataFrame | None = None,
    complaints: pd.DataFrame | None = None,
    invoices: pd.DataFrame | None = None,
    contracts: pd.DataFrame | None = None,
    opportunities: pd.DataFrame | None = None,
    meetings: pd.DataFrame | None = None,
    cost_to_serve: pd.DataFrame | None = None,
    as_of: object = None,
    months: int = 12,
    capital_rate: float = CAPITAL_RATE,
    min_otif: float = 0.85,
    resolve_days: int = 30,
    large_share: float = 0.25,
) -> pd.DataFrame:
    """Service, payment, contract and deal risks of many accounts, one row each.

    Parameters
    ----------
    account_ids : iterable of str
        The accounts (e.g. the key accounts), in the order of the rows.
    transactions, accounts, deliveries, complaints, invoices, contracts, opportunities,
    meetings, cost_to_serve
        Canonical tables; None or empty: not known (NaN/NA in their columns).
    as_of, months, capital_rate, min_otif, resolve_days, large_share
        As in :func:`beyond_sales`.

    A group id among `account_ids` (a key client rolled up from accounts with the same
    ``parent_id``, as :func:`kamlib.portfolio.clients.key_clients` gives them) is measured on
    its members' rows taken together: their deliveries and complaints, invoices,
    contribution, contracts (the next notice deadline) and deals; its ``name`` lists the
    members ("group: ...") and ``manager`` their managers.

    Returns
    -------
    DataFrame
        Index ``account_id``; columns ``name``, ``manager`` (from `accounts`), the service
        (``otif``, ``otif_change``, ``complaints_open``, ``complaints_overdue``,
        ``service_risk``), payments (``dso``, ``overdue_amount``, ``behaviour``), contribution
        (``contribution``, ``capital_cost``, ``after_capital``), contracts
        (``notice_deadline``, ``notice_before_meeting``) and deals (``open_deals``,
        ``weighted_value``, ``largest_value``, ``large_deal``); then ``risks``, the number of
        risk flags that are true: service risk, slow payer, negative after the cost of
        capital, notice deadline before the next annual meeting.

    Examples
    --------
    >>> import kamlib
    >>> ws = kamlib.load_workspace("data/sample")
    >>> r = key_account_risks(["C0027", "C0088"], transactions=ws.transactions,
    ...     accounts=ws.accounts, deliveries=ws.deliveries, complaints=ws.complaints,
    ...     as_of=ws.as_of)
    >>> r["service_risk"].tolist(), r["risks"].tolist()
    ([False, True], [0, 1])
    >>> g = key_account_risks(["G01"], transactions=ws.transactions, accounts=ws.accounts,
    ...     as_of=ws.as_of)
    >>> print(g.loc["G01", "name"])
    group: Kessler Bau AG, Kessler Tiefbau GmbH, Kessler Facility Services GmbH
    """
    as_of = analysis_date(transactions, as_of)
    ids = [str(a) for a in account_ids]
    index = pd.Index(ids, name="account_id", dtype="str")
    groups = client_groups(None if is_missing(accounts) else accounts)
    groups = groups[groups.isin(ids)]  # member -> its group, for the groups asked for
    if len(groups):
        wanted = transactions["account_id"].isin([*ids, *groups.index])
        transactions = _with_groups(transactions[wanted], groups)
        deliveries, complaints, invoices = (
            _with_groups(f, groups) for f in (deliveries, complaints, invoices)
        )
        contracts, opportunities, meetings, cost_to_serve = (
            _with_groups(f, groups) for f in (contracts, opportunities, meetings, cost_to_serve)
        )
    t, _missing = _tables(
        deliveries=deliveries,
        complaints=complaints,
        invoices=invoices,
        contracts=contracts,
        opportunities=opportunities,
    )
    out = pd.DataFrame(index=index)
    acc = None if is_missing(accounts) else accounts.set_index("account_id")
    for col in ("name", "manager"):
        out[col] = (
            acc[col].reindex(index).astype("str")
            if acc is not None and col in acc
            else pd.Series(pd.NA, index=index, dtype="str")
        )
    for group in sorted(set(groups) - set(acc.index if acc is not None else [])):
        members = acc.reindex(groups.index[groups == group])
        if "name" in members:
            names = members["name"].fillna(pd.Series(members.index, index=members.index))
            out.loc[group, "name"] = _("group: {members}").format(
                members=", ".join(names.astype("str"))
            )
        if "manager" in members and members["manager"].notna().any():
            out.loc[group, "manager"] = ", ".join(sorted(members["manager"].dropna().unique()))
    service = service_levels(
        t["deliveries"],
        t["complaints"],
        as_of=as_of,
        months=months,
        accounts=ids,
        min_otif=min_otif,
        resolve_days=resolve_days,
    )
    for col in ("otif", "otif_change", "complaints_open", "complaints_overdue", "service_risk"):
        out[col] = service[col]
    pay = payment_behaviour(
        t["invoices"], as_of=as_of, months=months, accounts=ids, rate=capital_rate
    )
    for col in ("dso", "overdue_amount", "behaviour"):
        out[col] = pay[col]
    tx = transactions[transactions["account_id"].isin(ids)]
    cts = None if is_missing(cost_to_serve) else cost_to_serve
    contrib = _contribution(tx, cts, t["invoices"], as_of=as_of, months=months, rate=capital_rate)
    for col in ("contribution", "capital_cost", "after_capital"):
        out[col] = contrib[col].reindex(index) if col in contrib else np.nan
    meet = next_annual_meetings(meetings, ids, as_of=as_of)
    dead = contract_deadlines(t["contracts"], as_of=as_of, next_meetings=meet, accounts=ids)
    out["notice_deadline"] = dead["notice_deadline"]
    out["notice_before_meeting"] = dead["notice_before_meeting"]
    window = tx[(tx["date"] > as_of - pd.DateOffset(months=12)) & (tx["date"] <= as_of)]
    revenue = window.groupby("account_id")["revenue"].sum()
    pipe = deal_pipeline(
        t["opportunities"], as_of=as_of, accounts=ids, revenue=revenue, large_share=large_share
    )
    for col in ("open_deals", "weighted_value", "largest_value", "large_deal"):
        out[col] = pipe[col]
    flags = pd.DataFrame(
        {
            "service": out["service_risk"].fillna(False).astype(bool),
            "slow": out["behaviour"].eq("slow").fillna(False).astype(bool),
            "capital": ((out["contribution"] >= 0) & (out["after_capital"] < 0)).astype(bool),
            "notice": out["notice_before_meeting"].fillna(False).astype(bool),
        }
    )
    out["risks"] = flags.sum(axis=1).astype("int64")
    return out


def risks_by_manager(risks: pd.DataFrame) -> pd.DataFrame:
    """Per account manager: accounts, and how many carry each risk, with the money at stake.

    Parameters
    ----------
    risks : DataFrame
        The result of :func:`key_account_risks`.

    Returns
    -------
    DataFrame
        Index ``manager`` ("not known" for accounts without one); ``accounts``,
        ``service_risks``, ``slow_payers``, ``negative_after_capital``,
        ``notice_before_meeting``, ``overdue_amount``, ``capital_cost``, ``weighted_value``
        (sums; NaN when not known), sorted by the number of risks, most first.

    Examples
    --------
    >>> r = pd.DataFrame({"manager": ["Ann", "Ann", "Bo"], "service_risk": [True, False, False],
    ...     "behaviour": ["slow", "prompt", "late"], "contribution": [5.0, 9.0, 1.0],
    ...     "after_capital": [-1.0, 8.0, 0.5], "notice_before_meeting": [False, True, False],
    ...     "overdue_amount": [100.0, 0.0, 0.0], "capital_cost": [6.0, 1.0, 0.5],
    ...     "weighted_value": [0.0, 50.0, 10.0]})
    >>> risks_by_manager(r)[["accounts", "service_risks", "slow_payers", "notice_before_meeting"]]
    ... # doctest: +NORMALIZE_WHITESPACE
             accounts  service_risks  slow_payers  notice_before_meeting
    manager
    Ann             2              1            1                      1
    Bo              1              0            0                      0
    """
    r = risks.copy()
    unknown = pgettext("account manager", "not known")
    r["manager"] = r["manager"].astype(object).where(r["manager"].notna(), unknown)
    r["_service"] = r["service_risk"].fillna(False).astype(bool)
    r["_slow"] = r["behaviour"].eq("slow").fillna(False).astype(bool)
    r["_capital"] = ((r["contribution"] >= 0) & (r["after_capital"] < 0)).astype(bool)
    r["_notice"] = r["notice_before_meeting"].fillna(False).astype(bool)
    g = r.groupby("manager")
    out = pd.DataFrame(
        {
            "accounts": g.size(),
            "service_risks": g["_service"].sum(),
            "slow_payers": g["_slow"].sum(),
            "negative_after_capital": g["_capital"].sum(),
            "notice_before_meeting": g["_notice"].sum(),
            "overdue_amount": g["overdue_amount"].sum(min_count=1),
            "capital_cost": g["capital_cost"].sum(min_count=1),
            "weighted_value": g["weighted_value"].sum(min_count=1),
        }
    )
    flags = ["service_risks", "slow_payers", "negative_after_capital", "notice_before_meeting"]
    out = out.astype({c: "int64" for c in ["accounts", *flags]})
    total = out[flags].sum(axis=1)
    order = sorted(out.index, key=lambda m: (-int(total[m]), str(m)))
    out = out.loc[order]
    out.index.name = "manager"
    return out

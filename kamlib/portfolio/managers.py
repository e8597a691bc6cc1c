"""Accounts at a glance and the portfolio per account manager.

:func:`account_overview` is one row per account - who, manager, region, 12-month revenue
and its trend, gross profit, contribution after cost to serve, key client and why, status -
the facts the director's index shows; :func:`manager_view` sums it per account manager, with
plan attainment (the targets table) and overdue actions; :func:`lost_key_accounts` names the
lost accounts that were key clients when they last bought (they head the win-back list and get
their brief by default).

Numbers only: the sentences and the column labels are in :mod:`kamlib.words.managers`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlib.errors import ArgumentError
from kamlib.schema import require_columns
from kamlib.window import analysis_date

__all__ = [
    "STATUS_ORDER",
    "account_overview",
    "lost_key_accounts",
    "manager_view",
    "plan_attainment",
]

#: Statuses of :func:`account_overview`, most urgent first (the order of the "by risk" views).
STATUS_ORDER = ("lost", "at_risk", "loss_making", "active")


def _check_months(months) -> int:
    if isinstance(months, bool) or not isinstance(months, (int, np.integer)) or months < 1:
        raise ArgumentError(f"`months` must be a whole number >= 1, got {months!r}")
    return int(months)


def _key_ids(key: pd.DataFrame, accounts: pd.DataFrame | None) -> pd.Series:
    """Account id -> the reasons it is key (members of a key group inherit the group's)."""
    reasons = key.set_index("client_id")["reasons"].astype("str")
    if accounts is None or "parent_id" not in accounts.columns:
        return reasons
    acc = accounts.drop_duplicates("account_id").set_index("account_id")["parent_id"]
    members = acc[acc.isin(reasons.index)]
    inherited = pd.Series(members.map(reasons).to_numpy(), index=members.index, dtype="str")
    return pd.concat([reasons, inherited[~inherited.index.isin(reasons.index)]])


def lost_key_accounts(
    transactions: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
    *,
    status: pd.DataFrame | None = None,
    as_of=None,
    months: int = 12,
) -> list[str]:
    """The lost accounts that were key clients at their last purchase.

    A lost account has no revenue in the current window, so the key-client rule of
    :func:`kamlib.portfolio.clients.key_clients` can no longer select it; judged at the day of
    its last purchase (the window of `months` months ending then) it can. An account is found
    when it, or the group it belongs to (``parent_id``), is a key client by the default rule on
    that day. All the days are judged from one pass over the lines
    (:func:`kamlib.portfolio.clients.key_clients_on_days`), not one pass per day.

    Parameters
    ----------
    transactions : DataFrame
        Canonical transactions.
    accounts : DataFrame, optional
        As for :func:`kamlib.portfolio.clients.key_clients` (groups, image-makers, experts).
    products : DataFrame, optional
        Accepted as by :func:`kamlib.portfolio.clients.key_clients`; the default rule uses no
        product categories, so it changes nothing.
    status : DataFrame, optional
        :func:`kamlib.portfolio.churn.client_status` at `as_of` (computed when None).
    as_of : date-like, optional
        Analysis date; default the last date in `transactions`.
    months : int, default 12
        Window of the key-client rule.

    Returns
    -------
    list of str
        Account ids, sorted.

    Examples
    --------
    >>> days = pd.date_range("2024-01-01", periods=10, freq="7D")
    >>> tx = pd.DataFrame({"account_id": ["big"] * 10 + ["small"] * 10 + ["x"] * 10,
    ...                    "date": list(days) * 2 + list(days + pd.Timedelta(days=500)),
    ...                    "revenue": [100.0] * 10 + [1.0] * 10 + [50.0] * 10})
    >>> lost_key_accounts(tx)
    ['big']
    """
    from kamlib.portfolio.churn import client_status
    from kamlib.portfolio.clients import key_clients_on_days

    months = _check_months(months)
    require_columns(transactions, ["account_id", "date", "revenue"], "transactions")
    as_of = analysis_date(transactions, as_of)
    if status is None:
        status = client_status(transactions, as_of=as_of)
    last = status.loc[status["status"] == "lost", "last_purchase"].dropna()
    if last.empty:
        return []
    # the key clients on every last-purchase day at once (one pass over the lines)
    key = key_clients_on_days(transactions, accounts, last.unique(), months=months)
    day = last.dt.normalize().astype("datetime64[us]").to_numpy()
    key_on = pd.MultiIndex.from_arrays([key["as_of"].to_numpy(), key["client_id"].to_numpy()])
    hit = pd.MultiIndex.from_arrays([day, last.index]).isin(key_on)
    if accounts is not None and "parent_id" in accounts.columns:
        # members of a key group inherit (as `_key_ids`)
        parent = accounts.drop_duplicates("account_id").set_index("account_id")["parent_id"]
        up = parent.reindex(last.index).to_numpy()
        hit |= pd.MultiIndex.from_arrays([day, up]).isin(key_on)
    return sorted({str(a) for a in last.index[hit]})


def _targets_to_date(targets: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per account: the plan year's target, and the part of it due by `as_of` (pro rata)."""
    t = targets[targets["year"].astype("int64") == as_of.year].copy()
    period = (
        t["period"].fillna("").astype("str").str.strip().str.upper()
        if "period" in t.columns
        else pd.Series("", index=t.index)
    )
    kind, number = period.str[:1], pd.to_numeric(period.str[1:], errors="coerce")
    first = np.select([kind == "Q", kind == "M"], [3 * number - 2, number], default=1)
    length = np.select([kind == "Q", kind == "M"], [3, 1], default=12)
    start = pd.to_datetime(pd.DataFrame({"year": as_of.year, "month": first, "day": 1}))
    end = pd.to_datetime(
        pd.DataFrame(
            {
                "year": as_of.year + (first - 1 + length) // 12,
                "month": (first - 1 + length) % 12 + 1,
                "day": 1,
            }
        )
    )
    passed = (
        (as_of + pd.Timedelta(days=1) - start).dt.days.clip(lower=0) / (end - start).dt.days
    ).clip(upper=1.0)
    t["due"] = t["revenue_target"].astype("float64") * passed.to_numpy()
    return t.groupby("account_id")[["revenue_target", "due"]].sum()


def plan_attainment(
    targets: pd.DataFrame | None, transactions: pd.DataFrame, *, as_of=None
) -> pd.DataFrame:
    """Per account with a target for the plan year of `as_of`: target, due so far, actual.

    The plan year is the calendar year of `as_of`; the account's target is the sum of its
    lines for that year (the lines split it by category, product, region or period), the
    part due so far counts each line pro rata for the days of its period passed, and the actual
    is the account's revenue from 1 January to `as_of`.

    Parameters
    ----------
    targets : DataFrame or None
        Canonical targets (``account_id``, ``year``, ``revenue_target``; ``period`` optional).
    transactions : DataFrame
        Canonical transactions.
    as_of : date-like, optional
        Analysis date; default the last date in `transactions`.

    Returns
    -------
    DataFrame
        Index account id: ``target``, ``due`` (target due by `as_of`), ``actual``,
        ``attainment`` (actual / due). Empty without targets for the year.

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A", "A"], "revenue": [60.0, 30.0],
    ...                    "date": pd.to_datetime(["2025-02-01", "2025-05-01"])})
    >>> t = pd.DataFrame({"account_id": ["A", "A"], "year": [2025, 2025],
    ...                   "revenue_target": [100.0, 80.0], "period": ["Q1", "Q2"]})
    >>> plan_attainment(t, tx, as_of="2025-06-30").round(2)  # doctest: +NORMALIZE_WHITESPACE
                target    due  actual  attainment
    account_id
    A            180.0  180.0    90.0         0.5
    """
    require_columns(transactions, ["account_id", "date", "revenue"], "transactions")
    as_of = analysis_date(transactions, as_of)
    columns = ["target", "due", "actual", "attainment"]
    if targets is None or len(targets) == 0:
        return pd.DataFrame(columns=columns, dtype="float64").rename_axis("account_id")
    require_columns(targets, ["account_id", "year", "revenue_target"], "targets")
    due = _targets_to_date(targets, as_of)
    tx = transactions[
        (transactions["date"] >= pd.Timestamp(as_of.year, 1, 1))
        & (transactions["date"] < as_of + pd.Timedelta(days=1))
    ]
    actual = tx.groupby("account_id")["revenue"].sum()
    out = pd.DataFrame(
        {
            "target": due["revenue_target"],
            "due": due["due"],
            "actual": actual.reindex(due.index).fillna(0.0),
        }
    )
    out["attainment"] = out["actual"] / out["due"].where(out["due"] > 0)
    out.index.name = "account_id"
    return out[columns]


def account_overview(
    transactions: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    *,
    cost_to_serve: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
    actions: pd.DataFrame | None = None,
    as_of=None,
    months: int = 12,
    status: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per account: who, manager, region, revenue and trend, profit, key, status.

    Parameters
    ----------
    transactions : DataFrame
        Canonical transactions.
    accounts : DataFrame, optional
        Canonical accounts (``name``, ``manager``, ``region``, ``parent_id`` when present).
    cost_to_serve : DataFrame, optional
        Canonical cost to serve; without it ``contribution`` is NaN (not known), never 0.
    products : DataFrame, optional
        For the key-client rule's categories.
    actions : DataFrame, optional
        Canonical actions: open actions due before `as_of` count as overdue.
    as_of : date-like, optional
        Analysis date; default the last date in `transactions`.
    months : int, default 12
        The window; ``revenue_before`` is the window of the same length just before.
    status : DataFrame, optional
        :func:`kamlib.portfolio.churn.client_status` at `as_of` (computed when None).

    Returns
    -------
    DataFrame
        Index account id (every account that bought, plus those in `accounts`): ``name``,
        ``manager``, ``region`` (strings, NaN when unknown), ``revenue``, ``revenue_before``,
        ``trend`` (revenue / revenue_before - 1; NaN without revenue before), ``gross_profit``,
        ``contribution`` (after cost to serve; NaN without cost data), ``key`` (bool: a key
        client now, a member of a key group, or lost while key), ``key_reasons`` (the key
        rule's conditions met, "lost while key" for lost key accounts; "" when not key),
        ``types`` (client types), ``status`` (one of :data:`STATUS_ORDER`: lost, at_risk,
        loss_making for a buying account whose contribution is negative, active),
        ``cadence`` (the cadence status: active, at_risk, lost), ``annual_value`` and
        ``overdue_actions``.

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A", "A", "B"], "revenue": [60.0, 30.0, 5.0],
    ...     "gross_profit": [6.0, 3.0, 1.0],
    ...     "date": pd.to_datetime(["2024-06-01", "2025-05-01", "2025-06-01"])})
    >>> cost = pd.DataFrame({"account_id": ["B"], "date": pd.to_datetime(["2025-03-01"]),
    ...                      "amount": [4.0]})
    >>> o = account_overview(tx, cost_to_serve=cost, as_of="2025-06-30")
    >>> o[["revenue", "revenue_before", "trend", "contribution"]]  # doctest: +NORMALIZE_WHITESPACE
                revenue  revenue_before  trend  contribution
    account_id
    A              30.0            60.0   -0.5           3.0
    B               5.0             0.0    NaN          -3.0
    """
    from kamlib.portfolio.churn import client_status
    from kamlib.portfolio.clients import client_types, key_clients
    from kamlib.portfolio.profitability import client_pnl

    months = _check_months(months)
    require_columns(transactions, ["account_id", "date", "revenue"], "transactions")
    as_of = analysis_date(transactions, as_of)
    before = as_of - pd.DateOffset(months=months)
    cost = cost_to_serve if cost_to_serve is not None and len(cost_to_serve) else None
    now = client_pnl(transactions, cost, as_of=as_of, months=months)
    then = client_pnl(transactions, as_of=before, months=months)
    if status is None:
        status = client_status(transactions, as_of=as_of)
    ids = pd.Index(transactions["account_id"].astype("str").unique())
    if accounts is not None:
        ids = ids.union(pd.Index(accounts["account_id"].astype("str")))
    out = pd.DataFrame(index=ids.sort_values().rename("account_id"))
    for column in ("name", "manager", "region"):
        if accounts is not None and column in accounts.columns:
            values = accounts.drop_duplicates("account_id").set_index("account_id")[column]
            out[column] = values.reindex(out.index).astype("str")
        else:
            out[column] = pd.Series(np.nan, index=out.index, dtype="str")
    out["revenue"] = now["revenue"].reindex(out.index).fillna(0.0).astype("float64")
    out["revenue_before"] = then["revenue"].reindex(out.index).fillna(0.0).astype("float64")
    out["trend"] = out["revenue"] / out["revenue_before"].where(out["revenue_before"] > 0) - 1
    out["gross_profit"] = now["gross_profit"].reindex(out.index).astype("float64")
    if cost is None:
        out["contribution"] = np.nan
    else:
        out["contribution"] = now["contribution"].reindex(out.index).astype("float64")
    key = _key_ids(
        key_clients(transactions, accounts, products, as_of=as_of, months=months), accounts
    )
    lost_key = lost_key_accounts(
        transactions, accounts, products, status=status, as_of=as_of, months=months
    )
    reasons = key.reindex(out.index)
    reasons[reasons.index.isin(lost_key)] = "lost while key"
    out["key"] = reasons.notna().to_numpy()
    out["key_reasons"] = reasons.fillna("").astype("str")
    types = client_types(transactions, accounts, roll_up=False, as_of=as_of, months=months)
    out["types"] = types.set_index("client_id")["types"].reindex(out.index).fillna("").astype("str")
    cadence = status["status"].reindex(out.index)
    out["cadence"] = cadence.astype("str")
    loss = out["contribution"] < 0
    out["status"] = np.where(
        cadence.isin(["lost", "at_risk"]),
        cadence.fillna(""),
        np.where(loss, "loss_making", np.where(cadence.notna(), "active", "")),
    )
    out["status"] = out["status"].replace("", np.nan).astype("str")
    out["annual_value"] = status["annual_value"].reindex(out.index).astype("float64")
    overdue = pd.Series(0, index=out.index, dtype="int64")
    if (
        actions is not None
        and len(actions)
        and {"account_id", "due_date", "status"} <= set(actions.columns)
    ):
        open_ = actions["status"].astype("str").str.strip().str.lower() != "done"
        late = actions[open_ & (pd.to_datetime(actions["due_date"]) < as_of)]
        overdue = late.groupby("account_id").size().reindex(out.index).fillna(0).astype("int64")
    out["overdue_actions"] = overdue
    return out


def manager_view(
    overview: pd.DataFrame,
    *,
    attainment: pd.DataFrame | None = None,
    cost_known: bool | None = None,
) -> pd.DataFrame:
    """The portfolio per account manager: accounts, revenue, contribution, plan, risk, actions.

    Parameters
    ----------
    overview : DataFrame
        :func:`account_overview`.
    attainment : DataFrame, optional
        :func:`plan_attainment`; without it (or without targets) attainment is NaN (not known).
    cost_known : bool, optional
        Whether cost to serve is known; default: whether any account has a contribution.
        Unknown contribution is NaN, never 0.

    Returns
    -------
    DataFrame
        Index manager ("" for accounts without one), largest revenue first: ``accounts``,
        ``key_accounts``, ``revenue``, ``revenue_before``, ``trend``, ``gross_profit``,
        ``contribution``, ``target``, ``target_due``, ``target_actual``, ``attainment``
        (actual / due of the accounts with a target), ``at_risk``, ``at_risk_value``,
        ``lost``, ``lost_value`` (counts and annual value of the cadence status),
        ``loss_making``, ``overdue_actions``. Accounts are those with revenue in either window
        or a cadence status.

    Examples
    --------
    >>> o = pd.DataFrame({"manager": ["Ann", "Ann", "Bob"], "revenue": [10.0, 0.0, 5.0],
    ...     "revenue_before": [8.0, 4.0, 5.0], "gross_profit": [3.0, 0.0, 1.0],
    ...     "contribution": [np.nan] * 3, "key": [True, True, False],
    ...     "cadence": ["active", "lost", "at_risk"], "status": ["active", "lost", "at_risk"],
    ...     "annual_value": [10.0, 4.0, 5.0], "overdue_actions": [1, 0, 2]},
    ...     index=pd.Index(["A", "B", "C"], name="account_id"))
    >>> v = manager_view(o)
    >>> v[["accounts", "key_accounts", "revenue", "contribution", "lost_value"]]  # doctest: +NORMALIZE_WHITESPACE
             accounts  key_accounts  revenue  contribution  lost_value
    manager
    Ann             2             2     10.0           NaN         4.0
    Bob             1             0      5.0           NaN         0.0
    """
    require_columns(
        overview,
        [
            "manager",
            "revenue",
            "revenue_before",
            "gross_profit",
            "contribution",
            "key",
            "cadence",
            "status",
            "annual_value",
            "overdue_actions",
        ],
        "overview",
    )
    o = overview[
        (overview["revenue"] > 0)
        | (overview["revenue_before"] > 0)
        | overview["cadence"].isin(["active", "at_risk", "lost"])
    ].copy()
    o["manager"] = o["manager"].fillna("").astype("str")
    if cost_known is None:
        cost_known = bool(overview["contribution"].notna().any())
    if attainment is not None and len(attainment):
        a = attainment.reindex(o.index)
        o["target"], o["target_due"], o["target_actual"] = a["target"], a["due"], a["actual"]
    else:
        o["target"] = o["target_due"] = o["target_actual"] = np.nan
    risk, lost = o["cadence"] == "at_risk", o["cadence"] == "lost"
    o["at_risk_value"] = o["annual_value"].where(risk, 0.0)
    o["lost_value"] = o["annual_value"].where(lost, 0.0)
    o["at_risk"], o["lost"] = risk.astype("int64"), lost.astype("int64")
    o["loss_making"] = (o["contribution"] < 0).astype("int64")
    o["accounts"] = 1
    o["key_accounts"] = o["key"].astype("int64")
    sums = [
        "accounts",
        "key_accounts",
        "revenue",
        "revenue_before",
        "gross_profit",
        "at_risk",
        "at_risk_value",
        "lost",
        "lost_value",
        "loss_making",
        "overdue_actions",
    ]
    g = o.groupby("manager", sort=False)
    view = g[sums].sum()
    view["contribution"] = g["contribution"].sum(min_count=1) if cost_known else np.nan
    for column in ("target", "target_due", "target_actual"):
        view[column] = g[column].sum(min_count=1)
    view["attainment"] = view["target_actual"] / view["target_due"].where(view["target_due"] > 0)
    view["trend"] = view["revenue"] / view["revenue_before"].where(view["revenue_before"] > 0) - 1
    columns = [
        "accounts",
        "key_accounts",
        "revenue",
        "revenue_before",
        "trend",
        "gross_profit",
        "contribution",
        "target",
        "target_due",
        "target_actual",
        "attainment",
        "at_risk",
        "at_risk_value",
        "lost",
        "lost_value",
        "loss_making",
        "overdue_actions",
    ]
    view = view[columns].sort_values("revenue", ascending=False, kind="mergesort")
    view.index.name = "manager"
    return view

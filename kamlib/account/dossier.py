"""The client dossier: who the client is, the history of the relationship, the competitors.

Parts (issue 4, section 1):

- **General information** from the accounts table, with purchase facts from the transactions.
- **Relationship history**: revenue and gross profit by year and product category, tenders
  (won/lost, reason, winner), and a dated timeline of key events (start of the relationship,
  first purchase, first purchase in each category, meetings with their outcome, tenders,
  last purchase, loss of the client).
- **Decision-making unit**: the roster and its coverage (:mod:`kamlib.account.dmu`).
- **Competitors** at the client with share of wallet, strengths and weaknesses, and our own
  share of wallet (last `months` months' revenue / potential budget, and 1 - competitors' shares).

Every sales figure is cut at one day, ``as_of`` (:func:`kamlib.window.analysis_date`: the day
given, else the day of the last transaction); pass the same ``as_of`` to
:func:`kamlib.account.brief.meeting_brief` so the dossier and the brief of one report agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kamlib.account.dmu import dmu_coverage, dmu_roster
from kamlib.account.messages import missing_table
from kamlib.errors import InputError, Problem
from kamlib.language import N_
from kamlib.language import gettext as _
from kamlib.schema import account_rows, gross_profit, is_missing
from kamlib.schema import require_columns as _require
from kamlib.window import analysis_date, renamed_months

__all__ = [
    "Dossier",
    "account_info",
    "revenue_history",
    "tender_history",
    "relationship_timeline",
    "competitors_at",
    "share_of_wallet",
    "account_dossier",
]

_INFO_FIELDS = [
    "name",
    "parent_id",
    "region",
    "industry",
    "manager",
    "since",
    "status",
    "lost_reason",
    "image_maker",
    "expert",
    "potential_budget",
]


def _category(tx: pd.DataFrame, products: pd.DataFrame | None) -> pd.Series:
    if is_missing(products) or "category" not in products.columns or "product_id" not in tx.columns:
        return pd.Series("(all)", index=tx.index, dtype="str")
    cats = products.drop_duplicates("product_id").set_index("product_id")["category"]
    return tx["product_id"].map(cats).fillna("(unknown)").astype("str")


def _distinct(rows: pd.DataFrame, column: str) -> float:
    """Distinct values of `column`; NaN (not known) when the export has no such values at all."""
    if column not in rows:
        return np.nan
    if len(rows) and rows[column].isna().all():
        return np.nan
    return int(rows[column].nunique())


def account_info(
    account_id: str,
    *,
    transactions: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    as_of: object = None,
    months: int = 12,
    window_months: int | None = None,
) -> pd.Series:
    """General information about one account, with purchase facts from its transactions.

    Parameters
    ----------
    account_id : str
        The account.
    transactions : DataFrame
        Canonical transactions.
    accounts : DataFrame, optional
        Canonical accounts (name, group, region, industry, manager, since, status, flags ...).
    as_of : date-like, optional
        Reference date; default the last date in `transactions`.
    months : int, default 12
        Window for the "last 12 months" figures.
    window_months : int, optional
        Deprecated spelling of `months` (warns).

    Returns
    -------
    Series
        Indexed by field: ``account_id``, the accounts columns present, then
        ``first_purchase``, ``last_purchase``, ``days_since_last_purchase``, ``revenue_total``,
        ``revenue_last_12m``, ``gross_profit_last_12m``, ``orders_last_12m``,
        ``products_bought``.

    Raises
    ------
    InputError
        The account is in neither `accounts` nor `transactions` (code ``unknown-account``).

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A", "A"], "revenue": [100.0, 50.0],
    ...     "date": pd.to_datetime(["2024-03-01", "2025-06-30"])})
    >>> info = account_info("A", transactions=tx, as_of="2025-12-31")
    >>> info[["revenue_total", "revenue_last_12m", "days_since_last_purchase"]].tolist()
    [150.0, 50.0, 184]
    """
    months = renamed_months(months, window_months, "account_info")
    _require(transactions, ["account_id", "date", "revenue"], "transactions")
    as_of = analysis_date(transactions, as_of)
    tx = transactions[(transactions["account_id"] == account_id) & (transactions["date"] <= as_of)]
    row = account_rows(accounts, account_id)
    if tx.empty and (row is None or row.empty):
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
    info: dict[str, object] = {"account_id": account_id}
    if row is not None and not row.empty:
        first = row.iloc[0]
        info.update({f: first[f] for f in _INFO_FIELDS if f in row.columns})
    if (
        pd.isna(info.get("name", np.nan))
        and "account_name" in tx.columns
        and tx["account_name"].notna().any()
    ):
        info["name"] = tx["account_name"].dropna().iloc[-1]
    recent = tx[tx["date"] > as_of - pd.DateOffset(months=months)]
    last = tx["date"].max()
    info.update(
        first_purchase=tx["date"].min(),
        last_purchase=last,
        days_since_last_purchase=(as_of - last).days if pd.notna(last) else np.nan,
        revenue_total=float(tx["revenue"].sum()),
        revenue_last_12m=float(recent["revenue"].sum()),
        gross_profit_last_12m=float(gross_profit(recent).sum(min_count=1)),
        orders_last_12m=_distinct(recent, "order_id"),
        products_bought=_distinct(tx, "product_id"),
    )
    return pd.Series(info, dtype=object, name=account_id)


def revenue_history(
    account_id: str,
    *,
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    as_of: object = None,
) -> pd.DataFrame:
    """Revenue, gross profit and volume of one account by calendar year and product category.

    Parameters
    ----------
    account_id : str
        The account.
    transactions : DataFrame
        Canonical transactions.
    products : DataFrame, optional
        Canonical products; without it every line is category ``(all)``; products not in the
        table are ``(unknown)``.
    as_of : date-like, optional
        Last date included; default the last date in `transactions`.

    Returns
    -------
    DataFrame
        ``year``, ``category``, ``revenue``, ``gross_profit`` (NaN when unknown),
        ``quantity``, ``share_of_year`` (of the year's revenue). Sums reconcile with the
        account's transactions up to `as_of`.

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A"] * 3, "product_id": ["p1", "p2", "p1"],
    ...     "revenue": [100.0, 300.0, 50.0], "cost": [60.0, 200.0, 30.0],
    ...     "date": pd.to_datetime(["2024-03-01", "2024-05-01", "2025-06-30"])})
    >>> pr = pd.DataFrame({"product_id": ["p1", "p2"], "category": ["Pumps", "Valves"]})
    >>> revenue_history("A", transactions=tx, products=pr)[
    ...     ["year", "category", "revenue", "gross_profit", "share_of_year"]]
       year category  revenue  gross_profit  share_of_year
    0  2024    Pumps    100.0          40.0           0.25
    1  2024   Valves    300.0         100.0           0.75
    2  2025    Pumps     50.0          20.0           1.00
    """
    _require(transactions, ["account_id", "date", "revenue"], "transactions")
    as_of = analysis_date(transactions, as_of)
    tx = transactions[(transactions["account_id"] == account_id) & (transactions["date"] <= as_of)]
    frame = pd.DataFrame(
        {
            "year": tx["date"].dt.year.astype("Int64"),
            "category": _category(tx, products),
            "revenue": tx["revenue"],
            "gross_profit": gross_profit(tx),
            "quantity": tx["quantity"] if "quantity" in tx.columns else np.nan,
        }
    )
    out = (
        frame.groupby(["year", "category"])[["revenue", "gross_profit", "quantity"]]
        .sum(min_count=1)
        .reset_index()
    )
    out["revenue"] = out["revenue"].fillna(0.0)
    year_total = out.groupby("year")["revenue"].transform("sum")
    out["share_of_year"] = out["revenue"] / year_total.where(year_total != 0)
    return out.astype({"category": "str"})


def tender_history(account_id: str, *, tenders: pd.DataFrame | None) -> pd.DataFrame:
    """Tenders at the account, oldest first, with status, reason and winner.

    Parameters
    ----------
    account_id : str
        The account.
    tenders : DataFrame or None
        Canonical tenders; None or empty gives an empty result.

    Returns
    -------
    DataFrame
        ``tender_id``, ``date``, ``title``, ``value``, ``status``, ``reason``, ``winner``.

    Examples
    --------
    >>> t = pd.DataFrame({"tender_id": ["T1"], "account_id": ["A"], "title": ["Pumps 2025"],
    ...     "date": pd.to_datetime(["2025-03-01"]), "status": ["lost"], "reason": ["price"],
    ...     "winner": ["Rival"]})
    >>> tender_history("A", tenders=t)[["title", "status", "winner"]]
            title status winner
    0  Pumps 2025   lost  Rival
    """
    columns = ["tender_id", "date", "title", "value", "status", "reason", "winner"]
    if is_missing(tenders):
        return pd.DataFrame({c: pd.Series(dtype=_TENDER_DTYPES[c]) for c in columns})
    rows = tenders[tenders["account_id"] == account_id]
    out = rows.reindex(columns=columns).astype(_TENDER_DTYPES)
    return out.sort_values(["date", "tender_id"], kind="stable").reset_index(drop=True)


_TENDER_DTYPES = {
    "tender_id": "str",
    "date": "datetime64[us]",
    "title": "str",
    "value": "float64",
    "status": "str",
    "reason": "str",
    "winner": "str",
}


#: Timeline events of the usual meeting types (``meetings.type``); other types read
#: "<type> meeting".
_MEETING_EVENTS = {
    "annual": N_("annual meeting"),
    "negotiation": N_("negotiation meeting"),
    "review": N_("review meeting"),
    "visit": N_("visit meeting"),
}

#: Timeline events of a tender by its status (``tenders.status``); ``None``: no status.
_TENDER_EVENTS = {
    "planned": N_("tender {title} planned"),
    "open": N_("tender {title} open"),
    "won": N_("tender {title} won"),
    "lost": N_("tender {title} lost"),
    None: N_("tender {title} status unknown"),
}


def _meeting_event(kind: str) -> str:
    """A meeting's event in the timeline ("annual meeting"); the type is data, kept as given."""
    if kind in _MEETING_EVENTS:
        return _(_MEETING_EVENTS[kind])
    # TRANSLATORS: {type} is a meeting type as recorded in the user's data (not translated).
    return _("{type} meeting").format(type=kind)


def _tender_event(title: str, status: object, winner: object) -> str:
    """A tender's event in the timeline: its title, its status and, when lost, the winner."""
    status = None if pd.isna(status) else str(status)
    if status == "lost" and pd.notna(winner):
        return _("tender {title} lost to {winner}").format(title=title, winner=winner)
    if status in _TENDER_EVENTS:
        return _(_TENDER_EVENTS[status]).format(title=title)
    # TRANSLATORS: {status} is a tender status as recorded in the user's data (not translated).
    return _("tender {title} {status}").format(title=title, status=status)


def relationship_timeline(
    account_id: str,
    *,
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    accounts: pd.DataFrame | None = None,
    tenders: pd.DataFrame | None = None,
    meetings: pd.DataFrame | None = None,
    as_of: object = None,
) -> pd.DataFrame:
    """Key events of the relationship in date order.

    Events: start of the relationship (``since``), first purchase, first purchase in each
    product category, meetings (type and outcome), tenders (status, reason, winner), last
    purchase, and the loss of the client (status ``lost`` with its reason, dated at the last
    purchase).

    Parameters
    ----------
    account_id : str
        The account.
    transactions : DataFrame
        Canonical transactions.
    products, accounts, tenders, meetings : DataFrame, optional
        Canonical tables; each adds its events when given.
    as_of : date-like, optional
        Last date of purchases and meetings (planned tenders after it are listed too);
        default the last date in `transactions`.

    Returns
    -------
    DataFrame
        ``date``, ``kind`` (relationship, purchase, meeting, tender), ``event`` (one line).

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A", "A"], "revenue": [100.0, 50.0],
    ...     "date": pd.to_datetime(["2024-03-01", "2025-06-30"])})
    >>> m = pd.DataFrame({"meeting_id": ["M1"], "account_id": ["A"],
    ...     "date": pd.to_datetime(["2025-01-15"]), "type": ["annual"], "outcome": ["price +3 %"]})
    >>> relationship_timeline("A", transactions=tx, meetings=m, as_of="2025-12-31")
            date      kind                       event
    0 2024-03-01  purchase              first purchase
    1 2025-01-15   meeting  annual meeting: price +3 %
    2 2025-06-30  purchase               last purchase
    """
    _require(transactions, ["account_id", "date", "revenue"], "transactions")
    as_of = analysis_date(transactions, as_of)
    tx = transactions[(transactions["account_id"] == account_id) & (transactions["date"] <= as_of)]
    parts: list[pd.DataFrame] = []

    def add(dates: pd.Series, kind: str, events: pd.Series) -> None:
        parts.append(
            pd.DataFrame({"date": dates.to_numpy(), "kind": kind, "event": events.to_numpy()})
        )

    row = account_rows(accounts, account_id)
    if row is not None and not row.empty and "since" in row.columns and row["since"].notna().any():
        add(row["since"].iloc[:1], "relationship", pd.Series([_("relationship started")]))
    if not tx.empty:
        add(pd.Series([tx["date"].min()]), "purchase", pd.Series([_("first purchase")]))
        if not is_missing(products) and "category" in products.columns:
            firsts = tx.assign(category=_category(tx, products)).groupby("category")["date"].min()
            firsts = firsts[firsts > tx["date"].min()]
            text = _("first purchase in category {category}")
            add(firsts, "purchase", firsts.index.to_series().map(lambda c: text.format(category=c)))
    meets = account_rows(meetings, account_id)
    if meets is not None and not meets.empty:
        meets = meets[meets["date"] <= as_of]
        kind = (
            meets["type"].fillna("meeting")
            if "type" in meets
            else pd.Series("meeting", index=meets.index)
        )
        kind = kind.where(kind.str.lower().str.endswith("meeting"), kind.map(_meeting_event))
        said = meets.get("outcome", pd.Series(np.nan, index=meets.index))
        if "summary" in meets:
            said = said.fillna(meets["summary"])
        add(meets["date"], "meeting", kind + (": " + said).fillna(""))
    tend = tender_history(account_id, tenders=tenders)
    if not tend.empty:
        title = tend["title"].fillna(tend["tender_id"])
        said = [
            _tender_event(t, s, w)
            for t, s, w in zip(title, tend["status"], tend["winner"], strict=True)
        ]
        add(
            tend["date"],
            "tender",
            pd.Series(said, index=tend.index) + (": " + tend["reason"]).fillna(""),
        )
    if not tx.empty:
        add(pd.Series([tx["date"].max()]), "purchase", pd.Series([_("last purchase")]))
        if row is not None and not row.empty and "status" in row.columns:
            status = str(row["status"].iloc[0]).strip().lower()
            if status == "lost":
                reason = row["lost_reason"].iloc[0] if "lost_reason" in row.columns else np.nan
                text = _("client lost") + (f": {reason}" if pd.notna(reason) else "")
                add(pd.Series([tx["date"].max()]), "relationship", pd.Series([text]))
    if not parts:
        return pd.DataFrame(
            {
                "date": pd.Series(dtype="datetime64[us]"),
                "kind": pd.Series(dtype="str"),
                "event": pd.Series(dtype="str"),
            }
        )
    out = pd.concat(parts, ignore_index=True).astype(
        {"date": "datetime64[us]", "kind": "str", "event": "str"}
    )
    return out.sort_values("date", kind="stable").reset_index(drop=True)


def competitors_at(account_id: str, *, competitors: pd.DataFrame | None) -> pd.DataFrame:
    """Competitors at the account, largest share of wallet first.

    Parameters
    ----------
    account_id : str
        The account.
    competitors : DataFrame or None
        Canonical competitors; None or empty gives an empty result.

    Returns
    -------
    DataFrame
        ``competitor``, ``share_of_wallet``, ``strengths``, ``weaknesses``.

    Examples
    --------
    >>> c = pd.DataFrame({"account_id": ["A", "A"], "competitor": ["X", "Y"],
    ...     "share_of_wallet": [0.1, 0.3], "strengths": ["price", "range"],
    ...     "weaknesses": ["service", "delivery"]})
    >>> competitors_at("A", competitors=c)[["competitor", "share_of_wallet"]]
      competitor  share_of_wallet
    0          Y              0.3
    1          X              0.1
    """
    columns = {
        "competitor": "str",
        "share_of_wallet": "float64",
        "strengths": "str",
        "weaknesses": "str",
    }
    rows = account_rows(competitors, account_id)
    if rows is None or rows.empty:
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in columns.items()})
    out = rows.reindex(columns=list(columns)).astype(columns)
    return out.sort_values(
        ["share_of_wallet", "competitor"],
        ascending=[False, True],
        kind="stable",
        na_position="last",
    ).reset_index(drop=True)


def share_of_wallet(
    account_id: str,
    *,
    transactions: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    competitors: pd.DataFrame | None = None,
    as_of: object = None,
    months: int = 12,
    window_months: int | None = None,
) -> pd.Series:
    """Our share of the client's spend, estimated two ways.

    ``by_budget`` = our revenue in the last `months` / ``potential_budget`` (accounts);
    ``by_competitors`` = 1 - the sum of the competitors' shares (competitors table). Either is
    NaN when its table or value is missing.

    Parameters
    ----------
    account_id : str
        The account.
    transactions : DataFrame
        Canonical transactions.
    accounts, competitors : DataFrame, optional
        Canonical accounts (``potential_budget``) and competitors (``share_of_wallet``).
    as_of : date-like, optional
        End of the window (inclusive); default the last date in `transactions`.
    months : int, default 12
        Length of the revenue window.
    window_months : int, optional
        Deprecated spelling of `months` (warns).

    Returns
    -------
    Series
        ``revenue_last_12m``, ``potential_budget``, ``by_budget``, ``competitors_total``,
        ``by_competitors``.

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A"], "revenue": [250.0],
    ...     "date": pd.to_datetime(["2025-06-30"])})
    >>> acc = pd.DataFrame({"account_id": ["A"], "potential_budget": [1000.0]})
    >>> comp = pd.DataFrame({"account_id": ["A", "A"], "competitor": ["X", "Y"],
    ...     "share_of_wallet": [0.5, 0.2]})
    >>> share_of_wallet("A", transactions=tx, accounts=acc, competitors=comp).round(2).tolist()
    [250.0, 1000.0, 0.25, 0.7, 0.3]
    """
    months = renamed_months(months, window_months, "share_of_wallet")
    _require(transactions, ["account_id", "date", "revenue"], "transactions")
    as_of = analysis_date(transactions, as_of)
    start = as_of - pd.DateOffset(months=months)
    tx = transactions[
        (transactions["account_id"] == account_id)
        & (transactions["date"] > start)
        & (transactions["date"] <= as_of)
    ]
    revenue = float(tx["revenue"].sum())
    row = account_rows(accounts, account_id)
    budget = np.nan
    if row is not None and not row.empty and "potential_budget" in row.columns:
        budget = float(row["potential_budget"].iloc[0])
    comp = competitors_at(account_id, competitors=competitors)
    total = float(comp["share_of_wallet"].sum(min_count=1))
    return pd.Series(
        {
            "revenue_last_12m": revenue,
            "potential_budget": budget,
            "by_budget": revenue / budget if budget and budget > 0 else np.nan,
            "competitors_total": total,
            "by_competitors": 1 - total if pd.notna(total) else np.nan,
        },
        dtype="float64",
    )


@dataclass(frozen=True)
class Dossier:
    """The dossier of one account (see :func:`dossier`).

    ``messages`` says which parts were skipped for lack of a table; ``findings`` lists the
    coverage problems in words.
    """

    account_id: str
    as_of: pd.Timestamp
    info: pd.Series
    revenue_history: pd.DataFrame
    timeline: pd.DataFrame
    tenders: pd.DataFrame
    dmu: pd.DataFrame
    coverage: pd.DataFrame
    competitors: pd.DataFrame
    share_of_wallet: pd.Series
    include_personal_details: bool = False
    messages: tuple[str, ...] = ()
    parameters: dict[str, object] = field(default_factory=dict)

    @property
    def findings(self) -> list[str]:
        """Coverage problems, one sentence each."""
        return self.coverage.loc[~self.coverage["ok"], "finding"].tolist()


def account_dossier(
    account_id: str,
    *,
    transactions: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
    contacts: pd.DataFrame | None = None,
    meetings: pd.DataFrame | None = None,
    tenders: pd.DataFrame | None = None,
    competitors: pd.DataFrame | None = None,
    as_of: object = None,
    include_personal_details: bool = False,
    stale_days: int = 90,
    birthday_window_days: int = 30,
) -> Dossier:
    """Assemble the dossier of one account.

    Missing or empty optional tables skip their part with a message (e.g. "no contacts table:
    decision-making map skipped"). Personal data of contacts is left out unless
    `include_personal_details` is True, and then only upcoming birthdays as ``DD.MM``.

    Parameters
    ----------
    account_id : str
        The account.
    transactions : DataFrame
        Canonical transactions.
    accounts, products, contacts, meetings, tenders, competitors : DataFrame, optional
        Canonical tables; None or empty skips the parts that need them.
    as_of : date-like, optional
        Reference date; default the last date in `transactions`.
    include_personal_details : bool, default False
        Add upcoming birthdays (``DD.MM``) to the roster; nothing else personal is shown.
    stale_days : int, default 90
        Contacts not reached for longer are reported by the coverage check.
    birthday_window_days : int, default 30
        How far ahead a birthday counts as upcoming.

    Returns
    -------
    Dossier

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A"], "revenue": [100.0],
    ...     "date": pd.to_datetime(["2025-06-30"])})
    >>> d = account_dossier("A", transactions=tx, as_of="2025-12-31")
    >>> d.info["revenue_total"], d.messages[0]
    (100.0, 'no accounts table: general information from transactions only')
    """
    as_of_ts = analysis_date(transactions, as_of)
    messages = []
    for table, frame, text in (
        ("accounts", accounts, N_("general information from transactions only")),
        ("products", products, N_("revenue history without product categories")),
        ("contacts", contacts, N_("decision-making map skipped")),
        ("meetings", meetings, N_("no meetings in the timeline")),
        ("tenders", tenders, N_("tender history skipped")),
        ("competitors", competitors, N_("competitors skipped")),
    ):
        if is_missing(frame):
            messages.append(missing_table(table, _(text)))
    info = account_info(account_id, transactions=transactions, accounts=accounts, as_of=as_of_ts)
    roster = dmu_roster(
        account_id,
        contacts=contacts,
        as_of=as_of_ts,
        include_personal_details=include_personal_details,
        birthday_window_days=birthday_window_days,
    )
    return Dossier(
        account_id=account_id,
        as_of=as_of_ts,
        info=info,
        revenue_history=revenue_history(
            account_id, transactions=transactions, products=products, as_of=as_of_ts
        ),
        timeline=relationship_timeline(
            account_id,
            transactions=transactions,
            products=products,
            accounts=accounts,
            tenders=tenders,
            meetings=meetings,
            as_of=as_of_ts,
        ),
        tenders=tender_history(account_id, tenders=tenders),
        dmu=roster,
        coverage=dmu_coverage(roster, stale_days=stale_days),
        competitors=competitors_at(account_id, competitors=competitors),
        share_of_wallet=share_of_wallet(
            account_id,
            transactions=transactions,
            accounts=accounts,
            competitors=competitors,
            as_of=as_of_ts,
        ),
        include_personal_details=include_personal_details,
        messages=tuple(messages),
        parameters={
            "as_of": as_of_ts.date().isoformat(),
            "stale_days": stale_days,
            "include_personal_details": include_personal_details,
            "birthday_window_days": birthday_window_days,
        },
    )

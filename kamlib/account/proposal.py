"""The proposal to a client: the arguments for it, its lines, and who in the DMU hears what.

Method (docs/methods.md, "Annual meeting and development plan"):

- **Arguments** (:func:`proposal_arguments`): growth, share of wallet, service record (actions
  done on time, tenders won), value delivered (savings against list prices, breadth of supply).
- **Draft proposal** (:func:`draft_proposal`): per product the target volume, a price that
  the extra volume pays for (the discount that keeps the contribution at the higher volume,
  at most ``max_discount``), never below the floor (prices are rounded up to the cent),
  conditions, an expiry date (meeting date + ``validity_days``), and arguments grouped for
  each audience in the client's decision-making unit (executives: status and exclusivity;
  HR: references; finance and technical: numbers).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamlib.account.dossier import share_of_wallet
from kamlib.account.pricing import cents_up
from kamlib.errors import ArgumentError
from kamlib.schema import account_rows, is_missing
from kamlib.schema import require_columns as _require
from kamlib.window import renamed_months

__all__ = [
    "AUDIENCES",
    "ROLE_AUDIENCE",
    "Proposal",
    "proposal_arguments",
    "draft_proposal",
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


_NEGLIGIBLE_DISCOUNT = 0.0005  # below 0.05 % (cent rounding) a discount is not named


def _money(value: float) -> str:
    return f"{value:,.0f}" if pd.notna(value) else "unknown"


def _pct_text(value: float) -> str:
    return f"{value:+.1%}" if pd.notna(value) else "unknown"


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
    months: int = 12,
    window_months: int | None = None,
    main_supplier_share: float = 0.8,
) -> pd.DataFrame:
    """Computed arguments for our proposal: growth, share of wallet, service, value delivered.

    - ``growth``: revenue of the last `months` vs the window before.
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
    months : int, default 12
        Length of the window.
    window_months : int, optional
        Deprecated spelling of `months` (warns).
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
    months = renamed_months(months, window_months, "proposal_arguments")
    _require(transactions, ["account_id", "date", "revenue"], "transactions")
    as_of = pd.Timestamp(as_of)
    start = as_of - pd.DateOffset(months=months)
    before = start - pd.DateOffset(months=months)
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
            f"{months} months ({_money(r_last)} vs {_money(r_prev)})."
            if pd.notna(growth)
            else f"No purchases in the {months} months before: growth unknown.",
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
            f"Our revenue of the last {months} months is {share:.0%} of the client's "
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
    acts = account_rows(actions, account_id)
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
    tend = account_rows(tenders, account_id)
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
    if not is_missing(products) and "list_price" in products.columns and "quantity" in last.columns:
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
            f"List-price savings in the last {months} months: {_money(savings)} "
            f"({share_saved:.1%} of list value)."
            if pd.notna(savings)
            else "Value delivered unknown: no list prices.",
        )
    )
    n_products = int(last["product_id"].nunique()) if "product_id" in last else 0
    categories = np.nan
    if not is_missing(products) and "category" in products.columns and "product_id" in last:
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
    of `targets`, e.g. :func:`kamlib.account.targets.next_year_targets`), else the current volume,
    rounded up to whole units; ``discount`` = the discount that the extra volume pays for (keeps the
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
        The decision-making unit (:func:`kamlib.account.dmu.dmu_roster`): names the contacts of
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
    if not is_missing(targets) and {"product_id", "quantity_target"} <= set(targets.columns):
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
    price = cents_up(np.fmax(p * (1 - discount), lines["floor_price"]))
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

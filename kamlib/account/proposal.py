"""The proposal to a client: the facts for it, its lines, and who in the DMU hears what.

Method (docs/methods.md, "Annual meeting and development plan"):

- **Arguments** (:func:`proposal_arguments`): facts of a kind, each either client-facing (in
  the relationship's favour: value delivered, growth, a good service record, tenders awarded,
  breadth of supply, years together) or internal (declines, share of wallet, a service record
  below target, tenders lost, data gaps). The rule is one list, :data:`INTERNAL_ARGUMENTS`.
- **Draft proposal** (:func:`draft_proposal`): per product a volume by one conservative rule
  (the last 12 months' volume, no extrapolation, unless the caller passes volumes), a price
  never below the floor, conditions and an expiry date. The proposal's contribution is gross
  profit - cost to serve (the client analysis' figure, cost to serve held as it is), before and
  after on the same volumes. The kind of proposal follows the account's situation: ``active``,
  ``repair`` (loss-making: prices below the floor go to the floor, no discount), ``win-back``
  (lost: the lowest price within the floor on its former volumes).
- **Audiences** by the contact's role in the decision (:data:`ROLE_AUDIENCE`, overridable),
  the job title only when the role is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamlib.account.dossier import share_of_wallet
from kamlib.account.pricing import cents_up
from kamlib.errors import ArgumentError
from kamlib.language import gettext as _
from kamlib.language import ngettext, pgettext
from kamlib.schema import account_rows, is_missing
from kamlib.schema import require_columns as _require
from kamlib.window import renamed_months

__all__ = [
    "AUDIENCES",
    "AUDIENCE_ARGUMENTS",
    "CLIENT_ARGUMENTS",
    "INTERNAL_ARGUMENTS",
    "ROLE_AUDIENCE",
    "SITUATIONS",
    "TITLE_AUDIENCE",
    "Proposal",
    "audience_of",
    "draft_proposal",
    "proposal_arguments",
]

AUDIENCES = ("decision maker", "economic buyer", "finance", "technical", "user", "gatekeeper")
"""The contact's role in the client's decision, in the order the brief lists them."""

ROLE_AUDIENCE: dict[str, str] = {
    "decision maker": "decision maker",
    "approver": "finance",
    "buyer": "economic buyer",
    "economic buyer": "economic buyer",
    "influencer": "technical",
    "technical": "technical",
    "user": "user",
    "gatekeeper": "gatekeeper",
}
"""Audience by the contact's ``dmu_role`` (lower case). Pass ``role_audience`` to override."""

TITLE_AUDIENCE: tuple[tuple[str, str], ...] = (
    ("gatekeeper", r"assistant|office manager|secretar|reception"),
    ("finance", r"financ|\bcfo\b|controll|accounting|treasur"),
    ("economic buyer", r"purchas|procure|buyer|sourcing"),
    ("technical", r"techn|engineer|\bcto\b|\bit\b|production|quality|plant|maintenance manager"),
    ("user", r"supervisor|warehouse|site|operator|foreman|lead\b"),
    ("decision maker", r"\bceo\b|chief|director|owner|managing|president|board|general manager"),
)
"""Fallback by job title when a contact has no known ``dmu_role``: first match wins."""

INTERNAL_ARGUMENTS = frozenset(
    {
        "decline",
        "share_of_wallet",
        "budget_understated",
        "service_below_target",
        "tenders_lost",
        "data_gap",
        "class_code",
        "loss",
        "below_floor",
        "competitor",
        "contribution",
    }
)
"""Argument kinds that stay inside: never in a client-facing sentence."""

CLIENT_ARGUMENTS = (
    "value_delivered",
    "growth",
    "service_record",
    "tenders_awarded",
    "breadth",
    "relationship",
)
"""Argument kinds that may be told to the client (facts in the relationship's favour)."""

AUDIENCE_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "decision maker": ("offer", "growth", "relationship", "references"),
    "economic buyer": ("offer", "value_delivered", "tenders_awarded"),
    "finance": ("offer", "value_delivered", "growth"),
    "technical": ("volumes", "service_record", "breadth"),
    "user": ("service_record", "breadth"),
    "gatekeeper": ("validity", "relationship"),
}
"""What each audience hears, in order: client-facing kinds plus the proposal's own points
(``offer``, ``volumes``, ``validity``, ``references``); absent kinds are skipped."""

SITUATIONS = ("active", "repair", "win-back")
"""Kinds of proposal: an active account, a loss-making one, a lost one."""


def _row(argument: str, value=np.nan, amount=np.nan, base=np.nan, detail: str = "") -> dict:
    return {"argument": argument, "value": value, "amount": amount, "base": base, "detail": detail}


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
    good_service: float = 0.9,
) -> pd.DataFrame:
    """The facts behind the proposal, each one of a kind that is client-facing or internal.

    Client-facing kinds (:data:`CLIENT_ARGUMENTS`) are facts in the relationship's favour, only
    when they are: ``growth`` (revenue of the last `months` above the window before),
    ``value_delivered`` (savings against list prices: list price x quantity - revenue, for lines
    whose product has a list price, when positive), ``service_record`` (share of the actions due
    by `as_of` done by their due date, from `good_service` on), ``tenders_awarded`` (tenders the
    client awarded us), ``breadth`` (products and categories supplied), ``relationship`` (years
    since the account's ``since`` date). Everything else is internal
    (:data:`INTERNAL_ARGUMENTS`): ``decline``, ``service_below_target``, ``tenders_lost``,
    ``share_of_wallet`` (our revenue / potential budget, else 1 - competitors' shares; ``detail``
    says which; ``main_supplier`` from `main_supplier_share` on), ``budget_understated`` (revenue
    above the potential budget) and ``data_gap`` (``detail`` names what is missing, in the
    reader's language; the other kinds' ``detail`` is a code and stays English).

    Parameters
    ----------
    account_id : str
        The account.
    transactions : DataFrame
        Canonical transactions.
    products, accounts, actions, tenders, competitors : DataFrame, optional
        Canonical tables; a missing one gives a ``data_gap`` row.
    as_of : date-like
        End of the window (inclusive).
    months : int, default 12
        Length of the window.
    window_months : int, optional
        Deprecated spelling of `months` (warns).
    main_supplier_share : float, default 0.8
        Share of wallet from which we count as the main supplier (internal).
    good_service : float, default 0.9
        Share of actions done on time from which the service record is told to the client.

    Returns
    -------
    DataFrame
        ``argument`` (the kind), ``for_client`` (bool), ``value`` (a ratio), ``amount`` and
        ``base`` (the numbers it compares), ``detail`` (str), ``months`` (the window). Sentences:
        :func:`kamlib.words.proposal.argument_sentence`.

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A", "A"], "product_id": ["p1", "p1"],
    ...     "quantity": [10.0, 12.0], "revenue": [100.0, 120.0],
    ...     "date": pd.to_datetime(["2024-06-01", "2025-06-01"])})
    >>> pr = pd.DataFrame({"product_id": ["p1"], "list_price": [11.0], "category": ["Pumps"]})
    >>> args = proposal_arguments("A", transactions=tx, products=pr, as_of="2025-12-31")
    >>> args[["argument", "for_client", "amount", "base"]].head(1)
      argument  for_client  amount   base
    0   growth        True   120.0  100.0
    >>> args.set_index("argument").loc["value_delivered", ["amount", "base"]].tolist()
    [12.0, 132.0]
    """
    months = renamed_months(months, window_months, "proposal_arguments")
    _require(transactions, ["account_id", "date", "revenue"], "transactions")
    as_of = pd.Timestamp(as_of)
    start = as_of - pd.DateOffset(months=months)
    before = start - pd.DateOffset(months=months)
    tx = transactions[transactions["account_id"] == account_id]
    last = tx[(tx["date"] > start) & (tx["date"] <= as_of)]
    prev = tx[(tx["date"] > before) & (tx["date"] <= start)]
    rows: list[dict] = []

    r_last, r_prev = float(last["revenue"].sum()), float(prev["revenue"].sum())
    if r_prev > 0:
        growth = r_last / r_prev - 1
        rows.append(_row("growth" if growth > 0 else "decline", growth, r_last, r_prev))
    else:
        rows.append(_row("data_gap", detail=_("purchases in the window before")))
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
        rows.append(_row("data_gap", detail=_("potential budget and competitors' shares")))
    else:
        source = "potential budget" if by_budget else "competitors' shares"
        rows.append(
            _row(
                "share_of_wallet",
                share,
                r_last,
                np.nan,
                "main supplier: " + source if share >= main_supplier_share else source,
            )
        )
        if by_budget and share > 1:
            rows.append(_row("budget_understated", share, r_last, r_last / share))
    acts = account_rows(actions, account_id)
    if acts is not None and not acts.empty and "due_date" in acts:
        due = acts[acts["due_date"] <= as_of]
        done_date = due["done_date"] if "done_date" in due else pd.Series(pd.NaT, index=due.index)
        if len(due):
            n_on_time = int((done_date.notna() & (done_date <= due["due_date"])).sum())
            on_time = n_on_time / len(due)
            kind = "service_record" if on_time >= good_service else "service_below_target"
            rows.append(_row(kind, on_time, float(n_on_time), float(len(due))))
    else:
        # TRANSLATORS: shown as "Not known: actions." (the actions agreed with the client).
        rows.append(_row("data_gap", detail=pgettext("missing data", "actions")))
    tend = account_rows(tenders, account_id)
    if tend is not None and not tend.empty and "status" in tend:
        status = tend["status"].fillna("").str.lower()
        won, lost = int((status == "won").sum()), int((status == "lost").sum())
        if won:
            rows.append(_row("tenders_awarded", won / (won + lost), float(won), float(won + lost)))
        if lost:
            rows.append(_row("tenders_lost", lost / (won + lost), float(lost), float(won + lost)))
    has_list = not is_missing(products) and "list_price" in products.columns
    if has_list and "quantity" in last.columns and "product_id" in last.columns:
        prices = products.drop_duplicates("product_id").set_index("product_id")["list_price"]
        list_value = last["product_id"].map(prices).astype("float64") * last["quantity"]
        priced = list_value.notna()
        if priced.any():
            total = float(list_value[priced].sum())
            savings = total - float(last.loc[priced, "revenue"].sum())
            if savings > 0:
                rows.append(_row("value_delivered", savings / total, savings, total))
    else:
        rows.append(_row("data_gap", detail=_("list prices")))
    n_products = int(last["product_id"].nunique()) if "product_id" in last else 0
    categories = np.nan
    if not is_missing(products) and "category" in products.columns and "product_id" in last:
        cats = products.drop_duplicates("product_id").set_index("product_id")["category"]
        categories = float(last["product_id"].map(cats).nunique())
    if n_products:
        rows.append(_row("breadth", np.nan, float(n_products), categories))
    acc = account_rows(accounts, account_id)
    if acc is not None and not acc.empty and "since" in acc:
        since = pd.to_datetime(acc["since"].iloc[0], errors="coerce")
        if pd.notna(since) and since < as_of:
            years = float((as_of - since).days // 365)
            if years >= 1:
                rows.append(_row("relationship", np.nan, years, float(since.year)))
    out = pd.DataFrame(rows, columns=["argument", "value", "amount", "base", "detail"])
    out.insert(1, "for_client", ~out["argument"].isin(INTERNAL_ARGUMENTS))
    out["months"] = months
    return out.astype(
        {
            "argument": "str",
            "for_client": "bool",
            "value": "float64",
            "amount": "float64",
            "base": "float64",
            "detail": "str",
            "months": "int64",
        }
    )


@dataclass(frozen=True)
class Proposal:
    """Part 9 of the brief: the draft proposal (see :func:`draft_proposal`).

    ``situation`` is one of :data:`SITUATIONS`; ``volume_basis`` is ``"last months"`` (the
    default rule) or ``"given"``; ``arguments`` lists per audience the kinds of argument it hears
    (sentences: :func:`kamlib.words.proposal.audience_table`).
    """

    account_id: str
    lines: pd.DataFrame
    valid_until: pd.Timestamp
    arguments: pd.DataFrame
    totals: pd.Series
    messages: tuple[str, ...] = ()
    situation: str = "active"
    volume_basis: str = "last months"


def audience_of(roster: pd.DataFrame, role_audience: Mapping[str, str] | None = None) -> pd.Series:
    """The audience of each contact: by ``dmu_role`` first, by job title only as fallback.

    Parameters
    ----------
    roster : DataFrame
        Contacts with ``dmu_role`` and/or ``title``.
    role_audience : mapping, optional
        Audience per DMU role, merged over :data:`ROLE_AUDIENCE`.

    Returns
    -------
    Series
        One of :data:`AUDIENCES` per contact ("decision maker" when neither role nor title says).

    Examples
    --------
    >>> r = pd.DataFrame({"title": ["Office Manager", "Senior Buyer", "CFO", "Plant Manager"],
    ...                   "dmu_role": ["gatekeeper", "buyer", None, None]})
    >>> audience_of(r).tolist()
    ['gatekeeper', 'economic buyer', 'finance', 'technical']
    """
    mapping = {**ROLE_AUDIENCE, **{k.lower(): v for k, v in (role_audience or {}).items()}}
    bad = set(mapping.values()) - set(AUDIENCES)
    if bad:
        raise ArgumentError(
            f"`role_audience` maps to unknown audiences {sorted(bad)}: use {AUDIENCES}"
        )
    role = (
        roster["dmu_role"].astype("object").where(roster["dmu_role"].notna(), "").astype("str")
        if "dmu_role" in roster
        else pd.Series("", index=roster.index)
    )
    by_role = role.str.strip().str.lower().map(mapping)
    title = (
        roster["title"].fillna("").astype("str").str.lower()
        if "title" in roster
        else pd.Series("", index=roster.index)
    )
    by_title = pd.Series(np.nan, index=roster.index, dtype=object)
    for audience, pattern in reversed(TITLE_AUDIENCE):  # first match in the list wins
        by_title = by_title.mask(title.str.contains(pattern, regex=True), audience)
    return by_role.fillna(by_title).fillna("decision maker").astype("str")


def draft_proposal(
    account_id: str,
    limits: pd.DataFrame,
    *,
    meeting_date: object,
    volumes: pd.DataFrame | Mapping[str, float] | None = None,
    targets: pd.DataFrame | None = None,
    cost_to_serve: float | None = None,
    situation: str | None = None,
    roster: pd.DataFrame | None = None,
    arguments: pd.DataFrame | None = None,
    validity_days: int = 30,
    role_audience: Mapping[str, str] | None = None,
    cell: str | None = None,
) -> Proposal:
    """Draft proposal lines that hold: volumes by one rule, prices never below the floor.

    Volumes: the last months' volume of each product (the window of `limits`), no extrapolation,
    unless the caller passes `volumes`; rounded up to whole units. A price rise never assumes
    more volume (a product whose price goes up keeps at most today's volume).

    Prices per situation (p today's price, c unit cost, g volume growth over today):

    - ``active``: the discount the extra volume pays for, 1 - (c + (p - c) / (1 + g)) / p for
      g > 0 (keeps the product's gross profit), at most ``max_discount``; 0 without growth.
    - ``repair`` (the account loses money after cost to serve; the default when
      `cost_to_serve` makes today's contribution negative): no discount.
    - ``win-back`` (a lost account, passed by the caller): the lowest price of `limits`
      (max(floor, p x (1 - max_discount))).

    Every price is then max(price, floor), rounded up to the cent. Contribution = gross profit
    - cost to serve (held at today's), before (today's prices and volumes of the products in
    the proposal) and after.

    Parameters
    ----------
    account_id : str
        The account.
    limits : DataFrame
        Output of :func:`kamlib.account.pricing.negotiation_limits`.
    meeting_date : date-like
        Start of the validity.
    volumes : DataFrame or mapping, optional
        Volumes per product (``product_id`` -> volume, or a frame with ``product_id`` and
        ``volume``); products not named keep today's volume.
    targets : DataFrame, optional
        Deprecated: product targets (``product_id``, ``quantity_target``) used as `volumes`.
    cost_to_serve : float, optional
        The account's cost to serve over the window of `limits` (as in
        :func:`kamlib.portfolio.profitability.client_pnl`); None: contribution unknown.
    situation : {"active", "repair", "win-back"}, optional
        Default: ``repair`` when today's contribution is negative, else ``active``.
    roster : DataFrame, optional
        The decision-making unit (:func:`kamlib.account.dmu.dmu_roster`).
    arguments : DataFrame, optional
        Output of :func:`proposal_arguments`: which client-facing kinds each audience hears.
    validity_days : int, default 30
        The proposal expires `validity_days` after `meeting_date`.
    role_audience : mapping, optional
        Audience per DMU role, merged over :data:`ROLE_AUDIENCE`.
    cell : str, optional
        Ignored (kept for callers): class codes are never shown to the client.

    Returns
    -------
    Proposal
        ``lines`` (``product_id``, ``name``, ``current_volume``, ``volume``, ``current_price``,
        ``floor_price``, ``price``, ``price_change`` (relative; + is a rise), ``change``
        (``"discount"``, ``"rise"``, ``"raised to floor"``, ``"win-back"``, ``"unchanged"``),
        ``revenue``, ``gross_profit``, ``current_gross_profit``), ``totals`` (``revenue``,
        ``gross_profit``, ``cost_to_serve``, ``contribution`` and the same with ``current_``),
        ``valid_until``, ``arguments`` (``audience``, ``contacts``, ``argument``),
        ``situation``, ``volume_basis``.

    Examples
    --------
    >>> lim = pd.DataFrame({"product_id": ["p1"], "name": ["Pump"], "volume": [100.0],
    ...     "current_price": [15.0], "unit_cost": [10.0], "floor_price": [11.5],
    ...     "lowest_price": [13.5], "max_discount": [0.1], "contribution": [500.0]})
    >>> p = draft_proposal("A", lim, volumes={"p1": 110.0}, cost_to_serve=100.0,
    ...                    meeting_date="2025-11-20")
    >>> p.lines[["volume", "price", "price_change", "change", "gross_profit"]].round(4)
       volume  price  price_change    change  gross_profit
    0   110.0  14.55         -0.03  discount         500.5
    >>> p.totals[["current_contribution", "contribution"]].round(2).tolist()
    [400.0, 400.5]
    >>> p.valid_until
    Timestamp('2025-12-20 00:00:00')
    """
    if validity_days <= 0:
        raise ArgumentError(f"`validity_days` must be positive, got {validity_days!r}")
    if situation is not None and situation not in SITUATIONS:
        raise ArgumentError(f"`situation` must be one of {SITUATIONS}, got {situation!r}")
    if cost_to_serve is not None and not (np.isfinite(cost_to_serve) and cost_to_serve >= 0):
        raise ArgumentError(f"`cost_to_serve` must be a finite amount >= 0, got {cost_to_serve!r}")
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
        n_out = len(limits) - len(usable)
        text = ngettext(
            "{n} product(s) without a known unit cost left out of the proposal",
            "{n} product(s) without a known unit cost left out of the proposal",
            n_out,
        )
        messages.append(text.format(n=n_out))
    lines = usable.reset_index(drop=True)
    given = _given_volumes(volumes, targets)
    basis = "given" if given is not None else "last months"
    current_volume = lines["volume"].astype(float)
    wanted = lines["product_id"].map(given) if given is not None else pd.Series(np.nan, lines.index)
    volume = np.ceil(wanted.astype(float).fillna(current_volume).clip(lower=0).round(6))
    p, c = lines["current_price"], lines["unit_cost"]
    current_gp = float(((p - c) * current_volume).sum())
    cts = float(cost_to_serve) if cost_to_serve is not None else np.nan
    current_contribution = current_gp - cts
    if situation is None:
        situation = "repair" if current_contribution < 0 else "active"
    growth = volume / current_volume - 1
    if situation == "active":
        paid = 1 - (c + (p - c) / (1 + growth.where(growth > 0))) / p
        discount = paid.fillna(0.0).clip(lower=0.0, upper=lines["max_discount"]).where(p > c, 0.0)
        price = p * (1 - discount)
    elif situation == "win-back":
        lowest = (
            lines["lowest_price"] if "lowest_price" in lines else p * (1 - lines["max_discount"])
        )
        price = lowest.fillna(p)
    else:
        price = p.copy()
    price = cents_up(np.fmax(price, lines["floor_price"]))
    change = price / p - 1
    rise = change > _NEGLIGIBLE
    # a price rise never assumes more volume than today's
    volume = volume.where(~rise, np.fmin(volume, np.ceil(current_volume.round(6))))
    keep = volume > 0
    if not keep.all():
        n_zero = int((~keep).sum())
        text = ngettext(
            "{n} product(s) with a zero volume left out",
            "{n} product(s) with a zero volume left out",
            n_zero,
        )
        messages.append(text.format(n=n_zero))
    kind = np.select(
        [p < lines["floor_price"], situation == "win-back", rise, change < -_NEGLIGIBLE],
        ["raised to floor", "win-back", "rise", "discount"],
        default="unchanged",
    )
    out = pd.DataFrame(
        {
            "product_id": lines["product_id"].astype("str"),
            "name": lines["name"] if "name" in lines else lines["product_id"],
            "current_volume": current_volume,
            "volume": volume.astype(float),
            "current_price": p,
            "floor_price": lines["floor_price"],
            "price": price,
            "price_change": change.round(6).where(change.abs() > _NEGLIGIBLE, 0.0),
            "change": kind,
            "revenue": volume * price,
            "gross_profit": volume * (price - c),
            "current_gross_profit": current_volume * (p - c),
        }
    )[keep.to_numpy()].reset_index(drop=True)
    out = out.astype({"name": "str", "change": "str"})
    totals = pd.Series(
        {
            "current_revenue": float((current_volume * p).sum()),
            "current_gross_profit": current_gp,
            "current_cost_to_serve": cts,
            "current_contribution": current_contribution,
            "revenue": float(out["revenue"].sum()),
            "gross_profit": float(out["gross_profit"].sum()),
            "cost_to_serve": cts,
            "contribution": float(out["gross_profit"].sum()) - cts,
        },
        dtype="float64",
    )
    return Proposal(
        account_id=account_id,
        lines=out,
        valid_until=valid_until,
        arguments=_audience_arguments(roster, arguments, role_audience, situation),
        totals=totals,
        messages=tuple(messages),
        situation=situation,
        volume_basis=basis,
    )


_NEGLIGIBLE = 0.0005  # below 0.05 % (cent rounding) a price change is not named


def _given_volumes(volumes, targets) -> pd.Series | None:
    if volumes is None and not is_missing(targets):
        if {"product_id", "quantity_target"} <= set(targets.columns):
            return targets.groupby("product_id")["quantity_target"].sum(min_count=1)
        return None
    if volumes is None:
        return None
    if isinstance(volumes, pd.DataFrame):
        _require(volumes, ["product_id", "volume"], "volumes")
        return volumes.groupby("product_id")["volume"].sum(min_count=1)
    if isinstance(volumes, Mapping):
        return pd.Series(dict(volumes), dtype="float64")
    raise ArgumentError("`volumes` must be a mapping product_id -> volume or a DataFrame")


def _audience_arguments(
    roster: pd.DataFrame | None,
    arguments: pd.DataFrame | None,
    role_audience: Mapping[str, str] | None,
    situation: str,
) -> pd.DataFrame:
    told = set()
    if arguments is not None and not arguments.empty:
        told = set(arguments.loc[~arguments["argument"].isin(INTERNAL_ARGUMENTS), "argument"])
    own = {"offer", "volumes", "validity", "references"}
    contacts = pd.Series("", index=list(AUDIENCES))
    if roster is not None and not roster.empty and "name" in roster:
        names = roster.assign(_audience=audience_of(roster, role_audience))
        contacts = (
            contacts.add(names.groupby("_audience")["name"].agg(", ".join), fill_value="")
            .reindex(list(AUDIENCES))
            .fillna("")
        )
    rows = [
        (audience, contacts[audience], kind)
        for audience in AUDIENCES
        for kind in AUDIENCE_ARGUMENTS[audience]
        if kind in own or kind in told
    ]
    return pd.DataFrame(rows, columns=["audience", "contacts", "argument"]).astype("str")

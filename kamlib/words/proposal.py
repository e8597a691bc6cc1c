"""The proposal in words: the client-facing arguments, the internal notes, the offer.

Every sentence of the proposal lives here; the numbers come from
:mod:`kamlib.account.proposal`. What may be said to the client is decided by the argument's
kind (:data:`kamlib.account.proposal.INTERNAL_ARGUMENTS` stays inside).

Examples
--------
>>> row = pd.Series({"argument": "growth", "value": 0.2, "amount": 120.0, "base": 100.0,
...                  "detail": "", "months": 12})
>>> argument_sentence(row)
'Our joint business grew by 20.0 % in the last 12 months (120 against 100 the year before).'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlib.account.proposal import AUDIENCES, INTERNAL_ARGUMENTS
from kamlib.words.numbers import money, percent, signed_percent

__all__ = [
    "argument_sentence",
    "arguments_table",
    "audience_table",
    "change_sentence",
    "internal_notes_table",
    "offer_sentence",
    "proposal_lines_table",
    "proposal_sentence",
    "what_if_sentence",
]


def _n(value: float, word: str) -> str:
    n = int(round(value))
    return f"{n:,} {word}{'s' * (n != 1)}"


def _years(months: int) -> str:
    return f"the last {months} months"


def argument_sentence(row: pd.Series, *, past: bool = False) -> str:
    """One argument of :func:`kamlib.account.proposal.proposal_arguments` in plain words.

    Parameters
    ----------
    row : Series
        ``argument``, ``value``, ``amount``, ``base``, ``detail``, ``months``.
    past : bool, default False
        Past tense (a lost client: "we supplied you").

    Returns
    -------
    str
        The sentence; client-facing kinds state only facts in the relationship's favour.

    Examples
    --------
    >>> row = pd.Series({"argument": "value_delivered", "value": 0.091, "amount": 12.0,
    ...                  "base": 132.0, "detail": "", "months": 12})
    >>> argument_sentence(row)
    'You saved 12 against list prices in the last 12 months (9.1 % of the list value).'
    """
    kind, value, amount, base = row["argument"], row["value"], row["amount"], row["base"]
    period = _years(int(row.get("months", 12)))
    detail = str(row.get("detail", ""))
    if kind == "growth":
        return (
            f"Our joint business grew by {percent(value)} in {period} "
            f"({money(amount)} against {money(base)} the year before)."
        )
    if kind == "value_delivered":
        return (
            f"You saved {money(amount)} against list prices in {period} "
            f"({percent(value)} of the list value)."
        )
    if kind == "service_record":
        return (
            f"{int(amount)} of the {_n(base, 'action')} agreed with you were done on time "
            f"({percent(value, 0)})."
        )
    if kind == "tenders_awarded":
        return f"You awarded us {_n(amount, 'tender')}."
    if kind == "breadth":
        cats = (
            f" in {_n(base, 'category').replace('categorys', 'categories')}"
            if pd.notna(base)
            else ""
        )
        return f"We {'supplied' if past else 'supply'} you {_n(amount, 'product')}{cats}."
    if kind == "relationship":
        if past:
            return f"We worked together from {int(base)}, {_n(amount, 'year')} of partnership."
        return f"We have worked together since {int(base)} ({_n(amount, 'year')})."
    # internal kinds
    if kind == "decline":
        return (
            f"Purchases fell by {percent(-value)} in {period} "
            f"({money(amount)} against {money(base)} the year before)."
        )
    if kind == "share_of_wallet":
        source = detail.removeprefix("main supplier: ")
        main = " (main supplier)" if detail.startswith("main supplier") else " (room to grow)"
        return f"Share of wallet {percent(value, 0)} by the {source}{main}."
    if kind == "budget_understated":
        return (
            f"Revenue of {period} is {percent(value, 0)} of the recorded potential budget "
            f"({money(base)}): update the budget."
        )
    if kind == "service_below_target":
        return (
            f"Only {int(amount)} of the {_n(base, 'action')} due were done on time "
            f"({percent(value, 0)}): fix before promising service."
        )
    if kind == "tenders_lost":
        return f"{_n(amount, 'tender')} lost of {int(base)} decided."
    if kind == "data_gap":
        return f"Not known: {detail}."
    return f"{kind}: {detail}".strip(": ") + "."


def arguments_table(
    arguments: pd.DataFrame, *, for_client: bool = True, past: bool = False
) -> pd.DataFrame:
    """The client-facing arguments (or, with ``for_client=False``, the internal ones).

    Parameters
    ----------
    arguments : DataFrame
        :func:`kamlib.account.proposal.proposal_arguments`.
    for_client : bool, default True
        Which list: the kinds outside :data:`INTERNAL_ARGUMENTS`, or the internal kinds.
    past : bool, default False
        Past tense, for a lost client (see :func:`argument_sentence`).

    Returns
    -------
    DataFrame
        ``Argument`` (one sentence per row).

    Examples
    --------
    >>> args = pd.DataFrame({"argument": ["decline", "breadth"], "value": [-0.1, np.nan],
    ...     "amount": [90.0, 3.0], "base": [100.0, 2.0], "detail": "", "months": 12})
    >>> arguments_table(args)["Argument"].tolist()
    ['We supply you 3 products in 2 categories.']
    """
    internal = arguments["argument"].isin(INTERNAL_ARGUMENTS)
    chosen = arguments[~internal if for_client else internal]
    return pd.DataFrame(
        {"Argument": [argument_sentence(row, past=past) for _, row in chosen.iterrows()]},
        dtype="str",
    )


def change_sentence(before: float, after: float, what: str = "contribution") -> str:
    """A change told truly: "rises by", "falls by" or "unchanged".

    Examples
    --------
    >>> change_sentence(1_788_386, 1_769_787)
    'contribution falls by 18,599 (-1.0 %) to 1,769,787'
    >>> change_sentence(100.0, 100.2)
    'contribution unchanged at 100'
    """
    if pd.isna(before) or pd.isna(after):
        return f"{what} unknown"
    delta = after - before
    if abs(delta) < 0.5:
        return f"{what} unchanged at {money(after)}"
    rel = f" ({signed_percent(delta / before)})" if before > 0 else ""
    verb = "rises" if delta > 0 else "falls"
    return f"{what} {verb} by {money(abs(delta))}{rel} to {money(after)}"


_SITUATION_WORDS = {
    "active": "Draft proposal",
    "repair": "Repair proposal (the account loses money after cost to serve)",
    "win-back": "Win-back offer",
}


def proposal_sentence(proposal) -> str:
    """The draft proposal for us (internal): its kind, volume rule, revenue and contribution.

    Parameters
    ----------
    proposal : kamlib.account.proposal.Proposal

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> p = SimpleNamespace(lines=pd.DataFrame({"change": ["rise", "unchanged"]}),
    ...     totals=pd.Series({"revenue": 1100.0, "gross_profit": 300.0, "contribution": 250.0,
    ...         "current_revenue": 1000.0, "current_gross_profit": 290.0,
    ...         "current_contribution": 240.0, "cost_to_serve": 50.0}),
    ...     valid_until=pd.Timestamp("2026-01-30"), situation="active",
    ...     volume_basis="last months")
    >>> print(proposal_sentence(p))  # doctest: +NORMALIZE_WHITESPACE
    Draft proposal for 2 products on the last 12 months' volumes (no growth assumed): revenue
    1,100 (+10.0 %); contribution after cost to serve rises by 10 (+4.2 %) to 250 (gross
    profit 300 less cost to serve 50, held at today's); 1 price rise; valid until 2026-01-30.
    """
    lines, t = proposal.lines, proposal.totals
    if lines.empty:
        return "No proposal lines: no product with a known cost and price."
    n = len(lines)
    basis = (
        "the last 12 months' volumes (no growth assumed)"
        if proposal.volume_basis == "last months"
        else "the volumes given"
    )
    rev = t["revenue"] / t["current_revenue"] - 1 if t["current_revenue"] else np.nan
    if pd.notna(t["cost_to_serve"]):
        money_part = (
            change_sentence(
                t["current_contribution"], t["contribution"], "contribution after cost to serve"
            )
            + f" (gross profit {money(t['gross_profit'])} less cost to serve "
            f"{money(t['cost_to_serve'])}, held at today's)"
        )
    else:
        money_part = (
            change_sentence(t["current_gross_profit"], t["gross_profit"], "gross profit")
            + " (cost to serve not known: contribution not computed)"
        )
    counts = lines["change"].value_counts()
    moves = []
    for kind, one, many in (
        ("rise", "price rise", "price rises"),
        ("raised to floor", "price raised to the floor", "prices raised to the floor"),
        ("discount", "volume discount", "volume discounts"),
        ("win-back", "win-back price", "win-back prices"),
    ):
        k = int(counts.get(kind, 0))
        if k:
            moves.append(f"{k} {one if k == 1 else many}")
    return (
        f"{_SITUATION_WORDS.get(proposal.situation, 'Draft proposal')} for "
        f"{n} product{'s' * (n != 1)} on {basis}: revenue {money(t['revenue'])} "
        f"({signed_percent(rev)}); {money_part}; "
        + ("; ".join(moves) + "; " if moves else "")
        + f"valid until {proposal.valid_until.date()}."
    )


def _basis(proposal) -> str:
    if getattr(proposal, "volume_basis", "last months") == "given":
        return "the volumes we plan together"
    return "your former volumes" if proposal.situation == "win-back" else "your current volumes"


def offer_sentence(proposal) -> str:
    """The offer as the client hears it: products, yearly value, price moves, validity.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> p = SimpleNamespace(lines=pd.DataFrame({"change": ["rise", "unchanged", "discount"]}),
    ...     totals=pd.Series({"revenue": 1100.0}), valid_until=pd.Timestamp("2026-01-30"),
    ...     situation="active")
    >>> print(offer_sentence(p))  # doctest: +NORMALIZE_WHITESPACE
    Our offer: 3 products for 1,100 a year at your current volumes; prices held on 1, adjusted
    on 1, reduced for volume on 1; valid until 2026-01-30.
    """
    lines = proposal.lines
    if lines.empty:
        return "No offer: no product with a known price."
    c = lines["change"].value_counts()
    held = int(c.get("unchanged", 0))
    up = int(c.get("rise", 0) + c.get("raised to floor", 0))
    down = int(c.get("discount", 0) + c.get("win-back", 0))
    parts = [f"prices held on {held}"] if held else []
    parts += [f"adjusted on {up}"] if up else []
    parts += [f"reduced for volume on {down}"] if down and proposal.situation != "win-back" else []
    parts += (
        [f"reduced on {down} to welcome you back"]
        if down and proposal.situation == "win-back"
        else []
    )
    return (
        f"Our offer: {len(lines)} product{'s' * (len(lines) != 1)} for "
        f"{money(proposal.totals['revenue'])} a year at {_basis(proposal)}; "
        + ", ".join(parts)
        + f"; valid until {proposal.valid_until.date()}."
    )


def _volumes_sentence(proposal, shown: int = 5) -> str:
    top = proposal.lines.sort_values("revenue", ascending=False).head(shown)
    if top.empty:
        return "Volumes: no product lines (no products table with prices and costs)."
    names = top["name"].astype("object").where(top["name"].notna(), top["product_id"])
    listed = ", ".join(f"{n} {v:,.0f}" for n, v in zip(names, top["volume"], strict=True))
    more = len(proposal.lines) - len(top)
    return f"Volumes: {listed}" + (f" and {more} more" if more > 0 else "") + "."


_OWN = {
    "offer": offer_sentence,
    "volumes": _volumes_sentence,
    "validity": lambda p: f"The offer is valid until {p.valid_until.date()}.",
    "references": lambda p: (
        "References: visits to comparable clients we supply, and training for your staff."
    ),
}


def audience_table(proposal, arguments: pd.DataFrame | None) -> pd.DataFrame:
    """The client-facing arguments per audience, with the contacts who hear them.

    Parameters
    ----------
    proposal : kamlib.account.proposal.Proposal
    arguments : DataFrame or None
        :func:`kamlib.account.proposal.proposal_arguments`.

    Returns
    -------
    DataFrame
        ``Audience``, ``Contacts``, ``Argument``: internal kinds never appear.
    """
    facts = {}
    if arguments is not None and not arguments.empty:
        for _, row in arguments.iterrows():
            if row["argument"] not in INTERNAL_ARGUMENTS:
                facts[row["argument"]] = argument_sentence(
                    row, past=proposal.situation == "win-back"
                )
    rows = []
    for _, r in proposal.arguments.iterrows():
        if r["argument"] in INTERNAL_ARGUMENTS:
            continue
        text = _OWN[r["argument"]](proposal) if r["argument"] in _OWN else facts.get(r["argument"])
        if text and not (r["argument"] in ("offer", "volumes") and proposal.lines.empty):
            rows.append((r["audience"], r["contacts"], text))
    out = pd.DataFrame(rows, columns=["Audience", "Contacts", "Argument"]).astype("str")
    order = {a: i for i, a in enumerate(AUDIENCES)}
    return out.sort_values("Audience", key=lambda s: s.map(order), kind="stable").reset_index(
        drop=True
    )


def internal_notes_table(
    arguments: pd.DataFrame | None, proposal=None, *, cell: str | None = None
) -> pd.DataFrame:
    """For us only: diagnostics and risks (declines, class, budget, service, the loss).

    Parameters
    ----------
    arguments : DataFrame or None
        :func:`kamlib.account.proposal.proposal_arguments`.
    proposal : Proposal, optional
        Adds the loss of a loss-making account and the price rises.
    cell : str, optional
        The ABC-XYZ class, shown here and nowhere client-facing.

    Returns
    -------
    DataFrame
        ``Note``.

    Examples
    --------
    >>> internal_notes_table(None, cell="AX")["Note"].tolist()
    ['Class AX.']
    """
    notes = [f"Class {cell}."] if cell else []
    if arguments is not None and not arguments.empty:
        inside = arguments[arguments["argument"].isin(INTERNAL_ARGUMENTS)]
        notes += [argument_sentence(row) for _, row in inside.iterrows()]
    if proposal is not None and not proposal.lines.empty:
        t = proposal.totals
        if pd.notna(t["current_contribution"]) and t["current_contribution"] < 0:
            notes.append(
                f"The account loses {money(-t['current_contribution'])} after cost to serve "
                f"(gross profit {money(t['current_gross_profit'])}, cost to serve "
                f"{money(t['current_cost_to_serve'])}): prices to the floor, "
                "and cut the cost to serve (fewer, larger orders)."
            )
        below = int((proposal.lines["change"] == "raised to floor").sum())
        if below:
            notes.append(f"{below} price(s) below our floor today: raised to the floor.")
    return pd.DataFrame({"Note": notes}, dtype="str")


def proposal_lines_table(proposal) -> pd.DataFrame:
    """The proposal lines for the manager: volumes, prices, the change, gross profit.

    Parameters
    ----------
    proposal : kamlib.account.proposal.Proposal

    Returns
    -------
    DataFrame
        ``Product``, ``Volume``, ``Price today``, ``Floor``, ``Price``, ``Change`` (e.g.
        "price rise +3.2 %", "volume discount -2.0 %", "unchanged"), ``Revenue``,
        ``Gross profit``.
    """
    lines = proposal.lines
    words = {
        "rise": "price rise",
        "raised to floor": "raised to floor",
        "discount": "volume discount",
        "win-back": "win-back price",
        "unchanged": "unchanged",
    }
    change = [
        words[k] + ("" if k == "unchanged" else f" {signed_percent(c)}")
        for k, c in zip(lines["change"], lines["price_change"], strict=True)
    ]
    return pd.DataFrame(
        {
            "Product": lines["name"].where(lines["name"].ne("nan"), lines["product_id"]),
            "Volume": lines["volume"].map("{:,.0f}".format),
            "Price today": lines["current_price"].map("{:,.2f}".format),
            "Floor": lines["floor_price"].map("{:,.2f}".format),
            "Price": lines["price"].map("{:,.2f}".format),
            "Change": change,
            "Revenue": lines["revenue"].map(money),
            "Gross profit": lines["gross_profit"].map(money),
        }
    ).astype("str")


def what_if_sentence(
    label: str,
    row: pd.Series,
    *,
    floor: float,
    current_volume: float,
    planned: float,
    max_discount: float,
) -> str:
    """The what-if of one product at one discount and one planned volume (for the widget).

    Parameters
    ----------
    label : str
        The product's name.
    row : Series
        One row of :func:`kamlib.account.pricing.what_if`.
    floor, current_volume, planned, max_discount : float
        The price floor, today's and the planned volume, the largest discount.

    Examples
    --------
    >>> from kamlib.account.pricing import what_if
    >>> row = what_if(15.0, 10.0, 100.0, discounts=[0.1]).iloc[0]
    >>> print(what_if_sentence("Pump", row, floor=11.5, current_volume=100.0, planned=120.0,
    ...                        max_discount=0.1))  # doctest: +NORMALIZE_WHITESPACE
    At 10.0 % off, Pump costs 13.50 (above the price floor of 11.50). Keeping today's gross
    profit of 500 needs 143 units (+42.9 %). At the planned 120 units (+20.0 %) gross profit
    falls by 80 (-16.0 %) to 420.
    """
    d = row["discount"]
    position = "below the price floor" if row["below_floor"] else "above the price floor"
    text = f"At {percent(d)} off, {label} costs {row['price']:,.2f} ({position} of {floor:,.2f})"
    if d > max_discount + 1e-12:
        text += f", beyond the maximum discount of {percent(max_discount, 0)}"
    if not row["feasible"]:
        return text + "; the price no longer covers the unit cost: no volume can make up for it."
    text += (
        f". Keeping today's gross profit of {money(row['base_contribution'])} needs "
        f"{row['volume_needed']:,.0f} units ({signed_percent(row['volume_change'])})."
    )
    after = row["unit_margin"] * planned
    return text + (
        f" At the planned {planned:,.0f} units ({signed_percent(planned / current_volume - 1)}) "
        + change_sentence(row["base_contribution"], after, "gross profit")
        + "."
    )

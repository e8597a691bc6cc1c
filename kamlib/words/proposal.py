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
from kamlib.language import N_, babel_locale, ngettext, pgettext
from kamlib.language import gettext as _
from kamlib.words.labels import semicolon
from kamlib.words.numbers import date_text, money, percent, signed_percent

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


def _whole(value: float) -> int:
    return int(round(value))


def _decimal(value: float, digits: int = 2) -> str:
    """A price with `digits` decimals and the locale's separators ("1,234.50", "1 234,50")."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    locale = babel_locale()
    marks = {",": get_group_symbol(locale), ".": get_decimal_symbol(locale)}
    return f"{value:,.{digits}f}".translate(str.maketrans(marks))


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
    months = int(row.get("months", 12))
    detail = str(row.get("detail", ""))
    if kind in _CLIENT_SENTENCES:
        return _CLIENT_SENTENCES[kind](value, amount, base, months, past)
    if kind in _INTERNAL_SENTENCES:
        return _INTERNAL_SENTENCES[kind](value, amount, base, months, detail)
    return f"{kind}: {detail}".strip(": ") + "."


def _growth(value: float, amount: float, base: float, months: int, past: bool) -> str:
    return ngettext(
        "Our joint business grew by {growth} in the last {months} months ({revenue} against "
        "{previous} the year before).",
        "Our joint business grew by {growth} in the last {months} months ({revenue} against "
        "{previous} the year before).",
        months,
    ).format(growth=percent(value), months=months, revenue=money(amount), previous=money(base))


def _value_delivered(value: float, amount: float, base: float, months: int, past: bool) -> str:
    return ngettext(
        "You saved {amount} against list prices in the last {months} months ({share} of the "
        "list value).",
        "You saved {amount} against list prices in the last {months} months ({share} of the "
        "list value).",
        months,
    ).format(amount=money(amount), months=months, share=percent(value))


def _service_record(value: float, amount: float, base: float, months: int, past: bool) -> str:
    n = _whole(base)
    return ngettext(
        "{done} of the {n} action agreed with you were done on time ({share}).",
        "{done} of the {n} actions agreed with you were done on time ({share}).",
        n,
    ).format(done=int(amount), n=money(n), share=percent(value, 0))


def _tenders_awarded(value: float, amount: float, base: float, months: int, past: bool) -> str:
    n = _whole(amount)
    return ngettext("You awarded us {n} tender.", "You awarded us {n} tenders.", n).format(
        n=money(n)
    )


def _breadth(value: float, amount: float, base: float, months: int, past: bool) -> str:
    n = _whole(amount)
    if pd.isna(base):
        if past:
            text = ngettext("We supplied you {n} product.", "We supplied you {n} products.", n)
        else:
            text = ngettext("We supply you {n} product.", "We supply you {n} products.", n)
        return text.format(n=money(n))
    k = _whole(base)
    # TRANSLATORS: the end of "We supply you 12 products in 3 categories."
    categories = ngettext("in {n} category", "in {n} categories", k).format(n=money(k))
    if past:
        text = ngettext(
            "We supplied you {n} product {categories}.",
            "We supplied you {n} products {categories}.",
            n,
        )
    else:
        text = ngettext(
            "We supply you {n} product {categories}.", "We supply you {n} products {categories}.", n
        )
    return text.format(n=money(n), categories=categories)


def _relationship(value: float, amount: float, base: float, months: int, past: bool) -> str:
    n = _whole(amount)
    if past:
        text = ngettext(
            "We worked together from {year}, {n} year of partnership.",
            "We worked together from {year}, {n} years of partnership.",
            n,
        )
    else:
        text = ngettext(
            "We have worked together since {year} ({n} year).",
            "We have worked together since {year} ({n} years).",
            n,
        )
    return text.format(year=int(base), n=money(n))


_CLIENT_SENTENCES = {
    "growth": _growth,
    "value_delivered": _value_delivered,
    "service_record": _service_record,
    "tenders_awarded": _tenders_awarded,
    "breadth": _breadth,
    "relationship": _relationship,
}


def _decline(value: float, amount: float, base: float, months: int, detail: str) -> str:
    return ngettext(
        "Purchases fell by {decline} in the last {months} months ({revenue} against {previous} "
        "the year before).",
        "Purchases fell by {decline} in the last {months} months ({revenue} against {previous} "
        "the year before).",
        months,
    ).format(decline=percent(-value), months=months, revenue=money(amount), previous=money(base))


def _share_of_wallet(value: float, amount: float, base: float, months: int, detail: str) -> str:
    source = detail.removeprefix("main supplier: ")
    main = detail.startswith("main supplier")
    if source == "potential budget":
        if main:
            text = _("Share of wallet {share} by the potential budget (main supplier).")
        else:
            text = _("Share of wallet {share} by the potential budget (room to grow).")
    elif source == "competitors' shares":
        if main:
            text = _("Share of wallet {share} by the competitors' shares (main supplier).")
        else:
            text = _("Share of wallet {share} by the competitors' shares (room to grow).")
    elif main:
        text = _("Share of wallet {share} by the {source} (main supplier).")
    else:
        text = _("Share of wallet {share} by the {source} (room to grow).")
    return text.format(share=percent(value, 0), source=source)


def _budget_understated(value: float, amount: float, base: float, months: int, detail: str) -> str:
    return ngettext(
        "Revenue of the last {months} months is {share} of the recorded potential budget "
        "({budget}): update the budget.",
        "Revenue of the last {months} months is {share} of the recorded potential budget "
        "({budget}): update the budget.",
        months,
    ).format(months=months, share=percent(value, 0), budget=money(base))


def _service_below_target(
    value: float, amount: float, base: float, months: int, detail: str
) -> str:
    n = _whole(base)
    return ngettext(
        "Only {done} of the {n} action due were done on time ({share}): fix before promising "
        "service.",
        "Only {done} of the {n} actions due were done on time ({share}): fix before promising "
        "service.",
        n,
    ).format(done=int(amount), n=money(n), share=percent(value, 0))


def _tenders_lost(value: float, amount: float, base: float, months: int, detail: str) -> str:
    n = _whole(amount)
    return ngettext(
        "{n} tender lost of {decided} decided.", "{n} tenders lost of {decided} decided.", n
    ).format(n=money(n), decided=int(base))


def _data_gap(value: float, amount: float, base: float, months: int, detail: str) -> str:
    known = {  # the details of kamlib.account.proposal.proposal_arguments
        "purchases in the window before": N_("Not known: purchases in the window before."),
        "potential budget and competitors' shares": N_(
            "Not known: potential budget and competitors' shares."
        ),
        "actions": N_("Not known: actions."),
        "list prices": N_("Not known: list prices."),
    }
    if detail in known:
        return _(known[detail])
    return _("Not known: {detail}.").format(detail=detail)


_INTERNAL_SENTENCES = {
    "decline": _decline,
    "share_of_wallet": _share_of_wallet,
    "budget_understated": _budget_understated,
    "service_below_target": _service_below_target,
    "tenders_lost": _tenders_lost,
    "data_gap": _data_gap,
}


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
        {_("Argument"): [argument_sentence(row, past=past) for _i, row in chosen.iterrows()]},
        dtype="str",
    )


def change_sentence(before: float, after: float, what: str = N_("contribution")) -> str:
    """A change told truly: "rises by", "falls by" or "unchanged".

    `what` is said in the reader's language when it is one of the measures the catalogues
    know ("contribution", "contribution after cost to serve", "gross profit").

    Examples
    --------
    >>> change_sentence(1_788_386, 1_769_787)
    'contribution falls by 18,599 (-1.0 %) to 1,769,787'
    >>> change_sentence(100.0, 100.2)
    'contribution unchanged at 100'
    """
    what = _(what)
    if pd.isna(before) or pd.isna(after):
        return _("{what} unknown").format(what=what)
    delta = after - before
    if abs(delta) < 0.5:
        return _("{what} unchanged at {amount}").format(what=what, amount=money(after))
    if before > 0:
        if delta > 0:
            text = _("{what} rises by {amount} ({change}) to {after}")
        else:
            text = _("{what} falls by {amount} ({change}) to {after}")
    elif delta > 0:
        text = _("{what} rises by {amount} to {after}")
    else:
        text = _("{what} falls by {amount} to {after}")
    return text.format(
        what=what,
        amount=money(abs(delta)),
        change=signed_percent(delta / before) if before > 0 else "",
        after=money(after),
    )


_SITUATION_WORDS = {
    "active": N_("Draft proposal"),
    "repair": N_("Repair proposal (the account loses money after cost to serve)"),
    "win-back": N_("Win-back offer"),
}

_VOLUME_BASES = {
    "last months": N_("the last 12 months' volumes (no growth assumed)"),
    "given": N_("the volumes given"),
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
        return _("No proposal lines: no product with a known cost and price.")
    n = len(lines)
    basis = _VOLUME_BASES["last months" if proposal.volume_basis == "last months" else "given"]
    rev = t["revenue"] / t["current_revenue"] - 1 if t["current_revenue"] else np.nan
    if pd.notna(t["cost_to_serve"]):
        money_part = _(
            "{change} (gross profit {gross_profit} less cost to serve {cost_to_serve}, held at "
            "today's)"
        ).format(
            change=change_sentence(
                t["current_contribution"], t["contribution"], N_("contribution after cost to serve")
            ),
            gross_profit=money(t["gross_profit"]),
            cost_to_serve=money(t["cost_to_serve"]),
        )
    else:
        money_part = _("{change} (cost to serve not known: contribution not computed)").format(
            change=change_sentence(t["current_gross_profit"], t["gross_profit"], N_("gross profit"))
        )
    counts = lines["change"].value_counts()
    moves = [
        _price_moves(kind, int(counts.get(kind, 0)))
        for kind in ("rise", "raised to floor", "discount", "win-back")
        if counts.get(kind, 0)
    ]
    if moves:
        text = ngettext(
            "{proposal} for {n} product on {basis}: revenue {revenue} ({change}); {money}; "
            "{moves}; valid until {date}.",
            "{proposal} for {n} products on {basis}: revenue {revenue} ({change}); {money}; "
            "{moves}; valid until {date}.",
            n,
        )
    else:
        text = ngettext(
            "{proposal} for {n} product on {basis}: revenue {revenue} ({change}); {money}; "
            "valid until {date}.",
            "{proposal} for {n} products on {basis}: revenue {revenue} ({change}); {money}; "
            "valid until {date}.",
            n,
        )
    return text.format(
        proposal=_(_SITUATION_WORDS.get(proposal.situation, _SITUATION_WORDS["active"])),
        n=n,
        basis=_(basis),
        revenue=money(t["revenue"]),
        change=signed_percent(rev),
        money=money_part,
        moves=semicolon().join(moves),
        date=date_text(proposal.valid_until),
    )


def _price_moves(kind: str, k: int) -> str:
    """How many lines of the proposal move their price one way ("2 price rises")."""
    if kind == "rise":
        text = ngettext("{n} price rise", "{n} price rises", k)
    elif kind == "raised to floor":
        text = ngettext("{n} price raised to the floor", "{n} prices raised to the floor", k)
    elif kind == "discount":
        text = ngettext("{n} volume discount", "{n} volume discounts", k)
    else:
        text = ngettext("{n} win-back price", "{n} win-back prices", k)
    return text.format(n=k)


def _basis(proposal) -> str:
    if getattr(proposal, "volume_basis", "last months") == "given":
        return "given"
    return "former" if proposal.situation == "win-back" else "current"


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
        return _("No offer: no product with a known price.")
    c = lines["change"].value_counts()
    held = int(c.get("unchanged", 0))
    up = int(c.get("rise", 0) + c.get("raised to floor", 0))
    down = int(c.get("discount", 0) + c.get("win-back", 0))
    parts = (
        [ngettext("prices held on {n}", "prices held on {n}", held).format(n=held)] if held else []
    )
    parts += [ngettext("adjusted on {n}", "adjusted on {n}", up).format(n=up)] if up else []
    if down and proposal.situation != "win-back":
        parts.append(
            ngettext("reduced for volume on {n}", "reduced for volume on {n}", down).format(n=down)
        )
    if down and proposal.situation == "win-back":
        parts.append(
            ngettext(
                "reduced on {n} to welcome you back", "reduced on {n} to welcome you back", down
            ).format(n=down)
        )
    n = len(lines)
    basis = _basis(proposal)
    if basis == "given":
        text = ngettext(
            "Our offer: {n} product for {revenue} a year at the volumes we plan together; "
            "{terms}; valid until {date}.",
            "Our offer: {n} products for {revenue} a year at the volumes we plan together; "
            "{terms}; valid until {date}.",
            n,
        )
    elif basis == "former":
        text = ngettext(
            "Our offer: {n} product for {revenue} a year at your former volumes; {terms}; valid "
            "until {date}.",
            "Our offer: {n} products for {revenue} a year at your former volumes; {terms}; valid "
            "until {date}.",
            n,
        )
    else:
        text = ngettext(
            "Our offer: {n} product for {revenue} a year at your current volumes; {terms}; "
            "valid until {date}.",
            "Our offer: {n} products for {revenue} a year at your current volumes; {terms}; "
            "valid until {date}.",
            n,
        )
    return text.format(
        n=n,
        revenue=money(proposal.totals["revenue"]),
        terms=", ".join(parts),
        date=date_text(proposal.valid_until),
    )


def _volumes_sentence(proposal, shown: int = 5) -> str:
    top = proposal.lines.sort_values("revenue", ascending=False).head(shown)
    if top.empty:
        return _("Volumes: no product lines (no products table with prices and costs).")
    names = top["name"].astype("object").where(top["name"].notna(), top["product_id"])
    listed = ", ".join(f"{n} {money(v)}" for n, v in zip(names, top["volume"], strict=True))
    more = len(proposal.lines) - len(top)
    if more > 0:
        return ngettext(
            "Volumes: {volumes} and {n} more.", "Volumes: {volumes} and {n} more.", more
        ).format(volumes=listed, n=more)
    return _("Volumes: {volumes}.").format(volumes=listed)


def _validity_sentence(proposal) -> str:
    return _("The offer is valid until {date}.").format(date=date_text(proposal.valid_until))


def _references_sentence(proposal) -> str:
    return _("References: visits to comparable clients we supply, and training for your staff.")


_OWN = {
    "offer": offer_sentence,
    "volumes": _volumes_sentence,
    "validity": _validity_sentence,
    "references": _references_sentence,
}


def _audience_word(audience: str) -> str:
    """An audience of :data:`kamlib.account.proposal.AUDIENCES` in the reader's language."""
    words = {
        "decision maker": pgettext("audience", "decision maker"),
        "economic buyer": pgettext("audience", "economic buyer"),
        "finance": pgettext("audience", "finance"),
        "technical": pgettext("audience", "technical"),
        "user": pgettext("audience", "user"),
        "gatekeeper": pgettext("audience", "gatekeeper"),
    }
    return words.get(audience, audience)


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
        for _i, row in arguments.iterrows():
            if row["argument"] not in INTERNAL_ARGUMENTS:
                facts[row["argument"]] = argument_sentence(
                    row, past=proposal.situation == "win-back"
                )
    rows = []
    for _i, r in proposal.arguments.iterrows():
        if r["argument"] in INTERNAL_ARGUMENTS:
            continue
        text = _OWN[r["argument"]](proposal) if r["argument"] in _OWN else facts.get(r["argument"])
        if text and not (r["argument"] in ("offer", "volumes") and proposal.lines.empty):
            rows.append((r["audience"], r["contacts"], text))
    out = pd.DataFrame(rows, columns=["audience", "contacts", "argument"]).astype("str")
    order = {a: i for i, a in enumerate(AUDIENCES)}
    out = out.sort_values("audience", key=lambda s: s.map(order), kind="stable")
    return (
        pd.DataFrame(
            {
                _("Audience"): out["audience"].map(_audience_word),
                _("Contacts"): out["contacts"],
                _("Argument"): out["argument"],
            }
        )
        .astype("str")
        .reset_index(drop=True)
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
    notes = [_("Class {cell}.").format(cell=cell)] if cell else []
    if arguments is not None and not arguments.empty:
        inside = arguments[arguments["argument"].isin(INTERNAL_ARGUMENTS)]
        notes += [argument_sentence(row) for _i, row in inside.iterrows()]
    if proposal is not None and not proposal.lines.empty:
        t = proposal.totals
        if pd.notna(t["current_contribution"]) and t["current_contribution"] < 0:
            notes.append(
                _(
                    "The account loses {loss} after cost to serve (gross profit {gross_profit}, "
                    "cost to serve {cost_to_serve}): prices to the floor, and cut the cost to "
                    "serve (fewer, larger orders)."
                ).format(
                    loss=money(-t["current_contribution"]),
                    gross_profit=money(t["current_gross_profit"]),
                    cost_to_serve=money(t["current_cost_to_serve"]),
                )
            )
        below = int((proposal.lines["change"] == "raised to floor").sum())
        if below:
            notes.append(
                ngettext(
                    "{n} price(s) below our floor today: raised to the floor.",
                    "{n} price(s) below our floor today: raised to the floor.",
                    below,
                ).format(n=below)
            )
    return pd.DataFrame({_("Note"): notes}, dtype="str")


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
    change = [
        _price_change(k, c) for k, c in zip(lines["change"], lines["price_change"], strict=True)
    ]
    return pd.DataFrame(
        {
            _("Product"): lines["name"].where(lines["name"].ne("nan"), lines["product_id"]),
            _("Volume"): lines["volume"].map(money),
            _("Price today"): lines["current_price"].map(_decimal),
            _("Floor"): lines["floor_price"].map(_decimal),
            _("Price"): lines["price"].map(_decimal),
            _("Change"): change,
            _("Revenue"): lines["revenue"].map(money),
            _("Gross profit"): lines["gross_profit"].map(money),
        }
    ).astype("str")


def _price_change(kind: str, change: float) -> str:
    """A proposal line's price move in words ("price rise +3.2 %", "unchanged")."""
    if kind == "unchanged":
        return pgettext("price", "unchanged")
    words = {
        "rise": N_("price rise {change}"),
        "raised to floor": N_("raised to floor {change}"),
        "discount": N_("volume discount {change}"),
        "win-back": N_("win-back price {change}"),
    }
    return _(words[kind]).format(change=signed_percent(change))


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
    beyond = d > max_discount + 1e-12
    if row["below_floor"] and beyond:
        text = _(
            "At {discount} off, {product} costs {price} (below the price floor of {floor}), "
            "beyond the maximum discount of {max_discount}"
        )
    elif row["below_floor"]:
        text = _("At {discount} off, {product} costs {price} (below the price floor of {floor})")
    elif beyond:
        text = _(
            "At {discount} off, {product} costs {price} (above the price floor of {floor}), "
            "beyond the maximum discount of {max_discount}"
        )
    else:
        text = _("At {discount} off, {product} costs {price} (above the price floor of {floor})")
    offer = text.format(
        discount=percent(d),
        product=label,
        price=_decimal(row["price"]),
        floor=_decimal(floor),
        max_discount=percent(max_discount, 0),
    )
    if not row["feasible"]:
        return _(
            "{offer}; the price no longer covers the unit cost: no volume can make up for it."
        ).format(offer=offer)
    needed = _whole(row["volume_needed"])
    text = ngettext(
        "{offer}. Keeping today's gross profit of {profit} needs {volume} units ({change}).",
        "{offer}. Keeping today's gross profit of {profit} needs {volume} units ({change}).",
        needed,
    ).format(
        offer=offer,
        profit=money(row["base_contribution"]),
        volume=money(row["volume_needed"]),
        change=signed_percent(row["volume_change"]),
    )
    after = row["unit_margin"] * planned
    planned_text = ngettext(
        "At the planned {volume} units ({change}) {result}.",
        "At the planned {volume} units ({change}) {result}.",
        _whole(planned),
    ).format(
        volume=money(planned),
        change=signed_percent(planned / current_volume - 1),
        result=change_sentence(row["base_contribution"], after, N_("gross profit")),
    )
    return text + " " + planned_text

"""Column labels and cell formats: what a table header and a table cell say.

A report never shows a canonical or snake_case column name: :func:`column_label` maps it through
the catalogue :data:`COLUMN_LABELS` (one place to translate), and an unknown snake_case name
reads as a sentence ("below_floor_now" -> "Below floor now"). Money columns carry the workspace
currency ("Revenue (EUR)"). :func:`column_kind` says how a column's numbers are written and
:func:`cell_text` writes one value: money without cents from 1,000 on, percentages with one
decimal (and a sign when the column is a change), never "-0.0 %", booleans as "yes"/"no",
missing values as an em dash, dates without a time of day.

Headers and cells are in the reader's language (:func:`kamlib.language.use_language`): labels
are translated from the catalogue, numbers and dates written by the locale
(:mod:`kamlib.words.numbers`); in English exactly as above.

Examples
--------
>>> column_label("gp_share"), column_label("below_floor_now"), column_label("revenue", "EUR")
('Share of gross profit', 'Below floor now', 'Revenue (EUR)')
>>> cell_text(-0.0004, "change"), cell_text(True), cell_text(float("nan"))
('0.0 %', 'yes', '—')
>>> from kamlib.language import language
>>> with language("fr"):
...     column_label("revenue", "EUR"), cell_text(0.1234, "percent"), cell_text(True)
("Chiffre d'affaires (EUR)", '12,3\\xa0%', 'oui')
"""

from __future__ import annotations

import datetime as _dt
import math
import re

import numpy as np
import pandas as pd

from kamlib.errors import ArgumentError
from kamlib.language import N_, current_language, pgettext
from kamlib.language import gettext as _
from kamlib.words.numbers import date_text, percent, signed_percent
from kamlib.words.numbers import number as number_text

__all__ = [
    "COLUMN_LABELS",
    "KINDS",
    "MISSING",
    "cell_text",
    "column_kind",
    "column_label",
    "is_snake_case",
]

#: What a missing value reads in a table.
MISSING = "—"

#: Canonical and analysis column names -> the header a reader sees, in English (marked for the
#: catalogue; :func:`column_label` translates).
COLUMN_LABELS: dict[str, str] = {
    # beyond sales (service, contracts)
    "complaints_overdue": N_("Complaints overdue"),
    "notice_before_meeting": N_("Notice before meeting"),
    "next_meeting": N_("Next meeting"),
    "poor_service": N_("Badly served before leaving"),
    # ids and names
    "account_id": N_("Client"),
    "client_id": N_("Client"),
    "client": N_("Client"),
    "name": N_("Name"),
    "account_name": N_("Name"),
    "parent_id": N_("Parent company"),
    "product_id": N_("Product"),
    "product": N_("Product"),
    "category": N_("Category"),
    "order_id": N_("Order"),
    "region": N_("Region"),
    "segment": N_("Segment"),
    "manager": N_("Account manager"),
    "industry": N_("Industry"),
    "contact_id": N_("Contact"),
    "contact_type": N_("Contact type"),
    "competitor": N_("Competitor"),
    "title": N_("Title"),
    "status": N_("Status"),
    "state": N_("State"),
    "type": N_("Type"),
    "text": N_("Text"),
    "argument": N_("Argument"),
    "audience": N_("Audience"),
    "reason": N_("Reason"),
    "reasons": N_("Reasons"),
    "n_reasons": N_("Number of reasons"),
    "note": N_("Note"),
    "notes": N_("Notes"),
    "action": N_("Action"),
    "owner": N_("Owner"),
    "role": N_("Role"),
    "position": N_("Position"),
    "dmu_role": N_("Role in the decision"),
    "attitude": N_("Attitude"),
    "influence": N_("Influence"),
    "check": N_("Check"),
    "ok": N_("OK"),
    "finding": N_("Finding"),
    "indicator": N_("Indicator"),
    "reference": N_("Reference"),
    "flag": N_("Flag"),
    "sentence": N_("Finding"),
    "strategy": N_("Strategy"),
    "cell": N_("Class"),
    "quadrant": N_("Quadrant"),
    "basis": N_("Basis"),
    "source": N_("Source"),
    "growth_source": N_("Source of growth"),
    "window": N_("Preparation window"),
    "stage": N_("Stage"),
    "criterion": N_("Criterion"),
    "met": N_("Met"),
    "missing": N_("Missing"),
    "qualified": N_("Qualified"),
    # dates and periods
    "date": N_("Date"),
    "year": N_("Year"),
    "through": N_("Up to"),
    "quarter": N_("Quarter"),
    "month": N_("Month"),
    "period": N_("Period"),
    "since": N_("Since"),
    "first_date": N_("First purchase"),
    "last_date": N_("Last purchase"),
    "first_purchase": N_("First purchase"),
    "last_purchase": N_("Last purchase"),
    "last_contact": N_("Last contact"),
    "due": N_("Due"),
    "due_date": N_("Due"),
    "done_date": N_("Done"),
    "deadline": N_("Deadline"),
    "days_overdue": N_("Days overdue"),
    "days_since": N_("Days since"),
    "days_since_last": N_("Days since last purchase"),
    "days_since_contact": N_("Days since last contact"),
    "tenure_years": N_("Years as a client"),
    # money
    "revenue": N_("Revenue"),
    "revenue_total": N_("Revenue, total"),
    "revenue_last": N_("Revenue, last year"),
    "revenue_prev": N_("Revenue, year before"),
    "revenue_target": N_("Revenue target"),
    "base_revenue": N_("Base revenue"),
    "actual": N_("Actual revenue"),
    "target": N_("Target"),
    "gross_profit": N_("Gross profit"),
    "gross_profit_total": N_("Gross profit, total"),
    "cost": N_("Cost"),
    "cost_to_serve": N_("Cost to serve"),
    "contribution": N_("Contribution"),
    "contribution_before": N_("Contribution before"),
    "contribution_after": N_("Contribution after"),
    "value": N_("Value"),
    "annual_value": N_("Annual value"),
    "estimated_value": N_("Estimated value"),
    "lost_value": N_("Lost value"),
    "at_stake": N_("At stake"),
    "budget": N_("Budget"),
    "potential_budget": N_("Potential budget"),
    "price": N_("Price"),
    "list_price": N_("List price"),
    "floor_price": N_("Floor price"),
    "total": N_("Total"),
    # shares and changes
    "share": N_("Share"),
    "cum_share": N_("Cumulative share"),
    "revenue_share": N_("Share of revenue"),
    "cum_revenue_share": N_("Cumulative share of revenue"),
    "gp_share": N_("Share of gross profit"),
    "cum_gp_share": N_("Cumulative share of gross profit"),
    "share_of_wallet": N_("Share of wallet"),
    "margin": N_("Margin"),
    "gross_margin": N_("Gross margin"),
    "discount": N_("Discount"),
    "attainment": N_("Attainment"),
    "growth": N_("Growth"),
    "change": N_("Change"),
    "revenue_change": N_("Change in revenue"),
    "count_pct": N_("Share of clients (%)"),
    "total_pct": N_("Share of the total (%)"),
    "cv": N_("Variation (CV)"),
    # counts and flags
    "clients": N_("Clients"),
    "n_clients": N_("Clients"),
    "orders": N_("Orders"),
    "n_orders": N_("Orders"),
    "contacts": N_("Contacts"),
    "volume": N_("Volume"),
    "min_volume": N_("Minimum volume"),
    "quantity": N_("Quantity"),
    "count": N_("Count"),
    "score": N_("Score"),
    "competitiveness": N_("Competitiveness"),
    "interest": N_("Interest"),
    "abc": N_("ABC class"),
    "xyz": N_("XYZ class"),
    "abc_xyz": N_("ABC-XYZ class"),
    "revenue_abc": N_("Revenue class"),
    "profit_abc": N_("Profit class"),
    "at_risk": N_("At risk"),
    "lost": N_("Lost"),
    "active": N_("Active"),
    "key": N_("Key client"),
    "key_client": N_("Key client"),
    "breadwinner": N_("Breadwinner"),
    "perspective": N_("Perspective"),
    "perspective_reason": N_("Why perspective"),
    "image_maker": N_("Image maker"),
    "expert": N_("Expert"),
    "stable_high_profit": N_("Stable, high profit"),
    "below_floor": N_("Below floor"),
    "below_floor_now": N_("Below floor now"),
    "capped": N_("Capped"),
    "assumption": N_("Assumption"),
    "authority": N_("Authority"),
    "base_quantity": N_("Base quantity"),
    "carried_over": N_("Carried over"),
    "conditions": N_("Conditions"),
    "contribution_margin": N_("Contribution margin"),
    "current_price": N_("Current price"),
    "lowest_price": N_("Lowest price"),
    "unit_cost": N_("Unit cost"),
    "days_since_last_purchase": N_("Days since last purchase"),
    "days_to_tender": N_("Days to the tender"),
    "department": N_("Department"),
    "description": N_("Description"),
    "event": N_("Event"),
    "first": N_("First"),
    "second": N_("Second"),
    "gross_profit_last_12m": N_("Gross profit, last 12 months"),
    "revenue_last_12m": N_("Revenue, last 12 months"),
    "orders_last_12m": N_("Orders, last 12 months"),
    "revenue_previous": N_("Revenue, previous year"),
    "revenue_change_pct": N_("Change in revenue (%)"),
    "quantity_change": N_("Change in quantity"),
    "quantity_change_pct": N_("Change in quantity (%)"),
    "quantity_last": N_("Quantity, last year"),
    "quantity_previous": N_("Quantity, previous year"),
    "quantity_target": N_("Quantity target"),
    "revenue_growth": N_("Revenue growth"),
    "history_growth": N_("Growth in the history"),
    "kind": N_("Kind"),
    "level": N_("Level"),
    "long_cooperation": N_("Long cooperation"),
    "sales_growth": N_("Sales growth"),
    "lost_reason": N_("Why lost"),
    "market_influence": N_("Market influence"),
    "median_peer_revenue": N_("Median revenue of similar clients"),
    "need": N_("Need"),
    "new": N_("New"),
    "new_business": N_("New business"),
    "offer": N_("Offer"),
    "outcome": N_("Outcome"),
    "peers": N_("Similar clients"),
    "peers_buying": N_("Similar clients buying"),
    "penetration": N_("Penetration"),
    "prep_start": N_("Preparation starts"),
    "products_bought": N_("Products bought"),
    "purchase_share": N_("Share of periods with purchases"),
    "reports_to_name": N_("Reports to"),
    "solvency": N_("Solvency"),
    "step": N_("Step"),
    "strengths": N_("Strengths"),
    "weaknesses": N_("Weaknesses"),
    "summary": N_("Summary"),
    "tender_id": N_("Tender"),
    "types": N_("Types"),
    "winner": N_("Winner"),
    "variance": N_("Variance"),
    "previous": N_("Previous"),
    "current": N_("Current"),
}

_MONEY = {
    "revenue",
    "revenue_total",
    "revenue_last",
    "revenue_prev",
    "revenue_target",
    "base_revenue",
    "actual",
    "target",
    "gross_profit",
    "gross_profit_total",
    "cost",
    "cost_to_serve",
    "contribution",
    "contribution_before",
    "contribution_after",
    "value",
    "annual_value",
    "estimated_value",
    "lost_value",
    "at_stake",
    "budget",
    "potential_budget",
    "price",
    "list_price",
    "floor_price",
    "current_price",
    "lowest_price",
    "unit_cost",
    "gross_profit_last_12m",
    "revenue_last_12m",
    "revenue_previous",
    "revenue_change",
    "variance",
}
_PERCENT = {
    "share",
    "cum_share",
    "revenue_share",
    "cum_revenue_share",
    "gp_share",
    "cum_gp_share",
    "share_of_wallet",
    "margin",
    "gross_margin",
    "attainment",
    "contribution_margin",
    "penetration",
    "purchase_share",
    "discount",
}
_CHANGE = {
    "growth",
    "revenue_growth",
    "history_growth",
    "revenue_change_pct",
    "quantity_change_pct",
}
_COUNT = {
    "clients",
    "n_clients",
    "orders",
    "n_orders",
    "contacts",
    "n_reasons",
    "count",
    "peers",
    "peers_buying",
    "orders_last_12m",
    "products_bought",
}

#: Column name -> kind ("money", "percent", "change", "count"); other columns are plain.
KINDS: dict[str, str] = {
    **{c: "money" for c in _MONEY},
    **{c: "percent" for c in _PERCENT},
    **{c: "change" for c in _CHANGE},
    **{c: "count" for c in _COUNT},
}

_SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_NEGATIVE_ZERO = re.compile(r"^-(?=[^1-9]*$)")


def is_snake_case(name: object) -> bool:
    """True for a name a program would write ("gp_share", "revenue"), not a reader.

    Examples
    --------
    >>> is_snake_case("gp_share"), is_snake_case("Share of gross profit"), is_snake_case(2024)
    (True, False, False)
    """
    return isinstance(name, str) and bool(_SNAKE.match(name))


def column_kind(name: object) -> str | None:
    """How a column's numbers are written: "money", "percent", "change", "count" or None.

    Catalogued names first; otherwise by the name's ending (``*_revenue``, ``*_value``,
    ``*_profit``, ``*_contribution`` are money, ``*_share`` a percentage, ``*_change`` a change,
    ``n_*`` a count).

    Examples
    --------
    >>> column_kind("revenue"), column_kind("gp_share"), column_kind("lost_value"), column_kind("x")
    ('money', 'percent', 'money', None)
    """
    if not isinstance(name, str):
        return None
    if name in KINDS:
        return KINDS[name]
    if not is_snake_case(name):
        return None
    for ending, kind in (
        ("_revenue", "money"),
        ("_value", "money"),
        ("_profit", "money"),
        ("_contribution", "money"),
        ("_share", "percent"),
        ("_change", "change"),
    ):
        if name.endswith(ending):
            return kind
    if name.startswith("n_"):
        return "count"
    return None


def column_label(name: object, currency: str | None = None) -> str:
    """The header a reader sees for column `name`.

    Parameters
    ----------
    name : object
        A column or index name. Catalogued names get their label, other snake_case names a
        readable fallback; anything else (already a label, a year, a class code) is kept.
    currency : str, optional
        The workspace currency, added to money columns: "Revenue (EUR)".

    Returns
    -------
    str

    Examples
    --------
    >>> column_label("dmu_role"), column_label("at_risk"), column_label("n_reasons")
    ('Role in the decision', 'At risk', 'Number of reasons')
    >>> column_label("value", currency="EUR"), column_label("Revenue"), column_label(2024)
    ('Value (EUR)', 'Revenue', '2024')
    """
    if name is None:
        return ""
    if isinstance(name, tuple):
        return " / ".join(column_label(n, currency) for n in name if n not in ("", None))
    if not is_snake_case(name):
        return str(name)
    label = COLUMN_LABELS.get(name)
    if label is None:  # a sentence of the name's words, translated when a catalogue knows it
        words = name.replace("_", " ")
        label = words[:1].upper() + words[1:]
    label = _(label)
    if currency and column_kind(name) == "money":
        # TRANSLATORS: a money column's header and the currency code, e.g. "Revenue (EUR)"
        label = _("{label} ({currency})").format(label=label, currency=currency)
    return label


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() in ("nan", "NaN", "None", "NaT", "<NA>")
    try:
        return bool(pd.api.types.is_scalar(value) and pd.isna(value))
    except (TypeError, ValueError):
        return False


def _no_negative_zero(text: str) -> str:
    """'-0.0 %' -> '0.0 %', '-0' -> '0'; other text unchanged."""
    return (
        _NEGATIVE_ZERO.sub("", text)
        if text.startswith("-") and any(ch.isdigit() for ch in text)
        else text
    )


def cell_text(
    value: object,
    kind: str | None = None,
    *,
    fmt: str | None = None,
    cents: bool = True,
    na_rep: str = MISSING,
) -> str:
    """One table cell as text, in the format of its kind.

    Parameters
    ----------
    value : object
        The cell value.
    kind : {"money", "percent", "change", "count"}, optional
        From :func:`column_kind`; None writes floats with two decimals (none when whole).
    fmt : str, optional
        An explicit ``str.format`` pattern, used for numbers instead of the kind's format.
    cents : bool, default True
        Money with cents; a table passes False for a column whose amounts reach 1,000.
    na_rep : str, default "—"
        Text for a missing value (None, NaN, NaT, ``pd.NA``, or the strings "nan", "None").

    Returns
    -------
    str
        Never "nan", "None", "NaT", "True", "False" or a negative zero.

    Raises
    ------
    ArgumentError
        When `kind` is not one of the kinds above.

    Examples
    --------
    >>> cell_text(4578561.38, "money", cents=False), cell_text(25.0, "money")
    ('4,578,561', '25.00')
    >>> cell_text(0.1234, "percent"), cell_text(-0.126, "change"), cell_text(0.05, "change")
    ('12.3 %', '-12.6 %', '+5.0 %')
    >>> cell_text(False), cell_text(None), cell_text(pd.Timestamp("2025-01-31"))
    ('no', '—', '2025-01-31')
    """
    if kind not in (None, "money", "percent", "change", "count"):
        raise ArgumentError(f"`kind` must be money, percent, change, count or None, got {kind!r}")
    if _missing(value):
        return na_rep
    if isinstance(value, bool | np.bool_):
        return _yes_no(bool(value))
    if isinstance(value, str):
        return _yes_no(value == "True") if value in ("True", "False") else value
    if isinstance(value, pd.Timestamp | _dt.datetime):
        stamp = pd.Timestamp(value)
        if stamp == stamp.normalize():
            return date_text(stamp)
        return _("{date} {time}").format(date=date_text(stamp), time=stamp.strftime("%H:%M"))
    if isinstance(value, _dt.date):
        return date_text(value)
    number = None
    if isinstance(value, int | float) or type(value).__module__ == "numpy":
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = None
    if number is None or math.isinf(number):
        return str(value)
    if fmt is not None:
        text = _formatted(fmt, value, number)
    elif kind == "money":
        text = number_text(number, 2 if cents else 0)
    elif kind == "percent":
        text = percent(number)
    elif kind == "change":
        text = _change(number)
    elif kind == "count":
        text = number_text(number)
    elif isinstance(value, int) or type(value).__name__.startswith(("int", "uint")):
        text = str(value)
    else:
        text = number_text(number, 2)
    return _no_negative_zero(text)


def _yes_no(value: bool) -> str:
    return pgettext("table cell", "yes") if value else pgettext("table cell", "no")


def _change(value: float) -> str:
    """A change in percent with its sign, "0.0 %" (no sign) when it rounds to zero."""
    text = signed_percent(value)
    return percent(0.0) if not any(ch in "123456789" for ch in text) else text


#: The ``str.format`` patterns of numbers that tables pass (``{:,.0f}``, ``{:+.1%}``...).
_NUMBER_FORMAT = re.compile(r"^\{:(?P<sign>\+?),?\.(?P<digits>\d)(?P<type>[f%])\}$")


def _formatted(fmt: str, value: object, number_: float) -> str:
    """`value` by an explicit pattern: as given in English, by the locale in another language."""
    found = _NUMBER_FORMAT.match(fmt)
    if current_language() == "en" or found is None:
        return fmt.format(value)
    digits, signed = int(found["digits"]), bool(found["sign"])
    if found["type"] == "f":
        return number_text(number_, digits, signed=signed)
    return signed_percent(number_, digits) if signed else percent(number_, digits)

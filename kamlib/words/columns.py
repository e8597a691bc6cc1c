"""Column labels and cell formats: what a table header and a table cell say.

A report never shows a canonical or snake_case column name: :func:`column_label` maps it through
the catalogue :data:`COLUMN_LABELS` (one place to translate), and an unknown snake_case name
reads as a sentence ("below_floor_now" -> "Below floor now"). Money columns carry the workspace
currency ("Revenue (EUR)"). :func:`column_kind` says how a column's numbers are written and
:func:`cell_text` writes one value: money without cents from 1,000 on, percentages with one
decimal (and a sign when the column is a change), never "-0.0 %", booleans as "yes"/"no",
missing values as an em dash, dates without a time of day.

Examples
--------
>>> column_label("gp_share"), column_label("below_floor_now"), column_label("revenue", "EUR")
('Share of gross profit', 'Below floor now', 'Revenue (EUR)')
>>> cell_text(-0.0004, "change"), cell_text(True), cell_text(float("nan"))
('0.0 %', 'yes', '—')
"""

from __future__ import annotations

import datetime as _dt
import math
import re

import numpy as np
import pandas as pd

from kamlib.errors import ArgumentError

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

#: Canonical and analysis column names -> the header a reader sees (translate here).
COLUMN_LABELS: dict[str, str] = {
    # ids and names
    "account_id": "Client",
    "client_id": "Client",
    "client": "Client",
    "name": "Name",
    "account_name": "Name",
    "parent_id": "Parent company",
    "product_id": "Product",
    "product": "Product",
    "category": "Category",
    "order_id": "Order",
    "region": "Region",
    "segment": "Segment",
    "manager": "Account manager",
    "industry": "Industry",
    "contact_id": "Contact",
    "contact_type": "Contact type",
    "competitor": "Competitor",
    "title": "Title",
    "status": "Status",
    "state": "State",
    "type": "Type",
    "text": "Text",
    "argument": "Argument",
    "audience": "Audience",
    "reason": "Reason",
    "reasons": "Reasons",
    "n_reasons": "Number of reasons",
    "note": "Note",
    "notes": "Notes",
    "action": "Action",
    "owner": "Owner",
    "role": "Role",
    "position": "Position",
    "dmu_role": "Role in the decision",
    "attitude": "Attitude",
    "influence": "Influence",
    "check": "Check",
    "ok": "OK",
    "finding": "Finding",
    "indicator": "Indicator",
    "reference": "Reference",
    "flag": "Flag",
    "sentence": "Finding",
    "strategy": "Strategy",
    "cell": "Class",
    "quadrant": "Quadrant",
    "basis": "Basis",
    "source": "Source",
    "growth_source": "Source of growth",
    "window": "Preparation window",
    "stage": "Stage",
    "criterion": "Criterion",
    "met": "Met",
    "missing": "Missing",
    "qualified": "Qualified",
    # dates and periods
    "date": "Date",
    "year": "Year",
    "quarter": "Quarter",
    "month": "Month",
    "period": "Period",
    "since": "Since",
    "first_date": "First purchase",
    "last_date": "Last purchase",
    "first_purchase": "First purchase",
    "last_purchase": "Last purchase",
    "last_contact": "Last contact",
    "due": "Due",
    "due_date": "Due",
    "done_date": "Done",
    "deadline": "Deadline",
    "days_overdue": "Days overdue",
    "days_since": "Days since",
    "days_since_last": "Days since last purchase",
    "days_since_contact": "Days since last contact",
    "tenure_years": "Years as a client",
    # money
    "revenue": "Revenue",
    "revenue_total": "Revenue, total",
    "revenue_last": "Revenue, last year",
    "revenue_prev": "Revenue, year before",
    "revenue_target": "Revenue target",
    "base_revenue": "Base revenue",
    "actual": "Actual revenue",
    "target": "Target",
    "gross_profit": "Gross profit",
    "gross_profit_total": "Gross profit, total",
    "cost": "Cost",
    "cost_to_serve": "Cost to serve",
    "contribution": "Contribution",
    "contribution_before": "Contribution before",
    "contribution_after": "Contribution after",
    "value": "Value",
    "annual_value": "Annual value",
    "estimated_value": "Estimated value",
    "lost_value": "Lost value",
    "at_stake": "At stake",
    "budget": "Budget",
    "potential_budget": "Potential budget",
    "price": "Price",
    "list_price": "List price",
    "floor_price": "Floor price",
    "total": "Total",
    # shares and changes
    "share": "Share",
    "cum_share": "Cumulative share",
    "revenue_share": "Share of revenue",
    "cum_revenue_share": "Cumulative share of revenue",
    "gp_share": "Share of gross profit",
    "cum_gp_share": "Cumulative share of gross profit",
    "share_of_wallet": "Share of wallet",
    "margin": "Margin",
    "gross_margin": "Gross margin",
    "discount": "Discount",
    "attainment": "Attainment",
    "growth": "Growth",
    "change": "Change",
    "revenue_change": "Change in revenue",
    "count_pct": "Share of clients (%)",
    "total_pct": "Share of the total (%)",
    "cv": "Variation (CV)",
    # counts and flags
    "clients": "Clients",
    "n_clients": "Clients",
    "orders": "Orders",
    "n_orders": "Orders",
    "contacts": "Contacts",
    "volume": "Volume",
    "min_volume": "Minimum volume",
    "quantity": "Quantity",
    "count": "Count",
    "score": "Score",
    "competitiveness": "Competitiveness",
    "interest": "Interest",
    "abc": "ABC class",
    "xyz": "XYZ class",
    "abc_xyz": "ABC-XYZ class",
    "revenue_abc": "Revenue class",
    "profit_abc": "Profit class",
    "at_risk": "At risk",
    "lost": "Lost",
    "active": "Active",
    "key": "Key client",
    "key_client": "Key client",
    "breadwinner": "Breadwinner",
    "perspective": "Perspective",
    "perspective_reason": "Why perspective",
    "image_maker": "Image maker",
    "expert": "Expert",
    "stable_high_profit": "Stable, high profit",
    "below_floor": "Below floor",
    "below_floor_now": "Below floor now",
    "capped": "Capped",
    "assumption": "Assumption",
    "authority": "Authority",
    "base_quantity": "Base quantity",
    "carried_over": "Carried over",
    "conditions": "Conditions",
    "contribution_margin": "Contribution margin",
    "current_price": "Current price",
    "lowest_price": "Lowest price",
    "unit_cost": "Unit cost",
    "days_since_last_purchase": "Days since last purchase",
    "days_to_tender": "Days to the tender",
    "department": "Department",
    "description": "Description",
    "event": "Event",
    "first": "First",
    "second": "Second",
    "gross_profit_last_12m": "Gross profit, last 12 months",
    "revenue_last_12m": "Revenue, last 12 months",
    "orders_last_12m": "Orders, last 12 months",
    "revenue_previous": "Revenue, previous year",
    "revenue_change_pct": "Change in revenue (%)",
    "quantity_change": "Change in quantity",
    "quantity_change_pct": "Change in quantity (%)",
    "quantity_last": "Quantity, last year",
    "quantity_previous": "Quantity, previous year",
    "quantity_target": "Quantity target",
    "revenue_growth": "Revenue growth",
    "history_growth": "Growth in the history",
    "kind": "Kind",
    "level": "Level",
    "long_cooperation": "Long cooperation",
    "sales_growth": "Sales growth",
    "lost_reason": "Why lost",
    "market_influence": "Market influence",
    "median_peer_revenue": "Median revenue of similar clients",
    "need": "Need",
    "new": "New",
    "new_business": "New business",
    "offer": "Offer",
    "outcome": "Outcome",
    "peers": "Similar clients",
    "peers_buying": "Similar clients buying",
    "penetration": "Penetration",
    "prep_start": "Preparation starts",
    "products_bought": "Products bought",
    "purchase_share": "Share of periods with purchases",
    "reports_to_name": "Reports to",
    "solvency": "Solvency",
    "step": "Step",
    "strengths": "Strengths",
    "weaknesses": "Weaknesses",
    "summary": "Summary",
    "tender_id": "Tender",
    "types": "Types",
    "winner": "Winner",
    "variance": "Variance",
    "previous": "Previous",
    "current": "Current",
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
    if label is None:
        words = name.replace("_", " ")
        label = words[:1].upper() + words[1:]
    if currency and column_kind(name) == "money":
        label = f"{label} ({currency})"
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
        return "yes" if value else "no"
    if isinstance(value, str):
        return {"True": "yes", "False": "no"}.get(value, value)
    if isinstance(value, pd.Timestamp | _dt.datetime):
        stamp = pd.Timestamp(value)
        if stamp == stamp.normalize():
            return stamp.strftime("%Y-%m-%d")
        return stamp.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, _dt.date):
        return value.isoformat()
    number = None
    if isinstance(value, int | float) or type(value).__module__ == "numpy":
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = None
    if number is None or math.isinf(number):
        return str(value)
    if fmt is not None:
        text = fmt.format(value)
    elif kind == "money":
        text = f"{number:,.2f}" if cents else f"{number:,.0f}"
    elif kind == "percent":
        text = f"{100 * number:.1f} %"
    elif kind == "change":
        text = f"{100 * number:+.1f} %"
        if text.lstrip("+-") == "0.0 %":
            text = "0.0 %"
    elif kind == "count":
        text = f"{number:,.0f}"
    elif isinstance(value, int) or type(value).__name__.startswith(("int", "uint")):
        text = str(value)
    else:
        text = f"{number:,.2f}"
    return _no_negative_zero(text)

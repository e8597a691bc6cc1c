"""The canonical tables: every column kamlib knows, its kind, and whether it is required.

This module is the code form of ``data/README.md`` (the data dictionary). A workspace maps its
own column names onto these in ``kam.toml``; the loader parses each column by its kind, so the
frames that reach the analytics always have these dtypes:

========  ==================  =============================================
kind      dtype               parsed from
========  ==================  =============================================
id        ``str``             text, leading zeros kept, normalised by rules
text      ``str``             text as is
date      ``datetime64[us]``  ISO, the configured format, or Excel serials
number    ``float64``         locale-aware numbers (decimal/thousands marks)
integer   ``Int64``           whole numbers
bool      ``boolean``         yes/no, true/false, 1/0, x/blank
========  ==================  =============================================

Dates on the analysis time axis (``timeline=True``: transaction, meeting, action, tender, score,
cost and last-contact dates; not ``since`` or ``birthday``) must lie in the workspace's plausible
range, ``[workspace] date_min`` (default 1990-01-01) to ``date_max`` (default: the analysis date,
or today, plus one year); a date outside it is a problem, never data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamlib.errors import InputError, Problem

__all__ = [
    "Column",
    "TABLES",
    "DTYPES",
    "PRIMARY_KEYS",
    "empty_frame",
    "columns_of",
    "require_columns",
    "is_missing",
    "account_rows",
    "gross_profit",
]

DTYPES = {
    "id": "str",
    "text": "str",
    "date": "datetime64[us]",
    "number": "float64",
    "integer": "Int64",
    "bool": "boolean",
}


@dataclass(frozen=True)
class Column:
    """One canonical column: its kind (see the module docstring) and its role."""

    kind: str
    required: bool = False
    personal: bool = False
    doc: str = ""
    min: float | None = None
    max: float | None = None
    timeline: bool = False  # a date on the analysis time axis: must lie in the plausible range

    @property
    def dtype(self) -> str:
        return DTYPES[self.kind]


def _c(kind: str, doc: str, **kw) -> Column:
    return Column(kind, doc=doc, **kw)


TABLES: dict[str, dict[str, Column]] = {
    "transactions": {
        "account_id": _c("id", "client (sold-to) id", required=True),
        "date": _c("date", "invoice or order date", required=True, timeline=True),
        "revenue": _c("number", "net sales value of the line; negative for returns", required=True),
        "order_id": _c("id", "order or invoice number"),
        "product_id": _c("id", "product (SKU) id"),
        "region": _c("text", "sales region of the line"),
        "quantity": _c("number", "units; negative for returns"),
        "cost": _c("number", "cost of goods sold for the line"),
        "gross_profit": _c("number", "revenue minus cost; derived when cost is given"),
        "currency": _c("text", "ISO 4217 code of revenue and cost"),
        "account_name": _c("text", "client name as exported with the line"),
        "unit_price": _c("number", "price per unit before discount; revenue is derived from it"),
        "discount": _c("number", "discount of the line: a rate, a percent or an amount (kam.toml)"),
        "manager": _c("text", "key-account manager on the line; fills accounts.manager"),
        "industry": _c("text", "client's industry on the line; fills accounts.industry"),
    },
    "accounts": {
        "account_id": _c("id", "client id", required=True),
        "name": _c("text", "client name"),
        "parent_id": _c("id", "group (parent company) id; clients under common control"),
        "region": _c("text", "home region"),
        "industry": _c("text", "industry"),
        "manager": _c("text", "responsible key-account manager"),
        "since": _c("date", "start of the relationship"),
        "image_maker": _c("bool", "working with this client improves our market image"),
        "expert": _c("bool", "client helps develop products or gives expert feedback"),
        "potential_budget": _c(
            "number", "estimated annual purchase budget for our categories", min=0
        ),
        "status": _c("text", "client, prospect or lost"),
        "lost_reason": _c("text", "known reason when the client was lost"),
        "need": _c("bool", "prospect qualification: has a need for our offer"),
        "solvency": _c("bool", "prospect qualification: able to pay"),
        "authority": _c("bool", "prospect qualification: we reach the person who decides"),
    },
    "products": {
        "product_id": _c("id", "product id", required=True),
        "name": _c("text", "product name"),
        "category": _c("text", "product category"),
        "unit_cost": _c("number", "cost per unit", min=0),
        "list_price": _c("number", "list price per unit", min=0),
    },
    "contacts": {
        "contact_id": _c("id", "person id", required=True),
        "account_id": _c("id", "client id", required=True),
        "name": _c("text", "full name", required=True),
        "title": _c("text", "job title"),
        "dmu_role": _c("text", "decision maker, influencer, buyer, approver, user or gatekeeper"),
        "influence": _c("number", "influence on the decision, 1 (low) to 5 (high)", min=1, max=5),
        "attitude": _c("text", "champion, supporter, neutral, sceptic or opponent"),
        "reports_to": _c("id", "contact_id of the manager"),
        "last_contact": _c("date", "date of the last meeting or call", timeline=True),
        "birthday": _c("date", "personal: date of birth", personal=True),
        "family": _c("text", "personal: family", personal=True),
        "hobbies": _c("text", "personal: hobbies", personal=True),
        "notes": _c("text", "personal: free-text notes", personal=True),
    },
    "meetings": {
        "meeting_id": _c("id", "meeting id", required=True),
        "account_id": _c("id", "client id", required=True),
        "date": _c("date", "meeting date", required=True, timeline=True),
        "type": _c("text", "annual, review, negotiation, visit, call"),
        "participants": _c("text", "who took part"),
        "summary": _c("text", "what was discussed"),
        "outcome": _c("text", "what was agreed"),
    },
    "actions": {
        "action_id": _c("id", "action id", required=True),
        "account_id": _c("id", "client id", required=True),
        "description": _c("text", "what was agreed", required=True),
        "due_date": _c("date", "due date", required=True, timeline=True),
        "meeting_id": _c("id", "meeting that agreed it"),
        "owner": _c("text", "who does it"),
        "department": _c("text", "owner's department"),
        "status": _c("text", "open or done"),
        "done_date": _c("date", "when it was done", timeline=True),
    },
    "tenders": {
        "tender_id": _c("id", "tender id", required=True),
        "account_id": _c("id", "client id", required=True),
        "date": _c("date", "tender (submission) date", required=True, timeline=True),
        "title": _c("text", "subject of the tender"),
        "value": _c("number", "estimated annual value", min=0),
        "status": _c("text", "planned, open, won or lost"),
        "reason": _c("text", "why it was won or lost"),
        "winner": _c("text", "winning competitor when lost"),
    },
    "competitors": {
        "account_id": _c("id", "client id", required=True),
        "competitor": _c("text", "competitor name", required=True),
        "share_of_wallet": _c(
            "number", "competitor's share of the client's spend, 0-1", min=0, max=1
        ),
        "strengths": _c("text", "strengths at this client"),
        "weaknesses": _c("text", "weaknesses at this client"),
    },
    "scores": {
        "account_id": _c("id", "client id", required=True),
        "date": _c("date", "assessment date", required=True, timeline=True),
        "category": _c("text", "image, distribution channels, supply channels, ...", required=True),
        "score": _c("number", "competitiveness score 1-10", required=True, min=1, max=10),
        "assessor": _c("text", "who assessed"),
    },
    "targets": {
        "account_id": _c("id", "client id", required=True),
        "year": _c("integer", "plan year", required=True, min=1900, max=2200),
        "revenue_target": _c("number", "planned revenue", required=True),
        "product_id": _c("id", "product the line is for"),
        "category": _c("text", "product category the line is for"),
        "region": _c("text", "region the line is for"),
        "period": _c("text", "Q1-Q4, M01-M12, or blank for the whole year"),
    },
    "cost_to_serve": {
        "account_id": _c("id", "client id", required=True),
        "date": _c("date", "date the cost was incurred", required=True, timeline=True),
        "amount": _c(
            "number", "cost to serve (logistics, service, discounts off-invoice)", required=True
        ),
        "kind": _c("text", "logistics, service, marketing, rebate ..."),
    },
    # Beyond sales (issue 13): service, payments, contracts and big deals; all optional.
    "deliveries": {
        "delivery_id": _c("id", "delivery (shipment) id", required=True),
        "account_id": _c("id", "client id", required=True),
        "promised_date": _c("date", "delivery date promised to the client", required=True),
        "actual_date": _c("date", "date delivered; blank while not delivered"),
        "order_id": _c("id", "order the delivery is for"),
        "quantity": _c("number", "units delivered", min=0),
        "complete": _c("bool", "delivered in full (every line, the whole quantity)"),
    },
    "complaints": {
        "complaint_id": _c("id", "complaint or incident id", required=True),
        "account_id": _c("id", "client id", required=True),
        "date": _c("date", "date the complaint was received", required=True),
        "category": _c("text", "delivery, quality, invoicing, service ..."),
        "severity": _c("text", "low, medium or high"),
        "resolved_date": _c("date", "date it was resolved; blank while open"),
        "description": _c("text", "what the client complained about"),
    },
    "invoices": {
        "invoice_id": _c("id", "invoice number", required=True),
        "account_id": _c("id", "client id", required=True),
        "date": _c("date", "invoice date", required=True),
        "due_date": _c("date", "payment due date", required=True),
        "amount": _c("number", "invoiced amount; negative for credit notes", required=True),
        "paid_date": _c("date", "date paid in full; blank while open"),
    },
    "contracts": {
        "contract_id": _c("id", "contract id", required=True),
        "account_id": _c("id", "client id", required=True),
        "start_date": _c("date", "start of the contract", required=True),
        "end_date": _c("date", "end of the current term; blank for an open-ended contract"),
        "notice_months": _c("integer", "notice period before the end, in months", min=0, max=60),
        "renewal": _c("text", "automatic (renews unless notice is given) or none"),
        "renewal_months": _c("integer", "length of an automatic renewal", min=1, max=120),
        "price_review": _c("text", "price-review clause (indexation, annual review, fixed)"),
        "title": _c("text", "subject of the contract"),
    },
    "opportunities": {
        "opportunity_id": _c("id", "opportunity (deal) id", required=True),
        "account_id": _c("id", "client id", required=True),
        "stage": _c("text", "lead, qualified, proposal, negotiation, won or lost", required=True),
        "value": _c("number", "expected annual value of the deal", min=0),
        "expected_close": _c("date", "expected decision date"),
        "title": _c("text", "subject of the deal"),
        "decision_criteria": _c("text", "the client's decision criteria, separated by ;"),
        "competitors": _c("text", "competitors in the race, separated by ;"),
    },
}

PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "accounts": ("account_id",),
    "products": ("product_id",),
    "contacts": ("contact_id",),
    "meetings": ("meeting_id",),
    "actions": ("action_id",),
    "tenders": ("tender_id",),
    "deliveries": ("delivery_id",),
    "complaints": ("complaint_id",),
    "invoices": ("invoice_id",),
    "contracts": ("contract_id",),
    "opportunities": ("opportunity_id",),
}


def columns_of(table: str) -> dict[str, Column]:
    """Canonical columns of `table`.

    >>> list(columns_of("scores"))
    ['account_id', 'date', 'category', 'score', 'assessor']
    """
    try:
        return TABLES[table]
    except KeyError:
        raise KeyError(f"unknown table {table!r}; known: {', '.join(TABLES)}") from None


def empty_frame(table: str, columns: list[str] | None = None) -> pd.DataFrame:
    """An empty frame of `table` with canonical dtypes (all columns unless `columns` is given).

    >>> empty_frame("scores").dtypes["score"]
    dtype('float64')
    """
    spec = columns_of(table)
    names = list(spec) if columns is None else columns
    return pd.DataFrame({c: pd.Series(dtype=spec[c].dtype) for c in names})


def require_columns(
    frame: pd.DataFrame | Iterable[str], columns: Iterable[str], table: str
) -> None:
    """Raise :class:`kamlib.InputError` (code ``missing-column``) naming every column `frame` lacks.

    `frame` is a DataFrame or the column names of a table (a file DuckDB reads, say).

    >>> require_columns(pd.DataFrame({"account_id": []}), ["account_id", "date"], "meetings")
    Traceback (most recent call last):
    ...
    kamlib.errors.InputError: 1 input problem(s) found:
      meetings column 'date': the meetings table needs column 'date' [missing-column]
    """
    names = frame.columns if isinstance(frame, pd.DataFrame) else set(frame)
    absent = [c for c in columns if c not in names]
    if absent:
        raise InputError(
            [
                Problem(table, None, c, "missing-column", f"the {table} table needs column {c!r}")
                for c in absent
            ]
        )


def is_missing(frame: pd.DataFrame | None) -> bool:
    """True when an optional table is absent (None) or has no rows.

    >>> is_missing(None), is_missing(pd.DataFrame({"a": []})), is_missing(pd.DataFrame({"a": [1]}))
    (True, True, False)
    """
    return frame is None or len(frame) == 0


def account_rows(frame: pd.DataFrame | None, account_id: str) -> pd.DataFrame | None:
    """The rows of one account in an optional table (None when the table is missing or empty).

    >>> account_rows(pd.DataFrame({"account_id": ["A", "B", "A"]}), "A").index.tolist()
    [0, 2]
    """
    if is_missing(frame):
        return None
    return frame[frame["account_id"] == account_id]


def gross_profit(transactions: pd.DataFrame) -> pd.Series:
    """Gross profit per line: the given ``gross_profit``, else ``revenue - cost``, else NaN.

    >>> gross_profit(pd.DataFrame({"revenue": [10.0, 5.0], "cost": [4.0, 1.0]})).tolist()
    [6.0, 4.0]
    """
    tx = transactions
    if "gross_profit" in tx.columns and "cost" in tx.columns:
        return tx["gross_profit"].fillna(tx["revenue"] - tx["cost"])
    if "gross_profit" in tx.columns:
        return tx["gross_profit"]
    if "cost" in tx.columns:
        return tx["revenue"] - tx["cost"]
    return pd.Series(np.nan, index=tx.index)

"""Payment behaviour per client: days sales outstanding, overdue amounts and the cost of capital.

Favour clients who pay quickly: payment terms and late payments tie up working capital, and that
capital has a price. These measures read the optional ``invoices`` table (data/README.md).
Method (docs/methods.md, "Payments and the cost of capital"):

- **Capital-days** of an invoice in a window: its amount times the days it was outstanding
  inside the window, from the invoice date to the day it was paid (or to ``as_of`` while
  open). Outstanding from the *invoice* date, not the due date: payment terms tie up capital
  too, which is what makes them a lever in a negotiation.
- **Days sales outstanding (DSO)**: capital-days of the window / amount invoiced in the
  window, i.e. the average receivable over the average daily sales (a client paying every
  invoice after 40 days has a DSO of 40).
- **Days late**: amount-weighted mean of the days after the due date at which the invoices
  due in the window were paid (open ones: days overdue at ``as_of``; early payment counts as
  0).
- **Overdue**: open at ``as_of`` and past due; ``overdue_90``: more than 90 days past due.
- **Class**: ``prompt`` (days late at most `prompt_days`, default 5), ``late`` (at most
  `slow_days`, default 30) or ``slow``; any amount more than 90 days overdue makes a client
  ``slow``.
- **Payment terms as a lever** (:func:`terms_lever`): d more days to pay cost revenue x d /
  365 x `rate` a year, the same as a price discount of d x `rate` / 365.
- **Cost of capital**: capital-days x `rate` / 365, with `rate` the annual cost of capital,
  default :data:`CAPITAL_RATE` (8 % a year, a typical pre-tax cost of working capital for a
  mid-sized industrial supplier; set your own finance department's figure).

A missing table is *not known*: every column is NaN, never 0.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from kamlib.errors import ArgumentError
from kamlib.schema import is_missing, require_columns
from kamlib.window import analysis_date, window_start

__all__ = [
    "CAPITAL_RATE",
    "PAYMENT_CLASSES",
    "PAYMENT_COLUMNS",
    "capital_cost",
    "capital_days",
    "payment_behaviour",
    "terms_lever",
]

CAPITAL_RATE = 0.08
"""Default annual cost of the capital tied up in receivables (8 % a year)."""

PAYMENT_CLASSES = ("prompt", "late", "slow")
"""Payment-behaviour classes, best first."""

PAYMENT_COLUMNS = {
    "invoices": "Int64",
    "invoiced": "float64",
    "dso": "float64",
    "days_late": "float64",
    "open_amount": "float64",
    "overdue_amount": "float64",
    "overdue_90": "float64",
    "capital_days": "float64",
    "capital_cost": "float64",
    "behaviour": "str",
}
"""The columns of :func:`payment_behaviour` and their dtypes."""


def _rate(rate: float) -> float:
    if isinstance(rate, bool) or not np.isfinite(rate) or not 0 <= rate <= 1:
        raise ArgumentError(f"`rate` must be an annual rate between 0 and 1, got {rate!r}")
    return float(rate)


def capital_days(
    invoices: pd.DataFrame,
    *,
    as_of: object,
    start: object = None,
    account: str = "account_id",
) -> pd.Series:
    """Amount x days outstanding per client, inside the window from `start` to `as_of`.

    Parameters
    ----------
    invoices : DataFrame
        Canonical invoices: `account`, ``date``, ``amount``, ``paid_date`` (NaT while open).
    as_of : date-like
        Last day of the window (inclusive); open invoices are outstanding up to it.
    start : date-like, optional
        First day of the window; None counts from each invoice date.
    account : str, default "account_id"
        Column that identifies the client.

    Returns
    -------
    Series
        Capital-days per client (index `account`).

    Examples
    --------
    >>> inv = pd.DataFrame({"account_id": ["A", "A"], "amount": [1000.0, 500.0],
    ...     "date": pd.to_datetime(["2025-01-31", "2025-11-30"]),
    ...     "paid_date": pd.to_datetime(["2025-03-02", None])})
    >>> capital_days(inv, as_of="2025-12-31").to_dict()
    {'A': 46000.0}
    """
    require_columns(invoices, [account, "date", "amount", "paid_date"], "invoices")
    end = analysis_date(None, as_of) + pd.Timedelta(days=1)  # exclusive
    begin = invoices["date"]
    if start is not None:
        begin = begin.clip(lower=pd.Timestamp(start).normalize())
    stop = invoices["paid_date"].fillna(end).clip(upper=end)
    days = (stop - begin).dt.days.clip(lower=0)
    return (invoices["amount"] * days).groupby(invoices[account]).sum().astype("float64")


def capital_cost(
    invoices: pd.DataFrame,
    *,
    as_of: object,
    start: object = None,
    rate: float = CAPITAL_RATE,
    account: str = "account_id",
) -> pd.Series:
    """The cost of the capital tied up in each client's receivables: capital-days x rate / 365.

    Parameters
    ----------
    invoices : DataFrame
        Canonical invoices.
    as_of, start, account
        As in :func:`capital_days`.
    rate : float, default :data:`CAPITAL_RATE`
        Annual cost of capital (0.08 = 8 % a year).

    Returns
    -------
    Series
        Cost per client (index `account`), in the currency of the invoices.

    Examples
    --------
    >>> inv = pd.DataFrame({"account_id": ["A"], "amount": [36500.0],
    ...     "date": pd.to_datetime(["2025-01-01"]), "paid_date": pd.to_datetime(["2025-03-02"])})
    >>> capital_cost(inv, as_of="2025-12-31", rate=0.10).round(2).to_dict()
    {'A': 600.0}
    """
    rate = _rate(rate)
    days = capital_days(invoices, as_of=as_of, start=start, account=account)
    return days * rate / 365.0


def payment_behaviour(
    invoices: pd.DataFrame | None,
    *,
    as_of: object = None,
    months: int = 12,
    accounts: pd.Index | list[str] | None = None,
    rate: float = CAPITAL_RATE,
    prompt_days: float = 5.0,
    slow_days: float = 30.0,
) -> pd.DataFrame:
    """How each client pays: DSO, days late, open and overdue amounts, class, cost of capital.

    Parameters
    ----------
    invoices : DataFrame or None
        Canonical invoices (``account_id``, ``date``, ``due_date``, ``amount``,
        ``paid_date``). None or empty: not known.
    as_of : date-like, optional
        Last day of the window; default the last invoice date.
    months : int, default 12
        Length of the window.
    accounts : index or list of str, optional
        Clients to report on (rows in this order); default every client with an invoice.
    rate : float, default :data:`CAPITAL_RATE`
        Annual cost of capital.
    prompt_days, slow_days : float, default 5 and 30
        Class limits on the days late (see the module docstring).

    Returns
    -------
    DataFrame
        One row per client (index ``account_id``) with the columns of
        :data:`PAYMENT_COLUMNS`: ``invoices`` and ``invoiced`` (dated in the window), ``dso``,
        ``days_late``, ``open_amount``, ``overdue_amount``, ``overdue_90`` (at ``as_of``),
        ``capital_days`` and ``capital_cost`` (in the window), ``behaviour`` (one of
        :data:`PAYMENT_CLASSES`, or ``"not known"``).

    Examples
    --------
    >>> inv = pd.DataFrame({"account_id": ["A", "B", "B"],
    ...     "date": pd.to_datetime(["2025-05-31", "2025-05-31", "2025-08-31"]),
    ...     "due_date": pd.to_datetime(["2025-06-30", "2025-06-30", "2025-09-30"]),
    ...     "amount": [1000.0, 1000.0, 1000.0],
    ...     "paid_date": pd.to_datetime(["2025-06-28", "2025-09-28", None])})
    >>> pb = payment_behaviour(inv, as_of="2025-12-31")
    >>> pb[["dso", "days_late", "overdue_amount", "behaviour"]]
    ... # doctest: +NORMALIZE_WHITESPACE
                  dso  days_late  overdue_amount behaviour
    account_id
    A            28.0        0.0             0.0    prompt
    B           121.5       91.0          1000.0      slow
    """
    rate = _rate(rate)
    if isinstance(months, bool) or not isinstance(months, (int, np.integer)) or months < 1:
        raise ArgumentError(f"`months` must be a whole number >= 1, got {months!r}")
    if is_missing(invoices):
        if as_of is not None:
            analysis_date(None, as_of)
        ids = [] if accounts is None else [str(a) for a in accounts]
        index = pd.Index(ids, name="account_id", dtype="str")
        out = pd.DataFrame(index=index, columns=list(PAYMENT_COLUMNS), dtype="float64")
        out["invoices"] = out["invoices"].astype("Int64")
        out["behaviour"] = pd.Series("not known", index=index, dtype="str")
        return out
    require_columns(invoices, ["account_id", "date", "due_date", "amount", "paid_date"], "invoices")
    as_of = analysis_date(invoices, as_of)
    start = window_start(as_of, months)
    inv = invoices[invoices["date"] <= as_of]
    paid = inv["paid_date"].where(inv["paid_date"] <= as_of)
    inv = inv.assign(paid_date=paid)
    ids = (
        [str(a) for a in accounts]
        if accounts is not None
        else sorted(inv["account_id"].dropna().astype(str).unique())
    )
    index = pd.Index(ids, name="account_id", dtype="str")
    g = inv["account_id"]
    in_window = inv["date"] >= start
    out = pd.DataFrame(index=index)
    out["invoices"] = in_window.groupby(g).sum().reindex(index).fillna(0).astype("Int64")
    invoiced = inv["amount"].where(in_window, 0.0).groupby(g).sum().reindex(index).fillna(0.0)
    out["invoiced"] = invoiced
    days = capital_days(inv, as_of=as_of, start=start).reindex(index).fillna(0.0)
    out["dso"] = (days / invoiced.where(invoiced > 0)).astype("float64")
    # days late of what fell due in the window, and of what is still open
    is_open = inv["paid_date"].isna()
    counted = ((inv["due_date"] >= start) & (inv["due_date"] <= as_of)) | (
        is_open & (inv["due_date"] <= as_of)
    )
    settled = inv["paid_date"].fillna(as_of)
    late = (settled - inv["due_date"]).dt.days.clip(lower=0).where(counted)
    weight = inv["amount"].where(counted & (inv["amount"] > 0))
    num = (late * weight).groupby(g).sum(min_count=1)
    den = weight.groupby(g).sum(min_count=1)
    out["days_late"] = (num / den).reindex(index).astype("float64")
    overdue = is_open & (inv["due_date"] < as_of)
    very = is_open & ((as_of - inv["due_date"]).dt.days > 90)
    for col, mask in (("open_amount", is_open), ("overdue_amount", overdue), ("overdue_90", very)):
        out[col] = inv["amount"].where(mask, 0.0).groupby(g).sum().reindex(index).fillna(0.0)
    out["capital_days"] = days
    out["capital_cost"] = days * rate / 365.0
    cls = np.select(
        [out["days_late"] <= prompt_days, out["days_late"] <= slow_days],
        ["prompt", "late"],
        "slow",
    )
    cls = np.where(out["days_late"].isna(), "not known", cls)
    cls = np.where(out["overdue_90"] > 0, "slow", cls)
    out["behaviour"] = pd.Series(cls, index=index, dtype="str")
    return out[list(PAYMENT_COLUMNS)]


def terms_lever(
    annual_revenue: float,
    *,
    days: Iterable[int] = (-30, -15, 15, 30, 45),
    rate: float = CAPITAL_RATE,
) -> pd.DataFrame:
    """Payment terms as a lever in a negotiation: what longer or shorter terms are worth.

    Giving a client `d` more days to pay ties up ``annual_revenue x d / 365`` more capital all
    year, which costs that x `rate`; as a share of the revenue it is the price discount with the
    same cost, ``d x rate / 365``. Shorter terms (negative `d`) are worth as much to us: a
    concession to ask for in exchange for a discount.

    Parameters
    ----------
    annual_revenue : float
        The client's yearly revenue (e.g. the last 12 months).
    days : iterable of int, default (-30, -15, 15, 30, 45)
        Changes of the payment terms in days (+ = longer terms for the client).
    rate : float, default :data:`CAPITAL_RATE`
        Annual cost of capital.

    Returns
    -------
    DataFrame
        ``days``, ``capital`` (extra capital tied up, negative when freed), ``cost_per_year``
        (its cost a year) and ``equivalent_discount`` (the same cost as a price discount).

    Examples
    --------
    >>> terms_lever(1_000_000.0, days=[15, -30], rate=0.073)
       days  capital  cost_per_year  equivalent_discount
    0    15  41095.9         3000.0                0.003
    1   -30 -82191.8        -6000.0               -0.006
    """
    rate = _rate(rate)
    if not np.isfinite(annual_revenue) or annual_revenue < 0:
        raise ArgumentError(f"`annual_revenue` must be a number >= 0, got {annual_revenue!r}")
    d = np.array(list(days), dtype="float64")
    capital = annual_revenue * d / 365.0
    return pd.DataFrame(
        {
            "days": d.astype("int64"),
            "capital": capital.round(1),
            "cost_per_year": (capital * rate).round(2),
            "equivalent_discount": (d * rate / 365.0).round(6),
        }
    )

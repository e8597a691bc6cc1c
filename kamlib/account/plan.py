"""The strategic development plan of one account: baseline, targets, stages, cross-sell, contacts.

Method (docs/methods.md, "Annual meeting and development plan"):

- **Baseline**: revenue and volume by product (or category) and region in the last 12 months up
  to ``as_of`` and in the 12 months before, with the change. Windows are trailing, so the
  baseline does not depend on whether ``as_of`` is a year end; ``as_of`` defaults to the last
  transaction date of the frame passed (the portfolio's, so a lost client shows zeros).
- **Next-year targets** per product: base (last 12 months) x (1 + growth). The growth of each
  product is stated in the output with its source: ``override`` (given per product),
  ``given`` (one rate for all), ``history`` (the product's own change between the two windows),
  ``account history`` (the account's change, for products without a previous window) or
  ``none`` (0 when nothing is known). Rates from history are clipped to ``growth_bounds``
  (default -50 % .. +50 %) so that one lucky year does not triple a plan. Volume targets assume
  constant prices (volume grows like revenue).
- **Stages**: each whole-year target is split into quarters (``Q1``..``Q4``) or months
  (``M01``..``M12``) by the account's seasonal profile: its revenue per quarter/month of year
  over the last ``years`` years (negative periods count as 0); equal shares without history.
- **Cross-sell**: products that similar clients buy (positive revenue in the last 12 months) and
  this one does not. Similar means the same ``industry`` (accounts table) or the same class
  from ``classes`` (e.g. the ABC class or ABC-XYZ cell of each account). Estimated value =
  penetration (share of active similar clients buying the product) x median annual revenue of
  the product among those buying it.
- **Contact plan**: a cadence (contacts per year by type) from the ABC class (first letter of the
  ABC-XYZ cell), extra planning calls for irregular (Z) clients and extra contacts per key-client
  type; each type's contacts are spread evenly over the year (mid-interval, moved to the next
  working day) and priced with configurable costs per contact type.
- **Plan vs actual**: each target line against the revenue of the same account, period, and
  product/category/region where the line names them, up to ``as_of``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kamlib.account.dossier import _as_of, _missing
from kamlib.errors import ArgumentError, InputError, Problem
from kamlib.portfolio.abcxyz import NON_POSITIVE, TOO_NEW
from kamlib.schema import columns_of
from kamlib.schema import require_columns as _require

__all__ = [
    "CONTACT_CADENCE",
    "XYZ_CADENCE",
    "KEY_TYPE_CADENCE",
    "CONTACT_COSTS",
    "DevelopmentPlan",
    "baseline",
    "next_year_targets",
    "seasonality",
    "stage_targets",
    "cross_sell",
    "contact_cadence",
    "contact_plan",
    "contact_budget",
    "plan_vs_actual",
    "development_plan",
]

CONTACT_CADENCE: dict[str, dict[str, int]] = {
    "A": {"annual_meeting": 1, "visit": 4, "call": 12},
    "B": {"annual_meeting": 1, "visit": 2, "call": 6},
    "C": {"visit": 1, "call": 4},
}
"""Contacts per year by ABC class (first letter of the ABC-XYZ cell)."""

XYZ_CADENCE: dict[str, dict[str, int]] = {"X": {}, "Y": {}, "Z": {"planning_call": 4}}
"""Extra contacts per year by XYZ class: joint planning with irregular buyers."""

KEY_TYPE_CADENCE: dict[str, dict[str, int]] = {
    "breadwinner": {"executive_meeting": 2},
    "perspective": {"visit": 2},
    "image_maker": {"executive_meeting": 1},
    "expert": {"workshop": 2},
}
"""Extra contacts per year by key-client type."""

CONTACT_COSTS: dict[str, float] = {
    "call": 25.0,
    "planning_call": 25.0,
    "visit": 400.0,
    "annual_meeting": 1500.0,
    "executive_meeting": 1000.0,
    "workshop": 800.0,
}
"""Default cost of one contact by type (in the reporting currency)."""

_DEFAULT_CLASS = "B"
_BY = ("product_id", "category")
_FREQS = {"Q": [f"Q{q}" for q in range(1, 5)], "M": [f"M{m:02d}" for m in range(1, 13)]}
_TARGET_COLUMNS = list(columns_of("targets"))


# --- small private helpers ---------------------------------------------------------------------


def _target_lines(targets: pd.DataFrame) -> pd.DataFrame:
    """The targets table with every canonical column, in canonical dtypes, on a fresh index."""
    spec = columns_of("targets")
    return pd.DataFrame(
        {
            c: targets[c].astype(col.dtype)
            if c in targets.columns
            else pd.Series(pd.NA, index=targets.index, dtype=col.dtype)
            for c, col in spec.items()
        }
    ).reset_index(drop=True)


def _with_category(tx: pd.DataFrame, products: pd.DataFrame | None) -> pd.DataFrame:
    out = tx.drop(columns=["category"], errors="ignore")
    if _missing(products) or "category" not in products.columns or "product_id" not in out.columns:
        return out.assign(category=pd.Series(np.nan, index=out.index, dtype="str"))
    cats = products[["product_id", "category"]].drop_duplicates("product_id")
    return out.merge(cats, on="product_id", how="left", validate="many_to_one")


def _account_tx(transactions: pd.DataFrame, account_id: str) -> pd.DataFrame:
    _require(transactions, ["account_id", "date", "revenue"], "transactions")
    tx = transactions[transactions["account_id"] == account_id]
    for column in ("product_id", "region"):
        if column not in tx.columns:
            tx = tx.assign(**{column: pd.Series(np.nan, index=tx.index, dtype="str")})
    if "quantity" not in tx.columns:
        tx = tx.assign(quantity=np.nan)
    return tx


def _windows(dates: pd.Series, as_of: pd.Timestamp, months: int) -> pd.Series:
    """'last' for (as_of - months, as_of], 'previous' for the window before, else NaN."""
    start_last = as_of - pd.DateOffset(months=months)
    start_prev = start_last - pd.DateOffset(months=months)
    label = np.select(
        [(dates > start_last) & (dates <= as_of), (dates > start_prev) & (dates <= start_last)],
        ["last", "previous"],
        default="",
    )
    return pd.Series(label, index=dates.index).replace("", np.nan)


def _pct(new: pd.Series, old: pd.Series) -> pd.Series:
    return (new - old) / old.where(old > 0)


def _check_by(by: str) -> None:
    if by not in _BY:
        raise ArgumentError(f"`by` must be one of {_BY}, got {by!r}")


def _check_freq(freq: str) -> None:
    if freq not in _FREQS:
        raise ArgumentError(f"`freq` must be 'Q' or 'M', got {freq!r}")


# --- baseline ----------------------------------------------------------------------------------


def baseline(
    account_id: str,
    *,
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    by: str = "product_id",
    as_of: object = None,
    window_months: int = 12,
) -> pd.DataFrame:
    """Revenue and volume of one account by product (or category) and region, with the change.

    Parameters
    ----------
    account_id : str
        The account.
    transactions : DataFrame
        Canonical transactions (``account_id``, ``date``, ``revenue``; ``product_id``,
        ``region``, ``quantity`` when known).
    products : DataFrame, optional
        Canonical products; needed for ``by="category"``.
    by : {"product_id", "category"}, default "product_id"
        Level of the baseline.
    as_of : date-like, optional
        End of the last window (inclusive); default the last date in `transactions`.
    window_months : int, default 12
        Length of each window.

    Returns
    -------
    DataFrame
        One row per `by` value and region (missing keys kept as NaN), sorted by
        ``revenue_last`` descending: ``revenue_previous``, ``revenue_last``, ``revenue_change``,
        ``revenue_change_pct`` (NaN without a positive previous value), and the same for
        ``quantity``.

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A", "A", "A"], "product_id": ["p1", "p1", "p2"],
    ...     "region": ["N", "N", "N"], "quantity": [10.0, 12.0, 5.0],
    ...     "revenue": [100.0, 120.0, 50.0],
    ...     "date": pd.to_datetime(["2024-06-01", "2025-06-01", "2025-07-01"])})
    >>> baseline("A", transactions=tx, as_of="2025-12-31")[
    ...     ["product_id", "revenue_previous", "revenue_last", "revenue_change_pct"]]
      product_id  revenue_previous  revenue_last  revenue_change_pct
    0         p1             100.0         120.0                 0.2
    1         p2               0.0          50.0                 NaN
    """
    _check_by(by)
    as_of = _as_of(transactions, as_of)
    tx = _with_category(_account_tx(transactions, account_id), products)
    tx = tx.assign(_window=_windows(tx["date"], as_of, window_months)).dropna(subset=["_window"])
    keys = [by, "region"]
    sums = tx.groupby([*keys, "_window"], dropna=False)[["revenue", "quantity"]].sum(min_count=1)
    wide = sums.unstack("_window")
    out = pd.DataFrame(index=wide.index)
    for measure in ("revenue", "quantity"):
        cols = wide[measure] if measure in wide.columns.get_level_values(0) else pd.DataFrame()
        prev = cols["previous"] if "previous" in cols else pd.Series(np.nan, index=wide.index)
        last = cols["last"] if "last" in cols else pd.Series(np.nan, index=wide.index)
        if measure == "revenue" or tx["quantity"].notna().any():
            prev, last = prev.fillna(0.0), last.fillna(0.0)
        out[f"{measure}_previous"] = prev.astype(float)
        out[f"{measure}_last"] = last.astype(float)
        out[f"{measure}_change"] = out[f"{measure}_last"] - out[f"{measure}_previous"]
        out[f"{measure}_change_pct"] = _pct(out[f"{measure}_last"], out[f"{measure}_previous"])
    out = out.reset_index()
    return out.sort_values(
        ["revenue_last", by], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


# --- targets -----------------------------------------------------------------------------------


def next_year_targets(
    account_id: str,
    *,
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    plan_year: int | None = None,
    as_of: object = None,
    growth: float | Mapping[str, float] | None = None,
    by: str = "product_id",
    growth_bounds: tuple[float, float] = (-0.5, 0.5),
    window_months: int = 12,
) -> pd.DataFrame:
    """Next-year revenue and volume targets per product (or category) with the growth assumed.

    Parameters
    ----------
    account_id : str
        The account.
    transactions : DataFrame
        Canonical transactions.
    products : DataFrame, optional
        Canonical products (for the ``category`` column and ``by="category"``).
    plan_year : int, optional
        Year of the plan; default the year after `as_of`.
    as_of : date-like, optional
        End of the base window (inclusive); default the last date in `transactions`.
    growth : float or mapping, optional
        One growth rate for every line (source ``given``), or rates per product/category
        (source ``override``; the others keep their default). Rates are not clipped.
    by : {"product_id", "category"}, default "product_id"
        Level of the targets.
    growth_bounds : (float, float), default (-0.5, 0.5)
        Bounds for growth rates taken from history.
    window_months : int, default 12
        Length of the base window and of the window before it.

    Returns
    -------
    DataFrame
        One row per product (or category) with positive base revenue: ``account_id``, ``year``,
        ``product_id``, ``category``, ``base_revenue``, ``base_quantity``,
        ``history_growth`` (unclipped), ``growth``, ``growth_source``, ``revenue_target``,
        ``quantity_target``. Canonical target columns come first, so the frame can be passed
        to :func:`stage_targets` or :func:`kamlib.report.spreadsheet.export_targets`.

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A"] * 3, "product_id": ["p1", "p1", "p2"],
    ...     "quantity": [10.0, 11.0, 5.0], "revenue": [100.0, 110.0, 50.0],
    ...     "date": pd.to_datetime(["2024-06-01", "2025-06-01", "2025-07-01"])})
    >>> t = next_year_targets("A", transactions=tx, as_of="2025-12-31", growth={"p2": 0.2})
    >>> t[["year", "product_id", "growth", "growth_source", "revenue_target"]]
       year product_id  growth growth_source  revenue_target
    0  2026         p1     0.1       history           121.0
    1  2026         p2     0.2      override            60.0
    """
    _check_by(by)
    low, high = growth_bounds
    if low > high:
        raise ArgumentError(
            f"`growth_bounds` must be (low, high) with low <= high, got {growth_bounds}"
        )
    as_of = _as_of(transactions, as_of)
    year = int(plan_year) if plan_year is not None else as_of.year + 1
    base = baseline(
        account_id,
        transactions=transactions,
        products=products,
        by=by,
        as_of=as_of,
        window_months=window_months,
    )
    per_key = base.groupby(by, dropna=False)[
        ["revenue_previous", "revenue_last", "quantity_previous", "quantity_last"]
    ].sum(min_count=1)
    per_key = per_key[per_key["revenue_last"] > 0]
    total_prev, total_last = base["revenue_previous"].sum(), base["revenue_last"].sum()
    account_growth = total_last / total_prev - 1 if total_prev > 0 else np.nan
    history = _pct(per_key["revenue_last"], per_key["revenue_previous"])
    has_own = history.notna()
    rate = history.clip(low, high).where(has_own, np.clip(account_growth, low, high))
    source = pd.Series(
        np.where(has_own, "history", np.where(np.isnan(account_growth), "none", "account history")),
        index=per_key.index,
    )
    rate = rate.fillna(0.0)
    if isinstance(growth, Mapping):
        given = pd.Series(growth, dtype=float).reindex(per_key.index)
        rate = given.fillna(rate)
        source = source.where(given.isna(), "override")
    elif growth is not None:
        rate = pd.Series(float(growth), index=per_key.index)
        source = pd.Series("given", index=per_key.index)
    out = pd.DataFrame(
        {
            "base_revenue": per_key["revenue_last"],
            "base_quantity": per_key["quantity_last"],
            "history_growth": history,
            "growth": rate,
            "growth_source": source.astype("str"),
        }
    ).reset_index()
    out["revenue_target"] = out["base_revenue"] * (1 + out["growth"])
    out["quantity_target"] = out["base_quantity"] * (1 + out["growth"])
    out["account_id"] = account_id
    out["year"] = pd.array([year] * len(out), dtype="Int64")
    if by == "product_id":
        cats = _with_category(out[["product_id"]], products)["category"]
        out["category"] = cats.to_numpy()
    else:
        out["product_id"] = pd.Series(np.nan, index=out.index, dtype="str")
    for column in ("region", "period"):
        out[column] = pd.Series(np.nan, index=out.index, dtype="str")
    extra = [
        "base_revenue",
        "base_quantity",
        "history_growth",
        "growth",
        "growth_source",
        "quantity_target",
    ]
    out = out[_TARGET_COLUMNS + extra].drop(columns=["region", "period"])
    return out.sort_values(
        ["revenue_target", by], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def _period_labels(dates: pd.Series, freq: str) -> pd.Series:
    if freq == "Q":
        return "Q" + dates.dt.quarter.astype("str")
    return "M" + dates.dt.month.astype("str").str.zfill(2)


def _season_shares(
    transactions: pd.DataFrame,
    account_ids: Iterable[str],
    freq: str,
    as_of: pd.Timestamp,
    years: int,
) -> pd.DataFrame:
    ids = pd.Index(pd.unique(pd.Series(list(account_ids), dtype="str")), name="account_id")
    start = as_of - pd.DateOffset(years=years)
    tx = transactions[
        transactions["account_id"].isin(ids)
        & (transactions["date"] > start)
        & (transactions["date"] <= as_of)
    ]
    labels = _FREQS[freq]
    grid = pd.MultiIndex.from_product([ids, labels], names=["account_id", "period"])
    revenue = (
        tx.assign(period=_period_labels(tx["date"], freq))
        .groupby(["account_id", "period"])["revenue"]
        .sum()
        .reindex(grid, fill_value=0.0)
    )
    positive = revenue.clip(lower=0.0)
    totals = positive.groupby(level="account_id").transform("sum")
    share = (positive / totals.where(totals > 0)).fillna(1.0 / len(labels))
    basis = np.where(totals > 0, "history", "equal")
    return pd.DataFrame(
        {"revenue": revenue, "share": share, "basis": basis}, index=grid
    ).reset_index()


def seasonality(
    account_id: str,
    *,
    transactions: pd.DataFrame,
    freq: str = "Q",
    as_of: object = None,
    years: int = 2,
) -> pd.DataFrame:
    """The account's seasonal profile: share of revenue per quarter (or month) of the year.

    Parameters
    ----------
    account_id : str
        The account.
    transactions : DataFrame
        Canonical transactions.
    freq : {"Q", "M"}, default "Q"
        Quarters ``Q1``..``Q4`` or months ``M01``..``M12``.
    as_of : date-like, optional
        End of the history window (inclusive); default the last date in `transactions`.
    years : int, default 2
        Length of the history window in years.

    Returns
    -------
    DataFrame
        ``period``, ``revenue`` (in the window), ``share`` (sums to 1; negative periods count as
        0), ``basis`` (``history``, or ``equal`` when the account has no positive revenue).

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A", "A"], "revenue": [300.0, 100.0],
    ...     "date": pd.to_datetime(["2025-02-01", "2025-11-01"])})
    >>> seasonality("A", transactions=tx, as_of="2025-12-31")[["period", "share"]]
      period  share
    0     Q1   0.75
    1     Q2   0.00
    2     Q3   0.00
    3     Q4   0.25
    """
    _check_freq(freq)
    _require(transactions, ["account_id", "date", "revenue"], "transactions")
    as_of = _as_of(transactions, as_of)
    shares = _season_shares(transactions, [account_id], freq, as_of, years)
    return shares.drop(columns="account_id")


def stage_targets(
    targets: pd.DataFrame,
    *,
    transactions: pd.DataFrame,
    freq: str = "Q",
    as_of: object = None,
    years: int = 2,
) -> pd.DataFrame:
    """Split whole-year target lines into quarters or months by each account's seasonality.

    Parameters
    ----------
    targets : DataFrame
        Target lines with the canonical ``targets`` columns (at least ``account_id``, ``year``,
        ``revenue_target``). Lines whose ``period`` is already set are kept as they are.
    transactions : DataFrame
        Canonical transactions (the history behind the seasonal profile).
    freq : {"Q", "M"}, default "Q"
        Stage length.
    as_of : date-like, optional
        End of the history window; default the last date in `transactions`.
    years : int, default 2
        Length of the history window in years.

    Returns
    -------
    DataFrame
        The canonical ``targets`` columns (``period`` filled) plus ``share`` (the line's share
        of its whole-year target; 1 for lines kept as they were). Per line the stage targets
        add up to the annual target.

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A", "A"], "revenue": [300.0, 100.0],
    ...     "date": pd.to_datetime(["2025-02-01", "2025-11-01"])})
    >>> t = pd.DataFrame({"account_id": ["A"], "year": [2026], "revenue_target": [1000.0]})
    >>> stage_targets(t, transactions=tx, as_of="2025-12-31")[["period", "revenue_target"]]
      period  revenue_target
    0     Q1           750.0
    1     Q2             0.0
    2     Q3             0.0
    3     Q4           250.0
    """
    _check_freq(freq)
    _require(targets, ["account_id", "year", "revenue_target"], "targets")
    _require(transactions, ["account_id", "date", "revenue"], "transactions")
    as_of = _as_of(transactions, as_of)
    lines = _target_lines(targets)
    lines["_line"] = np.arange(len(lines))
    whole = lines["period"].isna() | (lines["period"].str.strip() == "")
    kept = lines[~whole].assign(share=1.0)
    shares = _season_shares(transactions, lines.loc[whole, "account_id"], freq, as_of, years)
    split = (
        lines[whole]
        .drop(columns="period")
        .merge(shares[["account_id", "period", "share"]], on="account_id", how="left")
    )
    split["revenue_target"] = split["revenue_target"] * split["share"]
    out = pd.concat([kept, split], ignore_index=True)
    order = {label: i for i, label in enumerate(_FREQS[freq])}
    out["_order"] = out["period"].map(order)
    out = out.sort_values(["_line", "_order"], kind="stable").reset_index(drop=True)
    return out[_TARGET_COLUMNS + ["share"]]


# --- cross-sell --------------------------------------------------------------------------------


def cross_sell(
    account_id: str,
    *,
    transactions: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
    similar_by: str = "industry",
    classes: pd.Series | Mapping[str, str] | None = None,
    as_of: object = None,
    window_months: int = 12,
    min_peers_buying: int = 3,
) -> pd.DataFrame:
    """Products that similar clients buy and this account does not, with an estimated value.

    Parameters
    ----------
    account_id : str
        The account.
    transactions : DataFrame
        Canonical transactions of the portfolio (with ``product_id``).
    accounts : DataFrame, optional
        Canonical accounts; needed for ``similar_by="industry"``.
    products : DataFrame, optional
        Canonical products, for ``name`` and ``category`` in the result.
    similar_by : {"industry", "class"}, default "industry"
        Similar clients share the account's industry, or its label in `classes`.
    classes : Series or mapping, optional
        Class of each account (index: account id), e.g. the ABC class or ABC-XYZ cell from
        :func:`kamlib.portfolio.abcxyz.abc_xyz`; needed for ``similar_by="class"``.
    as_of : date-like, optional
        End of the window (inclusive); default the last date in `transactions`.
    window_months : int, default 12
        Purchases in this window count as "buys".
    min_peers_buying : int, default 3
        Products bought by fewer similar clients are left out: with one or two buyers the
        "median peer revenue" would disclose another client's purchases in a report that may be
        shown to this client.

    Returns
    -------
    DataFrame
        One row per candidate product, highest ``estimated_value`` first: ``product_id``,
        ``name``, ``category``, ``peers`` (similar clients active in the window),
        ``peers_buying``, ``penetration`` (= peers_buying / peers), ``median_peer_revenue``
        (among those buying), ``estimated_value`` (= penetration x median_peer_revenue).
        Empty when the account has no industry/class or no similar client is active.

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A", "B", "B", "C"],
    ...     "product_id": ["p1", "p1", "p2", "p2"], "revenue": [10.0, 10.0, 40.0, 60.0],
    ...     "date": pd.to_datetime(["2025-05-01"] * 4)})
    >>> acc = pd.DataFrame({"account_id": ["A", "B", "C"], "industry": ["Food"] * 3})
    >>> cross_sell("A", transactions=tx, accounts=acc, min_peers_buying=2)[
    ...     ["product_id", "peers", "peers_buying", "median_peer_revenue", "estimated_value"]]
      product_id  peers  peers_buying  median_peer_revenue  estimated_value
    0         p2      2             2                 50.0             50.0
    """
    columns = [
        "product_id",
        "name",
        "category",
        "peers",
        "peers_buying",
        "penetration",
        "median_peer_revenue",
        "estimated_value",
    ]
    empty = pd.DataFrame(
        {c: pd.Series(dtype="str" if c in columns[:3] else "float64") for c in columns}
    )
    empty = empty.astype({"peers": "int64", "peers_buying": "int64"})
    _require(transactions, ["account_id", "date", "revenue", "product_id"], "transactions")
    if similar_by == "industry":
        if _missing(accounts) or "industry" not in accounts.columns:
            return empty
        labels = accounts.drop_duplicates("account_id").set_index("account_id")["industry"]
    elif similar_by == "class":
        if classes is None:
            raise ArgumentError("`classes` is required when `similar_by` is 'class'")
        labels = pd.Series(classes, dtype="str")
    else:
        raise ArgumentError(f"`similar_by` must be 'industry' or 'class', got {similar_by!r}")
    own = labels.get(account_id, np.nan)
    if pd.isna(own):
        return empty
    peer_ids = labels.index[(labels == own) & (labels.index != account_id)]
    as_of = _as_of(transactions, as_of)
    start = as_of - pd.DateOffset(months=window_months)
    tx = transactions[(transactions["date"] > start) & (transactions["date"] <= as_of)]
    bought = tx.groupby(["account_id", "product_id"])["revenue"].sum()
    bought = bought[bought > 0].reset_index()
    own_products = set(bought.loc[bought["account_id"] == account_id, "product_id"])
    peers = bought[bought["account_id"].isin(peer_ids)]
    n_peers = peers["account_id"].nunique()
    candidates = peers[~peers["product_id"].isin(own_products)]
    if n_peers == 0 or candidates.empty:
        return empty
    out = candidates.groupby("product_id").agg(
        peers_buying=("account_id", "nunique"), median_peer_revenue=("revenue", "median")
    )
    out = out[out["peers_buying"] >= min_peers_buying]
    out.insert(0, "peers", n_peers)
    out["penetration"] = out["peers_buying"] / n_peers
    out["estimated_value"] = out["penetration"] * out["median_peer_revenue"]
    out = out.reset_index()
    if not _missing(products):
        info = products.drop_duplicates("product_id").set_index("product_id")
        for column in ("name", "category"):
            out[column] = out["product_id"].map(info[column]) if column in info else np.nan
    out = out.reindex(columns=columns).astype({c: "str" for c in columns[:3]})
    return out.sort_values(
        ["estimated_value", "product_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


# --- contact plan ------------------------------------------------------------------------------


def contact_cadence(
    cell: str | None = None,
    *,
    key_types: Iterable[str] = (),
    cadence: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Contacts per year by contact type for a client class.

    Parameters
    ----------
    cell : str, optional
        ABC-XYZ cell (``"AX"``) or ABC class (``"A"``). Without it, or with one of the labels
        of :func:`kamlib.abc_xyz` that are no class (``"too new"``, ``"non-positive"``),
        class B's cadence is used and the source says why.
    key_types : iterable of str, default ()
        Key-client types (``breadwinner``, ``perspective``, ``image_maker``, ``expert``); each
        adds the contacts of :data:`KEY_TYPE_CADENCE`.
    cadence : mapping, optional
        Contacts per year by type that replace the computed ones (0 removes a type).

    Returns
    -------
    DataFrame
        ``contact_type``, ``per_year`` (int), ``source`` (where the number comes from).

    Examples
    --------
    >>> contact_cadence("AZ", key_types=["breadwinner"])
            contact_type  per_year       source
    0     annual_meeting         1      class A
    1              visit         4      class A
    2               call        12      class A
    3      planning_call         4      class Z
    4  executive_meeting         2  breadwinner
    """
    note = " (default)" if not cell else ""
    if cell in (TOO_NEW, NON_POSITIVE):
        cell, note = None, f" (default: {cell})"
    abc = (cell or _DEFAULT_CLASS)[:1].upper()
    xyz = (cell or "")[1:2].upper()
    if abc not in CONTACT_CADENCE:
        raise ArgumentError(f"`cell` must start with A, B or C, got {cell!r}")
    rows = [(t, n, f"class {abc}{note}") for t, n in CONTACT_CADENCE[abc].items()]
    if xyz:
        if xyz not in XYZ_CADENCE:
            raise ArgumentError(f"`cell` must end with X, Y or Z, got {cell!r}")
        rows += [(t, n, f"class {xyz}") for t, n in XYZ_CADENCE[xyz].items()]
    for kind in key_types:
        if kind not in KEY_TYPE_CADENCE:
            raise ArgumentError(
                f"`key_types` has unknown type {kind!r}; known: {', '.join(KEY_TYPE_CADENCE)}"
            )
        rows += [(t, n, kind) for t, n in KEY_TYPE_CADENCE[kind].items()]
    frame = pd.DataFrame(rows, columns=["contact_type", "per_year", "source"])
    out = frame.groupby("contact_type", sort=False).agg(
        per_year=("per_year", "sum"), source=("source", "; ".join)
    )
    for kind, n in (cadence or {}).items():
        out.loc[kind, ["per_year", "source"]] = [int(n), "override"]
    out = out[out["per_year"] > 0].reset_index()
    return out.astype({"per_year": "int64", "contact_type": "str", "source": "str"})


def contact_plan(
    *,
    year: int,
    cell: str | None = None,
    key_types: Iterable[str] = (),
    cadence: Mapping[str, int] | None = None,
    costs: Mapping[str, float] | None = None,
    account_id: str | None = None,
    holidays: Iterable[object] = (),
) -> pd.DataFrame:
    """Dated contacts for a plan year from the client's cadence, each with its cost.

    The n contacts of a type are spread evenly over the year: contact i (0-based) falls on day
    ``floor((i + 0.5) * days_in_year / n)`` after 1 January, moved to the next working day
    (Monday-Friday, not in `holidays`).

    Parameters
    ----------
    year : int
        Plan year.
    cell, key_types, cadence
        As in :func:`contact_cadence`.
    costs : mapping, optional
        Cost per contact type, merged over :data:`CONTACT_COSTS`.
    account_id : str, optional
        Written into an ``account_id`` column when given.
    holidays : iterable of date-like, default ()
        Non-working days.

    Returns
    -------
    DataFrame
        ``account_id`` (when given), ``date``, ``contact_type``, ``cost``; sorted by date.

    Raises
    ------
    ArgumentError
        A contact type without a cost.

    Examples
    --------
    >>> contact_plan(year=2026, cell="CX")
            date contact_type   cost
    0 2026-02-16         call   25.0
    1 2026-05-18         call   25.0
    2 2026-07-02        visit  400.0
    3 2026-08-17         call   25.0
    4 2026-11-16         call   25.0
    """
    plan = contact_cadence(cell, key_types=key_types, cadence=cadence)
    prices = {**CONTACT_COSTS, **(costs or {})}
    unpriced = sorted(set(plan["contact_type"]) - set(prices))
    if unpriced:
        raise ArgumentError(f"`costs` has no cost for contact type(s) {unpriced}")
    start = pd.Timestamp(year=int(year), month=1, day=1)
    days = (pd.Timestamp(year=int(year) + 1, month=1, day=1) - start).days
    rows = plan.loc[plan.index.repeat(plan["per_year"])].reset_index(drop=True)
    i = rows.groupby("contact_type", sort=False).cumcount()
    offsets = np.floor((i + 0.5) * days / rows["per_year"]).astype(int)
    raw = (start + pd.to_timedelta(offsets, unit="D")).to_numpy().astype("datetime64[D]")
    off = np.array([pd.Timestamp(h).date() for h in holidays], dtype="datetime64[D]")
    dates = pd.Series(np.busday_offset(raw, 0, roll="forward", holidays=off)).astype(
        "datetime64[us]"
    )
    out = pd.DataFrame(
        {
            "date": dates,
            "contact_type": rows["contact_type"],
            "cost": rows["contact_type"].map(prices),
        }
    ).astype({"cost": "float64", "contact_type": "str"})
    if account_id is not None:
        out.insert(0, "account_id", pd.Series(account_id, index=out.index, dtype="str"))
    return out.sort_values(["date", "contact_type"], kind="stable").reset_index(drop=True)


def contact_budget(plan: pd.DataFrame) -> pd.DataFrame:
    """The budget a contact plan implies: contacts and cost per type, and a total row.

    Parameters
    ----------
    plan : DataFrame
        Output of :func:`contact_plan` (``contact_type``, ``cost``).

    Returns
    -------
    DataFrame
        ``contact_type``, ``contacts``, ``unit_cost``, ``budget``; the last row is ``total``.

    Examples
    --------
    >>> contact_budget(contact_plan(year=2026, cell="CX"))
      contact_type  contacts  unit_cost  budget
    0         call         4       25.0   100.0
    1        visit         1      400.0   400.0
    2        total         5        NaN   500.0
    """
    _require(plan, ["contact_type", "cost"], "plan")
    per_type = plan.groupby("contact_type").agg(
        contacts=("cost", "size"), unit_cost=("cost", "mean"), budget=("cost", "sum")
    )
    total = pd.DataFrame(
        {
            "contacts": [int(per_type["contacts"].sum())],
            "unit_cost": [np.nan],
            "budget": [per_type["budget"].sum()],
        },
        index=pd.Index(["total"], name="contact_type"),
    )
    return (
        pd.concat([per_type, total])
        .reset_index()
        .astype({"contact_type": "str", "contacts": "int64"})
    )


# --- plan vs actual ----------------------------------------------------------------------------


def _period_bounds(lines: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    period = lines["period"].fillna("").str.strip().str.upper()
    kind = period.str[:1]
    number = pd.to_numeric(period.str[1:], errors="coerce")
    ok = (
        (period == "")
        | ((kind == "Q") & number.between(1, 4))
        | ((kind == "M") & number.between(1, 12))
    )
    if not ok.all():
        bad = lines.loc[~ok, "period"]
        raise InputError(
            [
                Problem(
                    "targets",
                    None,
                    "period",
                    "bad-period",
                    "period must be blank, Q1-Q4 or M01-M12",
                    str(v),
                )
                for v in bad.unique()
            ]
        )
    first_month = np.select([kind == "Q", kind == "M"], [3 * number - 2, number], default=1)
    length = np.select([kind == "Q", kind == "M"], [3, 1], default=12)
    year = lines["year"].astype("int64").to_numpy()
    start_index = year * 12 + (first_month - 1)
    end_index = start_index + length

    def to_date(index: np.ndarray) -> pd.Series:
        parts = pd.DataFrame({"year": index // 12, "month": index % 12 + 1, "day": 1})
        return pd.to_datetime(parts).astype("datetime64[us]")

    return to_date(start_index), to_date(end_index)


def plan_vs_actual(
    targets: pd.DataFrame,
    *,
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    as_of: object = None,
) -> pd.DataFrame:
    """Each target line against the actual revenue of its account, period and scope.

    A line's scope is its account, its year and period (blank = whole year, ``Q1``-``Q4``,
    ``M01``-``M12``), and its ``product_id``, ``category`` and ``region`` where they are given.
    Only transactions up to `as_of` count.

    Parameters
    ----------
    targets : DataFrame
        Canonical targets (at least ``account_id``, ``year``, ``revenue_target``).
    transactions : DataFrame
        Canonical transactions.
    products : DataFrame, optional
        Canonical products: needed for lines by ``category`` (without it their actual is NaN).
    as_of : date-like, optional
        Last day with data (inclusive); default the last date in `transactions`.

    Returns
    -------
    DataFrame
        The target lines (canonical columns) plus ``period_start``, ``period_end`` (exclusive),
        ``actual``, ``variance`` (actual - target), ``attainment`` (actual / target),
        ``elapsed`` (share of the period passed at `as_of`, 0-1), ``expected_to_date``
        (target x elapsed) and ``status`` (``not started``, ``running``, ``complete``).

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A", "A"], "revenue": [60.0, 30.0],
    ...     "date": pd.to_datetime(["2025-02-01", "2025-05-01"])})
    >>> t = pd.DataFrame({"account_id": ["A", "A"], "year": [2025, 2025],
    ...     "revenue_target": [100.0, 50.0], "period": [None, "Q2"]})
    >>> plan_vs_actual(t, transactions=tx, as_of="2025-12-31")[
    ...     ["period", "revenue_target", "actual", "attainment", "status"]]
      period  revenue_target  actual  attainment    status
    0    NaN           100.0    90.0         0.9  complete
    1     Q2            50.0    30.0         0.6  complete
    """
    _require(targets, ["account_id", "year", "revenue_target"], "targets")
    _require(transactions, ["account_id", "date", "revenue"], "transactions")
    as_of = _as_of(transactions, as_of)
    lines = _target_lines(targets)
    lines["period_start"], lines["period_end"] = _period_bounds(lines)
    tx = transactions[transactions["date"] <= as_of]
    for column in ("product_id", "region"):
        if column not in tx.columns:
            tx = tx.assign(**{column: pd.Series(np.nan, index=tx.index, dtype="str")})
    tx = _with_category(tx, products)
    tx = tx[tx["account_id"].isin(lines["account_id"])]
    monthly = (
        tx.assign(month=tx["date"].dt.to_period("M").dt.to_timestamp().astype("datetime64[us]"))
        .groupby(["account_id", "month", "product_id", "category", "region"], dropna=False)[
            "revenue"
        ]
        .sum()
        .reset_index()
    )
    dims = ["product_id", "category", "region"]
    given = lines[dims].notna()
    actual = pd.Series(0.0, index=lines.index)
    for pattern, part in lines.groupby([given[d] for d in dims]):
        on = ["account_id", *(d for d, g in zip(dims, pattern, strict=True) if g)]
        matched = (
            part[on + ["period_start", "period_end"]]
            .reset_index()
            .merge(monthly, on=on, how="inner")
        )
        inside = (matched["month"] >= matched["period_start"]) & (
            matched["month"] < matched["period_end"]
        )
        actual = actual.add(matched[inside].groupby("index")["revenue"].sum(), fill_value=0.0)
    if _missing(products) or "category" not in products.columns:  # category lines: unknown
        actual = actual.where(lines["category"].isna())
    span = (lines["period_end"] - lines["period_start"]).dt.days
    passed = (as_of + pd.Timedelta(days=1) - lines["period_start"]).dt.days
    elapsed = (passed / span).clip(0.0, 1.0)
    out = lines.assign(
        actual=actual,
        variance=actual - lines["revenue_target"],
        attainment=actual / lines["revenue_target"].where(lines["revenue_target"] != 0),
        elapsed=elapsed,
        expected_to_date=lines["revenue_target"] * elapsed,
        status=np.select(
            [elapsed <= 0, elapsed >= 1], ["not started", "complete"], default="running"
        ),
    )
    return out.astype({"status": "str"})


# --- the whole plan ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DevelopmentPlan:
    """The development plan of one account (see :func:`development_plan`).

    ``stages`` is the canonical targets table of the plan year (export it with
    :func:`kamlib.report.spreadsheet.export_targets`); ``messages`` says which parts were skipped and why;
    ``parameters`` lists every threshold used.
    """

    account_id: str
    plan_year: int
    as_of: pd.Timestamp
    baseline: pd.DataFrame
    targets: pd.DataFrame
    seasonality: pd.DataFrame
    stages: pd.DataFrame
    cross_sell: pd.DataFrame
    contacts: pd.DataFrame
    budget: pd.DataFrame
    plan_vs_actual: pd.DataFrame
    messages: tuple[str, ...] = ()
    parameters: dict[str, object] = field(default_factory=dict)


def development_plan(
    account_id: str,
    *,
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    accounts: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    plan_year: int | None = None,
    as_of: object = None,
    by: str = "product_id",
    growth: float | Mapping[str, float] | None = None,
    growth_bounds: tuple[float, float] = (-0.5, 0.5),
    freq: str = "Q",
    seasonality_years: int = 2,
    similar_by: str = "industry",
    classes: pd.Series | Mapping[str, str] | None = None,
    min_peers_buying: int = 3,
    cell: str | None = None,
    key_types: Iterable[str] = (),
    cadence: Mapping[str, int] | None = None,
    contact_costs: Mapping[str, float] | None = None,
    holidays: Iterable[object] = (),
) -> DevelopmentPlan:
    """Assemble the development plan of one account.

    Parameters are those of :func:`baseline`, :func:`next_year_targets`, :func:`stage_targets`,
    :func:`cross_sell` and :func:`contact_plan`. `targets` is the recorded targets table (plan
    vs actual for every year it has for this account); optional tables that are missing or
    empty skip their part with a message.

    Returns
    -------
    DevelopmentPlan

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A", "A"], "product_id": ["p1", "p1"],
    ...     "quantity": [10.0, 11.0], "revenue": [100.0, 110.0],
    ...     "date": pd.to_datetime(["2024-03-01", "2025-03-01"])})
    >>> p = development_plan("A", transactions=tx, as_of="2025-12-31", cell="CX")
    >>> p.plan_year, p.targets["revenue_target"].round(2).tolist(), p.budget["budget"].tolist()[-1]
    (2026, [121.0], 500.0)
    >>> p.messages[:2]
    ('no products table: categories unknown', 'no accounts table: cross-sell by industry skipped')
    """
    as_of_ts = _as_of(transactions, as_of)
    year = int(plan_year) if plan_year is not None else as_of_ts.year + 1
    messages: list[str] = []
    if _missing(products):
        messages.append("no products table: categories unknown")
    base = baseline(account_id, transactions=transactions, products=products, by=by, as_of=as_of_ts)
    goals = next_year_targets(
        account_id,
        transactions=transactions,
        products=products,
        plan_year=year,
        as_of=as_of_ts,
        growth=growth,
        by=by,
        growth_bounds=growth_bounds,
    )
    profile = seasonality(
        account_id, transactions=transactions, freq=freq, as_of=as_of_ts, years=seasonality_years
    )
    stages = stage_targets(
        goals, transactions=transactions, freq=freq, as_of=as_of_ts, years=seasonality_years
    )
    if similar_by == "industry" and (_missing(accounts) or "industry" not in accounts.columns):
        messages.append("no accounts table: cross-sell by industry skipped")
    elif similar_by == "class" and classes is None:
        messages.append("no classes given: cross-sell by class skipped")
    if similar_by == "class" and classes is None:
        sell = cross_sell(
            account_id, transactions=transactions.iloc[:0], accounts=None, similar_by="industry"
        )
    else:
        sell = cross_sell(
            account_id,
            transactions=transactions,
            accounts=accounts,
            products=products,
            similar_by=similar_by,
            classes=classes,
            as_of=as_of_ts,
            min_peers_buying=min_peers_buying,
        )
    if cell is None:
        messages.append(
            f"no ABC-XYZ cell given: contact plan uses class {_DEFAULT_CLASS}'s cadence"
        )
    contacts = contact_plan(
        year=year,
        cell=cell,
        key_types=key_types,
        cadence=cadence,
        costs=contact_costs,
        account_id=account_id,
        holidays=holidays,
    )
    if _missing(targets):
        messages.append("no targets table: plan vs actual skipped")
        pva = plan_vs_actual(_empty_targets(), transactions=transactions, as_of=as_of_ts)
    else:
        own = targets[targets["account_id"] == account_id]
        pva = plan_vs_actual(own, transactions=transactions, products=products, as_of=as_of_ts)
    parameters = {
        "as_of": as_of_ts.date().isoformat(),
        "plan_year": year,
        "by": by,
        "growth_bounds": tuple(growth_bounds),
        "freq": freq,
        "seasonality_years": seasonality_years,
        "similar_by": similar_by,
        "cell": cell,
        "key_types": tuple(key_types),
    }
    return DevelopmentPlan(
        account_id=account_id,
        plan_year=year,
        as_of=as_of_ts,
        baseline=base,
        targets=goals,
        seasonality=profile,
        stages=stages,
        cross_sell=sell,
        contacts=contacts,
        budget=contact_budget(contacts),
        plan_vs_actual=pva,
        messages=tuple(messages),
        parameters=parameters,
    )


def _empty_targets() -> pd.DataFrame:
    spec = columns_of("targets")
    return pd.DataFrame({c: pd.Series(dtype=col.dtype) for c, col in spec.items()})

"""Targets of one account: baseline, next-year targets, seasonal stages, plan against actual.

Method (docs/methods.md, "Annual meeting and development plan"):

- **Baseline**: revenue and volume by product (or category) and region in the last `months`
  (12) months up to ``as_of`` and in the `months` before, with the change. Windows are trailing,
  so the baseline does not depend on whether ``as_of`` is a year end; ``as_of`` defaults to the
  last transaction date of the frame passed (the portfolio's, so a lost client shows zeros).
- **Next-year targets** per product: base (last 12 months) x (1 + growth). The growth of each
  product is stated in the output with its source: ``override`` (given per product),
  ``given`` (one rate for all), ``history`` (the product's own change between the two windows),
  ``account history`` (the account's change, for products without a previous window) or
  ``none`` (0 when nothing is known). Rates from history are clipped to ``growth_bounds``
  (default -50 % .. +50 %) so that one lucky year does not triple a plan. Volume targets assume
  constant prices (volume grows like revenue).
- **The plan year** (:func:`plan_year_of`), unless given: the year of the day the plan is made
  (the meeting date in the brief, ``as_of`` in the summary and the development plan) when it
  falls in January-June, the next year for July-December. One rule, so that the brief and the
  development plan of one account plan the same year.
- **The plan target** (:func:`plan_target`): one revenue target per account and plan year,
  used by the brief, the summary and the development plan alike: the targets table's total of
  the account's lines of that year when it has any (source ``targets table``), else the
  revenue of the last `months` months x (1 + `growth`, default 0) (source ``computed``).
  Conservative on purpose: no per-product extrapolation.
- **Stages**: each whole-year target is split into quarters (``Q1``..``Q4``) or months
  (``M01``..``M12``) by the account's seasonal profile: its revenue per quarter/month of year
  over the last ``years`` years (negative periods count as 0); equal shares without history.
- **Plan vs actual**: each target line against the revenue of the same account, period, and
  product/category/region where the line names them, up to ``as_of``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from kamlib.errors import ArgumentError, InputError, Problem
from kamlib.schema import columns_of, is_missing
from kamlib.schema import require_columns as _require
from kamlib.window import analysis_date, renamed_months

__all__ = [
    "TARGET_SOURCES",
    "baseline",
    "next_year_targets",
    "plan_target",
    "plan_year_of",
    "spread_target",
    "seasonality",
    "stage_targets",
    "plan_vs_actual",
]

_BY = ("product_id", "category")


_FREQS = {"Q": [f"Q{q}" for q in range(1, 5)], "M": [f"M{m:02d}" for m in range(1, 13)]}


_TARGET_COLUMNS = list(columns_of("targets"))


def plan_year_of(day: object) -> int:
    """The year a plan made on `day` is for: its own year in January-June, the next one after.

    Examples
    --------
    >>> plan_year_of("2025-12-31"), plan_year_of("2026-01-15"), plan_year_of("1998-06-30")
    (2026, 2026, 1998)
    """
    day = pd.Timestamp(day)
    return day.year + (1 if day.month >= 7 else 0)


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
    if (
        is_missing(products)
        or "category" not in products.columns
        or "product_id" not in out.columns
    ):
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


def baseline(
    account_id: str,
    *,
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    by: str = "product_id",
    as_of: object = None,
    months: int = 12,
    window_months: int | None = None,
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
    months : int, default 12
        Length of each window.
    window_months : int, optional
        Deprecated spelling of `months` (warns).

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
    months = renamed_months(months, window_months, "baseline")
    _check_by(by)
    as_of = analysis_date(transactions, as_of)
    tx = _with_category(_account_tx(transactions, account_id), products)
    tx = tx.assign(_window=_windows(tx["date"], as_of, months)).dropna(subset=["_window"])
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
    months: int = 12,
    window_months: int | None = None,
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
    months : int, default 12
        Length of the base window and of the window before it.
    window_months : int, optional
        Deprecated spelling of `months` (warns).

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
    months = renamed_months(months, window_months, "next_year_targets")
    _check_by(by)
    low, high = growth_bounds
    if low > high:
        raise ArgumentError(
            f"`growth_bounds` must be (low, high) with low <= high, got {growth_bounds}"
        )
    as_of = analysis_date(transactions, as_of)
    year = int(plan_year) if plan_year is not None else as_of.year + 1
    base = baseline(
        account_id,
        transactions=transactions,
        products=products,
        by=by,
        as_of=as_of,
        months=months,
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
    as_of = analysis_date(transactions, as_of)
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
    as_of = analysis_date(transactions, as_of)
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
    as_of = analysis_date(transactions, as_of)
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
    if is_missing(products) or "category" not in products.columns:  # category lines: unknown
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


TARGET_SOURCES = ("targets table", "computed")
"""The sources :func:`plan_target` reports, in this order."""


def plan_target(
    account_id: str,
    *,
    transactions: pd.DataFrame,
    targets: pd.DataFrame | None = None,
    year: int,
    as_of: object = None,
    months: int = 12,
    growth: float = 0.0,
) -> tuple[float, str]:
    """The one revenue target of an account for a plan year, with its source.

    The targets table's total for the account and `year` (every line of that year: whole-year,
    quarterly, by category or product; they are summed) when the table has lines for them;
    otherwise ONE computed rule: the account's revenue in the last `months` months up to
    `as_of` x (1 + `growth`). The brief's "our expectations", the account summary and the
    development plan all call this function, so they show the same figure.

    Parameters
    ----------
    account_id : str
        The account.
    transactions : DataFrame
        Canonical transactions (``account_id``, ``date``, ``revenue``).
    targets : DataFrame, optional
        Canonical targets (``account_id``, ``year``, ``revenue_target``).
    year : int
        The plan year.
    as_of : date-like, optional
        End of the base window of the computed rule; default the last date in `transactions`.
    months : int, default 12
        Length of the base window.
    growth : float, default 0.0
        Growth of the computed rule (not applied to a target from the table); > -1.

    Returns
    -------
    (float, str)
        The target and its source: ``"targets table"`` or ``"computed"``.

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A", "A"], "revenue": [100.0, 120.0],
    ...     "date": pd.to_datetime(["2024-06-01", "2025-06-01"])})
    >>> plan_target("A", transactions=tx, year=2026, as_of="2025-12-31")
    (120.0, 'computed')
    >>> t = pd.DataFrame({"account_id": ["A", "A"], "year": [2026, 2026],
    ...     "revenue_target": [60.0, 90.0], "period": ["Q1", "Q2"]})
    >>> plan_target("A", transactions=tx, targets=t, year=2026, as_of="2025-12-31")
    (150.0, 'targets table')
    """
    if not isinstance(months, (int, np.integer)) or months < 1:
        raise ArgumentError(f"`months` must be a positive integer, got {months!r}")
    if not np.isfinite(growth) or growth <= -1:
        raise ArgumentError(f"`growth` must be a number above -1, got {growth!r}")
    _require(transactions, ["account_id", "date", "revenue"], "transactions")
    if not is_missing(targets):
        _require(targets, ["account_id", "year", "revenue_target"], "targets")
        own = targets[(targets["account_id"] == account_id) & (targets["year"] == int(year))]
        if len(own) and own["revenue_target"].notna().any():
            return float(own["revenue_target"].sum()), "targets table"
    as_of = analysis_date(transactions, as_of)
    start = as_of - pd.DateOffset(months=months)
    tx = transactions[
        (transactions["account_id"] == account_id)
        & (transactions["date"] > start)
        & (transactions["date"] <= as_of)
    ]
    return float(tx["revenue"].sum()) * (1.0 + float(growth)), "computed"


def spread_target(
    account_id: str,
    *,
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    target: float,
    year: int,
    as_of: object = None,
    by: str = "product_id",
    months: int = 12,
) -> pd.DataFrame:
    """The plan target spread over the products (or categories) in proportion to their base.

    Every line grows by the same rate, ``target / base - 1`` (source ``plan target``), so the
    lines add up to the plan target of :func:`plan_target` exactly: the development plan and
    the draft proposal show the same total as the brief and the summary, and no product is
    extrapolated on its own.

    Parameters
    ----------
    account_id : str
        The account.
    transactions : DataFrame
        Canonical transactions.
    products : DataFrame, optional
        Canonical products (categories).
    target : float
        The plan target (:func:`plan_target`).
    year : int
        The plan year.
    as_of : date-like, optional
        End of the base window; default the last date in `transactions`.
    by : {"product_id", "category"}, default "product_id"
        Level of the lines.
    months : int, default 12
        Length of the base window.

    Returns
    -------
    DataFrame
        As :func:`next_year_targets`, with ``growth_source`` ``"plan target"``; empty when
        the account has no positive base.

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A"] * 2, "product_id": ["p1", "p2"],
    ...     "quantity": [10.0, 5.0], "revenue": [300.0, 100.0],
    ...     "date": pd.to_datetime(["2025-06-01", "2025-07-01"])})
    >>> t = spread_target("A", transactions=tx, target=440.0, year=2026, as_of="2025-12-31")
    >>> t[["product_id", "growth", "revenue_target"]].round(2)
      product_id  growth  revenue_target
    0         p1     0.1           330.0
    1         p2     0.1           110.0
    """
    lines = next_year_targets(
        account_id,
        transactions=transactions,
        products=products,
        plan_year=year,
        as_of=as_of,
        growth=0.0,
        by=by,
        months=months,
    )
    base = float(lines["base_revenue"].sum())
    if base <= 0 or not np.isfinite(target):
        return lines.assign(growth_source="plan target")
    rate = float(target) / base - 1.0
    return lines.assign(
        growth=rate,
        growth_source="plan target",
        revenue_target=lines["base_revenue"] * (1 + rate),
        quantity_target=lines["base_quantity"] * (1 + rate),
    )

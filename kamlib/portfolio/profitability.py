"""Client profitability: per-client P&L, the whale curve, loss-makers, ABC by revenue x profit.

Definitions (docs/methods.md, "Profitability"):

* gross profit = revenue - cost, or the given ``gross_profit`` of the line;
* contribution = gross profit - cost to serve, where cost to serve is the sum of the
  ``cost_to_serve`` table's ``amount`` plus ``cost_per_order`` x orders plus ``cost_per_line`` x
  lines (both rates 0 by default). Without a cost-to-serve table and with zero rates,
  contribution equals gross profit;
* with ``invoices`` (the optional invoices table), contribution is also after the cost of the
  capital tied up in the client's receivables in the window
  (:func:`kamlib.portfolio.payments.capital_cost`, annual `capital_rate`, default 8 %), shown
  in the column ``capital_cost``; the whale curve then sorts by that contribution;
* the whale curve sorts clients by contribution (descending) and plots the cumulative
  contribution as a share of the total against the cumulative share of clients. Its peak is
  usually well above 100 %: the most profitable clients earn more than the whole portfolio,
  and the loss-makers at the tail give part of it back.

A cost that is unknown stays unknown: a client with any line whose cost (and gross profit) is
missing gets ``NaN`` cost, gross profit and contribution, never a zero, and
``lines_without_cost`` says how many lines lacked it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from kamlib.errors import ArgumentError, InputError, Problem, deprecated_keyword
from kamlib.portfolio.abcxyz import abc_classes
from kamlib.portfolio.cube import (
    SalesCube,
    Source,
    account_ids,
    analysis_window,
    as_timestamp,
    build_cube,
    connect,
    cube_codes,
    in_window,
    relation,
    runs,
    split_repeats,
    sum_runs,
    window_sql,
)
from kamlib.portfolio.payments import CAPITAL_RATE
from kamlib.portfolio.payments import capital_cost as _capital_cost
from kamlib.portfolio.shares import revenue_shares
from kamlib.schema import require_columns
from kamlib.window import since, until

__all__ = ["client_pnl", "whale_curve", "whale_peak", "WhalePeak", "loss_makers", "abc_cross"]

log = logging.getLogger("kamlib")

_PNL_COLUMNS = [
    "orders",
    "lines",
    "gross_revenue",
    "returns",
    "revenue",
    "revenue_share",
    "cost",
    "gross_profit",
    "gross_margin",
    "cost_to_serve",
    "contribution",
    "contribution_margin",
    "lines_without_cost",
]


def _share(values: pd.Series, total: float) -> pd.Series:
    """values / total, NaN when the total is not positive."""
    return values / total if total > 0 else values * np.nan


def _lines_sql(transactions: Source, account: str, start, end) -> pd.DataFrame:
    """One DuckDB pass over the lines: sums and counts per client (works on files too).

    Per client rather than per client and day, it is lighter than building a cube for one
    P&L (the distinct order count runs over 20 000 groups, not 2 million).
    """
    start_ts, end_ts = as_timestamp(start, "start"), as_timestamp(end, "end")
    con = connect()
    try:
        source, params, names = relation(con, transactions)
        require_columns(names, (account, "date", "revenue"), "transactions")

        def num(c: str) -> str:
            return f'CAST("{c}" AS DOUBLE)' if c in names else "CAST(NULL AS DOUBLE)"

        order = "CAST(order_id AS VARCHAR)" if "order_id" in names else "CAST(NULL AS VARCHAR)"
        cond = window_sql("d", start_ts, end_ts, params)
        sql = f"""
            WITH src AS (
                SELECT CAST("{account}" AS VARCHAR) AS a, CAST(date AS TIMESTAMP) AS d,
                       {num("revenue")} AS r,
                       coalesce({num("cost")}, {num("revenue")} - {num("gross_profit")}) AS c,
                       coalesce({num("gross_profit")}, {num("revenue")} - {num("cost")}) AS g,
                       {order} AS o
                FROM {source}
            )
            SELECT a AS key,
                   count(DISTINCT o) + count(DISTINCT CASE WHEN o IS NULL THEN CAST(d AS DATE) END)
                       AS orders,
                   count(*) AS lines,
                   coalesce(fsum(CASE WHEN r > 0 THEN r END), 0) AS gross_revenue,
                   coalesce(fsum(CASE WHEN r < 0 THEN r END), 0) AS returns,
                   coalesce(fsum(r), 0) AS revenue,
                   CASE WHEN count(c) = count(*) THEN fsum(c) END AS cost,
                   CASE WHEN count(g) = count(*) THEN fsum(g) END AS gross_profit,
                   count(*) - count(g) AS lines_without_cost
            FROM src {cond}
            GROUP BY a ORDER BY a NULLS LAST
        """
        try:
            out = con.execute(sql, params).df()
        except duckdb.Error as exc:
            raise InputError(
                [Problem("transactions", None, None, "unreadable", f"aggregation failed: {exc}")]
            ) from exc
    finally:
        con.close()
    out = out.astype(
        {
            "key": "str",
            "orders": "int64",
            "lines": "int64",
            "lines_without_cost": "int64",
            **{
                c: "float64"
                for c in ("gross_revenue", "returns", "revenue", "cost", "gross_profit")
            },
        }
    )
    return out.set_index("key")


def _line_totals(transactions: Source, account: str, start, end) -> pd.DataFrame:
    """Sums and counts per client in the window: from a cube, or one pass over the lines."""
    if not isinstance(transactions, SalesCube):
        return _lines_sql(transactions, account, start, end)
    cube = build_cube(transactions, account=account, quantity=False)
    start_ts, end_ts = as_timestamp(start, "start"), as_timestamp(end, "end")
    days = cube.days
    keep = in_window(days["date"].to_numpy(), start_ts, end_ts, None)  # undated lines count
    rows = days if keep.all() else days[keep]
    codes, ids = cube_codes(cube, rows)
    starts = runs(codes)
    key = account_ids(ids, codes[starts])

    def total(column: str, values=None) -> np.ndarray:
        v = rows[column].to_numpy() if values is None else values
        return sum_runs(v, starts)

    if "orders" in rows:
        orders = _orders(cube, rows, starts, key, account, start_ts, end_ts)
    else:  # a cube built without order counts
        orders = pd.array([pd.NA] * len(starts), dtype="Int64")
    gross, returns = total("gross_revenue"), total("returns")
    out = pd.DataFrame(
        {
            "key": key,
            "orders": orders,
            "lines": total("lines"),
            "gross_revenue": gross,
            "returns": returns,
            "revenue": gross + returns,
            "cost": total("cost"),
            "gross_profit": total("gross_profit"),
            "lines_without_cost": total("lines_without_cost"),
        }
    )
    out = out.astype(
        {
            "key": "str",
            "lines": "int64",
            "lines_without_cost": "int64",
            **{
                c: "float64"
                for c in ("gross_revenue", "returns", "revenue", "cost", "gross_profit")
            },
        }
    )
    return out.set_index("key")


def _orders(cube, rows, starts, key, account, start_ts, end_ts) -> np.ndarray:
    """Orders per client: distinct order ids (counted once per day, less the repeats of
    orders spanning days), plus one order per client and day for lines without an order id."""
    dated = ~np.isnat(rows["date"].to_numpy())
    repeats = split_repeats(
        cube,
        lambda d: in_window(d, start_ts, end_ts, None),
        lambda f: pd.DataFrame({"key": f[account].to_numpy()}, index=f.index),
        pd.DataFrame({"key": key.to_numpy()}),
    )
    unordered = (dated & (rows["lines_without_order"].to_numpy() > 0)).astype("int64")
    if not len(starts):
        return np.zeros(0, dtype="int64")
    per_day = np.add.reduceat(rows["orders"].to_numpy(), starts)
    return (per_day - repeats + np.add.reduceat(unordered, starts)).astype("int64")


def client_pnl(
    transactions: Source,
    cost_to_serve: pd.DataFrame | None = None,
    *,
    cost_per_order: float = 0.0,
    cost_per_line: float = 0.0,
    as_of: str | pd.Timestamp | None = None,
    months: int | None = None,
    account: str = "account_id",
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    invoices: pd.DataFrame | None = None,
    capital_rate: float = CAPITAL_RATE,
) -> pd.DataFrame:
    """Profit and loss per client, from revenue down to contribution.

    Parameters
    ----------
    transactions : DataFrame, path, list of paths or SalesCube
        Canonical transactions: ``account_id``, ``date``, ``revenue``; ``cost`` and/or
        ``gross_profit`` (NaN when unknown) and ``order_id`` are used when present. A frame,
        or Parquet/CSV file(s) read by DuckDB in one pass (a large file never becomes one
        pandas frame); or a :func:`kamlib.sales_cube` built once for several analyses.
    cost_to_serve : DataFrame, optional
        Canonical cost-to-serve lines (``account_id``, ``date``, ``amount``), summed per client.
        ``None`` or an empty frame: no cost to serve beyond the rates below.
    cost_per_order, cost_per_line : float, default 0.0
        Cost to serve charged per order and per transaction line (added to the table's costs).
    as_of : date-like, optional
        Last day of the window of both tables; default the day of the last line when `months`
        is given, else no end.
    months : int, optional
        Length of the window in months ending on `as_of`; None (default) is the whole history.
    start, end : date-like, optional
        Deprecated spellings of the window (first and last calendar day included): pass
        `as_of` and `months`.
    account : str, default "account_id"
        Column that identifies the client in both tables; pass e.g. ``"parent_id"`` after
        merging it in, to roll clients up to their group.
    invoices : DataFrame, optional
        Canonical invoices (``account_id``, ``date``, ``amount``, ``paid_date``). When given,
        the cost of the capital tied up in each client's receivables inside the window
        (capital-days x `capital_rate` / 365, :func:`kamlib.portfolio.payments.capital_cost`)
        is a column ``capital_cost`` and is deducted from the contribution; a client without
        invoices has 0. None (default): no such column, contribution as before.
    capital_rate : float, default 0.08
        Annual cost of capital (:data:`kamlib.portfolio.payments.CAPITAL_RATE`).

    Returns
    -------
    DataFrame
        One row per client (index `account`, sorted; a line without a client id is kept in a
        row whose id is missing), with ``orders`` (distinct order ids; lines without an order
        id count as one order per client and day; NA from a cube built with
        ``orders=False``), ``lines``, ``gross_revenue`` (sum of
        positive lines), ``returns`` (sum of negative lines, <= 0), ``revenue`` (net:
        gross_revenue + returns), ``revenue_share`` (of the positive clients' revenue,
        :func:`kamlib.portfolio.shares.revenue_shares`), ``cost``,
        ``gross_profit``, ``gross_margin`` (gross profit / revenue), ``cost_to_serve``,
        ``capital_cost`` (only with `invoices`), ``contribution``, ``contribution_margin`` (contribution / revenue) and
        ``lines_without_cost``. Per line, a missing cost is revenue - gross_profit and a
        missing gross profit revenue - cost; cost, gross profit and contribution are NaN when
        any line still lacks them (a partial sum would overstate the margin). Margins are NaN
        when revenue is not positive. Clients that appear only in `cost_to_serve` get a row
        with zero revenue.

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "account_id": ["a", "a", "b"],
    ...     "date": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-01-10"]),
    ...     "revenue": [100.0, -10.0, 50.0],
    ...     "cost": [60.0, -6.0, 45.0],
    ...     "order_id": ["o1", "o2", "o3"],
    ... })
    >>> pnl = client_pnl(tx, cost_per_order=10.0)
    >>> pnl[["revenue", "gross_profit", "cost_to_serve", "contribution"]]
    ... # doctest: +NORMALIZE_WHITESPACE
                revenue  gross_profit  cost_to_serve  contribution
    account_id
    a              90.0          36.0           20.0          16.0
    b              50.0           5.0           10.0          -5.0
    """
    for name, rate in (("cost_per_order", cost_per_order), ("cost_per_line", cost_per_line)):
        if not np.isfinite(rate) or rate < 0:
            raise ArgumentError(f"`{name}` must be a finite number >= 0, got {rate!r}")
    start, end = analysis_window(
        transactions, as_of=as_of, months=months, start=start, end=end, function="client_pnl"
    )
    pnl = _line_totals(transactions, account, start, end)
    counted = pnl["orders"].dtype == "int64"  # not from a cube built without order counts
    if not counted and cost_per_order:
        raise ArgumentError(
            "`cost_per_order` needs order counts: build the cube with sales_cube(..., orders=True)"
        )

    cts = pd.Series(0.0, index=pnl.index)
    if cost_to_serve is not None and len(cost_to_serve):
        require_columns(cost_to_serve, [account, "date", "amount"], "cost_to_serve")
        start_ts, end_ts = as_timestamp(start, "start"), as_timestamp(end, "end")
        rows = cost_to_serve if start_ts is None else since(cost_to_serve, start_ts)
        rows = rows if end_ts is None else until(rows, end_ts)
        cts = rows.groupby(account, dropna=False)["amount"].sum().astype("float64")
        cts.index = cts.index.astype("str")
    keys = pnl.index.union(cts.index).sort_values(na_position="last")
    only_cts = pnl.index.get_indexer(keys) < 0  # (isin is slow on long str lists)
    pnl = pnl.reindex(keys)
    zero_fill = ["gross_revenue", "returns", "revenue", "lines", "lines_without_cost"]
    zero_fill += ["orders"] if counted else []
    pnl[zero_fill] = pnl[zero_fill].fillna(0)
    pnl.loc[only_cts, ["cost", "gross_profit"]] = 0.0
    pnl = pnl.astype({"lines": "int64", "lines_without_cost": "int64"})
    pnl["cost_to_serve"] = cts.reindex(keys).fillna(0.0) + cost_per_line * pnl["lines"]
    if counted:
        pnl["orders"] = pnl["orders"].astype("int64")
        pnl["cost_to_serve"] += cost_per_order * pnl["orders"]
    pnl["contribution"] = pnl["gross_profit"] - pnl["cost_to_serve"]
    columns = list(_PNL_COLUMNS)
    if invoices is not None and len(invoices):
        # the cost of the capital tied up in receivables, in the same window (payments.py)
        require_columns(invoices, [account, "date", "amount", "paid_date"], "invoices")
        last = as_timestamp(end, "end")
        if last is None:
            last = max(invoices["date"].max(), invoices["paid_date"].max())
        first = as_timestamp(start, "start")
        cap = _capital_cost(invoices, as_of=last, start=first, rate=capital_rate, account=account)
        cap.index = cap.index.astype("str")
        keys = pnl.index.union(cap.index).sort_values(na_position="last")
        if len(keys) > len(pnl):
            pnl = pnl.reindex(keys)
            pnl[zero_fill + ["cost", "gross_profit", "cost_to_serve"]] = pnl[
                zero_fill + ["cost", "gross_profit", "cost_to_serve"]
            ].fillna(0)
            pnl = pnl.astype({"lines": "int64", "lines_without_cost": "int64"})
            pnl["contribution"] = pnl["gross_profit"] - pnl["cost_to_serve"]
        pnl["capital_cost"] = cap.reindex(pnl.index).fillna(0.0)
        pnl["contribution"] = pnl["contribution"] - pnl["capital_cost"]
        columns.insert(columns.index("contribution"), "capital_cost")
    positive = pnl["revenue"].where(pnl["revenue"] > 0)
    pnl["gross_margin"] = pnl["gross_profit"] / positive
    pnl["contribution_margin"] = pnl["contribution"] / positive
    pnl["revenue_share"] = revenue_shares(pnl["revenue"])  # of the positive clients' total
    pnl.index.name = account
    return pnl[columns]


def whale_curve(pnl: pd.DataFrame, *, value: str = "contribution") -> pd.DataFrame:
    """Clients by `value` descending, with cumulative shares of clients and of the total.

    Parameters
    ----------
    pnl : DataFrame
        One row per client (e.g. from :func:`client_pnl`), indexed by client.
    value : str, default "contribution"
        The profit measure; ``"gross_profit"`` when there is no cost to serve.

    Returns
    -------
    DataFrame
        Indexed like `pnl`, ordered by `value` descending (ties by client id), with ``rank``
        (1 = most profitable), `value`, ``cumulative`` (running sum of `value`),
        ``cum_client_share`` (rank / number of clients) and ``cum_value_share`` (cumulative /
        total; NaN for every row when the total is not positive, where the curve means
        nothing). The last row's ``cum_value_share`` is 1. Clients whose `value` is unknown
        (NaN) are left out, with a warning on the ``kamlib`` logger.

    Examples
    --------
    >>> pnl = pd.DataFrame({"contribution": [-20.0, 90.0, 30.0]},
    ...                    index=pd.Index(["a", "b", "c"], name="account_id"))
    >>> whale_curve(pnl)  # doctest: +NORMALIZE_WHITESPACE
                rank  contribution  cumulative  cum_client_share  cum_value_share
    account_id
    b              1          90.0        90.0          0.333333              0.9
    c              2          30.0       120.0          0.666667              1.2
    a              3         -20.0       100.0          1.000000              1.0
    """
    if value not in pnl.columns:
        raise ArgumentError(
            f"`value` column {value!r} is not in the frame; columns: {list(pnl.columns)}"
        )
    values = pnl[value].astype("float64")
    unknown = int(values.isna().sum())
    if unknown:
        log.warning("whale_curve: %d client(s) with unknown %s left out", unknown, value)
    values = values.dropna()
    order = pd.DataFrame({"v": values.to_numpy(), "k": values.index.to_numpy()})
    order = order.sort_values(["v", "k"], ascending=[False, True], kind="mergesort")
    values = values.iloc[order.index.to_numpy()]
    n = len(values)
    curve = pd.DataFrame(index=values.index)
    curve["rank"] = np.arange(1, n + 1, dtype="int64")
    curve[value] = values
    curve["cumulative"] = values.cumsum()
    curve["cum_client_share"] = curve["rank"] / n
    curve["cum_value_share"] = _share(curve["cumulative"], float(values.sum()))
    return curve


@dataclass(frozen=True)
class WhalePeak:
    """The peak of a whale curve (its words: :func:`kamlib.words.whale_peak_sentence`).

    Attributes
    ----------
    clients : int
        Number of clients up to the peak (the most profitable ones).
    total_clients : int
        Number of clients on the curve.
    client_share : float
        clients / total_clients.
    value_share : float
        Cumulative value at the peak as a share of the total (1.6 = 160 %).
    peak : float
        Cumulative value at the peak.
    total : float
        Total value of all clients.
    """

    clients: int
    total_clients: int
    client_share: float
    value_share: float
    peak: float
    total: float


def whale_peak(curve: pd.DataFrame, *, noun: str | None = None) -> WhalePeak:
    """Where the whale curve peaks: the smallest group of top clients with the highest total.

    Parameters
    ----------
    curve : DataFrame
        The result of :func:`whale_curve`.
    noun : str, optional
        Deprecated and ignored: the sentence is :func:`kamlib.words.whale_peak_sentence`.

    Returns
    -------
    WhalePeak
        The smallest group of top clients whose cumulative value is the highest. When there
        are no clients or the total is not positive, ``clients`` is 0 and the shares are NaN.

    Examples
    --------
    >>> pnl = pd.DataFrame({"contribution": [-20.0, 90.0, 30.0, 10.0]},
    ...                    index=pd.Index(["a", "b", "c", "d"], name="account_id"))
    >>> peak = whale_peak(whale_curve(pnl))
    >>> peak.clients, peak.total_clients, round(peak.value_share, 3)
    (3, 4, 1.182)
    """
    if noun is not None:
        deprecated_keyword(
            "whale_peak", "noun", "nothing (the words are kamlib.words.whale_peak_sentence)"
        )
    n = len(curve)
    total = float(curve["cumulative"].iloc[-1]) if n else 0.0
    if n == 0 or not total > 0:
        return WhalePeak(0, n, np.nan, np.nan, np.nan, total)
    at = int(np.argmax(curve["cumulative"].to_numpy()))  # first position of the maximum
    clients, peak = at + 1, float(curve["cumulative"].iloc[at])
    return WhalePeak(clients, n, clients / n, peak / total, peak, total)


def loss_makers(
    pnl: pd.DataFrame, *, value: str = "contribution", min_revenue_share: float = 0.01
) -> pd.DataFrame:
    """Large clients that lose money: negative `value` and at least `min_revenue_share` of revenue.

    docs/methods.md does not fix what "large" means; the default 1 % of revenue (of the positive clients' total) is
    kamlib's choice (with a few dozen to a few hundred key clients it keeps the clients whose
    loss matters). Pass 0 to list every loss-maker.

    Parameters
    ----------
    pnl : DataFrame
        The result of :func:`client_pnl` (needs `value` and ``revenue_share``, or ``revenue``).
    value : str, default "contribution"
        The profit measure.
    min_revenue_share : float, default 0.01
        Smallest share of revenue (of the positive clients' total) for a client to count as large.

    Returns
    -------
    DataFrame
        The rows of `pnl` that qualify, worst `value` first (ties by client id).

    Examples
    --------
    >>> pnl = pd.DataFrame({"revenue": [500.0, 480.0, 20.0], "contribution": [-30.0, 60.0, -5.0]},
    ...                    index=pd.Index(["a", "b", "c"], name="account_id"))
    >>> loss_makers(pnl, min_revenue_share=0.05)  # doctest: +NORMALIZE_WHITESPACE
                revenue  contribution  revenue_share
    account_id
    a             500.0         -30.0           0.5
    """
    if not 0 <= min_revenue_share <= 1:
        raise ArgumentError(
            f"`min_revenue_share` must be between 0 and 1, got {min_revenue_share!r}"
        )
    if value not in pnl.columns:
        raise ArgumentError(
            f"`value` column {value!r} is not in the frame; columns: {list(pnl.columns)}"
        )
    out = pnl.copy()
    if "revenue_share" not in out.columns:
        require_columns(out, ["revenue"], "pnl")
        out["revenue_share"] = revenue_shares(out["revenue"])
    out = out[(out[value] < 0) & (out["revenue_share"] >= min_revenue_share)]
    key = out.index.name or "index"
    return (
        out.rename_axis(key)
        .reset_index()
        .sort_values([value, key], kind="mergesort")
        .set_index(key)
        .rename_axis(pnl.index.name)
    )


def abc_cross(
    pnl: pd.DataFrame,
    *,
    revenue: str = "revenue",
    profit: str = "gross_profit",
    abc_cutoffs: tuple[float, float] = (0.80, 0.95),
    cutoffs: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """ABC by revenue x ABC by profit: how many clients, and how much revenue, in each cell.

    Big but unprofitable clients show up as revenue-A with profit-C (or with the
    non-positive label when they lose money).

    Parameters
    ----------
    pnl : DataFrame
        One row per client (e.g. :func:`client_pnl`), indexed by client.
    revenue, profit : str
        Columns classed by :func:`kamlib.portfolio.abcxyz.abc_classes` with `abc_cutoffs`.
    abc_cutoffs : (float, float), default (0.80, 0.95)
        Cumulative-share cut-offs of A and B, for both dimensions.
    cutoffs : (float, float), optional
        Deprecated spelling of `abc_cutoffs` (works for one release, with a DeprecationWarning).

    Returns
    -------
    DataFrame
        Long format, every combination of the labels that occur (empty cells included):
        ``revenue_abc``, ``profit_abc``, ``clients``, ``revenue`` and ``revenue_share`` (of the
        positive clients' revenue). Clients whose profit is unknown get the profit label
        ``"unknown"``. ``.pivot(index="revenue_abc", columns="profit_abc", values="clients")``
        gives the familiar table.

    Examples
    --------
    >>> pnl = pd.DataFrame({"revenue": [700.0, 200.0, 100.0], "gross_profit": [10.0, 80.0, 30.0]},
    ...                    index=pd.Index(["a", "b", "c"], name="account_id"))
    >>> cross = abc_cross(pnl)
    >>> cross.pivot(index="revenue_abc", columns="profit_abc", values="clients")
    ... # doctest: +NORMALIZE_WHITESPACE
    profit_abc   A  B  C
    revenue_abc
    A            0  0  1
    B            1  0  0
    C            0  1  0
    """
    if cutoffs is not None:
        deprecated_keyword("abc_cross", "cutoffs", "`abc_cutoffs`")
        abc_cutoffs = cutoffs
    require_columns(pnl, [revenue, profit], "pnl")
    rev_class = abc_classes(pnl[revenue].astype("float64"), cutoffs=abc_cutoffs)
    known = pnl[profit].notna()
    profit_class = pd.Series("unknown", index=pnl.index, dtype="str")
    profit_class[known] = abc_classes(pnl.loc[known, profit].astype("float64"), cutoffs=abc_cutoffs)
    cells = pd.DataFrame(
        {
            "revenue_abc": rev_class.astype("str").to_numpy(),
            "profit_abc": profit_class.astype("str").to_numpy(),
            "revenue": pnl[revenue].astype("float64").to_numpy(),
        }
    )
    rev_labels = sorted(cells["revenue_abc"].unique(), key=_label_order)
    profit_labels = sorted(cells["profit_abc"].unique(), key=_label_order)
    grid = pd.MultiIndex.from_product(
        [rev_labels, profit_labels], names=["revenue_abc", "profit_abc"]
    )
    grouped = cells.groupby(["revenue_abc", "profit_abc"])
    out = pd.DataFrame(
        {
            "clients": grouped.size().reindex(grid, fill_value=0).astype("int64"),
            "revenue": grouped["revenue"].sum().reindex(grid, fill_value=0.0),
        }
    )
    total = float(cells["revenue"].where(cells["revenue"] > 0).sum())  # as revenue_shares
    out["revenue_share"] = _share(out["revenue"], total)
    return out.reset_index()


def _label_order(label: str) -> tuple[int, str]:
    """A, B, C first, in that order; any other label (non-positive, unknown) after them."""
    return ({"A": 0, "B": 1, "C": 2}.get(label, 3), label)

"""The DuckDB and account x day cube engine behind every portfolio analysis (internal).

DuckDB (embedded, in-memory, one connection per call) does the aggregation, so a
10-million-line Parquet or CSV file is read column by column and reduced to account x period
rows without ever becoming one pandas frame. Frames are queried in place, never copied.

:func:`sales_cube` reads the lines once into one row per account and day (a
:class:`SalesCube`); every portfolio analysis accepts it in place of the transactions, so a
notebook that runs several analyses on a large file reads it once.

The public names here without a docstring example (:func:`aggregate`, :func:`build_cube`, the
run helpers) are shared by the modules of :mod:`kamlib.portfolio`; they stay out of
``kamlib.__all__``. Users call :func:`kamlib.sales_by_period` and :func:`kamlib.sales_cube`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from kamlib.errors import ArgumentError, InputError, Problem, deprecated_keyword
from kamlib.schema import require_columns
from kamlib.window import analysis_date, window_start

__all__ = [
    "PERIODS",
    "Source",
    "SalesCube",
    "sales_cube",
    "aggregate",
    "as_timestamp",
    "build_cube",
    "last_date",
    "analysis_window",
    "connect",
    "relation",
    "window_sql",
    "in_window",
    "cube_codes",
    "account_ids",
    "runs",
    "sum_runs",
    "split_repeats",
]


#: Period codes accepted by ``period=`` and the DuckDB ``date_trunc`` part behind each.
#: ``W`` weeks start on Monday (ISO weeks); ``D`` (days) gives an exact, compact stand-in for
#: the lines of a large file (see :func:`sales_by_period`).
PERIODS: dict[str, str] = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}

_NUMBERS = ("revenue", "cost", "gross_profit", "quantity")
# a SalesCube reads at most this many lines per pass (whole accounts): it bounds the memory
_LINES_PER_PASS = 4_000_000
_PARQUET = (".parquet", ".pq")
_CSV = (".csv", ".tsv", ".txt")

Source = pd.DataFrame | str | PathLike | Sequence[str | PathLike]  # or a SalesCube


def _paths(transactions: Source) -> list[str]:
    items = [transactions] if isinstance(transactions, (str, PathLike)) else list(transactions)
    if not items or not all(isinstance(p, (str, PathLike)) for p in items):
        raise ArgumentError(
            "`transactions` must be a DataFrame, a path to a Parquet/CSV file, or a list of paths"
        )
    return [str(Path(p)) for p in items]


def relation(con: duckdb.DuckDBPyConnection, transactions: Source) -> tuple[str, list, set[str]]:
    """SQL for the source, its parameters, and its column names."""
    if isinstance(transactions, pd.DataFrame):
        # DuckDB cannot scan numeric columns with a negative stride (e.g. after `iloc[::-1]`):
        # hand it contiguous copies of such columns only
        strided = [
            c
            for c in transactions.columns
            if isinstance(transactions[c].dtype, np.dtype)
            and not transactions[c].to_numpy(copy=False).flags.c_contiguous
        ]
        if strided:
            transactions = transactions.assign(
                **{c: transactions[c].to_numpy().copy() for c in strided}
            )
        con.register("_tx", transactions)
        return "_tx", [], set(map(str, transactions.columns))
    paths = _paths(transactions)
    kinds = {Path(p).suffix.lower() for p in paths}
    if kinds <= set(_PARQUET):
        sql = "read_parquet(?, union_by_name = true)"
    elif kinds <= set(_CSV):
        # every cell as text, then explicit casts below: ids keep their leading zeros
        sql = "read_csv(?, header = true, all_varchar = true, union_by_name = true)"
    else:
        raise ArgumentError(
            f"`transactions` files must all be Parquet ({', '.join(_PARQUET)}) or all CSV "
            f"({', '.join(_CSV)}); got suffixes {sorted(kinds)}"
        )
    try:
        names = set(con.execute(f"DESCRIBE SELECT * FROM {sql}", [paths]).df()["column_name"])
    except duckdb.Error as exc:
        raise ArgumentError(f"`transactions`: cannot read {paths}: {exc}") from exc
    return sql, [paths], names


def as_timestamp(value, name: str) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ArgumentError(f"`{name}` must be a date, got {value!r}") from exc
    if ts is pd.NaT:
        raise ArgumentError(f"`{name}` must be a date, got {value!r}")
    return ts.tz_localize(None) if ts.tzinfo is not None else ts


def window_sql(column: str, start_ts, end_ts, params: list) -> str:
    """The DuckDB WHERE clause of a window from the day `start_ts` to the whole day `end_ts`.

    Undated lines are kept (the caller decides what to do with them). The bounds are appended
    to `params`; no window gives an empty clause.

    >>> params = []
    >>> window_sql("d", pd.Timestamp("2024-01-01"), pd.Timestamp("2024-06-30 15:00"), params)
    'WHERE d IS NULL OR (d >= ? AND d < ?)'
    >>> [str(p) for p in params]
    ['2024-01-01 00:00:00', '2024-07-01 00:00:00']
    """
    where = []
    if start_ts is not None:
        where.append(f"{column} >= ?")
        params.append(start_ts.normalize().to_pydatetime())
    if end_ts is not None:
        where.append(f"{column} < ?")
        params.append((end_ts.normalize() + pd.Timedelta(days=1)).to_pydatetime())
    return f"WHERE {column} IS NULL OR ({' AND '.join(where)})" if where else ""


def aggregate(
    transactions: Source,
    *,
    period: str | None,
    by: Sequence[str],
    start=None,
    end=None,
    measures: Sequence[str] = _NUMBERS,
    counts: bool = True,
    orders: bool = False,
    sort: bool = True,
    since=None,
) -> pd.DataFrame:
    """The query behind :func:`sales_by_period`; analytics ask only for what they use.

    ``measures`` limits the summed columns; ``counts`` adds ``lines``, ``first_date`` and
    ``last_date``; ``orders`` the distinct count of order ids (the costliest part of the query
    on large files); ``sort=False`` skips sorting (costly for millions of groups). With
    ``since``, sums and counts cover only lines from that day on, while ``first_ever`` and
    ``last_ever`` still cover every line from ``start`` to ``end``: one pass gives a window
    and the history before it.
    """
    if period is not None and period not in PERIODS:
        raise ArgumentError(f"`period` must be one of {list(PERIODS)} or None, got {period!r}")
    by = [by] if isinstance(by, str) else list(by)
    if len(set(by)) != len(by):
        raise ArgumentError(f"`by` has duplicate columns: {by}")
    start_ts, end_ts = as_timestamp(start, "start"), as_timestamp(end, "end")
    since_ts = as_timestamp(since, "since")
    if isinstance(transactions, SalesCube):
        return _aggregate_cube(
            transactions,
            period=period,
            by=by,
            start_ts=start_ts,
            end_ts=end_ts,
            since_ts=since_ts,
            measures=measures,
            counts=counts,
            orders=orders,
        )

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    try:
        source, params, names = relation(con, transactions)
        require_columns(names, ("date", "revenue", *by), "transactions")
        num = {
            c: f'CAST("{c}" AS DOUBLE)' if c in names else "CAST(NULL AS DOUBLE)" for c in _NUMBERS
        }
        line = {
            "revenue": num["revenue"],
            "cost": f"coalesce({num['cost']}, {num['revenue']} - {num['gross_profit']})",
            "gross_profit": f"coalesce({num['gross_profit']}, {num['revenue']} - {num['cost']})",
            "quantity": num["quantity"],
        }
        has_orders = orders and "order_id" in names
        cols = [f'CAST("{c}" AS VARCHAR) AS "{c}"' for c in by]
        cols += ["CAST(date AS TIMESTAMP) AS date"]
        cols += [f'{line[c]} AS "{c}"' for c in measures]
        if has_orders:
            cols.append("CAST(order_id AS VARCHAR) AS order_id")
        cond = window_sql("date", start_ts, end_ts, params)
        f = ""  # the window filter of every aggregate when `since` is given
        if since_ts is not None:
            f = f" FILTER (WHERE date >= TIMESTAMP '{since_ts.normalize():%Y-%m-%d %H:%M:%S}')"
        keys = [f'"{c}"' for c in by]
        if period is not None:
            keys.append(f"CAST(date_trunc('{PERIODS[period]}', date) AS TIMESTAMP) AS period")
        group = [f'"{c}"' for c in by] + (["period"] if period is not None else [])
        aggs = [
            f'CASE WHEN count("{c}"){f} = count(*){f} THEN fsum("{c}"){f} END AS "{c}"'
            for c in measures
        ]
        if counts:
            aggs.append(f"count(*){f} AS lines")
        if orders:
            aggs.append(
                (f"count(DISTINCT order_id){f}" if has_orders else "CAST(NULL AS BIGINT)")
                + " AS orders"
            )
        if counts:
            aggs += [f"min(date){f} AS first_date", f"max(date){f} AS last_date"]
        if since_ts is not None:
            aggs += ["min(date) AS first_ever", "max(date) AS last_ever"]
        tail = ""
        if group:
            tail = f"GROUP BY {', '.join(group)}"
            if sort:
                tail += f" ORDER BY {', '.join(g + ' NULLS LAST' for g in group)}"
        sql = f"""
            WITH src AS (SELECT {", ".join(cols)} FROM {source})
            SELECT {", ".join([*keys, *aggs])}, count(*) AS _n, count(*) - count(date) AS _undated
            FROM src {cond}
            {tail}
        """
        try:
            out = con.execute(sql, params).df()
        except duckdb.Error as exc:
            raise InputError(
                [Problem("transactions", None, None, "unreadable", f"aggregation failed: {exc}")]
            ) from exc
    finally:
        con.close()

    windowed = start_ts is not None or end_ts is not None or since_ts is not None
    if period is None and windowed and out["_undated"].any():
        # without periods, undated lines would hide inside the window's sums
        raise InputError(
            [
                Problem(
                    "transactions",
                    None,
                    "date",
                    "missing-date",
                    f"{int(out['_undated'].sum())} line(s) without a date cannot be placed in "
                    "the window",
                )
            ]
        )
    if not group:  # a grand total: no row when no line matched
        out = out[out["_n"] > 0]
    dtypes = {c: "str" for c in by}
    dtypes.update({c: "float64" for c in measures})
    if counts:
        dtypes.update(lines="int64", first_date="datetime64[us]", last_date="datetime64[us]")
    if orders:
        dtypes["orders"] = "Int64"
    if since_ts is not None:
        dtypes.update(first_ever="datetime64[us]", last_ever="datetime64[us]")
    if period is not None:
        dtypes["period"] = "datetime64[us]"
    return out.drop(columns=["_n", "_undated"]).astype(dtypes).reset_index(drop=True)


def last_date(transactions: Source) -> pd.Timestamp | None:
    """The latest line date (reads only the date column of a file); None without dates."""
    if isinstance(transactions, SalesCube):
        latest = transactions.days["date"].max()
        return None if pd.isna(latest) else pd.Timestamp(latest)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    try:
        source, params, names = relation(con, transactions)
        require_columns(names, ["date"], "transactions")
        value = con.execute(f"SELECT max(CAST(date AS TIMESTAMP)) FROM {source}", params).fetchone()
    finally:
        con.close()
    return None if value[0] is None else pd.Timestamp(value[0])


# ---- the account x day cube -------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class SalesCube:
    """Transaction lines reduced to one row per account and day: read once, analysed often.

    Build it with :func:`sales_cube`. :func:`kamlib.abc_xyz`, :func:`kamlib.migration`,
    :func:`kamlib.client_shares`, :func:`kamlib.client_types`, :func:`kamlib.key_clients`,
    :func:`kamlib.key_client_criteria`, :func:`kamlib.dependence`, :func:`kamlib.client_pnl`,
    :func:`kamlib.client_status` and :func:`kamlib.sales_by_period` (per account or in total)
    accept it in place of the transactions and give the same results as from the lines: a
    large file is then read once instead of once per analysis.

    Attributes
    ----------
    days : DataFrame
        One row per account and day with lines, sorted by account then day (missing ones
        last): the account column (named `account`; categorical over the sorted ids, NaN for
        lines without one), ``date`` (the day, ``datetime64[us]``; NaT for undated lines),
        ``lines``; ``revenue`` (NaN when a line lacks it), ``gross_revenue`` and ``returns``
        (sums of the positive and of the negative lines: a day with ``gross_revenue > 0`` has a
        purchase); ``cost``, ``gross_profit`` and ``quantity`` (NaN when a line lacks them, after
        deriving cost and gross profit from each other per line, as the loader does);
        ``lines_without_cost`` (lines whose gross profit stays unknown); ``orders`` (distinct
        order ids of the day) and ``lines_without_order`` (absent when built with
        ``orders=False``).
    split_orders : DataFrame
        The orders whose lines fall on more than one row of `days` (several days or accounts):
        the account column, ``date`` and ``order_id``, one row per row of `days` they touch.
        Order counts over several days subtract the repeats, so they stay exact.
    account : str
        The column the lines were grouped by (``"account_id"``).
    columns : frozenset of str
        The columns the lines had (an analysis that needs ``order_id`` knows whether it was
        there).

    Notes
    -----
    Dates are days: first and last dates from a cube carry no time of day. Product, region and
    order details are gone, so :func:`kamlib.key_client_criteria` cannot count new product
    categories from a cube (``new_business`` is NA) and :func:`kamlib.sales_by_period` groups
    a cube by account or in total only.
    """

    days: pd.DataFrame
    split_orders: pd.DataFrame
    account: str = "account_id"
    columns: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        accounts = len(self.days[self.account].cat.categories)
        return (
            f"SalesCube({len(self.days):,} account-days of {accounts:,} accounts, "
            f"{int(self.days['lines'].sum()):,} lines)"
        )


def sales_cube(
    transactions: Source, *, account: str = "account_id", orders: bool = True
) -> SalesCube:
    """Read transaction lines once into an account x day cube that every analysis reuses.

    Parameters
    ----------
    transactions : DataFrame, path or list of paths
        Transaction lines (``account_id``, ``date``, ``revenue`` and any of ``cost``,
        ``gross_profit``, ``quantity``, ``order_id``), as for :func:`sales_by_period`. DuckDB
        reads only these columns of a file, in one pass (two when order ids repeat across days,
        to find those orders).
    account : str
        The column that identifies the client.
    orders : bool
        Count distinct order ids per account and day (exact: orders spanning days are found
        and counted once). It is the costliest part of the pass over a large file, needed only
        for order counts (:func:`kamlib.client_pnl` ``orders`` and ``cost_per_order``,
        :func:`sales_by_period` ``orders``); ``False`` leaves them NA.

    Returns
    -------
    SalesCube
        One row per account and day (see :class:`SalesCube`); pass it to the analyses in place
        of the transactions.

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "account_id": ["A", "A", "A", "B"],
    ...     "date": pd.to_datetime(["2024-01-05", "2024-01-05", "2024-01-20", "2024-02-01"]),
    ...     "revenue": [100.0, -10.0, 50.0, 80.0],
    ...     "order_id": ["o1", "o1", "o2", "o3"],
    ... })
    >>> cube = sales_cube(tx)
    >>> cube.days[["account_id", "date", "lines", "revenue", "returns", "orders"]]
      account_id       date  lines  revenue  returns  orders
    0          A 2024-01-05      2     90.0    -10.0       1
    1          A 2024-01-20      1     50.0      0.0       1
    2          B 2024-02-01      1     80.0      0.0       1
    """
    return build_cube(transactions, account=account, orders=orders)


def analysis_window(
    transactions, *, as_of=None, months: int | None = None, start=None, end=None, function: str
) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """First and last day of the window of `months` months ending on the day `as_of`.

    ``as_of=None`` is the day of the last line (read from the dates only when `months` needs
    it); ``months=None`` is the whole history up to `as_of`. ``(None, None)`` is no window at
    all. The deprecated ``start``/``end`` of older releases still give their window exactly,
    with a DeprecationWarning naming the new keywords; mixing the two spellings is an error.

    >>> tx = pd.DataFrame({"date": pd.to_datetime(["2023-02-01 08:00", "2024-12-31 10:00"])})
    >>> analysis_window(tx, months=12, function="f")
    (Timestamp('2024-01-01 00:00:00'), Timestamp('2024-12-31 00:00:00'))
    >>> analysis_window(tx, as_of="2024-06-30", function="f")
    (None, Timestamp('2024-06-30 00:00:00'))
    """
    if start is not None or end is not None:
        if as_of is not None or months is not None:
            raise ArgumentError(
                f"{function}(): pass `as_of` and `months`, not the deprecated `start`/`end` too"
            )
        if start is not None:
            deprecated_keyword(function, "start", "`months` (the window's length)", stacklevel=4)
        if end is not None:
            deprecated_keyword(
                function, "end", "`as_of` (the last day of the window)", stacklevel=4
            )
        return as_timestamp(start, "start"), as_timestamp(end, "end")
    if months is not None:
        window_start(pd.Timestamp(0), months)  # check `months` before reading anything
    if as_of is not None:
        day = analysis_date(None, as_of)
    elif months is None:
        return None, None
    else:
        last = last_date(transactions)
        day = analysis_date(None) if last is None else analysis_date(None, last)
    return window_start(day, months), day


def connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute("SET preserve_insertion_order = false")  # less memory; results are sorted
    return con


def build_cube(
    transactions: Source,
    *,
    account: str = "account_id",
    profit: bool = True,
    quantity: bool = True,
    orders: bool = True,
) -> SalesCube:
    """`transactions` as a cube: itself when it is one, else built with only what is asked.

    An analysis asks for the columns it uses (``profit``: cost, gross profit and
    lines_without_cost; ``quantity``; ``orders``: orders and lines_without_order, the costly
    distinct count), so that one analysis on a file reads no more than it needs.
    """
    if isinstance(transactions, SalesCube):
        if transactions.account != account:
            raise ArgumentError(
                f"`account`: the cube is per {transactions.account!r}, not {account!r}; build "
                f"one with sales_cube(transactions, account={account!r})"
            )
        return transactions
    con = connect()
    try:
        source, params, names = relation(con, transactions)
        require_columns(names, (account, "date", "revenue"), "transactions")
        try:
            ids, pieces, split = _cube_query(
                con, source, params, names, account, profit, quantity, orders
            )
        except duckdb.Error as exc:
            raise InputError(
                [Problem("transactions", None, None, "unreadable", f"aggregation failed: {exc}")]
            ) from exc
    finally:
        con.close()  # frees DuckDB's memory before the slices are put together
    days = _cube_frame(pieces, account, ids)
    split = split.rename(columns={"a": account, "d": "date", "o": "order_id"}).astype(
        {account: "str", "date": "datetime64[us]", "order_id": "str"}
    )
    return SalesCube(days, split.reset_index(drop=True), account, frozenset(map(str, names)))


def _cube_query(con, source, params, names, account, profit, quantity, orders):
    """The DuckDB side of :func:`build_cube`: account ids, the account x day rows, split orders.

    A light first pass lists the accounts (sorted) and counts their lines. Large inputs then go
    in slices of whole accounts, in id order: each pass holds a fraction of the account-days
    (and of their order ids) in memory. Each slice's rows come back through Arrow with the
    account as its position in the sorted ids (``_code``; -1 for lines without an account)
    rather than as text, which would cost a Python string per row.
    """
    acct = f'CAST("{account}" AS VARCHAR)'
    per_account = con.execute(
        f"SELECT {acct} AS a, count(*) AS n FROM {source} GROUP BY a ORDER BY a NULLS LAST",
        params,
    ).df()
    known = per_account[per_account["a"].notna()]
    ids = pd.Index(known["a"].astype("str").to_numpy(), dtype="str")
    con.register("_kamlib_ids", pd.DataFrame({"a": ids, "code": np.arange(len(ids))}))
    total = int(per_account["n"].sum())
    parts = max(1, -(-total // _LINES_PER_PASS))
    at = np.searchsorted(known["n"].cumsum().to_numpy(), np.arange(1, parts) * total / parts) + 1
    cuts = sorted({ids[i] for i in at if 0 < i < len(ids)})

    def num(c: str) -> str:
        return f'CAST("{c}" AS DOUBLE)'

    cols = [
        f"{acct} AS a",
        "CAST(CAST(date AS TIMESTAMP) AS DATE) AS d",
        f"{num('revenue')} AS r",
    ]
    aggs = [
        "count(*) AS lines",
        "count(r) AS _revenue_lines",
        "fsum(CASE WHEN r > 0 THEN r ELSE 0 END) AS gross_revenue",
        "fsum(CASE WHEN r < 0 THEN r ELSE 0 END) AS returns",
    ]
    has_cost, has_gp = "cost" in names, "gross_profit" in names
    given = ""
    if profit and has_cost and has_gp:  # derive each from the other per line, sum both
        cols += [
            f"coalesce({num('cost')}, r - {num('gross_profit')}) AS c",
            f"coalesce({num('gross_profit')}, r - {num('cost')}) AS g",
        ]
        aggs += ["count(c) AS _cost_lines", "coalesce(fsum(c), 'NaN') AS cost"]
        aggs += ["count(g) AS _profit_lines", "coalesce(fsum(g), 'NaN') AS gross_profit"]
    elif profit and (has_cost or has_gp):  # the other is revenue minus this one, per line
        given = "c" if has_cost else "g"
        cols.append(f"{num('cost' if has_cost else 'gross_profit')} AS {given}")
        aggs += [f"count({given}) AS _given_lines", f"coalesce(fsum({given}), 'NaN') AS _given"]
        aggs.append(f"count(r + {given}) AS _derived_lines")
    if quantity and "quantity" in names:
        cols.append(f"{num('quantity')} AS q")
        aggs += ["count(q) AS _quantity_lines", "coalesce(fsum(q), 'NaN') AS quantity"]
    has_orders = orders and "order_id" in names
    if has_orders:
        cols.append("CAST(order_id AS VARCHAR) AS o")
        aggs += ["count(DISTINCT o) AS orders", "count(*) - count(o) AS lines_without_order"]
    src = f"SELECT {', '.join(cols)} FROM {source}"
    # numbers only: a missing account sorts last as code n (then -1), a missing day as NaT
    nat = np.iinfo("int64").min
    code = f"coalesce(CAST(account_ids.code AS BIGINT), {len(ids)})"
    day = f"coalesce(epoch_us(CAST(d AS TIMESTAMP)), {np.iinfo('int64').max})"
    pieces = []
    for lo, hi in zip([None, *cuts], [*cuts, None], strict=True):
        where = []  # lines without an account go with the last slice
        if lo is not None:
            where.append(f"{acct} >= ?" if hi is not None else f"({acct} >= ? OR {acct} IS NULL)")
        if hi is not None:
            where.append(f"{acct} < ?")
        sql = f"""
            WITH src AS ({src} {"WHERE " + " AND ".join(where) if where else ""}),
            cells AS (SELECT a, d, {", ".join(aggs)} FROM src GROUP BY a, d)
            SELECT {code} AS _code, {day} AS _day, cells.* EXCLUDE (a, d)
            FROM cells LEFT JOIN _kamlib_ids AS account_ids ON cells.a = account_ids.a
            ORDER BY _code, _day
        """
        table = con.sql(sql, params=[*params, *(b for b in (lo, hi) if b is not None)])
        out = {
            name: column.to_numpy()
            for name, column in zip(table.columns, table.to_arrow_table().columns, strict=True)
        }
        out["_code"] = np.where(out["_code"] == len(ids), -1, out["_code"])
        out["_day"] = np.where(out["_day"] == np.iinfo("int64").max, nat, out["_day"])
        pieces.append(_cube_piece(out, profit, quantity, orders, has_orders, given, has_cost))

    split = pd.DataFrame({"a": [], "d": [], "o": []})
    if has_orders and total:
        # each order is counted once per day it appears on; when that sum exceeds the distinct
        # hashes of all order ids, some order spans days (or two ids share a hash): find them
        hashes = con.execute(
            f"SELECT count(DISTINCT hash(CAST(order_id AS VARCHAR))) FROM {source} "
            "WHERE order_id IS NOT NULL",
            params,
        ).fetchone()[0]
        if sum(int(p["orders"].sum()) for p in pieces) > hashes:
            split = con.execute(
                f"""
                WITH x AS (
                    SELECT DISTINCT {acct} AS a, CAST(CAST(date AS TIMESTAMP) AS DATE) AS d,
                           CAST(order_id AS VARCHAR) AS o
                    FROM {source} WHERE order_id IS NOT NULL
                )
                SELECT a, d, o FROM x QUALIFY count(*) OVER (PARTITION BY o) > 1
                ORDER BY o, a NULLS LAST, d NULLS LAST
                """,
                params,
            ).df()
    return ids, pieces, split


def _cube_piece(out, profit, quantity, orders, has_orders, given, has_cost) -> dict:
    """One slice of account x day rows: the columns of :class:`SalesCube` (``_code`` first)."""
    lines = out["lines"].astype("int64")

    def known(values: np.ndarray, counted: np.ndarray) -> np.ndarray:
        return np.where(counted == lines, values, np.nan)

    gross, returns = out["gross_revenue"], out["returns"]
    cols = {
        "_code": out["_code"].astype("int64"),
        "date": out["_day"].astype("int64").view("datetime64[us]"),
        "lines": lines,
        "revenue": known(gross + returns, out["_revenue_lines"]),
        "gross_revenue": gross,
        "returns": returns,
    }
    if profit:
        nan = np.full(len(lines), np.nan)
        if "cost" in out:
            cols["cost"] = known(out["cost"], out["_cost_lines"])
            cols["gross_profit"] = known(out["gross_profit"], out["_profit_lines"])
            cols["lines_without_cost"] = lines - out["_profit_lines"]
        elif given:  # the other one is revenue minus this one
            this = known(out["_given"], out["_given_lines"])
            other = known(gross + returns - out["_given"], out["_derived_lines"])
            cols["cost"], cols["gross_profit"] = (this, other) if has_cost else (other, this)
            without = out["_derived_lines"] if has_cost else out["_given_lines"]
            cols["lines_without_cost"] = lines - without
        else:
            cols["cost"], cols["gross_profit"], cols["lines_without_cost"] = nan, nan, lines
        cols["lines_without_cost"] = cols["lines_without_cost"].astype("int64")
    if quantity:
        cols["quantity"] = (
            known(out["quantity"], out["_quantity_lines"])
            if "quantity" in out
            else np.full(len(lines), np.nan)
        )
    if orders:
        none = np.zeros(len(lines), dtype="int64")
        cols["orders"] = out["orders"].astype("int64") if has_orders else none
        cols["lines_without_order"] = (
            out["lines_without_order"].astype("int64") if has_orders else lines
        )
    return cols


def _cube_frame(pieces: list[dict[str, np.ndarray]], account: str, ids: pd.Index) -> pd.DataFrame:
    """The slices as one frame, copied once: the float columns go into one block directly (a
    frame built from a dict of columns would stack them, a second copy of the largest part)."""
    names = list(pieces[0])
    n = sum(len(p["lines"]) for p in pieces)
    floats = [c for c in names if pieces[0][c].dtype.kind == "f"]
    block = np.empty((len(floats), n))
    others = {c: np.empty(n, dtype=pieces[0][c].dtype) for c in names if c not in floats}
    at = 0
    for piece in pieces:
        size = len(piece["lines"])
        for i, c in enumerate(floats):
            block[i, at : at + size] = piece[c]
        for c, values in others.items():
            values[at : at + size] = piece[c]
        at += size
        piece.clear()  # each slice goes as soon as it is copied
    frame = pd.DataFrame(block.T, columns=floats, copy=False)
    for position, c in enumerate(names):
        if c in others:
            frame.insert(position, c, others.pop(c))
    frame.insert(0, account, pd.Categorical.from_codes(frame.pop("_code"), categories=ids))
    return frame


def _period_start(dates: np.ndarray, period: str) -> np.ndarray:
    """The first day of the period of each date (datetime64[us]; NaT stays NaT)."""
    day = dates.astype("datetime64[D]")
    if period == "D":
        out = day
    elif period == "W":  # ISO weeks start on Monday; 1970-01-01 was a Thursday
        n = day.astype("int64")
        out = (n - (n + 3) % 7).astype("datetime64[D]")
    elif period == "M":
        out = dates.astype("datetime64[M]")
    elif period == "Q":
        m = dates.astype("datetime64[M]").astype("int64")
        out = (m - m % 3).astype("datetime64[M]")
    else:
        out = dates.astype("datetime64[Y]")
    return np.where(np.isnat(dates), np.datetime64("NaT"), out).astype("datetime64[us]")


def runs(*keys: np.ndarray) -> np.ndarray:
    """Start positions of the runs of equal keys (rows already ordered by the keys)."""
    n = len(keys[0]) if keys else 0
    change = np.zeros(n, dtype=bool)
    if n:
        change[0] = True
    for k in keys:
        k = k.view("int64") if k.dtype.kind == "M" else k
        change[1:] |= k[1:] != k[:-1]
    return np.flatnonzero(change)


def sum_runs(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Sum per run; floats in extended precision, so that a total over days matches the total
    over the lines (to the last bit, almost always) whatever the number of days."""
    if not len(starts):
        return values[:0]
    if values.dtype.kind != "f":
        return np.add.reduceat(values, starts)
    return np.add.reduceat(values.astype(np.longdouble), starts).astype("float64")


def _extreme(dates: np.ndarray, starts: np.ndarray, *, first: bool) -> np.ndarray:
    """Earliest (or latest) date per run, ignoring NaT (NaT when a run has none)."""
    if not len(starts):
        return np.array([], dtype="datetime64[us]")
    n = dates.view("int64")
    nat = np.isnat(dates)
    if first:
        out = np.minimum.reduceat(np.where(nat, np.iinfo("int64").max, n), starts)
        missing = out == np.iinfo("int64").max
    else:
        out = np.maximum.reduceat(np.where(nat, np.iinfo("int64").min, n), starts)
        missing = out == np.iinfo("int64").min
    return np.where(missing, np.datetime64("NaT"), out.view("datetime64[us]")).astype(
        "datetime64[us]"
    )


def cube_codes(cube: SalesCube, days: pd.DataFrame | None = None) -> tuple[np.ndarray, pd.Index]:
    """Account codes of the rows (lines without an account get the last code) and the ids."""
    days = cube.days if days is None else days
    col = days[cube.account]
    ids = col.cat.categories
    codes = col.cat.codes.to_numpy().astype("int64")
    return np.where(codes < 0, len(ids), codes), ids


def account_ids(ids: pd.Index, codes: np.ndarray) -> pd.Series:
    """Account ids (str) of the codes; the last code is a missing id."""
    values = np.asarray(ids, dtype=object)
    return pd.Series(np.append(values, np.nan)[codes], dtype="str")


def in_window(dates: np.ndarray, start_ts, end_ts, since_ts) -> np.ndarray:
    """Rows a windowed aggregate counts: undated ones or from `start` to `end` (whole days), and
    from `since` on when given (undated ones then not)."""
    ok = np.isnat(dates)
    inside = np.ones(len(dates), dtype=bool)
    if start_ts is not None:
        inside &= dates >= np.datetime64(start_ts.normalize(), "us")
    if end_ts is not None:
        inside &= dates < np.datetime64(end_ts.normalize() + pd.Timedelta(days=1), "us")
    ok |= inside
    if since_ts is not None:
        ok &= dates >= np.datetime64(since_ts.normalize(), "us")
    return ok


def split_repeats(cube: SalesCube, keep, keys, groups: pd.DataFrame) -> np.ndarray:
    """Per group: how many times its orders were counted more than once (to subtract).

    ``keep(dates)`` selects the rows of ``cube.split_orders`` that count, ``keys(frame)`` gives
    their group keys with the columns of `groups` (one row per group).
    """
    split = cube.split_orders
    if split.empty:
        return np.zeros(len(groups), dtype="int64")
    split = split[keep(split["date"].to_numpy())]
    k = keys(split).assign(_order=split["order_id"].to_numpy())
    names = list(groups.columns)
    counted = k.groupby([*names, "_order"], dropna=False).size()
    repeats = (counted - 1).groupby(level=names, dropna=False).sum().rename("_r")
    return groups.join(repeats, on=names)["_r"].fillna(0).to_numpy().astype("int64")


def _aggregate_cube(
    cube: SalesCube,
    *,
    period: str | None,
    by: list[str],
    start_ts,
    end_ts,
    since_ts,
    measures: Sequence[str],
    counts: bool,
    orders: bool,
) -> pd.DataFrame:
    """:func:`aggregate` on a cube: the same columns and rows, sorted by the keys."""
    account = cube.account
    others = [c for c in by if c != account]
    if others:
        raise InputError(
            [
                Problem(
                    "transactions",
                    None,
                    c,
                    "missing-column",
                    f"column {c!r} is not in a SalesCube (it keeps {account!r} and the day); "
                    "pass the transaction lines",
                )
                for c in others
            ]
        )
    lacking = [m for m in measures if m not in cube.days]
    if lacking:
        raise ArgumentError(f"`transactions`: this cube has no {lacking}")
    days = cube.days
    dates = days["date"].to_numpy()
    keep = in_window(dates, start_ts, end_ts, None)
    windowed = start_ts is not None or end_ts is not None or since_ts is not None
    if period is None and windowed and (np.isnat(dates) & keep).any():
        n = int(days["lines"].to_numpy()[np.isnat(dates) & keep].sum())
        raise InputError(
            [
                Problem(
                    "transactions",
                    None,
                    "date",
                    "missing-date",
                    f"{n} line(s) without a date cannot be placed in the window",
                )
            ]
        )
    rows = days if keep.all() else days[keep]
    if period is not None and not by:  # rows are ordered by account and day: order by period
        p = _period_start(rows["date"].to_numpy(), period)
        p = np.where(np.isnat(p), np.iinfo("int64").max, p.view("int64"))
        rows = rows.iloc[np.argsort(p, kind="stable")]
    dates = rows["date"].to_numpy()
    codes, ids = cube_codes(cube, rows)
    keys: dict[str, np.ndarray] = {}
    if by:
        keys[account] = codes
    if period is not None:
        keys["period"] = _period_start(dates, period)
    if keys:
        starts = runs(*keys.values())
    else:
        starts = np.zeros(1 if len(rows) else 0, dtype="int64")
    inside = None if since_ts is None else in_window(dates, None, None, since_ts)

    def total(name: str) -> np.ndarray:
        values = rows[name].to_numpy()
        if inside is not None:
            values = np.where(inside, values, 0)
        return sum_runs(values, starts)

    n_in = total("lines")
    out: dict[str, object] = {}
    if by:
        out[account] = account_ids(ids, keys[account][starts])
    if period is not None:
        out["period"] = keys["period"][starts]
    for m in measures:
        out[m] = np.where(n_in > 0, total(m), np.nan)
    if counts:
        out["lines"] = n_in
    if orders and "order_id" in cube.columns and "orders" in cube.days:
        groups = {}
        if by:
            groups[account] = out[account].to_numpy()
        if period is not None:
            groups["period"] = out["period"]
        groups = pd.DataFrame(groups or {"_all": np.zeros(len(starts), dtype="int64")})

        def split_keys(frame: pd.DataFrame) -> pd.DataFrame:
            k = {}
            if by:
                k[account] = frame[account].to_numpy()
            if period is not None:
                k["period"] = _period_start(frame["date"].to_numpy(), period)
            return pd.DataFrame(k or {"_all": 0}, index=frame.index)

        def counted(d: np.ndarray) -> np.ndarray:
            return in_window(d, start_ts, end_ts, None) & in_window(d, None, None, since_ts)

        repeats = split_repeats(cube, counted, split_keys, groups)
        out["orders"] = pd.array(total("orders") - repeats, dtype="Int64")
    elif orders:  # no order ids in the lines, or a cube built without order counts
        out["orders"] = pd.array([pd.NA] * len(starts), dtype="Int64")
    if counts:
        windowed_dates = dates
        if inside is not None:
            windowed_dates = np.where(inside, dates, np.datetime64("NaT", "us")).astype(
                "datetime64[us]"
            )
        out["first_date"] = _extreme(windowed_dates, starts, first=True)
        out["last_date"] = _extreme(windowed_dates, starts, first=False)
    if since_ts is not None:
        out["first_ever"] = _extreme(dates, starts, first=True)
        out["last_ever"] = _extreme(dates, starts, first=False)
    result = pd.DataFrame(out, index=pd.RangeIndex(len(starts)))
    dtypes = {c: "str" for c in by}
    dtypes.update({c: "float64" for c in measures})
    if counts:
        dtypes.update(lines="int64", first_date="datetime64[us]", last_date="datetime64[us]")
    if since_ts is not None:
        dtypes.update(first_ever="datetime64[us]", last_ever="datetime64[us]")
    if period is not None:
        dtypes["period"] = "datetime64[us]"
    return result.astype(dtypes)

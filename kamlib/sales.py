"""Sales aggregated per client and period: the table every portfolio analysis starts from.

DuckDB (embedded, in-memory, one connection per call) does the aggregation, so a
10-million-line Parquet or CSV file is read column by column and reduced to account x period
rows without ever becoming one pandas frame. Frames are queried in place, never copied.
"""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from kamlib.errors import ConfigError, InputError, Problem

__all__ = ["sales_by_period", "PERIODS"]

#: Period codes accepted by ``period=`` and the DuckDB ``date_trunc`` part behind each.
#: ``W`` weeks start on Monday (ISO weeks); ``D`` (days) gives an exact, compact stand-in for
#: the lines of a large file (see :func:`sales_by_period`).
PERIODS: dict[str, str] = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}

_NUMBERS = ("revenue", "cost", "gross_profit", "quantity")
_PARQUET = (".parquet", ".pq")
_CSV = (".csv", ".tsv", ".txt")

Source = pd.DataFrame | str | PathLike | Sequence[str | PathLike]


def _paths(transactions: Source) -> list[str]:
    items = [transactions] if isinstance(transactions, (str, PathLike)) else list(transactions)
    if not items or not all(isinstance(p, (str, PathLike)) for p in items):
        raise ConfigError(
            "`transactions` must be a DataFrame, a path to a Parquet/CSV file, or a list of paths"
        )
    return [str(Path(p)) for p in items]


def _relation(con: duckdb.DuckDBPyConnection, transactions: Source) -> tuple[str, list, set[str]]:
    """SQL for the source, its parameters, and its column names."""
    if isinstance(transactions, pd.DataFrame):
        # DuckDB cannot scan numeric columns with a negative stride (e.g. after `iloc[::-1]`):
        # hand it contiguous copies of such columns only
        strided = [c for c in transactions.columns
                   if isinstance(transactions[c].dtype, np.dtype)
                   and not transactions[c].to_numpy(copy=False).flags.c_contiguous]
        if strided:
            transactions = transactions.assign(**{c: transactions[c].to_numpy().copy() for c in strided})
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
        raise ConfigError(
            f"`transactions` files must all be Parquet ({', '.join(_PARQUET)}) or all CSV "
            f"({', '.join(_CSV)}); got suffixes {sorted(kinds)}"
        )
    try:
        names = set(con.execute(f"DESCRIBE SELECT * FROM {sql}", [paths]).df()["column_name"])
    except duckdb.Error as exc:
        raise ConfigError(f"`transactions`: cannot read {paths}: {exc}") from exc
    return sql, [paths], names


def _as_timestamp(value, name: str) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"`{name}` must be a date, got {value!r}") from exc
    if ts is pd.NaT:
        raise ConfigError(f"`{name}` must be a date, got {value!r}")
    return ts.tz_localize(None) if ts.tzinfo is not None else ts


def sales_by_period(
    transactions: Source,
    *,
    period: str | None = "M",
    by: Sequence[str] = ("account_id",),
    start=None,
    end=None,
) -> pd.DataFrame:
    """Revenue, cost, gross profit, quantity, lines and orders per group and period.

    Parameters
    ----------
    transactions : DataFrame, path or list of paths
        Transaction lines with canonical columns (``account_id``, ``date``, ``revenue`` and any
        of ``cost``, ``gross_profit``, ``quantity``, ``order_id``, ``product_id``, ``region``):
        a frame, or Parquet / CSV file(s) that DuckDB reads directly (CSV cells are read as text
        and cast explicitly, so ids keep leading zeros).
    period : {"M", "Q", "Y", "W", "D"} or None
        Length of a period; ``period`` in the result is the period's first day (weeks start on
        Monday). ``None`` gives one row per group over the whole window. ``"D"`` turns a large
        file into one row per account and day: renamed to ``date``, that frame gives every
        kamlib analysis the same results as the lines (bar line and order counts), in a
        fraction of the memory.
    by : sequence of str
        Grouping columns, e.g. ``("account_id",)`` or ``("account_id", "product_id", "region")``.
        Each must be a column of the data. ``()`` gives the portfolio total per period.
    start, end : date-like, optional
        First and last calendar day included (``end`` includes its whole day).

    Returns
    -------
    DataFrame
        One row per ``(by..., period)`` with columns ``by...``, ``period`` (absent when
        ``period=None``), ``revenue``, ``cost``, ``gross_profit``, ``quantity`` (float64),
        ``lines`` (int64), ``orders`` (Int64: distinct non-missing ``order_id``; NA without that
        column), ``first_date`` and ``last_date`` (first and last line date in the group).
        Sorted by the keys; ids as ``str``, dates ``datetime64[us]``.

    Notes
    -----
    - Nothing is dropped silently. A line without a key (a missing ``account_id``, say) is
      kept in its own group whose key is missing (sorted last); a line without a date is kept
      in a group whose ``period`` is NaT, whatever ``start``/``end`` say (with ``period=None``
      and a window, such lines raise :class:`kamlib.InputError` instead, as they could not be
      told apart). Analyses that need both (``abc_xyz``) raise on such groups.
    - Per line, a missing ``cost`` is derived as ``revenue - gross_profit`` and a missing
      ``gross_profit`` as ``revenue - cost`` (as the loader does). A sum is NaN when any line of
      the group still lacks the value: a partial sum would understate cost and overstate margin.
      Columns absent from the data are NaN throughout.
    - Sums use compensated (Kahan) summation, so they do not depend on the order of the lines
      beyond the last bits.

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "account_id": ["A", "A", "B"],
    ...     "date": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-02-01"]),
    ...     "revenue": [100.0, 50.0, 80.0],
    ...     "order_id": ["o1", "o1", "o2"],
    ... })
    >>> sales_by_period(tx)[["account_id", "period", "revenue", "lines", "orders"]]
      account_id     period  revenue  lines  orders
    0          A 2024-01-01    150.0      2       1
    1          B 2024-02-01     80.0      1       1
    """
    return _aggregate(transactions, period=period, by=by, start=start, end=end, orders=True)


def _aggregate(
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
        raise ConfigError(f"`period` must be one of {list(PERIODS)} or None, got {period!r}")
    by = [by] if isinstance(by, str) else list(by)
    if len(set(by)) != len(by):
        raise ConfigError(f"`by` has duplicate columns: {by}")
    start_ts, end_ts = _as_timestamp(start, "start"), _as_timestamp(end, "end")
    since_ts = _as_timestamp(since, "since")

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    try:
        source, params, names = _relation(con, transactions)
        missing = [c for c in ("date", "revenue", *by) if c not in names]
        if missing:
            raise InputError(
                [
                    Problem("transactions", None, c, "missing-column", f"column {c!r} is needed")
                    for c in missing
                ]
            )
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
        where = []
        if start_ts is not None:
            where.append("date >= ?")
            params.append(start_ts.normalize().to_pydatetime())
        if end_ts is not None:
            where.append("date < ?")
            params.append((end_ts.normalize() + pd.Timedelta(days=1)).to_pydatetime())
        cond = f"WHERE date IS NULL OR ({' AND '.join(where)})" if where else ""
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


def _last_date(transactions: Source) -> pd.Timestamp | None:
    """The latest line date (reads only the date column of a file); None without dates."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    try:
        source, params, names = _relation(con, transactions)
        if "date" not in names:
            raise InputError(
                [Problem("transactions", None, "date", "missing-column", "column 'date' is needed")]
            )
        value = con.execute(f"SELECT max(CAST(date AS TIMESTAMP)) FROM {source}", params).fetchone()
    finally:
        con.close()
    return None if value[0] is None else pd.Timestamp(value[0])

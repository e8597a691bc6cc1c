"""Sales aggregated per client and period: the table every portfolio analysis starts from.

The aggregation runs in DuckDB (:mod:`kamlib.portfolio.cube`, the engine shared by every
portfolio analysis): a 10-million-line Parquet or CSV file is reduced to account x period rows
without ever becoming one pandas frame. :func:`sales_cube` reads the lines once into one row
per account and day (a :class:`SalesCube`) that every portfolio analysis accepts in place of
the transactions.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from kamlib.portfolio.cube import (
    PERIODS,
    SalesCube,
    Source,
    aggregate,
    analysis_window,
    sales_cube,
)

__all__ = ["sales_by_period", "sales_cube", "SalesCube", "PERIODS"]


def sales_by_period(
    transactions: Source,
    *,
    period: str | None = "M",
    by: Sequence[str] = ("account_id",),
    as_of=None,
    months: int | None = None,
    start=None,
    end=None,
) -> pd.DataFrame:
    """Revenue, cost, gross profit, quantity, lines and orders per group and period.

    Parameters
    ----------
    transactions : DataFrame, path, list of paths or SalesCube
        Transaction lines with canonical columns (``account_id``, ``date``, ``revenue`` and any
        of ``cost``, ``gross_profit``, ``quantity``, ``order_id``, ``product_id``, ``region``):
        a frame, or Parquet / CSV file(s) that DuckDB reads directly (CSV cells are read as text
        and cast explicitly, so ids keep leading zeros). A :func:`sales_cube` gives the same
        result per account or in total (``by`` of its account column or ``()``), with first and
        last dates as days.
    period : {"M", "Q", "Y", "W", "D"} or None
        Length of a period; ``period`` in the result is the period's first day (weeks start on
        Monday). ``None`` gives one row per group over the whole window. ``"D"`` turns a large
        file into one row per account and day: renamed to ``date``, that frame gives every
        kamlib analysis the same results as the lines (bar line and order counts), in a
        fraction of the memory.
    by : sequence of str
        Grouping columns, e.g. ``("account_id",)`` or ``("account_id", "product_id", "region")``.
        Each must be a column of the data. ``()`` gives the portfolio total per period.
    as_of : date-like, optional
        Last day of the window (its whole day included); default the day of the last line.
    months : int, optional
        Length of the window in months, ending with the day `as_of`. None (default): the whole
        history up to `as_of`.
    start, end : date-like, optional
        Deprecated (pass `as_of` and `months`; they work for one release, with a
        DeprecationWarning): first and last calendar day included.

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
      in a group whose ``period`` is NaT, whatever the window says (with ``period=None``
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
    start_ts, end_ts = analysis_window(
        transactions, as_of=as_of, months=months, start=start, end=end, function="sales_by_period"
    )
    return aggregate(transactions, period=period, by=by, start=start_ts, end=end_ts, orders=True)

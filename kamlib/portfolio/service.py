"""Service quality per client: deliveries on time and in full, complaints and their resolution.

Clients are lost through late deliveries, quality problems and conflicts long before their
purchases stop; these measures read the optional ``deliveries`` and ``complaints`` tables
(data/README.md). Method (docs/methods.md, "Service quality"):

- **On time in full (OTIF)**: of the deliveries *due* in the window (promised date in the
  window and not after ``as_of``), the share delivered no later than `on_time_days` days after
  the promised date *and* complete. A delivery that is due but not delivered yet counts as
  neither on time nor in full. Its **trend** is the OTIF of the window minus the OTIF of the
  window before (percentage points, as a fraction).
- **Complaints**: received in the window (and in the window before, for the trend); **open**
  at ``as_of`` (received, not resolved by then); **overdue**: open for more than
  `resolve_days` days; **time to resolve**: median days from receipt to resolution of the
  complaints resolved in the window.
- **Service risk**: OTIF below `min_otif` on at least `min_deliveries` due deliveries, or at
  least one overdue complaint.

A missing (None or empty) table is *not known*: its columns are NaN (``<NA>`` for counts and
flags), never 0. When the table exists, a client without rows in it has zero deliveries or
complaints.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlib.errors import ArgumentError
from kamlib.schema import is_missing, require_columns
from kamlib.window import analysis_date, window_start

__all__ = ["SERVICE_COLUMNS", "service_levels", "service_trend", "service_before"]

SERVICE_COLUMNS = {
    "deliveries": "Int64",
    "otif": "float64",
    "otif_previous": "float64",
    "otif_change": "float64",
    "late_days": "float64",
    "not_delivered": "Int64",
    "complaints": "Int64",
    "complaints_previous": "Int64",
    "complaints_open": "Int64",
    "complaints_overdue": "Int64",
    "high_open": "Int64",
    "resolve_days": "float64",
    "late_deliveries": "boolean",
    "overdue_complaints": "boolean",
    "service_risk": "boolean",
}
"""The columns of :func:`service_levels` and their dtypes."""


def _check(months: object, name: str = "months") -> int:
    if isinstance(months, bool) or not isinstance(months, (int, np.integer)) or months < 1:
        raise ArgumentError(f"`{name}` must be a whole number >= 1, got {months!r}")
    return int(months)


def _on_time_in_full(d: pd.DataFrame, on_time_days: int) -> pd.Series:
    late_by = (d["actual_date"] - d["promised_date"]).dt.days
    on_time = d["actual_date"].notna() & (late_by <= on_time_days)
    complete = d["complete"].fillna(True) if "complete" in d else True
    return (on_time & complete).astype(bool)


def _delivery_block(
    deliveries: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, on_time_days: int
) -> pd.DataFrame:
    due = deliveries[(deliveries["promised_date"] >= start) & (deliveries["promised_date"] <= end)]
    ok = _on_time_in_full(due, on_time_days)
    late_by = (due["actual_date"] - due["promised_date"]).dt.days
    late = late_by.where(late_by > on_time_days)
    waiting = due["actual_date"].isna() | (due["actual_date"] > end)
    out = pd.DataFrame(
        {
            "deliveries": due.groupby("account_id").size(),
            "otif": ok.groupby(due["account_id"]).mean(),
            "late_days": late.groupby(due["account_id"]).mean(),
            "not_delivered": waiting.groupby(due["account_id"]).sum(),
        }
    )
    return out


def service_levels(
    deliveries: pd.DataFrame | None = None,
    complaints: pd.DataFrame | None = None,
    *,
    as_of: object = None,
    months: int = 12,
    accounts: pd.Index | list[str] | None = None,
    on_time_days: int = 0,
    resolve_days: int = 30,
    min_otif: float = 0.85,
    min_deliveries: int = 10,
) -> pd.DataFrame:
    """Service quality per client: OTIF, complaints open and overdue, time to resolve, trends.

    Parameters
    ----------
    deliveries : DataFrame or None
        Canonical deliveries (``account_id``, ``promised_date``, ``actual_date``; ``complete``
        when known, else every delivery counts as complete). None: not known.
    complaints : DataFrame or None
        Canonical complaints (``account_id``, ``date``, ``resolved_date``; ``severity``).
        None: not known.
    as_of : date-like, optional
        Last day of the window; default the last promised or complaint date.
    months : int, default 12
        Length of the window (and of the window before it, for the trends).
    accounts : index or list of str, optional
        Clients to report on (rows in this order); default every client in either table.
    on_time_days : int, default 0
        Days after the promised date that still count as on time.
    resolve_days : int, default 30
        A complaint open for longer is overdue.
    min_otif : float, default 0.85
        OTIF below this (on at least `min_deliveries` due deliveries) is a service risk.
    min_deliveries : int, default 10
        Fewer due deliveries in the window say too little to flag a client.

    Returns
    -------
    DataFrame
        One row per client (index ``account_id``) with the columns of
        :data:`SERVICE_COLUMNS`: ``deliveries`` (due in the window), ``otif``,
        ``otif_previous``, ``otif_change``, ``late_days`` (mean days late of the late ones),
        ``not_delivered`` (due but not delivered by ``as_of``), ``complaints``,
        ``complaints_previous``, ``complaints_open``, ``complaints_overdue``, ``high_open``
        (open with severity high), ``resolve_days`` (median), and the flags
        ``late_deliveries``, ``overdue_complaints`` and ``service_risk``.

    Examples
    --------
    >>> d = pd.DataFrame({"account_id": ["A", "A", "B"],
    ...     "promised_date": pd.to_datetime(["2025-03-03", "2025-04-01", "2025-04-01"]),
    ...     "actual_date": pd.to_datetime(["2025-03-03", "2025-04-09", "2025-04-01"]),
    ...     "complete": [True, True, False]})
    >>> c = pd.DataFrame({"account_id": ["A"], "date": pd.to_datetime(["2025-04-10"]),
    ...     "resolved_date": pd.NaT, "severity": ["high"]})
    >>> s = service_levels(d, c, as_of="2025-06-30", min_deliveries=1)
    >>> s[["deliveries", "otif", "complaints_open", "complaints_overdue", "service_risk"]]
    ... # doctest: +NORMALIZE_WHITESPACE
                deliveries  otif  complaints_open  complaints_overdue  service_risk
    account_id
    A                    2   0.5                1                   1          True
    B                    1   0.0                0                   0          True
    >>> bool(pd.isna(service_levels(None, c, as_of="2025-06-30").loc["A", "otif"]))
    True
    """
    months = _check(months)
    _check(min_deliveries, "min_deliveries")
    if not 0 <= min_otif <= 1:
        raise ArgumentError(f"`min_otif` must be between 0 and 1, got {min_otif!r}")
    has_d, has_c = not is_missing(deliveries), not is_missing(complaints)
    if has_d:
        require_columns(deliveries, ["account_id", "promised_date", "actual_date"], "deliveries")
    if has_c:
        require_columns(complaints, ["account_id", "date", "resolved_date"], "complaints")
    if as_of is None:
        dates = []
        if has_d:
            dates.append(deliveries["promised_date"].max())
        if has_c:
            dates.append(complaints["date"].max())
        dates = [d for d in dates if pd.notna(d)]
        if not dates:
            raise ArgumentError("`as_of` is required when no table has dates")
        as_of = max(dates)
    as_of = analysis_date(None, as_of)
    start = window_start(as_of, months)
    prev_end = start - pd.Timedelta(days=1)
    prev_start = window_start(prev_end, months)

    ids: list[str] = []
    if accounts is not None:
        ids = [str(a) for a in accounts]
    else:
        for frame, ok in ((deliveries, has_d), (complaints, has_c)):
            if ok:
                ids += frame["account_id"].dropna().astype(str).tolist()
        ids = sorted(set(ids))
    index = pd.Index(ids, name="account_id", dtype="str")
    out = pd.DataFrame(index=index, columns=list(SERVICE_COLUMNS), dtype="float64")

    if has_d:
        last = _delivery_block(deliveries, start, as_of, on_time_days).reindex(index)
        prev = _delivery_block(deliveries, prev_start, prev_end, on_time_days).reindex(index)
        out["deliveries"] = last["deliveries"].fillna(0)
        out["otif"] = last["otif"].astype("float64")
        out["otif_previous"] = prev["otif"].astype("float64")
        out["otif_change"] = out["otif"] - out["otif_previous"]
        out["late_days"] = last["late_days"].astype("float64")
        out["not_delivered"] = last["not_delivered"].fillna(0)
        enough = out["deliveries"] >= min_deliveries
        out["late_deliveries"] = (enough & (out["otif"] < min_otif)).astype("float64")
    if has_c:
        c = complaints[complaints["date"] <= as_of]
        received = c["date"] >= start
        before = (c["date"] >= prev_start) & (c["date"] <= prev_end)
        resolved_by = c["resolved_date"].notna() & (c["resolved_date"] <= as_of)
        open_ = ~resolved_by
        age = (as_of - c["date"]).dt.days
        overdue = open_ & (age > resolve_days)
        high = open_ & (
            c["severity"].astype("str").str.lower().eq("high") if "severity" in c else False
        )
        took = (c["resolved_date"] - c["date"]).dt.days
        took = took.where(resolved_by & (c["resolved_date"] >= start))
        g = c["account_id"]
        counts = pd.DataFrame(
            {
                "complaints": received.groupby(g).sum(),
                "complaints_previous": before.groupby(g).sum(),
                "complaints_open": open_.groupby(g).sum(),
                "complaints_overdue": overdue.groupby(g).sum(),
                "high_open": pd.Series(high, index=c.index).groupby(g).sum(),
            }
        ).reindex(index)
        for col in counts:
            out[col] = counts[col].fillna(0).astype("float64")
        out["resolve_days"] = took.groupby(g).median().reindex(index).astype("float64")
        out["overdue_complaints"] = (out["complaints_overdue"] > 0).astype("float64")
    flags = out[["late_deliveries", "overdue_complaints"]]
    risk = flags.fillna(0).max(axis=1) > 0
    out["service_risk"] = risk.astype("float64").where(flags.notna().any(axis=1))
    typed = {}
    for col, dtype in SERVICE_COLUMNS.items():
        values = out[col].astype("float64")
        typed[col] = values.round().astype("Int64") if dtype == "Int64" else values
        if dtype == "boolean":
            typed[col] = values.map({1.0: True, 0.0: False}).astype("boolean")
    return pd.DataFrame(typed, index=index)


def service_trend(
    account_id: str,
    *,
    deliveries: pd.DataFrame | None = None,
    complaints: pd.DataFrame | None = None,
    as_of: object,
    months: int = 24,
    freq: str = "Q",
    on_time_days: int = 0,
) -> pd.DataFrame:
    """One client's service by period: due deliveries, OTIF, complaints received and open.

    Parameters
    ----------
    account_id : str
        The client.
    deliveries, complaints : DataFrame or None
        Canonical tables; a missing one leaves its columns NaN (not known).
    as_of : date-like
        Last day of the last period.
    months : int, default 24
        How far back.
    freq : {"Q", "M"}, default "Q"
        Quarters or months.
    on_time_days : int, default 0
        As in :func:`service_levels`.

    Returns
    -------
    DataFrame
        Index ``period`` (pandas Period); columns ``deliveries``, ``otif``, ``complaints``
        (received in the period) and ``open_at_end`` (complaints open at the period's end).

    Examples
    --------
    >>> d = pd.DataFrame({"account_id": ["A", "A"],
    ...     "promised_date": pd.to_datetime(["2025-02-03", "2025-05-05"]),
    ...     "actual_date": pd.to_datetime(["2025-02-03", "2025-05-20"]), "complete": [True, True]})
    >>> service_trend("A", deliveries=d, as_of="2025-06-30", months=6)[["deliveries", "otif"]]
    ... # doctest: +NORMALIZE_WHITESPACE
            deliveries  otif
    period
    2025Q1           1   1.0
    2025Q2           1   0.0
    """
    months = _check(months)
    if freq not in ("Q", "M"):
        raise ArgumentError(f"`freq` must be 'Q' or 'M', got {freq!r}")
    as_of = analysis_date(None, as_of)
    start = window_start(as_of, months)
    periods = pd.period_range(start, as_of, freq=freq)
    out = pd.DataFrame(index=pd.Index(periods, name="period"))
    out["deliveries"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["otif"] = np.nan
    out["complaints"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["open_at_end"] = pd.array([pd.NA] * len(out), dtype="Int64")
    if not is_missing(deliveries):
        d = deliveries[deliveries["account_id"] == account_id]
        d = d[(d["promised_date"] >= start) & (d["promised_date"] <= as_of)]
        p = d["promised_date"].dt.to_period(freq)
        ok = _on_time_in_full(d, on_time_days)
        out["deliveries"] = p.value_counts().reindex(periods, fill_value=0).astype("Int64")
        out["otif"] = ok.groupby(p).mean().reindex(periods).astype("float64")
    if not is_missing(complaints):
        c = complaints[complaints["account_id"] == account_id]
        c = c[c["date"] <= as_of]
        got = c[c["date"] >= start]["date"].dt.to_period(freq)
        out["complaints"] = got.value_counts().reindex(periods, fill_value=0).astype("Int64")
        ends = [min(p.end_time.normalize(), as_of) for p in periods]
        open_at = [
            int(
                ((c["date"] <= e) & ~(c["resolved_date"].notna() & (c["resolved_date"] <= e))).sum()
            )
            for e in ends
        ]
        out["open_at_end"] = pd.array(open_at, dtype="Int64")
    return out


def service_before(
    last_purchase: pd.Series,
    *,
    deliveries: pd.DataFrame | None = None,
    complaints: pd.DataFrame | None = None,
    months: int = 12,
    **thresholds,
) -> pd.DataFrame:
    """Service in the `months` before each client's last purchase: the service a lost client saw.

    Parameters
    ----------
    last_purchase : Series
        Date of the last purchase per client (index ``account_id``), e.g. the
        ``last_purchase`` column of :func:`kamlib.client_status` for the lost clients.
    deliveries, complaints : DataFrame or None
        Canonical tables (None: not known).
    months : int, default 12
        Length of the window that ends on each client's last purchase.
    **thresholds
        Passed to :func:`service_levels` (``min_otif``, ``resolve_days`` ...).

    Returns
    -------
    DataFrame
        The columns of :func:`service_levels`, one row per client of `last_purchase`, each
        measured at its own last purchase.

    Examples
    --------
    >>> d = pd.DataFrame({"account_id": ["A", "A"],
    ...     "promised_date": pd.to_datetime(["2024-03-01", "2024-04-01"]),
    ...     "actual_date": pd.to_datetime(["2024-03-11", "2024-04-01"]), "complete": [True, True]})
    >>> last = pd.Series(pd.to_datetime(["2024-04-15"]), index=pd.Index(["A"], name="account_id"))
    >>> service_before(last, deliveries=d, min_deliveries=1).loc["A", "otif"]
    np.float64(0.5)
    """
    known = last_purchase.dropna()
    if known.empty:
        return service_levels(None, None, as_of="2000-01-01", accounts=[])
    ids = [str(account) for account in known.index]
    if is_missing(deliveries) and is_missing(complaints):  # nothing known: no day matters
        return service_levels(None, None, as_of=known.iloc[0], accounts=ids, **thresholds)
    # a client's row depends on its own lines and day only: one call per distinct day
    days = pd.Series(ids, index=pd.DatetimeIndex(known.to_numpy()))
    rows = [
        service_levels(
            deliveries,
            complaints,
            as_of=day,
            months=months,
            accounts=list(clients),
            **thresholds,
        )
        for day, clients in days.groupby(level=0, sort=False)
    ]
    return pd.concat(rows).loc[ids]

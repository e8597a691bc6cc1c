"""Loss of clients: cadence status, year-over-year decline, period-pair status, losses, win-back.

Definitions (docs/methods.md, "Loss of key clients"):

* a *purchase* is a day on which the client has at least one line with positive revenue
  (returns and zero lines are not purchases); lines dated after ``as_of`` are ignored;
* **lost**: more than ``lost_after_days`` days since the last purchase (default 180);
* **at risk** (when not lost): at least ``min_purchases`` purchases (default 3) and more days
  since the last one than the largest of: ``k`` x the client's median interval between
  purchases (default k = 2), the floor ``min_gap_days`` (default 30) and ``gap_factor`` x the
  longest pause between two purchases that ended in the last ``gap_lookback_days`` (default
  1 x the longest pause of the last 730 days), so that a seasonal client's usual winter break
  and a bursty buyer's usual pauses are not alarms (see :func:`client_status`; the defaults
  come from the back-test ``validation/at_risk_backtest.py``);
* otherwise **active**; a client with lines but no purchase at all is ``no_purchase``.

``annual_value`` is the net revenue of the 12 months up to and including the last purchase:
what the portfolio loses per year if the client is gone.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamlib.errors import ArgumentError, InputError, Problem
from kamlib.language import N_, ngettext
from kamlib.language import gettext as _
from kamlib.portfolio.cube import (
    Source,
    account_ids,
    build_cube,
    cube_codes,
    runs,
    sum_runs,
)
from kamlib.portfolio.notation import day, short
from kamlib.schema import require_columns
from kamlib.window import analysis_date, until

__all__ = [
    "STATUSES",
    "PERIOD_STATUSES",
    "WIN_BACK_OFFERS",
    "client_status",
    "yoy_change",
    "period_status",
    "losses",
    "win_back",
]

STATUSES = ("active", "at_risk", "lost", "no_purchase")
"""The labels of :func:`client_status`, in this order."""

PERIOD_STATUSES = ("new", "repeating", "reactivated", "lapsed")
"""The labels of :func:`period_status`."""

WIN_BACK_OFFERS: dict[str, str] = {
    "lost": N_(
        "win-back meeting: ask why they left and offer special terms for a trial order "
        "(discount within the price floor)"
    ),
    "at_risk": N_(
        "call before the next order is due: review their needs and offer special terms "
        "on the usual range"
    ),
    "price": N_(
        "price-matched offer within the price floor; trade volume or payment terms rather "
        "than a deeper discount"
    ),
}
"""Offers of :func:`win_back`: per status, or ``"price"`` when a known reason mentions price.

The English of the catalogues: :func:`win_back` gives them in the reader's language; an offer
the caller passes is kept as given."""

_PRICE_WORDS = r"price|cheap"
_UNKNOWN = "unknown"
_BY = ("period", "region", "manager", "reason")


@dataclass(frozen=True)
class _BasisTexts:
    """The sentence behind each client's status, in the reader's language (``basis``)."""

    k: float
    min_purchases: int
    lost_after_days: int
    min_gap_days: float
    gap_lookback_days: int
    gap_factor: float

    def threshold(self, kind: str, median: float, gap: float) -> str:
        k, median = short(self.k), short(median)
        if kind == "median":
            text = _("{k} x the median interval of {median} days")
            return text.format(k=k, median=median)
        if kind == "floor":
            text = _("the {floor}-day floor ({k} x the median interval of {median} days is less)")
            return text.format(floor=short(self.min_gap_days), k=k, median=median)
        values = {"lookback": self.gap_lookback_days, "gap": short(gap), "k": k, "median": median}
        if self.gap_factor == 1:
            text = _(
                "the longest pause between purchases in the last {lookback} days ({gap} days; "
                "{k} x the median interval of {median} days is less)"
            )
            return text.format(**values)
        text = _(
            "{factor} x the longest pause between purchases in the last {lookback} days "
            "({gap} days; {k} x the median interval of {median} days is less)"
        )
        return text.format(factor=short(self.gap_factor), **values)

    def basis(
        self, state: str, kind: str, days: float, median: float, gap: float, purchases: int
    ) -> str:
        if state == "none":
            return _("no purchase line (only returns or zero revenue)")
        n = int(days)
        if state == "lost":
            text = ngettext(
                "no purchase for {days} day (more than {limit})",
                "no purchase for {days} days (more than {limit})",
                n,
            )
            return text.format(days=short(days), limit=self.lost_after_days)
        text = ngettext(
            "{days} day since the last purchase", "{days} days since the last purchase", n
        )
        said = text.format(days=short(days))
        if state == "few":
            text = ngettext(
                "{since}; {n} purchase(s), too few (< {min}) to judge the cadence",
                "{since}; {n} purchase(s), too few (< {min}) to judge the cadence",
                int(purchases),
            )
            return text.format(since=said, n=purchases, min=self.min_purchases)
        threshold = self.threshold(kind, median, gap)
        if state == "more":
            # TRANSLATORS: {since} reads "40 days since the last purchase"; {threshold} is a
            # phrase such as "2 x the median interval of 10 days" (the client's at-risk limit).
            return _("{since}, more than {threshold}").format(since=said, threshold=threshold)
        return _("{since}, within {threshold}").format(since=said, threshold=threshold)


def client_status(
    transactions: Source,
    *,
    as_of: str | pd.Timestamp | None = None,
    k: float = 2.0,
    min_purchases: int = 3,
    lost_after_days: int = 180,
    min_gap_days: float = 30,
    gap_lookback_days: int = 730,
    gap_factor: float = 1.0,
    account: str = "account_id",
) -> pd.DataFrame:
    """Status of each client by its purchase cadence: active, at risk or lost.

    Parameters
    ----------
    transactions : DataFrame, path, list of paths or SalesCube
        Canonical transactions (``account_id``, ``date``, ``revenue``): a frame, Parquet/CSV
        file(s) read by DuckDB as in :func:`kamlib.sales_by_period`, or a
        :func:`kamlib.sales_cube` built once for several analyses.
    as_of : date-like, optional
        Analysis date; default the last transaction date. Lines after that day are ignored.
    k : float, default 2.0
        At risk when the days since the last purchase exceed k x the median interval.
    min_purchases : int, default 3
        Purchases needed before the cadence rule applies.
    lost_after_days : int, default 180
        Lost when more days than this have passed since the last purchase.
    min_gap_days : float, default 30
        Floor of the at-risk threshold: at risk only after more than
        ``max(k x median interval, min_gap_days, ...)`` days.
    gap_lookback_days : int, default 730
        The client's own longest pause counts: the longest interval between two consecutive
        purchases whose second purchase falls in the `gap_lookback_days` days up to `as_of`.
        Together with ``min_gap_days=0`` and ``gap_lookback_days=0`` (off) this gives the plain
        rule of docs/methods.md (k x the median interval).
    gap_factor : float, default 1.0
        At risk only after more than ``gap_factor`` x that longest pause.
    account : str, default "account_id"
        Column identifying the client.

    Returns
    -------
    DataFrame
        One row per client (index `account`, sorted): ``first_purchase``, ``last_purchase``,
        ``purchases`` (days with a purchase), ``median_interval`` (days between consecutive
        purchases; NaN with fewer than 2), ``days_since_last``, ``longest_gap`` (the longest
        pause between purchases that ended in the last `gap_lookback_days`; NaN when none),
        ``at_risk_after`` (the threshold in days, max(k x median interval, min_gap_days,
        gap_factor x longest_gap); NaN when the rule does not apply), ``status`` (one of
        :data:`STATUSES`), ``basis`` (the rule and the numbers
        behind the status, in words) and ``annual_value``.

    Notes
    -----
    Deviation from docs/methods.md: the floor ``min_gap_days`` (30 days by default) is kamlib's
    addition. Without it a client that orders every few days is "at risk" after a week
    without an order (the sample's breadwinner after Christmas: 7 days since the last order,
    3-day median interval), and a third of a typical portfolio is flagged, which drowns the
    real signal. A month without an order is the shortest silence worth a call.

    The longest pause (kamlib's addition too) makes the rule aware of seasonality and bursts
    without a calendar model: a client that buys from February to October every year paused
    about 100 days last winter, so 60 days without an order in December are its normal break,
    not a signal; a client that orders every 2 days in bursts with 45-day pauses between them
    is not at risk after 33 days. Only a silence longer than anything the client did in the
    last two years (and longer than 2 x its usual interval and a month) raises the flag.
    ``validation/at_risk_backtest.py`` measures both rules on the sample and on the CDNOW
    transactions and prints the precision and recall behind these defaults.

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "account_id": ["a", "a", "a", "b", "b"],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-21",
    ...                             "2023-06-01", "2024-03-01"]),
    ...     "revenue": [10.0, 10.0, 10.0, 5.0, 5.0],
    ... })
    >>> st = client_status(tx, as_of="2024-03-01")
    >>> st[["purchases", "median_interval", "days_since_last", "at_risk_after", "status"]]
    ... # doctest: +NORMALIZE_WHITESPACE
                purchases  median_interval  days_since_last  at_risk_after   status
    account_id
    a                   3             10.0               40           30.0  at_risk
    b                   2            274.0                0            NaN   active
    >>> print(st.loc["a", "basis"])  # doctest: +NORMALIZE_WHITESPACE
    40 days since the last purchase, more than the 30-day floor
    (2 x the median interval of 10 days is less)

    A seasonal client (March to October, twice a month) in December, 61 days after its last
    order: last winter it paused 138 days, so it is not at risk; with the longest pause
    switched off (``gap_lookback_days=0``) it would be.

    >>> days = [d for y in (2023, 2024) for m in range(3, 11) for d in (f"{y}-{m:02}-01",
    ...                                                               f"{y}-{m:02}-15")]
    >>> season = pd.DataFrame({"account_id": "s", "date": pd.to_datetime(days),
    ...                        "revenue": 1.0})
    >>> st = client_status(season, as_of="2024-12-15")
    >>> st[["days_since_last", "longest_gap", "at_risk_after", "status"]]
    ... # doctest: +NORMALIZE_WHITESPACE
                days_since_last  longest_gap  at_risk_after  status
    account_id
    s                        61        138.0          138.0  active
    >>> client_status(season, as_of="2024-12-15", gap_lookback_days=0).loc["s", "status"]
    'at_risk'
    """
    if (
        k <= 0
        or min_purchases < 2
        or lost_after_days <= 0
        or not min_gap_days >= 0
        or not gap_lookback_days >= 0
        or not gap_factor >= 0
    ):
        raise ArgumentError(
            "`k` and `lost_after_days` must be positive, `min_purchases` at least 2 and "
            "`min_gap_days`, `gap_lookback_days` and `gap_factor` at least 0, got "
            f"k={k!r}, min_purchases={min_purchases!r}, lost_after_days={lost_after_days!r}, "
            f"min_gap_days={min_gap_days!r}, gap_lookback_days={gap_lookback_days!r}, "
            f"gap_factor={gap_factor!r}"
        )
    out, as_of = _purchase_history(transactions, account, as_of, gap_lookback_days)
    clients = out.index
    out["days_since_last"] = (as_of.normalize() - out["last_purchase"]).dt.days.astype("Int64")
    cadence = out["purchases"] >= min_purchases
    by_cadence = k * out["median_interval"]
    by_pause = (gap_factor * out["longest_gap"]).fillna(0.0)
    floored = by_cadence < min_gap_days
    paused = (by_pause > by_cadence) & (by_pause > min_gap_days)
    out["at_risk_after"] = by_cadence.clip(lower=min_gap_days).where(cadence)
    out["at_risk_after"] = np.fmax(out["at_risk_after"], by_pause.where(cadence))

    since = out["days_since_last"].astype("float64")
    lost = since > lost_after_days
    at_risk = ~lost & (since > out["at_risk_after"])
    no_purchase = out["purchases"] == 0
    out["status"] = pd.Series(
        np.select([no_purchase, lost, at_risk], ["no_purchase", "lost", "at_risk"], "active"),
        index=clients,
        dtype="str",
    )

    state = np.select(
        [no_purchase, lost, at_risk, cadence], ["none", "lost", "more", "within"], "few"
    )
    threshold = np.select([paused, floored], ["pause", "floor"], "median")
    texts = _BasisTexts(
        k=k,
        min_purchases=min_purchases,
        lost_after_days=lost_after_days,
        min_gap_days=min_gap_days,
        gap_lookback_days=gap_lookback_days,
        gap_factor=gap_factor,
    )
    out["basis"] = pd.Series(
        [
            texts.basis(*row)
            for row in zip(
                state,
                threshold,
                since.fillna(0).to_numpy(),
                out["median_interval"].fillna(0).to_numpy(),
                out["longest_gap"].fillna(0).to_numpy(),
                out["purchases"].to_numpy(),
                strict=True,
            )
        ],
        index=clients,
        dtype="str",
    )
    columns = ["first_purchase", "last_purchase", "purchases", "median_interval", "days_since_last"]
    columns += ["longest_gap", "at_risk_after", "status", "basis", "annual_value"]
    return out[columns]


def _purchase_history(
    transactions: Source, account: str, as_of, gap_lookback_days: int = 0
) -> tuple[pd.DataFrame, pd.Timestamp]:
    """Per client: purchase days, median interval, longest recent pause and annual value.

    Built from the account x day cube. The longest pause is over the intervals whose second
    purchase falls in the `gap_lookback_days` days up to `as_of` (none when 0).

    A file is read once by :func:`kamlib.sales_cube` (or not at all when a cube is given).
    """
    as_of_ts = None if as_of is None else analysis_date(None, as_of)
    cube = build_cube(transactions, account=account, profit=False, quantity=False, orders=False)
    days = cube.days
    if as_of_ts is None:
        as_of_ts = analysis_date(days)  # the last day with a line
    stop = np.datetime64(as_of_ts + pd.Timedelta(days=1), "us")
    rows = days[days["date"].to_numpy() < stop]  # undated lines are left out
    dates = rows["date"].to_numpy()
    codes, ids = cube_codes(cube, rows)
    starts = runs(codes)
    n = len(starts)
    client = np.repeat(np.arange(n), np.diff(np.append(starts, len(rows))))

    bought = rows["gross_revenue"].to_numpy() > 0  # a day with a line of positive revenue
    who, when = client[bought], dates[bought]
    purchases = np.bincount(who, minlength=n)
    first = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    last = first.copy()
    if len(who):  # rows are ordered by client and day
        edge = np.flatnonzero(np.diff(who)) + 1
        first[who[np.append(0, edge)]] = when[np.append(0, edge)]
        last[who[np.append(edge - 1, len(who) - 1)]] = when[np.append(edge - 1, len(who) - 1)]
    same = who[1:] == who[:-1]
    gaps = (when[1:] - when[:-1])[same].astype("timedelta64[D]").astype("float64")
    median = pd.Series(gaps).groupby(who[1:][same]).median().reindex(range(n))
    since = np.datetime64(as_of_ts.normalize() - pd.Timedelta(days=gap_lookback_days), "us")
    recent = when[1:][same] > since
    longest = pd.Series(gaps[recent]).groupby(who[1:][same][recent]).max().reindex(range(n))

    # the 12 months up to and including the last purchase
    floor = (pd.DatetimeIndex(last) - pd.DateOffset(months=12)).to_numpy()
    in_year = (dates <= last[client]) & (dates > floor[client])
    revenue = rows["gross_revenue"].to_numpy() + rows["returns"].to_numpy()
    annual = sum_runs(np.where(in_year, revenue, 0.0), starts)
    out = pd.DataFrame(
        {
            "first_purchase": first,
            "last_purchase": last,
            "purchases": purchases.astype("int64"),
            "median_interval": median.to_numpy(dtype="float64"),
            "longest_gap": longest.to_numpy(dtype="float64"),
            "annual_value": annual.astype("float64"),
        },
        index=pd.Index(account_ids(ids, codes[starts]), name=account),
    )
    return out, as_of_ts


def yoy_change(
    transactions: pd.DataFrame,
    *,
    as_of: str | pd.Timestamp | None = None,
    months: int = 12,
    threshold: float = 0.20,
    account: str = "account_id",
) -> pd.DataFrame:
    """Revenue of the last `months` against the `months` before, with a decline flag.

    docs/methods.md asks for "year-over-year decline above a threshold" without fixing the
    threshold; the default 20 % is kamlib's choice.

    Parameters
    ----------
    transactions : DataFrame
        Canonical transactions.
    as_of : date-like, optional
        End of the current window; default the last transaction date.
    months : int, default 12
        Length of each window, in whole days: current = the `months` ending with the day
        `as_of` (as_of 2024-12-31: the calendar year 2024), previous = the `months` before.
    threshold : float, default 0.20
        Declining when revenue fell by more than this share of the previous window.
    account : str, default "account_id"
        Column identifying the client.

    Returns
    -------
    DataFrame
        One row per client with lines in either window: ``current``, ``previous``,
        ``change`` (current - previous), ``change_pct`` (change / previous; NaN when previous
        is not positive) and ``declining`` (change_pct < -threshold).

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "account_id": ["a", "a", "b", "b"],
    ...     "date": pd.to_datetime(["2023-03-01", "2024-03-01", "2023-03-01", "2024-03-01"]),
    ...     "revenue": [100.0, 70.0, 100.0, 90.0],
    ... })
    >>> yoy_change(tx, as_of="2024-12-31")  # doctest: +NORMALIZE_WHITESPACE
                current  previous  change  change_pct  declining
    account_id
    a              70.0     100.0   -30.0        -0.3       True
    b              90.0     100.0   -10.0        -0.1      False
    """
    require_columns(transactions, [account, "date", "revenue"], "transactions")
    if months < 1 or not 0 <= threshold <= 1:
        raise ArgumentError(
            f"`months` must be >= 1 and `threshold` between 0 and 1, got {months!r}, {threshold!r}"
        )
    as_of = analysis_date(transactions, as_of)
    stop = as_of.normalize() + pd.Timedelta(days=1)  # the whole day as_of is included
    middle = stop - pd.DateOffset(months=months)
    begin = middle - pd.DateOffset(months=months)
    tx = transactions[(transactions["date"] >= begin) & (transactions["date"] < stop)]
    window = np.where(tx["date"] >= middle, "current", "previous")
    out = (
        tx.groupby([tx[account], window])["revenue"]
        .sum()
        .unstack(fill_value=0.0)
        .reindex(columns=["current", "previous"], fill_value=0.0)
        .astype("float64")
        .sort_index()
    )
    out.columns.name = None
    out.index.name = account
    out["change"] = out["current"] - out["previous"]
    out["change_pct"] = out["change"] / out["previous"].where(out["previous"] > 0)
    out["declining"] = (out["change_pct"] < -threshold).astype("boolean")
    return out


def period_status(
    transactions: pd.DataFrame,
    *,
    period: str = "Y",
    as_of: str | pd.Timestamp | None = None,
    account: str = "account_id",
) -> pd.DataFrame:
    """Status of each client in each pair of consecutive periods.

    A client is active in a period when it made a purchase in it. For each period p (from the
    second of the data on) and each client: **new** (first purchase ever in p), **repeating**
    (active in p - 1 and in p), **reactivated** (active in p, not in p - 1, but earlier) or
    **lapsed** (active in p - 1, not in p). Clients in none of these states in p get no row.
    The first period of the data has no previous period, so it gets no rows; the last period
    ends at `as_of` and may be incomplete (pass an `as_of` at a period end to compare whole
    periods).

    Parameters
    ----------
    transactions : DataFrame
        Canonical transactions.
    period : str, default "Y"
        Pandas period frequency: "Y", "Q", "M", "W".
    as_of : date-like, optional
        Last date considered; default the last transaction date.
    account : str, default "account_id"
        Column identifying the client.

    Returns
    -------
    DataFrame
        Columns `account`, ``period`` (pandas Period), ``status`` (one of
        :data:`PERIOD_STATUSES`), ``revenue`` (net, in p) and ``previous_revenue`` (net, in
        p - 1), sorted by period and client.
        ``.groupby(["period", "status"]).size().unstack(fill_value=0)`` counts them.

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "account_id": ["a", "a", "b", "c", "c"],
    ...     "date": pd.to_datetime(["2022-05-01", "2023-05-01", "2022-05-01",
    ...                             "2023-02-01", "2024-02-01"]),
    ...     "revenue": [10.0, 20.0, 5.0, 7.0, 8.0],
    ... })
    >>> period_status(tx)
      account_id period     status  revenue  previous_revenue
    0          a   2023  repeating     20.0              10.0
    1          b   2023     lapsed      0.0               5.0
    2          c   2023        new      7.0               0.0
    3          a   2024     lapsed      0.0              20.0
    4          c   2024  repeating      8.0               7.0
    """
    require_columns(transactions, [account, "date", "revenue"], "transactions")
    as_of = analysis_date(transactions, as_of)
    tx = until(transactions, as_of)
    columns = [account, "period", "status", "revenue", "previous_revenue"]
    try:
        periods = tx["date"].dt.to_period(period)
    except ValueError as exc:
        raise ArgumentError(
            f"`period` {period!r} is not a pandas period frequency: {exc}"
        ) from None
    net = tx["revenue"].groupby([tx[account], periods.rename("period")]).sum()
    active = pd.DataFrame({account: tx[account], "period": periods})[
        tx["revenue"] > 0
    ].drop_duplicates()
    if active.empty:
        empty = pd.DataFrame({c: pd.Series(dtype="str") for c in (account, "status")})
        return empty.assign(
            period=pd.Series(dtype=periods.dtype), revenue=0.0, previous_revenue=0.0
        )[columns]
    first = active.groupby(account)["period"].transform("min")
    start, end = active["period"].min(), as_of.to_period(period)
    pairs = pd.MultiIndex.from_frame(active)

    def _shifted(step: int) -> pd.Series:
        moved = pd.MultiIndex.from_arrays([active[account], active["period"] + step])
        return pd.Series(moved.isin(pairs), index=active.index)

    had_before, has_after = _shifted(-1), _shifted(1)
    labelled = active.assign(
        status=np.select(
            [had_before, active["period"] == first], ["repeating", "new"], "reactivated"
        )
    )
    current = labelled[labelled["period"] > start]
    lapsed = active[~has_after & (active["period"] < end)].assign(status="lapsed")
    lapsed["period"] = lapsed["period"] + 1
    out = pd.concat([current, lapsed], ignore_index=True)
    prev_keys = pd.MultiIndex.from_arrays([out[account], out["period"] - 1])
    keys = pd.MultiIndex.from_arrays([out[account], out["period"]])
    out["revenue"] = net.reindex(keys).fillna(0.0).to_numpy()
    out["previous_revenue"] = net.reindex(prev_keys).fillna(0.0).to_numpy()
    out["status"] = out["status"].astype("str")
    return out.sort_values(["period", account], kind="mergesort", ignore_index=True)[columns]


def _lookup(status: pd.DataFrame, table: pd.DataFrame | None, column: str, name: str) -> pd.Series:
    """`column` of `table` for each client of `status` ("unknown" when not given)."""
    if table is None:
        raise InputError(
            [
                Problem(
                    name,
                    None,
                    column,
                    "missing-table",
                    f"this needs the {name} table with column {column!r}; pass `{name}=`",
                )
            ]
        )
    require_columns(table, ["account_id", column], name)
    values = table.drop_duplicates("account_id").set_index("account_id")[column]
    return values.reindex(status.index).astype("str").fillna(_UNKNOWN).replace("", _UNKNOWN)


def _lost_tender(name: str, date: object, winner: str) -> str:
    """A lost tender as a win-back reason: "tender T7 Pumps lost 2024-02-10 to Rival"."""
    when = day(date) if pd.notna(date) else ""
    if winner:
        text = _("tender {tender} lost {date} to {winner}")
        return text.format(tender=name, date=when, winner=winner)
    return _("tender {tender} lost {date}").format(tender=name, date=when)


def _reasons(
    clients: pd.Index, accounts: pd.DataFrame | None, tenders: pd.DataFrame | None
) -> pd.DataFrame:
    """Known reasons per client, one row each: from accounts.lost_reason and lost tenders.

    ``order`` ranks a client's reasons, main first: 0 for the CRM's lost_reason, then the lost
    tenders from the most recent (undated last).
    """
    parts = []
    if accounts is not None and "lost_reason" in accounts.columns:
        parts.append(
            pd.DataFrame(
                {
                    "account_id": accounts["account_id"],
                    "reason": accounts["lost_reason"],
                    "text": "",
                    "order": 0,
                }
            )
        )
    if tenders is not None and {"status", "reason"} <= set(tenders.columns):
        lost = tenders[tenders["status"].str.strip().str.lower() == "lost"]
        title = lost["title"].fillna("") if "title" in lost.columns else ""
        winner = lost["winner"].fillna("") if "winner" in lost.columns else ""
        name = (lost["tender_id"].astype("str") + " " + title).str.strip()
        text = pd.Series(
            [
                _lost_tender(n, d, w)
                for n, d, w in zip(
                    name, lost["date"], pd.Series(winner, index=lost.index), strict=True
                )
            ],
            index=lost.index,
            dtype="object",
        )
        parts.append(
            pd.DataFrame(
                {
                    "account_id": lost["account_id"],
                    "reason": lost["reason"],
                    "text": text + ": ",
                    # the most recent lost tender first, after the CRM's lost_reason
                    "order": lost["date"].rank(method="first", ascending=False, na_option="bottom")
                    + 1,
                }
            )
        )
    if not parts:
        return pd.DataFrame(
            {
                "account_id": pd.Series(dtype="str"),
                "reason": pd.Series(dtype="str"),
                "text": pd.Series(dtype="str"),
                "order": pd.Series(dtype="float64"),
            }
        )
    found = pd.concat(parts, ignore_index=True)
    found["reason"] = found["reason"].astype("str").str.strip()
    found = found[
        found["reason"].notna() & (found["reason"] != "") & found["account_id"].isin(clients)
    ]
    return found.astype({"account_id": "str", "text": "str"})


def _poor(flags, keys, index: pd.Index) -> pd.Series:
    """Per key: how many flags are true; <NA> where none of the key's flags is known."""
    frame = pd.DataFrame({"key": keys, "flag": pd.array(flags, dtype="boolean")})
    grouped = frame.groupby("key", sort=False)["flag"]
    count = grouped.sum().astype("Int64").where(grouped.count() > 0, pd.NA)
    return count.reindex(index).astype("Int64")


def losses(
    status: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    tenders: pd.DataFrame | None = None,
    *,
    by: str = "period",
    period: str = "Q",
    statuses: Collection[str] = ("lost",),
    service: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Lost clients counted over time, or by region, manager or reason.

    Parameters
    ----------
    status : DataFrame
        The result of :func:`client_status`.
    accounts : DataFrame, optional
        Canonical accounts; needed for ``by="region"`` and ``by="manager"``, and gives
        ``lost_reason`` for ``by="reason"``.
    tenders : DataFrame, optional
        Canonical tenders; the ``reason`` of lost tenders counts for ``by="reason"``.
    by : {"period", "region", "manager", "reason"}, default "period"
        ``period``: by the period of the client's last purchase, every period from the first
        to the last loss (zeros included). ``region``/``manager``: from `accounts`
        ("unknown" when missing). ``reason``: each client once, under its main reason, so
        the clients and the annual value add up to the totals lost: the account manager's
        ``lost_reason`` in `accounts` when given, otherwise the reason of its most recent lost
        tender; clients with none count as "unknown". (Other known reasons are not counted
        again; :func:`win_back` lists them all.)
    period : str, default "Q"
        Pandas period frequency for ``by="period"``.
    statuses : collection of str, default ("lost",)
        Which statuses count as losses; add "at_risk" to include the clients at risk.
    service : DataFrame, optional
        The service each client saw before it left: :func:`kamlib.portfolio.service.
        service_before` of the lost clients (index ``account_id``, ``service_risk``: late
        deliveries or complaints open past their limit). Adds ``poor_service``: how many of
        the row's clients were badly served before they left (``<NA>`` when the service of
        none of them is known, e.g. no deliveries or complaints table).

    Returns
    -------
    DataFrame
        Columns `by`, ``clients`` and ``annual_value`` (their summed annual value), and
        ``poor_service`` with `service`. By period in time order; otherwise most clients
        first.

    Examples
    --------
    >>> status = pd.DataFrame({
    ...     "status": ["lost", "lost", "active"],
    ...     "last_purchase": pd.to_datetime(["2024-01-15", "2024-07-02", "2024-12-01"]),
    ...     "annual_value": [100.0, 40.0, 80.0],
    ... }, index=pd.Index(["a", "b", "c"], name="account_id"))
    >>> losses(status)
       period  clients  annual_value
    0  2024Q1        1         100.0
    1  2024Q2        0           0.0
    2  2024Q3        1          40.0
    >>> accounts = pd.DataFrame({"account_id": ["a", "b"], "lost_reason": ["price", "price"]})
    >>> served = pd.DataFrame({"service_risk": pd.array([True, False], dtype="boolean")},
    ...                       index=pd.Index(["a", "b"], name="account_id"))
    >>> losses(status, accounts, by="reason", service=served)
      reason  clients  annual_value  poor_service
    0  price        2         140.0             1
    """
    if by not in _BY:
        raise ArgumentError(f"`by` must be one of {', '.join(_BY)}; got {by!r}")
    require_columns(status, ["status", "annual_value"], "status")
    lost = status[status["status"].isin(list(statuses))]
    if service is not None:
        require_columns(service, ["service_risk"], "service")
        risk = service["service_risk"].astype("boolean")
        risk = risk[~risk.index.duplicated()].reindex(lost.index.astype("str"))
    if by == "period":
        require_columns(status, ["last_purchase"], "status")
        when = lost["last_purchase"].dt.to_period(period).rename("period")
        counted = lost.groupby(when).agg(
            clients=("status", "size"), annual_value=("annual_value", "sum")
        )
        if service is not None:
            counted["poor_service"] = _poor(risk.to_numpy(), when.to_numpy(), counted.index)
        if len(counted):
            counted = counted.reindex(
                pd.period_range(counted.index.min(), counted.index.max(), name="period"),
                fill_value=0,
            )
        counted["annual_value"] = counted["annual_value"].astype("float64")
        counted["clients"] = counted["clients"].astype("int64")
        return counted.reset_index()
    if by in ("region", "manager"):
        groups = pd.DataFrame(
            {by: _lookup(lost, accounts, by, "accounts"), "value": lost["annual_value"]}
        )
    else:
        if (accounts is None or "lost_reason" not in accounts.columns) and tenders is None:
            raise InputError(
                [
                    Problem(
                        "accounts",
                        None,
                        "lost_reason",
                        "missing-table",
                        "by='reason' needs `accounts` with lost_reason or `tenders` with reasons",
                    )
                ]
            )
        found = _reasons(lost.index, accounts, tenders)
        found = found.sort_values(["account_id", "order"], kind="mergesort")
        found = found.drop_duplicates("account_id")[["account_id", "reason"]]  # the main one
        none = lost.index.difference(pd.Index(found["account_id"].unique()))
        found = pd.concat(
            [found, pd.DataFrame({"account_id": none.astype("str"), "reason": _UNKNOWN})],
            ignore_index=True,
        )
        groups = pd.DataFrame(
            {
                by: found["reason"].to_numpy(),
                "value": lost["annual_value"].reindex(found["account_id"]).to_numpy(),
            },
            index=pd.Index(found["account_id"].to_numpy(), dtype="str"),
        )
    counted = groups.groupby(by).agg(clients=("value", "size"), annual_value=("value", "sum"))
    counted["clients"] = counted["clients"].astype("int64")
    counted["annual_value"] = counted["annual_value"].astype("float64")
    if service is not None:
        flags = risk.reindex(groups.index.astype("str")).to_numpy()
        counted["poor_service"] = _poor(flags, groups[by].to_numpy(), counted.index)
    counted = counted.reset_index()
    return counted.sort_values(
        ["clients", "annual_value", by], ascending=[False, False, True], ignore_index=True
    )


def win_back(
    status: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    contacts: pd.DataFrame | None = None,
    tenders: pd.DataFrame | None = None,
    *,
    key: Collection[str] | pd.Series | None = None,
    statuses: Collection[str] = ("lost", "at_risk"),
    offers: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The win-back list: lost and at-risk clients ranked by the annual value at stake.

    Parameters
    ----------
    status : DataFrame
        The result of :func:`client_status`.
    accounts : DataFrame, optional
        Canonical accounts: ``name`` and ``lost_reason`` are used when present.
    contacts : DataFrame, optional
        Canonical contacts: the latest ``last_contact`` per client.
    tenders : DataFrame, optional
        Canonical tenders: lost tenders are listed among the reasons.
    key : collection of ids, or boolean Series indexed by client, optional
        Restrict the list to these (key) clients; default every client.
    statuses : collection of str, default ("lost", "at_risk")
        Statuses that go on the list.
    offers : mapping, optional
        Overrides of :data:`WIN_BACK_OFFERS` (keys: a status, or ``"price"`` for clients
        whose known reasons mention price).

    Returns
    -------
    DataFrame
        Index client id, ordered by ``annual_value`` descending (ties by id): ``rank``,
        ``name`` (NaN without accounts), ``status``, ``last_purchase``, ``days_since_last``,
        ``annual_value``, ``last_contact`` (NaT when unknown), ``reasons`` (known reasons,
        "; "-separated, empty when none) and ``offer``.

    Examples
    --------
    >>> status = pd.DataFrame({
    ...     "status": ["lost", "at_risk", "active"],
    ...     "last_purchase": pd.to_datetime(["2024-01-15", "2024-07-02", "2024-12-01"]),
    ...     "days_since_last": pd.array([351, 182, 30], dtype="Int64"),
    ...     "annual_value": [100.0, 400.0, 80.0],
    ... }, index=pd.Index(["a", "b", "c"], name="account_id"))
    >>> accounts = pd.DataFrame({"account_id": ["a", "b"], "name": ["Alfa", "Beta"],
    ...                          "lost_reason": ["cheaper competitor", None]})
    >>> wb = win_back(status, accounts)
    >>> wb[["rank", "name", "status", "annual_value", "reasons"]]
    ... # doctest: +NORMALIZE_WHITESPACE
                rank  name   status  annual_value             reasons
    account_id
    b              1  Beta  at_risk         400.0
    a              2  Alfa     lost         100.0  cheaper competitor
    >>> wb.loc["a", "offer"] == WIN_BACK_OFFERS["price"]
    True
    """
    require_columns(
        status, ["status", "last_purchase", "days_since_last", "annual_value"], "status"
    )
    chosen = status[status["status"].isin(list(statuses))]
    if key is not None:
        ids = key[key.astype(bool)].index if isinstance(key, pd.Series) else pd.Index(list(key))
        chosen = chosen[chosen.index.isin(ids)]
    index_name = status.index.name
    out = chosen[["status", "last_purchase", "days_since_last", "annual_value"]].copy()
    if accounts is not None and "name" in accounts.columns:
        names = accounts.drop_duplicates("account_id").set_index("account_id")["name"]
        out.insert(0, "name", names.reindex(out.index).astype("str"))
    else:
        out.insert(0, "name", pd.Series(pd.NA, index=out.index, dtype="str"))
    if contacts is not None and "last_contact" in contacts.columns:
        latest = contacts.groupby("account_id")["last_contact"].max()
        out["last_contact"] = latest.reindex(out.index)
    else:
        out["last_contact"] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[us]")
    found = _reasons(out.index, accounts, tenders)
    joined = (found["text"] + found["reason"]).groupby(found["account_id"]).agg("; ".join)
    out["reasons"] = joined.reindex(out.index).fillna("").astype("str")
    table = {**{k: _(v) for k, v in WIN_BACK_OFFERS.items()}, **(offers or {})}
    by_status = out["status"].map(table).fillna("")
    on_price = out["reasons"].str.contains(_PRICE_WORDS, case=False, regex=True)
    out["offer"] = by_status.where(~on_price, table["price"]).astype("str")

    order = pd.DataFrame({"v": out["annual_value"].to_numpy(), "k": out.index.to_numpy()})
    order = order.sort_values(["v", "k"], ascending=[False, True], kind="mergesort")
    out = out.iloc[order.index.to_numpy()]
    out.insert(0, "rank", np.arange(1, len(out) + 1, dtype="int64"))
    out.index.name = index_name
    return out

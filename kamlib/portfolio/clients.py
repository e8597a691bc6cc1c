"""Key clients and dependence: who matters, why, and how concentrated the portfolio is.

Definitions follow ``docs/methods.md`` ("Key clients, types and dependence"). Every function looks
at a window of ``months`` months (12 by default) ending on ``as_of`` (default: the last transaction
date; lines after that day are ignored), and rolls accounts up to their parent group when the
accounts table gives ``parent_id`` (companies under common control count as one client). The
client id is then the group id; ``client_id`` names that column in every result.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from kamlib.errors import ArgumentError, InputError, Problem
from kamlib.language import gettext as _
from kamlib.portfolio.abcxyz import NON_POSITIVE, abc_classes
from kamlib.portfolio.cube import Source, aggregate, as_timestamp, last_date, relation
from kamlib.portfolio.notation import day, whole
from kamlib.portfolio.shares import half_up, revenue_shares
from kamlib.schema import require_columns
from kamlib.window import since, until, window_start

__all__ = [
    "client_groups",
    "client_shares",
    "client_types",
    "key_client_criteria",
    "key_clients",
    "key_clients_on_days",
    "dependence",
    "Dependence",
    "KEY_CLIENT_RULE",
    "CRITERIA",
]

log = logging.getLogger("kamlib")

#: The default rule of :func:`key_clients`: a client is key when any of these holds.
KEY_CLIENT_RULE = ("top_clients", "breadwinner", "image_maker", "expert")

#: The criteria of :func:`key_client_criteria`, in the order of ``docs/methods.md``.
CRITERIA = (
    "stable_high_profit",
    "long_cooperation",
    "sales_growth",
    "new_business",
    "market_influence",
)

_TYPES = ("breadwinner", "perspective", "image_maker", "expert")
_FLAGS = ("image_maker", "expert")


# ---- building blocks ----------------------------------------------------------------------


def _parents(accounts: pd.DataFrame | None, roll_up: bool) -> pd.Series:
    """account_id -> client id (the top of its parent chain); empty when nothing rolls up."""
    if not roll_up or accounts is None or "parent_id" not in accounts:
        return pd.Series(dtype="str")
    if "account_id" not in accounts:
        raise InputError([Problem("accounts", None, "account_id", "missing-column", "needed")])
    links = accounts[["account_id", "parent_id"]].dropna()
    links = links[links["parent_id"] != links["account_id"]]
    parent = links.set_index("account_id")["parent_id"].astype("str")
    top = parent.copy()
    for _step in range(len(parent) + 1):  # follow chains (a group inside a group) to their top
        nxt = top.map(parent).fillna(top)
        if nxt.equals(top):
            return top
        top = nxt
    raise InputError(
        [Problem("accounts", None, "parent_id", "parent-cycle", "parent_id links form a cycle")]
    )


def client_groups(accounts: pd.DataFrame | None) -> pd.Series:
    """Each account that belongs to a group, and the group it rolls up to.

    The group is the top of the account's ``parent_id`` chain, as every function here rolls
    accounts up (a group inside a group counts under the top one).

    Parameters
    ----------
    accounts : DataFrame or None
        Canonical accounts (``account_id``, ``parent_id``).

    Returns
    -------
    Series
        Index ``account_id`` (members only), values the group id; empty without groups.

    Examples
    --------
    >>> a = pd.DataFrame({"account_id": ["a", "b", "G"], "parent_id": [None, "G", "H"]})
    >>> client_groups(a).to_dict()
    {'b': 'H', 'G': 'H'}
    """
    return _parents(accounts, True)


def _client_of(ids: pd.Series, parents: pd.Series) -> pd.Series:
    ids = ids.astype("str")
    if parents.empty:
        return ids
    return ids.map(parents).astype("str").fillna(ids)


def _scan(transactions: Source, as_of, months: int | None):
    """Totals per account ever (up to `as_of`) and in the window, from one DuckDB pass.

    Returns ``(as_of, ever, window)``; `as_of` defaults to the last transaction date (a
    second, light query that reads only the dates).
    """
    as_of_ts = as_timestamp(as_of, "as_of")
    if as_of_ts is None:
        as_of_ts = last_date(transactions)
        if as_of_ts is None:
            raise ArgumentError("`as_of` is needed when there are no dated transactions")
    start = window_start(as_of_ts, months)
    t = _totals(transactions, None, as_of_ts, since=start)
    if start is None:
        return as_of_ts, t, t
    ever = t[["account_id", "first_ever", "last_ever"]].rename(
        columns={"first_ever": "first_date", "last_ever": "last_date"}
    )
    ever = ever.assign(revenue=np.nan, gross_profit=np.nan)
    window = t.loc[
        t["lines"] > 0, ["account_id", "revenue", "gross_profit", "first_date", "last_date"]
    ]
    return as_of_ts, ever, window.reset_index(drop=True)


def _totals(transactions: Source, start, end, since=None) -> pd.DataFrame:
    """revenue, gross_profit, lines, first_date, last_date per account in [start, end]."""
    t = aggregate(
        transactions,
        period=None,
        by=("account_id",),
        start=start,
        end=end,
        measures=("revenue", "gross_profit"),
        counts=True,
        sort=False,
        since=since,
    )
    if t["account_id"].isna().any():
        raise InputError(
            [Problem("transactions", None, "account_id", "missing-id", "lines without account id")]
        )
    return t


def _by_client(totals: pd.DataFrame, parents: pd.Series) -> pd.DataFrame:
    t = totals.assign(client_id=_client_of(totals["account_id"], parents))
    g = t.groupby("client_id", sort=True)
    return pd.DataFrame(
        {
            "accounts": g.size(),
            "revenue": g["revenue"].sum(),
            "gross_profit": g["gross_profit"]
            .sum(min_count=1)
            .where(g["gross_profit"].count() == g.size()),
            "first_date": g["first_date"].min(),
            "last_date": g["last_date"].max(),
        }
    )


def _accounts_by_client(accounts: pd.DataFrame | None, parents: pd.Series) -> pd.DataFrame:
    """Per client: flags (any member), potential budget (sum), prospect (any member), since."""
    if accounts is None or accounts.empty:
        return pd.DataFrame(index=pd.Index([], name="client_id", dtype="str"))
    a = accounts.assign(client_id=_client_of(accounts["account_id"].astype("str"), parents))
    g = a.groupby("client_id", sort=True)
    out = pd.DataFrame(index=g.size().index)
    for flag in _FLAGS:
        if flag in a:
            col = a[flag].astype("boolean")
            out[flag] = col.groupby(a["client_id"]).any(skipna=True).astype("boolean")
            unknown = col.isna().groupby(a["client_id"]).all()
            out.loc[unknown[unknown].index, flag] = pd.NA
    if "potential_budget" in a:
        out["potential_budget"] = g["potential_budget"].sum(min_count=1)
    if "status" in a:
        status = a["status"].astype("str").str.strip().str.lower()
        out["prospect"] = (status == "prospect").groupby(a["client_id"]).all()
    if "since" in a:
        out["since"] = g["since"].min()
    return out


# ---- key clients ------------------------------------------------------------------------------


def client_shares(
    transactions: Source,
    accounts: pd.DataFrame | None = None,
    *,
    roll_up: bool = True,
    as_of=None,
    months: int | None = 12,
) -> pd.DataFrame:
    """Revenue and gross profit per client and their shares of the portfolio.

    Parameters
    ----------
    transactions : DataFrame, path, list of paths or SalesCube
        Transaction lines (``account_id``, ``date``, ``revenue``; ``cost`` or
        ``gross_profit`` for profit); files are aggregated by DuckDB. A
        :func:`kamlib.sales_cube` built once for several analyses gives the same result
        without reading the lines again (first and last dates are then days).
    accounts : DataFrame, optional
        With ``account_id`` and ``parent_id``: accounts are rolled up to their group.
    roll_up : bool
        ``False`` keeps every account separate even when groups are known.
    as_of : date-like, optional
        End of the window (whole day included); default the last transaction date.
    months : int or None
        Length of the window; ``None`` takes all history up to `as_of`.

    Returns
    -------
    DataFrame
        One row per client with sales in the window, largest first: ``client_id``,
        ``accounts`` (member accounts with sales), ``revenue``, ``gross_profit``,
        ``revenue_share`` (of the revenue of the clients with positive revenue, see
        :func:`kamlib.portfolio.shares.revenue_shares`) and ``gp_share`` (of the portfolio's gross
        profit), ``rank``,
        ``cum_revenue_share`` and ``abc`` (revenue ABC, 80/95), ``first_date`` and
        ``last_date`` (in the window).

    Notes
    -----
    A client whose gross profit is unknown (lines without cost) has NaN ``gross_profit`` and
    ``gp_share``; the other shares are of the total of the known ones, and a warning is logged.

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["a", "b", "c"],
    ...                    "date": pd.to_datetime(["2025-01-10", "2025-02-10", "2025-03-10"]),
    ...                    "revenue": [60.0, 30.0, 10.0], "gross_profit": [6.0, 9.0, 5.0]})
    >>> accounts = pd.DataFrame({"account_id": ["a", "b", "c"], "parent_id": [None, "G", "G"]})
    >>> shares = client_shares(tx, accounts)
    >>> shares[["client_id", "accounts", "revenue", "revenue_share", "gp_share"]]
      client_id  accounts  revenue  revenue_share  gp_share
    0         a         1     60.0            0.6       0.3
    1         G         2     40.0            0.4       0.7
    """
    _as_of, _ever, window = _scan(transactions, as_of, months)
    return _finish_shares(_by_client(window, _parents(accounts, roll_up)))


def _finish_shares(c: pd.DataFrame) -> pd.DataFrame:
    c = c.copy()
    c["revenue_share"] = revenue_shares(c["revenue"])  # of the positive clients' total
    unknown = c["gross_profit"].isna()
    if unknown.any():
        log.warning(
            "gross profit unknown for %d client(s) (lines without cost); their gp_share is NaN: %s",
            int(unknown.sum()),
            ", ".join(c.index[unknown][:10]),
        )
    c["gp_share"] = (
        c["gross_profit"] / c["gross_profit"].sum() if c["gross_profit"].sum() > 0 else np.nan
    )
    c = c.sort_index(kind="stable").sort_values("revenue", ascending=False, kind="stable")
    positive = c["revenue"] > 0
    c["rank"] = (
        pd.Series(np.arange(1, positive.sum() + 1), index=c.index[positive])
        .reindex(c.index)
        .astype("Int64")
    )
    c["cum_revenue_share"] = (
        c["revenue"].where(positive).cumsum() / c["revenue"].where(positive).sum()
    ).where(positive)
    c["abc"] = abc_classes(c["revenue"]) if len(c) else pd.Series(dtype="str")
    cols = [
        "accounts",
        "revenue",
        "gross_profit",
        "revenue_share",
        "gp_share",
        "rank",
        "cum_revenue_share",
        "abc",
        "first_date",
        "last_date",
    ]
    return c[cols].rename_axis("client_id").reset_index()


def _base(ever: pd.DataFrame, window: pd.DataFrame, accounts, roll_up) -> pd.DataFrame:
    """Shares in the window plus first purchase ever (up to as_of) and accounts-table facts."""
    parents = _parents(accounts, roll_up)
    window = _finish_shares(_by_client(window, parents)).set_index("client_id")
    ever = _by_client(ever, parents)
    facts = _accounts_by_client(accounts, parents)
    ids = window.index.union(ever.index).union(facts.index)
    base = window.reindex(ids)
    # no sales in the window: zero, not unknown (get_indexer: isin is slow on long str lists)
    absent = window.index.get_indexer(ids) < 0
    for col in ("revenue", "gross_profit", "revenue_share", "gp_share"):
        base.loc[absent, col] = 0.0
    base["accounts"] = base["accounts"].fillna(0).astype("int64")
    base["abc"] = base["abc"].fillna(NON_POSITIVE).astype("str")
    base["first_purchase"] = ever["first_date"].reindex(ids)
    base["last_purchase"] = ever["last_date"].reindex(ids)
    base = base.join(facts.reindex(ids))
    base.index.name = "client_id"
    return base


def client_types(
    transactions: Source,
    accounts: pd.DataFrame | None = None,
    *,
    roll_up: bool = True,
    as_of=None,
    months: int | None = 12,
    breadwinner_share: float = 0.10,
    new_months: int = 12,
    prospect_budget: float | None = None,
) -> pd.DataFrame:
    """Types of each client: breadwinner, perspective, image-maker, expert (several may apply).

    Parameters
    ----------
    transactions, accounts, roll_up, as_of, months
        As for :func:`client_shares`. Clients in `accounts` without sales (prospects) are
        included with zero revenue.
    breadwinner_share : float
        Breadwinner: gross profit in the window >= this share of the portfolio's (10 %).
    new_months : int
        New client: the first purchase ever lies within this many months before `as_of`.
    prospect_budget : float, optional
        The budget a perspective client must have. A client is *perspective* when it is new
        (see `new_months`) or a prospect (``status`` "prospect" in `accounts`) **and** its
        budget is at least this: ``potential_budget`` from `accounts` (summed over a group)
        >= `prospect_budget`, or, for a new client, its revenue in the window already >= it
        (its purchases prove the budget). A new client below it is not perspective however
        new; a new client without a potential budget and smaller revenue is NA (unknown: the
        accounts table's ``potential_budget`` would decide). Default: the window revenue of
        the smallest revenue class-A client, i.e. the client would be a class-A client if
        it bought its budget from us.

    Returns
    -------
    DataFrame
        One row per client, largest first: ``client_id``, ``revenue``, ``gross_profit``,
        ``revenue_share``, ``gp_share``, ``first_purchase``, ``potential_budget``,
        ``prospect``, the boolean flags ``breadwinner``, ``perspective``, ``image_maker``,
        ``expert`` (NA when unknown: no gross profit, no potential budget, or no such column
        in `accounts`), ``perspective_reason`` (the numbers behind it) and ``types`` (the
        types that apply, comma-separated, "" for none).

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["a", "b", "b"],
    ...                    "date": pd.to_datetime(["2023-05-01", "2023-06-01", "2025-06-01"]),
    ...                    "revenue": [100.0, 50.0, 900.0], "gross_profit": [10.0, 5.0, 90.0]})
    >>> accounts = pd.DataFrame({"account_id": ["a", "b", "p"], "expert": [True, False, False],
    ...                          "status": ["client", "client", "prospect"],
    ...                          "potential_budget": [0.0, 0.0, 2000.0]})
    >>> client_types(tx, accounts, as_of="2025-12-31")[["client_id", "types"]]
      client_id        types
    0         b  breadwinner
    1         a       expert
    2         p  perspective

    A new client is perspective only with a budget (here the class-A floor is 900):

    >>> tx2 = pd.concat([tx, pd.DataFrame({"account_id": ["n", "m"],
    ...     "date": pd.to_datetime(["2025-09-01", "2025-10-01"]),
    ...     "revenue": [20.0, 10.0], "gross_profit": [2.0, 1.0]})])
    >>> acc2 = pd.concat([accounts, pd.DataFrame({"account_id": ["n", "m"],
    ...     "status": ["client", "client"], "potential_budget": [5000.0, 50.0]})])
    >>> t = client_types(tx2, acc2, as_of="2025-12-31").set_index("client_id")
    >>> t.loc[["n", "m"], "perspective"].tolist(), t.loc["n", "perspective_reason"]
    ([True, False], 'new: first purchase 2025-09-01; potential budget 5,000 >= 900')
    """
    as_of_ts, ever, window = _scan(transactions, as_of, months)
    out = _types_frame(
        ever,
        window,
        accounts,
        roll_up,
        as_of_ts,
        breadwinner_share,
        new_months,
        prospect_budget,
    )
    cols = [
        "revenue",
        "gross_profit",
        "revenue_share",
        "gp_share",
        "first_purchase",
        "potential_budget",
        "prospect",
        *_TYPES,
        "perspective_reason",
        "types",
    ]
    return out[cols].reset_index()


def _types_frame(
    ever,
    window,
    accounts,
    roll_up,
    as_of_ts,
    breadwinner_share=0.10,
    new_months=12,
    prospect_budget=None,
) -> pd.DataFrame:
    """The body of :func:`client_types` (index client_id, all base columns kept)."""
    if not 0 < breadwinner_share <= 1:
        raise ArgumentError(f"`breadwinner_share` must be in (0, 1], got {breadwinner_share!r}")
    if not isinstance(new_months, (int, np.integer)) or new_months < 1:
        raise ArgumentError(f"`new_months` must be a whole number >= 1, got {new_months!r}")
    out = _base(ever, window, accounts, roll_up)
    out["breadwinner"] = (
        (out["gp_share"] >= breadwinner_share).astype("boolean").mask(out["gp_share"].isna())
    )
    # perspective: new or a prospect, and with a large budget
    new_since = as_of_ts.normalize() - pd.DateOffset(months=int(new_months)) + pd.Timedelta(days=1)
    is_new = out["first_purchase"] >= new_since
    if prospect_budget is None:
        class_a = out.loc[out["abc"] == "A", "revenue"]
        prospect_budget = float(class_a.min()) if len(class_a) else np.inf
    elif (
        isinstance(prospect_budget, bool)
        or not isinstance(prospect_budget, (int, float, np.number))
        or not np.isfinite(prospect_budget)
        or prospect_budget < 0
    ):
        raise ArgumentError(f"`prospect_budget` must be a number >= 0, got {prospect_budget!r}")
    if "prospect" not in out:
        out["prospect"] = pd.array([pd.NA] * len(out), dtype="boolean")
    if "potential_budget" not in out:
        out["potential_budget"] = np.nan
    prospect = out["prospect"].fillna(False).astype(bool)
    budget = out["potential_budget"]
    big = budget >= prospect_budget
    buys = is_new & (out["revenue"] >= prospect_budget)  # its purchases prove the budget
    perspective = (is_new & (big | buys)) | (prospect & big)
    unknown = is_new & ~perspective & budget.isna()  # new, small so far, budget not recorded
    out["perspective"] = perspective.astype("boolean").mask(unknown)
    floor = whole(prospect_budget)
    by_new = is_new & perspective
    by_budget = ~by_new & prospect & big & perspective
    reason = pd.Series("", index=out.index, dtype="object")
    reason[by_new] = [
        (
            _("new: first purchase {date}; potential budget {amount} >= {floor}")
            if has_budget
            else _("new: first purchase {date}; revenue {amount} >= {floor}")
        ).format(date=day(first), amount=whole(b if has_budget else r), floor=floor)
        for first, b, r, has_budget in zip(
            out.loc[by_new, "first_purchase"],
            budget[by_new],
            out.loc[by_new, "revenue"],
            big[by_new],
            strict=True,
        )
    ]
    reason[by_budget] = [
        _("prospect: potential budget {amount} >= {floor}").format(amount=whole(b), floor=floor)
        for b in budget[by_budget]
    ]
    out["perspective_reason"] = reason.astype("str")
    for flag in _FLAGS:
        if flag not in out:
            out[flag] = pd.array([pd.NA] * len(out), dtype="boolean")
    out["types"] = _join_true(out[list(_TYPES)].fillna(False).astype(bool))
    return out.sort_index(kind="stable").sort_values("revenue", ascending=False, kind="stable")


def _join_true(flags: pd.DataFrame) -> pd.Series:
    """Names of the True columns per row, comma-separated ("" for none)."""
    if flags.empty or not len(flags.columns):
        return pd.Series("", index=flags.index, dtype="str")
    names = np.array([f"{c}, " for c in flags.columns], dtype=object)
    joined = flags.to_numpy(dtype=bool).astype(object) @ names
    return pd.Series(joined, index=flags.index).astype("str").str.removesuffix(", ")


def key_client_criteria(
    transactions: Source,
    accounts: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
    *,
    roll_up: bool = True,
    as_of=None,
    months: int = 12,
    profit_cutoff: float = 0.80,
    min_tenure_years: float = 3.0,
    min_growth: float = 0.10,
    min_new_categories: int = 1,
    cost_to_serve: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The key-client criteria per client: met or not, with the number behind each.

    The criteria (``docs/methods.md``), each over the window of `months` months ending `as_of`
    and, where a comparison is needed, the `months` before it:

    - ``stable_high_profit``: the client's profit puts it in class A of an ABC by that profit
      (cut-off `profit_cutoff`) and it was positive in the previous window too. The profit is
      the **contribution** (gross profit minus the client's cost to serve in the same window)
      when `cost_to_serve` is given, so a client that loses money after cost to serve is
      never "stable high profit" (a non-positive contribution is not ranked by the ABC);
      without the table it is the gross profit. Number: that profit in the window; the
      threshold is the smallest profit in class A.
    - ``long_cooperation``: years since the relationship began (``since`` in `accounts`, or
      the first purchase, whichever is earlier) >= `min_tenure_years`. Number: years.
    - ``sales_growth``: revenue growth over the previous window >= `min_growth`. Number: the
      growth (0.25 = +25 %); NA when the previous window had no positive revenue.
    - ``new_business``: product categories (``category`` from `products`; product ids when no
      products table is given) first bought in the window >= `min_new_categories`. Number:
      how many. NA without ``product_id`` in the transactions (and from a
      :func:`kamlib.sales_cube`, which keeps no products).
    - ``market_influence``: the image-maker or expert flag in `accounts`. Number: 1 or 0; NA
      when the flags are unknown.

    `cost_to_serve` (optional) is the canonical cost-to-serve table (``account_id``,
    ``date``, ``amount``), summed per client (rolled up like the sales) in each window.

    Returns
    -------
    DataFrame
        Long format, one row per client and criterion: ``client_id``, ``criterion``,
        ``value``, ``threshold``, ``met`` (boolean, NA when it cannot be judged). Pivot with
        ``.pivot(index="client_id", columns="criterion", values="met")`` for a wide table.

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["a", "a", "b"],
    ...                    "date": pd.to_datetime(["2024-03-01", "2025-03-01", "2025-04-01"]),
    ...                    "revenue": [100.0, 150.0, 50.0], "gross_profit": [20.0, 30.0, 5.0]})
    >>> crit = key_client_criteria(tx, as_of="2025-12-31")
    >>> crit[crit["client_id"] == "a"][["criterion", "value", "threshold", "met"]].round(3)
                criterion   value  threshold    met
    0  stable_high_profit  30.000       30.0   True
    1    long_cooperation   1.834        3.0  False
    2        sales_growth   0.500        0.1   True
    3        new_business     NaN        1.0   <NA>
    4    market_influence     NaN        1.0   <NA>

    With the cost to serve, a client whose contribution is negative is not "stable high profit":

    >>> cts = pd.DataFrame({"account_id": ["a", "a"], "amount": [5.0, 40.0],
    ...                     "date": pd.to_datetime(["2024-03-31", "2025-03-31"])})
    >>> crit = key_client_criteria(tx, as_of="2025-12-31", cost_to_serve=cts)
    >>> crit[crit["criterion"] == "stable_high_profit"][["client_id", "value", "met"]]
      client_id  value    met
    0         a  -10.0  False
    5         b    5.0  False
    """
    if not isinstance(months, (int, np.integer)) or months < 1:
        raise ArgumentError(f"`months` must be a whole number >= 1, got {months!r}")
    as_of_ts, ever, now = _scan(transactions, as_of, months)
    parents = _parents(accounts, roll_up)
    start = window_start(as_of_ts, months)
    prev_end = start - pd.Timedelta(days=1)
    before = _by_client(_totals(transactions, window_start(prev_end, months), prev_end), parents)
    now = _by_client(now, parents)
    ever = _by_client(ever, parents)
    facts = _accounts_by_client(accounts, parents)
    ids = ever.index.union(facts.index)

    # no sales in a window: 0; sales with unknown cost: NaN
    gp_now = now["gross_profit"].reindex(ids).where(now.index.get_indexer(ids) >= 0, 0.0)
    gp_before = before["gross_profit"].reindex(ids).where(before.index.get_indexer(ids) >= 0, 0.0)
    if cost_to_serve is not None and len(cost_to_serve):
        require_columns(cost_to_serve, ["account_id", "date", "amount"], "cost_to_serve")
        cts = cost_to_serve.assign(
            client_id=_client_of(cost_to_serve["account_id"].astype("str"), parents)
        )
        cts_now = until(since(cts, start), as_of_ts).groupby("client_id")["amount"].sum()
        prev = until(since(cts, window_start(prev_end, months)), prev_end)
        cts_before = prev.groupby("client_id")["amount"].sum()
        gp_now = gp_now - cts_now.reindex(ids).fillna(0.0)
        gp_before = gp_before - cts_before.reindex(ids).fillna(0.0)
    known = gp_now.dropna()
    profit_abc = abc_classes(known, cutoffs=(profit_cutoff, max(profit_cutoff, 0.95)))
    class_a = profit_abc[profit_abc == "A"].index
    a_floor = float(known[class_a].min()) if len(class_a) else np.nan
    high = pd.Series(class_a.get_indexer(ids) >= 0, index=ids) & (gp_before > 0)

    began = ever["first_date"].reindex(ids)
    if "since" in facts:
        began = pd.concat([began, facts["since"].reindex(ids)], axis=1).min(axis=1)
    tenure = (as_of_ts - began).dt.days / 365.25

    rev_now = now["revenue"].reindex(ids).fillna(0.0)
    rev_before = before["revenue"].reindex(ids).fillna(0.0)
    growth = (rev_now / rev_before - 1).where(rev_before > 0)

    new_cats = _new_categories(transactions, products, parents, start, as_of_ts).reindex(ids)
    if new_cats is not None and new_cats.notna().any():
        new_cats = new_cats.fillna(0.0)

    flags = facts[[f for f in _FLAGS if f in facts]].reindex(ids)
    if flags.shape[1]:
        influence = flags.fillna(False).astype(bool).any(axis=1).astype("float64")
        influence = influence.mask(flags.isna().all(axis=1))
    else:
        influence = pd.Series(np.nan, index=ids)

    values = {
        "stable_high_profit": (gp_now, a_floor, high),
        "long_cooperation": (tenure, float(min_tenure_years), tenure >= min_tenure_years),
        "sales_growth": (growth, float(min_growth), growth >= min_growth),
        "new_business": (new_cats, float(min_new_categories), new_cats >= min_new_categories),
        "market_influence": (influence, 1.0, influence >= 1),
    }
    frames = []
    for name in CRITERIA:
        value, threshold, met = values[name]
        value = pd.Series(value, index=ids, dtype="float64")
        met = pd.Series(met, index=ids).astype("boolean").mask(value.isna())
        frames.append(
            pd.DataFrame({"criterion": name, "value": value, "threshold": threshold, "met": met})
        )
    out = pd.concat(frames).rename_axis("client_id").reset_index()
    order = pd.Categorical(out["criterion"], categories=CRITERIA, ordered=True)
    out = out.assign(_o=order).sort_values(["client_id", "_o"], kind="stable").drop(columns="_o")
    out["criterion"] = out["criterion"].astype("str")
    return out.reset_index(drop=True)


def _new_categories(transactions, products, parents, start, as_of_ts) -> pd.Series | None:
    """Per client: categories (or products) whose first purchase falls in [start, as_of]."""
    try:
        firsts = aggregate(
            transactions,
            period=None,
            by=("account_id", "product_id"),
            end=as_of_ts,
            measures=(),
            counts=True,
            sort=False,
        )
    except InputError as exc:
        if "product_id" in [p.column for p in exc.problems]:
            return pd.Series(dtype="float64")
        raise
    firsts = firsts.dropna(subset=["account_id", "product_id"])
    key = firsts["product_id"]
    if products is not None and "category" in products:
        category = products.set_index("product_id")["category"]
        key = key.map(category).fillna(key)
    f = pd.DataFrame(
        {
            "client_id": _client_of(firsts["account_id"], parents),
            "key": key,
            "first": firsts["first_date"],
        }
    )
    first = f.groupby(["client_id", "key"])["first"].min()
    return (first >= start).groupby(level="client_id").sum().astype("float64")


_RULE_FLAGS = ("top_clients", "abc_a", *_TYPES)


def key_clients(
    transactions: Source,
    accounts: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
    *,
    rule: Sequence[str] = KEY_CLIENT_RULE,
    require: int = 1,
    top_share: float = 0.10,
    roll_up: bool = True,
    as_of=None,
    months: int = 12,
    **thresholds,
) -> pd.DataFrame:
    """The key clients by a configurable rule, with the reasons each one qualifies.

    Parameters
    ----------
    transactions, accounts, roll_up, as_of, months
        As for :func:`client_shares`.
    products : DataFrame, optional
        Only for the ``new_business`` criterion (categories of products).
    rule : sequence of str
        Conditions, any of: ``top_clients`` (among the top `top_share` of clients by revenue,
        at least one, halves rounded up), ``abc_a`` (revenue class A, 80 %), the types of
        :func:`client_types` (``breadwinner``, ``perspective``, ``image_maker``, ``expert``)
        and the criteria of :func:`key_client_criteria` (:data:`CRITERIA`).
        Default :data:`KEY_CLIENT_RULE`: top 10 % by revenue, breadwinner, image-maker or
        expert.
    require : int
        How many conditions of the rule must hold (1: any; ``len(rule)``: all).
    top_share : float
        Share of clients that ``top_clients`` takes.
    **thresholds
        Passed on to :func:`client_types` or :func:`key_client_criteria` (e.g.
        ``breadwinner_share=0.15``, ``min_tenure_years=5``).

    Returns
    -------
    DataFrame
        The key clients, largest first: ``client_id``, ``revenue``, ``revenue_share``,
        ``gp_share``, ``reasons`` (the conditions met, comma-separated) and ``n_reasons``.

    Notes
    -----
    Why not "revenue class A" by default: class A holds about 80 % of revenue by construction,
    so the key-client share of sales would always exceed the 75 % mono-dependence mark and
    :func:`dependence` would say nothing. The top 10 % of clients by count make the share a
    finding, not a definition.

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": list("abcdefghij"),
    ...                    "date": pd.Timestamp("2025-06-01"),
    ...                    "revenue": [50.0, 20, 8, 6, 5, 4, 3, 2, 1, 1],
    ...                    "gross_profit": [2.0, 1, 4, 1, 1, 1, 1, 1, 0.5, 0.5]})
    >>> key_clients(tx)[["client_id", "revenue_share", "reasons"]]
      client_id  revenue_share                   reasons
    0         a           0.50  top_clients, breadwinner
    1         c           0.08               breadwinner
    """
    as_of_ts, ever, window = _scan(transactions, as_of, months)
    types = _types_frame(
        ever,
        window,
        accounts,
        roll_up,
        as_of_ts,
        **{k: thresholds.pop(k) for k in _TYPE_KW if k in thresholds},
    )
    return _key_table(
        transactions,
        accounts,
        products,
        types,
        rule,
        require,
        top_share,
        roll_up,
        as_of_ts,
        months,
        thresholds,
    ).reset_index()


_TYPE_KW = ("breadwinner_share", "new_months", "prospect_budget")


def _key_table(
    transactions,
    accounts,
    products,
    types,
    rule,
    require,
    top_share,
    roll_up,
    as_of_ts,
    months,
    thresholds,
) -> pd.DataFrame:
    """Key clients from the client types (index client_id), by `rule`."""
    known = set(_RULE_FLAGS) | set(CRITERIA)
    rule = [rule] if isinstance(rule, str) else list(rule)
    unknown = [r for r in rule if r not in known]
    if not rule or unknown:
        raise ArgumentError(
            f"`rule` must name conditions among {sorted(known)}; unknown: {unknown}"
        )
    if not isinstance(require, (int, np.integer)) or not 1 <= require <= len(rule):
        raise ArgumentError(f"`require` must be between 1 and {len(rule)}, got {require!r}")
    if not 0 < top_share <= 1:
        raise ArgumentError(f"`top_share` must be in (0, 1], got {top_share!r}")
    flags = types[list(_TYPES)].fillna(False).astype(bool)
    positive = types["revenue"] > 0
    n_top = max(1, half_up(int(positive.sum()) * top_share)) if positive.any() else 0
    ranked = types.loc[positive, "revenue"].sort_values(ascending=False, kind="stable")
    floor = ranked.iloc[n_top - 1] if n_top else np.inf
    flags["top_clients"] = positive & (types["revenue"] >= floor)  # ties at the floor are in
    flags["abc_a"] = types["abc"] == "A"
    wanted = [r for r in rule if r in CRITERIA]
    if wanted:
        crit = key_client_criteria(
            transactions,
            accounts,
            products,
            roll_up=roll_up,
            as_of=as_of_ts,
            months=months,
            **thresholds,
        )
        wide = crit.pivot(index="client_id", columns="criterion", values="met")
        for name in wanted:
            flags[name] = wide[name].reindex(flags.index).fillna(False).astype(bool)
    elif thresholds:
        raise ArgumentError(f"unknown keyword argument(s) {sorted(thresholds)}")
    chosen = flags[rule]
    n = chosen.sum(axis=1)
    out = types.loc[n >= require, ["revenue", "revenue_share", "gp_share"]].copy()
    out["reasons"] = _join_true(chosen.loc[out.index])
    out["n_reasons"] = n[out.index].astype("int64")
    return out


def key_clients_on_days(
    transactions: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    days=(),
    *,
    roll_up: bool = True,
    months: int = 12,
    top_share: float = 0.10,
    breadwinner_share: float = 0.10,
) -> pd.DataFrame:
    """The key clients of the default rule on each of several days, from one pass over the lines.

    For every day ``d`` of `days`, the same clients and reasons as
    ``key_clients(transactions, accounts, as_of=d, months=months)`` with the default rule
    (:data:`KEY_CLIENT_RULE`: top `top_share` of clients by revenue, breadwinner, image-maker
    or expert, any one of them), without a DuckDB pass per day: the lines are read once,
    sorted by account and day, and each day's window sums are differences of running sums
    kept in double-double precision (so they equal a direct sum of the window's lines to the
    last bit, almost always, like :func:`kamlib.sales_cube`'s totals). The rest is the rule of
    :func:`key_clients` on each day: accounts rolled up to their group, top clients with ties
    at the floor in, breadwinners by share of the window's gross profit, image-makers and
    experts from `accounts` (key on every day).

    Parameters
    ----------
    transactions : DataFrame
        Canonical transactions (``account_id``, ``date``, ``revenue``; ``gross_profit`` or
        ``cost`` for the breadwinners).
    accounts : DataFrame, optional
        As for :func:`key_clients` (``parent_id`` groups, ``image_maker``, ``expert``).
    days : sequence of date-like
        The days to judge (each the end of its window, whole day included).
    roll_up, months, top_share, breadwinner_share
        As for :func:`key_clients` and :func:`client_types`.

    Returns
    -------
    DataFrame
        One row per day and key client, sorted by day and client id: ``as_of`` (the day),
        ``client_id``, ``reasons`` (as in :func:`key_clients`).

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["a", "b", "b"],
    ...                    "date": pd.to_datetime(["2024-03-01", "2024-03-01", "2025-06-01"]),
    ...                    "revenue": [100.0, 10.0, 5.0], "gross_profit": [5.0, 1.0, 1.0]})
    >>> key_clients_on_days(tx, days=["2024-12-31", "2025-12-31"])
           as_of client_id                   reasons
    0 2024-12-31         a  top_clients, breadwinner
    1 2024-12-31         b               breadwinner
    2 2025-12-31         b  top_clients, breadwinner
    """
    if not 0 < top_share <= 1:
        raise ArgumentError(f"`top_share` must be in (0, 1], got {top_share!r}")
    if not 0 < breadwinner_share <= 1:
        raise ArgumentError(f"`breadwinner_share` must be in (0, 1], got {breadwinner_share!r}")
    stamps = [as_timestamp(d, "days") for d in days]
    cut = pd.DatetimeIndex([d.normalize() for d in stamps if d is not None]).unique()
    cut = cut.sort_values()
    rule = list(KEY_CLIENT_RULE)
    empty = pd.DataFrame(
        {
            "as_of": pd.Series(dtype="datetime64[us]"),
            "client_id": pd.Series(dtype="str"),
            "reasons": pd.Series(dtype="str"),
        }
    )
    if not len(cut):
        return empty
    starts = [window_start(d, months) for d in cut]  # checks `months`
    epoch = pd.Timestamp("1970-01-01")
    lo = np.array([(s - epoch).days for s in starts], dtype="int64")
    hi = np.array([(d - epoch).days + 1 for d in cut], dtype="int64")  # exclusive
    ids, day, revenue, profit = _day_lines(transactions, cut[-1])
    parents = _parents(accounts, roll_up)
    facts = _accounts_by_client(accounts, parents)

    # accounts -> clients; the clients (sorted, like the groups of `_by_client`) are those with
    # lines and those of the accounts table, whose image-maker and expert flags hold every day
    acc_codes, acc_ids = pd.factorize(pd.Series(ids, dtype="object"), sort=True)
    acc_client = _client_of(pd.Series(acc_ids, dtype="object"), parents)
    clients = pd.Index(acc_client).union(facts.index).unique().sort_values()
    client_of = clients.get_indexer(acc_client)
    static = {
        f: facts[f].fillna(False).astype(bool).reindex(clients, fill_value=False).to_numpy()
        if f in facts
        else np.zeros(len(clients), dtype=bool)
        for f in _FLAGS
    }

    # lines sorted by account and day; running sums in double-double, null counts
    span = int(max(day.max(initial=0) - day.min(initial=0), 0)) + 2
    first = int(day.min(initial=0))
    keys = acc_codes.astype("int64") * span + (day - first)
    order = np.argsort(keys, kind="stable")
    run = {name: _running_sum(values[order]) for name, values in (("r", revenue), ("g", profit))}

    # where each account's lines start, and how many of them lie before each window's bounds:
    # lines counted per account and interval between bounds, summed up (one pass, no search)
    n_clients, n_acc = len(clients), len(acc_ids)
    bounds, where = np.unique(np.concatenate([lo, hi]), return_inverse=True)
    bucket = np.searchsorted(bounds, day[order], side="right")  # the bounds on or before it
    counts = np.bincount(bucket * n_acc + acc_codes[order], minlength=(len(bounds) + 1) * n_acc)
    before = np.cumsum(counts.reshape(len(bounds) + 1, n_acc), axis=0)  # row j: day < bounds[j]
    begins = np.concatenate([[0], np.cumsum(np.bincount(acc_codes, minlength=n_acc))[:-1]])
    at, chosen, met = [], [], {r: [] for r in rule}
    for i in range(len(cut)):
        left = begins + before[where[i]]
        right = begins + before[where[len(cut) + i]]
        present = right > left
        left, right, owner = left[present], right[present], client_of[present]
        rev, rev_unknown = _window_sum(run["r"], left, right)
        gp, gp_unknown = _window_sum(run["g"], left, right)
        # per client, as `_by_client`: revenue skips unknown accounts, profit unknown if any is
        in_window = np.bincount(owner, minlength=n_clients) > 0
        # (floats even for a window without lines, where bincount would give integers)
        rev_c = np.bincount(owner, weights=np.where(rev_unknown, 0.0, rev), minlength=n_clients)
        rev_c = rev_c.astype("float64")
        gp_c = np.bincount(owner, weights=np.where(gp_unknown, 0.0, gp), minlength=n_clients)
        gp_c = gp_c.astype("float64")
        gp_c[np.bincount(owner, weights=gp_unknown, minlength=n_clients) > 0] = np.nan
        total = np.nansum(gp_c[in_window])  # the clients in the window, in client order
        with np.errstate(invalid="ignore", divide="ignore"):
            share = gp_c / total if total > 0 else np.full(n_clients, np.nan)
            breadwinner = in_window & (share >= breadwinner_share)
        positive = in_window & (rev_c > 0)
        n_pos = int(positive.sum())
        top = np.zeros(n_clients, dtype=bool)
        if n_pos:
            n_top = max(1, half_up(n_pos * top_share))
            floor = np.sort(rev_c[positive])[::-1][n_top - 1]
            top = positive & (rev_c >= floor)  # ties at the floor are in
        flags = {"top_clients": top, "breadwinner": breadwinner, **static}
        key = np.flatnonzero(np.logical_or.reduce([flags[r] for r in rule]))
        at.append(np.full(len(key), i))
        chosen.append(key)
        for r in rule:
            met[r].append(flags[r][key])
    at, chosen = np.concatenate(at), np.concatenate(chosen)
    if not len(chosen):
        return empty
    out = pd.DataFrame(
        {
            "as_of": cut[at].astype("datetime64[us]"),
            "client_id": clients[chosen].astype("str"),
            "reasons": _join_true(pd.DataFrame({r: np.concatenate(met[r]) for r in rule})),
        }
    )
    return out


def _day_lines(transactions: pd.DataFrame, last: pd.Timestamp):
    """Account id, day number (days since 1970), revenue and gross profit of every line up to
    the day `last`, with :func:`kamlib.portfolio.cube.aggregate`'s casts and checks."""
    if not isinstance(transactions, pd.DataFrame):
        raise ArgumentError("`transactions` must be a DataFrame")
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    try:
        source, params, names = relation(con, transactions)
        require_columns(names, ("account_id", "date", "revenue"), "transactions")
        num = {
            c: f'CAST("{c}" AS DOUBLE)' if c in names else "CAST(NULL AS DOUBLE)"
            for c in ("revenue", "cost", "gross_profit")
        }
        profit = f"coalesce({num['gross_profit']}, {num['revenue']} - {num['cost']})"
        end = (last.normalize() + pd.Timedelta(days=1)).to_pydatetime()
        src = (
            "SELECT CAST(account_id AS VARCHAR) AS account_id, CAST(date AS TIMESTAMP) AS date,"
            f" {num['revenue']} AS revenue, {profit} AS gross_profit FROM {source}"
        )
        undated, no_id = con.execute(
            f"SELECT count(*) - count(date), count(*) FILTER (WHERE account_id IS NULL AND date < ?)"
            f" FROM ({src})",
            [*params, end],
        ).fetchone()
        if undated:
            raise InputError(
                [
                    Problem(
                        "transactions",
                        None,
                        "date",
                        "missing-date",
                        f"{undated} line(s) without a date cannot be placed in the window",
                    )
                ]
            )
        if no_id:
            raise InputError(
                [
                    Problem(
                        "transactions", None, "account_id", "missing-id", "lines without account id"
                    )
                ]
            )
        lines = con.execute(
            "SELECT account_id, date_diff('day', DATE '1970-01-01', CAST(date AS DATE)) AS day,"
            f" revenue, gross_profit FROM ({src}) WHERE date < ?",
            [*params, end],
        ).fetchnumpy()
    finally:
        con.close()
    return (
        np.ma.filled(lines["account_id"], None).astype(object),
        np.ma.filled(lines["day"], 0).astype("int64"),
        np.ma.filled(lines["revenue"].astype("float64"), np.nan),
        np.ma.filled(lines["gross_profit"].astype("float64"), np.nan),
    )


def _running_sum(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Running sums of `values` from 0, in double-double (high part, low part), and running
    counts of NaN values (NaN lines count 0 in the sums)."""
    unknown = np.isnan(values)
    x = np.where(unknown, 0.0, values)
    high = np.concatenate(([0.0], np.cumsum(x)))  # cumsum adds one by one: high[k] = fl(...)
    before, after = high[:-1], high[1:]
    back = after - before
    error = (before - (after - back)) + (x - back)  # exactly before + x - after (two-sum)
    low = np.concatenate(([0.0], np.cumsum(error)))
    nans = np.concatenate(([0], np.cumsum(unknown, dtype="int64")))
    return high, low, nans


def _window_sum(run, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sums of positions [left, right) from running sums, and whether a value was NaN."""
    high, low, nans = run
    a, b = high[right], -high[left]
    s = a + b
    back = s - a
    error = (a - (s - back)) + (b - back)
    return s + (error + (low[right] - low[left])), nans[right] > nans[left]


# ---- dependence -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Dependence:
    """How dependent the portfolio is on key clients and on single clients.

    Attributes
    ----------
    key_share : float
        Share of sales held by the key clients (0-1).
    key_band : str
        ``"below"``, ``"within"`` or ``"above"`` the typical band (30-55 %).
    mono_dependent : bool
        Key clients hold more than 75 % of sales.
    key_clients : tuple of str
        The key clients' ids.
    hhi : float
        Herfindahl-Hirschman index on revenue shares, 0-10 000.
    hhi_band : str
        ``"unconcentrated"`` (below 1 500), ``"moderately concentrated"`` (1 500-2 500) or
        ``"highly concentrated"`` (above 2 500).
    effective_clients : float
        1 / sum of squared shares: as many equal clients would give the same concentration.
    cr1, cr5, cr10 : float
        Shares of the largest 1, 5 and 10 clients.
    n_clients : int
        Clients with positive sales in the window.
    large_clients : DataFrame
        Clients holding >= 10 % of sales: ``client_id``, ``revenue``, ``revenue_share``,
        ``level`` (``"disclosure (>= 10 %)"``, ``"dependence (> 20 %)"``,
        ``"mono-client (>= 50 %)"``).
    band, mono, single, hhi_bands
        The thresholds used (see :func:`dependence`). The findings in words, one per indicator,
        are :func:`kamlib.words.dependence_table` and :func:`kamlib.words.dependence_sentences`.
    """

    key_share: float
    key_band: str
    mono_dependent: bool
    key_clients: tuple[str, ...]
    hhi: float
    hhi_band: str
    effective_clients: float
    cr1: float
    cr5: float
    cr10: float
    n_clients: int
    large_clients: pd.DataFrame
    band: tuple[float, float] = (0.30, 0.55)
    mono: float = 0.75
    single: tuple[float, float, float] = (0.10, 0.20, 0.50)
    hhi_bands: tuple[float, float] = (1500.0, 2500.0)


def dependence(
    transactions: Source,
    accounts: pd.DataFrame | None = None,
    *,
    key: Collection[str] | None = None,
    roll_up: bool = True,
    as_of=None,
    months: int | None = 12,
    band: tuple[float, float] = (0.30, 0.55),
    mono: float = 0.75,
    single: tuple[float, float, float] = (0.10, 0.20, 0.50),
    hhi_bands: tuple[float, float] = (1500.0, 2500.0),
    key_rule: Mapping[str, object] | None = None,
) -> Dependence:
    """Dependence on key clients and on single clients, concentration, each in words.

    Parameters
    ----------
    transactions, accounts, roll_up, as_of, months
        As for :func:`client_shares`.
    key : collection of str, optional
        The key clients' ids (after roll-up). Default: :func:`key_clients` with its default
        rule (or with `key_rule`, a dict of its keyword arguments).
    band : (float, float)
        The typical key-client share of sales (30-55 %).
    mono : float
        Key clients above this share (75 %) mean mono-dependence.
    single : (float, float, float)
        Levels for one client: >= 10 % (disclosure level of accounting standards), > 20 %
        (dependence), >= 50 % (mono-client).
    hhi_bands : (float, float)
        HHI below the first is unconcentrated, above the second highly concentrated.

    Returns
    -------
    Dependence
        The figures, the large clients and the thresholds used.

    Notes
    -----
    Shares here are of the revenue of clients with positive revenue in the window (a client
    with net returns is not part of the concentration).

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["a", "b", "c", "d"], "date": pd.Timestamp("2025-06-01"),
    ...                    "revenue": [40.0, 30.0, 20.0, 10.0]})
    >>> d = dependence(tx, key=["a"])
    >>> d.hhi, round(d.effective_clients, 2), d.cr1
    (3000.0, 3.33, 0.4)
    >>> d.key_share, d.key_band
    (0.4, 'within')
    """
    lo, hi = band
    if not 0 <= lo <= hi <= 1:
        raise ArgumentError(f"`band` must be (low, high) with 0 <= low <= high <= 1, got {band!r}")
    s10, s20, s50 = single
    if not 0 < s10 <= s20 <= s50 <= 1:
        raise ArgumentError(f"`single` must be three increasing shares in (0, 1], got {single!r}")
    h_lo, h_hi = hhi_bands
    if not 0 <= h_lo <= h_hi <= 10_000:
        raise ArgumentError(f"`hhi_bands` must be increasing within 0-10 000, got {hhi_bands!r}")

    rule_kw = dict(key_rule or {})
    as_of_ts, ever, window = _scan(transactions, as_of, months)
    types = _types_frame(
        ever,
        window,
        accounts,
        roll_up,
        as_of_ts,
        **{k: rule_kw.pop(k) for k in _TYPE_KW if k in rule_kw},
    )
    pos = types.loc[types["revenue"] > 0, ["revenue"]].reset_index()
    s = revenue_shares(pos["revenue"])
    pos["revenue_share"] = s
    if key is None:
        kc = _key_table(
            transactions,
            accounts,
            rule_kw.pop("products", None),
            types,
            rule_kw.pop("rule", KEY_CLIENT_RULE),
            rule_kw.pop("require", 1),
            rule_kw.pop("top_share", 0.10),
            roll_up,
            as_of_ts,
            months,
            rule_kw,
        )
        key = kc.index.tolist()
    key = tuple(sorted(set(map(str, key))))
    key_share = float(s[pos["client_id"].isin(key)].sum()) if len(pos) else 0.0
    key_band = "below" if key_share < lo else ("above" if key_share > hi else "within")
    mono_dep = key_share > mono

    hhi = float((100 * s).pow(2).sum()) if len(pos) else 0.0
    band_name = (
        "unconcentrated"
        if hhi < h_lo
        else ("moderately concentrated" if hhi <= h_hi else "highly concentrated")
    )
    eff = float(1 / s.pow(2).sum()) if len(pos) else 0.0
    cr = {k: float(s.iloc[:k].sum()) for k in (1, 5, 10)}

    large = pos[s >= s10].copy()
    large["level"] = np.select(
        [large["revenue_share"] >= s50, large["revenue_share"] > s20],
        [
            _("mono-client (>= {share} %)").format(share=f"{s50 * 100:.0f}"),
            _("dependence (> {share} %)").format(share=f"{s20 * 100:.0f}"),
        ],
        _("disclosure (>= {share} %)").format(share=f"{s10 * 100:.0f}"),
    )
    large = large.reset_index(drop=True)

    return Dependence(
        key_share=key_share,
        key_band=key_band,
        mono_dependent=bool(mono_dep),
        key_clients=key,
        hhi=hhi,
        hhi_band=band_name,
        effective_clients=eff,
        cr1=cr[1],
        cr5=cr[5],
        cr10=cr[10],
        n_clients=len(pos),
        large_clients=large,
        band=(float(lo), float(hi)),
        mono=float(mono),
        single=(float(s10), float(s20), float(s50)),
        hhi_bands=(float(h_lo), float(h_hi)),
    )

"""Competitiveness of clients, their interest in sales, the 2x2 of both, and prospect qualification.

Definitions (docs/methods.md, "Competitiveness, interest in sales, prospects"):

* **competitiveness**: scores 1-10 per category from the ``scores`` table; the client's index is
  the weighted mean of the latest score of each category, and its change is measured against
  the index just before the latest assessment;
* **interest in sales**: computed from the transactions (number of orders, order size, breadth
  of products, growth), each component ranked across clients and the total scaled to 1-10
  (see :func:`sales_interest` for the scaling);
* the 2x2 of the two places each client in a quadrant with a strategy (:data:`QUADRANTS`);
* **prospects** are qualified when all three P hold: need, solvency, authority.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamlib.errors import ArgumentError, InputError, Problem
from kamlib.language import N_
from kamlib.language import gettext as _
from kamlib.schema import require_columns

__all__ = [
    "Competitiveness",
    "competitiveness",
    "sales_interest",
    "INTEREST_COMPONENTS",
    "QUADRANTS",
    "strategy_quadrants",
    "qualify_prospects",
]

INTEREST_COMPONENTS = ("orders", "order_size", "breadth", "growth")
"""The components of :func:`sales_interest`, equally weighted by default."""

QUADRANTS: dict[tuple[str, str], tuple[str, str]] = {
    ("high", "high"): (
        "partner",
        N_("invest in the relationship: joint planning, long-term agreement, dedicated team"),
    ),
    ("high", "low"): (
        "win interest",
        N_(
            "strong client with little interest in us: find unmet needs, show added value, "
            "grow the share of wallet"
        ),
    ),
    ("low", "high"): (
        "support",
        N_("keen but weak client: help it grow (training, marketing support), watch credit risk"),
    ),
    ("low", "low"): (
        "maintain",
        N_("standard low-cost service; review whether to keep investing"),
    ),
}
"""(competitiveness level, interest level) -> (quadrant name, strategy). Override per call.

The quadrant name is a code (compared by the words and plots, shown in words by
``kamlib.words.scoring``); the strategy is the English of the catalogues, given in the reader's
language by :func:`strategy_quadrants` unless the caller overrides it."""


_P = ("need", "solvency", "authority")
# what a prospect's ``missing`` says of each P (";"-separated)
_P_UNKNOWN = {
    "need": N_("need unknown"),
    "solvency": N_("solvency unknown"),
    "authority": N_("authority unknown"),
}
_P_NO = {"need": N_("no need"), "solvency": N_("no solvency"), "authority": N_("no authority")}


@dataclass(frozen=True)
class Competitiveness:
    """Result of :func:`competitiveness`.

    Attributes
    ----------
    by_category : DataFrame
        One row per client and category: ``account_id``, ``category``, ``date``, ``score``
        (latest), ``previous_date``, ``previous_score``, ``change`` and ``weight``.
    by_client : DataFrame
        Index ``account_id``: ``date`` (latest assessment), ``competitiveness`` (weighted
        index), ``previous_date``, ``previous_competitiveness`` (index just before the
        latest assessment), ``change`` and ``categories`` (number of categories in the index).
    """

    by_category: pd.DataFrame
    by_client: pd.DataFrame


def _latest(scores: pd.DataFrame) -> pd.DataFrame:
    """Per client and category: the latest and previous assessment (mean over same-day rows)."""
    daily = scores.groupby(["account_id", "category", "date"], as_index=False)["score"].mean()
    daily = daily.sort_values(["account_id", "category", "date"], ascending=[True, True, False])
    nth = daily.groupby(["account_id", "category"]).cumcount()
    latest = daily[nth == 0].set_index(["account_id", "category"])
    previous = daily[nth == 1].set_index(["account_id", "category"])
    out = latest.join(previous.add_prefix("previous_"))
    out["change"] = out["score"] - out["previous_score"]
    return out


def _index(latest: pd.DataFrame, weights: pd.Series) -> pd.DataFrame:
    """Weighted mean of the latest scores per client."""
    w = weights.reindex(latest.index.get_level_values("category")).to_numpy()
    parts = pd.DataFrame(
        {"ws": latest["score"].to_numpy() * w, "w": w, "date": latest["date"].to_numpy()},
        index=latest.index.get_level_values("account_id"),
    )
    grouped = parts.groupby(level=0)
    out = pd.DataFrame(
        {"date": grouped["date"].max(), "competitiveness": grouped["ws"].sum() / grouped["w"].sum()}
    )
    out["categories"] = grouped.size().astype("int64")
    return out


def competitiveness(
    scores: pd.DataFrame,
    *,
    weights: Mapping[str, float] | None = None,
    as_of: str | pd.Timestamp | None = None,
) -> Competitiveness:
    """Latest competitiveness per client and category, the weighted index and its change.

    Parameters
    ----------
    scores : DataFrame
        Canonical scores: ``account_id``, ``date``, ``category``, ``score`` (1-10). Several
        rows for the same client, category and day (several assessors) are averaged; rows
        missing any of these four values are ignored.
    weights : mapping category -> weight, optional
        Weights of the index; default equal weights. Every scored category needs a weight
        (give 0 to leave one out on purpose); weights must be >= 0.
    as_of : date-like, optional
        Ignore assessments after this date.

    Returns
    -------
    Competitiveness
        ``by_category`` and ``by_client`` frames (see :class:`Competitiveness`). The index
        uses each category's latest score; the previous index uses the scores dated before
        the client's latest assessment date (NaN when there is none), so ``change`` is the
        change since the previous assessment.

    Examples
    --------
    >>> scores = pd.DataFrame({
    ...     "account_id": ["a", "a", "a", "a"],
    ...     "date": pd.to_datetime(["2023-06-01", "2023-06-01", "2024-06-01", "2024-06-01"]),
    ...     "category": ["image", "logistics", "image", "logistics"],
    ...     "score": [6.0, 4.0, 8.0, 5.0],
    ... })
    >>> comp = competitiveness(scores, weights={"image": 2, "logistics": 1})
    >>> comp.by_client[["competitiveness", "previous_competitiveness", "change"]]
    ... # doctest: +NORMALIZE_WHITESPACE
                competitiveness  previous_competitiveness  change
    account_id
    a                       7.0                  5.333333  1.666667
    """
    require_columns(scores, ["account_id", "date", "category", "score"], "scores")
    if as_of is not None:  # the whole day as_of is included
        scores = scores[scores["date"] < pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)]
    data = scores.dropna(subset=["account_id", "date", "category", "score"])
    categories = sorted(data["category"].unique())
    if weights is None:
        w = pd.Series(1.0, index=categories, dtype="float64")
    else:
        w = pd.Series(dict(weights), dtype="float64")
        missing = [c for c in categories if c not in w.index]
        if missing or (w < 0).any() or (len(w) and w.sum() <= 0):
            raise ArgumentError(
                "`weights` needs a weight >= 0 (not all zero) for every scored category; "
                f"missing: {missing}, given: {dict(weights)}"
            )
    latest = _latest(data)
    by_category = latest.assign(
        weight=w.reindex(latest.index.get_level_values("category")).to_numpy()
    )
    by_category = by_category.reset_index()[
        [
            "account_id",
            "category",
            "date",
            "score",
            "previous_date",
            "previous_score",
            "change",
            "weight",
        ]
    ]

    now = _index(latest, w)
    last_date = data.groupby("account_id")["date"].transform("max")
    before = _latest(data[data["date"] < last_date])
    then = _index(before, w) if len(before) else now.iloc[:0]
    by_client = now[["date", "competitiveness"]].join(
        then[["date", "competitiveness"]].add_prefix("previous_")
    )
    by_client["change"] = by_client["competitiveness"] - by_client["previous_competitiveness"]
    by_client["categories"] = now["categories"]
    by_client.index.name = "account_id"
    return Competitiveness(by_category.reset_index(drop=True), by_client.sort_index())


def _rank01(values: pd.Series) -> pd.Series:
    """Rank scaled to 0 (lowest) .. 1 (highest), ties averaged; 0.5 for a single value."""
    known = values.notna().sum()
    if known <= 1:
        return values.where(values.isna(), 0.5)
    return (values.rank(method="average") - 1) / (known - 1)


def sales_interest(
    transactions: pd.DataFrame,
    *,
    as_of: str | pd.Timestamp | None = None,
    months: int = 12,
    weights: Mapping[str, float] | None = None,
    account: str = "account_id",
    among: Collection[str] | None = None,
) -> pd.DataFrame:
    """Interest of each client in buying from us, from its transactions, on a 1-10 scale.

    Components, over the last `months` up to `as_of`:

    * ``orders``: number of orders (distinct order ids; lines without one count as one order
      per client and day);
    * ``order_size``: net revenue per order (NaN without orders);
    * ``breadth``: distinct products bought (NaN for everyone when ``product_id`` is absent);
    * ``growth``: net revenue change against the `months` before, as a share of them (NaN when
      that revenue is not positive, e.g. for a new client).

    Scaling: each component is ranked across the clients and the rank mapped linearly onto
    0 (lowest) .. 1 (highest), ties sharing the average rank; a component that is NaN for a
    client is left out of that client's mean. The total is the weighted mean of the
    component ranks, and ``interest = 1 + 9 x total``: a client ranked first on every
    component scores 10, last on every component 1, a lone client 5.5. Interest is therefore
    relative to the clients it is ranked among, not an absolute level: for the
    competitiveness x interest 2x2 rank it among the assessed clients (`among`), else the
    assessed key accounts all rank high against a portfolio of small clients.

    Parameters
    ----------
    transactions : DataFrame
        Canonical transactions (``order_id`` and ``product_id`` used when present).
    as_of : date-like, optional
        End of the window; default the last transaction date.
    months : int, default 12
        Length of the window (and of the previous window for growth).
    weights : mapping component -> weight, optional
        Weights of :data:`INTEREST_COMPONENTS` (>= 0); components not named keep weight 1.
    account : str, default "account_id"
        Column identifying the client.
    among : collection of str, optional
        Rank among these clients only (e.g. the clients with competitiveness scores); the
        others are left out of the result. Default: every client with lines.

    Returns
    -------
    DataFrame
        One row per client with lines in either window (and in `among` when given; index
        `account`): the four components, their ranks ``orders_rank`` ... ``growth_rank``
        (0-1) and ``interest``.

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "account_id": ["a", "a", "a", "b", "b"],
    ...     "date": pd.to_datetime(["2023-06-01", "2024-03-01", "2024-04-01",
    ...                             "2023-07-01", "2024-05-01"]),
    ...     "revenue": [100.0, 100.0, 100.0, 100.0, 50.0],
    ...     "order_id": ["1", "2", "3", "4", "5"],
    ...     "product_id": ["p", "p", "q", "p", "p"],
    ... })
    >>> si = sales_interest(tx, as_of="2024-12-31")
    >>> si[["orders", "order_size", "breadth", "growth", "interest"]]
    ... # doctest: +NORMALIZE_WHITESPACE
                orders  order_size  breadth  growth  interest
    account_id
    a                2       100.0        2     1.0      10.0
    b                1        50.0        1    -0.5       1.0
    >>> sales_interest(tx, as_of="2024-12-31", among=["b"])["interest"].tolist()
    [5.5]
    """
    require_columns(transactions, [account, "date", "revenue"], "transactions")
    if months < 1:
        raise ArgumentError(f"`months` must be >= 1, got {months!r}")
    w = pd.Series(1.0, index=list(INTEREST_COMPONENTS))
    if weights is not None:
        unknown = set(weights) - set(INTEREST_COMPONENTS)
        if unknown or any(v < 0 for v in weights.values()):
            names = ", ".join(INTEREST_COMPONENTS)
            raise ArgumentError(f"`weights` takes weights >= 0 for {names}; got {dict(weights)}")
        w.update(pd.Series(dict(weights), dtype="float64"))
        if w.sum() <= 0:
            raise ArgumentError("`weights` must not all be zero")
    if as_of is None:
        if transactions.empty:
            raise ArgumentError("`as_of` is needed when there are no transactions")
        as_of = transactions["date"].max()
    as_of = pd.Timestamp(as_of)
    stop = as_of.normalize() + pd.Timedelta(days=1)  # the whole day as_of is included
    middle = stop - pd.DateOffset(months=months)
    begin = middle - pd.DateOffset(months=months)
    tx = transactions[(transactions["date"] >= begin) & (transactions["date"] < stop)]
    current = tx[tx["date"] >= middle]
    clients = pd.Index(tx[account].unique(), name=account).sort_values()
    if among is not None:
        if isinstance(among, str):
            raise ArgumentError(f"`among` takes a collection of client ids, got {among!r}")
        wanted = pd.Index(list(among))
        clients = clients[clients.isin(wanted)]
        tx = tx[tx[account].isin(clients)]
        current = tx[tx["date"] >= middle]

    order = (
        current["order_id"]
        if "order_id" in current.columns
        else pd.Series(pd.NA, index=current.index, dtype="str")
    )
    grouped = current.assign(
        _order=order, _day=current["date"].dt.normalize().where(order.isna())
    ).groupby(account)
    out = pd.DataFrame(index=clients)
    out["orders"] = (
        (grouped["_order"].nunique() + grouped["_day"].nunique())
        .reindex(clients, fill_value=0)
        .astype("int64")
    )
    revenue_now = grouped["revenue"].sum().reindex(clients, fill_value=0.0)
    out["order_size"] = revenue_now / out["orders"].where(out["orders"] > 0)
    if "product_id" in current.columns:
        out["breadth"] = (
            grouped["product_id"].nunique().reindex(clients, fill_value=0).astype("int64")
        )
    else:
        out["breadth"] = np.nan
    revenue_before = (
        tx[tx["date"] < middle].groupby(account)["revenue"].sum().reindex(clients, fill_value=0.0)
    )
    out["growth"] = (revenue_now - revenue_before) / revenue_before.where(revenue_before > 0)

    ranks = pd.DataFrame(
        {f"{c}_rank": _rank01(out[c].astype("float64")) for c in INTEREST_COMPONENTS}
    )
    weight_rows = ranks.notna() * w.to_numpy()
    total = (ranks.fillna(0.0) * w.to_numpy()).sum(axis=1) / weight_rows.sum(axis=1).where(
        lambda s: s > 0
    )
    out = out.join(ranks)
    out["interest"] = 1 + 9 * total
    return out


def strategy_quadrants(
    competitiveness_index: pd.Series,
    interest: pd.Series,
    *,
    threshold: float = 5.5,
    strategies: Mapping[tuple[str, str], tuple[str, str]] | None = None,
    rank_interest: bool = True,
) -> pd.DataFrame:
    """Place each client in the competitiveness x interest 2x2 and give the quadrant's strategy.

    Interest is relative (:func:`sales_interest`): ranked over a whole portfolio, every
    assessed key account is "high". So by default the interest of the clients with a
    competitiveness score is ranked again among them only (``1 + 9 x rank``, rank 0-1, ties
    averaged, the same scale as :func:`sales_interest`), and "high" means the upper half of
    the assessed clients; the given value is kept as ``interest_given``. Competitiveness is
    an assessed 1-10 score and is compared with `threshold` as given.

    Parameters
    ----------
    competitiveness_index : Series
        Competitiveness 1-10 by client (``competitiveness(...).by_client["competitiveness"]``).
    interest : Series
        Interest 1-10 by client (``sales_interest(...)["interest"]``).
    threshold : float, default 5.5
        Midpoint of the 1-10 scale; a value >= threshold is "high".
    strategies : mapping, optional
        Overrides of :data:`QUADRANTS`, keyed by (competitiveness level, interest level).
    rank_interest : bool, default True
        Rank interest among the clients with a competitiveness score (see above); False
        uses `interest` as given (already ranked among them, e.g.
        ``sales_interest(..., among=scored_clients)``).

    Returns
    -------
    DataFrame
        One row per client in either input (index sorted): ``competitiveness``,
        ``interest`` (ranked among the assessed clients with `rank_interest`),
        ``interest_given``, ``competitiveness_level`` and ``interest_level`` ("high"/"low"),
        ``quadrant`` and ``strategy``. A client missing one of the two values gets quadrant
        "not placed" and a strategy saying which value is missing.

    Examples
    --------
    >>> comp = pd.Series({"a": 8.0, "b": 3.0, "c": 7.0})
    >>> inter = pd.Series({"a": 9.0, "b": 2.5, "d": 4.0})
    >>> strategy_quadrants(comp, inter)[["competitiveness", "interest", "quadrant"]]
    ... # doctest: +NORMALIZE_WHITESPACE
       competitiveness  interest    quadrant
    a              8.0      10.0     partner
    b              3.0       1.0    maintain
    c              7.0       NaN  not placed
    d              NaN       4.0  not placed

    Two assessed clients that are both keen against the whole portfolio (8 and 9) are
    told apart among the assessed:

    >>> q = strategy_quadrants(pd.Series({"a": 8.0, "b": 3.0}), pd.Series({"a": 8.0, "b": 9.0}))
    >>> q["quadrant"].tolist()
    ['win interest', 'support']
    """
    defaults = {key: (name, _(text)) for key, (name, text) in QUADRANTS.items()}
    table = {**defaults, **(strategies or {})}
    if not isinstance(rank_interest, (bool, np.bool_)):
        raise ArgumentError(f"`rank_interest` must be True or False, got {rank_interest!r}")
    out = pd.concat(
        [competitiveness_index.rename("competitiveness"), interest.rename("interest")], axis=1
    ).astype("float64")
    out = out.sort_index()
    out["interest_given"] = out["interest"]
    if rank_interest:
        assessed = out["competitiveness"].notna() & out["interest"].notna()
        out.loc[assessed, "interest"] = 1 + 9 * _rank01(out.loc[assessed, "interest"])
    levels = {}
    for col in ("competitiveness", "interest"):
        levels[col] = pd.Series(
            np.where(out[col] >= threshold, "high", "low"), index=out.index
        ).where(out[col].notna())
        out[f"{col}_level"] = levels[col].astype("str")
    names = pd.Series({k: v[0] for k, v in table.items()})
    texts = pd.Series({k: v[1] for k, v in table.items()})
    keys = pd.MultiIndex.from_arrays([levels["competitiveness"], levels["interest"]])
    out["quadrant"] = names.reindex(keys).to_numpy()
    out["strategy"] = texts.reindex(keys).to_numpy()
    missing_c, missing_i = out["competitiveness"].isna(), out["interest"].isna()
    out.loc[missing_c | missing_i, "quadrant"] = "not placed"
    out.loc[missing_c & missing_i, "strategy"] = _("no competitiveness score and no interest")
    out.loc[missing_c & ~missing_i, "strategy"] = _("no competitiveness score: assess the client")
    out.loc[~missing_c & missing_i, "strategy"] = _("no interest: no transactions in the window")
    return out.astype({"quadrant": "str", "strategy": "str"})


def qualify_prospects(accounts: pd.DataFrame, *, status: str | None = "prospect") -> pd.DataFrame:
    """Three-P qualification of prospects: need, solvency, authority.

    Parameters
    ----------
    accounts : DataFrame
        Canonical accounts; ``need``, ``solvency`` and ``authority`` are booleans (missing
        = unknown; an absent column makes that P unknown for everyone).
    status : str or None, default "prospect"
        Keep the accounts whose ``status`` is this (case-insensitive); None keeps all.

    Returns
    -------
    DataFrame
        Index ``account_id``: ``name`` (when given), ``need``, ``solvency``, ``authority``
        (boolean, NA = unknown), ``qualified`` (all three true) and ``missing``: what is
        missing, in words (empty when qualified), e.g. "no need; solvency unknown".

    Examples
    --------
    >>> accounts = pd.DataFrame({
    ...     "account_id": ["p1", "p2", "c1"],
    ...     "status": ["prospect", "prospect", "client"],
    ...     "need": pd.array([True, True, True], dtype="boolean"),
    ...     "solvency": pd.array([True, None, True], dtype="boolean"),
    ...     "authority": pd.array([True, False, True], dtype="boolean"),
    ... })
    >>> qualify_prospects(accounts)[["qualified", "missing"]]  # doctest: +NORMALIZE_WHITESPACE
                qualified                           missing
    account_id
    p1               True
    p2              False  solvency unknown; no authority
    """
    require_columns(accounts, ["account_id"], "accounts")
    rows = accounts
    if status is not None:
        if "status" not in accounts.columns:
            raise InputError(
                [
                    Problem(
                        "accounts",
                        None,
                        "status",
                        "missing-column",
                        "accounts has no status column to find prospects; pass status=None",
                    )
                ]
            )
        rows = accounts[accounts["status"].str.strip().str.lower() == status.lower()]
    out = pd.DataFrame(index=pd.Index(rows["account_id"], name="account_id"))
    if "name" in rows.columns:
        out["name"] = rows["name"].to_numpy()
    words = []
    for p in _P:
        values = (
            pd.array(rows[p], dtype="boolean")
            if p in rows.columns
            else pd.array([pd.NA] * len(rows), dtype="boolean")
        )
        out[p] = values
        words.append(
            pd.Series(
                np.select(
                    [out[p].isna().to_numpy(), ~out[p].fillna(True).to_numpy(dtype=bool)],
                    [_(_P_UNKNOWN[p]), _(_P_NO[p])],
                    "",
                ),
                index=out.index,
            )
        )
    out["qualified"] = out[list(_P)].fillna(False).all(axis=1).astype("boolean")
    joined = words[0].str.cat(words[1:], sep="; ")
    out["missing"] = joined.str.replace(r"(; )+", "; ", regex=True).str.strip("; ").astype("str")
    return out.sort_index()

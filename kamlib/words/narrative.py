"""Conclusions in words: one sentence (or a few) from an analysis result, for notebooks.

Every function takes the frame an analysis returns and gives back plain text; a notebook shows
it with :func:`kamlib.report.elements.paragraph`, which escapes it. Numbers are written the way the rest
of kamlib writes them: money with thousands separators and no decimals, shares as "12.3 %".
Clients are named "Name (ID)" when an accounts table is given, by their id otherwise.

Examples
--------
>>> status = pd.DataFrame({"status": ["active", "lost"], "annual_value": [80.0, 20.0]},
...                       index=pd.Index(["a", "b"], name="account_id"))
>>> status_sentence(status)
'Of 2 clients: 1 active, 0 at risk, 1 lost; the lost ones bought 20 a year.'
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

import numpy as np
import pandas as pd

from kamlib.portfolio.profitability import whale_peak

__all__ = [
    "abc_cross_sentence",
    "abc_xyz_sentence",
    "actions_sentence",
    "baseline_sentence",
    "budget_sentence",
    "competitiveness_sentence",
    "coverage_sentence",
    "criteria_sentence",
    "cross_sell_sentence",
    "financial_sentence",
    "key_clients_sentence",
    "loss_makers_sentence",
    "losses_sentence",
    "migration_sentence",
    "notes_sentence",
    "pareto_sentence",
    "plan_vs_actual_sentence",
    "product_mix_sentence",
    "proposal_sentence",
    "prospects_sentence",
    "quadrants_sentence",
    "reclassified_sentence",
    "seasonality_sentence",
    "settings_sentence",
    "share_of_wallet_sentence",
    "status_sentence",
    "targets_sentence",
    "tenders_sentence",
    "types_sentence",
    "whale_sentence",
    "win_back_sentence",
]

_TYPES = ("breadwinner", "perspective", "image_maker", "expert")
_LABELS = ("new", "lost", "too new", "non-positive")


def _pct(share: float, digits: int = 1) -> str:
    return "unknown" if pd.isna(share) else f"{100 * share:.{digits}f} %"


def _signed_pct(share: float) -> str:
    return "unknown" if pd.isna(share) else f"{100 * share:+.1f} %"


def _money(value: float) -> str:
    return "unknown" if pd.isna(value) else f"{value:,.0f}"


def _names(accounts: pd.DataFrame | None) -> pd.Series:
    """account_id -> name, from an accounts table (empty without one)."""
    if accounts is None or not {"account_id", "name"} <= set(accounts.columns):
        return pd.Series(dtype="str")
    named = accounts.dropna(subset=["account_id", "name"]).drop_duplicates("account_id")
    return named.set_index("account_id")["name"]


def _label(ids, names: pd.Series, *, extra=None) -> list[str]:
    """'Name (ID)' for each id, or the id alone when the name is unknown.

    With `extra` (one text per id): 'Name (ID, extra)', or 'ID (extra)' without a name.
    """
    ids = pd.Series(list(ids), dtype="str")
    name = ids.map(names).astype("str")
    if extra is None:
        return (name + " (" + ids + ")").fillna(ids).tolist()
    extra = pd.Series(list(extra), dtype="str")
    return (name + " (" + ids + ", " + extra + ")").fillna(ids + " (" + extra + ")").tolist()


def _listing(items: list[str], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


# ---- portfolio: key clients and dependence ------------------------------------------------


def key_clients_sentence(key: pd.DataFrame, accounts: pd.DataFrame | None = None) -> str:
    """The key clients in words: how many, their share of sales and profit, the reasons.

    Parameters
    ----------
    key : DataFrame
        Output of :func:`kamlib.portfolio.clients.key_clients` (``client_id``, ``revenue_share``,
        ``gp_share``, ``reasons``), largest first.
    accounts : DataFrame, optional
        Canonical accounts, to name the largest key client.

    Examples
    --------
    >>> key = pd.DataFrame({"client_id": ["a", "c"], "revenue_share": [0.5, 0.08],
    ...                     "gp_share": [0.3, 0.2], "reasons": ["top_clients, breadwinner",
    ...                                                         "breadwinner"]})
    >>> print(key_clients_sentence(key))  # doctest: +NORMALIZE_WHITESPACE
    2 key clients hold 58.0 % of sales and 50.0 % of gross profit; the largest is a with 50.0 %
    of sales. Reasons: breadwinner 2, top clients 1.
    """
    if key.empty:
        return "No client meets the key-client rule."
    names = _names(accounts)
    reasons = key["reasons"].str.split(", ").explode().value_counts()
    reasons = reasons.rename(index=lambda r: r.replace("_", " "))
    return (
        f"{len(key)} key clients hold {_pct(key['revenue_share'].sum())} of sales and "
        f"{_pct(key['gp_share'].sum(min_count=1))} of gross profit; the largest is "
        f"{_label(key['client_id'].iloc[:1], names)[0]} with {_pct(key['revenue_share'].iloc[0])} "
        "of sales. Reasons: " + ", ".join(f"{r} {n}" for r, n in reasons.items()) + "."
    )


def types_sentence(types: pd.DataFrame, accounts: pd.DataFrame | None = None) -> str:
    """The client types in words: breadwinners by name, how many of each other type.

    Parameters
    ----------
    types : DataFrame
        Output of :func:`kamlib.portfolio.clients.client_types`.
    accounts : DataFrame, optional
        Canonical accounts, to name the breadwinners.

    Examples
    --------
    >>> types = pd.DataFrame({"client_id": ["a", "b", "p"], "gp_share": [0.6, 0.4, 0.0],
    ...     "breadwinner": [True, True, False], "perspective": [False, False, True],
    ...     "image_maker": [False, True, False], "expert": [pd.NA, pd.NA, pd.NA],
    ...     "perspective_reason": ["", "", "prospect: potential budget 2,000 >= 1,000"]})
    >>> print(types_sentence(types))  # doctest: +NORMALIZE_WHITESPACE
    Breadwinners (10 % or more of gross profit): a (60.0 %), b (40.0 %). 1 perspective client (0
    new, 1 prospect with a large budget); 1 image maker; 0 experts.
    """
    flags = types[list(_TYPES)].fillna(False).astype(bool)
    names = _names(accounts)
    bread = types[flags["breadwinner"]]
    if len(bread):
        listed = _label(bread["client_id"], names, extra=bread["gp_share"].map(_pct))
        first = "Breadwinners (10 % or more of gross profit): " + _listing(listed) + "."
    else:
        first = "No breadwinner: no client earns 10 % or more of the gross profit."
    reason = types.loc[flags["perspective"], "perspective_reason"].fillna("")
    new, prospects = (
        int(reason.str.startswith("new").sum()),
        int(reason.str.startswith("prospect").sum()),
    )
    n_persp, n_image, n_expert = (int(flags[t].sum()) for t in _TYPES[1:])
    return (
        f"{first} {n_persp} perspective client{'s' * (n_persp != 1)} ({new} new, {prospects} "
        f"prospect{'s' * (prospects != 1)} with a large budget); {n_image} image "
        f"maker{'s' * (n_image != 1)}; {n_expert} expert{'s' * (n_expert != 1)}."
    )


def criteria_sentence(criteria: pd.DataFrame, clients: Collection[str] | None = None) -> str:
    """How many clients meet each key-client criterion.

    Parameters
    ----------
    criteria : DataFrame
        Output of :func:`kamlib.portfolio.clients.key_client_criteria` (long format).
    clients : collection of str, optional
        Count only these clients (e.g. the key clients).

    Examples
    --------
    >>> crit = pd.DataFrame({"client_id": ["a", "a", "b", "b"],
    ...     "criterion": ["sales_growth", "long_cooperation"] * 2,
    ...     "met": pd.array([True, True, pd.NA, True], dtype="boolean")})
    >>> criteria_sentence(crit)
    'Among 2 clients: sales growth met by 1 (unknown for 1), long cooperation by 2.'
    """
    if clients is not None:
        criteria = criteria[criteria["client_id"].isin(list(clients))]
    n = criteria["client_id"].nunique()
    if n == 0:
        return "No client to judge against the key-client criteria."
    met = criteria.groupby("criterion", sort=False)["met"].sum()
    unknown = criteria["met"].isna().groupby(criteria["criterion"], sort=False).sum()
    parts = []
    for i, (name, count) in enumerate(met.items()):
        text = f"{name.replace('_', ' ')} {'met by' if i == 0 else 'by'} {int(count)}"
        parts.append(text + (f" (unknown for {int(unknown[name])})" if unknown[name] else ""))
    return f"Among {n} clients: " + ", ".join(parts) + "."


def pareto_sentence(shares: pd.DataFrame, *, mark: float = 0.80) -> str:
    """How few clients make `mark` of the sales (the point marked on the Pareto curve).

    Parameters
    ----------
    shares : DataFrame
        Output of :func:`kamlib.portfolio.clients.client_shares` (``revenue``, ``cum_revenue_share``).
    mark : float, default 0.80
        The share of sales to reach.

    Examples
    --------
    >>> shares = pd.DataFrame({"revenue": [60.0, 25.0, 10.0, 5.0],
    ...                        "cum_revenue_share": [0.6, 0.85, 0.95, 1.0]})
    >>> pareto_sentence(shares)
    '2 of 4 clients (50.0 %) make 85.0 % of sales; the other 2 make 15.0 %.'
    """
    cum = shares.loc[shares["revenue"] > 0, "cum_revenue_share"].sort_values()
    if cum.empty:
        return "No client with positive sales: no Pareto curve."
    n = (
        int(np.argmax(cum.to_numpy() >= mark - 1e-9)) + 1
        if (cum >= mark - 1e-9).any()
        else len(cum)
    )
    reached = float(cum.iloc[n - 1])
    return (
        f"{n} of {len(cum)} clients ({_pct(n / len(cum))}) make {_pct(reached)} of sales; "
        f"the other {len(cum) - n} make {_pct(1 - reached)}."
    )


# ---- portfolio: profitability -------------------------------------------------------------


def whale_sentence(curve: pd.DataFrame, *, noun: str = "profit") -> str:
    """The peak of the whale curve as a sentence (:func:`kamlib.portfolio.profitability.whale_peak`).

    Parameters
    ----------
    curve : DataFrame
        Output of :func:`kamlib.portfolio.profitability.whale_curve`.
    noun : str, default "profit"
        What the curve measures.

    Examples
    --------
    >>> curve = pd.DataFrame({"cumulative": [90.0, 120.0, 100.0]})
    >>> whale_sentence(curve)
    'The top 67 % of clients (2 of 3) earn 120 % of the profit; the other 1 lose 20 % of it.'
    """
    text = whale_peak(curve, noun=noun).text
    return text[:1].upper() + text[1:] + "."


def loss_makers_sentence(
    losers: pd.DataFrame, accounts: pd.DataFrame | None = None, *, value: str = "contribution"
) -> str:
    """The large clients that lose money, named, with their loss and what drives it.

    Parameters
    ----------
    losers : DataFrame
        Output of :func:`kamlib.portfolio.profitability.loss_makers` (index client id; `value`,
        ``revenue``, and ``gross_margin``/``cost_to_serve`` when present).
    accounts : DataFrame, optional
        Canonical accounts, to name the clients.
    value : str, default "contribution"
        The profit measure.

    Examples
    --------
    >>> losers = pd.DataFrame({"revenue": [1000.0], "contribution": [-50.0],
    ...     "gross_margin": [0.065], "cost_to_serve": [135.0]},
    ...     index=pd.Index(["C1"], name="account_id"))
    >>> accounts = pd.DataFrame({"account_id": ["C1"], "name": ["Baltic Cargo"]})
    >>> print(loss_makers_sentence(losers, accounts))  # doctest: +NORMALIZE_WHITESPACE
    1 large client loses money: Baltic Cargo (C1), contribution -50 on revenue 1,000 (gross
    margin 6.5 %, cost to serve 13.5 % of revenue).
    """
    if losers.empty:
        return f"No large client has a negative {value.replace('_', ' ')}."
    measure = value.replace("_", " ")
    text = (
        pd.Series(_label(losers.index, _names(accounts)), index=losers.index)
        + f", {measure} "
        + losers[value].map(_money)
        + " on revenue "
        + losers["revenue"].map(_money)
    )
    details = []
    if "gross_margin" in losers:
        details.append("gross margin " + losers["gross_margin"].map(_pct))
    if "cost_to_serve" in losers:
        share = (losers["cost_to_serve"] / losers["revenue"]).where(losers["revenue"] > 0)
        details.append("cost to serve " + share.map(_pct) + " of revenue")
    if details:
        text = text + " (" + details[0].str.cat(details[1:], sep=", ") + ")"
    parts = text.tolist()
    n = len(losers)
    verb = "loses" if n == 1 else "lose"
    return f"{n} large client{'s' * (n != 1)} {verb} money: " + "; ".join(parts) + "."


def abc_cross_sentence(cross: pd.DataFrame) -> str:
    """Clients that are big by revenue but not by profit, from the revenue x profit ABC.

    Parameters
    ----------
    cross : DataFrame
        Output of :func:`kamlib.portfolio.profitability.abc_cross` (``revenue_abc``, ``profit_abc``,
        ``clients``, ``revenue_share``).

    Examples
    --------
    >>> cross = pd.DataFrame({"revenue_abc": ["A", "A", "A", "B"],
    ...     "profit_abc": ["A", "B", "non-positive", "A"], "clients": [5, 2, 1, 1],
    ...     "revenue_share": [0.6, 0.1, 0.05, 0.02]})
    >>> print(abc_cross_sentence(cross))  # doctest: +NORMALIZE_WHITESPACE
    3 of 8 revenue-A clients are not profit-A (2 profit-B, 1 non-positive); they make 15.0 % of
    revenue.
    """
    a = cross[(cross["revenue_abc"] == "A") & (cross["clients"] > 0)]
    if a.empty:
        return "No client is in revenue class A."
    weaker = a[a["profit_abc"] != "A"]
    n_weak, n_a = int(weaker["clients"].sum()), int(a["clients"].sum())
    if n_weak == 0:
        return f"All {n_a} revenue-A clients are profit-A too."
    detail = ", ".join(
        f"{int(c)} profit-{p}" if len(p) == 1 else f"{int(c)} {p}"
        for p, c in zip(weaker["profit_abc"], weaker["clients"], strict=True)
    )
    return (
        f"{n_weak} of {n_a} revenue-A clients are not profit-A ({detail}); they make "
        f"{_pct(weaker['revenue_share'].sum())} of revenue."
    )


# ---- portfolio: loss of clients -----------------------------------------------------------


def status_sentence(status: pd.DataFrame) -> str:
    """Active, at-risk and lost clients, with the annual value of the lost and at-risk ones.

    Parameters
    ----------
    status : DataFrame
        Output of :func:`kamlib.portfolio.churn.client_status` (``status``, ``annual_value``).

    Examples
    --------
    >>> status = pd.DataFrame({"status": ["active", "at_risk", "lost", "lost"],
    ...                        "annual_value": [10.0, 30.0, 100.0, 50.0]})
    >>> print(status_sentence(status))  # doctest: +NORMALIZE_WHITESPACE
    Of 4 clients: 1 active, 1 at risk, 2 lost; the lost ones bought 150 a year, the ones at risk
    30.
    """
    counts = status["status"].value_counts()
    value = status.groupby("status")["annual_value"].sum()
    text = (
        f"Of {len(status)} clients: {counts.get('active', 0)} active, "
        f"{counts.get('at_risk', 0)} at risk, {counts.get('lost', 0)} lost"
    )
    if counts.get("lost", 0):
        text += f"; the lost ones bought {_money(value['lost'])} a year"
        if counts.get("at_risk", 0):
            text += f", the ones at risk {_money(value['at_risk'])}"
    elif counts.get("at_risk", 0):
        text += f"; the ones at risk bought {_money(value['at_risk'])} a year"
    return text + "."


def losses_sentence(losses: pd.DataFrame) -> str:
    """Where (or when) most clients were lost, from :func:`kamlib.portfolio.churn.losses`.

    The first column is what the losses were counted by (period, region, manager, reason).

    Parameters
    ----------
    losses : DataFrame
        Output of :func:`kamlib.portfolio.churn.losses` (the `by` column, ``clients``,
        ``annual_value``).

    Examples
    --------
    >>> by_region = pd.DataFrame({"region": ["Central", "West"], "clients": [5, 1],
    ...                           "annual_value": [3300.0, 800.0]})
    >>> losses_sentence(by_region)
    'Most lost clients by region: Central (5 of 6, annual value 3,300).'
    >>> by_period = pd.DataFrame({"period": pd.period_range("2025Q1", "2025Q2", freq="Q"),
    ...                           "clients": [1, 3], "annual_value": [1400.0, 2600.0]})
    >>> losses_sentence(by_period)
    '4 clients lost; most in 2025Q2 (3, annual value 2,600).'
    """
    by = losses.columns[0]
    total = int(losses["clients"].sum())
    if total == 0:
        return "No client lost."
    top = losses.sort_values(["clients", "annual_value"], ascending=False, kind="stable").iloc[0]
    if by == "period":
        return (
            f"{total} client{'s' * (total != 1)} lost; most in {top[by]} ({int(top['clients'])}, "
            f"annual value {_money(top['annual_value'])})."
        )
    if by == "reason":
        return (
            f"Most frequent reason: {top[by]} ({int(top['clients'])} client"
            f"{'s' * (int(top['clients']) != 1)}, annual value {_money(top['annual_value'])})."
        )
    return (
        f"Most lost clients by {by}: {top[by]} ({int(top['clients'])} of {total}, annual value "
        f"{_money(top['annual_value'])})."
    )


def win_back_sentence(wb: pd.DataFrame) -> str:
    """The size of the win-back list and the first client to call.

    Parameters
    ----------
    wb : DataFrame
        Output of :func:`kamlib.portfolio.churn.win_back` (index client id; ``name``, ``status``,
        ``annual_value``), ranked.

    Examples
    --------
    >>> wb = pd.DataFrame({"name": ["Beta", "Alfa"], "status": ["at_risk", "lost"],
    ...     "annual_value": [400.0, 100.0]}, index=pd.Index(["b", "a"], name="account_id"))
    >>> print(win_back_sentence(wb))  # doctest: +NORMALIZE_WHITESPACE
    2 clients on the win-back list with 500 of annual value at stake (1 lost: 100; 1 at risk:
    400). First: Beta (b), 400 a year, at risk.
    """
    if wb.empty:
        return "Nobody to win back: no client is lost or at risk."
    value = wb.groupby("status")["annual_value"].agg(["size", "sum"])
    parts = [
        f"{int(value.at[s, 'size'])} {s.replace('_', ' ')}: {_money(value.at[s, 'sum'])}"
        for s in ("lost", "at_risk")
        if s in value.index
    ]
    names = wb["name"].dropna() if "name" in wb else pd.Series(dtype="str")
    first = _label(wb.index[:1], names)[0]
    return (
        f"{len(wb)} clients on the win-back list with {_money(wb['annual_value'].sum())} of "
        f"annual value at stake ({'; '.join(parts)}). First: {first}, "
        f"{_money(wb['annual_value'].iloc[0])} a year, {wb['status'].iloc[0].replace('_', ' ')}."
    )


# ---- portfolio: competitiveness and prospects ----------------------------------------------


def competitiveness_sentence(
    by_client: pd.DataFrame, accounts: pd.DataFrame | None = None, *, drop: float = 1.0
) -> str:
    """How many clients were assessed and which lost `drop` points or more since last time.

    Parameters
    ----------
    by_client : DataFrame
        ``competitiveness(...).by_client`` (index client id; ``competitiveness``, ``change``,
        ``date``).
    accounts : DataFrame, optional
        Canonical accounts, to name the clients.
    drop : float, default 1.0
        A fall of at least this many points is reported.

    Examples
    --------
    >>> bc = pd.DataFrame({"date": pd.to_datetime(["2025-06-30"] * 2),
    ...     "competitiveness": [2.7, 6.0], "change": [-2.2, 0.3]},
    ...     index=pd.Index(["C9", "C1"], name="account_id"))
    >>> print(competitiveness_sentence(bc))  # doctest: +NORMALIZE_WHITESPACE
    2 clients assessed (latest 2025-06-30), average index 4.3 of 10; 1 lost 1 point or more
    since the previous assessment: C9 (-2.2).
    """
    if by_client.empty:
        return "No competitiveness scores."
    fell = by_client[by_client["change"] <= -drop].sort_values("change", kind="stable")
    text = (
        f"{len(by_client)} clients assessed (latest {by_client['date'].max().date()}), average "
        f"index {by_client['competitiveness'].mean():.1f} of 10; "
    )
    if fell.empty:
        return text + f"none lost {drop:g} point or more since the previous assessment."
    listed = _label(fell.index, _names(accounts), extra=fell["change"].map("{:+.1f}".format))
    return (
        text
        + f"{len(fell)} lost {drop:g} point or more since the previous assessment: "
        + _listing(listed)
        + "."
    )


def quadrants_sentence(quadrants: pd.DataFrame) -> str:
    """How many clients fall in each quadrant of the competitiveness x interest 2x2.

    Parameters
    ----------
    quadrants : DataFrame
        Output of :func:`kamlib.portfolio.scoring.strategy_quadrants` (``quadrant``).

    Examples
    --------
    >>> q = pd.DataFrame({"quadrant": ["partner", "support", "partner", "not placed"]})
    >>> quadrants_sentence(q)
    '3 clients placed: partner 2, support 1; 1 not placed (a value is missing).'
    """
    placed = quadrants[quadrants["quadrant"] != "not placed"]
    missing = len(quadrants) - len(placed)
    if placed.empty:
        return f"No client placed on the 2x2 ({missing} with a value missing)."
    counts = placed["quadrant"].value_counts()
    text = f"{len(placed)} clients placed: " + ", ".join(f"{q} {n}" for q, n in counts.items())
    return text + (f"; {missing} not placed (a value is missing)." if missing else ".")


def prospects_sentence(prospects: pd.DataFrame) -> str:
    """Qualified prospects by name, and what the others miss most often.

    Parameters
    ----------
    prospects : DataFrame
        Output of :func:`kamlib.portfolio.scoring.qualify_prospects` (index account id; ``name``,
        ``qualified``, ``missing``).

    Examples
    --------
    >>> p = pd.DataFrame({"name": ["Westplan", "Elbcon", "Isar"],
    ...     "qualified": [True, False, False], "missing": ["", "no solvency", "no solvency"]},
    ...     index=pd.Index(["P1", "P2", "P3"], name="account_id"))
    >>> print(prospects_sentence(p))  # doctest: +NORMALIZE_WHITESPACE
    1 of 3 prospects qualified (need, solvency and authority): Westplan (P1). The others miss
    most often: no solvency (2).
    """
    if prospects.empty:
        return "No prospects."
    names = prospects["name"].dropna() if "name" in prospects else pd.Series(dtype="str")
    ok = prospects[prospects["qualified"].fillna(False).astype(bool)]
    text = f"{len(ok)} of {len(prospects)} prospects qualified (need, solvency and authority)" + (
        ": " + _listing(_label(ok.index, names), limit=10) + "." if len(ok) else "."
    )
    gaps = prospects.loc[~prospects.index.isin(ok.index), "missing"].str.split("; ").explode()
    gaps = gaps[gaps.fillna("") != ""].value_counts()
    if len(gaps):
        text += f" The others miss most often: {gaps.index[0]} ({int(gaps.iloc[0])})."
    return text


# ---- ABC-XYZ ---------------------------------------------------------------------------------


def abc_xyz_sentence(matrix: pd.DataFrame) -> str:
    """The ABC-XYZ matrix in words: class A's weight, the largest cell, the labels.

    Parameters
    ----------
    matrix : DataFrame
        Output of :func:`kamlib.portfolio.abcxyz.abc_xyz_matrix` (``abc``, ``cell``, ``count``,
        ``count_pct``, ``total_pct``).

    Examples
    --------
    >>> m = pd.DataFrame({"abc": ["A", "B", "C"], "xyz": ["X", "Z", "too new"],
    ...     "cell": ["AX", "BZ", "too new"], "count": [2, 1, 1],
    ...     "count_pct": [50.0, 25.0, 25.0], "total_pct": [80.0, 15.0, 5.0]})
    >>> print(abc_xyz_sentence(m))  # doctest: +NORMALIZE_WHITESPACE
    Class A: 2 of 4 clients (50.0 %) make 80.0 % of the total. The largest cell is AX: 2
    clients, 80.0 % of the total. Not classed by regularity: 1 too new.
    """
    n = int(matrix["count"].sum())
    if n == 0:
        return "No client to classify."
    a = matrix[matrix["abc"] == "A"]
    cells = matrix[matrix["cell"].str.len() == 2]
    top = cells.sort_values(["total_pct", "count"], ascending=False, kind="stable").iloc[0]
    text = (
        f"Class A: {int(a['count'].sum())} of {n} clients ({a['count_pct'].sum():.1f} %) make "
        f"{a['total_pct'].sum():.1f} % of the total. The largest cell is {top['cell']}: "
        f"{int(top['count'])} clients, {top['total_pct']:.1f} % of the total."
    )
    labels = matrix[matrix["cell"].str.len() != 2].groupby("cell")["count"].sum()
    labels = labels[labels > 0]
    if len(labels):
        text += (
            " Not classed by regularity: "
            + ", ".join(f"{int(c)} {label}" for label, c in labels.items())
            + "."
        )
    return text


def migration_sentence(migration: pd.DataFrame, *, first: str = "", second: str = "") -> str:
    """How many clients kept, improved or worsened their class, and how many came and went.

    Parameters
    ----------
    migration : DataFrame
        Output of :func:`kamlib.portfolio.abcxyz.migration` with ``how="count"``. For one-letter
        classes (``on="abc"`` or ``"xyz"``), "up" means a better class (A before B, X before Y).
    first, second : str
        The names of the two windows, for the sentence.

    Examples
    --------
    >>> m = pd.DataFrame([[3, 1, 0, 0], [2, 4, 0, 1], [0, 0, 0, 0]],
    ...     index=pd.Index(["A", "B", "new"], name="first"),
    ...     columns=pd.Index(["A", "B", "C", "lost"], name="second"))
    >>> migration_sentence(m, first="2024", second="2025")
    'From 2024 to 2025: 7 clients kept their class, 2 moved up, 1 moved down; 0 new, 1 lost.'
    """
    classes = [c for c in migration.index if c in migration.columns and c not in _LABELS]
    sub = migration.loc[classes, classes].to_numpy()
    kept = int(np.trace(sub))
    new = int(migration.loc["new"].sum()) if "new" in migration.index else 0
    lost = int(migration["lost"].sum()) if "lost" in migration.columns else 0
    when = f"From {first} to {second}: " if first and second else ""
    if all(len(str(c)) == 1 for c in classes):
        up, down = int(np.tril(sub, -1).sum()), int(np.triu(sub, 1).sum())
        moves = f"{up} moved up, {down} moved down"
    else:
        moves = f"{int(sub.sum()) - kept} changed cell"
    return f"{when}{kept} clients kept their class, {moves}; {new} new, {lost} lost."


def reclassified_sentence(result: pd.DataFrame, other: pd.DataFrame, *, label: str) -> str:
    """How many clients change cell between two ABC-XYZ classifications of the same data.

    Parameters
    ----------
    result, other : DataFrame
        Outputs of :func:`kamlib.portfolio.abcxyz.abc_xyz` (``account_id``, ``cell``).
    label : str
        What `other` is, e.g. "the classic preset".

    Examples
    --------
    >>> a = pd.DataFrame({"account_id": ["x", "y", "z"], "cell": ["AX", "BY", "CZ"]})
    >>> b = pd.DataFrame({"account_id": ["x", "y", "z"], "cell": ["AY", "BY", "CZ"]})
    >>> reclassified_sentence(a, b, label="the classic preset")
    'With the classic preset, 1 of 3 clients change cell (AX to AY: 1).'
    """
    both = result[["account_id", "cell"]].merge(
        other[["account_id", "cell"]], on="account_id", suffixes=("", "_other")
    )
    moved = both[both["cell"] != both["cell_other"]]
    text = f"With {label}, {len(moved)} of {len(both)} clients change cell"
    if moved.empty:
        return text + "."
    flows = (moved["cell"] + " to " + moved["cell_other"]).value_counts()
    return (
        text
        + " ("
        + ", ".join(f"{f}: {n}" for f, n in flows.head(3).items())
        + (", ..." if len(flows) > 3 else "")
        + ")."
    )


# ---- account: dossier and meeting -------------------------------------------------------------


def financial_sentence(by_year: pd.DataFrame) -> str:
    """The account's last year against the year before: revenue, growth and margin.

    Parameters
    ----------
    by_year : DataFrame
        ``financial_report(...).by_year`` (``year``, ``revenue``, ``margin``,
        ``revenue_growth``).

    Examples
    --------
    >>> fy = pd.DataFrame({"year": [2024, 2025], "revenue": [150.0, 200.0],
    ...     "margin": [0.33, 0.25], "revenue_growth": [np.nan, 0.3333]})
    >>> financial_sentence(fy)
    'Revenue 200 in 2025, +33.3 % on 2024 (150); gross margin 25.0 % (33.0 % in 2024).'
    """
    if by_year.empty:
        return "No purchases in the period."
    last = by_year.iloc[-1]
    text = f"Revenue {_money(last['revenue'])} in {int(last['year'])}"
    if len(by_year) > 1:
        prev = by_year.iloc[-2]
        text += (
            f", {_signed_pct(last['revenue_growth'])} on {int(prev['year'])} "
            f"({_money(prev['revenue'])}); gross margin {_pct(last['margin'])} "
            f"({_pct(prev['margin'])} in {int(prev['year'])})."
        )
        return text
    return text + f"; gross margin {_pct(last['margin'])}."


def product_mix_sentence(history: pd.DataFrame) -> str:
    """The largest product category of the last year and how the mix has moved.

    Parameters
    ----------
    history : DataFrame
        :func:`kamlib.account.dossier.revenue_history` (``year``, ``category``, ``revenue``,
        ``share_of_year``).

    Examples
    --------
    >>> h = pd.DataFrame({"year": [2024, 2024, 2025], "category": ["Pumps", "Valves", "Pumps"],
    ...     "revenue": [100.0, 300.0, 50.0], "share_of_year": [0.25, 0.75, 1.0]})
    >>> print(product_mix_sentence(h))  # doctest: +NORMALIZE_WHITESPACE
    In 2025 the largest category is Pumps (100.0 % of revenue, 25.0 % in 2024); 1 category
    bought in 2025, 2 in 2024.
    """
    if history.empty:
        return "No purchases by product category."
    years = sorted(history["year"].unique())
    last = history[history["year"] == years[-1]].sort_values("revenue", ascending=False)
    top = last.iloc[0]
    text = (
        f"In {years[-1]} the largest category is {top['category']} "
        f"({_pct(top['share_of_year'])} of revenue"
    )
    n_last = len(last)
    bought = f"{n_last} categor{'ies' if n_last != 1 else 'y'} bought"
    if len(years) > 1:
        prev = history[history["year"] == years[-2]].set_index("category")["share_of_year"]
        before = prev.get(top["category"], 0.0)
        return (
            f"{text}, {_pct(before)} in {years[-2]}); {bought} in {years[-1]}, "
            f"{len(prev)} in {years[-2]}."
        )
    return f"{text}); {bought}."


def coverage_sentence(coverage: pd.DataFrame) -> str:
    """The decision-making-unit checks in words (:func:`kamlib.account.dossier.dmu_coverage`).

    Parameters
    ----------
    coverage : DataFrame
        ``check``, ``ok`` and ``finding`` per check; problems come first.

    Examples
    --------
    >>> cov = pd.DataFrame({"check": ["decision maker", "champion"], "ok": [True, False],
    ...     "finding": ["Decision maker known: Ada.", "No champion among the contacts."]})
    >>> coverage_sentence(cov)
    'No champion among the contacts. Decision maker known: Ada.'
    """
    if coverage.empty:
        return "No contacts: the decision-making unit is unknown."
    ordered = coverage.sort_values("ok", kind="stable")  # problems first
    return " ".join(ordered["finding"])


def share_of_wallet_sentence(sow: pd.Series) -> str:
    """Our share of the client's spend, both estimates (:func:`kamlib.account.dossier.share_of_wallet`).

    Parameters
    ----------
    sow : Series
        ``revenue_last_12m``, ``potential_budget``, ``by_budget``, ``competitors_total``,
        ``by_competitors``.

    Examples
    --------
    >>> sow = pd.Series({"revenue_last_12m": 250.0, "potential_budget": 1000.0,
    ...     "by_budget": 0.25, "competitors_total": 0.7, "by_competitors": 0.3})
    >>> print(share_of_wallet_sentence(sow))  # doctest: +NORMALIZE_WHITESPACE
    Share of wallet 25.0 % of the potential budget (revenue of the last 12 months 250 of 1,000);
    30.0 % by the competitors known (they hold 70.0 %).
    """
    parts = []
    if pd.notna(sow.get("by_budget")):
        parts.append(
            f"{_pct(sow['by_budget'])} of the potential budget (revenue of the last 12 months "
            f"{_money(sow['revenue_last_12m'])} of {_money(sow['potential_budget'])})"
        )
    if pd.notna(sow.get("by_competitors")):
        parts.append(
            f"{_pct(sow['by_competitors'])} by the competitors known (they hold "
            f"{_pct(sow['competitors_total'])})"
        )
    if not parts:
        return "Share of wallet unknown: no potential budget and no competitors' shares."
    return "Share of wallet " + "; ".join(parts) + "."


def actions_sentence(actions: pd.DataFrame) -> str:
    """The actions from the previous meeting: done, late, overdue.

    Parameters
    ----------
    actions : DataFrame
        :func:`kamlib.account.meeting.previous_actions` (``state``, ``days_overdue``).

    Examples
    --------
    >>> a = pd.DataFrame({"state": ["overdue", "overdue", "done", "done late", "open"],
    ...                   "days_overdue": [375.0, 27.0, np.nan, np.nan, np.nan]})
    >>> actions_sentence(a)
    '5 actions: 2 overdue (the oldest by 375 days), 1 open, 1 done late, 1 done.'
    """
    if actions.empty:
        return "No actions agreed at the previous meeting."
    counts = actions["state"].value_counts()
    parts = []
    for state in ("overdue", "open", "done late", "done"):
        n = int(counts.get(state, 0))
        if n:
            extra = (
                f" (the oldest by {actions['days_overdue'].max():.0f} days)"
                if state == "overdue"
                else ""
            )
            parts.append(f"{n} {state}{extra}")
    return f"{len(actions)} action{'s' * (len(actions) != 1)}: " + ", ".join(parts) + "."


def tenders_sentence(windows: pd.DataFrame) -> str:
    """Tenders whose preparation window is open or opening (:func:`kamlib.account.meeting.tender_windows`).

    Parameters
    ----------
    windows : DataFrame
        ``title``, ``date``, ``value``, ``window`` and ``prep_start`` per tender.

    Examples
    --------
    >>> t = pd.DataFrame({"title": ["Safety supply 2026-2028"],
    ...     "date": pd.to_datetime(["2026-03-31"]), "value": [1670000.0],
    ...     "window": ["open"], "prep_start": pd.to_datetime(["2025-06-30"])})
    >>> print(tenders_sentence(t))  # doctest: +NORMALIZE_WHITESPACE
    1 tender to prepare: Safety supply 2026-2028 on 2026-03-31 (value 1,670,000), preparation
    open since 2025-06-30.
    """
    if windows.empty:
        return "No tender in its preparation window."
    state = ("preparation open since " + windows["prep_start"].dt.strftime("%Y-%m-%d")).where(
        windows["window"] == "open", "preparation " + windows["window"]
    )
    parts = (
        windows["title"].fillna("untitled tender")
        + " on "
        + windows["date"].dt.strftime("%Y-%m-%d")
        + " (value "
        + windows["value"].map(_money)
        + "), "
        + state
    ).tolist()
    n = len(windows)
    return f"{n} tender{'s' * (n != 1)} to prepare: " + "; ".join(parts) + "."


def proposal_sentence(proposal) -> str:
    """The draft proposal in one sentence: size, change against today, validity.

    Parameters
    ----------
    proposal : kamlib.account.meeting.Proposal
        ``meeting_brief(...).proposal`` (``lines``, ``totals``, ``valid_until``).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> p = SimpleNamespace(lines=pd.DataFrame({"product_id": ["p1", "p2"]}),
    ...     totals=pd.Series({"revenue": 1100.0, "contribution": 300.0,
    ...                       "current_revenue": 1000.0, "current_contribution": 290.0}),
    ...     valid_until=pd.Timestamp("2026-01-30"))
    >>> print(proposal_sentence(p))  # doctest: +NORMALIZE_WHITESPACE
    Draft proposal for 2 products: revenue 1,100 (+10.0 % on the last 12 months), contribution
    300 (+3.4 %); valid until 2026-01-30.
    """
    lines, totals = proposal.lines, proposal.totals
    if lines.empty:
        return "No proposal lines: no product with a known cost and price."
    rev_change = (
        totals["revenue"] / totals["current_revenue"] - 1 if totals["current_revenue"] else np.nan
    )
    con_change = (
        totals["contribution"] / totals["current_contribution"] - 1
        if totals["current_contribution"] > 0
        else np.nan
    )
    return (
        f"Draft proposal for {len(lines)} product{'s' * (len(lines) != 1)}: revenue "
        f"{_money(totals['revenue'])} ({_signed_pct(rev_change)} on the last 12 months), "
        f"contribution {_money(totals['contribution'])} ({_signed_pct(con_change)}); "
        f"valid until {proposal.valid_until.date()}."
    )


# ---- account: development plan ---------------------------------------------------------------


def baseline_sentence(baseline: pd.DataFrame, *, by: str = "product_id") -> str:
    """The account's last 12 months against the 12 before, with the biggest moves.

    Parameters
    ----------
    baseline : DataFrame
        :func:`kamlib.account.plan.baseline` (`by`, ``revenue_previous``, ``revenue_last``,
        ``revenue_change``).
    by : str, default "product_id"
        The level of the baseline.

    Examples
    --------
    >>> b = pd.DataFrame({"product_id": ["p1", "p2", "p3"],
    ...     "revenue_previous": [100.0, 0.0, 80.0], "revenue_last": [120.0, 50.0, 20.0],
    ...     "revenue_change": [20.0, 50.0, -60.0]})
    >>> print(baseline_sentence(b))  # doctest: +NORMALIZE_WHITESPACE
    Last 12 months 190, +5.6 % on the 12 months before (180). Largest increase p2 (+50), largest
    decrease p3 (-60).
    """
    if baseline.empty:
        return "No purchases in the last two years."
    last, prev = baseline["revenue_last"].sum(), baseline["revenue_previous"].sum()
    change = last / prev - 1 if prev > 0 else np.nan
    text = (
        f"Last 12 months {_money(last)}, {_signed_pct(change)} on the 12 months before "
        f"({_money(prev)})."
    )
    ordered = baseline.sort_values("revenue_change", kind="stable")
    up, down = ordered.iloc[-1], ordered.iloc[0]
    moves = []
    if up["revenue_change"] > 0:
        moves.append(f"largest increase {up[by]} ({up['revenue_change']:+,.0f})")
    if down["revenue_change"] < 0:
        moves.append(f"largest decrease {down[by]} ({down['revenue_change']:+,.0f})")
    if moves:
        text += " " + ", ".join(moves)[0].upper() + ", ".join(moves)[1:] + "."
    return text


def targets_sentence(targets: pd.DataFrame) -> str:
    """The next-year target in one sentence, with where its growth rates come from.

    Parameters
    ----------
    targets : DataFrame
        :func:`kamlib.account.plan.next_year_targets` (``year``, ``base_revenue``,
        ``revenue_target``, ``history_growth``, ``growth``, ``growth_source``).

    Examples
    --------
    >>> t = pd.DataFrame({"year": [2026, 2026], "base_revenue": [100.0, 50.0],
    ...     "revenue_target": [150.0, 55.0], "history_growth": [1.2, 0.1],
    ...     "growth": [0.5, 0.1], "growth_source": ["history", "history"]})
    >>> print(targets_sentence(t))  # doctest: +NORMALIZE_WHITESPACE
    Target 2026: 205, +36.7 % on the base of 150 (last 12 months). Growth per product: history 2
    (1 capped at the bounds).
    """
    if targets.empty:
        return "No targets: no purchases in the base window."
    base, target = targets["base_revenue"].sum(), targets["revenue_target"].sum()
    change = target / base - 1 if base > 0 else np.nan
    sources = targets["growth_source"].value_counts()
    capped = int(
        (
            (targets["growth_source"] == "history")
            & (targets["growth"] != targets["history_growth"])
        ).sum()
    )
    text = (
        f"Target {int(targets['year'].iloc[0])}: {_money(target)}, {_signed_pct(change)} on the "
        f"base of {_money(base)} (last 12 months). Growth per product: "
        + ", ".join(f"{s} {n}" for s, n in sources.items())
    )
    return text + (f" ({capped} capped at the bounds)." if capped else ".")


def seasonality_sentence(seasonality: pd.DataFrame) -> str:
    """The strongest and weakest quarter (or month) of the account's year.

    Parameters
    ----------
    seasonality : DataFrame
        :func:`kamlib.account.plan.seasonality` (``period``, ``share``, ``basis``).

    Examples
    --------
    >>> s = pd.DataFrame({"period": ["Q1", "Q2", "Q3", "Q4"],
    ...     "share": [0.24, 0.21, 0.27, 0.28], "basis": ["history"] * 4})
    >>> seasonality_sentence(s)
    'Strongest Q4 (28.0 % of the year), weakest Q2 (21.0 %).'
    """
    if seasonality.empty or (seasonality["basis"] == "equal").all():
        return "No purchase history: the year is split evenly."
    ordered = seasonality.sort_values("share", kind="stable")
    top, low = ordered.iloc[-1], ordered.iloc[0]
    return (
        f"Strongest {top['period']} ({_pct(top['share'])} of the year), weakest "
        f"{low['period']} ({_pct(low['share'])})."
    )


def cross_sell_sentence(cross_sell: pd.DataFrame) -> str:
    """The cross-sell candidates in words: how many, the largest, their total.

    Parameters
    ----------
    cross_sell : DataFrame
        :func:`kamlib.account.plan.cross_sell`, highest ``estimated_value`` first.

    Examples
    --------
    >>> cs = pd.DataFrame({"product_id": ["p2"], "name": ["Valve"], "peers": [10],
    ...     "peers_buying": [6], "estimated_value": [7087.0]})
    >>> print(cross_sell_sentence(cs))  # doctest: +NORMALIZE_WHITESPACE
    1 product that similar clients buy and this one does not, worth about 7,087 a year; the
    largest: Valve (p2), 7,087 a year, bought by 6 of 10 similar clients.
    """
    if cross_sell.empty:
        return "No cross-sell candidate: no similar client buys a product this one does not."
    top = cross_sell.iloc[0]
    name = top["name"] if "name" in top and pd.notna(top["name"]) else None
    label = f"{name} ({top['product_id']})" if name else str(top["product_id"])
    n = len(cross_sell)
    return (
        f"{n} product{'s' * (n != 1)} that similar clients buy and this one does not, worth "
        f"about {_money(cross_sell['estimated_value'].sum())} a year; the largest: {label}, "
        f"{_money(top['estimated_value'])} a year, bought by {int(top['peers_buying'])} of "
        f"{int(top['peers'])} similar clients."
    )


def budget_sentence(budget: pd.DataFrame, *, year: int | None = None) -> str:
    """The contact plan's size and cost (:func:`kamlib.account.plan.contact_budget`).

    Parameters
    ----------
    budget : DataFrame
        :func:`kamlib.account.plan.contact_budget` (its ``total`` row is not counted twice).
    year : int, optional
        The plan year, for the sentence.

    Examples
    --------
    >>> b = pd.DataFrame({"contact_type": ["call", "visit", "total"], "contacts": [4, 1, 5],
    ...     "unit_cost": [25.0, 400.0, np.nan], "budget": [100.0, 400.0, 500.0]})
    >>> budget_sentence(b, year=2026)
    '5 contacts planned for 2026 at a cost of 500: 4 calls, 1 visit.'
    """
    rows = budget[budget["contact_type"] != "total"]
    if rows.empty:
        return "No contacts planned."
    when = f" for {year}" if year is not None else ""
    return (
        f"{int(rows['contacts'].sum())} contacts planned{when} at a cost of "
        f"{_money(rows['budget'].sum())}: "
        + ", ".join(
            f"{int(n)} {t.replace('_', ' ')}{'s' * (int(n) != 1)}"
            for t, n in zip(rows["contact_type"], rows["contacts"], strict=True)
        )
        + "."
    )


def plan_vs_actual_sentence(pva: pd.DataFrame) -> str:
    """Actual against target per plan year (:func:`kamlib.account.plan.plan_vs_actual`).

    Parameters
    ----------
    pva : DataFrame
        :func:`kamlib.account.plan.plan_vs_actual` (``year``, ``revenue_target``, ``actual``,
        ``expected_to_date``, ``status``). Years not started, running and complete each get
        their own wording.

    Examples
    --------
    >>> pva = pd.DataFrame({"year": [2025, 2025, 2026], "revenue_target": [100.0, 50.0, 80.0],
    ...     "actual": [90.0, 60.0, 0.0], "expected_to_date": [100.0, 50.0, 0.0],
    ...     "status": ["complete", "complete", "not started"]})
    >>> plan_vs_actual_sentence(pva)
    '2025: actual 150 against a target of 150 (100.0 %). 2026: target 80, not started.'
    """
    if pva.empty:
        return "No targets recorded for this account."
    per_year = pva.groupby("year").agg(
        target=("revenue_target", "sum"),
        actual=("actual", "sum"),
        expected=("expected_to_date", "sum"),
        started=("status", lambda s: (s != "not started").any()),
        running=("status", lambda s: (s == "running").any()),
    )
    year = per_year.index.astype("str")
    target, actual, expected = (per_year[c].map(_money) for c in ("target", "actual", "expected"))
    attainment = (per_year["actual"] / per_year["target"]).map(_pct)
    parts = np.select(
        [~per_year["started"], per_year["running"]],
        [
            year + ": target " + target + ", not started.",
            year
            + ": actual "
            + actual
            + " so far against "
            + expected
            + " expected by now (target "
            + target
            + ").",
        ],
        year + ": actual " + actual + " against a target of " + target + " (" + attainment + ").",
    ).tolist()
    return " ".join(parts)


# ---- any report ------------------------------------------------------------------------------


def settings_sentence(settings: Mapping[str, object]) -> str:
    """The thresholds and dates a report used, in one line (docs/methods.md: print every threshold).

    Parameters
    ----------
    settings : mapping
        Name to value, e.g. ``meeting_brief(...).parameters``; underscores read as spaces.

    Examples
    --------
    >>> settings_sentence({"growth_bounds": (-0.5, 0.5), "key_types": ("breadwinner", "expert"),
    ...                    "cell": None})
    'Settings: growth bounds -0.5 to 0.5; key types breadwinner, expert; cell default.'
    """
    parts = []
    for name, value in settings.items():  # a dozen settings at most
        numbers = isinstance(value, tuple | list) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value
        )
        if numbers and len(value) == 2:
            value = f"{value[0]} to {value[1]}"
        elif isinstance(value, tuple | list):
            value = ", ".join(map(str, value)) or "none"
        elif value is None:
            value = "default"
        parts.append(f"{name.replace('_', ' ')} {value}")
    return "Settings: " + "; ".join(parts) + "." if parts else "Settings: the defaults."


def notes_sentence(*messages: Iterable[str]) -> str:
    """What an analysis left out for lack of a table, from its ``messages``, in one line.

    Parameters
    ----------
    *messages : iterable of str
        The ``messages`` of one or more results (duplicates are said once).

    Examples
    --------
    >>> notes_sentence(("no contacts table: decision-making map skipped",), ())
    'Left out: no contacts table: decision-making map skipped.'
    >>> notes_sentence((), ())
    'Every table this report uses is present.'
    """
    found = list(dict.fromkeys(m for group in messages for m in group))
    if not found:
        return "Every table this report uses is present."
    return "Left out: " + "; ".join(found) + "."

"""Key clients in words: who they are, their types, the criteria they meet, the Pareto point.

Mirrors :mod:`kamlib.plots.portfolio`; the numbers come from :mod:`kamlib.portfolio.clients`.

Examples
--------
>>> shares = pd.DataFrame({"revenue": [60.0, 40.0], "cum_revenue_share": [0.6, 1.0]})
>>> pareto_sentence(shares)
'2 of 2 clients (100.0 %) make 100.0 % of sales; the other 0 make 0.0 %.'
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from kamlib.words.labels import account_names, client_labels, listing
from kamlib.words.missing import NO_COST
from kamlib.words.numbers import percent

__all__ = [
    "criteria_sentence",
    "dependence_sentences",
    "dependence_table",
    "key_clients_sentence",
    "pareto_sentence",
    "types_sentence",
]

_TYPES = ("breadwinner", "perspective", "image_maker", "expert")


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
    names = account_names(accounts)
    reasons = key["reasons"].str.split(", ").explode().value_counts()
    reasons = reasons.rename(index=lambda r: r.replace("_", " "))
    gp = key["gp_share"].sum(min_count=1)
    profit = (
        "(their share of gross profit is not known without cost data)"
        if pd.isna(gp)
        else f"and {percent(gp)} of gross profit"
    )
    return (
        f"{len(key)} key clients hold {percent(key['revenue_share'].sum())} of sales "
        f"{profit}; the largest is "
        f"{client_labels(key['client_id'].iloc[:1], names)[0]} with "
        f"{percent(key['revenue_share'].iloc[0])} of sales. Reasons: "
        + ", ".join(f"{r} {n}" for r, n in reasons.items())
        + "."
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
    names = account_names(accounts)
    bread = types[flags["breadwinner"]]
    buying = types[types["revenue"] > 0] if "revenue" in types else types
    unknown, n_buying = int(buying["gp_share"].isna().sum()), len(buying)
    if n_buying and unknown == n_buying:
        first = f"Breadwinners cannot be named: {NO_COST}."
    elif len(bread):
        listed = client_labels(bread["client_id"], names, extra=bread["gp_share"].map(percent))
        first = "Breadwinners (10 % or more of gross profit): " + listing(listed) + "."
    elif unknown:
        first = (
            f"None of the {n_buying - unknown} clients with a known gross profit earns 10 % "
            "or more of it."
        )
    else:
        first = "No breadwinner: no client earns 10 % or more of the gross profit."
    if unknown and unknown < n_buying:
        first += (
            f" Gross profit is unknown for {unknown} of {n_buying} buying clients "
            "(lines without cost): a cost or gross_profit column on every line would tell whether they are "
            "breadwinners."
        )
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
        Output of :func:`kamlib.portfolio.clients.client_shares` (``revenue``,
        ``cum_revenue_share``).
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
        f"{n} of {len(cum)} clients ({percent(n / len(cum))}) make {percent(reached)} of sales; "
        f"the other {len(cum) - n} make {percent(1 - reached)}."
    )


def _shares_listing(frame: pd.DataFrame) -> str:
    return ", ".join(
        f"{c} ({percent(v)})"
        for c, v in zip(frame["client_id"], frame["revenue_share"], strict=True)
    )


def dependence_table(dep) -> pd.DataFrame:
    """The dependence indicators in words: one row per indicator, with its reference and finding.

    Parameters
    ----------
    dep : kamlib.portfolio.clients.Dependence
        The result of :func:`kamlib.dependence`.

    Returns
    -------
    DataFrame
        ``indicator``, ``value``, ``reference``, ``flag`` and ``sentence``, one row per indicator
        (key-client share, the three single-client levels, HHI, effective number of clients,
        CR1, CR5, CR10).

    Examples
    --------
    >>> from kamlib.portfolio.clients import dependence
    >>> tx = pd.DataFrame({"account_id": ["a", "b", "c", "d"], "date": pd.Timestamp("2025-06-01"),
    ...                    "revenue": [40.0, 30.0, 20.0, 10.0]})
    >>> print(dependence_table(dependence(tx, key=["a"]))["sentence"].iat[0])
    Key clients (1) hold 40.0 % of sales, within the typical 30-55 % band.
    """
    lo, hi = dep.band
    mono = dep.mono
    s10, s20, s50 = dep.single
    h_lo, h_hi = dep.hhi_bands
    large = dep.large_clients
    over20 = large[large["revenue_share"] > s20]
    over50 = large[large["revenue_share"] >= s50]
    band_text = f"the typical {lo * 100:.0f}-{hi * 100:.0f} % band."
    key_text = (
        f"Key clients ({len(dep.key_clients)}) hold {percent(dep.key_share)} of sales, "
        + {
            "below": "below " + band_text,
            "within": "within " + band_text,
            "above": "above " + band_text,
        }[dep.key_band]
    )
    if dep.mono_dependent:
        key_text += f" Above {mono * 100:.0f} %: mono-dependence on key clients."
    hhi, eff, n = dep.hhi, dep.effective_clients, dep.n_clients
    hhi_range = (
        f"below {h_lo:,.0f}"
        if hhi < h_lo
        else (f"{h_lo:,.0f}-{h_hi:,.0f}" if hhi <= h_hi else f"above {h_hi:,.0f}")
    )
    rows = [
        (
            "key-client share",
            dep.key_share,
            f"{lo * 100:.0f}-{hi * 100:.0f} %; > {mono * 100:.0f} % mono-dependence",
            dep.key_band if not dep.mono_dependent else "mono-dependence",
            key_text,
        ),
        (
            f"clients >= {s10 * 100:.0f} %",
            float(len(large)),
            "disclosure level",
            "yes" if len(large) else "no",
            f"{len(large)} client(s) hold {s10 * 100:.0f} % or more of sales "
            f"(the disclosure level): {_shares_listing(large)}."
            if len(large)
            else f"No single client holds {s10 * 100:.0f} % or more of sales.",
        ),
        (
            f"clients > {s20 * 100:.0f} %",
            float(len(over20)),
            "dependence",
            "yes" if len(over20) else "no",
            f"Dependence on single clients: {_shares_listing(over20)} hold more than "
            f"{s20 * 100:.0f} %."
            if len(over20)
            else f"No single client holds more than {s20 * 100:.0f} % of sales.",
        ),
        (
            f"clients >= {s50 * 100:.0f} %",
            float(len(over50)),
            "mono-client",
            "yes" if len(over50) else "no",
            f"Mono-client: {_shares_listing(over50)} holds half of sales or more."
            if len(over50)
            else f"No client holds {s50 * 100:.0f} % or more of sales.",
        ),
        (
            "HHI",
            hhi,
            f"< {h_lo:,.0f} unconcentrated; > {h_hi:,.0f} high",
            dep.hhi_band,
            f"HHI {hhi:,.0f} of 10,000: {dep.hhi_band} ({hhi_range}).",
        ),
        (
            "effective number of clients",
            eff,
            f"of {n} clients",
            "",
            f"Effective number of clients {eff:.1f}: sales are as concentrated as if "
            f"{eff:.1f} clients shared them equally (out of {n}).",
        ),
        (
            "CR1",
            dep.cr1,
            "share of the largest client",
            "",
            f"The largest client holds {percent(dep.cr1)} of sales.",
        ),
        (
            "CR5",
            dep.cr5,
            "share of the 5 largest",
            "",
            f"The 5 largest clients hold {percent(dep.cr5)} of sales.",
        ),
        (
            "CR10",
            dep.cr10,
            "share of the 10 largest",
            "",
            f"The 10 largest clients hold {percent(dep.cr10)} of sales.",
        ),
    ]
    return pd.DataFrame(
        rows, columns=["indicator", "value", "reference", "flag", "sentence"]
    ).astype(
        {
            "indicator": "str",
            "value": "float64",
            "reference": "str",
            "flag": "str",
            "sentence": "str",
        }
    )


def dependence_sentences(dep) -> list[str]:
    """The dependence findings in words, one sentence per indicator (see :func:`dependence_table`).

    >>> from kamlib.portfolio.clients import dependence
    >>> tx = pd.DataFrame({"account_id": ["a", "b"], "date": pd.Timestamp("2025-06-01"),
    ...                    "revenue": [60.0, 40.0]})
    >>> dependence_sentences(dependence(tx, key=[]))[-1]
    'The 10 largest clients hold 100.0 % of sales.'
    """
    return dependence_table(dep)["sentence"].tolist()

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

from kamlib.language import babel_locale, ngettext, pgettext
from kamlib.language import gettext as _
from kamlib.words.labels import account_names, client_labels, listing
from kamlib.words.managers import key_reason_text
from kamlib.words.missing import no_cost
from kamlib.words.numbers import money, percent

__all__ = [
    "criteria_sentence",
    "dependence_sentences",
    "dependence_table",
    "key_clients_sentence",
    "key_clients_table",
    "pareto_sentence",
    "types_sentence",
]

_TYPES = ("breadwinner", "perspective", "image_maker", "expert")


def _decimal(value: float) -> str:
    """A number with one decimal, with the decimal sign of the reader's language ("4.3", "4,3")."""
    from babel.numbers import get_decimal_symbol

    return f"{value:.1f}".replace(".", get_decimal_symbol(babel_locale()))


def _criterion_text(criterion: str) -> str:
    """A key-client criterion (a code of ``key_client_criteria``) in words."""
    words = {
        "stable_high_profit": _("stable high profit"),
        "long_cooperation": _("long cooperation"),
        "sales_growth": _("sales growth"),
        "new_business": _("new business"),
        "market_influence": _("market influence"),
    }
    return words.get(criterion, str(criterion).replace("_", " "))


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
    of sales. Reasons: breadwinner (2), among the top clients by revenue (1).
    """
    if key.empty:
        return _("No client meets the key-client rule.")
    names = account_names(accounts)
    reasons = key["reasons"].str.split(", ").explode().value_counts()
    gp = key["gp_share"].sum(min_count=1)
    fields = {
        "n": len(key),
        "sales": percent(key["revenue_share"].sum()),
        "profit": percent(gp),
        "largest": client_labels(key["client_id"].iloc[:1], names)[0],
        "largest_sales": percent(key["revenue_share"].iloc[0]),
        "reasons": ", ".join(
            _("{reason} ({n})").format(reason=key_reason_text(r), n=n) for r, n in reasons.items()
        ),
    }
    if pd.isna(gp):
        text = ngettext(
            "{n} key clients hold {sales} of sales (their share of gross profit is not known "
            "without cost data); the largest is {largest} with {largest_sales} of sales. "
            "Reasons: {reasons}.",
            "{n} key clients hold {sales} of sales (their share of gross profit is not known "
            "without cost data); the largest is {largest} with {largest_sales} of sales. "
            "Reasons: {reasons}.",
            len(key),
        )
    else:
        text = ngettext(
            "{n} key clients hold {sales} of sales and {profit} of gross profit; the largest is "
            "{largest} with {largest_sales} of sales. Reasons: {reasons}.",
            "{n} key clients hold {sales} of sales and {profit} of gross profit; the largest is "
            "{largest} with {largest_sales} of sales. Reasons: {reasons}.",
            len(key),
        )
    return text.format(**fields)


def key_clients_table(key: pd.DataFrame) -> pd.DataFrame:
    """Key clients or client types as a reader sees them: the reasons and types in words.

    The codes of the key-client rule (``top_clients``, ``image_maker`` ...) stay in the
    analyses' frames; this is the copy a report shows.

    Parameters
    ----------
    key : DataFrame
        Output of :func:`kamlib.portfolio.clients.key_clients` (``reasons``) or
        :func:`kamlib.portfolio.clients.client_types` (``types``): the codes of the conditions
        met, comma-separated; not modified.

    Returns
    -------
    DataFrame
        The same table with ``reasons`` and ``types`` in words ("among the top clients by
        revenue, breadwinner").

    Examples
    --------
    >>> key = pd.DataFrame({"client_id": ["a"], "reasons": ["top_clients, image_maker"]})
    >>> key_clients_table(key)["reasons"].iat[0]
    'among the top clients by revenue, image-maker'
    """
    out = key.copy()
    for column in ("reasons", "types"):
        if column in out:
            out[column] = [
                ", ".join(key_reason_text(r) for r in text.split(",") if r.strip())
                if isinstance(text, str)
                else text
                for text in out[column]
            ]
    return out


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
        first = _("Breadwinners cannot be named: {reason}.").format(reason=no_cost())
    elif len(bread):
        listed = client_labels(bread["client_id"], names, extra=bread["gp_share"].map(percent))
        first = _("Breadwinners (10 % or more of gross profit): {clients}.").format(
            clients=listing(listed)
        )
    elif unknown:
        first = ngettext(
            "None of the {n} clients with a known gross profit earns 10 % or more of it.",
            "None of the {n} clients with a known gross profit earns 10 % or more of it.",
            n_buying - unknown,
        ).format(n=n_buying - unknown)
    else:
        first = _("No breadwinner: no client earns 10 % or more of the gross profit.")
    if unknown and unknown < n_buying:
        first += " " + ngettext(
            "Gross profit is unknown for {unknown} of {n} buying clients (lines without cost): a "
            "cost or gross_profit column on every line would tell whether they are breadwinners.",
            "Gross profit is unknown for {unknown} of {n} buying clients (lines without cost): a "
            "cost or gross_profit column on every line would tell whether they are breadwinners.",
            n_buying,
        ).format(unknown=unknown, n=n_buying)
    new, prospects = _new_and_prospects(types[flags["perspective"]])
    n_persp, n_image, n_expert = (int(flags[t].sum()) for t in _TYPES[1:])
    perspective = ngettext(
        "{n} perspective client ({new} new, {prospects})",
        "{n} perspective clients ({new} new, {prospects})",
        n_persp,
    ).format(
        n=n_persp,
        new=new,
        prospects=ngettext(
            "{n} prospect with a large budget", "{n} prospects with a large budget", prospects
        ).format(n=prospects),
    )
    counts = _("{perspective}; {image_makers}; {experts}.").format(
        perspective=perspective,
        image_makers=ngettext("{n} image maker", "{n} image makers", n_image).format(n=n_image),
        experts=ngettext("{n} expert", "{n} experts", n_expert).format(n=n_expert),
    )
    return f"{first} {counts}"


def _new_and_prospects(perspective: pd.DataFrame) -> tuple[int, int]:
    """How many perspective clients are new buyers and how many prospects with a budget.

    From the data (``prospect``, ``first_purchase``, ``revenue``) when given, so that it does
    not depend on the language of ``perspective_reason``; from the English reason otherwise.
    """
    if {"prospect", "first_purchase", "revenue"} <= set(perspective.columns):
        prospect = perspective["prospect"].fillna(False).astype(bool)
        buying = perspective["first_purchase"].notna() & (perspective["revenue"] > 0)
        new = ~prospect | buying  # a prospect that already buys counts as new, as in the reason
        return int(new.sum()), int((~new).sum())
    reason = perspective["perspective_reason"].fillna("")
    return int(reason.str.startswith("new").sum()), int(reason.str.startswith("prospect").sum())


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
        return _("No client to judge against the key-client criteria.")
    met = criteria.groupby("criterion", sort=False)["met"].sum()
    unknown = criteria["met"].isna().groupby(criteria["criterion"], sort=False).sum()
    parts = []
    for i, (name, count) in enumerate(met.items()):
        if i == 0 and unknown[name]:
            text = _("{criterion} met by {n} (unknown for {unknown})")
        elif i == 0:
            text = _("{criterion} met by {n}")
        elif unknown[name]:
            text = _("{criterion} by {n} (unknown for {unknown})")
        else:
            text = _("{criterion} by {n}")
        parts.append(
            text.format(criterion=_criterion_text(name), n=int(count), unknown=int(unknown[name]))
        )
    return ngettext("Among {n} clients: {criteria}.", "Among {n} clients: {criteria}.", n).format(
        n=n, criteria=", ".join(parts)
    )


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
        return _("No client with positive sales: no Pareto curve.")
    n = (
        int(np.argmax(cum.to_numpy() >= mark - 1e-9)) + 1
        if (cum >= mark - 1e-9).any()
        else len(cum)
    )
    reached = float(cum.iloc[n - 1])
    return ngettext(
        "{n} of {total} clients ({share}) make {reached} of sales; the other {rest} make "
        "{rest_share}.",
        "{n} of {total} clients ({share}) make {reached} of sales; the other {rest} make "
        "{rest_share}.",
        len(cum),
    ).format(
        n=n,
        total=len(cum),
        share=percent(n / len(cum)),
        reached=percent(reached),
        rest=len(cum) - n,
        rest_share=percent(1 - reached),
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
    pct = {
        "lo": f"{lo * 100:.0f}",
        "hi": f"{hi * 100:.0f}",
        "mono": f"{mono * 100:.0f}",
        "s10": f"{s10 * 100:.0f}",
        "s20": f"{s20 * 100:.0f}",
        "s50": f"{s50 * 100:.0f}",
    }
    key_text = {
        "below": _("Key clients ({n}) hold {share} of sales, below the typical {lo}-{hi} % band."),
        "within": _(
            "Key clients ({n}) hold {share} of sales, within the typical {lo}-{hi} % band."
        ),
        "above": _("Key clients ({n}) hold {share} of sales, above the typical {lo}-{hi} % band."),
    }[dep.key_band].format(n=len(dep.key_clients), share=percent(dep.key_share), **pct)
    if dep.mono_dependent:
        key_text += " " + _("Above {mono} %: mono-dependence on key clients.").format(**pct)
    hhi, eff, n = dep.hhi, dep.effective_clients, dep.n_clients
    bands = {
        "below": pgettext("dependence band", "below"),
        "within": pgettext("dependence band", "within"),
        "above": pgettext("dependence band", "above"),
        "unconcentrated": pgettext("dependence band", "unconcentrated"),
        "moderately concentrated": pgettext("dependence band", "moderately concentrated"),
        "highly concentrated": pgettext("dependence band", "highly concentrated"),
    }
    hhi_band = bands.get(dep.hhi_band, dep.hhi_band)
    if hhi < h_lo:
        hhi_range = _("below {lo}").format(lo=money(h_lo))
    elif hhi <= h_hi:
        hhi_range = _("{lo}-{hi}").format(lo=money(h_lo), hi=money(h_hi))
    else:
        hhi_range = _("above {hi}").format(hi=money(h_hi))
    yes, no = pgettext("flag", "yes"), pgettext("flag", "no")
    rows = [
        (
            _("key-client share"),
            dep.key_share,
            _("{lo}-{hi} %; > {mono} % mono-dependence").format(**pct),
            bands[dep.key_band]
            if not dep.mono_dependent
            else pgettext("dependence band", "mono-dependence"),
            key_text,
        ),
        (
            _("clients >= {s10} %").format(**pct),
            float(len(large)),
            _("disclosure level"),
            yes if len(large) else no,
            ngettext(
                "{n} client(s) hold {s10} % or more of sales (the disclosure level): {clients}.",
                "{n} client(s) hold {s10} % or more of sales (the disclosure level): {clients}.",
                len(large),
            ).format(n=len(large), clients=_shares_listing(large), **pct)
            if len(large)
            else _("No single client holds {s10} % or more of sales.").format(**pct),
        ),
        (
            _("clients > {s20} %").format(**pct),
            float(len(over20)),
            _("dependence"),
            yes if len(over20) else no,
            ngettext(
                "Dependence on single clients: {clients} hold more than {s20} %.",
                "Dependence on single clients: {clients} hold more than {s20} %.",
                len(over20),
            ).format(clients=_shares_listing(over20), **pct)
            if len(over20)
            else _("No single client holds more than {s20} % of sales.").format(**pct),
        ),
        (
            _("clients >= {s50} %").format(**pct),
            float(len(over50)),
            _("mono-client"),
            yes if len(over50) else no,
            _("Mono-client: {clients} holds half of sales or more.").format(
                clients=_shares_listing(over50)
            )
            if len(over50)
            else _("No client holds {s50} % or more of sales.").format(**pct),
        ),
        (
            "HHI",
            hhi,
            _("< {lo} unconcentrated; > {hi} high").format(lo=money(h_lo), hi=money(h_hi)),
            hhi_band,
            _("HHI {hhi} of {scale}: {band} ({range}).").format(
                hhi=money(hhi), scale=money(10_000), band=hhi_band, range=hhi_range
            ),
        ),
        (
            _("effective number of clients"),
            eff,
            ngettext("of {n} clients", "of {n} clients", n).format(n=n),
            "",
            ngettext(
                "Effective number of clients {eff}: sales are as concentrated as if {eff} "
                "clients shared them equally (out of {n}).",
                "Effective number of clients {eff}: sales are as concentrated as if {eff} "
                "clients shared them equally (out of {n}).",
                n,
            ).format(eff=_decimal(eff), n=n),
        ),
        (
            "CR1",
            dep.cr1,
            _("share of the largest client"),
            "",
            _("The largest client holds {share} of sales.").format(share=percent(dep.cr1)),
        ),
        (
            "CR5",
            dep.cr5,
            _("share of the 5 largest"),
            "",
            _("The 5 largest clients hold {share} of sales.").format(share=percent(dep.cr5)),
        ),
        (
            "CR10",
            dep.cr10,
            _("share of the 10 largest"),
            "",
            _("The 10 largest clients hold {share} of sales.").format(share=percent(dep.cr10)),
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

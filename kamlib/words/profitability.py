"""Profitability in words: the whale curve's peak, the large loss-makers, revenue-A clients that
are not profit-A.

Mirrors :mod:`kamlib.plots.profitability`; the numbers come from
:mod:`kamlib.portfolio.profitability`.

Examples
--------
>>> whale_sentence(pd.DataFrame({"cumulative": [100.0]}))
'The top 100 % of clients (1 of 1) earn 100 % of the profit (no client loses money).'
"""

from __future__ import annotations

import pandas as pd

from kamlib.language import gettext as _
from kamlib.language import ngettext, pgettext
from kamlib.portfolio.profitability import whale_peak
from kamlib.words.labels import account_names, client_labels, semicolon
from kamlib.words.missing import no_cost
from kamlib.words.numbers import money, percent

__all__ = ["abc_cross_sentence", "loss_makers_sentence", "whale_peak_sentence", "whale_sentence"]


def whale_sentence(curve: pd.DataFrame, *, noun: str = "profit") -> str:
    """The peak of the whale curve as a sentence.

    The peak and its wording come from :func:`kamlib.portfolio.profitability.whale_peak`.

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
    text = whale_peak_sentence(whale_peak(curve), noun=noun)
    return text[:1].upper() + text[1:] + "."


def whale_peak_sentence(peak, *, noun: str = "profit") -> str:
    """The peak of a whale curve in words, lower case and without a full stop (a chart label).

    Parameters
    ----------
    peak : kamlib.portfolio.profitability.WhalePeak
        The result of :func:`kamlib.whale_peak`.
    noun : str, default "profit"
        What the curve measures.

    Examples
    --------
    >>> from kamlib.portfolio.profitability import whale_curve, whale_peak
    >>> pnl = pd.DataFrame({"contribution": [-20.0, 90.0, 30.0, 10.0]},
    ...                    index=pd.Index(["a", "b", "c", "d"], name="account_id"))
    >>> whale_peak_sentence(whale_peak(whale_curve(pnl)))
    'the top 75 % of clients (3 of 4) earn 118 % of the profit; the other 1 lose 18 % of it'
    """
    n, total = peak.total_clients, peak.total
    if n == 0:
        return _("no clients on the whale curve")
    if not total > 0:
        if noun == "profit":
            text = ngettext(
                "the total profit of the {n} clients is {total}, not positive: the whale curve "
                "has no peak to state",
                "the total profit of the {n} clients is {total}, not positive: the whale curve "
                "has no peak to state",
                n,
            )
        else:
            text = ngettext(
                "the total {noun} of the {n} clients is {total}, not positive: the whale curve "
                "has no peak to state",
                "the total {noun} of the {n} clients is {total}, not positive: the whale curve "
                "has no peak to state",
                n,
            )
        return text.format(noun=noun, n=n, total=money(total))
    clients, rest = peak.clients, n - peak.clients
    given_back = (peak.peak - total) / total
    fields = {
        "noun": noun,
        "share": percent(clients / n, digits=0),
        "clients": clients,
        "n": n,
        "peak": percent(peak.peak / total, digits=0),
        "rest": rest,
        "given_back": percent(given_back, digits=0),
    }
    if noun != "profit":
        return _generic_peak(fields, rest, given_back)
    if rest and given_back > 0:
        text = ngettext(
            "the top {share} of clients ({clients} of {n}) earn {peak} of the profit; the other "
            "{rest} lose {given_back} of it",
            "the top {share} of clients ({clients} of {n}) earn {peak} of the profit; the other "
            "{rest} lose {given_back} of it",
            rest,
        )
    elif rest:
        text = ngettext(
            "the top {share} of clients ({clients} of {n}) earn {peak} of the profit; the other "
            "{rest} add nothing",
            "the top {share} of clients ({clients} of {n}) earn {peak} of the profit; the other "
            "{rest} add nothing",
            rest,
        )
    else:
        text = _(
            "the top {share} of clients ({clients} of {n}) earn {peak} of the profit (no client "
            "loses money)"
        )
    return text.format(**fields)


def _generic_peak(fields: dict, rest: int, given_back: float) -> str:
    """:func:`whale_peak_sentence` for a curve of another measure than profit (`noun`)."""
    if rest and given_back > 0:
        text = ngettext(
            "the top {share} of clients ({clients} of {n}) earn {peak} of the {noun}; the other "
            "{rest} lose {given_back} of it",
            "the top {share} of clients ({clients} of {n}) earn {peak} of the {noun}; the other "
            "{rest} lose {given_back} of it",
            rest,
        )
    elif rest:
        text = ngettext(
            "the top {share} of clients ({clients} of {n}) earn {peak} of the {noun}; the other "
            "{rest} add nothing",
            "the top {share} of clients ({clients} of {n}) earn {peak} of the {noun}; the other "
            "{rest} add nothing",
            rest,
        )
    else:
        text = _(
            "the top {share} of clients ({clients} of {n}) earn {peak} of the {noun} (no client "
            "loses money)"
        )
    return text.format(**fields)


def _measure_text(value: str) -> str:
    """A profit measure (a column name) in words."""
    words = {
        "contribution": pgettext("profit measure", "contribution"),
        "gross_profit": pgettext("profit measure", "gross profit"),
    }
    return words.get(value, value.replace("_", " "))


def loss_makers_sentence(
    losers: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    *,
    value: str = "contribution",
    cost_known: bool = True,
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
    cost_known : bool, default True
        False when the workspace has no cost data (:func:`kamlib.words.cost_known`): the sentence
        then says loss-makers cannot be found, not that there are none.

    Examples
    --------
    >>> empty = pd.DataFrame({"revenue": [], "contribution": []})
    >>> print(loss_makers_sentence(empty, cost_known=False))  # doctest: +NORMALIZE_WHITESPACE
    Loss-makers cannot be found: no cost data (gross profit, contribution, breadwinners and
    loss-makers need a cost or gross_profit column).
    >>> losers = pd.DataFrame({"revenue": [1000.0], "contribution": [-50.0],
    ...     "gross_margin": [0.065], "cost_to_serve": [135.0]},
    ...     index=pd.Index(["C1"], name="account_id"))
    >>> accounts = pd.DataFrame({"account_id": ["C1"], "name": ["Baltic Cargo"]})
    >>> print(loss_makers_sentence(losers, accounts))  # doctest: +NORMALIZE_WHITESPACE
    1 large client loses money: Baltic Cargo (C1), contribution -50 on revenue 1,000 (gross
    margin 6.5 %, cost to serve 13.5 % of revenue).
    """
    if not cost_known or (len(losers) and losers[value].isna().all()):
        return _("Loss-makers cannot be found: {reason}.").format(reason=no_cost())
    if losers.empty:
        if value == "contribution":
            return _("No large client has a negative contribution.")
        if value == "gross_profit":
            return _("No large client has a negative gross profit.")
        return _("No large client has a negative {measure}.").format(measure=_measure_text(value))
    labels = client_labels(losers.index, account_names(accounts))
    parts = []
    for label, (_id, row) in zip(labels, losers.iterrows(), strict=True):
        text = _("{client}, {measure} {value} on revenue {revenue}").format(
            client=label,
            measure=_measure_text(value),
            value=money(row[value]),
            revenue=money(row["revenue"]),
        )
        details = []
        if "gross_margin" in losers:
            details.append(_("gross margin {share}").format(share=percent(row["gross_margin"])))
        if "cost_to_serve" in losers:
            share = row["cost_to_serve"] / row["revenue"] if row["revenue"] > 0 else float("nan")
            details.append(_("cost to serve {share} of revenue").format(share=percent(share)))
        parts.append(text + (f" ({', '.join(details)})" if details else ""))
    n = len(losers)
    return ngettext(
        "{n} large client loses money: {clients}.", "{n} large clients lose money: {clients}.", n
    ).format(n=n, clients=semicolon().join(parts))


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
        return _("No client is in revenue class A.")
    known = a["profit_abc"].isin(["A", "B", "C", "non-positive"])
    if not known.any():
        return _("Revenue-A clients cannot be compared with profit classes: {reason}.").format(
            reason=no_cost()
        )
    unknown = int(a.loc[~known, "clients"].sum())
    a = a[known]
    weaker = a[a["profit_abc"] != "A"]
    n_weak, n_a = int(weaker["clients"].sum()), int(a["clients"].sum())
    tail = (
        " "
        + ngettext(
            "Profit class unknown (no cost data) for {n} more revenue-A client.",
            "Profit class unknown (no cost data) for {n} more revenue-A clients.",
            unknown,
        ).format(n=unknown)
        if unknown
        else ""
    )
    if n_weak == 0 and unknown:
        return (
            ngettext(
                "All {n} revenue-A clients with known profit are profit-A too.",
                "All {n} revenue-A clients with known profit are profit-A too.",
                n_a,
            ).format(n=n_a)
            + tail
        )
    if n_weak == 0:
        return ngettext(
            "All {n} revenue-A clients are profit-A too.",
            "All {n} revenue-A clients are profit-A too.",
            n_a,
        ).format(n=n_a)
    detail = ", ".join(
        _profit_class_count(p, int(c))
        for p, c in zip(weaker["profit_abc"], weaker["clients"], strict=True)
    )
    return (
        ngettext(
            "{n} of {total} revenue-A clients are not profit-A ({detail}); they make {share} of "
            "revenue.",
            "{n} of {total} revenue-A clients are not profit-A ({detail}); they make {share} of "
            "revenue.",
            n_a,
        ).format(n=n_weak, total=n_a, detail=detail, share=percent(weaker["revenue_share"].sum()))
        + tail
    )


def _profit_class_count(profit_class: str, n: int) -> str:
    """``n`` clients of a profit class: "2 profit-B", "1 non-positive"."""
    if profit_class == "non-positive":
        return ngettext("{n} non-positive", "{n} non-positive", n).format(n=n)
    if len(profit_class) == 1:
        return ngettext("{n} profit-{cls}", "{n} profit-{cls}", n).format(n=n, cls=profit_class)
    return f"{n} {profit_class}"

"""Competitiveness and prospects in words: falls in the index, the 2x2 quadrants, qualified
prospects.

Mirrors :mod:`kamlib.plots.scoring`; the numbers come from :mod:`kamlib.portfolio.scoring`.

Examples
--------
>>> quadrants_sentence(pd.DataFrame({"quadrant": ["partner"]}))
'1 clients placed: partner 1.'
"""

from __future__ import annotations

import pandas as pd

from kamlib.language import babel_locale, ngettext, pgettext
from kamlib.language import gettext as _
from kamlib.words.labels import account_names, client_labels, listing
from kamlib.words.numbers import date_text

__all__ = [
    "competitiveness_sentence",
    "prospects_sentence",
    "quadrants_sentence",
    "quadrants_table",
]


def _decimal(text: str) -> str:
    """A number already written ("4.3", "+2.2") with the decimal sign of the reader's language."""
    from babel.numbers import get_decimal_symbol

    return text.replace(".", get_decimal_symbol(babel_locale()))


def _quadrant_text(quadrant: str) -> str:
    """A quadrant of :data:`kamlib.portfolio.scoring.QUADRANTS` in words (other names as they are)."""
    words = {
        "partner": pgettext("quadrant", "partner"),
        "win interest": pgettext("quadrant", "win interest"),
        "support": pgettext("quadrant", "support"),
        "maintain": pgettext("quadrant", "maintain"),
        "not placed": pgettext("quadrant", "not placed"),
    }
    return words.get(quadrant, quadrant)


def _gap_text(gap: str) -> str:
    """What a prospect misses (an item of ``qualify_prospects``' ``missing``) in words."""
    words = {
        "no need": pgettext("prospect", "no need"),
        "need unknown": pgettext("prospect", "need unknown"),
        "no solvency": pgettext("prospect", "no solvency"),
        "solvency unknown": pgettext("prospect", "solvency unknown"),
        "no authority": pgettext("prospect", "no authority"),
        "authority unknown": pgettext("prospect", "authority unknown"),
    }
    return words.get(gap, gap)


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
        return _("No competitiveness scores.")
    fell = by_client[by_client["change"] <= -drop].sort_values("change", kind="stable")
    n = len(by_client)
    assessed = ngettext(
        "{n} clients assessed (latest {date}), average index {average} of 10",
        "{n} clients assessed (latest {date}), average index {average} of 10",
        n,
    ).format(
        n=n,
        date=date_text(by_client["date"].max()),
        average=_decimal(f"{by_client['competitiveness'].mean():.1f}"),
    )
    points = _decimal(f"{drop:g}")
    if fell.empty:
        change = _("none lost {points} point or more since the previous assessment").format(
            points=points
        )
        return f"{assessed}; {change}."
    listed = client_labels(
        fell.index,
        account_names(accounts),
        extra=fell["change"].map(lambda c: _decimal(f"{c:+.1f}")),
    )
    change = ngettext(
        "{n} lost {points} point or more since the previous assessment: {clients}",
        "{n} lost {points} point or more since the previous assessment: {clients}",
        len(fell),
    ).format(n=len(fell), points=points, clients=listing(listed))
    return f"{assessed}; {change}."


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
        return _("No client placed on the 2x2 ({missing} with a value missing).").format(
            missing=missing
        )
    counts = ", ".join(
        _("{quadrant} {n}").format(quadrant=_quadrant_text(q), n=k)
        for q, k in placed["quadrant"].value_counts().items()
    )
    if missing:
        text = ngettext(
            "{n} clients placed: {counts}; {missing} not placed (a value is missing).",
            "{n} clients placed: {counts}; {missing} not placed (a value is missing).",
            len(placed),
        )
    else:
        text = ngettext(
            "{n} clients placed: {counts}.", "{n} clients placed: {counts}.", len(placed)
        )
    return text.format(n=len(placed), counts=counts, missing=missing)


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
        return _("No prospects.")
    names = prospects["name"].dropna() if "name" in prospects else pd.Series(dtype="str")
    ok = prospects[prospects["qualified"].fillna(False).astype(bool)]
    if len(ok):
        text = ngettext(
            "{n} of {total} prospects qualified (need, solvency and authority): {clients}.",
            "{n} of {total} prospects qualified (need, solvency and authority): {clients}.",
            len(prospects),
        )
    else:
        text = ngettext(
            "{n} of {total} prospects qualified (need, solvency and authority).",
            "{n} of {total} prospects qualified (need, solvency and authority).",
            len(prospects),
        )
    text = text.format(
        n=len(ok),
        total=len(prospects),
        clients=listing(client_labels(ok.index, names), limit=10) if len(ok) else "",
    )
    gaps = prospects.loc[~prospects.index.isin(ok.index), "missing"].str.split("; ").explode()
    gaps = gaps[gaps.fillna("") != ""].value_counts()
    if len(gaps):
        text += " " + _("The others miss most often: {gap} ({n}).").format(
            gap=_gap_text(gaps.index[0]), n=int(gaps.iloc[0])
        )
    return text


def quadrants_table(quadrants: pd.DataFrame) -> pd.DataFrame:
    """The 2x2 placement as a reader sees it: the quadrant's name in the reader's language.

    Parameters
    ----------
    quadrants : DataFrame
        Output of :func:`kamlib.portfolio.scoring.strategy_quadrants` (``quadrant``: a code of
        :data:`kamlib.portfolio.scoring.QUADRANTS` or ``"not placed"``); not modified.

    Examples
    --------
    >>> from kamlib.language import language
    >>> q = pd.DataFrame({"quadrant": ["partner", "not placed"]})
    >>> with language("fr"):
    ...     quadrants_table(q)["quadrant"].tolist()
    ['partenaire', 'non placé']
    """
    out = quadrants.copy()
    if "quadrant" in out:
        out["quadrant"] = out["quadrant"].map(_quadrant_text)
    return out

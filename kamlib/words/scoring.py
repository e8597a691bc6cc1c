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

from kamlib.words.labels import account_names, client_labels, listing

__all__ = ["competitiveness_sentence", "prospects_sentence", "quadrants_sentence"]


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
    listed = client_labels(
        fell.index, account_names(accounts), extra=fell["change"].map("{:+.1f}".format)
    )
    return (
        text
        + f"{len(fell)} lost {drop:g} point or more since the previous assessment: "
        + listing(listed)
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
        ": " + listing(client_labels(ok.index, names), limit=10) + "." if len(ok) else "."
    )
    gaps = prospects.loc[~prospects.index.isin(ok.index), "missing"].str.split("; ").explode()
    gaps = gaps[gaps.fillna("") != ""].value_counts()
    if len(gaps):
        text += f" The others miss most often: {gaps.index[0]} ({int(gaps.iloc[0])})."
    return text

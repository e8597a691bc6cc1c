"""A short portfolio summary in words: what ``kam summary`` prints."""

from __future__ import annotations

from kamlib.load.workspace import Workspace
from kamlib.portfolio.abcxyz import abc_xyz
from kamlib.portfolio.churn import client_status
from kamlib.portfolio.clients import dependence
from kamlib.portfolio.profitability import client_pnl, loss_makers
from kamlib.words.clients import dependence_sentences
from kamlib.words.numbers import money

__all__ = ["portfolio_summary"]


def portfolio_summary(ws: Workspace, *, months: int = 12) -> str:
    """The portfolio at a glance: size, revenue by year, dependence, ABC-XYZ, losses.

    Parameters
    ----------
    ws : Workspace
        A loaded workspace (:func:`kamlib.load_workspace`).
    months : int
        The window for shares and dependence, ending at ``ws.as_of``.

    Examples
    --------
    >>> import kamlib
    >>> text = portfolio_summary(kamlib.load_workspace("data/sample"))
    >>> text.splitlines()[0]
    'Portfolio of 150 accounts; analysis date 2025-12-31.'
    """
    tx = ws.transactions
    lines = [f"Portfolio of {len(ws.accounts)} accounts; analysis date {ws.as_of.date()}."]
    if tx.empty:
        return "\n".join(lines + ["No transactions: nothing to summarise."])
    by_year = tx.groupby(tx["date"].dt.year)["revenue"].sum()
    first, last = tx["date"].min().date(), tx["date"].max().date()
    lines.append(
        f"{len(tx):,} transaction lines from {first} to {last}; "
        "revenue by year: " + ", ".join(f"{y} {money(v)}" for y, v in by_year.items()) + "."
    )
    accounts = ws.accounts if ws.has("accounts") else None
    dep = dependence(tx, accounts, as_of=ws.as_of, months=months)
    lines.append(f"\nDependence (last {months} months):")
    lines += [f"  {s}" for s in dependence_sentences(dep)]

    classes = abc_xyz(tx, as_of=ws.as_of)
    counts = classes["cell"].value_counts().sort_index()
    lines.append(
        "\nABC-XYZ cells (clients): " + ", ".join(f"{c} {n}" for c, n in counts.items()) + "."
    )

    status = client_status(tx, as_of=ws.as_of)
    key_risk = status.index.to_series().isin(dep.key_clients) & status["status"].isin(
        ["at_risk", "lost"]
    )
    counts = status["status"].value_counts()
    lines.append(
        "\nLoss of clients: "
        + ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.items())
        + f"; {int(key_risk.sum())} of them key clients at risk or lost."
    )
    pnl = client_pnl(tx, ws.cost_to_serve if ws.has("cost_to_serve") else None)
    losers = loss_makers(pnl)
    if len(losers):
        lines.append(f"Large clients with negative contribution: {', '.join(losers.index)}.")
    return "\n".join(lines)

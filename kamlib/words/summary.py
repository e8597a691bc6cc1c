"""A short portfolio summary in words: what ``kam summary`` prints."""

from __future__ import annotations

import pandas as pd

from kamlib.language import gettext as _
from kamlib.language import ngettext, pgettext
from kamlib.load.workspace import Workspace
from kamlib.portfolio.abcxyz import abc_xyz
from kamlib.portfolio.churn import client_status
from kamlib.portfolio.clients import dependence
from kamlib.portfolio.profitability import client_pnl, loss_makers
from kamlib.words.clients import dependence_sentences
from kamlib.words.numbers import date_text, money
from kamlib.words.settings import conventions_sentence, window_label

__all__ = ["portfolio_summary"]


def portfolio_summary(
    ws: Workspace,
    *,
    as_of=None,
    months: int = 12,
    abc_cutoffs: tuple[float, float] = (0.80, 0.95),
    xyz_cutoffs: tuple[float, float] = (0.5, 1.0),
    zero_periods: str = "from_first",
) -> str:
    """The portfolio at a glance: size, revenue by year, dependence, ABC-XYZ, losses.

    The settings and conventions come first, and every figure says its window: the shares and
    dependence over the last `months` months, the classes, losses and profitability over the
    whole history up to `as_of`.

    Parameters
    ----------
    ws : Workspace
        A loaded workspace (:func:`kamlib.load_workspace`).
    as_of : date-like, optional
        The analysis date; default ``ws.as_of``.
    months : int
        The window for shares and dependence, ending at `as_of`.
    abc_cutoffs, xyz_cutoffs, zero_periods
        The ABC-XYZ conventions (:func:`kamlib.abc_xyz`).

    Examples
    --------
    >>> import kamlib
    >>> text = portfolio_summary(kamlib.load_workspace("data/sample"))
    >>> text.splitlines()[0]
    'Portfolio of 150 accounts; analysis date 2025-12-31.'
    """
    tx = ws.transactions
    day = pd.Timestamp(as_of if as_of is not None else ws.as_of).normalize()
    n = len(ws.accounts)
    lines = [
        ngettext(
            "Portfolio of {n} accounts; analysis date {date}.",
            "Portfolio of {n} accounts; analysis date {date}.",
            n,
        ).format(n=n, date=date_text(day))
    ]
    if tx.empty:
        return "\n".join(lines + [_("No transactions: nothing to summarise.")])
    lines.append(
        conventions_sentence(
            as_of=day,
            months=months,
            abc_cutoffs=abc_cutoffs,
            xyz_cutoffs=xyz_cutoffs,
            zero_periods=zero_periods,
        )
    )
    whole = window_label(day, None)
    tx = tx[tx["date"] < day + pd.Timedelta(days=1)]
    by_year = tx.groupby(tx["date"].dt.year)["revenue"].sum()
    first, last = date_text(tx["date"].min()), date_text(tx["date"].max())
    lines.append(
        ngettext(
            "{n} transaction lines from {first} to {last}; revenue by calendar year: {years}.",
            "{n} transaction lines from {first} to {last}; revenue by calendar year: {years}.",
            len(tx),
        ).format(
            n=money(len(tx)),
            first=first,
            last=last,
            years=", ".join(f"{y} {money(v)}" for y, v in by_year.items()),
        )
    )
    accounts = ws.accounts if ws.has("accounts") else None
    dep = dependence(tx, accounts, as_of=day, months=months)
    lines.append("\n" + _("Dependence ({window}):").format(window=window_label(day, months)))
    lines += [f"  {s}" for s in dependence_sentences(dep)]

    classes = abc_xyz(
        tx,
        as_of=day,
        abc_cutoffs=abc_cutoffs,
        xyz_cutoffs=xyz_cutoffs,
        zero_periods=zero_periods,
    )
    counts = classes["cell"].value_counts().sort_index()
    lines.append(
        "\n"
        + _("ABC-XYZ cells (clients, {window}): {cells}.").format(
            window=whole, cells=", ".join(f"{c} {n}" for c, n in counts.items())
        )
    )

    status = client_status(tx, as_of=day)
    key_risk = status.index.to_series().isin(dep.key_clients) & status["status"].isin(
        ["at_risk", "lost"]
    )
    counts = status["status"].value_counts()
    at_risk = int(key_risk.sum())
    lines.append(
        "\n"
        + ngettext(
            "Loss of clients (status on {date} from the whole history): {statuses}; {n} of them "
            "key clients at risk or lost.",
            "Loss of clients (status on {date} from the whole history): {statuses}; {n} of them "
            "key clients at risk or lost.",
            at_risk,
        ).format(
            date=date_text(day),
            statuses=", ".join(_status_count(s, n) for s, n in counts.items()),
            n=at_risk,
        )
    )
    pnl = client_pnl(tx, ws.cost_to_serve if ws.has("cost_to_serve") else None, as_of=day)
    losers = loss_makers(pnl)
    if len(losers):
        lines.append(
            _("Large clients with negative contribution ({window}): {clients}.").format(
                window=whole, clients=", ".join(losers.index)
            )
        )
    return "\n".join(lines)


def _status_count(status: str, n: int) -> str:
    """How many clients have one status of :func:`kamlib.client_status` ("12 at risk")."""
    words = {
        "active": pgettext("clients by status", "active"),
        "at_risk": pgettext("clients by status", "at risk"),
        "lost": pgettext("clients by status", "lost"),
        "no_purchase": pgettext("clients by status", "no purchase"),
    }
    # TRANSLATORS: one item of a list of counts of clients by status, e.g. "12 at risk"
    return _("{n} {status}").format(n=n, status=words.get(status, status.replace("_", " ")))

"""The portfolio at a glance: the first table a sales director reads, every count with its base.

Examples
--------
>>> tx = pd.DataFrame({"account_id": ["A", "B", "A"], "revenue": [300.0, 100.0, 200.0],
...     "date": pd.to_datetime(["2024-06-01", "2025-03-01", "2025-06-01"])})
>>> status = pd.DataFrame({"status": ["active", "lost"], "annual_value": [200.0, 100.0]},
...     index=pd.Index(["A", "B"], name="account_id"))
>>> table = glance_table(tx, as_of="2025-12-31", status=status)
>>> for row in table.itertuples(index=False):
...     print(" | ".join(row))
Revenue, last 12 months to 2025-12-31 | 300 | +0.0 % on the 12 months before
Clients buying in the last 12 months | 2 | of 2 accounts
Lost clients | 1 | of 2 clients; 100 a year at stake
Clients at risk | 0 | of 2 clients; 0 a year at stake
"""

from __future__ import annotations

import pandas as pd

from kamlib.language import N_, ngettext, pgettext
from kamlib.language import gettext as _
from kamlib.window import since, until, window_start
from kamlib.words.numbers import date_text, money, number, percent, signed_percent

__all__ = ["glance_table"]


def glance_table(
    transactions: pd.DataFrame,
    *,
    as_of: object,
    months: int = 12,
    status: pd.DataFrame | None = None,
    key_ids: object = None,
    key_share: float | None = None,
    pnl: pd.DataFrame | None = None,
    cost_known: bool = True,
    set_aside: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per headline figure of the portfolio, with the population it is counted in.

    Parameters
    ----------
    transactions : DataFrame
        Canonical transactions (``account_id``, ``date``, ``revenue``).
    as_of : date-like
        The analysis date: the window is the `months` months up to it.
    months : int, default 12
        The window of revenue, clients buying, key clients and the P&L.
    status : DataFrame, optional
        :func:`kamlib.client_status` (``status``, ``annual_value``; index ``account_id``).
    key_ids : iterable of str, optional
        The key clients (:func:`kamlib.key_clients`' ``client_id``).
    key_share : float, optional
        Their share of sales (``kamlib.dependence(...).key_share``).
    pnl : DataFrame, optional
        :func:`kamlib.client_pnl` over the same window (``contribution``).
    cost_known : bool, default True
        False when the export has no cost: profit rows then say "not known".
    set_aside : DataFrame, optional
        ``Workspace.set_aside`` (``lines``, ``revenue``, ``share``).

    Returns
    -------
    DataFrame
        ``Measure``, ``Figure``, ``Base`` (the population or comparison), all text, in the
        reader's language (:func:`kamlib.language.use_language`).
    """
    as_of = pd.Timestamp(as_of)
    start = window_start(as_of, months)
    before = window_start(start - pd.Timedelta(days=1), months)
    tx = until(transactions, as_of)
    now = since(tx, start)
    prev = until(since(tx, before), start - pd.Timedelta(days=1))
    revenue, revenue_before = now["revenue"].sum(), prev["revenue"].sum()
    change = revenue / revenue_before - 1 if revenue_before > 0 else float("nan")
    accounts = tx["account_id"].nunique() if status is None else len(status)
    buying = int((now.groupby("account_id")["revenue"].sum() > 0).sum())
    # TRANSLATORS: English keeps "months" for 1 too; give each plural form its own grammar
    revenue_label = ngettext(
        "Revenue, last {n} months to {date}", "Revenue, last {n} months to {date}", months
    )
    rows = [
        (
            revenue_label.format(n=months, date=date_text(as_of)),
            money(revenue),
            ngettext(
                "{change} on the {n} months before", "{change} on the {n} months before", months
            ).format(change=signed_percent(change), n=months),
        ),
        (
            ngettext(
                "Clients buying in the last {n} months",
                "Clients buying in the last {n} months",
                months,
            ).format(n=months),
            number(buying),
            ngettext("of {n} accounts", "of {n} accounts", accounts).format(n=number(accounts)),
        ),
    ]
    if key_ids is not None:
        n_key = len(list(key_ids))
        base = (
            ngettext("of {n} clients buying", "of {n} clients buying", buying)
            if key_share is None
            else ngettext(
                "of {n} clients buying, {share} of sales",
                "of {n} clients buying, {share} of sales",
                buying,
            )
        )
        share = None if key_share is None else percent(key_share)
        rows.append((_("Key clients"), number(n_key), base.format(n=number(buying), share=share)))
    if pnl is not None:
        if cost_known:
            losing = pnl[pnl["contribution"] < 0]
            rows.append(
                (
                    _("Clients losing money (contribution below 0)"),
                    number(len(losing)),
                    ngettext(
                        "of {n} clients with revenue; together {amount}",
                        "of {n} clients with revenue; together {amount}",
                        len(pnl),
                    ).format(n=number(len(pnl)), amount=money(-losing["contribution"].sum())),
                )
            )
        else:
            rows.append(
                (_("Clients losing money"), pgettext("figure", "not known"), _("no cost data"))
            )
    if status is not None:
        for label, code in ((N_("Lost clients"), "lost"), (N_("Clients at risk"), "at_risk")):
            rows_ = status[status["status"] == code]
            value = rows_["annual_value"].sum() if "annual_value" in rows_ else float("nan")
            rows.append(
                (
                    _(label),
                    number(len(rows_)),
                    ngettext(
                        "of {n} clients; {amount} a year at stake",
                        "of {n} clients; {amount} a year at stake",
                        len(status),
                    ).format(n=number(len(status)), amount=money(value)),
                )
            )
    if set_aside is not None:
        if set_aside.empty:
            rows.append(
                (_("Lines set aside by the loader"), number(0), _("every line read is counted"))
            )
        else:
            rows.append(
                (
                    _("Lines set aside by the loader"),
                    number(int(set_aside["lines"].sum())),
                    _("{amount} of revenue ({share} of revenue read), not in the figures").format(
                        amount=money(set_aside["revenue"].sum(min_count=1)),
                        share=percent(set_aside["share"].sum(min_count=1)),
                    ),
                )
            )
    columns = [pgettext("glance table", "Measure"), pgettext("glance table", "Figure"), _("Base")]
    return pd.DataFrame(rows, columns=columns, dtype="str")

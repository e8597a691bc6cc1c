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

from kamlib.window import since, until, window_start
from kamlib.words.numbers import money, percent, signed_percent

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
        ``Measure``, ``Figure``, ``Base`` (the population or comparison), all text.
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
    window = f"last {months} months"
    rows = [
        (
            f"Revenue, {window} to {as_of.date()}",
            money(revenue),
            f"{signed_percent(change)} on the {months} months before",
        ),
        (f"Clients buying in the {window}", f"{buying:,}", f"of {accounts:,} accounts"),
    ]
    if key_ids is not None:
        n_key = len(list(key_ids))
        share = "" if key_share is None else f", {percent(key_share)} of sales"
        rows.append(("Key clients", f"{n_key:,}", f"of {buying:,} clients buying{share}"))
    if pnl is not None:
        if cost_known:
            losing = pnl[pnl["contribution"] < 0]
            lost_money = money(-losing["contribution"].sum())
            rows.append(
                (
                    "Clients losing money (contribution below 0)",
                    f"{len(losing):,}",
                    f"of {len(pnl):,} clients with revenue; together {lost_money}",
                )
            )
        else:
            rows.append(("Clients losing money", "not known", "no cost data"))
    if status is not None:
        for label, code in (("Lost clients", "lost"), ("Clients at risk", "at_risk")):
            rows_ = status[status["status"] == code]
            value = rows_["annual_value"].sum() if "annual_value" in rows_ else float("nan")
            rows.append(
                (
                    label,
                    f"{len(rows_):,}",
                    f"of {len(status):,} clients; {money(value)} a year at stake",
                )
            )
    if set_aside is not None:
        if set_aside.empty:
            rows.append(("Lines set aside by the loader", "0", "every line read is counted"))
        else:
            rows.append(
                (
                    "Lines set aside by the loader",
                    f"{int(set_aside['lines'].sum()):,}",
                    f"{money(set_aside['revenue'].sum(min_count=1))} of revenue "
                    f"({percent(set_aside['share'].sum(min_count=1))} of revenue read), "
                    "not in the figures",
                )
            )
    return pd.DataFrame(rows, columns=["Measure", "Figure", "Base"], dtype="str")

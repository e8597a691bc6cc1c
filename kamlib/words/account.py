"""The account summary in words: the lines under the title, the strip of figures, the act-on
list, the target with its source, and the account's facts with human labels.

Every function takes a :class:`kamlib.account.summary.AccountSummary` (or the dossier's
``info``) and returns plain text or a small frame of text, ready for
:func:`kamlib.report.elements.table` / :func:`~kamlib.report.elements.paragraph`.
"""

from __future__ import annotations

import pandas as pd

from kamlib.account.summary import AccountSummary
from kamlib.words.numbers import money, percent, signed_money, signed_percent
from kamlib.words.risks import beyond_item_text

__all__ = [
    "account_facts",
    "act_on_table",
    "cross_sell_room_lines",
    "plan_target_sentence",
    "summary_figures",
    "summary_lines",
    "target_sentence",
    "window_sentence",
]

_STATUS_WORDS = {
    "lost": "Lost",
    "loss-making": "Loss-making",
    "at risk": "At risk",
    "new": "New",
    "growing": "Growing",
    "active": "Active",
}

_MEASURES = {
    "revenue": "Revenue",
    "gross_profit": "Gross profit",
    "contribution": "Contribution after cost to serve",
    "share_of_wallet": "Share of wallet (revenue / potential budget)",
}

_FACT_LABELS = {
    "name": "Name",
    "account_id": "Account",
    "parent_id": "Part of group",
    "region": "Region",
    "industry": "Industry",
    "manager": "Account manager",
    "since": "Client since",
    "status": "Status in the CRM",
    "lost_reason": "Reason lost",
    "image_maker": "Image maker",
    "expert": "Expert",
    "potential_budget": "Potential budget per year",
    "first_purchase": "First purchase",
    "last_purchase": "Last purchase",
    "days_since_last_purchase": "Days since the last purchase",
    "revenue_total": "Revenue, whole history",
    "revenue_last_12m": "Revenue, last 12 months",
    "gross_profit_last_12m": "Gross profit, last 12 months",
    "orders_last_12m": "Orders, last 12 months",
    "products_bought": "Products bought",
}


def window_sentence(summary: AccountSummary) -> str:
    """The as-of date and the window, said once under the title.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.account.summary import account_summary
    >>> tx = pd.DataFrame({"account_id": ["A"], "revenue": [10.0],
    ...     "date": pd.to_datetime(["2025-06-01"])})
    >>> window_sentence(account_summary("A", transactions=tx, as_of="2025-12-31"))[:60]
    'Data up to 2025-12-31; "last 12 months" is 2025-01-01 to 202'
    """
    start = summary.as_of - pd.DateOffset(months=summary.months) + pd.Timedelta(days=1)
    return (
        f'Data up to {summary.as_of.date()}; "last {summary.months} months" is '
        f"{start.date()} to {summary.as_of.date()}, compared with the {summary.months} months "
        "before."
    )


def _status_reason(s: AccountSummary) -> str:
    f = s.figures
    if s.status == "lost":
        days = "" if pd.isna(s.status_days) else f" for {s.status_days:.0f} days"
        why = f"; {s.lost_reason}" if s.lost_reason else "; the reason is not recorded"
        return f"no purchase{days}{why}"
    if s.status == "loss-making":
        return (
            f"contribution after cost to serve {money(f.loc['contribution', 'last'])} "
            f"in the last {s.months} months"
        )
    if s.status == "at risk":
        return f"no purchase for {s.status_days:.0f} days, longer than its usual rhythm"
    if s.status == "new":
        return f"first purchase in the last {s.months} months"
    if s.status == "growing":
        return f"revenue {signed_percent(f.loc['revenue', 'change'])} on the year before"
    return f"buying; revenue {signed_percent(f.loc['revenue', 'change'])} on the year before"


def summary_lines(summary: AccountSummary) -> list[str]:
    """Who the account is and its status with the reason, as short lines.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.account.summary import account_summary
    >>> tx = pd.DataFrame({"account_id": ["A"] * 2, "revenue": [10.0, 10.0],
    ...     "date": pd.to_datetime(["2024-06-01", "2025-06-01"])})
    >>> summary_lines(account_summary("A", transactions=tx, as_of="2025-12-31"))[-1]
    'Status: lost (no purchase for 213 days; the reason is not recorded).'
    """
    s = summary
    who = [s.name]
    for label, value in (
        ("account manager", s.manager),
        ("industry", s.segment),
        ("region", s.region),
    ):
        if value:
            who.append(f"{label} {value}")
    lines = ["; ".join(who) + "."] if len(who) > 1 else []  # the title already names it
    classes = []
    if s.cell:
        classes.append(f"ABC-XYZ cell {s.cell}")
    if s.key_types:
        classes.append("key-client types: " + ", ".join(t.replace("_", " ") for t in s.key_types))
    if classes:
        text = "; ".join(classes)
        lines.append(text[0].upper() + text[1:] + ".")
    lines.append(f"Status: {s.status} ({_status_reason(s)}).")
    return lines


def summary_figures(summary: AccountSummary) -> pd.DataFrame:
    """The strip of figures: last window, the window before and the change, as text.

    Unknown values say "not known" (a contribution without cost-to-serve data is never 0).

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.account.summary import account_summary
    >>> tx = pd.DataFrame({"account_id": ["A"] * 2, "revenue": [100.0, 120.0],
    ...     "cost": [50.0, 60.0], "date": pd.to_datetime(["2024-06-01", "2025-06-01"])})
    >>> f = summary_figures(account_summary("A", transactions=tx, as_of="2025-12-31"))
    >>> f.loc["Revenue"].tolist(), f.loc["Contribution after cost to serve"].tolist()
    (['120', '100', '+20.0 %'], ['not known', 'not known', ''])
    """
    s = summary
    rows = {}
    for key, label in _MEASURES.items():
        last, prev, change = s.figures.loc[key, ["last", "previous", "change"]]
        if key == "share_of_wallet":
            if pd.isna(last) and pd.isna(prev):
                continue
            fmt = percent
        else:
            fmt = money
        rows[label] = {
            f"Last {s.months} months": "not known" if pd.isna(last) else fmt(last),
            f"{s.months} months before": "not known" if pd.isna(prev) else fmt(prev),
            "Change": _change_text(key, last, prev, change),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def _change_text(key: str, last: float, prev: float, change: float) -> str:
    if key == "share_of_wallet":  # a change of a share is said in points
        return "" if pd.isna(last - prev) else f"{100 * (last - prev):+.1f} points"
    if pd.isna(change) and pd.notna(last) and pd.notna(prev) and prev <= 0:
        return signed_money(last - prev)  # no percentage of a loss: the amount it moved by
    return "" if pd.isna(change) else signed_percent(change)


def _item_text(
    kind: str, subject: object, number: float, value: float, date: pd.Timestamp
) -> tuple[str, str, str]:
    day = "" if pd.isna(date) else str(pd.Timestamp(date).date())
    if kind == "tender":
        return (
            f'Prepare the tender "{subject}": its preparation window is open',
            f"{money(value)} in {number:.0f} days",
            day,
        )
    if kind == "decision maker":
        return (
            f"Contact the decision maker, {subject}",
            f"not contacted for {number:.0f} days",
            day,
        )
    if kind == "overdue actions":
        n = int(number)
        return (
            f"Overdue action{'s' if n != 1 else ''}, the oldest: {subject}",
            f"{n} overdue, oldest {value:.0f} days",
            day,
        )
    if kind == "below floor":
        n = int(number)
        return (
            "Raise the prices below the price floor",
            f"{n} product{'s' if n != 1 else ''}, {money(value)} revenue",
            day,
        )
    if kind == "competitor":
        return (
            f"Win back share from {subject}",
            f"{percent(number, 0)} of the client's spend",
            day,
        )
    return beyond_item_text(kind, subject, number, value, date)  # issue 13: beyond sales


def act_on_table(summary: AccountSummary) -> pd.DataFrame:
    """The act-on list, ranked, as text: what to do, its number, its date.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.account.summary import account_summary
    >>> tx = pd.DataFrame({"account_id": ["A"], "revenue": [10.0],
    ...     "date": pd.to_datetime(["2025-06-01"])})
    >>> comp = pd.DataFrame({"account_id": ["A"], "competitor": ["Rival"],
    ...     "share_of_wallet": [0.3]})
    >>> act_on_table(account_summary("A", transactions=tx, competitors=comp,
    ...                              as_of="2025-12-31")).iloc[0].tolist()
    ['Win back share from Rival', "30 % of the client's spend", '']
    """
    rows = [
        _item_text(r.kind, r.subject, r.number, r.value, r.date)
        for r in summary.act_on.itertuples()
    ]
    out = pd.DataFrame(rows, columns=["Act on", "Figure", "Date"])
    out.index = pd.RangeIndex(1, len(out) + 1)
    return out


def target_sentence(summary: AccountSummary) -> str:
    """The plan-year target and where it comes from.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.account.summary import account_summary
    >>> tx = pd.DataFrame({"account_id": ["A"], "revenue": [1000.0],
    ...     "date": pd.to_datetime(["2025-11-01"])})
    >>> target_sentence(account_summary("A", transactions=tx, as_of="2025-12-31"))
    'Our revenue target for 2026: 1,000 (computed: revenue of the last 12 months, growth +0.0 %).'
    """
    if summary.status == "lost" and summary.target_source != "targets table":
        return (
            f"No revenue target for {summary.plan_year} while the client is lost: the goal is "
            "to win it back (see the win-back offer)."
        )
    return plan_target_sentence(
        summary.target,
        summary.target_source,
        summary.plan_year,
        months=summary.months,
        growth=float(summary.parameters.get("growth", 0.0)),
    )


def plan_target_sentence(
    target: float, source: str, year: int, *, months: int = 12, growth: float = 0.0
) -> str:
    """The one target of a plan year with its source (see :func:`kamlib.plan_target`).

    Examples
    --------
    >>> plan_target_sentence(4796900.0, "targets table", 2026)
    'Our revenue target for 2026: 4,796,900 (from the targets table).'
    """
    if source == "targets table":
        why = "from the targets table"
    else:
        why = f"computed: revenue of the last {months} months, growth {signed_percent(growth)}"
    return f"Our revenue target for {year}: {money(target)} ({why})."


def account_facts(info: pd.Series) -> pd.DataFrame:
    """The account's facts (the dossier's ``info``) with human labels, empty ones left out.

    Yes/no for flags, dates as days, amounts without decimals.

    Examples
    --------
    >>> import pandas as pd
    >>> info = pd.Series({"name": "Alfa", "parent_id": None, "expert": True,
    ...                   "revenue_total": 1234.56})
    >>> account_facts(info)["Value"].to_dict()
    {'Name': 'Alfa', 'Expert': 'yes', 'Revenue, whole history': '1,235'}
    """
    rows = {}
    for key, value in info.items():
        if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
            continue
        label = _FACT_LABELS.get(str(key), str(key).replace("_", " ").capitalize())
        if isinstance(value, bool) or type(value).__name__ == "bool_":
            text = "yes" if value else "no"
        elif isinstance(value, pd.Timestamp):
            text = str(value.date())
        elif isinstance(value, float) and ("revenue" in key or "profit" in key or "budget" in key):
            text = money(value)
        elif isinstance(value, float) and float(value).is_integer():
            text = f"{value:,.0f}"
        else:
            text = str(value)
        rows[label] = text
    return pd.DataFrame({"Value": pd.Series(rows, dtype="str")})


def cross_sell_room_lines(candidates: pd.DataFrame) -> list[str]:
    """How the cross-sell list is bounded (the ``attrs`` of :func:`kamlib.account.plan.cross_sell`).

    Examples
    --------
    >>> frame = pd.DataFrame({"estimated_value": [40.0]})
    >>> frame.attrs.update(room=500.0, room_basis="potential budget")
    >>> cross_sell_room_lines(frame)
    ["Listed up to the client's room: potential budget minus our revenue, 500."]
    >>> cross_sell_room_lines(pd.DataFrame())
    []
    """
    room, basis = candidates.attrs.get("room"), candidates.attrs.get("room_basis")
    if room is None:
        return []
    if basis == "potential budget":
        return [
            f"Listed up to the client's room: potential budget minus our revenue, {money(room)}."
        ]
    return [
        f"Listed up to {money(room)}, a tenth of our revenue with the client: its potential "
        "budget is not known or not above that revenue."
    ]

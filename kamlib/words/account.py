"""The account summary in words: the lines under the title, the strip of figures, the act-on
list, the target with its source, and the account's facts with human labels.

Every function takes a :class:`kamlib.account.summary.AccountSummary` (or the dossier's
``info``) and returns plain text or a small frame of text, ready for
:func:`kamlib.report.elements.table` / :func:`~kamlib.report.elements.paragraph`.
"""

from __future__ import annotations

import pandas as pd

from kamlib.account.summary import AccountSummary
from kamlib.language import N_, ngettext, pgettext
from kamlib.language import gettext as _
from kamlib.words.labels import semicolon
from kamlib.words.numbers import date_text, money, percent, signed_money, signed_percent
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

_MEASURES = {
    "revenue": N_("Revenue"),
    "gross_profit": N_("Gross profit"),
    "contribution": N_("Contribution after cost to serve"),
    "share_of_wallet": N_("Share of wallet (revenue / potential budget)"),
}

_FACT_LABELS = {
    "name": N_("Name"),
    "account_id": N_("Account"),
    "parent_id": N_("Part of group"),
    "region": N_("Region"),
    "industry": N_("Industry"),
    "manager": N_("Account manager"),
    "since": N_("Client since"),
    "status": N_("Status in the CRM"),
    "lost_reason": N_("Reason lost"),
    "image_maker": N_("Image maker"),
    "expert": N_("Expert"),
    "potential_budget": N_("Potential budget per year"),
    "first_purchase": N_("First purchase"),
    "last_purchase": N_("Last purchase"),
    "days_since_last_purchase": N_("Days since the last purchase"),
    "revenue_total": N_("Revenue, whole history"),
    "revenue_last_12m": N_("Revenue, last 12 months"),
    "gross_profit_last_12m": N_("Gross profit, last 12 months"),
    "orders_last_12m": N_("Orders, last 12 months"),
    "products_bought": N_("Products bought"),
}


def _status_word(status: str) -> str:
    """The account's status (a code of :func:`kamlib.account_summary`) in the reader's language."""
    words = {
        "lost": pgettext("account status", "lost"),
        "loss-making": pgettext("account status", "loss-making"),
        "at risk": pgettext("account status", "at risk"),
        "new": pgettext("account status", "new"),
        "growing": pgettext("account status", "growing"),
        "active": pgettext("account status", "active"),
    }
    return words.get(status, status)


def _key_type_word(kind: str) -> str:
    """A key-client type (a code of :func:`kamlib.client_types`) in the reader's language."""
    words = {
        "breadwinner": pgettext("key-client type", "breadwinner"),
        "perspective": pgettext("key-client type", "perspective"),
        "image_maker": pgettext("key-client type", "image maker"),
        "expert": pgettext("key-client type", "expert"),
        "top_clients": pgettext("key-client type", "top clients"),
    }
    return words.get(kind, kind.replace("_", " "))


def _count(value: float) -> str:
    """A whole number of days or things, rounded, with the locale's separators."""
    return money(value)


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
    return ngettext(
        'Data up to {as_of}; "last {months} months" is {start} to {as_of}, compared with the '
        "{months} months before.",
        'Data up to {as_of}; "last {months} months" is {start} to {as_of}, compared with the '
        "{months} months before.",
        summary.months,
    ).format(as_of=date_text(summary.as_of), months=summary.months, start=date_text(start))


def _status_reason(s: AccountSummary) -> str:
    f = s.figures
    if s.status == "lost":
        known_days = pd.notna(s.status_days)
        days = 0 if not known_days else int(round(s.status_days))
        if known_days and s.lost_reason:
            text = ngettext(
                "no purchase for {days} days; {reason}",
                "no purchase for {days} days; {reason}",
                days,
            )
        elif known_days:
            text = ngettext(
                "no purchase for {days} days; the reason is not recorded",
                "no purchase for {days} days; the reason is not recorded",
                days,
            )
        elif s.lost_reason:
            text = _("no purchase; {reason}")
        else:
            text = _("no purchase; the reason is not recorded")
        return text.format(days=_count(days), reason=s.lost_reason)
    if s.status == "loss-making":
        return ngettext(
            "contribution after cost to serve {amount} in the last {months} months",
            "contribution after cost to serve {amount} in the last {months} months",
            s.months,
        ).format(amount=money(f.loc["contribution", "last"]), months=s.months)
    if s.status == "at risk":
        days = int(round(s.status_days))
        return ngettext(
            "no purchase for {days} days, longer than its usual rhythm",
            "no purchase for {days} days, longer than its usual rhythm",
            days,
        ).format(days=_count(days))
    if s.status == "new":
        return ngettext(
            "first purchase in the last {months} months",
            "first purchase in the last {months} months",
            s.months,
        ).format(months=s.months)
    change = signed_percent(f.loc["revenue", "change"])
    if s.status == "growing":
        return _("revenue {change} on the year before").format(change=change)
    return _("buying; revenue {change} on the year before").format(change=change)


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
    if s.manager:
        who.append(_("account manager {manager}").format(manager=s.manager))
    if s.segment:
        who.append(_("industry {industry}").format(industry=s.segment))
    if s.region:
        who.append(_("region {region}").format(region=s.region))
    lines = [semicolon().join(who) + "."] if len(who) > 1 else []  # the title already names it
    classes = []
    if s.cell:
        classes.append(_("ABC-XYZ cell {cell}").format(cell=s.cell))
    if s.key_types:
        types = ", ".join(_key_type_word(t) for t in s.key_types)
        classes.append(_("key-client types: {types}").format(types=types))
    if classes:
        text = semicolon().join(classes)
        lines.append(text[0].upper() + text[1:] + ".")
    lines.append(
        _("Status: {status} ({reason}).").format(
            status=_status_word(s.status), reason=_status_reason(s)
        )
    )
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
    last_label = ngettext("Last {months} months", "Last {months} months", s.months)
    before_label = ngettext("{months} months before", "{months} months before", s.months)
    last_label, before_label = (x.format(months=s.months) for x in (last_label, before_label))
    not_known = _("not known")
    rows = {}
    for key, label in _MEASURES.items():
        last, prev, change = s.figures.loc[key, ["last", "previous", "change"]]
        if key == "share_of_wallet":
            if pd.isna(last) and pd.isna(prev):
                continue
            fmt = percent
        else:
            fmt = money
        rows[_(label)] = {
            last_label: not_known if pd.isna(last) else fmt(last),
            before_label: not_known if pd.isna(prev) else fmt(prev),
            _("Change"): _change_text(key, last, prev, change),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def _points(value: float) -> str:
    """A change of a share in percentage points, signed, one decimal ("+5.0 points")."""
    # signed_percent of the change in points / 100 gives the number as the locale writes it
    number = signed_percent(value / 100).removesuffix("%").rstrip(" \u00a0\u202f")
    return _("{change} points").format(change=number)


def _change_text(key: str, last: float, prev: float, change: float) -> str:
    if key == "share_of_wallet":  # a change of a share is said in points
        return "" if pd.isna(last - prev) else _points(100 * (last - prev))
    if pd.isna(change) and pd.notna(last) and pd.notna(prev) and prev <= 0:
        return signed_money(last - prev)  # no percentage of a loss: the amount it moved by
    return "" if pd.isna(change) else signed_percent(change)


def _item_text(
    kind: str, subject: object, number: float, value: float, date: pd.Timestamp
) -> tuple[str, str, str]:
    day = "" if pd.isna(date) else date_text(date)
    if kind == "tender":
        days = int(round(number))
        return (
            _('Prepare the tender "{tender}": its preparation window is open').format(
                tender=subject
            ),
            ngettext("{value} in {days} days", "{value} in {days} days", days).format(
                value=money(value), days=_count(days)
            ),
            day,
        )
    if kind == "decision maker":
        days = int(round(number))
        return (
            _("Contact the decision maker, {name}").format(name=subject),
            ngettext("not contacted for {days} days", "not contacted for {days} days", days).format(
                days=_count(days)
            ),
            day,
        )
    if kind == "overdue actions":
        n = int(number)
        return (
            ngettext(
                "Overdue action, the oldest: {action}", "Overdue actions, the oldest: {action}", n
            ).format(action=subject),
            ngettext(
                "{n} overdue, oldest {days} days", "{n} overdue, oldest {days} days", n
            ).format(n=n, days=_count(value)),
            day,
        )
    if kind == "below floor":
        n = int(number)
        return (
            _("Raise the prices below the price floor"),
            ngettext("{n} product, {value} revenue", "{n} products, {value} revenue", n).format(
                n=n, value=money(value)
            ),
            day,
        )
    if kind == "win back":
        days = 0 if pd.isna(number) else int(round(number))
        since = (
            ""
            if pd.isna(number)
            else ngettext("no purchase for {days} day", "no purchase for {days} days", days).format(
                days=_count(days)
            )
        )
        if subject is None or pd.isna(subject):
            return _("Win the client back: see the win-back offer"), since, day
        return (
            _("Win the client back from {competitor}").format(competitor=subject),
            since
            if pd.isna(value)
            else _("{since}; {share} of its spend with them").format(
                since=since, share=percent(value, 0)
            ),
            day,
        )
    if kind == "cost to serve":
        months = int(number)
        return (
            _("Cut the cost to serve: fewer, larger orders"),
            ngettext(
                "{value} in the last {months} months",
                "{value} in the last {months} months",
                months,
            ).format(value=money(value), months=months),
            day,
        )
    if kind == "competitor":
        return (
            _("Win back share from {competitor}").format(competitor=subject),
            _("{share} of the client's spend").format(share=percent(number, 0)),
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
    ...     "date": pd.to_datetime(["2025-12-01"])})
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
    out = pd.DataFrame(rows, columns=[_("Act on"), _("Figure"), _("Date")])
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
        return _(
            "No revenue target for {year} while the client is lost: the goal is to win it back "
            "(see the win-back offer)."
        ).format(year=summary.plan_year)
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
        text = _("Our revenue target for {year}: {target} (from the targets table).")
    else:
        text = ngettext(
            "Our revenue target for {year}: {target} (computed: revenue of the last {months} "
            "months, growth {growth}).",
            "Our revenue target for {year}: {target} (computed: revenue of the last {months} "
            "months, growth {growth}).",
            months,
        )
    return text.format(
        year=year, target=money(target), months=months, growth=signed_percent(growth)
    )


def account_facts(info: pd.Series) -> pd.DataFrame:
    """The account's facts (the dossier's ``info``) with human labels, empty ones left out.

    Yes/no for flags, dates as days, amounts without decimals. Columns the data adds beyond
    the known facts keep their own name.

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
        known = _FACT_LABELS.get(str(key))
        label = _(known) if known else str(key).replace("_", " ").capitalize()
        if isinstance(value, bool) or type(value).__name__ == "bool_":
            text = _("yes") if value else _("no")
        elif isinstance(value, pd.Timestamp):
            text = date_text(value)
        elif isinstance(value, float) and ("revenue" in key or "profit" in key or "budget" in key):
            text = money(value)
        elif isinstance(value, float) and float(value).is_integer():
            text = money(value)
        else:
            text = str(value)
        rows[label] = text
    return pd.DataFrame({_("Value"): pd.Series(rows, dtype="str")})


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
        text = _("Listed up to the client's room: potential budget minus our revenue, {room}.")
    else:
        text = _(
            "Listed up to {room}, a tenth of our revenue with the client: its potential budget "
            "is not known or not above that revenue."
        )
    return [text.format(room=money(room))]

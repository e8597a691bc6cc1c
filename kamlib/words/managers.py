"""The portfolio per account manager and the accounts at a glance, in words and labels.

What :func:`kamlib.portfolio.managers.manager_view` and
:func:`kamlib.portfolio.managers.account_overview` compute, as a reader sees it: status and
key-client labels, the trend, and the manager table with human column titles, the currency in
the money headers, and "not known" where the data to compute a figure is missing (never 0).
"""

from __future__ import annotations

import pandas as pd

from kamlib.language import N_, ngettext, pgettext
from kamlib.language import gettext as _
from kamlib.words.numbers import money, percent, signed_percent

__all__ = [
    "KEY_REASONS",
    "MANAGER_COLUMNS",
    "STATUS_LABELS",
    "key_reason_text",
    "key_type_text",
    "manager_sentence",
    "manager_table",
    "status_text",
    "trend_text",
]

#: Account status -> what the reader sees, in English (:func:`status_text` gives the reader's
#: language).
STATUS_LABELS = {
    "lost": "lost",
    "at_risk": "at risk",
    "loss_making": "loss-making",
    "active": "active",
}

#: Conditions of the key-client rule -> words, in English (:func:`key_reason_text` gives the
#: reader's language).
KEY_REASONS = {
    "top_clients": "among the top clients by revenue",
    "abc_a": "revenue class A",
    "breadwinner": "breadwinner",
    "perspective": "perspective",
    "image_maker": "image-maker",
    "expert": "expert",
    "lost while key": "lost while key",
}

#: Columns of :func:`manager_table`, in order: (column of the view, title, kind).
MANAGER_COLUMNS = (
    ("accounts", N_("Accounts"), "count"),
    ("key_accounts", N_("Key accounts"), "count"),
    ("revenue", N_("Revenue, 12 months"), "money"),
    ("trend", N_("Trend on the 12 months before"), "change"),
    ("contribution", N_("Contribution after cost to serve"), "money"),
    ("attainment", N_("Plan attainment"), "share"),
    ("at_risk", N_("At risk"), "count"),
    ("at_risk_value", N_("At risk, annual value"), "money"),
    ("lost", N_("Lost"), "count"),
    ("lost_value", N_("Lost, annual value"), "money"),
    ("overdue_actions", N_("Overdue actions"), "count"),
)


def _status_words() -> dict[str, str]:
    """:data:`STATUS_LABELS` in the reader's language."""
    return {
        "lost": pgettext("client status", "lost"),
        "at_risk": pgettext("client status", "at risk"),
        "loss_making": pgettext("client status", "loss-making"),
        "active": pgettext("client status", "active"),
    }


def _key_reason_words() -> dict[str, str]:
    """:data:`KEY_REASONS` in the reader's language."""
    return {
        "top_clients": pgettext("key-client reason", "among the top clients by revenue"),
        "abc_a": pgettext("key-client reason", "revenue class A"),
        "breadwinner": pgettext("key-client reason", "breadwinner"),
        "perspective": pgettext("key-client reason", "perspective"),
        "image_maker": pgettext("key-client reason", "image-maker"),
        "expert": pgettext("key-client reason", "expert"),
        "lost while key": pgettext("key-client reason", "lost while key"),
    }


def _unknown() -> str:
    return pgettext("value", "unknown")


def status_text(status: object) -> str:
    """An account status as words ("at risk"); missing: "no purchases".

    Examples
    --------
    >>> status_text("at_risk"), status_text("loss_making"), status_text(None)
    ('at risk', 'loss-making', 'no purchases')
    """
    if status is None or (not isinstance(status, str) and pd.isna(status)) or status == "":
        return pgettext("client status", "no purchases")
    return _status_words().get(str(status), str(status).replace("_", " "))


def key_reason_text(reason: str) -> str:
    """One condition of the key-client rule (a code of ``key_clients``' reasons) in words.

    Examples
    --------
    >>> key_reason_text("top_clients"), key_reason_text("image_maker"), key_reason_text("abc_a")
    ('among the top clients by revenue', 'image-maker', 'revenue class A')
    """
    reason = str(reason).strip()
    return _key_reason_words().get(reason, reason.replace("_", " "))


def key_type_text(key: bool, reasons: str = "") -> str:
    """Why an account is key (the key rule's conditions it meets), in words; "not key" otherwise.

    Parameters
    ----------
    key : bool
        Whether the account is a key account.
    reasons : str
        The key rule's conditions met, comma-separated (``top_clients, breadwinner``).

    Examples
    --------
    >>> key_type_text(True, "top_clients, image_maker")
    'among the top clients by revenue, image-maker'
    >>> key_type_text(True, ""), key_type_text(False, "")
    ('key', 'not key')
    """
    if not key:
        return pgettext("key account", "not key")
    parts = [key_reason_text(r) for r in str(reasons or "").split(",") if r.strip()]
    return ", ".join(parts) if parts else pgettext("key account", "key")


def trend_text(revenue: float, revenue_before: float) -> str:
    """The change of revenue on the window before: "+15.8 %", "new" (nothing before), "—".

    Examples
    --------
    >>> trend_text(115.8, 100.0), trend_text(10.0, 0.0), trend_text(0.0, 0.0)
    ('+15.8 %', 'new', '—')
    """
    if pd.isna(revenue) or pd.isna(revenue_before):
        return _unknown()
    if revenue_before > 0:
        return _change(revenue / revenue_before - 1)
    return pgettext("trend", "new") if revenue > 0 else "—"


def _change(value: float) -> str:
    """A signed percent change, never "-0.0 %" or "+0.0 %" (those read as "0.0 %")."""
    if signed_percent(value) in (signed_percent(-0.0), signed_percent(0.0)):
        return percent(0.0)
    return signed_percent(value)


def _cell(value: object, kind: str, *, cost_known: bool, targets_known: bool, column: str) -> str:
    if pd.isna(value):
        if column == "contribution" and not cost_known:
            return _("not known (no cost to serve)")
        if column == "attainment":
            return _("not known (no targets)") if not targets_known else _("no target")
        if column == "trend":
            return pgettext("trend", "new")
        return _unknown()
    if kind == "count":
        return money(int(value))
    if kind == "money":
        return money(value)
    if kind == "change":
        return _change(value)
    return percent(value)


def manager_table(
    view: pd.DataFrame, *, currency: str | None = None, total: bool = True
) -> pd.DataFrame:
    """The manager view as a reader sees it: human titles, formatted cells, a total row.

    Parameters
    ----------
    view : DataFrame
        :func:`kamlib.portfolio.managers.manager_view`.
    currency : str, optional
        Shown in the money titles ("Revenue, 12 months (EUR)").
    total : bool, default True
        Add an "All managers" row.

    Returns
    -------
    DataFrame
        One row per manager (index "Account manager"; "no manager" for accounts without one),
        every cell a string.

    Examples
    --------
    >>> import numpy as np
    >>> view = pd.DataFrame({"accounts": [2], "key_accounts": [1], "revenue": [1500.0],
    ...     "revenue_before": [1000.0], "trend": [0.5], "contribution": [np.nan],
    ...     "target_actual": [np.nan], "target_due": [np.nan], "attainment": [np.nan],
    ...     "at_risk": [0], "at_risk_value": [0.0], "lost": [1], "lost_value": [200.0],
    ...     "overdue_actions": [3]}, index=pd.Index(["Ann"], name="manager"))
    >>> t = manager_table(view, currency="EUR")
    >>> t.loc["Ann", "Revenue, 12 months (EUR)"], t.loc["Ann", "Contribution after cost to serve (EUR)"]
    ('1,500', 'not known (no cost to serve)')
    >>> list(t.index)
    ['Ann', 'All managers']
    """
    cost_known = bool(view["contribution"].notna().any())
    targets_known = bool(view["attainment"].notna().any())
    rows = view.copy()
    if total and len(rows):
        sums = rows.sum(numeric_only=True, min_count=1)
        before = sums.get("revenue_before", float("nan"))
        sums["trend"] = sums["revenue"] / before - 1 if before and before > 0 else float("nan")
        due = sums.get("target_due", float("nan"))
        sums["attainment"] = (
            sums.get("target_actual", float("nan")) / due
            if pd.notna(due) and due > 0
            else float("nan")
        )
        rows.loc[_("All managers")] = sums
    out = pd.DataFrame(index=[str(m) if str(m) else _("no manager") for m in rows.index])
    out.index.name = _("Account manager")
    for column, title, kind in MANAGER_COLUMNS:
        label = _(title)
        if kind == "money" and currency:
            label = _("{title} ({currency})").format(title=label, currency=currency)
        out[label] = [
            _cell(v, kind, cost_known=cost_known, targets_known=targets_known, column=column)
            for v in rows[column]
        ]
    return out


def manager_sentence(view: pd.DataFrame, *, currency: str | None = None) -> str:
    """Who carries the most revenue, who lost the most, who has the most overdue actions.

    Examples
    --------
    >>> view = pd.DataFrame({"revenue": [900.0, 100.0], "trend": [0.1, -0.2],
    ...     "lost": [0, 2], "lost_value": [0.0, 50.0], "overdue_actions": [1, 4]},
    ...     index=pd.Index(["Ann", "Bob"], name="manager"))
    >>> print(manager_sentence(view, currency="EUR"))  # doctest: +NORMALIZE_WHITESPACE
    2 account managers. Ann carries 90.0 % of the revenue (900 EUR, +10.0 % on the 12 months
    before). Bob lost the most: 2 accounts worth 50 EUR a year. Most overdue actions: Bob (4).
    """
    if view.empty:
        return _(
            "No account manager: the accounts table has no manager column or no accounts bought."
        )
    unit = f" {currency}" if currency else ""
    n = len(view)
    top = view["revenue"].idxmax()
    share = view.loc[top, "revenue"] / view["revenue"].sum() if view["revenue"].sum() > 0 else 0.0
    trend = view.loc[top, "trend"]
    name = str(top) or _("Accounts without a manager")
    revenue = money(view.loc[top, "revenue"]) + unit
    if pd.notna(trend):
        carries = _(
            "{name} carries {share} of the revenue ({revenue}, {trend} on the 12 months before)."
        )
    else:
        carries = _("{name} carries {share} of the revenue ({revenue}).")
    parts = [
        ngettext("{n} account manager.", "{n} account managers.", n).format(n=n),
        carries.format(
            name=name,
            share=percent(share),
            revenue=revenue,
            trend=signed_percent(trend) if pd.notna(trend) else "",
        ),
    ]
    if view["lost"].sum() > 0:
        worst = view["lost_value"].idxmax()
        lost = int(view.loc[worst, "lost"])
        parts.append(
            ngettext(
                "{name} lost the most: {n} account worth {value} a year.",
                "{name} lost the most: {n} accounts worth {value} a year.",
                lost,
            ).format(
                name=str(worst) or _("Accounts without a manager"),
                n=lost,
                value=money(view.loc[worst, "lost_value"]) + unit,
            )
        )
    else:
        parts.append(_("No manager lost an account."))
    if view["overdue_actions"].sum() > 0:
        late = view["overdue_actions"].idxmax()
        parts.append(
            _("Most overdue actions: {name} ({n}).").format(
                name=str(late) or _("no manager"), n=int(view.loc[late, "overdue_actions"])
            )
        )
    else:
        parts.append(_("No action is overdue."))
    return " ".join(parts)

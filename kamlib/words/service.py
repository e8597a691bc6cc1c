"""Service quality in words: deliveries on time and in full, complaints, and the lost clients'.

The numbers come from :mod:`kamlib.portfolio.service`; a measure that is not known (no
deliveries or complaints table) is said to be not known, never "none".

Examples
--------
>>> service_sentence(pd.Series({"deliveries": pd.NA, "complaints": pd.NA}))
'Service not known: no deliveries and no complaints table.'
"""

from __future__ import annotations

import pandas as pd

from kamlib.language import gettext as _
from kamlib.language import ngettext
from kamlib.words.labels import account_names, client_labels, listing, semicolon
from kamlib.words.numbers import percent

__all__ = ["service_sentence", "service_loss_sentence"]


def _known(value: object) -> bool:
    return value is not None and not pd.isna(value)


def service_sentence(service: pd.Series, *, months: int = 12, resolve_days: int = 30) -> str:
    """One client's service: OTIF and its trend, complaints open and overdue, time to resolve.

    Parameters
    ----------
    service : Series
        The client's row of :func:`kamlib.portfolio.service.service_levels` (or
        ``BeyondSales.service``).
    months : int, default 12
        The window, for the words.
    resolve_days : int, default 30
        The overdue limit used, for the words.

    Examples
    --------
    >>> s = pd.Series({"deliveries": 38, "otif": 0.368, "otif_previous": 0.363,
    ...     "otif_change": 0.005, "late_days": 10.0, "complaints": 19, "complaints_previous": 56,
    ...     "complaints_open": 37, "complaints_overdue": 37, "high_open": 18,
    ...     "resolve_days": 94.0, "late_deliveries": True})
    >>> print(service_sentence(s))  # doctest: +NORMALIZE_WHITESPACE
    Deliveries: 38 due in the last 12 months, 36.8 % on time and in full (36.3 % the 12
    months before), late ones 10 days late on average: below the service level. Complaints:
    19 received (56 the 12 months before), 37 open, 37 of them for more than 30 days (18 of
    severity high); resolved in 94 days (median).
    """
    parts = []
    if _known(service.get("deliveries")):
        n = int(service["deliveries"])
        if n == 0:
            parts.append(
                ngettext(
                    "Deliveries: none due in the last {months} months.",
                    "Deliveries: none due in the last {months} months.",
                    months,
                ).format(months=months)
            )
        else:
            text = ngettext(
                "Deliveries: {n} due in the last {months} months, {otif} on time and in full",
                "Deliveries: {n} due in the last {months} months, {otif} on time and in full",
                months,
            ).format(n=n, months=months, otif=percent(service["otif"]))
            if _known(service.get("otif_previous")):
                text += " " + ngettext(
                    "({otif} the {months} months before)",
                    "({otif} the {months} months before)",
                    months,
                ).format(otif=percent(service["otif_previous"]), months=months)
            if _known(service.get("late_days")):
                days = round(float(service["late_days"]))
                text += ", " + ngettext(
                    "late ones {days} days late on average",
                    "late ones {days} days late on average",
                    days,
                ).format(days=f"{service['late_days']:.0f}")
            if _known(service.get("late_deliveries")) and bool(service["late_deliveries"]):
                text += ": " + _("below the service level")
            parts.append(text + ".")
    if _known(service.get("complaints")):
        text = ngettext(
            "Complaints: {n} received", "Complaints: {n} received", int(service["complaints"])
        ).format(n=int(service["complaints"]))
        if _known(service.get("complaints_previous")):
            text += " " + ngettext(
                "({n} the {months} months before)", "({n} the {months} months before)", months
            ).format(n=int(service["complaints_previous"]), months=months)
        n_open = int(service.get("complaints_open") or 0)
        overdue = int(service.get("complaints_overdue") or 0)
        text += ", " + ngettext("{n} open", "{n} open", n_open).format(n=n_open)
        if overdue:
            text += ", " + ngettext(
                "{n} of them for more than {days} days",
                "{n} of them for more than {days} days",
                resolve_days,
            ).format(n=overdue, days=resolve_days)
            high = service.get("high_open")
            if _known(high) and int(high):
                text += " " + _("({n} of severity high)").format(n=int(high))
        if _known(service.get("resolve_days")):
            days = round(float(service["resolve_days"]))
            text += semicolon() + ngettext(
                "resolved in {days} days (median)", "resolved in {days} days (median)", days
            ).format(days=f"{service['resolve_days']:.0f}")
        parts.append(text + ".")
    if not parts:
        return _("Service not known: no deliveries and no complaints table.")
    if not _known(service.get("deliveries")):
        parts.insert(0, _("On-time delivery not known (no deliveries table)."))
    elif not _known(service.get("complaints")):
        parts.append(_("Complaints not known (no complaints table)."))
    return " ".join(parts)


def service_loss_sentence(before: pd.DataFrame, accounts: pd.DataFrame | None = None) -> str:
    """Lost clients that were badly served in the year before their last purchase.

    Parameters
    ----------
    before : DataFrame
        :func:`kamlib.portfolio.service.service_before` of the lost clients.
    accounts : DataFrame, optional
        For the names.

    Examples
    --------
    >>> b = pd.DataFrame({"otif": [0.28, 0.95], "complaints_open": [43, 0],
    ...     "service_risk": pd.array([True, False], dtype="boolean")},
    ...     index=pd.Index(["C0088", "C0009"], name="account_id"))
    >>> print(service_loss_sentence(b))  # doctest: +NORMALIZE_WHITESPACE
    1 of 2 lost clients was badly served in the 12 months before its last purchase: C0088
    (28.0 % on time and in full, 43 complaints open): service, not price, may explain the loss.
    """
    if before.empty:
        return _("No lost client to look at.")
    if before["service_risk"].isna().all():
        return _("The service before the losses is not known (no deliveries or complaints table).")
    bad = before[before["service_risk"].fillna(False).astype(bool)]
    if bad.empty:
        return ngettext(
            "None of the {n} lost clients was badly served in the 12 months before its last "
            "purchase: look for other causes.",
            "None of the {n} lost clients was badly served in the 12 months before its last "
            "purchase: look for other causes.",
            len(before),
        ).format(n=len(before))
    extra = [_badly_served(r.otif, r.complaints_open) for r in bad.itertuples()]
    labels = client_labels(bad.index, account_names(accounts), extra=extra)
    if len(before) == 1:
        text = _(
            "{n} of {total} lost client was badly served in the 12 months before its last "
            "purchase: {clients}: service, not price, may explain the loss."
        )
    else:
        text = ngettext(
            "{n} of {total} lost clients was badly served in the 12 months before its last "
            "purchase: {clients}: service, not price, may explain the loss.",
            "{n} of {total} lost clients were badly served in the 12 months before their last "
            "purchase: {clients}: service, not price, may explain the loss.",
            len(bad),
        )
    return text.format(n=len(bad), total=len(before), clients=listing(labels))


def _badly_served(otif: object, complaints_open: object) -> str:
    """How a lost client was served: its OTIF and open complaints, as far as they are known."""
    if _known(otif) and _known(complaints_open):
        n = int(complaints_open)
        return ngettext(
            "{otif} on time and in full, {n} complaint open",
            "{otif} on time and in full, {n} complaints open",
            n,
        ).format(otif=percent(otif), n=n)
    if _known(otif):
        return _("{otif} on time and in full").format(otif=percent(otif))
    return _("complaints overdue")

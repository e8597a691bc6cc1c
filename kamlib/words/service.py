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

from kamlib.words.labels import account_names, client_labels, listing
from kamlib.words.numbers import percent

__all__ = ["service_sentence", "service_loss_sentence"]


def _known(value: object) -> bool:
    return value is not None and not pd.isna(value)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


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
            parts.append(f"Deliveries: none due in the last {months} months.")
        else:
            text = (
                f"Deliveries: {n} due in the last {months} months, "
                f"{percent(service['otif'])} on time and in full"
            )
            if _known(service.get("otif_previous")):
                text += f" ({percent(service['otif_previous'])} the {months} months before)"
            if _known(service.get("late_days")):
                text += f", late ones {service['late_days']:.0f} days late on average"
            if _known(service.get("late_deliveries")) and bool(service["late_deliveries"]):
                text += ": below the service level"
            parts.append(text + ".")
    if _known(service.get("complaints")):
        text = f"Complaints: {int(service['complaints'])} received"
        if _known(service.get("complaints_previous")):
            text += f" ({int(service['complaints_previous'])} the {months} months before)"
        n_open = int(service.get("complaints_open") or 0)
        overdue = int(service.get("complaints_overdue") or 0)
        text += f", {n_open} open"
        if overdue:
            text += f", {overdue} of them for more than {resolve_days} days"
            high = service.get("high_open")
            if _known(high) and int(high):
                text += f" ({int(high)} of severity high)"
        if _known(service.get("resolve_days")):
            text += f"; resolved in {service['resolve_days']:.0f} days (median)"
        parts.append(text + ".")
    if not parts:
        return "Service not known: no deliveries and no complaints table."
    if not _known(service.get("deliveries")):
        parts.insert(0, "On-time delivery not known (no deliveries table).")
    elif not _known(service.get("complaints")):
        parts.append("Complaints not known (no complaints table).")
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
        return "No lost client to look at."
    if before["service_risk"].isna().all():
        return "The service before the losses is not known (no deliveries or complaints table)."
    bad = before[before["service_risk"].fillna(False).astype(bool)]
    if bad.empty:
        return (
            f"None of the {len(before)} lost clients was badly served in the 12 months before "
            "its last purchase: look for other causes."
        )
    extra = [
        f"{percent(r.otif)} on time and in full, {_plural(int(r.complaints_open), 'complaint')} open"
        if _known(r.otif) and _known(r.complaints_open)
        else (f"{percent(r.otif)} on time and in full" if _known(r.otif) else "complaints overdue")
        for r in bad.itertuples()
    ]
    labels = client_labels(bad.index, account_names(accounts), extra=extra)
    verb = "was" if len(bad) == 1 else "were"
    return (
        f"{len(bad)} of {_plural(len(before), 'lost client')} {verb} badly served in the 12 "
        f"months before {'its' if len(bad) == 1 else 'their'} last purchase: "
        f"{listing(labels)}: service, not price, may explain the loss."
    )

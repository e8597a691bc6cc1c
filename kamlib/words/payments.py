"""Payment behaviour in words: how a client pays and what its slow payment costs.

The numbers come from :mod:`kamlib.portfolio.payments` and
:func:`kamlib.account.risks.beyond_sales`; not known (no invoices table) is said as such.

Examples
--------
>>> payment_sentence(pd.Series({"behaviour": "not known"}))
'Payment behaviour not known (no invoices table).'
"""

from __future__ import annotations

import pandas as pd

from kamlib.language import gettext as _
from kamlib.language import ngettext, pgettext
from kamlib.words.labels import semicolon
from kamlib.words.numbers import money, percent

__all__ = ["payment_sentence", "capital_sentence"]


def _known(value: object) -> bool:
    return value is not None and not pd.isna(value)


def _behaviour_text(behaviour: str) -> str:
    """A payment-behaviour class (:data:`kamlib.portfolio.payments.PAYMENT_CLASSES`) in words."""
    words = {
        "prompt": pgettext("pays", "prompt"),
        "late": pgettext("pays", "late"),
        "slow": pgettext("pays", "slow"),
    }
    return words.get(behaviour, str(behaviour))


def payment_sentence(payments: pd.Series, *, rate: float = 0.08, months: int = 12) -> str:
    """How the client pays: class, days late, DSO, overdue amounts, the cost of the capital.

    Parameters
    ----------
    payments : Series
        The client's row of :func:`kamlib.portfolio.payments.payment_behaviour`.
    rate : float, default 0.08
        The annual cost of capital used, for the words.
    months : int, default 12
        The window, for the words.

    Examples
    --------
    >>> p = pd.Series({"behaviour": "slow", "days_late": 356.5, "dso": 1403.7,
    ...     "overdue_amount": 697780.0, "overdue_90": 697780.0, "capital_cost": 54200.7})
    >>> print(payment_sentence(p))  # doctest: +NORMALIZE_WHITESPACE
    Pays slow: 356 days after the due date on average (weighted by amount), 1,404 days sales
    outstanding; 697,780 overdue, 697,780 of it for more than 90 days. The capital tied up
    in its receivables cost 54,201 in the last 12 months (at 8.0 % a year).
    """
    behaviour = payments.get("behaviour")
    if not _known(behaviour) or behaviour == "not known":
        if _known(payments.get("open_amount")) and payments.get("open_amount"):
            return _("No invoice due in the window; {amount} open.").format(
                amount=money(payments["open_amount"])
            )
        return _("Payment behaviour not known (no invoices table).")
    days = round(float(payments["days_late"]))
    text = ngettext(
        "Pays {behaviour}: {days} days after the due date on average (weighted by amount)",
        "Pays {behaviour}: {days} days after the due date on average (weighted by amount)",
        days,
    ).format(behaviour=_behaviour_text(behaviour), days=f"{payments['days_late']:.0f}")
    if _known(payments.get("dso")):
        text += ", " + ngettext(
            "{days} days sales outstanding",
            "{days} days sales outstanding",
            round(float(payments["dso"])),
        ).format(days=money(payments["dso"]))
    overdue = payments.get("overdue_amount")
    if _known(overdue) and overdue > 0:
        text += semicolon() + _("{amount} overdue").format(amount=money(overdue))
        very = payments.get("overdue_90")
        if _known(very) and very > 0:
            text += ", " + _("{amount} of it for more than 90 days").format(amount=money(very))
    text += "."
    if _known(payments.get("capital_cost")):
        text += " " + ngettext(
            "The capital tied up in its receivables cost {cost} in the last {months} months "
            "(at {rate} a year).",
            "The capital tied up in its receivables cost {cost} in the last {months} months "
            "(at {rate} a year).",
            months,
        ).format(cost=money(payments["capital_cost"]), months=months, rate=percent(rate))
    return text


def capital_sentence(contribution: pd.Series, *, rate: float = 0.08) -> str:
    """The contribution after cost to serve, before and after the cost of capital.

    Parameters
    ----------
    contribution : Series
        ``contribution``, ``capital_cost`` and ``after_capital`` (``BeyondSales.contribution``).
    rate : float, default 0.08
        The annual cost of capital used, for the words.

    Examples
    --------
    >>> c = pd.Series({"contribution": 40387.0, "capital_cost": 54201.0, "after_capital": -13814.0})
    >>> print(capital_sentence(c))  # doctest: +NORMALIZE_WHITESPACE
    Contribution after cost to serve 40,387; after the cost of the capital tied up in its
    receivables (54,201 at 8.0 % a year) -13,814: slow payment turns the client into a loss.
    """
    before, cost = contribution.get("contribution"), contribution.get("capital_cost")
    after = contribution.get("after_capital")
    if not _known(cost):
        return _("Cost of capital not known (no invoices table).")
    if not _known(before):
        return _(
            "The capital tied up in its receivables costs {cost} (at {rate} a year); "
            "contribution not known (no cost-to-serve table)."
        ).format(cost=money(cost), rate=percent(rate))
    if before >= 0 > after:
        text = _(
            "Contribution after cost to serve {before}; after the cost of the capital tied up in "
            "its receivables ({cost} at {rate} a year) {after}: slow payment turns the client "
            "into a loss."
        )
    else:
        text = _(
            "Contribution after cost to serve {before}; after the cost of the capital tied up in "
            "its receivables ({cost} at {rate} a year) {after}."
        )
    return text.format(
        before=money(before), cost=money(cost), rate=percent(rate), after=money(after)
    )

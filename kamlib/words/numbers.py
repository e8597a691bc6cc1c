"""Number formats: the one place where kamlib's sentences turn a number into text.

Money is written with thousands separators and no decimals ("1,234"), shares as percent with one
decimal and a space ("12.3 %"), changes with their sign ("+12.3 %"). A missing value (NaN, None,
``pd.NA``) reads "unknown".

Examples
--------
>>> percent(0.1234), signed_percent(-0.05), money(1234.5), signed_money(-60.0)
('12.3 %', '-5.0 %', '1,234', '-60')
"""

from __future__ import annotations

import pandas as pd

__all__ = ["money", "percent", "percent_points", "signed_money", "signed_percent"]

UNKNOWN = "unknown"


def percent(share: float, digits: int = 1) -> str:
    """A share (0.123) as percent text ("12.3 %").

    Parameters
    ----------
    share : float
        The share, 1.0 being 100 %.
    digits : int, default 1
        Decimals shown.

    Examples
    --------
    >>> percent(0.5), percent(0.12345, digits=2), percent(float("nan"))
    ('50.0 %', '12.35 %', 'unknown')
    """
    return UNKNOWN if pd.isna(share) else f"{100 * share:.{digits}f} %"


def percent_points(value: float, digits: int = 1) -> str:
    """A value already in percent (12.3) as percent text ("12.3 %").

    Parameters
    ----------
    value : float
        The percentage, 100.0 being the whole.
    digits : int, default 1
        Decimals shown.

    Examples
    --------
    >>> percent_points(80.0), percent_points(None)
    ('80.0 %', 'unknown')
    """
    return UNKNOWN if pd.isna(value) else f"{value:.{digits}f} %"


def signed_percent(share: float, digits: int = 1) -> str:
    """A change (0.056) as signed percent text ("+5.6 %").

    Parameters
    ----------
    share : float
        The change, 1.0 being +100 %.
    digits : int, default 1
        Decimals shown.

    Examples
    --------
    >>> signed_percent(0.056), signed_percent(-0.5), signed_percent(float("nan"))
    ('+5.6 %', '-50.0 %', 'unknown')
    """
    return UNKNOWN if pd.isna(share) else f"{100 * share:+.{digits}f} %"


def money(value: float) -> str:
    """An amount with thousands separators and no decimals ("1,670,000").

    Parameters
    ----------
    value : float
        The amount, in the currency of the data.

    Examples
    --------
    >>> money(1670000.0), money(-49.6), money(None)
    ('1,670,000', '-50', 'unknown')
    """
    return UNKNOWN if pd.isna(value) else f"{value:,.0f}"


def signed_money(value: float) -> str:
    """A change of an amount with its sign ("+1,250", "-60").

    Parameters
    ----------
    value : float
        The change, in the currency of the data.

    Examples
    --------
    >>> signed_money(1250.0), signed_money(-60.0), signed_money(float("nan"))
    ('+1,250', '-60', 'unknown')
    """
    return UNKNOWN if pd.isna(value) else f"{value:+,.0f}"

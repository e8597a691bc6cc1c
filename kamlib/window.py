"""The analysis window: one as-of date and a number of months, the same for every analysis.

Every windowed function of kamlib takes ``as_of`` (the last day of the window, a date-like or
None) and ``months`` (its length). When ``as_of`` is None the analysis date is the day of the
last transaction. These helpers are the one place that turns the two into dates, so that the
dossier, the brief and the plan of one report cut the data at the same day.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlib.errors import ArgumentError, deprecated_keyword

__all__ = ["analysis_date", "window_start", "since", "until"]


def analysis_date(transactions: pd.DataFrame | None, as_of: object = None) -> pd.Timestamp:
    """The analysis date as a day: `as_of`, or the day of the last transaction.

    >>> tx = pd.DataFrame({"date": pd.to_datetime(["2024-01-05 00:00", "2024-03-09 14:30"])})
    >>> analysis_date(tx)
    Timestamp('2024-03-09 00:00:00')
    >>> analysis_date(tx, "2024-02-01 08:00")
    Timestamp('2024-02-01 00:00:00')
    """
    if as_of is not None:
        try:
            day = pd.Timestamp(as_of)
        except (TypeError, ValueError):
            raise ArgumentError(f"`as_of` must be a date, got {as_of!r}") from None
        if pd.isna(day):
            raise ArgumentError(f"`as_of` must be a date, got {as_of!r}")
        if day.tzinfo is not None:  # the local day, as the transaction dates are naive
            day = day.tz_localize(None)
        return day.normalize()
    last = pd.NaT
    if transactions is not None and len(transactions):
        last = transactions["date"].max()
    if pd.isna(last):
        raise ArgumentError("`as_of` is required when `transactions` has no dates")
    return pd.Timestamp(last).normalize()


def window_start(as_of: pd.Timestamp, months: int | None) -> pd.Timestamp | None:
    """First day of the window of `months` months that ends on the day `as_of` (None: no start).

    The window holds exactly `months` calendar months when `as_of` is a month's last day:

    >>> window_start(pd.Timestamp("2024-12-31"), 12)
    Timestamp('2024-01-01 00:00:00')
    >>> window_start(pd.Timestamp("2024-06-30"), 6)
    Timestamp('2024-01-01 00:00:00')
    """
    if months is None:
        return None
    if isinstance(months, bool) or not isinstance(months, (int, np.integer)) or months < 1:
        raise ArgumentError(f"`months` must be a whole number >= 1 or None, got {months!r}")
    day = pd.Timestamp(as_of).normalize()
    return day + pd.Timedelta(days=1) - pd.DateOffset(months=int(months))


def since(frame: pd.DataFrame, start: pd.Timestamp, *, date: str = "date") -> pd.DataFrame:
    """The rows of `frame` from the whole day `start` on.

    >>> tx = pd.DataFrame({"date": pd.to_datetime(["2024-01-05 09:00", "2024-01-06 10:00"])})
    >>> len(since(tx, pd.Timestamp("2024-01-06 12:00")))
    1
    """
    return frame[frame[date] >= pd.Timestamp(start).normalize()]


def until(frame: pd.DataFrame, as_of: pd.Timestamp, *, date: str = "date") -> pd.DataFrame:
    """The rows of `frame` up to and including the whole day `as_of`.

    >>> tx = pd.DataFrame({"date": pd.to_datetime(["2024-01-05 09:00", "2024-01-06 10:00",
    ...                                             "2024-01-07 08:00"])})
    >>> len(until(tx, pd.Timestamp("2024-01-06")))
    2
    """
    return frame[frame[date] < pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)]


def renamed_months(months: int, window_months: int | None, function: str) -> int:
    """The window length to use: `window_months` (the old spelling, warns) when given, else `months`.

    >>> renamed_months(12, None, "baseline")
    12
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     renamed_months(12, 6, "baseline")
    6
    >>> str(caught[0].message)
    'baseline(): `window_months` is deprecated, pass `months` instead'
    """
    if window_months is None:
        return months
    deprecated_keyword(function, "window_months", "`months`", stacklevel=4)
    return window_months

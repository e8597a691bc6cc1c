"""Follow-up dates fall on working days: no weekend, no 1 January, the holidays respected."""

import numpy as np
import pandas as pd
import pytest

from kamlib.account.followup import RECURRING_HOLIDAYS, follow_up_schedule, non_working_days
from kamlib.errors import ArgumentError


def _working(dates, holidays=()):
    days = pd.to_datetime(pd.Series(dates))
    off = {pd.Timestamp(h) for h in holidays}
    return bool(
        (days.dt.day_of_week < 5).all()
        and not days.isin(off).any()
        and not ((days.dt.month == 1) & (days.dt.day == 1)).any()
    )


def test_non_working_days_add_the_recurring_ones():
    got = non_working_days(2025, 2026, holidays=["2026-04-06"])
    assert got.astype(str).tolist() == [
        "2025-01-01",
        "2025-12-25",
        "2025-12-26",
        "2026-01-01",
        "2026-04-06",
        "2026-12-25",
        "2026-12-26",
    ]
    assert non_working_days(2026, recurring=()).size == 0
    assert RECURRING_HOLIDAYS[0] == "01-01"
    with pytest.raises(ArgumentError, match="recurring"):
        non_working_days(2026, recurring=["1 January"])
    with pytest.raises(ArgumentError, match="holidays"):
        non_working_days(2026, holidays=["not a day"])


def test_follow_up_never_lands_on_new_years_day():
    # sent on Wednesday 31 December 2025: Thursday 1 January is off, so Friday 2 January
    plan = follow_up_schedule("2025-12-31", valid_until="2026-01-31")
    assert plan["date"].iloc[:3].tolist() == [pd.Timestamp("2026-01-02")] * 3
    assert _working(plan["date"])
    # sent before Christmas: 24 December (Wednesday) -> Monday 29 December
    assert follow_up_schedule("2025-12-24")["date"].iloc[0] == pd.Timestamp("2025-12-29")
    # without the recurring days (a caller with its own calendar) 1 January is a working day
    bare = follow_up_schedule("2025-12-31", recurring_holidays=())
    assert bare["date"].iloc[0] == pd.Timestamp("2026-01-01")


def test_follow_up_respects_the_holidays_and_the_reminder():
    # expiry Monday 5 January 2026; 3 working days before: 30 Dec (31 Dec is a holiday here,
    # 1 Jan recurring, 2 Jan a working Friday) -> 2 Jan, 30 Dec, 29 Dec: the reminder on 29 Dec
    plan = follow_up_schedule(
        "2025-12-19", valid_until="2026-01-05", holidays=["2025-12-22", "2025-12-31"]
    )
    assert plan["date"].tolist() == [pd.Timestamp("2025-12-23")] * 3 + [pd.Timestamp("2025-12-29")]
    assert _working(plan["date"], ["2025-12-22", "2025-12-31"])
    assert plan["action"].iloc[-1] == "remind the client that the proposal expires on 2026-01-05"
    with pytest.raises(ArgumentError, match="reminder_working_days"):
        follow_up_schedule("2025-12-19", reminder_working_days=0)
    with pytest.raises(ArgumentError, match="sent"):
        follow_up_schedule("someday")


@pytest.mark.parametrize("day", pd.date_range("2025-12-20", "2026-01-10").strftime("%Y-%m-%d"))
def test_every_follow_up_date_is_a_working_day(day):
    plan = follow_up_schedule(day, valid_until=pd.Timestamp(day) + pd.Timedelta(days=20))
    assert _working(plan["date"])
    assert (plan["date"] > pd.Timestamp(day)).all()
    assert np.is_busday(plan["date"].to_numpy().astype("datetime64[D]")).all()

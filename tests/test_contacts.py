"""Contact plan: the annual meeting in the month it usually takes place, on working days."""

from pathlib import Path

import pandas as pd
import pytest

from kamlib.account.contacts import UsualMeeting, contact_plan, usual_meeting_day
from kamlib.errors import ArgumentError

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _meetings():
    return pd.DataFrame(
        {
            "meeting_id": ["m1", "m2", "m3", "m4", "m5", "m6"],
            "account_id": ["A", "A", "A", "A", "B", "B"],
            "date": pd.to_datetime(
                ["2023-03-08", "2024-03-12", "2025-03-20", "2025-06-01", "2024-10-03", "2025-10-07"]
            ),
            "type": ["annual", "Annual", "annual", "review", "annual", "annual"],
        }
    )


def test_usual_meeting_day_by_hand():
    m = _meetings()
    assert usual_meeting_day(m, "A") == UsualMeeting(month=3, day=12, meetings=3, scope="account")
    # C has no annual meeting: the portfolio's habit (3 in March, 2 in October)
    assert usual_meeting_day(m, "C") == UsualMeeting(3, 12, 3, "portfolio")
    assert usual_meeting_day(m, "B").month == 10
    assert usual_meeting_day(m, "A", meeting_type="review") == UsualMeeting(6, 1, 1, "account")
    assert usual_meeting_day(m, "A", meeting_type="dinner") is None
    assert usual_meeting_day(None, "A") is None
    assert usual_meeting_day(m.iloc[:0], "A") is None
    # ties: the earliest month
    tie = m[m["account_id"] == "B"].assign(date=pd.to_datetime(["2024-10-03", "2025-02-07"]))
    assert usual_meeting_day(tie, "B").month == 2


def test_annual_meeting_in_the_usual_month():
    plan = contact_plan(year=2026, cell="AX", account_id="A", meetings=_meetings())
    meeting = plan.loc[plan["contact_type"] == "annual_meeting", "date"].tolist()
    assert meeting == [pd.Timestamp("2026-03-12")]  # a Thursday
    assert len(plan) == 17  # the other contacts unchanged: 4 visits + 12 calls
    # an explicit month wins; the day is clipped to the month, then moved to a working day
    feb = contact_plan(year=2026, cell="AX", meetings=_meetings(), annual_month=2, annual_day=31)
    assert feb.loc[feb["contact_type"] == "annual_meeting", "date"].tolist() == [
        pd.Timestamp("2026-02-27")  # 28 Feb is a Saturday; 2 March would leave February
    ]
    # twice a year: the usual month and six months later
    two = contact_plan(
        year=2026, cell="AX", meetings=_meetings(), account_id="B", cadence={"annual_meeting": 2}
    )
    assert two.loc[two["contact_type"] == "annual_meeting", "date"].dt.month.tolist() == [4, 10]


def test_annual_meeting_without_history_stays_mid_year():
    plan = contact_plan(year=2026, cell="AX")
    assert plan.loc[plan["contact_type"] == "annual_meeting", "date"].tolist() == [
        pd.Timestamp("2026-07-02")
    ]


def test_contact_plan_dates_are_working_days():
    holidays = ["2026-01-02", "2026-01-12", "2026-01-13"]
    m = pd.DataFrame(
        {"account_id": ["A"], "type": ["annual"], "date": pd.to_datetime(["2025-01-12"])}
    )
    plan = contact_plan(
        year=2026,
        cell="AZ",
        key_types=["breadwinner"],
        meetings=m,
        account_id="A",
        holidays=holidays,
        cadence={"call": 365},
    )  # a call a day: every day of the year tried
    days = plan["date"]
    assert (days.dt.day_of_week < 5).all()
    assert not days.isin(pd.to_datetime(holidays)).any()
    assert not ((days.dt.month == 1) & (days.dt.day == 1)).any()
    assert not ((days.dt.month == 12) & days.dt.day.isin([25, 26])).any()
    assert (days.dt.year == 2026).all()
    annual = plan.loc[plan["contact_type"] == "annual_meeting", "date"].tolist()
    assert annual == [pd.Timestamp("2026-01-14")]  # 12 January usual, 12-13 are holidays


def test_contact_plan_argument_errors():
    with pytest.raises(ArgumentError, match="annual_month"):
        contact_plan(year=2026, annual_month=13)
    with pytest.raises(ArgumentError, match="annual_day"):
        contact_plan(year=2026, annual_month=1, annual_day=0)
    with pytest.raises(ArgumentError, match="holidays"):
        contact_plan(year=2026, holidays=["not a day"])


def test_sample_annual_meetings_planned_in_january():
    if not (SAMPLE / "meetings.csv").exists():
        pytest.skip("data/sample is not there")
    from kamlib.load.workspace import load_workspace

    ws = load_workspace(SAMPLE)
    annual = ws.meetings[ws.meetings["type"] == "annual"]
    assert len(annual) == 64 and (annual["date"].dt.month == 1).all()
    for account in ("C0027", "C0112", "C0009"):
        usual = usual_meeting_day(ws.meetings, account)
        assert usual is not None and usual.month == 1 and usual.scope == "account"
        plan = contact_plan(year=2026, cell="AX", account_id=account, meetings=ws.meetings)
        when = plan.loc[plan["contact_type"] == "annual_meeting", "date"]
        assert when.dt.month.tolist() == [1], account
        assert when.iloc[0] != pd.Timestamp("2026-01-01")
    # a client without annual meetings gets the portfolio's month, January too
    assert usual_meeting_day(ws.meetings, "no such client") == UsualMeeting(
        1, usual_meeting_day(ws.meetings).day, 64, "portfolio"
    )

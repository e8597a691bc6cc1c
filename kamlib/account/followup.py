"""What was agreed and what comes next: previous actions, tender windows, the follow-up.

- :func:`previous_actions`: the actions agreed at the last annual meeting (or the last meeting
  of any type) plus actions still open from earlier ones; overdue first.
- :func:`tender_windows`: preparation starts ``prep_months`` = 9 months before a tender; listed
  when the window is open or opens within ``horizon_months`` = 3.
- :func:`renewal_windows`: the contracts whose notice deadline falls within the same
  ``prep_months`` (a renewal is prepared like a tender), with the deadlines that fall before
  the client's next annual meeting marked.
- :func:`follow_up_schedule`: next working day: confirm receipt, ask next steps and urgency,
  agree the next call; a reminder before the proposal expires.
- :func:`non_working_days`: the days no follow-up or planned contact may fall on besides
  weekends: the `holidays` given plus the fixed-date :data:`RECURRING_HOLIDAYS` of every year
  (1 January, 25 and 26 December by default), so a follow-up never lands on New Year's Day
  even when the workspace gives no holiday calendar.

Actions and tenders are judged at the meeting date.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from kamlib.errors import ArgumentError
from kamlib.language import gettext as _
from kamlib.portfolio.contracts import contract_terms
from kamlib.portfolio.notation import day
from kamlib.schema import account_rows

__all__ = [
    "previous_actions",
    "tender_windows",
    "renewal_windows",
    "follow_up_schedule",
    "non_working_days",
    "RECURRING_HOLIDAYS",
]

RECURRING_HOLIDAYS: tuple[str, ...] = ("01-01", "12-25", "12-26")
"""Fixed-date days off every year ("MM-DD"): New Year's Day, Christmas Day, 26 December.

Applied on top of the `holidays` a caller passes (pass ``recurring=()`` to drop them, or a
country's own list). Movable feasts (Easter, ...) need the `holidays` parameter."""


def _day(value: object, name: str) -> np.datetime64:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ArgumentError(f"`{name}` must hold dates, got {value!r}") from exc
    if pd.isna(ts):
        raise ArgumentError(f"`{name}` must hold dates, got {value!r}")
    return np.datetime64(ts.date(), "D")


def non_working_days(
    first_year: int,
    last_year: int | None = None,
    *,
    holidays: Iterable[object] = (),
    recurring: Iterable[str] = RECURRING_HOLIDAYS,
) -> np.ndarray:
    """Non-working days (besides Saturdays and Sundays) for :func:`numpy.busday_offset`.

    Parameters
    ----------
    first_year, last_year : int
        Years whose recurring holidays are included (`last_year` defaults to `first_year`).
    holidays : iterable of date-like, default ()
        Further days off (the workspace's holiday calendar), kept whatever their year.
    recurring : iterable of str, default :data:`RECURRING_HOLIDAYS`
        Fixed-date days off every year, as ``"MM-DD"``.

    Returns
    -------
    numpy.ndarray
        Sorted unique ``datetime64[D]`` days.

    Raises
    ------
    ArgumentError
        A holiday that is no date, or a recurring day that is not ``"MM-DD"``.

    Examples
    --------
    >>> non_working_days(2026, holidays=["2026-05-01"]).astype(str).tolist()
    ['2026-01-01', '2026-05-01', '2026-12-25', '2026-12-26']
    """
    last_year = first_year if last_year is None else last_year
    days = [_day(h, "holidays") for h in holidays]
    for md in recurring:
        try:
            month, day = (int(x) for x in str(md).split("-"))
            for year in range(int(first_year), int(last_year) + 1):
                days.append(np.datetime64(pd.Timestamp(year=year, month=month, day=day).date()))
        except (TypeError, ValueError) as exc:
            raise ArgumentError(f"`recurring` takes days as 'MM-DD', got {md!r}") from exc
    return np.unique(np.array(days, dtype="datetime64[D]"))


_DONE = ("done", "closed", "completed", "complete")


_STATE_ORDER = {"overdue": 0, "open": 1, "done late": 2, "done": 3}


def previous_actions(
    account_id: str,
    *,
    actions: pd.DataFrame | None,
    meetings: pd.DataFrame | None = None,
    meeting_date: object,
    meeting_type: str = "annual",
    lookback_months: int = 12,
) -> pd.DataFrame:
    """Actions agreed at the previous meeting and still-open earlier ones, overdue first.

    The previous meeting is the latest meeting of `meeting_type` before `meeting_date` (or the
    latest meeting of any type when there is none). Its actions are listed, plus every action
    still open from earlier meetings (``carried_over``). Without meetings (or ``meeting_id``),
    the actions due in the last `lookback_months` and all open ones are listed.

    An action is done when its ``status`` says so (done, closed, completed) or it has a
    ``done_date``; it is overdue when not done and due before `meeting_date`.

    Parameters
    ----------
    account_id : str
        The account.
    actions : DataFrame or None
        Canonical actions; None or empty gives an empty result.
    meetings : DataFrame, optional
        Canonical meetings (which meeting was the previous one).
    meeting_date : date-like
        Date of the coming meeting.
    meeting_type : str, default "annual"
        Type of meeting that counts as the previous one.
    lookback_months : int, default 12
        Without meetings: actions due in this many months before `meeting_date` are listed.

    Returns
    -------
    DataFrame
        ``action_id``, ``meeting_id``, ``description``, ``owner``, ``department``,
        ``due_date``, ``status``, ``done_date``, ``state`` (overdue, open, done late, done),
        ``days_overdue``, ``carried_over``; sorted by state (overdue first), then due date.

    Examples
    --------
    >>> a = pd.DataFrame({"action_id": ["a1", "a2", "a3"], "account_id": ["A"] * 3,
    ...     "meeting_id": ["m1"] * 3, "description": ["send samples", "quote", "visit"],
    ...     "due_date": pd.to_datetime(["2025-03-01", "2025-02-01", "2026-03-01"]),
    ...     "status": ["done", "open", "open"],
    ...     "done_date": pd.to_datetime(["2025-02-20", None, None])})
    >>> m = pd.DataFrame({"meeting_id": ["m1"], "account_id": ["A"],
    ...     "date": pd.to_datetime(["2025-01-10"]), "type": ["annual"]})
    >>> previous_actions("A", actions=a, meetings=m, meeting_date="2026-01-15")[
    ...     ["action_id", "state", "days_overdue"]]
      action_id    state  days_overdue
    0        a2  overdue         348.0
    1        a3     open           NaN
    2        a1     done           NaN
    """
    meeting_date = pd.Timestamp(meeting_date)
    columns = {
        "action_id": "str",
        "meeting_id": "str",
        "description": "str",
        "owner": "str",
        "department": "str",
        "due_date": "datetime64[us]",
        "status": "str",
        "done_date": "datetime64[us]",
    }
    rows = account_rows(actions, account_id)
    if rows is None or rows.empty:
        empty = pd.DataFrame({c: pd.Series(dtype=d) for c, d in columns.items()})
        return empty.assign(
            state=pd.Series(dtype="str"),
            days_overdue=pd.Series(dtype="float64"),
            carried_over=pd.Series(dtype="bool"),
        )
    acts = rows.reindex(columns=list(columns)).astype(columns).reset_index(drop=True)
    status = acts["status"].fillna("").str.strip().str.lower()
    done = status.isin(_DONE) | acts["done_date"].notna()
    overdue = ~done & (acts["due_date"] < meeting_date)
    late = done & (acts["done_date"] > acts["due_date"])
    acts["state"] = np.select(
        [overdue, ~done, late], ["overdue", "open", "done late"], default="done"
    ).astype(object)
    acts["days_overdue"] = (
        (meeting_date - acts["due_date"]).dt.days.astype("float64").where(overdue)
    )
    before = account_rows(meetings, account_id)
    if before is not None:
        before = before[before["date"] < meeting_date]
    if before is not None and not before.empty and acts["meeting_id"].notna().any():
        kind = before["type"].fillna("").str.lower() if "type" in before else None
        pool = before[kind == meeting_type.lower()] if kind is not None else before
        pool = pool if not pool.empty else before
        last_id = pool.sort_values("date", kind="stable")["meeting_id"].iloc[-1]
        own = acts["meeting_id"] == last_id
    else:
        since = meeting_date - pd.DateOffset(months=lookback_months)
        own = acts["due_date"] >= since
    keep = own | ~done
    acts = acts[keep].assign(carried_over=~own[keep])
    acts["_order"] = acts["state"].map(_STATE_ORDER)
    acts = acts.sort_values(["_order", "due_date", "action_id"], kind="stable")
    return acts.drop(columns="_order").astype({"state": "str"}).reset_index(drop=True)


def tender_windows(
    account_id: str,
    *,
    tenders: pd.DataFrame | None,
    as_of: object,
    prep_months: int = 9,
    horizon_months: int = 3,
) -> pd.DataFrame:
    """Upcoming tenders whose preparation window is open or opens within the horizon.

    Preparation starts `prep_months` before the tender date. Listed: tenders after `as_of`,
    not yet won or lost, whose preparation starts on or before `as_of` + `horizon_months`.

    Parameters
    ----------
    account_id : str
        The account.
    tenders : DataFrame or None
        Canonical tenders.
    as_of : date-like
        Reference date (the meeting date in the brief).
    prep_months : int, default 9
        Preparation starts this many months before the tender date.
    horizon_months : int, default 3
        Windows opening within this many months are listed too.

    Returns
    -------
    DataFrame
        ``tender_id``, ``title``, ``date``, ``value``, ``status``, ``prep_start``, ``window``
        (``open`` or ``opens <date>``), ``days_to_tender``; by date.

    Examples
    --------
    >>> t = pd.DataFrame({"tender_id": ["t1", "t2", "t3"], "account_id": ["A"] * 3,
    ...     "date": pd.to_datetime(["2026-06-30", "2026-12-31", "2027-06-30"]),
    ...     "status": ["planned"] * 3})
    >>> tender_windows("A", tenders=t, as_of="2026-01-15")[["tender_id", "window"]]
      tender_id            window
    0        t1              open
    1        t2  opens 2026-03-31
    """
    as_of = pd.Timestamp(as_of)
    columns = {
        "tender_id": "str",
        "title": "str",
        "date": "datetime64[us]",
        "value": "float64",
        "status": "str",
    }
    rows = account_rows(tenders, account_id)
    base = (
        pd.DataFrame({c: pd.Series(dtype=d) for c, d in columns.items()})
        if rows is None
        else rows.reindex(columns=list(columns)).astype(columns)
    )
    status = base["status"].fillna("").str.lower()
    prep_start = (base["date"] - pd.DateOffset(months=prep_months)).astype("datetime64[us]")
    horizon = as_of + pd.DateOffset(months=horizon_months)
    keep = (base["date"] > as_of) & ~status.isin(["won", "lost"]) & (prep_start <= horizon)
    out = base[keep].assign(prep_start=prep_start[keep])
    out["window"] = np.where(
        out["prep_start"] <= as_of, "open", "opens " + out["prep_start"].dt.strftime("%Y-%m-%d")
    )
    out["days_to_tender"] = (out["date"] - as_of).dt.days.astype("int64")
    out = out.astype({"window": "str"})
    return out.sort_values(["date", "tender_id"], kind="stable").reset_index(drop=True)


def renewal_windows(
    account_id: str,
    *,
    contracts: pd.DataFrame | None,
    as_of: object,
    next_meeting: object = None,
    prep_months: int = 9,
) -> pd.DataFrame:
    """Contract renewals to prepare: notice deadlines within `prep_months` of `as_of`.

    A renewal, like a tender, is prepared months ahead: listed are the account's running
    contracts (:func:`kamlib.portfolio.contracts.contract_terms`: not ended, not open-ended)
    whose notice deadline falls from `as_of` to `as_of` + `prep_months`, and those whose
    deadline has passed while the term still runs (the renewal is then decided).

    Parameters
    ----------
    account_id : str
        The account.
    contracts : DataFrame or None
        Canonical contracts (None: not known, no rows).
    as_of : date-like
        Reference date (the meeting date in the brief).
    next_meeting : date-like, optional
        The client's next annual meeting
        (:func:`kamlib.account.risks.next_annual_meetings`); without it
        ``before_meeting`` is not known.
    prep_months : int, default 9
        How far ahead deadlines are listed.

    Returns
    -------
    DataFrame
        ``contract_id``, ``title``, ``notice_deadline``, ``days_to_deadline``, ``term_end``,
        ``renewal``, ``price_review``, ``state`` (``running`` or ``notice passed``),
        ``next_meeting`` and ``before_meeting`` (the deadline is after `as_of` and before the
        next annual meeting); by deadline.

    Examples
    --------
    >>> k = pd.DataFrame({"contract_id": ["K1", "K2"], "account_id": ["A", "A"],
    ...     "start_date": pd.to_datetime(["2023-04-03", "2024-01-01"]),
    ...     "end_date": pd.to_datetime(["2026-04-02", "2027-12-31"]),
    ...     "notice_months": [3, 3], "renewal": ["automatic", "none"]})
    >>> r = renewal_windows("A", contracts=k, as_of="2025-12-31", next_meeting="2026-01-09")
    >>> r[["contract_id", "notice_deadline", "before_meeting"]]
      contract_id notice_deadline  before_meeting
    0          K1      2026-01-02            True
    """
    as_of = pd.Timestamp(as_of).normalize()
    rows = account_rows(contracts, account_id)
    meetings = None if next_meeting is None or pd.isna(next_meeting) else {account_id: next_meeting}
    terms = contract_terms(rows, as_of=as_of, next_meetings=meetings)
    horizon = as_of + pd.DateOffset(months=prep_months)
    keep = terms["state"].isin(["running", "notice passed"]) & (terms["notice_deadline"] <= horizon)
    out = terms[keep].rename(columns={"notice_before_meeting": "before_meeting"})
    columns = [
        "contract_id",
        "title",
        "notice_deadline",
        "days_to_deadline",
        "term_end",
        "renewal",
        "price_review",
        "state",
        "next_meeting",
        "before_meeting",
    ]
    return out[columns].reset_index(drop=True)


def follow_up_schedule(
    sent: object,
    *,
    valid_until: object = None,
    holidays: Iterable[object] = (),
    reminder_working_days: int = 3,
    recurring_holidays: Iterable[str] = RECURRING_HOLIDAYS,
) -> pd.DataFrame:
    """What to do after the proposal is sent, with dates on working days.

    The next working day after `sent`: confirm receipt, ask about next steps and the urgency
    of the decision, agree the date of the next call or meeting. With `valid_until`, a
    reminder `reminder_working_days` working days before the proposal expires.

    Parameters
    ----------
    sent : date-like
        Day the proposal is sent.
    valid_until : date-like, optional
        Expiry date of the proposal.
    holidays : iterable of date-like, default ()
        Non-working days besides Saturdays, Sundays and `recurring_holidays`.
    reminder_working_days : int, default 3
        How many working days before the expiry to remind the client.
    recurring_holidays : iterable of str, default :data:`RECURRING_HOLIDAYS`
        Fixed-date days off every year ("MM-DD"); 1 January, 25 and 26 December by default.

    Returns
    -------
    DataFrame
        ``step``, ``date``, ``action``.

    Examples
    --------
    >>> plan = follow_up_schedule("2025-11-21", valid_until="2025-12-21")  # sent on a Friday
    >>> for row in plan.itertuples():
    ...     print(row.step, row.date.date(), row.action)
    1 2025-11-24 confirm that the client received the proposal
    2 2025-11-24 ask about the next steps and how urgent the decision is
    3 2025-11-24 agree the date of the next call or meeting
    4 2025-12-16 remind the client that the proposal expires on 2025-12-21

    Every date is a working day: sent on 31 December 2025, the follow-up is on 2 January 2026.

    >>> follow_up_schedule("2025-12-31")["date"].iloc[0].date()
    datetime.date(2026, 1, 2)
    """
    if not isinstance(reminder_working_days, (int, np.integer)) or reminder_working_days < 1:
        raise ArgumentError(
            f"`reminder_working_days` must be a whole number >= 1, got {reminder_working_days!r}"
        )
    sent_day = _day(sent, "sent")
    expiry = None if valid_until is None else _day(valid_until, "valid_until")
    years = [
        pd.Timestamp(sent_day).year,
        pd.Timestamp(expiry if expiry is not None else sent_day).year,
    ]
    off = non_working_days(
        min(years), max(years) + 1, holidays=holidays, recurring=recurring_holidays
    )
    next_day = np.busday_offset(sent_day, 1, roll="forward", holidays=off)
    steps = [
        (next_day, _("confirm that the client received the proposal")),
        (next_day, _("ask about the next steps and how urgent the decision is")),
        (next_day, _("agree the date of the next call or meeting")),
    ]
    if expiry is not None:
        remind = np.busday_offset(expiry, -reminder_working_days, roll="backward", holidays=off)
        if remind > next_day:
            text = _("remind the client that the proposal expires on {date}")
            steps.append((remind, text.format(date=day(expiry))))
    out = pd.DataFrame(
        {
            "step": np.arange(1, len(steps) + 1),
            "date": pd.Series([d for d, _action in steps]).astype("datetime64[us]"),
            "action": [a for _day, a in steps],
        }
    )
    return out.astype({"action": "str"})

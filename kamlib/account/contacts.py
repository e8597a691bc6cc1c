"""The contact plan of one account: how often we meet the client, when, and what it costs.

A cadence (contacts per year by type) from the ABC class (first letter of the ABC-XYZ cell),
extra planning calls for irregular (Z) clients and extra contacts per key-client type; each
type's contacts are spread evenly over the year (mid-interval, moved to the next working day),
except the annual meeting, which is planned in the month the client's past annual meetings took
place (:func:`usual_meeting_day`), and priced with configurable costs per contact type
(docs/methods.md, "Annual meeting and development plan").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamlib.account.followup import RECURRING_HOLIDAYS, non_working_days
from kamlib.errors import ArgumentError
from kamlib.language import N_, pgettext
from kamlib.language import gettext as _
from kamlib.portfolio.abcxyz import NON_POSITIVE, TOO_NEW
from kamlib.schema import require_columns as _require

__all__ = [
    "CONTACT_CADENCE",
    "XYZ_CADENCE",
    "KEY_TYPE_CADENCE",
    "CONTACT_COSTS",
    "DEFAULT_CLASS",
    "contact_cadence",
    "contact_plan",
    "contact_budget",
    "usual_meeting_day",
    "UsualMeeting",
]

CONTACT_CADENCE: dict[str, dict[str, int]] = {
    "A": {"annual_meeting": 1, "visit": 4, "call": 12},
    "B": {"annual_meeting": 1, "visit": 2, "call": 6},
    "C": {"visit": 1, "call": 4},
}
"""Contacts per year by ABC class (first letter of the ABC-XYZ cell)."""


XYZ_CADENCE: dict[str, dict[str, int]] = {"X": {}, "Y": {}, "Z": {"planning_call": 4}}
"""Extra contacts per year by XYZ class: joint planning with irregular buyers."""


KEY_TYPE_CADENCE: dict[str, dict[str, int]] = {
    "breadwinner": {"executive_meeting": 2},
    "perspective": {"visit": 2},
    "image_maker": {"executive_meeting": 1},
    "expert": {"workshop": 2},
}
"""Extra contacts per year by key-client type."""


CONTACT_COSTS: dict[str, float] = {
    "call": 25.0,
    "planning_call": 25.0,
    "visit": 400.0,
    "annual_meeting": 1500.0,
    "executive_meeting": 1000.0,
    "workshop": 800.0,
}
"""Default cost of one contact by type (in the reporting currency)."""


DEFAULT_CLASS = "B"
"""ABC class whose cadence a client without a known ABC-XYZ cell gets."""

# the source of the default cadence when the cell is a label, not a class
_DEFAULT_FOR = {
    TOO_NEW: N_("class {abc} (default: too new)"),
    NON_POSITIVE: N_("class {abc} (default: non-positive)"),
}


def _key_type(kind: str) -> str:
    """A key-client type (a code such as ``image_maker``) as the reader's language names it."""
    names = {
        "breadwinner": pgettext("key-client type", "breadwinner"),
        "perspective": pgettext("key-client type", "perspective"),
        # TRANSLATORS: the key-client type "image-maker" (a well-known name that lends its image).
        "image_maker": pgettext("key-client type", "image_maker"),
        "expert": pgettext("key-client type", "expert"),
    }
    return names.get(kind, kind)


_KEY_TYPES = (
    pgettext("key-client type", "breadwinner"),
    pgettext("key-client type", "perspective"),
    pgettext("key-client type", "image_maker"),
    pgettext("key-client type", "expert"),
)


def contact_cadence(
    cell: str | None = None,
    *,
    key_types: Iterable[str] = (),
    cadence: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Contacts per year by contact type for a client class.

    Parameters
    ----------
    cell : str, optional
        ABC-XYZ cell (``"AX"``) or ABC class (``"A"``). Without it, or with one of the labels
        of :func:`kamlib.abc_xyz` that are no class (``"too new"``, ``"non-positive"``),
        class B's cadence is used and the source says why.
    key_types : iterable of str, default ()
        Key-client types (``breadwinner``, ``perspective``, ``image_maker``, ``expert``); each
        adds the contacts of :data:`KEY_TYPE_CADENCE`.
    cadence : mapping, optional
        Contacts per year by type that replace the computed ones (0 removes a type).

    Returns
    -------
    DataFrame
        ``contact_type``, ``per_year`` (int), ``source`` (where the number comes from).

    Examples
    --------
    >>> contact_cadence("AZ", key_types=["breadwinner"])
            contact_type  per_year       source
    0     annual_meeting         1      class A
    1              visit         4      class A
    2               call        12      class A
    3      planning_call         4      class Z
    4  executive_meeting         2  breadwinner
    """
    said = _("class {abc}") if cell else _("class {abc} (default)")
    if cell in (TOO_NEW, NON_POSITIVE):
        cell, said = None, _(_DEFAULT_FOR[cell])
    abc = (cell or DEFAULT_CLASS)[:1].upper()
    xyz = (cell or "")[1:2].upper()
    if abc not in CONTACT_CADENCE:
        raise ArgumentError(f"`cell` must start with A, B or C, got {cell!r}")
    rows = [(t, n, said.format(abc=abc)) for t, n in CONTACT_CADENCE[abc].items()]
    if xyz:
        if xyz not in XYZ_CADENCE:
            raise ArgumentError(f"`cell` must end with X, Y or Z, got {cell!r}")
        rows += [(t, n, _("class {xyz}").format(xyz=xyz)) for t, n in XYZ_CADENCE[xyz].items()]
    for kind in key_types:
        if kind not in KEY_TYPE_CADENCE:
            raise ArgumentError(
                f"`key_types` has unknown type {kind!r}; known: {', '.join(KEY_TYPE_CADENCE)}"
            )
        rows += [(t, n, _key_type(kind)) for t, n in KEY_TYPE_CADENCE[kind].items()]
    frame = pd.DataFrame(rows, columns=["contact_type", "per_year", "source"])
    out = frame.groupby("contact_type", sort=False).agg(
        per_year=("per_year", "sum"), source=("source", "; ".join)
    )
    for kind, n in (cadence or {}).items():
        out.loc[kind, ["per_year", "source"]] = [int(n), pgettext("contact plan", "override")]
    out = out[out["per_year"] > 0].reset_index()
    return out.astype({"per_year": "int64", "contact_type": "str", "source": "str"})


@dataclass(frozen=True)
class UsualMeeting:
    """When a client's meetings of one type usually take place (:func:`usual_meeting_day`).

    Attributes
    ----------
    month : int
        The most common month (1-12) of the past meetings.
    day : int
        The median day of the month of the past meetings held in that month.
    meetings : int
        How many past meetings the month is drawn from.
    scope : str
        ``"account"`` (the client's own meetings) or ``"portfolio"`` (the client has none:
        the month of all clients' meetings of that type).
    """

    month: int
    day: int
    meetings: int
    scope: str


def usual_meeting_day(
    meetings: pd.DataFrame | None,
    account_id: str | None = None,
    *,
    meeting_type: str = "annual",
) -> UsualMeeting | None:
    """The month (and day) in which a client's meetings of a type usually take place.

    The month is the most common month of the past meetings of `meeting_type` (ties: the
    earliest month); the day is the median day of the month of those meetings, rounded down.
    When the account has no such meeting, all accounts' meetings of that type are used (the
    portfolio's habit, ``scope="portfolio"``).

    Parameters
    ----------
    meetings : DataFrame or None
        Canonical meetings: ``account_id``, ``date`` and ``type`` (without ``type`` every
        meeting counts).
    account_id : str, optional
        The client; None takes the whole portfolio.
    meeting_type : str, default "annual"
        Type of meeting (case-insensitive).

    Returns
    -------
    UsualMeeting or None
        None when there is no dated meeting of that type at all.

    Examples
    --------
    >>> m = pd.DataFrame({"account_id": ["A", "A", "A", "B"],
    ...     "date": pd.to_datetime(["2023-01-10", "2024-01-16", "2025-03-02", "2025-06-01"]),
    ...     "type": ["annual", "annual", "annual", "annual"]})
    >>> usual_meeting_day(m, "A")
    UsualMeeting(month=1, day=13, meetings=2, scope='account')
    >>> usual_meeting_day(m, "C").scope
    'portfolio'
    """
    if meetings is None or len(meetings) == 0 or "date" not in meetings:
        return None
    rows = meetings
    if "type" in rows:
        kind = rows["type"].astype("str").str.strip().str.lower()
        rows = rows[kind == meeting_type.strip().lower()]
    rows = rows[rows["date"].notna()]
    scope = "portfolio"
    if account_id is not None and "account_id" in rows:
        own = rows[rows["account_id"].astype("str") == str(account_id)]
        if len(own):
            rows, scope = own, "account"
    if rows.empty:
        return None
    dates = pd.to_datetime(rows["date"])
    counts = dates.dt.month.value_counts()
    month = int(min(counts.index[counts == counts.max()]))
    days = dates.dt.day[dates.dt.month == month]
    return UsualMeeting(month, int(np.floor(days.median())), int(len(days)), scope)


def _roll(raw: np.ndarray, off: np.ndarray, keep) -> np.ndarray:
    """Next working day, or the previous one when the next leaves the period `keep` names."""
    fwd = np.busday_offset(raw, 0, roll="forward", holidays=off)
    back = np.busday_offset(raw, 0, roll="backward", holidays=off)
    return np.where(keep(raw) == keep(fwd), fwd, back)


def _month_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[M]")


def _year_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[Y]")


def contact_plan(
    *,
    year: int,
    cell: str | None = None,
    key_types: Iterable[str] = (),
    cadence: Mapping[str, int] | None = None,
    costs: Mapping[str, float] | None = None,
    account_id: str | None = None,
    holidays: Iterable[object] = (),
    meetings: pd.DataFrame | None = None,
    annual_month: int | None = None,
    annual_day: int = 15,
    recurring_holidays: Iterable[str] = RECURRING_HOLIDAYS,
) -> pd.DataFrame:
    """Dated contacts for a plan year from the client's cadence, each with its cost.

    The n contacts of a type are spread evenly over the year: contact i (0-based) falls on day
    ``floor((i + 0.5) * days_in_year / n)`` after 1 January. The annual meeting instead falls
    in the month the client's annual meetings usually take place: `annual_month` when given,
    else the month found by :func:`usual_meeting_day` in `meetings` (the client's own annual
    meetings, else the portfolio's), on the usual day of the month; a second annual meeting
    (cadence 2) comes 6 months later. Only without `annual_month` and without annual meetings
    in `meetings` is it spread like the other types (mid-year). Every date is then moved to
    the next working day (Monday-Friday, not in `holidays` nor `recurring_holidays`), or the
    previous one when the next would leave the annual meeting's month or the plan year.

    Parameters
    ----------
    year : int
        Plan year.
    cell, key_types, cadence
        As in :func:`contact_cadence`.
    costs : mapping, optional
        Cost per contact type, merged over :data:`CONTACT_COSTS`.
    account_id : str, optional
        Written into an ``account_id`` column when given.
    holidays : iterable of date-like, default ()
        Non-working days besides weekends and `recurring_holidays`.
    meetings : DataFrame, optional
        Canonical meetings (``account_id``, ``date``, ``type``): when the annual meetings
        took place.
    annual_month : int, optional
        Month (1-12) of the annual meeting; overrides `meetings`.
    annual_day : int, default 15
        Day of the month of the annual meeting with `annual_month` (clipped to the month).
    recurring_holidays : iterable of str, default ``RECURRING_HOLIDAYS``
        Fixed-date days off every year ("MM-DD"; 1 January, 25 and 26 December).

    Returns
    -------
    DataFrame
        ``account_id`` (when given), ``date``, ``contact_type``, ``cost``; sorted by date.

    Raises
    ------
    ArgumentError
        A contact type without a cost.

    Examples
    --------
    >>> contact_plan(year=2026, cell="CX")
            date contact_type   cost
    0 2026-02-16         call   25.0
    1 2026-05-18         call   25.0
    2 2026-07-02        visit  400.0
    3 2026-08-17         call   25.0
    4 2026-11-16         call   25.0

    With past annual meetings in January, the annual meeting is planned in January:

    >>> m = pd.DataFrame({"account_id": ["A", "A"], "type": ["annual", "annual"],
    ...                   "date": pd.to_datetime(["2024-01-12", "2025-01-14"])})
    >>> p = contact_plan(year=2026, cell="AX", account_id="A", meetings=m)
    >>> p.loc[p["contact_type"] == "annual_meeting", "date"].dt.date.tolist()
    [datetime.date(2026, 1, 13)]
    """
    if annual_month is not None and (
        not isinstance(annual_month, (int, np.integer)) or not 1 <= annual_month <= 12
    ):
        raise ArgumentError(f"`annual_month` must be a month 1-12, got {annual_month!r}")
    if not isinstance(annual_day, (int, np.integer)) or not 1 <= annual_day <= 31:
        raise ArgumentError(f"`annual_day` must be a day 1-31, got {annual_day!r}")
    if annual_month is None:
        usual = usual_meeting_day(meetings, account_id)
        if usual is not None:
            annual_month, annual_day = usual.month, usual.day
    plan = contact_cadence(cell, key_types=key_types, cadence=cadence)
    prices = {**CONTACT_COSTS, **(costs or {})}
    unpriced = sorted(set(plan["contact_type"]) - set(prices))
    if unpriced:
        raise ArgumentError(f"`costs` has no cost for contact type(s) {unpriced}")
    start = pd.Timestamp(year=int(year), month=1, day=1)
    days = (pd.Timestamp(year=int(year) + 1, month=1, day=1) - start).days
    rows = plan.loc[plan.index.repeat(plan["per_year"])].reset_index(drop=True)
    i = rows.groupby("contact_type", sort=False).cumcount()
    offsets = np.floor((i + 0.5) * days / rows["per_year"]).astype(int)
    raw = (start + pd.to_timedelta(offsets, unit="D")).to_numpy().astype("datetime64[D]")
    off = non_working_days(int(year), int(year), holidays=holidays, recurring=recurring_holidays)
    rolled = _roll(raw, off, _year_of)
    annual = (rows["contact_type"] == "annual_meeting").to_numpy()
    if annual_month is not None and annual.any():
        n = rows["per_year"].to_numpy()[annual]
        months = (annual_month - 1 + np.round(i.to_numpy()[annual] * 12 / n).astype(int)) % 12
        firsts = np.array([np.datetime64(f"{int(year):04d}-{m + 1:02d}", "M") for m in months])
        lengths = ((firsts + 1).astype("datetime64[D]") - firsts.astype("datetime64[D]")).astype(
            int
        )
        day = firsts.astype("datetime64[D]") + (np.minimum(annual_day, lengths) - 1)
        rolled[annual] = _roll(day, off, _month_of)
    dates = pd.Series(rolled).astype("datetime64[us]")
    out = pd.DataFrame(
        {
            "date": dates,
            "contact_type": rows["contact_type"],
            "cost": rows["contact_type"].map(prices),
        }
    ).astype({"cost": "float64", "contact_type": "str"})
    if account_id is not None:
        out.insert(0, "account_id", pd.Series(account_id, index=out.index, dtype="str"))
    return out.sort_values(["date", "contact_type"], kind="stable").reset_index(drop=True)


def contact_budget(plan: pd.DataFrame) -> pd.DataFrame:
    """The budget a contact plan implies: contacts and cost per type, and a total row.

    Parameters
    ----------
    plan : DataFrame
        Output of :func:`contact_plan` (``contact_type``, ``cost``).

    Returns
    -------
    DataFrame
        ``contact_type``, ``contacts``, ``unit_cost``, ``budget``; the last row is ``total``.

    Examples
    --------
    >>> contact_budget(contact_plan(year=2026, cell="CX"))
      contact_type  contacts  unit_cost  budget
    0         call         4       25.0   100.0
    1        visit         1      400.0   400.0
    2        total         5        NaN   500.0
    """
    _require(plan, ["contact_type", "cost"], "plan")
    per_type = plan.groupby("contact_type").agg(
        contacts=("cost", "size"), unit_cost=("cost", "mean"), budget=("cost", "sum")
    )
    total = pd.DataFrame(
        {
            "contacts": [int(per_type["contacts"].sum())],
            "unit_cost": [np.nan],
            "budget": [per_type["budget"].sum()],
        },
        index=pd.Index(["total"], name="contact_type"),
    )
    return (
        pd.concat([per_type, total])
        .reset_index()
        .astype({"contact_type": "str", "contacts": "int64"})
    )

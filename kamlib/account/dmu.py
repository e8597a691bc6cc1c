"""The decision-making unit (DMU) of a client: who decides, and whether we reach them.

:func:`dmu_roster` lists the contacts with role, influence, attitude and reports-to, their
level in the reporting tree and the days since the last contact; :func:`dmu_coverage` checks
the coverage in words: no decision-maker contact, no champion, contacts not reached for more
than ``stale_days`` (90) days, a single-threaded relationship (one contact only).

Personal data (docs/reliability.md section I): the contacts' personal columns (birthday, family,
hobbies, notes) never reach an output by default; the roster is built from an explicit list of
non-personal columns. ``include_personal_details=True`` adds only ``upcoming_birthday`` as
``DD.MM`` (never the year) for birthdays within ``birthday_window_days``; family, hobbies and
free-text notes are never shown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlib.language import gettext as _
from kamlib.language import ngettext
from kamlib.schema import account_rows
from kamlib.schema import require_columns as _require

__all__ = [
    "DMU_ROLES",
    "ATTITUDES",
    "dmu_roster",
    "dmu_coverage",
]

DMU_ROLES = ("decision maker", "influencer", "buyer", "approver", "user", "gatekeeper")
"""Roles in the decision-making unit (``negotiator`` is read as ``buyer``)."""


ATTITUDES = ("champion", "supporter", "neutral", "sceptic", "opponent")
"""Attitudes towards us, best first (``skeptic`` is read as ``sceptic``)."""


_ROLE_ALIASES = {
    "negotiator": "buyer",
    "buyer/negotiator": "buyer",
    "decisionmaker": "decision maker",
}


_ATTITUDE_ALIASES = {"skeptic": "sceptic"}


_ROSTER_COLUMNS = [
    "contact_id",
    "name",
    "title",
    "dmu_role",
    "influence",
    "attitude",
    "reports_to",
    "last_contact",
]


def _normalise(values: pd.Series, aliases: dict[str, str]) -> pd.Series:
    clean = values.astype("str").str.strip().str.lower().str.replace(r"[_\-]+", " ", regex=True)
    return clean.replace(aliases)


def _levels(ids: pd.Series, parents: pd.Series) -> pd.Series:
    """Depth of each contact in the reports-to tree (0 = top); cycles count as tops."""
    parent = parents.where(parents.isin(set(ids)) & (parents != ids))
    level = pd.Series(np.where(parent.isna(), 0.0, np.nan), index=ids.index)
    by_id = pd.Series(level.to_numpy(), index=ids.to_numpy())
    for _step in range(len(ids)):
        resolved = parent.map(by_id) + 1
        level = level.fillna(resolved)
        by_id = pd.Series(level.to_numpy(), index=ids.to_numpy())
        if level.notna().all():
            break
    return level.fillna(0).astype("int64")


def _upcoming_birthdays(birthdays: pd.Series, as_of: pd.Timestamp, window_days: int) -> pd.Series:
    month, day = birthdays.dt.month, birthdays.dt.day
    feb29 = (month == 2) & (day == 29)

    def on(year: int) -> pd.Series:
        leap = pd.Timestamp(year=year, month=1, day=1).is_leap_year
        d = day.where(~feb29 | leap, 28)
        parts = pd.DataFrame({"year": year, "month": month, "day": d})
        return pd.to_datetime(parts, errors="coerce")

    this_year = on(as_of.year)
    next_date = this_year.where(this_year >= as_of.normalize(), on(as_of.year + 1))
    days = (next_date - as_of.normalize()).dt.days
    label = birthdays.dt.strftime("%d.%m")
    return label.where((days >= 0) & (days <= window_days)).astype("str")


def dmu_roster(
    account_id: str,
    *,
    contacts: pd.DataFrame | None,
    as_of: object,
    include_personal_details: bool = False,
    birthday_window_days: int = 30,
) -> pd.DataFrame:
    """The decision-making unit of an account: one row per contact, without personal data.

    Parameters
    ----------
    account_id : str
        The account.
    contacts : DataFrame or None
        Canonical contacts.
    as_of : date-like
        Reference date for days since the last contact and upcoming birthdays.
    include_personal_details : bool, default False
        Add ``upcoming_birthday`` as ``DD.MM`` for birthdays within `birthday_window_days`
        after `as_of` (blank otherwise; never the year). Family, hobbies and notes are never
        included.
    birthday_window_days : int, default 30
        How far ahead a birthday counts as upcoming.

    Returns
    -------
    DataFrame
        ``contact_id``, ``name``, ``title``, ``dmu_role`` and ``attitude`` (normalised to
        :data:`DMU_ROLES` / :data:`ATTITUDES` where they match), ``influence``,
        ``reports_to``, ``reports_to_name``, ``level`` (0 = top of the reporting tree),
        ``last_contact``, ``days_since_contact``; sorted by level, influence (high first),
        name.

    Examples
    --------
    >>> c = pd.DataFrame({"contact_id": ["k1", "k2"], "account_id": ["A", "A"],
    ...     "name": ["Ada", "Bo"], "dmu_role": ["Decision_Maker", "buyer"],
    ...     "influence": [5.0, 3.0], "attitude": ["Champion", "neutral"],
    ...     "reports_to": [None, "k1"], "notes": ["secret", "private"],
    ...     "last_contact": pd.to_datetime(["2025-12-01", "2025-01-01"])})
    >>> dmu_roster("A", contacts=c, as_of="2025-12-31")[
    ...     ["name", "dmu_role", "attitude", "reports_to_name", "level", "days_since_contact"]]
      name        dmu_role  attitude reports_to_name  level  days_since_contact
    0  Ada  decision maker  champion             NaN      0                30.0
    1   Bo           buyer   neutral             Ada      1               364.0
    """
    as_of = pd.Timestamp(as_of)
    columns = [*_ROSTER_COLUMNS[:7], "reports_to_name", "level", *_ROSTER_COLUMNS[7:]]
    columns += ["days_since_contact"] + (["upcoming_birthday"] if include_personal_details else [])
    rows = account_rows(contacts, account_id)
    if rows is None or rows.empty:
        return _empty_roster(columns)
    _require(rows, ["contact_id", "name"], "contacts")
    safe = rows.reindex(columns=_ROSTER_COLUMNS).reset_index(drop=True)
    out = safe.astype(
        {
            "contact_id": "str",
            "name": "str",
            "title": "str",
            "dmu_role": "str",
            "influence": "float64",
            "attitude": "str",
            "reports_to": "str",
            "last_contact": "datetime64[us]",
        }
    )
    out["dmu_role"] = _normalise(out["dmu_role"], _ROLE_ALIASES).where(out["dmu_role"].notna())
    out["attitude"] = _normalise(out["attitude"], _ATTITUDE_ALIASES).where(out["attitude"].notna())
    names = pd.Series(out["name"].to_numpy(), index=out["contact_id"].to_numpy())
    out["reports_to_name"] = out["reports_to"].map(names).astype("str")
    out["level"] = _levels(out["contact_id"], out["reports_to"])
    out["days_since_contact"] = (as_of - out["last_contact"]).dt.days.astype("float64")
    if include_personal_details:
        if "birthday" in rows.columns:
            birthdays = pd.to_datetime(rows["birthday"].reset_index(drop=True), errors="coerce")
            out["upcoming_birthday"] = _upcoming_birthdays(birthdays, as_of, birthday_window_days)
        else:
            out["upcoming_birthday"] = pd.Series(np.nan, index=out.index, dtype="str")
    out = out.sort_values(
        ["level", "influence", "name"], ascending=[True, False, True], kind="stable"
    )
    return out[columns].reset_index(drop=True)


def _empty_roster(columns: list[str]) -> pd.DataFrame:
    dtypes = {
        "influence": "float64",
        "last_contact": "datetime64[us]",
        "level": "int64",
        "days_since_contact": "float64",
    }
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, "str")) for c in columns})


def dmu_coverage(roster: pd.DataFrame, *, stale_days: int = 90) -> pd.DataFrame:
    """Check how well we cover the decision-making unit, in words.

    Parameters
    ----------
    roster : DataFrame
        Output of :func:`dmu_roster`.
    stale_days : int, default 90
        A contact not reached for more than this many days (or never) counts as not reached.

    Returns
    -------
    DataFrame
        One row per check (``decision maker``, ``champion``, ``recent contact``,
        ``multi-threaded``): ``check``, ``ok`` (bool) and ``finding`` (one sentence).

    Examples
    --------
    >>> r = pd.DataFrame({"name": ["Bo"], "dmu_role": ["buyer"], "attitude": ["neutral"],
    ...                   "days_since_contact": [120.0]})
    >>> for line in dmu_coverage(r)["finding"]:
    ...     print(line)
    No contact with a decision maker.
    No champion among the contacts.
    1 of 1 contacts not reached for more than 90 days: Bo (120 days).
    Single-threaded: one contact only (Bo).
    """
    _require(roster, ["name", "dmu_role", "attitude", "days_since_contact"], "roster")
    n = len(roster)
    deciders = roster.loc[roster["dmu_role"] == "decision maker", "name"]
    champions = roster.loc[roster["attitude"] == "champion", "name"]
    days = roster["days_since_contact"]
    stale = roster[days.isna() | (days > stale_days)]
    when = [
        _("no contact recorded")
        if pd.isna(d)
        else ngettext("{n} days", "{n} days", int(d)).format(n=int(d))
        for d in stale["days_since_contact"]
    ]
    stale_list = ", ".join(
        f"{name} ({said})" for name, said in zip(stale["name"].astype("str"), when, strict=True)
    )
    if n == 0:
        checks = [
            ("decision maker", False, _("No contacts recorded: no decision maker known.")),
            ("champion", False, _("No contacts recorded: no champion known.")),
            ("recent contact", False, _("No contacts recorded.")),
            ("multi-threaded", False, _("No contacts recorded: the relationship has no thread.")),
        ]
    else:
        checks = [
            (
                "decision maker",
                not deciders.empty,
                _("Decision maker known: {names}.").format(names=", ".join(deciders))
                if not deciders.empty
                else _("No contact with a decision maker."),
            ),
            (
                "champion",
                not champions.empty,
                _("Champion: {names}.").format(names=", ".join(champions))
                if not champions.empty
                else _("No champion among the contacts."),
            ),
            (
                "recent contact",
                stale.empty,
                ngettext(
                    "All {n} contacts reached within {days} days.",
                    "All {n} contacts reached within {days} days.",
                    n,
                ).format(n=n, days=stale_days)
                if stale.empty
                else ngettext(
                    "{stale} of {n} contacts not reached for more than {days} days: {names}.",
                    "{stale} of {n} contacts not reached for more than {days} days: {names}.",
                    n,
                ).format(stale=len(stale), n=n, days=stale_days, names=stale_list),
            ),
            (
                "multi-threaded",
                n > 1,
                ngettext("{n} contacts.", "{n} contacts.", n).format(n=n)
                if n > 1
                else _("Single-threaded: one contact only ({name}).").format(
                    name=roster["name"].iloc[0]
                ),
            ),
        ]
    out = pd.DataFrame(checks, columns=["check", "ok", "finding"])
    return out.astype({"check": "str", "ok": "bool", "finding": "str"})

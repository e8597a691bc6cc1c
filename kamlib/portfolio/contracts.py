"""Contracts per client: the current term, the next renewal and the notice deadline.

Contracts, new conditions and renewals are negotiated at the annual meeting; a notice deadline
that falls before that meeting decides the renewal before anyone has talked about it. These
measures read the optional ``contracts`` table (data/README.md). Method (docs/methods.md,
"Contracts"):

- **Current term end**: ``end_date``; a contract with ``renewal`` ``automatic`` whose end has
  passed is rolled forward by ``renewal_months`` (default 12) until it ends after ``as_of``.
  An open-ended contract (no ``end_date``) has no term end and no deadline.
- **Notice deadline**: term end minus ``notice_months`` (0 when blank); the last day to give
  notice (automatic renewal) or to agree the next contract (fixed term, ``renewal`` ``none``).
- **State**: ``ended`` (fixed term over), ``open-ended``, ``notice passed`` (deadline before
  ``as_of``, term still running), else ``running``.
- **Notice before the meeting**: the deadline is after ``as_of`` and before the client's
  next annual meeting (given by the caller, e.g. from
  :func:`kamlib.account.contacts.usual_meeting_day`); unknown (``<NA>``) when the meeting is
  not known.

A missing table is *not known*: no rows, and the per-client columns NaN, never "no contract".
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from kamlib.errors import ArgumentError
from kamlib.schema import is_missing, require_columns
from kamlib.window import analysis_date

__all__ = ["CONTRACT_COLUMNS", "contract_terms", "contract_deadlines"]

CONTRACT_COLUMNS = {
    "contract_id": "str",
    "account_id": "str",
    "title": "str",
    "start_date": "datetime64[us]",
    "term_end": "datetime64[us]",
    "renewal": "str",
    "notice_months": "Int64",
    "notice_deadline": "datetime64[us]",
    "days_to_deadline": "float64",
    "price_review": "str",
    "state": "str",
    "next_meeting": "datetime64[us]",
    "notice_before_meeting": "boolean",
}
"""The columns of :func:`contract_terms` and their dtypes."""


def _meetings(next_meetings: Mapping | pd.Series | None) -> pd.Series:
    if next_meetings is None:
        return pd.Series(dtype="datetime64[us]", index=pd.Index([], dtype="str"))
    series = pd.Series(next_meetings, dtype=object).copy()
    series.index = series.index.astype("str")
    series = series[~series.index.duplicated()]
    return pd.to_datetime(series).astype("datetime64[us]")


def contract_terms(
    contracts: pd.DataFrame | None,
    *,
    as_of: object,
    next_meetings: Mapping[str, object] | pd.Series | None = None,
    renewal_months: int = 12,
) -> pd.DataFrame:
    """Every contract with its current term end, notice deadline and state.

    Parameters
    ----------
    contracts : DataFrame or None
        Canonical contracts (``contract_id``, ``account_id``, ``start_date``; ``end_date``,
        ``notice_months``, ``renewal``, ``renewal_months``, ``price_review``, ``title`` when
        known). None or empty: no rows (not known).
    as_of : date-like
        The analysis date.
    next_meetings : mapping or Series, optional
        Date of each client's next annual meeting (account id -> date); without it
        ``notice_before_meeting`` is not known.
    renewal_months : int, default 12
        Length of an automatic renewal when the contract does not say.

    Returns
    -------
    DataFrame
        One row per contract, columns :data:`CONTRACT_COLUMNS`, ordered by notice deadline.

    Examples
    --------
    >>> k = pd.DataFrame({"contract_id": ["K1", "K2"], "account_id": ["A", "B"],
    ...     "start_date": pd.to_datetime(["2023-04-01", "2023-07-01"]),
    ...     "end_date": pd.to_datetime(["2026-03-31", "2025-06-30"]),
    ...     "notice_months": [3, 3], "renewal": ["automatic", "automatic"]})
    >>> t = contract_terms(k, as_of="2025-12-15", next_meetings={"A": "2026-01-12"})
    >>> t[["contract_id", "term_end", "notice_deadline", "state", "notice_before_meeting"]]
    ... # doctest: +NORMALIZE_WHITESPACE
      contract_id   term_end notice_deadline    state  notice_before_meeting
    0          K1 2026-03-31      2025-12-31  running                   True
    1          K2 2026-06-30      2026-03-30  running                   <NA>
    """
    if isinstance(renewal_months, bool) or not isinstance(renewal_months, (int, np.integer)):
        raise ArgumentError(f"`renewal_months` must be a whole number, got {renewal_months!r}")
    if renewal_months < 1:
        raise ArgumentError(f"`renewal_months` must be >= 1, got {renewal_months!r}")
    as_of = analysis_date(None, as_of)
    if is_missing(contracts):
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in CONTRACT_COLUMNS.items()})
    require_columns(contracts, ["contract_id", "account_id", "start_date"], "contracts")
    k = contracts.reset_index(drop=True)

    def col(name: str, default=None) -> pd.Series:
        return k[name] if name in k else pd.Series(default, index=k.index)

    end = pd.to_datetime(col("end_date")).astype("datetime64[us]")
    renewal = col("renewal").astype("str").str.strip().str.lower()
    automatic = renewal.eq("automatic").to_numpy()
    step = pd.to_numeric(col("renewal_months"), errors="coerce").fillna(renewal_months)
    notice = pd.to_numeric(col("notice_months"), errors="coerce").fillna(0).astype(int)
    term_end = []
    for e, auto, n in zip(end, automatic, step.astype(int), strict=True):
        while pd.notna(e) and auto and e <= as_of:
            e = (e + pd.Timedelta(days=1) + pd.DateOffset(months=int(n))) - pd.Timedelta(days=1)
        term_end.append(e)
    term_end = pd.Series(term_end, index=k.index, dtype="datetime64[us]")
    deadline = pd.Series(
        [
            pd.NaT if pd.isna(e) else e - pd.DateOffset(months=int(n))
            for e, n in zip(term_end, notice, strict=True)
        ],
        index=k.index,
        dtype="datetime64[us]",
    )
    state = np.select(
        [end.isna().to_numpy(), (term_end < as_of).to_numpy(), (deadline < as_of).to_numpy()],
        ["open-ended", "ended", "notice passed"],
        "running",
    )
    meetings = _meetings(next_meetings)
    meeting = pd.Series(
        meetings.reindex(k["account_id"].astype("str")).to_numpy(),
        index=k.index,
        dtype="datetime64[us]",
    )
    before = (deadline >= as_of) & (deadline < meeting)
    known = meeting.notna() & deadline.notna()
    flag = pd.array(np.where(known, before, None), dtype="boolean")
    flag[(deadline.notna() & (deadline < as_of)).to_numpy()] = False
    flag[deadline.isna().to_numpy()] = False
    out = pd.DataFrame(
        {
            "contract_id": k["contract_id"].astype("str"),
            "account_id": k["account_id"].astype("str"),
            "title": col("title").astype("str"),
            "start_date": pd.to_datetime(k["start_date"]).astype("datetime64[us]"),
            "term_end": term_end,
            "renewal": col("renewal").astype("str"),
            "notice_months": pd.array(notice, dtype="Int64"),
            "notice_deadline": deadline,
            "days_to_deadline": (deadline - as_of).dt.days.astype("float64"),
            "price_review": col("price_review").astype("str"),
            "state": pd.Series(state, index=k.index, dtype="str"),
            "next_meeting": meeting.astype("datetime64[us]"),
            "notice_before_meeting": flag,
        }
    )
    return out.sort_values(
        ["notice_deadline", "contract_id"], na_position="last", kind="stable"
    ).reset_index(drop=True)


def contract_deadlines(
    contracts: pd.DataFrame | None,
    *,
    as_of: object,
    next_meetings: Mapping[str, object] | pd.Series | None = None,
    accounts: pd.Index | list[str] | None = None,
    renewal_months: int = 12,
) -> pd.DataFrame:
    """Per client: its next notice deadline and renewal, and whether it comes before the meeting.

    Parameters
    ----------
    contracts, as_of, next_meetings, renewal_months
        As in :func:`contract_terms`.
    accounts : index or list of str, optional
        Clients to report on; default every client with a contract.

    Returns
    -------
    DataFrame
        Index ``account_id``; ``contracts`` (running or open-ended; 0 when the table exists
        and the client has none, NA when the table is missing), ``next_contract`` (id of the
        contract with the next deadline), ``term_end``, ``notice_deadline``,
        ``days_to_deadline``, ``renewal``, ``next_meeting`` and ``notice_before_meeting``
        (True when any running contract's deadline falls before the next meeting).

    Examples
    --------
    >>> k = pd.DataFrame({"contract_id": ["K1"], "account_id": ["A"],
    ...     "start_date": pd.to_datetime(["2023-04-01"]),
    ...     "end_date": pd.to_datetime(["2026-03-31"]), "notice_months": [3]})
    >>> d = contract_deadlines(k, as_of="2025-12-15", next_meetings={"A": "2026-01-12"},
    ...     accounts=["A", "B"])
    >>> d[["contracts", "notice_deadline", "notice_before_meeting"]]
    ... # doctest: +NORMALIZE_WHITESPACE
                contracts notice_deadline  notice_before_meeting
    account_id
    A                   1      2025-12-31                   True
    B                   0             NaT                  False
    """
    terms = contract_terms(
        contracts, as_of=as_of, next_meetings=next_meetings, renewal_months=renewal_months
    )
    missing = is_missing(contracts)
    ids = (
        [str(a) for a in accounts] if accounts is not None else sorted(terms["account_id"].unique())
    )
    index = pd.Index(ids, name="account_id", dtype="str")
    live = terms[terms["state"] != "ended"]
    upcoming = live[live["notice_deadline"] >= analysis_date(None, as_of)]
    first = upcoming.drop_duplicates("account_id").set_index("account_id")
    out = pd.DataFrame(index=index)
    counts = live.groupby("account_id").size().reindex(index)
    out["contracts"] = (counts if missing else counts.fillna(0)).astype("Int64")
    out["next_contract"] = first["contract_id"].reindex(index).astype("str")
    for c in ("term_end", "notice_deadline"):
        out[c] = first[c].reindex(index).astype("datetime64[us]")
    out["days_to_deadline"] = first["days_to_deadline"].reindex(index).astype("float64")
    out["renewal"] = first["renewal"].reindex(index).astype("str")
    out["next_meeting"] = _meetings(next_meetings).reindex(index).astype("datetime64[us]")
    flag = live.groupby("account_id")["notice_before_meeting"].agg(
        lambda s: bool(s.fillna(False).any()) if s.notna().any() else pd.NA
    )
    flag = flag.reindex(index)
    if not missing:
        flag = flag.where(flag.notna() | out["contracts"].gt(0), False)
    out["notice_before_meeting"] = flag.astype("boolean")
    return out

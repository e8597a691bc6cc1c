"""Accounts at a glance and the portfolio per account manager (issue 10, bullet 8)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamlib.errors import ArgumentError, InputError
from kamlib.portfolio.churn import client_status
from kamlib.portfolio.clients import key_clients, key_clients_on_days
from kamlib.portfolio.managers import (
    account_overview,
    lost_key_accounts,
    manager_view,
    plan_attainment,
)
from kamlib.words.managers import (
    key_type_text,
    manager_sentence,
    manager_table,
    status_text,
    trend_text,
)

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
AS_OF = "2025-06-30"


def _tx():
    """A (100 last window, 50 now: -50 %), B (new, 20), L (big, stopped buying a year ago)."""
    weekly = pd.date_range("2024-01-01", "2024-06-24", freq="7D")
    rows = [
        ("A", "2024-03-01", 100.0, 30.0),
        ("A", "2025-03-01", 50.0, 10.0),
        ("B", "2025-05-01", 20.0, 2.0),
    ]
    rows += [("L", str(d.date()), 40.0, 10.0) for d in weekly]
    tx = pd.DataFrame(rows, columns=["account_id", "date", "revenue", "gross_profit"])
    tx["date"] = pd.to_datetime(tx["date"])
    return tx


def _accounts():
    return pd.DataFrame(
        {
            "account_id": ["A", "B", "L"],
            "name": ["Alfa", "Beta", "Lima"],
            "manager": ["Ann", "Ann", "Bob"],
            "region": ["North", "South", "North"],
        }
    )


def test_overview_revenue_trend_and_unknown_contribution():
    o = account_overview(_tx(), _accounts(), as_of=AS_OF)
    assert o.loc["A", ["revenue", "revenue_before"]].tolist() == [50.0, 100.0]
    assert o.loc["A", "trend"] == pytest.approx(-0.5)
    assert np.isnan(o.loc["B", "trend"])  # nothing before: new, not +inf and not 0
    # without cost data the contribution is not known (NaN), never 0 and never a loss
    assert o["contribution"].isna().all()
    assert "loss_making" not in set(o["status"])
    assert o.loc["A", ["name", "manager", "region"]].tolist() == ["Alfa", "Ann", "North"]


def test_overview_contribution_after_cost_to_serve_and_loss_making():
    cost = pd.DataFrame(
        {"account_id": ["B"], "date": pd.to_datetime(["2025-05-02"]), "amount": [5.0]}
    )
    o = account_overview(_tx(), _accounts(), cost_to_serve=cost, as_of=AS_OF)
    assert o.loc["B", "contribution"] == pytest.approx(2.0 - 5.0)
    assert o.loc["A", "contribution"] == pytest.approx(10.0)  # gross profit, no cost to serve
    assert o.loc["B", "status"] == "loss_making"


def test_lost_key_accounts_are_key_when_they_last_bought():
    tx = _tx()
    assert lost_key_accounts(tx, _accounts(), as_of=AS_OF) == ["L"]
    o = account_overview(tx, _accounts(), as_of=AS_OF)
    assert o.loc["L", "status"] == "lost" and bool(o.loc["L", "key"])
    assert o.loc["L", "key_reasons"] == "lost while key"
    with pytest.raises(ArgumentError):
        lost_key_accounts(tx, months=0)


def test_overdue_actions_are_open_and_past_due():
    actions = pd.DataFrame(
        {
            "account_id": ["A", "A", "A", "B"],
            "due_date": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-12-01", "2025-01-01"]),
            "status": ["open", "done", "open", "open"],
        }
    )
    o = account_overview(_tx(), _accounts(), actions=actions, as_of=AS_OF)
    assert o["overdue_actions"].to_dict() == {"A": 1, "B": 1, "L": 0}


def test_plan_attainment_counts_the_target_due_so_far():
    tx = pd.DataFrame(
        {
            "account_id": ["A", "A", "A"],
            "revenue": [60.0, 30.0, 999.0],
            "date": pd.to_datetime(["2025-02-01", "2025-05-01", "2024-12-31"]),
        }
    )
    targets = pd.DataFrame(
        {
            "account_id": ["A"] * 3,
            "year": [2025, 2025, 2024],
            "revenue_target": [100.0, 80.0, 5.0],
            "period": ["Q1", "Q3", None],
        }
    )
    a = plan_attainment(targets, tx, as_of="2025-06-30")
    # Q1 fully due, Q3 not started: 90 of 100
    assert a.loc["A"].tolist() == [180.0, 100.0, 90.0, pytest.approx(0.9)]
    assert plan_attainment(None, tx).empty


def test_manager_view_sums_accounts_and_keeps_unknown_unknown():
    o = account_overview(_tx(), _accounts(), as_of=AS_OF)
    targets = pd.DataFrame({"account_id": ["A"], "year": [2025], "revenue_target": [100.0]})
    v = manager_view(o, attainment=plan_attainment(targets, _tx(), as_of=AS_OF))
    assert list(v.index) == ["Ann", "Bob"]  # largest revenue first
    assert v.loc["Ann", ["accounts", "revenue", "revenue_before"]].tolist() == [2, 70.0, 100.0]
    assert v.loc["Bob", ["accounts", "key_accounts", "lost"]].tolist() == [1, 1, 1]
    assert v.loc["Bob", "lost_value"] == pytest.approx(o.loc["L", "annual_value"])
    assert v["contribution"].isna().all()
    # A's target for 2025 is 100, pro rata 181 of 365 days due; B has no target
    assert v.loc["Ann", "target_actual"] == 50.0
    assert v.loc["Ann", "attainment"] == pytest.approx(50.0 / (100.0 * 181 / 365))
    assert np.isnan(v.loc["Bob", "attainment"])


def test_manager_table_has_human_labels_currency_and_says_not_known():
    o = account_overview(_tx(), _accounts(), as_of=AS_OF)
    t = manager_table(manager_view(o), currency="EUR")
    assert t.index.name == "Account manager" and list(t.index) == ["Ann", "Bob", "All managers"]
    assert "Revenue, 12 months (EUR)" in t.columns
    assert not [c for c in t.columns if "_" in c]
    assert set(t["Contribution after cost to serve (EUR)"]) == {"not known (no cost to serve)"}
    assert set(t["Plan attainment"]) == {"not known (no targets)"}
    assert t.loc["All managers", "Revenue, 12 months (EUR)"] == "70"
    cells = " ".join(t.to_numpy().ravel())
    assert "nan" not in cells and "None" not in cells and "-0.0" not in cells


def test_words():
    assert status_text("at_risk") == "at risk" and status_text(float("nan")) == "no purchases"
    assert key_type_text(True, "breadwinner, expert") == "breadwinner, expert"
    assert trend_text(99.99996, 100.0) == "0.0 %" and trend_text(5.0, 0.0) == "new"
    text = manager_sentence(manager_view(account_overview(_tx(), _accounts(), as_of=AS_OF)))
    assert text.startswith("2 account managers.") and "Bob lost the most: 1 account" in text


# --------------------------------------------------------------------------- the sample


@pytest.fixture(scope="module")
def sample():
    from kamlib.load.workspace import load_workspace

    ws = load_workspace(SAMPLE)
    o = account_overview(
        ws.transactions,
        ws.accounts,
        cost_to_serve=ws.cost_to_serve,
        products=ws.products,
        actions=ws.actions,
        as_of=ws.as_of,
    )
    return ws, o


def test_sample_accounts(sample):
    _, o = sample
    assert o.loc["C0027", "key"] and "breadwinner" in o.loc["C0027", "key_reasons"]
    assert o.loc["C0027", "contribution"] == pytest.approx(1_626_378.82, abs=0.01)
    assert o.loc["C0112", "status"] == "loss_making"
    assert o.loc["C0112", "contribution"] == pytest.approx(-78_016.55, abs=0.01)
    assert o.loc["C0009", "status"] == "lost" and o.loc["C0009", "key_reasons"] == "lost while key"


def test_sample_manager_view_adds_up(sample):
    ws, o = sample
    v = manager_view(o, attainment=plan_attainment(ws.targets, ws.transactions, as_of=ws.as_of))
    window = ws.transactions[ws.transactions["date"] > ws.as_of - pd.DateOffset(months=12)]
    assert v["revenue"].sum() == pytest.approx(window["revenue"].sum(), rel=1e-9)
    assert v["contribution"].sum() == pytest.approx(o["contribution"].sum(), rel=1e-9)
    assert v["lost"].sum() == (o["cadence"] == "lost").sum() == 8
    assert set(v.index) == set(ws.accounts["manager"].dropna())
    assert v["attainment"].notna().all()


# ------------------------------------------ lost key accounts: one pass vs the loop per day


def _lost_key_accounts_per_day(
    transactions, accounts=None, products=None, *, status=None, as_of=None, months=12
):
    """The former implementation (issue 16): `key_clients` once per last-purchase day."""
    if status is None:
        status = client_status(transactions, as_of=as_of)
    lost = status[status["status"] == "lost"]
    found = set()
    for day, ids in lost.groupby("last_purchase").groups.items():
        key = key_clients(transactions, accounts, products, as_of=day, months=months)
        reasons = key.set_index("client_id")["reasons"].astype("str")
        members = set()
        if accounts is not None and "parent_id" in accounts.columns:
            acc = accounts.drop_duplicates("account_id").set_index("account_id")["parent_id"]
            members = set(acc[acc.isin(reasons.index)].index)
        found |= {str(a) for a in ids if a in reasons.index or a in members}
    return sorted(found)


def _key_clients_per_day(transactions, accounts, days, months=12):
    frames = []
    for day in days:
        k = key_clients(transactions, accounts, as_of=day, months=months)
        frames.append(
            k.assign(as_of=pd.Timestamp(day).normalize())[["as_of", "client_id", "reasons"]]
        )
    out = pd.concat(frames, ignore_index=True).sort_values(["as_of", "client_id"], kind="stable")
    return out.reset_index(drop=True)


def _same_keys(batched, reference):
    got = batched.reset_index(drop=True)
    assert got["as_of"].tolist() == reference["as_of"].tolist()
    assert got["client_id"].tolist() == reference["client_id"].tolist()
    assert got["reasons"].tolist() == reference["reasons"].tolist()


def test_lost_key_accounts_equal_the_loop_per_day_on_the_sample(sample):
    ws, _ = sample
    status = client_status(ws.transactions, as_of=ws.as_of)
    new = lost_key_accounts(ws.transactions, ws.accounts, ws.products, as_of=ws.as_of)
    old = _lost_key_accounts_per_day(
        ws.transactions, ws.accounts, ws.products, status=status, as_of=ws.as_of
    )
    assert new == old and "C0009" in new
    days = sorted(status.loc[status["status"] == "lost", "last_purchase"].unique())
    _same_keys(
        key_clients_on_days(ws.transactions, ws.accounts, days),
        _key_clients_per_day(ws.transactions, ws.accounts, days),
    )


_IDS = [f"a{i}" for i in range(8)]
#: each example runs `key_clients` once per day (the reference): slow, more with --fuzz
LOST_EXAMPLES = 200 if os.environ.get("KAM_FUZZ") == "1" else 25


@st.composite
def _portfolio(draw):
    """Up to 8 accounts, groups (chains too), flags with unknowns, lines over three years
    (returns, lines without cost or revenue), sums exact in binary so that any order adds up
    the same."""
    parent = {a: draw(st.sampled_from([None, None, "G1", "G2", "a0"])) for a in _IDS}
    parent["a0"] = draw(st.sampled_from([None, "G2"]))
    flag = st.sampled_from([None, False, False, False, True])
    accounts = pd.DataFrame(
        {
            "account_id": _IDS,
            "parent_id": [parent[a] for a in _IDS],
            "image_maker": pd.array([draw(flag) for _ in _IDS], dtype="boolean"),
            "expert": pd.array([draw(flag) for _ in _IDS], dtype="boolean"),
        }
    )
    lines = draw(
        st.lists(
            st.tuples(
                st.sampled_from(_IDS),
                st.integers(0, 3 * 365),
                st.tuples(st.integers(0, 14), st.integers(-20, 400)).map(
                    lambda t: None if t[0] == 0 else t[1] / 4
                ),
                st.one_of(st.none(), st.integers(-40, 160).map(lambda v: v / 4)),
            ),
            min_size=1,
            max_size=60,
        )
    )
    tx = pd.DataFrame(lines, columns=["account_id", "day", "revenue", "gross_profit"])
    tx["date"] = pd.Timestamp("2023-01-01") + pd.to_timedelta(tx.pop("day"), unit="D")
    tx[["revenue", "gross_profit"]] = tx[["revenue", "gross_profit"]].astype("float64")
    months = draw(st.sampled_from([1, 3, 12]))
    return tx, accounts, months


@settings(max_examples=LOST_EXAMPLES, deadline=None)
@given(_portfolio())
def test_lost_key_accounts_equal_the_loop_per_day(portfolio):
    tx, accounts, months = portfolio
    as_of = tx["date"].max()
    status = client_status(tx, as_of=as_of, lost_after_days=60, min_gap_days=0)
    got = lost_key_accounts(tx, accounts, status=status, as_of=as_of, months=months)
    assert got == _lost_key_accounts_per_day(
        tx, accounts, status=status, as_of=as_of, months=months
    )
    days = sorted(set(tx["date"].sample(min(len(tx), 6), random_state=0)) | {as_of})
    _same_keys(
        key_clients_on_days(tx, accounts, days, months=months),
        _key_clients_per_day(tx, accounts, days, months=months),
    )
    _same_keys(
        key_clients_on_days(tx, None, days, months=months),
        _key_clients_per_day(tx, None, days, months=months),
    )


def test_key_clients_on_days_checks_like_key_clients():
    tx = _tx()
    assert key_clients_on_days(tx, days=[]).empty
    undated = tx.assign(date=tx["date"].where(tx.index != 0))
    with pytest.raises(InputError, match="1 line\\(s\\) without a date"):
        key_clients_on_days(undated, days=[AS_OF])
    with pytest.raises(InputError, match="without account id"):
        key_clients_on_days(
            tx.assign(account_id=tx["account_id"].where(tx.index != 0)), days=[AS_OF]
        )
    with pytest.raises(ArgumentError):
        key_clients_on_days(tx, days=[AS_OF], months=0)
    with pytest.raises(ArgumentError):
        key_clients_on_days(tx, days=[AS_OF], top_share=0)


def test_key_clients_on_a_day_before_the_data_is_nobody():
    # a window without a single line (a day before the first purchase) names no key client
    # instead of failing ("cannot convert float NaN to integer": integer sums of no lines)
    tx = pd.DataFrame(
        {
            "account_id": ["A", "B", "A"],
            "date": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-06-01"]),
            "revenue": [10.0, 20.0, 5.0],
        }
    )
    got = key_clients_on_days(tx, None, [pd.Timestamp("2023-01-01"), pd.Timestamp("2024-06-01")])
    assert got[["client_id", "reasons"]].values.tolist() == [["B", "top_clients"]]
    assert key_clients_on_days(tx, None, [pd.Timestamp("2022-01-01")]).empty

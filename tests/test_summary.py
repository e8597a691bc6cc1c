"""The account summary, the one plan-year target, and the cross-sell bound (issue 10, 1-2)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from kamlib.account.brief import meeting_brief
from kamlib.account.plan import cross_sell, development_plan
from kamlib.account.summary import ACT_ON_KINDS, account_summary
from kamlib.account.targets import plan_target, spread_target
from kamlib.errors import ArgumentError
from kamlib.words.account import (
    account_facts,
    act_on_table,
    summary_figures,
    summary_lines,
    target_sentence,
)

AS_OF = pd.Timestamp("2025-12-31")


def _tx():
    # previous window (2024): 1000 revenue, 400 GP; last window (2025): 1300 revenue, 500 GP
    return pd.DataFrame(
        {
            "account_id": ["A"] * 6,
            "product_id": ["p1", "p2", "p1", "p2", "p1", "p2"],
            "quantity": [10.0, 10.0, 10.0, 10.0, 5.0, 5.0],
            "revenue": [600.0, 400.0, 500.0, 300.0, 300.0, 200.0],
            "cost": [360.0, 240.0, 300.0, 180.0, 180.0, 140.0],
            "date": pd.to_datetime(
                ["2024-03-01", "2024-09-01", "2025-03-01", "2025-06-01", "2025-11-01", "2025-12-20"]
            ),
        }
    )


def _cts(amount_2025=100.0):
    return pd.DataFrame(
        {
            "account_id": ["A", "A"],
            "date": pd.to_datetime(["2024-06-30", "2025-06-30"]),
            "amount": [50.0, amount_2025],
        }
    )


# --- the figures -------------------------------------------------------------------------------


def test_figures_last_window_against_the_one_before():
    s = account_summary("A", transactions=_tx(), cost_to_serve=_cts(), as_of=AS_OF)
    f = s.figures
    assert f.loc["revenue", ["last", "previous"]].tolist() == [1300.0, 1000.0]
    assert f.loc["gross_profit", ["last", "previous"]].tolist() == [500.0, 400.0]
    assert f.loc["contribution", ["last", "previous"]].tolist() == [400.0, 350.0]
    assert f.loc["revenue", "change"] == pytest.approx(0.3)
    assert s.status == "growing"


def test_contribution_without_cost_data_is_not_known_never_zero():
    s = account_summary("A", transactions=_tx(), as_of=AS_OF)
    assert np.isnan(s.figures.loc["contribution", "last"])
    assert "no cost-to-serve table: contribution not known" in s.messages
    text = summary_figures(s)
    assert text.loc["Contribution after cost to serve"].tolist()[:2] == ["not known"] * 2


def test_status_loss_making_before_growing():
    s = account_summary("A", transactions=_tx(), cost_to_serve=_cts(600.0), as_of=AS_OF)
    assert s.status == "loss-making"
    assert "contribution after cost to serve -100" in summary_lines(s)[-1]


def test_status_lost_and_new():
    old = _tx().iloc[:2]
    assert account_summary("A", transactions=old, as_of=AS_OF).status == "lost"
    young = _tx().iloc[2:]
    assert account_summary("A", transactions=young, as_of=AS_OF).status == "new"


# --- act on -----------------------------------------------------------------------------------


def _tables():
    contacts = pd.DataFrame(
        {
            "contact_id": ["K1", "K2"],
            "account_id": ["A", "A"],
            "name": ["Ann Boss", "Bob Buyer"],
            "title": ["Managing Director", "Buyer"],
            "dmu_role": ["decision maker", "buyer"],
            "influence": [5, 3],
            "attitude": ["supporter", "neutral"],
            "last_contact": pd.to_datetime(["2025-08-01", "2025-12-01"]),
        }
    )
    actions = pd.DataFrame(
        {
            "action_id": ["X1", "X2"],
            "account_id": ["A", "A"],
            "description": ["Fix the complaint", "Send samples"],
            "due_date": pd.to_datetime(["2025-01-31", "2025-11-30"]),
            "status": ["open", "open"],
        }
    )
    tenders = pd.DataFrame(
        {
            "tender_id": ["T1"],
            "account_id": ["A"],
            "date": pd.to_datetime(["2026-03-31"]),
            "title": ["Supply 2026"],
            "value": [5000.0],
            "status": ["planned"],
        }
    )
    competitors = pd.DataFrame(
        {"account_id": ["A", "A"], "competitor": ["Rival", "Tiny"], "share_of_wallet": [0.25, 0.02]}
    )
    return {
        "contacts": contacts,
        "actions": actions,
        "tenders": tenders,
        "competitors": competitors,
    }


def test_act_on_ranked_with_numbers_and_dates():
    s = account_summary("A", transactions=_tx(), as_of=AS_OF, **_tables())
    a = s.act_on
    assert a["kind"].tolist() == ["tender", "decision maker", "overdue actions", "competitor"]
    assert a["rank"].tolist() == [1, 2, 3, 4]
    tender, boss, late, rival = (a.iloc[i] for i in range(4))
    assert tender["value"] == 5000.0 and tender["date"] == pd.Timestamp("2026-03-31")
    assert boss["subject"] == "Ann Boss" and boss["number"] == 152.0
    assert late["number"] == 2.0 and late["value"] == 334.0  # two overdue, oldest 334 days
    assert rival["subject"] == "Rival" and rival["number"] == 0.25  # "Tiny" (2 %) left out
    text = act_on_table(s)
    assert text.loc[2, "Act on"] == "Contact the decision maker, Ann Boss"
    assert text.loc[2, "Figure"] == "not contacted for 152 days"


def test_act_on_only_from_data_that_exists():
    s = account_summary("A", transactions=_tx(), as_of=AS_OF)
    assert s.act_on.empty
    assert set(s.act_on.columns) >= {"rank", "kind", "number", "value", "date"}
    one = account_summary("A", transactions=_tx(), as_of=AS_OF, max_items=1, **_tables())
    assert one.act_on["kind"].tolist() == ["tender"]
    assert set(ACT_ON_KINDS) >= set(
        account_summary("A", transactions=_tx(), as_of=AS_OF, **_tables()).act_on["kind"]
    )


def test_bad_arguments():
    with pytest.raises(ArgumentError):
        account_summary("A", transactions=_tx(), as_of=AS_OF, months=0)
    with pytest.raises(ArgumentError):
        account_summary("A", transactions=_tx(), as_of=AS_OF, max_items=0)
    with pytest.raises(ArgumentError):
        plan_target("A", transactions=_tx(), year=2026, growth=-1.0)


# --- one target --------------------------------------------------------------------------------


def test_plan_target_table_total_else_last_window_times_growth():
    t = pd.DataFrame(
        {
            "account_id": ["A", "A", "A"],
            "year": [2026, 2026, 2025],
            "revenue_target": [700.0, 800.0, 99.0],
            "period": ["Q1", "Q2", None],
        }
    )
    assert plan_target("A", transactions=_tx(), targets=t, year=2026, as_of=AS_OF) == (
        1500.0,
        "targets table",
    )
    assert plan_target("A", transactions=_tx(), targets=t, year=2027, as_of=AS_OF) == (
        1300.0,
        "computed",
    )
    value, source = plan_target("A", transactions=_tx(), year=2026, as_of=AS_OF, growth=0.1)
    assert value == pytest.approx(1430.0) and source == "computed"


def test_spread_target_adds_up_without_per_product_extrapolation():
    lines = spread_target("A", transactions=_tx(), target=1430.0, year=2026, as_of=AS_OF)
    assert lines["revenue_target"].sum() == pytest.approx(1430.0)
    assert lines["growth"].nunique() == 1 and set(lines["growth_source"]) == {"plan target"}


def test_brief_plan_and_summary_share_one_target():
    tables = _tables()
    brief = meeting_brief(
        "A", transactions=_tx(), products=None, meeting_date="2026-01-10", as_of=AS_OF, **tables
    )
    plan = development_plan("A", transactions=_tx(), as_of=AS_OF)
    assert brief.target == plan.target == brief.summary.target == pytest.approx(1300.0)
    assert plan.targets["revenue_target"].sum() == pytest.approx(plan.target)
    assert "from the targets table" not in target_sentence(brief.summary)


# --- words -------------------------------------------------------------------------------------


def test_account_facts_human_labels():
    info = pd.Series(
        {
            "account_id": "A",
            "name": "Alfa",
            "parent_id": np.nan,
            "image_maker": False,
            "expert": True,
            "revenue_total": 12652490.78,
            "since": pd.Timestamp("2012-10-05"),
        }
    )
    facts = account_facts(info)["Value"]
    assert "Part of group" not in facts.index  # empty parent left out
    assert facts["Image maker"] == "no" and facts["Expert"] == "yes"
    assert facts["Revenue, whole history"] == "12,652,491"
    assert facts["Client since"] == "2012-10-05"
    assert not any("_" in label for label in facts.index)


# --- the sample --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_tables(sample_workspace):
    ws = sample_workspace
    return ws, {
        t: getattr(ws, t)
        for t in (
            "transactions",
            "products",
            "accounts",
            "contacts",
            "meetings",
            "actions",
            "targets",
            "tenders",
            "competitors",
            "cost_to_serve",
        )
    }


def test_sample_c0027_one_2026_target(sample_tables):
    ws, tables = sample_tables
    brief = meeting_brief("C0027", meeting_date=ws.as_of, as_of=ws.as_of, **tables)
    plan = development_plan(
        "C0027",
        transactions=ws.transactions,
        products=ws.products,
        accounts=ws.accounts,
        targets=ws.targets,
        as_of=ws.as_of,
    )
    summary = brief.summary
    assert brief.plan_year == plan.plan_year == summary.plan_year == 2026
    assert brief.target == plan.target == summary.target == pytest.approx(4_796_900.0)
    assert brief.target_source == plan.target_source == "targets table"
    assert plan.targets["revenue_target"].sum() == pytest.approx(4_796_900.0)
    assert brief.our_expectations["revenue_target"].sum() == pytest.approx(4_796_900.0)
    # the summary: contribution after cost to serve, and what to act on
    assert summary.figures.loc["contribution", "last"] == pytest.approx(1_626_378.82)
    kinds = summary.act_on["kind"].tolist()
    assert kinds[:3] == ["tender", "decision maker", "overdue actions"]
    assert summary.act_on.iloc[1]["number"] == 114.0
    assert summary.act_on.iloc[2]["value"] == 375.0


def test_sample_statuses(sample_tables):
    ws, tables = sample_tables
    loss = meeting_brief("C0112", meeting_date=ws.as_of, as_of=ws.as_of, **tables).summary
    assert loss.status == "loss-making"
    assert loss.figures.loc["contribution", "last"] == pytest.approx(-78_016.55)
    assert "-78,017" in summary_lines(loss)[-1]
    # a loss-maker's act-on list puts the repair first: prices to the floor, the cost to serve
    # (gross profit 70,908.07 less contribution -78,016.55 = 148,924.62), then the rest
    assert loss.act_on["kind"].tolist()[:3] == ["below floor", "cost to serve", "tender"]
    assert loss.act_on.iloc[1]["value"] == pytest.approx(148_924.62)
    lost = meeting_brief("C0009", meeting_date=ws.as_of, as_of=ws.as_of, **tables).summary
    assert lost.status == "lost"
    # a lost account's list is a win-back list: from the competitor that took it, then the
    # way back in; prices, payment terms and the cost to serve of a live account are left out
    kinds = lost.act_on["kind"].tolist()
    assert kinds[0] == "win back" and lost.act_on.iloc[0]["subject"] == "NordSupply AG"
    assert lost.act_on.iloc[0]["number"] == 308  # days without a purchase
    assert not {"below floor", "capital cost", "cost to serve", "competitor"} & set(kinds)


def test_sample_c0027_cross_sell_new_products_within_room(sample_tables):
    ws, _ = sample_tables
    tx = ws.transactions
    out = cross_sell(
        "C0027", transactions=tx, accounts=ws.accounts, products=ws.products, as_of=ws.as_of
    )
    bought = set(
        tx.loc[
            (tx["account_id"] == "C0027") & (tx["date"] > "2024-12-31") & (tx["date"] <= ws.as_of),
            "product_id",
        ]
    )
    assert not set(out["product_id"]) & bought
    revenue = tx.loc[(tx["account_id"] == "C0027") & (tx["date"] > "2024-12-31"), "revenue"].sum()
    # potential budget 4,278,000 is below the revenue: the stated cap, 10 % of revenue
    assert out.attrs["room_basis"] == "cap"
    assert out["estimated_value"].sum() <= 0.10 * revenue


def test_sample_summary_words_are_plain(sample_tables):
    ws, tables = sample_tables
    s = meeting_brief("C0027", meeting_date=ws.as_of, as_of=ws.as_of, **tables).summary
    texts = [
        *summary_lines(s),
        target_sentence(s),
        *act_on_table(s).to_numpy().ravel().tolist(),
        *summary_figures(s).to_numpy().ravel().tolist(),
    ]
    joined = " ".join(texts)
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", joined)  # no snake_case
    assert "True" not in joined and "False" not in joined and "nan" not in joined
    assert "Our revenue target for 2026: 4,796,900 (from the targets table)." in texts

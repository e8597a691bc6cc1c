"""Conclusions in words: every sentence survives empty inputs, and its numbers add up.

Each function's doctest shows a worked example; here: the empty frames a workspace without some
table produces (a sentence, never an exception), and properties over many inputs.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamlib import words
from kamlib.errors import ArgumentError
from kamlib.portfolio.abcxyz import abc_xyz_matrix
from kamlib.portfolio.profitability import whale_curve

SETTINGS = settings(max_examples=60, deadline=None)


def _empty(*columns: str) -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in columns})


EMPTY_CASES = {
    "key_clients": lambda: words.key_clients_sentence(
        _empty("client_id", "revenue_share", "gp_share", "reasons")
    ),
    "criteria": lambda: words.criteria_sentence(_empty("client_id", "criterion", "met")),
    "pareto": lambda: words.pareto_sentence(_empty("revenue", "cum_revenue_share")),
    "whale": lambda: words.whale_sentence(whale_curve(_empty("contribution"))),
    "loss_makers": lambda: words.loss_makers_sentence(_empty("revenue", "contribution")),
    "abc_cross": lambda: words.abc_cross_sentence(
        _empty("revenue_abc", "profit_abc", "clients", "revenue_share")
    ),
    "losses": lambda: words.losses_sentence(
        pd.DataFrame({"region": [], "clients": [], "annual_value": []})
    ),
    "win_back": lambda: words.win_back_sentence(_empty("name", "status", "annual_value")),
    "competitiveness": lambda: words.competitiveness_sentence(
        _empty("date", "competitiveness", "change")
    ),
    "prospects": lambda: words.prospects_sentence(_empty("name", "qualified", "missing")),
    "abc_xyz": lambda: words.abc_xyz_sentence(abc_xyz_matrix(_empty("abc", "xyz", "total"))),
    "financial": lambda: words.financial_sentence(_empty("year", "revenue", "margin")),
    "product_mix": lambda: words.product_mix_sentence(_empty("year", "category", "revenue")),
    "coverage": lambda: words.coverage_sentence(_empty("check", "ok", "finding")),
    "share_of_wallet": lambda: words.share_of_wallet_sentence(
        pd.Series({"by_budget": np.nan, "by_competitors": np.nan})
    ),
    "actions": lambda: words.actions_sentence(_empty("state", "days_overdue")),
    "tenders": lambda: words.tenders_sentence(_empty("title", "date", "value", "window")),
    "baseline": lambda: words.baseline_sentence(_empty("product_id", "revenue_last")),
    "targets": lambda: words.targets_sentence(_empty("year", "base_revenue", "revenue_target")),
    "seasonality": lambda: words.seasonality_sentence(_empty("period", "share", "basis")),
    "cross_sell": lambda: words.cross_sell_sentence(_empty("product_id", "estimated_value")),
    "budget": lambda: words.budget_sentence(_empty("contact_type", "contacts", "budget")),
    "plan_vs_actual": lambda: words.plan_vs_actual_sentence(_empty("year", "revenue_target")),
    "settings": lambda: words.settings_sentence({}),
    "notes": lambda: words.notes_sentence(),
}


@pytest.mark.parametrize("case", sorted(EMPTY_CASES))
def test_empty_inputs_give_a_sentence(case):
    sentence = EMPTY_CASES[case]()
    assert isinstance(sentence, str) and sentence[:1].isupper() and sentence.endswith(".")


def test_every_public_function_is_covered_here_or_by_a_property():
    covered = {f"{c}_sentence" for c in EMPTY_CASES} | {
        "status_sentence",
        "types_sentence",
        "migration_sentence",
        "reclassified_sentence",
        "quadrants_sentence",
        "proposal_sentence",
    }
    covered |= {"dependence_sentences", "dependence_table", "whale_peak_sentence"}  # doctests
    covered |= {"key_clients_table", "key_risks_table", "quadrants_table", "win_back_table"}
    covered |= {
        "glance_table",
        "timeline_table",
        "plan_table",
    }  # doctests and tests/test_notebooks.py
    covered |= {"conventions_sentence"}  # tests/test_parameters.py
    covered |= {  # tests/test_service.py, test_payments.py, test_contracts.py, test_deals.py
        "beyond_act_on_lines",
        "capital_sentence",
        "contracts_sentence",
        "key_risks_sentence",
        "not_known_sentence",
        "payment_sentence",
        "pipeline_sentence",
        "plan_pipeline_sentence",
        "renewals_sentence",
        "service_loss_sentence",
        "service_sentence",
    }
    covered |= {
        "missing_data_sentence",
        "missing_data_lines",
        "missing_data_table",
    }  # below, doctest
    helpers = {
        "cell_text",
        "client_title",
        "column_kind",
        "column_label",
        "cost_coverage",
        "cost_known",
        "date_text",
        "if_recorded",
        "missing_data",
        "window_label",
    }
    sentences = {name for name in words.__all__ if name != "portfolio_summary"} - helpers
    assert sentences <= covered
    assert all(name.endswith(("_sentence", "_sentences", "_table", "_lines")) for name in sentences)


@SETTINGS
@given(st.lists(st.sampled_from(["active", "at_risk", "lost"]), min_size=1, max_size=30))
def test_status_counts_add_up(statuses):
    status = pd.DataFrame({"status": statuses, "annual_value": 1.0})
    numbers = re.match(
        r"Of (\d+) clients: (\d+) active, (\d+) at risk, (\d+) lost", words.status_sentence(status)
    )
    total, *parts = map(int, numbers.groups())
    assert total == len(statuses) == sum(parts)


@SETTINGS
@given(
    st.lists(st.floats(1.0, 1e6), min_size=1, max_size=40),
    st.floats(0.05, 1.0),
)
def test_pareto_names_the_fewest_clients_that_reach_the_mark(values, mark):
    revenue = pd.Series(sorted(values, reverse=True))
    shares = pd.DataFrame(
        {"revenue": revenue, "cum_revenue_share": revenue.cumsum() / revenue.sum()}
    )
    n = int(re.match(r"(\d+) of", words.pareto_sentence(shares, mark=mark)).group(1))
    cum = shares["cum_revenue_share"]
    assert cum.iloc[n - 1] >= mark - 1e-9 or n == len(cum)
    assert n == 1 or cum.iloc[n - 2] < mark - 1e-9


@SETTINGS
@given(st.lists(st.integers(0, 9), min_size=16, max_size=16))
def test_migration_moves_add_up(counts):
    # rows A, B, C, new; columns A, B, C, lost (new -> lost cannot happen)
    m = pd.DataFrame(
        np.array(counts).reshape(4, 4),
        index=pd.Index(list("ABC") + ["new"]),
        columns=pd.Index(list("ABC") + ["lost"]),
    )
    m.loc["new", "lost"] = 0
    text = words.migration_sentence(m)
    pattern = r"(\d+) clients kept their class, (\d+) moved up, (\d+) moved down; (\d+) new, (\d+)"
    kept, up, down, new, lost = map(int, re.match(pattern, text).groups())
    assert kept + up + down + new + lost == m.to_numpy().sum()
    assert up == m.loc["B", "A"] + m.loc["C", "A"] + m.loc["C", "B"]


def test_reclassified_and_quadrants_and_types_on_small_frames():
    a = pd.DataFrame({"account_id": ["x", "y"], "cell": ["AX", "BY"]})
    assert words.reclassified_sentence(a, a, label="the same") == (
        "With the same, 0 of 2 clients change cell."
    )
    q = pd.DataFrame({"quadrant": ["not placed"]})
    assert words.quadrants_sentence(q) == "No client placed on the 2x2 (1 with a value missing)."
    types = pd.DataFrame(
        {
            "client_id": ["a"],
            "gp_share": [0.05],
            "breadwinner": [False],
            "perspective": [False],
            "image_maker": [pd.NA],
            "expert": [pd.NA],
            "perspective_reason": [""],
        }
    )
    assert words.types_sentence(types).startswith("No breadwinner")


def test_names_come_from_the_accounts_table_and_stay_plain_text():
    losers = pd.DataFrame(
        {"revenue": [100.0], "contribution": [-5.0]}, index=pd.Index(["C1"], name="account_id")
    )
    accounts = pd.DataFrame({"account_id": ["C1"], "name": ["<b>Acme</b> & Co"]})
    sentence = words.loss_makers_sentence(losers, accounts)
    assert "<b>Acme</b> & Co (C1)" in sentence  # escaping is report.paragraph's job
    assert words.loss_makers_sentence(losers).startswith("1 large client loses money: C1,")


# ------------------------------------------------------------------ unknown is not none (issue 10)


def test_without_cost_data_sentences_say_what_cannot_be_computed():
    types = pd.DataFrame(
        {
            "client_id": ["a", "b"],
            "revenue": [10.0, 5.0],
            "gp_share": [np.nan, np.nan],
            "breadwinner": [False, False],
            "perspective": [False, False],
            "image_maker": [False, False],
            "expert": [pd.NA, pd.NA],
            "perspective_reason": ["", ""],
        }
    )
    text = words.types_sentence(types)
    assert text.startswith("Breadwinners cannot be named: no cost data")
    assert "No breadwinner" not in text
    losers = pd.DataFrame({"revenue": [], "contribution": []})
    assert words.loss_makers_sentence(losers, cost_known=False).startswith(
        "Loss-makers cannot be found: no cost data"
    )
    cross = pd.DataFrame(
        {"revenue_abc": ["A"], "profit_abc": ["unknown"], "clients": [1169], "revenue_share": [0.8]}
    )
    text = words.abc_cross_sentence(cross)
    assert "1169 unknown" not in text and "cannot be compared" in text
    key = pd.DataFrame(
        {
            "client_id": ["a"],
            "revenue_share": [0.5],
            "gp_share": [np.nan],
            "reasons": ["top_clients"],
        }
    )
    assert "unknown" not in words.key_clients_sentence(key)


def test_partly_unknown_profit_is_counted_not_hidden():
    cross = pd.DataFrame(
        {
            "revenue_abc": ["A", "A", "A"],
            "profit_abc": ["A", "B", "unknown"],
            "clients": [3, 1, 2],
            "revenue_share": [0.5, 0.1, 0.1],
        }
    )
    text = words.abc_cross_sentence(cross)
    assert text.startswith("1 of 4 revenue-A clients are not profit-A")
    assert "unknown (no cost data) for 2 more" in text


def test_missing_data_sentence_names_the_unlocking_column():
    tx = pd.DataFrame({"account_id": ["a"], "revenue": [10.0], "gross_profit": [np.nan]})
    text = words.missing_data_sentence(transactions=tx, tables=["transactions"])
    assert text == (
        "Not known for lack of data: no cost data (gross profit, contribution, breadwinners "
        "and loss-makers need a cost or gross_profit column); no cost-to-serve table "
        "(contribution after cost to serve not known; the client P&L ranks clients on gross "
        "profit until a cost_to_serve table gives the cost of serving each client)."
    )
    full = tx.assign(gross_profit=[4.0])
    assert (
        words.missing_data_sentence(transactions=full, tables=["transactions", "cost_to_serve"])
        == "Every figure of this report could be computed from the data."
    )
    # a report says nothing when nothing is missing, and the sentence once when something is
    assert (
        words.missing_data_lines(transactions=full, tables=["transactions", "cost_to_serve"]) == []
    )
    assert words.missing_data_lines(transactions=tx, tables=["transactions"]) == [text]
    partly = pd.DataFrame({"revenue": [30.0, 10.0], "gross_profit": [5.0, np.nan]})
    assert "lines worth 25.0 % of revenue" in words.missing_data_sentence(
        transactions=partly, tables=["cost_to_serve"]
    )
    with pytest.raises(ArgumentError):
        words.missing_data()

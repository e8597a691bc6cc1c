"""Development plan: baseline, targets, stages, cross-sell, contact plan, plan vs actual."""

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

import kamlib
from kamlib.account.contacts import contact_budget, contact_cadence, contact_plan
from kamlib.account.plan import cross_sell, development_plan
from kamlib.account.targets import baseline as plan_baseline
from kamlib.account.targets import (
    next_year_targets,
    plan_vs_actual,
    seasonality,
    stage_targets,
)
from kamlib.errors import ArgumentError, InputError
from kamlib.report.spreadsheet import export_targets

AS_OF = "2025-12-31"


def _tx():
    # account A: p1 grows 100 -> 120, p2 falls 100 -> 40, p3 is new (40); 200 -> 200 in total.
    # B, C (same industry as A) and D (other industry) are the peers for cross-sell.
    rows = [
        ("A", "2024-03-10", "p1", "North", 10.0, 100.0),
        ("A", "2024-09-01", "p2", "North", 5.0, 100.0),
        ("A", "2025-03-10", "p1", "North", 12.0, 120.0),
        ("A", "2025-09-01", "p2", "North", 2.0, 40.0),
        ("A", "2025-06-01", "p3", "North", 1.0, 40.0),
        ("B", "2025-04-01", "p1", "South", 3.0, 30.0),
        ("B", "2025-04-01", "p4", "South", 3.0, 30.0),
        ("C", "2025-05-01", "p4", "South", 5.0, 50.0),
        ("C", "2025-05-01", "p5", "South", 1.0, 10.0),
        ("D", "2025-05-01", "p6", "East", 2.0, 200.0),
    ]
    frame = pd.DataFrame(
        rows, columns=["account_id", "date", "product_id", "region", "quantity", "revenue"]
    )
    return frame.assign(date=pd.to_datetime(frame["date"]).astype("datetime64[us]"))


def _products():
    return pd.DataFrame(
        {
            "product_id": ["p1", "p2", "p3", "p4", "p5", "p6"],
            "name": ["Pump S", "Pump L", "Valve", "Seal", "Gasket", "Steel"],
            "category": ["Pumps", "Pumps", "Valves", "Seals", "Seals", "Metal"],
        }
    )


def _accounts():
    return pd.DataFrame(
        {
            "account_id": ["A", "B", "C", "D"],
            "industry": ["Food", "Food", "Food", "Steel"],
            "potential_budget": [10_000.0, None, None, None],
        }
    )


# --- baseline ----------------------------------------------------------------------------------


def test_baseline_by_product_and_region():
    out = plan_baseline("A", transactions=_tx(), as_of=AS_OF)
    assert out["product_id"].tolist() == ["p1", "p2", "p3"]
    assert out["region"].tolist() == ["North"] * 3
    assert out["revenue_previous"].tolist() == [100.0, 100.0, 0.0]
    assert out["revenue_last"].tolist() == [120.0, 40.0, 40.0]
    assert out["revenue_change"].tolist() == [20.0, -60.0, 40.0]
    assert out["revenue_change_pct"].iloc[:2].tolist() == pytest.approx([0.2, -0.6])
    assert np.isnan(out["revenue_change_pct"].iloc[2])
    assert out["quantity_last"].tolist() == [12.0, 2.0, 1.0]


def test_baseline_by_category_reconciles_with_transactions():
    tx = _tx()
    out = plan_baseline("A", transactions=tx, products=_products(), by="category", as_of=AS_OF)
    assert out.set_index("category")["revenue_last"].to_dict() == {"Pumps": 160.0, "Valves": 40.0}
    last_year = tx[(tx["account_id"] == "A") & (tx["date"] > "2024-12-31")]
    assert out["revenue_last"].sum() == last_year["revenue"].sum()


def test_baseline_of_an_account_without_sales_is_empty():
    out = plan_baseline("Z", transactions=_tx(), as_of=AS_OF)
    assert out.empty and "revenue_last" in out.columns


def test_baseline_keeps_missing_keys():
    tx = _tx()
    tx.loc[0, "product_id"] = np.nan
    out = plan_baseline("A", transactions=tx, as_of=AS_OF)
    assert out["revenue_previous"].sum() == 200.0  # the line without a product is not dropped


def test_bad_level_is_named():
    with pytest.raises(ArgumentError, match="`by`"):
        plan_baseline("A", transactions=_tx(), by="colour", as_of=AS_OF)
    with pytest.raises(InputError, match="revenue"):
        plan_baseline("A", transactions=_tx().drop(columns="revenue"), as_of=AS_OF)


# --- targets -----------------------------------------------------------------------------------


def test_targets_state_their_growth_assumptions():
    out = next_year_targets("A", transactions=_tx(), products=_products(), as_of=AS_OF).set_index(
        "product_id"
    )
    assert out["year"].tolist() == [2026] * 3
    assert (
        out.loc["p1", "growth"] == pytest.approx(0.2)
        and out.loc["p1", "growth_source"] == "history"
    )
    assert out.loc["p1", "revenue_target"] == pytest.approx(144.0)
    assert out.loc["p1", "quantity_target"] == pytest.approx(14.4)
    # p2 fell 60 %: history is clipped to the lower bound -50 %
    assert out.loc["p2", "history_growth"] == pytest.approx(-0.6)
    assert out.loc["p2", "growth"] == -0.5 and out.loc["p2", "revenue_target"] == pytest.approx(
        20.0
    )
    # p3 is new: the account's growth (200 -> 200 = 0 %) is used
    assert (
        out.loc["p3", "growth_source"] == "account history"
        and out.loc["p3", "revenue_target"] == 40.0
    )
    assert out.loc["p1", "category"] == "Pumps"


def test_targets_overrides_and_one_rate_for_all():
    out = next_year_targets("A", transactions=_tx(), as_of=AS_OF, growth={"p3": 0.5}).set_index(
        "product_id"
    )
    assert out.loc["p3", "growth_source"] == "override"
    assert out.loc["p3", "revenue_target"] == pytest.approx(60.0)
    assert out.loc["p1", "growth_source"] == "history"
    flat = next_year_targets("A", transactions=_tx(), as_of=AS_OF, growth=0.1, plan_year=2027)
    assert set(flat["growth_source"]) == {"given"} and set(flat["year"]) == {2027}
    assert flat["revenue_target"].sum() == pytest.approx(220.0)


def test_targets_by_category():
    out = next_year_targets(
        "A", transactions=_tx(), products=_products(), as_of=AS_OF, by="category"
    )
    assert out.set_index("category")["revenue_target"].to_dict() == pytest.approx(
        {"Pumps": 128.0, "Valves": 40.0}
    )
    assert out["product_id"].isna().all()


def test_targets_bounds_are_checked():
    with pytest.raises(ArgumentError, match="`growth_bounds`"):
        next_year_targets("A", transactions=_tx(), as_of=AS_OF, growth_bounds=(0.5, -0.5))


# --- seasonality and stages --------------------------------------------------------------------


def test_seasonality_shares_by_quarter():
    out = seasonality("A", transactions=_tx(), as_of=AS_OF)
    # Q1 100+120, Q2 40, Q3 100+40, Q4 nothing; 400 in total
    assert out["period"].tolist() == ["Q1", "Q2", "Q3", "Q4"]
    assert out["revenue"].tolist() == [220.0, 40.0, 140.0, 0.0]
    assert out["share"].tolist() == pytest.approx([0.55, 0.10, 0.35, 0.0])
    assert set(out["basis"]) == {"history"}


def test_seasonality_without_history_is_equal():
    out = seasonality("Z", transactions=_tx(), freq="M", as_of=AS_OF)
    assert len(out) == 12 and out["share"].tolist() == pytest.approx([1 / 12] * 12)
    assert set(out["basis"]) == {"equal"} and out["period"].iloc[0] == "M01"


def test_stage_targets_follow_the_seasonality_and_keep_set_periods():
    targets = pd.DataFrame(
        {
            "account_id": ["A", "A"],
            "year": [2026, 2026],
            "revenue_target": [1000.0, 70.0],
            "period": [None, "Q2"],
        }
    )
    out = stage_targets(targets, transactions=_tx(), as_of=AS_OF)
    assert out["period"].tolist() == ["Q1", "Q2", "Q3", "Q4", "Q2"]
    assert out["revenue_target"].tolist() == pytest.approx([550.0, 100.0, 350.0, 0.0, 70.0])
    assert out["year"].dtype == "Int64" and out["share"].iloc[-1] == 1.0


@settings(max_examples=50, deadline=None)
@given(
    revenues=st.lists(st.floats(-50, 1000, allow_nan=False), min_size=1, max_size=8),
    months=st.lists(st.integers(1, 12), min_size=8, max_size=8),
    target=st.floats(0, 1e6, allow_nan=False),
    freq=st.sampled_from(["Q", "M"]),
)
def test_stages_add_up_to_the_annual_target(revenues, months, target, freq):
    tx = pd.DataFrame(
        {
            "account_id": "A",
            "revenue": revenues,
            "date": pd.to_datetime([f"2025-{m:02d}-15" for m in months[: len(revenues)]]),
        }
    )
    targets = pd.DataFrame({"account_id": ["A"], "year": [2026], "revenue_target": [target]})
    out = stage_targets(targets, transactions=tx, freq=freq, as_of=AS_OF)
    assert len(out) == (4 if freq == "Q" else 12)
    assert (out["revenue_target"] >= 0).all()
    assert out["revenue_target"].sum() == pytest.approx(target, rel=1e-9, abs=1e-6)


# --- cross-sell --------------------------------------------------------------------------------


def test_cross_sell_by_industry():
    out = cross_sell(
        "A",
        transactions=_tx(),
        accounts=_accounts(),
        products=_products(),
        as_of=AS_OF,
        min_peers_buying=1,
    )
    # peers B and C; A already buys p1; p4: both peers (30, 50), p5: one of two (10)
    assert out["product_id"].tolist() == ["p4", "p5"]
    assert out["name"].tolist() == ["Seal", "Gasket"]
    assert out["peers"].tolist() == [2, 2]
    assert out["peers_buying"].tolist() == [2, 1]
    assert out["penetration"].tolist() == [1.0, 0.5]
    assert out["median_peer_revenue"].tolist() == [40.0, 10.0]
    assert out["estimated_value"].tolist() == [40.0, 5.0]


def test_cross_sell_by_class():
    classes = pd.Series({"A": "A", "B": "B", "C": "A", "D": "A"})
    out = cross_sell(
        "A",
        transactions=_tx(),
        similar_by="class",
        classes=classes,
        as_of=AS_OF,
        min_peers_buying=1,
        cap_share=10.0,
    )
    # peers C and D: p6 (200) by one of two, p4 (50), p5 (10)
    assert out["product_id"].tolist() == ["p6", "p4", "p5"]
    assert out["estimated_value"].tolist() == [100.0, 25.0, 5.0]


def test_cross_sell_never_discloses_one_or_two_peers_purchases():
    """By default a product needs 3 buying peers: a median of 1-2 clients is their own revenue."""
    out = cross_sell(
        "A", transactions=_tx(), accounts=_accounts(), products=_products(), as_of=AS_OF
    )
    assert out.empty
    two = cross_sell("A", transactions=_tx(), accounts=_accounts(), as_of=AS_OF, min_peers_buying=2)
    assert two["product_id"].tolist() == ["p4"]


def test_cross_sell_degrades_to_empty():
    assert cross_sell("A", transactions=_tx(), accounts=None, as_of=AS_OF).empty
    no_industry = _accounts().assign(industry=[None, "Food", "Food", "Steel"])
    assert cross_sell("A", transactions=_tx(), accounts=no_industry, as_of=AS_OF).empty
    with pytest.raises(ArgumentError, match="`classes`"):
        cross_sell("A", transactions=_tx(), similar_by="class", as_of=AS_OF)
    with pytest.raises(ArgumentError, match="`similar_by`"):
        cross_sell("A", transactions=_tx(), similar_by="size", as_of=AS_OF)


# --- contact plan ------------------------------------------------------------------------------


def test_contact_cadence_per_class_and_key_type():
    out = contact_cadence("AX", key_types=["breadwinner", "perspective"]).set_index("contact_type")
    assert out["per_year"].to_dict() == {
        "annual_meeting": 1,
        "visit": 6,
        "call": 12,
        "executive_meeting": 2,
    }
    assert out.loc["visit", "source"] == "class A; perspective"
    over = contact_cadence("AX", cadence={"call": 0, "workshop": 1}).set_index("contact_type")
    assert "call" not in over.index and over.loc["workshop", "source"] == "override"
    assert contact_cadence(None)["source"].iloc[0] == "class B (default)"


def test_contact_plan_dates_and_budget():
    plan = contact_plan(year=2026, cell="AX", account_id="A")
    assert len(plan) == 17  # 1 annual meeting + 4 visits + 12 calls
    assert (plan["date"].dt.year == 2026).all() and (plan["date"].dt.day_of_week < 5).all()
    calls = plan[plan["contact_type"] == "call"]
    assert sorted(calls["date"].dt.month) == list(range(1, 13))
    meeting = plan.loc[plan["contact_type"] == "annual_meeting", "date"]
    assert meeting.tolist() == [pd.Timestamp("2026-07-02")]  # day 182 of 365, a Thursday
    budget = contact_budget(plan).set_index("contact_type")
    assert budget.loc["total", "budget"] == 1500 + 4 * 400 + 12 * 25
    assert budget.loc["total", "contacts"] == 17
    assert set(plan["account_id"]) == {"A"}


def test_contact_plan_moves_off_holidays_and_takes_costs():
    plan = contact_plan(
        year=2026, cell="AX", holidays=["2026-07-02"], costs={"annual_meeting": 99.0}
    )
    meeting = plan[plan["contact_type"] == "annual_meeting"]
    assert meeting["date"].tolist() == [pd.Timestamp("2026-07-03")] and meeting[
        "cost"
    ].tolist() == [99.0]


def test_contact_plan_errors_name_the_parameter():
    with pytest.raises(ArgumentError, match="`costs`"):
        contact_plan(year=2026, cadence={"dinner": 2})
    with pytest.raises(ArgumentError, match="`cell`"):
        contact_plan(year=2026, cell="DX")
    with pytest.raises(ArgumentError, match="`key_types`"):
        contact_plan(year=2026, key_types=["friend"])


# --- plan vs actual ----------------------------------------------------------------------------


def _targets():
    return pd.DataFrame(
        {
            "account_id": ["A", "A", "A", "A", "A", "A"],
            "year": [2025, 2025, 2025, 2025, 2025, 2026],
            "revenue_target": [500.0, 100.0, 50.0, 80.0, 100.0, 90.0],
            "product_id": [None, None, "p2", None, None, None],
            "category": [None, "Pumps", None, None, None, None],
            "region": [None, None, None, "South", None, None],
            "period": [None, "Q1", "Q3", None, "M03", "Q1"],
        }
    )


def test_plan_vs_actual_by_scope_and_period():
    out = plan_vs_actual(_targets(), transactions=_tx(), products=_products(), as_of=AS_OF)
    # 2025: all of A = 200; Pumps in Q1 = 120; p2 in Q3 = 40; South = 0; March = 120; 2026 Q1 = 0
    assert out["actual"].tolist() == [200.0, 120.0, 40.0, 0.0, 120.0, 0.0]
    assert out["attainment"].tolist() == pytest.approx([0.4, 1.2, 0.8, 0.0, 1.2, 0.0])
    assert out["variance"].tolist() == [-300.0, 20.0, -10.0, -80.0, 20.0, -90.0]
    assert out["status"].tolist() == ["complete"] * 5 + ["not started"]
    assert out["period_start"].iloc[1] == pd.Timestamp("2025-01-01")
    assert out["period_end"].iloc[1] == pd.Timestamp("2025-04-01")


def test_plan_vs_actual_while_the_year_runs():
    out = plan_vs_actual(_targets().iloc[:1], transactions=_tx(), as_of="2025-08-15")
    assert out["status"].tolist() == ["running"]
    assert out["actual"].tolist() == [160.0]  # Sep line not yet
    assert out["elapsed"].iloc[0] == pytest.approx(227 / 365)
    assert out["expected_to_date"].iloc[0] == pytest.approx(500 * 227 / 365)


def test_plan_vs_actual_category_without_products_is_unknown():
    out = plan_vs_actual(_targets(), transactions=_tx(), as_of=AS_OF)
    assert np.isnan(out["actual"].iloc[1]) and out["actual"].iloc[0] == 200.0


def test_plan_vs_actual_rejects_bad_periods():
    bad = _targets().assign(period=["H1", None, None, None, None, None])
    with pytest.raises(InputError, match="bad-period"):
        plan_vs_actual(bad, transactions=_tx(), as_of=AS_OF)


# --- the whole plan ----------------------------------------------------------------------------


def test_development_plan_assembles_every_part(tmp_path):
    tx, products, accounts, targets = _tx(), _products(), _accounts(), _targets()
    copies = [f.copy() for f in (tx, products, accounts, targets)]
    plan = development_plan(
        "A",
        transactions=tx,
        products=products,
        accounts=accounts,
        targets=targets,
        as_of=AS_OF,
        cell="AX",
        key_types=["breadwinner"],
        min_peers_buying=1,
    )
    for before, after in zip(copies, (tx, products, accounts, targets), strict=True):
        assert_frame_equal(before, after)  # inputs untouched
    assert plan.plan_year == 2026 and plan.messages == ()
    assert plan.stages["revenue_target"].sum() == pytest.approx(
        plan.targets["revenue_target"].sum()
    )
    assert plan.cross_sell["product_id"].tolist() == ["p4", "p5"]
    assert plan.budget["budget"].iloc[-1] == 3400.0 + 2 * 1000.0
    assert len(plan.plan_vs_actual) == 6
    assert plan.parameters["growth_bounds"] == (-0.5, 0.5)
    path = export_targets(plan.stages, tmp_path / "targets.csv")
    back = pd.read_csv(path)
    assert back["revenue_target"].sum() == pytest.approx(plan.targets["revenue_target"].sum())
    assert len(back) == 12 and set(back["period"]) == {"Q1", "Q2", "Q3", "Q4"}


def test_development_plan_degrades_with_messages():
    plan = development_plan("A", transactions=_tx(), as_of=AS_OF, similar_by="class")
    assert plan.messages == (
        "no products table: categories unknown",
        "no classes given: cross-sell by class skipped",
        "no ABC-XYZ cell given: contact plan uses class B's cadence",
        "no targets table: plan vs actual skipped",
    )
    assert plan.cross_sell.empty and plan.plan_vs_actual.empty
    assert len(plan.contacts) == 9


# --- plots -------------------------------------------------------------------------------------


def test_plot_plan_vs_actual_bars_and_literal_labels():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kamlib.plots.plan import plot_plan_vs_actual

    pva = plan_vs_actual(_targets().iloc[:3], transactions=_tx(), products=_products(), as_of=AS_OF)
    pva = pva.assign(category=["$\\x$ Pumps", "Pumps", None])
    fig, ax = plt.subplots()
    assert plot_plan_vs_actual(pva, ax=ax) is ax
    heights = [float(p.get_height()) for p in ax.patches]
    assert heights == [500.0, 100.0, 50.0, 200.0, 120.0, 40.0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["2025 year $\\x$ Pumps", "2025 Q1 Pumps", "2025 Q3 p2"]
    fig.canvas.draw()  # literal text: no mathtext error
    plt.close(fig)


def test_plot_what_if_marks_prices_below_the_floor():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kamlib.account.pricing import what_if
    from kamlib.plots.plan import plot_what_if

    table = what_if(15.0, 10.0, 100.0, discounts=[0.0, 0.1, 0.25, 0.4])
    fig = plt.figure()
    ax = plot_what_if(table)
    assert ax is fig.gca()
    assert ax.lines[0].get_xdata().tolist() == pytest.approx([0.0, 10.0, 25.0])  # 40 %: infeasible
    assert ax.lines[1].get_xdata().tolist() == pytest.approx([25.0])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["below the price floor"]
    plt.close(fig)


# --- the sample portfolio ----------------------------------------------------------------------

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
SAMPLE_ACCOUNTS = ["C0027", "C0112", "C0009"]  # breadwinner, loss-making, lost (data/README.md)


@pytest.fixture(scope="module")
def sample():
    if not (SAMPLE / "transactions.csv").is_file():
        pytest.skip("data/sample is not generated")
    return kamlib.load_workspace(SAMPLE)


@pytest.mark.parametrize("account", SAMPLE_ACCOUNTS)
def test_sample_plan_reconciles_and_exports(sample, tmp_path, account):
    plan = development_plan(
        account,
        transactions=sample.transactions,
        products=sample.products,
        accounts=sample.accounts,
        targets=sample.targets,
        as_of=sample.as_of,
        by="category",
        cell="AX",
    )
    tx = sample.transactions[sample.transactions["account_id"] == account]
    last = tx[tx["date"] > pd.Timestamp("2024-12-31")]
    assert plan.baseline["revenue_last"].sum() == pytest.approx(last["revenue"].sum())
    assert plan.stages["revenue_target"].sum() == pytest.approx(
        plan.targets["revenue_target"].sum()
    )
    assert (plan.targets["growth"].between(-0.5, 0.5)).all()
    own = sample.targets[sample.targets["account_id"] == account]
    assert len(plan.plan_vs_actual) == len(own)
    # the staged targets load back through the loader as the next year's targets table
    shutil.copy(SAMPLE / "transactions.csv", tmp_path / "transactions.csv")
    export_targets(plan.stages, tmp_path / "targets.csv")
    back = kamlib.load_workspace(tmp_path).targets
    assert back["year"].dtype == "Int64" and set(back["year"]) == {2026}
    assert back["period"].tolist() == plan.stages["period"].tolist()
    assert back["category"].tolist() == plan.stages["category"].tolist()
    assert back["revenue_target"].to_numpy() == pytest.approx(
        plan.stages["revenue_target"].to_numpy()
    )


def test_contact_cadence_for_a_client_without_a_class():
    """abc_xyz labels clients with too little history "too new": the default cadence applies."""
    got = contact_cadence("too new")
    assert got["per_year"].tolist() == contact_cadence()["per_year"].tolist()
    assert set(got["source"]) == {"class B (default: too new)"}

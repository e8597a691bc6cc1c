"""Big deals (issue 13): the pipeline weighted by stage probability, the large open deal.

Hand-checkable fixtures, then the planted case of the sample: the large open deal at C0027.
"""

from __future__ import annotations

import pandas as pd
import pytest

import kamlib
from kamlib import words
from kamlib.account.risks import key_account_risks, risks_by_manager
from kamlib.errors import ArgumentError
from kamlib.load.sample import PLANTED
from kamlib.portfolio.deals import STAGE_PROBABILITY, deal_pipeline, open_deals

AS_OF = pd.Timestamp("2025-12-31")


@pytest.fixture
def deals():
    return pd.DataFrame(
        {
            "opportunity_id": ["O1", "O2", "O3", "O4", "O5"],
            "account_id": ["A", "A", "A", "B", "B"],
            "stage": ["Negotiation", "lead", "won", "proposal", "lost"],
            "value": [400_000.0, 100_000.0, 80_000.0, 10_000.0, 30_000.0],
            "expected_close": pd.to_datetime(
                ["2026-03-31", "2025-11-30", "2025-06-30", "2026-02-28", "2025-03-31"]
            ),
            "title": ["Plant", "Gloves", "Tools", "Tape", "Boxes"],
            "competitors": ["X; Y", None, None, None, "Z"],
        }
    )


def test_default_probabilities_are_documented():
    assert STAGE_PROBABILITY == {
        "lead": 0.10, "qualified": 0.25, "proposal": 0.50, "negotiation": 0.75,
        "won": 1.0, "lost": 0.0,
    }  # fmt: skip


def test_open_deals_by_hand(deals):
    o = open_deals(deals, as_of=AS_OF)
    assert o["opportunity_id"].tolist() == ["O1", "O2", "O4"]  # largest first, decided left out
    assert o["weighted"].tolist() == [300_000.0, 10_000.0, 5_000.0]
    assert o["overdue"].tolist() == [False, True, False]


def test_pipeline_by_hand(deals):
    p = deal_pipeline(deals, as_of=AS_OF, revenue=pd.Series({"A": 1_000_000.0, "B": 1e6}))
    assert p.loc["A", "open_deals"] == 2 and p.loc["A", "weighted_value"] == 310_000.0
    assert p.loc["A", "largest_title"] == "Plant" and bool(p.loc["A", "large_deal"])
    assert p.loc["A", "overdue_deals"] == 1
    assert p.loc["A", "won_value"] == 80_000.0 and p.loc["B", "lost_value"] == 30_000.0
    assert not bool(p.loc["B", "large_deal"])
    p = deal_pipeline(deals, as_of=AS_OF, large_share=10, large_value=5_000.0)
    assert bool(p.loc["B", "large_deal"])
    custom = deal_pipeline(
        deals, as_of=AS_OF, probabilities={**STAGE_PROBABILITY, "negotiation": 0.5}
    )
    assert custom.loc["A", "weighted_value"] == 210_000.0


def test_unknown_stage_is_an_error_not_a_zero(deals):
    deals.loc[0, "stage"] = "Discovery"
    with pytest.raises(ArgumentError, match="'discovery'"):
        deal_pipeline(deals, as_of=AS_OF)
    with pytest.raises(ArgumentError, match="0..1"):
        open_deals(deals, as_of=AS_OF, probabilities={"discovery": 2})


def test_missing_table_is_not_known():
    p = deal_pipeline(None, as_of=AS_OF, accounts=["A"])
    assert pd.isna(p.loc["A", "open_deals"]) and pd.isna(p.loc["A", "weighted_value"])
    assert words.pipeline_sentence(p.loc["A"]) == "Deals not known (no opportunities table)."
    assert open_deals(None, as_of=AS_OF).empty


@pytest.fixture(scope="module")
def ws(sample_workspace):
    return sample_workspace


def test_c0027_large_open_deal(ws):
    key = list(PLANTED["key_accounts"])
    window = ws.transactions[ws.transactions["date"] > ws.as_of - pd.DateOffset(months=12)]
    revenue = window.groupby("account_id")["revenue"].sum()
    p = deal_pipeline(ws.opportunities, as_of=ws.as_of, accounts=key, revenue=revenue)
    large = p.index[p["large_deal"].fillna(False).astype(bool)].tolist()
    assert large == ["C0027"] == list(PLANTED["large_open_deal"])
    assert p["largest_value"].idxmax() == "C0027"
    assert p.loc["C0027", "largest_value"] == 1_800_000.0
    assert p.loc["C0027", "largest_stage"] == "negotiation"
    assert "NordSupply AG" in p.loc["C0027", "largest_competitors"]
    # the lost key clients have no open deal left
    assert (p.loc[list(PLANTED["lost_key_clients"]), "open_deals"] == 0).all()
    text = words.pipeline_sentence(p.loc["C0027"])
    assert "large deal" in text and "1,800,000" in text


def test_key_account_risks_show_each_planted_case(ws):
    key = list(PLANTED["key_accounts"])
    r = key_account_risks(
        key,
        transactions=ws.transactions,
        accounts=ws.accounts,
        deliveries=ws.deliveries,
        complaints=ws.complaints,
        invoices=ws.invoices,
        contracts=ws.contracts,
        opportunities=ws.opportunities,
        meetings=ws.meetings,
        cost_to_serve=ws.cost_to_serve,
        as_of=ws.as_of,
    )
    flag = lambda c: r.index[r[c].fillna(False).astype(bool)].tolist()  # noqa: E731
    assert flag("service_risk") == ["C0088"]
    assert flag("notice_before_meeting") == ["C0105"]
    assert flag("large_deal") == ["C0027"]
    turned = r.index[(r["contribution"] >= 0) & (r["after_capital"] < 0)].tolist()
    assert turned == ["C0009"]
    by_manager = risks_by_manager(r)
    assert by_manager["accounts"].sum() == len(key)
    assert by_manager["service_risks"].sum() == 1
    text = words.key_risks_sentence(r)
    for a in ("C0088", "C0009", "C0105"):
        assert a in text
    none = key_account_risks(key[:2], transactions=ws.transactions, as_of=ws.as_of)
    assert none["otif"].isna().all() and (none["behaviour"] == "not known").all()
    assert "not known" in words.key_risks_sentence(none)
    b = kamlib.beyond_sales(
        "C0027", transactions=ws.transactions, opportunities=ws.opportunities, as_of=ws.as_of
    )
    assert b.act_on["kind"].tolist() == ["large deal"]


def test_the_summary_act_on_list_takes_the_items_beyond_sales(ws):
    from kamlib.words.account import act_on_table

    tables = dict(
        transactions=ws.transactions, products=ws.products, accounts=ws.accounts,
        contacts=ws.contacts, meetings=ws.meetings, actions=ws.actions, targets=ws.targets,
        tenders=ws.tenders, competitors=ws.competitors, cost_to_serve=ws.cost_to_serve,
    )  # fmt: skip
    beyond = dict(
        deliveries=ws.deliveries, complaints=ws.complaints, invoices=ws.invoices,
        contracts=ws.contracts, opportunities=ws.opportunities,
    )  # fmt: skip
    plain = kamlib.meeting_brief("C0105", meeting_date=ws.as_of, as_of=ws.as_of, **tables)
    assert "notice deadline" not in plain.summary.act_on["kind"].tolist()
    brief = kamlib.meeting_brief("C0105", meeting_date=ws.as_of, as_of=ws.as_of, **tables, **beyond)
    kinds = brief.summary.act_on["kind"].tolist()
    assert kinds[0] == "notice deadline"  # no tender open at C0105: the deadline comes first
    rows = act_on_table(brief.summary)
    assert rows.iloc[0]["Act on"].startswith("Decide on the renewal of Framework agreement")
    assert rows.iloc[0]["Date"] == "2026-01-02"
    c9 = kamlib.account_summary("C0009", as_of=ws.as_of, **tables, **beyond)
    # C0009 is lost: the money it owes stays on its win-back list, its payment terms do not
    assert "slow payer" in set(c9.act_on["kind"]) and "capital cost" not in set(c9.act_on["kind"])
    c88 = kamlib.account_summary("C0088", as_of=ws.as_of, **tables, **beyond)
    # lost, badly served: the service failures to put right follow the win-back itself
    kinds = c88.act_on["kind"].tolist()
    assert kinds[0] == "win back" and {"late deliveries", "overdue complaints"} <= set(kinds)
    big = kamlib.account_summary("C0027", as_of=ws.as_of, **tables, **beyond)
    assert "large deal" in big.act_on["kind"].tolist()
    assert big.act_on["kind"].tolist()[0] == "tender"  # the open tender window stays first


# ---- the pipeline against the plan-year target (development plan, brief) -------------------


def test_plan_pipeline_by_hand(deals):
    from kamlib.account.plan import PIPELINE_FIELDS, plan_pipeline

    a = open_deals(deals, as_of=AS_OF)
    a = a[a["account_id"] == "A"]
    # A: Plant 400,000 x 0.75 = 300,000 (2026-03-31); Gloves 100,000 x 0.10 = 10,000 (2025-11-30,
    # overdue, not in 2026); Tools is won, out of the pipeline
    p = plan_pipeline(a, target=1_000_000.0, plan_year=2026)
    assert list(p.index) == list(PIPELINE_FIELDS)
    assert p.tolist() == [2.0, 500_000.0, 310_000.0, 1.0, 300_000.0, 1_000_000.0, 0.30]
    assert pd.isna(plan_pipeline(a, target=0.0, plan_year=2026)["share_of_target"])
    assert plan_pipeline(a, target=1.0, plan_year=2026, known=False).isna().all()
    assert plan_pipeline(None, target=1.0, plan_year=2026).isna().all()
    assert words.plan_pipeline_sentence(p, plan_year=2026) == (
        "2 open deals worth 500,000, 310,000 weighted by the probability of their stage. "
        "1 of them is expected to close in 2026. Weighted, the deals closing in 2026 bring "
        "300,000: 30.0 % of the 2026 target of 1,000,000."
    )
    one = plan_pipeline(a.iloc[:1], target=0.0, plan_year=2026)
    assert words.plan_pipeline_sentence(one, plan_year=2026) == (
        "1 open deal worth 400,000, 300,000 weighted by the probability of its stage. It is "
        "expected to close in 2026. Weighted, the deals closing in 2026 bring 300,000; there is "
        "no target above zero to compare with."
    )
    none = plan_pipeline(a.iloc[:0], target=1.0, plan_year=2026)
    assert words.plan_pipeline_sentence(none, plan_year=2026).startswith("No open deal")
    # after pipeline_sentence (the brief): only the plan year's part, nothing said twice
    assert words.plan_pipeline_sentence(p, plan_year=2026, deals=False).startswith(
        "1 of them is expected to close in 2026. Weighted,"
    )
    assert words.plan_pipeline_sentence(none, plan_year=2026, deals=False) == ""


def test_the_development_plan_weighs_c0027s_pipeline_against_its_target(ws):
    tables = dict(
        transactions=ws.transactions, products=ws.products, accounts=ws.accounts,
        targets=ws.targets, as_of=ws.as_of,
    )  # fmt: skip
    plan = kamlib.development_plan("C0027", **tables, opportunities=ws.opportunities)
    # the planted large deal: 1,800,000 in negotiation (75 %) closing 2026-03-31, and two more
    assert plan.deals["title"].iloc[0].startswith("New assembly plant 2026")
    assert plan.deals["weighted"].iloc[0] == 1_350_000.0
    p = plan.pipeline
    assert (p["open_deals"], p["weighted_value"], p["in_year_deals"]) == (3, 1_474_250.0, 3)
    assert p["target"] == plan.target
    assert p["share_of_target"] == pytest.approx(1_474_250.0 / plan.target)
    plain = kamlib.development_plan("C0027", **tables)
    assert plain.pipeline.isna().all() and plain.deals.empty
    assert "not known" in words.plan_pipeline_sentence(plain.pipeline, plan_year=2026)


def test_a_key_group_is_measured_on_its_members_together(deals):
    accounts = pd.DataFrame(
        {
            "account_id": ["A", "B"],
            "name": ["Alpha AG", "Beta BV"],
            "manager": ["Bo", "Ann"],
            "parent_id": ["G", "G"],
        }
    )
    tx = pd.DataFrame({"account_id": ["A", "B"], "date": [AS_OF, AS_OF], "revenue": [100.0, 50.0]})
    r = key_account_risks(
        ["G", "A"], transactions=tx, accounts=accounts, opportunities=deals, as_of=AS_OF
    )
    # G = A's two open deals (300,000 + 10,000 weighted) and B's one (10,000 x 50 % = 5,000)
    assert r.loc["G", "open_deals"] == 3 and r.loc["G", "weighted_value"] == 315_000.0
    assert r.loc["G", "largest_value"] == 400_000.0
    assert r.loc["G", "name"] == "group: Alpha AG, Beta BV"
    assert r.loc["G", "manager"] == "Ann, Bo"
    # a member listed itself keeps its own figures
    assert r.loc["A", "open_deals"] == 2 and r.loc["A", "name"] == "Alpha AG"


def test_the_sample_key_group_g01_is_rolled_up_not_unknown(ws):
    tables = dict(
        transactions=ws.transactions, accounts=ws.accounts, deliveries=ws.deliveries,
        complaints=ws.complaints, invoices=ws.invoices, contracts=ws.contracts,
        opportunities=ws.opportunities, meetings=ws.meetings, as_of=ws.as_of,
    )  # fmt: skip
    members = ["C0018", "C0066", "C0126"]  # Kessler Bau, Tiefbau and Facility Services
    g = key_account_risks(["G01"], **tables).loc["G01"]
    m = key_account_risks(members, **tables)
    assert g["name"].startswith("group: Kessler Bau AG")
    assert g["open_deals"] == m["open_deals"].sum() == 4
    assert g["weighted_value"] == m["weighted_value"].sum()
    assert g["notice_deadline"] == m["notice_deadline"].min()  # C0018's, 2026-09-30
    assert pd.notna(g["otif"]) and pd.notna(g["dso"]) and g["behaviour"] != "not known"
    # OTIF of the group is over all the members' deliveries, between theirs
    assert m["otif"].min() <= g["otif"] <= m["otif"].max()

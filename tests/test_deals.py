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
    assert {"slow payer", "capital cost"} <= set(c9.act_on["kind"])
    c88 = kamlib.account_summary("C0088", as_of=ws.as_of, **tables, **beyond)
    assert {"late deliveries", "overdue complaints"} <= set(c88.act_on["kind"])
    big = kamlib.account_summary("C0027", as_of=ws.as_of, **tables, **beyond)
    assert "large deal" in big.act_on["kind"].tolist()
    assert big.act_on["kind"].tolist()[0] == "tender"  # the open tender window stays first

"""Annual-meeting brief: the nine parts, limits and proposal, tenders, follow-up, privacy."""

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

import kamlib
from kamlib.account.brief import financial_report, meeting_brief
from kamlib.account.dmu import dmu_roster
from kamlib.account.dossier import account_dossier
from kamlib.account.followup import follow_up_schedule, previous_actions, tender_windows
from kamlib.account.pricing import negotiation_limits, what_if
from kamlib.account.proposal import draft_proposal, proposal_arguments
from kamlib.errors import ArgumentError, InputError

MEETING = "2025-11-20"
AS_OF = "2025-10-10"  # the last transaction: the data's end before the meeting


def _tx():
    rows = [
        ("A", "2024-05-10", "p1", 100.0, 1400.0, 1000.0),
        ("A", "2024-09-10", "p2", 10.0, 280.0, 200.0),
        ("A", "2025-02-10", "p1", 110.0, 1650.0, 1100.0),
        ("A", "2025-08-10", "p2", 10.0, 270.0, 200.0),
        ("A", "2025-06-10", "p4", 50.0, 525.0, 500.0),
        ("A", "2025-10-10", "p3", 5.0, 100.0, 60.0),
        ("A", "2025-04-01", "p5", 2.0, 50.0, np.nan),
        ("B", "2025-03-01", "p1", 1.0, 15.0, 10.0),
    ]
    frame = pd.DataFrame(
        rows, columns=["account_id", "date", "product_id", "quantity", "revenue", "cost"]
    )
    return frame.assign(
        date=pd.to_datetime(frame["date"]).astype("datetime64[us]"),
        order_id=[f"o{i}" for i in range(len(frame))],
        gross_profit=frame["revenue"] - frame["cost"],
    )


def _products():
    return pd.DataFrame(
        {
            "product_id": ["p1", "p2", "p3", "p4"],
            "name": ["Pump", "Big pump", "Valve", "Seal"],
            "category": ["Pumps", "Pumps", "Valves", "Seals"],
            "unit_cost": [10.0, 20.0, np.nan, 10.0],
            "list_price": [16.0, 30.0, np.nan, 12.0],
        }
    )


def _accounts():
    return pd.DataFrame(
        {
            "account_id": ["A", "B"],
            "industry": ["Food", "Food"],
            "potential_budget": [10000.0, 50.0],
        }
    )


def _meetings():
    return pd.DataFrame(
        {
            "meeting_id": ["m0", "m1", "m2"],
            "account_id": ["A", "A", "A"],
            "date": pd.to_datetime(["2024-01-15", "2024-06-01", "2025-01-20"]),
            "type": ["annual", "review", "annual"],
            "summary": ["first annual", "quality", "prices 2025"],
            "outcome": ["frame contract", "new QA process", "wants faster delivery"],
        }
    )


def _actions():
    return pd.DataFrame(
        {
            "action_id": ["a1", "a2", "a3", "a4", "a5", "a6", "a7"],
            "account_id": ["A"] * 7,
            "meeting_id": ["m2", "m2", "m2", "m2", "m0", "m0", "m1"],
            "description": ["samples", "quote", "visit", "training", "audit", "catalogue", "QA"],
            "owner": ["Kim", "Lee", "Kim", "Max", "Lee", "Kim", "Max"],
            "department": ["sales", "sales", "sales", "service", "quality", "sales", "quality"],
            "due_date": pd.to_datetime(
                [
                    "2025-03-01",
                    "2025-04-01",
                    "2025-12-31",
                    "2025-05-01",
                    "2024-03-01",
                    "2024-02-01",
                    "2024-07-01",
                ]
            ),
            "status": ["done", "open", "open", "done", "open", "done", "Closed"],
            "done_date": pd.to_datetime(
                ["2025-02-20", None, None, "2025-06-15", None, "2024-01-30", None]
            ),
        }
    )


def _tenders():
    return pd.DataFrame(
        {
            "tender_id": ["t1", "t2", "t3", "t4", "t5"],
            "account_id": ["A"] * 5,
            "date": pd.to_datetime(
                ["2024-06-01", "2025-02-01", "2026-06-30", "2026-11-30", "2026-10-31"]
            ),
            "title": ["Pumps", "Valves", "Seals 2026", "Pumps 2027", "Service 2027"],
            "value": [500.0, 300.0, 200.0, 800.0, 100.0],
            "status": ["won", "lost", "planned", "planned", "planned"],
            "reason": ["service", "price", None, None, None],
            "winner": [None, "Rival AG", None, None, None],
        }
    )


def _competitors():
    return pd.DataFrame({"account_id": ["A"], "competitor": ["Rival AG"], "share_of_wallet": [0.3]})


def _contacts():
    return pd.DataFrame(
        {
            "contact_id": ["k1", "k2", "k3", "k4", "k5", "k6"],
            "account_id": ["A"] * 6,
            "name": [
                "Ceo Chief",
                "Hana HR",
                "Pat Purchase",
                "Eng Neer",
                "Gate Keeper",
                "Ulla User",
            ],
            "title": ["CEO", "HR Director", "Head of Purchasing", "Plant engineer", None, None],
            "dmu_role": ["decision maker", "influencer", "buyer", "user", "gatekeeper", "user"],
            "influence": [5.0, 2.0, 4.0, 3.0, 1.0, 1.0],
            "attitude": ["champion"] * 6,
            "reports_to": [None, "k1", "k1", "k1", "k1", "k4"],
            "last_contact": pd.to_datetime(["2025-10-01"] * 6),
            "birthday": pd.to_datetime(["1959-11-25"] * 6),
            "family": ["CANARY-FAMILY"] * 6,
            "hobbies": ["CANARY-HOBBY"] * 6,
            "notes": ["CANARY-NOTE"] * 6,
        }
    )


def _targets():
    return pd.DataFrame(
        {
            "account_id": ["A", "A", "A"],
            "year": [2025, 2025, 2026],
            "revenue_target": [3000.0, 2000.0, 3500.0],
            "category": [None, "Pumps", None],
        }
    )


def _brief(**kw):
    tables = dict(
        transactions=_tx(),
        products=_products(),
        accounts=_accounts(),
        contacts=_contacts(),
        meetings=_meetings(),
        actions=_actions(),
        targets=_targets(),
        tenders=_tenders(),
        competitors=_competitors(),
    )
    tables.update(kw.pop("tables", {}))
    return meeting_brief("A", meeting_date=MEETING, **tables, **kw)


# --- 1. financial report -----------------------------------------------------------------------


def test_financial_report_reconciles_with_transactions():
    report = financial_report(
        "A", transactions=_tx(), products=_products(), targets=_targets(), as_of=AS_OF
    )
    by_year = report.by_year.set_index("year")
    assert by_year["revenue"].to_dict() == {2024: 1680.0, 2025: 2595.0}
    assert by_year["gross_profit"].to_dict() == {2024: 480.0, 2025: 685.0}
    assert by_year.loc[2025, "margin"] == pytest.approx(685.0 / 2545.0)  # p5 has no cost
    assert by_year.loc[2025, "revenue_growth"] == pytest.approx(2595.0 / 1680.0 - 1)
    assert by_year.loc[2025, "orders"] == 5
    quarters = report.by_quarter.groupby("year")[["revenue", "gross_profit"]].sum()
    assert quarters["revenue"].tolist() == [1680.0, 2595.0]
    assert quarters["gross_profit"].tolist() == [480.0, 685.0]
    assert report.product_mix["revenue"].sum() == _tx().query("account_id == 'A'")["revenue"].sum()
    pva = report.plan_vs_actual
    assert pva["year"].tolist() == [2025, 2025]  # 2026 is not in the report yet
    assert pva["actual"].tolist() == [2595.0, 1920.0]


# --- 2. previous meeting -----------------------------------------------------------------------


def test_previous_actions_overdue_first():
    out = previous_actions("A", actions=_actions(), meetings=_meetings(), meeting_date=MEETING)
    assert out["action_id"].tolist() == ["a5", "a2", "a3", "a4", "a1"]
    assert out["state"].tolist() == ["overdue", "overdue", "open", "done late", "done"]
    assert out["days_overdue"].tolist()[:2] == [629.0, 233.0]
    assert out["carried_over"].tolist() == [True, False, False, False, False]
    assert out["owner"].iloc[0] == "Lee" and out["department"].iloc[0] == "quality"


def test_previous_actions_without_meetings_or_actions():
    out = previous_actions("A", actions=_actions(), meetings=None, meeting_date=MEETING)
    # due within the last 12 months or still open; a6 and a7 are old and done
    assert set(out["action_id"]) == {"a1", "a2", "a3", "a4", "a5"}
    assert out["state"].iloc[0] == "overdue"
    empty = previous_actions("A", actions=None, meeting_date=MEETING)
    assert empty.empty and "state" in empty.columns


# --- 6. limits, 7. what-if, 9. proposal -------------------------------------------------------


def test_negotiation_limits_by_hand():
    out = negotiation_limits("A", transactions=_tx(), products=_products(), as_of=AS_OF)
    lim = out.set_index("product_id")
    assert out["product_id"].tolist() == ["p1", "p2", "p3", "p4", "p5"]
    assert lim.loc[
        "p1", ["current_price", "floor_price", "lowest_price"]
    ].tolist() == pytest.approx([15.0, 11.5, 13.5])
    assert lim.loc["p1", "min_volume"] == 157.1  # 550 / (13.5 - 10)
    assert lim.loc["p2", ["floor_price", "lowest_price", "min_volume"]].tolist() == pytest.approx(
        [23.0, 24.3, 16.3]
    )
    assert lim.loc["p3", "cost_source"] == "transactions" and lim.loc["p3", "unit_cost"] == 12.0
    assert lim.loc["p4", "below_floor_now"] and lim.loc["p4", "lowest_price"] == 11.5
    assert lim.loc["p5", "cost_source"] == "unknown" and np.isnan(lim.loc["p5", "floor_price"])


def test_limits_reject_bad_thresholds():
    with pytest.raises(ArgumentError, match="`max_discount`"):
        negotiation_limits("A", transactions=_tx(), as_of=AS_OF, max_discount=1.5)
    with pytest.raises(ArgumentError, match="`min_margin`"):
        negotiation_limits("A", transactions=_tx(), as_of=AS_OF, min_margin=-0.1)


def test_what_if_by_hand():
    out = what_if(15.0, 10.0, 100.0, max_discount=0.10)
    assert out["discount"].tolist() == pytest.approx([i / 100 for i in range(11)])
    assert out["volume_needed"].iloc[-1] == pytest.approx(100 * 5 / 3.5)
    assert out["contribution"].tolist() == pytest.approx([500.0] * 11)
    assert not out["below_floor"].any()
    deep = what_if(15.0, 10.0, 100.0, discounts=[0.25, 0.4])
    assert deep["below_floor"].tolist() == [True, True]
    assert deep["feasible"].tolist() == [True, False] and np.isnan(deep["volume_needed"].iloc[1])


@settings(max_examples=100, deadline=None)
@given(
    price=st.floats(1.0, 1000.0),
    cost_share=st.floats(0.0, 0.95),
    volume=st.floats(1.0, 1e6),
    discount=st.floats(0.0, 0.5),
)
def test_what_if_keeps_the_contribution(price, cost_share, volume, discount):
    cost = price * cost_share
    out = what_if(price, cost, volume, discounts=[discount]).iloc[0]
    if price * (1 - discount) > cost:
        assert out["feasible"]
        kept = out["volume_needed"] * (out["price"] - cost)
        assert kept == pytest.approx((price - cost) * volume, rel=1e-9)
        assert out["volume_needed"] >= volume * (1 - 1e-12)
    else:
        assert not out["feasible"] and np.isnan(out["volume_needed"])


def test_draft_proposal_by_hand():
    limits = negotiation_limits("A", transactions=_tx(), products=_products(), as_of=AS_OF)
    volumes = {"p1": 130.0, "p4": 60.0}
    proposal = draft_proposal("A", limits, volumes=volumes, meeting_date=MEETING)
    lines = proposal.lines.set_index("product_id")
    assert list(lines.index) == ["p1", "p2", "p3", "p4"]  # p5: no unit cost
    assert proposal.messages == ("1 product(s) without a known unit cost left out of the proposal",)
    assert proposal.volume_basis == "given" and proposal.situation == "active"
    # p1: 130 units (+18.2 %) pay for 1 - (10 + 5 / 1.1818) / 15 = 5.13 %: 14.2308 -> 14.24
    assert lines.loc["p1", ["volume", "price", "change"]].tolist() == [130.0, 14.24, "discount"]
    assert lines.loc["p1", "gross_profit"] == pytest.approx(130 * 4.24)
    assert lines.loc["p1", "price_change"] == pytest.approx(14.24 / 15 - 1, abs=1e-6)
    # p4 sells below its floor today (10.50 < 11.50): raised to the floor, a rise, so the
    # 60 units asked for fall back to today's 50 (a price rise never assumes more volume)
    assert lines.loc["p4", ["price", "change", "volume"]].tolist() == [
        11.5,
        "raised to floor",
        50.0,
    ]
    assert lines.loc["p4", "price_change"] > 0
    # p2 (no volume given) keeps volume and price
    assert lines.loc["p2", ["volume", "price", "price_change", "change"]].tolist() == [
        10.0,
        27.0,
        0.0,
        "unchanged",
    ]
    assert proposal.valid_until == pd.Timestamp("2025-12-20")
    assert (
        lines["gross_profit"]
        >= limits.set_index("product_id").loc[lines.index, "contribution"] - 1e-9
    ).all()
    # the default rule: today's volumes, no discount, no cost to serve: contribution unknown
    plain = draft_proposal("A", limits, meeting_date=MEETING)
    assert plain.volume_basis == "last months"
    assert (plain.lines["volume"] == plain.lines["current_volume"].apply(np.ceil)).all()
    assert not (plain.lines["change"] == "discount").any()
    assert np.isnan(plain.totals["contribution"])


@settings(max_examples=50, deadline=None)
@given(
    price=st.floats(0.5, 500.0),
    cost=st.floats(0.01, 500.0),
    volume=st.floats(1.0, 1e5),
    target=st.floats(0.0, 3e5),
    min_margin=st.floats(0.0, 1.0),
    max_discount=st.floats(0.0, 0.5),
)
def test_proposed_price_is_never_below_the_floor(
    price, cost, volume, target, min_margin, max_discount
):
    tx = pd.DataFrame(
        {
            "account_id": ["A"],
            "product_id": ["p"],
            "quantity": [volume],
            "revenue": [price * volume],
            "cost": [cost * volume],
            "date": pd.to_datetime(["2025-06-01"]),
        }
    )
    limits = negotiation_limits(
        "A", transactions=tx, as_of="2025-12-31", min_margin=min_margin, max_discount=max_discount
    )
    lines = draft_proposal("A", limits, volumes={"p": target}, meeting_date="2025-12-31").lines
    assert (lines["price"] >= lines["floor_price"]).all()
    lowest = lines["product_id"].map(limits.set_index("product_id")["lowest_price"]).astype(float)
    assert (lines["price"] >= lowest).all()
    assert ((lines["volume"] > 0) & (lines["volume"] == lines["volume"].round())).all()


def test_arguments_grouped_by_audience():
    from kamlib.words.proposal import audience_table

    limits = negotiation_limits("A", transactions=_tx(), products=_products(), as_of=AS_OF)
    roster = dmu_roster("A", contacts=_contacts(), as_of=MEETING)
    args = proposal_arguments(
        "A",
        transactions=_tx(),
        products=_products(),
        accounts=_accounts(),
        actions=_actions(),
        tenders=_tenders(),
        competitors=_competitors(),
        as_of=AS_OF,
    )
    proposal = draft_proposal(
        "A", limits, meeting_date=MEETING, roster=roster, arguments=args, cell="AX"
    )
    out = proposal.arguments
    assert set(out["audience"]) <= set(kamlib.account.proposal.AUDIENCES)
    assert not out["argument"].isin(kamlib.account.proposal.INTERNAL_ARGUMENTS).any()
    told = audience_table(proposal, args)
    text = " ".join(told["Argument"])
    assert "AX" not in text and "key client" not in text and " -" not in text
    assert "valid until 2025-12-20" in text
    finance = told.loc[told["Audience"] == "finance", "Argument"].tolist()
    assert finance[0].startswith("Our offer: 4 products")
    assert any("against list prices" in a for a in finance)


def test_proposal_arguments_by_hand():
    args = proposal_arguments(
        "A",
        transactions=_tx(),
        products=_products(),
        accounts=_accounts(),
        actions=_actions(),
        tenders=_tenders(),
        competitors=_competitors(),
        as_of=AS_OF,
    ).set_index("argument")
    assert args.loc["growth", "value"] == pytest.approx(2595 / 1680 - 1)
    assert args.loc["growth", "for_client"]
    assert args.loc["share_of_wallet", "value"] == pytest.approx(0.2595)
    assert not args.loc["share_of_wallet", "for_client"]
    # 2 of 6 actions on time: below target, internal only
    assert args.loc["service_below_target", "value"] == pytest.approx(2 / 6)
    assert not args.loc["service_below_target", "for_client"]
    assert "service_record" not in args.index
    assert args.loc["tenders_awarded", ["amount", "base"]].tolist() == [1.0, 2.0]
    assert not args.loc["tenders_lost", "for_client"]
    assert args.loc["value_delivered", "amount"] == pytest.approx(215.0)
    assert args.loc["breadth", ["amount", "base"]].tolist() == [5.0, 3.0]
    bare = proposal_arguments("A", transactions=_tx(), as_of=AS_OF)
    assert set(bare.loc[bare["argument"] == "data_gap", "detail"]) >= {
        "list prices",
        "potential budget and competitors' shares",
        "actions",
    }
    assert not bare.loc[bare["argument"] == "data_gap", "for_client"].any()


# --- tenders and follow-up ---------------------------------------------------------------------


def test_tender_windows():
    out = tender_windows("A", tenders=_tenders(), as_of=MEETING)
    assert out["tender_id"].tolist() == ["t3", "t5"]
    assert out["window"].tolist() == ["open", "opens 2026-01-31"]
    assert out["prep_start"].tolist() == [pd.Timestamp("2025-09-30"), pd.Timestamp("2026-01-31")]
    assert tender_windows("A", tenders=None, as_of=MEETING).empty


def test_follow_up_schedule_uses_working_days():
    out = follow_up_schedule("2025-11-21", valid_until="2025-12-21", holidays=["2025-11-24"])
    assert out["date"].tolist()[:3] == [pd.Timestamp("2025-11-25")] * 3
    assert out["action"].tolist()[0] == "confirm that the client received the proposal"
    assert out["date"].iloc[3] == pd.Timestamp("2025-12-16")
    assert len(follow_up_schedule("2025-11-21")) == 3


# --- the brief ---------------------------------------------------------------------------------


def _values(obj, seen=None):
    """Every value reachable from `obj` (dataclass fields, frames, series, containers)."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from _values(getattr(obj, f.name), seen)
    elif isinstance(obj, pd.DataFrame):
        yield from obj.columns
        yield from obj.to_numpy().ravel()
    elif isinstance(obj, pd.Series):
        yield from obj.index
        yield from obj.to_numpy()
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield k
            yield from _values(v, seen)
    elif isinstance(obj, list | tuple):
        for v in obj:
            yield from _values(v, seen)
    else:
        yield obj


def test_brief_has_every_part_and_keeps_inputs():
    tables = [_tx(), _products(), _actions(), _contacts()]
    copies = [t.copy() for t in tables]
    brief = _brief(
        tables=dict(
            transactions=tables[0], products=tables[1], actions=tables[2], contacts=tables[3]
        )
    )
    for before, after in zip(copies, tables, strict=True):
        assert_frame_equal(before, after)
    assert brief.as_of == pd.Timestamp(AS_OF) and brief.plan_year == 2026
    assert [title[:2] for title, _ in brief.sections] == [f"{i}." for i in range(1, 10)]
    assert brief.messages == ("1 product(s) without a known unit cost left out of the proposal",)
    assert brief.previous_actions["state"].iloc[0] == "overdue"
    assert brief.work_plan["year"].tolist() == [2025, 2025]
    assert brief.client_expectations["outcome"].tolist()[0] == "wants faster delivery"
    assert brief.our_expectations["source"].tolist() == ["targets table"]
    assert brief.our_expectations["revenue_target"].tolist() == [3500.0]
    assert set(brief.what_if["product_id"]) == {"p1", "p2", "p3", "p4"}
    assert len(brief.what_if) == 4 * 11
    assert brief.tenders["tender_id"].tolist() == ["t3", "t5"]
    assert brief.follow_up["date"].iloc[0] == pd.Timestamp("2025-11-21")
    lines = brief.proposal.lines
    assert (lines["price"] >= lines["floor_price"]).all()
    assert brief.proposal.valid_until == pd.Timestamp("2025-12-20")
    assert brief.parameters["min_margin"] == 0.15


def test_brief_leaves_no_trace_of_personal_values():
    values = list(_values(_brief()))
    texts = [v for v in values if isinstance(v, str)]
    assert any("Ceo Chief" in t for t in texts)
    for canary in ["1959", "25.11", "CANARY-FAMILY", "CANARY-HOBBY", "CANARY-NOTE"]:
        assert not any(canary in t for t in texts), canary
    # no value of any type carries the birth year or the birthday itself
    assert not any("1959" in str(v) for v in values)
    assert pd.Timestamp("1959-11-25") not in [v for v in values if isinstance(v, pd.Timestamp)]


def test_brief_degrades_with_clear_messages():
    brief = meeting_brief("A", transactions=_tx(), products=None, meeting_date=MEETING)
    assert brief.messages[:8] == (
        "no products table: no categories or list prices; unit costs from transaction costs",
        "no accounts table: share of wallet from competitors only",
        "no contacts table: arguments not assigned to named contacts",
        "no meetings table: no previous meeting: recent and open actions listed instead",
        "no actions table: previous meeting's actions and service record skipped",
        "no targets table: plan vs actual skipped; our expectations computed from history",
        "no tenders table: tender windows skipped",
        "no competitors table: competitors' shares unknown",
    )
    assert set(brief.our_expectations["source"]) == {"computed"}
    assert brief.target_source == "computed"
    assert brief.our_expectations["revenue_target"].sum() == pytest.approx(brief.target)
    assert brief.previous_actions.empty and brief.tenders.empty and brief.work_plan.empty
    lines = brief.proposal.lines
    assert set(lines["product_id"]) == {"p1", "p2", "p3", "p4"}  # costs from transactions
    assert (lines["price"] >= lines["floor_price"]).all()
    assert set(brief.proposal.arguments["contacts"]) == {""}


def test_brief_for_a_prospect_and_an_unknown_account():
    accounts = pd.DataFrame({"account_id": ["A", "P"], "status": ["client", "prospect"]})
    brief = meeting_brief(
        "P", transactions=_tx(), products=_products(), accounts=accounts, meeting_date="2026-03-10"
    )
    assert brief.plan_year == 2026
    assert brief.limits.empty and brief.proposal.lines.empty and brief.what_if.empty
    assert brief.financial.by_year.empty and brief.our_expectations.empty
    assert "no purchases in the last 12 months: no limits or proposal lines" in brief.messages
    assert brief.proposal.valid_until == pd.Timestamp("2026-04-09")
    with pytest.raises(InputError, match="unknown-account"):
        meeting_brief("nobody", transactions=_tx(), products=None, meeting_date=MEETING)


# --- the sample portfolio: a breadwinner, a loss-making client, a lost client ------------------

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
SAMPLE_ACCOUNTS = ["C0027", "C0112", "C0009"]  # see data/README.md, planted phenomena
SAMPLE_MEETING = "2026-01-20"


@pytest.fixture(scope="module")
def sample():
    if not (SAMPLE / "transactions.csv").is_file():
        pytest.skip("data/sample is not generated")
    return kamlib.load_workspace(SAMPLE)


@pytest.fixture(scope="module")
def sample_briefs(sample):
    tables = {
        t: getattr(sample, t)
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
        )
    }
    return {a: meeting_brief(a, meeting_date=SAMPLE_MEETING, **tables) for a in SAMPLE_ACCOUNTS}


@pytest.mark.parametrize("account", SAMPLE_ACCOUNTS)
def test_sample_brief_reconciles_with_transactions(sample, sample_briefs, account):
    brief = sample_briefs[account]
    tx = sample.transactions[sample.transactions["account_id"] == account]
    assert brief.as_of == pd.Timestamp("2025-12-31") and brief.plan_year == 2026
    by_year = brief.financial.by_year.set_index("year")
    assert by_year["revenue"].to_dict() == pytest.approx(
        tx.groupby(tx["date"].dt.year)["revenue"].sum().to_dict()
    )
    assert by_year["gross_profit"].sum() == pytest.approx(tx["gross_profit"].sum())
    assert brief.financial.by_quarter["revenue"].sum() == pytest.approx(tx["revenue"].sum())
    assert brief.financial.product_mix["revenue"].sum() == pytest.approx(tx["revenue"].sum())
    # the running plan (2025) against actual, recomputed by hand from the transactions
    cats = sample.products.set_index("product_id")["category"]
    tx25 = tx[tx["date"].dt.year == 2025].assign(
        category=lambda f: f["product_id"].map(cats),
        quarter=lambda f: "Q" + f["date"].dt.quarter.astype("str"),
    )
    for line in brief.work_plan.itertuples():
        scope = tx25[tx25["category"] == line.category] if pd.notna(line.category) else tx25
        if pd.notna(line.period):
            scope = scope[scope["quarter"] == line.period]
        assert line.actual == pytest.approx(scope["revenue"].sum())
    # negotiation limits: last 12 months' volume and revenue per product
    window = tx[tx["date"] > pd.Timestamp("2024-12-31")]
    per_product = window.groupby("product_id")[["quantity", "revenue"]].sum()
    limits = brief.limits.set_index("product_id")
    assert limits["volume"].to_dict() == pytest.approx(
        per_product.loc[limits.index, "quantity"].to_dict()
    )
    assert limits["revenue"].sum() == pytest.approx(per_product.loc[limits.index, "revenue"].sum())
    # the proposal: never below the floor, with an expiry date
    lines = brief.proposal.lines
    assert len(lines) > 0 and (lines["price"] >= lines["floor_price"]).all()
    assert set(lines["product_id"]) <= set(limits.index)
    assert brief.proposal.valid_until == pd.Timestamp("2026-02-19")
    assert (lines["change"] != "discount").all()  # today's volumes: nothing pays for a discount
    assert len(brief.what_if) == 11 * limits["unit_cost"].notna().sum()


def test_sample_brief_specifics(sample_briefs):
    loss_maker = sample_briefs["C0112"]
    raised = loss_maker.limits["below_floor_now"]
    assert raised.any()  # thin margins: some prices must go up to the floor
    lines = loss_maker.proposal.lines.set_index("product_id")
    for product in loss_maker.limits.loc[raised, "product_id"]:
        assert lines.loc[product, "change"] == "raised to floor"
    lost = sample_briefs["C0009"]
    assert (lost.work_plan["attainment"] < 0.3).all()  # far short of the 2025 plan
    assert set(lost.our_expectations["source"]) == {"computed"}
    breadwinner = sample_briefs["C0027"]
    assert set(breadwinner.our_expectations["source"]) == {"targets table"}
    assert breadwinner.tenders["tender_id"].tolist() == ["T044"]  # planned 2026-03-31: open


@pytest.mark.parametrize("account", SAMPLE_ACCOUNTS)
def test_sample_brief_has_no_personal_values(sample, sample_briefs, account):
    contacts = sample.contacts
    values = list(_values(sample_briefs[account]))
    texts = [v for v in values if isinstance(v, str)]
    assert not {"birthday", "family", "hobbies", "notes", "upcoming_birthday"} & set(texts)
    personal = pd.concat([contacts["family"], contacts["hobbies"], contacts["notes"]]).dropna()
    personal = set(personal[personal.str.len() >= 6])
    assert not [t for t in texts if any(p in t for p in personal)]
    birthdays = set(contacts["birthday"].dropna())
    assert not [v for v in values if isinstance(v, pd.Timestamp) and v in birthdays]
    iso = set(contacts["birthday"].dropna().dt.strftime("%Y-%m-%d"))
    assert not [t for t in texts if any(b in t for b in iso)]


# --- one as-of date for the dossier and the brief (issue 15) ------------------------------------


def _late_sale_tx():
    # 2025 sales of 200 up to the analysis date (2025-06-30), one sale of 899 after it.
    return pd.DataFrame(
        {
            "account_id": ["A"] * 4,
            "date": pd.to_datetime(["2024-05-10", "2025-02-10", "2025-05-10", "2025-09-01"]),
            "product_id": ["p1"] * 4,
            "quantity": [10.0, 5.0, 5.0, 20.0],
            "revenue": [400.0, 100.0, 100.0, 899.0],
            "cost": [300.0, 70.0, 70.0, 600.0],
        }
    )


def test_dossier_and_brief_of_one_report_show_one_revenue():
    """Analysis date 2025-06-30, a sale on 2025-09-01, the meeting on 2025-11-20: the report
    cuts both at min(meeting, analysis date) and both show 2025 revenue of 200 (it showed 200
    in the dossier and 1,099 in the brief when the brief cut at the last transaction)."""
    tx = _late_sale_tx()
    meeting, analysis = pd.Timestamp("2025-11-20"), pd.Timestamp("2025-06-30")
    as_of = min(meeting, analysis)  # what notebooks/annual_meeting.ipynb computes
    dossier = account_dossier("A", transactions=tx, as_of=as_of)
    brief = meeting_brief("A", transactions=tx, products=None, meeting_date=meeting, as_of=as_of)
    in_dossier = dossier.revenue_history.query("year == 2025")["revenue"].sum()
    by_year = brief.financial.by_year.set_index("year")["revenue"]
    assert in_dossier == by_year[2025] == 200.0
    assert brief.as_of == as_of and brief.parameters["as_of"] == "2025-06-30"
    # without as_of the brief keeps its documented default: the meeting or the last sale
    default = meeting_brief("A", transactions=tx, products=None, meeting_date=meeting)
    assert default.as_of == pd.Timestamp("2025-09-01")
    assert default.financial.by_year.set_index("year")["revenue"][2025] == 1099.0


def test_the_meeting_notebook_passes_one_as_of_to_dossier_and_brief():
    import json

    path = Path(__file__).resolve().parents[1] / "notebooks" / "annual_meeting.ipynb"
    code = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"])
    brief_call = code[code.index("kamlib.meeting_brief(") :]
    brief_call = brief_call[: brief_call.index(")\n")]
    assert "as_of=as_of" in brief_call
    assert "as_of=as_of" in code[code.index("kamlib.account_dossier(") :]


def test_meeting_brief_rejects_a_bad_as_of():
    with pytest.raises(ArgumentError, match="as_of"):
        meeting_brief(
            "A",
            transactions=_late_sale_tx(),
            products=None,
            meeting_date="2025-11-20",
            as_of="not a date",
        )


# --- `window_months` is `months` now; the old spelling warns for one release ----------------------


def _months_calls():
    from kamlib.account.dossier import account_info, share_of_wallet
    from kamlib.account.plan import cross_sell
    from kamlib.account.targets import baseline, next_year_targets

    tx = _late_sale_tx()
    one = {"transactions": tx, "as_of": "2025-09-30"}
    return [
        ("account_info", lambda **kw: account_info("A", **one, **kw)),
        (
            "share_of_wallet",
            lambda **kw: share_of_wallet("A", **one, accounts=None, competitors=None, **kw),
        ),
        ("negotiation_limits", lambda **kw: negotiation_limits("A", **one, products=None, **kw)),
        ("proposal_arguments", lambda **kw: proposal_arguments("A", **one, products=None, **kw)),
        ("baseline", lambda **kw: baseline("A", **one, **kw)),
        (
            "next_year_targets",
            lambda **kw: next_year_targets("A", **one, products=None, plan_year=2026, **kw),
        ),
        (
            "cross_sell",
            lambda **kw: cross_sell(
                "A", **one, accounts=None, classes={"A": "AX"}, similar_by="class", **kw
            ),
        ),
        (
            "meeting_brief",
            lambda **kw: (
                meeting_brief(
                    "A", transactions=tx, products=None, meeting_date="2025-11-20", **kw
                ).limits
            ),
        ),
    ]


@pytest.mark.parametrize("name", [n for n, _ in _months_calls()])
def test_window_months_is_still_accepted_with_a_warning_naming_months(name):
    call = dict(_months_calls())[name]
    new = call(months=6)
    warning = rf"{name}\(\): `window_months` is deprecated, pass `months` instead"
    with pytest.warns(DeprecationWarning, match=warning):
        old = call(window_months=6)
    if isinstance(new, pd.DataFrame):
        assert_frame_equal(old, new)
    else:
        pd.testing.assert_series_equal(old, new)

"""Issue 10, bullets 3 and 4: what the client hears vs what stays inside; a proposal that holds."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kamlib
from kamlib.account.dmu import dmu_roster
from kamlib.account.pricing import negotiation_limits
from kamlib.account.proposal import (
    CLIENT_ARGUMENTS,
    INTERNAL_ARGUMENTS,
    audience_of,
    draft_proposal,
    proposal_arguments,
)
from kamlib.errors import ArgumentError
from kamlib.portfolio.clients import key_clients
from kamlib.portfolio.profitability import client_pnl
from kamlib.words import proposal as wp

MEETING = "2025-11-20"


def _limits(price=(15.0, 20.0), cost=(10.0, 19.0), volume=(100.0, 50.0)):
    """p1 earns 5 a unit; p2 sells below its floor (19 x 1.15 = 21.85)."""
    return pd.DataFrame(
        {
            "product_id": ["p1", "p2"],
            "name": ["Pump", "Valve"],
            "volume": list(volume),
            "current_price": list(price),
            "unit_cost": list(cost),
            "floor_price": [round(c * 1.15, 2) for c in cost],
            "lowest_price": [
                max(round(c * 1.15, 2), p * 0.9) for p, c in zip(price, cost, strict=True)
            ],
            "max_discount": [0.1, 0.1],
        }
    )


def _row(kind, value=0.5, amount=10.0, base=20.0, detail="x"):
    return {
        "argument": kind,
        "value": value,
        "amount": amount,
        "base": base,
        "detail": detail,
        "months": 12,
    }


# --- the rule: one list of internal kinds -------------------------------------------------------


def test_internal_and_client_kinds_do_not_overlap():
    assert not set(CLIENT_ARGUMENTS) & INTERNAL_ARGUMENTS


def test_no_client_facing_sentence_comes_from_an_internal_kind():
    kinds = sorted(INTERNAL_ARGUMENTS | set(CLIENT_ARGUMENTS))
    args = pd.DataFrame([_row(k) for k in kinds])
    client = set(wp.arguments_table(args)["Argument"])
    internal = set(wp.arguments_table(args, for_client=False)["Argument"])
    assert len(client) == len(CLIENT_ARGUMENTS) and not client & internal
    # through the audiences too
    proposal = draft_proposal("A", _limits(), meeting_date=MEETING, arguments=args)
    told = set(wp.audience_table(proposal, args)["Argument"])
    assert not told & internal


def test_a_decline_and_a_poor_service_record_stay_inside():
    tx = pd.DataFrame(
        {
            "account_id": ["A", "A"],
            "product_id": ["p1", "p1"],
            "quantity": [10.0, 9.0],
            "revenue": [100.0, 90.0],
            "date": pd.to_datetime(["2024-06-01", "2025-06-01"]),
        }
    )
    actions = pd.DataFrame(
        {
            "account_id": ["A", "A"],
            "due_date": pd.to_datetime(["2025-03-01", "2025-04-01"]),
            "done_date": pd.to_datetime(["2025-02-01", "2025-05-01"]),
        }
    )
    args = proposal_arguments("A", transactions=tx, actions=actions, as_of="2025-12-31")
    kinds = args.set_index("argument")["for_client"]
    assert not kinds["decline"] and not kinds["service_below_target"]
    assert "growth" not in kinds and "service_record" not in kinds
    assert wp.arguments_table(args)["Argument"].tolist() == ["We supply you 1 product."]


# --- audiences ----------------------------------------------------------------------------------


def test_audience_by_role_first_title_as_fallback():
    roster = pd.DataFrame(
        {
            "title": [
                "Office Manager",
                "Senior Buyer",
                "Head of Procurement",
                "CFO",
                "Plant Manager",
                "Warehouse Lead",
                "Managing Director",
            ],
            "dmu_role": ["gatekeeper", "buyer", "decision maker", None, None, None, np.nan],
        }
    )
    assert audience_of(roster).tolist() == [
        "gatekeeper",
        "economic buyer",
        "decision maker",
        "finance",
        "technical",
        "user",
        "decision maker",
    ]
    assert audience_of(roster, {"buyer": "finance"})[1] == "finance"  # overridable
    with pytest.raises(ArgumentError, match="unknown audiences"):
        audience_of(roster, {"buyer": "executives"})


# --- a proposal that holds ----------------------------------------------------------------------


def test_contribution_is_after_cost_to_serve_and_a_rise_is_a_rise():
    p = draft_proposal("A", _limits(), meeting_date=MEETING, cost_to_serve=100.0)
    lines = p.lines.set_index("product_id")
    # p2 raised from 20 to its floor 21.85: a rise, never a negative discount
    assert lines.loc["p2", ["price", "change"]].tolist() == [21.85, "raised to floor"]
    assert lines.loc["p2", "price_change"] == pytest.approx(21.85 / 20 - 1)
    assert lines.loc["p1", ["price", "price_change", "change"]].tolist() == [15.0, 0.0, "unchanged"]
    today = 100 * 5 + 50 * 1 - 100.0
    after = 100 * 5 + 50 * 2.85 - 100.0
    assert p.totals["current_contribution"] == pytest.approx(today)
    assert p.totals["contribution"] == pytest.approx(after)
    assert p.situation == "active" and p.volume_basis == "last months"
    assert (p.lines["volume"] == p.lines["current_volume"]).all()  # no extrapolation
    table = wp.proposal_lines_table(p)
    assert "raised to floor +9.2 %" in table["Change"].tolist()
    assert not table["Change"].str.contains("-0.0").any()
    assert "rises by 92 (+20.6 %) to 542" in wp.proposal_sentence(p)


def test_a_price_rise_never_assumes_more_volume():
    p = draft_proposal("A", _limits(), volumes={"p1": 150.0, "p2": 80.0}, meeting_date=MEETING)
    lines = p.lines.set_index("product_id")
    assert lines.loc["p2", "volume"] == 50.0  # raised to the floor: today's volume at most
    assert lines.loc["p1", "volume"] == 150.0 and lines.loc["p1", "change"] == "discount"


def test_loss_making_account_gets_a_repair_proposal():
    p = draft_proposal(
        "A", _limits(), volumes={"p1": 150.0}, meeting_date=MEETING, cost_to_serve=700.0
    )
    assert p.situation == "repair"
    assert not (p.lines["change"] == "discount").any()  # no discount for a loss-maker
    assert (p.lines["price"] >= p.lines["floor_price"]).all()
    notes = " ".join(wp.internal_notes_table(None, p)["Note"])
    assert "The account loses 150 after cost to serve" in notes
    sentence = wp.proposal_sentence(p)
    assert sentence.startswith("Repair proposal") and "kept" not in sentence


def test_lost_account_gets_a_win_back_offer_within_the_floor():
    p = draft_proposal(
        "A", _limits(), meeting_date=MEETING, situation="win-back", cost_to_serve=0.0
    )
    lines = p.lines.set_index("product_id")
    assert lines.loc["p1", "price"] == 13.5  # 10 % off, above the floor 11.50
    assert lines.loc["p2", "price"] == 21.85  # the floor, not below
    assert (p.lines["price"] >= p.lines["floor_price"]).all()
    assert wp.offer_sentence(p).endswith(
        "reduced on 1 to welcome you back; valid until 2025-12-20."
    )
    assert "falls by" in wp.proposal_sentence(p)


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (1_788_386, 1_769_787, "contribution falls by 18,599 (-1.0 %) to 1,769,787"),
        (100.0, 150.0, "contribution rises by 50 (+50.0 %) to 150"),
        (100.0, 100.2, "contribution unchanged at 100"),
        (-78_017, 7_609, "contribution rises by 85,626 to 7,609"),
    ],
)
def test_change_sentence_is_true(before, after, expected):
    assert wp.change_sentence(before, after) == expected


def test_bad_arguments_raise():
    with pytest.raises(ArgumentError, match="situation"):
        draft_proposal("A", _limits(), meeting_date=MEETING, situation="growing")
    with pytest.raises(ArgumentError, match="cost_to_serve"):
        draft_proposal("A", _limits(), meeting_date=MEETING, cost_to_serve=-1.0)
    with pytest.raises(ArgumentError, match="volumes"):
        draft_proposal("A", _limits(), meeting_date=MEETING, volumes=[1.0])


# --- the sample's key accounts ------------------------------------------------------------------

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
AS_OF = "2025-12-31"
FORBIDDEN = re.compile(
    r"(?-i:\b[ABC][XYZ]\b)|key client|understated|budget|the floor|margin|cost|competitor"
    r"|share of wallet|contribution|(?<!\d)-\d|fell|declin|only \d",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def sample_proposals():
    if not (SAMPLE / "transactions.csv").is_file():
        pytest.skip("data/sample is not generated")
    ws = kamlib.load_workspace(SAMPLE)
    keys = key_clients(
        ws.transactions, accounts=ws.accounts, products=ws.products, roll_up=False, as_of=AS_OF
    )["client_id"].tolist()
    lost = ws.accounts.query("status == 'lost' and potential_budget >= 1e6")["account_id"]
    accounts = list(dict.fromkeys(keys + lost.tolist()))
    pnl = client_pnl(ws.transactions, ws.cost_to_serve, as_of=AS_OF, months=12)
    out = {}
    for a in accounts:
        args = proposal_arguments(
            a,
            transactions=ws.transactions,
            products=ws.products,
            accounts=ws.accounts,
            actions=ws.actions,
            tenders=ws.tenders,
            competitors=ws.competitors,
            as_of=AS_OF,
        )
        limits = negotiation_limits(
            a, transactions=ws.transactions, products=ws.products, as_of=AS_OF
        )
        p = draft_proposal(
            a,
            limits,
            meeting_date="2026-01-20",
            arguments=args,
            roster=dmu_roster(a, contacts=ws.contacts, as_of="2026-01-20"),
            cost_to_serve=float(pnl.loc[a, "cost_to_serve"]),
            situation="win-back" if a in set(lost) else None,
        )
        out[a] = (args, limits, p, pnl.loc[a])
    return out


def test_sample_has_its_key_accounts(sample_proposals):
    assert len(sample_proposals) == 18
    assert {"C0027", "C0112", "C0009"} <= set(sample_proposals)


def test_sample_client_facing_text_is_clean(sample_proposals):
    for account, (args, _, p, _) in sample_proposals.items():
        internal = set(wp.arguments_table(args, for_client=False)["Argument"])
        told = (
            list(wp.arguments_table(args)["Argument"])
            + list(wp.audience_table(p, args)["Argument"])
            + [wp.offer_sentence(p)]
        )
        assert not set(told) & internal, account
        dirty = [t for t in told if FORBIDDEN.search(t)]
        assert not dirty, (account, dirty)


def test_sample_proposals_hold(sample_proposals):
    for account, (_, limits, p, pnl) in sample_proposals.items():
        t = p.totals
        # the client analysis' contribution, on the products with a known cost
        if limits["unit_cost"].notna().all():
            assert t["current_contribution"] == pytest.approx(pnl["contribution"], abs=0.5)
        assert (p.lines["price"] >= p.lines["floor_price"]).all(), account
        sentence = wp.proposal_sentence(p)
        assert "kept" not in sentence
        if t["contribution"] < t["current_contribution"] - 0.5:
            assert "falls by" in sentence, (account, sentence)
        rises = p.lines["change"].isin(["rise", "raised to floor"])
        assert (p.lines.loc[rises, "price_change"] > 0).all()
        assert (p.lines.loc[rises, "volume"] <= np.ceil(p.lines.loc[rises, "current_volume"])).all()


def test_sample_breadwinner_loss_maker_and_lost(sample_proposals):
    _, _, c27, pnl27 = sample_proposals["C0027"]
    assert round(c27.totals["current_contribution"]) == 1_626_379 == round(pnl27["contribution"])
    args, _, c112, _ = sample_proposals["C0112"]
    assert c112.situation == "repair"
    assert (c112.lines["volume"] <= np.ceil(c112.lines["current_volume"])).all()
    notes = " ".join(wp.internal_notes_table(args, c112)["Note"])
    assert "The account loses 78,017 after cost to serve" in notes
    assert "Purchases fell by 10.5 %" in notes
    _, _, c9, _ = sample_proposals["C0009"]
    assert c9.situation == "win-back"
    assert (c9.lines["price"] <= c9.lines["current_price"]).all()

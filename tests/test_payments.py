"""Payments (issue 13): DSO, days late, overdue, class, cost of capital in the contribution.

Hand-checkable fixtures, then the planted slow payer C0009 of the sample, whose contribution
turns negative once the capital tied up in its receivables is costed.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kamlib
from kamlib import words
from kamlib.errors import ArgumentError, InputError
from kamlib.load.sample import PLANTED
from kamlib.portfolio.payments import (
    CAPITAL_RATE,
    PAYMENT_COLUMNS,
    capital_cost,
    capital_days,
    payment_behaviour,
)

AS_OF = pd.Timestamp("2025-12-31")


def _inv(rows):
    df = pd.DataFrame(rows, columns=["account_id", "date", "due_date", "amount", "paid_date"])
    for c in ("date", "due_date", "paid_date"):
        df[c] = pd.to_datetime(df[c])
    df["invoice_id"] = [f"I{i}" for i in range(len(df))]
    return df


@pytest.fixture
def invoices():
    return _inv(
        [
            # A pays 2 days before the due date: prompt
            ("A", "2025-03-31", "2025-04-30", 1000.0, "2025-04-28"),
            # B pays 20 days late, then leaves an invoice open 131 days past due: slow
            ("B", "2025-03-31", "2025-04-30", 2000.0, "2025-05-20"),
            ("B", "2025-07-31", "2025-08-22", 1000.0, None),
            # C: 10 days late: late
            ("C", "2025-06-30", "2025-07-30", 500.0, "2025-08-09"),
            # an old invoice of A, paid in 2024: outside the window
            ("A", "2024-01-31", "2024-03-01", 9999.0, "2024-03-01"),
        ]
    )


def test_capital_days_by_hand(invoices):
    days = capital_days(invoices, as_of=AS_OF, start="2025-01-01")
    # A: 1000 x 28 days; B: 2000 x 50 + 1000 x 154 (07-31 up to and with 12-31); C: 500 x 40
    assert days.to_dict() == {"A": 28_000.0, "B": 254_000.0, "C": 20_000.0}
    whole = capital_days(invoices, as_of=AS_OF)
    assert whole["A"] == 28_000.0 + 9999.0 * 30
    cost = capital_cost(invoices, as_of=AS_OF, start="2025-01-01", rate=0.073)
    assert cost["B"] == pytest.approx(254_000.0 * 0.073 / 365)


def test_behaviour_by_hand(invoices):
    pb = payment_behaviour(invoices, as_of=AS_OF)
    assert list(pb.columns) == list(PAYMENT_COLUMNS)
    assert pb["behaviour"].to_dict() == {"A": "prompt", "B": "slow", "C": "late"}
    assert pb.loc["A", "dso"] == 28.0 and pb.loc["A", "days_late"] == 0.0
    assert pb.loc["B", "days_late"] == pytest.approx((2000 * 20 + 1000 * 131) / 3000)
    assert pb.loc["B", "dso"] == pytest.approx(254_000 / 3000)
    assert pb.loc["B", "open_amount"] == pb.loc["B", "overdue_amount"] == 1000.0
    assert pb.loc["B", "overdue_90"] == 1000.0
    assert pb.loc["A", "invoiced"] == 1000.0 and pb.loc["A", "invoices"] == 1
    assert pb.loc["B", "capital_cost"] == pytest.approx(254_000 * CAPITAL_RATE / 365)


def test_paid_after_as_of_is_open_then(invoices):
    pb = payment_behaviour(invoices, as_of="2025-05-10")
    assert pb.loc["B", "open_amount"] == 2000.0 and pb.loc["B", "overdue_amount"] == 2000.0
    assert pb.loc["A", "open_amount"] == 0.0


def test_class_limits(invoices):
    pb = payment_behaviour(invoices, as_of=AS_OF, prompt_days=10)
    assert pb.loc["C", "behaviour"] == "prompt"
    pb = payment_behaviour(invoices, as_of=AS_OF, slow_days=5)
    assert pb.loc["C", "behaviour"] == "slow"


def test_missing_table_is_not_known():
    pb = payment_behaviour(None, as_of=AS_OF, accounts=["A"])
    assert pb.loc["A", "behaviour"] == "not known"
    assert pb[["dso", "overdue_amount", "capital_cost"]].isna().all().all()
    assert words.payment_sentence(pb.loc["A"]) == "Payment behaviour not known (no invoices table)."
    assert "not known" in words.capital_sentence(pd.Series({"contribution": 5.0}))


def test_bad_arguments(invoices):
    with pytest.raises(ArgumentError, match="rate"):
        payment_behaviour(invoices, as_of=AS_OF, rate=8)
    with pytest.raises(ArgumentError, match="months"):
        payment_behaviour(invoices, as_of=AS_OF, months=0)
    with pytest.raises(InputError, match="paid_date"):
        payment_behaviour(invoices.drop(columns="paid_date"), as_of=AS_OF)


@settings(max_examples=40, deadline=None)
@given(days=st.integers(1, 200), amount=st.floats(1.0, 1e6))
def test_dso_of_a_steady_payer_is_its_payment_delay(days, amount):
    """Paying every monthly invoice after `days` days gives a DSO of `days` (inside the year)."""
    dates = pd.date_range("2023-01-31", "2025-12-31", freq="ME")
    inv = _inv(
        [("A", d, d + pd.Timedelta(days=30), amount, d + pd.Timedelta(days=days)) for d in dates]
    )
    inv.loc[inv["paid_date"] > AS_OF, "paid_date"] = pd.NaT
    pb = payment_behaviour(inv, as_of=AS_OF)
    # the window holds 12 invoices; the December one is open for 1 day, and invoices of the
    # year before still open in January add to the balance: within one invoice's worth
    assert pb.loc["A", "dso"] == pytest.approx(days, abs=days / 12 + 2.6)


# --- the contribution after the cost of capital -------------------------------------------


def test_client_pnl_deducts_the_cost_of_capital():
    tx = pd.DataFrame(
        {
            "account_id": ["A", "B"],
            "date": pd.to_datetime(["2025-03-01", "2025-03-01"]),
            "revenue": [1000.0, 1000.0],
            "cost": [800.0, 800.0],
        }
    )
    inv = _inv(
        [
            ("A", "2025-03-01", "2025-03-31", 1000.0, "2025-03-31"),
            ("B", "2025-03-01", "2025-03-31", 1000.0, None),
        ]
    )
    plain = kamlib.client_pnl(tx, as_of=AS_OF, months=12)
    assert "capital_cost" not in plain.columns
    pnl = kamlib.client_pnl(tx, as_of=AS_OF, months=12, invoices=inv, capital_rate=0.365)
    assert pnl.loc["A", "capital_cost"] == pytest.approx(1000 * 30 * 0.001)
    assert pnl.loc["B", "capital_cost"] == pytest.approx(1000 * 306 * 0.001)
    assert pnl.loc["B", "contribution"] == pytest.approx(200 - 306)
    assert list(pnl.columns).index("capital_cost") == list(pnl.columns).index("contribution") - 1
    curve = kamlib.whale_curve(pnl)
    assert curve.index[-1] == "B" and curve["contribution"].iloc[-1] < 0
    with pytest.raises(ArgumentError, match="rate"):
        kamlib.client_pnl(tx, invoices=inv, capital_rate=-0.1)


@pytest.fixture(scope="module")
def ws(sample_workspace):
    return sample_workspace


def test_c0009_slow_payer_turns_negative_once_capital_is_costed(ws):
    pnl = kamlib.client_pnl(ws.transactions, ws.cost_to_serve, as_of=ws.as_of, months=12)
    cap = kamlib.client_pnl(
        ws.transactions, ws.cost_to_serve, as_of=ws.as_of, months=12, invoices=ws.invoices
    )
    assert pnl.loc["C0009", "contribution"] > 0 > cap.loc["C0009", "contribution"]
    key = list(PLANTED["key_accounts"])
    turned = [a for a in key if pnl.loc[a, "contribution"] >= 0 > cap.loc[a, "contribution"]]
    assert turned == ["C0009"]
    pb = payment_behaviour(ws.invoices, as_of=ws.as_of)
    assert pb.loc["C0009", "behaviour"] == "slow"
    assert pb.loc["C0009", "overdue_90"] > 500_000
    b = kamlib.beyond_sales(
        "C0009",
        transactions=ws.transactions,
        invoices=ws.invoices,
        cost_to_serve=ws.cost_to_serve,
        as_of=ws.as_of,
    )
    assert b.act_on["kind"].tolist() == ["slow payer", "capital cost"]
    assert b.contribution["after_capital"] < 0 <= b.contribution["contribution"]
    assert "turns the client into a loss" in words.capital_sentence(b.contribution)
    curve = kamlib.whale_curve(cap)
    assert curve.loc["C0009", "contribution"] < 0


def test_the_cost_of_capital_is_small_for_prompt_payers(ws):
    cap = kamlib.client_pnl(ws.transactions, ws.cost_to_serve, invoices=ws.invoices)
    prompt = payment_behaviour(ws.invoices, as_of=ws.as_of)
    prompt = prompt[prompt["behaviour"] == "prompt"].index
    share = cap.loc[prompt, "capital_cost"] / cap.loc[prompt, "revenue"]
    assert (share < 0.025).all()  # 30-60 days terms at 8 % a year: under 2.5 % of revenue


def test_payment_terms_as_a_lever():
    from kamlib.portfolio.payments import terms_lever

    t = terms_lever(365_000.0, days=[30, -10], rate=0.10).set_index("days")
    assert t.loc[30, "capital"] == 30_000.0 and t.loc[30, "cost_per_year"] == 3_000.0
    assert t.loc[30, "equivalent_discount"] == pytest.approx(30 * 0.10 / 365, abs=1e-6)
    assert t.loc[-10, "cost_per_year"] == -1_000.0
    with pytest.raises(ArgumentError, match="annual_revenue"):
        terms_lever(-1.0)

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamlib import words
from kamlib.errors import ArgumentError, InputError
from kamlib.portfolio.clients import (
    CRITERIA,
    client_shares,
    client_types,
    dependence,
    key_client_criteria,
    key_clients,
)

AS_OF = "2025-12-31"


def _tx(rows):
    return pd.DataFrame(
        {
            "account_id": [r[0] for r in rows],
            "date": pd.to_datetime([r[1] for r in rows]),
            "revenue": [r[2] for r in rows],
            "gross_profit": [r[3] for r in rows],
        }
    )


# a small portfolio, window 2025 (12 months to AS_OF):
#   a 40 (gp 4), b 30 (gp 12), c 20 (gp 2), d 10 (gp 2); x bought only in 2023
FOUR = _tx(
    [
        ("a", "2025-02-01", 40.0, 4.0),
        ("b", "2025-03-01", 30.0, 12.0),
        ("c", "2025-04-01", 20.0, 2.0),
        ("d", "2025-05-01", 10.0, 2.0),
        ("x", "2023-05-01", 99.0, 9.0),
    ]
)


def test_client_shares_by_hand():
    got = client_shares(FOUR, as_of=AS_OF)
    assert got["client_id"].tolist() == ["a", "b", "c", "d"]  # x: no sales in the window
    assert got["revenue_share"].tolist() == [0.4, 0.3, 0.2, 0.1]
    assert got["gp_share"].tolist() == [0.2, 0.6, 0.1, 0.1]
    assert got["cum_revenue_share"].round(2).tolist() == [0.4, 0.7, 0.9, 1.0]
    assert got["abc"].tolist() == ["A", "A", "B", "C"]
    everything = client_shares(FOUR, as_of=AS_OF, months=None)
    assert everything["client_id"].tolist()[0] == "x"


def test_as_of_defaults_to_the_last_transaction_and_cuts_later_lines():
    assert client_shares(FOUR)["revenue"].sum() == 100.0  # window ends 2025-05-01
    early = client_shares(FOUR, as_of="2025-03-01", months=2)
    assert early["client_id"].tolist() == ["a", "b"]  # window 2025-01-02 .. 2025-03-01


def test_roll_up_follows_parent_chains():
    accounts = pd.DataFrame(
        {"account_id": ["a", "b", "c", "G"], "parent_id": ["G", "G", None, "H"]}
    )
    got = client_shares(FOUR, accounts, as_of=AS_OF)
    assert got[["client_id", "accounts", "revenue"]].values.tolist() == [
        ["H", 2, 70.0],
        ["c", 1, 20.0],
        ["d", 1, 10.0],
    ]
    flat = client_shares(FOUR, accounts, as_of=AS_OF, roll_up=False)
    assert len(flat) == 4


def test_parent_cycle_raises():
    accounts = pd.DataFrame({"account_id": ["a", "b"], "parent_id": ["b", "a"]})
    with pytest.raises(InputError, match="parent-cycle"):
        client_shares(FOUR, accounts, as_of=AS_OF)


def test_unknown_gross_profit_is_nan_not_zero(caplog):
    tx = FOUR.copy()
    tx.loc[2, "gross_profit"] = np.nan
    got = client_shares(tx, as_of=AS_OF).set_index("client_id")
    assert np.isnan(got.loc["c", "gp_share"])
    assert got.loc["b", "gp_share"] == 12.0 / 18.0
    assert "gross profit unknown" in caplog.text


def test_client_types_by_hand():
    accounts = pd.DataFrame(
        {
            "account_id": ["a", "b", "c", "d", "x", "p", "q"],
            "image_maker": pd.array([False, False, True, None, False, False, False], "boolean"),
            "expert": pd.array([False, False, False, None, True, False, False], "boolean"),
            "status": ["client"] * 5 + ["prospect", "prospect"],
            "potential_budget": [0, 0, 0, 0, 0, 50.0, 5.0],
        }
    )
    tx = pd.concat([FOUR, _tx([("d", "2025-09-01", 0.0, 0.0)])])
    got = client_types(tx, accounts, as_of=AS_OF, new_months=12).set_index("client_id")
    # breadwinners: gp shares a .2, b .6, c .1, d .1 -> all >= 10 %
    assert got["breadwinner"].to_dict() == {
        "a": True,
        "b": True,
        "c": True,
        "d": True,
        "x": False,
        "p": False,
        "q": False,
    }
    # every 2025 buyer is new (first purchase within 12 months), but perspective needs a budget
    # >= 30 (the smallest class-A revenue: a .4, b .7 cumulative): a and b buy 40 and 30, c and
    # d have a potential budget of 0 and buy less; p's budget 50 >= 30, q's 5 is not
    assert got["perspective"].to_dict() == {
        "a": True,
        "b": True,
        "c": False,
        "d": False,
        "x": False,
        "p": True,
        "q": False,
    }
    assert got.loc["p", "perspective_reason"] == "prospect: potential budget 50 >= 30"
    assert got.loc["a", "perspective_reason"] == "new: first purchase 2025-02-01; revenue 40 >= 30"
    assert got.loc["c", "perspective_reason"] == ""
    assert got.loc["c", "types"] == "breadwinner, image_maker"
    assert got.loc["x", "types"] == "expert"
    assert pd.isna(got.loc["d", "image_maker"])  # unknown stays unknown
    assert got.loc["q", "types"] == ""


def test_client_types_without_accounts():
    got = client_types(FOUR, as_of=AS_OF, breadwinner_share=0.5)
    assert got.loc[got["breadwinner"].fillna(False), "client_id"].tolist() == ["b"]
    assert got["image_maker"].isna().all()


def test_key_client_criteria_by_hand():
    tx = pd.DataFrame(
        {
            "account_id": ["a", "a", "a", "b", "b"],
            "date": pd.to_datetime(
                ["2021-06-01", "2024-06-01", "2025-06-01", "2024-06-01", "2025-06-01"]
            ),
            "revenue": [10.0, 100.0, 150.0, 100.0, 50.0],
            "gross_profit": [1.0, 10.0, 30.0, 10.0, 5.0],
            "product_id": ["p1", "p1", "p2", "p1", "p1"],
        }
    )
    products = pd.DataFrame({"product_id": ["p1", "p2"], "category": ["tools", "paint"]})
    accounts = pd.DataFrame(
        {
            "account_id": ["a", "b"],
            "expert": pd.array([True, False], "boolean"),
            "since": pd.to_datetime(["2020-01-01", None]),
        }
    )
    got = key_client_criteria(tx, accounts, products, as_of=AS_OF)
    assert got["criterion"].tolist() == list(CRITERIA) * 2
    wide_met = got.pivot(index="client_id", columns="criterion", values="met")
    wide_value = got.pivot(index="client_id", columns="criterion", values="value")
    assert wide_met.loc["a"].to_dict() == {
        "stable_high_profit": True,  # profit class A (30 of 35), positive in 2024 too
        "long_cooperation": True,  # since 2020 -> 6 years
        "sales_growth": True,  # 150 / 100 - 1 = 0.5
        "new_business": True,  # paint first bought in 2025
        "market_influence": True,  # expert
    }
    assert wide_met.loc["b"].to_dict() == {
        "stable_high_profit": False,
        "long_cooperation": False,
        "sales_growth": False,
        "new_business": False,
        "market_influence": False,
    }
    assert wide_value.loc["a", "sales_growth"] == 0.5
    assert wide_value.loc["b", "sales_growth"] == -0.5
    assert wide_value.loc["a", "long_cooperation"] == pytest.approx(6.0, abs=0.01)
    assert wide_value.loc["a", "new_business"] == 1.0
    assert wide_value.loc["a", "stable_high_profit"] == 30.0


def test_key_clients_default_rule_and_custom_rule():
    accounts = pd.DataFrame(
        {"account_id": ["a", "b", "c", "d"], "image_maker": [False, False, False, True]}
    )
    got = key_clients(FOUR, accounts, as_of=AS_OF, breadwinner_share=0.5)
    # top 10 % of 4 clients -> round(0.4) = 0 -> at least one: a; b breadwinner; d image-maker
    assert got[["client_id", "reasons"]].values.tolist() == [
        ["a", "top_clients"],
        ["b", "breadwinner"],
        ["d", "image_maker"],
    ]
    both = key_clients(FOUR, accounts, as_of=AS_OF, rule=["abc_a", "breadwinner"], require=2)
    assert both["client_id"].tolist() == ["a", "b"]  # class A and >= 10 % of profit
    assert both["n_reasons"].tolist() == [2, 2]


def test_key_clients_rejects_unknown_rules():
    with pytest.raises(ArgumentError, match="`rule`"):
        key_clients(FOUR, rule=["big"])
    with pytest.raises(ArgumentError, match="`require`"):
        key_clients(FOUR, rule=["abc_a"], require=2)


def test_dependence_by_hand():
    d = dependence(FOUR, key=["a"], as_of=AS_OF)
    assert d.key_share == 0.4 and d.key_band == "within" and not d.mono_dependent
    assert d.hhi == pytest.approx(3000.0)  # 40² + 30² + 20² + 10²
    assert d.hhi_band == "highly concentrated"
    assert d.effective_clients == pytest.approx(1 / 0.3)
    assert (d.cr1, d.cr5, d.cr10) == pytest.approx((0.4, 1.0, 1.0))
    assert d.n_clients == 4
    assert d.large_clients[["client_id", "level"]].values.tolist() == [
        ["a", "dependence (> 20 %)"],
        ["b", "dependence (> 20 %)"],
        ["c", "disclosure (>= 10 %)"],
        ["d", "disclosure (>= 10 %)"],
    ]
    assert (
        words.dependence_sentences(d)[0]
        == "Key clients (1) hold 40.0 % of sales, within the typical 30-55 % band."
    )
    assert (
        words.dependence_sentences(d)[4]
        == "HHI 3,000 of 10,000: highly concentrated (above 2,500)."
    )
    assert len(words.dependence_table(d)) == 9 and len(words.dependence_sentences(d)) == 9


def test_dependence_mono_and_default_key_clients():
    d = dependence(FOUR, key=["a", "b", "c"], as_of=AS_OF)
    assert d.mono_dependent and d.key_band == "above"
    assert "mono-dependence" in words.dependence_sentences(d)[0]
    default = dependence(FOUR, as_of=AS_OF)  # key: a (top), b, c, d (all >= 10 % of profit)
    assert default.key_clients == ("a", "b", "c", "d")
    one = dependence(_tx([("a", "2025-01-01", 10.0, 1.0)]), key=[])
    assert (
        one.cr1 == 1.0 and one.hhi == 10_000 and "Mono-client" in words.dependence_sentences(one)[3]
    )


def test_dependence_bad_bands():
    with pytest.raises(ArgumentError, match="`band`"):
        dependence(FOUR, key=[], band=(0.6, 0.3))


def test_input_frames_are_not_mutated():
    tx = FOUR.copy()
    accounts = pd.DataFrame({"account_id": ["a"], "parent_id": ["G"]})
    before_tx, before_acc = tx.copy(), accounts.copy()
    dependence(tx, accounts, as_of=AS_OF)
    pd.testing.assert_frame_equal(tx, before_tx)
    pd.testing.assert_frame_equal(accounts, before_acc)


@settings(max_examples=10, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from("abcdefg"), st.integers(1, 500)), min_size=1, max_size=25),
    st.randoms(use_true_random=False),
)
def test_dependence_properties(rows, rnd):
    tx = _tx([(a, "2025-06-01", float(v), 1.0) for a, v in rows])
    d = dependence(tx, key=[])
    assert 0 < d.hhi <= 10_000
    assert 1 <= d.effective_clients <= d.n_clients + 1e-9
    assert d.cr1 <= d.cr5 <= d.cr10 <= 1 + 1e-12
    shuffled = tx.sample(frac=1, random_state=rnd.randint(0, 999))
    assert words.dependence_table(dependence(shuffled, key=[])).equals(words.dependence_table(d))


# ---- the sample portfolio's planted phenomena -------------------------------------------------

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def sample():
    from kamlib.load.workspace import load_workspace

    if not (SAMPLE / "transactions.csv").exists():
        pytest.skip("data/sample is not there")
    return load_workspace(SAMPLE)


def test_sample_planted_phenomena(sample):
    from kamlib.load.sample import PLANTED
    from kamlib.portfolio.abcxyz import abc_xyz

    tx, acc = sample.transactions, sample.accounts
    shares = client_shares(tx, acc, as_of=sample.as_of)
    # a Pareto-shaped portfolio: the top 15 clients hold 40-60 % of sales
    assert 0.40 <= shares["cum_revenue_share"].iat[14] <= 0.60
    # parent groups count as one client
    assert "G01" in set(shares["client_id"])
    assert not set(PLANTED["group_G01"]) & set(shares["client_id"])
    types = client_types(tx, acc, as_of=sample.as_of).set_index("client_id")
    # the breadwinner, and only it
    assert types.index[types["breadwinner"].fillna(False)].tolist() == list(PLANTED["breadwinner"])
    assert set(types.index[types["image_maker"].fillna(False)]) == set(PLANTED["image_makers"])
    assert set(types.index[types["expert"].fillna(False)]) == set(PLANTED["experts"])
    new = set(types.index[types["perspective_reason"].str.startswith("new")])
    assert new == set(PLANTED["new_clients"])
    d = dependence(tx, acc, as_of=sample.as_of)
    assert d.key_band == "within" and not d.mono_dependent
    assert d.large_clients["client_id"].tolist() == list(PLANTED["breadwinner"])
    # every XYZ class is populated; steady, seasonal and erratic key accounts land in X, Y, Z
    r = abc_xyz(tx, as_of=sample.as_of).set_index("account_id")
    assert {"X", "Y", "Z"} <= set(r["xyz"])
    assert (r.loc[list(PLANTED["seasonal_key_accounts"]), "xyz"] == "Y").all()
    assert (r.loc[list(PLANTED["erratic_key_accounts"]), "xyz"] == "Z").all()


# ---- plot -------------------------------------------------------------------------------------


def test_plot_pareto_from_shares_and_transactions():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kamlib.plots.portfolio import plot_pareto

    fig, (ax1, ax2) = plt.subplots(1, 2)
    try:
        out = plot_pareto(client_shares(FOUR, as_of=AS_OF), ax=ax1)
        assert out is ax1 and len(ax1.lines) == 2  # the curve and the even-spread diagonal
        curve = ax1.lines[0]
        assert list(curve.get_xdata()) == [0.0, 25.0, 50.0, 75.0, 100.0]
        assert list(np.round(curve.get_ydata(), 6)) == [0.0, 40.0, 70.0, 90.0, 100.0]
        assert ax1.texts[0].get_text() == "75 % of clients hold 90 % of revenue"
        assert [t.get_text() for t in ax1.get_legend().get_texts()] == [
            "clients by revenue",
            "even spread",
        ]
        plot_pareto(FOUR, value="gross_profit", months=None, ax=ax2)
        assert ax2.get_ylabel() == "cumulative % of gross profit"
        assert ax2.get_title() == "Pareto curve: 5 clients"
        with pytest.raises(ArgumentError, match="`data`"):
            plot_pareto(pd.Series({"a": -1.0}), ax=ax2)
    finally:
        plt.close(fig)


# ---- rules a manager trusts (issue 10) ------------------------------------------------------


def test_perspective_requires_a_budget():
    # n, m and k are new and small (5 each); k has no potential budget recorded; p is a
    # prospect. Revenue 115: a 40, b 30, c 20 are class A (cumulative .35, .61, .78), so the
    # budget floor is 20.
    small = [("n", "2025-09-01", 5.0, 1.0), ("m", "2025-10-01", 5.0, 1.0)]
    tx = pd.concat([FOUR, _tx([*small, ("k", "2025-11-01", 5.0, 1.0)])])
    accounts = pd.DataFrame(
        {
            "account_id": ["a", "b", "c", "d", "n", "m", "k", "p"],
            "status": ["client"] * 7 + ["prospect"],
            "potential_budget": [0.0, 0.0, 0.0, 0.0, 500.0, 19.0, np.nan, 30.0],
        }
    )
    got = client_types(tx, accounts, as_of=AS_OF).set_index("client_id")
    flags = got["perspective"]
    assert pd.isna(flags["k"])  # new, small so far, no budget recorded: unknown, not "no"
    assert flags.drop("k").astype(bool).to_dict() == {
        "a": True,  # buys 40 >= 20: its purchases prove the budget
        "b": True,
        "c": True,  # buys 20 >= 20
        "d": False,  # new, buys 10, potential budget 0
        "n": True,  # new, budget 500 >= 20
        "m": False,  # new, budget 19: small
        "p": True,
        "x": False,
    }
    assert got.loc["n", "perspective_reason"] == (
        "new: first purchase 2025-09-01; potential budget 500 >= 20"
    )
    assert got.loc["k", "types"] == "" and got.loc["m", "perspective_reason"] == ""
    # an explicit budget floor
    high = client_types(tx, accounts, as_of=AS_OF, prospect_budget=100.0).set_index("client_id")
    assert high.index[high["perspective"].fillna(False).astype(bool)].tolist() == ["n"]
    for bad in (-1.0, float("nan"), "big", True):
        with pytest.raises(ArgumentError, match="prospect_budget"):
            client_types(tx, accounts, as_of=AS_OF, prospect_budget=bad)


def test_stable_high_profit_uses_the_contribution_when_cost_to_serve_is_given():
    # a earns gp 30 in 2025 (20 in 2024) but costs 40 to serve in 2025: contribution -10
    tx = _tx(
        [
            ("a", "2024-03-01", 100.0, 20.0),
            ("a", "2025-03-01", 150.0, 30.0),
            ("b", "2024-04-01", 50.0, 5.0),
            ("b", "2025-04-01", 50.0, 8.0),
        ]
    )
    cts = pd.DataFrame(
        {
            "account_id": ["a", "a", "b"],
            "date": pd.to_datetime(["2024-03-31", "2025-03-31", "2025-06-30"]),
            "amount": [5.0, 40.0, 1.0],
        }
    )

    def high(**kw):
        c = key_client_criteria(tx, as_of=AS_OF, **kw)
        return c[c["criterion"] == "stable_high_profit"].set_index("client_id")

    gross = high()
    assert gross["value"].to_dict() == {"a": 30.0, "b": 8.0}
    assert gross["met"].tolist() == [True, False]  # gross profit: a is class A
    net = high(cost_to_serve=cts)
    assert net["value"].to_dict() == {"a": -10.0, "b": 7.0}  # gp - cost to serve, 2025
    assert net.loc["a", "met"] == False  # noqa: E712 (a loss-maker is never stable high profit)
    assert net.loc["b", "met"] == True  # noqa: E712 (b is the only positive one: class A)
    assert net.loc["b", "threshold"] == 7.0
    # key_clients passes the table on
    keys = key_clients(tx, rule=["stable_high_profit"], cost_to_serve=cts)
    assert keys["client_id"].tolist() == ["b"]
    with pytest.raises(InputError):
        key_client_criteria(tx, as_of=AS_OF, cost_to_serve=cts.drop(columns="amount"))


def test_sample_loss_maker_is_not_stable_high_profit(sample):
    crit = key_client_criteria(
        sample.transactions,
        sample.accounts,
        sample.products,
        as_of=sample.as_of,
        cost_to_serve=sample.cost_to_serve,
    )
    high = crit[crit["criterion"] == "stable_high_profit"].set_index("client_id")
    assert high.loc["C0112", "value"] == pytest.approx(-78016.55, abs=0.01)  # after cost to serve
    assert high.loc["C0112", "met"] == False  # noqa: E712
    assert high.loc["C0027", "value"] == pytest.approx(1626378.82, abs=0.01)
    assert high.loc["C0027", "met"] == True  # noqa: E712
    negative = high.index[high["value"] < 0]
    assert len(negative) and not high.loc[negative, "met"].fillna(False).any()


def test_sample_perspective_clients_have_a_budget(sample):
    types = client_types(sample.transactions, sample.accounts, as_of=sample.as_of)
    types = types.set_index("client_id")
    shares = client_shares(sample.transactions, sample.accounts, as_of=sample.as_of)
    floor = shares.loc[shares["abc"] == "A", "revenue"].min()  # the default budget floor
    chosen = types[types["perspective"].fillna(False).astype(bool)]
    assert len(chosen) == 19  # 8 new clients and 11 prospects, each with a budget >= floor
    budget = chosen["potential_budget"].fillna(0.0).clip(lower=chosen["revenue"])
    assert (budget >= floor).all()
    assert chosen["perspective_reason"].str.endswith(f">= {floor:,.0f}").all()

from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamlib.errors import KamlibError
from kamlib.portfolio.shares import round_shares


def test_three_equal_shares_reliability_case_45():
    # docs/reliability.md case 45: naive rounding shows 33.3 x 3 = 99.9
    assert round_shares([1, 1, 1]).tolist() == [33.4, 33.3, 33.3]


def test_index_and_name_are_kept():
    s = pd.Series([2.0, 1.0, 1.0], index=["x", "y", "z"], name="revenue")
    out = round_shares(s, decimals=0)
    assert out.to_dict() == {"x": 50.0, "y": 25.0, "z": 25.0}
    assert out.name == "revenue"
    assert s.tolist() == [2.0, 1.0, 1.0]  # input untouched


def test_largest_remainder_goes_to_largest_fraction():
    # 1/7, 2/7, 4/7 of 100 = 14.2857, 28.5714, 57.1428 -> floors 14, 28, 57 (99); the
    # largest remainder (.5714) gets the missing unit
    assert round_shares([1, 2, 4], decimals=0).tolist() == [14.0, 29.0, 57.0]


def test_fractions_and_zeros():
    assert round_shares([0, 1, 3], total=1.0, decimals=2).tolist() == [0.0, 0.25, 0.75]


def test_empty_gives_empty():
    assert round_shares([]).empty


@pytest.mark.parametrize(
    "values, kwargs, word",
    [
        ([1, -1], {}, "`values`"),
        ([1, float("nan")], {}, "`values`"),
        ([0, 0], {}, "`values`"),
        ([1, 2], {"decimals": -1}, "`decimals`"),
        ([1, 2], {"total": 0.05, "decimals": 1}, "`total`"),
    ],
)
def test_bad_input_names_the_parameter(values, kwargs, word):
    with pytest.raises(KamlibError, match=word):
        round_shares(values, **kwargs)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(0, 1e9, allow_nan=False), min_size=1, max_size=40).filter(
        lambda v: sum(v) > 0
    ),
    st.integers(0, 3),
)
def test_sum_is_exact(values, decimals):
    out = round_shares(values, decimals=decimals)
    assert sum(Decimal(str(x)) for x in out) == Decimal(100)
    # each shown share is within one display unit of the true share
    true = pd.Series(values) / sum(values) * 100
    assert ((out - true).abs() <= 10**-decimals + 1e-9).all()


# ---- one denominator for every share of revenue (issue 11) -----------------------------------


def test_key_client_share_is_the_same_in_every_table():
    """Net total vs positive clients' total gave 59.5 % in one table and 59.4 % in the next."""
    import kamlib
    from kamlib.portfolio.shares import revenue_shares

    day = pd.Timestamp("2025-06-01")
    tx = pd.DataFrame(
        {
            "account_id": ["a", "b", "c", "d", "e", "ret"],
            "date": [day] * 6,
            "revenue": [500.0, 200.0, 150.0, 100.0, 50.0, -60.0],  # "ret": net returns
            "gross_profit": [100.0, 2.0, 2.0, 2.0, 2.0, -1.0],  # one breadwinner: a
        }
    )
    key = kamlib.key_clients(tx, top_share=0.2)  # the top 20 % of 5 positive clients: a
    dep = kamlib.dependence(tx, key=key["client_id"])
    pnl = kamlib.client_pnl(tx)
    shares = kamlib.client_shares(tx).set_index("client_id")["revenue_share"]
    assert list(key["client_id"]) == ["a"]
    assert key["revenue_share"].sum() == dep.key_share == pnl.loc["a", "revenue_share"] == 0.5
    assert shares["a"] == 0.5 and shares["ret"] == -0.06  # 500 and -60 of the positive 1 000
    assert shares.tolist() == revenue_shares(pd.Series([500.0, 200, 150, 100, 50, -60])).tolist()
    abc = kamlib.abc_xyz(tx, as_of=day).set_index("account_id")
    assert dep.cr1 == 0.5 and abc.loc["a", "share"] == 0.5

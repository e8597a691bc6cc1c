import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamlib.errors import ConfigError, InputError
from kamlib.sales import sales_by_period


def _tx():
    return pd.DataFrame(
        {
            "account_id": ["001", "001", "001", "002", "002"],
            "date": pd.to_datetime(
                ["2024-01-05", "2024-01-31", "2024-04-02", "2024-02-10", "2024-02-11"]
            ),
            "revenue": [100.0, 50.0, 30.0, 80.0, -20.0],
            "cost": [60.0, 30.0, 10.0, 50.0, -12.0],
            "gross_profit": [40.0, 20.0, 20.0, 30.0, -8.0],
            "quantity": [10.0, 5.0, 3.0, 8.0, -2.0],
            "order_id": ["o1", "o1", "o2", "o3", "o4"],
            "product_id": ["p1", "p2", "p1", "p1", "p1"],
            "region": ["North", "North", "North", "South", "South"],
        }
    )


def test_monthly_by_account_by_hand():
    out = sales_by_period(_tx())
    expected = pd.DataFrame(
        {
            "account_id": ["001", "001", "002"],
            "period": pd.to_datetime(["2024-01-01", "2024-04-01", "2024-02-01"]),
            "revenue": [150.0, 30.0, 60.0],
            "cost": [90.0, 10.0, 38.0],
            "gross_profit": [60.0, 20.0, 22.0],
            "quantity": [15.0, 3.0, 6.0],
            "lines": [2, 1, 2],
            "orders": pd.array([1, 1, 2], dtype="Int64"),
            "first_date": pd.to_datetime(["2024-01-05", "2024-04-02", "2024-02-10"]),
            "last_date": pd.to_datetime(["2024-01-31", "2024-04-02", "2024-02-11"]),
        }
    ).astype(
        {
            "account_id": "str",
            "period": "datetime64[us]",
            "first_date": "datetime64[us]",
            "last_date": "datetime64[us]",
        }
    )
    pd.testing.assert_frame_equal(out, expected)


@pytest.mark.parametrize(
    "period, starts",
    [
        ("D", ["2024-01-05", "2024-01-31", "2024-04-02", "2024-02-10", "2024-02-11"]),
        ("Q", ["2024-01-01", "2024-04-01", "2024-01-01"]),
        ("Y", ["2024-01-01", "2024-01-01"]),
        ("W", ["2024-01-01", "2024-01-29", "2024-04-01", "2024-02-05"]),
    ],
)
def test_period_starts(period, starts):
    out = sales_by_period(_tx(), period=period)
    assert out["period"].dt.strftime("%Y-%m-%d").tolist() == starts
    assert out["revenue"].sum() == 240.0


def test_whole_window_and_portfolio_total():
    per_account = sales_by_period(_tx(), period=None)
    assert "period" not in per_account
    assert per_account["revenue"].tolist() == [180.0, 60.0]
    total = sales_by_period(_tx(), period="Y", by=())
    assert total[["revenue", "lines"]].values.tolist() == [[240.0, 5]]


def test_by_product_and_region():
    out = sales_by_period(_tx(), period=None, by=("region", "product_id"))
    assert out[["region", "product_id", "revenue"]].values.tolist() == [
        ["North", "p1", 130.0],
        ["North", "p2", 50.0],
        ["South", "p1", 60.0],
    ]


def test_start_and_end_are_inclusive_days():
    tx = _tx()
    tx.loc[1, "date"] = pd.Timestamp("2024-01-31 18:30")
    out = sales_by_period(tx, start="2024-01-31", end="2024-02-10")
    assert out[["account_id", "revenue"]].values.tolist() == [["001", 50.0], ["002", 80.0]]


def test_missing_keys_and_dates_are_kept_not_dropped():
    tx = _tx()
    tx.loc[0, "account_id"] = np.nan
    tx.loc[4, "date"] = pd.NaT
    out = sales_by_period(tx, start="2024-01-01", end="2024-12-31")
    assert out["revenue"].sum() == 240.0
    assert out["account_id"].isna().tolist() == [False, False, False, False, True]
    assert out["period"].isna().sum() == 1
    with pytest.raises(InputError, match="missing-date"):
        sales_by_period(tx, period=None, end="2024-12-31")
    assert sales_by_period(tx, period=None)["lines"].sum() == 5


def test_partial_cost_gives_nan_and_missing_one_is_derived():
    tx = _tx().drop(columns="gross_profit")
    tx.loc[2, "cost"] = np.nan
    out = sales_by_period(tx, period=None)
    assert np.isnan(out.loc[0, "cost"]) and np.isnan(out.loc[0, "gross_profit"])
    assert out.loc[1, "gross_profit"] == 22.0  # 60 - 38, derived per line
    bare = sales_by_period(tx[["account_id", "date", "revenue"]], period=None)
    assert bare["cost"].isna().all() and bare["orders"].isna().all()


def test_input_frame_is_not_mutated():
    tx = _tx()
    before = tx.copy()
    sales_by_period(tx, by=("account_id", "region"))
    pd.testing.assert_frame_equal(tx, before)


def test_parquet_and_csv_files_give_the_frame_result(tmp_path):
    tx = _tx()
    tx.iloc[:3].to_parquet(tmp_path / "a.parquet")
    tx.iloc[3:].to_parquet(tmp_path / "b.parquet")
    tx.to_csv(tmp_path / "t.csv", index=False)
    expected = sales_by_period(tx)
    both = sales_by_period([tmp_path / "a.parquet", tmp_path / "b.parquet"])
    pd.testing.assert_frame_equal(both, expected)
    from_csv = sales_by_period(str(tmp_path / "t.csv"))
    pd.testing.assert_frame_equal(from_csv, expected)
    assert from_csv["account_id"].tolist()[0] == "001"  # leading zeros kept


def test_errors_name_the_parameter(tmp_path):
    with pytest.raises(ConfigError, match="`period`"):
        sales_by_period(_tx(), period="H")
    with pytest.raises(InputError, match="customer"):
        sales_by_period(_tx(), by=("customer",))
    with pytest.raises(ConfigError, match="`start`"):
        sales_by_period(_tx(), start="not a date")
    (tmp_path / "x.xlsx").write_bytes(b"")
    with pytest.raises(ConfigError, match="`transactions`"):
        sales_by_period(tmp_path / "x.xlsx")


# ---- properties --------------------------------------------------------------------------

_lines = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c", "007"]),
        st.integers(0, 400),  # day offset
        st.integers(-50_00, 500_00),  # revenue in cents
    ),
    min_size=1,
    max_size=40,
)


def _frame(rows):
    return pd.DataFrame(
        {
            "account_id": pd.Series([r[0] for r in rows], dtype="str"),
            "date": pd.Timestamp("2023-11-01") + pd.to_timedelta([r[1] for r in rows], unit="D"),
            "revenue": [r[2] / 100 for r in rows],
        }
    )


@settings(max_examples=15, deadline=None)
@given(rows=_lines, period=st.sampled_from(["M", "Q", "W"]), rnd=st.randoms(use_true_random=False))
def test_revenue_preserved_and_order_and_split_do_not_matter(rows, period, rnd, tmp_path_factory):
    tx = _frame(rows)
    out = sales_by_period(tx, period=period)
    assert out["revenue"].sum() == pytest.approx(tx["revenue"].sum(), abs=1e-6)
    assert out["lines"].sum() == len(tx)

    shuffled = tx.sample(frac=1, random_state=rnd.randint(0, 10**6))
    pd.testing.assert_frame_equal(sales_by_period(shuffled, period=period), out)

    cut = rnd.randint(0, len(tx))
    folder = tmp_path_factory.mktemp("split")
    tx.iloc[:cut].to_parquet(folder / "one.parquet")
    tx.iloc[cut:].to_parquet(folder / "two.parquet")
    split = sales_by_period([folder / "one.parquet", folder / "two.parquet"], period=period)
    pd.testing.assert_frame_equal(split, out)


def test_reversed_view_of_a_frame_is_accepted():
    """DuckDB cannot scan negative-stride numeric columns; sales_by_period copies them."""
    df = pd.DataFrame({"account_id": ["a", "b", "a"], "revenue": [1.0, 2.0, 3.0],
                       "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-02-01"])})
    got = sales_by_period(df.iloc[::-1])
    assert got["revenue"].tolist() == [1.0, 3.0, 2.0]

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamlib import words
from kamlib.errors import ArgumentError, InputError
from kamlib.portfolio.sales import sales_by_period


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
    with pytest.warns(DeprecationWarning, match="`start` is deprecated"):
        out = sales_by_period(tx, start="2024-01-31", end="2024-02-10")
    assert out[["account_id", "revenue"]].values.tolist() == [["001", 50.0], ["002", 80.0]]


def test_missing_keys_and_dates_are_kept_not_dropped():
    tx = _tx()
    tx.loc[0, "account_id"] = np.nan
    tx.loc[4, "date"] = pd.NaT
    out = sales_by_period(tx, as_of="2024-12-31", months=12)
    assert out["revenue"].sum() == 240.0
    assert out["account_id"].isna().tolist() == [False, False, False, False, True]
    assert out["period"].isna().sum() == 1
    with pytest.raises(InputError, match="missing-date"):
        sales_by_period(tx, period=None, as_of="2024-12-31")
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
    with pytest.raises(ArgumentError, match="`period`"):
        sales_by_period(_tx(), period="H")
    with pytest.raises(InputError, match="customer"):
        sales_by_period(_tx(), by=("customer",))
    with pytest.raises(ArgumentError, match="`as_of`"):
        sales_by_period(_tx(), as_of="not a date")
    with pytest.raises(ArgumentError, match="`start`"), pytest.warns(DeprecationWarning):
        sales_by_period(_tx(), start="not a date")
    with pytest.raises(ArgumentError, match="`months`"):
        sales_by_period(_tx(), months=-1)
    (tmp_path / "x.xlsx").write_bytes(b"")
    with pytest.raises(ArgumentError, match="`transactions`"):
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
    df = pd.DataFrame(
        {
            "account_id": ["a", "b", "a"],
            "revenue": [1.0, 2.0, 3.0],
            "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-02-01"]),
        }
    )
    got = sales_by_period(df.iloc[::-1])
    assert got["revenue"].tolist() == [1.0, 3.0, 2.0]


# ---- the account x day cube ---------------------------------------------------------------

from kamlib.errors import ArgumentError as _ArgumentError  # noqa: E402
from kamlib.portfolio.abcxyz import abc_xyz, migration  # noqa: E402
from kamlib.portfolio.churn import client_status  # noqa: E402
from kamlib.portfolio.clients import client_shares, dependence, key_client_criteria  # noqa: E402
from kamlib.portfolio.profitability import client_pnl  # noqa: E402
from kamlib.portfolio.sales import SalesCube, sales_cube  # noqa: E402


def _cube_tx():
    return pd.DataFrame(
        {
            "account_id": ["001", "001", "001", "001", "002", "002", None],
            "date": pd.to_datetime(
                [
                    "2024-01-05 09:00",
                    "2024-01-05 17:30",
                    "2024-01-06 00:00",  # the rest of order o1, delivered a day later
                    "2024-03-01 00:00",
                    "2024-01-05 00:00",
                    "2024-01-05 00:00",
                    "2024-02-01 00:00",
                ]
            ),
            "revenue": [100.0, -20.0, 50.0, 30.0, 80.0, 10.0, 5.0],
            "cost": [60.0, -12.0, 30.0, np.nan, 50.0, 6.0, 3.0],
            "quantity": [10.0, -2.0, 5.0, 3.0, 8.0, 1.0, 1.0],
            "order_id": ["o1", "o1", "o1", "o2", "o3", None, "o4"],
        }
    )


def test_sales_cube_by_hand():
    cube = sales_cube(_cube_tx())
    assert isinstance(cube, SalesCube)
    assert repr(cube) == "SalesCube(5 account-days of 2 accounts, 7 lines)"
    days = cube.days
    assert days["account_id"].astype("str").tolist()[:4] == ["001", "001", "001", "002"]
    assert days["account_id"].isna().tolist() == [False, False, False, False, True]
    assert days["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-01-05",
        "2024-01-06",
        "2024-03-01",
        "2024-01-05",
        "2024-02-01",
    ]
    expected = pd.DataFrame(
        {
            "lines": [2, 1, 1, 2, 1],
            "revenue": [80.0, 50.0, 30.0, 90.0, 5.0],
            "gross_revenue": [100.0, 50.0, 30.0, 90.0, 5.0],
            "returns": [-20.0, 0.0, 0.0, 0.0, 0.0],
            "cost": [48.0, 30.0, np.nan, 56.0, 3.0],  # 03-01 lacks its cost
            "gross_profit": [32.0, 20.0, np.nan, 34.0, 2.0],
            "lines_without_cost": [0, 0, 1, 0, 0],
            "quantity": [8.0, 5.0, 3.0, 9.0, 1.0],
            "orders": [1, 1, 1, 1, 1],
            "lines_without_order": [0, 0, 0, 1, 0],
        }
    )
    pd.testing.assert_frame_equal(days[expected.columns].reset_index(drop=True), expected)
    # o1 spans two days of 001: listed, so that it is counted once
    split = cube.split_orders
    assert split.values.tolist() == [
        ["001", pd.Timestamp("2024-01-05"), "o1"],
        ["001", pd.Timestamp("2024-01-06"), "o1"],
    ]


def test_cube_counts_an_order_over_several_days_once():
    tx, cube = _cube_tx(), sales_cube(_cube_tx())
    windows = (
        {},
        {"start": "2024-01-06"},
        {"as_of": "2024-01-05"},
        {"as_of": "2024-01-06", "months": 1},
    )
    for kwargs in windows:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # `start`: a window from any day
            lines = sales_by_period(tx, period=None, **kwargs)
            from_cube = sales_by_period(cube, period=None, **kwargs)
        pd.testing.assert_frame_equal(
            from_cube.drop(columns=["first_date", "last_date"]),
            lines.drop(columns=["first_date", "last_date"]),
        )
    assert sales_by_period(cube, period="Y", by=())["orders"].tolist() == [4]
    pnl = client_pnl(cube)
    # 001: o1 (two days) and o2; 002: o3 and a line without an order id (one order per day)
    assert pnl["orders"].tolist() == [2, 2, 1]
    assert client_pnl(cube, start="2024-01-06")["orders"].tolist() == [2, 1]


def test_cube_dates_are_days():
    cube = sales_cube(_cube_tx())
    lines = sales_by_period(_cube_tx(), period="M")
    days = sales_by_period(cube, period="M")
    assert lines.loc[0, "last_date"] == pd.Timestamp("2024-01-06")
    assert days.loc[0, "first_date"] == pd.Timestamp("2024-01-05")  # 09:00 dropped
    pd.testing.assert_frame_equal(
        days.drop(columns=["first_date", "last_date"]),
        lines.drop(columns=["first_date", "last_date"]),
    )


def test_cube_from_files_and_without_optional_columns(tmp_path):
    tx = _cube_tx()
    tx.to_parquet(tmp_path / "tx.parquet")
    tx.to_csv(tmp_path / "tx.csv", index=False)
    cube = sales_cube(tx)
    for path in (tmp_path / "tx.parquet", str(tmp_path / "tx.csv")):
        from_file = sales_cube(path)
        pd.testing.assert_frame_equal(from_file.days, cube.days)
        pd.testing.assert_frame_equal(from_file.split_orders, cube.split_orders)
    assert sales_cube(tmp_path / "tx.csv").days["account_id"].iat[0] == "001"  # leading zeros
    bare = sales_cube(tx[["account_id", "date", "revenue"]]).days
    assert bare[["cost", "gross_profit", "quantity"]].isna().all().all()
    assert (bare["orders"] == 0).all() and (bare["lines_without_order"] == bare["lines"]).all()
    profit_only = sales_cube(tx.drop(columns="cost").assign(gross_profit=1.0)).days
    assert profit_only["cost"].tolist() == (profit_only["revenue"] - profit_only["lines"]).tolist()


def test_cube_errors_and_limits():
    cube = sales_cube(_cube_tx())
    with pytest.raises(InputError, match="product_id"):
        sales_by_period(cube, by=("account_id", "product_id"))
    with pytest.raises(_ArgumentError, match="`account`"):
        client_pnl(cube, account="parent_id")
    with pytest.raises(InputError, match="date"):
        sales_cube(_cube_tx().drop(columns="date"))
    empty = sales_cube(_cube_tx().iloc[:0])
    assert empty.days.empty and abc_xyz(empty).empty and client_pnl(empty).empty


def _analysis_tx(rows):
    tx = pd.DataFrame(rows, columns=["account_id", "day", "revenue", "cost", "order_id"])
    tx["date"] = pd.Timestamp("2023-12-01") + pd.to_timedelta(tx.pop("day"), unit="D")
    return tx


_analysis_rows = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c", "007"]),
        st.integers(0, 500),
        st.sampled_from([-5.0, 0.0, 12.5, 40.0, 300.0]),
        st.sampled_from([np.nan, 1.0, 10.0]),
        st.sampled_from([None, "o1", "o2", "o3", "o4", "o5", "o6"]),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=8, deadline=None)  # each example runs a dozen DuckDB queries
@given(rows=_analysis_rows)
def test_analyses_give_the_same_results_from_the_cube(rows):
    tx = _analysis_tx(rows)
    cube = sales_cube(tx)
    as_of = "2025-03-31"
    pd.testing.assert_frame_equal(abc_xyz(cube, as_of=as_of), abc_xyz(tx, as_of=as_of))
    pd.testing.assert_frame_equal(client_shares(cube, as_of=as_of), client_shares(tx, as_of=as_of))
    pd.testing.assert_frame_equal(
        words.dependence_table(dependence(cube, as_of=as_of)),
        words.dependence_table(dependence(tx, as_of=as_of)),
    )
    pd.testing.assert_frame_equal(
        client_pnl(cube, start="2024-03-01"), client_pnl(tx, start="2024-03-01")
    )
    pd.testing.assert_frame_equal(client_status(cube, as_of=as_of), client_status(tx, as_of=as_of))


def test_migration_and_criteria_from_the_cube():
    tx = (
        _cube_tx()
        .dropna(subset=["account_id"])
        .assign(date=lambda f: f["date"] + pd.DateOffset(years=1))
    )
    tx = pd.concat([_cube_tx().dropna(subset=["account_id"]), tx], ignore_index=True)
    tx["date"] = tx["date"].dt.normalize()  # a cube keeps days: times would change tenures
    cube = sales_cube(tx)
    for how in ("count", "revenue"):
        pd.testing.assert_frame_equal(
            migration(cube, as_of="2025-12-31", how=how),
            migration(tx, as_of="2025-12-31", how=how),
        )
    crit, lines = (
        key_client_criteria(cube, as_of="2025-12-31"),
        key_client_criteria(tx, as_of="2025-12-31"),
    )
    pd.testing.assert_frame_equal(crit, lines)
    new = crit[crit["criterion"] == "new_business"]
    assert new["met"].isna().all()  # a cube keeps no products


@settings(max_examples=15, deadline=None)
@given(rows=_analysis_rows, cut=st.integers(0, 500))
def test_order_counts_match_distinct_order_ids(rows, cut):
    tx = _analysis_tx(rows)
    start = pd.Timestamp("2023-12-01") + pd.Timedelta(days=cut)
    pnl = client_pnl(sales_cube(tx), start=start)
    pd.testing.assert_series_equal(client_pnl(tx, start=start)["orders"], pnl["orders"])
    window = tx[tx["date"] >= start]
    ids = window.groupby("account_id")["order_id"].nunique()
    no_id = window[window["order_id"].isna()].groupby("account_id")["date"].nunique()
    expected = ids.add(no_id, fill_value=0).astype("int64")
    assert pnl["orders"].to_dict() == expected.to_dict()
    with pytest.warns(DeprecationWarning):  # a window from any day: the old spelling
        per_month = sales_by_period(sales_cube(tx), start=start)
    by_hand = window.groupby(["account_id", window["date"].dt.to_period("M")])["order_id"].nunique()
    assert per_month["orders"].astype("int64").tolist() == by_hand.tolist()


def test_cube_without_order_counts():
    cube = sales_cube(_cube_tx(), orders=False)
    assert "orders" not in cube.days and cube.split_orders.empty
    pnl = client_pnl(cube)
    assert pnl["orders"].isna().all() and pnl["revenue"].tolist() == [160.0, 90.0, 5.0]
    assert sales_by_period(cube)["orders"].isna().all()
    with pytest.raises(_ArgumentError, match="cost_per_order"):
        client_pnl(cube, cost_per_order=1.0)


def test_cube_in_slices_of_accounts_is_the_same(monkeypatch):
    import kamlib.portfolio.cube

    tx = pd.concat([_cube_tx()] * 3, ignore_index=True)
    tx["account_id"] = tx["account_id"].where(tx.index < 7, tx["account_id"] + "x")
    whole = sales_cube(tx)
    monkeypatch.setattr(kamlib.portfolio.cube, "_LINES_PER_PASS", 4)  # 21 lines in 6 slices
    sliced = sales_cube(tx)
    pd.testing.assert_frame_equal(sliced.days, whole.days)
    pd.testing.assert_frame_equal(sliced.split_orders, whole.split_orders)
    assert sliced.days["account_id"].isna().sum() == 1  # lines without an account: once

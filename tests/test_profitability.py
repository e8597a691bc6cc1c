"""Client P&L, whale curve, loss-makers and ABC by revenue x profit, on frames checked by hand."""

from __future__ import annotations

import logging

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from kamlib.errors import ArgumentError, InputError
from kamlib.load.sample import generate_sample
from kamlib.plots.profitability import plot_whale_curve
from kamlib.portfolio.profitability import (
    WhalePeak,
    abc_cross,
    client_pnl,
    loss_makers,
    whale_curve,
    whale_peak,
)
from kamlib.words import whale_peak_sentence

NaN = np.nan


def _tx() -> pd.DataFrame:
    """Three clients: a (with a return), b (no order ids; one line has only gross_profit),
    c (cost unknown)."""
    return pd.DataFrame(
        {
            "account_id": ["a", "a", "a", "b", "b", "b", "c"],
            "date": pd.to_datetime(
                [
                    "2024-01-05",
                    "2024-01-05",
                    "2024-02-01",
                    "2024-01-10",
                    "2024-01-10",
                    "2024-03-01",
                    "2024-02-02",
                ]
            ),
            "revenue": [100.0, 50.0, -30.0, 200.0, 40.0, 60.0, 80.0],
            "cost": [60.0, 20.0, -12.0, 150.0, 30.0, NaN, NaN],
            "gross_profit": [NaN, NaN, NaN, NaN, NaN, 10.0, NaN],
            "order_id": pd.array(["o1", "o1", "o2", None, None, None, "o9"], dtype="str"),
        }
    )


def _cts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_id": ["a", "d", "a"],
            "date": pd.to_datetime(["2024-01-31", "2024-02-01", "2025-06-01"]),
            "amount": [15.0, 5.0, 100.0],
        }
    )


def _index(ids: list[str]) -> pd.Index:
    return pd.Index(ids, name="account_id", dtype="str")


def test_client_pnl_by_hand():
    # a: orders o1, o2; cost 60 + 20 - 12 = 68; cost to serve 15 + 2 x 2 orders + 1 x 3 lines
    # b: no order ids -> one order per day (01-10, 03-01); third line's cost = 60 - 10 = 50
    # c: cost unknown -> NaN all the way down, never 0
    # d: only a cost-to-serve line -> zero revenue, contribution -5
    # (the cost-to-serve line of 2025 is outside `end`)
    pnl = client_pnl(_tx(), _cts(), cost_per_order=2.0, cost_per_line=1.0, end="2024-12-31")
    expected = pd.DataFrame(
        {
            "orders": [2, 2, 1, 0],
            "lines": [3, 3, 1, 0],
            "gross_revenue": [150.0, 300.0, 80.0, 0.0],
            "returns": [-30.0, 0.0, 0.0, 0.0],
            "revenue": [120.0, 300.0, 80.0, 0.0],
            "revenue_share": [0.24, 0.6, 0.16, 0.0],
            "cost": [68.0, 230.0, NaN, 0.0],
            "gross_profit": [52.0, 70.0, NaN, 0.0],
            "gross_margin": [52 / 120, 70 / 300, NaN, NaN],
            "cost_to_serve": [22.0, 7.0, 3.0, 5.0],
            "contribution": [30.0, 63.0, NaN, -5.0],
            "contribution_margin": [30 / 120, 63 / 300, NaN, NaN],
            "lines_without_cost": [0, 0, 1, 0],
        },
        index=_index(["a", "b", "c", "d"]),
    )
    assert_frame_equal(pnl, expected)


def test_client_pnl_without_cost_columns_gives_nan_not_zero():
    tx = _tx().drop(columns=["cost", "gross_profit", "order_id"])
    pnl = client_pnl(tx)
    assert pnl["cost"].isna().all() and pnl["gross_profit"].isna().all()
    assert pnl["contribution"].isna().all()
    assert pnl["lines_without_cost"].tolist() == [3, 3, 1]
    # no order ids: one order per client and day
    assert pnl["orders"].tolist() == [2, 2, 1]
    # without cost to serve, contribution equals gross profit where it is known
    known = client_pnl(_tx())
    assert_frame_equal(
        known["contribution"].to_frame(),
        known["gross_profit"].rename("contribution").to_frame(),
    )


def test_client_pnl_window_and_roll_up():
    pnl = client_pnl(_tx(), start="2024-01-10", end="2024-02-02")
    assert pnl.index.tolist() == ["a", "b", "c"]
    assert pnl["revenue"].tolist() == [-30.0, 240.0, 80.0]
    assert np.isnan(pnl.loc["a", "gross_margin"])  # negative revenue: no margin
    grouped = _tx().assign(parent_id=["g", "g", "g", "g", "g", "g", "h"])
    rolled = client_pnl(grouped, account="parent_id")
    assert rolled.index.name == "parent_id"
    assert rolled["revenue"].tolist() == [420.0, 80.0]
    assert rolled.loc["g", "orders"] == 4


def test_client_pnl_keeps_lines_without_a_client():
    tx = _tx()
    tx.loc[6, "account_id"] = None
    pnl = client_pnl(tx)
    assert pnl["revenue"].sum() == tx["revenue"].sum()
    assert pnl.index[-1] is np.nan or pd.isna(pnl.index[-1])


def test_client_pnl_reads_files_like_frames(tmp_path):
    tx = _tx()
    tx.to_parquet(tmp_path / "tx.parquet")
    tx.to_csv(tmp_path / "tx.csv", index=False)
    from_frame = client_pnl(tx, _cts())
    assert_frame_equal(client_pnl(tmp_path / "tx.parquet", _cts()), from_frame)
    assert_frame_equal(client_pnl(str(tmp_path / "tx.csv"), _cts()), from_frame)


def test_client_pnl_errors_name_the_problem():
    with pytest.raises(InputError) as err:
        client_pnl(_tx().drop(columns="revenue"))
    assert err.value.codes == ["missing-column"]
    with pytest.raises(ArgumentError, match="cost_per_order"):
        client_pnl(_tx(), cost_per_order=-1.0)
    with pytest.raises(InputError, match="amount"):
        client_pnl(_tx(), _cts().drop(columns="amount"))


def test_client_pnl_does_not_mutate_inputs():
    tx, cts = _tx(), _cts()
    client_pnl(tx, cts, cost_per_order=1.0)
    assert_frame_equal(tx, _tx())
    assert_frame_equal(cts, _cts())


@settings(max_examples=15, deadline=None)  # each call runs a DuckDB query (~50 ms)
@given(st.randoms(use_true_random=False))
def test_client_pnl_ignores_row_order(rnd):
    tx = _tx()
    order = list(range(len(tx)))
    rnd.shuffle(order)
    assert_frame_equal(client_pnl(tx.iloc[order]), client_pnl(tx))


def _pnl(values: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame({"contribution": list(values.values())}, index=_index(list(values)))


def test_whale_curve_by_hand():
    curve = whale_curve(_pnl({"a": -30.0, "b": 90.0, "c": 30.0, "d": 10.0, "e": 0.0}))
    expected = pd.DataFrame(
        {
            "rank": [1, 2, 3, 4, 5],
            "contribution": [90.0, 30.0, 10.0, 0.0, -30.0],
            "cumulative": [90.0, 120.0, 130.0, 130.0, 100.0],
            "cum_client_share": [0.2, 0.4, 0.6, 0.8, 1.0],
            "cum_value_share": [0.9, 1.2, 1.3, 1.3, 1.0],
        },
        index=_index(["b", "c", "d", "e", "a"]),
    )
    assert_frame_equal(curve, expected)
    peak = whale_peak(curve)
    assert peak == WhalePeak(
        clients=3,
        total_clients=5,
        client_share=0.6,
        value_share=1.3,
        peak=130.0,
        total=100.0,
    )
    assert whale_peak_sentence(peak) == (
        "the top 60 % of clients (3 of 5) earn 130 % of the profit; the other 2 lose 30 % of it"
    )


def test_whale_peak_without_loss_makers():
    assert whale_peak_sentence(whale_peak(whale_curve(_pnl({"a": 1.0, "b": 3.0})))) == (
        "the top 100 % of clients (2 of 2) earn 100 % of the profit (no client loses money)"
    )
    assert whale_peak_sentence(
        whale_peak(whale_curve(_pnl({"a": 1.0, "b": 0.0}))), noun="contribution"
    ) == (
        "the top 50 % of clients (1 of 2) earn 100 % of the contribution; the other 1 add nothing"
    )


def test_whale_curve_with_a_non_positive_total():
    curve = whale_curve(_pnl({"a": 10.0, "b": -40.0}))
    assert curve["cum_value_share"].isna().all()
    peak = whale_peak(curve)
    assert np.isnan(peak.value_share) and peak.clients == 0
    assert "not positive" in whale_peak_sentence(peak)
    assert whale_peak_sentence(whale_peak(whale_curve(_pnl({})))) == "no clients on the whale curve"


def test_whale_curve_leaves_out_unknown_values_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="kamlib"):
        curve = whale_curve(_pnl({"a": 10.0, "b": NaN, "c": 5.0}))
    assert curve.index.tolist() == ["a", "c"]
    assert "1 client(s) with unknown contribution" in caplog.text


def test_whale_curve_breaks_ties_by_id_and_checks_the_column():
    curve = whale_curve(_pnl({"z": 5.0, "a": 5.0, "m": 5.0}))
    assert curve.index.tolist() == ["a", "m", "z"]
    with pytest.raises(ArgumentError, match="`value`"):
        whale_curve(_pnl({"a": 1.0}), value="gross_profit")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.integers(min_value=-1000, max_value=1000).map(float), min_size=1, max_size=30
    ).filter(lambda v: sum(v) > 0)
)
def test_whale_curve_ends_at_100_percent(values):
    pnl = _pnl({f"c{i:02d}": v for i, v in enumerate(values)})
    curve = whale_curve(pnl)
    assert curve["cum_value_share"].iloc[-1] == pytest.approx(1.0)
    assert curve["cum_client_share"].iloc[-1] == 1.0
    assert curve["contribution"].is_monotonic_decreasing
    peak = whale_peak(curve)
    assert peak.value_share >= 1.0 - 1e-12
    assert 1 <= peak.clients <= len(values)
    shuffled = pnl.sample(frac=1.0, random_state=len(values))
    assert_frame_equal(whale_curve(shuffled), curve)


def test_loss_makers_by_hand():
    pnl = client_pnl(_tx(), _cts(), cost_per_order=2.0, cost_per_line=1.0, end="2024-12-31")
    # d loses 5 but has no revenue: not large; nobody else loses money
    assert loss_makers(pnl).empty
    assert loss_makers(pnl, min_revenue_share=0.0).index.tolist() == ["d"]
    by_gp = pd.DataFrame(
        {"revenue": [500.0, 300.0, 150.0, 50.0], "gross_profit": [-10.0, 40.0, -30.0, -1.0]},
        index=_index(["a", "b", "c", "d"]),
    )
    out = loss_makers(by_gp, value="gross_profit", min_revenue_share=0.10)
    expected = by_gp.loc[["c", "a"]].assign(revenue_share=[0.15, 0.5])
    assert_frame_equal(out, expected)
    with pytest.raises(ArgumentError, match="min_revenue_share"):
        loss_makers(pnl, min_revenue_share=2.0)


def test_abc_cross_by_hand():
    pnl = pd.DataFrame(
        {
            # revenue shares 0.5, 0.3, 0.15, 0.05 -> cumulative 0.5 A, 0.8 A, 0.95 B, 1.0 C
            "revenue": [500.0, 300.0, 150.0, 50.0],
            # profit: b 60 (0.6 A), d 30 (0.9 B), c 10 (1.0 C), a unknown
            "gross_profit": [NaN, 60.0, 10.0, 30.0],
        },
        index=_index(["a", "b", "c", "d"]),
    )
    cross = abc_cross(pnl)
    table = cross.pivot(index="revenue_abc", columns="profit_abc", values="clients")
    assert table.loc["A", "A"] == 1 and table.loc["A", "unknown"] == 1
    assert table.loc["B", "C"] == 1 and table.loc["C", "B"] == 1
    assert cross["clients"].sum() == 4
    assert cross["revenue"].sum() == 1000.0
    assert cross["revenue_share"].sum() == pytest.approx(1.0)
    assert len(cross) == 3 * 4  # every combination, empty cells included


def test_plot_whale_curve_draws_the_curve_and_states_the_peak():
    curve = whale_curve(_pnl({"a": -30.0, "b": 90.0, "c": 30.0, "d": 10.0, "e": 0.0}))
    before = curve.copy()
    fig, ax = plt.subplots()
    assert plot_whale_curve(curve, ax=ax) is ax
    line, peak = ax.lines[0], ax.lines[2]
    assert line.get_xdata().tolist() == pytest.approx([0, 20, 40, 60, 80, 100])
    assert line.get_ydata().tolist() == pytest.approx([0, 90, 120, 130, 130, 100])
    assert list(ax.lines[1].get_ydata()) == [100, 100]  # the 100 % reference
    assert peak.get_xdata().tolist() == pytest.approx([60]) and peak.get_ydata().tolist() == (
        pytest.approx([130])
    )
    (note,) = ax.texts
    assert note.get_text() == whale_peak_sentence(whale_peak(curve)) and not note.get_parse_math()
    assert_frame_equal(curve, before)
    plt.close(fig)


def test_plot_whale_curve_without_a_positive_total_writes_why():
    fig, ax = plt.subplots()
    plot_whale_curve(whale_curve(_pnl({"a": 10.0, "b": -40.0})), ax=ax, noun="$profit$")
    assert not ax.lines
    (note,) = ax.texts
    assert "not positive" in note.get_text() and not note.get_parse_math()
    plt.close(fig)
    with pytest.raises(InputError):
        plot_whale_curve(pd.DataFrame({"x": [1.0]}))


# --- the planted phenomena of the sample portfolio (data/README.md) ---------------------------


@pytest.fixture(scope="module")
def sample() -> dict[str, pd.DataFrame]:
    return generate_sample(seed=7)  # the frames behind data/sample


def test_sample_large_client_that_loses_money(sample):
    pnl = client_pnl(sample["transactions"], sample["cost_to_serve"])
    assert loss_makers(pnl).index.tolist() == ["C0112"]
    c0112 = pnl.loc["C0112"]
    assert pnl["revenue"].rank(ascending=False)["C0112"] == 4
    assert 0.05 < c0112["gross_margin"] < 0.08  # about 6.5 %
    assert 0.12 < c0112["cost_to_serve"] / c0112["revenue"] < 0.15  # about 13.5 %
    assert -260_000 < c0112["contribution"] < -230_000  # about EUR -245 000
    assert pnl["lines_without_cost"].sum() == 0


def test_sample_whale_curve_and_breadwinner(sample):
    pnl = client_pnl(sample["transactions"], sample["cost_to_serve"])
    curve = whale_curve(pnl)
    assert curve.index[0] == "C0027"  # the breadwinner earns the most
    assert curve.index[-1] == "C0112"  # the loss-maker ends the curve
    peak = whale_peak(curve)
    assert peak.value_share > 1.0 and peak.clients == len(curve) - 1
    assert pnl.loc["C0027", "gross_profit"] / pnl["gross_profit"].sum() >= 0.10
    cross = abc_cross(pnl).set_index(["revenue_abc", "profit_abc"])
    assert cross["clients"].sum() == len(pnl)


def test_abc_cross_takes_abc_cutoffs_and_the_old_cutoffs_with_a_warning():
    pnl = pd.DataFrame(
        {"revenue": [700.0, 200.0, 100.0], "gross_profit": [10.0, 80.0, 30.0]},
        index=pd.Index(["a", "b", "c"], name="account_id"),
    )
    new = abc_cross(pnl, abc_cutoffs=(0.5, 0.9))
    with pytest.warns(DeprecationWarning, match="`cutoffs` is deprecated, pass `abc_cutoffs`"):
        old = abc_cross(pnl, cutoffs=(0.5, 0.9))
    pd.testing.assert_frame_equal(old, new)
    assert not new.equals(abc_cross(pnl))

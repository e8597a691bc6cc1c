"""Competitiveness, interest in sales, the 2x2 and the 3P qualification, checked by hand."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal, assert_series_equal

from kamlib.errors import ArgumentError, InputError
from kamlib.load.sample import PLANTED, SAMPLE_AS_OF, generate_sample
from kamlib.plots.scoring import plot_strategy_quadrants
from kamlib.portfolio.scoring import (
    QUADRANTS,
    competitiveness,
    qualify_prospects,
    sales_interest,
    strategy_quadrants,
)

NaN = np.nan
NaT = pd.NaT


def _index(ids: list[str]) -> pd.Index:
    return pd.Index(ids, name="account_id", dtype="str")


def _scores() -> pd.DataFrame:
    rows = [
        ("a", "2023-06-01", "image", 6.0),  # two assessors on the same day: mean 7
        ("a", "2023-06-01", "image", 8.0),
        ("a", "2023-06-01", "logistics", 4.0),
        ("a", "2024-06-01", "image", 9.0),  # logistics not reassessed
        ("a", "2025-01-01", "range", 5.0),  # after as_of below
        ("b", "2024-03-01", "image", 5.0),
        ("b", "2024-03-01", "logistics", 7.0),
    ]
    frame = pd.DataFrame(rows, columns=["account_id", "date", "category", "score"])
    return frame.assign(date=pd.to_datetime(frame["date"])).astype(
        {"account_id": "str", "category": "str"}
    )


WEIGHTS = {"image": 2.0, "logistics": 1.0, "range": 1.0}


def test_competitiveness_by_hand():
    comp = competitiveness(_scores(), weights=WEIGHTS, as_of="2024-12-31")
    ts = pd.to_datetime
    expected_categories = pd.DataFrame(
        {
            "account_id": pd.array(["a", "a", "b", "b"], dtype="str"),
            "category": pd.array(["image", "logistics", "image", "logistics"], dtype="str"),
            "date": ts(["2024-06-01", "2023-06-01", "2024-03-01", "2024-03-01"]),
            "score": [9.0, 4.0, 5.0, 7.0],
            "previous_date": ts(["2023-06-01", None, None, None]),
            "previous_score": [7.0, NaN, NaN, NaN],
            "change": [2.0, NaN, NaN, NaN],
            "weight": [2.0, 1.0, 2.0, 1.0],
        }
    )
    assert_frame_equal(comp.by_category, expected_categories)
    expected_clients = pd.DataFrame(
        {
            "date": ts(["2024-06-01", "2024-03-01"]),
            # a: (2 x 9 + 4) / 3; before 2024-06-01: (2 x 7 + 4) / 3 = 6
            "competitiveness": [22 / 3, 17 / 3],
            "previous_date": ts(["2023-06-01", None]),
            "previous_competitiveness": [6.0, NaN],
            "change": [22 / 3 - 6.0, NaN],
            "categories": [2, 2],
        },
        index=_index(["a", "b"]),
    )
    assert_frame_equal(comp.by_client, expected_clients)


def test_competitiveness_equal_weights_and_errors():
    comp = competitiveness(_scores())
    # a now has three categories: image 9, logistics 4, range 5; before 2025-01-01: 9 and 4
    assert comp.by_client.loc["a", "competitiveness"] == pytest.approx(6.0)
    assert comp.by_client.loc["a", "previous_competitiveness"] == pytest.approx(6.5)
    assert comp.by_client.loc["a", "categories"] == 3
    with pytest.raises(ArgumentError, match="range"):
        competitiveness(_scores(), weights={"image": 1.0, "logistics": 1.0})
    with pytest.raises(ArgumentError, match="weights"):
        competitiveness(_scores(), weights={"image": -1.0, "logistics": 1.0, "range": 1.0})
    with pytest.raises(InputError):
        competitiveness(_scores().drop(columns="category"))
    empty = competitiveness(_scores().iloc[:0])
    assert empty.by_client.empty and empty.by_category.empty


def _tx() -> pd.DataFrame:
    rows = [
        ("a", "2024-03-01", "o1", "p1", 60.0),
        ("a", "2024-03-01", "o1", "p2", 40.0),
        ("a", "2024-09-01", "o2", "p1", 100.0),
        ("a", "2023-05-01", "o0", "p1", 100.0),
        ("b", "2024-02-01", None, "p1", 50.0),  # no order ids: one order per day
        ("b", "2024-02-01", None, "p3", 50.0),
        ("b", "2024-05-01", None, "p1", 50.0),
        ("b", "2023-05-01", None, "p1", 300.0),
        ("c", "2024-07-01", "o9", "p4", 500.0),  # new: no growth
        ("d", "2023-08-01", "o8", "p1", 10.0),  # nothing this year
        ("e", "2022-12-31", "o7", "p1", 99.0),  # before both windows
    ]
    frame = pd.DataFrame(rows, columns=["account_id", "date", "order_id", "product_id", "revenue"])
    return frame.assign(date=pd.to_datetime(frame["date"])).astype(
        {"account_id": "str", "order_id": "str", "product_id": "str"}
    )


def test_sales_interest_by_hand():
    out = sales_interest(_tx(), as_of="2024-12-31")
    expected = pd.DataFrame(
        {
            "orders": [2, 2, 1, 0],
            "order_size": [100.0, 75.0, 500.0, NaN],
            "breadth": [2, 2, 1, 0],
            "growth": [1.0, -0.5, NaN, -1.0],
            # ranks mapped to 0..1, ties averaged: orders 2, 2, 1, 0 -> 5/6, 5/6, 1/3, 0
            "orders_rank": [5 / 6, 5 / 6, 1 / 3, 0.0],
            "order_size_rank": [0.5, 0.0, 1.0, NaN],
            "breadth_rank": [5 / 6, 5 / 6, 1 / 3, 0.0],
            "growth_rank": [1.0, 0.5, NaN, 0.0],
            # 1 + 9 x mean of the known ranks: a 19/24, b 13/24, c 5/9, d 0
            "interest": [1 + 9 * 19 / 24, 1 + 9 * 13 / 24, 6.0, 1.0],
        },
        index=_index(["a", "b", "c", "d"]),
    )
    assert_frame_equal(out, expected)


def test_sales_interest_weights_and_missing_columns():
    out = sales_interest(_tx(), as_of="2024-12-31", weights={"growth": 0.0})
    assert out.loc["a", "interest"] == pytest.approx(1 + 9 * 13 / 18)
    bare = sales_interest(_tx().drop(columns=["product_id", "order_id"]), as_of="2024-12-31")
    assert bare["breadth"].isna().all() and bare["breadth_rank"].isna().all()
    assert bare["orders"].tolist() == [2, 2, 1, 0]  # one order per client and day
    one = sales_interest(_tx()[_tx()["account_id"] == "c"], as_of="2024-12-31")
    assert one["interest"].tolist() == [5.5]  # a lone client sits in the middle
    with pytest.raises(ArgumentError, match="weights"):
        sales_interest(_tx(), weights={"colour": 1.0})
    with pytest.raises(ArgumentError, match="weights"):
        sales_interest(
            _tx(), weights={c: 0.0 for c in ("orders", "order_size", "breadth", "growth")}
        )


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", "d", "e"]),
            st.integers(min_value=0, max_value=700),
            st.sampled_from(["p1", "p2", "p3"]),
            st.sampled_from([-5.0, 10.0, 20.0, 35.0]),
        ),
        min_size=1,
        max_size=30,
    ),
    st.randoms(use_true_random=False),
)
def test_sales_interest_is_on_the_scale_and_ignores_row_order(rows, rnd):
    tx = pd.DataFrame(rows, columns=["account_id", "day", "product_id", "revenue"])
    tx["date"] = pd.Timestamp("2023-01-01") + pd.to_timedelta(tx.pop("day"), unit="D")
    out = sales_interest(tx, as_of="2024-12-31")
    known = out["interest"].dropna()
    assert ((known >= 1 - 1e-9) & (known <= 10 + 1e-9)).all()
    order = list(range(len(tx)))
    rnd.shuffle(order)
    assert_frame_equal(sales_interest(tx.iloc[order], as_of="2024-12-31"), out)


def test_strategy_quadrants_by_hand():
    comp = pd.Series({"a": 8.0, "b": 3.0, "c": 5.5, "d": 2.0, "e": 7.0})
    interest = pd.Series({"a": 9.0, "b": 2.5, "c": 5.49, "d": 6.0, "f": 4.0})
    out = strategy_quadrants(comp, interest, rank_interest=False)
    expected = pd.DataFrame(
        {
            "competitiveness": [8.0, 3.0, 5.5, 2.0, 7.0, NaN],
            "interest": [9.0, 2.5, 5.49, 6.0, NaN, 4.0],
            "interest_given": [9.0, 2.5, 5.49, 6.0, NaN, 4.0],
            "competitiveness_level": pd.array(
                ["high", "low", "high", "low", "high", None], dtype="str"
            ),
            "interest_level": pd.array(["high", "low", "low", "high", None, "low"], dtype="str"),
            "quadrant": pd.array(
                ["partner", "maintain", "win interest", "support", "not placed", "not placed"],
                dtype="str",
            ),
            "strategy": pd.array(
                [
                    QUADRANTS[("high", "high")][1],
                    QUADRANTS[("low", "low")][1],
                    QUADRANTS[("high", "low")][1],
                    QUADRANTS[("low", "high")][1],
                    "no interest: no transactions in the window",
                    "no competitiveness score: assess the client",
                ],
                dtype="str",
            ),
        },
        index=pd.Index(["a", "b", "c", "d", "e", "f"], dtype="str"),
    )
    assert_frame_equal(out, expected)


def test_strategy_quadrants_threshold_and_overrides():
    comp, interest = pd.Series({"a": 6.0}), pd.Series({"a": 6.0})
    assert strategy_quadrants(comp, interest, threshold=7.0)["quadrant"].tolist() == ["maintain"]
    custom = strategy_quadrants(comp, interest, strategies={("high", "high"): ("A", "grow")})
    assert custom[["quadrant", "strategy"]].iloc[0].tolist() == ["A", "grow"]


def _accounts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_id": pd.array(["p1", "p2", "p3", "c1"], dtype="str"),
            "name": pd.array(["One", "Two", "Three", "Client"], dtype="str"),
            "status": pd.array(["prospect", "Prospect ", "prospect", "client"], dtype="str"),
            "need": pd.array([True, False, None, True], dtype="boolean"),
            "solvency": pd.array([True, True, None, True], dtype="boolean"),
            "authority": pd.array([True, False, True, True], dtype="boolean"),
        }
    )


def test_qualify_prospects_by_hand():
    out = qualify_prospects(_accounts())
    expected = pd.DataFrame(
        {
            "name": pd.array(["One", "Two", "Three"], dtype="str"),
            "need": pd.array([True, False, None], dtype="boolean"),
            "solvency": pd.array([True, True, None], dtype="boolean"),
            "authority": pd.array([True, False, True], dtype="boolean"),
            "qualified": pd.array([True, False, False], dtype="boolean"),
            "missing": pd.array(
                ["", "no need; no authority", "need unknown; solvency unknown"], dtype="str"
            ),
        },
        index=_index(["p1", "p2", "p3"]),
    )
    assert_frame_equal(out, expected)


def test_qualify_prospects_with_missing_columns():
    bare = _accounts().drop(columns=["authority", "name"])
    out = qualify_prospects(bare, status=None)
    assert out.index.tolist() == ["c1", "p1", "p2", "p3"]
    assert out["authority"].isna().all() and not out["qualified"].any()
    assert out.loc["c1", "missing"] == "authority unknown"
    assert_series_equal(
        out["qualified"], pd.Series(False, index=out.index, dtype="boolean", name="qualified")
    )
    with pytest.raises(InputError):
        qualify_prospects(_accounts().drop(columns="status"))
    assert qualify_prospects(_accounts().iloc[3:]).empty


def test_plot_strategy_quadrants_draws_the_2x2():
    comp = pd.Series({"a": 8.0, "b": 3.0, "c": 5.5, "e": 7.0})
    interest = pd.Series({"a": 9.0, "b": 2.5, "c": 5.0, "f": 4.0})
    quadrants = strategy_quadrants(comp, interest, rank_interest=False).assign(
        name=["A$1", "B", "C", "E", "F"]
    )
    fig, ax = plt.subplots()
    assert plot_strategy_quadrants(quadrants, label="name", ax=ax) is ax
    points = np.concatenate([c.get_offsets() for c in ax.collections])
    assert sorted(map(tuple, points.tolist())) == [(3.0, 2.5), (5.5, 5.0), (8.0, 9.0)]
    drawn = [line for line in ax.lines if len(line.get_xdata())]  # seaborn adds legend proxies
    assert [list(line.get_xdata()) for line in drawn] == [[5.5, 5.5], [0, 1]]
    assert [list(line.get_ydata()) for line in drawn] == [[0, 1], [5.5, 5.5]]
    texts = {t.get_text(): t for t in ax.texts}
    assert {"partner", "win interest", "support", "maintain", "A$1", "B", "C"} <= set(texts)
    assert not texts["A$1"].get_parse_math()
    assert "E" not in texts and "F" not in texts  # not placed: one value missing
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert set(legend) == {"partner", "maintain", "win interest"}
    assert ax.get_xlim() == (0.5, 10.5) and ax.get_ylim() == (0.5, 10.5)
    plt.close(fig)


def test_plot_strategy_quadrants_threshold_names_and_empty():
    quadrants = strategy_quadrants(pd.Series({"a": 8.0}), pd.Series(dtype="float64"))
    fig, ax = plt.subplots()
    plot_strategy_quadrants(
        quadrants, threshold=7.0, hue=None, names={("high", "high"): ("stars", "")}, ax=ax
    )
    assert not ax.collections  # nobody placed
    assert list(ax.lines[0].get_xdata()) == [7.0, 7.0]
    assert "stars" in [t.get_text() for t in ax.texts]
    plt.close(fig)
    with pytest.raises(InputError):
        plot_strategy_quadrants(quadrants, label="name")


# --- the planted phenomena of the sample portfolio (data/README.md) ---------------------------


@pytest.fixture(scope="module")
def sample() -> dict[str, pd.DataFrame]:
    return generate_sample(seed=7)  # the frames behind data/sample


def test_sample_competitiveness_interest_and_quadrants(sample):
    comp = competitiveness(sample["scores"], as_of=SAMPLE_AS_OF)
    scored = sorted(a for a in PLANTED["key_accounts"] if a != "C0101")
    assert comp.by_client.index.tolist() == scored  # 23 key accounts, not C0101
    assert (comp.by_client["categories"] == 6).all()
    assert (comp.by_client["date"] == pd.Timestamp("2025-06-30")).all()
    assert (comp.by_client["previous_date"] == pd.Timestamp("2024-06-30")).all()
    assert comp.by_client["change"].notna().all()
    interest = sales_interest(sample["transactions"], as_of=SAMPLE_AS_OF)["interest"]
    assert interest.between(1, 10).all()
    quadrants = strategy_quadrants(comp.by_client["competitiveness"], interest)
    assert quadrants.loc["C0101", "quadrant"] == "not placed"  # a new client, not yet scored
    assert quadrants.loc[scored, "quadrant"].ne("not placed").all()


def test_sample_qualified_prospects(sample):
    prospects = qualify_prospects(sample["accounts"])
    assert sorted(prospects.index) == sorted(PLANTED["prospects"])
    qualified = prospects.index[prospects["qualified"].to_numpy(dtype=bool)]
    assert sorted(qualified) == sorted(PLANTED["qualified_prospects"])
    assert (prospects.loc[~prospects["qualified"].to_numpy(dtype=bool), "missing"] != "").all()


# --- interest ranked among the assessed clients (issue 10) ---------------------------------


def test_strategy_quadrants_rank_interest_among_the_assessed():
    # against a whole portfolio both assessed clients are keen (8 and 9); among the two, a is
    # the less keen: ranks 0 and 1 -> interest 1 and 10. e (no score) keeps its value.
    comp = pd.Series({"a": 8.0, "b": 3.0, "c": 6.0, "d": 2.0})
    interest = pd.Series({"a": 8.0, "b": 9.0, "c": 8.5, "d": 7.0, "e": 2.0})
    out = strategy_quadrants(comp, interest)
    assert out["interest"].round(6).to_dict() == {"a": 4.0, "b": 10.0, "c": 7.0, "d": 1.0, "e": 2.0}
    assert out["interest_given"].to_dict() == interest.to_dict()
    assert out["quadrant"].to_dict() == {
        "a": "win interest",
        "b": "support",
        "c": "partner",
        "d": "maintain",
        "e": "not placed",
    }
    # as given: all four assessed clients are "high", so only two boxes are used
    given = strategy_quadrants(comp, interest, rank_interest=False)
    assert set(given.loc[list("abcd"), "quadrant"]) == {"partner", "support"}
    with pytest.raises(ArgumentError, match="rank_interest"):
        strategy_quadrants(comp, interest, rank_interest="yes")


def test_sales_interest_among_ranks_only_those_clients():
    tx = pd.DataFrame(
        {
            "account_id": ["a", "a", "b", "c", "c", "c"],
            "date": pd.to_datetime(
                ["2024-03-01", "2024-04-01", "2024-05-01", "2024-02-01", "2024-03-01", "2024-04-01"]
            ),
            "revenue": [100.0, 100.0, 50.0, 10.0, 10.0, 10.0],
            "order_id": ["1", "2", "3", "4", "5", "6"],
            "product_id": ["p", "q", "p", "p", "p", "p"],
        }
    )
    everyone = sales_interest(tx, as_of="2024-12-31")
    two = sales_interest(tx, as_of="2024-12-31", among=["a", "b", "zz"])
    assert two.index.tolist() == ["a", "b"]  # zz has no lines: left out
    # components are the same; ranks are among a and b only
    cols = ["orders", "order_size", "breadth"]
    assert_frame_equal(two[cols], everyone.loc[["a", "b"], cols])
    assert two["interest"].tolist() == [10.0, 1.0]
    assert everyone.loc["b", "interest"] > 1.0  # against c, b is not last on everything
    with pytest.raises(ArgumentError, match="among"):
        sales_interest(tx, among="a")


def test_sample_quadrants_use_all_four_boxes(sample):
    comp = competitiveness(sample["scores"], as_of=SAMPLE_AS_OF).by_client["competitiveness"]
    interest = sales_interest(sample["transactions"], as_of=SAMPLE_AS_OF)["interest"]
    # ranked over the whole portfolio every assessed key account is "high": two boxes
    given = strategy_quadrants(comp, interest.reindex(comp.index), rank_interest=False)
    assert set(given["quadrant"]) == {"partner", "support"}
    # ranked among the 23 assessed clients: all four boxes
    out = strategy_quadrants(comp, interest.reindex(comp.index))
    assert set(out["quadrant"]) == {"partner", "support", "win interest", "maintain"}
    assert out.loc["C0009", "quadrant"] == "maintain"  # lost to a competitor: no "help it grow"
    # the same with interest computed among the assessed clients from the start
    among = sales_interest(sample["transactions"], as_of=SAMPLE_AS_OF, among=comp.index)
    direct = strategy_quadrants(comp, among["interest"], rank_interest=False)
    assert set(direct["quadrant"]) == {"partner", "support", "win interest", "maintain"}
    assert direct.loc["C0009", "quadrant"] == "maintain"

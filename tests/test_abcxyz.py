from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamlib.errors import ArgumentError, InputError
from kamlib.portfolio.abcxyz import (
    NON_POSITIVE,
    PRESETS,
    STRATEGIES,
    TOO_NEW,
    XYZ_CLASSIC,
    abc_classes,
    abc_xyz,
    abc_xyz_matrix,
    migration,
    xyz_classes,
)

# ---- abc_classes: tiny cases by hand ------------------------------------------------------


def test_cumulative_share_including_the_item_decides():
    # cum shares: .50 .80 .95 1.00 -> A A B C (on the cut-off counts as inside)
    v = pd.Series({"a": 50.0, "b": 30.0, "c": 15.0, "d": 5.0})
    assert abc_classes(v).tolist() == ["A", "A", "B", "C"]


def test_result_keeps_the_input_index_order():
    v = pd.Series({"d": 5.0, "b": 30.0, "a": 50.0, "c": 15.0})
    assert abc_classes(v).to_dict() == {"d": "C", "b": "A", "a": "A", "c": "B"}


def test_top_item_is_always_a_even_alone_above_the_cutoff():
    # "a" alone is 90 % > 80 %: some tools put it in C; it must be A
    v = pd.Series({"a": 90.0, "b": 6.0, "c": 4.0})
    assert abc_classes(v).tolist() == ["A", "C", "C"]


def test_ties_never_straddle_a_boundary():
    # cum: .30 .60 .90 1.0 -> A A B C, but c ties with a and b: it takes their class
    v = pd.Series({"a": 30.0, "b": 30.0, "c": 30.0, "d": 10.0})
    assert abc_classes(v).tolist() == ["A", "A", "A", "C"]
    # b (.95, B) and c (1.0, C) tie: both B
    v = pd.Series({"a": 90.0, "b": 5.0, "c": 5.0})
    assert abc_classes(v).tolist() == ["A", "B", "B"]


def test_non_positive_values_get_their_own_label_and_are_not_ranked():
    v = pd.Series({"a": 80.0, "r": -10.0, "b": 20.0, "z": 0.0})
    assert abc_classes(v).to_dict() == {"a": "A", "r": NON_POSITIVE, "b": "C", "z": NON_POSITIVE}


def test_count_basis_rounds_half_up():
    # 10 items, cut-offs .25/.55: round(2.5)=3 A, round(5.5)=6 A or B
    v = pd.Series(np.arange(10, 0, -1, dtype=float), index=list("abcdefghij"))
    got = abc_classes(v, cutoffs=(0.25, 0.55), basis="count")
    assert got.tolist() == ["A"] * 3 + ["B"] * 3 + ["C"] * 4


def test_cutoff_on_float_noise_counts_as_on_it():
    # .1 + .2 + .5 = .8000000000000002 in floats
    v = pd.Series({"a": 0.5, "b": 0.2, "c": 0.1, "d": 0.1, "e": 0.05, "f": 0.05})
    assert abc_classes(v).tolist()[:3] == ["A", "A", "A"]


@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"cutoffs": (0.9, 0.8)}, "`cutoffs`"),
        ({"cutoffs": (0.8, 1.2)}, "`cutoffs`"),
        ({"basis": "items"}, "`basis`"),
    ],
)
def test_bad_parameters_name_the_parameter(kwargs, word):
    with pytest.raises(ArgumentError, match=word):
        abc_classes(pd.Series({"a": 1.0}), **kwargs)


def test_missing_values_and_duplicate_ids_raise():
    with pytest.raises(InputError, match="missing-value"):
        abc_classes(pd.Series({"a": 1.0, "b": np.nan}))
    with pytest.raises(InputError, match="duplicate-id"):
        abc_classes(pd.Series([1.0, 2.0], index=["a", "a"]))


# ---- published worked examples ------------------------------------------------------------


def test_heizer_render_silicon_chips_example():
    """Heizer & Render, Operations Management, ch. 12 "Managing Inventory", Example 1
    (Silicon Chips, Inc.), reproduced e.g. at holooly.com ("ABC analysis for a chip
    manufacturer"). Convention: classes by share of items, 20 % A and 30 % B
    (``basis="count"``, cut-offs 0.20/0.50); the book reports A = 72 %, B = 23 %, C = 5 % of
    the annual dollar volume of $232,057."""
    dollar_volume = pd.Series(
        {
            "#10286": 1_000 * 90.00,
            "#11526": 500 * 154.00,
            "#12760": 1_550 * 17.00,
            "#10867": 350 * 42.86,
            "#10500": 1_000 * 12.50,
            "#12572": 600 * 14.17,
            "#14075": 2_000 * 0.60,
            "#01036": 100 * 8.50,
            "#01307": 1_200 * 0.42,
            "#10572": 250 * 0.60,
        }
    )
    assert dollar_volume.sum() == pytest.approx(232_057)
    got = abc_classes(
        dollar_volume,
        **{"cutoffs": PRESETS["items_20_50"]["abc_cutoffs"]},
        basis=PRESETS["items_20_50"]["abc_basis"],
    )
    assert got.tolist() == ["A", "A", "B", "B", "B", "C", "C", "C", "C", "C"]
    share = dollar_volume.groupby(got).sum() / dollar_volume.sum() * 100
    assert share.round().to_dict() == {"A": 72.0, "B": 23.0, "C": 5.0}
    # the example's learning exercise: #10286 at $120 -> the two A items hold 75 %
    dearer = dollar_volume.copy()
    dearer["#10286"] = 1_000 * 120.00
    assert dearer.sum() == pytest.approx(262_057)
    a_items = dearer[abc_classes(dearer, cutoffs=(0.2, 0.5), basis="count") == "A"]
    assert round(a_items.sum() / dearer.sum() * 100) == 75


def test_heizer_render_boreki_enterprises_problem():
    """Heizer & Render, Operations Management, ch. 12 problem "Boreki Enterprises" (10 items,
    annual demand x cost), solution as published e.g. at quesba.com: the top 20 % of items
    (F3, G2) are A, the next 30 % (A2, C7, D1) B, the remaining 50 % C."""
    demand_x_cost = pd.Series(
        {
            "A2": 3_000 * 50,
            "B8": 4_000 * 12,
            "C7": 1_500 * 45,
            "D1": 6_000 * 10,
            "E9": 1_000 * 20,
            "F3": 500 * 500,
            "G2": 300 * 1_500,
            "H2": 600 * 20,
            "I5": 1_750 * 10,
            "J8": 2_500 * 5,
        },
        dtype="float64",
    )
    got = abc_classes(demand_x_cost, cutoffs=(0.2, 0.5), basis="count")
    assert got.to_dict() == {
        "A2": "B",
        "B8": "C",
        "C7": "B",
        "D1": "B",
        "E9": "C",
        "F3": "A",
        "G2": "A",
        "H2": "C",
        "I5": "C",
        "J8": "C",
    }


def test_xyz_textbook_task_population_std_classic_cutoffs():
    """A classic Russian logistics-practicum task (XYZ-analysis of demand; worked solution
    published at author24referat.ru, "Выполните XYZ-анализ. Рассчитайте коэффициенты вариации
    спроса"): chocolate sold 900, 800, 700 -> mean 800, sigma 81.65 (population formula,
    divide by n), V = 10.21 % -> group Y with X <= 10 %, Y 10-25 %, Z > 25 % (XYZ_CLASSIC)."""
    m = pd.DataFrame([[900.0, 800.0, 700.0]], index=["chocolate"])
    got = xyz_classes(m, cutoffs=XYZ_CLASSIC, ddof=0).loc["chocolate"]
    assert got["mean"] == 800.0
    assert round(got["std"], 2) == 81.65
    assert round(got["cv"] * 100, 2) == 10.21
    assert got["xyz"] == "Y"


def test_xyz_forum_example_sample_std_and_period_length():
    """Worked example on olegon.ru (forum thread t=22257, p. 2): one item's weekly sales over
    36 weeks give CV 59 %; summed into 9 "months" of 4 weeks, 29 %; into 3 quarters, 19 %.
    Those figures use the sample standard deviation (Excel STDEV, ddof=1)."""
    weekly = [
        float(v)
        for v in (
            "0 15 40 15 10 15 20 15 10 15 20 15 5 20 45 20 15 20 25 20 15 20 25 20 "
            "40 10 35 10 5 10 15 10 5 10 15 10"
        ).split()
    ]
    monthly = np.reshape(weekly, (9, 4)).sum(axis=1)
    quarterly = monthly.reshape(3, 3).sum(axis=1)
    assert monthly.tolist() == [70, 60, 60, 90, 80, 80, 95, 40, 40]
    assert quarterly.tolist() == [190, 250, 175]
    cvs = [
        xyz_classes(pd.DataFrame([list(row)]), **PRESETS["sample_std"])["cv"].iat[0]
        for row in (weekly, monthly, quarterly)
    ]
    assert [round(c * 100) for c in cvs] == [59, 29, 19]


# ---- xyz_classes ----------------------------------------------------------------------------


def test_xyz_by_hand_with_labels():
    m = pd.DataFrame(
        [
            [10.0, 10.0, 10.0, 10.0],  # cv 0 -> X
            [0.0, 20.0, 0.0, 20.0],  # mean 10, std 10 -> cv 1.0 -> Y (on the cut-off)
            [0.0, 0.0, 0.0, 40.0],  # mean 10, std 17.32 -> Z
            [np.nan, np.nan, 5.0, 5.0],  # 2 periods < 3 -> too new
            [5.0, -5.0, 0.0, 0.0],  # mean 0 -> non-positive
        ],
        index=["x", "y", "z", "new", "zero"],
    )
    got = xyz_classes(m)
    assert got["xyz"].tolist() == ["X", "Y", "Z", TOO_NEW, NON_POSITIVE]
    assert got["n_periods"].tolist() == [4, 4, 4, 2, 4]
    assert got["purchase_share"].tolist() == [1.0, 0.5, 0.25, 1.0, 0.25]
    # purchase periods 1-4 -> 1.0; 2 and 4 -> 2.0; one purchase -> NaN; 3 and 4 -> 1.0
    assert got["mean_interval"].fillna(-1).tolist() == [1.0, 2.0, -1, 1.0, -1]
    assert round(got.loc["z", "cv"], 4) == round(np.sqrt(3), 4)
    assert np.isnan(got.loc["zero", "cv"])


def test_xyz_ddof_and_min_periods():
    m = pd.DataFrame([[1.0, 3.0]], index=["i"])
    assert xyz_classes(m)["xyz"].iat[0] == TOO_NEW
    got = xyz_classes(m, min_periods=2, ddof=1)
    assert got["std"].iat[0] == pytest.approx(np.sqrt(2))
    assert xyz_classes(pd.DataFrame([[4.0]]), min_periods=1, ddof=1)["xyz"].iat[0] == TOO_NEW


# ---- abc_xyz on transactions ----------------------------------------------------------------


def _tx():
    rows = [
        # steady: 100 every month Jan-Jun
        *[("steady", f"2024-0{m}-15", 100.0) for m in range(1, 7)],
        # late: 30 in Apr, May, Jun
        ("late", "2024-04-30", 30.0),
        ("late", "2024-05-30", 30.0),
        ("late", "2024-06-30", 30.0),
        # gappy: 20 in Jan, Mar, May
        ("gappy", "2024-01-10", 20.0),
        ("gappy", "2024-03-10", 20.0),
        ("gappy", "2024-05-10", 20.0),
        # returns: a sale and a larger return
        ("returns", "2024-02-01", 10.0),
        ("returns", "2024-03-01", -15.0),
    ]
    return pd.DataFrame(
        {
            "account_id": [r[0] for r in rows],
            "date": pd.to_datetime([r[1] for r in rows]),
            "revenue": [r[2] for r in rows],
        }
    )


def test_abc_xyz_by_hand():
    with pytest.warns(DeprecationWarning, match="`start` is deprecated"):  # a Jan-Jun window
        got = abc_xyz(_tx(), start="2024-01-01", end="2024-06-30").set_index("account_id")
    # totals 600, 90, 60, -5; positive total 750: cum .80 .92 1.0
    assert got["total"].to_dict() == {"steady": 600.0, "late": 90.0, "gappy": 60.0, "returns": -5.0}
    assert got["abc"].to_dict() == {
        "steady": "A",
        "late": "B",
        "gappy": "C",
        "returns": NON_POSITIVE,
    }
    assert got["cum_share"].round(2).tolist()[:3] == [0.8, 0.92, 1.0]
    assert got["xyz"].to_dict() == {
        "steady": "X",
        "late": "X",
        "gappy": "Y",
        "returns": NON_POSITIVE,
    }
    assert got["cell"].to_dict() == {
        "steady": "AX",
        "late": "BX",
        "gappy": "CY",
        "returns": NON_POSITIVE,
    }
    assert got.loc["steady", "strategy"] == STRATEGIES["AX"]
    assert list(got.index) == ["steady", "late", "gappy", "returns"]  # by rank, unranked last


@pytest.mark.parametrize(
    "zero_periods, late, gappy",
    [
        ("from_first", ("X", 0.0), ("Y", 1.0)),  # late: [30,30,30]; gappy: [20,0,20,0,20,0]
        ("all", ("Y", 1.0), ("Y", 1.0)),  # late: [0,0,0,30,30,30] -> mean 15, std 15
        ("drop", ("X", 0.0), ("X", 0.0)),  # only periods with lines
    ],
)
def test_zero_periods(zero_periods, late, gappy):
    with pytest.warns(DeprecationWarning, match="`end` is deprecated"):
        got = abc_xyz(_tx(), start="2024-01-01", end="2024-06-30", zero_periods=zero_periods)
    got = got.set_index("account_id")
    assert (got.loc["late", "xyz"], got.loc["late", "cv"]) == late
    assert (got.loc["gappy", "xyz"], got.loc["gappy", "cv"]) == gappy


def test_window_end_extends_the_grid_with_zeros():
    # with the window running to December, steady has 6 empty months: [100]*6 + [0]*6
    got = abc_xyz(_tx(), as_of="2024-12-31", months=12).set_index("account_id")
    assert got.loc["steady", "n_periods"] == 12
    assert got.loc["steady", "cv"] == pytest.approx(1.0)


def test_quarterly_and_presets():
    got = abc_xyz(_tx(), period="Q", **PRESETS["classic"]).set_index("account_id")
    # steady per quarter: 300, 300 -> only 2 periods -> too new
    assert got.loc["steady", "xyz"] == TOO_NEW
    assert got.loc["steady", "cell"] == TOO_NEW


def test_measure_gross_profit_and_strategy_override():
    tx = _tx().assign(gross_profit=lambda d: d["revenue"] * 0.25)
    got = abc_xyz(tx, measure="gross_profit", strategies={"AX": "hug them"})
    assert got.set_index("account_id").loc["steady", "total"] == 150.0
    assert got["strategy"].iat[0] == "hug them"


def test_bad_data_raises_input_error_naming_the_column():
    tx = _tx()
    tx.loc[0, "account_id"] = np.nan
    with pytest.raises(InputError, match="account_id"):
        abc_xyz(tx)
    with pytest.raises(InputError, match="gross_profit"):
        abc_xyz(_tx(), measure="gross_profit")  # no cost, no gross profit: unknown


def test_bad_parameters():
    with pytest.raises(ArgumentError, match="`zero_periods`"):
        abc_xyz(_tx(), zero_periods="none")
    with pytest.raises(ArgumentError, match="`measure`"):
        abc_xyz(_tx(), measure="margin")


def test_empty_transactions_give_an_empty_result():
    got = abc_xyz(_tx().iloc[:0])
    assert got.empty and "cell" in got


# ---- matrix and migration -------------------------------------------------------------------


def test_matrix_counts_totals_and_percentages():
    with pytest.warns(DeprecationWarning):
        r = abc_xyz(_tx(), start="2024-01-01", end="2024-06-30")
    m = abc_xyz_matrix(r)
    assert m["cell"].tolist()[:9] == ["AX", "AY", "AZ", "BX", "BY", "BZ", "CX", "CY", "CZ"]
    assert m["cell"].tolist()[9:] == [NON_POSITIVE]
    assert m.set_index("cell")["count"].to_dict() == {
        "AX": 1,
        "AY": 0,
        "AZ": 0,
        "BX": 1,
        "BY": 0,
        "BZ": 0,
        "CX": 0,
        "CY": 1,
        "CZ": 0,
        NON_POSITIVE: 1,
    }
    assert m["count_pct"].tolist()[:9] == [25.0, 0, 0, 25.0, 0, 0, 0, 25.0, 0]
    assert sum(Decimal(str(x)) for x in m["count_pct"]) == 100
    assert m.set_index("cell")["total_pct"].round(1).to_dict()["AX"] == 80.0
    assert sum(Decimal(str(x)) for x in m["total_pct"].dropna()) == 100
    assert np.isnan(m["total_pct"].iat[9])
    assert m["strategy"].iat[0] == STRATEGIES["AX"]


def _two_years():
    rows = [
        ("a", "2023-03-01", 100.0),
        ("a", "2024-03-01", 10.0),  # A -> C
        ("b", "2023-05-01", 20.0),  # lost
        ("c", "2024-06-01", 90.0),  # new, A
    ]
    return pd.DataFrame(
        {
            "account_id": [r[0] for r in rows],
            "date": pd.to_datetime([r[1] for r in rows]),
            "revenue": [r[2] for r in rows],
        }
    )


def test_migration_counts_revenue_and_share():
    tx = _two_years()
    counts = migration(tx, as_of="2024-12-31", on="abc")
    assert (
        counts.loc["A", "C"] == 1 and counts.loc["C", "lost"] == 1 and counts.loc["new", "A"] == 1
    )
    assert counts.to_numpy().sum() == 3
    revenue = migration(tx, as_of="2024-12-31", on="abc", how="revenue")
    assert revenue.loc["A", "C"] == 100.0  # first-window total
    assert revenue.loc["C", "lost"] == 20.0
    assert revenue.loc["new", "A"] == 90.0  # new accounts: second-window total
    share = migration(tx, as_of="2024-12-31", months=12, on="abc", how="share")
    assert share.loc["A"].sum() == 1.0 and np.isnan(share.loc["B"]).all()


def test_migration_on_cells_lists_labels():
    tx = pd.concat(
        [
            _two_years(),
            pd.DataFrame(
                {
                    "account_id": ["r", "r"],
                    "date": pd.to_datetime(["2023-02-01", "2024-02-01"]),
                    "revenue": [5.0, -5.0],
                }
            ),
        ]
    )
    got = migration(tx, as_of="2024-12-31")
    # b: one purchase in May, grid May-Dec -> CZ; c: new, one purchase in June -> AZ
    assert got.loc["CZ", "lost"] == 1 and got.loc["new", "AZ"] == 1
    assert got.loc["CZ", NON_POSITIVE] == 1  # r: net returns in 2024
    assert list(got.columns[-2:]) == [NON_POSITIVE, "lost"]
    assert list(got.index[-2:]) == [NON_POSITIVE, "new"]


def test_migration_rejects_start_end():
    with pytest.raises(ArgumentError, match="`start`"):
        migration(_two_years(), as_of="2024-12-31", start="2023-01-01")


def test_old_window_keywords_still_work_with_a_deprecation_warning():
    tx = _two_years()
    with pytest.warns(DeprecationWarning, match="`first` is deprecated, pass `as_of` and `months`"):
        old = migration(tx, first=("2023-01-01", "2023-12-31"), second="2024", on="abc")
    pd.testing.assert_frame_equal(old, migration(tx, as_of="2024-12-31", months=12, on="abc"))
    with pytest.warns(DeprecationWarning, match="`end` is deprecated, pass `as_of`"):
        old = abc_xyz(tx, start="2024-01-01", end="2024-12-31")
    pd.testing.assert_frame_equal(old, abc_xyz(tx, as_of="2024-12-31", months=12))
    with pytest.raises(ArgumentError, match="not the deprecated"):
        abc_xyz(tx, as_of="2024-12-31", end="2024-12-31")
    with pytest.raises(ArgumentError, match="not a mix"):
        migration(tx, as_of="2024-12-31", first="2023", second="2024")


def test_as_of_and_months_default_to_the_last_day_and_the_whole_history():
    tx = _two_years()
    last = tx["date"].max()
    pd.testing.assert_frame_equal(abc_xyz(tx), abc_xyz(tx, as_of=last))
    first = abc_xyz(tx, months=12)  # the 12 months up to the last line
    pd.testing.assert_frame_equal(first, abc_xyz(tx, as_of=last, months=12))
    with pytest.raises(ArgumentError, match="`months`"):
        abc_xyz(tx, months=0)


# ---- properties -----------------------------------------------------------------------------

_values = st.dictionaries(
    st.text("abcdefgh", min_size=1, max_size=3),
    st.integers(-5, 1000).map(float),
    min_size=1,
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(_values, st.sampled_from([(0.8, 0.95), (0.5, 0.9), (0.2, 0.5), (0.7, 0.7)]))
def test_abc_partition_boundaries_ties_and_order(values, cutoffs):
    v = pd.Series(values)
    got = abc_classes(v, cutoffs=cutoffs)
    # partition: every item exactly one label; positives classed, others labelled
    assert set(got.index) == set(v.index)
    assert ((got == NON_POSITIVE) == (v <= 0)).all()
    pos = v[v > 0].sort_values(ascending=False)
    if pos.empty:
        return
    cls = got[pos.index]
    assert cls.iat[0] == "A"
    assert list(cls) == sorted(cls)  # A..B..C down the ranking
    assert (cls.groupby(pos).nunique() == 1).all()  # ties share a class
    a = cutoffs[0]
    cum = pos.cumsum() / pos.sum()
    in_a = cls == "A"
    # the lowest A tie group entered A legitimately: its first member is the top item or
    # its cumulative share is within the cut-off
    first_of_last_group = pos[in_a].index[(pos[in_a] == pos[in_a].min()).argmax()]
    assert first_of_last_group == pos.index[0] or cum[first_of_last_group] <= a + 1e-9
    # A is maximal: the best non-A item would take the cumulative share over the cut-off
    if (~in_a).any():
        assert cum[pos[~in_a].index[0]] > a
    # shuffling the input changes nothing
    shuffled = v.sample(frac=1, random_state=1)
    assert abc_classes(shuffled, cutoffs=cutoffs).equals(got[shuffled.index])


_lines = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c", "d", "e"]), st.integers(0, 500), st.integers(-20, 400)
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=10, deadline=None)
@given(
    rows=_lines, cut=st.integers(0, 40), zero_periods=st.sampled_from(["from_first", "all", "drop"])
)
def test_abc_xyz_invariant_to_shuffling_and_splitting(rows, cut, zero_periods, tmp_path_factory):
    tx = pd.DataFrame(
        {
            "account_id": pd.Series([r[0] for r in rows], dtype="str"),
            "date": pd.Timestamp("2023-01-01") + pd.to_timedelta([r[1] for r in rows], unit="D"),
            "revenue": [float(r[2]) for r in rows],
        }
    )
    got = abc_xyz(tx, zero_periods=zero_periods)
    # classes partition the accounts
    assert sorted(got["account_id"]) == sorted(tx["account_id"].unique())
    assert got["abc"].isin(["A", "B", "C", NON_POSITIVE]).all()
    assert got["total"].sum() == pytest.approx(tx["revenue"].sum())
    shuffled = tx.sample(frac=1, random_state=cut)
    pd.testing.assert_frame_equal(abc_xyz(shuffled, zero_periods=zero_periods), got)
    folder = tmp_path_factory.mktemp("split")
    tx.iloc[:cut].to_parquet(folder / "1.parquet")
    tx.iloc[cut:].to_parquet(folder / "2.parquet")
    split = abc_xyz([folder / "1.parquet", folder / "2.parquet"], zero_periods=zero_periods)
    pd.testing.assert_frame_equal(split, got)


# ---- plot -------------------------------------------------------------------------------------


def test_plot_abc_xyz_matrix_cells_and_labels():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kamlib.plots.abcxyz import plot_abc_xyz_matrix

    with pytest.warns(DeprecationWarning):
        m = abc_xyz_matrix(abc_xyz(_tx(), start="2024-01-01", end="2024-06-30"))
    fig, ax = plt.subplots()
    try:
        out = plot_abc_xyz_matrix(m, value="count", ax=ax)
        assert out is ax
        # 3 x 3 classes plus the non-positive row x non-positive column (other label cells empty)
        assert len(ax.texts) == 10
        assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B", "C", NON_POSITIVE]
        assert [t.get_text() for t in ax.get_xticklabels()] == ["X", "Y", "Z", NON_POSITIVE]
        assert ax.get_title() == "ABC-XYZ matrix: accounts"
        ax2 = plot_abc_xyz_matrix(m, value="total_pct", ax=fig.add_subplot(2, 1, 2))
        assert "80.0" in [t.get_text() for t in ax2.texts]
        with pytest.raises(ArgumentError, match="`value`"):
            plot_abc_xyz_matrix(m, value="share", ax=ax)
    finally:
        plt.close(fig)

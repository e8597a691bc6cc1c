"""Loss of clients: cadence status, YoY decline, period-pair status, losses, win-back list."""

from __future__ import annotations

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
from kamlib.load.sample import PLANTED, SAMPLE_AS_OF, generate_sample
from kamlib.plots.churn import plot_losses
from kamlib.portfolio.churn import (
    STATUSES,
    WIN_BACK_OFFERS,
    client_status,
    losses,
    period_status,
    win_back,
    yoy_change,
)

NaN = np.nan
AS_OF = "2024-07-01"


def _index(ids: list[str], name: str = "account_id") -> pd.Index:
    return pd.Index(ids, name=name, dtype="str")


def _tx() -> pd.DataFrame:
    rows = [
        # a: every 30 days, last on 03-01, then a return: 122 days > 2 x 30 -> at risk
        ("a", "2024-01-01", 100.0),
        ("a", "2024-01-31", 100.0),
        ("a", "2024-03-01", 100.0),
        ("a", "2024-04-01", -10.0),
        # b: two lines on 12-01 are one purchase; 183 days since 12-31 -> lost
        ("b", "2023-11-01", 50.0),
        ("b", "2023-12-01", 20.0),
        ("b", "2023-12-01", 30.0),
        ("b", "2023-12-31", 40.0),
        # c: two purchases only -> too few to judge the cadence
        ("c", "2024-06-01", 10.0),
        ("c", "2024-06-21", 10.0),
        # d: one purchase
        ("d", "2024-06-30", 5.0),
        # e: only a return -> no purchase
        ("e", "2024-05-01", -7.0),
        # f: the line after as_of is ignored; 182 days since 01-01 -> lost
        ("f", "2024-01-01", 60.0),
        ("f", "2024-08-01", 999.0),
        # g: intervals 31 and 30 -> median 30.5; bought on as_of -> active
        ("g", "2024-05-01", 1.0),
        ("g", "2024-06-01", 1.0),
        ("g", "2024-07-01", 1.0),
    ]
    frame = pd.DataFrame(rows, columns=["account_id", "date", "revenue"])
    return frame.assign(date=pd.to_datetime(frame["date"]), account_id=frame["account_id"])


def test_client_status_by_hand():
    status = client_status(_tx(), as_of=AS_OF)
    ts = pd.to_datetime
    expected = pd.DataFrame(
        {
            "first_purchase": ts(
                [
                    "2024-01-01",
                    "2023-11-01",
                    "2024-06-01",
                    "2024-06-30",
                    None,
                    "2024-01-01",
                    "2024-05-01",
                ]
            ),
            "last_purchase": ts(
                [
                    "2024-03-01",
                    "2023-12-31",
                    "2024-06-21",
                    "2024-06-30",
                    None,
                    "2024-01-01",
                    "2024-07-01",
                ]
            ),
            "purchases": [3, 3, 2, 1, 0, 1, 3],
            "median_interval": [30.0, 30.0, 20.0, NaN, NaN, NaN, 30.5],
            "days_since_last": pd.array([122, 183, 10, 1, None, 182, 0], dtype="Int64"),
            # the longest pause between two purchases (of the last 730 days)
            "longest_gap": [30.0, 30.0, 20.0, NaN, NaN, NaN, 31.0],
            "at_risk_after": [60.0, 60.0, NaN, NaN, NaN, NaN, 61.0],
            "status": pd.array(
                ["at_risk", "lost", "active", "active", "no_purchase", "lost", "active"],
                dtype="str",
            ),
            "basis": pd.array(
                [
                    "122 days since the last purchase, more than 2 x the median interval of "
                    "30 days",
                    "no purchase for 183 days (more than 180)",
                    "10 days since the last purchase; 2 purchase(s), too few (< 3) to judge "
                    "the cadence",
                    "1 day since the last purchase; 1 purchase(s), too few (< 3) to judge "
                    "the cadence",
                    "no purchase line (only returns or zero revenue)",
                    "no purchase for 182 days (more than 180)",
                    "0 days since the last purchase, within 2 x the median interval of 30.5 days",
                ],
                dtype="str",
            ),
            # a: the return after the last purchase is not in the 12 months up to it
            "annual_value": [300.0, 140.0, 20.0, 5.0, 0.0, 60.0, 3.0],
        },
        index=_index(list("abcdefg")),
    )
    assert_frame_equal(status, expected)


def test_client_status_thresholds_are_keywords():
    status = client_status(_tx(), as_of=AS_OF, k=5.0, lost_after_days=365, min_purchases=2)
    assert status["status"].tolist() == [
        "active",  # 122 <= 5 x 30
        "at_risk",  # 183 > 5 x 30, not yet 365
        "active",  # 10 <= 5 x 20
        "active",
        "no_purchase",
        "active",
        "active",
    ]
    with pytest.raises(ArgumentError, match="min_purchases"):
        client_status(_tx(), min_purchases=1)


def test_client_status_default_as_of_is_the_last_date():
    assert_frame_equal(client_status(_tx()), client_status(_tx(), as_of="2024-08-01"))


def test_client_status_reads_files_and_keeps_leading_zeros(tmp_path):
    tx = _tx().assign(account_id=lambda f: "00" + f["account_id"])
    tx.to_csv(tmp_path / "tx.csv", index=False)
    tx.to_parquet(tmp_path / "tx.parquet")
    from_frame = client_status(tx, as_of=AS_OF)
    assert from_frame.index[0] == "00a"
    assert_frame_equal(client_status(tmp_path / "tx.csv", as_of=AS_OF), from_frame)
    assert_frame_equal(client_status([tmp_path / "tx.parquet"], as_of=AS_OF), from_frame)


def test_client_status_floor_of_the_at_risk_threshold():
    # h buys every 3 days; 7 days since the last purchase: 2 x 3 = 6 < 7, but under the floor
    days = ["2024-06-03", "2024-06-06", "2024-06-09", "2024-06-12", "2024-06-24"]
    tx = pd.DataFrame(
        {"account_id": "h", "date": pd.to_datetime(days), "revenue": [1.0, 1.0, 1.0, 1.0, 1.0]}
    )
    # intervals 3, 3, 3, 12 -> median 3
    status = client_status(tx, as_of="2024-07-01")
    assert status.loc["h", ["median_interval", "days_since_last", "at_risk_after"]].tolist() == [
        3.0,
        7,
        30.0,
    ]
    assert status.loc["h", "status"] == "active"
    assert status.loc["h", "basis"] == (
        "7 days since the last purchase, within the 30-day floor "
        "(2 x the median interval of 3 days is less)"
    )
    assert client_status(tx, as_of="2024-07-25").loc["h", "status"] == "at_risk"  # 31 > 30
    assert client_status(tx, as_of="2024-07-24").loc["h", "status"] == "active"  # 30, not more
    # without the floor, the longest pause (12 days) still holds the flag back
    no_floor = client_status(tx, as_of="2024-07-01", min_gap_days=0)
    assert no_floor.loc["h", ["longest_gap", "at_risk_after", "status"]].tolist() == [
        12.0,
        12.0,
        "active",
    ]
    # the plain rule of docs/methods.md: 2 x the median interval only
    plain = client_status(tx, as_of="2024-07-01", min_gap_days=0, gap_lookback_days=0)
    assert plain.loc["h", ["at_risk_after", "status"]].tolist() == [6.0, "at_risk"]
    with pytest.raises(ArgumentError, match="min_gap_days"):
        client_status(tx, min_gap_days=-1)


def _dates(days: list[str], client: str = "s") -> pd.DataFrame:
    return pd.DataFrame(
        {"account_id": client, "date": pd.to_datetime(days), "revenue": 1.0}
    ).astype({"account_id": "str"})


def test_seasonal_client_is_not_at_risk_in_its_usual_break():
    # buys on the 10th of each month from February to October, in 2023 and 2024
    days = [f"{y}-{m:02}-10" for y in (2023, 2024) for m in range(2, 11)]
    tx = _dates(days)
    december = client_status(tx, as_of="2024-12-20")  # 71 days since 2024-10-10
    row = december.loc["s"]
    assert row["median_interval"] == 31.0 and row["days_since_last"] == 71
    assert row["longest_gap"] == 123.0  # 2023-10-10 to 2024-02-10, last winter
    assert row["status"] == "active"
    assert (
        "within the longest pause between purchases in the last 730 days (123 days"
        in (row["basis"])
    )
    # the old rule (2 x 30 days, 30-day floor) flags it: the false alarm of issue 10
    old = client_status(tx, as_of="2024-12-20", gap_lookback_days=0)
    assert old.loc["s", "status"] == "at_risk"
    # no purchase by the end of its usual break: at risk (130 > 123 days)
    assert client_status(tx, as_of="2025-02-17").loc["s", "status"] == "at_risk"


def test_bursty_buyer_is_not_at_risk_within_its_usual_pauses():
    # bursts of 5 orders 2 days apart, 45 days between bursts: median interval 2 days
    start = pd.Timestamp("2024-01-01")
    days, day = [], start
    for _ in range(6):
        for _ in range(5):
            days.append(day)
            day += pd.Timedelta(days=2)
        day += pd.Timedelta(days=43)  # 2 + 43 = 45 days from the last order of a burst
    tx = _dates([d.strftime("%Y-%m-%d") for d in days], "b")
    last = days[-1]
    after_33 = client_status(tx, as_of=last + pd.Timedelta(days=33)).loc["b"]
    assert after_33["median_interval"] == 2.0 and after_33["longest_gap"] == 45.0
    assert after_33["status"] == "active"
    old = client_status(tx, as_of=last + pd.Timedelta(days=33), gap_lookback_days=0)
    assert old.loc["b", "status"] == "at_risk"  # 33 > the 30-day floor
    assert client_status(tx, as_of=last + pd.Timedelta(days=46)).loc["b", "status"] == "at_risk"
    # gap_factor stretches the threshold; gap_lookback_days forgets old pauses
    wide = client_status(tx, as_of=last + pd.Timedelta(days=46), gap_factor=1.5).loc["b"]
    assert wide["at_risk_after"] == 67.5 and wide["status"] == "active"
    with pytest.raises(ArgumentError, match="gap_factor"):
        client_status(tx, gap_factor=-1)
    with pytest.raises(ArgumentError, match="gap_lookback_days"):
        client_status(tx, gap_lookback_days=-1)


def test_client_status_missing_column():
    with pytest.raises(InputError) as err:
        client_status(_tx().drop(columns="date"))
    assert err.value.problems[0].column == "date"


@settings(max_examples=15, deadline=None)  # each call runs a DuckDB query (~50 ms)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", "d"]),
            st.integers(min_value=0, max_value=400),
            st.sampled_from([-5.0, 0.0, 10.0, 20.0]),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_status_partitions_clients_and_ignores_row_order(rows):
    tx = pd.DataFrame(rows, columns=["account_id", "day", "revenue"])
    tx["date"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(tx.pop("day"), unit="D")
    status = client_status(tx, as_of="2025-03-01")
    assert sorted(status.index) == sorted(tx["account_id"].unique())
    assert status["status"].isin(STATUSES).all()
    reversed_rows = tx.iloc[list(range(len(tx)))[::-1]]  # a copy: DuckDB 2.0 rejects a [::-1] view
    assert_frame_equal(client_status(reversed_rows, as_of="2025-03-01"), status)


def test_yoy_change_by_hand():
    tx = pd.DataFrame(
        {
            "account_id": ["a", "a", "b", "b", "c", "d", "e"],
            "date": pd.to_datetime(
                [
                    "2023-01-01",  # a previous (first day of the previous window)
                    "2024-12-31",  # a current (as_of itself)
                    "2023-06-01",
                    "2024-06-01",
                    "2024-03-01",  # c: new, no previous revenue
                    "2023-03-01",  # d: nothing this year
                    "2022-12-31",  # e: before both windows
                ]
            ),
            "revenue": [100.0, 80.0, 100.0, 70.0, 50.0, 40.0, 9.0],
        }
    )
    out = yoy_change(tx, as_of="2024-12-31", threshold=0.25)
    expected = pd.DataFrame(
        {
            "current": [80.0, 70.0, 50.0, 0.0],
            "previous": [100.0, 100.0, 0.0, 40.0],
            "change": [-20.0, -30.0, 50.0, -40.0],
            "change_pct": [-0.2, -0.3, NaN, -1.0],
            "declining": pd.array([False, True, False, True], dtype="boolean"),
        },
        index=_index(["a", "b", "c", "d"]),
    )
    assert_frame_equal(out, expected)
    with pytest.raises(ArgumentError, match="threshold"):
        yoy_change(tx, threshold=5)


def _periods() -> pd.DataFrame:
    rows = [
        ("a", "2021-03-01", 10.0),
        ("a", "2022-03-01", 20.0),
        ("a", "2024-03-01", 30.0),
        ("b", "2022-05-01", 5.0),
        ("c", "2021-07-01", 7.0),
        ("d", "2024-01-01", 8.0),
        ("e", "2021-02-01", 6.0),
        ("e", "2023-02-01", -5.0),  # a return is not a purchase
    ]
    frame = pd.DataFrame(rows, columns=["account_id", "date", "revenue"])
    return frame.assign(date=pd.to_datetime(frame["date"]))


def test_period_status_by_hand():
    out = period_status(_periods())
    expected = pd.DataFrame(
        {
            "account_id": pd.array(["a", "b", "c", "e", "a", "b", "a", "d"], dtype="str"),
            "period": pd.PeriodIndex(
                ["2022", "2022", "2022", "2022", "2023", "2023", "2024", "2024"], freq="Y"
            ),
            "status": pd.array(
                ["repeating", "new", "lapsed", "lapsed", "lapsed", "lapsed", "reactivated", "new"],
                dtype="str",
            ),
            "revenue": [20.0, 5.0, 0.0, 0.0, 0.0, 0.0, 30.0, 8.0],
            "previous_revenue": [10.0, 0.0, 7.0, 6.0, 20.0, 5.0, 0.0, 0.0],
        }
    )
    # e lapsed in 2022; its return in 2023 is not a purchase, so it has no row in 2023
    assert_frame_equal(out, expected)
    counts = out.groupby(["period", "status"]).size().unstack(fill_value=0)
    assert counts.loc[pd.Period("2023", "Y"), "lapsed"] == 2


def test_period_status_quarters_and_empty():
    out = period_status(_periods(), period="Q", as_of="2021-12-31")
    assert out["status"].tolist() == ["lapsed", "lapsed", "new", "lapsed"]
    assert out["account_id"].tolist() == ["a", "e", "c", "c"]
    none = period_status(_periods().assign(revenue=-1.0))
    assert none.empty and list(none.columns) == [
        "account_id",
        "period",
        "status",
        "revenue",
        "previous_revenue",
    ]
    with pytest.raises(ArgumentError, match="period"):
        period_status(_periods(), period="fortnight")


@settings(max_examples=20, deadline=None)
@given(st.randoms(use_true_random=False))
def test_period_status_ignores_row_order(rnd):
    tx = _periods()
    order = list(range(len(tx)))
    rnd.shuffle(order)
    assert_frame_equal(period_status(tx.iloc[order]), period_status(tx))


def _status() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "status": pd.array(["lost", "lost", "at_risk", "lost", "active"], dtype="str"),
            "last_purchase": pd.to_datetime(
                ["2024-01-15", "2024-07-02", "2024-09-01", "2024-01-20", "2024-12-01"]
            ),
            "days_since_last": pd.array([351, 182, 121, 346, 30], dtype="Int64"),
            "annual_value": [100.0, 40.0, 400.0, 10.0, 80.0],
        },
        index=_index(["a", "b", "c", "d", "e"]),
    )


def _accounts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_id": ["a", "b", "c", "d", "e"],
            "name": ["Alfa", "Beta", "Gamma", "Delta", "Epsilon"],
            "region": ["North", "South", "North", None, "North"],
            "manager": ["Ann", "Bob", "Ann", "Ann", "Bob"],
            "lost_reason": [None, "moved production abroad", None, "quality", None],
        }
    ).astype("str")


def _tenders() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "tender_id": ["T1", "T2", "T3"],
            "account_id": ["a", "a", "b"],
            "date": pd.to_datetime(["2023-11-01", "2024-02-01", "2024-03-01"]),
            "title": ["Cables", None, "Pipes"],
            "status": ["lost", "won", "Lost"],
            "reason": ["price", "quality", "quality"],
            "winner": ["CompX", None, None],
        }
    )


def test_losses_over_time_by_hand():
    out = losses(_status())
    expected = pd.DataFrame(
        {
            "period": pd.period_range("2024Q1", "2024Q3", freq="Q", name="period"),
            "clients": [2, 0, 1],
            "annual_value": [110.0, 0.0, 40.0],
        }
    )
    assert_frame_equal(out, expected)
    with_risk = losses(_status(), statuses=("lost", "at_risk"), period="Y")
    assert with_risk["clients"].tolist() == [4]
    empty = losses(_status().assign(status="active"))
    assert empty.empty and list(empty.columns) == ["period", "clients", "annual_value"]


def test_losses_by_region_manager_and_reason():
    by_region = losses(_status(), _accounts(), by="region")
    assert_frame_equal(
        by_region,
        pd.DataFrame(
            {
                "region": pd.array(["North", "South", "unknown"], dtype="str"),
                "clients": [1, 1, 1],
                "annual_value": [100.0, 40.0, 10.0],
            }
        ),
    )
    by_manager = losses(_status(), _accounts(), by="manager")
    assert by_manager.to_dict("list") == {
        "manager": ["Ann", "Bob"],
        "clients": [2, 1],
        "annual_value": [110.0, 40.0],
    }
    by_reason = losses(_status(), _accounts(), _tenders(), by="reason")
    # a: lost tender on price; b: CRM reason (main) and a lost tender on quality (not counted
    # again); d: CRM quality. Each lost client once: 3 clients, 150 = the total lost.
    assert by_reason.to_dict("list") == {
        "reason": ["price", "moved production abroad", "quality"],
        "clients": [1, 1, 1],
        "annual_value": [100.0, 40.0, 10.0],
    }
    only_crm = losses(_status(), _accounts(), by="reason")
    assert only_crm["reason"].tolist() == ["unknown", "moved production abroad", "quality"]


def test_losses_needs_the_tables_it_counts_by():
    with pytest.raises(InputError) as err:
        losses(_status(), by="region")
    assert err.value.codes == ["missing-table"]
    with pytest.raises(InputError):
        losses(_status(), _accounts().drop(columns="manager"), by="manager")
    with pytest.raises(InputError):
        losses(_status(), by="reason")
    with pytest.raises(ArgumentError, match="`by`"):
        losses(_status(), by="colour")


def test_win_back_by_hand():
    contacts = pd.DataFrame(
        {
            "contact_id": ["p1", "p2", "p3"],
            "account_id": ["a", "a", "c"],
            "name": ["X", "Y", "Z"],
            "last_contact": pd.to_datetime(["2024-03-01", "2024-05-01", None]),
        }
    )
    out = win_back(_status(), _accounts(), contacts, _tenders())
    expected = pd.DataFrame(
        {
            "rank": [1, 2, 3, 4],
            "name": pd.array(["Gamma", "Alfa", "Beta", "Delta"], dtype="str"),
            "status": pd.array(["at_risk", "lost", "lost", "lost"], dtype="str"),
            "last_purchase": pd.to_datetime(
                ["2024-09-01", "2024-01-15", "2024-07-02", "2024-01-20"]
            ),
            "days_since_last": pd.array([121, 351, 182, 346], dtype="Int64"),
            "annual_value": [400.0, 100.0, 40.0, 10.0],
            "last_contact": pd.to_datetime([None, "2024-05-01", None, None]),
            "reasons": pd.array(
                [
                    "",
                    "tender T1 Cables lost 2023-11-01 to CompX: price",
                    "moved production abroad; tender T3 Pipes lost 2024-03-01: quality",
                    "quality",
                ],
                dtype="str",
            ),
            "offer": pd.array(
                [
                    WIN_BACK_OFFERS["at_risk"],
                    WIN_BACK_OFFERS["price"],
                    WIN_BACK_OFFERS["lost"],
                    WIN_BACK_OFFERS["lost"],
                ],
                dtype="str",
            ),
        },
        index=_index(["c", "a", "b", "d"]),
    )
    assert_frame_equal(out, expected)


def test_win_back_key_clients_offers_and_missing_tables():
    key = pd.Series({"a": True, "b": False, "c": True})
    out = win_back(_status(), None, key=key, offers={"lost": "call the CEO"})
    assert out.index.tolist() == ["c", "a"]
    assert out["name"].isna().all() and out["last_contact"].isna().all()
    assert out["reasons"].tolist() == ["", ""]
    assert out.loc["a", "offer"] == "call the CEO"
    assert win_back(_status(), key=["d"], statuses=("lost",)).index.tolist() == ["d"]


def test_status_to_win_back_end_to_end():
    status = client_status(_tx(), as_of=AS_OF)
    out = win_back(status)
    assert out.index.tolist() == ["a", "b", "f"]  # 300 at risk, 140 and 60 lost
    assert out["annual_value"].tolist() == [300.0, 140.0, 60.0]
    assert losses(status, period="M")["clients"].tolist() == [1, 1]  # 2023-12 and 2024-01


def test_plot_losses_over_time_and_by_region():
    fig, ax = plt.subplots()
    assert plot_losses(losses(_status()), ax=ax) is ax
    assert [float(p.get_height()) for p in ax.patches] == [2.0, 0.0, 1.0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2024Q1", "2024Q2", "2024Q3"]
    assert ax.get_ylabel() == "lost clients"
    plt.close(fig)
    accounts = _accounts().assign(region=["$North$", "South", "North", None, "North"])
    by_region = losses(_status(), accounts, by="region")
    fig, ax = plt.subplots()
    plot_losses(by_region, y="annual_value", ax=ax)
    assert [float(p.get_height()) for p in ax.patches] == [100.0, 40.0, 10.0]
    labels = ax.get_xticklabels()
    assert labels[0].get_text() == "$North$" and not labels[0].get_parse_math()
    assert ax.get_xlabel() == "region"
    plt.close(fig)
    with pytest.raises(InputError):
        plot_losses(by_region, y="colour")


# --- the planted phenomena of the sample portfolio (data/README.md) ---------------------------


@pytest.fixture(scope="module")
def sample() -> dict[str, pd.DataFrame]:
    return generate_sample(seed=7)  # the frames behind data/sample


@pytest.fixture(scope="module")
def sample_status(sample) -> pd.DataFrame:
    return client_status(sample["transactions"], as_of=SAMPLE_AS_OF)


def test_sample_lost_clients(sample_status):
    lost = sample_status.index[sample_status["status"] == "lost"]
    expected = PLANTED["lost_key_clients"] + PLANTED["small_lost_clients"]
    assert sorted(lost) == sorted(expected)
    # C0131 is still "client" in the CRM: only the purchase data shows the loss
    assert sample_status.loc["C0131", "status"] == "lost"
    key_lost = sample_status.loc[list(PLANTED["lost_key_clients"]), "last_purchase"]
    assert key_lost.between(pd.Timestamp("2025-02-01"), pd.Timestamp("2025-05-31")).all()


def test_sample_breadwinner_is_not_at_risk_after_a_week(sample_status):
    # C0027 orders every 3 days; its last order before the analysis date was on 24 December
    breadwinner = sample_status.loc[PLANTED["breadwinner"][0]]
    assert breadwinner["days_since_last"] == 7 and breadwinner["median_interval"] == 3.0
    assert breadwinner["status"] == "active"
    at_risk = sample_status[sample_status["status"] == "at_risk"]
    assert (at_risk["days_since_last"] > 30).all()


def test_sample_at_risk_clients_are_silent_longer_than_their_usual_pauses(sample_status):
    at_risk = sample_status[sample_status["status"] == "at_risk"]
    assert len(at_risk) < 36 / 2  # 36 of 135 with the old rule (issue 10)
    longest = at_risk["longest_gap"].fillna(0)
    assert (at_risk["days_since_last"].astype("float64") > longest).all()
    # the planted seasonal key accounts are in their usual break at the end of December
    seasonal = sample_status.loc[list(PLANTED["seasonal_key_accounts"])]
    assert (seasonal["status"] == "active").all()


def test_sample_new_clients_and_yoy_decline(sample):
    tx = sample["transactions"]
    pairs = period_status(tx, as_of=SAMPLE_AS_OF)
    new_2025 = pairs[(pairs["period"] == pd.Period("2025", "Y")) & (pairs["status"] == "new")]
    assert sorted(new_2025["account_id"]) == sorted(PLANTED["new_clients"])
    yoy = yoy_change(tx, as_of=SAMPLE_AS_OF)
    assert yoy.loc[list(PLANTED["lost_key_clients"]), "declining"].all()
    worst = yoy.sort_values("change").index[:4]
    assert sorted(worst) == sorted(PLANTED["lost_key_clients"])


def test_sample_losses_and_win_back(sample, sample_status):
    accounts, tenders = sample["accounts"], sample["tenders"]
    over_time = losses(sample_status, period="Q")
    q2_2025 = over_time.set_index("period").loc[pd.Period("2025Q2", "Q")]
    assert q2_2025["clients"] == 3  # C0054, C0088, C0131 (C0009 stopped in February)
    by_reason = losses(sample_status, accounts, tenders, by="reason")
    reasons = " | ".join(by_reason["reason"])
    assert "NordSupply AG" in reasons and "client closed its plant" in reasons
    lost_all = sample_status[sample_status["status"] == "lost"]
    # each lost client once, under its main reason: the totals are those of the lost clients
    assert by_reason["clients"].sum() == len(lost_all) == 8
    assert by_reason["annual_value"].sum() == pytest.approx(lost_all["annual_value"].sum())
    main = by_reason.set_index("reason")
    # C0009: the CRM's reason is the main one; the lost tender (price 9 % above) is not counted
    assert main.loc["lost the 2025 framework tender to NordSupply AG on price", "clients"] == 1
    # C0088 has no CRM reason: its lost tender's reason counts
    assert main.loc["price 9 % above the winner", "clients"] == 1
    key = list(PLANTED["key_accounts"])
    back = win_back(sample_status, accounts, sample["contacts"], tenders, key=key)
    lost = back[back["status"] == "lost"]
    assert sorted(lost.index) == sorted(PLANTED["lost_key_clients"])
    assert lost.index[0] == "C0009"  # the largest lost annual value
    assert "NordSupply AG" in lost.loc["C0009", "reasons"]
    assert (lost["last_contact"] < pd.Timestamp(SAMPLE_AS_OF) - pd.Timedelta(days=90)).all()

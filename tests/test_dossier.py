"""Client dossier: information, history, timeline, DMU roster and coverage, competitors, privacy."""

import dataclasses
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from pandas.testing import assert_frame_equal  # noqa: E402

import kamlib  # noqa: E402
from kamlib.account.dmu import dmu_coverage, dmu_roster  # noqa: E402
from kamlib.account.dossier import (  # noqa: E402
    account_dossier,
    account_info,
    competitors_at,
    relationship_timeline,
    revenue_history,
    share_of_wallet,
)
from kamlib.errors import InputError  # noqa: E402
from kamlib.plots.dossier import ATTITUDE_COLORS, plot_dmu_map, plot_revenue_history  # noqa: E402

AS_OF = "2025-07-01"
CANARIES = [
    "1961",  # birthday year of k1
    "1961-07-14",
    "1975",  # birthday year of k3
    "03.12",  # k3's birthday is not upcoming: never shown
    "CANARY-FAMILY",
    "CANARY-HOBBY",
    "CANARY-NOTE",
]


def _tx():
    rows = [
        ("A", "2023-02-10", "p1", 10.0, 100.0, 60.0),
        ("A", "2023-08-10", "p2", 5.0, 200.0, 150.0),
        ("A", "2024-03-10", "p1", 12.0, 120.0, 70.0),
        ("A", "2025-03-10", "p3", 1.0, 80.0, 50.0),
        ("A", "2025-04-20", "p1", -2.0, -20.0, -12.0),
        ("B", "2025-01-05", "p1", 3.0, 30.0, 20.0),
    ]
    frame = pd.DataFrame(
        rows, columns=["account_id", "date", "product_id", "quantity", "revenue", "cost"]
    )
    return frame.assign(
        date=pd.to_datetime(frame["date"]).astype("datetime64[us]"),
        order_id=[f"o{i}" for i in range(len(frame))],
    )


def _products():
    return pd.DataFrame(
        {
            "product_id": ["p1", "p2", "p3"],
            "name": ["Pump", "Valve", "Seal"],
            "category": ["Pumps", "Valves", "Seals"],
        }
    )


def _accounts():
    return pd.DataFrame(
        {
            "account_id": ["A", "B", "P"],
            "name": ["Acme $x$ GmbH", "Beta", "Prospect Ltd"],
            "industry": ["Food", "Food", "Steel"],
            "since": pd.to_datetime(["2022-11-01", "2024-01-01", None]),
            "status": ["lost", "client", "prospect"],
            "lost_reason": ["moved to a cheaper supplier", None, None],
            "potential_budget": [500.0, 100.0, 300.0],
        }
    )


def _contacts():
    return pd.DataFrame(
        {
            "contact_id": ["k1", "k2", "k3", "k4", "x1"],
            "account_id": ["A", "A", "A", "A", "B"],
            "name": ["Ada Root", "Bo Buyer", "Cy Tech", "Di User", "Xena Other"],
            "title": ["CEO", "Head of purchasing", "CTO", "Engineer", "CFO"],
            "dmu_role": ["Decision_Maker", "negotiator", "influencer", "user", "approver"],
            "influence": [5.0, 3.0, 4.0, 1.0, 2.0],
            "attitude": ["Champion", "neutral", "skeptic", None, "supporter"],
            "reports_to": [None, "k1", "k1", "k3", None],
            "last_contact": pd.to_datetime(
                ["2025-06-01", "2025-01-15", "2025-05-20", None, "2025-06-30"]
            ),
            "birthday": pd.to_datetime(
                ["1961-07-14", "1980-01-20", "1975-12-03", None, "1990-07-10"]
            ),
            "family": ["CANARY-FAMILY married", "CANARY-FAMILY two kids", None, None, None],
            "hobbies": ["CANARY-HOBBY sailing", None, "CANARY-HOBBY golf", None, None],
            "notes": ["CANARY-NOTE likes long lunches", None, None, "CANARY-NOTE x", None],
        }
    )


def _meetings():
    return pd.DataFrame(
        {
            "meeting_id": ["m1", "m2"],
            "account_id": ["A", "A"],
            "date": pd.to_datetime(["2024-01-20", "2025-01-25"]),
            "type": ["annual", "review"],
            "summary": ["prices", "quality issues"],
            "outcome": ["3 % rebate agreed", None],
        }
    )


def _tenders():
    return pd.DataFrame(
        {
            "tender_id": ["t1", "t2"],
            "account_id": ["A", "A"],
            "date": pd.to_datetime(["2024-06-01", "2025-02-01"]),
            "title": ["Pumps 2024", "Valves 2025"],
            "value": [300.0, 250.0],
            "status": ["won", "lost"],
            "reason": ["best service", "price"],
            "winner": [None, "Rival AG"],
        }
    )


def _competitors():
    return pd.DataFrame(
        {
            "account_id": ["A", "A", "B"],
            "competitor": ["Rival AG", "Other SE", "Rival AG"],
            "share_of_wallet": [0.4, 0.2, 0.5],
            "strengths": ["price", "range", "price"],
            "weaknesses": ["service", "delivery", "service"],
        }
    )


def _full(**kw):
    return account_dossier(
        "A",
        transactions=_tx(),
        accounts=_accounts(),
        products=_products(),
        contacts=_contacts(),
        meetings=_meetings(),
        tenders=_tenders(),
        competitors=_competitors(),
        as_of=AS_OF,
        **kw,
    )


# --- privacy: canaries -------------------------------------------------------------------------


def _texts(obj, seen=None):
    """Every piece of text reachable from `obj`: dataclass fields, frames, series, containers."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield f.name
            yield from _texts(getattr(obj, f.name), seen)
        for name in dir(type(obj)):  # properties such as Dossier.findings
            if isinstance(getattr(type(obj), name, None), property):
                yield from _texts(getattr(obj, name), seen)
    elif isinstance(obj, pd.DataFrame):
        yield from (str(c) for c in obj.columns)
        yield str(obj.columns.name) + str(obj.index.name)
        yield from (str(i) for i in obj.index)
        yield from (str(v) for v in obj.to_numpy().ravel())
        yield obj.to_string()
    elif isinstance(obj, pd.Series):
        yield str(obj.name)
        yield from (str(i) for i in obj.index)
        yield from (str(v) for v in obj.to_numpy())
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield str(k)
            yield from _texts(v, seen)
    elif isinstance(obj, list | tuple | set):
        for v in obj:
            yield from _texts(v, seen)
    else:
        yield str(obj)
        yield repr(obj)


def test_default_dossier_leaves_no_trace_of_personal_values():
    texts = list(_texts(_full()))
    assert any("Ada Root" in t for t in texts)  # the walk does reach the roster
    for canary in CANARIES + ["14.07"]:
        assert not any(canary in t for t in texts), canary
    assert "upcoming_birthday" not in _full().dmu.columns
    assert not {"birthday", "family", "hobbies", "notes"} & set(_full().dmu.columns)


def test_opt_in_shows_upcoming_birthdays_as_day_and_month_only():
    d = _full(include_personal_details=True)
    roster = d.dmu.set_index("contact_id")
    assert roster.loc["k1", "upcoming_birthday"] == "14.07"  # 13 days after as_of
    assert pd.isna(roster.loc["k3", "upcoming_birthday"])  # December: not upcoming
    assert pd.isna(roster.loc["k2", "upcoming_birthday"])
    texts = list(_texts(d))
    for canary in CANARIES:
        assert not any(canary in t for t in texts), canary
    assert d.parameters["include_personal_details"] is True


def test_birthday_window_and_leap_day():
    contacts = pd.DataFrame(
        {
            "contact_id": ["a", "b"],
            "account_id": ["A", "A"],
            "name": ["Leap", "Soon"],
            "birthday": pd.to_datetime(["1980-02-29", "1970-01-02"]),
        }
    )
    out = dmu_roster(
        "A", contacts=contacts, as_of="2025-12-31", include_personal_details=True
    ).set_index("name")
    assert out.loc["Soon", "upcoming_birthday"] == "02.01"  # next year, 2 days ahead
    assert pd.isna(out.loc["Leap", "upcoming_birthday"])
    near = dmu_roster("A", contacts=contacts, as_of="2025-02-20", include_personal_details=True)
    assert near.set_index("name").loc["Leap", "upcoming_birthday"] == "29.02"


# --- general information and history -----------------------------------------------------------


def test_account_info_combines_accounts_and_transactions():
    info = account_info("A", transactions=_tx(), accounts=_accounts(), as_of=AS_OF)
    assert info["name"] == "Acme $x$ GmbH" and info["status"] == "lost"
    assert info["first_purchase"] == pd.Timestamp("2023-02-10")
    assert info["last_purchase"] == pd.Timestamp("2025-04-20")
    assert info["revenue_total"] == 480.0
    assert info["revenue_last_12m"] == 60.0  # 80 - 20 since 2024-07-01
    assert info["gross_profit_last_12m"] == 22.0  # (80-50) + (-20+12)
    assert info["orders_last_12m"] == 2 and info["products_bought"] == 3
    assert info["days_since_last_purchase"] == 72


def test_account_info_for_a_prospect_and_an_unknown_account():
    info = account_info("P", transactions=_tx(), accounts=_accounts(), as_of=AS_OF)
    assert info["revenue_total"] == 0.0 and pd.isna(info["last_purchase"])
    with pytest.raises(InputError, match="unknown-account"):
        account_info("nobody", transactions=_tx(), accounts=_accounts(), as_of=AS_OF)


def test_revenue_history_reconciles_with_transactions():
    out = revenue_history("A", transactions=_tx(), products=_products(), as_of=AS_OF)
    assert out[["year", "category", "revenue"]].values.tolist() == [
        [2023, "Pumps", 100.0],
        [2023, "Valves", 200.0],
        [2024, "Pumps", 120.0],
        [2025, "Pumps", -20.0],
        [2025, "Seals", 80.0],
    ]
    assert out["gross_profit"].tolist() == [40.0, 50.0, 50.0, -8.0, 30.0]
    assert out["revenue"].sum() == _tx().query("account_id == 'A'")["revenue"].sum()
    assert out.groupby("year")["share_of_year"].sum().tolist() == pytest.approx([1, 1, 1])
    without = revenue_history("A", transactions=_tx(), as_of=AS_OF)
    assert set(without["category"]) == {"(all)"} and without["revenue"].sum() == 480.0


def test_timeline_lists_key_events_in_order():
    out = relationship_timeline(
        "A",
        transactions=_tx(),
        products=_products(),
        accounts=_accounts(),
        tenders=_tenders(),
        meetings=_meetings(),
        as_of=AS_OF,
    )
    assert out["event"].tolist() == [
        "relationship started",
        "first purchase",
        "first purchase in category Valves",
        "annual meeting: 3 % rebate agreed",
        "tender Pumps 2024 won: best service",
        "review meeting: quality issues",
        "tender Valves 2025 lost to Rival AG: price",
        "first purchase in category Seals",
        "last purchase",
        "client lost: moved to a cheaper supplier",
    ]
    assert out["date"].is_monotonic_increasing
    assert out["kind"].iloc[0] == "relationship"


# --- decision-making unit ----------------------------------------------------------------------


def test_roster_normalises_and_orders_by_level():
    out = dmu_roster("A", contacts=_contacts(), as_of=AS_OF)
    assert out["contact_id"].tolist() == ["k1", "k3", "k2", "k4"]
    assert out["level"].tolist() == [0, 1, 1, 2]
    assert out["dmu_role"].tolist() == ["decision maker", "influencer", "buyer", "user"]
    assert out["attitude"].tolist()[:3] == ["champion", "sceptic", "neutral"]
    assert pd.isna(out["attitude"].iloc[3])
    assert out["reports_to_name"].tolist()[1:] == ["Ada Root", "Ada Root", "Cy Tech"]
    assert out["days_since_contact"].tolist()[:3] == [30.0, 42.0, 167.0]


def test_roster_survives_a_reporting_cycle():
    contacts = pd.DataFrame(
        {
            "contact_id": ["a", "b"],
            "account_id": ["A", "A"],
            "name": ["A", "B"],
            "reports_to": ["b", "a"],
        }
    )
    assert dmu_roster("A", contacts=contacts, as_of=AS_OF)["level"].tolist() == [0, 0]


def test_coverage_in_words():
    roster = dmu_roster("A", contacts=_contacts(), as_of=AS_OF)
    out = dmu_coverage(roster).set_index("check")
    assert out["ok"].to_dict() == {
        "decision maker": True,
        "champion": True,
        "recent contact": False,
        "multi-threaded": True,
    }
    assert out.loc["recent contact", "finding"] == (
        "2 of 4 contacts not reached for more than 90 days: "
        "Bo Buyer (167 days), Di User (no contact recorded)."
    )
    single = dmu_coverage(roster[roster["contact_id"] == "k2"])
    assert single["finding"].tolist() == [
        "No contact with a decision maker.",
        "No champion among the contacts.",
        "1 of 1 contacts not reached for more than 90 days: Bo Buyer (167 days).",
        "Single-threaded: one contact only (Bo Buyer).",
    ]
    assert not dmu_coverage(roster.iloc[:0])["ok"].any()
    relaxed = dmu_coverage(roster[roster["contact_id"] != "k4"], stale_days=200)
    assert relaxed["ok"].all()


# --- competitors -------------------------------------------------------------------------------


def test_competitors_and_share_of_wallet():
    comp = competitors_at("A", competitors=_competitors())
    assert comp["competitor"].tolist() == ["Rival AG", "Other SE"]
    share = share_of_wallet(
        "A", transactions=_tx(), accounts=_accounts(), competitors=_competitors(), as_of=AS_OF
    )
    assert share["by_budget"] == pytest.approx(60.0 / 500.0)
    assert share["by_competitors"] == pytest.approx(0.4)
    bare = share_of_wallet("A", transactions=_tx(), as_of=AS_OF)
    assert np.isnan(bare["by_budget"]) and np.isnan(bare["by_competitors"])


# --- the whole dossier -------------------------------------------------------------------------


def test_dossier_does_not_mutate_inputs_and_fills_every_part():
    frames = [_tx(), _accounts(), _products(), _contacts(), _meetings(), _tenders(), _competitors()]
    copies = [f.copy() for f in frames]
    d = account_dossier(
        "A",
        transactions=frames[0],
        accounts=frames[1],
        products=frames[2],
        contacts=frames[3],
        meetings=frames[4],
        tenders=frames[5],
        competitors=frames[6],
        as_of=AS_OF,
    )
    for before, after in zip(copies, frames, strict=True):
        assert_frame_equal(before, after)
    assert d.messages == ()
    assert len(d.dmu) == 4 and len(d.tenders) == 2 and len(d.competitors) == 2
    assert d.findings == [d.coverage.loc[2, "finding"]]


def test_dossier_degrades_with_messages():
    d = account_dossier("A", transactions=_tx(), contacts=_contacts().iloc[:0], as_of=AS_OF)
    assert d.messages == (
        "no accounts table: general information from transactions only",
        "no products table: revenue history without product categories",
        "no contacts table: decision-making map skipped",
        "no meetings table: no meetings in the timeline",
        "no tenders table: tender history skipped",
        "no competitors table: competitors skipped",
    )
    assert d.dmu.empty and d.tenders.empty and d.competitors.empty
    assert d.findings[-1] == "No contacts recorded: the relationship has no thread."


# --- plots -------------------------------------------------------------------------------------


def test_dmu_map_lays_out_the_reporting_tree():
    roster = dmu_roster("A", contacts=_contacts(), as_of=AS_OF)
    fig, ax = plt.subplots()
    assert plot_dmu_map(roster, ax=ax) is ax
    nodes = ax.collections[-1]
    xy = dict(zip(roster["contact_id"], map(tuple, nodes.get_offsets().tolist()), strict=True))
    # k1 on top, centred over k2 and k3; k4 under k3
    assert xy["k1"][1] == 0 and xy["k2"][1] == xy["k3"][1] == -1 and xy["k4"][1] == -2
    assert xy["k1"][0] == pytest.approx((xy["k2"][0] + xy["k3"][0]) / 2)
    assert xy["k4"][0] == xy["k3"][0]
    colors = [to_hex(c) for c in nodes.get_facecolors()]
    assert colors == [ATTITUDE_COLORS[a] for a in ("champion", "sceptic", "neutral", "unknown")]
    assert nodes.get_sizes().tolist() == [1500.0, 1200.0, 900.0, 300.0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["champion", "neutral", "sceptic", "unknown"]
    assert len(ax.collections[0].get_segments()) == 3
    plt.close(fig)


def test_dmu_map_text_is_literal_and_empty_roster_is_handled():
    roster = pd.DataFrame(
        {
            "contact_id": ["a"],
            "name": ["$\\x$ Trading"],
            "dmu_role": ["buyer"],
            "influence": [np.nan],
            "attitude": ["friendly"],
            "reports_to": [None],
        }
    )
    fig, ax = plt.subplots()
    plot_dmu_map(roster, ax=ax)
    labels = [t for t in ax.texts if "Trading" in t.get_text()]
    assert labels[0].get_text() == "$\\x$ Trading\nbuyer" and not labels[0].get_parse_math()
    fig.canvas.draw()  # would raise on mathtext
    plt.close(fig)
    fig, ax = plt.subplots()
    plot_dmu_map(roster.iloc[:0], ax=ax)
    assert ax.texts[0].get_text() == "No contacts recorded: no org chart to draw."
    plt.close(fig)


def test_dmu_map_uses_current_axes_and_revenue_history_stacks():
    fig = plt.figure()
    ax = plot_dmu_map(dmu_roster("A", contacts=_contacts(), as_of=AS_OF))
    assert ax is fig.gca()
    plt.close(fig)
    history = revenue_history("A", transactions=_tx(), products=_products(), as_of=AS_OF)
    fig, ax = plt.subplots()
    plot_revenue_history(history, ax=ax)
    heights = [p.get_height() for p in ax.patches]
    assert sum(h for h in heights if h > 0) == 500.0 and min(heights) == -20.0
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2023", "2024", "2025"]
    plt.close(fig)


# --- the sample portfolio ----------------------------------------------------------------------

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def sample():
    if not (SAMPLE / "transactions.csv").is_file():
        pytest.skip("data/sample is not generated")
    return kamlib.load_workspace(SAMPLE)


def _sample_dossier(ws, account, **kw):
    return account_dossier(
        account,
        transactions=ws.transactions,
        accounts=ws.accounts,
        products=ws.products,
        contacts=ws.contacts,
        meetings=ws.meetings,
        tenders=ws.tenders,
        competitors=ws.competitors,
        as_of=ws.as_of,
        **kw,
    )


@pytest.mark.parametrize("account", ["C0027", "C0112", "C0009"])
def test_sample_dossier_reconciles_and_hides_personal_values(sample, account):
    d = _sample_dossier(sample, account)
    tx = sample.transactions[sample.transactions["account_id"] == account]
    assert d.info["revenue_total"] == pytest.approx(tx["revenue"].sum())
    assert d.revenue_history["revenue"].sum() == pytest.approx(tx["revenue"].sum())
    assert d.revenue_history["gross_profit"].sum() == pytest.approx(tx["gross_profit"].sum())
    assert len(d.dmu) == (sample.contacts["account_id"] == account).sum() > 0
    texts = list(_texts(d))
    personal = pd.concat([sample.contacts[c] for c in ("family", "hobbies", "notes")]).dropna()
    for value in set(personal[personal.str.len() >= 6]):
        assert not any(value in t for t in texts), value
    for day in sample.contacts["birthday"].dropna().dt.strftime("%Y-%m-%d"):
        assert not any(day in t for t in texts), day


def test_sample_dossier_coverage_findings(sample):
    assert "No contact with a decision maker." in _sample_dossier(sample, "C0140").findings
    single = _sample_dossier(sample, "C0073").findings
    assert any(f.startswith("Single-threaded: one contact only") for f in single)
    lost = _sample_dossier(sample, "C0009")
    assert lost.timeline["event"].str.startswith("client lost").sum() == 1
    opted = _sample_dossier(sample, "C0027", include_personal_details=True)
    shown = opted.dmu["upcoming_birthday"].dropna()
    assert shown.str.fullmatch(r"\d\d\.\d\d").all()

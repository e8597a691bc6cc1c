"""Contracts (issue 13): term end, automatic renewal, notice deadline against the annual meeting.

Hand-checkable fixtures, then the planted case of the sample: C0105, whose notice deadline falls
a week before its next annual meeting.
"""

from __future__ import annotations

import pandas as pd
import pytest

import kamlib
from kamlib import words
from kamlib.account.risks import next_annual_meetings
from kamlib.errors import ArgumentError, InputError
from kamlib.load.sample import PLANTED
from kamlib.portfolio.contracts import CONTRACT_COLUMNS, contract_deadlines, contract_terms

AS_OF = pd.Timestamp("2025-12-31")


@pytest.fixture
def contracts():
    return pd.DataFrame(
        {
            "contract_id": ["K1", "K2", "K3", "K4", "K5"],
            "account_id": ["A", "B", "C", "D", "E"],
            "start_date": pd.to_datetime(["2023-04-16"] * 5),
            "end_date": pd.to_datetime(
                ["2026-04-15", "2024-06-30", "2025-06-30", None, "2026-02-28"]
            ),
            "notice_months": pd.array([3, 3, 3, 3, 6], dtype="Int64"),
            "renewal": ["automatic", "automatic", "none", None, "none"],
            "renewal_months": pd.array([12, 6, None, None, None], dtype="Int64"),
            "price_review": ["prices fixed for the term", None, None, None, None],
            "title": ["Framework A", None, "Framework C", "Open D", "Framework E"],
        }
    )


def test_terms_by_hand(contracts):
    meet = {"A": "2026-01-20", "B": "2026-01-20", "E": "2026-01-20"}
    t = contract_terms(contracts, as_of=AS_OF, next_meetings=meet).set_index("contract_id")
    assert list(contract_terms(contracts, as_of=AS_OF).columns) == list(CONTRACT_COLUMNS)
    # A: ends 2026-04-15, notice 3 months -> 2026-01-15, before the meeting on 01-20
    assert t.loc["K1", "notice_deadline"] == pd.Timestamp("2026-01-15")
    assert t.loc["K1", "state"] == "running" and bool(t.loc["K1", "notice_before_meeting"])
    assert t.loc["K1", "days_to_deadline"] == 15
    # B: ended 2024-06-30 but renews every 6 months: 2024-12-31, 2025-06-30, 2025-12-31,
    # 2026-06-30 (the first end after as_of); notice by 2026-03-30, after the meeting
    assert t.loc["K2", "term_end"] == pd.Timestamp("2026-06-30")
    assert not bool(t.loc["K2", "notice_before_meeting"])
    assert t.loc["K3", "state"] == "ended" and t.loc["K3", "term_end"] == pd.Timestamp("2025-06-30")
    assert t.loc["K4", "state"] == "open-ended" and pd.isna(t.loc["K4", "notice_deadline"])
    # E: fixed term to 2026-02-28 with 6 months' notice: the deadline 2025-08-28 has passed
    assert t.loc["K5", "state"] == "notice passed"
    assert not bool(t.loc["K5", "notice_before_meeting"])
    # C has no known meeting: its flag is False only because it ended
    assert not bool(t.loc["K3", "notice_before_meeting"])


def test_without_meetings_the_flag_is_not_known(contracts):
    t = contract_terms(contracts, as_of=AS_OF).set_index("contract_id")
    assert pd.isna(t.loc["K1", "notice_before_meeting"])


def test_deadlines_per_client(contracts):
    d = contract_deadlines(
        contracts, as_of=AS_OF, next_meetings={"A": "2026-01-20"}, accounts=["A", "C", "Z"]
    )
    assert d.loc["A", "next_contract"] == "K1" and bool(d.loc["A", "notice_before_meeting"])
    assert d.loc["C", "contracts"] == 0 and d.loc["Z", "contracts"] == 0  # known: none
    missing = contract_deadlines(None, as_of=AS_OF, accounts=["A"])
    assert pd.isna(missing.loc["A", "contracts"]) and pd.isna(missing.loc["A", "notice_deadline"])
    assert words.contracts_sentence(None) == "Contracts not known (no contracts table)."


def test_bad_input(contracts):
    with pytest.raises(ArgumentError, match="renewal_months"):
        contract_terms(contracts, as_of=AS_OF, renewal_months=0)
    with pytest.raises(InputError, match="start_date"):
        contract_terms(contracts.drop(columns="start_date"), as_of=AS_OF)


def test_next_annual_meeting_on_the_usual_day():
    m = pd.DataFrame(
        {
            "account_id": ["A", "A", "A", "B"],
            "type": ["annual", "annual", "review", "annual"],
            "date": pd.to_datetime(["2024-03-28", "2025-03-31", "2025-06-01", "2025-11-02"]),
        }
    )
    got = next_annual_meetings(m, ["A", "B", "C"], as_of="2025-12-31")
    assert got["A"] == pd.Timestamp("2026-03-29")  # median day 29.5 rounded down
    assert got["B"] == pd.Timestamp("2026-11-02")
    assert got["C"] == pd.Timestamp("2026-03-29")  # the portfolio's habit: March
    assert next_annual_meetings(None, ["A"], as_of="2025-12-31").isna().all()


@pytest.fixture(scope="module")
def ws(sample_workspace):
    return sample_workspace


def test_c0105_notice_deadline_before_the_next_annual_meeting(ws):
    key = list(PLANTED["key_accounts"])
    meet = next_annual_meetings(ws.meetings, key, as_of=ws.as_of)
    d = contract_deadlines(ws.contracts, as_of=ws.as_of, next_meetings=meet, accounts=key)
    flagged = d.index[d["notice_before_meeting"].fillna(False).astype(bool)].tolist()
    assert flagged == list(PLANTED["notice_before_meeting"]) == ["C0105"]
    row = d.loc["C0105"]
    assert ws.as_of < row["notice_deadline"] < row["next_meeting"]
    assert row["renewal"] == "automatic"
    b = kamlib.beyond_sales(
        "C0105",
        transactions=ws.transactions,
        contracts=ws.contracts,
        meetings=ws.meetings,
        as_of=ws.as_of,
    )
    assert b.act_on["kind"].tolist() == ["notice deadline"]
    assert "before the next annual meeting" in words.contracts_sentence(b.contracts)
    # the lost key clients' contracts have ended
    for a in ("C0009", "C0054", "C0088"):
        assert d.loc[a, "contracts"] == 0


def _run(tmp_path, name, **parameters):
    import nbformat
    import papermill as pm

    from kamlib.bundled import notebooks_folder

    out = tmp_path / f"{name}.ipynb"
    pm.execute_notebook(
        str(notebooks_folder() / f"{name}.ipynb"), str(out),
        parameters={"interactive": False, **parameters}, kernel_name="python3", progress_bar=False,
    )  # fmt: skip
    nb = nbformat.read(out, as_version=4)
    texts = [
        "".join(o.get("data", {}).get("text/html", "") or o.get("text", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    ]
    return "\n".join(texts)


def test_the_brief_warns_of_the_notice_deadline_before_the_meeting(tmp_path):
    text = _run(tmp_path, "annual_meeting", account_id="C0105")
    assert "Notice deadline of Framework agreement" in text
    assert "falls before the next annual meeting (2026-01-09)" in text
    # the preparation calendar lists the renewal after the tenders
    assert "Contract renewals and notice deadlines" in text
    assert "1 contract to renew in the next 9 months." in text
    assert "settle the renewal before the meeting (the term ends on 2026-04-02)" in text
    # the big deals are set against the plan-year target (part 4)
    assert "It is expected to close in 2026. Weighted, the deals closing in 2026 bring" in text


def test_the_portfolio_report_shows_the_risks_across_key_accounts(tmp_path):
    text = _run(tmp_path, "client_analysis")
    assert (
        "notice deadline before the next annual meeting 1 (Vandenberg Food Group BV (C0105))"
        in (text)
    )
    assert "Precision Castings plc (C0088, 27.9 % on time and in full, 43 complaints open)" in text
    assert "Risks beyond sales by account manager" in text
    # the key group G01 is rolled up from its members, not "not known"
    assert "group: Kessler Bau AG, Kessler Tiefbau GmbH, Kessler Facility Services GmbH" in text
    # the causes of loss count the lost clients badly served before they left
    assert "Badly served before leaving" in text


def test_the_development_plan_shows_the_pipeline_against_the_target(tmp_path):
    text = _run(tmp_path, "development_plan", account_id="C0027")
    assert "3 open deals worth 2,465,000, 1,474,250 weighted by the probability" in text
    assert "All of them are expected to close in 2026." in text
    assert "Weighted, the deals closing in 2026 bring 1,474,250:" in text
    assert "New assembly plant 2026" in text


@pytest.mark.parametrize("seed", [99, 2024])
def test_the_planted_cases_hold_for_other_seeds(seed):
    """Which account carries which case is fixed; the seed only moves sizes and dates."""
    from kamlib.load.sample import generate_sample
    from kamlib.portfolio.deals import deal_pipeline
    from kamlib.portfolio.service import service_before

    t = generate_sample(seed=seed)
    as_of = pd.Timestamp("2025-12-31")
    key = list(PLANTED["key_accounts"])
    meet = next_annual_meetings(t["meetings"], key, as_of=as_of)
    d = contract_deadlines(t["contracts"], as_of=as_of, next_meetings=meet, accounts=key)
    assert d.index[d["notice_before_meeting"].fillna(False).astype(bool)].tolist() == ["C0105"]
    status = kamlib.client_status(t["transactions"], as_of=as_of)
    lost = status.loc[status["status"] == "lost", "last_purchase"]
    before = service_before(lost, deliveries=t["deliveries"], complaints=t["complaints"])
    assert bool(before.loc["C0088", "service_risk"]) and before.loc["C0088", "otif"] < 0.5
    tx = t["transactions"]
    revenue = tx[tx["date"] > "2024-12-31"].groupby("account_id")["revenue"].sum()
    p = deal_pipeline(t["opportunities"], as_of=as_of, accounts=key, revenue=revenue)
    assert p.index[p["large_deal"].fillna(False).astype(bool)].tolist() == ["C0027"]
    pnl = kamlib.client_pnl(tx, t["cost_to_serve"], as_of=as_of, months=12)
    cap = kamlib.client_pnl(tx, t["cost_to_serve"], as_of=as_of, months=12, invoices=t["invoices"])
    assert cap.loc["C0009", "capital_cost"] > 0.2 * pnl.loc["C0009", "contribution"] > 0


# ---- renewals in the brief's preparation calendar and the index's "needs attention" ---------


def test_renewal_windows_by_hand(contracts):
    from kamlib.account.followup import renewal_windows

    k = contracts.assign(account_id="A")
    r = renewal_windows("A", contracts=k, as_of=AS_OF, next_meeting="2026-01-20")
    # K1 notice by 2026-01-15 (before the meeting), K2 by 2026-03-30, K5's 2025-08-28 passed;
    # K3 ended and K4 is open-ended: nothing to renew
    assert r["contract_id"].tolist() == ["K5", "K1", "K2"]
    assert r["state"].tolist() == ["notice passed", "running", "running"]
    assert r["before_meeting"].tolist() == [False, True, False]
    short = renewal_windows("A", contracts=k, as_of=AS_OF, prep_months=2)
    assert short["contract_id"].tolist() == ["K5", "K1"]  # 2026-03-30 is beyond 2 months
    assert short["before_meeting"].isna().tolist() == [False, True]  # no meeting: not known
    assert renewal_windows("A", contracts=None, as_of=AS_OF).empty
    text = words.renewals_sentence(r)
    assert text.startswith("3 contracts to renew in the next 9 months.")
    assert "Framework A: notice by 2026-01-15, before the next annual meeting on 2026-01-20" in text
    assert (
        "Framework E: the notice deadline 2025-08-28 has passed; the term runs to 2026-02-28."
        in (text)
    )
    assert words.renewals_sentence(r.iloc[:0]) == (
        "No contract notice deadline in the next 9 months."
    )
    assert "not known" in words.renewals_sentence(r, known=False)


def test_the_brief_lists_c0105s_renewal_in_its_calendar(ws):
    brief = kamlib.meeting_brief(
        "C0105", transactions=ws.transactions, products=ws.products, meetings=ws.meetings,
        contracts=ws.contracts, meeting_date=ws.as_of,
    )  # fmt: skip
    r = brief.renewals
    assert r["contract_id"].tolist() == ["K2001"]
    assert r.loc[0, "notice_deadline"] == pd.Timestamp("2026-01-02")
    assert r.loc[0, "next_meeting"] == pd.Timestamp("2026-01-09")
    assert bool(r.loc[0, "before_meeting"])
    plain = kamlib.meeting_brief(
        "C0105", transactions=ws.transactions, products=ws.products, meeting_date=ws.as_of
    )
    assert plain.renewals.empty


def test_notices_before_meetings_of_the_key_accounts(ws):
    from kamlib.account.risks import notices_before_meetings

    n = notices_before_meetings(
        PLANTED["key_accounts"], contracts=ws.contracts, meetings=ws.meetings, as_of=ws.as_of
    )
    assert n["account_id"].tolist() == ["C0105"]
    assert n["contract_id"].tolist() == ["K2001"]
    none = notices_before_meetings(["C0105"], contracts=None, meetings=ws.meetings, as_of=ws.as_of)
    assert none.empty and "notice_deadline" in none


def test_the_index_says_what_needs_attention(ws):
    from kamlib.run.index import index_page
    from kamlib.run.render import _account_facts

    facts = _account_facts(ws, ["C0027"], None)
    assert facts["attention"] == [
        {
            "account_id": "C0105",
            "name": "Vandenberg Food Group BV",
            "contract": "Framework agreement Fasteners, Safety",
            "notice_deadline": "2026-01-02",
            "next_meeting": "2026-01-09",
        }
    ]
    entry = {
        "account_id": "C0105", "notebook": "annual_meeting", "status": "published",
        "path": "published/C0105--annual_meeting.html", "pdf": None,
    }  # fmt: skip
    manifest = {
        "run_id": "r1", "finished": "2026-01-01T00:00:00+00:00", "reports": [entry],
        "totals": {"published": 1, "failed": 0, "timed_out": 0, "skipped": 0},
    }  # fmt: skip
    assert "Needs attention" not in index_page(manifest)
    page = index_page(manifest | {"attention": facts["attention"]})
    assert "<h2>Needs attention</h2>" in page
    assert (
        '<a href="published/C0105--annual_meeting.html">Vandenberg Food Group BV</a> '
        '<span class="id">C0105</span>: notice deadline of Framework agreement Fasteners, Safety '
        "on 2026-01-02, before the next annual meeting on 2026-01-09." in page
    )

"""The director's index: one row per account, every column sortable by static pages (issue 10, bullet 8)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from kamlib.errors import ArgumentError
from kamlib.report.elements import CSP, scan_html
from kamlib.run.index import PAGES, index_page, managers_page, write_indexes

HOSTILE = "<b>Ромашка</b> \"q\" 'x'"


def _entry(account, notebook, status="published", klass=None, reason=None):
    path = f"published/{account or 'portfolio'}--{notebook}.html" if status == "published" else None
    return {
        "account_id": account,
        "notebook": notebook,
        "status": status,
        "class": klass,
        "reason": reason,
        "path": path,
        "pdf": None,
    }


def _facts(
    name, manager, region, revenue, before, status, key=False, reasons="", value=0.0, klass="AX"
):
    return {
        "name": name,
        "manager": manager,
        "region": region,
        "revenue": revenue,
        "revenue_before": before,
        "trend": revenue / before - 1 if before else None,
        "key": key,
        "key_reasons": reasons,
        "status": status,
        "annual_value": value,
        "contribution": None,
        "class": klass,
    }


@pytest.fixture()
def manifest():
    reports = [_entry(None, "client_analysis")]
    for account in ("A", "B", "C", HOSTILE):
        reports += [_entry(account, "annual_meeting"), _entry(account, "development_plan")]
    reports[-1] = _entry(HOSTILE, "development_plan", status="failed", reason="notebook_error")
    return {
        "run_id": "r1",
        "finished": "2026-01-01T00:00:00+00:00",
        "as_of": "2025-12-31",
        "currency": "EUR",
        "totals": {"published": 8, "failed": 1, "timed_out": 0, "skipped": 0},
        "reports": reports,
        "accounts": {
            "A": _facts(
                "Zeta AG",
                "Ann",
                "North",
                500.0,
                1000.0,
                "active",
                True,
                "top_clients, breadwinner",
                600.0,
                "AX",
            ),
            "B": _facts(
                "Alpha SA", "Bob", "South", 900.0, 800.0, "at_risk", False, "", 900.0, "BY"
            ),
            "C": _facts(
                "Mid plc", "Ann", "East", 10.0, 0.0, "lost", True, "lost while key", 2000.0, "CZ"
            ),
            HOSTILE: _facts(HOSTILE, "<i>Eve</i>", "West", 50.0, 50.0, "loss_making", klass="AZ"),
        },
        "managers": {
            "columns": ["Account manager", "Accounts"],
            "rows": [["Ann", "2"]],
            "sentence": "2 account managers.",
        },
    }


def _rows(page):
    return re.findall(r'<tr class="[^"]*" data-account="([^"]*)">', page)


class _Parser(HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.tags, self.head, self._in_th = [], [], False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_th = self._in_th or tag == "th"

    def handle_endtag(self, tag):
        if tag == "th":
            self._in_th = False

    def handle_data(self, data):
        if self._in_th and data.strip():
            self.head.append(data.strip())


def test_one_row_per_account_with_the_directors_columns(manifest):
    page = index_page(manifest)
    assert scan_html(page) == [] and CSP in page.replace("&#x27;", "'")
    assert len(_rows(page)) == 4  # not one per report
    heads = [h.removesuffix(" ▼") for h in _Parser(page).head]
    assert heads[:9] == [
        "Account",
        "Account manager",
        "Region",
        "Revenue, 12 months (EUR)",
        "Trend",
        "Class",
        "Key-client type",
        "Status",
        "Report",
    ]
    row = re.search(r'data-account="A">(.*?)</tr>', page).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells[:8] == [
        'Zeta AG <span class="id">A</span>',
        "Ann",
        "North",
        "500",
        "-50.0 %",
        "AX",
        "among the top clients by revenue, breadwinner",
        "active",
    ]
    assert "Annual meeting brief" in cells[8] and "Development plan" in cells[8]
    assert "Client analysis: <a" in page and "finished 1 Jan 2026 00:00 UTC" in " ".join(
        page.split()
    )
    assert "Portfolio reports" in page and "published/portfolio--client_analysis.html" in page
    assert 'href="managers.html"' in page and "12 months to 2025-12-31" in page


def test_every_column_title_links_to_a_static_page_sorted_by_it(manifest):
    for sort, _file, _title, _ in PAGES:
        page = index_page(manifest, sort=sort)
        links = [a["href"] for t, a in _Parser(page).tags if t == "a"]
        others = [f for s, f, _, _ in PAGES if s != sort]
        assert [link for link in links if link.startswith("index")] == others
        assert "<script" not in page and scan_html(page) == []
    order = {sort: _rows(index_page(manifest, sort=sort)) for sort, *_ in PAGES}
    esc = "&lt;b&gt;Ромашка&lt;/b&gt; &quot;q&quot; &#x27;x&#x27;"
    assert order["revenue"] == ["B", "A", esc, "C"]
    assert order["account"] == [esc, "B", "C", "A"]  # by name: "<b>Р...", Alpha, Mid, Zeta
    assert order["manager"] == [esc, "A", "C", "B"]  # "<i>Eve</i>" sorts first, then Ann, Bob
    assert order["trend"] == ["A", esc, "B", "C"]  # steepest fall first, new last
    assert order["key"] == ["A", "C", "B", esc]
    assert order["risk"] == ["C", "B", esc, "A"]  # lost, at risk, loss-making, active
    assert order["report"][0] == esc  # its development plan failed
    assert order["class"] == ["A", esc, "B", "C"]


def test_values_are_escaped_and_the_render_state_is_the_report_column(manifest):
    page = index_page(manifest)
    assert "<b>Ромашка" not in page and "<i>Eve</i>" not in page
    assert "&lt;i&gt;Eve&lt;/i&gt;" in page
    row = re.search(r'data-account="&lt;b&gt;[^"]*">(.*?)</tr>', page).group(1)
    assert "failed (notebook error)" in row and "loss-making" in row
    assert 'class="risk-loss_making report-failed"' in page


def test_without_account_facts_the_index_still_has_one_row_per_account(manifest):
    for key in ("accounts", "managers", "as_of", "currency"):
        manifest.pop(key)
    page = index_page(manifest, sort="class")
    assert len(_rows(page)) == 4 and 'href="managers.html"' not in page
    assert "Revenue, 12 months</a>" in page  # no currency when unknown
    assert "nan" not in page and "None" not in page


def test_managers_page_and_the_files(manifest, tmp_path):
    page = managers_page(manifest)
    assert scan_html(page) == [] and "2 account managers." in page and "<td>Ann</td>" in page
    write_indexes(tmp_path, manifest)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f for _, f, _, _ in PAGES] + ["managers.html"]
    )
    with pytest.raises(ArgumentError):
        index_page(manifest, sort="colour")

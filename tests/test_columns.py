"""Readable tables: human column labels, one number format per kind, no "nan"/"True" cells.

Unit checks of :mod:`kamlib.words.columns` and :func:`kamlib.report.elements.table` on tiny
frames, then end to end: the sample's reports for C0027 (breadwinner), C0112 (loss-maker), C0009
(lost on price) and the reports of a workspace without cost data hold no "nan", "None", "NaT",
"True", "False" or "-0.0 %" cell and no snake_case column header.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kamlib.errors import ArgumentError, ConfigError
from kamlib.load.config import read_config
from kamlib.report.elements import table
from kamlib.words.columns import COLUMN_LABELS, cell_text, column_kind, column_label, is_snake_case

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
BAD_CELLS = {"nan", "NaN", "None", "NaT", "<NA>", "True", "False"}
NEGATIVE_ZERO = re.compile(r"^-0(?:[.,]0+)?\s?%?$")


class _Cells(HTMLParser):
    """Header texts (<th> inside <thead>) and cell texts (<td>) of every table."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.headers: list[str] = []
        self.cells: list[str] = []
        self._in_head = False
        self._cell: str | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "thead":
            self._in_head = True
        if tag in ("th", "td"):
            self._cell, self._buf = tag, []

    def handle_endtag(self, tag):
        if tag == "thead":
            self._in_head = False
        if tag in ("th", "td") and self._cell == tag:
            text = "".join(self._buf).strip()
            if tag == "td":
                self.cells.append(text)
            elif self._in_head:
                self.headers.append(text)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._buf.append(data)


def _parse(html: str) -> _Cells:
    parser = _Cells()
    parser.feed(html)
    return parser


def _problems(html: str) -> list[str]:
    parsed = _parse(html)
    bad = [f"cell {c!r}" for c in parsed.cells if c in BAD_CELLS or NEGATIVE_ZERO.match(c)]
    bad += [f"header {h!r}" for h in parsed.headers if "_" in h and is_snake_case(h)]
    return bad


# ------------------------------------------------------------------ labels and kinds


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("gp_share", "Share of gross profit"),
        ("n_reasons", "Number of reasons"),
        ("dmu_role", "Role in the decision"),
        ("at_risk", "At risk"),
        ("growth_source", "Source of growth"),
        ("below_floor_now", "Below floor now"),
        ("some_new_thing", "Some new thing"),
        ("Already a label", "Already a label"),
        (2024, "2024"),
    ],
)
def test_column_labels(name, label):
    assert column_label(name) == label


def test_money_headers_carry_the_currency_and_others_do_not():
    assert column_label("revenue", "EUR") == "Revenue (EUR)"
    assert column_label("lost_value", "EUR") == "Lost value (EUR)"
    assert column_label("gp_share", "EUR") == "Share of gross profit"
    assert column_label("revenue") == "Revenue"


def test_every_catalogued_label_is_readable():
    assert all(
        not is_snake_case(label) or " " in label or label[:1].isupper()
        for label in COLUMN_LABELS.values()
    )
    assert all("_" not in label for label in COLUMN_LABELS.values() if label != "OK")


def test_cell_formats_per_kind():
    assert cell_text(4578561.38, "money", cents=False) == "4,578,561"
    assert cell_text(-0.0004, "change") == "0.0 %"
    assert cell_text(-0.126, "change") == "-12.6 %" and cell_text(0.056, "change") == "+5.6 %"
    assert cell_text(0.1234, "percent") == "12.3 %"
    assert cell_text(-0.0001, fmt="{:.1%}") == "0.0%"
    assert cell_text(np.bool_(True)) == "yes" and cell_text(False) == "no"
    for missing in (None, np.nan, pd.NaT, pd.NA, "nan", "None"):
        assert cell_text(missing) == "—"
    assert cell_text(pd.Timestamp("2025-03-01 00:00:00")) == "2025-03-01"
    assert column_kind("revenue") == "money" and column_kind("year") is None
    with pytest.raises(ArgumentError, match="`kind`"):
        cell_text(1.0, "weight")


def test_table_labels_formats_and_flags():
    frame = pd.DataFrame(
        {
            "client_id": ["C1", "C2"],
            "revenue": [4578561.38, 25.0],
            "gp_share": [0.2, np.nan],
            "at_risk": [True, False],
            "since": pd.to_datetime(["2024-01-31", None]),
            "score": [2.5, 3.0],
        }
    )
    parsed = _parse(table(frame, currency="EUR").html)
    assert parsed.headers == [
        "Client",
        "Revenue (EUR)",
        "Share of gross profit",
        "At risk",
        "Since",
        "Score",
    ]
    assert parsed.cells == [
        "C1",
        "4,578,561",
        "20.0 %",
        "yes",
        "2024-01-31",
        "2.50",
        "C2",
        "25",
        "—",
        "no",
        "—",
        "3.00",
    ]


def test_truncated_table_has_a_total_row_and_says_how_many():
    frame = pd.DataFrame(
        {"product_id": [f"P{i}" for i in range(30)], "revenue": [1000.0] * 30, "margin": [0.1] * 30}
    )
    out = table(frame, max_rows=5).html
    assert out.count('<tr><td style="text-align: left">') == 5
    assert "<tfoot>" in out and "Total, all 30 rows" in out and "30,000" in out
    assert "Showing the first 5 of 30 rows." in out


def test_labels_can_be_turned_off():
    assert _parse(table(pd.DataFrame({"gp_share": [0.1]}), labels=False).html).headers == [
        "gp_share"
    ]


# ------------------------------------------------------------------ the workspace currency


def test_workspace_currency_setting(tmp_path):
    (tmp_path / "transactions.csv").write_text("account_id,date,revenue\nA,2025-01-02,1\n")
    assert read_config(tmp_path).currency is None
    (tmp_path / "kam.toml").write_text('[workspace]\ncurrency = "EUR"\n')
    assert read_config(tmp_path).currency == "EUR"
    (tmp_path / "kam.toml").write_text("[workspace]\ncurrency = 3\n")
    with pytest.raises(ConfigError, match="currency"):
        read_config(tmp_path)


# ------------------------------------------------------------------ published reports

ACCOUNTS = ("C0027", "C0112", "C0009")


def _render(workspace: Path, out: Path, accounts) -> dict:
    from kamlib.run.render import render

    render(workspace, out, accounts=list(accounts), workers=2, progress=False)
    return json.loads((out / "manifest.json").read_text())


def _published(out: Path, manifest: dict) -> dict[tuple, str]:
    return {
        (r["account_id"], r["notebook"]): (out / r["path"]).read_text(encoding="utf-8")
        for r in manifest["reports"]
        if r["status"] == "published"
    }


@pytest.fixture(scope="module")
def no_cost_workspace(tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("no_cost")
    tx = pd.read_csv(SAMPLE / "transactions.csv", comment="#", dtype=str)
    tx.drop(columns=["cost", "gross_profit"]).to_csv(ws / "transactions.csv", index=False)
    for name in ("accounts", "products"):
        (ws / f"{name}.csv").write_bytes((SAMPLE / f"{name}.csv").read_bytes())
    (ws / "kam.toml").write_text('[workspace]\nas_of = "2025-12-31"\ncurrency = "EUR"\n')
    return ws


def test_sample_reports_have_no_raw_values_or_snake_case_headers(tmp_path):
    out = tmp_path / "out"
    pages = _published(out, _render(SAMPLE, out, ACCOUNTS))
    assert {a for a, _ in pages if a} == set(ACCOUNTS), sorted(pages)
    problems = {key: _problems(html)[:5] for key, html in pages.items() if _problems(html)}
    assert problems == {}


def test_reports_without_cost_data_say_so_and_stay_clean(tmp_path, no_cost_workspace):
    out = tmp_path / "out"
    pages = _published(out, _render(no_cost_workspace, out, ACCOUNTS[:1]))
    assert pages, "nothing published"
    problems = {key: _problems(html)[:5] for key, html in pages.items() if _problems(html)}
    assert problems == {}
    text = " ".join(pages.values())
    for wrong in ("No breadwinner", "No large client has a negative", " unknown)"):
        assert wrong not in text
    analysis = pages.get((None, "client_analysis"))
    if analysis is not None:
        assert "need a cost or gross_profit column" in analysis

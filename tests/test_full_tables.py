"""A table cut to its first rows keeps all of them in a spreadsheet beside the report (issue 10).

`table` shows the first rows and a total; the rows it leaves out travel in the notebook output
(`FULL_TABLE_MIME`), `kam render` writes them, one sheet per cut table, to an ``.xlsx`` published
beside the report, and the note under each cut table links to it and names its sheet.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest

from kamlib.bundled import notebooks_folder, sample_folder
from kamlib.report.elements import (
    FULL_TABLE_MIME,
    export_html,
    full_tables,
    scan_html,
    table,
)
from kamlib.run.render import render


def _notebook(*shown) -> nbformat.NotebookNode:
    outputs = [nbformat.v4.new_output("display_data", data=s._repr_mimebundle_()) for s in shown]
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=outputs)])


FRAME = pd.DataFrame(
    {
        "client": ["=HYPERLINK(1)", "Beta", "Gamma", "Delta"],
        "revenue": [400.0, 300.0, 200.0, 100.0],
        "last_purchase": pd.to_datetime(["2025-01-02", "2025-02-03", None, "2025-04-05"]),
    }
)


def test_a_cut_table_carries_all_its_rows_and_a_whole_table_none():
    cut = table(FRAME, caption="Clients", max_rows=2)
    whole = table(FRAME, caption="Clients")
    assert FULL_TABLE_MIME in cut._repr_mimebundle_()
    assert FULL_TABLE_MIME not in whole._repr_mimebundle_()
    [found] = full_tables(_notebook(cut, whole))
    assert found["title"] == "Clients"
    back = found["frame"]
    assert back["last_purchase"].dtype.kind == "M"  # dates come back as dates
    back = back.astype({"last_purchase": "datetime64[ns]"})
    pd.testing.assert_frame_equal(back, FRAME.astype({"last_purchase": "datetime64[ns]"}))


def test_the_note_links_each_cut_table_to_its_sheet_and_passes_the_gate():
    first = table(FRAME, caption="Clients", max_rows=2)
    second = table(FRAME.iloc[::-1], caption="Clients", max_rows=3)  # same caption: sheet 2
    page = export_html(_notebook(first, second), title="t", workbook="r.xlsx")
    assert scan_html(page) == []
    assert page.count('<a download="" href="r.xlsx">r.xlsx</a>') == 2
    assert 'All 4 rows: sheet "Clients" of the spreadsheet' in page
    assert 'All 4 rows: sheet "Clients 2" of the spreadsheet' in page
    assert FULL_TABLE_MIME not in page and "HYPERLINK" not in page.split("</table>")[-1]
    # without a workbook (JupyterLab's export, a plain nbconvert) the note has no link
    assert "r.xlsx" not in export_html(_notebook(first), title="t")


def test_the_note_is_in_the_reports_language():
    cut = table(FRAME, caption="Clients", max_rows=2)
    page = export_html(_notebook(cut), title="t", workbook="r.xlsx", lang="ru")
    assert "Всего 4 строки: лист «Clients» файла" in page


@pytest.fixture(scope="module")
def plan_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("full-tables") / "out"
    result = render(
        sample_folder(),
        out,
        accounts=["C0027"],
        account_notebooks={"development_plan": notebooks_folder() / "development_plan.ipynb"},
        portfolio_notebooks={},
        progress=False,
    )
    assert result.exit_code == 0, result.summary
    return out, result.manifest


def test_the_run_publishes_the_workbook_beside_the_report(plan_run):
    out, manifest = plan_run
    [entry] = [e for e in manifest["reports"] if e["account_id"] == "C0027"]
    report, workbook = out / entry["path"], out / entry["tables"]
    assert workbook.parent == report.parent and workbook.stem == report.stem
    assert json.loads((out / "manifest.json").read_text())["reports"] == manifest["reports"]
    page = report.read_text(encoding="utf-8")
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == ["Targets by stage", "Cross-sell candidates"]
    # the report shows 48 of the 84 rows of the targets; the sheet has all of them, with a header
    assert "Showing the first 48 of 84 rows" in page
    name = workbook.name
    link = f'<a download="" href="{name}">{name}</a>'
    assert f'All 84 rows: sheet "Targets by stage" of the spreadsheet {link}.' in page
    assert book["Targets by stage"].max_row == 84 + 1
    assert book["Cross-sell candidates"].max_row == 18 + 1
    headers = [c.value for c in book["Targets by stage"][1]]
    assert all(h and "_" not in h for h in headers)  # human headers, as in the report


def test_only_what_the_run_made_is_published(plan_run):
    out, manifest = plan_run
    assert [e["account_id"] for e in manifest["reports"]] == ["C0027"]
    assert sorted(p.suffix for p in Path(out, "published").iterdir()) == [".html", ".xlsx"]

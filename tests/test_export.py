"""Exports: formula/CSV injection (docs/reliability.md section G, cases 64-67) and targets round trip."""

import csv
import io

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamlib.errors import ArgumentError, InputError
from kamlib.report.spreadsheet import export_targets, safe_cell, safe_csv, safe_frame, safe_xlsx
from kamlib.schema import empty_frame

PAYLOADS = [
    "=1+1",
    '=HYPERLINK("http://x","c")',
    "@SUM(A1)",
    "+1",
    "-1+1",
    "\t=1",
    "=cmd|' /C calc'!A0",
]


def _notes_frame():
    return pd.DataFrame(
        {
            "note": PAYLOADS + ["plain", 'say "hi"'],
            "amount": [-5.0, 1.5, 0.0, 2.0, -1.0, 3.0, 4.0, 5.0, 6.0],
        }
    )


# --- case 64: XLSX cells are strings, never formulas, with either engine ---------------------


@pytest.mark.parametrize("engine", ["xlsxwriter", "openpyxl"])
def test_xlsx_text_cells_are_strings_never_formulas(tmp_path, engine):
    path = safe_xlsx(_notes_frame(), tmp_path / "notes.xlsx", engine=engine)
    sheet = openpyxl.load_workbook(path).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == PAYLOADS + ["plain", 'say "hi"']
    assert all(c.data_type == "s" for c in cells)
    all_types = {c.data_type for row in sheet.iter_rows() for c in row}
    assert "f" not in all_types
    amounts = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert amounts[0] == -5 and sheet["B2"].data_type == "n"


@pytest.mark.parametrize("engine", ["xlsxwriter", "openpyxl"])
def test_xlsx_export_targets_keeps_payloads_as_text(tmp_path, engine):
    targets = pd.DataFrame(
        {"account_id": ["=1+1"], "year": [2026], "revenue_target": [10.0], "region": ["@SUM(A1)"]}
    )
    path = export_targets(targets, tmp_path / "t.xlsx", engine=engine)
    sheet = openpyxl.load_workbook(path)["targets"]
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"
    assert sheet["F2"].value == "@SUM(A1)" and sheet["F2"].data_type == "s"


# --- case 65: CSV dangerous cells prefixed with ', numbers unprefixed, the rest unchanged -----


def test_csv_dangerous_text_cells_are_prefixed(tmp_path):
    path = safe_csv(_notes_frame(), tmp_path / "notes.csv")
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))
    assert rows[0] == ["note", "amount"]
    notes = [r[0] for r in rows[1:]]
    assert notes == ["'" + p for p in PAYLOADS] + ["plain", 'say "hi"']
    amounts = [r[1] for r in rows[1:]]
    assert amounts[0] == "-5.0" and amounts[4] == "-1.0"


def test_csv_quotes_are_doubled_and_unchanged_cells_are_byte_identical(tmp_path):
    frame = pd.DataFrame({"note": ['say "hi"', "plain", "=1+1"], "n": [-5.0, 2.0, 3.0]})
    text = safe_csv(frame, tmp_path / "a.csv").read_bytes().decode("utf-8")
    assert text == 'note,n\r\n"say ""hi""",-5.0\r\nplain,2.0\r\n\'=1+1,3.0\r\n'
    back = pd.read_csv(tmp_path / "a.csv")
    assert back["note"].tolist()[:2] == ['say "hi"', "plain"]
    assert back["n"].tolist() == [-5.0, 2.0, 3.0]
    # the same frame without the dangerous row is written byte-identically by plain pandas
    plain = frame.iloc[:2]
    assert safe_csv(plain, tmp_path / "b.csv").read_bytes().decode() == plain.to_csv(
        index=False, lineterminator="\r\n"
    )


def test_column_labels_and_index_are_neutralised(tmp_path):
    frame = pd.DataFrame({"=bad": ["x"]}, index=pd.Index(["@idx"], name="-name"))
    text = safe_csv(frame, tmp_path / "a.csv", index=True).read_bytes().decode()
    assert text == "'-name,'=bad\r\n'@idx,x\r\n"


def test_safe_frame_does_not_mutate_input():
    frame = pd.DataFrame({"note": ["=1+1"], "n": [1.0]})
    safe_frame(frame)
    assert frame["note"].tolist() == ["=1+1"]


def test_object_columns_with_mixed_values():
    frame = pd.DataFrame({"mixed": pd.Series(["=x", 5, None, "ok"], dtype=object)})
    assert safe_frame(frame)["mixed"].tolist() == ["'=x", 5, None, "ok"]
    only_numbers = pd.DataFrame({"o": pd.Series([1, 2], dtype=object)})
    assert safe_frame(only_numbers)["o"].tolist() == [1, 2]


# --- case 66: separator / quote breakout stays one cell ----------------------------------------


@pytest.mark.parametrize("value", ['x";=1+1', "x,=1+1", "a\nb,=1", 'x"\r\n=1'])
def test_csv_breakout_is_one_field(tmp_path, value):
    path = safe_csv(pd.DataFrame({"note": [value], "n": [1.0]}), tmp_path / "a.csv")
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))
    assert rows[1] == [value, "1.0"]


# --- case 67: TAB/CR/LF prefixes (defusedcsv's gap) --------------------------------------------


@pytest.mark.parametrize("value", ["\t=1+1", "\r=1+1", "\n=1+1", "\tplain", " =1+1", "\uff1d1+1"])
def test_control_and_blank_prefixes_are_escaped(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Acme", "a=b", "1-2", "", "O'Neil", "x@y.z"])
def test_harmless_text_is_unchanged(value):
    assert safe_cell(value) == value


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=20))
def test_csv_round_trip_is_exact_up_to_the_prefix(tmp_path_factory, value):
    path = tmp_path_factory.mktemp("rt") / "a.csv"
    safe_csv(pd.DataFrame({"v": pd.Series([value], dtype=object)}), path)
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))
    assert len(rows) == 2 and len(rows[1]) == 1
    got = rows[1][0]
    if got != value:
        assert got == "'" + value
        assert safe_cell(value) == got


# --- export_targets -----------------------------------------------------------------------------


def _targets():
    return pd.DataFrame(
        {
            "account_id": ["00123", "00123", "C7"],
            "year": pd.array([2026, 2026, 2026], dtype="Int64"),
            "revenue_target": [1000.5, 250.0, 80.0],
            "category": ["Pumps", "Valves", None],
            "period": ["Q1", "Q2", None],
            "growth": [0.1, 0.1, 0.0],  # an extra column: not written
        }
    )


def test_export_targets_csv_loads_back_as_canonical_targets(tmp_path):
    path = export_targets(_targets(), tmp_path / "targets.csv")
    back = pd.read_csv(path, dtype={"account_id": "str"})
    assert list(back.columns) == list(empty_frame("targets").columns)
    assert back["account_id"].tolist() == ["00123", "00123", "C7"]
    assert back["year"].tolist() == [2026, 2026, 2026]
    assert back["revenue_target"].tolist() == [1000.5, 250.0, 80.0]
    assert back["period"].tolist()[:2] == ["Q1", "Q2"] and pd.isna(back["period"].iloc[2])
    assert back["product_id"].isna().all()


def test_export_targets_xlsx_loads_back(tmp_path):
    path = export_targets(_targets(), tmp_path / "targets.xlsx")
    back = pd.read_excel(path, sheet_name="targets", dtype={"account_id": "str"})
    assert list(back.columns) == list(empty_frame("targets").columns)
    assert back["account_id"].tolist() == ["00123", "00123", "C7"]
    assert back["revenue_target"].sum() == pytest.approx(1330.5)


def test_export_targets_rejects_missing_columns_and_bad_suffix(tmp_path):
    with pytest.raises(InputError, match="revenue_target"):
        export_targets(pd.DataFrame({"account_id": ["A"], "year": [2026]}), tmp_path / "t.csv")
    with pytest.raises(ArgumentError, match="`path`"):
        export_targets(_targets(), tmp_path / "t.json")
    with pytest.raises(ArgumentError, match="`engine`"):
        safe_xlsx(_targets(), tmp_path / "t.xlsx", engine="calc")


def test_cell_functions_live_below_the_loader_and_stay_reexported():
    import ast
    import inspect

    import kamlib
    import kamlib.cells
    import kamlib.load.workspace

    assert kamlib.safe_csv is kamlib.cells.safe_csv is safe_csv
    assert safe_cell is kamlib.cells.safe_cell and safe_frame is kamlib.cells.safe_frame
    tree = ast.parse(inspect.getsource(kamlib.load.workspace))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not {m for m in imported if m.startswith("kamlib.report")}  # load is below report


# --- kam export: the portfolio analysis as a formatted workbook (issue 11) ---------------------

HOSTILE_NAME = '=HYPERLINK("http://x","click")'


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The sample with a hostile client name, exported once: (workspace, tables, workbook)."""
    import shutil
    from pathlib import Path

    from kamlib.cli import main
    from kamlib.load.workspace import load_workspace
    from kamlib.run.export import analysis_tables

    root = tmp_path_factory.mktemp("export")
    ws_dir = shutil.copytree(Path(__file__).resolve().parents[1] / "data" / "sample", root / "ws")
    accounts = (ws_dir / "accounts.csv").read_text(encoding="utf-8")
    name = accounts.split("\n")[1].split(",")[1]  # C0001's name
    quoted = '"' + HOSTILE_NAME.replace('"', '""') + '"'
    (ws_dir / "accounts.csv").write_text(accounts.replace(name, quoted, 1), encoding="utf-8")
    out = root / "analysis.xlsx"
    assert main(["export", str(ws_dir), "--out", str(out), "-p", "months", "24"]) == 0
    tables = analysis_tables(load_workspace(ws_dir), months=24)
    return ws_dir, tables, out


def _rows(sheet):
    return [[c.value for c in row] for row in sheet.iter_rows()]


def _expected(frame):
    """The cells a table should become: the index when named, NaN/NA/NaT as empty cells."""
    import math

    data = frame.reset_index() if any(n is not None for n in frame.index.names) else frame
    rows = []
    for row in data.astype(object).itertuples(index=False, name=None):
        cells = []
        for v in row:
            missing = v is None or v is pd.NA or v is pd.NaT or v == ""  # empty text: empty cell
            if missing or (isinstance(v, float) and math.isnan(v)):
                cells.append(None)
            elif isinstance(v, pd.Timestamp):
                cells.append(v.to_pydatetime())
            elif isinstance(v, bool):  # flags as the reports say them
                cells.append("yes" if v else "no")
            elif isinstance(v, int | float):
                # LibreOffice writes 15 significant digits
                cells.append(pytest.approx(float(v), rel=1e-12, abs=1e-12))
            else:
                cells.append(str(v))
        rows.append(cells)
    return rows


def _assert_same_values(book, tables):
    from kamlib.report.workbook import sheet_name
    from kamlib.words.columns import column_label

    assert book.sheetnames == [sheet_name(t) for t in tables]
    for title, frame in tables.items():
        rows = _rows(book[sheet_name(title)])
        data = frame.reset_index() if any(n is not None for n in frame.index.names) else frame
        assert rows[0] == [column_label(c) for c in data.columns], title
        body = [[None if v == "" else v for v in r] for r in rows[1:]]
        assert body == _expected(frame), title


def test_export_writes_one_formatted_sheet_per_table(exported):
    _, tables, out = exported
    book = openpyxl.load_workbook(out)
    assert list(tables) == [
        "Settings",
        "ABC-XYZ classes",
        "ABC-XYZ matrix",
        "Key clients",
        "Client types",
        "Dependence",
        "Client P&L",
        "Client status",
        "Win-back list",
        "Targets",
    ]
    _assert_same_values(book, tables)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref.startswith("A1:"), sheet.title
        assert "f" not in {c.data_type for row in sheet.iter_rows() for c in row}
    key = book["Key clients"]
    header = [c.value for c in key[1]]
    assert header[:4] == ["Client", "Name", "Revenue", "Share of revenue"]
    assert key.cell(2, 3).number_format == "#,##0.00" and key.cell(2, 4).number_format == "0.0%"
    assert book["Client status"].cell(2, 3).number_format == "yyyy-mm-dd"
    settings = dict(_rows(book["Settings"])[1:])
    assert settings["analysis window"] == "last 24 months to 2025-12-31"
    assert "months 24" in settings["settings"]


def test_export_keeps_a_hostile_name_as_text(exported):
    _, _, out = exported
    sheet = openpyxl.load_workbook(out)["ABC-XYZ classes"]
    found = [row[1] for row in sheet.iter_rows(min_row=2) if row[1].value == HOSTILE_NAME]
    assert found and all(c.data_type == "s" for c in found)


def test_export_refuses_bad_options(exported, tmp_path, capsys):
    from kamlib.cli import main

    ws_dir, _, _ = exported
    assert main(["export", str(ws_dir), "--out", str(tmp_path / "a.csv")]) == 64
    assert main(["export", str(ws_dir), "--out", str(tmp_path / "a.xlsx"), "-p", "top", "1"]) == 78
    assert "known: abc_a, abc_b, as_of, months" in capsys.readouterr().err
    assert not (tmp_path / "a.xlsx").exists()


def test_libreoffice_converts_the_export_and_reads_back_the_same_values(exported, tmp_path):
    """LibreOffice headless opens the workbook without error; the values survive its round trip."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: bash tests/browser/install.sh")
    _, tables, out = exported
    converted = tmp_path / "converted"
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(converted),
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Error" not in done.stderr, done.stderr
    book = openpyxl.load_workbook(converted / out.name)
    _assert_same_values(book, tables)
    names = [
        r[1] for r in book["ABC-XYZ classes"].iter_rows(min_row=2) if r[1].value == HOSTILE_NAME
    ]
    assert names and all(c.data_type == "s" for c in names)

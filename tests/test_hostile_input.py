"""docs/reliability.md catalogue, section L (cases 115-132): hostile exports and hostile kam.toml.

Each test writes its input, runs the loader or ``kam validate`` in process, and checks the exit
code (or the error class), the message naming file, line and column or the setting, and the
ledger identity: rows read = loaded + rejected + quarantined, and revenue read = loaded +
rejected + quarantined, with the rejected lines whose revenue cannot be read counted as
``unparsed``.
"""

from __future__ import annotations

import os
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kamlib import ConfigError, InputError, load_workspace
from kamlib.cli import main
from kamlib.load.config import read_config

HEADER = "account_id,date,revenue\n"


def make(tmp_path, files: dict, toml: str | None = None):
    for name, content in files.items():
        p = tmp_path / name
        if callable(content):
            content(p)
        elif isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
    if toml is not None:
        (tmp_path / "kam.toml").write_text(toml, encoding="utf-8")
    return tmp_path


def codes(tmp_path, **kw) -> dict[str, list]:
    with pytest.raises(InputError) as info:
        load_workspace(tmp_path, **kw)
    out: dict[str, list] = {}
    for p in info.value.problems:
        out.setdefault(p.code, []).append(p)
    return out


def ledger(ws) -> pd.Series:
    row = ws.ledger.set_index("table").loc["transactions"]
    assert row.read == row.loaded + row.rejected + row.quarantined
    parts = row.revenue_loaded + row.revenue_rejected + row.revenue_quarantined
    assert row.revenue_read == pytest.approx(parts)
    assert np.isfinite(row.revenue_read)
    return row


# ------------------------------------------------------------------------- the ledger (104-106)


def test_115_rows_with_too_many_or_too_few_cells_keep_their_revenue_in_the_ledger(tmp_path, capsys):
    make(
        tmp_path,
        {
            "transactions.csv": "account_id,date,revenue,region\nA,2024-01-05,100,North\n"
            "A,2024-01-06,5000,North,x\nA,2024-01-07,7000\nA,2024-01-08\n"
        },
    )
    ws = load_workspace(tmp_path, mode="lenient")
    row = ledger(ws)
    assert (row.read, row.loaded, row.rejected, row.unparsed) == (4, 1, 3, 1)
    assert (row.revenue_read, row.revenue_loaded, row.revenue_rejected) == (12100, 100, 12000)
    got = {(p.line, p.code) for p in ws.problems.itertuples()}
    assert got == {(3, "extra-cell"), (4, "missing-cell"), (5, "missing-cell")}
    assert main(["validate", str(tmp_path), "--lenient"]) == 0
    out = capsys.readouterr().out
    assert "read 12,100.00 = loaded 100.00 + rejected 12,000.00" in out
    assert "1 rejected line(s) have no readable revenue cell" in out


def test_116_trailing_empty_header_cells_are_not_columns(tmp_path):
    make(tmp_path, {"transactions.csv": "account_id,date,revenue" + "," * 10_000 + "\n"
                    "A,2024-01-05,100\nB,2024-01-06,5\n"})  # fmt: skip
    row = ledger(load_workspace(tmp_path))
    assert (row.read, row.loaded, row.revenue_loaded) == (2, 2, 105)


def test_116_a_load_that_keeps_nothing_is_an_error(tmp_path, capsys):
    make(tmp_path, {"transactions.csv": HEADER + "A,2024-13-05,100\nB,x,5\n"})
    found = codes(tmp_path, mode="lenient")
    assert "nothing-loaded" in found and "invalid-date" in found
    assert "none of the 2 transaction line(s)" in found["nothing-loaded"][0].message
    assert main(["validate", str(tmp_path), "--lenient"]) == 65
    assert "analysis date" not in capsys.readouterr().out


def test_117_header_only_accounts_table_is_an_error_not_100_percent_orphans(tmp_path):
    make(
        tmp_path, {"transactions.csv": HEADER + "A,2024-01-05,1\n", "accounts.csv": "account_id\n"}
    )
    p = codes(tmp_path)["empty-table"][0]
    assert p.file == "accounts.csv" and "orphan" in p.message


# ----------------------------------------------------------------- numbers and dates (107-110)


def test_118_non_finite_revenue_is_rejected_never_loaded(tmp_path):
    make(tmp_path, {"transactions.csv": HEADER + "A,2024-01-05," + "1" + "0" * 400 + "\nA,2024-01-06,5\n"})  # fmt: skip
    p = codes(tmp_path)["non-finite-number"][0]
    assert (p.file, p.line, p.column) == ("transactions.csv", 2, "revenue")
    row = ledger(load_workspace(tmp_path, mode="lenient"))
    assert (row.revenue_read, row.rejected, row.unparsed) == (5, 1, 1)


@pytest.mark.parametrize("value", [np.inf, -np.inf, 1e16])
def test_118_non_finite_or_huge_revenue_in_parquet(tmp_path, value):
    frame = pd.DataFrame(
        {
            "account_id": ["A", "B"],
            "date": pd.to_datetime(["2024-01-05", "2024-01-06"]),
            "revenue": [value, 3.0],
        }
    )
    frame.to_parquet(tmp_path / "transactions.parquet")
    found = codes(tmp_path)
    p = (found.get("non-finite-number") or found["number-too-large"])[0]
    assert (p.line, p.column) == (1, "revenue")
    row = ledger(load_workspace(tmp_path, mode="lenient"))
    assert (row.revenue_read, row.revenue_loaded, row.unparsed) == (3, 3, 1)


@pytest.mark.parametrize("bad", ["999999", "0001-01-01", "12.12.0001", "1989-12-31"])
def test_119_implausible_dates_are_problems_and_never_move_the_analysis_date(tmp_path, bad):
    make(tmp_path, {"transactions.csv": HEADER + f"A,2024-01-05,100\nB,{bad},5\n"})
    p = codes(tmp_path)["implausible-date"][0]
    assert (p.file, p.line, p.column, p.excerpt) == ("transactions.csv", 3, "date", bad)
    ws = load_workspace(tmp_path, mode="lenient")
    assert ws.as_of == pd.Timestamp("2024-01-05")
    assert ledger(ws).revenue_rejected == 5


def test_119_the_plausible_range_is_configurable(tmp_path):
    make(
        tmp_path,
        {"transactions.csv": HEADER + "A,1985-01-05,100\nA,2031-01-01,5\n"},
        '[workspace]\ndate_min = "1980-01-01"\ndate_max = 2031-12-31\n',
    )
    ws = load_workspace(tmp_path)
    assert ws.as_of == pd.Timestamp("2031-01-01") and len(ws.transactions) == 2
    (tmp_path / "kam.toml").write_text('[workspace]\nas_of = "2024-06-30"\n')
    p = codes(tmp_path)["implausible-date"]
    assert [x.line for x in p] == [2, 3]  # 1985 before 1990, 2031 past 2024-06-30 + 1 year
    assert "1990-01-01 .. 2025-06-30" in p[0].message


def test_120_digits_of_other_scripts_are_read_as_ascii_digits(tmp_path, caplog):
    make(
        tmp_path,
        {
            "transactions.csv": "account_id,date,revenue,quantity\n"
            "A,2024-01-05,100,٣\nA,2024-01-06,１２３,２\nA,٢٠٢٤-٠١-٠٧,−7,－１\n"
        },
    )
    ws = load_workspace(tmp_path, mode="strict")
    assert ws.transactions["quantity"].tolist() == [3.0, 2.0, -1.0]
    assert ws.transactions["revenue"].tolist() == [100.0, 123.0, -7.0]
    assert ws.transactions["date"].iloc[2] == pd.Timestamp("2024-01-07")
    assert ledger(ws).revenue_loaded == 216


def test_120_a_number_that_only_looks_numeric_is_a_problem(tmp_path):
    make(tmp_path, {"transactions.csv": "account_id,date,revenue,cost\nA,2024-01-05,100,1٫5\n"})
    p = codes(tmp_path)["type-error"][0]
    assert (p.line, p.column) == (2, "cost")


def test_121_thousands_equal_to_decimal_is_refused(tmp_path):
    make(tmp_path, {"transactions.csv": HEADER + 'A,2024-01-05,"1,5"\n'},
         '[tables.transactions]\ndecimal = ","\nthousands = ","\n')  # fmt: skip
    with pytest.raises(
        ConfigError, match=r"\[tables.transactions\] thousands = ',' equals decimal"
    ):
        load_workspace(tmp_path)
    assert main(["validate", str(tmp_path)]) == 78


# --------------------------------------------------------------------------- kam.toml (111-112)

BAD_TOML = [
    ("[tables.transactions]\ncolumns = { revenue = 5 }", "columns.revenue = 5", "text"),
    ("[tables.transactions]\nfile = 5", "file = 5", "text"),
    ('[tables.transactions]\ncolumns = "x"', "columns = 'x'", "table"),
    ("[defaults]\nencoding = 5", "encoding = 5", "text"),
    ("tables = 5", "[tables] = 5", "table"),
    ('[tables.transactions]\nfiles = "/etc/*"', "files = '/etc/*'", "relative to the workspace"),
    ('[defaults]\ndelimiter = ""', "delimiter = ''", "one character"),
    ('[defaults]\ndelimiter = "ab"', "delimiter = 'ab'", "one character"),
    ('[defaults]\ndate_format = "%Q"', "date_format = '%Q'", "not a date directive"),
    ('[defaults]\ndate_format = "%"', "date_format = '%'", "not a date directive"),
    ('[defaults]\ndate_format = "%s"', "date_format = '%s'", "not a date directive"),
    ('[tables.transactions]\nids = { zero_pad = "5" }', "ids.zero_pad = '5'", "whole number"),
    ('[workspace]\ntimezone = "Mars/Olympus"', "timezone = 'Mars/Olympus'", "IANA"),
    ('[workspace]\nas_of = "garbage"', "as_of = 'garbage'", "2025-12-31"),
    ('[defaults]\nencoding = "hex"', "encoding = 'hex'", "not an encoding of text"),
    ('[defaults]\nencoding = "rot13"', "encoding = 'rot13'", "not an encoding of text"),
    ('[defaults]\nencoding = "no-such"', "encoding = 'no-such'", "unknown encoding"),
    ('[tables.transactions]\nheader_row = "2"', "header_row = '2'", "whole number"),
    ("[tables.transactions]\nheader_row = 0", "header_row = 0", "greater than or equal to 1"),
    ('[tables.transactions]\nfill_merged = "region"', "fill_merged = 'region'", "list"),
    ('[tables.transactions]\nids = { strip = "yes" }', "ids.strip = 'yes'", "true or false"),
    ("[workspace]\ncurrency = 5", "currency = 5", "text"),
    ('[workspace]\nmode = "fast"', "mode = 'fast'", "'strict' or 'lenient'"),
    ('[workspace]\ndate_min = "x"', "date_min = 'x'", "2025-12-31"),
    ("[workspace]\nfoo = 1", "unknown key 'foo'", "mode, timezone"),
    ('[tables.nope]\nfile = "x"', "unknown table [tables.nope]", "transactions, accounts"),
    ('[tables.transactions]\ncolumns = { bogus = "x" }', "columns maps 'bogus'", "account_id"),
    ('[tables.transactions]\nfiles = ["../x.csv"]', "files = ['../x.csv']", "no '..'"),
    ("[parameters]\nx = [1]", "[parameters] x = [1]", "text, a whole or decimal number"),
    ("[parameters]\nx = nan", "[parameters] x = nan", "finite"),
]


@pytest.mark.parametrize(("toml", "names", "allowed"), BAD_TOML)
def test_122_every_bad_kam_toml_value_is_exit_78_naming_key_value_and_allowed(
    tmp_path, capsys, toml, names, allowed
):
    make(tmp_path, {"transactions.csv": HEADER + "A,2024-01-05,1\n"}, toml)
    with pytest.raises(ConfigError) as info:
        read_config(tmp_path)
    assert names in str(info.value) and allowed in str(info.value)
    assert main(["validate", str(tmp_path)]) == 78
    err = capsys.readouterr().err
    assert "Traceback" not in err and names in err


def test_122_all_bad_values_are_reported_at_once(tmp_path):
    make(
        tmp_path,
        {"transactions.csv": HEADER},
        '[workspace]\nmode = 1\n[defaults]\ndelimiter = ""\n',
    )
    with pytest.raises(ConfigError, match=r"2 bad value\(s\)") as info:
        read_config(tmp_path)
    assert "mode = 1" in str(info.value) and "delimiter = ''" in str(info.value)


def test_122_parameters_and_allowed_values_pass(tmp_path):
    make(
        tmp_path,
        {"transactions.csv": HEADER},
        '[workspace]\nas_of = 2025-12-31\ndate_min = "2000-01-01"\n'
        '[defaults]\ndelimiter = "whitespace"\ndate_format = "%d.%m.%Y"\n'
        '[parameters]\nfactor = 0.5\nlabel = "Q4"\ntop = 10\nshow = true\n',
    )
    cfg = read_config(tmp_path)
    assert cfg.parameters == {"factor": 0.5, "label": "Q4", "top": 10, "show": True}
    assert (cfg.as_of, cfg.date_min, cfg.date_max) == ("2025-12-31", "2000-01-01", None)
    assert cfg.tables["transactions"].read.delimiter == "whitespace"


def test_122_utf16_without_a_byte_order_mark_is_an_input_error(tmp_path):
    make(tmp_path, {"transactions.csv": (HEADER + "A,2024-01-05,1\n").encode("utf-16-le")},
         '[defaults]\nencoding = "utf_16"\n')  # fmt: skip
    p = codes(tmp_path)["bom-missing"][0]
    assert "utf-16-le" in p.message


@pytest.mark.parametrize(
    ("name", "build", "what"),
    [
        ("kam.toml", lambda p: p.mkdir(), "a folder"),
        ("accounts.csv", lambda p: p.mkdir(), "a folder"),
        ("accounts.csv", lambda p: os.mkfifo(p), r"a FIFO \(named pipe\)"),
        ("accounts.csv", lambda p: p.symlink_to(p.parent / "gone.csv"), "a broken link"),
    ],
)
def test_123_a_folder_fifo_or_dead_link_under_a_table_name_is_an_error(tmp_path, name, build, what):
    make(tmp_path, {"transactions.csv": HEADER + "A,2024-01-05,1\n", name: build})
    with pytest.raises(ConfigError, match=f"{what}, not a regular file"):
        read_config(tmp_path)


# ------------------------------------------------------------------ files and privacy (113-116)


def test_124_problems_file_is_never_written_through_a_link(tmp_path):
    target = tmp_path.parent / f"{tmp_path.name}-precious.txt"
    target.write_text("precious\n")
    make(tmp_path, {"transactions.csv": HEADER + "A,2024-01-05,1\nA,x,2\n",
                    "problems.csv": lambda p: p.symlink_to(target)})  # fmt: skip
    assert main(["validate", str(tmp_path), "--lenient"]) == 0
    assert target.read_text() == "precious\n"
    link = tmp_path / "problems.csv"
    assert not link.is_symlink() and "invalid-date" in link.read_text()


def test_124_an_unwritable_problems_file_is_a_clear_error(tmp_path, capsys):
    make(tmp_path, {"transactions.csv": HEADER + "A,2024-01-05,1\nA,x,2\n",
                    "problems.csv": lambda p: p.mkdir()})  # fmt: skip
    assert main(["validate", str(tmp_path), "--lenient"]) == 78
    err = capsys.readouterr().err
    assert "cannot write the problems file" in err and "Traceback" not in err


def test_125_a_table_found_by_name_that_links_out_of_the_workspace_is_refused(tmp_path, capsys):
    secret = tmp_path.parent / f"{tmp_path.name}-secret.csv"
    secret.write_text(HEADER + "SECRET,2024-01-05,1\nSECRET2,x,y\n")
    make(tmp_path, {"transactions.csv": lambda p: p.symlink_to(secret)})
    assert main(["validate", str(tmp_path)]) == 78
    err = capsys.readouterr().err
    assert "outside the workspace" in err and "SECRET" not in err
    (tmp_path / "kam.toml").write_text('[tables.transactions]\nfile = "transactions.csv"\n')
    with pytest.raises(ConfigError, match="outside the workspace"):
        read_config(tmp_path)


def test_126_cell_count_excerpts_never_show_personal_values(tmp_path):
    make(
        tmp_path,
        {
            "transactions.csv": HEADER + "A,2024-01-05,1\n",
            "contacts.csv": "contact_id,account_id,name,birthday,notes\n"
            "P1,A,Ann,1980-01-01,SECRET,extra\nP2,A,Bob,1970-01-01\n",
        },
    )
    ws = load_workspace(tmp_path, mode="lenient", problems_file=tmp_path / "p.csv")
    shown = ws.problems.set_index("code")["excerpt"]
    assert shown["extra-cell"].startswith("P1,A,Ann,<masked")
    assert shown["missing-cell"].startswith("P2,A,<masked")
    text = (tmp_path / "p.csv").read_text()
    assert "SECRET" not in text and "1980" not in text and "1970" not in text


def test_127_invisible_characters_are_removed_from_ids_with_a_warning(tmp_path):
    make(
        tmp_path,
        {"transactions.csv": HEADER + "A\u202eB,2024-01-05,1\n\ufeffC\u200b,2024-01-05,2\n"},
    )
    ws = load_workspace(tmp_path)
    assert ws.transactions["account_id"].tolist() == ["AB", "C"]
    warned = ws.problems[ws.problems["code"] == "id-invisible-characters"]
    assert warned["line"].tolist() == [2, 3] and set(warned["severity"]) == {"warning"}


# ------------------------------------------------------------------------ sources (117-120)


def _zip_bomb(path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/sharedStrings.xml", "<sst>" + " " * (300 * 2**20) + "</sst>")


def _far_cell(path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "account_id"
    wb.active["A2"] = "A"
    wb.active["XFD1048576"] = 1
    wb.save(path)


@pytest.mark.parametrize(
    ("build", "said"), [(_zip_bomb, "MAX_XLSX_BYTES"), (_far_cell, "XFD1048576")]
)
def test_128_spreadsheets_are_bounded_before_they_are_opened(tmp_path, build, said):
    make(tmp_path, {"transactions.csv": HEADER + "A,2024-01-05,1\n", "accounts.xlsx": build})
    p = codes(tmp_path)["xlsx-too-large"][0]
    assert p.file == "accounts.xlsx" and said in p.message


def test_128_a_lying_dimension_is_caught_by_the_used_range(tmp_path, monkeypatch):
    import kamlib.load.reading as reading

    monkeypatch.setattr(reading, "MAX_XLSX_CELLS", 100)
    wb = openpyxl.Workbook()
    wb.active.append(["account_id"])
    wb.active["Z200"] = 1
    wb.save(tmp_path / "accounts.xlsx")
    with zipfile.ZipFile(tmp_path / "accounts.xlsx") as z:
        assert b'ref="A1:Z200"' in z.read("xl/worksheets/sheet1.xml")
    make(tmp_path, {"transactions.csv": HEADER + "A,2024-01-05,1\n"})
    assert "A1:Z200" in codes(tmp_path)["xlsx-too-large"][0].message


def test_129_parquet_binary_ids_are_text_and_big_int64_ids_stay_exact(tmp_path):
    big = 2**53 + 1
    table = pa.table(
        {
            "account_id": pa.array([big, None, 5], pa.int64()),
            "product_id": pa.array([b"P\xc3\xa9", b"Q", b"R"], pa.binary()),
            "date": pa.array(pd.to_datetime(["2024-01-05"] * 3)),
            "revenue": [1.0, 2.0, 3.0],
        }
    )
    pq.write_table(table, tmp_path / "transactions.parquet")
    tx = load_workspace(tmp_path).transactions
    assert tx["account_id"].tolist() == [str(big), "5"]
    assert tx["product_id"].tolist() == ["Pé", "R"]


def test_130_a_long_field_loads(tmp_path):
    make(tmp_path, {"transactions.csv": "account_id,date,revenue,account_name\n"
                    f'A,2024-01-05,1,"{"x" * 200_000}"\n'})  # fmt: skip
    assert len(load_workspace(tmp_path).transactions["account_name"].iloc[0]) == 200_000


def test_131_validate_into_a_closed_pipe_prints_no_traceback(tmp_path):
    import subprocess
    import sys

    make(tmp_path, {"transactions.csv": HEADER + "".join(f"A{i},2024-01-05,x\n" for i in range(3000))
                    + "A,2024-01-05,1\n"})  # fmt: skip
    code = f"import sys; from kamlib.cli import main; sys.exit(main(['validate', {str(tmp_path)!r}, '--lenient']))"
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    proc.stdout.close()  # like `| head` that has gone before the ledger is printed
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_132_safe_xlsx_with_openpyxl_writes_a_nul_as_a_replacement_character(tmp_path):
    from kamlib.report.spreadsheet import safe_xlsx

    path = safe_xlsx(pd.DataFrame({"a": ["x\x00y", "=1"]}), tmp_path / "a.xlsx", engine="openpyxl")
    cells = openpyxl.load_workbook(path).active["A"]
    assert [c.value for c in cells] == ["a", "x\ufffdy", "=1"]
    assert cells[2].data_type == "s"


def test_115_the_large_path_keeps_the_same_ledger_for_broken_lines(tmp_path):
    make(
        tmp_path,
        {
            "transactions.csv": "account_id,date,revenue,region\nA,2024-01-05,100,North\n"
            "A,2024-01-06,5000,North,x\nA,2024-01-07,7000\nA,2024-01-08\nB,999999,5,S\n"
            "C,2024-01-09,1" + "0" * 400 + ",S\n"
        },
    )
    small = load_workspace(tmp_path, mode="lenient", large=False)
    large = load_workspace(tmp_path, mode="lenient", large=True)
    pd.testing.assert_frame_equal(small.ledger, large.ledger)
    pd.testing.assert_frame_equal(small.problems, large.problems)
    row = ledger(large)
    assert (row.read, row.rejected, row.unparsed, row.revenue_rejected) == (6, 5, 2, 12005)


def test_124_a_read_only_workspace_is_a_clear_error(tmp_path, capsys, monkeypatch):
    import kamlib.load.workspace as workspace

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(workspace.tempfile, "mkstemp", refuse)  # root ignores chmod 0o555
    make(tmp_path, {"transactions.csv": HEADER + "A,2024-01-05,1\nA,x,2\n"})
    assert main(["validate", str(tmp_path), "--lenient"]) == 78
    err = capsys.readouterr().err
    assert "cannot write the problems file" in err and "Permission denied" in err
    assert "Traceback" not in err and not (tmp_path / "problems.csv").exists()

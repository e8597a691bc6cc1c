"""The vectorised CSV reader (pyarrow) against the ``csv`` module's reader it stands in for.

``kamlib.load.reading`` reads a well-formed CSV file with pyarrow and finds the physical line of
each record in the file's bytes; any file it is not sure of goes to the ``csv`` module, which
reports every problem with its line. The contract: whenever the vectorised reader answers, it
gives the same header, cells, physical lines, record counts and problems as the ``csv`` module.
"""

from __future__ import annotations

import codecs

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kamlib.load.reading as reading
from kamlib.load.config import ReadSpec

FIXTURE = [HealthCheck.function_scoped_fixture]


def _read(path, spec, *, fast: bool, monkeypatch, chunk_rows=None):
    with monkeypatch.context() as m:
        if not fast:
            m.setattr(reading, "_iter_arrow", lambda *a, **k: None)
        return list(reading.iter_file(path, spec, "t.csv", chunk_rows=chunk_rows))


def _summary(chunks):
    frames = [c.frame for c in chunks]
    frame = pd.concat(frames, ignore_index=True) if frames else None
    return {
        "header": chunks[0].header,
        "header_line": chunks[0].header_line,
        "counts": chunks[0].delimiter_counts,
        "frame": frame,
        "lines": [line for c in chunks for line in c.lines],
        "records": sum(c.records for c in chunks),
        "broken": [b for c in chunks for b in c.broken],
        "problems": [p for c in chunks for p in c.problems],
        "fatal": any(c.fatal for c in chunks),
    }


def _assert_same(path, spec, monkeypatch, chunk_rows=None) -> bool:
    """Both readers give the same result; True when the vectorised reader answered."""
    taken = []
    real = reading._iter_arrow

    def spy(*args, **kw):
        out = real(*args, **kw)
        taken.append(out is not None)
        return out

    monkeypatch.setattr(reading, "_iter_arrow", spy)
    fast = _summary(_read(path, spec, fast=True, monkeypatch=monkeypatch, chunk_rows=chunk_rows))
    slow = _summary(_read(path, spec, fast=False, monkeypatch=monkeypatch, chunk_rows=chunk_rows))
    monkeypatch.setattr(reading, "_iter_arrow", real)
    fa, fb = fast.pop("frame"), slow.pop("frame")
    assert fast == slow
    pd.testing.assert_frame_equal(fa, fb)
    return bool(taken and taken[0])


# files the vectorised reader must read itself, with the lines the csv module gives
WELL_FORMED = {
    "plain": "a,b,c\n1,2,3\n4,5,6\n",
    "no final newline": "a,b,c\n1,2,3\n4,5,6",
    "crlf": "a,b,c\r\n1,2,3\r\n4,5,6\r\n",
    "blank lines": "\n\na,b,c\n\n1,2,3\r\n\r\n\n4,5,6\n\n\n",
    "quoted newline": 'a,b,c\n1,"two\nlines",3\n4,"x\r\ny\n\nz",6\n7,8,9\n',
    "quoted delimiter and quotes": 'a,b,c\n"1,5","say ""hi""",""\n"",",",""""\n',
    "trailing empty header cells": "a,b,c,,\n1,2,3,,\n4,5,6, ,\n",
    "spaces kept": "a , b,c\n 1 , 2 ,3\n",
    "one column": "a\n1\n\n2\n",
    "header only": "a,b,c\n",
    "bom": "\ufeffa,b,c\n1,2,3\n",
    "non-ascii": "a,b,c\nМосква,€1.234,56,日本\n".replace("56,", "56;"),
}


@pytest.mark.parametrize("name", list(WELL_FORMED))
def test_well_formed_files_are_read_vectorised_with_the_same_result(tmp_path, monkeypatch, name):
    path = tmp_path / "t.csv"
    path.write_bytes(WELL_FORMED[name].encode("utf-8"))
    assert _assert_same(path, ReadSpec(), monkeypatch)
    assert _assert_same(path, ReadSpec(), monkeypatch, chunk_rows=1)


def test_quoted_newlines_keep_physical_lines(tmp_path, monkeypatch):
    path = tmp_path / "t.csv"
    path.write_text('a,b\n1,"x\ny"\n\n2,z\n3,"\n\n"\n4,w\n', encoding="utf-8")
    assert _assert_same(path, ReadSpec(), monkeypatch)
    chunks = list(reading.iter_file(path, ReadSpec(), "t.csv"))
    assert chunks[0].lines == [2, 5, 6, 9]
    assert chunks[0].frame["b"].tolist() == ["x\ny", "z", "\n\n", "w"]


@pytest.mark.parametrize(
    "spec",
    [
        ReadSpec(delimiter=";"),
        ReadSpec(delimiter="\t"),
        ReadSpec(delimiter="|"),
        ReadSpec(delimiter="auto"),
        ReadSpec(names=("x", "y", "z")),
        ReadSpec(encoding="cp1251"),
        ReadSpec(encoding="latin-1"),
    ],
)
def test_settings_read_vectorised_with_the_same_result(tmp_path, monkeypatch, spec):
    d = ";" if spec.delimiter in (";", "auto") else spec.delimiter
    d = "," if d == "," else d
    text = f'a{d}b{d}c\n1{d}"q{d}\nq"{d}3\n\n4{d}5{d}6\n'
    if spec.names:
        text = text.split("\n", 1)[1]
    enc = spec.encoding if spec.encoding != "utf-8" else "utf-8"
    if spec.encoding == "cp1251":
        text = text.replace("4", "Жук")
    if spec.encoding == "latin-1":
        text = text.replace("4", "\xe9t\xe9")
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode(enc))
    assert _assert_same(path, spec, monkeypatch)


# files the csv module must read (it reports the problem, or the layout is unusual)
UNUSUAL = {
    "extra cell": "a,b\n1,2,3\n",
    "missing cell": "a,b\n1\n",
    "unclosed quote": 'a,b\n1,"2\n3,4\n',
    "text after closing quote": 'a,b\n1,"2"x\n',
    "quote inside a bare value": 'a,b\n1,2"3\n',
    "space before opening quote": 'a,b\n1, "2"\n',
    "lone carriage return": "a,b\r1,2\r",
    "nul byte": "a,b\n1,\x002\n",
    "blank-only line": "a,b\n1,2\n   \n",
    "header of blanks": "   \na,b\n1,2\n",
}


@pytest.mark.parametrize("name", list(UNUSUAL))
def test_unusual_files_go_to_the_csv_module(tmp_path, monkeypatch, name):
    path = tmp_path / "t.csv"
    path.write_bytes(UNUSUAL[name].encode("utf-8"))
    assert not _assert_same(path, ReadSpec(), monkeypatch)


def test_undecodable_bytes_go_to_the_csv_module(tmp_path, monkeypatch):
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b\n1,2\n3,\xff\xfe\n")
    assert not _assert_same(path, ReadSpec(), monkeypatch)
    path.write_bytes(codecs.BOM_UTF8 + b"a,b\n1,\x81\n")
    assert not _assert_same(path, ReadSpec(encoding="cp1252"), monkeypatch)


_cell = st.text(alphabet='ab1 ,;"\n\r\xe9', max_size=6)
_text = st.lists(st.lists(_cell, min_size=1, max_size=4).map(",".join), min_size=1, max_size=8).map(
    "\n".join
)


@settings(max_examples=400, deadline=None, suppress_health_check=FIXTURE)
@given(_text, st.sampled_from([",", ";", "auto"]), st.sampled_from([None, 1, 3]))
def test_any_text_reads_the_same_either_way(tmp_path, monkeypatch, text, delimiter, chunk_rows):
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode("utf-8"))
    _assert_same(path, ReadSpec(delimiter=delimiter), monkeypatch, chunk_rows)


def _write_csv(rows: list[list[str]], terminator: str, quoting: int, blank: int) -> str:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator=terminator, quoting=quoting).writerows(rows)
    lines = buf.getvalue()
    return terminator * blank + lines + terminator * blank


_width = st.integers(1, 4)
_table = _width.flatmap(
    lambda w: st.lists(
        st.lists(st.text(alphabet='ab1 ,"\n\xe9', max_size=5), min_size=w, max_size=w),
        min_size=1,
        max_size=8,
    )
)


@settings(max_examples=300, deadline=None, suppress_health_check=FIXTURE)
@given(
    _table,
    st.sampled_from(["\n", "\r\n"]),
    st.sampled_from([0, 1, 2, 3]),  # csv.QUOTE_MINIMAL, ALL, NONNUMERIC, NONE
    st.integers(0, 2),
    st.sampled_from([None, 2]),
)
def test_csv_written_by_the_csv_module_reads_vectorised(
    tmp_path, monkeypatch, rows, terminator, quoting, blank, chunk_rows
):
    import csv

    if quoting == csv.QUOTE_NONE:
        rows = [
            [c.replace('"', "").replace(",", "").replace("\n", "") or "b" for c in r] for r in rows
        ]
    path = tmp_path / "t.csv"
    path.write_text(_write_csv(rows, terminator, quoting, blank), encoding="utf-8", newline="")
    taken = _assert_same(path, ReadSpec(), monkeypatch, chunk_rows)
    # read vectorised unless a record is one blank-only cell or the header ends in a blank cell
    one_blank = any(len(r) == 1 and r[0].strip() == "" and r[0] for r in rows)
    if not (one_blank or rows[0][-1].strip() == ""):
        assert taken


# parsing: text columns take vectorised shortcuts (plain numbers, plain ISO dates); the same
# cells as Python objects take the full per-cell rules, so both must agree cell for cell
_number_cell = st.one_of(
    st.text(alphabet="0123456789.,-+ €\u00a0'٣e", max_size=9),
    st.floats(-1e16, 1e16, allow_nan=False).map(lambda x: f"{x:.2f}"),
    st.sampled_from(["1" + "0" * 400, "", "nan", "inf", "-0", "+.5", "5."]),
)
_date_cell = st.one_of(
    st.builds(
        "{}-{:02d}-{:02d}".format,
        st.sampled_from([999, 1899, 2024, 2999, 9999]),
        st.integers(0, 13),
        st.integers(0, 32),
    ),
    st.sampled_from(["2024-01-01 10:00", "2024-01-01T10:00:00Z", "01.02.2024", "45000", "x", ""]),
    st.sampled_from(["30", "31.12.9999", " 2024-01-01", "2024-1-1", "٢٠٢٤-٠١-٠١", "20240101"]),
)


def _same_parse(cells, kind, **kw):
    from kamlib.load.parsing import parse_column

    text = parse_column(pd.Series(cells, dtype="str"), kind, **kw)
    objects = parse_column(pd.Series(cells, dtype=object), kind, **kw)
    pd.testing.assert_series_equal(text.values, objects.values)
    assert [vars(f) for f in text.findings] == [vars(f) for f in objects.findings]
    if text.currency is None or objects.currency is None:
        assert text.currency is None and objects.currency is None
    else:
        assert text.currency.fillna("-").tolist() == objects.currency.fillna("-").tolist()
    return text


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(_number_cell, st.none()), max_size=30),
    st.sampled_from([(".", ""), (",", ""), (",", "."), (".", ","), (",", " "), (".", "'")]),
    st.sampled_from(["number", "integer"]),
)
def test_numbers_of_text_columns_parse_as_the_full_rules_do(cells, marks, kind):
    _same_parse(cells, kind, decimal=marks[0], thousands=marks[1])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(_date_cell, st.none()), max_size=30),
    st.sampled_from(["auto", "%Y-%m-%d", "%d.%m.%Y"]),
    st.sampled_from([None, "Europe/Berlin"]),
)
def test_dates_of_text_columns_parse_as_the_full_rules_do(cells, date_format, timezone):
    _same_parse(cells, "date", date_format=date_format, timezone=timezone)


def test_plain_cells_take_the_shortcut_and_the_others_keep_their_positions():
    parsed = _same_parse(["1.5", "€2", "x", "-3", "1" + "0" * 20], "number")
    assert parsed.values.fillna(0).tolist() == [1.5, 2.0, 0, -3.0, 0]
    assert [(f.code, f.positions) for f in parsed.findings] == [
        ("type-error", [2]),
        ("number-too-large", [4]),
    ]
    parsed = _same_parse(["2024-02-29", "2024-02-30", "01.03.2024", "2024-03-01"], "date")
    assert parsed.values.dt.strftime("%d.%m").tolist()[:1] == ["29.02"]
    assert [(f.code, f.positions) for f in parsed.findings] == [("invalid-date", [1])]


def test_every_plain_iso_date_of_a_month_and_day_reads_as_the_calendar_says():
    # months 00-99 and days 00-99 of common, leap and century years: the shortcut reads the
    # digits from the bytes and checks them against a month table; the full rules agree, and
    # every real day (datetime.date accepts it) is that day
    import datetime

    years = [1000, 1582, 1600, 1700, 1899, 1900, 1970, 2000, 2023, 2024, 2100, 2400, 2999]
    cells = [f"{y:04d}-{m:02d}-{d:02d}" for y in years for m in range(100) for d in range(100)]
    parsed = _same_parse(cells, "date")
    real = []
    for y, m, d in ((int(c[:4]), int(c[5:7]), int(c[8:])) for c in cells):
        try:
            real.append(pd.Timestamp(datetime.date(y, m, d)))
        except ValueError:
            real.append(pd.NaT)
    expected = pd.Series(real, dtype="datetime64[us]")
    pd.testing.assert_series_equal(parsed.values, expected, check_names=False)
    assert int(expected.notna().sum()) == 13 * 365 + 4  # leap: 1600, 2000, 2024, 2400


def test_ids_are_checked_once_per_value_and_their_findings_reach_every_row():
    from kamlib.load.parsing import parse_column

    cells = ["A1", "a1", None, "A1", " B\u200b2", "007", "7", "a1", ""]
    text = parse_column(pd.Series(cells, dtype="str"), "id")
    objects = parse_column(pd.Series(cells, dtype=object), "id")
    pd.testing.assert_series_equal(text.values, objects.values)
    assert [vars(f) for f in text.findings] == [vars(f) for f in objects.findings]
    assert text.values.fillna("-").tolist()[:5] == ["A1", "a1", "-", "A1", "B2"]
    assert [(f.code, f.positions) for f in text.findings] == [
        ("id-invisible-characters", [4]),
        ("id-normalisation", [5, 6]),  # 007 and 7: leading zeros
        ("id-normalisation", [0, 1, 3, 7]),  # A1 and a1: letter case
    ]

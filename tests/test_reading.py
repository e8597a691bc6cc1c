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

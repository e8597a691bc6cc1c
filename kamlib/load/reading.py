"""Reading files into cells: the only code that opens input files.

Each reader returns a :class:`RawTable`: the header as found in the file, one row of raw cells
per record (strings for text files; Python values for XLSX and Parquet), the physical line (or
sheet row) of each record, and the problems found. Nothing is typed or mapped here: parsing
(``kamlib.load.parsing``) and validation (``kamlib.load.workspace``) come after, so that every failure can
be reported with its file, line and column.

Files are read in chunks (:data:`CHUNK_ROWS` records), so memory stays bounded for exports of
millions of lines. Text files are decoded explicitly (byte-order marks are checked against the
configured encoding). A well-formed delimited file (quotes only around whole fields, every record
as wide as the header, no NUL byte or lone carriage return, an encoding whose delimiter, quote and
line breaks are single ASCII bytes: UTF-8 and the single-byte code pages) is read by pyarrow's
vectorised CSV reader, and the physical line of each record is found in its bytes: a line feed
ends a record when an even number of quotes precedes it. Every other file, and every setting
pyarrow cannot take (``delimiter = "whitespace"``, ``widths``, UTF-16/32), is split with the
standard library's ``csv`` module in strict mode, which keeps the physical line of every record
even when quoted fields hold newlines and reports each structural problem; both give the same
cells and lines (tests/test_reading.py). Rows with more or fewer
cells than the header are reported, never shifted into other columns: they stay in the chunk
flagged as ``broken`` (their cells cut or padded to the header) so that the ledger can still count
their revenue cell where it is found, and they are always rejected. Empty cells at the end of the
header line are not columns. Excerpts of broken rows never show a personal column's value.

Two more text layouts are split line by line: ``delimiter = "whitespace"`` (fields separated by
runs of spaces and tabs, leading and trailing blanks ignored, a value with blanks in double
quotes, ``""`` for a quote inside one) and fixed-width files (``widths``: characters per field,
each cell stripped; a line shorter than the layout has blank trailing cells, a line with text
beyond the last field is an ``extra-cell`` error). With ``names`` the file has no header line
and every line is a record.

Hostile files are bounded before they are read: a CSV field may hold up to
:data:`FIELD_LIMIT` characters; a workbook whose parts expand to more than
:data:`MAX_XLSX_BYTES` uncompressed, or whose sheet spans more than :data:`MAX_XLSX_CELLS` cells
(declared or actual), is refused before openpyxl builds it in memory.
"""

from __future__ import annotations

import codecs
import csv
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kamlib.errors import Problem
from kamlib.load.config import ReadSpec

__all__ = [
    "RawTable",
    "iter_file",
    "label_key",
    "CHUNK_ROWS",
    "FIELD_LIMIT",
    "MAX_XLSX_BYTES",
    "MAX_XLSX_CELLS",
]

log = logging.getLogger("kamlib")

CHUNK_ROWS = 200_000
#: Longest CSV field read (characters); the csv module's own default is 131,072.
FIELD_LIMIT = 16 * 2**20
#: Largest uncompressed size of all the parts of an XLSX workbook (bytes): a zip bomb stops here.
MAX_XLSX_BYTES = 256 * 2**20
#: Largest sheet read from an XLSX workbook, in cells (rows x columns of its used range).
MAX_XLSX_CELLS = 5_000_000
_PROBE = 1 << 20  # bytes read up front to check byte-order marks and the encoding
_DELIMITERS = (",", ";", "\t", "|")
_EXCEL_ERRORS = {
    "#N/A",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#NULL!",
    "#GETTING_DATA",
}
_UTF = (
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "utf-32-le",
    "utf-32-be",
)


@dataclass
class RawTable:
    """Cells of one file before parsing.

    ``frame`` has one column per header cell (object or str values) and ``lines`` gives the
    physical line (text) or row (sheet, Parquet) of each record. ``records`` counts every record
    found, including those dropped here for structural problems.
    """

    file: str
    header: list[str]
    frame: pd.DataFrame
    lines: list[int]
    records: int = 0
    problems: list[Problem] = field(default_factory=list)
    header_line: int = 1
    delimiter_counts: dict[str, int] = field(
        default_factory=dict
    )  # text files: each candidate's count in the header line
    broken: list[bool] = field(default_factory=list)  # per row: structurally bad, always rejected

    @property
    def fatal(self) -> bool:
        """True when the file could not be read at all (nothing in ``frame`` can be trusted)."""
        return any(
            p.severity == "error" and p.line in (None, self.header_line) for p in self.problems
        )


def label_key(label: str) -> str:
    """A header label as matched to the mapping: letter case and every blank ignored.

    >>> label_key(" Unit Price "), label_key("COST") == label_key("cost")
    ('unitprice', True)
    """
    return "".join(str(label).split()).casefold()


# one field of a whitespace-separated line: a quoted value ("" is a quote) or a bare word
_WS_FIELD = re.compile(r'[ \t]*(?:"((?:[^"]|"")*)"|([^ \t"][^ \t]*))(?=[ \t]|$)')


def _split_whitespace(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    while m := _WS_FIELD.match(text, pos):
        quoted, bare = m.groups()
        out.append(bare if quoted is None else quoted.replace('""', '"'))
        pos = m.end()
    if text[pos:].strip(" \t"):
        raise csv.Error(
            "a double quote is not closed, or a closing quote is followed by text; "
            'with delimiter = "whitespace" a value with blanks is written "like this"'
        )
    return out


def _split_fixed(text: str, widths: tuple[int, ...]) -> list[str]:
    cells, pos = [], 0
    for w in widths:
        cells.append(text[pos : pos + w].strip())
        pos += w
    rest = text[pos:]
    return cells + [rest] if rest.strip() else cells


class _LineReader:
    """Records split line by line (whitespace or fixed width), with ``csv.reader``'s ``line_num``."""

    def __init__(self, fh, split):
        self._fh, self._split, self.line_num = fh, split, 0

    def __iter__(self):
        return self

    def __next__(self) -> list[str]:
        line = self._fh.readline()
        if not line:
            raise StopIteration
        self.line_num += 1
        text = line.rstrip("\r\n")
        return self._split(text) if text.strip() else []


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return ""


def _choose_codec(head: bytes, encoding: str, rel: str) -> tuple[str | None, list[Problem]]:
    """The codec to read a text file with, from its first bytes and the configured encoding.

    Byte-order marks are checked against the configuration, and a file configured with a
    single-byte encoding whose first megabyte reads as valid UTF-8 with non-ASCII characters is
    reported as suspected wrong encoding (it would be garbled silently otherwise).
    """
    enc = encoding.lower()
    codec = "auto" if enc == "auto" else _codec(enc)
    if not codec:
        return None, [
            Problem(rel, None, None, "bad-encoding", f"unknown encoding {encoding!r} in kam.toml")
        ]
    boms = [
        (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
        (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
        (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
        (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
    ]
    for bom, bom_codec, label in boms:
        if head.startswith(bom):
            family = "-".join(bom_codec.split("-")[:2])
            if codec == "auto" or codec.startswith(family):
                return bom_codec, []
            return None, [
                Problem(
                    rel,
                    1,
                    None,
                    "bom-mismatch",
                    f"the file starts with a {label} byte-order mark (BOM) but kam.toml says "
                    f'encoding = {encoding!r}; set encoding = "auto" or "{bom_codec}"',
                )
            ]
    if codec in ("auto", "utf-8"):
        return "utf-8-sig", []  # a BOM is never part of the first column's name
    if codec in ("utf-16", "utf-32"):
        return None, [
            Problem(
                rel,
                1,
                None,
                "bom-missing",
                f"encoding = {encoding!r} needs a byte-order mark (BOM) and the file has none; "
                f'set encoding = "{codec}-le" or "{codec}-be"',
            )
        ]
    if not codec.startswith("utf") and any(b > 0x7F for b in head):
        cut = head[: head.rfind(b"\n") + 1] or head
        try:
            as_utf8 = cut.decode("utf-8")
        except UnicodeDecodeError:
            return codec, []
        sample = next((w for w in as_utf8.split() if any(ord(ch) > 0x7F for ch in w)), "")
        line = head.count(b"\n", 0, next(i for i, b in enumerate(head) if b > 0x7F)) + 1
        return None, [
            Problem(
                rel,
                line,
                None,
                "suspected-wrong-encoding",
                f"the file reads as valid UTF-8 (e.g. {sample[:20]!r}) but kam.toml says "
                f'encoding = {encoding!r}, which would garble it; set encoding = "utf-8"',
            )
        ]
    return codec, []


def _encoding_problem(path: Path, codec: str, encoding: str, rel: str) -> Problem:
    """Find the first undecodable byte, streaming, and report its physical line."""
    decoder = codecs.getincrementaldecoder(codec)()
    newlines = offset = 0
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            try:
                decoder.decode(block)
            except UnicodeError as exc:
                if not isinstance(exc, UnicodeDecodeError):
                    return Problem(
                        rel, None, None, "encoding-error", f"not valid {encoding}: {exc}"
                    )
                pos = max(exc.start - len(exc.object) + len(block), 0)
                line = newlines + block.count(b"\n", 0, pos) + 1
                col = pos - (block.rfind(b"\n", 0, pos) + 1) + 1
                bad = block[pos : pos + 4]
                return Problem(
                    rel,
                    line,
                    None,
                    "encoding-error",
                    f"byte {bad[:1]!r} at character {col} is not valid {encoding} "
                    f"(encoding = {encoding!r}); check the file's encoding and set it in kam.toml, "
                    f'e.g. encoding = "cp1252", "latin-1" or "cp1251"',
                    excerpt=bad.hex(" "),
                )
            newlines += block.count(b"\n")
            offset += len(block)
    return Problem(
        rel,
        None,
        None,
        "encoding-error",
        f"the file is not valid {encoding} (encoding = {encoding!r}); set encoding in kam.toml",
    )


def _sniff(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _row_excerpt(rec: list[str], delimiter: str, n: int, personal: list[int]) -> str:
    """The start of a broken record, cut before any cell that may hold a personal value.

    The cells of a record with too many or too few cells may sit in other columns than their
    header's, so every cell from the first personal column on (moved left by the number of
    missing cells) is left out.
    """
    if not personal:
        return delimiter.join(rec)[:60]
    keep = max(min(personal) - max(n - len(rec), 0), 0)
    return (delimiter.join(rec[:keep]) + f"{delimiter}<masked: personal columns>")[-80:]


def _empty(rel: str, header: list[str], problems: list[Problem], header_line: int = 1) -> RawTable:
    frame = pd.DataFrame({h: pd.Series(dtype="str") for h in dict.fromkeys(header)})
    return RawTable(rel, header, frame, [], 0, problems, header_line)


#: bytes of a text file scanned at a time to find its records (the vectorised reader)
_SCAN_BLOCK = 16 * 2**20
#: codecs in which the quote, delimiter and line-break characters are single ASCII bytes that
#: never occur inside another character, so records can be found in the raw bytes
_BYTE_SAFE = ("utf-8", "utf-8-sig", "ascii", "iso8859", "latin", "cp125", "koi8", "mac-")


@dataclass
class _Records:
    """Where the records of a well-formed text file are: the physical line of each non-empty
    record, the longest record (bytes), and whether a quoted value holds a line break."""

    lines: np.ndarray
    longest: int
    quoted_newlines: bool


def _scan_records(path: Path, delimiter: str, bom: int) -> _Records | None:
    """Find the records of a CSV file in its bytes, vectorised, or None when the file is unusual.

    A record ends at a line feed outside quotes: with well-formed quoting (a quote opens a field
    just after a delimiter or a line break, and closes it just before one, ``""`` inside a quoted
    value), a line feed is inside a quoted value exactly when an odd number of quotes precedes
    it. None is returned for everything the ``csv`` module must read and report itself: a quote
    anywhere else, an unclosed quote, a carriage return not followed by a line feed, a NUL byte.
    Blank lines are not records; the line of each record is counted in physical lines.
    """
    quote, sep, cr, lf = 34, ord(delimiter), 13, 10
    term_pos: list[np.ndarray] = []  # byte position of each line feed that ends a record
    term_idx: list[np.ndarray] = []  # its number among all line feeds
    term_cr: list[np.ndarray] = []  # whether a carriage return precedes it
    offset = quotes = feeds = 0
    prev = lf  # the byte before the block (the start of the file counts as a line break)
    pending_cr = pending_quote = False
    quoted_newlines = False
    with path.open("rb") as fh:
        if bom:
            fh.seek(bom)
            offset = bom
        while block := fh.read(_SCAN_BLOCK):
            b = np.frombuffer(block, dtype=np.uint8)
            if pending_cr and b[0] != lf or pending_quote and b[0] not in (quote, sep, cr, lf):
                return None
            if b"\0" in block:
                return None
            # most blocks hold no carriage return or quote: a byte search skips their scans
            crs = np.flatnonzero(b == cr) if b"\r" in block else np.zeros(0, dtype=np.intp)
            inner = crs[crs < len(b) - 1]
            if (b[inner + 1] != lf).any():
                return None
            pending_cr = len(crs) > 0 and crs[-1] == len(b) - 1
            q = np.flatnonzero(b == quote) if b'"' in block else np.zeros(0, dtype=np.intp)
            odd = (quotes + np.arange(len(q))) % 2 == 1
            closing = q[odd]
            after = b[closing[closing < len(b) - 1] + 1]
            if not np.isin(after, (quote, sep, cr, lf)).all():
                return None
            pending_quote = len(closing) > 0 and closing[-1] == len(b) - 1
            opening = q[~odd]
            before = np.where(opening > 0, b[np.maximum(opening - 1, 0)], prev)
            if not np.isin(before, (quote, sep, lf)).all():
                return None
            nl = np.flatnonzero(b == lf)
            outside = (quotes + np.searchsorted(q, nl)) % 2 == 0
            quoted_newlines |= not outside.all()
            ends = nl[outside]
            term_pos.append(ends + offset)
            term_idx.append(np.flatnonzero(outside) + feeds)
            term_cr.append(np.where(ends > 0, b[np.maximum(ends - 1, 0)], prev) == cr)
            quotes += len(q)
            feeds += len(nl)
            offset += len(b)
            prev = int(b[-1])
    if quotes % 2 or pending_cr:
        return None
    ends = np.concatenate([*term_pos, [offset]]).astype(np.int64)
    crlf = np.concatenate([*term_cr, [prev == cr]])
    starts = np.concatenate([[bom], ends[:-1] + 1])
    first_line = np.concatenate([[1], np.concatenate(term_idx).astype(np.int64) + 2])
    length = ends - starts - crlf
    if len(length) and length[-1] < 0:  # a file ending in a lone carriage return
        return None
    keep = length > 0
    return _Records(first_line[keep], int(length.max(initial=0)), bool(quoted_newlines))


def _iter_arrow(
    path: Path,
    spec: ReadSpec,
    rel: str,
    codec: str,
    delimiter: str,
    chunk_rows: int,
    problems: list[Problem],
) -> list[RawTable] | None:
    """The chunks of a well-formed CSV file read by pyarrow's vectorised reader, or None.

    None when the file needs the ``csv`` module: a layout :func:`_scan_records` refuses, a
    codec whose bytes cannot be scanned, a record with more or fewer cells than the header,
    bytes that do not decode, a field longer than :data:`FIELD_LIMIT`; the ``csv`` module then
    reads the whole file and reports each problem with its line. When it succeeds, the cells,
    lines and header are the ones the ``csv`` module would give.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    if not (codec.startswith(_BYTE_SAFE) and len(delimiter) == 1 and ord(delimiter) < 128):
        return None
    if delimiter in '"\r\n\0':
        return None
    bom = len(codecs.BOM_UTF8) if codec == "utf-8-sig" else 0
    if bom:
        with path.open("rb") as fh:
            bom = bom if fh.read(bom) == codecs.BOM_UTF8 else 0
    found = _scan_records(path, delimiter, bom)
    if found is None or not len(found.lines) or found.longest > FIELD_LIMIT:
        return None
    first: list[str] = []
    if not spec.names:  # the header: the first record that is not a blank line
        try:
            with path.open("r", encoding=codec, newline="") as fh:
                first = next((r for r in csv.reader(fh, delimiter=delimiter, strict=True) if r), [])
        except (UnicodeError, csv.Error):
            return None
        if not first:
            return None
    width = len(spec.names) if spec.names else len(first)
    names = [f"f{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                column_names=names,
                encoding="utf8" if codec.startswith("utf-8") else codec,
                block_size=max(1 << 22, 2 * found.longest + 2),
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=found.quoted_newlines,
                ignore_empty_lines=True,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, UnicodeError, ValueError, OSError):
        return None
    if table.num_rows != len(found.lines):
        return None  # safety net: pyarrow split the records differently
    lines = found.lines
    counts: dict[str, int] = {}
    header_line = 0
    if spec.names:
        header = list(spec.names)
    else:
        header = [h.strip() for h in first]
        while len(header) > 1 and header[-1] == "":
            header.pop()
        line_text = delimiter.join(first)
        counts = {d: line_text.count(d) for d in _DELIMITERS}
        counts[delimiter] = len(first) - 1
        header_line = int(lines[0])
        table, lines = table.slice(1), lines[1:]
    for extra in names[len(header) :]:  # cells under trailing empty header cells must be blank
        if pc.any(pc.not_equal(pc.utf8_trim_whitespace(table[extra]), "")).as_py():
            return None
    table = table.select(names[: len(header)])
    dtype = pd.StringDtype("pyarrow", na_value=np.nan)
    chunks = []
    for start in range(0, max(table.num_rows, 1), chunk_rows):
        part = table.slice(start, chunk_rows)
        frame = part.to_pandas(types_mapper={pa.string(): dtype}.get)
        frame.columns = header
        n = part.num_rows
        chunks.append(
            RawTable(
                rel,
                header,
                frame,
                lines[start : start + n].tolist(),
                n,
                problems if start == 0 else [],
                header_line,
                counts,
                [False] * n,
            )
        )
    return chunks


def _iter_text(
    path: Path, spec: ReadSpec, rel: str, chunk_rows: int, personal: tuple[str, ...] = ()
) -> Iterator[RawTable]:
    with path.open("rb") as fh:
        head = fh.read(_PROBE)
    if not head.strip() and path.stat().st_size <= len(head):
        what = "is empty (0 bytes)" if not head else "holds only blank space"
        yield _empty(
            rel,
            [],
            [Problem(rel, None, None, "empty-file", f"the file {what}; expected a header line")],
        )
        return
    codec, problems = _choose_codec(head, spec.encoding, rel)
    if codec is None:
        yield _empty(rel, [], problems)
        return
    delimiter = spec.delimiter
    header: list[str] | None = list(spec.names) if spec.names else None
    header_line = 0 if spec.names else 1
    counts: dict[str, int] = {}
    rows: list[list[str]] = []
    lines: list[int] = []
    broken: list[bool] = []
    masked = [i for i, h in enumerate(header or []) if h in personal]
    records = 0
    prev = 0
    if spec.widths:
        joiner, setting = "", f"widths = {list(spec.widths)}"
    elif delimiter == "whitespace":
        joiner, setting = " ", 'delimiter = "whitespace"'
    else:
        joiner, setting = None, None

    def chunk() -> RawTable:
        frame = pd.DataFrame(rows, columns=range(len(header)), dtype="str")
        frame.columns = header
        return RawTable(rel, header, frame, lines, records, problems, header_line, counts, broken)

    csv.field_size_limit(max(csv.field_size_limit(), FIELD_LIMIT))

    with path.open("r", encoding=codec, newline="") as fh:
        if spec.widths:
            reader = _LineReader(fh, lambda text: _split_fixed(text, spec.widths))
        elif delimiter == "whitespace":
            reader = _LineReader(fh, _split_whitespace)
        else:
            if delimiter == "auto":
                delimiter = _sniff(fh.readline().lstrip("\ufeff\r\n"))
                fh.seek(0)
                log.info("%s: delimiter sniffed as %r", rel, delimiter)
            fast = _iter_arrow(path, spec, rel, codec, delimiter, chunk_rows, problems)
            if fast is not None:
                yield from fast
                return
            reader = csv.reader(fh, delimiter=delimiter, strict=True)
            joiner, setting = delimiter, f"delimiter = {delimiter!r}"
        try:
            for rec in reader:
                start, prev = prev + 1, reader.line_num
                if not rec:
                    continue  # a blank line: not a record; line numbers stay physical
                if header is None:
                    header, header_line = [h.strip() for h in rec], start
                    while len(header) > 1 and header[-1] == "":
                        header.pop()  # trailing empty header cells are not columns
                    if not isinstance(reader, _LineReader):  # csv: for the delimiter hint
                        line_text = delimiter.join(rec)
                        counts = {d: line_text.count(d) for d in _DELIMITERS}
                        counts[delimiter] = len(rec) - 1
                    masked = [i for i, h in enumerate(header) if h in personal]
                    continue
                records += 1
                n = len(header)
                if len(rec) > n and any(c.strip() for c in rec[n:]):
                    if spec.widths:
                        cause = (
                            f"the line has text after the {n} declared fields "
                            f"({sum(spec.widths)} characters): check {setting} in kam.toml"
                        )
                    elif delimiter == "whitespace":
                        cause = (
                            f"the record has {len(rec)} cells but the header has {n}; a value "
                            f"with blanks must be in double quotes ({setting} in kam.toml)"
                        )
                    else:
                        cause = (
                            f"the record has {len(rec)} cells but the header has {n}; check "
                            f"{setting} in kam.toml: a delimiter or decimal comma inside an "
                            f"unquoted value shifts every later column"
                        )
                    problems.append(
                        Problem(
                            rel,
                            start,
                            f"#{n + 1}",
                            "extra-cell",
                            cause,
                            excerpt=_row_excerpt(rec, joiner, n, masked),
                        )
                    )
                    rows.append(rec[:n])
                    broken.append(True)
                elif len(rec) < n:
                    problems.append(
                        Problem(
                            rel,
                            start,
                            header[len(rec)],
                            "missing-cell",
                            f"the record has {len(rec)} cells but the header has {n}; check "
                            f"{setting} in kam.toml",
                            excerpt=_row_excerpt(rec, joiner, n, masked),
                        )
                    )
                    rows.append(rec + [""] * (n - len(rec)))
                    broken.append(True)
                else:
                    rows.append(rec[:n])
                    broken.append(False)
                lines.append(start)
                if len(rows) >= chunk_rows:
                    yield chunk()
                    rows, lines, broken, records, problems = [], [], [], 0, []
        except UnicodeError:
            yield _empty(
                rel, header or [], problems + [_encoding_problem(path, codec, spec.encoding, rel)]
            )
            return
        except csv.Error as exc:
            msg = str(exc)
            if "unexpected end of data" in msg or "EOF" in msg:
                problems.append(
                    Problem(
                        rel,
                        prev + 1,
                        None,
                        "unbalanced-quote",
                        "a quoted field opened here is never closed; the rest of the file was not read",
                    )
                )
            elif "field limit" in msg:
                problems.append(
                    Problem(
                        rel,
                        prev + 1,
                        None,
                        "field-too-long",
                        f"a field longer than {FIELD_LIMIT:,} characters starts here (a quote "
                        f"opened and never closed?); the rest of the file was not read",
                    )
                )
            else:
                problems.append(
                    Problem(rel, reader.line_num, None, "bad-quote", f"malformed quoting: {msg}")
                )
            records += 1
    if header is None:
        yield _empty(
            rel, [], problems + [Problem(rel, None, None, "empty-file", "no header line found")]
        )
        return
    yield chunk()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    return str(value).strip()


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([^"]{1,40})"')


def _grid(ref: str) -> int:
    """Cells in a sheet range such as ``A1:XFD1048576`` (0 when it cannot be read)."""
    from openpyxl.utils.cell import range_boundaries

    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
    except (ValueError, TypeError):
        return 0
    return (max_col - (min_col or 1) + 1) * (max_row - (min_row or 1) + 1)


def _xlsx_bounds(path: Path, rel: str) -> Problem | None:
    """Refuse a workbook too large to open before openpyxl expands it (zip bombs, huge ranges).

    Checks the uncompressed size of all parts (zip members cannot decompress past their declared
    size) and each sheet's declared ``<dimension>``; a broken zip is left to openpyxl to report.
    """
    import zipfile

    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    with zf:
        members = zf.infolist()
        total = sum(m.file_size for m in members)
        if total > MAX_XLSX_BYTES:
            return Problem(
                rel,
                None,
                None,
                "xlsx-too-large",
                f"the workbook's parts expand to {total / 2**20:,.0f} MB uncompressed "
                f"({path.stat().st_size / 2**10:,.0f} KB on disk); the limit is "
                f"{MAX_XLSX_BYTES / 2**20:,.0f} MB (kamlib.load.reading.MAX_XLSX_BYTES): "
                f"export the table as CSV or Parquet",
            )
        for m in members:
            if not (m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")):
                continue
            with zf.open(m) as fh:
                head = fh.read(1 << 16)
            found = _DIMENSION.search(head)
            ref = found.group(1).decode("ascii", "replace") if found else ""
            if ref and _grid(ref) > MAX_XLSX_CELLS:
                return _too_many_cells(rel, ref, "declares")
    return None


def _too_many_cells(rel: str, extent: str, verb: str) -> Problem:
    return Problem(
        rel,
        None,
        None,
        "xlsx-too-large",
        f"a sheet {verb} the range {extent}, more than {MAX_XLSX_CELLS:,} cells (the limit, "
        f"kamlib.load.reading.MAX_XLSX_CELLS); delete the stray cells far from the table or "
        f"export it as CSV or Parquet",
    )


def _read_xlsx(path: Path, spec: ReadSpec, rel: str, expected: list[str]) -> RawTable:
    import openpyxl

    bound = _xlsx_bounds(path, rel)
    if bound is not None:
        return _empty(rel, [], [bound])
    try:
        wb = openpyxl.load_workbook(path, data_only=True)
        wb_formulas = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for broken files
        return _empty(
            rel,
            [],
            [Problem(rel, None, None, "unreadable-file", f"not a readable XLSX workbook: {exc}")],
        )
    names = wb.sheetnames
    if spec.sheet is None and len(names) > 1:
        listed = ", ".join(repr(n) for n in names)
        return _empty(
            rel,
            [],
            [
                Problem(
                    rel,
                    None,
                    None,
                    "sheet-required",
                    f"the workbook has {len(names)} sheets ({listed}); name one with sheet = ... in kam.toml",
                )
            ],
        )
    sheet = spec.sheet or names[0]
    if sheet not in names:
        listed = ", ".join(repr(n) for n in names)
        return _empty(
            rel,
            [],
            [
                Problem(
                    rel,
                    None,
                    None,
                    "sheet-not-found",
                    f"no sheet {sheet!r}; the sheets are {listed}",
                )
            ],
        )
    ws, wsf = wb[sheet], wb_formulas[sheet]
    where = f"{rel}[{sheet}]"
    if ws.max_row * ws.max_column > MAX_XLSX_CELLS:
        return _empty(where, [], [_too_many_cells(where, ws.dimensions, "uses")])
    hrow = spec.header_row
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    if len(values) < hrow:
        return _empty(
            where,
            [],
            [
                Problem(
                    where, None, None, "empty-file", f"the sheet has no row {hrow} for the header"
                )
            ],
            hrow,
        )
    header = [_cell_text(v) for v in values[hrow - 1]]
    while header and header[-1] == "":
        header.pop()
    problems: list[Problem] = []
    want = {label_key(e) for e in expected}
    if expected and not want <= {label_key(h) for h in header}:
        found = next(
            (
                i + 1
                for i, row in enumerate(values[:30])
                if want <= {label_key(_cell_text(v)) for v in row}
            ),
            None,
        )
        hint = f"; it is in row {found}: set header_row = {found}" if found else ""
        return _empty(
            where,
            header,
            [
                Problem(
                    where,
                    hrow,
                    None,
                    "header-not-found",
                    f"header not found in row {hrow} of sheet {sheet!r} "
                    f"(expected {', '.join(expected)}){hint}",
                )
            ],
            hrow,
        )
    ncol = len(header)
    # merged cells below the header: forward-filled where declared, an error elsewhere
    for rng in ws.merged_cells.ranges:
        if rng.max_row <= hrow:
            continue
        top = ws.cell(rng.min_row, rng.min_col).value
        for col in range(rng.min_col, min(rng.max_col, ncol) + 1):
            name = header[col - 1]
            if name in spec.fill_merged:
                for r in range(max(rng.min_row, hrow + 1), rng.max_row + 1):
                    values[r - 1][col - 1] = top
            else:
                problems.append(
                    Problem(
                        where,
                        rng.min_row,
                        name,
                        "merged-cells",
                        f"merged cells {rng.coord}; unmerge them or declare "
                        f"fill_merged = [{name!r}] to forward-fill",
                    )
                )
    rows, lines, broken = [], [], []
    records = 0
    for r, row in enumerate(values[hrow:], start=hrow + 1):
        row = (list(row) + [None] * ncol)[:ncol]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        records += 1
        bad = False
        for c, v in enumerate(row, start=1):
            addr = f"{openpyxl.utils.get_column_letter(c)}{r}"
            if v is None and wsf.cell(r, c).data_type == "f":
                problems.append(
                    Problem(
                        where,
                        r,
                        header[c - 1],
                        "formula-without-value",
                        f"cell {addr} holds a formula with no saved result; open and "
                        f"save the workbook in Excel, or export values",
                    )
                )
                bad = True
            elif isinstance(v, str) and v.strip() in _EXCEL_ERRORS:
                problems.append(
                    Problem(
                        where,
                        r,
                        header[c - 1],
                        "excel-error",
                        f"cell {addr} holds the Excel error {v.strip()}",
                        excerpt=v.strip(),
                    )
                )
                bad = True
        rows.append(row)
        lines.append(r)
        broken.append(bad)
    frame = pd.DataFrame(rows, columns=range(ncol), dtype=object)
    frame.columns = header
    return RawTable(where, header, frame, lines, records, problems, hrow, broken=broken)


def _iter_parquet(path: Path, rel: str, chunk_rows: int, wanted: list[str]) -> Iterator[RawTable]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for broken files
        yield _empty(
            rel,
            [],
            [Problem(rel, None, None, "unreadable-file", f"not a readable Parquet file: {exc}")],
        )
        return
    header = [str(c) for c in pf.schema_arrow.names]
    keys = {label_key(w) for w in wanted}
    columns = [h for h in header if label_key(h) in keys] if wanted else header
    row = 1
    empty = True
    for batch in pf.iter_batches(batch_size=chunk_rows, columns=columns):
        cols = {}
        for name, col in zip(batch.schema.names, batch.columns, strict=True):
            if pa.types.is_decimal(col.type):
                col = col.cast(pa.float64())
                if row == 1:
                    log.info("%s: decimal column %r read as float64", rel, name)
            if (
                pa.types.is_binary(col.type)
                or pa.types.is_large_binary(col.type)
                or pa.types.is_fixed_size_binary(col.type)
            ):
                try:  # bytes are text in UTF-8, never "b'A'"
                    col = col.cast(pa.large_binary()).cast(pa.large_string())
                except pa.ArrowInvalid:
                    yield _empty(
                        rel,
                        header,
                        [
                            Problem(
                                rel,
                                None,
                                name,
                                "encoding-error",
                                f"the binary column {name!r} holds bytes that are not UTF-8 text",
                            )
                        ],
                    )
                    return
            # whole numbers with gaps stay exact Python ints (int64 above 2**53 is not a float)
            cols[name] = col.to_pandas(integer_object_nulls=pa.types.is_integer(col.type))
        frame = pd.DataFrame(cols, index=range(batch.num_rows))
        for name in header:
            if name not in frame:  # not needed: present in the header only
                frame[name] = pd.Series([None] * batch.num_rows, dtype=object)
        yield RawTable(
            rel, header, frame, list(range(row, row + batch.num_rows)), batch.num_rows, [], 0
        )
        row += batch.num_rows
        empty = False
    if empty:
        yield RawTable(
            rel, header, pd.DataFrame({h: pd.Series(dtype=object) for h in header}), [], 0, [], 0
        )


def iter_file(
    path: Path,
    spec: ReadSpec,
    rel: str,
    *,
    expected: list[str] | tuple[str, ...] = (),
    wanted: list[str] | tuple[str, ...] = (),
    personal: list[str] | tuple[str, ...] = (),
    chunk_rows: int | None = None,
) -> Iterator[RawTable]:
    """Read one file into raw cells, by its suffix (.csv/.tsv/.txt, .xlsx, .parquet), in chunks.

    Yields :class:`RawTable` chunks of at most `chunk_rows` records (XLSX: one chunk), so a file
    of millions of lines never sits in memory at once. A chunk whose ``fatal`` is true ends the
    file. `rel` is the name used in problems (the path relative to the workspace); `expected`
    lists the file's names for the required columns (XLSX uses it to find a misplaced header
    row); `wanted` the file's names of every column to read (Parquet reads only those);
    `personal` the header names whose values never appear in an excerpt.
    """
    chunk_rows = chunk_rows or CHUNK_ROWS
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        yield _read_xlsx(path, spec, rel, list(expected))
    elif suffix == ".parquet":
        yield from _iter_parquet(path, rel, chunk_rows, list(wanted))
    else:
        yield from _iter_text(path, spec, rel, chunk_rows, tuple(personal))

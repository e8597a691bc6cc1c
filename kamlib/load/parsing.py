"""Explicit parsing of raw cells into typed columns, with a problem for every cell that fails.

Each parser takes a Series of raw cells (strings from text files, Python values from XLSX and
Parquet) and returns the typed Series plus a list of ``(position, code, message)`` findings, so
the caller can name the file, physical line and column. Nothing is guessed silently:

* numbers follow the configured decimal mark and thousands separator; spaces (also no-break and
  narrow no-break) between digit groups are always allowed; a value that could be read two ways
  (``1.234`` in a decimal-comma file with no thousands separator declared) is an error; digits of
  other scripts (Arabic-Indic ``١٢٣``, full-width ``１２３`` ...: Unicode category Nd) are read as
  the ASCII digits they stand for, and the full-width ``＋－．，`` and the minus sign ``−`` as
  ``+-.,`` (counted in the log); a value that is not finite (``1`` and 400 zeros, ``inf`` in
  Parquet) or of :data:`MAX_MAGNITUDE` or more is an error, never a loaded amount;
* dates follow the configured format, or with ``date_format = "auto"`` exactly three unambiguous
  forms: ISO 8601, ``dd.mm.yyyy`` and Excel serial numbers (61 and up); time-zone-aware stamps
  are converted to the workspace's business time zone; ``31.12.9999`` means open-ended;
* IDs stay text (leading zeros kept) and are only changed by the declared rules, and by one
  cleaning rule: invisible and control characters (Unicode categories Cc, Cf, Zl, Zp: the
  right-to-left override U+202E, zero-width spaces, a stray BOM, tabs ...) are removed, with a
  warning (``id-invisible-characters``) for every ID changed, so they are never printed raw.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = [
    "Finding",
    "Parsed",
    "parse_column",
    "suggest_date_format",
    "CURRENCY_SYMBOLS",
    "MAX_MAGNITUDE",
]

#: Numbers of this size or more are refused: float64 no longer keeps cents, and no export holds
#: such an amount by intent.
MAX_MAGNITUDE = 1e15

CURRENCY_SYMBOLS = {
    "€": "EUR",
    "$": "USD",
    "£": "GBP",
    "₽": "RUB",
    "¥": "JPY",
    "₴": "UAH",
    "₸": "KZT",
}
_SYMBOLS = "".join(CURRENCY_SYMBOLS)
_SPACES = " \u00a0\u202f\u2009"
_TRUE = {"true", "yes", "y", "1", "x", "t", "ja", "да", "wahr", "oui", "si", "sí"}
_FALSE = {"false", "no", "n", "0", "f", "nein", "нет", "falsch", "non"}
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_OPEN_ENDED = pd.Timestamp("9999-12-31")
_TZ_RE = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
#: date formats tried on values that fail, to suggest a ``date_format`` in the error message
DATE_FORMAT_HINTS = (
    "%Y%m%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M",
    "%d/%m/%y",
    "%m/%d/%y",
    "%Y/%m/%d",
    "%d-%m-%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%b %d, %Y",
    "%Y-%m-%d %H:%M:%S",
)
_HOMOGLYPHS = str.maketrans("АВЕКМНОРСТУХаеорсухіІ", "ABEKMHOPCTYXaeopcyxiI")
_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)


@functools.cache
def _digit_table() -> dict[int, str]:
    """Every non-ASCII decimal digit (category Nd) to its ASCII digit; full-width signs to ASCII."""
    table = {
        cp: str(unicodedata.decimal(chr(cp)))
        for cp in range(0x80, 0x110000)
        if unicodedata.category(chr(cp)) == "Nd"
    }
    table.update({0xFF0B: "+", 0xFF0D: "-", 0xFF0E: ".", 0xFF0C: ",", 0x2212: "-"})
    return table


def _ascii_digits(text: pd.Series) -> tuple[pd.Series, int]:
    """`text` with the digits of other scripts as ASCII digits, and how many cells changed."""
    foreign = text.str.contains(r"[^\x00-\x7f]", regex=True).fillna(False).astype(bool)
    if not foreign.any():
        return text, 0
    table = _digit_table()
    changed = text[foreign].map(lambda v: v.translate(table))
    n = int((changed != text[foreign]).sum())
    out = text.copy()
    out[foreign] = changed
    return out, n


@dataclass
class Finding:
    """A problem with some cells of one column: positions (0-based rows), code and message."""

    positions: list[int]
    code: str
    message: str
    severity: str = "error"


@dataclass
class Parsed:
    """A parsed column, its findings, and notes for the log (e.g. counts per date format)."""

    values: pd.Series
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    currency: pd.Series | None = None  # currency symbol found in a number cell, as ISO code


def _blank(s: pd.Series) -> np.ndarray:
    return s.isna().to_numpy() | s.astype("str").str.strip().eq("").to_numpy()


def _as_text(s: pd.Series) -> pd.Series:
    """Raw cells to stripped strings; numbers from sheets lose a spurious '.0'."""
    if s.dtype == object:

        def conv(v):
            if v is None or (isinstance(v, float) and np.isnan(v)):
                return None
            if isinstance(v, float) and v.is_integer():
                return str(int(v))
            return str(v)

        s = s.map(conv)
    elif pd.api.types.is_float_dtype(s.dtype):
        s = s.map(
            lambda v: None if np.isnan(v) else (str(int(v)) if float(v).is_integer() else str(v))
        )
    return s.astype("str")


def _positions(mask) -> list[int]:
    return np.flatnonzero(np.asarray(mask)).tolist()


def parse_text(s: pd.Series) -> Parsed:
    """Text as is; empty cells become missing. ``NA``, ``Null`` and ``None`` stay strings."""
    out = _as_text(s)
    out = out.where(~_blank(out), None).astype("str")
    return Parsed(out)


def parse_id(s: pd.Series, *, strip: bool = True, upper: bool = False, zero_pad: int = 0) -> Parsed:
    """IDs as text, normalised only by the declared rules (see ``[tables.X] ids`` in kam.toml).

    A text column is parsed once per distinct value (an account's ID recurs on each of its
    lines), and the values and findings are spread back to the rows.
    """
    if _is_text(s) and len(s):
        codes, values = pd.factorize(s, use_na_sentinel=True)
        if len(values) < len(s):
            return _spread(
                _parse_id_cells(
                    pd.Series(values, dtype=s.dtype), strip=strip, upper=upper, zero_pad=zero_pad
                ),
                codes,
                s,
            )
    return _parse_id_cells(s, strip=strip, upper=upper, zero_pad=zero_pad)


def _spread(parsed: Parsed, codes: np.ndarray, rows: pd.Series) -> Parsed:
    """`parsed`, the result for the distinct values of the column `rows`, for its rows: row
    ``i`` holds value ``codes[i]`` (-1: missing); findings keep the rows' order."""
    values = parsed.values.array.take(codes, allow_fill=True)
    findings = []
    for f in parsed.findings:
        mask = np.zeros(len(parsed.values) + 1, dtype=bool)  # the last entry: missing cells
        mask[f.positions] = True
        findings.append(Finding(_positions(mask[codes]), f.code, f.message, f.severity))
    return Parsed(pd.Series(values, index=rows.index, name=rows.name), findings, parsed.notes)


def _parse_id_cells(s: pd.Series, *, strip: bool, upper: bool, zero_pad: int) -> Parsed:
    """IDs by the declared rules, cell by cell (vectorised)."""
    parsed = Parsed(pd.Series(dtype="str"))
    if pd.api.types.is_float_dtype(s.dtype) or s.dtype == object:
        frac = s.map(lambda v: isinstance(v, float) and not np.isnan(v) and not v.is_integer())
        if frac.any():
            parsed.findings.append(
                Finding(_positions(frac), "type-error", "an ID must be text or a whole number")
            )
    out = _as_text(s)
    invisible = out.str.contains(_INVISIBLE.pattern, regex=True).fillna(False).astype(bool)
    if invisible.any():
        out = out.str.replace(_INVISIBLE.pattern, "", regex=True)
        parsed.findings.append(
            Finding(
                _positions(invisible),
                "id-invisible-characters",
                "the ID held invisible or control characters (such as U+202E, the right-to-left "
                "override, or a zero-width space): removed",
                "warning",
            )
        )
    if strip:
        out = out.str.strip()
    if upper:
        out = out.str.upper()
    if zero_pad:
        digits = out.str.fullmatch(r"\d+").fillna(False).astype(bool)
        out = out.where(~digits, out.str.zfill(zero_pad))
    out = out.where(~_blank(out), None).astype("str")
    uniq = pd.Series(out.dropna().unique(), dtype="str")
    if not zero_pad and len(uniq):
        digits = uniq[uniq.str.fullmatch(r"\d+")]
        stripped = digits.str.lstrip("0")
        clash = digits[stripped.duplicated(keep=False)]
        if len(clash):
            parsed.notes.append(f"ids {sorted(clash)[:4]} differ only by leading zeros")
            parsed.findings.append(
                Finding(
                    _positions(out.isin(clash)),
                    "id-normalisation",
                    "IDs that differ only by leading zeros are kept apart; declare "
                    "ids = { zero_pad = N } to merge them",
                    "warning",
                )
            )
    if not upper and len(uniq):
        folded = uniq.str.upper()
        clash = uniq[folded.duplicated(keep=False)]
        if len(clash):
            parsed.findings.append(
                Finding(
                    _positions(out.isin(clash)),
                    "id-normalisation",
                    "IDs that differ only by letter case are kept apart; declare "
                    "ids = { upper = true } to merge them",
                    "warning",
                )
            )
    cyr = _has_greek_or_cyrillic(uniq)
    if cyr.any():
        latin = set(uniq[~cyr])
        mixed = [
            u for u in uniq[cyr] if u.translate(_HOMOGLYPHS) in latin or re.search(r"[A-Za-z]", u)
        ]
        if mixed:
            parsed.findings.append(
                Finding(
                    _positions(out.isin(mixed)),
                    "mixed-script-id",
                    "the ID mixes Cyrillic or Greek letters with Latin look-alikes; "
                    "it is not merged with the Latin ID",
                    "warning",
                )
            )
    parsed.values = out
    return parsed


def _has_greek_or_cyrillic(uniq: pd.Series) -> np.ndarray:
    """Which of the text values `uniq` hold a Greek or Cyrillic letter (ASCII ones are skipped)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    found = np.zeros(len(uniq), dtype=bool)
    if not len(uniq):
        return found
    other = ~pc.string_is_ascii(pa.array(uniq.array)).to_numpy(zero_copy_only=False)
    if other.any():
        found[other] = (
            uniq[other].str.contains(r"[\u0370-\u03ff\u0400-\u04ff]", regex=True).to_numpy()
        )
    return found


def _is_text(s: pd.Series) -> bool:
    """True for a column of text cells (a string dtype: every cell a str or missing)."""
    return s.dtype != object and pd.api.types.is_string_dtype(s.dtype)


def _plain(s: pd.Series, pattern: str) -> np.ndarray:
    """Which cells of the text column `s` match `pattern` exactly, vectorised in Arrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    found = pc.match_substring_regex(pa.array(s.array), f"^(?:{pattern})$").fill_null(False)
    return found.to_numpy(zero_copy_only=False).astype(bool)


def _plain_numbers(s: pd.Series, decimal: str) -> np.ndarray | None:
    """The cells of the text column `s` written as plain numbers (``-1234.5``; no blanks,
    symbols, groups or other digits), or None when `s` is not text. Parsing them is one cast."""
    if not _is_text(s) or decimal not in ".,":
        return None
    d = re.escape(decimal)
    return _plain(s, rf"[-+]?[0-9]+(?:{d}[0-9]+)?|[-+]?{d}[0-9]+")


def parse_number(s: pd.Series, *, decimal: str = ".", thousands: str = "") -> Parsed:
    """Locale-aware numbers: e.g. ``1 234,56``, ``1.234,56``, ``1'234.56``, ``€1.234,56``.

    Text cells written as plain numbers (most cells of most exports) are read in one vectorised
    cast; every other cell goes through the full rules below, which give each problem.
    """
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        values = s.astype("float64")
        implausible = _implausible(values)
        for f in implausible:
            values.iloc[f.positions] = np.nan
        return Parsed(values, implausible)
    plain = _plain_numbers(s, decimal)
    if plain is None or not plain.any():
        return _with_implausible(_parse_number_cells(s, decimal=decimal, thousands=thousands))
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = pa.array(s[plain].array)
    if decimal == ",":
        cells = pc.replace_substring(cells, ",", ".")
    try:
        read = pc.cast(cells, pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:  # not expected for these shapes; the full rules then read them
        return _with_implausible(_parse_number_cells(s, decimal=decimal, thousands=thousands))
    out = np.full(len(s), np.nan)
    out[plain] = read
    rest = np.flatnonzero(~plain)
    parsed = Parsed(pd.Series(out, index=s.index))
    if len(rest):
        other = _parse_number_cells(
            s.iloc[rest].reset_index(drop=True), decimal=decimal, thousands=thousands
        )
        out[rest] = other.values.to_numpy(dtype="float64", na_value=np.nan)
        parsed.values = pd.Series(out, index=s.index)
        parsed.findings = [
            Finding(rest[f.positions].tolist(), f.code, f.message, f.severity)
            for f in other.findings
        ]
        parsed.notes = other.notes
        if other.currency is not None:
            currency = pd.Series(None, index=s.index, dtype=object)
            currency.iloc[rest] = other.currency.to_numpy(dtype=object)
            parsed.currency = currency
    return _with_implausible(parsed)


def _with_implausible(parsed: Parsed) -> Parsed:
    """`parsed` with values that are not finite or too large to be amounts made errors."""
    out = parsed.values
    implausible = _implausible(out)
    for f in implausible:  # never an amount: the ledger counts such a line as unparsed
        out.iloc[f.positions] = np.nan
    parsed.findings += implausible
    parsed.values = out.astype("float64")
    return parsed


def _parse_number_cells(s: pd.Series, *, decimal: str, thousands: str) -> Parsed:
    """Numbers by the full rules (symbols, blanks and groups, other scripts, ambiguity)."""
    findings: list[Finding] = []
    notes: list[str] = []
    if _is_text(s):
        is_num = pd.Series(False, index=s.index)
    else:
        is_num = s.map(lambda v: isinstance(v, (int, float, np.number)) and not isinstance(v, bool))
    text = _as_text(s).str.strip()
    text, foreign = _ascii_digits(text)
    if foreign:
        notes.append(f"{foreign} value(s) with digits or signs of another script read as ASCII")
    blank = _blank(text)
    sym = text.str.extract(f"([{re.escape(_SYMBOLS)}])", expand=False)
    t = text.str.replace(f"[{re.escape(_SYMBOLS)}]", "", regex=True).str.strip(_SPACES)
    spaced = t.str.contains("[ \u00a0\u202f\u2009]", regex=True).fillna(False).astype(bool)
    if spaced.any():  # the look-around runs cell by cell in Python's re: only where needed
        t = t.copy()
        t[spaced] = t[spaced].str.replace(r"(?<=\d)[ \u00a0\u202f\u2009](?=\d)", "", regex=True)
    d = re.escape(decimal)
    if thousands:
        k = re.escape(thousands)
        shape = rf"[-+]?\d{{1,3}}(?:{k}\d{{3}})*(?:{d}\d+)?|[-+]?\d+(?:{d}\d+)?|[-+]?{d}\d+"
    else:
        shape = rf"[-+]?\d+(?:{d}\d+)?|[-+]?{d}\d+"
    ok = t.str.fullmatch(shape).fillna(False).astype(bool).to_numpy() & ~blank
    other = "." if decimal == "," else ","
    ambiguous = (
        ~ok
        & ~blank
        & ~is_num.to_numpy()
        & t.str.fullmatch(rf"[-+]?\d{{1,3}}(?:{re.escape(other)}\d{{3}})+")
        .fillna(False)
        .astype(bool)
        .to_numpy()
    )
    if thousands == other:
        ambiguous[:] = False
    if ambiguous.any():
        findings.append(
            Finding(
                _positions(ambiguous),
                "ambiguous-number",
                f"{other!r} is neither the decimal mark (decimal = {decimal!r}) nor a declared "
                f"thousands separator; set thousands = {other!r} in kam.toml if it groups digits, "
                f"or decimal = {other!r} if it is the decimal mark",
            )
        )
    bad = ~ok & ~blank & ~ambiguous & ~is_num.to_numpy()
    if bad.any():
        findings.append(
            Finding(
                _positions(bad),
                "type-error",
                f"not a number with decimal = {decimal!r} and thousands = {thousands!r}; check "
                f"decimal and thousands in kam.toml",
            )
        )
    clean = t.where(ok, None)
    if thousands:
        clean = clean.str.replace(thousands, "", regex=False)
    if decimal == ",":
        clean = clean.str.replace(",", ".", regex=False)
    out = pd.to_numeric(clean, errors="coerce").astype("float64")
    if is_num.any():
        out = out.where(~is_num, pd.to_numeric(s.where(is_num), errors="coerce"))
    unread = ok & out.isna().to_numpy()  # the shape matched but the text is still no number
    if unread.any():
        findings.append(Finding(_positions(unread), "type-error", "not a number"))
    currency = sym.map(CURRENCY_SYMBOLS.get) if sym.notna().any() else None
    return Parsed(out.astype("float64"), findings, notes, currency=currency)


def _implausible(values: pd.Series) -> list[Finding]:
    """Findings for values that are not finite, or too large to be an amount."""
    v = values.to_numpy(dtype="float64", na_value=np.nan)
    infinite = np.isinf(v)
    huge = np.isfinite(v) & (np.abs(v) >= MAX_MAGNITUDE)
    findings = []
    if infinite.any():
        findings.append(
            Finding(
                _positions(infinite),
                "non-finite-number",
                "the value is not a finite number (too many digits, or inf in the source)",
            )
        )
    if huge.any():
        findings.append(
            Finding(
                _positions(huge),
                "number-too-large",
                f"the value is {MAX_MAGNITUDE:.0e} or more: not a plausible amount",
            )
        )
    return findings


def parse_integer(s: pd.Series, **kw) -> Parsed:
    """Whole numbers (nullable ``Int64``)."""
    p = parse_number(s, **kw)
    frac = p.values.notna() & (p.values % 1 != 0)
    if frac.any():
        p.findings.append(Finding(_positions(frac), "type-error", "expected a whole number"))
    p.values = p.values.where(~frac).round().astype("Int64")
    return p


def parse_bool(s: pd.Series) -> Parsed:
    """Yes/no flags: true/false, yes/no, y/n, 1/0, x (and a few other languages); blank = missing."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return Parsed(s.astype("boolean"))
    text = _as_text(s).str.strip().str.lower()
    blank = _blank(text)
    true, false = text.isin(_TRUE).to_numpy(), text.isin(_FALSE).to_numpy()
    bad = ~blank & ~true & ~false
    out = pd.Series(pd.array([pd.NA] * len(s), dtype="boolean"), index=s.index)
    out[true] = True
    out[false] = False
    findings = [Finding(_positions(bad), "type-error", "not a yes/no value")] if bad.any() else []
    return Parsed(out, findings)


def _from_serial(num: pd.Series) -> pd.Series:
    return _EXCEL_EPOCH + pd.to_timedelta(num, unit="D")


def suggest_date_format(values: pd.Series, *, limit: int = 200) -> list[str]:
    """Formats of :data:`DATE_FORMAT_HINTS` that read every one of (up to `limit` of) `values`.

    >>> suggest_date_format(pd.Series(["19970101", "19971231"]))
    ['%Y%m%d']
    >>> suggest_date_format(pd.Series(["12/1/2010 8:26", "12/13/2010 9:01"]))
    ['%m/%d/%Y %H:%M']
    """
    sample = pd.Series(values.dropna().astype("str").str.strip().unique()[:limit], dtype="str")
    if sample.empty:
        return []
    return [
        fmt
        for fmt in DATE_FORMAT_HINTS
        if pd.to_datetime(sample, format=fmt, errors="coerce").notna().all()
    ]


#: a plain ISO date: text cells of this shape are read in one vectorised step
_PLAIN_DATE = r"[12][0-9]{3}-[0-9]{2}-[0-9]{2}"
_ISO_NOTE = re.compile(r"(\d+) date\(s\) as ISO 8601")


@functools.cache
def _months() -> tuple[np.ndarray, np.ndarray]:
    """For the years 1000-2999 and the months 0-13 of each (index ``(year - 1000) * 14 +
    month``): the day of the first of the month (days since 1970-01-01) and the number of days
    in the month (0 for months 0 and 13, which do not exist)."""
    year = np.repeat(np.arange(1000, 3000), 14)
    month = np.tile(np.arange(14), 2000)
    real = (month >= 1) & (month <= 12)
    start = ((year - 1970) * 12 + np.where(real, month - 1, 0)).astype("datetime64[M]")
    first = start.astype("datetime64[D]").astype(np.int64)
    end = (start + 1).astype("datetime64[D]").astype(np.int64)
    return first, np.where(real, end - first, 0)


def _text_bytes(s: pd.Series, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The cells of the text column `s` that are `width` bytes long: their positions, and their
    bytes as a ``(cells, width)`` array, read from the Arrow buffers without a Python string."""
    import pyarrow as pa

    cells = pa.array(s.array)
    if isinstance(cells, pa.ChunkedArray):
        cells = cells.combine_chunks()
    if pa.types.is_string(cells.type) or pa.types.is_large_string(cells.type):
        _, offsets, data = cells.buffers()
    else:  # not expected for a text column: no cell is taken
        return np.zeros(0, dtype=np.int64), np.zeros((0, width), dtype=np.uint8)
    kind = np.int64 if pa.types.is_large_string(cells.type) else np.int32
    offsets = np.frombuffer(offsets, dtype=kind)[cells.offset : cells.offset + len(cells) + 1]
    sized = np.diff(offsets) == width
    if cells.null_count:
        sized &= cells.is_valid().to_numpy(zero_copy_only=False)
    where = np.flatnonzero(sized)
    if not len(where) or data is None:
        return np.zeros(0, dtype=np.int64), np.zeros((0, width), dtype=np.uint8)
    data = np.frombuffer(data, dtype=np.uint8)
    if len(data) < width:
        return np.zeros(0, dtype=np.int64), np.zeros((0, width), dtype=np.uint8)
    return where, np.lib.stride_tricks.sliding_window_view(data, width)[offsets[where]]


def _plain_dates(s: pd.Series) -> tuple[np.ndarray, np.ndarray, bool]:
    """The cells of the text column `s` that are plain ISO dates of the calendar
    (:data:`_PLAIN_DATE`, a month 01-12 and a day that month has), their dates
    (``datetime64[us]``), and whether any cell has the shape: the digits are read from the
    cells' bytes, vectorised; every other cell (2024-02-30 included) is left to the full rules.
    """
    where, text = _text_bytes(s, 10)
    d = text - np.uint8(48)  # a digit's value; anything else is not 0-9 (the bytes wrap)
    shape = (text[:, 0] == 49) | (text[:, 0] == 50)  # [12]
    for i in (1, 2, 3, 5, 6, 8, 9):
        shape &= d[:, i] <= 9
    shape &= (text[:, 4] == 45) & (text[:, 7] == 45)  # -
    where, d = where[shape], d[shape]
    digit = [d[:, i].astype(np.int32) for i in range(10)]
    # the month of each cell: (year - 1000) * 14 + month, months 13-99 taken as 13 (no such month)
    month = ((digit[0] * 10 + digit[1] - 10) * 100 + digit[2] * 10 + digit[3]) * 14
    month += np.minimum(digit[5] * 10 + digit[6], 13)
    day = digit[8] * 10 + digit[9]
    first, length = _months()
    real = day <= length[month]
    real &= day >= 1
    where, month, day = where[real], month[real], day[real]
    days = first[month] + day - 1
    return where, (days * 86_400_000_000).view("datetime64[us]"), bool(shape.any())


def parse_date(s: pd.Series, *, date_format: str = "auto", timezone: str | None = None) -> Parsed:
    """Dates by the declared format, or by the three unambiguous forms when ``auto``.

    Text cells that are plain ISO dates (``2024-02-01``) are read in one vectorised step when
    the format allows them; every other cell goes through the full rules, which give each
    problem.
    """
    if not (_is_text(s) and date_format in ("auto", "%Y-%m-%d") and len(s)):
        return _parse_date_cells(s, date_format=date_format, timezone=timezone)
    where, days, shaped = _plain_dates(s)
    if not shaped:
        return _parse_date_cells(s, date_format=date_format, timezone=timezone)
    out = np.full(len(s), np.datetime64("NaT"), dtype="datetime64[us]")
    out[where] = days
    rest = np.ones(len(s), dtype=bool)
    rest[where] = False
    rest = np.flatnonzero(rest)
    parsed = Parsed(pd.Series(out, index=s.index))
    iso = len(where)
    if len(rest):
        other = _parse_date_cells(
            s.iloc[rest].reset_index(drop=True), date_format=date_format, timezone=timezone
        )
        out[rest] = other.values.to_numpy(dtype="datetime64[us]")
        parsed.values = pd.Series(out, index=s.index)
        parsed.findings = [
            Finding(rest[f.positions].tolist(), f.code, f.message, f.severity)
            for f in other.findings
        ]
        for note in other.notes:
            if date_format == "auto" and (m := _ISO_NOTE.fullmatch(note)):
                iso += int(m.group(1))
                continue
            parsed.notes.append(note)
    if date_format == "auto":
        parsed.notes.insert(0, f"{iso} date(s) as ISO 8601")
    return parsed


def _parse_date_cells(
    s: pd.Series, *, date_format: str = "auto", timezone: str | None = None
) -> Parsed:
    """Dates by the full rules: other forms, time zones, serial numbers, open-ended dates."""
    findings: list[Finding] = []
    notes: list[str] = []
    n = len(s)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    if _is_text(s):
        is_dt = np.zeros(n, dtype=bool)
    else:
        is_dt = s.map(
            lambda v: isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "year")
        ).to_numpy()
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        vals = s.dt.tz_convert(timezone or "UTC").dt.tz_localize(None) if s.dt.tz is not None else s
        out = vals.astype("datetime64[us]")
        is_dt = np.ones(n, dtype=bool)
        text = pd.Series([""] * n, index=s.index, dtype="str")
    else:
        if is_dt.any():
            out[is_dt] = pd.to_datetime(s[is_dt].map(pd.Timestamp)).astype("datetime64[us]")
        text, foreign = _ascii_digits(_as_text(s.where(~is_dt, None)).str.strip())
        if foreign:
            notes.append(f"{foreign} date(s) with digits of another script read as ASCII digits")
    blank = _blank(text) & ~is_dt
    todo = ~blank & ~is_dt
    aware = (
        todo & text.str.contains(_TZ_RE.pattern, regex=True, case=False).fillna(False).to_numpy()
    )
    if aware.any():
        ts = pd.to_datetime(text[aware], format="ISO8601", utc=True, errors="coerce")
        good = ts.notna().to_numpy()
        local = ts.dt.tz_convert(timezone or "UTC").dt.tz_localize(None)
        idx = np.flatnonzero(aware)
        out.iloc[idx[good]] = local[good].astype("datetime64[us]").to_numpy()
        todo[idx[good]] = False
        notes.append(f"{int(good.sum())} time-zone-aware stamp(s) converted to {timezone or 'UTC'}")
    open_ended = todo & text.isin(["31.12.9999", "9999-12-31", "12/31/9999"]).to_numpy()
    todo &= ~open_ended
    if date_format == "auto":
        remaining = todo.copy()
        for label, fmt in (("ISO 8601", "ISO8601"), ("dd.mm.yyyy", "%d.%m.%Y")):
            if not remaining.any():
                break
            sub = text[remaining]
            shape = (
                r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?"
                if fmt == "ISO8601"
                else r"\d{1,2}\.\d{1,2}\.\d{4}"
            )
            cand = sub.str.fullmatch(shape).fillna(False).to_numpy()
            if not cand.any():
                continue
            ts = pd.to_datetime(sub[cand], format=fmt, errors="coerce")
            idx = np.flatnonzero(remaining)[cand]
            good = ts.notna().to_numpy()
            out.iloc[idx[good]] = ts[good].astype("datetime64[us]").to_numpy()
            remaining[idx[good]] = False
            if good.any():
                notes.append(f"{int(good.sum())} date(s) as {label}")
        serial = remaining & text.str.fullmatch(r"\d{1,6}(\.\d+)?").fillna(False).to_numpy()
        if serial.any():
            num = pd.to_numeric(text[serial])
            early = (num < 61).to_numpy()
            idx = np.flatnonzero(serial)
            if early.any():
                findings.append(
                    Finding(
                        idx[early].tolist(),
                        "ambiguous-serial",
                        "Excel serial dates before 61 (1900-03-01) are ambiguous "
                        "(Excel's 1900 leap-year bug)",
                    )
                )
            ok_idx = idx[~early]
            out.iloc[ok_idx] = _from_serial(num[~early]).astype("datetime64[us]").to_numpy()
            remaining[idx] = False
            if (~early).any():
                notes.append(f"{int((~early).sum())} date(s) as Excel serial numbers")
        bad = remaining
        expected = "an ISO date (2024-02-01), dd.mm.yyyy or an Excel serial number"
    else:
        ts = pd.to_datetime(text[todo], format=date_format, errors="coerce")
        idx = np.flatnonzero(todo)
        good = ts.notna().to_numpy()
        out.iloc[idx[good]] = ts[good].astype("datetime64[us]").to_numpy()
        bad = np.zeros(n, dtype=bool)
        bad[idx[~good]] = True
        expected = f"a date in the format {date_format!r}"
    if bad.any():
        message = f"not a valid date with date_format = {date_format!r}; expected {expected}"
        fits = [f for f in suggest_date_format(text[bad]) if f != date_format]
        if len(fits) == 1:
            message += f'; these values read with date_format = "{fits[0]}"'
        elif fits:
            message += "; these values read with date_format = " + " or ".join(
                f'"{f}"' for f in fits[:3]
            )
            if any("%d/%m" in f for f in fits) and any("%m/%d" in f for f in fits):
                message += " (day and month cannot be told apart here: check the source)"
        else:
            message += "; set date_format in kam.toml to the file's format (strftime codes)"
        findings.append(Finding(_positions(bad), "invalid-date", message))
    if open_ended.any():
        findings.append(
            Finding(
                _positions(open_ended),
                "open-ended-date",
                "31.12.9999 means open-ended: left empty and excluded from the time axis",
                "warning",
            )
        )
    return Parsed(out.astype("datetime64[us]"), findings, notes)


def parse_column(
    s: pd.Series,
    kind: str,
    *,
    decimal: str = ".",
    thousands: str = "",
    date_format: str = "auto",
    timezone: str | None = None,
    id_rules: dict | None = None,
) -> Parsed:
    """Parse one raw column by its canonical kind (see :mod:`kamlib.schema`).

    Examples
    --------
    >>> import pandas as pd
    >>> parse_column(pd.Series(["1 234,56", "7"]), "number", decimal=",").values.tolist()
    [1234.56, 7.0]
    >>> parse_column(pd.Series(["01.02.2024"]), "date").values.dt.strftime("%Y-%m-%d").tolist()
    ['2024-02-01']
    >>> parse_column(pd.Series(["1.234"]), "number", decimal=",").findings[0].code
    'ambiguous-number'
    """
    s = s.reset_index(drop=True)
    if kind == "number":
        return parse_number(s, decimal=decimal, thousands=thousands)
    if kind == "integer":
        return parse_integer(s, decimal=decimal, thousands=thousands)
    if kind == "date":
        return parse_date(s, date_format=date_format, timezone=timezone)
    if kind == "bool":
        return parse_bool(s)
    if kind == "id":
        return parse_id(s, **(id_rules or {}))
    return parse_text(s)

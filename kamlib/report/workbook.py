"""A formatted Excel workbook of several tables: one sheet per table, made for people.

``kam export`` writes the portfolio analysis with :func:`write_workbook`. Each table becomes one
sheet with human column headers (the catalogue of :mod:`kamlib.words.columns`, money headers with
the currency), a number format per column kind (money ``#,##0.00``, percentages ``0.0%``,
changes with a sign, counts and whole numbers ``#,##0``, dates ``yyyy-mm-dd``; flags read
"yes"/"no" as in the reports), the header row frozen, an autofilter over the table and columns
wide enough for their contents.

Cells are formula-safe (docs/reliability.md section G, case 64): text is always written as a
string cell, exactly as it is, never as a formula, a hyperlink or a number; numbers are numbers,
missing values are empty cells. The file opens in Excel and LibreOffice without a repair
prompt (``tests/test_export.py`` converts it with LibreOffice headless and reads it back).

Examples
--------
>>> import tempfile, openpyxl
>>> path = Path(tempfile.mkdtemp()) / "book.xlsx"
>>> _ = write_workbook({"Key clients": pd.DataFrame({"client_id": ["=1+1"], "revenue_share": [0.5]})},
...                    path)
>>> sheet = openpyxl.load_workbook(path)["Key clients"]
>>> [c.value for c in sheet[1]], sheet["A2"].data_type, sheet["B2"].number_format
(['Client', 'Share of revenue'], 's', '0.0%')
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from kamlib.errors import ArgumentError
from kamlib.language import gettext as _
from kamlib.words.columns import column_kind, column_label

__all__ = ["write_workbook", "NUMBER_FORMATS", "sheet_name"]

#: Excel number format per column kind (:func:`kamlib.words.columns.column_kind`).
NUMBER_FORMATS = {
    "money": "#,##0.00",
    "percent": "0.0%",
    "change": "+0.0%;-0.0%;0.0%",
    "count": "#,##0",
    "integer": "#,##0",
    "number": "#,##0.00",
    "date": "yyyy-mm-dd",
}

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\']")
_MAX_WIDTH = 60


def sheet_name(title: str, taken: set[str] | None = None) -> str:
    """A valid, unique worksheet name: at most 31 characters, none of ``[]:*?/\\'``.

    Examples
    --------
    >>> sheet_name("Status & win-back: lost/at risk")
    'Status & win-back lost at risk'
    >>> sheet_name("Targets by stage (the targets table, then the plan)")
    'Targets by stage'
    >>> sheet_name("Key clients", {"key clients"})
    'Key clients 2'
    """
    name = re.sub(r"\s+", " ", _BAD_SHEET_CHARS.sub(" ", str(title))).strip()
    if len(name) > 31:  # a long caption: its words before a bracket, cut between words
        name = name.split(" (")[0] if 0 < name.find(" (") else name
        name = name if len(name) <= 31 else name[:32].rsplit(" ", 1)[0].rstrip(" ,;.&-")
    name = name[:31] or "Sheet"
    taken = taken if taken is not None else set()
    candidate, n = name, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{name[: 31 - len(str(n)) - 1]} {n}"
    return candidate


def _column_format(name: object, values: pd.Series) -> str | None:
    if pd.api.types.is_datetime64_any_dtype(values):
        return "date"
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return None
    kind = column_kind(name)
    if kind is not None:
        return kind
    return "integer" if pd.api.types.is_integer_dtype(values) else "number"


def _text_width(value: object) -> int:
    return len(str(value)) if value is not None else 0


def write_workbook(
    sheets: Mapping[str, pd.DataFrame],
    path: str | Path,
    *,
    currency: str | None = None,
    labels: bool = True,
) -> Path:
    """Write each table of `sheets` to its own formatted sheet of one XLSX workbook.

    Parameters
    ----------
    sheets : mapping of str to DataFrame
        Sheet title to table, in order. The index is written only when it is named (an id).
        Titles are made valid sheet names (:func:`sheet_name`).
    path : str or Path
        The ``.xlsx`` file to write (replaced when it exists).
    currency : str, optional
        Shown in money headers ("Revenue (EUR)").
    labels : bool, default True
        Human headers from the column catalogue; False keeps the column names.

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    ArgumentError
        When `path` does not end in ``.xlsx`` or `sheets` is empty.
    """
    import xlsxwriter

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ArgumentError(f"the workbook must be an .xlsx file, got {path.name!r}")
    if not sheets:
        raise ArgumentError("no tables to write")
    options = {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "nan_inf_to_errors": False,
    }
    book = xlsxwriter.Workbook(str(path), options)
    try:
        header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1})
        formats = {kind: book.add_format({"num_format": f}) for kind, f in NUMBER_FORMATS.items()}
        taken: set[str] = set()
        for title, frame in sheets.items():
            name = sheet_name(title, taken)
            taken.add(name.casefold())
            _write_sheet(book.add_worksheet(name), frame, header, formats, currency, labels)
    finally:
        book.close()
    return path


def _write_sheet(sheet, frame: pd.DataFrame, header, formats, currency, labels) -> None:
    data = frame.reset_index() if any(n is not None for n in frame.index.names) else frame
    columns = list(data.columns)
    heads = [column_label(c, currency) if labels else str(c) for c in columns]
    kinds = [_column_format(c, data[c]) for c in columns]
    widths = [max(10, min(_MAX_WIDTH, len(h) + 2)) for h in heads]
    for c, head in enumerate(heads):
        sheet.write_string(0, c, head, header)
    for r, row in enumerate(data.itertuples(index=False, name=None), start=1):
        for c, value in enumerate(row):
            _write_cell(sheet, r, c, value, formats.get(kinds[c]) if kinds[c] else None)
            if r <= 200:
                widths[c] = max(widths[c], min(_MAX_WIDTH, _text_width(value) + 2))
    for c, width in enumerate(widths):
        sheet.set_column(c, c, width)
    sheet.freeze_panes(1, 0)
    if columns:
        sheet.autofilter(0, 0, max(len(data), 1), len(columns) - 1)


def _write_cell(sheet, r: int, c: int, value: object, fmt) -> None:
    if value is None or value is pd.NA or value is pd.NaT:
        sheet.write_blank(r, c, None, fmt)
    elif isinstance(value, bool | np.bool_):  # as the reports say it; LibreOffice would
        sheet.write_string(r, c, _("yes") if value else _("no"))  # re-save a boolean as =TRUE()
    elif isinstance(value, int | np.integer):
        sheet.write_number(r, c, int(value), fmt)
    elif isinstance(value, float | np.floating):
        if math.isfinite(value):
            sheet.write_number(r, c, float(value), fmt)
        else:
            sheet.write_blank(r, c, None, fmt)
    elif isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        when = pd.Timestamp(value)
        if when.tzinfo is not None:
            when = when.tz_localize(None)
        sheet.write_datetime(r, c, when.to_pydatetime(), fmt)
    else:  # text, and anything else as its text: a string cell, never a formula
        sheet.write_string(r, c, str(value))

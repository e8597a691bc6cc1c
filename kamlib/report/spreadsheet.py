"""Exports that spreadsheets cannot turn into formulas: safe CSV/XLSX and the targets table.

A text cell such as ``=HYPERLINK("http://x","click")`` becomes a live formula when a CSV or
XLSX file is opened in a spreadsheet (docs/reliability.md section G, finding H9). Every export in
kamlib goes through this module:

- **XLSX**: text is always written as a string cell (``data_type == "s"``), never as a formula,
  with either engine (XlsxWriter with ``strings_to_formulas`` off, or openpyxl with the cell
  type set explicitly). Text values are kept exactly as they are.
- **CSV**: a text cell that a spreadsheet would evaluate is prefixed with an apostrophe ``'``
  (the OWASP recommendation): one that starts with ``=``, ``+``, ``-``, ``@``, ``|`` or ``%``
  (also after leading blanks, and their full-width forms), or with TAB, CR or LF (the gap in
  defusedcsv). Numbers are never prefixed (``-5`` stays ``-5``); quotes and separators inside a
  cell are quoted by the CSV writer, so ``x";=1+1`` stays one field. Lines end in CRLF
  (RFC 4180), which also makes the writer quote a cell holding a bare CR. Text columns only: an id
  that is text and starts with ``-`` is prefixed too (the price of safety).

Examples
--------
>>> safe_cell("=1+1"), safe_cell("Acme"), safe_cell(-5.0)
("'=1+1", 'Acme', -5.0)
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from kamlib.errors import ArgumentError, InputError, Problem
from kamlib.schema import columns_of

__all__ = ["safe_cell", "safe_frame", "safe_csv", "safe_xlsx", "export_targets", "FORMULA_PREFIXES"]

FORMULA_PREFIXES = "=+-@|%\uff1d\uff0b\uff0d\uff20"
"""First characters (after leading blanks) that make a spreadsheet evaluate a text cell."""

_CONTROL_PREFIXES = "\t\r\n"
_DANGER = "^[" + _CONTROL_PREFIXES + "]|^\\s*[" + re.escape(FORMULA_PREFIXES) + "]"
_DANGER_RE = re.compile(_DANGER)
_ENGINES = ("xlsxwriter", "openpyxl")


def safe_cell(value: object) -> object:
    """Neutralise one value for a CSV export: dangerous text gets a leading ``'``.

    Parameters
    ----------
    value : object
        Any cell value. Only ``str`` values are changed.

    Returns
    -------
    object
        ``"'" + value`` when `value` is text that starts with a formula character or with
        TAB/CR/LF; otherwise `value` unchanged.

    Examples
    --------
    >>> [safe_cell(v) for v in ["-1+1", "\\t=1", " =1", "plain", "a=b"]]
    ["'-1+1", "'\\t=1", "' =1", 'plain', 'a=b']
    >>> safe_cell(-5)
    -5
    """
    if not isinstance(value, str) or value == "":
        return value
    return "'" + value if _is_dangerous(value) else value


def _is_dangerous(text: str) -> bool:
    return _DANGER_RE.search(text) is not None


def _safe_series(values: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        return values
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    try:
        mask = values.str.contains(_DANGER, regex=True, na=False).astype(bool)
    except AttributeError:  # an object column without any text
        return values
    if not mask.any():
        return values
    return values.where(~mask, "'" + values.astype(str))


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every dangerous text cell and column label prefixed by ``'``.

    Numeric, boolean and datetime columns are returned unchanged; the input is not modified.

    Parameters
    ----------
    frame : DataFrame
        Any table.

    Returns
    -------
    DataFrame
        The neutralised copy, ready for a CSV writer.

    Examples
    --------
    >>> safe_frame(pd.DataFrame({"note": ["=1+1", "ok"], "n": [-5.0, 1.0]})).to_dict("list")
    {'note': ["'=1+1", 'ok'], 'n': [-5.0, 1.0]}
    """
    out = frame.copy()
    for column in out.columns:
        out[column] = _safe_series(out[column])
    out.columns = [safe_cell(c) for c in out.columns]
    return out


def safe_csv(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    index: bool = False,
    sep: str = ",",
    encoding: str = "utf-8",
) -> Path:
    """Write `frame` as CSV with formula-injection protection (docs/reliability.md cases 65-67).

    Parameters
    ----------
    frame : DataFrame
        The table to write; not modified.
    path : str or Path
        Output file.
    index : bool, default False
        Write the index as the first column(s) (neutralised like any other column).
    sep : str, default ","
        Field separator. Lines end in CRLF (RFC 4180), so a cell with a bare CR or LF is quoted.
    encoding : str, default "utf-8"
        Text encoding.

    Returns
    -------
    Path
        The written file.

    Examples
    --------
    >>> import tempfile
    >>> p = safe_csv(pd.DataFrame({"note": ['x";=1+1', "=1+1"], "n": [-5.0, 2.5]}),
    ...              Path(tempfile.mkdtemp()) / "a.csv")
    >>> print(p.read_text(), end="")
    note,n
    "x"";=1+1",-5.0
    '=1+1,2.5
    """
    path = Path(path)
    data = frame.reset_index() if index else frame
    safe_frame(data).to_csv(
        path,
        index=False,
        sep=sep,
        encoding=encoding,
        quoting=csv.QUOTE_MINIMAL,
        lineterminator="\r\n",
    )
    return path


def safe_xlsx(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    sheet_name: str = "Sheet1",
    engine: str = "xlsxwriter",
    index: bool = False,
) -> Path:
    """Write `frame` as XLSX where every text cell is a string cell, never a formula (case 64).

    Parameters
    ----------
    frame : DataFrame
        The table to write; not modified. Text is written exactly, without a ``'`` prefix.
    path : str or Path
        Output file.
    sheet_name : str, default "Sheet1"
        Name of the worksheet.
    engine : {"xlsxwriter", "openpyxl"}, default "xlsxwriter"
        Writer library; both store text as strings.
    index : bool, default False
        Write the index as the first column(s).

    Returns
    -------
    Path
        The written file.

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> p = safe_xlsx(pd.DataFrame({"note": ["=1+1"]}), Path(tempfile.mkdtemp()) / "a.xlsx")
    >>> openpyxl.load_workbook(p).active["A2"].data_type
    's'
    """
    if engine not in _ENGINES:
        raise ArgumentError(f"`engine` must be one of {_ENGINES}, got {engine!r}")
    path = Path(path)
    data = frame.reset_index() if index else frame
    if engine == "xlsxwriter":
        options = {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        }
        with pd.ExcelWriter(
            path, engine="xlsxwriter", engine_kwargs={"options": options}
        ) as writer:
            data.to_excel(writer, sheet_name=sheet_name, index=False)
    else:
        _write_openpyxl(data, path, sheet_name)
    return path


def _write_openpyxl(data: pd.DataFrame, path: Path, sheet_name: str) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_name
    columns = [str(c) for c in data.columns]
    values = data.astype(object).where(data.notna(), None)
    rows = [columns, *values.itertuples(index=False, name=None)]
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            cell.value = value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    book.save(path)


def export_targets(targets: pd.DataFrame, path: str | Path, *, engine: str = "xlsxwriter") -> Path:
    """Write a targets table that loads back as the canonical ``targets`` table.

    The format follows the suffix of `path`: ``.csv`` (via :func:`safe_csv`) or ``.xlsx``
    (via :func:`safe_xlsx`, sheet ``targets``). Exactly the canonical columns of ``targets``
    are written, in canonical order (absent optional ones as blank columns; any other column,
    such as growth assumptions, is left out). ``year`` is written as a whole number.

    Parameters
    ----------
    targets : DataFrame
        Plan lines with at least ``account_id``, ``year`` and ``revenue_target``.
    path : str or Path
        Output file ending in ``.csv`` or ``.xlsx``.
    engine : {"xlsxwriter", "openpyxl"}, default "xlsxwriter"
        XLSX writer (ignored for CSV).

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    InputError
        A required column is missing from `targets`.
    ArgumentError
        The suffix of `path` is neither ``.csv`` nor ``.xlsx``.

    Examples
    --------
    >>> import tempfile
    >>> t = pd.DataFrame({"account_id": ["C01"], "year": [2026], "revenue_target": [1200.0],
    ...                   "category": ["Pumps"]})
    >>> p = export_targets(t, Path(tempfile.mkdtemp()) / "targets.csv")
    >>> print(p.read_text(), end="")
    account_id,year,revenue_target,product_id,category,region,period
    C01,2026,1200.0,,Pumps,,
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ArgumentError(f"`path` must end in .csv or .xlsx, got {path.name!r}")
    spec = columns_of("targets")
    missing = [c for c, col in spec.items() if col.required and c not in targets.columns]
    if missing:
        raise InputError(
            [
                Problem("targets", None, c, "missing-column", f"`targets` has no column {c!r}")
                for c in missing
            ]
        )
    out = pd.DataFrame(
        {
            c: targets[c].astype(col.dtype)
            if c in targets.columns
            else pd.Series(pd.NA, index=targets.index, dtype=col.dtype)
            for c, col in spec.items()
        }
    )
    if suffix == ".csv":
        return safe_csv(out, path)
    return safe_xlsx(out, path, sheet_name="targets", engine=engine)

"""Exports that spreadsheets cannot turn into formulas: safe CSV/XLSX and the targets table.

A text cell such as ``=HYPERLINK("http://x","click")`` becomes a live formula when a CSV or
XLSX file is opened in a spreadsheet (docs/reliability.md section G, finding H9). Every export in
kamlib goes through this module:

- **XLSX**: text is always written as a string cell (``data_type == "s"``), never as a formula,
  with either engine (XlsxWriter with ``strings_to_formulas`` off, or openpyxl with the cell
  type set explicitly). Text values are kept exactly as they are.
- **CSV**: a text cell that a spreadsheet would evaluate is prefixed with an apostrophe ``'``
  (:func:`safe_csv`, :func:`safe_frame` and :func:`safe_cell` live in :mod:`kamlib.cells`, below
  the loader, which writes ``problems.csv`` with them; they are re-exported here).

Examples
--------
>>> safe_cell("=1+1"), safe_cell("Acme"), safe_cell(-5.0)
("'=1+1", 'Acme', -5.0)
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kamlib.cells import FORMULA_PREFIXES, safe_cell, safe_csv, safe_frame
from kamlib.errors import ArgumentError, InputError, Problem
from kamlib.schema import columns_of

__all__ = ["safe_cell", "safe_frame", "safe_csv", "safe_xlsx", "export_targets", "FORMULA_PREFIXES"]

_ENGINES = ("xlsxwriter", "openpyxl")


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
        Writer library; both store text as strings. With openpyxl, control characters that
        an XLSX file cannot hold (NUL and the other C0 controls but TAB, CR, LF) become U+FFFD.
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
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_name
    columns = [str(c) for c in data.columns]
    values = data.astype(object).where(data.notna(), None)
    rows = [columns, *values.itertuples(index=False, name=None)]
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, str):
                # control characters XML cannot hold (NUL ...) become U+FFFD, never a crash
                value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
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

"""Cell values that a spreadsheet cannot turn into formulas: safe cells, frames and CSV files.

A text cell such as ``=HYPERLINK("http://x","click")`` becomes a live formula when a CSV file
is opened in a spreadsheet (docs/reliability.md section G, finding H9). Every CSV that kamlib
writes, the loader's ``problems.csv`` included, goes through :func:`safe_csv`; the XLSX side is
:mod:`kamlib.report.spreadsheet`. This module sits below both (it needs only pandas), so the
loader does not import the report layer.

A text cell that a spreadsheet would evaluate is prefixed with an apostrophe ``'`` (the OWASP
recommendation): one that starts with ``=``, ``+``, ``-``, ``@``, ``|`` or ``%`` (also after
leading blanks, and their full-width forms), or with TAB, CR or LF (the gap in defusedcsv).
Numbers are never prefixed (``-5`` stays ``-5``); quotes and separators inside a cell are quoted
by the CSV writer, so ``x";=1+1`` stays one field. Lines end in CRLF (RFC 4180), which also makes
the writer quote a cell holding a bare CR. Text columns only: an id that is text and starts with
``-`` is prefixed too (the price of safety).

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

__all__ = ["safe_cell", "safe_frame", "safe_csv", "FORMULA_PREFIXES"]

FORMULA_PREFIXES = "=+-@|%\uff1d\uff0b\uff0d\uff20"
"""First characters (after leading blanks) that make a spreadsheet evaluate a text cell."""

_CONTROL_PREFIXES = "\t\r\n"
_DANGER = "^[" + _CONTROL_PREFIXES + "]|^\\s*[" + re.escape(FORMULA_PREFIXES) + "]"
_DANGER_RE = re.compile(_DANGER)


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

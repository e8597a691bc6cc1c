"""The workspace configuration file, ``kam.toml``: how each export is read and mapped.

A workspace is a folder with tables and, optionally, a ``kam.toml``. Without the file, tables
are found by name (``transactions.csv``, ``accounts.xlsx``, ``scores.parquet`` ...) and read
with the defaults below. A full example::

    lang = "fr"                  # the reports' language: "en" (default), "fr", "ru" or "af";
                                 # a top-level key, before any [section]; kam render --lang wins

    [workspace]
    mode = "strict"              # or "lenient": quarantine bad rows and go on
    timezone = "Europe/Berlin"   # business time zone for time-zone-aware timestamps
    as_of = "2025-12-31"         # analysis date; default: the last transaction date
    duplicates = "keep"          # exact duplicate transaction lines: "keep" (warn) or "drop"
    future_dates = "warn"        # lines dated after as_of: "warn" or "quarantine"
    currency = "EUR"             # in the reports' money headers ("Revenue (EUR)"); default none
    date_min = "1990-01-01"      # earliest plausible date on the time axis (the default)
    date_max = "2026-12-31"      # latest plausible date; default: as_of (or today) + 1 year

    [defaults]                   # read settings shared by every table
    encoding = "utf-8"           # any Python codec, or "auto" (BOM sniffing: UTF-8/16/32)
    delimiter = ","              # one character; "auto" sniffs , ; TAB |; "whitespace": runs of
                                 # spaces and tabs (values with spaces in double quotes)
    decimal = "."
    thousands = ""               # "", ".", ",", "'" (spaces between digits are always allowed)
    date_format = "auto"         # "auto" (ISO, dd.mm.yyyy, Excel serials) or a strftime format

    [tables.transactions]
    file = "Orders Export.csv"   # or files = ["2023.csv", "2024.csv"] or a glob "sales_*.csv"
    delimiter = ";"
    decimal = ","
    date_format = "%d.%m.%Y"
    ids = { strip = true, upper = true, zero_pad = 0 }

    [tables.transactions.columns]  # canonical name = the file's name (an inline table must
    account_id = "Customer ID"     # stay on one line in TOML 1.0)
    date = "Order Date"
    revenue = "Sales"
    gross_profit = "Profit"

    [tables.accounts]
    file = "clients.xlsx"
    sheet = "Clients"
    header_row = 2               # 1-based row of the header in the sheet
    fill_merged = ["region"]     # merged cells in these columns are forward-filled

    [parameters]                 # workspace defaults for the notebooks' parameters (kam render)
    months = 12                  # checked and typed by kamlib.run.parameters; -p NAME VALUE wins

A text file without a header line names its columns with ``names``; a fixed-width file declares
the width of each field in characters with ``widths`` (then ``delimiter`` is not used)::

    [tables.transactions]
    file = "CDNOW_master.txt"          # 00001 19970101 1 11.77
    delimiter = "whitespace"
    names = ["customer", "day", "cds", "amount"]
    date_format = "%Y%m%d"
    columns = { account_id = "customer", date = "day", quantity = "cds", revenue = "amount" }

    [tables.products]
    file = "items.dat"
    widths = [6, 30, 10]               # characters 1-6, 7-36, 37-46
    names = ["sku", "title", "price"]

An invoice-line export without a line total gets its revenue derived from ``quantity`` x
``unit_price``, less ``discount`` when that column is mapped too; the table's ``discount`` key
says what the discount column holds: ``"rate"`` (0.1 = 10 %, the default), ``"percent"``
(10 = 10 %) or ``"amount"`` (money off the line)::

    [tables.transactions]
    file = "Online Retail.csv"
    discount = "rate"

    [tables.transactions.columns]
    account_id = "CustomerID"
    date = "InvoiceDate"
    quantity = "Quantity"
    unit_price = "UnitPrice"
    discount = "Discount"

Header names are matched to the mapping ignoring letter case and spaces (``" COST "`` is
``cost``); an exact match wins, and two headers that both match one name are an error.

Analysis thresholds (ABC/XYZ cut-offs, the at-risk factor ...) are keyword arguments of the kamlib
functions and parameters of the notebooks; ``[parameters]`` sets the notebooks' defaults for a
workspace (``Config.parameters``, read as it is here and checked by ``kam render``).

The whole file is validated against one declared schema (:class:`KamToml`, pydantic models) before
any table is read: an unknown section or key, a value of the wrong type or outside its allowed set
stops with :class:`kamlib.ConfigError` (exit 78) naming the key, the value and what is allowed,
every bad value at once. ``[parameters]`` values must be text, numbers, true/false or dates, under
Python names. Tables are found by name only when they are regular files inside the workspace: a
folder or a FIFO under a table's name, a broken link, or a link that leads out of the workspace is
an error; files outside the workspace are never read, even when named here.
"""

from __future__ import annotations

import codecs
import datetime as dt
import keyword
import math
import re
import stat
import tomllib
import zoneinfo
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    create_model,
    model_validator,
)

from kamlib.errors import ConfigError
from kamlib.language import LANGUAGES
from kamlib.load.remote import is_url, mirror, named
from kamlib.schema import TABLES

__all__ = [
    "ReadSpec",
    "TableConfig",
    "Config",
    "KamToml",
    "read_config",
    "CONFIG_FILE",
    "DATE_MIN",
    "DELIMITER_WORDS",
]

CONFIG_FILE = "kam.toml"
SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".parquet")
DATE_MIN = "1990-01-01"
"""Default earliest plausible date on the analysis time axis (``[workspace] date_min``)."""


@dataclass(frozen=True)
class ReadSpec:
    """How the bytes of one file become cells."""

    encoding: str = "utf-8"
    delimiter: str = ","
    decimal: str = "."
    thousands: str = ""
    date_format: str = "auto"
    sheet: str | None = None
    header_row: int = 1
    fill_merged: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # text files without a header line: the column names
    widths: tuple[int, ...] = ()  # fixed-width text files: characters per field, in order


@dataclass(frozen=True)
class TableConfig:
    """One canonical table: its files, read settings, column mapping and ID rules."""

    name: str
    files: tuple[Path, ...]
    read: ReadSpec = ReadSpec()
    columns: dict[str, str] = field(default_factory=dict)  # canonical -> name in the file
    ids: dict[str, object] = field(default_factory=dict)
    discount: str = "rate"  # what a discount column holds: "rate", "percent" or "amount"

    def foreign(self, canonical: str) -> str:
        """The file's name for a canonical column."""
        return self.columns.get(canonical, canonical)


@dataclass(frozen=True)
class Config:
    """The parsed ``kam.toml`` of a workspace.

    ``date_min`` and ``date_max`` bound the plausible dates on the analysis time axis (ISO
    dates; ``date_max`` None means the analysis date, or today, plus one year). ``parameters``
    holds the ``[parameters]`` table (name -> text, number, true/false or date): the notebooks'
    defaults for this workspace, typed and checked against the notebooks by ``kam render``.
    """

    root: Path
    tables: dict[str, TableConfig]
    mode: str = "strict"
    timezone: str | None = None
    as_of: str | None = None
    duplicates: str = "keep"
    future_dates: str = "warn"
    currency: str | None = None
    date_min: str = DATE_MIN
    date_max: str | None = None
    parameters: dict[str, str | int | float | bool | dt.date] = field(default_factory=dict)
    lang: str = "en"


# ----------------------------------------------------------------------------- the schema

# Codecs that Python knows but that are not encodings of a text file.
_NOT_FILE_CODECS = {"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined"}
# strftime directives that pandas can parse back; anything else is refused.
_DIRECTIVES = "YymdbBHIMSfpjzaAUWw%"
#: delimiter values that are not a single character
DELIMITER_WORDS = ("auto", "whitespace")
_DELIMITERS_SPECIAL = DELIMITER_WORDS


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be text in quotes ({what})")
    return value


def _encoding(value: Any) -> str:
    value = _text(value, 'e.g. "utf-8"')
    if value.strip().lower() == "auto":
        return "auto"
    try:
        info = codecs.lookup(value)
    except LookupError:
        raise ValueError(
            'unknown encoding; allowed: "auto" or a text encoding such as "utf-8", "cp1251", '
            '"latin-1", "utf-16"'
        ) from None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_FILE_CODECS:
        raise ValueError(
            f'{info.name} is not an encoding of text files; allowed: "auto" or a text '
            'encoding such as "utf-8", "cp1251", "latin-1", "utf-16"'
        )
    return value


def _delimiter(value: Any) -> str:
    value = _text(value, 'e.g. ";"')
    if value in _DELIMITERS_SPECIAL:
        return value
    if len(value) != 1 or value in '"\r\n' or value.isalnum():
        raise ValueError(
            "allowed: one character that is not a letter, digit, quote or line break "
            '(e.g. ",", ";", "\\t", "|"), "auto" (sniff , ; TAB |) or "whitespace"'
        )
    return value


def _date_format(value: Any) -> str:
    value = _text(value, 'e.g. "%d.%m.%Y"')
    if value == "auto":
        return value
    allowed = " ".join("%" + d for d in _DIRECTIVES)
    for m in re.finditer(r"%(.?)", value):
        if m.group(1) == "" or m.group(1) not in _DIRECTIVES:
            raise ValueError(
                f'{"%" + m.group(1)!r} is not a date directive; allowed: "auto" or a format '
                f"made of {allowed} and other characters"
            )
    if not re.search(r"%[Yy]", value):
        raise ValueError('a date format needs a year (%Y or %y); or use "auto"')
    import pandas as pd

    sample = dt.datetime(2024, 2, 3, 4, 5, 6)
    try:
        pd.to_datetime(pd.Series([sample.strftime(value)]), format=value)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not a format dates can be read with: {exc}") from None
    return value


def _iso_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, (dt.date, str)):
        raise ValueError('must be a date such as 2025-12-31 or "2025-12-31"')
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError('must be a date such as "2025-12-31" (ISO 8601)') from None
    return value


def _timezone(value: Any) -> str:
    value = _text(value, 'e.g. "Europe/Berlin"')
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            'unknown time zone; allowed: an IANA name such as "Europe/Berlin", "UTC", '
            '"America/New_York"'
        ) from None
    return value


def _currency(value: Any) -> str:
    value = _text(value, 'e.g. "EUR"')
    if not (0 < len(value.strip()) <= 8 and "\n" not in value):
        raise ValueError('must be a short text such as "EUR" (1 to 8 characters)')
    return value.strip()


def _pattern(value: Any) -> str:
    value = _text(value, 'a file name such as "orders.csv"')
    windows = PureWindowsPath(value)
    if (
        not value.strip()
        or "\x00" in value
        or PurePosixPath(value).is_absolute()
        or windows.drive
        or windows.root
        or ".." in PurePosixPath(value.replace("\\", "/")).parts
    ):
        raise ValueError(
            "allowed: a file name or glob relative to the workspace folder (no absolute path, "
            "no '..'); files outside the workspace are not read"
        )
    return value


def _patterns(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (_pattern(value),)
    if not isinstance(value, list) or not value:
        raise ValueError('must be a file name or a list of them, e.g. ["2023.csv", "2024.csv"]')
    return tuple(_pattern(v) for v in value)


def _column_name(value: Any) -> str:
    value = _text(value, "the column's name in the file")
    if not value.strip():
        raise ValueError("must be the column's name in the file, not empty")
    return value


def _parameter(value: Any) -> str | int | float | bool | dt.date:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("must be a finite number")
    if not isinstance(value, (str, int, float, bool, dt.date)):
        raise ValueError("allowed: text, a whole or decimal number, true/false or a date")
    return value


def _names(value: Any) -> tuple[str, ...]:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and v.strip() for v in value)
    ):
        raise ValueError('must be a non-empty list of column names, e.g. ["customer", "day"]')
    if len(set(value)) != len(value):
        raise ValueError("names has a name twice")
    return tuple(value)


def _widths(value: Any) -> tuple[int, ...]:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value)
    ):
        raise ValueError("must be a non-empty list of whole numbers >= 1 (characters per field)")
    return tuple(value)


def _parameter_name(value: Any) -> str:
    value = _text(value, "a Python name")
    if not value.isidentifier() or keyword.iskeyword(value) or value.startswith("_"):
        raise ValueError("a parameter name must be a Python name (letters, digits, _)")
    return value


_Encoding = Annotated[Any, AfterValidator(_encoding)]
_Delimiter = Annotated[Any, AfterValidator(_delimiter)]
_DateFormat = Annotated[Any, AfterValidator(_date_format)]
_Date = Annotated[Any, AfterValidator(_iso_date)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class WorkspaceSection(_Section):
    """``[workspace]``: mode, analysis date, business time zone, rules and plausible dates."""

    mode: Literal["strict", "lenient"] = "strict"
    timezone: Annotated[Any, AfterValidator(_timezone)] = None
    as_of: _Date = None
    duplicates: Literal["keep", "drop"] = "keep"
    future_dates: Literal["warn", "quarantine"] = "warn"
    currency: Annotated[Any, AfterValidator(_currency)] = None
    date_min: _Date = None
    date_max: _Date = None


class ReadSection(_Section):
    """Read settings (``[defaults]`` and each ``[tables.X]``); unset keys inherit."""

    encoding: _Encoding = None
    delimiter: _Delimiter = None
    decimal: Literal[".", ","] = "."
    thousands: Literal["", ".", ",", "'", " "] = ""
    date_format: _DateFormat = None
    sheet: Annotated[StrictStr, Field(min_length=1)] = None
    header_row: Annotated[StrictInt, Field(ge=1, le=1_048_576)] = 1
    fill_merged: list[Annotated[Any, AfterValidator(_column_name)]] = []
    names: Annotated[Any, AfterValidator(_names)] = None
    widths: Annotated[Any, AfterValidator(_widths)] = None


class IdRules(_Section):
    """``ids = { strip = true, upper = false, zero_pad = 0 }``."""

    strip: StrictBool = True
    upper: StrictBool = False
    zero_pad: Annotated[StrictInt, Field(ge=0, le=64)] = 0


class TableSection(ReadSection):
    """``[tables.X]``: the files, read settings, column mapping and ID rules of one table."""

    file: Annotated[Any, AfterValidator(_pattern)] = None
    files: Annotated[Any, AfterValidator(_patterns)] = None
    ids: IdRules = IdRules()
    discount: Literal["rate", "percent", "amount"] = "rate"

    @model_validator(mode="after")
    def _one_of_file_files(self):
        if self.file is not None and self.files is not None:
            raise ValueError("give either file or files, not both")
        return self


def _table_section(name: str) -> type[TableSection]:
    canonical = Literal[tuple(TABLES[name])]  # type: ignore[valid-type]
    return create_model(
        f"Table_{name}",
        __base__=TableSection,
        __doc__=f"[tables.{name}]",
        columns=(dict[canonical, Annotated[Any, AfterValidator(_column_name)]], {}),
    )


TablesSection = create_model(
    "TablesSection",
    __base__=_Section,
    **{name: (_table_section(name) | None, None) for name in TABLES},
)


class KamToml(_Section):
    """The declared schema of ``kam.toml``: every section, key, type and allowed value."""

    lang: Literal[tuple(LANGUAGES)] = "en"  # type: ignore[valid-type]
    workspace: WorkspaceSection = WorkspaceSection()
    defaults: ReadSection = ReadSection()
    tables: TablesSection = TablesSection()  # type: ignore[valid-type]
    parameters: dict[
        Annotated[Any, AfterValidator(_parameter_name)], Annotated[Any, AfterValidator(_parameter)]
    ] = {}

    @model_validator(mode="after")
    def _consistent(self):
        ws = self.workspace
        if ws.date_min and ws.date_max and ws.date_min >= ws.date_max:
            raise ValueError(
                f"[workspace] date_min = {ws.date_min} is not before date_max = {ws.date_max}"
            )
        for name in TABLES:
            t = getattr(self.tables, name)
            spec = _merged(self.defaults, t)
            where = f"[tables.{name}]" if t is not None else "[defaults]"
            if spec.widths and spec.names and len(spec.widths) != len(spec.names):
                raise ValueError(
                    f"{where} widths has {len(spec.widths)} fields but names has {len(spec.names)}"
                )
            if spec.thousands and spec.thousands == spec.decimal:
                raise ValueError(
                    f"{where} thousands = {spec.thousands!r} equals decimal = {spec.decimal!r}: "
                    f"one mark cannot both group digits and separate decimals"
                )
        return self


def _merged(defaults: ReadSection, table: ReadSection | None) -> ReadSpec:
    spec = replace(ReadSpec(), **_given(defaults))
    return replace(spec, **_given(table)) if table is not None else spec


def _given(section: ReadSection | None) -> dict:
    if section is None:
        return {}
    keys = section.model_fields_set & set(ReadSection.model_fields)
    out = {k: getattr(section, k) for k in keys}
    if "fill_merged" in out:
        out["fill_merged"] = tuple(out["fill_merged"])
    return {k: v for k, v in out.items() if v is not None}


_TYPE_TEXT = {
    "model_type": "must be a table: a [section] or { key = value, ... }",
    "dict_type": "must be a table: { key = value, ... }",
    "model_attributes_type": "must be a table: a [section] or { key = value, ... }",
    "string_type": "must be text in quotes",
    "int_type": "must be a whole number",
    "bool_type": "must be true or false",
    "list_type": "must be a list [ ... ]",
}


def _allowed_keys(parent: tuple) -> list[str]:
    """The keys allowed in the section at `parent` (a pydantic location without the key)."""
    if not parent:
        return list(KamToml.model_fields)
    if parent[0] == "workspace":
        return list(WorkspaceSection.model_fields)
    if parent[0] == "defaults":
        return list(ReadSection.model_fields)
    if parent[0] == "tables" and len(parent) == 1:
        return list(TABLES)
    if parent[0] == "tables" and len(parent) >= 3 and parent[2] == "ids":
        return list(IdRules.model_fields)
    if parent[0] == "tables":
        return [*TableSection.model_fields, "columns"]
    return []


def _where(loc: tuple) -> tuple[str, str]:
    """``([section], key)`` of a pydantic error location."""
    parts = [str(p) for p in loc if p != "[key]"]
    if not parts:
        return "", ""
    if parts[0] == "tables" and len(parts) >= 2:
        return f"[tables.{parts[1]}]", ".".join(parts[2:])
    return f"[{parts[0]}]", ".".join(parts[1:])


def _message(err: dict) -> str:
    loc, kind = tuple(err["loc"]), err["type"]
    section, key = _where(loc)
    value = err.get("input")
    shown = repr(value) if not isinstance(value, dict) else "{...}"
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    if kind == "extra_forbidden":
        known = ", ".join(_allowed_keys(loc[:-1]))
        if len(loc) == 1:
            return f"unknown section [{loc[0]}]; allowed: {known}"
        if loc[:1] == ("tables",) and len(loc) == 2:
            return f"unknown table [tables.{loc[1]}]; allowed: {known}"
        section, _ = _where(loc[:-1])
        return f"{section} unknown key {str(loc[-1])!r}; allowed: {known}"
    if "[key]" in loc:
        if loc[0] == "parameters":
            return f"[parameters] name {shown}: {err['msg'].removeprefix('Value error, ')}"
        canonical = ", ".join(TABLES.get(str(loc[1]), {}))
        return (
            f"{section} columns maps {shown}, an unknown canonical column of "
            f"{loc[1]}; allowed: {canonical} (data/README.md)"
        )
    if kind == "literal_error":
        text = f"allowed: {err['ctx']['expected']}"
        if loc == ("lang",):
            return f"lang = {shown}: the reports' language; allowed: {err['ctx']['expected']}"
    elif kind in _TYPE_TEXT:
        text = _TYPE_TEXT[kind]
    else:
        text = err["msg"].removeprefix("Value error, ")
    if not loc:
        return text
    if not key:
        return f"{section}: {text}" if isinstance(value, dict) else f"{section} = {shown}: {text}"
    return f"{section} {key} = {shown}: {text}"


def _validate(raw: dict, path: Path) -> KamToml:
    try:
        return KamToml.model_validate(raw)
    except ValidationError as exc:
        lines = [_message(e) for e in exc.errors(include_url=False)]
        head = f"{path}: {len(lines)} bad value(s):" if len(lines) > 1 else f"{path}:"
        sep = " " if len(lines) == 1 else "\n  "
        raise ConfigError(sep.join([head, *lines])) from None


# ----------------------------------------------------------------------------- the files


def _bad(msg: str, path: Path) -> ConfigError:
    return ConfigError(f"{path}: {msg}")


def _kind(path: Path) -> str:
    try:
        mode = path.stat().st_mode
    except OSError:
        return "a broken link" if path.is_symlink() else "missing"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    return "not a regular file"


def _inside(root: Path, path: Path) -> bool:
    real = root.resolve()
    return real == path.resolve() or real in path.resolve().parents


def _check_file(root: Path, path: Path, what: str) -> None:
    kind = _kind(path)
    if kind != "file":
        raise ConfigError(f"{path}: {what} is {kind}, not a regular file; remove or rename it")
    if not _inside(root, path):
        raise ConfigError(
            f"{path}: {what} is a link to {path.resolve()}, outside the workspace {root}; "
            f"files outside the workspace are not read: copy the file into the workspace"
        )


def _discover(root: Path, name: str) -> tuple[Path, ...]:
    present = [
        root / f"{name}{s}"
        for s in SUFFIXES
        if (root / f"{name}{s}").is_symlink() or (root / f"{name}{s}").exists()
    ]
    for p in present:
        _check_file(root, p, f"the {name} table found by name")
    if len(present) > 1:
        raise ConfigError(
            f"{root}: several files could be the {name!r} table ({', '.join(p.name for p in present)}); "
            f"name one in kam.toml under [tables.{name}] file = ..."
        )
    return tuple(present)


def _files(root: Path, patterns: tuple[str, ...] | None, name: str, path: Path) -> tuple[Path, ...]:
    if patterns is None:
        return _discover(root, name)
    out: list[Path] = []
    for pat in patterns:
        globbed = any(ch in pat for ch in "*?[")
        matches = sorted(root.glob(pat)) if globbed else [root / pat]
        if not matches or (not globbed and _kind(matches[0]) == "missing"):
            raise _bad(f"[tables.{name}] file {pat!r} not found in {root}", path)
        for m in matches:
            if not _inside(root, m):
                raise _bad(
                    f"[tables.{name}] file {pat!r} lies outside the workspace ({m.resolve()}); "
                    f"files outside the workspace are not read",
                    path,
                )
            kind = _kind(m)
            if kind != "file":
                raise _bad(f"[tables.{name}] file {m.name!r} is {kind}, not a regular file", path)
        out.extend(matches)
    return tuple(out)


def read_config(root: str | Path) -> Config:
    """Read and validate ``kam.toml`` of the workspace at `root` (or defaults when there is none).

    `root` is a folder, or an fsspec URL such as ``"s3://bucket/exports"``, whose files are
    copied to a private local folder first (:func:`kamlib.load.remote.mirror`); then
    ``Config.root`` is that folder.

    Raises
    ------
    ConfigError
        Unreadable TOML; any key, type or value the schema (:class:`KamToml`) does not allow,
        all of them named with their value and what is allowed; a ``kam.toml`` or a table name
        that is not a regular file; a table file outside the workspace; or a workspace without
        a transactions table.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "transactions.csv").write_text("account_id,date,revenue\\n")
    >>> cfg = read_config(d)
    >>> cfg.mode, [p.name for p in cfg.tables["transactions"].files]
    ('strict', ['transactions.csv'])
    >>> _ = (d / "kam.toml").write_text('[defaults]\\ndelimiter = "ab"\\n')
    >>> read_config(d)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kamlib.errors.ConfigError: ...kam.toml: [defaults] delimiter = 'ab': allowed: one character ...
    """
    if is_url(root):  # s3://bucket/exports: a local copy of its files (kamlib/load/remote.py)
        folder = mirror(root)
        with named(root.strip().rstrip("/"), folder):
            return read_config(folder)
    root = Path(root)
    path = root / CONFIG_FILE
    if not root.is_dir():
        raise ConfigError(f"workspace {root} is not a folder")
    raw: dict = {}
    kind = _kind(path)
    if kind not in ("file", "missing"):
        raise _bad(f"{CONFIG_FILE} is {kind}, not a regular file; remove or rename it", path)
    if kind == "file":
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise _bad(f"not valid TOML: {exc}", path) from None
        except OSError as exc:
            raise _bad(f"cannot be read: {exc.strerror}", path) from None
    model = _validate(raw, path)
    ws = model.workspace
    tables: dict[str, TableConfig] = {}
    for name in TABLES:
        t = getattr(model.tables, name)
        patterns = None
        if t is not None and t.file is not None:
            patterns = (t.file,)
        elif t is not None and t.files is not None:
            patterns = t.files
        files = _files(root, patterns, name, path)
        if not files:
            continue
        spec = _merged(model.defaults, t)
        given = set(_given(model.defaults)) | set(_given(t))
        if "delimiter" not in given and all(f.suffix.lower() == ".tsv" for f in files):
            spec = replace(spec, delimiter="\t")
        columns = dict(t.columns) if t is not None else {}
        ids = t.ids.model_dump(exclude_unset=True) if t is not None else {}
        discount = t.discount if t is not None else "rate"
        tables[name] = TableConfig(name, files, spec, columns, ids, discount)
    if "transactions" not in tables:
        raise ConfigError(
            f"workspace {root} has no transactions table: add transactions.csv (or .xlsx, .parquet) "
            f"or name the file in {CONFIG_FILE} under [tables.transactions]"
        )
    return Config(
        root=root,
        tables=tables,
        mode=ws.mode,
        timezone=ws.timezone,
        as_of=ws.as_of.isoformat() if ws.as_of else None,
        duplicates=ws.duplicates,
        future_dates=ws.future_dates,
        currency=ws.currency,
        date_min=(ws.date_min or dt.date.fromisoformat(DATE_MIN)).isoformat(),
        date_max=ws.date_max.isoformat() if ws.date_max else None,
        parameters=dict(model.parameters),
        lang=model.lang,
    )

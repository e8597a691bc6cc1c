"""The workspace configuration file, ``kam.toml``: how each export is read and mapped.

A workspace is a folder with tables and, optionally, a ``kam.toml``. Without the file, tables
are found by name (``transactions.csv``, ``accounts.xlsx``, ``scores.parquet`` ...) and read
with the defaults below. A full example::

    [workspace]
    mode = "strict"              # or "lenient": quarantine bad rows and go on
    timezone = "Europe/Berlin"   # business time zone for time-zone-aware timestamps
    as_of = "2025-12-31"         # analysis date; default: the last transaction date
    duplicates = "keep"          # exact duplicate transaction lines: "keep" (warn) or "drop"
    future_dates = "warn"        # lines dated after as_of: "warn" or "quarantine"
    currency = "EUR"             # in the reports' money headers ("Revenue (EUR)"); default none

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
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from kamlib.errors import ConfigError
from kamlib.schema import TABLES

__all__ = ["ReadSpec", "TableConfig", "Config", "read_config", "CONFIG_FILE"]

CONFIG_FILE = "kam.toml"
SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".parquet")
_MODES = ("strict", "lenient")


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
    """The parsed ``kam.toml`` of a workspace."""

    root: Path
    tables: dict[str, TableConfig]
    mode: str = "strict"
    timezone: str | None = None
    as_of: str | None = None
    duplicates: str = "keep"
    future_dates: str = "warn"
    currency: str | None = None
    parameters: dict = field(default_factory=dict)


_READ_KEYS = {f.name for f in fields(ReadSpec)}
_TABLE_KEYS = _READ_KEYS | {"file", "files", "columns", "ids", "discount"}
_DISCOUNTS = ("rate", "percent", "amount")
#: delimiter values that are not a single character
DELIMITER_WORDS = ("auto", "whitespace")
_ID_KEYS = {"strip", "upper", "zero_pad"}
_WS_KEYS = {"mode", "timezone", "as_of", "duplicates", "future_dates", "currency"}


def _bad(msg: str, path: Path) -> ConfigError:
    return ConfigError(f"{path}: {msg}")


def _read_spec(base: ReadSpec, raw: dict, where: str, path: Path) -> ReadSpec:
    unknown = set(raw) - _READ_KEYS
    if unknown:
        raise _bad(
            f"[{where}] has unknown key(s) {sorted(unknown)}; known: {sorted(_READ_KEYS)}", path
        )
    values = dict(raw)
    if "fill_merged" in values:
        values["fill_merged"] = tuple(values["fill_merged"])
    if "header_row" in values and (
        not isinstance(values["header_row"], int) or values["header_row"] < 1
    ):
        raise _bad(f"[{where}] header_row must be a whole number >= 1", path)
    if values.get("thousands", "") not in ("", ".", ",", "'", " "):
        raise _bad(f"[{where}] thousands must be one of '', '.', ',', \"'\", ' '", path)
    if values.get("decimal", ".") not in (".", ","):
        raise _bad(f"[{where}] decimal must be '.' or ','", path)
    delimiter = values.get("delimiter", ",")
    if not isinstance(delimiter, str) or (len(delimiter) != 1 and delimiter not in DELIMITER_WORDS):
        raise _bad(
            f"[{where}] delimiter = {delimiter!r} is not usable: give one character "
            f'(",", ";", "\\t", "|"), "auto" or "whitespace" (runs of spaces and tabs)',
            path,
        )
    if delimiter in ('"', "\n", "\r"):
        raise _bad(f"[{where}] delimiter cannot be {delimiter!r}", path)
    for key in ("names", "widths"):
        if key in values:
            items = values[key]
            kind = str if key == "names" else int
            if (
                not isinstance(items, list)
                or not items
                or not all(isinstance(v, kind) and not isinstance(v, bool) for v in items)
            ):
                what = "texts" if key == "names" else "whole numbers"
                raise _bad(f"[{where}] {key} must be a non-empty list of {what}", path)
            values[key] = tuple(items)
    if any(w < 1 for w in values.get("widths", ())):
        raise _bad(f"[{where}] widths must be whole numbers >= 1 (characters per field)", path)
    spec = replace(base, **values)
    if spec.names and len(set(spec.names)) != len(spec.names):
        raise _bad(f"[{where}] names has a name twice", path)
    if spec.widths and spec.names and len(spec.widths) != len(spec.names):
        raise _bad(
            f"[{where}] widths has {len(spec.widths)} fields but names has {len(spec.names)}",
            path,
        )
    return spec


def _discover(root: Path, name: str) -> tuple[Path, ...]:
    found = [root / f"{name}{s}" for s in SUFFIXES if (root / f"{name}{s}").is_file()]
    if len(found) > 1:
        raise ConfigError(
            f"{root}: several files could be the {name!r} table ({', '.join(p.name for p in found)}); "
            f"name one in kam.toml under [tables.{name}] file = ..."
        )
    return tuple(found)


def _files(root: Path, raw: dict, name: str, path: Path) -> tuple[Path, ...]:
    if "file" in raw and "files" in raw:
        raise _bad(f"[tables.{name}] give either file or files, not both", path)
    patterns = raw.get("files", [raw["file"]] if "file" in raw else None)
    if patterns is None:
        return _discover(root, name)
    if isinstance(patterns, str):
        patterns = [patterns]
    out: list[Path] = []
    for pat in patterns:
        matches = sorted(root.glob(pat)) if any(ch in pat for ch in "*?[") else [root / pat]
        missing = [m for m in matches if not m.is_file()]
        if not matches or missing:
            raise _bad(f"[tables.{name}] file {pat!r} not found in {root}", path)
        for m in matches:
            if root.resolve() not in m.resolve().parents:
                raise _bad(f"[tables.{name}] file {pat!r} lies outside the workspace", path)
        out.extend(matches)
    return tuple(out)


def read_config(root: str | Path) -> Config:
    """Read ``kam.toml`` of the workspace at `root` (or defaults when there is none).

    Raises
    ------
    ConfigError
        Unreadable TOML, unknown tables or keys, mapped columns that are not canonical, or a
        workspace without a transactions table.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "transactions.csv").write_text("account_id,date,revenue\\n")
    >>> cfg = read_config(d)
    >>> cfg.mode, [p.name for p in cfg.tables["transactions"].files]
    ('strict', ['transactions.csv'])
    """
    root = Path(root)
    path = root / CONFIG_FILE
    if not root.is_dir():
        raise ConfigError(f"workspace {root} is not a folder")
    raw: dict = {}
    if path.is_file():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise _bad(f"not valid TOML: {exc}", path) from None
    unknown = set(raw) - {"workspace", "defaults", "tables", "parameters"}
    if unknown:
        raise _bad(f"unknown section(s) {sorted(unknown)}", path)
    ws = raw.get("workspace", {})
    if set(ws) - _WS_KEYS:
        raise _bad(f"[workspace] has unknown key(s) {sorted(set(ws) - _WS_KEYS)}", path)
    if ws.get("mode", "strict") not in _MODES:
        raise _bad("[workspace] mode must be 'strict' or 'lenient'", path)
    if ws.get("duplicates", "keep") not in ("keep", "drop"):
        raise _bad("[workspace] duplicates must be 'keep' or 'drop'", path)
    if ws.get("future_dates", "warn") not in ("warn", "quarantine"):
        raise _bad("[workspace] future_dates must be 'warn' or 'quarantine'", path)
    currency = ws.get("currency")
    if currency is not None and not (
        isinstance(currency, str) and 0 < len(currency.strip()) <= 8 and "\n" not in currency
    ):
        raise _bad('[workspace] currency must be a short text such as "EUR"', path)
    parameters = raw.get("parameters", {})
    if not isinstance(parameters, dict) or any(
        isinstance(v, dict | list) for v in parameters.values()
    ):
        raise _bad("[parameters] must be a table of name = value (text, number, true/false)", path)
    defaults = _read_spec(ReadSpec(), raw.get("defaults", {}), "defaults", path)

    declared = raw.get("tables", {})
    unknown_tables = set(declared) - set(TABLES)
    if unknown_tables:
        raise _bad(f"unknown table(s) {sorted(unknown_tables)}; known: {', '.join(TABLES)}", path)
    tables: dict[str, TableConfig] = {}
    for name in TABLES:
        t = declared.get(name, {})
        if set(t) - _TABLE_KEYS:
            raise _bad(f"[tables.{name}] has unknown key(s) {sorted(set(t) - _TABLE_KEYS)}", path)
        files = _files(root, t, name, path)
        if not files:
            continue
        columns = dict(t.get("columns", {}))
        bad_cols = set(columns) - set(TABLES[name])
        if bad_cols:
            raise _bad(
                f"[tables.{name}] columns maps unknown canonical column(s) {sorted(bad_cols)}; "
                f"known: {', '.join(TABLES[name])}",
                path,
            )
        ids = dict(t.get("ids", {}))
        if set(ids) - _ID_KEYS:
            raise _bad(
                f"[tables.{name}] ids has unknown rule(s) {sorted(set(ids) - _ID_KEYS)}", path
            )
        discount = t.get("discount", "rate")
        if discount not in _DISCOUNTS:
            raise _bad(
                f"[tables.{name}] discount = {discount!r}: say what the discount column holds, "
                f'"rate" (0.1 = 10 %), "percent" (10 = 10 %) or "amount" (money off the line)',
                path,
            )
        read_raw = {k: v for k, v in t.items() if k in _READ_KEYS}
        spec = _read_spec(defaults, read_raw, f"tables.{name}", path)
        if "delimiter" not in read_raw and "delimiter" not in raw.get("defaults", {}):
            if all(f.suffix.lower() == ".tsv" for f in files):
                spec = replace(spec, delimiter="\t")
        tables[name] = TableConfig(name, files, spec, columns, ids, discount)
    if "transactions" not in tables:
        raise ConfigError(
            f"workspace {root} has no transactions table: add transactions.csv (or .xlsx, .parquet) "
            f"or name the file in {CONFIG_FILE} under [tables.transactions]"
        )
    return Config(
        root=root,
        tables=tables,
        mode=ws.get("mode", "strict"),
        timezone=ws.get("timezone"),
        as_of=str(ws["as_of"]) if "as_of" in ws else None,
        duplicates=ws.get("duplicates", "keep"),
        future_dates=ws.get("future_dates", "warn"),
        currency=currency.strip() if currency is not None else None,
        parameters=dict(parameters),
    )

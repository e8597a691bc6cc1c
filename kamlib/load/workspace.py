"""Loading a workspace: read, parse, validate, apply business rules, reconcile.

``load_workspace(path)`` is the single entry point. The stages are explicit and each one reports
every problem it finds with file, physical line and column:

1. reading (:mod:`kamlib.load.reading`): bytes to cells; structure (encoding, delimiter, extra or
   missing cells, quotes, sheets, header row, merged and formula cells);
2. mapping and parsing (:mod:`kamlib.load.parsing`): foreign column names to canonical ones, and each
   cell to its canonical type;
3. validation (pandera, all failures collected): required values present, values in range;
4. business rules: duplicate primary keys, unassigned and orphan account ids, sign conflicts,
   mixed currencies, duplicates, returns, negative margins, outliers, future dates.

Strict mode (the default) raises :class:`kamlib.InputError` listing every error. Lenient mode
rejects rows with errors and goes on. In both modes the documented cleaning rules quarantine
rows (blank or unknown account id, sign conflict, mixed currency, dropped duplicates, future
dates when so configured); quarantined rows are counted and listed, never lost:
``read == loaded + rejected + quarantined`` holds for every table, and so do the revenue totals.
A line with too many or too few cells is rejected with its revenue cell read where the header
puts it; a rejected line whose revenue cannot be read at all is counted in the ledger's
``unparsed`` column (its line is in the problems), so no amount disappears without a trace.
Dates on the time axis outside the plausible range (``date_min`` .. ``date_max``) are rejected
(``implausible-date``) and never move the analysis date. A load that keeps no transaction line
out of some read, or whose accounts table has no rows, stops with an error.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pandera.pandas as pa

from kamlib.bundled import sample_folder
from kamlib.cells import safe_csv
from kamlib.errors import InputError, Problem, SetupError
from kamlib.load.config import Config, TableConfig, read_config
from kamlib.load.parsing import Finding, parse_column
from kamlib.load.reading import iter_file, label_key
from kamlib.load.remote import is_url, mirror
from kamlib.schema import PRIMARY_KEYS, TABLES, empty_frame

__all__ = [
    "Workspace",
    "load_workspace",
    "resolve_workspace",
    "write_problems",
    "plausible_dates",
    "OUTLIER_FACTOR",
]

log = logging.getLogger("kamlib")

OUTLIER_FACTOR = 1000.0
#: columns of ``Workspace.set_aside``: one row per table and rule that kept lines out of the analysis
SET_ASIDE_COLUMNS = ["table", "rule", "reason", "lines", "revenue", "share"]
#: account attributes the transactions can carry; they fill the accounts' blanks
ACCOUNT_ATTRIBUTES = ("region", "manager", "industry")
_LINEAGE = ["_file", "_line"]
_PROBLEM_COLUMNS = ["file", "line", "column", "code", "severity", "message", "excerpt"]


@dataclass
class Workspace:
    """A loaded workspace: typed canonical tables, the configuration, a ledger and the problems.

    Every canonical table is an attribute (``ws.transactions``, ``ws.contacts`` ...): the loaded
    frame, or an empty frame with the canonical columns when the workspace has no such table
    (``ws.has("contacts")`` tells which). ``accounts`` is derived from the transactions when the
    workspace has no accounts table. For large exports the clean transactions stay in a Parquet
    file (``ws.source("transactions")``), which the DuckDB-backed analytics read directly;
    ``ws.transactions`` then reads that file into pandas on first use.
    """

    path: Path
    config: Config
    tables: dict[str, pd.DataFrame]
    ledger: pd.DataFrame
    problems: pd.DataFrame
    as_of: pd.Timestamp
    quarantine: dict[str, pd.DataFrame] = field(default_factory=dict)
    derived: tuple[str, ...] = ()
    sources: dict[str, Path] = field(default_factory=dict)
    staging: tempfile.TemporaryDirectory | None = field(default=None, repr=False)
    set_aside: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SET_ASIDE_COLUMNS))

    @property
    def currency(self) -> str | None:
        """The workspace currency from ``kam.toml`` (``[workspace] currency``), or None."""
        return self.config.currency

    def has(self, table: str) -> bool:
        """True when the workspace provides `table` (derived accounts count as provided)."""
        return table in self.tables or table in self.sources

    def source(self, table: str) -> pd.DataFrame | Path:
        """`table` for DuckDB-backed functions: the clean Parquet file of a large export, else the frame."""
        return self.sources.get(table) or getattr(self, table)

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name in TABLES:
            tables = self.__dict__["tables"]
            if name not in tables and name in self.__dict__["sources"]:
                log.info("reading the clean %s file into memory", name)
                tables[name] = _typed(pd.read_parquet(self.__dict__["sources"][name]), name)
            frame = tables.get(name)
            return frame if frame is not None else empty_frame(name)
        raise AttributeError(name)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{t}={len(f)}" for t, f in self.tables.items())
        return f"Workspace({str(self.path)!r}, as_of={self.as_of.date()}, {sizes})"


def resolve_workspace(workspace: str | Path = "") -> Path:
    """The workspace folder to open: `workspace`, or the bundled sample portfolio when empty.

    Notebooks take the workspace as a string parameter; an empty string means the sample
    portfolio in the repository's ``data/sample`` folder.

    >>> resolve_workspace("").name
    'sample'
    >>> str(resolve_workspace("/data/acme"))
    '/data/acme'

    A URL (``"s3://bucket/exports"``) gives the local copy of its files
    (:func:`kamlib.load.remote.mirror`).
    """
    if is_url(workspace):
        return mirror(workspace)
    if str(workspace).strip():
        return Path(workspace)
    return sample_folder()


def _excerpt(value: object, personal: bool) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = str(value)
    if personal:
        return f"<masked, {len(text)} characters>"
    return text[:40]


def _schema(table: str) -> pa.DataFrameSchema:
    cols = {}
    for name, col in TABLES[table].items():
        checks = []
        if col.min is not None:
            checks.append(pa.Check.ge(col.min))
        if col.max is not None:
            checks.append(pa.Check.le(col.max))
        # a transaction without an account id is not an error: the "unassigned" rule quarantines it
        nullable = not col.required or (table, name) == ("transactions", "account_id")
        cols[name] = pa.Column(nullable=nullable, checks=checks, required=False)
    return pa.DataFrameSchema(cols)


def _suspects(table: str, frame: pd.DataFrame) -> np.ndarray:
    """Rows that may fail the schema (a required value missing, a value out of range), found
    with vectorised comparisons; every row when a column cannot be compared so."""
    spec = TABLES[table]
    nullable = _schema(table).columns
    rows = np.zeros(len(frame), dtype=bool)
    try:
        for name, col in spec.items():
            if name not in frame:
                continue
            values = frame[name]
            if not nullable[name].nullable:
                rows |= values.isna().to_numpy()
            if col.min is not None:
                rows |= (values < col.min).fillna(False).to_numpy(dtype=bool)
            if col.max is not None:
                rows |= (values > col.max).fillna(False).to_numpy(dtype=bool)
    except (TypeError, ValueError):
        rows[:] = True
    return rows


def _validate(table: str, frame: pd.DataFrame, tcfg: TableConfig) -> list[tuple[int, Problem]]:
    """pandera, lazily: every missing required value and out-of-range value, with its row and line.

    pandera checks only the rows a vectorised test flags (its checks are row by row, so the
    failures are the same as for the whole frame), keeping their positions as the index.
    """
    spec = TABLES[table]
    suspects = _suspects(table, frame)
    if not suspects.any():
        return []
    frame = frame.reset_index(drop=True)
    try:
        _schema(table).validate(frame[[c for c in spec if c in frame]][suspects], lazy=True)
    except pa.errors.SchemaErrors as exc:
        out = []
        fc = exc.failure_cases
        for row in fc.itertuples(index=False):
            if row.index is None or pd.isna(row.index):
                continue
            pos = int(row.index)
            col = spec[row.column]
            if row.check == "not_nullable":
                code, msg = "missing-value", f"required column {row.column!r} is empty"
            else:
                lo, hi = col.min, col.max
                code = "out-of-range"
                low = "-inf" if lo is None else lo
                high = "inf" if hi is None else hi
                msg = f"value outside the allowed range {low}..{high}"
            out.append(
                (
                    pos,
                    Problem(
                        frame["_file"].iat[pos],
                        int(frame["_line"].iat[pos]),
                        tcfg.foreign(row.column),
                        code,
                        msg,
                        _excerpt(row.failure_case, col.personal),
                    ),
                )
            )
        return out
    return []


def _match_header(table: str, tcfg: TableConfig, raw) -> tuple[dict[str, str], list[Problem]]:
    """Canonical -> header label: the exact name first, else the one label equal to it with letter
    case and blanks ignored; two such labels are a ``header-collision`` (an error when neither is
    an exact match)."""
    present: dict[str, str] = {}
    problems: list[Problem] = []
    line = raw.header_line or None
    by_key: dict[str, list[str]] = {}
    for label in dict.fromkeys(raw.header):
        if label:
            by_key.setdefault(label_key(label), []).append(label)
    for canon in TABLES[table]:
        wanted = tcfg.foreign(canon)
        candidates = by_key.get(label_key(wanted), [])
        if wanted in raw.header:
            present[canon] = wanted
            others = [c for c in candidates if c != wanted]
            if others:
                problems.append(
                    Problem(
                        raw.file,
                        line,
                        wanted,
                        "header-collision",
                        f"the header also has {', '.join(repr(o) for o in others)}, equal to "
                        f"{wanted!r} when letter case and blanks are ignored; {wanted!r} (the exact "
                        f"name) is read as {canon}",
                        severity="warning",
                    )
                )
        elif len(candidates) == 1:
            present[canon] = candidates[0]
            if candidates[0] != wanted:
                log.info("%s: column %r read as %r (%s)", raw.file, candidates[0], wanted, canon)
        elif candidates:
            problems.append(
                Problem(
                    raw.file,
                    line,
                    ", ".join(candidates),
                    "header-collision",
                    f"the columns {', '.join(repr(c) for c in candidates)} all match {wanted!r} "
                    f"({canon}) once letter case and blanks are ignored; map one by its exact "
                    f"name in kam.toml: [tables.{table}] columns = {{ {canon} = "
                    f"{candidates[0]!r} }}",
                )
            )
    return present, problems


def _derives_revenue(table: str, present: dict[str, str]) -> bool:
    """Transactions without a revenue column but with quantity and unit price: revenue is derived."""
    return (
        table == "transactions"
        and "revenue" not in present
        and {"quantity", "unit_price"} <= set(present)
    )


def _header_problems(table: str, tcfg: TableConfig, raw) -> tuple[list[Problem], dict[str, str]]:
    """Check the header: duplicates, required columns; return the canonical -> file name mapping."""
    spec = TABLES[table]
    header = raw.header
    line = raw.header_line or None
    present, problems = _match_header(table, tcfg, raw)
    counts = Counter(header)
    for label, n in counts.items():
        if n > 1 and label:
            used = label in present.values()
            problems.append(
                Problem(
                    raw.file,
                    line,
                    label,
                    "duplicate-label",
                    f"the header has {n} columns named {label!r}"
                    + ("" if used else " (not used: ignored)"),
                    severity="error" if used else "warning",
                )
            )
    derived = _derives_revenue(table, present)
    missing = [
        tcfg.foreign(c)
        for c, col in spec.items()
        if col.required and c not in present and not (c == "revenue" and derived)
    ]
    if missing:
        hint = ""
        counts_d = raw.delimiter_counts
        if counts_d:
            best = max(counts_d, key=counts_d.get)
            if best != tcfg.read.delimiter and counts_d[best] >= len(header):
                hint = (
                    f"; the header looks {best!r}-separated: set delimiter = {best!r} in kam.toml"
                )
        if len(header) == 1 and len(header[0].split()) > 1:
            hint += '; the header looks blank-separated: set delimiter = "whitespace" in kam.toml'
        if header and any(re.fullmatch(r"[-+.,\d\s/:]+", h) for h in header if h):
            hint += (
                "; the first line looks like data, not a header: name the columns with "
                "names = [...] in kam.toml"
            )
        if table == "transactions" and "revenue" not in present and len(header) > 1:
            hint += (
                "; without a revenue column, map quantity and unit_price (and discount) "
                "and revenue is derived from them"
            )
        problems.append(
            Problem(
                raw.file,
                line,
                ", ".join(missing),
                "missing-column",
                f"required column(s) {', '.join(repr(m) for m in missing)} not found in the "
                f"header ({len(header)} column(s): {', '.join(header[:8])}){hint}",
            )
        )
    unused = [h for h in dict.fromkeys(header) if h and h not in present.values()]
    if unused:
        log.info("%s: column(s) not used by kamlib and dropped: %s", raw.file, ", ".join(unused))
    return problems, present


def _parse_chunk(
    table: str,
    tcfg: TableConfig,
    raw,
    present: dict[str, str],
    timezone: str | None,
    problems: list[Problem],
    dates: tuple[pd.Timestamp, pd.Timestamp] | None = None,
) -> pd.DataFrame:
    """Parse and validate one chunk of raw cells into canonical columns plus lineage and ``_bad``.

    Broken rows (too many or too few cells, Excel error cells) are rejected: only their revenue
    is kept, for the ledger, and their other cells raise no further problems. Dates of
    ``timeline`` columns outside `dates` are ``implausible-date`` errors.
    """
    spec = TABLES[table]
    n = len(raw.frame)
    lines = np.asarray(raw.lines, dtype="int64")
    cols: dict[str, pd.Series] = {}
    broken = np.asarray(raw.broken, dtype=bool) if len(raw.broken) == n else np.zeros(n, bool)
    bad = broken.copy()
    currency_marks = None
    for canon, foreign in present.items():
        col = spec[canon]
        cells = raw.frame[foreign]
        if isinstance(cells, pd.DataFrame):  # an unused duplicate label: take the first
            cells = cells.iloc[:, 0]
        parsed = parse_column(
            cells,
            col.kind,
            decimal=tcfg.read.decimal,
            thousands=tcfg.read.thousands,
            date_format=tcfg.read.date_format,
            timezone=timezone,
            id_rules=tcfg.ids if col.kind == "id" else None,
        )
        for note in parsed.notes:
            log.info("%s column %r: %s", raw.file, foreign, note)
        if col.timeline and dates is not None:
            vals = parsed.values
            outside = (vals.notna() & ((vals < dates[0]) | (vals > dates[1]))).to_numpy()
            if outside.any():
                parsed.findings.append(
                    Finding(
                        np.flatnonzero(outside).tolist(),
                        "implausible-date",
                        f"the date lies outside the plausible range {dates[0].date()} .. "
                        f"{dates[1].date()} ([workspace] date_min, date_max in kam.toml)",
                    )
                )
                parsed.values = vals.where(~outside)
        for f in parsed.findings:
            for pos in f.positions:
                if broken[pos]:
                    continue
                problems.append(
                    Problem(
                        raw.file,
                        int(lines[pos]),
                        foreign,
                        f.code,
                        f.message,
                        _excerpt(cells.iat[pos], col.personal),
                        f.severity,
                    )
                )
            if f.severity == "error":
                bad[f.positions] = True
        cols[canon] = parsed.values if canon == "revenue" else parsed.values.where(~broken)
        if canon == "revenue" and parsed.currency is not None:
            currency_marks = parsed.currency
    if _derives_revenue(table, present):
        cols["revenue"] = _derive_revenue(cols, tcfg, raw, lines, bad, problems)
    frame = pd.DataFrame(cols, index=range(n))
    for canon, col in spec.items():
        if canon not in frame:
            frame[canon] = pd.Series(index=frame.index, dtype=col.dtype)
    frame = frame[list(spec)]
    frame["_file"] = pd.Series([raw.file] * n, dtype="str")
    frame["_line"] = lines
    if currency_marks is not None:
        clash = (
            currency_marks.notna()
            & frame["currency"].notna()
            & (currency_marks != frame["currency"])
        )
        for pos in np.flatnonzero(clash.to_numpy()):
            problems.append(
                Problem(
                    raw.file,
                    int(lines[pos]),
                    tcfg.foreign("revenue"),
                    "currency-conflict",
                    f"the value's currency symbol means {currency_marks.iat[pos]} but the "
                    f"currency column says {frame['currency'].iat[pos]}",
                    _excerpt(raw.frame[tcfg.foreign("revenue")].iat[pos], False),
                )
            )
        bad |= clash.to_numpy()
        fill = frame["currency"].isna() & currency_marks.notna()
        frame.loc[fill, "currency"] = currency_marks[fill]
    ok = np.flatnonzero(~bad)
    for pos, problem in _validate(table, frame.iloc[ok].reset_index(drop=True), tcfg):
        problems.append(problem)
        bad[ok[pos]] = True
    frame["_bad"] = bad
    if table == "transactions":
        frame = _derive_profit(frame, tcfg, problems)
    return frame


#: discount kinds: how a discount cell turns quantity x unit price into revenue
_DISCOUNT_RANGE = {"rate": (0.0, 1.0), "percent": (0.0, 100.0)}


def _derive_revenue(
    cols: dict[str, pd.Series],
    tcfg: TableConfig,
    raw,
    lines: np.ndarray,
    bad: np.ndarray,
    problems: list[Problem],
) -> pd.Series:
    """Revenue = quantity x unit_price, less the discount, for an export without a line total.

    A discount ``rate`` (0.1 = 10 %) or ``percent`` (10 = 10 %) scales the line; an ``amount`` is
    taken off the line's absolute value whatever its sign in the file (a return stays negative).
    A blank discount is no discount. The result is rounded to 6 decimals (float noise, never
    cents). A line without quantity or unit price, or with a discount out of range, is an error
    naming the column (and the ``discount`` setting); `bad` is updated in place.
    """

    def report(mask, canon, code, message):
        for pos in np.flatnonzero(mask):
            problems.append(
                Problem(
                    raw.file,
                    int(lines[pos]),
                    tcfg.foreign(canon),
                    code,
                    message,
                    _excerpt(raw.frame[tcfg.foreign(canon)].iat[pos], False),
                )
            )
        bad[np.asarray(mask)] = True

    for canon in ("quantity", "unit_price"):
        miss = cols[canon].isna().to_numpy() & ~bad
        report(
            miss,
            canon,
            "missing-value",
            f"revenue is derived from quantity x unit_price (no revenue column) and the line "
            f"has no {canon}",
        )
    gross = cols["quantity"] * cols["unit_price"]
    revenue = gross
    if "discount" in cols:
        disc = cols["discount"].fillna(0.0)
        kind = tcfg.discount
        if kind == "amount":
            over = (disc.abs() > gross.abs() + 1e-9).to_numpy() & ~bad
            report(
                over,
                "discount",
                "out-of-range",
                'the discount amount exceeds quantity x unit_price (discount = "amount" in '
                'kam.toml; "rate" or "percent" if the column holds a share)',
            )
            revenue = np.sign(gross) * (gross.abs() - disc.abs())
        else:
            lo, hi = _DISCOUNT_RANGE[kind]
            out = ((disc < lo) | (disc > hi)).to_numpy() & ~bad
            other = '"percent" if 10 means 10 %' if kind == "rate" else '"rate" if 0.1 means 10 %'
            report(
                out,
                "discount",
                "out-of-range",
                f"a discount {kind} must lie between {lo:g} and {hi:g} (discount = {kind!r} in "
                f'kam.toml; {other}, "amount" if it is money off the line)',
            )
            revenue = gross * (1.0 - disc / (100.0 if kind == "percent" else 1.0))
    return revenue.round(6).astype("float64")


def _revenue_source(tcfg: TableConfig, present: dict[str, str]) -> str:
    """How the transactions' revenue was found, for the ledger."""
    if "revenue" in present:
        return f"column {present['revenue']!r}"
    text = f"derived: {present['quantity']!r} x {present['unit_price']!r}"
    if "discount" in present:
        text += f" less {present['discount']!r} (discount = {tcfg.discount!r})"
    return text


@dataclass
class _TableRead:
    """What reading one table found: records read, header labels used, how revenue was found."""

    read: int = 0
    labels: dict[str, str] = field(default_factory=dict)  # canonical -> label in the file
    revenue_from: list[str] = field(default_factory=list)


_PERSONAL = {c for cols in TABLES.values() for c, col in cols.items() if col.personal}


def _read_table(
    table: str,
    tcfg: TableConfig,
    root: Path,
    timezone: str | None,
    sink,
    problems: list[Problem],
    dates: tuple[pd.Timestamp, pd.Timestamp] | None = None,
) -> _TableRead:
    """Read every file of `table` chunk by chunk, handing each parsed chunk to `sink`.

    Returns the number of records read (good or bad), the header labels matched and (for
    transactions) how revenue was found. File-level problems end that file. Header labels match
    the mapping ignoring case and blanks; each file's chunks are parsed with the labels it has.
    """
    spec = TABLES[table]
    # revenue may be derived, so the columns that locate a sheet's header row leave it out
    expected = [tcfg.foreign(c) for c, col in spec.items() if col.required and c != "revenue"]
    wanted = [tcfg.foreign(c) for c in spec]
    personal = [tcfg.foreign(c) for c, col in spec.items() if col.personal] + sorted(_PERSONAL)
    out = _TableRead()
    for path in tcfg.files:
        rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
        present = None
        file_cfg = tcfg
        for raw in iter_file(
            path, tcfg.read, rel, expected=expected, wanted=wanted, personal=personal
        ):
            problems += raw.problems
            out.read += raw.records
            if raw.fatal:
                break
            if present is None:
                header_problems, present = _header_problems(table, tcfg, raw)
                problems += header_problems
                if any(p.severity == "error" for p in header_problems):
                    break
                file_cfg = replace(tcfg, columns={**tcfg.columns, **present})
                for canon, label in present.items():
                    out.labels.setdefault(canon, label)
                if table == "transactions":
                    source = _revenue_source(tcfg, present)
                    if source not in out.revenue_from:
                        out.revenue_from.append(source)
            sink(_parse_chunk(table, file_cfg, raw, present, timezone, problems, dates))
    return out


def _mark(
    frame: pd.DataFrame,
    mask,
    code: str,
    message: str,
    column: str | None,
    severity: str,
    problems: list[Problem],
    excerpt_col: str | None = None,
) -> None:
    for pos in np.flatnonzero(np.asarray(mask)):
        ex = "" if excerpt_col is None else _excerpt(frame[excerpt_col].iat[pos], False)
        problems.append(
            Problem(
                frame["_file"].iat[pos],
                int(frame["_line"].iat[pos]),
                column,
                code,
                message,
                ex,
                severity,
            )
        )


def _primary_keys(
    table: str, frame: pd.DataFrame, tcfg: TableConfig, problems: list[Problem]
) -> None:
    keys = list(PRIMARY_KEYS.get(table, ()))
    if not keys or frame.empty:
        return
    dup = frame.duplicated(keys, keep=False) & frame[keys].notna().all(axis=1)
    if dup.any():
        groups = frame[dup].groupby(keys, sort=True)["_line"].apply(list)
        for key, lines in groups.items():
            key = key[0] if isinstance(key, tuple) else key
            for pos in np.flatnonzero((dup & frame[keys[0]].eq(key)).to_numpy()):
                problems.append(
                    Problem(
                        frame["_file"].iat[pos],
                        int(frame["_line"].iat[pos]),
                        tcfg.foreign(keys[0]),
                        "primary-key",
                        f"{keys[0]} {key!r} occurs {len(lines)} times (lines "
                        f"{', '.join(map(str, lines[:6]))}); a master table needs unique keys, "
                        f"or every join would multiply revenue",
                        _excerpt(key, False),
                    )
                )


_KEYS = ", ".join(TABLES["transactions"])  # every canonical column: exact duplicates
_SIGN_CONFLICT = "coalesce((quantity < 0 AND revenue > 0) OR (quantity > 0 AND revenue < 0), false)"
# Exact duplicates are looked for only among the lines whose hash of every canonical column is
# shared with another line (equal lines have equal hashes; a hash collision only adds candidates):
# numbering every line within its group of equal lines would sort the whole table.
_DUPLICATES_SQL = f"""
SELECT _row FROM (
    SELECT _row, row_number() OVER (PARTITION BY {_KEYS} ORDER BY _row) AS n
    FROM {{source}} WHERE NOT _bad AND hash({_KEYS}) IN (SELECT h FROM shared))
WHERE n > 1
"""
_MIXED_SQL = f"""
SELECT account_id FROM {{source}}
WHERE NOT _bad AND account_id IS NOT NULL AND NOT {_SIGN_CONFLICT} AND currency IS NOT NULL
GROUP BY account_id HAVING count(DISTINCT currency) > 1
"""
# the lines' flags, in the order the rules apply (each quarantines only lines no earlier rule took)
_STEPS_SQL = f"""
WITH s1 AS (
    SELECT _row, _file, _line, account_id, revenue, cost, date, currency,
           account_id IS NULL AS unassigned,
           account_id IS NOT NULL AND {_SIGN_CONFLICT} AS sign_conflict,
           _row IN (SELECT _row FROM duplicates) AS duplicate
    FROM {{source}} WHERE NOT _bad),
s2 AS (
    SELECT *, NOT unassigned AND NOT sign_conflict AND account_id IN (SELECT account_id FROM mixed) AS mixed_currency
    FROM s1),
s3 AS (
    SELECT *, duplicate AND NOT (unassigned OR sign_conflict OR mixed_currency) AS dup,
           unassigned OR sign_conflict OR mixed_currency OR (duplicate AND $drop_duplicates) AS q1
    FROM s2),
s4 AS (
    SELECT *, NOT q1 AND coalesce(date > $horizon, false) AS future FROM s3),
s5 AS (
    SELECT *, q1 OR (future AND $quarantine_future) AS q2 FROM s4),
s6 AS (
    SELECT *, NOT q2 AND $check_orphans AND account_id NOT IN (SELECT account_id FROM known) AS orphan FROM s5),
s7 AS (
    SELECT *, q2 OR orphan AS quarantined FROM s6)
"""
_MEDIAN_SQL = (
    _STEPS_SQL
    + """
SELECT CASE WHEN count(*) >= 10 THEN median(abs(revenue)) FILTER (WHERE NOT quarantined AND revenue <> 0)
       END AS median_line
FROM s7
"""
)
_RULES_SQL = (
    _STEPS_SQL
    + """
SELECT _row, _file, _line, revenue, date, currency, unassigned, sign_conflict, mixed_currency, dup, future,
       orphan, quarantined,
       NOT quarantined AND coalesce(cost > revenue AND revenue > 0, false) AS negative_margin,
       NOT quarantined AND coalesce(abs(revenue) > $outlier_factor * CAST($median_line AS DOUBLE), false) AS outlier,
       NOT quarantined AND coalesce(revenue = 0, false) AS zero_value,
       CAST($median_line AS DOUBLE) AS median_line
FROM s7
WHERE quarantined OR dup OR future OR negative_margin OR outlier OR zero_value
ORDER BY _row
"""
)


def _transaction_flags(
    con,
    source: str,
    cfg: Config,
    known: pd.DataFrame | None,
    horizon: pd.Timestamp,
    params: list | None = None,
) -> pd.DataFrame:
    """Every transaction line that a business rule quarantines or warns about, with the rule's flags.

    The rules run in DuckDB, over a registered frame or the staged Parquet file of a large export, so
    both take exactly the same path. Rules apply in order (a line is quarantined by the first that
    holds): unassigned, sign conflict, mixed currency, dropped duplicate, future date (when so
    configured), orphan account; warnings: kept duplicates, future dates, negative margins, outliers.
    Each step is a streaming pass over the lines joined with small tables (the duplicate lines,
    the accounts billed in several currencies, the known accounts), so nothing sorts or holds the
    whole table.
    """
    con.register(
        "known",
        known if known is not None else pd.DataFrame({"account_id": pd.Series(dtype="str")}),
    )
    hashes = con.execute(f"SELECT hash({_KEYS}) AS h FROM {source} WHERE NOT _bad").fetchnumpy()[
        "h"
    ]
    hashes = np.sort(np.asarray(hashes))
    shared = np.unique(hashes[1:][hashes[1:] == hashes[:-1]])
    del hashes
    con.register("shared", pd.DataFrame({"h": shared}))
    con.register("duplicates", con.execute(_DUPLICATES_SQL.replace("{source}", source)).df())
    con.register("mixed", con.execute(_MIXED_SQL.replace("{source}", source)).df())
    args = {
        "drop_duplicates": cfg.duplicates == "drop",
        "horizon": (horizon + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)).to_pydatetime(),
        "quarantine_future": cfg.future_dates == "quarantine",
        "check_orphans": known is not None,
    }
    if params:
        args.update(params)
    median = con.execute(_MEDIAN_SQL.replace("{source}", source), args).fetchone()[0]
    args.update(outlier_factor=OUTLIER_FACTOR, median_line=median)
    return con.execute(_RULES_SQL.replace("{source}", source), args).df()


_FLAG_TEXT = {
    "unassigned": (
        "account_id",
        "quarantine",
        "no account id: the line is quarantined as unassigned revenue",
        None,
    ),
    "sign_conflict": (
        "revenue",
        "quarantine",
        "quantity and revenue have opposite signs (a return needs both negative)",
        "revenue",
    ),
    "mixed_currency": (
        "currency",
        "quarantine",
        "the account is billed in several currencies and the workspace "
        "has no exchange rates; its lines are set aside",
        "currency",
    ),
    "orphan": (
        "account_id",
        "quarantine",
        "account id not in the accounts table: quarantined",
        None,
    ),
}


def _flag_problems(
    flags: pd.DataFrame,
    cfg: Config,
    tcfg: TableConfig,
    horizon: pd.Timestamp,
    problems: list[Problem],
    labels: dict[str, str] | None = None,
) -> None:
    def add(mask, code, column, severity, message, excerpt_col=None):
        sub = flags[mask.to_numpy(dtype=bool)]
        ex = (
            [""] * len(sub)
            if excerpt_col is None
            else [_excerpt(v, False) for v in sub[excerpt_col]]
        )
        problems.extend(
            Problem(f, int(ln), column, code, message, e, severity)
            for f, ln, e in zip(sub["_file"], sub["_line"], ex, strict=True)
        )

    for flag, (col, sev, msg, ex) in _FLAG_TEXT.items():
        code = "orphan-account" if flag == "orphan" else flag.replace("_", "-")
        add(flags[flag], code, tcfg.foreign(col), sev, msg, ex)
    drop = cfg.duplicates == "drop"
    add(
        flags["dup"],
        "duplicate-row",
        None,
        "quarantine" if drop else "warning",
        f'exact duplicate of an earlier line: {"dropped" if drop else "kept"} (duplicates = "{cfg.duplicates}")',
    )
    add(
        flags["future"],
        "future-date",
        tcfg.foreign("date"),
        "quarantine" if cfg.future_dates == "quarantine" else "warning",
        f"dated after the analysis date {horizon.date()}",
        "date",
    )
    # name the column the margin came from: cost when the file has it, else gross_profit
    found = tcfg.columns if labels is None else labels
    margin_col = "cost" if "cost" in found or "gross_profit" not in found else None
    add(
        flags["negative_margin"],
        "negative-margin",
        tcfg.foreign("cost") if margin_col else tcfg.foreign("gross_profit"),
        "warning",
        "cost exceeds revenue: kept, the margin is negative"
        if margin_col
        else "gross profit is negative: kept, the margin is negative",
        "revenue",
    )
    add(
        flags["zero_value"],
        "zero-value",
        tcfg.foreign("revenue"),
        "warning",
        "revenue is 0: kept and counted (zero_value in the ledger); free goods, samples or "
        "price-less lines add nothing to revenue but count as lines",
        "revenue",
    )
    if flags["outlier"].any():
        base = flags["median_line"].iloc[0]
        add(
            flags["outlier"],
            "outlier",
            tcfg.foreign("revenue"),
            "warning",
            f"revenue over {OUTLIER_FACTOR:g} x the median line ({base:,.2f}): kept, check it",
            "revenue",
        )


def _derive_profit(tx: pd.DataFrame, tcfg: TableConfig, problems: list[Problem]) -> pd.DataFrame:
    tx = tx.copy()
    has_cost, has_gp = tx["cost"].notna(), tx["gross_profit"].notna()
    both = has_cost & has_gp
    mismatch = both & ((tx["revenue"] - tx["cost"] - tx["gross_profit"]).abs() > 0.01)
    _mark(
        tx,
        mismatch.to_numpy(),
        "profit-mismatch",
        "gross_profit differs from revenue - cost: cost is kept, gross_profit recomputed",
        tcfg.foreign("gross_profit"),
        "warning",
        problems,
        "gross_profit",
    )
    tx["gross_profit"] = tx["gross_profit"].where(~has_cost, tx["revenue"] - tx["cost"])
    tx["cost"] = tx["cost"].where(has_cost, tx["revenue"] - tx["gross_profit"])
    return tx


_FILL_SQL = """
WITH v AS (SELECT account_id, {col} AS value, max(date) AS last, count(*) AS n FROM {source}
           WHERE account_id IS NOT NULL AND {col} IS NOT NULL AND trim({col}) <> ''
           GROUP BY ALL)
SELECT account_id, value FROM v
QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY last DESC, n DESC, value) = 1
"""


def _fill_accounts(
    con, path: Path | None, frame: pd.DataFrame | None, accounts: pd.DataFrame, columns
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Fill the accounts' blank region, manager and industry from the transactions.

    Precedence: a value in the accounts table wins; a blank one takes the value of the account's
    most recent transaction line that has one (a client that moved region or changed manager
    shows where it is now); lines of the same latest date with different values: the value on
    most of the account's lines, then the first in alphabetical order, so row order never
    matters. Returns the accounts and, per column, how many accounts were filled.
    """
    if path is None:
        con.register("kept", frame)
    source = f"read_parquet('{path}')" if path is not None else "kept"
    accounts = accounts.copy()
    filled: dict[str, int] = {}
    for col in columns:
        found = con.execute(_FILL_SQL.replace("{col}", col).replace("{source}", source)).df()
        values = pd.Series(
            found["value"].astype("str").to_numpy(), index=found["account_id"].astype("str")
        )
        blank = accounts[col].isna()
        fill = accounts["account_id"].map(values).where(blank)
        filled[col] = int(fill.notna().sum())
        accounts[col] = accounts[col].fillna(fill).astype("str")
    return accounts, filled


_SET_ASIDE_TEXT = {
    "unassigned": "no account id (unassigned revenue)",
    "sign_conflict": "quantity and revenue of opposite signs",
    "mixed_currency": "account billed in several currencies",
    "dup": "exact duplicate lines dropped",
    "future": "dated after the analysis date",
    "orphan": "account id not in the accounts table",
}
_SET_ASIDE_CODE = {
    "sign_conflict": "sign-conflict",
    "mixed_currency": "mixed-currency",
    "dup": "duplicate-row",
    "future": "future-date",
    "orphan": "orphan-account",
}


def _set_aside(
    flags: pd.DataFrame, ledger: pd.DataFrame, quarantined: dict[str, pd.DataFrame], cfg: Config
) -> pd.DataFrame:
    """Every line kept out of the analysis, by table and rule, with its revenue and share.

    One row per rule that quarantined lines (``unassigned``, ``sign-conflict`` ...) and one
    ``rejected`` row per table with rejected lines (lenient mode); ``share`` is the revenue's
    share of the transactions' revenue read (NaN for other tables, which carry no revenue).
    """
    rows = []
    tx = ledger.set_index("table").loc["transactions"]
    total = float(tx["revenue_read"])
    q = flags[flags["quarantined"]]
    for flag, reason in _SET_ASIDE_TEXT.items():
        mask = q[flag].to_numpy(dtype=bool)
        if mask.any():
            rows.append(
                (
                    "transactions",
                    _SET_ASIDE_CODE.get(flag, flag),
                    reason,
                    int(mask.sum()),
                    float(q.loc[mask, "revenue"].sum()),
                )
            )
    for row in ledger.itertuples():
        if row.rejected:
            revenue = float(row.revenue_rejected) if row.table == "transactions" else np.nan
            rows.append(
                (
                    row.table,
                    "rejected",
                    "rows with errors (lenient mode)",
                    int(row.rejected),
                    revenue,
                )
            )
        if row.table != "transactions" and row.table in quarantined:
            rows.append(
                (
                    row.table,
                    "orphan-account",
                    _SET_ASIDE_TEXT["orphan"],
                    len(quarantined[row.table]),
                    np.nan,
                )
            )
    out = pd.DataFrame(rows, columns=SET_ASIDE_COLUMNS[:-1])
    out["lines"] = out["lines"].astype("int64")
    out["revenue"] = out["revenue"].astype("float64")
    out["share"] = out["revenue"] / total if total else np.nan
    return out


_NAMES_SQL = """
WITH c AS (SELECT account_id, account_name, count(*) AS n FROM {source}
           WHERE account_id IS NOT NULL AND account_name IS NOT NULL GROUP BY ALL),
best AS (SELECT account_id, account_name FROM c
         QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY n DESC, account_name) = 1)
SELECT i.account_id, best.account_name AS name
FROM (SELECT DISTINCT account_id FROM {source} WHERE account_id IS NOT NULL) AS i
LEFT JOIN best USING (account_id) ORDER BY i.account_id
"""


def _derive_accounts(con, path: Path | None, frame: pd.DataFrame | None) -> pd.DataFrame:
    """Accounts from the transactions: each id once, named by its most frequent account_name."""
    if path is None:
        con.register("kept", frame)
    source = f"read_parquet('{path}')" if path is not None else "kept"
    found = con.execute(_NAMES_SQL.replace("{source}", source)).df()
    acc = empty_frame("accounts").reindex(range(len(found)))
    acc["account_id"] = found["account_id"].astype("str").to_numpy()
    acc["name"] = found["name"].astype("str").to_numpy()
    return _typed(acc, "accounts")


def _ledger_row(
    table: str, files: list[str], read: int, parsed: int, rejected: int, quarantined: int
) -> dict:
    return {
        "table": table,
        "files": ", ".join(files),
        "read": read,
        "loaded": parsed - rejected - quarantined,
        "rejected": read - parsed + rejected,
        "quarantined": quarantined,
    }


_LEDGER_SQL = """
SELECT count(*) AS parsed,
       count(*) FILTER (WHERE _bad) AS rejected,
       count(*) FILTER (WHERE q._row IS NOT NULL) AS quarantined,
       coalesce(sum(revenue), 0) AS revenue_read,
       coalesce(sum(revenue) FILTER (WHERE NOT _bad AND q._row IS NULL), 0) AS revenue_loaded,
       coalesce(sum(revenue) FILTER (WHERE _bad), 0) AS revenue_rejected,
       coalesce(sum(revenue) FILTER (WHERE q._row IS NOT NULL), 0) AS revenue_quarantined,
       count(*) FILTER (WHERE _bad AND revenue IS NULL) AS unparsed,
       count(*) FILTER (WHERE NOT _bad AND q._row IS NULL AND revenue < 0) AS returns,
       count(*) FILTER (WHERE NOT _bad AND q._row IS NULL AND revenue = 0) AS zero_value,
       coalesce(sum(revenue) FILTER (WHERE NOT _bad AND q._row IS NULL AND revenue < 0), 0) AS returns_revenue,
       max(date) FILTER (WHERE NOT _bad AND q._row IS NULL) AS last_date
FROM {source} LEFT JOIN qrows AS q USING (_row)
"""

#: Transactions files larger than this (bytes, all files together) are staged to Parquet chunk by
#: chunk and checked in DuckDB, so memory stays bounded; smaller ones are loaded into pandas.
LARGE_BYTES = 64 * 2**20
_DUCKDB_MEMORY = "400MB"


def _arrow_schema():
    import pyarrow as pa

    kinds = {
        "id": pa.large_string(),
        "text": pa.large_string(),
        "date": pa.timestamp("us"),
        "number": pa.float64(),
        "integer": pa.int64(),
        "bool": pa.bool_(),
    }
    fields = [(c, kinds[col.kind]) for c, col in TABLES["transactions"].items()]
    fields += [
        ("_file", pa.large_string()),
        ("_line", pa.int64()),
        ("_bad", pa.bool_()),
        ("_row", pa.int64()),
    ]
    return pa.schema(fields)


class _ParquetSink:
    """Writes parsed transaction chunks to one staging Parquet file, numbering rows as it goes.

    The file is read back within the load only, so it is written plain (no compression,
    dictionaries or statistics), which costs a third of the default encoding. A chunk is
    written by a background thread (pyarrow releases the GIL) while the next one is parsed,
    one chunk at a time, in order.
    """

    def __init__(self, path: Path):
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._pa, self.path, self.rows = pa, path, 0
        self.schema = _arrow_schema()
        self._writer = pq.ParquetWriter(
            path, self.schema, compression="none", use_dictionary=False, write_statistics=False
        )
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kamlib-stage")
        self._pending = None

    def __call__(self, frame: pd.DataFrame) -> None:
        frame = frame.assign(_row=np.arange(self.rows, self.rows + len(frame), dtype="int64"))
        table = self._pa.Table.from_pandas(frame, schema=self.schema, preserve_index=False)
        self._wait()
        self._pending = self._thread.submit(self._writer.write_table, table)
        self.rows += len(frame)

    def _wait(self) -> None:
        if self._pending is not None:
            self._pending.result()  # a failed write raises here
            self._pending = None

    def close(self) -> None:
        try:
            self._wait()
        finally:
            self._thread.shutdown()
            self._writer.close()


def _write_clean(staged: Path, clean: Path, quarantined: np.ndarray) -> None:
    """The clean transactions file: the canonical columns of the staged lines that are neither
    rejected (``_bad``) nor quarantined (`quarantined`: their ``_row``), in the file's order."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = list(TABLES["transactions"])
    source = pq.ParquetFile(staged)
    drop = np.zeros(source.metadata.num_rows, dtype=bool)
    drop[quarantined] = True
    schema = _arrow_schema()
    start = 0
    with pq.ParquetWriter(clean, pa.schema([schema.field(c) for c in columns])) as writer:
        for group in range(source.num_row_groups):
            part = source.read_row_group(group, columns=[*columns, "_bad"])
            keep = ~drop[start : start + part.num_rows]
            keep &= ~part["_bad"].to_numpy(zero_copy_only=False)
            writer.write_table(part.select(columns).filter(pa.array(keep)))
            start += part.num_rows


def load_workspace(
    path: str | Path,
    *,
    mode: str | None = None,
    problems_file: str | Path | None = None,
    large: bool | None = None,
) -> Workspace:
    """Load, validate and reconcile the workspace at `path`.

    Parameters
    ----------
    path : str or Path
        Folder with the tables and (optionally) ``kam.toml``, or an fsspec URL of one
        (``"s3://bucket/exports"``: :mod:`kamlib.load.remote`).
    mode : {"strict", "lenient"}, optional
        Overrides ``[workspace] mode``. Strict raises on any error; lenient rejects the rows with
        errors and goes on (file-level errors, such as a missing required column, still raise).
    problems_file : str or Path, optional
        Where to write every problem found (CSV, safe to open in a spreadsheet).
    large : bool, optional
        Stage the transactions to Parquet chunk by chunk and check them in DuckDB, so memory
        stays bounded (``ws.source("transactions")`` is then the clean Parquet file, and
        ``ws.transactions`` reads it into pandas only when asked). Default: when the
        transactions files are larger than :data:`LARGE_BYTES`. Results are the same either way.

    Returns
    -------
    Workspace

    Raises
    ------
    ConfigError
        ``kam.toml`` is malformed or there is no transactions table.
    InputError
        Strict mode and any error; or a file that cannot be read at all.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "transactions.csv").write_text(
    ...     "account_id,date,revenue\\n00123,2024-01-31,100.5\\n00123,2024-02-29,-20\\n")
    >>> ws = load_workspace(d)
    >>> ws.transactions[["account_id", "revenue"]].values.tolist()
    [['00123', 100.5], ['00123', -20.0]]
    >>> ws.ledger.loc[0, ["read", "loaded", "rejected", "quarantined", "returns"]].tolist()
    [2, 2, 0, 0, 1]
    """
    cfg = read_config(path)
    mode = mode or cfg.mode
    if mode not in ("strict", "lenient"):
        raise ValueError(f"`mode` must be 'strict' or 'lenient', not {mode!r}")
    root = Path(cfg.root)
    as_of_cfg = pd.Timestamp(cfg.as_of) if cfg.as_of else None
    dates = plausible_dates(cfg)
    tx_cfg = cfg.tables["transactions"]
    if large is None:
        large = sum(f.stat().st_size for f in tx_cfg.files) > LARGE_BYTES
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame] = {}
    reads: dict[str, _TableRead] = {}
    staging = tempfile.TemporaryDirectory(prefix="kamlib-") if large else None
    sink = None
    for table, tcfg in cfg.tables.items():
        if table == "transactions" and large:
            sink = _ParquetSink(Path(staging.name) / "staged.parquet")
            try:
                reads[table] = _read_table(table, tcfg, root, cfg.timezone, sink, problems, dates)
            finally:
                sink.close()
            continue
        parts: list[pd.DataFrame] = []
        reads[table] = _read_table(table, tcfg, root, cfg.timezone, parts.append, problems, dates)
        if parts:
            frames[table] = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        else:
            frames[table] = empty_frame(table).assign(
                _file=pd.Series(dtype="str"),
                _line=pd.Series(dtype="int64"),
                _bad=pd.Series(dtype="bool"),
            )
    if "accounts" in frames and reads["accounts"].read == 0 and reads["transactions"].read > 0:
        acc_files = ", ".join(f.relative_to(root).as_posix() for f in cfg.tables["accounts"].files)
        problems.append(
            Problem(
                acc_files,
                None,
                None,
                "empty-table",
                "the accounts table has a header but no rows: every transaction would be "
                "quarantined as an orphan; fill it or remove the file (accounts are then "
                "derived from the transactions)",
            )
        )

    def stop() -> InputError:
        """The error that ends the load; every problem found so far goes to `problems_file`."""
        written = None
        if problems_file is not None:
            written = write_problems(_problem_frame(_sorted(problems)), problems_file)
        return InputError(
            _sorted([p for p in problems if p.severity == "error"]), problems_file=written
        )

    # a file that cannot be read (encoding, header, structure of the whole file) stops the load
    if any(p.severity == "error" and p.code in _FILE_LEVEL for p in problems):
        raise stop()
    for table, frame in frames.items():
        labelled = replace(
            cfg.tables[table], columns={**cfg.tables[table].columns, **reads[table].labels}
        )
        _primary_keys(table, frame[~frame["_bad"]], labelled, problems)
    errors = [p for p in problems if p.severity == "error"]
    if errors and (mode == "strict" or any(p.code == "primary-key" for p in errors)):
        raise stop()

    # business rules on transactions, in DuckDB (rows with errors are rejected in lenient mode)
    has_accounts = "accounts" in frames
    accounts = frames["accounts"][~frames["accounts"]["_bad"]] if has_accounts else None
    known = accounts[["account_id"]].dropna() if has_accounts else None
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    if large:
        con.execute(f"SET memory_limit = '{_DUCKDB_MEMORY}'; SET temp_directory = '{staging.name}'")
        source = f"read_parquet('{sink.path}')"
    else:
        tx = frames["transactions"]
        tx["_row"] = np.arange(len(tx), dtype="int64")
        con.register("tx", tx)
        source = "tx"
    horizon = as_of_cfg if as_of_cfg is not None else pd.Timestamp.today().normalize()
    flags = _transaction_flags(con, source, cfg, known, horizon)
    tx_labels = dict(reads["transactions"].labels)
    if "revenue" not in tx_labels and {"quantity", "unit_price"} <= set(tx_labels):
        tx_labels["revenue"] = f"{tx_labels['quantity']} x {tx_labels['unit_price']}"
    _flag_problems(
        flags,
        cfg,
        replace(tx_cfg, columns={**tx_cfg.columns, **tx_labels}),
        horizon,
        problems,
        labels=tx_labels,
    )
    con.register("qrows", flags.loc[flags["quarantined"], ["_row"]])
    totals = con.execute(_LEDGER_SQL.replace("{source}", source)).df().iloc[0]
    tx_files = [f.relative_to(root).as_posix() for f in tx_cfg.files]
    ledger_rows = [
        {
            **_ledger_row(
                "transactions",
                tx_files,
                reads["transactions"].read,
                int(totals.parsed),
                int(totals.rejected),
                int(totals.quarantined),
            ),
            **{
                k: float(totals[k])
                for k in (
                    "revenue_read",
                    "revenue_loaded",
                    "revenue_rejected",
                    "revenue_quarantined",
                    "returns_revenue",
                )
            },
            "returns": int(totals.returns),
            "duplicates": int(flags["dup"].sum()),
            "zero_value": int(totals.zero_value),
            "revenue_from": "; ".join(reads["transactions"].revenue_from) or "no file read",
            "unparsed": reads["transactions"].read - int(totals.parsed) + int(totals.unparsed),
        }
    ]
    if ledger_rows[0]["read"] > 0 and ledger_rows[0]["loaded"] == 0:
        row = ledger_rows[0]
        written = None
        if problems_file is not None:
            written = write_problems(_problem_frame(_sorted(problems)), problems_file)
        raise InputError(
            [
                Problem(
                    ", ".join(tx_files),
                    None,
                    None,
                    "nothing-loaded",
                    f"none of the {row['read']} transaction line(s) read could be loaded "
                    f"({row['rejected']} rejected, {row['quarantined']} quarantined); "
                    f"nothing to analyse",
                ),
                *_sorted([p for p in problems if p.severity in ("error", "quarantine")]),
            ],
            problems_file=written,
        )
    canonical = ", ".join(TABLES["transactions"])
    quarantined: dict[str, pd.DataFrame] = {}
    sources: dict[str, Path] = {}
    tables: dict[str, pd.DataFrame] = {}
    if flags["quarantined"].any():
        quarantined["transactions"] = (
            con.execute(
                f"SELECT {canonical}, _file, _line FROM {source} WHERE _row IN (SELECT _row FROM qrows) ORDER BY _row"
            )
            .df()
            .pipe(_typed, "transactions")
        )
    if large:
        clean = Path(staging.name) / "transactions.parquet"
        _write_clean(
            sink.path, clean, flags.loc[flags["quarantined"], "_row"].to_numpy(dtype="int64")
        )
        sources["transactions"] = clean
        tx_ids = con.execute(
            f"SELECT DISTINCT account_id FROM read_parquet('{clean}') WHERE account_id IS NOT NULL"
        ).df()
    else:
        keep = (
            ~tx["_bad"].to_numpy()
            & ~tx["_row"].isin(flags.loc[flags["quarantined"], "_row"]).to_numpy()
        )
        tables["transactions"] = (
            tx[keep].drop(columns=[*_LINEAGE, "_bad", "_row"]).reset_index(drop=True)
        )
        tx_ids = tables["transactions"][["account_id"]].dropna().drop_duplicates()
        del frames["transactions"]

    # other tables: rows of unknown accounts are quarantined
    known_ids = set((known if has_accounts else tx_ids)["account_id"])
    for table, frame in frames.items():
        bad = frame["_bad"].to_numpy()
        q = np.zeros(len(frame), dtype=bool)
        if table != "accounts" and "account_id" in frame:
            q = (
                ~bad
                & frame["account_id"].notna().to_numpy()
                & ~frame["account_id"].isin(known_ids).to_numpy()
            )
            _mark(
                frame,
                q,
                "orphan-account",
                "account id not in the accounts table: quarantined",
                cfg.tables[table].foreign("account_id"),
                "quarantine",
                problems,
                "account_id",
            )
        files = [f.relative_to(root).as_posix() for f in cfg.tables[table].files]
        ledger_rows.append(
            _ledger_row(table, files, reads[table].read, len(frame), int(bad.sum()), int(q.sum()))
        )
        tables[table] = frame[~bad & ~q].drop(columns=[*_LINEAGE, "_bad"]).reset_index(drop=True)
        if q.any():
            quarantined[table] = frame[q].drop(columns=["_bad"]).reset_index(drop=True)
    derived: tuple[str, ...] = ()
    if "accounts" not in tables:
        tables["accounts"] = _derive_accounts(
            con, sources.get("transactions"), tables.get("transactions")
        )
        derived = ("accounts",)
    attributes = [c for c in ACCOUNT_ATTRIBUTES if c in tx_labels]
    if attributes:
        tables["accounts"], filled = _fill_accounts(
            con,
            sources.get("transactions"),
            tables.get("transactions"),
            tables["accounts"],
            attributes,
        )
        derived += tuple(f"accounts.{c}" for c, n in filled.items() if n)
        for c, n in filled.items():
            if n:
                log.info("accounts.%s: %d account(s) take it from the transactions", c, n)
    con.close()

    as_of = as_of_cfg
    if as_of is None:
        last = totals.last_date
        as_of = (
            pd.Timestamp(last).normalize() if pd.notna(last) else pd.Timestamp.today().normalize()
        )
    ledger = pd.DataFrame(ledger_rows)
    ledger = ledger.astype(
        {c: "Int64" for c in ("returns", "duplicates", "zero_value", "unparsed")}
    )
    ledger["revenue_from"] = ledger["revenue_from"].astype("str")
    set_aside = _set_aside(flags, ledger, quarantined, cfg)
    problem_frame = _problem_frame(problems)
    for (code, sev), n in Counter(
        (p.code, p.severity) for p in problems if p.severity != "error"
    ).items():
        log.warning("%s: %d %s line(s)", code, n, sev) if sev == "quarantine" else log.info(
            "%s: %d warning(s)", code, n
        )
    ws = Workspace(
        root,
        cfg,
        {t: tables[t] for t in TABLES if t in tables},
        ledger,
        problem_frame,
        as_of,
        quarantined,
        derived,
        sources,
        staging,
        set_aside,
    )
    if problems_file is not None:
        write_problems(problem_frame, problems_file)
    return ws


def plausible_dates(config: Config) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The plausible range of dates on the time axis: ``date_min`` .. ``date_max`` of kam.toml.

    ``date_max`` defaults to the analysis date (``as_of``, else today) plus one year.

    >>> from kamlib.load.config import Config
    >>> [d.date().isoformat() for d in plausible_dates(Config(Path("."), {}, as_of="2025-12-31"))]
    ['1990-01-01', '2026-12-31']
    """
    lo = pd.Timestamp(config.date_min)
    if config.date_max is not None:
        return lo, pd.Timestamp(config.date_max) + pd.Timedelta(days=1) - pd.Timedelta(1, "us")
    base = pd.Timestamp(config.as_of) if config.as_of else pd.Timestamp.today().normalize()
    return lo, base + pd.DateOffset(years=1) + pd.Timedelta(days=1) - pd.Timedelta(1, "us")


def _typed(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Canonical dtypes for a frame that came back from DuckDB."""
    dtypes = {c: col.dtype for c, col in TABLES[table].items() if c in frame}
    return frame.astype(dtypes)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line if p.line is not None else -1))


_FILE_LEVEL = {
    "bad-encoding",
    "bom-mismatch",
    "encoding-error",
    "suspected-wrong-encoding",
    "empty-file",
    "unreadable-file",
    "sheet-required",
    "sheet-not-found",
    "header-not-found",
    "missing-column",
    "duplicate-label",
    "header-collision",
    "unbalanced-quote",
    "bad-quote",
    "bom-missing",
    "field-too-long",
    "xlsx-too-large",
    "empty-table",
}


def _problem_frame(problems: list[Problem]) -> pd.DataFrame:
    rows = [(p.file, p.line, p.column, p.code, p.severity, p.message, p.excerpt) for p in problems]
    frame = pd.DataFrame(rows, columns=_PROBLEM_COLUMNS)
    frame["line"] = frame["line"].astype("Int64")
    return frame


def write_problems(problems: pd.DataFrame, path: str | Path) -> Path:
    """Write the problems frame as CSV that is safe to open in a spreadsheet.

    The file is written next to `path` under a temporary name and renamed over it, so a link at
    `path` is replaced by the file and its target is never written (nor is a half-written file
    ever left at `path`).

    Raises
    ------
    SetupError
        The folder cannot be written (read-only workspace, no space, a folder at `path`).
    """
    path = Path(path)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".problems-", suffix=".tmp", dir=path.parent)
        os.close(fd)
        safe_csv(problems[_PROBLEM_COLUMNS], tmp)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        raise SetupError(
            f"cannot write the problems file {path}: {exc.strerror or exc}; "
            f"pass --problems with a path in a writable folder"
        ) from None
    return path

"""Loading a workspace: read, parse, validate, apply business rules, reconcile.

``load_workspace(path)`` is the single entry point. The stages are explicit and each one reports
every problem it finds with file, physical line and column:

1. reading (:mod:`kamlib.reading`): bytes to cells; structure (encoding, delimiter, extra or
   missing cells, quotes, sheets, header row, merged and formula cells);
2. mapping and parsing (:mod:`kamlib.parsing`): foreign column names to canonical ones, and each
   cell to its canonical type;
3. validation (pandera, all failures collected): required values present, values in range;
4. business rules: duplicate primary keys, unassigned and orphan account ids, sign conflicts,
   mixed currencies, duplicates, returns, negative margins, outliers, future dates.

Strict mode (the default) raises :class:`kamlib.InputError` listing every error. Lenient mode
rejects rows with errors and goes on. In both modes the documented cleaning rules quarantine
rows (blank or unknown account id, sign conflict, mixed currency, dropped duplicates, future
dates when so configured); quarantined rows are counted and listed, never lost:
``read == loaded + rejected + quarantined`` holds for every table, and so do the revenue totals.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from kamlib.config import Config, TableConfig, read_config
from kamlib.errors import InputError, Problem
from kamlib.export import safe_csv
from kamlib.parsing import parse_column
from kamlib.reading import read_file
from kamlib.schema import PRIMARY_KEYS, TABLES, empty_frame

__all__ = ["Workspace", "load_workspace", "resolve_workspace", "write_problems", "OUTLIER_FACTOR"]

log = logging.getLogger("kamlib")

OUTLIER_FACTOR = 1000.0
_LINEAGE = ["_file", "_line"]
_PROBLEM_COLUMNS = ["file", "line", "column", "code", "severity", "message", "excerpt"]


@dataclass
class Workspace:
    """A loaded workspace: typed canonical tables, the configuration, a ledger and the problems.

    Every canonical table is an attribute (``ws.transactions``, ``ws.contacts`` ...): the loaded
    frame, or an empty frame with the canonical columns when the workspace has no such table
    (``ws.has("contacts")`` tells which). ``accounts`` is derived from the transactions when the
    workspace has no accounts table.
    """

    path: Path
    config: Config
    tables: dict[str, pd.DataFrame]
    ledger: pd.DataFrame
    problems: pd.DataFrame
    as_of: pd.Timestamp
    quarantine: dict[str, pd.DataFrame] = field(default_factory=dict)
    derived: tuple[str, ...] = ()

    def has(self, table: str) -> bool:
        """True when the workspace provides `table` (derived accounts count as provided)."""
        return table in self.tables

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name in TABLES:
            frame = self.__dict__["tables"].get(name)
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
    """
    if str(workspace).strip():
        return Path(workspace)
    return Path(__file__).resolve().parents[1] / "data" / "sample"


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


def _validate(table: str, frame: pd.DataFrame, tcfg: TableConfig) -> list[tuple[int, Problem]]:
    """pandera, lazily: every missing required value and out-of-range value, with its row and line."""
    spec = TABLES[table]
    try:
        _schema(table).validate(frame[[c for c in spec if c in frame]], lazy=True)
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
                msg = f"value outside the allowed range {lo if lo is not None else '-inf'}..{hi if hi is not None else 'inf'}"
            out.append((pos, Problem(frame["_file"].iat[pos], int(frame["_line"].iat[pos]),
                                     tcfg.foreign(row.column), code, msg, _excerpt(row.failure_case, col.personal))))
        return out
    return []


def _header_problems(table: str, tcfg: TableConfig, raw) -> tuple[list[Problem], dict[str, str]]:
    """Check the header: duplicates, required columns; return the canonical -> file name mapping."""
    spec = TABLES[table]
    problems: list[Problem] = []
    header = raw.header
    present = {c: tcfg.foreign(c) for c in spec if tcfg.foreign(c) in header}
    counts = Counter(header)
    for label, n in counts.items():
        if n > 1 and label:
            used = label in present.values()
            problems.append(Problem(raw.file, raw.header_line, label, "duplicate-label",
                                    f"the header has {n} columns named {label!r}"
                                    + ("" if used else " (not used: ignored)"),
                                    severity="error" if used else "warning"))
    missing = [tcfg.foreign(c) for c, col in spec.items() if col.required and c not in present]
    if missing:
        hint = ""
        counts_d = raw.delimiter_counts
        if counts_d:
            best = max(counts_d, key=counts_d.get)
            if best != tcfg.read.delimiter and counts_d[best] >= len(header):
                hint = f"; the header looks {best!r}-separated: set delimiter = {best!r} in kam.toml"
        problems.append(Problem(raw.file, raw.header_line, ", ".join(missing), "missing-column",
                                f"required column(s) {', '.join(repr(m) for m in missing)} not found in the "
                                f"header ({len(header)} column(s): {', '.join(header[:8])}){hint}"))
    unused = [h for h in dict.fromkeys(header) if h and h not in present.values()]
    if unused:
        log.info("%s: column(s) not used by kamlib and dropped: %s", raw.file, ", ".join(unused))
    return problems, present


def _load_file(table: str, tcfg: TableConfig, path: Path, root: Path, timezone: str | None):
    spec = TABLES[table]
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    expected = [tcfg.foreign(c) for c, col in spec.items() if col.required]
    raw = read_file(path, tcfg.read, rel, expected=expected)
    problems = list(raw.problems)
    if raw.fatal:
        return None, raw.records, problems
    header_problems, present = _header_problems(table, tcfg, raw)
    problems += header_problems
    if any(p.severity == "error" for p in header_problems):
        return None, raw.records, problems
    n = len(raw.frame)
    lines = np.asarray(raw.lines, dtype="int64")
    cols: dict[str, pd.Series] = {}
    bad = np.zeros(n, dtype=bool)
    currency_marks = None
    for canon, foreign in present.items():
        col = spec[canon]
        cells = raw.frame[foreign]
        if isinstance(cells, pd.DataFrame):  # an unused duplicate label: take the first
            cells = cells.iloc[:, 0]
        parsed = parse_column(cells, col.kind, decimal=tcfg.read.decimal, thousands=tcfg.read.thousands,
                              date_format=tcfg.read.date_format, timezone=timezone,
                              id_rules=tcfg.ids if col.kind == "id" else None)
        for note in parsed.notes:
            log.info("%s column %r: %s", raw.file, foreign, note)
        for f in parsed.findings:
            for pos in f.positions:
                problems.append(Problem(raw.file, int(lines[pos]), foreign, f.code, f.message,
                                        _excerpt(cells.iat[pos], col.personal), f.severity))
            if f.severity == "error":
                bad[f.positions] = True
        cols[canon] = parsed.values
        if canon == "revenue" and parsed.currency is not None:
            currency_marks = parsed.currency
    frame = pd.DataFrame(cols, index=range(n))
    for canon, col in spec.items():
        if canon not in frame:
            frame[canon] = pd.Series(index=frame.index, dtype=col.dtype)
    frame = frame[list(spec)]
    frame["_file"] = pd.Series([raw.file] * n, dtype="str")
    frame["_line"] = lines
    if currency_marks is not None:
        clash = currency_marks.notna() & frame["currency"].notna() & (currency_marks != frame["currency"])
        for pos in np.flatnonzero(clash.to_numpy()):
            problems.append(Problem(raw.file, int(lines[pos]), tcfg.foreign("revenue"), "currency-conflict",
                                    f"the value's currency symbol means {currency_marks.iat[pos]} but the "
                                    f"currency column says {frame['currency'].iat[pos]}",
                                    _excerpt(raw.frame[tcfg.foreign("revenue")].iat[pos], False)))
        bad |= clash.to_numpy()
        fill = frame["currency"].isna() & currency_marks.notna()
        frame.loc[fill, "currency"] = currency_marks[fill]
    ok = np.flatnonzero(~bad)
    for pos, problem in _validate(table, frame.iloc[ok].reset_index(drop=True), tcfg):
        problems.append(problem)
        bad[ok[pos]] = True
    frame["_bad"] = bad
    return frame, raw.records, problems


def _mark(frame: pd.DataFrame, mask, code: str, message: str, column: str | None, severity: str,
          problems: list[Problem], excerpt_col: str | None = None) -> None:
    for pos in np.flatnonzero(np.asarray(mask)):
        ex = "" if excerpt_col is None else _excerpt(frame[excerpt_col].iat[pos], False)
        problems.append(Problem(frame["_file"].iat[pos], int(frame["_line"].iat[pos]), column, code,
                                message, ex, severity))


def _primary_keys(table: str, frame: pd.DataFrame, tcfg: TableConfig, problems: list[Problem]) -> None:
    keys = list(PRIMARY_KEYS.get(table, ()))
    if not keys or frame.empty:
        return
    dup = frame.duplicated(keys, keep=False) & frame[keys].notna().all(axis=1)
    if dup.any():
        groups = frame[dup].groupby(keys, sort=True)["_line"].apply(list)
        for key, lines in groups.items():
            key = key[0] if isinstance(key, tuple) else key
            for pos in np.flatnonzero((dup & frame[keys[0]].eq(key)).to_numpy()):
                problems.append(Problem(frame["_file"].iat[pos], int(frame["_line"].iat[pos]),
                                        tcfg.foreign(keys[0]), "primary-key",
                                        f"{keys[0]} {key!r} occurs {len(lines)} times (lines "
                                        f"{', '.join(map(str, lines[:6]))}); a master table needs unique keys, "
                                        f"or every join would multiply revenue", _excerpt(key, False)))


def _transaction_rules(tx: pd.DataFrame, cfg: Config, tcfg: TableConfig, as_of_cfg, problems: list[Problem]):
    """Quarantine masks and warnings for transactions; returns (quarantine mask, notes)."""
    q = np.zeros(len(tx), dtype=bool)
    acc = tcfg.foreign("account_id")
    unassigned = tx["account_id"].isna().to_numpy()
    _mark(tx, unassigned, "unassigned", "no account id: the line is quarantined as unassigned revenue",
          acc, "quarantine", problems)
    q |= unassigned
    qty, rev = tx["quantity"], tx["revenue"]
    conflict = ((qty < 0) & (rev > 0)) | ((qty > 0) & (rev < 0))
    conflict = conflict.fillna(False).to_numpy(dtype=bool) & ~q
    _mark(tx, conflict, "sign-conflict", "quantity and revenue have opposite signs (a return needs both negative)",
          tcfg.foreign("revenue"), "quarantine", problems, "revenue")
    q |= conflict
    cur = tx.loc[~q & tx["currency"].notna().to_numpy(), ["account_id", "currency"]]
    multi = cur.groupby("account_id")["currency"].nunique()
    multi = multi[multi > 1].index
    mixed = tx["account_id"].isin(multi).to_numpy() & ~q
    _mark(tx, mixed, "mixed-currency",
          "the account is billed in several currencies and the workspace has no exchange rates; "
          "its lines are set aside", tcfg.foreign("currency"), "quarantine", problems, "currency")
    q |= mixed
    dup = tx.drop(columns=["_file", "_line", "_bad"]).duplicated(keep="first").to_numpy() & ~q
    if cfg.duplicates == "drop":
        _mark(tx, dup, "duplicate-row", "exact duplicate of an earlier line: dropped (duplicates = \"drop\")",
              None, "quarantine", problems)
        q |= dup
    else:
        _mark(tx, dup, "duplicate-row", "exact duplicate of an earlier line: kept (duplicates = \"keep\")",
              None, "warning", problems)
    horizon = as_of_cfg if as_of_cfg is not None else pd.Timestamp.today().normalize()
    future = (tx["date"] > horizon + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)).to_numpy() & ~q
    sev = "quarantine" if cfg.future_dates == "quarantine" else "warning"
    _mark(tx, future, "future-date", f"dated after the analysis date {horizon.date()}",
          tcfg.foreign("date"), sev, problems, "date")
    if sev == "quarantine":
        q |= future
    neg = ((tx["cost"] > tx["revenue"]) & (tx["revenue"] > 0)).to_numpy() & ~q
    _mark(tx, neg, "negative-margin", "cost exceeds revenue: kept, the margin is negative",
          tcfg.foreign("cost"), "warning", problems, "revenue")
    size = tx["revenue"].abs()
    base = size[(size > 0).to_numpy() & ~q].median()
    if len(tx) >= 10 and pd.notna(base) and base > 0:
        outlier = (size > OUTLIER_FACTOR * base).to_numpy() & ~q
        _mark(tx, outlier, "outlier", f"revenue over {OUTLIER_FACTOR:g} x the median line ({base:,.2f}): kept, check it",
              tcfg.foreign("revenue"), "warning", problems, "revenue")
    return q, int(dup.sum())


def _derive_profit(tx: pd.DataFrame, tcfg: TableConfig, problems: list[Problem]) -> pd.DataFrame:
    tx = tx.copy()
    has_cost, has_gp = tx["cost"].notna(), tx["gross_profit"].notna()
    both = has_cost & has_gp
    mismatch = both & ((tx["revenue"] - tx["cost"] - tx["gross_profit"]).abs() > 0.01)
    _mark(tx, mismatch.to_numpy(), "profit-mismatch", "gross_profit differs from revenue - cost: cost is kept, "
          "gross_profit recomputed", tcfg.foreign("gross_profit"), "warning", problems, "gross_profit")
    tx["gross_profit"] = tx["gross_profit"].where(~has_cost, tx["revenue"] - tx["cost"])
    tx["cost"] = tx["cost"].where(has_cost, tx["revenue"] - tx["gross_profit"])
    return tx


def _derive_accounts(tx: pd.DataFrame) -> pd.DataFrame:
    ids = pd.Series(sorted(tx["account_id"].dropna().unique()), dtype="str", name="account_id")
    acc = empty_frame("accounts").reindex(range(len(ids)))
    acc = acc.astype({c: col.dtype for c, col in TABLES["accounts"].items()})
    acc["account_id"] = ids
    names = tx.dropna(subset=["account_id", "account_name"])
    if len(names):
        top = (names.groupby(["account_id", "account_name"]).size().rename("n").reset_index()
               .sort_values(["account_id", "n", "account_name"], ascending=[True, False, True])
               .drop_duplicates("account_id"))
        acc["name"] = acc["account_id"].map(top.set_index("account_id")["account_name"]).astype("str")
    return acc


def _ledger_row(table: str, frame: pd.DataFrame | None, read: int, rejected_mask, q_mask, files, dups: int) -> dict:
    row = {"table": table, "files": ", ".join(files), "read": read}
    if frame is None:
        frame = pd.DataFrame({"revenue": []})
        rejected_mask = q_mask = np.zeros(0, dtype=bool)
    parsed = len(frame)
    loaded_mask = ~rejected_mask & ~q_mask
    row.update(loaded=int(loaded_mask.sum()), rejected=read - parsed + int(rejected_mask.sum()),
               quarantined=int(q_mask.sum()))
    if table == "transactions":
        rev = frame["revenue"].fillna(0.0).to_numpy()
        row.update(revenue_read=float(rev.sum()), revenue_loaded=float(rev[loaded_mask].sum()),
                   revenue_rejected=float(rev[rejected_mask].sum()), revenue_quarantined=float(rev[q_mask].sum()))
        ret = loaded_mask & (rev < 0)
        row.update(returns=int(ret.sum()), returns_revenue=float(rev[ret].sum()), duplicates=dups)
    return row


def load_workspace(path: str | Path, *, mode: str | None = None, problems_file: str | Path | None = None) -> Workspace:
    """Load, validate and reconcile the workspace at `path`.

    Parameters
    ----------
    path : str or Path
        Folder with the tables and (optionally) ``kam.toml``.
    mode : {"strict", "lenient"}, optional
        Overrides ``[workspace] mode``. Strict raises on any error; lenient rejects the rows with
        errors and goes on (file-level errors, such as a missing required column, still raise).
    problems_file : str or Path, optional
        Where to write every problem found (CSV, safe to open in a spreadsheet).

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
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame] = {}
    reads: dict[str, int] = {}
    for table, tcfg in cfg.tables.items():
        parts, read = [], 0
        for f in tcfg.files:
            frame, n, probs = _load_file(table, tcfg, f, root, cfg.timezone)
            problems += probs
            read += n
            if frame is not None:
                parts.append(frame)
        reads[table] = read
        if parts:
            frames[table] = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    # a file that cannot be read (encoding, header, structure of the whole file) stops the load
    fatal = [p for p in problems if p.severity == "error" and p.code in _FILE_LEVEL]
    if fatal:
        raise InputError(_sorted([p for p in problems if p.severity == "error"]))

    for table, frame in frames.items():
        _primary_keys(table, frame[~frame["_bad"]], cfg.tables[table], problems)
    if "transactions" in frames:
        frames["transactions"] = _derive_profit(frames["transactions"], cfg.tables["transactions"], problems)

    errors = [p for p in problems if p.severity == "error"]
    pk_errors = [p for p in errors if p.code == "primary-key"]
    if errors and (mode == "strict" or pk_errors):
        raise InputError(_sorted(errors))

    # rows with errors are rejected (lenient mode); the rules below see only the good rows
    quarantine_masks: dict[str, np.ndarray] = {}
    dups = 0
    tx = frames.get("transactions")
    txq = np.zeros(len(tx), dtype=bool)
    good = ~tx["_bad"].to_numpy()
    sub = tx[good].reset_index(drop=True)
    q_sub, dups = _transaction_rules(sub, cfg, cfg.tables["transactions"], as_of_cfg, problems)
    txq[np.flatnonzero(good)[q_sub]] = True
    quarantine_masks["transactions"] = txq

    derived: tuple[str, ...] = ()
    if "accounts" in frames:
        known = set(frames["accounts"].loc[~frames["accounts"]["_bad"], "account_id"].dropna())
    else:
        kept = tx[good & ~txq]
        known = set(kept["account_id"].dropna())
    for table, frame in frames.items():
        if table == "accounts" or "account_id" not in frame:
            continue
        mask = quarantine_masks.setdefault(table, np.zeros(len(frame), dtype=bool))
        cand = ~frame["_bad"].to_numpy() & ~mask & frame["account_id"].notna().to_numpy()
        orphan = cand & ~frame["account_id"].isin(known).to_numpy()
        _mark(frame, orphan, "orphan-account", "account id not in the accounts table: quarantined",
              cfg.tables[table].foreign("account_id"), "quarantine", problems, "account_id")
        mask |= orphan

    ledger_rows, tables, quarantined = [], {}, {}
    for table, frame in frames.items():
        bad = frame["_bad"].to_numpy()
        q = quarantine_masks.get(table, np.zeros(len(frame), dtype=bool))
        files = [f.relative_to(root).as_posix() for f in cfg.tables[table].files]
        ledger_rows.append(_ledger_row(table, frame, reads[table], bad, q, files,
                                       dups if table == "transactions" else 0))
        keep = ~bad & ~q
        clean = frame[keep].drop(columns=["_bad"]).reset_index(drop=True)
        tables[table] = clean.drop(columns=_LINEAGE)
        if q.any():
            quarantined[table] = frame[q].drop(columns=["_bad"]).reset_index(drop=True)
    if "accounts" not in tables:
        tables["accounts"] = _derive_accounts(tables["transactions"])
        derived = ("accounts",)
    tables = {t: tables[t] for t in TABLES if t in tables}

    as_of = as_of_cfg
    if as_of is None:
        last = tables["transactions"]["date"].max()
        as_of = last.normalize() if pd.notna(last) else pd.Timestamp.today().normalize()
    ledger = pd.DataFrame(ledger_rows)
    ledger = ledger.astype({c: "Int64" for c in ("returns", "duplicates") if c in ledger})
    problem_frame = _problem_frame(problems)
    for (code, sev), n in Counter((p.code, p.severity) for p in problems if p.severity != "error").items():
        log.warning("%s: %d %s line(s)", code, n, sev) if sev == "quarantine" else log.info("%s: %d warning(s)", code, n)
    ws = Workspace(root, cfg, tables, ledger, problem_frame, as_of, quarantined, derived)
    if problems_file is not None:
        write_problems(problem_frame, problems_file)
    return ws


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line if p.line is not None else -1))


_FILE_LEVEL = {"bad-encoding", "bom-mismatch", "encoding-error", "suspected-wrong-encoding", "empty-file",
               "unreadable-file", "sheet-required", "sheet-not-found", "header-not-found", "missing-column",
               "duplicate-label", "unbalanced-quote", "bad-quote"}


def _problem_frame(problems: list[Problem]) -> pd.DataFrame:
    rows = [(p.file, p.line, p.column, p.code, p.severity, p.message, p.excerpt) for p in problems]
    frame = pd.DataFrame(rows, columns=_PROBLEM_COLUMNS)
    frame["line"] = frame["line"].astype("Int64")
    return frame


def write_problems(problems: pd.DataFrame, path: str | Path) -> Path:
    """Write the problems frame as CSV that is safe to open in a spreadsheet."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return safe_csv(problems[_PROBLEM_COLUMNS], path)

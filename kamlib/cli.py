"""The ``kam`` command: validate, summarise, render and export a workspace; generate the sample.

Exit codes follow sysexits so a scheduler can act on them: 0 ok, 3 some reports failed
(``kam render``), 64 a bad option (``EX_USAGE``), 65 bad input (``EX_DATAERR``), 74 the output
folder's disk is full (``EX_IOERR``; what was published stays), 75 retry
later: another run holds the lock (``EX_TEMPFAIL``), 78 bad configuration (``EX_CONFIG``); they
are defined once, in :mod:`kamlib.errors`. Bad input never prints a traceback: one readable
paragraph per problem.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from kamlib.bundled import notebooks_folder
from kamlib.errors import (
    EXIT_DISK_FULL,
    EXIT_FAILED,
    EXIT_OK,
    ArgumentError,
    BusyError,
    InputError,
    KamlibError,
)

__all__ = ["main"]


def _print_ledger(ws) -> None:
    import pandas as pd

    from kamlib.load.remote import source

    cols = ["table", "read", "loaded", "rejected", "quarantined"]
    print(f"workspace {source(ws.path) or ws.path}  (analysis date {ws.as_of.date()})")
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        print(ws.ledger[cols].to_string(index=False))
    tx = ws.ledger[ws.ledger["table"] == "transactions"].iloc[0]
    print(
        f"transactions revenue: read {tx.revenue_read:,.2f} = loaded {tx.revenue_loaded:,.2f}"
        f" + rejected {tx.revenue_rejected:,.2f} + quarantined {tx.revenue_quarantined:,.2f};"
        f" returns {tx.returns} lines ({tx.returns_revenue:,.2f}); exact duplicates {tx.duplicates};"
        f" zero-value lines {tx.zero_value}"
    )
    print(f"transactions revenue from: {tx.revenue_from}")
    if tx.unparsed:
        print(
            f"  {tx.unparsed} rejected line(s) have no readable revenue cell and are in no total"
            f" (their lines are in the problems)"
        )
    if ws.derived:
        print(f"derived from the transactions: {', '.join(ws.derived)}")
    if len(ws.problems):
        print(f"\n{len(ws.problems)} finding(s) (warnings and quarantined lines):")
        grouped = ws.problems.groupby(["code", "severity"], sort=True)
        for (code, severity), g in grouped:
            where = ", ".join(
                f"{f}:{ln}" for f, ln in g[["file", "line"]].head(3).itertuples(index=False)
            )
            more = f" and {len(g) - 3} more" if len(g) > 3 else ""
            print(f"  {code} ({severity}): {len(g)}  e.g. {where}{more}")


def _stdout_closed() -> int:
    """The reader of our output went away (``kam validate ws | head``): stop without a traceback.

    Standard output is pointed at the null device so that the final flush cannot fail again.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_OK


def _validate(args) -> int:
    from kamlib.load.remote import is_url
    from kamlib.load.workspace import load_workspace

    problems = args.problems
    if args.lenient and problems is None:
        if is_url(args.workspace):
            raise ArgumentError(
                "--lenient with a workspace URL: give --problems FILE.csv (a local file)"
            )
        problems = Path(args.workspace) / "problems.csv"
    ws = load_workspace(
        args.workspace, mode="lenient" if args.lenient else None, problems_file=problems
    )
    try:
        _print_ledger(ws)
        if problems is not None:
            print(f"problems written to {problems}")
        sys.stdout.flush()
    except BrokenPipeError:
        return _stdout_closed()
    return EXIT_OK


#: The parameters of ``kam summary`` (as papermill describes a notebook's): the same names and
#: defaults as the notebooks', so that kam.toml [parameters] and -p mean the same everywhere.
SUMMARY_PARAMETERS = {
    "as_of": {"inferred_type_name": "str", "default": '""'},
    "months": {"inferred_type_name": "int", "default": "12"},
    "abc_a": {"inferred_type_name": "float", "default": "0.80"},
    "abc_b": {"inferred_type_name": "float", "default": "0.95"},
    "xyz_x": {"inferred_type_name": "float", "default": "0.5"},
    "xyz_y": {"inferred_type_name": "float", "default": "1.0"},
    "zero_periods": {"inferred_type_name": "str", "default": '"from_first"'},
}


def _bundled_parameters() -> set[str]:
    """Every parameter name the bundled notebooks declare (for kam.toml's [parameters])."""
    from kamlib.run.plan import notebook_catalogue

    try:
        return {n for _, _, _, declared in notebook_catalogue(None, None, None) for n in declared}
    except ArgumentError:  # no bundled notebooks (a stripped install)
        return set()


def _set_aside_lines(ws) -> list[str]:
    """What the loader kept out of the figures: one line per table and rule, amount and share."""
    tx = ws.ledger.set_index("table").loc["transactions"]
    lines = [f"\nRevenue read {tx.revenue_read:,.2f} ({tx.revenue_from})."]
    rows = ws.set_aside
    if rows.empty:
        lines.append("Set aside: nothing; every line read is in the figures above.")
    else:
        lines.append("Set aside, not in the figures above:")
        for r in rows.itertuples():
            money = "" if r.revenue != r.revenue else f", revenue {r.revenue:,.2f}"
            share = "" if r.share != r.share else f" ({r.share:.1%} of revenue read)"
            lines.append(f"  {r.table} {r.rule}: {r.lines:,} line(s){money}{share}; {r.reason}")
    if tx.zero_value:
        lines.append(f"Zero-value lines (kept, revenue 0): {tx.zero_value:,}.")
    return lines


def _language(args, ws) -> str:
    """The readers' language: ``--lang``, else ``lang`` in kam.toml, else English."""
    from kamlib.language import LANGUAGES

    lang = args.lang or getattr(ws.config, "lang", None) or "en"
    if lang not in LANGUAGES:
        raise ArgumentError(
            f"--lang: {lang!r} is not a report language; choose one of {', '.join(LANGUAGES)}"
        )
    return lang


def _summary(args) -> int:
    from kamlib.language import use_language
    from kamlib.load.store import load_cached
    from kamlib.words.summary import portfolio_summary

    ws = load_cached(args.workspace)  # the workspace cache: instant on unchanged inputs
    use_language(_language(args, ws))
    try:
        print(portfolio_summary(ws, **_conventions(args, ws)))
        print("\n".join(_set_aside_lines(ws)))
        sys.stdout.flush()
    except BrokenPipeError:
        return _stdout_closed()
    return EXIT_OK


def _conventions(args, ws) -> dict:
    """The summary's and the export's parameters (-p, kam.toml) as keyword arguments."""
    from kamlib.run.parameters import resolve_parameters

    values = resolve_parameters(
        args.parameter or [],
        defaults=ws.config.parameters,
        declared={f"kam {args.command}": SUMMARY_PARAMETERS},
        available=_bundled_parameters(),
    )
    return {
        "as_of": values.get("as_of") or None,
        "months": values.get("months", 12),
        "abc_cutoffs": (values.get("abc_a", 0.80), values.get("abc_b", 0.95)),
        "xyz_cutoffs": (values.get("xyz_x", 0.5), values.get("xyz_y", 1.0)),
        "zero_periods": values.get("zero_periods", "from_first"),
    }


def _export(args) -> int:
    from kamlib.load.workspace import load_workspace
    from kamlib.run.export import export_workbook

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise ArgumentError(f"--out must name an .xlsx file, got {args.out!r}")
    if not out.parent.is_dir():
        raise ArgumentError(f"--out: the folder {out.parent} does not exist")
    ws = load_workspace(args.workspace)
    from kamlib.language import language

    with language(_language(args, ws)):
        path = export_workbook(ws, out, **_conventions(args, ws))
    print(f"kam export: wrote {path}")
    return EXIT_OK


def _select_accounts(ws, selection: str) -> list[str]:
    """Account ids for ``--accounts``: ``all``, ``key`` or a list.

    ``key``: the key clients (groups expanded to their member accounts) and the lost accounts
    that were key clients when they last bought (they head the win-back list: their brief is a
    win-back brief).
    """
    from kamlib.portfolio.clients import key_clients
    from kamlib.portfolio.managers import lost_key_accounts

    known = ws.accounts["account_id"]
    if selection == "all":
        bought = set(ws.transactions["account_id"])
        return [a for a in known if a in bought]
    if selection == "key":
        key = set(
            key_clients(ws.transactions, ws.accounts, ws.products, as_of=ws.as_of)["client_id"]
        )
        members = known[known.isin(key) | ws.accounts["parent_id"].isin(key)]
        lost = lost_key_accounts(
            ws.transactions,
            ws.accounts,
            ws.products if ws.has("products") else None,
            as_of=ws.as_of,
        )
        return sorted(set(members) | set(lost))
    ids = [a.strip() for a in selection.split(",") if a.strip()]
    if not ids:
        raise ArgumentError(
            f"--accounts: no account id in {selection!r}; give 'key', 'all' or a "
            "comma-separated list of ids"
        )
    unknown = [a for a in ids if a not in set(known)]
    if unknown:
        raise ArgumentError(f"--accounts: unknown account id(s) {', '.join(unknown)}")
    return ids


def _render(args) -> int:
    from kamlib.load.store import load_cached
    from kamlib.run.parameters import resolve_parameters
    from kamlib.run.plan import notebook_catalogue
    from kamlib.run.render import render

    ws = load_cached(args.workspace)  # the workspace cache: instant on unchanged inputs
    lang = _language(args, ws)
    accounts = _select_accounts(ws, args.accounts)
    notebooks = None
    if args.notebooks:
        folder = notebooks_folder()
        notebooks = {}
        for name in args.notebooks.split(","):
            path = Path(name) if name.endswith(".ipynb") else folder / f"{name.strip()}.ipynb"
            if not path.is_file():
                raise ArgumentError(f"--notebooks: no notebook {path}")
            notebooks[path.stem] = path
    declared = {name: d for name, _, _, d in notebook_catalogue(notebooks, None, None)}
    parameters = resolve_parameters(
        args.parameter or [],
        defaults=ws.config.parameters,
        declared=declared,
        available=_bundled_parameters(),
    )
    if args.include_personal_details:
        parameters["include_personal_details"] = True
    result = render(
        ws,
        args.out,
        accounts=accounts,
        notebooks=notebooks,
        classes="abc_xyz",
        workers=args.workers,
        formats=tuple(args.format.split(",")),
        parameters=parameters or None,
        retry_failed=args.retry_failed,
        timeout=args.timeout,
        cell_timeout=args.cell_timeout,
        scheduler=args.scheduler,
        kernels=args.kernels,
        purpose=args.purpose,
        lang=lang,
    )
    if result.exit_code in (EXIT_OK, EXIT_FAILED, EXIT_DISK_FULL):
        print(f"open {Path(args.out).resolve() / 'index.html'}")
    return result.exit_code


def _notebooks(args) -> int:
    from kamlib.run.lab import write_notebooks

    written = write_notebooks(args.folder, lang=args.lang or "en", force=args.force)
    for path in written:
        print(f"wrote {path}")
    print(
        f"kam notebooks: {len(written)} notebook(s) in {args.folder}, in "
        f"{args.lang or 'en'}; open them with `jupyter lab {args.folder}`"
    )
    return EXIT_OK


def _cleanup(args) -> int:
    from kamlib.run.retention import cleanup, parse_age

    removed = cleanup(args.out, older_than_days=parse_age(args.older_than), dry_run=args.dry_run)
    verb = "would remove" if args.dry_run else "removed"
    for path in removed:
        print(f"{verb} {path}")
    print(
        f"kam cleanup: {verb} {len(removed)} run folder(s) older than {args.older_than} in {args.out}"
    )
    return EXIT_OK


def _sample(args) -> int:
    from kamlib.load import sample

    if args.lines:
        path = sample.write_transactions(
            Path(args.out),
            lines=args.lines,
            fmt=args.format,
            accounts=args.accounts,
            seed=args.seed,
        )
        print(f"wrote {args.lines:,} transaction lines to {path}")
    else:
        files = sample.write_sample(Path(args.out), seed=args.seed)
        print(f"wrote the sample portfolio (seed {args.seed}): {len(files)} files in {args.out}")
    return EXIT_OK


def _parameter_option(parser: argparse.ArgumentParser, names: str) -> None:
    parser.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help=f"set a parameter (repeatable; wins over kam.toml [parameters]): {names}. "
        "An unknown name exits 78 and lists the known ones",
    )


def _lang_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--lang",
        metavar="LANG",
        help=f"the language of {what}: en, fr, ru or af (default: lang in kam.toml, else en). "
        "Messages to the operator (errors, progress) stay English",
    )


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kam", description="Key Account Management analysis on CRM/ERP exports."
    )
    p.add_argument("-v", "--verbose", action="store_true", help="log what the loader does")
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser(
        "validate",
        help="load a workspace, print the ledger and problems",
        description="Exit 0 when the workspace loads, 65 on bad input, 78 on bad configuration.",
    )
    v.add_argument(
        "workspace", help="folder with kam.toml and the tables, or its URL (s3://bucket/folder)"
    )
    v.add_argument(
        "--lenient",
        action="store_true",
        help="reject bad rows instead of stopping (writes WORKSPACE/problems.csv unless --problems)",
    )
    v.add_argument("--problems", type=Path, help="write every problem found to this CSV file")
    v.set_defaults(func=_validate)

    s = sub.add_parser(
        "summary",
        help="print a portfolio summary of a workspace",
        description="Every figure is labelled with its window. Exit 0, 65 bad input, 78 bad "
        "configuration or an unknown parameter.",
    )
    s.add_argument("workspace", help="workspace folder, or its URL (s3://bucket/folder)")
    _lang_option(s, "the summary's sentences")
    _parameter_option(s, ", ".join(SUMMARY_PARAMETERS))
    s.set_defaults(func=_summary)

    r = sub.add_parser(
        "render",
        help="render the notebooks as HTML reports, per key account",
        description="Exit 0 all published (or up to date), 3 some failed, 64 bad option, "
        "65 bad input, 74 disk full (the run stopped; what was published stays), "
        "75 another run holds the lock, 78 bad configuration or an unknown parameter.",
    )
    r.add_argument("workspace", help="workspace folder, or its URL (s3://bucket/folder)")
    r.add_argument(
        "--out", required=True, help="output folder (index.html, manifest.json, published/)"
    )
    r.add_argument(
        "--accounts",
        default="key",
        help="'key' (default: key clients and the lost accounts that were key), 'all', "
        "or a comma-separated list of account ids",
    )
    r.add_argument(
        "--notebooks", help="comma-separated notebook names (default: all in notebooks/)"
    )
    r.add_argument(
        "--workers", type=int, help="parallel worker processes (default: number of cores)"
    )
    r.add_argument(
        "--format",
        default="html",
        help="html (default) or html,pdf: also print each report to PDF with headless Chromium",
    )
    r.add_argument(
        "--retry-failed", action="store_true", help="re-run only the reports that failed last time"
    )
    r.add_argument(
        "--timeout", type=float, default=600, help="wall-clock limit per report, seconds"
    )
    r.add_argument("--cell-timeout", type=float, default=300, help="limit per cell, seconds")
    r.add_argument(
        "--include-personal-details",
        action="store_true",
        help="add contacts' upcoming birthdays (DD.MM, no year) to the annual-meeting brief; "
        "needs --purpose and an --out folder of its own (a folder with the default reports "
        "is refused)",
    )
    r.add_argument(
        "--purpose",
        help="with --include-personal-details: who receives the reports and why "
        "(recorded in manifest.json)",
    )
    r.add_argument(
        "--scheduler",
        help="dask.distributed scheduler address (tcp://HOST:8786): "
        "run the reports on that cluster",
    )
    r.add_argument(
        "--kernels",
        choices=["forked", "fresh"],
        default="forked",
        help="forked (default): kernels forked from a pre-imported process; fresh: a new kernel "
        "per report",
    )
    _lang_option(r, "the reports, the index pages and the PDF footers")
    _parameter_option(
        r,
        "any parameter of the rendered notebooks (months, abc_a, at_risk_k ...; see "
        "notebooks/README.md)",
    )
    r.set_defaults(func=_render)

    e = sub.add_parser(
        "export",
        help="write the portfolio analysis to a formatted Excel workbook",
        description="One sheet per table (settings, ABC-XYZ classes and matrix, key clients, "
        "client types, dependence, client P&L, client status, win-back list, targets) with "
        "human headers, number formats, a frozen header row and an autofilter. Exit 0, 64 bad "
        "option, 65 bad input, 78 bad configuration or an unknown parameter.",
    )
    e.add_argument("workspace", help="workspace folder, or its URL (s3://bucket/folder)")
    e.add_argument("--out", required=True, help="the workbook to write, e.g. analysis.xlsx")
    _lang_option(e, "the sheet titles and headers")
    _parameter_option(e, ", ".join(SUMMARY_PARAMETERS))
    e.set_defaults(func=_export)

    n = sub.add_parser(
        "notebooks",
        help="write the bundled notebooks into a folder, in a language, for JupyterLab",
        description="Copies the bundled notebooks into FOLDER with their text translated and "
        "the default of their lang parameter set (kam render translates as it runs; these "
        "copies are for working in JupyterLab). Existing notebooks are not overwritten without "
        "--force. Exit 0, 64 bad option (an unknown language, notebooks already there).",
    )
    n.add_argument("folder", help="where to write the notebooks (created when missing)")
    n.add_argument("--lang", metavar="LANG", default="en", help="en (default), fr, ru or af")
    n.add_argument("--force", action="store_true", help="overwrite notebooks already there")
    n.set_defaults(func=_notebooks)

    c = sub.add_parser(
        "cleanup",
        help="delete old runs' working files (never the published reports)",
        description="Removes OUT/runs/<run id>/ folders made by kam render (they carry its "
        "marker) in which nothing changed for longer than --older-than, and what killed runs "
        "left behind; never published/, the index pages or manifest.json. Takes the output "
        "folder's lock. Exit 0, 64 on a bad age, 75 while a render runs.",
    )
    c.add_argument("out", help="output folder of kam render")
    c.add_argument("--older-than", default="30d", help="age: 30d (days, default), 12h, 2w")
    c.add_argument(
        "--dry-run", action="store_true", help="list what would be removed, remove nothing"
    )
    c.set_defaults(func=_cleanup)

    g = sub.add_parser(
        "sample", help="generate the deterministic sample portfolio (or a large benchmark file)"
    )
    g.add_argument("--seed", type=int, default=7)
    g.add_argument("--out", required=True, help="output folder")
    g.add_argument(
        "--lines", type=int, help="write only a transactions file with this many lines (benchmarks)"
    )
    g.add_argument("--format", choices=["parquet", "csv"], default="parquet", help="with --lines")
    g.add_argument("--accounts", type=int, default=20_000, help="with --lines: number of accounts")
    g.set_defaults(func=_sample)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the ``kam`` command; returns the exit code."""
    args = _parser().parse_args(argv)
    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except InputError as exc:
        print(f"kam {args.command}: bad input in {getattr(args, 'workspace', '')}", file=sys.stderr)
        print(exc, file=sys.stderr)
        return exc.exit_code
    except ArgumentError as exc:
        print(f"kam {args.command}: bad option: {exc}", file=sys.stderr)
        return exc.exit_code
    except BusyError as exc:
        print(f"kam {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KamlibError as exc:  # ConfigError (kam.toml), SetupError (the machine)
        print(f"kam {args.command}: bad configuration: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

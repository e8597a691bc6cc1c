"""Benchmark: loading a large transactions CSV, `kam validate`'s load vs reading it with pandas.

Contenders, each in a fresh interpreter (time of the work, imports excluded; peak memory = the
process's max RSS):

(a) kamlib: :func:`kamlib.load_workspace`, what ``kam validate`` runs (read, parse, validate,
    business rules, ledger and problems);
(b) plain pandas: ``pd.read_csv(path, engine="pyarrow", parse_dates=["date"])``, reading only;
(c) DuckDB: ``duckdb.read_csv(path).df()``, reading only;
(d) the workspace cache: :func:`kamlib.load.store.load_cached` on the unchanged export, after
    one load stored it (what a second ``kam summary``, a notebook restart or a render does).

Targets (issue 16): a / b <= 2, peak memory of (a) <= 1 GB, (d) well under a second.

Usage::

    python benchmarks/load.py                     # 2 million lines, 5 000 accounts
    python benchmarks/load.py --lines 500000 --repeat 2

The data is ``kam sample --lines N --accounts M --format csv`` in ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTENDERS = {
    "a": "kamlib: load_workspace (kam validate)",
    "b": "pandas: read_csv(engine='pyarrow', parse_dates=['date'])",
    "c": "DuckDB: read_csv(...).df()",
    "d": "kamlib: load_cached, unchanged export (workspace cache)",
}
TARGETS = {"a/b": 2.0, "peak_mb": 1024.0, "d": 1.0}


def run_kamlib(folder: str) -> dict:
    import logging

    logging.getLogger("kamlib").addHandler(logging.NullHandler())
    logging.getLogger("kamlib").propagate = False
    from kamlib.load.workspace import load_workspace

    t = time.perf_counter()
    ws = load_workspace(folder)
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "rows": int(ws.ledger.loc[0, "loaded"])}


def run_cached(folder: str) -> dict:
    import logging

    logging.getLogger("kamlib").addHandler(logging.NullHandler())
    logging.getLogger("kamlib").propagate = False
    from kamlib.load.store import load_cached

    t = time.perf_counter()
    ws = load_cached(folder)
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "rows": len(ws.transactions)}


def run_pandas(folder: str) -> dict:
    import pandas as pd

    t = time.perf_counter()
    df = pd.read_csv(Path(folder) / "transactions.csv", engine="pyarrow", parse_dates=["date"])
    return {"seconds": time.perf_counter() - t, "rows": len(df)}


def run_duckdb(folder: str) -> dict:
    import duckdb

    t = time.perf_counter()
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    df = con.read_csv(str(Path(folder) / "transactions.csv")).df()
    return {"seconds": time.perf_counter() - t, "rows": len(df)}


RUNNERS = {"a": run_kamlib, "b": run_pandas, "c": run_duckdb, "d": run_cached}


def _child(which: str, folder: Path, env: dict) -> dict:
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", which, "--folder", str(folder)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.stdout.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"contender {which} failed")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_mb"] = usage.ru_maxrss / 1024
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--accounts", type=int, default=5_000)
    parser.add_argument("--out", default=str(ROOT / "data" / "bench"), help="data folder")
    parser.add_argument("--repeat", type=int, default=1, help="runs per contender (best kept)")
    parser.add_argument("--child", choices=list(RUNNERS), help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(RUNNERS[args.child](args.folder)))
        return

    folder = Path(args.out) / f"tx_{args.lines}_{args.accounts}_csv"
    if not (folder / "transactions.csv").exists():
        print(f"kam sample --lines {args.lines} --accounts {args.accounts} --format csv ...")
        subprocess.run(
            [
                str(Path(sys.executable).parent / "kam"),
                "sample",
                "--lines",
                str(args.lines),
                "--accounts",
                str(args.accounts),
                "--format",
                "csv",
                "--out",
                str(folder),
            ],
            check=True,
        )
    size = (folder / "transactions.csv").stat().st_size
    print(
        f"{folder / 'transactions.csv'} ({size / 1e6:.0f} MB, {args.lines:,} lines), "
        f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}\n",
        flush=True,
    )
    results: dict[str, dict] = {}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="kam-bench-cache-") as cache:
        env = {**os.environ, "KAMLIB_CACHE_DIR": cache}
        off = {**os.environ, "KAMLIB_CACHE_DIR": "off"}
        subprocess.run(  # fill the workspace cache once (not timed)
            [
                sys.executable,
                "-c",
                f"from kamlib.load.store import load_cached; load_cached({str(folder)!r})",
            ],
            check=True,
            env=env,
        )
        for _ in range(args.repeat):
            for which in ("b", "c", "a", "d"):
                run = _child(which, folder, env if which == "d" else off)
                best = results.get(which)
                if best is None or run["seconds"] < best["seconds"]:
                    peak = max(run["peak_mb"], best["peak_mb"] if best else 0)
                    results[which] = {**run, "peak_mb": peak}
                else:
                    best["peak_mb"] = max(best["peak_mb"], run["peak_mb"])
    load_after = os.getloadavg()
    for which in ("b", "c", "a", "d"):
        r = results[which]
        print(f"({which}) {CONTENDERS[which]}")
        print(f"    {r['seconds']:6.2f} s   peak {r['peak_mb']:6.0f} MB   rows {r['rows']:,}")
    a, b, d = results["a"]["seconds"], results["b"]["seconds"], results["d"]["seconds"]
    peak = results["a"]["peak_mb"]
    verdict = {True: "met", False: "MISSED"}
    print()
    print(f"a / b = {a / b:.2f}  (target <= {TARGETS['a/b']}: {verdict[a / b <= TARGETS['a/b']]})")
    print(
        f"peak memory of (a) = {peak:.0f} MB  "
        f"(target <= {TARGETS['peak_mb']:.0f}: {verdict[peak <= TARGETS['peak_mb']]})"
    )
    print(
        f"(d) from the workspace cache = {d:.2f} s, {a / d:.0f}x faster than (a)  "
        f"(target < {TARGETS['d']:.0f} s: {verdict[d < TARGETS['d']]})"
    )
    print(
        f"best of {args.repeat}; load average (1, 5, 15 min) before "
        + ", ".join(f"{x:.1f}" for x in load_before)
        + ", after "
        + ", ".join(f"{x:.1f}" for x in load_after)
    )


if __name__ == "__main__":
    main()

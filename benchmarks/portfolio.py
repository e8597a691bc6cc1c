"""Benchmark: kamlib's portfolio analytics on a large transactions file vs plain pandas and SQL.

Generates (or reuses) ``data/bench/tx_<lines>/transactions.parquet`` with
:func:`kamlib.load.sample.write_transactions` (about 20 000 accounts, 36 months), then times, each
in a fresh subprocess so that peak memory is measured per contender:

(a) kamlib: the file read once into an account x day cube (:func:`kamlib.sales_cube`, with
    exact distinct order counts), then ABC-XYZ with its matrix, dependence (key clients, HHI,
    CR), per-client P&L with the whale curve and loss-makers, and loss status by purchase
    cadence, all from the cube;
(b) the plain pandas a notebook user would write for ABC-XYZ alone (read_parquet, groupby,
    unstack, std / mean);
(c) one hand-written DuckDB SQL query for ABC-XYZ alone;
(d) with ``--per-file`` only: the analyses of (a), each given the file.

Each contender runs ``--repeat`` times (default 3; the best time is kept, the highest peak
memory). It prints wall time of the work (imports excluded), the ratios a/c and b/a, and each
contender's peak resident memory. Targets (issue 3): a <= 1.5 x c while doing more work,
a >= 3 x faster than b, peak memory of a <= 1 GB.

Usage::

    python benchmarks/portfolio.py                  # 10 million lines, best of 3
    python benchmarks/portfolio.py --lines 1000000  # smaller
    python benchmarks/portfolio.py --per-file       # also (d)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTENDERS = {
    "a": "kamlib: a sales_cube, then ABC-XYZ + matrix, dependence, P&L + whale curve, loss status",
    "b": "pandas: ABC-XYZ only (read_parquet, groupby, unstack, std/mean)",
    "c": "DuckDB SQL: ABC-XYZ only (one query)",
    "d": "kamlib without a cube: the same analyses, each given the file (with --per-file)",
}


def run_kamlib(path: str) -> dict:
    import kamlib.portfolio.abcxyz as abcxyz
    import kamlib.portfolio.churn as churn
    import kamlib.portfolio.clients as portfolio
    import kamlib.portfolio.profitability as profitability
    from kamlib.portfolio.sales import sales_cube

    t0 = time.perf_counter()
    steps = {}
    cube = sales_cube(path)  # the one pass over the file that every analysis below reuses
    steps["read (sales_cube)"] = time.perf_counter() - t0
    t = time.perf_counter()
    r = abcxyz.abc_xyz(cube)
    matrix = abcxyz.abc_xyz_matrix(r)
    steps["abc_xyz"] = time.perf_counter() - t
    t = time.perf_counter()
    dep = portfolio.dependence(cube)
    steps["dependence"] = time.perf_counter() - t
    t = time.perf_counter()
    pnl = profitability.client_pnl(cube)
    curve = profitability.whale_curve(pnl)
    profitability.whale_peak(curve)
    profitability.loss_makers(pnl)
    steps["profitability"] = time.perf_counter() - t
    t = time.perf_counter()
    status = churn.client_status(cube)
    steps["loss_status"] = time.perf_counter() - t
    return {
        "seconds": time.perf_counter() - t0,
        "steps": steps,
        "accounts": len(r),
        "cells": int((matrix["count"] > 0).sum()),
        "hhi": round(dep.hhi),
        "orders": int(pnl["orders"].sum()),
        "lost": int((status["status"] == "lost").sum()),
    }


def run_kamlib_per_file(path: str) -> dict:
    """(d) the same analyses, each given the file (each reads what it needs)."""
    import kamlib.portfolio.abcxyz as abcxyz
    import kamlib.portfolio.churn as churn
    import kamlib.portfolio.clients as portfolio
    import kamlib.portfolio.profitability as profitability

    t0 = time.perf_counter()
    steps = {}
    abcxyz.abc_xyz_matrix(abcxyz.abc_xyz(path))
    steps["abc_xyz"] = time.perf_counter() - t0
    t = time.perf_counter()
    portfolio.dependence(path)
    steps["dependence"] = time.perf_counter() - t
    t = time.perf_counter()
    pnl = profitability.client_pnl(path)
    profitability.whale_peak(profitability.whale_curve(pnl))
    profitability.loss_makers(pnl)
    steps["profitability"] = time.perf_counter() - t
    t = time.perf_counter()
    churn.client_status(path)
    steps["loss_status"] = time.perf_counter() - t
    return {"seconds": time.perf_counter() - t0, "steps": steps}


def run_pandas(path: str) -> dict:
    import numpy as np
    import pandas as pd

    t0 = time.perf_counter()
    df = pd.read_parquet(path, columns=["account_id", "date", "revenue"])
    df["month"] = df["date"].dt.to_period("M")
    m = df.groupby(["account_id", "month"])["revenue"].sum().unstack(fill_value=0.0)
    total = m.sum(axis=1).sort_values(ascending=False)
    cum = total.cumsum() / total.sum()
    abc = pd.Series(np.where(cum <= 0.8, "A", np.where(cum <= 0.95, "B", "C")), index=cum.index)
    cv = m.std(axis=1, ddof=0) / m.mean(axis=1)
    xyz = pd.Series(np.where(cv <= 0.5, "X", np.where(cv <= 1.0, "Y", "Z")), index=cv.index)
    out = pd.DataFrame({"total": total, "abc": abc, "cv": cv, "xyz": xyz})
    return {"seconds": time.perf_counter() - t0, "accounts": len(out)}


SQL = """
WITH m AS (
    SELECT account_id, date_trunc('month', date) AS month, sum(revenue) AS r
    FROM read_parquet(?) GROUP BY ALL
),
n AS (SELECT count(DISTINCT month) AS months FROM m),
s AS (
    SELECT account_id, sum(r) AS total, sum(r) / any_value(months) AS mean,
           sqrt(greatest(sum(r * r) / any_value(months) - pow(sum(r) / any_value(months), 2), 0))
               AS std
    FROM m, n GROUP BY account_id
),
c AS (
    SELECT *, sum(total) OVER (ORDER BY total DESC ROWS UNBOUNDED PRECEDING)
              / sum(total) OVER () AS cum
    FROM s
)
SELECT account_id, total, cum,
       CASE WHEN cum <= 0.8 THEN 'A' WHEN cum <= 0.95 THEN 'B' ELSE 'C' END AS abc,
       std / mean AS cv,
       CASE WHEN std / mean <= 0.5 THEN 'X' WHEN std / mean <= 1.0 THEN 'Y' ELSE 'Z' END AS xyz
FROM c ORDER BY total DESC
"""


def run_sql(path: str) -> dict:
    import duckdb

    t0 = time.perf_counter()
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    out = con.execute(SQL, [path]).df()
    return {"seconds": time.perf_counter() - t0, "accounts": len(out)}


RUNNERS = {"a": run_kamlib, "b": run_pandas, "c": run_sql, "d": run_kamlib_per_file}


def _child(which: str, path: str) -> dict:
    """Run one contender in a fresh interpreter; add its peak resident memory (MB)."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", which, "--file", path],
        stdout=subprocess.PIPE,
        text=True,
    )
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.stdout.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"contender {which} failed")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_mb"] = usage.ru_maxrss / 1024  # kilobytes on Linux
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000_000, help="transaction lines")
    parser.add_argument("--out", default=str(ROOT / "data" / "bench"), help="data folder")
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender (best kept)")
    parser.add_argument("--per-file", action="store_true", help="also time (d)")
    parser.add_argument("--child", choices=list(RUNNERS), help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(RUNNERS[args.child](args.file)))
        return

    from kamlib.load.sample import write_transactions

    folder = Path(args.out) / f"tx_{args.lines}"
    path = folder / "transactions.parquet"
    if not path.exists():
        print(f"writing {args.lines:,} lines to {path} ...", flush=True)
        write_transactions(folder, lines=args.lines)
    print(
        f"{path} ({path.stat().st_size / 1e6:.0f} MB, {args.lines:,} lines), "
        f"{os.cpu_count()} CPU(s)\n"
    )

    which_ones = ["c", "b", "a"] + (["d"] if args.per_file else [])
    load_before = os.getloadavg()
    results = {}
    for _ in range(args.repeat):  # interleaved, so that a busy spell does not hit one only
        for which in which_ones:
            run = _child(which, str(path))
            best = results.get(which)
            if best is None or run["seconds"] < best["seconds"]:
                results[which] = {**run, "peak_mb": max(run["peak_mb"], (best or run)["peak_mb"])}
            else:
                best["peak_mb"] = max(best["peak_mb"], run["peak_mb"])
    load_after = os.getloadavg()
    for which in which_ones:
        r = results[which]
        print(f"({which}) {CONTENDERS[which]}")
        print(f"    {r['seconds']:6.2f} s   peak {r['peak_mb']:6.0f} MB")
        if "steps" in r:
            print("    " + ", ".join(f"{k} {v:.2f} s" for k, v in r["steps"].items()))
    a, b, c = (results[k]["seconds"] for k in "abc")
    print(
        f"\na / c = {a / c:.2f}  (target <= 1.5)\n"
        f"b / a = {b / a:.2f}  (target >= 3)\n"
        f"peak memory of (a) = {results['a']['peak_mb']:.0f} MB  (target <= 1024)\n"
        + (
            f"like for like, ABC-XYZ alone from the file: kamlib / c = "
            f"{results['d']['steps']['abc_xyz'] / c:.2f}\n"
            if "d" in results
            else ""
        )
        + f"best of {args.repeat}; load average (1, 5, 15 min) before "
        + ", ".join(f"{x:.1f}" for x in load_before)
        + ", after "
        + ", ".join(f"{x:.1f}" for x in load_after)
    )


if __name__ == "__main__":
    main()

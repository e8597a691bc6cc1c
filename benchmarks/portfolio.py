"""Benchmark: kamlib's portfolio analytics on a large transactions file vs plain pandas and SQL.

Generates (or reuses) ``data/bench/tx_<lines>/transactions.parquet`` with
:func:`kamlib.sample.write_transactions` (about 20 000 accounts, 36 months), then times, each
in a fresh subprocess so that peak memory is measured per contender:

(a) kamlib: ABC-XYZ with its matrix, dependence (key clients, HHI, CR), per-client P&L with
    the whale curve and loss-makers, and loss status by purchase cadence, all from the file;
(b) the plain pandas a notebook user would write for ABC-XYZ alone (read_parquet, groupby,
    unstack, std / mean);
(c) one hand-written DuckDB SQL query for ABC-XYZ alone.

It prints wall time of the work (imports excluded), the ratios a/c and b/a, and each
contender's peak resident memory. Targets (issue 3): a <= 1.5 x c while doing more work,
a >= 3 x faster than b, peak memory of a <= 1 GB.

Usage::

    python benchmarks/portfolio.py                  # 10 million lines
    python benchmarks/portfolio.py --lines 1000000  # smaller
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
    "a": "kamlib: ABC-XYZ + matrix, dependence, P&L + whale curve, loss status",
    "b": "pandas: ABC-XYZ only (read_parquet, groupby, unstack, std/mean)",
    "c": "DuckDB SQL: ABC-XYZ only (one query)",
}


def run_kamlib(path: str) -> dict:
    import kamlib.abcxyz as abcxyz
    import kamlib.churn as churn
    import kamlib.portfolio as portfolio
    import kamlib.profitability as profitability

    t0 = time.perf_counter()
    steps = {}
    r = abcxyz.abc_xyz(path)
    matrix = abcxyz.abc_xyz_matrix(r)
    steps["abc_xyz"] = time.perf_counter() - t0
    t = time.perf_counter()
    dep = portfolio.dependence(path)
    steps["dependence"] = time.perf_counter() - t
    t = time.perf_counter()
    pnl = profitability.client_pnl(path)
    curve = profitability.whale_curve(pnl)
    profitability.whale_peak(curve)
    profitability.loss_makers(pnl)
    steps["profitability"] = time.perf_counter() - t
    t = time.perf_counter()
    status = churn.client_status(path)
    steps["loss_status"] = time.perf_counter() - t
    return {
        "seconds": time.perf_counter() - t0,
        "steps": steps,
        "accounts": len(r),
        "cells": int((matrix["count"] > 0).sum()),
        "hhi": round(dep.hhi),
        "lost": int((status["status"] == "lost").sum()),
    }


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


RUNNERS = {"a": run_kamlib, "b": run_pandas, "c": run_sql}


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
    parser.add_argument("--repeat", type=int, default=1, help="runs per contender (best kept)")
    parser.add_argument("--child", choices=list(RUNNERS), help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(RUNNERS[args.child](args.file)))
        return

    from kamlib.sample import write_transactions

    folder = Path(args.out) / f"tx_{args.lines}"
    path = folder / "transactions.parquet"
    if not path.exists():
        print(f"writing {args.lines:,} lines to {path} ...", flush=True)
        write_transactions(folder, lines=args.lines)
    print(
        f"{path} ({path.stat().st_size / 1e6:.0f} MB, {args.lines:,} lines), "
        f"{os.cpu_count()} CPU(s)\n"
    )

    results = {}
    for which in ("c", "b", "a"):
        runs = [_child(which, str(path)) for _ in range(args.repeat)]
        results[which] = min(runs, key=lambda r: r["seconds"])
        results[which]["peak_mb"] = max(r["peak_mb"] for r in runs)
    for which, label in CONTENDERS.items():
        r = results[which]
        print(f"({which}) {label}\n    {r['seconds']:6.2f} s   peak {r['peak_mb']:6.0f} MB")
        if "steps" in r:
            print("    " + ", ".join(f"{k} {v:.2f} s" for k, v in r["steps"].items()))
    a, b, c = (results[k]["seconds"] for k in "abc")
    alone = results["a"]["steps"]["abc_xyz"]
    print(
        f"\na / c = {a / c:.2f}  (target <= 1.5)\n"
        f"b / a = {b / a:.2f}  (target >= 3)\n"
        f"peak memory of (a) = {results['a']['peak_mb']:.0f} MB  (target <= 1024)\n"
        f"like for like, ABC-XYZ alone: kamlib / c = {alone / c:.2f}, b / kamlib = {b / alone:.2f}"
    )


if __name__ == "__main__":
    main()

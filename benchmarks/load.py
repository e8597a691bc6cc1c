"""Loading a large transactions export: pandas in memory vs chunks staged and checked in DuckDB.

Usage::

    .venv/bin/python benchmarks/load.py --lines 2000000

Generates (or reuses) ``data/bench/tx_<lines>/transactions.parquet`` with ``kamlib.load.sample``, then
loads it in a fresh subprocess per mode and prints wall time, peak memory (max RSS) and the ratio
large/in-memory for both. The target is bounded memory for the large path: its peak must not
grow with the file (compare two sizes) and stay well under the in-memory path's.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

CHILD = """
import json, logging, sys, time
logging.getLogger("kamlib").addHandler(logging.NullHandler())
logging.getLogger("kamlib").propagate = False
from kamlib import load_workspace
t = time.perf_counter()
ws = load_workspace(sys.argv[1], large=sys.argv[2] == "large", mode="lenient")
print(json.dumps({"seconds": time.perf_counter() - t, "loaded": int(ws.ledger.loc[0, "loaded"])}))
"""


def run(folder: Path, mode: str) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder), mode], check=True, capture_output=True, text=True
    ).stdout
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = json.loads(out)
    # ru_maxrss of children is the max over all children so far: run the larger mode last
    result["peak_mb"] = max(peak, before) / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2_000_000)
    args = parser.parse_args()
    folder = Path("data/bench") / f"tx_{args.lines}"
    if not (folder / "transactions.parquet").exists():
        from kamlib.load.sample import write_transactions

        write_transactions(folder, lines=args.lines)
    t = time.perf_counter()
    large = run(folder, "large")
    memory = run(folder, "memory")
    print(f"lines: {args.lines:,}  (loaded {large['loaded']:,})")
    print(f"large (DuckDB, chunks):  {large['seconds']:7.1f} s  peak {large['peak_mb']:7.0f} MB")
    print(f"in memory (pandas):      {memory['seconds']:7.1f} s  peak {memory['peak_mb']:7.0f} MB")
    print(
        f"ratio large/in-memory: time {large['seconds'] / memory['seconds']:.2f}, "
        f"peak memory {large['peak_mb'] / memory['peak_mb']:.2f}  (total {time.perf_counter() - t:.0f} s)"
    )


if __name__ == "__main__":
    main()

"""Benchmark: the lost key accounts from one pass vs the former loop of one pass per day.

:func:`kamlib.portfolio.managers.lost_key_accounts` judges every lost account by the key-client
rule on the day of its last purchase. It used to call :func:`kamlib.key_clients` once per
distinct last-purchase day (a DuckDB pass over all the lines each time: 47 of the 58 seconds of
the client-analysis notebook on a 500 000-line export, issue 16); it now asks
:func:`kamlib.portfolio.clients.key_clients_on_days` for all the days at once. This script times
both on the same data in the same process (the former loop is written out below), asserts that
they name the same accounts, and prints the ratio.

The data is ``kam sample --lines N --accounts M --format csv`` in ``--out`` (``data/bench/``,
made when missing, shared with ``benchmarks/load.py``), read with pandas; the accounts table
puts a fifth of the accounts in parent groups of four and flags every fiftieth as an expert, so
that the roll-up and the accounts' flags take part.

Usage::

    python benchmarks/lost.py                      # 500 000 lines, 5 000 accounts
    python benchmarks/lost.py --lines 100000 --accounts 2000
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from kamlib.portfolio.churn import client_status
from kamlib.portfolio.clients import key_clients
from kamlib.portfolio.managers import lost_key_accounts

ROOT = Path(__file__).resolve().parents[1]


def former(transactions, accounts, status, months=12) -> list[str]:
    """The former implementation: `key_clients` once per last-purchase day."""
    lost = status[status["status"] == "lost"]
    parent = accounts.drop_duplicates("account_id").set_index("account_id")["parent_id"]
    found: set[str] = set()
    for day, ids in lost.groupby("last_purchase").groups.items():
        key = set(key_clients(transactions, accounts, as_of=day, months=months)["client_id"])
        members = set(parent[parent.isin(key)].index)
        found |= {str(a) for a in ids if a in key or a in members}
    return sorted(found)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=500_000)
    parser.add_argument("--accounts", type=int, default=5_000)
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "bench", help="data folder")
    args = parser.parse_args(argv)

    folder = args.out / f"tx_{args.lines}_{args.accounts}_csv"  # as benchmarks/load.py
    path = folder / "transactions.csv"
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        print(f"kam sample --lines {args.lines} --accounts {args.accounts} --format csv ...")
        cmd = [str(Path(sys.executable).parent / "kam"), "sample", "--lines", str(args.lines)]
        cmd += ["--accounts", str(args.accounts), "--format", "csv", "--out", str(folder)]
        subprocess.run(cmd, check=True)
    tx = pd.read_csv(
        path,
        engine="pyarrow",
        dtype={"account_id": "str", "product_id": "str", "order_id": "str"},
        parse_dates=["date"],
    )
    ids = sorted(tx["account_id"].unique())
    accounts = pd.DataFrame(
        {
            "account_id": ids,
            "parent_id": [f"G{i // 20}" if i % 10 < 2 else None for i in range(len(ids))],
            "expert": [i % 50 == 7 for i in range(len(ids))],
        }
    )
    status = client_status(tx)
    lost = status[status["status"] == "lost"]
    days = lost["last_purchase"].dt.normalize().nunique()
    print(f"{len(tx):,} lines, {len(ids):,} accounts, {len(lost):,} lost, {days} distinct days")

    t = time.perf_counter()
    new = lost_key_accounts(tx, accounts, status=status)
    t_new = time.perf_counter() - t
    t = time.perf_counter()
    old = former(tx, accounts, status)
    t_old = time.perf_counter() - t
    assert new == old, (len(new), len(old), sorted(set(new) ^ set(old))[:10])
    print(f"lost key accounts: {len(new)} (the same from both)")
    print(f"former loop ({days} key_clients passes): {t_old:8.2f} s")
    print(f"one pass (key_clients_on_days):      {t_new:8.2f} s")
    print(f"ratio former / one pass: {t_old / t_new:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: the sample's account reports, plain papermill + nbconvert vs `kam render`.

(a) plain: for every report, the ``papermill`` command (a fresh kernel) and then the
    ``jupyter nbconvert --to html`` command, with as many reports in parallel as (b) has workers;
(b) ``kam render`` with ``--workers`` the same number: forked kernels, in-process HTML export,
    the run cache;
(c) when the account notebooks do not read the run cache yet: (b) on copies of them whose
    loading cell calls ``kamlib.run.cache.workspace``/``portfolio`` instead (what they should do).

Prints reports per minute for each, the ratio to (a), CPU seconds per report (this process's
children, waited for) and peak memory (the largest sum of the resident memory of this process's
descendants, sampled every 0.2 s). Not a test: timings depend on the machine and its load.

    python benchmarks/render.py                  # 20 accounts x 2 account notebooks = 40 reports
    python benchmarks/render.py --accounts 10 --workers 2 --skip-plain
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ACCOUNT_NOTEBOOKS = ("annual_meeting", "development_plan")
_CACHE_CALLS = [  # the loading lines of the account notebooks -> their run-cache equivalents
    (
        "kamlib.load_workspace(kamlib.resolve_workspace(workspace))",
        "kamlib.run.cache.workspace(workspace)",
    ),
    (
        'kamlib.abc_xyz(ws.transactions, end=as_of).set_index("account_id")["cell"]',
        "kamlib.run.cache.portfolio(ws, as_of=as_of).cells",
    ),
    (
        "kamlib.client_types(ws.transactions, ws.accounts, roll_up=False, as_of=as_of)",
        "kamlib.run.cache.portfolio(ws, as_of=as_of).client_types",
    ),
    ("import kamlib\n", "import kamlib\nimport kamlib.run.cache\n"),
]


class _Peak:
    """Samples the summed RSS of this process's descendants in a background thread."""

    def __init__(self, interval: float = 0.2):
        self.interval, self.peak, self._stop = interval, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in me.children(recursive=True):
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _measure(label: str, n: int, action) -> dict:
    cpu, started = _children_cpu(), time.perf_counter()
    with _Peak() as peak:
        ok = action()
    seconds = time.perf_counter() - started
    row = {
        "label": label,
        "reports": n,
        "ok": ok,
        "seconds": seconds,
        "per_minute": n / seconds * 60,
        "cpu_per_report": (_children_cpu() - cpu) / n,
        "peak_mib": peak.peak / 2**20,
    }
    print(
        f"{label:<34} {ok:>3}/{n} ok  {seconds:7.1f} s  {row['per_minute']:6.1f} reports/min  "
        f"{row['cpu_per_report']:5.2f} CPU s/report  peak {row['peak_mib']:7.0f} MiB",
        flush=True,
    )
    return row


def _plain(jobs: list[tuple[str, Path]], workspace: Path, out: Path, workers: int) -> int:
    """papermill command then nbconvert command per report, `workers` reports at a time."""
    out.mkdir(parents=True)

    def one(item) -> bool:
        account, notebook = item
        executed = out / f"{notebook.stem}-{account}.ipynb"
        run = [
            str(BIN / "papermill"),
            str(notebook),
            str(executed),
            "--cwd",
            str(notebook.parent),
            "-r",
            "workspace",
            str(workspace),
            "-r",
            "account_id",
            account,
            "-p",
            "interactive",
            "False",
            "--no-progress-bar",
        ]
        export = [str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)]
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        return (
            subprocess.run(run, **quiet).returncode == 0
            and subprocess.run(export, **quiet).returncode == 0
        )

    with ThreadPoolExecutor(workers) as pool:
        return sum(pool.map(one, jobs))


def _kam_render(
    accounts: list[str], notebooks: list[Path], workspace: Path, out: Path, workers: int
) -> int:
    command = [
        str(BIN / "kam"),
        "render",
        str(workspace),
        "--out",
        str(out),
        "--accounts",
        ",".join(accounts),
        "--notebooks",
        ",".join(map(str, notebooks)),
        "--workers",
        str(workers),
    ]
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import json

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return manifest["totals"]["published"]


def _cache_variants(folder: Path) -> list[Path]:
    import nbformat

    folder.mkdir()
    paths = []
    for name in ACCOUNT_NOTEBOOKS:
        nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                for old, new in _CACHE_CALLS:
                    cell.source = cell.source.replace(old, new)
        nbformat.write(nb, folder / f"{name}.ipynb")
        paths.append(folder / f"{name}.ipynb")
    return paths


def _reads_cache(path: Path) -> bool:
    return "kamlib.run.cache." in path.read_text(encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--accounts",
        type=int,
        default=20,
        help="accounts (x 2 account notebooks = reports; default 20 -> 40)",
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--workspace", type=Path, default=ROOT / "data" / "sample")
    parser.add_argument("--skip-plain", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the output folder")
    args = parser.parse_args(argv)

    import kamlib

    ws = kamlib.load_workspace(args.workspace)
    revenue = ws.transactions.groupby("account_id")["revenue"].sum().sort_values(ascending=False)
    accounts = list(revenue.index[: args.accounts])
    notebooks = [ROOT / "notebooks" / f"{name}.ipynb" for name in ACCOUNT_NOTEBOOKS]
    jobs = [(a, nb) for a in accounts for nb in notebooks]
    n = len(jobs)
    work = Path(tempfile.mkdtemp(prefix="kam-bench-"))
    print(
        f"{n} reports ({len(accounts)} accounts x {', '.join(ACCOUNT_NOTEBOOKS)}), "
        f"{args.workers} parallel, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}; output in {work}",
        flush=True,
    )
    rows = []
    try:
        if not args.skip_plain:
            rows.append(
                _measure(
                    "(a) papermill + nbconvert commands",
                    n,
                    lambda: _plain(jobs, args.workspace, work / "plain", args.workers),
                )
            )
        rows.append(
            _measure(
                "(b) kam render",
                n,
                lambda: _kam_render(
                    accounts, notebooks, args.workspace, work / "render", args.workers
                ),
            )
        )
        if not all(_reads_cache(nb) for nb in notebooks):
            variants = _cache_variants(work / "notebooks")
            rows.append(
                _measure(
                    "(c) kam render, notebooks on cache",
                    n,
                    lambda: _kam_render(
                        accounts, variants, args.workspace, work / "render-cached", args.workers
                    ),
                )
            )
        if rows and rows[0]["label"].startswith("(a)"):
            for row in rows[1:]:
                speed = row["per_minute"] / rows[0]["per_minute"]
                cpu = rows[0]["cpu_per_report"] / row["cpu_per_report"]
                print(
                    f"ratio {row['label'][:3]}/(a): {speed:.1f}x reports per minute, "
                    f"{cpu:.1f}x less CPU per report"
                )
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(f"largest single process: {usage.ru_maxrss / 1024:.0f} MiB")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

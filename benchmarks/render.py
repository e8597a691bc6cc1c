"""Benchmark: account reports, plain papermill + nbconvert vs `kam render`, and at scale.

Part 1, throughput on the sample (target >= 10x):

(a) plain: for every report, the ``papermill`` command (a fresh kernel) and then the
    ``jupyter nbconvert --to html`` command, with as many reports in parallel as (b) has workers;
(b) ``kam render`` with ``--workers`` the same number: forked kernels, in-process HTML export,
    the run cache;
(c) when the account notebooks do not read the run cache: (b) on copies of them whose loading
    cell calls ``kamlib.run.cache.workspace``/``portfolio`` (today's notebooks do; then skipped).

Prints reports per minute for each, the ratio to (a), CPU seconds per report (this process's
children, waited for) and peak memory (the largest sum of the resident memory of this process's
descendants, sampled every 0.2 s).

Part 2, with ``--large FOLDER`` (e.g. ``kam sample --lines 2000000 --accounts 5000 --format csv
--out FOLDER``): ``kam render --workers 1`` of the same account notebooks for ``--scale-accounts``
accounts on the sample (its largest) and on FOLDER (the accounts with the nearest numbers of
lines, so that only the portfolio's size differs; ``--scale-top``: FOLDER's largest, whose
reports also pay for their own many more lines), one after the other. Prints the mean time per account
report (``duration_s`` in the manifest; the first report of a run apart, it pays for the
worker's start) and the largest resident memory of one kernel (sampled), with the targets
(issue 16): time on FOLDER / time on the sample <= 1.2, <= 300 MB per kernel. The workspace
cache (kamlib/load/store.py) is filled before timing, so the load of FOLDER is not counted.

Not a test: timings depend on the machine and its load.

    python benchmarks/render.py                  # 20 accounts x 2 account notebooks = 40 reports
    python benchmarks/render.py --accounts 10 --workers 2 --skip-plain
    python benchmarks/render.py --skip-plain --skip-sample --large data/bench/tx_2000000_5000_csv
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
    """Samples the resident memory of this process's descendants in a background thread.

    ``peak``: the largest sum over all descendants; ``kernel``: the largest of one kernel (a
    process started as ``ipykernel_launcher``, or forked by a zygote: same command line as its
    parent, kamlib/run/kernels.py).
    """

    def __init__(self, interval: float = 0.2):
        self.interval, self.peak, self.kernel, self._stop = interval, 0, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._kinds: dict[int, bool] = {}

    def _is_kernel(self, proc) -> bool:
        if proc.pid not in self._kinds:
            try:
                cmd = proc.cmdline()
                parent = proc.parent()
                forked = parent is not None and parent.cmdline() == cmd and "-c" in cmd
                self._kinds[proc.pid] = forked or any("ipykernel_launcher" in c for c in cmd)
            except psutil.Error:
                return False
        return self._kinds[proc.pid]

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in me.children(recursive=True):
                try:
                    rss = proc.memory_info().rss
                except psutil.Error:
                    continue
                total += rss
                if self._is_kernel(proc):
                    self.kernel = max(self.kernel, rss)
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
    text = path.read_text(encoding="utf-8")
    return "kamlib.run.cache." in text or "cache.workspace(" in text


def _scale_run(label: str, workspace: Path, accounts: list[str], out: Path) -> dict:
    """`kam render --workers 1` of the account notebooks; mean time per report, kernel peak."""
    import json

    with _Peak() as peak:
        started = time.perf_counter()
        _kam_render(
            accounts,
            [ROOT / "notebooks" / f"{n}.ipynb" for n in ACCOUNT_NOTEBOOKS],
            workspace,
            out,
            1,
        )
        seconds = time.perf_counter() - started
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    done = [r for r in manifest["reports"] if r.get("duration_s") is not None]
    durations = [r["duration_s"] for r in done if r["status"] == "published"]
    later = durations[1:] or durations
    row = {
        "label": label,
        "published": len(durations),
        "reports": len(manifest["reports"]),
        "seconds": seconds,
        "first": durations[0] if durations else float("nan"),
        "per_report": sum(later) / len(later) if later else float("nan"),
        "kernel_mib": peak.kernel / 2**20,
        "peak_mib": peak.peak / 2**20,
    }
    print(
        f"{label:<34} {row['published']:>3}/{row['reports']} ok  run {seconds:6.1f} s  "
        f"first report {row['first']:5.2f} s, next ones {row['per_report']:5.2f} s each  "
        f"kernel peak {row['kernel_mib']:5.0f} MiB  all processes {row['peak_mib']:6.0f} MiB",
        flush=True,
    )
    return row


def _top_accounts(workspace: Path, n: int) -> list[str]:
    from kamlib.load.store import load_cached

    ws = load_cached(workspace)  # and the workspace cache is filled for the runs below
    revenue = ws.transactions.groupby("account_id")["revenue"].sum().sort_values(ascending=False)
    return list(revenue.index[:n])


def _lines(workspace: Path):
    from kamlib.load.store import load_cached

    return load_cached(workspace).transactions.groupby("account_id").size()


def _matched_accounts(workspace: Path, lines: list[int]) -> list[str]:
    """The accounts of `workspace` whose numbers of lines are nearest to `lines`, one each.

    A report's work grows with its own account's lines; matched accounts isolate what the size
    of the portfolio adds (the largest client of a 500 000-line portfolio has 54 042 lines, the
    sample's largest 1 312).
    """
    counts = _lines(workspace)
    chosen: list[str] = []
    for n in lines:
        gap = (counts.drop(chosen) - n).abs()
        chosen.append(str(gap.idxmin()))
    return chosen


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
    parser.add_argument("--skip-sample", action="store_true", help="no part 1")
    parser.add_argument("--large", type=Path, help="part 2: a large workspace folder")
    parser.add_argument("--scale-accounts", type=int, default=3, help="accounts in part 2")
    parser.add_argument(
        "--scale-top",
        action="store_true",
        help="part 2 on the large workspace's largest accounts (default: the accounts whose "
        "numbers of lines are nearest to the sample's, so that only the portfolio's size differs)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the output folder")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="kam-bench-"))
    verdict = {True: "met", False: "MISSED"}
    try:
        if not args.skip_sample:
            _throughput(args, work, verdict)
        if args.large:
            small = _top_accounts(args.workspace, args.scale_accounts)
            small_lines = [int(_lines(args.workspace)[a]) for a in small]
            if args.scale_top:
                large = _top_accounts(args.large, args.scale_accounts)
            else:
                large = _matched_accounts(args.large, small_lines)
            large_lines = [int(_lines(args.large)[a]) for a in large]
            print(
                f"\nat scale: {args.scale_accounts} accounts x {', '.join(ACCOUNT_NOTEBOOKS)}, "
                f"1 worker, load average {os.getloadavg()[0]:.1f}; lines per account: sample "
                f"{small_lines}, {args.large.name} {large_lines}",
                flush=True,
            )
            a = _scale_run("sample", args.workspace, small, work / "scale-sample")
            b = _scale_run(args.large.name, args.large, large, work / "scale-large")
            ratio = b["per_report"] / a["per_report"]
            print(
                f"time per account report, large / sample = {ratio:.2f}  "
                f"(target <= 1.2: {verdict[ratio <= 1.2]}); first report "
                f"{b['first'] / a['first']:.2f}\n"
                f"kernel peak memory on {args.large.name} = {b['kernel_mib']:.0f} MiB  "
                f"(target <= 300: {verdict[b['kernel_mib'] <= 300]}); "
                f"on the sample {a['kernel_mib']:.0f} MiB"
            )
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(f"largest single process: {usage.ru_maxrss / 1024:.0f} MiB")
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def _throughput(args, work: Path, verdict: dict) -> None:
    accounts = _top_accounts(args.workspace, args.accounts)
    notebooks = [ROOT / "notebooks" / f"{name}.ipynb" for name in ACCOUNT_NOTEBOOKS]
    jobs = [(a, nb) for a in accounts for nb in notebooks]
    n = len(jobs)
    print(
        f"{n} reports ({len(accounts)} accounts x {', '.join(ACCOUNT_NOTEBOOKS)}), "
        f"{args.workers} parallel, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}; output in {work}",
        flush=True,
    )
    rows = []
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
            lambda: _kam_render(accounts, notebooks, args.workspace, work / "render", args.workers),
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
                f"ratio {row['label'][:3]}/(a): {speed:.1f}x reports per minute "
                f"(target >= 10: {verdict[speed >= 10]}), {cpu:.1f}x less CPU per report"
            )


if __name__ == "__main__":
    main()

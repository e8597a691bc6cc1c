"""`kam render` through a dask.distributed cluster (issue 6, part 3).

A LocalCluster with two worker processes renders the fixture reports (three accounts, one of
which fails, plus a portfolio notebook); the manifest and the published reports match those
of the local run of the same inputs. Then as a user runs it (issue 16): ``dask scheduler`` and
``dask worker`` started as processes of their own with the README's commands, and ``kam render
--scheduler ADDRESS`` as a third; its reports equal a local ``kam render``'s.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from kamlib.errors import EXIT_FAILED, EXIT_USAGE, ArgumentError
from kamlib.run.render import render

distributed = pytest.importorskip("distributed")

NOTEBOOKS = Path(__file__).parent / "notebooks"
BIN = Path(sys.executable).parent  # `kam` and `dask` of the environment running the tests
SAME = (
    "account_id",
    "notebook",
    "kind",
    "status",
    "reason",
    "path",
    "sha256",
    "attempts",
    "parameters",
    "cell_index",
    "ename",
)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    root = tmp_path_factory.mktemp("cluster")
    ws = root / "ws"
    ws.mkdir()
    (ws / "transactions.csv").write_text(
        "account_id,date,revenue,product_id\n"
        "A,2024-01-05,10,PROD-ONLY-A\nB,2024-01-06,20,PROD-ONLY-B\nC,2024-02-01,30,PROD-ONLY-C\n",
        encoding="utf-8",
    )
    nbs = root / "nbs"
    shutil.copytree(NOTEBOOKS, nbs)
    (nbs / "fail-B").touch()  # the brief notebook raises for account B
    kwargs = dict(
        accounts=["A", "B", "C"],
        account_notebooks={"brief": nbs / "brief.ipynb"},
        portfolio_notebooks={"portfolio": nbs / "portfolio.ipynb"},
        progress=False,
    )
    return root, ws, kwargs


@pytest.fixture(scope="module")
def runs(env):
    root, ws, kwargs = env
    local = render(ws, root / "local", workers=2, **kwargs)
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = render(ws, root / "remote", scheduler=client, **kwargs)
        by_address = render(ws, root / "by-address", scheduler=cluster.scheduler_address, **kwargs)
    return local, remote, by_address


def _entries(result) -> dict:
    """The manifest entries, less what differs between any two runs (the run id)."""
    out = {}
    for e in result.manifest["reports"]:
        entry = {k: e[k] for k in SAME}
        entry["parameters"] = {k: v for k, v in e["parameters"].items() if k != "run_id"}
        out[(e["account_id"], e["notebook"])] = entry
    return out


def _published(result) -> dict:
    folder = result.out / "published"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_cluster_manifest_matches_the_local_run(runs):
    local, remote, by_address = runs
    assert local.exit_code == remote.exit_code == by_address.exit_code == EXIT_FAILED
    assert (
        local.counts
        == remote.counts
        == by_address.counts
        == {"published": 3, "failed": 1, "timed_out": 0, "skipped": 0}
    )
    assert _entries(remote) == _entries(local) == _entries(by_address)


def test_cluster_reports_match_the_local_run(runs):
    local, remote, by_address = runs
    assert _published(remote) == _published(local) == _published(by_address)
    assert len(_published(local)) == 3


def test_failed_notebook_comes_back_to_the_caller(runs):
    _, remote, _ = runs
    entry = next(e for e in remote.manifest["reports"] if e["account_id"] == "B")
    kept = remote.out / entry["failed_path"]
    assert kept.suffix == ".ipynb" and "CANARY-B-secret-error" in kept.read_text(encoding="utf-8")
    assert not (remote.out / "runs" / remote.manifest["run_id"] / "staging").exists()


def test_bad_scheduler_is_a_bad_option(env):
    root, ws, kwargs = env
    result = render(ws, root / "bad", scheduler=42, **kwargs)
    assert result.exit_code == EXIT_USAGE and "`scheduler`" in result.error


def test_connect_refuses_non_addresses():
    from kamlib.run.cluster import connect

    with pytest.raises(ArgumentError, match="`scheduler`"):
        connect(["tcp://x:1"])


# --------------------------------------------------------------------------- as a user runs it


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _kam(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "kam"), *args], capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def separate_processes(tmp_path_factory, sample_folder):
    """The README's commands, each a process of its own: scheduler, worker, `kam render`."""
    root = tmp_path_factory.mktemp("separate")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    log = (root / "dask.log").open("w")
    scheduler = subprocess.Popen(
        [str(BIN / "dask"), "scheduler", "--port", str(port), "--no-dashboard"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    worker = subprocess.Popen(
        [str(BIN / "dask"), "worker", address, "--nworkers", "2", "--nthreads", "1"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        with distributed.Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        accounts = "C0027,C0112,C0003"
        common = ["--accounts", accounts, "--notebooks", "annual_meeting", "--workers", "2"]
        remote = _kam(
            "render",
            str(sample_folder),
            "--out",
            str(root / "remote"),
            *common,
            "--scheduler",
            address,
        )
        local = _kam("render", str(sample_folder), "--out", str(root / "local"), *common)
    finally:
        for process in (worker, scheduler):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in (worker, scheduler):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()
    return SimpleNamespace(root=root, remote=remote, local=local)


def _report_text(path: Path) -> str:
    """A published report, less what differs between two runs of the same inputs (none today)."""
    return re.sub(r"\d{8}T\d{6}Z-[0-9a-f]{6}", "RUN", path.read_text(encoding="utf-8"))


def test_readme_commands_render_on_a_separate_scheduler_and_worker(separate_processes):
    """Issue 16: `kam render --scheduler` against `dask scheduler`/`dask worker` processes."""
    remote, local, root = (
        separate_processes.remote,
        separate_processes.local,
        separate_processes.root,
    )
    assert remote.returncode == 0, remote.stderr[-2000:]
    assert "Traceback" not in remote.stderr and "No clients found" not in remote.stderr
    assert local.returncode == 0, local.stderr[-2000:]
    assert "kam render: 3 published, 0 failed, 0 timed out, 0 skipped" in remote.stdout
    published = {
        kind: {p.name: _report_text(p) for p in sorted((root / kind / "published").iterdir())}
        for kind in ("remote", "local")
    }
    assert len(published["remote"]) == 3
    assert published["remote"] == published["local"]
    manifest = json.loads((root / "remote" / "manifest.json").read_text(encoding="utf-8"))
    assert {e["account_id"] for e in manifest["reports"]} == {"C0027", "C0112", "C0003"}

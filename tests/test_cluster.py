"""`kam render` through a dask.distributed cluster (issue 6, part 3).

A LocalCluster with two worker processes renders the fixture reports (three accounts, one of
which fails, plus a portfolio notebook); the manifest and the published reports match those
of the local run of the same inputs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kamlib.errors import EXIT_FAILED, EXIT_USAGE, ArgumentError
from kamlib.run.render import render

distributed = pytest.importorskip("distributed")

NOTEBOOKS = Path(__file__).parent / "notebooks"
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

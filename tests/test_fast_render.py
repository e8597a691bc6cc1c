"""The fast path of `kam render` (issue 6): forked kernels and the run cache change only time.

- the reports of the sample portfolio (2 accounts x the account notebooks, plus the portfolio
  notebooks) are the same with forked kernels and the run cache as with a fresh kernel per
  notebook and no cache;
- the cross-account canary: every report of one worker plants its canary in variables, module
  state, sys.modules, the environment, matplotlib and pandas settings and the working folder;
  no later report finds any of it, and no report shows another account's canary;
- the run cache: the same workspace and portfolio results as computing them, checked against
  the inputs (a changed file is loaded anew), refused when the folder is not private.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import kamlib.run.cache as cache
from kamlib.errors import EXIT_OK, ArgumentError
from kamlib.load.workspace import load_workspace, resolve_workspace
from kamlib.run.render import render

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = Path(__file__).parent / "notebooks"
ACCOUNTS = ["C0027", "C0112"]


def _pages(result) -> dict[tuple, str]:
    """(account, notebook) -> the published HTML, with the run id taken out."""
    run_id = result.manifest["run_id"]
    return {
        (e["account_id"], e["notebook"]): (result.out / e["path"])
        .read_text(encoding="utf-8")
        .replace(run_id, "RUN")
        for e in result.manifest["reports"]
        if e["path"]
    }


# --------------------------------------------------------------------------- same reports


@pytest.fixture(scope="module")
def sample_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("fast")
    ws = load_workspace(resolve_workspace(""))
    fast = render(ws, root / "fast", accounts=ACCOUNTS, workers=2, progress=False)
    plain = render(
        ws,
        root / "plain",
        accounts=ACCOUNTS,
        workers=2,
        progress=False,
        kernels="fresh",
        run_cache=False,
    )
    return fast, plain


def test_fast_path_reports_equal_fresh_kernel_reports(sample_runs):
    fast, plain = sample_runs
    assert fast.exit_code == plain.exit_code == EXIT_OK
    kinds = {e["kind"] for e in fast.manifest["reports"]}
    assert kinds == {"account", "portfolio"} and fast.counts["published"] == len(_pages(plain))
    fast_pages, plain_pages = _pages(fast), _pages(plain)
    assert fast_pages.keys() == plain_pages.keys()
    for key, page in fast_pages.items():
        assert page == plain_pages[key], f"{key}: the fast path's report differs"


def test_fast_path_leaves_no_cache_behind(sample_runs):
    fast, _ = sample_runs
    run_dir = fast.out / "runs" / fast.manifest["run_id"]
    assert not (run_dir / "cache").exists()
    assert not list(fast.out.rglob("*.pkl"))


# --------------------------------------------------------------------------- the canary


@pytest.fixture(scope="module")
def canary_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("canary")
    ws = root / "ws"
    ws.mkdir()
    ids = ["ALPHA", "BRAVO", "CHARLIE", "DELTA"]
    (ws / "transactions.csv").write_text(
        "account_id,date,revenue\n"
        + "".join(f"{a},2024-0{i + 1}-05,{10 * (i + 1)}\n" for i, a in enumerate(ids)),
        encoding="utf-8",
    )
    nbs = root / "nbs"
    nbs.mkdir()
    shutil.copy(NOTEBOOKS / "canary.ipynb", nbs / "canary.ipynb")
    # one worker: every report after the first runs where an earlier one ran
    result = render(
        ws,
        root / "out",
        accounts=ids,
        workers=1,
        progress=False,
        account_notebooks={"canary": nbs / "canary.ipynb"},
    )
    return ids, result


def test_no_report_finds_anything_an_earlier_report_left(canary_run):
    ids, result = canary_run
    assert result.exit_code == EXIT_OK and result.counts["published"] == len(ids)
    for (account, _), page in _pages(result).items():
        assert "leftovers: none; preloaded: True" in page, account  # the fast path, clean


def test_no_report_shows_another_accounts_canary(canary_run):
    ids, result = canary_run
    for (account, _), page in _pages(result).items():
        assert f"CANARY-{account}" in page
        others = [a for a in ids if a != account and f"CANARY-{a}" in page]
        assert others == [], f"{account}'s report shows {others}"


# --------------------------------------------------------------------------- the run cache


@pytest.fixture
def small_ws(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "transactions.csv").write_text(
        "account_id,date,revenue\n"
        "A,2024-01-05,10\nA,2024-03-05,12\nA,2024-05-05,11\nB,2024-02-06,30\n"
        "B,2024-06-06,20\nC,2024-04-01,5\n",
        encoding="utf-8",
    )
    return ws


@pytest.fixture
def run_cache(small_ws, tmp_path, monkeypatch):
    folder = cache.prepare(load_workspace(small_ws), tmp_path / "cache")
    monkeypatch.setenv(cache.ENV_VAR, str(folder))
    return folder


def test_outside_a_run_the_functions_compute(small_ws, monkeypatch):
    monkeypatch.delenv(cache.ENV_VAR, raising=False)
    ws = cache.workspace(str(small_ws))
    assert_frame_equal(ws.transactions, load_workspace(small_ws).transactions)
    got = cache.portfolio(ws)
    assert_frame_equal(got.abc_xyz, cache.compute_portfolio(ws).abc_xyz)
    assert got.cells.to_dict() == {"A": "BZ", "B": "AZ", "C": "CZ"}


def test_cached_results_equal_computed_ones(small_ws, run_cache):
    cached_ws = cache.workspace(str(small_ws))
    loaded = load_workspace(small_ws)
    for table in ("transactions", "accounts"):
        assert_frame_equal(getattr(cached_ws, table), getattr(loaded, table))
    assert cached_ws.as_of == loaded.as_of
    cached, computed = cache.portfolio(cached_ws), cache.compute_portfolio(loaded)
    for name in ("abc_xyz", "client_types", "client_pnl", "client_status"):
        assert_frame_equal(getattr(cached, name), getattr(computed, name))
    assert repr(cached.dependence) == repr(computed.dependence)


def test_the_cache_is_what_is_read(small_ws, run_cache):
    stored = pickle.loads((run_cache / "workspace.pkl").read_bytes())
    stored.tables["transactions"] = stored.tables["transactions"].iloc[:1]
    (run_cache / "workspace.pkl").write_bytes(pickle.dumps(stored))
    assert len(cache.workspace(str(small_ws)).transactions) == 1  # read, not loaded


def test_a_touched_but_unchanged_input_still_matches(small_ws, run_cache):
    os.utime(small_ws / "transactions.csv", ns=(1, 1))  # new mtime, same bytes
    (run_cache / "workspace.pkl").write_bytes(
        pickle.dumps(pickle.loads((run_cache / "workspace.pkl").read_bytes()))
    )
    ws = cache.workspace(str(small_ws))
    assert cache.portfolio(ws).as_of == pd.Timestamp("2024-06-06")


def test_a_changed_input_is_loaded_anew(small_ws, run_cache):
    with open(small_ws / "transactions.csv", "a", encoding="utf-8") as fh:
        fh.write("D,2024-06-07,99\n")
    ws = cache.workspace(str(small_ws))
    assert "D" in set(ws.transactions["account_id"])
    assert "D" in set(cache.portfolio(ws).abc_xyz["account_id"])


def test_another_date_or_workspace_is_computed(small_ws, run_cache, tmp_path):
    ws = cache.workspace(str(small_ws))
    earlier = cache.portfolio(ws, as_of="2024-03-31")
    assert earlier.as_of == pd.Timestamp("2024-03-31")
    assert "C" not in set(earlier.abc_xyz["account_id"])
    other = tmp_path / "other"
    shutil.copytree(small_ws, other)
    (other / "transactions.csv").write_text("account_id,date,revenue\nZ,2024-01-01,1\n")
    assert list(cache.workspace(str(other)).transactions["account_id"]) == ["Z"]


def test_a_cache_folder_others_can_read_is_refused(small_ws, run_cache):
    os.chmod(run_cache, 0o755)
    with pytest.raises(ArgumentError, match="KAMLIB_RUN_CACHE"):
        cache.workspace(str(small_ws))


def test_the_index_records_the_inputs(small_ws, run_cache):
    index = json.loads((run_cache / "cache.json").read_text())
    assert index["root"] == str(small_ws.resolve())
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", index["fingerprint"])
    assert [row[0] for row in index["stats"]] == ["transactions.csv"]
    assert (run_cache.stat().st_mode & 0o077) == 0


def test_a_relative_output_folder_still_reaches_the_run_cache(tmp_path, monkeypatch):
    """Kernels run in the notebook's folder: the run passes them absolute paths (found by `make demo`)."""
    from kamlib.run.render import render

    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "transactions.csv").write_text("account_id,date,revenue\nA1,2024-01-05,10\n")
    monkeypatch.chdir(tmp_path)
    nb = Path(__file__).parent / "notebooks" / "cached.ipynb"
    result = render(ws, "out", accounts=["A1"], notebooks={"cached": nb}, workers=1, progress=False)
    assert result.exit_code == 0, result.manifest["reports"]

"""Faults around the report run (issue 14, the run half), each in the catalogue style.

Every case states its input, the exit code, the message and what is on disk afterwards:
published reports, ``manifest.json`` and the index stay consistent whatever happened.

- one report that cannot be written (a folder where its file goes) fails alone; a full disk
  (a small tmpfs mounted on ``published/``, or ENOSPC injected at the write) stops the run with
  exit 74, and the reports published before stay;
- a partial run (``accounts=[...]``) keeps the other reports in the manifest and the index;
  ``--accounts ""`` is exit 64; personal-details reports never go into a folder of default ones;
- ``kam cleanup`` removes only folders with kamlib's run marker, and not while a render runs;
- after ``kill -9`` of a render, the next run removes its staging, cache and socket folders;
  a process a notebook double-forks does not outlive its report (wall clock or not);
- ``MPLBACKEND=Agg`` in the environment: the reports still have their charts; a report whose
  figures did not render is not published;
- a read-only ``--out`` is exit 64 with a message; U+202E in an id is neutralised in the index.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import nbformat
import psutil
import pytest

from kamlib.cli import main
from kamlib.errors import EXIT_DISK_FULL, EXIT_FAILED, EXIT_LOCKED, EXIT_OK, EXIT_USAGE
from kamlib.report.paths import safe_filename
from kamlib.run.files import RUN_MARKER, output_lock, read_run_marker, write_run_marker
from kamlib.run.index import index_page
from kamlib.run.render import render

NOTEBOOKS = Path(__file__).parent / "notebooks"
BIN = Path(sys.executable).parent
TAG = "KAMLIB_FAULTS_TEST_TAG"
ACCOUNTS = ["A", "B", "C"]


def _notebook(path: Path, parameters: str, *cells: str) -> Path:
    """A notebook with a `parameters` cell and code cells, for the python3 kernel."""
    nb = nbformat.v4.new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}
        }
    )
    nb.cells = [
        nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}),
        *(nbformat.v4.new_code_cell(c) for c in cells),
    ]
    nbformat.write(nb, path)
    return path


@pytest.fixture
def ws(tmp_path) -> SimpleNamespace:
    """A three-account workspace and the test notebooks (brief: an account report with a chart)."""
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "transactions.csv").write_text(
        "account_id,date,revenue,product_id\n"
        "A,2024-01-05,10,P1\nB,2024-01-06,20,P2\nC,2024-02-01,30,P3\nC,2024-03-01,5,P3\n",
        encoding="utf-8",
    )
    nbs = tmp_path / "nbs"
    shutil.copytree(NOTEBOOKS, nbs)
    return SimpleNamespace(root=tmp_path, folder=folder, nbs=nbs)


def _brief(ws, **extra) -> dict:
    return {
        "accounts": ACCOUNTS,
        "account_notebooks": {"brief": ws.nbs / "brief.ipynb"},
        "workers": 1,
        "progress": False,
    } | extra


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _statuses(manifest: dict) -> dict:
    return {e["account_id"]: (e["status"], e["reason"]) for e in manifest["reports"]}


def _published(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / "published").glob("*.html"))}


def _index_accounts(out: Path) -> list[str]:
    import re

    return re.findall(r'data-account="([^"]*)"', (out / "index.html").read_text(encoding="utf-8"))


@contextlib.contextmanager
def _tmpfs(where: Path, size: str, *options: str):
    """Mount a tmpfs of `size` on `where` (skips the test when this machine cannot mount)."""
    where.mkdir(parents=True, exist_ok=True)
    opts = ",".join([f"size={size}", "mode=0750", *options])
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(where)], check=False, capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


# --------------------------------------------------------------------------- 1. one report's failure


def test_a_folder_where_a_report_goes_fails_that_report_only(ws):
    """Input: published/<B's report name> is a folder. Exit 3; B failed (publish_error); A and C
    published; the manifest and the index list all three; the folder is untouched."""
    out = ws.root / "out"
    blocker = out / "published" / safe_filename("B", "brief")
    (blocker / "inside").mkdir(parents=True)
    result = render(ws.folder, out, **_brief(ws))
    assert result.exit_code == EXIT_FAILED
    assert _statuses(_manifest(out)) == {
        "A": ("published", None),
        "B": ("failed", "publish_error"),
        "C": ("published", None),
    }
    assert (blocker / "inside").is_dir()
    assert sorted(_index_accounts(out)) == ACCOUNTS
    error = (out / _manifest(out)["reports"][1]["failed_path"]).with_suffix("")
    text = Path(f"{error}.error.txt").read_text(encoding="utf-8")
    assert "could not be published" in text and "Is a directory" in text


def test_disk_full_injected_at_the_write_stops_the_run_with_74(ws, monkeypatch, capsys):
    """Input: the second report's write raises OSError(ENOSPC). Exit 74 and a message; A
    published, B failed (disk_full), C not run (disk_full, 0 attempts); manifest and index
    written; no temporary file left."""
    from kamlib.run import publish as publish_module

    real = publish_module.atomic_write
    calls = []

    def filling(path, data, **kwargs):
        calls.append(path.name)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data, **kwargs)

    monkeypatch.setattr(publish_module, "atomic_write", filling)
    out = ws.root / "out"
    result = render(ws.folder, out, **_brief(ws, progress=True))
    err = capsys.readouterr().err
    assert result.exit_code == EXIT_DISK_FULL == 74
    assert "is full" in err and "published before stay" in err
    manifest = _manifest(out)
    assert _statuses(manifest) == {
        "A": ("published", None),
        "B": ("failed", "disk_full"),
        "C": ("failed", "disk_full"),
    }
    assert [e["attempts"] for e in manifest["reports"]] == [1, 1, 0]
    assert list(_published(out)) == [safe_filename("A", "brief")]
    assert sorted(_index_accounts(out)) == ACCOUNTS
    assert not list(out.rglob(".*.tmp"))
    assert not (out / "runs" / manifest["run_id"] / "staging").exists()


def test_full_tmpfs_under_published_stops_the_run_and_a_rerun_completes_it(ws):
    """Input: published/ is a tmpfs that holds two reports. Exit 74; the two published before
    the disk filled are intact and listed; after the space is freed, the next run renders the
    rest and skips the two (up to date)."""
    reference = render(ws.folder, ws.root / "reference", **_brief(ws))
    assert reference.exit_code == EXIT_OK
    sizes = [len(v) for v in _published(ws.root / "reference").values()]
    out = ws.root / "out"
    out.mkdir()
    room = (sizes[0] + sizes[1] + max(sizes) // 2) // 4096 * 4096 + 4096
    with _tmpfs(out / "published", str(room)) as published:
        result = render(ws.folder, out, **_brief(ws))
        assert result.exit_code == EXIT_DISK_FULL
        assert "is full" in result.error
        statuses = _statuses(_manifest(out))
        assert statuses["A"] == statuses["B"] == ("published", None)
        assert statuses["C"] == ("failed", "disk_full")
        first = _published(out)
        assert first == {k: v for k, v in _published(ws.root / "reference").items() if k in first}
        assert len(first) == 2 and not list(published.glob(".*.tmp"))
        assert sorted(_index_accounts(out)) == ACCOUNTS
        subprocess.run(["mount", "-o", f"remount,size={room * 4}", str(published)], check=True)
        again = render(ws.folder, out, **_brief(ws))
        assert again.exit_code == EXIT_OK
        assert _statuses(_manifest(out)) == {
            "A": ("skipped", "up_to_date"),
            "B": ("skipped", "up_to_date"),
            "C": ("published", None),
        }
        assert _published(out) == _published(ws.root / "reference")


def test_manifest_that_cannot_be_written_is_exit_74_and_the_old_one_stays(ws, monkeypatch):
    from kamlib.run import render as render_module

    out = ws.root / "out"
    assert render(ws.folder, out, accounts=[], notebooks={}, progress=False).exit_code == 0
    before = (out / "manifest.json").read_bytes()

    def full(*_, **__):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(render_module, "write_manifest", full)
    result = render(ws.folder, out, accounts=[], notebooks={}, progress=False)
    assert result.exit_code == EXIT_DISK_FULL
    assert "manifest.json (No space left on device; the previous one stays)" in result.error
    assert (out / "manifest.json").read_bytes() == before
    assert (out / "index.html").is_file()


# --------------------------------------------------------------------------- 2. partial runs


def test_partial_run_keeps_the_other_reports_and_the_next_full_run_skips_them(ws):
    """Input: a full run of A, B, C, then accounts=[B]. The manifest and the index list three
    reports (A and C skipped, not_selected); the next full run re-renders none of them."""
    out = ws.root / "out"
    assert render(ws.folder, out, **_brief(ws)).exit_code == EXIT_OK
    published = _published(out)
    partial = render(ws.folder, out, **_brief(ws, accounts=["B"]))
    assert partial.exit_code == EXIT_OK
    assert partial.counts == {"published": 0, "failed": 0, "timed_out": 0, "skipped": 3}
    assert _statuses(_manifest(out)) == {
        "B": ("skipped", "up_to_date"),
        "A": ("skipped", "not_selected"),
        "C": ("skipped", "not_selected"),
    }
    assert sorted(_index_accounts(out)) == ACCOUNTS
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count('href="published/') == 3  # every report still linked
    full = render(ws.folder, out, **_brief(ws))
    assert full.counts["skipped"] == 3 and full.counts["published"] == 0
    assert {e["reason"] for e in full.manifest["reports"]} == {"up_to_date"}
    assert _published(out) == published


def test_partial_run_of_a_changed_notebook_renders_only_its_account(ws):
    out = ws.root / "out"
    assert render(ws.folder, out, **_brief(ws)).exit_code == EXIT_OK
    nb = nbformat.read(ws.nbs / "brief.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("print('changed')"))
    nbformat.write(nb, ws.nbs / "brief.ipynb")
    partial = render(ws.folder, out, **_brief(ws, accounts=["C"]))
    assert partial.counts == {"published": 1, "failed": 0, "timed_out": 0, "skipped": 2}
    full = render(ws.folder, out, **_brief(ws))  # A and B are out of date: rendered now
    assert _statuses(full.manifest) == {
        "A": ("published", None),
        "B": ("published", None),
        "C": ("skipped", "up_to_date"),
    }


def test_empty_accounts_option_is_a_bad_option(ws, capsys):
    """Input: `kam render WS --out OUT --accounts ""`. Exit 64, "no account id"; nothing written."""
    out = ws.root / "out"
    for empty in ("", " , "):
        assert main(["render", str(ws.folder), "--out", str(out), "--accounts", empty]) == 64
        assert "--accounts: no account id" in capsys.readouterr().err
    assert not out.exists()


def test_personal_details_never_overwrite_default_reports(ws):
    """Input: default reports in OUT, then a run with include_personal_details into OUT.
    Exit 64 naming the folder; the default reports are unchanged. Into another folder: exit 0;
    and default reports into the personal folder: exit 64 too."""
    nb = _notebook(
        ws.nbs / "meeting.ipynb",
        'account_id: str = ""\ninclude_personal_details: bool = False',
        "print(account_id, include_personal_details)",
    )
    kwargs = {"accounts": ["A"], "account_notebooks": {"meeting": nb}, "progress": False}
    out = ws.root / "out"
    assert render(ws.folder, out, **kwargs).exit_code == EXIT_OK
    before = _published(out), (out / "manifest.json").read_bytes()
    personal = {"parameters": {"include_personal_details": True}, "purpose": "account team"}
    refused = render(ws.folder, out, **kwargs, **personal)
    assert refused.exit_code == EXIT_USAGE
    assert "holds the default reports" in refused.error and "another --out" in refused.error
    assert (_published(out), (out / "manifest.json").read_bytes()) == before
    own = ws.root / "personal"
    assert render(ws.folder, own, **kwargs, **personal).exit_code == EXIT_OK
    back = render(ws.folder, own, **kwargs)
    assert back.exit_code == EXIT_USAGE and "holds reports with personal details" in back.error


# --------------------------------------------------------------------------- 3. cleanup


def _old(path: Path) -> None:
    for p in [*sorted(path.rglob("*"), reverse=True), path]:
        os.utime(p, (1_000_000_000, 1_000_000_000), follow_symlinks=False)


def test_cleanup_removes_only_marked_run_folders(tmp_path, capsys):
    """Input: OUT/runs/ with an old run folder made by kamlib, an old folder without a marker,
    one with a marker naming another run. Exit 0; only the first is removed."""
    runs = tmp_path / "out" / "runs"
    ours, foreign, forged = runs / "20240101T000000Z-aaaaaa", runs / "photos", runs / "x"
    for folder in (ours, foreign, forged):
        (folder / "failed").mkdir(parents=True)
        (folder / "failed" / "f.txt").write_text("data")
    write_run_marker(ours, ours.name)
    write_run_marker(forged, "20240101T000000Z-aaaaaa")  # copied from elsewhere: not its id
    for folder in (ours, foreign, forged):
        _old(folder)
    assert main(["cleanup", str(tmp_path / "out"), "--older-than", "30d"]) == EXIT_OK
    assert "removed 1 run folder(s)" in capsys.readouterr().out
    assert not ours.exists() and (foreign / "failed" / "f.txt").exists() and forged.exists()
    assert read_run_marker(forged) is None


def test_cleanup_waits_for_the_lock(tmp_path, capsys):
    """Input: a render holds OUT/.lock. Exit 75, "locked by a running kam render"; nothing removed."""
    out = tmp_path / "out"
    run = out / "runs" / "20240101T000000Z-aaaaaa"
    run.mkdir(parents=True)
    write_run_marker(run, run.name)
    _old(run)
    with output_lock(out) as held:
        assert held
        assert main(["cleanup", str(out), "--older-than", "0d"]) == EXIT_LOCKED
    assert "locked by a running kam render" in capsys.readouterr().err
    assert run.exists()
    assert main(["cleanup", str(out), "--older-than", "0d"]) == EXIT_OK
    assert not run.exists()


def _sleeper(ws, seconds: float) -> Path:
    """An account notebook that waits until `stop` exists next to it, or `seconds` pass."""
    return _notebook(
        ws.nbs / "waits.ipynb",
        'account_id: str = ""',
        "import time\nfrom pathlib import Path\n"
        f"end = time.monotonic() + {seconds}\n"
        "while time.monotonic() < end and not Path('stop').exists():\n"
        "    time.sleep(0.1)",
    )


def _start_render(ws, out: Path, notebook: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(BIN / "kam"),
            "render",
            str(ws.folder),
            "--out",
            str(out),
            "--accounts",
            "A",
            "--notebooks",
            str(notebook),
            "--workers",
            "1",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _wait_for(predicate, timeout: float = 120):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = predicate()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


def _live_staging(out: Path):
    return next(iter(out.glob("runs/*/staging/*")), None)


def test_cleanup_during_a_render_removes_nothing_and_the_render_finishes(ws):
    """Input: `kam cleanup OUT --older-than 0d` while `kam render` runs. Exit 75; the live run
    folder stays; the render ends with exit 0 and its manifest."""
    out = ws.root / "out"
    render_process = _start_render(ws, out, _sleeper(ws, 60))
    try:
        staging = _wait_for(lambda: _live_staging(out))
        cleanup = subprocess.run(
            [str(BIN / "kam"), "cleanup", str(out), "--older-than", "0d"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert cleanup.returncode == EXIT_LOCKED, cleanup.stderr
        assert "locked by a running kam render" in cleanup.stderr
        assert staging.exists()
        (ws.nbs / "stop").touch()
        assert render_process.wait(timeout=300) == EXIT_OK
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(render_process.pid, signal.SIGKILL)
    assert _statuses(_manifest(out)) == {"A": ("published", None)}


# --------------------------------------------------------------------------- 4. kill -9, strays


def test_after_kill_9_the_next_run_removes_staging_cache_and_sockets(ws):
    """Input: `kam render` killed with SIGKILL mid-report. Its staging folder and its kam-*
    socket folder stay; the next run removes both, publishes, and its manifest lists A."""
    out = ws.root / "out"
    notebook = _sleeper(ws, 60)
    process = _start_render(ws, out, notebook)
    staging = _wait_for(lambda: _live_staging(out))
    run = staging.parent.parent
    sockets = Path(read_run_marker(run)["sockets"])
    assert sockets.is_dir() and sockets.name.startswith("kam-")
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert staging.exists() and sockets.exists()
    assert not (out / "manifest.json").exists()
    (ws.nbs / "stop").touch()
    result = render(ws.folder, out, accounts=["A"], notebooks={"waits": notebook}, progress=False)
    assert result.exit_code == EXIT_OK
    assert not (run / "staging").exists() and not sockets.exists()
    assert (run / RUN_MARKER).is_file()  # the folder itself is kam cleanup's to remove
    assert _statuses(_manifest(out)) == {"A": ("published", None)}


def _tagged(tag: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter():
        with contextlib.suppress(psutil.Error):
            if proc.environ().get(TAG) == tag and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc)
    return found


_DAEMON = """import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.environ[{tag!r}] = {value!r}
        os.execvp("sleep", ["sleep", "300"])
    os._exit(0)
time.sleep(1)"""


def test_a_double_forked_process_does_not_outlive_its_report(ws):
    """Input: two notebooks each start a daemon (fork, setsid, fork, exec sleep 300); one then
    runs past the wall clock. `daemon_ends` is published, `daemon_hangs` timed out
    (wall_clock); afterwards no daemon is alive."""
    tag = uuid.uuid4().hex
    notebooks = {}
    for name, tail in (("daemon_ends", "print('done')"), ("daemon_hangs", "time.sleep(300)")):
        source = _DAEMON.format(tag=TAG, value=tag)
        notebooks[name] = _notebook(ws.nbs / f"{name}.ipynb", 'run_id: str = ""', source, tail)
    result = render(
        ws.folder,
        ws.root / "out",
        accounts=[],
        portfolio_notebooks=notebooks,
        workers=2,
        # room for a worker's first kernel (its zygote imports pandas and matplotlib) on a
        # loaded machine, well under the 300 s that `daemon_hangs` sleeps
        timeout=45,
        progress=False,
    )
    got = {e["notebook"]: (e["status"], e["reason"]) for e in result.manifest["reports"]}
    assert got == {"daemon_ends": ("published", None), "daemon_hangs": ("timed_out", "wall_clock")}
    time.sleep(0.5)
    assert _tagged(tag) == []


# --------------------------------------------------------------------------- 5. figures


def test_mplbackend_agg_in_the_environment_keeps_the_charts(ws, monkeypatch):
    """Input: MPLBACKEND=Agg (a cron host). The brief's chart is in every report (a PNG)."""
    monkeypatch.setenv("MPLBACKEND", "Agg")
    out = ws.root / "out"
    for kernels in ("forked", "fresh"):
        result = render(ws.folder, out / kernels, **_brief(ws, accounts=["A"], kernels=kernels))
        assert result.exit_code == EXIT_OK, kernels
        (report,) = _published(out / kernels).values()
        assert b"data:image/png;base64," in report, kernels


def test_a_report_whose_figures_did_not_render_is_not_published(ws):
    """Input: a notebook that switches matplotlib to Agg, then shows a figure (plt.show(): no
    output at all) and displays it (the text "<Figure size ...>"). Exit 3; the report failed
    (missing_figures, the displaying cell named: index 4 in the executed notebook, after the
    injected parameters); nothing published. Then without the `fig` cell: still failed."""
    nb = _notebook(
        ws.nbs / "agg.ipynb",
        'run_id: str = ""',
        "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt",
        "fig, ax = plt.subplots()\nax.plot([1, 2], [3, 4])\nplt.show()",
        "fig",
    )
    out = ws.root / "out"
    result = render(ws.folder, out, accounts=[], notebooks={"agg": nb}, progress=False)
    assert result.exit_code == EXIT_FAILED
    (entry,) = result.manifest["reports"]
    assert (entry["status"], entry["reason"], entry["cell_index"]) == (
        "failed",
        "missing_figures",
        4,
    )
    assert _published(out) == {}
    error = next((out / "runs").rglob("*.error.txt")).read_text(encoding="utf-8")
    assert "showed no figure" in error and "'agg'" in error.lower() and "MPLBACKEND" in error
    silent = nbformat.read(nb, as_version=4)
    silent.cells.pop()  # plt.show() alone: nothing in the outputs, the sentinel tells
    nbformat.write(silent, nb)
    again = render(ws.folder, out, accounts=[], notebooks={"agg": nb}, progress=False)
    (entry,) = again.manifest["reports"]
    assert (entry["status"], entry["reason"]) == ("failed", "missing_figures")
    assert _published(out) == {}


# --------------------------------------------------------------------------- 6. read-only, bidi


def test_read_only_out_is_a_bad_option_not_a_traceback(ws, capsys):
    """Input: --out on a read-only file system (and a folder to create inside it). Exit 64,
    "cannot write in OUT (Read-only file system)"; no traceback."""
    out = ws.root / "ro"
    with _tmpfs(out, "1m", "ro"):
        code = main(["render", str(ws.folder), "--out", str(out), "--accounts", "A"])
        err = capsys.readouterr().err
        assert code == EXIT_USAGE and "Traceback" not in err
        assert f"cannot write in {out} (Read-only file system)" in err
        code = main(["render", str(ws.folder), "--out", str(out / "new"), "--accounts", "A"])
        assert code == EXIT_USAGE
        assert "cannot create" in capsys.readouterr().err
        assert main(["cleanup", str(out)]) == EXIT_OK  # nothing to clean: no runs/


def test_bidi_override_in_an_id_is_neutralised_in_the_index():
    """Input: an account id and a name with U+202E. The index shows [U+202E], never the raw
    character, in the text and in the attributes."""
    evil = "C0009\u202egnp.exe"
    manifest = {
        "run_id": "r1",
        "finished": "2026-01-01T00:00:00+00:00",
        "totals": {"published": 1, "failed": 0, "timed_out": 0, "skipped": 0},
        "accounts": {evil: {"name": "Acme \u202eSoft\u2066", "manager": "\u202bAnn"}},
        "reports": [
            {
                "account_id": evil,
                "notebook": "brief",
                "status": "published",
                "reason": None,
                "path": "published/c0009gnp.exe--brief-0123.html",
            }
        ],
    }
    page = index_page(manifest)
    for control in ("\u202e", "\u2066", "\u202b"):
        assert control not in page
    assert "C0009[U+202E]gnp.exe" in page and "Acme [U+202E]Soft[U+2066]" in page
    assert 'data-account="C0009[U+202E]gnp.exe"' in page

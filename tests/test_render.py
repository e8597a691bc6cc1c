"""The report run (`kam render`): docs/reliability.md sections H and J, and the publishing rules.

Kernel starts cost about a second each, so the runs are shared: one main run (3 accounts, one
failing, plus a hostile account id and a portfolio notebook), one run of the failure modes, and
a sequence of re-runs on a copy of the main run's output.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import re
import shutil
import sys
import uuid
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import psutil
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from papermill.translators import PythonTranslator

from kamlib.errors import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_INPUT,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_USAGE,
    ArgumentError,
)
from kamlib.report.elements import scan_html
from kamlib.run.files import atomic_write
from kamlib.run.parameters import validate_parameters
from kamlib.run.render import STATUSES, render

NOTEBOOKS = Path(__file__).parent / "notebooks"
HOSTILE = "<b>Ромашка</b> \"q\" \\ 'x' $\\x$"
FORBIDDEN_EXIT_CODES = {99, 124, 137, 138}
TAG = "KAMLIB_RENDER_TEST_TAG"


def _tagged_processes(tag: str) -> list[psutil.Process]:
    """Live processes (other than this one) started by this module's runs."""
    found = []
    for proc in psutil.process_iter(["pid"]):
        if proc.pid == os.getpid():
            continue
        with contextlib.suppress(psutil.Error):
            if proc.environ().get(TAG) == tag and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc)
    return found


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    root = tmp_path_factory.mktemp("render")
    ws = root / "ws"
    ws.mkdir()
    (ws / "transactions.csv").write_text(
        "account_id,date,revenue,product_id\n"
        "A,2024-01-05,10,PROD-ONLY-A\n"
        "B,2024-01-06,20,PROD-ONLY-B\n"
        "C,2024-02-01,30,PROD-ONLY-C\n"
        "C,2024-03-01,5,PROD-ONLY-C\n"
        '"<b>Ромашка</b> ""q"" \\ \'x\' $\\x$",2024-01-07,7,PROD-ONLY-D\n',
        encoding="utf-8",
    )
    nbs = root / "nbs"
    shutil.copytree(NOTEBOOKS, nbs)
    tag = uuid.uuid4().hex
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(TAG, tag)  # inherited by workers and kernels: finds leftovers
        yield SimpleNamespace(root=root, ws=ws, nbs=nbs, tag=tag)


def _main_kwargs(env, **extra):
    return (
        dict(
            accounts=["A", "B", "C", HOSTILE],
            account_notebooks={"brief": env.nbs / "brief.ipynb"},
            portfolio_notebooks={"portfolio": env.nbs / "portfolio.ipynb"},
            classes={"A": "AX", "B": "CZ", "C": "AX", HOSTILE: "<i>BY</i>"},
            workers=2,
        )
        | extra
    )


@pytest.fixture(scope="module")
def main_run(env):
    marker = env.nbs / "fail-B"
    marker.touch()  # the brief notebook raises for account B while this file exists
    out = env.root / "out"
    stdout = io.StringIO()
    try:
        with contextlib.redirect_stdout(stdout):
            result = render(env.ws, out, **_main_kwargs(env))
    finally:
        marker.unlink()
    return SimpleNamespace(
        result=result,
        out=out,
        stdout=stdout.getvalue(),
        entries={e["account_id"]: e for e in result.manifest["reports"]},
    )


FAILURE_NOTEBOOKS = ["sleeps", "slow", "dies", "exits", "xss", "hello"]  # raising: main run


@pytest.fixture(scope="module")
def failures_run(env):
    out = env.root / "failures"
    result = render(
        env.ws,
        out,
        accounts=[],
        portfolio_notebooks={n: env.nbs / f"{n}.ipynb" for n in FAILURE_NOTEBOOKS},
        workers=2,
        cell_timeout=2,
        # wall clock: room for a kernel start on a loaded machine before `sleeps` meets its 2 s
        # cell limit, yet well under the 60 s that `slow` (120 cells of 0.5 s) needs
        timeout=30,
        progress=False,
    )
    return SimpleNamespace(
        result=result, out=out, entries={e["notebook"]: e for e in result.manifest["reports"]}
    )


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# --------------------------------------------------------------------------- the main run


def test_one_failing_account_does_not_stop_the_run(main_run):  # case 83
    result, entries = main_run.result, main_run.entries
    assert result.exit_code == EXIT_FAILED
    assert result.counts == {"published": 4, "failed": 1, "timed_out": 0, "skipped": 0}
    for account in ("A", "C", HOSTILE, None):
        assert entries[account]["status"] == "published"
        assert (main_run.out / entries[account]["path"]).is_file()
    b = entries["B"]
    assert (b["status"], b["reason"], b["ename"], b["path"]) == (
        "failed",
        "notebook_error",
        "ValueError",
        None,
    )
    assert b["cell_index"] == 3  # parameters, injected parameters, markdown, then the raising cell
    failed_nb = main_run.out / b["failed_path"]
    assert failed_nb.suffix == ".ipynb" and failed_nb.parent.name == "failed"
    assert failed_nb.parent.parent.name == result.manifest["run_id"]


def test_failed_notebook_is_never_published(main_run):  # case 54
    canary = b"CANARY-B-secret-error"
    published = _files(main_run.out / "published")
    assert len(published) == 4 and not any(canary in data for data in published.values())
    for name in ("manifest.json", "index.html", "index-by-class.html"):
        assert canary not in (main_run.out / name).read_bytes()
    failed = _files(main_run.out / "runs" / main_run.result.manifest["run_id"] / "failed")
    assert sorted(failed) == sorted(
        [
            Path(main_run.entries["B"]["failed_path"]).name,
            Path(main_run.entries["B"]["failed_path"]).stem + ".error.txt",
        ]
    )
    assert all(canary in data for data in failed.values())


def test_reports_are_safe_self_contained_and_hide_code(main_run):  # cases 47, 52, 53
    for entry in main_run.result.manifest["reports"]:
        if entry["status"] != "published":
            continue
        page = (main_run.out / entry["path"]).read_text(encoding="utf-8")
        assert scan_html(page) == []
        for hidden in (
            "# Parameters",
            "account_id",
            "run_id",
            "kamlib-complete",
            "csv.DictReader",
            "injected-parameters",
            entry["parameters"]["workspace"],
        ):
            assert hidden not in page
    a = (main_run.out / main_run.entries["A"]["path"]).read_text(encoding="utf-8")
    images = [t for t in _Tags(a).tags if t[0] == "img"]
    assert len(images) == 1 and images[0][1]["src"].startswith("data:image/png;base64,")
    assert "1 lines for this account; interactive=False" in a


def test_hostile_account_id_round_trips_and_is_escaped(main_run):  # cases 47, 68
    entry = main_run.entries[HOSTILE]
    assert entry["parameters"]["account_id"] == HOSTILE
    page = (main_run.out / entry["path"]).read_text(encoding="utf-8")
    assert "PROD-ONLY-D" in page  # the notebook got the exact id and found its rows
    assert "<b>Ромашка</b>" not in page and "&lt;b&gt;Ромашка&lt;/b&gt;" in page  # title
    index = (main_run.out / "index.html").read_text(encoding="utf-8")
    assert scan_html(index) == [] and "<b>Ромашка" not in index and "<i>BY</i>" not in index
    assert re.fullmatch(r"published/b-romashka-b-q-x-x--brief-[0-9a-f]{12}\.html", entry["path"])


def test_cross_account_isolation(main_run):  # case 80
    products = {"A": "PROD-ONLY-A", "B": "PROD-ONLY-B", "C": "PROD-ONLY-C", HOSTILE: "PROD-ONLY-D"}
    for account, own in products.items():
        entry = main_run.entries[account]
        if entry["status"] != "published":
            continue
        page = (main_run.out / entry["path"]).read_text(encoding="utf-8")
        assert own in page
        assert not [p for a, p in products.items() if a != account and p in page]


def test_parameters_are_only_the_run_primitives(main_run):  # case 72
    allowed = {"workspace", "account_id", "run_id", "interactive"}
    for entry in main_run.result.manifest["reports"]:
        assert set(entry["parameters"]) <= allowed
        assert all(type(v) in (str, bool) for v in entry["parameters"].values())
    assert main_run.entries[None]["parameters"].keys() == {"workspace", "run_id"}  # as declared
    import nbformat

    failed = nbformat.read(main_run.out / main_run.entries["B"]["failed_path"], as_version=4)
    assert failed.metadata.papermill.parameters == main_run.entries["B"]["parameters"]


def test_summary_line_matches_the_manifest(main_run):  # case 100
    totals = main_run.result.manifest["totals"]
    line = main_run.stdout.strip().splitlines()[-1]
    assert line == (
        f"kam render: {totals['published']} published, {totals['failed']} failed, "
        f"{totals['timed_out']} timed out, {totals['skipped']} skipped -> "
        f"{main_run.out / 'index.html'}"
    )
    assert line == main_run.result.summary


MANIFEST_SCHEMA = {
    "type": "object",
    "required": [
        "manifest_version",
        "run_id",
        "started",
        "finished",
        "fingerprint",
        "engine",
        "kernel_name",
        "parameters",
        "notebooks",
        "totals",
        "reports",
    ],
    "properties": {
        "fingerprint": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"},
        "totals": {
            "type": "object",
            "required": list(STATUSES),
            "additionalProperties": {"type": "integer", "minimum": 0},
        },
        "reports": {
            "type": "array",
            "items": {
                "type": "object",
                "required": [
                    "account_id",
                    "notebook",
                    "kind",
                    "status",
                    "reason",
                    "path",
                    "sha256",
                    "attempts",
                    "key",
                    "parameters",
                ],
                "properties": {
                    "status": {"enum": list(STATUSES)},
                    "kind": {"enum": ["account", "portfolio"]},
                    "path": {
                        "type": ["string", "null"],
                        "pattern": "^published/[a-z0-9-]+\\.html$",
                    },
                    "sha256": {"type": ["string", "null"], "pattern": "^[0-9a-f]{64}$"},
                    "attempts": {"type": "integer", "minimum": 0},
                },
            },
        },
    },
}


def test_manifest_schema_totals_and_hashes(main_run):  # case 98
    import hashlib

    import jsonschema

    manifest = json.loads((main_run.out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest == main_run.result.manifest
    jsonschema.validate(manifest, MANIFEST_SCHEMA)
    assert manifest["totals"] == {
        s: sum(e["status"] == s for e in manifest["reports"]) for s in STATUSES
    }
    for entry in manifest["reports"]:
        if entry["path"]:
            data = (main_run.out / entry["path"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]


class _Tags(HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.tags = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


class _Links(HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.links = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs)["href"])


def test_index_pages_list_every_account_once_sorted_by_each_column(main_run):
    from kamlib.run.index import PAGES

    out = main_run.out
    index = (out / "index.html").read_text(encoding="utf-8")
    by_class = (out / "index-by-class.html").read_text(encoding="utf-8")
    for _, file, _, _ in PAGES:
        page = (out / file).read_text(encoding="utf-8")
        assert scan_html(page) == [] and "<script" not in page
        assert page.count('<tr class="risk-') == 4  # one row per account, not per report
    links = _Links(index).links
    assert [link for link in links if link.startswith("index")] == [
        f for s, f, _, _ in PAGES if s != "revenue"
    ]
    reports = [e["path"] for e in main_run.result.manifest["reports"] if e["path"]]
    assert sorted(link for link in links if link.startswith("published/")) == sorted(reports)
    assert all((out / link).is_file() for link in links if link.startswith("published/"))
    # by class: AX, AX, CZ, <i>BY</i> (escaped) in the order of the class text
    classes = re.findall(
        r'data-account="[^"]*"><td[^>]*>.*?</td>(?:<td[^>]*>.*?</td>){4}'
        r"<td[^>]*>([^<]*)</td>",
        by_class,
    )
    assert classes == ["&lt;i&gt;BY&lt;/i&gt;", "AX", "AX", "CZ"]
    hostile = "&lt;b&gt;Ромашка&lt;/b&gt; &quot;q&quot; \\ &#x27;x&#x27; $\\x$"
    accounts = re.findall(r'data-account="([^"]*)"', (out / "index-by-account.html").read_text())
    assert accounts == [hostile, "A", "B", "C"]
    assert "Portfolio reports" in index and "failed (notebook error)" in index
    assert re.search(r'class="risk-[a-z_]+ report-failed" data-account="B"', index)


def test_outputs_are_not_world_readable(main_run):  # case 82
    out = main_run.out
    for path in [*out.rglob("*")]:
        assert path.stat().st_mode & 0o007 == 0, path
    assert (out / "runs").stat().st_mode & 0o077 == 0


def test_no_staging_or_temporary_files_remain(main_run):  # cases 89, 90
    run_dir = main_run.out / "runs" / main_run.result.manifest["run_id"]
    assert not (run_dir / "staging").exists()
    assert not list(main_run.out.rglob("*.tmp"))
    assert not list((main_run.out / "published").glob("*.ipynb"))


# --------------------------------------------------------------------------- failure modes


def test_failure_modes_get_their_documented_status(failures_run):  # cases 84, 86, 87, 99
    got = {n: (e["status"], e["reason"]) for n, e in failures_run.entries.items()}
    assert got == {
        "sleeps": ("timed_out", "cell_timeout"),
        "slow": ("timed_out", "wall_clock"),
        "dies": ("failed", "kernel_died"),
        "exits": ("failed", "incomplete"),
        "xss": ("failed", "security_gate"),
        "hello": ("published", None),
    }
    assert failures_run.result.exit_code == EXIT_FAILED
    assert failures_run.result.counts == {"published": 1, "failed": 3, "timed_out": 2, "skipped": 0}


def test_nothing_but_the_good_report_is_published(failures_run):  # cases 54, 99
    published = _files(failures_run.out / "published")
    assert list(published) == [Path(failures_run.entries["hello"]["path"]).name]
    run_dir = failures_run.out / "runs" / failures_run.result.manifest["run_id"]
    xss_error = (
        run_dir / "failed" / (Path(failures_run.entries["xss"]["failed_path"]).stem + ".error.txt")
    ).read_text(encoding="utf-8")
    assert "security gate" in xss_error and "'onerror'" in xss_error
    exits = run_dir / "failed" / Path(failures_run.entries["exits"]["failed_path"]).name
    assert exits.suffix == ".ipynb" and '"before' in exits.read_text(encoding="utf-8")


def test_no_leftover_kernels_or_workers(env, failures_run):  # case 85
    assert failures_run.entries["slow"]["reason"] == "wall_clock"
    _, alive = psutil.wait_procs(_tagged_processes(env.tag), timeout=5)
    assert alive == []


# --------------------------------------------------------------------------- re-runs


def test_retry_then_idempotent_rerun_then_one_changed_input(env, main_run, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(main_run.out, out, symlinks=True)
    first = main_run.result.manifest

    # case 93: --retry-failed runs only B (the marker is gone, so it works now)
    retried = render(env.ws, out, retry_failed=True, progress=False, **_main_kwargs(env))
    entries = {e["account_id"]: e for e in retried.manifest["reports"]}
    assert retried.exit_code == EXIT_OK
    assert retried.counts == {"published": 1, "failed": 0, "timed_out": 0, "skipped": 4}
    assert entries["B"]["status"] == "published"
    assert entries["B"]["run_id"] == retried.manifest["run_id"]
    assert {entries[a]["reason"] for a in ("A", "C", HOSTILE, None)} == {"up_to_date"}
    assert entries["A"]["run_id"] == first["run_id"]  # merged: A keeps its first run

    # case 89: leftovers of a killed run are removed, published files untouched
    (out / "published" / ".a--brief-0000.html.dead.tmp").write_bytes(b"<html><bo")
    before = _files(out / "published")
    mtimes = {p.name: p.stat().st_mtime_ns for p in (out / "published").iterdir()}

    # case 91: unchanged inputs -> everything skipped, byte-identical, exit 0
    again = render(env.ws, out, progress=False, **_main_kwargs(env))
    assert again.exit_code == EXIT_OK
    assert again.counts == {"published": 0, "failed": 0, "timed_out": 0, "skipped": 5}
    assert {e["reason"] for e in again.manifest["reports"]} == {"up_to_date"}
    after = _files(out / "published")
    assert after == {k: v for k, v in before.items() if not k.endswith(".tmp")}
    assert {p.name: p.stat().st_mtime_ns for p in (out / "published").iterdir()} == {
        k: v for k, v in mtimes.items() if not k.endswith(".tmp")
    }

    # case 92: change one notebook -> only its report re-renders; case 90: while it runs,
    # published/ holds only the previous reports (papermill writes to staging)
    changed = env.nbs / "portfolio-changed.ipynb"
    text = (env.nbs / "portfolio.ipynb").read_text(encoding="utf-8")
    changed.write_text(text.replace("# Portfolio", "# Portfolio, revised"), encoding="utf-8")
    probe = out / "published"
    third = render(
        env.ws,
        out,
        progress=False,
        **_main_kwargs(
            env, portfolio_notebooks={"portfolio": changed}, parameters={"probe": str(probe)}
        ),
    )
    assert third.exit_code == EXIT_OK
    status = {e["account_id"]: e["status"] for e in third.manifest["reports"]}
    assert status == {
        None: "published",
        "A": "skipped",
        "B": "skipped",
        "C": "skipped",
        HOSTILE: "skipped",
    }
    assert json.loads((out / "published.seen").read_text()) == sorted(after)
    portfolio = next(e for e in third.manifest["reports"] if e["account_id"] is None)
    assert "Portfolio, revised" in (out / portfolio["path"]).read_text(encoding="utf-8")
    name = Path(portfolio["path"]).name
    unchanged = {k: v for k, v in _files(out / "published").items() if k != name}
    assert unchanged == {k: v for k, v in after.items() if k != name}


# --------------------------------------------------------------------------- refusals


def test_second_concurrent_run_exits_75(env, tmp_path):  # case 94
    out = tmp_path / "out"
    out.mkdir()
    fd = os.open(out / ".lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        result = render(env.ws, out, progress=False, **_main_kwargs(env))
    finally:
        os.close(fd)
    assert result.exit_code == EXIT_LOCKED and "locked" in result.error
    assert sorted(os.listdir(out)) == [".lock"]


def test_missing_kernel_exits_78_naming_it(env, tmp_path, capsys):  # case 96
    result = render(env.ws, tmp_path / "out", kernel_name="no-such-kernel", **_main_kwargs(env))
    assert result.exit_code == EXIT_CONFIG and "'no-such-kernel'" in result.error
    assert "'no-such-kernel'" in capsys.readouterr().err
    assert not (tmp_path / "out" / "published").exists()


def test_bad_input_exits_65_before_anything_runs(env, tmp_path):  # case 95
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "transactions.csv").write_text("account_id,date,revenue\nA,2024-01-01,x\n")
    result = render(ws, tmp_path / "out", progress=False, **_main_kwargs(env))
    assert result.exit_code == EXIT_INPUT and "transactions.csv:2" in result.error
    assert sorted(os.listdir(tmp_path / "out")) == [".lock"]


def test_unknown_account_exits_65(env, tmp_path):
    result = render(
        env.ws, tmp_path / "out", progress=False, **_main_kwargs(env, accounts=["A", "ZZZ"])
    )
    assert result.exit_code == EXIT_INPUT and "'ZZZ'" in result.error


@pytest.mark.parametrize(
    "change, message",
    [
        ({"parameters": {"yeer": 2024}}, "no notebook declares yeer"),
        ({"parameters": {"probe": Path("/x")}}, "'probe' has type"),
        ({"parameters": {"account_id": "X"}}, "set by the run itself"),
        ({"portfolio_notebooks": {"portfolio": "/nonexistent.ipynb"}}, "not found"),
        ({"account_notebooks": {"hello": NOTEBOOKS / "hello.ipynb"}}, "account_id"),
        ({"formats": ("pdf",)}, "`formats`"),
        ({"workers": 0}, "`workers`"),
        ({"timeout": -1}, "`timeout`"),
        ({"accounts": "A"}, "`accounts`"),
    ],
)
def test_bad_option_exits_64(env, tmp_path, change, message):
    result = render(env.ws, tmp_path / "out", progress=False, **_main_kwargs(env, **change))
    assert result.exit_code == EXIT_USAGE and message in result.error
    assert result.exit_code not in FORBIDDEN_EXIT_CODES


def test_symlinked_published_folder_is_refused(env, tmp_path):  # case 62
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, out / "published")
    result = render(env.ws, out, progress=False, **_main_kwargs(env))
    assert result.exit_code == EXIT_USAGE and "symbolic link" in result.error
    assert list(elsewhere.iterdir()) == []


def test_exit_codes_are_never_the_forbidden_ones(main_run, failures_run):  # case 97
    for result in (main_run.result, failures_run.result):
        assert result.exit_code not in FORBIDDEN_EXIT_CODES


def test_kernel_start_failure_is_retried_once(env, tmp_path, monkeypatch):  # case 88
    kernel_dir = tmp_path / "jupyter" / "kernels" / "flaky"
    kernel_dir.mkdir(parents=True)
    marker = tmp_path / "failed-once"
    wrapper = tmp_path / "flaky.py"
    wrapper.write_text(
        "import os, sys\n"
        "if not os.path.exists(sys.argv[1]):\n"
        "    open(sys.argv[1], 'w').close()\n"
        "    sys.exit(1)  # the first start fails\n"
        "os.execv(sys.executable, [sys.executable, '-m', 'ipykernel_launcher', *sys.argv[2:]])\n"
    )
    (kernel_dir / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, str(wrapper), str(marker), "-f", "{connection_file}"],
                "display_name": "flaky",
                "language": "python",
            }
        )
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    result = render(
        env.ws,
        tmp_path / "out",
        accounts=[],
        kernel_name="flaky",
        workers=1,
        portfolio_notebooks={"hello": env.nbs / "hello.ipynb"},
        progress=False,
    )
    (entry,) = result.manifest["reports"]
    assert (entry["status"], entry["attempts"]) == ("published", 2)
    assert result.exit_code == EXIT_OK


# --------------------------------------------------------------------------- parameters (H)


@pytest.mark.parametrize(
    "name", ["x = 1\nimport os", "1abc", "class", "a-b", "", "__import__", "nаme"]
)  # the last one has a Cyrillic "а"
def test_invalid_parameter_names_are_rejected(name):  # case 69
    with pytest.raises(ArgumentError, match="parameter name"):
        validate_parameters({name: 1})


def test_undeclared_parameter_is_rejected():  # case 70
    with pytest.raises(ArgumentError, match="'acount_id' is not declared"):
        validate_parameters({"acount_id": "A"}, declared=["account_id", "run_id"])


@pytest.mark.parametrize(
    "value",
    [Path('a"b'), date(2024, 1, 1), Decimal("1.5"), (1, 2), {1}, [1], {"a": 1}, b"bytes", object()],
)
def test_non_primitive_values_are_rejected(value):  # case 71
    with pytest.raises(ArgumentError, match="has type"):
        validate_parameters({"x": value})


def test_numpy_values_are_converted_explicitly():  # case 71
    clean = validate_parameters(
        {
            "flag": np.bool_(False),
            "n": np.int64(5),
            "f": np.float32(0.5),
            "s": np.str_("00123"),
            "none": None,
        }
    )
    assert clean == {"flag": False, "n": 5, "f": 0.5, "s": "00123", "none": None}
    assert [type(v) for v in clean.values()] == [bool, int, float, str, type(None)]


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_string_parameters_round_trip_exactly(value):  # case 68
    code = PythonTranslator.codify(validate_parameters({"account_id": value}))
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - this is what the injected cell does in the kernel
    assert namespace["account_id"] == value


# --------------------------------------------------------------------------- atomic writes


def test_atomic_write_keeps_the_old_file_when_interrupted(tmp_path, monkeypatch):  # cases 89, 98
    manifest = tmp_path / "manifest.json"
    atomic_write(manifest, b'{"run_id": "old"}')

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("kamlib.run.files.os.replace", crash)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(manifest, b'{"run_id": "new", "reports": [' + b"x" * 10_000)
    assert json.loads(manifest.read_text()) == {"run_id": "old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json"]
    assert manifest.stat().st_mode & 0o777 == 0o640

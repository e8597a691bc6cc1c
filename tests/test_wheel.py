"""The package ships what it runs: a wheel installed in a fresh virtual environment renders.

The wheel is built from a copy of the checkout, installed in a new virtual environment and
used from there only: ``kam render`` on the sample workspace that the wheel carries
(``kamlib/sample``), with the notebooks that it carries (``kamlib/notebooks``), for one account.
Nothing may come from the checkout: the test asserts that ``kamlib`` is imported from the
environment and that the run used the environment's notebooks and sample.

To stay fast and offline, the environment borrows the third-party packages of the
environment running the tests (a ``.pth`` file pointing at its site-packages, and its Jupyter
data folder for nbconvert's templates), which is what ``python -m venv --system-site-packages``
gives on a machine whose packages live in the system Python. ``pip install`` of the wheel then
resolves kamlib's declared dependencies against them. ``KAM_WHEEL_ISOLATED=1`` installs every
dependency from the package index instead (minutes, and network or a local wheelhouse).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
ISOLATED = os.environ.get("KAM_WHEEL_ISOLATED") == "1"
ACCOUNT = "C0027"
# what a source copy for the build leaves out: environments, outputs, caches, version control
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "build",
    "dist",
    "*.egg-info",
    "reports",
    "bench",
    "artifacts",
    "__pycache__",
    ".pytest_cache",
    ".hypothesis",
    ".ruff_cache",
    ".ipynb_checkpoints",
)


def _run(command: list, *, cwd: Path, env: dict | None = None, timeout: float = 600):
    done = subprocess.run(
        [str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{command}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _clean_env(venv: Path) -> dict:
    """The environment of a shell on a server: no trace of the checkout or of the test venv."""
    leave_out = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "JUPYTER_PATH", "KAMLIB_RUN_CACHE")
    env = {k: v for k, v in os.environ.items() if k not in leave_out}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    if not ISOLATED:  # nbconvert's templates are data files of the borrowed nbconvert
        env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", tmp / "dist", source],
        cwd=tmp,
    )
    (built,) = (tmp / "dist").glob("kamlib-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    venv = tmp_path_factory.mktemp("venv") / "env"
    _run([sys.executable, "-m", "venv", venv], cwd=venv.parent)
    python = venv / "bin" / "python"
    if not ISOLATED:
        purelib = _run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            cwd=venv.parent,
        ).stdout.strip()
        borrowed = sysconfig.get_paths()["purelib"]
        Path(purelib, "borrowed_site_packages.pth").write_text(borrowed + "\n", encoding="utf-8")
    _run(
        [python, "-m", "pip", "install", "--quiet", wheel],
        cwd=venv.parent,
        env=_clean_env(venv),
        timeout=1800,
    )
    return venv


def _where(venv: Path, code: str) -> str:
    done = _run([venv / "bin" / "python", "-c", code], cwd=venv.parent, env=_clean_env(venv))
    return done.stdout.strip()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_wheel_carries_the_notebooks_the_sample_and_the_templates(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    notebooks = {f"kamlib/notebooks/{p.name}" for p in (ROOT / "notebooks").glob("*.ipynb")}
    sample = {
        f"kamlib/sample/{p.name}"
        for p in (ROOT / "data" / "sample").iterdir()
        if p.suffix in (".csv", ".toml")
    }
    templates = {
        f"kamlib/{p.relative_to(ROOT / 'kamlib').as_posix()}"
        for p in (ROOT / "kamlib" / "report" / "templates").rglob("*")
        if p.is_file()
    }
    assert len(notebooks) == 4 and len(sample) == 17 and templates  # 16 tables and kam.toml
    assert notebooks | sample | templates | {"kamlib/notebooks/README.md"} <= names
    modules = {
        f"kamlib/{p.relative_to(ROOT / 'kamlib').as_posix()}"
        for p in (ROOT / "kamlib").rglob("*.py")
    }
    assert modules <= names, sorted(modules - names)  # every package of kamlib is listed
    assert not [n for n in names if n.startswith(("tests/", "data/", "notebooks/", "docs/"))]


def test_a_fresh_environment_renders_a_report_from_the_wheel(venv, tmp_path):
    # kamlib, its notebooks, its sample and the command all come from the environment
    located = json.loads(
        _where(
            venv,
            (
                "import json, kamlib, shutil; from kamlib.bundled import notebooks_folder, sample_folder; "
                "print(json.dumps([kamlib.__file__, str(notebooks_folder()), str(sample_folder()), "
                "shutil.which('kam')]))"
            ),
        )
    )
    for path in located:
        assert Path(path).resolve().is_relative_to(venv.resolve()), located
        assert not Path(path).resolve().is_relative_to(ROOT), located
    _, notebooks, sample, _ = map(Path, located)

    out = tmp_path / "out"
    kam = venv / "bin" / "kam"
    done = subprocess.run(
        [str(kam), "render", str(sample), "--out", str(out), "--accounts", ACCOUNT],
        cwd=tmp_path,
        env=_clean_env(venv),
        capture_output=True,
        text=True,
        timeout=900,
    )
    errors = "\n".join(
        p.read_text(errors="replace")[-2000:] for p in sorted(out.glob("runs/*/failed/*.error.txt"))
    )
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}\n{errors}"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    reports = {(r["account_id"], r["notebook"]): r for r in manifest["reports"]}
    assert {status for status in manifest["totals"] if manifest["totals"][status]} == {"published"}
    brief = reports[(ACCOUNT, "annual_meeting")]
    assert brief["status"] == "published"
    page = (out / brief["path"]).read_text(encoding="utf-8")
    assert f"({ACCOUNT})" in page and "Annual meeting" in page
    assert manifest["parameters"]["workspace"] == str(sample)
    # the notebooks that ran are the ones the wheel installed
    ran = {name: entry["sha256"] for name, entry in manifest["notebooks"].items()}
    assert ran == {p.stem: _sha256(p) for p in notebooks.glob("*.ipynb")}

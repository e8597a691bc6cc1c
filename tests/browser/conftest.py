"""Fixtures for the browser tests: Chromium driven by Playwright, JupyterLab on localhost.

Chromium comes from Debian's packages (tests/browser/install.sh; Playwright never downloads a
browser here) and is started with the flags of :data:`kamlib.report.pdf.CHROMIUM_FLAGS`: no network
of its own, a fresh profile per launch. When Chromium, Playwright or poppler-utils are missing
the tests FAIL and say how to install them; they skip only when ``KAM_SKIP_BROWSER=1`` is set
on purpose.

Screenshots go to ``tests/browser/artifacts/`` (git-ignored), one file per step, named after
the test and the step.

Every test module here carries ``pytestmark = pytest.mark.browser`` (``-m "not browser"``
deselects them). Under pytest-xdist each worker that gets a browser test starts its own Chromium
and JupyterLab; the report run is shared between workers (the ``shared_folder`` fixture).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kamlib.report.pdf import CHROMIUM_FLAGS, ChromiumNotFoundError, find_chromium

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
_SKIP = "KAM_SKIP_BROWSER"
_HOW = (
    "run `bash tests/browser/install.sh` (apt-get install chromium chromium-driver "
    "poppler-utils) and `pip install -e '.[dev]'` (playwright), or set KAM_SKIP_BROWSER=1 to "
    "skip the browser tests on purpose"
)

#: Launch arguments: the flags kamlib prints PDFs with, less the ones Playwright sets itself
#: (headless mode; the fresh profile comes from launch()).
LAUNCH_ARGS = [flag for flag in CHROMIUM_FLAGS if flag != "--headless"]


def _require_browser_tools() -> Path:
    """Chromium's path, after checking Playwright and poppler-utils; fail (or skip) otherwise."""
    if os.environ.get(_SKIP) == "1":
        pytest.skip(f"{_SKIP}=1 is set: the browser tests are skipped on purpose")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.fail(f"the browser tests need the Python package playwright: {_HOW}")
    missing = [t for t in ("pdftoppm", "pdftotext", "pdfinfo") if shutil.which(t) is None]
    if missing:
        pytest.fail(f"the browser tests need poppler-utils ({', '.join(missing)}): {_HOW}")
    try:
        return find_chromium()
    except ChromiumNotFoundError as exc:
        pytest.fail(f"the browser tests need Chromium, which could not be found ({exc}): {_HOW}")


@pytest.fixture(scope="session")
def shared_folder(tmp_path_factory):
    """``shared_folder(name)``: see `_shared_folder`."""
    return functools.partial(_shared_folder, tmp_path_factory)


@contextlib.contextmanager
def _shared_folder(tmp_path_factory, name: str):
    """A folder shared by the xdist workers of this test session, held under an exclusive lock.

    Yields ``(folder, fresh)``: `fresh` is True for the first holder, which fills the folder;
    later holders (other workers) find it filled. Without xdist it is a private folder.
    """
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        yield tmp_path_factory.mktemp(name), True
        return
    import fcntl

    root = tmp_path_factory.getbasetemp().parent  # this session's, common to its workers
    folder = root / name
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        fresh = not folder.exists()
        folder.mkdir(exist_ok=True)
        yield folder, fresh


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    return _require_browser_tools()


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One headless Chromium (Debian's) for the session, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=LAUNCH_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The folder for screenshots (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@dataclass
class PageWatch:
    """Everything a page asked for and complained about while a test looked at it."""

    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: drives headless Chromium (tests/browser/; KAM_SKIP_BROWSER=1 skips)"
    )


@pytest.fixture(scope="session")
def watch():
    """The function that records (and limits) what a browser context requests: see `_watch`."""
    return _watch


def _watch(context, *, allowed: tuple[str, ...]) -> PageWatch:
    """Record every request of `context`; abort (and record) any whose URL is not `allowed`.

    Pages opened in the context also report console errors and uncaught exceptions into the
    returned record.
    """
    seen = PageWatch()

    def on_route(route):
        url = route.request.url
        if url.startswith(allowed):
            route.continue_()
        else:
            seen.blocked.append(url)
            route.abort()

    def on_page(page):
        page.on("request", lambda request: seen.requests.append(request.url))
        page.on(
            "console",
            lambda message: (
                seen.console_errors.append(f"{message.text} ({message.location.get('url', '')})")
                if message.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda error: seen.page_errors.append(str(error)))

    context.route("**/*", on_route)
    context.on("page", on_page)
    return seen


# --------------------------------------------------------------------------- JupyterLab


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab: its base URL, token and the root folder it serves."""

    url: str
    token: str
    root: Path
    log: Path

    def tree(self, name: str, *, reset: bool = False) -> str:
        """The URL that opens notebook `name` (relative to the root) in JupyterLab; `reset`
        starts from an empty workspace (no tab of an earlier test restored)."""
        return f"{self.url}/lab/tree/{name}?{'reset&' if reset else ''}token={self.token}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(
    url: str, token: str, process: subprocess.Popen, log: Path, timeout: float = 90
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"JupyterLab exited with code {process.returncode}:\n"
                f"{log.read_text(errors='replace')[-3000:]}"
            )
        try:
            request = urllib.request.Request(
                f"{url}/api/status", headers={"Authorization": f"token {token}"}
            )
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise RuntimeError(
        f"JupyterLab did not answer within {timeout:g} s:\n"
        f"{log.read_text(errors='replace')[-3000:]}"
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
    else:  # the server is gone; its kernels may not be
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def lab(tmp_path_factory, chromium_path):
    """JupyterLab on 127.0.0.1, a free port and a random token, serving copies of notebooks/.

    The committed notebooks are never opened: the server's root is a temporary folder holding
    copies. Jupyter's config, data, runtime, settings and workspaces folders are temporary too,
    so nothing of the user's set-up leaks in; the kernel is the venv's ``python3``. The notebook
    is shown without windowing (every cell in the page) so the test can see every output.
    """
    base = tmp_path_factory.mktemp("lab")
    root = base / "root"
    shutil.copytree(REPO / "notebooks", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    settings = base / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none", "autoStartDefaultKernel": True}), encoding="utf-8"
    )
    apputils = base / "settings" / "@jupyterlab" / "apputils-extension"
    apputils.mkdir(parents=True)
    (apputils / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8"
    )
    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(base / "config"),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        IPYTHONDIR=str(base / "ipython"),
        JUPYTER_PLATFORM_DIRS="1",
        MPLBACKEND="module://matplotlib_inline.backend_inline",
    )
    port = _free_port()
    token = secrets.token_hex(24)
    url = f"http://127.0.0.1:{port}"
    log = base / "jupyterlab.log"
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.allow_remote_access=False",
        f"--LabApp.user_settings_dir={base / 'settings'}",
        f"--LabApp.workspaces_dir={base / 'workspaces'}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        "--MappingKernelManager.default_kernel_name=python3",
    ]
    if os.geteuid() == 0:  # CI and these machines run as root
        command.append("--allow-root")
    with open(log, "wb") as sink:
        process = subprocess.Popen(
            command,
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_up(url, token, process, log)
        yield Lab(url=url, token=token, root=root, log=log)
    finally:
        _stop(process)

"""The report run behind ``kam render``: plan, execute, export, publish, index and manifest.

One run renders every portfolio notebook once and every account notebook once per selected
account. The design, step by step (see docs/pipeline.md and docs/reliability.md sections E, F, H and J):

1. **Lock and plan.** ``OUT/.lock`` is taken with ``fcntl.flock`` (a second run exits 75). Every
   report gets a safe file name (:func:`kamlib.report.paths.safe_filename`) and validated parameters
   (:func:`validate_parameters`: primitives only, names declared by the notebook). A report whose
   inputs - the workspace fingerprint, the notebook file, the parameters, the kernel and kamlib
   version - match the previous manifest, and whose published file is unchanged, is skipped.
2. **Execute.** Reports run in ``workers`` worker processes (spawned, long-lived: papermill and
   nbconvert are imported once per worker). Each report gets a fresh kernel over IPC transport
   with its own socket folder, so parallel starts cannot race for TCP ports; a kernel that fails
   to start is retried once. A cell time limit (``cell_timeout``) applies inside, and the run
   enforces a wall-clock limit per report (``timeout``) from outside by killing the worker, its
   kernel and their children. A completion sentinel cell, appended to every notebook, tells a
   finished notebook from one cut short by ``sys.exit(0)``.
3. **Export and publish.** The worker exports HTML in-process (:func:`kamlib.report.elements.export_html`);
   the run checks the document with the security gate (:func:`kamlib.report.elements.scan_html`), then
   writes it to a temporary file in ``OUT/published/`` and renames it into place. Papermill's own
   output stays in ``OUT/runs/<run_id>/staging/``; failed notebooks move to
   ``OUT/runs/<run_id>/failed/`` with an error file. Nothing half-written is ever published.
4. **Report.** ``OUT/manifest.json`` (written atomically), ``OUT/index.html`` (by account) and
   ``OUT/index-by-class.html`` (by class), a progress bar and one summary line.

Issue 6 (warm kernels, a dask cluster) plugs into step 2: a worker already holds state between
reports, and :func:`_run_job` is the unit of work.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import json
import keyword
import logging
import math
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as _wait_for
from pathlib import Path

from kamlib.bundled import notebooks_folder
from kamlib.errors import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_INPUT,
    EXIT_LOCKED,
    EXIT_OK,
    ArgumentError,
    ConfigError,
    InputError,
    KamlibError,
    Problem,
    SetupError,
)
from kamlib.report.elements import CSP, TEMPLATES, scan_html
from kamlib.report.paths import contained_path, output_subfolder, safe_filename
from kamlib.run.cache import input_fingerprint

__all__ = [
    "render",
    "RunResult",
    "validate_parameters",
    "input_fingerprint",
    "STATUSES",
    "EXIT_OK",
    "EXIT_FAILED",
    "EXIT_INPUT",
    "EXIT_LOCKED",
    "EXIT_CONFIG",
]

log = logging.getLogger("kamlib")

#: Report statuses in the manifest, in summary order.
STATUSES = ("published", "failed", "timed_out", "skipped")
MANIFEST_VERSION = 1
SENTINEL_TAG = "kamlib-sentinel"
STANDARD_PARAMETERS = ("workspace", "account_id", "run_id", "interactive")
_FILE_MODE = 0o640
_DIR_MODE = 0o750
_PRIVATE_DIR_MODE = 0o700
_IOPUB_TIMEOUT = 30
_SHUTDOWN_GRACE = 10.0


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class RunResult:
    """What a run did: the manifest, counts per status, the exit code and the summary line.

    ``exit_code`` is 0 when every report was published or skipped, 3 when some failed or timed
    out, 65 for bad input, 75 when another run holds the lock, 78 for bad configuration (then
    ``error`` says what, and nothing was executed).
    """

    manifest: dict
    counts: dict[str, int]
    exit_code: int
    out: Path
    summary: str
    error: str | None = None

    @property
    def index(self) -> Path:
        """``OUT/index.html``."""
        return self.out / "index.html"


@dataclass(frozen=True)
class _Job:
    """One (account, notebook) report to plan, run and publish."""

    account_id: str | None
    notebook: str
    kind: str  # "account" or "portfolio"
    path: Path
    notebook_sha256: str
    name: str  # published file name
    parameters: dict
    key: str
    klass: str | None = None

    @property
    def stem(self) -> str:
        return self.name.rsplit(".", 1)[0]


@dataclass
class _Slot:
    """A worker process, the report it is running and when that report must be finished."""

    process: subprocess.Popen
    conn: object
    job: _Job | None = None
    deadline: float = math.inf


# --------------------------------------------------------------------------- parameters


def validate_parameters(
    parameters: Mapping[str, object],
    *,
    declared: Iterable[str] | None = None,
) -> dict[str, object]:
    """Check papermill parameters: identifier names, declared by the notebook, primitive values.

    papermill checks neither names nor types: a crafted name runs code, a ``Path`` with a quote
    in it runs code, ``np.bool_(False)`` arrives as the (truthy) string ``"False"``. Only
    ``str``, ``int``, ``float``, ``bool`` and ``None`` pass; numpy scalars are converted to the
    matching Python type explicitly; everything else (``Path``, dates, ``Decimal``, containers)
    is refused - convert it to a string on purpose.

    Parameters
    ----------
    parameters : mapping
        Name to value.
    declared : iterable of str, optional
        The names the notebook declares (``papermill.inspect_notebook``); a name outside them
        (a typo) is refused.

    Returns
    -------
    dict
        The same names with plain Python values.

    Raises
    ------
    ArgumentError
        Naming the first bad parameter.

    Examples
    --------
    >>> import numpy as np
    >>> validate_parameters({"account_id": "00123", "flag": np.bool_(False), "n": np.int64(5)})
    {'account_id': '00123', 'flag': False, 'n': 5}
    >>> validate_parameters({"x = 1\\nimport os": 1})
    Traceback (most recent call last):
    ...
    kamlib.errors.ArgumentError: parameter name 'x = 1\\nimport os' is not a Python identifier
    """
    import numpy as np

    known = None if declared is None else set(declared)
    clean: dict[str, object] = {}
    for name, value in parameters.items():
        if not isinstance(name, str) or not name.isidentifier() or not name.isascii():
            raise ArgumentError(f"parameter name {name!r} is not a Python identifier")
        if keyword.iskeyword(name) or name.startswith("__"):
            raise ArgumentError(f"parameter name {name!r} is a Python keyword or dunder name")
        if known is not None and name not in known:
            raise ArgumentError(
                f"parameter {name!r} is not declared in the notebook's parameters cell "
                f"(declared: {', '.join(sorted(known)) or 'none'})"
            )
        if value is None or type(value) in (str, int, float, bool):
            clean[name] = value
        elif isinstance(value, np.bool_):
            clean[name] = bool(value)
        elif isinstance(value, np.integer):
            clean[name] = int(value)
        elif isinstance(value, np.floating):
            clean[name] = float(value)
        elif isinstance(value, np.str_):
            clean[name] = str(value)
        else:
            raise ArgumentError(
                f"parameter {name!r} has type {type(value).__name__}; only str, int, float, "
                "bool and None are passed to notebooks (convert it explicitly)"
            )
    return clean


# --------------------------------------------------------------------------- fingerprints


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _engine_fingerprint(kernel_name: str, formats: tuple[str, ...] = ("html",)) -> str:
    """kamlib's version, its report template and the formats: a change re-renders every report."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        kamlib_version = version("kamlib")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        kamlib_version = "unknown"
    digest = hashlib.sha256(f"{kamlib_version}\x00{kernel_name}\x00{CSP}\x00{','.join(formats)}".encode())
    template_dir = TEMPLATES
    for path in sorted(template_dir.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(template_dir).as_posix().encode() + b"\x00")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _job_key(fingerprint: str, engine: str, notebook_sha256: str, parameters: dict) -> str:
    stable = {k: v for k, v in parameters.items() if k != "run_id"}
    text = json.dumps([fingerprint, engine, notebook_sha256, stable], sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- files


def _atomic_write(path: Path, data: bytes, *, mode: int = _FILE_MODE) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path`."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _remove_leftovers(folder: Path) -> None:
    """Remove ``.*.tmp`` files a killed run left behind."""
    for leftover in folder.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def _read_previous(manifest_path: Path) -> dict:
    try:
        previous = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(previous, dict) or previous.get("manifest_version") != MANIFEST_VERSION:
        return {}
    return previous


# --------------------------------------------------------------------------- planning


def _default_notebooks() -> dict[str, Path]:
    folder = notebooks_folder()
    found = {p.stem: p for p in sorted(folder.glob("*.ipynb"))} if folder.is_dir() else {}
    if not found:
        raise ArgumentError(
            f"no notebooks to render: {folder} holds none; pass `notebooks` (name -> path)"
        )
    return found


def _catalogue(notebooks, account_notebooks, portfolio_notebooks) -> list[tuple]:
    """(name, path, kind, declared parameters) for every notebook of the run."""
    import papermill as pm

    given = [(m, kind) for m, kind in ((notebooks, None), (account_notebooks, "account"),
                                       (portfolio_notebooks, "portfolio")) if m is not None]
    if not given:
        given = [(_default_notebooks(), None)]
    seen: set[str] = set()
    out = []
    for mapping, kind in given:
        for name, path in dict(mapping).items():
            if not isinstance(name, str) or not name:
                raise ArgumentError(f"`notebooks`: names must be non-empty strings, got {name!r}")
            if name in seen:
                raise ArgumentError(f"`notebooks`: the name {name!r} is given twice")
            seen.add(name)
            path = Path(path)
            if not path.is_file():
                raise ArgumentError(f"`notebooks`: notebook {name!r} not found at {path}")
            try:
                declared = pm.inspect_notebook(str(path))
            except Exception as exc:  # nbformat/JSON errors
                raise ArgumentError(f"`notebooks`: cannot read {name!r} at {path}: {exc}") from None
            this_kind = kind or ("account" if "account_id" in declared else "portfolio")
            if this_kind == "account" and "account_id" not in declared:
                raise ArgumentError(
                    f"`account_notebooks`: {name!r} does not declare an `account_id` parameter"
                )
            out.append((name, path.resolve(), this_kind, declared))
    return out


def _check_kernel(kernel_name: str) -> None:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel:
        raise SetupError(
            f"`kernel_name`: no Jupyter kernel named {kernel_name!r} is installed "
            "(see `jupyter kernelspec list`; `make lab` installs the kamlib kernel)"
        ) from None


def _resolve_workspace(workspace):
    """(config, workspace object or None) for a Workspace, or a path loaded and validated."""
    if hasattr(workspace, "config") and hasattr(workspace, "tables"):
        return workspace.config, workspace
    from kamlib.load.workspace import load_workspace

    loaded = load_workspace(workspace)
    return loaded.config, loaded


def _check_accounts(accounts, ws) -> list[str]:
    if isinstance(accounts, str) or not isinstance(accounts, Iterable):
        raise ArgumentError("`accounts` must be a list of account ids")
    ids = list(dict.fromkeys(accounts))
    bad = [a for a in ids if not isinstance(a, str) or not a.strip()]
    if bad:
        raise ArgumentError(f"`accounts`: ids must be non-empty strings, got {bad[:3]!r}")
    if ids:
        known = set(ws.accounts["account_id"].dropna().astype(str))
        unknown = [a for a in ids if a not in known]
        if unknown:
            shown = ", ".join(repr(a) for a in unknown[:5])
            more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
            raise InputError([
                Problem("accounts", None, "account_id", "unknown-account",
                        f"{len(unknown)} selected account(s) not in the workspace: {shown}{more}")
            ])
    return ids


def _plan(catalogue, accounts, *, common: dict, extra: dict, fingerprint: str, engine: str,
          classes: Mapping[str, str], key: bytes | None) -> list[_Job]:
    jobs: list[_Job] = []
    for name, path, kind, declared in catalogue:
        unknown_extra = set(extra) - set(declared)
        nb_sha = _sha256_file(path)
        targets = accounts if kind == "account" else [None]
        for account_id in targets:
            params = {k: v for k, v in common.items() if k in declared}
            if kind == "account":
                params["account_id"] = account_id
            params.update({k: v for k, v in extra.items() if k not in unknown_extra})
            params = validate_parameters(params, declared=declared)
            jobs.append(_Job(
                account_id=account_id,
                notebook=name,
                kind=kind,
                path=path,
                notebook_sha256=nb_sha,
                name=safe_filename(account_id, name, key=key),
                parameters=params,
                key=_job_key(fingerprint, engine, nb_sha, params),
                klass=None if account_id is None else classes.get(account_id),
            ))
    names = [j.name.casefold() for j in jobs]
    if len(set(names)) != len(names):  # cannot happen with distinct (account, notebook) pairs
        raise ArgumentError("two reports would share a file name")
    return jobs


def _up_to_date(job: _Job, entry: dict | None, out: Path) -> bool:
    if not entry or entry.get("key") != job.key or not entry.get("path") or not entry.get("sha256"):
        return False
    if entry.get("status") not in ("published", "skipped"):
        return False
    published = out / entry["path"]
    if not published.is_file() or published.is_symlink():
        return False
    return _sha256_file(published) == entry["sha256"]


# --------------------------------------------------------------------------- the worker side


_WORKER_CODE = (
    "import sys; from kamlib.run.render import _worker_main; "
    "_worker_main(int(sys.argv[1]), sys.argv[2])"
)


def _worker_main(fd: int, settings_json: str) -> None:
    """Worker process: run jobs sent over the socket `fd` until ``None`` arrives."""
    import signal

    settings = json.loads(settings_json)
    conn = Connection(fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and cleans up
    os.umask(0o027)
    logging.getLogger().addHandler(logging.NullHandler())
    # The worker's and its kernels' own output (kernel warnings, shutdown notes) goes to a log
    # in the private run folder, not between the progress bar and the summary line.
    log_fd = os.open(settings["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, _FILE_MODE)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    os.close(log_fd)
    if settings.get("cache"):
        from kamlib.run.cache import ENV_VAR

        os.environ[ENV_VAR] = settings["cache"]  # inherited by every kernel of this worker
    from kamlib.report.elements import html_exporter

    exporter = html_exporter()
    exporter.optimistic_validation = True  # validate once, not after every preprocessor
    zygote = _Zygote(settings) if settings.get("kernels") == "forked" else None
    try:
        while True:
            try:
                job = conn.recv()
            except EOFError:
                return
            if job is None:
                return
            conn.send(("started", job["id"]))
            try:
                result = _run_job(job, settings, exporter, zygote)
            except Exception as exc:  # a bug in kamlib: report it, keep the worker alive
                result = {"status": "failed", "reason": "engine_error", "attempts": 1,
                          "error": f"{type(exc).__name__}: {exc}"}
            conn.send(("done", job["id"], result))
    finally:
        if zygote is not None:
            zygote.close()


# --------------------------------------------------------------------------- forked kernels
#
# A zygote is a process, one per worker, that imports what report notebooks import (pandas,
# matplotlib, seaborn, IPython, ipykernel, kamlib) and then forks one kernel per report: the
# child starts an ipykernel exactly as ``python -m ipykernel_launcher -f CONNECTION_FILE`` would,
# with the report's working folder and environment. Every report still gets a new kernel
# process, so no variable, figure, cache or data of one report can reach another (the same
# isolation as a fresh kernel), but the start costs ~0.1-0.3 s instead of ~2.5 s. The zygote
# holds no report data: it imports modules and forks, nothing else, and it only forks while
# it has a single thread (fork with threads is unsafe; then the worker falls back to fresh
# kernels). jupyter_client drives the forked kernel through a provisioner that knows its pid.

#: Modules a zygote imports before forking kernels; one that fails to import is skipped.
PRELOAD = ("numpy", "pandas", "matplotlib", "matplotlib.pyplot", "seaborn", "IPython",
           "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "kamlib",
           "kamlib.report.elements", "kamlib.plots", "kamlib.run.cache")
_INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
_ZYGOTE_CODE = (
    "import os, sys\n"
    "if sys.path and sys.path[0] in ('', os.getcwd()):\n"
    "    del sys.path[0]  # as ipykernel_launcher does\n"
    "os.environ['JPY_PARENT_PID'] = str(os.getpid())  # read by ipykernel at import\n"
    f"os.environ.setdefault('MPLBACKEND', {_INLINE_BACKEND!r})  # set by ipykernel at start\n"
    "from kamlib.run.render import _zygote_main\n"
    "_zygote_main(int(sys.argv[1]), sys.argv[2:])\n"
)
_LAUNCHER = ("-m", "ipykernel_launcher")


def _die_with_parent() -> None:
    """Linux: receive SIGKILL when the parent process ends (no orphaned kernels)."""
    import ctypes
    import signal

    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG


def _zygote_main(fd: int, preload: list[str]) -> None:
    """The zygote: import `preload`, then fork a kernel for every request on `fd`."""
    import importlib
    import signal
    import threading

    conn = Connection(fd)
    _die_with_parent()
    for name in preload:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    with contextlib.suppress(Exception):
        _warm_up()
    signal.signal(signal.SIGCHLD, _reap)  # reaped here, so their CPU time counts (rusage)
    threads = threading.active_count()
    conn.send(("ready", threads))
    if threads != 1:
        os._exit(0)
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        if request is None:
            os._exit(0)
        pid = os.fork()
        if pid == 0:
            conn.close()
            _kernel_child(request)
        conn.send(pid)


def _reap(*_) -> None:
    """SIGCHLD handler of the zygote: collect every kernel that ended."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def _warm_up() -> None:
    """Pay first-call costs once in the zygote, on made-up values (no data, no pyplot state).

    Lazy initialisation in pandas (Arrow-backed strings, pickling, group-by) and matplotlib
    (loading the font, rendering a PNG) would otherwise be paid again in every forked kernel.
    """
    import io
    import pickle

    import pandas as pd
    from matplotlib.figure import Figure

    frame = pd.DataFrame({"key": pd.array(["a", "b", "a"], dtype="str"),
                          "when": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
                          "value": [1.0, 2.0, 3.0]})
    frame = pickle.loads(pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL))
    frame.groupby("key")["value"].sum().to_frame().merge(frame, on="key").to_html()
    figure = Figure(figsize=(2, 1))
    axes = figure.subplots()
    axes.bar(["a", "b"], [1.0, 2.0])
    axes.set_title("warm-up")
    figure.savefig(io.BytesIO(), format="png")


def _kernel_child(request: dict) -> None:
    """In a forked child: become the kernel that ``ipykernel_launcher`` would start."""
    import signal
    import traceback

    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        _die_with_parent()
        os.setsid()  # like jupyter_client's launcher: the kernel leads its own process group
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = [request["argv0"], *request["args"]]
        if "numpy.random" in sys.modules:  # a fresh kernel seeds numpy's global generator anew
            sys.modules["numpy.random"].seed()
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=request["args"])
        code = 0
    except BaseException:  # noqa: BLE001 - report anything, then leave without cleanup
        traceback.print_exc()
    finally:
        os._exit(code)


def _forkable(kernel_name: str) -> bool:
    """True when the kernelspec starts ipykernel on this very interpreter (so a fork equals it)."""
    from jupyter_client.kernelspec import KernelSpecManager

    try:
        argv = list(KernelSpecManager().get_kernel_spec(kernel_name).argv)
    except Exception:
        return False
    if len(argv) < 3 or tuple(argv[1:3]) != _LAUNCHER:
        return False
    names = {"python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info[:2])}
    if argv[0] in names:
        return True
    return Path(argv[0]).resolve() == Path(sys.executable).resolve()


class _Zygote:
    """The worker's handle on its zygote: spawned with the worker, restarted when it died."""

    def __init__(self, settings: dict):
        self.enabled = _forkable(settings["kernel_name"])
        self.start_timeout = settings["start_timeout"]
        self.process: subprocess.Popen | None = None
        self.conn = None
        self.ready = False
        if self.enabled:  # import in the background while the worker imports papermill
            self._spawn()

    def _spawn(self) -> None:
        ours, theirs = socket.socketpair()
        with ours, theirs:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _ZYGOTE_CODE, str(theirs.fileno()), *PRELOAD],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
            )
            self.conn = Connection(ours.detach())
        self.ready = False

    def _start(self) -> None:
        if self.process is None:
            self._spawn()
        self.ready = True
        if not self.conn.poll(max(self.start_timeout, 60)):
            raise TimeoutError("the kernel zygote did not start")
        _, threads = self.conn.recv()
        if threads != 1:  # it has left already: forking a threaded process is unsafe
            self.enabled = False
            self.close()
            raise RuntimeError(f"the kernel zygote has {threads} threads after its imports; "
                               "fresh kernels instead")

    def fork(self, request: dict) -> int:
        """Fork a kernel; returns its pid. Starts (or restarts) the zygote when needed."""
        for attempt in (1, 2):
            try:
                if self.process is not None and self.process.poll() is not None:
                    self.close()
                if self.process is None or not self.ready:
                    self._start()
                self.conn.send(request)
                if not self.conn.poll(self.start_timeout):
                    raise TimeoutError("the kernel zygote did not answer")
                return self.conn.recv()
            except (OSError, EOFError, TimeoutError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def pid(self) -> int:
        return self.process.pid if self.process is not None else 0

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(OSError, ValueError):
                self.conn.send(None)
            with contextlib.suppress(OSError):
                self.conn.close()
            self.conn = None
        if self.process is not None:
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                _kill_tree(self.process.pid)
            self.process = None
        self.ready = False


def _forked_kernel_manager(zygote: _Zygote, config, kernel_name: str):
    """An ``AsyncKernelManager`` whose kernel is forked by `zygote` instead of started anew."""
    import asyncio
    import signal

    import psutil
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_client.provisioning import LocalProvisioner

    class ForkProvisioner(LocalProvisioner):
        kernel: psutil.Process | None = None

        @property
        def has_process(self) -> bool:
            return self.kernel is not None

        async def launch_kernel(self, cmd, **kwargs):
            env = dict(kwargs.get("env") or os.environ)
            env["JPY_PARENT_PID"] = str(zygote.pid())
            self.cwd = str(kwargs.get("cwd") or os.getcwd())
            pid = zygote.fork({"cwd": self.cwd, "env": env, "argv0": cmd[0],
                               "args": list(cmd[3:])})
            self.pid = self.pgid = pid
            self.kernel = psutil.Process(pid)
            return self.connection_info

        async def poll(self):
            if self.kernel is None:
                return 0
            with contextlib.suppress(psutil.Error):
                if self.kernel.is_running() and self.kernel.status() != psutil.STATUS_ZOMBIE:
                    return None
            return 1

        async def wait(self):
            while await self.poll() is None:
                await asyncio.sleep(0.02)
            self.kernel = None
            return 0

        async def send_signal(self, signum: int) -> None:
            if self.kernel is None:
                return
            try:
                os.killpg(self.pgid, signum)
            except OSError:
                with contextlib.suppress(psutil.Error):
                    self.kernel.send_signal(signum)

        async def kill(self, restart: bool = False) -> None:
            await self.send_signal(signal.SIGKILL)

        async def terminate(self, restart: bool = False) -> None:
            await self.send_signal(signal.SIGTERM)

    km = AsyncKernelManager(kernel_name=kernel_name, config=config)
    km.provisioner = ForkProvisioner(kernel_id=secrets.token_hex(8), kernel_spec=km.kernel_spec,
                                     parent=km)
    return km


def _shutdown(km) -> None:
    """Stop a kernel we own (papermill leaves a kernel it was given running)."""
    from jupyter_core.utils import run_sync

    with contextlib.suppress(Exception):
        run_sync(km.shutdown_kernel)(now=True)
    provisioner = getattr(km, "provisioner", None)
    if provisioner is not None and getattr(provisioner, "kernel", None) is not None:
        with contextlib.suppress(Exception):  # still there: kill its process group
            os.killpg(provisioner.pgid, 9)


def _mark_ready(flags: list, **_) -> None:
    """nbclient's ``on_notebook_start`` hook: the kernel answered, so it started."""
    flags.append(True)


def _sentinel_cell(nonce: str):
    import nbformat

    return nbformat.v4.new_code_cell(
        f"print({nonce!r})", metadata={"tags": [SENTINEL_TAG], "jupyter": {"source_hidden": True}}
    )


def _completed(nb, nonce: str) -> bool:
    for cell in nb.cells:
        if SENTINEL_TAG in cell.get("metadata", {}).get("tags", []):
            return any(
                o.get("output_type") == "stream" and nonce in "".join(o.get("text", ""))
                for o in cell.get("outputs", [])
            )
    return False


def _run_job(job: dict, settings: dict, exporter=None, zygote: _Zygote | None = None) -> dict:
    """Execute one notebook with papermill and export it; never raises for notebook failures.

    Returns a plain dict: ``status`` ("ok", "failed" or "timed_out"), ``reason``, ``attempts``,
    ``cell_index``/``ename`` for a failing cell, ``error`` (the full message: it may hold data,
    so it goes to the failed folder only, never to the manifest), ``html`` (the staged
    document) when it worked, and ``duration`` in seconds. With a `zygote` the kernel is forked
    from it (see "forked kernels" above), otherwise started anew.
    """
    started_at = time.monotonic()
    result = _execute(job, settings, exporter, zygote)
    result["duration"] = time.monotonic() - started_at
    return result


def _execute(job: dict, settings: dict, exporter, zygote: _Zygote | None = None) -> dict:
    import nbformat
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from traitlets.config import Config

    from kamlib.report.elements import export_html

    stage = Path(job["stage"])
    stage.mkdir(parents=True, exist_ok=True, mode=_PRIVATE_DIR_MODE)
    nb = nbformat.read(job["path"], as_version=4)
    nonce = f"kamlib-complete-{secrets.token_hex(16)}"
    nb.cells.append(_sentinel_cell(nonce))
    source = stage / "input.ipynb"
    executed_path = stage / "executed.ipynb"
    nbformat.write(nb, source)

    executed = None
    for attempt in (1, 2):
        sockets = Path(job["sockets"]) / f"attempt{attempt}"
        sockets.mkdir(parents=True, exist_ok=True, mode=_PRIVATE_DIR_MODE)
        config = Config()
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(sockets / "kernel")
        config.KernelManager.connection_file = str(sockets / "kernel.json")
        kernel_ready: list[bool] = []
        base = {"attempts": attempt}
        km = None
        if zygote is not None and zygote.enabled:
            km = _forked_kernel_manager(zygote, config, settings["kernel_name"])
        try:
            executed = pm.execute_notebook(
                str(source),
                str(executed_path),
                parameters=job["parameters"],
                kernel_name=settings["kernel_name"],
                execution_timeout=settings["cell_timeout"],
                start_timeout=settings["start_timeout"],
                log_output=False,
                progress_bar=False,
                request_save_on_cell_execute=False,
                cwd=job["cwd"],
                config=config,
                iopub_timeout=_IOPUB_TIMEOUT,
                on_notebook_start=functools.partial(_mark_ready, kernel_ready),
                **({"km": km} if km is not None else {}),
            )
        except pm.PapermillExecutionError as exc:
            return base | {"status": "failed", "reason": "notebook_error",
                           "cell_index": exc.cell_index, "ename": exc.ename, "error": str(exc)}
        except CellTimeoutError as exc:
            return base | {"status": "timed_out", "reason": "cell_timeout", "error": str(exc)}
        except DeadKernelError as exc:
            return base | {"status": "failed", "reason": "kernel_died", "error": str(exc)}
        except Exception as exc:
            if not kernel_ready:
                if attempt == 1:
                    log.warning("kernel start failed (%s); retrying once", type(exc).__name__)
                    continue
                return base | {"status": "failed", "reason": "kernel_start_failed",
                               "error": f"{type(exc).__name__}: {exc}"}
            return base | {"status": "failed", "reason": "engine_error",
                           "error": f"{type(exc).__name__}: {exc}"}
        finally:
            if km is not None:
                _shutdown(km)
        break
    if not _completed(executed, nonce):
        return {"status": "failed", "reason": "incomplete", "attempts": attempt,
                "error": "the notebook stopped before its last cell (sys.exit or exit in a cell?): "
                         "the completion sentinel did not run"}
    try:
        document = export_html(executed, title=job["title"], exporter=exporter)
    except Exception as exc:
        return {"status": "failed", "reason": "export_error", "attempts": attempt,
                "error": f"{type(exc).__name__}: {exc}"}
    html_path = stage / "report.html"
    html_path.write_text(document, encoding="utf-8")
    return {"status": "ok", "reason": None, "attempts": attempt, "html": str(html_path)}


# --------------------------------------------------------------------------- the pool


def _kill_tree(pid: int) -> None:
    """Kill a worker, its kernel(s) and everything they started, and wait for them."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [*root.children(recursive=True), root]
    except psutil.NoSuchProcess:
        return
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()
    psutil.wait_procs(procs, timeout=_SHUTDOWN_GRACE)


def _start_worker(settings: dict) -> _Slot:
    """Start a worker process connected through a socket pair.

    A plain subprocess rather than multiprocessing's spawn: spawn re-imports the caller's
    ``__main__``, which breaks scripts that call :func:`render` without a main guard.
    """
    ours, theirs = socket.socketpair()
    with ours, theirs:
        process = subprocess.Popen(
            [sys.executable, "-c", _WORKER_CODE, str(theirs.fileno()), json.dumps(settings)],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
        )
        conn = Connection(ours.detach())
    return _Slot(process=process, conn=conn)


def _run_pool(jobs: list[tuple[_Job, dict]], *, workers: int, timeout: float, settings: dict,
              on_result) -> None:
    """Run `jobs` on `workers` processes; call ``on_result(job, result)`` as each finishes."""
    pending = deque(jobs)
    slots: list[_Slot] = []

    def retire(slot: _Slot) -> None:
        _kill_tree(slot.process.pid)
        with contextlib.suppress(subprocess.TimeoutExpired):
            slot.process.wait(timeout=1)
        with contextlib.suppress(OSError):
            slot.conn.close()
        slots.remove(slot)

    try:
        while pending or any(s.job is not None for s in slots):
            for slot in [s for s in slots if s.job is None]:
                if not pending:
                    break
                _dispatch(slot, pending.popleft(), timeout)
            while pending and len(slots) < workers:
                slot = _start_worker(settings)
                slots.append(slot)
                _dispatch(slot, pending.popleft(), timeout + settings["start_timeout"])
            busy = [s for s in slots if s.job is not None]
            wait = max(0.0, min(s.deadline for s in busy) - time.monotonic())
            ready = set(_wait_for([s.conn for s in busy], timeout=wait))
            for slot in busy:
                if slot.conn in ready:
                    try:
                        message = slot.conn.recv()
                    except (EOFError, OSError):
                        job = slot.job
                        retire(slot)
                        on_result(job, {"status": "failed", "reason": "worker_died", "attempts": 1,
                                        "error": "the worker process ended unexpectedly"})
                        continue
                    if message[0] == "started":
                        slot.deadline = time.monotonic() + timeout
                    elif message[0] == "done":
                        job, slot.job, slot.deadline = slot.job, None, math.inf
                        on_result(job, message[2])
                elif time.monotonic() >= slot.deadline:
                    job = slot.job
                    retire(slot)
                    on_result(job, {"status": "timed_out", "reason": "wall_clock", "attempts": 1,
                                    "error": f"the report ran longer than {timeout:g} s and was "
                                             "stopped (kernel and worker killed)"})
    finally:
        for slot in list(slots):
            if slot.job is not None:  # interrupted: stop it now
                _kill_tree(slot.process.pid)
            with contextlib.suppress(OSError, ValueError):
                slot.conn.send(None)
        end = time.monotonic() + _SHUTDOWN_GRACE
        for slot in list(slots):
            try:
                slot.process.wait(timeout=max(0.0, end - time.monotonic()))
            except subprocess.TimeoutExpired:
                _kill_tree(slot.process.pid)
            with contextlib.suppress(OSError):
                slot.conn.close()


def _dispatch(slot: _Slot, item: tuple[_Job, dict], allowance: float) -> None:
    job, spec = item
    slot.job = job
    slot.deadline = time.monotonic() + allowance
    slot.conn.send(spec)


# --------------------------------------------------------------------------- publishing


def _keep_failed(stage: Path, failed_dir: Path, job: _Job, result: dict, findings=()) -> str:
    """Move what a failed report left to the failed folder, with the error; return its path."""
    failed_dir.mkdir(exist_ok=True, mode=_PRIVATE_DIR_MODE)
    executed = stage / "executed.ipynb"
    kept = failed_dir / f"{job.stem}.ipynb"
    if executed.is_file():
        os.replace(executed, kept)
        os.chmod(kept, _FILE_MODE)
    lines = [
        f"notebook: {job.notebook}",
        f"account: {job.account_id if job.account_id is not None else '(portfolio)'}",
        f"status: {result['status']}",
        f"reason: {result.get('reason')}",
    ]
    if result.get("cell_index") is not None:
        lines.append(f"cell index: {result['cell_index']}")
    lines += ["", str(result.get("error") or "")]
    if findings:
        lines += ["security gate findings:", *(f"  {f}" for f in findings)]
    error_path = failed_dir / f"{job.stem}.error.txt"
    _atomic_write(error_path, ("\n".join(lines) + "\n").encode("utf-8"))
    return (kept if kept.is_file() else error_path).as_posix()


def _publish(job: _Job, result: dict, *, out: Path, published_dir: Path, failed_dir: Path,
             run_id: str, pdf: bool = False) -> dict:
    """Turn a worker's result into a manifest entry, publishing the HTML when it is safe."""
    stage_dir = Path(result.pop("_stage"))
    entry = {
        "account_id": job.account_id,
        "notebook": job.notebook,
        "kind": job.kind,
        "class": job.klass,
        "status": result["status"],
        "reason": result.get("reason"),
        "path": None,
        "sha256": None,
        "run_id": run_id,
        "attempts": result.get("attempts", 1),
        "key": job.key,
        "parameters": job.parameters,
        "cell_index": result.get("cell_index"),
        "ename": result.get("ename"),
        "duration_s": round(result["duration"], 3) if result.get("duration") is not None else None,
        "failed_path": None,
    }
    findings: list[str] = []
    if result["status"] == "ok":
        document = Path(result["html"]).read_text(encoding="utf-8")
        findings = scan_html(document)
        if findings:
            entry.update(status="failed", reason="security_gate")
            result = dict(result, status="failed", reason="security_gate",
                          error="the exported HTML failed the security gate; nothing was published")
        else:
            target = contained_path(published_dir, job.name)
            data = document.encode("utf-8")
            _atomic_write(target, data)
            entry.update(
                status="published",
                path=target.relative_to(out).as_posix(),
                sha256=hashlib.sha256(data).hexdigest(),
            )
            if pdf:
                entry.update(_print(target, out))
    if entry["status"] != "published":
        kept = _keep_failed(stage_dir, failed_dir, job, result, findings)
        entry["failed_path"] = Path(kept).relative_to(out).as_posix()
    shutil.rmtree(stage_dir, ignore_errors=True)
    return entry


def _print(html_path: Path, out: Path) -> dict:
    """Print a published report to PDF beside it; a failure is recorded, never fatal."""
    from kamlib.report.pdf import PDFError, print_pdf

    try:
        pdf = print_pdf(html_path, html_path.with_suffix(".pdf"))
    except PDFError as exc:
        log.warning("PDF of %s failed: %s", html_path.name, exc)
        return {"pdf": None, "pdf_error": str(exc).splitlines()[0][:200]}
    os.chmod(pdf, _FILE_MODE)
    return {"pdf": pdf.relative_to(out).as_posix(), "pdf_error": None}


# --------------------------------------------------------------------------- index pages


def _by_account(entry: dict) -> tuple:
    """Sort key: the portfolio first, then accounts by id, then notebooks by name."""
    return (entry["account_id"] is not None, entry["account_id"] or "", entry["notebook"])


def _index_page(manifest: dict, *, by_class: bool) -> str:
    entries = list(manifest["reports"])
    if by_class:
        entries.sort(key=lambda e: (e.get("class") is None, e.get("class") or "", *_by_account(e)))
    else:
        entries.sort(key=_by_account)
    esc = html.escape
    rows = []
    for e in entries:
        account = "(portfolio)" if e["account_id"] is None else e["account_id"]
        link = (f'<a href="{esc(e["path"], quote=True)}">open</a>' if e.get("path") and
                e["status"] in ("published", "skipped") else "")
        if link and e.get("pdf"):
            link += f' <a href="{esc(e["pdf"], quote=True)}">PDF</a>'
        rows.append(
            f'<tr class="status-{esc(e["status"])}"><td>{esc(account)}</td>'
            f'<td>{esc(e.get("class") or "")}</td><td>{esc(e["notebook"])}</td>'
            f'<td>{esc(e["status"])}</td><td>{esc(e.get("reason") or "")}</td><td>{link}</td></tr>'
        )
    totals = manifest["totals"]
    account_head = "Account" if not by_class else '<a href="index.html">Account</a>'
    class_head = "Class" if by_class else '<a href="index-by-class.html">Class</a>'
    order = "class, then account" if by_class else "account"
    generated = esc(manifest["finished"])
    body = "\n".join(rows) if rows else '<tr><td colspan="6">No reports in this run.</td></tr>'
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta http-equiv="Content-Security-Policy" content="{esc(CSP, quote=True)}">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Reports</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; }}
.table-wrap {{ overflow-x: auto; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 0.3em 0.8em; text-align: left; }}
th a {{ color: inherit; }}
tr.status-failed td, tr.status-timed_out td {{ background: #fdecea; }}
.meta {{ color: #666; font-size: 0.9em; }}
</style>
</head>
<body>
<h1>Reports</h1>
<p class="meta">Run {esc(manifest["run_id"])}, finished {generated} UTC.
{totals["published"]} published, {totals["failed"]} failed, {totals["timed_out"]} timed out,
{totals["skipped"]} skipped. Sorted by {order}; click a column title to sort by it.</p>
<div class="table-wrap"><table>
<thead><tr><th>{account_head}</th><th>{class_head}</th><th>Notebook</th><th>Status</th>
<th>Reason</th><th>Report</th></tr></thead>
<tbody>
{body}
</tbody>
</table></div>
</body>
</html>
"""


def _write_indexes(out: Path, manifest: dict) -> None:
    for name, by_class in (("index.html", False), ("index-by-class.html", True)):
        page = _index_page(manifest, by_class=by_class)
        findings = scan_html(page)
        if findings:  # pragma: no cover - every value is escaped; this guards the guard
            raise KamlibError(f"the index page failed the security gate: {findings[:3]}")
        _atomic_write(out / name, page.encode("utf-8"))


# --------------------------------------------------------------------------- the run


def _summary(counts: dict[str, int], out: Path) -> str:
    return (
        f"kam render: {counts['published']} published, {counts['failed']} failed, "
        f"{counts['timed_out']} timed out, {counts['skipped']} skipped -> {out / 'index.html'}"
    )


def _refused(out: Path, code: int, error: str, progress: bool) -> RunResult:
    if progress:
        print(f"kam render: {error}", file=sys.stderr)
    counts = dict.fromkeys(STATUSES, 0)
    return RunResult(manifest={}, counts=counts, exit_code=code, out=out,
                     summary=f"kam render: {error}", error=error)


@contextlib.contextmanager
def _locked(out: Path):
    import fcntl  # POSIX only: imported here so that `import kamlib` works everywhere

    fd = os.open(out / ".lock", os.O_RDWR | os.O_CREAT, _FILE_MODE)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def render(
    workspace,
    out: str | Path,
    *,
    accounts: Iterable[str] = (),
    notebooks: Mapping[str, str | Path] | None = None,
    account_notebooks: Mapping[str, str | Path] | None = None,
    portfolio_notebooks: Mapping[str, str | Path] | None = None,
    parameters: Mapping[str, object] | None = None,
    classes: Mapping[str, str] | None = None,
    workers: int | None = None,
    formats: Iterable[str] = ("html",),
    purpose: str | None = None,
    retry_failed: bool = False,
    timeout: float = 600,
    cell_timeout: float = 300,
    start_timeout: float = 60,
    kernel_name: str = "python3",
    filename_key: bytes | None = None,
    progress: bool = True,
    kernels: str = "forked",
    run_cache: bool = True,
    scheduler=None,
) -> RunResult:
    """Render the report notebooks for a workspace into `out` and publish them as safe HTML.

    Portfolio notebooks run once; account notebooks run once per account in `accounts`. Each
    report is executed by papermill in a fresh kernel, exported to self-contained HTML (no code,
    no parameters, no external resources, a CSP), checked by the security gate and published
    atomically as ``out/published/<safe name>.html``. One failing report never stops the run.

    Parameters
    ----------
    workspace : Workspace or str or Path
        A loaded workspace, or its folder (loaded and validated first: bad input gives exit 65
        before anything runs).
    out : str or Path
        Output folder: ``index.html``, ``index-by-class.html``, ``manifest.json``,
        ``published/``, ``runs/<run_id>/failed/``. Created when missing.
    accounts : iterable of str
        Account ids for the account notebooks (the caller chooses: all, key clients, a list).
    notebooks : mapping, optional
        Notebook name to ``.ipynb`` path; a notebook that declares an ``account_id`` parameter
        is an account notebook, any other a portfolio notebook. Default (when this and the two
        below are None): every notebook in the project's ``notebooks/`` folder.
    account_notebooks, portfolio_notebooks : mapping, optional
        Name to path, when the kind should be explicit.
    parameters : mapping, optional
        Extra parameters (primitives) for the notebooks that declare them, e.g. ``{"year":
        2024}``; a name that no notebook declares is refused.
    classes : mapping, optional
        Account id to a label shown (and sortable) in the index, e.g. the ABC-XYZ class.
    workers : int, optional
        Worker processes (default: the number of CPUs, at most the number of reports).
    formats : iterable of str, default ("html",)
        ``("html",)`` or ``("html", "pdf")``: each published HTML report is also printed to PDF
        by headless Chromium (:func:`kamlib.report.pdf.print_pdf`), next to it with the suffix ``.pdf``.
        A report whose PDF fails stays published as HTML; the manifest records ``pdf_error``.
    purpose : str, optional
        Why personal details are included: required (one line, at most 200 characters) when
        ``parameters`` sets ``include_personal_details=True``; recorded in the manifest under
        ``personal_details`` and never passed to the notebooks.
    retry_failed : bool, default False
        Run only the reports that failed or timed out in the previous run of `out`; the others
        keep their entries (status ``skipped``), and the manifest is merged.
    timeout : float, default 600
        Wall-clock limit per report in seconds, enforced from outside the kernel.
    cell_timeout : float, default 300
        Limit per cell in seconds (nbclient's execution timeout).
    start_timeout : float, default 60
        Limit for a kernel to start.
    kernel_name : str, default "python3"
        The Jupyter kernel, pinned for every report (a missing one gives exit 78).
    filename_key : bytes, optional
        Pseudonymous file names: account ids are replaced by an HMAC under this key in the
        names of published files (see :func:`kamlib.report.paths.safe_filename`).
    progress : bool, default True
        Show a progress bar (on a terminal) and print the summary line.
    kernels : {"forked", "fresh"}, default "forked"
        How each report gets its own kernel process: forked from a per-worker zygote that has
        imported pandas, seaborn and kamlib already (fast), or started anew (plain papermill).
        The reports are the same either way; a kernelspec that is not ipykernel on this
        Python is always started anew.
    run_cache : bool, default True
        Store the loaded workspace and the portfolio results once per run for
        :func:`kamlib.run.cache.workspace` and :func:`kamlib.run.cache.portfolio` in the notebooks.
    scheduler : str or distributed.Client, optional
        Run the reports on a dask.distributed cluster (``"tcp://HOST:8786"``) instead of local
        worker processes; publishing, the manifest and the index stay here. See
        :mod:`kamlib.run.cluster`.

    Returns
    -------
    RunResult
        The manifest, counts per status, the exit code (0, 3, 65, 75 or 78) and the summary.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "transactions.csv").write_text("account_id,date,revenue\\nA,2024-01-05,10\\n")
    >>> result = render(d, d / "out", accounts=[], notebooks={}, progress=False)
    >>> result.exit_code, result.summary.split(" -> ")[0]
    (0, 'kam render: 0 published, 0 failed, 0 timed out, 0 skipped')
    """
    out = Path(out).absolute()  # kernels run in the notebook's folder: paths given to them are absolute
    try:
        formats = tuple(dict.fromkeys(formats))
        if formats not in (("html",), ("html", "pdf")):
            raise ArgumentError(f"`formats` must be ('html',) or ('html', 'pdf'), got {formats!r}")
        if "pdf" in formats:
            from kamlib.report.pdf import find_chromium

            find_chromium()  # a missing Chromium is a configuration error, found before any kernel starts
        if kernels not in ("forked", "fresh"):
            raise ArgumentError(f"`kernels` must be 'forked' or 'fresh', got {kernels!r}")
        if workers is not None and (not isinstance(workers, int) or workers < 1):
            raise ArgumentError(f"`workers` must be a whole number >= 1, got {workers!r}")
        for label, value in (("timeout", timeout), ("cell_timeout", cell_timeout),
                             ("start_timeout", start_timeout)):
            if not (isinstance(value, int | float) and value > 0 and math.isfinite(value)):
                raise ArgumentError(f"`{label}` must be a positive number of seconds, got {value!r}")
        if out.exists() and (out.is_symlink() or not out.is_dir()):
            raise ArgumentError(f"`out`: {out} must be a real folder (not a file or a symlink)")
        out.mkdir(parents=True, exist_ok=True, mode=_DIR_MODE)
    except (ArgumentError, ConfigError, SetupError) as exc:
        return _refused(out, exc.exit_code, str(exc), progress)

    with _locked(out) as acquired:
        if not acquired:
            return _refused(out, EXIT_LOCKED, f"{out} is locked by another run (try again later)",
                            progress)
        try:
            return _render_locked(
                workspace, out, accounts=accounts, notebooks=notebooks,
                account_notebooks=account_notebooks, portfolio_notebooks=portfolio_notebooks,
                parameters=parameters or {}, classes=classes or {}, workers=workers,
                retry_failed=retry_failed, timeout=float(timeout), cell_timeout=cell_timeout,
                start_timeout=start_timeout, kernel_name=kernel_name, filename_key=filename_key,
                progress=progress, kernels=kernels, run_cache=run_cache, scheduler=scheduler,
                formats=formats, purpose=purpose,
            )
        except InputError as exc:
            return _refused(out, EXIT_INPUT, str(exc), progress)
        except (ArgumentError, ConfigError, SetupError) as exc:
            return _refused(out, exc.exit_code, str(exc), progress)


def _decide(jobs: list[_Job], previous: dict, out: Path, *, retry_failed: bool):
    """Entries of the reports that need no run (status skipped), and the jobs to run."""
    before = {(e.get("account_id"), e.get("notebook")): e for e in previous.get("reports", [])}
    entries: dict[tuple, dict] = {}
    to_run: list[_Job] = []
    for job in jobs:
        old = before.get((job.account_id, job.notebook))
        fresh = _up_to_date(job, old, out)
        retry = (old or {}).get("status") in ("failed", "timed_out")
        if not fresh and (retry or not retry_failed):
            to_run.append(job)
            continue
        entry = dict(old) if old else {
            "account_id": job.account_id, "notebook": job.notebook, "kind": job.kind,
            "path": None, "sha256": None, "run_id": None, "key": None,
            "parameters": job.parameters,
        }
        entry.update({"status": "skipped", "reason": "up_to_date" if fresh else "not_retried",
                      "attempts": 0, "class": job.klass})
        entries[(job.account_id, job.notebook)] = entry
    return entries, to_run


def _reads_cache(path: Path) -> bool:
    """True when the notebook calls :mod:`kamlib.run.cache` (only then is the cache worth writing)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    return any("cache.workspace" in c.source or "cache.portfolio" in c.source
               for c in nb.cells if c.cell_type == "code")


def _prepare_cache(ws, folder: Path, fingerprint: str) -> str | None:
    """Write the run cache; a failure only costs time (the notebooks compute it themselves)."""
    from kamlib.run.cache import prepare

    try:
        return str(prepare(ws, folder, fingerprint=fingerprint))
    except Exception as exc:  # noqa: BLE001 - e.g. a workspace too small for some analysis
        log.warning("no run cache (%s: %s); every notebook loads the workspace itself",
                    type(exc).__name__, exc)
        shutil.rmtree(folder, ignore_errors=True)
        return None


def _execute_jobs(to_run: list[_Job], *, out: Path, published_dir: Path, run_dir: Path,
                  run_id: str, settings: dict, workers: int, timeout: float,
                  progress: bool, ws=None, fingerprint: str = "", run_cache: bool = True,
                  scheduler=None, pdf: bool = False) -> dict[tuple, dict]:
    """Run, export, gate and publish `to_run`; return their manifest entries."""
    from tqdm.auto import tqdm

    run_dir.mkdir(mode=_PRIVATE_DIR_MODE)
    cache = None
    if run_cache and ws is not None and any(_reads_cache(p) for p in {j.path for j in to_run}):
        cache = _prepare_cache(ws, run_dir / "cache", fingerprint)
    sockets = Path(tempfile.mkdtemp(prefix="kam-"))  # short: IPC socket paths are limited
    settings = dict(settings, log=str(run_dir / "workers.log"), cache=cache)
    specs = [
        (job, {
            "id": number,
            "path": str(job.path),
            "cwd": str(job.path.parent),
            "parameters": job.parameters,
            "stage": str(run_dir / "staging" / job.stem),
            "sockets": str(sockets / f"j{number}"),
            "title": job.notebook if job.account_id is None else f"{job.notebook} {job.account_id}",
        })
        for number, job in enumerate(to_run)
    ]
    entries: dict[tuple, dict] = {}
    bar = tqdm(total=len(to_run), disable=None if progress else True, unit="report",
               desc="kam render", file=sys.stderr)

    def on_result(job: _Job, result: dict) -> None:
        result = dict(result, _stage=str(run_dir / "staging" / job.stem))
        entry = _publish(job, result, out=out, published_dir=published_dir,
                         failed_dir=run_dir / "failed", run_id=run_id, pdf=pdf)
        entries[(job.account_id, job.notebook)] = entry
        log.info("report %s for %s: %s", job.notebook,
                 "the portfolio" if job.account_id is None else "an account", entry["status"])
        bar.update(1)

    try:
        if scheduler is None:
            _run_pool(specs, workers=workers, timeout=timeout, settings=settings,
                      on_result=on_result)
        else:
            from kamlib.run.cluster import run_on_cluster

            run_on_cluster(specs, scheduler=scheduler, timeout=timeout, settings=settings,
                           on_result=on_result)
    finally:
        bar.close()
        shutil.rmtree(sockets, ignore_errors=True)
        if cache is not None:
            shutil.rmtree(cache, ignore_errors=True)
        with contextlib.suppress(OSError):
            (run_dir / "staging").rmdir()
    return entries


def _render_locked(workspace, out: Path, *, accounts, notebooks, account_notebooks,
                   portfolio_notebooks, parameters, classes, workers, retry_failed, timeout,
                   cell_timeout, start_timeout, kernel_name, filename_key,
                   progress, kernels="forked", run_cache=True, scheduler=None,
                   formats=("html",), purpose=None) -> RunResult:
    started = datetime.now(UTC)
    run_id = f"{started:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"

    # plan: everything that can be wrong is found before a single kernel starts
    config, ws = _resolve_workspace(workspace)
    _check_kernel(kernel_name)
    catalogue = _catalogue(notebooks, account_notebooks, portfolio_notebooks)
    ids = _check_accounts(accounts, ws)
    extra = validate_parameters(parameters)
    personal = extra.get("include_personal_details") is True
    if personal and not (isinstance(purpose, str) and purpose.strip() and "\n" not in purpose
                         and len(purpose) <= 200):
        raise ArgumentError("`purpose`: a run with include_personal_details needs a purpose (who receives the "
                          "reports and why, one line of at most 200 characters); it is recorded in manifest.json")
    declared_anywhere = {n for _, _, _, declared in catalogue for n in declared}
    undeclared = sorted(set(extra) - declared_anywhere)
    if undeclared:
        raise ArgumentError(f"`parameters`: no notebook declares {', '.join(undeclared)}")
    clash = sorted(set(extra) & set(STANDARD_PARAMETERS))
    if clash:
        raise ArgumentError(f"`parameters`: {', '.join(clash)} are set by the run itself")
    fingerprint = input_fingerprint(config)
    engine = _engine_fingerprint(kernel_name, formats)
    common = {"workspace": str(Path(config.root).resolve()), "run_id": run_id, "interactive": False}
    jobs = _plan(catalogue, ids, common=common, extra=extra, fingerprint=fingerprint,
                 engine=engine, classes=classes, key=filename_key)
    published_dir = output_subfolder(out, "published")
    runs_dir = output_subfolder(out, "runs", mode=_PRIVATE_DIR_MODE)

    _remove_leftovers(published_dir)
    _remove_leftovers(out)
    entries, to_run = _decide(jobs, _read_previous(out / "manifest.json"), out,
                              retry_failed=retry_failed)
    if to_run:
        settings = {"kernel_name": kernel_name, "cell_timeout": cell_timeout,
                    "start_timeout": start_timeout, "kernels": kernels}
        entries |= _execute_jobs(to_run, out=out, published_dir=published_dir,
                                 run_dir=runs_dir / run_id, run_id=run_id, settings=settings,
                                 workers=min(workers or os.cpu_count() or 1, len(to_run)),
                                 timeout=timeout, progress=progress, ws=ws,
                                 fingerprint=fingerprint, run_cache=run_cache,
                                 scheduler=scheduler, pdf="pdf" in formats)

    reports = [entries[(j.account_id, j.notebook)] for j in jobs]
    counts = {s: sum(e["status"] == s for e in reports) for s in STATUSES}
    finished = datetime.now(UTC)
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "run_id": run_id,
        "started": started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"),
        "fingerprint": fingerprint,
        "engine": engine,
        "kernel_name": kernel_name,
        "formats": list(formats),
        "personal_details": {"included": personal, "purpose": purpose.strip() if personal else None},
        "retry_failed": retry_failed,
        "parameters": {k: v for k, v in common.items()} | extra,
        "notebooks": {name: {"kind": kind, "sha256": _sha256_file(path)}
                      for name, path, kind, _ in catalogue},
        "totals": counts,
        "reports": reports,
    }
    _atomic_write(out / "manifest.json",
                  (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    _write_indexes(out, manifest)
    summary = _summary(counts, out)
    if progress:
        print(summary)
    exit_code = EXIT_FAILED if counts["failed"] or counts["timed_out"] else EXIT_OK
    return RunResult(manifest=manifest, counts=counts, exit_code=exit_code, out=out,
                     summary=summary)

"""Kernels for the reports: forked from a pre-imported zygote, or started anew; stopping them.

A zygote is a process, one per worker, that imports what report notebooks import (pandas,
matplotlib, seaborn, IPython, ipykernel, kamlib) and then forks one kernel per report: the
child starts an ipykernel exactly as ``python -m ipykernel_launcher -f CONNECTION_FILE`` would,
with the report's working folder and environment. Every report still gets a new kernel
process, so no variable, figure, cache or data of one report can reach another (the same
isolation as a fresh kernel), but the start costs ~0.1-0.3 s instead of ~2.5 s. The zygote
holds no report data: it imports modules and forks, nothing else, and it only forks while
it has a single thread (fork with threads is unsafe; then the worker falls back to fresh
kernels). jupyter_client drives the forked kernel through a provisioner that knows its pid
(:func:`forked_kernel_manager`).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
from multiprocessing.connection import Connection
from pathlib import Path

__all__ = [
    "INLINE_BACKEND",
    "PRELOAD",
    "SHUTDOWN_GRACE",
    "Zygote",
    "zygote_main",
    "forked_kernel_manager",
    "shutdown_kernel",
    "kill_tree",
    "become_subreaper",
    "kill_strays",
]

#: Seconds a process gets to end before it is killed.
SHUTDOWN_GRACE = 10.0

#: Modules a zygote imports before forking kernels; one that fails to import is skipped.
PRELOAD = (
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "seaborn",
    "IPython",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "kamlib",
    "kamlib.report.elements",
    "kamlib.plots",
    "kamlib.run.cache",
)
#: The matplotlib backend of every report kernel: figures become PNG outputs in the notebook.
#: It replaces any ``MPLBACKEND`` of the environment (``Agg`` on many cron hosts), with which
#: ipykernel would keep that backend and the reports would have no charts.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
_ZYGOTE_CODE = (
    "import os, sys\n"
    "if sys.path and sys.path[0] in ('', os.getcwd()):\n"
    "    del sys.path[0]  # as ipykernel_launcher does\n"
    "os.environ['JPY_PARENT_PID'] = str(os.getpid())  # read by ipykernel at import\n"
    f"os.environ['MPLBACKEND'] = {INLINE_BACKEND!r}  # what ipykernel sets when unset\n"
    "from kamlib.run.kernels import zygote_main\n"
    "zygote_main(int(sys.argv[1]), sys.argv[3:], lang=sys.argv[2])\n"
)
_LAUNCHER = ("-m", "ipykernel_launcher")


def become_subreaper() -> bool:
    """Linux: adopt every orphaned descendant (``PR_SET_CHILD_SUBREAPER``); True when it worked.

    A process that a notebook double-forks leaves the kernel's process tree; a worker that is a
    subreaper gets it back as its child, so that :func:`kill_tree` on the worker, and
    :func:`kill_strays` after each report, still find it.
    """
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0
    except Exception:  # noqa: BLE001 - not Linux: sessions are the fallback (kill_tree)
        return False


def kill_strays(keep: int = 0) -> None:
    """Kill this process's descendants except `keep` (the zygote); reap them.

    Called by a worker after each report, when its kernel has been shut down: whatever is left
    was started by the notebook and must not outlive it.
    """
    import psutil

    strays = [p for p in psutil.Process().children(recursive=True) if p.pid != keep]
    for proc in strays:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    psutil.wait_procs(strays, timeout=SHUTDOWN_GRACE)


def _sessions_of(procs) -> list:
    """Every process in the sessions led by one of `procs` (a kernel leads its own session)."""
    import psutil

    own = os.getsid(0)
    leaders = set()
    for proc in procs:
        with contextlib.suppress(OSError):
            sid = os.getsid(proc.pid)
            if sid == proc.pid and sid != own:
                leaders.add(sid)
    if not leaders:
        return []
    members = []
    for proc in psutil.process_iter():
        with contextlib.suppress(OSError, psutil.Error):
            if os.getsid(proc.pid) in leaders:
                members.append(proc)
    return members


def _die_with_parent() -> None:
    """Linux: receive SIGKILL when the parent process ends (no orphaned kernels)."""
    import ctypes
    import signal

    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG


def zygote_main(fd: int, preload: list[str], lang: str = "en") -> None:
    """The zygote: import `preload`, then fork a kernel for every request on `fd`.

    For a run in another language than English the zygote also reads that language's message
    catalogues once (:mod:`kamlib.language` keeps them), so that a forked kernel has them.
    """
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
    if lang != "en":
        with contextlib.suppress(Exception):
            _read_catalogues(lang)
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


def _read_catalogues(lang: str) -> None:
    """Read `lang`'s catalogues into :mod:`kamlib.language`'s cache (the first message does)."""
    from kamlib.language import gettext, language

    header = ""  # the catalogue's header entry: any lookup reads the catalogues
    with language(lang):
        gettext(header)


def _warm_up() -> None:
    """Pay first-call costs once in the zygote, on made-up values (no data, no pyplot state).

    Lazy initialisation in pandas (Arrow-backed strings, pickling, group-by) and matplotlib
    (loading the font, rendering a PNG) would otherwise be paid again in every forked kernel.
    """
    import io
    import pickle

    import pandas as pd
    from matplotlib.figure import Figure

    frame = pd.DataFrame(
        {
            "key": pd.array(["a", "b", "a"], dtype="str"),
            "when": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
            "value": [1.0, 2.0, 3.0],
        }
    )
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
        os.environ["MPLBACKEND"] = INLINE_BACKEND
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


class Zygote:
    """The worker's handle on its zygote: spawned with the worker, restarted when it died."""

    def __init__(self, settings: dict):
        self.enabled = _forkable(settings["kernel_name"])
        self.start_timeout = settings["start_timeout"]
        self.lang = settings.get("lang", "en")
        self.process: subprocess.Popen | None = None
        self.conn = None
        self.ready = False
        if self.enabled:  # import in the background while the worker imports papermill
            self._spawn()

    def _spawn(self) -> None:
        ours, theirs = socket.socketpair()
        with ours, theirs:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _ZYGOTE_CODE, str(theirs.fileno()), self.lang, *PRELOAD],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
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
            raise RuntimeError(
                f"the kernel zygote has {threads} threads after its imports; fresh kernels instead"
            )

    def wait_ready(self) -> None:
        """Wait until the zygote has imported everything (a worker calls it before its first
        report, so that a slow start counts against the start limit, not a report's wall clock).
        A zygote that fails to start is closed; :meth:`fork` starts it again when needed."""
        if not self.enabled or self.ready:
            return
        try:
            self._start()
        except (OSError, EOFError, TimeoutError, RuntimeError):
            self.close()

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
                kill_tree(self.process.pid)
            self.process = None
        self.ready = False


def forked_kernel_manager(zygote: Zygote, config, kernel_name: str):
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
            pid = zygote.fork({"cwd": self.cwd, "env": env, "argv0": cmd[0], "args": list(cmd[3:])})
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
    km.provisioner = ForkProvisioner(
        kernel_id=secrets.token_hex(8), kernel_spec=km.kernel_spec, parent=km
    )
    return km


def shutdown_kernel(km) -> None:
    """Stop a kernel we own (papermill leaves a kernel it was given running)."""
    from jupyter_core.utils import run_sync

    with contextlib.suppress(Exception):
        run_sync(km.shutdown_kernel)(now=True)
    provisioner = getattr(km, "provisioner", None)
    if provisioner is not None and getattr(provisioner, "kernel", None) is not None:
        with contextlib.suppress(Exception):  # still there: kill its process group
            os.killpg(provisioner.pgid, 9)


def kill_tree(pid: int) -> None:
    """Kill a process, its children (a worker's kernels) and everything they started; wait for them.

    Everything they started includes what left the tree: every process in the session of a
    kernel (a kernel leads its own session), and, when the root is a subreaper
    (:func:`become_subreaper`), every orphan it adopted.

    Parameters
    ----------
    pid : int
        The root of the tree; a process that has ended already is not an error.

    Examples
    --------
    >>> import subprocess, sys, psutil
    >>> child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    >>> kill_tree(child.pid)
    >>> psutil.pid_exists(child.pid)
    False
    """
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [*root.children(recursive=True), root]
    except psutil.NoSuchProcess:
        return
    known = {p.pid for p in procs}
    procs += [p for p in _sessions_of(procs) if p.pid not in known and p.pid != os.getpid()]
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()
    psutil.wait_procs(procs, timeout=SHUTDOWN_GRACE)

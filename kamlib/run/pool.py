"""The worker pool: long-lived worker processes running reports, for the local and dask paths.

Reports run in ``workers`` worker processes (plain subprocesses, long-lived: papermill and
nbconvert are imported once per worker), each with its kernel zygote
(:mod:`kamlib.run.kernels`). A worker runs one report at a time
(:func:`kamlib.run.execute.run_job`);
the pool enforces a wall-clock limit per report from outside by killing the worker, its kernel
and their children. :func:`kamlib.run.render.render` calls :func:`run_pool` on this machine;
:mod:`kamlib.run.cluster` calls it on each dask worker, for one batch of reports.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as _wait_for

from kamlib.run.execute import run_job
from kamlib.run.files import FILE_MODE
from kamlib.run.kernels import (
    INLINE_BACKEND,
    SHUTDOWN_GRACE,
    Zygote,
    become_subreaper,
    kill_strays,
    kill_tree,
)

__all__ = ["run_pool", "worker_main"]

_WORKER_CODE = (
    "import sys; from kamlib.run.pool import worker_main; "
    "worker_main(int(sys.argv[1]), sys.argv[2])"
)


def worker_main(fd: int, settings_json: str) -> None:
    """Worker process: run jobs sent over the socket `fd` until ``None`` arrives."""
    import signal

    settings = json.loads(settings_json)
    conn = Connection(fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and cleans up
    os.umask(0o027)
    become_subreaper()  # what a notebook double-forks comes back here, to be killed
    logging.getLogger().addHandler(logging.NullHandler())
    # The worker's and its kernels' own output (kernel warnings, shutdown notes) goes to a log
    # in the private run folder, not between the progress bar and the summary line.
    log_fd = os.open(settings["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    os.close(log_fd)
    # Inherited by every kernel of this worker, fresh or forked: the inline backend, whatever
    # MPLBACKEND the caller's environment has (a cron host's Agg would drop every chart).
    os.environ["MPLBACKEND"] = INLINE_BACKEND
    if settings.get("cache"):
        from kamlib.run.cache import ENV_VAR

        os.environ[ENV_VAR] = settings["cache"]  # inherited by every kernel of this worker
    from kamlib.report.elements import html_exporter

    exporter = html_exporter()
    exporter.optimistic_validation = True  # validate once, not after every preprocessor
    zygote = Zygote(settings) if settings.get("kernels") == "forked" else None
    if zygote is not None:
        zygote.wait_ready()  # before the first job: its wall clock starts at "started"
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
                result = run_job(job, settings, exporter, zygote)
            except Exception as exc:  # a bug in kamlib: report it, keep the worker alive
                result = {
                    "status": "failed",
                    "reason": "engine_error",
                    "attempts": 1,
                    "error": f"{type(exc).__name__}: {exc}",
                }
            kill_strays(keep=zygote.pid() if zygote is not None else 0)
            conn.send(("done", job["id"], result))
    finally:
        if zygote is not None:
            zygote.close()


@dataclass
class _Slot:
    """A worker process, the report it is running and when that report must be finished."""

    process: subprocess.Popen
    conn: object
    job: object | None = None
    deadline: float = math.inf


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


def run_pool(
    jobs: list[tuple[object, dict]],
    *,
    workers: int,
    timeout: float,
    settings: dict,
    on_result: Callable[[object, dict], None],
) -> None:
    """Run `jobs` on `workers` processes; call ``on_result(job, result)`` as each finishes.

    Parameters
    ----------
    jobs : list of (job, spec)
        The caller's job (handed back to `on_result`, never sent) and the plain spec a worker
        runs (:func:`kamlib.run.execute.run_job`; ``id`` numbers it).
    workers : int
        Worker processes to start (at most one per job).
    timeout : float
        Wall-clock limit per report in seconds; a report over it is stopped by killing its
        worker and kernel (``timed_out``, reason ``wall_clock``).
    settings : dict
        The run's settings, passed to every worker: ``kernel_name``, ``cell_timeout``,
        ``start_timeout``, ``kernels``, ``log`` (the workers' log file), ``cache``.
    on_result : callable
        ``on_result(job, result)``, called in this process once per job.

    Examples
    --------
    >>> run_pool([], workers=2, timeout=60, settings={}, on_result=print)
    """
    pending = deque(jobs)
    slots: list[_Slot] = []

    def retire(slot: _Slot) -> None:
        kill_tree(slot.process.pid)
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
                        on_result(
                            job,
                            {
                                "status": "failed",
                                "reason": "worker_died",
                                "attempts": 1,
                                "error": "the worker process ended unexpectedly",
                            },
                        )
                        continue
                    if message[0] == "started":
                        slot.deadline = time.monotonic() + timeout
                    elif message[0] == "done":
                        job, slot.job, slot.deadline = slot.job, None, math.inf
                        on_result(job, message[2])
                elif time.monotonic() >= slot.deadline:
                    job = slot.job
                    retire(slot)
                    on_result(
                        job,
                        {
                            "status": "timed_out",
                            "reason": "wall_clock",
                            "attempts": 1,
                            "error": f"the report ran longer than {timeout:g} s and was "
                            "stopped (kernel and worker killed)",
                        },
                    )
    finally:
        for slot in list(slots):
            if slot.job is not None:  # interrupted: stop it now
                kill_tree(slot.process.pid)
            with contextlib.suppress(OSError, ValueError):
                slot.conn.send(None)
        end = time.monotonic() + SHUTDOWN_GRACE
        for slot in list(slots):
            try:
                slot.process.wait(timeout=max(0.0, end - time.monotonic()))
            except subprocess.TimeoutExpired:
                kill_tree(slot.process.pid)
            with contextlib.suppress(OSError):
                slot.conn.close()


def _dispatch(slot: _Slot, item: tuple[object, dict], allowance: float) -> None:
    job, spec = item
    slot.job = job
    slot.deadline = time.monotonic() + allowance
    slot.conn.send(spec)

"""Retention: delete what old report runs left behind, never what they published.

``kam render`` keeps each run's working files in ``OUT/runs/<run_id>/``: the staging folder of
papermill's output, the executed notebooks of failed reports (``failed/``, with their error
files), the workers' log and, while the run lasts, its cache. Failed notebooks hold the data
they were computing with, so they should not be kept longer than they are useful for
debugging (docs/reliability.md case 81). :func:`cleanup` removes the run folders older than a limit;
``OUT/published/``, the index pages (``OUT/index*.html``, ``OUT/managers.html``) and
``OUT/manifest.json`` are never touched. A run's age is the time of the newest change anywhere
in its folder. Only folders that kamlib made are removed: each run writes a marker into its
folder when it creates it (:func:`kamlib.run.files.write_run_marker`), and a folder without one
is left alone, whatever its age. Cleanup takes the output folder's lock, the one ``kam render``
holds for its whole run, so the folder of a live run is never removed.

A run killed with ``kill -9`` leaves its ``staging/`` folder (papermill's output), possibly its
``cache/`` (the workspace, pickled) and its kernels' socket folder ``kam-*`` in the system's
temporary folder. :func:`remove_stale` removes them; the next ``kam render`` and ``kam cleanup``
call it, under the lock.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import re
import shutil
import time
from datetime import datetime
from pathlib import Path

from kamlib.errors import ArgumentError, BusyError
from kamlib.run.files import output_lock, read_run_marker

__all__ = ["cleanup", "parse_age", "remove_stale"]

log = logging.getLogger("kamlib")

#: What a run keeps in its folder only while it lasts: left behind only by a killed run.
_WHILE_RUNNING = ("staging", "cache")

_DAY = 86_400.0
_UNITS = {"d": 1.0, "h": 1 / 24, "w": 7.0}
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([dhw]?)\s*$", re.IGNORECASE)


def parse_age(text: str) -> float:
    """Days in an age written as on the command line: ``30d``, ``12h``, ``2w`` or ``30``.

    Parameters
    ----------
    text : str
        A non-negative number followed by ``d`` (days, the default), ``h`` (hours) or ``w``
        (weeks).

    Returns
    -------
    float
        The age in days.

    Raises
    ------
    ArgumentError
        When `text` is not such an age.

    Examples
    --------
    >>> parse_age("30d"), parse_age("12h"), parse_age("2w"), parse_age("7")
    (30.0, 0.5, 14.0, 7.0)
    """
    match = _AGE.match(str(text))
    if not match:
        raise ArgumentError(f"`older_than`: expected an age like 30d, 12h or 2w, got {text!r}")
    return float(match.group(1)) * _UNITS[(match.group(2) or "d").lower()]


def _remove_sockets(path: str | None) -> bool:
    """Remove a run's socket folder named in its marker, when it is plainly ours."""
    if not path:
        return False
    folder = Path(path)
    try:
        info = folder.lstat()
    except OSError:
        return False
    import stat

    if (
        not folder.is_absolute()
        or not folder.name.startswith("kam-")
        or not stat.S_ISDIR(info.st_mode)
        or info.st_uid != os.getuid()
    ):
        return False
    shutil.rmtree(folder, ignore_errors=True)
    return True


def remove_stale(out: str | Path, *, keep: str | None = None) -> list[Path]:
    """Remove what killed runs left behind: their ``staging/`` and ``cache/`` and socket folder.

    Only in run folders that carry kamlib's marker, never in the run `keep` (the live one).
    The caller holds the output folder's lock, so no other run is alive. A swept run folder
    keeps its modification time, so its age for :func:`cleanup` is unchanged.

    Parameters
    ----------
    out : str or Path
        The output folder of ``kam render``.
    keep : str, optional
        The run id of the run in progress.

    Returns
    -------
    list of Path
        What was removed.

    Examples
    --------
    >>> import tempfile
    >>> from kamlib.run.files import write_run_marker
    >>> out = Path(tempfile.mkdtemp())
    >>> run = out / "runs" / "20260101T000000Z-abcdef"
    >>> (run / "staging" / "report").mkdir(parents=True)
    >>> write_run_marker(run, run.name)
    >>> [p.name for p in remove_stale(out)]
    ['staging']
    """
    runs = Path(out) / "runs"
    removed: list[Path] = []
    if runs.is_symlink() or not runs.is_dir():
        return removed
    for run in sorted(runs.iterdir()):
        if run.name == keep:
            continue
        marker = read_run_marker(run)
        if marker is None:
            continue
        times = run.lstat()
        for name in _WHILE_RUNNING:
            leftover = run / name
            if leftover.is_symlink():
                leftover.unlink()
                removed.append(leftover)
            elif leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
                removed.append(leftover)
        if _remove_sockets(marker.get("sockets")):
            removed.append(Path(marker["sockets"]))
        with contextlib.suppress(OSError):
            os.utime(run, ns=(times.st_atime_ns, times.st_mtime_ns))
    return removed


def _newest_change(folder: Path) -> float:
    """The latest modification time of `folder` and everything in it (links not followed)."""
    newest = folder.lstat().st_mtime
    for root, dirs, files in os.walk(folder, followlinks=False):
        for name in (*dirs, *files):
            try:
                newest = max(newest, os.lstat(os.path.join(root, name)).st_mtime)
            except OSError:  # removed while we looked
                continue
    return newest


def _timestamp(now: datetime | float | None) -> float:
    if now is None:
        return time.time()
    if isinstance(now, datetime):
        return now.timestamp()  # a naive datetime is local time, as file times are
    if isinstance(now, int | float) and not isinstance(now, bool) and math.isfinite(now):
        return float(now)
    raise ArgumentError(f"`now` must be a datetime or a POSIX timestamp, got {now!r}")


def cleanup(
    out: str | Path,
    *,
    older_than_days: float = 30,
    now: datetime | float | None = None,
    dry_run: bool = False,
) -> list[Path]:
    """Delete the run folders (``OUT/runs/<run_id>/``) whose newest file is older than a limit.

    Each removed folder goes with everything in it: ``staging/``, ``failed/`` (executed
    notebooks and error files of failed reports), ``workers.log`` and any leftover cache.
    ``OUT/published/``, the index pages and ``manifest.json`` are never touched; the manifest
    keeps its entries (a ``failed_path`` into a removed run then points to nothing). Symbolic
    links in ``OUT/runs/`` are neither followed nor removed, and neither is a folder without
    kamlib's run marker (logged as a warning). Cleanup holds the output folder's lock
    (``OUT/.lock``) while it works, and first removes what killed runs left behind
    (:func:`remove_stale`).

    Parameters
    ----------
    out : str or Path
        The output folder of ``kam render``.
    older_than_days : float, default 30
        Remove a run when nothing in its folder changed for more than this many days.
    now : datetime or float, optional
        The current time (a datetime, or seconds since the epoch); default: the clock.
    dry_run : bool, default False
        List what would be removed, remove nothing.

    Returns
    -------
    list of Path
        The run folders removed (or that would be), sorted by name (run ids sort by time).

    Raises
    ------
    ArgumentError
        When `older_than_days` is negative or not a number, or ``OUT/runs`` is a symbolic
        link or not a folder, or the output folder cannot be locked (read-only).
    BusyError
        When a render holds the output folder's lock (exit code 75: try again later).

    Examples
    --------
    >>> import os, tempfile
    >>> from kamlib.run.files import RUN_MARKER, write_run_marker
    >>> out = Path(tempfile.mkdtemp())
    >>> old = out / "runs" / "20240101T000000Z-aaaaaa" / "failed"
    >>> old.mkdir(parents=True)
    >>> write_run_marker(old.parent, old.parent.name)
    >>> _ = (old / "report.ipynb").write_text("{}")
    >>> for p in (old / "report.ipynb", old, old.parent / RUN_MARKER, old.parent):
    ...     os.utime(p, (0, 0))  # 1970
    >>> (out / "runs" / "20260101T000000Z-bbbbbb").mkdir()
    >>> [p.name for p in cleanup(out, older_than_days=30)]
    ['20240101T000000Z-aaaaaa']
    >>> sorted(p.name for p in (out / "runs").iterdir())
    ['20260101T000000Z-bbbbbb']
    """
    if isinstance(older_than_days, bool) or not isinstance(older_than_days, int | float):
        raise ArgumentError(f"`older_than_days` must be a number of days, got {older_than_days!r}")
    if not (math.isfinite(older_than_days) and older_than_days >= 0):
        raise ArgumentError(f"`older_than_days` must be >= 0, got {older_than_days!r}")
    cutoff = _timestamp(now) - older_than_days * _DAY
    runs = Path(out) / "runs"
    if runs.is_symlink():
        raise ArgumentError(f"`out`: {runs} is a symbolic link; refusing to clean up through it")
    if not runs.exists():
        return []
    if not runs.is_dir():
        raise ArgumentError(f"`out`: {runs} is not a folder")
    with contextlib.ExitStack() as stack:
        try:
            acquired = stack.enter_context(output_lock(Path(out)))
        except OSError as exc:
            raise ArgumentError(f"`out`: cannot lock {out} ({exc.strerror})") from None
        if not acquired:
            raise BusyError(
                f"{out} is locked by a running kam render; nothing removed (try again later)"
            )
        if not dry_run:
            remove_stale(out)
        removed = []
        for run in sorted(runs.iterdir()):
            if run.is_symlink() or not run.is_dir():
                continue
            if read_run_marker(run) is None:
                log.warning("kept %s: not a run folder made by kamlib (no run marker)", run)
                continue
            if _newest_change(run) >= cutoff:
                continue
            if not dry_run:
                shutil.rmtree(run)
            removed.append(run)
        return removed

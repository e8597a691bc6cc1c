"""Retention: delete what old report runs left behind, never what they published.

``kam render`` keeps each run's working files in ``OUT/runs/<run_id>/``: the staging folder of
papermill's output, the executed notebooks of failed reports (``failed/``, with their error
files), the workers' log and, while the run lasts, its cache. Failed notebooks hold the data
they were computing with, so they should not be kept longer than they are useful for
debugging (docs/reliability.md case 81). :func:`cleanup` removes the run folders older than a limit;
``OUT/published/``, the index pages (``OUT/index*.html``, ``OUT/managers.html``) and
``OUT/manifest.json`` are never touched. A run's age is the time of the newest change anywhere
in its folder, so a run that is still writing is never removed.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import time
from datetime import datetime
from pathlib import Path

from kamlib.errors import ArgumentError

__all__ = ["cleanup", "parse_age"]

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
    links in ``OUT/runs/`` are neither followed nor removed.

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
        link or not a folder.

    Examples
    --------
    >>> import os, tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> old = out / "runs" / "20240101T000000Z-aaaaaa" / "failed"
    >>> old.mkdir(parents=True)
    >>> _ = (old / "report.ipynb").write_text("{}")
    >>> for p in (old / "report.ipynb", old, old.parent):
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
    removed = []
    for run in sorted(runs.iterdir()):
        if run.is_symlink() or not run.is_dir():
            continue
        if _newest_change(run) >= cutoff:
            continue
        if not dry_run:
            shutil.rmtree(run)
        removed.append(run)
    return removed

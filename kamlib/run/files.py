"""How the run writes its files: permissions, atomic replacement, leftovers, content hashes.

Everything the run publishes (reports, ``manifest.json``, the index pages, failed notebooks'
error files) is written to a temporary file beside its target and renamed into place, so a
reader never sees half a file (docs/reliability.md cases 89 and 98). The output folder's lock
(:func:`output_lock`) is shared by ``kam render`` and ``kam cleanup``; every run folder that a
run creates carries a marker (:func:`write_run_marker`), the only proof ``kam cleanup`` and
the next run accept that a folder under ``OUT/runs/`` is kamlib's to remove.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import secrets
from pathlib import Path

__all__ = [
    "FILE_MODE",
    "DIR_MODE",
    "PRIVATE_DIR_MODE",
    "RUN_MARKER",
    "sha256_file",
    "atomic_write",
    "remove_leftovers",
    "disk_full",
    "output_lock",
    "write_run_marker",
    "read_run_marker",
]

#: Name of the marker file written into every run folder when the run creates it.
RUN_MARKER = ".kamlib-run"
_MARKER_KIND = "kamlib render run"
_DISK_FULL = {errno.ENOSPC, errno.EDQUOT}

#: Permissions of published files, of the output folders, and of the private run folders.
FILE_MODE = 0o640
DIR_MODE = 0o750
PRIVATE_DIR_MODE = 0o700


def sha256_file(path: str | Path) -> str:
    """The SHA-256 of a file's contents, as hex, read in blocks of 1 MiB.

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    str
        64 hex digits.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = p.write_bytes(b"abc")
    >>> sha256_file(p)[:16]
    'ba7816bf8f01cfea'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def atomic_write(path: Path, data: bytes, *, mode: int = FILE_MODE) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path`.

    The temporary file is flushed to disk first; when anything fails, it is removed and the
    old `path` (if any) stays as it was.

    Parameters
    ----------
    path : Path
        The target file.
    data : bytes
        Its new contents.
    mode : int, default FILE_MODE (0o640)
        Permissions of the new file.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "manifest.json"
    >>> atomic_write(target, b"{}")
    >>> target.read_bytes(), oct(target.stat().st_mode & 0o777)
    (b'{}', '0o640')
    """
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


def remove_leftovers(folder: Path) -> None:
    """Remove the ``.*.tmp`` files that a killed run left behind in `folder`.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / ".index.html.1a2b3c4d.tmp").write_text("half")
    >>> remove_leftovers(d)
    >>> list(d.iterdir())
    []
    """
    for leftover in folder.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def disk_full(exc: BaseException) -> bool:
    """True when `exc` says the disk (or the user's quota) is full.

    Examples
    --------
    >>> disk_full(OSError(errno.ENOSPC, "No space left on device")), disk_full(OSError(13, "x"))
    (True, False)
    """
    return isinstance(exc, OSError) and exc.errno in _DISK_FULL


@contextlib.contextmanager
def output_lock(out: Path):
    """Hold ``OUT/.lock`` (``fcntl.flock``, not blocking) while the block runs; yields whether
    it was acquired. ``kam render`` and ``kam cleanup`` take the same lock.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> with output_lock(out) as first:
    ...     with output_lock(out) as second:
    ...         first, second
    (True, False)
    """
    import fcntl  # POSIX only: imported here so that `import kamlib` works everywhere

    fd = os.open(out / ".lock", os.O_RDWR | os.O_CREAT, FILE_MODE)
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


def write_run_marker(run_dir: Path, run_id: str, *, sockets: str | None = None) -> None:
    """Mark `run_dir` as a run folder made by kamlib, naming its socket folder in the temp folder.

    Examples
    --------
    >>> import tempfile
    >>> run = Path(tempfile.mkdtemp()) / "20260101T000000Z-abcdef"
    >>> run.mkdir()
    >>> write_run_marker(run, run.name, sockets="/tmp/kam-x")
    >>> read_run_marker(run)["sockets"]
    '/tmp/kam-x'
    """
    marker = {"kind": _MARKER_KIND, "run_id": run_id, "pid": os.getpid(), "sockets": sockets}
    atomic_write(run_dir / RUN_MARKER, (json.dumps(marker) + "\n").encode("utf-8"))


def read_run_marker(run_dir: Path) -> dict | None:
    """The marker of a run folder made by kamlib, or None when `run_dir` is not one.

    A folder is kamlib's when it is a real folder (not a link) holding a regular marker file
    that names this very folder's run id.

    Examples
    --------
    >>> import tempfile
    >>> read_run_marker(Path(tempfile.mkdtemp())) is None
    True
    """
    marker = run_dir / RUN_MARKER
    try:
        if run_dir.is_symlink() or not run_dir.is_dir() or marker.is_symlink():
            return None
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("kind") != _MARKER_KIND:
        return None
    if data.get("run_id") != run_dir.name:
        return None
    return data

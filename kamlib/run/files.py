"""How the run writes its files: permissions, atomic replacement, leftovers, content hashes.

Everything the run publishes (reports, ``manifest.json``, the index pages, failed notebooks'
error files) is written to a temporary file beside its target and renamed into place, so a
reader never sees half a file (docs/reliability.md cases 89 and 98).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from pathlib import Path

__all__ = [
    "FILE_MODE",
    "DIR_MODE",
    "PRIVATE_DIR_MODE",
    "sha256_file",
    "atomic_write",
    "remove_leftovers",
]

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

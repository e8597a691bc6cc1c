"""A workspace given as a URL (``s3://bucket/exports``): its input files mirrored on this machine.

Wherever kamlib takes a workspace folder it also takes an fsspec URL: ``kam validate``, ``kam
summary``, ``kam render``, ``kam export``, :func:`kamlib.load_workspace`,
:func:`kamlib.read_config` and the notebooks' ``workspace`` parameter
(:func:`kamlib.run.cache.workspace`). The URL names a folder (a prefix) laid out as a local
workspace: ``kam.toml`` and the tables. :func:`mirror` copies the files the workspace reads
(``kam.toml`` and the tables' files, chosen by :func:`kamlib.read_config` exactly as in a
folder) into a private local folder, and everything after that (parsing, validation, the
workspace cache, the run cache) works on that copy as on any folder. Error messages about the
configuration name the URL, problems in the data name the file and line as always.

The copy is keyed by the URL and the listing of its objects (name, size and the ETag or
modification time each object has in the storage's listing), so an object that changes, or a new
one, gives a new copy at the next load, and an unchanged workspace is listed (one request per
1,000 objects), not downloaded again. Only the newest copy of a URL is kept.

Where: ``remote/`` in the cache folder (``$KAMLIB_CACHE_DIR``, else the user's cache folder,
``~/.cache/kamlib`` on Linux; with ``KAMLIB_CACHE_DIR=off`` the user's cache folder too, since
the files must be on disk to be read), one folder per URL; folders 0700 and files 0600 (they
hold the exports' data), never in a folder that belongs to another user or that others can
write to.

The storage options (endpoint, credentials, region) come from fsspec's own configuration, never
from kamlib or the URL: the environment (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
``AWS_PROFILE``, ``AWS_ENDPOINT_URL``, or ``FSSPEC_S3_ENDPOINT_URL`` and any
``FSSPEC_<PROTOCOL>_<OPTION>``), ``~/.aws/`` or fsspec's configuration files. A URL that carries
a user name or password is refused (it would end up in logs and manifests). ``s3://`` works
out of the box (s3fs is a dependency); other protocols need their fsspec package (``gcsfs`` for
``gs://``, ``adlfs`` for ``az://``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from kamlib.errors import ArgumentError, ConfigError, KamlibError, SetupError

__all__ = ["is_url", "mirror", "named", "source"]

log = logging.getLogger("kamlib")

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+://")
_URL_FILE = "url"  # next to the copies of one URL: which URL they are of
_TMP = ".tmp-"
_STALE_S = 3600  # a half-made copy this old was left by a process that died
#: What an object's listing may say about its version, by storage (S3, GCS, Azure, local ...).
_VERSION_FIELDS = (
    "ETag",
    "etag",
    "VersionId",
    "md5Hash",
    "generation",
    "LastModified",
    "last_modified",
    "updated",
    "mtime",
)


def is_url(workspace) -> bool:
    """True when `workspace` is a URL (``scheme://...``) rather than a folder.

    >>> is_url("s3://bucket/exports"), is_url("data/sample"), is_url("C:\\\\data")
    (True, False, False)
    """
    return isinstance(workspace, str) and bool(_SCHEME.match(workspace.strip()))


def _checked(url: str) -> str:
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        raise ArgumentError(
            "workspace URL: a user name or password in the URL is refused (it would be written "
            "to logs and manifests); give the credentials through the environment or the "
            "storage's configuration (README, 'A workspace in object storage')"
        )
    if parts.query or parts.fragment:
        raise ArgumentError(f"workspace URL {url!r}: no '?' or '#' part; name a folder")
    return url


def _base() -> Path:
    name = os.environ.get("KAMLIB_CACHE_DIR", "").strip()
    if not name or name.lower() in ("off", "0", "no", "false"):
        import platformdirs

        name = platformdirs.user_cache_dir("kamlib", appauthor=False)
    return Path(name).expanduser() / "remote"


def _private(folder: Path) -> Path:
    """`folder`, created 0700 when missing; SetupError unless it is this user's and only theirs."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        st = folder.lstat()
    except OSError as exc:
        raise SetupError(
            f"cannot make the folder for a URL workspace's files {folder}: {exc}"
        ) from None
    if folder.is_symlink() or st.st_uid != os.getuid() or st.st_mode & 0o077:
        raise SetupError(
            f"{folder} must be a private folder of this user (0700) to hold a URL workspace's "
            "files; remove it or set KAMLIB_CACHE_DIR"
        )
    return folder


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def _listing(url: str):
    """(filesystem, root, {relative name: info}) of the objects under `url`."""
    try:
        from fsspec.core import url_to_fs
    except ImportError:  # pragma: no cover - fsspec is a dependency
        raise SetupError("a URL workspace needs the fsspec package (pip install fsspec)") from None
    try:
        fs, root = url_to_fs(url)
    except ImportError as exc:
        raise SetupError(f"workspace URL {url}: {exc}") from None
    except ValueError as exc:
        raise ArgumentError(f"workspace URL {url}: {exc}") from None
    root = root.rstrip("/")
    try:
        fs.invalidate_cache(root)  # a listing cached earlier in this process may be stale
        found = fs.find(root, detail=True)
    except FileNotFoundError as exc:
        raise ConfigError(f"workspace {url} is not a folder ({exc})") from None
    except PermissionError as exc:
        raise SetupError(
            f"workspace {url}: access denied ({exc}); check the storage credentials"
        ) from None
    except Exception as exc:  # noqa: BLE001 - network, endpoint, credentials: the storage's own
        raise SetupError(f"workspace {url}: cannot list it ({type(exc).__name__}: {exc})") from None
    objects = {}
    for name, info in found.items():
        rel = name[len(root) + 1 :] if name.startswith(root + "/") else ""
        if info.get("type", "file") != "file" or not rel:
            continue
        if any(part in ("", ".", "..") for part in rel.split("/")):
            log.warning("workspace %s: object %r skipped (not a plain relative name)", url, rel)
            continue
        objects[rel] = info
    if not objects:
        raise ConfigError(f"workspace {url} is not a folder (no objects under it)")
    return fs, root, objects


def _version(info: dict) -> list:
    return [info.get("size")] + [str(info[k]) for k in _VERSION_FIELDS if k in info]


def _tidy(base: Path, keep: Path) -> None:
    """Remove the older copies of a URL, and half-made ones of processes that died."""
    for entry in base.iterdir():
        if entry == keep or not entry.is_dir() or entry.is_symlink():
            continue
        if entry.name.startswith(_TMP) and time.time() - entry.stat().st_mtime < _STALE_S:
            continue  # another process is making it now
        shutil.rmtree(entry, ignore_errors=True)


def _fill(fs, root: str, objects: dict, folder: Path, url: str) -> None:
    """Download into `folder` the objects the workspace reads (kam.toml and the tables)."""
    from kamlib.load.config import CONFIG_FILE, read_config

    for rel in objects:  # empty stand-ins, so that read_config finds the tables as in a folder
        target = folder / rel
        with contextlib.suppress(OSError):  # an object and a "folder" of the same name
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            target.touch(mode=0o600)
    wanted = [CONFIG_FILE] if CONFIG_FILE in objects else []
    for rel in wanted:
        _download(fs, root, rel, objects[rel], folder, url)
    with named(url, folder):
        config = read_config(folder)
    files = {Path(f) for t in config.tables.values() for f in t.files}
    for path in sorted(files):
        rel = path.relative_to(folder).as_posix()
        _download(fs, root, rel, objects[rel], folder, url)


def _download(fs, root: str, rel: str, info: dict, folder: Path, url: str) -> None:
    target = folder / rel
    try:
        fs.get_file(f"{root}/{rel}", str(target))
    except Exception as exc:  # noqa: BLE001 - the storage's own errors
        raise SetupError(
            f"workspace {url}: cannot download {rel} ({type(exc).__name__}: {exc})"
        ) from None
    os.chmod(target, 0o600)
    size = target.stat().st_size
    if info.get("size") is not None and size != info["size"]:
        raise SetupError(
            f"workspace {url}: {rel} changed while it was downloaded ({size} bytes, listed "
            f"{info['size']}); run again"
        )


def mirror(url: str) -> Path:
    """The local copy of the workspace at `url`, downloaded when it is missing or out of date.

    Parameters
    ----------
    url : str
        An fsspec URL of a folder holding a workspace, such as ``"s3://bucket/exports/acme"``.

    Returns
    -------
    Path
        A private folder holding ``kam.toml`` and the tables' files (other objects under the
        URL are empty stand-ins there, never downloaded).

    Raises
    ------
    ArgumentError
        A URL kamlib cannot use (an unknown protocol, credentials or a query in it).
    ConfigError
        No object under the URL (a missing bucket or folder), or a bad ``kam.toml`` there.
    SetupError
        The storage cannot be reached or read (endpoint, credentials, a missing fsspec package).

    Examples
    --------
    >>> d = Path(tempfile.mkdtemp())
    >>> os.environ["KAMLIB_CACHE_DIR"] = str(d / "cache")
    >>> _ = (d / "transactions.csv").write_text("account_id,date,revenue\\nA,2024-01-05,10\\n")
    >>> _ = (d / "notes.txt").write_text("not read")
    >>> copy = mirror(f"file://{d}")
    >>> sorted((p.name, p.stat().st_size) for p in copy.iterdir())
    [('notes.txt', 0), ('transactions.csv', 40)]
    >>> source(copy) == f"file://{d}"
    True
    >>> del os.environ["KAMLIB_CACHE_DIR"]
    """
    url = _checked(url)
    fs, root, objects = _listing(url)
    listing = json.dumps(sorted((rel, _version(info)) for rel, info in objects.items()))
    base = _private(_base()) / _digest(url)
    folder = base / _digest(listing)
    if folder.is_dir():
        return folder
    base.mkdir(exist_ok=True, mode=0o700)
    fd = os.open(base / _URL_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(url)
    tmp = Path(tempfile.mkdtemp(prefix=_TMP, dir=base))
    try:
        _fill(fs, root, objects, tmp, url)
        try:
            os.rename(tmp, folder)
        except OSError:
            if not folder.is_dir():  # not another process that made the same copy first
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log.info("workspace %s copied to %s", url, folder)
    _tidy(base, keep=folder)
    return folder


def source(folder) -> str | None:
    """The URL that `folder` is a copy of (:func:`mirror`), or None for any other folder.

    >>> source("data/sample") is None
    True
    """
    folder = Path(folder).resolve()
    try:
        if folder.parent.parent != _base().resolve():
            return None
        return (folder.parent / _URL_FILE).read_text(encoding="utf-8")
    except OSError:
        return None


@contextlib.contextmanager
def named(url: str, folder: Path):
    """Within the block, kamlib's errors name `url` where they would name the local `folder`.

    >>> with named("s3://b/ws", Path("/tmp/copy")):  # doctest: +ELLIPSIS
    ...     raise ConfigError("/tmp/copy/kam.toml: not valid TOML")
    Traceback (most recent call last):
    ...
    kamlib.errors.ConfigError: s3://b/ws/kam.toml: not valid TOML
    """
    try:
        yield
    except KamlibError as exc:
        names = dict.fromkeys([str(folder), str(Path(folder).resolve())])
        args = []
        for arg in exc.args:
            if isinstance(arg, str):
                for name in names:
                    arg = arg.replace(name, url)
            args.append(arg)
        exc.args = tuple(args)
        raise

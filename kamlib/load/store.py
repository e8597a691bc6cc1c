"""A loaded workspace kept on disk as Parquet, so that unchanged exports load in a blink.

Loading a large export takes seconds to a minute (reading, parsing, validation, the ledger).
:func:`load_cached` does it once: it stores the result (every table, the quarantines, the
ledger and the problems) as Parquet files in a private cache folder, keyed by everything the
result depends on, and afterwards returns the stored copy while none of it changed.

The key (see :func:`store_key`):

- the contents of every input file and of ``kam.toml`` (SHA-256 over names and bytes, the same
  fingerprint as ``kam render``'s manifest);
- the loading mode (strict or lenient);
- the analysis horizon when ``kam.toml`` sets no ``as_of`` (today's date: the future-dates rule
  depends on it, so such an entry lasts one day);
- kamlib's version and the source of its loading code, pandas' and pyarrow's versions.

Hashing a 115 MB export takes about 0.2 s, so a lookup first compares the size, modification
time, change time and inode of every input file with the ones recorded when the entry was
written: any write to a file changes its change time (which no program can set back), so equal
stats mean equal contents. Stats recorded less than two seconds after a file last changed are
not trusted (the file may still be written to); then, and whenever the stats differ (a copied
or touched file), the contents are hashed and compared. A stored copy is therefore never
returned for inputs that differ from the ones it was loaded from.

Where: ``$KAMLIB_CACHE_DIR`` when set (``off`` switches the cache off), else the user's cache
folder (``platformdirs.user_cache_dir("kamlib")``, ``~/.cache/kamlib`` on Linux), in
``workspaces/``: one entry per workspace folder and mode, replaced when the inputs change.
Folders are created with mode 0700 and files 0600 (the entries hold the exports' data); a
cache folder that belongs to another user or that others can write to is not used. Deleting
the folder is always safe. Entries hold only Parquet and JSON, never pickles.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import json
import logging
import os
import secrets
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kamlib.load.config import Config, read_config
from kamlib.load.workspace import Workspace, load_workspace

__all__ = ["CACHE_ENV", "cache_folder", "input_fingerprint", "load_cached", "store_key"]

log = logging.getLogger("kamlib")

#: Environment variable: the cache folder, or ``off`` to switch the workspace cache off.
CACHE_ENV = "KAMLIB_CACHE_DIR"
_FORMAT = 2
_ENTRY = "entry.json"
_SETTLE_NS = 2_000_000_000  # stats of a file changed this recently are not trusted
_CODE = ("load", "schema.py", "errors.py", "cells.py", "bundled.py", "window.py")


# --------------------------------------------------------------------------- where


def cache_folder() -> Path | None:
    """The folder that holds stored workspaces, or None when the cache is off.

    ``$KAMLIB_CACHE_DIR/workspaces`` when the variable is set (``off``, ``0`` or ``no``: no
    cache), else ``workspaces`` in the user's cache folder.

    >>> import os
    >>> os.environ[CACHE_ENV] = "off"
    >>> cache_folder() is None
    True
    >>> del os.environ[CACHE_ENV]
    """
    name = os.environ.get(CACHE_ENV, "").strip()
    if name.lower() in ("off", "0", "no", "false"):
        return None
    if not name:
        import platformdirs

        name = platformdirs.user_cache_dir("kamlib", appauthor=False)
    return Path(name).expanduser() / "workspaces"


def _private(folder: Path, *, create: bool = True) -> bool:
    """Create `folder` (0700) when missing; True when it is this user's and only theirs."""
    try:
        if create:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        st = folder.lstat()
    except OSError as exc:
        log.info("workspace cache not used: %s", exc)
        return False
    if folder.is_symlink() or st.st_uid != os.getuid() or st.st_mode & 0o022:
        log.warning("workspace cache not used: %s is not a private folder of this user", folder)
        return False
    return True


# --------------------------------------------------------------------------- the key


def _input_files(config: Config) -> list[Path]:
    root = Path(config.root).resolve()
    files = {Path(f).resolve() for t in config.tables.values() for f in t.files}
    toml = root / "kam.toml"
    if toml.is_file():
        files.add(toml.resolve())
    return sorted(files, key=lambda p: _relative(p, root))


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:  # a file configured outside the folder
        return path.as_posix()


def _sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def input_fingerprint(config: Config) -> str:
    """SHA-256 over the workspace's input files and ``kam.toml`` (names and contents).

    Parameters
    ----------
    config : kamlib.Config
        The workspace configuration (:func:`kamlib.read_config`).

    Returns
    -------
    str
        ``"sha256:<hex>"``; it changes when any input file or the configuration changes.

    Examples
    --------
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "transactions.csv").write_text("account_id,date,revenue\\n")
    >>> input_fingerprint(read_config(d)).startswith("sha256:")
    True
    """
    root = Path(config.root).resolve()
    digest = hashlib.sha256()
    for path in _input_files(config):
        digest.update(_relative(path, root).encode("utf-8") + b"\x00")
        digest.update(_sha256(path).encode("ascii") + b"\n")
    return "sha256:" + digest.hexdigest()


def _stats(config: Config) -> list[list]:
    root = Path(config.root).resolve()
    out = []
    for path in _input_files(config):
        st = path.stat()
        out.append([_relative(path, root), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino])
    return out


def _code_digest() -> str:
    """The kamlib version and a digest of the loading code (an edited checkout reloads)."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for name in _CODE:
        path = package / name
        for f in sorted(path.glob("*.py")) if path.is_dir() else [path]:
            digest.update(f.name.encode() + b"\x00" + f.read_bytes())
    try:
        version = importlib.metadata.version("kamlib")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    import pyarrow

    return f"kamlib {version} {digest.hexdigest()[:16]} pandas {pd.__version__} pyarrow {pyarrow.__version__}"


def store_key(config: Config, mode: str) -> dict:
    """What a stored workspace depends on besides the inputs' contents.

    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "transactions.csv").write_text("account_id,date,revenue\\n")
    >>> sorted(store_key(read_config(d), "strict"))
    ['code', 'format', 'horizon', 'mode', 'root']
    """
    horizon = None if config.as_of else pd.Timestamp.today().normalize().date().isoformat()
    return {
        "format": _FORMAT,
        "root": str(Path(config.root).resolve()),
        "mode": mode,
        "horizon": horizon,
        "code": _code_digest(),
    }


def _slot(key: dict) -> str:
    """The entry's folder name: one per workspace folder and mode."""
    return hashlib.sha256(f"{key['root']}\x00{key['mode']}".encode()).hexdigest()[:24]


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Entry:
    folder: Path
    meta: dict


def _find(config: Config, key: dict) -> _Entry | None:
    """The stored entry for `config` when it matches the key and the inputs, else None."""
    base = cache_folder()
    if base is None or not base.is_dir() or not _private(base, create=False):
        return None
    folder = base / _slot(key)
    try:
        meta = json.loads((folder / _ENTRY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("key") != key:
        return None
    try:
        if meta.get("trusted") and _stats(config) == meta.get("stats"):
            return _Entry(folder, meta)
        if input_fingerprint(config) == meta.get("fingerprint"):
            return _Entry(folder, meta)
    except OSError:
        return None
    return None


def _frame(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path, engine="pyarrow")


_SPECIAL = ("path", "config", "sources", "staging", "as_of", "derived")


def _restore(entry: _Entry, config: Config) -> Workspace:
    folder, meta = entry.folder, entry.meta
    fields: dict[str, object] = {}
    for name in meta["frames"]:  # ledger, problems, set_aside ...
        fields[name] = _frame(folder / f"frame.{name}.parquet")
    for name, keys in meta["frame_dicts"].items():  # tables, quarantine
        fields[name] = {k: _frame(folder / f"{name}.{k}.parquet") for k in keys}
    sources: dict[str, Path] = {}
    staging = None
    if meta["sources"]:  # a large export: its clean file stays on disk, read on first use
        staging = tempfile.TemporaryDirectory(prefix="kamlib-")
        for name in meta["sources"]:
            src, dst = folder / f"source.{name}.parquet", Path(staging.name) / f"{name}.parquet"
            try:
                os.link(src, dst)  # the entry may be replaced later; the link keeps this copy
            except OSError:
                shutil.copyfile(src, dst)
            sources[name] = dst
    return Workspace(
        path=Path(config.root),
        config=config,
        as_of=pd.Timestamp(meta["as_of"]).as_unit(meta["as_of_unit"]),
        derived=tuple(meta["derived"]),
        sources=sources,
        staging=staging,
        **fields,
    )


# --------------------------------------------------------------------------- writing


def _write_frame(frame: pd.DataFrame, path: Path) -> None:
    frame.to_parquet(path, engine="pyarrow")
    os.chmod(path, 0o600)


def _store(ws: Workspace, config: Config, key: dict, fingerprint: str, stats: list) -> None:
    base = cache_folder()
    if base is None or not _private(base):
        return
    final = base / _slot(key)
    tmp = base / f".{_slot(key)}.{secrets.token_hex(4)}.tmp"
    tmp.mkdir(mode=0o700)
    try:
        frames, frame_dicts = [], {}
        for f in dataclasses.fields(ws):
            value = getattr(ws, f.name)
            if f.name in _SPECIAL:
                continue
            if isinstance(value, pd.DataFrame):
                _write_frame(value, tmp / f"frame.{f.name}.parquet")
                frames.append(f.name)
            elif isinstance(value, dict) and all(
                isinstance(v, pd.DataFrame) for v in value.values()
            ):
                for k, frame in value.items():
                    _write_frame(frame, tmp / f"{f.name}.{k}.parquet")
                frame_dicts[f.name] = list(value)
            else:  # a kind of field this cache does not know: do not store a partial copy
                log.info("workspace cache: %s not stored (field %s)", config.root, f.name)
                return
        for name, src in ws.sources.items():
            shutil.copyfile(src, tmp / f"source.{name}.parquet")
            os.chmod(tmp / f"source.{name}.parquet", 0o600)
        now = time.time_ns()
        meta = {
            "key": key,
            "fingerprint": fingerprint,
            "stats": stats,
            # a file changed moments ago may still be written to: hash it next time
            "trusted": all(now - s[3] > _SETTLE_NS for s in stats),
            "frames": frames,
            "frame_dicts": frame_dicts,
            "sources": list(ws.sources),
            "derived": list(ws.derived),
            "as_of": ws.as_of.isoformat(),
            "as_of_unit": ws.as_of.unit,
        }
        (tmp / _ENTRY).write_text(json.dumps(meta), encoding="utf-8")
        os.chmod(tmp / _ENTRY, 0o600)
        old = base / f".{_slot(key)}.{secrets.token_hex(4)}.old"
        try:
            final.rename(old)
        except FileNotFoundError:
            old = None
        tmp.rename(final)  # readers see the old entry, no entry, or the new one: never a part
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        log.info("workspace cache: could not store %s: %s", config.root, exc)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------- the entry point


def _log_findings(problems: pd.DataFrame) -> None:
    """The log lines a load writes about its warnings and quarantines, for a stored copy."""
    counts = Counter(
        (c, s) for c, s in zip(problems["code"], problems["severity"], strict=True) if s != "error"
    )
    for (code, sev), n in counts.items():
        if sev == "quarantine":
            log.warning("%s: %d %s line(s)", code, n, sev)
        else:
            log.info("%s: %d warning(s)", code, n)


def load_cached(path: str | Path, *, mode: str | None = None) -> Workspace:
    """:func:`kamlib.load_workspace`, from the workspace cache when the inputs did not change.

    The first call loads the workspace and stores it; later calls on the same unchanged inputs
    (same files, ``kam.toml``, mode and kamlib) read the stored copy: the same tables,
    quarantines, ledger and problems, in a fraction of a second. A load that fails (strict
    mode and an error) stores nothing and raises as :func:`kamlib.load_workspace` does.

    Parameters
    ----------
    path : str or Path
        The workspace folder.
    mode : {"strict", "lenient"}, optional
        Overrides ``[workspace] mode``.

    Returns
    -------
    kamlib.Workspace

    Examples
    --------
    >>> d = Path(tempfile.mkdtemp())
    >>> os.environ[CACHE_ENV] = str(d / "cache")
    >>> _ = (d / "transactions.csv").write_text("account_id,date,revenue\\nA,2024-01-05,10\\n")
    >>> first = load_cached(d)
    >>> again = load_cached(d)  # from the cache
    >>> again.transactions.equals(first.transactions), again.ledger.equals(first.ledger)
    (True, True)
    >>> del os.environ[CACHE_ENV]
    """
    config = read_config(path)
    mode = mode or config.mode
    if cache_folder() is None or mode not in ("strict", "lenient"):
        return load_workspace(path, mode=mode)
    key = store_key(config, mode)
    entry = _find(config, key)
    if entry is not None:
        try:
            ws = _restore(entry, config)
        except (OSError, ValueError, KeyError) as exc:  # a damaged entry: load instead
            log.info("workspace cache: entry not readable (%s); loading", exc)
        else:
            log.info("workspace %s from the cache (%s)", config.root, entry.folder)
            _log_findings(ws.problems)
            return ws
    stats = _stats(config)
    fingerprint = input_fingerprint(config)
    ws = load_workspace(path, mode=mode)
    if _stats(config) == stats:  # the inputs did not change while loading
        _store(ws, config, key, fingerprint, stats)
    return ws

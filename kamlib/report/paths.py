"""Safe output file names and folders for published reports.

A report's file name is built from an account id and a notebook name, both of which come from
outside (CRM exports, the command line). Whatever they hold - path separators, ``..``, reserved
Windows names, NUL, non-Latin letters, 300 characters - the name below is a single, portable,
short path component, distinct for distinct inputs (also under case folding), and it can never
leave the output folder.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import unicodedata
from pathlib import Path

from kamlib.errors import ArgumentError

__all__ = ["safe_filename", "contained_path", "output_subfolder", "MAX_NAME_BYTES"]

MAX_NAME_BYTES = 255
_SLUG_CHARS = 48
_HASH_CHARS = 12
_NON_SLUG = re.compile(r"[^a-z0-9]+")
# Reserved device names on Windows: the stem before the first dot must not be one of them.
_RESERVED = frozenset(
    ["con", "prn", "aux", "nul", "conin$", "conout$", "clock$"]
    + [f"com{i}" for i in range(10)]
    + [f"lpt{i}" for i in range(10)]
)


# Cyrillic letters to Latin for readable slugs (the hash keeps names distinct regardless).
_TRANSLIT = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
        "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g",
    }
)  # fmt: skip


def _slug(text: str, fallback: str) -> str:
    latin = unicodedata.normalize("NFC", text).casefold().translate(_TRANSLIT)
    ascii_text = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", ascii_text).strip("-")[:_SLUG_CHARS].strip("-")
    if not slug or slug in _RESERVED:
        slug = f"{fallback}-{slug}" if slug else fallback
    return slug


def safe_filename(
    account_id: str | None,
    notebook: str,
    *,
    suffix: str = ".html",
    key: bytes | None = None,
) -> str:
    """A safe, unique file name for the report of `notebook` for `account_id`.

    The name is ``<account slug>--<notebook slug>-<hash>`` plus `suffix`: the slugs are
    lower-case ASCII letters, digits and hyphens (Cyrillic transliterated, at most 48
    characters each), and the hash is the first 12 hex digits of the SHA-256 of the exact
    account id and notebook name. So ``ACME`` and ``acme`` (or ``ООО Ромашка`` and
    ``ООО Ромашка-2``) get distinct names, also on a case-insensitive file system, and no name
    is longer than 255 bytes, has a path separator, a leading dot, a reserved stem (``CON``,
    ``NUL`` ...) or a trailing dot or space.

    Parameters
    ----------
    account_id : str or None
        The account; None for a portfolio-level report (the slug is then ``portfolio``).
    notebook : str
        Notebook name, e.g. ``meeting_brief``.
    suffix : str, default ".html"
        File extension, including the dot.
    key : bytes, optional
        Pseudonymous names: with a key, the account id does not appear in the name at all; the
        name is ``acct--<notebook slug>-<HMAC-SHA256(key, account id) in 16 hex digits>``.

    Returns
    -------
    str
        One path component.

    Raises
    ------
    ArgumentError
        When `suffix` is not a short ``.alnum`` extension or `notebook` is empty.

    Examples
    --------
    >>> safe_filename("ACME", "brief")
    'acme--brief-24e7feb246c3.html'
    >>> safe_filename("ООО Ромашка", "brief")
    'ooo-romashka--brief-a7ab465b92fa.html'
    >>> safe_filename("acme", "brief") != safe_filename("ACME", "brief")
    True
    >>> safe_filename("../../etc/passwd", "brief")
    'etc-passwd--brief-597c75428764.html'
    >>> safe_filename(None, "portfolio")
    'portfolio--portfolio-c411b795ddba.html'
    """
    if not re.fullmatch(r"\.[A-Za-z0-9]{1,10}", suffix):
        raise ArgumentError(f"`suffix` must look like '.html', got {suffix!r}")
    if not isinstance(notebook, str) or not notebook:
        raise ArgumentError("`notebook` must be a non-empty string")
    if account_id is not None and not isinstance(account_id, str):
        raise ArgumentError(
            f"`account_id` must be a string or None, got {type(account_id).__name__}"
        )
    nb_slug = _slug(notebook, "notebook")
    if account_id is None:
        acct_slug = "portfolio"
        digest = hashlib.sha256(b"\x00portfolio\x00" + notebook.encode("utf-8", "surrogatepass"))
        tag = digest.hexdigest()[:_HASH_CHARS]
    elif key is not None:
        acct_slug = "acct"
        message = (
            account_id.encode("utf-8", "surrogatepass")
            + b"\x00"
            + notebook.encode("utf-8", "surrogatepass")
        )
        tag = hmac.new(key, message, hashlib.sha256).hexdigest()[:16]
    else:
        acct_slug = _slug(account_id, "account")
        digest = hashlib.sha256(
            b"\x01"
            + account_id.encode("utf-8", "surrogatepass")
            + b"\x00"
            + notebook.encode("utf-8", "surrogatepass")
        )
        tag = digest.hexdigest()[:_HASH_CHARS]
    name = f"{acct_slug}--{nb_slug}-{tag}{suffix.lower()}"
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES  # 48 + 2 + 48 + 1 + 16 + 11 at most
    return name


def contained_path(folder: str | Path, name: str) -> Path:
    """``folder / name``, after checking that it resolves to a direct child of `folder`.

    Parameters
    ----------
    folder : str or Path
        The output folder (it may not exist yet).
    name : str
        A single path component, e.g. from `safe_filename`.

    Returns
    -------
    Path
        The joined path (not resolved).

    Raises
    ------
    ArgumentError
        When `name` is empty, ``.`` or ``..``, holds a separator or NUL, or the joined path
        resolves outside `folder` (for instance through a symlink).

    Examples
    --------
    >>> contained_path("/tmp/out", "acme--brief-0123.html").name
    'acme--brief-0123.html'
    >>> contained_path("/tmp/out", "../x.html")
    Traceback (most recent call last):
    ...
    kamlib.errors.ArgumentError: `name` '../x.html' is not a plain file name inside /tmp/out
    """
    folder = Path(folder)
    bad = (
        not name
        or name in (".", "..")
        or "/" in name
        or "\\" in name
        or "\x00" in name
        or (os.altsep is not None and os.altsep in name)
    )
    if bad:
        raise ArgumentError(f"`name` {name!r} is not a plain file name inside {folder}")
    path = folder / name
    base = folder.resolve()
    if path.resolve().parent != base:
        raise ArgumentError(f"`name` {name!r} resolves outside {folder}")
    return path


def output_subfolder(out: str | Path, name: str, *, mode: int = 0o750) -> Path:
    """Create (or reuse) the subfolder `name` of the output folder `out`, refusing symlinks.

    A subfolder that is a symbolic link, or that resolves anywhere but directly inside `out`,
    is refused: a link from ``published/`` to another place would let a run write outside the
    output folder.

    Parameters
    ----------
    out : str or Path
        The output folder; it must exist.
    name : str
        Plain folder name, e.g. ``published``.
    mode : int, default 0o750
        Permissions for a new folder (not world-readable).

    Returns
    -------
    Path
        ``out / name``.

    Raises
    ------
    ArgumentError
        When the subfolder is a symlink, resolves outside `out` or is not a folder.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> output_subfolder(out, "published").name
    'published'
    """
    out = Path(out)
    path = out / name
    if path.is_symlink():
        raise ArgumentError(
            f"`out`: {path} is a symbolic link (to {os.readlink(path)}); refusing to write through "
            "it - make it a real folder"
        )
    path = contained_path(out, name)
    if path.exists() and not path.is_dir():
        raise ArgumentError(f"`out`: {path} exists and is not a folder")
    path.mkdir(mode=mode, exist_ok=True)
    if path.resolve().parent != out.resolve():
        raise ArgumentError(f"`out`: {path} resolves outside {out}")
    return path

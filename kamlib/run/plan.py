"""The run plan: which notebooks, which reports (jobs), their keys, and which of them must run.

Everything that can be wrong with a run is found here, before a single kernel starts: unknown
notebooks or accounts, a missing kernel, bad parameters. A report's key covers its inputs - the
workspace fingerprint, the notebook file, the parameters, the kernel, kamlib's version and
report template (:func:`engine_fingerprint`) - and a report whose key matches the previous
manifest and whose published file is unchanged is skipped (:func:`decide`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kamlib.bundled import notebooks_folder
from kamlib.errors import ArgumentError, InputError, Problem, SetupError
from kamlib.language import LOCALE_DIR
from kamlib.report.elements import CSP, TEMPLATES
from kamlib.report.paths import safe_filename
from kamlib.run.files import sha256_file
from kamlib.run.parameters import validate_parameters

__all__ = [
    "Job",
    "notebook_catalogue",
    "check_kernel",
    "resolve_workspace",
    "check_accounts",
    "engine_fingerprint",
    "plan_jobs",
    "decide",
]


@dataclass(frozen=True)
class Job:
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
        """The published file name without its suffix (names the staging and failed files)."""
        return self.name.rsplit(".", 1)[0]


# --------------------------------------------------------------------------- fingerprints


def engine_fingerprint(
    kernel_name: str, formats: tuple[str, ...] = ("html",), lang: str = "en"
) -> str:
    """kamlib's version, its report template, the formats and the language: a change re-renders.

    For a language other than English its message catalogues are part of it too, so a French
    render after an English one re-renders every report, and so does a changed translation.

    Parameters
    ----------
    kernel_name : str
        The Jupyter kernel of the run.
    formats : tuple of str, default ("html",)
        The run's output formats.
    lang : str, default "en"
        The reports' language (:data:`kamlib.language.LANGUAGES`).

    Returns
    -------
    str
        A SHA-256 hex digest.

    Examples
    --------
    >>> len(engine_fingerprint("python3"))
    64
    >>> engine_fingerprint("python3") == engine_fingerprint("python3", ("html", "pdf"))
    False
    >>> engine_fingerprint("python3") == engine_fingerprint("python3", lang="fr")
    False
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        kamlib_version = version("kamlib")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        kamlib_version = "unknown"
    text = f"{kamlib_version}\x00{kernel_name}\x00{CSP}\x00{','.join(formats)}"
    digest = hashlib.sha256(text.encode())
    template_dir = TEMPLATES
    for path in sorted(template_dir.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(template_dir).as_posix().encode() + b"\x00")
            digest.update(path.read_bytes())
    if lang != "en":  # English is the source: its words are in the code and the notebooks
        digest.update(f"\x00lang={lang}\x00".encode())
        for path in sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")):
            digest.update(path.name.encode() + b"\x00")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _job_key(fingerprint: str, engine: str, notebook_sha256: str, parameters: dict) -> str:
    stable = {k: v for k, v in parameters.items() if k != "run_id"}
    text = json.dumps([fingerprint, engine, notebook_sha256, stable], sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- notebooks, accounts


def _default_notebooks() -> dict[str, Path]:
    folder = notebooks_folder()
    found = {p.stem: p for p in sorted(folder.glob("*.ipynb"))} if folder.is_dir() else {}
    if not found:
        raise ArgumentError(
            f"no notebooks to render: {folder} holds none; pass `notebooks` (name -> path)"
        )
    return found


def notebook_catalogue(notebooks, account_notebooks, portfolio_notebooks) -> list[tuple]:
    """(name, path, kind, declared parameters) for every notebook of the run.

    Parameters
    ----------
    notebooks, account_notebooks, portfolio_notebooks : mapping or None
        Name to ``.ipynb`` path, as :func:`kamlib.run.render.render` takes them; all None means
        every notebook in the bundled notebooks folder.

    Returns
    -------
    list of tuple
        ``(name, resolved path, "account" or "portfolio", declared parameters)``.

    Raises
    ------
    ArgumentError
        For a name given twice, a missing or unreadable notebook, or an account notebook
        without an ``account_id`` parameter.

    Examples
    --------
    >>> notebook_catalogue({}, None, None)
    []
    """
    import papermill as pm

    given = [
        (m, kind)
        for m, kind in (
            (notebooks, None),
            (account_notebooks, "account"),
            (portfolio_notebooks, "portfolio"),
        )
        if m is not None
    ]
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


def check_kernel(kernel_name: str) -> None:
    """Raise :class:`~kamlib.errors.SetupError` unless the Jupyter kernel `kernel_name` exists.

    Examples
    --------
    >>> check_kernel("no-such-kernel")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kamlib.errors.SetupError: `kernel_name`: no Jupyter kernel named 'no-such-kernel' ...
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel:
        raise SetupError(
            f"`kernel_name`: no Jupyter kernel named {kernel_name!r} is installed "
            "(see `jupyter kernelspec list`; `make lab` installs the kamlib kernel)"
        ) from None


def resolve_workspace(workspace):
    """(config, workspace) for a loaded Workspace, or for a folder, loaded and validated here.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "transactions.csv").write_text("account_id,date,revenue\\nA,2024-01-05,1\\n")
    >>> config, ws = resolve_workspace(d)
    >>> len(ws.transactions)
    1
    """
    if hasattr(workspace, "config") and hasattr(workspace, "tables"):
        return workspace.config, workspace
    from kamlib.load.workspace import load_workspace

    loaded = load_workspace(workspace)
    return loaded.config, loaded


def check_accounts(accounts, ws) -> list[str]:
    """The selected account ids, without duplicates, each known to the workspace.

    Raises
    ------
    ArgumentError
        When `accounts` is not a list of non-empty strings.
    InputError
        Listing the ids the workspace does not know (``unknown-account``).

    Examples
    --------
    >>> check_accounts("A", ws=None)
    Traceback (most recent call last):
    ...
    kamlib.errors.ArgumentError: `accounts` must be a list of account ids
    """
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
            raise InputError(
                [
                    Problem(
                        "accounts",
                        None,
                        "account_id",
                        "unknown-account",
                        f"{len(unknown)} selected account(s) not in the workspace: {shown}{more}",
                    )
                ]
            )
    return ids


# --------------------------------------------------------------------------- jobs, skip decision


def plan_jobs(
    catalogue,
    accounts,
    *,
    common: dict,
    extra: dict,
    fingerprint: str,
    engine: str,
    classes: Mapping[str, str],
    key: bytes | None,
) -> list[Job]:
    """One :class:`Job` per portfolio notebook, and per account notebook and account.

    Parameters
    ----------
    catalogue : list of tuple
        From :func:`notebook_catalogue`.
    accounts : list of str
        The selected account ids (:func:`check_accounts`).
    common : dict
        The standard parameters (workspace, run id, interactive), passed where declared.
    extra : dict
        The caller's validated parameters, passed to the notebooks that declare them.
    fingerprint, engine : str
        The inputs' and the engine's fingerprints, part of every job's key.
    classes : mapping
        Account id to the label shown in the index.
    key : bytes or None
        The key for pseudonymous file names (:func:`kamlib.report.paths.safe_filename`).

    Returns
    -------
    list of Job

    Examples
    --------
    >>> plan_jobs([], ["A"], common={}, extra={}, fingerprint="", engine="", classes={}, key=None)
    []
    """
    jobs: list[Job] = []
    for name, path, kind, declared in catalogue:
        unknown_extra = set(extra) - set(declared)
        nb_sha = sha256_file(path)
        targets = accounts if kind == "account" else [None]
        for account_id in targets:
            params = {k: v for k, v in common.items() if k in declared}
            if kind == "account":
                params["account_id"] = account_id
            params.update({k: v for k, v in extra.items() if k not in unknown_extra})
            params = validate_parameters(params, declared=declared)
            jobs.append(
                Job(
                    account_id=account_id,
                    notebook=name,
                    kind=kind,
                    path=path,
                    notebook_sha256=nb_sha,
                    name=safe_filename(account_id, name, key=key),
                    parameters=params,
                    key=_job_key(fingerprint, engine, nb_sha, params),
                    klass=None if account_id is None else classes.get(account_id),
                )
            )
    names = [j.name.casefold() for j in jobs]
    if len(set(names)) != len(names):  # cannot happen with distinct (account, notebook) pairs
        raise ArgumentError("two reports would share a file name")
    return jobs


def _up_to_date(job: Job, entry: dict | None, out: Path) -> bool:
    if not entry or entry.get("key") != job.key or not entry.get("path") or not entry.get("sha256"):
        return False
    if entry.get("status") not in ("published", "skipped"):
        return False
    published = out / entry["path"]
    if not published.is_file() or published.is_symlink():
        return False
    return sha256_file(published) == entry["sha256"]


def decide(jobs: list[Job], previous: dict, out: Path, *, retry_failed: bool):
    """Entries of the reports that need no run (status skipped), and the jobs to run.

    A report is up to date when its key matches the previous manifest's entry and its
    published file is still there, unchanged. With `retry_failed`, only the reports that failed
    or timed out last time run; the others keep their entries (``not_retried``).

    Parameters
    ----------
    jobs : list of Job
        The plan (:func:`plan_jobs`).
    previous : dict
        The previous manifest (:func:`kamlib.run.publish.read_manifest`), or ``{}``.
    out : Path
        The output folder.
    retry_failed : bool
        Run only what failed last time.

    Returns
    -------
    (dict, list of Job)
        Manifest entries by ``(account_id, notebook)`` of the skipped reports; the jobs to run.

    Examples
    --------
    >>> decide([], {}, Path("."), retry_failed=False)
    ({}, [])
    """
    before = {(e.get("account_id"), e.get("notebook")): e for e in previous.get("reports", [])}
    entries: dict[tuple, dict] = {}
    to_run: list[Job] = []
    for job in jobs:
        old = before.get((job.account_id, job.notebook))
        fresh = _up_to_date(job, old, out)
        retry = (old or {}).get("status") in ("failed", "timed_out")
        if not fresh and (retry or not retry_failed):
            to_run.append(job)
            continue
        entry = (
            dict(old)
            if old
            else {
                "account_id": job.account_id,
                "notebook": job.notebook,
                "kind": job.kind,
                "path": None,
                "sha256": None,
                "run_id": None,
                "key": None,
                "parameters": job.parameters,
            }
        )
        entry.update(
            {
                "status": "skipped",
                "reason": "up_to_date" if fresh else "not_retried",
                "attempts": 0,
                "class": job.klass,
            }
        )
        entries[(job.account_id, job.notebook)] = entry
    return entries, to_run

"""The report run behind ``kam render``: lock, plan, execute, publish, index and manifest.

One run renders every portfolio notebook once and every account notebook once per selected
account. The design, step by step (see docs/pipeline.md and docs/reliability.md sections E, F, H and J),
one module of :mod:`kamlib.run` per step:

1. **Lock and plan** (:mod:`kamlib.run.plan`, :mod:`kamlib.run.parameters`). ``OUT/.lock`` is
   taken with ``fcntl.flock`` (a second run exits 75; ``kam cleanup`` takes the same lock); what
   a killed run left (staging, cache, socket folder) is removed
   (:func:`kamlib.run.retention.remove_stale`), and the run folder gets kamlib's marker. Every
   report gets a safe file name (:func:`kamlib.report.paths.safe_filename`) and validated parameters
   (:func:`~kamlib.run.parameters.validate_parameters`: primitives only, names declared by the
   notebook). A report whose inputs - the workspace fingerprint, the notebook file, the
   parameters, the kernel and kamlib version - match the previous manifest, and whose
   published file is unchanged, is skipped.
2. **Execute** (:mod:`kamlib.run.pool`, :mod:`kamlib.run.execute`, :mod:`kamlib.run.kernels`;
   on a dask cluster :mod:`kamlib.run.cluster`). Reports run in ``workers`` worker processes,
   each report in its own kernel, with a cell time limit (``cell_timeout``) inside and a
   wall-clock limit per report (``timeout``) enforced from outside. The run cache
   (:mod:`kamlib.run.cache`) is written once for all kernels.
3. **Export and publish** (:mod:`kamlib.run.publish`). The worker exports HTML in-process
   (:func:`kamlib.report.elements.export_html`); the run checks the document with the security
   gate, then publishes it atomically. Nothing half-written is ever published.
4. **Report** (:mod:`kamlib.run.publish`, :mod:`kamlib.run.index`). ``OUT/manifest.json``
   (written atomically; statuses and fingerprints, no data values; a partial run keeps the
   other reports' entries as ``skipped``/``not_selected``), ``OUT/index.html`` (one row
   per account with its facts and the manager view of :mod:`kamlib.portfolio.managers`, largest
   revenue first), one static page per sort (``index-by-manager.html``, ``index-by-risk.html``, ...),
   ``OUT/managers.html``, a progress bar and one summary line.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

# The exit codes are defined in kamlib.errors (import them from there); the ones this module
# uses stay importable from here for older code, outside __all__.
from kamlib.errors import (
    EXIT_DISK_FULL,
    EXIT_FAILED,
    EXIT_INPUT,
    EXIT_LOCKED,
    EXIT_OK,
    ArgumentError,
    ConfigError,
    InputError,
    SetupError,
)
from kamlib.language import LANGUAGES, language
from kamlib.load.remote import source
from kamlib.report.paths import output_subfolder
from kamlib.run.cache import Portfolio, compute_portfolio, input_fingerprint, prepare
from kamlib.run.files import (
    DIR_MODE,
    PRIVATE_DIR_MODE,
    disk_full,
    output_lock,
    remove_leftovers,
    sha256_file,
    write_run_marker,
)
from kamlib.run.index import write_indexes
from kamlib.run.parameters import STANDARD_PARAMETERS, resolve_parameters, validate_parameters
from kamlib.run.plan import (
    Job,
    check_accounts,
    check_kernel,
    decide,
    engine_fingerprint,
    notebook_catalogue,
    plan_jobs,
    resolve_workspace,
)
from kamlib.run.pool import run_pool
from kamlib.run.publish import MANIFEST_VERSION, publish, read_manifest, write_manifest
from kamlib.run.retention import remove_stale

__all__ = ["render", "RunResult", "STATUSES"]

log = logging.getLogger("kamlib")

#: Report statuses in the manifest, in summary order.
STATUSES = ("published", "failed", "timed_out", "skipped")


@dataclass(frozen=True)
class RunResult:
    """What a run did: the manifest, counts per status, the exit code and the summary line.

    ``exit_code`` is 0 when every report was published or skipped, 3 when some failed or timed
    out, 64 for a bad argument (a read-only `out` included), 65 for bad input, 75 when another
    run holds the lock, 78 for bad configuration (then ``error`` says what, and nothing was
    executed); 74 when the disk filled up (the run stopped at the first report that met it, the
    reports published before stay, the manifest and the index are written if they fit) or the
    manifest or an index page could not be written (``error`` says which).
    """

    manifest: dict
    counts: dict[str, int]
    exit_code: int
    out: Path
    summary: str
    error: str | None = None

    @property
    def index(self) -> Path:
        """``OUT/index.html``."""
        return self.out / "index.html"


def _summary(counts: dict[str, int], out: Path) -> str:
    return (
        f"kam render: {counts['published']} published, {counts['failed']} failed, "
        f"{counts['timed_out']} timed out, {counts['skipped']} skipped -> {out / 'index.html'}"
    )


def _refused(out: Path, code: int, error: str, progress: bool) -> RunResult:
    if progress:
        print(f"kam render: {error}", file=sys.stderr)
    counts = dict.fromkeys(STATUSES, 0)
    return RunResult(
        manifest={},
        counts=counts,
        exit_code=code,
        out=out,
        summary=f"kam render: {error}",
        error=error,
    )


class _DiskFull(Exception):
    """Raised from the publisher when a report hit a full disk: the run stops there."""


def _check_writable(out: Path) -> None:
    """Refuse an output folder the run cannot write (read-only mount, no permission)."""
    try:
        fd = os.open(out / ".lock", os.O_RDWR | os.O_CREAT, 0o640)
        os.close(fd)
        probe = out / f".kam-write-check-{secrets.token_hex(4)}.tmp"
        probe.mkdir(mode=PRIVATE_DIR_MODE)
        probe.rmdir()
    except OSError as exc:
        if disk_full(exc):
            raise
        raise ArgumentError(
            f"`out`: cannot write in {out} ({exc.strerror}); give a writable --out folder"
        ) from None


def render(
    workspace,
    out: str | Path,
    *,
    accounts: Iterable[str] = (),
    notebooks: Mapping[str, str | Path] | None = None,
    account_notebooks: Mapping[str, str | Path] | None = None,
    portfolio_notebooks: Mapping[str, str | Path] | None = None,
    parameters: Mapping[str, object] | None = None,
    classes: Mapping[str, str] | str | None = None,
    workers: int | None = None,
    formats: Iterable[str] = ("html",),
    purpose: str | None = None,
    retry_failed: bool = False,
    timeout: float = 600,
    cell_timeout: float = 300,
    start_timeout: float = 60,
    kernel_name: str = "python3",
    filename_key: bytes | None = None,
    progress: bool = True,
    kernels: str = "forked",
    run_cache: bool = True,
    scheduler=None,
    lang: str = "en",
) -> RunResult:
    """Render the report notebooks for a workspace into `out` and publish them as safe HTML.

    Portfolio notebooks run once; account notebooks run once per account in `accounts`. Each
    report is executed by papermill in a fresh kernel, exported to self-contained HTML (no code,
    no parameters, no external resources, a CSP), checked by the security gate and published
    atomically as ``out/published/<safe name>.html``. One failing report never stops the run.

    Parameters
    ----------
    workspace : Workspace or str or Path
        A loaded workspace, or its folder or fsspec URL (loaded and validated first: bad input
        gives exit 65 before anything runs). A workspace loaded from a URL
        (``"s3://bucket/exports"``, :mod:`kamlib.load.remote`) reaches the notebooks as that
        URL, so that dask workers on other machines read it from the storage themselves.
    out : str or Path
        Output folder: ``index.html`` and the other sorted index pages, ``managers.html``,
        ``manifest.json``, ``published/``, ``runs/<run_id>/failed/``. Created when missing; one
        the run cannot write is refused (exit 64). Reports of other accounts or notebooks
        already there stay in the manifest and the index (a partial run); reports with and
        without personal details never share a folder (exit 64).
    accounts : iterable of str
        Account ids for the account notebooks (the caller chooses: all, key clients, a list).
    notebooks : mapping, optional
        Notebook name to ``.ipynb`` path; a notebook that declares an ``account_id`` parameter
        is an account notebook, any other a portfolio notebook. Default (when this and the two
        below are None): every notebook in the project's ``notebooks/`` folder.
    account_notebooks, portfolio_notebooks : mapping, optional
        Name to path, when the kind should be explicit.
    parameters : mapping, optional
        Extra parameters (primitives) for the notebooks that declare them, e.g. ``{"year":
        2024}``; a name that no notebook declares is refused. They win over the workspace's
        defaults, the ``[parameters]`` table of its ``kam.toml`` (typed and checked by
        :func:`kamlib.run.parameters.resolve_parameters`; a bad one gives exit 78).
    classes : mapping or "abc_xyz", optional
        Account id to a label shown (and sortable) in the index; ``"abc_xyz"``: the ABC-XYZ
        cell of each selected account, taken from the run's portfolio results
        (:func:`kamlib.run.cache.compute_portfolio`, computed once per run and also stored in
        the run cache).
    workers : int, optional
        Worker processes (default: the number of CPUs, at most the number of reports).
    formats : iterable of str, default ("html",)
        ``("html",)`` or ``("html", "pdf")``: each published HTML report is also printed to PDF
        by headless Chromium (:func:`kamlib.report.pdf.print_pdf`), next to it with the suffix ``.pdf``.
        A report whose PDF fails stays published as HTML; the manifest records ``pdf_error``.
    purpose : str, optional
        Why personal details are included: required (one line, at most 200 characters) when
        ``parameters`` sets ``include_personal_details=True``; recorded in the manifest under
        ``personal_details`` and never passed to the notebooks.
    retry_failed : bool, default False
        Run only the reports that failed or timed out in the previous run of `out`; the others
        keep their entries (status ``skipped``), and the manifest is merged.
    timeout : float, default 600
        Wall-clock limit per report in seconds, enforced from outside the kernel.
    cell_timeout : float, default 300
        Limit per cell in seconds (nbclient's execution timeout).
    start_timeout : float, default 60
        Limit for a kernel to start.
    kernel_name : str, default "python3"
        The Jupyter kernel, pinned for every report (a missing one gives exit 78).
    filename_key : bytes, optional
        Pseudonymous file names: account ids are replaced by an HMAC under this key in the
        names of published files (see :func:`kamlib.report.paths.safe_filename`).
    progress : bool, default True
        Show a progress bar (on a terminal) and print the summary line.
    kernels : {"forked", "fresh"}, default "forked"
        How each report gets its own kernel process: forked from a per-worker zygote that has
        imported pandas, seaborn and kamlib already (fast), or started anew (plain papermill).
        The reports are the same either way; a kernelspec that is not ipykernel on this
        Python is always started anew.
    run_cache : bool, default True
        Store the loaded workspace and the portfolio results once per run for
        :func:`kamlib.run.cache.workspace` and :func:`kamlib.run.cache.portfolio` in the notebooks.
    scheduler : str or distributed.Client, optional
        Run the reports on a dask.distributed cluster (``"tcp://HOST:8786"``) instead of local
        worker processes; publishing, the manifest and the index stay here. See
        :mod:`kamlib.run.cluster`.
    lang : {"en", "fr", "ru", "af"}, default "en"
        The reports' language (:data:`kamlib.language.LANGUAGES`): passed to every notebook
        that declares a ``lang`` parameter, the notebooks' markdown translated before they run
        (:func:`kamlib.language.translate_markdown`), and the index pages, the HTML ``lang``
        attribute and the PDF page footer in it. A report rendered in another language before
        is rendered again. Messages to the operator (errors, the summary line, the log) stay
        English.

    Returns
    -------
    RunResult
        The manifest, counts per status, the exit code (0, 3, 64, 65, 74, 75 or 78) and the
        summary.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "transactions.csv").write_text("account_id,date,revenue\\nA,2024-01-05,10\\n")
    >>> result = render(d, d / "out", accounts=[], notebooks={}, progress=False)
    >>> result.exit_code, result.summary.split(" -> ")[0]
    (0, 'kam render: 0 published, 0 failed, 0 timed out, 0 skipped')
    """
    out = Path(
        out
    ).absolute()  # kernels run in the notebook's folder: paths given to them are absolute
    try:
        formats = tuple(dict.fromkeys(formats))
        if formats not in (("html",), ("html", "pdf")):
            raise ArgumentError(f"`formats` must be ('html',) or ('html', 'pdf'), got {formats!r}")
        if "pdf" in formats:
            from kamlib.report.pdf import find_chromium

            find_chromium()  # a missing Chromium is a configuration error, found before any kernel starts
        if isinstance(classes, str) and classes != "abc_xyz":
            raise ArgumentError(f"`classes` must be a mapping or 'abc_xyz', got {classes!r}")
        if lang not in LANGUAGES:
            raise ArgumentError(
                f"`lang`: {lang!r} is not a report language; choose one of {', '.join(LANGUAGES)}"
            )
        if kernels not in ("forked", "fresh"):
            raise ArgumentError(f"`kernels` must be 'forked' or 'fresh', got {kernels!r}")
        if workers is not None and (not isinstance(workers, int) or workers < 1):
            raise ArgumentError(f"`workers` must be a whole number >= 1, got {workers!r}")
        for label, value in (
            ("timeout", timeout),
            ("cell_timeout", cell_timeout),
            ("start_timeout", start_timeout),
        ):
            if not (isinstance(value, int | float) and value > 0 and math.isfinite(value)):
                raise ArgumentError(
                    f"`{label}` must be a positive number of seconds, got {value!r}"
                )
        if out.exists() and (out.is_symlink() or not out.is_dir()):
            raise ArgumentError(f"`out`: {out} must be a real folder (not a file or a symlink)")
        try:
            out.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        except OSError as exc:
            if disk_full(exc):
                raise
            raise ArgumentError(
                f"`out`: cannot create {out} ({exc.strerror}); give a writable --out folder"
            ) from None
        _check_writable(out)
    except (ArgumentError, ConfigError, SetupError) as exc:
        return _refused(out, exc.exit_code, str(exc), progress)
    except OSError as exc:  # disk full before anything ran
        return _refused(out, EXIT_DISK_FULL, _disk_full_message(out, exc), progress)

    with output_lock(out) as acquired:
        if not acquired:
            return _refused(
                out, EXIT_LOCKED, f"{out} is locked by another run (try again later)", progress
            )
        try:
            with language(lang):  # the index pages, the PDF footer, the portfolio results
                return _render_locked(
                    workspace,
                    out,
                    accounts=accounts,
                    notebooks=notebooks,
                    account_notebooks=account_notebooks,
                    portfolio_notebooks=portfolio_notebooks,
                    parameters=parameters or {},
                    classes=classes or {},
                    workers=workers,
                    retry_failed=retry_failed,
                    timeout=float(timeout),
                    cell_timeout=cell_timeout,
                    start_timeout=start_timeout,
                    kernel_name=kernel_name,
                    filename_key=filename_key,
                    progress=progress,
                    kernels=kernels,
                    run_cache=run_cache,
                    scheduler=scheduler,
                    formats=formats,
                    purpose=purpose,
                    lang=lang,
                )
        except InputError as exc:
            return _refused(out, EXIT_INPUT, str(exc), progress)
        except (ArgumentError, ConfigError, SetupError) as exc:
            return _refused(out, exc.exit_code, str(exc), progress)
        except OSError as exc:
            if not disk_full(exc):
                raise
            return _refused(out, EXIT_DISK_FULL, _disk_full_message(out, exc), progress)


def _disk_full_message(out: Path, exc: OSError) -> str:
    return (
        f"the disk holding {out} is full ({exc.strerror}): the run stopped; the reports "
        "published before stay as they were. Free some space and run again."
    )


def _reads_cache(path: Path) -> bool:
    """True when the notebook calls :mod:`kamlib.run.cache` (only then is the cache worth writing)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    return any(
        "cache.workspace" in c.source or "cache.portfolio" in c.source
        for c in nb.cells
        if c.cell_type == "code"
    )


def _prepare_cache(
    ws, folder: Path, fingerprint: str, results: Portfolio | None = None, accounts=()
) -> str | None:
    """Write the run cache (with the slices of `accounts`); a failure only costs time (the
    notebooks compute it themselves)."""
    try:
        return str(
            prepare(ws, folder, fingerprint=fingerprint, portfolio=results, accounts=accounts)
        )
    except Exception as exc:  # noqa: BLE001 - e.g. a workspace too small for some analysis
        log.warning(
            "no run cache (%s: %s); every notebook loads the workspace itself",
            type(exc).__name__,
            exc,
        )
        shutil.rmtree(folder, ignore_errors=True)
        return None


def _portfolio_results(ws) -> Portfolio | None:
    """The run's portfolio results (ABC-XYZ and the rest): once, for the index and the cache."""
    try:
        return compute_portfolio(ws)
    except Exception as exc:  # noqa: BLE001 - e.g. a workspace too small for some analysis
        log.warning(
            "no portfolio results (%s: %s): no run cache; every notebook loads the "
            "workspace itself",
            type(exc).__name__,
            exc,
        )
        return None


def _abc_xyz_classes(ws, ids: list[str], results: Portfolio | None) -> dict[str, str]:
    """Account id to its ABC-XYZ cell ("" when it has none), for the index pages."""
    if results is not None:
        cells = results.cells
    else:  # the other portfolio results failed: ABC-XYZ alone
        from kamlib.portfolio.abcxyz import abc_xyz

        cells = abc_xyz(ws.transactions, as_of=ws.as_of).set_index("account_id")["cell"]
    return {a: str(cells.get(a, "")) for a in ids}


def _clean(value):
    """A JSON-safe primitive: NaN and NA become None, numpy scalars plain Python."""
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    return value


def _attention(ws, overview) -> list[dict]:
    """What needs attention on the index: key accounts with a notice deadline before the meeting.

    One dict per contract (account_id, name, contract, notice_deadline, next_meeting) from
    :func:`kamlib.account.risks.notices_before_meetings` over every key account of the
    portfolio, reported or not; [] without a contracts table or when it fails.
    """
    try:
        from kamlib.account.risks import notices_before_meetings

        key = overview.index[overview["key"].fillna(False).astype(bool)]
        due = notices_before_meetings(
            key,
            contracts=ws.contracts if ws.has("contracts") else None,
            meetings=ws.meetings if ws.has("meetings") else None,
            as_of=ws.as_of,
        )
        return [
            {
                "account_id": str(r.account_id),
                "name": _clean(overview.at[r.account_id, "name"]),
                "contract": _clean(r.title) or str(r.contract_id),
                "notice_deadline": f"{r.notice_deadline:%Y-%m-%d}",
                "next_meeting": f"{r.next_meeting:%Y-%m-%d}",
            }
            for r in due.itertuples()
        ]
    except Exception as exc:  # noqa: BLE001 - the index still lists the accounts
        log.warning("no notice deadlines for the index (%s: %s)", type(exc).__name__, exc)
        return []


def _account_facts(ws, ids: list[str], results: Portfolio | None) -> dict:
    """The index's account facts and the manager view, for the manifest ({} when they fail).

    ``accounts``: id -> name, manager, region, revenue, revenue_before, trend, key,
    key_reasons, status, annual_value, class (the ABC-XYZ cell) for the accounts with a
    report; ``managers``: the manager table as the reader sees it (columns, rows, sentence);
    ``attention``: the key accounts whose contract notice deadline falls before the next
    annual meeting (:func:`_attention`); ``as_of`` and ``currency``.
    """
    try:
        from kamlib.portfolio.managers import account_overview, manager_view, plan_attainment
        from kamlib.words.managers import manager_sentence, manager_table

        tx = ws.transactions
        overview = account_overview(
            tx,
            ws.accounts,
            cost_to_serve=ws.cost_to_serve if ws.has("cost_to_serve") else None,
            products=ws.products if ws.has("products") else None,
            actions=ws.actions if ws.has("actions") else None,
            as_of=ws.as_of,
            status=results.client_status if results is not None else None,
        )
        currency = getattr(getattr(ws, "config", None), "currency", None)  # workspace setting
        if currency is None and "currency" in tx.columns:
            found = tx["currency"].dropna().unique()
            currency = str(found[0]) if len(found) == 1 else None
        attainment = plan_attainment(ws.targets if ws.has("targets") else None, tx, as_of=ws.as_of)
        view = manager_view(
            overview,
            attainment=attainment,
            cost_known=ws.has("cost_to_serve") and len(ws.cost_to_serve) > 0,
        )
        table = manager_table(view, currency=currency)
        cells = results.cells if results is not None else None
        fields = [
            "name",
            "manager",
            "region",
            "revenue",
            "revenue_before",
            "trend",
            "key",
            "key_reasons",
            "status",
            "annual_value",
            "contribution",
        ]
        accounts = {}
        for a in ids:
            if a not in overview.index:
                continue
            row = {f: _clean(overview.at[a, f]) for f in fields}
            if cells is not None and a in cells.index and _clean(cells.get(a)) is not None:
                row["class"] = str(cells[a])
            accounts[a] = row
        return {
            "as_of": f"{ws.as_of:%Y-%m-%d}",
            "currency": currency,
            "accounts": accounts,
            "attention": _attention(ws, overview),
            "managers": {
                "columns": [table.index.name, *table.columns],
                "rows": [
                    [str(m), *map(str, r)]
                    for m, r in zip(table.index, table.to_numpy(), strict=True)
                ],
                "sentence": manager_sentence(view, currency=currency),
            },
        }
    except Exception as exc:  # noqa: BLE001 - e.g. a workspace too small for some analysis
        log.warning(
            "no account facts for the index (%s: %s): it lists ids only", type(exc).__name__, exc
        )
        return {}


def _execute_jobs(
    to_run: list[Job],
    *,
    out: Path,
    published_dir: Path,
    run_dir: Path,
    run_id: str,
    settings: dict,
    workers: int,
    timeout: float,
    progress: bool,
    ws=None,
    fingerprint: str = "",
    run_cache: bool = True,
    scheduler=None,
    pdf: bool = False,
    results: Portfolio | None = None,
) -> tuple[dict[tuple, dict], bool]:
    """Run, export, gate and publish `to_run`; return their manifest entries, and whether a
    full disk stopped the run (the reports it did not reach are failed, ``disk_full``)."""
    from tqdm.auto import tqdm

    run_dir.mkdir(mode=PRIVATE_DIR_MODE)
    sockets = Path(tempfile.mkdtemp(prefix="kam-"))  # short: IPC socket paths are limited
    cache = None
    entries: dict[tuple, dict] = {}
    stopped = False
    bar = None
    try:
        # the marker makes the folder kamlib's (kam cleanup) and names the socket folder, so
        # that the next run removes it when this one is killed
        write_run_marker(run_dir, run_id, sockets=str(sockets))
        if run_cache and ws is not None and any(_reads_cache(p) for p in {j.path for j in to_run}):
            accounts = [j.account_id for j in to_run if j.account_id is not None]
            cache = _prepare_cache(ws, run_dir / "cache", fingerprint, results, accounts)
        settings = dict(settings, log=str(run_dir / "workers.log"), cache=cache)
        specs = [
            (
                job,
                {
                    "id": number,
                    "path": str(job.path),
                    "cwd": str(job.path.parent),
                    "parameters": job.parameters,
                    "stage": str(run_dir / "staging" / job.stem),
                    "workbook": Path(job.name).with_suffix(".xlsx").name,  # its cut tables, whole
                    "sockets": str(sockets / f"j{number}"),
                    "title": job.notebook
                    if job.account_id is None
                    else f"{job.notebook} {job.account_id}",
                },
            )
            for number, job in enumerate(to_run)
        ]
        bar = tqdm(
            total=len(to_run),
            disable=None if progress else True,
            unit="report",
            desc="kam render",
            file=sys.stderr,
        )

        def on_result(job: Job, result: dict) -> None:
            result = dict(result, _stage=str(run_dir / "staging" / job.stem))
            entry = publish(
                job,
                result,
                out=out,
                published_dir=published_dir,
                failed_dir=run_dir / "failed",
                run_id=run_id,
                pdf=pdf,
            )
            entries[(job.account_id, job.notebook)] = entry
            log.info(
                "report %s for %s: %s",
                job.notebook,
                "the portfolio" if job.account_id is None else "an account",
                entry["status"],
            )
            bar.update(1)
            if entry["reason"] == "disk_full":
                raise _DiskFull  # stop here: every further report would fail the same way

        try:
            if scheduler is None:
                run_pool(
                    specs, workers=workers, timeout=timeout, settings=settings, on_result=on_result
                )
            else:
                from kamlib.run.cluster import run_on_cluster

                run_on_cluster(
                    specs,
                    scheduler=scheduler,
                    timeout=timeout,
                    settings=settings,
                    on_result=on_result,
                )
        except _DiskFull:
            stopped = True
    except OSError as exc:  # the run folder's disk is full before a report could run
        if not disk_full(exc):
            raise
        stopped = True
    finally:
        if bar is not None:
            bar.close()
        shutil.rmtree(sockets, ignore_errors=True)
        if cache is not None:
            shutil.rmtree(cache, ignore_errors=True)
        if stopped:  # the reports cut short left their staging folders
            shutil.rmtree(run_dir / "staging", ignore_errors=True)
        with contextlib.suppress(OSError):
            (run_dir / "staging").rmdir()
    if stopped:
        for job in to_run:
            entries.setdefault((job.account_id, job.notebook), _not_run(job, run_id, "disk_full"))
    return entries, stopped


def _not_run(job: Job, run_id: str, reason: str) -> dict:
    """The manifest entry of a report the run could not start (it stopped before)."""
    return {
        "account_id": job.account_id,
        "notebook": job.notebook,
        "kind": job.kind,
        "class": job.klass,
        "status": "failed",
        "reason": reason,
        "path": None,
        "sha256": None,
        "run_id": run_id,
        "attempts": 0,
        "key": job.key,
        "parameters": job.parameters,
        "cell_index": None,
        "ename": None,
        "duration_s": None,
        "failed_path": None,
    }


def _carried_over(previous: dict, planned: set, out: Path) -> list[dict]:
    """The previous manifest's entries for reports this run did not plan (a partial run).

    They keep their file, key and run id, with status ``skipped`` and reason ``not_selected``;
    an entry whose published file is gone loses its path. The next run that selects them
    skips them when they are up to date, and renders them otherwise.
    """
    kept = []
    for old in previous.get("reports", []):
        if not isinstance(old, dict) or (old.get("account_id"), old.get("notebook")) in planned:
            continue
        entry = dict(old, status="skipped", reason="not_selected", attempts=0)
        path = entry.get("path")
        if path and not ((out / path).is_file() and not (out / path).is_symlink()):
            entry.update(path=None, sha256=None)
        kept.append(entry)
    return kept


def _check_personal(previous: dict, personal: bool, out: Path) -> None:
    """Refuse to mix reports with and without personal details in one output folder.

    Both kinds have the same file names: a run of one kind would overwrite the other's reports
    (and a partial run would list them in one index).
    """
    if not previous.get("reports"):
        return
    before = bool((previous.get("personal_details") or {}).get("included"))
    if before == personal:
        return
    if personal:
        raise ArgumentError(
            f"`out`: {out} holds the default reports; a run with personal details would "
            "overwrite them (same file names): render it into a folder of its own (another --out)"
        )
    raise ArgumentError(
        f"`out`: {out} holds reports with personal details; render the default reports into "
        "another --out (or empty this one once those reports are no longer needed)"
    )


def _workspace_defaults(config, catalogue) -> dict:
    """kam.toml ``[parameters]``, typed and checked for the notebooks of the run (ConfigError)."""
    defaults = getattr(config, "parameters", None)
    if not defaults:
        return {}
    bundled = notebook_catalogue(None, None, None)
    return resolve_parameters(
        (),
        defaults=defaults,
        declared={name: declared for name, _, _, declared in catalogue},
        available={n for _, _, _, declared in bundled for n in declared},
    )


def _render_locked(
    workspace,
    out: Path,
    *,
    accounts,
    notebooks,
    account_notebooks,
    portfolio_notebooks,
    parameters,
    classes,
    workers,
    retry_failed,
    timeout,
    cell_timeout,
    start_timeout,
    kernel_name,
    filename_key,
    progress,
    kernels="forked",
    run_cache=True,
    scheduler=None,
    formats=("html",),
    purpose=None,
    lang="en",
) -> RunResult:
    started = datetime.now(UTC)
    run_id = f"{started:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"

    # plan: everything that can be wrong is found before a single kernel starts
    config, ws = resolve_workspace(workspace)
    check_kernel(kernel_name)
    catalogue = notebook_catalogue(notebooks, account_notebooks, portfolio_notebooks)
    ids = check_accounts(accounts, ws)
    extra = validate_parameters(_workspace_defaults(config, catalogue) | dict(parameters))
    personal = extra.get("include_personal_details") is True
    if personal and not (
        isinstance(purpose, str) and purpose.strip() and "\n" not in purpose and len(purpose) <= 200
    ):
        raise ArgumentError(
            "`purpose`: a run with include_personal_details needs a purpose (who receives the "
            "reports and why, one line of at most 200 characters); it is recorded in manifest.json"
        )
    declared_anywhere = {n for _, _, _, declared in catalogue for n in declared}
    undeclared = sorted(set(extra) - declared_anywhere)
    if undeclared:
        raise ArgumentError(f"`parameters`: no notebook declares {', '.join(undeclared)}")
    clash = sorted(set(extra) & set(STANDARD_PARAMETERS))
    if clash:
        raise ArgumentError(f"`parameters`: {', '.join(clash)} are set by the run itself")
    fingerprint = input_fingerprint(config)
    engine = engine_fingerprint(kernel_name, formats, lang)
    results = None  # the portfolio results, computed once: for the classes and the run cache
    if classes == "abc_xyz":
        results = _portfolio_results(ws)
        run_cache = run_cache and results is not None
        classes = _abc_xyz_classes(ws, ids, results)
    common = {
        # a URL workspace stays a URL: each machine that runs a report makes its own copy
        "workspace": source(config.root) or str(Path(config.root).resolve()),
        "run_id": run_id,
        "interactive": False,
        "lang": lang,
    }
    jobs = plan_jobs(
        catalogue,
        ids,
        common=common,
        extra=extra,
        fingerprint=fingerprint,
        engine=engine,
        classes=classes,
        key=filename_key,
    )
    published_dir = output_subfolder(out, "published")
    runs_dir = output_subfolder(out, "runs", mode=PRIVATE_DIR_MODE)

    remove_leftovers(published_dir)
    remove_leftovers(out)
    remove_stale(out, keep=run_id)  # what a killed run left: staging, cache, socket folder
    previous = read_manifest(out / "manifest.json")
    _check_personal(previous, personal, out)
    entries, to_run = decide(jobs, previous, out, retry_failed=retry_failed)
    stopped = False
    if to_run:
        settings = {
            "kernel_name": kernel_name,
            "cell_timeout": cell_timeout,
            "start_timeout": start_timeout,
            "kernels": kernels,
            "lang": lang,
        }
        ran, stopped = _execute_jobs(
            to_run,
            out=out,
            published_dir=published_dir,
            run_dir=runs_dir / run_id,
            run_id=run_id,
            settings=settings,
            workers=min(workers or os.cpu_count() or 1, len(to_run)),
            timeout=timeout,
            progress=progress,
            ws=ws,
            fingerprint=fingerprint,
            run_cache=run_cache,
            scheduler=scheduler,
            pdf="pdf" in formats,
            results=results,
        )
        entries |= ran

    reports = [entries[(j.account_id, j.notebook)] for j in jobs]
    # a partial run (--accounts, --notebooks) keeps the other reports of the folder
    carried = _carried_over(previous, {(j.account_id, j.notebook) for j in jobs}, out)
    reports += carried
    listed = list(dict.fromkeys([*ids, *(e["account_id"] for e in carried if e["account_id"])]))
    counts = {s: sum(e["status"] == s for e in reports) for s in STATUSES}
    finished = datetime.now(UTC)
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "run_id": run_id,
        "started": started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"),
        "fingerprint": fingerprint,
        "engine": engine,
        "kernel_name": kernel_name,
        "formats": list(formats),
        "personal_details": {
            "included": personal,
            "purpose": purpose.strip() if personal else None,
        },
        "retry_failed": retry_failed,
        "parameters": {k: v for k, v in common.items()} | extra,
        "notebooks": {
            name: {"kind": kind, "sha256": sha256_file(path)} for name, path, kind, _ in catalogue
        },
        "totals": counts,
        "reports": reports,
    }
    unwritten = []  # the manifest and the index are written whatever happened to the reports
    try:
        write_manifest(out / "manifest.json", manifest)  # no data values in it (case 78)
    except OSError as exc:
        stopped = stopped or disk_full(exc)
        unwritten.append(f"manifest.json ({exc.strerror}; the previous one stays)")
    try:
        write_indexes(out, manifest | _account_facts(ws, listed, results))
    except OSError as exc:
        stopped = stopped or disk_full(exc)
        unwritten.append(f"the index pages ({exc.strerror})")
    summary = _summary(counts, out)
    if progress:
        print(summary)
    error = None
    if stopped:
        error = _disk_full_message(out, OSError(28, "No space left on device"))
    if unwritten:
        error = (error + " " if error else "") + "Not written: " + "; ".join(unwritten) + "."
    if error and progress:
        print(f"kam render: {error}", file=sys.stderr)
    if stopped or unwritten:
        exit_code = EXIT_DISK_FULL
    elif counts["failed"] or counts["timed_out"]:
        exit_code = EXIT_FAILED
    else:
        exit_code = EXIT_OK
    return RunResult(
        manifest=manifest,
        counts=counts,
        exit_code=exit_code,
        out=out,
        summary=summary,
        error=error,
    )

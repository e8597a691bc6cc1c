"""Publishing: a worker's result becomes a manifest entry, a safe report a published file.

The run checks every exported document with the security gate
(:func:`kamlib.report.elements.scan_html`), then writes it to a temporary file in
``OUT/published/`` and renames it into place (:func:`kamlib.run.files.atomic_write`); with PDF
output it prints the published file with headless Chromium. Papermill's own output stays in
``OUT/runs/<run_id>/staging/``; failed notebooks move to ``OUT/runs/<run_id>/failed/`` with an
error file. Nothing half-written is ever published. A report that cannot be written - a full
disk, a folder where its file should go, a read-only ``published/`` - is that report's failure
(reason ``disk_full`` or ``publish_error``), never the run's: :func:`publish` does not raise.
``OUT/manifest.json`` records every report of the run (:func:`write_manifest`) and is what the
next run's skip decision reads (:func:`read_manifest`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from pathlib import Path

from kamlib.report.elements import scan_html
from kamlib.report.paths import contained_path
from kamlib.run.files import FILE_MODE, PRIVATE_DIR_MODE, atomic_write, disk_full
from kamlib.run.plan import Job

__all__ = ["MANIFEST_VERSION", "publish", "read_manifest", "write_manifest"]

log = logging.getLogger("kamlib")

#: Version of the layout of ``manifest.json``; a manifest of another version is ignored.
MANIFEST_VERSION = 1


def read_manifest(manifest_path: Path) -> dict:
    """The previous run's manifest, or ``{}`` when it is missing, unreadable or of another version.

    Examples
    --------
    >>> read_manifest(Path("no-such-folder") / "manifest.json")
    {}
    """
    try:
        previous = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(previous, dict) or previous.get("manifest_version") != MANIFEST_VERSION:
        return {}
    return previous


def write_manifest(manifest_path: Path, manifest: dict) -> None:
    """Write `manifest` as indented UTF-8 JSON, atomically.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "manifest.json"
    >>> write_manifest(path, {"manifest_version": MANIFEST_VERSION, "reports": []})
    >>> read_manifest(path)
    {'manifest_version': 1, 'reports': []}
    """
    atomic_write(
        manifest_path, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    )


def _keep_failed(stage: Path, failed_dir: Path, job: Job, result: dict, findings=()) -> str:
    """Move what a failed report left to the failed folder, with the error; return its path."""
    failed_dir.mkdir(exist_ok=True, mode=PRIVATE_DIR_MODE)
    executed = stage / "executed.ipynb"
    kept = failed_dir / f"{job.stem}.ipynb"
    if executed.is_file():
        os.replace(executed, kept)
        os.chmod(kept, FILE_MODE)
    lines = [
        f"notebook: {job.notebook}",
        f"account: {job.account_id if job.account_id is not None else '(portfolio)'}",
        f"status: {result['status']}",
        f"reason: {result.get('reason')}",
    ]
    if result.get("cell_index") is not None:
        lines.append(f"cell index: {result['cell_index']}")
    lines += ["", str(result.get("error") or "")]
    if findings:
        lines += ["security gate findings:", *(f"  {f}" for f in findings)]
    error_path = failed_dir / f"{job.stem}.error.txt"
    atomic_write(error_path, ("\n".join(lines) + "\n").encode("utf-8"))
    return (kept if kept.is_file() else error_path).as_posix()


def publish(
    job: Job,
    result: dict,
    *,
    out: Path,
    published_dir: Path,
    failed_dir: Path,
    run_id: str,
    pdf: bool = False,
) -> dict:
    """Turn a worker's result into a manifest entry, publishing the HTML when it is safe.

    Parameters
    ----------
    job : Job
        The report.
    result : dict
        What :func:`kamlib.run.execute.run_job` returned, plus ``_stage``: its staging folder
        (removed here).
    out, published_dir, failed_dir : Path
        The output folder, its ``published/`` folder and the run's ``failed/`` folder.
    run_id : str
        The run.
    pdf : bool, default False
        Also print the published report to PDF (a failure is recorded, never fatal).

    Returns
    -------
    dict
        The report's manifest entry: ``published``, or ``failed``/``timed_out`` with the
        failed notebook and its error file kept in `failed_dir` (``security_gate`` when the
        document failed the gate, ``disk_full`` or ``publish_error`` when it could not be
        written; the previously published file, if any, then stays as it was). A report
        whose tables were cut also gets ``tables``: the spreadsheet of their full rows,
        published beside it with the same name and the suffix ``.xlsx``.
    """
    stage_dir = Path(result.pop("_stage"))
    entry = {
        "account_id": job.account_id,
        "notebook": job.notebook,
        "kind": job.kind,
        "class": job.klass,
        "status": result["status"],
        "reason": result.get("reason"),
        "path": None,
        "sha256": None,
        "run_id": run_id,
        "attempts": result.get("attempts", 1),
        "key": job.key,
        "parameters": job.parameters,
        "cell_index": result.get("cell_index"),
        "ename": result.get("ename"),
        "duration_s": round(result["duration"], 3) if result.get("duration") is not None else None,
        "failed_path": None,
    }
    findings: list[str] = []
    if result["status"] == "ok":
        try:
            document = Path(result["html"]).read_text(encoding="utf-8")
            findings = scan_html(document)
            if findings:
                entry.update(status="failed", reason="security_gate")
                result = dict(
                    result,
                    status="failed",
                    reason="security_gate",
                    error="the exported HTML failed the security gate; nothing was published",
                )
            else:
                target = contained_path(published_dir, job.name)
                data = document.encode("utf-8")
                atomic_write(target, data)
                entry.update(
                    status="published",
                    path=target.relative_to(out).as_posix(),
                    sha256=hashlib.sha256(data).hexdigest(),
                )
                if result.get("tables"):  # the full rows of its cut tables, beside it
                    sheet = contained_path(published_dir, Path(job.name).with_suffix(".xlsx").name)
                    atomic_write(sheet, Path(result["tables"]).read_bytes())
                    entry["tables"] = sheet.relative_to(out).as_posix()
                if pdf:
                    entry.update(_print(target, out))
        except Exception as exc:  # noqa: BLE001 - one report's failure, never the run's
            reason = "disk_full" if disk_full(exc) else "publish_error"
            log.warning("a report could not be published (%s): %s", reason, exc)
            entry.update(status="failed", reason=reason, path=None, sha256=None)
            result = dict(
                result,
                status="failed",
                reason=reason,
                error=f"the report could not be published: {type(exc).__name__}: {exc}",
            )
    if entry["status"] != "published":
        try:
            kept = _keep_failed(stage_dir, failed_dir, job, result, findings)
            entry["failed_path"] = Path(kept).relative_to(out).as_posix()
        except OSError as exc:  # e.g. the disk is full: the entry still says what happened
            log.warning("the failed report's notebook could not be kept: %s", exc)
    shutil.rmtree(stage_dir, ignore_errors=True)
    return entry


def _print(html_path: Path, out: Path) -> dict:
    """Print a published report to PDF beside it; a failure is recorded, never fatal."""
    from kamlib.report.pdf import PDFError, print_pdf

    try:
        pdf = print_pdf(html_path, html_path.with_suffix(".pdf"))
    except PDFError as exc:
        log.warning("PDF of %s failed: %s", html_path.name, exc)
        return {"pdf": None, "pdf_error": str(exc).splitlines()[0][:200]}
    os.chmod(pdf, FILE_MODE)
    return {"pdf": pdf.relative_to(out).as_posix(), "pdf_error": None}

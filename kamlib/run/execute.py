"""Executing one report: papermill in its own kernel, the completion sentinel, the HTML export.

This is the unit of work of both the local worker pool (:mod:`kamlib.run.pool`) and the dask
path (:mod:`kamlib.run.cluster`): it runs inside a worker process and never raises for a
failing notebook. Each report gets its own kernel over IPC transport with its own socket
folder, so parallel starts cannot race for TCP ports; a kernel that fails to start is retried
once. A completion sentinel cell, appended to every notebook, tells a finished notebook from
one cut short by ``sys.exit(0)``.
"""

from __future__ import annotations

import functools
import logging
import secrets
import time
from pathlib import Path

from kamlib.run.files import PRIVATE_DIR_MODE
from kamlib.run.kernels import Zygote, forked_kernel_manager, shutdown_kernel

__all__ = ["SENTINEL_TAG", "run_job"]

log = logging.getLogger("kamlib")

#: Tag of the completion sentinel cell appended to every notebook.
SENTINEL_TAG = "kamlib-sentinel"
_IOPUB_TIMEOUT = 30


def _mark_ready(flags: list, **_) -> None:
    """nbclient's ``on_notebook_start`` hook: the kernel answered, so it started."""
    flags.append(True)


def _sentinel_cell(nonce: str):
    import nbformat

    return nbformat.v4.new_code_cell(
        f"print({nonce!r})", metadata={"tags": [SENTINEL_TAG], "jupyter": {"source_hidden": True}}
    )


def _completed(nb, nonce: str) -> bool:
    for cell in nb.cells:
        if SENTINEL_TAG in cell.get("metadata", {}).get("tags", []):
            return any(
                o.get("output_type") == "stream" and nonce in "".join(o.get("text", ""))
                for o in cell.get("outputs", [])
            )
    return False


def run_job(job: dict, settings: dict, exporter=None, zygote: Zygote | None = None) -> dict:
    """Execute one notebook with papermill and export it; never raises for notebook failures.

    Parameters
    ----------
    job : dict
        The plain spec of one report: ``path``, ``cwd``, ``parameters``, ``stage`` (its private
        staging folder), ``sockets`` (its IPC socket folder) and ``title``.
    settings : dict
        The run's settings: ``kernel_name``, ``cell_timeout``, ``start_timeout``.
    exporter : nbconvert exporter, optional
        A reusable HTML exporter (:func:`kamlib.report.elements.html_exporter`).
    zygote : Zygote, optional
        Fork the kernel from it (see :mod:`kamlib.run.kernels`); otherwise start it anew.

    Returns
    -------
    dict
        ``status`` ("ok", "failed" or "timed_out"), ``reason``, ``attempts``,
        ``cell_index``/``ename`` for a failing cell, ``error`` (the full message: it may hold
        data, so it goes to the failed folder only, never to the manifest), ``html`` (the
        staged document) when it worked, and ``duration`` in seconds.

    Notes
    -----
    It needs a Jupyter kernel, so its examples are the tests (``tests/test_render.py``).
    """
    started_at = time.monotonic()
    result = _execute(job, settings, exporter, zygote)
    result["duration"] = time.monotonic() - started_at
    return result


def _execute(job: dict, settings: dict, exporter, zygote: Zygote | None = None) -> dict:
    import nbformat
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from traitlets.config import Config

    from kamlib.report.elements import export_html

    stage = Path(job["stage"])
    stage.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    nb = nbformat.read(job["path"], as_version=4)
    nonce = f"kamlib-complete-{secrets.token_hex(16)}"
    nb.cells.append(_sentinel_cell(nonce))
    source = stage / "input.ipynb"
    executed_path = stage / "executed.ipynb"
    nbformat.write(nb, source)

    executed = None
    for attempt in (1, 2):
        sockets = Path(job["sockets"]) / f"attempt{attempt}"
        sockets.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
        config = Config()
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(sockets / "kernel")
        config.KernelManager.connection_file = str(sockets / "kernel.json")
        kernel_ready: list[bool] = []
        base = {"attempts": attempt}
        km = None
        if zygote is not None and zygote.enabled:
            km = forked_kernel_manager(zygote, config, settings["kernel_name"])
        try:
            executed = pm.execute_notebook(
                str(source),
                str(executed_path),
                parameters=job["parameters"],
                kernel_name=settings["kernel_name"],
                execution_timeout=settings["cell_timeout"],
                start_timeout=settings["start_timeout"],
                log_output=False,
                progress_bar=False,
                request_save_on_cell_execute=False,
                cwd=job["cwd"],
                config=config,
                iopub_timeout=_IOPUB_TIMEOUT,
                on_notebook_start=functools.partial(_mark_ready, kernel_ready),
                **({"km": km} if km is not None else {}),
            )
        except pm.PapermillExecutionError as exc:
            return base | {
                "status": "failed",
                "reason": "notebook_error",
                "cell_index": exc.cell_index,
                "ename": exc.ename,
                "error": str(exc),
            }
        except CellTimeoutError as exc:
            return base | {"status": "timed_out", "reason": "cell_timeout", "error": str(exc)}
        except DeadKernelError as exc:
            return base | {"status": "failed", "reason": "kernel_died", "error": str(exc)}
        except Exception as exc:
            if not kernel_ready:
                if attempt == 1:
                    log.warning("kernel start failed (%s); retrying once", type(exc).__name__)
                    continue
                return base | {
                    "status": "failed",
                    "reason": "kernel_start_failed",
                    "error": f"{type(exc).__name__}: {exc}",
                }
            return base | {
                "status": "failed",
                "reason": "engine_error",
                "error": f"{type(exc).__name__}: {exc}",
            }
        finally:
            if km is not None:
                shutdown_kernel(km)
        break
    if not _completed(executed, nonce):
        return {
            "status": "failed",
            "reason": "incomplete",
            "attempts": attempt,
            "error": "the notebook stopped before its last cell (sys.exit or exit in a cell?): "
            "the completion sentinel did not run",
        }
    try:
        document = export_html(executed, title=job["title"], exporter=exporter)
    except Exception as exc:
        return {
            "status": "failed",
            "reason": "export_error",
            "attempts": attempt,
            "error": f"{type(exc).__name__}: {exc}",
        }
    html_path = stage / "report.html"
    html_path.write_text(document, encoding="utf-8")
    return {"status": "ok", "reason": None, "attempts": attempt, "html": str(html_path)}

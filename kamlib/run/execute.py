"""Executing one report: papermill in its own kernel, the completion sentinel, the HTML export.

This is the unit of work of both the local worker pool (:mod:`kamlib.run.pool`) and the dask
path (:mod:`kamlib.run.cluster`): it runs inside a worker process and never raises for a
failing notebook. Each report gets its own kernel over IPC transport with its own socket
folder, so parallel starts cannot race for TCP ports; a kernel that fails to start is retried
once. A completion sentinel cell, appended to every notebook, tells a finished notebook from
one cut short by ``sys.exit(0)``. A report whose figures did not render (a figure shown as the
text ``<Figure size ...>``, or pyplot left on another backend than the inline one, reported by
the sentinel cell) is failed (``missing_figures``), never published without its charts; a full disk while staging is
reported as ``disk_full``, which stops the run.

In a language other than English (``settings["lang"]``) each markdown cell is translated block
by block before execution (:func:`kamlib.language.translate_markdown`: one notebook per
analysis, the translations in the catalogues), a first hidden cell makes that language the
kernel's (:func:`kamlib.use_language`: kamlib's sentences, labels and number formats, also in
a notebook that declares no ``lang`` parameter), and the HTML says ``lang="fr"``.
"""

from __future__ import annotations

import functools
import logging
import re
import secrets
import time
from pathlib import Path

from kamlib.run.files import PRIVATE_DIR_MODE, disk_full
from kamlib.run.kernels import Zygote, forked_kernel_manager, shutdown_kernel

__all__ = ["LANGUAGE_TAG", "SENTINEL_TAG", "run_job", "missing_figures", "translated_notebook"]

log = logging.getLogger("kamlib")

#: Tag of the completion sentinel cell appended to every notebook.
SENTINEL_TAG = "kamlib-sentinel"
#: Tag of the hidden first cell that chooses the kernel's language (not English only).
LANGUAGE_TAG = "kamlib-language"
_IOPUB_TIMEOUT = 30


def _mark_ready(flags: list, **_) -> None:
    """nbclient's ``on_notebook_start`` hook: the kernel answered, so it started."""
    flags.append(True)


def _sentinel_cell(nonce: str):
    """The last cell: prints the nonce and, when pyplot was used, matplotlib's backend."""
    import nbformat

    source = (
        "import sys as _kam_sys\n"
        "print("
        f"{nonce!r}, "
        "dict.__getitem__(_kam_sys.modules['matplotlib'].rcParams, 'backend') "
        "if 'matplotlib.pyplot' in _kam_sys.modules else '')"
    )
    return nbformat.v4.new_code_cell(
        source, metadata={"tags": [SENTINEL_TAG], "jupyter": {"source_hidden": True}}
    )


def translated_notebook(nb, lang: str):
    """`nb` with its markdown cells and title in `lang` (a copy; English returns `nb` itself).

    Each markdown cell goes through :func:`kamlib.language.translate_markdown` under `lang`;
    code cells and outputs are kept as they are.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Summary")])
    >>> translated_notebook(nb, "en") is nb
    True
    """
    import copy

    from kamlib.language import gettext, language, translate_markdown

    if lang == "en":
        return nb
    nb = copy.deepcopy(nb)
    with language(lang):
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = translate_markdown(cell.source)
        if nb.metadata.get("title"):  # the page's <title>
            nb.metadata["title"] = gettext(nb.metadata["title"])
    return nb


def _language_cell(lang: str):
    """The first cell of a report in `lang`: the kernel's language (hidden from the report)."""
    import nbformat

    source = f"import kamlib.language as _kam_language\n_kam_language.use_language({lang!r})"
    return nbformat.v4.new_code_cell(
        source, metadata={"tags": [LANGUAGE_TAG], "jupyter": {"source_hidden": True}}
    )


def _backend(nb, nonce: str) -> str:
    """The matplotlib backend the sentinel saw ("" when pyplot was not used)."""
    for cell in nb.cells:
        if SENTINEL_TAG in cell.get("metadata", {}).get("tags", []):
            for o in cell.get("outputs", []):
                text = "".join(o.get("text", "")) if o.get("output_type") == "stream" else ""
                if nonce in text:
                    return text.split(nonce, 1)[1].strip()
    return ""


def _completed(nb, nonce: str) -> bool:
    for cell in nb.cells:
        if SENTINEL_TAG in cell.get("metadata", {}).get("tags", []):
            return any(
                o.get("output_type") == "stream" and nonce in "".join(o.get("text", ""))
                for o in cell.get("outputs", [])
            )
    return False


_INLINE = ("module://matplotlib_inline.backend_inline", "inline")
_FIGURE_TEXT = re.compile(r"^<Figure size [\d.]+x[\d.]+ with \d+ Axes>$")
_NOT_SHOWN = "non-interactive, and thus cannot be shown"
_IMAGES = ("image/png", "image/svg+xml", "image/jpeg")


def missing_figures(nb) -> list[int]:
    """Indexes of the cells that meant to show a figure and did not: it is not in the report.

    With a non-inline matplotlib backend (``MPLBACKEND=Agg`` inherited by the kernel), a
    displayed figure becomes the text ``<Figure size 700x400 with 1 Axes>`` and ``plt.show()``
    only warns that the backend "is non-interactive, and thus cannot be shown".

    Examples
    --------
    >>> import nbformat
    >>> cell = nbformat.v4.new_code_cell("fig")
    >>> cell.outputs = [nbformat.v4.new_output("display_data",
    ...     data={"text/plain": "<Figure size 700x400 with 1 Axes>"})]
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1"), cell])
    >>> missing_figures(nb)
    [1]
    """
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            kind = output.get("output_type")
            data = output.get("data", {})
            text = data.get("text/plain", "")
            text = "".join(text) if isinstance(text, list) else text
            stream = output.get("text", "")
            stream = "".join(stream) if isinstance(stream, list) else stream
            if (
                kind in ("display_data", "execute_result")
                and _FIGURE_TEXT.match(text.strip())
                and not any(k in data for k in _IMAGES)
            ) or (kind == "stream" and _NOT_SHOWN in stream):
                found.append(index)
                break
    return found


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
    try:
        result = _execute(job, settings, exporter, zygote)
    except OSError as exc:
        if not disk_full(exc):
            raise
        result = {
            "status": "failed",
            "reason": "disk_full",
            "attempts": 1,
            "error": f"{type(exc).__name__}: {exc}",
        }
    result["duration"] = time.monotonic() - started_at
    return result


def _execute(job: dict, settings: dict, exporter, zygote: Zygote | None = None) -> dict:
    import nbformat
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from traitlets.config import Config

    from kamlib.language import language
    from kamlib.report.elements import export_html, full_tables
    from kamlib.report.workbook import write_workbook

    stage = Path(job["stage"])
    stage.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    lang = settings.get("lang", "en")
    nb = translated_notebook(nbformat.read(job["path"], as_version=4), lang)
    if lang != "en":
        nb.cells.insert(0, _language_cell(lang))
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
            full = next((e for e in (exc, exc.__cause__, exc.__context__) if disk_full(e)), None)
            if full is not None:  # staging on a full disk: run_job reports it, the run stops
                raise full from None
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
    unshown = missing_figures(executed)
    backend = _backend(executed, nonce)
    if unshown or (backend and backend not in _INLINE):
        where = (
            f"{len(unshown)} cell(s) showed no figure where one was drawn (cells "
            f"{', '.join(map(str, unshown[:10]))}); "
            if unshown
            else ""
        )
        return {
            "status": "failed",
            "reason": "missing_figures",
            "attempts": attempt,
            "cell_index": unshown[0] if unshown else None,
            "error": f"{where}matplotlib's backend in the kernel was {backend or 'not inline'!r}, "
            "not the inline one (MPLBACKEND, matplotlib.use?): the report would have no charts",
        }
    html_path = stage / "report.html"
    tables_path = stage / "tables.xlsx"
    try:
        tables = full_tables(executed)
        workbook = job.get("workbook") if tables else None
        document = export_html(
            executed, title=job["title"], exporter=exporter, lang=lang, workbook=workbook
        )
        if workbook:
            with language(lang):  # the sheets' headers in the report's language
                write_workbook(
                    {t["title"]: t["frame"] for t in tables},
                    tables_path,
                    currency=tables[0]["currency"],
                    labels=tables[0]["labels"],
                )
    except Exception as exc:
        return {
            "status": "failed",
            "reason": "export_error",
            "attempts": attempt,
            "error": f"{type(exc).__name__}: {exc}",
        }
    html_path.write_text(document, encoding="utf-8")
    result = {"status": "ok", "reason": None, "attempts": attempt, "html": str(html_path)}
    return result | ({"tables": str(tables_path)} if workbook else {})

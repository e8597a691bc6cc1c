"""Reports on a dask.distributed cluster: ``kam render ... --scheduler tcp://HOST:8786``.

The run stays where it was started: planning, the lock, the security gate, publishing, the
manifest and the index pages. Only execution moves: the reports are sent to the cluster in
batches, and each batch runs on a dask worker exactly as it would locally (:func:`_run_batch`
starts kamlib's own worker process there, with its forked kernels, cell and wall-clock limits
and completion sentinel). A batch returns every report's HTML (and, for a failed one, the
executed notebook) to the caller, which checks and publishes it.

What the workers need: kamlib installed (the same version), the notebooks readable at the same
paths as on the caller, the workspace at the same path (a shared folder) or given as a URL (each
worker's kernels copy it from the storage: :mod:`kamlib.load.remote`), and a Jupyter kernel of the
same name. The run cache travels with the tasks (scattered once to every worker), so the workspace is
loaded once per run, not once per worker.
"""

from __future__ import annotations

import contextlib
import math
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from kamlib.errors import ArgumentError, SetupError
from kamlib.run.files import PRIVATE_DIR_MODE
from kamlib.run.pool import run_pool

__all__ = ["connect", "run_on_cluster"]

_RETRIES = 1  # a batch is idempotent (it writes only to its own temporary folder)


def connect(scheduler):
    """A ``distributed.Client`` for `scheduler`, and whether the caller must close it.

    Parameters
    ----------
    scheduler : str or distributed.Client
        A scheduler address such as ``"tcp://10.0.0.5:8786"``, or a connected client.

    Returns
    -------
    (distributed.Client, bool)

    Raises
    ------
    ArgumentError
        When `distributed` is not installed or the scheduler cannot be reached.

    Examples
    --------
    >>> connect(42)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kamlib.errors.ArgumentError: `scheduler` must be an address such as 'tcp://HOST:8786' or ...
    """
    if not isinstance(scheduler, str) and type(scheduler).__name__ != "Client":
        raise ArgumentError(
            "`scheduler` must be an address such as 'tcp://HOST:8786' or a "
            f"distributed.Client, got {scheduler!r}"
        )
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - distributed is a dependency
        raise SetupError("`scheduler`: the distributed package is not installed") from None
    if isinstance(scheduler, Client):
        return scheduler, False
    try:
        return Client(scheduler, set_as_default=False, timeout="30s"), True
    except (OSError, TimeoutError) as exc:
        raise SetupError(f"`scheduler`: cannot reach {scheduler}: {exc}") from None


def _batches(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _cache_files(folder: str | None) -> dict[str, bytes] | None:
    if not folder:
        return None
    return {p.name: p.read_bytes() for p in Path(folder).iterdir() if p.is_file()}


def _run_batch(
    specs: list[dict], settings: dict, timeout: float, cache_files: dict[str, bytes] | None
) -> list[tuple[int, dict]]:
    """On a dask worker: run `specs` with a local kamlib worker; return (id, result) pairs.

    Each result carries ``html_text`` (a finished report) and ``executed_text`` (the executed
    notebook, when there is one) instead of paths, since the caller cannot read this machine.
    """
    scratch = Path(tempfile.mkdtemp(prefix="kam-"))  # private (0700), short for IPC sockets
    try:
        settings = dict(settings, log=str(scratch / "workers.log"), cache=None)
        if cache_files:
            folder = scratch / "cache"
            folder.mkdir(mode=PRIVATE_DIR_MODE)
            for name, data in cache_files.items():
                (folder / name).write_bytes(data)
            settings["cache"] = str(folder)
        local = []
        for spec in specs:
            number = spec["id"]
            local.append(
                (
                    number,
                    dict(
                        spec,
                        stage=str(scratch / "stage" / f"j{number}"),
                        sockets=str(scratch / f"s{number}"),
                    ),
                )
            )
        stages = {number: Path(spec["stage"]) for number, spec in local}
        results: list[tuple[int, dict]] = []

        def collect(number: int, result: dict) -> None:
            result = dict(result)
            html = result.pop("html", None)
            if html:
                result["html_text"] = Path(html).read_text(encoding="utf-8")
            executed = stages[number] / "executed.ipynb"
            if result["status"] != "ok" and executed.is_file():
                result["executed_text"] = executed.read_text(encoding="utf-8")
            results.append((number, result))

        run_pool(local, workers=1, timeout=timeout, settings=settings, on_result=collect)
        return results
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _deliver(job, spec: dict, result: dict, on_result: Callable) -> None:
    """Write what came back into the local staging folder, then hand it to the publisher."""
    stage = Path(spec["stage"])
    stage.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    result = dict(result)
    html_text = result.pop("html_text", None)
    executed_text = result.pop("executed_text", None)
    if executed_text is not None:
        (stage / "executed.ipynb").write_text(executed_text, encoding="utf-8")
    if html_text is not None:
        html = stage / "report.html"
        html.write_text(html_text, encoding="utf-8")
        result["html"] = str(html)
    on_result(job, result)


def run_on_cluster(
    specs: list[tuple],
    *,
    scheduler,
    timeout: float,
    settings: dict,
    on_result: Callable,
    batch_size: int | None = None,
) -> None:
    """Run the report `specs` on a dask cluster; call ``on_result(job, result)`` for each.

    The counterpart of the local worker pool (:func:`kamlib.run.pool.run_pool`, which each
    batch runs on its dask worker), called by :func:`kamlib.run.render.render` when it is
    given a `scheduler`.

    Parameters
    ----------
    specs : list of (job, spec)
        What :func:`kamlib.run.render.render` plans: the job (kept here) and its plain spec (sent).
    scheduler : str or distributed.Client
        The cluster.
    timeout : float
        Wall-clock limit per report, enforced on the worker that runs it.
    settings : dict
        The run's settings (kernel name, cell and start limits, kernels, run cache folder).
    on_result : callable
        Called here, in the caller's process, once per report.
    batch_size : int, optional
        Reports per task; default: the reports spread evenly over the cluster's threads (each
        task starts one kamlib worker process with its kernel zygote, so fewer is cheaper).
    """
    if not specs:
        return
    from distributed import as_completed

    client, owned = connect(scheduler)
    try:
        threads = max(1, sum(client.nthreads().values()))
        size = batch_size or max(1, math.ceil(len(specs) / threads))
        by_id = {spec["id"]: (job, spec) for job, spec in specs}
        cache_files = _cache_files(settings.get("cache"))
        shipped = client.scatter(cache_files, broadcast=True) if cache_files else None
        remote_settings = {k: v for k, v in settings.items() if k not in ("log", "cache")}
        futures = {}
        for batch in _batches([spec for _, spec in specs], size):
            future = client.submit(
                _run_batch, batch, remote_settings, timeout, shipped, pure=False, retries=_RETRIES
            )
            futures[future] = [spec["id"] for spec in batch]
        # the loop of *this* client: without it, as_completed looks for a default client,
        # which a client made with set_as_default=False is not ("No clients found")
        for future in as_completed(list(futures), loop=client.loop):
            try:
                results = future.result()
            except Exception as exc:  # noqa: BLE001 - the cluster lost the batch
                error = f"{type(exc).__name__}: {exc}"
                results = [
                    (
                        number,
                        {
                            "status": "failed",
                            "reason": "cluster_error",
                            "attempts": _RETRIES + 1,
                            "error": error,
                        },
                    )
                    for number in futures[future]
                ]
            for number, result in results:
                job, spec = by_id[number]
                _deliver(job, spec, result, on_result)
    finally:
        if owned:
            with contextlib.suppress(Exception):
                client.close()

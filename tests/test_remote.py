"""A workspace given as an fsspec URL (issue 16, "Beyond one machine"): ``kam ... s3://bucket/ws``.

A local S3-compatible server (moto's, started here on a free port) holds a copy of the sample
workspace. ``kam validate``, ``kam summary`` and ``kam render`` given its URL, as processes of
their own configured by the environment only, print and publish what they do for the local
folder; a missing bucket or a bad URL is a clear error with its exit code; a changed object gives
a new local copy; ``kam render --scheduler`` with dask workers that copy the workspace
themselves (a cache folder of their own, nothing shared with the caller) publishes the same
reports as a local run.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from kamlib.errors import EXIT_CONFIG, EXIT_USAGE, ArgumentError, ConfigError

moto_server = pytest.importorskip("moto.server")
s3fs = pytest.importorskip("s3fs")
fsspec = pytest.importorskip("fsspec")

BIN = Path(sys.executable).parent  # `kam` and `dask` of the environment running the tests
BUCKET = "kam-exports"
#: Credentials the server accepts as any other; they must appear in no output and no file.
KEY_ID = "AKIAKAMTESTKEY000001"
SECRET = "kam-secret-CANARY-never-written-anywhere"
ACCOUNTS = "C0027"
NOTEBOOK = "annual_meeting"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def storage(tmp_path_factory, sample_folder):
    """The server, a bucket holding the sample under ``sample/``, and the environment a user
    sets (credentials, endpoint), with a cache folder of its own."""
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        fs = s3fs.S3FileSystem(
            key=KEY_ID, secret=SECRET, endpoint_url=endpoint, skip_instance_cache=True
        )
        fs.mkdir(BUCKET)
        for path in sorted(sample_folder.iterdir()):
            fs.put_file(str(path), f"{BUCKET}/sample/{path.name}")
        fs.pipe_file(f"{BUCKET}/sample/archive/old-export.csv", b"not a table, never read\n")
        root = tmp_path_factory.mktemp("remote")
        env = {
            **os.environ,
            "AWS_ACCESS_KEY_ID": KEY_ID,
            "AWS_SECRET_ACCESS_KEY": SECRET,
            "AWS_DEFAULT_REGION": "us-east-1",
            "FSSPEC_S3_ENDPOINT_URL": endpoint,
            "KAMLIB_CACHE_DIR": str(root / "cache"),
        }
        yield SimpleNamespace(
            url=f"s3://{BUCKET}/sample", endpoint=endpoint, fs=fs, env=env, root=root
        )
    finally:
        server.stop()


@pytest.fixture
def in_process(storage, monkeypatch, tmp_path):
    """This process configured as the environment configures `kam` (fsspec reads its
    ``FSSPEC_*`` variables once, when imported: its configuration is set directly here)."""
    import fsspec.config

    monkeypatch.setitem(
        fsspec.config.conf,
        "s3",
        {"endpoint_url": storage.endpoint, "key": KEY_ID, "secret": SECRET},
    )
    monkeypatch.setenv("KAMLIB_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "remote"


def _kam(*args: str, env: dict, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "kam"), *args], capture_output=True, text=True, timeout=timeout, env=env
    )


def _report_text(path: Path) -> str:
    """A published report, less what differs between two runs of the same inputs (the run id)."""
    return re.sub(r"\d{8}T\d{6}Z-[0-9a-f]{6}", "RUN", path.read_text(encoding="utf-8"))


def _published(out: Path) -> dict[str, str]:
    return {p.name: _report_text(p) for p in sorted((out / "published").iterdir())}


def _no_secret(*texts: str, folders: tuple[Path, ...] = ()) -> None:
    for text in texts:
        assert SECRET not in text and KEY_ID not in text
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                assert SECRET.encode() not in data and KEY_ID.encode() not in data, path


# --------------------------------------------------------------------------- the commands


def test_validate_and_summary_of_a_url_print_what_the_folder_gives(storage, sample_folder):
    remote = _kam("validate", storage.url, env=storage.env)
    local = _kam("validate", str(sample_folder), env=storage.env)
    assert remote.returncode == 0, remote.stderr[-2000:]
    assert remote.stdout.splitlines()[0].startswith(f"workspace {storage.url}  (analysis date")
    assert remote.stdout.splitlines()[1:] == local.stdout.splitlines()[1:]
    summary = _kam("summary", storage.url, env=storage.env)
    assert summary.returncode == 0, summary.stderr[-2000:]
    assert summary.stdout == _kam("summary", str(sample_folder), env=storage.env).stdout
    _no_secret(remote.stdout, remote.stderr, summary.stdout, summary.stderr)


@pytest.fixture(scope="module")
def renders(storage, sample_folder):
    """One account report rendered from the URL and from the local folder."""
    common = ["--accounts", ACCOUNTS, "--notebooks", NOTEBOOK, "--workers", "1"]
    remote = _kam(
        "render", storage.url, "--out", str(storage.root / "s3"), *common, env=storage.env
    )
    local = _kam(
        "render", str(sample_folder), "--out", str(storage.root / "local"), *common, env=storage.env
    )
    return SimpleNamespace(remote=remote, local=local, common=common)


@pytest.mark.slow
def test_render_of_a_url_publishes_the_local_folders_reports(storage, renders):
    assert renders.remote.returncode == 0, renders.remote.stderr[-2000:]
    assert renders.local.returncode == 0, renders.local.stderr[-2000:]
    assert "kam render: 1 published, 0 failed" in renders.remote.stdout
    published = _published(storage.root / "s3")
    assert len(published) == 1
    assert published == _published(storage.root / "local")
    manifest = json.loads((storage.root / "s3" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["workspace"] == storage.url  # the notebooks got the URL
    local = json.loads((storage.root / "local" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["fingerprint"] == local["fingerprint"]  # the same inputs, byte for byte
    _no_secret(renders.remote.stdout, renders.remote.stderr, folders=(storage.root / "s3",))


def test_a_missing_bucket_or_folder_is_bad_configuration(storage):
    for url in (f"s3://no-such-bucket-{os.getpid()}/sample", f"s3://{BUCKET}/no-such-folder"):
        result = _kam("validate", url, env=storage.env)
        assert result.returncode == EXIT_CONFIG, result.stderr
        assert f"kam validate: bad configuration: workspace {url} is not a folder" in result.stderr
        assert "Traceback" not in result.stderr
        _no_secret(result.stdout, result.stderr)


def test_a_url_kamlib_cannot_use_is_a_bad_option(storage):
    for url, said in (
        ("nosuchprotocol://bucket/ws", "Protocol not known: nosuchprotocol"),
        (f"s3://{KEY_ID}:{SECRET}@{BUCKET}/sample", "a user name or password in the URL"),
    ):
        result = _kam("render", url, "--out", str(storage.root / "refused"), env=storage.env)
        assert result.returncode == EXIT_USAGE, result.stderr
        assert said in result.stderr and "Traceback" not in result.stderr
        _no_secret(result.stdout, result.stderr)
    assert not (storage.root / "refused").exists()


def test_lenient_validation_of_a_url_needs_a_local_problems_file(storage):
    refused = _kam("validate", storage.url, "--lenient", env=storage.env)
    assert refused.returncode == EXIT_USAGE, refused.stderr
    assert "--lenient with a workspace URL: give --problems FILE.csv" in refused.stderr


# --------------------------------------------------------------------------- the local copy


def test_the_copy_holds_the_inputs_only_privately(storage, in_process, sample_folder):
    from kamlib.load.remote import mirror, source

    folder = mirror(storage.url + "/")
    assert source(folder) == storage.url
    assert (folder / "transactions.csv").read_bytes() == (
        sample_folder / "transactions.csv"
    ).read_bytes()
    assert (folder / "kam.toml").read_bytes() == (sample_folder / "kam.toml").read_bytes()
    assert (folder / "archive" / "old-export.csv").stat().st_size == 0  # listed, not downloaded
    for path in [in_process, *in_process.rglob("*")]:
        mode = path.stat().st_mode & 0o777
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
    assert mirror(storage.url) == folder  # unchanged objects: the same copy


def test_a_changed_object_gives_a_new_copy(storage, in_process):
    from kamlib.load.remote import mirror
    from kamlib.load.workspace import load_workspace

    fs = storage.fs
    fs.mkdir(f"{BUCKET}/small")
    url = f"s3://{BUCKET}/small"
    fs.pipe_file(f"{BUCKET}/small/transactions.csv", b"account_id,date,revenue\nA,2024-01-05,10\n")
    first = mirror(url)
    assert load_workspace(url).transactions["revenue"].tolist() == [10.0]
    fs.pipe_file(f"{BUCKET}/small/transactions.csv", b"account_id,date,revenue\nA,2024-01-05,12\n")
    second = mirror(url)
    assert second != first and not first.exists()  # only the newest copy is kept
    assert load_workspace(url).transactions["revenue"].tolist() == [12.0]
    fs.pipe_file(f"{BUCKET}/small/accounts.csv", b"account_id,name\nA,Acme\n")  # a new object
    ws = load_workspace(url)
    assert mirror(url) not in (first, second) and ws.accounts["name"].tolist() == ["Acme"]


def test_configuration_errors_name_the_url(storage, in_process):
    from kamlib.load.config import read_config

    fs = storage.fs
    fs.pipe_file(f"{BUCKET}/bad/transactions.csv", b"account_id,date,revenue\n")
    fs.pipe_file(f"{BUCKET}/bad/kam.toml", b'[defaults]\ndelimiter = "ab"\n')
    with pytest.raises(ConfigError) as caught:
        read_config(f"s3://{BUCKET}/bad")
    assert str(caught.value).startswith(f"s3://{BUCKET}/bad/kam.toml: [defaults] delimiter")
    assert str(in_process) not in str(caught.value)
    with pytest.raises(ArgumentError, match="user name or password"):
        read_config(f"s3://user:pw@{BUCKET}/bad")


def test_the_notebooks_parameter_takes_the_url(storage, in_process, sample_workspace):
    from kamlib.run import cache

    ws = cache.workspace(storage.url)
    assert ws.transactions.equals(sample_workspace.transactions)
    assert ws.ledger.equals(sample_workspace.ledger)


def test_the_export_names_the_url(storage, in_process):
    from kamlib.load.store import load_cached
    from kamlib.run.export import analysis_tables

    about = analysis_tables(load_cached(storage.url))["Settings"]
    assert about.set_index("item").loc["workspace", "value"] == storage.url


def test_the_run_cache_serves_a_url_workspace(storage, in_process, tmp_path, monkeypatch):
    """A kernel of `kam render` on the machine that copied the workspace reads the run cache."""
    import kamlib.load.store
    from kamlib.run import cache

    folder = cache.prepare(kamlib.load.store.load_cached(storage.url), tmp_path / "run")
    monkeypatch.setenv(cache.ENV_VAR, str(folder))

    def no_load(path, **kwargs):
        raise AssertionError(f"loaded {path} instead of reading the run cache")

    monkeypatch.setattr(kamlib.load.store, "load_cached", no_load)
    assert len(cache.workspace(storage.url).transactions) > 0


# --------------------------------------------------------------------------- on a dask cluster


@pytest.mark.slow
def test_render_on_dask_workers_that_copy_the_url_themselves(storage, renders):
    """``dask scheduler`` and ``dask worker`` as processes of their own; the workers' cache
    folder is not the caller's, so each copies the workspace from the storage itself."""
    distributed = pytest.importorskip("distributed")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    workers_cache = storage.root / "workers-cache"
    worker_env = {**storage.env, "KAMLIB_CACHE_DIR": str(workers_cache)}
    log = (storage.root / "dask.log").open("w")
    scheduler = subprocess.Popen(
        [str(BIN / "dask"), "scheduler", "--port", str(port), "--no-dashboard"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=storage.env,
    )
    worker = subprocess.Popen(
        [str(BIN / "dask"), "worker", address, "--nworkers", "1", "--nthreads", "1"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=worker_env,
    )
    out = storage.root / "dask"
    try:
        with distributed.Client(address, timeout="60s") as client:
            client.wait_for_workers(1, timeout=120)
        result = _kam(
            "render",
            storage.url,
            "--out",
            str(out),
            *renders.common,
            "--scheduler",
            address,
            env=storage.env,
        )
    finally:
        for process in (worker, scheduler):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in (worker, scheduler):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()
    assert result.returncode == 0, result.stderr[-2000:]
    assert "kam render: 1 published, 0 failed" in result.stdout
    assert _published(out) == _published(storage.root / "local")
    copies = list((workers_cache / "remote").glob("*/*/transactions.csv"))
    assert len(copies) == 1  # the worker's kernel made its own copy of the workspace
    _no_secret(result.stdout, result.stderr, folders=(out,))
    shutil.rmtree(workers_cache, ignore_errors=True)

"""The workspace cache (kamlib/load/store.py): the same workspace back, never a stale one."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pandas as pd
import pytest

import kamlib.load.store as store
import kamlib.load.workspace as workspace_module
from kamlib.errors import InputError
from kamlib.load.store import CACHE_ENV, load_cached
from kamlib.load.workspace import load_workspace

TX = (
    "account_id,date,revenue,cost\n"
    "A,2024-01-05,100,60\n"
    "A,2024-02-05,50,30\n"
    "B,2024-01-10,abc,1\n"  # not a number: rejected in lenient mode
    ",2024-01-11,30,10\n"  # no account id: quarantined
    "B,2024-03-10,-20,-12\n"
)
ACCOUNTS = "account_id,name\nA,Alpha\nB,Beta\n"
CONTACTS = "contact_id,account_id,name\nK1,A,Ann\nK2,Z,Zed\n"  # Z: an orphan, quarantined


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


@pytest.fixture
def folder(tmp_path) -> Path:
    d = tmp_path / "ws"
    d.mkdir()
    (d / "transactions.csv").write_text(TX)
    (d / "accounts.csv").write_text(ACCOUNTS)
    (d / "contacts.csv").write_text(CONTACTS)
    (d / "kam.toml").write_text('[workspace]\nas_of = "2024-06-30"\n')
    return d


def _no_loading(monkeypatch):
    """From here on a call of load_cached must come from the cache."""

    def fail(*args, **kwargs):
        raise AssertionError("loaded again instead of reading the cache")

    monkeypatch.setattr(store, "load_workspace", fail)


def assert_same(got, want) -> None:
    """Every field of the two workspaces is equal (frames with their dtypes)."""
    for f in dataclasses.fields(want):
        a, b = getattr(got, f.name), getattr(want, f.name)
        if f.name in ("staging", "sources"):
            assert set(a) == set(b) if f.name == "sources" else True
        elif isinstance(b, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b, check_exact=True, obj=f.name)
        elif isinstance(b, dict):
            assert list(a) == list(b), f.name
            for k in b:
                pd.testing.assert_frame_equal(a[k], b[k], check_exact=True, obj=f"{f.name}.{k}")
        else:
            assert a == b, f.name
    assert got.as_of.unit == want.as_of.unit


def test_stored_copy_equals_a_fresh_load_with_problems_and_quarantines(folder, cache, monkeypatch):
    want = load_workspace(folder, mode="lenient")
    assert len(want.problems) and set(want.quarantine) == {"transactions", "contacts"}
    assert len(want.set_aside)  # the loader's account of what it kept out
    first = load_cached(folder, mode="lenient")
    assert_same(first, want)
    _no_loading(monkeypatch)
    again = load_cached(folder, mode="lenient")
    assert_same(again, want)


def test_cached_and_uncached_files_are_private(folder, cache):
    load_cached(folder, mode="lenient")
    entries = [p for p in (cache / "workspaces").iterdir()]
    assert len(entries) == 1
    assert (cache / "workspaces").stat().st_mode & 0o777 == 0o700
    for f in entries[0].iterdir():
        assert f.stat().st_mode & 0o777 == 0o600, f


@pytest.mark.parametrize("trusted", [False, True], ids=["hashed", "stat-checked"])
def test_one_changed_byte_reloads(folder, cache, monkeypatch, trusted):
    if trusted:  # stats recorded right after writing are trusted too: the ctime check decides
        monkeypatch.setattr(store, "_SETTLE_NS", -(10**18))
    load_cached(folder, mode="lenient")
    path = folder / "transactions.csv"
    st = path.stat()
    data = path.read_bytes().replace(b"A,2024-02-05,50,", b"A,2024-02-05,51,")
    assert len(data) == st.st_size
    path.write_bytes(data)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same modification time
    ws = load_cached(folder, mode="lenient")
    assert ws.transactions["revenue"].tolist() == [100.0, 51.0, -20.0]
    assert_same(ws, load_workspace(folder, mode="lenient"))


def test_a_changed_kam_toml_reloads(folder, cache):
    assert load_cached(folder, mode="lenient").as_of == pd.Timestamp("2024-06-30")
    (folder / "kam.toml").write_text('[workspace]\nas_of = "2024-05-31"\n')
    assert load_cached(folder, mode="lenient").as_of == pd.Timestamp("2024-05-31")


def test_a_new_input_file_reloads(folder, cache):
    assert not load_cached(folder, mode="lenient").has("meetings")
    (folder / "meetings.csv").write_text("meeting_id,account_id,date\nM1,A,2024-03-01\n")
    assert load_cached(folder, mode="lenient").has("meetings")


def test_the_mode_is_part_of_the_key_and_a_failed_load_stores_nothing(folder, cache):
    with pytest.raises(InputError):
        load_cached(folder, mode="strict")
    assert not (cache / "workspaces").exists() or not any((cache / "workspaces").iterdir())
    load_cached(folder, mode="lenient")
    with pytest.raises(InputError):  # the lenient entry is never returned for strict
        load_cached(folder, mode="strict")


def test_a_kamlib_change_reloads(folder, cache, monkeypatch):
    load_cached(folder, mode="lenient")
    monkeypatch.setattr(store, "_code_digest", lambda: "another kamlib")
    calls = []
    real = store.load_workspace
    monkeypatch.setattr(store, "load_workspace", lambda *a, **k: calls.append(1) or real(*a, **k))
    load_cached(folder, mode="lenient")
    assert calls == [1]


def test_without_as_of_the_entry_lasts_one_day(folder, cache, monkeypatch):
    (folder / "kam.toml").unlink()
    load_cached(folder, mode="lenient")
    today = pd.Timestamp.today()
    monkeypatch.setattr(
        pd.Timestamp, "today", classmethod(lambda cls: today + pd.Timedelta(days=1))
    )
    calls = []
    real = store.load_workspace
    monkeypatch.setattr(store, "load_workspace", lambda *a, **k: calls.append(1) or real(*a, **k))
    load_cached(folder, mode="lenient")
    assert calls == [1]


def test_a_large_export_comes_back_the_same(folder, cache, monkeypatch):
    monkeypatch.setattr(workspace_module, "LARGE_BYTES", 0)  # stage through Parquet + DuckDB
    want = load_workspace(folder, mode="lenient")
    assert "transactions" in want.sources
    load_cached(folder, mode="lenient")
    _no_loading(monkeypatch)
    got = load_cached(folder, mode="lenient")
    assert set(got.sources) == {"transactions"}
    assert got.transactions.equals(want.transactions)
    pd.testing.assert_frame_equal(got.transactions, want.transactions, check_exact=True)
    assert_same(got, want)


def test_the_sample_comes_back_identical(sample_folder, cache, monkeypatch):
    want = load_workspace(sample_folder)
    load_cached(sample_folder)
    _no_loading(monkeypatch)
    assert_same(load_cached(sample_folder), want)


def test_off_means_no_cache(folder, tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, "off")
    load_cached(folder, mode="lenient")
    load_cached(folder, mode="lenient")
    assert store.cache_folder() is None
    assert not (tmp_path / "off").exists()


def test_a_folder_others_can_write_is_not_used(folder, cache, monkeypatch, caplog):
    (cache / "workspaces").mkdir(parents=True)
    (cache / "workspaces").chmod(0o777)
    load_cached(folder, mode="lenient")
    assert not any((cache / "workspaces").iterdir())
    assert "not a private folder" in caplog.text


def test_an_entry_in_a_folder_others_can_write_is_not_read(folder, cache, monkeypatch):
    load_cached(folder, mode="lenient")
    (cache / "workspaces").chmod(0o777)
    calls = []
    real = store.load_workspace
    monkeypatch.setattr(store, "load_workspace", lambda *a, **k: calls.append(1) or real(*a, **k))
    load_cached(folder, mode="lenient")
    assert calls == [1]


def test_a_damaged_entry_is_loaded_again(folder, cache):
    want = load_cached(folder, mode="lenient")
    (entry,) = (cache / "workspaces").iterdir()
    (entry / "ledger.parquet").write_bytes(b"not parquet")
    assert_same(load_cached(folder, mode="lenient"), want)


def test_kam_summary_and_the_notebooks_use_it(folder, cache, monkeypatch, capsys):
    from kamlib.cli import main
    from kamlib.run import cache as run_cache

    (folder / "transactions.csv").write_text(TX.replace("B,2024-01-10,abc,1\n", ""))
    (folder / "kam.toml").write_text('[workspace]\nas_of = "2024-06-30"\nmode = "lenient"\n')
    assert main(["summary", str(folder)]) == 0
    first = capsys.readouterr().out
    monkeypatch.delenv(run_cache.ENV_VAR, raising=False)
    _no_loading(monkeypatch)
    assert main(["summary", str(folder)]) == 0
    assert capsys.readouterr().out == first
    assert len(run_cache.workspace(str(folder)).transactions) == 3

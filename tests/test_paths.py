"""Safe report file names and output folders (docs/reliability.md section F, cases 58-63)."""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamlib.errors import ArgumentError
from kamlib.report.paths import MAX_NAME_BYTES, contained_path, output_subfolder, safe_filename

SAFE = re.compile(r"^[a-z0-9][a-z0-9-]*\.html$")
WINDOWS_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}


def _assert_safe(name: str) -> None:
    assert SAFE.match(name), name
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert name.split(".")[0] not in WINDOWS_RESERVED
    assert not name.endswith((".", " "))


TRAVERSAL = ["../../etc/passwd", "..\\..\\x", "/abs", "a/b", "", ".", ".."]


@pytest.mark.parametrize("account_id", TRAVERSAL)
def test_traversal_ids_stay_inside_published(tmp_path, account_id):  # case 58
    sandbox = tmp_path / "sandbox"
    published = sandbox / "out" / "published"
    published.mkdir(parents=True)
    name = safe_filename(account_id, "brief")
    _assert_safe(name)
    target = contained_path(published, name)
    assert target.resolve().parent == published.resolve()
    target.write_text("report", encoding="utf-8")
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written == [target]


@pytest.mark.parametrize(
    "account_id",
    ["CON", "nul.txt", "name.", "name ", "a\x00b", "x" * 300, "LPT1", "com¹", "Ω" * 300],
)
def test_reserved_and_odd_names(account_id):  # case 59
    _assert_safe(safe_filename(account_id, "brief"))
    _assert_safe(safe_filename(account_id, "x" * 300))


def test_non_latin_names_are_distinct_and_readable():  # case 60
    a = safe_filename("ООО Ромашка", "brief")
    b = safe_filename("ООО Ромашка-2", "brief")
    assert a != b
    assert a.startswith("ooo-romashka--brief-") and b.startswith("ooo-romashka-2--brief-")
    for name in (a, b):
        _assert_safe(name)


def test_case_collisions_get_distinct_names():  # case 61
    ids = ["ACME", "acme", "Acme", "ООО Ромашка", "ооо ромашка", "ООО Ромашка-2", "CON", "con"]
    names = [safe_filename(i, "brief") for i in ids]
    assert len({n.casefold() for n in names}) == len(ids)


def test_portfolio_names_and_notebook_names_are_part_of_the_name():
    assert safe_filename(None, "abc_xyz").startswith("portfolio--abc-xyz-")
    assert safe_filename("A", "brief") != safe_filename("A", "plan")
    assert safe_filename(None, "brief") != safe_filename("portfolio", "brief")


def test_symlinked_output_subfolder_is_refused(tmp_path):  # case 62
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    os.symlink(outside, out / "published")
    with pytest.raises(ArgumentError, match="symbolic link"):
        output_subfolder(out, "published")
    assert list(outside.iterdir()) == []


def test_symlinked_target_file_is_refused(tmp_path):
    published = tmp_path / "published"
    published.mkdir()
    os.symlink(tmp_path / "victim.txt", published / "a.html")
    with pytest.raises(ArgumentError, match="outside"):
        contained_path(published, "a.html")


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "..\\x", "a\x00b"])
def test_contained_path_refuses_non_names(tmp_path, name):
    with pytest.raises(ArgumentError, match="`name`"):
        contained_path(tmp_path, name)


def test_output_subfolder_creates_private_folder(tmp_path):
    folder = output_subfolder(tmp_path, "runs", mode=0o700)
    assert folder.is_dir() and folder.stat().st_mode & 0o077 == 0
    assert output_subfolder(tmp_path, "runs") == folder  # reused


def test_pseudonymous_names_hold_no_id(tmp_path):  # case 63
    key = b"secret-key-0123456789"
    name = safe_filename("ООО Ромашка", "brief", key=key)
    assert re.fullmatch(r"acct--brief-[0-9a-f]{16}\.html", name)
    assert "romashka" not in name and key.hex() not in name and "secret" not in name
    assert name == safe_filename("ООО Ромашка", "brief", key=key)  # stable
    assert name != safe_filename("ООО Ромашка", "brief", key=b"another key")
    assert name != safe_filename("ООО Ромашка-2", "brief", key=key)


def test_bad_arguments_name_the_parameter():
    with pytest.raises(ArgumentError, match="`suffix`"):
        safe_filename("A", "brief", suffix="/../x")
    with pytest.raises(ArgumentError, match="`notebook`"):
        safe_filename("A", "")
    with pytest.raises(ArgumentError, match="`account_id`"):
        safe_filename(123, "brief")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=80), min_size=1, max_size=8, unique=True), st.text(min_size=1))
def test_any_ids_give_safe_distinct_names(ids, notebook):
    names = [safe_filename(i, notebook) for i in ids]
    for name in names:
        _assert_safe(name)
    assert len({n.casefold() for n in names}) == len(ids)

"""Notebook parameters from the command line and kam.toml (issue 11): typed, checked, stated.

``kam render -p NAME VALUE`` and ``kam summary -p NAME VALUE`` take papermill's convention; the
values are typed by the notebooks' parameter annotations, checked by kamlib.run.parameters, and
a name no rendered notebook declares exits 78 listing the known ones. ``[parameters]`` in
kam.toml gives workspace defaults (the command line wins). Every report and ``kam summary``
states the window and conventions it used.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from kamlib.cli import main
from kamlib.errors import EXIT_CONFIG, ConfigError
from kamlib.load.config import read_config
from kamlib.run.parameters import resolve_parameters
from kamlib.words.settings import conventions_sentence, window_label

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"

ABC_XYZ = {
    "workspace": {"inferred_type_name": "str", "default": '""'},
    "months": {"inferred_type_name": "int", "default": "0"},
    "abc_a": {"inferred_type_name": "float", "default": "0.80"},
    "abc_b": {"inferred_type_name": "float", "default": "0.95"},
    "zero_periods": {"inferred_type_name": "str", "default": '"from_first"'},
    "interactive": {"inferred_type_name": "bool", "default": "True"},
}
CLIENTS = {
    "months": {"inferred_type_name": "int", "default": "12"},
    "at_risk_k": {"inferred_type_name": "float", "default": "2.0"},
}


# ---- typing and checking -----------------------------------------------------------------------


def test_values_take_the_notebooks_types():
    got = resolve_parameters(
        [("months", "36"), ("abc_a", "0.7"), ("zero_periods", "all")],
        declared={"abc_xyz": ABC_XYZ},
    )
    assert got == {"abc_a": 0.7, "months": 36, "zero_periods": "all"}
    assert type(got["months"]) is int and type(got["abc_a"]) is float


def test_unknown_name_is_refused_listing_the_known_ones():
    with pytest.raises(ConfigError) as caught:
        resolve_parameters([("monhts", "36")], declared={"abc_xyz": ABC_XYZ, "clients": CLIENTS})
    message = str(caught.value)
    assert caught.value.exit_code == EXIT_CONFIG == 78
    assert "monhts" in message
    assert "known: abc_a, abc_b, at_risk_k, months, zero_periods" in message  # not the run's own


def test_the_run_s_own_parameters_cannot_be_set():
    with pytest.raises(ConfigError, match="set by the run itself"):
        resolve_parameters([("workspace", "/tmp")], declared={"abc_xyz": ABC_XYZ})


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("months", "twelve", "a whole number"),
        ("months", "1.5", "a whole number"),
        ("months", "-3", "between 1 and 240"),
        ("abc_a", "80", "between 0 and 1"),
        ("abc_a", "nan", "finite"),
        ("zero_periods", "some", "one of from_first, all, drop"),
        ("abc_a", "0.97", "abc_a (0.97) must be below abc_b (0.95)"),
    ],
)
def test_bad_values_are_refused_naming_the_parameter(name, value, words):
    with pytest.raises(ConfigError, match=re.escape(words)) as caught:
        resolve_parameters([(name, value)], declared={"abc_xyz": ABC_XYZ})
    assert name in str(caught.value)


def test_zero_months_only_where_the_notebook_means_whole_history_by_it():
    assert resolve_parameters([("months", "0")], declared={"abc_xyz": ABC_XYZ}) == {"months": 0}
    with pytest.raises(ConfigError, match=r"\(clients\).*between 1 and 240"):
        resolve_parameters([("months", "0")], declared={"abc_xyz": ABC_XYZ, "clients": CLIENTS})


def test_the_command_line_wins_over_kam_toml_and_the_last_value_wins():
    got = resolve_parameters(
        [("months", "24"), ("months", "36")],
        defaults={"months": 18, "at_risk_k": 3},
        declared={"clients": CLIENTS},
    )
    assert got == {"at_risk_k": 3.0, "months": 36}


def test_kam_toml_defaults_for_notebooks_not_rendered_are_not_an_error():
    got = resolve_parameters(
        [],
        defaults={"months": 24, "min_margin": 0.2},
        declared={"clients": CLIENTS},
        available=["min_margin", "months"],
    )
    assert got == {"months": 24}
    with pytest.raises(ConfigError, match="kam.toml"):
        resolve_parameters([], defaults={"nonsense": 1}, declared={"clients": CLIENTS})


def test_kam_toml_parameters_table(tmp_path):
    (tmp_path / "transactions.csv").write_text("account_id,date,revenue\nA,2024-01-05,1\n")
    (tmp_path / "kam.toml").write_text("[parameters]\nmonths = 36\nas_of = 2025-06-30\n")
    assert read_config(tmp_path).parameters == {
        "months": 36,
        "as_of": __import__("datetime").date(2025, 6, 30),
    }
    got = resolve_parameters(
        [],
        defaults=read_config(tmp_path).parameters,
        declared={
            "n": {
                "months": CLIENTS["months"],
                "as_of": {"inferred_type_name": "str", "default": '""'},
            }
        },
    )
    assert got == {"as_of": "2025-06-30", "months": 36}
    (tmp_path / "kam.toml").write_text("[parameters]\nmonths = [1, 2]\n")
    with pytest.raises(ConfigError, match=r"\[parameters\]"):
        read_config(tmp_path)


# ---- the words ---------------------------------------------------------------------------------


def test_window_label_and_conventions_sentence():
    assert window_label("2025-12-31", 12) == "last 12 months to 2025-12-31"
    assert window_label("2025-12-31", None) == "whole history to 2025-12-31"
    text = conventions_sentence(
        as_of="2025-12-31",
        months=36,
        abc_cutoffs=(0.7, 0.9),
        xyz_cutoffs=(0.25, 0.5),
        zero_periods="drop",
    )
    for part in (
        "last 36 months to 2025-12-31 (2023-01-01 to 2025-12-31, months 36)",
        "as of 2025-12-31",
        "A up to 70 %, B up to 90 %",
        "X up to 0.25, Y up to 0.5",
        "above Z; periods without a purchase are left out.",
    ):
        assert part in text


# ---- kam summary -------------------------------------------------------------------------------


def test_summary_states_its_settings_and_labels_each_window(capsys):
    assert main(["summary", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1].startswith("Settings: analysis window last 12 months to 2025-12-31")
    assert "Dependence (last 12 months to 2025-12-31):" in out
    assert "ABC-XYZ cells (clients, whole history to 2025-12-31):" in out
    assert "Key clients (14) hold 54.0 % of sales" in out

    assert main(["summary", str(SAMPLE), "-p", "months", "36"]) == 0
    out = capsys.readouterr().out
    assert "months 36" in out.splitlines()[1]
    assert "Dependence (last 36 months to 2025-12-31):" in out
    assert "Key clients (16) hold 58.1 % of sales" in out  # C0009 & co. were big before 2025


def test_summary_takes_kam_toml_parameters_and_refuses_unknown_names(tmp_path, capsys):
    ws = shutil.copytree(SAMPLE, tmp_path / "ws")
    (ws / "kam.toml").write_text("[parameters]\nmonths = 36\nmin_margin = 0.2\n", encoding="utf-8")
    assert main(["summary", str(ws)]) == 0  # min_margin: for the annual-meeting notebook
    assert "Dependence (last 36 months to 2025-12-31):" in capsys.readouterr().out
    assert main(["summary", str(ws), "-p", "months", "24"]) == 0
    assert "Dependence (last 24 months to 2025-12-31):" in capsys.readouterr().out
    assert main(["summary", str(ws), "-p", "monhts", "24"]) == 78
    err = capsys.readouterr().err
    assert "monhts" in err and "known: abc_a, abc_b, as_of, months" in err


# ---- kam render --------------------------------------------------------------------------------


def _notebook(path: Path, parameters: str, body: str) -> Path:
    nb = nbformat.v4.new_notebook(
        metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "P"}}
    )
    nb.cells = [
        nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(body),
    ]
    nbformat.write(nb, path)
    return path


def _published(out: Path) -> dict[str, str]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {
        e["notebook"]: html.unescape((out / e["path"]).read_text(encoding="utf-8"))
        for e in manifest["reports"]
        if e["status"] == "published"
    }


def test_render_types_the_values_and_gives_each_notebook_only_its_names(tmp_path, capsys):
    ws = shutil.copytree(SAMPLE, tmp_path / "ws")
    (ws / "kam.toml").write_text("[parameters]\nmonths = 24\nat_risk_k = 3\n", encoding="utf-8")
    window = _notebook(
        tmp_path / "window.ipynb",
        "months: int = 12\nat_risk_k: float = 2.0",
        'print(f"months={months!r} {type(months).__name__} k={at_risk_k!r}")',
    )
    other = _notebook(
        tmp_path / "other.ipynb", "label: str = 'x'", 'print("has months:", "months" in dir())'
    )
    out = tmp_path / "out"
    args = ["render", str(ws), "--out", str(out), "--workers", "1"]
    args += ["--notebooks", f"{window},{other}", "-p", "months", "36"]
    assert main(args) == 0, capsys.readouterr().err
    pages = _published(out)
    assert "months=36 int k=3.0" in pages["window"]  # -p wins, kam.toml fills the rest
    assert "has months: False" in pages["other"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["months"] == 36


def test_render_in_python_takes_kam_toml_defaults_and_refuses_bad_ones(tmp_path):
    from kamlib.run.render import render

    ws = shutil.copytree(SAMPLE, tmp_path / "ws")
    notebook = _notebook(tmp_path / "n.ipynb", "months: int = 12", 'print(f"months={months!r}")')
    (ws / "kam.toml").write_text("[parameters]\nmonths = 24\n", encoding="utf-8")
    result = render(ws, tmp_path / "out", notebooks={"n": notebook}, workers=1, progress=False)
    assert result.exit_code == 0, result.error
    assert "months=24" in _published(tmp_path / "out")["n"]
    assert result.manifest["parameters"]["months"] == 24
    (ws / "kam.toml").write_text("[parameters]\nmonths = 'x'\n", encoding="utf-8")
    result = render(ws, tmp_path / "out2", notebooks={"n": notebook}, progress=False)
    assert result.exit_code == 78 and "kam.toml [parameters] months" in result.error
    (ws / "kam.toml").write_text("[parameters]\ninclude_personal_details = true\n", "utf-8")
    declared = {"brief": {"include_personal_details": {"inferred_type_name": "bool"}}}
    with pytest.raises(ConfigError, match="its own option"):
        resolve_parameters([], defaults=read_config(ws).parameters, declared=declared)


def test_render_refuses_an_unknown_name_before_anything_runs(tmp_path, capsys):
    notebook = _notebook(tmp_path / "n.ipynb", "months: int = 12", "print(months)")
    out = tmp_path / "out"
    args = ["render", str(SAMPLE), "--out", str(out), "--notebooks"]
    assert main(args + [str(notebook), "-p", "top_share", "0.2"]) == 78
    err = capsys.readouterr().err
    assert "top_share" in err and "known: months" in err and "Traceback" not in err
    assert not out.exists()
    assert main(args + [str(notebook), "-p", "months", "soon"]) == 78
    assert "must be a whole number" in capsys.readouterr().err


@pytest.mark.slow
def test_render_months_36_changes_what_the_client_analysis_says(tmp_path, capsys):
    """A client big over three years but quiet in the last twelve months becomes key."""
    said = {}
    for months in ("12", "36"):
        out = tmp_path / f"m{months}"
        args = ["render", str(SAMPLE), "--out", str(out), "--workers", "1"]
        args += ["--notebooks", "client_analysis", "-p", "months", months]
        assert main(args) == 0, capsys.readouterr().err
        said[months] = re.sub(
            r"\s+", " ", re.sub(r"<[^>]+>", " ", _published(out)["client_analysis"])
        )
    assert "last 12 months to 2025-12-31 (2025-01-01 to 2025-12-31, months 12)" in said["12"]
    assert "last 36 months to 2025-12-31 (2023-01-01 to 2025-12-31, months 36)" in said["36"]
    assert "Key clients (14) hold 54.0 % of sales" in said["12"]
    assert "Key clients (16) hold 58.1 % of sales" in said["36"]

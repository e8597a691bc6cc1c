"""The `kam` command: exit codes a scheduler can act on, readable errors, no tracebacks."""

from __future__ import annotations

import subprocess
import sys

from kamlib.cli import main


def _ws(tmp_path, tx: str, toml: str = ""):
    (tmp_path / "transactions.csv").write_text(tx, encoding="utf-8")
    if toml:
        (tmp_path / "kam.toml").write_text(toml, encoding="utf-8")
    return tmp_path


def test_validate_ok_prints_the_ledger(tmp_path, capsys):
    ws = _ws(tmp_path, "account_id,date,revenue\nA1,2024-01-01,10\n,2024-01-02,5\n")
    assert main(["validate", str(ws)]) == 0
    out = capsys.readouterr().out
    assert "transactions" in out and "quarantined" in out
    assert "read 15.00 = loaded 10.00" in out
    assert "unassigned (quarantine): 1" in out


def test_validate_bad_input_exits_65_naming_file_line_column(tmp_path, capsys):
    ws = _ws(tmp_path, "account_id,date,revenue\nA1,2024-01-01,10\nA2,31.02.2024,x\n")
    assert main(["validate", str(ws)]) == 65
    err = capsys.readouterr().err
    assert "transactions.csv:3 column 'date'" in err and "[invalid-date]" in err
    assert "transactions.csv:3 column 'revenue'" in err and "[type-error]" in err
    assert "Traceback" not in err


def test_validate_lenient_writes_problems(tmp_path, capsys):
    ws = _ws(tmp_path, "account_id,date,revenue\nA1,2024-01-01,10\nA2,2024-01-01,=1+1\n")
    assert main(["validate", str(ws), "--lenient"]) == 0
    text = (ws / "problems.csv").read_text(encoding="utf-8")
    assert "'=1+1" in text and "type-error" in text


def test_validate_bad_config_exits_78(tmp_path, capsys):
    ws = _ws(tmp_path, "account_id,date,revenue\n", '[workspace]\nmode = "sloppy"\n')
    assert main(["validate", str(ws)]) == 78
    assert "mode" in capsys.readouterr().err
    assert main(["validate", str(tmp_path / "nowhere")]) == 78


def test_console_script_exit_code(tmp_path):
    ws = _ws(
        tmp_path,
        "account_id,date,revenue\nA1,2024-01-01,1\n",
        "[tables.transactions]\ncolumns = { x = 'y' }\n",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "kamlib.cli", "validate", str(ws)], capture_output=True, text=True
    )
    assert proc.returncode == 78
    assert "unknown canonical column" in proc.stderr and "Traceback" not in proc.stderr


def test_summary_of_the_sample(capsys):
    assert main(["summary", "data/sample"]) == 0
    out = capsys.readouterr().out
    assert "Portfolio of 150 accounts" in out and "HHI" in out and "C0112" in out


def test_broken_copy_of_the_sample_exits_65_naming_each_problem(tmp_path, capsys):
    import shutil

    ws = shutil.copytree("data/sample", tmp_path / "ws")
    tx = (ws / "transactions.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    tx[9] = tx[9].replace("2023-", "2023/13/", 1)  # line 10: a bad date
    (ws / "transactions.csv").write_text("".join(tx), encoding="utf-8")
    acc = (ws / "accounts.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (ws / "accounts.csv").write_text("".join(acc + [acc[1]]), encoding="utf-8")  # duplicate key
    assert main(["validate", str(ws)]) == 65
    err = capsys.readouterr().err
    assert "transactions.csv:10 column 'date'" in err and "[invalid-date]" in err
    assert f"accounts.csv:{len(acc) + 1} column 'account_id'" in err and "[primary-key]" in err


def test_cleanup_removes_old_run_folders_only(tmp_path, capsys):
    import os

    from kamlib.run.files import write_run_marker

    out = tmp_path / "reports"
    (out / "published").mkdir(parents=True)
    (out / "published" / "r.html").write_text("report")
    old, new = out / "runs" / "old", out / "runs" / "new"
    for run in (old, new):
        (run / "failed").mkdir(parents=True)
        (run / "workers.log").write_text("log")
        write_run_marker(run, run.name)
    for p in [old, old / "failed", old / "workers.log", old / ".kamlib-run"]:
        os.utime(p, (1_000_000_000, 1_000_000_000))
    assert main(["cleanup", str(out), "--older-than", "30d"]) == 0
    assert "removed 1 run folder(s)" in capsys.readouterr().out
    assert not old.exists() and new.exists() and (out / "published" / "r.html").exists()
    assert main(["cleanup", str(out), "--older-than", "soon"]) == 64  # a bad option


def _account_notebook(path):
    import nbformat

    nb = nbformat.v4.new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}
        }
    )
    parameters = nbformat.v4.new_code_cell(
        'account_id: str = ""', metadata={"tags": ["parameters"]}
    )
    nb.cells = [parameters, nbformat.v4.new_code_cell("print(len(account_id))")]
    nbformat.write(nb, path)
    return path


def test_render_shows_the_abc_xyz_cell_of_each_account_in_the_index(tmp_path, capsys):
    """The classes come from the run's portfolio results (computed once), as abc_xyz gives them."""
    import json
    from pathlib import Path

    from kamlib.load.workspace import load_workspace
    from kamlib.portfolio.abcxyz import abc_xyz

    sample = Path(__file__).resolve().parents[1] / "data" / "sample"
    notebook = _account_notebook(tmp_path / "count.ipynb")
    out = tmp_path / "out"
    accounts = ["C0027", "C0112"]
    code = main(
        [
            "render",
            str(sample),
            "--out",
            str(out),
            "--accounts",
            ",".join(accounts),
            "--notebooks",
            str(notebook),
            "--workers",
            "1",
        ]
    )
    assert code == 0, capsys.readouterr().err
    ws = load_workspace(sample)
    cells = abc_xyz(ws.transactions, end=ws.as_of).set_index("account_id")["cell"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {e["account_id"]: e["class"] for e in manifest["reports"]} == {
        a: str(cells[a]) for a in accounts
    }
    assert all(str(cells[a]) in (out / "index-by-class.html").read_text() for a in accounts)


def test_render_refuses_an_unknown_classes_rule(tmp_path):
    from kamlib.errors import EXIT_USAGE
    from kamlib.run.render import render

    ws = _ws(tmp_path, "account_id,date,revenue\nA1,2024-01-01,10\n")
    result = render(ws, tmp_path / "out", accounts=[], notebooks={}, classes="rfm", progress=False)
    assert result.exit_code == EXIT_USAGE and "`classes`" in result.error


def test_key_selection_includes_the_lost_key_accounts():
    """Lost key accounts head the win-back list: ``--accounts key`` (the default) renders them."""
    from pathlib import Path

    from kamlib.cli import _parser, _select_accounts
    from kamlib.load.workspace import load_workspace
    from kamlib.portfolio.churn import client_status

    ws = load_workspace(Path(__file__).resolve().parents[1] / "data" / "sample")
    assert _parser().parse_args(["render", "x", "--out", "y"]).accounts == "key"
    chosen = set(_select_accounts(ws, "key"))
    assert {"C0027", "C0112", "C0009"} <= chosen  # breadwinner, loss-maker, lost on price
    lost = client_status(ws.transactions, as_of=ws.as_of).query("status == 'lost'").index
    assert {"C0009", "C0054", "C0088", "C0131"} <= chosen
    assert set(lost) - chosen == {"C0015", "C0052", "C0077", "C0118"}  # small when they left

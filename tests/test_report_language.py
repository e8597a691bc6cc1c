"""Reports in the reader's language: ``--lang`` and kam.toml ``lang``, the render in French, the
skip decision across languages, ``kam notebooks``, ``kam export --lang``.

The words checked here are the run area's (kamlib/locale/*/LC_MESSAGES/run.po): the index
pages, the table sentences and the template; the notebooks' own text is another area's.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from kamlib.cli import main
from kamlib.language import language, translate_markdown
from kamlib.run.render import render

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _ws(tmp_path: Path, toml: str | None = None) -> Path:
    ws = tmp_path / "ws"
    ws.mkdir(parents=True)
    (ws / "transactions.csv").write_text(
        "account_id,date,revenue\nA,2024-01-05,10\nB,2024-02-06,30\nA,2024-03-01,12\n",
        encoding="utf-8",
    )
    if toml is not None:
        (ws / "kam.toml").write_text(toml, encoding="utf-8")
    return ws


@pytest.fixture
def captured(monkeypatch):
    """Replace the run by a recorder of its keyword arguments (the CLI's choices, no kernel)."""
    import kamlib.run.render as run_render
    from kamlib.run.render import RunResult

    calls: list[dict] = []

    def fake(workspace, out, **kwargs):
        calls.append(kwargs)
        return RunResult(manifest={}, counts={}, exit_code=0, out=Path(out), summary="")

    monkeypatch.setattr(run_render, "render", fake)
    return calls


# --------------------------------------------------------------------------- choosing the language


@pytest.mark.parametrize(
    ("toml", "option", "expected"),
    [
        (None, [], "en"),
        (None, ["--lang", "ru"], "ru"),
        ('lang = "af"\n', [], "af"),
        ('lang = "af"\n[workspace]\nmode = "strict"\n', ["--lang", "fr"], "fr"),  # option wins
        ('lang = "fr"\n', ["--lang", "en"], "en"),
    ],
)
def test_render_takes_the_option_then_kam_toml_then_english(
    tmp_path, captured, toml, option, expected
):
    ws = _ws(tmp_path, toml)
    assert (
        main(["render", str(ws), "--out", str(tmp_path / "out"), "--accounts", "A", *option]) == 0
    )
    assert captured[-1]["lang"] == expected


def test_an_unknown_language_option_exits_64_naming_the_choices(tmp_path, captured, capsys):
    ws = _ws(tmp_path)
    code = main(["render", str(ws), "--out", str(tmp_path / "out"), "--lang", "de"])
    assert code == 64 and not captured
    err = capsys.readouterr().err
    assert "--lang: 'de' is not a report language; choose one of en, fr, ru, af" in err
    assert main(["summary", str(ws), "--lang", "DE"]) == 64


def test_an_unknown_language_in_kam_toml_is_a_config_error(tmp_path, captured, capsys):
    ws = _ws(tmp_path, 'lang = "de"\n')
    assert main(["render", str(ws), "--out", str(tmp_path / "out")]) == 78
    err = capsys.readouterr().err
    assert "kam.toml: lang = 'de'" in err and "'en', 'fr', 'ru' or 'af'" in err
    assert not captured


def test_lang_inside_a_section_is_an_unknown_key(tmp_path, capsys):
    ws = _ws(tmp_path, '[workspace]\nlang = "fr"\n')
    assert main(["validate", str(ws)]) == 78
    assert "[workspace] unknown key 'lang'" in capsys.readouterr().err


def test_lang_is_not_a_parameter(tmp_path, captured, capsys):
    ws = _ws(tmp_path)
    code = main(["render", str(ws), "--out", str(tmp_path / "out"), "-p", "lang", "fr"])
    assert code == 78 and not captured
    assert "-p lang: the report language is set by --lang" in capsys.readouterr().err
    ws2 = _ws(tmp_path / "two", '[parameters]\nlang = "fr"\n')
    assert main(["render", str(ws2), "--out", str(tmp_path / "out2")]) == 78
    assert "kam.toml [parameters] lang" in capsys.readouterr().err


def test_render_refuses_an_unknown_language(tmp_path):
    result = render(_ws(tmp_path), tmp_path / "out", notebooks={}, lang="xx", progress=False)
    assert result.exit_code == 64 and "`lang`: 'xx'" in result.error


# --------------------------------------------------------------------------- a run in French


def _notebook(folder: Path) -> Path:
    """A portfolio notebook with a markdown message of the run area, the kernel's language and
    an empty table (its sentence comes from kamlib, in the kernel)."""
    nb = nbformat.read(Path(__file__).parent / "notebooks" / "hello.ipynb", as_version=4)
    nb.cells = [
        nbformat.v4.new_code_cell('run_id: str = ""', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_markdown_cell("Portfolio reports\n\nA paragraph in no catalogue."),
        nbformat.v4.new_code_cell(
            "import pandas as pd\n"
            "from kamlib.language import current_language\n"
            "from kamlib.report.elements import table\n"
            'print("kernel language:", current_language())\n'
            'table(pd.DataFrame({"x": []}), caption="Tenders")'
        ),
    ]
    path = folder / "words.ipynb"
    nbformat.write(nb, path)
    return path


def _text(path: Path) -> str:
    page = path.read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_a_french_run_then_an_english_one_renders_again(tmp_path):
    ws = _ws(tmp_path)
    nb = _notebook(tmp_path)
    out = tmp_path / "out"

    def run(lang):
        result = render(ws, out, portfolio_notebooks={"words": nb}, lang=lang, progress=False)
        assert result.exit_code == 0, result.error
        entry = result.manifest["reports"][0]
        return result, entry, out / entry["path"]

    result, entry, report = run("fr")
    assert entry["status"] == "published" and result.manifest["parameters"]["lang"] == "fr"
    page = report.read_text(encoding="utf-8")
    assert '<html lang="fr">' in page
    text = _text(report)
    assert "Rapports de portefeuille" in text and "Portfolio reports" not in text  # markdown
    assert "A paragraph in no catalogue." in text  # no translation: the English
    assert "kernel language: fr" in text and "Tenders : aucun élément." in text
    assert "kamlib-language" not in page and "use_language" not in page  # the hidden cell
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in index
    assert "<h1>Comptes</h1>" in index and "<h2>Rapports de portefeuille</h2>" in index
    assert ">ouvrir</a>" in index and "Aucun rapport de compte dans cette exécution." in index

    result, entry, report = run("en")  # another language: rendered again, not skipped
    assert entry["status"] == "published"
    assert '<html lang="en">' in report.read_text(encoding="utf-8")
    text = _text(report)
    assert "Portfolio reports" in text and "kernel language: en" in text
    assert "Tenders: none." in text
    assert "<h1>Accounts</h1>" in (out / "index.html").read_text(encoding="utf-8")

    result, entry, _report = run("en")
    assert (entry["status"], entry["reason"]) == ("skipped", "up_to_date")


def test_the_sample_in_french_from_the_command_line(tmp_path, capsys):
    """kam render --lang fr on one account of the sample (one notebook): the report and the
    index say lang="fr", the index's headings and columns are French."""
    out = tmp_path / "r-fr"
    code = main(
        [
            "render",
            str(SAMPLE),
            "--out",
            str(out),
            "--accounts",
            "C0027",
            "--notebooks",
            "development_plan",
            "--lang",
            "fr",
        ]
    )
    assert code == 0, capsys.readouterr().err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = manifest["reports"]
    assert entry["status"] == "published" and manifest["parameters"]["lang"] == "fr"
    assert '<html lang="fr">' in (out / entry["path"]).read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in index
    for words in (
        "<h1>Comptes</h1>",
        "<h2>Rapports par compte</h2>",
        ">Responsable de compte</a>",
        ">Région</a>",
        "Chiffre d&#x27;affaires, 12 mois (EUR) &#9660;",
        ">Statut</a>",
        ">ouvrir</a>",  # one notebook: its link says open
        "Chiffres des 12 mois jusqu&#x27;au 31 déc. 2025, en EUR.",
    ):
        assert words in index, words
    managers = (out / "managers.html").read_text(encoding="utf-8")
    assert "<h1>Responsables de compte</h1>" in managers and '<html lang="fr">' in managers


# --------------------------------------------------------------------------- kam notebooks


def test_kam_notebooks_writes_translated_copies_and_refuses_to_overwrite(tmp_path, capsys):
    folder = tmp_path / "ru"
    assert main(["notebooks", str(folder), "--lang", "ru"]) == 0
    from kamlib.bundled import notebooks_folder

    bundled = sorted(notebooks_folder().glob("*.ipynb"))
    assert sorted(p.name for p in folder.iterdir()) == [p.name for p in bundled]
    for source in bundled:
        original = nbformat.read(source, as_version=4)
        copy = nbformat.read(folder / source.name, as_version=4)
        parameters = next(c for c in copy.cells if "parameters" in c.metadata.get("tags", []))
        assert re.search(r'^lang: str = "ru"', parameters.source, re.M), source.name
        assert any("use_language(lang)" in c.source for c in copy.cells if c.cell_type == "code")
        with language("ru"):
            expected = [
                translate_markdown(c.source) for c in original.cells if c.cell_type == "markdown"
            ]
        assert [c.source for c in copy.cells if c.cell_type == "markdown"] == expected

    capsys.readouterr()
    assert main(["notebooks", str(folder), "--lang", "fr"]) == 64
    assert (
        "already holds" in capsys.readouterr().err
        and "--force" in capsys.readouterr().err + "--force"
    )
    assert main(["notebooks", str(folder), "--lang", "fr", "--force"]) == 0
    copy = nbformat.read(folder / bundled[0].name, as_version=4)
    assert 'lang: str = "fr"' in copy.cells[0].source
    assert main(["notebooks", str(tmp_path / "x"), "--lang", "de"]) == 64


def test_set_language_parameter_keeps_the_comment_and_adds_what_is_missing():
    from kamlib.run.lab import set_language_parameter

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            'months: int = 12\nlang: str = "en"  # the language', metadata={"tags": ["parameters"]}
        ),
        nbformat.v4.new_code_cell("import kamlib\nkamlib.use_language(lang)"),
    ]
    set_language_parameter(nb, "af")
    assert nb.cells[0].source == 'months: int = 12\nlang: str = "af"  # the language'
    assert nb.cells[1].source == "import kamlib\nkamlib.use_language(lang)"

    old = nbformat.v4.new_notebook()
    old.cells = [
        nbformat.v4.new_code_cell("months: int = 12", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell("import kamlib"),
    ]
    set_language_parameter(old, "ru")
    assert old.cells[0].source.splitlines()[-1].startswith('lang: str = "ru"')
    assert old.cells[2].source.endswith("use_language(lang)")


# --------------------------------------------------------------------------- kam export


def test_kam_export_in_french_names_the_sheets_in_french(tmp_path):
    import openpyxl

    ws = tmp_path / "sample"
    shutil.copytree(SAMPLE, ws)
    book = tmp_path / "analyse.xlsx"
    assert main(["export", str(ws), "--out", str(book), "--lang", "fr"]) == 0
    sheets = openpyxl.load_workbook(book, read_only=True).sheetnames
    assert sheets[:4] == ["Paramètres", "Classes ABC-XYZ", "Matrice ABC-XYZ", "Clients clés"]
    settings = openpyxl.load_workbook(book, read_only=True)["Paramètres"]
    items = [row[0] for row in settings.iter_rows(min_row=2, values_only=True)]
    assert items == [
        "espace de travail",
        "date d'analyse",
        "période d'analyse",
        "classes",
        "paramètres",
    ]

"""The four analysis notebooks: checked as committed, then executed end to end on the sample.

Static checks (fast): outputs stripped, one ``parameters`` cell of literal ``name: type = value
# help`` lines that papermill can read, nothing but kamlib calls and display (no ``def``,
``class``, loops or ``if`` blocks), no unsafe display patterns (docs/reliability.md case 50), and a
sentence above and a computed conclusion below every figure.

Runs (papermill, Python API, report mode): every notebook on the bundled sample (the account
notebooks for the breadwinner C0027, the loss-maker C0112 and the lost key client C0009), and
two on a workspace that holds nothing but transactions. Each run must finish without an error
output and say what the sample's planted phenomena are (data/README.md).

Languages (issue 12): every notebook takes ``lang``; the text its code cells show goes through
``gettext`` (checked statically), its catalogue ``notebooks`` is translated in every shipped
language, and the annual meeting run in Russian shows Russian headings and captions.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from kamlib.report.elements import export_html, scan_html

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SAMPLE = ROOT / "data" / "sample"
NAMES = ("client_analysis", "abc_xyz", "annual_meeting", "development_plan")
ACCOUNT_NOTEBOOKS = ("annual_meeting", "development_plan")

# name: type = literal  # help   (one '=' only: papermill skips a line with two)
PARAMETER_LINE = re.compile(
    r"^(?P<name>[a-z_][a-z0-9_]*): (?P<type>str|int|float|bool) = "
    r'(?P<value>"[^"=]*"|-?\d+(?:\.\d+)?|True|False)  # [^=]+$'
)
BANNED = ("display(HTML(f", "Markdown(f", "render_links=True", "escape=False", "embed_images")
FORBIDDEN_NODES = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Lambda,
    ast.For,
    ast.While,
    ast.If,
    ast.With,
    ast.Try,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def _code_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


# ---- static checks ---------------------------------------------------------------------------


def test_the_four_notebooks_and_their_readme_exist():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == sorted(NAMES)
    readme = (NOTEBOOKS / "README.md").read_text(encoding="utf-8")
    for name in NAMES:
        assert f"{name}.ipynb" in readme


@pytest.mark.parametrize("name", NAMES)
def test_committed_without_outputs(name):
    nb = _read(name)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata.kernelspec.name == "python3"
    for cell in _code_cells(nb):
        assert cell.outputs == [], f"{name}: a cell has outputs"
        assert cell.execution_count is None, f"{name}: a cell has an execution count"
    assert "widgets" not in nb.metadata, f"{name}: widget state is saved in the metadata"


@pytest.mark.parametrize("name", NAMES)
def test_one_parameters_cell_of_literal_lines(name):
    nb = _read(name)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0] is nb.cells[0], "the first cell, and only it"
    lines = tagged[0].source.splitlines()
    parsed = {}
    for line in lines:
        match = PARAMETER_LINE.match(line)
        assert match, f"{name}: not 'name: type = literal  # help': {line!r}"
        value = ast.literal_eval(match["value"])
        assert type(value).__name__ == match["type"], line
        parsed[match["name"]] = value
    # papermill reads every line (what `papermill --help-notebook` and kam render rely on)
    declared = pm.inspect_notebook(str(NOTEBOOKS / f"{name}.ipynb"))
    assert list(declared) == list(parsed)
    assert parsed["workspace"] == "" and parsed["interactive"] is True
    assert ("account_id" in parsed) == (name in ACCOUNT_NOTEBOOKS)


@pytest.mark.parametrize("name", NAMES)
def test_cells_only_call_kamlib_and_display(name):
    nb = _read(name)
    derive = nb.cells[1]
    assert "ws = cache.workspace(workspace" in derive.source  # the run cache, or a fresh load
    assert ("account=account_id)" in derive.source) == (name in ACCOUNT_NOTEBOOKS)  # a slice
    for cell in _code_cells(nb):
        tree = ast.parse(cell.source)
        found = [type(n).__name__ for n in ast.walk(tree) if isinstance(n, FORBIDDEN_NODES)]
        assert not found, f"{name}: {found} in a cell:\n{cell.source}"
        imported = [
            a.name
            for n in ast.walk(tree)
            if isinstance(n, ast.Import | ast.ImportFrom)
            for a in n.names
        ]
        assert "HTML" not in imported and "Markdown" not in imported, name
    text = "\n".join(c.source for c in nb.cells)
    for pattern in BANNED:
        assert pattern not in text, f"{name}: banned pattern {pattern!r}"


@pytest.mark.parametrize("name", NAMES)
def test_every_figure_has_a_sentence_above_and_a_conclusion_below(name):
    nb = _read(name)
    figures = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "plt.show()" not in cell.source:
            continue
        figures += 1
        assert nb.cells[i - 1].cell_type == "markdown", f"{name}: no sentence above\n{cell.source}"
        after = cell.source.split("plt.show()", 1)[1]
        assert "paragraph(words." in after, f"{name}: no conclusion below\n{cell.source}"
    assert figures >= 1


@pytest.mark.parametrize("name", NAMES)
def test_personal_data_stays_out_unless_asked_for(name):
    """No notebook names a personal column; the opt-in parameter is off by default (case 74)."""
    nb = _read(name)
    code = "\n".join(c.source for c in _code_cells(nb)[1:])
    for column in ("birthday", "family", "hobbies", "notes"):
        assert not re.search(rf"\b{column}\b", code), f"{name}: uses the personal column {column}"
    declared = pm.inspect_notebook(str(NOTEBOOKS / f"{name}.ipynb"))
    if name == "annual_meeting":
        assert declared["include_personal_details"]["default"] == "False"
        assert "include_personal_details=include_personal_details" in code
    else:
        assert "include_personal_details" not in declared


# the keywords and calls whose text a reader sees: a literal there is English in every language
SHOWN_KEYWORDS = ("caption", "empty", "label")
SHOWN_CALLS = ("heading", "paragraph", "if_recorded")


def _literal_text(node) -> bool:
    """A non-empty string literal or an f-string: text that no translation reaches."""
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value != ""
    )


@pytest.mark.parametrize("name", NAMES)
def test_a_lang_parameter_set_before_anything_is_shown(name):
    declared = pm.inspect_notebook(str(NOTEBOOKS / f"{name}.ipynb"))
    assert declared["lang"]["default"] == '"en"'
    setup = _read(name).cells[1].source
    assert "from kamlib.language import gettext as _" in setup
    assert setup.index("use_language(lang)") < setup.index("ws = cache.workspace(workspace")
    assert "display(" not in setup


@pytest.mark.parametrize("name", NAMES)
def test_the_text_the_code_cells_show_is_marked_for_translation(name):
    found = []
    for cell in _code_cells(_read(name))[1:]:
        for node in ast.walk(ast.parse(cell.source)):
            if not isinstance(node, ast.Call):
                continue
            callee = getattr(node.func, "attr", getattr(node.func, "id", ""))
            shown = [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
            if callee in SHOWN_CALLS:
                shown += node.args[-1:]  # the text: paragraph(x), if_recorded(ws, table, x)
            if callee == "settings_sentence":  # names and values of the settings stated
                shown += [
                    n for d in node.args if isinstance(d, ast.Dict) for n in d.keys + d.values
                ]
            if callee == "rename":
                shown += [
                    v
                    for k in node.keywords
                    if isinstance(k.value, ast.Dict)
                    for v in k.value.values
                ]
            found += [ast.unparse(n) for n in shown if _literal_text(n)]
    assert not found, f"{name}: English text not marked with _(): {found}"


def test_the_notebooks_catalogue_is_translated_in_every_language():
    from kamlib.catalogues import check

    problems = [p for p in check(areas=["notebooks"]) if "notebooks.po" in p]
    assert problems == []


def test_ruff_passes_on_the_notebooks():
    ruff = Path(sys.executable).with_name("ruff")
    if not ruff.exists():
        pytest.skip("ruff is not installed")
    done = subprocess.run(
        [str(ruff), "check", str(NOTEBOOKS)], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stdout + done.stderr


# ---- runs ------------------------------------------------------------------------------------


def _execute(name: str, out: Path, **parameters) -> nbformat.NotebookNode:
    parameters = {"workspace": str(SAMPLE), "interactive": False} | parameters
    pm.execute_notebook(
        str(NOTEBOOKS / f"{name}.ipynb"),
        str(out),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        request_save_on_cell_execute=False,
        cwd=str(out.parent),
    )
    return nbformat.read(out, as_version=4)


def _outputs(nb) -> list:
    return [o for c in _code_cells(nb) for o in c.outputs]


def _text(nb) -> str:
    """The text a reader sees: HTML with its tags removed and entities undone, and streams."""
    import html

    parts = []
    for o in _outputs(nb):
        if o.output_type in ("display_data", "execute_result"):
            parts.append(o.data.get("text/html", o.data.get("text/plain", "")))
        elif o.output_type == "stream" and o.name == "stdout":
            parts.append(o.text)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", "\n".join(parts))))


def _check_ran(nb) -> None:
    errors = [o for o in _outputs(nb) if o.output_type == "error"]
    assert not errors, [f"{o.ename}: {o.evalue}" for o in errors]
    assert not [o for o in _outputs(nb) if WIDGET_VIEW in o.get("data", {})], "a widget in a report"
    tracebacks = [
        o.text for o in _outputs(nb) if o.output_type == "stream" and "Traceback" in o.text
    ]
    assert not tracebacks, tracebacks
    assert scan_html(export_html(nb, title="test")) == []  # the security gate of kam render


def _images(nb) -> int:
    return sum("image/png" in o.get("data", {}) for o in _outputs(nb))


def _only_this_account(text: str, account_id: str, ws) -> None:
    """Nothing in an account's report names another account (docs/reliability.md case 80)."""
    others = ws.accounts[ws.accounts["account_id"] != account_id]
    assert not [a for a in others["account_id"] if re.search(rf"\b{a}\b", text)]
    assert not [n for n in others["name"].dropna() if n and n in text]


def _personal_values(account_id: str, ws) -> list[str]:
    """The account's contacts' birthdays (as in the file), family, hobbies and notes."""
    rows = ws.contacts[ws.contacts["account_id"] == account_id]
    values = [v for c in ("family", "hobbies", "notes") for v in rows[c].dropna() if v]
    return values + rows["birthday"].dropna().dt.strftime("%Y-%m-%d").tolist()


def test_client_analysis_finds_the_planted_phenomena(tmp_path):
    nb = _execute("client_analysis", tmp_path / "client_analysis.ipynb")
    _check_ran(nb)
    text = _text(nb)
    assert _images(nb) == 5  # Pareto, whale curve, losses over time, by region/manager, 2x2
    assert (
        "Breadwinners (10 % or more of gross profit): Hartmann Industrietechnik GmbH (C0027" in text
    )
    assert "1 large client loses money: Baltic Cargo Hub AS (C0112)" in text
    assert "Key clients (14) hold" in text and "within the typical 30-55 % band" in text
    for lost in ("C0009", "C0054", "C0088", "C0131"):  # lost key clients lose competitiveness
        assert re.search(rf"lost 1 point or more since the previous assessment:.*\({lost}, -", text)
    assert "5 of 15 prospects qualified" in text
    for prospect in ("C0022", "C0049", "C0093", "C0123", "C0146"):
        assert f"({prospect})" in text
    assert "Accounts by annual value" in text  # the static account lookup


def test_abc_xyz_classes_matrix_migration_and_static_explorer(tmp_path):
    nb = _execute("abc_xyz", tmp_path / "abc_xyz.ipynb", abc_a=0.8, xyz_x=0.5)
    _check_ran(nb)
    text = _text(nb)
    assert _images(nb) == 1
    assert "The largest cell is AX" in text
    assert "From 2024 to 2025:" in text and "changed cell" in text
    assert "With the classic preset (X up to 0.10, Y up to 0.25)" in text
    assert "Clients per class under other cut-offs" in text
    assert "protect: long-term contract" in text  # the strategies


@pytest.mark.parametrize(
    ("account_id", "name", "expected"),
    [
        (
            "C0027",
            "Hartmann Industrietechnik GmbH",
            ["1 tender to prepare: Safety supply 2026-2028 on 2026-03-31", "ABC-XYZ cell AX"],
        ),
        ("C0112", "Baltic Cargo Hub AS", ["gross margin 6.", "on 2026-09-30"]),
        (
            "C0009",
            "Castellano Automoción SA",
            [
                "5 of 5 contacts not reached for more than 90 days",
                "lost to NordSupply AG",
                "No tender in its preparation window.",
            ],
        ),
    ],
)
def test_annual_meeting_brief_of_an_account(tmp_path, sample_workspace, account_id, name, expected):
    nb = _execute(
        "annual_meeting", tmp_path / f"annual_meeting-{account_id}.ipynb", account_id=account_id
    )
    _check_ran(nb)
    text = _text(nb)
    assert f"Annual meeting: {name} ({account_id})" in text
    assert _images(nb) == 2  # revenue history, DMU map
    for sentence in expected:
        assert sentence in text
    for part in ("1. Financial report", "2. Results of the previous meeting", "9. Draft proposal"):
        assert part in "\n".join(c.source for c in nb.cells)
    assert "Volume increase needed to keep today's contribution, by discount" in text
    # the kind of proposal depends on the account's situation
    kinds = ("Draft proposal for", "Repair proposal", "Win-back offer")
    assert any(kind in text for kind in kinds) and "valid until" in text
    _only_this_account(text, account_id, sample_workspace)
    # whole words: a family value "partner" must not leak, "years of partnership" is no leak
    leaked = [
        v
        for v in _personal_values(account_id, sample_workspace)
        if re.search(rf"(?<!\w){re.escape(v)}(?!\w)", text)
    ]
    assert not leaked


def test_development_plan_of_the_breadwinner(tmp_path, sample_workspace):
    nb = _execute(
        "development_plan", tmp_path / "development_plan.ipynb", account_id="C0027", growth="0.05"
    )
    _check_ran(nb)
    text = _text(nb)
    assert "Development plan 2026: Hartmann Industrietechnik GmbH (C0027)" in text
    assert _images(nb) == 1  # plan against actual
    assert "key-client types: breadwinner, expert" in text
    # one target for the plan year, from the targets table, spread over the 21 products
    assert "Our revenue target for 2026: 4,796,900 (from the targets table)" in text
    assert "Growth per product: plan target 21" in text
    assert "Total target under other growth assumptions" in text
    assert "contacts planned for 2026" in text and "executive meeting" in text
    assert "2025: actual" in text
    _only_this_account(text, "C0027", sample_workspace)


def test_development_plan_of_a_client_too_new_for_xyz(tmp_path, sample_workspace):
    # C0148 started buying in November 2025: its ABC-XYZ cell is the label "too new"
    nb = _execute("development_plan", tmp_path / "development_plan.ipynb", account_id="C0148")
    _check_ran(nb)
    text = _text(nb)
    assert "ABC-XYZ cell too new; key-client types: perspective" in text
    assert "contact plan uses class B's cadence" in text
    _only_this_account(text, "C0148", sample_workspace)


def test_the_annual_meeting_in_russian(tmp_path, sample_workspace):
    """The code cells' headings, captions and headers read in Russian; names and ids stay data."""
    from babel.messages.pofile import read_po

    nb = _execute(
        "annual_meeting", tmp_path / "annual_meeting.ipynb", account_id="C0027", lang="ru"
    )
    _check_ran(nb)
    text = _text(nb)
    assert "Ежегодная встреча: Hartmann Industrietechnik GmbH (C0027)" in text
    assert "Встреча 31.12.2025; плановый год 2026." in text
    assert "Annual meeting:" not in text and "Meeting on" not in text
    html = "\n".join(o.data.get("text/html", "") for o in _outputs(nb) if "data" in o)
    captions = set(re.findall(r"<caption>([^<]*)</caption>", html))
    headings = set(re.findall(r"<h[12][^>]*>([^<]*)</h[12]>", html))
    with (ROOT / "kamlib" / "locale" / "notebooks.pot").open("rb") as handle:
        english = {m.id for m in read_po(handle) if m.id}
    assert not (captions | headings) & english, "a caption or heading of the notebook in English"
    assert {"Общие сведения", "Границы переговоров", "Сервис по кварталам", "Открытые сделки"} <= (
        captions
    )
    assert "Сводка" in headings
    assert "<th>Вовремя и полностью</th>" in html  # a column the notebook names
    _only_this_account(text, "C0027", sample_workspace)


@pytest.fixture(scope="module")
def transactions_only(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("transactions-only")
    shutil.copy(SAMPLE / "transactions.csv", folder / "transactions.csv")
    return folder


@pytest.mark.parametrize(
    ("name", "parameters"),
    [
        ("client_analysis", {}),
        ("annual_meeting", {"account_id": "C0027"}),
    ],
)
def test_a_workspace_of_transactions_only(tmp_path, transactions_only, name, parameters):
    nb = _execute(name, tmp_path / f"{name}.ipynb", workspace=str(transactions_only), **parameters)
    _check_ran(nb)
    text = _text(nb)
    if name == "annual_meeting":
        assert "Not known for lack of data" in text  # one table, each missing input once
        assert text.count("no products table") == 1 and text.count("no contacts table") == 1
        assert "Tenders at this client" not in text  # no empty grids for tables not there
    else:
        assert "No competitiveness scores." in text and "No prospects." in text

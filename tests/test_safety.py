"""Safety of what is published: docs/reliability.md sections E, F, I and K, end to end.

One hostile workspace, cut from the generated sample (a few accounts, every table): every text
that can reach a report carries every script payload, the contacts carry personal-data canaries,
and three accounts carry canaries of their own. It is rendered with the real notebooks through
:func:`kamlib.run.render.render`, and the published HTML is parsed (a DOM walk, not a substring
search), the manifest, the run's log and stderr are searched for the canaries.

Runs (kernel starts and the notebooks cost seconds each, so they are shared):

- ``default_run``: all four notebooks, accounts A and B, plus a notebook that fails with a
  personal value in its error (cases 47, 56, 74, 77, 78, 80);
- ``opt_in_run``: the annual meeting of account A with ``include_personal_details=True``
  (case 75);
- ``second_seed_run``: the annual meeting of A and the client analysis again, in another
  process with another ``PYTHONHASHSEED`` (case 103).

The retention clean-up (case 81) is tested on folders made by hand.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pandas as pd
import pytest

from kamlib.errors import EXIT_FAILED, EXIT_USAGE
from kamlib.load.sample import _csv_ready, generate_sample
from kamlib.run.render import render

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "</td></table><script>",
    "javascript:alert(1)",
    "{{7*7}}",
    "$\\x$",
)
HOSTILE = " ".join(PAYLOADS)

# Three accounts of the sample in three different industries (so that none is another's
# cross-sell peer) and a few more that make a portfolio. A and B are rendered; C only in the
# portfolio reports.
A, B, C = "C0027", "C0009", "C0112"  # Machinery, Automotive, Logistics
OTHERS = ("C0105", "C0061", "C0054", "C0018", "C0003", "C0143", "C0022", "C0049", "C0101",
          "C0015", "C0066", "C0126")  # fmt: skip
HOSTILE_ID = '"><SVG ONLOAD=ALERT(1)>'  # replaces C0105 (ids are upper-cased by the loader)
TRADING = "Trading $\\x$ Ltd"  # account A's name (case 56)
CANARY = {A: "ZQXACCA", B: "ZQXACCB", C: "ZQXACCC"}

# Personal data of every contact: family, hobbies and notes are never shown; the birthday only
# as DD.MM and only when asked for. 7 January 1917 is upcoming at the sample's 2025-12-31.
BIRTHDAY = "1917-01-07"
BIRTH_YEAR = re.compile(r"(?<![\d,.])1917(?![\d,])")
BIRTH_DAY = re.compile(r"(?<![\d,.])07\.01(?![\d.])")
PERSONAL = {"family": "ZQXFAMILY", "hobbies": "ZQXHOBBY", "notes": "ZQXNOTES"}
# the header of the opt-in column: its name, or its label ("Upcoming birthday")
UPCOMING = re.compile(r"upcoming[_ ]birthday", re.IGNORECASE)

# Text columns that hold a value to show. Codes that drive logic (status, currency, period)
# keep their values.
TEXT = {
    "transactions": ("region", "account_name"),
    "accounts": ("name", "region", "industry", "manager", "lost_reason"),
    "products": ("name", "category"),
    "contacts": ("name", "title", "dmu_role", "attitude", "family", "hobbies", "notes"),
    "meetings": ("type", "participants", "summary", "outcome"),
    "actions": ("description", "owner", "department"),
    "tenders": ("title", "reason", "winner"),
    "competitors": ("competitor", "strengths", "weaknesses"),
    "scores": ("category", "assessor"),
    "targets": ("category",),
    "cost_to_serve": ("kind",),
}
# Free text that belongs to one account: tagged with that account's canary.
OWN_TEXT = {
    "transactions": ("account_name",),
    "accounts": ("name",),
    "contacts": ("name", "title"),
    "meetings": ("participants", "summary", "outcome"),
    "actions": ("description",),
    "tenders": ("title", "reason", "winner"),
    "competitors": ("competitor", "strengths", "weaknesses"),
}


def _hostile(values: pd.Series) -> pd.Series:
    """Every payload after each value (the same value always becomes the same text)."""
    return (values + " " + HOSTILE).where(values.notna()).astype("str")


def _tagged(frame: pd.DataFrame, column: str) -> pd.Series:
    tag = frame["account_id"].map(CANARY)
    return (frame[column] + " " + tag).where(tag.notna(), frame[column]).astype("str")


def _only_products(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Give A, B and C each a product (and category) that only they buy (case 80)."""
    tx = tables["transactions"].copy()
    extra = []
    for account, tag in CANARY.items():
        lines = tx.index[tx["account_id"] == account][::7]
        tx.loc[lines, "product_id"] = f"ONLY-{tag}"
        extra.append(
            {
                "product_id": f"ONLY-{tag}",
                "name": f"{tag} product",
                "category": f"{tag} category",
                "unit_cost": 1.0,
                "list_price": 2.0,
            }
        )
    products = pd.concat([tables["products"], pd.DataFrame(extra)], ignore_index=True)
    return tables | {"transactions": tx, "products": products}


def write_hostile_workspace(folder: Path) -> Path:
    """Write the hostile workspace (CSV files and ``kam.toml``) to `folder`; return it."""
    tables = generate_sample(seed=7)
    keep = {A, B, C, *OTHERS}
    tables = {
        name: frame[frame["account_id"].isin(keep)].reset_index(drop=True)
        if "account_id" in frame.columns
        else frame
        for name, frame in tables.items()
    }
    tables = _only_products(tables)
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame = frame.copy()
        if name == "contacts":
            frame["birthday"] = pd.Timestamp(BIRTHDAY)
            for column, canary in PERSONAL.items():
                frame[column] = frame[column] + " " + canary
        for column in OWN_TEXT.get(name, ()):
            frame[column] = _tagged(frame, column)
        for column in TEXT.get(name, ()):
            frame[column] = _hostile(frame[column])
        if name == "accounts":
            frame.loc[frame["account_id"] == A, "name"] = TRADING
        if name == "transactions":
            frame.loc[frame["account_id"] == A, "account_name"] = TRADING
        for column in ("account_id", "parent_id"):
            if column in frame.columns:
                frame[column] = frame[column].replace({"C0105": HOSTILE_ID})
        _csv_ready(frame).to_csv(
            folder / f"{name}.csv",
            index=False,
            lineterminator="\n",
            float_format="%.2f",
            date_format="%Y-%m-%d",
        )
    (folder / "kam.toml").write_text('[workspace]\nas_of = "2025-12-31"\n', encoding="utf-8")
    return folder


# ---- reading what was published ---------------------------------------------------------------

BANNED_ELEMENTS = {
    "script",
    "iframe",
    "object",
    "embed",
    "form",
    "base",
    "frame",
    "frameset",
    "applet",
    "link",
}
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")


class Dom(HTMLParser):
    """A DOM walk of a document: what could run, the visible text, the table headers.

    Written here on purpose rather than reusing :func:`kamlib.report.elements.scan_html`, so that
    the gate is checked by a second, independent reading.
    """

    def __init__(self, document: str):
        super().__init__(convert_charrefs=True)
        self.findings: list[str] = []
        self.texts: list[str] = []
        self.headers: list[str] = []
        self.attributes: list[str] = []
        self._hidden = 0  # inside <style> or <script>
        self._th: list[str] | None = None
        self.feed(document)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag in BANNED_ELEMENTS:
            self.findings.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.findings.append(f"<{tag} {name}=...>")
            squashed = _IGNORED_IN_URLS.sub("", value or "").lower()
            if "javascript:" in squashed or "vbscript:" in squashed:
                self.findings.append(f"<{tag} {name}> holds a script URL")
            if value and not squashed.startswith("data:"):
                self.attributes.append(value)
        if tag in ("style", "script"):
            self._hidden += 1
        if tag == "th":
            self._th = []

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._hidden = max(0, self._hidden - 1)
        if tag == "th" and self._th is not None:
            self.headers.append("".join(self._th))
            self._th = None

    def handle_data(self, data):
        if not self._hidden:
            self.texts.append(data)
            if self._th is not None:
                self._th.append(data)

    @property
    def text(self) -> str:
        """The text nodes, one a line (a value never runs into the next cell's)."""
        return "\n".join(self.texts)

    @property
    def visible(self) -> str:
        """Text and attribute values (not data: URLs): everything a reader could come across."""
        return self.text + "\n" + "\n".join(self.attributes)


# ---- the runs ---------------------------------------------------------------------------------

REAL = {
    name: NOTEBOOKS / f"{name}.ipynb"
    for name in ("client_analysis", "abc_xyz", "annual_meeting", "development_plan")
}


def _failing_notebook(path: Path) -> Path:
    """A portfolio notebook whose error message holds a contact's notes and birthday (case 77)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_code_cell(
            'workspace: str = ""  # the workspace', metadata={"tags": ["parameters"]}
        ),
        nbformat.v4.new_code_cell(
            "import kamlib\n"
            "ws = kamlib.load_workspace(kamlib.resolve_workspace(workspace))\n"
            "contact = ws.contacts.iloc[0]\n"
            "raise ValueError(f\"cannot use {contact['notes']} born {contact['birthday']}\")"
        ),
    ]
    nbformat.write(nb, path)
    return path


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


@contextlib.contextmanager
def _captured_stderr_and_logs(folder: Path):
    """Everything written to fd 2 (this process and its children) and every log record."""
    handler = _Records()
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root, ours = logging.getLogger(), logging.getLogger("kamlib")
    levels = root.level, ours.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    ours.setLevel(logging.DEBUG)
    err_path = folder / "stderr.txt"
    sys.stderr.flush()
    saved = os.dup(2)
    captured = SimpleNamespace(stderr="", logs=handler.lines)
    try:
        with open(err_path, "w", encoding="utf-8") as err, contextlib.redirect_stderr(err):
            os.dup2(err.fileno(), 2)
            try:
                yield captured
            finally:
                sys.stderr.flush()
                os.dup2(saved, 2)
    finally:
        os.close(saved)
        root.removeHandler(handler)
        root.setLevel(levels[0])
        ours.setLevel(levels[1])
        captured.stderr = err_path.read_text(encoding="utf-8", errors="replace")


def _documents(out: Path, manifest: dict) -> dict[tuple, str]:
    return {
        (e["account_id"], e["notebook"]): (out / e["path"]).read_text(encoding="utf-8")
        for e in manifest["reports"]
        if e["status"] == "published"
    }


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    return write_hostile_workspace(tmp_path_factory.mktemp("hostile") / "ws")


@pytest.fixture(scope="module")
def default_run(workspace, tmp_path_factory):
    root = tmp_path_factory.mktemp("default")
    notebooks = REAL | {"leaks": _failing_notebook(root / "leaks.ipynb")}
    out = root / "out"
    with pytest.MonkeyPatch.context() as mp, _captured_stderr_and_logs(root) as captured:
        mp.setenv("PYTHONHASHSEED", "1")  # inherited by the workers and their kernels
        result = render(
            workspace, out, accounts=[A, B], notebooks=notebooks, workers=2, progress=True
        )
    return SimpleNamespace(
        result=result,
        out=out,
        stderr=captured.stderr,
        logs="\n".join(captured.logs),
        documents=_documents(out, result.manifest),
    )


@pytest.fixture(scope="module")
def opt_in_run(workspace, tmp_path_factory):
    out = tmp_path_factory.mktemp("opt-in") / "out"
    result = render(
        workspace,
        out,
        accounts=[A],
        notebooks={"annual_meeting": REAL["annual_meeting"]},
        parameters={"include_personal_details": True},
        workers=1,
        progress=False,
        purpose="annual meeting preparation by the account team",
    )
    return SimpleNamespace(result=result, out=out, documents=_documents(out, result.manifest))


@pytest.fixture(scope="module")
def second_seed_run(workspace, tmp_path_factory):
    """The annual meeting of A and the client analysis, from another process and hash seed."""
    out = tmp_path_factory.mktemp("second-seed") / "out"
    code = textwrap.dedent(
        """
        import sys
        from kamlib.run.render import render
        notebooks = {"annual_meeting": sys.argv[3], "client_analysis": sys.argv[4]}
        result = render(sys.argv[1], sys.argv[2], accounts=[sys.argv[5]], notebooks=notebooks,
                        workers=2, progress=False)
        sys.exit(result.exit_code)
        """
    )
    env = os.environ | {"PYTHONHASHSEED": "2"}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            str(workspace),
            str(out),
            str(REAL["annual_meeting"]),
            str(REAL["client_analysis"]),
            A,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return SimpleNamespace(out=out, manifest=manifest, documents=_documents(out, manifest))


def _all_pages(run) -> dict[str, str]:
    pages = {f"{a} {n}": doc for (a, n), doc in run.documents.items()}
    for name in ("index.html", "index-by-class.html"):
        pages[name] = (run.out / name).read_text(encoding="utf-8")
    return pages


# ---- E: every text field holds script payloads (cases 47, 56) --------------------------------


def test_every_real_report_is_published_and_only_the_failing_one_fails(default_run):
    result = default_run.result
    statuses = {
        (e["account_id"], e["notebook"]): (e["status"], e["reason"])
        for e in result.manifest["reports"]
    }
    expected = {(None, "client_analysis"), (None, "abc_xyz"), (None, "leaks")}
    expected |= {(a, n) for a in (A, B) for n in ("annual_meeting", "development_plan")}
    assert set(statuses) == expected
    assert statuses.pop((None, "leaks")) == ("failed", "notebook_error")
    assert set(statuses.values()) == {("published", None)}  # the security gate passed them all
    assert result.exit_code == EXIT_FAILED


def test_no_script_handler_script_url_or_frame_in_any_page(default_run):  # cases 47, 48
    for name, page in _all_pages(default_run).items():
        assert Dom(page).findings == [], name


def test_payloads_are_shown_as_literal_text(default_run):  # case 47
    for (account, notebook), page in default_run.documents.items():
        text = Dom(page).text
        if notebook == "abc_xyz":  # ids and classes only: the hostile id is there
            assert HOSTILE_ID in text
            continue
        intact = text.count(HOSTILE)
        assert intact > 0, (account, notebook)
        # each payload appears exactly as often as the whole hostile suffix: nothing was
        # evaluated ({{7*7}} never became 49), cut, or turned into markup
        for payload in PAYLOADS[:-1]:
            assert text.count(payload) == intact, (account, notebook, payload)
        assert "$\\x$" in text


def test_data_in_table_headers_is_escaped(default_run):  # case 47: index labels in a notebook
    dom = Dom(default_run.documents[(None, "client_analysis")])
    assert HOSTILE_ID in dom.headers  # the key-client criteria are indexed by client id
    assert Dom(default_run.documents[(A, "annual_meeting")]).findings == []


def test_dollar_name_is_literal_in_the_report(default_run):  # case 56
    text = Dom(default_run.documents[(A, "annual_meeting")]).text
    assert f"Annual meeting: {TRADING} ({A})" in text
    assert TRADING in Dom(default_run.documents[(A, "development_plan")]).text


def test_dollar_name_is_literal_in_the_charts(workspace):  # case 56
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    import kamlib
    from kamlib.plots.churn import plot_losses
    from kamlib.plots.dossier import plot_dmu_map, plot_revenue_history
    from kamlib.plots.profitability import plot_whale_curve
    from kamlib.plots.scoring import plot_strategy_quadrants

    ws = kamlib.load_workspace(workspace)
    pnl = kamlib.client_pnl(ws.transactions, ws.cost_to_serve, as_of=ws.as_of, months=12)
    status = kamlib.client_status(ws.transactions, as_of=ws.as_of)
    comp = kamlib.competitiveness(ws.scores, as_of=ws.as_of)
    interest = kamlib.sales_interest(ws.transactions, as_of=ws.as_of)
    quadrants = kamlib.strategy_quadrants(
        comp.by_client["competitiveness"], interest["interest"].reindex(comp.by_client.index)
    )
    dossier = kamlib.account_dossier(
        A,
        transactions=ws.transactions,
        accounts=ws.accounts,
        products=ws.products,
        contacts=ws.contacts,
        as_of=ws.as_of,
    )
    drawings = [
        lambda ax: plot_whale_curve(kamlib.whale_curve(pnl), ax=ax),
        lambda ax: plot_strategy_quadrants(quadrants, ax=ax),
        lambda ax: plot_losses(kamlib.losses(status, ws.accounts, by="region"), ax=ax),
        lambda ax: plot_losses(kamlib.losses(status, ws.accounts, by="manager"), ax=ax),
        lambda ax: plot_dmu_map(dossier.dmu, ax=ax),
        lambda ax: plot_revenue_history(dossier.revenue_history, ax=ax),
    ]
    shown = []
    for draw in drawings:
        fig, ax = plt.subplots()
        try:
            draw(ax)
            fig.canvas.draw()  # mathtext would raise here
            texts = [t for t in fig.findobj(Text) if "$" in t.get_text() and t.get_visible()]
            assert all(not t.get_parse_math() for t in texts), [t.get_text() for t in texts]
            shown += [t.get_text() for t in texts]
        finally:
            plt.close(fig)
    assert any(HOSTILE in t for t in shown)  # data with payloads reached the charts


# ---- I: personal data (cases 74-78) -----------------------------------------------------------


def _personal_leaks(text: str, *, birthdays: bool = False) -> list[str]:
    found = [canary for canary in PERSONAL.values() if canary in text]
    found += ["birth year"] if BIRTH_YEAR.search(text) or BIRTHDAY in text else []
    if not birthdays:
        found += ["birthday DD.MM"] if BIRTH_DAY.search(text) else []
        found += ["upcoming_birthday"] if "upcoming_birthday" in text else []
    return found


def test_default_profile_shows_no_personal_data(default_run):  # case 74
    for name, page in _all_pages(default_run).items():
        dom = Dom(page)
        assert _personal_leaks(dom.visible) == [], name
        assert not [h for h in dom.headers if UPCOMING.fullmatch(h.strip())], name
        assert _personal_leaks(page) == [], name  # nor anywhere in the markup


def test_no_personal_data_in_manifest_logs_or_stderr(default_run):  # cases 77, 78
    manifest = (default_run.out / "manifest.json").read_text(encoding="utf-8")
    (run_dir,) = (default_run.out / "runs").iterdir()
    worker_log = (run_dir / "workers.log").read_text(encoding="utf-8", errors="replace")
    for name, text in [
        ("manifest", manifest),
        ("workers.log", worker_log),
        ("stderr", default_run.stderr),
        ("log records", default_run.logs),
    ]:
        assert _personal_leaks(text) == [], name
        assert not [c for c in CANARY.values() if c in text], f"{name}: contact or account text"
    assert default_run.logs, "the run logged nothing: the capture is broken"
    assert json.loads(manifest)["parameters"].get("include_personal_details") is None
    assert json.loads(manifest)["personal_details"] == {"included": False, "purpose": None}


def test_personal_data_only_in_the_failed_folder(default_run):  # cases 54, 77
    """Every file the run left, byte by byte: the failing notebook's error is the only holder."""
    holders = []
    for path in sorted(p for p in default_run.out.rglob("*") if p.is_file()):
        data = path.read_bytes().decode("utf-8", errors="replace")
        if _personal_leaks(data):
            holders.append(path.relative_to(default_run.out))
    assert holders, "the failing notebook did not see the personal data: the test is broken"
    assert all(p.parts[0] == "runs" and p.parts[2] == "failed" for p in holders), holders


def test_opt_in_shows_upcoming_birthdays_as_day_and_month_only(opt_in_run):  # case 75
    (entry,) = opt_in_run.result.manifest["reports"]
    assert entry["status"] == "published", entry
    dom = Dom(opt_in_run.documents[(A, "annual_meeting")])
    assert [h for h in dom.headers if UPCOMING.fullmatch(h.strip())]
    assert BIRTH_DAY.search(dom.text)
    assert _personal_leaks(dom.visible, birthdays=True) == []  # no year, family, hobby, notes
    assert entry["parameters"]["include_personal_details"] is True
    assert opt_in_run.result.manifest["parameters"]["include_personal_details"] is True
    assert opt_in_run.result.manifest["personal_details"] == {
        "included": True,
        "purpose": "annual meeting preparation by the account team",
    }


# ---- I: cross-account isolation (case 80) -----------------------------------------------------


def _belongs_to(account: str) -> list[str]:
    """Strings that only `account`'s data holds: its id, canary, only product and its name."""
    names = {A: TRADING, B: "Castellano Automoción", C: "Baltic Cargo Hub"}
    return [account, CANARY[account], f"ONLY-{CANARY[account]}", names[account]]


@pytest.mark.parametrize("account", [A, B])
def test_an_account_report_holds_nothing_of_the_other_accounts(default_run, account):
    reports = {n: doc for (a, n), doc in default_run.documents.items() if a == account}
    assert set(reports) == {"annual_meeting", "development_plan"}
    for notebook, page in reports.items():
        visible = Dom(page).visible
        assert all(s in visible for s in _belongs_to(account)[:2]), notebook  # sanity
        for other in {A, B, C} - {account}:
            assert not [s for s in _belongs_to(other) if s in visible], (notebook, other)


# ---- K: determinism (case 103) ----------------------------------------------------------------

_RUN_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{6}")


def _normalised(page: str) -> str:
    """The page without run ids. Today a no-op: reports hold no run id, no time stamp, and
    matplotlib's PNGs carry no date, so the two pages are byte-identical, figures included."""
    return _RUN_ID.sub("RUN", page)


@pytest.mark.parametrize("report", [(A, "annual_meeting"), (None, "client_analysis")])
def test_same_report_from_another_process_and_hash_seed(default_run, second_seed_run, report):
    first = _normalised(default_run.documents[report])
    second = _normalised(second_seed_run.documents[report])
    assert first == second


# ---- retention (case 81) ----------------------------------------------------------------------

NOW = 1_800_000_000.0  # a fixed clock: 2027-01-15
DAY = 86_400.0


def _aged(path: Path, days: float) -> None:
    """Set the modification time of `path` and everything under it to `days` before NOW."""
    stamp = NOW - days * DAY
    for p in sorted(path.rglob("*"), reverse=True) if path.is_dir() else []:
        os.utime(p, (stamp, stamp), follow_symlinks=False)
    os.utime(path, (stamp, stamp), follow_symlinks=False)


def _run_folder(out: Path, run_id: str, days: float) -> Path:
    from kamlib.run.files import write_run_marker

    run = out / "runs" / run_id
    (run / "staging" / "c0001--brief").mkdir(parents=True)
    (run / "staging" / "c0001--brief" / "executed.ipynb").write_text("{}")
    (run / "failed").mkdir()
    (run / "failed" / "c0002--brief.ipynb").write_text("{}")
    (run / "failed" / "c0002--brief.error.txt").write_text("ValueError")
    (run / "workers.log").write_text("")
    write_run_marker(run, run_id)  # made by kam render (kam cleanup removes nothing else)
    _aged(run, days)
    return run


@pytest.fixture
def output(tmp_path) -> Path:
    """An output folder as kam render leaves it: published reports, index, manifest, 4 runs."""
    out = tmp_path / "out"
    (out / "published").mkdir(parents=True)
    (out / "published" / "c0001--brief-0123456789ab.html").write_text("<p>report</p>")
    for name in ("index.html", "index-by-class.html", "manifest.json"):
        (out / name).write_text(name)
    _aged(out / "published", 400)
    for name in ("index.html", "index-by-class.html", "manifest.json"):
        _aged(out / name, 400)
    _run_folder(out, "20260101T000000Z-aaaaaa", 45)
    _run_folder(out, "20261201T000000Z-bbbbbb", 31)
    _run_folder(out, "20270110T000000Z-cccccc", 5)
    touched = _run_folder(out, "20261101T000000Z-dddddd", 75)
    (touched / "workers.log").write_text("still writing")  # a run that is still going
    os.utime(touched / "workers.log", (NOW - 60, NOW - 60))
    return out


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_cleanup_removes_old_runs_only(output):
    from kamlib.run.retention import cleanup

    kept_outside_runs = {k: v for k, v in _tree(output).items() if not k.startswith("runs/")}
    removed = cleanup(output, older_than_days=30, now=NOW)
    assert [p.name for p in removed] == ["20260101T000000Z-aaaaaa", "20261201T000000Z-bbbbbb"]
    assert all(p.parent == output / "runs" for p in removed)
    assert sorted(p.name for p in (output / "runs").iterdir()) == [
        "20261101T000000Z-dddddd",  # old, but its log changed a minute ago
        "20270110T000000Z-cccccc",
    ]
    after = _tree(output)
    assert after.pop(".lock") == b""  # the output folder's lock, taken by cleanup as by render
    assert {k: v for k, v in after.items() if not k.startswith("runs/")} == kept_outside_runs


def test_cleanup_limit_and_clock(output):
    from datetime import UTC, datetime

    from kamlib.run.retention import cleanup

    assert [p.name for p in cleanup(output, older_than_days=40, now=NOW, dry_run=True)] == [
        "20260101T000000Z-aaaaaa"
    ]
    assert len(list((output / "runs").iterdir())) == 4  # a dry run removes nothing
    as_datetime = datetime.fromtimestamp(NOW, tz=UTC)
    assert [p.name for p in cleanup(output, older_than_days=40, now=as_datetime)] == [
        "20260101T000000Z-aaaaaa"
    ]
    assert len(cleanup(output, older_than_days=0, now=NOW + DAY)) == 3


def test_cleanup_never_follows_links(output, tmp_path):
    from kamlib.run.retention import cleanup

    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "failed").mkdir(parents=True)
    (elsewhere / "failed" / "keep.txt").write_text("not ours")
    _aged(elsewhere, 400)
    (output / "runs" / "20250101T000000Z-eeeeee").symlink_to(elsewhere)
    removed = cleanup(output, older_than_days=30, now=NOW)
    assert "20250101T000000Z-eeeeee" not in [p.name for p in removed]
    assert (elsewhere / "failed" / "keep.txt").read_text() == "not ours"
    assert (output / "runs" / "20250101T000000Z-eeeeee").is_symlink()


def test_cleanup_refuses_a_linked_runs_folder_and_bad_limits(tmp_path):
    from kamlib.errors import ArgumentError
    from kamlib.run.retention import cleanup

    assert cleanup(tmp_path / "never-rendered") == []
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "runs").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ArgumentError, match="symbolic link"):
        cleanup(tmp_path / "out")
    for bad in (-1, float("nan"), "30d", True):
        with pytest.raises(ArgumentError, match="older_than_days"):
            cleanup(tmp_path / "never-rendered", older_than_days=bad)


@pytest.mark.parametrize(
    ("text", "days"), [("30d", 30.0), ("30", 30.0), ("12h", 0.5), ("2w", 14.0), (" 1.5D ", 1.5)]
)
def test_parse_age(text, days):
    from kamlib.run.retention import parse_age

    assert parse_age(text) == days


@pytest.mark.parametrize("text", ["", "d", "-1d", "30 days", "1e3d", "30m"])
def test_parse_age_refuses(text):
    from kamlib.errors import ArgumentError
    from kamlib.run.retention import parse_age

    with pytest.raises(ArgumentError, match="older_than"):
        parse_age(text)


def test_cleanup_after_a_real_run_keeps_what_was_published(default_run, tmp_path):
    import shutil

    from kamlib.run.retention import cleanup

    out = tmp_path / "out"
    shutil.copytree(default_run.out, out, symlinks=True)  # keeps the times
    before = {k: v for k, v in _tree(out).items() if not k.startswith("runs/")}
    (run,) = (out / "runs").iterdir()
    assert (run / "failed").is_dir() and (run / "workers.log").is_file()
    assert cleanup(out, older_than_days=1) == []  # just rendered
    assert cleanup(out, older_than_days=30, now=NOW + 100 * DAY) == [run]
    assert list((out / "runs").iterdir()) == []
    assert {k: v for k, v in _tree(out).items() if not k.startswith("runs/")} == before
    assert not [
        p
        for p in out.rglob("*")
        if p.is_file() and _personal_leaks(p.read_bytes().decode("utf-8", errors="replace"))
    ]  # the failed notebook went with it


def test_personal_details_need_a_purpose(workspace, tmp_path):
    """Case 75: a run that includes personal details says why, or does not run (exit 64)."""
    result = render(
        workspace,
        tmp_path / "out",
        accounts=[A],
        notebooks={"annual_meeting": REAL["annual_meeting"]},
        parameters={"include_personal_details": True},
        progress=False,
    )
    assert result.exit_code == EXIT_USAGE and "purpose" in result.error

"""Reports in French and Russian as a reader sees them: no English word left outside data values,
and Cyrillic printed in the PDF.

``kam render --lang fr`` and ``--lang ru`` on the sample for one account (every notebook, HTML
and PDF) into temporary folders, once per test session. Every page (the index pages, the
managers page, every report) is opened in Chromium; the test lists the page's visible text (its
text nodes and the text of its paragraphs, headings, list items, table cells, captions and
links) and fails on any text that is an English message of the catalogues
(``kamlib/locale/*.pot``, every area) whose translation is different (or missing): a message
whose translation is the same word ("Status" in Afrikaans) is not English left over. A text
equal to a value of the sample's tables (a client's name, a region, a product) is data and
never translated. Markdown messages are compared as the browser shows them (no ``#``, ``**``
or backticks); placeholders (``{client}``) match any text, a count (``{n}``, ``{m}``) a number.

This test passes only when every area of the catalogues is translated: it names each English
text it finds with its area, so the untranslated area is plain. The PDF of a Russian report
must hold, as text (pdftotext), the Russian catalogue messages its HTML shows and the Russian
page footer: with no font covering Cyrillic, Chromium would print empty boxes.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
LOCALE = REPO / "kamlib" / "locale"
ACCOUNT = "C0027"
LANGS = ("fr", "ru")

_VISIBLE_TEXT = """
() => {
  const shown = (el) => {
    if (!el) return false;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') return false;
    return el.getClientRects().length > 0;
  };
  const clean = (t) => t.replace(/\\u00b6/g, '').replace(/\\s+/g, ' ').trim();
  const nodes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = clean(n.textContent);
    if (text && shown(n.parentElement)) nodes.push(text);
  }
  const blocks = [...document.querySelectorAll(
      'p, li, h1, h2, h3, h4, h5, h6, td, th, caption, a, figcaption, dt, dd, summary')]
    .filter(shown).map((el) => clean(el.innerText)).filter(Boolean);
  return {nodes, blocks, lang: document.documentElement.lang};
}
"""


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("¶", "")
    return re.sub(r"\s+", " ", text).strip()


def _inline(text: str) -> str:
    """Markdown inline markup as the browser shows it: links as their text, no ** or backticks."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links and images: their text
    text = text.replace("**", "").replace("__", "").replace("`", "")
    return re.sub(r"(?<![\w*])\*(?!\s)([^*]+?)\*(?!\w)", r"\1", text)  # *emphasis*


def _plain(markdown: str) -> list[str]:
    """A message as the browser shows it: the whole block, and each item of a list."""
    lines = [
        _inline(re.sub(r"^\s*(#+\s+|[-*+]\s+|\d+[.)]\s+|>\s*)", "", line))
        for line in markdown.splitlines()
    ]
    pieces = [_norm("\n".join(lines))]
    if len(lines) > 1 and re.match(r"^\s*([-*+]|\d+[.)])\s", markdown.splitlines()[-1]):
        pieces += [_norm(line) for line in lines if line.strip()]
    return [p for p in dict.fromkeys(pieces) if p]


def _pattern(text: str) -> re.Pattern | None:
    """A regex for a message with its placeholders as wildcards; None for a message without an
    English word of four letters or more outside its placeholders (nothing to tell by)."""
    fields = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?:[:!][^{}]*)?\}")
    parts = fields.split(text)  # text, field name, text, field name, ...
    if not any(re.search(r"[A-Za-z]{4,}", part) for part in parts[::2]):
        return None
    # a count ({n}, {m}) is a number; any other field any text
    wild = [
        r"[-+]?\d[\d\s.,\u00a0\u202f]*" if name in ("n", "m") else ".+?" for name in parts[1::2]
    ]
    pattern = re.escape(parts[0])
    for field, part in zip(wild, parts[2::2], strict=True):
        pattern += field + re.escape(part)
    return re.compile(pattern, re.DOTALL)


def _english_messages(lang: str) -> list[tuple[re.Pattern, str, str]]:
    """(pattern, English text, areas) of every catalogue message that must not appear in `lang`.

    A message is left out when its translation into `lang` is the English text itself; one
    English text in several areas is one entry naming them all ("figures, run").
    """
    from babel.messages.pofile import read_po

    found: dict[str, list] = {}
    for template in sorted(LOCALE.glob("*.pot")):
        area = template.stem
        with template.open("rb") as handle:
            english = read_po(handle)
        path = LOCALE / lang / "LC_MESSAGES" / f"{area}.po"
        translated = None
        if path.is_file():
            with path.open("rb") as handle:
                translated = read_po(handle, locale=lang)
        for message in english:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            entry = translated.get(message.id, context=message.context) if translated else None
            strings = () if entry is None or entry.fuzzy else entry.string
            strings = strings if isinstance(strings, tuple) else (strings,)
            same = all(strings) and set(strings) <= set(ids)
            if same:
                continue
            for source in ids:
                for text in _plain(source):
                    pattern = _pattern(text)
                    if pattern is not None:
                        found.setdefault(text, [pattern, set()])[1].add(area)
    return [(pattern, text, ", ".join(sorted(areas))) for text, (pattern, areas) in found.items()]


@pytest.fixture(scope="module")
def data_values() -> set[str]:
    """Every text value of the sample's tables, and its account ids: data, never translated."""
    from kamlib.load.workspace import load_workspace
    from kamlib.schema import TABLES

    ws = load_workspace(SAMPLE)
    values: set[str] = set()
    for name in TABLES:
        if not ws.has(name):
            continue
        frame = getattr(ws, name)
        for column in frame.columns:
            series = frame[column]
            if not (
                pd.api.types.is_numeric_dtype(series)
                or pd.api.types.is_datetime64_any_dtype(series)
            ):
                values.update(_norm(str(v)) for v in series.dropna().unique())
    return values


@pytest.fixture(scope="module")
def rendered(shared_folder, chromium_path) -> dict[str, dict]:
    """The French and the Russian run (in parallel, once per session): language -> manifest,
    with ``out`` added."""
    kam = Path(sys.executable).with_name("kam")
    with shared_folder("render-languages") as (folder, fresh):
        if fresh:
            runs = {
                lang: subprocess.Popen(
                    [
                        str(kam),
                        "render",
                        str(SAMPLE),
                        "--out",
                        str(folder / lang),
                        "--accounts",
                        ACCOUNT,
                        "--lang",
                        lang,
                        "--workers",
                        "2",
                        "--format",
                        "html,pdf",
                    ],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    text=True,
                )
                for lang in LANGS
            }
            for lang, run in runs.items():
                output, _err = run.communicate(timeout=900)
                (folder / f"{lang}.exit-code").write_text(str(run.returncode))
                (folder / f"{lang}.output.txt").write_text(output)
        out = {}
        for lang in LANGS:
            code = int((folder / f"{lang}.exit-code").read_text())
            log = (folder / f"{lang}.output.txt").read_text()
            assert code == 0, f"kam render --lang {lang} exited {code}:\n{log}"
            manifest = json.loads((folder / lang / "manifest.json").read_text(encoding="utf-8"))
            out[lang] = {**manifest, "out": folder / lang}
    return out


def _pages(run: dict) -> list[Path]:
    out = run["out"]
    pages = [out / "index.html", out / "index-by-risk.html", out / "managers.html"]
    pages += [out / r["path"] for r in run["reports"] if r["status"] == "published"]
    return pages


@pytest.mark.parametrize("lang", LANGS)
def test_no_english_word_outside_data_values(rendered, browser, data_values, lang):
    run = rendered[lang]
    assert run["parameters"]["lang"] == lang
    assert {r["status"] for r in run["reports"]} == {"published"}
    messages = _english_messages(lang)
    assert len(messages) > 0 or lang == "en"
    left: dict[str, list[str]] = {}
    page = browser.new_page()
    try:
        for path in _pages(run):
            page.goto(path.as_uri())
            seen = page.evaluate(_VISIBLE_TEXT)
            assert seen["lang"] == lang, f"{path.name} says lang={seen['lang']!r}"
            for text in dict.fromkeys(_norm(t) for t in seen["nodes"] + seen["blocks"]):
                if text in data_values:
                    continue
                for pattern, english, area in messages:
                    if pattern.fullmatch(text):
                        left.setdefault(path.name, []).append(f"{text!r} ({area}: {english!r})")
                        break
    finally:
        page.close()
    shown = "\n".join(
        f"  {name}: {len(texts)} English text(s), e.g.\n    " + "\n    ".join(texts[:8])
        for name, texts in left.items()
    )
    assert not left, f"English catalogue messages left in the {lang} reports:\n{shown}"


def test_a_russian_pdf_prints_cyrillic(rendered, browser):
    """The Russian messages a report shows are text in its PDF, and the footer is Russian."""
    from babel.messages.pofile import read_po

    run = rendered["ru"]
    report = next(r for r in run["reports"] if r["notebook"] == "annual_meeting")
    assert report.get("pdf"), report.get("pdf_error")
    pdf = run["out"] / report["pdf"]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
    text = _norm(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
    )
    assert f"Страница 1 из {pages}" in text and f"Страница {pages} из {pages}" in text

    russian = set()
    for path in sorted((LOCALE / "ru" / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale="ru"):
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                for string in strings:
                    for piece in _plain(string) if string else []:
                        if "{" not in piece and re.search(r"[а-яА-Я]{4,}", piece):
                            russian.add(piece)
    page = browser.new_page()
    try:
        page.goto((run["out"] / report["path"]).as_uri())
        seen = page.evaluate(_VISIBLE_TEXT)
    finally:
        page.close()
    shown = {_norm(t) for t in seen["nodes"] + seen["blocks"]}
    # every Cyrillic word of the Russian messages the report shows (the footer above is one
    # already; the notebooks' words count once their catalogues are translated), word by word:
    # pdftotext may put a table cell's lines apart, and a narrow header column breaks a long
    # word over two lines ("Изменени" / "е"), so the words are looked for without the blanks
    words = {w for t in russian if t in shown for w in re.findall(r"[а-яА-ЯёЁ]{4,}", t)}
    # (pdftotext gives such a header's lines in separate places: the pieces count)
    joined = re.sub(r"\s+", "", text)

    def printed(word: str) -> bool:  # whole, or in pieces of a narrow column ("Вли/яни/е")
        rest = word
        while rest:
            longest = next((k for k in range(len(rest), 0, -1) if rest[:k] in joined), 0)
            if longest == 0 or (longest < 2 and len(rest) > 1):
                return False
            rest = rest[longest:]
        return True

    missing = sorted(w for w in words if not printed(w))
    assert not missing, f"Russian words missing from the PDF (no Cyrillic font?): {missing[:10]}"

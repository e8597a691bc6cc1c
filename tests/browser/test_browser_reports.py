"""The published reports as a reader sees them: in Chromium, at a laptop and a phone width, and
printed to PDF.

One ``kam render`` run on the bundled sample for two accounts (the portfolio reports and both
accounts' reports) into a temporary folder; then every page (index, index by class, every
report) is opened from disk (file://) at 1366 px and at 390 px (a phone: touch, mobile
viewport) and checked: every link works, the page requests nothing but its own file, no
console error, every figure shows, no table pushes the page wider than the screen (wide tables
scroll inside their own container) and table text is readable. One report is printed to PDF
with :func:`kamlib.report.pdf.print_pdf`, turned into PNG pages with pdftoppm and read back with
pdftotext: the account's name and every section title are there. Screenshots:
tests/browser/artifacts/report-*.png and pdf-*.png.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from kamlib.report.pdf import print_pdf

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
#: The annual-meeting notebook's default account and the sample's first key client.
ACCOUNTS = ("C0027", "C0003")
WIDTHS = {"laptop": 1366, "phone": 390}
#: Smallest readable table text, in CSS pixels.
MIN_FONT_PX = 11

_LAYOUT = """
() => {
  const width = document.documentElement.clientWidth;
  const scroller = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === 'auto' || o === 'scroll') return a;
    }
    return null;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className)
    .trim().split(/\\s+/).slice(0, 2).join('.') : '');
  const tables = [...document.querySelectorAll('table')].map((t, i) => {
    const box = t.getBoundingClientRect();
    const s = scroller(t);
    const cell = t.querySelector('td, th');
    return {
      index: i,
      right: Math.round(box.right),
      container: s ? name(s) : null,
      containerRight: s ? Math.round(s.getBoundingClientRect().right) : null,
      font: cell ? parseFloat(getComputedStyle(cell).fontSize) : null,
    };
  });
  const images = [...document.images].map((img, i) => {
    const box = img.getBoundingClientRect();
    return {index: i, complete: img.complete, natural: img.naturalWidth,
            width: Math.round(box.width), height: Math.round(box.height),
            right: Math.round(box.right)};
  });
  const links = [...document.querySelectorAll('a[href]')].map(a => ({
    raw: a.getAttribute('href'), href: a.href,
    target: a.hash && a.href.split('#')[0] === location.href.split('#')[0]
      ? Boolean(document.getElementById(decodeURIComponent(a.hash.slice(1)))
                || document.getElementsByName(decodeURIComponent(a.hash.slice(1))).length)
      : null,
  }));
  const headings = [...document.querySelectorAll('h1, h2')].map(h => h.innerText);
  return {width, scrollWidth: document.documentElement.scrollWidth, tables, images, links,
          headings, title: document.title};
}
"""


@pytest.fixture(scope="module")
def rendered(shared_folder, chromium_path) -> dict:
    """``kam render`` on the sample for two accounts (once per test session, even under
    xdist); the manifest, with ``out`` and the ``published`` entries added."""
    with shared_folder("render") as (folder, fresh):
        out = folder / "out"
        if fresh:
            kam = Path(sys.executable).with_name("kam")
            command = [
                str(kam),
                "render",
                str(SAMPLE),
                "--out",
                str(out),
                "--accounts",
                ",".join(ACCOUNTS),
                "--workers",
                "2",
            ]
            run = subprocess.run(
                command, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL
            )
            (folder / "exit-code").write_text(str(run.returncode))
            (folder / "output.txt").write_text(f"{run.stdout}\n{run.stderr}")
        code = int((folder / "exit-code").read_text())
    assert code == 0, f"kam render exited {code}:\n{(folder / 'output.txt').read_text()}"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    published = [r for r in manifest["reports"] if r["status"] == "published"]
    assert {r["account_id"] for r in published} >= set(ACCOUNTS) | {None}
    return {**manifest, "out": out, "published": published}


def _pages(rendered: dict) -> list[tuple[str, Path]]:
    out = rendered["out"]
    pages = [("index", out / "index.html"), ("index-by-class", out / "index-by-class.html")]
    for report in sorted(rendered["published"], key=lambda r: r["path"]):
        owner = report["account_id"] or "portfolio"
        pages.append((f"{owner}-{report['notebook']}", out / report["path"]))
    return pages


@pytest.fixture(scope="module", params=list(WIDTHS))
def context(request, browser, watch):
    """A browser context at a laptop or a phone width; only file:// and data: may load."""
    width = WIDTHS[request.param]
    phone = request.param == "phone"
    ctx = browser.new_context(
        viewport={"width": width, "height": 860 if not phone else 844},
        is_mobile=phone,
        has_touch=phone,
        device_scale_factor=1,
        service_workers="block",
        java_script_enabled=True,
    )
    seen = watch(ctx, allowed=("file://", "data:"))
    try:
        yield request.param, ctx, seen
    finally:
        ctx.close()


def _check_links(page, layout: dict, out: Path, where: str) -> list[str]:
    """Problems with the links of a page: each must open a file of the run or a place in it."""
    problems = []
    for link in layout["links"]:
        href = link["href"]
        if link["target"] is not None:
            if not link["target"]:
                problems.append(f"{where}: the link {link['raw']!r} points to no place in the page")
            continue
        if not href.startswith("file://"):
            problems.append(f"{where}: the link {link['raw']!r} leaves the report folder ({href})")
            continue
        target = Path(href.removeprefix("file://").split("#")[0])
        if not target.is_file():
            problems.append(f"{where}: the link {link['raw']!r} points to a missing file")
        elif out.resolve() not in target.resolve().parents:
            problems.append(f"{where}: the link {link['raw']!r} leaves the report folder")
    return problems


def _check_layout(layout: dict, where: str) -> list[str]:
    """Problems a reader would see: overflowing page, unreadable tables, missing figures."""
    width = layout["width"]
    problems = []
    if layout["scrollWidth"] > width + 1:
        problems.append(
            f"{where}: the page is {layout['scrollWidth']} px wide on a {width} px "
            "screen (scrolls sideways)"
        )
    for t in layout["tables"]:
        fits = t["right"] <= width + 1
        scrolls = t["container"] is not None and t["containerRight"] <= width + 1
        if not (fits or scrolls):
            problems.append(
                f"{where}: table {t['index']} ends at {t['right']} px on a {width} px "
                "screen and no scrollable container holds it"
            )
        if t["font"] is not None and t["font"] < MIN_FONT_PX:
            problems.append(f"{where}: table {t['index']} text is {t['font']} px (< {MIN_FONT_PX})")
    for img in layout["images"]:
        if not (img["complete"] and img["natural"] > 0 and img["width"] > 0 and img["height"] > 0):
            problems.append(f"{where}: figure {img['index']} does not show ({img})")
        elif img["right"] > width + 1:
            problems.append(f"{where}: figure {img['index']} is cut at the screen's edge")
    return problems


def test_index_and_reports_in_the_browser(rendered, context, artifacts):
    label, ctx, seen = context
    out = rendered["out"]
    page = ctx.new_page()
    problems: list[str] = []
    report_links: set[Path] = set()
    for name, path in _pages(rendered):
        where = f"{name} at {WIDTHS[label]} px"
        response = page.goto(path.as_uri(), wait_until="load")
        assert response is None or response.ok, f"{where}: could not be opened"
        layout = page.evaluate(_LAYOUT)
        problems += _check_links(page, layout, out, where)
        problems += _check_layout(layout, where)
        if name.startswith("index"):
            report_links |= {
                Path(link["href"].removeprefix("file://")).resolve()
                for link in layout["links"]
                if "/published/" in link["href"]
            }
        else:
            assert layout["headings"], f"{where}: no section titles"
            assert layout["images"], f"{where}: no figure"
        page.screenshot(path=artifacts / f"report-{label}-{name}.png", full_page=True)

    published = {(out / r["path"]).resolve() for r in rendered["published"]}
    assert report_links == published, "the index links every published report, and only those"
    assert not problems, "\n".join(problems)

    # a link opens in the browser too, not only on disk: follow one from the index
    page.goto((out / "index.html").as_uri())
    with page.expect_navigation():
        page.locator("a", has_text="open").first.click()
    assert "/published/" in page.url and page.locator("h1, h2").count() > 0
    outside = [u for u in seen.requests if not u.startswith(("file://", "data:"))]
    assert not outside and not seen.blocked, f"network requests: {(outside + seen.blocked)[:5]}"
    assert not seen.console_errors, seen.console_errors[:5]
    assert not seen.page_errors, seen.page_errors[:5]


def _height(pdf: Path, word: str) -> float:
    """The height in points of the first occurrence of `word` in `pdf` (pdftotext -bbox)."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    m = re.search(
        r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">' + re.escape(word) + "</word>", out
    )
    assert m, f"{word!r} is not on the first page of {pdf.name}"
    return float(m.group(2)) - float(m.group(1))


def _norm(text: str) -> str:
    """NFKC (ligatures apart), no pilcrows, one space between words."""
    text = unicodedata.normalize("NFKC", text).replace("¶", "")
    return re.sub(r"\s+", " ", text).strip()


def test_a_report_printed_to_pdf(rendered, browser, artifacts, tmp_path):
    from kamlib.load.workspace import load_workspace

    account = ACCOUNTS[0]
    report = next(
        r
        for r in rendered["published"]
        if r["account_id"] == account and r["notebook"] == "annual_meeting"
    )
    html_path = rendered["out"] / report["path"]
    pdf = print_pdf(html_path, tmp_path / "annual-meeting.pdf")

    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages > 0 and "(A4)" in info
    stem = f"pdf-{account}-annual_meeting"
    for old in artifacts.glob(f"{stem}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(artifacts / stem)], check=True)
    images = sorted(artifacts.glob(f"{stem}-*.png"))
    assert len(images) == pages

    text = _norm(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
    )
    ws = load_workspace(SAMPLE)
    name = ws.accounts.set_index("account_id").loc[account, "name"]
    assert _norm(str(name)) in text, f"the account name {name!r} is not in the PDF"
    page = browser.new_page()
    try:
        page.goto(html_path.as_uri())
        titles = [_norm(t) for t in page.evaluate(_LAYOUT)["headings"]]
    finally:
        page.close()
    assert len(titles) >= 5
    missing = [t for t in titles if t not in text]
    assert not missing, f"section titles missing from the PDF: {missing}"
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text

    # no table is so wide that Chromium had to shrink the whole report to fit the paper: the
    # title is as tall as in a print of the same page without its tables and figures
    bare = re.sub(
        r"<table\b.*?</table>|<img\b[^>]*>", "", html_path.read_text(encoding="utf-8"), flags=re.S
    )
    (tmp_path / "bare.html").write_text(bare, encoding="utf-8")
    reference = print_pdf(tmp_path / "bare.html", tmp_path / "bare.pdf")
    word = titles[0].split()[0]
    assert _height(pdf, word) == pytest.approx(_height(reference, word), rel=0.02)

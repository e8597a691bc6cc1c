"""kamlib.report.pdf: HTML reports printed to PDF by headless Chromium.

The error paths run everywhere (fake "Chromium" scripts stand in for a broken or hanging one).
The printing tests need Debian's chromium and poppler-utils (tests/browser/install.sh installs
them); without them they fail with a message saying so, unless KAM_SKIP_BROWSER=1 is set.
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from kamlib.errors import ArgumentError, KamlibError, SetupError
from kamlib.report.pdf import (
    PRINT_CSS,
    ChromiumNotFoundError,
    PDFError,
    _with_print_css,
    find_chromium,
    print_pdf,
)

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<title>Test report</title>
</head>
<body>
{body}
</body>
</html>
"""


def _page(tmp_path: Path, body: str, name: str = "report.html") -> Path:
    path = tmp_path / name
    path.write_text(PAGE.format(csp=CSP, body=body), encoding="utf-8")
    return path


def _rows(prefix: str, n: int) -> str:
    cells = "".join(f"<tr><td>{prefix} row {i}</td><td>{i * 10}</td></tr>" for i in range(1, n + 1))
    head = "<thead><tr><th>Item</th><th>Value</th></tr></thead>"
    return f"<table>{head}<tbody>{cells}</tbody></table>"


@pytest.fixture(scope="module")
def chromium() -> Path:
    """Chromium and poppler-utils, or a failure that says how to get them."""
    if os.environ.get("KAM_SKIP_BROWSER") == "1":
        pytest.skip("KAM_SKIP_BROWSER=1 is set: PDF printing tests skipped on purpose")
    missing = [tool for tool in ("pdftotext", "pdfinfo", "pdftoppm") if not shutil.which(tool)]
    if missing:
        pytest.fail(
            f"poppler-utils ({', '.join(missing)}) missing: run tests/browser/install.sh "
            "(apt-get install poppler-utils), or set KAM_SKIP_BROWSER=1 to skip on purpose"
        )
    try:
        return find_chromium()
    except ChromiumNotFoundError as exc:
        pytest.fail(
            f"{exc}\nRun tests/browser/install.sh, or set KAM_SKIP_BROWSER=1 to skip "
            "the browser tests on purpose."
        )


def _text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page is not None else []
    return subprocess.run(
        ["pdftotext", "-layout", *pages, str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def _info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def _pages(pdf: Path) -> int:
    return int(_info(pdf)["Pages"])


def _word_heights(pdf: Path) -> dict[str, float]:
    """Each word pdftotext finds (first occurrence) and its height in points."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    heights: dict[str, float] = {}
    for m in re.finditer(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', out):
        heights.setdefault(m.group(3), float(m.group(2)) - float(m.group(1)))
    return heights


# --------------------------------------------------------------------------- no Chromium needed


def test_missing_chromium_names_the_install_command(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing executable there
    monkeypatch.delenv("KAM_CHROMIUM", raising=False)
    with pytest.raises(ChromiumNotFoundError, match=r"apt-get install chromium") as info:
        find_chromium()
    assert isinstance(info.value, SetupError)  # kam render maps it to exit 78
    assert isinstance(info.value, KamlibError)
    page = _page(tmp_path, "<p>hello</p>")
    with pytest.raises(ChromiumNotFoundError, match=r"apt-get install chromium"):
        print_pdf(page, tmp_path / "report.pdf")
    assert not (tmp_path / "report.pdf").exists()


def test_explicit_chromium_and_environment_variable_are_named(tmp_path, monkeypatch):
    with pytest.raises(ChromiumNotFoundError, match=r"^`chromium`: no executable /nope/chrome"):
        find_chromium("/nope/chrome")
    monkeypatch.setenv("KAM_CHROMIUM", "/nope/kam-chrome")
    with pytest.raises(ChromiumNotFoundError, match=r"^KAM_CHROMIUM: no executable"):
        find_chromium()
    fake = tmp_path / "my-chrome"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setenv("KAM_CHROMIUM", str(fake))
    assert find_chromium() == fake
    assert find_chromium(fake) == fake


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"paper": "B5"}, r"`paper` must be one of"),
        ({"timeout": 0}, r"`timeout` must be a positive number"),
        ({"timeout": True}, r"`timeout` must be a positive number"),
    ],
)
def test_bad_settings_are_configuration_errors(tmp_path, kwargs, message):
    page = _page(tmp_path, "<p>hello</p>")
    with pytest.raises(ArgumentError, match=message):
        print_pdf(page, tmp_path / "out.pdf", **kwargs)


def test_missing_page_or_folder_names_the_parameter(tmp_path):
    with pytest.raises(PDFError, match=r"^`html_path`: no file"):
        print_pdf(tmp_path / "absent.html", tmp_path / "out.pdf")
    page = _page(tmp_path, "<p>hello</p>")
    with pytest.raises(PDFError, match=r"^`pdf_path`: no folder"):
        print_pdf(page, tmp_path / "no" / "such" / "out.pdf")


def test_print_css_goes_at_the_end_of_the_head():
    css = "p { color: red; }"
    page = PAGE.format(csp=CSP, body="<p>x</p>")
    out = _with_print_css(page, css)
    assert out.index('<style media="print">p { color: red; }</style>') < out.index("</head>")
    assert out.index("<title>") < out.index("<style media")
    assert out.replace('<style media="print">p { color: red; }</style>\n', "") == page
    bare = _with_print_css("<p>no head</p>", css)
    assert bare.startswith('<style media="print">') and bare.endswith("<p>no head</p>")
    assert "A4" not in PRINT_CSS  # the paper size is filled in per call
    assert "{paper}" in PRINT_CSS


def _fake_chromium(tmp_path: Path, script: str) -> Path:
    fake = tmp_path / "fake-chromium"
    fake.write_text("#!/bin/sh\n" + script + "\n")
    fake.chmod(0o755)
    return fake


def test_a_hanging_chromium_is_killed_after_the_timeout(tmp_path):
    page = _page(tmp_path, "<p>hello</p>")
    fake = _fake_chromium(tmp_path, "sleep 30")
    with pytest.raises(PDFError, match=r"longer than 0.5 s \(`timeout`\)"):
        print_pdf(page, tmp_path / "out.pdf", chromium=fake, timeout=0.5)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fake-chromium", "report.html"]


def test_a_failing_chromium_gives_its_exit_code_and_message(tmp_path):
    page = _page(tmp_path, "<p>hello</p>")
    fake = _fake_chromium(tmp_path, 'echo "something broke" >&2; exit 4')
    with pytest.raises(PDFError, match=r"exit code 4\): something broke"):
        print_pdf(page, tmp_path / "out.pdf", chromium=fake)
    silent = _fake_chromium(tmp_path, "exit 0")  # claims success, prints nothing
    with pytest.raises(PDFError, match=r"did not print"):
        print_pdf(page, tmp_path / "out.pdf", chromium=silent)
    assert not (tmp_path / "out.pdf").exists()
    assert not list(tmp_path.glob(".*.tmp"))


# --------------------------------------------------------------------------- with Chromium


def test_a4_pages_with_page_numbers(chromium, tmp_path):
    body = "<h1>Annual meeting: Müller & Söhne GmbH</h1><p>Prepared for the meeting.</p>"
    body += _rows("Sales", 120)
    page = _page(tmp_path, body)
    before = page.read_bytes()
    pdf = print_pdf(page, tmp_path / "report.pdf")
    assert pdf == tmp_path / "report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    info = _info(pdf)
    assert "(A4)" in info["Page size"]
    n = int(info["Pages"])
    assert n >= 2
    text = _text(pdf)
    assert "Annual meeting: Müller & Söhne GmbH" in " ".join(text.split())  # may wrap
    for number in range(1, n + 1):
        assert f"Page {number} of {n}" in _text(pdf, number)
    assert "Sales row 1 " in text and "Sales row 120" in text
    assert "file://" not in text and str(tmp_path) not in text  # no header with the local path
    assert page.read_bytes() == before  # the HTML is not changed
    assert not list(tmp_path.glob(".*.tmp"))


def test_letter_paper_and_replacing_an_existing_pdf(chromium, tmp_path):
    page = _page(tmp_path, "<h1>Letter</h1>")
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old")
    print_pdf(page, target, paper="letter")
    assert "(letter)" in _info(target)["Page size"]
    assert target.read_bytes().startswith(b"%PDF-")


def test_a_table_that_fits_on_a_page_is_not_cut(chromium, tmp_path):
    # 215 mm of filler leaves room on page 1 for the heading and 3 of the 12 rows: without the
    # print style sheet Chromium splits the table there (checked by hand) and leaves the heading
    # alone at the foot of page 1.
    body = (
        '<div style="height: 215mm; border: 1px solid #ccc">filler</div>'
        "<h2>Open offers</h2>" + _rows("Offer", 12)
    )
    pdf = print_pdf(_page(tmp_path, body), tmp_path / "table.pdf")
    assert _pages(pdf) == 2
    first, second = _text(pdf, 1), _text(pdf, 2)
    assert "filler" in first
    assert "Offer row" not in first
    assert "Open offers" in second  # the heading stays with its table
    assert all(f"Offer row {i} " in second + " " for i in range(1, 13))


def _wide_table(columns: int, value: str) -> str:
    """A table as the reports hold it: in an output area that scrolls sideways on screen."""
    head = "".join(f"<th>long_column_name_{i}</th>" for i in range(1, columns + 1))
    row = "".join(f"<td>{value}{i}</td>" for i in range(1, columns + 1))
    return (
        f'<div class="jp-OutputArea-output" style="overflow-x: auto"><table><thead><tr>'
        f"{head}</tr></thead><tbody><tr>{row}</tr></tbody></table></div>"
    )


def test_wide_tables_are_not_cut_at_the_edge_of_the_paper(chromium, tmp_path):
    intro = "<h2>Wide</h2><p>Paragraph at its normal size.</p>"
    reference = _word_heights(print_pdf(_page(tmp_path, intro, "a.html"), tmp_path / "a.pdf"))
    # 8 columns with long names fit the paper once the names wrap: nothing shrinks
    pdf = print_pdf(
        _page(tmp_path, intro + _wide_table(8, "12,345.6"), "b.html"), tmp_path / "b.pdf"
    )
    eight = _word_heights(pdf)
    assert eight["Paragraph"] == pytest.approx(reference["Paragraph"], rel=0.02)
    assert all(f"12,345.6{i}" in eight for i in range(1, 9))  # every number, whole
    # 11 columns and more: the table is printed in a smaller type (7 pt against 8.5 pt), the
    # rest of the page keeps its size, and nothing is cut off (wider still, Chromium shrinks
    # the whole page, by at most 1.5)
    pdf = print_pdf(
        _page(tmp_path, intro + _wide_table(11, "1,234,567.8"), "c.html"), tmp_path / "c.pdf"
    )
    heights = _word_heights(pdf)
    assert heights["Paragraph"] == pytest.approx(reference["Paragraph"], rel=0.02)
    assert all(f"1,234,567.8{i}" in heights for i in range(1, 12))
    assert heights["1,234,567.81"] < 0.9 * eight["12,345.61"]


def test_a_figure_is_not_split_across_pages(chromium, tmp_path):
    fig = Figure(figsize=(4, 3))
    ax = fig.subplots()
    ax.bar(["A", "B", "C"], [3, 1, 2])
    ax.set_title("Revenue by class", parse_math=False)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    src = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    body = (
        '<div style="height: 200mm">filler</div>'
        f'<p>The figure below is 300 px tall.</p><img src="{src}" alt="bars" '
        'style="width: 400px">'
    )
    pdf = print_pdf(_page(tmp_path, body), tmp_path / "figure.pdf")
    assert _pages(pdf) == 2
    out = tmp_path / "png"
    out.mkdir()
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(out / "p")], check=True)
    images = sorted(out.glob("p-*.png"))
    assert len(images) == 2
    # pdfimages lists each image with its page: the figure is drawn once, whole, on page 2
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    pages = [int(re.split(r"\s+", line.strip())[0]) for line in listing if line.strip()]
    assert set(pages) == {2}


# --------------------------------------------------------------------------- kam render --format html,pdf


def test_render_writes_a_pdf_beside_each_report_and_links_it(chromium, tmp_path):
    import json

    from kamlib.run.render import render

    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "transactions.csv").write_text("account_id,date,revenue\nA1,2024-01-05,10\n")
    nb = Path(__file__).parent / "notebooks" / "hello.ipynb"
    result = render(
        ws,
        tmp_path / "out",
        accounts=[],
        notebooks={"hello": nb},
        formats=("html", "pdf"),
        workers=1,
        progress=False,
    )
    assert result.exit_code == 0
    entry = json.loads((tmp_path / "out" / "manifest.json").read_text())["reports"][0]
    assert entry["pdf"].endswith(".pdf") and entry["pdf_error"] is None
    pdf = tmp_path / "out" / entry["pdf"]
    assert _pages(pdf) >= 1 and "ok" in _text(pdf)  # what the notebook printed
    assert f'href="{entry["pdf"]}"' in (tmp_path / "out" / "index.html").read_text()


def test_render_refuses_pdf_without_chromium(tmp_path, monkeypatch):
    from kamlib.errors import EXIT_CONFIG
    from kamlib.run.render import render

    monkeypatch.setenv("KAM_CHROMIUM", str(tmp_path / "no-chromium"))
    result = render(
        tmp_path,
        tmp_path / "out",
        accounts=[],
        notebooks={},
        formats=("html", "pdf"),
        progress=False,
    )
    assert result.exit_code == EXIT_CONFIG


def test_footer_content_in_each_language():
    from kamlib.report.pdf import footer_content

    assert footer_content("en") == '"Page " counter(page) " of " counter(pages)'
    assert footer_content("fr") == '"Page " counter(page) " sur " counter(pages)'
    assert footer_content("ru") == '"Страница " counter(page) " из " counter(pages)'
    assert footer_content("af") == '"Bladsy " counter(page) " van " counter(pages)'


def test_a_russian_page_prints_cyrillic(chromium, tmp_path):
    """The Cyrillic of a Russian report reaches the PDF as text (fonts with Cyrillic glyphs are
    installed: tests/browser/install.sh), and the page footer is Russian."""
    from kamlib.language import gettext as _
    from kamlib.language import language, ngettext

    with language("ru"):
        heading = _("Account managers")  # messages of the run catalogue
        total = ngettext("Total, all {n} rows", "Total, all {n} rows", 120).format(n=120)
    body = f"<h1>{heading}: ООО «Ромашка»</h1><p>{total}</p>" + _rows("Продажи", 120)
    page = _page(tmp_path, body.replace('lang="en"', 'lang="ru"'))
    pdf = print_pdf(page, tmp_path / "ru.pdf", lang="ru")
    n = _pages(pdf)
    text = " ".join(_text(pdf).split())
    assert f"{heading}: ООО «Ромашка»" in text and "Итого по 120 строкам" in text
    assert "Продажи row 120" in text
    for number in range(1, n + 1):
        assert f"Страница {number} из {n}" in _text(pdf, number)
    assert "Page 1 of" not in text


def test_a_narrow_column_breaks_a_header_between_syllables(chromium, tmp_path):
    # sixteen narrow columns: without soft hyphens Chromium broke the words anywhere
    # ("Наиме" / "новани" / "е", "подчин" / "яется"); the print copy's soft hyphens make it
    # break between syllables, with a hyphen
    head = "".join("<th>Наименование подчиняется</th>" for _ in range(16))
    row = "".join(f"<td>{i}</td>" for i in range(16))
    body = f"<table><thead><tr>{head}</tr></thead><tbody><tr>{row}</tr></tbody></table>"
    source = _page(tmp_path, body).read_text(encoding="utf-8").replace('lang="en"', 'lang="ru"')
    page = tmp_path / "ru.html"
    page.write_text(source, encoding="utf-8")
    words = set(_word_heights(print_pdf(page, tmp_path / "ru.pdf", lang="ru")))
    assert not words & {"Наиме", "Наимен", "новани", "ование", "е", "подчин", "яется"}
    broken = [w for w in words if w.endswith(("\u2010", "-"))]  # a line ends inside a word
    assert broken and all(w.replace("\xad", "")[:-1] in "Наименование подчиняется" for w in broken)
    assert page.read_text(encoding="utf-8") == source  # the HTML is not changed

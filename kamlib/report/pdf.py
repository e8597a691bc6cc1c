"""PDF reports: a finished HTML report printed to PDF by headless Chromium.

The PDF is printed from the same self-contained HTML the browser shows (docs/pipeline.md: nbconvert's
``webpdf`` needs a browser download, LaTeX drops HTML tables; Chromium from the operating system's
packages printing the finished page is the offline route). :func:`print_pdf`

1. copies the page into a private temporary folder with a print style sheet added
   (:data:`PRINT_CSS`: the paper size, margins, "Page n of N" at the foot of every page, and
   ``break-inside: avoid`` on tables, figures and outputs so they are not cut across pages when
   they fit on one; wide tables in a smaller font, their cells allowed to wrap, so that they fit
   the width of the paper instead of being cut at its edge);
2. runs ``chromium --headless --print-to-pdf`` on it (:data:`CHROMIUM_FLAGS`: no network of its
   own, no first-run work, a fresh profile in the temporary folder, Chromium's own header and
   footer off, since they would print the file's local path), with a time limit;
3. checks that a PDF came out and renames it into place (never a half-written file).

Chromium is looked up by :func:`find_chromium`: the ``chromium=`` argument, then the
``KAM_CHROMIUM`` environment variable, then ``chromium``, ``chromium-browser``,
``google-chrome`` and ``google-chrome-stable`` on the ``PATH``. When none is found,
:class:`ChromiumNotFoundError` (a :class:`~kamlib.errors.SetupError`) says how to install it.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from kamlib.errors import ArgumentError, KamlibError, SetupError
from kamlib.language import current_language
from kamlib.language import gettext as _

__all__ = [
    "CHROMIUM_FLAGS",
    "PAPER_SIZES",
    "PRINT_CSS",
    "ChromiumNotFoundError",
    "PDFError",
    "find_chromium",
    "footer_content",
    "print_pdf",
]

#: Executable names tried on the ``PATH``, in order.
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

#: How to get Chromium, for the error message.
_INSTALL_HINT = (
    "install it with `apt-get install chromium` (Debian/Ubuntu; the project's "
    "tests/browser/install.sh does that), or point the KAM_CHROMIUM environment variable "
    "(or the `chromium` argument) at a Chromium or Chrome executable"
)

#: Command-line flags for every Chromium run: headless, no network or background work of its
#: own, no GPU. ``--no-sandbox`` because the sandbox cannot start as root or in most
#: containers; the page printed is kamlib's script-free report (its CSP forbids scripts and
#: remote loads), read from a local file.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)

#: Paper sizes accepted by :func:`print_pdf` (CSS ``@page`` size keywords).
PAPER_SIZES = ("A3", "A4", "A5", "letter", "legal")

#: The print style sheet added to the page before printing; ``{paper}`` is the paper size and
#: ``{footer}`` the page footer's CSS content (:func:`footer_content`, in the report's language).
PRINT_CSS = """
@page {
  size: {paper};
  margin: 16mm 14mm 18mm 14mm;
  @bottom-center {
    content: {footer};
    font: 9pt system-ui, sans-serif;
    color: #555;
  }
}
html, body { background: #fff !important; }
body { margin: 0 !important; padding: 0 !important; }
.jp-Notebook { padding: 0 !important; }
.jp-Cell { padding-left: 0 !important; padding-right: 0 !important; }
h1, h2, h3, h4, h5, h6 { break-after: avoid; page-break-after: avoid; }
table, figure, img, svg, pre, .jp-RenderedImage, .jp-OutputArea-output {
  break-inside: avoid;
  page-break-inside: avoid;
}
tr, td, th { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
img, svg { max-width: 100% !important; height: auto !important; }
table, .jp-RenderedHTMLCommon table {
  table-layout: auto !important;
  max-width: 100% !important;
  font-size: 8.5pt !important;
}
td, th, .jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th {
  padding: 0.25em 0.45em !important;
  overflow-wrap: break-word;
}
th, .jp-RenderedHTMLCommon th { overflow-wrap: normal; hyphens: manual; }
table:has(tr > :nth-child(11)), .jp-RenderedHTMLCommon table:has(tr > :nth-child(11)) {
  font-size: 7pt !important;
}
.jp-OutputArea-output { overflow: visible !important; }
p, li { orphans: 3; widows: 3; }
a { color: inherit; text-decoration: none; }
.anchor-link { display: none !important; }
"""

_COUNTERS = re.compile(r"\{(page|pages)\}")


def _css_string(text: str) -> str:
    """`text` as a CSS string literal (quotes and backslashes escaped, no line breaks)."""
    text = " ".join(text.split("\n"))
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def footer_content(lang: str | None = None) -> str:
    """The CSS ``content`` of the page footer: "Page n of N" in `lang` (default: the current one).

    The sentence is one message, ``"Page {page} of {pages}"``, so a translation may reorder
    it; its placeholders become CSS page counters.

    Examples
    --------
    >>> footer_content("en")
    '"Page " counter(page) " of " counter(pages)'
    >>> footer_content("ru")
    '"Страница " counter(page) " из " counter(pages)'
    """
    from kamlib.language import language

    with language(lang or current_language()):
        sentence = _("Page {page} of {pages}")
    parts = []
    for index, piece in enumerate(_COUNTERS.split(sentence)):
        if index % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(_css_string(piece))
    return " ".join(parts)


_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_FILE_MODE = 0o640


class PDFError(KamlibError):
    """A report could not be printed to PDF (no such page, Chromium failed or timed out)."""


class ChromiumNotFoundError(PDFError, SetupError):
    """No Chromium (or Chrome) executable was found; the message says how to install one."""


def find_chromium(chromium: str | os.PathLike | None = None) -> Path:
    """Locate the Chromium executable used to print PDFs.

    Parameters
    ----------
    chromium : str or path-like, optional
        An executable name or path to use. Default: the ``KAM_CHROMIUM`` environment variable
        when set, else the first of ``chromium``, ``chromium-browser``, ``google-chrome`` and
        ``google-chrome-stable`` found on the ``PATH``.

    Returns
    -------
    Path
        The executable's absolute path.

    Raises
    ------
    ChromiumNotFoundError
        When nothing is found; the message names ``apt-get install chromium``.

    Examples
    --------
    >>> find_chromium("/nonexistent/chromium")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kamlib.report.pdf.ChromiumNotFoundError: `chromium`: no executable /nonexistent/chromium; ...
    """
    if chromium is not None:
        source, names = "`chromium`", [os.fspath(chromium)]
    elif os.environ.get("KAM_CHROMIUM"):
        source, names = "KAM_CHROMIUM", [os.environ["KAM_CHROMIUM"]]
    else:
        source, names = None, list(_CANDIDATES)
    for name in names:
        found = shutil.which(name)
        if found:
            return Path(found).absolute()
    if source is None:
        raise ChromiumNotFoundError(
            f"Chromium is needed to print PDF reports and none was found on the PATH "
            f"(looked for {', '.join(_CANDIDATES)}): {_INSTALL_HINT}"
        )
    raise ChromiumNotFoundError(f"{source}: no executable {names[0]}; {_INSTALL_HINT}")


_HEADER_CELL = re.compile(r"(<th\b[^>]*>)([^<]*)(</th\s*>)", re.IGNORECASE)
_LONG_WORD = re.compile(r"\w{8,}")
_HTML_LANG = re.compile(r"<html\b[^>]*\blang=\"([A-Za-z-]+)\"", re.IGNORECASE)


def _hyphenated_headers(document: str, lang: str) -> str:
    """`document` with soft hyphens in the long words of its table headers.

    A narrow column then breaks a header between syllables, with a hyphen ("Влия-ние"), instead
    of inside a syllable or past the page's edge. The hyphenation patterns are LibreOffice's,
    through pyphen; a language it does not know is left as it is.

    Examples
    --------
    >>> _hyphenated_headers("<th>Contribution</th><td>Contribution</td>", "en")
    '<th>Con\xadtri\xadbu\xadtion</th><td>Contribution</td>'
    """
    import pyphen

    found = _HTML_LANG.search(document)
    code = pyphen.language_fallback((found.group(1) if found else lang).replace("-", "_"))
    if code is None:
        return document
    dic = pyphen.Pyphen(lang=code)

    def words(match: re.Match) -> str:
        text = _LONG_WORD.sub(lambda w: dic.inserted(w.group(0), hyphen="\u00ad"), match[2])
        return match[1] + text + match[3]

    return _HEADER_CELL.sub(words, document)


def _with_print_css(document: str, css: str) -> str:
    """`document` with a ``<style>`` element holding `css` at the end of its head."""
    style = f'<style media="print">{css}</style>\n'
    match = _HEAD_END.search(document)
    if match is None:
        return style + document
    return document[: match.start()] + style + document[match.start() :]


def _run(command: list[str], *, timeout: float) -> subprocess.CompletedProcess:
    """Run `command` in its own process group; on time-out kill the whole group (Chromium's
    helper processes included)."""
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _tail(stderr: bytes, lines: int = 5) -> str:
    text = stderr.decode("utf-8", "replace").strip().splitlines()
    useful = [line for line in text if "dbus" not in line.lower()] or text
    return "\n".join(useful[-lines:])


def print_pdf(
    html_path: str | os.PathLike,
    pdf_path: str | os.PathLike,
    *,
    paper: str = "A4",
    timeout: float = 60.0,
    chromium: str | os.PathLike | None = None,
    lang: str | None = None,
) -> Path:
    """Print an HTML report to PDF with headless Chromium: page numbers, tables kept whole.

    The page is printed as the browser shows it, with :data:`PRINT_CSS` added: `paper` size,
    "Page n of N" at the foot of every page, headings kept with what follows, and tables,
    figures and outputs not split across pages where they fit on one page. The HTML file is
    not changed; the PDF is written to a temporary file beside `pdf_path`, then renamed.

    Parameters
    ----------
    html_path : str or path-like
        The HTML report (self-contained: images as data URLs, as kamlib's reports are).
    pdf_path : str or path-like
        Where to write the PDF; its folder must exist. An existing file is replaced.
    paper : {"A4", "A3", "A5", "letter", "legal"}, default "A4"
        Paper size.
    timeout : float, default 60
        Seconds Chromium may take; then it is killed and :class:`PDFError` is raised.
    chromium : str or path-like, optional
        The Chromium executable (default: see :func:`find_chromium`).
    lang : str, optional
        The language of the page footer (:func:`footer_content`); default: the current
        language (``kam render --lang`` sets it for the run).

    Returns
    -------
    Path
        `pdf_path`.

    Raises
    ------
    PDFError
        When `html_path` is not a file, the folder of `pdf_path` is missing, or Chromium fails
        or times out.
    ChromiumNotFoundError
        When no Chromium is found (a :class:`~kamlib.errors.SetupError`).
    kamlib.errors.ArgumentError
        For a bad `paper` or `timeout`.

    Examples
    --------
    >>> print_pdf("no-such-report.html", "report.pdf")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kamlib.report.pdf.PDFError: `html_path`: no file no-such-report.html
    >>> print_pdf("published/C0001-brief.html", "published/C0001-brief.pdf")  # doctest: +SKIP
    PosixPath('published/C0001-brief.pdf')
    """
    if paper not in PAPER_SIZES:
        raise ArgumentError(f"`paper` must be one of {', '.join(PAPER_SIZES)}, got {paper!r}")
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
        raise ArgumentError(f"`timeout` must be a positive number of seconds, got {timeout!r}")
    source = Path(html_path)
    target = Path(pdf_path)
    if not source.is_file():
        raise PDFError(f"`html_path`: no file {source}")
    if not target.parent.is_dir():
        raise PDFError(f"`pdf_path`: no folder {target.parent}")
    executable = find_chromium(chromium)
    document = source.read_text(encoding="utf-8")
    css = PRINT_CSS.replace("{paper}", paper).replace("{footer}", footer_content(lang))

    with tempfile.TemporaryDirectory(prefix="kam-pdf-") as work:
        work_dir = Path(work)
        page = work_dir / "page.html"
        document = _hyphenated_headers(document, lang or current_language())
        page.write_text(_with_print_css(document, css), encoding="utf-8")
        printed = work_dir / "page.pdf"
        command = [
            str(executable),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={work_dir / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={printed}",
            page.as_uri(),
        ]
        try:
            completed = _run(command, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise PDFError(
                f"Chromium took longer than {timeout:g} s (`timeout`) to print {source}"
            ) from None
        except OSError as exc:
            raise PDFError(f"Chromium ({executable}) could not be started: {exc}") from None
        data = printed.read_bytes() if printed.is_file() else b""
        if completed.returncode != 0 or not data.startswith(b"%PDF-"):
            raise PDFError(
                f"Chromium ({executable}) did not print {source} to PDF "
                f"(exit code {completed.returncode}): {_tail(completed.stderr)}"
            )

    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return target

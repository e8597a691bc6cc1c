"""Safe, self-contained HTML: the report exporter, the security gate and escaped tables.

Three parts, used at three moments:

- in a notebook, :func:`table`, :func:`heading` and :func:`paragraph` turn data into HTML in
  which every value (cells, labels, index and column names, captions) is escaped;
- after execution, :func:`export_html` turns the executed notebook into one HTML file with code,
  parameters and the completion sentinel removed, no external resource and a
  Content-Security-Policy meta tag (nbconvert's HTMLExporter with kamlib's template); a table
  cut to its first rows carries its full rows in the notebook (:data:`FULL_TABLE_MIME`), which
  :func:`full_tables` reads back so that a run can write them to a spreadsheet beside the report
  and :func:`export_html` can link each cut table to its sheet;
- before publishing, :func:`scan_html` parses the document (a DOM scan, not a substring search)
  and lists anything that could run or load something: ``<script>``, ``on*`` attributes,
  ``javascript:`` and ``data:`` URLs, frames, forms, remote resources. :func:`check_html` raises
  :class:`UnsafeHTMLError` when the list is not empty.
"""

from __future__ import annotations

import copy
import functools
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd

from kamlib.errors import ArgumentError, KamlibError
from kamlib.language import N_, current_language, ngettext
from kamlib.language import gettext as _
from kamlib.words.columns import MISSING, cell_text, column_kind, column_label

__all__ = [
    "CSP",
    "FULL_TABLE_MIME",
    "HIDDEN_CELL_TAGS",
    "SafeHTML",
    "UnsafeHTMLError",
    "check_html",
    "export_html",
    "full_tables",
    "heading",
    "html_exporter",
    "paragraph",
    "scan_html",
    "table",
]

#: The Content-Security-Policy of every report: no script, frame, form, font or image from
#: anywhere but the page itself (images and fonts as data: URLs), inline styles only.
CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
    "base-uri 'none'; form-action 'none'"
)

#: Cells with these tags are dropped from the report: papermill's parameters cells and the
#: completion sentinel kamlib appends before execution.
HIDDEN_CELL_TAGS = frozenset(
    {"parameters", "injected-parameters", "kamlib-sentinel", "kamlib-language"}
)

#: The report template's own sentences (``resources.kamlib_texts`` in the template).
TEMPLATE_TEXTS = {
    "javascript": N_("(A JavaScript output is not shown in the static report.)"),
    "widget": N_(
        "(An interactive widget is not shown in the static report: open the notebook in "
        "JupyterLab.)"
    ),
}

#: The MIME type of a cut table's full rows in a notebook output (beside its ``text/html``).
FULL_TABLE_MIME = "application/vnd.kamlib.full-table+json"

_TEMPLATE = "kamlib_html"
TEMPLATES = Path(__file__).resolve().parent / "templates"  # the report template's folder


class UnsafeHTMLError(KamlibError):
    """A document failed the security gate; ``findings`` lists what was found and where."""

    def __init__(self, findings: list[str]):
        self.findings = list(findings)
        shown = "; ".join(self.findings[:10])
        more = f" (and {len(self.findings) - 10} more)" if len(self.findings) > 10 else ""
        super().__init__(f"HTML failed the security gate: {shown}{more}")


@dataclass(frozen=True)
class SafeHTML:
    """HTML built by kamlib from escaped values; a notebook displays it as HTML.

    Examples
    --------
    >>> SafeHTML("<p>x</p>")._repr_html_()
    '<p>x</p>'
    """

    html: str
    full: dict | None = field(default=None, compare=False, repr=False)
    """A cut table's full rows (:data:`FULL_TABLE_MIME`), shown by nobody, read by a run."""

    def _repr_html_(self) -> str:
        return self.html

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        if self.full is None:
            return {"text/html": self.html}
        return {"text/html": self.html, FULL_TABLE_MIME: self.full}

    def __str__(self) -> str:
        return self.html


# ------------------------------------------------------------------ escaped building blocks


def _text(value: object) -> str:
    return html.escape(str(value), quote=True)


def _th(text: str, *, left: bool = False) -> str:
    if left:
        return f'<th style="text-align: left">{_text(text)}</th>'
    return f"<th>{_text(text)}</th>"


def _td(text: str, *, left: bool = False) -> str:
    if left:  # JupyterLab's stylesheet right-aligns every cell; words read from the left
        return f'<td style="text-align: left">{_text(text)}</td>'
    return f"<td>{_text(text)}</td>"


def _tr(cells: list[str]) -> str:
    return "<tr>" + "".join(cells) + "</tr>"


def heading(text: object, *, level: int = 2) -> SafeHTML:
    """An escaped HTML heading, for titles that hold data (an account name, a period).

    Use it instead of ``Markdown(f"# {name}")``, which would let markup in `name` through.

    Parameters
    ----------
    text : object
        The heading text; converted with ``str`` and escaped.
    level : int, default 2
        1 to 6.

    Returns
    -------
    SafeHTML

    Examples
    --------
    >>> heading("<b>ACME</b>", level=1).html
    '<h1>&lt;b&gt;ACME&lt;/b&gt;</h1>'
    """
    if level not in range(1, 7):
        raise ArgumentError(f"`level` must be 1-6, got {level!r}")
    return SafeHTML(f"<h{level}>{_text(text)}</h{level}>")


def paragraph(text: object) -> SafeHTML:
    """An escaped paragraph, for a computed sentence that holds data values.

    Examples
    --------
    >>> paragraph("3 clients hold 52 % of sales & more").html
    '<p>3 clients hold 52 % of sales &amp; more</p>'

    An empty sentence shows nothing (e.g. :func:`kamlib.words.if_recorded` without its table):

    >>> paragraph("").html
    ''
    """
    return SafeHTML(f"<p>{_text(text)}</p>") if str(text) else SafeHTML("")


def _label(value: object, currency: str | None = None, labels: bool = True) -> str:
    if isinstance(value, tuple):
        return " / ".join(_label(v, currency, labels) for v in value if _label(v) != "")
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    return column_label(value, currency) if labels else str(value)


def _whole(values: pd.Series) -> bool:
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    numbers = numbers[np.isfinite(numbers.to_numpy(dtype="float64"))]
    return bool(((numbers % 1) == 0).all())


def _wordy(values: pd.Series) -> bool:
    """True for a column of words (names, actions, reasons): most of its cells start with a letter.

    Pre-formatted numbers ("+17.6 %", "80% / 95%") and codes of digits stay right-aligned.
    """
    if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
        return False
    text = [str(v) for v in values if isinstance(v, str) and v.strip()]
    return sum(t.lstrip()[0].isalpha() for t in text) * 2 > len(text) if text else False


def _column_formats(
    frame: pd.DataFrame, formats: Mapping[object, str], float_format: str | None
) -> list[tuple[str | None, str | None, bool]]:
    """(kind, explicit format, cents) for each column of `frame`."""
    out = []
    for i, col in enumerate(frame.columns):
        values = frame.iloc[:, i]
        numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        name = col[-1] if isinstance(col, tuple) else col
        kind = column_kind(name) if numeric else None
        fmt = formats.get(col)
        if fmt is None and kind is None and numeric and pd.api.types.is_float_dtype(values):
            fmt = (
                float_format
                if float_format is not None
                else ("{:,.0f}" if _whole(values) else "{:,.2f}")
            )
        cents = True
        if kind == "money":
            numbers = pd.to_numeric(values, errors="coerce").abs()
            cents = not (bool((numbers >= 1000).any()) or _whole(values))
        out.append((kind, fmt, cents))
    return out


def _totals(
    frame: pd.DataFrame, kinds: list[tuple[str | None, str | None, bool]], na_rep: str
) -> list[str] | None:
    """The total row's cells (all rows of `frame`), or None when no column adds up."""
    cells, any_sum = [], False
    for i, (kind, fmt, cents) in enumerate(kinds):
        if kind in ("money", "count"):
            cells.append(
                cell_text(
                    frame.iloc[:, i].sum(min_count=1), kind, fmt=fmt, cents=cents, na_rep=na_rep
                )
            )
            any_sum = True
        else:
            cells.append("")
    return cells if any_sum else None


def _count(n: int) -> str:
    """A count with the current language's digit grouping ("1,234"; French "1 234")."""
    if current_language() == "en":
        return f"{n:,}"
    from babel.numbers import format_decimal

    from kamlib.language import babel_locale

    return format_decimal(n, locale=babel_locale())


def table(
    frame: pd.DataFrame,
    *,
    caption: str | None = None,
    max_rows: int | None = 50,
    index: bool | None = None,
    float_format: str | None = None,
    formats: Mapping[object, str] | None = None,
    na_rep: str = MISSING,
    currency: str | None = None,
    labels: bool = True,
    empty: str | None = None,
) -> SafeHTML:
    """An HTML table in which every value, label, name and the caption are escaped.

    pandas' ``Styler.to_html`` writes captions and index names raw, and ``to_html(render_links=
    True)`` writes raw URLs; this function escapes everything, and when rows are cut it says so
    ("Showing the first 50 of 100 rows.") instead of an ellipsis row, with a total row over all
    rows for the columns that add up (money and counts).

    Column and index names go through the label catalogue
    (:func:`kamlib.words.columns.column_label`: ``gp_share`` -> "Share of gross profit", money
    columns with the `currency`); cells are written by kind (:func:`kamlib.words.columns.cell_text`:
    money without cents when a column reaches 1,000, shares as "12.3 %", changes as "+5.6 %", no
    "-0.0 %", booleans "yes"/"no", missing values `na_rep`, dates without a time of day).
    Columns of words are aligned left, numbers right. A table without rows is not drawn: the
    `empty` sentence says what that means instead (none recorded is not the same as not known).

    Parameters
    ----------
    frame : DataFrame
        The table to show; not modified.
    caption : str, optional
        Caption above the table.
    max_rows : int or None, default 50
        Show at most this many rows (the first ones); None shows all.
    index : bool, optional
        Show the index; by default only when it is not an unnamed 0..n-1 range.
    float_format : str, optional
        Format for floats of columns without a kind, used with ``str.format``; default
        ``"{:,.0f}"`` for a column of whole numbers, ``"{:,.2f}"`` otherwise.
    formats : mapping, optional
        Per-column format strings (``{"share": "{:.1%}"}``), overriding the column's kind.
    na_rep : str, default "—"
        Text for missing values (NaN, None, NaT, ``pd.NA``).
    currency : str, optional
        The workspace currency (``ws.config.currency``), shown in money headers.
    labels : bool, default True
        Map column and index names through the label catalogue; False shows them as they are.
    empty : str, optional
        What to say instead of a table without rows; ``""`` says nothing (a sentence next to the
        table already does). Default: "<caption>: none." (in the current language, as are the
        notes on cut tables).

    Returns
    -------
    SafeHTML
        Displays as a table in a notebook.

    Raises
    ------
    ArgumentError
        When `max_rows` is negative or `formats` names a column that is not in `frame`.

    Examples
    --------
    >>> df = pd.DataFrame({"name": ["Ada <script>x</script>"], "revenue": [1234.5],
    ...                    "at_risk": [False]})
    >>> print(table(df, caption="Top & bottom", currency="EUR").html)
    <table class="kam-table">
    <caption>Top &amp; bottom</caption>
    <thead>
    <tr><th style="text-align: left">Name</th><th>Revenue (EUR)</th><th>At risk</th></tr>
    </thead>
    <tbody>
    <tr><td style="text-align: left">Ada &lt;script&gt;x&lt;/script&gt;</td><td>1,234</td><td>no</td></tr>
    </tbody>
    </table>
    >>> table(df.iloc[:0], caption="Tenders", empty="No tender recorded.").html
    '<p>No tender recorded.</p>'
    """
    if max_rows is not None and max_rows < 0:
        raise ArgumentError(f"`max_rows` must be >= 0 or None, got {max_rows!r}")
    formats = dict(formats or {})
    unknown = [c for c in formats if c not in frame.columns]
    if unknown:
        raise ArgumentError(f"`formats` names column(s) not in the frame: {unknown!r}")
    if index is None:
        index = not (
            isinstance(frame.index, pd.RangeIndex)
            and frame.index.name is None
            and frame.index.start == 0
            and frame.index.step == 1
        )
    total = len(frame)
    if total == 0:
        if empty is not None:
            text = empty
        elif caption:
            text = _("{caption}: none.").format(caption=caption)
        else:
            text = _("This table: none.")
        return paragraph(text) if text else SafeHTML("")
    shown = frame if max_rows is None else frame.iloc[:max_rows]
    columns = list(shown.columns)
    kinds = _column_formats(frame, formats, float_format)

    def label(value: object) -> str:
        return _label(value, currency, labels)

    words = [
        kind is None and fmt is None and _wordy(shown.iloc[:, i])
        for i, (kind, fmt, _) in enumerate(kinds)
    ]
    head = [_th(label(c), left=left) for c, left in zip(columns, words, strict=True)]
    names = [label(n) for n in frame.index.names] if index else []
    header = []
    if frame.columns.name is not None:
        if index:  # one header row: "Client / Criterion" in the corner (rows / columns)
            corner = " / ".join(n for n in (names[-1], label(frame.columns.name)) if n)
            names = [*names[:-1], corner]
        else:
            span = max(len(columns), 1)
            name = _text(label(frame.columns.name))
            header.append(f'<tr><th colspan="{span}">{name}</th></tr>')
    header.append(_tr([_th(n) for n in names] + head))

    cells = [
        [
            _td(cell_text(v, kind, fmt=fmt, cents=cents, na_rep=na_rep), left=words[i])
            for v in shown.iloc[:, i].tolist()
        ]
        for i, (kind, fmt, cents) in enumerate(kinds)
    ]
    keys = [k if isinstance(k, tuple) else (k,) for k in shown.index]
    row_labels = (
        ["".join(_th(cell_text(p, na_rep="")) for p in key) for key in keys]
        if index
        else [""] * len(keys)
    )
    rows = [_tr([lab, *row]) for lab, *row in zip(row_labels, *cells, strict=True)]

    lines = ['<table class="kam-table">']
    if caption is not None:
        lines.append(f"<caption>{_text(caption)}</caption>")
    lines += ["<thead>", *header, "</thead>", "<tbody>", *rows, "</tbody>"]
    cut = len(shown) < total
    sums = _totals(frame, kinds, na_rep) if cut else None
    if sums is not None:
        word = ngettext("Total, all {n} rows", "Total, all {n} rows", total).format(n=_count(total))
        if index:
            foot = [_th(word)] + [_th("")] * (max(frame.index.nlevels, 1) - 1)
            foot += [_td(c) for c in sums]
        else:
            free = next((i for i, c in enumerate(sums) if c == ""), None)
            if free is None:  # every column adds up: the label gets its own first cell
                foot = [_th(word)] + [_td(c) for c in sums]
            else:
                foot = [_th(word) if i == free else _td(c) for i, c in enumerate(sums)]
        lines += ["<tfoot>", _tr(foot), "</tfoot>"]
    lines.append("</table>")
    if cut:
        if sums is not None:
            note = ngettext(
                "Showing the first {shown} of {n} rows. The total row adds up all of them.",
                "Showing the first {shown} of {n} rows. The total row adds up all of them.",
                total,
            )
        else:
            note = ngettext(
                "Showing the first {shown} of {n} rows.",
                "Showing the first {shown} of {n} rows.",
                total,
            )
        note = note.format(shown=_count(len(shown)), n=_count(total))
        lines.append(f'<p class="kam-table-note">{_text(note)}</p>')
        full = _full_rows(frame if not index else frame.reset_index(), caption, currency, labels)
        return SafeHTML("\n".join(lines), full=full)
    return SafeHTML("\n".join(lines))


def _full_rows(frame: pd.DataFrame, caption, currency, labels) -> dict | None:
    """A cut table's rows as JSON (pandas' table schema), or None when they cannot be."""
    data = frame.copy()
    data.columns = [
        " / ".join(map(str, c)) if isinstance(c, tuple) else str(c) for c in data.columns
    ]
    if data.columns.duplicated().any():
        return None
    try:
        rows = data.to_json(orient="table", index=False, date_format="iso", date_unit="s")
    except (TypeError, ValueError, OverflowError):
        return None
    return {"caption": caption, "currency": currency, "labels": labels, "rows": rows}


def full_tables(nb) -> list[dict]:
    """The full rows of every cut table of an executed notebook, in the order shown.

    Each item has ``title`` (the table's caption, or "Table n"), ``frame`` (the rows as the
    notebook computed them, column names as they were), ``currency`` and ``labels`` (as given
    to :func:`table`).

    Examples
    --------
    >>> import nbformat
    >>> cut = table(pd.DataFrame({"revenue": [1.0, 2.0, 3.0]}), caption="Top", max_rows=1)
    >>> out = nbformat.v4.new_output("display_data", data=cut._repr_mimebundle_())
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[out])])
    >>> [(t["title"], len(t["frame"])) for t in full_tables(nb)]
    [('Top', 3)]
    """
    import io

    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            full = output.get("data", {}).get(FULL_TABLE_MIME)
            if not isinstance(full, dict) or not isinstance(full.get("rows"), str):
                continue
            frame = pd.read_json(io.StringIO(full["rows"]), orient="table")
            title = full.get("caption") or _("Table {n}").format(n=len(found) + 1)
            found.append(
                {
                    "title": str(title),
                    "frame": frame,
                    "currency": full.get("currency"),
                    "labels": bool(full.get("labels", True)),
                }
            )
    return found


# --------------------------------------------------------------------------- export


def html_exporter():
    """A new nbconvert ``HTMLExporter`` configured for kamlib reports.

    Input cells and prompts excluded, cells tagged ``parameters``, ``injected-parameters`` or
    ``kamlib-sentinel`` removed, ``embed_images`` off (nbconvert < 7.17.1 read local files into
    the HTML through it), HTML not sanitised by nbconvert (that would break tables; the gate
    checks instead), and kamlib's template, which extends ``lab`` without any CDN script.

    Returns
    -------
    nbconvert.HTMLExporter

    Examples
    --------
    >>> exporter = html_exporter()
    >>> exporter.exclude_input, exporter.embed_images, exporter.template_name
    (True, False, 'kamlib_html')
    """
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.HTMLExporter.embed_images = False
    config.HTMLExporter.sanitize_html = False
    config.HTMLExporter.theme = "light"
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(HIDDEN_CELL_TAGS)
    return HTMLExporter(
        config=config,
        template_name=_TEMPLATE,
        extra_template_basedirs=[str(TEMPLATES)],
    )


@functools.lru_cache(maxsize=1)
def _shared_exporter():
    return html_exporter()


def _report_notebook(nb):
    """A copy of `nb` as the report shows it: no stderr streams, no widget state."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell.outputs = [
                o
                for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
    return nb


def _link_tables(nb, workbook: str) -> None:
    """Point the note under each cut table of `nb` (changed in place) at its sheet."""
    from kamlib.report.workbook import sheet_name

    taken: set[str] = set()
    tables = iter(full_tables(nb))
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data", {})
            if FULL_TABLE_MIME not in data:
                continue
            found = next(tables, None)
            data.pop(FULL_TABLE_MIME)
            page = data.get("text/html")
            if found is None or not isinstance(page, str) or not page.endswith("</p>"):
                continue
            sheet = sheet_name(found["title"], taken)
            taken.add(sheet.casefold())
            n = len(found["frame"])
            text = ngettext(
                'All {n} rows: sheet "{sheet}" of the spreadsheet {file}.',
                'All {n} rows: sheet "{sheet}" of the spreadsheet {file}.',
                n,
            ).format(n=_count(n), sheet=sheet, file=workbook)
            link = f'<a href="{_text(workbook)}" download>{_text(workbook)}</a>'
            data["text/html"] = (
                page[: -len("</p>")] + " " + _text(text).replace(_text(workbook), link, 1) + "</p>"
            )


def export_html(
    nb,
    *,
    title: str | None = None,
    exporter=None,
    lang: str | None = None,
    workbook: str | None = None,
) -> str:
    """Export an executed notebook to one self-contained, script-free HTML document.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook; not modified. stderr streams (warnings) and widget state are
        left out of the report.
    title : str, optional
        The document title (escaped by the template); default: the notebook's metadata title.
    exporter : HTMLExporter, optional
        Reuse an exporter from :func:`html_exporter`; by default one shared per process.
    lang : str, optional
        The document's language (``<html lang="fr">``) and that of the template's own notes;
        default: the current language (:func:`kamlib.language.current_language`).
    workbook : str, optional
        The file name of the spreadsheet that holds the full rows of the notebook's cut tables
        (:func:`full_tables`, written beside the report by the run): the note under each cut
        table then links to it and names the table's sheet.

    Returns
    -------
    str
        The HTML document. Pass it through :func:`check_html` before publishing it.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Hello")])
    >>> page = export_html(nb, title="demo")
    >>> scan_html(page)
    []
    """
    from kamlib.language import language

    exporter = exporter if exporter is not None else _shared_exporter()
    lang = lang or current_language()
    meta = {"name": title if title is not None else nb.metadata.get("title", "Report")}
    exporter.language_code = lang  # the <html lang> attribute (nbconvert sets it from this)
    report = _report_notebook(nb)
    with language(lang):
        texts = {key: _(text) for key, text in TEMPLATE_TEXTS.items()}
        if workbook:
            _link_tables(report, workbook)
    body, _resources = exporter.from_notebook_node(
        report, resources={"metadata": meta, "kamlib_csp": CSP, "kamlib_texts": texts}
    )
    return body


# --------------------------------------------------------------------------- the security gate

_BANNED_TAGS = frozenset(
    {
        "script",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "form",
        "base",
        "link",
        "portal",
        "fencedframe",
        "template",
    }
)
_URL_ATTRS = frozenset(
    {
        "href",
        "xlink:href",
        "src",
        "action",
        "formaction",
        "poster",
        "background",
        "data",
        "codebase",
        "cite",
        "srcset",
        "lowsrc",
        "dynsrc",
        "longdesc",
        "ping",
        "manifest",
        "icon",
        "profile",
        "archive",
        "classid",
        "usemap",
        "imagesrcset",
    }
)
_NAVIGATION = frozenset({("a", "href"), ("area", "href")})
_DATA_IMAGE = re.compile(r"data:image/(png|jpeg|jpg|gif|webp|svg\+xml)[;,]")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
# Belts for parser differentials: these patterns in the raw markup fail the gate even when the
# parse above saw nothing (escaped data never contains a raw "<").
_RAW_SCRIPT = re.compile(r"<\s*/?\s*script\b", re.IGNORECASE)
_RAW_HANDLER = re.compile(r"<[a-z][^<>]*?[\s/\"'`]on[a-z]+\s*=", re.IGNORECASE)


def _squash(value: str) -> str:
    """Lower-case, without the whitespace and control characters browsers ignore in URLs."""
    return _CONTROL.sub("", value).lower()


def _external_host(url: str) -> str | None:
    squashed = _squash(url)
    match = re.match(r"^(?:https?:)?//([^/?#]*)", squashed)
    return match.group(1) if match else None


class _Scanner(HTMLParser):
    def __init__(self, allowed_hosts: frozenset[str]):
        super().__init__(convert_charrefs=True)
        self.allowed_hosts = allowed_hosts
        self.findings: list[str] = []
        self.policies: list[str] = []
        self._in_style = False

    def _add(self, what: str) -> None:
        line, col = self.getpos()
        self.findings.append(f"line {line}:{col}: {what}")

    def _check_css(self, css: str, where: str) -> None:
        lowered = _squash(css)
        if "@import" in lowered:
            self._add(f"{where}: CSS @import")
        if "expression(" in lowered or "javascript:" in lowered or "behavior:" in lowered:
            self._add(f"{where}: scriptable CSS")
        for _quote, target in _CSS_URL.findall(css):
            target = _squash(target)
            if not (target.startswith("#") or _DATA_IMAGE.match(target)):
                self._add(f"{where}: CSS url() loads a resource")

    def _check_tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BANNED_TAGS:
            self._add(f"<{tag}> element")
        if tag == "meta":
            values = {k: (v or "") for k, v in attrs}
            equiv = values.get("http-equiv", "").strip().lower()
            if equiv == "content-security-policy":
                self.policies.append(values.get("content", ""))
            elif equiv:
                self._add(f"<meta http-equiv={equiv!r}>")
        for name, value in attrs:
            if name.startswith("on"):
                self._add(f"<{tag}> event-handler attribute {name!r}")
            if value is None:
                continue
            squashed = _squash(value)
            if "javascript:" in squashed or "vbscript:" in squashed:
                self._add(f"<{tag} {name}> holds a script URL")
                continue
            if name == "style":
                self._check_css(value, f"<{tag} style>")
            if name == "srcdoc":
                self._add(f"<{tag}> srcdoc attribute")
            if name not in _URL_ATTRS:
                continue
            if squashed.startswith("data:"):
                image = tag in ("img", "image") and name in ("src", "href", "xlink:href")
                if not (image and _DATA_IMAGE.match(squashed)):
                    self._add(f"<{tag} {name}> holds a data: URL")
                continue
            host = _external_host(value)
            remote = host is not None and host not in self.allowed_hosts
            if remote and (tag, name) not in _NAVIGATION:
                self._add(f"<{tag} {name}> loads a remote resource from {host!r}")

    def handle_starttag(self, tag, attrs):
        self._check_tag(tag, attrs)
        if tag == "style":
            self._in_style = True

    def handle_startendtag(self, tag, attrs):
        self._check_tag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self._check_css(data, "<style>")


def scan_html(
    document: str,
    *,
    csp: str | None = CSP,
    allowed_hosts: Iterable[str] = (),
) -> list[str]:
    """List what in `document` could run script or load something from elsewhere.

    The document is parsed (``html.parser``), not searched as text: nbconvert rewrites
    ``<img src=x onerror=alert(1)>`` as ``<img alt="..." onerror="alert(1)" src="x"/>``, which a
    substring test for the payload would miss. Flagged: any ``<script>`` (kamlib's template has
    none, so nothing is allowed), ``<iframe>``, ``<frame>``, ``<object>``, ``<embed>``,
    ``<applet>``, ``<form>``, ``<base>``, ``<link>``, ``<template>``; any ``on*`` attribute;
    ``javascript:``/``vbscript:`` in any attribute (after the whitespace and character
    references browsers ignore); ``data:`` URLs except images in ``<img>``; remote resources
    (``src``, ``<use href>``, CSS ``url()``/``@import``) from hosts not in `allowed_hosts`;
    ``<meta http-equiv>`` other than the CSP; and, when `csp` is given, a missing or different
    Content-Security-Policy. Links (``<a href="https://...">``) are allowed.

    Parameters
    ----------
    document : str
        A full HTML document or a fragment.
    csp : str or None, default CSP
        The policy the document must declare in exactly one meta tag; None skips the check
        (for fragments).
    allowed_hosts : iterable of str
        Hosts from which resources may load (none by default).

    Returns
    -------
    list of str
        One finding per problem, with its line and column; empty when the document is safe.
        Findings name elements and attributes, never the data values.

    Examples
    --------
    >>> scan_html('<p>Hello <b>world</b></p>', csp=None)
    []
    >>> scan_html('<img alt="x" onerror="alert(1)" src="x"/>', csp=None)
    ["line 1:0: <img> event-handler attribute 'onerror'"]
    """
    scanner = _Scanner(frozenset(h.lower() for h in allowed_hosts))
    scanner.feed(document)
    scanner.close()
    findings = list(scanner.findings)
    if _RAW_SCRIPT.search(document) and not any("<script>" in f for f in findings):
        findings.append("a '<script' tag appears in the raw markup")
    if _RAW_HANDLER.search(document) and not any("event-handler" in f for f in findings):
        findings.append("an on*= event-handler pattern appears in the raw markup")
    if csp is not None:
        if len(scanner.policies) != 1:
            findings.append(
                f"expected one Content-Security-Policy meta tag, found {len(scanner.policies)}"
            )
        elif scanner.policies[0].strip() != csp:
            findings.append("the Content-Security-Policy meta tag differs from kamlib's policy")
    return findings


def check_html(document: str, *, csp: str | None = CSP, allowed_hosts: Iterable[str] = ()) -> None:
    """Raise :class:`UnsafeHTMLError` when :func:`scan_html` finds anything.

    Examples
    --------
    >>> check_html("<p>fine</p>", csp=None)
    >>> check_html("<a href='javascript:alert(1)'>x</a>", csp=None)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kamlib.report.elements.UnsafeHTMLError: HTML failed the security gate: ... <a href> holds a script URL
    """
    findings = scan_html(document, csp=csp, allowed_hosts=allowed_hosts)
    if findings:
        raise UnsafeHTMLError(findings)

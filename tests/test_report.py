"""HTML export, the security gate and escaped tables (docs/reliability.md section E)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from importlib.metadata import requires, version

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from kamlib.report.elements import (
    CSP,
    SafeHTML,
    UnsafeHTMLError,
    check_html,
    export_html,
    heading,
    html_exporter,
    paragraph,
    scan_html,
    table,
)

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "</td></table><script>alert(2)</script>",
    "javascript:alert(1)",
    "{{7*7}}",
    "$\\x$",
]


class _Dom(HTMLParser):
    """Every start tag with its attributes, for assertions on the parsed document."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _html_output(html: str):
    return new_output("display_data", data={"text/html": html, "text/plain": "<HTML>"})


def _executed_notebook(*cells):
    nb = new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


# --------------------------------------------------------------------------- the gate


def test_gate_flags_nbconverts_rewritten_onerror():  # case 48
    cell = new_code_cell('display(HTML("<img src=x onerror=alert(1)>"))')
    cell.outputs = [_html_output("<img src=x onerror=alert(1)>")]
    page = export_html(_executed_notebook(cell))
    # nbconvert rewrites the tag, so a substring test for the payload would pass ...
    assert "<img src=x onerror=alert(1)>" not in page
    assert re.search(r"<img [^>]*onerror=", page)
    # ... while the DOM scan finds the live handler
    findings = scan_html(page)
    assert len(findings) == 1 and "'onerror'" in findings[0]
    with pytest.raises(UnsafeHTMLError) as err:
        check_html(page)
    assert err.value.findings == findings


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//x.example/a.js></SCRIPT>",
        "<svg><script>alert(1)</script></svg>",
        "<img src=x onerror=alert(1)>",
        '<img/src="x"/onerror=alert(1)>',
        "<img src=x\nonerror=alert(1)>",
        '<img src="x/onerror=alert(1)">',  # not live in a browser, but suspicious: flagged
        "<body onload=alert(1)>",
        "<svg onload=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" JaVaScRiPt:alert(1)">x</a>',
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        '<img src="data:text/html;base64,PHNjcmlwdD4=">',
        '<iframe src="https://e.example"></iframe>',
        '<iframe srcdoc="x"></iframe>',
        '<object data="x.swf"></object>',
        '<embed src="x.swf">',
        '<form action="https://e.example"><input></form>',
        '<base href="https://e.example/">',
        '<link rel="stylesheet" href="https://cdn.example/x.css">',
        '<meta http-equiv="refresh" content="0;url=https://e.example">',
        '<img src="https://tracker.example/p.gif">',
        '<img src="//tracker.example/p.gif">',
        '<svg><use href="https://e.example/s.svg#a"></use></svg>',
        '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
        '<svg><animate attributeName="href" to="javascript:alert(1)"/></svg>',
        '<div style="background:url(https://e.example/x.png)">x</div>',
        "<style>@import url(https://e.example/x.css);</style>",
        "<style>div { background: url('http://e.example/x.png') }</style>",
        '<div style="width: expression(alert(1))">x</div>',
        '<button formaction="javascript:alert(1)">x</button>',
        "<template><script>alert(1)</script></template>",
    ],
)
def test_gate_flags_scripts_handlers_urls_and_remote_loads(snippet):  # cases 47, 51, 52
    assert scan_html(snippet, csp=None), snippet


@pytest.mark.parametrize(
    "snippet",
    [
        "<p>Hello &lt;script&gt;alert(1)&lt;/script&gt;</p>",
        '<a href="https://e.example/page">a link is not a resource</a>',
        '<a href="#section-2">anchor</a>',
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="chart">',
        '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">',
        "<style>.x { background: url(data:image/png;base64,iVBORw0KGgo=) }</style>",
        "<table><tr><th>online</th><td>one</td></tr></table>",
        '<p title="onerror is only a word here">x</p>',
        "<pre>javascript: is text in a data cell, not an attribute</pre>",
    ],
)
def test_gate_passes_ordinary_markup(snippet):
    assert scan_html(snippet, csp=None) == []


def test_gate_requires_kamlibs_csp():
    assert scan_html("<p>x</p>") == ["expected one Content-Security-Policy meta tag, found 0"]
    other = '<meta http-equiv="Content-Security-Policy" content="default-src *">'
    assert "differs" in scan_html(other)[0]
    ours = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
    assert scan_html(ours) == []
    assert len(scan_html(ours + ours)) == 1


def test_gate_findings_hold_no_data_values():
    findings = scan_html("<a href=\"javascript:steal('CANARY-VALUE')\">x</a>", csp=None)
    assert findings and not any("CANARY" in f for f in findings)


def test_allowed_hosts():
    snippet = '<img src="https://static.example/logo.png">'
    assert scan_html(snippet, csp=None)
    assert scan_html(snippet, csp=None, allowed_hosts=["static.example"]) == []


# --------------------------------------------------------------------------- export


@pytest.fixture(scope="module")
def report_page() -> str:
    """A typical executed report: parameters, injected parameters, code, a table, a figure."""
    frame = pd.DataFrame(
        {"client": PAYLOADS, "revenue": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]},
        index=pd.Index(PAYLOADS, name="<b>idx</b>"),
    )
    frame.columns = pd.Index(["<i>client</i>", "revenue"], name="<u>cols</u>")
    params = new_code_cell('account_id = ""  # the account', metadata={"tags": ["parameters"]})
    injected = new_code_cell(
        '# Parameters\naccount_id = "CANARY-PARAM"', metadata={"tags": ["injected-parameters"]}
    )
    code = new_code_cell("secret_source_marker = kam.table(frame)")
    code.outputs = [
        new_output(
            "display_data",
            data={"text/html": table(frame, caption=PAYLOADS[0]).html, "text/plain": "table"},
        )
    ]
    warn = new_code_cell("import warnings")
    warn.outputs = [
        new_output("stream", name="stderr", text="UserWarning: /home/CANARY-PATH\n"),
        new_output("stream", name="stdout", text="3 clients hold 52 %\n"),
    ]
    figure = new_code_cell("plt.show()")
    figure.outputs = [
        new_output(
            "display_data",
            data={
                "image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9a"
                "wAAAABJRU5ErkJggg==",
                "text/plain": "<Figure>",
            },
        )
    ]
    js = new_code_cell("display(Javascript('alert(1)'))")
    js.outputs = [
        new_output("display_data", data={"application/javascript": "alert(1)", "text/plain": "js"})
    ]
    sentinel = new_code_cell("print('kamlib-complete-abc')", metadata={"tags": ["kamlib-sentinel"]})
    sentinel.outputs = [new_output("stream", name="stdout", text="kamlib-complete-abc\n")]
    nb = _executed_notebook(
        params,
        injected,
        new_markdown_cell("# Brief for the client"),
        code,
        warn,
        figure,
        js,
        sentinel,
    )
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return export_html(nb, title="brief: <ACME>")


def test_export_passes_the_gate_with_payloads_in_every_label(report_page):  # case 47
    assert scan_html(report_page) == []
    dom = _Dom(report_page)
    assert not [t for t, _ in dom.tags if t in ("script", "iframe", "object", "embed", "form")]
    assert not [(t, a) for t, attrs in dom.tags for a in attrs if a.startswith("on")]
    text = "".join(dom.text)
    for payload in PAYLOADS:
        assert payload in text  # shown as text, literally
    assert "{{7*7}}" in text and ">49<" not in report_page


def test_export_has_csp_and_no_external_resources(report_page):  # case 52
    dom = _Dom(report_page)
    metas = [a for t, a in dom.tags if t == "meta" and a.get("http-equiv")]
    assert metas == [{"http-equiv": "Content-Security-Policy", "content": CSP}]
    urls = [v for _, attrs in dom.tags for k, v in attrs.items() if k in ("src", "href") and v]
    assert not [u for u in urls if re.match(r"\s*(https?:)?//", u)]
    lowered = report_page.lower()
    for marker in ("require.js", "mathjax", "unpkg", "cdnjs", "cdn.jsdelivr", "mermaid"):
        assert marker not in lowered


def test_export_hides_code_parameters_sentinel_and_stderr(report_page):  # case 53
    for hidden in (
        "# Parameters",
        "CANARY-PARAM",
        "account_id",
        "injected-parameters",
        "secret_source_marker",
        "kam.table",
        "plt.show",
        "kamlib-complete",
        "CANARY-PATH",
        "widget-state",
    ):
        assert hidden not in report_page
    assert "3 clients hold 52 %" in report_page
    assert "Brief for the client" in report_page
    assert "A JavaScript output is not shown" in report_page
    assert "<title>brief: &lt;ACME&gt;</title>" in report_page


def test_export_does_not_modify_the_notebook():
    cell = new_code_cell("x")
    cell.outputs = [new_output("stream", name="stderr", text="warning\n")]
    nb = _executed_notebook(cell)
    before = nbformat.writes(nb)
    export_html(nb)
    assert nbformat.writes(nb) == before


def test_dependency_floor_and_exporter_config():  # case 55
    floor = [r for r in requires("kamlib") if r.replace(" ", "").startswith("nbconvert")]
    assert floor and ">=7.17.1" in floor[0].replace(" ", "")
    installed = tuple(int(p) for p in version("nbconvert").split(".")[:3])
    assert installed >= (7, 17, 1)
    exporter = html_exporter()
    assert exporter.embed_images is False
    assert exporter.sanitize_html is False  # by design: the gate checks instead
    assert exporter.exclude_input is True


# ------------------------------------------------------------------ escaped building blocks


def test_table_escapes_cells_labels_names_and_caption():  # case 49
    frame = pd.DataFrame(
        {"<th>col</th>": ["<script>alert(1)</script>"]},
        index=pd.Index(["<img src=x onerror=alert(1)>"], name="</td><script>"),
    )
    frame.columns.name = '"><svg onload=alert(1)>'
    out = table(frame, caption="<b>caption</b>").html
    dom = _Dom(out)
    assert {t for t, _ in dom.tags} <= {"table", "caption", "thead", "tbody", "tr", "th", "td"}
    left = {"style": "text-align: left"}  # the one attribute: words align left
    assert all(not attrs or attrs == left for t, attrs in dom.tags if t != "table")
    text = "".join(dom.text)
    for value in (
        "<th>col</th>",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "</td><script>",
        '"><svg onload=alert(1)>',
        "<b>caption</b>",
    ):
        assert value in text
    assert scan_html(out, csp=None) == []


def test_table_layout_and_formats():
    frame = pd.DataFrame(
        {
            "account": ["A", "B"],
            "share": [0.5, 0.25],
            "year": [2024, 2025],
            "since": pd.to_datetime(["2024-01-31", None]),
        }
    )
    out = table(frame, formats={"share": "{:.0%}"}, na_rep="-").html
    left = '<td style="text-align: left">'  # words read from the left, numbers line up right
    assert f"<tr>{left}A</td><td>50%</td><td>2024</td><td>2024-01-31</td></tr>" in out
    assert f"<tr>{left}B</td><td>25%</td><td>2025</td><td>-</td></tr>" in out
    indexed = table(frame.set_index("account")[["year"]]).html
    assert "<tr><th>Account</th><th>Year</th></tr>" in indexed  # human labels (words.columns)
    assert "<tr><th>A</th><td>2024</td></tr>" in indexed


def test_table_truncation_is_explicit():  # case 57
    frame = pd.DataFrame({"product": [f"P{i}" for i in range(100)], "revenue": range(100)})
    cut = table(frame, max_rows=50).html
    assert cut.count('<tr><td style="text-align: left">') == 50
    assert "Showing the first 50 of 100 rows." in cut
    assert "..." not in cut and "…" not in cut
    full = table(frame, max_rows=None).html
    assert full.count('<tr><td style="text-align: left">') == 100 and "Showing" not in full


def test_table_does_not_modify_the_frame():
    frame = pd.DataFrame({"a": [1.5, None]})
    before = frame.copy()
    table(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_table_argument_errors_name_the_parameter():
    from kamlib.errors import ArgumentError

    with pytest.raises(ArgumentError, match="`max_rows`"):
        table(pd.DataFrame({"a": [1]}), max_rows=-1)
    with pytest.raises(ArgumentError, match="`formats`"):
        table(pd.DataFrame({"a": [1]}), formats={"b": "{:.1f}"})


def test_url_values_are_text_not_links():  # case 51
    url = 'https://e.example/"><script>alert(1)</script>'
    out = table(pd.DataFrame({"website": [url, "javascript:alert(1)"]})).html
    assert "<a" not in out and scan_html(out, csp=None) == []
    assert url in "".join(_Dom(out).text)


def test_heading_and_paragraph_escape():
    assert heading("<script>x</script>", level=3).html == "<h3>&lt;script&gt;x&lt;/script&gt;</h3>"
    assert paragraph('"quoted" & <b>').html == "<p>&quot;quoted&quot; &amp; &lt;b&gt;</p>"
    assert isinstance(heading("x"), SafeHTML) and heading("x")._repr_html_() == "<h2>x</h2>"


def test_table_aligns_words_left_numbers_right_and_says_when_empty():
    frame = pd.DataFrame({"action": ["call the buyer"], "revenue": [1200.0]})
    out = table(frame).html
    assert '<td style="text-align: left">call the buyer</td>' in out
    assert "<td>1,200</td>" in out
    assert table(frame.iloc[:0], caption="Actions").html == "<p>Actions: none.</p>"
    assert table(frame.iloc[:0], empty="No action is open.").html == "<p>No action is open.</p>"
    assert table(frame.iloc[:0], empty="").html == ""


def test_a_pivot_has_one_header_row_with_rows_and_columns_named_in_the_corner():
    frame = pd.DataFrame({"client_id": ["C1"], "criterion": ["growth"], "met": [True]}).pivot(
        index="client_id", columns="criterion", values="met"
    )
    out = table(frame, labels=False).html
    assert out.count("<tr>") == 2  # one header row, one data row
    assert "<th>client_id / criterion</th>" in out

"""The index pages of a run: one row per account, sortable by every column, and the managers page.

``OUT/index.html`` lists every account with a report - name and id, account manager, region,
12-month revenue and its trend on the 12 months before, ABC-XYZ class, key-client type, status
(active, at risk, lost, loss-making) and its reports with their render state - largest revenue
first. Sorting needs no script (the Content-Security-Policy forbids scripts): each column title
links to a static page sorted by that column (:data:`PAGES`: ``index-by-manager.html``,
``index-by-risk.html``, ...). Above the table, "Needs attention" lists the key accounts whose
contract notice deadline falls before their next annual meeting, with both dates (the
manifest's ``attention``), linked to the account's brief when the run has one.
``OUT/managers.html`` is the portfolio per account manager. The
account facts come from the manifest's ``accounts`` and ``managers`` (written by
:func:`kamlib.run.render.render`); without them a row shows the id and what the run knows.
Every value is escaped, and bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE and the
like, which would show an id reversed or disguised) are replaced by a visible ``[U+202E]``; each
page passes the security gate before it is written atomically. A page that cannot be written
does not stop the others.

Every word of the pages is in the run's language (:func:`kamlib.language.use_language`, set by
``kam render --lang``): the column titles, the sort descriptions, the status and reason words,
the sentences; the page says ``<html lang="fr">``. Account names, ids, managers, regions and
classes are data and stay as they are.
"""

from __future__ import annotations

import html
import math
import re
from pathlib import Path

from kamlib.errors import KamlibError
from kamlib.language import N_, current_language, ngettext, pgettext
from kamlib.language import gettext as _
from kamlib.report.elements import CSP, scan_html
from kamlib.run.files import atomic_write
from kamlib.words.managers import key_type_text, status_text, trend_text
from kamlib.words.numbers import money

__all__ = [
    "NOTEBOOK_TITLES",
    "PAGES",
    "index_page",
    "managers_page",
    "write_indexes",
    "escape_text",
]

#: Bidirectional formatting characters: embeddings, overrides, isolates and marks.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape_text(value, quote: bool = True) -> str:
    """HTML-escape `value` and show its bidirectional controls as ``[U+XXXX]``.

    Examples
    --------
    >>> escape_text("<b>C0009\u202egnp.exe</b>")
    '&lt;b&gt;C0009[U+202E]gnp.exe&lt;/b&gt;'
    """
    return _BIDI.sub(lambda m: f"[U+{ord(m.group()):04X}]", html.escape(str(value), quote=quote))


_RISK = {"lost": 0, "at_risk": 1, "loss_making": 2, "active": 3}
_FAILED = ("failed", "timed_out")

#: The sorted views: (sort, file, column title, what the page says it is sorted by); the
#: titles and descriptions are English messages, translated where they are shown.
PAGES = (
    ("account", "index-by-account.html", N_("Account"), N_("account name")),
    (
        "manager",
        "index-by-manager.html",
        N_("Account manager"),
        N_("account manager, then revenue"),
    ),
    ("region", "index-by-region.html", N_("Region"), N_("region, then revenue")),
    (
        "revenue",
        "index.html",
        N_("Revenue, 12 months"),
        N_("revenue over the last 12 months, largest first"),
    ),
    (
        "trend",
        "index-by-trend.html",
        N_("Trend"),
        N_("trend on the 12 months before, steepest fall first"),
    ),
    ("class", "index-by-class.html", N_("Class"), N_("ABC-XYZ class, then revenue")),
    (
        "key",
        "index-by-key-type.html",
        N_("Key-client type"),
        N_("key accounts first, then revenue"),
    ),
    (
        "risk",
        "index-by-risk.html",
        N_("Status"),
        N_("status (lost, at risk, loss-making, active), then annual value"),
    ),
    ("report", "index-by-report.html", N_("Report"), N_("reports that failed first, then revenue")),
)
_FILES = {sort: file for sort, file, _, _ in PAGES}


def _num(value) -> float | None:
    return (
        None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)
    )


def _rows(manifest: dict) -> tuple[list[dict], list[dict]]:
    """(portfolio report entries, one dict per account: id, facts, its report entries)."""
    facts = manifest.get("accounts") or {}
    portfolio, accounts = [], {}
    for e in manifest["reports"]:
        if e["account_id"] is None:
            portfolio.append(e)
            continue
        row = accounts.setdefault(
            e["account_id"],
            {"id": e["account_id"], "reports": [], "facts": facts.get(e["account_id"]) or {}},
        )
        row["reports"].append(e)
    for row in accounts.values():
        f = row["facts"]
        row["class"] = (
            f.get("class")
            or next((e.get("class") for e in row["reports"] if e.get("class")), "")
            or ""
        )
        row["name"] = f.get("name") or ""
        row["revenue"] = _num(f.get("revenue"))
        row["failed"] = any(e["status"] in _FAILED for e in row["reports"])
        row["reports"].sort(key=lambda e: e["notebook"])
    portfolio.sort(key=lambda e: e["notebook"])
    return portfolio, list(accounts.values())


def _sort_key(sort: str):
    def by_revenue(row):
        return (-(row["revenue"] or 0.0), row["id"])

    def text(value) -> tuple:
        value = str(value or "")
        return (value == "", value.casefold())

    def key(row):
        f = row["facts"]
        if sort == "account":
            return (*text(row["name"] or row["id"]), row["id"])
        if sort == "manager":
            return (*text(f.get("manager")), *by_revenue(row))
        if sort == "region":
            return (*text(f.get("region")), *by_revenue(row))
        if sort == "trend":
            trend = _num(f.get("trend"))
            return (trend is None, trend if trend is not None else 0.0, *by_revenue(row))
        if sort == "class":
            return (*text(row["class"]), *by_revenue(row))
        if sort == "key":
            return (not f.get("key"), *by_revenue(row))
        if sort == "risk":
            value = _num(f.get("annual_value")) or 0.0
            return (_RISK.get(f.get("status"), 4), -value, row["id"])
        if sort == "report":
            return (not row["failed"], *by_revenue(row))
        return by_revenue(row)

    return key


#: Notebook -> the title of its report in the index (others: the name in words).
NOTEBOOK_TITLES = {
    "abc_xyz": N_("ABC-XYZ analysis"),
    "client_analysis": N_("Client analysis"),
    "annual_meeting": N_("Annual meeting brief"),
    "development_plan": N_("Development plan"),
}


def _title(notebook: str) -> str:
    if notebook in NOTEBOOK_TITLES:
        return _(NOTEBOOK_TITLES[notebook])
    return notebook.replace("_", " ").capitalize()  # a notebook of the user's: its name


def _status_word(status: str) -> str:
    """A report's status as the index says it ("failed", "timed out" ...)."""
    words = {
        "published": pgettext("report status", "published"),
        "failed": pgettext("report status", "failed"),
        "timed_out": pgettext("report status", "timed out"),
        "skipped": pgettext("report status", "skipped"),
    }
    return words.get(status) or status.replace("_", " ")


def _reason_word(reason: str) -> str:
    """Why a report failed or was kept, as the index says it ("notebook error" ...)."""
    words = {
        "notebook_error": pgettext("report failure", "notebook error"),
        "cell_timeout": pgettext("report failure", "cell timeout"),
        "wall_clock": pgettext("report failure", "wall clock"),
        "kernel_died": pgettext("report failure", "kernel died"),
        "kernel_start_failed": pgettext("report failure", "kernel start failed"),
        "worker_died": pgettext("report failure", "worker died"),
        "engine_error": pgettext("report failure", "engine error"),
        "cluster_error": pgettext("report failure", "cluster error"),
        "incomplete": pgettext("report failure", "incomplete"),
        "missing_figures": pgettext("report failure", "missing figures"),
        "export_error": pgettext("report failure", "export error"),
        "security_gate": pgettext("report failure", "security gate"),
        "disk_full": pgettext("report failure", "disk full"),
        "publish_error": pgettext("report failure", "publish error"),
        "up_to_date": pgettext("report failure", "up to date"),
        "not_retried": pgettext("report failure", "not retried"),
        "not_selected": pgettext("report failure", "not selected"),
    }
    return words.get(reason) or reason.replace("_", " ")


def _when(stamp: str) -> str:
    """An ISO time stamp as "1 Jan 2026 00:00 UTC" (the text itself when it is not one).

    In another language than English the date is written by Babel ("1 janv. 2026 00:00 UTC").
    """
    from datetime import UTC, datetime

    try:
        moment = datetime.fromisoformat(stamp).astimezone(UTC)
    except (TypeError, ValueError):
        return f"{stamp}"
    if current_language() == "en":
        return f"{moment.day} {moment:%b %Y %H:%M} UTC"
    from babel.dates import format_datetime

    from kamlib.language import babel_locale

    return format_datetime(moment, "d MMM y HH:mm", tzinfo=UTC, locale=babel_locale()) + " UTC"


def _day(text: str) -> str:
    """An ISO date as the language writes it ("2025-12-31" in English, "31 déc. 2025" in French)."""
    from datetime import date

    if current_language() == "en":
        return text
    try:
        day = date.fromisoformat(text)
    except (TypeError, ValueError):
        return text
    from babel.dates import format_date

    from kamlib.language import babel_locale

    return format_date(day, "medium", locale=babel_locale())


def _links(entries: list[dict], *, several: bool) -> str:
    esc = escape_text
    parts = []
    for e in entries:
        label = _title(e["notebook"])
        prefix = f"{esc(label)}: " if several else ""
        if e.get("path") and e["status"] in ("published", "skipped"):
            shown = esc(label) if several else esc(pgettext("link to a report", "open"))
            text = f'<a href="{esc(e["path"], quote=True)}">{shown}</a>'
            if e.get("pdf"):
                text += f' <a href="{esc(e["pdf"], quote=True)}">PDF</a>'
            parts.append(text)
        else:
            state = _status_word(e["status"])
            reason = f" ({esc(_reason_word(str(e['reason'])))})" if e.get("reason") else ""
            parts.append(f'{prefix}<span class="failed">{esc(state)}{reason}</span>')
    return "<br>".join(parts)


def _attention_block(manifest: dict, accounts: list[dict]) -> str:
    """The "Needs attention" list: key accounts with a notice deadline before the meeting."""
    items = manifest.get("attention") or []
    if not items:
        return ""
    esc = escape_text
    briefs = {
        r["id"]: e["path"]
        for r in accounts
        for e in r["reports"]
        if e["notebook"] == "annual_meeting"
        and e.get("path")
        and e["status"] in ("published", "skipped")
    }
    lines = []
    for item in items:
        who = esc(item.get("name") or item["account_id"])
        if item["account_id"] in briefs:
            who = f'<a href="{esc(briefs[item["account_id"]], quote=True)}">{who}</a>'
        if item.get("name"):
            who += f' <span class="id">{esc(item["account_id"])}</span>'
        text = esc(
            _(
                "{account}: notice deadline of {contract} on {deadline}, before the next annual "
                "meeting on {meeting}."
            )
        ).format(
            account=who,
            contract=esc(item["contract"]),
            deadline=esc(item["notice_deadline"]),
            meeting=esc(item["next_meeting"]),
        )
        lines.append(f"<li>{text}</li>")
    title = esc(_("Needs attention"))
    note = esc(
        _(
            "Key accounts whose contract notice deadline falls before their next annual "
            "meeting: decide on the renewal before the meeting."
        )
    )
    listing = "".join(lines)
    return f'<h2>{title}</h2>\n<p class="meta">{note}</p>\n<ul class="attention">{listing}</ul>\n'


def _head(title: str) -> str:
    esc = escape_text
    return f"""<!DOCTYPE html>
<html lang="{esc(current_language(), quote=True)}">
<head>
<meta http-equiv="Content-Security-Policy" content="{esc(CSP, quote=True)}">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{esc(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; }}
.table-wrap {{ overflow-x: auto; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 0.3em 0.8em; text-align: left; vertical-align: top; }}
td.num, th.num {{ text-align: right; }}
th a {{ color: inherit; }}
th.sorted {{ text-decoration: underline; }}
.id, .meta {{ color: #666; font-size: 0.9em; }}
.failed {{ color: #a40000; }}
tr.report-failed td {{ background: #fdecea; }}
tr.risk-lost td.risk, tr.risk-at_risk td.risk, tr.risk-loss_making td.risk {{ color: #a40000; font-weight: 600; }}
</style>
</head>
<body>
"""


def index_page(manifest: dict, *, sort: str = "revenue", by_class: bool | None = None) -> str:
    """The HTML of an index page: one row per account with a report, sorted by `sort`.

    Parameters
    ----------
    manifest : dict
        The run's manifest (``run_id``, ``finished``, ``totals``, ``reports``; ``accounts``,
        ``managers``, ``as_of`` and ``currency`` when the run computed the account facts).
    sort : str, default "revenue"
        One of the sorts of :data:`PAGES`.
    by_class : bool, optional
        Deprecated: ``True`` is ``sort="class"``.

    Returns
    -------
    str
        A complete document with a Content-Security-Policy and no script.

    Examples
    --------
    >>> manifest = {"run_id": "r1", "finished": "2025-01-01T00:00:00+00:00", "reports": [],
    ...             "totals": {"published": 0, "failed": 0, "timed_out": 0, "skipped": 0}}
    >>> "No account reports in this run." in index_page(manifest)
    True
    """
    if by_class is not None:
        sort = "class" if by_class else "revenue"
    if sort not in _FILES:
        from kamlib.errors import ArgumentError

        raise ArgumentError(f"`sort` must be one of {', '.join(_FILES)}, got {sort!r}")
    esc = escape_text
    portfolio, accounts = _rows(manifest)
    accounts.sort(key=_sort_key(sort))
    currency = manifest.get("currency")
    unit = f" ({esc(currency)})" if currency else ""
    several = len({e["notebook"] for r in accounts for e in r["reports"]}) > 1
    rows = []
    for r in accounts:
        f = r["facts"]
        known = bool(f)
        name = (
            f'{esc(r["name"])} <span class="id">{esc(r["id"])}</span>'
            if r["name"]
            else esc(r["id"])
        )
        revenue = _num(f.get("revenue"))
        trend = (
            trend_text(revenue, _num(f.get("revenue_before")))
            if known and revenue is not None
            else "—"
        )
        status = f.get("status") if known else None
        cells = [
            name,
            esc(f.get("manager") or "—"),
            esc(f.get("region") or "—"),
            money(revenue) if revenue is not None else "—",
            esc(trend),
            esc(r["class"] or "—"),
            esc(key_type_text(bool(f.get("key")), f.get("key_reasons") or "")) if known else "—",
            esc(status_text(status)) if known else "—",
            _links(r["reports"], several=several),
        ]
        classes = [f"risk-{esc(status or 'none')}"]
        if r["failed"]:
            classes.append("report-failed")
        tds = "".join(
            f'<td class="{"num" if i in (3, 4) else "risk" if i == 7 else ""}">{c}</td>'
            for i, c in enumerate(cells)
        )
        rows.append(
            f'<tr class="{" ".join(classes)}" data-account="{esc(r["id"], quote=True)}">{tds}</tr>'
        )
    heads = []
    for i, (key, file, title, _what) in enumerate(PAGES):
        label = esc(_(title)) + (unit if key == "revenue" else "")
        css = ' class="num"' if i in (3, 4) else ""
        if key == sort:
            css = f' class="sorted{" num" if i in (3, 4) else ""}"'
            heads.append(f"<th{css}>{label} &#9660;</th>")
        else:
            heads.append(f'<th{css}><a href="{file}">{label}</a></th>')
    order = _(next(what for key, _file, _title_, what in PAGES if key == sort))
    totals = manifest["totals"]
    none = esc(_("No account reports in this run."))
    body = "\n".join(rows) if rows else f'<tr><td colspan="9">{none}</td></tr>'
    as_of = manifest.get("as_of")
    window = ""
    if as_of and currency:
        window = " " + esc(
            _("Figures for the 12 months to {as_of}, in {currency}.").format(
                as_of=_day(as_of), currency=currency
            )
        )
    elif as_of:
        window = " " + esc(_("Figures for the 12 months to {as_of}.").format(as_of=_day(as_of)))
    portfolio_items = "".join(
        f"<li>{esc(_title(e['notebook']))}: {_links([e], several=False)}</li>" for e in portfolio
    )
    portfolio_block = (
        "<h2>" + esc(_("Portfolio reports")) + f"</h2>\n<ul>{portfolio_items}</ul>\n"
        if portfolio
        else ""
    )
    managers = ""
    if manifest.get("managers"):
        link = esc(_("The portfolio per account manager"))
        what = esc(
            _(
                "{link}: accounts, revenue, contribution, plan attainment, at risk and lost, "
                "overdue actions."
            ).format(link="\x00")
        )
        managers = "<p>" + what.replace("\x00", f'<a href="managers.html">{link}</a>') + "</p>\n"
    listed = ngettext(
        "{n} account with a report, one row each, sorted by {order}; click a column title to "
        "sort by it.",
        "{n} accounts with a report, one row each, sorted by {order}; click a column title to "
        "sort by it.",
        len(accounts),
    ).format(n=len(accounts), order=order)
    run = _(
        "Run {run_id}, finished {when}: {published} reports published, {failed} failed, "
        "{timed_out} timed out, {skipped} kept from earlier runs (unchanged, or not selected in "
        "this one)."
    ).format(
        run_id=manifest["run_id"],
        when=_when(manifest["finished"]),
        published=totals["published"],
        failed=totals["failed"],
        timed_out=totals["timed_out"],
        skipped=totals["skipped"],
    )
    title = esc(_("Accounts"))
    account_reports = esc(_("Account reports"))
    return (
        _head(_("Accounts"))
        + f"""<h1>{title}</h1>
<p class="meta">{esc(listed)}{window} {esc(run)}</p>
{_attention_block(manifest, accounts)}{managers}{portfolio_block}<h2>{account_reports}</h2>
<div class="table-wrap"><table>
<thead><tr>{"".join(heads)}</tr></thead>
<tbody>
{body}
</tbody>
</table></div>
</body>
</html>
"""
    )


def managers_page(manifest: dict) -> str:
    """The HTML of ``managers.html``: the manager table and its sentence from the manifest.

    Examples
    --------
    >>> page = managers_page({"managers": {"sentence": "1 account manager.", "columns":
    ...     ["Account manager", "Accounts"], "rows": [["<Ann>", "2"]]}, "run_id": "r1"})
    >>> "&lt;Ann&gt;" in page and "<Ann>" not in page
    True
    """
    esc = escape_text
    data = manifest.get("managers") or {}
    columns, rows = data.get("columns") or [], data.get("rows") or []
    num = ' class="num"'
    head = "".join(f"<th{num if i else ''}>{esc(c)}</th>" for i, c in enumerate(columns))
    body = "\n".join(
        "<tr>"
        + "".join(f"<td{num if i else ''}>{esc(str(v))}</td>" for i, v in enumerate(row))
        + "</tr>"
        for row in rows
    )
    if not rows:
        body = "<tr><td>" + esc(_("No account manager figures in this run.")) + "</td></tr>"
    as_of = manifest.get("as_of")
    window = (
        " " + esc(_("Figures for the 12 months to {as_of}.").format(as_of=_day(as_of)))
        if as_of
        else ""
    )
    every = esc(
        _(
            "Every account that bought in the last 24 months or has a purchase status counts; at "
            "risk and lost count the accounts and their annual value; plan attainment is this "
            "plan year's revenue against the part of the target due so far (targets table)."
        )
    )
    title = esc(_("Account managers"))
    all_accounts, by_manager = esc(_("All accounts")), esc(_("accounts by manager"))
    return (
        _head(_("Account managers"))
        + f"""<h1>{title}</h1>
<p class="meta"><a href="index.html">{all_accounts}</a>, <a href="index-by-manager.html">{
            by_manager
        }</a>.{window} {every}</p>
<p>{esc(data.get("sentence") or "")}</p>
<div class="table-wrap"><table>
<thead><tr>{head}</tr></thead>
<tbody>
{body}
</tbody>
</table></div>
</body>
</html>
"""
    )


def _write(path: Path, page: str) -> None:
    findings = scan_html(page)
    if findings:  # pragma: no cover - every value is escaped; this guards the guard
        raise KamlibError(f"the index page {path.name} failed the security gate: {findings[:3]}")
    atomic_write(path, page.encode("utf-8"))


def write_indexes(out: Path, manifest: dict) -> None:
    """Write the sorted index pages (:data:`PAGES`) and ``managers.html`` into `out`.

    Each page passes the security gate first. A page that cannot be written does not stop the
    others; the first such error is raised once all were tried.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> write_indexes(out, {"run_id": "r1", "finished": "2025-01-01T00:00:00+00:00", "reports": [],
    ...                     "totals": {"published": 0, "failed": 0, "timed_out": 0, "skipped": 0}})
    >>> sorted(p.name for p in out.iterdir())[:3]
    ['index-by-account.html', 'index-by-class.html', 'index-by-key-type.html']
    >>> len(list(out.iterdir()))
    10
    """
    failed: OSError | None = None
    pages = [
        (file, lambda sort=sort: index_page(manifest, sort=sort)) for sort, file, _, _ in PAGES
    ]
    pages.append(("managers.html", lambda: managers_page(manifest)))
    for file, page in pages:
        try:
            _write(out / file, page())
        except OSError as exc:  # the others are still written
            failed = failed or exc
    if failed is not None:
        raise failed

"""The index pages of a run: ``OUT/index.html`` by account, ``OUT/index-by-class.html`` by class.

Both list every report of the manifest with its status and a link to the published file
(and its PDF); every value is escaped, and each page passes the security gate before it is
written atomically.
"""

from __future__ import annotations

import html
from pathlib import Path

from kamlib.errors import KamlibError
from kamlib.report.elements import CSP, scan_html
from kamlib.run.files import atomic_write

__all__ = ["index_page", "write_indexes"]


def _by_account(entry: dict) -> tuple:
    """Sort key: the portfolio first, then accounts by id, then notebooks by name."""
    return (entry["account_id"] is not None, entry["account_id"] or "", entry["notebook"])


def index_page(manifest: dict, *, by_class: bool) -> str:
    """The HTML of an index page: one row per report of `manifest`.

    Parameters
    ----------
    manifest : dict
        The run's manifest (``run_id``, ``finished``, ``totals``, ``reports``).
    by_class : bool
        Sort by class, then account (``index-by-class.html``), instead of by account.

    Returns
    -------
    str
        A complete document with a Content-Security-Policy.

    Examples
    --------
    >>> manifest = {"run_id": "r1", "finished": "2025-01-01T00:00:00+00:00", "reports": [],
    ...             "totals": {"published": 0, "failed": 0, "timed_out": 0, "skipped": 0}}
    >>> "No reports in this run." in index_page(manifest, by_class=False)
    True
    """
    entries = list(manifest["reports"])
    if by_class:
        entries.sort(key=lambda e: (e.get("class") is None, e.get("class") or "", *_by_account(e)))
    else:
        entries.sort(key=_by_account)
    esc = html.escape
    rows = []
    for e in entries:
        account = "(portfolio)" if e["account_id"] is None else e["account_id"]
        link = (f'<a href="{esc(e["path"], quote=True)}">open</a>' if e.get("path") and
                e["status"] in ("published", "skipped") else "")
        if link and e.get("pdf"):
            link += f' <a href="{esc(e["pdf"], quote=True)}">PDF</a>'
        rows.append(
            f'<tr class="status-{esc(e["status"])}"><td>{esc(account)}</td>'
            f'<td>{esc(e.get("class") or "")}</td><td>{esc(e["notebook"])}</td>'
            f'<td>{esc(e["status"])}</td><td>{esc(e.get("reason") or "")}</td><td>{link}</td></tr>'
        )
    totals = manifest["totals"]
    account_head = "Account" if not by_class else '<a href="index.html">Account</a>'
    class_head = "Class" if by_class else '<a href="index-by-class.html">Class</a>'
    order = "class, then account" if by_class else "account"
    generated = esc(manifest["finished"])
    body = "\n".join(rows) if rows else '<tr><td colspan="6">No reports in this run.</td></tr>'
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta http-equiv="Content-Security-Policy" content="{esc(CSP, quote=True)}">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Reports</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; }}
.table-wrap {{ overflow-x: auto; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 0.3em 0.8em; text-align: left; }}
th a {{ color: inherit; }}
tr.status-failed td, tr.status-timed_out td {{ background: #fdecea; }}
.meta {{ color: #666; font-size: 0.9em; }}
</style>
</head>
<body>
<h1>Reports</h1>
<p class="meta">Run {esc(manifest["run_id"])}, finished {generated} UTC.
{totals["published"]} published, {totals["failed"]} failed, {totals["timed_out"]} timed out,
{totals["skipped"]} skipped. Sorted by {order}; click a column title to sort by it.</p>
<div class="table-wrap"><table>
<thead><tr><th>{account_head}</th><th>{class_head}</th><th>Notebook</th><th>Status</th>
<th>Reason</th><th>Report</th></tr></thead>
<tbody>
{body}
</tbody>
</table></div>
</body>
</html>
"""


def write_indexes(out: Path, manifest: dict) -> None:
    """Write ``index.html`` and ``index-by-class.html`` into `out`, each passing the security gate.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> write_indexes(out, {"run_id": "r1", "finished": "2025-01-01T00:00:00+00:00", "reports": [],
    ...                     "totals": {"published": 0, "failed": 0, "timed_out": 0, "skipped": 0}})
    >>> sorted(p.name for p in out.iterdir())
    ['index-by-class.html', 'index.html']
    """
    for name, by_class in (("index.html", False), ("index-by-class.html", True)):
        page = index_page(manifest, by_class=by_class)
        findings = scan_html(page)
        if findings:  # pragma: no cover - every value is escaped; this guards the guard
            raise KamlibError(f"the index page failed the security gate: {findings[:3]}")
        atomic_write(out / name, page.encode("utf-8"))

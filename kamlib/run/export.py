"""``kam export``: the portfolio analysis as a formatted Excel workbook, for people who work in Excel.

The tables are the ones the portfolio reports show, computed by the same functions with the
same window and conventions: ABC-XYZ classes and the matrix, key clients and client types,
dependence, client P&L, client status and the win-back list, and plan attainment when the
workspace has targets. The first sheet states the settings (the line every report prints).
The workbook itself is written by :func:`kamlib.report.workbook.write_workbook` (human headers,
number formats, frozen header row, autofilter, formula-safe cells). The sheet titles, the
settings sheet's items and the headers are in the current language (``kam export --lang``);
:func:`analysis_tables` keys its tables by their English titles (:data:`SHEET_TITLES`).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from kamlib.language import N_
from kamlib.language import gettext as _
from kamlib.load.remote import source
from kamlib.portfolio.abcxyz import ABC_CLASSIC, XYZ_CLIENTS, abc_xyz, abc_xyz_matrix
from kamlib.portfolio.churn import client_status, win_back
from kamlib.portfolio.clients import client_types, dependence, key_clients
from kamlib.portfolio.managers import plan_attainment
from kamlib.portfolio.profitability import client_pnl
from kamlib.report.workbook import write_workbook
from kamlib.words.clients import dependence_table
from kamlib.words.settings import conventions_sentence, window_label

__all__ = ["SHEET_TITLES", "analysis_tables", "export_workbook"]

#: The workbook's sheet titles in English, as :func:`analysis_tables` keys the tables; each
#: sheet is named by the translation.
SHEET_TITLES = (
    N_("Settings"),
    N_("ABC-XYZ classes"),
    N_("ABC-XYZ matrix"),
    N_("Key clients"),
    N_("Client types"),
    N_("Dependence"),
    N_("Client P&L"),
    N_("Client status"),
    N_("Win-back list"),
    N_("Targets"),
)

log = logging.getLogger("kamlib")


def _named(frame: pd.DataFrame, ws, column: str) -> pd.DataFrame:
    """`frame` with the client's name after its id column (when the accounts table has names)."""
    if not ws.has("accounts") or "name" not in ws.accounts.columns or "name" in frame.columns:
        return frame
    names = ws.accounts.drop_duplicates("account_id").set_index("account_id")["name"]
    out = frame.copy()
    out.insert(out.columns.get_loc(column) + 1, "name", out[column].map(names))
    return out


def analysis_tables(
    ws,
    *,
    as_of=None,
    months: int = 12,
    abc_cutoffs: tuple[float, float] = ABC_CLASSIC,
    xyz_cutoffs: tuple[float, float] = XYZ_CLIENTS,
    zero_periods: str = "from_first",
) -> dict[str, pd.DataFrame]:
    """The portfolio analysis as named tables, in the order of the workbook's sheets.

    Parameters
    ----------
    ws : Workspace
        A loaded workspace.
    as_of : date-like, optional
        The analysis date; default ``ws.as_of``.
    months : int
        The window of the key clients, types, dependence and client P&L.
    abc_cutoffs, xyz_cutoffs, zero_periods
        The ABC-XYZ conventions; the classes are computed over the whole history up to `as_of`,
        as in the portfolio reports.

    Returns
    -------
    dict of str to DataFrame
        ``Settings``, ``ABC-XYZ classes``, ``ABC-XYZ matrix``, ``Key clients``, ``Client types``,
        ``Dependence``, ``Client P&L``, ``Client status``, ``Win-back list`` and, with a
        targets table, ``Targets``. Each title says its window.

    Examples
    --------
    >>> import kamlib
    >>> tables = analysis_tables(kamlib.load_workspace("data/sample"))
    >>> list(tables)[:4]
    ['Settings', 'ABC-XYZ classes', 'ABC-XYZ matrix', 'Key clients']
    """
    tx = ws.transactions
    day = pd.Timestamp(as_of if as_of is not None else ws.as_of).normalize()
    accounts = ws.accounts if ws.has("accounts") else None
    cost = ws.cost_to_serve if ws.has("cost_to_serve") else None
    window, whole = window_label(day, months), window_label(day, None)

    classes = abc_xyz(
        tx, as_of=day, abc_cutoffs=abc_cutoffs, xyz_cutoffs=xyz_cutoffs, zero_periods=zero_periods
    )
    key = key_clients(
        tx, accounts, ws.products if ws.has("products") else None, as_of=day, months=months
    )
    dep = dependence(tx, accounts, as_of=day, months=months, key=key["client_id"])
    status = client_status(tx, as_of=day)
    settings = conventions_sentence(
        as_of=day,
        months=months,
        abc_cutoffs=abc_cutoffs,
        xyz_cutoffs=xyz_cutoffs,
        zero_periods=zero_periods,
    )
    about = pd.DataFrame(
        {
            "item": [
                _("workspace"),
                _("analysis date"),
                _("analysis window"),
                _("classes"),
                _("settings"),
            ],
            "value": [source(ws.path) or str(ws.path), f"{day.date()}", window, whole, settings],
        }
    )
    tables = {
        "Settings": about,
        "ABC-XYZ classes": _named(
            classes[
                [
                    "account_id",
                    "total",
                    "share",
                    "cum_share",
                    "abc",
                    "cv",
                    "purchase_share",
                    "xyz",
                    "cell",
                    "strategy",
                ]
            ].rename(columns={"total": "revenue"}),
            ws,
            "account_id",
        ),
        "ABC-XYZ matrix": abc_xyz_matrix(classes),
        "Key clients": _named(key, ws, "client_id"),
        "Client types": _named(
            client_types(tx, accounts, as_of=day, months=months), ws, "client_id"
        ),
        "Dependence": dependence_table(dep),
        "Client P&L": _named(
            client_pnl(tx, cost, as_of=day, months=months).reset_index(), ws, "account_id"
        ),
        "Client status": _named(status.reset_index(), ws, "account_id"),
        "Win-back list": win_back(
            status,
            accounts,
            ws.contacts if ws.has("contacts") else None,
            ws.tenders if ws.has("tenders") else None,
        ),
    }
    if ws.has("targets") and len(ws.targets):
        tables["Targets"] = _named(
            plan_attainment(ws.targets, tx, as_of=day).reset_index(), ws, "account_id"
        )
    return tables


def export_workbook(ws, path: str | Path, **conventions) -> Path:
    """Write :func:`analysis_tables` to the workbook `path` (``.xlsx``).

    Parameters
    ----------
    ws : Workspace
        A loaded workspace.
    path : str or Path
        The ``.xlsx`` file; written next to it under a temporary name, then renamed, so that a
        failed export never leaves half a workbook.
    **conventions
        ``as_of``, ``months``, ``abc_cutoffs``, ``xyz_cutoffs``, ``zero_periods``.

    Returns
    -------
    Path
    """
    import os

    path = Path(path)
    tables = analysis_tables(ws, **conventions)
    partial = path.with_name(f".{path.stem}.partial.xlsx")
    try:
        sheets = {_(title): frame for title, frame in tables.items()}
        write_workbook(sheets, partial, currency=getattr(ws, "currency", None))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    log.info("exported %d tables to %s", len(tables), path)
    return path

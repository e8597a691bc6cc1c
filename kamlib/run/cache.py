"""The run cache: the loaded workspace and the portfolio-level results, computed once per run.

A report run executes the account notebooks once per account, and every one of them starts the
same way: load the workspace (parse, validate, reconcile: seconds on a large export), then
compute portfolio-level results such as the ABC-XYZ cells. ``kam render`` does that work once,
before the first kernel starts (:func:`prepare`), stores the results as pickles in the private run
folder, and tells every kernel where they are through the environment variable
:data:`ENV_VAR`. The notebooks call:

- :func:`workspace` instead of ``load_workspace(resolve_workspace(path))``;
- :func:`portfolio` for ABC-XYZ, client types, dependence, client P&L and client status.

Inside a run both return the stored copy after checking that it belongs to the same workspace
folder (and, for the portfolio results, that the kernel reads the language they were computed
in: ``kam render --lang``) and that no input file changed since (size and modification time of every input file
and ``kam.toml``, then the SHA-256 fingerprint); anywhere else (JupyterLab, a plain papermill run)
or when anything does not match, they compute exactly what the stored copy holds. A report is
therefore the same with or without the cache; only the time differs.

An account report needs only its own account's lines: :func:`prepare` given the run's
``accounts`` also stores, for each of them, the account's transaction lines (its slice), and
``workspace(path, account=account_id)`` then returns the workspace with those lines only (every
other table whole: they grow with the number of accounts, not of lines). What the account
notebooks need from the other accounts' lines is in :class:`Portfolio`, computed once on the
whole workspace: the ABC-XYZ cells, client types and status, the purchases cross-sell compares
the client with (``purchases``) and what is known of the cost (``cost_coverage``); with them a
report is the same from the slice as from the whole workspace (tests/test_slices.py renders the
sample's account notebooks both ways). Outside a run, ``account`` changes nothing: the whole
workspace is loaded. The cache is written once and only read afterwards; nothing is kept in
module state between calls.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import pickle
import secrets
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kamlib.errors import ArgumentError
from kamlib.language import current_language

__all__ = [
    "ENV_VAR",
    "Portfolio",
    "SLICE_ATTRIBUTE",
    "compute_portfolio",
    "input_fingerprint",
    "portfolio",
    "prepare",
    "workspace",
]

#: Environment variable naming the run cache folder; set by ``kam render`` for its kernels.
ENV_VAR = "KAMLIB_RUN_CACHE"
_INDEX = "cache.json"
_WORKSPACE = "workspace.pkl"
_PORTFOLIO = "portfolio.pkl"
_BASE = "base.pkl"  # the workspace without its transactions, for the slices
_SLICE = "slice-{:06d}.pkl"  # in the folder itself: the dask path ships its files, not folders
_VERSION = 2
#: Attribute that marks a workspace holding one account's transaction lines (its value: the id).
SLICE_ATTRIBUTE = "slice_account"


@dataclass(frozen=True)
class Portfolio:
    """Portfolio-level results at one analysis date, with the docs/methods.md defaults.

    ``abc_xyz``: :func:`kamlib.abc_xyz` up to `as_of`; ``client_types``:
    :func:`kamlib.client_types` per account (``roll_up=False``); ``dependence``:
    :func:`kamlib.dependence`; ``client_pnl``: :func:`kamlib.client_pnl` up to `as_of` with the
    cost-to-serve table; ``client_status``: :func:`kamlib.client_status`; ``purchases``:
    :func:`kamlib.account.plan.product_purchases` over the 12 months to `as_of` (None without
    product ids), what cross-sell compares a client with; ``cost_coverage``:
    :func:`kamlib.words.missing.cost_coverage` of all the lines, what a report says of the cost
    data.
    """

    as_of: pd.Timestamp
    abc_xyz: pd.DataFrame
    client_types: pd.DataFrame
    dependence: object
    client_pnl: pd.DataFrame
    client_status: pd.DataFrame
    purchases: pd.DataFrame | None = None
    cost_coverage: tuple[bool, float] = (False, float("nan"))

    @property
    def cells(self) -> pd.Series:
        """The ABC-XYZ cell of every account (index ``account_id``)."""
        return self.abc_xyz.set_index("account_id")["cell"]


# --------------------------------------------------------------------------- fingerprints


def _input_files(config) -> list[Path]:
    root = Path(config.root).resolve()
    files = {Path(f).resolve() for t in config.tables.values() for f in t.files}
    toml = root / "kam.toml"
    if toml.is_file():
        files.add(toml.resolve())
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def input_fingerprint(config) -> str:
    """SHA-256 over the workspace's input files and ``kam.toml`` (names and contents).

    Parameters
    ----------
    config : kamlib.Config
        The workspace configuration (``Workspace.config`` or :func:`kamlib.read_config`).

    Returns
    -------
    str
        ``"sha256:<hex>"``; it changes when any input file or the configuration changes.

    Examples
    --------
    >>> import tempfile
    >>> from kamlib.load.config import read_config
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "transactions.csv").write_text("account_id,date,revenue\\n")
    >>> input_fingerprint(read_config(d)).startswith("sha256:")
    True
    """
    from kamlib.load.store import input_fingerprint as fingerprint

    return fingerprint(config)  # one definition: the workspace cache keys on it too


def _stats(config) -> list[list]:
    """(relative path, size, mtime_ns) of every input file: a cheap first check."""
    root = Path(config.root).resolve()
    out = []
    for path in _input_files(config):
        st = path.stat()
        out.append([path.relative_to(root).as_posix(), st.st_size, st.st_mtime_ns])
    return out


# --------------------------------------------------------------------------- computing


def compute_portfolio(ws, *, as_of=None) -> Portfolio:
    """Compute the portfolio-level results of a workspace (what the run cache stores).

    Parameters
    ----------
    ws : kamlib.Workspace
        A loaded workspace.
    as_of : date-like, optional
        Analysis date; default ``ws.as_of``.

    Returns
    -------
    Portfolio

    Examples
    --------
    >>> import tempfile
    >>> from kamlib.load.workspace import load_workspace
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "transactions.csv").write_text(
    ...     "account_id,date,revenue\\nA,2024-01-05,10\\nB,2024-02-06,30\\n")
    >>> p = compute_portfolio(load_workspace(d))
    >>> sorted(p.abc_xyz["account_id"]), str(p.as_of.date())
    (['A', 'B'], '2024-02-06')
    """
    from kamlib.account.plan import product_purchases
    from kamlib.portfolio.abcxyz import abc_xyz
    from kamlib.portfolio.churn import client_status
    from kamlib.portfolio.clients import client_types, dependence
    from kamlib.portfolio.profitability import client_pnl
    from kamlib.words.missing import cost_coverage

    as_of = pd.Timestamp(ws.as_of if as_of is None else as_of)
    tx = ws.transactions
    cost = ws.cost_to_serve if ws.has("cost_to_serve") else None
    return Portfolio(
        as_of=as_of,
        abc_xyz=abc_xyz(tx, as_of=as_of),
        client_types=client_types(tx, ws.accounts, roll_up=False, as_of=as_of),
        dependence=dependence(tx, ws.accounts, as_of=as_of),
        client_pnl=client_pnl(tx, cost, as_of=as_of),
        client_status=client_status(tx, as_of=as_of),
        purchases=product_purchases(tx, as_of=as_of) if "product_id" in tx.columns else None,
        cost_coverage=cost_coverage(tx),
    )


# --------------------------------------------------------------------------- the cache folder


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def _absolute(ws):
    """A shallow copy of `ws` whose folder and file paths are absolute (as notebooks load it)."""
    config = ws.config
    tables = {
        name: dataclasses.replace(t, files=tuple(Path(f).resolve() for f in t.files))
        for name, t in config.tables.items()
    }
    out = copy.copy(ws)
    out.config = dataclasses.replace(config, root=Path(config.root).resolve(), tables=tables)
    out.path = Path(ws.path).resolve()
    return out


def prepare(
    ws,
    folder: str | Path,
    *,
    fingerprint: str | None = None,
    portfolio: Portfolio | None = None,
    accounts=(),
) -> Path:
    """Store a loaded workspace and its portfolio results in `folder` for a report run.

    Point kernels at the folder with ``os.environ[ENV_VAR] = str(folder)``; :func:`workspace`
    and :func:`portfolio` then read it.

    Parameters
    ----------
    ws : kamlib.Workspace
        The loaded workspace.
    folder : str or Path
        A private folder (created with mode 0o700 when missing).
    fingerprint : str, optional
        The inputs' fingerprint when already computed (:func:`input_fingerprint`).
    portfolio : Portfolio, optional
        The workspace's portfolio results when already computed (:func:`compute_portfolio` of
        `ws` at ``ws.as_of``); computed here otherwise.
    accounts : iterable of str, optional
        The accounts whose reports the run renders: each with transaction lines gets its slice
        (those lines), which ``workspace(path, account=...)`` returns; an account without any
        line gets the whole workspace (the account functions read an empty transactions
        frame as a missing table).

    Returns
    -------
    Path
        The folder.

    Examples
    --------
    >>> import tempfile
    >>> from kamlib.load.workspace import load_workspace
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "transactions.csv").write_text("account_id,date,revenue\\nA,2024-01-05,10\\n")
    >>> sorted(p.name for p in prepare(load_workspace(d), d / "cache").iterdir())
    ['cache.json', 'portfolio.pkl', 'workspace.pkl']
    >>> sorted(p.name for p in prepare(load_workspace(d), d / "c2", accounts=["A"]).iterdir())
    ['base.pkl', 'cache.json', 'portfolio.pkl', 'slice-000000.pkl', 'workspace.pkl']
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    ws = _absolute(ws)
    pf = compute_portfolio(ws) if portfolio is None else portfolio
    _write(folder / _WORKSPACE, pickle.dumps(ws, protocol=pickle.HIGHEST_PROTOCOL))
    _write(folder / _PORTFOLIO, pickle.dumps(pf, protocol=pickle.HIGHEST_PROTOCOL))
    slices = _write_slices(ws, folder, accounts)
    index = {
        "version": _VERSION,
        "root": str(Path(ws.config.root).resolve()),
        "fingerprint": fingerprint or input_fingerprint(ws.config),
        "stats": _stats(ws.config),
        "as_of": pf.as_of.isoformat(),
        "rows": len(ws.transactions),
        "lang": current_language(),  # the portfolio results may hold words (labels, strategies)
        "slices": slices,
    }
    _write(folder / _INDEX, json.dumps(index).encode("utf-8"))
    return folder


def _write_slices(ws, folder: Path, accounts) -> dict[str, list]:
    """Write the base workspace and each account's lines; {account: [file, rows]}."""
    ids = list(dict.fromkeys(str(a) for a in accounts))
    if not ids:
        return {}
    tx = ws.transactions
    base = copy.copy(ws)
    base.tables = {k: v for k, v in ws.tables.items() if k != "transactions"}
    base.sources = {k: v for k, v in ws.sources.items() if k != "transactions"}
    _write(folder / _BASE, pickle.dumps(base, protocol=pickle.HIGHEST_PROTOCOL))
    rows = tx.groupby("account_id", sort=False, dropna=True).indices  # positions, ascending
    out = {}
    for number, account in enumerate(ids):
        if account not in rows:  # no lines: the functions read an empty frame as no table,
            continue  # so this account's report gets the whole workspace
        part = tx.iloc[rows[account]]  # the rows `tx["account_id"] == account` selects
        name = _SLICE.format(number)
        _write(folder / name, pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL))
        out[account] = [name, len(part)]
    return out


def _index() -> tuple[Path, dict] | None:
    """The run cache folder and its index, when the environment names a valid one."""
    name = os.environ.get(ENV_VAR, "")
    if not name:
        return None
    folder = Path(name)
    if folder.is_symlink() or not folder.is_dir():
        raise ArgumentError(f"`{ENV_VAR}`: {name} is not a folder")
    st = folder.stat()
    if st.st_uid != os.getuid() or st.st_mode & 0o077:
        raise ArgumentError(f"`{ENV_VAR}`: {name} must be a private folder of this user (0700)")
    try:
        index = json.loads((folder / _INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(index, dict) or index.get("version") != _VERSION:
        return None
    return folder, index


def _matches(index: dict, config) -> bool:
    """True when `config` is the cached workspace and none of its inputs changed."""
    if str(Path(config.root).resolve()) != index.get("root"):
        return False
    try:
        if _stats(config) == index.get("stats"):
            return True
        return input_fingerprint(config) == index.get("fingerprint")
    except OSError:
        return False


def _read(path: Path):
    with open(path, "rb") as fh:
        return pickle.load(fh)  # noqa: S301 - our own private run folder (checked in _index)


def workspace(path: str | Path = "", *, account: str | None = None):
    """The workspace at `path` (empty: the bundled sample), from the run cache when it has it.

    Same as ``load_workspace(resolve_workspace(path))``, minus the loading time: inside a
    report run from the run cache, elsewhere from the workspace cache
    (:func:`kamlib.load.store.load_cached`, instant while the inputs do not change).

    Parameters
    ----------
    path : str or Path, default ""
        The workspace folder, as the notebooks' ``workspace`` parameter gives it.
    account : str, optional
        The account of the report. Inside a run whose cache holds its slice, the workspace
        then holds that account's transaction lines only (every other table whole), marked
        with the attribute :data:`SLICE_ATTRIBUTE`; the account functions give the same results
        on it when the portfolio-level figures come from :func:`portfolio`. Elsewhere ignored.

    Returns
    -------
    kamlib.Workspace

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "transactions.csv").write_text("account_id,date,revenue\\nA,2024-01-05,10\\n")
    >>> len(workspace(str(d)).transactions)
    1
    """
    from kamlib.load.config import read_config
    from kamlib.load.store import load_cached
    from kamlib.load.workspace import resolve_workspace

    folder = resolve_workspace(path)
    found = _index()
    if found is not None:
        cache, index = found
        if _matches(index, read_config(folder)):
            part = (index.get("slices") or {}).get(account) if account is not None else None
            if part is None or not (cache / str(part[0])).is_file():
                return _read(cache / _WORKSPACE)
            ws = _read(cache / _BASE)
            ws.tables = dict(ws.tables, transactions=_read(cache / Path(part[0]).name))
            setattr(ws, SLICE_ATTRIBUTE, account)
            return ws
    return load_cached(folder)


def portfolio(ws, *, as_of=None) -> Portfolio:
    """Portfolio-level results of a loaded workspace, from the run cache when it has them.

    Same as :func:`compute_portfolio`, for the workspace as loaded (pass a workspace that a
    notebook changed, and the run cache would not know: compute on it instead). For a slice
    (``workspace(path, account=...)``) the results are the whole workspace's: from the cache,
    or computed on the whole workspace for another `as_of`.

    Parameters
    ----------
    ws : kamlib.Workspace
        The workspace, from :func:`workspace` or :func:`kamlib.load_workspace`.
    as_of : date-like, optional
        Analysis date; default ``ws.as_of``. The cache holds ``ws.as_of`` only.

    Returns
    -------
    Portfolio

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "transactions.csv").write_text("account_id,date,revenue\\nA,2024-01-05,10\\n")
    >>> portfolio(workspace(str(d))).cells.to_dict()
    {'A': 'too new'}
    """
    when = pd.Timestamp(ws.as_of if as_of is None else as_of)
    account = getattr(ws, SLICE_ATTRIBUTE, None)
    found = _index()
    if found is not None:
        cache, index = found
        part = (index.get("slices") or {}).get(account, [None, None])
        rows = index.get("rows") if account is None else part[1]
        if (
            when.isoformat() == index.get("as_of")
            and len(ws.transactions) == rows
            and index.get("lang", "en") == current_language()
            and _matches(index, ws.config)
        ):
            return _read(cache / _PORTFOLIO)
    if account is not None:  # one account's lines: the results need the whole workspace's
        return compute_portfolio(workspace(ws.path), as_of=when)
    return compute_portfolio(ws, as_of=when)

"""Unknown is not none: what a report cannot compute for lack of data, and what would unlock it.

A workspace without cost data has no gross profit: the reports then say so once, in the summary
(:func:`missing_data_sentence`), and the sentences that need profit say they cannot be computed
instead of "no breadwinner" or "no loss-maker".

Examples
--------
>>> tx = pd.DataFrame({"account_id": ["C1"], "revenue": [10.0], "gross_profit": [float("nan")]})
>>> cost_known(tx)
False
>>> print(missing_data_sentence(transactions=tx, tables=["transactions"], only=["cost_to_serve"]))
... # doctest: +NORMALIZE_WHITESPACE
Not known for lack of data: no cost data (gross profit, contribution, breadwinners and
loss-makers need a cost or gross_profit column); no cost-to-serve table (contribution after cost
to serve not known; the client P&L ranks clients on gross profit until a cost_to_serve table gives
the cost of serving each client).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from kamlib.account.messages import missing_head
from kamlib.errors import ArgumentError
from kamlib.language import N_, pgettext
from kamlib.language import gettext as _
from kamlib.words.labels import semicolon
from kamlib.words.numbers import percent

__all__ = [
    "NO_COST",
    "cost_coverage",
    "cost_known",
    "no_cost",
    "if_recorded",
    "missing_data",
    "missing_data_sentence",
    "missing_data_lines",
    "missing_data_table",
]

_NO_COST = (
    N_("no cost data"),
    N_(
        "gross profit, contribution, breadwinners and loss-makers need a cost or gross_profit column"
    ),
)

#: The reason, in words, that profit figures are missing (English; :func:`no_cost` translates).
NO_COST = "{} ({})".format(*_NO_COST)

#: Optional table -> what its absence leaves out (English, translated where shown); the head
#: "no <table> table" is the analyses' (kamlib.account.messages.missing_head).
_TABLES = {
    "cost_to_serve": N_(
        "contribution after cost to serve not known; the client P&L ranks clients on gross "
        "profit until a cost_to_serve table gives the cost of serving each client"
    ),
    "contacts": N_("the decision-making map and contact plan need one"),
    "meetings": N_("the timeline and last contact need one"),
    "actions": N_("open and overdue actions need one"),
    "tenders": N_("tender windows and lost tenders need one"),
    "targets": N_("targets follow the computed rule"),
    "competitors": N_("share of wallet by competitor needs one"),
    "scores": N_("competitiveness and interest need one"),
}


def no_cost() -> str:
    """:data:`NO_COST` in the reader's language.

    Examples
    --------
    >>> no_cost()
    'no cost data (gross profit, contribution, breadwinners and loss-makers need a cost or gross_profit column)'
    """
    return _phrase(_(_NO_COST[0]), _(_NO_COST[1]))


def _phrase(head: str, why: str) -> str:
    # TRANSLATORS: what is missing and, in brackets, what it leaves out
    return _("{missing} ({why})").format(missing=head, why=why)


def cost_known(transactions: pd.DataFrame) -> bool:
    """True when at least one transaction line has a gross profit (a cost or gross_profit column).

    Parameters
    ----------
    transactions : DataFrame
        Canonical transactions.

    Examples
    --------
    >>> cost_known(pd.DataFrame({"revenue": [1.0], "gross_profit": [0.4]}))
    True
    >>> cost_known(pd.DataFrame({"revenue": [1.0]}))
    False
    """
    for column in ("gross_profit", "cost"):
        if column in transactions.columns and transactions[column].notna().any():
            return True
    return False


def cost_coverage(transactions: pd.DataFrame) -> tuple[bool, float]:
    """Whether cost is known, and the share of revenue on lines without a gross profit.

    What :func:`missing_data` says about the cost data, as figures: computed once for a
    portfolio (the run cache keeps them), they let a report given one account's lines say what
    the whole portfolio's lines would.

    Parameters
    ----------
    transactions : DataFrame
        Canonical transactions.

    Returns
    -------
    tuple of (bool, float)
        :func:`cost_known`, and the share of absolute revenue on lines without a gross profit
        when cost is known and some lines lack it (NaN otherwise).

    Examples
    --------
    >>> cost_coverage(pd.DataFrame({"revenue": [30.0, 10.0], "gross_profit": [5.0, None]}))
    (True, 0.25)
    """
    known, share = cost_known(transactions), float("nan")
    if known and "gross_profit" in transactions.columns:
        gp_missing = transactions["gross_profit"].isna()
        revenue = transactions["revenue"].abs() if "revenue" in transactions else None
        if gp_missing.any() and revenue is not None and revenue.sum() > 0:
            share = float(revenue[gp_missing].sum() / revenue.sum())
    return known, share


def missing_data(
    ws=None,
    *,
    transactions: pd.DataFrame | None = None,
    tables: Iterable[str] | None = None,
    only: Iterable[str] = ("cost_to_serve",),
    coverage: tuple[bool, float] | None = None,
) -> list[str]:
    """What cannot be computed and what would unlock it, one phrase per missing piece.

    Parameters
    ----------
    ws : kamlib.load.workspace.Workspace, optional
        A loaded workspace; or give `transactions` and `tables` instead.
    transactions : DataFrame, optional
        Canonical transactions (without `ws`).
    tables : iterable of str, optional
        The tables the workspace provides (without `ws`).
    only : iterable of str, default ("cost_to_serve",)
        The optional tables the report uses (any of cost_to_serve, contacts, meetings, actions,
        tenders, targets, competitors, scores); cost data is always checked.
    coverage : tuple of (bool, float), optional
        The portfolio's :func:`cost_coverage`, when `ws` holds one account's lines only
        (:func:`kamlib.run.cache.workspace` with ``account``); default: computed from the lines.

    Returns
    -------
    list of str
        Empty when nothing is missing.

    Raises
    ------
    ArgumentError
        Without `ws` and without `transactions`.

    Examples
    --------
    >>> tx = pd.DataFrame({"revenue": [1.0], "cost": [0.5]})
    >>> missing_data(transactions=tx, tables=["transactions", "cost_to_serve"])
    []
    >>> missing_data(transactions=tx, tables=["transactions"], only=["contacts"])
    ['no contacts table (the decision-making map and contact plan need one)']
    """
    pairs = _missing_pairs(
        ws, transactions=transactions, tables=tables, only=only, coverage=coverage
    )
    return [_phrase(head, why) for head, why in pairs]


def _missing_pairs(
    ws=None,
    *,
    transactions: pd.DataFrame | None = None,
    tables: Iterable[str] | None = None,
    only: Iterable[str] = ("cost_to_serve",),
    coverage: tuple[bool, float] | None = None,
) -> list[tuple[str, str]]:
    """(what is missing, what it leaves out) for :func:`missing_data`, translated."""
    if ws is not None:
        transactions = ws.transactions
        has = ws.has
    elif transactions is None:
        raise ArgumentError("`missing_data` needs a workspace `ws` or `transactions`")
    else:
        present = set(tables or ())
        has = present.__contains__
    wanted = [t for t in only if t in _TABLES]
    known, share = cost_coverage(transactions) if coverage is None else coverage
    found = [] if known else [(_(_NO_COST[0]), _(_NO_COST[1]))]
    if known and pd.notna(share):  # some lines without a gross profit
        found.append(
            (
                _("no cost on lines worth {share} of revenue").format(share=percent(share)),
                _(
                    "their clients' gross profit and contribution stay unknown until those "
                    "lines have a cost"
                ),
            )
        )
    # the head is the analyses' own ("no contacts table"), so their messages merge with it
    found += [(missing_head(t.replace("_", "-")), _(_TABLES[t])) for t in wanted if not has(t)]
    return found


def missing_data_sentence(ws=None, **kwargs) -> str:
    """The one sentence a report's summary gives about missing data (see :func:`missing_data`).

    Examples
    --------
    >>> tx = pd.DataFrame({"revenue": [1.0], "gross_profit": [0.2]})
    >>> missing_data_sentence(transactions=tx, tables=["transactions", "cost_to_serve"])
    'Every figure of this report could be computed from the data.'
    """
    found = missing_data(ws, **kwargs)
    if not found:
        return _("Every figure of this report could be computed from the data.")
    return _("Not known for lack of data: {missing}.").format(missing=semicolon().join(found))


def missing_data_table(
    ws=None, *, messages: Iterable[Iterable[str]] = (), **kwargs
) -> pd.DataFrame:
    """What a report leaves out for lack of data: one row per missing input, each named once.

    The analyses' `messages` ("no contacts table: decision-making map skipped") and the
    workspace's missing data (:func:`missing_data`) are merged by table.

    Parameters
    ----------
    ws : kamlib.load.workspace.Workspace, optional
        As for :func:`missing_data` (or `transactions` and `tables` in `kwargs`).
    messages : iterable of iterables of str, optional
        The ``messages`` of the analyses the report shows (dossier, brief, plan ...).
    **kwargs
        Passed to :func:`missing_data` (`transactions`, `tables`, `only`).

    Returns
    -------
    DataFrame
        ``Missing`` and ``Not known without it``; no rows when nothing is missing.

    Examples
    --------
    >>> tx = pd.DataFrame({"revenue": [1.0], "gross_profit": [0.2]})
    >>> missing_data_table(transactions=tx, tables=["transactions"], only=["contacts"],
    ...     messages=[("no contacts table: decision-making map skipped",),
    ...               ("no contacts table: arguments not assigned to named contacts",)]
    ...     ).iloc[0].tolist()
    ['no contacts table', 'decision-making map skipped; arguments not assigned to named contacts']
    """
    groups: dict[str, list[str]] = {}
    for message in dict.fromkeys(m for group in messages for m in group):
        head, sep, text = message.partition(": ")
        if sep:  # "no contacts table: decision-making map skipped" ("... : ..." in French)
            groups.setdefault(head.strip(), []).append(text.strip())
        else:
            groups.setdefault(message, [])
    rows = []
    for head, why in _missing_pairs(ws, **kwargs):  # the workspace's own, merged by table
        texts = groups.pop(head, None)
        rows.append((head, semicolon().join(texts) if texts else why))
    rows += [(head, semicolon().join(texts)) for head, texts in groups.items()]
    columns = [pgettext("missing data", "Missing"), _("Not known without it")]
    return pd.DataFrame(rows, columns=columns, dtype="str")


def missing_data_lines(ws=None, *, messages: Iterable[Iterable[str]] = (), **kwargs) -> list[str]:
    """:func:`missing_data_table` as one line; empty when nothing is missing.

    Examples
    --------
    >>> tx = pd.DataFrame({"revenue": [1.0], "gross_profit": [0.2]})
    >>> missing_data_lines(transactions=tx, tables=["transactions"], only=["contacts"],
    ...     messages=[("no contacts table: decision-making map skipped",), ("growth given",)])
    ['Not known for lack of data: no contacts table (decision-making map skipped); growth given.']
    >>> missing_data_lines(transactions=tx, tables=["transactions", "cost_to_serve"])
    []
    """
    frame = missing_data_table(ws, messages=messages, **kwargs)
    parts = [_phrase(head, why) if why else head for head, why in frame.itertuples(index=False)]
    if not parts:
        return []
    return [_("Not known for lack of data: {missing}.").format(missing=semicolon().join(parts))]


def if_recorded(ws, table: str, text: str) -> str:
    """`text` when the workspace has `table`, else ``""``: none recorded is not the same as not known.

    A sentence such as "No tender recorded at this client." is true only when there is a tenders
    table; without one the report's "Not known for lack of data" line says so, once.

    Parameters
    ----------
    ws : kamlib.load.workspace.Workspace or None
        The loaded workspace (anything with ``has(table)``); None: every table counts as present.
    table : str
        The optional table the sentence is about.
    text : str
        What to say when the table is there.

    Examples
    --------
    >>> class Ws:
    ...     def has(self, table): return table == "tenders"
    >>> if_recorded(Ws(), "tenders", "No tender recorded.")
    'No tender recorded.'
    >>> if_recorded(Ws(), "actions", "No action open.")
    ''
    """
    return text if ws is None or ws.has(table) else ""

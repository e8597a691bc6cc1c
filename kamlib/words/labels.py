"""How sentences name clients: "Name (ID)" when the accounts table knows the name, the id otherwise.

Examples
--------
>>> accounts = pd.DataFrame({"account_id": ["C1"], "name": ["Baltic Cargo"]})
>>> listing(client_labels(["C1", "C2"], account_names(accounts)))
'Baltic Cargo (C1), C2'
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from kamlib.language import current_language, ngettext

__all__ = ["account_names", "client_labels", "client_title", "listing", "semicolon"]


def account_names(accounts: pd.DataFrame | None) -> pd.Series:
    """account_id -> name, from an accounts table (empty without one).

    Parameters
    ----------
    accounts : DataFrame, optional
        Canonical accounts (``account_id``, ``name``); rows without either are skipped, the first
        name of an id wins.

    Examples
    --------
    >>> accounts = pd.DataFrame({"account_id": ["C1", "C2"], "name": ["Baltic Cargo", None]})
    >>> account_names(accounts).to_dict()
    {'C1': 'Baltic Cargo'}
    >>> account_names(None).empty
    True
    """
    if accounts is None or not {"account_id", "name"} <= set(accounts.columns):
        return pd.Series(dtype="str")
    named = accounts.dropna(subset=["account_id", "name"]).drop_duplicates("account_id")
    return named.set_index("account_id")["name"]


def client_labels(ids: Iterable, names: pd.Series, *, extra: Iterable | None = None) -> list[str]:
    """'Name (ID)' for each id, or the id alone when the name is unknown.

    Parameters
    ----------
    ids : iterable
        Client ids.
    names : Series
        id -> name, e.g. :func:`account_names`.
    extra : iterable of str, optional
        One text per id: 'Name (ID, extra)', or 'ID (extra)' without a name.

    Examples
    --------
    >>> names = pd.Series({"a": "Alfa"})
    >>> client_labels(["a", "b"], names)
    ['Alfa (a)', 'b']
    >>> client_labels(["a", "b"], names, extra=["60.0 %", "40.0 %"])
    ['Alfa (a, 60.0 %)', 'b (40.0 %)']
    """
    ids = pd.Series(list(ids), dtype="str")
    name = ids.map(names).astype("str")
    if extra is None:
        return (name + " (" + ids + ")").fillna(ids).tolist()
    extra = pd.Series(list(extra), dtype="str")
    return (name + " (" + ids + ", " + extra + ")").fillna(ids + " (" + extra + ")").tolist()


def listing(items: list[str], limit: int = 5) -> str:
    """The first `limit` items joined by commas, and how many more there are.

    Parameters
    ----------
    items : list of str
        The texts to list.
    limit : int, default 5
        How many to show.

    Examples
    --------
    >>> listing(["a", "b", "c"], limit=2)
    'a, b and 1 more'
    """
    shown = ", ".join(items[:limit])
    if len(items) <= limit:
        return shown
    more = len(items) - limit
    return ngettext("{items} and {n} more", "{items} and {n} more", more).format(
        items=shown, n=more
    )


def semicolon() -> str:
    """The separator of a list of clauses as the reader's language writes it.

    "; " in English; French puts a narrow no-break space before it ("a\u202f; b").

    Examples
    --------
    >>> semicolon().join(["prices to the floor", "fewer orders"])
    'prices to the floor; fewer orders'
    """
    return "\u202f; " if current_language() == "fr" else "; "


def client_title(account_id: object, name: object = None) -> str:
    """A client as a title shows it: "Name (ID)", or the id alone when the name is unknown.

    Never "nan" or "None": a missing name (None, NaN, ``pd.NA``, blank, or the text "nan") is
    left out.

    Parameters
    ----------
    account_id : object
        The client id.
    name : object, optional
        The client name.

    Examples
    --------
    >>> client_title("C0027", "Hartmann Industrietechnik GmbH")
    'Hartmann Industrietechnik GmbH (C0027)'
    >>> client_title(14646, float("nan")), client_title("C1", "None"), client_title("C2", "C2")
    ('14646', 'C1', 'C2')
    """
    text = "" if name is None or (pd.api.types.is_scalar(name) and pd.isna(name)) else str(name)
    text = text.strip()
    if text.lower() in ("", "nan", "none", "nat", "<na>") or text == str(account_id):
        return str(account_id)
    return f"{text} ({account_id})"

"""The analyses' messages about missing tables, in the reader's language.

A message says which table is missing and what the analysis could not do without it:
``"no contacts table: decision-making map skipped"``. It has two parts, the *head* (which table)
and the *text* (what is not known), joined by ``": "``, because the reports gather the messages
of several analyses by their head (:func:`kamlib.words.missing.missing_data_table`): the head of
one table must read the same in every analysis, so it is one message of its own, ``"no {table}
table"``, with the table's canonical name (the name of its file) as the placeholder.

Examples
--------
>>> missing_table("contacts", "decision-making map skipped")
'no contacts table: decision-making map skipped'
"""

from __future__ import annotations

from kamlib.language import gettext as _

__all__ = ["missing_head", "missing_table"]


def missing_head(table: str) -> str:
    """The head of a message about the missing `table` (its canonical name, not translated).

    Examples
    --------
    >>> missing_head("tenders")
    'no tenders table'
    """
    # TRANSLATORS: {table} is the canonical name of an input table (its file name), e.g. contacts.
    return _("no {table} table").format(table=table)


def missing_table(table: str, text: str) -> str:
    """``"<head>: <text>"``, `text` already in the reader's language (translated by the caller)."""
    return missing_head(table) + ": " + text

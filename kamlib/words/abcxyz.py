"""ABC-XYZ in words: the matrix, the migration between two windows, a reclassification.

Mirrors :mod:`kamlib.plots.abcxyz`; the numbers come from :mod:`kamlib.portfolio.abcxyz`.

Examples
--------
>>> a = pd.DataFrame({"account_id": ["x"], "cell": ["AX"]})
>>> reclassified_sentence(a, a, label="the same cut-offs")
'With the same cut-offs, 0 of 1 clients change cell.'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlib.language import gettext as _
from kamlib.language import ngettext
from kamlib.words.numbers import percent_points

__all__ = ["abc_xyz_sentence", "migration_sentence", "reclassified_sentence"]

_LABELS = ("new", "lost", "too new", "non-positive")


def _label_count(label: str, n: int) -> str:
    """``n`` clients of a cell that is a label ("too new", "non-positive"), as "3 too new"."""
    if label == "too new":
        return ngettext("{n} too new", "{n} too new", n).format(n=n)
    if label == "non-positive":
        return ngettext("{n} non-positive", "{n} non-positive", n).format(n=n)
    return f"{n} {label}"


def abc_xyz_sentence(matrix: pd.DataFrame) -> str:
    """The ABC-XYZ matrix in words: class A's weight, the largest cell, the labels.

    Parameters
    ----------
    matrix : DataFrame
        Output of :func:`kamlib.portfolio.abcxyz.abc_xyz_matrix` (``abc``, ``cell``, ``count``,
        ``count_pct``, ``total_pct``).

    Examples
    --------
    >>> m = pd.DataFrame({"abc": ["A", "B", "C"], "xyz": ["X", "Z", "too new"],
    ...     "cell": ["AX", "BZ", "too new"], "count": [2, 1, 1],
    ...     "count_pct": [50.0, 25.0, 25.0], "total_pct": [80.0, 15.0, 5.0]})
    >>> print(abc_xyz_sentence(m))  # doctest: +NORMALIZE_WHITESPACE
    Class A: 2 of 4 clients (50.0 %) make 80.0 % of the total. The largest cell is AX: 2
    clients, 80.0 % of the total. Not classed by regularity: 1 too new.
    """
    n = int(matrix["count"].sum())
    if n == 0:
        return _("No client to classify.")
    a = matrix[matrix["abc"] == "A"]
    cells = matrix[matrix["cell"].str.len() == 2]
    top = cells.sort_values(["total_pct", "count"], ascending=False, kind="stable").iloc[0]
    count_pct, total_pct = a["count_pct"].sum(), a["total_pct"].sum()
    # TRANSLATORS: the English keeps "clients" for one client too; translate both forms properly.
    text = ngettext(
        "Class A: {a} of {n} clients ({count_pct}) make {total_pct} of the total.",
        "Class A: {a} of {n} clients ({count_pct}) make {total_pct} of the total.",
        n,
    ).format(
        a=int(a["count"].sum()),
        n=n,
        count_pct=percent_points(count_pct),
        total_pct=percent_points(total_pct),
    )
    text += " " + ngettext(
        "The largest cell is {cell}: {n} clients, {total_pct} of the total.",
        "The largest cell is {cell}: {n} clients, {total_pct} of the total.",
        int(top["count"]),
    ).format(cell=top["cell"], n=int(top["count"]), total_pct=percent_points(top["total_pct"]))
    labels = matrix[matrix["cell"].str.len() != 2].groupby("cell")["count"].sum()
    labels = labels[labels > 0]
    if len(labels):
        text += " " + _("Not classed by regularity: {counts}.").format(
            counts=", ".join(_label_count(label, int(c)) for label, c in labels.items())
        )
    return text


def migration_sentence(migration: pd.DataFrame, *, first: str = "", second: str = "") -> str:
    """How many clients kept, improved or worsened their class, and how many came and went.

    Parameters
    ----------
    migration : DataFrame
        Output of :func:`kamlib.portfolio.abcxyz.migration` with ``how="count"``. For one-letter
        classes (``on="abc"`` or ``"xyz"``), "up" means a better class (A before B, X before Y).
    first, second : str
        The names of the two windows, for the sentence.

    Examples
    --------
    >>> m = pd.DataFrame([[3, 1, 0, 0], [2, 4, 0, 1], [0, 0, 0, 0]],
    ...     index=pd.Index(["A", "B", "new"], name="first"),
    ...     columns=pd.Index(["A", "B", "C", "lost"], name="second"))
    >>> migration_sentence(m, first="2024", second="2025")
    'From 2024 to 2025: 7 clients kept their class, 2 moved up, 1 moved down; 0 new, 1 lost.'
    """
    classes = [c for c in migration.index if c in migration.columns and c not in _LABELS]
    sub = migration.loc[classes, classes].to_numpy()
    kept = int(np.trace(sub))
    new = int(migration.loc["new"].sum()) if "new" in migration.index else 0
    lost = int(migration["lost"].sum()) if "lost" in migration.columns else 0
    parts = {
        "kept": ngettext(
            "{n} clients kept their class", "{n} clients kept their class", kept
        ).format(n=kept),
        "new": ngettext("{n} new", "{n} new", new).format(n=new),
        "lost": ngettext("{n} lost", "{n} lost", lost).format(n=lost),
    }
    if all(len(str(c)) == 1 for c in classes):
        up, down = int(np.tril(sub, -1).sum()), int(np.triu(sub, 1).sum())
        parts["moves"] = ", ".join(
            (
                ngettext("{n} moved up", "{n} moved up", up).format(n=up),
                ngettext("{n} moved down", "{n} moved down", down).format(n=down),
            )
        )
    else:
        changed = int(sub.sum()) - kept
        parts["moves"] = ngettext("{n} changed cell", "{n} changed cell", changed).format(n=changed)
    if first and second:
        return _("From {first} to {second}: {kept}, {moves}; {new}, {lost}.").format(
            first=first, second=second, **parts
        )
    return _("{kept}, {moves}; {new}, {lost}.").format(**parts)


def reclassified_sentence(result: pd.DataFrame, other: pd.DataFrame, *, label: str) -> str:
    """How many clients change cell between two ABC-XYZ classifications of the same data.

    Parameters
    ----------
    result, other : DataFrame
        Outputs of :func:`kamlib.portfolio.abcxyz.abc_xyz` (``account_id``, ``cell``).
    label : str
        What `other` is, e.g. "the classic preset".

    Examples
    --------
    >>> a = pd.DataFrame({"account_id": ["x", "y", "z"], "cell": ["AX", "BY", "CZ"]})
    >>> b = pd.DataFrame({"account_id": ["x", "y", "z"], "cell": ["AY", "BY", "CZ"]})
    >>> reclassified_sentence(a, b, label="the classic preset")
    'With the classic preset, 1 of 3 clients change cell (AX to AY: 1).'
    """
    both = result[["account_id", "cell"]].merge(
        other[["account_id", "cell"]], on="account_id", suffixes=("", "_other")
    )
    moved = both[both["cell"] != both["cell_other"]]
    n, total = len(moved), len(both)
    if moved.empty:
        return ngettext(
            "With {label}, {n} of {total} clients change cell.",
            "With {label}, {n} of {total} clients change cell.",
            total,
        ).format(label=label, n=n, total=total)
    flows = pd.Series(
        [
            _("{cell} to {other}").format(cell=c, other=o)
            for c, o in zip(moved["cell"], moved["cell_other"], strict=True)
        ],
        dtype="str",
    ).value_counts()
    shown = ", ".join(f"{f}: {k}" for f, k in flows.head(3).items())
    flows_text = shown + (", ..." if len(flows) > 3 else "")
    return ngettext(
        "With {label}, {n} of {total} clients change cell ({flows}).",
        "With {label}, {n} of {total} clients change cell ({flows}).",
        total,
    ).format(label=label, n=n, total=total, flows=flows_text)

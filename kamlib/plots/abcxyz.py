"""The ABC-XYZ matrix as a heatmap."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from kamlib.errors import ArgumentError
from kamlib.language import N_, current_language
from kamlib.language import gettext as _
from kamlib.words.numbers import number

__all__ = ["plot_abc_xyz_matrix"]

#: What the cells can show: the legend's words (English, translated when drawn) and decimals.
_VALUES = {
    "count": (N_("accounts"), 0),
    "total": (N_("total"), 0),
    "count_pct": (N_("% of accounts"), 1),
    "total_pct": (N_("% of total"), 1),
}
_ENGLISH_FORMATS = {"count": ".0f", "total": ",.0f", "count_pct": ".1f", "total_pct": ".1f"}


def plot_abc_xyz_matrix(
    matrix: pd.DataFrame,
    *,
    value: str = "count",
    ax: Axes | None = None,
    cmap: str = "Blues",
    **kwargs,
) -> Axes:
    """Heatmap of the ABC-XYZ matrix: ABC classes down, XYZ classes across.

    Parameters
    ----------
    matrix : DataFrame
        The output of :func:`kamlib.abc_xyz_matrix` (columns ``abc``, ``xyz`` and `value`).
        Label rows (``"too new"``, ``"non-positive"``) become extra rows or columns.
    value : {"count", "total", "count_pct", "total_pct"}
        What the cells show.
    ax : Axes, optional
        Where to draw; the current Axes by default.
    cmap : str
        Colour map.
    **kwargs
        Passed to :func:`seaborn.heatmap`.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from kamlib.portfolio.abcxyz import abc_xyz_matrix
    >>> m = abc_xyz_matrix(pd.DataFrame({"abc": ["A", "B"], "xyz": ["X", "Z"],
    ...                                  "total": [80.0, 20.0]}))
    >>> fig, ax = plt.subplots()
    >>> ax = plot_abc_xyz_matrix(m, ax=ax)
    >>> [t.get_text() for t in ax.texts]
    ['1', '0', '0', '0', '0', '1', '0', '0', '0']
    >>> plt.close(fig)
    """
    if value not in _VALUES:
        raise ArgumentError(f"`value` must be one of {list(_VALUES)}, got {value!r}")
    missing = [c for c in ("abc", "xyz", value) if c not in matrix]
    if missing:
        raise ArgumentError(f"`matrix` must be the output of abc_xyz_matrix; missing {missing}")
    if ax is None:
        ax = plt.gca()
    rows = list(dict.fromkeys(matrix["abc"]))
    cols = list(dict.fromkeys(matrix["xyz"]))
    grid = (
        matrix.pivot_table(index="abc", columns="xyz", values=value, aggfunc="sum", observed=True)
        .reindex(index=rows, columns=cols)
        .astype("float64")
    )
    label, digits = _VALUES[value]
    label = _(label)
    options = {"annot": True, "fmt": _ENGLISH_FORMATS[value]}
    if (
        current_language() != "en"
    ):  # the cells' numbers by the locale; a caller's ".1f" gives digits
        fixed = re.fullmatch(r"\.(\d+)f", str(kwargs.pop("fmt", "")))
        digits = int(fixed.group(1)) if fixed else digits
        options = {"annot": grid.map(lambda v: number(v, digits)).to_numpy(), "fmt": ""}
    options.update({"cmap": cmap, "cbar_kws": {"label": label}, **kwargs})
    sns.heatmap(grid, ax=ax, **options)
    ax.set_xlabel(_("XYZ: regularity"), parse_math=False)
    ax.set_ylabel(_("ABC: value"), parse_math=False)
    ax.set_title(_("ABC-XYZ matrix: {value}").format(value=label), parse_math=False)
    ax.tick_params(axis="y", rotation=0)
    return ax

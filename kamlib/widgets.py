"""Interactive explorers for the notebooks, each with a static equivalent for reports.

Every explorer takes plain frames and ``interactive``: True gives an ipywidgets widget for
JupyterLab (sliders and drop-downs that recompute with kamlib and redraw), False gives the
static equivalent as escaped HTML (:class:`kamlib.report.elements.SafeHTML`), because widgets do not
render in a static report. A notebook cell is then simply::

    display(kamlib.widgets.abc_xyz_explorer(ws.transactions, interactive=interactive))

Widgets show their results as HTML built by :mod:`kamlib.report.elements` (escaped) and figures
as PNG images drawn on their own matplotlib ``Figure`` (no pyplot state), so they work the same in
a kernel and in a test. Labels, captions and numbers are in the reader's language
(:func:`kamlib.language.use_language`); the sliders' read-outs are written by the browser.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from kamlib.account.dossier import account_info
from kamlib.account.pricing import what_if
from kamlib.account.targets import next_year_targets
from kamlib.errors import ArgumentError, InputError, KamlibError, Problem
from kamlib.language import gettext as _
from kamlib.language import pgettext
from kamlib.plots.abcxyz import plot_abc_xyz_matrix
from kamlib.plots.plan import plot_what_if
from kamlib.portfolio.abcxyz import ABC_CLASSIC, XYZ_CLIENTS, abc_xyz, abc_xyz_matrix
from kamlib.portfolio.churn import client_status
from kamlib.report.elements import SafeHTML, paragraph, table
from kamlib.words import abc_xyz_sentence, targets_sentence
from kamlib.words.columns import cell_text
from kamlib.words.managers import status_text
from kamlib.words.numbers import number
from kamlib.words.proposal import what_if_sentence

__all__ = ["abc_xyz_explorer", "what_if_explorer", "targets_explorer", "account_explorer"]

_MATRIX_COLUMNS = ["cell", "count", "count_pct", "total_pct", "strategy"]
_LIMIT_COLUMNS = ["product_id", "current_price", "unit_cost", "volume"]


def _png(draw: Callable[[Axes], object], *, figsize: tuple[float, float] = (6.0, 3.6)) -> bytes:
    """Draw on a new Figure (outside pyplot) and return it as PNG bytes."""
    fig = Figure(figsize=figsize)
    draw(fig.subplots())
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return buffer.getvalue()


def _join(*parts: SafeHTML) -> SafeHTML:
    return SafeHTML("\n".join(p.html for p in parts))


def _require(frame: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise InputError(
            [
                Problem(name, None, c, "missing-column", f"`{name}` has no column {c!r}")
                for c in absent
            ]
        )


def _widgets():
    """ipywidgets, imported only when an interactive widget is asked for."""
    import ipywidgets

    return ipywidgets


# ---- ABC-XYZ ---------------------------------------------------------------------------------


def _cutoffs(name: str, pair) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in pair)
    except (TypeError, ValueError):
        raise ArgumentError(f"`{name}` must be a pair of numbers, got {pair!r}") from None
    if not 0 < low <= high:
        raise ArgumentError(f"`{name}` must be (low, high) with 0 < low <= high, got {pair!r}")
    return low, high


def _scenarios(abc: tuple[float, float], xyz: tuple[float, float]) -> list[tuple]:
    """The given cut-offs, then ABC's `a` 10 points lower and higher, then XYZ halved and x1.5."""
    a, b = abc
    x, y = xyz
    lower = (round(max(a - 0.10, 0.05), 2), b)
    higher = (round(min(a + 0.10, b), 2), b)
    return [
        (abc, xyz),
        (lower, xyz),
        (higher, xyz),
        (abc, (round(x / 2, 3), round(y / 2, 3))),
        (abc, (round(x * 1.5, 3), round(y * 1.5, 3))),
    ]


def _scenario_table(transactions, scenarios, options) -> pd.DataFrame:
    """Clients per class under each pair of cut-offs (one abc_xyz run per scenario)."""
    rows = []
    share = _("A: share of total")
    for abc, xyz in scenarios:  # a handful of scenarios, each a vectorised analysis
        result = abc_xyz(transactions, abc_cutoffs=abc, xyz_cutoffs=xyz, **options)
        abc_counts = result["abc"].value_counts()
        xyz_counts = result["xyz"].value_counts()
        a_share = result.loc[result["abc"] == "A", "share"].sum()
        rows.append(
            {
                _("ABC cut-offs"): " / ".join(cell_text(v, fmt="{:.0%}") for v in abc),
                _("XYZ cut-offs (CV)"): " / ".join(cell_text(v, fmt="{:.2f}") for v in xyz),
                **{c: int(abc_counts.get(c, 0)) for c in "ABC"},
                **{c: int(xyz_counts.get(c, 0)) for c in "XYZ"},
                share: a_share,
            }
        )
    return pd.DataFrame(rows)


def abc_xyz_explorer(
    transactions,
    *,
    interactive: bool = True,
    abc_cutoffs=ABC_CLASSIC,
    xyz_cutoffs=XYZ_CLIENTS,
    measure: str = "revenue",
    period: str = "M",
    as_of=None,
    months=None,
    scenarios: Sequence[tuple] | None = None,
    **kwargs,
):
    """Move the ABC and XYZ cut-offs and see the ABC-XYZ matrix redraw.

    Parameters
    ----------
    transactions : DataFrame, path or list of paths
        As for :func:`kamlib.portfolio.abcxyz.abc_xyz`.
    interactive : bool, default True
        True: an ipywidgets box with two range sliders (ABC cut-offs as shares of the total,
        XYZ cut-offs on the coefficient of variation), the heatmap and the matrix table, redrawn
        when a slider is released. False: the static equivalent, a table of the clients per
        class under the given cut-offs and under a few others.
    abc_cutoffs, xyz_cutoffs : (float, float)
        The starting cut-offs (docs/methods.md defaults 80/95 % and 0.5/1.0).
    measure, period, as_of, months, **kwargs
        Passed to :func:`kamlib.portfolio.abcxyz.abc_xyz`.
    scenarios : sequence of (abc_cutoffs, xyz_cutoffs), optional
        Rows of the static table. Default: the given cut-offs; ABC's first cut-off 10 points
        lower and higher; XYZ cut-offs halved and times 1.5.

    Returns
    -------
    ipywidgets.VBox or SafeHTML

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["a"] * 4 + ["b"] * 2,
    ...     "date": pd.to_datetime(["2024-01-10", "2024-02-10", "2024-03-10", "2024-04-10",
    ...                             "2024-01-15", "2024-04-15"]),
    ...     "revenue": [100.0, 100.0, 100.0, 100.0, 50.0, 50.0]})
    >>> static = abc_xyz_explorer(tx, interactive=False)
    >>> "<caption>Clients per class under other cut-offs" in static.html
    True
    >>> box = abc_xyz_explorer(tx)
    >>> [type(w).__name__ for w in box.children]
    ['HBox', 'Image', 'HTML']
    """
    abc = _cutoffs("abc_cutoffs", abc_cutoffs)
    xyz = _cutoffs("xyz_cutoffs", xyz_cutoffs)
    options = {"measure": measure, "period": period, "as_of": as_of, "months": months, **kwargs}
    if not interactive:
        rows = _scenario_table(transactions, scenarios or _scenarios(abc, xyz), options)
        return table(
            rows,
            caption=_(
                "Clients per class under other cut-offs (first row: the cut-offs used above)"
            ),
            formats={_("A: share of total"): "{:.1%}"},
        )

    w = _widgets()
    abc_slider = w.FloatRangeSlider(
        value=abc,
        min=0.05,
        max=1.0,
        step=0.01,
        description=_("ABC cut-offs"),
        continuous_update=False,
        readout_format=".0%",
        style={"description_width": "initial"},
    )
    xyz_slider = w.FloatRangeSlider(
        value=xyz,
        min=0.05,
        max=3.0,
        step=0.05,
        description=_("XYZ cut-offs (CV)"),
        continuous_update=False,
        readout_format=".2f",
        style={"description_width": "initial"},
    )
    image = w.Image(format="png")
    text = w.HTML()

    def redraw(_change=None) -> None:
        try:
            result = abc_xyz(
                transactions, abc_cutoffs=abc_slider.value, xyz_cutoffs=xyz_slider.value, **options
            )
        except KamlibError as exc:
            message = _("Cannot classify with these cut-offs: {error}").format(error=exc)
            text.value = paragraph(message).html
            return
        matrix = abc_xyz_matrix(result)
        image.value = _png(lambda ax: plot_abc_xyz_matrix(matrix, ax=ax))
        text.value = _join(
            paragraph(abc_xyz_sentence(matrix)),
            table(matrix[_MATRIX_COLUMNS], caption=_("Clients per cell"), max_rows=None),
        ).html

    abc_slider.observe(redraw, names="value")
    xyz_slider.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HBox([abc_slider, xyz_slider]), image, text])


# ---- discount / volume what-if ---------------------------------------------------------------


def _what_if_text(
    label: str, row: pd.Series, limit: pd.Series, planned: float, *, max_discount, min_margin
) -> str:
    """The what-if of one product at one discount and one planned volume, in words."""
    return what_if_sentence(
        label,
        row,
        floor=limit["unit_cost"] * (1 + min_margin),
        current_volume=limit["volume"],
        planned=planned,
        max_discount=max_discount,
    )


def _draw_what_if(ax: Axes, curve: pd.DataFrame, discount: float) -> None:
    """The what-if curve of one product with the chosen discount marked."""
    plot_what_if(curve, ax=ax)
    ax.axvline(100 * discount, color="0.5", linestyle="--", linewidth=1)


def _static_what_if(
    limits: pd.DataFrame, grid_table: pd.DataFrame, discounts: Sequence[float], max_products: int
) -> pd.DataFrame:
    """Products (largest contribution first) x discounts: volume increase needed."""
    grid = np.sort(grid_table["discount"].unique())
    chosen = [g for g in grid if any(np.isclose(g, d) for d in discounts)]
    if not chosen:
        raise ArgumentError(f"`discounts` {list(discounts)} are not on the what-if table's grid")
    names = limits.set_index("product_id")["name"] if "name" in limits else pd.Series(dtype="str")
    listed = set(grid_table["product_id"])
    order = [p for p in limits["product_id"] if p in listed][:max_products]
    rows = grid_table[grid_table["product_id"].isin(order) & grid_table["discount"].isin(chosen)]
    changes = [cell_text(v, fmt="{:+.1%}") for v in rows["volume_change"]]
    cell = pd.Series(changes, index=rows.index).where(rows["feasible"], _("not feasible"))
    below = [_("{change} (below floor)").format(change=c) for c in cell]
    cell = cell.where(~rows["below_floor"].astype(bool), pd.Series(below, index=rows.index))
    off = {d: _("{discount} off").format(discount=cell_text(d, fmt="{:.0%}")) for d in grid}
    wide = (
        rows.assign(cell=cell, column=rows["discount"].map(off))
        .pivot(index="product_id", columns="column", values="cell")
        .reindex(index=order, columns=[off[d] for d in chosen])
    )
    wide.insert(0, "product", [f"{names.get(p, p)} ({p})" if p in names else p for p in order])
    return wide.reset_index(drop=True).rename_axis(columns=None)


def what_if_explorer(
    limits: pd.DataFrame,
    what_if_table: pd.DataFrame | None = None,
    *,
    interactive: bool = True,
    min_margin: float = 0.15,
    max_discount: float = 0.10,
    discounts: Sequence[float] = (0.02, 0.05, 0.10),
    max_products: int = 10,
):
    """The discount/volume what-if of one account's products.

    For a discount d off the current price p of a product with unit cost c and volume V, the
    volume that keeps today's gross profit is V (p - c) / (p (1 - d) - c)
    (:func:`kamlib.account.pricing.what_if`).

    Parameters
    ----------
    limits : DataFrame
        :func:`kamlib.account.pricing.negotiation_limits` of the account (``product_id``, ``name``,
        ``current_price``, ``unit_cost``, ``volume``), largest contribution first. Products
        without a known unit cost are left out.
    what_if_table : DataFrame, optional
        The what-if table of the products (``meeting_brief(...).what_if``: ``product_id``,
        ``discount``, ``volume_change``, ``below_floor``, ``feasible``); needed for the static
        view.
    interactive : bool, default True
        True: an ipywidgets box with a product drop-down, a discount slider and a planned
        volume slider, and the result in words and in a table. False: the static table of
        the volume increase each product needs at the `discounts`.
    min_margin, max_discount : float
        Price floor markup on unit cost and the largest discount (as in the meeting brief).
    discounts : sequence of float
        Columns of the static table (values on the grid of `what_if_table`).
    max_products : int
        Rows of the static table (the products with the largest contribution).

    Returns
    -------
    ipywidgets.VBox or SafeHTML

    Examples
    --------
    >>> from kamlib.account.pricing import what_if
    >>> limits = pd.DataFrame({"product_id": ["p1"], "name": ["Pump"], "current_price": [15.0],
    ...                        "unit_cost": [10.0], "volume": [100.0]})
    >>> grid = what_if(15.0, 10.0, 100.0, discounts=[0.0, 0.05, 0.1]).assign(product_id="p1")
    >>> static = what_if_explorer(limits, grid, interactive=False, discounts=[0.05, 0.1])
    >>> "Pump (p1)</td><td>+17.6%</td><td>+42.9%</td>" in static.html
    True
    >>> box = what_if_explorer(limits)
    >>> box.children[-1].value.startswith("<p>At 0.0 % off, Pump (p1) costs 15.00")
    True
    """
    _require(limits, _LIMIT_COLUMNS, "limits")
    known = limits[limits["unit_cost"].notna() & (limits["volume"] > 0)]
    if not interactive:
        if what_if_table is None:
            raise ArgumentError(
                "`what_if_table` (the brief's what-if table) is needed for the static view"
            )
        _require(
            what_if_table,
            ["product_id", "discount", "volume_change", "below_floor", "feasible"],
            "what_if_table",
        )
        if known.empty or what_if_table.empty:
            return paragraph(_("No product with a known unit cost: no what-if to show."))
        return table(
            _static_what_if(known, what_if_table, discounts, max_products),
            caption=_("Volume increase needed to keep today's contribution, by discount"),
        )
    if known.empty:
        return paragraph(_("No product with a known unit cost: no what-if to explore."))

    w = _widgets()
    names = known["name"] if "name" in known else known["product_id"]
    labels = (names.fillna(known["product_id"]) + " (" + known["product_id"] + ")").tolist()
    product = w.Dropdown(
        options=list(zip(labels, known["product_id"], strict=True)), description=_("Product")
    )
    discount = w.FloatSlider(
        value=0.0,
        min=0.0,
        max=round(max(3 * max_discount, 0.30), 2),
        step=0.005,
        description=_("Discount"),
        readout_format=".1%",
        continuous_update=False,
    )
    volume = w.FloatSlider(
        value=0.0,
        min=-0.5,
        max=2.0,
        step=0.01,
        description=_("Volume change"),
        readout_format="+.0%",
        continuous_update=False,
        style={"description_width": "initial"},
    )
    text = w.HTML()
    image = w.Image(format="png")

    def recompute(_change=None) -> None:
        limit = known.set_index("product_id").loc[product.value]
        curve = what_if(
            limit["current_price"],
            limit["unit_cost"],
            limit["volume"],
            max_discount=max(max_discount, discount.value),
            step=0.005,
            min_margin=min_margin,
        )
        image.value = _png(lambda ax: _draw_what_if(ax, curve, discount.value), figsize=(5, 3))
        row = what_if(
            limit["current_price"],
            limit["unit_cost"],
            limit["volume"],
            discounts=[discount.value],
            min_margin=min_margin,
        ).iloc[0]
        planned = limit["volume"] * (1 + volume.value)
        label = labels[list(known["product_id"]).index(product.value)]
        feasible = bool(row["feasible"])
        shown = pd.DataFrame(
            {
                "value": [
                    number(row["price"], 2),
                    number(limit["unit_cost"] * (1 + min_margin), 2),
                    number(row["volume_needed"]) if feasible else _("not feasible"),
                    cell_text(row["volume_change"], fmt="{:+.1%}") if feasible else "",
                    number(planned),
                    number(row["unit_margin"] * planned),
                    number(row["base_contribution"]),
                ]
            },
            index=[
                _("price after the discount"),
                _("price floor"),
                _("volume that keeps the gross profit"),
                _("volume change needed"),
                _("planned volume"),
                _("gross profit at the planned volume"),
                _("gross profit today"),
            ],
        )
        text.value = _join(
            paragraph(
                _what_if_text(
                    label, row, limit, planned, max_discount=max_discount, min_margin=min_margin
                )
            ),
            table(shown, caption=_("What-if at this discount"), index=True),
        ).html

    for control in (product, discount, volume):
        control.observe(recompute, names="value")
    recompute()
    return w.VBox([product, w.HBox([discount, volume]), image, text])


# ---- growth assumptions of the plan -----------------------------------------------------------

_TARGET_COLUMNS = [
    "product_id",
    "category",
    "base_revenue",
    "growth",
    "growth_source",
    "revenue_target",
    "quantity_target",
]


def targets_explorer(
    account_id: str,
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    *,
    interactive: bool = True,
    plan_year: int | None = None,
    as_of=None,
    by: str = "product_id",
    growth_bounds: tuple[float, float] = (-0.5, 0.5),
    rates: Sequence[float] = (0.0, 0.05, 0.10),
):
    """Try growth assumptions for the next-year targets of one account.

    Parameters
    ----------
    account_id : str
        The account.
    transactions, products, plan_year, as_of, by, growth_bounds
        As for :func:`kamlib.account.targets.next_year_targets`.
    interactive : bool, default True
        True: an ipywidgets box with a growth slider and a check box "each product's own
        history"; the targets and their total are recomputed. False: the static equivalent,
        the total target under each product's history and under each of `rates`.
    rates : sequence of float
        One growth rate for every product, per row of the static table.

    Returns
    -------
    ipywidgets.VBox or SafeHTML

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A"] * 3, "product_id": ["p1", "p1", "p2"],
    ...     "quantity": [10.0, 11.0, 5.0], "revenue": [100.0, 110.0, 50.0],
    ...     "date": pd.to_datetime(["2024-06-01", "2025-06-01", "2025-07-01"])})
    >>> static = targets_explorer("A", tx, interactive=False, as_of="2025-12-31", rates=[0.1])
    >>> "<td>each product&#x27;s history</td><td>160</td><td>196</td><td>+22.5%</td>" in static.html
    True
    >>> box = targets_explorer("A", tx, as_of="2025-12-31")
    >>> box.children[-1].value.startswith("<p>Target 2026: 196, +22.5 % on the base of 160")
    True
    """
    options = {
        "products": products,
        "plan_year": plan_year,
        "as_of": as_of,
        "by": by,
        "growth_bounds": growth_bounds,
    }
    if not interactive:
        growths = [None, *[float(r) for r in rates]]
        totals = [
            next_year_targets(account_id, transactions=transactions, growth=g, **options)[
                ["base_revenue", "revenue_target"]
            ].sum()
            for g in growths  # a few assumptions, each a vectorised computation
        ]
        frame = pd.DataFrame(totals).assign(
            assumption=[_("each product's history")]
            + [
                _("{growth} for every product").format(growth=cell_text(g, fmt="{:+.0%}"))
                for g in growths[1:]
            ]
        )
        frame["change"] = (frame["revenue_target"] / frame["base_revenue"] - 1).where(
            frame["base_revenue"] > 0
        )
        return table(
            frame[["assumption", "base_revenue", "revenue_target", "change"]],
            caption=_("Total target under other growth assumptions"),
            formats={"base_revenue": "{:,.0f}", "revenue_target": "{:,.0f}", "change": "{:+.1%}"},
        )

    w = _widgets()
    history = w.Checkbox(value=True, description=_("each product's own history"))
    growth = w.FloatSlider(
        value=0.05,
        min=-0.5,
        max=1.0,
        step=0.01,
        description=_("Growth for every product"),
        readout_format="+.0%",
        continuous_update=False,
        style={"description_width": "initial"},
    )
    text = w.HTML()

    def recompute(_change=None) -> None:
        growth.disabled = history.value
        targets = next_year_targets(
            account_id,
            transactions=transactions,
            growth=None if history.value else growth.value,
            **options,
        )
        shown = [c for c in _TARGET_COLUMNS if c in targets]
        text.value = _join(
            paragraph(targets_sentence(targets)),
            table(
                targets[shown],
                caption=_("Targets under this assumption"),
                formats={
                    "base_revenue": "{:,.0f}",
                    "growth": "{:+.1%}",
                    "revenue_target": "{:,.0f}",
                    "quantity_target": "{:,.0f}",
                },
            ),
        ).html

    history.observe(recompute, names="value")
    growth.observe(recompute, names="value")
    recompute()
    return w.VBox([w.HBox([history, growth]), text])


# ---- account lookup --------------------------------------------------------------------------


def _overview(transactions, accounts, as_of) -> pd.DataFrame:
    """One row per account with purchases: name, CRM status, purchase status, cell, value."""
    status = client_status(transactions, as_of=as_of)
    classes = abc_xyz(transactions, as_of=as_of).set_index("account_id")["cell"]
    out = status[["status", "last_purchase", "annual_value"]].rename(
        columns={"status": "purchase_status"}
    )
    out["cell"] = classes.reindex(out.index)
    if accounts is not None and "account_id" in accounts:
        facts = accounts.drop_duplicates("account_id").set_index("account_id")
        keep = [c for c in ("name", "status", "region", "manager") if c in facts]
        out = facts[keep].rename(columns={"status": _("CRM status")}).join(out, how="right")
    out = out.sort_values("annual_value", ascending=False, kind="stable")
    return out.rename_axis("account_id").reset_index()


def account_explorer(
    transactions: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    *,
    interactive: bool = True,
    as_of=None,
    max_rows: int | None = 30,
):
    """Pick an account and see its facts, purchase status and ABC-XYZ cell.

    Parameters
    ----------
    transactions : DataFrame
        Canonical transactions.
    accounts : DataFrame, optional
        Canonical accounts (names, CRM status, region, manager).
    interactive : bool, default True
        True: an ipywidgets drop-down of the accounts with purchases (largest annual value
        first) and the picked account's facts (:func:`kamlib.account.dossier.account_info`) and
        status. False: the static equivalent, the overview table of the accounts.
    as_of : date-like, optional
        Analysis date; default the last transaction date.
    max_rows : int or None, default 30
        Rows of the static table.

    Returns
    -------
    ipywidgets.VBox or SafeHTML

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["a", "a", "a", "b"],
    ...     "date": pd.to_datetime(["2025-01-10", "2025-02-10", "2025-03-10", "2025-03-01"]),
    ...     "revenue": [100.0, 100.0, 100.0, 50.0]})
    >>> static = account_explorer(tx, interactive=False).html
    >>> print(static.split("<tr>")[-1].replace(' style="text-align: left"', ""))
    <td>b</td><td>active</td><td>2025-03-01</td><td>50</td><td>too new</td></tr>
    </tbody>
    </table>
    >>> box = account_explorer(tx)
    >>> box.children[0].value, "300.00</td>" in box.children[1].value
    ('a', True)
    """
    overview = _overview(transactions, accounts, as_of)
    if not interactive:
        return table(
            overview.assign(purchase_status=overview["purchase_status"].map(status_text)),
            caption=_("Accounts by annual value (the last 12 months up to the last purchase)"),
            max_rows=max_rows,
        )

    w = _widgets()
    ids = overview["account_id"]
    names = overview["name"].fillna("") if "name" in overview else pd.Series("", index=ids.index)
    labels = (ids + " " + names).str.strip().tolist()
    picker = w.Dropdown(
        options=list(zip(labels, ids, strict=True)),
        description=pgettext("account picker", "Account"),
    )
    text = w.HTML()

    def show(_change=None) -> None:
        info = account_info(picker.value, transactions=transactions, accounts=accounts, as_of=as_of)
        row = overview.set_index("account_id").loc[picker.value]
        facts = pd.concat([info, row[["purchase_status", "cell"]]]).rename("value").to_frame()
        text.value = table(facts, caption=_("Account facts"), index=True, max_rows=None).html

    picker.observe(show, names="value")
    show()
    return w.VBox([picker, text])

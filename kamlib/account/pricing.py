"""Prices in a negotiation: the limits per product and what a discount costs in volume.

Method (docs/methods.md, "Annual meeting and development plan"):

- **Negotiation limits** per product (:func:`negotiation_limits`): price floor = unit cost x
  (1 + ``min_margin``); maximum discount; the lowest price we may offer (the walk-away price)
  = max(floor, current price x (1 - ``max_discount``)); the minimum volume at that price that
  keeps the current contribution (the walk-away volume).
- **What-if**: for each discount, the volume needed to keep the contribution
  (:func:`what_if`): volume x (p - c) / (p (1 - d) - c). :func:`what_if` is what the meeting
  notebook's widget calls; reports show the static table of :func:`what_if_table`.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from kamlib.errors import ArgumentError
from kamlib.schema import is_missing
from kamlib.schema import require_columns as _require
from kamlib.window import renamed_months

__all__ = [
    "negotiation_limits",
    "what_if",
    "discount_grid",
    "what_if_table",
    "cents_up",
]


def _fraction(name: str, value: float, *, upper: float = 1.0) -> float:
    if not 0 <= value < upper:
        raise ArgumentError(f"`{name}` must be between 0 and {upper} (exclusive), got {value!r}")
    return float(value)


def negotiation_limits(
    account_id: str,
    *,
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    as_of: object,
    min_margin: float = 0.15,
    max_discount: float = 0.10,
    months: int = 12,
    window_months: int | None = None,
) -> pd.DataFrame:
    """Price floor, lowest price, and walk-away volume per product the account buys.

    Per product bought in the last `months` (positive net volume and revenue):
    ``current_price`` = revenue / volume; ``unit_cost`` from the products table, else the
    window's cost / volume from the transactions when every line has a cost (``cost_source``
    says which); ``floor_price`` = unit_cost x (1 + min_margin); ``lowest_price``
    (walk-away price) = max(floor_price, current_price x (1 - max_discount)); both prices are
    rounded up to the cent. ``min_volume`` (walk-away volume) = the volume at
    ``lowest_price`` that keeps today's contribution (0 when today's contribution is not
    positive; NaN when the lowest price leaves no margin); ``below_floor_now`` flags a
    current price under the floor.

    Parameters
    ----------
    account_id : str
        The account.
    transactions : DataFrame
        Canonical transactions (with ``product_id`` and ``quantity``).
    products : DataFrame, optional
        Canonical products (``unit_cost``, ``list_price``, ``name``, ``category``).
    as_of : date-like
        End of the window (inclusive).
    min_margin : float, default 0.15
        Minimum margin on unit cost (markup) that defines the floor.
    max_discount : float, default 0.10
        Largest discount off the current price.
    months : int, default 12
        Length of the window.
    window_months : int, optional
        Deprecated spelling of `months` (warns).

    Returns
    -------
    DataFrame
        One row per product, largest contribution first: ``product_id``, ``name``,
        ``category``, ``volume``, ``revenue``, ``current_price``, ``list_price``,
        ``unit_cost``, ``cost_source``, ``contribution``, ``floor_price``, ``max_discount``,
        ``lowest_price``, ``min_volume``, ``below_floor_now``. Products without a known unit
        cost have NaN limits.

    Examples
    --------
    >>> tx = pd.DataFrame({"account_id": ["A"], "product_id": ["p1"], "quantity": [100.0],
    ...     "revenue": [1500.0], "date": pd.to_datetime(["2025-06-01"])})
    >>> pr = pd.DataFrame({"product_id": ["p1"], "unit_cost": [10.0], "list_price": [16.0]})
    >>> negotiation_limits("A", transactions=tx, products=pr, as_of="2025-12-31")[
    ...     ["current_price", "floor_price", "lowest_price", "min_volume"]]
       current_price  floor_price  lowest_price  min_volume
    0           15.0         11.5          13.5       142.9
    """
    months = renamed_months(months, window_months, "negotiation_limits")
    _fraction("min_margin", min_margin, upper=10.0)
    _fraction("max_discount", max_discount)
    _require(transactions, ["account_id", "date", "revenue"], "transactions")
    as_of = pd.Timestamp(as_of)
    start = as_of - pd.DateOffset(months=months)
    tx = transactions[
        (transactions["account_id"] == account_id)
        & (transactions["date"] > start)
        & (transactions["date"] <= as_of)
    ]
    if "product_id" not in tx.columns or "quantity" not in tx.columns:
        tx = tx.iloc[:0].assign(product_id=pd.Series(dtype="str"), quantity=pd.Series(dtype=float))
    cost = tx["cost"] if "cost" in tx.columns else pd.Series(np.nan, index=tx.index)
    sums = (
        tx.assign(_cost=cost)
        .groupby("product_id")
        .agg(
            volume=("quantity", "sum"),
            revenue=("revenue", "sum"),
            _cost=("_cost", "sum"),
            _known=("_cost", "count"),
            _lines=("_cost", "size"),
        )
    )
    sums = sums[(sums["volume"] > 0) & (sums["revenue"] > 0)]
    out = sums.reset_index()
    info = (
        products.drop_duplicates("product_id").set_index("product_id")
        if not is_missing(products)
        else pd.DataFrame(index=pd.Index([], name="product_id", dtype="str"))
    )
    for column in ("name", "category", "list_price", "unit_cost"):
        source = info[column] if column in info.columns else pd.Series(dtype=object)
        out[column] = out["product_id"].map(source)
    out = out.astype(
        {"name": "str", "category": "str", "list_price": "float64", "unit_cost": "float64"}
    )
    derived = (out["_cost"] / out["volume"]).where(out["_known"] == out["_lines"])
    out["cost_source"] = np.select(
        [out["unit_cost"].notna(), derived.notna()], ["products", "transactions"], default="unknown"
    )
    out["unit_cost"] = out["unit_cost"].fillna(derived)
    out["current_price"] = out["revenue"] / out["volume"]
    out["contribution"] = (out["current_price"] - out["unit_cost"]) * out["volume"]
    out["floor_price"] = cents_up(out["unit_cost"] * (1 + min_margin))
    out["max_discount"] = max_discount
    lowest = np.fmax(out["floor_price"], cents_up(out["current_price"] * (1 - max_discount)))
    out["lowest_price"] = lowest.where(out["unit_cost"].notna())
    margin_at_lowest = out["lowest_price"] - out["unit_cost"]
    needed = out["contribution"].clip(lower=0) / margin_at_lowest.where(margin_at_lowest > 0)
    out["min_volume"] = needed.where(out["contribution"] > 0, 0.0).where(out["unit_cost"].notna())
    out["min_volume"] = out["min_volume"].round(1)
    out["below_floor_now"] = (out["current_price"] < out["floor_price"]).astype("bool")
    columns = [
        "product_id",
        "name",
        "category",
        "volume",
        "revenue",
        "current_price",
        "list_price",
        "unit_cost",
        "cost_source",
        "contribution",
        "floor_price",
        "max_discount",
        "lowest_price",
        "min_volume",
        "below_floor_now",
    ]
    out = out[columns].astype({"cost_source": "str", "product_id": "str"})
    return out.sort_values(
        ["contribution", "product_id"], ascending=[False, True], kind="stable", na_position="last"
    ).reset_index(drop=True)


def discount_grid(
    discounts: Iterable[float] | None, max_discount: float, step: float
) -> np.ndarray:
    """The discounts a what-if looks at: `discounts`, else 0 to `max_discount` by `step`.

    Parameters
    ----------
    discounts : iterable of float or None
        Explicit discounts, each in [0, 1).
    max_discount, step : float
        The default grid.

    Returns
    -------
    ndarray

    Examples
    --------
    >>> discount_grid(None, 0.03, 0.01).tolist()
    [0.0, 0.01, 0.02, 0.03]
    """
    if discounts is not None:
        grid = np.asarray(list(discounts), dtype=float)
    else:
        if step <= 0:
            raise ArgumentError(f"`step` must be positive, got {step!r}")
        grid = np.round(np.arange(0.0, max_discount + step / 2, step), 10)
    if ((grid < 0) | (grid >= 1)).any():
        raise ArgumentError("`discounts` must lie in [0, 1)")
    return grid


def _what_if_frame(base: pd.DataFrame, grid: np.ndarray, min_margin: float) -> pd.DataFrame:
    """Cross every base row (price, unit_cost, volume) with every discount of `grid`."""
    table = base.merge(pd.DataFrame({"discount": grid}), how="cross")
    price = table["price"] * (1 - table["discount"])
    unit_margin = price - table["unit_cost"]
    base_contribution = (table["price"] - table["unit_cost"]) * table["volume"]
    feasible = unit_margin > 0
    needed = (base_contribution / unit_margin.where(feasible)).astype(float)
    return table.drop(columns=["price"]).assign(
        price=price,
        unit_margin=unit_margin,
        volume_needed=needed,
        volume_change=needed / table["volume"] - 1,
        contribution=needed * unit_margin,
        base_contribution=base_contribution,
        below_floor=price < table["unit_cost"] * (1 + min_margin),
        feasible=feasible,
    )


def what_if(
    price: float,
    unit_cost: float,
    volume: float,
    *,
    discounts: Iterable[float] | None = None,
    max_discount: float = 0.10,
    step: float = 0.01,
    min_margin: float = 0.15,
) -> pd.DataFrame:
    """Discount vs the volume needed to keep the contribution, for one product.

    With price p, unit cost c and volume V, a discount d needs volume
    ``V x (p - c) / (p (1 - d) - c)`` to earn the same contribution ``V x (p - c)``.
    This is the function the meeting notebook's widget calls.

    Parameters
    ----------
    price, unit_cost, volume : float
        Current price per unit, unit cost, current volume.
    discounts : iterable of float, optional
        Discounts to evaluate; default 0 to `max_discount` in steps of `step`.
    max_discount, step : float
        The default grid.
    min_margin : float, default 0.15
        Marks prices below the floor unit_cost x (1 + min_margin).

    Returns
    -------
    DataFrame
        ``discount``, ``price``, ``unit_margin``, ``volume_needed`` (NaN when the discounted
        price does not cover the unit cost), ``volume_change`` (relative), ``contribution``,
        ``base_contribution``, ``below_floor``, ``feasible``.

    Examples
    --------
    >>> what_if(15.0, 10.0, 100.0, discounts=[0.0, 0.1])[
    ...     ["discount", "price", "volume_needed", "volume_change", "below_floor"]]
       discount  price  volume_needed  volume_change  below_floor
    0       0.0   15.0     100.000000       0.000000        False
    1       0.1   13.5     142.857143       0.428571        False
    """
    grid = discount_grid(discounts, _fraction("max_discount", max_discount), step)
    base = pd.DataFrame(
        {"price": [float(price)], "unit_cost": [float(unit_cost)], "volume": [float(volume)]}
    )
    out = _what_if_frame(base, grid, min_margin)
    return out.drop(columns=["unit_cost", "volume"])[
        [
            "discount",
            "price",
            "unit_margin",
            "volume_needed",
            "volume_change",
            "contribution",
            "base_contribution",
            "below_floor",
            "feasible",
        ]
    ]


def what_if_table(limits: pd.DataFrame, grid: np.ndarray, min_margin: float) -> pd.DataFrame:
    """The what-if of every product with a known unit cost, at every discount of `grid`.

    Parameters
    ----------
    limits : DataFrame
        :func:`negotiation_limits` (``product_id``, ``current_price``, ``unit_cost``, ``volume``).
    grid : ndarray
        Discounts (:func:`discount_grid`).
    min_margin : float
        Marks prices below the floor unit_cost x (1 + min_margin).

    Returns
    -------
    DataFrame
        One row per product and discount, with the columns of :func:`what_if` and
        ``product_id``, ``unit_cost``, ``volume``.

    Examples
    --------
    >>> limits = pd.DataFrame({"product_id": ["p1"], "current_price": [15.0],
    ...                        "unit_cost": [10.0], "volume": [100.0]})
    >>> table = what_if_table(limits, discount_grid([0.0, 0.1], 0.1, 0.01), 0.15)
    >>> table["volume_needed"].round(1).tolist()
    [100.0, 142.9]
    """
    known = limits[limits["unit_cost"].notna()]
    base = known[["product_id", "current_price", "unit_cost", "volume"]].rename(
        columns={"current_price": "price"}
    )
    return _what_if_frame(base, grid, min_margin)


def cents_up(price: pd.Series) -> pd.Series:
    """Round up to the cent (a price never drops below the floor or the kept contribution).

    >>> cents_up(pd.Series([12.341, 12.34, 9.999])).tolist()
    [12.35, 12.34, 10.0]
    """
    return np.ceil((price * 100).round(6)) / 100

"""The notebook widgets: each redraws when a control moves, and has a static equivalent.

The widgets are driven as a user would drive them, by setting a control's value; what the
widget shows (its HTML and image values) must change accordingly. Frames are tiny and written
out in full so the expected numbers can be checked by hand.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from kamlib.account.pricing import what_if
from kamlib.errors import ArgumentError, InputError
from kamlib.report.elements import SafeHTML
from kamlib.widgets import abc_xyz_explorer, account_explorer, targets_explorer, what_if_explorer

#: How report tables start a cell of words (numbers have a plain <td>).
LEFT = '<td style="text-align: left">'

# a: steady, 600 a month; b: every other month, 200; c: one big order, then small ones
TX = pd.DataFrame(
    {
        "account_id": ["a"] * 6 + ["b"] * 3 + ["c"] * 3,
        "date": pd.to_datetime(
            [
                "2025-01-10",
                "2025-02-10",
                "2025-03-10",
                "2025-04-10",
                "2025-05-10",
                "2025-06-10",
                "2025-01-15",
                "2025-03-15",
                "2025-05-15",
                "2025-01-20",
                "2025-04-20",
                "2025-06-20",
            ]
        ),
        "revenue": [600.0] * 6 + [200.0] * 3 + [900.0, 50.0, 50.0],
        "product_id": ["p1"] * 6 + ["p2"] * 3 + ["p1", "p2", "p2"],
        "quantity": [60.0] * 6 + [10.0] * 3 + [90.0, 5.0, 5.0],
    }
)
ACCOUNTS = pd.DataFrame(
    {
        "account_id": ["a", "b", "c"],
        "name": ["Alfa <b>AG</b>", "Beta", "Gamma"],
        "status": ["client"] * 3,
    }
)
LIMITS = pd.DataFrame(
    {
        "product_id": ["p1", "p2"],
        "name": ["Pump", "Valve"],
        "current_price": [15.0, 20.0],
        "unit_cost": [10.0, 18.0],
        "volume": [100.0, 50.0],
    }
)


def _controls(widget):
    """Every control in a widget tree, by description."""
    found, todo = {}, [widget]
    while todo:
        w = todo.pop()
        todo.extend(getattr(w, "children", ()))
        if getattr(w, "description", ""):
            found[w.description] = w
    return found


# ---- ABC-XYZ -----------------------------------------------------------------------------


def test_abc_xyz_explorer_redraws_when_a_cutoff_moves():
    box = abc_xyz_explorer(TX)
    image, text = box.children[1], box.children[2]
    before_text, before_image = text.value, image.value
    # totals a 3600, c 1000, b 600 of 5200: a alone is 69 % -> A; a + c 88 % -> B at 95 %
    assert "Class A: 1 of 3 clients" in before_text
    _controls(box)["ABC cut-offs"].value = (0.90, 0.95)  # now a and c (88 %) are A
    assert "Class A: 2 of 3 clients" in text.value
    assert bytes(image.value) != bytes(before_image) and bytes(image.value).startswith(b"\x89PNG")
    # b buys every other month: CV 1.0 on its grid; lowering Y's cut-off makes it Z
    assert f"{LEFT}CY</td><td>1</td>" in before_text
    _controls(box)["XYZ cut-offs (CV)"].value = (0.5, 0.9)
    assert f"{LEFT}CZ</td><td>1</td>" in text.value and text.value != before_text


def test_abc_xyz_explorer_static_lists_the_scenarios():
    static = abc_xyz_explorer(TX, interactive=False, abc_cutoffs=(0.8, 0.95))
    assert isinstance(static, SafeHTML)
    rows = static.html.split("<tr>")[2:]
    assert len(rows) == 5  # the cut-offs used, ABC a -/+ 10 points, XYZ halved and x1.5
    assert rows[0].startswith(
        "<td>80% / 95%</td><td>0.50 / 1.00</td><td>1</td><td>1</td><td>1</td>"
    )
    assert rows[2].startswith(
        "<td>90% / 95%</td><td>0.50 / 1.00</td><td>2</td><td>0</td><td>1</td>"
    )


def test_abc_xyz_explorer_refuses_bad_cutoffs_by_name():
    with pytest.raises(ArgumentError, match="`abc_cutoffs`"):
        abc_xyz_explorer(TX, abc_cutoffs=(0.9, 0.8))
    with pytest.raises(ArgumentError, match="`xyz_cutoffs`"):
        abc_xyz_explorer(TX, interactive=False, xyz_cutoffs="low")


def test_widgets_leave_no_pyplot_figures_open():
    before = plt.get_fignums()
    abc_xyz_explorer(TX)
    assert plt.get_fignums() == before


# ---- what-if -----------------------------------------------------------------------------


def test_what_if_explorer_follows_product_discount_and_volume():
    box = what_if_explorer(LIMITS, min_margin=0.15, max_discount=0.10)
    controls, text = _controls(box), box.children[-1]
    assert text.value.startswith("<p>At 0.0 % off, Pump (p1) costs 15.00")
    controls["Discount"].value = 0.10
    # 100 x (15 - 10) / (13.5 - 10) = 142.857...
    assert "needs 143 units (+42.9 %)" in text.value
    controls["Volume change"].value = 0.5  # 150 units at a margin of 3.50: 525, +5.0 %
    assert "At the planned 150 units (+50.0 %) gross profit rises by 25 (+5.0 %) to 525" in (
        text.value
    )
    controls["Volume change"].value = 0.0  # 100 units at 3.50: 350 instead of 500
    assert "gross profit falls by 150 (-30.0 %) to 350" in text.value
    assert "contribution" not in text.value  # gross profit is called gross profit
    controls["Discount"].value = 0.15  # beyond the maximum discount
    assert "beyond the maximum discount of 10 %" in text.value
    curve = bytes(box.children[2].value)  # the what-if curve of the product
    assert curve.startswith(b"\x89PNG")
    controls["Product"].value = "p2"  # 20 x 0.85 = 17 < unit cost 18: nothing makes up for it
    assert "Valve (p2)" in text.value and "no volume can make up for it" in text.value
    assert bytes(box.children[2].value) != curve


def test_what_if_explorer_static_table_by_hand():
    grid = pd.concat(
        [
            what_if(15.0, 10.0, 100.0, discounts=[0.0, 0.05, 0.1], min_margin=0.4).assign(
                product_id="p1"
            ),
            what_if(20.0, 18.0, 50.0, discounts=[0.0, 0.05, 0.1], min_margin=0.4).assign(
                product_id="p2"
            ),
        ]
    )
    static = what_if_explorer(LIMITS, grid, interactive=False, discounts=(0.05, 0.10))
    # floor 10 x 1.4 = 14: 5 % off (14.25) is above it, 10 % off (13.50) below
    assert (
        f"<tr>{LEFT}Pump (p1)</td><td>+17.6%</td><td>+42.9% (below floor)</td></tr>" in static.html
    )
    # p2: 19.00 - 18 = 1 per unit: +100 % volume; 18.00 - 18 = 0: not feasible
    assert (
        f"{LEFT}Valve (p2)</td><td>+100.0% (below floor)</td><td>not feasible (below floor)</td>"
        in (static.html)
    )


def test_what_if_explorer_escapes_names_and_checks_its_inputs():
    limits = LIMITS.assign(name=["<script>alert(1)</script>", "Valve"])
    grid = what_if(15.0, 10.0, 100.0, discounts=[0.0, 0.05]).assign(product_id="p1")
    static = what_if_explorer(limits, grid, interactive=False, discounts=[0.05])
    assert "<script>" not in static.html and "&lt;script&gt;" in static.html
    assert "<script>" not in what_if_explorer(limits).children[-1].value
    with pytest.raises(ArgumentError, match="`what_if_table`"):
        what_if_explorer(LIMITS, interactive=False)
    with pytest.raises(InputError):
        what_if_explorer(LIMITS.drop(columns="unit_cost"))


def test_what_if_explorer_without_known_costs_says_so():
    limits = LIMITS.assign(unit_cost=float("nan"))
    assert "No product with a known unit cost" in what_if_explorer(limits).html


# ---- growth assumptions -------------------------------------------------------------------


def test_targets_explorer_switches_from_history_to_one_rate():
    box = targets_explorer("a", TX, as_of="2025-06-30")
    controls, text = _controls(box), box.children[-1]
    # a has no previous window: growth from the account's history is unknown -> 0
    assert text.value.startswith("<p>Target 2026: 3,600, +0.0 % on the base of 3,600")
    assert controls["Growth for every product"].disabled
    controls["each product's own history"].value = False
    assert not controls["Growth for every product"].disabled
    assert text.value.startswith("<p>Target 2026: 3,780, +5.0 %")  # the slider's 5 %
    controls["Growth for every product"].value = 0.25
    assert text.value.startswith("<p>Target 2026: 4,500, +25.0 %")


def test_targets_explorer_static_rows():
    static = targets_explorer("a", TX, interactive=False, as_of="2025-06-30", rates=(0.0, 0.1))
    rows = static.html.split("<tr>")[2:]
    assert [r.split("</td>")[0] for r in rows] == [
        "<td>each product&#x27;s history",  # most labels start with a sign: aligned as numbers
        "<td>+0% for every product",
        "<td>+10% for every product",
    ]
    assert "<td>3,600</td><td>3,960</td><td>+10.0%</td>" in rows[2]


# ---- account lookup -----------------------------------------------------------------------


def test_account_explorer_shows_the_picked_account():
    box = account_explorer(TX, ACCOUNTS, as_of="2025-06-30")
    picker, text = box.children
    assert picker.value == "a"  # largest annual value first
    assert "Alfa &lt;b&gt;AG&lt;/b&gt;" in text.value and "<b>AG</b>" not in text.value
    picker.value = "b"
    assert f"{LEFT}Beta</td>" in text.value and f"{LEFT}600.00</td>" in text.value


def test_account_explorer_static_table():
    static = account_explorer(TX, ACCOUNTS, interactive=False, as_of="2025-06-30")
    body = static.html.split("<tbody>")[1]
    assert [r.split("</td>")[0] for r in body.split("<tr>")[1:]] == [f"{LEFT}{a}" for a in "acb"]

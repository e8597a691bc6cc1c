"""Real exports with config only (issue 11, the loader half): docs/reliability.md cases 104-118.

Invoice-line exports without a line total (revenue from quantity x unit price less discount),
whitespace-separated and fixed-width files, zero-value lines, every set-aside line with its
amount, headers matched ignoring case and blanks, errors that name the setting that fixes them,
and region, manager and industry taken from the transactions. The public file shapes come from
the committed excerpts in docs/examples (made up, in the shape of the UCI Online Retail and
CDNOW files); docs/your-own-data.md walks them and the last tests run its commands.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kamlib import InputError, load_workspace
from kamlib.cli import main
from kamlib.errors import ConfigError
from kamlib.portfolio.churn import client_status, losses

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "examples"
TUTORIAL = ROOT / "docs" / "your-own-data.md"


def make(tmp_path, files: dict[str, str], toml: str = "") -> Path:
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    if toml:
        (tmp_path / "kam.toml").write_text(toml, encoding="utf-8")
    return tmp_path


def problems_of(path, **kw):
    with pytest.raises(InputError) as info:
        load_workspace(path, **kw)
    return info.value


def one(problems, code):
    found = [p for p in problems if p.code == code]
    assert found, f"no {code!r} among {[str(p) for p in problems]}"
    return found[0]


def ledger_holds(ws):
    for row in ws.ledger.itertuples():
        assert row.read == row.loaded + row.rejected + row.quarantined
    tx = ws.ledger.set_index("table").loc["transactions"]
    parts = tx.revenue_loaded + tx.revenue_rejected + tx.revenue_quarantined
    assert tx.revenue_read == pytest.approx(parts)
    assert ws.transactions["revenue"].sum() == pytest.approx(tx.revenue_loaded)


RETAIL = (
    "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
    "536365,85123A,6,12/1/2010 8:26,2.55,17850,United Kingdom\n"  # 15.30
    "536365,71053,6,12/1/2010 8:26,3.39,17850,United Kingdom\n"  # 20.34
    "C536379,D,-1,12/1/2010 9:41,27.5,14527,United Kingdom\n"  # return -27.50
    "536414,22139,56,12/1/2010 11:52,0,13047,United Kingdom\n"  # zero value (a free sample)
    "536544,21773,1,12/1/2010 14:32,2.51,,United Kingdom\n"  # unassigned 2.51
    "536370,22728,24,12/1/2010 8:45,3.75,12583,France\n"  # 90.00
)
RETAIL_TOML = (
    '[tables.transactions]\nfile = "retail.csv"\ndate_format = "%m/%d/%Y %H:%M"\n'
    '[tables.transactions.columns]\naccount_id = "CustomerID"\ndate = "InvoiceDate"\n'
    'order_id = "InvoiceNo"\nproduct_id = "StockCode"\nquantity = "Quantity"\n'
    'unit_price = "UnitPrice"\nregion = "Country"\n'
)


# ---------------------------------------------------------------- 104. derived revenue


def test_104_invoice_lines_without_a_total_derive_revenue_and_reconcile(tmp_path):
    ws = load_workspace(make(tmp_path, {"retail.csv": RETAIL}, RETAIL_TOML))
    tx = ws.transactions
    ids = ["17850", "17850", "14527", "13047", "12583"]
    assert tx["account_id"].tolist() == ids  # text, never "17850.0"
    assert tx["revenue"].tolist() == [15.3, 20.34, -27.5, 0.0, 90.0]
    assert tx["unit_price"].tolist() == [2.55, 3.39, 27.5, 0.0, 3.75]
    led = ws.ledger.set_index("table").loc["transactions"]
    assert led.revenue_from == "derived: 'Quantity' x 'UnitPrice'"
    assert (led.read, led.loaded, led.quarantined, led.returns, led.zero_value) == (6, 5, 1, 1, 1)
    assert led.revenue_read == pytest.approx(15.3 + 20.34 - 27.5 + 0 + 2.51 + 90)
    assert led.revenue_quarantined == pytest.approx(2.51)
    ledger_holds(ws)


@pytest.mark.parametrize(
    ("kind", "cells", "expected"),
    [
        ("rate", ["0.1", "", "0"], [90.0, 50.0, -20.0]),
        ("percent", ["10", "", "0"], [90.0, 50.0, -20.0]),
        ("amount", ["10", "", "0"], [90.0, 50.0, -20.0]),
        ("amount", ["-10", "", "2"], [90.0, 50.0, -18.0]),  # off the absolute value
    ],
)
def test_104_discount_as_rate_percent_or_amount(tmp_path, kind, cells, expected):
    rows = [("A", 10, 10.0), ("B", 5, 10.0), ("C", -2, 10.0)]
    text = "account_id,date,quantity,unit_price,discount\n" + "".join(
        f"{a},2024-01-0{i + 1},{q},{p},{d}\n"
        for i, ((a, q, p), d) in enumerate(zip(rows, cells, strict=True))
    )
    ws = load_workspace(
        make(tmp_path, {"transactions.csv": text}, f'[tables.transactions]\ndiscount = "{kind}"\n')
    )
    assert ws.transactions["revenue"].tolist() == expected
    assert ws.ledger.loc[0, "revenue_from"] == (
        f"derived: 'quantity' x 'unit_price' less 'discount' (discount = '{kind}')"
    )
    ledger_holds(ws)


def test_104_derived_revenue_errors_name_the_column_and_the_setting(tmp_path):
    text = (
        "account_id,date,quantity,unit_price,discount\n"
        "A,2024-01-01,2,,0.1\n"  # no unit price
        "A,2024-01-02,2,5,15\n"  # a rate of 15
        "A,2024-01-03,1,5,0.1\n"  # good: a lenient load that keeps nothing is an error (case 116)
    )
    make(tmp_path, {"transactions.csv": text})
    problems = problems_of(tmp_path).problems
    missing = one(problems, "missing-value")
    assert (missing.line, missing.column) == (2, "unit_price") and "derived" in missing.message
    rate = one(problems, "out-of-range")
    assert (rate.line, rate.column) == (3, "discount")
    assert 'discount = "rate"' in rate.message or "discount = 'rate'" in rate.message
    assert "percent" in rate.message
    ws = load_workspace(tmp_path, mode="lenient")
    assert ws.ledger.loc[0, "rejected"] == 2
    ledger_holds(ws)


def test_104_no_revenue_and_no_unit_price_says_how_to_derive_it(tmp_path):
    make(tmp_path, {"transactions.csv": "account_id,date,quantity\nA,2024-01-01,2\n"})
    p = one(problems_of(tmp_path).problems, "missing-column")
    assert "unit_price" in p.message


def test_104_unknown_discount_kind_is_a_config_error(tmp_path, capsys):
    make(
        tmp_path,
        {"transactions.csv": "account_id,date,revenue\n"},
        '[tables.transactions]\ndiscount = "%"\n',
    )
    with pytest.raises(ConfigError, match="discount"):
        load_workspace(tmp_path)
    assert main(["validate", str(tmp_path)]) == 78


def test_104_xlsx_float_ids_stay_whole_text(tmp_path):
    wb = openpyxl.Workbook()
    ws_ = wb.active
    ws_.append(["CustomerID", "InvoiceDate", "Quantity", "UnitPrice"])
    ws_.append([17850.0, "2010-12-01", 6, 2.55])
    ws_.append([None, "2010-12-01", 1, 2.51])
    ws_.append([13047.0, "2010-12-02", 2, 1.5])
    wb.save(tmp_path / "retail.xlsx")
    make(
        tmp_path,
        {},
        '[tables.transactions]\nfile = "retail.xlsx"\n[tables.transactions.columns]\n'
        'account_id = "CustomerID"\ndate = "InvoiceDate"\nquantity = "Quantity"\n'
        'unit_price = "UnitPrice"\n',
    )
    ws = load_workspace(tmp_path)
    assert ws.transactions["account_id"].tolist() == ["17850", "13047"]
    assert ws.accounts["account_id"].tolist() == ["13047", "17850"]
    ledger_holds(ws)


def test_104_large_path_derives_the_same(tmp_path):
    ws_small = load_workspace(make(tmp_path, {"retail.csv": RETAIL}, RETAIL_TOML), large=False)
    ws_large = load_workspace(tmp_path, large=True)
    pd.testing.assert_frame_equal(ws_small.transactions, ws_large.transactions)
    pd.testing.assert_frame_equal(ws_small.ledger, ws_large.ledger)
    pd.testing.assert_frame_equal(ws_small.problems, ws_large.problems)
    pd.testing.assert_frame_equal(ws_small.set_aside, ws_large.set_aside)
    pd.testing.assert_frame_equal(ws_small.accounts, ws_large.accounts)


# ---------------------------------------------------------------- 105-107. whitespace, fixed width

CDNOW_TOML = (
    '[tables.transactions]\nfile = "cdnow.txt"\ndelimiter = "whitespace"\n'
    'names = ["customer", "day", "cds", "amount"]\ndate_format = "%Y%m%d"\n'
    "[tables.transactions.columns]\n"
    'account_id = "customer"\ndate = "day"\nquantity = "cds"\nrevenue = "amount"\n'
)


def test_105_whitespace_separated_yyyymmdd_without_header(tmp_path):
    text = " 00001 19970101  1   11.77\n 00002 19970112\t1  12.00\n\n 00002 19970113  5   77.00\n"
    ws = load_workspace(make(tmp_path, {"cdnow.txt": text}, CDNOW_TOML))
    tx = ws.transactions
    assert tx["account_id"].tolist() == ["00001", "00002", "00002"]  # leading zeros kept
    assert tx["date"].dt.strftime("%Y-%m-%d").tolist() == ["1997-01-01", "1997-01-12", "1997-01-13"]
    assert tx["revenue"].tolist() == [11.77, 12.0, 77.0]
    assert ws.ledger.loc[0, "read"] == 3
    ledger_holds(ws)


def test_105_whitespace_with_header_quotes_and_errors_naming_the_setting(tmp_path):
    text = (
        "account_id  date        revenue  account_name\n"
        'A1          2024-01-01  10       "Acme ""Best"" Ltd"\n'
        "A2          2024-01-02  5        Bolt Ltd\n"  # unquoted blank: one cell too many
    )
    make(tmp_path, {"transactions.csv": text}, '[defaults]\ndelimiter = "whitespace"\n')
    p = one(problems_of(tmp_path).problems, "extra-cell")
    assert (p.file, p.line, p.column) == ("transactions.csv", 3, "#5")
    assert 'delimiter = "whitespace"' in p.message and "quotes" in p.message
    ws = load_workspace(tmp_path, mode="lenient")
    assert ws.transactions["account_name"].tolist() == ['Acme "Best" Ltd']
    ledger_holds(ws)


def test_105_whitespace_bad_quote_names_the_line(tmp_path):
    make(
        tmp_path,
        {"transactions.csv": 'account_id date revenue\nA1 2024-01-01 "10\n'},
        '[defaults]\ndelimiter = "whitespace"\n',
    )
    p = one(problems_of(tmp_path).problems, "bad-quote")
    assert p.line == 2 and "whitespace" in p.message


def test_106_fixed_width_with_declared_widths(tmp_path):
    text = (
        "C0001 2024-01-0100012.50\n"
        "C0002 2024-01-02   -3.00\n"
        "\n"
        "C0003 2024-13-01    1.00\n"  # bad date: named by file, line and column
        "C0004 2024-01-04    2.00 EXTRA\n"
    )
    toml = (
        '[tables.transactions]\nfile = "fixed.dat"\nwidths = [6, 10, 8]\n'
        'names = ["id", "day", "amount"]\n'
        '[tables.transactions.columns]\naccount_id = "id"\ndate = "day"\nrevenue = "amount"\n'
    )
    make(tmp_path, {"fixed.dat": text}, toml)
    err = problems_of(tmp_path)
    bad_date = one(err.problems, "invalid-date")
    assert (bad_date.file, bad_date.line, bad_date.column) == ("fixed.dat", 4, "day")
    extra = one(err.problems, "extra-cell")
    assert extra.line == 5 and "widths = [6, 10, 8]" in extra.message
    ws = load_workspace(tmp_path, mode="lenient")
    assert ws.transactions["revenue"].tolist() == [12.5, -3.0]
    assert ws.transactions["account_id"].tolist() == ["C0001", "C0002"]
    ledger_holds(ws)


def test_106_fixed_width_header_line_and_short_lines(tmp_path):
    text = "ACCOUNT_IDDATE      REVENUE\nA         2024-01-0110\nB         2024-01-02\n"
    toml = '[tables.transactions]\nfile = "f.txt"\nwidths = [10, 10, 7]\n'
    make(tmp_path, {"f.txt": text}, toml)
    p = one(problems_of(tmp_path).problems, "missing-value")  # B has no revenue: blank cell
    assert (p.line, p.column) == (3, "REVENUE")
    ws = load_workspace(tmp_path, mode="lenient")
    assert ws.transactions["revenue"].tolist() == [10.0]


@pytest.mark.parametrize("delimiter", ["||", "", "tab", '"'])
def test_107_unusable_delimiter_is_a_config_error_exit_78(tmp_path, capsys, delimiter):
    make(
        tmp_path,
        {"transactions.csv": "account_id,date,revenue\n"},
        f"[defaults]\ndelimiter = '{delimiter}'\n",
    )
    assert main(["validate", str(tmp_path)]) == 78
    assert "delimiter" in capsys.readouterr().err


def test_107_widths_and_names_must_agree(tmp_path):
    make(
        tmp_path,
        {"f.txt": "x\n"},
        '[tables.transactions]\nfile = "f.txt"\nwidths = [1, 2]\nnames = ["a"]\n',
    )
    with pytest.raises(ConfigError, match="widths"):
        load_workspace(tmp_path)


# ---------------------------------------------------------------- 108. zero-value lines


def test_108_zero_value_lines_are_counted_and_listed(tmp_path):
    text = "account_id,date,revenue\nA,2024-01-01,10\nA,2024-01-02,0\nB,2024-01-03,0.00\n,2024-01-04,0\n"
    ws = load_workspace(make(tmp_path, {"transactions.csv": text}))
    assert (
        ws.ledger.loc[0, "zero_value"] == 2
    )  # the unassigned zero line is quarantined, not counted
    found = ws.problems.query("code == 'zero-value'")
    assert found["line"].tolist() == [3, 4] and set(found["severity"]) == {"warning"}
    assert len(ws.transactions) == 3
    ledger_holds(ws)


# ---------------------------------------------------------------- 109. set-aside lines, summary


def test_109_set_aside_lists_every_quarantine_with_amount_and_share(tmp_path):
    make(
        tmp_path,
        {
            "transactions.csv": "account_id,date,revenue,quantity\n"
            "A,2024-01-01,60,1\n,2024-01-02,25,1\nZ,2024-01-03,10,1\nA,2024-01-04,5,-1\n",
            "accounts.csv": "account_id,name\nA,Acme\n",
            "contacts.csv": "contact_id,account_id,name\nK1,A,Kim\nK2,Q,Lee\n",
        },
    )
    ws = load_workspace(tmp_path)
    rows = ws.set_aside.set_index(["table", "rule"])
    assert rows.loc[("transactions", "unassigned"), ["lines", "revenue", "share"]].tolist() == [
        1,
        25.0,
        0.25,
    ]
    assert rows.loc[("transactions", "orphan-account"), "revenue"] == 10.0
    assert rows.loc[("transactions", "sign-conflict"), "share"] == pytest.approx(0.05)
    assert rows.loc[("contacts", "orphan-account"), "lines"] == 1
    assert pd.isna(rows.loc[("contacts", "orphan-account"), "revenue"])
    tx_rows = ws.set_aside[ws.set_aside["table"] == "transactions"]
    assert tx_rows["revenue"].sum() == ws.ledger.loc[0, "revenue_quarantined"]
    assert main(["summary", str(tmp_path)]) == 0


def test_109_kam_summary_shows_the_unassigned_revenue(tmp_path, capsys):
    ws = make(tmp_path, {"retail.csv": RETAIL}, RETAIL_TOML)
    assert main(["summary", str(ws)]) == 0
    out = capsys.readouterr().out
    assert "Set aside, not in the figures above:" in out
    line = next(s for s in out.splitlines() if "unassigned" in s)
    assert "1 line(s)" in line and "2.51" in line and "2.5% of revenue read" in line
    assert "Zero-value lines (kept, revenue 0): 1." in out
    assert "derived: 'Quantity' x 'UnitPrice'" in out


def test_109_summary_of_a_clean_workspace_says_nothing_was_set_aside(capsys):
    assert main(["summary", str(ROOT / "data" / "sample")]) == 0
    assert "Set aside: nothing" in capsys.readouterr().out


# ---------------------------------------------------------------- 110. header case and blanks


def test_110_headers_match_ignoring_case_and_blanks(tmp_path):
    text = (
        "Account_ID, DATE ,Revenue,Quantity, COST ,Currency\n"
        "A1,2024-01-01,100,2,60,EUR\nA1,2024-01-02,50,1,20,EUR\n"
    )
    ws = load_workspace(make(tmp_path, {"transactions.csv": text}))
    tx = ws.transactions
    assert tx["currency"].tolist() == ["EUR", "EUR"]  # currency no longer lost to its case
    assert tx["cost"].tolist() == [60.0, 20.0] and tx["quantity"].tolist() == [2.0, 1.0]
    ledger_holds(ws)


def test_110_mapping_matches_ignoring_case_and_blanks(tmp_path):
    text = "customer id,Order Date,SALES\nA1,2024-01-01,100\n"
    toml = (
        "[tables.transactions.columns]\n"
        'account_id = "Customer ID"\ndate = "order date"\nrevenue = "Sales"\n'
    )
    ws = load_workspace(make(tmp_path, {"transactions.csv": text}, toml))
    assert ws.transactions["revenue"].tolist() == [100.0]


def test_110_two_headers_matching_one_name_are_an_error(tmp_path):
    text = "account_id,date,Revenue,REVENUE \nA1,2024-01-01,100,90\n"
    make(tmp_path, {"transactions.csv": text})
    p = one(problems_of(tmp_path).problems, "header-collision")
    assert (p.file, p.line) == ("transactions.csv", 1)
    assert "'Revenue'" in p.message and "'REVENUE'" in p.message and "kam.toml" in p.message
    # an exact name wins, with a warning
    make(tmp_path, {"transactions.csv": "account_id,date,revenue,Revenue\nA1,2024-01-01,100,90\n"})
    ws = load_workspace(tmp_path)
    assert ws.transactions["revenue"].tolist() == [100.0]
    assert ws.problems.query("code == 'header-collision'")["severity"].tolist() == ["warning"]


# ---------------------------------------------------------------- 111. errors name the setting


def test_111_date_error_names_date_format_and_suggests_one(tmp_path):
    make(tmp_path, {"transactions.csv": "account_id,date,revenue\nA,19970101,1\nA,19970102,2\n"})
    p = one(problems_of(tmp_path).problems, "invalid-date")
    assert "date_format = 'auto'" in p.message and 'date_format = "%Y%m%d"' in p.message
    assert p.excerpt == "19970101"
    make(tmp_path, {"transactions.csv": "account_id,date,revenue\nA,12/1/2010 8:26,1\n"})
    p = one(problems_of(tmp_path).problems, "invalid-date")
    assert "%m/%d/%Y %H:%M" in p.message and "%d/%m/%Y %H:%M" in p.message
    assert "day and month" in p.message


def test_111_number_error_names_decimal_and_thousands(tmp_path):
    make(tmp_path, {"transactions.csv": "account_id,date,revenue\nA,2024-01-01,12x\n"})
    p = one(problems_of(tmp_path).problems, "type-error")
    assert "decimal = '.'" in p.message and "thousands = ''" in p.message
    make(
        tmp_path,
        {"transactions.csv": "account_id;date;revenue\nA;2024-01-01;1.234\n"},
        '[defaults]\ndelimiter = ";"\ndecimal = ","\n',
    )
    p = one(problems_of(tmp_path).problems, "ambiguous-number")
    assert "thousands = '.'" in p.message and "decimal = '.'" in p.message


def test_111_encoding_error_names_encoding(tmp_path):
    (tmp_path / "transactions.csv").write_bytes(
        b"account_id,date,revenue\n" + "Ромашка,2024-01-01,1\n".encode("cp1251")
    )
    p = one(problems_of(tmp_path).problems, "encoding-error")
    assert "encoding = 'utf-8'" in p.message


def test_111_cell_count_errors_name_delimiter(tmp_path):
    make(
        tmp_path, {"transactions.csv": "account_id,date,revenue\nA,2024-01-01,1,5\nB,2024-01-01\n"}
    )
    problems = problems_of(tmp_path).problems
    assert "delimiter = ','" in one(problems, "extra-cell").message
    assert "delimiter = ','" in one(problems, "missing-cell").message


def test_111_strict_mode_points_to_a_problems_file_only_when_one_was_written(tmp_path, capsys):
    rows = "".join(f"A,2024-01-{d % 28 + 1:02d},x{d}\n" for d in range(60))
    make(tmp_path, {"transactions.csv": "account_id,date,revenue\n" + rows})
    err = problems_of(tmp_path)
    assert "problems file" not in str(err) and "--problems" in str(err)
    out = tmp_path / "out" / "problems.csv"
    err = problems_of(tmp_path, problems_file=out)
    assert f"all of them are in {out}" in str(err)
    assert len(pd.read_csv(out)) == 60
    assert main(["validate", str(tmp_path), "--problems", str(tmp_path / "p.csv")]) == 65
    assert (tmp_path / "p.csv").is_file()


def test_111_negative_margin_names_the_column_it_used(tmp_path):
    make(
        tmp_path,
        {"transactions.csv": "account_id,date,Sales,Profit\nA,2024-01-01,100,-30\n"},
        '[tables.transactions.columns]\nrevenue = "Sales"\ngross_profit = "Profit"\n',
    )
    ws = load_workspace(tmp_path)
    p = ws.problems.query("code == 'negative-margin'").iloc[0]
    assert p["column"] == "Profit" and "cost" not in p["message"]
    make(
        tmp_path, {"transactions.csv": "account_id,date,revenue,Cost\nA,2024-01-01,100,130\n"}, " "
    )
    p = load_workspace(tmp_path).problems.query("code == 'negative-margin'").iloc[0]
    assert p["column"] == "Cost"


# ---------------------------------------------------------------- 112. account attributes


def test_112_region_manager_industry_from_the_transactions(tmp_path):
    text = (
        "account_id,date,revenue,region,manager,industry\n"
        "A,2023-01-01,10,North,Ann,Food\n"
        "A,2024-06-01,10,South,Bob,Food\n"  # most recent: South, Bob
        "B,2023-03-01,10,West,Cid,\n"
        "B,2023-03-01,10,East,Cid,\n"
        "B,2023-03-01,10,East,Cid,Retail\n"  # same date: the more frequent East
    )
    ws = load_workspace(make(tmp_path, {"transactions.csv": text}))
    acc = ws.accounts.set_index("account_id")
    assert acc.loc["A", ["region", "manager", "industry"]].tolist() == ["South", "Bob", "Food"]
    assert acc.loc["B", ["region", "manager", "industry"]].tolist() == ["East", "Cid", "Retail"]
    assert ws.derived == ("accounts", "accounts.region", "accounts.manager", "accounts.industry")
    # row order does not matter
    lines = text.splitlines()
    make(tmp_path, {"transactions.csv": "\n".join([lines[0], *reversed(lines[1:])]) + "\n"})
    pd.testing.assert_frame_equal(load_workspace(tmp_path).accounts, ws.accounts)


def test_112_the_accounts_table_wins_and_blanks_are_filled(tmp_path):
    make(
        tmp_path,
        {
            "transactions.csv": "account_id,date,revenue,region\n"
            "A,2024-01-01,10,South\nB,2024-01-01,10,East\n",
            "accounts.csv": "account_id,region\nA,North\nB,\n",
        },
    )
    acc = load_workspace(tmp_path).accounts.set_index("account_id")
    assert acc["region"].tolist() == ["North", "East"]


def test_112_lost_clients_by_region_use_the_transactions_region(tmp_path):
    rows = "".join(
        f"{a},2023-{m:02d}-15,100,{r}\n"
        for a, r, last in (("A", "North", 12), ("B", "South", 3), ("C", "South", 2))
        for m in range(1, last + 1)
    )
    ws = load_workspace(
        make(tmp_path, {"transactions.csv": "account_id,date,revenue,region\n" + rows})
    )
    status = client_status(ws.transactions, as_of=pd.Timestamp("2023-12-31"))
    by_region = losses(status, ws.accounts, by="region")
    lost = by_region.set_index("region")["clients"]
    assert "unknown" not in lost.index and lost["South"] == 2


# ---------------------------------------------------------------- 113. the sample is unchanged


def test_113_sample_ledger_is_unchanged():
    ws = load_workspace(ROOT / "data" / "sample")
    tx = ws.ledger.set_index("table").loc["transactions"]
    assert (tx.read, tx.loaded, tx.rejected, tx.quarantined, tx.returns) == (
        27459,
        27459,
        0,
        0,
        211,
    )
    assert tx.revenue_read == pytest.approx(87569988.33, abs=0.005)
    assert tx.returns_revenue == pytest.approx(-232472.16, abs=0.005)
    assert (tx.zero_value, tx.revenue_from) == (0, "column 'revenue'")
    assert ws.set_aside.empty and ws.derived == () and ws.problems.empty


# ---------------------------------------------------------------- 114. the tutorial, run


def _toml_blocks(text: str) -> dict[str, str]:
    """The kam.toml blocks of the tutorial, by the example folder named in the line above."""
    found = re.findall(r"`docs/examples/([\w-]+)/kam\.toml`:\n\n```toml\n(.*?)```", text, re.S)
    return dict(found)


def test_114_tutorial_kam_toml_blocks_are_the_committed_files():
    blocks = _toml_blocks(TUTORIAL.read_text(encoding="utf-8"))
    assert set(blocks) == {"online-retail", "cdnow"}
    for name, block in blocks.items():
        assert (EXAMPLES / name / "kam.toml").read_text(encoding="utf-8") == block


@pytest.fixture
def examples(tmp_path):
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    return tmp_path / "examples"


def test_114_tutorial_online_retail(examples, capsys):
    ws_path = examples / "online-retail"
    assert main(["validate", str(ws_path)]) == 0
    out = capsys.readouterr().out
    assert "derived: 'Quantity' x 'UnitPrice'" in out and "unassigned (quarantine)" in out
    ws = load_workspace(ws_path)
    ledger_holds(ws)
    assert ws.ledger.loc[0, "returns"] > 0 and ws.ledger.loc[0, "zero_value"] > 0
    assert not ws.transactions["account_id"].str.contains(r"\.").any()
    assert "unknown" not in set(ws.accounts["region"].fillna("unknown"))
    assert main(["summary", str(ws_path)]) == 0
    assert "unassigned" in capsys.readouterr().out
    out_dir = examples / "reports"
    code = main(
        [
            "render",
            str(ws_path),
            "--out",
            str(out_dir),
            "--accounts",
            "17850",
            "--notebooks",
            "client_analysis",
            "--workers",
            "1",
        ]
    )
    assert code == 0, capsys.readouterr().err
    published = list((out_dir / "published").rglob("*.html"))
    assert published and "17850" in published[0].read_text(encoding="utf-8")


def test_114_tutorial_cdnow(examples, capsys):
    ws_path = examples / "cdnow"
    assert main(["validate", str(ws_path)]) == 0
    assert "zero-value (warning): 2" in capsys.readouterr().out
    ws = load_workspace(ws_path)
    ledger_holds(ws)
    assert ws.transactions["account_id"].str.fullmatch(r"\d{5}").all()
    assert ws.transactions["date"].dt.year.agg(["min", "max"]).tolist() == [1997, 1998]
    assert main(["summary", str(ws_path)]) == 0


def test_105_a_headerless_blank_separated_file_gets_both_hints(tmp_path):
    make(tmp_path, {"transactions.txt": " 00001 19970101  1   11.77\n"})
    p = one(problems_of(tmp_path).problems, "missing-column")
    assert 'delimiter = "whitespace"' in p.message and "names = [...]" in p.message


def test_107_config_docstring_examples_are_valid_toml():
    import tomllib

    import kamlib.load.config

    doc = kamlib.load.config.__doc__
    blocks = re.findall(r"::\n\n((?:    .*\n|\n)+)", doc)
    assert len(blocks) == 3
    for block in blocks:
        tomllib.loads("\n".join(line[4:] for line in block.splitlines()))


_CELL = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
    min_size=1,
    max_size=12,
).filter(lambda v: v.strip() != "")
_GAP = st.text(alphabet=" \t", min_size=1, max_size=4)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(_CELL, _GAP, st.booleans()), min_size=1, max_size=8))
def test_105_whitespace_cells_round_trip(tmp_path, rows):
    """Property: any text, quoted ("" for a quote) or bare when it can be, comes back as written."""

    def cell(value, bare):
        if bare and not any(c in value for c in ' \t"'):
            return value
        return '"' + value.replace('"', '""') + '"'

    text = "account_id date revenue account_name\n" + "".join(
        f"A{i}{gap}2024-01-01{gap}1{gap}{cell(value, bare)}{gap}\n"
        for i, (value, gap, bare) in enumerate(rows)
    )
    make(tmp_path, {"transactions.csv": text}, '[defaults]\ndelimiter = "whitespace"\n')
    ws = load_workspace(tmp_path)
    assert ws.transactions["account_name"].tolist() == [v for v, _, _ in rows]

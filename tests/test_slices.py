"""Account reports from a slice (issue 16): the account's own lines and the portfolio results.

- the run cache stores each rendered account's transaction lines; ``cache.workspace(path,
  account=...)`` returns them inside a run (every other table whole) and the whole workspace
  anywhere else; ``cache.portfolio`` of a slice gives the whole workspace's results;
- what the account notebooks need from other accounts comes precomputed: the purchases
  cross-sell compares with (``product_purchases``) and the cost coverage of the missing-data
  line (``cost_coverage``), the same on the slice as computed on all the lines;
- the contract: the sample's account reports rendered from slices equal the reports rendered
  without the run cache, for a large and a small client, an account whose only record is in the
  accounts table and a key-group member.
"""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import kamlib.run.cache as cache
from kamlib.account.plan import cross_sell, development_plan, product_purchases
from kamlib.errors import EXIT_OK, ArgumentError
from kamlib.load.workspace import load_workspace, resolve_workspace
from kamlib.run.render import render
from kamlib.words.missing import cost_coverage, missing_data

#: a large client, a small one, a lost one, a key-group member (G02), no transaction at all
ACCOUNTS = ["C0027", "C0112", "C0009", "C0040", "C0093"]


@pytest.fixture(scope="module")
def sample():
    return load_workspace(resolve_workspace(""))


@pytest.fixture
def sliced(sample, tmp_path, monkeypatch):
    folder = cache.prepare(sample, tmp_path / "cache", accounts=ACCOUNTS)
    monkeypatch.setenv(cache.ENV_VAR, str(folder))
    return folder


def test_a_slice_holds_the_account_s_lines_and_every_other_table(sample, sliced):
    for account in ACCOUNTS[:-1]:
        ws = cache.workspace("", account=account)
        tx = sample.transactions
        assert_frame_equal(ws.transactions, tx[tx["account_id"] == account])
        assert getattr(ws, cache.SLICE_ATTRIBUTE) == account
        for table in ("accounts", "contacts", "meetings", "targets", "invoices"):
            assert_frame_equal(getattr(ws, table), getattr(sample, table))
        assert ws.as_of == sample.as_of and ws.has("transactions")
    # an account without lines (in the accounts table only) gets the whole workspace
    assert len(cache.workspace("", account="C0093").transactions) == len(sample.transactions)


def test_the_slices_are_files_of_the_cache_folder_and_may_be_missing(sample, sliced):
    # the dask path ships the folder's files (kamlib/run/cluster.py), not its subfolders
    assert all(p.is_file() for p in sliced.iterdir())
    assert len(list(sliced.glob("slice-*.pkl"))) == len(ACCOUNTS) - 1  # C0093 has no line
    for path in sliced.glob("slice-*.pkl"):
        path.unlink()
    assert len(cache.workspace("", account="C0027").transactions) == len(sample.transactions)


def test_the_slice_s_portfolio_results_are_the_whole_workspace_s(sample, sliced):
    ws = cache.workspace("", account="C0027")
    got, whole = cache.portfolio(ws), cache.compute_portfolio(sample)
    for name in ("abc_xyz", "client_types", "client_status", "purchases"):
        assert_frame_equal(getattr(got, name), getattr(whole, name))
    assert len(got.abc_xyz) > 100
    earlier = cache.portfolio(ws, as_of="2025-06-30")  # not cached: from the whole workspace
    assert_frame_equal(earlier.abc_xyz, cache.compute_portfolio(sample, as_of="2025-06-30").abc_xyz)


def test_without_a_slice_the_whole_workspace(sample, sliced, tmp_path, monkeypatch):
    assert len(cache.workspace("", account="C9999").transactions) == len(sample.transactions)
    assert len(cache.workspace("").transactions) == len(sample.transactions)
    plain = cache.prepare(sample, tmp_path / "plain")  # a run without accounts: no slices
    monkeypatch.setenv(cache.ENV_VAR, str(plain))
    assert len(cache.workspace("", account="C0027").transactions) == len(sample.transactions)
    monkeypatch.delenv(cache.ENV_VAR)  # JupyterLab: the whole workspace
    assert len(cache.workspace("", account="C0027").transactions) == len(sample.transactions)


def test_cross_sell_from_the_account_s_lines_and_the_portfolio_s_purchases(sample):
    tx, as_of = sample.transactions, sample.as_of
    own = tx[tx["account_id"] == "C0027"]
    bought = product_purchases(tx, as_of=as_of)
    for similar_by in ("industry", "class"):
        options = {"accounts": sample.accounts, "products": sample.products, "as_of": as_of}
        options["similar_by"] = similar_by
        options["classes"] = cache.compute_portfolio(sample).cells
        whole = cross_sell("C0027", transactions=tx, **options)
        assert len(whole) and whole.attrs["room"] > 0
        assert_frame_equal(
            cross_sell("C0027", transactions=own, purchases=bought, **options), whole
        )
        assert (
            whole.attrs == cross_sell("C0027", transactions=own, purchases=bought, **options).attrs
        )
    plan = development_plan(
        "C0027", transactions=own, accounts=sample.accounts, as_of=as_of, purchases=bought
    )
    assert_frame_equal(
        plan.cross_sell,
        development_plan(
            "C0027", transactions=tx, accounts=sample.accounts, as_of=as_of
        ).cross_sell,
    )


def test_purchases_of_another_window_are_refused(sample):
    bought = product_purchases(sample.transactions, as_of="2025-06-30")
    with pytest.raises(ArgumentError, match="purchases"):
        cross_sell(
            "C0027",
            transactions=sample.transactions,
            accounts=sample.accounts,
            as_of=sample.as_of,
            purchases=bought,
        )


def test_the_missing_data_line_from_the_portfolio_s_cost_coverage():
    tx = pd.DataFrame(
        {"account_id": ["A", "B"], "revenue": [30.0, 10.0], "gross_profit": [5.0, None]}
    )
    own = tx.iloc[:1]  # A's lines: every one has a cost
    tables = ["transactions", "cost_to_serve"]
    whole = missing_data(transactions=tx, tables=tables)
    assert whole == [
        "no cost on lines worth 25.0 % of revenue (their clients' gross profit and "
        "contribution stay unknown until those lines have a cost)"
    ]
    assert missing_data(transactions=own, tables=tables) == []
    assert missing_data(transactions=own, tables=tables, coverage=cost_coverage(tx)) == whole
    no_cost = tx.drop(columns="gross_profit")
    assert missing_data(transactions=own, tables=tables, coverage=cost_coverage(no_cost)) == (
        missing_data(transactions=no_cost, tables=tables)
    )


# --------------------------------------------------------------------------- the contract


def _pages(result) -> dict[tuple, str]:
    run_id = result.manifest["run_id"]
    return {
        (e["account_id"], e["notebook"]): (result.out / e["path"])
        .read_text(encoding="utf-8")
        .replace(run_id, "RUN")
        for e in result.manifest["reports"]
        if e["path"]
    }


@pytest.mark.slow
def test_reports_from_slices_equal_reports_from_the_whole_workspace(sample, tmp_path):
    notebooks = {
        n: resolve_workspace("").parents[1] / "notebooks" / f"{n}.ipynb"
        for n in ("annual_meeting", "development_plan")
    }
    options = {"accounts": ACCOUNTS, "workers": 2, "progress": False, "notebooks": notebooks}
    sliced = render(sample, tmp_path / "sliced", **options)
    whole = render(sample, tmp_path / "whole", run_cache=False, **options)
    assert sliced.exit_code == whole.exit_code == EXIT_OK
    got, expected = _pages(sliced), _pages(whole)
    assert len(got) == 2 * len(ACCOUNTS) and got.keys() == expected.keys()
    for key, page in got.items():
        assert page == expected[key], f"{key}: the report from the slice differs"

"""Fixtures and options shared by the whole test suite.

Fixtures
--------
``sample_folder``
    The bundled sample workspace (``data/sample`` in a checkout; see data/README.md).
``sample_workspace``
    That workspace loaded once per test session (once per xdist worker). It is shared: treat
    its frames as read-only and copy one before changing it.
``tiny_transactions``
    Eight transaction lines of three accounts, written out in full so that a reader can check
    a result by hand; a fresh copy for every test.

Options and markers
-------------------
``--fuzz`` (or the environment variable ``KAM_FUZZ=1``)
    Run the hypothesis tests that are costly per example with their full number of examples:
    the loader fuzz (docs/reliability.md case 46) tries 500 inputs instead of 100.
``slow``
    A test that takes half a minute or more (building and installing the wheel);
    ``-m "not slow"`` leaves them out of a quick run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

FUZZ_VARIABLE = "KAM_FUZZ"


def pytest_addoption(parser):
    parser.addoption(
        "--fuzz",
        action="store_true",
        default=False,
        help=f"run the costly hypothesis tests with all their examples (also {FUZZ_VARIABLE}=1)",
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: takes half a minute or more (the wheel build); -m 'not slow' skips it"
    )
    if config.getoption("--fuzz"):
        # read by the test modules when they are imported (and inherited by xdist workers)
        os.environ[FUZZ_VARIABLE] = "1"


@pytest.fixture(scope="session")
def sample_folder() -> Path:
    from kamlib.bundled import sample_folder

    folder = sample_folder()
    if not (folder / "transactions.csv").is_file():
        pytest.fail(f"the sample workspace is missing in {folder}: run `make sample`")
    return folder


@pytest.fixture(scope="session")
def sample_workspace(sample_folder):
    from kamlib.load.workspace import load_workspace

    return load_workspace(sample_folder)


@pytest.fixture
def tiny_transactions() -> pd.DataFrame:
    """A steady client A (monthly), a client B with a gap and a return, a one-off client C."""
    return pd.DataFrame(
        {
            "account_id": ["A", "A", "A", "A", "B", "B", "B", "C"],
            "date": pd.to_datetime(
                [
                    "2024-01-15",
                    "2024-02-15",
                    "2024-03-15",
                    "2024-04-15",
                    "2024-01-10",
                    "2024-01-20",
                    "2024-04-10",
                    "2024-03-01",
                ]
            ).as_unit("us"),
            "revenue": [100.0, 100.0, 100.0, 100.0, 60.0, -10.0, 50.0, 30.0],
            "cost": [60.0, 60.0, 60.0, 60.0, 40.0, -7.0, 35.0, 33.0],
            "quantity": [10.0, 10.0, 10.0, 10.0, 6.0, -1.0, 5.0, 3.0],
            "order_id": ["o1", "o2", "o3", "o4", "o5", "r1", "o6", "o7"],
            "product_id": ["P1", "P1", "P2", "P1", "P2", "P2", "P2", "P3"],
        }
    )

"""Where the bundled notebooks and sample portfolio are, in a wheel and in a source checkout.

A wheel carries them inside the package (``kamlib/notebooks``, ``kamlib/sample``; see
``[tool.setuptools.package-dir]`` in pyproject.toml); an editable install from a checkout finds
them at the repository's top level (``notebooks/``, ``data/sample/``), where analysts edit them.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["notebooks_folder", "sample_folder"]

_PACKAGE = Path(__file__).resolve().parent


def _first(*candidates: Path) -> Path:
    for folder in candidates:
        if folder.is_dir():
            return folder
    return candidates[-1]


def notebooks_folder() -> Path:
    """The folder of the bundled analysis notebooks.

    >>> (notebooks_folder() / "annual_meeting.ipynb").is_file()
    True
    """
    return _first(_PACKAGE / "notebooks", _PACKAGE.parent / "notebooks")


def sample_folder() -> Path:
    """The folder of the bundled sample workspace.

    >>> (sample_folder() / "transactions.csv").is_file()
    True
    """
    return _first(_PACKAGE / "sample", _PACKAGE.parent / "data" / "sample")

"""The parameters a run passes to its notebooks: names and values papermill can inject safely."""

from __future__ import annotations

import keyword
from collections.abc import Iterable, Mapping

from kamlib.errors import ArgumentError

__all__ = ["STANDARD_PARAMETERS", "validate_parameters"]

#: Parameters the run sets itself (a caller's `parameters` may not set them).
STANDARD_PARAMETERS = ("workspace", "account_id", "run_id", "interactive")


def validate_parameters(
    parameters: Mapping[str, object],
    *,
    declared: Iterable[str] | None = None,
) -> dict[str, object]:
    """Check papermill parameters: identifier names, declared by the notebook, primitive values.

    papermill checks neither names nor types: a crafted name runs code, a ``Path`` with a quote
    in it runs code, ``np.bool_(False)`` arrives as the (truthy) string ``"False"``. Only
    ``str``, ``int``, ``float``, ``bool`` and ``None`` pass; numpy scalars are converted to the
    matching Python type explicitly; everything else (``Path``, dates, ``Decimal``, containers)
    is refused - convert it to a string on purpose.

    Parameters
    ----------
    parameters : mapping
        Name to value.
    declared : iterable of str, optional
        The names the notebook declares (``papermill.inspect_notebook``); a name outside them
        (a typo) is refused.

    Returns
    -------
    dict
        The same names with plain Python values.

    Raises
    ------
    ArgumentError
        Naming the first bad parameter.

    Examples
    --------
    >>> import numpy as np
    >>> validate_parameters({"account_id": "00123", "flag": np.bool_(False), "n": np.int64(5)})
    {'account_id': '00123', 'flag': False, 'n': 5}
    >>> validate_parameters({"x = 1\\nimport os": 1})
    Traceback (most recent call last):
    ...
    kamlib.errors.ArgumentError: parameter name 'x = 1\\nimport os' is not a Python identifier
    """
    import numpy as np

    known = None if declared is None else set(declared)
    clean: dict[str, object] = {}
    for name, value in parameters.items():
        if not isinstance(name, str) or not name.isidentifier() or not name.isascii():
            raise ArgumentError(f"parameter name {name!r} is not a Python identifier")
        if keyword.iskeyword(name) or name.startswith("__"):
            raise ArgumentError(f"parameter name {name!r} is a Python keyword or dunder name")
        if known is not None and name not in known:
            raise ArgumentError(
                f"parameter {name!r} is not declared in the notebook's parameters cell "
                f"(declared: {', '.join(sorted(known)) or 'none'})"
            )
        if value is None or type(value) in (str, int, float, bool):
            clean[name] = value
        elif isinstance(value, np.bool_):
            clean[name] = bool(value)
        elif isinstance(value, np.integer):
            clean[name] = int(value)
        elif isinstance(value, np.floating):
            clean[name] = float(value)
        elif isinstance(value, np.str_):
            clean[name] = str(value)
        else:
            raise ArgumentError(
                f"parameter {name!r} has type {type(value).__name__}; only str, int, float, "
                "bool and None are passed to notebooks (convert it explicitly)"
            )
    return clean

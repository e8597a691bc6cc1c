"""The parameters a run passes to its notebooks: names and values papermill can inject safely."""

from __future__ import annotations

import keyword
from collections.abc import Iterable, Mapping

from kamlib.errors import ArgumentError

__all__ = [
    "STANDARD_PARAMETERS",
    "VALUE_RULES",
    "DATE_PARAMETERS",
    "OWN_OPTION",
    "validate_parameters",
    "check_value",
    "resolve_parameters",
]

#: Parameters the run sets itself (a caller's `parameters` may not set them). ``lang`` is the
#: report's language (``kam render --lang``, or ``lang`` at the top of kam.toml), passed to the
#: notebooks that declare it.
STANDARD_PARAMETERS = ("workspace", "account_id", "run_id", "interactive", "lang")


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


# ---- parameters given as text: `kam render -p NAME VALUE` and kam.toml [parameters] ----------

#: Value rules by parameter name, checked after typing: (lowest, highest) for numbers, a tuple of
#: choices for text. A notebook whose default is 0 for `months` (abc_xyz: the whole history)
#: also accepts 0.
VALUE_RULES: dict[str, tuple] = {
    "months": (1, 240),
    "abc_a": (0.0, 1.0),
    "abc_b": (0.0, 1.0),
    "xyz_x": (0.0, 100.0),
    "xyz_y": (0.0, 100.0),
    "top_share": (0.0, 1.0),
    "breadwinner_share": (0.0, 1.0),
    "min_loss_share": (0.0, 1.0),
    "min_margin": (0.0, 10.0),
    "max_discount": (0.0, 1.0),
    "lost_after_days": (1, 3650),
    "at_risk_k": (0.0, 100.0),
    "validity_days": (1, 3650),
    "prep_months": (0, 120),
    "stale_days": (1, 3650),
    "zero_periods": ("from_first", "all", "drop"),
    "period": ("M", "Q", "W"),
    "measure": ("revenue", "gross_profit", "quantity"),
    "freq": ("Q", "M"),
    "by": ("product_id", "category"),
    "similar_by": ("industry", "class"),
}

#: Parameters with an option of their own (``--include-personal-details`` needs ``--purpose``):
#: neither ``-p`` nor kam.toml may set them.
OWN_OPTION = ("include_personal_details",)

#: Parameters that hold a date (``YYYY-MM-DD``; empty: the analysis date).
DATE_PARAMETERS = ("as_of", "meeting_date")

_TRUE = ("true", "yes", "1", "on")
_FALSE = ("false", "no", "0", "off")


def _typed(name: str, value: object, type_name: str, where: str) -> object:
    """`value` (text from the command line, or a TOML value) as the notebook's type."""
    import datetime as dt

    from kamlib.errors import ConfigError

    def bad(expected: str) -> ConfigError:
        return ConfigError(f"{where}: parameter {name!r} must be {expected}, got {value!r}")

    if isinstance(value, dt.date):  # a TOML date
        value = value.isoformat()
    if type_name == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise bad("true or false")
    if type_name == "int":
        if isinstance(value, bool):
            raise bad("a whole number")
        try:
            number = float(str(value).strip().replace("_", ""))
        except ValueError:
            raise bad("a whole number") from None
        if not number.is_integer():
            raise bad("a whole number")
        return int(number)
    if type_name == "float":
        if isinstance(value, bool):
            raise bad("a number")
        try:
            number = float(str(value).strip())
        except ValueError:
            raise bad("a number") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise bad("a finite number")
        return number
    if isinstance(value, bool | int | float) and type_name == "str":
        return str(value)
    if not isinstance(value, str):
        raise bad("a text")
    return value


def check_value(name: str, value: object, *, default: object = None, where: str = "") -> None:
    """Raise ConfigError when `value` is out of the range or choices of `name` (VALUE_RULES).

    Examples
    --------
    >>> check_value("months", 36)
    >>> check_value("months", 0, default=0)  # the notebook's own "whole history"
    >>> check_value("months", 0)
    Traceback (most recent call last):
    ...
    kamlib.errors.ConfigError: parameter 'months' must be between 1 and 240, got 0
    >>> check_value("as_of", "31.12.2025")
    Traceback (most recent call last):
    ...
    kamlib.errors.ConfigError: parameter 'as_of' must be a date YYYY-MM-DD (or empty), got '31.12.2025'
    """
    import datetime as dt

    from kamlib.errors import ConfigError

    prefix = f"{where}: " if where else ""
    if name in DATE_PARAMETERS:
        if value == "":
            return
        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            raise ConfigError(
                f"{prefix}parameter {name!r} must be a date YYYY-MM-DD (or empty), got {value!r}"
            ) from None
        return
    rule = VALUE_RULES.get(name)
    if rule is None:
        return
    if isinstance(rule[0], str):
        if value not in rule:
            raise ConfigError(
                f"{prefix}parameter {name!r} must be one of {', '.join(rule)}, got {value!r}"
            )
        return
    if name == "months" and value == 0 and default == 0:
        return
    low, high = rule
    if not low <= value <= high:  # type: ignore[operator]
        raise ConfigError(
            f"{prefix}parameter {name!r} must be between {low:g} and {high:g}, got {value!r}"
        )


def resolve_parameters(
    given: Iterable[tuple[str, str]] = (),
    *,
    defaults: Mapping[str, object] | None = None,
    declared: Mapping[str, Mapping[str, Mapping]],
    available: Iterable[str] = (),
) -> dict[str, object]:
    """Typed, checked notebook parameters from the command line and the workspace's defaults.

    The values of ``kam render -p NAME VALUE`` (text) and of the ``[parameters]`` table of
    ``kam.toml`` take the type of the notebooks' parameter annotations (``months: int = 12``),
    as ``papermill.inspect_notebook`` reports them, and are checked against
    :data:`VALUE_RULES`. The command line wins over ``kam.toml``; a name given twice on the
    command line takes the last value. Each notebook later receives only the names it declares.

    Parameters
    ----------
    given : iterable of (str, str)
        ``(name, text)`` pairs from the command line, in order.
    defaults : mapping, optional
        The ``[parameters]`` table of ``kam.toml`` (TOML values).
    declared : mapping
        Notebook name to ``papermill.inspect_notebook`` of the notebooks being rendered.
    available : iterable of str
        Names declared by notebooks that are not rendered this time (the bundled ones): a
        ``kam.toml`` default for one of them is not an error, it is simply not used.

    Returns
    -------
    dict
        Name to typed value, only names some rendered notebook declares.

    Raises
    ------
    kamlib.errors.ConfigError
        (exit 78) For a name no rendered notebook declares, listing the names they do, a name
        the run sets itself, a value of the wrong type, out of range, or typed differently by
        two notebooks.

    Examples
    --------
    >>> declared = {"abc_xyz": {"months": {"inferred_type_name": "int", "default": "0"},
    ...                         "abc_a": {"inferred_type_name": "float", "default": "0.80"}}}
    >>> resolve_parameters([("months", "36")], defaults={"abc_a": 0.7}, declared=declared)
    {'abc_a': 0.7, 'months': 36}
    >>> resolve_parameters([("monhts", "36")], declared=declared)
    Traceback (most recent call last):
    ...
    kamlib.errors.ConfigError: -p monhts: unknown parameter (not declared by abc_xyz); known: abc_a, months
    """
    import ast

    from kamlib.errors import ConfigError

    known: dict[str, list[tuple[str, str, object]]] = {}
    for notebook, params in declared.items():
        for name, info in params.items():
            try:
                default = ast.literal_eval(str(info.get("default")))
            except (ValueError, SyntaxError):
                default = None
            known.setdefault(name, []).append(
                (notebook, str(info.get("inferred_type_name", "str")), default)
            )
    settable = sorted(n for n in known if n not in STANDARD_PARAMETERS + OWN_OPTION)
    elsewhere = set(available) - set(known)

    def typed(name: str, value: object, where: str) -> object:
        if name == "lang":
            raise ConfigError(
                f'{where}: the report language is set by --lang, or by lang = "fr" at the top '
                "of kam.toml (before any [section]), not as a parameter"
            )
        if name in STANDARD_PARAMETERS:
            raise ConfigError(
                f"{where}: {name!r} is set by the run itself; settable: "
                f"{', '.join(settable) or 'none'}"
            )
        if name in OWN_OPTION:
            raise ConfigError(
                f"{where}: {name!r} is set only by its own option "
                "(--include-personal-details with --purpose)"
            )
        if name not in known:
            raise ConfigError(
                f"{where}: unknown parameter (not declared by {', '.join(declared)}); known: "
                f"{', '.join(settable) or 'none'}"
            )
        results = []
        for notebook, type_name, default in known[name]:
            result = _typed(name, value, type_name, f"{where} ({notebook})")
            check_value(name, result, default=default, where=f"{where} ({notebook})")
            results.append(result)
        if any(type(r) is not type(results[0]) or r != results[0] for r in results):
            raise ConfigError(f"{where}: the notebooks declare {name!r} with different types")
        return results[0]

    out: dict[str, object] = {}
    for name, value in (defaults or {}).items():
        if name in elsewhere and name not in known:
            continue  # for a notebook not rendered this time
        out[name] = typed(name, value, f"kam.toml [parameters] {name}")
    for name, text in given:
        out[name] = typed(name, text, f"-p {name}")
    for low, high in (("abc_a", "abc_b"), ("xyz_x", "xyz_y")):
        if (low in out or high in out) and low in known and high in known:
            a = out.get(low, known[low][0][2])
            b = out.get(high, known[high][0][2])
            if not (isinstance(a, int | float) and isinstance(b, int | float) and a < b):
                raise ConfigError(f"parameters: {low} ({a!r}) must be below {high} ({b!r})")
    return dict(sorted(out.items()))

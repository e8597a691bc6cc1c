"""The one exception hierarchy of kamlib, and the problem record that input errors carry."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

__all__ = [
    "KamlibError",
    "ConfigError",
    "InputError",
    "ArgumentError",
    "SetupError",
    "Problem",
    "deprecated_keyword",
    "EXIT_OK",
    "EXIT_FAILED",
    "EXIT_USAGE",
    "EXIT_INPUT",
    "EXIT_DISK_FULL",
    "EXIT_LOCKED",
    "EXIT_CONFIG",
    "BusyError",
]

#: Exit codes of the ``kam`` command (sysexits.h where one fits), documented in the README.
EXIT_OK = 0  # everything done
EXIT_FAILED = 3  # some reports failed or timed out; the others are published
EXIT_USAGE = 64  # a bad option or argument (ArgumentError)
EXIT_INPUT = 65  # bad input data (InputError)
EXIT_DISK_FULL = 74  # the output folder's disk is full (EX_IOERR); what was published stays
EXIT_LOCKED = 75  # another run holds the output folder's lock
EXIT_CONFIG = 78  # bad kam.toml (ConfigError) or machine set-up (SetupError)


@dataclass(frozen=True)
class Problem:
    """One finding about an input file.

    Parameters
    ----------
    file : str
        File name relative to the workspace.
    line : int or None
        Physical line in a text file (1 = first line, the header), or the row in a sheet.
    column : str or None
        Column as named in the file (the foreign name, before mapping).
    code : str
        Reason code, e.g. ``type-error``, ``extra-cell``, ``orphan-account``.
    message : str
        One readable sentence.
    excerpt : str
        A short excerpt of the offending value, masked for personal columns.
    severity : {"error", "quarantine", "warning"}
        ``error`` stops strict loading (lenient loading rejects the row instead); ``quarantine``
        sets a row aside by a documented rule (it is counted, never lost); ``warning`` keeps the
        row and logs the finding.

    Examples
    --------
    >>> str(Problem("tx.csv", 7, "Sales", "type-error", "not a number", "12,x"))
    "tx.csv:7 column 'Sales': not a number [type-error] (value: '12,x')"
    """

    file: str
    line: int | None
    column: str | None
    code: str
    message: str
    excerpt: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line is not None else "")
        if self.column is not None:
            where += f" column {self.column!r}"
        text = f"{where}: {self.message} [{self.code}]"
        if self.excerpt:
            text += f" (value: {self.excerpt!r})"
        return text


class KamlibError(Exception):
    """Base class of every error kamlib raises on purpose.

    ``exit_code`` is what the ``kam`` command returns when the error stops it.
    """

    exit_code = 1


class ConfigError(KamlibError):
    """The workspace configuration (``kam.toml``) is missing, malformed or inconsistent."""

    exit_code = EXIT_CONFIG


class ArgumentError(KamlibError, ValueError):
    """A function argument or a command-line option has a value kamlib cannot use.

    >>> issubclass(ArgumentError, ValueError), ArgumentError.exit_code
    (True, 64)
    """

    exit_code = EXIT_USAGE


class SetupError(KamlibError):
    """The machine lacks something a run needs (a Jupyter kernel, Chromium for PDFs)."""

    exit_code = EXIT_CONFIG


class BusyError(KamlibError):
    """Another process holds the output folder's lock (a render is running): try again later.

    >>> BusyError.exit_code
    75
    """

    exit_code = EXIT_LOCKED


class InputError(KamlibError):
    """Input data failed parsing, validation or business rules.

    ``problems`` lists every finding (all of them, not just the first), each with file, physical
    line, column, reason code and a short excerpt. `problems_file` is the file they were
    written to, when one was; the message points to it only then.
    """

    exit_code = EXIT_INPUT

    def __init__(self, problems: list[Problem], *, limit: int = 50, problems_file=None):
        self.problems = list(problems)
        self.problems_file = problems_file
        shown = [str(p) for p in self.problems[:limit]]
        more = len(self.problems) - len(shown)
        head = f"{len(self.problems)} input problem(s) found:"
        lines = [head, *("  " + s for s in shown)]
        if more > 0:
            where = (
                f"all of them are in {problems_file}"
                if problems_file is not None
                else "write all of them with kam validate WORKSPACE --problems FILE.csv"
            )
            lines.append(f"  ... and {more} more ({where})")
        elif problems_file is not None:
            lines.append(f"  (also written to {problems_file})")
        super().__init__("\n".join(lines))

    @property
    def codes(self) -> list[str]:
        """Reason codes of all problems, in order."""
        return [p.code for p in self.problems]


def deprecated_keyword(function: str, old: str, new: str, *, stacklevel: int = 3) -> None:
    """Warn that keyword `old` of `function` is deprecated in favour of `new` (for one release).

    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     deprecated_keyword("abc_xyz", "end", "`as_of`")
    >>> print(caught[0].message)
    abc_xyz(): `end` is deprecated, pass `as_of` instead
    """
    warnings.warn(
        f"{function}(): `{old}` is deprecated, pass {new} instead",
        DeprecationWarning,
        stacklevel=stacklevel,
    )

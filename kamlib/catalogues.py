"""Keeping the message catalogues: extract the English messages, update and check translations.

The messages are split by area, one template and one catalogue per language and area, so that
each file stays small enough to review: ``kamlib/locale/<area>.pot`` is extracted from the
sources of :data:`AREAS` and ``kamlib/locale/<lang>/LC_MESSAGES/<area>.po`` holds its
translations (gettext format, read by Babel, Poedit, Weblate and the other translation tools).

From the repository's top folder::

    python -m kamlib.catalogues update [AREA ...]  # re-extract; new messages untranslated, gone dropped
    python -m kamlib.catalogues check [AREA ...]   # all translated, placeholders kept; exit 1 if not

Code marks a message with ``gettext``/``_``, ``ngettext``, ``pgettext`` or ``N_``
(:mod:`kamlib.language`); a notebook's markdown cells are extracted block by block
(:func:`kamlib.language.markdown_blocks`) and its code cells like Python.
"""

from __future__ import annotations

import io
import json
import re
import string
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from kamlib.language import LANGUAGES, LOCALE_DIR, markdown_blocks

__all__ = ["AREAS", "check", "extract", "placeholders", "unassigned", "update"]

#: Source files of each area, as globs relative to the repository's top folder.
AREAS = {
    "notebooks": ["notebooks/*.ipynb"],
    "figures": [
        "kamlib/words/numbers.py",
        "kamlib/words/columns.py",
        "kamlib/words/labels.py",
        "kamlib/words/glance.py",
        "kamlib/words/settings.py",
        "kamlib/words/missing.py",
        "kamlib/plots/*.py",
        "kamlib/widgets.py",
    ],
    "portfolio": [
        f"kamlib/words/{name}.py"
        for name in (
            "abcxyz churn clients managers profitability scoring service payments contracts "
            "deals risks"
        ).split()
    ],
    "account": [
        f"kamlib/words/{name}.py"
        for name in "account dossier meeting proposal plan summary".split()
    ],
    "analyses": ["kamlib/account/*.py", "kamlib/portfolio/*.py"],
    "run": ["kamlib/run/*.py", "kamlib/report/*.py"],
}

#: The marking functions and the arguments that are messages (Babel's notation).
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "N_": None,
}

_ROOT = LOCALE_DIR.parent.parent

#: The header fields written into every catalogue. The dates are fixed so that re-extracting
#: unchanged sources changes no file (git shows the messages that changed, nothing else).
_HEADER = {
    "project": "kamlib",
    "version": "",
    "copyright_holder": "the kamlib contributors",
    "msgid_bugs_address": "",
    "last_translator": "the kamlib contributors",
    "creation_date": datetime(2026, 12, 1, tzinfo=UTC),
    "revision_date": datetime(2026, 12, 1, tzinfo=UTC),
    "fuzzy": False,
}


def _python_messages(source: str, offset: int = 0) -> Iterator[tuple]:
    from babel.messages.extract import extract

    found = extract(
        "python", io.BytesIO(source.encode()), keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    )
    for lineno, message, comments, context in found:
        yield lineno + offset, message, comments, context


def _notebook_messages(path: Path) -> Iterator[tuple]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    if notebook["metadata"].get("title"):  # the report page's <title>
        yield 1, notebook["metadata"]["title"], ["the notebook's title"], None
    cells = notebook["cells"]
    for number, cell in enumerate(cells, start=1):
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            for block in markdown_blocks(source):
                yield number, block, [], None
        elif cell["cell_type"] == "code":
            for _line, message, comments, context in _python_messages(source):
                yield number, message, comments, context


def extract(area: str, root: Path = _ROOT):
    """The English messages of one area as a Babel ``Catalog`` (the template).

    Locations are ``path:line`` for Python and ``path:cell`` for notebooks.
    """
    from babel.messages.catalog import Catalog

    template = Catalog(**_HEADER)
    for pattern in AREAS[area]:
        for path in sorted(root.glob(pattern)):
            relative = path.relative_to(root).as_posix()
            if path.suffix == ".ipynb":
                found = _notebook_messages(path)
            else:
                found = _python_messages(path.read_text(encoding="utf-8"))
            for lineno, message, comments, context in found:
                template.add(
                    message, locations=[(relative, lineno)], auto_comments=comments, context=context
                )
    return template


def _read(path: Path, locale: str | None = None):
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _write(catalog, path: Path) -> None:
    from babel.messages.pofile import write_po

    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_by_file=True, omit_header=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def update(root: Path = _ROOT, areas: list[str] | None = None) -> None:
    """Re-extract the areas' templates (all by default) and bring each language's catalogue in line."""
    from babel.messages.catalog import Catalog

    for area in areas or AREAS:
        template = extract(area, root)
        _write(template, LOCALE_DIR / f"{area}.pot")
        for lang in LANGUAGES:
            if lang == "en":
                continue
            path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{area}.po"
            catalog = Catalog(locale=lang, language_team=LANGUAGES[lang], **_HEADER)
            if path.exists():
                for message in _read(path, lang):
                    if message.id:
                        catalog[message.id] = message
            catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
            catalog.obsolete.clear()
            _write(catalog, path)


_FIELD = string.Formatter()


def placeholders(text: str) -> set[str]:
    """The ``str.format`` fields of a message, e.g. ``{"client", "amount:,.0f"}``.

    Examples
    --------
    >>> sorted(placeholders("{n} clients bought {amount} ({share})"))
    ['amount', 'n', 'share']
    """
    try:
        return {
            name + (f":{spec}" if spec else "")
            for _text, name, spec, _conv in _FIELD.parse(text)
            if name is not None
        }
    except ValueError:
        return {"<unbalanced braces>"}


def _markup(text: str) -> tuple[str, int]:
    """A markdown block's heading level and its number of backticks, which a translation keeps."""
    heading = re.match(r"#+ ", text)
    return (heading.group() if heading else "", text.count("`"))


def unassigned(root: Path = _ROOT) -> list[str]:
    """Source files that can show text to a reader but belong to no area (add them to AREAS)."""
    assigned = {path for globs in AREAS.values() for g in globs for path in root.glob(g)}
    candidates = [
        path
        for folder in ("words", "plots", "account", "portfolio", "run", "report")
        for path in (root / "kamlib" / folder).glob("*.py")
        if path.name != "__init__.py"
    ]
    return [path.relative_to(root).as_posix() for path in candidates if path not in assigned]


def check(root: Path = _ROOT, areas: list[str] | None = None) -> list[str]:
    """Every problem of the shipped catalogues, one line each (empty when all is well).

    A problem is a template message without a translation (or with a fuzzy one) in a shipped
    language, a translation whose placeholders differ from the English, a markdown heading
    level or code span that the translation lost, a missing catalogue file, or one message
    translated differently in two areas (the reports would show only one of them).
    """
    problems = [f"{name}: in no area of kamlib.catalogues.AREAS" for name in unassigned(root)]
    for area in areas or AREAS:
        template = extract(area, root)
        for lang in LANGUAGES:
            if lang == "en":
                continue
            path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{area}.po"
            if not path.exists():
                problems.append(
                    f"{path.relative_to(root)}: missing (python -m kamlib.catalogues update)"
                )
                continue
            catalog = _read(path, lang)
            for message in template:
                if not message.id:
                    continue
                where = f"{path.relative_to(root)}: {str(message.id)[:60]!r}"
                found = catalog.get(message.id, context=message.context)
                strings = () if found is None else found.string
                strings = strings if isinstance(strings, tuple) else (strings,)
                if found is None or found.fuzzy or not all(strings):
                    problems.append(f"{where}: not translated")
                    continue
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                expected = placeholders(ids[-1])
                for text in strings:
                    # a plural form may leave out the count ("one client"), never another field
                    missing = expected - placeholders(text) - ({"n"} if len(ids) > 1 else set())
                    if missing or placeholders(text) - expected:
                        problems.append(
                            f"{where}: placeholders {sorted(placeholders(text))} "
                            f"differ from the English {sorted(expected)}"
                        )
                        break
                    if _markup(ids[0]) != _markup(text):
                        problems.append(f"{where}: markdown heading or code spans differ")
                        break
    return problems + _clashes(root)


def _clashes(root: Path) -> list[str]:
    """Messages that two areas translate differently (the reports would use only one of them)."""
    problems = []
    for lang in LANGUAGES:
        seen: dict[tuple, tuple[str, object]] = {}
        for path in sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")):
            for message in _read(path, lang):
                if not message.id or not message.string or message.fuzzy:
                    continue
                key = (message.context, message.id)
                if key in seen and seen[key][1] != message.string:
                    problems.append(
                        f"{path.relative_to(root)}: {str(message.id)[:60]!r} translated "
                        f"{message.string!r} here, {seen[key][1]!r} in {seen[key][0]}"
                    )
                seen.setdefault(key, (path.name, message.string))
    return problems


def main(argv: list[str] | None = None) -> int:
    """``python -m kamlib.catalogues update|check [AREA ...]``."""
    command, *areas = argv if argv is not None else sys.argv[1:] or ["check"]
    unknown = sorted(set(areas) - set(AREAS))
    if unknown:
        print(
            f"unknown area {', '.join(unknown)}; the areas are {', '.join(AREAS)}", file=sys.stderr
        )
        return 64
    if command == "update":
        update(areas=areas)
        print(f"catalogues updated in {LOCALE_DIR}")
        return 0
    if command == "check":
        problems = check(areas=areas)
        print("\n".join(problems) or "every message is translated in every shipped language")
        return 1 if problems else 0
    print("usage: python -m kamlib.catalogues update|check [AREA ...]", file=sys.stderr)
    return 64


if __name__ == "__main__":
    raise SystemExit(main())

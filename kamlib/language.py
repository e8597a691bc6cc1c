"""The reader's language: message catalogues and the locale of every word and number.

English is the source language: every message is written in English in the code and the
notebooks, and the catalogues ``kamlib/locale/<lang>/LC_MESSAGES/*.po`` (gettext, read with
Babel) hold its translations. A message without a translation reads in English. The language is
chosen once per process (a notebook kernel, ``kam render``) with :func:`use_language`, or for a
block with :func:`language`; nothing is read before the first message is translated.

A notebook's markdown is translated block by block (blocks are separated by a blank line), so
a paragraph or a heading is one message; :func:`markdown_blocks` is the one split, used both to
extract the messages and to translate them.

Examples
--------
>>> current_language()
'en'
>>> gettext("Key clients")
'Key clients'
>>> ngettext("{n} client", "{n} clients", 2).format(n=2)
'2 clients'
"""

from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from kamlib.errors import ArgumentError

__all__ = [
    "LANGUAGES",
    "N_",
    "babel_locale",
    "current_language",
    "gettext",
    "language",
    "markdown_blocks",
    "ngettext",
    "pgettext",
    "translate_markdown",
    "use_language",
]

#: The shipped languages, by code, with their own name.
LANGUAGES = {"en": "English", "fr": "Français", "ru": "Русский", "af": "Afrikaans"}

#: Where the catalogues live: ``LOCALE_DIR / <lang> / "LC_MESSAGES" / <area>.po``.
LOCALE_DIR = Path(__file__).parent / "locale"

_state = {"lang": "en"}


def use_language(lang: str) -> None:
    """Make ``lang`` the language of every message and number format from now on.

    Parameters
    ----------
    lang : {"en", "fr", "ru", "af"}
        A language code of :data:`LANGUAGES`.

    Raises
    ------
    ArgumentError
        For a language that is not shipped, naming the shipped ones.

    Examples
    --------
    >>> use_language("xx")
    Traceback (most recent call last):
    ...
    kamlib.errors.ArgumentError: lang: 'xx' is not a shipped language; choose one of en, fr, ru, af
    """
    if lang not in LANGUAGES:
        raise ArgumentError(
            f"lang: {lang!r} is not a shipped language; choose one of {', '.join(LANGUAGES)}"
        )
    _state["lang"] = lang


def current_language() -> str:
    """The code of the language in use ("en" unless :func:`use_language` chose another)."""
    return _state["lang"]


@contextmanager
def language(lang: str) -> Iterator[str]:
    """Use ``lang`` inside a ``with`` block, then the language before it.

    Examples
    --------
    >>> with language("fr"):
    ...     current_language()
    'fr'
    >>> current_language()
    'en'
    """
    before = current_language()
    use_language(lang)
    try:
        yield lang
    finally:
        _state["lang"] = before


@cache
def _translations(lang: str) -> _gettext.NullTranslations:
    """All of ``lang``'s catalogues as one gettext translation (fuzzy and empty entries skipped)."""
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    files = sorted(folder.glob("*.po")) if lang != "en" else []
    if not files:
        return _gettext.NullTranslations()
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    merged = Catalog(locale=lang)
    for path in files:
        with path.open("rb") as handle:
            for message in read_po(handle, locale=lang):
                if message.id and message.string and not message.fuzzy:
                    merged[message.id] = message
    buffer = io.BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def gettext(message: str) -> str:
    """``message`` in the current language (the English when it has no translation).

    Placeholders are ``str.format`` names (``"{client}"``), filled after translation, so a
    translation may move them: ``gettext("Annual meeting: {client}").format(client=name)``.
    """
    return _translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for the count ``n`` (Russian has three forms)."""
    return _translations(current_language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` translated in ``context``, for one English word with two meanings.

    Examples
    --------
    >>> pgettext("client status", "lost")
    'lost'
    """
    return _translations(current_language()).pgettext(context, message)


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Mark ``message`` for the catalogues without translating it (translate where it is shown).

    For texts kept in constants and tables: ``LABELS = {"revenue": N_("Revenue")}`` and later
    ``gettext(LABELS[column])``.
    """
    return message


def babel_locale():
    """The Babel ``Locale`` of the current language, for numbers, currencies and dates."""
    from babel import Locale

    return Locale.parse(current_language())


def markdown_blocks(source: str) -> list[str]:
    """A markdown cell's blocks: the texts between blank lines, each one message.

    Examples
    --------
    >>> markdown_blocks("## Title\\n\\nFirst line\\nsecond line.\\n")
    ['## Title', 'First line\\nsecond line.']
    """
    return [block.strip() for block in source.split("\n\n") if block.strip()]


def translate_markdown(source: str) -> str:
    """A markdown cell in the current language, block by block.

    Examples
    --------
    >>> translate_markdown("## Summary\\n\\nThe brief.")
    '## Summary\\n\\nThe brief.'
    """
    return "\n\n".join(gettext(block) for block in markdown_blocks(source))

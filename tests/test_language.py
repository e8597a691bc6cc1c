"""kamlib.language: the language in use, plural forms, the fallback to English, markdown blocks.

The Russian plural forms are checked both on a made-up catalogue (tmp_path, LOCALE_DIR
monkeypatched) and on a shipped message of the run area.
"""

from __future__ import annotations

import pytest

from kamlib import language as lang_module
from kamlib.errors import ArgumentError
from kamlib.language import (
    LANGUAGES,
    current_language,
    gettext,
    language,
    ngettext,
    pgettext,
    translate_markdown,
    use_language,
)


@pytest.fixture
def demo_locale(tmp_path, monkeypatch):
    """A Russian and a French catalogue of three messages in tmp_path, read instead of kamlib's."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    for code, strings in {
        "ru": {
            ("{n} client", "{n} clients"): ("{n} клиент", "{n} клиента", "{n} клиентов"),
            "Key clients": "Ключевые клиенты",
            "## Summary": "## Итоги",
        },
        "fr": {("{n} client", "{n} clients"): ("{n} client", "{n} clients", "{n} clients")},
    }.items():
        catalog = Catalog(locale=code)
        for msgid, msgstr in strings.items():
            catalog.add(msgid, msgstr)
        catalog.add("lost", "потерян" if code == "ru" else "perdu", context="client status")
        folder = tmp_path / code / "LC_MESSAGES"
        folder.mkdir(parents=True)
        with (folder / "demo.po").open("wb") as handle:
            write_po(handle, catalog)
    monkeypatch.setattr(lang_module, "LOCALE_DIR", tmp_path)
    lang_module._translations.cache_clear()
    yield tmp_path
    lang_module._translations.cache_clear()


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1 клиент"),
        (2, "2 клиента"),
        (4, "4 клиента"),
        (5, "5 клиентов"),
        (11, "11 клиентов"),
        (12, "12 клиентов"),
        (21, "21 клиент"),
        (22, "22 клиента"),
        (25, "25 клиентов"),
        (111, "111 клиентов"),
        (0, "0 клиентов"),
    ],
)
def test_russian_has_three_plural_forms(demo_locale, n, expected):
    with language("ru"):
        assert ngettext("{n} client", "{n} clients", n).format(n=n) == expected


def test_french_singular_covers_zero_and_one(demo_locale):
    with language("fr"):
        texts = [ngettext("{n} client", "{n} clients", n).format(n=n) for n in (0, 1, 2)]
    assert texts == ["0 client", "1 client", "2 clients"]


def test_shipped_russian_plural_of_the_run_area():
    with language("ru"):
        rows = [
            ngettext("Total, all {n} rows", "Total, all {n} rows", n).format(n=n)
            for n in (1, 3, 7, 21)
        ]
    assert rows == [
        "Итого по 1 строке",
        "Итого по 3 строкам",
        "Итого по 7 строкам",
        "Итого по 21 строке",
    ]


def test_a_message_without_translation_reads_in_english(demo_locale):
    with language("ru"):
        assert gettext("Key clients") == "Ключевые клиенты"
        assert gettext("Tender") == "Tender"  # in no catalogue
        assert ngettext("{n} tender", "{n} tenders", 5).format(n=5) == "5 tenders"
        assert pgettext("client status", "lost") == "потерян"
        assert pgettext("deal status", "lost") == "lost"  # another context: not translated
    with language("af"):  # a language whose catalogue folder is empty here
        assert gettext("Key clients") == "Key clients"


def test_english_is_the_source(demo_locale):
    assert current_language() == "en"
    assert gettext("Key clients") == "Key clients"
    assert ngettext("{n} client", "{n} clients", 1).format(n=1) == "1 client"


def test_use_language_refuses_an_unknown_language_and_keeps_the_current_one():
    with language("fr"):
        with pytest.raises(
            ArgumentError, match="'de' is not a shipped language; choose one of en, fr, ru, af"
        ):
            use_language("de")
        assert current_language() == "fr"
    assert current_language() == "en"


def test_the_language_block_restores_the_language_after_an_error():
    with pytest.raises(KeyError), language("ru"):
        {}["missing"]
    assert current_language() == "en"


def test_markdown_is_translated_block_by_block(demo_locale):
    with language("ru"):
        assert translate_markdown("## Summary\n\nKey clients\n\nNot in the catalogue.") == (
            "## Итоги\n\nКлючевые клиенты\n\nNot in the catalogue."
        )


def test_every_shipped_language_has_a_babel_locale():
    for code in LANGUAGES:
        with language(code):
            assert str(lang_module.babel_locale()) == code

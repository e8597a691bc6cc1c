"""kamlib.catalogues: extracting an area, updating its catalogues, and each problem `check` finds.

Every test works on a made-up area in a temporary folder (its own sources and LOCALE_DIR), so
the shipped catalogues are never touched.
"""

from __future__ import annotations

import pytest

from kamlib import catalogues


@pytest.fixture
def area(tmp_path, monkeypatch):
    """A one-file area "demo" under tmp_path, its catalogues in tmp_path/locale, all updated."""
    source = tmp_path / "kamlib" / "demo.py"
    source.parent.mkdir()
    source.write_text(
        "from kamlib.language import gettext as _, ngettext\n"
        "TITLE = _('Key clients')\n"
        "LINE = _('Revenue of {client} fell {change}.')\n"
        "HEAD = _('## Annual meeting')\n"
        "CODE = _('Run `kam render`.')\n"
        "COUNT = ngettext('{n} client', '{n} clients', 3)\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(catalogues, "LOCALE_DIR", tmp_path / "locale")
    monkeypatch.setattr(catalogues, "AREAS", {"demo": ["kamlib/demo.py"]})
    catalogues.update(tmp_path, ["demo"])
    return tmp_path


def _translate(root, lang: str, strings: dict) -> None:
    """Fill `lang`'s demo catalogue: message id (the singular for plurals) to translation."""
    path = root / "locale" / lang / "LC_MESSAGES" / "demo.po"
    catalog = catalogues._read(path, lang)
    for message in catalog:
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key in strings:
            message.string = strings[key]
    catalogues._write(catalog, path)


GOOD = {
    "fr": {
        "Key clients": "Clients clés",
        "Revenue of {client} fell {change}.": "Le chiffre d'affaires de {client} a baissé de {change}.",
        "## Annual meeting": "## Réunion annuelle",
        "Run `kam render`.": "Lancez `kam render`.",
        "{n} client": ("{n} client", "{n} clients", "{n} clients"),
    },
    "ru": {
        "Key clients": "Ключевые клиенты",
        "Revenue of {client} fell {change}.": "Выручка {client} упала на {change}.",
        "## Annual meeting": "## Ежегодная встреча",
        "Run `kam render`.": "Запустите `kam render`.",
        "{n} client": ("{n} клиент", "{n} клиента", "{n} клиентов"),
    },
    "af": {
        "Key clients": "Sleutelkliënte",
        "Revenue of {client} fell {change}.": "Omset van {client} het met {change} gedaal.",
        "## Annual meeting": "## Jaarlikse vergadering",
        "Run `kam render`.": "Voer `kam render` uit.",
        "{n} client": ("{n} kliënt", "{n} kliënte"),
    },
}


def _all_good(root) -> None:
    for lang, strings in GOOD.items():
        _translate(root, lang, strings)


def test_update_writes_the_template_and_one_catalogue_per_language(area):
    template = (area / "locale" / "demo.pot").read_text(encoding="utf-8")
    assert 'msgid "Revenue of {client} fell {change}."' in template
    assert 'msgid_plural "{n} clients"' in template
    for lang in ("fr", "ru", "af"):
        assert (area / "locale" / lang / "LC_MESSAGES" / "demo.po").is_file()


def test_a_complete_catalogue_has_no_problem(area):
    _all_good(area)
    assert catalogues.check(area, ["demo"]) == []


def test_a_missing_translation_is_reported(area):
    _all_good(area)
    _translate(area, "ru", {"Key clients": ""})
    problems = catalogues.check(area, ["demo"])
    assert len(problems) == 1
    assert "ru/LC_MESSAGES/demo.po" in problems[0] and "'Key clients'" in problems[0]
    assert problems[0].endswith("not translated")


def test_a_missing_plural_form_is_reported(area):
    _all_good(area)
    _translate(area, "ru", {"{n} client": ("{n} клиент", "{n} клиента", "")})
    problems = catalogues.check(area, ["demo"])
    assert len(problems) == 1 and problems[0].endswith("not translated")


def test_a_placeholder_mismatch_is_reported(area):
    _all_good(area)
    _translate(
        area, "fr", {"Revenue of {client} fell {change}.": "Le CA de {clent} a baissé de {change}."}
    )
    problems = catalogues.check(area, ["demo"])
    assert len(problems) == 1
    assert "fr/LC_MESSAGES/demo.po" in problems[0]
    assert (
        "placeholders ['change', 'clent'] differ from the English ['change', 'client']"
        in problems[0]
    )


def test_a_lost_heading_mark_is_reported(area):
    _all_good(area)
    _translate(area, "af", {"## Annual meeting": "Jaarlikse vergadering"})
    problems = catalogues.check(area, ["demo"])
    assert len(problems) == 1
    assert "af/LC_MESSAGES/demo.po" in problems[0]
    assert problems[0].endswith("markdown heading or code spans differ")


def test_a_lost_code_span_is_reported(area):
    _all_good(area)
    _translate(area, "fr", {"Run `kam render`.": "Lancez kam render."})
    problems = catalogues.check(area, ["demo"])
    assert len(problems) == 1 and "code spans differ" in problems[0]


def test_a_missing_catalogue_file_is_reported(area):
    _all_good(area)
    (area / "locale" / "af" / "LC_MESSAGES" / "demo.po").unlink()
    problems = catalogues.check(area, ["demo"])
    assert problems == [
        "locale/af/LC_MESSAGES/demo.po: missing (python -m kamlib.catalogues update)"
    ]


def test_update_keeps_translations_and_drops_gone_messages(area):
    _all_good(area)
    source = area / "kamlib" / "demo.py"
    source.write_text(
        source.read_text(encoding="utf-8").replace("TITLE = _('Key clients')\n", "")
        + "NEW = _('Tender')\n",
        encoding="utf-8",
    )
    catalogues.update(area, ["demo"])
    catalog = catalogues._read(area / "locale" / "fr" / "LC_MESSAGES" / "demo.po", "fr")
    assert catalog.get("Key clients") is None
    assert catalog.get("## Annual meeting").string == "## Réunion annuelle"
    assert catalogues.check(area, ["demo"]) == [
        f"locale/{lang}/LC_MESSAGES/demo.po: 'Tender': not translated"
        for lang in ("fr", "ru", "af")
    ]


def test_the_run_area_is_complete():
    assert catalogues.check(areas=["run"]) == []


def test_main_refuses_an_unknown_area(capsys):
    assert catalogues.main(["check", "nowhere"]) == 64
    assert "unknown area nowhere" in capsys.readouterr().err

"""The portfolio report's words in French, Russian and Afrikaans (issue 12), English unchanged.

Hand-checkable: each expected sentence is the catalogue's translation with the numbers filled in,
one per plural form (Russian: 1 / 2-4 / 5-20; French and Afrikaans: 1 / more). The key-client
reasons read as words in every language, never as the rule's codes (issue 10).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from kamlib import words
from kamlib.catalogues import check
from kamlib.language import language
from kamlib.words.managers import (
    KEY_REASONS,
    STATUS_LABELS,
    key_type_text,
    manager_sentence,
    status_text,
)

LANGS = ("en", "fr", "ru", "af")
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def _pipeline(n: int) -> pd.Series:
    return pd.Series(
        {
            "open_deals": n,
            "open_value": 2000.0,
            "weighted_value": 500.0,
            "largest_value": 1000.0,
            "largest_title": "Plant",
            "largest_stage": "negotiation",
            "largest_close": pd.NaT,
            "large_deal": False,
        }
    )


def _view(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "revenue": [100.0] * n,
            "trend": [float("nan")] * n,
            "lost": 0,
            "lost_value": 0.0,
            "overdue_actions": 0,
        },
        index=pd.Index([f"M{i}" for i in range(n)], name="manager"),
    )


def _key() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "client_id": ["a", "b"],
            "revenue_share": [0.5, 0.1],
            "gp_share": [0.4, 0.1],
            "reasons": ["top_clients, image_maker", "abc_a, breadwinner, expert"],
        }
    )


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1 открытая сделка на 2\xa0000, с учётом стадии — 500."),
        (3, "3 открытые сделки на 2\xa0000, с учётом стадии — 500."),
        (5, "5 открытых сделок на 2\xa0000, с учётом стадии — 500."),
        (21, "21 открытая сделка на 2\xa0000, с учётом стадии — 500."),
    ],
)
def test_russian_has_three_plural_forms(n, expected):
    with language("ru"):
        assert words.pipeline_sentence(_pipeline(n)).startswith(expected)


@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [
        ("fr", 1, "1 responsable de compte."),
        ("fr", 2, "2 responsables de compte."),
        ("ru", 1, "1 менеджер."),
        ("ru", 2, "2 менеджера."),
        ("ru", 7, "7 менеджеров."),
        ("af", 1, "1 rekeningbestuurder."),
        ("af", 2, "2 rekeningbestuurders."),
        ("en", 1, "1 account manager."),
        ("en", 2, "2 account managers."),
    ],
)
def test_counts_take_the_plural_form_of_the_language(lang, n, expected):
    with language(lang):
        assert manager_sentence(_view(n)).startswith(expected + " ")


def test_whole_sentences_translated_with_their_placeholders():
    status = pd.DataFrame(
        {"status": ["active", "at_risk", "lost", "lost"], "annual_value": [10.0, 30.0, 100.0, 50.0]}
    )
    with language("fr"):
        assert words.status_sentence(status) == (
            "Sur 4 clients — actifs : 1, à risque : 1, perdus : 2 ; les clients perdus "
            "achetaient 150 par an, les clients à risque 30."
        )
    with language("ru"):
        assert words.status_sentence(status) == (
            "Из 4 клиентов: активных — 1, под угрозой ухода — 1, потеряно — 2; потерянные "
            "покупали на 150 в год, находящиеся под угрозой ухода — на 30."
        )
    with language("af"):
        assert words.status_sentence(status) == (
            "Van 4 kliënte: aktief 1, in gevaar 1, verlore 2; die verlore kliënte het 150 per "
            "jaar gekoop, dié in gevaar 30."
        )
    assert words.status_sentence(status) == (
        "Of 4 clients: 1 active, 1 at risk, 2 lost; the lost ones bought 150 a year, the ones at "
        "risk 30."
    )


def test_english_is_unchanged_after_another_language():
    contract = pd.DataFrame(
        {
            "contract_id": ["K1"],
            "title": ["Framework agreement"],
            "term_end": pd.to_datetime(["2026-04-02"]),
            "renewal": ["manual"],
            "notice_deadline": pd.to_datetime(["2026-01-02"]),
            "state": ["notice passed"],
            "price_review": [None],
            "next_meeting": pd.NaT,
            "notice_before_meeting": pd.array([pd.NA], dtype="boolean"),
        }
    )
    english = words.contracts_sentence(contract)
    with language("ru"):
        russian = words.contracts_sentence(contract)
    assert (
        english
        == words.contracts_sentence(contract)
        == (
            "Framework agreement ends on 2026-04-02; the next contract must be agreed by 2026-01-02. "
            "Its notice deadline has passed."
        )
    )
    assert russian == (
        "Framework agreement истекает 02.04.2026; следующий договор нужно согласовать до "
        "02.01.2026. Срок уведомления о расторжении уже прошёл."
    )


@pytest.mark.parametrize("lang", LANGS)
def test_key_client_reasons_are_words_in_every_language(lang):
    with language(lang):
        sentence = words.key_clients_sentence(_key())
        table = words.key_clients_table(_key())
        types = words.key_clients_table(pd.DataFrame({"types": ["breadwinner, image_maker"]}))
        index_cell = key_type_text(True, "top_clients, image_maker")
    shown = [sentence, *table["reasons"], *types["types"], index_cell]
    assert not [text for text in shown if SNAKE.search(text)], shown
    assert _key()["reasons"].iat[0] == "top_clients, image_maker"  # the codes stay in the frame


def test_key_client_reasons_by_hand():
    assert words.key_clients_table(_key())["reasons"].tolist() == [
        "among the top clients by revenue, image-maker",
        "revenue class A, breadwinner, expert",
    ]
    with language("fr"):
        assert key_type_text(True, "top_clients, image_maker") == (
            "parmi les premiers clients par chiffre d'affaires, client de référence"
        )
    with language("ru"):
        assert key_type_text(True, "breadwinner, perspective") == ("кормилец, перспективный клиент")
        assert status_text("at_risk") == "под угрозой ухода"
    with language("af"):
        assert key_type_text(True, "image_maker") == "beeldmaker"
        assert key_type_text(False) == "nie sleutel nie"


def test_english_labels_match_the_documented_tables():
    assert {code: key_type_text(True, code) for code in KEY_REASONS} == KEY_REASONS
    assert {code: status_text(code) for code in STATUS_LABELS} == STATUS_LABELS


def test_codes_shown_in_sentences_are_words():
    quadrants = pd.DataFrame({"quadrant": ["partner", "win interest", "not placed"]})
    prospects = pd.DataFrame(
        {"name": ["P"], "qualified": [False], "missing": ["no solvency"]},
        index=pd.Index(["P1"], name="account_id"),
    )
    payments = pd.Series({"behaviour": "slow", "days_late": 40.0})
    with language("ru"):
        assert words.quadrants_sentence(quadrants) == (
            "2 клиента размещены: партнер: 1, завоевать интерес: 1; не размещены: 1 (нет одного из "
            "значений)."
        )
        assert words.prospects_sentence(prospects).endswith(
            "Остальным чаще всего не хватает: неплатежеспособен (1)."
        )
        assert words.payment_sentence(payments).startswith(
            "Платит медленно: в среднем через 40 дней"
        )


def test_the_portfolio_catalogue_is_complete():
    assert [p for p in check(areas=["portfolio"]) if "portfolio.po" in p] == []


@pytest.mark.parametrize(
    ("lang", "at_risk", "partner"),
    [
        ("en", "at risk", "partner"),
        ("fr", "à risque", "partenaire"),
        ("ru", "под угрозой ухода", "партнер"),
        ("af", "in gevaar", "vennoot"),
    ],
)
def test_tables_show_statuses_and_quadrants_as_words(lang, at_risk, partner):
    wb = pd.DataFrame({"name": ["Beta", "Alfa"], "status": ["at_risk", "lost"]})
    quadrants = pd.DataFrame({"quadrant": ["partner"], "strategy": ["invest"]})
    with language(lang):
        shown = words.win_back_table(wb)
        placed = words.quadrants_table(quadrants)
    assert shown["status"].iat[0] == at_risk and placed["quadrant"].iat[0] == partner
    assert not shown["status"].str.contains("_").any()
    assert (
        wb["status"].tolist() == ["at_risk", "lost"] and quadrants["quadrant"].iat[0] == "partner"
    )


def test_payment_behaviour_in_the_risks_table_is_words():
    risks = pd.DataFrame({"behaviour": ["prompt", "slow", "not known"]})
    with language("ru"):
        shown = words.key_risks_table(risks)["behaviour"].tolist()
    assert shown == ["пунктуальный", "медленный", "неизвестно"]
    assert words.key_risks_table(risks)["behaviour"].tolist() == ["prompt", "slow", "not known"]


def test_perspective_counts_do_not_depend_on_the_language_of_the_reason():
    types = pd.DataFrame(
        {
            "client_id": ["n", "p"],
            "revenue": [500.0, 0.0],
            "gp_share": [1.0, float("nan")],
            "breadwinner": [True, False],
            "perspective": [True, True],
            "image_maker": [False, False],
            "expert": [False, False],
            "prospect": [False, True],
            "first_purchase": pd.to_datetime(["2025-06-01", None]),
            "perspective_reason": ["nouveau : premier achat ...", "prospect : ..."],
        }
    )
    with language("ru"):
        text = words.types_sentence(types)
    assert "2 перспективных клиента (новых: 1, 1 потенциальный клиент с большим бюджетом)" in text

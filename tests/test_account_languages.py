"""The account reports in French, Russian and Afrikaans (issue 12): the sentences of the summary,
the brief, the proposal and the plan come out translated, with the right plural forms, and the
English stays as it was."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from kamlib.account.brief import meeting_brief
from kamlib.catalogues import check
from kamlib.language import LOCALE_DIR, language
from kamlib.words.account import act_on_table, summary_figures, summary_lines
from kamlib.words.dossier import financial_sentence
from kamlib.words.meeting import actions_sentence
from kamlib.words.numbers import money, percent, signed_percent
from kamlib.words.plan import budget_sentence
from kamlib.words.proposal import argument_sentence, arguments_table, offer_sentence


def _english_patterns(lang: str) -> list[re.Pattern]:
    """Each English message of the account area whose `lang` translation differs, as a regex
    matching any text the message can produce (placeholders match anything)."""
    from babel.messages.pofile import read_po

    with (LOCALE_DIR / "account.pot").open("rb") as handle:
        template = read_po(handle)
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "account.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    patterns = []
    for message in template:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        found = catalog.get(message.id, context=message.context)
        strings = found.string if isinstance(found.string, tuple) else (found.string,)
        for english in ids:
            if english in strings or not re.search(r"[A-Za-z]", re.sub(r"\{\w+\}", "", english)):
                continue  # the same word in both languages ("Date"), or placeholders only
            parts = re.split(r"\{\w+\}", english)
            patterns.append(re.compile("(.+?)".join(re.escape(p) for p in parts), re.DOTALL))
    return patterns


def _english_left(frame: pd.DataFrame, patterns: list[re.Pattern]) -> list[str]:
    texts = [str(c) for c in frame.columns] + [str(v) for v in frame.to_numpy().ravel()]
    return [t for t in texts if any(p.fullmatch(t) for p in patterns)]


@pytest.fixture(scope="module")
def c0027(sample_workspace):
    ws = sample_workspace
    tables = {
        t: getattr(ws, t)
        for t in (
            "transactions",
            "products",
            "accounts",
            "contacts",
            "meetings",
            "actions",
            "targets",
            "tenders",
            "competitors",
            "cost_to_serve",
        )
    }
    return meeting_brief("C0027", meeting_date=ws.as_of, as_of=ws.as_of, cell="AX", **tables)


def test_every_account_message_is_translated_with_its_placeholders():
    problems = [p for p in check(areas=["account"]) if "account.po" in p]
    assert problems == []


def test_c0027_act_on_table_in_russian_has_no_english_message_left(c0027):
    english = act_on_table(c0027.summary)
    with language("ru"):
        russian = act_on_table(c0027.summary)
        value = money(1_670_000)  # numbers in the locale's format (kamlib.words.numbers)
    patterns = _english_patterns("ru")
    assert len(_english_left(english, patterns)) >= 6  # the check finds English when it is there
    assert _english_left(russian, patterns) == []
    assert list(russian.columns) == ["Что сделать", "Показатель", "Дата"]
    assert russian.iloc[0, 1] == f"{value} через 90 дней"
    assert russian.iloc[1].tolist() == [
        "Связаться с ЛПР: Michael Yılmaz",
        "нет контакта 114 дней",
        "08.09.2025",  # the locale's date, as in the timeline and the follow-up steps
    ]
    assert russian.iloc[3, 0] == "Отвоевать долю у Kronberg Industrial GmbH"  # data untranslated
    assert english.iloc[1].tolist() == [
        "Contact the decision maker, Michael Yılmaz",
        "not contacted for 114 days",
        "2025-09-08",
    ]


def test_c0027_summary_and_arguments_in_each_language(c0027):
    for lang in ("fr", "ru", "af"):
        with language(lang):
            tables = [
                summary_figures(c0027.summary),
                arguments_table(c0027.arguments),
                pd.DataFrame({"line": summary_lines(c0027.summary)}),
            ]
        patterns = _english_patterns(lang)
        assert [_english_left(t, patterns) for t in tables] == [[], [], []], lang
    with language("ru"):
        lines = summary_lines(c0027.summary)
        arguments = arguments_table(c0027.arguments)["Аргумент"].tolist()
        change = signed_percent(c0027.summary.figures.loc["revenue", "change"])
    assert lines[-1] == f"Статус: растущий (выручка {change} к предыдущему году)."
    assert "Мы поставляем вам 21 товар в 3 категориях." in arguments  # 21: the "one" form
    assert "Мы работаем вместе с 2012 года (13 лет)." in arguments
    with language("fr"):
        arguments = arguments_table(c0027.arguments)["Argument"].tolist()
    assert "Nous travaillons ensemble depuis 2012 (13 ans)." in arguments
    assert (
        summary_lines(c0027.summary)[-1] == "Status: growing (revenue +15.8 % on the year before)."
    )


def _row(kind, value=np.nan, amount=np.nan, base=np.nan, months=12):
    return pd.Series(
        {
            "argument": kind,
            "value": value,
            "amount": amount,
            "base": base,
            "detail": "",
            "months": months,
        }
    )


@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [
        ("en", 1, "You awarded us 1 tender."),
        ("en", 2, "You awarded us 2 tenders."),
        ("ru", 1, "Вы присудили нам 1 тендер."),
        ("ru", 3, "Вы присудили нам 3 тендера."),
        ("ru", 5, "Вы присудили нам 5 тендеров."),
        ("ru", 11, "Вы присудили нам 11 тендеров."),
        ("ru", 21, "Вы присудили нам 21 тендер."),
        ("fr", 1, "Vous nous avez attribué 1 appel d'offres."),
        ("fr", 4, "Vous nous avez attribué 4 appels d'offres."),
        ("af", 1, "U het 1 tender aan ons toegeken."),
        ("af", 2, "U het 2 tenders aan ons toegeken."),
    ],
)
def test_client_argument_plural_forms(lang, n, expected):
    with language(lang):
        assert argument_sentence(_row("tenders_awarded", amount=float(n))) == expected


def test_relationship_and_breadth_in_russian_plural_forms():
    with language("ru"):
        growth = percent(0.2)
        assert argument_sentence(_row("relationship", amount=1.0, base=2024.0)) == (
            "Мы работаем вместе с 2024 года (1 год)."
        )
        assert argument_sentence(_row("relationship", amount=3.0, base=2022.0)) == (
            "Мы работаем вместе с 2022 года (3 года)."
        )
        assert argument_sentence(_row("breadth", amount=2.0, base=1.0)) == (
            "Мы поставляем вам 2 товара в 1 категории."
        )
        assert argument_sentence(_row("growth", 0.2, 120.0, 100.0, months=3)) == (
            f"Наш совместный бизнес вырос на {growth} за последние 3 месяца (120 по сравнению с "
            "100 годом ранее)."
        )


def test_actions_sentence_counts_in_russian_and_english():
    def actions(n):
        return pd.DataFrame({"state": ["done"] * n, "days_overdue": [np.nan] * n})

    with language("ru"):
        said = [actions_sentence(actions(n)) for n in (1, 2, 5)]
    assert said == [
        "1 действие: выполнено: 1.",
        "2 действия: выполнено: 2.",
        "5 действий: выполнено: 5.",
    ]
    assert actions_sentence(actions(2)) == "2 actions: 2 done."


def test_offer_sentence_to_the_client_in_french_and_afrikaans():
    from types import SimpleNamespace

    offer = SimpleNamespace(
        lines=pd.DataFrame({"change": ["rise", "unchanged", "discount"]}),
        totals=pd.Series({"revenue": 1100.0}),
        valid_until=pd.Timestamp("2026-01-30"),
        situation="active",
    )
    with language("fr"):
        french, fr_value = offer_sentence(offer), money(1100.0)
    with language("af"):
        afrikaans, af_value = offer_sentence(offer), money(1100.0)
    assert french == (
        f"Notre offre : 3 produits pour {fr_value} par an à vos volumes actuels ; prix maintenus sur "
        "1 produit, ajustés sur 1 produit, réduits pour volume sur 1 produit ; valable jusqu'au "
        "30/01/2026."
    )
    assert afrikaans == (
        f"Ons aanbod: 3 produkte vir {af_value} per jaar teen u huidige volumes; pryse behou op 1 "
        "produk, aangepas op 1 produk, verminder vir volume op 1 produk; geldig tot 2026-01-30."
    )


def test_budget_sentence_in_afrikaans_and_a_month_name_in_russian():
    budget = pd.DataFrame(
        {
            "contact_type": ["call", "visit", "total"],
            "contacts": [4, 1, 5],
            "unit_cost": [25.0, 400.0, np.nan],
            "budget": [100.0, 400.0, 500.0],
        }
    )
    with language("af"):
        assert budget_sentence(budget, year=2026) == (
            "5 kontakte beplan vir 2026 teen 'n koste van 500: 4 oproepe, 1 besoek."
        )
    by_year = pd.DataFrame(
        {
            "year": [2024, 2025],
            "revenue": [150.0, 200.0],
            "margin": [0.33, 0.25],
            "revenue_growth": [np.nan, 0.3333],
            "through": pd.to_datetime(["2024-12-31", "2025-06-30"]),
        }
    )
    with language("ru"):
        russian = financial_sentence(by_year)
        change, margins = signed_percent(0.3333), (percent(0.25), percent(0.33))
    assert russian == (
        f"Выручка 200 в 2025 году по 30 июня, {change} к тем же месяцам 2024 года; валовая маржа "
        f"{margins[0]} ({margins[1]} за весь 2024 год)."
    )
    assert financial_sentence(by_year).startswith("Revenue 200 in 2025 up to 30 June, +33.3 %")

"""Numbers, dates, table cells and chart labels in the reader's language (issue 12, area figures).

Hand-checked strings for French, Russian and Afrikaans (Babel's CLDR separators: French groups
with a narrow no-break space U+202F, Russian and Afrikaans with a no-break space U+00A0; French
and Russian write "12,3 %" with a no-break space, Afrikaans "12,3%"), English exactly as before,
and a property: no formatter ever writes "nan" or "None", in any language.
"""

from __future__ import annotations

import math

import matplotlib
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from kamlib.language import LANGUAGES, current_language, language  # noqa: E402
from kamlib.plots.axes import axis_label, money_tick  # noqa: E402
from kamlib.plots.churn import plot_losses  # noqa: E402
from kamlib.plots.portfolio import plot_pareto  # noqa: E402
from kamlib.report.elements import table  # noqa: E402
from kamlib.words.columns import cell_text, column_label  # noqa: E402
from kamlib.words.glance import glance_table  # noqa: E402
from kamlib.words.labels import listing  # noqa: E402
from kamlib.words.missing import missing_data_sentence, no_cost  # noqa: E402
from kamlib.words.numbers import (  # noqa: E402
    date_text,
    day_month,
    money,
    number,
    percent,
    percent_points,
    short_number,
    short_percent,
    signed_money,
    signed_percent,
    unknown,
)
from kamlib.words.settings import conventions_sentence, settings_sentence, window_label  # noqa: E402

NB = "\u00a0"  # no-break space
NNB = "\u202f"  # narrow no-break space (French thousands)

#: language -> (percent(0.1234), signed_percent(0.056), signed_percent(-0.5), money(1234567.4),
#:              signed_money(-1250), date_text, day_month, unknown)
EXPECTED = {
    "en": (
        "12.3 %",
        "+5.6 %",
        "-50.0 %",
        "1,234,567",
        "-1,250",
        "2025-06-30",
        "30 June",
        "unknown",
    ),
    "fr": (
        f"12,3{NB}%",
        f"+5,6{NB}%",
        f"-50,0{NB}%",
        f"1{NNB}234{NNB}567",
        f"-1{NNB}250",
        "30/06/2025",
        "30 juin",
        "inconnu",
    ),
    "ru": (
        f"12,3{NB}%",
        f"+5,6{NB}%",
        f"-50,0{NB}%",
        f"1{NB}234{NB}567",
        f"-1{NB}250",
        "30.06.2025",
        "30 июня",
        "неизвестно",
    ),
    "af": (
        "12,3%",
        "+5,6%",
        "-50,0%",
        f"1{NB}234{NB}567",
        f"-1{NB}250",
        "2025-06-30",
        "30 Junie",
        "onbekend",
    ),
}


@pytest.mark.parametrize("lang", list(EXPECTED))
def test_numbers_and_dates_by_the_locale(lang):
    with language(lang):
        got = (
            percent(0.1234),
            signed_percent(0.056),
            signed_percent(-0.5),
            money(1234567.4),
            signed_money(-1250.0),
            date_text(pd.Timestamp("2025-06-30 14:00")),
            day_month("2025-06-30"),
            percent(float("nan")),
        )
        assert got == EXPECTED[lang]
        assert unknown() == EXPECTED[lang][-1] == money(None) == date_text(pd.NaT)
    assert current_language() == "en"


def test_english_house_style_unchanged():
    assert percent_points(80.0) == "80.0 %"
    assert signed_percent(-0.0001) == "-0.0 %"  # as before: only tables drop the sign of zero
    assert number(1234.5, 1) == "1,234.5" and number(2.0, signed=True) == "+2"
    assert short_percent(0.125) == "12.5 %" and short_percent(0.5, signed=True) == "+50 %"
    assert short_number(0.5) == "0.5" and short_number(1.0) == "1"
    assert money_tick(1_234_567) == "1.2 M" and money_tick(350_000) == "350 k"
    assert cell_text(0.1234, "percent") == "12.3 %" and cell_text(25.0, "money") == "25.00"
    assert cell_text(pd.Timestamp("2025-01-31 15:30")) == "2025-01-31 15:30"
    assert cell_text(0.05, fmt="{:+.1%}") == "+5.0%"
    assert column_label("revenue", "EUR") == "Revenue (EUR)"
    assert listing(list("abcdefg")) == "a, b, c, d, e and 2 more"
    assert window_label("2025-12-31", 1) == "last month to 2025-12-31"


def test_signs_and_zero_in_other_languages():
    with language("fr"):
        assert signed_percent(-0.0001) == f"0,0{NB}%"  # no "-0,0 %"
        assert signed_money(-0.4) == "0" and money(-0.4) == "0"
        assert signed_money(1250.0) == f"+1{NNB}250"
        assert percent_points(80.0) == f"80,0{NB}%"
        assert number(0.754, 2) == "0,75" and short_number(2.25) == "2,25"
        assert short_percent(-0.5, signed=True) == f"-50{NB}%"


@pytest.mark.parametrize(
    ("lang", "millions", "thousands", "plain"),
    [
        ("en", "1.2 M", "350 k", "8,500"),
        ("fr", "1,2 M", "350 k", f"8{NNB}500"),
        ("ru", "1,2 млн", "350 тыс.", f"8{NB}500"),
        ("af", "1,2 m", "350 k", f"8{NB}500"),
    ],
)
def test_money_ticks(lang, millions, thousands, plain):
    with language(lang):
        assert (money_tick(1_234_567), money_tick(350_000), money_tick(8_500)) == (
            millions,
            thousands,
            plain,
        )


def test_table_cells_and_headers():
    with language("fr"):
        assert column_label("revenue", "EUR") == "Chiffre d'affaires (EUR)"
        assert column_label("share_of_wallet") == "Part du portefeuille client"
        assert column_label("dmu_role") == "Rôle dans la décision"
        assert column_label("Revenue") == "Revenue"  # already a label: kept
        assert cell_text(True) == "oui" and cell_text("False") == "non"
        assert cell_text(4578561.38, "money", cents=False) == f"4{NNB}578{NNB}561"
        assert cell_text(25.0, "money") == "25,00"
        assert cell_text(-0.0004, "change") == f"0,0{NB}%"
        assert cell_text(pd.Timestamp("2025-01-31")) == "31/01/2025"
        assert cell_text(0.05, fmt="{:+.1%}") == f"+5,0{NB}%"
        assert cell_text(1234.5, fmt="{:,.0f}") == f"1{NNB}234"
        assert cell_text(float("nan")) == "—"
    with language("ru"):
        assert column_label("key_client") == "Ключевой клиент"
        assert column_label("breadwinner") == "Кормилец"
        assert cell_text(False) == "нет"
        assert cell_text(pd.Timestamp("2025-01-31 15:30")) == "31.01.2025 15:30"
    with language("af"):
        assert column_label("gross_profit", "ZAR") == "Bruto wins (ZAR)"
        assert cell_text(0.1234, "percent") == "12,3%"
        html = table(pd.DataFrame({"revenue": [1500.0], "at_risk": [True]}), currency="ZAR").html
        assert "<th>Omset (ZAR)</th>" in html.replace(' style="text-align: left"', "")
        assert f"1{NB}500" in html and "<td" in html and ">ja<" in html


def test_sentences_in_french_and_russian():
    tx = pd.DataFrame({"account_id": ["C1"], "revenue": [10.0]})
    with language("fr"):
        assert settings_sentence({"max_discount": 0.1, "cell": None}) == (
            f"Paramètres : remise maximale 10{NB}%\u202f; case par défaut."
        )
        assert window_label("2025-12-31", 12) == "12 derniers mois jusqu'au 31/12/2025"
        assert window_label("2025-12-31", 1) == "dernier mois jusqu'au 31/12/2025"
        assert listing(list("abcdefg")) == "a, b, c, d, e et 2 autres"
        assert no_cost().startswith("aucune donnée de coût (la marge brute")
        assert missing_data_sentence(transactions=tx, tables=["transactions"]).startswith(
            "Inconnu faute de données : aucune donnée de coût"
        )
    with language("ru"):
        assert window_label("2025-12-31", 1) == "последний 1 месяц по 31.12.2025"
        assert window_label("2025-12-31", 3) == "последние 3 месяца по 31.12.2025"
        assert window_label("2025-12-31", 12) == "последние 12 месяцев по 31.12.2025"
        assert listing(list("abcdef")) == "a, b, c, d, e и ещё 1"
        text = conventions_sentence(as_of="2025-12-31", months=12)
        assert text.startswith("Параметры: окно анализа: последние 12 месяцев по 31.12.2025")
        assert "X до 0,5, Y до 1" in text


def test_glance_table_in_russian():
    tx = pd.DataFrame(
        {
            "account_id": ["A", "B", "A"],
            "revenue": [300.0, 100.0, 2000.0],
            "date": pd.to_datetime(["2024-06-01", "2025-03-01", "2025-06-01"]),
        }
    )
    status = pd.DataFrame(
        {"status": ["active", "lost"], "annual_value": [200.0, 1100.0]},
        index=pd.Index(["A", "B"], name="account_id"),
    )
    with language("ru"):
        frame = glance_table(tx, as_of="2025-12-31", status=status)
    assert list(frame.columns) == ["Показатель", "Значение", "База"]
    assert frame.iloc[0].tolist() == [
        "Выручка за последние 12 месяцев по 31.12.2025",
        f"2{NB}100",
        f"+600,0{NB}% к предыдущим 12 месяцам",
    ]
    assert frame.iloc[2].tolist() == [
        "Потерянные клиенты",
        "1",
        f"из 2 клиентов; под угрозой 1{NB}100 в год",
    ]


def test_chart_labels_in_french():
    with language("fr"):
        fig, (ax1, ax2) = plt.subplots(1, 2)
        plot_pareto(pd.Series({"a": 60.0, "b": 25.0, "c": 10.0, "d": 5.0}), ax=ax1)
        losses = pd.DataFrame({"region": ["Nord", "Sud"], "clients": [2, 1]})
        plot_losses(losses, ax=ax2)
        assert ax1.texts[0].get_text() == (
            f"50{NB}% des clients réalisent 85{NB}% du chiffre d'affaires"
        )
        assert ax1.get_title() == "Courbe de Pareto : 4 clients"
        assert [t.get_text() for t in ax1.get_legend().get_texts()] == [
            "clients par chiffre d'affaires",
            "répartition égale",
        ]
        assert ax2.get_ylabel() == "clients perdus" and ax2.get_xlabel() == "Région"
        assert axis_label("revenue") == "Chiffre d'affaires"
        plt.close(fig)


_FORMATTERS = [
    percent,
    percent_points,
    signed_percent,
    money,
    signed_money,
    number,
    short_number,
    short_percent,
    lambda v: number(v, 2, signed=True),
    lambda v: short_percent(v, signed=True),
    lambda v: cell_text(v, "money"),
    lambda v: cell_text(v, "money", cents=False),
    lambda v: cell_text(v, "percent"),
    lambda v: cell_text(v, "change"),
    lambda v: cell_text(v, "count"),
    lambda v: cell_text(v),
    lambda v: cell_text(v, fmt="{:+.1%}"),
    lambda v: cell_text(v, fmt="{:,.2f}"),
    money_tick,
]


@settings(max_examples=150, deadline=None)
@given(
    value=st.one_of(
        st.floats(allow_infinity=False, min_value=-1e12, max_value=1e12),
        st.just(float("nan")),
        st.none(),
        st.integers(min_value=-(10**9), max_value=10**9),
    ),
    lang=st.sampled_from(list(LANGUAGES)),
)
def test_no_formatter_writes_nan_or_none(value, lang):
    with language(lang):
        for formatter in _FORMATTERS:
            if formatter is money_tick and (value is None or math.isnan(value)):
                continue  # matplotlib never asks for a tick at NaN
            text = formatter(value)
            assert isinstance(text, str) and text.strip(), (formatter, value)
            assert "nan" not in text.lower() and "None" not in text, (formatter, value, text)
            assert not text.startswith("-0") or any(c in "123456789" for c in text) or lang == "en"


@settings(max_examples=60, deadline=None)
@given(
    day=st.dates(
        min_value=pd.Timestamp("1900-01-01").date(), max_value=pd.Timestamp("2200-12-31").date()
    ),
    lang=st.sampled_from(list(LANGUAGES)),
)
def test_dates_always_written(day, lang):
    with language(lang):
        for text in (date_text(day), day_month(day), cell_text(pd.Timestamp(day))):
            assert str(day.day) in text and "nan" not in text.lower() and "None" not in text


def test_missing_data_rows_merge_with_the_analyses_messages_in_every_language():
    # the analyses say "no contacts table: ..." through kamlib.account.messages; the summary's
    # table must give one row per missing table in French and Russian too, not one per wording
    from kamlib.account.messages import missing_table
    from kamlib.language import gettext, language
    from kamlib.words.missing import missing_data_table

    tx = pd.DataFrame({"revenue": [1.0], "gross_profit": [0.2]})
    for lang in ("en", "fr", "ru", "af"):
        with language(lang):
            message = missing_table("contacts", gettext("decision maker not checked"))
            table = missing_data_table(
                transactions=tx, tables=["transactions"], only=["contacts"], messages=[(message,)]
            )
            assert len(table) == 1, (lang, table)
            assert table.iloc[0, 1] == gettext("decision maker not checked")


def test_abc_xyz_heatmap_takes_the_callers_digits_in_every_language():
    # the abc_xyz notebook passes fmt=".1f"; outside English the cells are written by the locale
    from kamlib.language import language
    from kamlib.plots.abcxyz import plot_abc_xyz_matrix
    from kamlib.portfolio.abcxyz import abc_xyz_matrix

    matrix = abc_xyz_matrix(
        pd.DataFrame({"abc": ["A", "B"], "xyz": ["X", "Z"], "total": [80.0, 20.0]})
    )
    expected = {"en": "80.0", "fr": "80,0", "ru": "80,0", "af": "80,0"}
    for lang, first in expected.items():
        with language(lang):
            fig, ax = plt.subplots()
            plot_abc_xyz_matrix(matrix, value="total_pct", ax=ax, fmt=".1f")
            assert ax.texts[0].get_text() == first, lang
            plt.close(fig)

"""The analyses' texts in the reader's language (issue 12): translated, codes unchanged, English as before.

Each test runs an analysis under ``kamlib.language.language(lang)`` and compares the texts it
builds with hand-written expectations from ``kamlib/locale/<lang>/LC_MESSAGES/analyses.po``;
the codes other code compares (argument kinds, cells, check names, quadrants) stay English.
"""

import pandas as pd
import pytest

from kamlib.account.dmu import dmu_coverage
from kamlib.account.dossier import relationship_timeline
from kamlib.account.followup import follow_up_schedule
from kamlib.account.messages import missing_head, missing_table
from kamlib.account.proposal import proposal_arguments
from kamlib.account.summary import account_summary
from kamlib.language import gettext, language
from kamlib.portfolio.abcxyz import STRATEGIES, abc_xyz
from kamlib.portfolio.churn import client_status, win_back
from kamlib.portfolio.clients import client_types
from kamlib.portfolio.notation import day, short, whole
from kamlib.portfolio.scoring import qualify_prospects, strategy_quadrants

LANGS = ("fr", "ru", "af")

# ---------------------------------------------------------------- the follow-up steps

FOLLOW_UP = {
    "en": [
        "confirm that the client received the proposal",
        "ask about the next steps and how urgent the decision is",
        "agree the date of the next call or meeting",
        "remind the client that the proposal expires on 2025-12-21",
    ],
    "fr": [
        "confirmer que le client a bien reçu la proposition",
        "s'informer des prochaines étapes et de l'urgence de la décision",
        "convenir de la date du prochain appel ou de la prochaine réunion",
        "rappeler au client que la proposition expire le 21/12/2025",
    ],
    "ru": [
        "убедиться, что клиент получил предложение",
        "узнать о следующих шагах и о том, насколько срочно нужно решение",
        "согласовать дату следующего звонка или встречи",
        "напомнить клиенту, что срок действия предложения истекает 21.12.2025",
    ],
    "af": [
        "bevestig dat die kliënt die voorstel ontvang het",
        "vra oor die volgende stappe en hoe dringend die besluit is",
        "kom die datum van die volgende oproep of vergadering ooreen",
        "herinner die kliënt dat die voorstel op 2025-12-21 verval",
    ],
}


@pytest.mark.parametrize("lang", ["en", *LANGS])
def test_follow_up_steps_read_in_the_language_with_the_same_dates(lang):
    with language(lang):
        plan = follow_up_schedule("2025-11-21", valid_until="2025-12-21")
    assert plan["action"].tolist() == FOLLOW_UP[lang]
    assert plan["step"].tolist() == [1, 2, 3, 4]
    assert plan["date"].dt.strftime("%Y-%m-%d").tolist() == ["2025-11-24"] * 3 + ["2025-12-16"]


def test_follow_up_is_english_again_after_the_block():
    with language("ru"):
        follow_up_schedule("2025-11-21")
    assert follow_up_schedule("2025-11-21")["action"].iloc[0] == FOLLOW_UP["en"][0]


# ---------------------------------------------------------------- proposal arguments

TX = pd.DataFrame(
    {
        "account_id": ["A", "A", "A", "B"],
        "product_id": ["p1", "p1", "p1", "p1"],
        "quantity": [10.0, 12.0, 3.0, 4.0],
        "revenue": [100.0, 120.0, 30.0, 40.0],
        "date": pd.to_datetime(["2024-06-01", "2025-06-01", "2025-07-01", "2025-03-01"]),
    }
)

GAPS = {
    "en": ["potential budget and competitors' shares", "actions", "list prices"],
    "fr": ["budget potentiel et parts des concurrents", "actions convenues", "prix catalogue"],
    "ru": [
        "потенциальный бюджет и доли конкурентов",
        "согласованные действия",
        "цены по прайс-листу",
    ],
    "af": ["potensiële begroting en mededingers se aandele", "ooreengekome aksies", "lyspryse"],
}


@pytest.mark.parametrize("lang", ["en", *LANGS])
def test_proposal_arguments_keep_their_kinds_and_translate_the_data_gaps(lang):
    with language(lang):
        args = proposal_arguments("A", transactions=TX, as_of="2025-12-31")
    english = proposal_arguments("A", transactions=TX, as_of="2025-12-31")
    assert args["argument"].tolist() == ["growth", "data_gap", "data_gap", "data_gap", "breadth"]
    pd.testing.assert_frame_equal(args.drop(columns="detail"), english.drop(columns="detail"))
    assert args.loc[args["argument"] == "data_gap", "detail"].tolist() == GAPS[lang]
    assert args["for_client"].tolist() == [True, False, False, False, True]


def test_the_share_of_wallet_detail_stays_a_code():
    """words/proposal.py reads ``detail.startswith("main supplier")``: never translated."""
    acc = pd.DataFrame({"account_id": ["A"], "potential_budget": [160.0]})
    with language("fr"):
        args = proposal_arguments("A", transactions=TX, accounts=acc, as_of="2025-12-31")
    row = args.set_index("argument").loc["share_of_wallet"]
    assert row["detail"] == "main supplier: potential budget"
    assert row["value"] == pytest.approx(150.0 / 160.0)


# ---------------------------------------------------------------- ABC-XYZ strategies

AZ = {
    "en": "find the cause of irregularity; joint planning with the client",
    "fr": "trouver la cause de l'irrégularité ; planification conjointe avec le client",
    "ru": "найти причину нерегулярности; совместное планирование с клиентом",
    "af": "vind die oorsaak van die onreëlmatigheid; gesamentlike beplanning met die kliënt",
}


@pytest.mark.parametrize("lang", ["en", *LANGS])
def test_an_abc_xyz_strategy_reads_in_the_language_and_the_cell_stays_a_code(lang):
    with language(lang):
        out = abc_xyz(TX, as_of="2025-12-31").set_index("account_id")
    assert out.loc["A", "cell"] == "AZ"
    assert out.loc["A", "strategy"] == AZ[lang]


@pytest.mark.parametrize("lang", LANGS)
def test_every_default_strategy_is_translated_and_a_given_one_kept(lang):
    with language(lang):
        out = abc_xyz(TX, as_of="2025-12-31", strategies={"CZ": "our own words"})
        translated = {cell: gettext(text) for cell, text in STRATEGIES.items()}
    assert all(translated[cell] != text for cell, text in STRATEGIES.items())
    assert out.set_index("account_id").loc["B", "strategy"] == "our own words"
    assert STRATEGIES["AZ"] == AZ["en"]  # the constant stays the English source


# ---------------------------------------------------------------- the decision-making unit

ROSTER = pd.DataFrame(
    {"name": ["Bo"], "dmu_role": ["buyer"], "attitude": ["neutral"], "days_since_contact": [120.0]}
)

FINDINGS = {
    "en": [
        "No contact with a decision maker.",
        "No champion among the contacts.",
        "1 of 1 contacts not reached for more than 90 days: Bo (120 days).",
        "Single-threaded: one contact only (Bo).",
    ],
    "ru": [
        "Нет контакта с лицом, принимающим решение (ЛПР).",
        "Среди контактов нет сторонника внутри компании клиента.",
        "Нет связи более 90 дн. с 1 из 1 контакта: Bo (120 дней).",
        "Отношения держатся на одной нити: только один контакт (Bo).",
    ],
}


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_dmu_findings_read_in_the_language_and_the_checks_stay_codes(lang):
    with language(lang):
        out = dmu_coverage(ROSTER)
    assert out["check"].tolist() == [
        "decision maker",
        "champion",
        "recent contact",
        "multi-threaded",
    ]
    assert out["ok"].tolist() == [False, False, False, False]
    assert out["finding"].tolist() == FINDINGS[lang]


def test_dmu_counts_take_the_russian_plural_forms():
    roster = pd.DataFrame(
        {
            "name": ["A", "B", "C"],
            "dmu_role": ["decision maker", "buyer", "user"],
            "attitude": ["champion", "neutral", "neutral"],
            "days_since_contact": [10.0, 20.0, 30.0],
        }
    )
    with language("ru"):
        out = dmu_coverage(roster).set_index("check")["finding"]
    assert out["multi-threaded"] == "3 контакта."
    assert out["recent contact"] == "Связь со всеми контактами (3) была в течение 90 дн."
    assert out["decision maker"] == "ЛПР известно: A."


# ---------------------------------------------------------------- messages and the timeline


def test_missing_table_messages_share_one_head_per_table():
    with language("fr"):
        assert missing_head("contacts") == "pas de table contacts"
        assert missing_table("contacts", "x") == "pas de table contacts: x"
    assert missing_table("contacts", "decision-making map skipped") == (
        "no contacts table: decision-making map skipped"
    )


SUMMARY_MESSAGES = {
    "en": (
        "no cost-to-serve table: contribution not known",
        "no tenders table: tender windows not checked",
        "no contacts table: decision maker not checked",
        "no actions table: overdue actions not checked",
        "no competitors table: competitors not checked",
        "no deliveries table: on-time-in-full delivery not known",
    ),
    "af": (
        "geen cost-to-serve-tabel: bydrae onbekend",
        "geen tenders-tabel: tendervensters nie nagegaan nie",
        "geen contacts-tabel: besluitnemer nie nagegaan nie",
        "geen actions-tabel: agterstallige aksies nie nagegaan nie",
        "geen competitors-tabel: mededingers nie nagegaan nie",
        "geen deliveries-tabel: betyds en volledige aflewering onbekend",
    ),
}


@pytest.mark.parametrize("lang", ["en", "af"])
def test_summary_messages_keep_the_given_beyond_sales_table_in_every_language(lang):
    """The summary keeps a beyond-sales message by its head: the head must match when translated."""
    empty = pd.DataFrame(columns=["account_id"])
    with language(lang):
        s = account_summary("A", transactions=TX, deliveries=empty, as_of="2025-12-31")
    assert s.messages == SUMMARY_MESSAGES[lang]
    assert (s.status, s.status_reason) == ("lost", "no purchase")  # codes, never translated


def test_timeline_events_in_french_keep_the_data_as_recorded():
    meetings = pd.DataFrame(
        {
            "meeting_id": ["M1", "M2"],
            "account_id": ["A", "A"],
            "date": pd.to_datetime(["2025-01-15", "2025-02-15"]),
            "type": ["annual", "kick-off"],
            "outcome": ["price +3 %", None],
        }
    )
    tenders = pd.DataFrame(
        {
            "tender_id": ["T1"],
            "account_id": ["A"],
            "date": pd.to_datetime(["2025-02-01"]),
            "title": ["Pumps"],
            "status": ["lost"],
            "winner": ["Rival"],
            "reason": ["price"],
        }
    )
    kwargs = {"transactions": TX, "meetings": meetings, "tenders": tenders, "as_of": "2025-12-31"}
    with language("fr"):
        fr = relationship_timeline("A", **kwargs)
    en = relationship_timeline("A", **kwargs)
    assert fr["kind"].tolist() == en["kind"].tolist()
    assert fr["event"].tolist() == [
        "premier achat",
        "réunion annuelle: price +3 %",
        "appel d'offres Pumps perdu au profit de Rival: price",
        "réunion kick-off",
        "dernier achat",
    ]
    assert en["event"].tolist() == [
        "first purchase",
        "annual meeting: price +3 %",
        "tender Pumps lost to Rival: price",
        "kick-off meeting",
        "last purchase",
    ]


# ---------------------------------------------------------------- status, win-back, key clients


def test_status_basis_in_russian_and_the_status_codes_unchanged():
    with language("ru"):
        ru = client_status(TX, as_of="2025-12-31")
    en = client_status(TX, as_of="2025-12-31")
    assert ru["status"].tolist() == en["status"].tolist() == ["lost", "lost"]
    assert ru["basis"].tolist() == [
        "нет покупок 183 дня (более 180)",
        "нет покупок 305 дней (более 180)",
    ]
    assert en["basis"].tolist() == [
        "no purchase for 183 days (more than 180)",
        "no purchase for 305 days (more than 180)",
    ]


def test_status_basis_writes_decimals_the_french_way():
    tx = pd.DataFrame(
        {
            "account_id": ["a"] * 4,
            "date": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-22", "2024-02-01"]),
            "revenue": 10.0,
        }
    )
    with language("fr"):
        fr = client_status(tx, as_of="2024-02-06", k=2.5).loc["a", "basis"]
    en = client_status(tx, as_of="2024-02-06", k=2.5).loc["a", "basis"]
    assert en == (
        "5 days since the last purchase, within the 30-day floor "
        "(2.5 x the median interval of 10 days is less)"
    )
    assert fr == (
        "5 jours depuis le dernier achat, dans la limite de : le seuil minimal de 30 jours "
        "(2,5 x l'intervalle médian de 10 jours est inférieur)"
    )


def test_win_back_offers_translated_unless_given():
    status = client_status(TX, as_of="2025-12-31")
    with language("af"):
        out = win_back(status)
        own = win_back(status, offers={"lost": "ons eie woorde"})
    assert out["status"].tolist() == ["lost", "lost"]
    assert set(out["offer"]) == {
        "terugwinningsvergadering: vra waarom hulle weg is en bied spesiale voorwaardes vir "
        "'n proefbestelling (afslag binne die vloerprys)"
    }
    assert set(own["offer"]) == {"ons eie woorde"}


def test_perspective_reason_groups_digits_by_the_locale():
    tx = pd.DataFrame(
        {
            "account_id": ["A", "N"],
            "revenue": [100.0, 1500.0],
            "date": pd.to_datetime(["2024-06-01", "2025-03-01"]),
        }
    )
    acc = pd.DataFrame({"account_id": ["A", "N"], "potential_budget": [None, 2500.0]})

    def reason(lang):
        with language(lang):
            out = client_types(tx, acc, prospect_budget=1000, as_of="2025-12-31")
        return out.set_index("client_id").loc["N", "perspective_reason"]

    assert reason("en") == "new: first purchase 2025-03-01; potential budget 2,500 >= 1,000"
    assert reason("fr") == (
        "nouveau : premier achat le 01/03/2025 ; budget potentiel 2\u202f500 >= 1\u202f000"
    )
    assert reason("ru") == (
        "новый: первая покупка 01.03.2025; потенциальный бюджет 2\xa0500 >= 1\xa0000"
    )


# ---------------------------------------------------------------- the 2x2 and the three P


def test_quadrants_stay_codes_with_translated_strategies():
    comp = pd.Series({"a": 8.0, "b": 3.0, "c": None})
    interest = pd.Series({"a": 9.0, "b": 2.0, "c": 5.0})
    with language("fr"):
        q = strategy_quadrants(comp, interest)
    assert q["quadrant"].tolist() == ["partner", "maintain", "not placed"]
    assert q["strategy"].tolist() == [
        "investir dans la relation : planification conjointe, accord à long terme, équipe dédiée",
        "service standard à faible coût ; réexaminer l'opportunité de continuer à investir",
        "pas de score de compétitivité : évaluer le client",
    ]
    own = {("high", "high"): ("partner", "our own words")}
    with language("fr"):
        given = strategy_quadrants(comp, interest, strategies=own)
    assert given["strategy"].iloc[0] == "our own words"


def test_three_p_gaps_in_afrikaans():
    accounts = pd.DataFrame(
        {
            "account_id": ["p1"],
            "status": ["prospect"],
            "need": [True],
            "solvency": [None],
            "authority": [False],
        }
    )
    with language("af"):
        out = qualify_prospects(accounts)
    assert out["missing"].tolist() == ["solvensie onbekend; geen gesag nie"]
    assert qualify_prospects(accounts)["missing"].tolist() == ["solvency unknown; no authority"]


# ---------------------------------------------------------------- numbers and days


def test_notation_is_english_as_before_and_the_locale_elsewhere():
    assert (whole(1234567.5), short(12.5), day("2026-01-02")) == ("1,234,568", "12.5", "2026-01-02")
    with language("af"):
        assert (whole(1234.4), short(0.5), day("2026-01-02")) == ("1\xa0234", "0,5", "2026-01-02")
    with language("fr"):
        assert day("2026-01-02") == "02/01/2026"

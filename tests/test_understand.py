"""Question understanding: names, numbers, language and follow-ups."""

from __future__ import annotations

import pytest

from assistant.models import ChatTurn
from assistant.understand import FACT_PATTERNS, understand


@pytest.mark.parametrize(
    ("question", "insurers", "bouwstenen"),
    [
        ("Wat eist CZ voor bouwsteen 4?", ["CZ"], [4]),
        ("eisen zk bs1", ["Zilveren Kruis"], [1]),
        ("Wat vraagt ZILVEREN KRUIS bij de begroting?", ["Zilveren Kruis"], [7]),
        ("Wat verwacht coöperatie VGZ rond executiekracht?", ["VGZ"], [5]),
        ("What does Menzis require for building block 6?", ["Menzis"], [6]),
        ("Verschil tussen CZ en VGZ bij BS5", ["CZ", "VGZ"], [5]),
        ("Wat staat er in bouwstenen 2 en 3?", [], [2, 3]),
        ("Wat staat er in bouwsteen vier?", [], [4]),
    ],
)
def test_names_and_numbers(question, insurers, bouwstenen):
    query = understand(question)
    assert query.insurers == insurers
    assert query.bouwstenen == bouwstenen


def test_unknown_insurer_and_bouwsteen():
    query = understand("Wat eist DSW voor bouwsteen 9?")
    assert query.unknown_insurers == ["DSW"] and query.invalid_bouwstenen == [9] and not query.insurers


def test_language_comparison_and_which():
    assert understand("Which insurers require an escalation ladder?").lang == "en"
    assert understand("Welke verzekeraars eisen een escalatieladder?").which_insurers
    assert understand("Vergelijk Menzis en Zilveren Kruis voor de begroting").comparison
    english = understand("Which insurers require an escalation ladder?")
    assert "escalatieladder" in english.expansions


def test_wanted_fact_kind():
    assert understand("Hoeveel euro krijgt een RESV per inwoner?").wants == "money"
    when = understand("Wanneer moet het RESV-plan binnen zijn?")
    assert when.wants is None and when.wants_date_maybe  # "wanneer" may ask for a condition
    assert understand("Op welke datum maakt VGZ de uitslag bekend?").wants == "date"
    assert understand("Hoe worden de kosten verdeeld?").wants is None  # a topic, not an amount
    assert understand("Hoe hoog is de vergoeding?").wants == "money"
    assert understand("Wie is de contactpersoon bij CZ?").wants == "contact"


def test_a_price_is_an_amount_in_either_language():
    for question in ("Wat is het uurtarief van een praktijkondersteuner?", "What is the hourly rate of a practice nurse?",
                     "Which fee does a physiotherapist charge?", "What tariff applies to a home visit?"):
        assert understand(question).wants == "money", question
    assert understand("What is the vaccination rate in the region?").wants is None  # a rate alone may be a share


def test_a_count_asked_in_other_words():
    assert understand("What is the minimum number of practices that must take part?").wants == "count"
    assert understand("Wat is het totale aantal deelnemende apotheken?").wants == "count"
    assert understand("Welk aantal wijkteams is nodig?").wants == "count"
    assert understand("Gelden een aantal eisen voor alle regio's?").wants is None  # "een aantal" is "some"


def test_the_thing_counted_after_a_partitive():
    assert understand("Aan hoeveel van de thema's moet een project bijdragen?").target == "thema's"
    assert understand("Hoeveel van de IZA-acties zijn klaar?").target == "iza-acties"  # a hyphenated compound whole
    assert understand("Hoeveel soorten therapeuten moeten meedoen?").target == "therapeuten"  # the kind, not "soorten"
    assert understand("How many kinds of therapists must take part?").target == "therapists"
    assert understand("Which of the cooperatives report quarterly?").target == "cooperatives"
    assert understand("Hoeveel regio's doen mee?").target == "regio's"


def test_follow_up_keeps_what_it_leaves_out():
    history = [ChatTurn(role="user", content="Wat eist CZ voor bouwsteen 4?"), ChatTurn(role="assistant", content="…")]
    query = understand("En voor VGZ?", history)
    assert query.follow_up and query.insurers == ["VGZ"] and query.bouwstenen == [4]
    query = understand("En bouwsteen 5?", history)
    assert query.insurers == ["CZ"] and query.bouwstenen == [5]
    standalone = understand("Wat is de deadline van het plan?", history)
    assert not standalone.follow_up and standalone.bouwstenen == []


def test_asked_for_thing_is_recognised():
    assert understand("Welke boete krijgt een RESV?").target == "boete"
    assert understand("How many inhabitants must a region have?").target == "inhabitants"
    assert understand("Welke verzekeraars eisen een escalatieladder?").target is None  # a question word
    assert understand("Hoeveel procent kernspelers?").target is None  # the kind of fact, not a topic


def test_every_glossary_translation_stands_in_the_sources(assistant):
    """A glossary row translates a term of the sources: a Dutch side they never use serves no passage."""
    from assistant.domain import get_domain
    from assistant.text import fold

    corpus = fold(" ".join(f"{p.text} {' '.join(p.section)}" for p in assistant.library.passages))
    absent = {english: dutch for english, targets in get_domain().glossary.items() for dutch in targets if fold(dutch) not in corpus}
    assert absent == {}


def test_function_words_of_either_language_are_no_topic():
    english = understand("Is there anything in it for someone whose practice closes every other week?")
    dutch = understand("Staat er iets in voor iemand wiens praktijk elke andere week dicht is?")
    for query in (english, dutch):
        assert "praktijk" in query.focus
        assert not set(query.focus) & {"anyth", "anything", "someon", "someone", "every", "other", "iets", "iemand", "elk", "elke", "ander", "andere"}


def test_a_date_may_be_a_day_a_month_a_quarter_or_a_season():
    from assistant.understand import FACT_PATTERNS

    for text in ("uiterlijk 15 juli", "eind 2025", "in maart 2026", "eind Q2 2023", "in het derde kwartaal van 2026",
                 "vóór het 4e kwartaal 2027", "in het najaar van 2025"):
        assert FACT_PATTERNS["date"].search(text), text
    for text in ("in 2027", "Q4", "het kwartaal", "een zomer vol plannen"):
        assert not FACT_PATTERNS["date"].search(text), text


def test_who_signed_is_asked_with_a_question_word_and_a_past_form_of_signing():
    for question in ("Wie hebben de brief ondertekend?", "Which ministers signed the letter?", "Door wie is het akkoord getekend?",
                     "Who are the signatories of the agreement?"):
        assert understand(question).signers, question
    for question in ("Which providers have to be signed up?", "Moet de gemeente het plan ondertekenen?", "Wie beoordeelt het plan?"):
        assert not understand(question).signers, question


def test_a_year_asked_for_is_a_year():
    assert understand("In welk jaar moet het RESV volledig werken?").wants == "year"
    assert understand("By which year must all tasks be in place?").wants == "year"
    assert [m.group(0) for m in FACT_PATTERNS["year"].finditer("Vanaf 2029 volledig; zie pagina 12 en 2027/2028.")] == ["2029"]


def test_a_kind_of_fact_named_far_from_the_thing_asked_for_is_not_what_is_asked():
    assert understand("Welke partijen tekenen het contract voordat de eerste euro wordt overgemaakt?").wants is None
    assert understand("What is the usual hourly fee of a physiotherapist?").wants == "money"  # the fee is asked for
    assert understand("Welk bedrag krijgt de regio?").wants == "money"


def test_a_conjunction_is_no_topic():
    assert "voordat" not in understand("Wat moet klaar zijn voordat het plan ingediend wordt?").focus

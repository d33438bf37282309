"""Answers over the real corpus: completeness of what they cite, abstention, and the invariants."""

from __future__ import annotations

import jsonschema
import pytest

from assistant.answer import shapes
from assistant.answer.sources import Sources
from assistant.errors import InvalidQuestionError, UnknownInsurerError
from assistant.models import ChatTurn
from assistant.settings import PROJECT_ROOT
from tests.invariants import abstention_cites_nothing, trustworthy_answer

SCHEMA = PROJECT_ROOT.parent / "shared" / "contract" / "answer.schema.json"


def _cells(answer):
    return {(c.insurer, c.bouwsteen) for c in answer.citations if c.insurer}


def test_insurer_bouwsteen_answer_is_complete(assistant):
    answer = assistant.ask("Wat eist CZ voor bouwsteen 4?")
    trustworthy_answer(answer, assistant)
    cz = [p.text for p in assistant.library.passages if p.kind == "bullet" and p.insurer == "CZ" and p.bouwsteen == 4]
    quotes = [c.quote for c in answer.citations]
    assert all(any(bullet in quote for quote in quotes) for bullet in cz)
    assert _cells(answer) == {("CZ", 4)}
    assert any(c.insurer is None and c.bouwsteen == 4 for c in answer.citations)


def test_answer_matches_the_contract_schema(assistant):
    if not SCHEMA.exists():
        pytest.skip("shared contract not beside the repository")
    schema = __import__("json").loads(SCHEMA.read_text())
    for question in ("Wat eist CZ voor bouwsteen 4?", "Wat eist DSW voor bouwsteen 4?"):
        jsonschema.validate(assistant.ask(question).model_dump(mode="json"), schema)


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("Wat eist DSW voor bouwsteen 4?", "insurer_not_in_corpus"),
        ("Wat eist CZ voor bouwsteen 9?", "no_such_bouwsteen"),
        ("Wat is de hoofdstad van Frankrijk?", "outside_domain"),
        ("Hoeveel euro krijgt een RESV per inwoner?", "fact_not_in_sources"),
        # personal matters that happen to name a domain word (an insurer, a pharmacy, a GP)
        ("How do I switch my health insurance from CZ to VGZ?", "outside_domain"),
        ("Wat zijn de openingstijden van de apotheek in het gezondheidscentrum?", "outside_domain"),
        ("Wat is het salaris van een praktijkondersteuner bij de huisarts?", "outside_domain"),
        ("Is mijn fysiotherapie dit jaar vergoed door Menzis?", "outside_domain"),
        ("Which GP near Nijmegen still takes new patients?", "outside_domain"),
        ("Welke apotheek in de regio heeft nog plek voor nieuwe klanten?", "outside_domain"),
        # a price the sources never state, asked in English as "what does … cost"
        ("What does a physiotherapy session cost at Menzis?", "fact_not_in_sources"),
        # a time of day or a length of time the sources never state
        ("Hoe laat is de apotheek in Tilburg open?", "fact_not_in_sources"),
        ("How long is the contract period?", "fact_not_in_sources"),
        # nothing asked about stands in the sources, though the question names the RESV
        ("Who presides over the RESV in Zeeland?", "fact_not_in_sources"),
        # the asked-for thing is absent in either language (English: nor its Dutch renderings)
        ("Welke burgemeester in Friesland tekent voor het RESV?", "fact_not_in_sources"),
        ("Which mayor in Friesland signs for the RESV?", "fact_not_in_sources"),
    ],
)
def test_abstains_plainly(assistant, question, reason):
    answer = assistant.ask(question)
    trustworthy_answer(answer, assistant)
    assert answer.abstained and answer.reason == reason


def test_unknown_insurer_answer_names_it(assistant):
    answer = assistant.ask("Wat eist DSW voor bouwsteen 4?")
    assert "DSW" in answer.answer and "niet in de bronnen" in answer.answer


def test_comparison_is_insurer_by_insurer(assistant):
    answer = assistant.ask("Wat is het verschil tussen CZ en VGZ bij bouwsteen 5?")
    trustworthy_answer(answer, assistant)
    assert _cells(answer) == {("CZ", 5), ("VGZ", 5)}
    assert answer.answer.index("CZ –") < answer.answer.index("VGZ –")


def test_which_insurers_lists_only_those_that_name_it(assistant):
    answer = assistant.ask("Welke verzekeraars eisen een escalatieladder?")
    trustworthy_answer(answer, assistant)
    named = {c.insurer for c in answer.citations if c.insurer}
    assert named == {"VGZ", "Menzis"}
    assert all("escalatieladder" in c.quote.lower() for c in answer.citations)


def test_which_insurers_claims_no_absence_from_absent_words(assistant):
    # No policy uses the word; that shows what was searched, not that no insurer asks it.
    answer = assistant.ask("Welke verzekeraars zeggen iets over het postcodeniveau?")
    trustworthy_answer(answer, assistant)
    assert answer.answer.startswith("Met deze woorden in geen inkoopbeleid gevonden")
    assert "Geen van de verzekeraars noemt" not in answer.answer


def test_english_question_reaches_dutch_passages(assistant):
    answer = assistant.ask("What does Menzis require for building block 1?")
    trustworthy_answer(answer, assistant)
    assert ("Menzis", 1) in _cells(answer)
    assert "purchasing policy" in answer.answer


def test_follow_up_and_insurer_option(assistant):
    first = "Wat eist CZ voor bouwsteen 4?"
    history = [ChatTurn(role="user", content=first), ChatTurn(role="assistant", content=assistant.ask(first).answer)]
    follow = assistant.ask("En voor VGZ?", history=history)
    trustworthy_answer(follow, assistant)
    assert _cells(follow) == {("VGZ", 4)}
    narrowed = assistant.ask("Wat zeggen de verzekeraars over de kassier?", insurer="cz")
    assert {c.insurer for c in narrowed.citations} <= {"CZ", None}


def test_deadline_is_quoted(assistant):
    answer = assistant.ask("Wanneer moet het RESV-plan uiterlijk worden aangeleverd?")
    trustworthy_answer(answer, assistant)
    assert not answer.abstained and any("15 juli" in c.quote for c in answer.citations)


@pytest.mark.parametrize(
    ("question", "match"),
    [("", "leeg"), ("   ", "leeg"), ("x" * 5000, "5000 tekens"), ("Что требует CZ для блока 4?", "Nederlands of het Engels"),
     ("Quelles sont les exigences de CZ pour le bloc 4 et pour le financement?", "Nederlands of het Engels"), ("?!?", "geen woorden")],
)
def test_bad_questions_are_refused(assistant, question, match):
    with pytest.raises(InvalidQuestionError, match=match):
        assistant.ask(question)


def test_unknown_insurer_option_is_refused(assistant):
    with pytest.raises(UnknownInsurerError, match="Kies uit"):
        assistant.ask("Wat eist bouwsteen 4?", insurer="DSW")


def test_lead_in_brings_the_list_it_opens(assistant):
    answer = assistant.ask("Wat moet er in het plan staan als er een kassier is?")
    trustworthy_answer(answer, assistant)
    by_id = {p.id: p for p in assistant.library.passages}
    cited = [by_id[c.passage_id] for c in answer.citations]
    leads = [p for p in cited if p.text.rstrip().endswith(":")]
    assert leads, answer.answer
    for lead in leads:  # a lead-in is never cited without what follows it
        assert any(p.start > lead.start and p.section == lead.section for p in cited if p is not lead), answer.answer


def test_footnote_follows_the_passage_with_its_mark(assistant):
    answer = assistant.ask("Waarom is afbakening op postcodeniveau nodig?")
    trustworthy_answer(answer, assistant)
    by_id = {p.id: p for p in assistant.library.passages}
    kinds = [by_id[c.passage_id].kind for c in answer.citations]
    assert "footnote" in kinds, answer.answer


@pytest.mark.parametrize("question", ["Welke subsidie krijgt een RESV?", "Hoeveel gemeenten moeten meedoen?"])
def test_asked_for_thing_absent_from_the_sources_abstains(assistant, question):
    answer = assistant.ask(question)
    abstention_cites_nothing(answer)
    assert answer.reason == "fact_not_in_sources"


def test_ordinal_follow_up_picks_from_the_previous_list(assistant):
    history = [ChatTurn(role="user", content="Welke hoofdtaken heeft een RESV?"), ChatTurn(role="assistant", content="…")]
    answer = assistant.ask("En de derde?", history=history)
    trustworthy_answer(answer, assistant)
    by_id = {p.id: p for p in assistant.library.passages}
    assert {by_id[c.passage_id].hoofdtaak for c in answer.citations} == {3}


def test_a_question_in_other_words_naming_an_insurer_is_placed_not_answered_with_its_whole_policy(assistant):
    # "look after the money": the policy speaks of a kassier; no word of the question is in it
    answer = assistant.ask("Who should look after the money for CZ?")
    trustworthy_answer(answer, assistant)
    by_id = {p.id: p for p in assistant.library.passages}
    cited = [by_id[c.passage_id] for c in answer.citations]
    bouwstenen = {p.bouwsteen for p in cited if p.insurer == "CZ"}
    everything = {p.bouwsteen for p in assistant.library.passages if p.insurer == "CZ" and p.kind == "bullet"}
    assert 1 <= len(bouwstenen) <= shapes.CLOSEST_BULLETS < len(everything), bouwstenen
    assert any("kassier" in p.text.lower() for p in cited), answer.answer


def test_which_insurers_shows_the_other_sources_best_ranked_first(assistant):
    from assistant.answer.context import Context
    from assistant.answer.shapes import K_GENERAL

    question = "Welke verzekeraars zeggen iets over wie het plan mag beoordelen als er twee verzekeraars zijn?"
    answer = assistant.ask(question)
    trustworthy_answer(answer, assistant)
    ctx = Context.of(assistant.read_question(question, None, ()), assistant.library)
    ranked = [h.passage.id for h in ctx.hits(K_GENERAL, lambda p: p.insurer is None and p.kind != "cell")]
    shown = list(dict.fromkeys(c.passage_id for c in answer.citations if not c.insurer))
    assert shown and shown[0] == ranked[0]
    assert [ranked.index(p) for p in shown if p in ranked] == sorted(ranked.index(p) for p in shown if p in ranked)


def test_which_insurers_shows_no_pointer_elsewhere_for_what_the_other_sources_say(assistant):
    # The best-ranked passage of the other sources is shown even without the topic's words; one
    # that only says where something is written ("Hier staat …") says nothing on the topic.
    answer = assistant.ask("Welke verzekeraars zeggen iets over digitalisering?")
    trustworthy_answer(answer, assistant)
    assert not any(Sources.points_elsewhere(c.quote) for c in answer.citations), answer.answer


def test_a_question_naming_no_insurer_is_answered_first_by_what_applies_to_all(assistant):
    answer = assistant.ask("What are the minimum requirements to get funding in 2027?")
    trustworthy_answer(answer, assistant)
    assert answer.citations and answer.citations[0].insurer is None, answer.answer


def test_which_insurers_names_no_policy_for_one_of_three_words_asked_about(assistant):
    # Every policy speaks of the region; none of who leads the assessment: the handreiking does.
    answer = assistant.ask("Which insurer leads the assessment in our region?")
    trustworthy_answer(answer, assistant)
    assert not any(c.insurer for c in answer.citations), answer.answer
    assert "marktleider" in answer.answer, answer.answer

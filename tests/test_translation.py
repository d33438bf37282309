"""English questions meet Dutch sources through the translation table (`data/translation.toml`)."""

from __future__ import annotations

import tomllib

from assistant.answer.focus import coverage
from assistant.domain import TRANSLATION_FILE, get_translation
from assistant.settings import PROJECT_ROOT
from assistant.text import stem, words
from assistant.understand import understand
from tests.invariants import trustworthy_answer


def test_every_source_word_stands_in_the_seed_sources():
    data = tomllib.loads(TRANSLATION_FILE.read_text(encoding="utf-8"))
    corpus = set()
    for path in (PROJECT_ROOT / "corpus").glob("*.txt"):
        corpus.update(words(path.read_text(encoding="utf-8")))
    assert data["source"] and data["general"]
    assert not [w for w in data["source"] if w not in corpus]
    assert all(renderings for section in ("source", "general") for renderings in data[section].values())


def test_longest_rendering_wins_and_function_words_are_not_translated():
    spans = get_translation().spans("Is district nursing part of it?")
    found = {tuple(words("Is district nursing part of it?")[a:b]): dutch for a, b, dutch in spans}
    assert "wijkverpleging" in found[("district", "nursing")]
    assert not any(key in found for key in (("is",), ("it",), ("of",)))


def test_an_english_question_is_about_dutch_words_and_a_dutch_one_is_not_translated():
    english = understand("Does the local authority have to sign the plan as well?")
    assert stem("gemeente") in english.focus and "gemeente" in english.lexical_terms
    dutch = understand("Moet de gemeente het plan ook ondertekenen?")
    assert dutch.translations == [] and dutch.alternatives == {}


def test_renderings_of_one_word_count_once():
    question = understand("Which rules does the municipality set for the budget?")
    same = question.alternatives
    municipality = [f for f in question.focus if same.get(f) == stem("gemeente") or f == stem("gemeente")]
    assert len(municipality) > 1  # several Dutch renderings of one English word
    text = "De gemeente stelt eisen aan de begroting."
    grouped, flat = coverage(text, question.focus, same=same), coverage(text, question.focus)
    assert grouped > flat


def test_a_count_of_a_thing_named_in_plain_english_is_found(assistant):
    answer = assistant.ask("How many therapists does Zilveren Kruis require at least?")
    trustworthy_answer(answer, assistant)
    assert not answer.abstained
    assert "3 paramedische" in answer.answer[:300]


def test_an_english_question_is_in_the_domain_by_the_things_it_asks_about_not_by_their_renderings(assistant):
    from assistant.answer.context import Context

    query = understand("Which body keeps an eye on double payments for coordination?")
    focus = Context.of(query, assistant.library).focus
    things = {query.alternatives.get(f, f) for f in query.focus}
    assert len(focus.known()) / len(query.focus) < 0.5  # most renderings are words the sources do not use …
    assert len(focus.known_things()) / len(things) >= 0.5 and focus.in_domain()  # … but most things asked about stand in them


def test_a_word_found_at_either_end_of_a_dutch_compound(assistant):
    from assistant.answer.context import Context

    assert coverage("Jaarverslagen en kwartaalcijfers zijn verplicht.", [stem("verslag"), stem("cijfers")]) == 1.0
    assert coverage("Jaarverslagen zijn verplicht.", [stem("jaar")]) == 0.0  # a short stem matches no part
    focus = Context.of(understand("Is er een ladder?"), assistant.library).focus
    assert not any(t == "ladder" for t in focus.vocabulary) and focus.knows_stem("ladder")  # only in "escalatieladder"

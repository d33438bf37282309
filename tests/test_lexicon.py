"""The corpus vocabulary test behind abstentions: compounds and verb forms count as known."""

from assistant.lexicon import Lexicon

TEXT = """Het beoordelingsproces van het plan wordt afgerond. De zorgverzekeraar beoordeelt het plan
en financiering van activiteiten. Gemeenten financieren het sociaal domein."""


def test_compounds_and_verb_forms_are_known():
    lexicon = Lexicon([TEXT])
    for word in ("beoordelingsproces", "plannen", "meebeoordelen", "financiert", "gemeente", "activiteitenplan"):
        assert lexicon.knows(word), word


def test_words_absent_from_the_corpus_are_unknown():
    lexicon = Lexicon([TEXT])
    for word in ("boete", "appeltaart", "hoofdstad", "uurtarief"):
        assert not lexicon.knows(word), word


def test_the_head_of_a_compound_is_the_known_word_it_ends_in():
    lexicon = Lexicon([TEXT])
    assert lexicon.head("kernactiviteiten") == "activiteiten"  # a kind of activiteiten, its first part unknown
    assert lexicon.head("jaarplan") == "plan"
    assert lexicon.head("boete") == "" and lexicon.head("plan") == ""  # no compound, or none of a known word

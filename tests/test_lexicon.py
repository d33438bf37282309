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

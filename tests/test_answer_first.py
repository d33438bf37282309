"""The answer first: a fact question opens with the cited sentence that states the fact; a list
question keeps its list; every insurer a headline names is cited."""

from __future__ import annotations

import re
import string
import tomllib
from types import SimpleNamespace

import pytest

from assistant.answer.context import Context
from assistant.answer.sources import Sources
from assistant.domain import MESSAGES_FILE
from assistant.ingest.manifest import load_corpus
from assistant.text import stem
from assistant.understand import FACT_PATTERNS, understand
from tests.documents import one_document_corpus, one_document_service
from tests.invariants import answered_first, trustworthy_answer


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Wat is de uiterste datum waarop het RESV-plan moet zijn ingediend?", "date"),
        ("By what date must the RESV plan be with the insurer?", "date"),
        ("Hoeveel hoofdtaken moet een RESV in 2027 minimaal uitvoeren volgens CZ?", "count"),
    ],
)
def test_fact_question_opens_with_the_fact(assistant, question, kind):
    answer = assistant.ask(question)
    trustworthy_answer(answer, assistant)
    assert not answer.abstained
    head = answer.answer[:answer.context_start] if answer.context_start is not None else answer.answer.split("\n\n")[0]
    assert FACT_PATTERNS[kind].search(head[:300]), head
    first = [int(n) for n in re.search(r"\[(\d+(?:, \d+)*)\]", head).group(1).split(", ")]
    quote = " ".join(c.quote for c in answer.citations if c.n in first)
    assert FACT_PATTERNS[kind].search(quote), "the opening sentence's own citations hold the fact"


def test_context_follows_the_answer_and_is_marked(assistant):
    answer = assistant.ask("Wat is de uiterste datum waarop het RESV-plan moet zijn ingediend?")
    assert answer.context_start is not None
    assert answer.answer[answer.context_start:].startswith("**Context uit de bronnen**")
    english = assistant.ask("By what date must the RESV plan be with the insurer?")
    assert english.context_start is not None and english.answer[english.context_start:].startswith("**Context from the sources**")


def test_requirement_question_keeps_its_whole_list(assistant):
    answer = assistant.ask("Wat eist VGZ voor bouwsteen 3?")
    trustworthy_answer(answer, assistant)
    assert answer.context_start is None
    bullets = [p.text for p in assistant.library.passages if p.kind == "bullet" and p.insurer == "VGZ" and p.bouwsteen == 3]
    assert bullets and all(any(b in c.quote for c in answer.citations) for b in bullets)


def test_every_insurer_in_a_headline_is_cited(assistant):
    answer = assistant.ask("Welke verzekeraars noemen een escalatieladder?")
    trustworthy_answer(answer, assistant)
    headline = answer.answer.splitlines()[0]
    by_n = {c.n: c for c in answer.citations}
    named = re.findall(r"(Zilveren Kruis|CZ|VGZ|Menzis) \[(\d+)\]", headline)
    assert named, headline
    for insurer, n in named:
        assert by_n[int(n)].insurer == insurer
    for insurer in ("Zilveren Kruis", "CZ", "VGZ", "Menzis"):
        if insurer in headline.split(":", 1)[1]:
            assert insurer in {i for i, _ in named}


def test_a_domain_question_with_money_words_is_answered(assistant):
    answer = assistant.ask("Waarvoor mogen de RESV-middelen worden ingezet?")
    trustworthy_answer(answer, assistant)
    assert not answer.abstained


def test_messages_have_both_languages_with_the_same_fields():
    data = tomllib.loads(MESSAGES_FILE.read_text(encoding="utf-8"))
    fields = lambda text: {f for _, f, _, _ in string.Formatter().parse(text) if f}  # noqa: E731
    for table in ("message", "heading", "intro"):
        for key, row in data[table].items():
            assert row["nl"].strip() and row["en"].strip(), key
            # Dutch alone needs the article-bound pronoun after a kind of fact ("dat", "die").
            assert fields(row["en"]) <= fields(row["nl"]) and fields(row["nl"]) - fields(row["en"]) <= {"which"}, key


def test_a_label_or_a_lone_lead_in_states_nothing(tmp_path):
    note = ("# Notitie\n\nZie onderdeel G.\n\nBorging opzet:\n\nDe coördinator legt elk kwartaal verantwoording af aan het bestuur.\n\n"
            "Deelnemers zijn:\n\n- Huisartsenzorg\n- Wijkverpleging\n")
    documents, passages = load_corpus(one_document_corpus(tmp_path, "notitie.md", note))
    sources = Sources(SimpleNamespace(passages=passages, documents={d.id: d for d in documents}))
    by_text = {p.text.strip(): p for p in passages}
    lead_in, items = by_text["Deelnemers zijn:"], [by_text["- Huisartsenzorg"], by_text["- Wijkverpleging"]]
    assert not sources.says_something(by_text["Zie onderdeel G."], passages)
    assert not sources.says_something(by_text["Borging opzet:"], passages)  # the paragraph after it is no list of it
    assert sources.says_something(by_text["De coördinator legt elk kwartaal verantwoording af aan het bestuur."], passages)
    assert sources.says_something(lead_in, [lead_in, *items]) and not sources.says_something(lead_in, [lead_in])
    assert all(sources.says_something(item, items) for item in items)  # short, but items of a list


@pytest.mark.parametrize(("text", "counts"), [
    ("Het plan loopt van 2027 tot en met 2029.", []),  # years are no count
    ("Lever het plan in vóór 15 juli.", []),  # nor is the day of a date
    ("Minimaal 3 disciplines en één apotheek doen mee.", ["3", "één"]),
    ("3.2.1 Samenwerking in de regio", []),  # nor is a section's number
    ("Het kader groeit met 3,5 procent voor 1.200 huisartsen.", ["1.200"]),  # nor a decimal; thousands are one number
    ("Het geldt voor 4,3 miljoen ingeschreven patiënten.", ["4,3"]),  # but millions are counted
])
def test_a_count_is_a_number_of_things(text, counts):
    assert [m.group(0) for m in FACT_PATTERNS["count"].finditer(text)] == counts


def test_a_date_in_the_passage_closest_in_meaning_answers_a_question_in_other_words(assistant):
    # The subject's words need not stand in the sentence when the embedder finds its passage the
    # closest to the question; a count still needs the thing it counts.
    ctx = Context.of(understand("Tot wanneer kunnen we onze stukken opsturen?"), assistant.library)
    closest = ctx.focus.closest()
    assert closest
    ctx.q.focus = [stem("gemeenten")]  # a subject the sentences below do not name
    assert ctx.focus.subject_stems()
    assert ctx.focus.sentence_states("Uiterlijk 1 maart 2027 volgt het besluit.", "date", closest)
    assert not ctx.focus.sentence_states("Uiterlijk 1 maart 2027 volgt het besluit.", "date", ["elders"])
    assert not ctx.focus.sentence_states("Er zijn vijf hoofdtaken.", "count", closest)


def test_a_count_of_a_compound_counts_the_kind_its_last_part_names(assistant):
    # The sources say "hoofdtaken"; a user says "kerntaken" or "taken": both count "taken".
    for question in ("Hoeveel kerntaken heeft een RESV?", "Hoeveel taken heeft een RESV?"):
        ctx = Context.of(understand(question), assistant.library)
        assert not ctx.focus.target_unknown(), question
        assert ctx.focus.sentence_states("Er zijn vijf hoofdtaken.", "count", ["elders"]), question
        assert not ctx.focus.sentence_states("Er zijn vijf bouwstenen.", "count", ["elders"]), question
    answered_first(assistant, "Hoeveel kerntaken heeft een RESV?", "vijf hoofdtaken")


def test_a_question_the_source_asks_never_leads_an_answer(tmp_path):
    note = ("# Ondersteuning\n\nHeeft u vragen over de aanvraag van de subsidie?\n\n"
            "Vragen over de aanvraag van de subsidie beantwoordt het regiobureau binnen vijf werkdagen.\n")
    service = one_document_service(tmp_path, "ondersteuning.md", note)
    answer = service.ask("Wie beantwoordt vragen over de aanvraag van de subsidie?")
    assert not answer.abstained and answer.context_start is not None, answer.answer
    head = answer.answer[:answer.context_start]
    assert head.startswith("Vragen over de aanvraag van de subsidie beantwoordt het regiobureau"), head


def test_a_figure_in_a_later_row_of_a_table_is_read_with_the_tables_header(tmp_path):
    from tests.documents import make_pdf

    names = ["Noord", "Oost", "Zuid", "West", "Midden", "Kust", "Delta", "Heuvel", "Veen", "Stad"]
    rows = [f"Regio {name} {10 + n},0 {20 + n},5 {30 + n},0" for n, name in enumerate(names)]
    page = ["Budgetten per regio", "De budgetten staan in de tabel hieronder.", "Bedragen x € 1 miljoen 2027 2028 2029", *rows,
            "Deze bedragen zijn voorlopig."]
    service = one_document_service(tmp_path, "budget.pdf", make_pdf([page]))
    answer = service.ask("Welk bedrag staat er voor Regio Stad in 2028?")  # a row past the first block: no € of its own
    trustworthy_answer(answer, service)
    assert not answer.abstained, answer.answer
    head = answer.answer[:answer.context_start] if answer.context_start is not None else answer.answer
    assert "Regio Stad 19,0 29,5 39,0" in head, answer.answer


def test_a_tables_rows_state_figures_of_the_kind_its_header_gives_them_and_about_their_own_label(tmp_path):
    from tests.documents import make_pdf

    rows = [f"Regio {name} {10 + n},0 {20 + n},5 {30 + n},0" for n, name in enumerate(["Noord", "Oost", "Zuid", "West"])]
    page = ["Budgetten per regio", "De gemeente draagt bij aan de kosten van de wijkteams.",
            "Bedragen x € 1 miljoen 2027 2028 2029", *rows, "Deze bedragen zijn voorlopig."]
    service = one_document_service(tmp_path, "budget.pdf", make_pdf([page]))
    # The header's unit is no amount of its own, and no row is about the gemeente.
    assert service.ask("Welk bedrag betaalt de gemeente voor de wijkteams?").abstained
    # Figures in millions of euros count nothing.
    assert service.ask("Hoeveel wijkteams heeft Regio Zuid?").abstained
    answer = service.ask("Welk bedrag staat er voor Regio Zuid in 2029?")
    trustworthy_answer(answer, service)
    head = answer.answer[:answer.context_start] if answer.context_start is not None else answer.answer
    assert head.startswith("Regio Zuid 12,0 22,5 32,0 ["), answer.answer  # the row is the answer, cited alone


def test_a_footnote_that_answers_comes_with_the_passage_that_carries_its_mark(assistant):
    answer = assistant.ask("Waarom is die afbakening nodig voor de verdeelsleutel?")
    trustworthy_answer(answer, assistant)
    assert answer.answer.startswith("⁴ Deze afbakening is van belang"), answer.answer
    assert any("afgebakend op postcodeniveau⁴" in c.quote for c in answer.citations), answer.answer


def test_a_table_continued_after_a_page_break_is_read_row_by_row_with_its_header(tmp_path):
    from tests.documents import make_pdf

    rows = [f"Regio {name} {10 + n},0 {20 + n},5 {30 + n},0" for n, name in enumerate(["Noord", "Oost", "Zuid", "West", "Midden"])]
    first = ["Budgetten per regio", "De budgetten staan in de tabel hieronder.", "Bedragen x € 1 miljoen 2027 2028 2029", *rows]
    second = ["w.v. Stad 15,0 16,5 17,0", "w.v. Veen 14,0 15,5 16,0", "Deze bedragen zijn voorlopig."]  # "waarvan" rows, over the page
    service = one_document_service(tmp_path, "budget.pdf", make_pdf([first, second]))
    answer = service.ask("Welk bedrag staat er voor Stad in 2028?")
    trustworthy_answer(answer, service)
    head = answer.answer[:answer.context_start] if answer.context_start is not None else answer.answer
    assert head.startswith("w.v. Stad 15,0 16,5 17,0 ["), [(p.kind, p.continues is not None, p.text) for p in service.library.passages]


def test_the_rows_that_continue_a_table_in_another_passage_are_rows_of_that_table():
    from assistant.answer.citations import Citations, sentences
    from assistant.models import Passage

    text = "Bedragen x € 1 miljoen 2027 2028\nRegio Noord 1,0 2,0\n\fw.v. Stad 3,0 4,0\nw.v. Veen 5,0 6,0"
    cut = text.index("\f") + 1
    table = Passage(id="t", document_id="d", start=0, end=cut - 2, text=text[:cut - 2], kind="table")
    rest = Passage(id="r", document_id="d", start=cut, end=len(text), text=text[cut:], kind="paragraph", continues="t")
    rows = sentences(text, [table, rest])
    assert [text[c.start:c.end] for [c] in rows] == ["Bedragen x € 1 miljoen 2027 2028", "Regio Noord 1,0 2,0", "w.v. Stad 3,0 4,0",
                                                        "w.v. Veen 5,0 6,0"]
    assert [c.passage.id for [c] in rows] == ["t", "t", "r", "r"]  # each row cited in its own passage
    documents = {"d": SimpleNamespace(id="d", text=text, info=SimpleNamespace(title="Tabel"), extracted=SimpleNamespace(page_at=lambda _: 1))}
    quoted = Citations(documents).passage([table, rest])
    assert quoted.endswith("[1, 2]")  # the table quoted whole, one citation per passage


def test_context_quotes_the_sentences_next_to_the_answer_and_on_the_question_not_the_rest(tmp_path):
    note = ("# Vervoer\n\nDe regiotaxi rijdt op werkdagen tussen zeven uur en middernacht. Dit geldt ook op feestdagen. "
            "Het gemeentehuis is verbouwd met een nieuwe vleugel. De raad vergaderde daarover drie keer. "
            "Bij de aanbesteding van de regiotaxi telde de prijs het zwaarst.\n")
    service = one_document_service(tmp_path, "vervoer.md", note)
    answer = service.ask("Tot hoe laat rijdt de regiotaxi op werkdagen?")
    trustworthy_answer(answer, service)
    assert answer.context_start is not None, answer.answer
    assert answer.answer.startswith("De regiotaxi rijdt op werkdagen tussen zeven uur en middernacht. [1]")
    context = answer.answer[answer.context_start:]
    assert "Dit geldt ook op feestdagen." in context  # the sentence right after the answer
    assert "aanbesteding van de regiotaxi" in context and "gemeentehuis" not in context  # on the question; the rest left out
    assert "…" in context  # where sentences were left out


def test_when_may_ask_for_a_condition_and_a_date_elsewhere_does_not_answer_it(tmp_path):
    # "wanneer" asks for a date or a condition: a date in a passage that is not the best answer
    # (a disclaimer on rules not yet set) must not lead over the condition the question is about.
    note = ("# Financiering van projecten\n\nNog niet alle regels voor de financiering van projecten zijn vastgesteld; "
            "naar verwachting gebeurt dit eind 2025.\n\n"
            "Vraagt een project financiering van twee financiers, dan wordt de financiering pas definitief als beide financiers akkoord zijn.\n\n"
            "De projectleider stuurt elk kwartaal een overzicht van de uitgaven naar de financiers.\n")
    service = one_document_service(tmp_path, "financiering.md", note)
    condition = service.ask("Wanneer wordt de financiering van een project definitief?")
    trustworthy_answer(condition, service)
    assert condition.answer.startswith("Vraagt een project financiering van twee financiers"), condition.answer
    date = service.ask("Wanneer worden de regels voor financiering vastgesteld?")
    assert date.answer.startswith("Nog niet alle regels"), date.answer  # a date, where the best passage states one


def test_a_lead_sentence_that_opens_a_list_is_answered_with_the_list(tmp_path):
    note = ("# Projectplan\n\nIn het projectplan wordt de aanpak toegelicht.\n\n"
            "Het projectplan beschrijft tenminste de volgende onderdelen:\n\n- De doelen van het project.\n- De begroting van het project.\n\n"
            "Het projectplan wordt elk jaar bijgewerkt door de projectleider.\n")
    service = one_document_service(tmp_path, "projectplan.md", note)
    answer = service.ask("Welke onderdelen beschrijft het projectplan?")
    trustworthy_answer(answer, service)
    head = answer.answer if answer.context_start is None else answer.answer[:answer.context_start]
    assert head.startswith("Het projectplan beschrijft tenminste de volgende onderdelen:"), answer.answer
    assert "- De doelen van het project." in head and "- De begroting van het project." in head, answer.answer
    assert answer.answer.count("De doelen van het project") == 1  # not repeated as context


@pytest.mark.parametrize(("question", "definition"), [
    ("Wat verstaat de notitie onder een wijkteam?", True),
    ("Wat wordt er bedoeld met een wijkteam?", True),
    ("Wat bedoelen ze met een wijkteam?", True),
    ("What is meant by a neighbourhood team?", True),
    ("How do they define a neighbourhood team?", True),
    ("Wat is de deadline van het plan?", False),  # a fact, not what a word means
    ("Welke eisen gelden voor een wijkteam?", False),
])
def test_a_question_for_what_a_term_means(question, definition):
    assert understand(question).definition is definition


def test_a_definition_question_leads_with_the_sentence_that_defines_the_term(tmp_path):
    note = ("# Zorg in de wijk\n\nIn elke gemeente werken wijkteams samen met de huisartsen in de wijk.\n\n"
            "Het wijkteam overlegt elke maand met de praktijkondersteuners over de wijkteams en hun taken.\n\n"
            "Met een wijkteam bedoelen we een vaste groep professionals uit zorg en welzijn die inwoners van één wijk ondersteunt.\n")
    service = one_document_service(tmp_path, "wijkteams.md", note)
    for question in ("Wat verstaat de notitie onder een wijkteam?", "What is meant by a wijkteam?"):
        answer = service.ask(question)
        trustworthy_answer(answer, service)
        assert answer.answer.startswith("Met een wijkteam bedoelen we"), answer.answer
    plain = service.ask("Met wie werken de wijkteams samen?")
    assert not plain.answer.startswith("Met een wijkteam bedoelen we"), plain.answer  # only a definition question prefers it


def test_what_a_bouwsteen_name_means_is_answered_by_its_definition_not_the_whole_bouwsteen(assistant):
    answer = assistant.ask("Wat wordt bedoeld met executiekracht?")
    trustworthy_answer(answer, assistant)
    assert answer.answer.lstrip("⁰¹²³⁴⁵⁶⁷⁸⁹ ").startswith("Executiekracht is het gezamenlijke vermogen"), answer.answer
    assert len(answer.answer) < 1000


def test_how_much_without_a_noun_is_answered_by_an_amount_and_which_year_by_a_year(tmp_path):
    note = ("# Regiobudget\n\nVoor de wijkteams in de regio is in totaal 12 miljoen euro gereserveerd door de provincie.\n\n"
            "De samenwerking in de regio werkt vanaf 2029 volledig, na een opbouw in drie stappen.\n")
    service = one_document_service(tmp_path, "budget.md", note)
    answered_first(service, "Hoeveel is er voor de wijkteams in de regio gereserveerd?", "12 miljoen euro")
    answered_first(service, "In welk jaar werkt de samenwerking in de regio volledig?", "vanaf 2029")


def test_a_paragraph_whose_last_sentence_opens_a_list_still_states_its_other_sentences(tmp_path):
    note = ("# Voortgang\n\nInmiddels zijn 41 van de 60 acties van het programma afgerond. Het programma loopt door tot 2028. "
            "Enkele resultaten van het afgelopen jaar zijn:\n\n# Resultaten\n\nIn de regio is een regionaal loket voor inwoners geopend.\n\n"
            "De acties van het programma worden elk kwartaal besproken met de partners.\n")
    service = one_document_service(tmp_path, "voortgang.md", note)
    answer = service.ask("Hoeveel van de acties van het programma zijn afgerond?")
    trustworthy_answer(answer, service)
    assert not answer.abstained and answer.answer.startswith("Inmiddels zijn 41 van de 60 acties"), answer.answer


def test_words_of_one_family_are_one_subject():
    from assistant.answer.focus import stem_match

    assert stem_match(stem("paramedische"), [stem("paramedici")])  # derivations share a long root
    assert stem_match(stem("financieel"), [stem("financiering")])
    assert not stem_match(stem("samenstelling"), [stem("samenwerking")])  # a short shared start is no family


def test_a_fact_about_a_place_the_sources_never_name_is_not_in_them(tmp_path):
    note = "# Budget\n\nVoor de wijkteams in de regio is in totaal 12 miljoen euro gereserveerd door de provincie.\n"
    service = one_document_service(tmp_path, "budget.md", note)
    named = service.ask("Hoeveel euro krijgen de wijkteams in de regio Drechtsteden?")
    assert named.abstained and "Drechtsteden" in named.answer and not named.citations, named.answer
    general = service.ask("Hoeveel euro is er voor de wijkteams in de regio gereserveerd?")
    assert not general.abstained and "12 miljoen euro" in general.answer, general.answer
    said_in_passing = service.ask("Wij werken in Drechtsteden. Door wie is het geld voor de wijkteams in de regio gereserveerd?")
    assert not said_in_passing.abstained and "provincie" in said_in_passing.answer, said_in_passing.answer  # no fact of Drechtsteden asked


def test_a_capitalised_english_word_with_a_dutch_rendering_is_no_name(assistant):
    for question, name in (("How much money is due in June?", None), ("What amount does the Dutch government pay?", None),
                           ("How much does Zwolle get?", "Zwolle")):
        assert Context.of(understand(question), assistant.library).focus.unknown_name() == name, question


def test_a_fact_of_a_named_place_is_stated_where_the_place_is_named(tmp_path):
    note = ("# Wijkteams\n\nIn de gemeente Zwolle werken drie wijkteams samen met de huisartsen.\n\n"
            "Voor alle wijkteams in de provincie is in totaal 12 miljoen euro gereserveerd.\n")
    service = one_document_service(tmp_path, "wijkteams.md", note)
    amount = service.ask("Hoeveel euro krijgen de wijkteams in de gemeente Zwolle?")
    assert amount.abstained and not amount.citations, amount.answer  # the amount is the province's, not Zwolle's
    answered_first(service, "Hoeveel wijkteams werken er in de gemeente Zwolle?", "drie wijkteams")


def test_a_time_of_day_a_length_of_time_and_a_price_asked_in_other_words_are_facts(tmp_path):
    note = ("# Bijeenkomst\n\nDe regionale bijeenkomst van de samenwerking begint om 14.00 uur in het gemeentehuis. "
            "Deelname aan de bijeenkomst kost 25 euro per persoon.\n\n"
            "De overeenkomst met de regio heeft een looptijd van drie jaar en wordt daarna geëvalueerd.\n\n"
            "De periode van 2027 tot 2029 is de opbouwfase van de samenwerking.\n")
    service = one_document_service(tmp_path, "bijeenkomst.md", note)
    for question, fact in (("Hoe laat begint de regionale bijeenkomst?", "14.00 uur"),
                           ("At what time does the regional meeting start?", "14.00 uur"),
                           ("Hoe lang loopt de overeenkomst met de regio?", "drie jaar"),
                           ("For how many years does the agreement with the region run?", "drie jaar"),
                           ("What does taking part in the regional meeting cost?", "25 euro")):
        answered_first(service, question, fact)
    # Neither is stated of the phase: a period between two years says when, not for how long.
    for question in ("Hoe lang duurt de opbouwfase van de samenwerking?", "Hoe laat sluit de opbouwfase af?"):
        answer = service.ask(question)
        assert answer.abstained and not answer.citations, (question, answer.answer)


def test_a_sentence_that_only_points_elsewhere_never_leads(tmp_path):
    note = ("# Verder lezen\n\n**Hier** staat welke gemeenten in de regio samenwerken met de huisartsen.\n\n"
            "# Overleg\n\nIn Assen en Emmen overleggen de gemeenten elke maand met de huisartsen.\n")
    service = one_document_service(tmp_path, "verder.md", note)
    answer = service.ask("Welke gemeenten werken in de regio samen met de huisartsen?")
    trustworthy_answer(answer, service)
    assert not answer.answer.startswith("**Hier** staat"), answer.answer  # quoted under its heading, if at all, never first


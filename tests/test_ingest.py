"""Loaders and structural ingestion, on real files and the real corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import (
    CorpusError,
    CorruptFileError,
    EmptyDocumentError,
    EncryptedPdfError,
    FileTooLargeError,
    NoTextLayerError,
    UnsupportedFileError,
)
from assistant.ingest.manifest import load_corpus
from assistant.ingest.loaders import load_bytes
from assistant.ingest.segment import segment
from assistant.settings import DocumentLimits
from tests.documents import LETTER, make_docx, make_image_only_pdf, make_pdf, one_document_corpus


def test_pdf_keeps_pages_and_joins_hyphenated_words():
    data = make_pdf([["Hoofdstuk 1", "De samen-", "werking met de gemeente is vastgelegd."], ["Pagina twee: „cao's“ en 15\u00a0juli."]])
    extracted = load_bytes(data, "plan.pdf")
    assert "samenwerking met de gemeente" in extracted.text
    offset = extracted.text.index("Pagina twee")
    assert extracted.page_at(offset) == 2
    assert extracted.page_at(0) == 1
    assert "„cao's“" in extracted.text


def test_docx_headings_lists_and_tables():
    data = make_docx([("h1", "Executiekracht"), ("p", "Wij werken samen met de gemeente."), ("li", "Een escalatieladder is vastgesteld.")],
                     table=[["Post", "Bedrag"], ["Coördinatie", "€ 120.000"]])
    extracted = load_bytes(data, "plan.docx")
    blocks = segment(extracted.text, extracted.heading_spans)
    kinds = [(b.kind, b.body) for b in blocks]
    assert ("heading", "Executiekracht") in kinds
    assert ("list_item", "Een escalatieladder is vastgesteld.") in kinds
    assert any(b.kind == "table_row" and b.cells == ["Coördinatie", "€ 120.000"] for b in blocks)
    assert extracted.page_starts is None


def test_html_and_markdown():
    html = "<html><body><h2>Bouwsteen 5</h2><p>Wij hebben een <b>escalatieladder</b> &amp; risico's.</p><ul><li>Eerste</li></ul></body></html>"
    extracted = load_bytes(html.encode(), "beleid.html")
    assert "Wij hebben een escalatieladder & risico's." in extracted.text
    assert extracted.heading_spans and extracted.text[extracted.heading_spans[0][0]:extracted.heading_spans[0][1]] == "Bouwsteen 5"
    markdown = load_bytes("# Titel\n\nTekst.\n".encode(), "plan.md")
    assert markdown.heading_spans[0][2] == 1


@pytest.mark.parametrize(
    ("data", "name", "error"),
    [
        (b"", "leeg.pdf", EmptyDocumentError),
        (b"   \n", "leeg.txt", EmptyDocumentError),
        (b"%PDF-1.4 this is not really a pdf", "kapot.pdf", CorruptFileError),
        (b"PK\x03\x04 nonsense", "kapot.docx", UnsupportedFileError),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "plaatje.pdf", UnsupportedFileError),
        (b"MZ\x90\x00\x03\x00\x00\x00", "programma.exe", UnsupportedFileError),
        (b"hello", "plan.xlsx", UnsupportedFileError),
    ],
)
def test_bad_files_raise_clear_errors(data, name, error):
    with pytest.raises(error) as caught:
        load_bytes(data, name)
    assert caught.value.message and "Traceback" not in caught.value.message


def test_encrypted_and_scanned_pdf():
    with pytest.raises(EncryptedPdfError, match="wachtwoord"):
        load_bytes(make_pdf([["Geheim plan"]], password="s3cret"), "plan.pdf")
    with pytest.raises(NoTextLayerError, match="OCR"):
        load_bytes(make_image_only_pdf(), "scan.pdf")


def test_size_and_page_limits():
    with pytest.raises(FileTooLargeError, match="grens"):
        load_bytes(b"x" * 2000, "plan.txt", DocumentLimits(max_bytes=1000))
    with pytest.raises(FileTooLargeError, match="pagina"):
        load_bytes(make_pdf([["a"], ["b"], ["c"]]), "plan.pdf", DocumentLimits(max_pages=2))


def test_corpus_structure(corpus_dir: Path):
    documents, passages = load_corpus(corpus_dir)
    by_doc = {d.id: d for d in documents}
    for passage in passages:
        assert by_doc[passage.document_id].text[passage.start:passage.end] == passage.text
    cells = [p for p in passages if p.kind == "cell"]
    assert {(p.insurer, p.bouwsteen) for p in cells} == {(i, b) for i in ("Zilveren Kruis", "CZ", "VGZ", "Menzis") for b in range(1, 8)}
    bullets = [p for p in passages if p.kind == "bullet"]
    assert all("•" not in p.text and "<" not in p.text for p in bullets)
    assert any(p.text == "Min. 3 paramedische subdisciplines." and p.insurer == "Zilveren Kruis" for p in bullets)
    handreiking = [p for p in passages if p.document_id == "handreiking-contractering-resv"]
    assert {p.bouwsteen for p in handreiking if p.bouwsteen} == set(range(1, 8))
    assert {p.hoofdtaak for p in handreiking if p.kind == "hoofdtaak"} >= {1, 2, 3, 4, 5}
    escalation = next(p for p in handreiking if "Escalatieladder:" in p.text)
    assert escalation.bouwsteen == 5 and "Sturing en verantwoording" in escalation.section[-1]
    definition = next(p for p in handreiking if p.text.startswith("⁷"))
    assert definition.kind == "footnote" and definition.bouwsteen == 5
    # a budget point displaced by the PDF's column layout belongs to bouwsteen 7, not 6
    displaced = next(p for p in handreiking if p.text.startswith("- Gemeente/sociaal domein"))
    assert displaced.bouwsteen == 7
    # a list item keeps the sentence that introduces it
    item = next(p for p in handreiking if "Gemandateerde zorgaanbieders" in p.text)
    assert item.lead_in and "minimale eisen" in item.lead_in


def test_passage_ids_are_stable(corpus_dir: Path):
    first = [p.id for p in load_corpus(corpus_dir)[1]]
    second = [p.id for p in load_corpus(corpus_dir)[1]]
    assert first == second and len(set(first)) == len(first)


def test_faq_document_becomes_question_answer_passages(tmp_path: Path):
    faq = ("# Veelgestelde vragen\n\nMoet het werkgebied op postcodeniveau?\n\nJa, het werkgebied wordt afgebakend op postcodeniveau.\n\n"
           "Wat valt onder bouwsteen 7?\n\nDe begroting voor 2027.\nDaarin staat ook de dubbele financiering.\n")
    _, passages = load_corpus(one_document_corpus(tmp_path, "faq.md", faq, kind="faq"))
    assert [p.section[-1] for p in passages] == ["Moet het werkgebied op postcodeniveau?", "Wat valt onder bouwsteen 7?"]
    assert passages[1].bouwsteen == 7 and "dubbele financiering" in passages[1].text


def test_manifest_errors_are_clear(tmp_path: Path):
    with pytest.raises(CorpusError, match="bestaat niet"):
        load_corpus(tmp_path / "nergens")
    with pytest.raises(CorpusError, match="manifest.toml"):
        load_corpus(tmp_path)
    (tmp_path / "manifest.toml").write_text('[[document]]\nid = "x"\ntitle = "X"\nkind = "other"\nfile = "ontbreekt.txt"\n')
    with pytest.raises(CorpusError, match="ontbreekt"):
        load_corpus(tmp_path)


def test_a_table_of_contents_is_navigation_not_passages(tmp_path: Path):
    contents = ["Inhoud", "1 Inleiding 3", "2 Wie doen er mee ......... 3", "3 Wat we gaan doen in de wijk en", "de regio 4",
                "4 Geld en verantwoording 5", "Bijlage A – Deelnemers 5"]
    body = [["Wie doen er mee", "De huisartsen en de wijkverpleging werken samen in de regio."],
            ["Wat we gaan doen", "We starten in 2027 met twee wijkteams.", "Kosten per jaar in euro:",
             "Coördinatie 2027 120", "Secretariaat 2027 45", "Scholing 2027 30", "Overleg 2027 12"],
            ["Geld en verantwoording", "Elk kwartaal rapporteren we aan de verzekeraar."]]
    _, passages = load_corpus(one_document_corpus(tmp_path, "plan.pdf", make_pdf([["Regioplan Eerstelijn"], contents, *body])))
    text = "\n".join(p.text for p in passages)
    for entry in contents[1:]:
        assert entry.split(".")[0] not in text, entry
    # figures ending a table's rows are content: they fall, or point past the document's pages
    for row in body[1][3:]:
        assert row in text, row
    assert "twee wijkteams" in text and "Elk kwartaal" in text


def test_running_headers_mirrored_on_left_and_right_pages_are_removed(tmp_path: Path):
    topics = ["de huisartsen", "de wijkverpleging", "de apotheken", "de fysiotherapeuten", "de gemeenten", "het sociaal domein",
              "de patiënten"]
    pages = [["Regioplan", "Concept voor de regiotafel"]]  # a cover page without the running header
    for n, topic in enumerate(topics, start=2):
        header = f"Regioplan Eerstelijn 2026 | {n}" if n % 2 else f"{n} | Regioplan Eerstelijn 2026"
        pages.append([header, f"Wat {topic} bijdragen", f"Hier staat wat {topic} in de regio samen doen."])
    _, passages = load_corpus(one_document_corpus(tmp_path, "plan.pdf", make_pdf(pages)))
    assert len([p for p in passages if "samen doen" in p.text]) == 7
    assert not [p for p in passages if "Regioplan Eerstelijn" in p.text or any("Regioplan Eerstelijn" in s for s in p.section)]


def test_a_table_of_figures_in_a_pdf_is_kept_whole_with_its_header(tmp_path: Path) -> None:
    rows = [f"Regio {name} {a},0 {b},5 {c},0" for name, a, b, c in
            [("Noord", 10, 11, 12), ("Oost", 20, 21, 22), ("Zuid", 30, 31, 32), ("West", 40, 41, 42), ("Midden", 50, 51, 52),
             ("Kust", 60, 61, 62), ("Delta", 70, 71, 72), ("Heuvel", 80, 81, 82), ("Veen", 90, 91, 92), ("Stad", 15, 16, 17)]]
    page = ["Budgetten per regio", "De budgetten zijn in de onderstaande tabel opgenomen.",
            "Bedragen x € 1 miljoen 2027 2028 2029", *rows,
            "Deze bedragen zijn voorlopig en worden in 2027 herzien."]
    documents, passages = load_corpus(one_document_corpus(tmp_path, "budget.pdf", make_pdf([page])))
    tables = [p for p in passages if p.kind == "table"]
    assert len(tables) == 2, [(p.kind, p.text) for p in passages]
    first, rest = tables
    assert first.text.startswith("Bedragen x € 1 miljoen 2027 2028 2029") and "Regio Noord 10,0 11,5 12,0" in first.text
    assert first.lead_in is None
    assert rest.lead_in == "Bedragen x € 1 miljoen 2027 2028 2029"  # a later row is read with its columns
    assert "Regio Stad 15,0 16,5 17,0" in rest.text
    text = documents[0].text
    assert all(text[p.start:p.end] == p.text for p in tables)
    prose = [p for p in passages if p.kind != "table"]
    assert any(p.text.startswith("Deze bedragen zijn voorlopig") for p in prose)  # the sentence after the table is prose


def test_prose_that_ends_in_numbers_is_no_table() -> None:
    text = "In de jaren 2027 2028\nwerken we samen met 3 4\npartners aan het plan.\n"
    assert [b.kind for b in segment(text, figures=True)] == ["paragraph"]


def test_a_letters_closing_and_signature_are_one_passage(tmp_path: Path) -> None:
    documents, passages = load_corpus(one_document_corpus(tmp_path, "brief.pdf", make_pdf([LETTER])))
    signed = [p for p in passages if "Anna de Vries" in p.text]
    assert len(signed) == 1, [(p.kind, p.text) for p in passages]
    assert signed[0].text.startswith("Hoogachtend,") and "de minister van Volksgezondheid" in signed[0].text
    assert signed[0].section == ("Ondertekening",)  # who signed the letter, not a part of its last section
    assert documents[0].text[signed[0].start:signed[0].end] == signed[0].text


def test_pdf_heading_over_two_lines_is_one_and_prose_an_address_or_a_lead_in_in_a_headings_look_is_none():
    from tests.plans import make_hyphenated_pdf  # lines starting with ** are drawn bold and larger

    body = ["De huisartsen en de wijkverpleging spreken elk kwartaal af hoe zij de zorg in de wijk verdelen."] * 6
    pages = [["**Samenwerking tussen de huisartsen", "**en de wijkverpleging in de regio", *body,
              "**Dit is een inleiding die in een grote letter is gezet. Zij telt meer woorden dan een kop ooit telt.",
              *body, "**Bijlage+Werkafspraken+Regio.pdf", *body, "**7 Bron: www.voorbeeldregio.nl", *body,
              "**De partijen maken hiertoe de volgende afspraken:", "- elk kwartaal een overleg;", "- een gedeeld dossier."]]
    extracted = load_bytes(make_hyphenated_pdf(pages), "plan.pdf")
    headings = [" ".join(extracted.text[start:end].split()) for start, end, _ in extracted.heading_spans]
    assert headings == ["Samenwerking tussen de huisartsen en de wijkverpleging in de regio"]
    blocks = segment(extracted.text, extracted.heading_spans)
    assert [" ".join(b.text.split()) for b in blocks if b.kind == "heading"] == headings
    assert not any(b.text.startswith("en de wijkverpleging") for b in blocks)  # read with the heading's first line

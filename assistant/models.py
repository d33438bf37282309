"""Records passed between the stages, and the public JSON shapes built from them.

`Answer` and `Review` are the contract of `resv ask --json` / `resv review --json` and of the
HTTP API (`../shared/contract/`): extend them with new optional fields, never rename or remove.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from assistant.domain import get_domain

# The insurers whose policy the corpus holds, from the domain data (data/domain.toml) alone.
InsurerName = Literal[tuple(get_domain().insurer_names)]  # type: ignore[valid-type]
Status = Literal["met", "partial", "missing"]
DocumentKind = Literal["handreiking", "inkoopbeleid", "faq", "other"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class ExtractedText(Frozen):
    """A file's text as a loader extracted it. Pages are separated by their start offsets."""

    text: str
    page_starts: tuple[int, ...] | None = Field(None, description="Offset where each page begins; None if the format has no pages.")
    heading_spans: tuple[tuple[int, int, int], ...] = Field((), description="(start, end, level) of headings the format marks.")

    def page_at(self, offset: int) -> int | None:
        """1-based page that holds `offset`, or None for formats without pages."""
        if self.page_starts is None:
            return None
        page = 0
        for i, start in enumerate(self.page_starts):
            if start <= offset:
                page = i
            else:
                break
        return page + 1


class DocumentInfo(Frozen):
    """One manifest entry."""

    id: str
    title: str
    kind: DocumentKind
    file: str
    insurer: InsurerName | None = None
    version: str | None = None
    origin: str | None = None


class Document(Frozen):
    """A corpus document with the exact text every passage offset points into."""

    info: DocumentInfo
    extracted: ExtractedText
    sha256: str

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def text(self) -> str:
        return self.extracted.text


class Passage(Frozen):
    """The unit of retrieval and citation. `document.text[start:end] == text` always holds."""

    id: str
    document_id: str
    section: tuple[str, ...] = ()
    page: int | None = None
    start: int
    end: int
    text: str
    kind: str = "paragraph"
    insurer: InsurerName | None = None
    bouwsteen: int | None = None
    hoofdtaak: int | None = None
    lead_in: str | None = Field(None, description="The sentence that introduces the list this item belongs to.")
    continues: str | None = Field(None, description="Id of the passage whose sentence this one continues.")

    @staticmethod
    def make_id(document_sha: str, start: int, end: int) -> str:
        """Stable id: the same document content and span give the same id on every run."""
        return hashlib.sha1(f"{document_sha}:{start}:{end}".encode()).hexdigest()[:16]

    @property
    def section_title(self) -> str:
        return self.section[-1] if self.section else ""


class Citation(BaseModel):
    n: int = Field(ge=1)
    document: str
    title: str = ""
    section: str
    insurer: InsurerName | None
    bouwsteen: int | None = Field(None, ge=1, le=len(get_domain().bouwstenen))
    page: int | None = Field(None, ge=1)
    quote: str = Field(min_length=1)
    passage_id: str | None = None
    start: int | None = Field(None, description="Offset of the quote in the document's text.")
    end: int | None = None


class Phrasing(BaseModel):
    """How a language model phrased an answer, and what the check of its sentences kept."""

    model: str
    prompt: str = Field(description="The version of the prompt template.")
    sentences: int = Field(ge=0, description="Sentences the model wrote.")
    kept: int = Field(ge=0, description="Sentences that stood in the sources they cite: only these are shown.")
    dropped: list[str] = Field(default_factory=list, description="Why each dropped sentence was dropped.")
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    seconds: float = Field(ge=0)


class Answer(BaseModel):
    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = []
    related: list[Citation] = Field(
        default_factory=list, description="Nearest passages shown when abstaining; they support no claim."
    )
    reason: str | None = Field(None, description="Why the answer abstained, as a short code.")
    context_start: int | None = Field(
        None, ge=0,
        description="Offset in `answer` where context begins: before it, the sentences that state the answer; "
                    "after it, the surrounding passages (shown collapsed). None when the whole text is the answer.",
    )
    composer: Literal["extractive", "language-model"] = Field(
        "extractive", description="Who wrote `answer`: the extractive composer, which only quotes, or a language model "
                                  "whose every sentence was checked against the sources it cites.")
    composer_note: str | None = Field(None, description="Why a configured language model did not write this answer, for people.")
    phrasing: Phrasing | None = Field(None, description="What the language model wrote and the check kept; None without one.")
    # The ids of the passages retrieved or looked up for this question; not part of the contract.
    _reached: frozenset[str] | None = PrivateAttr(None)

    def reached(self, passage_ids: set[str]) -> Answer:
        """Record which passages were retrieved for this answer's question (what it may cite)."""
        self._reached = frozenset(passage_ids)
        return self

    @property
    def reached_passages(self) -> frozenset[str] | None:
        """The passages retrieved for this question, when the composer recorded them."""
        return self._reached

    def unsent(self, sent: str) -> str:
        """The text still to show after `sent`, the part streamed as it was written (all of it when
        the answer does not begin with that part: a failed model falls back to the quoted answer)."""
        return self.answer[len(sent):] if self.answer.startswith(sent) else self.answer


class ChatTurn(BaseModel):
    role: Literal["user", "assistant"]
    content: str


class Evidence(BaseModel):
    quote: str = Field(min_length=1)
    page: int | None = Field(None, ge=1)
    start: int | None = None
    end: int | None = None


class SourceRef(BaseModel):
    document: str
    section: str
    quote: str = Field(min_length=1)
    start: int | None = None
    end: int | None = None


Lowered = Literal["uncertain", "qualified", "gates", "language", "document", "model"]


class Finding(BaseModel):
    id: str
    bouwsteen: int = Field(ge=1, le=len(get_domain().bouwstenen))
    insurer: InsurerName | None
    requirement: str
    status: Status
    evidence: list[Evidence] = []
    source: SourceRef
    note: str = ""
    lowered: Lowered | None = Field(
        None, description="Why the reading rules' 'met' was lowered to 'partial': 'uncertain' (the judge is not sure "
                          "enough: probably met, read the evidence), 'qualified' (the evidence itself qualifies what it says, or is "
                          "no statement), 'gates' (the year or quantity asked is not in the "
                          "evidence), 'language' (the evidence is not Dutch), 'document' (no Dutch RESV-plan), 'model' (the "
                          "language model judge did not find it met); null otherwise.")
    model_opinion: Literal["kept", "lowered", "raised", "void"] | None = Field(
        None, description="What the optional language-model judge did with the verdict: kept it, lowered a 'met', raised a "
                          "doubted one with a quote the rules had found, or nothing because its answer was unusable or its "
                          "quote not verbatim in the plan ('void'); null when no model judged.")


class Summary(BaseModel):
    met: int = 0
    partial: int = 0
    missing: int = 0
    uncertain: int = Field(0, description="Of the partial findings: those the rules found met and the judge was not sure of.")


class DocumentAssessment(BaseModel):
    """What the review decided about the document before judging any requirement."""

    is_resv_plan: bool = Field(description="The document is the plan of a regional primary-care collaboration for 2027 onwards.")
    language: Literal["nl", "en", "other"] = Field(description="The language the document is written in.")
    judged: bool = Field(description="Requirements could come out met: a Dutch RESV-plan. When false, no finding is met.")
    statement: str = Field(description="One plain Dutch sentence for the top of the review.")


class Review(BaseModel):
    plan: str
    insurer: InsurerName
    findings: list[Finding]
    summary: Summary
    pages: int | None = None
    seconds: float | None = None
    document: DocumentAssessment | None = Field(None, description="Is this an RESV-plan, and in which language (added 2026-12).")

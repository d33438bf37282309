"""Request and response shapes of the API, and the error body every route can answer with."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.models import ChatTurn
from assistant.service import DocumentSummary


class AskRequest(BaseModel):
    question: str = Field(description="De vraag, in het Nederlands of het Engels.", examples=["Welke eisen stelt VGZ aan bouwsteen 2?"])
    insurer: str | None = Field(None, description="Beperk tot het beleid van één verzekeraar (plus de handreiking).")
    history: list[ChatTurn] = Field(
        default_factory=list, description="Eerdere beurten van het gesprek, oudste eerst; de server bewaart geen sessies."
    )


class InsurerList(BaseModel):
    insurers: list[str]


class Bouwsteen(BaseModel):
    number: int
    title: str


class DomainInfo(BaseModel):
    """The domain's names and numbers, for clients that show them (the web page keeps no copy of its own)."""

    insurers: list[str]
    bouwstenen: list[Bouwsteen]
    statuses: dict[str, str]  # what a review's 'met', 'partial' and 'missing' are called for people


class DocumentList(BaseModel):
    documents: list[DocumentSummary]


class Health(BaseModel):
    status: Literal["ok", "loading", "error"]
    detail: str | None = None


class ErrorBody(BaseModel):
    detail: str


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in [(400, "Ongeldige invoer"), (401, "Token ontbreekt of is onjuist"),
                         (403, "Aanvraag van een andere website"), (422, "Ongeldige aanvraag"),
                         (503, "De index wordt nog geladen")]
}

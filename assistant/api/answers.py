"""Answer routes: one answer as JSON, the same answer streamed, the insurers and a passage in its context."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator, Iterator

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse
from starlette.concurrency import iterate_in_threadpool

from assistant.api.deps import json_content, ready_assistant
from assistant.api.schemas import ERROR_RESPONSES, AskRequest, Bouwsteen, DomainInfo, ErrorBody, InsurerList
from assistant.domain import get_domain, get_review_rules
from assistant.errors import ResvError
from assistant.models import Answer
from assistant.service import Assistant, PassageView
from assistant.understand import Query

log = logging.getLogger("assistant.api")
router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)
DELTA_CHARS = 80
_JSON_ONLY = {415: {"model": ErrorBody, "description": "Geen JSON"}}


@router.post("/ask", response_model=Answer, summary="Beantwoord een vraag", dependencies=[Depends(json_content)],
             responses=_JSON_ONLY)
def ask(body: AskRequest, assistant: Assistant = Depends(ready_assistant)) -> Answer:
    """One answer object; `history` makes follow-ups such as "En voor VGZ?" work without server state."""
    return assistant.ask(body.question, body.insurer, body.history)


@router.post(
    "/chat",
    response_class=StreamingResponse,
    summary="Beantwoord een vraag als stroom (server-sent events)",
    dependencies=[Depends(json_content)],
    responses={200: {"content": {"text/event-stream": {}}, "description": "event: delta…, answer, done (or error)"}, **_JSON_ONLY},
)
def chat(body: AskRequest, assistant: Assistant = Depends(ready_assistant)) -> StreamingResponse:
    """`event: delta` chunks of the answer text, `event: answer` with the answer object, then `event: done`.

    Invalid input is refused as ordinary JSON before the stream starts; a failure after that is
    sent as `event: error` with `{"detail": ...}`.
    """
    query = assistant.read_question(body.question, body.insurer, body.history)
    return StreamingResponse(
        answer_events(assistant, query),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def answer_events(assistant: Assistant, query: Query) -> AsyncIterator[bytes]:
    """The encoded events of one answer: `delta`s that join to its text, `answer`, `done`; whatever fails once the
    status line is sent ends the stream with `error`."""
    streamed = ""
    events: list[bytes] = []
    try:
        async for item in iterate_in_threadpool(assistant.answer_stream(query)):
            if isinstance(item, str):  # a language model's sentence that passed the check: shown as it passes
                event = _event("delta", {"text": item})
                streamed += item
                yield event
                continue
            # Encoded here, inside the try: text that cannot be sent becomes an error event, not a cut stream.
            events = [_event("delta", {"text": chunk}) for chunk in text_chunks(item.unsent(streamed))]
            events += [_event("answer", item.model_dump(mode="json")), _event("done", {})]
    except ResvError as exc:
        yield _event("error", {"detail": exc.message})
        return
    except Exception:  # the status line is sent: report in the stream, log the traceback
        log.exception("POST /api/chat faalde")
        yield _event("error", {"detail": "Interne fout; het antwoord kon niet worden verstuurd."})
        return
    for event in events:
        yield event


def _event(name: str, data: object) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


def text_chunks(text: str, width: int = DELTA_CHARS) -> Iterator[str]:
    """`text` in pieces of about `width` characters, split after a line or a word; they join to `text`."""
    for line in text.splitlines(keepends=True):
        piece = ""
        for word in re.split(r"(?<=\s)(?=\S)", line):
            if piece and len(piece) + len(word) > width:
                yield piece
                piece = ""
            piece += word
        if piece:
            yield piece


@router.get("/insurers", response_model=InsurerList, summary="De verzekeraars in het corpus")
def insurers() -> InsurerList:
    return InsurerList(insurers=get_domain().insurer_names)


@router.get("/domain", response_model=DomainInfo, summary="Verzekeraars, bouwstenen en de namen van de oordelen")
def domain() -> DomainInfo:
    data = get_domain()
    return DomainInfo(insurers=data.insurer_names,
                      bouwstenen=[Bouwsteen(number=int(b.key), title=b.title) for b in data.bouwstenen],
                      statuses=get_review_rules().status_labels)


@router.get("/passages/{passage_id}", response_model=PassageView, summary="Een passage in haar context",
            responses={404: {"model": ErrorBody, "description": "Onbekende passage"}})
def passage(passage_id: str, assistant: Assistant = Depends(ready_assistant)) -> PassageView:
    return assistant.passage(passage_id)

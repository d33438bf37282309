"""Review routes: a plan upload reviewed in memory, and a review object rendered as a report download."""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from assistant.api.deps import json_content, ready_assistant
from assistant.api.schemas import ERROR_RESPONSES, ErrorBody
from assistant.api.uploads import read_upload
from assistant.models import Review
from assistant.service import Assistant

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)
log = logging.getLogger("assistant.api")
DISCONNECT_POLL_SECONDS = 0.5

_REVIEW_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "insurer"],
                    "properties": {
                        "file": {"type": "string", "format": "binary",
                                 "description": "Het concept-plan: PDF, DOCX, Markdown of tekst."},
                        "insurer": {"type": "string", "description": "De verzekeraar die marktleider is in de regio.",
                                    "examples": ["CZ"]},
                    },
                }
            }
        },
    }
}


@router.post("/review", response_model=Review, openapi_extra=_REVIEW_FORM, summary="Beoordeel een concept-RESV-plan",
             responses={413: {"model": ErrorBody, "description": "Bestand te groot of te bewerkelijk"},
                        415: {"model": ErrorBody, "description": "Bestandstype niet ondersteund"}})
async def review(request: Request, assistant: Assistant = Depends(ready_assistant)) -> Review:
    """The plan is read into memory only, checked by its content, reviewed and forgotten."""
    upload = await read_upload(request, assistant.settings.max_upload_bytes)
    stop = threading.Event()
    watcher = asyncio.create_task(_stop_when_gone(request, stop))
    try:
        return await run_in_threadpool(assistant.review, upload.data, upload.filename, upload.insurer, "hybrid", stop)
    finally:
        watcher.cancel()


@router.post("/report", response_class=Response, summary="Het rapport van een beoordeling", dependencies=[Depends(json_content)],
             responses={200: {"content": {"text/markdown": {}, "text/html": {}}, "description": "Het rapport als download"},
                        415: {"model": ErrorBody, "description": "Geen JSON"}})
def report(review: Review, fmt: Literal["md", "html"] = Query("md", alias="format", description="md of html")) -> Response:
    """Render a review object (as `POST /api/review` returned it) as a Markdown or HTML file."""
    from assistant.report import render

    media = "text/markdown" if fmt == "md" else "text/html"
    return Response(render(review, fmt), media_type=f"{media}; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{report_filename(review, fmt)}"'})


async def _stop_when_gone(request: Request, stop: threading.Event) -> None:
    """Set `stop` when the client disconnects, so its review does not run on for nobody."""
    while not stop.is_set():
        if await request.is_disconnected():
            stop.set()
            log.info("De client is weg; de beoordeling stopt.")
            return
        await asyncio.sleep(DISCONNECT_POLL_SECONDS)


def report_filename(review: Review, fmt: str) -> str:
    """'beoordeling-plan-lingeland-VGZ.md': which plan and insurer, safe as a file name anywhere."""
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", review.plan)
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{stem}-{review.insurer}").strip("-")[:100]
    return f"beoordeling-{safe or 'plan'}.{fmt}"

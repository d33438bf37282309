"""Document routes: list the indexed documents, add one (multipart upload), remove one."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from assistant.api.deps import ready_assistant
from assistant.api.schemas import ERROR_RESPONSES, DocumentList, ErrorBody
from assistant.api.uploads import read_upload
from assistant.models import DocumentInfo
from assistant.service import Assistant

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)


@router.post("/documents", response_model=DocumentInfo, status_code=201, summary="Voeg een document toe aan het corpus",
             responses={409: {"model": ErrorBody, "description": "Het document staat er al"}})
async def add_document(request: Request, assistant: Assistant = Depends(ready_assistant)) -> DocumentInfo:
    """Multipart `file`, `kind`, `title` and optional `insurer`, `version`, `origin`, `id`: validated, indexed, then stored."""
    upload = await read_upload(request, assistant.settings.max_upload_bytes, required=("kind", "title"))
    f = upload.fields
    return await run_in_threadpool(lambda: assistant.add_document(
        upload.data, upload.filename, kind=f["kind"], title=f["title"], insurer=f.get("insurer") or None,
        version=f.get("version") or None, origin=f.get("origin") or None, document_id=f.get("id") or None))


@router.delete("/documents/{document_id}", response_model=DocumentInfo, summary="Haal een document uit het corpus")
def remove_document(document_id: str, assistant: Assistant = Depends(ready_assistant)) -> DocumentInfo:
    return assistant.remove_document(document_id)


@router.get("/documents", response_model=DocumentList, summary="De documenten in de index")
def documents(assistant: Assistant = Depends(ready_assistant)) -> DocumentList:
    return DocumentList(documents=assistant.documents())

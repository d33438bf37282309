"""The HTTP edge of the `Assistant`: JSON API, streamed chat, plan uploads and the web app.

    resv serve --port 8000                               # uvicorn, one worker
    uvicorn assistant.api:create_app --factory           # the same app

The service adds no logic of its own beyond transport. Routes (every `/api/*` route needs
`Authorization: Bearer <token>` when `RESV_API_TOKEN` is set):

    GET  /healthz                 200 {"status": "ok"} once the index is loaded, 503 before
    POST /api/ask                 {"question", "insurer", "history"} -> answer object (contract)
    POST /api/chat                the same answer as server-sent events: delta…, answer, done (or error)
    GET  /api/insurers            {"insurers": [...]}
    GET  /api/documents           {"documents": [...]}
    POST /api/documents           multipart `file` + `kind` + `title` [+ `insurer`, `version`, `origin`, `id`] -> manifest entry
    DELETE /api/documents/{id}    -> the removed manifest entry
    GET  /api/passages/{id}       a passage in its document context, for the source viewer
    POST /api/review              multipart `file` + `insurer` -> review object (contract)
    POST /api/report?format=md    review object -> the report as a download (md or html)
    GET  /                        the web app (`web/index.html`); its files under /static
    GET  /docs                    OpenAPI documentation

Every error is `{"detail": "<Dutch message a person can act on>"}`: a `ResvError` with its own
status, request validation 422, anything else 500 "Interne fout" (logged, no traceback sent).

Modules: `app` (the app, docs and `serve`), `answers`, `documents` and `reviews` (the routes of
each resource), `schemas` (request and response shapes), `deps` (readiness and request checks),
`uploads` (streamed multipart), `handlers` (errors to responses, in one place) and `middleware`
(token, body limits, same-origin rule, security headers).
"""

from assistant.api.answers import text_chunks
from assistant.api.app import create_app, serve
from assistant.api.handlers import validation_message

__all__ = ["create_app", "serve", "text_chunks", "validation_message"]

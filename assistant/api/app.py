"""The app: routes, error handlers and middleware put together, the web app and API docs served, `serve` to run it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from assistant.api import answers, documents, handlers, reviews
from assistant.api.deps import NOT_READY_HINT, Readiness
from assistant.api.headers import docs_policy
from assistant.api.middleware import BearerToken, BodyLimit, SameOrigin, SecurityHeaders
from assistant.api.schemas import Health
from assistant.service import Assistant
from assistant.settings import PROJECT_ROOT

WEB_DIR = PROJECT_ROOT / "web"
JSON_BODY_LIMIT = 1024 * 1024  # ask and chat: 20 turns of history fit several times over
REPORT_BODY_LIMIT = 16 * 1024 * 1024  # a review object with every finding and quote
_WILDCARD_BINDS = {"0.0.0.0", "::", ""}


def create_app(assistant: Assistant | None = None, served_as: Sequence[str] = ()) -> FastAPI:
    """The web app and API over `assistant` (a new one from the environment's settings by default).

    `served_as` adds host names the server is reached by to `RESV_ALLOWED_HOSTS` (`serve` passes the
    address it binds to).
    """
    assistant = assistant or Assistant()
    settings = assistant.settings
    readiness = Readiness(assistant)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        readiness.start()
        yield

    app = FastAPI(
        title="RESV-assistent",
        summary="Vragen over de handreiking en het inkoopbeleid, met controleerbare bronnen; RESV-plannen beoordelen.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served below from an installed package: no CDN, works offline
    )
    app.state.assistant = assistant
    app.state.readiness = readiness
    handlers.install(app)
    for module in (answers, documents, reviews):
        app.include_router(module.router)

    @app.get("/healthz", response_model=Health, tags=["status"], summary="Gereed?",
             responses={503: {"model": Health, "description": "De index wordt nog geladen"}})
    def healthz() -> JSONResponse:
        if assistant.ready:
            return JSONResponse({"status": "ok"})
        readiness.start()  # after a failed load: try again once the back-off has passed
        if readiness.error:
            # Unauthenticated: says that, never why (the cause can hold a server URL with its credentials).
            return JSONResponse({"status": "error", "detail": NOT_READY_HINT}, status_code=503)
        return JSONResponse({"status": "loading", "detail": "De index wordt geladen."}, status_code=503,
                            headers={"Retry-After": "2"})

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        page = WEB_DIR / "index.html"
        if not page.is_file():
            raise HTTPException(404)
        return FileResponse(page, media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=WEB_DIR, check_dir=False), name="static")
    docs = _add_docs(app)
    app.add_middleware(BodyLimit, limits={"/api/report": REPORT_BODY_LIMIT}, default=JSON_BODY_LIMIT,
                       exempt=["/api/review", "/api/documents"])
    if settings.api_token:
        app.add_middleware(BearerToken, token=settings.api_token)
    hosts = [*settings.allowed_hosts, *(h for h in served_as if h not in _WILDCARD_BINDS)]
    app.add_middleware(SameOrigin, allowed_hosts=hosts, allowed_origins=settings.allowed_origins)
    app.add_middleware(SecurityHeaders, policies={"/docs": docs_policy(docs)})  # outermost: every response has them
    return app


def _add_docs(app: FastAPI) -> str:
    """OpenAPI docs at /docs with Swagger UI 5 (OpenAPI 3.1) from the `swagger-ui-py` package; returns the page."""
    import swagger_ui
    from fastapi.openapi.docs import get_swagger_ui_html

    assets = Path(swagger_ui.__file__).parent / "static"
    app.mount("/docs-assets", StaticFiles(directory=assets), name="docs-assets")
    page = get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title="RESV-assistent – API",
                               swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                               swagger_css_url="/docs-assets/swagger-ui.css",
                               swagger_favicon_url="/docs-assets/favicon-32x32.png").body.decode()

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(page)

    return page


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the app with uvicorn in one worker; the index loads in the background (see /healthz)."""
    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    logging_config = json.loads(json.dumps(LOGGING_CONFIG))
    logging_config["loggers"]["assistant"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    uvicorn.run(create_app(served_as=[host]), host=host, port=port, workers=1, log_config=logging_config,
                timeout_graceful_shutdown=5)

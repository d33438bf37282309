"""What routes depend on: the assistant once its index is loaded, and a JSON body that says it is JSON."""

from __future__ import annotations

import logging
import threading
import time

from fastapi import Request
from python_multipart.multipart import parse_options_header

from assistant.errors import IndexNotReadyError, ResvError, WrongContentTypeError
from assistant.service import Assistant

log = logging.getLogger("assistant.api")

NOT_READY_HINT = ("De assistent is niet beschikbaar: de index kon niet worden geladen. De oorzaak staat in het serverlog; "
                  "bouw de index zo nodig opnieuw met `resv ingest`.")


class Readiness:
    """Loads (or first builds) the index in a background thread, so the server answers /healthz at once.

    A failed load is tried again (a Chroma server that was restarting, a build finished meanwhile by
    `resv ingest`), first after RETRY_FIRST seconds and then ever less often, up to RETRY_MAX.
    """

    RETRY_FIRST = 5.0
    RETRY_MAX = 300.0

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.error: str | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._failed_at = 0.0
        self._wait = self.RETRY_FIRST

    def start(self) -> None:
        """Begin loading the index, once, or again when the last attempt failed long enough ago."""
        with self._lock:
            if self.assistant.ready or (self._thread is not None and self._thread.is_alive()):
                return
            if self._thread is not None and (self.error is None or time.monotonic() - self._failed_at < self._wait):
                return
            self._thread = threading.Thread(target=self._warm_up, name="resv-warm-up", daemon=True)
            self._thread.start()

    def _warm_up(self) -> None:
        began = time.perf_counter()
        try:
            self.assistant.warm_up(_log_progress)
        except ResvError as exc:
            self._failed(exc.message)
            log.error("De index kon niet worden geladen: %s (nieuwe poging over %.0f s)", exc.message, self._wait)
            return
        except Exception:  # a bug: keep serving /healthz with a message, log the traceback
            self._failed("Interne fout bij het laden van de index; zie het serverlog.")
            log.exception("De index kon niet worden geladen")
            return
        self.error = None
        log.info("Index geladen in %.1f s; de assistent is gereed.", time.perf_counter() - began)

    def _failed(self, message: str) -> None:
        if self.error is not None:  # failed again: wait longer before the next attempt
            self._wait = min(self._wait * 2, self.RETRY_MAX)
        self.error, self._failed_at = message, time.monotonic()

    def require(self) -> None:
        """`IndexNotReadyError` (503) until the index is loaded; after a failure, a later request tries again."""
        if self.assistant.ready:
            return
        self.start()
        if self.error:
            raise IndexNotReadyError(NOT_READY_HINT)
        raise IndexNotReadyError("De index wordt nog geladen; probeer het over enkele seconden opnieuw.")


def _log_progress(stage: str, done: int, total: int) -> None:
    if stage != "embedden" or done >= total or done % 64 == 0:
        log.info("index bouwen: %s %d/%d", stage, done, total)


async def ready_assistant(request: Request) -> Assistant:
    """The assistant, once its index is loaded (503 before)."""
    request.app.state.readiness.require()
    return request.app.state.assistant


async def json_content(request: Request) -> None:
    """A body sent as anything but JSON is refused with 415 saying so (FastAPI would only say it is no object).

    A missing Content-Type counts as wrong: FastAPI's strict mode does not read such a body as JSON either.
    """
    media = parse_options_header(request.headers.get("content-type"))[0].decode("latin-1").lower()
    if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        received = f"ontvangen: {media!r}" if media else "de kop ontbreekt"
        raise WrongContentTypeError(f"Stuur de aanvraag als JSON met de kop 'Content-Type: application/json' ({received}).")

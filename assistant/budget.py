"""A time budget and a stop signal for one piece of long work, checked between its steps.

A review runs in a worker thread; the API sets the stop signal when the client disconnects, and
the budget bounds the work of any input the limits on size did not catch.
"""

from __future__ import annotations

import threading
import time

from assistant.errors import WorkStoppedError


class Budget:
    """`check()` raises `WorkStoppedError` once `seconds` have passed or `stop` is set."""

    def __init__(self, seconds: float | None = None, stop: threading.Event | None = None) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds if seconds is not None else None
        self.stop = stop or threading.Event()

    def check(self) -> None:
        if self.stop.is_set():
            raise WorkStoppedError("De beoordeling is afgebroken: er wacht niemand meer op de uitkomst.")
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise WorkStoppedError(f"De beoordeling duurde langer dan {self.seconds:.0f} seconden en is afgebroken. "
                                   "Het document is te bewerkelijk; probeer een kortere versie of een PDF met minder pagina's.")

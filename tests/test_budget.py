"""Long work has bounds: a review past its time budget, or whose client has gone, stops with a clear message."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from assistant.budget import Budget
from assistant.errors import WorkStoppedError
from assistant.service import Assistant
from assistant.settings import PROJECT_ROOT, Settings

if TYPE_CHECKING:
    from tests.server import Server


LONG_PLAN = PROJECT_ROOT / "evals" / "plans" / "files" / "zk-dommelland.pdf"  # 30 pages, several seconds of review


def test_a_budget_stops_work_past_its_time_or_when_told() -> None:
    Budget(60).check()  # within its time: nothing happens
    expired = Budget(0.01)
    time.sleep(0.02)
    with pytest.raises(WorkStoppedError, match="langer dan"):
        expired.check()
    stop = threading.Event()
    told = Budget(None, stop)
    told.check()
    stop.set()
    with pytest.raises(WorkStoppedError, match="niemand"):
        told.check()


def test_a_review_over_its_budget_stops_with_a_clear_message(private_data_dir: Path, corpus_dir: Path) -> None:
    service = Assistant(Settings(data_dir=private_data_dir, corpus_dir=corpus_dir, review_seconds=0.5))
    service.warm_up(build_if_missing=False)
    with pytest.raises(WorkStoppedError, match="langer dan 0 seconden|langer dan 1 seconden") as stopped:
        service.review(LONG_PLAN.read_bytes(), LONG_PLAN.name, "Zilveren Kruis")
    assert stopped.value.status_code == 503


def test_a_review_stops_when_its_client_disconnects(api_server: Server) -> None:
    with pytest.raises(httpx.ReadTimeout), httpx.Client(base_url=api_server.url, timeout=httpx.Timeout(60, read=0.5)) as client:
        client.post("/api/review", files={"file": (LONG_PLAN.name, LONG_PLAN.read_bytes(), "application/pdf")},
                    data={"insurer": "Zilveren Kruis"})
    deadline = time.monotonic() + 20
    while "De client is weg" not in api_server.log() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "De client is weg" in api_server.log()
    assert httpx.get(api_server.url + "/healthz").json()["status"] == "ok"

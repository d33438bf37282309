"""A real `resv serve` process on a free loopback port, for the API and browser tests and the benchmark.

    with running_server(data_dir, env={"RESV_API_TOKEN": "geheim"}) as server:
        httpx.get(server.url + "/healthz")

As a pytest plugin (`pytest_plugins = ["tests.server"]`) it gives two session fixtures over a
copy of the shared index (`built_data_dir` in conftest.py):

- `api_server`: default settings, started once per session;
- `guarded_server`: `RESV_API_TOKEN` set, plans up to 1 MB and 2 pages, started when first asked for.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from assistant.settings import PROJECT_ROOT

HOST = "127.0.0.1"  # loopback only, always
TOKEN = "resv-test-token-9f3a"
CONTROLLED_ENV = ("RESV_API_TOKEN", "RESV_MAX_UPLOAD_MB", "RESV_MAX_PAGES", "RESV_DATA_DIR", "RESV_ALLOWED_HOSTS", "RESV_ALLOWED_ORIGINS")


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path
    ready_seconds: float
    token: str | None = None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def copy_index(source: Path, target: Path) -> Path:
    """A private copy of a built data folder, so a server process never shares open files with the tests."""
    shutil.copytree(source, target, dirs_exist_ok=True)
    return target


@contextmanager
def running_server(data_dir: Path, env: dict[str, str] | None = None, timeout: float = 60.0,
                   log_path: Path | None = None, wait_until_ready: bool = True) -> Iterator[Server]:
    """Start `resv serve` on 127.0.0.1, wait until /healthz says ok (or fail with its log), stop it after.

    With `wait_until_ready=False` it waits only until /healthz answers at all (200 or 503).
    """
    log_path = log_path or data_dir.parent / f"server-{data_dir.name}.log"
    environment = {k: v for k, v in os.environ.items() if k not in CONTROLLED_ENV}
    environment.update({"RESV_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1", **(env or {})})
    for attempt in range(3):  # another process may take the free port before uvicorn binds it
        port = free_port()
        command = [sys.executable, "-c", "from assistant.cli import main; main()", "serve", "--host", HOST, "--port", str(port)]
        began = time.perf_counter()
        with log_path.open("w", encoding="utf-8") as log:
            process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
        server = Server(f"http://{HOST}:{port}", process, log_path, 0.0, environment.get("RESV_API_TOKEN"))
        try:
            server.ready_seconds = _wait_for_health(server, began, timeout, {200} if wait_until_ready else {200, 503})
        except _PortTaken:
            _stop(process)
            if attempt == 2:
                raise
            continue
        except BaseException:
            _stop(process)
            raise
        try:
            yield server
        finally:
            _stop(process)
        return


class _PortTaken(RuntimeError):
    pass


def _wait_for_health(server: Server, began: float, timeout: float, statuses: set[int]) -> float:
    with httpx.Client(timeout=2.0) as client:
        while time.perf_counter() - began < timeout:
            if not server.alive():
                log = server.log()
                if "address already in use" in log.lower():
                    raise _PortTaken(log[-2000:])
                raise RuntimeError(f"resv serve stopped with exit code {server.process.returncode}:\n{log[-4000:]}")
            try:
                if client.get(server.url + "/healthz").status_code in statuses:
                    return time.perf_counter() - began
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    raise RuntimeError(f"resv serve was not ready within {timeout:.0f} s:\n{server.log()[-4000:]}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# --- pytest fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def api_server(built_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server with default settings for the whole session."""
    data_dir = copy_index(built_data_dir, tmp_path_factory.mktemp("api-server") / "data")
    with running_server(data_dir) as server:
        yield server


@pytest.fixture(scope="session")
def guarded_server(built_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server that wants `Authorization: Bearer <TOKEN>` and takes plans up to 1 MB and 2 pages."""
    data_dir = copy_index(built_data_dir, tmp_path_factory.mktemp("guarded-server") / "data")
    with running_server(data_dir, env={"RESV_API_TOKEN": TOKEN, "RESV_MAX_UPLOAD_MB": "1", "RESV_MAX_PAGES": "2"}) as server:
        yield server

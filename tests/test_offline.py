"""Nothing reaches the network while answering or reviewing."""

from __future__ import annotations

import socket

import pytest


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_ask_and_review_without_network(assistant, no_network):
    assert assistant.ask("Wat eist CZ voor bouwsteen 4?").citations
    assert assistant.ask("Which insurers require an escalation ladder?").citations
    plan = "# RESV-plan Regio Test\n\n## Bouwsteen 5\n\nHet RESV heeft een escalatieladder vastgesteld met drie treden.\n".encode()
    review = assistant.review(plan, "plan.md", "VGZ")
    assert {f.bouwsteen for f in review.findings} == set(range(1, 8))

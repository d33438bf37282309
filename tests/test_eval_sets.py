"""The question sets and their frozen halves hold together: every frozen id is an item, ids are
unique, every fact stands in a quote of its item, and an abstention cites nothing."""

from __future__ import annotations

import pytest

from evals import metrics as m
from evals.answer_eval import SETS, load_questions, split


@pytest.mark.parametrize("name", SETS)
def test_a_set_and_its_frozen_validation_half(name):
    items = load_questions(name)
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids)), "duplicate ids"
    frozen = split()[name]["validation"]
    assert len(frozen) == len(set(frozen)) and set(frozen) <= set(ids), set(frozen) - set(ids)
    assert abs(2 * len(frozen) - len(ids)) <= 4  # about half of the set
    for item in items:
        quotes = [s["quote"] for s in item["support"]]
        if item["abstain"]:
            assert not item["facts"] and not quotes, item["id"]
        else:
            assert item["facts"] and all(any(m.contains(q, f) for q in quotes) for f in item["facts"]), item["id"]
        assert item["lang"] in ("nl", "en") and isinstance(item["history"], list), item["id"]

"""Grounded answers: built from retrieved passages, every claim marked [n], every quote copied
from the document at its offsets, the answer first, and an abstention when the sources do not
answer.

- `compose`: the decision, which strategy answers or why the sources cannot;
- `shapes`: one strategy per question shape;
- `lead`: the sentences that state a fact question's answer;
- `focus`: the question's words against the sources' vocabulary;
- `sources`: lookups over the library's passages;
- `render`, `citations`: the text, its [n] and the quotes;
- `phrase`, `verify`: the optional language model that phrases an answer, and the check that
  keeps only its sentences that stand in the sources they cite;
- the messages people read are one bilingual table, `data/messages.toml`.
"""

from assistant.answer.citations import body_span, to_citation
from assistant.answer.compose import Composer, GroundedComposer
from assistant.answer.sources import Library

__all__ = ["Composer", "GroundedComposer", "Library", "body_span", "to_citation"]

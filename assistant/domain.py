"""The domain vocabulary (`data/domain.toml`): insurers, bouwstenen, hoofdtaken, phases, glossary."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from assistant.text import fold

DATA_FILE = Path(__file__).parent / "data" / "domain.toml"


@dataclass(frozen=True)
class Term:
    """A named thing with the aliases that refer to it."""

    key: str | int
    title: str
    aliases: tuple[str, ...]


def _alias_pattern(aliases: list[str]) -> re.Pattern[str]:
    parts = sorted({re.escape(fold(a)) for a in aliases}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])")


class Domain:
    """Lookup of domain terms in free text; all matching is on folded text."""

    def __init__(self, data: dict) -> None:
        self.version: str = data["version"]
        self.insurers = [Term(i["name"], i["name"], tuple(i["aliases"])) for i in data["insurer"]]
        self.other_insurers = [Term(i["name"], i["name"], tuple(i["aliases"])) for i in data["other_insurer"]]
        self.bouwstenen = [Term(b["number"], b["title"], tuple(b["aliases"])) for b in data["bouwsteen"]]
        self.hoofdtaken = [Term(h["number"], h["title"], tuple(h["aliases"])) for h in data["hoofdtaak"]]
        self.phases = [Term(p["number"], p["title"], tuple(p["aliases"])) for p in data["phase"]]
        self.glossary: dict[str, list[str]] = data["glossary"]

    @property
    def insurer_names(self) -> list[str]:
        return [str(t.key) for t in self.insurers]

    def bouwsteen_title(self, number: int) -> str:
        return next(t.title for t in self.bouwstenen if t.key == number)

    @cached_property
    def _patterns(self) -> dict[str, list[tuple[Term, re.Pattern[str]]]]:
        groups = {
            "insurer": self.insurers,
            "other_insurer": self.other_insurers,
            "bouwsteen": self.bouwstenen,
            "hoofdtaak": self.hoofdtaken,
            "phase": self.phases,
        }
        return {name: [(t, _alias_pattern(list(t.aliases) + [t.title])) for t in terms] for name, terms in groups.items()}

    def find(self, group: str, text: str) -> list[tuple[Term, int]]:
        """Terms of `group` named in `text`, with the folded offset of their first mention, in text order."""
        folded = fold(text)
        found = []
        for term, pattern in self._patterns[group]:
            match = pattern.search(folded)
            if match:
                found.append((term, match.start()))
        return sorted(found, key=lambda pair: pair[1])

    def canonical_insurer(self, name: str) -> str | None:
        """'zk' -> 'Zilveren Kruis'; None when the name is not one of the corpus insurers."""
        folded = " ".join(fold(name).split())
        for term in self.insurers:
            if folded in {fold(a) for a in term.aliases} or folded == fold(term.title):
                return str(term.key)
        return None

    @cached_property
    def _glossary_patterns(self) -> list[tuple[re.Pattern[str], list[str]]]:
        items = sorted(self.glossary.items(), key=lambda kv: len(kv[0]), reverse=True)
        return [(re.compile(r"(?<![\w-])" + re.escape(fold(k)) + r"(?![\w-])"), v) for k, v in items]

    def expand(self, text: str) -> list[str]:
        """Dutch document terms for the English or colloquial terms in `text` (longest match first)."""
        folded = fold(text)
        out: list[str] = []
        for pattern, targets in self._glossary_patterns:
            if pattern.search(folded):
                folded = pattern.sub(" ", folded)
                out.extend(targets)
        return out


@lru_cache(maxsize=1)
def get_domain() -> Domain:
    """The domain vocabulary, parsed once."""
    with DATA_FILE.open("rb") as fh:
        return Domain(tomllib.load(fh))

"""The requirement catalogue (`corpus/requirements.toml`): what a RESV-plan is reviewed against.

`load_catalogue()` reads and validates the entries and locates each source quote in the text of
its corpus document (the same text every passage offset points into), so a finding can cite the
requirement's source character for character. A quote that is not found, or found more than once
without saying which occurrence is meant, is a `CorpusError`: the catalogue and the corpus have
drifted apart.
"""

from __future__ import annotations

import re
import tomllib
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant.domain import get_domain
from assistant.errors import CorpusError
from assistant.ingest.corpus import passages_of
from assistant.ingest.manifest import load_document, read_manifest
from assistant.models import Document, InsurerName
from assistant.text import collapse, fold

CATALOGUE_FILE = "requirements.toml"
YEAR_TOKEN = re.compile(r"^>?\d{4}$")


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Part(_Spec):
    """One named part of a compound requirement and the terms that show it."""

    name: str
    terms: tuple[str, ...] = Field(min_length=1)


class NumberRule(_Spec):
    """A threshold the plan's own numbers are compared with."""

    what: str
    terms: tuple[str, ...] = Field(min_length=1, description="Words the number must stand next to.")
    min_percent: float | None = None
    min_count: int | None = None
    count_terms: tuple[str, ...] = Field((), description="Named items whose number found counts as the count.")
    money: bool = Field(False, description="The number is an amount of money (€).")

    @model_validator(mode="after")
    def _one_threshold(self) -> NumberRule:
        if (self.min_percent is None) == (self.min_count is None):
            raise ValueError("give exactly one of min_percent and min_count")
        return self


class Requirement(_Spec):
    """One atomic requirement, where it is stated, and what evidence for it looks like."""

    id: str = Field(pattern=r"^[a-z]+-bs\d{1,2}-[a-z0-9-]+$")
    bouwsteen: int = Field(ge=1, le=len(get_domain().bouwstenen))
    insurer: InsurerName | None = None
    requirement: str = Field(min_length=10)
    document: str
    section: str
    quote: str = Field(min_length=3)
    occurrence: int | None = Field(None, ge=1)
    concepts: tuple[tuple[str, ...], ...] = ()
    thin: tuple[tuple[str, ...], ...] = Field(
        (), description="Per concept group, looser wordings that show the concept only in part: evidence that needs one is `partial`.")
    contrary: tuple[str, ...] = Field(
        (), description="Wordings that say the opposite ('omvat ook' of the RHO-regio): a clause with one counts against the requirement.")
    parts: tuple[Part, ...] = ()
    numbers: tuple[NumberRule, ...] = ()
    years: tuple[int | str, ...] = ()
    smart: bool = False
    postcode: bool = False
    scope: Literal["plan", "bouwsteen"] = "plan"
    depth: int = Field(1, ge=1, le=5, description="Sentences of support needed before a description counts as worked out.")
    later: Literal["counts", "planned", "intended", "absent"] = Field(
        "absent", description="How a plan for later reads: set per bouwsteen by the catalogue's [later] table, or per entry.")
    aggregate: str | None = Field(None, description="Id prefix of the requirements whose verdicts this one summarises.")
    # Filled in by load_catalogue: where the quote stands in the document's text.
    start: int | None = None
    end: int | None = None

    @model_validator(mode="after")
    def _check(self) -> Requirement:
        if not self.concepts and not self.parts and not self.aggregate:
            raise ValueError("needs `concepts`, `parts` or `aggregate` to recognise evidence")
        if any(not group for group in self.concepts):
            raise ValueError("an empty group in `concepts`")
        if len(self.thin) > len(self.concepts):
            raise ValueError("`thin` has more groups than `concepts`")
        for year in self.years:
            if not YEAR_TOKEN.match(str(year)):
                raise ValueError(f"year {year!r} is not like 2028 or '>2030'")
        return self

    @cached_property
    def groups(self) -> list[tuple[str, ...]]:
        """The concept groups with their thin wordings: what a sentence must show to speak about the requirement."""
        thin = list(self.thin) + [()] * (len(self.concepts) - len(self.thin))
        return [tuple(dict.fromkeys(group + extra)) for group, extra in zip(self.concepts, thin, strict=True)]

    @cached_property
    def all_terms(self) -> list[str]:
        """Every evidence term of this requirement, for retrieval."""
        out = [t for group in self.groups for t in group]
        out += [t for part in self.parts for t in part.terms]
        out += [t for rule in self.numbers for t in rule.terms]
        return [t.lstrip("*") for t in dict.fromkeys(out)]


def load_catalogue(corpus_dir: Path) -> list[Requirement]:
    """The catalogue of `corpus_dir`, every quote located in its document's text."""
    path = corpus_dir / CATALOGUE_FILE
    if not path.is_file():
        raise CorpusError(f"In {corpus_dir} ontbreekt {CATALOGUE_FILE} (de eisencatalogus voor resv review).")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CorpusError(f"{path} is geen geldige TOML: {exc}") from exc
    entries = data.get("requirement", [])
    if not entries:
        raise CorpusError(f"{path} bevat geen [[requirement]]-regels.")
    later = data.get("later", {})
    requirements = []
    for n, entry in enumerate(entries, 1):
        try:
            if isinstance(entry, dict) and "later" not in entry:
                entry = entry | {"later": later.get(str(entry.get("bouwsteen")), later.get("default", "absent"))}
            requirements.append(Requirement(**entry))
        except ValidationError as exc:
            name = entry.get("id", f"nummer {n}") if isinstance(entry, dict) else f"nummer {n}"
            raise CorpusError(f"{path}: eis {name} is ongeldig: {exc}") from exc
    ids = [r.id for r in requirements]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CorpusError(f"{path}: dubbele id's: {', '.join(duplicates)}")
    documents = {info.id: info for info in read_manifest(corpus_dir)}
    loaded: dict[str, tuple[Document, list[tuple[int, int]]]] = {}
    located = []
    for requirement in requirements:
        info = documents.get(requirement.document)
        if info is None:
            raise CorpusError(f"{path}: eis {requirement.id} noemt document {requirement.document!r}, dat niet in het manifest staat.")
        if info.id not in loaded:
            document = load_document(corpus_dir, info)
            loaded[info.id] = (document, [(p.start, p.end) for p in passages_of(document)])
        document, spans = loaded[info.id]
        start, end = locate_quote(document.text, requirement.quote, requirement.occurrence, requirement.id)
        if not any(s <= start and end <= e for s, e in spans):
            raise CorpusError(f"Eis {requirement.id}: het citaat staat niet binnen één passage van {document.id}.")
        located.append(requirement.model_copy(update={"start": start, "end": end}))
    return located


def locate_quote(text: str, quote: str, occurrence: int | None = None, label: str = "") -> tuple[int, int]:
    """Span of `quote` in `text`; runs of whitespace in either may differ, nothing else may."""
    words = collapse(quote).split(" ")
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    matches = list(pattern.finditer(text))
    if not matches:
        hint = " (wel gevonden zonder hoofdletters/accenten)" if fold(collapse(quote)) in fold(collapse(text)) else ""
        raise CorpusError(f"Eis {label}: citaat niet letterlijk gevonden in de brontekst{hint}: {quote!r}")
    if occurrence is None and len(matches) > 1:
        raise CorpusError(f"Eis {label}: citaat komt {len(matches)} keer voor; geef `occurrence` op: {quote!r}")
    index = (occurrence or 1) - 1
    if index >= len(matches):
        raise CorpusError(f"Eis {label}: citaat komt maar {len(matches)} keer voor, niet {occurrence}: {quote!r}")
    return matches[index].start(), matches[index].end()

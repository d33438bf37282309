"""One strategy per question shape. A requirement question (an insurer and a bouwsteen, a section,
the hoofdtaken) is answered by its complete list; a fact question by the sentences that state
the fact, its passages following as context."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer.citations import Citations, Claim
from assistant.answer.context import Context
from assistant.answer.focus import coverage
from assistant.answer.lead import lead_sentences
from assistant.answer.render import Group
from assistant.ingest.corpus import SIGNATURE_SECTION
from assistant.models import Answer, Passage
from assistant.retrieve import Hit
from assistant.text import fold, terms
from assistant.understand import FACT_PATTERNS

PHASE_HEADING = re.compile(r"\s*(?:fase|phase)\s*(\d)")
MAX_SUPPORT = 6  # passages that answer a general question
MAX_SECTION = 12  # a named section is quoted whole up to this many passages
MAX_CONTEXT = 2  # passages quoted as context after a fact question's answer
MAX_SIGNED = 3  # letters whose signatures answer a 'who signed' question that names none of them
K_GENERAL = 12
CLOSEST_BULLETS = 3  # bullets per insurer that place a question in words its policy does not use
NATIONAL_PRIOR = 1.3  # weight of the sources that apply to every insurer when a question names none
NAMED_THINGS = 2  # things of a which-insurers question (of three or more) a policy bullet must name
WORDS_SHARE = 0.5  # a passage's share of the question's words against its closeness in meaning


def cell_title(ctx: Context, insurer: str, bouwsteen: int) -> str:
    return ctx.out.say("heading", "cell", insurer=insurer, number=bouwsteen, name=ctx.domain.bouwsteen_title(bouwsteen))


def handreiking_groups(ctx: Context, bouwsteen: int) -> list[Group]:
    """The bouwsteen's text grouped by its own sub-headings, footnotes last."""
    base = ctx.out.say("heading", "handreiking_bouwsteen", number=bouwsteen, name=ctx.domain.bouwsteen_title(bouwsteen))
    groups: dict[str, list[Passage]] = {}
    notes: list[Passage] = []
    depth = None
    for passage in ctx.sources.handreiking(bouwsteen, footnotes=True):
        if passage.kind == "footnote":
            notes.append(passage)
            continue
        depth = depth or len(passage.section)
        sub = passage.section[depth:] if len(passage.section) > depth else ()
        groups.setdefault(f"{base} – {sub[0]}" if sub else base, []).append(passage)
    out: list[Group] = list(groups.items())
    if notes:
        out.append((ctx.out.say("heading", "footnotes", base=base), notes))
    return out


def fact_first(ctx: Context, groups: Sequence[Group], intro: str = "") -> Answer:
    """A list answer that opens with the sentence stating the wanted fact, when the question wants one."""
    support = [p for _, ps in groups for p in ps]
    lead = lead_sentences(support, ctx.focus, ctx.sources, ctx.q.wants) if ctx.q.wants in FACT_PATTERNS else []
    return ctx.out.answer(groups, intro, lead=lead)


def requirements(ctx: Context, bouwstenen: Sequence[int] = ()) -> Answer:
    """What named insurers ask, per bouwsteen (or per bouwsteen their bullets on the topic sit in)."""
    q = ctx.q
    bouwstenen = bouwstenen or q.bouwstenen or sorted({p.bouwsteen for p in ctx.lib.passages if p.kind == "bullet" and p.bouwsteen})
    groups: list[Group] = [(cell_title(ctx, insurer, b), ctx.sources.bullets(insurer, b)) for insurer in q.insurers for b in bouwstenen]
    support = [p for _, ps in groups for p in ps]
    if q.wants and not ctx.focus.has_wanted_fact(support):
        return ctx.out.abstain("fact_not_in_sources", ctx.out.say("message", "policy_lacks_fact", fact=ctx.out.fact(q.wants)), support)
    if len(q.insurers) == 1 and q.bouwstenen and not q.comparison:
        for bouwsteen in q.bouwstenen:
            groups.extend(handreiking_groups(ctx, bouwsteen))
    elif len(q.insurers) == 1 and not q.comparison:  # a topic, not a bouwsteen: the handreiking on that topic
        topic = ctx.focus.known_topic()
        on_topic = [p for b in bouwstenen for p in ctx.sources.handreiking(b) if ctx.focus.matches(p, topic)]
        groups.append((ctx.out.say("heading", "handreiking"), ctx.sources.answer_units(on_topic)))
    names = ctx.joined(q.insurers)
    key = "comparison" if q.comparison and len(q.insurers) > 1 else "requirements"
    return fact_first(ctx, groups, ctx.out.say("intro", key, names=names))


def insurer_topics(ctx: Context) -> list[int]:
    """Bouwstenen whose bullets, for the named insurers, are about the question's focus.

    A question on a topic that names no bouwsteen (how two insurers differ on governance) is
    placed by the insurers' own bullets on that topic.
    """
    topic = ctx.focus.known_topic()
    if not topic:
        return []
    return sorted({p.bouwsteen for i in ctx.q.insurers for p in ctx.sources.bullets(i) if p.bouwsteen and ctx.focus.matches(p, topic)})


def closest_insurer_topics(ctx: Context) -> list[int]:
    """Bouwstenen of the named insurers' bullets closest in meaning to the question (CLOSEST_BULLETS
    per insurer): a question in other words than the policy's is placed where it is about, not
    answered with the insurer's whole policy."""
    out: set[int] = set()
    for insurer in ctx.q.insurers:
        hits = ctx.sources.search(ctx.q.text, CLOSEST_BULLETS, mode="dense",
                                  allow=lambda p, insurer=insurer: p.kind == "bullet" and p.insurer == insurer and bool(p.bouwsteen))
        out.update(h.passage.bouwsteen for h in hits)
    return sorted(out)


def bouwsteen_text(ctx: Context) -> Answer:
    """The handreiking's text of the named bouwstenen (and every insurer's bullets, when asked for all)."""
    q = ctx.q
    groups = [group for b in q.bouwstenen for group in handreiking_groups(ctx, b)]
    if q.all_insurers:
        for b in q.bouwstenen:
            groups.extend((cell_title(ctx, i, b), ctx.sources.bullets(i, b)) for i in ctx.domain.insurer_names)
    support = [p for _, ps in groups for p in ps]
    if q.wants and not ctx.focus.has_wanted_fact(support):
        return ctx.out.abstain("fact_not_in_sources", ctx.out.say("message", "bouwsteen_lacks_fact", fact=ctx.out.fact(q.wants)), support)
    return fact_first(ctx, groups)


def phase_outline(ctx: Context) -> Answer | None:
    """What a phase holds: its own text, then each of its parts (sub-sections) by heading."""
    groups: list[Group] = []
    for number in ctx.q.phases:
        inside = ctx.sources.select(lambda p: bool(p.section) and p.kind != "footnote"
                                    and (m := PHASE_HEADING.match(fold(p.section[0]))) is not None and int(m.group(1)) == number)
        if not inside:
            continue
        heading = inside[0].section[0]
        groups.append((heading, [p for p in inside if len(p.section) == 1][:MAX_SUPPORT]))
        for section in dict.fromkeys(p.section[:2] for p in inside if len(p.section) > 1):
            first = next(p for p in inside if p.section[:2] == section)
            groups.append((f"{heading} > {section[1]}", [first]))
    return ctx.out.answer(groups) if groups else None


def which_insurers(ctx: Context) -> Answer:
    """Which insurers' policies name the topic (or the kind of fact); each named insurer cited."""
    topic = ctx.focus.known_topic()
    fact = FACT_PATTERNS.get(ctx.q.wants or "")
    if not topic and not fact:
        return general(ctx)

    def relevant(p: Passage) -> bool:
        # "welke verzekeraars noemen een percentage": the kind of fact is what is asked for.
        return (not topic or ctx.focus.matches(p, topic)) and (fact is None or bool(fact.search(p.text)))

    things = len(ctx.q.things(topic))

    def names_it(p: Passage) -> bool:
        # An insurer named in the headline is a claim that its policy says it: of three or more
        # things asked about, one (every policy says "regio") is not enough; two are.
        return relevant(p) and (things <= 2 or round(coverage(p, topic, same=ctx.q.alternatives) * things) >= NAMED_THINGS)

    allow_bs = set(ctx.q.bouwstenen)
    found: list[tuple[str, list[Passage]]] = []
    missing = []
    for insurer in ctx.domain.insurer_names:
        matched = [p for p in ctx.sources.bullets(insurer) if (not allow_bs or p.bouwsteen in allow_bs) and names_it(p)]
        if matched:
            found.append((insurer, matched))
        else:
            missing.append(insurer)
    # What the other sources say on the topic: passages with its words, and the one the search ranks
    # first (a question in other words names the topic in none of them); best ranked first.
    def general_source(p: Passage) -> bool:
        return p.insurer is None and p.kind != "cell" and (not allow_bs or p.bouwsteen in allow_bs)

    hits = ctx.hits(K_GENERAL, general_source)
    ranked = {h.passage.id: i for i, h in enumerate(hits)}
    first = next((h.passage.id for h in hits if not ctx.sources.points_elsewhere(h.passage.text)), None)
    guidance = [p for p in ctx.lib.passages if general_source(p)
                and (relevant(p) or (p.id == first and (fact is None or bool(fact.search(p.text)))))]
    guidance = ctx.sources.reach(sorted(guidance, key=lambda p: ranked.get(p.id, len(ranked)))[:3])
    if not found and not guidance:
        return ctx.out.abstain("fact_not_in_sources", ctx.out.say("message", "no_insurer_names"), ctx.near())
    citations = Citations(ctx.lib.documents)
    named = [f"{insurer} [{citations.cite(ctx.sources.claims([ps[0]])[0][0])}]" for insurer, ps in found]  # its first bullet
    intro = ctx.out.say("intro", "which_insurers", names=", ".join(named)) if named else ctx.out.say("intro", "which_insurers_none")
    groups: list[Group] = [(ctx.out.say("heading", "policy", insurer=i), ps) for i, ps in found]
    others: dict[str, list[Passage]] = {}
    for passage in guidance:  # the handreiking applies to every insurer; another document under its own title
        handreiking = ctx.lib.documents[passage.document_id].info.kind == "handreiking"
        others.setdefault(ctx.out.say("heading", "handreiking_all") if handreiking else group_title(ctx, passage), []).append(passage)
    groups.extend(others.items())
    notes = ["\n_" + ctx.out.say("intro", "not_named_by", names=", ".join(missing)) + "_"] if missing else []
    return ctx.out.answer(groups, intro, notes, citations=citations)


def signers(ctx: Context) -> Answer | None:
    """Who signed a document: the closing and signature of the letter the question names (by the
    words of its title), or of every letter when it names none. None when no document is signed."""
    signed = ctx.sources.select(lambda p: p.section == (SIGNATURE_SECTION,))
    asked = terms(" ".join([ctx.q.text, *ctx.q.translations]))  # "handreiking", "plan": words the focus sets aside name documents
    named = {d: coverage(document.info.title, asked) for d, document in ctx.lib.documents.items()}
    best = max((named[p.document_id] for p in signed), default=None)
    if best is None or best < max(named.values()):
        return None  # no signed letter, or the question names a document whose signature was not found
    return ctx.out.answer([(group_title(ctx, p), [p]) for p in signed if named[p.document_id] == best][:MAX_SIGNED])


def hoofdtaken(ctx: Context) -> Answer | None:
    """The hoofdtaken asked for, from the handreiking's own list."""
    q = ctx.q
    chosen = ctx.sources.select(lambda p: p.kind == "hoofdtaak" and (q.all_hoofdtaken or p.hoofdtaak in q.hoofdtaken))
    if not chosen:
        return None
    return ctx.out.answer([(ctx.out.say("heading", "hoofdtaken", count=len(ctx.domain.hoofdtaken)), chosen)])


def general(ctx: Context) -> Answer:
    """Any other question: the passages that hold its focus, the sentence that answers first."""
    q = ctx.q
    insurers = set(q.insurers)

    def allow(p: Passage) -> bool:
        if p.kind == "cell":
            return False
        if p.insurer is not None and insurers and p.insurer not in insurers:
            return False
        return not q.handreiking_only or p.insurer is None

    def boost(p: Passage) -> float:
        factor = 1.0
        if q.bouwstenen and p.bouwsteen in q.bouwstenen:
            factor *= 1.5
        if q.hoofdtaken and p.hoofdtaak in q.hoofdtaken:
            factor *= 2.0
        if insurers and p.insurer in insurers:
            factor *= 1.3
        if not insurers and p.insurer is None:
            factor *= NATIONAL_PRIOR  # asked of no insurer: what applies to all before one policy's words
        return factor

    hits = ctx.hits(K_GENERAL, allow, boost)
    if not hits:
        return ctx.out.abstain("no_passages", ctx.out.say("message", "sources_silent"))
    if (q.hoofdtaken or q.all_hoofdtaken) and not q.bouwstenen and not insurers and (listed := hoofdtaken(ctx)):
        return listed
    nearest = [h.passage for h in hits[:3]]
    if not ctx.focus.in_domain():
        return ctx.out.abstain("outside_domain", ctx.out.say("message", "outside_domain", titles=library_titles(ctx)), nearest)
    known = ctx.focus.known()
    unknown = [f for f in q.focus if f not in known]
    wanted = q.wants or ("date" if q.wants_date_maybe else None)
    if unknown and ((not wanted and not ctx.focus.known_things())
                    or (not q.english and not q.has_domain_signal and len(unknown) / len(q.focus) > 0.5)):
        # Nothing the question asks about stands in the sources (an English word: nor its Dutch renderings).
        # A question for a kind of fact (a date) is decided by whether the fact is stated, below.
        return ctx.out.abstain("fact_not_in_sources", ctx.out.say("message", "sources_silent"), nearest)
    section = section_asked(ctx, hits, known)
    support = ctx.sources.answer_units((section or best_matching(ctx, hits, known))[:MAX_SECTION])
    # A question that surely wants a fact (an amount) may find it further down the hits; "wanneer" may
    # ask for a condition, so only the best passages can answer it with a date.
    if q.wants in FACT_PATTERNS:
        support += [h.passage for h in hits if h.passage not in support and ctx.focus.states_fact([h.passage], wanted)][:2]
    # A label or a lead-in without its list states nothing: neither answer nor context.
    support = [p for p in support if ctx.sources.says_something(p, support)] or support
    stated = wanted in FACT_PATTERNS and ctx.focus.states_fact(support, wanted)
    if q.wants and not stated:  # q.wants, when set, is the wanted kind
        return ctx.out.abstain("fact_not_in_sources", ctx.out.say(
            "message", "no_fact_answers", fact=ctx.out.fact(q.wants)), support)
    # A named section is its own answer; a soft date question leads with a date only where one is stated.
    closeness = {h.passage.id: c for h, c in zip(hits, dense_closeness(hits))}
    lead = [] if section else lead_sentences(support, ctx.focus, ctx.sources, wanted if stated else None, closeness)
    if lead:
        # The answer is stated; its own passages and the next best follow as context.
        stating = {c.passage.id for sentence in lead for c in sentence}
        # A lead sentence that opens a list (ending in ':') is answered by that list, not merely its context.
        stating |= {item.id for p in support if p.id in stating for item in ctx.sources.introduced(p)}
        support = [p for p in support if p.id in stating] + [p for p in support if p.id not in stating][:MAX_CONTEXT]
    ordered = sorted(support, key=lambda p: (p.insurer is not None, p.document_id, p.start))
    groups: dict[str, list[Passage]] = {}
    for passage in ordered:
        groups.setdefault(group_title(ctx, passage), []).append(passage)
    # Context is there to place the answer: of its passages, the sentences next to the answer and
    # those on what the question is about.
    topic = ctx.focus.known_topic() or known
    documents = ctx.lib.documents

    def relevant(pieces: Sequence[Claim]) -> bool:
        sentence = " ".join(documents[c.passage.document_id].text[c.start:c.end] for c in pieces)
        return any(ctx.sources.adjacent(pieces, answer) for answer in lead) or coverage(sentence, topic, same=q.alternatives) > 0

    return ctx.out.answer(list(groups.items()), lead=lead, relevant=relevant)


def library_titles(ctx: Context) -> str:
    """The titles of the documents the library holds, for people."""
    titles = list(dict.fromkeys(d.info.title for d in ctx.lib.documents.values()))
    return ctx.joined([", ".join(titles[:-1]), titles[-1]]) if len(titles) > 1 else "".join(titles)


def best_matching(ctx: Context, hits: Sequence[Hit], focus: Sequence[str]) -> list[Passage]:
    """The hits that best answer the question, by its words and its meaning alike; rank order breaks ties.

    A high rank without the question's words is a near miss (a bouwsteen boost, a similar
    sentence); a passage with them, lower down, is the answer more often. But a question in other
    words than the sources (a paraphrase, English) shares few of them with its answer, so the
    embedder's similarity weighs as much as the words: a passage close in meaning and in words wins.
    """
    weights = ctx.focus.weights(focus)
    parts = ctx.focus.parts()
    words = [coverage(h.passage, focus, weights, parts, ctx.q.alternatives) for h in hits]
    most = max(words, default=0.0)
    meaning = dense_closeness(hits)
    scored = [(h.passage, WORDS_SHARE * (w / most if most else 0.0) + (1 - WORDS_SHARE) * m) for h, w, m in zip(hits, words, meaning)]
    best = max((s for _, s in scored), default=0.0)
    if best == 0:
        return [p for p, _ in scored[:2]]
    kept = [(n, p, s) for n, (p, s) in enumerate(scored) if s >= best * 0.5]
    kept.sort(key=lambda item: (-item[2], item[0]))
    return [p for _, p, _ in kept[:MAX_SUPPORT]]


def dense_closeness(hits: Sequence[Hit]) -> list[float]:
    """Each hit's embedder similarity to the question, scaled over the hits to 0 (least) … 1 (most).

    The embedder's cosines sit in a narrow band; only their order among the candidates says much.
    """
    scores = [h.dense_score for h in hits]
    low, high = min(scores, default=0.0), max(scores, default=0.0)
    return [(s - low) / (high - low) if high > low else 0.0 for s in scores]


def section_asked(ctx: Context, hits: Sequence[Hit], focus: Sequence[str]) -> list[Passage]:
    """All of a section whose heading is what the question names ("wat moet het plan beschrijven
    onder sturing en verantwoording?"), when one of the top hits sits in it."""
    if not focus:
        return []
    for hit in hits[:2]:
        section = hit.passage.section
        if not section or hit.passage.kind == "footnote":
            continue
        heading = set(terms(section[-1]))
        named = [h for h in heading if any(h == f or (len(f) >= 5 and h.startswith(f)) for f in focus)]
        if all(any(h == f or (len(f) >= 5 and h.startswith(f)) for h in heading) for f in focus) and len(named) >= 0.75 * len(heading):
            body = [p for p in ctx.lib.passages if p.document_id == hit.passage.document_id and p.section == section]
            if len(body) <= MAX_SECTION:
                return ctx.sources.reach(body)
    return []


def group_title(ctx: Context, passage: Passage) -> str:
    document = ctx.lib.documents[passage.document_id]
    if passage.insurer:
        return ctx.out.say("heading", "policy", insurer=passage.insurer)
    section = passage.section[-1] if passage.section else ""
    if passage.kind == "footnote" and len(passage.section) >= 2:
        section = f"{passage.section[-2]}, {passage.section[-1].lower()}"
    return f"{document.info.title} – {section}" if section else document.info.title

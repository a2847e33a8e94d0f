"""The answer card: the model element a query is about, with what it builds on, what it leads to,
what it rests on and the case studies and evidence behind it. Every line is read from the graph and
cites its source; no language model writes anything.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import numpy as np

from graph import stages as st
from graph.evidence import BADGE, RANK, graph_evidence
from graph.ns import ELEMENT_CLASSES
from graph.records import NodeRecord
from graph.store import KnowledgeGraph
from graph.text.labels import shorten
from graph.text.model import common_words
from graph.text.sentences import sentences
from graph.text.tokens import tokens
from search.asks import ASSUMPTION, CASE, EVIDENCE, HOWTO, asked, counted, counts


class Searcher(Protocol):
    """What a card needs of a search engine (``search.engine.SearchEngine`` is one); naming it here, not
    importing the engine, keeps the card below the engine that builds it."""

    kg: KnowledgeGraph
    links: Links
    vindex: Any

    def search(self, query: str, k: int = 10, types: list[str] | None = None) -> Any: ...

    def encode_query(self, query: str) -> np.ndarray: ...

MAX_LINES = 8
CASE_THRESHOLD = 0.40  # cosine above which a case study is shown as related when none is linked
# Below this cosine between the question and the answer's closest wording (its best view), the card says it is
# only the nearest part of the model: on the six choosing sets 105 of 675 questions fall below it, 68 of them
# judged unanswerable and 2 answered right (docs/search.md, "Round three").
WEAK_MATCH = 0.35
# Under this the answer is a fair match, not a close one, and the card names what reads almost as well: on the
# fourteen choosing sets 322 of 849 answerable questions fall in 0.35-0.50, their card right 0.37 against 0.58
# above it (docs/search.md, "Round seven").
FAIR_MATCH = 0.50
ALSO = 2  # the next best named on an unsure card
OUTCOME_TYPES = ("Outcome", "Impact")


@dataclass
class CardLine:
    id: str
    type: str
    label: str
    text: str
    source: dict | None  # document, path, section, start, end, quote of the node's first source
    hops: int = 0
    basis: str = ""  # for links: textual | inferred | curated | stage order; for case studies: illustrates | semantic
    weight: float | None = None
    evidence: str = ""  # the link's own evidence text, when the graph has one
    level: str = ""  # for causal links: evidence level (stated | shown | curated | inferred, graph.evidence)

    @classmethod
    def of(cls, n: NodeRecord, **kw) -> CardLine:
        return cls(n.id, n.type, n.label, n.text, n.sources[0].to_dict() if n.sources else None, **kw)

    def where(self) -> str:
        """'Document title, § Section', the section left out when it only repeats the title."""
        return where(self.source)

    def badge(self) -> str:
        """The link's evidence level, or else its basis, in a person's words (no scores, no model ids)."""
        return BADGE.get(self.level) or basis_words(self.basis)

    def detail(self) -> str:
        """What the basis rests on, for the fold-away details: the stated sentence, or how similar."""
        if self.evidence and self.basis in ("textual", "curated"):
            return f"“{' '.join(self.evidence.split())}”"
        if self.weight is not None and self.basis in ("inferred", "semantic"):
            if self.level == "shown":  # the badge says "shown by a case": say why, and what the arrow was made on
                return (f"a case study illustrates both ends; the arrow itself comes from similarity in meaning "
                        f"(score {self.weight:.2f}), and no sentence states it")
            return f"similar in meaning (score {self.weight:.2f}); no sentence states this link"
        m = re.match(r"semantic match ([0-9.]+)", self.basis)
        if m:
            return f"similar in meaning to the question or the element (score {m.group(1)})"
        return ""

    def cite(self) -> str:
        s = self.source
        if not s:
            return "(no source)"
        return f"{self.where()}: “{shorten(s['quote'], 160)}”"  # cut between words, never inside one


BASIS_WORDS = {"textual": "stated in the text", "curated": "curated", "inferred": "similar in meaning",
               "semantic": "similar in meaning", "stage order": "next stage", "leadsTo": "linked",
               "illustrates": "linked case", "explicit": "named in the case",
               "its own case study": "its own case study"}


def basis_words(basis: str) -> str:
    if basis.startswith("semantic match"):
        return "similar in meaning"
    m = re.fullmatch(r"(semantic|explicit|evidence|curated) [0-9.]+", basis)
    if m:  # a case link's basis and weight: the words only (its reason and numbers are on the case's page)
        return {"semantic": "similar in meaning", "explicit": "named in the case", "evidence": "by its figures",
                "curated": "curated"}[m.group(1)]
    if basis.startswith("evidence of "):
        return "figure from " + basis.removeprefix("evidence of ")
    return BASIS_WORDS.get(basis, basis)


def where(source: dict | None) -> str:
    if not source:
        return ""
    doc, sec = source.get("document", ""), (source.get("section") or "").strip()
    if not sec or sec.lower() in doc.lower() or doc.lower() in sec.lower():
        return doc
    return f"{doc}, § {sec.title() if sec.isupper() else sec}"


@dataclass
class Card:
    query: str
    element: CardLine
    matched: CardLine  # the search hit the card was reached from (the element itself, or e.g. an assumption)
    via: str  # how the element was chosen, in words
    stage: str
    answer: str  # two sentences of the headline's text that best answer the query, in text order
    links_basis: str  # "causal links (ep:leadsTo)" or "stage order (no causal links in the graph)"
    kind: str = "element"  # what the card answers with: element | assumption | evidence | case | foundation …
    headline: CardLine | None = None  # the answer itself (the element, or the assumption, figure, case …)
    why: str = ""  # why this kind of answer, in a few words
    rests_on_it: list[CardLine] = field(default_factory=list)  # for an assumption: the elements resting on it
    builds_on: list[CardLine] = field(default_factory=list)
    leads_to: list[CardLine] = field(default_factory=list)
    assumptions: list[CardLine] = field(default_factory=list)
    foundations: list[CardLine] = field(default_factory=list)
    case_studies: list[CardLine] = field(default_factory=list)
    evidence: list[CardLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    closeness: float | None = None  # cosine of the question to the answer's closest wording
    weak: str = ""  # said first when nothing answers the question closely (closeness under WEAK_MATCH)
    unsure: str = ""  # said when the answer is a fair match, not a close one (closeness under FAIR_MATCH)
    also: list[CardLine] = field(default_factory=list)  # what reads almost as well, when weak or unsure

    def to_json(self) -> dict:
        return asdict(self)

    def __post_init__(self):
        if self.headline is None:
            self.headline = self.element

    def to_markdown(self) -> str:
        el, head = self.element, self.headline or self.element
        out = [
            f"## {head.label} ({head.type}{', ' + self.stage if head.id == el.id and self.stage else ''})",
            "",
            f"_{self.weak}_" if self.weak else "",
            self.answer,
            "",
            f"_{self.unsure}_" if self.unsure else "",
            *[f"- **{ln.label}** ({ln.type}) — {ln.cite()}" for ln in self.also],
            "" if self.unsure or self.also else "",
            f"Source: {head.cite()}",
            f"Answered with {_a(self.kind)}: {self.why}" if self.why else "",
            f"Found via: {self.via}",
            "",
        ]
        if head.id != el.id:
            out += [f"### {'What rests on it' if self.rests_on_it else 'The model element it speaks to'}"]
            out += [f"- **{ln.label}** ({ln.type}) — {ln.cite()}" for ln in (self.rests_on_it or [el])]
            out += ["", f"## {el.label} ({el.type}, {self.stage})", ""]
        out = [ln for i, ln in enumerate(out) if ln or i == 0 or out[i - 1]]
        sections = (
            (f"What it needs — basis: {self.links_basis}", self.builds_on),
            (f"What it leads to — basis: {self.links_basis}", self.leads_to),
            ("Assumptions", self.assumptions),
            ("Foundations", self.foundations),
            ("Case studies", self.case_studies),
            ("Evidence", self.evidence),
        )
        for title, lines in sections:
            out.append(f"### {title}")
            if not lines:
                out.append("- (none in the graph)")
            for ln in lines:
                extra = []
                if ln.hops > 1:
                    extra.append(f"{ln.hops} steps")
                if ln.basis:
                    extra.append(ln.badge())
                tag = f" [{', '.join(extra)}]" if extra else ""
                out.append(f"- **{ln.label}** ({ln.type}){tag} — {ln.cite()}")
                if ln.detail():
                    out.append(f"  - basis: {ln.detail()}")
            out.append("")
        for note in self.notes:
            out.append(f"_Note: {note}_")
        return "\n".join(out).rstrip() + "\n"


@dataclass
class Links:
    """The causal arrows between elements: ep:leadsTo, with basis/weight/evidence from any ep:CausalLink."""

    out: dict[str, list[str]]
    into: dict[str, list[str]]
    info: dict[tuple[str, str], dict]
    ties: dict[str, list[str]] = field(default_factory=dict)  # assumption/foundation/case/evidence -> elements
    owner: dict[str, str] = field(default_factory=dict)  # evidence -> its case study
    names: dict[str, list[str]] = field(default_factory=dict)  # a word naming one or two case studies -> them

    @classmethod
    def from_graph(cls, kg: KnowledgeGraph) -> Links:
        out, into = defaultdict(list), defaultdict(list)
        info: dict[tuple[str, str], dict] = {}
        for a, targets in kg.edges("leadsTo").items():
            for b in targets:
                if a in kg.nodes and b in kg.nodes:
                    out[a].append(b)
                    into[b].append(a)
        evidence = graph_evidence(kg)
        for link in kg.links:
            edge = (link.source, link.target)
            info[edge] = {"basis": link.basis, "weight": link.weight, "evidence": link.evidence,
                          "level": evidence[edge].level}
        owner = {ev: case for case, evs in kg.edges("hasEvidence").items()
                 if case in kg.nodes and kg.nodes[case].type == "CaseStudy" for ev in evs}
        return cls(dict(out), dict(into), info, _ties(kg), owner, _case_names(kg))

    def __bool__(self) -> bool:
        return bool(self.out)

    def walk(self, start: str, forward: bool, max_hops: int) -> list[tuple[str, int, tuple[str, str], str]]:
        """(node, hops, the edge that reached it, the weakest evidence level on the way there) breadth first,
        each node once: a pathway is as strong as its weakest step, so a node three steps away is "shown"
        only when every step that reaches it is."""
        adj = self.out if forward else self.into
        seen, frontier, found = {start}, [start], []
        weakest: dict[str, str] = {}
        for hop in range(1, max_hops + 1):
            nxt = []
            for u in frontier:
                for v in adj.get(u, []):
                    if v not in seen:
                        seen.add(v)
                        nxt.append(v)
                        edge = (u, v) if forward else (v, u)
                        level = self.info.get(edge, {}).get("level", "")
                        before = weakest.get(u, "")
                        if before and (not level or RANK.get(before, 0) < RANK.get(level, 0)):
                            level = before
                        weakest[v] = level
                        found.append((v, hop, edge, level))
            frontier = nxt
        return found


def _ties(kg: KnowledgeGraph) -> dict[str, list[str]]:
    """Each assumption, foundation, case study and piece of evidence -> the model elements it belongs to."""
    ties: dict[str, set[str]] = defaultdict(set)
    for rel in ("underpinnedBy", "hasFoundation"):
        for el, subs in kg.edges(rel).items():
            for sub in subs:
                ties[sub].add(el)
    for case, els in kg.edges("illustrates").items():
        ties[case].update(els)
    for case, evs in kg.edges("hasEvidence").items():
        for ev in evs:
            ties[ev].update(kg.edges("illustrates").get(case, []))
    for ev, targets in kg.edges("evidenceFor").items():  # a figure speaks to what it is evidence for, as its page
        if any(t in kg.nodes and kg.nodes[t].type in ELEMENT_CLASSES for t in targets):  # says (a browser walk)
            ties[ev] = set(targets)
    return {k: sorted(e for e in v if e in kg.nodes and kg.nodes[e].type in ELEMENT_CLASSES)
            for k, v in ties.items()}


def _case_names(kg: KnowledgeGraph) -> dict[str, list[str]]:
    """The words that name a case study: of its title, its organisations' names and its places', those that name
    at most two case studies and no more than one node of the model ("Tarnvale", "Kendal", "Cleobury"; not
    "community" or "trust"), so that a question naming one can be answered from that case."""
    df: dict[str, int] = defaultdict(int)
    for n in kg.nodes.values():
        if n.type not in NAMED_KINDS:
            for t in set(tokens(f"{n.label} {n.text}")):
                df[t] += 1
    named: dict[str, set[str]] = defaultdict(set)
    for case in kg.of_type("CaseStudy"):
        near = kg.neighbours(case.id)
        names = [case.label] + [f"{kg.nodes[i].label} {' '.join(kg.nodes[i].alt_labels)}"
                                for p in ("involves", "locatedIn") for d, i in near.get(p, []) if d == "out"]
        for t in tokens(" ".join(names)):
            if len(t) >= 4 and df.get(t, 0) <= 1:  # an insight may name a case ("Cleobury") once
                named[t].add(case.id)
    return {t: sorted(c) for t, c in named.items() if len(c) <= 2}


_WORDS = re.compile(r"[^\W_][\w'’-]*")


def cases_named(links: Links, query: str) -> list[str]:
    """The case studies a question names by a word of their own, written as a name (a capital, not the question's
    first word: "how many jobs did Tarnvale create", "… in Halifax") or a word the encoder's English lacks
    ("… in kendal"); "children" or "country" in lower case is English, not a name."""
    return sorted({c for cases in _names_in(links, query).values() for c in cases})


def _names_in(links: Links, query: str) -> dict[str, list[str]]:
    """Each word of ``query`` that names case studies (as written) -> them."""
    common = common_words()
    out: dict[str, list[str]] = {}
    for i, m in enumerate(_WORDS.finditer(query or "")):
        w = m.group(0)
        # a capital is a name's mark except on the first word, unless that word stands apart ("Halifax: how …")
        apart = i == 0 and (query or "")[m.end():m.end() + 1] in (":", ",", "?")
        if ((i or apart) and w[:1].isupper()) or (common and w.lower() not in common):
            for t in tokens(w):
                if t in links.names:
                    out.setdefault(w, []).extend(links.names[t])
    return out


def _a(word: str) -> str:
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word.lower()}"


def stage_of(kg: KnowledgeGraph, n: NodeRecord) -> str:
    """A node's stage, or the stage its section heading names (for passages written under a stage)."""
    if n.stage:
        return n.stage
    for src in n.sources:
        c = st.match(src.section, st.stages()) if src.section else None
        if c:
            return c.key
    return ""


def _link_line(kg: KnowledgeGraph, links: Links, nid: str, hops: int, edge: tuple[str, str], level: str
               ) -> CardLine:
    """A neighbour on the card: the last step's basis, weight and evidence, and the weakest level on the way."""
    meta = links.info.get(edge, {})
    return CardLine.of(
        kg.nodes[nid],
        hops=hops,
        basis=meta.get("basis") or "leadsTo",
        weight=meta.get("weight"),
        evidence=meta.get("evidence", ""),
        level=level,
    )


def _by_order(kg: KnowledgeGraph, el: NodeRecord, before: bool) -> list[NodeRecord]:
    """Fallback without causal links: the elements at the model position just before (or after) this one."""
    orders = sorted({n.order for n in kg.of_type(*ELEMENT_CLASSES) if n.order >= 0})
    cand = [o for o in orders if (o < el.order if before else o > el.order)]
    if not cand:
        return []
    target = cand[-1] if before else cand[0]
    return sorted((n for n in kg.of_type(*ELEMENT_CLASSES) if n.order == target), key=lambda n: n.id)


def _illustrated_by(kg, node: NodeRecord) -> set[str]:
    """Model elements illustrated by a case study, or by the case studies whose evidence ``node`` is."""
    cases = (
        [node.id]
        if node.type == "CaseStudy"
        else [
            i for d, i in kg.neighbours(node.id).get("hasEvidence", []) if d == "in" and kg.nodes[i].type == "CaseStudy"
        ]
    )
    return {
        i
        for c in cases
        for d, i in kg.neighbours(c).get("illustrates", [])
        if d == "out" and kg.nodes[i].type in ELEMENT_CLASSES
    }


# Choosing the card's element from the fused ranking (chosen on the tuned set; bench/results/eval.md):
CHOICE_DEPTH = 10  # fused hits read
CHOICE_K = 1  # rank offset: a hit at rank r counts 1 / (CHOICE_K + r)
TIE_SHARE = 0.25  # share of a hit's weight given to the element it is tied to (assumption, foundation, case)
TYPE_SHARE = 1.0  # weight of the question's lean to an element's kind (how-to -> process …)
HIT_LEAN = 0.0  # how much the question's lean to a tied hit's kind (evidence -> case study …) adds to its share


def choose_element(engine: Searcher, query: str) -> tuple[NodeRecord, NodeRecord, str] | None:
    """(element, the hit it came from, how), read off the fused ranking: each element scores by its own
    rank and by the ranks of the assumptions, foundations, case studies and evidence tied to it, plus the
    question's lean to the element's kind (from the ontology's definitions); the best one answers."""
    kg = engine.kg
    hits = list(engine.search(query, k=CHOICE_DEPTH))
    if not any(h.type in ELEMENT_CLASSES for h in hits):
        hits += [h for h in engine.search(query, k=5, types=list(ELEMENT_CLASSES)) if h.id not in
                 {x.id for x in hits}]
    if not hits:
        return None
    lean = type_lean(engine, query)
    hit_lean = type_lean(engine, query, every_kind=True) if HIT_LEAN else {}
    score: dict[str, float] = defaultdict(float)
    reached: dict[str, NodeRecord] = {}
    for r, h in enumerate(hits, 1):
        w = 1 / (CHOICE_K + r)
        if h.type in ELEMENT_CLASSES:
            score[h.id] += w
            reached.setdefault(h.id, h.node)
        share = max(0.0, TIE_SHARE + HIT_LEAN * hit_lean.get(h.type, 0.0))
        for el in engine.links.ties.get(h.id, ()):
            score[el] += share * w
            reached.setdefault(el, h.node)
    if not score:
        return None
    for el in score:
        score[el] += TYPE_SHARE * lean.get(kg.nodes[el].type, 0.0)
    best = max(score, key=lambda e: (score[e], e == hits[0].id))
    el, top = kg.nodes[best], hits[0].node
    if top.id == el.id:
        return el, el, "best match overall"
    via = reached[best]
    if via.id != el.id:
        return el, via, f"best match {_a(via.type)} '{shorten(via.label, 60)}', tied to this element"
    return el, top, f"best matching model element (best match overall: {_a(top.type)} '{shorten(top.label, 60)}')"


def type_lean(engine: Searcher, query: str, every_kind: bool = False) -> dict[str, float]:
    """How much more the question leans to each element kind's definition than to the average kind (with
    ``every_kind``: over every kind the ontology defines, case studies and evidence too)."""
    intent = getattr(engine, "intent", None)
    if intent is None:
        return {}
    lean = intent.leaning(engine.encode_query(query))
    kinds = [(i, d.key) for i, d in enumerate(intent.defs)
             if d.group == "type" and (every_kind or d.key in ELEMENT_CLASSES)]
    if not kinds:
        return {}
    mean = sum(lean[i] for i, _ in kinds) / len(kinds)
    return {k: float(lean[i] - mean) for i, k in kinds}


WANTED = {ASSUMPTION: ("Assumption",), EVIDENCE: ("Evidence", "CaseStudy"), CASE: ("CaseStudy",)}
KIND_OF = {"Assumption": "assumption", "Evidence": "evidence", "CaseStudy": "case", "Foundation": "foundation",
           "Insight": "insight", "Vision": "vision", "Purpose": "purpose", "Passage": "passage"}
# A top hit of these kinds answers for itself when the question's form asks for no other kind (chosen on the
# choosing sets: bench/results/eval.md, "How the card picks its answer"; a passage of a source document since
# round two: card right 0.547 -> 0.564 on the four choosing sets, docs/search.md).
TOP_KINDS = ("Assumption", "Foundation", "Insight", "Vision", "Purpose", "CaseStudy", "Evidence", "Passage")
# A how-to question still gets a model element, unless the best match is practical guidance in itself: a
# council insight or a foundation ("what increases the chance of success"). Round four, with the learned
# reranker, on the six choosing sets: card right 0.478 -> 0.491 (docs/search.md). Each with what the card says of it.
HOWTO_SELF = {"Insight": "is practical guidance", "Foundation": "names a condition that makes success more likely"}
TYPE_WORDS = {"CaseStudy": "case study", "Evidence": "figure", "Figure": "other figure",  # Figure: not a result
              "Passage": "passage of a source document"}


@dataclass
class Choice:
    headline: NodeRecord  # the answer
    element: NodeRecord  # the model element it speaks to (the headline itself for an element)
    matched: NodeRecord  # the search hit it was reached from
    via: str
    kind: str
    why: str
    # a node the answer was reached through whose closeness to the question also counts (how close the question
    # came to the graph is read from the closer of the two): the best-ranked figure when a finer rule chose
    # another ("how many jobs"); the organisation, person or place the question names, answered by its case study
    outranked: NodeRecord | None = None
    # the answer is about what the question names (a case by its own word): a definite answer, never "the
    # nearest part of the model"
    named: str = ""


def _guides(n: NodeRecord) -> bool:
    """A node that is practical guidance in itself (``HOWTO_SELF``); a partner's vision (a foundation of the vision
    stage: "To build a better world through co-operation") says where its author wants to go, not how."""
    return n.type in HOWTO_SELF and not (n.type == "Foundation" and n.stage == "vision")


def _word(t: str) -> str:
    return TYPE_WORDS.get(t, t.lower())


def plural(t: str) -> str:
    """A node type in a reader's words, plural: "case studies", "assumptions"."""
    if t == "Passage":
        return "passages of source documents"
    w = _word(t)
    return w[:-1] + "ies" if w.endswith("y") else w + "es" if w.endswith("s") else w + "s"


def element_for(engine: Searcher, node: NodeRecord, hits) -> NodeRecord | None:
    """The model element an assumption, foundation, figure or case study is tied to, the best-ranked first."""
    tied = engine.links.ties.get(node.id, [])
    if not tied:
        return None
    rank = {h.id: i for i, h in enumerate(hits)}
    return engine.kg.nodes[min(tied, key=lambda e: (rank.get(e, len(rank)), e))]


def choose_answer(engine: Searcher, query: str) -> Choice | None:
    """The card's answer: of the kind the question asks for (``search.asks``) when it asks for one, the best
    ranked node of that kind; else a top hit that is an assumption, foundation, insight, vision, purpose,
    case study or figure answers for itself (unless the question asks how to do something); else the model
    element ``choose_element`` picks."""
    ask = asked(query)
    hits = list(engine.search(query, k=CHOICE_DEPTH))
    noun = counted(query) if ask.kind == EVIDENCE else ""
    for t in WANTED.get(ask.kind, ()):
        # rank 0: none in the fused top ten, so searched among this kind only
        ranked = [(r, h.node) for r, h in enumerate(hits, 1) if h.type == t] or [
            (0, h.node) for h in engine.search(query, k=CHOICE_DEPTH, types=[t])]
        if not ranked:
            continue
        first = ranked[0]
        own, word = "", ""
        if t == "Evidence" and cases_named(engine.links, query):
            named = _named_case_figures(engine, query, ask, noun, ranked, hits)
            if isinstance(named, Choice):
                return named
            ranked, own, word = named
        # "how many jobs": of the figures found, the first whose quantity counts jobs, else the best ranked
        counting = next((x for x in ranked if counts(x[1].label, noun, x[1].text)
                         and (not own or engine.links.owner.get(x[1].id) == engine.links.owner.get(ranked[0][1].id))),
                        None) if t == "Evidence" else None
        lifted = counting is not None and counting != ranked[0]
        r, node = counting if lifted else ranked[0]
        chosen = choose_element(engine, query)
        el = element_for(engine, node, hits) or (chosen[0] if chosen else node)
        where = f"ranked {r} overall" if r else f"searched among {_word(t)}s only"
        best = f"the best-ranked {_word(t)} counting “{noun}”" if lifted else f"the best-matching {_word(t)}"
        best += own
        lifted = lifted or ranked[0] != first
        return Choice(node, el, node, f"{best} ({where})", KIND_OF.get(t, "element"), ask.why(),
                      first[1] if lifted else None, named=word)
    if hits and (named := _named_entity(hits[0].node, query)):
        return _about_entity(engine, named, hits)
    chosen = choose_element(engine, query)
    if chosen is None:
        return None
    el, matched, via = chosen
    top = hits[0].node if hits else None
    if top is not None and top.type in TOP_KINDS and (ask.kind != HOWTO or _guides(top)):
        why = (f"the question asks how to do something (“{ask.cue}”) and the best match, {_a(_word(top.type))}, "
               f"{HOWTO_SELF[top.type]}" if ask.kind == HOWTO else
               f"the best match is {_a(_word(top.type))} and the question asks for no other kind")
        return Choice(top, element_for(engine, top, hits) or el, top, "best match overall", KIND_OF[top.type], why)
    why = (ask.why() if ask.kind == HOWTO
           else "this part of the model matches it best, and the question asks for no other kind")
    return Choice(el, el, matched, via, "element", why)


def _named_case_figures(engine: Searcher, query: str, ask, noun: str, ranked: list, hits) -> Choice | tuple:
    """A figure question naming a case study ("how many jobs did Tarnvale create"): that case's figures before any
    other case's, as (ranked, what the card adds to how it chose, the naming word); or, when the case gives no
    figure, or none counting what is asked, the case itself saying so (a ``Choice``)."""
    by_word = _names_in(engine.links, query)
    named = {c for cases in by_word.values() for c in cases}
    owner = engine.links.owner
    mine = [x for x in ranked if owner.get(x[1].id) in named] or [
        (0, h.node) for h in engine.search(query, k=50, types=["Evidence"]) if owner.get(h.id) in named]
    if not mine or noun and not any(counts(x[1].label, noun, x[1].text) for x in mine):
        rank = {h.id: r for r, h in enumerate(hits)}
        case = engine.kg.nodes[min(named, key=lambda c: (rank.get(c, len(rank)), c))]
        what = f"no figure counting “{noun}”" if mine else "no figure"
        word = next((w for w, cs in by_word.items() if case.id in cs), "")
        return Choice(case, element_for(engine, case, hits) or case, case,
                      f"the case study the question names, which gives {what}", "case",
                      f"{ask.why()}, about the case study ‘{shorten(case.label, 50)}’ (the question names ‘{word}’)",
                      named=word)
    case = owner[mine[0][1].id]
    word = next((w for w, cs in by_word.items() if case in cs), "")
    return (mine + [x for x in ranked if x not in mine],
            f" of ‘{shorten(engine.kg.nodes[case].label, 50)}’, which the question names", word)


ENTITY_KINDS = ("Organisation", "Person", "Place", "Programme")
NAMED_KINDS = (*ENTITY_KINDS, "CaseStudy", "Evidence", "Figure", "Passage")


def _named_entity(top: NodeRecord, query: str) -> NodeRecord | None:
    """The best match when it is an organisation, person, place or programme the question names in full: "Boost
    Neighbourhood Finance" asks about that organisation, not about the model element nearest its words."""
    if top.type not in ENTITY_KINDS:
        return None
    said = f" {' '.join(tokens(query))} "
    names = [top.label, *top.alt_labels] if top.type != "Person" else [top.label]  # a person's others are roles
    # "Cleobury Country" names "Cleobury Country Ltd": a legal form is no part of what people call it
    names += [short for n in names if (short := _LEGAL_END.sub("", n)) != n and len(short.split()) >= 2]
    return top if any(len(n) >= 4 and (t := tokens(n)) and f" {' '.join(t)} " in said for n in names) else None


_LEGAL_END = re.compile(r"(?:\s+(?:ltd|limited|cic|plc|llp|cio|inc)\.?)+$", re.I)


def _about_entity(engine: Searcher, named: NodeRecord, hits) -> Choice:
    """The answer to a question naming an organisation, person, place or programme: the case study that names it
    (the best ranked, else the first), which says what it did and what it illustrates; the entity itself when no
    case study names it."""
    kg = engine.kg
    near = kg.neighbours(named.id)
    cases = {i for p in ("involves", "mentions", "locatedIn") for d, i in near.get(p, [])
             if d == "in" and kg.nodes[i].type == "CaseStudy"}
    rank = {h.id: r for r, h in enumerate(hits)}
    what = f"{_a(_word(named.type))} ‘{shorten(named.label, 60)}’"
    if cases:
        case = kg.nodes[min(cases, key=lambda c: (rank.get(c, len(rank)), c))]
        chosen = choose_element(engine, case.label)
        el = element_for(engine, case, hits) or (chosen[0] if chosen else case)
        return Choice(case, el, named, f"the case study that names {what}", "case",
                      f"the question names {what}", named)
    chosen = choose_element(engine, named.label)
    el = chosen[0] if chosen else named
    return Choice(named, el, named, "best match overall", named.type.lower(), f"the question names {what}")


def filtered_answer(engine: Searcher, query: str, hits, limits: str) -> Choice | None:
    """The card's answer when the user limited what may answer (types, stages, documents): the best of the
    results those limits allow, with the model element it speaks to read from the whole graph."""
    if not hits:
        return None
    top = hits[0].node
    if top.type in ELEMENT_CLASSES:
        el = top
    else:
        chosen = choose_element(engine, query)
        el = element_for(engine, top, hits) or (chosen[0] if chosen else top)
    return Choice(top, el, top, "best match among the results the filters allow",
                  KIND_OF.get(top.type, "element"), f"the filters limit the answer to {limits}")


def build_card(engine: Searcher, query: str, choice: Choice | None = None, hits=None) -> Card | None:
    """The answer card for ``query``: for ``choice`` when given (``filtered_answer``, with the ``hits`` its filters
    allow, which an unsure card names its others from), else ``choose_answer``'s."""
    kg = engine.kg
    choice = choice or choose_answer(engine, query)
    if choice is None:
        return None
    el, matched, via, head = choice.element, choice.matched, choice.via, choice.headline
    links: Links = engine.links
    stage_label = st.stage(el.stage).label if el.stage else ""
    card = Card(
        query=query,
        element=CardLine.of(el),
        matched=CardLine.of(matched),
        via=via,
        stage=stage_label,
        answer=answer(head, query),
        links_basis="causal links (ep:leadsTo)" if links else "stage order (no causal links in the graph)",
        kind=choice.kind,
        headline=CardLine.of(head),
        why=choice.why,
    )
    _how_sure(engine, card, choice, hits)
    if head.type == "Assumption":
        card.rests_on_it = [CardLine.of(kg.nodes[e]) for e in links.ties.get(head.id, [])]
    if links:

        def strongest_first(found):
            return sorted(found, key=lambda x: (x[1], -(links.info.get(x[2], {}).get("weight") or 0.0)))

        up = strongest_first(
            [
                found
                for found in links.walk(el.id, forward=False, max_hops=2)
                if kg.nodes[found[0]].type in ELEMENT_CLASSES
            ]
        )
        card.builds_on = [_link_line(kg, links, *found) for found in up[:MAX_LINES]]
        down = strongest_first(links.walk(el.id, forward=True, max_hops=4))
        # the next steps first, as the element's page lists them, then the outcomes and impacts further on: only
        # the outcomes, 2 or 3 steps away, had left out what it leads to directly (a browser walk)
        chosen_down = [found for found in down if found[1] == 1 and kg.nodes[found[0]].type in ELEMENT_CLASSES] + [
            found for found in down if found[1] > 1 and kg.nodes[found[0]].type in OUTCOME_TYPES]
        card.leads_to = [_link_line(kg, links, *found) for found in chosen_down[:MAX_LINES]]
    else:
        card.builds_on = [CardLine.of(n, hops=1, basis="stage order") for n in _by_order(kg, el, True)][:MAX_LINES]
        card.leads_to = [CardLine.of(n, hops=1, basis="stage order") for n in _by_order(kg, el, False)][:MAX_LINES]
    nb = kg.neighbours(el.id)
    card.assumptions = [CardLine.of(kg.nodes[i]) for d, i in nb.get("underpinnedBy", []) if d == "out"]
    card.foundations = [CardLine.of(kg.nodes[i]) for d, i in nb.get("hasFoundation", []) if d == "out"]
    cases = [kg.nodes[i] for d, i in nb.get("illustrates", []) if d == "in" and kg.nodes[i].type == "CaseStudy"]
    strength = {x.source: x for x in kg.case_links if x.target == el.id}
    cases.sort(key=lambda c: -(strength[c.id].weight or 0) if c.id in strength else 0)  # strongest first
    own = _own_case(kg, head)
    if own is not None:
        cases = [own, *(c for c in cases if c.id != own.id)]
    if cases:
        card.case_studies = [
            CardLine.of(c, basis="its own case study" if c is own
                        else f"{strength[c.id].basis} {strength[c.id].weight:.2f}" if c.id in strength
                        else "illustrates") for c in cases]
    else:
        card.case_studies = [
            CardLine.of(c, basis=f"semantic match {s:.2f}") for c, s in related_cases(engine, query, el)
        ]
    seen = set()
    for cs in card.case_studies:
        for d, i in kg.neighbours(cs.id).get("hasEvidence", []):
            if d == "out" and i not in seen:
                seen.add(i)
                card.evidence.append(CardLine.of(kg.nodes[i], basis=f"evidence of {cs.label}"))
    if not card.case_studies:
        card.notes.append(f"no case study is linked to this element or matches it above {CASE_THRESHOLD:.2f}")
    return card


def _how_sure(engine: Searcher, card: Card, choice: Choice, hits=None) -> None:
    """How close the question came to the answer (``Card.closeness``), and what the card then says: nothing when
    close; under FAIR_MATCH that it is a fair match, naming what reads almost as well (``also``); under WEAK_MATCH
    that nothing answers closely (``weak``), with the same others. An answer about what the question names is
    definite, whatever its closeness."""
    query, head = card.query, choice.headline
    card.closeness, card.weak = closeness(engine, query, head)
    if choice.named:  # a definite answer about what the question names ("it gives no such figure")
        card.weak = ""
        return
    if card.weak and choice.outranked is not None:  # the figure ranked above it may have come closer
        card.closeness, card.weak = max(
            (card.closeness, card.weak), closeness(engine, query, choice.outranked), key=lambda c: c[0] or 0.0)
    if card.closeness is None or card.closeness >= FAIR_MATCH:
        return
    shown = {head.id, choice.element.id, choice.matched.id}
    others = hits if hits is not None else engine.search(query, k=CHOICE_DEPTH)
    card.also = [CardLine.of(h.node) for h in others if h.id not in shown and h.type not in ENTITY_KINDS][:ALSO]
    if not card.weak:
        card.unsure = (f"A fair match, not a close one: its closest wording is {card.closeness:.2f} similar to the "
                       f"question ({FAIR_MATCH:.2f} and over reads as close)."
                       + (" These read almost as well:" if card.also else ""))


def closeness(engine: Searcher, query: str, head: NodeRecord) -> tuple[float | None, str]:
    """How close the question is to the answer's closest wording, and what the card says when that is too far
    for the answer to be more than the nearest part of the model."""
    vi = getattr(engine, "vindex", None)
    if vi is None or head.id not in vi.pos:
        return None, ""
    cos = round(float(vi.best_view(engine.encode_query(query), np.asarray([vi.pos[head.id]]))[0]), 3)
    if cos >= WEAK_MATCH:
        return cos, ""
    return cos, (f"Nothing in the graph answers this closely: the nearest wording is {cos:.2f} similar to the "
                 f"question (under {WEAK_MATCH:.2f}), so this is the nearest part of the model, not an answer.")


def _own_case(kg: KnowledgeGraph, head: NodeRecord) -> NodeRecord | None:
    """The case study a figure comes from, or the case study the card answers with."""
    if head.type == "CaseStudy":
        return head
    if head.type == "Evidence":
        return next((kg.nodes[i] for d, i in sorted(kg.neighbours(head.id).get("hasEvidence", []))
                     if d == "in" and kg.nodes[i].type == "CaseStudy"), None)
    return None


def answer(n: NodeRecord, query: str, count: int = 2) -> str:
    """The ``count`` sentences of the node's text sharing most words with the query (the first ones on a
    tie), in the order the text has them: a short answer, never words the source does not say."""
    text = n.text or n.label
    spans = sentences(text) or [(0, len(text))]
    if len(spans) <= count:
        return text.strip()
    wanted = set(tokens(query))
    ranked = sorted(range(len(spans)), key=lambda i: (-len(wanted & set(tokens(text[slice(*spans[i])]))), i))
    return " ".join(text[slice(*spans[i])].strip() for i in sorted(ranked[:count]))


def related_cases(engine: Searcher, query: str, el: NodeRecord) -> list[tuple[NodeRecord, float]]:
    """Case studies whose main vector is close to the query or to the element (whichever is closer)."""
    vi = engine.vindex
    cases = [c for c in engine.kg.of_type("CaseStudy") if c.id in vi.pos]
    if not cases or el.id not in vi.pos:
        return []
    mat = np.stack([vi.node_vector(c.id) for c in cases])
    sims = np.maximum(mat @ engine.encode_query(query), mat @ vi.node_vector(el.id))
    order = np.argsort(-sims)
    return [(cases[i], float(sims[i])) for i in order if sims[i] >= CASE_THRESHOLD][:3]

"""Textual links: arrows the documents state in so many words ("As a result, …", "will enable", "leads to").

Every sentence of every document is scanned for a causal cue. A cue sentence is tied to the
element(s) it is written in (its span lies inside the element's source span) and to the element(s)
its other clause names or paraphrases:

* "As a result, local support organisations become more connected …" — an anaphoric opener: the
  earlier items of the same list (same stage and horizon) lead to the item that says it.
* "… can also help create a referral network which identifies and encourages local entrepreneurs"
  inside *Create a referral network* — the containing element leads to the downstream element the
  effect clause best matches ("which identifies …" is not the element itself, but what it produces).
* "X builds on Y" — reversed cues: Y leads to X.
* A cue sentence outside any element (an assumption, a foundation, a passage) links the elements
  its cause clause names or matches to those its effect clause names or matches, e.g. the input
  assumption "Building in time for reflection and funding for capacity support yields greater, more
  sustainable outcomes …".

Stage-level statements ("These build on the inputs and support the activities …" under PROCESSES)
become links between the stages themselves (ep:stage-input → ep:stage-process). They are not spread
into every element pair — the text says nothing about which input feeds which process, and a complete
mesh would bury the real arrows. Instead they corroborate the inferred element links between those
stages (prov:wasInfluencedBy, see links.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.records import NodeRecord
from graph.stages import match, stages
from graph.text.sentences import sentences
from ingest.links.match import LINKED_CLASSES, Candidate, Elements
from ingest.model import Span
from ingest.structure import Block, parse_blocks

# An opener pointing back at what came just before.
ANAPHORA = re.compile(r"^(?:as a result|consequently|in turn|therefore|thus)\b,?\s*", re.I)
# "cause CUE effect".
FORWARD = re.compile(
    r"\b(?:can also help (?:to )?create|can help (?:to )?create|helps? (?:to )?create"
    r"|will enable|enables?|enabling|yields?|can lead to|will lead to|leads? to|leading to"
    r"|can contribute to|contribut(?:es|ing) to|will (?:encourage|ensure|increase|inspire|create|drive)"
    r"|can create|drives?|results? in|resulting in)\b",
    re.I)
# "effect CUE cause".
REVERSED = re.compile(
    r"\b(?:builds? on|built on|as a result of|(?:is|are) supported by|rests? on|depends? on)\b", re.I)
STAGE_SUBJECT = re.compile(r"^(?:these|they|this)\b", re.I)
STAGE_CUE = re.compile(r"\b(?:build on|builds on|support|supported by|as a result of|achiev\w*|lead\w* to"
                       r"|result\w* in|enabl\w*|creat\w*|contribut\w*|yield\w*)\b", re.I)

SEMANTIC_MIN = 0.45  # a clause must match an element at least this well to stand for it
SEMANTIC_MIN_BOTH = 0.55  # …and better still when neither end is fixed by where the sentence stands
EXPLICIT_WEIGHT = 0.9  # both ends fixed by the text itself (containment + name or anaphora)
MAX_MATCHES = 2  # a clause stands for at most this many elements


@dataclass
class Sentence:
    doc_id: str
    start: int
    end: int
    text: str
    section: str
    section_start: int
    section_stage: str  # stage key of the enclosing section heading, if it names one

    def span(self) -> Span:
        return Span(self.doc_id, self.start, self.end, self.section, self.section_start, role="evidence")


def document_sentences(doc_id: str, text: str, blocks: list[Block] | None = None) -> list[Sentence]:
    """Every sentence of prose, list items and table cells, with the section (and stage) it is in.

    ``blocks`` are the extraction's (so the text is not parsed again); without them the text is parsed."""
    out: list[Sentence] = []
    section, section_start, section_stage = "", -1, ""
    for b in parse_blocks(text) if blocks is None else blocks:
        if b.kind == "heading":
            section, section_start = b.text, b.start
            st = match(b.text, stages())
            section_stage = st.key if st else section_stage if b.level > 1 else ""
            continue
        if b.kind not in ("para", "item", "cell", "short"):
            continue
        for s, e in sentences(text, b.start, b.end):
            out.append(Sentence(doc_id, s, e, re.sub(r"\s+", " ", text[s:e]), section, section_start,
                                section_stage))
    return out


CONTAINER_BUCKET = 4096  # characters per bucket of the span index (any size gives the same answer)


class TextualLinker:
    def __init__(self, elements: Elements, texts: dict[str, str], blocks: dict[str, list[Block]] | None = None):
        self.el = elements
        self.texts = texts
        self.blocks = blocks or {}
        # doc id -> bucket (start // CONTAINER_BUCKET) -> the spans overlapping that stretch of text, in node
        # order: a sentence is checked against the spans near it, not every span of its document (quadratic).
        self._containers: dict[str, dict[int, list[tuple[int, int, NodeRecord]]]] = {}
        # Sentences that may state stage-level links, kept by find() so stage_statements() need not
        # parse every document again (all sentences would be too many to keep for a large corpus).
        self._stage_candidates: dict[str, list[Sentence]] | None = None
        for n in elements.kg.nodes.values():
            for s in n.sources:
                if s.role in ("full", "summary") and s.start >= 0:
                    buckets = self._containers.setdefault(s.doc_id, {})
                    for b in range(s.start // CONTAINER_BUCKET, max(s.start, s.end) // CONTAINER_BUCKET + 1):
                        buckets.setdefault(b, []).append((s.start, s.end, n))

    def containers(self, sent: Sentence) -> list[NodeRecord]:
        """Nodes whose own words include the sentence: model elements first, then the rest."""
        near = self._containers.get(sent.doc_id, {}).get(sent.start // CONTAINER_BUCKET, [])
        found = [n for s, e, n in near if s <= sent.start and sent.end <= e]
        rank = {c: i for i, c in enumerate(LINKED_CLASSES + ("Assumption", "Foundation"))}
        return sorted({n.id: n for n in found}.values(), key=lambda n: rank.get(n.type, 99))

    # ------------------------------------------------------------------ element-level

    def find(self) -> list[Candidate]:
        out: list[Candidate] = []
        todo: list[tuple[Sentence, list[NodeRecord], re.Match | None, str]] = []
        stage_candidates: dict[str, list[Sentence]] = {}
        for doc_id, text in self.texts.items():
            stage_candidates[doc_id] = []
            for sent in document_sentences(doc_id, text, self.blocks.get(doc_id)):
                if _stage_candidate(sent):
                    stage_candidates[doc_id].append(sent)
                m_ana = ANAPHORA.match(sent.text)
                m_fwd = FORWARD.search(sent.text)
                m_rev = REVERSED.search(sent.text)
                if not (m_ana or m_fwd or m_rev):
                    continue
                inside = self.containers(sent)
                if m_ana and inside and inside[0].type in LINKED_CLASSES:
                    out.extend(self._anaphora(sent, inside[0], m_ana.group(0).strip(" ,")))
                    continue
                m = m_fwd or m_rev
                if m is None:
                    continue
                todo.append((sent, inside, m, "rev" if m is m_rev and not m_fwd else "fwd"))
        self._stage_candidates = stage_candidates
        clauses = []
        for sent, _, m, _ in todo:
            clauses += [sent.text[:m.start()], sent.text[m.end():]]
        vecs = self.el.encode(clauses) if clauses else None
        for i, (sent, inside, m, direction) in enumerate(todo):
            before, after = clauses[2 * i], clauses[2 * i + 1]
            vb, va = vecs[2 * i], vecs[2 * i + 1]
            cause, effect = (before, after) if direction == "fwd" else (after, before)
            v_cause, v_effect = (vb, va) if direction == "fwd" else (va, vb)
            cue = m.group(0)
            if inside and inside[0].type in LINKED_CLASSES:
                out.extend(self._from_element(sent, inside[0], cause, effect, v_cause, v_effect, cue,
                                              direction))
            else:
                out.extend(self._between_clauses(sent, cause, effect, v_cause, v_effect, cue))
        return out

    def _anaphora(self, sent: Sentence, n: NodeRecord, cue: str) -> list[Candidate]:
        """Earlier items of the same list (same stage and horizon/scope, same section) → this item."""
        src = next(s for s in n.sources if s.doc_id == sent.doc_id and s.start <= sent.start <= s.end)
        before = []
        for m in self.el.level(n.order):
            if m.id == n.id:
                continue
            for s in m.sources:
                if s.doc_id == sent.doc_id and s.section == src.section and s.end <= src.start:
                    before.append(m)
                    break
        return [self._cand(m.id, n.id, EXPLICIT_WEIGHT, sent, cue) for m in before]

    def _from_element(self, sent, n, cause, effect, v_cause, v_effect, cue, direction) -> list[Candidate]:
        """The sentence describes ``n``: n → what the effect names, or what the cause names → n."""
        out = []
        if direction == "fwd":
            pool = self.el.after(n.order)
            for m, w, named in self._stands_for(effect, v_effect, pool, SEMANTIC_MIN):
                out.append(self._cand(n.id, m.id, w, sent, cue, named))
            upstream = self.el.before(n.order)
            for m in self.el.mentioned(cause, upstream):
                out.append(self._cand(m.id, n.id, EXPLICIT_WEIGHT, sent, cue))
        else:
            pool = self.el.before(n.order)
            for m, w, named in self._stands_for(cause, v_cause, pool, SEMANTIC_MIN):
                out.append(self._cand(m.id, n.id, w, sent, cue, named))
        return out

    def _between_clauses(self, sent, cause, effect, v_cause, v_effect, cue) -> list[Candidate]:
        """A sentence outside the elements: link what the cause stands for to what the effect stands for.

        Neither end is fixed by where the sentence stands, so one end must be *named* (a label written
        out): two paraphrase matches in a row are a guess, and guesses are what inferred links are for.
        """
        out = []
        for c, wc, nc in self._stands_for(cause, v_cause, self.el.records, SEMANTIC_MIN_BOTH):
            pool = self.el.after(c.order)
            for e, we, ne in self._stands_for(effect, v_effect, pool, SEMANTIC_MIN_BOTH):
                if nc or ne:
                    out.append(self._cand(c.id, e.id, round(min(wc, we), 4), sent, cue, nc and ne))
        return out

    def _stands_for(self, clause: str, vec, pool: list[NodeRecord], floor: float,
                    ) -> list[tuple[NodeRecord, float, bool]]:
        """(element, weight, named): the elements a clause names (weight 0.9) or else best paraphrases
        (weight 0.6 + 0.4 × cosine, named False)."""
        if len(clause.split()) < 2 or not pool:
            return []
        named = self.el.mentioned(clause, pool)
        if named:
            return [(m, EXPLICIT_WEIGHT, True) for m in named[:MAX_MATCHES]]
        ranked = self.el.rank(vec, pool, top=MAX_MATCHES)  # only the best few are ever used
        if not ranked or ranked[0][1] < floor:
            return []
        best = ranked[0][1]
        keep = [(m, s) for m, s in ranked[:MAX_MATCHES] if s >= floor and best - s <= 0.05]
        return [(m, round(min(0.95, 0.6 + 0.4 * s), 4), False) for m, s in keep]

    def _cand(self, a: str, b: str, w: float, sent: Sentence, cue: str, named: bool = True) -> Candidate:
        return Candidate(a, b, "textual", w, sent.text, span=sent.span(), cue=cue, named=named)

    # ------------------------------------------------------------------ stage-level

    def stage_statements(self) -> list[Candidate]:
        """'These build on the inputs and support the activities' under PROCESSES → input→process→activity."""
        out = []
        for doc_id, text in self.texts.items():
            known = self._stage_candidates
            cached = known is not None and doc_id in known
            for sent in known[doc_id] if cached else document_sentences(doc_id, text, self.blocks.get(doc_id)):
                if not _stage_candidate(sent):
                    continue
                named = stages_named(sent.text)
                subject = sent.section_stage or (named[0] if named else "")
                if not subject or subject == "vision":
                    continue
                order = {s.key: s.order for s in stages()}
                for other in named:
                    if other in (subject, "vision"):
                        continue
                    a, b = sorted((subject, other), key=order.__getitem__)
                    out.append(Candidate(f"stage:{a}", f"stage:{b}", "textual", EXPLICIT_WEIGHT, sent.text,
                                         span=sent.span(), cue="stage statement"))
        return out


def _stage_candidate(sent: Sentence) -> bool:
    """'These build on the inputs…': a sentence that may state a stage-level link."""
    return bool(STAGE_SUBJECT.match(sent.text) and STAGE_CUE.search(sent.text))


# "the delivery methods" is how the documents refer to the activities column besides its name.
STAGE_SYNONYMS = {"activity": ("delivery methods",)}


def stages_named(sentence: str) -> list[str]:
    """Stage keys a sentence names by their plural label ('the inputs', 'the activities'), in order."""
    low = sentence.lower()
    hits = []
    for st in stages():
        words = (st.label.lower(), *STAGE_SYNONYMS.get(st.key, ()))
        pos = [m.start() for w in words for m in re.finditer(rf"\b{re.escape(w)}\b", low)]
        if pos:
            hits.append((min(pos), st.key))
    return [k for _, k in sorted(hits)]

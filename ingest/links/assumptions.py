"""Which elements each assumption speaks about: the attachments behind ``ep:underpinnedBy``.

The model writes its assumptions per stage ("Assertions/Assumptions" under each column), but an assumption's
words are usually about one or two boxes, not the whole column; attached to the whole column, every
assumption of a stage cut the same routes and none could be told apart. An assumption is attached to an
element on one of four bases, each kept with its reason, its matched words and their position:

* **stated** — its words name the element (the element's label, two words or more, as whole words:
  "Relational approaches are not necessarily more expensive…" names the activity *Relational approaches*);
* **similar** — its sentence and the element's text mean nearly the same to the sentence encoder: the best
  score (the element's whole text or its best sentence) is at least ``THRESHOLD`` and within ``MARGIN`` of
  the assumption's best match, so near-ties are kept and the long tail is not;
* **curated** — an entry of ``corpus/links.yaml`` from the assumption to an element (``remove`` drops a stated
  or similar attachment on that pair; ``add`` writes one whatever the rules say);
* **stage** — the fallback, only for an assumption nothing attaches: every element of its stage, as before,
  marked so a reader knows no element was named or matched.

Candidates are the elements of the assumption's own stage and the adjacent columns (an assumption is written
between the columns it links), taken from the same document (a place's logic model speaks for its own
elements, so the pairs grow with the corpus, not its square). Vision and purpose frame the model and sit in no
column: their assumptions are matched among them only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from graph.ns import ELEMENT_CLASSES
from graph.records import NodeRecord
from graph.store import KnowledgeGraph
from graph.text.sentences import sentences
from ingest.links import rationale
from ingest.links.curated import Curation
from ingest.links.match import Elements, _label_keys, element_text

THRESHOLD = 0.50  # cosine of the assumption with an element's text: below it, the seed's best matches read as unrelated
MARGIN = 0.03  # … and within this of the assumption's best match
FRAMING = ("vision",)  # stages outside the columns (vision and purpose): matched among themselves only
BASES = ("stated", "similar", "curated", "stage")
FALLBACK_REASON = "attached to its whole stage: no element named or matched"
CLAUSE = re.compile(r"[^,;:–—()]+")


@dataclass
class Attachment:
    """One assumption → element attachment, before it is written as an ep:AssumptionAttachment."""

    assumption: str
    element: str
    basis: str  # stated | similar | curated | stage
    weight: float  # 1.0 stated; the cosine for similar; the curator's weight; 0 for the stage fallback
    reason: str  # why, in words a person reads
    matched: str = ""  # the assumption's words that name or match the element (empty for the fallback)
    start: int = -1  # … their offsets in the assumption's text
    end: int = -1
    element_quote: str = ""  # the element's sentence it matched (similar)
    author: str = ""
    line: int = 0  # links.yaml line (curated)

    @property
    def key(self) -> tuple[str, str]:
        return (self.assumption, self.element)


def _column(n: NodeRecord) -> int | None:
    return None if n.stage in FRAMING else int(n.order)


def in_window(a: NodeRecord, n: NodeRecord) -> bool:
    """Whether ``n`` is in the assumption's stage or a column next to it (framing stages: only each other)."""
    ca, cn = _column(a), _column(n)
    if ca is None or cn is None:
        return ca is None and cn is None
    return abs(ca - cn) <= 1


def _docs(n: NodeRecord) -> set[str]:
    return {s.doc_id for s in n.sources if s.role != "mention"}


class Pool:
    """The model's elements by document, indexed once: an assumption's candidates are found among the elements of
    its own documents, so the work grows with the corpus, not its square."""

    def __init__(self, kg: KnowledgeGraph):
        self.by_doc: dict[str, list[NodeRecord]] = {}
        for n in sorted(kg.of_type(*ELEMENT_CLASSES), key=lambda n: (n.order, n.id)):
            for d in _docs(n):
                self.by_doc.setdefault(d, []).append(n)

    def _near(self, a: NodeRecord, keep) -> list[NodeRecord]:
        seen: dict[str, NodeRecord] = {}
        for d in sorted(_docs(a)):
            for n in self.by_doc.get(d, ()):
                if n.id not in seen and keep(n):
                    seen[n.id] = n
        return sorted(seen.values(), key=lambda n: (n.order, n.id))

    def candidates(self, a: NodeRecord) -> list[NodeRecord]:
        """The elements an assumption may speak about: its window, from a document it is written in."""
        return self._near(a, lambda n: in_window(a, n))

    def stage(self, a: NodeRecord) -> list[NodeRecord]:
        """The fallback: every element of its stage, from a document it is written in."""
        return self._near(a, lambda n: n.stage == a.stage)


def _name_at(text: str, key: str) -> tuple[int, int] | None:
    """Where the normalised name ``key`` is written in ``text`` (whole words, any case or punctuation between)."""
    pattern = r"(?<![A-Za-z0-9])" + r"[\W_]+".join(re.escape(w) for w in key.split()) + r"(?![A-Za-z0-9])"
    m = re.search(pattern, text.replace("’", "'"), flags=re.IGNORECASE)
    return (m.start(), m.end()) if m else None


def stated(a: NodeRecord, pool: list[NodeRecord]) -> list[Attachment]:
    out = []
    for n in pool:
        hits = [(at, k) for k in _label_keys(n) if (at := _name_at(a.text, k))]
        if hits:
            (s, e), _ = min(hits)
            out.append(Attachment(a.id, n.id, "stated", 1.0, f"the assumption names {n.label}: “{a.text[s:e]}”",
                                  a.text[s:e], s, e))
    return out


def clauses(text: str) -> list[tuple[int, int]]:
    """The assumption's clauses (split at commas, dashes, colons, brackets and sentence ends) as offsets."""
    out = []
    for s, e in sentences(text):
        for m in CLAUSE.finditer(text, s, e):
            a, b = m.start(), m.end()
            while a < b and text[a] in " .-":
                a += 1
            while b > a and text[b - 1] in " .-":
                b -= 1
            if len(text[a:b].split()) >= 3:
                out.append((a, b))
    return out or [(0, len(text))]


def _sentences_of(n: NodeRecord) -> list[str]:
    body = n.text or n.label
    return [" ".join(body[s:e].split()) for s, e in sentences(body)] or [body]


def similar(el: Elements, a: NodeRecord, pool: list[NodeRecord],
            threshold: float = THRESHOLD, margin: float = MARGIN) -> list[Attachment]:
    """Elements of ``pool`` whose text the assumption's sentence matches (see the module's rule)."""
    if el.embedder is None or not pool:
        return []
    va = el.encode([a.text])[0]
    scored = []
    for n in pool:
        sents = _sentences_of(n)
        v = el.encode([element_text(n), *sents])
        sims = v @ va
        scored.append((float(sims.max()), n, sents))
    best = max(s for s, _, _ in scored)
    spans = clauses(a.text)
    vc = el.encode([a.text[s:e] for s, e in spans])
    out = []
    for score, n, sents in scored:
        if score < threshold or score < best - margin:
            continue
        pair = vc @ el.encode(sents).T  # which clause of the assumption, which sentence of the element
        i, j = np.unravel_index(int(np.argmax(pair)), pair.shape)
        (s, e), quote = spans[i], sents[j]
        reason = (f"the assumption speaks of “{a.text[s:e]}”, which this element's text describes: "
                  f"“{rationale._cut(quote, 160)}” (similarity {score:.2f}, {rationale.strength_words(score)})")
        out.append(Attachment(a.id, n.id, "similar", round(score, 4), reason, a.text[s:e], s, e, quote))
    return out


def attach(kg: KnowledgeGraph, el: Elements, curation: Curation | None = None) -> tuple[list[Attachment], dict]:
    """Every assumption's attachments (stated first, then similar, then links.yaml, then the fallback), and a report
    for the manifest: counts by basis and the curated entries applied."""
    curation = curation or Curation()
    removes = {(r.source, r.target): r for r in curation.assumption_removes}
    adds: dict[str, list] = {}
    for c in curation.assumption_adds:
        adds.setdefault(c.source, []).append(c)
    out: list[Attachment] = []
    removed: list[dict] = []
    elements = Pool(kg)
    order = {n.id: (n.order, n.id) for n in kg.of_type(*ELEMENT_CLASSES)}
    for a in sorted(kg.of_type("Assumption"), key=lambda n: (n.order, n.id)):
        pool = elements.candidates(a)
        made: dict[tuple[str, str], Attachment] = {}
        for x in stated(a, pool) + similar(el, a, pool):
            made.setdefault(x.key, x)  # a stated attachment wins over a similar one on the same element
        for key in [k for k in made if k in removes]:
            r = removes[key]
            removed.append({"kind": "assumption", "from": r.source, "to": r.target, "reason": r.reason,
                            "author": r.author, "line": r.line, "removed_basis": made.pop(key).basis})
        for c in adds.get(a.id, []):
            old = made.get((c.source, c.target))
            why = rationale.curated(c.author, c.reason)
            if old is not None:
                why = f"{why} [curated: replaces the {old.basis} attachment]"
            at = a.text.find(c.evidence) if c.evidence else -1
            made[(c.source, c.target)] = Attachment(
                a.id, c.target, "curated", c.weight, why, c.evidence if at >= 0 else "", at,
                at + len(c.evidence) if at >= 0 else -1, author=c.author, line=c.line)
        if not made:
            made = {(a.id, n.id): Attachment(a.id, n.id, "stage", 0.0, FALLBACK_REASON) for n in elements.stage(a)}
        out.extend(sorted(made.values(), key=lambda x: (BASES.index(x.basis), order.get(x.element, (0, "")))))
    stale = [r for key, r in removes.items() if key not in {(d["from"], d["to"]) for d in removed}]
    removed += [{"kind": "assumption", "from": r.source, "to": r.target, "reason": r.reason, "author": r.author,
                 "line": r.line, "removed_basis": "none (no such attachment was made)"} for r in stale]
    by_basis = {b: sum(x.basis == b for x in out) for b in BASES}
    fallback = sorted({x.assumption for x in out if x.basis == "stage"})
    return out, {"counts": by_basis, "assumptions": len({x.assumption for x in out}), "on_whole_stage": fallback,
                 "threshold": THRESHOLD, "margin": MARGIN, "removed": removed}

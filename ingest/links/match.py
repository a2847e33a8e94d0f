"""What the linkers share: the model's elements in stage order, and matching words to elements.

Matching is two-tier on purpose: a clause that *names* an element (its label, as written) is a
stronger signal than any similarity score, so label mentions are found first and the embedding
model only ranks what the words do not settle.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from graph.ns import LINKED_CLASSES
from graph.records import NodeRecord
from graph.stages import norm
from graph.store import KnowledgeGraph

# The model's boxes that causal links join. Vision and Purpose frame the model; nothing "leads to" them.
ROOT_CLASSES = ("Condition", "Input")  # where every backward path should end
END_CLASSES = ("Outcome", "Impact")  # what must be reachable from the roots
# What a case study may illustrate: any box of the model, an assumption (the case is evidence for it) or a
# foundation. Causal links join LINKED_CLASSES only; case links reach every kind (issue 26).
CASE_CLASSES = ("Vision", "Purpose", *LINKED_CLASSES, "Assumption", "Foundation")
# Conditions and inputs share one column of the model ("Conditions and inputs") and both feed the
# processes, so for *inferred* links they form one tier; impacts (individual, wider) form one tier,
# because an individual → wider arrow is only drawn when a document says so.
SAME_TIER = {"condition": "input"}
MEMO_MAX = 50_000
_MEMO: dict[tuple[str, str], np.ndarray] = {}


def tier(n: NodeRecord) -> float:
    """The left-to-right column an element sits in, for choosing which pairs may be inferred."""
    if n.stage in SAME_TIER:
        return _stage_order(SAME_TIER[n.stage])
    if n.type == "Impact":
        return float(int(n.order))
    return n.order


def _stage_order(key: str) -> float:
    from graph.stages import stage

    return stage(key).order


def element_text(n: NodeRecord) -> str:
    """What an element means: its name and its explainer text (the name alone is often too terse)."""
    return n.label if not n.text or n.text == n.label else f"{n.label}: {n.text}"


def _label_keys(n: NodeRecord) -> list[str]:
    """Wordings that count as naming the element: its label and the name part of each alt label."""
    keys = {norm(n.label)}
    for alt in n.alt_labels:
        keys.add(norm(re.split(r"\s+[–—-]\s+", alt, maxsplit=1)[0]))
    # One-word names ("Education", "Resources") are everyday words: a mention of them is no evidence.
    return [k for k in keys if len(k.split()) >= 2]


@dataclass
class Elements:
    """The linkable elements of a graph, with their vectors (computed once, only if needed)."""

    kg: KnowledgeGraph
    embedder: object | None = None  # graph.text.encoder.Encoder, or None when the model is unavailable
    classes: tuple[str, ...] = LINKED_CLASSES  # which nodes count (CASE_CLASSES for the case linker)
    # Pools handed out by after/before/level, made once per range: (first, end) in ``records`` -> list,
    # and id(list) -> (list, first, end), so rank/mentioned know a pool is a run of records.
    _ranges: dict[tuple[int, int], list[NodeRecord]] = field(default_factory=dict, repr=False, compare=False)
    _slices: dict[int, tuple[list[NodeRecord], int, int]] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def records(self) -> list[NodeRecord]:
        return sorted(self.kg.of_type(*self.classes), key=lambda n: (n.order, n.id))

    @cached_property
    def by_id(self) -> dict[str, NodeRecord]:
        return {n.id: n for n in self.records}

    @cached_property
    def vectors(self) -> np.ndarray:
        return self.encode([element_text(n) for n in self.records])

    @cached_property
    def index(self) -> dict[str, int]:
        return {n.id: i for i, n in enumerate(self.records)}

    def encode(self, texts: list[str]) -> np.ndarray:
        """Vectors for ``texts``, memoised per process: a rebuild re-encodes only words it has not seen."""
        if self.embedder is None:
            return np.zeros((len(texts), 1), dtype="float32")
        model = getattr(self.embedder, "id", "")
        todo = list(dict.fromkeys(t for t in texts if (model, t) not in _MEMO))
        if len(_MEMO) + len(todo) > MEMO_MAX:  # make room first, so nothing this call needs is dropped
            keep = {(model, t) for t in texts}
            for k in [k for k in _MEMO if k not in keep][: len(_MEMO) + len(todo) - MEMO_MAX]:
                del _MEMO[k]
        if todo:
            for t, v in zip(todo, self.embedder.encode(todo), strict=True):
                _MEMO[(model, t)] = v
        return np.stack([_MEMO[(model, t)] for t in texts]) if texts else np.zeros((0, 1), dtype="float32")

    def similarity(self, a: str, b: str) -> float:
        if self.embedder is None:
            return 0.0
        va, vb = self.vectors[self.index[a]], self.vectors[self.index[b]]
        return float(va @ vb)

    @cached_property
    def _orders(self) -> list[float]:
        return [n.order for n in self.records]

    def _slice(self, lo: int, hi: int) -> list[NodeRecord]:
        pool = self._ranges.get((lo, hi))
        if pool is None:
            pool = self._ranges[(lo, hi)] = self.records[lo:hi]
            self._slices[id(pool)] = (pool, lo, hi)
        return pool

    def after(self, order: float) -> list[NodeRecord]:
        """The elements downstream of ``order`` (``records`` is sorted by order): one list per order, reused."""
        return self._slice(bisect_right(self._orders, order), len(self.records))

    def before(self, order: float) -> list[NodeRecord]:
        """The elements upstream of ``order``."""
        return self._slice(0, bisect_left(self._orders, order))

    def level(self, order: float) -> list[NodeRecord]:
        """The elements at ``order`` (one column, or one horizon or scope of it)."""
        return self._slice(bisect_left(self._orders, order), bisect_right(self._orders, order))

    def _span_of(self, pool: list[NodeRecord]) -> tuple[int, int] | None:
        """(first, end) in ``records`` when ``pool`` is records itself or a list from after/before/level."""
        if pool is self.records:
            return 0, len(self.records)
        own = self._slices.get(id(pool))
        return (own[1], own[2]) if own is not None and own[0] is pool else None

    @cached_property
    def _names(self) -> tuple[dict[str, NodeRecord], dict[str, set[str]], tuple[int, ...]]:
        """(id -> record, name key -> ids naming it, the word lengths of the keys), built once."""
        ids: dict[str, set[str]] = {}
        for n in self.records:
            for k in _label_keys(n):
                ids.setdefault(k, set()).add(n.id)
        return self.by_id, ids, tuple(sorted({len(k.split()) for k in ids}))

    def mentioned(self, clause: str, pool: list[NodeRecord]) -> list[NodeRecord]:
        """Elements of ``pool`` whose name is written in ``clause`` (whole words, case-insensitive).

        A name is written in the clause when its words are a run of the clause's words, so the
        clause's word runs of each name length are looked up, instead of every element's names
        being searched in every clause (cases × elements, quadratic in the corpus).
        """
        known, ids, lengths = self._names
        c = f" {norm(clause)} "
        words = c.split()
        hits: set[str] = set()
        for size in lengths:
            for i in range(len(words) - size + 1):
                hits.update(ids.get(" ".join(words[i : i + size]), ()))
        span = self._span_of(pool)
        if span is not None:  # a run of records: the hits inside it, in the records' order
            return [self.records[i] for i in sorted(self.index[h] for h in hits) if span[0] <= i < span[1]]
        return [
            n
            for n in pool
            if (n.id in hits if known.get(n.id) is n else any(f" {k} " in c for k in _label_keys(n)))
        ]

    def rank(
        self, clause_vec: np.ndarray, pool: list[NodeRecord], top: int | None = None
    ) -> list[tuple[NodeRecord, float]]:
        """``pool`` by cosine similarity to a clause vector, best first (only the first ``top`` if given)."""
        if self.embedder is None or not pool:
            return []
        span = self._span_of(pool)
        rows = np.arange(*span) if span is not None else [self.index[n.id] for n in pool]
        sims = self.vectors[rows] @ clause_vec
        order = np.argsort(-sims)
        return [(pool[i], float(sims[i])) for i in (order if top is None else order[:top])]


@dataclass
class Candidate:
    """A proposed arrow before it is checked (stage order, cycles) and written as an ep:CausalLink.

    ``source``/``target`` are node ids ("process/x") or, for stage-level statements, stage keys
    written "stage:input". Not a ``graph.records.LinkRecord``: a proposal carries what only ingest has
    (the evidence sentence's ``Span`` in its document before it becomes a SourceSpan node, the cue
    word, the links.yaml line, whether the text names both ends) and may still be refused; a
    LinkRecord is a link as written, read back from the graph with its IRI.
    """

    source: str
    target: str
    basis: str  # textual | inferred | curated
    weight: float
    evidence: str
    span: object | None = None  # ingest.model.Span of the evidence sentence (textual)
    cue: str = ""
    reason: str = ""
    author: str = ""
    model: str = ""
    line: int = 0  # line in links.yaml (curated)
    rationale: str = ""  # why, in one line of plain words (written as ep:rationale)
    # False when an end was only matched by paraphrase: the text does not name it, so like an inferred
    # link the arrow may only join adjacent stages (see stage.Linker.direction_problem)
    named: bool = True

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.target)

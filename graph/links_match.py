"""What the linkers share: the model's elements in stage order, and matching words to elements.

Matching is two-tier on purpose: a clause that *names* an element (its label, as written) is a
stronger signal than any similarity score, so label mentions are found first and the embedding
model only ranks what the words do not settle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from graph.stages import norm
from graph.store import KnowledgeGraph, NodeRecord

# The model's boxes that causal links join. Vision and Purpose frame the model; nothing "leads to" them.
LINKED_CLASSES = ("Condition", "Input", "Process", "Activity", "Outcome", "Impact")
ROOT_CLASSES = ("Condition", "Input")  # where every backward path should end
END_CLASSES = ("Outcome", "Impact")  # what must be reachable from the roots
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
    embedder: object | None = None  # search.embed.Embedder, or None when the model is unavailable

    @cached_property
    def records(self) -> list[NodeRecord]:
        return sorted(self.kg.of_type(*LINKED_CLASSES), key=lambda n: (n.order, n.id))

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

    def mentioned(self, clause: str, pool: list[NodeRecord]) -> list[NodeRecord]:
        """Elements of ``pool`` whose name is written in ``clause`` (whole words, case-insensitive)."""
        c = f" {norm(clause)} "
        return [n for n in pool if any(f" {k} " in c for k in _label_keys(n))]

    def rank(self, clause_vec: np.ndarray, pool: list[NodeRecord]) -> list[tuple[NodeRecord, float]]:
        """``pool`` by cosine similarity to a clause vector, best first."""
        if self.embedder is None or not pool:
            return []
        sims = self.vectors[[self.index[n.id] for n in pool]] @ clause_vec
        order = np.argsort(-sims)
        return [(pool[i], float(sims[i])) for i in order]


@dataclass
class Candidate:
    """A proposed arrow before it is checked (stage order, cycles) and written as an ep:CausalLink.

    ``source``/``target`` are node ids ("process/x") or, for stage-level statements, stage keys
    written "stage:input".
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

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.target)

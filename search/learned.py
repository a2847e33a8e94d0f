"""A learned reordering of the fused ranking's head: a linear model over what each first-stage ranking
says of a candidate (its ranks and scores), how well its best view matches, the question's form and lean.

Hand-set fusion (search.fuse) weighs the dense and keyword rankings the same for every question; a model
fitted on questions nobody evaluates with learns when a clear keyword match should beat a near dense tie,
and when a user-question view's match is worth more than the node's own text. It reads only scores the
engine already has, so any document's nodes get it alike. The weights (``reranker.json``) are fitted by
``python -m bench.rerank_fit`` on blind-written training questions and are tied to the encoder they were
fitted with: with another encoder they are not applied.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from graph.ns import ELEMENT_CLASSES

WEIGHTS = Path(__file__).with_name("reranker.json")
HEAD = 20  # fused candidates reordered; the rest keep their order below

_ELEMENTS = frozenset(ELEMENT_CLASSES) - {"Vision", "Purpose"}
GROUPS: dict[str, frozenset[str]] = {
    "element": _ELEMENTS, "vision_purpose": frozenset({"Vision", "Purpose"}),
    "assumption": frozenset({"Assumption"}), "foundation": frozenset({"Foundation"}),
    "insight": frozenset({"Insight"}), "passage": frozenset({"Passage"}),
    "case": frozenset({"CaseStudy", "Evidence", "Figure"}),
}
ASKS_FOR = {"assumption": frozenset({"Assumption"}), "evidence": frozenset({"Evidence", "CaseStudy", "Figure"}),
            "case": frozenset({"CaseStudy"}), "how-to": frozenset(ELEMENT_CLASSES)}
FEATURES = (
    "fused_share",  # fused score / the best fused score
    "fused_inv_rank",
    "dense_inv_rank", "dense_gap",  # 1 / rank in the dense ranking; score minus the best dense score (-1: absent)
    "bm25_inv_rank", "bm25_share",  # 1 / rank in BM25; score / the best BM25 score
    "named_inv_rank",  # 1 / rank among the blocks the question names (search.named), 0 when it names none
    "best_view", "main_view",  # cosine of the node's best view and of its main text
    "question_view",  # its best view is one of its users' questions
    "hubness",  # how generic the node is (search.fuse.hubness)
    "kind_lean",  # the question's lean to the node's kind (the ontology's definitions)
    "asked_kind",  # the question's form asks for this node's kind (search.asks)
    "no_form",  # the question's form asks for no kind
    "sentence_bm25",  # the node's best single sentence by BM25, / the head's best
    "tied_in_head",  # nodes tied to it (assumptions, foundations, cases) also in the head, of 3
) + tuple(f"is_{g}" for g in GROUPS) + ("is_other",)


@dataclass(frozen=True)
class Candidates:
    """What the engine knows of the fused head of one question, for the reranker."""

    rows: list[int]  # node positions, fused order
    fused: list[float]
    dense: dict[int, tuple[int, float]]  # row -> (rank, score)
    bm25: dict[int, tuple[int, float]]
    named: dict[int, int]  # row -> rank among the named blocks
    best_view: np.ndarray
    main_view: np.ndarray
    question_view: np.ndarray
    hubness: np.ndarray
    sentence_bm25: np.ndarray
    types: list[str]
    ties_in_head: list[int]
    kind_lean: dict[str, float]
    asked: str


def feature_matrix(c: Candidates) -> np.ndarray:
    """One row of FEATURES per candidate."""
    top_f = c.fused[0] if c.fused and c.fused[0] else 1.0
    top_d = max((s for _, s in c.dense.values()), default=0.0)
    top_l = max((s for _, s in c.bm25.values()), default=0.0) or 1.0
    top_s = float(c.sentence_bm25.max()) if len(c.sentence_bm25) and c.sentence_bm25.max() > 0 else 1.0
    out = np.zeros((len(c.rows), len(FEATURES)), dtype="float32")
    for i, r in enumerate(c.rows):
        d, b, t = c.dense.get(r), c.bm25.get(r), c.types[i]
        groups = [float(t in g) for g in GROUPS.values()]
        out[i] = [
            c.fused[i] / top_f, 1 / (i + 1),
            1 / d[0] if d else 0.0, d[1] - top_d if d else -1.0,
            1 / b[0] if b else 0.0, b[1] / top_l if b else 0.0,
            1 / c.named[r] if r in c.named else 0.0,
            c.best_view[i], c.main_view[i], c.question_view[i], c.hubness[i],
            c.kind_lean.get(t, 0.0), float(bool(c.asked) and t in ASKS_FOR.get(c.asked, ())), float(not c.asked),
            c.sentence_bm25[i] / top_s, min(c.ties_in_head[i], 3) / 3,
            *groups, float(not any(groups)),
        ]
    return out


@dataclass(frozen=True)
class Reranker:
    """A linear scorer over standardised features (only those named in ``names`` are used)."""

    names: tuple[str, ...]
    weights: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    model: str  # the encoder id the weights were fitted with
    fitted_on: str = ""  # what the training data was, in words

    def __post_init__(self):
        unknown = set(self.names) - set(FEATURES)
        if unknown:
            raise ValueError(f"reranker weights name unknown features: {', '.join(sorted(unknown))}")

    @property
    def columns(self) -> list[int]:
        return [FEATURES.index(n) for n in self.names]

    def scores(self, X: np.ndarray) -> np.ndarray:
        return ((X[:, self.columns] - self.mean) / self.scale) @ self.weights

    def to_json(self) -> dict:
        return {"model": self.model, "fitted_on": self.fitted_on, "features": list(self.names),
                "weights": self.weights.tolist(), "mean": self.mean.tolist(), "scale": self.scale.tolist()}

    @classmethod
    def from_json(cls, d: dict) -> Reranker:
        names = tuple(d["features"])
        arr = {k: np.asarray(d[k], dtype="float64") for k in ("weights", "mean", "scale")}
        if any(len(a) != len(names) for a in arr.values()):
            raise ValueError("reranker weights: features, weights, mean and scale differ in length")
        return cls(names, arr["weights"], arr["mean"], arr["scale"], str(d["model"]), str(d.get("fitted_on", "")))


def load(path: Path | None = None) -> Reranker | None:
    """The weights at ``path`` (default: the shipped ones), or None when there are none (the fused order
    stands)."""
    path = path or WEIGHTS
    if not path.exists():
        return None
    try:
        return Reranker.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as e:
        raise ValueError(f"{path}: {e}") from e


def reorder(ranked: list[tuple[int, float]], scores: np.ndarray) -> list[tuple[int, float]]:
    """The head of ``ranked`` in the order of ``scores`` (stable), keeping the fused scores in descending
    order so anything reading a score sees the same scale; the tail follows unchanged."""
    n = len(scores)
    order = np.argsort(-scores, kind="stable")
    head = [(ranked[i][0], ranked[k][1]) for k, i in enumerate(order.tolist())]
    return head + ranked[n:]

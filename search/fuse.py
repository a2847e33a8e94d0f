"""How the dense and keyword rankings become one: reciprocal rank fusion or a convex mix of scores, with
the soft priors (node kind, query intent) and the graph-aware lift a node gets from its neighbours.

Every number here is chosen on the tuned set (tests/eval/queries.jsonl) by ``python -m search.evaluate``;
the blind set is only reported (bench/results/eval.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# Added to a node's cosine before ranking: passages are paragraphs with no recognised model structure
# (introductions, boilerplate) and otherwise win generic queries over the model's own elements.
TYPE_PRIOR = {"Passage": -0.05}


@dataclass(frozen=True)
class Method:
    """One ranking method's settings (the defaults are the chosen ones; see bench/results/eval.md)."""

    fusion: str = "rrf"  # rrf | convex
    rrf_k: int = 1  # small k lets a clear first place count
    weights: dict = field(default_factory=lambda: {"dense": 2.0, "bm25": 1.0})  # rrf weights
    alpha: float = 0.7  # convex: weight of the dense score against the (max-normalised) BM25 score
    intent: float = 0.05  # weight of the query-intent prior (search/intent.py)
    graph: float = 0.0  # share of the best direct neighbour's dense score added to a node's own
    depth: int = 50  # candidates taken from each ranking before fusion


def rrf(rankings: dict[str, list[int]], k: int = 5, weights: dict[str, float] | None = None
        ) -> list[tuple[int, float]]:
    """Rows by sum of weight / (k + rank) over the rankings they appear in (rank 1 = best)."""
    weights = weights or {}
    scores: dict[int, float] = {}
    for name, rows in rankings.items():
        w = weights.get(name, 1.0)
        for rank, row in enumerate(rows, start=1):
            scores[row] = scores.get(row, 0.0) + w / (k + rank)
    return sorted(scores.items(), key=lambda x: (-x[1], x[0]))


def convex(dense: list[tuple[int, float]], lex: list[tuple[int, float]], alpha: float
           ) -> list[tuple[int, float]]:
    """Rows by ``alpha`` × cosine + (1 − ``alpha``) × BM25 / best BM25: scores, not ranks, so a clear
    margin in either ranking carries; a row missing from one ranking gets that ranking's lowest score."""
    d = dict(dense)
    bm = dict(lex)
    top = max(bm.values(), default=0.0) or 1.0
    d_floor = min(d.values(), default=0.0)
    scores = {r: alpha * d.get(r, d_floor) + (1 - alpha) * bm.get(r, 0.0) / top for r in set(d) | set(bm)}
    return sorted(scores.items(), key=lambda x: (-x[1], x[0]))


def neighbour_lift(cand: np.ndarray, scores: np.ndarray, neighbours: list[np.ndarray], share: float
                   ) -> np.ndarray:
    """Each candidate's score plus ``share`` × the best score among its direct graph neighbours that are
    candidates too: an element whose assumption or case study matches the question is lifted with it."""
    if share == 0 or not len(cand):
        return scores
    at = {int(r): i for i, r in enumerate(cand.tolist())}
    out = scores.copy()
    for i, r in enumerate(cand.tolist()):
        best = [scores[at[m]] for m in neighbours[r].tolist() if m in at]
        if best:
            out[i] += share * max(0.0, max(best))
    return out

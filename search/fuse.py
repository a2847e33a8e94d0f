"""Reciprocal rank fusion: combine rankings by position, so BM25 and cosine scales never need calibrating."""

from __future__ import annotations

# Chosen by the sweep in bench/results/eval.md (k from 1 to 100, dense weight 0.5 to 2, with a split-half
# check): a small k lets a clear first place count, and the dense ranking, better on its own, weighs double.
RRF_K = 5
WEIGHTS = {"dense": 2.0, "bm25": 1.0}
# Added to a node's cosine before ranking: passages are paragraphs with no recognised model structure
# (introductions, boilerplate) and otherwise win generic queries over the model's own elements.
TYPE_PRIOR = {"Passage": -0.05}


def rrf(rankings: dict[str, list[int]], k: int = RRF_K, weights: dict[str, float] | None = None
        ) -> list[tuple[int, float]]:
    """Rows by sum of weight / (k + rank) over the rankings they appear in (rank 1 = best)."""
    weights = weights or WEIGHTS
    scores: dict[int, float] = {}
    for name, rows in rankings.items():
        w = weights.get(name, 1.0)
        for rank, row in enumerate(rows, start=1):
            scores[row] = scores.get(row, 0.0) + w / (k + rank)
    return sorted(scores.items(), key=lambda x: (-x[1], x[0]))

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
    # rrf weights (docs/search.md): BM25 a little above dense, so a tie between the two first places goes to the
    # node the question's own words pick (round three, six choosing sets: card right 0.464 -> 0.485)
    weights: dict = field(default_factory=lambda: {"dense": 1.0, "bm25": 1.25})
    alpha: float = 0.7  # convex: weight of the dense score against the (max-normalised) BM25 score
    intent: float = 0.25  # weight of the query-intent prior (search/intent.py)
    graph: float = 0.0  # share of the best direct neighbour's dense score added to a node's own
    depth: int = 50  # candidates taken from each ranking before fusion
    rerank: float = 0.0  # RRF weight of the sentence-level rerank of the top RERANK_DEPTH (0: off)
    prf: float = 0.0  # Rocchio: share of the top PRF_DOCS results' mean vector added to the query's (0: off)
    clauses: float = 0.0  # RRF weight of each clause's own dense ranking, for questions of several clauses
    credit: float = 0.0  # share of a case study's / evidence's / assumption's fused score its element gets
    named: float = 1.0  # RRF weight of the ranking of the blocks a question names (search/named.py; 0: off)
    hub: float = 0.3  # weight of the hubness correction: minus a node's mean cosine to its HUB_K nearest nodes
    learned: bool = True  # reorder the fused head by the fitted reranker (search/learned.py) if it fits the encoder


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


HUB_K = 10  # nearest nodes whose mean cosine measures how generic a node is (its "hubness")
HUB_SAMPLE = 2048  # nodes those neighbours are sought among, at most (a fixed sample on a larger graph)
RERANK_DEPTH = 30  # fused hits the sentence-level rerank reorders
PRF_DOCS = 3  # top fused results whose vectors expand the query (pseudo-relevance feedback)


def rocchio(qvec: np.ndarray, feedback: np.ndarray, beta: float) -> np.ndarray:
    """The query vector moved towards the mean of the feedback vectors, renormalised: the words of the top
    results then pull in nodes phrased like them but not like the question."""
    if beta == 0 or not len(feedback):
        return qvec
    v = np.asarray(qvec, dtype="float32").reshape(-1) + beta * feedback.mean(axis=0)
    return v / (np.linalg.norm(v) or 1.0)


def credit_ties(ranked: list[tuple[int, float]], ties: dict[int, list[int]], share: float
                ) -> tuple[list[tuple[int, float]], dict[int, int]]:
    """Each element gets ``share`` × the best fused score among the case studies, evidence, assumptions and
    foundations tied to it (their own scores unchanged); returns the reordered ranking and, for every
    element lifted, the row that lifted it, so the result can show both."""
    if share == 0:
        return ranked, {}
    base = dict(ranked)
    via: dict[int, int] = {}
    for row, _ in ranked:  # best first, so the first tie seen is the strongest
        for el in ties.get(row, ()):
            via.setdefault(el, row)
    scores = dict(base)
    for el, row in via.items():
        scores[el] = base.get(el, 0.0) + share * base[row]
    return sorted(scores.items(), key=lambda x: (-x[1], x[0])), via


def hubness(vectors: np.ndarray, k: int = HUB_K, sample: int = HUB_SAMPLE, chunk: int = 2048) -> np.ndarray:
    """Each node's mean cosine to its ``k`` nearest other nodes, centred on the mean over nodes.

    A generic paragraph ("these show the expected outcomes over the short, medium and long term") sits
    close to many nodes and so to many questions; subtracting this (as in CSLS, Conneau et al. 2018) ranks
    specific nodes above hubs without reference to any query. Neighbours are sought among at most
    ``sample`` nodes (all of them in a graph that small, a fixed random sample above), so the cost stays
    at n × ``sample`` dot products on a large graph."""
    n = len(vectors)
    if n <= 1:
        return np.zeros(n, "float32")
    ref = np.arange(n) if n <= sample else np.sort(np.random.default_rng(0).choice(n, sample, replace=False))
    k = min(k, len(ref) - 1)
    pool = vectors[ref]
    col = np.full(n, -1, dtype="int64")
    col[ref] = np.arange(len(ref))
    out = np.empty(n, "float32")
    for a in range(0, n, chunk):
        sims = vectors[a:a + chunk] @ pool.T
        own = col[a:a + len(sims)]
        sims[np.flatnonzero(own >= 0), own[own >= 0]] = -np.inf  # not its own neighbour
        out[a:a + chunk] = np.partition(sims, sims.shape[1] - k, axis=1)[:, sims.shape[1] - k:].mean(axis=1)
    return out - out.mean()

"""The index's own records: what it was built from (``IndexMeta``), and node search over views (``VectorIndex``).

A node has several views (texts embedded for it); a search scores each node by its best view and its main
one. Small flat indexes are searched exactly with numpy; the rest through ``ann`` (faiss).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import faiss
import numpy as np

from search.index import ann

FORMAT = 1
VIEW_MIX = 0.5  # weight of a node's best-matching view against its main text (see search/evaluate.py)
EXACT_ROWS = 200_000  # below this many vectors a numpy product beats the index for one query


class IndexProblem(Exception):
    """The stored index is missing, unreadable or does not match the graph (the message says which)."""


@dataclass
class IndexMeta:
    model: str
    dim: int
    variant: str
    fingerprint: str
    kind: str  # flat | hnsw
    count: int
    hashes: dict[str, str]  # node id -> sha256 of the texts embedded for it (its views)
    format: int = FORMAT
    built_at: str = ""
    hnsw: dict = field(default_factory=dict)
    training: str = ""  # sha256 of the data the model was fine-tuned on ("" for a model as published)


@dataclass
class VectorIndex:
    """Vectors of every node's views and the faiss index over them.

    Row r of ``vectors`` is a view of node ``row_ids[r]``; ``node_ids`` lists each node once (sorted), and
    a node's first row is its main view. A node scores ``mix * best view + (1 - mix) * main view``.
    """

    row_ids: list[str]
    vectors: np.ndarray
    index: faiss.Index
    meta: IndexMeta
    mix: float = VIEW_MIX  # 1.0 is pure max-sim over the views

    def __post_init__(self):
        self.node_ids: list[str] = list(dict.fromkeys(self.row_ids))
        self.pos = {nid: i for i, nid in enumerate(self.node_ids)}
        self.owner = np.fromiter((self.pos[nid] for nid in self.row_ids), dtype="int64", count=len(self.row_ids))
        self.primary = np.zeros(len(self.node_ids), dtype="int64")
        seen: set[int] = set()
        for row, p in enumerate(self.owner.tolist()):
            if p not in seen:
                seen.add(p)
                self.primary[p] = row

    @property
    def ids(self) -> list[str]:
        return self.node_ids

    @property
    def kind(self) -> str:
        return self.meta.kind

    def node_vector(self, node_id: str) -> np.ndarray:
        return self.vectors[self.primary[self.pos[node_id]]]

    def search(self, qvec: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top ``k`` (node position, score) for a unit query vector, only among ``allowed`` node positions."""
        n_nodes = len(self.node_ids)
        if not n_nodes or k <= 0 or (allowed is not None and len(allowed) == 0):
            return []
        q = np.ascontiguousarray(qvec.reshape(-1), dtype="float32")
        if self.kind == "flat" and len(self.row_ids) <= EXACT_ROWS:
            sims = self.vectors @ q  # exact over every view: cheaper than a faiss round trip at this size
            best = np.full(n_nodes, -np.inf, dtype="float32")
            np.maximum.at(best, self.owner, sims)
            cand = np.arange(n_nodes) if allowed is None else np.asarray(allowed, dtype="int64")
            scores = self.mix * best[cand] + (1 - self.mix) * sims[self.primary[cand]]
        else:
            cand, scores = self._search_faiss(q, k, allowed)
        k = min(k, len(cand))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(cand[i]), float(scores[i])) for i in top]

    def rows(self, p: int) -> np.ndarray:
        """The vector rows of node position ``p``, in the order of its views."""
        if not hasattr(self, "_rows_of"):
            order = np.argsort(self.owner, kind="stable")
            self._rows_of = np.split(order, np.flatnonzero(np.diff(self.owner[order])) + 1)
        return self._rows_of[p]

    def best_view(self, qvec: np.ndarray, nodes: np.ndarray) -> np.ndarray:
        """Each of ``nodes``' best cosine over its views (label, sentences …) alone, for reranking a few."""
        self.rows(0) if len(self.node_ids) else None
        q = np.asarray(qvec, dtype="float32").reshape(-1)
        return np.array([float((self.vectors[self._rows_of[p]] @ q).max()) for p in nodes.tolist()], "float32")

    def _search_faiss(self, q: np.ndarray, k: int, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        rows_k = min(len(self.row_ids), max(4 * k, 32))
        keep = None
        if allowed is not None:
            mask = np.isin(self.owner, np.asarray(allowed, dtype="int64"))
            keep = np.flatnonzero(mask).astype("int64")
            rows_k = min(rows_k, int(mask.sum()))
        sims, rows = self.index.search(q.reshape(1, -1), rows_k, params=ann.params(self.index, self.kind, rows_k, keep))
        best: dict[int, float] = {}
        for r, sc in zip(rows[0].tolist(), sims[0].tolist(), strict=True):
            if r >= 0:
                p = int(self.owner[r])
                best[p] = max(best.get(p, -np.inf), sc)
        cand = np.fromiter(best, dtype="int64", count=len(best))
        main = self.vectors[self.primary[cand]] @ q
        return cand, self.mix * np.fromiter(best.values(), dtype="float32", count=len(best)) + (1 - self.mix) * main

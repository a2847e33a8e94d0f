"""Inferred links: between elements of successive columns, the strongest semantic matches.

The model draws its arrows column to column (conditions/inputs → processes → activities → short →
medium → long-term outcomes → impacts) but never says which box feeds which. Linking every pair
would be a complete bipartite mesh that makes every path equally (un)likely, so each element keeps
only its ``TOP_M`` best matches in the next column that clear ``THRESHOLD``; and every element gets
at least its single best match in the column before and the column after, so no box is left without
a cause or without an effect.
Weight = cosine similarity of the two elements' texts under the embedding model (recorded on the link).
"""

from __future__ import annotations

import numpy as np

from ingest.links.match import Candidate, Elements, element_text, tier
from ingest.links.rationale import InferredExplainer

TOP_M = 2
THRESHOLD = 0.35


def infer(el: Elements, model_id: str, top_m: int = TOP_M, threshold: float = THRESHOLD) -> list[Candidate]:
    if el.embedder is None:
        return []
    tiers = sorted({tier(n) for n in el.records})
    cols = {t: [n for n in el.records if tier(n) == t] for t in tiers}
    near = _Near(el)
    chosen: dict[tuple[str, str], float] = {}
    for up, down in zip(tiers, tiers[1:], strict=False):
        sources, targets = cols[up], cols[down]
        has_cause: set[str] = set()
        has_effect: set[str] = set()
        best_effects: list[np.ndarray] = []
        for i, row in near.rows(sources, targets):
            s = sources[i]
            # The top_m targets by exact similarity are among those near the row's top_m by the matrix.
            k = min(top_m, len(targets))
            kth = np.partition(row, len(row) - k)[len(row) - k]
            cand = near.within(row, kth)
            ranked = sorted(((el.similarity(s.id, targets[j].id), targets[j]) for j in cand), key=lambda x: -x[0])
            for sim, t in ranked[:top_m]:
                if sim >= threshold:
                    chosen[(s.id, t.id)] = sim
                    has_cause.add(t.id)
                    has_effect.add(s.id)
            best_effects.append(near.within(row, row.max()))
        missing = [j for j, t in enumerate(targets) if t.id not in has_cause]
        for j, cand in near.columns(sources, targets, missing):
            # every box gets its best cause, even when no match clears the threshold
            t = targets[j]
            sim, s = max(((el.similarity(sources[i].id, t.id), sources[i]) for i in cand), key=lambda x: x[0])
            chosen[(s.id, t.id)] = sim
            has_effect.add(s.id)
        for i, s in enumerate(sources):  # …and its best effect, so no pathway stops short of the impacts
            if s.id not in has_effect:
                sim, t = max(((el.similarity(s.id, targets[j].id), targets[j]) for j in best_effects[i]),
                             key=lambda x: x[0])
                chosen[(s.id, t.id)] = sim
    out = []
    explain = InferredExplainer(el.encode, [element_text(n) for n in el.records])
    for (a, b), sim in chosen.items():
        na, nb = el.by_id[a], el.by_id[b]
        weight = round(max(sim, 0.01), 4)
        rationale, evidence = explain.explain(na.label, na.text, nb.label, nb.text, weight)
        out.append(Candidate(a, b, "inferred", weight, evidence, model=model_id, rationale=rationale))
    return out


class _Near:
    """Which pairs can be the best by ``Elements.similarity``, from one matrix product per column pair.

    Scoring every source × target pair one Python call at a time is quadratic in the elements of a
    column. A matrix product scores them all at once, but sums in another order, so its values may
    differ from ``similarity``'s in the last bits. Both are within ``dim × ε × |a||b|`` of the true
    dot product, so any pair more than twice that below the matrix's best cannot be the best by
    ``similarity``: only pairs within ``margin`` of the best are rescored exactly (and, ties in
    index order, the choice is the one a scan of every pair makes).
    """

    CHUNK = 1024  # sources per block: the block is CHUNK × targets floats

    def __init__(self, el: Elements):
        self.el = el
        v = el.vectors
        top = float(np.linalg.norm(v, axis=1).max()) if len(v) else 1.0
        self.exact_only = not np.isfinite(v).all()  # NaN compares false: then rescore everything
        self.margin = 8 * v.shape[1] * float(np.finfo(np.float32).eps) * max(1.0, top) ** 2

    def _rows(self, nodes) -> np.ndarray:
        return np.array([self.el.index[n.id] for n in nodes], dtype=np.int64)

    def rows(self, sources, targets):
        """(source position, its similarities to every target) from the matrix, in source order."""
        tv = self.el.vectors[self._rows(targets)]
        si = self._rows(sources)
        for lo in range(0, len(si), self.CHUNK):
            block = self.el.vectors[si[lo : lo + self.CHUNK]] @ tv.T
            for r in range(len(block)):
                yield lo + r, block[r]

    def columns(self, sources, targets, wanted: list[int]):
        """(target position, the sources that may be its best cause) for the ``wanted`` targets."""
        sv = self.el.vectors[self._rows(sources)]
        for lo in range(0, len(wanted), self.CHUNK):
            part = wanted[lo : lo + self.CHUNK]
            block = sv @ self.el.vectors[self._rows([targets[j] for j in part])].T  # sources × part
            best = block.max(axis=0)
            for c, j in enumerate(part):
                yield j, self.within(block[:, c], best[c])

    def within(self, values: np.ndarray, best: float) -> np.ndarray:
        """Positions (ascending) whose value is within the margin below ``best``."""
        if self.exact_only:
            return np.arange(len(values))
        return np.flatnonzero(values >= best - self.margin)

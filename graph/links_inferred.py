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

from graph.links_match import Candidate, Elements, element_text, tier

TOP_M = 2
THRESHOLD = 0.35


def _quote(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def infer(el: Elements, model_id: str, top_m: int = TOP_M, threshold: float = THRESHOLD) -> list[Candidate]:
    if el.embedder is None:
        return []
    tiers = sorted({tier(n) for n in el.records})
    cols = {t: [n for n in el.records if tier(n) == t] for t in tiers}
    chosen: dict[tuple[str, str], float] = {}
    for up, down in zip(tiers, tiers[1:], strict=False):
        sources, targets = cols[up], cols[down]
        for s in sources:
            ranked = sorted(((el.similarity(s.id, t.id), t) for t in targets), key=lambda x: -x[0])
            for sim, t in ranked[:top_m]:
                if sim >= threshold:
                    chosen[(s.id, t.id)] = sim
        for t in targets:  # every box gets its best cause, even when no match clears the threshold
            if not any((s.id, t.id) in chosen for s in sources):
                sim, s = max(((el.similarity(s.id, t.id), s) for s in sources), key=lambda x: x[0])
                chosen[(s.id, t.id)] = sim
        for s in sources:  # …and its best effect, so no pathway stops short of the impacts
            if not any((s.id, t.id) in chosen for t in targets):
                sim, t = max(((el.similarity(s.id, t.id), t) for t in targets), key=lambda x: x[0])
                chosen[(s.id, t.id)] = sim
    out = []
    for (a, b), sim in chosen.items():
        na, nb = el.by_id[a], el.by_id[b]
        evidence = (f"Semantic similarity {sim:.2f} ({model_id}) between “{_quote(element_text(na))}” and "
                    f"“{_quote(element_text(nb))}”")
        out.append(Candidate(a, b, "inferred", round(max(sim, 0.01), 4), evidence, model=model_id))
    return out

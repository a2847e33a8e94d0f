"""Free text → one node: an id, a label, or a phrase, saying which node was picked and how.

The search package (hybrid dense + BM25) is used when it is installed and loads; otherwise — or when
it is asked for types it does not rank — a token-overlap match over labels and texts, so the graph
CLI works on its own. A phrase that shares no word with any node is "not found", never a guess.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from graph.ns import local_name
from graph.records import NodeRecord
from graph.store import KnowledgeGraph
from graph.text.tokens import tokens
from search.engine import SearchEngine


@dataclass
class Resolution:
    node: NodeRecord | None
    how: str  # id | label | near-label | phrase | search | tokens | none
    text: str
    score: float = 0.0
    alternatives: list[str] = field(default_factory=list)
    message: str = ""

    def to_json(self) -> dict:
        return {"text": self.text, "how": self.how, "id": self.node.id if self.node else None,
                "label": self.node.label if self.node else None, "score": round(self.score, 4),
                "alternatives": self.alternatives, "message": self.message}


def token_match(kg: KnowledgeGraph, text: str, types: tuple[str, ...] | None = None,
                ) -> list[tuple[NodeRecord, float]]:
    """Nodes ranked by stemmed word overlap, label words counting three times as much as text words."""
    q = Counter(tokens(text))
    if not q:
        return []
    out = []
    for n in kg.nodes.values():
        if types and n.type not in types:
            continue
        label = set(tokens(n.label + " " + " ".join(n.alt_labels)))
        body = set(tokens(n.text))
        hit = sum(3 * (t in label) + (t in body and t not in label) for t in q)
        if hit:
            out.append((n, hit / (3 * len(q)) + 0.01 * (n.type != "Passage")))
    return sorted(out, key=lambda x: (-x[1], x[0].order < 0, x[0].id))


def _squash(text: str) -> str:
    """Case, punctuation, quotes and whitespace ignored: how 'the same name' is compared."""
    return " ".join(re.sub(r"[^\w£%]+", " ", text.lower().replace("’", "'")).split())


def _flat(text: str) -> str:
    """Whitespace and case ignored (the verbatim-phrase rule)."""
    return " ".join(text.lower().split())


def _names(n: NodeRecord) -> list[str]:
    return [n.label, *n.alt_labels]


def _texts(n: NodeRecord) -> list[str]:
    """A node's text and the words of its (non-mention) sources: a case study's whole body counts."""
    return [n.text] + [s.quote for s in n.sources if s.role != "mention" and s.quote]


NEAR = 0.85  # share of words two names must share (of the longer) to be the same name


def _pick(cands: list[NodeRecord], prefer) -> tuple[NodeRecord, bool]:
    """One of equally good matches: the preferred one (e.g. downstream of a path's source), else the first
    in a stable order (model elements before others, then id)."""
    cands = sorted(cands, key=lambda n: (n.type == "Passage", n.order < 0, n.id))
    if prefer is not None:
        liked = [n for n in cands if prefer(n)]
        if liked:
            return liked[0], len(liked) < len(cands)
    return cands[0], False


def resolve(kg: KnowledgeGraph, text: str, types: tuple[str, ...] | None = None,
            build: Path | str | None = None, use_search: bool = True,
            prefer: Callable[[NodeRecord], bool] | None = None) -> Resolution:
    """The node ``text`` names, trying in order: its id; an exact title, label or alternative label; a near
    one (the same words, punctuation and case aside); a phrase written verbatim (whitespace and case aside)
    in exactly one node's text; search; word overlap. ``how`` says which rule picked it; ``prefer`` breaks
    ties among equal matches (``paths --to`` prefers a node downstream of the source)."""
    t = (text or "").strip()
    if not t:
        return Resolution(None, "none", t, message="empty text")

    def ok(n: NodeRecord | None) -> bool:
        return n is not None and (not types or n.type in types)

    n = kg.nodes.get(t) or kg.nodes.get(local_name(t)) or kg.nodes.get(t.removeprefix("id:"))
    if ok(n):
        return Resolution(n, "id", t, 1.0)
    if n is None and re.fullmatch(r"[a-z]+/[\w.-]+", t):  # an id that does not exist: no fuzzy guess
        return Resolution(None, "none", t, message=f"no node with id '{t}'")
    pool = [n for n in kg.nodes.values() if ok(n)]
    low = t.lower()
    exact = [n for n in pool if any(x.strip().lower() == low for x in _names(n))]
    if exact:
        best, preferred = _pick(exact, prefer)
        return Resolution(best, "label", t, 1.0, [m.id for m in exact if m is not best][:3],
                          "preferred: downstream of the source" if preferred else "")
    sq = _squash(t)
    near = [n for n in pool if any(_squash(x) == sq for x in _names(n))]
    if not near and len(sq.split()) >= 2:
        qw = set(sq.split())
        near = [n for n in pool if any(len(qw & set(_squash(x).split())) / max(len(qw), len(_squash(x).split()))
                                       >= NEAR for x in _names(n))]
    if near:
        best, preferred = _pick(near, prefer)
        return Resolution(best, "near-label", t, 0.9, [m.id for m in near if m is not best][:3],
                          "preferred: downstream of the source" if preferred else "")
    flat = _flat(t)
    if len(flat.split()) >= 3:
        holders = [n for n in pool if n.type != "Passage" and any(flat in _flat(x) for x in _texts(n))]
        if not holders:
            holders = [n for n in pool if any(flat in _flat(x) for x in _texts(n))]
        chosen = holders[0] if len(holders) == 1 else None
        if len(holders) > 1 and prefer is not None:
            liked = [n for n in holders if prefer(n)]
            chosen = liked[0] if len(liked) == 1 else None
        if chosen is not None:
            return Resolution(chosen, "phrase", t, 1.0, [m.id for m in holders if m is not chosen][:3])
    ranked = token_match(kg, t, types)
    if not ranked:
        return Resolution(None, "none", t, message=f"nothing in the graph shares a word with '{t[:80]}'")
    if use_search:
        hit = _search(build, t, types)
        if ok(hit):
            return Resolution(hit, "search", t, 0.0, [m.id for m, _ in ranked[:3] if m.id != hit.id])
    best, score = ranked[0]
    return Resolution(best, "tokens", t, score, [m.id for m, _ in ranked[1:4]])


HOW = {"id": "by id", "label": "by exact title or label", "near-label": "by near-exact title or label",
       "phrase": "by a phrase found in its text only", "search": "by search", "tokens": "by word overlap"}


def _search(build, text: str, types) -> NodeRecord | None:
    """The search package's pick, or None when it is missing, fails to load or finds nothing."""
    try:
        engine = _engine(str(build) if build else "")
        if types:
            hits = engine.search(text, k=1, types=list(types))
            return hits[0].node if hits else None
        return engine.resolve(text)[0]
    except Exception:  # noqa: BLE001 - fall back to token overlap on any failure
        return None


_ENGINES: dict = {}


def _engine(build: str) -> SearchEngine:
    """One engine per build for this process; a load failure (no model, no index) means "use token overlap"."""
    if build not in _ENGINES:
        _ENGINES[build] = SearchEngine.load(build or None)
    return _ENGINES[build]

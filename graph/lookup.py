"""The one name → node resolver: an id, a label or a phrase, saying which node was picked and how.

Every caller resolves text here: ``KnowledgeGraph.find`` and ingest's curated links (``links.yaml`` names
an element by id or exact label: ``find``, no guessing), the search engine and the graph CLI (``resolve``,
every rule, with search handed in as a function, since the graph core cannot import search). A phrase that
shares no word with any node is "not found", never a guess.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from graph.ns import local_name
from graph.records import NodeRecord
from graph.text.tokens import tokens

NEAR = 0.85  # share of words two names must share (of the longer) to be the same name
HOW = {"id": "by id", "label": "by exact title or label", "near-label": "by near-exact title or label",
       "phrase": "by a phrase found in its text only", "search": "by search", "tokens": "by word overlap"}
ID_SHAPE = re.compile(r"[a-z]+/[\w.-]+")  # what an id looks like: one that does not exist gets no fuzzy guess

Search = Callable[[str], NodeRecord | None]  # the search package's pick for a text (None: nothing, or no search)


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


def by_id(nodes: Mapping[str, NodeRecord], text: str) -> NodeRecord | None:
    """The node whose id ``text`` is: a short id, a full IRI, or ``id:`` and a short id."""
    t = text.strip()
    return nodes.get(t) or nodes.get(local_name(t)) or nodes.get(t.removeprefix("id:"))


def names(n: NodeRecord) -> list[str]:
    return [n.label, *n.alt_labels]


def _stable(cands: Iterable[NodeRecord]) -> list[NodeRecord]:
    """Equally good matches in a stable order: model elements before others, then id."""
    return sorted(cands, key=lambda n: (n.type == "Passage", n.order < 0, n.id))


def by_label(pool: Iterable[NodeRecord], text: str) -> list[NodeRecord]:
    """Nodes whose title, label or alternative label is ``text`` (case and outer spaces aside), stable order."""
    low = text.strip().lower()
    return _stable(n for n in pool if any(x.strip().lower() == low for x in names(n)))


def find(nodes: Mapping[str, NodeRecord], text: str, types: Iterable[str] | None = None) -> NodeRecord | None:
    """A node by id or exact label (the first two rules of ``resolve``), of ``types`` if given; None otherwise."""
    kinds = set(types or ())
    n = by_id(nodes, text)
    if n is not None and (not kinds or n.type in kinds):
        return n
    hits = by_label((m for m in nodes.values() if not kinds or m.type in kinds), text)
    return hits[0] if hits else None


def token_match(nodes: Mapping[str, NodeRecord], text: str, types: Iterable[str] | None = None,
                ) -> list[tuple[NodeRecord, float]]:
    """Nodes ranked by stemmed word overlap, label words counting three times as much as text words."""
    q = Counter(tokens(text))
    if not q:
        return []
    out = []
    for n in nodes.values():
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


def _texts(n: NodeRecord) -> list[str]:
    """A node's text and the words of its (non-mention) sources: a case study's whole body counts."""
    return [n.text] + [s.quote for s in n.sources if s.role != "mention" and s.quote]


def _pick(cands: list[NodeRecord], prefer) -> tuple[NodeRecord, bool]:
    """One of equally good matches: the preferred one (e.g. downstream of a path's source), else the first
    in a stable order (model elements before others, then id)."""
    cands = _stable(cands)
    if prefer is not None:
        liked = [n for n in cands if prefer(n)]
        if liked:
            return liked[0], len(liked) < len(cands)
    return cands[0], False


def _named(pool: list[NodeRecord], t: str, how: str, score: float, prefer) -> Resolution | None:
    """The label rules: exact (``label``), or the same words punctuation aside, or nearly (``near-label``)."""
    if how == "label":
        found = by_label(pool, t)
    else:
        sq = _squash(t)
        found = [n for n in pool if any(_squash(x) == sq for x in names(n))]
        if not found and len(sq.split()) >= 2:
            qw = set(sq.split())
            found = [n for n in pool if any(len(qw & set(_squash(x).split())) / max(len(qw), len(_squash(x).split()))
                                            >= NEAR for x in names(n))]
    if not found:
        return None
    best, preferred = _pick(found, prefer)
    return Resolution(best, how, t, score, [m.id for m in found if m is not best][:3],
                      "preferred: downstream of the source" if preferred else "")


def _phrase(pool: list[NodeRecord], t: str, prefer) -> Resolution | None:
    """A phrase of three or more words written verbatim in exactly one node's text (elements first)."""
    flat = _flat(t)
    if len(flat.split()) < 3:
        return None
    holders = [n for n in pool if n.type != "Passage" and any(flat in _flat(x) for x in _texts(n))]
    if not holders:
        holders = [n for n in pool if any(flat in _flat(x) for x in _texts(n))]
    chosen = holders[0] if len(holders) == 1 else None
    if len(holders) > 1 and prefer is not None:
        liked = [n for n in holders if prefer(n)]
        chosen = liked[0] if len(liked) == 1 else None
    if chosen is None:
        return None
    return Resolution(chosen, "phrase", t, 1.0, [m.id for m in holders if m is not chosen][:3])


def resolve(nodes: Mapping[str, NodeRecord], text: str, types: tuple[str, ...] | None = None,
            prefer: Callable[[NodeRecord], bool] | None = None, search: Search | None = None) -> Resolution:
    """The node ``text`` names, trying in order: its id; an exact title, label or alternative label; a near
    one (the same words, punctuation and case aside); a phrase written verbatim (whitespace and case aside)
    in exactly one node's text; ``search`` (when given); word overlap. ``how`` says which rule picked it;
    ``prefer`` breaks ties among equal matches (``paths --to`` prefers a node downstream of the source)."""
    t = (text or "").strip()
    if not t:
        return Resolution(None, "none", t, message="empty text")

    def ok(n: NodeRecord | None) -> bool:
        return n is not None and (not types or n.type in types)

    n = by_id(nodes, t)
    if ok(n):
        return Resolution(n, "id", t, 1.0)
    if n is None and ID_SHAPE.fullmatch(t):
        return Resolution(None, "none", t, message=f"no node with id '{t}'")
    pool = [n for n in nodes.values() if ok(n)]
    found = _named(pool, t, "label", 1.0, prefer) or _named(pool, t, "near-label", 0.9, prefer) or _phrase(
        pool, t, prefer)
    if found is not None:
        return found
    ranked = token_match(nodes, t, types)
    if not ranked:
        return Resolution(None, "none", t, message=f"nothing in the graph shares a word with '{t[:80]}'")
    if search is not None:
        hit = search(t)
        if ok(hit):
            return Resolution(hit, "search", t, 0.0, [m.id for m, _ in ranked[:3] if m.id != hit.id])
    best, score = ranked[0]
    return Resolution(best, "tokens", t, score, [m.id for m, _ in ranked[1:4]])

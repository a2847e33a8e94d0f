"""One object the CLI, the evaluation and the app share: graph, index and model loaded once.

    engine = SearchEngine.load()                    # refreshes build/index/ if missing or stale
    engine.search("help for clients who need halal finance", k=5, types=["Activity"])
    engine.card("how do I build a referral network").to_markdown()
    engine.resolve("Create a referral network")    # -> (NodeRecord, "label")
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np

from graph import lookup
from graph import stages as st
from graph.ns import ELEMENT_CLASSES, NODE_CLASSES
from graph.records import NodeRecord
from graph.store import KnowledgeGraph, default_build
from graph.stores.base import StoreSpec
from graph.text.encoder import get_encoder
from search import learned
from search.asks import asked
from search.card import CHOICE_DEPTH, Card, Links, build_card, filtered_answer, plural, type_lean
from search.fuse import (
    HUB_K,
    PRF_DOCS,
    RERANK_DEPTH,
    TYPE_PRIOR,
    Method,
    convex,
    credit_ties,
    hubness,
    neighbour_lift,
    rocchio,
    rrf,
)
from search.index import RefreshReport, VectorIndex, ensure_index
from search.intent import Intent
from search.lexical import Lexical, SentenceLexical
from search.named import NamedBlocks
from search.result import Result, SearchResults, best_sentence
from search.text import ASKED_VARIANTS, DEFAULT_VARIANT, Query, clauses, clean_query, node_text, node_views

MODES = ("hybrid", "dense", "bm25")
RANK_MEMO = 16
RESOLVE_TYPES = ("Vision", "Purpose", "Condition", "Input", "Process", "Activity", "Outcome", "Impact",
                 "Assumption", "CaseStudy")


class BadFilter(ValueError):
    """An unknown type, stage, document or mode; the message lists the valid values."""


MODEL_PARTS = (*ELEMENT_CLASSES, "Assumption", "Foundation")  # the logic model itself: its boxes and what they assume


class SearchEngine:
    def __init__(self, kg: KnowledgeGraph, vindex: VectorIndex, build: Path | None = None,
                 report: RefreshReport | None = None, encoder=None, variant: str = DEFAULT_VARIANT):
        self.kg = kg
        self.vindex = vindex
        self.build = build
        self.report = report
        self.variant = variant
        self._encoder = encoder
        self.lexical = Lexical([node_text(kg.nodes[i], variant) for i in vindex.node_ids])
        self.links = Links.from_graph(kg)
        self.method = Method()
        self._prior = np.array([TYPE_PRIOR.get(kg.nodes[i].type, 0.0) for i in vindex.node_ids], "float32")
        self._neighbours = _neighbour_rows(kg, vindex.pos, vindex.node_ids)
        self._intent: Intent | None = None
        self._named: NamedBlocks | None = None
        self._docs = {s.doc_id: s for n in kg.nodes.values() for s in n.sources}
        self._encode_cached = lru_cache(maxsize=256)(self._encode)
        self._sentence_lexical: SentenceLexical | None = None
        self._hubness: np.ndarray | None = None
        self._question_views: dict[int, np.ndarray] = {}
        self._views: dict[int, list[str]] = {}
        self._reranker: learned.Reranker | None | bool = False  # False: not read yet
        self._ranked: dict = {}  # the last RANK_MEMO rankings: a card asks for the same question's ranking again
        self._ranked_lock = threading.Lock()
        pos = vindex.pos
        self._ties = {pos[a]: [pos[e] for e in els if e in pos] for a, els in self.links.ties.items() if a in pos}

    @classmethod
    def load(cls, build: Path | str | None = None, variant: str = DEFAULT_VARIANT,
             hnsw_above: int | None = None, store: str | StoreSpec | None = None) -> SearchEngine:
        """Graph, model and index for ``build``; the index is built or refreshed first when it is missing,
        stale, corrupt or made with another model. Raises graph.store.MissingBuild without a graph, and
        graph.stores.base.StoreError when the store cannot be read. The index lives in ``build``/index,
        keyed by the store's build fingerprint, so each server keeps its own copy of a shared graph's index."""
        kg = KnowledgeGraph.load(Path(build) if build else default_build(), store)
        build = kg.build  # the folder the graph was read from: its index, not the next build's
        encoder = get_encoder()
        vindex, report = ensure_index(build, kg, embed=encoder.encode, variant=variant,
                                      hnsw_above=hnsw_above, model=encoder.id)
        return cls(kg, vindex, build, report, encoder.encode, variant)

    # ------------------------------------------------------------------ query vectors

    def _encode(self, text: str) -> np.ndarray:
        if self._encoder is None:
            self._encoder = get_encoder().encode
        return self._encoder([text])[0]

    def encode_query(self, text: str) -> np.ndarray:
        return self._encode_cached(text)

    @property
    def intent(self) -> Intent:
        """The definitions' vectors, embedded on first use (a few dozen short texts)."""
        if self._intent is None:
            encode = self._encoder
            if encode is None:
                encode = self._encoder = get_encoder().encode
            self._intent = Intent([self.kg.nodes[i] for i in self.vindex.node_ids], encode)
        return self._intent

    # ------------------------------------------------------------------ filters

    def valid_types(self) -> list[str]:
        return list(NODE_CLASSES)

    def valid_stages(self) -> list[str]:
        return [s.key for s in st.stages()]

    def valid_docs(self) -> list[str]:
        return sorted(self._docs)

    def _norm_types(self, types: Iterable[str] | None) -> set[str] | None:
        by_low = {c.lower(): c for c in NODE_CLASSES} | {"case study": "CaseStudy", "case-study": "CaseStudy"}
        return _normalise(types, "type", NODE_CLASSES,
                          lambda t: by_low.get(t.lower()) or by_low.get(t.lower().rstrip("s")))

    def _norm_stages(self, stages: Iterable[str] | None) -> set[str] | None:
        def key(s: str) -> str | None:
            c = next((c for c in st.stages() if c.key == s.lower()), None) or st.match(s, st.stages())
            return c.key if c else None
        return _normalise(stages, "stage", self.valid_stages(), key)

    def _norm_docs(self, docs: Iterable[str] | None) -> set[str] | None:
        return _normalise(docs, "document", self.valid_docs(), lambda d: next(
            (i for i, s in self._docs.items() if d in (i, s.path, Path(s.path).name, s.document)), None))

    def allowed_rows(self, types=None, stages=None, docs=None) -> np.ndarray | None:
        """Index rows passing the filters (None: no filter). Raises BadFilter for unknown values."""
        t, s, d = self._norm_types(types), self._norm_stages(stages), self._norm_docs(docs)
        if t is None and s is None and d is None:
            return None
        rows = []
        for i, nid in enumerate(self.vindex.ids):
            n = self.kg.nodes[nid]
            if t is not None and n.type not in t:
                continue
            if s is not None and n.stage not in s:
                continue
            if d is not None and not any(src.doc_id in d for src in n.sources):
                continue
            rows.append(i)
        return np.asarray(rows, dtype="int64")

    # ------------------------------------------------------------------ search

    def search(self, query: str, k: int = 10, types: Iterable[str] | None = None,
               stages: Iterable[str] | None = None, docs: Iterable[str] | None = None,
               mode: str = "hybrid") -> SearchResults:
        """Ranked nodes for ``query``. The returned list's ``.notes`` says what was done to the query (e.g.
        truncated, or ranked by meaning only because none of its words occur in the corpus)."""
        if mode not in MODES:
            raise BadFilter(f"unknown mode '{mode}'; valid modes: {', '.join(MODES)}")
        allowed = self.allowed_rows(types, stages, docs)
        q = clean_query(query)
        notes = list(q.notes)
        if not q.has_words or k <= 0:
            return SearchResults([], notes, mode)
        known = self.lexical.known(q.tokens)
        used = mode
        if mode in ("hybrid", "bm25") and not known:
            if mode == "bm25":
                notes.append("none of the query's words occur in the corpus, so keyword search finds nothing")
                return SearchResults([], notes, mode)
            used = "dense"
            notes.append("none of the query's words occur in the corpus; results are ranked by meaning only")
        m = self.method
        depth = max(m.depth, k * 5)
        ranked, dense_rank, lex_rank, via = self._rank(q, used, depth, allowed)
        out = SearchResults([], notes, used)
        for row, score in ranked[:k]:
            node = self.kg.nodes[self.vindex.ids[row]]
            ranks, scores = {}, {}
            if row in dense_rank:
                ranks["dense"], scores["dense"] = dense_rank[row]
            if row in lex_rank:
                ranks["bm25"], scores["bm25"] = lex_rank[row]
            out.append(Result(node, float(score), best_sentence(node, q.tokens), used, ranks, scores,
                              self.vindex.ids[via[row]] if row in via else "",
                              self._asked(row, q) if used != "bm25" else ""))
        return out

    def _asked(self, row: int, q: Query) -> str:
        """The users' question of node ``row`` nearest the query, when it is the node's best-matching view."""
        node = self.kg.nodes[self.vindex.ids[row]]
        if not node.questions or self.variant not in ASKED_VARIANTS:
            return ""
        rows = self.vindex.rows(row)
        views = self.views(row)
        if len(views) != len(rows):
            return ""
        best = views[int(np.argmax(self.vindex.vectors[rows] @ self.encode_query(q.text)))]
        return best if best in node.questions else ""

    def views(self, row: int) -> list[str]:
        """The texts embedded for node position ``row``, in its vector rows' order: worked out once a node (a
        search asks for them for every result, and splitting a node's text into sentences each time was a
        fifth of a card's time)."""
        views = self._views.get(row)
        if views is None:
            views = self._views[row] = node_views(self.kg.nodes[self.vindex.ids[row]], self.variant)
        return views

    def _rank(self, q: Query, used: str, depth: int, allowed: np.ndarray | None):
        """The fused ranking (row, score), each first-stage ranking's (rank, score) by row, and the rows
        whose score an element was credited from (element row -> tied row)."""
        key = (q.text, q.tokens, used, depth, None if allowed is None else allowed.tobytes(), repr(self.method))
        with self._ranked_lock:
            hit = self._ranked.get(key)
        if hit is not None:
            return hit
        ranked, dense_rank, lex_rank, named_rank, qvec = self._first_stage(q, used, depth, allowed)
        if self.method.learned and self.reranker is not None and used == "hybrid" and len(ranked) > 1:
            c = self.candidates(q, qvec, ranked, dense_rank, lex_rank, named_rank)
            ranked = learned.reorder(ranked, self.reranker.scores(learned.feature_matrix(c)))
        ranked, via = credit_ties(ranked, self._ties, self.method.credit)
        out = (ranked, dense_rank, lex_rank, via)
        with self._ranked_lock:  # one engine serves every app session's thread
            while len(self._ranked) >= RANK_MEMO:
                self._ranked.pop(next(iter(self._ranked)))
            self._ranked[key] = out
        return out

    def forget(self) -> None:
        """Drop the per-query caches (query vectors, rankings): for timing a cold query."""
        self._encode_cached.cache_clear()
        with self._ranked_lock:
            self._ranked.clear()

    def _first_stage(self, q: Query, used: str, depth: int, allowed: np.ndarray | None):
        """The hand-set fusion: (ranked, dense (rank, score) by row, BM25 likewise, named-block rank by row,
        the query vector)."""
        m = self.method
        qvec = self.encode_query(q.text)
        dense = self._dense(qvec, depth, allowed) if used != "bm25" else []
        lex = self.lexical.search(q.tokens, depth, allowed) if used != "dense" else []
        extra = self._clause_rankings(q, depth, allowed) if used != "bm25" and m.clauses else []
        named = self._named_ranking(q, qvec, depth, allowed) if used != "bm25" and m.named else []
        ranked = self._fuse(used, dense, lex, extra + named)
        if m.prf and used != "bm25" and ranked:
            top = [r for r, _ in ranked[:PRF_DOCS]]
            dense = self._dense(rocchio(qvec, self.vindex.vectors[self.vindex.primary[top]], m.prf), depth, allowed)
            ranked = self._fuse(used, dense, lex, extra + named)
        if m.rerank and ranked:
            ranked = self._rerank(qvec, q, ranked)
        dense_rank = {r: (i + 1, s) for i, (r, s) in enumerate(dense)}
        lex_rank = {r: (i + 1, s) for i, (r, s) in enumerate(lex)}
        named_rank = {r: i + 1 for i, r in enumerate(named[0][1])} if named else {}
        return ranked, dense_rank, lex_rank, named_rank, qvec

    def head_features(self, query: str) -> tuple[list[str], np.ndarray]:
        """The hand-set fusion's head for ``query`` (node ids) and the reranker's features of each, as the
        reranker would read them (for fitting it: bench/rerank_fit.py)."""
        q = clean_query(query)
        if not q.has_words:
            return [], np.zeros((0, len(learned.FEATURES)), dtype="float32")
        used = "hybrid" if self.lexical.known(q.tokens) else "dense"
        ranked, dense_rank, lex_rank, named_rank, qvec = self._first_stage(q, used, max(self.method.depth, 50), None)
        if not ranked:
            return [], np.zeros((0, len(learned.FEATURES)), dtype="float32")
        c = self.candidates(q, qvec, ranked, dense_rank, lex_rank, named_rank)
        return [self.vindex.ids[r] for r in c.rows], learned.feature_matrix(c)

    @property
    def reranker(self) -> learned.Reranker | None:
        """The fitted reranker (search/reranker.json), read on first use; None when there is none or it was
        fitted with another encoder (its weights read this encoder's cosines, so they would mislead)."""
        if self._reranker is False:
            weights = learned.load()
            self._reranker = weights if weights is not None and weights.model == self.vindex.meta.model else None
        return self._reranker

    def candidates(self, q: Query, qvec: np.ndarray, ranked: list[tuple[int, float]],
                   dense_rank: dict, lex_rank: dict, named_rank: dict) -> learned.Candidates:
        """What the reranker reads of the fused head (search.learned)."""
        vi = self.vindex
        rows = [r for r, _ in ranked[:learned.HEAD]]
        head = np.asarray(rows, dtype="int64")
        ids = [vi.ids[r] for r in rows]
        in_head = set(ids)
        best_q = [float(self.question_views(r)[int(np.argmax(vi.vectors[vi.rows(r)] @ qvec))]) for r in rows]
        return learned.Candidates(
            rows=rows, fused=[s for _, s in ranked[:learned.HEAD]], dense=dense_rank, bm25=lex_rank,
            named=named_rank, best_view=vi.best_view(qvec, head),
            main_view=(vi.vectors[vi.primary[head]] @ qvec).astype("float32"),
            question_view=np.asarray(best_q, dtype="float32"), hubness=self.hubness[head],
            sentence_bm25=self.sentence_lexical.best(q.tokens, rows),
            types=[self.kg.nodes[i].type for i in ids],
            ties_in_head=[sum(t in in_head for t in self.links.ties.get(i, ())) for i in ids],
            kind_lean=type_lean(self, q.text, every_kind=True), asked=asked(q.text).kind)

    def question_views(self, p: int) -> np.ndarray:
        """Per vector row of node position ``p``: 1 where the row embeds one of its users' questions (worked
        out for a node the first time it reaches a reranked head, so loading stays as fast as before)."""
        flags = self._question_views.get(p)
        if flags is None:
            node = self.kg.nodes[self.vindex.ids[p]]
            rows = self.vindex.rows(p)
            flags = np.zeros(len(rows), dtype="float32")
            views = self.views(p) if node.questions else []
            if node.questions and len(views) == len(rows):
                asked_views = set(node.questions)
                flags[:] = [float(v in asked_views) for v in views]
            self._question_views[p] = flags
        return flags

    def _fuse(self, used: str, dense, lex, extra: list[tuple[str, list[int]]]) -> list[tuple[int, float]]:
        m = self.method
        if used == "hybrid" and m.fusion == "convex":
            return convex(dense, lex, m.alpha)
        if used == "bm25":
            return lex
        if used == "dense" and not extra:
            return dense
        runs = {"dense": [r for r, _ in dense], "bm25": [r for r, _ in lex] if used == "hybrid" else []}
        weights = dict(m.weights)
        for i, (name, rows) in enumerate(extra):
            runs[f"{name}{i}"] = rows
            weights[f"{name}{i}"] = m.clauses if name == "clause" else m.named
        return rrf(runs, m.rrf_k, weights)

    def _clause_rankings(self, q: Query, depth: int, allowed: np.ndarray | None) -> list[list[int]]:
        """A dense ranking per clause of a question of several clauses (none for a one-clause question)."""
        parts = clauses(q.text)
        if len(parts) < 2:
            return []
        return [("clause", [r for r, _ in self._dense(self.encode_query(c), depth, allowed)]) for c in parts]

    def _named_ranking(self, q: Query, qvec: np.ndarray, depth: int, allowed: np.ndarray | None
                       ) -> list[tuple[str, list[int]]]:
        """The dense ranking of only the blocks the question names ("assumptions behind the short term
        outcomes"), or none when it names no block."""
        if self._named is None:
            self._named = NamedBlocks([self.kg.nodes[i] for i in self.vindex.node_ids])
        rows = self._named.rows(q.tokens)
        if rows is None or not len(rows):
            return []
        if allowed is not None:
            rows = np.intersect1d(rows, allowed)
        return [("named", [r for r, _ in self._dense(qvec, depth, rows)])] if len(rows) else []

    def _rerank(self, qvec: np.ndarray, q: Query, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """The top RERANK_DEPTH reordered by their best single sentence (max cosine over the node's views,
        BM25 over its sentences), fused by rank with the first stage; the rest keep their order below."""
        head = [r for r, _ in ranked[:RERANK_DEPTH]]
        cos = self.vindex.best_view(qvec, np.asarray(head, dtype="int64"))
        bm = self.sentence_lexical.best(q.tokens, head)
        by_cos = [head[i] for i in np.argsort(-cos, kind="stable")]
        by_bm = [head[i] for i in np.argsort(-bm, kind="stable") if bm[i] > 0]
        fused = rrf({"first": head, "cos": by_cos, "bm": by_bm}, self.method.rrf_k,
                    {"first": 1.0, "cos": self.method.rerank, "bm": self.method.rerank / 2})
        floor = min(s for _, s in fused) if fused else 0.0
        return fused + [(r, floor - 1e-6 * (i + 1)) for i, (r, _) in enumerate(ranked[RERANK_DEPTH:])]

    @property
    def hubness(self) -> np.ndarray:
        """Each node's hubness (search.fuse.hubness) from its main vector, computed on first use."""
        if self._hubness is None:
            self._hubness = hubness(self.vindex.vectors[self.vindex.primary], HUB_K)
        return self._hubness

    @property
    def sentence_lexical(self) -> SentenceLexical:
        if self._sentence_lexical is None:
            self._sentence_lexical = SentenceLexical([self.kg.nodes[i] for i in self.vindex.node_ids])
        return self._sentence_lexical

    def _dense(self, qvec: np.ndarray, depth: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        """Cosine ranking with the priors applied (kind, and the query's intent), each node then lifted by
        its best-matching direct neighbour; twice the depth is scored so the priors can reorder."""
        m = self.method
        hits = self.vindex.search(qvec, 2 * depth + 10, allowed)
        if not hits:
            return []
        cand = np.fromiter((r for r, _ in hits), dtype="int64", count=len(hits))
        scores = np.fromiter((s for _, s in hits), dtype="float32", count=len(hits))
        scores = neighbour_lift(cand, scores, self._neighbours, m.graph)
        prior = self._prior[cand]
        if m.hub:
            prior = prior - m.hub * self.hubness[cand]
        if m.intent:
            prior = prior + self.intent.prior(qvec, m.intent)[cand]
        scores = scores + prior
        order = np.argsort(-scores, kind="stable")[:depth]
        return [(int(cand[i]), float(scores[i])) for i in order]

    def similar(self, node_id: str, k: int = 5, types: Iterable[str] = MODEL_PARTS) -> list[tuple[NodeRecord, float]]:
        """The ``k`` nodes of ``types`` nearest ``node_id`` in meaning (cosine of its own stored vector over the
        index, as search scores), best first, itself left out: a way on from a node no link joins to the model,
        such as a passage. Similar in meaning only, never a link. [] when the node is not in the index."""
        p = self.vindex.pos.get(node_id)
        if p is None:
            return []
        qvec = self.vindex.vectors[self.vindex.primary[p]]
        hits = self.vindex.search(qvec, k + 1, self.allowed_rows(types=types))
        return [(self.kg.nodes[self.vindex.node_ids[r]], s) for r, s in hits if r != p][:k]

    def card(self, query: str, types: Iterable[str] | None = None, stages: Iterable[str] | None = None,
             docs: Iterable[str] | None = None) -> Card | None:
        """The answer card for the best-matching model element, or None when nothing matches. With filters the
        card answers with the best result they allow (the same filters as ``search``; BadFilter when unknown)."""
        q = clean_query(query)
        if not q.has_words:
            return None
        if types or stages or docs:
            hits = list(self.search(q.text, k=CHOICE_DEPTH, types=types, stages=stages, docs=docs))
            choice = filtered_answer(self, q.text, hits, self._limits(types, stages, docs))
            if choice is None:
                return None
            card = build_card(self, q.text, choice, hits)
        else:
            card = build_card(self, q.text)
        if card is not None:
            card.notes[:0] = list(q.notes)
        return card

    def _limits(self, types, stages, docs) -> str:
        """The filters in a reader's words: "case studies; the Outcomes stage; the document 'Innovation …'"."""
        parts = [", ".join(plural(t) for t in sorted(self._norm_types(types) or ()))]
        parts += [", ".join(f"the {st.stage(s).label} stage" for s in sorted(self._norm_stages(stages) or ()))]
        parts += [", ".join(f"the document ‘{self._docs[d].document}’" for d in sorted(self._norm_docs(docs) or ())
                            if d in self._docs)]
        return "; ".join(p for p in parts if p)

    def resolve(self, text: str) -> tuple[NodeRecord, str]:
        """A node for an id, label or phrase, and how it was found (``graph.lookup.resolve``'s rules, with
        this engine's search among RESOLVE_TYPES): 'id', 'label', 'near-label', 'phrase', 'search' or 'tokens'.

        Raises LookupError when nothing matches (an empty or wordless phrase)."""
        r = lookup.resolve(self.kg.nodes, text, search=self._pick)
        if r.node is None:
            raise LookupError(r.message or f"nothing in the graph matches '{(text or '').strip()[:80]}'")
        return r.node, r.how

    def _pick(self, text: str) -> NodeRecord | None:
        hits = self.search(text, k=1, types=list(RESOLVE_TYPES))
        return hits[0].node if hits else None


NEIGHBOUR_RELATIONS = ("leadsTo", "underpinnedBy", "hasFoundation", "illustrates", "hasEvidence")


def _normalise(values: Iterable[str] | None, what: str, valid: Iterable[str],
               lookup: Callable[[str], str | None]) -> set[str] | None:
    """A filter's values as the keys ``lookup`` gives (None: no filter); an unknown value is a BadFilter
    naming the valid ones, so a typo never silently filters everything out."""
    if not values:
        return None
    out = set()
    for v in values:
        hit = lookup(str(v).strip())
        if hit is None:
            raise BadFilter(f"unknown {what} '{str(v).strip()}'; valid {what}s: {', '.join(valid)}")
        out.add(hit)
    return out


def _neighbour_rows(kg: KnowledgeGraph, pos: dict[str, int], ids: list[str]) -> list[np.ndarray]:
    """For each index row, the rows of its direct neighbours by the model's own relations (both directions)."""
    adj: list[set[int]] = [set() for _ in ids]
    for rel in NEIGHBOUR_RELATIONS:
        for a, targets in kg.edges(rel).items():
            for b in targets:
                if a in pos and b in pos and a != b:
                    adj[pos[a]].add(pos[b])
                    adj[pos[b]].add(pos[a])
    return [np.fromiter(sorted(s), dtype="int64", count=len(s)) for s in adj]

"""BM25 over the same text the dense index embeds (bm25s, light stemming, English stopwords)."""

from __future__ import annotations

import bm25s
import numpy as np

from graph.records import NodeRecord
from graph.text.sentences import sentences
from graph.text.tokens import tokens

# Words of one or two letters carry no topic for BM25: most are the halves of a hyphenated word, and "co" of
# "co-op" then met every "co-operation" (the co-operative movement's foundation answered "where can we get money
# to start a co-op"). Dense retrieval still reads them. On the ten choosing sets: card right 0.493 -> 0.493,
# hit@1 0.490 -> 0.493 (docs/search.md, "After round five").
MIN_LETTERS = 3


def _kept(words) -> list[str]:
    return [w for w in words if len(w) >= MIN_LETTERS]


class Lexical:
    """Keyword ranking; rows are the positions of ``texts`` as given (the dense index's order)."""

    def __init__(self, texts: list[str], k1: float = 1.2, b: float = 0.75):
        corpus = [_kept(tokens(t)) for t in texts]
        self.size = len(texts)
        self.vocab = {w for doc in corpus for w in doc}
        self.bm25 = bm25s.BM25(k1=k1, b=b)
        if corpus:
            self.bm25.index(corpus, show_progress=False)

    def known(self, query_tokens: tuple[str, ...] | list[str]) -> list[str]:
        """The query words the corpus has (of three letters or more); an empty list means BM25 cannot rank
        anything."""
        return [t for t in _kept(query_tokens) if t in self.vocab]

    def search(self, query_tokens: tuple[str, ...] | list[str], k: int,
               allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top ``k`` (row, score) with a positive score, among ``allowed`` rows when given."""
        words = self.known(query_tokens)
        if not words or k <= 0:
            return []
        scores = np.asarray(self.bm25.get_scores(words), dtype="float32")
        if allowed is not None:
            masked = np.full_like(scores, -1.0)
            masked[allowed] = scores[allowed]
            scores = masked
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(r), float(scores[r])) for r in top if scores[r] > 0]


class SentenceLexical:
    """BM25 over every sentence of every node's text, read as a node's best sentence: a question that
    matches one sentence of a long element is not diluted by the rest of it."""

    def __init__(self, nodes: list[NodeRecord]):
        texts, owner = [], []
        for row, n in enumerate(nodes):
            body = n.text or n.label
            spans = sentences(body) or [(0, len(body))]
            for s, e in spans:
                texts.append(body[s:e])
                owner.append(row)
        self.lex = Lexical(texts)
        self.owner = np.asarray(owner, dtype="int64")
        self.rows = len(nodes)

    def best(self, query_tokens: tuple[str, ...] | list[str], rows: list[int]) -> np.ndarray:
        """The best sentence's BM25 score of each of ``rows`` (0 where no query word occurs)."""
        words = self.lex.known(query_tokens)
        if not words:
            return np.zeros(len(rows), "float32")
        sc = np.asarray(self.lex.bm25.get_scores(words), dtype="float32")
        best = np.zeros(self.rows, "float32")
        np.maximum.at(best, self.owner, sc)
        return best[np.asarray(rows, dtype="int64")]

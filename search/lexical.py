"""BM25 over the same text the dense index embeds (bm25s, light stemming, English stopwords)."""

from __future__ import annotations

import bm25s
import numpy as np

from graph.text.tokens import tokens


class Lexical:
    """Keyword ranking; rows are the positions of ``texts`` as given (the dense index's order)."""

    def __init__(self, texts: list[str], k1: float = 1.2, b: float = 0.75):
        corpus = [tokens(t) for t in texts]
        self.size = len(texts)
        self.vocab = {w for doc in corpus for w in doc}
        self.bm25 = bm25s.BM25(k1=k1, b=b)
        if corpus:
            self.bm25.index(corpus, show_progress=False)

    def known(self, query_tokens: tuple[str, ...] | list[str]) -> list[str]:
        """The query words the corpus has; an empty list means BM25 cannot rank anything."""
        return [t for t in query_tokens if t in self.vocab]

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

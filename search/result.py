"""A search hit as handed to the CLI and the app: the node's record plus score, ranks and a snippet."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from graph.records import NodeRecord
from graph.text.sentences import sentences
from graph.text.tokens import tokens


@dataclass(frozen=True)
class Snippet:
    """The sentence of the node's text that best matches the query.

    ``start``/``end`` index ``Result.text``; ``doc_start``/``doc_end`` index the source document's text
    (build/texts/<doc_id>.txt), -1 when the sentence could not be placed there.
    """

    text: str
    start: int
    end: int
    doc_start: int = -1
    doc_end: int = -1


@dataclass
class Result:
    node: NodeRecord
    score: float
    snippet: Snippet
    mode: str  # hybrid | dense | bm25
    ranks: dict[str, int] = field(default_factory=dict)  # rank (1 = best) in each ranking that found it
    scores: dict[str, float] = field(default_factory=dict)  # cosine and/or BM25 score
    via: str = ""  # id of the case study, evidence or assumption tied to this element that lifted it
    asked: str = ""  # the users' question (ep:askedAs) the query came closest to, when that was the best view

    id = property(lambda self: self.node.id)  # the node's own fields, read through the result
    type = property(lambda self: self.node.type)
    stage = property(lambda self: self.node.stage)
    label = property(lambda self: self.node.label)
    text = property(lambda self: self.node.text)

    @property
    def source(self) -> dict | None:
        return self.node.sources[0].to_dict() if self.node.sources else None

    def to_json(self) -> dict:
        d = self.node.to_json()
        d.update(score=round(self.score, 6), mode=self.mode, ranks=self.ranks,
                 scores={k: round(v, 6) for k, v in self.scores.items()}, snippet=asdict(self.snippet),
                 via=self.via, asked=self.asked)
        return d


class SearchResults(list):
    """A plain list of ``Result`` that also carries notes about the query (truncated, no known words …)."""

    def __init__(self, items=(), notes: list[str] | None = None, mode: str = ""):
        super().__init__(items)
        self.notes = list(notes or [])
        self.mode = mode

    def to_json(self) -> list[dict]:
        return [r.to_json() for r in self]


@lru_cache(maxsize=16384)
def sentence_words(text: str) -> tuple[tuple[int, int, frozenset[str]], ...]:
    """Each sentence's span and word set, remembered per text: splitting and stemming every hit's sentences
    on every query was most of a warm search's time (bench/results/speed.md)."""
    spans = sentences(text) or [(0, len(text))]
    return tuple((s, e, frozenset(tokens(text[s:e]))) for s, e in spans)


@lru_cache(maxsize=16384)
def locate(sentence: str, quote: str) -> tuple[int, int] | None:
    """Where ``sentence`` sits in ``quote``, whatever whitespace the extraction normalised (None: not found)."""
    words = re.findall(r"\S+", sentence)
    m = re.search(r"\s+".join(map(re.escape, words)), quote) if words else None
    return (m.start(), m.end()) if m else None


def best_sentence(node: NodeRecord, query_tokens: tuple[str, ...]) -> Snippet:
    """The sentence sharing most query words (ties: the earlier one); the first sentence if none share any."""
    text = node.text or node.label
    spans = sentence_words(text)
    wanted = set(query_tokens)
    best, best_score = spans[0][:2], 0
    for s, e, words in spans:
        score = len(wanted & words)
        if score > best_score:
            best, best_score = (s, e), score
    s, e = best
    doc_start = doc_end = -1
    src = node.sources[0] if node.sources else None
    if src and src.quote and src.start >= 0:
        found = locate(text[s:e], src.quote)
        if found:
            doc_start, doc_end = src.start + found[0], src.start + found[1]
    return Snippet(text[s:e], s, e, doc_start, doc_end)

"""Case links: which model elements a case study illustrates, each with the sentence that shows it.

Explicit mention first (a case sentence writes an element's name), then semantic match: the case
sentence closest to the element, kept when it clears ``THRESHOLD`` (at most ``TOP_K`` per case, so a
case illustrates what it is about, not everything it resembles). Reified as ep:CaseLink (basis,
weight, evidence sentence and its span) and projected as ``case ep:illustrates element``. A case
whose best match falls short of the threshold keeps that one match if it clears ``FLOOR``, so every
case says at least what it is closest to. A case
study added by a user goes through the same code on ingest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graph.records import NodeRecord
from graph.text.sentences import sentences
from ingest.links.match import Elements
from ingest.model import Span

THRESHOLD = 0.45
TOP_K = 3
FLOOR = 0.35  # a case with no match over THRESHOLD still keeps its single best one above this
EXPLICIT_WEIGHT = 0.9


@dataclass
class CaseCandidate:
    case: str
    element: str
    basis: str  # explicit | semantic
    weight: float
    evidence: str
    span: Span | None


def _sentences(case: NodeRecord, texts: dict[str, str]) -> list[tuple[str, Span]]:
    out = []
    for s in case.sources:
        if s.role == "mention" or s.start < 0 or s.doc_id not in texts:
            continue
        text = texts[s.doc_id]
        for a, b in sentences(text, s.start, s.end):
            out.append((" ".join(text[a:b].split()), Span(s.doc_id, a, b, s.section, -1, role="evidence")))
    return out


def _top(values: np.ndarray, k: int) -> list[int]:
    """``sorted(range(len(values)), key=lambda j: -values[j])[:k]`` (ties in index order), without sorting all.

    Every case ranks every element; a full Python sort per case made this stage quadratic.
    """
    n = len(values)
    if n <= k:
        return sorted(range(n), key=lambda j: -values[j])
    kth = np.partition(values, n - k)[n - k]  # the k-th largest value: the top k are all >= it
    cand = np.flatnonzero(values >= kth)
    return [int(cand[i]) for i in np.argsort(-values[cand], kind="stable")[:k]]


def link_cases(el: Elements, texts: dict[str, str]) -> list[CaseCandidate]:
    out: list[CaseCandidate] = []
    cases = el.kg.of_type("CaseStudy")
    per_case = [(c, _sentences(c, texts)) for c in cases]
    flat = [s for _, sents in per_case for s, _ in sents]
    vecs = el.encode(flat) if flat and el.embedder is not None else None
    i = 0
    for case, sents in per_case:
        chosen: dict[str, CaseCandidate] = {}
        for text, span in sents:
            for m in el.mentioned(text, el.records):
                chosen.setdefault(m.id, CaseCandidate(case.id, m.id, "explicit", EXPLICIT_WEIGHT, text, span))
        if vecs is not None and sents:
            block = vecs[i:i + len(sents)]
            sims = el.vectors @ block.T  # elements × sentences
            best_sent = sims.argmax(axis=1)
            best = sims.max(axis=1)
            for rank, j in enumerate(_top(best, TOP_K)):
                n = el.records[j]
                floor = FLOOR if rank == 0 and not chosen else THRESHOLD
                if best[j] < floor or n.id in chosen:
                    continue
                text, span = sents[int(best_sent[j])]
                chosen[n.id] = CaseCandidate(case.id, n.id, "semantic", round(float(best[j]), 4), text, span)
        i += len(sents)
        out.extend(chosen.values())
    return out

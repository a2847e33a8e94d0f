"""Case links: which model elements a case study illustrates, each with the one or two sentences that show it.

Sentence by sentence: every sentence of the case is compared with every linkable element's texts
(its label, its explainer text and each alternative label; the best of these counts). An element's
score is the mean of its ``BEST_SENTENCES`` best sentences plus ``CASE_WEIGHT`` times the similarity of
the whole case (the mean of its sentence vectors) to the element, so a case illustrates what several
of its sentences, and the case as a whole, are about rather than what one sentence resembles.

* **explicit** — a sentence writes an element's name (``Elements.mentioned``);
* **semantic** — the element's score clears ``THRESHOLD``; at most ``TOP_K`` per case;
* **evidence** — a sentence holding a figure (an ``Evidence`` of the case) is closest to an outcome
  or impact and clears ``EVIDENCE_THRESHOLD``: "£1.90 of every £1 stays local" → income retained.

A case whose best match falls short of the threshold keeps that one if it clears ``FLOOR``.
THRESHOLD, TOP_K and EVIDENCE_THRESHOLD were chosen on tests/eval/cases/dev only
(``python -m bench.cases``); the test half is reported, never tuned on. Each link carries a
plain-words reason.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

import numpy as np

from graph.records import NodeRecord
from graph.text.sentences import sentences
from ingest.links.match import Elements, element_text
from ingest.model import Span

THRESHOLD = 0.45
TOP_K = 2
BEST_SENTENCES = 3
CASE_WEIGHT = 0.5
FLOOR = 0.35  # a case with no match over THRESHOLD still keeps its single best one above this
EVIDENCE_THRESHOLD = THRESHOLD  # one threshold for both, chosen together on dev
# A result figure: money, a share, or a count of things (not a date or a duration)
_RESULT = re.compile(r"£|%|\bper ?cent\b|\d[\d,.]*\s+(?:new\s+)?(?!financial\b|years?\b|months?\b|weeks?\b|days?\b)"
                     r"[a-z][\w-]*s\b")
EXPLICIT_WEIGHT = 0.9
EVIDENCE_CLASSES = ("Outcome", "Impact")


@dataclass
class CaseCandidate:
    case: str
    element: str
    basis: str  # explicit | semantic | evidence
    weight: float
    evidence: str
    span: Span | None
    spans: list[Span] = field(default_factory=list)  # the one or two sentences that show it
    reason: str = ""
    figure: str = ""
    evidence_id: str = ""  # the Evidence node behind an evidence link


def _sentences(case: NodeRecord, texts: dict[str, str]) -> list[tuple[str, Span]]:
    out = []
    for s in case.sources:
        if s.role == "mention" or s.start < 0 or s.doc_id not in texts:
            continue
        text = texts[s.doc_id]
        for a, b in sentences(text, s.start, s.end):
            out.append((" ".join(text[a:b].split()), Span(s.doc_id, a, b, s.section, -1, role="evidence")))
    return out


def _element_views(el: Elements) -> tuple[np.ndarray, np.ndarray]:
    """Vectors of every element's texts (label, label + text, each alt label) and the element row of each."""
    texts, rows = [], []
    for i, n in enumerate(el.records):
        for t in dict.fromkeys([n.label, element_text(n), *n.alt_labels]):
            if t.strip():
                texts.append(t)
                rows.append(i)
    return el.encode(texts), np.asarray(rows)


def _per_element(sims_views: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    """views × sentences -> elements × sentences: the best of each element's texts."""
    out = np.full((n, sims_views.shape[1]), -1.0, dtype="float32")
    np.maximum.at(out, rows, sims_views)
    return out


def _quote(sents, idx: list[int]) -> str:
    return " ".join(sents[i][0] for i in sorted(idx))


def link_cases(el: Elements, texts: dict[str, str], threshold: float = THRESHOLD, top_k: int = TOP_K,
               floor: float = FLOOR, evidence_threshold: float = EVIDENCE_THRESHOLD,
               figures: dict[str, list[NodeRecord]] | None = None) -> list[CaseCandidate]:
    """Every case study's links, strongest first per case (settings default to the chosen ones)."""
    out: list[CaseCandidate] = []
    cases = el.kg.of_type("CaseStudy")
    if figures is None:
        ev_of = el.kg.edges("hasEvidence")
        figures = {c.id: [el.kg.nodes[e] for e in ev_of.get(c.id, []) if e in el.kg.nodes] for c in cases}
    per_case = [(c, _sentences(c, texts)) for c in cases]
    flat = [s for _, sents in per_case for s, _ in sents]
    use_vectors = bool(flat) and el.embedder is not None and bool(el.records)
    if use_vectors:
        vecs = el.encode(flat)
        views, rows = _element_views(el)
    i = 0
    for case, sents in per_case:
        chosen: dict[str, CaseCandidate] = {}
        for text, span in sents:
            for m in el.mentioned(text, el.records):
                chosen.setdefault(m.id, CaseCandidate(
                    case.id, m.id, "explicit", EXPLICIT_WEIGHT, text, span, [span],
                    f"the case names the element ('{m.label}') in this sentence"))
        if use_vectors and sents:
            sims = _per_element(views @ vecs[i:i + len(sents)].T, rows, len(el.records))  # elements × sentences
            block = vecs[i:i + len(sents)]
            best_k = min(BEST_SENTENCES, sims.shape[1])
            top2 = np.argsort(-sims, axis=1)[:, :best_k]
            whole = block.mean(axis=0)
            whole = whole / (np.linalg.norm(whole) or 1.0)
            score = np.take_along_axis(sims, top2, axis=1).mean(axis=1) + CASE_WEIGHT * (el.vectors @ whole)
            top2 = top2[:, :2]  # the link quotes its one or two best sentences
            semantic = []
            for j in np.argsort(-score, kind="stable"):
                n = el.records[int(j)]
                if n.id in chosen:
                    continue
                lim = floor if not semantic and not chosen else threshold
                if score[j] < lim or len(semantic) + len(chosen) >= top_k:
                    break
                idx = [int(x) for x in top2[j]]
                semantic.append(CaseCandidate(
                    case.id, n.id, "semantic", round(float(score[j]), 4), _quote(sents, idx), sents[idx[0]][1],
                    [sents[x][1] for x in sorted(idx)],
                    f"these sentences, and the case as a whole, say in other words what '{n.label}' says "
                    f"(meaning score {score[j]:.2f}, threshold {threshold:.2f})"))
            for c in semantic:
                chosen[c.element] = c
            _evidence_links(el, case, sents, sims, figures.get(case.id, []), chosen, evidence_threshold)
        i += len(sents)
        out.extend(sorted(chosen.values(), key=lambda c: -c.weight))
    return out


def _holding(sents, starts: list[int], fig: NodeRecord) -> int | None:
    """The case sentence overlapping one of the figure's sentences (found by bisection, not by a scan)."""
    for src in fig.sources:
        k = max(0, bisect_right(starts, src.start) - 1)
        for j in (k, k + 1):
            if j < len(sents):
                sp = sents[j][1]
                if sp.doc_id == src.doc_id and src.start < sp.end and sp.start < src.end:
                    return j
    return None


def _evidence_links(el: Elements, case: NodeRecord, sents, sims: np.ndarray, figs: list[NodeRecord],
                    chosen: dict[str, CaseCandidate], threshold: float) -> None:
    """A figure's sentence closest to an outcome or impact: the case's evidence for it."""
    pool = [k for k, n in enumerate(el.records) if n.type in EVIDENCE_CLASSES]
    if not pool:
        return
    starts = [sp.start for _, sp in sents]  # sentences are in text order
    for fig in figs:
        if not _RESULT.search(fig.figure):
            continue  # a date or a duration is no evidence of an outcome
        # the case sentence holding the figure's sentence (a list item's case starts after the item's name)
        k = _holding(sents, starts, fig)
        if k is None:
            continue
        col = sims[pool, k]
        j = pool[int(col.argmax())]
        best = float(col.max())
        n = el.records[j]
        if best < threshold:
            continue
        old = chosen.get(n.id)
        if old is not None and old.basis != "semantic":
            continue
        if old is not None and old.weight >= best and old.basis == "evidence":
            continue
        chosen[n.id] = CaseCandidate(
            case.id, n.id, "evidence", round(max(best, old.weight if old else 0.0), 4), sents[k][0], sents[k][1],
            [sents[k][1]],
            f"the figure '{fig.figure}' is evidence for '{n.label}': its sentence is about what that "
            f"{n.type.lower()} describes (meaning similarity {best:.2f})", fig.figure, fig.id)

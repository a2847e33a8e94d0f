"""Case links: which model elements a case study illustrates, each with the one or two sentences that show it.

Sentence by sentence: every sentence of the case is compared with each linkable element's several texts
(``CaseSettings.views``: its label, label and explainer, alternative labels, each explainer sentence,
its stage's definition), pooled per sentence. An element's score is the mean of its best sentences
plus a weight times the similarity of the whole case (the mean of its sentence vectors) to the element,
so a case illustrates what several of its sentences, and the case as a whole, are about rather than
what one sentence resembles.

* **explicit** — a sentence writes an element's name (``Elements.mentioned``);
* **semantic** — the element's score clears the threshold; at most ``top_k`` per case;
* **evidence** — a sentence holding a figure (an ``Evidence`` of the case) is closest to an outcome
  or impact and clears the evidence threshold: "£1.90 of every £1 stays local" → income retained.

A case whose best match falls short of the threshold keeps that one if it clears the floor. Every
setting was chosen on tests/eval/cases/dev only (``python -m bench.cases --trials --sweep``); the test
half is reported, never tuned on. Each link carries a plain-words reason.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np

from graph.records import NodeRecord
from graph.stages import stage
from graph.text.sentences import sentences
from graph.text.tokens import tokens
from ingest.links import case_model
from ingest.links.examples import load_case_examples
from ingest.links.match import Elements, element_text
from ingest.links.rationale import STOP, strength_words
from ingest.model import Span


@dataclass(frozen=True)
class CaseSettings:
    """How case sentences are scored against elements, and which elements a case keeps. One object, so the
    benchmark's trials (``python -m bench.cases --trials``) and the build run the same code."""

    threshold: float = 0.45
    top_k: int = 2
    floor: float = 0.35  # a case with no match over the threshold still keeps its single best one above this
    evidence_threshold: float = 0.45
    # an element's vectors: "label", "text" (label: explainer), "alt" (its summary-table wordings), "sentences"
    # (each sentence of its explainer), "stage" (its stage's skos:definition), "assumptions" (its stage's
    # assumptions); "max" takes the closest of them per case sentence, "mean" their average
    views: tuple[str, ...] = ("label", "text", "alt")
    pool: str = "max"
    best_sentences: int = 3  # an element's score: the mean of its best case sentences …
    case_weight: float = 0.5  # … plus this times the whole case's similarity to it
    title_in_whole: bool = False  # the case's title counts as one more sentence of the whole case
    # hub correction: "mean" subtracts, "z" divides out, each element's similarity to the seed passages'
    # sentences, so an element that resembles every sentence needs more to be chosen
    hub: str = "none"
    lexical_weight: float = 0.0  # BM25 over stemmed words (max-normalised per case), added to the score
    diversity: float = 0.0  # taken off the other elements of a stage each time one of that stage is chosen
    # example sentences (ingest/links/examples.yaml): a case sentence's similarity to an element is this share
    # its closeness to the element's examples (the mean of its ``example_top`` nearest) and the rest its
    # closeness to the element's own texts; an element without examples keeps its own texts' score
    example_weight: float = 0.0
    example_top: int = 3
    # take off, per case sentence, its mean closeness to every element's examples: a sentence like all of
    # them says little about any one
    example_center: bool = False
    # the learned linker (case_model.py): its five signals mixed by fitted weights choose the semantic links,
    # when a model made with this encoder for these elements is there; None: the fitted threshold
    learned: bool = False
    learned_threshold: float | None = None


# Chosen on tests/eval/cases/dev (11 cases), bench/results/cases.md: round one of the trials picked the richer
# views averaged, round two the two best sentences; then threshold × cap
SETTINGS = CaseSettings(views=("label", "text", "alt", "sentences", "stage"), pool="mean", best_sentences=2, top_k=3,
                        learned=True)
# The example signal of the learned linker (case_model.py): the case's sentences against the element's example
# sentences alone, the mean of the 3 nearest, less what a sentence shares with every element's examples
EXAMPLE_SETTINGS = replace(SETTINGS, example_weight=1.0, example_top=3, example_center=True)
THRESHOLD, TOP_K, FLOOR = SETTINGS.threshold, SETTINGS.top_k, SETTINGS.floor
EVIDENCE_THRESHOLD = SETTINGS.evidence_threshold
# A result figure: money, a share, or a count of things (not a date or a duration)
_RESULT = re.compile(r"£|%|\bper ?cent\b|\d[\d,.]*\s+(?:new\s+)?(?!financial\b|years?\b|months?\b|weeks?\b|days?\b)"
                     r"[a-z][\w-]*s\b")
EXPLICIT_WEIGHT = 0.9
ATTACHED = ("Assumption", "Foundation")  # what a case link to reads as evidence for (not an example of)
# The nodes no causal arrow joins: a case may illustrate them too, but no judge has linked one yet, so they
# never take one of a case's element places (the elements' own model decides those); beside them a case shows at
# most KIND_CAP of them: its best, when on the case's words alone (``Learned.words``) it ranks among the case's
# top_k of every node (``_choose_kind``)
OTHER_KINDS = ("Vision", "Purpose", *ATTACHED)
KIND_CAP = 1
# A link's reason leads with a sentence no stronger link of its case leads with, when the classifier gives that
# sentence at least this share of the best one's (``_showing``)
FRESH_LEAD = 0.5
EVIDENCE_CLASSES = ("Outcome", "Impact")
BM25_K1, BM25_B = 1.2, 0.75
# A figure's sentence is matched to an outcome on the element's own wordings, the closest of them: one sentence
# against one claim, whatever the case-level scoring uses (its threshold was chosen on these)
EVIDENCE_VIEWS = ("label", "text", "alt")


@dataclass
class CaseCandidate:
    """A proposed case link (case → element) before it is written as an ep:CaseLink; like ``Candidate``, a
    proposal, not a ``LinkRecord``: it holds the sentences' ``Span``s and the figure and Evidence node an
    evidence link stands on, which the writer turns into triples."""

    case: str
    element: str
    basis: str  # explicit | semantic | evidence | curated (links.yaml, see stage._apply_curated_cases)
    weight: float
    evidence: str
    span: Span | None
    spans: list[Span] = field(default_factory=list)  # the one or two sentences that show it
    reason: str = ""
    figure: str = ""
    evidence_id: str = ""  # the Evidence node behind an evidence link
    author: str = ""  # who decided a curated link
    rationale: str = ""  # the reason in one line of plain words (ep:rationale); ``reason`` keeps the numbers


@dataclass(frozen=True)
class FigureSupport:
    """An evidence figure and the outcome or impact its sentence speaks to (ep:evidenceFor), for every figure of
    a case, whether or not it also makes a case link: the element whose own wording is closest in meaning to
    the figure's sentence, and why, in plain words (ep:rationale on the Evidence node)."""

    evidence_id: str
    element: str
    similarity: float
    rationale: str


@dataclass
class CaseScores:
    """One case's sentences, each element's similarity to each of them, and each element's score."""

    case: NodeRecord
    sentences: list[tuple[str, Span]]
    sims: np.ndarray  # elements × sentences (pooled over the element's views, hub-corrected when asked)
    score: np.ndarray  # elements
    best: np.ndarray  # elements × 2: the two sentences each element's link quotes
    figure_sims: np.ndarray | None = None  # elements × sentences on EVIDENCE_VIEWS, the closest (for figures)
    examples: list[str] = field(default_factory=list)  # per element: its example closest to its best sentence


def _sentences(case: NodeRecord, texts: dict[str, str]) -> list[tuple[str, Span]]:
    out = []
    for s in case.sources:
        if s.role == "mention" or s.start < 0 or s.doc_id not in texts:
            continue
        text = texts[s.doc_id]
        for a, b in sentences(text, s.start, s.end):
            out.append((" ".join(text[a:b].split()), Span(s.doc_id, a, b, s.section, -1, role="evidence")))
    return out


def _split(text: str) -> list[str]:
    return [" ".join(text[a:b].split()) for a, b in sentences(text)]


def _view_texts(el: Elements, n: NodeRecord, views: tuple[str, ...]) -> list[str]:
    """The texts an element is compared by (see ``CaseSettings.views``)."""
    out: list[str] = []
    for v in views:
        if v == "label":
            out.append(n.label)
        elif v == "text":
            out.append(element_text(n))
        elif v == "alt":
            out.extend(n.alt_labels)
        elif v == "sentences" and n.text and n.text != n.label:
            out.extend(f"{n.label}: {x}" for x in _split(n.text))
        elif v == "stage" and n.stage and n.type not in ATTACHED:  # a stage says what its elements are
            out.append(stage(n.stage).definition)
        elif v == "assumptions":
            ids = el.kg.edges("underpinnedBy").get(n.id, [])
            out.extend(el.kg.nodes[a].text for a in ids if a in el.kg.nodes)
    return [t for t in dict.fromkeys(out) if t.strip()]


def _element_views(el: Elements, views: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Vectors of every element's texts and the element row of each."""
    texts, rows = [], []
    for i, n in enumerate(el.records):
        for t in _view_texts(el, n, views):
            texts.append(t)
            rows.append(i)
    return el.encode(texts), np.asarray(rows)


def _per_element(sims_views: np.ndarray, rows: np.ndarray, n: int, pool: str = "max") -> np.ndarray:
    """views × sentences -> elements × sentences: the best (or the mean) of each element's texts."""
    if pool == "mean":
        out = np.zeros((n, sims_views.shape[1]), dtype="float32")
        np.add.at(out, rows, sims_views)
        return out / np.maximum(np.bincount(rows, minlength=n), 1)[:, None]
    out = np.full((n, sims_views.shape[1]), -1.0, dtype="float32")
    np.maximum.at(out, rows, sims_views)
    return out


@dataclass
class _Examples:
    """Every element's example sentences, encoded once: vectors, texts, and each element's rows."""

    vectors: np.ndarray
    texts: list[str]
    groups: list[np.ndarray | None]  # per element (``Elements.records`` order); None: it has no examples

    def sims(self, block: np.ndarray, fallback: np.ndarray, top: int) -> np.ndarray:
        """elements × vectors of ``block``: the mean of each element's ``top`` nearest examples."""
        s = self.vectors @ block.T
        out = fallback.copy()
        for j, idx in enumerate(self.groups):
            if idx is not None:
                m = min(top, len(idx))
                out[j] = np.partition(s[idx], len(idx) - m, axis=0)[len(idx) - m:].mean(axis=0)
        return out

    def nearest(self, j: int, vec: np.ndarray) -> str:
        idx = self.groups[j]
        return "" if idx is None else self.texts[int(idx[int(np.argmax(self.vectors[idx] @ vec))])]


def _examples(el: Elements) -> _Examples | None:
    known = load_case_examples()
    texts: list[str] = []
    groups: list[np.ndarray | None] = []
    for n in el.records:
        items = known.get(n.id, ())
        groups.append(np.arange(len(texts), len(texts) + len(items)) if items else None)
        texts.extend(items)
    if not texts:
        return None
    digest = case_model.examples_digest(texts)
    for model in (case_model.load(), case_model.load(case_model.KINDS_JSON)):  # the elements', every kind's
        if (model is not None and model.example_vectors is not None and el.embedder is not None
                and model.encoder == getattr(el.embedder, "id", None) and model.examples_digest == digest):
            return _Examples(model.example_vectors, texts, groups)  # the vectors the fit made of these very texts
    return _Examples(el.encode(texts), texts, groups)


def _background(el: Elements, texts: dict[str, str]) -> list[str]:
    """Every sentence of the seed corpus's passages and insights (the documents that hold no case study):
    what an element's similarity to ordinary model prose looks like."""
    case_docs = {s.doc_id for c in el.kg.of_type("CaseStudy") for s in c.sources}
    out = []
    for n in el.kg.of_type("Passage", "Insight"):
        if n.sources and n.sources[0].doc_id not in case_docs:
            out.extend(x for x in _split(n.text) if len(x) > 30)
    return list(dict.fromkeys(out))


def _bm25(el: Elements, views: tuple[str, ...], queries: list[list[str]]) -> np.ndarray:
    """cases × elements: BM25 of each element's words (its views) for each case's words, max-normalised."""
    docs = [tokens(" ".join(_view_texts(el, n, views))) for n in el.records]
    avg = sum(len(d) for d in docs) / max(1, len(docs))
    df = Counter(t for d in docs for t in set(d))
    idf = {t: math.log(1 + (len(docs) - f + 0.5) / (f + 0.5)) for t, f in df.items()}
    tfs = [Counter(d) for d in docs]
    out = np.zeros((len(queries), len(docs)), dtype="float32")
    for i, q in enumerate(queries):
        for j, (d, tf) in enumerate(zip(docs, tfs, strict=True)):
            norm = BM25_K1 * (1 - BM25_B + BM25_B * len(d) / (avg or 1))
            out[i, j] = sum(idf[t] * tf[t] * (BM25_K1 + 1) / (tf[t] + norm) for t in set(q) if t in tf)
        top = out[i].max()
        if top > 0:
            out[i] /= top
    return out


def score_cases(el: Elements, texts: dict[str, str], settings: CaseSettings = SETTINGS,
                figure_el: Elements | None = None) -> list[CaseScores]:
    """Every case study's sentences scored against every element (see ``CaseSettings``). ``figure_el``: the
    encoder a figure's sentence is compared with the outcomes and impacts on (``figure_sims``), the one
    ``evidence_threshold`` was chosen on; default ``el``."""
    fel = figure_el if figure_el is not None and figure_el.embedder is not None else el
    if len(fel.records) != len(el.records):
        raise ValueError("figure_el must hold the same elements as el")
    cases = el.kg.of_type("CaseStudy")
    per_case = [(c, _sentences(c, texts)) for c in cases]
    flat = [s for _, sents in per_case for s, _ in sents]
    n = len(el.records)
    if not flat or el.embedder is None or not n:
        return [CaseScores(c, sents, np.zeros((n, len(sents))), np.zeros(n), np.zeros((n, 0), dtype=int))
                for c, sents in per_case]
    vecs = el.encode(flat)
    fvecs = vecs if fel is el else fel.encode(flat)
    fviews, frows = _element_views(fel, EVIDENCE_VIEWS)
    titles = el.encode([c.label for c, _ in per_case]) if settings.title_in_whole else None
    views, rows = _element_views(el, settings.views)
    whole_views = el.vectors
    shift, scale, whole_shift, whole_scale = np.zeros((n, 1)), np.ones((n, 1)), np.zeros(n), np.ones(n)
    if settings.hub != "none":
        bg = _background(el, texts)
        if bg:
            bvec = el.encode(bg)
            b = _per_element(views @ bvec.T, rows, n, settings.pool)
            bw = whole_views @ bvec.T
            shift, whole_shift = b.mean(axis=1, keepdims=True), bw.mean(axis=1)
            if settings.hub == "z":  # in units of the average element's spread, so thresholds keep their scale
                sd, wsd = b.std(axis=1, keepdims=True), bw.std(axis=1)
                scale, whole_scale = sd / sd.mean(), wsd / wsd.mean()
    ex = _examples(el) if settings.example_weight else None
    a = settings.example_weight if ex is not None else 0.0
    lexical = None
    if settings.lexical_weight:
        lexical = _bm25(el, settings.views, [tokens(" ".join(s for s, _ in sents)) for _, sents in per_case])
    out, i = [], 0
    for k, (case, sents) in enumerate(per_case):
        if not sents:
            out.append(CaseScores(case, sents, np.zeros((n, 0)), np.zeros(n), np.zeros((n, 0), dtype=int)))
            continue
        block, fblock = vecs[i:i + len(sents)], fvecs[i:i + len(sents)]
        i += len(sents)
        sims = (_per_element(views @ block.T, rows, n, settings.pool) - shift) / scale  # elements × sentences
        whole = block.mean(axis=0) if titles is None else np.vstack([block, titles[k]]).mean(axis=0)
        whole = whole / (np.linalg.norm(whole) or 1.0)
        whole_sim = (whole_views @ whole - whole_shift) / whole_scale
        if ex is not None:
            ex_sims = ex.sims(block, sims, settings.example_top)
            if settings.example_center:
                ex_sims = ex_sims - ex_sims.mean(axis=0, keepdims=True) + ex_sims.mean()
            sims = (1 - a) * sims + a * ex_sims
            whole_ex = ex.sims(whole[None, :], whole_sim[:, None], settings.example_top)[:, 0]
            whole_sim = (1 - a) * whole_sim + a * whole_ex
        order = np.argsort(-sims, axis=1)
        best_k = min(settings.best_sentences, sims.shape[1])
        top = np.take_along_axis(sims, order[:, :best_k], axis=1).mean(axis=1)
        score = top + settings.case_weight * whole_sim
        if lexical is not None:
            score = score + settings.lexical_weight * lexical[k]
        figure_sims = _per_element(fviews @ fblock.T, frows, n, "max")
        near = [ex.nearest(j, block[order[j, 0]]) for j in range(n)] if ex is not None else []
        out.append(CaseScores(case, sents, sims, score, order[:, :2], figure_sims, near))
    return out


@dataclass
class Learned:
    """One case's learned scores: each element's probability, each sentence's classifier chance, and the
    judged cases most like it (for the reason a link gives)."""

    p: np.ndarray  # elements
    rows: np.ndarray  # elements × case_model.FEATURES
    words: np.ndarray  # elements: the mix on the case's words alone, no prior (``case_model.words_only``)
    sentence_p: np.ndarray  # sentences × elements
    near: np.ndarray  # indices of model.cases, nearest first


def other_kinds(el: Elements) -> np.ndarray:
    """Per node of ``el``: True for a vision, purpose, assumption or foundation (``OTHER_KINDS``)."""
    return np.asarray([n.type in OTHER_KINDS for n in el.records], dtype=bool)


def _model_for(el: Elements, model: case_model.CaseModel | None = None) -> case_model.CaseModel | None:
    """The fitted model (the shipped one unless given) when it was made with this encoder for exactly these
    elements, else None: the definition score alone links the cases then."""
    model = model if model is not None else case_model.load()
    if model is None or el.embedder is None or model.encoder != getattr(el.embedder, "id", None):
        return None
    return model if model.elements == [n.id for n in el.records] else None


def learned_scores(el: Elements, scored: list[CaseScores], model: case_model.CaseModel,
                   texts: dict[str, str]) -> dict[str, Learned]:
    """Every case's probabilities under the fitted model (``case_model``), by case id."""
    examples = {c.case.id: c.score for c in score_cases(el, texts, EXAMPLE_SETTINGS)}
    labels, rate = model.labels, case_model.base_rate(model.labels)
    out: dict[str, Learned] = {}
    for cs in scored:
        if not cs.sentences:
            continue
        vecs = el.encode([t for t, _ in cs.sentences])
        whole = vecs.mean(axis=0)
        whole = whole / (np.linalg.norm(whole) or 1.0)
        sp = case_model.classify(vecs, model.classifier_w, model.classifier_b)
        sim, near = case_model.similar_cases(whole, model.case_vectors, labels, model.neighbours, model.temperature)
        rows = case_model.feature_rows(cs.score, examples[cs.case.id], sp, sim, rate)
        words = case_model.probability(case_model.words_only(rows), model.weights, model.mean, model.scale)
        out[cs.case.id] = Learned(case_model.probability(rows, model.weights, model.mean, model.scale), rows,
                                  words, sp, near)
    return out


# words that only announce an example ("An example of this is X …"): the reason already says what it is an example of
_SIGNPOST = re.compile(r"^(?:(?:an?|one|another|a good|a further) (?:example|instance) of (?:this|that|which) "
                       r"(?:is|was|would be|can be seen in)|for (?:example|instance)|e\.g\.)[,:]?\s+", re.I)


def _clause(sentence: str, figure: str = "", words: int = 28) -> str:
    """The words of a sentence a one-line reason quotes: the clause holding the figure (or the sentence's first
    clause), without its closing stop, cut to about ``words`` words."""
    s = _SIGNPOST.sub("", " ".join(sentence.split()).rstrip(" ."), count=1)
    parts = [p for p in re.split(r";\s+|:\s+|,\s+(?:and|but|while|which)\s+", s) if p.strip()]
    if figure:
        s = next((p for p in parts if figure in p), s)
    ws = s.split()
    s = " ".join(ws[:words]) + (" …" if len(ws) > words else "")
    first = s.split(" ", 1)[0]
    if first.lower() in STOP or first.lower() in {"today", "according", "participants", "over", "since", "one"}:
        s = first.lower() + s[len(first):]
    return s


def plain_reason(basis: str, sentence: str, label: str, figure: str = "", kind: str = "") -> str:
    """One line a person reads: what the case says, then what that makes it ("the case says its coaching gave
    seven volunteers the confidence to run a business: an example of ‘Relational approaches’"). A case that
    illustrates an assumption is evidence for it; one that illustrates a foundation, the vision or the purpose
    shows it at work."""
    said = _clause(sentence, figure)
    label = label.strip("'‘’\" ")
    if basis == "explicit":
        return f"the case names ‘{label}’: {said}"
    if basis == "evidence":
        return f"the case reports {figure}: {said} — evidence for ‘{label}’"
    if kind == "Assumption":
        return f"the case says {said}: evidence for the assumption ‘{label}’"
    if kind == "Foundation":
        return f"the case says {said}: the foundation ‘{label}’ at work"
    if kind in ("Vision", "Purpose"):
        return f"the case says {said}: the model's {kind.lower()} at work"
    return f"the case says {said}: an example of ‘{label}’"


def _kind_reason(n: NodeRecord, j: int, lc: Learned, model: case_model.CaseModel) -> str:
    share, even = float(lc.sentence_p[:, j].mean()), 1.0 / len(model.elements)
    rank = int((lc.words > lc.words[j]).sum()) + 1
    return (f"on this case's words alone, the {n.type.lower()} '{n.label}' ranks {rank} of "
            f"{len(model.elements)} (chance {lc.words[j]:.2f}; no judged case study links to a "
            f"{n.type.lower()} yet, so no prior counts): its sentences say what it says (similarity "
            f"{lc.rows[j, 0]:.2f}); a classifier trained on its examples and on judged case studies gives it "
            f"{share:.0%} of this case's sentences (an even share is {even:.0%})")


def _learned_reason(n: NodeRecord, j: int, lc: Learned, model: case_model.CaseModel, threshold: float) -> str:
    labels = model.labels
    near = [int(i) for i in lc.near if labels[i, j]]
    k = len(lc.near)
    verb = "illustrates" if len(near) == 1 else "illustrate"
    alike = (f"{len(near)} of the {k} judged case studies most like this one {verb} it "
             f"(closest: '{model.cases[near[0]].title}'{_at(model.cases[near[0]].source_url)})" if near else
             f"none of the {k} judged case studies most like this one illustrates it")
    share, even = float(lc.sentence_p[:, j].mean()), 1.0 / len(model.elements)
    return (f"chance {lc.p[j]:.2f} (threshold {threshold:.2f}) that this case illustrates '{n.label}': its sentences "
            f"say what the element says (similarity {lc.rows[j, 0]:.2f}); a classifier trained on the element's "
            f"examples and on judged case studies gives it {share:.0%} of this case's sentences (an even share is "
            f"{even:.0%}); {alike}; {int(labels[:, j].sum())} of {len(model.cases)} judged case studies illustrate it")


def _at(url: str) -> str:
    return f", {url}" if url else ""


def _quote(sents, idx: list[int]) -> str:
    """The sentences in text order; two that are not next to each other in the case are joined by " … ", so the
    quote never reads as one passage the document does not have."""
    order = sorted(idx)
    out = sents[order[0]][0] if order else ""
    for a, b in zip(order, order[1:], strict=False):
        out += (" " if b == a + 1 else " … ") + sents[b][0]
    return out


def _choose(score: np.ndarray, el: Elements, taken: set[str], settings: CaseSettings) -> list[int]:
    """Elements in the order they are chosen: the best first; with ``diversity``, each choice lowers the rest
    of its stage, so a case's links spread over the model when the scores are close."""
    left = score.astype("float64").copy()
    stages = np.asarray([n.stage for n in el.records])
    chosen: list[int] = []
    limit = settings.top_k - len(taken)
    while len(chosen) < limit:
        for j, n in enumerate(el.records):
            if n.id in taken:
                left[j] = -np.inf
        j = int(np.argmax(left))
        lim = settings.floor if not chosen and not taken else settings.threshold
        if not np.isfinite(left[j]) or score[j] < lim:
            break
        chosen.append(j)
        left[j] = -np.inf
        if settings.diversity:
            left[stages == stages[j]] -= settings.diversity
    return chosen


def link_cases(el: Elements, texts: dict[str, str], settings: CaseSettings = SETTINGS,
               figures: dict[str, list[NodeRecord]] | None = None,
               supports: list[FigureSupport] | None = None,
               figure_el: Elements | None = None, kinds: Elements | None = None) -> list[CaseCandidate]:
    """Every case study's links, strongest first per case (settings default to the chosen ones). Given a list
    as ``supports``, every evidence figure's outcome or impact is added to it (``FigureSupport``).
    ``figure_el``: the encoder figures are matched to outcomes on (``score_cases``); default ``el``.
    ``kinds``: every kind of node a case may illustrate (``match.CASE_CLASSES``, same encoder as ``el``); given,
    a case may show one vision, purpose, assumption or foundation beside its element links (``_choose_kind``),
    which ``el``'s elements, model and threshold decide exactly as without it."""
    out: list[CaseCandidate] = []
    cases = el.kg.of_type("CaseStudy")
    if figures is None:
        ev_of = el.kg.edges("hasEvidence")
        figures = {c.id: [el.kg.nodes[e] for e in ev_of.get(c.id, []) if e in el.kg.nodes] for c in cases}
    scored = score_cases(el, texts, settings, figure_el)
    use_vectors = el.embedder is not None and bool(el.records)
    model = _model_for(el) if settings.learned and use_vectors else None
    learned = learned_scores(el, scored, model, texts) if model is not None else {}
    kind_model = (_model_for(kinds, case_model.load(case_model.KINDS_JSON))
                  if kinds is not None and model is not None else None)
    kind_learned = (learned_scores(kinds, score_cases(kinds, texts, settings), kind_model, texts)
                    if kind_model is not None else {})
    for cs in scored:
        case, sents = cs.case, cs.sentences
        chosen: dict[str, CaseCandidate] = {}
        for text, span in sents:
            for m in el.mentioned(text, el.records):
                chosen.setdefault(m.id, CaseCandidate(
                    case.id, m.id, "explicit", EXPLICIT_WEIGHT, text, span, [span],
                    f"the case names the element ('{m.label}') in this sentence",
                    rationale=plain_reason("explicit", text, m.label)))
        if case.id in learned:
            _choose_learned(el, cs, learned[case.id], model, chosen, settings)
        if use_vectors and sents and case.id not in learned:
            for j in _choose(cs.score, el, set(chosen), settings):
                n = el.records[j]
                idx = [int(x) for x in cs.best[j]]
                like = f", and read like its example '{cs.examples[j]}'" if cs.examples and cs.examples[j] else ""
                chosen[n.id] = CaseCandidate(
                    case.id, n.id, "semantic", round(float(cs.score[j]), 4), _quote(sents, idx), sents[idx[0]][1],
                    [sents[x][1] for x in sorted(idx)],
                    f"these sentences, and the case as a whole, say in other words what '{n.label}' says{like} "
                    f"(score {cs.score[j]:.2f}, threshold {settings.threshold:.2f})",
                    rationale=plain_reason("semantic", sents[idx[0]][0], n.label))
        if use_vectors and sents:
            _evidence_links(el, case, sents, cs.figure_sims, figures.get(case.id, []), chosen,
                            settings.evidence_threshold, supports)
        if case.id in kind_learned:
            _choose_kind(kinds, cs, kind_learned[case.id], kind_model, chosen, settings)
        out.extend(sorted(chosen.values(), key=lambda c: -c.weight))
    return out


def _choose_learned(el: Elements, cs: CaseScores, lc: Learned, model: case_model.CaseModel,
                    chosen: dict[str, CaseCandidate], settings: CaseSettings) -> None:
    """The learned links: the most likely element always, then the next while they reach the threshold, up to
    ``top_k`` with the explicit ones; each quotes the two sentences the classifier reads as showing it most."""
    threshold = model.threshold if settings.learned_threshold is None else settings.learned_threshold
    sents = cs.sentences
    taken = frozenset(el.index[i] for i in chosen if i in el.index)
    for j in case_model.keep(lc.p, threshold, settings.top_k, taken):
        n = el.records[j]
        idx = _showing(lc.sentence_p[:, j], sents, chosen)
        chosen[n.id] = CaseCandidate(
            cs.case.id, n.id, "semantic", round(float(lc.p[j]), 4), _quote(sents, idx), sents[idx[0]][1],
            [sents[x][1] for x in sorted(idx)], _learned_reason(n, j, lc, model, threshold),
            rationale=plain_reason("semantic", sents[idx[0]][0], n.label))


def _showing(share: np.ndarray, sents, chosen: dict[str, CaseCandidate]) -> list[int]:
    """The two sentences that show a node most (by the classifier's ``share`` of each sentence for it), led by
    one no stronger link of this case already leads with, when the classifier gives it at least
    ``FRESH_LEAD`` of the best sentence's share: each link's one-line reason then says something of its own."""
    order = [int(x) for x in np.argsort(-share, kind="stable")]
    led = {c.span for c in chosen.values() if c.span is not None}
    lead = next((i for i in order if sents[i][1] not in led and share[i] >= FRESH_LEAD * share[order[0]]), order[0])
    return [lead, *[i for i in order if i != lead][:1]]


def _choose_kind(kinds: Elements, cs: CaseScores, lc: Learned, model: case_model.CaseModel,
                 chosen: dict[str, CaseCandidate], settings: CaseSettings) -> None:
    """Beside the element links, at most ``KIND_CAP`` vision, purpose, assumption or foundation: the case's best
    of them when, on its words alone (``Learned.words`` under the model fitted over every kind,
    ``case_model_kinds.json``), it ranks among the case's ``top_k`` of all the nodes. No judge has linked a case
    to one of them, so no threshold is tuned and no prior counts; each quotes the two sentences the classifier
    reads as showing it most."""
    other = other_kinds(kinds)
    top = set(np.argsort(-lc.words, kind="stable")[:settings.top_k].tolist())
    sents = cs.sentences
    for j in np.argsort(-np.where(other, lc.words, -np.inf), kind="stable")[:KIND_CAP]:
        j = int(j)
        n = kinds.records[j]
        if not other[j] or j not in top or n.id in chosen:
            continue
        idx = _showing(lc.sentence_p[:, j], sents, chosen)
        chosen[n.id] = CaseCandidate(
            cs.case.id, n.id, "semantic", round(float(lc.words[j]), 4), _quote(sents, idx), sents[idx[0]][1],
            [sents[x][1] for x in sorted(idx)], _kind_reason(n, j, lc, model),
            rationale=plain_reason("semantic", sents[idx[0]][0], n.label, kind=n.type))


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
                    chosen: dict[str, CaseCandidate], threshold: float,
                    supports: list[FigureSupport] | None = None) -> None:
    """A figure's sentence closest to an outcome or impact: the case's evidence for it (a case link when the
    similarity clears ``threshold``; in ``supports`` whatever it is). A sentence that reads only weakly like
    any of them (under ``threshold``) is evidence for the closest of the outcomes and impacts the case already
    illustrates, when it illustrates some: a case's figure speaks to what the case shows, and a weak nearest
    match elsewhere read as a contradiction of the case's own links (found uploading a case study)."""
    every = [k for k, n in enumerate(el.records) if n.type in EVIDENCE_CLASSES]
    own = [k for k in every if el.records[k].id in chosen]  # read once: a figure's new link steers no other
    if not every:
        return
    starts = [sp.start for _, sp in sents]  # sentences are in text order
    for fig in figs:
        # the case sentence holding the figure's sentence (a list item's case starts after the item's name)
        k = _holding(sents, starts, fig)
        if k is None:
            continue
        weak = float(sims[every, k].max()) < threshold
        pool = own if own and weak else every
        scope = "the outcomes and impacts this case illustrates" if pool is own else "all outcomes and impacts"
        col = sims[pool, k]
        j = pool[int(col.argmax())]
        best = float(col.max())
        n = el.records[j]
        if supports is not None and fig.type == "Evidence":
            supports.append(FigureSupport(fig.id, n.id, round(best, 4),
                                          _support_reason(fig, sents[k][0], n, col, pool, el, scope)))
        if best < threshold or not _RESULT.search(fig.figure):
            continue  # a case link needs a result figure (money, a share, a count of things) and a close match
        old = chosen.get(n.id)
        if old is not None and old.basis != "semantic":
            continue
        if old is not None and old.weight >= best and old.basis == "evidence":
            continue
        chosen[n.id] = CaseCandidate(
            case.id, n.id, "evidence", round(max(best, old.weight if old else 0.0), 4), sents[k][0], sents[k][1],
            [sents[k][1]],
            f"the figure '{fig.figure}' is evidence for '{n.label}': its sentence is about what that "
            f"{n.type.lower()} describes (meaning similarity {best:.2f})", fig.figure, fig.id,
            rationale=plain_reason("evidence", sents[k][0], n.label, fig.figure))


def _support_reason(fig: NodeRecord, sentence: str, n: NodeRecord, col: np.ndarray, pool: list[int],
                    el: Elements, scope: str = "all outcomes and impacts") -> str:
    """Why a figure is evidence for this outcome or impact, in plain words, with the runner-up for contrast."""
    order = np.argsort(-col)
    second = el.records[pool[int(order[1])]] if len(order) > 1 else None
    than = (f", more than to ‘{second.label}’ ({float(col[order[1]]):.2f})" if second is not None else "")
    return (f"{fig.figure}: its sentence (“{_clause(sentence, fig.figure)}”) reads closest to the "
            f"{n.type.lower()} ‘{n.label}’ of {scope} (similarity {float(col.max()):.2f}, "
            f"{strength_words(float(col.max()))}{than})")

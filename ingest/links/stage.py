"""The link stage of ingest: causal arrows between model elements, and case studies → elements.

Three bases, each written as a reified ep:CausalLink (basis, weight, evidence) plus the projected
``from ep:leadsTo to``:

* **textual** — a document states it (see ``links_textual``); evidence is the sentence, with its span;
* **inferred** — the best semantic matches between successive columns (see ``links_inferred``);
* **curated** — ``corpus/links.yaml`` adds or removes an arrow (see ``curated``); curated always
  wins: it replaces a textual/inferred link on the same pair (and says which), and a removal takes the
  arrow out of the graph whatever its basis.

Assumption attachments (ep:AssumptionAttachment, assumption → the element its words speak about; basis stated,
similar, curated or, as a marked fallback, stage) are made by ``assumptions.attach`` and projected as
``element ep:underpinnedBy assumption``.

Case links (ep:CaseLink, case study → element) are made by ``cases.link_cases``; an entry of links.yaml whose
``from`` is a case study adds one (basis curated, replacing the machine's on that pair) or removes one, after
the machine has linked, so what a person decided about their case is what the graph says. Stage order and
cycles are rules of arrows between elements and do not apply to case links.

Rules every arrow obeys: it never runs backwards in stage order (an arrow within one stage or horizon
is kept only when stated — textual or curated), and the arrows form no cycle. A curated arrow that
breaks either rule is refused with a message in the build's warnings. After linking, every outcome and
impact is checked for an upstream path to a condition or input; those without one are reported.
"""

from __future__ import annotations

import os
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from graph import lookup
from graph.ns import ELEMENT_CLASSES, EP, ID, OA, slug
from graph.records import NodeRecord
from graph.settings import ROOT
from graph.stages import stages
from graph.store import KnowledgeGraph
from ingest import rdf
from ingest.links import assumptions, curated, rationale
from ingest.links.cases import CaseCandidate, FigureSupport, link_cases
from ingest.links.inferred import THRESHOLD, TOP_M, infer
from ingest.links.match import CASE_CLASSES, END_CLASSES, LINKED_CLASSES, ROOT_CLASSES, Candidate, Elements, tier
from ingest.links.textual import TextualLinker
from ingest.model import Span
from ingest.structure import Block

Progress = Callable[[str, int, int], None]
WARN_KEY = "links"  # warnings not tied to a file (e.g. the model could not be loaded)


def link_uri(source: str, target: str) -> URIRef:
    """id/link/<from-slug>--<to-slug>; stage keys 'stage:input' become 'stage-input'."""
    def part(x: str) -> str:
        return x.replace("stage:", "stage-").replace("/", "-")
    return ID[f"link/{part(source)}--{part(target)}"]


def case_link_uri(case: str, element: str) -> URIRef:
    return ID[f"caselink/{case.replace('/', '-')}--{element.replace('/', '-')}"]


def _display(path: Path) -> str:
    p = Path(path).resolve()
    return os.path.relpath(p, ROOT) if p.is_relative_to(ROOT) else str(path)


class Linker:
    """Collects candidates, enforces stage order and acyclicity, and writes the survivors."""

    def __init__(self, kg: KnowledgeGraph):
        self.kg = kg
        elements = kg.of_type(*LINKED_CLASSES)
        self.order = {n.id: n.order for n in elements}
        self.tier = {n.id: tier(n) for n in elements}
        tiers = sorted(set(self.tier.values()))
        self.next_tier = dict(zip(tiers, tiers[1:], strict=False))
        self.accepted: dict[tuple[str, str], Candidate] = {}
        self.dag = nx.DiGraph()
        self.dag.add_nodes_from(self.order)
        self.skipped: list[dict] = []

    def direction_problem(self, c: Candidate) -> str | None:
        a, b = self.order.get(c.source), self.order.get(c.target)
        if a is None or b is None:
            return "only model elements (conditions … impacts) can be linked"
        if b < a:
            return (f"it runs backwards in stage order ({self._where(c.source)} comes after "
                    f"{self._where(c.target)})")
        if b == a and c.basis == "inferred":
            return "inferred links never join two elements of the same column"
        if c.basis == "inferred" or (c.basis == "textual" and not c.named):
            ta, tb = self.tier[c.source], self.tier[c.target]
            if self.next_tier.get(ta) != tb:
                how = "an inferred link" if c.basis == "inferred" else "a paraphrase the text does not name"
                return (f"it is {how} and does not join adjacent stages ({self._where(c.source)} → "
                        f"{self._where(c.target)}); only a link the text states outright may skip a stage")
        return None

    def _where(self, nid: str) -> str:
        n = self.kg.nodes[nid]
        extra = n.horizon or n.scope
        return f"{n.type.lower()}{' (' + extra + ')' if extra else ''} '{n.label}'"

    def cycle_problem(self, c: Candidate) -> str | None:
        if c.key in self.accepted:
            return None
        if c.source == c.target:
            return "an element cannot lead to itself"
        if self.dag.has_node(c.target) and nx.has_path(self.dag, c.target, c.source):
            path = nx.shortest_path(self.dag, c.target, c.source)
            return "it would make a cycle (" + " → ".join(path + [c.target]) + ")"
        return None

    def offer(self, c: Candidate) -> str | None:
        """Accept ``c`` unless it breaks a rule; the refusal reason otherwise."""
        problem = self.direction_problem(c) or self.cycle_problem(c)
        if problem:
            self.skipped.append({"from": c.source, "to": c.target, "basis": c.basis, "why": problem})
            return problem
        old = self.accepted.get(c.key)
        if old is None or c.basis == "curated" or (old.basis == c.basis and c.weight > old.weight):
            if old is not None and c.basis == "curated" and old.basis != "curated":
                c.reason = f"{c.reason} [curated: replaces the {old.basis} link (weight {old.weight:.2f})]"
            self.accepted[c.key] = c
            self.dag.add_edge(*c.key)
        return None

    def remove(self, source: str, target: str) -> str | None:
        old = self.accepted.pop((source, target), None)
        if old is None:
            return None
        self.dag.remove_edge(source, target)
        return old.basis


def add_links(g: Graph, texts: dict[str, str], links_path: Path | None,
              warnings: dict[str, list[str]] | None = None, progress: Progress | None = None,
              blocks: dict[str, list[Block]] | None = None) -> dict:
    """Add causal and case links to ``g`` (in place); return the report ingest keeps in manifest["links"].

    ``blocks`` (doc id -> the extraction's blocks) spare the textual linker from parsing every text again."""
    warnings = warnings if warnings is not None else {}
    step = (lambda label, i: progress(label, i, 6)) if progress else (lambda label, i: None)
    kg = KnowledgeGraph(g)
    # Links between the model's own nodes (stated clauses matched to elements, inferred arrows, assumption
    # attachments) compare the model's texts with each other: they use the published weights, on which their
    # thresholds were chosen against judged links. The fine-tuned encoder is trained to pull a user's words to
    # one node and push every other node away, which is right for case studies (their sentences are users'
    # words) and wrong for how alike two of the model's own texts are.
    embedder, model_id = _embedder(warnings, published=True)
    el = Elements(kg, embedder)
    case_embedder, case_model_id = _embedder(warnings)
    el_cases = el if case_model_id == model_id else Elements(kg, case_embedder)
    linker = Linker(kg)

    step("links textual", 0)
    textual = TextualLinker(el, texts, blocks)
    for c in sorted(textual.find(), key=lambda c: -c.weight):
        linker.offer(c)
    stage_links = _dedupe(textual.stage_statements())

    step("links inferred", 1)
    for c in sorted(infer(el, model_id), key=lambda c: -c.weight):
        if c.key not in linker.accepted:
            linker.offer(c)

    step("links curated", 2)
    curation, curated_report = _load_curated(kg, links_path, warnings)
    _apply_curated(linker, curation, curated_report, warnings)

    step("links write", 3)
    sections = SectionStarts(g)
    _write_links(g, linker.accepted.values(), stage_links, model_id, texts, sections)
    step("links cases", 4)
    supports: list[FigureSupport] = []
    # A figure's sentence is matched to an outcome or impact on the published weights, as the model's own
    # texts are: evidence_threshold was chosen on them (on the fine-tuned encoder the seed's "£2.43 for the
    # local economy for every £1" read 0.43 to "Income is retained…", under the threshold, 0.47 on these).
    # A case may also illustrate the vision, the purpose, an assumption or a foundation (``kinds``): one of them
    # beside the element links, which stay the elements' own model's.
    kinds = Elements(kg, el_cases.embedder, classes=CASE_CLASSES)
    cases = _apply_curated_cases(g, link_cases(el_cases, texts, supports=supports, figure_el=el, kinds=kinds),
                                 curation, curated_report)
    _write_reified(g, map(_case_link, cases), case_model_id, texts, sections)
    _write_supports(g, supports)
    step("links assumptions", 5)
    attached, attach_report = assumptions.attach(kg, el, curation)
    _write_reified(g, (_attachment(x, kg, texts) for x in attached), model_id, texts, sections)
    curated_report["removed"] += attach_report.pop("removed")
    curated_report["added"] += [{"kind": "assumption", "from": x.assumption, "to": x.element, "line": x.line,
                                 "reason": x.reason, "author": x.author} for x in attached if x.basis == "curated"]

    counts = Counter(c.basis for c in linker.accepted.values())
    unreachable = _unreachable(kg, linker.dag)
    ends = kg.of_type(*END_CLASSES)
    return {
        "counts": {b: counts.get(b, 0) for b in ("textual", "inferred", "curated")},
        "total": len(linker.accepted),
        "stage_links": len(stage_links),
        "case_links": dict(Counter(c.basis for c in cases)),
        "curated": curated_report,
        "skipped": [s for s in linker.skipped if s["basis"] != "curated"],
        "reachable": {"outcomes_impacts": len(ends) - len(unreachable), "of": len(ends)},
        "unreachable": unreachable,
        "assumptions": attach_report,
        "model": model_id,
        "case_model": case_model_id,
        "settings": {"inferred_top_m": TOP_M, "inferred_threshold": THRESHOLD},
    }


def _embedder(warnings: dict[str, list[str]], published: bool = False):
    """The serving encoder, or (``published``) the same model with its published weights."""
    try:
        from graph.text.encoder import get_encoder
        from graph.text.model import ModelUnavailable, published_path
    except ImportError as e:
        warnings.setdefault(WARN_KEY, []).append(f"no embedding model ({e}); only textual and curated links")
        return None, ""
    try:
        path = published_path() if published else None
        emb = get_encoder(str(path) if path else None)
        return emb, emb.id
    except ModelUnavailable as e:
        warnings.setdefault(WARN_KEY, []).append(f"{e}; only textual and curated links were made")
        return None, ""


def _dedupe(cands: list[Candidate]) -> list[Candidate]:
    seen: dict[tuple[str, str], Candidate] = {}
    for c in cands:
        seen.setdefault(c.key, c)
    return list(seen.values())


def _resolver(kg: KnowledgeGraph) -> curated.Resolve:
    """A links.yaml end: an element, a case study or an assumption by its id or exact label/title
    (``graph.lookup.find``, no guessing)."""
    pool = {n.id: n for n in kg.of_type(*ELEMENT_CLASSES, curated.CASE, curated.ASSUMPTION)}

    def resolve(text: str | None) -> NodeRecord | None:
        return lookup.find(pool, text) if text else None
    return resolve


NO_LINK = "none (no such link was made)"


def _load_curated(kg: KnowledgeGraph, path: Path | None, warnings) -> tuple[curated.Curation, dict]:
    """links.yaml read and checked (its bad entries in ``warnings`` under the file), and the report it starts.

    Every entry the report lists has ``kind`` (causal | case) and ``line``: the link's source in links.yaml."""
    report: dict = {"file": None, "added": [], "removed": [], "refused": [], "errors": []}
    if not path or not Path(path).exists():
        return curated.Curation(), report
    key = _display(path)
    report["file"] = key
    curation = curated.load(Path(path), _resolver(kg))
    for e in curation.errors:
        warnings.setdefault(key, []).append(e)
    report["errors"] = curation.errors
    return curation, report


def _removed(kind: str, r: curated.Removal, basis: str | None) -> dict:
    return {"kind": kind, "from": r.source, "to": r.target, "reason": r.reason, "author": r.author,
            "line": r.line, "removed_basis": basis or NO_LINK}


def _added(kind: str, c: Candidate) -> dict:
    return {"kind": kind, "from": c.source, "to": c.target, "line": c.line, "reason": c.reason, "author": c.author}


def _apply_curated(linker: Linker, curation: curated.Curation, report: dict, warnings) -> None:
    """The causal entries: removals first, then additions, each checked by the linker's rules."""
    key = report["file"]
    for r in curation.removes:
        report["removed"].append(_removed("causal", r, linker.remove(r.source, r.target)))
    for c in curation.adds:
        problem = linker.offer(c)
        if problem:
            msg = f"line {c.line}: curated link {c.source} → {c.target} refused: {problem}"
            warnings.setdefault(key, []).append(msg)
            report["refused"].append({"kind": "causal", "from": c.source, "to": c.target, "line": c.line,
                                      "why": problem})
        else:
            report["added"].append(_added("causal", c))


def _apply_curated_cases(g: Graph, cases: list[CaseCandidate], curation: curated.Curation,
                         report: dict) -> list[CaseCandidate]:
    """The machine's case links with the case entries of links.yaml applied: a removal drops the link on its pair
    (a plain ``ep:illustrates`` ingest extracted too), an addition replaces it (and its reason says which).
    The result is strongest first per case, as ``link_cases`` returns it."""
    if not curation.case_adds and not curation.case_removes:
        return cases
    made = {(c.case, c.element): c for c in cases}
    for r in curation.case_removes:
        old = made.pop((r.source, r.target), None)
        basis = old.basis if old is not None else None
        pair = (ID[r.source], EP.illustrates, ID[r.target])
        if pair in g:  # extracted by ingest (case → the list item it is the worked example of)
            g.remove(pair)
            basis = basis or "extracted"
        report["removed"].append(_removed("case", r, basis))
    for c in curation.case_adds:
        key = (c.source, c.target)
        old = made.get(key)
        old_basis = old.basis if old is not None else (
            "extracted" if (ID[c.source], EP.illustrates, ID[c.target]) in g else None)
        why = rationale.curated(c.author, c.reason)
        if old_basis not in (None, "curated"):
            weight = f" (weight {old.weight:.2f})" if old is not None else ""
            why = f"{why} [curated: replaces the {old_basis} link{weight}]"
        made[key] = CaseCandidate(c.source, c.target, "curated", c.weight, c.evidence, None, reason=why,
                                  author=c.author)
        report["added"].append(_added("case", c))
    order = {c.case: i for i, c in enumerate(cases)}
    return sorted(made.values(), key=lambda c: (order.get(c.case, len(order)), c.case, -c.weight))


def _node(x: str) -> URIRef:
    return URIRef(next(s.uri for s in stages() if s.key == x[6:])) if x.startswith("stage:") else ID[x]


def _add_common(g: Graph, u: URIRef, c: Candidate) -> None:
    g.add((u, EP.basis, Literal(c.basis)))
    g.add((u, EP.weight, _decimal(c.weight)))
    g.add((u, EP.evidence, Literal(c.evidence)))


def _write_links(g: Graph, links, stage_links: list[Candidate], model_id: str, texts: dict[str, str],
                 sections: SectionStarts) -> None:
    stage_of = {}
    for s in stages():
        stage_of[URIRef(s.uri)] = s.key
    stage_link_uris: dict[tuple[str, str], URIRef] = {}
    for c in stage_links:
        u = link_uri(c.source, c.target)
        stage_link_uris[(c.source[6:], c.target[6:])] = u
        _write_one(g, u, c, model_id, texts, sections)
    for c in links:
        u = link_uri(c.source, c.target)
        _write_one(g, u, c, model_id, texts, sections)
        if c.basis == "inferred":
            a = stage_of.get(g.value(ID[c.source], EP.stage))
            b = stage_of.get(g.value(ID[c.target], EP.stage))
            if (a, b) in stage_link_uris:  # a stage-level statement corroborates this element pair
                g.add((u, PROV.wasInfluencedBy, stage_link_uris[(a, b)]))


def _write_one(g: Graph, u: URIRef, c: Candidate, model_id: str, texts: dict[str, str],
               sections: SectionStarts) -> None:
    a, b = _node(c.source), _node(c.target)
    g.add((u, RDF.type, EP.CausalLink))
    g.add((u, EP.linkFrom, a))
    g.add((u, EP.linkTo, b))
    _add_common(g, u, c)
    g.add((u, EP.rationale, Literal(c.rationale or _rationale(g, c))))
    g.add((a, EP.leadsTo, b))
    if c.span is not None:
        g.add((u, EP.evidenceSource, _span(g, c.span, texts, sections)))
    if c.cue:
        g.add((u, RDFS.comment, Literal(f"cue: {c.cue}")))
    if c.basis == "inferred":
        g.add((u, EP.model, Literal(model_id)))
        g.add((u, PROV.wasGeneratedBy, _activity(g, "semantic-linking", model_id)))
    if c.basis == "curated":
        _attribute(g, u, c.author)
        g.add((u, EP.reason, Literal(c.reason)))


def _attribute(g: Graph, u: URIRef, author: str) -> None:
    """The curator who decided a link, as a prov:Agent the link is attributed to."""
    agent = ID[f"agent/{slug(author)}"]
    g.add((agent, RDF.type, PROV.Agent))
    g.add((agent, RDFS.label, Literal(author)))
    g.add((u, PROV.wasAttributedTo, agent))


def _rationale(g: Graph, c: Candidate) -> str:
    """The one-line reason for a textual or curated arrow (inferred ones bring their own)."""
    if c.basis == "curated":
        return rationale.curated(c.author, c.reason)
    if c.span is not None:
        title = g.value(rdf.doc_uri(c.span.doc_id), DCTERMS.title)
        return rationale.textual(c.evidence, str(title or c.span.doc_id), c.span.section)
    return c.evidence


def _activity(g: Graph, name: str, model_id: str) -> URIRef:
    act = ID[f"provenance/{name}"]  # not under activity/: that prefix is the model's Activity elements
    if (act, RDF.type, PROV.Activity) not in g:
        g.add((act, RDF.type, PROV.Activity))
        g.add((act, RDFS.label, Literal(f"{name.replace('-', ' ')} with the embedding model {model_id}")))
        g.add((act, EP.model, Literal(model_id)))
    return act


class SectionStarts:
    """Each document's section starts, sorted, read once from the graph: finding the section that holds a
    sentence is a bisection, not a scan of everything ``ep:partOf`` the document (quadratic in its size)."""

    def __init__(self, g: Graph):
        self.starts: dict[URIRef, list[int]] = {}
        for sec in g.subjects(RDF.type, EP.Section):
            start = int(g.value(sec, OA.start) or -1)
            if start >= 0:
                for doc in g.objects(sec, EP.partOf):
                    self.starts.setdefault(doc, []).append(start)
        for v in self.starts.values():
            v.sort()

    def holding(self, doc: URIRef, pos: int) -> int:
        """The start of the last section of ``doc`` that begins at or before ``pos``; -1 when none does."""
        starts = self.starts.get(doc, [])
        i = bisect_right(starts, pos)
        return starts[i - 1] if i else -1


def _span(g: Graph, span, texts: dict[str, str], sections: SectionStarts) -> URIRef:
    """The evidence sentence as a SourceSpan, attached to the section that holds it."""
    span = replace(span, section_start=sections.holding(rdf.doc_uri(span.doc_id), span.start))
    return rdf.add_span(g, span, texts[span.doc_id])


@dataclass(frozen=True)
class Reified:
    """One reified link as the graph holds it: its node, class and two ends, how it was made (basis, weight, the
    embedding model or the curator), why (ep:reason), its evidence and the SourceSpans where that stands, further
    literals, and the plain triples it projects to (``ep:illustrates``, ``ep:underpinnedBy``, ``ep:evidenceFor``)."""

    uri: URIRef
    cls: URIRef
    ends: tuple[tuple[URIRef, str], ...]  # (predicate, node id): the link's two ends
    basis: str
    weight: float
    projections: tuple[tuple[str, URIRef, str], ...]  # (subject id, predicate, object id)
    reason: str = ""
    evidence: str | None = None  # ep:evidence (None: the link has none)
    spans: tuple[Span, ...] = ()
    by_model: bool = False  # proposed by the embedding model: ep:model and prov:wasGeneratedBy name it
    author: str = ""  # the curator's name, for a curated link
    literals: tuple[tuple[URIRef, object], ...] = ()  # further (predicate, value) pairs, each written when truthy


def _write_reified(g: Graph, links: Iterable[Reified], model_id: str, texts: dict[str, str],
                   sections: SectionStarts) -> None:
    """Case links and assumption attachments alike: one node per link with its provenance, then its projections."""
    for r in links:
        u = r.uri
        g.add((u, RDF.type, r.cls))
        for p, node in r.ends:
            g.add((u, p, ID[node]))
        g.add((u, EP.basis, Literal(r.basis)))
        g.add((u, EP.weight, _decimal(r.weight)))
        if r.evidence is not None:
            g.add((u, EP.evidence, Literal(r.evidence)))
        for sp in r.spans:
            g.add((u, EP.evidenceSource, _span(g, sp, texts, sections)))
        if r.reason:
            g.add((u, EP.reason, Literal(r.reason)))
        for p, v in r.literals:
            if v or v == 0:
                g.add((u, p, Literal(v)))
        if r.by_model:
            g.add((u, EP.model, Literal(model_id)))
            g.add((u, PROV.wasGeneratedBy, _activity(g, "semantic-linking", model_id)))
        if r.basis == "curated":
            _attribute(g, u, r.author)
        for a, p, b in r.projections:
            g.add((ID[a], p, ID[b]))


def _case_link(c: CaseCandidate) -> Reified:
    """A case study's link to what it illustrates; an evidence figure's, projected as its ``ep:evidenceFor``."""
    also = ((c.evidence_id, EP.evidenceFor, c.element),) if c.evidence_id else ()
    return Reified(case_link_uri(c.case, c.element), EP.CaseLink, ((EP.case, c.case), (EP.element, c.element)),
                   c.basis, c.weight, ((c.case, EP.illustrates, c.element), *also), c.reason, c.evidence,
                   tuple(c.spans or ([c.span] if c.span is not None else [])), c.basis in ("semantic", "evidence"),
                   c.author,
                   # the one line a person reads; ep:reason keeps the numbers (a curator's is plain already)
                   ((EP.rationale, c.rationale), (EP.figure, c.figure)))


def _write_supports(g: Graph, supports: list[FigureSupport]) -> None:
    """Every evidence figure ep:evidenceFor the outcome or impact its sentence speaks to, with why (ep:rationale
    on the Evidence node); the figure's sentence is its ep:text and its source."""
    for s in {s.evidence_id: s for s in reversed(supports)}.values():  # one per figure: its first case's
        g.add((ID[s.evidence_id], EP.evidenceFor, ID[s.element]))
        g.add((ID[s.evidence_id], EP.rationale, Literal(s.rationale)))


def _decimal(w: float) -> Literal:
    """A weight as xsd:decimal in its canonical form ("1", "0.5"), the form every store hands back."""
    return Literal(format(Decimal(str(round(float(w), 4))).normalize(), "f"), datatype=XSD.decimal)


def attachment_uri(assumption: str, element: str) -> URIRef:
    return ID[f"attachment/{assumption.replace('/', '-')}--{element.replace('/', '-')}"]


def _attachment(x: assumptions.Attachment, kg: KnowledgeGraph, texts: dict[str, str]) -> Reified:
    """An assumption's attachment to an element, with its matched words (a SourceSpan where the assumption's
    words stand in its document), projected as ``element ep:underpinnedBy assumption``."""
    span = _in_document(kg.nodes[x.assumption], x, texts) if x.matched else None
    matched = ((EP.matchStart, x.start), (EP.matchEnd, x.end)) if x.matched else ()
    return Reified(attachment_uri(x.assumption, x.element), EP.AssumptionAttachment,
                   ((EP.attachmentOf, x.assumption), (EP.attachedTo, x.element)), x.basis, x.weight,
                   ((x.element, EP.underpinnedBy, x.assumption),), x.reason, x.matched or None,
                   (span,) if span is not None else (), x.basis == "similar", x.author,
                   (*matched, (EP.elementQuote, x.element_quote)))


def _in_document(a: NodeRecord, x: assumptions.Attachment, texts: dict[str, str]) -> Span | None:
    """Where the matched words stand in the assumption's document, when its text there holds them."""
    for s in a.sources:
        body = texts.get(s.doc_id, "")[s.start : s.end]
        if s.role == "mention" or not body:
            continue
        at = body.find(x.matched) if a.text != body else x.start
        if at >= 0:
            return Span(s.doc_id, s.start + at, s.start + at + len(x.matched), role="attachment")
    return None


def _unreachable(kg: KnowledgeGraph, dag: nx.DiGraph) -> list[str]:
    roots = {n.id for n in kg.of_type(*ROOT_CLASSES)}
    out = []
    for n in sorted(kg.of_type(*END_CLASSES), key=lambda n: (n.order, n.id)):
        if not dag.has_node(n.id) or not (nx.ancestors(dag, n.id) & roots):
            out.append(n.id)
    return out

"""Write merged nodes as RDF: ontology classes, SKOS labels, PROV derivation, Web Annotation selectors."""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import wraps

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from graph import stages as st
from graph.ns import EP, ID, OA, bind_prefixes, slug
from ingest.merge import Node
from ingest.metadata import parse_date
from ingest.model import Doc, Span

# In a label these only mislead: direction overrides and isolates reorder what is shown ("evil\u202egnp.exe"),
# zero-width characters make two labels that read the same differ. Quotes keep them (they are the exact text).
_HIDDEN = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u061c\u180e\ufeff]")
QUOTE_CONTEXT = 32  # characters of prefix/suffix kept in a TextQuoteSelector
DATE_TYPES = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}  # by the length of parse_date's ISO text
RELATION = {
    "mentions": EP.mentions,
    "attributedTo": EP.attributedTo,
    "hasEvidence": EP.hasEvidence,
    "illustrates": EP.illustrates,
    "involves": EP.involves,
    "locatedIn": EP.locatedIn,
    "affiliatedWith": EP.affiliatedWith,
}


def label(text: object) -> Literal:
    """A label, title or name as a literal, without the bidirectional and zero-width characters in it."""
    return Literal(_HIDDEN.sub("", str(text)).strip())


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a graph is written: writing allocates millions of
    terms and tuples, none of them in cycles, and every full collection re-walks all of them (40% of the
    time of a large write, measured). Reference counting still frees everything; the collector resumes after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _paused(fn):
    @wraps(fn)
    def run(*a, **k):
        with no_cycle_collection():
            return fn(*a, **k)
    return run


def doc_uri(doc_id: str) -> URIRef:
    return ID[f"doc/{doc_id}"]


def section_uri(doc_id: str, start: int) -> URIRef:
    return ID[f"doc/{doc_id}/section/{start}"]


def span_uri(sp: Span) -> URIRef:
    return ID[f"doc/{sp.doc_id}/span/{sp.start}-{sp.end}"]


def add_document(g: Graph, doc: Doc, sections: list[tuple[int, int, str, int]], run: URIRef) -> None:
    d = doc_uri(doc.doc_id)
    g.add((d, RDF.type, EP.Document))
    g.add((d, DCTERMS.title, label(doc.title)))
    g.add((d, DCTERMS.identifier, Literal(doc.path)))
    g.add((d, DCTERMS["format"], Literal(doc.fmt)))
    g.add((d, EP.documentKind, Literal(doc.kind)))
    g.add((d, EP.contentHash, Literal(doc.content_hash)))
    g.add((d, PROV.wasGeneratedBy, run))
    authors = doc.meta.get("authors") or []
    for author in [authors] if isinstance(authors, str) else authors:  # a string is one author, not letters
        g.add((d, DCTERMS.creator, label(author)))
    for key, prop in (("publisher", DCTERMS.publisher), ("source", DCTERMS.source), ("source_url", DCTERMS.source),
                      ("url", DCTERMS.source), ("part_of", DCTERMS.isPartOf)):
        if doc.meta.get(key):
            g.add((d, prop, label(doc.meta[key]) if key == "publisher" else Literal(str(doc.meta[key]))))
    date = parse_date(doc.meta.get("date"))
    if date:  # only a real date is typed as one; readers have already warned about the rest
        g.add((d, DCTERMS.date, Literal(date, datatype=DATE_TYPES[len(date)])))
    for start, _end, heading, level in sections:
        s = section_uri(doc.doc_id, start)
        g.add((s, RDF.type, EP.Section))
        g.add((s, RDFS.label, label(heading)))
        g.add((s, EP.partOf, d))
        g.add((s, EP.level, Literal(level)))
        g.add((s, OA.start, Literal(start)))


def add_span(g: Graph, sp: Span, text: str) -> URIRef:
    u = span_uri(sp)
    if (u, RDF.type, EP.SourceSpan) in g:
        return u
    g.add((u, RDF.type, EP.SourceSpan))
    g.add((u, OA.hasSource, doc_uri(sp.doc_id)))
    g.add((u, EP.role, Literal(sp.role)))
    if sp.section_start >= 0:
        g.add((u, EP.section, section_uri(sp.doc_id, sp.section_start)))
    pos, quote = URIRef(f"{u}/position"), URIRef(f"{u}/quote")
    g.add((u, OA.hasSelector, pos))
    g.add((pos, RDF.type, OA.TextPositionSelector))
    g.add((pos, OA.start, Literal(sp.start)))
    g.add((pos, OA.end, Literal(sp.end)))
    g.add((u, OA.hasSelector, quote))
    g.add((quote, RDF.type, OA.TextQuoteSelector))
    g.add((quote, OA.exact, Literal(text[sp.start : sp.end])))
    g.add((quote, OA.prefix, Literal(text[max(0, sp.start - QUOTE_CONTEXT) : sp.start])))
    g.add((quote, OA.suffix, Literal(text[sp.end : sp.end + QUOTE_CONTEXT])))
    return u


def _concept_uri(key: str, concepts, prefix: str) -> URIRef | None:
    c = next((c for c in concepts if c.key == key), None)
    return URIRef(c.uri) if c else None


def foundation_kind_uri(g: Graph, name: str) -> URIRef:
    c = st.match(name, st.foundation_kinds())
    if c:
        return URIRef(c.uri)
    u = EP[f"foundation-{slug(name)}"]  # a kind the ontology does not list yet: declared here
    g.add((u, RDF.type, EP.FoundationKind))
    g.add((u, SKOS.prefLabel, label(name)))
    g.add((u, SKOS.inScheme, EP.LogicModel))
    return u


@_paused
def add_nodes(g: Graph, nodes: list[Node], texts: dict[str, str]) -> None:
    by_stage: dict[tuple[str, str], dict[str, list[URIRef]]] = {}  # (stage, document) -> its nodes
    for n in nodes:
        u = ID[n.id]
        g.add((u, RDF.type, EP[n.cls]))
        g.add((u, SKOS.prefLabel, label(n.label)))
        g.add((u, EP.text, Literal(n.text)))
        for alt in n.alt_labels:
            g.add((u, SKOS.altLabel, label(alt)))
        if n.notation:
            g.add((u, SKOS.notation, Literal(n.notation)))
        if n.stage:
            stage = URIRef(st.stage(n.stage).uri)
            g.add((u, EP.stage, stage))
            if n.cls == "Assumption":
                g.add((u, EP.assumptionOf, stage))
            for doc_id in dict.fromkeys(sp.doc_id for sp in n.spans):
                bucket = by_stage.setdefault((n.stage, doc_id), {"element": [], "Assumption": [], "Foundation": []})
                bucket.get(n.cls, bucket["element"]).append(u)
        if n.horizon:
            g.add((u, EP.horizon, _concept_uri(n.horizon, st.horizons(), "horizon-")))
        if n.scope:
            g.add((u, EP.impactScope, _concept_uri(n.scope, st.scopes(), "scope-")))
        if n.foundation_kind:
            g.add((u, EP.foundationKind, foundation_kind_uri(g, n.foundation_kind)))
        if n.insight_kind:
            g.add((u, EP.insightKind, Literal(n.insight_kind)))
        if n.figure:
            g.add((u, EP.figure, Literal(n.figure)))
        if n.figure_kind:
            g.add((u, EP.figureKind, Literal(n.figure_kind)))
        for sp in n.spans:
            g.add((u, EP.hasSource, add_span(g, sp, texts[sp.doc_id])))
            g.add((u, PROV.wasDerivedFrom, doc_uri(sp.doc_id)))
        first = n.spans[0]
        if n.cls == "CaseStudy":  # a case study carries its document's publisher, date and source address
            for prop in (DCTERMS.publisher, DCTERMS.date, DCTERMS.source, DCTERMS.creator):
                for o in g.objects(doc_uri(first.doc_id), prop):
                    g.add((u, prop, o))
        if first.section_start >= 0:
            g.add((u, EP.partOf, section_uri(first.doc_id, first.section_start)))
        else:
            g.add((u, EP.partOf, doc_uri(first.doc_id)))
        for pred, target in n.relations:
            g.add((u, RELATION[pred], ID[target]))
    # Each element rests on the foundations written under its stage in the same document: a place's own logic
    # model speaks for its own elements, and the links grow with the corpus, not its square. Assumptions are
    # attached to the elements their words speak about by the link stage (ingest.links.assumptions).
    for bucket in by_stage.values():
        for el in bucket["element"]:
            for f in bucket["Foundation"]:
                g.add((el, EP.hasFoundation, f))


def new_graph() -> Graph:
    return bind_prefixes(Graph())


def add_questions(g: Graph, questions) -> dict[str, int]:
    """Each user question (``ingest.questions``) as ``ep:askedAs`` on its node, when the graph holds that node;
    returns how many were attached, to how many nodes, and how many named a node this build does not hold."""
    attached, nodes, missing = 0, set(), 0
    typed = {s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef)}
    for q in questions:
        u = ID[q.node]
        if u not in typed:
            missing += 1
            continue
        g.add((u, EP.askedAs, Literal(q.text)))
        attached += 1
        nodes.add(u)
    return {"attached": attached, "nodes": len(nodes), "unmatched": missing}

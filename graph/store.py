"""Open the built graph and read it as plain records.

All graph access goes through an rdflib ``Graph`` over the configured backend (``graph.backends``:
memory, an Oxigraph store or a SPARQL server). The records are read with one scan per predicate, not
one lookup per node, so loading costs a few dozen requests whatever the store and the graph's size.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD
from rdflib.plugins.stores.memory import Memory

from graph.backends import MissingBuild, StoreSpec, open_store
from graph.ns import EP, ID, NODE_CLASSES, OA, bind_prefixes, local_name

ROOT = Path(__file__).resolve().parent.parent

__all__ = ["MissingBuild", "KnowledgeGraph", "NodeRecord", "LinkRecord", "Source", "open_graph", "default_build"]


def default_build() -> Path:
    return Path(os.environ.get("EP_BUILD") or ROOT / "build")


def open_graph(build: Path | str | None = None, store: str | StoreSpec | None = None) -> Graph:
    """The live graph of ``store`` (default: $EP_STORE, else memory from ``build``/graph.ttl)."""
    return open_store(store).graph(Path(build) if build else default_build())


def in_memory(g: Graph) -> Graph:
    """``g`` when rdflib holds it, else a copy made with one read: for whole-graph work (serialising,
    SHACL) that would otherwise ask a remote store once per subject."""
    if isinstance(g.store, Memory):
        return g
    copy = bind_prefixes(Graph())
    copy.addN((s, p, _plain(o), copy) for s, p, o in g)
    return copy


def _plain(o):
    """RDF 1.1 makes "x" and "x"^^xsd:string one literal; Oxigraph returns the second, rdflib wrote the first."""
    return Literal(str(o)) if isinstance(o, Literal) and o.datatype == XSD.string else o


class Scan:
    """Predicate → {subject: objects}, fetched once per predicate (one request on a remote store)."""

    def __init__(self, g: Graph):
        self.g = g
        self._many: dict[URIRef, dict] = {}

    def many(self, p: URIRef) -> dict:
        if p not in self._many:
            d: dict = defaultdict(list)
            for s, o in self.g.subject_objects(p):
                d[s].append(o)
            self._many[p] = d
        return self._many[p]

    def one(self, p: URIRef, s, default=None):
        vals = self.many(p).get(s)
        return vals[0] if vals else default

    def typed(self, cls: URIRef) -> list:
        return list(self.g.subjects(RDF.type, cls))


@dataclass(frozen=True)
class Source:
    doc_id: str
    document: str  # title
    path: str
    section: str
    start: int
    end: int
    quote: str
    role: str


@dataclass(frozen=True)
class NodeRecord:
    id: str  # short id, e.g. "process/create-a-referral-network"
    type: str  # ontology class name
    label: str
    text: str
    stage: str = ""  # stage key (vision … impact) for elements, assumptions, foundations
    stage_label: str = ""
    order: float = -1.0  # position left to right in the model (outcome horizons 5.1–5.3, impact scopes 6.1–6.2)
    horizon: str = ""
    scope: str = ""
    notation: str = ""
    kind: str = ""  # foundation kind or insight kind
    figure: str = ""
    alt_labels: tuple[str, ...] = ()
    sources: tuple[Source, ...] = field(default=())

    def to_json(self) -> dict:
        d = asdict(self)
        d["alt_labels"] = list(self.alt_labels)
        d["sources"] = [asdict(s) for s in self.sources]
        d["source"] = d["sources"][0] if d["sources"] else None
        return d


@dataclass(frozen=True)
class LinkRecord:
    """A reified causal (ep:CausalLink) or case (ep:CaseLink) link: who joins whom, on what basis."""

    id: str
    source: str  # cause, or the case study
    target: str  # effect, or the element it illustrates
    basis: str
    weight: float | None
    evidence: str = ""
    evidence_source: str = ""
    evidence_quote: str = ""
    reason: str = ""
    author: str = ""
    model: str = ""


def _key(uri) -> str:
    return str(uri).rsplit("#", 1)[-1].split("-", 1)[-1] if uri else ""


class KnowledgeGraph:
    """Read-only records over an rdflib Graph: nodes with their sources, links, and typed neighbours."""

    def __init__(self, g: Graph, fingerprint: str = "", store: str = "memory", manifest: dict | None = None):
        self.g = g
        self.fingerprint = fingerprint
        self.store = store
        self.manifest = manifest or {}
        self.nodes: dict[str, NodeRecord] = {}
        self.links: list[LinkRecord] = []  # causal links, element → element (and stage → stage)
        self.case_links: list[LinkRecord] = []  # case study → element
        self._edges: dict[str, dict[str, list[str]]] = {}
        scan = Scan(g)
        self._load(scan)
        self.links = self._links(scan, EP.CausalLink, EP.linkFrom, EP.linkTo)
        self.case_links = self._links(scan, EP.CaseLink, EP.case, EP.element)

    @classmethod
    def load(cls, build: Path | str | None = None, store: str | StoreSpec | None = None) -> KnowledgeGraph:
        build = Path(build) if build else default_build()
        backend = open_store(store)
        g = backend.graph(build)
        return cls(g, backend.stamp(build), str(backend.spec), backend.manifest(build))

    def _load(self, sc: Scan) -> None:
        from graph.ns import ontology

        onto = ontology()
        orders = {s: float(o[0]) for s, o in sc.many(EP.order).items()}
        stage_labels = {s: str(sc.one(SKOS.prefLabel, s, "")) for s in sc.typed(EP.Stage)}
        for s in onto.subjects(EP.order, None):
            orders[s] = float(onto.value(s, EP.order))
        for s in onto.subjects(RDF.type, EP.Stage):
            stage_labels[s] = str(onto.value(s, SKOS.prefLabel))
        for cls in NODE_CLASSES:
            for u in sc.typed(EP[cls]):
                stage = sc.one(EP.stage, u)
                horizon, scope = sc.one(EP.horizon, u), sc.one(EP.impactScope, u)
                order = orders.get(horizon) or orders.get(scope) or orders.get(stage, -1.0)
                kind_uri = sc.one(EP.foundationKind, u)
                kind = (
                    str(sc.one(SKOS.prefLabel, kind_uri) or onto.value(kind_uri, SKOS.prefLabel) or "")
                    if kind_uri
                    else str(sc.one(EP.insightKind, u, ""))
                )
                sources = [self._source(sp, sc) for sp in sc.many(EP.hasSource).get(u, [])]
                sources.sort(key=lambda s: (s.role != "full", s.role == "mention", s.path, s.start))
                nid = local_name(u)
                self.nodes[nid] = NodeRecord(
                    id=nid,
                    type=cls,
                    label=str(sc.one(SKOS.prefLabel, u) or nid),
                    text=str(sc.one(EP.text, u, "")),
                    stage=_key(stage),
                    stage_label=stage_labels.get(stage, ""),
                    order=order,
                    horizon=_key(horizon),
                    scope=_key(scope),
                    notation=str(sc.one(SKOS.notation, u, "")),
                    kind=kind,
                    figure=str(sc.one(EP.figure, u, "")),
                    alt_labels=tuple(sorted(str(a) for a in sc.many(SKOS.altLabel).get(u, []))),
                    sources=tuple(sources),
                )

    @staticmethod
    def _quote(sc: Scan, span) -> tuple[int, int, str]:
        start = end = -1
        quote = ""
        for sel in sc.many(OA.hasSelector).get(span, []):
            if sc.one(OA.start, sel) is not None:
                start, end = int(sc.one(OA.start, sel)), int(sc.one(OA.end, sel))
            if sc.one(OA.exact, sel) is not None:
                quote = str(sc.one(OA.exact, sel))
        return start, end, quote

    def _source(self, sp, sc: Scan) -> Source:
        doc = sc.one(OA.hasSource, sp)
        start, end, quote = self._quote(sc, sp)
        section = sc.one(EP.section, sp)
        return Source(
            doc_id=str(doc).rsplit("/", 1)[-1],
            document=str(sc.one(DCTERMS.title, doc, "")),
            path=str(sc.one(DCTERMS.identifier, doc, "")),
            section=str(sc.one(RDFS.label, section, "")) if section else "",
            start=start,
            end=end,
            quote=quote,
            role=str(sc.one(EP.role, sp) or "full"),
        )

    def _links(self, sc: Scan, cls: URIRef, p_from: URIRef, p_to: URIRef) -> list[LinkRecord]:
        out = []
        for link in sc.typed(cls):
            a, b = sc.one(p_from, link), sc.one(p_to, link)
            if a is None or b is None:
                continue
            span = sc.one(EP.evidenceSource, link)
            agent = sc.one(PROV.wasAttributedTo, link)
            w = sc.one(EP.weight, link)
            out.append(LinkRecord(
                id=local_name(link), source=local_name(a), target=local_name(b),
                basis=str(sc.one(EP.basis, link, "")), weight=float(w) if w is not None else None,
                evidence=str(sc.one(EP.evidence, link, "")),
                evidence_source=local_name(span) if span is not None else "",
                evidence_quote=self._quote(sc, span)[2] if span is not None else "",
                reason=str(sc.one(EP.reason, link, "")),
                author=str(sc.one(RDFS.label, agent, "")) if agent is not None else "",
                model=str(sc.one(EP.model, link, "")),
            ))
        return sorted(out, key=lambda x: x.id)

    def edges(self, relation: str) -> dict[str, list[str]]:
        """Subject id → object ids for one ep: relation between nodes, fetched once (one scan)."""
        if relation not in self._edges:
            d: dict[str, list[str]] = defaultdict(list)
            for s, o in self.g.subject_objects(EP[relation]):
                d[local_name(s)].append(local_name(o))
            self._edges[relation] = dict(d)
        return self._edges[relation]

    def uri(self, node_id: str) -> URIRef:
        return ID[node_id]

    def of_type(self, *types: str) -> list[NodeRecord]:
        return [n for n in self.nodes.values() if n.type in types]

    def neighbours(self, node_id: str) -> dict[str, list[tuple[str, str]]]:
        """Relation name -> [(direction 'out'|'in', neighbour id)], over node-to-node triples only."""
        u = self.uri(node_id)
        out: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for p, o in self.g.predicate_objects(u):
            nid = local_name(o)
            if nid in self.nodes and str(p).startswith(str(EP)):
                out[str(p).split("#")[-1]].append(("out", nid))
        for s, p in self.g.subject_predicates(u):
            nid = local_name(s)
            if nid in self.nodes and str(p).startswith(str(EP)):
                out[str(p).split("#")[-1]].append(("in", nid))
        return dict(out)

    def find(self, text: str) -> NodeRecord | None:
        """A node by id, full IRI or exact label/alternative label (case-insensitive); None otherwise."""
        t = text.strip()
        if t in self.nodes:
            return self.nodes[t]
        lid = local_name(t)
        if lid in self.nodes:
            return self.nodes[lid]
        low = t.lower()
        for n in sorted(self.nodes.values(), key=lambda n: (n.type == "Passage", n.order < 0)):
            if n.label.lower() == low or any(a.lower() == low for a in n.alt_labels):
                return n
        return None

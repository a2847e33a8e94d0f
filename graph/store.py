"""Open the built graph and read it as plain records.

All graph access goes through an rdflib ``Graph`` over the configured backend (``graph.stores``:
memory, an Oxigraph store or a SPARQL server). The records are read with one scan per predicate, not
one lookup per node, so loading costs a few dozen requests whatever the store and the graph's size.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD
from rdflib.plugins.stores.memory import Memory

from graph import lookup, settings
from graph.ns import EP, ID, NODE_CLASSES, OA, bind_prefixes, local_name, ontology
from graph.records import LinkRecord, NodeRecord, Source
from graph.stores.base import MissingBuild, StoreSpec, resolve_build, scan
from graph.stores.factory import open_store

__all__ = ["MissingBuild", "KnowledgeGraph", "open_graph", "default_build"]


def default_build() -> Path:
    return settings.path("EP_BUILD")


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
    """Predicate → {subject: [objects]}, as plain strings, fetched once per predicate (one request remotely)."""

    def __init__(self, g: Graph):
        self.g = g
        self._many: dict[URIRef, dict[str, list[str]]] = {}

    def many(self, p: URIRef) -> dict[str, list[str]]:
        if p not in self._many:
            d: dict[str, list[str]] = defaultdict(list)
            for s, o in scan(self.g, p):
                d[s].append(o)
            self._many[p] = d
        return self._many[p]

    def one(self, p: URIRef, s: str | None, default=None):
        vals = self.many(p).get(s) if s is not None else None
        if not vals:
            return default
        return vals[0] if len(vals) == 1 else min(vals)  # RDF values have no order: pick the same one on every store

    def typed(self, cls: URIRef) -> list[str]:
        return [s for s, _ in scan(self.g, RDF.type, cls)]


# Predicates as module constants: one URIRef each, so the per-node lookups below hit dicts on identity.
_DCTERMS_identifier = DCTERMS.identifier
_DCTERMS_title = DCTERMS.title
_EP_Stage = EP.Stage
_EP_basis = EP.basis
_EP_evidence = EP.evidence
_EP_evidenceSource = EP.evidenceSource
_EP_figure = EP.figure
_EP_askedAs = EP.askedAs
_EP_figureKind = EP.figureKind
_EP_foundationKind = EP.foundationKind
_EP_hasSource = EP.hasSource
_EP_horizon = EP.horizon
_EP_impactScope = EP.impactScope
_EP_insightKind = EP.insightKind
_EP_model = EP.model
_EP_order = EP.order
_EP_rationale = EP.rationale
_EP_reason = EP.reason
_EP_role = EP.role
_EP_section = EP.section
_EP_stage = EP.stage
_EP_text = EP.text
_EP_weight = EP.weight
_OA_end = OA.end
_OA_exact = OA.exact
_OA_hasSelector = OA.hasSelector
_OA_hasSource = OA.hasSource
_OA_start = OA.start
_PROV_wasAttributedTo = PROV.wasAttributedTo
_RDFS_label = RDFS.label
_SKOS_altLabel = SKOS.altLabel
_SKOS_notation = SKOS.notation
_SKOS_prefLabel = SKOS.prefLabel


def _key(uri) -> str:
    return str(uri).rsplit("#", 1)[-1].split("-", 1)[-1] if uri else ""


class KnowledgeGraph:
    """Read-only records over an rdflib Graph: nodes with their sources, links, and typed neighbours."""

    def __init__(self, g: Graph, fingerprint: str = "", store: str = "memory", manifest: dict | None = None,
                 build: Path | None = None):
        self.g = g
        self.build = build  # the one build folder the graph, manifest (and the index, texts) are read from
        self.fingerprint = fingerprint
        self.store = store
        self.manifest = manifest or {}
        self.nodes: dict[str, NodeRecord] = {}
        self.links: list[LinkRecord] = []  # causal links, element → element (and stage → stage)
        self.case_links: list[LinkRecord] = []  # case study → element
        # assumption → element it speaks about (ep:AssumptionAttachment; basis stated | similar | curated | stage)
        self.attachments: list[LinkRecord] = []
        self._edges: dict[str, dict[str, list[str]]] = {}
        self._neighbours: dict[str, dict[str, list[tuple[str, str]]]] = {}
        scan = Scan(g)
        self._load(scan)
        self.links = self._links(scan, EP.CausalLink, EP.linkFrom, EP.linkTo)
        self.case_links = self._links(scan, EP.CaseLink, EP.case, EP.element)
        self.attachments = self._links(scan, EP.AssumptionAttachment, EP.attachmentOf, EP.attachedTo)

    @classmethod
    def load(cls, build: Path | str | None = None, store: str | StoreSpec | None = None) -> KnowledgeGraph:
        root = resolve_build(build if build else default_build())  # resolved once: a swap mixes nothing
        backend = open_store(store)
        g, fingerprint, manifest = backend.load(root)
        return cls(g, fingerprint, str(backend.spec), manifest, build=root)

    def _load(self, sc: Scan) -> None:
        onto = ontology()
        orders = {s: float(o[0]) for s, o in sc.many(_EP_order).items()}
        stage_labels = {s: str(sc.one(_SKOS_prefLabel, s, "")) for s in sc.typed(_EP_Stage)}
        for s in onto.subjects(_EP_order, None):
            orders[str(s)] = float(onto.value(s, _EP_order))
        for s in onto.subjects(RDF.type, _EP_Stage):
            stage_labels[str(s)] = str(onto.value(s, _SKOS_prefLabel))
        for cls in NODE_CLASSES:
            for u in sc.typed(EP[cls]):
                stage = sc.one(_EP_stage, u)
                horizon, scope = sc.one(_EP_horizon, u), sc.one(_EP_impactScope, u)
                order = orders.get(horizon) or orders.get(scope) or orders.get(stage, -1.0)
                kind_uri = sc.one(_EP_foundationKind, u)
                kind = (
                    str(sc.one(_SKOS_prefLabel, kind_uri) or onto.value(URIRef(kind_uri), _SKOS_prefLabel) or "")
                    if kind_uri
                    else str(sc.one(_EP_insightKind, u, "") or sc.one(_EP_figureKind, u, ""))
                )
                sources = [self._source(sp, sc) for sp in sc.many(_EP_hasSource).get(u, [])]
                sources.sort(key=lambda s: (s.role != "full", s.role == "mention", s.path, s.start))
                nid = local_name(u)
                self.nodes[nid] = NodeRecord(
                    id=nid,
                    type=cls,
                    label=str(sc.one(_SKOS_prefLabel, u) or nid),
                    text=str(sc.one(_EP_text, u, "")),
                    stage=_key(stage),
                    stage_label=stage_labels.get(stage, ""),
                    order=order,
                    horizon=_key(horizon),
                    scope=_key(scope),
                    notation=str(sc.one(_SKOS_notation, u, "")),
                    kind=kind,
                    figure=str(sc.one(_EP_figure, u, "")),
                    alt_labels=tuple(sorted(str(a) for a in sc.many(_SKOS_altLabel).get(u, []))),
                    questions=tuple(sorted(str(a) for a in sc.many(_EP_askedAs).get(u, []))),
                    sources=tuple(sources),
                )

    @staticmethod
    def _quote(sc: Scan, span) -> tuple[int, int, str]:
        start = end = -1
        quote = ""
        for sel in sc.many(_OA_hasSelector).get(span, []):
            if sc.one(_OA_start, sel) is not None:
                start, end = int(sc.one(_OA_start, sel)), int(sc.one(_OA_end, sel))
            if sc.one(_OA_exact, sel) is not None:
                quote = str(sc.one(_OA_exact, sel))
        return start, end, quote

    def _source(self, sp, sc: Scan) -> Source:
        doc = sc.one(_OA_hasSource, sp)
        start, end, quote = self._quote(sc, sp)
        section = sc.one(_EP_section, sp)
        return Source(
            doc_id=str(doc).rsplit("/", 1)[-1],
            document=str(sc.one(_DCTERMS_title, doc, "")),
            path=str(sc.one(_DCTERMS_identifier, doc, "")),
            section=str(sc.one(_RDFS_label, section, "")) if section else "",
            start=start,
            end=end,
            quote=quote,
            role=str(sc.one(_EP_role, sp) or "full"),
        )

    def _links(self, sc: Scan, cls: URIRef, p_from: URIRef, p_to: URIRef) -> list[LinkRecord]:
        out = []
        for link in sc.typed(cls):
            a, b = sc.one(p_from, link), sc.one(p_to, link)
            if a is None or b is None:
                continue
            span = sc.one(_EP_evidenceSource, link)
            agent = sc.one(_PROV_wasAttributedTo, link)
            w = sc.one(_EP_weight, link)
            out.append(LinkRecord(
                id=local_name(link), source=local_name(a), target=local_name(b),
                basis=str(sc.one(_EP_basis, link, "")), weight=float(w) if w is not None else None,
                evidence=str(sc.one(_EP_evidence, link, "")),
                evidence_source=local_name(span) if span is not None else "",
                evidence_quote=self._quote(sc, span)[2] if span is not None else "",
                reason=str(sc.one(_EP_reason, link, "")),
                author=str(sc.one(_RDFS_label, agent, "")) if agent is not None else "",
                model=str(sc.one(_EP_model, link, "")),
                rationale=str(sc.one(_EP_rationale, link, "")),
            ))
        return sorted(out, key=lambda x: x.id)

    def edges(self, relation: str) -> dict[str, list[str]]:
        """Subject id → object ids for one ep: relation between nodes, fetched once (one scan)."""
        if relation not in self._edges:
            d: dict[str, list[str]] = defaultdict(list)
            for s, o in scan(self.g, EP[relation]):
                d[local_name(s)].append(local_name(o))
            self._edges[relation] = dict(d)
        return self._edges[relation]

    def uri(self, node_id: str) -> URIRef:
        return ID[node_id]

    def of_type(self, *types: str) -> list[NodeRecord]:
        return [n for n in self.nodes.values() if n.type in types]

    def neighbours(self, node_id: str) -> dict[str, list[tuple[str, str]]]:
        """Relation name -> [(direction 'out'|'in', neighbour id)], over node-to-node triples only. Read from the
        graph once a node (a card asks for a few dozen; the graph does not change once loaded), a fresh copy
        each call."""
        found = self._neighbours.get(node_id)
        if found is None:
            found = self._neighbours[node_id] = self._read_neighbours(node_id)
        return {rel: list(pairs) for rel, pairs in found.items()}

    def _read_neighbours(self, node_id: str) -> dict[str, list[tuple[str, str]]]:
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
        return lookup.find(self.nodes, text)

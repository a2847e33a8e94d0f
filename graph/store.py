"""Open the built graph and read it as plain records.

All graph access goes through an rdflib ``Graph`` (and so its Store interface): the in-memory store
today, a persistent or remote store later, without touching the callers of this module.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from graph.ns import EP, ID, NODE_CLASSES, OA, bind_prefixes, local_name

ROOT = Path(__file__).resolve().parent.parent


def default_build() -> Path:
    return Path(os.environ.get("EP_BUILD") or ROOT / "build")


class MissingBuild(Exception):
    """No usable graph in the build directory; the message says how to make one."""


def open_graph(build: Path | str | None = None, store: str = "memory") -> Graph:
    build = Path(build) if build else default_build()
    ttl = build / "graph.ttl"
    if not ttl.exists():
        raise MissingBuild(f"no graph at {ttl}: run `python -m ingest --out {build}` (or `make build`) first")
    if store != "memory":
        raise ValueError(f"unknown store '{store}' (available: memory)")
    g = bind_prefixes(Graph())
    try:
        g.parse(ttl, format="turtle")
    except Exception as e:  # noqa: BLE001 - any parse failure means a corrupt build
        raise MissingBuild(
            f"{ttl} is unreadable ({e.__class__.__name__}); rebuild with `python -m ingest --force --out {build}`"
        ) from e
    return g


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


def _key(uri) -> str:
    return str(uri).rsplit("#", 1)[-1].split("-", 1)[-1] if uri else ""


class KnowledgeGraph:
    """Read-only records over an rdflib Graph: nodes with their sources, and typed neighbours."""

    def __init__(self, g: Graph):
        self.g = g
        self.nodes: dict[str, NodeRecord] = {}
        self._load()

    @classmethod
    def load(cls, build: Path | str | None = None, store: str = "memory") -> KnowledgeGraph:
        return cls(open_graph(build, store))

    def _load(self) -> None:
        g = self.g
        docs = {
            s: (str(g.value(s, DCTERMS.title) or ""), str(g.value(s, DCTERMS.identifier) or ""))
            for s in g.subjects(RDF.type, EP.Document)
        }
        orders = {o: float(g.value(o, EP.order)) for o in g.subjects(EP.order, None)}
        stage_labels = {s: str(g.value(s, SKOS.prefLabel) or "") for s in g.subjects(RDF.type, EP.Stage)}
        from graph.ns import ontology

        onto = ontology()
        for s in onto.subjects(EP.order, None):
            orders[s] = float(onto.value(s, EP.order))
        for s in onto.subjects(RDF.type, EP.Stage):
            stage_labels[s] = str(onto.value(s, SKOS.prefLabel))
        for cls in NODE_CLASSES:
            for u in g.subjects(RDF.type, EP[cls]):
                stage = g.value(u, EP.stage)
                horizon, scope = g.value(u, EP.horizon), g.value(u, EP.impactScope)
                order = orders.get(horizon) or orders.get(scope) or orders.get(stage, -1.0)
                kind_uri = g.value(u, EP.foundationKind)
                kind = (
                    str(g.value(kind_uri, SKOS.prefLabel) or onto.value(kind_uri, SKOS.prefLabel) or "")
                    if kind_uri
                    else str(g.value(u, EP.insightKind) or "")
                )
                sources = []
                for sp in g.objects(u, EP.hasSource):
                    sources.append(self._source(sp, docs))
                sources.sort(key=lambda s: (s.role != "full", s.role == "mention", s.path, s.start))
                nid = local_name(u)
                self.nodes[nid] = NodeRecord(
                    id=nid,
                    type=cls,
                    label=str(g.value(u, SKOS.prefLabel) or nid),
                    text=str(g.value(u, EP.text) or ""),
                    stage=_key(stage),
                    stage_label=stage_labels.get(stage, ""),
                    order=order,
                    horizon=_key(horizon),
                    scope=_key(scope),
                    notation=str(g.value(u, SKOS.notation) or ""),
                    kind=kind,
                    figure=str(g.value(u, EP.figure) or ""),
                    alt_labels=tuple(sorted(str(a) for a in g.objects(u, SKOS.altLabel))),
                    sources=tuple(sources),
                )

    def _source(self, sp, docs) -> Source:
        g = self.g
        doc = g.value(sp, OA.hasSource)
        title, path = docs.get(doc, ("", ""))
        start = end = -1
        quote = ""
        for sel in g.objects(sp, OA.hasSelector):
            if (sel, RDF.type, OA.TextPositionSelector) in g:
                start, end = int(g.value(sel, OA.start)), int(g.value(sel, OA.end))
            else:
                quote = str(g.value(sel, OA.exact) or "")
        section = g.value(sp, EP.section)
        return Source(
            doc_id=str(doc).rsplit("/", 1)[-1],
            document=title,
            path=path,
            section=str(g.value(section, RDFS.label) or "") if section else "",
            start=start,
            end=end,
            quote=quote,
            role=str(g.value(sp, EP.role) or "full"),
        )

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

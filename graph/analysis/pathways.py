"""One object for the app and the CLI: the graph, its records, its networkx view and path finder, loaded once.

pw = Pathways.load("build")
pw.resolve("create a referral network", elements_only=True).node.id
pw.paths("process/create-a-referral-network", "impact/prosperity", k=5).to_json()
pw.forward("process/create-a-referral-network"); pw.backward("impact/prosperity")
pw.chain(path_or_element_id); pw.rests_on("assumption/…")
pw.cases_of("outcome/income-is-retained-and-recycled-in-the-local"); pw.illustrated_by("casestudy/…")
pw.fragility().for_target("impact/prosperity"); pw.fragility().if_failed("assumption/…")
pw.evidence_map(gapmap.Filters(place="Bristol")).to_json()
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path as FsPath

import networkx as nx
from rdflib import Graph

from graph.analysis import cases, chains, gapmap
from graph.analysis.draw import Drawing, DrawLink, DrawNode
from graph.analysis.fragility import FragilityAnalysis
from graph.analysis.paths import MAX_DEPTH, MAX_PATHS, Path, Pathfinder, PathResult
from graph.caselinks import CaseLink
from graph.evidence import Evidence
from graph.lookup import Resolution, Search, resolve
from graph.ns import LINKED_CLASSES
from graph.store import KnowledgeGraph, default_build
from graph.stores.base import StoreSpec
from graph.view import to_networkx

ELEMENT_TYPES = LINKED_CLASSES


class Pathways:
    def __init__(self, g: Graph, build: FsPath | None = None, kg: KnowledgeGraph | None = None):
        """Pass ``kg`` when the caller already holds the records of ``g`` (the app's search engine does)."""
        self.g = g
        self.build = build
        self.kg = kg or KnowledgeGraph(g)
        self.view = to_networkx(g, kg=self.kg)
        self.finder = Pathfinder(self.view)
        self._fragility: FragilityAnalysis | None = None

    @classmethod
    def load(cls, build: FsPath | str | None = None, store: str | StoreSpec | None = None) -> Pathways:
        """Raises graph.store.MissingBuild when the store has no graph, StoreError when it cannot be read."""
        build = FsPath(build) if build else default_build()
        kg = KnowledgeGraph.load(build, store)
        return cls(kg.g, build, kg=kg)

    # ------------------------------------------------------------------ nodes

    def node(self, node_id: str) -> dict:
        """A node as JSON: id, type, label, text, stage, order, … and its first source."""
        return self.kg.nodes[node_id].to_json()

    def resolve(
        self, text: str, elements_only: bool = False, types: tuple[str, ...] | None = None,
        search: Search | None = None, prefer=None,
    ) -> Resolution:
        """The node ``text`` names (``graph.lookup.resolve``). ``search`` is the caller's: the graph CLI hands in
        the search package's pick (``cli.resolve.searcher``); without one, word overlap is the last rule."""
        return resolve(self.kg.nodes, text, ELEMENT_TYPES if elements_only else types, prefer, search)

    def downstream_of(self, node_id: str):
        """A tie-breaker for resolving a path's target: is the node reachable from ``node_id``?"""
        g = self.finder.g
        reach = nx.descendants(g, node_id) if g.has_node(node_id) else set()
        return lambda n: n.id in reach

    def neighbours(self, node_id: str) -> dict[str, list[dict]]:
        """Relation → neighbours (with direction), including causal links with their basis and weight."""
        out: dict[str, list[dict]] = defaultdict(list)
        for rel, items in self.kg.neighbours(node_id).items():
            for direction, nid in items:
                n = self.kg.nodes[nid]
                entry = {"direction": direction, "id": nid, "type": n.type, "label": n.label}
                if rel == "leadsTo":
                    a, b = (node_id, nid) if direction == "out" else (nid, node_id)
                    if self.finder.g.has_edge(a, b):
                        link = self.finder.link(a, b)
                        entry.update(basis=link.basis, weight=link.weight, evidence=link.evidence)
                out[rel].append(entry)
        return dict(out)

    # ------------------------------------------------------------------ paths

    def _finder(self, strong_only: bool) -> Pathfinder:
        """The strong finder holds every element, so an unknown node is refused the same way by both."""
        return self.fragility().strong_finder() if strong_only else self.finder

    def paths(self, source: str, target: str, k: int = 5, max_depth: int = MAX_DEPTH,
              strong_only: bool = False) -> PathResult:
        """``strong_only``: only over links stated in a document or shown by a case study."""
        return self._finder(strong_only).between(source, target, k, max_depth)

    def forward(self, source: str, max_paths: int = MAX_PATHS, max_depth: int = MAX_DEPTH,
                strong_only: bool = False) -> PathResult:
        return self._finder(strong_only).forward(source, max_paths, max_depth)

    def backward(self, target: str, max_paths: int = MAX_PATHS, max_depth: int = MAX_DEPTH,
                 strong_only: bool = False) -> PathResult:
        return self._finder(strong_only).backward(target, max_paths, max_depth)

    def evidence(self) -> dict[tuple[str, str], Evidence]:
        """Every causal link's evidence (level, badge, why), for every view that badges a link."""
        fa = self.fragility()
        return {(a, b): fa.evidence(a, b) for a, b in self.finder.g.edges()}

    # ------------------------------------------------------------------ assumptions and cases

    def chain(self, path_or_element: Path | str) -> chains.Chain:
        if isinstance(path_or_element, Path):
            return chains.chain_for_path(self.g, self.kg, path_or_element)
        return chains.chain_for_element(self.g, self.kg, path_or_element)

    def rests_on(self, assumption_id: str, max_paths: int = 5) -> chains.RestsOn:
        return chains.rests_on(self.g, self.kg, self.finder, assumption_id, max_paths)

    def rests_on_drawing(self, r: chains.RestsOn) -> Drawing:
        """The picture of what rests on an assumption: the elements on it (yellow), everything they lead to and
        its example paths, the outcomes it would cut off (red), and every model link among them, styled by its
        evidence level; not only the example paths' links, so no box is left without the arrows it has."""
        kg = self.kg
        ids = {e["id"] for e in r.elements} | {e["id"] for e in r.downstream} | {n for p in r.paths for n in p.nodes}
        ids = {i for i in ids if i in kg.nodes}
        fa = self.fragility()
        links = [DrawLink(a, b, d.get("basis", ""), float(d.get("weight", 0.0)), d.get("rationale", ""),
                          fa.evidence(a, b).level)
                 for a, b, d in self.finder.g.subgraph(ids).edges(data=True)]
        status = {e["id"]: "blocked" for e in r.breaks if e["id"] in ids}
        status.update({e["id"]: "unknown" for e in r.elements if e["id"] in ids})
        nodes = [DrawNode(i, kg.nodes[i].label, kg.nodes[i].order, kg.nodes[i].type) for i in sorted(ids)]
        return Drawing(nodes, sorted(links, key=lambda lk: (lk.source, lk.target)), status)

    def fragility(self) -> FragilityAnalysis:
        """Cut sets and evidence levels over this graph (built on first use, then kept)."""
        if self._fragility is None:
            self._fragility = FragilityAnalysis.from_pathways(self)
        return self._fragility

    def cases_of(self, element_id: str) -> list[CaseLink]:
        return cases.cases_for_element(self.g, self.kg, element_id)

    def illustrated_by(self, case_id: str) -> list[CaseLink]:
        return cases.elements_for_case(self.g, self.kg, case_id)

    def evidence_map(self, filters: gapmap.Filters | None = None, max_depth: int = MAX_DEPTH,
                     pathways: int = gapmap.MAX_PATHWAYS) -> gapmap.EvidenceMap:
        """The evidence and gap map of the case studies ``filters`` keep (raises gapmap.BadFilter)."""
        return gapmap.evidence_map(self.kg, self.finder, filters, max_depth, pathways)

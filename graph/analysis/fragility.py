"""How fragile is each pathway: the assumptions every route to an outcome or impact rests on, and cut sets.

**Routes.** A route to a target is a simple path along causal arrows that starts at a condition or an
input and ends at the target, with 1 to ``max_depth`` links (default ``graph.paths.MAX_DEPTH``, 8): the
same path set as ``python -m graph backward``, but all of it, not the best 50.

**Attachment rule** (how an assumption reaches a route). The model writes assumptions and foundations
per stage; ingest attaches each assumption to the elements its words speak about (``ep:AssumptionAttachment``,
projected as ``ep:underpinnedBy``: stated, similar or curated, and only an assumption nothing attaches to
every element of its stage, marked "stage"; see ``ingest.links.assumptions``) and each foundation to every
element of its stage (``ep:hasFoundation``). A route *rests on* every assumption and foundation attached
to every element it passes through, its first element (the condition or input) and its last (the
target) included. A link rests on the assumptions of its two ends, and also on an assumption whose own
sentence is the link's textual evidence (the document states the link *as* that assumption). Vision and
purpose are not on any route (no arrow enters or leaves them), so their assumptions cut nothing.

**Failure.** If an assumption fails, every element attached to it falls, and so does every link
resting on it; a route fails when it loses an element or a link. "If A fails, Prosperity loses 4 of its
5 routes" is ``lost = routes(G) − routes(G without A's elements and links)``. An assumption every route
rests on is one whose elements and links form a *cut* between the conditions/inputs and the target
(``lost == total``): "what this rests on everywhere".

**Method.** On an acyclic causal graph (the model's arrows only run left to right, and curation refuses
cycles) routes are *counted*, never listed: one pass in topological order keeps, per element, how many
routes of each length reach it, so each failure costs O((elements + links) × max_depth) whatever the
number of routes. "Elements on every route" (the dominator question, under the length cap) comes from
the same counts: an element lies on every route when routes-through-it equals all routes. Only if a
graph has a cycle are routes enumerated (``nx.all_simple_paths`` with the length cap, at most
``MAX_ENUMERATED``; beyond that the answer says it is a lower bound).

**Evidence.** Each link of a listed route carries its evidence level (``graph.evidence``); a route is as
strong as its weakest step, and ``strong_only`` restricts the route set to links stated in a document
or shown by a case study. A case study linked to an assumption or foundation itself (the case linker reaches
every kind of node) is evidence for it: each row says from how many case studies, with their sentences
(``FragilityAnalysis.case_evidence``).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import networkx as nx

from graph.analysis.chains import node_json, states
from graph.analysis.paths import MAX_DEPTH, ROOT_TYPES, Path, Pathfinder
from graph.caselinks import all_case_links
from graph.evidence import Evidence, cases_by_element, link_evidence, weakest

TARGET_TYPES = ("Outcome", "Impact")  # the ranking counts routes to these
MAX_ENUMERATED = 200_000  # routes listed per target on a cyclic graph before the count is a lower bound
MAX_ROUTES_SHOWN = 5
ATTACHED = ("Assumption", "Foundation")

Edge = tuple[str, str]


@dataclass(frozen=True)
class Attachment:
    """What falls when one assumption or foundation fails."""

    node: str
    elements: frozenset[str]
    links: frozenset[Edge] = frozenset()


def attachments(underpinned_by: Mapping[str, Iterable[str]], foundations: Mapping[str, Iterable[str]],
                G: nx.DiGraph, stated_as: Mapping[str, Iterable[Edge]] | None = None) -> dict[str, Attachment]:
    """Assumption/foundation id → the causal elements (of ``G``) attached to it and the links stated as it.

    ``underpinned_by`` and ``foundations`` are element → [assumption] and element → [foundation] (the
    ``ep:underpinnedBy`` and ``ep:hasFoundation`` triples); ``stated_as`` is assumption → links whose
    textual evidence is its sentence.
    """
    elements: dict[str, set[str]] = {}
    for rel in (underpinned_by, foundations):
        for element, nodes in rel.items():
            for a in nodes:  # an assumption attached only off the causal graph still appears, cutting nothing
                elements.setdefault(a, set()).update({element} & set(G))
    links: dict[str, set[Edge]] = {}
    for a, edges in (stated_as or {}).items():
        links[a] = {e for e in edges if G.has_edge(*e)}
        elements.setdefault(a, set())
    return {a: Attachment(a, frozenset(els), frozenset(links.get(a, ()))) for a, els in elements.items()}


class RouteCounter:
    """Routes (root → node, 1..max_depth links) to every node of ``G``, with some elements and links removed."""

    def __init__(self, G: nx.DiGraph, roots: Iterable[str], max_depth: int = MAX_DEPTH):
        self.G = G
        self.roots = frozenset(r for r in roots if r in G)
        self.max_depth = max_depth
        self.acyclic = nx.is_directed_acyclic_graph(G)
        self.order = list(nx.topological_sort(G)) if self.acyclic else list(G)
        self.exact = True
        self._base: dict[str, list[int]] | None = None

    def by_length(self, nodes: frozenset[str] = frozenset(), links: frozenset[Edge] = frozenset(),
                  reverse_from: str | None = None) -> dict[str, list[int]]:
        """Node → [number of walks of exactly l links, l = 0..max_depth] from the roots (or to ``reverse_from``).

        On a DAG every walk is a simple path. ``nodes``/``links`` are removed first; only what lies
        downstream of them is recounted (the rest keeps the full graph's counts), so a failure deep in
        the model costs little.
        """
        if reverse_from is None and not nodes and not links:
            if self._base is None:
                self._base = self._count(self.order, {}, frozenset(), frozenset(), None)
            return self._base
        if reverse_from is not None:
            return self._count(reversed(self.order), {}, nodes, links, reverse_from)
        affected = {v for v in set(nodes) | {b for _, b in links} if v in self.G}
        stack = list(affected)
        while stack:
            for w in self.G.successors(stack.pop()):
                if w not in affected:
                    affected.add(w)
                    stack.append(w)
        base = self.by_length()
        out = {v: vec for v, vec in base.items() if v not in affected}
        return self._count((v for v in self.order if v in affected), out, nodes, links, None)

    def _count(self, order, out: dict[str, list[int]], nodes, links, reverse_from) -> dict[str, list[int]]:
        L = self.max_depth
        for v in order:
            if v in nodes:
                continue
            vec = [0] * (L + 1)
            if (v == reverse_from) if reverse_from else (v in self.roots):
                vec[0] = 1
            nbrs = self.G.successors(v) if reverse_from else self.G.predecessors(v)
            for u in nbrs:
                pu = out.get(u)
                if pu is None or ((v, u) if reverse_from else (u, v)) in links:
                    continue
                for length in range(L):
                    vec[length + 1] += pu[length]
            out[v] = vec
        return out

    def routes(self, targets: Iterable[str], nodes: frozenset[str] = frozenset(),
               links: frozenset[Edge] = frozenset()) -> dict[str, int]:
        """Target → number of routes to it in G without ``nodes`` and ``links``."""
        targets = list(targets)
        if self.acyclic:
            vec = self.by_length(nodes, links)
            return {t: sum(vec[t][1:]) if t in vec else 0 for t in targets}
        return {t: sum(1 for p in self._enumerate(t) if not _hits(p, nodes, links)) for t in targets}

    def through(self, target: str) -> dict[str, int]:
        """Element → number of routes to ``target`` that pass through it (the target itself: all of them)."""
        if not self.acyclic:
            counts: dict[str, int] = defaultdict(int)
            for p in self._enumerate(target):
                for n in p:
                    counts[n] += 1
            return dict(counts)
        up, down = self.by_length(), self.by_length(reverse_from=target)
        out = {}
        for v in up.keys() & down.keys():
            n = sum(up[v][a] * down[v][b] for a in range(self.max_depth + 1)
                    for b in range(self.max_depth + 1 - a) if a + b >= 1)
            if n:
                out[v] = n
        return out

    def _enumerate(self, target: str) -> list[tuple[str, ...]]:
        cache = self.__dict__.setdefault("_paths", {})
        if target not in cache:
            src = ("__roots__",)
            aug = self.G.copy()
            aug.add_edges_from((src[0], r) for r in self.roots)
            found = []
            for p in nx.all_simple_paths(aug, src[0], target, cutoff=self.max_depth + 1):
                if len(p) < 3:
                    continue
                if len(found) == MAX_ENUMERATED:
                    self.exact = False
                    break
                found.append(tuple(p[1:]))
            cache[target] = found
        return cache[target]


def _hits(path: tuple[str, ...], nodes: frozenset[str], links: frozenset[Edge]) -> bool:
    return any(n in nodes for n in path) or any(e in links for e in zip(path, path[1:], strict=False))


# --------------------------------------------------------------------------- results


@dataclass
class FailureRow:
    """One row of "If this assumption failed": routes to the target it would cut."""

    node: dict  # the assumption or foundation (id, type, label, text, stage, stage_label)
    lost: int
    total: int
    own: bool  # the target itself rests on it (so its failure takes the target with it)
    elements: list[str]  # elements attached to it that lie on the target's routes
    links: list[Edge]  # links on those routes stated as this assumption
    sources: list[dict]  # where its words come from: document, section, start, end, quote
    attached: list[dict] = field(default_factory=list)  # per element: {element, basis, reason}
    cases: list[dict] = field(default_factory=list)  # case studies that are evidence for it (``case_evidence``)

    @property
    def everywhere(self) -> bool:
        return self.total > 0 and self.lost == self.total

    def to_json(self) -> dict:
        return {"node": self.node, "lost": self.lost, "total": self.total, "left": self.total - self.lost,
                "everywhere": self.everywhere, "own": self.own, "elements": self.elements,
                "attached": self.attached, "links": [list(e) for e in self.links], "sources": self.sources,
                "evidence_cases": len(self.cases), "cases": self.cases}


@dataclass
class Route:
    """A listed route with the evidence of every step and its weakest one."""

    path: Path
    evidence: list[Evidence]
    weakest: int | None

    @property
    def strong(self) -> bool:
        return all(e.strong for e in self.evidence)

    def to_json(self) -> dict:
        w = self.evidence[self.weakest] if self.weakest is not None else None
        return {"nodes": self.path.nodes, "weight": round(self.path.weight, 6), "strong": self.strong,
                "steps": [e.to_json() for e in self.evidence], "weakest_index": self.weakest,
                "weakest": w.to_json() if w else None}


@dataclass
class Fragility:
    target: dict
    total: int  # routes to the target
    strong_total: int  # of them, routes whose every step is stated or shown
    max_depth: int
    method: str  # "counted" (acyclic) or "enumerated"
    exact: bool
    strong_only: bool
    on_every_route: list[dict]  # elements (other than the target) every route passes through
    rows: list[FailureRow]  # every assumption/foundation that cuts at least one route, most first
    routes: list[Route] = field(default_factory=list)  # the best few, each with its weakest step

    @property
    def everywhere(self) -> list[FailureRow]:
        return [r for r in self.rows if r.everywhere]

    @property
    def most_cutting(self) -> list[FailureRow]:
        """Among assumptions the target does not itself rest on, those whose failure cuts most routes."""
        upstream = [r for r in self.rows if not r.own]
        top = max((r.lost for r in upstream), default=0)
        return [r for r in upstream if r.lost == top and top > 0]

    def to_json(self) -> dict:
        return {"target": self.target, "routes_total": self.total, "routes_strong": self.strong_total,
                "max_depth": self.max_depth, "method": self.method, "exact": self.exact,
                "strong_only": self.strong_only,
                "everywhere": [r.node["id"] for r in self.everywhere],
                "most_cutting": [r.node["id"] for r in self.most_cutting],
                "on_every_route": self.on_every_route, "if_failed": [r.to_json() for r in self.rows],
                "routes": [r.to_json() for r in self.routes]}


@dataclass
class Cut:
    """What one assumption's failure does to every outcome and impact."""

    node: dict
    elements: list[str]
    links: list[Edge]
    lost: int  # routes to outcomes and impacts lost, summed over targets
    total: int
    per_target: list[dict]  # {id, label, type, lost, total, cut_off}, most lost first
    sources: list[dict]
    attached: list[dict] = field(default_factory=list)  # per element: {element, basis, reason}
    cases: list[dict] = field(default_factory=list)  # case studies that are evidence for it (``case_evidence``)

    @property
    def answer(self) -> tuple:
        """What its failure does, as a comparable value: routes lost per outcome and impact."""
        return tuple(sorted((t["id"], t["lost"]) for t in self.per_target))

    @property
    def basis(self) -> str:
        """How it is attached, in one word: 'stage' when it fell back to its whole stage, else the bases used."""
        return "+".join(dict.fromkeys(a["basis"] for a in self.attached if a["basis"])) or "none"

    @property
    def cut_off(self) -> list[str]:
        """Targets left with no route at all."""
        return [t["id"] for t in self.per_target if t["cut_off"]]

    def to_json(self) -> dict:
        return {"node": self.node, "elements": self.elements, "links": [list(e) for e in self.links],
                "lost": self.lost, "total": self.total, "cut_off": self.cut_off, "per_target": self.per_target,
                "sources": self.sources, "attached": self.attached, "basis": self.basis,
                "evidence_cases": len(self.cases), "cases": self.cases}


# --------------------------------------------------------------------------- analysis


class FragilityAnalysis:
    """Cut sets and evidence over one causal graph; build once (per build), ask per target or assumption.

    ``G`` is a view with causal arrows (or its ``Pathfinder``: element nodes with type/label/order, arrows
    with basis/weight/evidence); ``info`` maps an assumption/foundation/element id to its JSON (with
    ``sources``); ``cases`` maps an element to the case links that illustrate it; ``documents`` maps a
    document id to its title; ``case_names`` a case study id to its title.
    """

    def __init__(self, G: nx.DiGraph | Pathfinder, attached: Mapping[str, Attachment], info: Mapping[str, dict],
                 cases: Mapping[str, list] | None = None, documents: Mapping[str, str] | None = None,
                 case_names: Mapping[str, str] | None = None, why: Mapping[Edge, dict] | None = None):
        self.finder = G if isinstance(G, Pathfinder) else Pathfinder(G)
        self.G = self.finder.g
        self.attached = dict(attached)
        self.info = info
        self.cases = cases or {}
        self.documents = documents or {}
        self.case_names = case_names or {}
        self.why = why or {}  # (assumption, element) → {basis, reason}: why it is attached there
        self._counters: dict[tuple[int, bool], RouteCounter] = {}
        self._strong_finder: Pathfinder | None = None
        self._evidence: dict[Edge, Evidence] = {}
        self._left_cache: dict[tuple, dict[str, int]] = {}

    @classmethod
    def from_pathways(cls, pw) -> FragilityAnalysis:
        """Read the attachments, case links and documents from a loaded ``graph.pathways.Pathways``."""
        kg, G = pw.kg, pw.finder.g
        stated = {a.id: {(x, y) for x, y, d in G.edges(data=True)
                         if states(a.text, d.get("basis", ""), d.get("evidence", ""))}
                  for a in kg.of_type(*ATTACHED)}
        att = attachments(kg.edges("underpinnedBy"), kg.edges("hasFoundation"), G, stated)
        info = {}
        for nid in set(att) | set(G):
            n = kg.nodes[nid]
            info[nid] = {**node_json(kg, nid), "stage_label": n.stage_label,
                         "sources": [_source_json(s) for s in n.sources if s.role != "mention"]}
        documents = {s.doc_id: s.document for n in kg.nodes.values() for s in n.sources}
        why = {(x.source, x.target): {"basis": x.basis, "reason": x.reason} for x in kg.attachments}
        return cls(pw.finder, att, info, cases_by_element(all_case_links(pw.g, kg)), documents,
                   {c.id: c.label for c in kg.of_type("CaseStudy")}, why)

    # ------------------------------------------------------------ evidence

    def evidence(self, a: str, b: str) -> Evidence:
        if (a, b) not in self._evidence:
            self._evidence[(a, b)] = link_evidence(self.finder.link(a, b), self.cases, self.documents,
                                                   self.case_names)
        return self._evidence[(a, b)]

    def levels(self) -> dict[Edge, str]:
        """Every causal link's evidence level: what the pictures style their arrows by."""
        return {(a, b): self.evidence(a, b).level for a, b in self.G.edges()}

    def strong_finder(self) -> Pathfinder:
        """A path finder over the links stated in a document or shown by a case study only."""
        if self._strong_finder is None:
            self._strong_finder = Pathfinder(self.strong_graph())
        return self._strong_finder

    def strong_graph(self) -> nx.DiGraph:
        """The causal graph with only the links stated in a document or shown by a case study."""
        H = nx.DiGraph()
        H.add_nodes_from(self.G.nodes(data=True))
        H.add_edges_from((a, b, d) for a, b, d in self.G.edges(data=True) if self.evidence(a, b).strong)
        return H

    def route(self, path: Path | list[str]) -> Route:
        """A path with the evidence of each step and its weakest step."""
        p = path if isinstance(path, Path) else self.finder.make_path(list(path))
        ev = [self.evidence(link.source, link.target) for link in p.links]
        return Route(p, ev, weakest(ev))

    # ------------------------------------------------------------ counting

    def counter(self, max_depth: int = MAX_DEPTH, strong_only: bool = False) -> RouteCounter:
        key = (max_depth, strong_only)
        if key not in self._counters:
            G = self.strong_graph() if strong_only else self.G
            roots = [n for n, d in G.nodes(data=True) if d.get("type") in ROOT_TYPES]
            self._counters[key] = RouteCounter(G, roots, max_depth)
        return self._counters[key]

    def targets(self) -> list[str]:
        return sorted((n for n, d in self.G.nodes(data=True) if d.get("type") in TARGET_TYPES),
                      key=lambda n: (self.G.nodes[n].get("order", 0), n))

    def _row_order(self, nid: str) -> tuple:
        i = self.info.get(nid, {})
        return (i.get("order", 0), i.get("type", ""), i.get("label", nid))

    def for_target(self, target: str, max_depth: int = MAX_DEPTH, strong_only: bool = False,
                   routes: int = MAX_ROUTES_SHOWN) -> Fragility:
        """What every route to ``target`` rests on, what each assumption's failure would cut, best routes."""
        self.finder._check(target)
        c = self.counter(max_depth, strong_only)
        total = c.routes([target])[target]
        through = c.through(target) if total else {}
        on_routes = set(through)
        rows = []
        for aid, att in self.attached.items():
            if not total or not (att.elements & on_routes or att.links):
                continue
            if len(att.elements) == 1 and not att.links:  # one element: the routes through it are the routes lost
                lost = through.get(next(iter(att.elements)), 0)
            else:
                lost = total - self._left(c, att)[target]
            if lost <= 0:
                continue
            rows.append(FailureRow(
                self._node(aid), lost, total, target in att.elements,
                sorted(att.elements & on_routes, key=self._row_order),
                sorted(e for e in att.links if e[0] in on_routes and e[1] in on_routes),
                self.info.get(aid, {}).get("sources", []), self._attached(aid, att.elements & on_routes),
                self.case_evidence(aid)))
        rows.sort(key=lambda r: (-r.lost, r.own, self._row_order(r.node["id"])))
        every = sorted((n for n, k in through.items() if k == total and n != target), key=self._row_order)
        strong_total = self.counter(max_depth, True).routes([target])[target] if not strong_only else total
        listed = self._best_routes(target, routes, max_depth, strong_only)
        return Fragility(self._node(target), total, strong_total, max_depth,
                         "counted" if c.acyclic else "enumerated", c.exact, strong_only,
                         [self._node(n) for n in every], rows, listed)

    def _best_routes(self, target: str, k: int, max_depth: int, strong_only: bool) -> list[Route]:
        if k <= 0:
            return []
        finder = self.strong_finder() if strong_only else self.finder
        return [self.route(p.nodes) for p in finder.backward(target, k, max_depth).paths]

    def if_failed(self, node_id: str, max_depth: int = MAX_DEPTH, strong_only: bool = False) -> Cut:
        """What the failure of one assumption or foundation cuts, for every outcome and impact."""
        if node_id not in self.attached:
            raise KeyError(f"'{node_id}' is not an assumption or foundation attached to the model")
        att = self.attached[node_id]
        c = self.counter(max_depth, strong_only)
        targets = self.targets()
        before = c.routes(targets)
        after = self._left(c, att)
        per = []
        for t in targets:
            if before[t] == 0:
                continue
            lost = before[t] - after[t]
            per.append({**{k: self.info.get(t, {}).get(k, "") for k in ("id", "label", "type", "horizon", "scope")},
                        "id": t, "lost": lost, "total": before[t], "cut_off": after[t] == 0})
        per.sort(key=lambda x: (-x["lost"], self._row_order(x["id"])))
        return Cut(self._node(node_id), sorted(att.elements, key=self._row_order), sorted(att.links),
                   sum(x["lost"] for x in per), sum(x["total"] for x in per), per,
                   self.info.get(node_id, {}).get("sources", []), self._attached(node_id, att.elements),
                   self.case_evidence(node_id))

    def case_evidence(self, node_id: str) -> list[dict]:
        """The case studies linked to an assumption or foundation: each is evidence for it ("evidence from N case
        studies"), with the sentence that shows it and why in plain words; one per case, strongest first."""
        out: dict[str, dict] = {}
        for c in sorted(self.cases.get(node_id, []), key=lambda c: -c.weight):
            out.setdefault(c.case, {"case": c.case, "label": self.case_names.get(c.case, c.case), "basis": c.basis,
                                    "quote": c.evidence_quote or c.evidence, "rationale": c.rationale})
        return list(out.values())

    def _attached(self, node_id: str, elements: Iterable[str]) -> list[dict]:
        """Each element with why the assumption is attached there (empty basis: a foundation or a bare triple)."""
        return [{"element": e, **self.why.get((node_id, e), {"basis": "", "reason": ""})}
                for e in sorted(elements, key=self._row_order)]

    def answers(self, types: tuple[str, ...] = ("Assumption",), max_depth: int = MAX_DEPTH) -> list[list[Cut]]:
        """The assumptions grouped by what their failure does (routes lost per outcome and impact), the groups
        most cutting first: how many different answers the fragility view gives."""
        groups: dict[tuple, list[Cut]] = {}
        for cut in self.ranking(max_depth):
            if cut.node.get("type") in types:
                groups.setdefault(cut.answer, []).append(cut)
        return list(groups.values())

    def _left(self, c: RouteCounter, att: Attachment) -> dict[str, int]:
        """Routes left to every node when ``att`` fails; one count per distinct set of elements and links
        (a stage-wide assumption and its stage's foundations share one)."""
        key = (id(c), att.elements, att.links)
        if key not in self._left_cache:
            self._left_cache[key] = c.routes(c.G.nodes, att.elements, att.links)
        return self._left_cache[key]

    def ranking(self, max_depth: int = MAX_DEPTH, strong_only: bool = False) -> list[Cut]:
        """Every assumption and foundation by how many outcome/impact routes its failure cuts, most first."""
        cuts = [self.if_failed(a, max_depth, strong_only) for a in self.attached]
        return sorted(cuts, key=lambda x: (-x.lost, self._row_order(x.node["id"])))

    def _node(self, nid: str) -> dict:
        i = self.info.get(nid) or {"id": nid, "label": nid, "type": self.G.nodes[nid].get("type", "")
                                   if nid in self.G else ""}
        return {k: v for k, v in i.items() if k != "sources"}


def most_cutting_text(f: Fragility, target: str, name: Callable[[FailureRow], str]) -> str:
    """The "If this assumption failed" headline (Markdown; ``target`` and ``name`` give the words, already safe):
    the one upstream assumption that cuts most; or, when several tie, all of them together, said plainly when they
    each cut every route ("Most cutting … (tied with 8 more)" named one of nine as if it stood out). "" if none."""
    top = f.most_cutting
    if not top:
        return ""
    lost, names = top[0].lost, "; ".join(name(r) for r in top if r.lost < f.total or len(top) == 1)
    if len(top) == 1:
        return f"Most cutting upstream: {names}: {target} would lose **{lost} of its {f.total} routes**."
    if lost == f.total:  # exactly the upstream ones "everywhere": named once, where the page lists those
        return (f"Most cutting upstream: **all {len(top)} cut every route** to {target} (all {f.total}): any one "
                f"of them failing leaves none. They are the {len(top)} listed as upstream under “What this rests on "
                "everywhere” above; the table below gives each one's sources.")
    return f"Most cutting upstream: **{len(top)} tie**, each cutting {lost} of the {f.total} routes to {target}: " \
        f"{names}."


def _source_json(s) -> dict:
    return {"document": s.document, "path": s.path, "section": s.section, "start": s.start, "end": s.end,
            "quote": s.quote}


def evidence_words(n: int) -> str:
    """'evidence from 2 case studies' (empty when none is): how the pages and the CLI count a node's cases."""
    return f"evidence from {n} case stud{'y' if n == 1 else 'ies'}" if n else ""


CSV_FIELDS = ("rank", "id", "type", "stage", "label", "text", "routes_lost", "routes_total", "routes_left",
              "on_every_route", "target_rests_on_it", "elements", "attached", "evidence_cases", "document", "section",
              "start", "end", "quote", "also_in")


def csv_rows(f: Fragility) -> list[dict]:
    """The "If this assumption failed" table, one row per assumption: its whole text beside its (short) label, its
    first source (document, section, offsets, quote) and where else the same words stand (``also_in``), so a
    spreadsheet counts each assumption once."""
    out = []
    for i, r in enumerate(f.rows, 1):
        first, *rest = r.sources or [{}]
        out.append({"rank": i, "id": r.node["id"], "type": r.node.get("type", ""),
                    "stage": r.node.get("stage_label") or r.node.get("stage", ""), "label": r.node.get("label", ""),
                    "text": r.node.get("text", ""),
                    "routes_lost": r.lost, "routes_total": r.total, "routes_left": r.total - r.lost,
                    "on_every_route": "yes" if r.everywhere else "no", "target_rests_on_it": "yes" if r.own else "no",
                    "elements": "; ".join(r.elements),
                    "attached": "; ".join(f"{a['element']} ({a['basis']})" for a in r.attached if a["basis"]),
                    "evidence_cases": len(r.cases),
                    **{k: first.get(k, "") for k in ("document", "section", "start", "end", "quote")},
                    "also_in": "; ".join(f"{s.get('document', '')}, {s.get('section', '')} ({s.get('start', '')}–"
                                         f"{s.get('end', '')})" for s in rest)})
    return out


def to_csv(f: Fragility) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    w.writeheader()
    w.writerows(csv_rows(f))
    return buf.getvalue()

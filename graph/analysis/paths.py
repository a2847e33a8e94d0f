"""Causal pathways over the networkx view: k best paths, forward to impacts, backward to foundations.

A path's cost is the sum of -log(weight) over its links, so the best path is the one whose links are
jointly the most believable (the product of weights), not merely the shortest. Every query has a cap
on the number of paths and on their length, and candidate enumeration is bounded, so answers stay
fast on graphs much larger than today's.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice

import networkx as nx

from graph.records import LinkRecord
from graph.view import causal_subgraph

ROOT_TYPES = ("Condition", "Input")
END_TYPES = ("Impact",)
MAX_PATHS = 50
MAX_DEPTH = 8
EXAMINE_FACTOR = 20  # at most this many candidate paths are generated per path returned
_SINK, _SOURCE = "__impacts__", "__roots__"
NODE_FIELDS = ("id", "type", "label", "text", "stage", "order", "horizon", "scope")


@dataclass
class Path:
    nodes: list[str]
    links: list[LinkRecord]
    details: dict[str, dict] = field(default_factory=dict, repr=False, compare=False)

    @property
    def weight(self) -> float:
        """Product of the link weights: how believable the whole chain is."""
        return math.prod(link.weight for link in self.links) if self.links else 1.0

    @property
    def cost(self) -> float:
        return sum(_cost(link.weight) for link in self.links)

    def to_json(self) -> dict:
        return {
            "nodes": [self.details.get(n, {"id": n}) for n in self.nodes],
            "links": [link.to_json() for link in self.links],
            "weight": round(self.weight, 6),
            "cost": round(self.cost, 6),
            "length": len(self.links),
        }


@dataclass
class PathResult:
    """Paths found (best first) or, when there are none, why not and the nearest nodes either side."""

    query: dict
    paths: list[Path]
    truncated: bool = False
    message: str = ""
    nearest: list[dict] = field(default_factory=list)
    reverse: bool = False  # none found, but a path runs the other way (from the end to the start)
    why: str = ""  # the message with {from} and {to} standing for the two ends, to name them another way

    @property
    def found(self) -> bool:
        return bool(self.paths)

    def explain(self, name: Callable[[str], str]) -> str:
        """Why none was found, each end named by ``name(id)``: the message names them by label and id (the CLI's
        words), a page by label alone."""
        ends = {k: name(self.query[k]) for k in ("from", "to") if k in self.query}
        return self.why.format(**ends) if self.why else self.message

    def to_json(self) -> dict:
        return {"query": self.query, "found": self.found, "count": len(self.paths),
                "truncated": self.truncated, "message": self.message, "reverse": self.reverse,
                "paths": [p.to_json() for p in self.paths], "nearest": self.nearest}


def _cost(weight: float) -> float:
    return -math.log(min(1.0, max(weight, 1e-3)))


class UnknownNode(KeyError):
    """A node id that is not a model element in the causal graph."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown node"


class Pathfinder:
    """Path queries over the causal arrows of one view (build once, query many times)."""

    def __init__(self, view: nx.DiGraph):
        self.g = causal_subgraph(view)
        for _, _, d in self.g.edges(data=True):
            d["cost"] = _cost(d.get("weight", 0.0))
        # Virtual ends, so "best paths to any impact / from any root" are one k-shortest-paths query.
        self._aug = self.g.copy()
        for n, d in self.g.nodes(data=True):
            if d["type"] in END_TYPES:
                self._aug.add_edge(n, _SINK, cost=0.0)
            if d["type"] in ROOT_TYPES:
                self._aug.add_edge(_SOURCE, n, cost=0.0)

    # ------------------------------------------------------------------ helpers

    def _check(self, node: str) -> None:
        if node not in self.g:
            raise UnknownNode(f"'{node}' is not a model element with causal links "
                              "(conditions, inputs, processes, activities, outcomes, impacts)")

    def info(self, node: str) -> dict:
        d = self.g.nodes[node]
        return {"id": node, **{k: d.get(k, "") for k in NODE_FIELDS if k != "id"}}

    def link(self, a: str, b: str) -> LinkRecord:
        d = self.g.edges[a, b]
        return LinkRecord(d.get("link", ""), a, b, d.get("basis", ""), float(d.get("weight", 0.0)),
                          d.get("evidence", ""), d.get("evidence_source", ""), d.get("evidence_quote", ""),
                          d.get("reason", ""), d.get("author", ""), d.get("model", ""), d.get("rationale", ""))

    def make_path(self, nodes: list[str]) -> Path:
        return Path(list(nodes), [self.link(a, b) for a, b in zip(nodes, nodes[1:], strict=False)],
                    {n: self.info(n) for n in nodes})

    def _best(self, graph: nx.DiGraph, s: str, t: str, k: int, max_depth: int, strip: tuple[str, ...] = ()
              ) -> tuple[list[Path], bool]:
        """Up to k cheapest simple paths s → t with at most ``max_depth`` real links; (paths, truncated)."""
        out: list[Path] = []
        truncated = False
        try:
            gen = nx.shortest_simple_paths(graph, s, t, weight="cost")
            for nodes in islice(gen, k * EXAMINE_FACTOR):
                real = [n for n in nodes if n not in strip]
                if len(real) < 2 or len(real) - 1 > max_depth:
                    continue
                if len(out) == k:
                    truncated = True
                    break
                out.append(self.make_path(real))
        except nx.NetworkXNoPath:
            pass
        return out, truncated

    # ------------------------------------------------------------------ queries

    def between(self, source: str, target: str, k: int = 5, max_depth: int = MAX_DEPTH) -> PathResult:
        """The k best paths from ``source`` to ``target``; with none, why not and the nearest nodes."""
        self._check(source)
        self._check(target)
        query = {"kind": "between", "from": source, "to": target, "k": k, "max_depth": max_depth}
        if source == target:
            return PathResult(query, [], message="source and target are the same element")
        paths, truncated = self._best(self.g, source, target, k, max_depth)
        if paths:
            return PathResult(query, paths, truncated)
        why, reverse = self._why_not(source, target, max_depth)
        ends = {"from": self._name(source), "to": self._name(target)}
        return PathResult(query, [], message=why.format(**ends), nearest=self.nearest(source, target),
                          reverse=reverse, why=why)

    def forward(self, source: str, max_paths: int = MAX_PATHS, max_depth: int = MAX_DEPTH) -> PathResult:
        """Every path (best first, up to the caps) from ``source`` on to the impacts."""
        return self._one_end("forward", source, max_paths, max_depth, "no path leads from {from} to an impact")

    def backward(self, target: str, max_paths: int = MAX_PATHS, max_depth: int = MAX_DEPTH) -> PathResult:
        """Every path (best first, up to the caps) from the conditions and inputs to ``target``."""
        return self._one_end("backward", target, max_paths, max_depth,
                             "{to} rests on no condition or input (no path reaches it)")

    def _one_end(self, kind: str, node: str, max_paths: int, max_depth: int, none: str) -> PathResult:
        """Paths from ``node`` to the impacts (forward) or to ``node`` from the roots (backward); ``none``
        says why there are none, ``{from}`` or ``{to}`` standing for the node's name."""
        self._check(node)
        forward = kind == "forward"
        query = {"kind": kind, "from" if forward else "to": node, "max_paths": max_paths, "max_depth": max_depth}
        a, b, end = (node, _SINK, _SINK) if forward else (_SOURCE, node, _SOURCE)
        paths, truncated = self._best(self._aug, a, b, max_paths, max_depth, strip=(end,))
        if paths:
            return PathResult(query, paths, truncated)
        return PathResult(query, [], message=none.format(**{"from" if forward else "to": self._name(node)}), why=none)

    def through(self, node: str, k: int = 3, max_depth: int = MAX_DEPTH) -> list[Path]:
        """Up to k best root → node → impact paths (for 'what rests on this')."""
        self._check(node)
        back = self.backward(node, k, max_depth).paths or [self.make_path([node])]
        fwd = self.forward(node, k, max_depth).paths or [self.make_path([node])]
        combos = []
        for b in back:
            for f in fwd:
                if set(b.nodes[:-1]) & set(f.nodes):
                    continue
                nodes = b.nodes + f.nodes[1:]
                if len(nodes) > 1:
                    combos.append(self.make_path(nodes))
        return sorted(combos, key=lambda p: p.cost)[:k]

    # ------------------------------------------------------------------ no path

    def _name(self, n: str) -> str:
        return f"'{self.g.nodes[n]['label']}' ({n})"

    def _why_not(self, s: str, t: str, max_depth: int) -> tuple[str, bool]:
        """Why no path runs s → t, {from} and {to} standing for their names; and whether one runs t → s."""
        os_, ot = self.g.nodes[s]["order"], self.g.nodes[t]["order"]
        reverse = nx.has_path(self.g, t, s)
        if ot < os_:
            hint = (": the end comes earlier in the model, and arrows only run left to right"
                    + ("; a path runs the other way" if reverse else ""))
        elif nx.has_path(self.g, s, t):
            hint = f" within {max_depth} links (a longer path exists: raise the depth limit)"
        else:
            hint = ""
        return "no path from {from} to {to}" + hint, reverse

    def nearest(self, s: str, t: str, n: int = 5) -> list[dict]:
        """Reachable from s and closest to t in model order; and the nodes leading to t closest to s."""
        G = self.g
        ot, os_ = G.nodes[t]["order"], G.nodes[s]["order"]
        dist = nx.single_source_dijkstra_path_length(G, s, weight="cost")
        down = sorted((x for x in dist if x != s), key=lambda x: (abs(G.nodes[x]["order"] - ot), dist[x]))
        rdist = nx.single_source_dijkstra_path_length(G.reverse(copy=False), t, weight="cost")
        up = sorted((x for x in rdist if x != t), key=lambda x: (abs(G.nodes[x]["order"] - os_), rdist[x]))
        return ([{**self.info(x), "side": "reachable from source", "hops": nx.shortest_path_length(G, s, x)}
                 for x in down[:n]]
                + [{**self.info(x), "side": "leads to target", "hops": nx.shortest_path_length(G, x, t)}
                   for x in up[:n]])

"""What the explorable picture shows: filters by basis, stage and strength, a Kumu-style focus, and the
cytoscape.js elements, placed where the slide picture places them.

Pure functions over the causal view, so the app, the tests and the benchmark see the same picture.
Focus follows Kumu: the clicked element, everything one or two arrows away (either direction), and the
arrows between them stay; the rest fades but stays in place, so the picture does not jump.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from graph.analysis.draw import DrawLink, DrawNode
from graph.analysis.picture import BASIS, COLUMNS, PATH_STROKE, Layout, column_of, layout

BASES = ("textual", "inferred", "curated")
STAGE_GROUPS = tuple(name for name, _lo, _hi in COLUMNS)
ELEMENT_TYPES = ("Condition", "Input", "Process", "Activity", "Outcome", "Impact")


@dataclass(frozen=True)
class Filters:
    bases: tuple[str, ...] = BASES
    stages: tuple[str, ...] = STAGE_GROUPS  # column names from graph.picture.COLUMNS
    min_strength: float = 0.0

    def keeps_node(self, order: float) -> bool:
        c = column_of(order)
        return c is not None and COLUMNS[c][0] in self.stages

    def keeps_link(self, basis: str, weight: float) -> bool:
        return basis in self.bases and weight >= self.min_strength


def visible(g: nx.DiGraph, f: Filters) -> nx.DiGraph:
    """The causal view with only the elements and arrows the filters keep."""
    nodes = [n for n, d in g.nodes(data=True) if d.get("type") in ELEMENT_TYPES and f.keeps_node(d["order"])]
    sub = nx.DiGraph()
    sub.add_nodes_from((n, g.nodes[n]) for n in nodes)
    sub.add_edges_from((a, b, d) for a, b, d in g.edges(data=True)
                       if a in sub and b in sub and f.keeps_link(d.get("basis", ""), float(d.get("weight", 0.0))))
    return sub


def focus(g: nx.DiGraph, node: str, depth: int = 1) -> set[str]:
    """``node`` and every element within ``depth`` arrows of it, following arrows either way."""
    if node not in g:
        return set()
    return set(nx.single_source_shortest_path_length(g.to_undirected(as_view=True), node, cutoff=depth))


SIZE = (1000, 860)  # about the canvas's own size beside the sidebar, so labels show near their set size
FONT_PX = 14
PADDING = 8
HEAD_H = 44  # column titles sit in boxes this tall (up to two lines), so the fitted extent is known


def elements(g: nx.DiGraph, size: tuple[int, int] = SIZE, focused: str | None = None, depth: int = 1,
             highlight: Iterable[str] = (), highlight_links: Iterable[tuple[str, str]] = (),
             reasons: dict[tuple[str, str], str] | None = None) -> tuple[list[dict], Layout]:
    """cytoscape.js elements (preset positions) for the view ``g``; with ``focused``, the rest is faded."""
    nodes = [DrawNode(n, d["label"], d["order"], d["type"]) for n, d in g.nodes(data=True)]
    links = [DrawLink(a, b, d.get("basis", ""), float(d.get("weight", 0.0))) for a, b, d in g.edges(data=True)]
    # the browser's sans-serif runs wider than DejaVu's metrics: wrap for 0.6 em a character
    lay = layout(nodes, links, size, font_px=FONT_PX, char_em=0.58, max_lines=5, box_share=0.92)
    near = focus(g, focused, depth) if focused else set()
    hl, hl_links, reasons = set(highlight), set(highlight_links), reasons or {}
    out: list[dict] = [
        {"data": {"id": f"column:{name}", "label": name, "w": round(w, 1), "h": HEAD_H},
         "position": {"x": round(x, 1), "y": round(y, 1)}, "classes": "column", "selectable": False,
         "grabbable": False}
        for name, x, y, w in _headers(lay)
    ]
    for n in lay.nodes.values():
        classes = [n.type.lower()]
        if n.id in hl:
            classes.append("path")
        if focused:
            classes.append("focus" if n.id == focused else "near" if n.id in near else "faded")
        out.append({"data": {"id": n.id, "label": "\n".join(n.lines), "type": n.type, "h": round(n.h, 1),
                             "w": round(n.w, 1)},
                    "position": {"x": round(n.cx, 1), "y": round(n.cy, 1)},
                    "classes": " ".join(classes), "selected": n.id == focused, "grabbable": False})
    for lk in lay.links:
        classes = [lk.basis]
        if (lk.source, lk.target) in hl_links:
            classes.append("path")
        if focused and not (lk.source in near and lk.target in near):
            classes.append("faded")
        out.append({"data": {"id": f"{lk.source}->{lk.target}", "source": lk.source, "target": lk.target,
                             "basis": lk.basis, "weight": round(lk.weight, 2),
                             "width": round(1.2 + 3.0 * max(0.0, min(1.0, lk.weight)), 2),
                             "reason": reasons.get((lk.source, lk.target), "")},
                    "classes": " ".join(classes), "selectable": True})
    return out, lay


def _headers(lay: Layout) -> list[tuple[str, float, float, float]]:
    """(title, centre x, centre y, width) of the column titles: boxes as wide as the column's, above it."""
    w = next(iter(lay.nodes.values())).w if lay.nodes else 100.0
    return [(name, cx, lay.top - HEAD_H / 2 - 8, w) for name, cx in lay.columns]


def screen_point(lay: Layout, node: str, box: dict, padding: float = PADDING) -> tuple[float, float]:
    """Where cytoscape's preset layout with ``fit`` draws ``node`` inside a canvas at ``box`` (x, y, width,
    height): the nodes' bounding box scaled to fit, centred. Lets a browser test click an element."""
    boxes = [(n.x, n.y, n.x + n.w, n.y + n.h) for n in lay.nodes.values()]
    boxes += [(x - w / 2, y - HEAD_H / 2, x + w / 2, y + HEAD_H / 2) for _, x, y, w in _headers(lay)]
    x1, x2 = min(b[0] for b in boxes), max(b[2] for b in boxes)
    y1, y2 = min(b[1] for b in boxes), max(b[3] for b in boxes)
    zoom = min((box["width"] - 2 * padding) / (x2 - x1), (box["height"] - 2 * padding) / (y2 - y1))
    px = (box["width"] - zoom * (x1 + x2)) / 2
    py = (box["height"] - zoom * (y1 + y2)) / 2
    n = lay.nodes[node]
    return box["x"] + px + zoom * n.cx, box["y"] + py + zoom * n.cy


def stylesheet(font_px: int = FONT_PX) -> list[dict]:
    """Boxes like the slide's; arrows styled by basis (solid stated, dashed inferred, purple curated)."""
    style = [
        {"selector": "node", "style": {
            "shape": "round-rectangle", "width": "data(w)", "height": "data(h)", "label": "data(label)",
            "text-wrap": "wrap", "text-max-width": 400, "text-valign": "center", "text-halign": "center",
            "font-size": font_px,
            "font-family": "DejaVu Sans, Liberation Sans, Arial, sans-serif", "color": "#1b2733",
            "background-color": "#f4f6fa", "border-color": "#9aa5b8", "border-width": 1.2}},
        {"selector": "node.path", "style": {"background-color": "#dbe7ff", "border-color": PATH_STROKE,
                                            "border-width": 3, "font-weight": "bold"}},
        {"selector": "node.focus", "style": {"background-color": "#ffe8a3", "border-color": "#b07d00",
                                             "border-width": 4, "font-weight": "bold"}},
        {"selector": "node:selected", "style": {"background-color": "#ffe8a3", "border-color": "#b07d00",
                                                "border-width": 4}},
        {"selector": "edge", "style": {
            "curve-style": "straight", "target-arrow-shape": "triangle", "width": "data(width)",
            "arrow-scale": 1.2, "opacity": 0.85}},
        {"selector": "edge.path", "style": {"line-color": PATH_STROKE, "target-arrow-color": PATH_STROKE,
                                            "line-style": "solid", "width": 5, "opacity": 1, "z-index": 10}},
        {"selector": "edge:selected", "style": {"line-color": "#b07d00", "target-arrow-color": "#b07d00",
                                                "width": 6}},
        {"selector": ".faded", "style": {"opacity": 0.12}},
        {"selector": "node.column", "style": {"background-opacity": 0, "border-width": 0, "font-weight": "bold",
                                              "color": "#33415c", "text-max-width": "data(w)", "events": "no"}},
    ]
    for basis, (colour, dash, _words) in BASIS.items():
        style.insert(-4, {"selector": f"edge.{basis}", "style": {
            "line-color": colour, "target-arrow-color": colour, "line-style": "dashed" if dash else "solid"}})
    return style

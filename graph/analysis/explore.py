"""What the explorable picture shows: filters by evidence level (and "only stated or shown"), stage and
strength, a Kumu-style focus, the cytoscape.js elements placed where the slide picture places them (every
arrow classed by its evidence level, the chosen path's arrows badged with theirs), and the key to them.

Pure functions over the causal view, so the app, the tests and the benchmark see the same picture.
Focus follows Kumu: the clicked element, everything one or two arrows away (either direction), and the
arrows between them stay; the rest fades but stays in place, so the picture does not jump.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx

from graph.analysis.draw import EVIDENCE_STYLE, DrawLink, DrawNode
from graph.analysis.picture import (
    COLUMNS,
    PATH_HALO,
    PATH_STROKE,
    Layout,
    Placed,
    column_of,
    layout,
    legend_words,
)
from graph.evidence import LEVELS, STRONG, level_of_basis

Edge = tuple[str, str]
STAGE_GROUPS = tuple(name for name, _lo, _hi in COLUMNS)
ELEMENT_TYPES = ("Condition", "Input", "Process", "Activity", "Outcome", "Impact")


@dataclass(frozen=True)
class Filters:
    levels: tuple[str, ...] = LEVELS  # evidence levels kept (graph.evidence.LEVELS)
    stages: tuple[str, ...] = STAGE_GROUPS  # column names from graph.picture.COLUMNS
    min_strength: float = 0.0
    strong_only: bool = False  # only links stated in a document or shown by a case study

    def keeps_node(self, order: float) -> bool:
        c = column_of(order)
        return c is not None and COLUMNS[c][0] in self.stages

    def keeps_link(self, level: str, weight: float) -> bool:
        return (level in self.levels and (level in STRONG or not self.strong_only)
                and weight >= self.min_strength)


def edge_level(g: nx.DiGraph, a: str, b: str, levels: Mapping[Edge, str] | None) -> str:
    """An arrow's evidence level: from ``levels`` (``Pathways.evidence``), else the level its basis alone gives."""
    return (levels or {}).get((a, b)) or level_of_basis(g.edges[a, b].get("basis", ""))


def visible(g: nx.DiGraph, f: Filters, levels: Mapping[Edge, str] | None = None) -> nx.DiGraph:
    """The causal view with only the elements and arrows the filters keep; each kept arrow carries its
    evidence ``level``."""
    nodes = [n for n, d in g.nodes(data=True) if d.get("type") in ELEMENT_TYPES and f.keeps_node(d["order"])]
    sub = nx.DiGraph()
    sub.add_nodes_from((n, g.nodes[n]) for n in nodes)
    for a, b, d in g.edges(data=True):
        level = edge_level(g, a, b, levels)
        if a in sub and b in sub and f.keeps_link(level, float(d.get("weight", 0.0))):
            sub.add_edge(a, b, **{**d, "level": level})
    return sub


def focus(g: nx.DiGraph, node: str, depth: int = 1) -> set[str]:
    """``node`` and every element within ``depth`` arrows of it, following arrows either way."""
    if node not in g:
        return set()
    return set(nx.single_source_shortest_path_length(g.to_undirected(as_view=True), node, cutoff=depth))


BADGE_PX = 12  # the chosen path's level labels, drawn near their set size in the fitted canvas
SIZE = (1000, 860)  # about the canvas's own size beside the sidebar, so labels show near their set size
FONT_PX = 14
PADDING = 8
HEAD_H = 44  # column titles sit in boxes this tall (up to two lines), so the fitted extent is known


def elements(g: nx.DiGraph, size: tuple[int, int] = SIZE, focused: str | None = None, depth: int = 1,
             highlight: Iterable[str] = (), highlight_links: Iterable[tuple[str, str]] = (),
             reasons: dict[tuple[str, str], str] | None = None) -> tuple[list[dict], Layout]:
    """cytoscape.js elements (preset positions) for the view ``g``; with ``focused``, the rest is faded."""
    nodes = [DrawNode(n, d["label"], d["order"], d["type"]) for n, d in g.nodes(data=True)]
    links = [DrawLink(a, b, d.get("basis", ""), float(d.get("weight", 0.0)),
                      level=d.get("level") or edge_level(g, a, b, None)) for a, b, d in g.edges(data=True)]
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
    badges: list[tuple[float, float, float, float]] = []
    for lk in lay.links:
        classes = [lk.level]
        on = (lk.source, lk.target) in hl_links
        if on:
            classes.append("path")
        if focused and not (lk.source in near and lk.target in near):
            classes.append("faded")
        out.append({"data": {"id": f"{lk.source}->{lk.target}", "source": lk.source, "target": lk.target,
                             "basis": lk.basis, "level": lk.level, "weight": round(lk.weight, 2),
                             "width": round(1.2 + 3.0 * max(0.0, min(1.0, lk.weight)), 2),
                             "reason": reasons.get((lk.source, lk.target), "")},
                    "classes": " ".join(classes), "selectable": True})
        if on:  # the chosen path's arrows name their level: a label over the boxes, on the arrow's visible part
            w, h = round(len(lk.level) * BADGE_PX * 0.62 + 12, 1), BADGE_PX + 8
            x, y = _badge_point(lay, lay.nodes[lk.source], lay.nodes[lk.target], w, h, badges)
            out.append({"data": {"id": f"badge:{lk.source}->{lk.target}", "label": lk.level, "level": lk.level,
                                 "w": w, "h": h},
                        "position": {"x": round(x, 1), "y": round(y, 1)},
                        "classes": " ".join(["badge", lk.level] + (["faded"] if "faded" in classes else [])),
                        "selectable": False, "grabbable": False})
    return out, lay


def _badge_point(lay: Layout, a: Placed, b: Placed, w: float, h: float,
                 taken: list[tuple[float, float, float, float]]) -> tuple[float, float]:
    """Where a path arrow's label goes: on the part of the straight arrow (centre a → centre b) outside
    both boxes, at the first of a few points from its middle out whose label covers no box and no label
    already placed (``taken``: centre x, y, width, height); else the middle."""
    dx, dy = b.cx - a.cx, b.cy - a.cy

    def leave(n: Placed) -> float:  # the fraction of (dx, dy) at which the line crosses n's border
        return min(n.w / 2 / abs(dx) if dx else float("inf"), n.h / 2 / abs(dy) if dy else float("inf"))

    t0, t1 = leave(a), 1 - leave(b)
    points = [(a.cx + t * dx, a.cy + t * dy) for f in (0.5, 0.35, 0.65, 0.2, 0.8) for t in [t0 + f * (t1 - t0)]]
    boxes = [(n.cx, n.cy, n.w, n.h) for n in lay.nodes.values()] + taken
    for x, y in points:
        if not any(abs(x - bx) < (w + bw) / 2 and abs(y - by) < (h + bh) / 2 for bx, by, bw, bh in boxes):
            break
    else:
        x, y = points[0]
    taken.append((x, y, w, h))
    return x, y


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
    """Boxes like the slide's; arrows styled by evidence level as on the slide (``EVIDENCE_STYLE``); the
    chosen path's arrows keep their level's style over a halo, with the level as a label."""
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
        {"selector": "edge.path", "style": {
            "width": 4.5, "opacity": 1, "z-index": 10, "underlay-color": PATH_HALO, "underlay-padding": 5,
            "underlay-opacity": 0.75}},
        {"selector": "edge:selected", "style": {"line-color": "#b07d00", "target-arrow-color": "#b07d00",
                                                "width": 6}},
        {"selector": ".faded", "style": {"opacity": 0.12}},
        {"selector": "node.badge", "style": {
            "shape": "round-rectangle", "width": "data(w)", "height": "data(h)", "font-size": BADGE_PX,
            "font-weight": "bold", "background-color": "#ffffff", "border-width": 2, "events": "no",
            "z-index": 20}},
        {"selector": "node.column", "style": {"background-opacity": 0, "border-width": 0, "font-weight": "bold",
                                              "color": "#33415c", "text-max-width": "data(w)", "events": "no"}},
    ]
    at = next(i for i, x in enumerate(style) if x["selector"] == "edge.path")  # before it: the path keeps them
    style[at:at] = [{"selector": f"edge.{level}", "style": {
        "line-color": colour, "target-arrow-color": colour, "line-style": "dashed" if dash else "solid",
        **({"line-dash-pattern": [float(x) for x in dash.split()]} if dash else {})}}
        for level, (colour, dash) in EVIDENCE_STYLE.items()]
    style += [{"selector": f"node.badge.{level}", "style": {"border-color": colour}}
              for level, (colour, _dash) in EVIDENCE_STYLE.items()]
    return style


def legend_html(with_path: bool = True, levels: Iterable[str] = LEVELS) -> str:
    """The picture's key as HTML (fixed words only, never document text): a sample line per evidence
    level shown (``levels``), strongest first, as the arrows draw it; the chosen path's halo; what width means."""
    items = []
    for level in (lv for lv in LEVELS if lv in set(levels)):
        colour, dash = EVIDENCE_STYLE[level]
        line = (f'<line x1="2" y1="8" x2="44" y2="8" stroke="{colour}" stroke-width="3"'
                + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        items.append((level, line, legend_words(level)))
    if with_path:
        items.append(("path", f'<line x1="6" y1="8" x2="40" y2="8" stroke="{PATH_HALO}" stroke-width="12" '
                              'stroke-linecap="round" opacity="0.75"/>',
                      "the chosen path (its arrows name their level)"))
    spans = [f'<span class="ep-legend-item" data-level="{key}" style="display:inline-flex;align-items:center;'
             f'gap:6px;margin-right:18px;white-space:nowrap"><svg width="46" height="16" aria-hidden="true">{line}'
             f"</svg>{words}</span>" for key, line, words in items]
    return ('<div class="ep-legend" style="font-size:14px;color:#33415c;line-height:1.9">'
            + "".join(spans) + '<span style="white-space:nowrap">· thicker = stronger</span></div>')

"""The pathway picture as a slide: the model's columns laid out here, written as SVG, rendered to PNG.

Graphviz lays out for a screen and shrinks to fit, which left labels at 6 px. A slide has a known
size (1920 × 1080), so the layout is ours: one column per stage, nodes stacked in each column in the
order that best follows their neighbours (two barycentre sweeps), labels wrapped to the column and
set at a size that stays readable when the slide is shown 1400 px wide. The same positions drive
the explorable picture in the app, so what is downloaded is what was on screen. Arrows are drawn by
evidence level (``draw.EVIDENCE_STYLE``), the chosen path's haloed and badged with their levels.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field

from graph.analysis.draw import EVIDENCE_STYLE, STATUS_FILL, DrawLink, DrawNode
from graph.evidence import LEVELS, MEANING, level_of_basis
from graph.text.labels import wrap

SLIDE = (1920, 1080)
FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
LABEL_PX = 17  # at 1920 wide; shown 1400 wide that is 12.4 px, above the 11 px floor
TITLE_PX = 26
HEAD_PX = 19
CHAR_EM = 0.56  # mean advance of a DejaVu/Liberation Sans character, in em (for wrapping)
MAX_LINES = 5
# Columns: the model's own ("Conditions and inputs" share one, as the model draws them; the impacts too).
COLUMNS = (
    ("Conditions and inputs", 1.0, 3.0),
    ("Processes", 3.0, 4.0),
    ("Activities", 4.0, 5.0),
    ("Outcomes: short term", 5.0, 5.15),
    ("Outcomes: medium term", 5.15, 5.25),
    ("Outcomes: long term", 5.25, 6.0),
    ("Impacts", 6.0, 7.0),
)
PATH_STROKE = "#0b3d91"  # the chosen path's elements
PATH_HALO = "#9fbdf0"  # drawn under the chosen path's arrows, which keep their evidence style
BADGE_PX = 16  # at 1920 wide: 11.7 px at 1400


def link_level(lk: DrawLink) -> str:
    return lk.level if lk.level in EVIDENCE_STYLE else level_of_basis(lk.basis)


@dataclass
class Placed:
    id: str
    label: str
    type: str
    column: int
    x: float  # left
    y: float  # top
    w: float
    h: float
    lines: list[str] = field(default_factory=list)

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass
class Layout:
    width: int
    height: int
    nodes: dict[str, Placed]
    links: list[DrawLink]
    columns: list[tuple[str, float]]  # (title, centre x) of the columns shown
    top: float


def column_of(order: float) -> int | None:
    for i, (_t, lo, hi) in enumerate(COLUMNS):
        if lo <= order < hi:
            return i
    return None


def _wrap(label: str, px_width: float, font_px: float = LABEL_PX, char_em: float = CHAR_EM,
          max_lines: int = MAX_LINES) -> list[str]:
    """Whole words, broken after a slash too ("sustainable/", "connected" ran past its box as one word), the last
    line ending in "…" after a whole word (``graph.text.labels.wrap``)."""
    return wrap(label, max(8, int(px_width / (font_px * char_em))), max_lines, grow=False)  # boxes of one width


def layout(nodes: Iterable[DrawNode], links: Iterable[DrawLink], size: tuple[int, int] = SLIDE,
           title: str = "", font_px: float = LABEL_PX, char_em: float = CHAR_EM, max_lines: int = MAX_LINES,
           box_share: float = 0.74) -> Layout:
    """Positions for every node that sits in a column; links whose ends are both placed."""
    width, height = size
    nodes = [n for n in nodes if column_of(n.order) is not None]
    present = sorted({column_of(n.order) for n in nodes})
    slot = {c: i for i, c in enumerate(present)}
    margin, top = 24, 70 + (TITLE_PX + 14 if title else 0)
    legend = 44
    col_w = (width - 2 * margin) / max(1, len(present))
    box_w = col_w * box_share
    cols: dict[int, list[DrawNode]] = {}
    for n in nodes:
        cols.setdefault(column_of(n.order), []).append(n)
    ids = {n.id for n in nodes}
    links = [lk for lk in links if lk.source in ids and lk.target in ids]
    order = _order(cols, links)
    placed: dict[str, Placed] = {}
    avail = height - top - legend - margin
    for c, members in cols.items():
        ranked = sorted(members, key=lambda n: order[n.id])
        wrapped = [_wrap(n.label, box_w - 16, font_px, char_em, max_lines) for n in ranked]
        heights = [len(w) * font_px * 1.25 + 18 for w in wrapped]
        gap = max(8.0, (avail - sum(heights)) / (len(ranked) + 1))
        y = top + gap
        x = margin + slot[c] * col_w + (col_w - box_w) / 2
        for n, w, h in zip(ranked, wrapped, heights, strict=True):
            placed[n.id] = Placed(n.id, n.label, n.type, c, x, y, box_w, h, w)
            y += h + gap
    columns = [(COLUMNS[c][0], margin + slot[c] * col_w + col_w / 2) for c in present]
    return Layout(width, height, placed, links, columns, top)


def _order(cols: dict[int, list[DrawNode]], links: list[DrawLink]) -> dict[str, float]:
    """Rank within each column: alphabetical, then two sweeps placing nodes at their neighbours' mean rank."""
    rank: dict[str, float] = {}
    for members in cols.values():
        for i, n in enumerate(sorted(members, key=lambda n: n.label.lower())):
            rank[n.id] = i
    preds: dict[str, list[str]] = {}
    succs: dict[str, list[str]] = {}
    for lk in links:
        preds.setdefault(lk.target, []).append(lk.source)
        succs.setdefault(lk.source, []).append(lk.target)
    for neighbours, seq in ((preds, sorted(cols)), (succs, sorted(cols, reverse=True))):
        for c in seq:
            keyed = []
            for n in cols[c]:
                near = [rank[m] for m in neighbours.get(n.id, []) if m in rank]
                keyed.append((sum(near) / len(near) if near else rank[n.id], rank[n.id], n.id))
            for i, (_, _, nid) in enumerate(sorted(keyed)):
                rank[nid] = i
    return rank


def legend_words(level: str) -> str:
    """'stated in a document', 'curated: added by a curator': the level's own word always comes first,
    so a badge on an arrow reads straight off the legend."""
    words = MEANING[level]
    return words if words.startswith(level) else f"{level}: {words}"


def _edge_curve(a: Placed, b: Placed) -> list[tuple[float, float]]:
    """The arrow's cubic Bézier control points: from a's right side to b's left (or an arc in a column)."""
    if a.column == b.column:  # within a column: an arc out to the right and back
        x = a.x + a.w
        bulge = 60
        return [(x, a.cy), (x + bulge, a.cy), (x + bulge, b.cy), (x, b.cy)]
    x1, y1, x2, y2 = a.x + a.w, a.cy, b.x, b.cy
    dx = max(40.0, (x2 - x1) / 2)
    return [(x1, y1), (x1 + dx, y1), (x2 - dx, y2), (x2, y2)]


def _edge_path(a: Placed, b: Placed) -> str:
    (x1, y1), (c1x, c1y), (c2x, c2y), (x2, y2) = _edge_curve(a, b)
    return f"M{x1:.1f},{y1:.1f} C{c1x:.1f},{c1y:.1f} {c2x:.1f},{c2y:.1f} {x2:.1f},{y2:.1f}"


def _midpoint(a: Placed, b: Placed) -> tuple[float, float]:
    p = _edge_curve(a, b)
    return ((p[0][0] + 3 * p[1][0] + 3 * p[2][0] + p[3][0]) / 8, (p[0][1] + 3 * p[1][1] + 3 * p[2][1] + p[3][1]) / 8)


def to_svg(lay: Layout, highlight: Iterable[str] = (), highlight_links: Iterable[tuple[str, str]] = (),
           status: dict[str, str] | None = None, title: str = "", reasons: dict[tuple[str, str], str] | None = None,
           ) -> str:
    """Standalone SVG; every arrow styled by its evidence level, its tooltip (<title>) the level, basis,
    strength and reason; the chosen path's arrows haloed and badged with their level; text escaped."""
    e = html.escape
    hl, hl_links, status, reasons = set(highlight), set(highlight_links), status or {}, reasons or {}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{lay.width}" height="{lay.height}" '
           f'viewBox="0 0 {lay.width} {lay.height}" font-family="{FONT}">',
           "<defs>"]
    for name, (colour, _dash) in EVIDENCE_STYLE.items():
        out.append(f'<marker id="arrow-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="13" '
                   f'markerHeight="13" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
                   f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/>'
                   "</marker>")
    out += ["</defs>", f'<rect width="{lay.width}" height="{lay.height}" fill="#ffffff"/>']
    if title:
        px = max(LABEL_PX - 2, min(TITLE_PX, int((lay.width - 48) / (len(title) * CHAR_EM * 1.08))))  # bold is wider
        out.append(f'<text x="24" y="{24 + TITLE_PX}" font-size="{px}" font-weight="bold" '
                   f'fill="#1b2733">{e(title)}</text>')
    for name, cx in lay.columns:
        out.append(f'<text x="{cx:.1f}" y="{lay.top - 24:.1f}" font-size="{HEAD_PX}" font-weight="bold" '
                   f'text-anchor="middle" fill="#33415c">{e(name)}</text>')
    ordered = sorted(lay.links, key=lambda lk: (lk.source, lk.target) in hl_links)  # the path on top
    badges = []
    for lk in ordered:
        a, b = lay.nodes[lk.source], lay.nodes[lk.target]
        on = (lk.source, lk.target) in hl_links
        level = link_level(lk)
        colour, dash = EVIDENCE_STYLE[level]
        width = 4.5 if on else 1.2 + 3.0 * max(0.0, min(1.0, lk.weight))
        reason = reasons.get((lk.source, lk.target), "")
        tip = (f"{a.label} → {b.label}: {MEANING[level]} ({lk.basis}), strength {lk.weight:.2f}"
               + (f". {reason}" if reason else ""))
        d = _edge_path(a, b)
        if on:
            out.append(f'<path class="halo" d="{d}" fill="none" stroke="{PATH_HALO}" stroke-width="13" '
                       'stroke-linecap="round" opacity="0.75"/>')
        out.append(f'<path class="link {e(lk.basis)} {level}{" on-path" if on else ""}" data-level="{level}" '
                   f'd="{d}" fill="none" stroke="{colour}" stroke-width="{width:.1f}"'
                   + (f' stroke-dasharray="{dash}"' if dash else "")
                   + f' opacity="{1.0 if on else 0.8}" marker-end="url(#arrow-{level})">'
                   f"<title>{e(tip)}</title></path>")
        if on:
            badges.append(_badge(*_midpoint(a, b), level, tip))
    for n in lay.nodes.values():
        fill = STATUS_FILL.get(status.get(n.id, ""), "#dbe7ff" if n.id in hl else "#f4f6fa")
        edge = PATH_STROKE if n.id in hl else "#9aa5b8"
        out.append(f'<g class="node" data-id="{e(n.id)}"><title>{e(n.label)} ({e(n.type)})</title>'
                   f'<rect x="{n.x:.1f}" y="{n.y:.1f}" width="{n.w:.1f}" height="{n.h:.1f}" rx="8" fill="{fill}" '
                   f'stroke="{edge}" stroke-width="{3.0 if n.id in hl else 1.2}"/>')
        y0 = n.y + 9 + LABEL_PX
        bold = ' font-weight="bold"' if n.id in hl else ""
        for i, line in enumerate(n.lines):
            out.append(f'<text x="{n.cx:.1f}" y="{y0 + i * LABEL_PX * 1.25:.1f}" font-size="{LABEL_PX}" '
                       f'text-anchor="middle" fill="#1b2733"'
                       f"{bold}>{e(line)}</text>")
        out.append("</g>")
    out += badges  # over the boxes, so a badge is never hidden
    out.append(_legend(lay, bool(hl_links)))
    out.append("</svg>")
    return "\n".join(out)


def _badge(x: float, y: float, level: str, tip: str) -> str:
    """A level's short name in a white pill edged in the level's colour, centred on (x, y)."""
    colour = EVIDENCE_STYLE[level][0]
    w, h = len(level) * BADGE_PX * CHAR_EM + 14, BADGE_PX + 8
    return (f'<g class="badge" data-level="{level}"><title>{html.escape(tip)}</title>'
            f'<rect x="{x - w / 2:.1f}" y="{y - h / 2:.1f}" width="{w:.1f}" height="{h:.1f}" rx="{h / 2:.1f}" '
            f'fill="#ffffff" stroke="{colour}" stroke-width="2"/>'
            f'<text x="{x:.1f}" y="{y + BADGE_PX * 0.36:.1f}" font-size="{BADGE_PX}" font-weight="bold" '
            f'text-anchor="middle" fill="#1b2733">{level}</text></g>')


def _legend(lay: Layout, with_path: bool) -> str:
    """One sample line per evidence level (strongest first), the chosen path's halo, and what width means."""
    y = lay.height - 26
    x = 24.0
    parts = []
    items = [(*EVIDENCE_STYLE[lv], legend_words(lv)) for lv in LEVELS]
    if with_path:
        items.append((PATH_HALO, "", "the chosen path"))
    for colour, dash, text in items:
        if colour == PATH_HALO:  # the halo alone: the path's own arrows keep their level's style
            parts.append(f'<line class="legend" x1="{x:.0f}" y1="{y - 5}" x2="{x + 46:.0f}" y2="{y - 5}" '
                         f'stroke="{PATH_HALO}" stroke-width="13" stroke-linecap="round" opacity="0.75"/>')
        else:
            parts.append(f'<line class="legend" x1="{x:.0f}" y1="{y - 5}" x2="{x + 46:.0f}" y2="{y - 5}" '
                         f'stroke="{colour}" stroke-width="3"' + (f' stroke-dasharray="{dash}"' if dash else "")
                         + "/>")
        parts.append(f'<text x="{x + 56:.0f}" y="{y}" font-size="{LABEL_PX - 1}" fill="#33415c">'
                     f"{html.escape(text)}</text>")
        x += 56 + len(text) * (LABEL_PX - 1) * CHAR_EM + 32
    parts.append(f'<text x="{lay.width - 24}" y="{y}" font-size="{LABEL_PX - 1}" text-anchor="end" '
                 'fill="#33415c">thicker = stronger</text>')
    return "\n".join(parts)


def to_png(svg: str, size: tuple[int, int] = SLIDE) -> bytes:
    """The SVG rendered at ``size`` (cairosvg, with the system's fonts)."""
    import cairosvg

    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), output_width=size[0], output_height=size[1])

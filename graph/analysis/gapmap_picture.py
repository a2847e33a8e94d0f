"""The evidence and gap map as a slide: SVG at 1920 × 1080 (PNG through ``picture.to_png``), as the page draws it.

Rows down the left (grouped by stage), columns across the top (labels turned upright), a circle per cell
whose area grows with its case studies, coloured by its evidence level (``draw.EVIDENCE_STYLE``), and each
gap shaded by how many routes cross it. The page's grid uses the same sizes and shades (``diameter``,
``route_shade``), so what is downloaded is what was on screen. Text sizes stay readable when the slide is
shown 1400 px wide (``picture.LABEL_PX``).
"""

from __future__ import annotations

import html
import math

from graph.analysis.draw import EVIDENCE_STYLE
from graph.analysis.gapmap import EvidenceMap
from graph.analysis.picture import CHAR_EM, FONT, LABEL_PX, SLIDE, TITLE_PX
from graph.evidence import MEANING
from graph.text.labels import wrap

GROUPS = {"Condition": "Conditions", "Input": "Inputs", "Process": "Processes", "Activity": "Activities",
          "Outcome": "Outcomes", "Impact": "Impacts"}
GAP_FILL = "#f4f5f7"  # a gap no route crosses
ROUTE_FILL = "#e88c1e"  # a gap routes cross, at an opacity that grows with their number
HEAD_FILL = "#eef2f8"


def diameter(count: int, cap: int = 34) -> int:
    """A cell's circle in px (on the page; the slide scales it): its area grows with the case studies."""
    return min(cap, round(14 * count ** 0.5) + 4)


def route_shade(routes: int, most: int) -> float:
    """How deep a gap's shade is (0 for no route): the share of the most routes any gap has, on a log scale."""
    if routes <= 0 or most <= 0:
        return 0.0
    return round(0.1 + 0.45 * math.log1p(routes) / math.log1p(most), 2)


def _lines(text: str, px: float, font: float, n: int) -> list[str]:
    """``text`` in at most ``n`` lines that fit ``px`` at ``font``, broken and cut between words (``wrap``): a
    label that needs more lines ends in "…" after its last whole word, never inside one."""
    return wrap(text, max(6, int(px / (font * CHAR_EM))), n, grow=False)


def describe(m: EvidenceMap) -> str:
    """The filters in words, for the slide's title ("" when none)."""
    f = m.filters
    names = {k.casefold(): name for c in m.cases for pid, name in c.places for k in (pid, name)}
    place = names.get(f.place.casefold(), f.place) if f.place else ""  # "in Halifax", not "in place/halifax"
    parts = [f"in {place}" if place else "", f"organisations of type {f.org_type}" if f.org_type else "",
             f"dated from {f.date_from}" if f.date_from else "", f"dated to {f.date_to}" if f.date_to else ""]
    return ", ".join(p for p in parts if p)


def to_svg(m: EvidenceMap, title: str = "Evidence and gap map", size: tuple[int, int] = SLIDE) -> str:
    """The whole grid on one slide. Every label is escaped; nothing is fetched."""
    e = html.escape
    W, H = size
    margin, left, font = 24, 440, LABEL_PX
    top = margin + TITLE_PX + 22  # below the title
    head_h, legend_h = 200, 46
    n_slots = len(m.rows) + len(dict.fromkeys(r.type for r in m.rows))
    grid_x, grid_y = margin + left, top + 28 + head_h
    cw = (W - grid_x - margin) / max(1, len(m.columns))
    rh = min(44.0, (H - grid_y - legend_h - margin) / max(1, n_slots))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
           f'font-family="{FONT}" data-kind="gapmap">',
           f'<rect width="{W}" height="{H}" fill="#ffffff"/>']
    sub = describe(m)
    heading = f"{title}: {len(m.kept)} of {len(m.cases)} case studies" + (f" ({sub})" if sub else "")
    out.append(f'<text x="{margin}" y="{margin + TITLE_PX}" font-size="{TITLE_PX}" font-weight="bold" '
               f'fill="#1b2733">{e(heading)}</text>')
    # column groups and labels, turned upright (read bottom to top)
    x = grid_x
    for t in dict.fromkeys(c.type for c in m.columns):
        n = sum(c.type == t for c in m.columns)
        out.append(f'<rect x="{x:.1f}" y="{top}" width="{n * cw:.1f}" height="26" fill="{HEAD_FILL}"/>'
                   f'<text x="{x + n * cw / 2:.1f}" y="{top + 19}" font-size="{font}" font-weight="bold" '
                   f'text-anchor="middle" fill="#1b2733">{GROUPS[t]}</text>')
        x += n * cw
    for i, c in enumerate(m.columns):
        lines = _lines(c.label, head_h - 10, font - 1, max(1, int(cw // ((font - 1) * 1.2))))
        cx = grid_x + i * cw + cw / 2 - (len(lines) - 1) * (font - 1) * 0.6
        spans = "".join(f'<tspan x="0" dy="{0 if j == 0 else (font - 1) * 1.2:.1f}">{e(s)}</tspan>'
                        for j, s in enumerate(lines))
        out.append(f'<text class="col" data-id="{e(c.id)}" transform="translate({cx + (font - 1) * 0.35:.1f},'
                   f'{grid_y - 6:.1f}) rotate(-90)" font-size="{font - 1}" fill="#1b2733"><title>{e(c.label)}</title>'
                   f"{spans}</text>")
    # rows, grouped by stage, and the cells
    most = max((g.routes for g in m.gaps), default=0)
    biggest = max((c.count for c in m.cells), default=1)
    y, last = grid_y, ""
    gw = len(m.columns) * cw
    for r in m.rows:
        if r.type != last:
            out.append(f'<rect x="{margin}" y="{y:.1f}" width="{left + gw:.1f}" height="{rh:.1f}" fill="{HEAD_FILL}"/>'
                       f'<text x="{margin + 6}" y="{y + rh / 2 + font * 0.35:.1f}" font-size="{font}" '
                       f'font-weight="bold" fill="#1b2733">{GROUPS[r.type]}</text>')
            y += rh
            last = r.type
        label = _lines(r.label, left - 16, font, 1)[0]
        out.append(f'<text class="row" data-id="{e(r.id)}" x="{margin + 6}" y="{y + rh / 2 + font * 0.35:.1f}" '
                   f'font-size="{font}" fill="#1b2733"><title>{e(r.label)}</title>{e(label)}</text>')
        for i, c in enumerate(m.columns):
            x = grid_x + i * cw
            cell, gap = m.cell(r.id, c.id), m.gap(r.id, c.id)
            if cell:
                full = min(cw, rh) - 4  # the largest cell fills its row; the area follows the count
                d = max(0.7 * full, full * math.sqrt(cell.count / biggest))
                tip = f"{r.label} × {c.label}: {cell.count} case studies ({MEANING[cell.level]})"
                out.append(f'<g class="cell" data-row="{e(r.id)}" data-col="{e(c.id)}" data-count="{cell.count}" '
                           f'data-level="{cell.level}"><title>{e(tip)}</title>'
                           f'<rect x="{x:.1f}" y="{y:.1f}" width="{cw:.1f}" height="{rh:.1f}" fill="#ffffff" '
                           f'stroke="#dde2e8"/><circle cx="{x + cw / 2:.1f}" cy="{y + rh / 2:.1f}" r="{d / 2:.1f}" '
                           f'fill="{EVIDENCE_STYLE[cell.level][0]}"/><text x="{x + cw / 2:.1f}" '
                           f'y="{y + rh / 2 + (font - 3) * 0.36:.1f}" font-size="{font - 3}" font-weight="bold" '
                           f'text-anchor="middle" fill="#ffffff">{cell.count}</text></g>')
            else:
                routes = gap.routes if gap else 0
                shade = route_shade(routes, most)
                fill = (f'fill="{ROUTE_FILL}" fill-opacity="{shade}"' if shade else f'fill="{GAP_FILL}"')
                out.append(f'<rect class="gap" data-row="{e(r.id)}" data-col="{e(c.id)}" data-routes="{routes}" '
                           f'x="{x:.1f}" y="{y:.1f}" width="{cw:.1f}" height="{rh:.1f}" {fill} stroke="#dde2e8">'
                           f"<title>{e(f'{r.label} × {c.label}: no case study; {routes} route(s) cross it')}</title>"
                           "</rect>")
        y += rh
    out.append(_legend(W, H, margin, font, most))
    out.append("</svg>")
    return "\n".join(out)


def _legend(W: int, H: int, margin: int, font: int, most: int) -> str:
    """Fixed words: the two levels a cell can have, what size means, and the gaps' shades."""
    y = H - margin - 8
    x = float(margin)
    parts = []
    for level in ("stated", "shown"):
        words = {"stated": "stated: a document states the arrow row → column",
                 "shown": "shown: a case study illustrates both"}[level]
        parts.append(f'<circle cx="{x + 10}" cy="{y - 6}" r="10" fill="{EVIDENCE_STYLE[level][0]}"/>'
                     f'<text x="{x + 28}" y="{y}" font-size="{font - 1}" fill="#33415c">{html.escape(words)}</text>')
        x += 28 + len(words) * (font - 1) * CHAR_EM + 30
    words = "area: number of case studies"
    parts.append(f'<text x="{x}" y="{y}" font-size="{font - 1}" fill="#33415c">{words}</text>')
    x += len(words) * (font - 1) * CHAR_EM + 30
    for n in (1, 30, 1000):
        parts.append(f'<rect x="{x}" y="{y - 16}" width="20" height="20" fill="{ROUTE_FILL}" '
                     f'fill-opacity="{route_shade(n, 1000)}" stroke="#dde2e8"/>')
        x += 22
    words = "gap: deeper, more routes cross it"
    parts.append(f'<text x="{x + 6}" y="{y}" font-size="{font - 1}" fill="#33415c">{words}</text>')
    x += 6 + len(words) * (font - 1) * CHAR_EM + 30
    parts.append(f'<rect x="{x}" y="{y - 16}" width="20" height="20" fill="{GAP_FILL}" stroke="#dde2e8"/>'
                 f'<text x="{x + 28}" y="{y}" font-size="{font - 1}" fill="#33415c">gap on no route</text>')
    return "\n".join(parts)

"""Graphviz DOT for pathways, laid out like the logic model: stages as columns, left to right.

Pure functions over plain data, so the app, the CLI and tests draw the same picture.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from graph.evidence import MEANING, level_of_basis
from graph.text.labels import wrap

COLUMNS = [  # (order range, column title)
    ((0.0, 0.9), "Vision & purpose"),
    ((1.0, 1.9), "Conditions"),
    ((2.0, 2.9), "Inputs"),
    ((3.0, 3.9), "Processes"),
    ((4.0, 4.9), "Activities"),
    ((5.0, 5.15), "Outcomes: short"),
    ((5.15, 5.25), "Outcomes: medium"),
    ((5.25, 5.9), "Outcomes: long"),
    ((6.0, 6.15), "Impacts: individual"),
    ((6.15, 6.9), "Impacts: wider"),
]
# Every arrow is styled by its evidence level, by colour *and* dash, so the levels part without colour:
# stated solid green, shown dash-dot blue, curated dotted purple, inferred dashed grey. One table for the
# slide, the explorable picture and the Graphviz drawings.
EVIDENCE_STYLE = {  # level: (stroke, SVG dash pattern; "" = solid)
    "stated": ("#1f6f3f", ""),
    "shown": ("#1565c0", "14 5 3 5"),
    "curated": ("#7a3db8", "3 4"),
    "inferred": ("#8a8a8a", "9 6"),
}
DOT_STYLE = {"stated": "solid", "shown": "dashed", "curated": "dotted", "inferred": "dashed"}  # Graphviz's own
STATUS_FILL = {
    "open": "#d6f5d6",
    "blocked": "#f8d0d0",
    "unknown": "#fff1c2",
    "in place": "#b8ecb8",
    "partly": "#fff1c2",
    "missing": "#f8d0d0",
    "at risk": "#ffd9a0",
}


@dataclass(frozen=True)
class DrawNode:
    id: str
    label: str
    order: float
    type: str = ""


@dataclass(frozen=True)
class DrawLink:
    """A link as drawn: a ``LinkRecord``'s ends, basis and weight with what the drawing derives for it (its
    evidence level from ``graph.evidence``, its tooltip). Not a record: it may come from a networkx edge or a
    test's hand, carries no provenance, and holds the level, which no record stores."""

    source: str
    target: str
    basis: str
    weight: float
    reason: str = ""  # the link's rationale: shown as the arrow's tooltip
    level: str = ""  # evidence level (graph.evidence.LEVELS); "" = read from the basis alone


@dataclass(frozen=True)
class Drawing:
    """One Graphviz picture's content: its boxes, the model's links between them, and how boxes are coloured
    (``STATUS_FILL``)."""

    nodes: list[DrawNode]
    links: list[DrawLink]
    status: dict[str, str] = field(default_factory=dict)

    @property
    def unlinked(self) -> list[DrawNode]:
        """The boxes no arrow touches, by stage then label: a page says in words that the model links them to
        nothing drawn, so a box alone is not read as an arrow left out."""
        touched = {x for lk in self.links for x in (lk.source, lk.target)}
        return sorted((n for n in self.nodes if n.id not in touched), key=lambda n: (n.order, n.label))


def column_of(order: float) -> int:
    for i, ((lo, hi), _title) in enumerate(COLUMNS):
        if lo <= order < hi:
            return i
    return len(COLUMNS) - 1 if order >= 6 else 0


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


# Streamlit sets all the drawing's text at 0.6rem (9.6 px in the drawing's units, whatever the DOT says) and
# shows the drawing at its own size (points: 4/3 px each), shrunk only to fit the page: so boxes are laid out for
# 9.6 pt text (they fit it), text reads at about 12.8 px, and a one-box drawing stays one box's size (stretched
# to the page's width it was 940 × 2032 px). 11 characters a line keep ten columns within the page at 1400 px.
LABEL_CHARS = 11
FONT_PT = 9.6


def _wrap(label: str, width: int = 22, lines: int = 3) -> str:
    """A DOT label in whole words (``graph.text.labels.wrap``); the tooltip carries the whole label."""
    return "\\n".join(p.replace("\\", "\\\\").replace('"', '\\"') for p in wrap(label, width, lines))


def to_dot(
    nodes: Iterable[DrawNode],
    links: Iterable[DrawLink],
    highlight: Iterable[str] = (),
    highlight_links: Iterable[tuple[str, str]] = (),
    status: dict[str, str] | None = None,
    title: str = "",
) -> str:
    """DOT text: one column per stage, edges styled by evidence level (``EVIDENCE_STYLE``; Graphviz has
    no dash-dot, so shown is dashed blue) and weight, the chosen path drawn thick and dark; ``status``
    colours nodes."""
    nodes = list(nodes)
    links = list(links)
    hl = set(highlight)
    hl_links = set(highlight_links)
    status = status or {}
    cols: dict[int, list[DrawNode]] = {}
    for n in nodes:
        cols.setdefault(column_of(n.order), []).append(n)
    out = [
        "digraph pathway {",
        "rankdir=LR; newrank=true; nodesep=0.12; ranksep=0.22; splines=true;",
        f'node [shape=box style="rounded,filled" margin="0.06,0.04" fillcolor="#f4f6fa" color="#9aa5b8" '
        'fontname="Helvetica" '
        f'fontsize={FONT_PT}];',
        "edge [arrowsize=0.6];",
    ]
    if title:
        out.append(f"labelloc=t; label={_q(title)}; fontname=Helvetica; fontsize=12;")
    # One rank per stage column, headed by a plain-text title; invisible edges keep the columns in order.
    present = sorted(cols)
    for ci in present:
        out.append(
            f'"col{ci}" [shape=plaintext style="" fontsize={FONT_PT} fontname="Helvetica-Bold" '
            f'label="{_wrap(COLUMNS[ci][1], LABEL_CHARS, 2)}"];'
        )
    for a, b in zip(present, present[1:], strict=False):
        out.append(f'"col{a}" -> "col{b}" [style=invis];')
    for ci in present:
        members = sorted(cols[ci], key=lambda n: n.label)
        out.append(f'{{ rank=same; "col{ci}"; ' + " ".join(_q(n.id) + ";" for n in members) + " }")
        prev = f'"col{ci}"'
        for n in members:
            attrs = [f'label="{_wrap(n.label, LABEL_CHARS, 5)}"', f"tooltip={_q(n.label)}"]
            if n.id in status:
                attrs.append(f'fillcolor="{STATUS_FILL.get(status[n.id], "#f4f6fa")}"')
            if n.id in hl:
                attrs += ["penwidth=2.5", 'color="#0b3d91"']
                if n.id not in status:
                    attrs.append('fillcolor="#dbe7ff"')
            out.append(f"  {_q(n.id)} [{' '.join(attrs)}];")
            out.append(f"  {prev} -> {_q(n.id)} [style=invis];")  # stacks the column under its title
            prev = _q(n.id)
    for link in links:
        level = link.level if link.level in EVIDENCE_STYLE else level_of_basis(link.basis)
        style = f'style={DOT_STYLE[level]} color="{EVIDENCE_STYLE[level][0]}"'
        width = 0.6 + 2.0 * max(0.0, min(1.0, link.weight))
        on_path = (link.source, link.target) in hl_links
        extra = f"penwidth={3.5 if on_path else width:.1f}" + (' color="#0b3d91" style=solid' if on_path else "")
        tip = (f"{MEANING[level]} ({link.basis}), strength {link.weight:.2f}"
               + (f": {link.reason}" if link.reason else ""))
        out.append(f"{_q(link.source)} -> {_q(link.target)} [{style} {extra} tooltip={_q(tip)}];")
    out.append("}")
    return "\n".join(out)

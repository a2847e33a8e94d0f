"""A pathway for a meeting: picture, strength explained, steps, the reason for every arrow, assumptions, sources.

The report is one self-contained HTML file (the picture inline as SVG, no outside resource), and a
PDF made from that same HTML by WeasyPrint, so the two never differ. Every piece of document text is
escaped: the report shows the sources' words, never their markup.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime

from graph.analysis.chains import Chain, attached_how
from graph.analysis.draw import DrawLink, DrawNode
from graph.analysis.paths import Path
from graph.analysis.picture import layout, legend_words, link_level, to_svg
from graph.evidence import MEANING, WEAKEST_RULE, Evidence, link_evidence, weakest
from graph.records import LinkRecord as Link
from graph.stages import section_words
from graph.store import KnowledgeGraph

ELEMENT_TYPES = ("Condition", "Input", "Process", "Activity", "Outcome", "Impact")


def link_reason(link: Link) -> str:
    """The arrow's one-line reason in plain words (stored with the link at ingest)."""
    return getattr(link, "rationale", "") or link.reason or link.evidence


def path_steps(path: Path, evidence: Mapping[tuple[str, str], Evidence] | None = None) -> list[Evidence]:
    """The evidence of each step of a path (``Pathways.evidence()``, which reads the case studies); a link it
    lacks is judged on its basis alone (stated, curated or inferred)."""
    evidence = evidence or {}
    return [evidence.get((lk.source, lk.target)) or link_evidence(lk, {}) for lk in path.links]


def step_reason(link: Link, ev: Evidence) -> str:
    """Why a step's arrow is there, led by its evidence level's own reason (what the badge says), then how the
    arrow was drawn where that adds something: a shown link names its case study and keeps its wording."""
    why = _sentence(ev.why[:1].upper() + ev.why[1:])
    if ev.level in ("stated", "curated"):
        return why
    return f"{why} {link_reason(link)}"


def _sentence(text: str) -> str:
    """``text`` ending in a full stop, unless a quoted sentence already ends it ('… sustainable.”', not '.”.')."""
    return text if re.search(r"[.!?…][”’\"')]*$", text.rstrip()) else text.rstrip() + "."


def weakest_text(kg: KnowledgeGraph, steps: list[Evidence]) -> str:
    """The weakest step by the one rule (``graph.evidence.weakest``), in words: which arrow, its level, strength."""
    i = weakest(steps)
    if i is None:
        return ""
    w = steps[i]
    # the table numbers elements, so an arrow runs from one numbered step to the next
    return (f"the arrow from step {i + 1} to step {i + 2}, {kg.nodes[w.source].label} → {kg.nodes[w.target].label}: "
            f"{MEANING[w.level]}, strength {w.weight:.2f}")


def score_text(kg: KnowledgeGraph, path: Path, steps: list[Evidence]) -> str:
    """What a path's strength is (the product of its link strengths) and its weakest step, by the one rule."""
    if not path.links:
        return "A single element: no links to weigh."
    factors = " × ".join(f"{lk.weight:.2f}" for lk in path.links)
    return (f"Strength {path.weight:.2f} = {factors}, the product of its {len(path.links)} link strengths "
            f"(1.00 would mean every link is certain; each extra link multiplies in, so longer paths score lower). "
            f"Its weakest step, by {WEAKEST_RULE}, is {weakest_text(kg, steps)}. "
            "Read its reason before relying on the path.")


def picture_svg(kg: KnowledgeGraph, links: list[Link] | list[DrawLink], paths: list[Path], chosen: int = 0,
                title: str = "", size: tuple[int, int] = (1920, 1080), context: bool = True,
                levels: Mapping[tuple[str, str], str] | None = None) -> str:
    """The slide picture: every element (with ``context``) or only the paths', the chosen path highlighted;
    ``levels`` gives each arrow's evidence level (``Pathways.evidence``), else it is read from the basis."""
    ids = {n for p in paths for n in p.nodes}
    if context:
        ids |= {n.id for n in kg.of_type(*ELEMENT_TYPES)}
    nodes = [DrawNode(i, kg.nodes[i].label, kg.nodes[i].order, kg.nodes[i].type) for i in sorted(ids)]
    levels = levels or {}

    def drawn(lk) -> DrawLink:
        return DrawLink(lk.source, lk.target, lk.basis, lk.weight,
                        level=levels.get((lk.source, lk.target), getattr(lk, "level", "")))

    draw = {(lk.source, lk.target): drawn(lk) for lk in links}
    reasons = {(lk.source, lk.target): link_reason(lk) for lk in links if isinstance(lk, Link)}
    for p in paths:
        for lk in p.links:
            draw.setdefault((lk.source, lk.target), drawn(lk))
            reasons[(lk.source, lk.target)] = link_reason(lk)
    hl = paths[chosen] if paths else None
    note = _unbacked_note([draw[(lk.source, lk.target)] for lk in hl.links] if hl else [])
    title = " · ".join(t for t in (title, note) if t)
    lay = layout(nodes, draw.values(), size, title)
    return to_svg(lay, hl.nodes if hl else (), [(lk.source, lk.target) for lk in hl.links] if hl else (),
                  title=title, reasons=reasons)


def _unbacked_note(steps: list[DrawLink]) -> str:
    """The slide's caveat, in its title, when the chosen path rests on steps no document states and no case
    shows (inferred by similarity, or added by a curator): a slide leaves the room without the page's
    explanations."""
    levels = [link_level(lk) for lk in steps]
    weak = [(levels.count(lv), lv) for lv in ("inferred", "curated") if lv in levels]
    if not weak:
        return ""
    n = len(steps)
    said = " and ".join(f"{k} {lv}" for k, lv in weak)
    return f"{said} of its {n} step{'s' if n != 1 else ''} (not stated in a document or shown by a case)"


def _where(kg: KnowledgeGraph, nid: str) -> str:
    n = kg.nodes[nid]
    extra = n.horizon or n.scope
    return n.stage_label + (f" ({extra})" if extra else "")


def report_html(kg: KnowledgeGraph, path: Path, chain: Chain | None, svg: str, title: str = "",
                generated: datetime | None = None, evidence: Mapping[tuple[str, str], Evidence] | None = None) -> str:
    """The printable report of one pathway; every text escaped, the picture inline; each step's link named by
    its evidence level and reason as the app names them (``evidence``: ``Pathways.evidence()``, with the case
    studies; without it a link is judged on its basis alone), the weakest marked by the one rule."""
    e = html.escape
    title = title or " → ".join(kg.nodes[n].label for n in (path.nodes[0], path.nodes[-1]))
    when = (generated or datetime.now(UTC)).strftime("%d %B %Y, %H:%M UTC")
    evs = path_steps(path, evidence)
    weak = weakest(evs) if len(evs) > 1 else None  # one step is trivially the weakest: no mark
    steps = []
    for i, nid in enumerate(path.nodes):
        lk, ev = (path.links[i - 1], evs[i - 1]) if i else (None, None)
        mark = " <b>(the weakest step)</b>" if i and i - 1 == weak else ""
        link_cell = (f"{e(legend_words(ev.level))}, strength {lk.weight:.2f}{mark}<br>"
                     f"<span class=reason>{e(step_reason(lk, ev))}</span>") if lk and ev else "start"
        steps.append(f"<tr><td>{i + 1}</td><td>{e(_where(kg, nid))}</td><td><b>{e(kg.nodes[nid].label)}</b></td>"
                     f"<td>{link_cell}</td></tr>")
    assumptions = []
    if chain is not None:
        for step in chain.steps:  # each step's own assumptions, with why each sits under it
            for a in step.assumptions:
                how = attached_how(a)
                assumptions.append(f"<li><b>{e(step.element['label'])}</b> assumes: {e(kg.nodes[a['id']].text)}"
                                   + (f" <span class=reason>({e(how)})</span>" if how else "") + "</li>")
    sources = []
    for nid in path.nodes:
        n = kg.nodes[nid]
        for s in n.sources[:2]:
            text = re.sub(r"^\s*(?:[-–•*]\s+)+", "", " ".join(s.quote.split()))  # a list item's own dash
            quote = text if len(text) <= 400 else text[:400].rsplit(" ", 1)[0] + " …"
            words = section_words(s.section)  # "Inputs", not the document's "INPUTS"; not the title again
            section = f", {e(words)}" if words and words != s.document else ""
            sources.append(f"<li><b>{e(n.label)}</b>: {e(s.document)}{section} (characters {s.start}–{s.end})"
                           f"<blockquote>{e(quote)}</blockquote></li>")
    for lk in path.links:
        if lk.basis == "textual" and lk.evidence_quote:
            sources.append(f"<li><b>{e(kg.nodes[lk.source].label)} → {e(kg.nodes[lk.target].label)}</b> "
                           f"(the sentence that states it)<blockquote>{e(lk.evidence_quote)}</blockquote></li>")
    # inline, sized by the page (the viewBox keeps its proportions), not by the slide's pixel size
    svg_inline = re.sub(r'<svg ([^>]*?)width="\d+" height="\d+"', r'<svg class="picture" \1', svg, count=1)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{e(title)}: pathway</title>
<style>
@page {{ size: A4 landscape; margin: 12mm; }}
body {{ font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10.5pt; color: #1b2733;
       max-width: 1100px; margin: 1.5em auto; }}
h1 {{ font-size: 18pt; margin: 0 0 .2em; }} h2 {{ font-size: 13pt; margin: 1.2em 0 .4em; }}
.picture {{ width: 100%; height: auto; border: 1px solid #ccd; }}
@media print {{ .picture {{ height: 135mm; }} body {{ margin: 0; max-width: none; }} }}
table {{ border-collapse: collapse; width: 100%; }} td, th {{ border: 1px solid #ccd; padding: 4px 6px;
       vertical-align: top; text-align: left; }}
.reason {{ color: #33415c; }} blockquote {{ margin: .3em 0 .6em 1em; color: #33415c; font-style: italic; }}
.meta {{ color: #5a6478; }} tr {{ page-break-inside: avoid; }}
</style></head><body>
<h1>{e(title)}</h1>
<p class=meta>Empowering Places logic model · pathway report · generated {e(when)}</p>
<p>{e(score_text(kg, path, evs))}</p>
{svg_inline}
<h2>The steps</h2>
<table><tr><th>#</th><th>stage</th><th>element</th><th>link into this step, and why</th></tr>{"".join(steps)}</table>
<h2>What the path takes for granted</h2><ul>{"".join(assumptions) or "<li>None recorded for these steps.</li>"}</ul>
<h2>Sources</h2><ul>{"".join(sources)}</ul>
</body></html>"""


def report_pdf(report: str) -> bytes:
    """The same report as PDF (WeasyPrint: pure Python over Pango, no browser, no network)."""
    from weasyprint import HTML

    return HTML(string=report, base_url=None).write_pdf()


def strength_product(weights: list[float]) -> float:
    return math.prod(weights) if weights else 1.0

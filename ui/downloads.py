"""What a pathway takes into a meeting: the picture (SVG, PNG slide), the report (HTML, PDF) and CIDS JSON-LD.

The PNG and PDF take a second or two to make, so they are made when their button is clicked
(Streamlit's deferred download), never on every rerun.
"""

from __future__ import annotations

import re

import streamlit as st

from graph.analysis import cids, picture, report
from graph.analysis.paths import Path


def _name(pw, path: Path) -> str:
    ends = [pw.kg.nodes[path.nodes[0]].label, pw.kg.nodes[path.nodes[-1]].label]
    return re.sub(r"[^a-z0-9]+", "-", " to ".join(ends).lower()).strip("-")[:80] or "pathway"


def pathway_downloads(pw, paths: list[Path], chosen: int, key: str = "pw") -> None:
    path = paths[chosen]
    title = " → ".join(pw.kg.nodes[n].label for n in (path.nodes[0], path.nodes[-1]))
    links = [pw.finder.link(a, b) for a, b in pw.finder.g.edges()]
    levels = {edge: ev.level for edge, ev in pw.evidence().items()}
    svg = report.picture_svg(pw.kg, links, paths, chosen, title=title, levels=levels)
    chain = pw.chain(path)
    name = _name(pw, path)
    cols = st.columns(5)
    cols[0].download_button("Picture (SVG)", svg, file_name=f"{name}.svg", mime="image/svg+xml",
                            key=f"{key}_svg",
                            help="1920 × 1080, every arrow styled by its evidence level, its reason as its tooltip")
    cols[1].download_button("Slide (PNG)", lambda: picture.to_png(svg), file_name=f"{name}.png", mime="image/png",
                            key=f"{key}_png", help="1920 × 1080")
    html_report = report.report_html(pw.kg, path, chain, svg, title=title, evidence=pw.evidence())
    cols[2].download_button("Report (HTML)", html_report, file_name=f"{name}.html", mime="text/html",
                            key=f"{key}_html", help="picture, steps, reasons, assumptions and sources; prints well")
    cols[3].download_button("Report (PDF)", lambda: report.report_pdf(html_report), file_name=f"{name}.pdf",
                            mime="application/pdf", key=f"{key}_pdf")
    try:
        jsonld = cids.export_pathway(pw.g, pw.kg, path, chain)
    except ValueError as e:
        cols[4].error(f"CIDS export failed its check: {e}")
    else:
        cols[4].download_button("CIDS (JSON-LD)", jsonld, file_name=f"{name}.cids.jsonld", mime="application/ld+json",
                                key=f"{key}_cids", help="an ImpactPathway that validates against our CIDS shapes; "
                                "assumptions as ImpactRisk")

"""Case studies: each with what it illustrates, its organisations, places and figures; and the reverse."""

from __future__ import annotations

import streamlit as st

from graph.ns import ELEMENT_CLASSES
from ui.common import cite, get_engine, get_kg, md, node_link, param, quote_block, set_params, show

ELEMENT_TYPES = ELEMENT_CLASSES


def _related(kg, nid: str, rel: str, direction: str) -> list[str]:
    return sorted({t for d, t in kg.neighbours(nid).get(rel, []) if d == direction})


def render() -> None:
    kg = get_kg()
    tab_all, tab_find = st.tabs(["All case studies", "Case studies for an element or question"])
    with tab_all:
        cases = sorted(kg.of_type("CaseStudy"), key=lambda n: n.label)
        st.caption(f"{len(cases)} case studies from {len({c.sources[0].doc_id for c in cases})} document(s).")
        for c in cases:
            with st.container(border=True):
                show(f"**{node_link(c, with_type=False)}**")
                st.markdown(quote_block(c.text, 500))
                st.caption(cite(c))
                rows = []
                for title, rel in (
                    ("Illustrates", "illustrates"),
                    ("Organisations", "involves"),
                    ("Places", "locatedIn"),
                    ("Figures", "hasEvidence"),
                ):
                    ids = _related(kg, c.id, rel, "out")
                    if ids:
                        rows.append(
                            f"**{title}:** "
                            + " · ".join(node_link(kg.nodes[i], with_type=rel == "illustrates") for i in ids)
                        )
                show("  \n".join(rows) or "*No links found.*")

    with tab_find:
        q = st.text_input(
            "An element, or any question",
            value=param("case_q"),
            key="case_q",
            placeholder="e.g. keeping money in the local economy",
        )
        set_params(case_q=q)
        if not q.strip():
            return
        eng = get_engine()
        node, how = eng.resolve(q)
        if node is not None and node.type in ELEMENT_TYPES:
            show(f"Element: {node_link(node)} *(matched by {md(how)})*")
            linked = _related(kg, node.id, "illustrates", "in")
            if linked:
                st.markdown("**Case studies that illustrate it**")
                for cid in linked:
                    show(f"- {node_link(kg.nodes[cid], with_type=False)}")
        st.markdown("**Case studies closest to your words**")
        hits = eng.search(q, k=5, types=["CaseStudy"])
        if not hits:
            st.write("No case study matches.")
        for h in hits:
            n = kg.nodes[h.id]
            show(f"- {node_link(n, with_type=False)} — score {h.score:.3f}  \n  {md(h.snippet.text)}")

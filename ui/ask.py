"""Ask: one search box; the answer card for the best element, then ranked results with filters."""

from __future__ import annotations

import streamlit as st

from ui.common import get_engine, get_pathways, md, node_link, param, quote_block, set_params, show
from ui.explore import explorer

EXAMPLES = [
    "how do I build a referral network",
    "help for clients who need halal finance",
    "what if my clients don't speak English well",
    "what has to be true for coaching to be worth the money",
    "does local spending stay in the area?",
    "how many jobs did community anchors create",
]
CARD_SECTIONS = [  # (card key, heading)
    ("builds_on", "Builds on"),
    ("leads_to", "Leads to"),
    ("assumptions", "Assumptions under it"),
    ("foundations", "Foundations"),
    ("case_studies", "Case studies"),
    ("evidence", "Evidence"),
]


def _entry(kg, e: dict) -> str:
    n = kg.nodes.get(e.get("id", ""))
    line = node_link(n) if n else md(e.get("label", ""))
    extra = []
    if e.get("basis"):
        extra.append(e["basis"] + (f" {e['weight']:.2f}" if isinstance(e.get("weight"), int | float) else ""))
    if (e.get("hops") or 0) > 1:
        extra.append(f"{e['hops']} steps")
    if extra:
        line += f" · {md(', '.join(extra))}"
    src = e.get("source") or {}
    if src.get("document"):
        line += f"  \n  — *{md(src['document'][:70])}{', ' + md(src['section']) if src.get('section') else ''}*"
    if e.get("evidence"):
        line += f"  \n  {md('“' + e['evidence'][:300] + '”')}"
    return "- " + line


def render_card(card: dict, kg) -> None:
    node = card["element"]
    n = kg.nodes.get(node["id"])
    with st.container(border=True):
        show(f"### {node_link(n) if n else md(node['label'])}")
        src = node.get("source") or {}
        st.markdown(quote_block(src.get("quote") or node.get("text", ""), 900))
        if src:
            st.caption(
                f"— {md(src.get('document', ''))}, {md(src.get('section', ''))} "
                f"(chars {src.get('start')}–{src.get('end')})"
            )
        matched = card.get("matched") or {}
        if matched.get("id") and matched["id"] != node["id"]:
            st.caption(
                f"Reached from {md(matched.get('type', ''))} “{md(matched.get('label', ''))}” "
                f"({md(card.get('via', ''))})"
            )
        cols = st.columns(2)
        for i, (key, heading) in enumerate(CARD_SECTIONS):
            entries = card.get(key) or []
            with cols[i % 2]:
                st.markdown(f"**{heading}** ({len(entries)})")
                show("\n".join(_entry(kg, e) for e in entries[:8]) if entries else "*none found*")
        st.caption(md(f"Links: {card.get('links_basis', '')}. " + " ".join(card.get("notes") or [])))


def render() -> None:
    eng = get_engine()
    kg = eng.kg
    st.write("Try:")
    ex_cols = st.columns(3)
    for i, ex in enumerate(EXAMPLES):
        if ex_cols[i % 3].button(ex, key=f"example_{i}", width="stretch"):
            st.session_state["q"] = ex
    if "q" not in st.session_state:
        st.session_state["q"] = param("q")
    q = st.text_input("Your question", key="q", placeholder="e.g. how do I build a referral network")
    with st.expander("Filters"):
        types = st.multiselect("Node types", sorted({n.type for n in kg.nodes.values()}), key="f_types")
        stages = st.multiselect("Stages", sorted({n.stage for n in kg.nodes.values() if n.stage}), key="f_stages")
        docs = st.multiselect(
            "Documents", sorted({s.doc_id for n in kg.nodes.values() for s in n.sources}), key="f_docs"
        )
    set_params(q=q.strip())
    if not q.strip():
        st.info("Type a question, or pick an example above.")
        st.markdown("#### The whole model")
        explorer(get_pathways(), "home")
        return
    card = eng.card(q)
    if card is not None:
        render_card(card.to_json(), kg)
    else:
        st.warning("No part of the model matches that question well; the closest results follow.")
    results = eng.search(q, k=10, types=types or None, stages=stages or None, docs=docs or None)
    st.markdown(f"#### Results ({len(results)})")
    for r in results:
        n = kg.nodes.get(r.id)
        with st.container():
            show(f"{node_link(n)} · score {r.score:.3f}")
            st.markdown(quote_block(r.snippet.text or r.text, 400))
            if n and n.sources:
                s = n.sources[0]
                st.caption(f"— {md(s.document)}{', ' + md(s.section) if s.section else ''}")

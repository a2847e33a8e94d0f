"""Empowering Places: ask the logic model, trace pathways, follow assumptions, find case studies.

Run with `make run`. Every page calls the same library functions as the CLIs (search/, graph/,
ingest/); this file only routes between pages and keeps the view in the URL.
"""

from __future__ import annotations

import streamlit as st

from graph.store import MissingBuild
from graph.stores.base import StoreError
from ui import ask, assumptions, cases, data, gapmap, node, pathways, place, route
from ui.common import Timer, build_dir, md

PAGES = {
    "ask": (
        "Ask",
        ask.render,
        "Ask in your own words: the best-matching part of the model, what it builds on, "
        "what it leads to, the assumptions under it and the case studies that show it.",
    ),
    "pathways": (
        "Pathways",
        pathways.render,
        "How inputs become impacts: paths through the logic model, with the evidence behind every link.",
    ),
    "assumptions": (
        "Assumptions",
        assumptions.render,
        "What must hold for a step to work, and what breaks if an assumption fails.",
    ),
    "cases": (
        "Case studies",
        cases.render,
        "Case studies with their organisations, places and figures, and the parts of the model they illustrate.",
    ),
    "gapmap": (
        "Evidence map",
        gapmap.render,
        "Which case studies show each condition, input, process or activity together with each outcome or impact, "
        "and the gaps: where no case study does, with the routes that cross them.",
    ),
    "place": (
        "Our place",
        place.render,
        "Hold your place up against the model: what is in place, what is at risk or blocked and by what, "
        "and what to invest in first.",
    ),
    "node": ("Node", node.render, "Any node's full text, every source and its neighbours."),
    "data": ("Data", data.render, "Downloads, SPARQL, corpus status and adding documents."),
}


def main() -> None:
    st.set_page_config(page_title="Empowering Places knowledge graph", layout="wide")
    timer = Timer()
    route.begin()  # Back/Forward: the view comes from the URL again (ui/route.py)
    current = route.param("page", "ask")
    unknown = "" if current in PAGES else current
    if unknown:  # a mistyped or old link: say so, and show Ask with the address bar saying Ask too
        current = "ask"
        route.set_params(page="ask")
    with st.sidebar:
        st.markdown("### Empowering Places\nplace-based social purpose business support")
        route.seed("nav", current)
        picked = st.radio(
            "Page",
            list(PAGES),
            format_func=lambda k: PAGES[k][0],
            key="nav",
            label_visibility="collapsed",
        )
        st.caption(
            "Every node links to its page (same tab); the address bar keeps the view, so a copied link reproduces "
            "it, and Back and Forward step through the views."
        )
    if picked != current:  # opened from the sidebar: the page starts clean, nothing of the last one leaks in
        route.open_page(picked)
        current = picked
    title, render, blurb = PAGES[current]
    st.title(title)
    st.caption(blurb)
    said = st.container()  # what was wrong with the link, filled once the page has found it (route.correct)
    if unknown:
        route.correct(f"This link names no page called “{md(unknown[:60])}”, so it opens {title}; the pages are "
                      "listed on the left.", "info")
    try:
        render()
    except MissingBuild as e:
        st.error(md(str(e)))
        st.info(f"Build directory: {md(str(build_dir()))}. `make run` builds it automatically.")
    except StoreError as e:
        st.error(f"The graph store cannot be read: {md(str(e))}")
        st.info(
            "The app reads the store named by EP_STORE; start the server or point EP_STORE elsewhere, "
            "then reload the page."
        )
    else:
        st.caption(f"Answered in {timer.ms():.0f} ms")
    for level, text in route.corrections():
        getattr(said, level)(text)
    route.commit()  # the run's view, written once: one history entry per step

main()

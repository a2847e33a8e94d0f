"""The explorable picture: filter by evidence level, stage and strength; a key to the arrows above it;
click an element to focus it (Kumu-style);
open its page in the same tab; click an arrow to read its reason.

Drawn with st-cytoscape (cytoscape.js, bundled in the package, no CDN), at the slide picture's
positions. The filtering, focus and elements are ``graph.explore``'s, so tests check the same logic.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from urllib.parse import quote

import streamlit as st
from st_cytoscape import cytoscape

from graph.analysis import explore
from graph.analysis.picture import legend_words
from graph.analysis.report import link_reason, step_reason
from graph.evidence import LEVELS, STRONG
from graph.ns import counted
from ui.common import evidence_badge, md, scroll_when_still
from ui.route import moved, param, seed, set_params

HEIGHT_PX = explore.SIZE[1]
FOCUS_LINE = "ep-focus-line"
# After a click on a box low in the picture the focus line (with "Open its page") sat above the screen or at its
# very top edge: once its place has stopped moving (the picture redraws first), a line not clearly on screen is
# brought to the top with a margin, the picture under it.
LINE_MARGIN_PX = 72
SCROLL_TO_FOCUS = scroll_when_still(
    FOCUS_LINE, f"const r = h.parentElement.getBoundingClientRect(); "
    f"if (r.top < {LINE_MARGIN_PX} || r.bottom > window.innerHeight) {{ "
    f'h.parentElement.style.scrollMarginTop = "{LINE_MARGIN_PX}px"; '
    'h.parentElement.scrollIntoView({block: "start"}); }')


def _filters(key: str, strong_only: bool) -> tuple[explore.Filters, int]:
    """The picture's filters, folded away (one line, not three) so the picture starts on the first screen."""
    c1, c2, c3, c4 = st.expander("Filter the picture: evidence, stages, strength, focus").columns([3, 5, 2, 2])
    options = [lv for lv in LEVELS if lv in STRONG or not strong_only]
    levels = c1.multiselect("Links", options, default=options, key=f"{key}_levels{'_strong' if strong_only else ''}",
                            help="Each arrow's evidence: stated in a document > shown by "
                            "a case study > added by a curator > inferred by similarity. Untick a level to hide "
                            "its arrows.")
    stages = c2.multiselect("Stages", explore.STAGE_GROUPS, default=list(explore.STAGE_GROUPS), key=f"{key}_stages")
    strength = c3.slider("Strength at least", 0.0, 1.0, 0.0, 0.05, key=f"{key}_min")
    depth = c4.radio("Focus reaches", (1, 2), horizontal=True, key=f"{key}_depth",
                     format_func=lambda d: f"{d} step{'s' if d > 1 else ''}")
    return explore.Filters(tuple(levels), tuple(stages), float(strength), strong_only), int(depth)


def _fresh_picture(key: str) -> None:
    """Draw the picture as a new component, with no click yet. The component keeps the last element clicked as its
    value, which the next run read as a new click: after Back it put the later focus back (Back did nothing, the
    next Back left the page), and after "Clear focus" it focused the element again."""
    st.session_state[f"{key}_cy_gen"] = st.session_state.get(f"{key}_cy_gen", 0) + 1


def explorer(pw, key: str, highlight: Iterable[str] = (), highlight_links: Iterable[tuple[str, str]] = (),
             reasons: dict[tuple[str, str], str] | None = None, strong_only: bool = False) -> None:
    """The whole model (as filtered), the chosen path highlighted; click to focus, open, or read a reason.
    ``strong_only`` keeps only arrows stated in a document or shown by a case study."""
    f, depth = _filters(key, strong_only)
    evidence = pw.evidence()
    g = explore.visible(pw.finder.g, f, {edge: ev.level for edge, ev in evidence.items()})
    if reasons is None:
        reasons = {(a, b): link_reason(pw.finder.link(a, b)) for a, b in g.edges()}
    seed(f"{key}_focus", param("focus") or None)  # the focus is part of the view: Back and a copied link keep it
    focused = st.session_state.get(f"{key}_focus")
    if focused not in g:
        focused = None
    set_params(focus=focused or "")
    els, _lay = explore.elements(g, focused=focused, depth=depth, highlight=highlight,
                                 highlight_links=highlight_links, reasons=reasons)
    st.markdown(explore.legend_html(bool(highlight_links), [lv for lv in f.levels if f.keeps_link(lv, 1.0)]),
                unsafe_allow_html=True)  # fixed words only
    # Always one container above the picture, filled when an element is focused: the picture keeps its place among
    # the page's elements. With the line inserted before it, a click once left the picture 0 px high and the page,
    # now short, at its top (a race seen in a browser walk and not reproduced since).
    line = st.container()
    if focused:  # above the picture, in sight at 1400 × 1000 where the click was made
        n = pw.kg.nodes[focused]
        near = explore.focus(g, focused, depth) - {focused}
        c1, c2 = line.columns([5, 1])
        c1.markdown(
            f'<span id="{FOCUS_LINE}"></span>Focused on <b>{html.escape(n.label)}</b> ({html.escape(n.type)}): '
            f'{counted("Element", len(near))} within '
            f'{depth} step{"s" if depth > 1 else ""}. <a href="?page=node&node={quote(focused, safe="/")}" '
            f'target="_self">Open its page</a>', unsafe_allow_html=True)
        if c2.button("Clear focus", key=f"{key}_clear"):
            st.session_state[f"{key}_focus"] = None  # kept (not popped), so the URL's old focus is not seeded back
            _fresh_picture(key)  # the picture still holds the click that focused it, which would focus it again
            st.rerun()
        if st.session_state.pop(f"{key}_clicked", False):  # a box low in the picture was clicked: bring the line
            line.html(SCROLL_TO_FOCUS, unsafe_allow_javascript=True)  # into view (fixed code, no document text)
    if moved():  # Back or Forward: the focus is the URL's, not the picture's last click
        _fresh_picture(key)
    picked = cytoscape(els, explore.stylesheet(), height=f"{HEIGHT_PX}px",
                       layout={"name": "preset", "fit": True, "padding": explore.PADDING},  # fitted to its frame
                       # the wheel scrolls the page: a turn of it over the picture zoomed the picture (to nothing,
                       # st-cytoscape setting no bounds) while the page scrolled on; click to focus stays
                       selection_type="single", user_zooming_enabled=False,
                       key=f"{key}_cy{st.session_state.get(f'{key}_cy_gen') or ''}") or {}
    nodes, edges = picked.get("nodes") or [], picked.get("edges") or []
    if nodes and nodes[0] != focused:
        st.session_state[f"{key}_focus"] = nodes[0]
        st.session_state[f"{key}_clicked"] = True
        st.rerun()
    st.caption(f"{g.number_of_nodes()} elements, {g.number_of_edges()} links shown. Click an element to focus it "
               "(its neighbours stay, the rest fades); click an arrow to read why it is there.")
    for eid in edges:
        a, _, b = eid.partition("->")
        if g.has_edge(a, b):
            lk, ev = pw.finder.link(a, b), evidence[(a, b)]
            # the one reason per arrow the path table gives (the level's reason, then the link's where it adds):
            # the link's reason and its evidence said the same sentence twice for stated and curated arrows
            st.info(f"{evidence_badge(ev.level)} " + md(f"{pw.kg.nodes[a].label} → {pw.kg.nodes[b].label}: "
                    f"{legend_words(ev.level)}, strength {lk.weight:.2f}. {step_reason(lk, ev)}"))

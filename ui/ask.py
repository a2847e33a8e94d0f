"""Ask: one search box; the answer card for the best element, then ranked results with filters."""

from __future__ import annotations

import streamlit as st

from graph.analysis.chains import with_article
from graph.ns import TYPE_MEANING, type_words
from graph.text.labels import shorten
from search.card import CardLine, basis_words, closeness, where
from ui.common import evidence_badge, get_engine, get_pathways, md, node_link, quote_block, show
from ui.explore import explorer
from ui.route import param, seed, set_params

EXAMPLES = [
    "how do I build a referral network",
    "help for clients who need halal finance",
    "what if my clients don't speak English well",
    "what has to be true for coaching to be worth the money",
    "does local spending stay in the area?",
    "how many jobs did community anchors create",
]
LIST_MAX = 5  # names per list on the card; the rest are one click away on the element's page
SHOWN_MATCHES = ("Passage", "CaseStudy", "Evidence", "Insight")  # a best match worth showing with its element
KIND_WORDS = {"case": "case study", "evidence": "figure", "element": "part of the model",
              "passage": "passage of a source document"}


PANELS = (  # the card's four panels, two a row: heading, card field, what to say when it is empty
    ("What it needs", "builds_on", "nothing before it in the graph"),
    ("What it leads to", "leads_to", "nothing after it in the graph"),
    ("Assumptions", "assumptions", "none stated"),
    ("Case studies", "case_studies", "none linked or close"),
)


def _name(kg, e: dict) -> str:
    """A linked name with its link's evidence level (coloured as the pictures draw it) or basis as a small
    badge: '[Resources](…) :gray-badge[inferred] :gray-badge[2 steps]'."""
    n = kg.nodes.get(e.get("id", ""))
    line = node_link(n, with_type=False) if n else md(e.get("label", ""))
    badges = [evidence_badge(e["level"])] if e.get("level") else []
    words = "" if badges else basis_words(e.get("basis") or "")
    if words:
        badges.append(f":gray-badge[{md(words)}]")
    if (e.get("hops") or 0) > 1:
        badges.append(f":gray-badge[{e['hops']} steps]")
    return f"- {line}" + "".join(f" {b}" for b in badges)


def _names(kg, entries: list[dict], empty: str, whole=None) -> str:
    """The first LIST_MAX entries; the rest are one click away on ``whole``'s page, which lists them all."""
    if not entries:
        return f"*{empty}*"
    rest = len(entries) - LIST_MAX
    more = ""
    if rest > 0:
        more = f"\n- *… and {rest} more*" + (f" on the page of {node_link(whole, with_type=False)}" if whole else "")
    return "\n".join(_name(kg, e) for e in entries[:LIST_MAX]) + more


def _detail_line(kg, e: dict) -> str:
    """One fold-away line: name (a link to its page), where it stands (document title whole, a section once),
    and its basis."""
    src = e.get("source") or {}
    n = kg.nodes.get(e.get("id", ""))
    name = node_link(n, with_type=False) if n else f"**{md(e.get('label', ''))}**"
    line = f"- {name} — *{md(where(src))}*" if src else f"- {name}"
    ln = CardLine(**{k: e.get(k) for k in ("id", "type", "label", "text", "source")},
                  hops=e.get("hops") or 0, basis=e.get("basis") or "", weight=e.get("weight"),
                  evidence=e.get("evidence") or "", level=e.get("level") or "")
    if ln.detail():
        line += f"  \n  {md(shorten(ln.detail(), 300))}"
    return line


def render_card(card: dict, kg) -> None:
    """The answer first: element and two sentences; what it needs and leads to; assumptions and cases;
    quotes and how each link was made fold away."""
    node = card["element"]
    head = card.get("headline") or node
    h = kg.nodes.get(head["id"])
    with st.container(border=True):
        show(f"### {node_link(h) if h else md(head['label'])}")
        if card.get("weak"):
            st.warning(md(card["weak"]), icon=":material/help:")
        st.markdown(md(card.get("answer") or head.get("text", "")))
        # not sure: what reads almost as well, each a click away (under a weak match too: the nearest others)
        also = "\n".join(f"- {node_link(kg.nodes.get(e['id']))}" for e in card.get("also") or [] if e["id"] in kg.nodes)
        if card.get("unsure"):
            st.info(md(card["unsure"]), icon=":material/help:")
        if also:
            show(("" if card.get("unsure") else "**Also near**\n") + also)
        if card.get("why"):
            st.caption(f"Answered with {md(with_article(KIND_WORDS.get(card.get('kind', ''), card.get('kind', ''))))}: "
                       f"{md(card['why'])}.")
        if head["id"] != node["id"]:
            rests = card.get("rests_on_it") or []
            heading = "What rests on it" if rests else "The part of the model it speaks to"
            show(f"**{heading}**\n" + _names(kg, rests or [node], "none"))
            text = " ".join((node.get("text") or "").split())
            if not rests and text.casefold() != " ".join(node.get("label", "").split()).casefold():
                st.markdown(md(shorten(text, 300)))  # its label is the link above; cut between words
        matched = card.get("matched") or {}
        if (matched.get("id") and matched["id"] not in (node["id"], head["id"])
                and matched.get("type") in SHOWN_MATCHES):
            m = kg.nodes.get(matched["id"])
            show(f"**Best match** · {node_link(m) if m else md(matched.get('label', ''))}")
            st.markdown(quote_block(matched.get("text") or matched.get("label", ""), 280))
        # when the answer is an assumption, a figure or a case, the panels are about the element it speaks to:
        # they say whose they are (a browser walk read "What it needs" as the assumption's)
        whose = f"‘{shorten(node.get('label', ''), 48)}’" if head["id"] != node["id"] else ""
        for row in (PANELS[:2], PANELS[2:]):
            for col, (heading, field, empty) in zip(st.columns(2), row, strict=True):
                with col:
                    if whose:
                        heading = {"builds_on": f"What {whose} needs", "leads_to": f"What {whose} leads to",
                                   "assumptions": f"Assumptions of {whose}",
                                   "case_studies": f"Case studies of {whose}"}[field]
                    st.markdown(f"**{md(heading)}**")
                    show(_names(kg, card.get(field) or [], empty, kg.nodes.get(node["id"])))
        with st.expander("Sources, quotes and how this card was chosen"):
            src = head.get("source") or {}
            st.markdown(quote_block(src.get("quote") or head.get("text", ""), 900))
            if src:
                st.caption(f"— {md(where(src))} (characters {src.get('start')}–{src.get('end')})")
            st.caption(f"Chosen: {md(card.get('via', ''))}. Links: {md(card.get('links_basis', ''))}.")
            for key, heading in (("builds_on", "What it needs"), ("leads_to", "What it leads to"),
                                 ("assumptions", "Assumptions"), ("foundations", "Foundations"),
                                 ("case_studies", "Case studies"), ("evidence", "Evidence")):
                entries = card.get(key) or []
                if entries:
                    show(f"**{heading}**\n" + "\n".join(_detail_line(kg, e) for e in entries[:8]))
            for note in card.get("notes") or []:
                st.caption(md(note))


def render() -> None:
    eng = get_engine()
    kg = eng.kg
    st.write("Try:")
    ex_cols = st.columns(3)
    for i, ex in enumerate(EXAMPLES):
        if ex_cols[i % 3].button(ex, key=f"example_{i}", width="stretch"):
            st.session_state["q"] = ex
    seed("q", param("q"))
    q = st.text_input("Your question", key="q", placeholder="e.g. how do I build a referral network")
    options = {"f_types": sorted({n.type for n in kg.nodes.values()}, key=type_words),
               "f_stages": sorted({n.stage for n in kg.nodes.values() if n.stage}),
               "f_docs": sorted({s.doc_id for n in kg.nodes.values() for s in n.sources})}
    for key, valid in options.items():  # a copied link keeps its filters; a name the graph lacks is dropped
        seed(key, [v for v in param(key[2:]).split(",") if v in valid])
    on = [type_words(t) for t in st.session_state.get("f_types") or []] + [
        *(st.session_state.get("f_stages") or []), *(st.session_state.get("f_docs") or [])]
    # folded either way, so the answer stays in the first screen; its label says which filters are on
    with st.expander("Filters" + (f" on: {', '.join(on)} (they limit the answer and the results)" if on else "")):
        meant = [f"{type_words(t)}: {TYPE_MEANING[t]}" for t in TYPE_MEANING if t in options["f_types"]]
        types = st.multiselect("Node types", options["f_types"], format_func=type_words, key="f_types",
                               help=md("; ".join(meant) + ".") if meant else None)
        stages = st.multiselect("Stages", options["f_stages"], key="f_stages")
        docs = st.multiselect("Documents", options["f_docs"], key="f_docs")
    set_params(q=q.strip(), types=",".join(types), stages=",".join(stages), docs=",".join(docs))
    if not q.strip():
        st.info("Type a question, or pick an example above.")
        st.markdown("#### The whole model")
        explorer(get_pathways(), "home")
        return
    card = eng.card(q, types=types or None, stages=stages or None, docs=docs or None)
    results = eng.search(q, k=10, types=types or None, stages=stages or None, docs=docs or None)
    if card is not None:
        render_card(card.to_json(), kg)
    else:  # nothing to follow when nothing was found ("????" has no words to search by)
        st.warning("No part of the model matches that question well" +
                   ("; the closest results follow." if len(results) else "."))
    st.markdown(f"#### Results ({len(results)})")
    if len(results):
        st.caption("In the order search ranks them, by meaning and shared words together; each says how similar "
                   "its closest wording is to the question (1.00: the same meaning).")
    for note in results.notes:  # e.g. none of the words occur in the graph: the ranking is by meaning alone
        st.caption(md(note[:1].upper() + note[1:] + "."))
    for rank, r in enumerate(results, 1):
        n = kg.nodes.get(r.id)
        cos = closeness(eng, q, n)[0] if n is not None else None
        with st.container():
            # the fused rank score (1.125, 0.750 …) reads as nothing to a person; the similarity does
            show(f"{rank}. {node_link(n)}" + (f" · similarity {cos:.2f}" if cos is not None else ""))
            st.markdown(quote_block(r.snippet.text or r.text, 400))
            if r.asked:
                st.caption(f"Matched the way people ask for it: “{md(r.asked)}”")
            if n and n.sources:
                s = n.sources[0]
                st.caption(f"— {md(where({'document': s.document, 'section': s.section}))}")

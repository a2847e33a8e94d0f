"""Case studies: each with where it came from, its organisations, places, figures and the links it makes
(with the sentences that show them); and the reverse, the case studies that illustrate an element."""

from __future__ import annotations

import streamlit as st

from graph.analysis.cases import case_details, cases_for_element
from graph.ns import ELEMENT_CLASSES
from search.card import WEAK_MATCH, closeness
from ui.common import clip, get_engine, get_kg, md, node_link, quote_block, show
from ui.route import param, seed, set_params

ELEMENT_TYPES = ELEMENT_CLASSES


def _names(items: list[dict]) -> str:
    return " · ".join(md(x["label"]) + (f" (also {md(', '.join(x['alt_labels']))})" if x["alt_labels"] else "")
                      for x in items)


def _plain(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def case_links(links: list, heading: str, none: str, name, shown: str = "",
               where: str = "the one at the top of this page") -> None:
    """Case links, strongest first: the other end (``name``), the plain reason, the sentence that shows it, and how
    the link was made one click away. Links shown by one sentence share it, quoted once (a case whose one sentence
    shows four elements printed it nine times); a sentence already shown above (``shown``, ``where``) is not
    quoted again."""
    st.markdown(f"{heading} ({len(links)})")
    if not links:
        st.markdown(none)
    groups: dict[str, list] = {}
    for link in links:
        groups.setdefault(" ".join(link.evidence.split()), []).append(link)
    for sentence, group in groups.items():
        above = bool(sentence) and _plain(sentence) in _plain(shown)
        if len(group) == 1:
            link = group[0]
            show(f"- {name(link)} — {md(link.rationale)}")
            if above:
                st.caption(f"The sentence is {where}.")
            else:
                st.markdown(quote_block(link.evidence, 400))
        else:
            for link in group:
                show(f"- {name(link)} — {md(_short(link.rationale))}")
            st.caption(f"These {len(group)} are shown by one sentence" + (f", {where}." if above else ":"))
            if not above:
                st.markdown(quote_block(group[0].evidence, 400))
        with st.expander("How " + ("this link was" if len(group) == 1 else "these links were") + " made"):
            st.markdown("\n".join(f"- {md(f'{x.basis}, weight {x.weight:.2f}: {x.reason}')}" for x in group))


def _short(rationale: str) -> str:
    """'the case says <its sentence>: an example of X' less the sentence, when the sentence is quoted once for
    several links."""
    head, sep, tail = rationale.rpartition(": ")
    return tail if sep and head.startswith("the case says ") else rationale


def render_case(kg, case_id: str) -> None:
    """One case study as a bordered card (also used by the Node page)."""
    d = case_details(kg.g, kg, case_id)
    with st.container(border=True):
        show(f"**{node_link(kg.nodes[case_id], with_type=False)}**")
        summary = clip(d.summary, 500)
        st.markdown(quote_block(summary))
        where = " · ".join(md(x) for x in (d.document_title or "a corpus document", d.publisher, d.date) if x)
        st.caption(where + (f" · [source]({d.source})" if d.source.startswith(("http://", "https://")) else ""))
        rows = []
        for title, items in (("Organisations", d.organisations), ("Places", d.places),
                             ("Programmes", d.programmes)):
            if items:
                rows.append(f"**{title}:** {_names(items)}")
        if d.people:
            rows.append("**People:** " + " · ".join(md(p.get("text") or p["label"]) for p in d.people))
        if d.figures:
            rows.append("**Evidence:** " + " · ".join(
                md(f["figure"] or f["label"]) + (f" → {md(f['evidence_for_label'])}" if f.get("evidence_for_label")
                                                 else "") for f in d.figures))
        if d.other_figures:
            rows.append("**Other figures (not evidence):** " + " · ".join(
                f"{md(f['figure'])} ({md(f['kind'])})" for f in d.other_figures))
        st.markdown("  \n".join(rows) or "*No organisation, place or figure found.*")
        case_links([x for x in d.links if x.element in kg.nodes], "**Illustrates**",
                   "*Illustrates no model element yet.*", lambda x: node_link(kg.nodes[x.element]),
                   shown=summary, where="the one quoted above")


TABS = {"all": "All case studies", "find": "Case studies for an element or question"}  # URL tab= : label


def _implied_tab() -> str:
    """The tab a link without tab= opens: the search when it carries search words (links made before tab=)."""
    return "find" if param("case_q") else "all"


def _keep_tab(tab: str) -> None:
    """The open tab is part of the view, so a copied link opens it; left out where the link implies it. The
    search words stay in the view while the other tab is open."""
    set_params(tab="" if tab == _implied_tab() else tab)


def render() -> None:
    kg = get_kg()
    seed("cases_tab", TABS.get(param("tab") or _implied_tab(), TABS["all"]))
    tab_all, tab_find = st.tabs(list(TABS.values()), key="cases_tab", on_change="rerun")
    find = bool(tab_find.open)
    _keep_tab("find" if find else "all")
    if not find:
        with tab_all:
            cases = sorted(kg.of_type("CaseStudy"), key=lambda n: n.label)
            st.caption(f"{len(cases)} case studies from {len({c.sources[0].doc_id for c in cases})} document(s).")
            for c in cases:
                render_case(kg, c.id)
        return
    with tab_find:
        seed("case_q", param("case_q"))
        q = st.text_input(
            "An element, or any question",
            key="case_q",
            placeholder="e.g. keeping money in the local economy",
        )
        set_params(case_q=q.strip())
        _keep_tab("find")
        if not q.strip():
            st.info("Type an element of the model (e.g. “Practical help”) to see the case studies that illustrate "
                    "it, strongest first, or any question to find the case studies closest to your words.")
            return
        eng = get_engine()
        try:
            node, how = eng.resolve(q)
        except LookupError as e:  # no element shares a word or meaning with the words: say so, still search
            node, how = None, ""
            st.info(md(f"No element of the model matches: {e}."))
        if node is not None and node.type in ELEMENT_TYPES:
            show(f"Element: {node_link(node)} *(matched by {md(how)})*")
            linked = cases_for_element(kg.g, kg, node.id)
            if linked:
                st.markdown("**Case studies that illustrate it** (strongest first)")
                for link in linked:
                    show(f"- {node_link(kg.nodes[link.case], with_type=False)} — {md(link.rationale)}")
        st.markdown("**Case studies closest to your words**")
        hits = eng.search(q, k=5, types=["CaseStudy"])
        if not hits:
            st.write("No case study matches.")
        # each one's similarity to the words (the cosine of its closest wording), not its fused rank score
        near = [(kg.nodes[h.id], h, closeness(eng, q, kg.nodes[h.id])[0]) for h in hits]
        near.sort(key=lambda x: 2.0 if x[2] is None else -x[2])  # in the order of the numbers shown beside them
        if near and near[0][2] is not None and near[0][2] < WEAK_MATCH:
            st.info(f"No case study is close to these words: the nearest is {near[0][2]:.2f} similar (under "
                    f"{WEAK_MATCH:.2f}). The nearest follow.")
        for n, h, cos in near:
            said = f" — similarity {cos:.2f}" if cos is not None else ""
            show(f"- {node_link(n, with_type=False)}{said}  \n  {md(h.snippet.text)}")

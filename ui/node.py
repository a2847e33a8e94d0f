"""Node page: a node's full text, every source, and its neighbours grouped by relation."""

from __future__ import annotations

import html
import re
from pathlib import PurePath
from urllib.parse import quote

import streamlit as st

from graph.analysis.cases import cases_for_element, elements_for_case
from graph.analysis.fragility import TARGET_TYPES
from graph.ns import ELEMENT_CLASSES, LINKED_CLASSES, type_words
from graph.stages import section_words
from ui.cases import case_links
from ui.common import evidence_badge, get_engine, get_kg, get_pathways, md, node_link, pick_node, quote_block, show
from ui.route import param, set_params

RELATION_TITLES = {
    ("leadsTo", "in"): "Builds on",
    ("leadsTo", "out"): "Leads to",
    ("underpinnedBy", "out"): "Rests on assumptions",
    ("underpinnedBy", "in"): "Elements resting on this",
    ("hasFoundation", "out"): "Foundations",
    ("hasFoundation", "in"): "Foundation of",
    ("illustrates", "in"): "Illustrated by case studies",
    ("illustrates", "out"): "Illustrates",
    ("involves", "out"): "Organisations involved",
    ("involves", "in"): "Case studies involving it",
    ("locatedIn", "out"): "Located in",
    ("locatedIn", "in"): "Case studies located here",
    ("hasEvidence", "out"): "Evidence",
    ("hasEvidence", "in"): "A figure of",
    ("evidenceFor", "out"): "Evidence for",
    ("evidenceFor", "in"): "Evidence for it",
    ("affiliatedWith", "out"): "Affiliated with",
    ("affiliatedWith", "in"): "People",
    ("mentions", "out"): "Mentions",
    ("mentions", "in"): "Mentioned in",
    ("attributedTo", "out"): "Attributed to",
    ("attributedTo", "in"): "Attributed visions",
}


def _link_badge(evidence: dict, node: str, other: str, rel: str, direction: str) -> str:
    """A causal neighbour's arrow as its evidence badge (stated, shown, curated, inferred), else nothing."""
    if rel != "leadsTo":
        return ""
    ev = evidence.get((node, other) if direction == "out" else (other, node))
    return f" {evidence_badge(ev.level)}" if ev else ""


def _follow_links(n) -> list[str]:
    """Where a person goes next from an element or an assumption: its pathways, what it takes for granted, how
    fragile it is, what rests on it. Same-tab links to the views that answer those (the page was a dead end)."""
    nid = quote(n.id, safe="/")
    links: list[tuple[str, str]] = []
    g = get_pathways().finder.g
    if n.type in LINKED_CLASSES:
        if n.id in g and g.out_degree(n.id):  # an impact leads nowhere: no link to an empty view
            links.append(("Pathways forward from it", f"?page=pathways&from={nid}"))
        if n.type in TARGET_TYPES and n.id in g and g.in_degree(n.id):
            links.append(("Everything it rests on", f"?page=pathways&mode=backward&from={nid}"))
        links.append(("What it takes for granted, step by step", f"?page=assumptions&node={nid}"))
        if n.type in TARGET_TYPES:
            links.append(("How fragile it is", f"?page=assumptions&look=fragility&node={nid}"))
    elif n.type in ("Assumption", "Foundation"):
        links.append(("What rests on it, and what breaks if it fails", f"?page=assumptions&node={nid}"))
    return [f'<a href="{html.escape(url)}" target="_self">{words}</a>' for words, url in links]


def render() -> None:
    kg = get_kg()
    nid = param("node")
    choices = sorted(
        (n for n in kg.nodes.values() if n.type != "Passage"), key=lambda n: (n.order < 0, n.order, n.type, n.label)
    )
    ids = [n.id for n in choices]
    if nid and nid not in kg.nodes:
        st.error(f"No node with id “{md(nid)}”. Pick one below.")
        nid = ""
    if nid and nid not in ids:  # a passage reached by a link: the box names it (it had read "Choose a node…")
        ids = [nid, *ids]
    picked = pick_node("Node", ids, "node_pick", "Choose a node…",
                       lambda i: f"{type_words(kg.nodes[i].type)}: {kg.nodes[i].label}", current=nid)
    if not picked:
        st.info("Choose a node, or follow any node link in the app.")
        return
    set_params(node=picked)
    n = kg.nodes[picked]
    st.subheader(md(n.label))
    facts = [type_words(n.type)]
    if n.stage_label:
        facts.append(f"stage: {n.stage_label}")
    if n.horizon:
        facts.append(f"{n.horizon} term")
    if n.scope:
        facts.append(f"{n.scope} impact")
    if n.kind:
        facts.append(n.kind)
    if n.notation:
        facts.append(f"№ {n.notation}")
    st.caption(" · ".join(md(f) for f in facts) + f" · id {md(n.id)}")
    st.markdown(quote_block(n.text, 4000))
    if follow := _follow_links(n):
        show("**Follow it:** " + " · ".join(follow))
    if n.alt_labels:
        roles, names = n.roles_and_names()
        if roles:  # a person's roles are kept with the other names ingest found for them; they are not names
            st.markdown(f"**Role{'s' if len(roles) > 1 else ''}:** " + "; ".join(md(r) for r in roles))
        if names:
            st.markdown("**Also written as:** " + "; ".join(f"“{md(a)}”" for a in names))
    if n.figure:
        st.metric("Figure", n.figure)

    st.markdown(f"#### Sources ({len(n.sources)})")
    for s in n.sources:
        section = section_words(s.section) or "no section"  # "Conclusion", not the document's "CONCLUSION"
        role = SOURCE_ROLES.get(s.role, s.role)  # "full" and "summary" are the reader's words, not ours
        with st.expander(md(f"{s.document} — {section} · {role} · characters {s.start}–{s.end}")):
            st.markdown(quote_block(s.quote, 4000))
            st.caption(md(PurePath(s.path).name))  # the corpus file, never where the server keeps it

    if n.type == "CaseStudy":  # each link with the sentence that shows it, as an element's page lists its cases
        case_links(elements_for_case(kg.g, kg, n.id), "#### What it illustrates",
                    "No part of the model is linked to this case study yet.", lambda x: node_link(kg.nodes[x.element]),
                    shown=n.text)
    if n.type in ELEMENT_CLASSES:
        case_links(cases_for_element(kg.g, kg, n.id), "#### Case studies that illustrate this",
                    "No case study is linked to this element yet.",
                    lambda x: node_link(kg.nodes[x.case], with_type=False))

    st.markdown("#### Neighbours")
    nb = kg.neighbours(picked)
    if not nb:
        st.write("No links to other nodes." + (" A passage is a paragraph of its document; the parts of the model "
                                               "nearest it in meaning are below." if n.type == "Passage" else ""))
    evidence = get_pathways().evidence() if nb.get("leadsTo") else {}
    for (rel, direction), title in RELATION_TITLES.items():
        targets = [t for d, t in nb.get(rel, []) if d == direction]
        if targets:
            st.markdown(f"**{title}**")
            show("\n".join(f"- {node_link(kg.nodes[t])}" + _link_badge(evidence, picked, t, rel, direction)
                            for t in sorted(set(targets))))
    for rel, pairs in nb.items():  # a relation no title names yet: its name in words, and which way it goes
        for direction in ("out", "in"):
            targets = [t for d, t in pairs if d == direction]
            if targets and (rel, direction) not in RELATION_TITLES:
                words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", rel).lower()
                st.markdown(f"**{md(words.capitalize() if direction == 'out' else f'Linked to it by “{words}”')}**")
                show("\n".join(f"- {node_link(kg.nodes[t])}" for t in sorted(set(targets))))
    if n.type == "Passage" or not nb:
        similar_parts(picked)


SOURCE_ROLES = {"full": "the full text", "summary": "the summary table", "mention": "a mention"}


def similar_parts(nid: str) -> None:
    """A way on from a node no link joins to the model (a passage): the model's parts nearest it in meaning, by the
    search engine's vectors, badged as what they are (similar in meaning), never drawn as links."""
    near = get_engine().similar(nid)
    if not near:
        return
    st.markdown("#### Parts of the model similar in meaning")
    st.caption("Not links: the model's elements, assumptions and foundations whose words are nearest this text's "
               "(cosine similarity of the search engine's vectors, 1 is the same meaning). Open one to follow its "
               "pathways.")
    show("\n".join(f"- {node_link(m)} :gray-badge[similar in meaning {score:.2f}]" for m, score in near))

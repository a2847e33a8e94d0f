"""Assumptions: the chain under an element or path, and what rests on an assumption."""

from __future__ import annotations

import streamlit as st

from graph.analysis.draw import DrawLink, DrawNode, to_dot
from graph.analysis.paths import UnknownNode
from ui.common import get_pathways, md, node_link, param, quote_block, set_params
from ui.pathways import element_options


def _links(items: list[dict], kg) -> str:
    return (
        "\n".join(f"- {node_link(kg.nodes.get(i['id']), with_type=False)}" for i in items if i.get("id") in kg.nodes)
        or "*none*"
    )


def render_chain(pw, chain) -> None:
    kg = pw.kg
    for i, step in enumerate(chain.steps):
        el = step.element
        with st.container(border=True):
            st.markdown(f"**Step {i + 1}: {node_link(kg.nodes.get(el['id']))}**")
            if step.link_in is not None:
                lk = step.link_in
                st.caption(
                    md(
                        f"reached by a {lk.basis} link (weight {lk.weight:.2f}): "
                        f"{(lk.evidence_quote or lk.evidence)[:300]}"
                    )
                )
            if step.same_stage_as_previous:
                st.caption("Same stage as the previous step: it rests on the same assumptions and foundations.")
                continue
            c1, c2, c3 = st.columns(3)
            c1.markdown("**Assumes**\n\n" + _links(step.assumptions, kg))
            c2.markdown("**Foundations**\n\n" + _links(step.foundations, kg))
            lines = []
            for c in step.cases:
                case = kg.nodes.get(c.case)
                figs = "; ".join(md(f["figure"]) for f in c.figures)
                lines.append(
                    f"- {node_link(case, with_type=False)} · {md(c.basis)}" + (f" · **{figs}**" if figs else "")
                )
            c3.markdown("**Supporting case studies**\n\n" + ("\n".join(lines) or "*none found*"))
            if step.stated_by:
                st.caption(
                    "The link into this step restates: " + "; ".join(md(s.get("label", "")) for s in step.stated_by)
                )


def render_rests_on(pw, node_id: str) -> None:
    kg = pw.kg
    r = pw.rests_on(node_id)
    st.markdown(quote_block(kg.nodes[node_id].text))
    st.markdown(f"**{len(r.elements)} element(s) rest on it directly; {len(r.downstream)} more depend on them.**")
    c1, c2 = st.columns(2)
    c1.markdown("**Rests directly on it**\n\n" + _links(r.elements, kg))
    c2.markdown("**Would lose every path from a condition or input if it failed**\n\n" + _links(r.breaks, kg))
    ids = {e["id"] for e in r.elements} | {e["id"] for e in r.downstream} | {n for p in r.paths for n in p.nodes}
    ids = {i for i in ids if i in kg.nodes}
    if ids:
        links = {
            (lk.source, lk.target): DrawLink(lk.source, lk.target, lk.basis, lk.weight)
            for p in r.paths
            for lk in p.links
        }
        status = {e["id"]: "blocked" for e in r.breaks if e["id"] in ids}
        status.update({e["id"]: "unknown" for e in r.elements if e["id"] in ids})
        st.graphviz_chart(
            to_dot([DrawNode(i, kg.nodes[i].label, kg.nodes[i].order) for i in ids], links.values(), status=status),
            width="stretch",
        )
        st.caption(
            "Yellow: rests directly on the assumption · red: loses every path from a condition or input if it fails."
        )
    if r.paths:
        st.markdown("**Example pathways through it**")
        for p in r.paths:
            st.markdown("- " + " → ".join(node_link(kg.nodes[n], with_type=False) for n in p.nodes))


def render() -> None:
    pw = get_pathways()
    kg = pw.kg
    path_param = [p for p in param("path").split(",") if p]
    tab = st.radio(
        "Look at",
        ["An element or a path", "What rests on an assumption"],
        horizontal=True,
        index=1
        if kg.nodes.get(param("node"), None) and kg.nodes[param("node")].type in ("Assumption", "Foundation")
        else 0,
        key="as_mode",
    )
    if tab == "An element or a path":
        opts = element_options(pw)
        current = param("node")
        picked = st.selectbox(
            "Element",
            opts,
            index=opts.index(current) if current in opts else None,
            format_func=lambda i: f"{kg.nodes[i].stage_label}: {kg.nodes[i].label}",
            placeholder="Choose an element (or open a path from the Pathways page)…",
            key="as_el",
        )
        if path_param and not picked:
            try:
                path = pw.finder.make_path(path_param)
            except (UnknownNode, KeyError) as e:
                st.error(f"That path is not in the graph: {md(str(e))}")
                return
            st.markdown("Path: " + " → ".join(node_link(kg.nodes[n], with_type=False) for n in path.nodes))
            render_chain(pw, pw.chain(path))
            return
        set_params(node=picked or "", path="")
        if not picked:
            st.info("Choose an element to see what it takes for granted, step by step.")
            return
        through = pw.finder.through(picked, k=1)
        if through:
            st.markdown(
                "Best pathway through it: "
                + " → ".join(node_link(kg.nodes[n], with_type=False) for n in through[0].nodes)
            )
            render_chain(pw, pw.chain(through[0]))
        else:
            render_chain(pw, pw.chain(picked))
    else:
        opts = sorted(
            (n.id for n in kg.of_type("Assumption", "Foundation")),
            key=lambda i: (kg.nodes[i].order, kg.nodes[i].type, kg.nodes[i].label),
        )
        current = param("node")
        picked = st.selectbox(
            "Assumption or foundation",
            opts,
            index=opts.index(current) if current in opts else None,
            format_func=lambda i: f"{kg.nodes[i].stage_label} · {kg.nodes[i].type}: {kg.nodes[i].label}",
            placeholder="Choose an assumption…",
            key="as_assumption",
        )
        set_params(node=picked or "", path="")
        if picked:
            render_rests_on(pw, picked)

"""Our place: hold a place up against the model — checklist, coloured pathways, what to invest in first."""

from __future__ import annotations

import html
from pathlib import Path

import streamlit as st
import yaml

from graph.assess import (
    ASSESSED,
    STATUSES,
    Entry,
    Profile,
    ProfileError,
    assess,
    compare,
    load_profile,
    parse_profile,
    pathway_graph,
)
from graph.draw import DrawLink, DrawNode, to_dot
from graph.view import causal_subgraph
from ui.common import get_pathways, md, node_link

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "corpus" / "profiles" / "example-fictional-town.yaml"
STATE_COLOUR = {"open": "open", "at risk": "unknown", "unknown": "unknown", "blocked": "blocked"}


def _causal(pw):
    return pathway_graph(causal_subgraph(pw.view), pw.kg)


def _load_into_state(profile: Profile, kg) -> None:
    st.session_state["place_name"] = profile.place
    for n in kg.nodes.values():
        if n.type in ASSESSED:
            st.session_state[f"pl_{n.id}"] = profile.status(n.id)
            st.session_state[f"pln_{n.id}"] = profile.items.get(n.id, Entry("unknown")).note
    st.session_state["place_assumptions"] = profile.assumptions


def _current(kg) -> Profile:
    items = {}
    for n in kg.nodes.values():
        if n.type in ASSESSED:
            status = st.session_state.get(f"pl_{n.id}", "unknown")
            note = st.session_state.get(f"pln_{n.id}", "")
            if status != "unknown" or note:
                items[n.id] = Entry(status, note)
    return Profile(
        st.session_state.get("place_name") or "Our place", items, st.session_state.get("place_assumptions", {})
    )


def checklist(kg) -> None:
    groups = [("Conditions", "Condition", None), ("Inputs", "Input", None)]
    stages = sorted(
        {n.stage for n in kg.of_type("Foundation")},
        key=lambda s: min(n.order for n in kg.of_type("Foundation") if n.stage == s),
    )
    groups += [("", "Foundation", s) for s in stages]
    for title, typ, stage in groups:
        nodes = [n for n in kg.of_type(typ) if stage is None or n.stage == stage]
        if stage is not None:
            title = f"Foundations of {nodes[0].stage_label.lower()} ({nodes[0].kind.lower()})"
        with st.expander(title, expanded=typ != "Foundation"):
            for n in sorted(nodes, key=lambda n: n.label):
                c1, c2 = st.columns([3, 2])
                c1.selectbox(n.label, STATUSES, key=f"pl_{n.id}", help=n.text[:300])
                c2.text_input("Note", key=f"pln_{n.id}", label_visibility="collapsed", placeholder="note / evidence")


def picture(pw, result) -> str:
    kg = pw.kg
    causal = _causal(pw)
    nodes = [DrawNode(n, kg.nodes[n].label, kg.nodes[n].order) for n in causal]
    links = [DrawLink(a, b, d.get("basis", ""), d.get("weight", 0.0)) for a, b, d in causal.edges(data=True)]
    return to_dot(nodes, links, status={n: STATE_COLOUR[s] for n, s in result.state.items()})


def report_html(profile: Profile, result, kg, dot: str) -> str:
    """A printable one-page report; all text escaped."""
    e = html.escape
    s = result.summary(kg)
    rows = "".join(
        f"<tr><td>{e(i.label)}</td><td>{e(i.type)}</td><td>{e(i.status)}</td><td>{i.unblocks}</td></tr>"
        for i in result.invest[:10]
    )
    risks = "".join(f"<li>{e(a['label'])} <em>({e(a['status'])})</em></li>" for a in result.assumptions_at_risk[:10])
    states = "".join(
        f"<tr><td>{e(kg.nodes[n].stage_label)}</td><td>{e(kg.nodes[n].label)}</td><td>{e(st_)}</td></tr>"
        for n, st_ in sorted(result.state.items(), key=lambda x: kg.nodes[x[0]].order)
    )
    fictional = "<p><strong>This profile is fictional.</strong></p>" if profile.fictional else ""
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{e(profile.place)}: self-assessment</title>
<style>body{{font-family:sans-serif;max-width:900px;margin:2em auto}}td,th{{border:1px solid #ccc;padding:3px 6px}}
table{{border-collapse:collapse}}@media print{{details{{display:none}}}}</style></head><body>
<h1>{e(profile.place)}: Empowering Places self-assessment</h1>{fictional}
<p>Outcomes and impacts: <b>{s["open"]}</b> open, <b>{s["at risk"]}</b> at risk, <b>{s["unknown"]}</b> unknown,
<b>{s["blocked"]}</b> blocked.</p>
<h2>Invest here first</h2><table><tr><th>item</th><th>type</th><th>now</th><th>outcomes/impacts it opens</th></tr>
{rows}</table><h2>Assumptions at risk</h2><ul>{risks}</ul>
<h2>Every element</h2><table><tr><th>stage</th><th>element</th><th>state</th></tr>{states}</table>
<details><summary>Pathway picture (Graphviz DOT; paste into any Graphviz viewer)</summary><pre>{e(dot)}</pre></details>
</body></html>"""


def render() -> None:
    pw = get_pathways()
    kg = pw.kg
    tab_assess, tab_compare = st.tabs(["Assess our place", "Compare profiles"])
    with tab_assess:
        c1, c2 = st.columns([2, 3])
        up = c2.file_uploader("Load a profile (YAML)", type=["yaml", "yml"], key="place_upload")
        if up is not None and st.session_state.get("place_loaded") != up.file_id:
            try:
                _load_into_state(parse_profile(yaml.safe_load(up.getvalue()), kg, up.name), kg)
                st.session_state["place_loaded"] = up.file_id
            except (ProfileError, yaml.YAMLError) as err:
                st.error(str(err))
        if c2.button("Start from the fictional example", key="place_example"):
            _load_into_state(load_profile(EXAMPLE, kg), kg)
        c1.text_input("Place", key="place_name", placeholder="e.g. Fernbridge")
        profile = _current(kg)  # widget values from the previous run: results show above the checklist
        result = assess(_causal(pw), kg, profile)
        s = result.summary(kg)
        m = st.columns(4)
        for col, key in zip(m, ("open", "at risk", "unknown", "blocked"), strict=True):
            col.metric(f"Outcomes & impacts {key}", s[key])
        dot = picture(pw, result)
        st.graphviz_chart(dot, width="stretch")
        st.caption("Green: open · yellow: at risk or unknown · red: blocked. Columns are the model's stages.")
        left, right = st.columns(2)
        with left:
            st.markdown("**Invest here first**")
            st.table(
                [
                    {"item": i.label, "type": i.type, "now": i.status, "opens outcomes/impacts": i.unblocks}
                    for i in result.invest[:10]
                ]
            )
        with right:
            st.markdown("**Assumptions the open pathways rely on, not confirmed**")
            st.markdown(
                "\n".join(
                    f"- {node_link(kg.nodes[a['id']], with_type=False)} *({md(a['status'])})*"
                    for a in result.assumptions_at_risk[:10]
                )
                or "*none*"
            )
        d1, d2 = st.columns(2)
        d1.download_button(
            "Download profile (YAML)",
            profile.to_yaml(kg),
            file_name="profile.yaml",
            mime="application/x-yaml",
            key="place_dl_yaml",
        )
        d2.download_button(
            "Download printable report (HTML)",
            report_html(profile, result, kg, dot),
            file_name="self-assessment.html",
            mime="text/html",
            key="place_dl_report",
        )
        st.markdown("#### Checklist: what is in place here?")
        checklist(kg)
    with tab_compare:
        files = st.file_uploader(
            "Two or more profiles (oldest first)", type=["yaml", "yml"], accept_multiple_files=True, key="place_compare"
        )
        profiles = []
        for f in files or []:
            try:
                profiles.append(parse_profile(yaml.safe_load(f.getvalue()), kg, f.name))
            except (ProfileError, yaml.YAMLError) as err:
                st.error(str(err))
        if len(profiles) < 2:
            st.info("Upload two or more profiles: two places, or one place a year apart.")
            return
        causal = _causal(pw)
        results = [assess(causal, kg, p) for p in profiles]
        c = compare(results, kg)
        st.table([{"profile": r.place, **r.summary(kg)} for r in results])
        st.markdown(
            "**Opened** (open in the last profile, not the first): "
            + (", ".join(md(kg.nodes[n].label) for n in c.opened) or "none")
        )
        st.table(
            [{"element": x["label"], **{p: s for p, s in zip(c.places, x["states"], strict=True)}} for x in c.changed]
            or [{"element": "no change"}]
        )

"""Our place: hold a place up against the model — checklist, coloured pathways, what to invest in first."""

from __future__ import annotations

import html

import streamlit as st

from graph.analysis.assess import (
    ASSESSED,
    ASSUMPTION_STATUSES,
    STATUSES,
    Entry,
    Profile,
    ProfileError,
    assess,
    compare,
    load_profile,
    pathway_graph,
    profile_from_bytes,
)
from graph.analysis.draw import DrawLink, DrawNode, to_dot
from graph.settings import ROOT
from graph.view import causal_subgraph
from ui.common import get_pathways, md, node_link

EXAMPLE = ROOT / "corpus" / "profiles" / "example-fictional-town.yaml"
STATE_COLOUR = {"open": "open", "at risk": "at risk", "unknown": "unknown", "blocked": "blocked"}


def _causal(pw):
    return pathway_graph(causal_subgraph(pw.view), pw.kg)


def _load_into_state(profile: Profile, kg) -> None:
    st.session_state["place_name"] = profile.place
    for n in kg.nodes.values():
        if n.type in ASSESSED:
            st.session_state[f"pl_{n.id}"] = profile.status(n.id)
            e = profile.items.get(n.id, Entry("unknown"))
            st.session_state[f"pln_{n.id}"] = e.note
            st.session_state[f"ple_{n.id}"] = e.evidence
    for a in kg.of_type("Assumption"):
        st.session_state[f"pla_{a.id}"] = profile.assumptions.get(a.id, Entry("unknown")).status
    st.session_state["place_meta"] = {"fictional": profile.fictional, "date": profile.date}


def _defaults(kg) -> None:
    """Every item starts unknown (not the first option of its select box)."""
    for n in kg.nodes.values():
        key = f"pl_{n.id}" if n.type in ASSESSED else f"pla_{n.id}" if n.type == "Assumption" else ""
        if key and key not in st.session_state:
            st.session_state[key] = "unknown"


def _current(kg) -> Profile:
    items = {}
    for n in kg.nodes.values():
        if n.type in ASSESSED:
            status = st.session_state.get(f"pl_{n.id}", "unknown")
            note = st.session_state.get(f"pln_{n.id}", "")
            evidence = st.session_state.get(f"ple_{n.id}", "")
            if status != "unknown" or note or evidence:
                items[n.id] = Entry(status, note, evidence)
    assumptions = {
        a.id: Entry(st.session_state[f"pla_{a.id}"])
        for a in kg.of_type("Assumption")
        if st.session_state.get(f"pla_{a.id}", "unknown") != "unknown"
    }
    meta = st.session_state.get("place_meta", {})
    return Profile(
        st.session_state.get("place_name") or "Our place",
        items,
        assumptions,
        fictional=meta.get("fictional", False),
        date=meta.get("date", ""),
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
        with st.expander(md(title), expanded=typ != "Foundation"):
            for n in sorted(nodes, key=lambda n: n.label):
                c1, c2, c3 = st.columns([3, 2, 2], vertical_alignment="bottom")
                c1.selectbox(md(n.label), STATUSES, key=f"pl_{n.id}", help=md(n.text[:300]))
                c2.text_input("Note", key=f"pln_{n.id}", label_visibility="collapsed", placeholder="note")
                c3.text_input(
                    "Evidence", key=f"ple_{n.id}", label_visibility="collapsed", placeholder="evidence (link)"
                )
    with st.expander("Assumptions (optional): does each hold here?", expanded=False):
        for a in sorted(kg.of_type("Assumption"), key=lambda a: (a.order, a.label)):
            st.selectbox(md(f"{a.stage_label}: {a.label}"), ASSUMPTION_STATUSES, key=f"pla_{a.id}",
                         help=md(a.text[:300]))


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
    blocked = "".join(
        f"<li>{e(kg.nodes[n].label)} &larr; {e(', '.join(kg.nodes[b].label for b in why) or 'no route')}</li>"
        for n, why in sorted(result.blockers.items(), key=lambda x: kg.nodes[x[0]].order)
    )
    entries = "".join(
        f"<tr><td>{e(kg.nodes[n].label)}</td><td>{e(kg.nodes[n].type)}</td><td>{e(x.status)}</td>"
        f"<td>{e(x.note)}</td><td>{e(x.evidence)}</td></tr>"
        for n, x in sorted(profile.items.items(), key=lambda x: (kg.nodes[x[0]].order, kg.nodes[x[0]].label))
    )
    fictional = "<p><strong>This profile is fictional.</strong></p>" if profile.fictional else ""
    dated = f"<p>Assessed: {e(profile.date)}</p>" if profile.date else ""
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{e(profile.place)}: self-assessment</title>
<style>body{{font-family:sans-serif;max-width:900px;margin:2em auto}}td,th{{border:1px solid #ccc;padding:3px 6px}}
table{{border-collapse:collapse}}@media print{{details{{display:none}}}}</style></head><body>
<h1>{e(profile.place)}: Empowering Places self-assessment</h1>{fictional}{dated}
<p>Outcomes and impacts: <b>{s["open"]}</b> open, <b>{s["at risk"]}</b> at risk, <b>{s["unknown"]}</b> unknown,
<b>{s["blocked"]}</b> blocked.</p>
<h2>Invest here first</h2><table><tr><th>item</th><th>type</th><th>now</th><th>outcomes/impacts it opens</th></tr>
{rows}</table><h2>Assumptions at risk</h2><ul>{risks or "<li>none</li>"}</ul>
<h2>Blocked, and by what</h2><ul>{blocked or "<li>nothing blocked</li>"}</ul>
<h2>What the place said</h2><table><tr><th>item</th><th>type</th><th>status</th><th>note</th><th>evidence</th></tr>
{entries}</table><p>Items not listed are unknown.</p>
<h2>Every element</h2><table><tr><th>stage</th><th>element</th><th>state</th></tr>{states}</table>
<details><summary>Pathway picture (Graphviz DOT; paste into any Graphviz viewer)</summary><pre>{e(dot)}</pre></details>
</body></html>"""


def render() -> None:
    pw = get_pathways()
    kg = pw.kg
    _defaults(kg)
    tab_assess, tab_compare = st.tabs(["Assess our place", "Compare profiles"])
    with tab_assess:
        c1, c2 = st.columns([2, 3])
        up = c2.file_uploader("Load a profile (YAML)", type=["yaml", "yml"], key="place_upload")
        if up is not None and st.session_state.get("place_loaded") != up.file_id:
            try:
                _load_into_state(profile_from_bytes(up.getvalue(), kg, up.name), kg)
                st.session_state["place_loaded"] = up.file_id
            except ProfileError as err:
                st.error(md(str(err)))
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
        st.caption(
            "Green: open · orange: at risk (a partly item or foundation on its best route) · yellow: unknown · "
            "red: blocked. Columns are the model's stages; solid arrows are stated in the text, dashed inferred."
        )
        left, right = st.columns(2)
        with left:
            st.markdown("**Invest here first**")
            st.table(
                [
                    {"item": md(i.label), "type": md(i.type), "now": md(i.status), "opens outcomes/impacts": i.unblocks}
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
        if result.blockers:
            with st.expander(f"Blocked, and by what ({len(result.blockers)})", expanded=False):
                st.markdown(
                    "\n".join(
                        f"- {node_link(kg.nodes[n], with_type=False)} ← "
                        + (", ".join(md(kg.nodes[b].label) for b in why) or "no route from what is in place")
                        for n, why in sorted(result.blockers.items(), key=lambda x: kg.nodes[x[0]].order)
                    )
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
        if st.checkbox("Start with the fictional example (as the earliest)", key="place_compare_example"):
            profiles.append(load_profile(EXAMPLE, kg))
        add_current = st.checkbox("Add the profile on the first tab (as the latest)", key="place_compare_current")
        for f in files or []:
            try:
                profiles.append(profile_from_bytes(f.getvalue(), kg, f.name))
            except ProfileError as err:
                st.error(md(str(err)))
        if add_current:
            profiles.append(profile)
        if len(profiles) < 2:
            st.info("Upload two or more profiles: two places, or one place a year apart.")
            return
        causal = _causal(pw)
        results = [assess(causal, kg, p) for p in profiles]
        c = compare(results, kg, profiles)
        # st.table renders Markdown: every text cell and header goes through md(); numbered so one place twice
        # stays two columns
        names = [md(f"{i + 1}. {p}") for i, p in enumerate(c.places)]
        st.markdown("**Outcomes and impacts by state**")
        st.table(
            [
                {"profile": n, **{k: r.summary(kg)[k] for k in ("open", "at risk", "unknown", "blocked")}}
                for n, r in zip(names, results, strict=True)
            ]
        )
        st.markdown(
            "**Opened** (open in the last profile, not the first): "
            + (", ".join(md(kg.nodes[n].label) for n in c.opened) or "none")
        )
        st.markdown(
            "**Closed** (open in the first, not the last): "
            + (", ".join(md(kg.nodes[n].label) for n in c.closed) or "none")
        )
        st.markdown("**What changed in the profiles**")
        st.table(
            [
                {"item": md(x["label"]), "type": x["type"], **dict(zip(names, x["statuses"], strict=True))}
                for x in c.items
            ]
            or [{"item": "no change"}]
        )
        st.markdown("**Elements whose state changed**")
        st.table(
            [{"element": md(x["label"]), **dict(zip(names, x["states"], strict=True))} for x in c.changed]
            or [{"element": "no change"}]
        )

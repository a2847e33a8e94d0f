"""Assumptions: the chain under an element or path, what rests on an assumption, and how fragile an outcome is."""

from __future__ import annotations

import streamlit as st

from graph.analysis.chains import BASIS_WORDS, attached_how, with_article
from graph.analysis.draw import to_dot
from graph.analysis.fragility import evidence_words, most_cutting_text, to_csv
from graph.analysis.paths import UnknownNode
from graph.evidence import level_of_basis
from graph.ns import counted, type_words
from graph.stages import section_words
from graph.text.labels import shorten
from ui.common import evidence_badge as badge
from ui.common import get_pathways, md, node_link, pick_node, quote_block, show
from ui.pathways import element_options
from ui.route import correct, param, seed, set_params

MODES = ("An element or a path", "What rests on an assumption", "How fragile is an outcome or impact")


def _links(items: list[dict], kg) -> str:
    return (
        "\n".join(f"- {node_link(kg.nodes.get(i['id']), with_type=False)}" for i in items if i.get("id") in kg.nodes)
        or "*none*"
    )


def _attached_links(items: list[dict], kg) -> str:
    """Assumptions (or elements) each with why it is attached: named, matched, curated or the stage fallback."""
    lines = []
    for i in items:
        if i.get("id") not in kg.nodes:
            continue
        how = attached_how(i)
        lines.append(f"- {node_link(kg.nodes.get(i['id']), with_type=False)}" + (f"  \n  *{md(how)}*" if how else ""))
    return "\n".join(lines) or "*none*"


def render_chain(pw, chain, chosen: str = "", numbered: bool = True) -> None:
    """Each step of ``chain`` with what it assumes, its foundations and the case studies behind it; ``chosen``
    (an element id) is marked as the one the reader picked."""
    kg = pw.kg
    first_of_stage = 0  # the step whose foundations a later step of the same stage shares
    for i, step in enumerate(chain.steps):
        el = step.element
        if not step.same_stage_as_previous:
            first_of_stage = i
        with st.container(border=True):
            mark = " · *the element you chose*" if chosen and el["id"] == chosen and len(chain.steps) > 1 else ""
            title = f"Step {i + 1}: " if numbered else ""
            show(f"**{title}{node_link(kg.nodes.get(el['id']))}**{mark}")
            if step.link_in is not None:
                lk = step.link_in
                ev = pw.fragility().evidence(lk.source, lk.target) if pw.finder.g.has_edge(lk.source, lk.target) \
                    else None
                if ev is not None:
                    st.markdown(badge(ev.level))
                said = f"reached by {with_article(lk.basis)} link (weight {lk.weight:.2f}): " \
                       f"{shorten(lk.evidence_quote or lk.evidence, 300)}"
                if ev is not None and ev.level != level_of_basis(lk.basis):  # the badge says more than the basis
                    said += f" · {ev.why}"
                st.caption(md(said))
            c1, c2, c3 = st.columns(3)
            show("**Assumes**\n\n" + _attached_links(step.assumptions, kg), c1)
            if step.same_stage_as_previous:
                show(f"**Foundations**\n\n*the same as step {first_of_stage + 1}'s (written for the whole stage)*", c2)
            else:
                show("**Foundations**\n\n" + _links(step.foundations, kg), c2)
            lines = []
            for c in step.cases:
                case = kg.nodes.get(c.case)
                figs = "; ".join(md(f["figure"]) for f in c.figures)
                lines.append(
                    f"- {node_link(case, with_type=False)} · {md(c.basis_words)}" + (f" · **{figs}**" if figs else "")
                )
            show("**Supporting case studies**\n\n" + ("\n".join(lines) or "*none found*"), c3)
            if step.stated_by:
                st.caption(
                    "The link into this step restates: " + "; ".join(md(s.get("label", "")) for s in step.stated_by)
                )


def render_case_evidence(pw, node_id: str) -> None:
    """The case studies linked to an assumption or foundation: evidence for it, each with its sentence."""
    kg = pw.kg
    cases = pw.fragility().case_evidence(node_id)
    lines = [f"- {node_link(kg.nodes.get(c['case']), with_type=False)}: {md(c['rationale'])}" for c in cases
             if c["case"] in kg.nodes]
    show(f"**{evidence_words(len(lines)).capitalize() or 'No evidence from case studies'}**"
         + ("\n\n" + "\n".join(lines) if lines else ""))


def render_rests_on(pw, node_id: str) -> None:
    kg = pw.kg
    r = pw.rests_on(node_id)
    st.markdown(quote_block(kg.nodes[node_id].text))
    render_case_evidence(pw, node_id)
    directly = len(r.elements)
    st.markdown(f"**{counted('Element', directly)} {'rests' if directly == 1 else 'rest'} on it directly; "
                f"{len(r.downstream)} more depend on {'it' if directly == 1 else 'them'}.**")
    c1, c2 = st.columns(2)
    if r.elements and all(e.get("basis") == "stage" for e in r.elements):
        show("**Rests directly on it** (" + BASIS_WORDS["stage"] + ")\n\n" + _links(r.elements, kg), c1)
    else:
        show("**Rests directly on it**\n\n" + _attached_links(r.elements, kg), c1)
    show("**Would lose every path from a condition or input if it failed**\n\n" + _links(r.breaks, kg), c2)
    d = pw.rests_on_drawing(r)
    if d.nodes:
        # drawn at its own size (shrunk only to fit the page): a one-box picture stays one box's size
        st.graphviz_chart(to_dot(d.nodes, d.links, status=d.status), width="content")
        st.caption(
            "Yellow: rests directly on the assumption · red: loses every path from a condition or input if it fails."
            " Arrows: the model's links between them, drawn by their evidence."
        )
        alone = [n.label for n in d.unlinked]
        if alone:
            st.caption(md(_unlinked_words(alone, len(d.nodes))))
    if r.paths:
        st.markdown("**Example pathways through it**")
        for p in r.paths:
            show("- " + " → ".join(node_link(kg.nodes[n], with_type=False) for n in p.nodes))


def _unlinked_words(labels: list[str], drawn: int) -> str:
    """Says that boxes drawn without an arrow have none in the model, not one left out of the picture."""
    names = ", ".join(labels[:-1]) + (" and " if len(labels) > 1 else "") + labels[-1]
    if len(labels) > 1 and len(labels) == drawn:
        return f"No arrow joins {names}: the model has no link between them."
    many = len(labels) > 1
    return f"{names} {'have' if many else 'has'} no arrow: the model links {'them' if many else 'it'} to nothing " \
        "else drawn here."


def _route_label(kg, route) -> str:
    """The route as its picker shows it, each element's label cut to a few words: a box cuts a long line at its
    edge, mid-word (every step is in full in the table under it)."""
    return " → ".join(shorten(kg.nodes[n].label, ROUTE_LABEL_CHARS) for n in route.path.nodes)


ROUTE_LABEL_CHARS = 34


def _attached_to(kg, r) -> str:
    """'Relational approaches (named in its words); …' for a fragility row: where the assumption sits, and why."""
    return "; ".join(f"{kg.nodes[a['element']].label} ({BASIS_WORDS.get(a['basis'], 'its stage')})"
                     for a in r.attached if a["element"] in kg.nodes)


def _fragility_rows(f, kg) -> list[dict]:
    """What each failure would cut first (the numbers), then where it sits and its sources: at 1400 px the columns
    read before the table scrolls."""
    return [{"assumption or foundation": r.node.get("label", ""), "routes lost": r.lost, "of": r.total,
             "routes left": r.total - r.lost, "on every route": "yes" if r.everywhere else "",
             "the target's own": "yes" if r.own else "", "type": r.node.get("type", ""),
             "stage": r.node.get("stage_label", ""), "attached to (on these routes)": _attached_to(kg, r),
             "evidence from case studies": evidence_words(len(r.cases)),
             "source": "; ".join(", ".join(w for w in (s["document"], section_words(s["section"])) if w)
                                 for s in r.sources)} for r in f.rows]


_NARROW = ("routes lost", "of", "routes left", "on every route", "the target's own")


def render_fragility(pw, path_param: list[str]) -> None:
    """What every route to an outcome/impact rests on, its weakest step, and what each failure would cut."""
    kg = pw.kg
    fa = pw.fragility()
    opts = fa.targets()
    named = kg.nodes.get(param("node"))
    if named is not None and named.id not in opts:  # a link or the other view's element: say why it is not used
        kind = with_article(type_words(named.type).lower())
        st.info(md(f"{named.label} is {kind}: what every pathway rests on is worked out for an outcome or impact. "
                   "Choose one below."))
    picked = pick_node("Outcome or impact", opts, "as_target", "Choose an outcome or impact…",
                       lambda i: f"{kg.nodes[i].stage_label} · {type_words(kg.nodes[i].type)}: {kg.nodes[i].label}")
    seed("as_strong", param("strong") == "1")
    strong = st.checkbox("Only pathways where every step is stated or shown", key="as_strong")
    set_params(node=picked or "", look="fragility", strong="1" if strong else "",
               path=",".join(path_param) if picked and path_param and path_param[-1] == picked else "")
    if not picked:
        st.info("Choose an outcome or impact to see what all its pathways rest on and which assumption, if it "
                "failed, would cut the most of them.")
        return
    f = fa.for_target(picked, strong_only=strong, routes=5)
    c1, c2, c3 = st.columns(3)
    c1.metric("Routes from a condition or input", f.total)
    c2.metric("Every step stated or shown", f.strong_total)
    c3.metric("Assumptions under every route", len(f.everywhere))
    st.caption(
        f"A route is a chain of arrows from a condition or input to {md(kg.nodes[picked].label)} of at most "
        f"{f.max_depth} links ({'counted exactly' if f.exact else 'a lower bound'}). A route rests on every "
        "assumption and foundation of every element it passes through, this one included, and on an assumption "
        "whose own sentence states one of its links. An assumption sits under the elements its words speak about "
        "(named, matched by meaning, or curated); only one that none of them fits sits under its whole stage."
    )
    if not f.total:
        if strong and (every := fa.for_target(picked, strong_only=False, routes=1)).total:
            st.warning(f"No route reaches it with every step stated or shown; {every.total} "
                       f"route{'s' if every.total != 1 else ''} reach it with inferred or curated steps: untick "
                       "“Only pathways where every step is stated or shown” to see them.")
        else:
            st.warning("No route reaches it" + (" with every step stated or shown." if strong else "."))
        return

    st.subheader("What this rests on everywhere")
    if f.on_every_route:
        show("**Every route passes through** " + ", ".join(
            node_link(kg.nodes.get(n["id"]), with_type=False) for n in f.on_every_route))
    up = [r.node for r in f.everywhere if not r.own]
    own = [r.node for r in f.everywhere if r.own]
    e1, e2 = st.columns(2)
    show(f"**Upstream: if any of these failed, no route would be left ({len(up)})**\n\n" + _links(up, kg), e1)
    show(f"**Its own assumptions and foundations ({len(own)})**\n\n" + _links(own, kg), e2)

    st.subheader("Weakest step")
    routes = list(f.routes)
    if path_param and path_param[-1] == picked:
        try:
            chosen = fa.route(path_param)
            routes = [chosen] + [r for r in routes if r.path.nodes != chosen.path.nodes]
        except (UnknownNode, KeyError):
            correct("This link names a step that is not in the graph; showing this element's own routes.", "error")
    if st.session_state.get("as_route") not in range(len(routes)):
        st.session_state.pop("as_route", None)
    seed("as_route", 0)  # the route the URL names (path=) first, again after Back or Forward
    i = st.selectbox("Pathway", range(len(routes)), format_func=lambda k: _route_label(kg, routes[k]),
                     key="as_route") if routes else None
    if i is not None:
        route = routes[i]
        # the chosen route is part of the view: a copied link reopens it, Back returns to the one before
        set_params(path=",".join(route.path.nodes) if i or (path_param and path_param[-1] == picked) else "")
        w = route.evidence[route.weakest]
        show(f"**{node_link(kg.nodes[w.source], with_type=False)} → "
             f"{node_link(kg.nodes[w.target], with_type=False)}** {badge(w.level)} weight {w.weight:.2f}")
        st.caption(md(w.why))
        # a table that wraps: in a scrolling grid the reasons and the weights were cut at the right edge
        st.table([{"step": k + 1, "from": md(kg.nodes[e.source].label), "to": md(kg.nodes[e.target].label),
                   "evidence": md(e.badge), "weight": f"{e.weight:.2f}", "why": md(e.why)}
                  for k, e in enumerate(route.evidence)])

    st.subheader("If this assumption failed")
    alone = len(f.most_cutting) == 1  # one is named with its document and section; several tied, each by its stage

    def name(r) -> str:
        src = r.sources[0] if r.sources else {}
        where = [src.get("document", ""), section_words(src.get("section", ""))] if alone else [
            r.node.get("stage_label", "")]
        where = [w for w in where if w]
        return f"**{md(r.node['label'])}**" + (f" ({md(', '.join(where))})" if where else "")

    if headline := most_cutting_text(f, md(kg.nodes[picked].label), name):
        st.markdown(headline)
    st.dataframe(_fragility_rows(f, kg), width="stretch", hide_index=True,
                 column_config={"assumption or foundation": st.column_config.TextColumn(width="large"),
                                **{c: st.column_config.Column(width="small") for c in _NARROW},
                                "type": st.column_config.Column(width="medium"),
                                "stage": st.column_config.Column(width="medium")})
    st.download_button("Download this table with every assumption's sources (CSV)", to_csv(f),
                       file_name=f"fragility-{picked.replace('/', '-')}.csv", mime="text/csv", key="as_csv")


def render() -> None:
    pw = get_pathways()
    kg = pw.kg
    path_param = [p for p in param("path").split(",") if p]
    node = kg.nodes.get(param("node"), None)
    rests = param("look") == "rests" or bool(node and node.type in ("Assumption", "Foundation"))
    index = 2 if param("look") == "fragility" else 1 if rests else 0
    seed("as_mode", MODES[index])
    tab = st.radio("Look at", MODES, horizontal=True, key="as_mode")
    if st.session_state.get("as_mode_shown", tab) != tab:  # the node chosen stays chosen where the new view has it
        for key in ("as_el", "as_target", "as_assumption"):
            st.session_state.pop(key, None)
    st.session_state["as_mode_shown"] = tab
    if tab == MODES[2]:
        render_fragility(pw, path_param)
        return
    set_params(look="", strong="")
    if tab == MODES[0]:
        opts = element_options(pw)
        picked = pick_node("Element", opts, "as_el", "Choose an element (or open a path from the Pathways page)…",
                           lambda i: f"{kg.nodes[i].stage_label}: {kg.nodes[i].label}")
        if path_param and not picked:
            try:
                path = pw.finder.make_path(path_param)
            except (UnknownNode, KeyError):
                correct("This link names a step that is not in the graph; showing the element picker instead.",
                        "error")
                st.info("Choose an element to see what it takes for granted, step by step.")
                return
            show("Path: " + " → ".join(node_link(kg.nodes[n], with_type=False) for n in path.nodes))
            render_chain(pw, pw.chain(path))
            return
        set_params(node=picked or "", path="")
        if not picked:
            st.info("Choose an element to see what it takes for granted, step by step.")
            return
        # the chosen element first, what it takes for granted; then the best pathway through it (it had been one
        # step of seven, two screens down; a browser walk)
        show(f"#### What {node_link(kg.nodes[picked], with_type=False)} takes for granted")
        render_chain(pw, pw.chain(picked), numbered=False)
        through = pw.finder.through(picked, k=1)
        if through:
            at = through[0].nodes.index(picked) + 1
            show(f"#### The best pathway through it (it is step {at} of {len(through[0].nodes)})\n"
                 + " → ".join(node_link(kg.nodes[n], with_type=False) for n in through[0].nodes))
            render_chain(pw, pw.chain(through[0]), chosen=picked)
    else:
        opts = sorted(
            (n.id for n in kg.of_type("Assumption", "Foundation")),
            key=lambda i: (kg.nodes[i].order, kg.nodes[i].type, kg.nodes[i].label),
        )
        picked = pick_node("Assumption or foundation", opts, "as_assumption", "Choose an assumption…",
                           lambda i: f"{kg.nodes[i].stage_label} · {type_words(kg.nodes[i].type)}: {kg.nodes[i].label}")
        # an assumption chosen says which view this is; before one is, the view says it (look=rests)
        set_params(node=picked or "", path="", look="" if picked else "rests")
        if not picked:
            st.info("Choose an assumption or foundation to see which elements rest on it, what would lose every "
                    "path from a condition or input if it failed, and the case studies that bear it out.")
            return
        render_rests_on(pw, picked)

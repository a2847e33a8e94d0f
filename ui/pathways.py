"""Pathways: paths through the logic model on the explorable picture, step by step with the reason for each
link, and everything a meeting needs to download (picture, report, CIDS)."""

from __future__ import annotations

import html
from urllib.parse import quote

import streamlit as st

from graph.analysis.paths import Path, PathResult, UnknownNode
from graph.analysis.report import BASIS_WORDS, link_reason, score_text
from graph.ns import LINKED_CLASSES
from ui.common import get_pathways, md, node_link, param, set_params, show
from ui.downloads import pathway_downloads
from ui.explore import explorer

ELEMENT_TYPES = LINKED_CLASSES
MODES = {
    "between": "From one element to another",
    "forward": "Everything forward from an element",
    "backward": "Everything an outcome or impact rests on",
}


def element_options(pw) -> list[str]:
    els = [n for n in pw.kg.nodes.values() if n.type in ELEMENT_TYPES]
    return [n.id for n in sorted(els, key=lambda n: (n.order, n.label))]


def path_table(pw, path: Path) -> list[dict]:
    rows = []
    for i, nid in enumerate(path.nodes):
        n = pw.kg.nodes[nid]
        lk = path.links[i - 1] if i else None
        rows.append(
            {
                "step": i + 1,
                "stage": md(n.stage_label + (f" ({n.horizon or n.scope})" if n.horizon or n.scope else "")),
                "element": md(n.label),  # st.table renders Markdown in cells
                "type": n.type,
                "link in": f"{BASIS_WORDS.get(lk.basis, lk.basis)} ({lk.weight:.2f})" if lk else "",
                "why": md(link_reason(lk)) if lk else "",
            }
        )
    return rows


def run_query(pw, mode: str, a: str, b: str, k: int) -> PathResult:
    if mode == "between":
        return pw.paths(a, b, k=k)
    if mode == "forward":
        return pw.forward(a, max_paths=k)
    return pw.backward(a, max_paths=k)


def render() -> None:
    pw = get_pathways()
    opts = element_options(pw)
    label = {i: f"{pw.kg.nodes[i].stage_label}: {pw.kg.nodes[i].label}" for i in opts}
    mode_param = param("mode", "forward" if param("from") and not param("to") else "between")
    mode = st.radio(
        "Show",
        list(MODES),
        index=list(MODES).index(mode_param) if mode_param in MODES else 0,
        format_func=MODES.get,
        horizontal=True,
        key="pw_mode",
    )
    c1, c2, c3 = st.columns([4, 4, 1])
    start = param("from")
    a = c1.selectbox(
        "Start" if mode != "backward" else "Outcome or impact",
        opts,
        index=opts.index(start) if start in opts else None,
        format_func=label.get,
        placeholder="Choose an element…",
        key="pw_from",
    )
    b = None
    if mode == "between":
        end = param("to")
        b = c2.selectbox(
            "End",
            opts,
            index=opts.index(end) if end in opts else None,
            format_func=label.get,
            placeholder="Choose an element…",
            key="pw_to",
        )
    k = c3.number_input("Paths", 1, 50, int(param("k", "5") or 5), key="pw_k")
    set_params(mode=mode, **{"from": a or "", "to": b or "", "k": str(k)})
    if not a or (mode == "between" and not b):
        st.info(
            "Pick a start" + (" and an end" if mode == "between" else "") + ". For example: "
            "Processes: Create a referral network → Impacts: Prosperity."
        )
        return
    try:
        result = run_query(pw, mode, a, b or "", int(k))
    except UnknownNode as e:
        st.error(md(str(e)))
        return
    if not result.found:
        st.warning(md(result.message or "No path."))
        if result.nearest:
            show(
                "**Nearest reachable:**\n"
                + "\n".join(
                    f"- {node_link(pw.kg.nodes.get(n['id']))}" for n in result.nearest if n.get("id") in pw.kg.nodes
                )
            )
        return
    paths = result.paths
    names = [
        f"{i + 1}. " + " → ".join(pw.kg.nodes[n].label[:28] for n in p.nodes) + f"  (strength {p.weight:.2f})"
        for i, p in enumerate(paths)
    ]
    chosen = int(param("path", "0") or 0)
    chosen = st.selectbox(
        "Highlighted path",
        range(len(paths)),
        index=min(chosen, len(paths) - 1),
        format_func=lambda i: names[i],
        key="pw_path",
    )
    set_params(path=str(chosen))
    if result.truncated:
        st.caption(f"Showing the best {len(paths)} paths; more exist (raise 'Paths' to see them).")
    path = paths[chosen]
    st.markdown(md(score_text(path)))
    explorer(pw, "pw", highlight=path.nodes, highlight_links=[(lk.source, lk.target) for lk in path.links])
    st.caption(
        "Columns are the model's stages. Solid green: stated in a document · dashed grey: inferred by "
        "similarity · purple: added by a curator. Thicker = stronger; the highlighted path is dark blue."
    )
    pathway_downloads(pw, paths, chosen)
    left, right = st.columns([3, 1])
    with left:
        st.markdown("**The highlighted path, step by step, with the reason for each link**")
        st.table(path_table(pw, path))
    with right:
        st.markdown("**Open a step**")
        show("\n".join(f"- {node_link(pw.kg.nodes[n])}" for n in path.nodes))
        along = html.escape(f"?page=assumptions&path={quote(','.join(path.nodes), safe='/,')}")
        show(f'<a href="{along}" target="_self">Assumptions along this path</a>')

"""Pathways: paths through the logic model on the explorable picture, step by step with the reason for each
link, and everything a meeting needs to download (picture, report, CIDS)."""

from __future__ import annotations

import html
from urllib.parse import quote

import streamlit as st

from graph.analysis.paths import Path, PathResult, UnknownNode
from graph.analysis.report import path_steps, score_text, step_reason
from graph.evidence import Evidence, weakest
from graph.ns import LINKED_CLASSES
from graph.text.labels import fit_parts
from ui.common import evidence_badge, get_pathways, md, node_link, show
from ui.downloads import pathway_downloads
from ui.explore import explorer
from ui.route import correct, int_param, moved, param, seed, set_params

ELEMENT_TYPES = LINKED_CLASSES
BOX_CHARS = 36  # a Start or End label a box shows whole at 1400 px (251 px of 14 px text; 40 characters measured 235)
PATH_CHARS = 120  # a path's elements in one select box option: within its width at 1400 px, strength included
K_DEFAULT, K_MAX = 5, 50  # paths asked for: the default a link leaves out, and the most the box allows
MODES = {
    "between": "From one element to another",
    "forward": "Everything forward from an element",
    "backward": "Everything an outcome or impact rests on",
}

PICK = {  # what to choose first, in each mode's own words
    "between": "Pick a start and an end. For example: Processes: Create a referral network → Impacts: Prosperity.",
    "forward": "Pick a start to see everything it leads to. For example: Processes: Create a referral network.",
    "backward": "Pick the outcome or impact to look back from: every pathway that reaches it. For example: "
    "Impacts: Prosperity.",
}


def element_options(pw) -> list[str]:
    els = [n for n in pw.kg.nodes.values() if n.type in ELEMENT_TYPES]
    return [n.id for n in sorted(els, key=lambda n: (n.order, n.label))]


def box_label(n) -> str:
    """An element as its Start or End box shows it, and as typing to find matches it: "Impacts: Prosperity"."""
    return f"{n.stage_label}: {n.label}"


def path_table(pw, path: Path, steps: list[Evidence]) -> list[dict]:
    """One row per element; each link's badge, strength and reason from its evidence (``steps``, as
    ``path_steps`` gives them), the weakest step by the one rule (``graph.evidence.weakest``) marked."""
    weak = weakest(steps) if len(steps) > 1 else None  # one step is trivially the weakest: no mark
    rows = []
    for i, nid in enumerate(path.nodes):
        n = pw.kg.nodes[nid]
        lk, ev = (path.links[i - 1], steps[i - 1]) if i else (None, None)
        mark = " **weakest**" if i and i - 1 == weak else ""
        rows.append(
            {
                "step": i + 1,
                "stage": md(n.stage_label + (f" ({n.horizon or n.scope})" if n.horizon or n.scope else "")),
                "element": md(n.label),  # st.table renders Markdown in cells (the stage says its type)
                "link in: evidence, strength": f"{evidence_badge(ev.level)} {lk.weight:.2f}{mark}" if lk else "",
                "why": md(step_reason(lk, ev)) if lk else "",
            }
        )
    return rows


def run_query(pw, mode: str, a: str, b: str, k: int, strong_only: bool = False) -> PathResult:
    if mode == "between":
        return pw.paths(a, b, k=k, strong_only=strong_only)
    if mode == "forward":
        return pw.forward(a, max_paths=k, strong_only=strong_only)
    return pw.backward(a, max_paths=k, strong_only=strong_only)


def chosen_ends(pw, a: str | None, b: str | None, first: str = "Start") -> str:
    """The chosen start and end in full, each its stage and a link to its page, when a box cuts one at its edge
    ("Outcomes: Businesses sustainable, provide"): typing to find filters on the label the box shows, so the box
    keeps it and the whole of it is said under the boxes. "" when every chosen label fits its box (the line would
    only repeat the boxes and push the picture off the first screen) or nothing is chosen."""
    ends = [(word, pw.kg.nodes[i]) for word, i in ((first, a), ("End", b)) if i in pw.kg.nodes]
    if all(len(box_label(n)) <= BOX_CHARS for _, n in ends):
        return ""
    return " &nbsp;→&nbsp; ".join(f"**{word}:** {md(n.stage_label)} · {node_link(n, with_type=False)}"
                                  for word, n in ends)


def _swap_ends() -> None:
    """The start becomes the end and the end the start (the next run writes both to the URL: one history entry)."""
    st.session_state["pw_from"], st.session_state["pw_to"] = st.session_state.get("pw_to"), \
        st.session_state.get("pw_from")


def no_path(pw, result: PathResult) -> None:
    """Why no pathway was found, the elements named by their labels; when one runs the other way, a button that
    swaps the start and the end; and the nearest elements either side."""
    why = result.explain(lambda i: f"“{pw.kg.nodes[i].label}”" if i in pw.kg.nodes else i)
    st.warning(md(why[:1].upper() + why[1:] + "." if why else "No path."))
    if result.reverse:
        st.button("Swap start and end", key="pw_swap", on_click=_swap_ends, icon=":material/swap_horiz:",
                  help="Show the pathways that run from the end to the start, the way the model's arrows point.")
    if result.nearest:
        show(
            "**Nearest reachable:**\n"
            + "\n".join(
                f"- {node_link(pw.kg.nodes.get(n['id']))}" for n in result.nearest if n.get("id") in pw.kg.nodes
            )
        )


def render() -> None:
    pw = get_pathways()
    opts = element_options(pw)
    label = {i: box_label(pw.kg.nodes[i]) for i in opts}
    mode_param = param("mode", "forward" if param("from") and not param("to") else "between")
    seed("pw_mode", mode_param if mode_param in MODES else "between")
    mode = st.radio(
        "Show",
        list(MODES),
        format_func=MODES.get,
        horizontal=True,
        key="pw_mode",
        label_visibility="collapsed",
    )
    # two rows of choices and the path above the picture, so the path and its picture are the first screen's
    c1, c2, c3, c4 = st.columns([4, 4, 1, 3], vertical_alignment="bottom")
    # "everything X rests on" looks back from X: a link may name it as the end (to=) as well as the start
    start_key = "to" if mode == "backward" and param("to") and not param("from") else "from"
    start = param(start_key)
    for name, value in ((start_key, start), ("to", param("to") if start_key == "from" else "")):
        if value and value not in label:
            correct(md(f"The link's {name} “{value}” is not an element of the model; choose one below."))
    if mode == "backward" and param("from") and param("to") in label:  # a link naming both: say which is used
        st.info(f"This view looks back from one element, the link's start; its end, "
                f"“{md(pw.kg.nodes[param('to')].label)}”, is left out. Choose “{MODES['between']}” above for the "
                "pathways between the two.")
    seed("pw_from", start if start in label else None)
    a = c1.selectbox(
        "Start" if mode != "backward" else "Outcome or impact",
        opts,
        format_func=label.get,
        placeholder="Choose an element…",
        key="pw_from",
    )
    b = None
    if mode == "between":
        end = param("to")
        seed("pw_to", end if end in label else None)
        b = c2.selectbox(
            "End",
            opts,
            format_func=label.get,
            placeholder="Choose an element…",
            key="pw_to",
        )
    if ends := chosen_ends(pw, a, b, "Start" if mode != "backward" else "Outcome or impact"):
        show(ends, st.container(key="pw_chosen"))  # the boxes cut long labels: here they are whole
    k_link, k_wrong = int_param("k", K_DEFAULT, 1, K_MAX)
    if k_wrong and ("pw_k" not in st.session_state or moved()):
        correct(md(f"The link's number of paths (k): {k_wrong}; showing {k_link}."))
    seed("pw_k", k_link)
    k = c3.number_input(f"Paths (1–{K_MAX})", 1, K_MAX, key="pw_k",
                        help=f"How many of the strongest pathways to find: a whole number from 1 to {K_MAX}. A "
                        "number outside that range is not taken; the box keeps its last good value.")
    seed("pw_strong", param("strong") == "1")
    strong = c4.checkbox("Only stated or shown steps", key="pw_strong",
                         help="Only pathways where every step is stated or shown: keeps only arrows a document "
                         "states or a case study shows (both ends illustrated by one case), in the paths, the "
                         "picture and the table.")
    implied = "forward" if a and not b else "between"  # what a link without mode= opens: left out of it
    ends = {"from": a or "", "to": b or ""} if start_key == "from" else {"from": "", "to": a or ""}
    set_params(mode=mode if mode != implied else "", strong="1" if strong else "",
               **ends, k=str(k) if k != K_DEFAULT else "")
    if not a or (mode == "between" and not b):
        st.info(PICK[mode])
        return
    try:
        result = run_query(pw, mode, a, b or "", int(k), strong)
    except UnknownNode as e:
        st.error(md(str(e)))
        return
    if not result.found:
        if strong:
            every = run_query(pw, mode, a, b or "", int(k))
            if every.found:
                st.warning(md(f"No pathway here has every step stated in a document or shown by a case study ("
                              f"{'at least ' if every.truncated else ''}{len(every.paths)} with inferred or "
                              f"curated steps). Untick the checkbox to see them."))
                explorer(pw, "pw", highlight=[a] + ([b] if b else []), strong_only=True)
                return
            result = every  # none even with every link: say why, as without the checkbox
        no_path(pw, result)
        return
    paths = result.paths
    full = [" → ".join(pw.kg.nodes[n].label for n in p.nodes) for p in paths]
    names = [f"{i + 1}. " + fit_parts([pw.kg.nodes[n].label for n in p.nodes], PATH_CHARS)
             + f"  (strength {p.weight:.2f})" for i, p in enumerate(paths)]
    chosen, wrong = int_param("path", 0, 0, len(paths) - 1)
    if wrong and ("pw_path" not in st.session_state or moved()):
        correct(md(f"The link's path: {wrong} (the {len(paths)} paths found count from 0); "
                   f"showing path {chosen + 1}."))
    if st.session_state.get("pw_path") not in range(len(paths)):
        st.session_state.pop("pw_path", None)  # another start or end: the old choice is not one of these paths
    seed("pw_path", chosen)
    chosen = st.selectbox(
        "Highlighted path",
        range(len(paths)),
        format_func=lambda i: names[i],
        key="pw_path",
        help=md(f"In full: {full[st.session_state['pw_path']]}. Every step is in the table below."),
    )
    set_params(path=str(chosen) if chosen else "")
    path = paths[chosen]
    steps = path_steps(path, pw.evidence())  # every sentence, badge and row below reads these, and one rule
    explorer(pw, "pw", highlight=path.nodes, highlight_links=[(lk.source, lk.target) for lk in path.links],
             strong_only=strong)
    st.caption("Columns are the model's stages. Every arrow is drawn by its evidence (the key above the picture); "
               "the highlighted path's elements are edged dark blue and its arrows name their evidence level."
               + (f" Showing the best {'path' if len(paths) == 1 else f'{len(paths)} paths'}; more exist "
                  "(raise 'Paths' to see them)." if result.truncated else ""))
    st.markdown(md(score_text(pw.kg, path, steps)))
    pathway_downloads(pw, paths, chosen)
    # the table takes the page's width: beside a column of links its "why" was a 180 px strip, 20 lines a reason
    st.markdown("**The highlighted path, step by step, with the reason for each link**")
    st.table(path_table(pw, path, steps))
    along = html.escape(f"?page=assumptions&path={quote(','.join(path.nodes), safe='/,')}")
    show("**Open a step:** " + " → ".join(node_link(pw.kg.nodes[n], with_type=False) for n in path.nodes)
         + f' · <a href="{along}" target="_self">Assumptions along this path</a>')

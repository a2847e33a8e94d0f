"""What a browser audit found unreadable, through AppTest on the real build: the whole labels of the Pathways
start and end, Our place's counts beside the checklist, and the Ask page's node types each named once."""

from __future__ import annotations

import re

from graph.analysis.assess import assess, load_profile
from graph.ns import type_words
from graph.store import KnowledgeGraph
from tests.test_app import app_env, body_after_results, run  # noqa: F401 - app_env: the session build, for every test here
from ui.place import COUNTS, EXAMPLE

LONG_START = "outcome/businesses-sustainable-provide-opportunities-for-local-people"
LONG_END = "impact/agency-and-empowerment-through-having-a-credible-voice"


def _plain(text: str) -> str:
    return text.replace("\\", "")


def test_pathways_says_the_chosen_start_and_end_in_full(app_env):  # noqa: F811
    """The select boxes cut a long label at their edge; the line under them names both ends whole, with their
    stages, each a link to its page, and follows the boxes as they change."""
    kg = KnowledgeGraph.load(app_env["build"])
    at = run(page="pathways", **{"from": LONG_START, "to": LONG_END})
    ends = _ends(at)
    start, end = kg.nodes[LONG_START], kg.nodes[LONG_END]
    assert f"**Start:** {start.stage_label} · " in ends and f">{start.label}</a>" in ends
    assert f"**End:** {end.stage_label} · " in ends and f">{end.label}</a>" in ends
    assert ends.index(start.label) < ends.index(end.label)
    assert f'href="?page=node&amp;node={LONG_END}"' in ends
    at.selectbox(key="pw_to").set_value("impact/prosperity").run()  # a new end: the line says it
    assert ">Prosperity</a>" in _ends(at) and end.label not in _ends(at)
    back = run(page="pathways", mode="backward", **{"from": LONG_END})  # one element: its own word, no end
    assert _ends(back).startswith("**Outcome or impact:** Impacts · ") and "End:" not in _ends(back)
    assert _ends(run(page="pathways")) == ""  # nothing chosen, nothing said
    short = run(page="pathways", **{"from": "input/local-intelligence", "to": "impact/prosperity"})
    assert _ends(short) == ""  # both whole in their boxes: the line would only push the picture down


def _ends(at) -> str:
    """The markdown in the container under the Start and End boxes ("" when the page draws none)."""
    for m in at.markdown:
        if m.value.startswith(("**Start:**", "**End:**", "**Outcome or impact:**")):
            return _plain(m.value)
    return ""


def _sidebar_counts(at) -> dict[str, int]:
    """The counts the sidebar shows beside the checklist, by state."""
    (block,) = [m.value for m in at.sidebar.markdown if "data-state" in m.value]
    return {k: int(v) for k, v in re.findall(r'data-state="([^"]+)".*?<b>(\d+)</b>', block)}


def _top_counts(at) -> dict[str, int]:
    return {m.label.removeprefix("Outcomes & impacts "): int(m.value) for m in at.metric}


def test_our_place_counts_stay_in_sight_in_the_sidebar(app_env):  # noqa: F811
    """The four counts above the checklist scroll away as a person works down it; the sidebar repeats them, from
    the same library summary, and they change with every item ticked."""
    kg = KnowledgeGraph.load(app_env["build"])
    at = run(page="place")
    assert _sidebar_counts(at) == _top_counts(at) == {"in place": 0, "at risk": 0, "unknown": 16, "blocked": 0}
    at.button(key="place_example").click().run()
    example = assess(kg, load_profile(EXAMPLE, kg)).summary(kg)
    assert _sidebar_counts(at) == _top_counts(at) == {k: example[k] for k in COUNTS}
    assert "Fernbridge (fictional)" in next(m.value for m in at.sidebar.markdown if "data-state" in m.value)
    for n in ("condition/inclusive-design-of-support", "condition/long-term-commitment"):
        at.selectbox(key=f"pl_{n}").set_value("in place")
    at.run()
    after = _sidebar_counts(at)
    assert after == _top_counts(at) and after["blocked"] < example["blocked"]
    foundation = sorted(n.id for n in kg.of_type("Foundation") if n.stage == "impact")[0]  # far down the list
    at.selectbox(key=f"pl_{foundation}").set_value("missing").run()
    assert _sidebar_counts(at) == _top_counts(at) != after  # a missing impact foundation blocks the impacts
    assert _sidebar_counts(at)["blocked"] > after["blocked"]
    hostile = run(page="place", place="Linkton\n\n![x](http://example.invalid/x.png) <b>bold</b>")
    (block,) = [m.value for m in hostile.sidebar.markdown if "data-state" in m.value]
    assert "\n" not in block and "&lt;b&gt;bold&lt;/b&gt;" in block  # one HTML block: the name stays text


def test_ask_names_every_node_type_apart_and_old_links_keep_their_types(app_env):  # noqa: F811
    """The type filter listed "Evidence (figure)" and "Figure": two classes (Evidence is the subclass of Figure
    for results) that read as one named twice. Every option now names its own thing; a link's types= still uses
    the class names, so old links keep their filter."""
    q = "how many jobs did community anchors create"
    at = run(page="ask", q=q, types="Evidence,Figure")
    box = at.multiselect(key="f_types")
    assert box.value == ["Evidence", "Figure"] and at.query_params["types"] == "Evidence,Figure"
    words = [set(re.findall(r"\w+", o.lower())) for o in box.options]
    assert len(words) > 10 and not [  # no option's words are all inside another's: "figure" in "evidence (figure)"
        (a, b) for i, a in enumerate(box.options) for j, b in enumerate(box.options) if i != j and words[i] <= words[j]
    ]
    evidence, figure = type_words("Evidence"), type_words("Figure")
    assert evidence in box.options and figure in box.options
    assert evidence in _plain(box.help) and figure in _plain(box.help) and "never taken as evidence" in _plain(box.help)
    shown = [_plain(r) for r in body_after_results(at)]
    kg = KnowledgeGraph.load(app_env["build"])
    assert any(f"*{evidence}" in r for r in shown) and any(f"*{figure}" in r for r in shown)
    assert all(kg.nodes[re.search(r"node=([^\"&]+)", r).group(1)].type in ("Evidence", "Figure") for r in shown)
    assert f"Filters on: {evidence}, {figure}" in _plain(at.expander[0].label)
    said = [_plain(c.value) for c in at.caption if "the filters limit the answer to" in c.value]
    assert said and said[0].endswith("the filters limit the answer to figures, other figures.")  # "figures, figures"


def test_counts_of_nodes_read_as_english_plurals():
    from graph.ns import NODE_CLASSES, counted

    assert [counted(t, 4) for t in ("Activity", "Process", "CaseStudy", "Evidence", "Figure", "Person", "Place")] == [
        "4 activities", "4 processes", "4 case studies", "4 evidence figures", "4 other figures", "4 people",
        "4 places"]
    assert [counted(t, 1) for t in ("Activity", "Evidence", "Person")] == ["1 activity", "1 evidence figure",
                                                                           "1 person"]
    # no type is counted with a doubled or a consonant-y ending ("processs", "activitys")
    assert not [t for t in NODE_CLASSES if counted(t, 2).endswith(("ss", "ys", ")s"))]


def test_a_build_made_from_the_same_files_in_another_folder_is_said_so_once():
    """Served with its corpus in another folder than the one the build read, the Data page named the same five
    files as both "in the corpus but not in the graph" and "in the graph but no longer in the corpus" (found in a
    browser walk)."""
    from ingest.build import Pending
    from ui.data import behind_words

    moved = Pending(("/srv/corpus/a.txt", "/srv/corpus/b.md"), ("corpus/a.txt", "corpus/b.md"), True)
    said = behind_words(moved)
    assert said.startswith("The graph was built from the same files in another folder") and "a.txt" not in said
    added = Pending(("/srv/corpus/c.md",), (), True)
    assert behind_words(added).startswith("The graph is behind the corpus: c.md is in the corpus but not in the graph")

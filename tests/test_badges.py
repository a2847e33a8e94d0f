"""Every link shows its evidence level (stated > shown > curated > inferred), wherever a link is shown:
the Pathways table and its "only stated or shown" filter, the Node page, the answer card; and every view
reads one rule (``graph.evidence``), so a link never has two levels. On the real build, through AppTest.

The pathway used throughout is the third best from Create a referral network to Prosperity: its first
three steps are inferred; its last two are only inferred by wording too, but a case study illustrates
both ends of each (Manor House Development Trust: Businesses sustainable and 'Good business'; Cleobury
Country Ltd: 'Good business' and Prosperity), so they are "shown". The one "shown" arrow into an
activity, Equitable access to resources → Variety of support (Boost Neighbourhood Finance illustrates
both ends), stands for a route that is strong at every step.
"""

from __future__ import annotations

import pytest

from graph.analysis import explore
from graph.analysis.pathways import Pathways
from graph.evidence import graph_evidence
from tests.test_app import app_env, run, text_of  # noqa: F401 - app_env: the app reads the session build

START, END = "process/create-a-referral-network", "impact/prosperity"
BS, GB = "outcome/businesses-sustainable-provide-opportunities-for-local-people", "outcome/good-business"
EQUITABLE, VARIETY = "process/equitable-access-to-resources", "activity/variety-of-support"
EVIDENCE_COLUMN = "link in: evidence, strength"


@pytest.fixture(scope="module")
def pwm(build_dir) -> Pathways:
    return Pathways.load(build_dir)


def test_the_card_and_the_pictures_read_one_level_per_link(pwm):
    card_levels = {edge: ev.level for edge, ev in graph_evidence(pwm.kg).items()}
    view_levels = {edge: ev.level for edge, ev in pwm.evidence().items()}
    assert view_levels and all(card_levels[edge] == level for edge, level in view_levels.items())
    # each a pair of elements one seed case study illustrates both of
    assert sorted(edge for edge, level in view_levels.items() if level == "shown") == [
        (BS, GB), (GB, "impact/prosperity"), (GB, "impact/successful-communities"),
        ("outcome/income-is-retained-and-recycled-in-the-local", GB), (EQUITABLE, VARIETY)]
    assert pwm.evidence()[(BS, GB)].why == ("no document states it, but 1 case study illustrates both ends "
                                            "(Manor House Development Trust)")


def test_pathways_table_badges_every_step_and_names_the_weakest(pwm):
    path = pwm.paths(START, END, k=3).paths[2]
    at = run(page="pathways", mode="between", **{"from": START, "to": END}, k="3", path="2")
    table = at.table[0].value
    assert [e.replace("\\", "") for e in table["element"]] == [pwm.kg.nodes[n].label for n in path.nodes]
    shown, inferred = ":blue-badge[shown by a case]", ":gray-badge[inferred]"
    badges = [inferred, inferred, inferred, shown, shown]
    # the weakest: the lowest level (inferred), then the lowest strength of the three inferred steps (0.65)
    marks = ["", " **weakest**", "", "", ""]
    assert list(table[EVIDENCE_COLUMN]) == [""] + [f"{b} {lk.weight:.2f}{m}" for b, lk, m in zip(
        badges, path.links, marks, strict=True)]
    why = table["why"].iloc[4].replace("\\", "")  # row 0: the start; 4: Businesses sustainable → 'Good business'
    assert why.startswith("No document states it, but 1 case study illustrates both ends (Manor House "
                          "Development Trust).")
    body = text_of(at).replace("\\", "")
    assert ("here step 2, Wrap-around support → Local support organisations become sustainable/connected: "
            "inferred by similarity, strength 0.65") in body
    assert at.multiselect(key="pw_levels").value == ["stated", "shown", "curated", "inferred"]


def test_only_stated_or_shown_applies_to_the_paths_table_and_picture(pwm):
    strong_links = pwm.fragility().strong_graph().number_of_edges()
    elements = explore.visible(pwm.finder.g, explore.Filters()).number_of_nodes()
    assert strong_links == sum(ev.strong for ev in pwm.evidence().values()) == 12  # 7 stated, 5 shown
    # the one route from Equitable access to resources to Variety of support is its shown arrow
    at = run(page="pathways", mode="between", **{"from": EQUITABLE, "to": VARIETY}, strong="1")
    assert at.checkbox(key="pw_strong").value is True
    assert at.multiselect(key="pw_levels_strong").options == ["stated", "shown"]  # the picture's filter
    assert f"{elements} elements, {strong_links} links shown" in text_of(at)  # the picture: strong arrows only
    assert list(at.table[0].value[EVIDENCE_COLUMN])[1:] == [
        f":blue-badge[shown by a case] {pwm.finder.link(EQUITABLE, VARIETY).weight:.2f}"]
    # no route to Prosperity is stated or shown at every step: the page says so, the picture keeps its
    # strong arrows, and no table of inferred steps is shown
    at = run(page="pathways", mode="between", **{"from": START, "to": END}, strong="1")
    warning = " ".join(str(w.value) for w in at.warning)
    assert "No pathway here has every step stated in a document or shown by a case study" in warning
    assert f"{elements} elements, {strong_links} links shown" in text_of(at)
    assert not at.table
    at = run(page="pathways", mode="between", **{"from": START, "to": END})
    assert f"{elements} elements, {pwm.finder.g.number_of_edges()} links shown" in text_of(at)


def test_node_page_badges_each_causal_neighbour(pwm):
    at = run(page="node", node=VARIETY)  # one neighbour before it is shown by a case, one stated
    lines = [m.value.replace("\\", "") for m in at.markdown]
    rows = lines[lines.index("**Builds on**") + 1].split("\n")
    levels = {a: pwm.evidence()[(a, VARIETY)].level for a in pwm.finder.g.predecessors(VARIETY)}
    assert len(rows) == len(levels)
    for a, level in levels.items():
        row = next(r for r in rows if pwm.kg.nodes[a].label in r)
        word = {"shown": ":blue-badge[shown by a case]", "inferred": ":gray-badge[inferred]",
                "stated": ":green-badge[stated in text]", "curated": ":violet-badge[curated]"}[level]
        assert row.endswith(word), row
    assert levels == {EQUITABLE: "shown", START: "stated"}


def test_answer_card_badges_what_it_needs_and_leads_to():
    at = run(page="ask", q="fair access to resources for local businesses")  # its card: Variety of support
    body = text_of(at).replace("\\", "")
    needs = body.split("**What it needs**")[1].split("**What it leads to**")[0]
    assert "Equitable access to resources" in needs and ":blue-badge[shown by a case]" in needs
    first = next(line for line in needs.split("\n") if "Equitable access to resources" in line)
    assert first.endswith(":blue-badge[shown by a case]")
    assert ":gray-badge[inferred]" in body.split("**What it leads to**")[1]


def test_a_node_several_steps_away_carries_the_weakest_level_on_the_way():
    from search.card import Links

    info = {("a", "b"): {"level": "shown"}, ("b", "c"): {"level": "inferred"}, ("c", "d"): {"level": "stated"},
            ("a", "e"): {"level": "stated"}, ("e", "f"): {"level": "shown"}}
    out = {"a": ["b", "e"], "b": ["c"], "c": ["d"], "e": ["f"]}
    into = {v: [u for u in out if v in out[u]] for vs in out.values() for v in vs}
    links = Links(out, into, info)
    assert links.walk("a", forward=True, max_hops=3) == [
        ("b", 1, ("a", "b"), "shown"), ("e", 1, ("a", "e"), "stated"),
        ("c", 2, ("b", "c"), "inferred"), ("f", 2, ("e", "f"), "shown"),
        ("d", 3, ("c", "d"), "inferred")]
    assert links.walk("d", forward=False, max_hops=3) == [
        ("c", 1, ("c", "d"), "stated"), ("b", 2, ("b", "c"), "inferred"), ("a", 3, ("a", "b"), "inferred")]

"""Every link shows its evidence level (stated > shown > curated > inferred), wherever a link is shown:
the Pathways table and its "only stated or shown" filter, the Node page, the answer card; and every view
reads one rule (``graph.evidence``), so a link never has two levels. On the real build, through AppTest.

The table's pathway is the best from Resources to 'Good business': one step of each level. Its first step,
Resources → Create a referral network, was drawn by wording only, but a case study illustrates both ends
(Cleobury Country Ltd, "a hub for a wide range of local knowledge and information [that] runs services for
local businesses and citizens"), so it is "shown"; then a curated step, a stated one, an inferred one, and
Businesses sustainable → 'Good business', shown by the network of anchor organisations' worked example ("1400
jobs and £120m GVA to the local economy"). The
"shown" arrow into an activity, Equitable access to resources → Variety of support (Boost Neighbourhood
Finance's "advice and support services" illustrates both ends), stands for a route that is strong at every
step; from Create a referral network to Prosperity no route is.
"""

from __future__ import annotations

import pytest

from graph.analysis import explore
from graph.analysis.pathways import Pathways
from graph.evidence import graph_evidence
from tests.test_app import app_env, run, text_of  # noqa: F401 - app_env: the app reads the session build

START, END = "process/create-a-referral-network", "impact/prosperity"
RESOURCES, GB = "input/resources", "outcome/good-business"
EQUITABLE, VARIETY = "process/equitable-access-to-resources", "activity/variety-of-support"
PRACTICAL, INCOME = "activity/practical-help", "outcome/income-is-retained-and-recycled-in-the-local"
BUSINESSES = "outcome/businesses-sustainable-provide-opportunities-for-local-people"
LOCAL_SUPPORT = "outcome/local-support-organisations-become-sustainable-connected"
EVIDENCE_COLUMN = "link in: evidence, strength"


@pytest.fixture(scope="module")
def pwm(build_dir) -> Pathways:
    return Pathways.load(build_dir)


def test_the_card_and_the_pictures_read_one_level_per_link(pwm):
    card_levels = {edge: ev.level for edge, ev in graph_evidence(pwm.kg).items()}
    view_levels = {edge: ev.level for edge, ev in pwm.evidence().items()}
    assert view_levels and all(card_levels[edge] == level for edge, level in view_levels.items())
    # each a pair of elements a seed case study illustrates both of: Cleobury Country Ltd ("a hub for a wide
    # range of local knowledge and information [that] runs services for local businesses": local support
    # organisations connected, businesses sustainable), Halifax Opportunities Trust ("community organisations
    # which recycle the investment to create jobs": income recycled, 'Good business'), the network of anchor
    # organisations' worked example ("1400 jobs and £120m GVA to the local economy": businesses sustainable, 'Good
    # business'), Boost Neighbourhood Finance (advice and support services: fair access, practical help, variety of
    # support) and Royds Community Association (fair access, practical help)
    assert sorted(edge for edge, level in view_levels.items() if level == "shown") == [
        (BUSINESSES, GB), (INCOME, GB), (LOCAL_SUPPORT, BUSINESSES), (EQUITABLE, PRACTICAL), (EQUITABLE, VARIETY)]
    assert pwm.evidence()[(LOCAL_SUPPORT, BUSINESSES)].why == (
        "no document states it, but 1 case study illustrates both ends (Cleobury Country Ltd)")
    assert pwm.evidence()[(EQUITABLE, PRACTICAL)].why == (
        "no document states it, but 2 case studies illustrate both ends (Boost Neighbourhood Finance, Royds "
        "Community Association)")
    assert pwm.evidence()[(INCOME, GB)].why == ("no document states it, but 1 case study illustrates both ends "
                                                "(Halifax Opportunities Trust · Jubilee Children’s Centre)")
    assert pwm.evidence()[(BUSINESSES, GB)].why == (
        "no document states it, but 1 case study illustrates both ends (Network of diverse, responsible "
        "businesses and enterprises (example))")


def test_pathways_table_badges_every_step_and_names_the_weakest(pwm):
    path = pwm.paths(START, GB, k=3).paths[0]
    at = run(page="pathways", mode="between", **{"from": START, "to": GB}, k="3", path="0")
    table = at.table[0].value
    assert [e.replace("\\", "") for e in table["element"]] == [pwm.kg.nodes[n].label for n in path.nodes]
    assert [f"{lk.weight:.2f}" for lk in path.links] == ["0.90", "0.90", "0.66", "0.57"]
    shown = ":blue-badge[shown by a case]"
    badges = [":violet-badge[curated]", ":green-badge[stated in text]", shown, shown]
    # the weakest: the lowest level first (the one curated step, 0.90), not the lowest strength of the path
    # (the two shown steps, 0.66 and 0.57)
    marks = [" **weakest**", "", "", ""]
    assert list(table[EVIDENCE_COLUMN]) == [""] + [f"{b} {lk.weight:.2f}{m}" for b, lk, m in zip(
        badges, path.links, marks, strict=True)]
    why = table["why"].iloc[3].replace("\\", "")  # row 0: the start; 3: Local support … → Businesses sustainable
    assert why.startswith("No document states it, but 1 case study illustrates both ends (Cleobury Country Ltd).")
    body = text_of(at).replace("\\", "")
    assert ("the arrow from step 1 to step 2, Create a referral network → Community of practice around social "
            "purpose business support: added by a curator, strength 0.90") in body
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
    at = run(page="ask", q="practical help for new businesses")  # its card: Practical help
    body = text_of(at).replace("\\", "")
    assert "node=activity/practical-help" in body.split("**What it needs**")[0].rsplit("### ", 1)[1]
    needs = body.split("**What it needs**")[1].split("**What it leads to**")[0]
    # the steps into Practical help, one of each level but curated, each badged as its link's evidence
    expected = {"Education": ":green-badge[stated in text]", "Equitable access to resources": ":blue-badge[shown "
                "by a case]", "Create a referral network": ":gray-badge[inferred]"}
    for label, badge in expected.items():
        line = next(line for line in needs.split("\n") if f">{label}</a>" in line)
        assert line.endswith(badge), line
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

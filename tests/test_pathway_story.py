"""A pathway tells one story: one rule for its weakest step (``graph.evidence.weakest``: the lowest evidence level,
then the lowest strength), and the strength sentence, the table's badges and mark, and the printed report all
read it. On the real seed graph, Regular reflection → 'Good business': four of its five paths go through the
stated step Regular reflection → Equitable access to resources and then a step drawn by similarity but shown by
case studies (Equitable access → Variety of support, 0.50: Boost Neighbourhood Finance's "advice and support
services to help people manage their finances"; Equitable access → Practical help, 0.47: Boost and Royds
Community Association's services and health buddies). On three of them that shown step has the lowest strength
and is still not the weakest step.
"""

from __future__ import annotations

import html

import pytest

from graph.analysis import report
from graph.analysis.pathways import Pathways
from graph.evidence import WEAKEST_RULE, weakest
from tests.test_app import app_env, run, text_of  # noqa: F401 - app_env: the app reads the session build

START, END = "input/regular-reflection", "outcome/good-business"
EQUITABLE = "process/equitable-access-to-resources"
VARIETY, PRACTICAL = "activity/variety-of-support", "activity/practical-help"
COP = "outcome/community-of-practice-around-social-purpose-business-support"
LSO = "outcome/local-support-organisations-become-sustainable-connected"
COMMS, WRAP = "process/communication", "activity/wrap-around-support"
EVIDENCE_COLUMN = "link in: evidence, strength"


@pytest.fixture(scope="module")
def pwm(build_dir) -> Pathways:
    return Pathways.load(build_dir)


@pytest.fixture(scope="module")
def paths(pwm):
    return pwm.paths(START, END, k=5).paths


def test_the_weakest_step_is_the_lowest_level_then_the_lowest_strength(pwm, paths):
    """The first four paths start with the stated step to Equitable access, then a shown one; on the first
    three that shown step (0.50, 0.47, 0.47) has the path's lowest strength, yet the weakest is the inferred
    step after it (0.55, 0.56, 0.56); on the last two the weakest is the lowest strength too (0.43, 0.38)."""
    assert [p.nodes[:3] for p in paths] == [[START, EQUITABLE, VARIETY], [START, EQUITABLE, PRACTICAL],
                                            [START, EQUITABLE, PRACTICAL], [START, EQUITABLE, VARIETY],
                                            [START, COMMS, WRAP]]
    ev = pwm.evidence()
    assert ev[(START, EQUITABLE)].level == "stated"
    variety, practical = ev[(EQUITABLE, VARIETY)], ev[(EQUITABLE, PRACTICAL)]
    assert (variety.level, round(variety.weight, 2)) == ("shown", 0.50)
    assert (practical.level, round(practical.weight, 2)) == ("shown", 0.47)
    assert [c.case for c in variety.cases] == ["casestudy/boost-neighbourhood-finance"]
    assert [c.case for c in practical.cases] == ["casestudy/boost-neighbourhood-finance",
                                                 "casestudy/royds-community-association"]
    assert "Boost Neighbourhood Finance, Royds Community Association" in practical.why
    picked = []
    for p in paths:
        steps = report.path_steps(p, ev)
        w = steps[weakest(steps)]
        assert w.level == "inferred" and w.weight == min(s.weight for s in steps if s.level == "inferred")
        picked.append((w.source, w.target, round(w.weight, 2)))
    assert picked == [(VARIETY, LSO, 0.55), (PRACTICAL, LSO, 0.56), (PRACTICAL, COP, 0.56), (VARIETY, COP, 0.43),
                      (COMMS, WRAP, 0.38)]
    # the lowest strength: the shown step on the first three, the weakest step itself on the last two
    assert [min(p.links, key=lambda lk: lk.weight).target for p in paths] == [VARIETY, PRACTICAL, PRACTICAL, COP,
                                                                             WRAP]


def test_the_strength_sentence_names_the_weakest_step_by_the_rule(pwm, paths):
    """Path 0's lowest strength is the shown step (0.50); the sentence names the inferred 0.55 step."""
    steps = report.path_steps(paths[0], pwm.evidence())
    text = report.score_text(pwm.kg, paths[0], steps)
    assert text == (
        "Strength 0.08 = 0.83 × 0.50 × 0.55 × 0.66 × 0.57, the product of its 5 link strengths (1.00 would "
        "mean every link is certain; each extra link multiplies in, so longer paths score lower). Its weakest step, "
        f"by {WEAKEST_RULE}, is the arrow from step 3 to step 4, Variety of support → Local support organisations "
        "become sustainable/connected: inferred by similarity, strength 0.55. Read its reason before relying on the "
        "path.")


def test_the_page_tells_one_story(pwm, paths):
    """Sentence, badges, the table's weakest mark and each row's reason agree on the page (AppTest): path 2,
    whose lowest strength (0.47, shown) is not its weakest step (0.56, inferred)."""
    at = run(page="pathways", **{"from": START, "to": END}, path="2")
    body = text_of(at).replace("\\", "")
    assert ("the arrow from step 3 to step 4, Practical help → Community of practice around social purpose business "
            "support") in body
    assert "Weakest step by evidence" not in body  # one sentence, not two
    table = at.table[0].value
    badges = list(table[EVIDENCE_COLUMN])
    assert badges == ["", ":green-badge[stated in text] 0.83", ":blue-badge[shown by a case] 0.47",
                      ":gray-badge[inferred] 0.56 **weakest**", ":green-badge[stated in text] 0.90",
                      ":blue-badge[shown by a case] 0.66", ":blue-badge[shown by a case] 0.57"]
    why = [w.replace("\\", "") for w in table["why"]]
    assert why[1].startswith("Stated in Inputs: “Enable constructive dialogue")
    assert why[2].startswith("No document states it, but 2 case studies illustrate both ends (Boost Neighbourhood "
                             "Finance, Royds Community Association).")
    assert why[3].startswith("Inferred by similarity only, weight 0.56")
    # the last step, Businesses sustainable → 'Good business', is shown by the network of anchor organisations'
    # worked example ("1400 jobs and £120m GVA to the local economy" illustrates both ends)
    assert why[6].startswith("No document states it, but 1 case study illustrates both ends (Network of diverse, "
                             "responsible businesses and enterprises (example)).")


def test_the_report_names_the_cases_behind_a_shown_link_and_the_same_weakest_step(pwm, paths):
    path = paths[1]
    doc = report.report_html(pwm.kg, path, pwm.chain(path), "<svg></svg>", evidence=pwm.evidence())
    text = html.unescape(doc)
    assert "shown by a case study, strength 0.47" in text
    assert "No document states it, but 2 case studies illustrate both ends (Boost Neighbourhood Finance, Royds " \
           "Community Association)." in text
    assert text.count("(the weakest step)") == 1
    row = text.split("(the weakest step)")[0].rsplit("<tr>", 1)[1]
    assert "Local support organisations become sustainable/connected" in row
    assert "inferred by similarity, strength 0.56" in row and "strength 0.47" not in row
    assert report.score_text(pwm.kg, path, report.path_steps(path, pwm.evidence())) in text

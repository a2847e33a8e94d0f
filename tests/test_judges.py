"""bench.judges: how far two judges of the same questions agree (the ceiling for card right), on the real graph."""

from __future__ import annotations

import pytest

from bench.judges import agreement
from graph.store import KnowledgeGraph
from search.evaluate import Judged

REFERRAL, PRACTICAL, RELATIONAL = "process/create-a-referral-network", "activity/practical-help", \
    "activity/relational-approaches"


def test_each_judges_first_pick_is_scored_against_the_others_answers(build_dir):
    kg = KnowledgeGraph.load(build_dir)
    first = [Judged("build referrals", (REFERRAL,), "practitioner"), Judged("train times", (), "policy"),
             Judged("help with premises", (PRACTICAL,), "practitioner")]
    second = [Judged("build referrals", (REFERRAL, PRACTICAL), "practitioner"),
              Judged("train times", ("input/resources",), "policy"),
              Judged("help with premises", (RELATIONAL,), "practitioner")]
    got = agreement(kg, first, second)
    assert got == {
        "questions": 3, "answerable_first": 2, "answerable_second": 3, "answerable_both": 2,
        "answerability_agreement": round(2 / 3, 4),
        "second_pick_in_first": {"questions": 2, "right": 0.5, "personas": {"practitioner": 0.5}},
        "first_pick_in_second": {"questions": 3, "right": round(1 / 3, 4),
                                 "personas": {"practitioner": 0.5, "policy": 0.0}}}
    # a judged phrase counts like an id: the second judge's pick contains words the first judge accepted
    worded = [Judged("help with premises", (RELATIONAL,), "practitioner", ("such as helping to identify premises",))]
    assert agreement(kg, worded, [Judged("help with premises", (PRACTICAL,), "practitioner")]
                     )["second_pick_in_first"]["right"] == 1.0
    with pytest.raises(ValueError, match="do not judge the same questions"):
        agreement(kg, first, second[::-1])


def test_every_judged_set_names_nodes_of_the_seed_graph_and_quotes_them_verbatim(kg):
    """The judged sets (search.evaluate.SETS) hold: each judged id is a node of the seed build and each quoted
    phrase is in its node's own text, so a judgement counts for the node the judge meant. One id of the fresh set
    predates a rename (the figure's node became figure/…); its phrase still finds the node."""
    import json

    from search import evaluate as ev

    def norm(t: str) -> str:
        return " ".join(t.split())

    missing = {}
    for name, path in ev.SETS.items():
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        for r in rows:
            rel, phrases = r.get("relevant", []), r.get("phrases", [])
            missing.update({(name, i): p for i, p in zip(rel, phrases, strict=False) if i not in kg.nodes})
            if phrases and len(phrases) == len(rel):
                assert all(norm(p) in norm(kg.nodes[i].text) for i, p in zip(rel, phrases, strict=True)
                           if i in kg.nodes), (name, r["id"] if "id" in r else r["query"])
    assert list(missing) == [("fresh", "evidence/four-key-things")]
    phrase = norm(missing[("fresh", "evidence/four-key-things")])
    assert "figure/four-key-things" in {i for i, n in kg.nodes.items() if phrase in norm(n.text)}

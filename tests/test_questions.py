"""Users' questions (ingest/questions/): every voice covers every node it was written for, bad files are
refused by name, and a build attaches them to the nodes it holds and counts the rest."""

from __future__ import annotations

from collections import Counter

import pytest

from ingest import questions as qs


def test_three_voices_each_cover_the_same_86_nodes_with_at_least_eight_each():
    every = qs.load()
    by_voice = {v: Counter(q.node for q in every if q.voice == v) for v in qs.VOICES}
    nodes = set(by_voice["adviser"])
    assert len(nodes) == 86 and all(set(c) == nodes for c in by_voice.values())
    assert min(n for c in by_voice.values() for n in c.values()) >= 8
    assert min(Counter(q.node for q in every).values()) >= 20
    nodes_of: dict[str, set[str]] = {}
    for q in every:
        nodes_of.setdefault(q.text, set()).add(q.node)
    assert all(len(n) == 1 for n in nodes_of.values())  # no question asks for two nodes
    assert len(nodes_of) == len(every) - 4  # four short fragments two writers wrote alike, for the same node


def test_a_bad_entry_is_refused_by_file_and_entry():
    with pytest.raises(qs.QuestionsError, match=r"adviser.yaml: entry 'process/x' must be a list of questions"):
        qs.parse("process/x: just one string\n", "adviser.yaml", "adviser")
    with pytest.raises(qs.QuestionsError, match="adviser.yaml"):
        qs.parse("a: [1\n", "adviser.yaml", "adviser")


def test_the_build_attaches_what_it_holds_and_counts_the_rest(build_dir):
    import json

    m = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))["questions"]
    assert m == {"attached": len(qs.load()), "nodes": 86, "unmatched": 0}
    from rdflib import Graph
    from rdflib.namespace import RDF

    from graph.ns import ID
    from ingest.rdf import add_questions

    g = Graph()
    g.add((ID["process/create-a-referral-network"], RDF.type, ID["x"]))
    got = add_questions(g, [qs.Question("process/create-a-referral-network", "who sends people to us?", "adviser"),
                            qs.Question("process/elsewhere", "not in this graph", "adviser")])
    assert got == {"attached": 1, "nodes": 1, "unmatched": 1}

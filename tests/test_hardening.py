"""Hardening, third round (issue 27, items 6 and 8–10): the build swap, data loss, quadratic readers, the smaller ones.

Each test failed on the code before its fix (said in docs/security-hardening.md). Swaps are real swaps, made at the
exact moment between two reads a race could hit; work is counted, never timed.
"""

from __future__ import annotations

import json
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


# ---- item 8: data loss ------------------------------------------------------------------------------


def _age(folder: Path) -> None:
    past = time.time() - GRACE_S - 1
    os.utime(folder, (past, past))


def test_a_build_never_cleans_away_another_outputs_builds(tmp_path):
    """`--out build.staging` then `--out build`: `.build.staging.<token>` is staging's, live or replaced."""
    staging, out = tmp_path / "build.staging", tmp_path / "build"
    _write_atomically(staging, None, _docs(1), {"n": "staging 1"})
    replaced = staging.resolve()
    _write_atomically(staging, None, _docs(1), {"n": "staging 2"})
    for p in tmp_path.iterdir():
        if p.is_dir() and not p.is_symlink():
            _age(p)  # long past the grace period: only ownership keeps them
    _write_atomically(out, None, _docs(1), {"n": "build"})
    assert read_manifest(staging) == {"n": "staging 2"} and read_manifest(out) == {"n": "build"}
    assert replaced.exists()  # staging's own replaced build is staging's to clean
    assert clean_leftovers(out) == [] and clean_leftovers(staging) == [replaced.name]
    assert read_manifest(staging) == {"n": "staging 2"} and read_manifest(out) == {"n": "build"}


def test_uploads_of_one_name_at_the_same_moment_are_all_kept(tmp_path):
    import threading

    from graph.files import save_unique

    writers, rounds = 4, 100
    for r in range(rounds):
        folder = tmp_path / f"r{r}"
        folder.mkdir()
        gate = threading.Barrier(writers)
        datas = [f"report {r} from writer {w}\n".encode() for w in range(writers)]

        def upload(data: bytes, folder: Path = folder, gate: threading.Barrier = gate) -> None:
            gate.wait()
            save_unique(folder, "report.md", data)

        threads = [threading.Thread(target=upload, args=(d,)) for d in datas]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        kept = sorted(p.name for p in folder.iterdir())
        assert kept == ["report-2.md", "report-3.md", "report-4.md", "report.md"], (r, kept)  # no temporary left
        assert sorted(p.read_bytes() for p in folder.iterdir()) == sorted(datas), r
    assert save_unique(tmp_path / "r0", "report.md", b"report 0 from writer 2\n")[1] is False  # the same bytes


def test_a_bad_batch_line_gets_its_own_error_and_the_rest_are_answered(build_dir, tmp_path, capsys):
    from search.__main__ import main

    f = tmp_path / "q.jsonl"
    bad = [b'{"query": "coaching", "k": 1e400}', b"[" * 100_000, b'{"query": "caf\xe9"}', b'{"query": 5}',
           b"[1, 2]", b'{"query": "coaching", "k": -5}', b'{"query": "coaching", "k": 2.5}',
           b'{"query": "coaching", "type": {"a": 1}}', b"NaN", b'{"query": "coaching", "k": NaN}']
    good = [b'{"query": "coaching", "k": 1}', b'{"query": "community garden", "k": 2}']
    f.write_bytes(b"\n".join([good[0], *bad, good[1]]) + b"\n")
    code = main(["--batch", str(f), "--build", str(build_dir)])
    lines = [json.loads(ln) for ln in capsys.readouterr().out.splitlines()]
    assert code == 2 and len(lines) == len(bad) + 2
    assert len(lines[0]) == 1 and len(lines[-1]) == 2 and lines[-1][0]["id"]  # answered before and after
    errors = [ln["error"] for ln in lines[1:-1]]
    assert errors == [
        "line 2: 'k' must be a whole number from 1 to 1000, not Infinity",
        "line 3: is JSON nested too deeply to read",
        "line 4: is not UTF-8 text (invalid byte at offset 14)",
        "line 5: 'query' must be text",
        "line 6: must be a JSON object or string, not list",
        "line 7: 'k' must be a whole number from 1 to 1000, not -5",
        "line 8: 'k' must be a whole number from 1 to 1000, not 2.5",
        "line 9: 'type' must be text or a list of text",
        "line 10: must be a JSON object or string, not float",
        "line 11: 'k' must be a whole number from 1 to 1000, not NaN",
    ]

"""Hardening, third round (issue 27, items 6 and 8–10): the build swap, data loss, quadratic readers, the smaller ones.

Each test failed on the code before its fix (said in docs/security-hardening.md). Swaps are real swaps, made at the
exact moment between two reads a race could hit; work is counted, never timed.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import os
import re
import time
from pathlib import Path

import pytest
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

    from search.index.__main__ import _refresh  # `python -m search.index`: the index goes beside the graph it indexes

    assert _refresh(kg, force=False, as_json=True) == 0
    assert (first / "index" / "meta.json").exists() and not (out / "index").exists()


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


# ---- item 10: the smaller ones ----------------------------------------------------------------------

CAREFUL_MD = ("---\ntitle: \"Wig\u200ban\u202e pilot\"\nkind: case-study\n---\n"
              "# Referral \u2066pilot\u2069 in Wigan\n\n" + PROSE)


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    """One real ingest (the CLI, as a user runs it) of a corpus with a link out of it, a file name that tries to
    forge a warning line, and labels with direction overrides and zero-width characters."""
    from ingest.__main__ import main

    base = tmp_path_factory.mktemp("hostile")
    corpus = base / "corpus"
    corpus.mkdir()
    (corpus / "careful.md").write_text(CAREFUL_MD, encoding="utf-8")
    (base / "secret.md").write_text("# Secret\n\nSECRET-MARKER lives outside the corpus.\n", encoding="utf-8")
    (corpus / "linked.md").symlink_to(base / "secret.md")
    (base / "meta.yaml").write_text("documents:\n  careful.md:\n    title: Taken from outside\n", encoding="utf-8")
    (corpus / "corpus.yaml").symlink_to(base / "meta.yaml")
    (corpus / "empty\nwarning: fake.md: checked.md").write_text("", encoding="utf-8")
    out = base / "build"
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main([str(corpus), "--out", str(out), "--quiet"])
    return {"code": code, "out": out, "stderr": err.getvalue(), "corpus": corpus}


def test_a_link_in_the_corpus_to_a_file_outside_it_is_not_read(hostile_build):
    m = read_manifest(hostile_build["out"])
    assert hostile_build["code"] == 0 and sorted(Path(p).name for p in m["documents"]) == ["careful.md"]
    assert "SECRET-MARKER" not in (hostile_build["out"] / "graph.ttl").read_text(encoding="utf-8")
    linked = [k for k in m["warnings"] if k.endswith("linked.md") or k.endswith("corpus.yaml")]
    assert sorted(Path(k).name for k in linked) == ["corpus.yaml", "linked.md"]
    assert all(m["warnings"][k] == ["is a link to a file outside the corpus folder; not read (copy the file into "
                                    "the folder to include it)"] for k in linked)
    assert m["documents"][next(iter(m["documents"]))]["title"] != "Taken from outside"


def test_a_file_name_with_a_newline_cannot_forge_a_warning_line(hostile_build):
    lines = hostile_build["stderr"].splitlines()
    assert not [ln for ln in lines if ln.startswith("warning: fake.md")], lines
    forged = [ln for ln in lines if "fake.md" in ln]
    assert len(forged) == 1 and "empty\\nwarning: fake.md: checked.md: " in forged[0], forged
    assert all(ln.startswith("warning: ") for ln in lines), lines  # every warning is on a line of its own


def test_labels_keep_no_direction_overrides_or_zero_width_characters(hostile_build):
    from rdflib.namespace import RDFS, SKOS

    g = rdfio.read(hostile_build["out"] / "graph.ttl")
    labels = [str(o) for p in (DCTERMS.title, RDFS.label, SKOS.prefLabel, SKOS.altLabel) for o in g.objects(None, p)]
    hidden = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
    assert labels and not [x for x in labels if hidden.search(x)], [x for x in labels if hidden.search(x)]
    assert "Wigan pilot" in labels and "Referral pilot in Wigan" in labels


def test_a_full_disk_or_an_unwritable_output_is_one_clear_line(tmp_path):
    import resource
    import signal
    import subprocess
    import sys

    from ingest.build import BuildError, build

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "careful.md").write_text(CAREFUL_MD, encoding="utf-8")
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    with pytest.raises(BuildError, match=r"^cannot write the build folder .*a-file: (File exists|Not a directory)$"):
        build([corpus], out=tmp_path / "a-file" / "build")

    def small_disk() -> None:  # writes past 4 KB fail as on a full disk (EFBIG instead of ENOSPC)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    out = tmp_path / "build"
    r = subprocess.run([sys.executable, "-m", "ingest", str(corpus), "--out", str(out), "--quiet"],
                       capture_output=True, text=True, preexec_fn=small_disk, cwd=Path(__file__).parent.parent,
                       timeout=300)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.startswith(f"ingest failed: could not write the build to {out}: File too large"), r.stderr
    assert not out.exists() and [p.name for p in tmp_path.iterdir() if p.name.startswith(".build.")] == [".build.lock"]


def test_profile_fields_of_the_wrong_type_are_named(build_dir):
    from graph.analysis.assess import ProfileError, parse_profile

    kg = KnowledgeGraph.load(build_dir)
    key = "condition/collective-local-vision"
    cases = {
        "fictional": ({"place": "X", "fictional": "no"},
                      "profile: field 'fictional' must be true or false, got str 'no'"),
        "date": ({"place": "X", "date": [2026]},
                 "profile: field 'date' must be a date (YYYY-MM-DD) or text, got a list"),
        "status": ({"place": "X", "items": {key: {"status": ["missing"]}}},
                   f"profile: items.{key}.status: must be one of: in place, partly, missing, unknown; got a list"),
        "note": ({"place": "X", "items": {key: {"status": "missing", "note": {"a": 1}}}},
                 f"profile: items.{key}.note: must be text, got a mapping"),
        "evidence": ({"place": "X", "items": {key: {"status": "partly", "evidence": True}}},
                     f"profile: items.{key}.evidence: must be text, got true/false"),
    }
    for field, (data, message) in cases.items():
        with pytest.raises(ProfileError) as e:
            parse_profile(data, kg)
        assert str(e.value) == message, field
    ok = parse_profile({"place": "X", "fictional": True, "date": datetime.date(2026, 11, 1),
                        "items": {key: {"status": "partly", "note": 3}}}, kg)
    assert (ok.fictional, ok.date, ok.items[key].note) == (True, "2026-11-01", "3")


SPARQL_SCRIPT = """
import gc, json, os
from rdflib import Graph, Literal, URIRef
from graph import sparql
from graph.sandbox import SANDBOX
pids, rows = [], []
for i in range(3):
    g = Graph()
    g.add((URIRef(f"urn:x:{i}"), URIRef("urn:p"), Literal(i)))
    rows.append(sparql.run(g, "SELECT ?o WHERE { ?s ?p ?o }").rows)
    pids.append(SANDBOX.last_pid)
    del g
    gc.collect()
idle = [w.pid for ws in SANDBOX._idle.values() for w in ws if w.alive()]
print(json.dumps({"rows": rows, "pids": pids, "idle": idle, "files": os.listdir(os.environ["TMPDIR"])}))
"""


def test_sparql_on_handed_in_graphs_leaves_no_files_and_no_idle_workers(tmp_path):
    import subprocess
    import sys

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    root = Path(__file__).parent.parent
    r = subprocess.run([sys.executable, "-c", SPARQL_SCRIPT], capture_output=True, text=True, timeout=300,
                       env={**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(root)}, cwd=root)
    assert r.returncode == 0, r.stderr
    seen = json.loads(r.stdout)
    assert seen["rows"] == [[{"o": "0"}], [{"o": "1"}], [{"o": "2"}]] and len(set(seen["pids"])) == 3
    assert seen["idle"] == [] and seen["files"] == []  # each graph's dump and worker went with the graph
    assert os.listdir(tmp) == []
    for pid in seen["pids"]:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()

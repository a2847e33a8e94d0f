"""A careless or hostile corpus, for real (issue 16, items 5–8): bad metadata, odd files, the build swap.

Each case failed on the code before it: metadata and odd files aborted the whole build or hung it,
the swap left a moment with no build, and names without ASCII letters collapsed into one id.
"""

from __future__ import annotations

import json
import os
import resource
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF
from rdflib.namespace import XSD as _XSD

from graph.ns import EP
from ingest import rdf
from ingest.build import GRACE_S, _read_all, _write_atomically, build, clean_leftovers, read_manifest
from ingest.model import Doc
from ingest.readers import InputError, corpus_files, doc_from_bytes, read_document

ROOT = Path(__file__).resolve().parent.parent
PROSE = "In Wigan, community connectors referred forty new businesses to coaching over the year.\n"
GOOD_MD = """---
title: A careless case study
authors: 5
date: last tuesday
publisher: [not, text]
---
# A careless case study

""" + PROSE


def _corpus(folder: Path, manifest: bytes | None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "careless.md").write_text(GOOD_MD, encoding="utf-8")
    (folder / "one-author.md").write_text(
        "---\ntitle: One author\nauthors: Jane Smith\ndate: 2024-05-01\n---\n" + PROSE.replace("forty", "fifty"),
        encoding="utf-8",
    )
    (folder / "plain.txt").write_text("Plain report\n\n" + PROSE.replace("forty", "sixty"), encoding="utf-8")
    if manifest is not None:
        (folder / "corpus.yaml").write_bytes(manifest)
    return folder


BAD_MANIFESTS = {
    "a list": (b"- careless.md\n- plain.txt\n", "must be a mapping with a 'documents' key, not list"),
    "a scalar": (b"just a sentence\n", "must be a mapping with a 'documents' key, not 'just a sentence'"),
    "Latin-1": ("documents:\n  plain.txt:\n    title: Caf\xe9 report\n".encode("latin-1"),
                "is not UTF-8 text (invalid byte 0xe9 at offset 38); save it as UTF-8; its metadata is ignored"),
    "documents as a list": (b"documents:\n  - plain.txt\n", "field 'documents' must map file names to metadata"),
    "bad YAML": (b"documents: {plain.txt: [\n", "not valid YAML"),
}


@pytest.mark.parametrize("case", list(BAD_MANIFESTS))
def test_a_bad_corpus_yaml_is_a_warning_and_every_document_still_reads(tmp_path, case):
    raw, expected = BAD_MANIFESTS[case]
    folder = _corpus(tmp_path / "corpus", raw)
    docs, warnings = _read_all([folder])
    assert sorted(d.doc_id for d in docs) == ["careless", "one-author", "plain"]
    manifest_warnings = warnings[str(folder / "corpus.yaml")]
    assert len(manifest_warnings) == 1 and expected in manifest_warnings[0], manifest_warnings


def test_a_string_entry_in_corpus_yaml_warns_for_that_file_only(tmp_path):
    entries = b"documents:\n  plain.txt: a nice report\n  one-author.md:\n    kind: case-study\n"
    folder = _corpus(tmp_path / "corpus", entries)
    docs, warnings = _read_all([folder])
    by_id = {d.doc_id: d for d in docs}
    assert set(by_id) == {"careless", "one-author", "plain"}
    assert warnings[str(folder / "plain.txt")] == [
        "corpus.yaml entry must be a mapping of fields (title, authors, date, …), not 'a nice report'; ignored"
    ]
    assert by_id["one-author"].kind == "case-study"  # the good entry beside it still applies


def test_bad_front_matter_values_are_warnings_naming_the_field_and_never_reach_the_graph(tmp_path):
    folder = _corpus(tmp_path / "corpus", None)
    docs, warnings = _read_all([folder])
    assert warnings == {
        str(folder / "careless.md"): [
            "front matter field 'authors': int 5 is not a name or a list of names; left out",
            "front matter field 'date': 'last tuesday' is not a date (YYYY-MM-DD, YYYY-MM or YYYY); left out",
            "front matter field 'publisher': list ['not', 'text'] is not text; left out",
        ]
    }
    g = Graph()
    run = URIRef("urn:run")
    for d in docs:
        rdf.add_document(g, d, [], run)
    careless, one = rdf.doc_uri("careless"), rdf.doc_uri("one-author")
    assert list(g.objects(careless, DCTERMS.date)) == [] and list(g.objects(careless, DCTERMS.creator)) == []
    assert [str(a) for a in g.objects(one, DCTERMS.creator)] == ["Jane Smith"]  # one author, not ten letters
    (date,) = g.objects(one, DCTERMS.date)
    assert (str(date), date.datatype) == ("2024-05-01", _XSD.date)


@pytest.mark.parametrize(
    ("value", "text", "datatype"),
    [("2023", "2023", "gYear"), ("'2023-07'", "2023-07", "gYearMonth"), ("2023-02-30", None, None),
     ("'31/12/2023'", None, None), ("true", None, None)],
)
def test_every_date_written_is_a_valid_one(value, text, datatype):
    doc = doc_from_bytes(f"---\ndate: {value}\n---\n# T\n\n{PROSE}".encode(), "d.md")
    g = Graph()
    rdf.add_document(g, doc, [], URIRef("urn:run"))
    got = [(str(o), o.datatype) for o in g.objects(rdf.doc_uri("d"), DCTERMS.date)]
    assert got == ([(text, _XSD[datatype])] if text else [])
    assert bool(doc.warnings) == (text is None)


def test_a_corpus_with_bad_metadata_builds_whole(tmp_path):
    """End to end: the build goes ahead, the warnings are in the manifest, and the graph holds all three."""
    folder = _corpus(tmp_path / "corpus", "documents:\n  plain.txt:\n    title: Caf\xe9\n".encode("latin-1"))
    result = build([folder], out=tmp_path / "build")
    assert result.status == "built"
    assert sorted(result.manifest["documents"]) == sorted(str(folder / n) for n in
                                                          ("careless.md", "one-author.md", "plain.txt"))
    assert set(result.warnings) == {str(folder / "corpus.yaml"), str(folder / "careless.md")}
    g = Graph().parse(tmp_path / "build" / "graph.ttl")
    assert len(set(g.subjects(RDF.type, EP.Document))) == 3
    docs = set(g.subjects(RDF.type, EP.Document))
    assert [(str(o), o.datatype) for s, o in g.subject_objects(DCTERMS.date) if s in docs] == [
        ("2024-05-01", _XSD.date)]  # one-author.md's; careless.md's "last tuesday" is left out


# ---- odd files ------------------------------------------------------------------------------------


def test_a_huge_sparse_file_is_refused_by_its_size_without_being_read(tmp_path):
    big = tmp_path / "huge.txt"
    with open(big, "wb") as fh:
        fh.truncate(2 * 1024**3)  # 2 GB, sparse: nothing on disk
    code = textwrap.dedent(f"""
        from pathlib import Path
        from ingest.readers import InputError, read_document
        try:
            read_document(Path({str(big)!r}))
        except InputError as e:
            print(e.reason)
    """)
    cap = 768 * 1024**2  # far less than the file: reading it would fail with MemoryError

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         preexec_fn=limit)
    assert out.stdout.strip() == "is 2147.5 MB, over the 20 MB limit", out.stderr[-500:]


def test_a_fifo_named_on_the_command_line_is_a_warning_not_a_hang(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    good = tmp_path / "good.txt"
    good.write_text("Good\n\n" + PROSE, encoding="utf-8")
    code = textwrap.dedent(f"""
        import json
        from pathlib import Path
        from ingest.build import _read_all
        docs, warnings = _read_all([Path({str(fifo)!r}), Path({str(good)!r})])
        print(json.dumps([[d.doc_id for d in docs], warnings]))
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert json.loads(out.stdout) == [
        ["good"], {str(fifo): ["is not a regular file (a pipe, device or socket); only files are read"]}
    ], out.stderr[-500:]


def test_eleven_hundred_nested_folders_are_walked_without_recursion(tmp_path):
    deep = tmp_path / "corpus"
    path = deep
    deep.mkdir()
    for _ in range(1100):  # one by one: mkdir(parents=True) itself recurses
        path = path / "d"
        path.mkdir()
    (path / "bottom.md").write_text("# Bottom\n\n" + PROSE, encoding="utf-8")
    (deep / "top.txt").write_text("Top\n\n" + PROSE, encoding="utf-8")
    (deep / "loop").symlink_to(deep, target_is_directory=True)  # a linked folder is not followed (no loop)
    try:
        assert corpus_files([deep]) == [path / "bottom.md", deep / "top.txt"]
    finally:  # bottom up, one by one: shutil.rmtree (and pytest's clean-up) would recurse too
        (path / "bottom.md").unlink()
        while path != deep:
            path.rmdir()
            path = path.parent


def test_a_dangling_symlink_named_directly_is_a_warning(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Good\n\n" + PROSE, encoding="utf-8")
    dangling = tmp_path / "gone.md"
    dangling.symlink_to(tmp_path / "nowhere.md")
    docs, warnings = _read_all([dangling, good])
    assert [d.doc_id for d in docs] == ["good"]
    assert warnings == {str(dangling): [f"is a link to '{tmp_path / 'nowhere.md'}', which does not exist"]}


def test_names_without_ascii_letters_get_distinct_ids(tmp_path):
    names = ["报告.md", "事例.md", "отчёт.txt", "🙂.txt", "café.md", "cafe.md"]
    for i, n in enumerate(names):
        (tmp_path / n).write_text(f"# Title {i}\n\n{PROSE} Number {i}.\n", encoding="utf-8")
    docs, warnings = _read_all([tmp_path])
    assert warnings == {}
    ids = {Path(d.path).name: d.doc_id for d in docs}
    assert len(ids) == len(names) and len(set(ids.values())) == len(names), ids
    assert ids["cafe.md"] == "cafe" and ids["café.md"].startswith("cafe-")  # ASCII names keep their old ids


def test_an_uploaded_check_and_a_corpus_read_are_one_check(tmp_path):
    """The Data page refuses what ingest would refuse, with the same words (one function, doc_from_bytes)."""
    from ui.data import check_upload

    cases = {
        "script-only.html": b"<script>alert(1)</script><style>p{}</style>",
        "fake.pdf": b"<html>not a pdf</html>",
        "latin.txt": "Caf\xe9".encode("latin-1"),
        "binary.md": b"\x00\x01\x02 text",
        "evil.exe": b"MZ",
        "blank.txt": b"   \n",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(InputError) as e:
            read_document(tmp_path / name, display=name)
        assert check_upload(name, data) == str(e.value)


# ---- profiles -------------------------------------------------------------------------------------


def test_a_latin1_profile_is_a_clear_error(tmp_path, build_dir):
    from graph.analysis.assess import ProfileError, load_profile
    from graph.store import KnowledgeGraph

    f = tmp_path / "place.yaml"
    f.write_bytes("place: Bront\xeb\n".encode("latin-1"))
    with pytest.raises(ProfileError) as e:
        load_profile(f, KnowledgeGraph.load(build_dir))
    assert str(e.value) == f"{f}: is not UTF-8 text (invalid byte 0xeb at offset 12); save it as UTF-8"


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without LibYAML")
def test_profiles_and_metadata_load_with_the_c_loader(monkeypatch, build_dir):
    from graph.analysis.assess import load_profile
    from graph.store import KnowledgeGraph

    used: list[str] = []
    real = yaml.load

    def spy(stream, Loader):  # noqa: N803 - PyYAML's own argument name
        used.append(Loader.__name__)
        return real(stream, Loader=Loader)

    monkeypatch.setattr(yaml, "load", spy)
    load_profile(ROOT / "corpus" / "profiles" / "example-fictional-town.yaml", KnowledgeGraph.load(build_dir))
    doc_from_bytes(GOOD_MD.encode(), "x.md")
    assert used == ["CSafeLoader", "CSafeLoader"]


# ---- the build swap -------------------------------------------------------------------------------

READER = """
import os, sys, time
out, seconds = sys.argv[1], float(sys.argv[2])
seen = missed = 0
end = time.monotonic() + seconds
while time.monotonic() < end:
    try:
        with open(os.path.join(out, "manifest.json"), "rb") as fh:
            fh.read()
        seen += 1
    except OSError:
        missed += 1
print(seen, missed)
"""


def _docs(n: int) -> list[Doc]:
    return [Doc(f"d{i}", f"d{i}.txt", PROSE, f"{i:064x}", "txt") for i in range(n)]


def test_the_build_is_swapped_in_one_step_and_a_reader_never_finds_none(tmp_path):
    out = tmp_path / "build"
    _write_atomically(out, None, _docs(2), {"n": 0})
    reader = subprocess.Popen([sys.executable, "-c", READER, str(out), "4"], stdout=subprocess.PIPE, text=True)
    n = 0
    while reader.poll() is None and n < 3000:
        n += 1
        _write_atomically(out, None, _docs(2), {"n": n})
    seen, missed = map(int, reader.communicate(timeout=30)[0].split())
    assert seen > 1000 and missed == 0, (n, seen, missed)
    assert out.is_symlink() and read_manifest(out) == {"n": n}
    kept = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".build.") and p.is_dir())
    assert len(kept) == n + 1 and os.readlink(out) in kept  # every build replaced within the grace period
    clean_leftovers(out, grace_s=0)  # past it, only the live build is left
    assert [p.name for p in tmp_path.iterdir() if p.is_dir() and not p.is_symlink()] == [os.readlink(out)]


def _age(folder: Path) -> None:
    """Date a folder from before the grace period a replaced build is kept for."""
    past = time.time() - GRACE_S - 1
    os.utime(folder, (past, past))


def test_leftovers_are_cleaned_and_the_build_has_the_usual_permissions(tmp_path):
    out = tmp_path / "build"
    out.mkdir()  # a build from before the link
    (out / "manifest.json").write_text("{}", encoding="utf-8")
    (out / "index").mkdir()
    (out / "index" / "vectors.npy").write_bytes(b"cached")
    for name in (".build.k1ll3d", ".build.old"):  # what killed runs of the old and the new code leave
        (tmp_path / name / "texts").mkdir(parents=True)
        _age(tmp_path / name)
    (tmp_path / ".build.link-dead").symlink_to(".build.k1ll3d")
    (tmp_path / ".build.lock").write_text("", encoding="utf-8")
    (tmp_path / "unrelated").mkdir()
    _write_atomically(out, None, _docs(1), {"n": 1})
    target = out.resolve()
    assert out.is_symlink() and target.parent == tmp_path and target.name.startswith(".build.")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert len(left) == 5 and {".build.lock", "build", "unrelated", target.name} < set(left)  # + the old build
    assert (out / "index" / "vectors.npy").read_bytes() == b"cached"  # carried over
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o777 & ~umask
    (tmp_path / ".build.again").mkdir()
    _age(tmp_path / ".build.again")
    moved_aside = (set(left) - {".build.lock", "build", "unrelated", target.name}).pop()
    assert clean_leftovers(out) == [".build.again"]  # the build replaced a moment ago stays for its grace period
    _age(tmp_path / moved_aside)
    (tmp_path / ".build.again").mkdir()
    _age(tmp_path / ".build.again")
    assert sorted(clean_leftovers(out)) == sorted([".build.again", moved_aside]) and out.resolve() == target
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([".build.lock", "build", "unrelated", target.name])


def test_provenance_activities_sit_outside_the_model_activity_prefix(build_dir):
    """Counting nodes by IRI prefix sees the model's four activities, not the ingest's own prov:Activity too."""
    from rdflib import RDF
    from rdflib.namespace import PROV

    from graph.ns import ID
    from graph.store import open_graph

    g = open_graph(build_dir)
    runs = {str(s) for s in g.subjects(RDF.type, PROV.Activity)}
    assert runs, "the build records the ingest activities it ran"
    assert not [s for s in runs if s.startswith(str(ID["activity/"]))]

"""The ingest pipeline: corpus files -> Docs -> items -> merged nodes -> RDF, written atomically.

A build directory holds ``manifest.json``, ``texts/`` (the text every offset refers to) and, with the
memory store, ``graph.ttl`` and ``graph.jsonld``; other stores (graph.stores) hold the graph themselves.
``build`` is a link to a sibling ``.build.<token>`` folder: a new build is written beside it and the
link replaced by one rename, so a failed or interrupted run never replaces a good build and a reader
never finds none. A replaced build is kept for a grace period (GRACE_S) for readers that resolved the link
just before the swap; it and the leftovers of killed runs are removed by a later run.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import json
import os
import secrets
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import PROV, RDF

from graph import rdfio
from graph.ns import EP, ID, ONTOLOGY_PATH
from graph.settings import ROOT
from graph.stores.base import Backend, StoreError, StoreSpec
from graph.stores.factory import open_store
from ingest import questions, rdf
from ingest.entities import find_entities
from ingest.extract import extract
from ingest.links.stage import add_links
from ingest.merge import merge
from ingest.model import Doc, Extraction
from ingest.readers import (
    LINKS_NAME,
    MANIFEST_NAME,
    InputError,
    corpus_files,
    load_metadata,
    printable,
    read_document,
)

DEFAULT_CORPUS = ROOT / "corpus"
DEFAULT_BUILD = ROOT / "build"
GRACE_S = 600.0  # a replaced build is kept this long: a reader mid-load (graph, texts, index) keeps its files
CARRY_OVER = ("index",)  # folders of later stages kept across rebuilds (e.g. cached vectors)
Progress = Callable[[str, int, int], None]


class BuildError(Exception):
    """The build could not be made; the previous build is untouched."""


@dataclass
class BuildResult:
    out: Path
    status: str  # built | up-to-date
    manifest: dict = field(default_factory=dict)

    @property
    def warnings(self) -> dict[str, list[str]]:
        return self.manifest.get("warnings", {})


def code_version() -> str:
    """Changing the ingest code (link stage, its example sentences and the fitted case model included), the shared
    text module or the ontology makes builds stale."""
    h = hashlib.sha256()
    files = (sorted((ROOT / "ingest").rglob("*.py")) + sorted((ROOT / "ingest").rglob("*.yaml"))
             + [p for p in (ROOT / "ingest" / "links" / "case_model.json", ROOT / "ingest" / "links" / "case_model.npz")
                if p.exists()]
             + sorted((ROOT / "graph" / "text").glob("*.py")) + [ONTOLOGY_PATH])
    for f in files:
        h.update(f.relative_to(ROOT).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _fingerprint(files: list[tuple[str, str]], links_hash: str) -> str:
    h = hashlib.sha256(code_version().encode())
    for name, digest in sorted(files):
        h.update(f"{name}\0{digest}\n".encode())
    h.update(links_hash.encode())
    return h.hexdigest()


def _links_file(paths: list[Path]) -> Path | None:
    cand = [p / LINKS_NAME for p in paths if p.is_dir() and (p / LINKS_NAME).exists()]
    return cand[0] if cand else None


def _corpus_fingerprint(docs: list[Doc], warnings: dict[str, list[str]], links_path: Path | None) -> str:
    links_hash = hashlib.sha256(links_path.read_bytes()).hexdigest() if links_path else ""
    return _fingerprint([(d.path, d.content_hash) for d in docs], links_hash + json.dumps(warnings, sort_keys=True))


@dataclass(frozen=True)
class Pending:
    """How the build stands against the corpus: files the graph does not hold as they are now (added, or changed
    since), built documents no longer in the corpus, and ``stale``: a build would change the graph (also when only
    the code, corpus.yaml or links.yaml changed)."""

    unbuilt: tuple[str, ...]
    gone: tuple[str, ...]
    stale: bool


def pending(paths: list[Path] | None = None, out: Path = DEFAULT_BUILD, links_path: Path | None = None) -> Pending:
    """What a rebuild of ``out`` from ``paths`` would take in, by the reading and fingerprint ``build`` compares
    before it builds, without building: a file saved to the corpus whose build was interrupted (the app's page
    closed mid-build) stays unbuilt until a rebuild, and this is how a page knows. Raises BuildError as build does
    when the corpus cannot be listed."""
    paths = paths or [DEFAULT_CORPUS]
    docs, warnings = _read_all(paths)
    old = read_manifest(Path(out))
    built = {p: d.get("sha256") for p, d in old.get("documents", {}).items()}
    unbuilt = tuple(d.path for d in docs if built.get(d.path) != d.content_hash)
    gone = tuple(p for p in built if p not in {d.path for d in docs})
    fp = _corpus_fingerprint(docs, warnings, links_path or _links_file(paths))
    return Pending(unbuilt, gone, old.get("fingerprint") != fp)


STEP_WORDS = {  # the steps ``progress`` reports (make_graph, the link stage, the stores), as a person reads them
    "links textual": "Finding the links the documents state",
    "links inferred": "Finding links by similarity of meaning",
    "links curated": "Adding the links a curator wrote",
    "links write": "Writing the links into the graph",
    "links cases": "Linking the case studies to the parts of the model they show",
    "links assumptions": "Placing each assumption under the elements it speaks about",
    "store bulk-load": "Saving the graph in the store",
    "store upload": "Sending the graph to the store",
}


def step_words(label: str) -> str:
    """A build step as ``progress`` names it ("links cases", "extract corpus/x.md") in words a person understands
    ("Linking the case studies …", "Reading x.md"): the app's progress bar showed the internal names."""
    if label.startswith("extract "):
        return f"Reading {Path(label.removeprefix('extract ')).name}"
    return STEP_WORDS.get(label, "Building the graph")


def read_manifest(out: Path) -> dict:
    try:
        return json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@contextlib.contextmanager
def build_lock(out: Path, wait: bool = True) -> Iterator[None]:
    """One ingest at a time per build directory; a second waits (or is refused with wait=False)."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fh = open(out.parent / f".{out.name}.lock", "w")  # noqa: SIM115 - closed by the with below
    except OSError as e:
        raise BuildError(f"cannot write the build folder {_display(out.parent)}: {_reason(e)}") from e
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError as e:
            raise BuildError(f"another ingest is writing {out}; try again when it finishes") from e
        yield


def _reason(e: OSError) -> str:
    """An OS error in words, without the path (the message names the folder itself)."""
    return e.strerror or str(e)


def _display(f: Path) -> str:
    """How a file is named in warnings and the manifest: relative to the repository, and on one visible line."""
    return printable(os.path.relpath(f, ROOT) if f.is_absolute() and f.is_relative_to(ROOT) else str(f))


def _read_all(paths: list[Path]) -> tuple[list[Doc], dict[str, list[str]]]:
    warnings: dict[str, list[str]] = {}
    docs: list[Doc] = []
    seen_hash: dict[str, str] = {}
    seen_id: set[str] = set()
    meta_cache: dict[Path, dict] = {}
    try:
        files = corpus_files(paths)
    except InputError as e:
        raise BuildError(str(e)) from e
    roots = [p for p in paths if p.is_dir()]
    for f in files:
        folder = f.parent
        if folder not in meta_cache:
            if _links_out(folder / MANIFEST_NAME, roots):
                meta_cache[folder], problems = {}, [OUTSIDE]
            else:
                meta_cache[folder], problems = load_metadata(folder)
            if problems:
                warnings.setdefault(_display(folder / MANIFEST_NAME), []).extend(problems)
        display = _display(f)
        if _links_out(f, roots):
            warnings.setdefault(display, []).append(OUTSIDE)
            continue
        try:
            doc = read_document(f, meta_cache[folder].get(f.name), display)
        except InputError as e:
            warnings.setdefault(display, []).append(e.reason)
            continue
        if doc.warnings:
            warnings.setdefault(display, []).extend(doc.warnings)
        if doc.content_hash in seen_hash:
            warnings.setdefault(display, []).append(f"is an exact duplicate of {seen_hash[doc.content_hash]}; skipped")
            continue
        if doc.doc_id in seen_id:
            warnings.setdefault(display, []).append(f"has the same name as another document ('{doc.doc_id}'); skipped")
            continue
        seen_hash[doc.content_hash] = display
        seen_id.add(doc.doc_id)
        docs.append(doc)
    return docs, warnings


OUTSIDE = "is a link to a file outside the corpus folder; not read (copy the file into the folder to include it)"


def _links_out(f: Path, roots: list[Path]) -> bool:
    """Is ``f``, found in one of the corpus folders ``roots``, a link to a file outside that folder (/etc/passwd)?
    A folder is the corpus' own; what it links to elsewhere on the server is not."""
    if not f.is_symlink():
        return False
    root = next((r for r in roots if f.is_relative_to(r)), None)
    return root is not None and not f.resolve().is_relative_to(root.resolve())


def make_graph(
    docs: list[Doc],
    links_path: Path | None,
    progress: Progress | None = None,
    warnings: dict[str, list[str]] | None = None,
) -> tuple[Graph, dict]:
    """The whole graph from readable documents (pure apart from reading links.yaml)."""
    warnings = warnings if warnings is not None else {}
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    extractions: list[Extraction] = []
    for i, doc in enumerate(docs):
        if progress:
            progress(f"extract {doc.path}", i, len(docs))
        try:
            ex = extract(doc)
            find_entities(ex)
        except Exception as e:  # noqa: BLE001 - one document's failure must not lose the others
            warnings.setdefault(doc.path, []).append(f"could not be extracted ({e.__class__.__name__}: {e})")
            continue
        for w in ex.warnings:
            warnings.setdefault(doc.path, []).append(w.split(": ", 1)[-1])
        extractions.append(ex)
    timings["extract_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    nodes, _ = merge(extractions)
    timings["merge_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    g = rdf.new_graph()
    run = ID[f"run/{hashlib.sha256(''.join(d.content_hash for d in docs).encode()).hexdigest()[:12]}"]
    g.add((run, RDF.type, EP.IngestRun))
    g.add((run, PROV.wasAssociatedWith, Literal(f"empowering-places-kg ingest {code_version()}")))
    texts = {d.doc_id: d.text for d in docs}
    for ex in extractions:
        rdf.add_document(g, ex.doc, ex.sections, run)
    rdf.add_nodes(g, nodes, texts)
    timings["rdf_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    blocks = {ex.doc.doc_id: ex.blocks for ex in extractions}
    link_report = add_links(g, texts, links_path, warnings=warnings, progress=progress, blocks=blocks)
    timings["links_s"] = time.perf_counter() - t0
    asked = rdf.add_questions(g, questions.load())
    return g, {"timings": timings, "links": link_report, "questions": asked}


def counts(g: Graph) -> dict[str, dict[str, int]]:
    nodes = Counter(str(o).split("#")[-1] for s, o in g.subject_objects(RDF.type) if str(o).startswith(str(EP)))
    edges = Counter(
        str(p).split("#")[-1]
        for s, p, o in g
        if str(p).startswith(str(EP)) and str(o).startswith(str(ID)) and not str(o).startswith(str(ID) + "doc/")
    )
    return {"nodes": dict(sorted(nodes.items())), "edges": dict(sorted(edges.items()))}


def build(
    paths: list[Path] | None = None,
    out: Path = DEFAULT_BUILD,
    force: bool = False,
    progress: Progress | None = None,
    links_path: Path | None = None,
    store: str | StoreSpec | None = None,
) -> BuildResult:
    """Build ``out`` (manifest, texts, and graph.ttl for the memory store) and publish the graph to ``store``.

    The store is written first: if that fails (unreachable, stopped mid-way, locked) nothing changes,
    neither the store's live graph nor the build directory.
    """
    paths = paths or [DEFAULT_CORPUS]
    out = Path(out)
    backend = open_store(store)
    in_memory = backend.spec.kind == "memory"
    links_path = links_path or _links_file(paths)
    with build_lock(out):
        t_start = time.perf_counter()
        docs, warnings = _read_all(paths)
        fp = _corpus_fingerprint(docs, warnings, links_path)
        old = read_manifest(out)
        if not force and old.get("fingerprint") == fp and _live(backend, out, fp, in_memory):
            return BuildResult(out, "up-to-date", old)
        if not docs:
            raise BuildError(
                "no document could be read: " + "; ".join(f"{k}: {', '.join(v)}" for k, v in warnings.items())
                if warnings
                else "the corpus is empty"
            )
        g, info = make_graph(docs, links_path, progress, warnings)
        manifest = {
            "fingerprint": fp,
            "code_version": code_version(),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "documents": {
                d.path: {
                    "doc_id": d.doc_id,
                    "sha256": d.content_hash,
                    "format": d.fmt,
                    "title": d.title,
                    "kind": d.kind,
                    "chars": len(d.text),
                }
                for d in docs
            },
            "links_file": str(links_path) if links_path else None,
            "store": str(backend.spec),
            "triples": len(g),
            **counts(g),
            "links": info["links"],
            "questions": info["questions"],
            "warnings": warnings,
            "timings": {
                **{k: round(v, 3) for k, v in info["timings"].items()},
                "total_s": round(time.perf_counter() - t_start, 3),
            },
        }
        if not in_memory:
            t0 = time.perf_counter()
            try:
                backend.publish(g, manifest, progress)
            except StoreError as e:
                raise BuildError(f"{e}; the store's live graph is unchanged") from e
            manifest["timings"]["publish_s"] = round(time.perf_counter() - t0, 3)
            manifest["timings"]["total_s"] = round(time.perf_counter() - t_start, 3)
        try:
            _write_atomically(out, g if in_memory else None, docs, manifest)
        except OSError as e:  # a full disk, a read-only folder: said in one line, the previous build kept
            raise BuildError(f"could not write the build to {_display(out)}: {_reason(e)}") from e
        return BuildResult(out, "built", manifest)


def _live(backend: Backend, out: Path, fp: str, in_memory: bool) -> bool:
    """Is the build with fingerprint ``fp`` the one the store serves?"""
    if in_memory:
        return (out / "graph.ttl").exists()
    try:
        return backend.stamp(out) == fp
    except StoreError as e:
        raise BuildError(str(e)) from e


def _prefix(out: Path) -> str:
    return f".{out.name}."


def remove_build(out: Path) -> None:
    """Delete a build directory, whether ``out`` is the ``current`` link (and its target) or a plain folder."""
    out = Path(out)
    if out.is_symlink():
        target = out.parent / os.readlink(out)
        out.unlink()
        if target.parent == out.parent and target.name.startswith(_prefix(out)):
            shutil.rmtree(target, ignore_errors=True)
    elif out.exists():
        shutil.rmtree(out)
    if out.parent.exists():
        clean_leftovers(out, grace_s=0)


def clean_leftovers(out: Path, grace_s: float = GRACE_S) -> list[str]:
    """Remove what killed runs left beside ``out`` (``.build.*`` folders and links) and the builds replaced more
    than ``grace_s`` ago, keeping the live one: a reader that resolved the link a moment before a swap still
    finds the whole build it resolved, however many swaps follow within the grace period."""
    live = _live_builds(out.parent)
    removed = []
    now = time.time()
    for p in out.parent.glob(f"{glob.escape(_prefix(out))}*"):
        if "." in p.name[len(_prefix(out)):]:
            continue  # another output's: `build.staging` writes `.build.staging.<token>`, never `build`'s to clean
        if p.is_symlink():
            p.unlink()
        elif p.is_dir() and p.resolve() not in live and now - p.lstat().st_mtime >= grace_s:
            shutil.rmtree(p, ignore_errors=True)
        else:
            continue  # the lock file, the live build and those replaced within the grace period
        removed.append(p.name)
    return removed


def _live_builds(folder: Path) -> set[Path]:
    """Every build a link in ``folder`` serves: whichever output it belongs to, none of them is a leftover."""
    live = set()
    with contextlib.suppress(OSError):
        for e in os.scandir(folder):
            if e.is_symlink() and not e.name.startswith("."):
                live.add(Path(e.path).resolve())
    return live


def _retire(build: Path) -> None:
    """Stamp the moment a build stopped being live: its grace period counts from here (its folder's mtime)."""
    with contextlib.suppress(OSError):
        os.utime(build)


def _write_atomically(out: Path, g: Graph | None, docs: list[Doc], manifest: dict) -> None:
    """The build is written to ``.build.<token>`` and ``out`` is a link to it, replaced by one rename.

    Readers open ``out/...`` and always find a whole build, the old or the new: there is no moment
    without one. The build replaced stays for GRACE_S seconds after the swap (not merely until the next
    run), since a reader may have resolved the link to it a moment before and still be reading it.
    ``g`` is None when a store other than memory holds the graph.
    The folder gets the usual permissions (umask), not mkdtemp's 0700.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(out)
    tmp = out.parent / f"{_prefix(out)}{secrets.token_hex(6)}"
    tmp.mkdir()
    link = out.parent / f"{_prefix(out)}link-{secrets.token_hex(6)}"
    try:
        (tmp / "texts").mkdir()
        for d in docs:
            (tmp / "texts" / f"{d.doc_id}.txt").write_text(d.text, encoding="utf-8")
        if g is not None:
            rdfio.write(g, tmp / "graph.ttl", "ttl")
            rdfio.write(g, tmp / "graph.jsonld", "jsonld")
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        for name in CARRY_OVER:
            if (out / name).exists():
                shutil.copytree(out / name, tmp / name)
        replaced = out.resolve() if out.is_symlink() else None
        if out.exists() and not out.is_symlink():  # a build from before the link: moved aside once
            replaced = out.parent / f"{_prefix(out)}{secrets.token_hex(6)}"
            out.rename(replaced)
        os.symlink(tmp.name, link)  # relative: the build folder can be moved with its parent
        os.replace(link, out)
        if replaced is not None:
            _retire(replaced)
    except BaseException:
        link.unlink(missing_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)
        raise

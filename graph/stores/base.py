"""The store contract every backend keeps, and the pieces they share.

Every backend hands the layers above the same thing, an rdflib ``Graph`` of the current build, and
takes a new build the same way, atomically: a reader sees the previous graph or the new one, never
half of one, and a failed or interrupted publish leaves the previous graph in place.

    memory              build/graph.ttl, parsed at every start (the default)       stores/memory.py
    oxigraph:DIR        one read-only Oxigraph store per build under DIR            stores/oxigraph.py
    sparql:URL          any SPARQL 1.1 query/update endpoint, one named graph       stores/sparql.py
                        per build and a pointer to the live one in the meta graph

Choose with ``--store`` on every CLI or ``EP_STORE`` for the app; ``graph.stores.factory.open_store``
picks the class.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rdflib import BNode, Graph, URIRef

from graph import settings
from graph.files import write_text_atomically
from graph.ns import ID

KINDS = ("memory", "oxigraph", "sparql")
CHUNK_TRIPLES = 20_000  # triples per INSERT DATA request
GSP_CHUNK_TRIPLES = 200_000  # triples per Graph Store Protocol POST: parsing Turtle is far cheaper than an update
KEEP_PREVIOUS = 1  # builds kept behind the live one, so a reader mid-load is never cut off

META = ID["store/meta"]  # the named graph holding the pointer, the manifest and the write lock
STORE = ID["store"]
Progress = Callable[[str, int, int], None]


class StoreError(Exception):
    """The store is unreachable, locked, too slow or refused a write; the message names the store."""


class BadStore(ValueError):
    """A --store / EP_STORE value that is not one of the accepted forms."""


class MissingBuild(Exception):
    """No usable graph in the configured store; the message says how to make one."""


@dataclass(frozen=True)
class StoreSpec:
    kind: str
    location: str = ""  # DIR for oxigraph, the query URL for sparql
    update_url: str = ""
    store_url: str = ""  # a Graph Store Protocol endpoint, where the server has one: builds upload through it

    @classmethod
    def parse(cls, text: str | StoreSpec | None = None) -> StoreSpec:
        """``memory`` | ``oxigraph:DIR`` | ``sparql:URL[#update=URL][&store=URL]``; None reads ``EP_STORE``."""
        if isinstance(text, StoreSpec):
            return text
        raw = (text if text is not None else settings.get("EP_STORE")).strip()
        kind, _, rest = raw.partition(":")
        kind = kind.lower()
        if kind == "memory" and not rest:
            return cls("memory")
        if kind == "oxigraph" and rest:
            return cls("oxigraph", str(Path(rest).expanduser()))
        if kind == "sparql" and rest:
            url, _, frag = rest.partition("#")
            parsed = urllib.parse.urlparse(url)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise BadStore(f"store '{raw}': the SPARQL endpoint must be an http(s) URL")
            opts = dict(part.partition("=")[::2] for part in frag.split("&") if part)
            if unknown := sorted(set(opts) - {"update", "store"}):
                raise BadStore(f"store '{raw}': unknown option {unknown[0]!r} after '#' (use update= and store=)")
            update, gsp = opts.get("update", ""), opts.get("store", "")
            if parsed.path in ("", "/"):  # a bare server root, as Oxigraph serves: /query, /update and /store
                base = url.rstrip("/")
                # no_transaction: Oxigraph's bulk loader, 3x faster; the pointer swap, not the POST, is atomic
                url, update, gsp = f"{base}/query", update or f"{base}/update", gsp or f"{base}/store?no_transaction"
            elif not update:
                update = url[: -len("/query")] + "/update" if url.endswith("/query") else url
            return cls("sparql", url, update, gsp)
        raise BadStore(f"unknown store '{raw}': use memory, oxigraph:DIR or sparql:URL "
                       "(e.g. sparql:http://127.0.0.1:7878)")

    def __str__(self) -> str:
        return self.kind if self.kind == "memory" else f"{self.kind}:{self.location}"



def triple_lines(g: Graph) -> Iterator[str]:
    """One Turtle/SPARQL-ready line per triple, blank nodes made into IRIs (they cannot span requests)."""
    def term(t) -> str:
        return f"<{ID}bnode/{t}>" if isinstance(t, BNode) else t.n3()

    for s, p, o in g:
        yield f"{term(s)} {term(p)} {term(o)} .\n"


def now() -> datetime:
    return datetime.now(UTC)


class Backend:
    spec: StoreSpec

    def __init__(self, spec: StoreSpec):
        self.spec = spec

    def graph(self, build: Path) -> Graph:
        """The live graph; MissingBuild when there is none, StoreError when the store cannot be read."""
        raise NotImplementedError

    def stamp(self, build: Path) -> str:
        """The live graph's fingerprint ('' without one): cheap, for noticing a new build."""
        raise NotImplementedError

    def manifest(self, build: Path) -> dict:
        """The live build's manifest (counts, warnings, timings), wherever the build ran."""
        raise NotImplementedError

    def load(self, build: Path) -> tuple[Graph, str, dict]:
        """Graph, fingerprint and manifest of one live build, read together: a swap between the three reads
        must never pair one build's graph with another's manifest. Backends read their pointer once."""
        return self.graph(build), self.stamp(build), self.manifest(build)

    def publish(self, g: Graph, manifest: dict, progress: Progress | None = None) -> None:
        """Make ``g`` the live graph, atomically; StoreError (previous graph intact) when that fails."""
        raise NotImplementedError

    def size_bytes(self) -> int:
        return 0

    def __str__(self) -> str:
        return str(self.spec)


def resolve_build(build: Path | str) -> Path:
    """The build folder ``build`` names at this moment (ingest swaps a link to a new one): graph, manifest,
    texts and index are then read from that one folder, never half from the build a swap replaced."""
    build = Path(build)
    return build.resolve() if build.is_symlink() and build.exists() else build


def read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_json_atomically(path: Path, data: dict) -> None:
    write_text_atomically(path, json.dumps(data, indent=2, ensure_ascii=False))


def dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


def scan(g: Graph, p: URIRef, o=None) -> Iterator[tuple[str, str]]:
    """(subject, object) as plain strings (IRI or literal value) for every triple with predicate ``p`` (and
    object ``o``), the fastest way the store allows: a backend's store class may offer its own ``scan``
    (Oxigraph's pattern scan, one SELECT read as JSON); records need strings, and building rdflib terms
    for them was most of a cold start."""
    fast = getattr(g.store, "scan", None)
    if fast is not None:
        yield from fast(p, o, g.identifier)
    elif o is None:
        for s, obj in g.subject_objects(p):
            yield str(s), str(obj)
    else:
        for s in g.subjects(p, o):
            yield str(s), str(o)


def chunks(lines: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk

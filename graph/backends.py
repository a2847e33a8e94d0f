"""Where the graph lives: in memory (``build/graph.ttl``), an embedded Oxigraph store, or a SPARQL server.

Every backend hands the layers above the same thing, an rdflib ``Graph`` of the current build, and
takes a new build the same way, atomically: a reader sees the previous graph or the new one, never
half of one, and a failed or interrupted publish leaves the previous graph in place.

    memory              build/graph.ttl, parsed at every start (the default)
    oxigraph:DIR        one read-only Oxigraph store per build under DIR, DIR/CURRENT names the live one
    sparql:URL          any SPARQL 1.1 query/update endpoint; one named graph per build, and a pointer
                        to the live one in the meta graph, swapped by a single update

Choose with ``--store`` on every CLI or ``EP_STORE`` for the app.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import random
import re
import shutil
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from oxrdflib import OxigraphStore
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result

from graph import rdfio
from graph.ns import EP, ID, bind_prefixes

STORE_ENV = "EP_STORE"
EXIT_STORE = 5  # every CLI: the store could not be reached, timed out or refused
KINDS = ("memory", "oxigraph", "sparql")
QUERY_TIMEOUT_S = float(os.environ.get("EP_STORE_TIMEOUT", "30"))
LOCK_WAIT_S = float(os.environ.get("EP_STORE_LOCK_WAIT", "600"))
LEASE_S = 300.0  # a crashed ingest's lock on a SPARQL store expires after this long
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
        raw = (text if text is not None else os.environ.get(STORE_ENV) or "memory").strip()
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


def add_store_argument(ap) -> None:
    """The one --store option every CLI shares."""
    ap.add_argument("--store", default=None, metavar="STORE", help=(
        "where the graph lives: memory (build/graph.ttl, the default), oxigraph:DIR (embedded, persistent) "
        f"or sparql:URL (a SPARQL 1.1 server); default ${STORE_ENV} or memory"))


def open_store(spec: str | StoreSpec | None = None) -> Backend:
    spec = StoreSpec.parse(spec)
    return {"memory": MemoryBackend, "oxigraph": OxigraphBackend, "sparql": SparqlBackend}[spec.kind](spec)


def triple_lines(g: Graph) -> Iterator[str]:
    """One Turtle/SPARQL-ready line per triple, blank nodes made into IRIs (they cannot span requests)."""
    def term(t) -> str:
        return f"<{ID}bnode/{t}>" if isinstance(t, BNode) else t.n3()

    for s, p, o in g:
        yield f"{term(s)} {term(p)} {term(o)} .\n"


def _now() -> datetime:
    return datetime.now(UTC)


def _lease_iri(token: str) -> URIRef:
    return ID[f"store/lease/{token}"]


def _expiry(now: datetime) -> Literal:
    """When a lease taken or renewed at ``now`` lapses, unless renewed."""
    return Literal((now + timedelta(seconds=LEASE_S)).isoformat(timespec="seconds"),
                   datatype=URIRef("http://www.w3.org/2001/XMLSchema#dateTime"))


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

    def publish(self, g: Graph, manifest: dict, progress: Progress | None = None) -> None:
        """Make ``g`` the live graph, atomically; StoreError (previous graph intact) when that fails."""
        raise NotImplementedError

    def size_bytes(self) -> int:
        return 0

    def __str__(self) -> str:
        return str(self.spec)


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_json_atomically(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def _dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


class MemoryBackend(Backend):
    """The build directory is the store: ingest writes graph.ttl there (atomically), readers parse it."""

    def graph(self, build: Path) -> Graph:
        ttl = Path(build) / "graph.ttl"
        if not ttl.exists():
            raise MissingBuild(f"no graph at {ttl}: run `python -m ingest --out {build}` (or `make build`) first")
        try:
            return rdfio.read(ttl)
        except Exception as e:  # noqa: BLE001 - any parse failure means a corrupt build
            raise MissingBuild(f"{ttl} is unreadable ({e.__class__.__name__}); rebuild with "
                               f"`python -m ingest --force --out {build}`") from e

    def stamp(self, build: Path) -> str:
        return str(self.manifest(build).get("fingerprint", ""))

    def manifest(self, build: Path) -> dict:
        return _read_json(Path(build) / "manifest.json")

    def publish(self, g: Graph, manifest: dict, progress: Progress | None = None) -> None:
        pass  # ingest's atomic write of the build directory is the publish

    def size_bytes(self) -> int:
        return 0


class OxigraphBackend(Backend):
    """DIR/<version>/ is one complete store per build, written once then only opened read-only.

    A build is bulk-loaded into a fresh directory that no reader knows of, then DIR/CURRENT (a small
    JSON file) is replaced by rename: the swap is atomic, readers never share a directory with a
    writer, and any number of processes can read at once.
    """

    def __init__(self, spec: StoreSpec):
        super().__init__(spec)
        self.root = Path(spec.location)
        self._open: tuple[str, object] | None = None

    def _current(self) -> dict:
        return _read_json(self.root / "CURRENT")

    def graph(self, build: Path) -> Graph:
        import pyoxigraph as ox
        from oxrdflib import OxigraphStore

        cur = self._current()
        version = cur.get("version")
        if not version or not (self.root / version).is_dir():
            raise MissingBuild(f"no graph in the Oxigraph store {self.root}: run "
                               f"`python -m ingest --store oxigraph:{self.root}` first")
        try:
            ox_store = ox.Store.read_only(str(self.root / version))
        except OSError as e:
            raise StoreError(f"cannot open the Oxigraph store {self.root / version}: {e}") from e
        return bind_prefixes(Graph(OxigraphStore(store=ox_store), identifier=DATASET_DEFAULT_GRAPH_ID))

    def stamp(self, build: Path) -> str:
        return str(self._current().get("fingerprint", ""))

    def manifest(self, build: Path) -> dict:
        return dict(self._current().get("manifest") or {})

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".write.lock", "w") as fh:
            deadline = time.monotonic() + LOCK_WAIT_S
            while True:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StoreError(f"another ingest is writing the Oxigraph store {self.root} "
                                         f"(waited {LOCK_WAIT_S:g} s); try again when it finishes") from None
                    time.sleep(0.2)
            yield

    def publish(self, g: Graph, manifest: dict, progress: Progress | None = None) -> None:
        import pyoxigraph as ox

        def load(store) -> None:
            store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in rdfio.ox_triples(g))

        self.publish_with(load, len(g), manifest, progress)

    def publish_with(self, load: Callable[[object], None], expected: int, manifest: dict,
                     progress: Progress | None = None) -> None:
        """Publish what ``load`` writes into a fresh ``pyoxigraph.Store``: the way in for bulk loaders."""
        import pyoxigraph as ox

        with self._lock():
            fp = str(manifest.get("fingerprint", ""))
            version = f"v-{fp[:12]}-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
            tmp = self.root / f".{version}.tmp"
            try:
                if progress:
                    progress("store bulk-load", 0, 1)
                store = ox.Store(str(tmp))
                load(store)
                store.flush()
                loaded = len(store)
                del store
                if loaded != expected:
                    raise StoreError(f"the Oxigraph store {tmp} took {loaded} of {expected} triples")
                tmp.rename(self.root / version)
            except StoreError:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            except (OSError, ValueError, SyntaxError) as e:
                shutil.rmtree(tmp, ignore_errors=True)
                raise StoreError(f"could not write the Oxigraph store {self.root}: {e}") from e
            previous = self._current().get("version")
            _write_json_atomically(self.root / "CURRENT", {
                "version": version, "fingerprint": fp, "previous": previous,
                "published_at": _now().isoformat(timespec="seconds"), "triples": loaded, "manifest": manifest})
            self._prune(keep={version, previous})
            if progress:
                progress("store bulk-load", 1, 1)

    def _prune(self, keep: set) -> None:
        for d in self.root.iterdir():
            if d.is_dir() and d.name.startswith("v-") and d.name not in keep:
                shutil.rmtree(d, ignore_errors=True)

    def size_bytes(self) -> int:
        version = self._current().get("version")
        return _dir_bytes(self.root / version) if version else 0


class SparqlBackend(Backend):
    """Any SPARQL 1.1 endpoint (Oxigraph server, Apache Jena Fuseki, GraphDB …).

    Each build goes into a new named graph, chunk by chunk (Graph Store Protocol POSTs where the server
    has one, SPARQL INSERT DATA elsewhere); the meta graph's ``ep:currentGraph``
    pointer moves to it in one update only once every triple is in (and counted), so readers on other
    servers switch from one complete graph to the next. A lease in the meta graph keeps two ingests
    from writing at once, wherever they run; a crashed ingest's lease runs out after LEASE_S.
    """

    def __init__(self, spec: StoreSpec, timeout: float = QUERY_TIMEOUT_S):
        super().__init__(spec)
        self.timeout = timeout

    # ------------------------------------------------------------------ HTTP

    def _request(self, url: str, body: bytes, content_type: str, accept: str = "", timeout: float | None = None
                 ) -> bytes:
        req = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": content_type, **({"Accept": accept} if accept else {})})
        try:
            with urllib.request.urlopen(req, timeout=timeout or self.timeout) as resp:  # noqa: S310 - configured URL
                return resp.read()
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace")[:300].strip()
            raise StoreError(f"the SPARQL endpoint {url} refused the request (HTTP {e.code}): {detail}") from e
        except TimeoutError as e:
            raise StoreError(f"the SPARQL endpoint {url} did not answer within {timeout or self.timeout:g} s") from e
        except (urllib.error.URLError, ConnectionError, OSError) as e:
            reason = getattr(e, "reason", e)
            if isinstance(reason, TimeoutError | socket.timeout):
                raise StoreError(f"the SPARQL endpoint {url} did not answer within "
                                 f"{timeout or self.timeout:g} s") from e
            raise StoreError(f"cannot reach the SPARQL endpoint {url} ({reason}); is the server running?") from e

    def query_raw(self, query: str, default_graph: str | None = None, timeout: float | None = None,
                  accept: str = "application/sparql-results+json") -> bytes:
        url = self.spec.location
        if default_graph:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode({"default-graph-uri": default_graph})
        return self._request(url, query.encode("utf-8"), "application/sparql-query", accept, timeout)

    def select(self, query: str, default_graph: str | None = None, timeout: float | None = None) -> list[dict]:
        data = json.loads(self.query_raw(query, default_graph, timeout))
        if "boolean" in data:
            return [{"boolean": data["boolean"]}]
        return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]

    def update(self, update: str, timeout: float | None = None) -> None:
        self._request(self.spec.update_url, update.encode("utf-8"), "application/sparql-update", "", timeout)

    # ------------------------------------------------------------------ reading

    def _pointer(self) -> dict:
        rows = self.select(f"""SELECT ?g ?fp ?manifest WHERE {{ GRAPH <{META}> {{
              <{STORE}> <{EP.currentGraph}> ?g . OPTIONAL {{ ?g <{EP.fingerprint}> ?fp }}
              OPTIONAL {{ ?g <{EP.manifest}> ?manifest }} }} }}""")
        return rows[0] if rows else {}

    def graph(self, build: Path) -> Graph:
        cur = self._pointer()
        if not cur.get("g"):
            raise MissingBuild(f"no graph in the SPARQL store {self.spec.location}: run "
                               f"`python -m ingest --store sparql:{self.spec.location}` first")
        return bind_prefixes(Graph(_RemoteStore(self), identifier=URIRef(cur["g"])))

    def stamp(self, build: Path) -> str:
        return self._pointer().get("fp", "")

    def manifest(self, build: Path) -> dict:
        try:
            return json.loads(self._pointer().get("manifest") or "{}")
        except ValueError:
            return {}

    def current_graph(self) -> str:
        return self._pointer().get("g", "")

    def graphs(self) -> list[str]:
        return [r["g"] for r in self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")]

    # ------------------------------------------------------------------ writing

    def _lease_rows(self) -> list[dict]:
        return self.select(f"""SELECT ?o ?h ?t WHERE {{ GRAPH <{META}> {{ ?l a <{EP.WriteLease}> ;
                               <{EP.lockedBy}> ?o ; <{EP.lockHolder}> ?h ; <{EP.lockedUntil}> ?t }} }}""")

    def _clear_stale_lease(self) -> None:
        """A lease whose holder is provably gone (a token this process could not release, or a process of
        this host that no longer runs) is cleared now instead of blocking ingests until it expires."""
        host = socket.gethostname()
        for row in self._lease_rows():
            m = re.fullmatch(r"(.*) pid (\d+)", row.get("h", ""))
            gone = row.get("o") in _UNRELEASED or (m and m.group(1) == host and not _pid_alive(int(m.group(2))))
            if gone:
                self._release(row["o"])

    def _release(self, token: str) -> None:
        self.update(f"DELETE WHERE {{ GRAPH <{META}> {{ <{_lease_iri(token)}> ?p ?o }} }}")
        _UNRELEASED.discard(token)

    def _claim(self, token: str, holder: str) -> bool:
        """Write a claim unless a live one exists, then win only if it is the sole claim.

        An insert-if-absent alone is not a lock: stores that run updates at snapshot isolation (Oxigraph
        among them) let two claimers each see none and both insert. Checking after one's own claim has
        committed closes that: of two overlapping claims, the later committed is seen by the other's
        check or sees the other's, so at least one backs off and two can never both hold the lease.
        """
        now = _now()
        until = _expiry(now)
        lease = _lease_iri(token)
        self.update(f"""
            DELETE {{ GRAPH <{META}> {{ ?l ?p ?o }} }}
            WHERE {{ GRAPH <{META}> {{ ?l a <{EP.WriteLease}> ; <{EP.lockedUntil}> ?t ; ?p ?o }}
                     FILTER (STR(?t) < "{now.isoformat(timespec='seconds')}") }} ;
            INSERT {{ GRAPH <{META}> {{ <{lease}> a <{EP.WriteLease}> ; <{EP.lockedBy}> "{token}" ;
                          <{EP.lockedUntil}> {until.n3()} ; <{EP.lockHolder}> {Literal(holder).n3()} }} }}
            WHERE {{ FILTER NOT EXISTS {{ GRAPH <{META}> {{ ?l a <{EP.WriteLease}> }} }} }}""")
        tokens = [r.get("o") for r in self._lease_rows()]
        if tokens == [token]:
            return True
        if token in tokens:  # two claims met: step back, and retry after a random pause
            self._release(token)
        return False

    @contextlib.contextmanager
    def _lease(self) -> Iterator[_Lease]:
        token, holder = uuid.uuid4().hex, f"{socket.gethostname()} pid {os.getpid()}"
        deadline = time.monotonic() + LOCK_WAIT_S
        self._clear_stale_lease()
        while not self._claim(token, holder):
            if time.monotonic() > deadline:
                rows = [r for r in self._lease_rows() if r.get("o") != token]
                who = rows[0].get("h", "another ingest") if rows else "another ingest"
                raise StoreError(f"{who} is writing to the SPARQL store {self.spec.location} (waited "
                                 f"{LOCK_WAIT_S:g} s); try again when it finishes")
            time.sleep(random.uniform(0.2, 1.0))
        try:
            yield _Lease(self, token)
        finally:
            try:
                self._release(token)
            except StoreError:
                _UNRELEASED.add(token)  # the server is away: released by this process's next ingest

    def publish(self, g: Graph, manifest: dict, progress: Progress | None = None) -> None:
        total = len(g)

        gsp = self.spec.store_url

        def load(target: str, renew: Callable[[], None]) -> None:
            done = 0
            for chunk in _chunks(triple_lines(g), GSP_CHUNK_TRIPLES if gsp else CHUNK_TRIPLES):
                if gsp:  # Graph Store Protocol: POST adds the chunk to the named graph
                    self._request(f"{gsp}{'&' if '?' in gsp else '?'}graph={urllib.parse.quote(target, safe='')}",
                                  "".join(chunk).encode(),
                                  "text/turtle", timeout=max(self.timeout, 300.0))
                else:
                    self.update(f"INSERT DATA {{ GRAPH <{target}> {{\n{''.join(chunk)}}} }}",
                                timeout=max(self.timeout, 120.0))
                done += len(chunk)
                renew()
                if progress:
                    progress("store upload", done - 1, total)

        self.publish_with(load, total, manifest)

    def publish_with(self, load: Callable[[str, Callable[[], None]], None], expected: int, manifest: dict) -> None:
        """Publish what ``load(graph_name, renew_lease)`` writes into a fresh named graph, then swap the pointer.

        ``load`` may use any way in the server offers (SPARQL Update, Graph Store Protocol, a bulk loader);
        the count check, the atomic swap and the lease are the same.
        """
        fp = str(manifest.get("fingerprint", ""))
        target = ID[f"store/graph/{fp[:12]}-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"]
        with self._lease() as lease:
            try:
                load(str(target), lease.renew)
                count = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{target}> {{ ?s ?p ?o }} }}",
                                    timeout=max(self.timeout, 120.0))
                got = int(count[0]["n"]) if count else 0
                if got != expected:
                    raise StoreError(f"the SPARQL store {self.spec.location} holds {got} of {expected} triples "
                                     "of the new build")
            except BaseException:
                with contextlib.suppress(StoreError):
                    self.update(f"DROP SILENT GRAPH <{target}>")
                raise
            old = self.current_graph()
            meta = f"""<{target}> <{EP.fingerprint}> {Literal(fp).n3()} ;
                           <{EP.manifest}> {Literal(json.dumps(manifest, ensure_ascii=False)).n3()} ;
                           <{EP.publishedAt}> {Literal(_now().isoformat(timespec='seconds')).n3()} ."""
            self.update(f"""
                DELETE {{ GRAPH <{META}> {{ <{STORE}> <{EP.currentGraph}> ?old }} }}
                INSERT {{ GRAPH <{META}> {{ <{STORE}> <{EP.currentGraph}> <{target}> . {meta} }} }}
                WHERE {{ GRAPH <{META}> {{ <{lease.iri}> a <{EP.WriteLease}> }}
                         OPTIONAL {{ GRAPH <{META}> {{ <{STORE}> <{EP.currentGraph}> ?old }} }} }}""")
            if self.current_graph() != str(target):  # fenced: a lapsed lease moves nothing
                with contextlib.suppress(StoreError):
                    self.update(f"DROP SILENT GRAPH <{target}>")
                raise StoreError(f"this ingest's write lease on the SPARQL store {self.spec.location} lapsed "
                                 "before it could publish; the store still serves the previous build")
            self._prune(keep={str(target), old})

    def _prune(self, keep: set[str]) -> None:
        """Drop builds older than the previous one (and graphs left by failed publishes)."""
        prefix = str(ID["store/graph/"])
        for gname in self.graphs():
            if gname.startswith(prefix) and gname not in keep:
                self.update(f"""DROP SILENT GRAPH <{gname}> ;
                    DELETE WHERE {{ GRAPH <{META}> {{ <{gname}> ?p ?o }} }}""", timeout=max(self.timeout, 120.0))

    def triples(self) -> int:
        g = self.current_graph()
        if not g:
            return 0
        return int(self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")[0]["n"])


class _RemoteStore(SPARQLStore):
    """rdflib's read-only SPARQL store, sending every request through SparqlBackend (time limit, clear errors)."""

    def __init__(self, backend: SparqlBackend):
        super().__init__(backend.spec.location, returnFormat="json")
        self.backend = backend

    def _query(self, query: str, default_graph: str | None = None, **_) -> Result:
        self._queries += 1
        return Result.parse(io.BytesIO(self.backend.query_raw(query, default_graph)), format="json")


class _Lease:
    """A held write lease: renewing it keeps a long upload from lapsing; its IRI fences the pointer swap."""

    def __init__(self, backend: SparqlBackend, token: str):
        self.backend, self.iri, self.renewed = backend, _lease_iri(token), time.monotonic()

    def renew(self) -> None:
        if time.monotonic() - self.renewed < LEASE_S / 3:
            return
        later = _expiry(_now())
        self.backend.update(f"""DELETE {{ GRAPH <{META}> {{ <{self.iri}> <{EP.lockedUntil}> ?t }} }}
            INSERT {{ GRAPH <{META}> {{ <{self.iri}> <{EP.lockedUntil}> {later.n3()} }} }}
            WHERE {{ GRAPH <{META}> {{ <{self.iri}> <{EP.lockedUntil}> ?t }} }}""")
        self.renewed = time.monotonic()


_UNRELEASED: set[str] = set()  # lease tokens this process could not release (the server was away)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def scan(g: Graph, p: URIRef, o=None) -> Iterator[tuple[str, str]]:
    """(subject, object) as plain strings (IRI or literal value) for every triple with predicate ``p`` (and
    object ``o``), the fastest way the store allows: Oxigraph's own pattern scan, or one SELECT whose
    JSON is read directly. Records need strings; building rdflib terms for them was most of a cold start."""
    store = g.store
    if isinstance(store, OxigraphStore) and store._store is not None:
        import pyoxigraph as ox

        pattern = (None, ox.NamedNode(str(p)), rdfio.to_ox(o) if o is not None else None, ox.DefaultGraph())
        for q in store._store.quads_for_pattern(*pattern):
            yield q.subject.value, q.object.value
    elif isinstance(store, _RemoteStore):
        query = (f"SELECT ?s ?o WHERE {{ ?s <{p}> ?o }}" if o is None else f"SELECT ?s WHERE {{ ?s <{p}> {o.n3()} }}")
        for row in json.loads(store.backend.query_raw(query, str(g.identifier)))["results"]["bindings"]:
            yield row["s"]["value"], (row["o"]["value"] if o is None else str(o))
    elif o is None:
        for s, obj in g.subject_objects(p):
            yield str(s), str(obj)
    else:
        for s in g.subjects(p, o):
            yield str(s), str(o)


def _chunks(lines: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk

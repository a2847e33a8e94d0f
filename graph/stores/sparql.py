"""The SPARQL backend: any SPARQL 1.1 endpoint, one named graph per build and a pointer swapped in one update."""

from __future__ import annotations

import contextlib
import io
import json
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result

from graph import settings
from graph.ns import EP, ID, bind_prefixes
from graph.stores.base import (
    CHUNK_TRIPLES,
    GSP_CHUNK_TRIPLES,
    META,
    STORE,
    Backend,
    MissingBuild,
    Progress,
    StoreError,
    StoreSpec,
    chunks,
    now,
    triple_lines,
)
from graph.stores.http import SparqlClient
from graph.stores.lease import LeaseHolder


class SparqlBackend(Backend, SparqlClient, LeaseHolder):
    """Any SPARQL 1.1 endpoint (Oxigraph server, Apache Jena Fuseki, GraphDB …).

    Each build goes into a new named graph, chunk by chunk (Graph Store Protocol POSTs where the server
    has one, SPARQL INSERT DATA elsewhere); the meta graph's ``ep:currentGraph``
    pointer moves to it in one update only once every triple is in (and counted), so readers on other
    servers switch from one complete graph to the next. A lease in the meta graph keeps two ingests
    from writing at once, wherever they run; a crashed ingest's lease runs out after LEASE_S.
    """


    def __init__(self, spec: StoreSpec, timeout: float | None = None):
        super().__init__(spec)
        self.location, self.update_url = spec.location, spec.update_url
        self.timeout = timeout if timeout is not None else settings.get("EP_STORE_TIMEOUT")

    # ------------------------------------------------------------------ reading

    def _pointer(self) -> dict:
        rows = self.select(f"""SELECT ?g ?fp ?manifest WHERE {{ GRAPH <{META}> {{
              <{STORE}> <{EP.currentGraph}> ?g . OPTIONAL {{ ?g <{EP.fingerprint}> ?fp }}
              OPTIONAL {{ ?g <{EP.manifest}> ?manifest }} }} }}""")
        return rows[0] if rows else {}

    def graph(self, build: Path) -> Graph:
        return self._graph(self._pointer())

    def load(self, build: Path) -> tuple[Graph, str, dict]:
        cur = self._pointer()  # one query: graph, fingerprint and manifest of the same build
        return self._graph(cur), cur.get("fp", ""), _manifest(cur)

    def _graph(self, cur: dict) -> Graph:
        if not cur.get("g"):
            raise MissingBuild(f"no graph in the SPARQL store {self.spec.location}: run "
                               f"`python -m ingest --store sparql:{self.spec.location}` first")
        return bind_prefixes(Graph(_RemoteStore(self), identifier=URIRef(cur["g"])))

    def stamp(self, build: Path) -> str:
        return self._pointer().get("fp", "")

    def manifest(self, build: Path) -> dict:
        return _manifest(self._pointer())

    def current_graph(self) -> str:
        return self._pointer().get("g", "")

    def graphs(self) -> list[str]:
        return [r["g"] for r in self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")]

    # ------------------------------------------------------------------ writing

    def publish(self, g: Graph, manifest: dict, progress: Progress | None = None) -> None:
        total = len(g)

        gsp = self.spec.store_url

        def load(target: str, renew: Callable[[], None]) -> None:
            done = 0
            for chunk in chunks(triple_lines(g), GSP_CHUNK_TRIPLES if gsp else CHUNK_TRIPLES):
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
                           <{EP.publishedAt}> {Literal(now().isoformat(timespec='seconds')).n3()} ."""
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


def _manifest(pointer: dict) -> dict:
    try:
        return json.loads(pointer.get("manifest") or "{}")
    except ValueError:
        return {}


class _RemoteStore(SPARQLStore):
    """rdflib's read-only SPARQL store, sending every request through SparqlBackend (time limit, clear errors)."""

    def __init__(self, backend: SparqlBackend):
        super().__init__(backend.spec.location, returnFormat="json")
        self.backend = backend

    def _query(self, query: str, default_graph: str | None = None, **_) -> Result:
        """Results as JSON, graphs (CONSTRUCT, DESCRIBE) as N-Triples: a server refuses JSON for a graph."""
        self._queries += 1
        body = self.backend.query_raw(query, default_graph,
                                      accept="application/sparql-results+json, application/n-triples;q=0.9")
        return Result.parse(io.BytesIO(body), format="json" if body.lstrip().startswith(b"{") else "nt")

    def scan(self, p: URIRef, o, graph_name) -> Iterator[tuple[str, str]]:
        """One SELECT for the whole predicate, its JSON read directly (no rdflib terms)."""
        query = (f"SELECT ?s ?o WHERE {{ ?s <{p}> ?o }}" if o is None else f"SELECT ?s WHERE {{ ?s <{p}> {o.n3()} }}")
        for row in json.loads(self.backend.query_raw(query, str(graph_name)))["results"]["bindings"]:
            yield row["s"]["value"], (row["o"]["value"] if o is None else str(o))

"""The Oxigraph backend: one read-only embedded store per build under DIR, DIR/CURRENT names the live one."""

from __future__ import annotations

import contextlib
import fcntl
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from graph import rdfio, settings
from graph.ns import bind_prefixes
from graph.stores.base import (
    Backend,
    MissingBuild,
    Progress,
    StoreError,
    StoreSpec,
    dir_bytes,
    now,
    read_json,
    write_json_atomically,
)


class ScanningOxigraphStore(OxigraphStore):
    """oxrdflib's store, keeping its own handle on the pyoxigraph store for the fast pattern scan."""

    def __init__(self, ox_store: ox.Store):
        super().__init__(store=ox_store)
        self.ox_store = ox_store

    def scan(self, p: URIRef, o, _graph) -> Iterator[tuple[str, str]]:
        pattern = (None, ox.NamedNode(str(p)), rdfio.to_ox(o) if o is not None else None, ox.DefaultGraph())
        for q in self.ox_store.quads_for_pattern(*pattern):
            yield q.subject.value, q.object.value


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
        return read_json(self.root / "CURRENT")

    def graph(self, build: Path) -> Graph:
        return self._graph(self._current())

    def load(self, build: Path) -> tuple[Graph, str, dict]:
        cur = self._current()  # read once: graph, fingerprint and manifest of the same version
        return self._graph(cur), str(cur.get("fingerprint", "")), dict(cur.get("manifest") or {})

    def _graph(self, cur: dict) -> Graph:
        version = cur.get("version")
        if not version or not (self.root / version).is_dir():
            raise MissingBuild(f"no graph in the Oxigraph store {self.root}: run "
                               f"`python -m ingest --store oxigraph:{self.root}` first")
        try:
            ox_store = ox.Store.read_only(str(self.root / version))
        except OSError as e:
            raise StoreError(f"cannot open the Oxigraph store {self.root / version}: {e}") from e
        return bind_prefixes(Graph(ScanningOxigraphStore(ox_store), identifier=DATASET_DEFAULT_GRAPH_ID))

    def stamp(self, build: Path) -> str:
        return str(self._current().get("fingerprint", ""))

    def manifest(self, build: Path) -> dict:
        return dict(self._current().get("manifest") or {})

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".write.lock", "w") as fh:
            wait = settings.get("EP_STORE_LOCK_WAIT")
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StoreError(f"another ingest is writing the Oxigraph store {self.root} "
                                         f"(waited {wait:g} s); try again when it finishes") from None
                    time.sleep(0.2)
            yield

    def publish(self, g: Graph, manifest: dict, progress: Progress | None = None) -> None:
        def load(store) -> None:
            store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in rdfio.ox_triples(g))

        self.publish_with(load, len(g), manifest, progress)

    def publish_with(self, load: Callable[[object], None], expected: int, manifest: dict,
                     progress: Progress | None = None) -> None:
        """Publish what ``load`` writes into a fresh ``pyoxigraph.Store``: the way in for bulk loaders."""
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
            write_json_atomically(self.root / "CURRENT", {
                "version": version, "fingerprint": fp, "previous": previous,
                "published_at": now().isoformat(timespec="seconds"), "triples": loaded, "manifest": manifest})
            self._prune(keep={version, previous})
            if progress:
                progress("store bulk-load", 1, 1)

    def _prune(self, keep: set) -> None:
        for d in self.root.iterdir():
            if d.is_dir() and d.name.startswith("v-") and d.name not in keep:
                shutil.rmtree(d, ignore_errors=True)

    def size_bytes(self) -> int:
        version = self._current().get("version")
        return dir_bytes(self.root / version) if version else 0

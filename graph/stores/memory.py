"""The memory backend: the build directory is the store (``build/graph.ttl``)."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from graph import rdfio
from graph.stores.base import Backend, MissingBuild, Progress, read_json


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
        return read_json(Path(build) / "manifest.json")

    def publish(self, g: Graph, manifest: dict, progress: Progress | None = None) -> None:
        pass  # ingest's atomic write of the build directory is the publish

    def size_bytes(self) -> int:
        return 0

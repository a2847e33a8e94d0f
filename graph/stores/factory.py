"""Pick the backend class for a store spec (txtai's ``ann/factory`` pattern: one small map, one file per backend)."""

from __future__ import annotations

from graph.stores.base import Backend, StoreSpec
from graph.stores.memory import MemoryBackend
from graph.stores.oxigraph import OxigraphBackend
from graph.stores.sparql import SparqlBackend

BACKENDS: dict[str, type[Backend]] = {"memory": MemoryBackend, "oxigraph": OxigraphBackend, "sparql": SparqlBackend}


def open_store(spec: str | StoreSpec | None = None) -> Backend:
    """The backend for ``spec`` (``memory``, ``oxigraph:DIR``, ``sparql:URL``; None reads ``EP_STORE``)."""
    spec = StoreSpec.parse(spec)
    return BACKENDS[spec.kind](spec)

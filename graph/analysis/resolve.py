"""Free text → one node for the graph CLI and the pathways reader: ``graph.lookup.resolve`` with search.

The rules live in ``graph/lookup.py`` (the one resolver); this module hands it the search package's pick
(hybrid dense + BM25) when search loads, and nothing when it does not, so the graph CLI works on its own
on word overlap.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from graph.lookup import HOW, Resolution
from graph.lookup import resolve as _resolve
from graph.records import NodeRecord
from graph.store import KnowledgeGraph
from search.engine import RESOLVE_TYPES, SearchEngine

__all__ = ["HOW", "Resolution", "resolve"]


def resolve(kg: KnowledgeGraph, text: str, types: tuple[str, ...] | None = None,
            build: Path | str | None = None, use_search: bool = True,
            prefer: Callable[[NodeRecord], bool] | None = None) -> Resolution:
    """The node ``text`` names (see ``graph.lookup.resolve`` for the rules), search from ``build``'s index."""
    search = (lambda t: _search(build, t, types)) if use_search else None
    return _resolve(kg.nodes, text, types, prefer, search)


def _search(build, text: str, types) -> NodeRecord | None:
    """The search package's pick, or None when it is missing, fails to load or finds nothing."""
    try:
        hits = _engine(str(build) if build else "").search(text, k=1, types=list(types or RESOLVE_TYPES))
        return hits[0].node if hits else None
    except Exception:  # noqa: BLE001 - fall back to token overlap on any failure
        return None


_ENGINES: dict = {}


def _engine(build: str) -> SearchEngine:
    """One engine per build for this process; a load failure (no model, no index) means "use token overlap"."""
    if build not in _ENGINES:
        _ENGINES[build] = SearchEngine.load(build or None)
    return _ENGINES[build]

"""The search package's pick, for ``graph.lookup.resolve`` in the graph CLI (``Pathways.resolve(search=…)``).

The rules live in ``graph/lookup.py`` (the one resolver); ``Pathways.resolve`` takes a search as an argument.
This module makes that search from the search package (hybrid dense + BM25) and returns nothing when search
does not load, so the graph CLI still works on its own on word overlap. It lives in the top layer because it
imports search, which ``graph/`` outside ``graph/analysis/`` never does.
"""

from __future__ import annotations

from pathlib import Path

from graph.lookup import Search
from graph.records import NodeRecord
from search.engine import RESOLVE_TYPES, SearchEngine


def searcher(build: Path | str | None, types: tuple[str, ...] | None = None) -> Search:
    """Search over ``build``'s index for ``graph.lookup.resolve``: the top hit of ``types``, or None."""
    return lambda text: _search(build, text, types)


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

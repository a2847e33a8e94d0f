"""Read-only SPARQL over the built graph, with a time and a memory limit.

Only SELECT, ASK, CONSTRUCT and DESCRIBE run; updates, LOAD, SERVICE and FROM are refused wherever
they appear, judged on rdflib's parsed algebra (``graph.sandbox.check``), never on the text. The query
runs in a separate worker process that is killed outright at the time limit and capped in memory, so
no query can hold the caller (see ``graph.sandbox``).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from graph.sandbox import (
    MAX_ROWS,
    TIMEOUT_S,
    QueryRefused,
    QueryResult,
    QueryTimeout,
    Source,
    check,
    source_for,
)
from graph.sandbox import run as _run_in_sandbox

__all__ = ["MAX_ROWS", "TIMEOUT_S", "QueryRefused", "QueryResult", "QueryTimeout", "Source", "check", "run",
           "warm"]


def run(g: Graph | None, query: str, timeout: float = TIMEOUT_S, max_rows: int = MAX_ROWS, *,
        store: str | None = None, build: Path | str | None = None) -> QueryResult:
    """Check and run ``query`` in the sandbox.

    Name the ``store`` and ``build`` (as every CLI does) and the worker opens the graph itself, once;
    with only ``g``, a SPARQL server is queried by its URL and any other graph is handed over as a file.
    """
    source = Source(str(store), str(build or "")) if store is not None else source_for(g)
    return _run_in_sandbox(source, query, timeout, max_rows)


def warm(store: str, build: Path | str) -> None:
    """Start the worker in the background, so the first query need not wait for the graph to load."""
    from graph.sandbox import SANDBOX

    SANDBOX.warm(Source(str(store), str(build)))

"""What every CLI shares: the --store option, the exit codes, and opening the store with errors mapped to them.

Exit codes (README, "Commands"): 0 done, 1 nothing found / bad input, 2 usage, 3 missing build or index,
4 unknown node, 5 the store could not be reached, timed out or refused.
"""

from __future__ import annotations

EXIT_STORE = 5  # every CLI: the store could not be reached, timed out or refused


def add_store_argument(ap) -> None:
    """The one --store option every CLI shares."""
    ap.add_argument("--store", default=None, metavar="STORE", help=(
        "where the graph lives: memory (build/graph.ttl, the default), oxigraph:DIR (embedded, persistent) "
        "or sparql:URL (a SPARQL 1.1 server); default $EP_STORE or memory"))

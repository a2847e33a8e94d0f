"""What every CLI shares: the --store option, the exit codes, and store failures mapped to them.

Exit codes (docs/ingest.md, "Command line"): 0 done, 1 nothing found, 2 usage (bad option, query or filter),
3 no build (or no graph in the store), 4 a document failed its check, 5 the store could not be reached,
timed out or refused (a SPARQL query over its time limit included).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

from graph.stores.base import BadStore, MissingBuild, StoreError, StoreSpec

EXIT_OK, EXIT_NOT_FOUND, EXIT_USAGE, EXIT_NO_BUILD, EXIT_CHECK, EXIT_STORE = 0, 1, 2, 3, 4, 5


def add_store_argument(ap) -> None:
    """The one --store option every CLI shares."""
    ap.add_argument("--store", default=None, metavar="STORE", help=(
        "where the graph lives: memory (build/graph.ttl, the default), oxigraph:DIR (embedded, persistent) "
        "or sparql:URL (a SPARQL 1.1 server); default $EP_STORE or memory"))


def fail(prog: str, kind: str, message: str, code: int, as_json: bool = False) -> int:
    """One clear line on stderr (and, with --json, ``{"error", "message"}`` on stdout); returns ``code``."""
    if as_json:
        print(json.dumps({"error": kind, "message": message}))
    print(f"{prog}: {kind}: {message}", file=sys.stderr)
    return code


def parse_store(prog: str, text: str | None) -> StoreSpec | int:
    """The --store value parsed, or EXIT_USAGE after saying why it is not one."""
    try:
        return StoreSpec.parse(text)
    except BadStore as e:
        return fail(prog, "error", str(e), EXIT_USAGE)


def run(prog: str, body: Callable[[], int], as_json: bool = False) -> int:
    """Run a CLI's work, turning the store's failures into their exit codes with one line that says why."""
    try:
        return body()
    except BadStore as e:
        return fail(prog, "error", str(e), EXIT_USAGE, as_json)
    except MissingBuild as e:
        return fail(prog, "missing build", str(e), EXIT_NO_BUILD, as_json)
    except StoreError as e:
        return fail(prog, "store", str(e), EXIT_STORE, as_json)

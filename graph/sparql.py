"""Read-only SPARQL over the built graph, with a time limit.

Only SELECT, ASK, CONSTRUCT and DESCRIBE run. Updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, …)
are refused, and so are SERVICE and FROM clauses, because rdflib would fetch them over the network.
The query runs in a daemon thread; past the time limit the caller gets QueryTimeout at once (the
thread is abandoned — rdflib cannot be interrupted — and dies with the process).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from rdflib import Graph
from rdflib.plugins.stores.memory import Memory

from graph.ns import PREFIXES

TIMEOUT_S = 10.0
MAX_ROWS = 10_000
UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")


class QueryRefused(ValueError):
    """Not a read-only query, or not valid SPARQL; the message says which."""


class QueryTimeout(TimeoutError):
    pass


@dataclass
class QueryResult:
    kind: str  # select | ask | graph
    vars: list[str]
    rows: list[dict[str, str]]
    boolean: bool | None = None
    turtle: str = ""
    truncated: bool = False

    def to_json(self) -> dict:
        return {"kind": self.kind, "vars": self.vars, "rows": self.rows, "boolean": self.boolean,
                "turtle": self.turtle, "truncated": self.truncated}


def _strip(query: str) -> str:
    """The query without comments, strings and IRIs, so keywords inside them do not count."""
    q = re.sub(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'', '""', query)
    q = re.sub(r"<[^<>\s]*>", "<>", q)
    return re.sub(r"#[^\n]*", "", q)


def check(query: str):
    """The parsed, prepared query; QueryRefused for updates, remote access or bad syntax."""
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parser import parseUpdate

    bare = _strip(query)
    keyword = r"(?<![?$\w:])"  # a keyword, not a variable (?from) or a prefixed name (ep:from)
    if re.search(keyword + r"SERVICE\b", bare, re.I):
        raise QueryRefused("SERVICE is refused: queries run on the local graph only (no network)")
    if re.search(keyword + r"FROM\b", bare, re.I):
        raise QueryRefused("FROM / FROM NAMED is refused: queries run on the local graph only (no network)")
    try:
        return prepareQuery(query, initNs=PREFIXES)
    except Exception as e:  # noqa: BLE001 - rdflib raises several parse error types
        try:
            parseUpdate(query)
        except Exception:  # noqa: BLE001
            lead = r"^\s*(?:(?:PREFIX|BASE)[^\n]*\n\s*)*"
            words = [w for w in UPDATE_WORDS if re.search(rf"{lead}{w}\b", bare, re.I | re.M)]
            if words:
                raise QueryRefused(f"{words[0]} is an update: the graph is read-only "
                                   "(SELECT, ASK, CONSTRUCT, DESCRIBE only)") from None
            raise QueryRefused(f"not valid SPARQL: {e}") from None
        raise QueryRefused("updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, …) are refused: the graph is "
                           "read-only; use SELECT, ASK, CONSTRUCT or DESCRIBE") from None


def run(g: Graph, query: str, timeout: float = TIMEOUT_S, max_rows: int = MAX_ROWS) -> QueryResult:
    prepared = check(query)
    box: dict = {}

    def work() -> None:
        try:
            # rdflib's own store runs the parsed query; Oxigraph and SPARQL servers run the text natively
            box["result"] = _collect(g.query(prepared if isinstance(g.store, Memory) else query), max_rows)
        except Exception as e:  # noqa: BLE001 - handed to the caller below
            box["error"] = e

    t = threading.Thread(target=work, daemon=True, name="sparql")
    t.start()
    t.join(timeout)
    if t.is_alive():
        raise QueryTimeout(f"the query ran longer than {timeout:g} s and was abandoned; "
                           "narrow it or add LIMIT")
    if "error" in box:
        raise QueryRefused(f"the query failed: {box['error']}")
    return box["result"]


def _collect(res, max_rows: int) -> QueryResult:
    if res.type == "ASK":
        return QueryResult("ask", [], [], boolean=bool(res.askAnswer))
    if res.type in ("CONSTRUCT", "DESCRIBE"):
        g = res.graph
        return QueryResult("graph", [], [], turtle=g.serialize(format="turtle"))
    names = [str(v) for v in res.vars]
    rows = []
    truncated = False
    for i, row in enumerate(res):
        if i >= max_rows:
            truncated = True
            break
        rows.append({n: ("" if row[n] is None else str(row[n])) for n in names})
    return QueryResult("select", names, rows, truncated=truncated)

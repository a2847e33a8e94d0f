"""User SPARQL, checked on its parsed algebra and run in a separate process that is killed at the limit.

Why a process: rdflib cannot be interrupted, and a catastrophic regex holds the GIL, so a watchdog
thread in the app never fires and an abandoned query keeps burning CPU. A child process can be killed
outright (SIGKILL) at the time limit, and ``RLIMIT_AS`` caps what one query may allocate.

Why the algebra: a text filter is fooled by ``\\u0053ERVICE`` (rdflib expands escapes after the
filter) and by comments holding quotes. And the text checked is the text run: rdflib checks, but Oxigraph
(``oxigraph:`` and ``sparql:`` stores) runs the query, and the two read some spellings differently (a
carriage return ends a ``#`` comment for Oxigraph only; ``\\u0022`` ends a string for rdflib only), so
the query is first made into one text both read alike (``normalise``) and that text is checked and sent.
Here the query is parsed and translated by rdflib, and the
tree itself is walked: only SELECT, ASK, CONSTRUCT and DESCRIBE forms pass, with no SERVICE anywhere
(sub-selects, EXISTS, OPTIONAL, UNION, MINUS, GRAPH) and no FROM / FROM NAMED (rdflib would fetch
them). Updates and LOAD are not queries at all: they never parse, and the refusal names them.

The worker (``python -m graph.sandbox``) loads the graph once and stays warm between queries:
memory builds are parsed from ``graph.ttl`` in the worker, Oxigraph stores are opened read-only
there, and SPARQL servers receive only the checked query text. The check runs in the worker too,
so even a query that is slow to parse is under the hard kill.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import resource
import select
import subprocess
import sys
import tempfile
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path

from graph import settings

TIMEOUT_S = 10.0
MAX_ROWS = 10_000
MAX_QUERY_CHARS = 100_000
MAX_WORKERS = 2  # queries from several sessions at once; more wait their turn
READ_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}
UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
EMPTY = "Type a SPARQL query first: the query is empty"
READ_ONLY = "the graph is read-only: only SELECT, ASK, CONSTRUCT and DESCRIBE queries run"


class QueryRefused(ValueError):
    """Not a read-only local query, not valid SPARQL, or over the memory cap; the message says which."""


class QueryTimeout(TimeoutError):
    """The query did not answer within the limit; its process was killed."""


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


# ---------------------------------------------------------------------------------------------- check


def _names(node, depth: int = 0):
    """Every algebra/parse node name in the tree, expressions (EXISTS, NOT EXISTS) included."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if depth > 400:
        raise QueryRefused("the query is nested too deeply to check")
    if isinstance(node, CompValue):
        yield node.name
        for v in node.values():
            yield from _names(v, depth + 1)
    elif isinstance(node, list | tuple | set):
        for v in node:
            yield from _names(v, depth + 1)
    elif isinstance(node, dict):
        for v in node.values():
            yield from _names(v, depth + 1)


def _bare(query: str) -> str:
    """The query with escapes expanded and comments, strings and IRIs removed: for naming an update."""
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes

    q = expandUnicodeEscapes(query)
    q = re.sub(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|<[^<>\s]*>|#[^\n]*',
               " ", q)
    return q


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")  # SPARQL 1.1, section 19.2
_RDFLIB_ESCAPE = re.compile(r"\\u[0-9a-f]{4}", re.I)  # what rdflib would expand (again) before parsing
_SERVICE = re.compile(r"(?<![?$\w:.])SERVICE\b", re.I)


def normalise(query: str) -> str:
    """The query as one text every SPARQL reader parses alike: escapes expanded once, line ends as LF.

    rdflib expands ``\\uXXXX`` everywhere before parsing, Oxigraph only inside strings and IRIs; rdflib ends a
    comment at LF only, Oxigraph at CR too. After this there is no escape and no CR left to read two ways; an
    escape that spells another escape (``\\u005Cu0022``) would be read twice by rdflib and is refused.
    """
    def expand(m: re.Match) -> str:
        cp = int(m.group(1) or m.group(2), 16)
        if cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF or cp == 0:
            raise QueryRefused(f"not valid SPARQL: {m.group(0)} is not a character")
        return chr(cp)

    text = _ESCAPE.sub(expand, query)
    if m := _RDFLIB_ESCAPE.search(text):
        raise QueryRefused(f"an escape that spells another escape ({m.group(0)} after expanding) is refused: "
                           "it would be read differently by the checker and the store")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _nodes(node, depth: int = 0):
    """Every CompValue in the algebra (patterns and expressions alike)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if depth > 400:
        raise QueryRefused("the query is nested too deeply to check")
    if isinstance(node, CompValue):
        yield node
        for v in node.values():
            yield from _nodes(v, depth + 1)
    elif isinstance(node, list | tuple | set):
        for v in node:
            yield from _nodes(v, depth + 1)
    elif isinstance(node, dict):
        for v in node.values():
            yield from _nodes(v, depth + 1)


def _visible(node) -> set:
    """The variables a pattern binds for what joins it: a sub-select shows only what it projects."""
    if node.name == "ToMultiSet":
        return _visible(node.p)
    if node.name == "Project":
        return set(node.PV)
    return set(node.get("_vars") or ())


def _open(node) -> bool:
    """Whether a pattern matches triples with a variable in them (its rows grow with the graph)."""
    from rdflib.term import Variable

    return any(n.name in ("BGP", "TriplesBlock") and any(isinstance(t, Variable) for tr in n.triples for t in tr)
               for n in _nodes(node))


def _few_rows(node) -> bool:
    """Whether a pattern gives at most a few rows whatever the graph: a sub-select with a LIMIT, or an
    aggregate with no GROUP BY (one row), such as a total attached to every row of the other side."""
    while node.name in ("ToMultiSet", "Project", "Extend", "Distinct", "Reduced", "OrderBy", "Filter"):
        node = node.p
    if node.name == "Slice":
        return node.length is not None and node.length <= MAX_ROWS
    return node.name == "AggregateJoin" and node.p.name == "Group" and node.p.get("expr") is None


def _triples_text(triples) -> str:
    return " . ".join(" ".join(t.n3() for t in tr) for tr in triples[:3]) + (" …" if len(triples) > 3 else "")


def cross_product(algebra) -> str:
    """A description of the first unbounded cross product in the query ('' when there is none).

    Two groups of triple patterns that share no variable multiply: every row of one is paired with every row
    of the other, and a server sorts or counts all of them before anything is answered (5,877² rows on the
    seed corpus; a shared ``oxigraph serve`` grew 200 MB/s on one). Refused before anything is sent."""
    from rdflib.term import Variable

    for n in _nodes(algebra):
        if n.name in ("BGP", "TriplesBlock"):  # a TriplesBlock: EXISTS patterns, translated only when run
            groups: list[tuple[set, list]] = []  # (variables, triples) of each connected group
            for tr in n.triples:
                vs = {t for t in tr if isinstance(t, Variable)}
                if not vs:
                    continue  # a fixed triple matches once or never
                touching = [g for g in groups if g[0] & vs]
                merged = (vs.union(*(g[0] for g in touching)), [tr] + [t for g in touching for t in g[1]])
                groups = [g for g in groups if not any(g is h for h in touching)] + [merged]
            if len(groups) > 1:
                return f"{{ {_triples_text(groups[0][1])} }} and {{ {_triples_text(groups[1][1])} }}"
        elif (n.name in ("Join", "LeftJoin") and _open(n.p1) and _open(n.p2) and not (_visible(n.p1) & _visible(n.p2))
              and not (_few_rows(n.p1) or _few_rows(n.p2))):
            return "two groups of patterns" + (" (one OPTIONAL)" if n.name == "LeftJoin" else "")
    return ""


def check(query: str):
    """The prepared query, or QueryRefused naming what was refused (checked on the parsed algebra)."""
    return checked(query)[0]


def capped(query: str, max_rows: int) -> str:
    """The checked text of a SELECT with ``LIMIT max_rows + 1`` added when it has no LIMIT of its own, so a
    server streams no more rows than are shown (one more tells that the answer was cut)."""
    prepared, text = checked(query)
    top = prepared.algebra
    if top.name != "SelectQuery" or (top.p.name == "Slice" and top.p.length is not None):
        return text
    if re.search(r"(?<![?$\w:])VALUES\b", _bare(text), re.I) and "values" in {n.name for n in _nodes(top)}:
        return text  # a trailing VALUES block must stay last: no LIMIT can follow it
    return checked(f"{text}\nLIMIT {max_rows + 1}")[1]


def _unbalanced(query: str) -> str:
    """What the parser's "Expected SelectQuery, found '?'" leaves out when the fault is a bracket never closed (or
    closed twice): counted outside strings, IRIs and comments."""
    bare = _bare(query)
    for a, b in (("{", "}"), ("(", ")")):
        d = bare.count(a) - bare.count(b)
        if d:
            return f" (the query has {d} “{a}” not closed)" if d > 0 else f" (the query has {-d} more “{b}” than “{a}”)"
    return ""


def checked(query: str):
    """(prepared query, the text to run): the normalised text, checked on rdflib's parsed algebra and, as a
    second opinion, on its words outside strings, IRIs and comments; QueryRefused naming what was refused."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    from graph.ns import PREFIXES

    if len(query) > MAX_QUERY_CHARS:
        raise QueryRefused(f"the query is {len(query):,} characters; the limit is {MAX_QUERY_CHARS:,}")
    query = normalise(query)
    if not re.sub(r"#[^\n]*", "", query).strip():  # nothing but blanks and comments: not an update to refuse
        raise QueryRefused(EMPTY)
    try:
        parsed = parseQuery(query)
    except RecursionError:
        raise QueryRefused("the query is nested too deeply to check") from None
    except Exception as e:  # noqa: BLE001 - pyparsing raises several error types
        words = [w for w in UPDATE_WORDS if re.search(rf"(?<![?$\w:]){w}\b", _bare(query), re.I)]
        try:
            parseUpdate(query)
            is_update = True
        except Exception:  # noqa: BLE001
            is_update = False
        if is_update:
            raise QueryRefused(f"{words[0] if words else 'this'} update is refused: {READ_ONLY}") from None
        if words:
            raise QueryRefused(f"{words[0].upper()} is refused (an update, wherever it appears): {READ_ONLY}") from None
        raise QueryRefused(f"not valid SPARQL: {e}{_unbalanced(query)}") from None
    try:
        prepared = translateQuery(parsed, initNs=PREFIXES)
    except RecursionError:
        raise QueryRefused("the query is nested too deeply to check") from None
    except Exception as e:  # noqa: BLE001 - unknown prefixes and the like
        raise QueryRefused(f"not valid SPARQL: {e}") from None
    form = prepared.algebra.name
    if form not in READ_FORMS:
        raise QueryRefused(f"{form} is refused: {READ_ONLY}")
    if prepared.algebra.get("datasetClause"):
        raise QueryRefused("FROM / FROM NAMED is refused: queries run on the local graph only (no network)")
    names = set(_names(prepared.algebra))
    if "ServiceGraphPattern" in names or _SERVICE.search(_bare(query)):
        raise QueryRefused("SERVICE is refused: queries run on the local graph only (no network)")
    if where := cross_product(prepared.algebra):
        raise QueryRefused(f"a cross product is refused: {where} share no variable, so every row of one would "
                           "be paired with every row of the other; join them by a shared variable")
    return prepared, query


# ---------------------------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Source:
    """Where the worker reads the graph: a store and build (as every CLI names them), or a dumped file."""

    store: str = "memory"  # a --store value
    build: str = ""
    dump: str = ""  # an N-Triples file written from a graph handed in without a store

    def key(self) -> tuple:
        """Changes when a new build goes live, so a warm worker never answers from a stale graph."""
        if self.dump:
            return ("dump", self.dump)
        from graph.stores.factory import open_store

        try:
            stamp = open_store(self.store).stamp(Path(self.build))
        except Exception:  # noqa: BLE001 - the worker reports an unreachable store properly
            stamp = ""
        return (self.store, self.build, stamp)


_DUMPS: dict[int, tuple[weakref.ref, str]] = {}


def source_for(g) -> Source:
    """A Source for a graph handed in directly: a SPARQL server by its URL, anything else dumped once."""
    from graph.stores.sparql import _RemoteStore

    if isinstance(g.store, _RemoteStore):
        return Source(store=f"sparql:{g.store.backend.spec.location}")
    hit = _DUMPS.get(id(g))
    if hit and hit[0]() is g:
        return Source(dump=hit[1])
    from graph import rdfio

    fd, path = tempfile.mkstemp(prefix="ep-sparql-", suffix=".nt")
    os.close(fd)
    rdfio.write(g, Path(path), "nt")
    key = id(g)  # not g itself in the callback: a closure over g would keep it (and its dump) alive for ever
    _DUMPS[key] = (weakref.ref(g, lambda _: _forget(key, path)), path)
    return Source(dump=path)


def _forget(key: int, path: str) -> None:
    """The graph behind a dump is gone: its file and any worker holding it go too."""
    _DUMPS.pop(key, None)
    SANDBOX.drop(("dump", path))
    with contextlib.suppress(OSError):
        os.unlink(path)


@atexit.register
def _clean_up() -> None:
    """At exit: no worker left idle, no dumped graph left in the temporary folder (the graphs may outlive us)."""
    SANDBOX.close()
    for _, path in list(_DUMPS.values()):
        with contextlib.suppress(OSError):
            os.unlink(path)
    _DUMPS.clear()


# ---------------------------------------------------------------------------------------------- parent side


class Worker:
    """One warm child process holding the graph; killed outright at a time limit or on any doubt."""

    def __init__(self, source: Source, memory_mb: int):
        self.source, self.memory_mb = source, memory_mb
        self.key = source.key()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in [str(Path(__file__).resolve().parent.parent),
                                                                       os.environ.get("PYTHONPATH", "")] if p)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "graph.sandbox", json.dumps({**source.__dict__, "memory_mb": memory_mb})],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, start_new_session=True)
        self.pid = self.proc.pid
        self.ready = False

    def _receive(self, timeout: float) -> dict | None:
        """The child's next message, or None when it did not answer within ``timeout``."""
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], max(0.0, timeout))
        if not ready:
            return None
        line = self.proc.stdout.readline()
        if not line:
            code = self.proc.wait()
            return {"status": "died", "code": code}
        return json.loads(line)

    def start(self) -> None:
        load_timeout = settings.get("EP_SPARQL_LOAD_TIMEOUT")
        msg = self._receive(load_timeout)
        if msg is None:
            self.kill()
            raise QueryTimeout(f"the query process did not load the graph within {load_timeout:g} s")
        self._raise(msg)
        self.ready = True

    def query(self, query: str, timeout: float, max_rows: int) -> QueryResult:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write((json.dumps({"query": query, "max_rows": max_rows}) + "\n").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self.kill()
            raise QueryRefused("the query process had stopped; run the query again") from None
        msg = self._receive(timeout)
        if msg is None:
            self.kill()
            raise QueryTimeout(f"the query did not answer within {timeout:g} s and was stopped; "
                               "narrow it or add LIMIT")
        self._raise(msg)
        return QueryResult(**msg["result"])

    def _raise(self, msg: dict) -> None:
        from graph.stores.base import MissingBuild, StoreError

        status = msg.get("status")
        if status in ("ok", "ready"):
            return
        if status == "died":
            self.kill()
            raise QueryRefused(f"the query was stopped (its process ended with code {msg.get('code')}); it "
                               f"probably needed more than the {self.memory_mb} MB memory cap")
        if status == "memory":
            self.kill()  # a process that ran out of memory is not trusted with the next query
            raise QueryRefused(f"the query needed more than the {self.memory_mb} MB memory cap and was stopped")
        error = {"refused": QueryRefused, "missing": MissingBuild, "store": StoreError,
                 "timeout": QueryTimeout}.get(status, QueryRefused)
        if status not in ("refused", "timeout"):
            self.kill()
        raise error(msg.get("message", "the query failed"))

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL and reap: nothing of the query keeps running."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, 9)
            self.proc.kill()
        self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                f and f.close()


class Sandbox:
    """Warm workers per source; a query takes an idle one (or starts one) and gives it back."""

    def __init__(self, memory_mb: int | None = None, max_workers: int = MAX_WORKERS):
        self.memory_mb = memory_mb if memory_mb is not None else settings.get("EP_SPARQL_MEMORY_MB")
        self._idle: dict[tuple, list[Worker]] = {}
        self._lock = threading.Lock()
        self._slots = threading.Semaphore(max_workers)
        self._gone: list[tuple] = []  # sources whose graph is gone (see drop)
        self.last_pid: int | None = None

    def _take(self, source: Source) -> Worker:
        key = source.key()
        with self._lock:  # a new build went live, or another graph was handed in: the old workers are not kept
            self._purge()
            for old_key in [k for k in self._idle if k != key and (k[:2] == key[:2] or k[0] == key[0] == "dump")]:
                for w in self._idle.pop(old_key):
                    w.kill()
            idle = self._idle.get(key, [])
            while idle:
                w = idle.pop()
                if w.alive():
                    return w
        w = Worker(source, self.memory_mb)
        try:
            w.start()
        except BaseException:
            w.kill()
            raise
        return w

    def _give_back(self, w: Worker) -> None:
        with self._lock:
            gone = self._purge()
            idle = self._idle.setdefault(w.key, [])
            if w.alive() and not idle and w.key not in gone:
                idle.append(w)
                return
        w.kill()

    def warm(self, source: Source) -> None:
        """Start a worker in the background so the first query does not wait for the graph to load."""
        def go() -> None:
            with self._slots, contextlib.suppress(Exception):
                self._give_back(self._take(source))

        threading.Thread(target=go, daemon=True, name="sparql-warm").start()

    def run(self, source: Source, query: str, timeout: float = TIMEOUT_S, max_rows: int = MAX_ROWS) -> QueryResult:
        with self._slots:
            w = self._take(source)
            self.last_pid = w.pid
            try:
                result = w.query(query, timeout, max_rows)
            except BaseException:
                if w.alive():
                    self._give_back(w)  # refused by the check: the worker is fine
                raise
            self._give_back(w)
            return result

    def drop(self, key: tuple) -> None:
        """Stop the idle workers of one source (a graph that is gone), now or when the pool is next used: this
        runs from a garbage-collection callback, which may fire while this very thread holds the lock."""
        self._gone.append(key)
        if self._lock.acquire(blocking=False):  # free now (not this thread mid-_take): stop them at once
            try:
                self._purge()
            finally:
                self._lock.release()

    def _purge(self) -> set[tuple]:
        """Under the lock: the idle workers of dropped sources are stopped; returns those sources."""
        gone = set()
        while self._gone:
            gone.add(key := self._gone.pop())
            for w in self._idle.pop(key, []):
                w.kill()
        return gone

    def close(self) -> None:
        with self._lock:
            for ws in self._idle.values():
                for w in ws:
                    w.kill()
            self._idle.clear()


SANDBOX = Sandbox()


# ---------------------------------------------------------------------------------------------- child side


def collect(res, max_rows: int) -> QueryResult:
    if res.type == "ASK":
        return QueryResult("ask", [], [], boolean=bool(res.askAnswer))
    if res.type in ("CONSTRUCT", "DESCRIBE"):
        return QueryResult("graph", [], [], turtle=res.graph.serialize(format="turtle"))
    names = [str(v) for v in res.vars]
    rows, truncated = [], False
    for i, row in enumerate(res):
        if i >= max_rows:
            truncated = True
            break
        rows.append({n: ("" if row[n] is None else str(row[n])) for n in names})
    return QueryResult("select", names, rows, truncated=truncated)


def _no_network() -> None:
    """Belt and braces inside the worker: rdflib may not fetch FROM graphs or SERVICE endpoints."""
    import rdflib.plugins.sparql as rs
    import rdflib.plugins.sparql.evaluate as ev

    def refuse(*_a, **_k):
        raise PermissionError("network access from a user query is refused")

    rs.SPARQL_LOAD_GRAPHS = False
    ev.urlopen = refuse


def _vm_bytes() -> int:
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _load(source: dict):
    from graph import rdfio

    if source.get("dump"):
        return rdfio.read(Path(source["dump"]), "nt")
    from graph.stores.factory import open_store

    return open_store(source["store"]).graph(Path(source["build"] or "."))


def serve(config: dict) -> None:
    """The worker loop: load the graph, cap memory, then answer one JSON line per query line."""
    from rdflib.plugins.stores.memory import Memory

    from graph.stores.base import MissingBuild, StoreError
    from graph.stores.http import ServerTimeout

    out = sys.stdout
    sys.stdout = sys.stderr  # nothing but protocol lines on the pipe

    def send(msg: dict) -> None:
        out.write(json.dumps(msg, ensure_ascii=False) + "\n")
        out.flush()

    _no_network()
    try:
        g = _load(config)
        if isinstance(g.store, Memory):
            len(g)  # touch it: the graph is fully in memory before the cap applies
    except MissingBuild as e:
        send({"status": "missing", "message": str(e)})
        return
    except StoreError as e:
        send({"status": "store", "message": str(e)})
        return
    except Exception as e:  # noqa: BLE001 - reported to the parent, which raises it
        send({"status": "store", "message": f"cannot open the graph: {e}"})
        return
    cap = _vm_bytes() + int(config.get("memory_mb") or settings.get("EP_SPARQL_MEMORY_MB")) * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    send({"status": "ready", "pid": os.getpid()})
    for line in sys.stdin:
        try:
            req = json.loads(line)
            if isinstance(g.store, Memory):
                res = g.query(check(req["query"]))
            else:  # the store runs the very text that was checked, capped at the rows that will be shown
                res = g.query(capped(req["query"], int(req.get("max_rows", MAX_ROWS))))
            send({"status": "ok", "result": collect(res, int(req.get("max_rows", MAX_ROWS))).to_json()})
        except QueryRefused as e:
            send({"status": "refused", "message": str(e)})
        except MemoryError:
            send({"status": "memory"})
            return
        except ServerTimeout as e:  # the server's own limit (oxigraph serve --timeout-s) came first
            send({"status": "timeout", "message": f"{e}; narrow the query or add LIMIT"})
        except StoreError as e:
            send({"status": "store", "message": str(e)})
        except Exception as e:  # noqa: BLE001 - any evaluation error is the query's
            send({"status": "refused", "message": f"the query failed: {e}"})


def run(source: Source, query: str, timeout: float = TIMEOUT_S, max_rows: int = MAX_ROWS) -> QueryResult:
    """Check and run ``query`` against ``source`` in the shared sandbox."""
    return SANDBOX.run(source, query, timeout, max_rows)


if __name__ == "__main__":
    serve(json.loads(sys.argv[1]))

"""A hostile or careless user, for real: SPARQL that tries the network, updates and runaway queries,
and documents whose titles and texts are Markdown and HTML (issue 16).

Every network case has a real HTTP listener on 127.0.0.1 that records what it receives; a refusal
is only a pass when the listener received nothing.
"""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from graph import sparql
from graph.sandbox import SANDBOX, Sandbox, Source

ROOT = Path(__file__).resolve().parent.parent
EP = "PREFIX ep: <https://w3id.org/empowering-places/ontology#> "
BOMB = 'SELECT ?x WHERE { BIND(REGEX("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "^(a+)+$") AS ?x) }'
# four patterns joined on one object: connected (no cross product), and 317⁴ rows through one document alone
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?x . ?c ?d ?x . ?e ?f ?x . ?g ?h ?x }"


class Listener:
    """An HTTP server on a free loopback port that answers anything and remembers every request."""

    def __init__(self):
        self.requests: list[str] = []
        seen = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self):
                seen.append(f"{self.command} {self.path}")
                body = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"leak"}}]}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_HEAD = _answer

            def log_message(self, *_):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def listener():
    lst = Listener()
    yield lst
    lst.close()


def service_variants(url: str) -> dict[str, str]:
    pattern = f"<{url}/sparql> {{ ?s ?p ?o }}"
    return {
        "plain": f"SELECT * WHERE {{ SERVICE {pattern} }}",
        "lower case, SILENT": f"select * where {{ service silent {pattern} }}",
        "unicode escape": f"SELECT * WHERE {{ \\u0053ERVICE {pattern} }}",
        "escape in lower case": f"SELECT * WHERE {{ \\u0073ervice {pattern} }}",
        "after a comment with an apostrophe": f"SELECT * WHERE {{ # it's\n SERVICE {pattern} # that's all\n }}",
        "after a string with a quote": f"SELECT * WHERE {{ BIND(\"it's \\\"x\" AS ?q) SERVICE {pattern} }}",
        "in a sub-select": f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE {pattern} }} }} }}",
        "in EXISTS": f"SELECT * WHERE {{ ?a ?b ?c FILTER EXISTS {{ SERVICE {pattern} }} }} LIMIT 1",
        "in NOT EXISTS": f"ASK {{ FILTER NOT EXISTS {{ SERVICE {pattern} }} }}",
        "in OPTIONAL": f"SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE {pattern} }} }} LIMIT 1",
        "in UNION": f"SELECT * WHERE {{ {{ ?a ?b ?c }} UNION {{ SERVICE {pattern} }} }} LIMIT 1",
        "in MINUS": f"SELECT * WHERE {{ ?a ?b ?c MINUS {{ SERVICE {pattern} }} }} LIMIT 1",
        "in GRAPH": f"SELECT * WHERE {{ GRAPH ?g {{ SERVICE {pattern} }} }}",
        "in CONSTRUCT": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE {pattern} }}",
        "in DESCRIBE": f"DESCRIBE ?s WHERE {{ SERVICE {pattern} }}",
        "variable endpoint": f"SELECT * WHERE {{ BIND(<{url}/v> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    }


def update_variants(url: str) -> dict[str, tuple[str, str]]:
    """name -> (query, the word the refusal must name)."""
    return {
        "LOAD": (f"LOAD <{url}/data.ttl>", "LOAD"),
        "LOAD in a sub-select": (f"SELECT * WHERE {{ {{ SELECT * WHERE {{ LOAD <{url}/x> }} }} }}", "LOAD"),
        "LOAD in EXISTS": (f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ LOAD <{url}/x> }} }}", "LOAD"),
        "INSERT DATA in NOT EXISTS": ("ASK { FILTER NOT EXISTS { INSERT DATA { <urn:a> <urn:b> <urn:c> } } }",
                                      "INSERT"),
        "DELETE WHERE": ("DELETE WHERE { ?s ?p ?o }", "DELETE"),
        "escaped INSERT": ("\\u0049NSERT DATA { <urn:a> <urn:b> <urn:c> }", "INSERT"),
        "CLEAR after a comment": ("# it's only a query\nCLEAR ALL", "CLEAR"),
        "DROP after SELECT": ("SELECT * WHERE { ?s ?p ?o } ; DROP ALL", "DROP"),
        "FROM a remote graph": (f"SELECT * FROM <{url}/g.ttl> WHERE {{ ?s ?p ?o }}", "FROM"),
        "FROM NAMED": (f"SELECT * FROM NAMED <{url}/g.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", "FROM"),
    }


def test_the_listener_is_reached_by_an_unchecked_query(listener):
    """The threat is real: rdflib itself follows the escaped SERVICE to the listener."""
    from rdflib import Graph

    list(Graph().query(service_variants(listener.url)["unicode escape"]))
    assert listener.requests, "rdflib did not follow SERVICE: the variants below would prove nothing"


@pytest.mark.parametrize("variant", list(service_variants("http://x")))
def test_service_is_refused_anywhere_and_nothing_is_sent(stored, listener, variant):
    q = service_variants(listener.url)[variant]
    with pytest.raises(sparql.QueryRefused, match="SERVICE is refused"):
        sparql.run(None, q, timeout=10, store=stored.store, build=stored.build)
    assert listener.requests == []


@pytest.mark.parametrize("variant", list(update_variants("http://x")))
def test_updates_load_and_from_are_refused_by_name(stored, listener, variant):
    q, word = update_variants(listener.url)[variant]
    with pytest.raises(sparql.QueryRefused, match=rf"^{word}\b.* refused") as e:
        sparql.run(None, q, timeout=10, store=stored.store, build=stored.build)
    assert "read-only" in str(e.value) or "local graph only" in str(e.value)
    assert listener.requests == []


def test_a_read_only_query_still_answers_whole(stored):
    from rdflib import RDF

    from graph.ns import EP as EP_NS
    from graph.store import open_graph

    links = len(set(open_graph(stored.build, stored.store).subjects(RDF.type, EP_NS.CausalLink)))
    res = sparql.run(None, EP + "SELECT (COUNT(?l) AS ?n) WHERE { ?l a ep:CausalLink }", store=stored.store,
                     build=stored.build)
    assert res.kind == "select" and res.rows == [{"n": str(links)}] and links > 60


def test_the_cli_refuses_escaped_service_and_sends_nothing(build_dir, listener):
    q = service_variants(listener.url)["unicode escape"]
    p = subprocess.run([sys.executable, "-m", "graph", "sparql", q, "--build", str(build_dir)],
                       capture_output=True, text=True, cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert p.returncode == 2, p.stderr
    assert "SERVICE is refused" in p.stderr and p.stdout == ""
    assert listener.requests == []


def _gone(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists()


def test_the_regex_bomb_is_killed_at_the_limit(stored):
    """rdflib backtracks for minutes holding the GIL; the worker is killed at 2 s and a new one answers."""
    q = BOMB if stored.backend == "memory" else SLOW  # Oxigraph's regex is linear: a runaway join instead
    t0 = time.monotonic()
    with pytest.raises(sparql.QueryTimeout, match=r"did not answer within 2 s"):
        sparql.run(None, q, timeout=2, store=stored.store, build=stored.build)
    elapsed = time.monotonic() - t0
    killed = SANDBOX.last_pid
    assert elapsed < 2 + 5, f"the query held the caller {elapsed:.1f} s past a 2 s limit"
    assert killed and _gone(killed), "the worker that ran the runaway query is still alive"
    res = sparql.run(None, "ASK { ?s ?p ?o }", timeout=10, store=stored.store, build=stored.build)
    assert res.boolean is True and SANDBOX.last_pid != killed


def test_the_cli_times_out_with_exit_5(build_dir):
    p = subprocess.run([sys.executable, "-m", "graph", "sparql", BOMB, "--timeout", "2", "--build", str(build_dir)],
                       capture_output=True, text=True, cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1"},
                       timeout=60)
    assert p.returncode == 5 and "did not answer within 2 s" in p.stderr, (p.returncode, p.stderr)


STREAM = "SELECT * WHERE { ?a ?b ?x . ?c ?d ?x . ?e ?f ?x } LIMIT 100000000"  # millions of rows, streamed


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory):
    """`oxigraph serve --timeout-s 1` holding the seed corpus: a server that bounds queries itself."""
    from bench.servers import OxigraphServer
    from ingest.build import build

    srv = OxigraphServer(tmp_path_factory.mktemp("limited-server"), timeout_s=1).start()
    out = tmp_path_factory.mktemp("limited-build") / "build"
    store = f"sparql:{srv.url}"
    build([ROOT / "corpus"], out=out, store=store)
    yield store, out
    srv.stop()


def test_a_server_time_limit_is_a_timeout_not_a_cut_answer(limited_server):
    """At its --timeout-s Oxigraph stops streaming and appends "The SPARQL operation has been cancelled" to
    the JSON it had sent (HTTP 200): read as results that was a parse error, or worse. It is a timeout, the
    worker is kept (the server stopped, not the worker), and the next query answers."""
    store, out = limited_server
    with pytest.raises(sparql.QueryTimeout, match="stopped the query at its own time limit"):
        sparql.run(None, STREAM, timeout=300, store=store, build=out)
    pid = SANDBOX.last_pid
    assert sparql.run(None, "ASK { ?s ?p ?o }", timeout=30, store=store, build=out).boolean is True
    assert SANDBOX.last_pid == pid


def test_the_cli_exits_5_when_the_server_stops_the_query(limited_server):
    store, out = limited_server
    p = subprocess.run([sys.executable, "-m", "graph", "sparql", STREAM, "--timeout", "300", "--store", store,
                        "--build", str(out)], capture_output=True, text=True, cwd=ROOT,
                       env={**os.environ, "HF_HUB_OFFLINE": "1"}, timeout=300)
    assert p.returncode == 5 and "stopped the query at its own time limit" in p.stderr, (p.returncode, p.stderr)
    assert p.stdout == ""


def test_a_memory_hog_is_stopped_by_the_cap(stored):
    """32 characters doubled 24 times: a 512 MB string, refused under a 128 MB cap; the next query runs."""
    if stored.backend == "sparql":
        pytest.skip("a SPARQL server evaluates the query itself, under its own limits")
    binds = " ".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(24))
    hog = f'SELECT (STRLEN(?s24) AS ?n) WHERE {{ BIND("0123456789abcdef0123456789abcdef" AS ?s0) {binds} }}'
    box = Sandbox(memory_mb=128)
    source = Source(stored.store, str(stored.build))
    try:
        with pytest.raises(sparql.QueryRefused, match="128 MB memory cap"):
            box.run(source, hog, timeout=60)
        assert _gone(box.last_pid)
        assert box.run(source, "ASK { ?s ?p ?o }", timeout=10).boolean is True
    finally:
        box.close()


# ---------------------------------------------------------------------------------------------- the browser


def write_hostile_corpus(folder: Path, url: str) -> list[str]:
    """The seed corpus plus a logic-model page and a case study whose titles, headings, element names
    and texts are Markdown images and links, HTML tags and scripts, all pointing at ``url``; returns
    the payloads that must show as text."""
    import shutil

    shutil.copytree(ROOT / "corpus", folder, ignore=shutil.ignore_patterns("profiles"))

    def img(n: str) -> str:
        return f"![b]({url}/beacon-{n}.png)"

    def link(n: str) -> str:
        return f"[Official source]({url}/link-{n})"

    def html(n: str) -> str:
        return f'<img src="{url}/html-{n}.png"> <b>bold</b> <script>fetch("{url}/script-{n}")</script>'

    (folder / "hostile-model.txt").write_text(f"""Inputs

The inputs described here are what a hostile place brings, {link('intro')} and {html('intro')}.

Beacon input {img('input-label')}

Making use of beacons in the town {link('input-text')} {html('input-text')} and {url}/autolink so that local
actors build reach and trust in their communities, as www.example.org says (write to beacon@example.org).

Assertions/Assumptions

Beacon assumption {img('assumption')} holds when local actors share outcomes and resources {link('assumption')}

Foundation (Local conditions)

Beacon foundation {img('foundation')} of support for social purpose businesses {link('foundation')} rooted here
""", encoding="utf-8")
    (folder / "hostile-case.md").write_text(f"""---
title: "Case {img('case-title')} {link('case-title')}"
kind: case-study
publisher: "{link('publisher')}"
---
# Beacon Trust {img('case-heading')}

Beacon Trust {link('case-text')} in Wigan runs a referral network for local entrepreneurs {html('case-text')}.
It returned £2.10 for the local economy for every £1 invested.
""", encoding="utf-8")
    title = f"{img('doc-title')} {link('doc-title')} <b>Model</b>"
    with open(folder / "corpus.yaml", "a", encoding="utf-8") as fh:
        fh.write(f'  hostile-model.txt:\n    title: "{title}"\n    publisher: "{img("publisher")}"\n    kind: model\n')
    return [title, f"Case {img('case-title')} {link('case-title')}"]


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory, build_dir):
    """A listener, a hostile corpus built (memory store, index warm) and a real Streamlit server on it."""
    import shutil

    from bench.browser import unavailable
    from bench.servers import streamlit

    if why := unavailable():
        pytest.skip(f"{why}; browser test skipped")
    from ingest.build import build
    from search.engine import SearchEngine

    lst = Listener()
    tmp = tmp_path_factory.mktemp("hostile")
    payloads = write_hostile_corpus(tmp / "corpus", lst.url)
    out = tmp / "build"
    build([tmp / "corpus"], out=out)
    if (build_dir / "index").exists():
        shutil.copytree(build_dir / "index", out / "index")  # vectors cached by text: only new nodes embedded
    SearchEngine.load(out)
    env = {**os.environ, "EP_BUILD": str(out), "EP_STORE": "memory", "HF_HUB_OFFLINE": "1",
           "EP_CORPUS": str(tmp / "corpus")}
    try:
        with streamlit(["streamlit", "run", str(ROOT / "app.py")], env, ROOT, tmp / "streamlit.log") as app:
            yield app, lst, out, payloads
    finally:
        lst.close()


@pytest.mark.browser
def test_hostile_documents_render_as_text_on_every_page(hostile_app):
    from bench import browser
    from bench.browser import settle
    from graph.store import KnowledgeGraph
    from tests.test_browser import ARTIFACTS

    app, lst, build, payloads = hostile_app
    kg = KnowledgeGraph.load(build)
    hostile = sorted(n.id for n in kg.nodes.values()
                     if lst.url in n.text or "Beacon" in n.label or any(lst.url in s.document for s in n.sources))
    assert len(hostile) >= 6, hostile
    left: list[str] = []  # every request the browser made anywhere but the app itself
    rendered: list[str] = []  # every img/a from document text, by page
    urls = [f"?page=ask&q={'beacon trust referral network'.replace(' ', '+')}", "?page=cases",
            "?page=pathways&from=process/create-a-referral-network",
            "?page=assumptions&node=assumption/input-beacon-assumption-b", "?page=data"]
    urls += [f"?page=node&node={i}" for i in hostile]
    from graph.analysis.pathways import Pathways

    gm = Pathways.load(build).evidence_map()  # the evidence map, and a cell a hostile case study fills
    filled = next(c for c in gm.cells if any(i in hostile for i, _ in c.cases))  # its title and quotes open
    urls += ["?page=gapmap", f"?page=gapmap&row={filled.row}&col={filled.column}"]

    def loaded(pg) -> None:
        """The whole script ran: the footer every page ends with is there, and nothing is running."""
        settle(pg)
        pg.wait_for_selector("text=/Answered in \\d+ ms/", timeout=90_000)
        settle(pg)

    def check(pg, where: str) -> None:
        bad = pg.eval_on_selector_all(
            "img, a, script, iframe, object, embed, source, link",
            """(els, [port, app]) => els.filter(e => [e.getAttribute('src'), e.getAttribute('href')]
                 .some(v => v && (v.includes(':' + port) || v.includes('example.org')
                                  || (/^(https?:|mailto:|\\/\\/)/i.test(v) && !v.startsWith(app)))))
                 .map(e => e.outerHTML.slice(0, 160))""",
            [str(lst.port), app])
        rendered.extend(f"{where}: {b}" for b in bad)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with browser.page(1400, 1100, 90_000) as pg:
        pg.on("request", lambda r: None if r.url.startswith((app, "data:", "blob:", "about:")) else left.append(r.url))
        for u in urls:
            pg.goto(f"{app}/{u}", wait_until="domcontentloaded")
            loaded(pg)
            assert pg.locator("[data-testid='stException']").count() == 0, u
            for ex in pg.locator("[data-testid='stExpander'] summary").all():  # sources, filters, evidence
                ex.click()
            settle(pg)
            check(pg, u)
        titled = next(n.id for n in kg.nodes.values() if n.sources and n.sources[0].document == payloads[0])
        pg.goto(f"{app}/?page=node&node={titled}", wait_until="domcontentloaded")
        loaded(pg)
        # its source expander is titled by the hostile document title (its URLs code spans: shown, never links)
        body = pg.inner_text("[data-testid='stMain']")
        pg.screenshot(path=str(ARTIFACTS / "hostile-node.png"), full_page=True)
        assert any(t in body for t in payloads), "the hostile titles are shown, as the characters they are"

        pg.goto(f"{app}/?page=place", wait_until="domcontentloaded")
        loaded(pg)
        pg.get_by_role("button", name="Start from the fictional example").click()
        settle(pg)
        for ex in pg.locator("[data-testid='stExpander'] summary").all():
            ex.click()
        settle(pg)
        for box in pg.locator("[data-testid='stSelectbox']").filter(has_text="Beacon").all():
            box.locator("[data-testid='stTooltipIcon'], [data-testid='stTooltipHoverTarget']").first.hover()
            pg.wait_for_timeout(500)
            check(pg, "place tooltip")
        check(pg, "place")
        pg.screenshot(path=str(ARTIFACTS / "hostile-place.png"), full_page=True)

        pg.goto(f"{app}/?page=data", wait_until="domcontentloaded")
        loaded(pg)
        for tab in ("SPARQL", "Corpus status", "Add a document", "Download"):
            pg.get_by_role("tab", name=tab).click()
            settle(pg)
            if tab == "SPARQL":
                area = pg.locator("textarea").first
                area.fill(f"SELECT ?t WHERE {{ ?d <http://purl.org/dc/terms/title> ?t }} {payloads[0]}")
                pg.get_by_role("button", name="Run query").click()
                settle(pg)
                check(pg, "data: SPARQL error")
                area.fill("SELECT ?t WHERE { ?d <http://purl.org/dc/terms/title> ?t }")
                pg.get_by_role("button", name="Run query").click()
                settle(pg)
            check(pg, f"data: {tab}")
        pg.wait_for_timeout(1500)  # anything lazy has had its chance to fetch
    assert rendered == [], "\n".join(rendered)
    assert left == [] and lst.requests == [], (left, lst.requests)


def test_a_query_with_a_bracket_left_open_says_so():
    """The parser's own words ("Expected SelectQuery, found '?'") point away from a missing "}" (a walk)."""
    from graph import sandbox

    with pytest.raises(sandbox.QueryRefused, match="the query has 1 “{” not closed"):
        sandbox.checked("SELECT ?x WHERE { ?x ?y ")
    with pytest.raises(sandbox.QueryRefused, match="1 more “}” than “{”"):
        sandbox.checked("SELECT ?x WHERE { ?x ?y ?z }}")
    with pytest.raises(sandbox.QueryRefused) as e:  # a brace inside a string is not counted
        sandbox.checked('SELECT ?x WHERE { ?x ?y "{" ')
    assert "1 “{” not closed" in str(e.value)

"""Scale benchmark of the store backends: ingest, size on disk, cold start, SPARQL, paths, search, memory.

    python -m bench.scale --sizes 1000 10000 --backends memory oxigraph sparql
    python -m bench.scale --sizes 100000 --replicate-from 10000 --keep     # store-side, see below

For each size a synthetic corpus in the seed documents' shapes is generated (bench.synth), then for each
backend, each phase runs in a fresh process so its time and peak memory are its own:

- ingest: the real pipeline (read, extract, merge, RDF, link inference, publish to the store);
- index: the search index (HNSW forced, so its latency is what is measured at every size);
- serve: the app's data layer from cold (store → records → networkx view → index → BM25), then
  SPARQL, path and search queries, p50/p99.

The embedding model is the one thing not measured here: links and index use ``HashEmbedder``
(deterministic hashed bag of words, 384-d) so the figures are the store's, not MiniLM's on 2 cores. The
real model's throughput is measured once (``model`` in the results) to project its cost.

``--replicate-from N`` measures bigger sizes store-side only: the N-document graph's instance IRIs are
renamed per copy and the copies bulk-loaded through each backend's atomic publish, then the store's own
queries are timed. The pipeline and the app keep a whole build in memory, so that is as far as they go.
Results are appended as they come to bench/results/scale.json (a partial run keeps what it measured)
and summarised in scale.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from graph.ns import ID
from graph.settings import ROOT
from ingest.build import remove_build

RESULTS = ROOT / "bench" / "results"
WORK = ROOT / "bench" / "out" / "scale"
BACKENDS = ("memory", "oxigraph", "sparql")
DIM = 384

SPARQL_QUERIES = {
    "count by type": "SELECT ?t (COUNT(?s) AS ?n) WHERE { ?s a ?t } GROUP BY ?t",
    "case studies in a place": """SELECT ?case ?org WHERE { ?case a ep:CaseStudy ; ep:involves ?org .
        ?org ep:locatedIn ?place . ?place skos:prefLabel ?name . FILTER(CONTAINS(?name, "Wigan")) } LIMIT 50""",
    "links out of an element": """SELECT ?to ?basis ?w WHERE { ?l a ep:CausalLink ; ep:linkFrom ?from ;
        ep:linkTo ?to ; ep:basis ?basis ; ep:weight ?w . ?from skos:prefLabel "Create a referral network" }""",
    "evidence with its quote": """SELECT ?case ?fig ?quote WHERE { ?case ep:hasEvidence ?ev . ?ev ep:figure ?fig ;
        ep:hasSource ?sp . ?sp oa:hasSelector ?sel . ?sel oa:exact ?quote } LIMIT 100""",
}
SEARCH_QUERIES = ["how do I build a referral network", "money kept in the local economy", "community anchor",
                  "jobs created by social enterprise", "coaching for support staff", "funding for capacity",
                  "what must hold for good business", "co-operative development in Wigan",
                  "return on investment per pound", "peer support networks"]


_WORD = re.compile(r"\w+")


class HashEmbedder:
    """Deterministic 384-d vectors from hashed words: the same text, the same vector, at no model cost."""

    id = "bench-hash-384"
    dim = DIM

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype="float32")
        for i, t in enumerate(texts):
            for w in _WORD.findall(t.lower()):
                h = zlib.crc32(w.encode())  # deterministic across processes, unlike hash()
                out[i, h % DIM] += 1.0 if (h >> 16) & 1 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


def use_hash_embedder() -> None:
    import graph.text.encoder

    emb = HashEmbedder()
    graph.text.encoder.get_encoder = lambda path=None, name=None: emb  # links and index fetch the model here


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(xs: list[float]) -> dict:
    xs = sorted(xs)
    return {"p50_ms": round(statistics.median(xs) * 1000, 2),
            "p99_ms": round(xs[min(len(xs) - 1, int(len(xs) * 0.99))] * 1000, 2), "n": len(xs)}


def dir_bytes(p: Path) -> int:
    if p.is_file():
        return p.stat().st_size
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file()) if p.exists() else 0


# ------------------------------------------------------------------ phases (each in its own process)

def phase_ingest(corpus: Path, build: Path, store: str) -> dict:
    use_hash_embedder()
    from ingest.build import build as run_build

    t0 = time.perf_counter()
    res = run_build([corpus], out=build, store=store, force=True)
    m = res.manifest
    return {"seconds": round(time.perf_counter() - t0, 2), "triples": m["triples"], "timings": m["timings"],
            "nodes": sum(v for k, v in m["nodes"].items() if k not in ("SourceSpan", "Section", "Document")),
            "documents": len(m["documents"]), "warnings": sum(len(v) for v in m["warnings"].values()),
            "peak_mb": round(peak_mb())}


def phase_index(build: Path, store: str, force: bool = True) -> dict:
    use_hash_embedder()
    from graph.store import KnowledgeGraph
    from search.index import ensure_index

    kg = KnowledgeGraph.load(build, store)
    t0 = time.perf_counter()
    vi, rep = ensure_index(build, kg, embed=HashEmbedder().encode, model=HashEmbedder.id, hnsw_above=0, force=force)
    return {"seconds": round(time.perf_counter() - t0, 2), "nodes": int(len(vi.node_ids)),
            "vectors": int(len(vi.row_ids)), "kind": rep.kind, "status": rep.status, "peak_mb": round(peak_mb())}


def phase_serve(build: Path, store: str, reps: int) -> dict:
    """The app's data layer from cold, then the queries a user's clicks make."""
    use_hash_embedder()
    from graph import sparql
    from graph.analysis.pathways import Pathways
    from graph.store import KnowledgeGraph
    from search.engine import SearchEngine
    from search.index import ensure_index

    t = {}
    t0 = time.perf_counter()
    kg = KnowledgeGraph.load(build, store)
    t["records_s"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    pw = Pathways(kg.g, build, kg=kg)
    t["view_s"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    vi, rep = ensure_index(build, kg, embed=HashEmbedder().encode, model=HashEmbedder.id, hnsw_above=0)
    assert rep.status == "up-to-date", rep.reason
    engine = SearchEngine(kg, vi, build, rep, HashEmbedder().encode)
    t["index_s"] = time.perf_counter() - t1
    t["total_s"] = time.perf_counter() - t0
    cold = {k: round(v, 2) for k, v in t.items()}
    mem_after_load = round(peak_mb())

    rng = random.Random(0)
    out: dict = {"cold_start": cold, "nodes": len(kg.nodes), "links": len(kg.links), "edges": pw.view.number_of_edges()}
    times = []
    for _ in range(reps):
        for q in SPARQL_QUERIES.values():
            t0 = time.perf_counter()
            sparql.run(kg.g, q, timeout=120)
            times.append(time.perf_counter() - t0)
    out["sparql"] = pct(times)
    out["sparql_by_query"] = {}
    for name, q in SPARQL_QUERIES.items():
        ts = []
        for _ in range(max(3, reps // 2)):
            t0 = time.perf_counter()
            sparql.run(kg.g, q, timeout=120)
            ts.append(time.perf_counter() - t0)
        out["sparql_by_query"][name] = pct(ts)

    causes = [n for n in pw.view.nodes if pw.view.nodes[n].get("type") in ("Condition", "Input", "Process")]
    effects = [n for n in pw.view.nodes if pw.view.nodes[n].get("type") in ("Outcome", "Impact")]
    between, forward = [], []
    for _ in range(reps * 2):
        a, b = rng.choice(causes), rng.choice(effects)
        t0 = time.perf_counter()
        pw.paths(a, b, k=5)
        between.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        pw.forward(a, max_paths=50)
        forward.append(time.perf_counter() - t0)
    out["paths_k5"], out["paths_forward"] = pct(between), pct(forward)

    search = []
    for i in range(reps * 4):
        t0 = time.perf_counter()
        engine.search(SEARCH_QUERIES[i % len(SEARCH_QUERIES)] + f" {i}", k=10)
        search.append(time.perf_counter() - t0)
    out["search"] = pct(search)
    out["peak_mb"] = round(peak_mb())
    out["peak_mb_after_load"] = mem_after_load
    return out


def replicated_ntriples(src: Path, copies: int) -> tuple[int, Iterator[bytes]]:
    """The source Oxigraph store's graph ``copies`` times over as N-Triples, each copy's instance IRIs
    suffixed: the copies share only the ontology's own triples (counted once in the total returned)."""
    import pyoxigraph as ox

    cur = json.loads((src / "CURRENT").read_text())
    data = ox.Store.read_only(str(src / cur["version"])).dump(format=ox.RdfFormat.N_TRIPLES,
                                                              from_graph=ox.DefaultGraph())
    prefix = b"<" + str(ID).encode()
    shared = sum(1 for line in data.split(b"\n") if line and prefix not in line)

    def gen() -> Iterator[bytes]:
        for i in range(copies):
            yield data.replace(prefix, prefix + f"copy{i}/".encode())

    return (cur["triples"] - shared) * copies + shared, gen()


def slices(data: bytes, size: int = 1 << 28) -> Iterator[bytes]:
    """Line-aligned slices of an N-Triples text, so no request body is a whole copy."""
    start = 0
    while start < len(data):
        end = data.find(b"\n", min(start + size, len(data) - 1)) + 1 or len(data)
        yield data[start:end]
        start = end


def phase_replicate(src: Path, copies: int, store: str, server_url: str = "") -> dict:
    """Store-side scale: publish ``copies`` renamed copies of a built store through the backend's atomic path."""
    import pyoxigraph as ox

    from graph.stores.factory import open_store

    backend = open_store(store)
    manifest = dict(json.loads((src / "CURRENT").read_text())["manifest"])
    manifest["fingerprint"] = f"replica{copies}x-{manifest.get('fingerprint', '')}"[:64]
    manifest["replicated"] = {"from_documents": len(manifest.get("documents", [])), "copies": copies}
    expected, parts = replicated_ntriples(src, copies)
    t0 = time.perf_counter()
    if backend.spec.kind == "oxigraph":
        def load(st) -> None:
            for part in parts:
                st.bulk_load(part, format=ox.RdfFormat.N_TRIPLES)

        backend.publish_with(load, expected, manifest)
    else:
        import urllib.parse
        import urllib.request

        def load(target: str, renew) -> None:  # Graph Store Protocol, Oxigraph's no-transaction bulk mode
            url = f"{server_url}/store?graph={urllib.parse.quote(target, safe='')}&no_transaction"
            for part in parts:
                for body in slices(part):
                    req = urllib.request.Request(url, data=body, method="POST",
                                                 headers={"Content-Type": "application/n-triples"})
                    urllib.request.urlopen(req, timeout=3600).read()
                    renew()

        backend.publish_with(load, expected, manifest)
    return {"seconds": round(time.perf_counter() - t0, 2), "triples": expected, "copies": copies,
            "peak_mb": round(peak_mb())}


def phase_query(store: str, reps: int) -> dict:
    """What stays cheap when the graph is too big for the app's in-memory records: the store's own queries."""
    from graph import sparql
    from graph.ns import SKOS
    from graph.stores.base import scan
    from graph.stores.factory import open_store

    t0 = time.perf_counter()
    g = open_store(store).graph(Path("."))
    out: dict = {"open_s": round(time.perf_counter() - t0, 2)}
    times, by = [], {}
    for name, q in SPARQL_QUERIES.items():
        ts = []
        for _ in range(reps):
            t0 = time.perf_counter()
            sparql.run(g, q, timeout=600)
            ts.append(time.perf_counter() - t0)
        times += ts
        by[name] = pct(ts)
    out["sparql"], out["sparql_by_query"] = pct(times), by
    t0 = time.perf_counter()
    labels = list(scan(g, SKOS.prefLabel))
    out["label_scan"] = {"rows": len(labels), "seconds": round(time.perf_counter() - t0, 2)}
    lookups = []
    for s, _ in random.Random(0).sample(labels, min(reps * 10, len(labels))):
        t0 = time.perf_counter()
        sparql.run(g, f"SELECT ?p ?o WHERE {{ <{s}> ?p ?o }}", timeout=600)
        lookups.append(time.perf_counter() - t0)
    out["lookup"] = pct(lookups)
    out["peak_mb"] = round(peak_mb())
    return out


def phase_model(n: int = 1000) -> dict:
    """The real model's throughput on case-study sentences: what the hashing embedder stands in for."""
    from bench.synth import generate
    from graph.text.encoder import get_encoder
    from graph.text.sentences import sentences

    texts = []
    for _, text in generate(60, seed=1):
        texts += [text[a:b].strip() for a, b in sentences(text) if b - a > 20]
    texts = texts[:n]
    emb = get_encoder()
    emb.encode(texts[:32])
    t0 = time.perf_counter()
    emb.encode(texts)
    s = time.perf_counter() - t0
    return {"texts": len(texts), "seconds": round(s, 2), "texts_per_s": round(len(texts) / s, 1)}


# ------------------------------------------------------------------ orchestration

def run_phase(name: str, *args: str, timeout: float = 4 * 3600) -> dict:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "EP_STORE_TIMEOUT": "600"}
    p = subprocess.run([sys.executable, "-m", "bench.scale", "_phase", name, *args], capture_output=True, text=True,
                       cwd=ROOT, env=env, timeout=timeout)
    if p.returncode != 0:
        return {"error": (p.stderr.strip().splitlines() or ["failed"])[-1][:500]}
    return json.loads(p.stdout.strip().splitlines()[-1])


def proc_peak_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    return 0.0


@contextmanager
def fresh_store(backend: str, work: Path, build: Path) -> Iterator[tuple[str, Path, object]]:
    """An empty store of one kind as (store setting, its data directory, server or None); a server is stopped after."""
    from bench.servers import OxigraphServer

    if backend == "memory":
        yield "memory", build, None
        return
    data = work / ("oxigraph" if backend == "oxigraph" else "sparql-data")
    shutil.rmtree(data, ignore_errors=True)
    if backend == "oxigraph":
        yield f"oxigraph:{data}", data, None
        return
    server = OxigraphServer(data).start()
    try:
        yield f"sparql:{server.url}", data, server
    finally:
        server.stop()


def bench_one(size: int, backend: str, corpus: Path, work: Path, reps: int, log) -> dict:
    build = work / f"build-{backend}"
    remove_build(build)  # the link and its target folder
    row: dict = {"size": size, "backend": backend}
    with fresh_store(backend, work, build) as (store, data, server):
        log(f"{size} {backend}: ingest")
        row["ingest"] = run_phase("ingest", str(corpus), str(build), store)
        if "error" in row["ingest"]:
            return row
        row["disk_mb"] = round((dir_bytes(build / "graph.ttl") if backend == "memory" else dir_bytes(data)) / 2**20, 1)
        if backend == "memory":
            row["disk_mb_with_jsonld"] = round(dir_bytes(build / "graph.jsonld") / 2**20 + row["disk_mb"], 1)
        log(f"{size} {backend}: index")
        # the vectors are the same whatever the store: an earlier backend's cache spares re-embedding
        earlier = [work / f"build-{b}" / "index" for b in BACKENDS
                   if b != backend and (work / f"build-{b}" / "index" / "cache.npz").exists()]
        if earlier:
            shutil.copytree(earlier[0], build / "index", dirs_exist_ok=True)
        row["index"] = run_phase("index", str(build), store, "0" if earlier else "1")
        if earlier:
            row["index"]["cache_from"] = earlier[0].parent.name
        log(f"{size} {backend}: serve")
        row["serve"] = run_phase("serve", str(build), store, str(reps))
        if server:
            row["server_peak_mb"] = proc_peak_mb(server.proc.pid)
    return row


def bench_replicated(size: int, backend: str, src_size: int, src: Path, work: Path, reps: int, log) -> dict:
    """A ``size``-document graph made of renamed copies of the ``src_size`` build: store-side figures only."""
    copies = size // src_size
    row: dict = {"size": size, "backend": backend, "replicated_from": src_size}
    with fresh_store(backend, work, work / f"build-{backend}") as (store, data, server):
        log(f"{size} {backend}: load {copies} x the {src_size:,}-document graph")
        row["load"] = run_phase("replicate", str(src), str(copies), store, server.url if server else "")
        if "error" in row["load"]:
            return row
        row["disk_mb"] = round(dir_bytes(data) / 2**20, 1)
        log(f"{size} {backend}: query")
        row["query"] = run_phase("query", store, str(reps))
        if server:
            row["server_peak_mb"] = proc_peak_mb(server.proc.pid)
    return row


def replicated_line(r: dict) -> str:
    ld, q = r.get("load", {}), r.get("query", {})
    if "error" in ld or "error" in q or not q:
        err = ld.get("error") or q.get("error") or "not run"
        return f"| {r['size']:,}† | {r['backend']} | {ld.get('triples', '')} | | | | {err} | | | | |"
    server = f" + server {r['server_peak_mb']:,.0f}" if r.get("server_peak_mb") else ""
    return (f"| {r['size']:,}† | {r['backend']} | {ld['triples']:,} | {ld['seconds']:.0f} (load) | "
            f"{ld['seconds']:.0f} | "
            f"{r['disk_mb']:,} | {q['open_s']:.1f} (store open) | {q['sparql']['p50_ms']} / {q['sparql']['p99_ms']} | "
            f"— | — | {ld['peak_mb']:,} / {q['peak_mb']:,}{server} |")


def to_markdown(rows: list[dict], model: dict | None) -> str:
    head = ("| documents | backend | triples | ingest s | publish s | disk MB | cold start s (records / view / index) "
            "| SPARQL p50 / p99 ms | paths k=5 p50 / p99 ms | search p50 / p99 ms | peak MB (ingest / serve) |")
    lines = [head, "|---" * (head.count("|") - 1) + "|"]
    for r in rows:
        if "replicated_from" in r:
            lines.append(replicated_line(r))
            continue
        ing, srv = r.get("ingest", {}), r.get("serve", {})
        if "error" in ing or "error" in srv or not srv:
            err = ing.get("error") or srv.get("error") or "not run"
            lines.append(f"| {r['size']:,} | {r['backend']} | {ing.get('triples', '')} | | | | {err} | | | | |")
            continue
        c = srv["cold_start"]
        server = f" + server {r['server_peak_mb']:,.0f}" if r.get("server_peak_mb") else ""
        lines.append(
            f"| {r['size']:,} | {r['backend']} | {ing['triples']:,} | {ing['seconds']:.0f} | "
            f"{ing['timings'].get('publish_s', 0):.1f} | {r['disk_mb']:,} | "
            f"{c['total_s']:.1f} ({c['records_s']:.1f} / {c['view_s']:.1f} / {c['index_s']:.1f}) | "
            f"{srv['sparql']['p50_ms']} / {srv['sparql']['p99_ms']} | "
            f"{srv['paths_k5']['p50_ms']} / {srv['paths_k5']['p99_ms']} | "
            f"{srv['search']['p50_ms']} / {srv['search']['p99_ms']} | "
            f"{ing['peak_mb']:,} / {srv['peak_mb']:,}{server} |")
    out = "# Store backends at scale (`python -m bench.scale`)\n\n" + "\n".join(lines) + "\n"
    if any("replicated_from" in r for r in rows):
        out += ("\n† Store-side only: the graph is N renamed copies of the largest fully built corpus, bulk-loaded "
                "through the backend's atomic publish (Oxigraph: bulk loader; SPARQL: Graph Store Protocol). "
                "'ingest s' is that load; 'cold start' is opening the store; the app's in-memory data layer, "
                "paths and search were not run at this size (see docs/stores.md, Scale).\n")
        for r in rows:
            q = r.get("query") or {}
            if "lookup" in q:
                out += (f"\n{r['size']:,} {r['backend']}: one node's triples p50/p99 {q['lookup']['p50_ms']} / "
                        f"{q['lookup']['p99_ms']} ms; all {q['label_scan']['rows']:,} labels scanned in "
                        f"{q['label_scan']['seconds']} s; per query p50 ms: "
                        + ", ".join(f"{k} {v['p50_ms']}" for k, v in q["sparql_by_query"].items()) + ".")
        out += "\n"
    if model:
        out += (f"\nLinks and index use a hashing embedder; the real model (all-MiniLM-L6-v2) encodes "
                f"{model['texts_per_s']} sentences/s here (2 cores), which is what real embedding adds.\n")
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_phase"]:
        name, args = argv[1], argv[2:]
        phases = {"ingest": lambda c, b, s: phase_ingest(Path(c), Path(b), s),
                  "index": lambda b, s, f="1": phase_index(Path(b), s, f == "1"),
                  "serve": lambda b, s, r: phase_serve(Path(b), s, int(r)),
                  "model": phase_model,
                  "replicate": lambda src, n, s, url="": phase_replicate(Path(src), int(n), s, url),
                  "query": lambda s, r: phase_query(s, int(r))}
        print(json.dumps(phases[name](*args)))
        return 0
    ap = argparse.ArgumentParser(prog="python -m bench.scale", description=(
        "Measure ingest, store size, cold start, SPARQL/path/search latency and memory per store backend on "
        "synthetic corpora; results in bench/results/scale.{json,md}."))
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    ap.add_argument("--reps", type=int, default=20, help="repetitions per query kind (default 20)")
    ap.add_argument("--work", type=Path, default=WORK, help="where corpora, builds and stores go")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--keep", action="store_true", help="keep earlier rows for other sizes/backends in scale.json")
    ap.add_argument("--replicate-from", type=int, metavar="N", help=(
        "sizes above N are not run through the pipeline: their graph is size/N renamed copies of the N-document "
        "build in the Oxigraph store (run N with the oxigraph backend first), measured store-side only"))
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args(argv)
    if any(s < 1 for s in args.sizes):
        ap.error("sizes must be positive")
    from bench.synth import write_corpus

    args.out.mkdir(parents=True, exist_ok=True)
    res_path = args.out / "scale.json"
    old = json.loads(res_path.read_text()) if args.keep and res_path.exists() else {}
    rows = [r for r in old.get("rows", []) if (r["size"], r["backend"]) not in
            {(s, b) for s in args.sizes for b in args.backends}]
    model = old.get("model") or run_phase("model")

    def log(msg: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    def save() -> None:
        rows.sort(key=lambda r: (r["size"], BACKENDS.index(r["backend"])))
        data = {"machine": {"cores": os.cpu_count(), "python": sys.version.split()[0]}, "model": model, "rows": rows}
        res_path.write_text(json.dumps(data, indent=1))
        (args.out / "scale.md").write_text(to_markdown(rows, model))

    for size in args.sizes:
        work = args.work / str(size)
        if args.replicate_from and size > args.replicate_from:
            src = args.work / str(args.replicate_from) / "oxigraph"
            if not (src / "CURRENT").exists():
                ap.error(f"no {args.replicate_from:,}-document Oxigraph build in {src} to replicate")
            if size % args.replicate_from:
                ap.error(f"{size} is not a multiple of {args.replicate_from}")
            for backend in (b for b in args.backends if b != "memory"):
                rows.append(bench_replicated(size, backend, args.replicate_from, src, work, args.reps, log))
                save()
            continue
        corpus = work / "corpus"
        if not (corpus / "corpus.yaml").exists():
            log(f"{size}: generating corpus")
            shutil.rmtree(corpus, ignore_errors=True)
            write_corpus(corpus, size)
        for backend in args.backends:
            rows.append(bench_one(size, backend, corpus, work, args.reps, log))
            save()
    if args.json:
        print(res_path.read_text())
    else:
        print((args.out / "scale.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())

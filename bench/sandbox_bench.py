"""What the SPARQL sandbox costs: in-process rdflib against a warm worker and a cold one.

    python -m bench.sandbox_bench [--build build] [--store STORE] [--repeat 21]

Four queries a user writes on the Data page (two point lookups, two whole-graph scans). "in-process"
is the old way (parsed, checked and run by rdflib in the caller; no kill possible); "warm" is a query
through the sandbox's kept worker; "cold" starts a worker, loads the graph and answers once (the
first query of a process, or the one after a kill). Results: bench/results/sandbox.json and .md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from graph.cli import add_store_argument
from graph.sandbox import Sandbox, Source, check, collect
from graph.stores.factory import open_store

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results"
EP = "PREFIX ep: <https://w3id.org/empowering-places/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
QUERIES = {
    "links out of one element": EP + "SELECT ?to WHERE { ?l ep:linkFrom "
    "<https://w3id.org/empowering-places/id/process/create-a-referral-network> ; ep:linkTo ?to }",
    "evidence with its quote": EP + "SELECT ?e ?f WHERE { ?e a ep:Evidence ; ep:figure ?f }",
    "count of nodes by type": "SELECT ?t (COUNT(?s) AS ?n) WHERE { ?s a ?t } GROUP BY ?t",
    "case studies in a place": EP + "SELECT ?c WHERE { ?c a ep:CaseStudy ; ep:locatedIn/skos:prefLabel ?p "
    "FILTER(CONTAINS(?p, \"Wigan\")) }",
}


def _median_ms(f, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 2)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", type=Path, default=ROOT / "build")
    ap.add_argument("--repeat", type=int, default=21)
    add_store_argument(ap)
    args = ap.parse_args(argv)
    store = args.store or "memory"
    g = open_store(store).graph(args.build)
    source = Source(store, str(args.build))
    rows = []
    for name, q in QUERIES.items():
        inproc = _median_ms(lambda q=q: collect(g.query(check(q) if store == "memory" else q), 10_000),
                            args.repeat)  # the old run(): parse and check in the caller, then rdflib
        box = Sandbox()
        box.run(source, q)  # warm it
        warm = _median_ms(lambda q=q, box=box: box.run(source, q), args.repeat)
        box.close()

        def cold(q=q) -> None:
            b = Sandbox()
            b.run(source, q)
            b.close()

        cold_ms = _median_ms(cold, max(3, args.repeat // 7))
        rows.append({"query": name, "in_process_ms": inproc, "warm_ms": warm, "cold_ms": cold_ms,
                     "warm_overhead_ms": round(warm - inproc, 2)})
    OUT.mkdir(parents=True, exist_ok=True)
    result = {"store": store, "triples": len(g), "repeat": args.repeat, "rows": rows}
    (OUT / "sandbox.json").write_text(json.dumps(result, indent=2))
    lines = [f"SPARQL sandbox overhead ({store}, {len(g):,} triples, median of {args.repeat})", "",
             "| query | in-process ms | warm worker ms | cold worker ms | warm overhead ms |", "|---|---|---|---|---|"]
    lines += [f"| {r['query']} | {r['in_process_ms']} | {r['warm_ms']} | {r['cold_ms']} | {r['warm_overhead_ms']} |"
              for r in rows]
    (OUT / "sandbox.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

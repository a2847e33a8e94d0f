"""Is ingest linear in the size of one document? Time per MB over 0.1, 1 and 5 MB of five shapes.

    python -m bench.ingest_scaling [--sizes 0.1 1 5] [--shapes ...] [--timeout 300] [--json]

Shapes: ``prose`` (synthetic case studies and reports from bench.synth, as one document), and the
adversarial ones of issue 16: ``one_line`` (that prose with no line breaks), ``title_case`` (runs of
40 capitalised words in sentences that read as English, so the entity rules run on them), ``acronyms``
(the same acronyms over and over) and ``town_sentence`` (one sentence naming a town, repeated). Each
(shape, size) runs in its own process, stage by stage as ``ingest.build.make_graph`` runs them (read,
extract, entities, merge, rdf, links), under a time limit: a case past it is reported as such and the
larger sizes of that shape are skipped. Each stage records wall and CPU seconds (CPU: this process, all
its threads; on shared cores it is the steadier measure of work). The link stage also reports how many
texts it embedded. Results go to ``bench/results/ingest_scaling.{json,md}``; "flat" means every size
finished and the time per MB at the largest size is at most 2× that at the smallest (below 1: fixed
costs dominate small files), judged on wall and on CPU time.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from graph.settings import ROOT

RESULTS = ROOT / "bench" / "results"
SHAPES = ("prose", "one_line", "title_case", "acronyms", "town_sentence")
SIZES = (0.1, 1.0, 5.0)
MB = 1_000_000
WORDS = ["Community", "Business", "Support", "Local", "Network", "Place", "Enterprise", "Partnership", "Trust",
         "Development", "Economy", "Wealth", "Building", "Anchor", "Institution", "Social", "Purpose", "Council"]
ACRONYMS = ["CLES", "NEF", "SPB", "LEP", "NHS", "VCSE", "CIC", "BBC", "UK", "EU"]
TOWNS = ["Wigan", "Bradford", "Leicester", "Plymouth", "Grimsby", "Hartlepool", "Calderdale", "Hebden Bridge"]


def prose(size: int) -> str:
    from bench.synth import generate

    parts, n = [], 0
    for _name, text in generate(1_000_000, seed=7):
        parts.append(text)
        n += len(text) + 2
        if n >= size:
            break
    return "\n\n".join(parts)


def make_text(shape: str, size: int) -> str:
    """``size`` characters (about; ASCII, so bytes) of one shape, the same for the same arguments."""
    rnd = random.Random(f"{shape}:{size}")
    if shape == "prose":
        text = prose(size)
    elif shape == "one_line":
        text = " ".join(prose(size).split())
    elif shape == "title_case":
        text = _fill((_title_line(rnd) for _ in iter(int, 1)), size)
    elif shape == "acronyms":
        lines = (
            " and ".join(f"the {a} ({a})" for a in rnd.sample(ACRONYMS, 5)) + " worked together.\n"
            for _ in iter(int, 1)
        )
        text = _fill(lines, size)
    elif shape == "town_sentence":
        town = TOWNS[0]
        text = _fill((f"In {town}, community connectors referred new businesses to coaching. " for _ in iter(int, 1)),
                     size)
    else:
        raise ValueError(f"unknown shape {shape!r}")
    return text[:size]


def _title_line(rnd: random.Random) -> str:
    """A 40-word capitalised run (joined by single connectors, so the name rules see one long name) in a
    sentence with enough function words to read as English, so entity extraction runs on it."""
    def run(n: int) -> str:
        return "".join(rnd.choice(WORDS) + rnd.choice((" ", " ", " ", " of ", " and ", " for ")) for _ in range(n))
    return f"The {run(40).strip()} worked with the {run(10).strip()} in the {run(6).strip()} and is funded by it.\n"


def _fill(pieces, size: int) -> str:
    out, n = [], 0
    for p in pieces:
        out.append(p)
        n += len(p)
        if n >= size:
            break
    return "".join(out)


class _Counted:
    """The encoder, counting what the link stage hands it (texts, characters, calls, seconds)."""

    def __init__(self, enc):
        self.enc, self.texts, self.chars, self.calls, self.seconds = enc, 0, 0, 0, 0.0

    def encode(self, texts, *a, **k):
        t = time.perf_counter()
        out = self.enc.encode(texts, *a, **k)
        self.seconds += time.perf_counter() - t
        self.texts, self.chars, self.calls = self.texts + len(texts), self.chars + sum(map(len, texts)), self.calls + 1
        return out

    def __getattr__(self, name):
        return getattr(self.enc, name)


def run_one(shape: str, mb: float) -> dict:
    """One case, stage by stage (in this process); the caller runs it in a child under a time limit."""
    from rdflib import URIRef

    from graph.text import encoder
    from ingest import rdf
    from ingest.entities import find_entities
    from ingest.extract import extract
    from ingest.links.stage import add_links
    from ingest.merge import merge
    from ingest.readers import read_document

    size = int(mb * MB)
    times: dict[str, float] = {}
    cpu: dict[str, float] = {}
    t = time.perf_counter()
    enc = encoder.get_encoder()
    enc.encode(["warm the model"])  # a fixed cost of every build, not of the document's size
    model_s = time.perf_counter() - t
    counted = _Counted(enc)
    encoder.get_encoder = lambda *a, **k: counted  # the link stage asks the factory: count what it embeds

    def stage(name, fn):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        times[name], cpu[name] = time.perf_counter() - t, time.process_time() - c
        return out

    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / f"{shape}.md"
        f.write_text(make_text(shape, size), encoding="utf-8")
        doc = stage("read", lambda: read_document(f))
    ex = stage("extract", lambda: extract(doc))
    stage("entities", lambda: find_entities(ex))
    nodes, _ = stage("merge", lambda: merge([ex]))
    g = rdf.new_graph()

    def write():
        rdf.add_document(g, doc, ex.sections, URIRef("urn:bench:run"))
        rdf.add_nodes(g, nodes, {doc.doc_id: doc.text})

    stage("rdf", write)
    stage("links", lambda: add_links(g, {doc.doc_id: doc.text}, None, warnings={}, blocks={doc.doc_id: ex.blocks}))
    total, total_cpu = sum(times.values()), sum(cpu.values())
    per_mb = len(doc.text) / MB
    return {"shape": shape, "mb": mb, "chars": len(doc.text), "nodes": len(nodes), "triples": len(g),
            "seconds": {k: round(v, 3) for k, v in times.items()},
            "cpu_seconds": {k: round(v, 3) for k, v in cpu.items()},
            "total_s": round(total, 3), "total_cpu_s": round(total_cpu, 3),
            "embedded": {"texts": counted.texts, "chars": counted.chars, "calls": counted.calls,
                         "seconds": round(counted.seconds, 3),
                         "texts_per_s": round(counted.texts / counted.seconds, 1) if counted.seconds else None},
            "model_load_s": round(model_s, 3),
            "s_per_mb": round(total / per_mb, 3), "cpu_s_per_mb": round(total_cpu / per_mb, 3)}


def run_case(shape: str, mb: float, timeout: float) -> dict:
    cmd = [sys.executable, "-m", "bench.ingest_scaling", "--one", shape, str(mb)]
    t = time.perf_counter()
    try:
        out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"shape": shape, "mb": mb, "timeout_s": timeout, "total_s": None, "s_per_mb": None}
    if out.returncode != 0:
        return {"shape": shape, "mb": mb, "error": out.stderr.strip().splitlines()[-1:], "total_s": None,
                "s_per_mb": None, "wall_s": round(time.perf_counter() - t, 1)}
    return json.loads(out.stdout.strip().splitlines()[-1])


def summarise(rows: list[dict]) -> dict[str, dict]:
    out = {}
    for shape in dict.fromkeys(r["shape"] for r in rows):
        mine = [r for r in sorted(rows, key=lambda r: r["mb"]) if r["shape"] == shape]
        done = all(r.get("s_per_mb") for r in mine)
        res: dict = {}
        for key, name in (("s_per_mb", "ratio"), ("cpu_s_per_mb", "cpu_ratio")):
            per = [r[key] for r in mine if r.get(key)]
            res[name] = round(per[-1] / per[0], 2) if len(per) > 1 else None  # > 1: worse than linear
        res["flat"] = bool(done and res["ratio"] is not None and res["ratio"] <= 2.0)
        res["cpu_flat"] = bool(done and res["cpu_ratio"] is not None and res["cpu_ratio"] <= 2.0)
        out[shape] = res
    return out


def to_markdown(rows: list[dict], summary: dict, timeout: float) -> str:
    stages = ("read", "extract", "entities", "merge", "rdf", "links")
    lines = [
        "# Ingest scaling: time per MB of one document",
        "",
        "`python -m bench.ingest_scaling` (each case in its own process, 2 shared cores; "
        f"a case past {timeout:.0f} s is stopped and the larger sizes of its shape skipped). The embedding",
        "model is loaded before the clock starts (a fixed cost of every build, not of size). Wall seconds per",
        "stage, then CPU seconds of the process (all threads), the texts the link stage embedded and its rate.",
        "",
        "| shape | MB | " + " | ".join(f"{s} s" for s in stages) + " | total s | s per MB | CPU s | CPU s per MB "
        "| nodes | texts embedded | embed s | texts/s |",
        "|---|---:|" + "---:|" * (len(stages) + 8),
    ]
    for r in rows:
        if r.get("s_per_mb") is None:
            failed = "failed: " + " ".join(r.get("error", []))
            why = f"stopped at {r['timeout_s']:.0f} s" if "timeout_s" in r else failed
            why = why if "skipped" not in r else "skipped (a smaller size was stopped)"
            lines.append(f"| {r['shape']} | {r['mb']:g} | " + " | ".join("–" for _ in stages) + f" | {why} |"
                         + " – |" * 7)
            continue
        sec, emb = r["seconds"], r.get("embedded", {})
        lines.append(f"| {r['shape']} | {r['mb']:g} | " + " | ".join(f"{sec[s]:.2f}" for s in stages)
                     + f" | {r['total_s']:.2f} | {r['s_per_mb']:.2f} | {r.get('total_cpu_s', 0):.2f} "
                     f"| {r.get('cpu_s_per_mb', 0):.2f} | {r['nodes']} | {emb.get('texts', '–')} "
                     f"| {emb.get('seconds', '–')} | {emb.get('texts_per_s') or '–'} |")
    lines += ["", "| shape | s per MB, largest size / smallest | flat within 2× | CPU s per MB, largest / smallest "
              "| CPU flat within 2× |", "|---|---:|---|---:|---|"]
    for shape, s in summary.items():
        def show(x):
            return x if x is not None else "–"
        lines.append(f"| {shape} | {show(s['ratio'])} | {'yes' if s['flat'] else 'no'} | {show(s.get('cpu_ratio'))} "
                     f"| {'yes' if s.get('cpu_flat') else 'no'} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", type=float, nargs="+", default=list(SIZES), help="MB per document (default 0.1 1 5)")
    ap.add_argument("--shapes", nargs="+", choices=SHAPES, default=list(SHAPES))
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per case before it is stopped")
    ap.add_argument("--one", nargs=2, metavar=("SHAPE", "MB"), help=argparse.SUPPRESS)
    ap.add_argument("--no-write", action="store_true", help="do not write bench/results/")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one[0], float(args.one[1]))))
        return 0
    rows: list[dict] = []
    for shape in args.shapes:
        stopped = False
        for mb in sorted(args.sizes):
            if stopped:
                rows.append({"shape": shape, "mb": mb, "skipped": True, "total_s": None, "s_per_mb": None})
                continue
            r = run_case(shape, mb, args.timeout)
            stopped = r.get("s_per_mb") is None
            rows.append(r)
            if not args.json:
                print(f"{shape:14s} {mb:>4g} MB  {r.get('total_s')} s  {r.get('s_per_mb')} s/MB", file=sys.stderr)
    summary = summarise(rows)
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "ingest_scaling.json").write_text(json.dumps({"rows": rows, "summary": summary}, indent=1),
                                                     encoding="utf-8")
        (RESULTS / "ingest_scaling.md").write_text(to_markdown(rows, summary, args.timeout), encoding="utf-8")
    if args.json:
        print(json.dumps({"rows": rows, "summary": summary}, indent=1))
    else:
        print(to_markdown(rows, summary, args.timeout))
    return 0 if all(s["flat"] for s in summary.values()) else 4


if __name__ == "__main__":
    raise SystemExit(main())

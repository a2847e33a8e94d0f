"""Causal-link precision and recall against the hand-judged gold set (tests/eval/links_gold.yaml).

    python -m bench.links_bench [--build build] [--store STORE] [--label after] [--json]

The gold set judges 104 cause → effect pairs ("yes"/"no"): every link of the first build and every
pair between adjacent stages. A build's links are scored on the pairs the gold set judges:

* precision = links judged "yes" / links judged at all (a link the gold set does not judge is counted
  apart, as "unjudged", never as right or wrong);
* recall = "yes" pairs the build links / all "yes" pairs.

Settings are chosen on one half and reported on the other: the pairs are split by a hash of
"from → to" (even: dev, odd: test), so the split does not depend on the order of the file or on
anything the linker computes. ``--sweep`` re-runs the inferred linker over a grid of thresholds and
caps on the build's own elements and scores each setting on both halves; pick on dev, read test.
Results go to bench/results/links.json (one entry per ``--label``) and bench/results/links.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "eval" / "links_gold.yaml"
RESULTS = ROOT / "bench" / "results"


@dataclass(frozen=True)
class Judged:
    source: str
    target: str
    yes: bool

    @property
    def half(self) -> str:
        h = hashlib.sha1(f"{self.source} -> {self.target}".encode()).digest()[0]
        return "dev" if h % 2 == 0 else "test"


def load_gold(path: Path = GOLD) -> list[Judged]:
    """The judged pairs; a verdict other than "yes"/"no" is an error naming the entry."""
    out = []
    for i, e in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
        v = str(e.get("verdict", "")).strip().lower()
        if v not in ("yes", "no") or not e.get("from") or not e.get("to"):
            raise ValueError(f"{path}: entry {i + 1} needs from, to and a verdict of 'yes' or 'no'")
        out.append(Judged(e["from"], e["to"], v == "yes"))
    return out


def score(links: dict[tuple[str, str], str], gold: list[Judged], half: str | None = None) -> dict:
    """Precision/recall of ``links`` ((from, to) → basis) on the gold pairs of ``half`` (None: all)."""
    pairs = [g for g in gold if half is None or g.half == half]
    verdict = {(g.source, g.target): g.yes for g in pairs}
    judged = [k for k in links if k in verdict]
    right = [k for k in judged if verdict[k]]
    yes = [k for k, v in verdict.items() if v]
    by_basis: dict[str, dict] = {}
    for basis in sorted(set(links.values())):
        mine = [k for k in judged if links[k] == basis]
        ok = sum(verdict[k] for k in mine)
        by_basis[basis] = {"links": len(mine), "yes": ok, "precision": round(ok / len(mine), 3) if mine else None}
    in_half = {k for k in links if half is None or _half(k) == half}
    return {
        "pairs": len(pairs), "yes_pairs": len(yes), "links": len(judged),
        "unjudged": len([k for k in in_half if k not in verdict]),
        "correct": len(right),
        "precision": round(len(right) / len(judged), 3) if judged else None,
        "recall": round(sum(k in links for k in yes) / len(yes), 3) if yes else None,
        "by_basis": by_basis,
    }


def _half(key: tuple[str, str]) -> str:
    return Judged(key[0], key[1], False).half


def build_links(build: Path, store: str | None) -> dict[tuple[str, str], str]:
    """The build's element-to-element causal links (stage-level links are not element pairs)."""
    from graph.store import KnowledgeGraph

    kg = KnowledgeGraph.load(build, store)
    return {(lk.source, lk.target): lk.basis for lk in kg.links if lk.source in kg.nodes and lk.target in kg.nodes}


def sweep(build: Path, store: str | None, gold: list[Judged]) -> list[dict]:
    """Inferred links re-made at each (threshold, cap) on the build's elements; other links as built."""
    from graph.store import KnowledgeGraph
    from graph.text.embed import get_embedder
    from ingest.links.inferred import infer
    from ingest.links.match import Elements

    kg = KnowledgeGraph.load(build, store)
    fixed = {k: b for k, b in build_links(build, store).items() if b != "inferred"}
    emb = get_embedder()
    el = Elements(kg, emb)
    rows = []
    for top_m in (1, 2, 3):
        for threshold in (0.30, 0.35, 0.40, 0.45, 0.50, 0.55):
            links = dict(fixed)
            for c in infer(el, emb.id, top_m=top_m, threshold=threshold):
                links.setdefault(c.key, "inferred")
            rows.append({"top_m": top_m, "threshold": threshold,
                         "dev": score(links, gold, "dev"), "test": score(links, gold, "test"),
                         "all": score(links, gold)})
    return rows


def _f1(s: dict) -> float:
    p, r = s["precision"] or 0.0, s["recall"] or 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def markdown(results: dict) -> str:
    lines = ["# Causal-link precision and recall", "",
             "Against `tests/eval/links_gold.yaml` (hand-judged pairs; `python -m bench.links_bench`). "
             "Precision = links judged yes / links judged; recall = yes pairs linked / yes pairs. "
             "Halves: hash of 'from -> to' (dev even, test odd).", "",
             "| build | half | links judged | precision | recall | textual | inferred | curated | unjudged |",
             "|---|---|---|---|---|---|---|---|---|"]
    for label, r in results.get("builds", {}).items():
        for half in ("all", "dev", "test"):
            s = r[half]
            b = s["by_basis"]

            def cell(basis: str, b=b) -> str:
                x = b.get(basis)
                return f"{x['yes']}/{x['links']}" if x and x["links"] else "–"
            lines.append(f"| {label} | {half} | {s['links']} | {s['precision']} | {s['recall']} | "
                         f"{cell('textual')} | {cell('inferred')} | {cell('curated')} | {s['unjudged']} |")
    if results.get("sweep"):
        lines += ["", "## Inferred-link settings (other links as built)", "",
                  "| cap | threshold | dev precision | dev recall | dev F1 | test precision | test recall |",
                  "|---|---|---|---|---|---|---|"]
        for row in results["sweep"]:
            d, t = row["dev"], row["test"]
            lines.append(f"| {row['top_m']} | {row['threshold']:.2f} | {d['precision']} | {d['recall']} | "
                         f"{_f1(d):.3f} | {t['precision']} | {t['recall']} |")
        best = max(results["sweep"], key=lambda r: (_f1(r["dev"]), r["dev"]["precision"] or 0))
        lines += ["", f"Best on dev by F1: cap {best['top_m']}, threshold {best['threshold']:.2f} "
                      f"(test precision {best['test']['precision']}, recall {best['test']['recall']})."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    from graph.cli import add_store_argument

    ap = argparse.ArgumentParser(prog="python -m bench.links_bench", description=__doc__.split("\n")[0])
    ap.add_argument("--build", type=Path, default=ROOT / "build")
    add_store_argument(ap)
    ap.add_argument("--label", default="current", help="name of this build in the results (e.g. before, after)")
    ap.add_argument("--gold", type=Path, default=GOLD)
    ap.add_argument("--sweep", action="store_true", help="also score inferred-link settings on both halves")
    ap.add_argument("--out", type=Path, default=RESULTS / "links.json")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    a = ap.parse_args(argv)
    try:
        gold = load_gold(a.gold)
    except (OSError, ValueError, yaml.YAMLError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    links = build_links(a.build, a.store)
    results = json.loads(a.out.read_text()) if a.out.exists() else {}
    results.setdefault("builds", {})[a.label] = {
        "all": score(links, gold), "dev": score(links, gold, "dev"), "test": score(links, gold, "test"),
        "bases": dict(Counter(links.values())),
    }
    if a.sweep:
        results["sweep"] = sweep(a.build, a.store, gold)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(results, indent=2) + "\n")
    a.out.with_suffix(".md").write_text(markdown(results))
    print(json.dumps(results["builds"][a.label], indent=2) if a.json else markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Timing of the fragility analysis: on the real build, and on the synthetic model 25× larger; and how many
different answers the model's assumptions give (each sits under the elements its words speak about).

    python -m bench.fragility_bench [--build build] [--out bench/results/fragility.json]

Besides the JSON, writes ``assumptions.md`` beside it: every assumption, where it is attached and on what
basis, what its failure cuts, and the number of different answers (assumptions whose failure cuts the same
routes of every outcome and impact give one answer).

Routes are counted, not listed, so the cost follows the graph's size, not its number of routes (which
the synthetic graph makes astronomically large). Synthetic attachments mirror the model's: every column
has 5 stage-wide assumptions/foundations, and each element one of its own.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

from bench.paths_bench import synthetic_view
from graph.analysis.fragility import Attachment, FragilityAnalysis

ROOT = Path(__file__).resolve().parent.parent


def _ms(fn, repeat: int = 3) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 2), out


def measure(make, targets_of) -> dict:
    """Cold (a new analysis, as after a rebuild) and warm times for every target, and the whole ranking."""
    per_cold, per_warm = [], []
    fa = make()
    targets = targets_of(fa)
    for t in targets:
        per_cold.append(_ms(lambda t=t: make().for_target(t, routes=0), repeat=1)[0])
        per_warm.append(_ms(lambda t=t: fa.for_target(t, routes=0))[0])
    ms, f = _ms(lambda: fa.for_target(targets[-1], routes=5))
    rank_ms, ranking = _ms(lambda: make().ranking(), repeat=1)
    return {"targets": len(targets), "for_target_cold_median_ms": round(statistics.median(per_cold), 2),
            "for_target_cold_max_ms": round(max(per_cold), 2),
            "for_target_warm_median_ms": round(statistics.median(per_warm), 2),
            "with_5_routes_ms": ms, "ranking_ms": rank_ms, "attachments": len(fa.attached),
            "routes_to_last_target": f.total, "routes_cut_by_top_assumption": ranking[0].lost}


def assumption_answers(fa: FragilityAnalysis, kg) -> dict:
    """The assumptions grouped by what their failure does, each with where it sits and why."""
    groups = fa.answers()
    rows = []
    for i, grp in enumerate(groups, 1):
        for cut in grp:
            rows.append({"answer": i, "id": cut.node["id"], "label": cut.node.get("label", ""),
                         "stage": cut.node.get("stage", ""), "routes_lost": cut.lost, "routes_total": cut.total,
                         "cut_off": len(cut.cut_off), "basis": cut.basis,
                         "attached": [{"element": a["element"], "label": kg.nodes[a["element"]].label,
                                       "basis": a["basis"], "reason": a["reason"]} for a in cut.attached]})
    bases: dict[str, int] = {}
    for x in kg.attachments:
        bases[x.basis] = bases.get(x.basis, 0) + 1
    return {"assumptions": len(rows), "different_answers": len(groups), "attachments_by_basis": bases,
            "on_whole_stage": sorted({r["id"] for r in rows if r["basis"] == "stage"}), "rows": rows}


def threshold_grid(kg, thresholds=(0.40, 0.45, 0.50, 0.55, 0.60), margins=(0.03, 0.05, 0.10, 1.0)) -> list[dict]:
    """The similar rule at other settings, scored against the reviewed attachments of the build (every stated,
    similar or curated one counts as right; a similar one links.yaml removes as wrong): what the machine alone
    proposes, how much of it the review kept, how much of the review it finds."""
    from graph.text.encoder import get_encoder
    from ingest.links.assumptions import Pool, similar, stated
    from ingest.links.match import Elements

    el = Elements(kg, get_encoder())
    right = {(x.source, x.target) for x in kg.attachments if x.basis != "stage"}
    pool_of = Pool(kg)
    out = []
    for t in thresholds:
        for m in margins:
            made = set()
            for a in kg.of_type("Assumption"):
                pool = pool_of.candidates(a)
                made |= {x.key for x in stated(a, pool) + similar(el, a, pool, t, m)}
            kept = len(made & right)
            out.append({"threshold": t, "margin": m, "proposed": len(made), "kept_by_review": kept,
                        "precision": round(kept / len(made), 3) if made else None,
                        "recall": round(kept / len(right), 3), "assumptions_with_none":
                            sum(not any(k[0] == a.id for k in made) for a in kg.of_type("Assumption"))})
    return out


def assumptions_md(a: dict) -> str:
    lines = ["# Assumptions: where each sits and what its failure cuts", "",
             "Made by `python -m bench.fragility_bench` (the seed build). An assumption sits under the elements its "
             "words speak about (stated: it names them; similar: its sentence matches their text, cosine >= 0.50 "
             "and within 0.03 of its best; curated: corpus/links.yaml; stage: nothing fits, so its whole stage, "
             "marked). Two assumptions give the same answer when their failure cuts the same number of routes to "
             "every outcome and impact.", "",
             f"**{a['assumptions']} assumptions, {a['different_answers']} different answers** "
             f"(before element-level attachments: 6, one per stage). Attachments by basis: "
             + ", ".join(f"{k} {v}" for k, v in sorted(a["attachments_by_basis"].items())) + ".", "",
             "| answer | assumption | routes lost | outcomes/impacts cut off | attached to (basis) |",
             "|---|---|---|---|---|"]
    grid = a.get("threshold_grid", [])
    for r in a["rows"]:
        where = "; ".join(f"{x['label']} ({x['basis']})" for x in r["attached"])
        label = r["label"].replace("|", "/")
        lines.append(f"| {r['answer']} | {label} | {r['routes_lost']} of {r['routes_total']} | {r['cut_off']} | "
                     f"{where} |")
    lines += ["", "Why each is attached (one line per element):", ""]
    for r in a["rows"]:
        for x in r["attached"]:
            if x["basis"] != "stage":
                lines.append(f"- {r['label']} → {x['label']}: {x['reason']}")
        if r["basis"] == "stage":
            lines.append(f"- {r['label']} → every element of its stage: attached to its whole stage: no element "
                         "named or matched")
    if grid:
        right = grid[0]["kept_by_review"] / grid[0]["recall"] if grid[0]["recall"] else 0
        lines += ["", f"The similar rule at other settings (stated included), against the {right:.0f} reviewed "
                  "attachments (stated, similar or curated; a removed one counts as wrong); `margin` none: every "
                  "match over the threshold:", "",
                  "| threshold | margin | proposed | kept by review | precision | recall | assumptions with none |",
                  "|---|---|---|---|---|---|---|"]
        for g in grid:
            margin = "none" if g["margin"] >= 1 else f"{g['margin']:.2f}"
            lines.append(f"| {g['threshold']:.2f} | {margin} | {g['proposed']} | {g['kept_by_review']} | "
                         f"{g['precision']} | {g['recall']} | {g['assumptions_with_none']} |")
    return "\n".join(lines) + "\n"


def synthetic(width: int):
    from graph.analysis.paths import Pathfinder

    finder = Pathfinder(synthetic_view(width))
    G = finder.g
    att: dict[str, Attachment] = {}
    by_stage: dict[str, set[str]] = {}
    for n, d in G.nodes(data=True):
        by_stage.setdefault(d["type"], set()).add(n)
        att[f"assumption/own-{n}"] = Attachment(f"assumption/own-{n}", frozenset({n}))
    for stage, nodes in by_stage.items():
        for i in range(5):
            aid = f"assumption/{stage.lower()}-{i}"
            att[aid] = Attachment(aid, frozenset(nodes))
    info = {n: {"id": n, "type": d["type"], "label": n, "order": d["order"]} for n, d in G.nodes(data=True)}
    return lambda: FragilityAnalysis(finder, att, info)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.fragility_bench")
    ap.add_argument("--build", type=Path, default=ROOT / "build")
    ap.add_argument("--width", type=int, default=100, help="synthetic elements per column (default 100)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "fragility.json")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args(argv)
    from graph.analysis.pathways import Pathways

    pw = Pathways.load(args.build)
    real = measure(lambda: FragilityAnalysis.from_pathways(pw), lambda fa: fa.targets())
    real.update(elements=pw.finder.g.number_of_nodes(), links=pw.finder.g.number_of_edges())
    answers = assumption_answers(FragilityAnalysis.from_pathways(pw), pw.kg)
    answers["threshold_grid"] = threshold_grid(pw.kg)
    make = synthetic(args.width)
    fa = make()
    syn = measure(make, lambda fa: fa.targets()[-10:])
    syn.update(elements=fa.G.number_of_nodes(), links=fa.G.number_of_edges())
    out = {"machine": {"python": platform.python_version(), "platform": platform.platform()},
           "max_depth": 8, "real": real, "synthetic": syn,
           "assumptions": {k: v for k, v in answers.items() if k != "rows"}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2), encoding="utf-8")
    (args.out.parent / "assumptions.md").write_text(assumptions_md(answers), encoding="utf-8")
    print(json.dumps(out, indent=2) if args.json else f"written: {args.out}\n{json.dumps(out)[:600]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

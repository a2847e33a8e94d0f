"""How many links to the other kinds (vision, purpose, assumptions, foundations) a case study should show.

    python -m bench.kinds_rule [--json]

The linker shows, beside a case's element links, at most ``KIND_CAP`` other-kind node(s), each ranking within
the case's top ``settings.top_k`` of all nodes on the case's words alone (``ingest.links.cases._choose_kind``).
This scores that rule and looser ones (cap 1-3, rank window 3-69) against judges who linked the 50 fitted cases
(dev, test, holdout, train) to those kinds (tests/eval/cases/kinds-judge-*.yaml), and reports the fresh half
against the third judge (third-judge-kinds.yaml) for the same grid. Writes bench/results/kinds_rule.{md,json}.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import yaml

from bench.cases import EVAL, load_half
from bench.report import run_and_write
from graph.text.encoder import get_encoder
from ingest.links import case_model
from ingest.links import cases as caselinks
from ingest.links.match import CASE_CLASSES, Elements

RESULTS = Path(__file__).resolve().parent / "results"
CHOOSING = ("kinds-judge-devtest.yaml", "kinds-judge-holdtrain.yaml")
REPORT = ("third-judge-kinds.yaml",)
CAPS, WINDOWS = (1, 2, 3), (3, 5, 8, 12, 20, 69)
STRENGTHS = {"clear": ("clear",), "clear+arguable": ("clear", "arguable")}


def words_ranks(halves: tuple[str, ...]) -> dict[str, list[tuple[str, int]]]:
    """half/doc -> the other-kind nodes, best first, each with its rank among every node on the case's words."""
    emb, out = get_encoder(), {}
    for half in halves:
        kg, texts, _ = load_half(half)
        kinds = Elements(kg, emb, classes=CASE_CLASSES)
        model = caselinks._model_for(kinds, case_model.load(case_model.KINDS_JSON))
        learned = caselinks.learned_scores(kinds, caselinks.score_cases(kinds, texts, caselinks.SETTINGS), model,
                                           texts)
        other = caselinks.other_kinds(kinds)
        for case in kg.of_type("CaseStudy"):
            if case.id in learned and case.sources:
                order = np.argsort(-learned[case.id].words, kind="stable")
                out[f"{half}/{case.sources[0].doc_id}"] = [(kinds.records[j].id, r + 1) for r, j in enumerate(order)
                                                           if other[j]]
    return out


def judged(files: tuple[str, ...]) -> dict[str, list[tuple[str, str]]]:
    out = {}
    for name in files:
        for e in yaml.safe_load((EVAL / name).read_text(encoding="utf-8")) or []:
            out[e["file"].removesuffix(".md")] = [(x["id"], x.get("strength", "clear")) for x in e.get("links", [])]
    return out


def grid(ranks: dict, judge: dict) -> list[dict]:
    rows = []
    for strength, keep in STRENGTHS.items():
        for cap in CAPS:
            for window in WINDOWS:
                shown = hits = wanted = 0
                for key, links in judge.items():
                    mine = [n for n, r in ranks.get(key, []) if r <= window][:cap]
                    want = [n for n, s in links if s in keep]
                    shown, hits = shown + len(mine), hits + sum(n in want for n in mine)
                    wanted += min(3, len(want))
                p, r = (hits / shown if shown else 0.0), (hits / wanted if wanted else 0.0)
                rows.append({"strength": strength, "cap": cap, "window": window, "shown": shown, "hits": hits,
                             "precision": round(p, 3), "recall_at_3": round(r, 3)})
    return rows


def render(res: dict) -> str:
    lines = ["# Links to the other kinds: how many a case shows (`python -m bench.kinds_rule`)", "",
             f"Shipped rule: cap {caselinks.KIND_CAP}, window {caselinks.SETTINGS.top_k}. Choosing: "
             f"{res['choosing_cases']} fitted cases judged for the other kinds; report: the fresh half against the "
             "third judge.", "",
             "| judged links | cap | window | choosing: shown | P | R@3 | fresh: shown | P | R@3 |",
             "|---|---|---|---|---|---|---|---|---|"]
    for a, b in zip(res["choosing"], res["fresh"], strict=True):
        lines.append(f"| {a['strength']} | {a['cap']} | {a['window']} | {a['shown']} | {a['precision']:.2f} | "
                     f"{a['recall_at_3']:.2f} | {b['shown']} | {b['precision']:.2f} | {b['recall_at_3']:.2f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.kinds_rule", description=__doc__.split("\n")[0])
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)

    def make() -> dict:
        ranks = words_ranks(("dev", "test", "holdout", "train", "fresh"))
        choose, fresh = judged(CHOOSING), judged(REPORT)
        return {"choosing_cases": len(choose), "choosing": grid(ranks, choose), "fresh": grid(ranks, fresh)}

    return run_and_write(RESULTS, "kinds_rule", make, render, a.json)


if __name__ == "__main__":
    sys.exit(main())

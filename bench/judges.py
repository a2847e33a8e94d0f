"""How far two judges of the same questions agree: the ceiling any card can reach against one of them.

    python -m bench.judges [--build DIR] [--first FILE] [--second FILE] [--json]

Each judge wrote, for every question, the nodes that answer it (ids plus a verbatim phrase each), or none. A card
shows one answer, so the ceiling for "card right" against the first judge is how often the *second* judge's first
pick is one of the first judge's answers (by id or by containing an accepted phrase, as ``search.evaluate.Judge``
counts a card), over the questions the first judge found answerable; and the other way round. Also: how often
they agree that a question is answerable at all. Writes bench/results/judges_<set>.{md,json}.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.report import run_and_write
from graph.store import KnowledgeGraph
from search import evaluate as ev

RESULTS = Path(__file__).resolve().parent / "results"


def agreement(kg: KnowledgeGraph, first: list[ev.Judged], second: list[ev.Judged]) -> dict:
    """The first-pick agreement each way, per persona and overall, and the answerability agreement."""
    if [q.query for q in first] != [q.query for q in second]:
        raise ValueError("the two files do not judge the same questions in the same order")
    judge = ev.Judge(kg)

    def picks(a: list[ev.Judged], b: list[ev.Judged]) -> dict:
        per: dict[str, list[bool]] = {}
        for qa, qb in zip(a, b, strict=True):
            if qa.relevant:
                per.setdefault(qa.persona, []).append(bool(qb.relevant) and qb.relevant[0] in judge.relevant(qa))
        every = [x for v in per.values() for x in v]
        return {"questions": len(every), "right": round(sum(every) / max(1, len(every)), 4),
                "personas": {p: round(sum(v) / len(v), 4) for p, v in per.items()}}

    both = sum(bool(a.relevant) and bool(b.relevant) for a, b in zip(first, second, strict=True))
    same = sum(bool(a.relevant) == bool(b.relevant) for a, b in zip(first, second, strict=True))
    return {"questions": len(first), "answerable_first": sum(bool(q.relevant) for q in first),
            "answerable_second": sum(bool(q.relevant) for q in second), "answerable_both": both,
            "answerability_agreement": round(same / max(1, len(first)), 4),
            "second_pick_in_first": picks(first, second), "first_pick_in_second": picks(second, first)}


def render(res: dict) -> str:
    a, b = res["second_pick_in_first"], res["first_pick_in_second"]
    per = ", ".join(f"{p} {v:.2f}" for p, v in a["personas"].items())
    return "\n".join([
        "# Two judges of the same questions (`python -m bench.judges`)", "",
        f"{res['first']} against {res['second']}: {res['questions']} questions; answerable for the first judge "
        f"{res['answerable_first']}, for the second {res['answerable_second']}, for both {res['answerable_both']}; "
        f"they agree whether a question is answerable for {res['answerability_agreement']:.2f} of them.", "",
        "| ceiling for card right | questions | agreement | per persona |", "|---|---|---|---|",
        f"| against the first judge: the second judge's first pick is one of the first's answers | {a['questions']} "
        f"| {a['right']:.3f} | {per} |",
        f"| against the second judge: the first judge's first answer is one of the second's | {b['questions']} "
        f"| {b['right']:.3f} | " + ", ".join(f"{p} {v:.2f}" for p, v in b["personas"].items()) + " |", ""])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.judges", description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--first", type=Path, default=ev.FRESH2)
    ap.add_argument("--second", type=Path, default=ev.FRESH2_SECOND)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    try:
        first, second = (ev.load_queries(p, answerable=False) for p in (a.first, a.second))
    except (OSError, ValueError) as e:
        print(f"python -m bench.judges: {e}", file=sys.stderr)
        return 2

    def make() -> dict:
        kg = KnowledgeGraph.load(a.build)
        return {"first": a.first.name, "second": a.second.name, **agreement(kg, first, second)}

    try:
        return run_and_write(RESULTS, f"judges_{a.first.stem.removeprefix('queries_')}", make, render, a.json)
    except ValueError as e:  # the two files judge different questions
        print(f"python -m bench.judges: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

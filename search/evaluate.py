"""python -m search.evaluate [--build DIR] [--json] [--quick]

hit@1, hit@5, MRR and nDCG@10 of BM25 alone, dense alone and hybrid over three judged sets:
``tests/eval/queries.jsonl`` (the TUNED set) and ``tests/eval/queries_set3.jsonl`` (written blind, then
used for choosing): every setting is chosen on the two together; ``tests/eval/queries_blind.jsonl``
(written blind; reported, never tuned on). A result is relevant when
its id is judged relevant or its text contains one of the query's accepted phrases (case and
whitespace ignored), so a judgment survives an id change. Queries judged unanswerable are left out of
the scores and counted. Unless --quick, each search method is also switched off in turn on the tuned
set, so every default rests on a number. Writes bench/results/eval.json and .md.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from graph import cli
from graph.cli import add_store_argument
from graph.ns import ELEMENT_CLASSES
from graph.settings import ROOT
from search import card
from search.engine import SearchEngine
from search.fuse import Method
from search.index import index_in_memory
from search.text import LINKED, VARIANT_NAMES

EVAL = ROOT / "tests" / "eval"
QUERIES = EVAL / "queries.jsonl"  # tuned
SET3 = EVAL / "queries_set3.jsonl"  # written blind, judged, then used for choosing too
BLIND = EVAL / "queries_blind.jsonl"  # untuned: reported only
FRESH = EVAL / "queries_fresh.jsonl"  # written from real pages, reported once (round one); chosen on in round two
FRESH2 = EVAL / "queries_fresh2.jsonl"  # round two's report set: written from real pages, reported once
FRESH2_SECOND = EVAL / "queries_fresh2_second.jsonl"  # the same questions, judged by a second judge independently
FRESH3 = EVAL / "queries_fresh3.jsonl"  # round three's report set, reported once
FRESH3_SECOND = EVAL / "queries_fresh3_second.jsonl"  # the same questions, a second judge
FRESH4 = EVAL / "queries_fresh4.jsonl"  # round four's report set (four writers), reported once
FRESH4_SECOND = EVAL / "queries_fresh4_second.jsonl"  # the same questions, a second judge
FRESH5 = EVAL / "queries_fresh5.jsonl"  # round five's report set (three writers), reported once
FRESH5_SECOND = EVAL / "queries_fresh5_second.jsonl"  # the same questions, a second judge
FRESH6 = EVAL / "queries_fresh6.jsonl"  # round six's report set (three writers), reported once
FRESH6_SECOND = EVAL / "queries_fresh6_second.jsonl"  # the same questions, a second judge
SETS = {"tuned": QUERIES, "set3": SET3, "blind": BLIND, "fresh": FRESH, "fresh2": FRESH2,
        "fresh2-second": FRESH2_SECOND, "fresh3": FRESH3, "fresh3-second": FRESH3_SECOND,
        "fresh4": FRESH4, "fresh4-second": FRESH4_SECOND, "fresh5": FRESH5, "fresh5-second": FRESH5_SECOND,
        "fresh6": FRESH6, "fresh6-second": FRESH6_SECOND}
# The sets every setting is chosen on (together); the others are reported only. Round one chose on the first two;
# round two (after blind and fresh had been reported) on four, round three on six (fresh2 and its second judge
# too), and reports on fresh3; round four chose on the same six and reports on fresh4; round five on all ten
# and reports on fresh5; round six chose on the same ten and reports on fresh6 (tests/eval/README.md).
CHOOSING = ("tuned", "set3", "blind", "fresh", "fresh2", "fresh2-second", "fresh3", "fresh3-second", "fresh4",
            "fresh4-second")
RESULTS = ROOT / "bench" / "results"
MODES = ("bm25", "dense", "hybrid")
PERSONAS = ("practitioner", "researcher", "policy")


@dataclass(frozen=True)
class Judged:
    query: str
    relevant: tuple[str, ...]
    persona: str = ""
    phrases: tuple[str, ...] = ()
    unanswerable: str = ""  # why no node answers it (such queries are left out of the scores)


@dataclass
class Metrics:
    queries: int
    hit1: float
    hit5: float
    mrr: float
    ndcg: float = 0.0
    ranks: list[int] = field(default_factory=list, repr=False)  # rank of the first relevant hit, 0 = not in top 10

    def row(self) -> dict:
        return {"queries": self.queries, "hit@1": round(self.hit1, 4), "hit@5": round(self.hit5, 4),
                "mrr": round(self.mrr, 4), "ndcg@10": round(self.ndcg, 4)}


def load_queries(path: Path = QUERIES, answerable: bool = True) -> list[Judged]:
    """The judged queries of one file; unanswerable ones (``relevant: []``) only when ``answerable`` is False."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            j = Judged(d["query"], tuple(d["relevant"]), d.get("persona", ""), tuple(d.get("phrases") or ()),
                       d.get("unanswerable", "") or ("" if d["relevant"] else "no relevant node judged"))
        except (ValueError, KeyError, TypeError) as e:
            raise ValueError(f"{path}:{n}: not a judged query ({e.__class__.__name__}: {e})") from e
        if j.relevant or not answerable:
            out.append(j)
    return out


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


class Judge:
    """Which graph nodes count as relevant to a query: its judged ids, and every node whose text or label
    contains one of its accepted phrases (case and whitespace ignored)."""

    def __init__(self, kg):
        self.texts = {nid: _norm(f"{n.label} {n.text}") for nid, n in kg.nodes.items()}
        self._cache: dict[Judged, frozenset[str]] = {}

    def relevant(self, q: Judged) -> frozenset[str]:
        if q not in self._cache:
            phrases = [_norm(p) for p in q.phrases if p.strip()]
            self._cache[q] = frozenset(q.relevant) | {nid for nid, t in self.texts.items()
                                                      if any(p in t for p in phrases)}
        return self._cache[q]


def first_rank(ids: list[str], relevant) -> int:
    return next((i for i, nid in enumerate(ids, 1) if nid in relevant), 0)


def ndcg(ids: list[str], relevant, k: int = 10) -> float:
    """Binary-gain nDCG@k; the ideal ranking puts every relevant node (at most k) first."""
    dcg = sum(1 / math.log2(i + 1) for i, nid in enumerate(ids[:k], 1) if nid in relevant)
    ideal = sum(1 / math.log2(i + 1) for i in range(1, min(k, len(relevant)) + 1))
    return dcg / ideal if ideal else 0.0


def _judge(engine) -> Judge:
    j = getattr(engine, "_eval_judge", None)
    if j is None:
        j = engine._eval_judge = Judge(engine.kg)
    return j


def rankings(engine, queries: list[Judged], mode: str, k: int = 10) -> list[tuple[int, float]]:
    """(first relevant rank, nDCG@10) of each query."""
    judge = _judge(engine)
    out = []
    for q in queries:
        ids = [r.id for r in engine.search(q.query, k=k, mode=mode)]
        rel = judge.relevant(q)
        out.append((first_rank(ids, rel), ndcg(ids, rel, k)))
    return out


def _metrics(ranked: list[tuple[int, float]]) -> Metrics:
    n = max(1, len(ranked))
    ranks = [r for r, _ in ranked]
    return Metrics(len(ranks), sum(r == 1 for r in ranks) / n, sum(0 < r <= 5 for r in ranks) / n,
                   sum(1 / r for r in ranks if r) / n, sum(g for _, g in ranked) / n, ranks)


def score(engine, queries: list[Judged], mode: str, k: int = 10) -> Metrics:
    return _metrics(rankings(engine, queries, mode, k))


def per_persona(queries: list[Judged], ranked: list[tuple[int, float]]) -> dict[str, dict]:
    return {p: _metrics([r for q, r in zip(queries, ranked, strict=True) if q.persona == p]).row()
            for p in PERSONAS if any(q.persona == p for q in queries)}


def _is_element(nid: str) -> bool:
    return nid.split("/")[0].capitalize() in ELEMENT_CLASSES


def card_accuracy(engine, queries: list[Judged]) -> dict:
    """Card right: of the answerable queries, how often the card's answer (its headline: an element, an
    assumption, a figure, a case study …) is judged relevant (by id, or by containing an accepted phrase);
    overall and per persona. ``element@1`` keeps the older figure: over queries whose judged ids name a model
    element, how often the card's element is one."""
    judge = _judge(engine)
    right: dict[str, list[bool]] = {}
    elements = []
    for q in queries:
        card = engine.card(q.query)
        rel = judge.relevant(q)
        right.setdefault(q.persona, []).append(bool(card and card.headline.id in rel))
        if any(_is_element(r) for r in q.relevant):
            elements.append(bool(card and card.element.id in rel))
    every = [x for v in right.values() for x in v]
    return {"queries": len(every), "right": round(sum(every) / max(1, len(every)), 4),
            "personas": {p: round(sum(v) / len(v), 4) for p, v in right.items() if v},
            "element_queries": len(elements), "element@1": round(sum(elements) / max(1, len(elements)), 4)}


MISS_DEPTH = 30  # how deep a miss is looked for, to tell "ranked too low" from "not found"


def miss_kinds(engine, queries: list[Judged]) -> dict[str, int]:
    """Hybrid misses of the top 5 by where the first relevant node is: ranks 6-30, or not in the top 30."""
    ranks = [r for r, _ in rankings(engine, queries, "hybrid", MISS_DEPTH)]
    return {"top 5": sum(0 < r <= 5 for r in ranks), "ranks 6-30": sum(r > 5 for r in ranks),
            "not in top 30": sum(r == 0 for r in ranks), "ranks": ranks}


def evaluate_set(engine, queries: list[Judged], skipped: int = 0) -> dict:
    ranked = {m: rankings(engine, queries, m) for m in MODES}
    metrics = {m: _metrics(ranked[m]) for m in MODES}
    deep = miss_kinds(engine, queries)
    return {
        "queries": len(queries),
        "unanswerable_skipped": skipped,
        "modes": {m: metrics[m].row() for m in MODES},
        "personas": per_persona(queries, ranked["hybrid"]),
        "card": card_accuracy(engine, queries),
        "misses": {k: v for k, v in deep.items() if k != "ranks"},
        "per_query": [{"query": q.query, "persona": q.persona, **{m: metrics[m].ranks[i] for m in MODES},
                       "rank30": deep["ranks"][i]} for i, q in enumerate(queries)],
    }


# The methods compared on the choosing sets (tuned + set3): each changes the chosen method in one respect.
def candidates(base: Method) -> dict[str, Method]:
    out = {"chosen": base,
           "rrf only (no intent, no graph)": replace(base, fusion="rrf", intent=0.0, graph=0.0)}
    for a in (0.5, 0.6, 0.7, 0.8, 0.9):
        out[f"convex alpha {a}"] = replace(base, fusion="convex", alpha=a)
    for k in (1, 3, 5, 10, 20, 60):
        for wd in (1.0, 2.0):
            out[f"rrf k {k}, dense weight {wd}"] = replace(base, fusion="rrf", rrf_k=k,
                                                           weights={"dense": wd, "bm25": 1.0})
    for name, setting, values in SWEEPS:
        for v in values:
            out[name.format(v)] = replace(base, **{setting: v})
    return out


SWEEPS = (  # (row name, Method setting, values tried), one setting changed at a time
    ("intent {}", "intent", (0.0, 0.05, 0.1, 0.25, 0.4, 0.6, 1.0)),
    ("graph {}", "graph", (0.0, 0.1, 0.2, 0.3, 0.5)),
    ("depth {}", "depth", (20, 50, 100)),
    ("sentence rerank of top 30, weight {}", "rerank", (0.5, 1.0, 2.0)),
    ("pseudo-relevance feedback (Rocchio) {}", "prf", (0.2, 0.5, 1.0)),
    ("clause rankings, weight {}", "clauses", (0.25, 0.5, 1.0)),
    ("case/evidence/assumption credit to its element {}", "credit", (0.25, 0.5, 1.0)),
    ("named blocks ranking, weight {}", "named", (0.5, 1.0, 2.0)),
    ("hubness correction {}", "hub", (0.0, 0.05, 0.1, 0.2, 0.3)),
)


# How the card picks its element (search/card.py): (tie share, kind lean, lean to a tied hit's kind).
CARD_CHOICES = ((0.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.25, 0.0, 0.0), (0.25, 1.0, 0.0), (0.25, 2.0, 0.0),
                (0.25, 1.0, 2.0), (0.25, 1.0, 5.0), (0.5, 0.0, 0.0), (0.5, 1.0, 0.0), (0.5, 1.0, 2.0))


def compare_card_choice(engine, queries: list[Judged]) -> dict[str, float]:
    """Card share on ``queries`` for each way of weighing tied hits and the question's lean to a kind."""
    saved = card.TIE_SHARE, card.TYPE_SHARE, card.HIT_LEAN
    out = {}
    try:
        for tie, kind, hit in CARD_CHOICES:
            card.TIE_SHARE, card.TYPE_SHARE, card.HIT_LEAN = tie, kind, hit
            out[f"tie share {tie}, kind lean {kind}, tied-hit kind lean {hit}"] = card_accuracy(
                engine, queries)["element@1"]
    finally:
        card.TIE_SHARE, card.TYPE_SHARE, card.HIT_LEAN = saved
    return out


def compare_methods(engine, queries: list[Judged]) -> dict[str, dict]:
    saved = engine.method
    out = {}
    try:
        for name, m in candidates(saved).items():
            engine.method = m
            met = score(engine, queries, "hybrid")
            out[name] = {**met.row(), "card": card_accuracy(engine, queries)["element@1"]}
    finally:
        engine.method = saved
    return out


def compare_variants(engine, queries: list[Judged]) -> dict[str, dict]:
    """Each way of composing the embedded (and BM25) text, scored hybrid in memory (the saved index is
    not touched): e.g. 'defined' adds the ontology's definition of the node's kind and stage, 'views+ties'
    adds to each element the texts of its assumptions, foundations and cases; the graph-aware ones also
    with more weight on the best view (mix 1.0: pure max-sim)."""
    out = {}
    for name in VARIANT_NAMES:
        e = engine if name == engine.variant else SearchEngine(
            engine.kg, index_in_memory(engine.kg, engine._encoder, name), encoder=engine._encoder, variant=name)
        e.method = engine.method
        mixes = (e.vindex.mix, 0.7, 1.0) if name == engine.variant or name in LINKED else (e.vindex.mix,)
        saved = e.vindex.mix
        try:
            for mix in mixes:
                e.vindex.mix = mix
                label = name if mix == saved else f"{name}, view mix {mix}"
                out[label] = {**score(e, queries, "hybrid").row(), "card": card_accuracy(e, queries)["element@1"]}
        finally:
            e.vindex.mix = saved
    return out


def run(engine, quick: bool = False, sets: dict[str, Path] | None = None) -> dict:
    t0 = time.perf_counter()
    sets = sets or SETS
    report: dict = {"model": engine.vindex.meta.model, "variant": engine.variant,
                    "method": {k: v for k, v in engine.method.__dict__.items()}, "sets": {}}
    loaded = {}
    for name, path in sets.items():
        every = load_queries(path, answerable=False)
        loaded[name] = [q for q in every if q.relevant]
        report["sets"][name] = evaluate_set(engine, loaded[name], len(every) - len(loaded[name]))
    choosing = [q for name in CHOOSING for q in loaded.get(name, [])]
    if not quick and choosing:
        report["methods_on_tuned"] = compare_methods(engine, choosing)
        report["variants_on_tuned"] = compare_variants(engine, choosing)
        report["card_choice"] = {"tuned": compare_card_choice(engine, choosing)}
    report["seconds"] = round(time.perf_counter() - t0, 1)
    return report


def to_markdown(rep: dict) -> str:
    m = rep["method"]
    lines = [f"# Search evaluation (model `{rep['model']}`, embedded text `{rep['variant']}`)", "",
             f"Method: {m['fusion']} fusion (rrf k={m['rrf_k']}, weights {m['weights']}; convex alpha "
             f"{m['alpha']}), intent prior {m['intent']}, neighbour lift {m['graph']}, depth {m['depth']}, "
             f"hubness {m['hub']}, named blocks {m['named']}, learned reranker of the fused top 20 "
             f"{'on' if m.get('learned') else 'off'} (search/learned.py). The settings of the latest round were "
             f"chosen on {', '.join(f'**{c}**' for c in CHOOSING)} together; the other sets are report sets, each "
             "read once when its round's method was frozen (tests/eval/README.md says which round chose on or "
             "reported which set). A result counts as relevant when its id is judged or its text contains an "
             "accepted phrase.", ""]
    for name, s in rep["sets"].items():
        skipped = f"; {s['unanswerable_skipped']} judged unanswerable left out" if s["unanswerable_skipped"] else ""
        lines += [f"## {name} set ({s['queries']} queries{skipped})", "",
                  "| mode | hit@1 | hit@5 | MRR | nDCG@10 |", "|---|---|---|---|---|"]
        for mode, r in s["modes"].items():
            lines.append(f"| {mode} | {r['hit@1']:.3f} | {r['hit@5']:.3f} | {r['mrr']:.3f} | {r['ndcg@10']:.3f} |")
        lines += ["", "Hybrid by persona:", "", "| persona | queries | hit@1 | hit@5 | MRR | nDCG@10 |",
                  "|---|---|---|---|---|---|"]
        for p, r in s["personas"].items():
            lines.append(f"| {p} | {r['queries']} | {r['hit@1']:.3f} | {r['hit@5']:.3f} | {r['mrr']:.3f} "
                         f"| {r['ndcg@10']:.3f} |")
        c = s["card"]
        lines += ["", f"Card right (its answer judged relevant): {c.get('right', 0):.3f} of {c['queries']} "
                  f"answerable queries (" + ", ".join(f"{p} {v:.3f}" for p, v in c.get("personas", {}).items())
                  + ").", "", f"Answer card shows a judged element for {c['element@1']:.3f} of the "
                  f"{c['element_queries']} "
                  "queries whose judgment includes a model element.", ""]
        misses = [q for q in s["per_query"] if not 0 < q["hybrid"] <= 5]
        mk = s["misses"]
        lines += [f"Queries without a relevant node in the hybrid top 5 ({len(misses)}: "
                  f"{mk['ranks 6-30']} have one at ranks 6-30, {mk['not in top 30']} none in the top 30):", ""]
        lines += [f"- {q['query']} ({q['persona']}; hybrid rank {q['rank30'] or '>30'}, dense "
                  f"{q['dense'] or '>10'}, bm25 {q['bm25'] or '>10'})" for q in misses] or ["- none"]
        lines.append("")
    if "methods_on_tuned" in rep:
        lines += ["## Methods compared on the choosing sets, tuned + set3 (hybrid; each row changes the chosen "
                  "method in one respect)", "", "| method | hit@1 | hit@5 | MRR | nDCG@10 | card |",
                  "|---|---|---|---|---|---|"]
        for name, r in rep["methods_on_tuned"].items():
            lines.append(f"| {name} | {r['hit@1']:.3f} | {r['hit@5']:.3f} | {r['mrr']:.3f} | {r['ndcg@10']:.3f} "
                         f"| {r['card']:.3f} |")
    if "variants_on_tuned" in rep:
        lines += ["", "## Embedded text variants on the choosing sets, tuned + set3 (hybrid, chosen method)", "",
                  "| variant | hit@1 | hit@5 | MRR | nDCG@10 | card |", "|---|---|---|---|---|---|"]
        for name, r in rep["variants_on_tuned"].items():
            lines.append(f"| {name} | {r['hit@1']:.3f} | {r['hit@5']:.3f} | {r['mrr']:.3f} | {r['ndcg@10']:.3f} "
                         f"| {r['card']:.3f} |")
    if "card_choice" in rep:
        names = list(rep["card_choice"])
        lines += ["", "## How the card picks its element (chosen on tuned + set3; share of cards showing a judged "
                  "element)", "", "| choice | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
        for choice in rep["card_choice"][names[0]]:
            lines.append(f"| {choice} | " + " | ".join(f"{rep['card_choice'][n][choice]:.3f}" for n in names) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m search.evaluate", description=(
        "Score BM25, dense and hybrid search on the tuned and the blind judged sets; "
        "write bench/results/eval.{json,md}."))
    ap.add_argument("--build", type=Path, default=None, help="build directory (default: build/ or $EP_BUILD)")
    ap.add_argument("--queries", type=Path, action="append", default=None,
                    help="a JSON-lines file of judged queries instead of both sets (repeatable)")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--quick", action="store_true", help="skip the comparison of methods on the tuned set")
    ap.add_argument("--out", type=Path, default=RESULTS, help="where eval.json and eval.md go")
    add_store_argument(ap)
    args = ap.parse_args(argv)
    store = cli.parse_store("python -m search.evaluate", args.store)
    return store if isinstance(store, int) else cli.run(
        "python -m search.evaluate", lambda: _evaluate(args, SearchEngine.load(args.build, store=store)))


def _evaluate(args, engine) -> int:
    sets = ({p.stem: p for p in args.queries} if args.queries else None)
    for p in (sets or SETS).values():
        if not p.exists():
            print(f"python -m search.evaluate: {p}: no such file", file=sys.stderr)
            return 2
    rep = run(engine, quick=args.quick, sets=sets)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "eval.json").write_text(json.dumps(rep, indent=1), encoding="utf-8")
    (args.out / "eval.md").write_text(to_markdown(rep), encoding="utf-8")
    if args.json:
        print(json.dumps({k: ({n: {kk: vv for kk, vv in s.items() if kk != "per_query"} for n, s in v.items()}
                              if k == "sets" else v) for k, v in rep.items()}, indent=1))
    else:
        for name, s in rep["sets"].items():
            print(f"{name}: {s['queries']} queries")
            print(f"  {'mode':8} {'hit@1':>6} {'hit@5':>6} {'MRR':>6} {'nDCG':>6}")
            for mode, r in s["modes"].items():
                print(f"  {mode:8} {r['hit@1']:6.3f} {r['hit@5']:6.3f} {r['mrr']:6.3f} {r['ndcg@10']:6.3f}")
            print(f"  card right: {s['card']['right']:.3f} of {s['card']['queries']}")
        print(f"written: {args.out / 'eval.json'}, {args.out / 'eval.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

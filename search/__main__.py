"""python -m search "QUERY" [-k 10] [--type T] [--stage S] [--doc D] [--mode hybrid|dense|bm25] [--json] [--card]
python -m search --batch FILE   (JSON lines {"query": …, "k": …, "type": …}; one JSON result list per line)

Exit codes: 0 results found; 1 no results; 2 bad arguments (unknown type, stage, document or mode);
3 no build (run `python -m ingest`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from graph import cli
from graph.cli import add_store_argument
from graph.ns import NODE_CLASSES
from graph.stores.base import StoreSpec
from search.engine import BadFilter, SearchEngine


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m search", description=(
        "Search the Empowering Places knowledge graph (hybrid BM25 + embeddings) or show an answer card."),
        epilog=f"Node types: {', '.join(NODE_CLASSES)}. Stages: vision condition input process activity "
               "outcome impact.")
    ap.add_argument("query", nargs="?", help="what to look for, in your own words")
    ap.add_argument("-k", type=int, default=10, help="number of results (default 10)")
    ap.add_argument("--type", action="append", dest="types", metavar="TYPE", help="only this node type (repeatable)")
    ap.add_argument("--stage", action="append", dest="stages", metavar="STAGE", help="only this stage (repeatable)")
    ap.add_argument("--doc", action="append", dest="docs", metavar="DOCID", help="only nodes from this document")
    ap.add_argument("--mode", default="hybrid", choices=("hybrid", "dense", "bm25"), help="ranking (default hybrid)")
    ap.add_argument("--json", action="store_true", help="print JSON")
    ap.add_argument("--card", action="store_true", help="print the answer card for the query")
    ap.add_argument("--batch", type=Path, metavar="FILE", help="JSON lines of queries ('-' for stdin)")
    ap.add_argument("--build", type=Path, default=None, help="build directory (default: build/ or $EP_BUILD)")
    add_store_argument(ap)
    return ap


def _print_results(results, as_json: bool) -> None:
    if as_json:
        print(json.dumps(results.to_json(), ensure_ascii=False, indent=1))
        return
    for note in results.notes:
        print(f"note: {note}", file=sys.stderr)
    for i, r in enumerate(results, 1):
        src = r.source or {}
        print(f"{i:2}. {r.label}  [{r.type}{', ' + r.stage if r.stage else ''}]  {r.score:.4f}  {r.id}")
        print(f"    “{r.snippet.text}”")
        if src:
            print(f"    — {src['document']}" + (f", § {src['section']}" if src.get("section") else ""))


MAX_K = 1000  # results one batch line may ask for


def _batch_spec(line: bytes) -> dict:
    """One batch line read and checked, or ValueError naming what is wrong with it (never anything else)."""
    try:
        spec = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise ValueError(f"is not UTF-8 text (invalid byte at offset {e.start})") from None
    except RecursionError:
        raise ValueError("is JSON nested too deeply to read") from None
    except ValueError as e:
        raise ValueError(f"is not JSON ({e})") from None
    if isinstance(spec, str):
        spec = {"query": spec}
    if not isinstance(spec, dict):
        raise ValueError(f"must be a JSON object or string, not {type(spec).__name__}")
    if not isinstance(spec.get("query", ""), str):
        raise ValueError("'query' must be text")
    k = spec.get("k", 10)
    if isinstance(k, bool) or not isinstance(k, int | float) or k != k or k in (float("inf"), float("-inf")) \
            or k != int(k) or not 1 <= k <= MAX_K:
        raise ValueError(f"'k' must be a whole number from 1 to {MAX_K}, not {json.dumps(k)[:40]}")
    spec["k"] = int(k)
    for field in ("type", "stage", "doc"):
        v = spec.get(field)
        if isinstance(v, str):
            spec[field] = [v]
        elif v is not None and not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
            raise ValueError(f"'{field}' must be text or a list of text")
    if not isinstance(spec.get("mode", "hybrid"), str):
        raise ValueError("'mode' must be text")
    return spec


def _batch(engine, path: Path) -> int:
    """One JSON line out per line in: a bad line gets its own error line and the rest are still answered."""
    lines = sys.stdin.buffer if str(path) == "-" else path.open("rb")
    worst = 0
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            spec = _batch_spec(line)
            res = engine.search(spec.get("query", ""), k=spec["k"], types=spec.get("type"),
                                stages=spec.get("stage"), docs=spec.get("doc"), mode=spec.get("mode", "hybrid"))
            print(json.dumps(res.to_json(), ensure_ascii=False), flush=True)
        except (ValueError, BadFilter) as e:
            print(json.dumps({"error": f"line {n}: {e}"}, ensure_ascii=False), flush=True)
            worst = 2
        except Exception as e:  # noqa: BLE001 - one line's failure must not end the batch: named, and on to the next
            print(json.dumps({"error": f"line {n}: could not be answered ({e.__class__.__name__})"}), flush=True)
            worst = max(worst, 2)
    return worst


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.batch and args.query is None:
        _parser().print_usage(sys.stderr)
        print("python -m search: error: give a QUERY or --batch FILE", file=sys.stderr)
        return 2
    if args.batch and str(args.batch) != "-" and not args.batch.exists():
        print(f"python -m search: error: no such file: {args.batch}", file=sys.stderr)
        return 2
    if args.k < 1:
        print("python -m search: error: -k must be at least 1", file=sys.stderr)
        return 2
    return cli.run("python -m search", lambda: _answer(args))


def _answer(args) -> int:
    engine = SearchEngine.load(args.build, store=StoreSpec.parse(args.store))
    for note in engine.report.notes if engine.report else []:
        print(f"note: {note}", file=sys.stderr)
    if engine.report and engine.report.status != "up-to-date":
        print(f"note: index {engine.report.status}: {engine.report.reason}", file=sys.stderr)
    if args.batch:
        return _batch(engine, args.batch)
    try:
        if args.card:
            card = engine.card(args.query, types=args.types, stages=args.stages, docs=args.docs)
            if card is None:
                print("no model element matches this query", file=sys.stderr)
                return 1
            print(json.dumps(card.to_json(), ensure_ascii=False, indent=1) if args.json else card.to_markdown())
            return 0
        results = engine.search(args.query, k=args.k, types=args.types, stages=args.stages, docs=args.docs,
                                mode=args.mode)
    except BadFilter as e:
        print(f"python -m search: error: {e}", file=sys.stderr)
        return 2
    _print_results(results, args.json)
    if not results:
        if not args.json:
            print("no results", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

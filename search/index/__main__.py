"""``python -m search.index [--build DIR] [--store STORE] [--force] [--json]``: build or refresh a build's index."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from graph import cli
from graph.cli import add_store_argument
from graph.store import KnowledgeGraph, default_build
from search.index import ensure_index


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m search.index", description=(
        "Build or refresh the search index of a build (re-embeds only nodes whose text changed)."))
    ap.add_argument("--build", type=Path, default=None, help="build directory (default: build/ or $EP_BUILD)")
    ap.add_argument("--force", action="store_true", help="re-embed every node")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    add_store_argument(ap)
    args = ap.parse_args(argv)
    build = args.build or default_build()
    store = cli.parse_store("python -m search.index", args.store)
    if isinstance(store, int):
        return store
    return cli.run("python -m search.index", lambda: _refresh(KnowledgeGraph.load(build, store), args.force, args.json))


def _refresh(kg: KnowledgeGraph, force: bool, as_json: bool) -> int:
    try:  # beside the build the graph was read from (kg.build, the link resolved once), even if a swap follows
        _, report = ensure_index(kg.build, kg, force=force)
    except Exception as e:  # noqa: BLE001 - e.g. the model cannot load: one clear line, no traceback
        print(f"search.index: could not build the index ({e.__class__.__name__}: {e})", file=sys.stderr)
        return 1
    if as_json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(report.summary())
        for note in report.notes:
            print(f"note: {note}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

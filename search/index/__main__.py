"""``python -m search.index [--build DIR] [--store STORE] [--force] [--json]``: build or refresh a build's index."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from graph.cli import EXIT_STORE, add_store_argument
from graph.store import KnowledgeGraph, MissingBuild, default_build
from graph.stores.base import BadStore, StoreError, StoreSpec
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
    try:
        kg = KnowledgeGraph.load(build, StoreSpec.parse(args.store))
    except BadStore as e:
        ap.error(str(e))
    except MissingBuild as e:
        print(f"search.index: {e}", file=sys.stderr)
        return 3
    except StoreError as e:
        print(f"search.index: {e}", file=sys.stderr)
        return EXIT_STORE
    try:
        _, report = ensure_index(build, kg, force=args.force)
    except Exception as e:  # noqa: BLE001 - e.g. the model cannot load: one clear line, no traceback
        print(f"search.index: could not build the index ({e.__class__.__name__}: {e})", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(report.summary())
        for note in report.notes:
            print(f"note: {note}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

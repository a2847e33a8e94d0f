"""What a benchmark does with its report: bench/results/<name>.json and .md written, one of them printed."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from graph.stores.base import MissingBuild


def run_and_write(out: Path, name: str, make: Callable[[], dict], to_markdown: Callable[[dict], str],
                  as_json: bool) -> int:
    """Run ``make``, write ``out/<name>.json`` and ``.md``, print the JSON or the table; exit 3 without a build."""
    try:
        rep = make()
    except MissingBuild as e:
        print(f"no build: {e} (run python -m ingest)", file=sys.stderr)
        return 3
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(rep, indent=1), encoding="utf-8")
    (out / f"{name}.md").write_text(to_markdown(rep), encoding="utf-8")
    print(json.dumps(rep, indent=1) if as_json else to_markdown(rep))
    return 0

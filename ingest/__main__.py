"""python -m ingest [PATHS...] [--out build/] [--force] [--check] [--json]

Exit codes: 0 built or already up to date (per-file problems are listed as warnings);
1 no build could be made, or the store could not be written (the previous build and the store's live graph
are kept); 2 bad arguments (including an unknown --store); 4 --check found problems; 5 the store failed
while --check read it. Store errors are mapped by ``graph.cli``, as in every CLI.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from graph import cli
from graph.cli import EXIT_CHECK, EXIT_NOT_FOUND, EXIT_OK, add_store_argument
from graph.stores.base import StoreSpec
from ingest.build import DEFAULT_BUILD, DEFAULT_CORPUS, BuildError, build
from ingest.readers import printable


def _progress_bar(enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm

    bar = None

    def progress(label: str, i: int, n: int) -> None:
        nonlocal bar
        if bar is None or bar.total != n or bar.desc != label.split()[0]:
            if bar is not None:
                bar.close()
            bar = tqdm(total=n, desc=label.split()[0], unit="step", file=sys.stderr, leave=False)
        bar.n = i + 1
        bar.set_postfix_str(label.split(" ", 1)[-1][-40:])
        bar.refresh()

    return progress


PROG = "python -m ingest"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog=PROG,
        description=("Build the Empowering Places knowledge graph (RDF) from corpus documents (.md .txt .html .pdf)."),
    )
    ap.add_argument("paths", nargs="*", type=Path, help=f"files or folders (default: {DEFAULT_CORPUS.name}/)")
    ap.add_argument("--out", type=Path, default=DEFAULT_BUILD, help="build directory (default: build/)")
    ap.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    ap.add_argument("--check", action="store_true", help="validate the build (SHACL shapes and every quote)")
    ap.add_argument("--json", action="store_true", help="print the manifest as JSON")
    ap.add_argument("--quiet", action="store_true", help="no progress bar")
    add_store_argument(ap)
    args = ap.parse_args(argv)
    store = cli.parse_store(PROG, args.store)
    if isinstance(store, int):
        return store
    return cli.run(PROG, lambda: _ingest(args, store), args.json)


def _ingest(args: argparse.Namespace, store: StoreSpec) -> int:
    """Build (or find up to date), optionally check, and report; a build that cannot be made exits 1."""
    try:
        result = build(
            args.paths or None,
            args.out,
            force=args.force,
            progress=_progress_bar(not args.quiet and not args.json and sys.stderr.isatty()),
            store=store,
        )
    except BuildError as e:
        print(f"ingest failed: {e}\nThe previous build (if any) is unchanged.", file=sys.stderr)
        return EXIT_NOT_FOUND
    report = None
    if args.check:
        from ingest.validate import check

        report = check(result.out, store)
    _print(result, report, args.json)
    if report is not None and not report.conforms:
        return EXIT_CHECK
    return EXIT_OK


def _print(result, report, as_json: bool) -> None:
    """The manifest as JSON, or a summary with warnings on stderr and the check's verdict."""
    m = result.manifest
    if as_json:
        print(
            json.dumps(
                {
                    "status": result.status,
                    "out": str(result.out),
                    **m,
                    **({"check": {"conforms": report.conforms, "problems": report.problems}} if report else {}),
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        warnings = [(path, msg) for path, msgs in m.get("warnings", {}).items() for msg in msgs]
        if result.status == "up-to-date":
            # The warnings were printed when that build was made and stay in its manifest; an unchanged corpus
            # does not repeat them on every run (``make run`` calls ingest each time).
            kept = f"; its {len(warnings)} warning(s) are in {result.out / 'manifest.json'}" if warnings else ""
            print(f"{result.out}: up to date (corpus and code unchanged since {m.get('built_at')}); "
                  f"nothing to do{kept}")
            warnings = []
        else:
            n = sum(m["nodes"].get(c, 0) for c in m["nodes"] if c not in ("SourceSpan", "Section", "Document"))
            print(
                f"built {result.out}: {len(m['documents'])} documents, {n} nodes, {m['triples']} triples "
                f"in {m['timings']['total_s']:.2f}s"
            )
            for cls, k in m["nodes"].items():
                print(f"  {cls:14} {k}")
        for path, msg in warnings:
            print(f"warning: {printable(path)}: {printable(msg)}", file=sys.stderr)  # one line each
        if report is not None:
            print(
                "check: OK (SHACL shapes hold, every quote matches its offsets)"
                if report.conforms
                else "check: FAILED\n  " + "\n  ".join(report.problems[:50])
            )


if __name__ == "__main__":
    sys.exit(main())

"""ep: one console script over the module CLIs (``ep ingest …`` is ``python -m ingest …``, and so on).

Each command hands its arguments unchanged to the module CLI's ``main``, so flags, exit codes and
``--json`` shapes are exactly those of ``python -m ingest``, ``python -m graph``, ``python -m search``,
``python -m search.index`` and ``python -m search.evaluate``: people's scripts may use either spelling.
The module CLIs are imported only when their command runs, so ``ep --help`` answers at once.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from graph.cli import EXIT_OK, EXIT_USAGE


def _ingest(argv: list[str]) -> int:
    from ingest.__main__ import main

    return main(argv)


def _graph(argv: list[str]) -> int:
    from graph.__main__ import main

    return main(argv)


def _search(argv: list[str]) -> int:
    from search.__main__ import main

    return main(argv)


def _index(argv: list[str]) -> int:
    from search.index.__main__ import main

    return main(argv)


def _evaluate(argv: list[str]) -> int:
    from search.evaluate import main

    return main(argv)


# command -> (what it runs, the module CLI it is, one line of help)
COMMANDS: dict[str, tuple[Callable[[list[str]], int], str, str]] = {
    "ingest": (_ingest, "python -m ingest", "build the graph from the corpus (and --check it)"),
    "graph": (_graph, "python -m graph", "paths, chains, cases, nodes, SPARQL and exports over the graph"),
    "search": (_search, "python -m search", "ask a question: ranked results or an answer --card"),
    "index": (_index, "python -m search.index", "build or refresh the vector index"),
    "evaluate": (_evaluate, "python -m search.evaluate", "retrieval quality on the query sets"),
}


def usage() -> str:
    rows = "\n".join(f"  {name:9} {help_}  (= {module})" for name, (_f, module, help_) in COMMANDS.items())
    return ("usage: ep COMMAND [ARGS...]\n\n"
            "The Empowering Places knowledge graph: one entry point over the module CLIs.\n\n"
            f"commands:\n{rows}\n\n"
            "`ep COMMAND --help` shows a command's own flags; exit codes and --json output are the module CLI's.")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if args and args[0] in ("-h", "--help"):
        print(usage())
        return EXIT_OK
    if not args or args[0] not in COMMANDS:
        print(usage(), file=sys.stderr)
        if args:
            print(f"\nep: error: unknown command '{args[0]}'", file=sys.stderr)
        return EXIT_USAGE
    return COMMANDS[args[0]][0](args[1:])  # argparse's own exits (--help 0, usage 2) pass through as they are


if __name__ == "__main__":
    sys.exit(main())

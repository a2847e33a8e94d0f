"""SHACL validation of a built graph, and the provenance check: every quote is where it says it is."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF

from graph.ns import EP, OA, SHAPES_PATH, ontology


@dataclass
class Report:
    conforms: bool
    problems: list[str]


def shacl(g: Graph) -> Report:
    from pyshacl import validate

    conforms, results, text = validate(
        g,
        shacl_graph=Graph().parse(SHAPES_PATH),
        ont_graph=ontology(),
        inference="rdfs",
        allow_warnings=True,
    )
    problems = (
        []
        if conforms
        else [ln.strip() for ln in text.splitlines() if ln.strip().startswith(("Focus Node", "Message", "Result Path"))]
    )
    return Report(bool(conforms), problems)


def quotes(g: Graph, texts_dir: Path) -> Report:
    """Slicing each document's text at every span's offsets gives back the span's exact quote."""
    problems = []
    texts: dict[str, str] = {}
    for span in g.subjects(RDF.type, EP.SourceSpan):
        doc = str(g.value(span, OA.hasSource)).rsplit("/", 1)[-1]
        if doc not in texts:
            texts[doc] = (texts_dir / f"{doc}.txt").read_text(encoding="utf-8")
        start = end = exact = None
        for sel in g.objects(span, OA.hasSelector):
            if (sel, RDF.type, OA.TextPositionSelector) in g:
                start, end = int(g.value(sel, OA.start)), int(g.value(sel, OA.end))
            else:
                exact = str(g.value(sel, OA.exact))
        if start is None or exact is None or texts[doc][start:end] != exact:
            problems.append(f"{span}: text at [{start}:{end}] does not match its quote")
    return Report(not problems, problems)


def check(build_dir: Path, store: str | None = None) -> Report:
    """Validate the live graph of ``store``, copied into memory first (one read, however remote)."""
    from graph.store import in_memory, open_graph

    g = in_memory(open_graph(build_dir, store))
    a, b = shacl(g), quotes(g, build_dir / "texts")
    return Report(a.conforms and b.conforms, a.problems + b.problems)

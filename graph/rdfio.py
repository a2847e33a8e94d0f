"""Fast RDF reading and writing through Oxigraph's native parsers and serialisers.

rdflib's Turtle and JSON-LD writers look up a prefixed name for every term and its Turtle parser is
pure Python: minutes for a graph of a million triples. Oxigraph does both natively; these functions
convert terms at the boundary so the rest of the code keeps its rdflib ``Graph``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from graph.ns import ID, PREFIXES, bind_prefixes

FORMATS = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES}
_XSD_STRING = str(XSD.string)


def to_ox(t) -> ox.NamedNode | ox.Literal:
    if isinstance(t, URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, BNode):  # skolemised: a blank node cannot cross requests or stores
        return ox.NamedNode(f"{ID}bnode/{t}")
    if isinstance(t, Literal):
        if t.language:
            return ox.Literal(str(t), language=t.language)
        if t.datatype is not None:
            return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))
        return ox.Literal(str(t))
    raise TypeError(f"cannot store {t!r} ({type(t).__name__})")


def from_ox(t) -> URIRef | BNode | Literal:
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if t.language:
        return Literal(t.value, lang=t.language)
    dt = t.datatype.value
    return Literal(t.value) if dt == _XSD_STRING else Literal(t.value, datatype=URIRef(dt))


def ox_triples(g: Graph) -> Iterator[ox.Triple]:
    for s, p, o in g:
        yield ox.Triple(to_ox(s), to_ox(p), to_ox(o))


def write(g: Graph, path: Path, fmt: str) -> None:
    """``g`` to ``path`` as ttl, jsonld or nt, with the project's prefixes."""
    prefixes = {k: str(v) for k, v in PREFIXES.items()} if fmt != "nt" else None
    ox.serialize(ox_triples(g), str(path), FORMATS[fmt], prefixes=prefixes)


def dumps(g: Graph, fmt: str) -> str:
    prefixes = {k: str(v) for k, v in PREFIXES.items()} if fmt != "nt" else None
    return ox.serialize(ox_triples(g), None, FORMATS[fmt], prefixes=prefixes).decode("utf-8")


def read(path: Path, fmt: str = "ttl") -> Graph:
    """An rdflib Graph of the file, parsed by Oxigraph."""
    g = bind_prefixes(Graph())
    g.addN((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object), g)
           for t in ox.parse(path=str(path), format=FORMATS[fmt]))
    return g


def triples_from(quads: Iterable) -> Iterator[tuple]:
    for q in quads:
        yield from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)

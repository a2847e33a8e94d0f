"""Export the graph: RDF as Turtle or JSON-LD, the networkx view as GraphML, GEXF or CSV.

GraphML and GEXF accept only str/int/float/bool attributes, so every attribute is made string-safe
(None → "", lists → "; "-joined) and the view is the one ``graph.view.to_networkx`` builds, with all
relations, so tools like Gephi or yEd see exactly what the app sees.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import networkx as nx
from rdflib import Graph

from graph import rdfio
from graph.store import in_memory
from graph.view import to_networkx

FORMATS = ("ttl", "jsonld", "graphml", "gexf", "csv")


def _safe(value):
    if value is None:
        return ""
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set):
        return "; ".join(str(v) for v in value)
    return str(value)


def export_view(g: Graph) -> nx.DiGraph:
    """The full view with every attribute string-safe (for GraphML, GEXF and CSV)."""
    v = to_networkx(g, relations=True)
    out = nx.DiGraph()
    for n, d in v.nodes(data=True):
        out.add_node(n, **{k: _safe(x) for k, x in d.items()})
    for a, b, d in v.edges(data=True):
        out.add_edge(a, b, **{k: _safe(x) for k, x in d.items()})
    return out


def _csv(rows: list[dict], fields: list[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({k: r.get(k, "") for k in fields})
    return buf.getvalue()


def to_csv(g: Graph) -> tuple[str, str]:
    """(nodes.csv, edges.csv) of the view."""
    v = export_view(g)
    nodes = [{"id": n, **d} for n, d in v.nodes(data=True)]
    edges = [{"source": a, "target": b, **d} for a, b, d in v.edges(data=True)]
    nf = ["id", "type", "label", "stage", "order", "horizon", "scope", "text"]
    ef = ["source", "target", "kind", "basis", "weight", "evidence", "link", "evidence_source", "reason",
          "author", "model"]
    return _csv(nodes, nf), _csv(edges, ef)


def export(g: Graph, fmt: str, out: Path | None = None) -> str | None:
    """Write ``fmt`` to ``out`` (for csv: a folder holding nodes.csv and edges.csv), or return the text."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}' (use one of {', '.join(FORMATS)})")
    g = in_memory(g)
    if fmt == "csv":
        nodes, edges = to_csv(g)
        if out is None:
            return f"# nodes.csv\n{nodes}\n# edges.csv\n{edges}"
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "nodes.csv").write_text(nodes, encoding="utf-8")
        (out / "edges.csv").write_text(edges, encoding="utf-8")
        return None
    if fmt in ("ttl", "jsonld"):
        text = rdfio.dumps(g, fmt)
    else:
        buf = io.BytesIO()
        (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(export_view(g), buf)
        text = buf.getvalue().decode("utf-8")
    if out is None:
        return text
    Path(out).write_text(text, encoding="utf-8")
    return None

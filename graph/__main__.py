"""python -m graph COMMAND … — causal pathways, assumption chains, case studies, the evidence map, SPARQL, exports.

TEXT may be a node id (process/create-a-referral-network), a label, or a free phrase; a phrase is
resolved to the best-matching node and the output says which node was picked.

Exit codes (``graph.cli``): 0 ok; 1 not found / no path; 2 usage (a refused query included); 3 missing or
unreadable build; 5 the store failed or a SPARQL query ran over its time limit.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cli.resolve import searcher
from graph import cli
from graph.analysis.chains import attached_how, with_article
from graph.analysis.pathways import Pathways
from graph.cli import EXIT_NOT_FOUND, EXIT_OK, EXIT_STORE, EXIT_USAGE
from graph.lookup import HOW
from graph.ns import LINKED_CLASSES
from graph.store import default_build, open_graph
from graph.stores.base import StoreSpec

ELEMENTS = LINKED_CLASSES
CASE_KINDS = ("Assumption", "Foundation", "Vision", "Purpose")  # what else a case study may illustrate
STRONG_HELP = "only links stated in a document or shown by a case study (as the pages' checkbox)"


class NotFound(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    common = _common()
    ap = argparse.ArgumentParser(
        prog="python -m graph",
        parents=[common],
        description=(
            "Causal pathways through the Empowering Places logic model: paths between elements, what leads "
            "to the impacts, what an outcome rests on, the assumptions along the way, case studies, SPARQL "
            "and exports. Exit codes: 0 ok, 1 not found / no path, 2 usage, 3 missing build, 5 store unreachable "
            "or too slow."
        ),
    )
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _path_commands(sub, common)
    _reader_commands(sub, common)
    return ap


def _common() -> argparse.ArgumentParser:
    """The options every command takes (after the command as well as before it)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--build",
        type=Path,
        default=argparse.SUPPRESS,
        help="build directory holding graph.ttl (default: $EP_BUILD or build/)",
    )
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    common.add_argument(
        "--store",
        default=argparse.SUPPRESS,
        metavar="STORE",
        help=("memory (default), oxigraph:DIR or sparql:URL; default $EP_STORE"),
    )
    common.add_argument(
        "--no-search",
        action="store_true",
        default=argparse.SUPPRESS,
        help="resolve free phrases by word overlap only (no model load)",
    )
    return common


def _path_commands(sub, common: argparse.ArgumentParser) -> None:
    """paths, forward, backward, assumptions, fragility: the commands that walk the causal links."""
    p = sub.add_parser("paths", parents=[common], help="k best paths between two elements")
    p.add_argument("--from", dest="source", required=True, metavar="TEXT")
    p.add_argument("--to", dest="target", required=True, metavar="TEXT")
    p.add_argument("-k", type=int, default=5, help="number of paths (default 5)")
    p.add_argument("--max-depth", type=int, default=8)
    p.add_argument("--strong-only", action="store_true", help=STRONG_HELP)

    for name, helptext in (
        ("forward", "every path from an element on to the impacts"),
        ("backward", "every path from the conditions and inputs to an element"),
    ):
        p = sub.add_parser(name, parents=[common], help=helptext)
        p.add_argument("text", metavar="TEXT")
        p.add_argument("--max-paths", type=int, default=20)
        p.add_argument("--max-depth", type=int, default=8)
        p.add_argument("--strong-only", action="store_true", help=STRONG_HELP)

    p = sub.add_parser(
        "assumptions",
        parents=[common],
        help=(
            "assumptions, foundations and case evidence along an element's best pathway (or --from/--to), "
            "or what rests on an assumption or foundation"
        ),
    )
    p.add_argument("text", nargs="?", metavar="TEXT")
    p.add_argument("--from", dest="source", metavar="TEXT")
    p.add_argument("--to", dest="target", metavar="TEXT")

    p = sub.add_parser(
        "fragility",
        parents=[common],
        help=(
            "what every route to an outcome or impact rests on, what each assumption's failure would cut, the "
            "weakest step of its best routes; or, for an assumption, what its failure cuts everywhere; with no "
            "TEXT, every outcome and impact"
        ),
    )
    p.add_argument("text", nargs="?", metavar="TEXT")
    p.add_argument("--max-depth", type=int, default=8, help="longest route counted, in links (default 8)")
    p.add_argument("--routes", type=int, default=3, help="best routes listed with their weakest step (default 3)")
    p.add_argument("--strong-only", action="store_true",
                   help="count only routes whose every step is stated in a document or shown by a case study")
    p.add_argument("--csv", type=Path, metavar="FILE",
                   help="write the 'if this assumption failed' table with every assumption's sources")


def _reader_commands(sub, common: argparse.ArgumentParser) -> None:
    """cases, node, sparql, assess, export: the commands that read nodes, run queries and write files."""

    p = sub.add_parser("cases", parents=[common], help="case studies of an element, assumption, foundation, the "
                       "vision or the purpose; or what a case study illustrates")
    p.add_argument("text", metavar="TEXT")

    p = sub.add_parser("gapmap", parents=[common], help=(
        "the evidence and gap map: which case studies illustrate each condition, input, process or activity "
        "together with each outcome or impact; the empty cells (gaps) with the routes that cross them"),
        description=(
            "Rows: conditions, inputs, processes, activities; columns: outcomes and impacts. A cell holds the "
            "case studies that illustrate both, its level the strongest evidence (stated or shown); the empty "
            "cells are the gaps, most routes (condition or input ... row ... column ... impact) first. "
            "JSON keys: rows, columns, cells, gaps. Exit codes: 0 a map with at least one case study in a cell, "
            "1 every cell empty, 2 a bad filter, 3 missing build."))
    p.add_argument("--place", default="", metavar="PLACE", help="only case studies in this place (id or name)")
    p.add_argument("--org-type", default="", metavar="TYPE",
                   help="only case studies involving an organisation of this type (co-operative, trust, ...)")
    p.add_argument("--from", dest="date_from", default="", metavar="DATE",
                   help="only case studies whose document is dated on or after DATE (YYYY, YYYY-MM, YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", default="", metavar="DATE", help="... and on or before DATE")
    p.add_argument("--max-depth", type=int, default=8, help="longest route counted, in links (default 8)")
    p.add_argument("--pathways", type=int, default=3, help="best routes listed per gap (default 3)")
    p.add_argument("--gaps", type=int, default=15, help="gaps listed in the text output (default 15; --json: all)")
    p.add_argument("--csv", type=Path, metavar="FILE", help="write every cell of the grid as CSV")
    p.add_argument("--svg", type=Path, metavar="FILE", help="write the map as a 1920 x 1080 SVG slide")
    p.add_argument("--png", type=Path, metavar="FILE", help="write the map as a 1920 x 1080 PNG slide")

    p = sub.add_parser("node", parents=[common], help="a node and its neighbours grouped by relation")
    p.add_argument("text", metavar="TEXT")

    p = sub.add_parser("sparql", parents=[common], help=(
        "a read-only SPARQL query, checked and run in a sandbox (10 s limit; exit 5 past it)"))
    p.add_argument("query", metavar="QUERY")
    p.add_argument("--timeout", type=float, default=10.0)

    p = sub.add_parser(
        "assess",
        parents=[common],
        help=(
            "place self-assessment: open and blocked pathways, invest-here-first ranking; two or more "
            "profiles are compared"
        ),
    )
    p.add_argument("profiles", nargs="+", type=Path, metavar="PROFILE", help="YAML profile(s)")

    p = sub.add_parser("export", parents=[common], help="the graph as ttl, jsonld, graphml, gexf or csv")
    p.add_argument("--format", required=True, choices=("ttl", "jsonld", "graphml", "gexf", "csv"))
    p.add_argument("-o", "--output", type=Path, help="file (csv: a folder for nodes.csv and edges.csv)")


def _emit(args, data: dict, text: str) -> None:
    if getattr(args, "json", False):
        print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    else:
        print(text)


def _resolve(pw, args, text: str, types=ELEMENTS, prefer=None):
    search = None if getattr(args, "no_search", False) else searcher(pw.build, types)
    r = pw.resolve(text, types=types, search=search, prefer=prefer)
    if r.node is None:
        raise NotFound(r.message or f"nothing matches '{text}'")
    return r


def _picked(r) -> str:
    note = f"; {r.message}" if r.message else ""
    return f"'{r.text}' → {r.node.label} [{r.node.type}] ({r.node.id}) {HOW[r.how]}{note}"


def _node_obj(pw, nid: str) -> dict:
    n = pw.kg.nodes[nid]
    return {"id": n.id, "type": n.type, "label": n.label, "text": n.text, "stage": n.stage, "order": n.order}


def _fmt_paths(pw, res) -> str:
    lines = []
    if not res.paths:
        lines.append(res.message or "no path")
        if res.nearest:
            lines.append("nearest:")
            lines += [f"  {x['side']}: {x['label']} ({x['id']}, {x['hops']} hop(s))" for x in res.nearest]
        return "\n".join(lines)
    for i, p in enumerate(res.paths, 1):
        lines.append(f"{i}. strength {p.weight:.3f} (the product of its {len(p.links)} link strengths)")
        lines.append(f"   {pw.kg.nodes[p.nodes[0]].label}")
        for link in p.links:
            why = link.rationale or link.evidence
            why = why if len(why) <= 200 else why[:200] + "…"
            level = pw.evidence()[(link.source, link.target)].level
            lines.append(f"   → {pw.kg.nodes[link.target].label}   [{level}; {link.basis} {link.weight:.2f}: {why}]")
    if res.truncated:
        lines.append("(more paths exist: raise -k / --max-paths)")
    return "\n".join(lines)


def _chain_text(ch) -> str:
    lines = []
    for s in ch.steps:
        e = s.element
        where = e["horizon"] or e["scope"]
        lines.append(f"● {e['label']} [{e['type']}{' ' + where if where else ''}]")
        if s.link_in:
            lines.append(f"    via {with_article(s.link_in.basis)} link ({s.link_in.weight:.2f})"
                         + (f": {s.link_in.rationale}" if s.link_in.rationale else ""))
        for a in s.stated_by:
            lines.append(f"    the link itself is stated by: {a['label']}")
        lines += [f"    assumes: {a['text']}" + (f"  [{attached_how(a)}]" if a.get("basis") else "")
                  for a in s.assumptions]
        if s.same_stage_as_previous:
            lines.append("    (same stage as above: same foundations)")
        else:
            lines += [f"    foundation: {f['text']}" for f in s.foundations]
        for c in s.cases:
            figs = "; ".join(f["figure"] or f["label"] for f in c.figures)
            lines.append(f"    case: {c.case} ({c.basis} {c.weight:.2f}){' — ' + figs if figs else ''}")
    return "\n".join(lines)


def _paths_json(pw, res) -> dict:
    """A PathResult as JSON, each path's links with their evidence level beside them (same order)."""
    data = res.to_json()
    ev = pw.evidence()
    for p, pj in zip(res.paths, data["paths"], strict=True):
        pj["evidence"] = [{k: ev[(lk.source, lk.target)].to_json()[k] for k in ("level", "badge", "why")}
                          for lk in p.links]
    return data


def _strong_note(args, res) -> str:
    return ("\n(only links stated in a document or shown by a case study were followed: --strong-only)"
            if args.strong_only and not res.found else "")


def cmd_paths(pw, args) -> int:
    a = _resolve(pw, args, args.source)
    b = _resolve(pw, args, args.target, prefer=pw.downstream_of(a.node.id))
    res = pw.paths(a.node.id, b.node.id, args.k, args.max_depth, strong_only=args.strong_only)
    data = {"from": a.to_json(), "to": b.to_json(), **_paths_json(pw, res)}
    _emit(args, data, f"from {_picked(a)}\nto   {_picked(b)}\n" + _fmt_paths(pw, res) + _strong_note(args, res))
    return EXIT_OK if res.found else EXIT_NOT_FOUND


def cmd_direction(pw, args) -> int:
    r = _resolve(pw, args, args.text)
    fn = pw.forward if args.command == "forward" else pw.backward
    res = fn(r.node.id, args.max_paths, args.max_depth, strong_only=args.strong_only)
    _emit(args, {"resolved": r.to_json(), **_paths_json(pw, res)},
          f"{_picked(r)}\n" + _fmt_paths(pw, res) + _strong_note(args, res))
    return EXIT_OK if res.found else EXIT_NOT_FOUND


def cmd_assumptions(pw, args) -> int:
    if args.source or args.target:
        if not (args.source and args.target):
            print("give both --from and --to (or one TEXT)", file=sys.stderr)
            return EXIT_USAGE
        a = _resolve(pw, args, args.source)
        b = _resolve(pw, args, args.target, prefer=pw.downstream_of(a.node.id))
        res = pw.paths(a.node.id, b.node.id, 1)
        if not res.found:
            _emit(args, {"from": a.to_json(), "to": b.to_json(), **res.to_json()}, _fmt_paths(pw, res))
            return EXIT_NOT_FOUND
        ch = pw.chain(res.paths[0])
        _emit(
            args,
            {"from": a.to_json(), "to": b.to_json(), "chain": ch.to_json()},
            f"from {_picked(a)}\nto   {_picked(b)}\n" + _chain_text(ch),
        )
        return EXIT_OK
    if not args.text:
        print("give TEXT or --from and --to", file=sys.stderr)
        return EXIT_USAGE
    r = _resolve(pw, args, args.text, ELEMENTS + ("Assumption", "Foundation"))
    if r.node.type in ("Assumption", "Foundation"):
        ro = pw.rests_on(r.node.id)
        text = [_picked(r), f"underpins {len(ro.elements)} element(s):"]
        text += [f"  {e['label']} [{e['type']}]" + (f": {attached_how(e)}" if e.get("basis") else "")
                 for e in ro.elements]
        text.append(
            f"{len(ro.downstream)} element(s) downstream; if it fails, these lose every path "
            f"from a condition or input: " + (", ".join(x["label"] for x in ro.breaks) or "none")
        )
        text += [f"  stated link: {link.source} → {link.target}" for link in ro.links]
        for p in ro.paths:
            text.append("  path: " + " → ".join(pw.kg.nodes[n].label for n in p.nodes))
        _emit(args, {"resolved": r.to_json(), "rests_on": ro.to_json()}, "\n".join(text))
        return EXIT_OK
    through = pw.finder.through(r.node.id, k=1)
    ch = pw.chain(through[0]) if through else pw.chain(r.node.id)
    _emit(
        args,
        {"resolved": r.to_json(), "chain": ch.to_json()},
        f"{_picked(r)}\n" + ("best pathway through it:\n" if through else "") + _chain_text(ch),
    )
    return EXIT_OK


def _step_text(pw, e) -> str:
    return f"{pw.kg.nodes[e.source].label} → {pw.kg.nodes[e.target].label} [{e.badge} {e.weight:.2f}]: {e.why}"


def _fragility_text(pw, f) -> list[str]:
    from graph.analysis.fragility import evidence_words
    from graph.analysis.paths import ROOT_TYPES

    kg = pw.kg
    label = lambda i: kg.nodes[i].label if i in kg.nodes else i  # noqa: E731
    scope = "stated or shown " if f.strong_only else ""
    lines = [f"{f.total} {scope}route(s) from a condition or input (at most {f.max_depth} links, {f.method}"
             f"{'' if f.exact else ', a lower bound'}); {f.strong_total} with every step stated or shown"]
    if not f.total:
        if f.target.get("type") in ROOT_TYPES:
            lines.append("routes start at conditions and inputs: nothing upstream of it to rest on")
        return lines
    if f.on_every_route:
        lines.append("on every route: " + "; ".join(f"{n['label']} [{n['type']}]" for n in f.on_every_route))
    lines.append(f"what this rests on everywhere ({len(f.everywhere)}):")
    for r in f.everywhere:
        lines.append(f"  {'its own ' if r.own else ''}{r.node['type'].lower()} ({r.node.get('stage_label', '')}): "
                     f"{r.node['text'] or r.node['label']}")
    lines.append(f"if this assumption failed (routes lost of {f.total}):")
    for r in f.rows:
        src = r.sources[0] if r.sources else {}
        where = f"  — {src.get('document', '')}, {src.get('section', '')}" if src else ""
        lines.append(f"  {r.lost:>5}  {r.node['label']} [{r.node['type']}, {r.node.get('stage_label', '')}"
                     f"{', own' if r.own else ''}{', ' + evidence_words(len(r.cases)) if r.cases else ''}]{where}")
    for i, route in enumerate(f.routes, 1):
        steps = "".join(f" →[{e.level}] {label(e.target)}" for e in route.evidence)
        lines.append(f"route {i} (weight {route.path.weight:.3f}): {label(route.path.nodes[0])}{steps}")
        if route.weakest is not None:
            lines.append("  weakest step: " + _step_text(pw, route.evidence[route.weakest]))
    return lines


def cmd_fragility(pw, args) -> int:
    from graph.analysis.fragility import evidence_words, to_csv

    fa = pw.fragility()
    if not args.text:
        data, lines = [], []
        for t in fa.targets():
            f = fa.for_target(t, args.max_depth, args.strong_only, routes=0)
            data.append({"target": f.target, "routes_total": f.total, "routes_strong": f.strong_total,
                         "everywhere": [r.node["id"] for r in f.everywhere],
                         "most_cutting": [{"id": r.node["id"], "lost": r.lost} for r in f.most_cutting]})
            top = f.most_cutting
            lines.append(f"{f.target['label']} [{f.target['type']}]: {f.total} route(s), "
                         f"{len(f.everywhere)} assumption(s)/foundation(s) under every one"
                         + (f"; most cutting upstream: {top[0].node['label']} ({top[0].lost} of {f.total}"
                            f"{f', tied with {len(top) - 1} more' if len(top) > 1 else ''})" if top else ""))
        ranking = fa.ranking(args.max_depth, args.strong_only)
        lines.append("assumptions and foundations by outcome/impact routes cut:")
        lines += [f"  {c.lost:>5} of {c.total}  {c.node['label']} [{c.node['type']}]"
                  + (f", cuts off {len(c.cut_off)}" if c.cut_off else "") for c in ranking]
        _emit(args, {"targets": data, "ranking": [c.to_json() for c in ranking]}, "\n".join(lines))
        return EXIT_OK
    r = _resolve(pw, args, args.text, ELEMENTS + ("Assumption", "Foundation"))
    if r.node.type in ("Assumption", "Foundation"):
        cut = fa.if_failed(r.node.id, args.max_depth, args.strong_only)
        lines = [_picked(r), f"rests on it directly: {len(cut.elements)} element(s); if it failed, outcomes and "
                 f"impacts would lose {cut.lost} of their {cut.total} routes"]
        lines += [f"  {t['label']} [{t['type']}]: loses {t['lost']} of {t['total']}"
                  + (" (no route left)" if t["cut_off"] else "") for t in cut.per_target if t["lost"]]
        lines += [f"  source: {s['document']}, {s['section']}: {s['quote']}" for s in cut.sources]
        lines += [f"  attached to {pw.kg.nodes[a['element']].label}: {a['basis']}: {a['reason']}"
                  for a in cut.attached if a["basis"]]
        if cut.cases:  # case studies linked to it are evidence for it
            lines.append(evidence_words(len(cut.cases)) + ":")
            lines += [f"  {c['label']}: {c['rationale'] or c['quote']}" for c in cut.cases]
        _emit(args, {"resolved": r.to_json(), "if_failed": cut.to_json()}, "\n".join(lines))
        return EXIT_OK
    f = fa.for_target(r.node.id, args.max_depth, args.strong_only, routes=args.routes)
    if args.csv:
        args.csv.write_text(to_csv(f), encoding="utf-8")
    _emit(args, {"resolved": r.to_json(), "fragility": f.to_json()},
          "\n".join([_picked(r)] + _fragility_text(pw, f)))
    return EXIT_OK if f.total else EXIT_NOT_FOUND


def cmd_cases(pw, args) -> int:
    r = _resolve(pw, args, args.text, ELEMENTS + ("CaseStudy", "Insight", *CASE_KINDS))
    if r.node.type == "CaseStudy":
        links = pw.illustrated_by(r.node.id)
        other = lambda c: c.element  # noqa: E731
    else:
        links = pw.cases_of(r.node.id)
        other = lambda c: c.case  # noqa: E731
    results = [
        {
            **_node_obj(pw, other(c)),
            "basis": c.basis,
            "weight": c.weight,
            "evidence": c.evidence,
            "evidence_source": c.evidence_source,
            "reason": c.reason,
            "rationale": c.rationale,
            "figures": c.figures,
        }
        for c in links
    ]
    text = [_picked(r)] + [
        f"  {x['label']} [{x['type']}]: {x['rationale'][:200]}" for x in results
    ]
    if not results:
        text.append("  no case studies" if r.node.type != "CaseStudy" else "  illustrates nothing yet")
    _emit(args, {"resolved": r.to_json(), "results": results}, "\n".join(text))
    return EXIT_OK if results else EXIT_NOT_FOUND


def cmd_gapmap(pw, args) -> int:
    from graph.analysis.gapmap import BadFilter, Filters

    filters = Filters(args.place, args.org_type, args.date_from, args.date_to)
    try:
        m = pw.evidence_map(filters, args.max_depth, args.pathways)
    except BadFilter as e:
        return cli.fail("python -m graph", "bad filter", str(e), EXIT_USAGE, getattr(args, "json", False))
    if args.csv:
        args.csv.write_text(m.to_csv(), encoding="utf-8")
    if args.svg or args.png:
        from graph.analysis.gapmap_picture import to_svg
        from graph.analysis.picture import to_png

        svg = to_svg(m)
        if args.svg:
            args.svg.write_text(svg, encoding="utf-8")
        if args.png:
            args.png.write_bytes(to_png(svg))
    crossed = [g for g in m.gaps if g.routes]
    lines = [f"{len(m.kept)} of {len(m.cases)} case studies; {len(m.rows)} rows x {len(m.columns)} columns: "
             f"{len(m.cells)} cell(s) with a case study, {len(m.gaps)} gap(s), {len(crossed)} of them on a route"]
    for c in m.cells:
        lines.append(f"  {m.label(c.row)} x {m.label(c.column)}: {c.count} [{c.level}] "
                     + "; ".join(t for _, t in c.cases))
    lines.append(f"gaps crossed by most routes (of {len(crossed)}):")
    for g in crossed[: args.gaps]:
        lines.append(f"  {m.label(g.row)} x {m.label(g.column)}: {g.routes} route(s)"
                     + (f" [direct arrow {g.level}]" if g.level else ""))
        for p in g.pathways[:1]:
            lines.append("    best: " + " -> ".join(pw.kg.nodes[n].label for n in p["nodes"]))
    if len(crossed) > args.gaps:
        lines.append(f"  ... {len(crossed) - args.gaps} more (--gaps N, or --json for all)")
    _emit(args, m.to_json(), "\n".join(lines))
    return EXIT_OK if m.cells else EXIT_NOT_FOUND


def cmd_node(pw, args) -> int:
    r = _resolve(pw, args, args.text, None)
    node = pw.node(r.node.id)
    nb = pw.neighbours(r.node.id)
    text = [_picked(r), f"{node['label']} [{node['type']}]", node["text"]]
    for rel, items in sorted(nb.items()):
        text.append(f"{rel}:")
        text += [
            f"  {'→' if x['direction'] == 'out' else '←'} {x['label']} ({x['id']})"
            + (f" [{x['basis']} {x['weight']:.2f}]" if "basis" in x else "")
            for x in items
        ]
    _emit(args, {"resolved": r.to_json(), "node": node, "neighbours": nb}, "\n".join(text))
    return EXIT_OK


def cmd_sparql(g, args) -> int:
    from graph.sparql import QueryRefused, QueryTimeout, run

    try:  # the worker process opens the store itself: the graph is never parsed twice
        res = run(None, args.query, timeout=args.timeout, store=str(args.store_spec), build=args.build)
    except QueryRefused as e:
        print(f"refused: {e}", file=sys.stderr)
        return EXIT_USAGE
    except QueryTimeout as e:  # the store took too long: exit 5, as for every store failure
        return cli.fail("python -m graph", "timeout", str(e), EXIT_STORE, getattr(args, "json", False))
    if res.kind == "select":
        text = "\t".join(res.vars) + "\n" + "\n".join("\t".join(r[v] for v in res.vars) for r in res.rows)
    else:
        text = str(res.boolean) if res.kind == "ask" else res.turtle
    _emit(args, res.to_json(), text)
    return EXIT_OK


def cmd_export(g, args) -> int:
    from graph.analysis.export import export

    text = export(g, args.format, args.output)
    if text is not None:
        sys.stdout.write(text)
    elif not getattr(args, "json", False):
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        print(json.dumps({"format": args.format, "output": str(args.output)}))
    return EXIT_OK


def cmd_assess(pw, args) -> int:
    from graph.analysis.assess import ProfileError, assess, compare, load_profile, together_sentence
    from graph.analysis.assess import columns as assess_columns

    try:
        profiles = [load_profile(p, pw.kg) for p in args.profiles]
    except ProfileError as e:
        print(f"invalid profile: {e}", file=sys.stderr)
        return EXIT_USAGE
    results = [assess(pw.kg, p) for p in profiles]
    lines = []
    for r in results:
        s = r.summary(pw.kg)
        lines.append(
            f"{r.place}: outcomes and impacts in place {s['in place']}, at risk {s['at risk']}, "
            f"unknown {s['unknown']}, blocked {s['blocked']}"
        )
        shown = set()
        for col in assess_columns(pw.kg):
            why = r.why(col.elements[0], pw.kg)
            if why and why not in shown:
                shown.add(why)
                lines.append(f"  {col.label}: {why}")
        lines.append("  invest here first (moves up / holds back outcomes and impacts):")
        for i in r.invest[:5]:
            lines.append(f"    {i.label} [{i.type}, now {i.status}]: moves {i.moves}, holds back {i.holds}")
        if r.together.ids and r.together.moves:
            lines.append(f"  {together_sentence(pw.kg, r)}")
        for a in r.assumptions_at_risk[:5]:
            lines.append(f"  assumption at risk ({a['status']}): {a['label']}")
    data: dict = {"assessments": [r.to_json(pw.kg) for r in results]}
    if len(results) > 1:
        c = compare(results, pw.kg, profiles)
        data["comparison"] = c.to_json()
        lines.append(f"compared {' → '.join(c.places)}:")
        lines += [f"  {x['label']} [{x['type']}]: {' → '.join(x['statuses'])}" for x in c.items]
        lines.append(
            f"  {len(c.changed)} element(s) changed state; moved up: "
            + (", ".join(pw.kg.nodes[n].label for n in c.up) or "none")
            + "; moved down: "
            + (", ".join(pw.kg.nodes[n].label for n in c.down) or "none")
        )
    _emit(args, data, "\n".join(lines))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    ap = _parser()
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0) if e.code in (0, None) else EXIT_USAGE
    build = getattr(args, "build", None) or default_build()
    args.build = build
    store = cli.parse_store("python -m graph", getattr(args, "store", None))
    if isinstance(store, int):
        return store
    return cli.run("python -m graph", lambda: _dispatch(args, build, store), getattr(args, "json", False))


def _dispatch(args, build: Path, store: StoreSpec) -> int:
    """Open what the command reads (the bare graph or the pathways over it) and run the command."""
    try:
        if args.command == "sparql":
            args.store_spec = store  # the sandbox's worker opens the store itself
            return cmd_sparql(None, args)
        if args.command == "export":
            return cmd_export(open_graph(build, store), args)
        pw = Pathways.load(build, store)
        if args.command == "assess":
            return cmd_assess(pw, args)
        return COMMANDS[args.command](pw, args)
    except NotFound as e:
        return cli.fail("python -m graph", "not found", str(e), EXIT_NOT_FOUND, getattr(args, "json", False))


COMMANDS = {"paths": cmd_paths, "forward": cmd_direction, "backward": cmd_direction,
            "assumptions": cmd_assumptions, "cases": cmd_cases, "fragility": cmd_fragility, "node": cmd_node,
            "gapmap": cmd_gapmap}


if __name__ == "__main__":
    sys.exit(main())

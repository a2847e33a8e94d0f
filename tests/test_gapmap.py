"""The evidence and gap map: a small graph's map worked out by hand, the seed graph's counts, the CLI.

The small graph is written as RDF (the triples ingest writes: elements on their stages, causal links,
case studies with ep:CaseLink links, places, organisations, dates) and read through the real records,
view and path finder, as in tests/test_fragility.py. Every expected value was worked out by hand first.
"""

from __future__ import annotations

import json
from itertools import pairwise

import networkx as nx
import pytest
from rdflib import Graph

from graph.__main__ import main
from graph.analysis.gapmap import NOT_NAMED, BadFilter, Filters, org_type
from graph.analysis.pathways import Pathways
from graph.ns import ID
from tests.test_fragility import PREFIXES, _el, _link, _u


def _case(cid: str, title: str, place: tuple[str, str] | None, org: tuple[str, str] | None, date: str,
          quotes: dict[str, str]) -> str:
    out = f'{_u(cid)} a ep:CaseStudy ; skos:prefLabel "{title}" ; ep:text "{title}."'
    if place:
        out += f" ; ep:locatedIn {_u(place[0])}"
    if org:
        out += f" ; ep:involves {_u(org[0])}"
    if date:
        out += f' ; dcterms:date "{date}"'
    out += " .\n"
    if place:
        out += f'{_u(place[0])} a ep:Place ; skos:prefLabel "{place[1]}" .\n'
    if org:
        out += f'{_u(org[0])} a ep:Organisation ; skos:prefLabel "{org[1]}" .\n'
    for element, quote in quotes.items():
        out += (f"[] a ep:CaseLink ; ep:case {_u(cid)} ; ep:element {_u(element)} ; ep:basis \"semantic\" ; "
                f'ep:weight 0.5 ; ep:evidence "{quote}" .\n')
    return out


# By hand.
#
#   C (condition) ─stated .9─▶ P ─inferred .8─▶ A ─stated .9─▶ O ─inferred .7─▶ T (impact)
#   I (input) ───inferred .5─▶ P ─────curated .6─────────────▶ O
#
# Case K (Leeds, "K Workers Co-operative", 2021-05-01) illustrates I and O;
# case M (York, "M Development Trust", 2023) illustrates A, O and T; case N (no place, organisation or date)
# illustrates C only, so it fills no cell.
# Rows C, I, P, A; columns O, T. Cells: I×O {K} shown (no arrow I → O); A×O {M} stated (a document states
# A → O); A×T {M} shown. The other five are gaps. Routes (a condition or input … row … column … T):
#   P×O and P×T: {C, I} → P, then P → A → O or P → O, then O → T: 2 × 2 = 4 each
#   C×O, C×T: C P A O T, C P O T = 2 each;  I×T: I P A O T, I P O T = 2
# Gap order: most routes, then row, then column. P×O's direct arrow is curated; the rest have none.
# Route weights: C P A O T .9·.8·.9·.7 = .4536 · C P O T .9·.6·.7 = .378 · I P A O T .5·.8·.9·.7 = .252 ·
# I P O T .5·.6·.7 = .21; the best three of a gap listed, strongest first.
C, I, P, A, O, T = "condition/c", "input/i", "process/p", "activity/a", "outcome/o", "impact/t"  # noqa: E741 - as drawn above
K, M, N = "casestudy/k", "casestudy/m", "casestudy/n"
GRAPH = PREFIXES + "".join([
    _el(C, "Condition", "condition", "Condition C"),
    _el(I, "Input", "input", "Input I"),
    _el(P, "Process", "process", "Process P"),
    _el(A, "Activity", "activity", "Activity A"),
    _el(O, "Outcome", "outcome", "Outcome O"),
    _el(T, "Impact", "impact", "Impact T"),
    _link(C, P, "textual", 0.9, "C makes P happen"),
    _link(I, P, "inferred", 0.5),
    _link(P, A, "inferred", 0.8),
    _link(A, O, "textual", 0.9, "A brings about O"),
    _link(P, O, "curated", 0.6, "P feeds O", author="a curator"),
    _link(O, T, "inferred", 0.7),
    _case(K, "Case K", ("place/leeds", "Leeds"), ("organisation/k", "K Workers Co-operative"), "2021-05-01",
          {I: "K pooled the money of its members.", O: "K kept the income in the town."}),
    _case(M, "Case M", ("place/york", "York"), ("organisation/m", "M Development Trust"), "2023",
          {A: "M ran a weekly advice session.", O: "The advice kept the income local.",
           T: "The town prospered, M says."}),
    _case(N, "Case N", None, None, "", {C: "N had a shared vision."}),
])
ROWS = [{"id": C, "label": "Condition C", "type": "Condition"}, {"id": I, "label": "Input I", "type": "Input"},
        {"id": P, "label": "Process P", "type": "Process"}, {"id": A, "label": "Activity A", "type": "Activity"}]
COLUMNS = [{"id": O, "label": "Outcome O", "type": "Outcome"}, {"id": T, "label": "Impact T", "type": "Impact"}]
CPAOT = {"nodes": [C, P, A, O, T], "weight": 0.4536}
CPOT = {"nodes": [C, P, O, T], "weight": 0.378}
IPAOT = {"nodes": [I, P, A, O, T], "weight": 0.252}
IPOT = {"nodes": [I, P, O, T], "weight": 0.21}
CELL_IO = {"row": I, "column": O, "cases": [{"id": K, "label": "Case K"}], "level": "shown", "count": 1,
           "link": None, "quotes": [{"case": K, "row": "K pooled the money of its members.",
                                     "column": "K kept the income in the town."}]}
CELL_AO = {"row": A, "column": O, "cases": [{"id": M, "label": "Case M"}], "level": "stated", "count": 1,
           "link": {"source": A, "target": O, "basis": "textual", "weight": 0.9},
           "quotes": [{"case": M, "row": "M ran a weekly advice session.",
                       "column": "The advice kept the income local."}]}
CELL_AT = {"row": A, "column": T, "cases": [{"id": M, "label": "Case M"}], "level": "shown", "count": 1,
           "link": None, "quotes": [{"case": M, "row": "M ran a weekly advice session.",
                                     "column": "The town prospered, M says."}]}
CASES = {"total": 3, "kept": [K, M, N]}
OPTIONS = {"places": [{"id": "place/leeds", "label": "Leeds"}, {"id": "place/york", "label": "York"}],
           "org_types": ["co-operative", "trust"], "dates": ["2021-05-01", "2023"], "undated": 1}


@pytest.fixture(scope="module")
def small() -> Pathways:
    return Pathways(Graph().parse(data=GRAPH.replace("<ID", f"<{ID}"), format="turtle"))


def test_small_graph_map_whole(small):
    assert small.evidence_map().to_json() == {
        "rows": ROWS,
        "columns": COLUMNS,
        "cells": [CELL_IO, CELL_AO, CELL_AT],
        "gaps": [
            {"row": P, "column": O, "level": "curated", "routes": 4, "pathways": [CPAOT, CPOT, IPAOT]},
            {"row": P, "column": T, "level": "", "routes": 4, "pathways": [CPAOT, CPOT, IPAOT]},
            {"row": C, "column": O, "level": "", "routes": 2, "pathways": [CPAOT, CPOT]},
            {"row": C, "column": T, "level": "", "routes": 2, "pathways": [CPAOT, CPOT]},
            {"row": I, "column": T, "level": "", "routes": 2, "pathways": [IPAOT, IPOT]},
        ],
        "filters": {"place": "", "org_type": "", "date_from": "", "date_to": ""},
        "options": OPTIONS,
        "cases": CASES,
        "max_depth": 8,
    }


def test_small_graph_filters(small):
    # Leeds keeps K alone: A's cells empty, so A×O and A×T become gaps with their routes (I P A O T, C P A O T)
    leeds = small.evidence_map(Filters(place="Leeds"), pathways=0).to_json()
    assert leeds["cells"] == [CELL_IO] and leeds["cases"] == {"total": 3, "kept": [K]}
    assert [(g["row"], g["column"], g["routes"], g["level"]) for g in leeds["gaps"]] == [
        (P, O, 4, "curated"), (P, T, 4, ""), (C, O, 2, ""), (C, T, 2, ""), (I, T, 2, ""), (A, O, 2, "stated"),
        (A, T, 2, "")]
    assert leeds["options"] == OPTIONS  # the choices stay those of every case study
    assert small.evidence_map(Filters(place="place/york")).to_json()["cells"] == [CELL_AO, CELL_AT]
    assert small.evidence_map(Filters(org_type="co-operative")).to_json()["cells"] == [CELL_IO]
    assert small.evidence_map(Filters(org_type="trust")).to_json()["cells"] == [CELL_AO, CELL_AT]
    # dates: M's "2023" is in 2022..2023; K's 2021-05-01 is in 2021-05; N has no date, so any date filter drops it
    assert small.evidence_map(Filters(date_from="2022")).kept == [M]
    assert small.evidence_map(Filters(date_to="2021-05")).kept == [K]
    assert small.evidence_map(Filters(date_from="2021-06", date_to="2022")).kept == []
    for bad, words in ((Filters(place="Hull"), "places: Leeds, York"),
                       (Filters(org_type="charity"), "types: co-operative, trust"),
                       (Filters(date_from="May 2021"), "'May 2021' is not a date"),
                       # the form of a date the calendar lacks, and a range that ends before it starts (a browser
                       # walk found both taken in silence)
                       (Filters(date_from="2023-13-45"), "'2023-13-45' is not a date"),
                       (Filters(date_to="2023-02-29"), "'2023-02-29' is not a date"),
                       (Filters(date_from="2025", date_to="2020"), r"'dated from' \(2025\) is after 'dated to'")):
        with pytest.raises(BadFilter, match=words):
            small.evidence_map(bad)
    assert small.evidence_map(Filters(date_from="2024-02-29", date_to="2024")).kept == []  # a leap day is a day
    # the slide's title names the place, not its id
    from graph.analysis.gapmap_picture import describe

    assert describe(small.evidence_map(Filters(place="place/york"))) == "in York"


def test_small_graph_csv_is_the_whole_grid(small):
    rows = small.evidence_map().to_csv().splitlines()
    assert rows[0] == ("row_id,row_label,row_type,column_id,column_label,column_type,count,level,case_ids,"
                       "case_titles,row_quotes,column_quotes,gap,routes")
    # a filled cell carries each case's sentence for its row and for its column (a walk found titles alone)
    assert rows[1:] == [
        f"{C},Condition C,Condition,{O},Outcome O,Outcome,0,,,,,,yes,2",
        f"{C},Condition C,Condition,{T},Impact T,Impact,0,,,,,,yes,2",
        f"{I},Input I,Input,{O},Outcome O,Outcome,1,shown,{K},Case K,Case K: K pooled the money of its members.,"
        "Case K: K kept the income in the town.,no,",
        f"{I},Input I,Input,{T},Impact T,Impact,0,,,,,,yes,2",
        f"{P},Process P,Process,{O},Outcome O,Outcome,0,curated,,,,,yes,4",
        f"{P},Process P,Process,{T},Impact T,Impact,0,,,,,,yes,4",
        f"{A},Activity A,Activity,{O},Outcome O,Outcome,1,stated,{M},Case M,Case M: M ran a weekly advice session.,"
        "Case M: The advice kept the income local.,no,",
        f"{A},Activity A,Activity,{T},Impact T,Impact,1,shown,{M},Case M,Case M: M ran a weekly advice session.,"
        '"Case M: The town prospered, M says.",no,',
    ]


def test_org_type_from_the_name():
    assert [org_type((n,)) for n in ("Hexham Community Bakery Co-operative", "Sunrise CIC", "Manor House "
            "Development Trust", "Cleobury Country Ltd", "Royds Community Association", "Leeds City Council",
            "Boost Neighbourhood Finance", "Tradeco")] == [
        "co-operative", "community interest company", "trust", "company", "association", "public body",
        NOT_NAMED, NOT_NAMED]  # "Tradeco" holds "co" but no type word
    assert org_type(("Bakery", "Bakery Co-op")) == "co-operative"  # another name it goes by counts


# ------------------------------------------------------------------ the seed graph

RESOURCES = "input/resources"
BS = "outcome/businesses-sustainable-provide-opportunities-for-local-people"
GB = "outcome/good-business"
SC = "impact/successful-communities"


@pytest.fixture(scope="module")
def seed(build_dir) -> Pathways:
    return Pathways.load(build_dir)


def test_seed_map_counts(seed):
    """Which case illustrates both ends, read off the seed's case links (python -m graph cases CASE, one case
    at a time): Resources is illustrated by five cases, Cleobury's with two outcomes; Local intelligence
    (Network of diverse…) and Practical help (Manor House) by one each with an outcome or impact; Network of
    diverse… illustrates Businesses sustainable through its figure "1400 jobs and £120m GVA" (an evidence case
    link). Royds and Boost illustrate processes and activities but no outcome or impact: no cell. (Cleobury had
    also filled Create a referral network × Successful communities, read off the characteristic's general
    sentence before its example, "Resilient economies display high levels of trust …".)"""
    m = seed.evidence_map()
    assert (len(m.rows), len(m.columns), len(m.cells), len(m.gaps)) == (16, 16, 8, 248)
    assert [r.type for r in m.rows] == ["Condition"] * 4 + ["Input"] * 4 + ["Process"] * 4 + ["Activity"] * 4
    assert [c.type for c in m.columns] == ["Outcome"] * 8 + ["Impact"] * 8
    got = {(c.row, c.column): (c.count, c.level) for c in m.cells}
    assert got == {
        (RESOURCES, BS): (3, "shown"),  # Cleobury Country Ltd, Manor House Development Trust, Network of diverse…
        (RESOURCES, "outcome/income-is-retained-and-recycled-in-the-local"): (1, "shown"),  # Halifax Opportunities
        (RESOURCES, GB): (2, "shown"),  # Halifax Opportunities Trust, Network of diverse…
        (RESOURCES, "outcome/local-support-organisations-become-sustainable-connected"): (2, "shown"),  # Cleobury,
        # Positive and productive use of local assets
        (RESOURCES, SC): (1, "shown"),  # Positive and productive use of local assets
        ("input/local-intelligence", GB): (1, "shown"),  # Network of diverse, responsible businesses…
        ("input/local-intelligence", BS): (1, "shown"),  # Network of diverse, responsible businesses…
        ("activity/practical-help", BS): (1, "shown"),  # Manor House Development Trust
    }
    for c in m.cells:  # each cell's cases are exactly those the case pages list under both elements
        both = {x.case for x in seed.cases_of(c.row)} & {x.case for x in seed.cases_of(c.column)}
        assert [i for i, _ in c.cases] == sorted(both, key=lambda i: seed.kg.nodes[i].label)
        assert all(q.source_quote and q.target_quote for q in c.showing)
    assert sum(g.routes > 0 for g in m.gaps) == 238
    assert [g.routes for g in m.gaps] == sorted((g.routes for g in m.gaps), reverse=True)


def test_seed_gap_routes_match_every_route_listed(seed):
    """The counted routes through a gap equal the routes listed one by one (all simple paths, ≤ 8 links)."""
    m = seed.evidence_map(pathways=1)
    G = seed.finder.g
    roots = [n for n, d in G.nodes(data=True) if d["type"] in ("Condition", "Input")]
    impacts = [n for n, d in G.nodes(data=True) if d["type"] == "Impact"]
    listed = [p for r in roots for t in impacts for p in nx.all_simple_paths(G, r, t, cutoff=8)]
    for g in m.gaps[:3] + m.gaps[100:103]:
        through = [p for p in listed if g.row in p and g.column in p and p.index(g.row) < p.index(g.column)]
        assert g.routes == len(through), (g.row, g.column)
        if through:
            best = g.pathways[0]["nodes"]
            assert best in through and all(G.has_edge(a, b) for a, b in pairwise(best))


def test_cli_json_keys_text_and_exit_codes(capsys, build_dir, tmp_path):
    code = main(["gapmap", "--json", "--build", str(build_dir), "--csv", str(tmp_path / "map.csv")])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {"rows", "columns", "cells", "gaps"} <= set(data)
    assert all(set(a) == {"id", "label", "type"} for a in data["rows"] + data["columns"])
    assert all({"row", "column", "cases", "level"} <= set(c) for c in data["cells"])
    assert all(set(x) == {"id", "label"} for c in data["cells"] for x in c["cases"])
    assert (len(data["cells"]), len(data["gaps"])) == (8, 248)
    assert len((tmp_path / "map.csv").read_text(encoding="utf-8").splitlines()) == 1 + 16 * 16
    code = main(["gapmap", "--build", str(build_dir), "--gaps", "2"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0 and out[0] == ("7 of 7 case studies; 16 rows x 16 columns: 8 cell(s) with a case study, "
                                    "248 gap(s), 238 of them on a route")
    # Bristol's one case (Boost Neighbourhood Finance) illustrates a process and activities, no outcome: no cell
    code = main(["gapmap", "--build", str(build_dir), "--place", "Bristol", "--json"])
    assert code == 1 and json.loads(capsys.readouterr().out)["cells"] == []
    code = main(["gapmap", "--build", str(build_dir), "--place", "Atlantis"])
    assert code == 2 and "no case study is in 'Atlantis'" in capsys.readouterr().err
    code = main(["gapmap", "--build", str(build_dir), "--from", "last year"])
    assert code == 2 and "not a date" in capsys.readouterr().err
    code = main(["gapmap", "--build", str(tmp_path / "nothing")])
    assert code == 3
    code = main(["gapmap", "--help"])
    assert code == 0 and "JSON keys: rows, columns, cells, gaps" in " ".join(capsys.readouterr().out.split())


# ------------------------------------------------------------------ the slide

SVG_NS = {"s": "http://www.w3.org/2000/svg"}


def test_slide_svg_holds_the_whole_map_and_the_png_draws_it(small, tmp_path):
    import io
    import xml.etree.ElementTree as ET

    from PIL import Image

    from graph.analysis.draw import EVIDENCE_STYLE
    from graph.analysis.gapmap_picture import to_svg
    from graph.analysis.picture import to_png

    m = small.evidence_map(Filters(org_type="trust"))
    svg = to_svg(m)
    root = ET.fromstring(svg)
    assert (root.get("width"), root.get("height")) == ("1920", "1080")
    assert root.find("s:text", SVG_NS).text == "Evidence and gap map: 1 of 3 case studies (organisations of type trust)"
    cells = root.findall(".//s:g[@class='cell']", SVG_NS)
    assert [(g.get("data-row"), g.get("data-col"), g.get("data-count"), g.get("data-level")) for g in cells] == [
        (A, O, "1", "stated"), (A, T, "1", "shown")]
    gaps = root.findall(".//s:rect[@class='gap']", SVG_NS)
    assert sorted((g.get("data-row"), g.get("data-col"), int(g.get("data-routes"))) for g in gaps) == sorted(
        (g.row, g.column, g.routes) for g in m.gaps)
    assert len(gaps) == 6
    assert [t.get("data-id") for t in root.findall(".//s:text[@class='row']", SVG_NS)] == [C, I, P, A]
    assert [t.get("data-id") for t in root.findall(".//s:text[@class='col']", SVG_NS)] == [O, T]
    png = Image.open(io.BytesIO(to_png(svg))).convert("RGB")
    assert png.size == (1920, 1080)
    for g in cells:  # each circle is drawn in its level's colour where the SVG puts it (off its count's digit)
        c = g.find("s:circle", SVG_NS)
        x, y, r = float(c.get("cx")), float(c.get("cy")), float(c.get("r"))
        colour = tuple(int(EVIDENCE_STYLE[g.get("data-level")][0][i:i + 2], 16) for i in (1, 3, 5))
        px = png.getpixel((round(x - r * 0.7), round(y)))
        assert all(abs(a - b) < 30 for a, b in zip(px, colour, strict=True)), (g.get("data-level"), px)


def test_cli_writes_the_slide_and_the_csv(capsys, build_dir, tmp_path):
    from PIL import Image

    code = main(["gapmap", "--build", str(build_dir), "--svg", str(tmp_path / "m.svg"), "--png",
                 str(tmp_path / "m.png"), "--csv", str(tmp_path / "m.csv")])
    assert code == 0
    svg = (tmp_path / "m.svg").read_text(encoding="utf-8")
    assert svg.count('<g class="cell"') == 8 and svg.count('class="gap"') == 248
    assert Image.open(tmp_path / "m.png").size == (1920, 1080)
    import csv

    with open(tmp_path / "m.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["gap"] for r in rows].count("no") == 8 and [r["gap"] for r in rows].count("yes") == 248
    assert sum(int(r["count"]) for r in rows) == 12  # the eight cells' case studies: 1 + 1 + 2 + 3 + 1 + 2 + 1 + 1
    for r in rows:  # a cell of several cases says whose each sentence is: each quote follows its case's title
        titles = r["case_titles"].split("; ") if r["case_titles"] else []
        for field in ("row_quotes", "column_quotes"):
            quotes = r[field].split(" | ") if r[field] else []
            assert len(quotes) == len(titles)
            assert all(q.startswith(f"{t}: ") for q, t in zip(quotes, titles, strict=True))


def test_a_cycle_changes_no_route_count(small):
    """An arrow back from O to A (A → O → A) adds no route from a root to T: the routes, now listed one by one
    instead of counted, are those of the acyclic graph."""
    cyclic = Pathways(Graph().parse(data=(GRAPH + _link(O, A, "inferred", 0.2)).replace("<ID", f"<{ID}"),
                                    format="turtle"))
    assert not nx.is_directed_acyclic_graph(cyclic.finder.g)
    got = [(g.row, g.column, g.routes) for g in cyclic.evidence_map(pathways=0).gaps]
    assert got == [(g.row, g.column, g.routes) for g in small.evidence_map(pathways=0).gaps] == [
        (P, O, 4), (P, T, 4), (C, O, 2), (C, T, 2), (I, T, 2)]

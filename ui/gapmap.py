"""Evidence map: which case studies show each early element with each result, and where the evidence is missing.

The map, its filters and its gaps are ``graph.analysis.gapmap``'s (the CLI's ``python -m graph gapmap``). The
grid is an HTML table whose every cell is a same-tab link carrying the view in the URL (filters, the cell as
``row`` and ``col``, and ``#cell``), so a click opens the page at the cell's details, directly under the grid,
and a copied link reopens it. Every label and quote from a document goes through ``html.escape`` (in the grid)
or ``md`` (in Markdown).
"""

from __future__ import annotations

import html
import re
from dataclasses import asdict, replace
from urllib.parse import urlencode

import streamlit as st

from graph.analysis import gapmap_picture
from graph.analysis.draw import EVIDENCE_STYLE
from graph.analysis.gapmap import BadFilter, EvidenceMap, Filters, case_facts, filter_options
from graph.analysis.gapmap_picture import GAP_FILL, GROUPS, ROUTE_FILL, diameter, route_shade
from graph.analysis.picture import to_png
from graph.evidence import MEANING
from graph.text.labels import shorten
from ui.common import build_dir, build_stamp, get_pathways, md, node_link, quote_block, scroll_when_still, show
from ui.route import param, seed, set_params

CELL_ANCHOR = "cell"  # the chosen cell's heading: a click's link ends in #cell, so the page opens scrolled to it


def _href(view: dict[str, str], row: str, col: str) -> str:
    """The cell's link: the view and the cell in the query (a copied link reopens it), and the fragment that makes
    the browser open the page at the cell's details, right under the grid, rather than at its top."""
    q = {"page": "gapmap", **{k: v for k, v in view.items() if v}, "row": row, "col": col}
    return "?" + urlencode(q, safe="/") + "#" + CELL_ANCHOR


def _fill(routes: int, most: int) -> str:
    """A gap's CSS background: the slide's shade (``route_shade``) of its routes."""
    shade = route_shade(routes, most)
    if not shade:
        return GAP_FILL
    r, g, b = (int(ROUTE_FILL[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{shade})"




def grid_html(m: EvidenceMap, view: dict[str, str], chosen: tuple[str, str] | None) -> str:
    """The map as one HTML table (no blank line, so Markdown leaves it whole). Every text escaped."""
    e = html.escape
    cols = m.columns
    head_groups = "".join(
        f'<th class="gm-group" colspan="{sum(c.type == t for c in cols)}">{GROUPS[t]}</th>'
        for t in dict.fromkeys(c.type for c in cols))
    heads = "".join(f'<th class="gm-col" title="{e(c.label)}"><div>{e(shorten(c.label, 60))}</div></th>' for c in cols)
    out = ['<div class="gm-wrap"><table class="gm" data-testid="gapmap-grid">',
           f'<tr><th></th>{head_groups}</tr><tr><th class="gm-corner">case studies illustrating both</th>{heads}</tr>']
    last = ""
    most = max((g.routes for g in m.gaps), default=0)
    for r in m.rows:
        if r.type != last:
            out.append(f'<tr><th class="gm-rowgroup" colspan="{len(cols) + 1}">{GROUPS[r.type]}</th></tr>')
            last = r.type
        tds = []
        for c in cols:
            cell, gap = m.cell(r.id, c.id), m.gap(r.id, c.id)
            sel = " gm-sel" if chosen == (r.id, c.id) else ""
            href = e(_href(view, r.id, c.id))
            if cell:
                d, colour = diameter(cell.count), EVIDENCE_STYLE[cell.level][0]
                tip = (f"{r.label} × {c.label}: {cell.count} case stud{'y' if cell.count == 1 else 'ies'} "
                       f"({MEANING[cell.level]})")
                tds.append(f'<td class="gm-cell{sel}" data-row="{e(r.id)}" data-col="{e(c.id)}" '
                           f'data-count="{cell.count}" data-level="{cell.level}"><a href="{href}" target="_self" '
                           f'title="{e(tip)}"><span class="gm-dot" style="width:{d}px;height:{d}px;'
                           f'background:{colour}">{cell.count}</span></a></td>')
            else:
                routes = gap.routes if gap else 0
                tip = (f"{r.label} × {c.label}: no case study; {routes} route(s) cross it" if routes
                       else f"{r.label} × {c.label}: no case study, and no route passes through both")
                fill = _fill(routes, most)
                tds.append(f'<td class="gm-gap{sel}" data-row="{e(r.id)}" data-col="{e(c.id)}" data-count="0" '
                           f'data-routes="{routes}" style="background:{fill}"><a href="{href}" target="_self" '
                           f'title="{e(tip)}"><span class="gm-empty"></span></a></td>')
        out.append(f'<tr><th class="gm-row" title="{e(r.label)}">{e(shorten(r.label, 48))}</th>{"".join(tds)}</tr>')
    out.append("</table></div>")
    return "".join(out)


STYLE = """<style>
.gm-wrap{overflow-x:auto}
table.gm{border-collapse:collapse;font-size:13px;table-layout:fixed}
table.gm th,table.gm td{border:1px solid #e1e5eb;padding:0}
table.gm th.gm-group{text-align:center;background:#eef2f8;font-size:13px;padding:2px}
table.gm th.gm-col{height:150px;width:54px;vertical-align:bottom;font-weight:normal;background:#fafbfc}
table.gm th.gm-col div{writing-mode:vertical-rl;transform:rotate(180deg);max-height:146px;margin:auto;
  padding:3px 0;line-height:1.15;font-size:12px;white-space:normal;overflow:hidden}
table.gm th.gm-corner{font-weight:normal;font-size:12px;color:#5b6675;text-align:left;vertical-align:bottom;
  padding:4px}
table.gm th.gm-rowgroup{text-align:left;background:#eef2f8;font-size:13px;padding:2px 6px}
table.gm th.gm-row{width:250px;text-align:left;font-weight:normal;padding:2px 6px;font-size:13px}
table.gm td{width:54px;height:36px;text-align:center;vertical-align:middle}
table.gm td a{display:flex;width:100%;height:36px;align-items:center;justify-content:center;
  text-decoration:none}
table.gm .gm-dot{display:inline-flex;align-items:center;justify-content:center;border-radius:50%;
  color:#fff;font-weight:bold;font-size:13px}
table.gm .gm-empty{display:inline-block;width:6px;height:6px;border-radius:50%;background:#c9ced6}
table.gm td.gm-sel{outline:3px solid #0b3d91;outline-offset:-3px}
.gm-key{display:flex;gap:22px;align-items:center;font-size:13px;margin:4px 0 8px 0;flex-wrap:wrap}
.gm-key span.sw{display:inline-block;vertical-align:middle;margin-right:6px}
</style>"""


# A click reloads the page at its top; the link's #cell asks for the details. Streamlit scrolls to a heading named
# by the fragment as soon as it is drawn, which is before the grid above it has its height (it landed ~1,300 px
# short), so this scrolls again once the heading's place has held still for a moment, and only for a #cell link;
# then it drops the fragment (the query, which holds the view, stays), so a later rerun (a filter changed) stays
# put. Back to the map from a case study's page loads it afresh at its top too, the fragment gone: a load by Back
# or Forward scrolls to the chosen cell's details once, where the person had clicked the case.
SCROLL_TO_CELL = scroll_when_still(
    CELL_ANCHOR, 'h.scrollIntoView({block: "start"}); '
    'history.replaceState(history.state, "", location.pathname + location.search);',
    when=f'window.location.hash === "#{CELL_ANCHOR}" || back', flag="__epCellBack")
GAP_ANCHOR = "gm-gap-routes"
# A load by Back or Forward (from a route's element, say) of a map whose URL names a gap: the box that prints
# its routes, not the page's top.
SCROLL_BACK_TO_GAP = scroll_when_still(GAP_ANCHOR, 'h.scrollIntoView({block: "start"});', when="back",
                                       flag="__epGapBack")


def key_html() -> str:
    """The key to the grid: fixed words only."""
    dot = ('<span class="sw" style="width:{d}px;height:{d}px;border-radius:50%;background:{c}"></span>')
    items = [dot.format(d=diameter(1), c=EVIDENCE_STYLE["stated"][0]) + "stated: a document states the arrow "
             "from row to column, and a case shows both",
             dot.format(d=diameter(1), c=EVIDENCE_STYLE["shown"][0]) + "shown: a case study illustrates both",
             dot.format(d=diameter(1), c="#888") + dot.format(d=diameter(3), c="#888") + "size: number of case studies",
             "".join(f'<span class="sw" style="width:18px;height:18px;background:{_fill(n, 1000)}"></span>'
                     for n in (1, 30, 1000)) + "gap: the more routes cross it, the deeper",
             f'<span class="sw" style="width:18px;height:18px;background:{GAP_FILL}"></span>gap on no route']
    return '<div class="gm-key" data-testid="gapmap-key">' + "".join(f"<span>{i}</span>" for i in items) + "</div>"


def _filters(opts: dict) -> Filters:
    """The filter widgets, opened on the URL's values; a value the data lacks is dropped, not an error."""
    places = [""] + [p["id"] for p in opts["places"]]
    names = {p["id"]: p["label"] for p in opts["places"]}
    types = [""] + opts["org_types"]
    c1, c2, c3, c4 = st.columns([3, 3, 2, 2])
    # seeded from the URL (not index=/value=), so Back and Forward redraw them with the view they go to
    seed("gm_place", param("place") if param("place") in places else "")
    seed("gm_org", param("org") if param("org") in types else "")
    seed("gm_since", param("since"))
    seed("gm_until", param("until"))
    place = c1.selectbox("Place", places, format_func=lambda p: names.get(p, "Any place"), key="gm_place")
    org = c2.selectbox("Organisation type", types, format_func=lambda t: t.capitalize() if t else "Any type",
                       key="gm_org",
                       help="From the type word in the name of an organisation the case involves "
                       "(… Co-operative, … Trust, … Ltd); 'not named' when its name has none.")
    dates = opts["dates"]
    hint = f"dated {dates[0]} to {dates[-1]}" if dates else "no case study has a date"
    # with no dated case study a date filter can only empty the map: the boxes say so and take no date
    since = c3.text_input("Dated from", key="gm_since", placeholder="YYYY or YYYY-MM-DD" if dates else "no dates",
                          disabled=not dates,
                          help=f"The case study's document date ({hint}; {opts['undated']} undated, left out "
                          "by a date filter).")
    until = c4.text_input("Dated to", key="gm_until", placeholder="YYYY or YYYY-MM-DD" if dates else "no dates",
                          disabled=not dates, help=None if dates else f"The case study's document date ({hint}).")
    return Filters(place or "", org or "", since.strip(), until.strip())


def _cell_details(pw, m: EvidenceMap, row: str, col: str) -> None:
    kg = pw.kg
    r, c = kg.nodes[row], kg.nodes[col]
    cell, gap = m.cell(row, col), m.gap(row, col)
    st.subheader(md(f"{r.label} × {c.label}"), anchor=CELL_ANCHOR)
    show(f"Row: {node_link(r)} · Column: {node_link(c)}")
    if cell:
        show(f"**{cell.count} case stud{'y' if cell.count == 1 else 'ies'}** illustrate{'s' if cell.count == 1 else ''}"
             f" both ({md(MEANING[cell.level])}).")
        if cell.link:
            st.caption(md(f"The model draws the arrow {r.label} → {c.label} ({cell.link['basis']}, strength "
                          f"{cell.link['weight']:.2f})."))
        for s in cell.showing:
            with st.container(border=True):
                show(f"**{node_link(kg.nodes[s.case], with_type=False)}**")
                if s.source_quote == s.target_quote:  # one sentence links the case to both
                    show(f"Shows *{md(r.label)}* and *{md(c.label)}*:")
                    st.markdown(quote_block(s.source_quote))
                else:
                    show(f"Shows *{md(r.label)}*:")
                    st.markdown(quote_block(s.source_quote))
                    show(f"Shows *{md(c.label)}*:")
                    st.markdown(quote_block(s.target_quote))
                if s.figures:
                    st.caption("Figures: " + " · ".join(md(f["figure"] or f["label"]) for f in s.figures))
        return
    if gap is None:
        return
    st.markdown(f"**A gap:** no case study{' kept by the filters' if m.filters != Filters() else ''} illustrates "
                "both.")
    if gap.level:
        st.caption(md(f"The model draws the arrow {r.label} → {c.label} ({MEANING[gap.level]}), but no case study "
                      "shows it."))
    if not gap.routes:
        st.markdown(f"No route from a condition or input to an impact passes through both (at most "
                    f"{m.max_depth} links).")
        return
    _best_routes(kg, gap)


def _best_routes(kg, gap) -> None:
    st.markdown(f"**{gap.routes} route(s)** from a condition or input to an impact pass through both. "
                f"The best {len(gap.pathways)}:")
    for p in gap.pathways:
        show("- " + " → ".join(node_link(kg.nodes[n], with_type=False) for n in p["nodes"])
             + f" *(strength {p['weight']:.2f})*")


def gaps_on_routes(pw, m: EvidenceMap) -> None:
    """The gaps a route crosses as a table, and any one's best routes in full below it: a route is too long
    for a table cell at 1400 px (a browser walk found it cut), so it is read as linked text."""
    crossed = [g for g in m.gaps if g.routes]
    if not crossed:
        st.caption("No gap lies on a route from a condition or input to an impact.")
        return
    st.dataframe(gaps_table(pw, m), width="stretch", hide_index=True)
    label = lambda i: pw.kg.nodes[i].label  # noqa: E731
    keys = [f"{g.row}|{g.column}" for g in crossed]  # the chosen gap is part of the view: Back comes back to it
    if st.session_state.get("gm_gap_routes", 0) >= len(crossed):  # the filters changed under a later gap
        st.session_state["gm_gap_routes"] = 0
    seed("gm_gap_routes", keys.index(param("gap")) if param("gap") in keys else 0)
    st.markdown(f'<span id="{GAP_ANCHOR}"></span>', unsafe_allow_html=True)  # fixed words only
    i = st.selectbox("Read a gap's best routes in full", range(len(crossed)), key="gm_gap_routes",
                     format_func=lambda i: f"{label(crossed[i].row)} × {label(crossed[i].column)} "
                                           f"({crossed[i].routes} routes)") or 0
    set_params(gap=keys[i] if i else "")
    _best_routes(pw.kg, crossed[i])
    if i and not param("row"):  # Back from a route's element: the box again, not the page's top
        st.html(SCROLL_BACK_TO_GAP, unsafe_allow_javascript=True)  # fixed code, no document text


def downloads(m: EvidenceMap) -> None:
    """The map as a slide (SVG, PNG: 1920 x 1080) and as CSV, with the filters shown; the PNG made on click."""
    svg = gapmap_picture.to_svg(m)
    name = "evidence-map" + "".join(f"-{re.sub(r'[^a-z0-9]+', '-', v.lower()).strip('-')}"
                                    for v in m.filters.to_json().values() if v)
    c1, c2, c3, _ = st.columns([2, 2, 2, 6])
    c1.download_button("Slide (SVG)", svg, file_name=f"{name}.svg", mime="image/svg+xml", key="gm_svg",
                       help="1920 x 1080, as on screen, with the filters in its title")
    c2.download_button("Slide (PNG)", lambda: to_png(svg), file_name=f"{name}.png", mime="image/png", key="gm_png",
                       help="1920 x 1080")
    c3.download_button("Table (CSV)", m.to_csv(), file_name=f"{name}.csv", mime="text/csv", key="gm_csv",
                       help="every cell of the grid: its case studies, its level, or the routes crossing a gap")


def gaps_table(pw, m: EvidenceMap) -> list[dict]:
    """The gaps, most routes first, as plain text (a dataframe shows text as it is)."""
    label = lambda i: pw.kg.nodes[i].label  # noqa: E731
    return [{"row": label(g.row), "column": label(g.column), "routes crossing": g.routes,
             "direct arrow": g.level or "none",
             "steps in its best route": len(g.pathways[0]["nodes"]) - 1 if g.pathways else None}
            for g in m.gaps if g.routes]


@st.cache_resource(show_spinner=False, max_entries=32)
def _valid(filters: Filters, cases) -> Filters:
    """``filters`` less each value that is wrong on its own (a date that is no date, a place no case study is in):
    a bad "Dated from" no longer drops the place and type the person had chosen."""
    def ok(name: str, value: str) -> bool:
        try:
            Filters(**{name: value}).check(cases)
        except BadFilter:
            return False
        return True

    kept = Filters(**{k: v for k, v in asdict(filters).items() if v and ok(k, v)})
    try:  # each right alone, wrong together: a range that ends before it starts keeps its start
        kept.check(cases)
    except BadFilter:
        kept = replace(kept, date_to="")
    return kept


def _map(build: str, stamp: str, filters: Filters) -> EvidenceMap | str:
    """The map of one build and filters (kept per server: a cell click reloads the page), or why not."""
    try:
        return get_pathways().evidence_map(filters)
    except BadFilter as e:
        return str(e)


def render() -> None:
    pw = get_pathways()
    facts = case_facts(pw.kg)
    filters = _filters(filter_options(facts))  # the choices come from every case study
    b = build_dir()
    m = _map(str(b), build_stamp(b), filters)
    if isinstance(m, str):  # a wrong value: said, and dropped; the filters that are right stay applied
        st.error(md(m))
        filters = _valid(filters, facts)
        m = _map(str(b), build_stamp(b), filters)
    view = {"place": filters.place, "org": filters.org_type, "since": filters.date_from, "until": filters.date_to}
    row, col = param("row"), param("col")
    chosen = (row, col) if m.cell(row, col) or m.gap(row, col) else None
    set_params(**view, row=chosen[0] if chosen else "", col=chosen[1] if chosen else "")
    crossed = sum(1 for g in m.gaps if g.routes)
    st.markdown(md(f"{len(m.kept)} of {len(m.cases)} case studies. {len(m.cells)} of {len(m.rows) * len(m.columns)} "
                   f"cells hold a case study; {len(m.gaps)} are gaps, {crossed} of them on a route from a condition "
                   "or input to an impact. Click a cell to open its case studies, or a gap to see the routes "
                   "that cross it."))
    if not m.kept:
        dated = sum(1 for c in m.cases if c.date)
        why = ""
        if (filters.date_from or filters.date_to) and dated < len(m.cases):
            why = (f" None of the {len(m.cases)} case studies has a date (their documents give none), so any date "
                   "filter leaves them all out." if not dated else
                   f" Only {dated} of the {len(m.cases)} case studies {'has' if dated == 1 else 'have'} a date (from "
                   "its document); any date filter leaves the rest out.")
        st.warning(f"No case study passes these filters: every cell is a gap.{why}")
    elif not m.cells:
        one = len(m.kept) == 1
        st.info(f"The {'case study' if one else f'{len(m.kept)} case studies'} these filters keep "
                f"illustrate{'s' if one else ''} no condition, input, process or activity together with an outcome "
                f"or impact, so no cell holds one: {'its' if one else 'their'} links are on "
                f"{'its page' if one else 'their pages'}:")
        # named and linked, so the way on is one click (a browser walk found the map empty and no name)
        show("\n".join(f"- {node_link(pw.kg.nodes[c], with_type=False)}" for c in m.kept if c in pw.kg.nodes))
    st.markdown(STYLE + key_html(), unsafe_allow_html=True)  # fixed words only
    st.markdown(grid_html(m, view, chosen), unsafe_allow_html=True)  # every label html-escaped
    if chosen:  # under the grid, where the click was, before the downloads
        _cell_details(pw, m, *chosen)
        st.html(SCROLL_TO_CELL, unsafe_allow_javascript=True)  # fixed code, no document text
    downloads(m)
    with st.expander(f"Gaps on a route, most routes first ({crossed})", expanded=bool(param("gap"))):
        gaps_on_routes(pw, m)

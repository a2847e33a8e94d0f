"""Our place: hold a place up against the model — checklist, coloured pathways, what to invest in first."""

from __future__ import annotations

import html
from datetime import UTC, datetime

import streamlit as st

from graph.analysis.assess import (
    ASSUMPTION_STATUSES,
    STATUSES,
    Assessment,
    Entry,
    Profile,
    ProfileError,
    assess,
    causes,
    compare,
    gating_items,
    load_profile,
    parse_profile,
    profile_from_bytes,
    together_sentence,
)
from graph.ns import slug
from graph.settings import ROOT
from graph.text.labels import shorten
from ui.common import get_pathways, label, md, node_link, node_url, show
from ui.route import correct, moved, param, set_params

EXAMPLE = ROOT / "corpus" / "profiles" / "example-fictional-town.yaml"
FILL = {"in place": "#b8ecb8", "at risk": "#ffd9a0", "unknown": "#fff1c2", "blocked": "#f8d0d0"}
CODE = {"in place": "i", "partly": "p", "missing": "m", "holds": "h", "doubtful": "d"}  # URL: id:code,…
STATUS_OF_CODE = {v: k for k, v in CODE.items()}
PARAMS = ("place", "items", "assume", "dated", "fictional")  # Our place's own URL parameters
COUNTS = ("in place", "at risk", "unknown", "blocked")  # the outcome and impact states, in the order counted
HINT = ("Mark what your place has in the [checklist below](#checklist): set each condition, input and foundation "
        "to in place, partly or missing. Everything starts unknown; the counts above the checklist (and in the "
        "sidebar, in sight as you go down it) and [what it means](#results) below it change as you go.")


def encode(entries: dict[str, Entry]) -> str:
    return ",".join(f"{k}:{CODE[e.status]}" for k, e in entries.items() if e.status in CODE)


def profile_from_url(kg) -> tuple[Profile | None, list[str]]:
    """The view a copied link carries: place name, statuses, the profile's date and whether it is fictional (notes
    and evidence stay in the YAML), and the parts of the link that name no item or status of the checklist (left
    out: the rest is kept)."""
    if not any(param(p) for p in PARAMS):
        return None, []
    bad: list[str] = []

    def decode(text: str, section: str) -> dict[str, str]:
        out = {}
        for pair in filter(None, text.split(",")):
            key, _, code = pair.rpartition(":")
            status = STATUS_OF_CODE.get(code, code)
            try:  # each part checked by the library on its own, so one bad part loses only itself
                parse_profile({"place": "link", section: {key: status}}, kg, "link")
            except ProfileError:
                bad.append(pair)
                continue
            out[key] = status
        return out

    data = {"place": param("place") or "Our place", "items": decode(param("items"), "items"),
            "assumptions": decode(param("assume"), "assumptions"), "fictional": param("fictional") == "1",
            "date": param("dated") or None}
    return parse_profile(data, kg, "link"), bad


KEPT = "place_kept"  # notes, evidence and assumption statuses: kept while their fields are hidden


def _kept() -> dict[str, str]:
    return st.session_state.setdefault(KEPT, {})


def _keep(key: str) -> None:
    _kept()[key] = st.session_state[key]


def _kept_widget(make, key: str, default: str, *args, **kwargs):
    """A widget drawn only on request (fewer widgets, a faster page) whose value outlives it in KEPT."""
    if key not in st.session_state:
        st.session_state[key] = _kept().get(key, default)
    return make(*args, key=key, on_change=_keep, args=(key,), **kwargs)


def _load_into_state(profile: Profile, kg, keep_notes: bool = False) -> None:
    """Show a profile in the widgets. ``keep_notes``: a link carries statuses only, so going Back or Forward
    through this page's views keeps the notes and evidence written on it."""
    st.session_state["place_name"] = profile.place
    kept = _kept()
    notes = {k: v for k, v in kept.items() if k.startswith(("pln_", "ple_"))} if keep_notes else {}
    kept.clear()
    for i in gating_items(kg):
        st.session_state[f"pl_{i}"] = profile.status(i)
        e = profile.items.get(i, Entry("unknown"))
        kept[f"pln_{i}"], kept[f"ple_{i}"] = e.note, e.evidence
    kept.update(notes)
    for a in kg.of_type("Assumption"):
        kept[f"pla_{a.id}"] = profile.assumptions.get(a.id, Entry("unknown")).status
    for k, v in kept.items():  # fields drawn in this run show the loaded values too
        st.session_state[k] = v
    st.session_state["place_meta"] = {"fictional": profile.fictional, "date": profile.date}
    gating = set(gating_items(kg))  # items that gate nothing (partner visions) are kept as they came
    st.session_state["place_extra"] = {k: v for k, v in profile.items.items() if k not in gating}


def _defaults(kg) -> None:
    """Every item starts unknown (not the first option of its select box)."""
    for i in gating_items(kg):
        st.session_state.setdefault(f"pl_{i}", "unknown")


def _current(kg) -> Profile:
    kept = _kept()
    items = dict(st.session_state.get("place_extra", {}))
    for i in gating_items(kg):
        status = st.session_state.get(f"pl_{i}", "unknown")
        note, evidence = kept.get(f"pln_{i}", ""), kept.get(f"ple_{i}", "")
        if status != "unknown" or note or evidence:
            items[i] = Entry(status, note, evidence)
    assumptions = {
        a.id: Entry(kept[f"pla_{a.id}"])
        for a in kg.of_type("Assumption")
        if kept.get(f"pla_{a.id}", "unknown") != "unknown"
    }
    meta = st.session_state.get("place_meta", {})
    return Profile(
        st.session_state.get("place_name") or "Our place",
        items,
        assumptions,
        fictional=meta.get("fictional", False),
        date=meta.get("date", ""),
    )


def checklist(kg) -> None:
    """Statuses always; notes and evidence, and the assumptions, on request (each field is a widget the
    browser has to draw: about 100 of them made the page take seconds)."""
    kept = _kept()
    noted = sum(1 for k, v in kept.items() if v and k.startswith(("pln_", "ple_")))
    marked = sum(1 for k, v in kept.items() if k.startswith("pla_") and v != "unknown")
    t1, t2 = st.columns(2)
    notes = t1.toggle(f"Notes and evidence ({noted} written)", key="place_show_notes",
                      help="Notes and evidence travel in the downloaded profile (YAML), not in the page's link: "
                      "a copied link restores the place, its statuses, its date and whether it is fictional.")
    assumptions = t2.toggle(f"Assumptions too ({marked} marked)", key="place_show_assumptions")
    groups = [("Conditions", "Condition", None), ("Inputs", "Input", None)]
    stages = sorted(
        {n.stage for n in kg.of_type("Foundation")},
        key=lambda s: min(n.order for n in kg.of_type("Foundation") if n.stage == s),
    )
    groups += [("", "Foundation", s) for s in stages if s != "vision"]  # partner visions gate nothing
    for title, typ, stage in groups:
        nodes = sorted((n for n in kg.of_type(typ) if stage is None or n.stage == stage), key=lambda n: n.label)
        if stage is not None:
            title = f"Foundations of {nodes[0].stage_label.lower()} ({nodes[0].kind.lower()})"
        st.markdown(f"**{md(title)}**")
        if not notes:
            cols = st.columns(2)
            for i, n in enumerate(nodes):
                cols[i % 2].selectbox(label(n.label), STATUSES, key=f"pl_{n.id}", help=md(shorten(n.text, 300)))
            continue
        for n in nodes:
            c1, c2, c3 = st.columns([3, 2, 2], vertical_alignment="bottom")
            c1.selectbox(label(n.label), STATUSES, key=f"pl_{n.id}", help=md(shorten(n.text, 300)))
            _kept_widget(c2.text_input, f"pln_{n.id}", "", "Note", label_visibility="collapsed", placeholder="note")
            _kept_widget(
                c3.text_input,
                f"ple_{n.id}",
                "",
                "Evidence",
                label_visibility="collapsed",
                placeholder="evidence (link)",
            )
    if assumptions:
        st.markdown("**Assumptions: does each hold here?**")
        for a in sorted(kg.of_type("Assumption"), key=lambda a: (a.order, a.label)):
            _kept_widget(
                st.selectbox,
                f"pla_{a.id}",
                "unknown",
                label(f"{a.stage_label}: {a.label}"),
                ASSUMPTION_STATUSES,
                help=md(shorten(a.text, 300)),
            )


# Words are never split inside ("Communicatio / n"): a column is as wide as its longest word, and the table
# scrolls sideways rather than break one (13 px words in 9 columns fit 940 px at 1400 px, and A4 landscape).
WHOLE_WORDS = "word-break:normal;overflow-wrap:normal;hyphens:manual"


def _cell(kg, n: str, state: str) -> str:
    e = html.escape
    return (
        f'<div style="background:{FILL[state]};border-radius:4px;padding:3px 5px;margin:3px 0">'
        f'<a href="{e(node_url(n))}" target="_self" style="color:#111;text-decoration:none">'
        f"{e(kg.nodes[n].label)}</a></div>"
    )


def _link(kg, n: str, status: str = "") -> str:
    e = html.escape
    label = f'<a href="{e(node_url(n))}" target="_self">{e(kg.nodes[n].whole_label)}</a>'
    return label + (f" <em>({e(status)})</em>" if status else "")


def model_html(kg, result: Assessment) -> str:
    """The model's columns left to right, each coloured by its state and named (colour is never the only cue):
    the picture of what the assessment reasons over. All text escaped; links open in the same tab."""
    e = html.escape
    marked = [("Conditions", "Condition"), ("Inputs", "Input")]
    cols = [(title, [n.id for n in sorted(kg.of_type(t), key=lambda n: n.label)], "") for title, t in marked] + [
        (c.label, list(c.elements), result.state[c.elements[0]]) for c in result.columns
    ]
    cells = []
    for title, ids, state in cols:
        head = f"<b>{e(title)}</b><br><span>{e(state or 'as marked')}</span>"
        body = "".join(_cell(kg, n, result.state[n]) for n in ids)
        cells.append(f'<td style="vertical-align:top;padding:4px;{WHOLE_WORDS}">{head}{body}</td>')
    return (
        '<div style="overflow-x:auto"><table style="border-collapse:collapse;font-size:13px;width:100%"><tr>'
        + "".join(cells)
        + "</tr></table></div>"
    )


def causes_html(kg, result: Assessment) -> str:
    """Blocked, at risk, and by what, each cause once (``graph.analysis.assess.causes``): what decides each run of
    columns, then what would hold them back next, by the column it first holds back and by status, one item a
    line. The same HTML in the app and the printed report; all text escaped, links open in the same tab."""
    e = html.escape
    c = causes(result)
    th = f'style="text-align:left;vertical-align:bottom;padding:4px 8px;border-bottom:1px solid #ccd;{WHOLE_WORDS}"'
    td = f'style="vertical-align:top;padding:4px 8px;border-bottom:1px solid #eef;{WHOLE_WORDS}"'

    def items(ids: list[str], status: bool) -> str:
        lines = "".join(f"<li>{_link(kg, i, result.statuses.get(i, 'unknown') if status else '')}</li>"
                        for i in ids)
        return f'<ul style="margin:0;padding-left:1.1em">{lines}</ul>' if ids else ""

    table = '<table style="border-collapse:collapse;font-size:14px;width:100%">'
    first = "".join(f"<tr><td {td}>{e(b.span())}</td><td {td}><b>{e(b.state)}</b></td>"
                    f"<td {td}>{items(b.items, True)}</td></tr>" for b in c.blocking)
    out = (f"{table}<tr><th {th}>columns</th><th {th}>state</th><th {th}>decided by</th></tr>{first}</table>"
           if first else "<p>Nothing is blocked or at risk.</p>")
    if c.next:
        heads = [s for s in ("missing", "partly", "unknown") if any(s in h.by_status for h in c.next)]
        rows = "".join(f"<tr><td {td}>{e(h.column)}</td>"
                       + "".join(f"<td {td}>{items(h.by_status.get(s, []), False)}</td>" for s in heads) + "</tr>"
                       for h in c.next)
        out += ("<p style='margin:.8em 0 .3em'><b>Then, once that is in place, what would hold them back "
                "next</b> (each item once, at the first column it holds back: every column after it rests on it "
                "too)</p>"
                f"{table}<tr><th {th}>from</th>" + "".join(f"<th {th}>{e(s)}</th>" for s in heads)
                + f"</tr>{rows}</table>")
    return out


def counts_html(place: str, summary: dict[str, int]) -> str:
    """The four counts (``Assessment.summary``, as the metrics above the checklist) for the sidebar, which stays
    on screen while a person works down the checklist and the metrics scroll away: each ticked item's effect is
    seen where it is ticked. Coloured as the model's columns, and named (colour is never the only cue). One HTML
    block: the place's name on one line (a blank line would end the block and let Markdown read the rest), in one
    text with its heading (a bare "Our place" beside the page's name in the sidebar would read twice)."""
    e = html.escape
    rows = "".join(
        f'<div data-state="{k}" style="background:{FILL[k]};border-radius:4px;padding:2px 8px;margin:3px 0;'
        f'display:flex;justify-content:space-between"><span>{k}</span><b>{summary[k]}</b></div>'
        for k in COUNTS
    )
    return (
        f'<div style="font-size:14px"><b>{e(" ".join(place.split()))}: outcomes &amp; impacts now</b>{rows}'
        '<a href="#results" target="_self">What it means</a></div>'
    )


def invest_rows(result: Assessment, limit: int = 10, kg=None) -> list[dict]:
    """The items worth investing in first: those that would move an outcome or impact up, or decide one's state
    now (a row of zeros says nothing a reader can act on); with ``kg``, each by its whole wording (the report)."""
    return [
        {"item": kg.nodes[i.id].whole_label if kg is not None else i.label, "type": i.type, "now": i.status,
         "moves up": i.moves, "holds back": i.holds}
        for i in result.invest if i.moves or i.holds
    ][:limit]


def _table_html(rows: list[dict]) -> str:
    e = html.escape
    if not rows:
        return "<p>none</p>"
    head = "".join(f"<th>{e(k)}</th>" for k in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in r.values()) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def report_html(profile: Profile, result: Assessment, kg, base: str = "") -> str:
    """A printable one-page report; all text escaped. ``base``: the app's address, so the saved file's links open
    the app's node pages (a relative "?page=node…" link in a saved file points back at the file)."""
    out = _report_html(profile, result, kg)
    return out.replace('href="?', f'href="{html.escape(base)}?') if base else out


def app_address() -> str:
    """The app's address as the browser has it, without the query ("" where it is not known: AppTest)."""
    try:
        url = st.context.url or ""
    except Exception:  # noqa: BLE001 - no browser context (a script run): relative links then
        return ""
    return url.split("?", 1)[0].split("#", 1)[0]


def _report_html(profile: Profile, result: Assessment, kg) -> str:
    e = html.escape
    s = result.summary(kg)
    # a printed page has no tooltip: every item by its whole wording, not a label cut to fit ("…awareness of the…")
    risks = "".join(f"<li>{e(kg.nodes[a['id']].whole_label)} <em>({e(a['status'])})</em></li>"
                    for a in result.assumptions_at_risk[:10])
    entries = [
        {
            "item": kg.nodes[n].whole_label,
            "type": kg.nodes[n].type,
            "status": x.status,
            "note": x.note,
            "evidence": x.evidence,
        }
        for n, x in sorted(profile.items.items(), key=lambda x: (kg.nodes[x[0]].order, kg.nodes[x[0]].label))
    ]
    fictional = "<p><strong>This profile is fictional.</strong></p>" if profile.fictional else ""
    printed = datetime.now(UTC).date().isoformat()  # a printed page says when: the profile may name no date
    dated = (f"<p>Assessed: {e(profile.date)} · printed {printed}</p>" if profile.date else
             f"<p>Printed: {printed}</p>")
    key = " ".join(f'<span style="background:{c};padding:1px 6px;border:1px solid #ccc">{e(state)}</span>'
                   for state, c in FILL.items())
    together = together_sentence(kg, result)
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{e(profile.place)}: self-assessment</title>
<style>@page{{size:A4 landscape;margin:12mm}}
body{{font-family:sans-serif;max-width:1100px;margin:2em auto}}td,th{{border:1px solid #ccc;padding:3px 6px}}
@media print{{body{{margin:0;max-width:none;font-size:10pt}}tr,li{{page-break-inside:avoid}}}}
table{{border-collapse:collapse}}</style></head><body>
<h1>{e(profile.place)}: Empowering Places self-assessment</h1>{fictional}{dated}
<p>Outcomes and impacts: <b>{s["in place"]}</b> in place, <b>{s["at risk"]}</b> at risk, <b>{s["unknown"]}</b>
unknown, <b>{s["blocked"]}</b> blocked.</p>
<h2>The model, column by column</h2><p>Key: {key}</p>{model_html(kg, result)}
<h2>Blocked, at risk, and by what</h2>{causes_html(kg, result)}
<h2>Invest here first</h2>{_table_html(invest_rows(result, kg=kg))}<p>{e(together)}</p>
<h2>Assumptions under what is in place or at risk, not confirmed</h2><ul>{risks or "<li>none</li>"}</ul>
<h2>What the place said</h2>{_table_html(entries)}<p>Items not listed are unknown.</p>
<p>Rules: conditions and foundations are necessary (missing blocks, partly puts at risk); the inputs contribute as
a group (all in place is enough); the columns carry the state.</p>
</body></html>"""


def render() -> None:
    kg = get_pathways().kg
    # a copied link, or Back and Forward: restore the URL's view, before the widgets
    if "place_from_url" not in st.session_state or moved():
        first = "place_from_url" not in st.session_state
        st.session_state["place_from_url"] = True
        try:
            linked, bad = profile_from_url(kg)
        except ProfileError:  # e.g. one item named twice, by its id and by its label
            correct("This link's checklist could not be read; showing an empty checklist.", "error")
        else:
            if bad:
                correct(f"This link names {'an item or a status' if len(bad) == 1 else 'items or statuses'} that "
                        "the checklist does not have (" + ", ".join(f"“{md(b)}”" for b in bad)
                        + "); showing the rest of it.", "error")
            if linked is not None or not first:
                _load_into_state(linked or Profile(""), kg, keep_notes=not first)
    _defaults(kg)
    tab_assess, tab_compare = st.tabs(["Assess our place", "Compare profiles"])
    with tab_assess:
        st.info(HINT)
        c1, c2 = st.columns([2, 3])
        up = c2.file_uploader("Load a profile (YAML)", type=["yaml", "yml"], key="place_upload")
        if up is not None and st.session_state.get("place_loaded") != up.file_id:
            try:
                _load_into_state(profile_from_bytes(up.getvalue(), kg, up.name), kg)
                st.session_state["place_loaded"] = up.file_id
            except ProfileError as err:
                st.error(md(str(err)))
        if c2.button("Start from the fictional example", key="place_example"):
            _load_into_state(load_profile(EXAMPLE, kg), kg)
        c1.text_input("Place", key="place_name", placeholder="e.g. Fernbridge")
        profile = _current(kg)  # the checklist's values as this run starts: its summary shows above it
        # the view in the URL, so a copied link restores it
        set_params(place=st.session_state.get("place_name", ""), items=encode(profile.items))
        meta = st.session_state.get("place_meta", {})
        set_params(assume=encode(profile.assumptions), dated=meta.get("date", ""),
                   fictional="1" if meta.get("fictional") else "")
        result = assess(kg, profile)
        s = result.summary(kg)
        m = st.columns(4)
        for col, key in zip(m, COUNTS, strict=True):
            col.metric(f"Outcomes & impacts {key}", s[key])
        show(counts_html(profile.place, s), st.sidebar.container(key="place_now"))  # in sight down the checklist
        st.subheader("Checklist: what is in place here?", anchor="checklist")
        checklist(kg)
        st.subheader("What this means for the outcomes and impacts", anchor="results")
        show(model_html(kg, result))
        st.caption(
            "Green: in place · orange: at risk · yellow: unknown · red: blocked. The columns carry the state: "
            "conditions and foundations are necessary, the inputs contribute as a group."
        )
        st.markdown("**Blocked, at risk, and by what**")
        show(causes_html(kg, result))
        left, right = st.columns(2)
        with left:
            st.markdown("**Invest here first**")
            st.caption(
                "moves up: outcomes and impacts that move up a state if this alone were put in place; "
                "holds back: outcomes and impacts whose state it helps decide now."
            )
            rows = invest_rows(result)
            if not rows:
                st.info("No one item would move an outcome or impact up on its own, and none decides one's state "
                        "now: " + ("see below what would, put in place together." if result.together.ids else
                                   "mark more of the checklist (unknown items decide nothing yet)."))
            else:
                st.table([{k: md(str(v)) if isinstance(v, str) else v for k, v in r.items()} for r in rows])
            if result.together.ids:
                st.markdown(md(together_sentence(kg, result)))
        with right:
            st.markdown("**Assumptions under what is in place or at risk, not confirmed**")
            working = any(s in ("in place", "at risk") for s in result.state.values())
            show(
                "\n".join(
                    f"- {node_link(kg.nodes[a['id']], with_type=False)} *({md(a['status'])})*"
                    for a in result.assumptions_at_risk[:10]
                )
                or ("*none*" if working else "*none yet: nothing is in place or at risk, so no assumption is "
                    "being relied on*")
            )
        d1, d2 = st.columns(2)
        named = f"-{slug(profile.place, 6)}" if profile.place.strip() else ""  # "self-assessment-otterford.html"
        d1.download_button(
            "Download profile (YAML)",
            profile.to_yaml(kg),
            file_name=f"profile{named}.yaml",
            mime="application/x-yaml",
            key="place_dl_yaml",
        )
        d2.download_button(
            "Download printable report (HTML)",
            report_html(profile, result, kg, base=app_address()),
            file_name=f"self-assessment{named}.html",
            mime="text/html",
            key="place_dl_report",
        )
    with tab_compare:
        files = st.file_uploader(
            "Two or more profiles (oldest first)", type=["yaml", "yml"], accept_multiple_files=True, key="place_compare"
        )
        profiles = []
        if st.checkbox("Start with the fictional example (as the earliest)", key="place_compare_example"):
            profiles.append(load_profile(EXAMPLE, kg))
        add_current = st.checkbox("Add the profile on the first tab (as the latest)", key="place_compare_current")
        for f in files or []:
            try:
                profiles.append(profile_from_bytes(f.getvalue(), kg, f.name))
            except ProfileError as err:
                st.error(md(str(err)))
        if add_current:
            profiles.append(profile)
        if len(profiles) < 2:
            st.info("Upload two or more profiles: two places, or one place a year apart.")
            return
        results = [assess(kg, p) for p in profiles]
        c = compare(results, kg, profiles)
        # st.table renders Markdown: every text cell and header goes through md(); numbered so one place twice
        # stays two columns
        names = [md(f"{i + 1}. {p}") for i, p in enumerate(c.places)]
        st.markdown("**Outcomes and impacts by state**")
        st.table(
            [
                {"profile": n, **{k: r.summary(kg)[k] for k in ("in place", "at risk", "unknown", "blocked")}}
                for n, r in zip(names, results, strict=True)
            ]
        )
        st.markdown(
            "**Moved up** (a better state in the last profile than in the first): "
            + (", ".join(md(kg.nodes[n].label) for n in c.up) or "none")
        )
        st.markdown(
            "**Moved down** (a worse state in the last profile): "
            + (", ".join(md(kg.nodes[n].label) for n in c.down) or "none")
        )
        st.markdown("**What changed in the profiles**")
        st.table(
            [
                {"item": md(x["label"]), "type": x["type"], **dict(zip(names, x["statuses"], strict=True))}
                for x in c.items
            ]
            or [{"item": "no change"}]
        )
        st.markdown("**Elements whose state changed**")
        st.table(
            [{"element": md(x["label"]), **dict(zip(names, x["states"], strict=True))} for x in c.changed]
            or [{"element": "no change"}]
        )

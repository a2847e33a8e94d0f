"""Data page: downloads, read-only SPARQL, corpus status, and adding a document."""

from __future__ import annotations

import hashlib
import html
import io
import os
import re
import time
import zipfile
from pathlib import Path
from typing import NoReturn
from urllib.parse import quote_plus

import streamlit as st

from graph import settings
from graph.analysis.cases import document_yield, elements_for_case
from graph.files import save_unique
from graph.ns import counted
from graph.text.labels import shorten
from ingest.build import BuildError, Pending, build, pending, read_manifest, step_words
from ingest.readers import MAX_BYTES, SUFFIXES, InputError, doc_from_bytes, kind_applies, with_kind
from ui.common import build_dir, build_stamp, get_engine, get_kg, md, node_link, show, store_spec
from ui.route import param, seed, set_params

EXAMPLE_QUERIES = {
    "Processes and their assumptions": """PREFIX ep: <https://w3id.org/empowering-places/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
# a label may be cut to fit a box ("…"); ep:text holds the whole wording
SELECT ?process ?assumption WHERE {
  ?p a ep:Process ; skos:prefLabel ?process ; ep:underpinnedBy ?a .
  ?a ep:text ?assumption .
} ORDER BY ?process""",
    "Case studies with organisation, place and figure": """PREFIX ep: <https://w3id.org/empowering-places/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?case ?org ?place ?figure WHERE {
  ?c a ep:CaseStudy ; skos:prefLabel ?case .
  OPTIONAL { ?c ep:involves/skos:prefLabel ?org }
  OPTIONAL { ?c ep:locatedIn/skos:prefLabel ?place }
  OPTIONAL { ?c ep:hasEvidence/ep:figure ?figure }
}""",
    "Causal links by basis": """PREFIX ep: <https://w3id.org/empowering-places/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?from ?to ?basis ?weight WHERE {
  ?l a ep:CausalLink ; ep:linkFrom/skos:prefLabel ?from ; ep:linkTo/skos:prefLabel ?to ;
     ep:basis ?basis ; ep:weight ?weight .
} ORDER BY ?basis DESC(?weight) LIMIT 50""",
    "Where a quote comes from": """PREFIX ep: <https://w3id.org/empowering-places/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?title ?start ?end ?exact WHERE {
  <https://w3id.org/empowering-places/id/process/create-a-referral-network> ep:hasSource ?s .
  ?s oa:hasSource/dcterms:title ?title ; oa:hasSelector ?p, ?q .
  ?p oa:start ?start ; oa:end ?end . ?q oa:exact ?exact .
}""",
}


DOWNLOADS = {  # format -> (mime type, file name)
    "ttl": ("text/turtle", "empowering-places.ttl"),
    "jsonld": ("application/ld+json", "empowering-places.jsonld"),
    "graphml": ("application/xml", "empowering-places.graphml"),
    "gexf": ("application/xml", "empowering-places.gexf"),
    "csv": ("application/zip", "empowering-places-csv.zip"),
}


@st.cache_data(show_spinner=False, max_entries=10)
def export_data(build: str, stamp: str, fmt: str) -> bytes:
    """Serialised once per build and format, not on every rerun."""
    from graph.analysis.export import export, to_csv

    g = get_kg().g
    if fmt == "csv":
        nodes, edges = to_csv(g)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("nodes.csv", nodes)
            z.writestr("edges.csv", edges)
        return buf.getvalue()
    return (export(g, fmt) or "").encode("utf-8")


def corpus_dir() -> Path:
    return settings.path("EP_CORPUS")


_ABSOLUTE = re.compile(r"(?<![\w:/.~-])(?:/[^\s/'\"`]+)+/([^\s/'\"`]+)")


def shown(text: str) -> str:
    """A message for the page without the server's absolute paths: the corpus and build folders by their
    names, any other path by its last part (a visitor needs the file's name, not where the server keeps it)."""
    for folder in (corpus_dir(), build_dir()):
        forms = {str(folder.resolve()), str(folder), str(folder.parent.resolve()), str(folder.parent)}
        for form in sorted(forms, key=len, reverse=True):  # the folder itself before its parent
            if len(form) > 1:
                text = text.replace(form + "/", "").replace(form, folder.name if form.endswith(folder.name) else "")
    return _ABSOLUTE.sub(r"\1", text)


def safe_name(name: str) -> str:
    stem, suffix = os.path.splitext(os.path.basename(name))
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or "document"
    return f"{stem[:80]}{suffix.lower()}"


def check_upload(name: str, data: bytes) -> str | None:
    """Why an upload is refused, or None: the same check ingest applies to every corpus file."""
    try:
        doc_from_bytes(data, name)
    except InputError as e:
        return str(e)
    return None


def save_upload(corpus: Path, name: str, data: bytes) -> tuple[str | None, str]:
    """Save an upload without replacing anything, even when two arrive at once (graph.files.save_unique).

    Returns (file name or None when the same bytes are already there, what to tell the user).
    """
    target, saved = save_unique(corpus, name, data)
    if not saved:  # not in the graph (add_and_rebuild refuses those first): the rebuild takes it in
        return None, (f"{name}: the same file is already in the corpus as {target.name} but not in the graph yet "
                      "(a build did not finish); not added again, built now")
    if target.name == name:
        return target.name, ""
    return target.name, f"{name}: a different file of that name is in the corpus; kept both, this one as {target.name}"


DATA_TABS = {"download": "Download", "sparql": "SPARQL", "status": "Corpus status", "add": "Add a document"}  # tab=


def render() -> None:
    kg = get_kg()
    b = build_dir()
    # the open tab is part of the view (tab=, left out for the first): a copied link opens it, Back returns to it
    seed("data_tab", DATA_TABS.get(param("tab"), DATA_TABS["download"]))
    # above the tabs, whichever is open: a build that did not finish (the page closed while it ran) was said only
    # on the Corpus status and Add tabs, not on Download, which opens first (a browser walk)
    state = corpus_pending()
    behind(state, key="rebuild_now")
    tab_dl, tab_sparql, tab_status, tab_add = st.tabs(list(DATA_TABS.values()), key="data_tab", on_change="rerun")
    open_tab = next((k for k, t in zip(DATA_TABS, (tab_dl, tab_sparql, tab_status, tab_add), strict=True)
                     if t.open), "download")
    set_params(tab="" if open_tab == "download" else open_tab)

    with tab_dl:
        st.write("The whole graph, with every source span, in the format your tool reads.")
        cols = st.columns(len(DOWNLOADS))
        for col, (fmt, (mime, name)) in zip(cols, DOWNLOADS.items(), strict=True):
            col.download_button(
                fmt.upper(),
                data=export_data(str(b), build_stamp(b), fmt),
                file_name=name,
                mime=mime,
                key=f"dl_{fmt}",
                width="stretch",
            )
        st.caption(
            "GraphML, GEXF and CSV hold the networkx view (nodes, causal links with basis, weight and "
            "evidence, and the other relations); Turtle and JSON-LD hold everything."
        )

    with tab_sparql:
        from graph.sparql import QueryRefused, QueryTimeout, run, warm

        warm(str(store_spec()), b)  # the sandboxed worker loads the graph while the user writes the query

        example = st.selectbox("Example queries", list(EXAMPLE_QUERIES), key="sparql_example")
        q = st.text_area(
            "Read-only SPARQL (SELECT, ASK, CONSTRUCT, DESCRIBE; updates are refused)",
            EXAMPLE_QUERIES[example],
            height=180,
            key=f"sparql_text_{example}",
        )
        if st.button("Run query", key="sparql_run"):
            t0 = time.perf_counter()
            # a query may run up to its 10 s limit: say so while it runs (the page showed nothing; a browser walk)
            with st.spinner("Running the query (stopped after 10 s)…"):
                try:
                    result = run(None, q, timeout=10, store=str(store_spec()), build=b)
                except (QueryRefused, QueryTimeout) as e:
                    st.session_state["sparql_last"] = (q, None, str(e), 0.0)
                else:
                    st.session_state["sparql_last"] = (q, result, "", (time.perf_counter() - t0) * 1000)
        # the last answer stays under its query when the page reruns (another tab opened and this one again)
        last = st.session_state.get("sparql_last")
        if last is not None and last[0] == q:
            _, result, error, ms = last
            if error:
                st.error(md(error))
            elif result.kind == "select":
                st.dataframe(result.rows, width="stretch")
                st.caption(f"{len(result.rows)} rows{' (truncated)' if result.truncated else ''} in {ms:.0f} ms")
            elif result.kind == "ask":
                st.write(f"**{result.boolean}**")
            else:
                st.code(result.turtle[:20000], language="turtle")

    with tab_status:
        m = kg.manifest or read_manifest(b)
        if not m:
            st.warning(f"No build in {md(shown(str(b)))}.")
        else:
            st.write(f"Store **{md(kg.store)}** · last build **{md(m.get('built_at'))}** · "
                     f"{md(m.get('triples'))} triples · code {md(m.get('code_version'))}")
            st.dataframe(
                [
                    {
                        "document": d.get("title"),
                        "file": p,
                        "kind": d.get("kind"),
                        "format": d.get("format"),
                        "characters": d.get("chars"),
                    }
                    for p, d in m["documents"].items()
                ],
                width="stretch",
            )
            c1, c2 = st.columns(2)
            c1.dataframe([{"class": k, "nodes": v} for k, v in m.get("nodes", {}).items()], width="stretch")
            c2.dataframe([{"relation": k, "edges": v} for k, v in m.get("edges", {}).items()], width="stretch")
            warnings = m.get("warnings", {})
            if warnings:
                st.markdown("**Warnings per file**")
                for path, msgs in warnings.items():
                    for msg in msgs:
                        st.warning(md(shown(f"{path}: {msg}")))
            else:
                st.success("Every file ingested without warnings.")

    with tab_add:
        for level, note in st.session_state.pop("upload_notes", []):
            {"success": st.success, "error": st.error, "info": st.info, "links": show}.get(level, st.warning)(note)
        st.write(
            f"Add .md, .txt, .html or .pdf files (up to {MAX_BYTES // 1_000_000} MB each) to "
            f"the corpus folder ({md(corpus_dir().name)}) and rebuild. If the new build fails, the previous one stays."
        )
        files = st.file_uploader(  # a new key after each try empties it: a refused file is not left listed
            "Documents", type=[s.lstrip(".") for s in SUFFIXES], accept_multiple_files=True,
            key=f"upload{st.session_state.get('upload_round', '')}",
        )
        kind = st.selectbox("Kind", ["case-study", "report", "article", "model"], key="upload_kind",
                            help="Written into a Markdown or plain-text file as its front matter (unless it has "
                            "its own). An HTML or PDF file is read for what it is: a case study when it names an "
                            "organisation, a place and two figures; or give its kind in corpus.yaml.")
        if files and not all(kind_applies(f.name) for f in files):
            st.caption("The kind is set for Markdown and plain-text files only; an HTML or PDF file is read for what "
                       "its text is (or give its kind in corpus.yaml).")
        if st.button("Add and rebuild", disabled=not files, key="upload_go"):
            add_and_rebuild(files or [], kind)


def corpus_pending() -> Pending | None:
    """How the live build stands against the corpus folder (ingest.build.pending); None when the corpus cannot be
    listed (the build's own error says why when it is rebuilt)."""
    try:
        return pending([corpus_dir()], build_dir())
    except BuildError:
        return None


def behind_words(p: Pending) -> str:
    """Why the graph is behind the corpus, naming the files (by name, never the server's path)."""
    def names(paths: tuple[str, ...]) -> str:
        return ", ".join(Path(x).name for x in paths)

    moved = {Path(x).name for x in p.unbuilt} & {Path(x).name for x in p.gone}
    if moved and len(moved) == len(p.unbuilt) == len(p.gone):  # the same files, read from another folder
        return ("The graph was built from the same files in another folder than the corpus folder now "
                f"({corpus_dir().name}); a rebuild reads them from here.")
    parts = []
    if p.unbuilt:
        parts.append(f"{names(p.unbuilt)} {'is' if len(p.unbuilt) == 1 else 'are'} in the corpus but not in the "
                     "graph yet (a build did not finish, for example when the page was closed while it ran)")
    if p.gone:
        parts.append(f"{names(p.gone)} {'is' if len(p.gone) == 1 else 'are'} in the graph but no longer in the corpus")
    if not parts:
        parts.append("the ingest code, corpus.yaml or links.yaml changed since the last build")
    return "The graph is behind the corpus: " + "; ".join(parts) + "."


def behind(p: Pending | None, key: str) -> None:
    """Says when the graph is behind the corpus (``p``: ``corpus_pending()``), and offers the rebuild that brings it
    up to date."""
    if p is None or not p.stale:
        return
    st.warning(md(behind_words(p)), icon=":material/sync_problem:")
    if st.button("Rebuild the graph now", key=key, type="primary", icon=":material/refresh:"):
        rebuild(corpus_dir(), [], [], [Path(x).name for x in p.unbuilt])


def add_and_rebuild(files, kind: str) -> None:
    corpus = corpus_dir()
    corpus.mkdir(parents=True, exist_ok=True)
    saved: list[str] = []
    early: list[tuple[str, str]] = []  # refusals and renames, shown with the notes after the rerun
    known = {d.get("sha256"): p for p, d in read_manifest(build_dir()).get("documents", {}).items()}
    for f in files:
        data = f.getvalue()
        name = safe_name(f.name)
        data = with_kind(name, data, kind)  # Markdown and plain text carry the chosen kind as front matter
        problem = check_upload(name, data)
        if not problem and (was := known.get(hashlib.sha256(data).hexdigest())):
            problem = f"{name}: the same content is already in the corpus as {Path(was).name}, and in the graph"
        if problem:
            early.append(("error", md(shown(problem))))
            continue
        target, note = save_upload(corpus, name, data)
        if note:
            early.append(("info" if target else "warning", md(note)))
        if target:
            saved.append(target)
    p = corpus_pending()
    unbuilt = [Path(x).name for x in p.unbuilt] if p else []
    if not saved and not unbuilt:
        _after_upload(early)
    rebuild(corpus, saved, early, unbuilt)  # an upload already in the corpus but never built is built now


def rebuild(corpus: Path, saved: list[str], early: list[tuple[str, str]], unbuilt: list[str]) -> None:
    """Rebuild the graph from the corpus with a progress bar in words; ``saved`` (this upload's new files) leave the
    corpus again if the build fails or refuses them; ``unbuilt`` (files that were there, never built) stay."""
    bar = st.progress(0.0, text="Reading the corpus…")

    def progress(label: str, i: int, n: int) -> None:
        bar.progress(min(1.0, (i + 1) / max(1, n)), text=md(shorten(step_words(label), 100)))

    try:
        result = build([corpus], out=build_dir(), progress=progress, store=store_spec())
    except BuildError as e:
        bar.empty()
        _withdraw(corpus, saved)
        st.error("The build failed; the previous build is still in use and the upload was not kept. "
                 + md(shown(str(e))))
        return
    ingested = {Path(p).name for p in result.manifest.get("documents", {})}
    refused = [n for n in saved if n not in ingested]
    refused_notes = []  # kept for after the rerun below, like the other notes
    for n in refused:
        why = "; ".join(next((m for p, m in result.warnings.items() if Path(p).name == n), ["it was not ingested"]))
        refused_notes.append(("error", md(shown(f"{n}: {why}; removed from the corpus"))))
    if refused:
        _withdraw(corpus, refused)
        saved = [n for n in saved if n not in refused]
        try:  # the live build must not list files that are no longer there
            result = build([corpus], out=build_dir(), progress=progress, store=store_spec())
        except BuildError as e:
            st.error("The rebuild without the refused files failed; the previous build is still in use. "
                     + md(shown(str(e))))
    bar.progress(1.0, text="Making the new graph searchable…")
    st.cache_resource.clear()
    get_engine()
    bar.empty()
    built = {Path(p).name for p in result.manifest.get("documents", {})}
    also = [n for n in unbuilt if n not in saved and n in built]  # in the corpus before, built only now
    said = [f"Added {md(', '.join(saved))}"] if saved else []
    if also:
        said.append(f"built {md(', '.join(also))}, in the corpus before but not in the graph")
    said.append(f"graph rebuilt ({result.manifest.get('triples')} triples)")
    done = "; ".join(said)
    notes = early + refused_notes + [("success", done[:1].upper() + done[1:] + ".")]
    notes += [("links", _what_it_became(get_engine().kg, name)) for name in saved + also]
    for path, msgs in result.warnings.items():
        if Path(path).name in saved + also:
            notes += [("warning", md(shown(f"{path}: {msg}"))) for msg in msgs]
    _after_upload(notes)  # every tab (the corpus status too) and every page now read the new build


def _after_upload(notes: list[tuple[str, str]]) -> NoReturn:
    """Keep ``notes`` for the page after the rerun, and give the uploader a new key so it starts empty: the files
    it listed were added or refused, and a refused one left there read as waiting to be added."""
    st.session_state["upload_notes"] = notes
    st.session_state["upload_round"] = st.session_state.get("upload_round", 0) + 1
    st.rerun()


def _what_it_became(kg, name: str) -> str:
    """One added file's case studies (linked, with the elements each illustrates) or, when it gave none, what
    it did give and why it is not a case study: the upload no longer ends at a triple count."""
    y = document_yield(kg, name)
    if y.cases:
        lines = [f"**{md(name)}** is now {'a case study' if len(y.cases) == 1 else f'{len(y.cases)} case studies'}:"]
        for cid in y.cases:
            links = elements_for_case(kg.g, kg, cid)
            shown_els = [node_link(kg.nodes[lk.element], with_type=False) for lk in links[:5] if lk.element in kg.nodes]
            lines.append(f"- {node_link(kg.nodes[cid], with_type=False)}" + (
                f" — illustrates {', '.join(shown_els)}" + (f" and {len(links) - 5} more" if len(links) > 5 else "")
                if shown_els else " — illustrates no part of the model yet"))
        lines.append('\n<a href="?page=cases" target="_self">All case studies</a>')
        return "\n".join(lines)
    parts = ", ".join(counted(k, v) for k, v in sorted(y.counts.items()))
    ask = html.escape(f"?q={quote_plus(y.title or name)}")
    return (f"**{md(name)}** gave {md(parts) or 'no nodes'} and no case study (a case study is a document added "
            "with Kind case-study, or one that names an organisation, a place and two figures). "
            f'<a href="{ask}" target="_self">Ask about it</a>')


def _withdraw(corpus: Path, names: list[str]) -> None:
    """Uploads that did not make it into the graph leave the corpus, so they do not warn at every build."""
    for n in names:
        (corpus / n).unlink(missing_ok=True)

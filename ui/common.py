"""What every page shares: the data loaded once per server process, URL state, safe rendering."""

from __future__ import annotations

import html
import re
import threading
import time
from pathlib import Path
from urllib.parse import quote

import streamlit as st

from graph.ns import type_words
from graph.records import NodeRecord
from graph.store import KnowledgeGraph, default_build
from graph.stores.base import StoreSpec
from graph.stores.factory import open_store
from ui.route import param, seed

# a run of text a GitHub-style renderer would make a link of (a scheme, "www." or an "@"), and what may close it
_LINKISH = re.compile(r"\S*(?:(?i:https?|ftp|mailto|xmpp):|(?i:www)\.|@)\S*")
_CLOSING = ".,;:!?'\")]"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=^@'\"])")


def build_dir() -> Path:
    return default_build()


def store_spec() -> StoreSpec:
    """The app's store: $EP_STORE (memory, oxigraph:DIR or sparql:URL), as for every CLI."""
    return StoreSpec.parse(None)


def _code(run: str) -> str:
    """``run`` as a code span: shown as its characters, never a link, and copied as it is."""
    fence = "`" * (max(map(len, re.findall("`+", run)), default=0) + 1)
    pad = " " if run.startswith("`") or run.endswith("`") else ""
    return f"{fence}{pad}{run}{pad}{fence}"


def _literal(text: object, special: re.Pattern) -> str:
    """``text`` with ``special`` characters backslash-escaped and each address-like run as a code span.

    Escapes alone do not stop GitHub-style autolinks (``http://…``, ``www.…``, ``a@b.org`` become links after
    escapes are resolved); a code span does, and unlike an invisible joiner it copies as the address itself."""
    s, out, at = str(text or ""), [], 0
    for m in _LINKISH.finditer(s):
        run = m.group().rstrip(_CLOSING)
        if not run:
            continue
        out += [special.sub(r"\\\1", s[at:m.start()]), _code(run)]
        at = m.start() + len(run)
    return "".join([*out, special.sub(r"\\\1", s[at:])])


# A widget label renders only bold, italics, strikethrough, code, links, images, emoji and colour shortcodes and
# LaTeX; escaping only those keeps its accessible name (aria-label) free of needless backslashes
_LABEL_SPECIAL = re.compile(r"([\\`*_\[\]!<>~$:])")


def label(text: object) -> str:
    """Text from a document as a widget's label: literal, with only the characters a label would read as Markdown
    escaped ("Long-term commitment" stays as it is, so a screen reader does not read "Long backslash-term")."""
    return _literal(text, _LABEL_SPECIAL)


def md(text: object) -> str:
    """Text from a document, a profile or a user as literal text wherever Streamlit renders Markdown.

    Streamlit renders Markdown (images and links included) in st.markdown/write/caption/title/subheader,
    st.error/warning/info/success, st.table cells, expander and tab titles, widget labels, radio options
    and help tooltips: every such string that did not come from this code goes through here. Every
    Markdown and HTML punctuation character is backslash-escaped, so ``![b](http://host/x.png)`` shows
    as those characters and fetches nothing, and ``[Official source](http://…)`` is not a link.
    An address (``http://…``, ``www.…``, ``a@b.org``) is a code span, which no renderer makes a link of.
    Select-box options, dataframes, st.code and st.text show text as it is and need no escaping.
    """
    return _literal(text, _MD_SPECIAL)


_LOADED: dict[tuple[str, str], object] = {}
_LOADING = threading.Lock()


def load_engine(build: str, stamp: str):
    """The search engine for one build, loaded once per process whichever thread asks first.

    ``serve.py`` calls this from a background thread as the server starts, so the first visitor finds it
    loaded; a session arriving mid-load waits on the lock instead of loading a second copy."""
    with _LOADING:
        if (build, stamp) not in _LOADED:
            from search.engine import SearchEngine

            eng = SearchEngine.load(Path(build), store=store_spec())
            eng.card("warm up")  # the first encode and card walk pay one-off costs; not the visitor's
            _LOADED.clear()  # one build live per process: a re-ingest replaces it
            _LOADED[(build, stamp)] = eng
        return _LOADED[(build, stamp)]


@st.cache_resource(show_spinner="Loading the graph, index and model (once per server)…")
def engine(build: str, stamp: str):
    """The search engine (graph + index + model), shared by all sessions of this server process.

    ``stamp`` is the build's fingerprint, so a re-ingest loads the new build instead of a stale one.
    """
    return load_engine(build, stamp)


def warm() -> None:
    """Load the engine for the current build now (the server's start-up thread), not on the first visit."""
    b = build_dir()
    load_engine(str(b), build_stamp(b))


def build_stamp(build: Path | None = None) -> str:
    """Changes when a new build is live: the manifest's time for memory, the store's fingerprint otherwise."""
    spec = store_spec()
    if spec.kind != "memory":
        return f"{spec}:{open_store(spec).stamp(build or build_dir()) or 'none'}"
    f = (build or build_dir()) / "manifest.json"
    return f"{f.stat().st_mtime_ns}" if f.exists() else "none"


def get_engine():
    b = build_dir()
    return engine(str(b), build_stamp(b))


def get_kg() -> KnowledgeGraph:
    return get_engine().kg


@st.cache_resource(show_spinner=False)
def _pathways(build: str, stamp: str):
    from graph.analysis.pathways import Pathways

    kg = get_engine().kg
    return Pathways(kg.g, Path(build), kg=kg)  # one set of node records per process, shared with search


def get_pathways():
    b = build_dir()
    return _pathways(str(b), build_stamp(b))


def node_url(node_id: str) -> str:
    return f"?page=node&node={quote(node_id, safe='/')}"


def node_link(n: NodeRecord | None, with_type: bool = True) -> str:
    """A node's page, opened in the same tab (Streamlit opens Markdown links in a new one, so this is an
    HTML anchor with target=_self: show it with ``show()``). The label stays literal text (md-escaped)."""
    if n is None:
        return "*(unknown node)*"
    words = [type_words(n.type), n.stage_label]  # "Purpose · Vision and purpose" after "Purpose": each said once
    words = [w for i, w in enumerate(words) if w and w.lower() != n.label.lower() and w not in words[:i]]
    words += [md(r) for r in n.roles_and_names()[0][:1]]  # a person as who they are: "Person · chair of …"
    kind = f" *{' · '.join(words)}*" if with_type and words else ""
    return f'<a href="{html.escape(node_url(n.id))}" target="_self">{md(n.label)}</a>{kind}'


BADGE_COLOUR = {"stated": "green", "shown": "blue", "curated": "violet", "inferred": "gray"}  # as the pictures


def evidence_badge(level: str) -> str:
    """A link's evidence level as a coloured Markdown badge (fixed words, never document text), in the
    colours the pictures draw the level's arrows."""
    from graph.evidence import BADGE

    return f":{BADGE_COLOUR.get(level, 'gray')}-badge[{BADGE.get(level, level)}]"


def show(text: str, where=None) -> None:
    """Markdown that carries node links (in ``where``, a column or container; default the page). Safe to allow
    HTML here only because all document and user text in it went through md() (which escapes < and >) and
    the only tags are our own same-tab anchors."""
    (where or st).markdown(text, unsafe_allow_html=True)


def cite(n: NodeRecord) -> str:
    """'— Document title, section' for a node's first source."""
    if not n.sources:
        return ""
    s = n.sources[0]
    where = f"{md(s.document)}" + (
        f", {md(s.section.title() if s.section.isupper() else s.section)}" if s.section else ""
    )
    return f"— {where} (chars {s.start}–{s.end})"


def clip(text: str, max_chars: int = 600) -> str:
    """The text as a quote shows it: cut at a word before ``max_chars``."""
    return text if len(text) <= max_chars else text[:max_chars].rsplit(" ", 1)[0] + " …"


def quote_block(text: str, max_chars: int = 600) -> str:
    return "> " + md(clip(text, max_chars)).replace("\n", "\n> ")


def pick_node(label: str, ids: list[str], key: str, placeholder: str, format_func, current: str | None = None):
    """A node picker opened on the node in the URL (``?node=``, or ``current``) when it is one of ``ids``."""
    current = param("node") if current is None else current
    seed(key, current if current in ids else None)
    return st.selectbox(label, ids, format_func=format_func, placeholder=placeholder, key=key)


class Timer:
    """Interaction time shown in the footer (and read by the benchmark)."""

    def __init__(self):
        self.t0 = time.perf_counter()

    def ms(self) -> float:
        return (time.perf_counter() - self.t0) * 1000


def scroll_when_still(anchor: str, action: str, when: str = "true", flag: str = "") -> str:
    """A script that runs the JS ``action`` (``h`` is element ``anchor``) once the element's place has held still
    for a moment (what is drawn above it takes a while to get its height), if the JS condition ``when`` holds
    (``back`` in it: this document was loaded by Back or Forward and, with ``flag``, has not acted yet). Fixed
    code only, no document text: emit it with ``st.html(..., unsafe_allow_javascript=True)``."""
    once = f" && !window.{flag}" if flag else ""
    mark = f"window.{flag} = true;" if flag else ""
    return f"""<script>
(() => {{
  const nav = performance.getEntriesByType("navigation")[0];
  const back = !!nav && nav.type === "back_forward"{once};
  if (!({when})) return;
  {mark}
  let last = null, still = 0, tries = 0;
  const tick = () => {{
    const h = document.getElementById("{anchor}");
    const y = h ? h.getBoundingClientRect().top + (h.closest("[data-testid=stMain]")?.scrollTop || 0) : null;
    still = y !== null && y === last ? still + 1 : 0;
    last = y;
    if (still >= 3) {{ {action} return; }}
    if (++tries < 100) setTimeout(tick, 100);
  }};
  tick();
}})();
</script>"""

"""Read the logic model, its assumptions, foundations, lists and passages out of a document's blocks.

Extraction follows the document's own structure: a heading that names a stage opens that stage;
short lines followed by prose name its elements; "Assertions/Assumptions" and "Foundation (…)"
open their blocks; "5a. Short term:" style headings open lists of outcomes or impacts; a sentence
announcing "eight practical insights" opens a list of insights. Whatever matches none of these
is kept as a passage, so every document stays searchable.
"""

from __future__ import annotations

import re

from graph import stages as st
from ingest.model import Doc, Extraction, Item, Span
from ingest.structure import Block, collapse, parse_blocks, word_count

MIN_LINE_WORDS = 4  # a list, assumption or foundation line shorter than this ends its block
_DASH_NAME = re.compile(r"^(?P<name>[^–—:]{2,80}?)\s+[–—-]\s+(?P<desc>.+)$", re.S)
_SENTENCE_NAME = re.compile(r"^(?P<name>[^.]{3,90}?)\.\s+(?P<desc>[A-Z‘“'\"].+)$", re.S)
_ATTRIBUTION = re.compile(r"[”\"]\s*\((?P<who>[^()]{2,80})\)\s*$")
_LIST_ANNOUNCE = re.compile(
    r"\b(?P<count>two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})\s+"
    r"(?P<kind>(?:[\w-]+\s+){0,2}?(?:challenges|insights|characteristics|recommendations|lessons|"
    r"principles|steps|features|actions|priorities|themes|findings|ways|tips|ideas|questions))\b",
    re.I,
)
_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
    )
}
_DISCOURSE = re.compile(r"^(?:as a result|in turn|consequently|therefore|this means that|over time)\s*,?\s*", re.I)


def split_name(text: str) -> tuple[str, str]:
    """'Name – description' or 'Name. Description' -> (name, description); ('', text) if neither."""
    for pat in (_DASH_NAME, _SENTENCE_NAME):
        m = pat.match(text)
        if m and 1 <= word_count(m["name"]) <= 10:
            return m["name"].strip(" .:"), m["desc"].strip()
    return "", text


def short_label(text: str, max_words: int = 10) -> str:
    """A readable label for an unnamed list line: its first clause, without a leading 'As a result,'."""
    t = _DISCOURSE.sub("", text).strip()
    t = t[:1].upper() + t[1:]
    m = re.match(r"^(.{12,}?)(?:\s+[–—-]\s+|\s*\(|,\s+(?:providing|leading|contributing|through|not|as)\b|$)", t)
    label = (m.group(1) if m else t).strip(" ,.;:")
    words = label.split()
    return " ".join(words[:max_words]) + ("…" if len(words) > max_words else "")


class _State:
    """Where the reader is in the document: stage, section, the block being read and the list being counted."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.ex = Extraction(doc)
        self.stage: str = ""
        self.section = ("", -1, 0)  # heading text, offset, level
        self.mode = ""  # "" | assumptions | foundation | list | insights | element
        self.mode_arg = ""
        self.horizon = ""
        self.scope = ""
        self.notation = ""
        self.element: Item | None = None
        self.table: dict[int, dict] = {}  # summary-table context per column
        self.announced: tuple[str, int] | None = None  # (kind, expected count) of the list being read
        self.list_items: list[Item] = []

    def span(self, b: Block, role: str = "full") -> Span:
        return Span(self.doc.doc_id, b.start, b.end, self.section[0], self.section[1], role)

    def close_list(self) -> None:
        """End an announced list, warning when it held another number of items than the text announced."""
        ann, n = self.announced, len(self.list_items)
        if ann and self.list_items and ann[1] and n != ann[1]:
            self.ex.warnings.append(f"{self.doc.path}: the text announces {ann[1]} {ann[0]} but lists {n}")
        self.announced, self.list_items = None, []

    def set_section(self, b: Block) -> None:
        self.section = (b.text, b.start, b.level or 1)
        self.ex.sections.append((b.start, b.end, b.text, b.level or 1))


def extract(doc: Doc, blocks: list[Block] | None = None) -> Extraction:
    """The document's items, read block by block: each block goes to the first step in STEPS that takes it.

    ``blocks`` (from ``parse_blocks``) are kept on the extraction, so later stages (the link stage)
    read the same blocks instead of parsing the text again.
    """
    blocks = parse_blocks(doc.text, doc.body_start) if blocks is None else blocks
    s = _State(doc)
    title_stage = st.match(doc.title, st.stages())
    if title_stage:
        s.stage = title_stage.key
    for i, b in enumerate(blocks):
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        for step in STEPS:
            if step(s, b, nxt):
                break
    s.close_list()
    s.ex.items = [it for it in s.ex.items if it.text]  # an element name with no prose after it says nothing
    s.ex.blocks = blocks
    return s.ex


# ------------------------------------------------------------------ the steps, in the order they are tried
# Each takes (state, block, next block) and returns True when it has dealt with the block.


def table_block(s: _State, b: Block, nxt: Block | None) -> bool:
    """Summary-table cells, table header rows and metadata lines."""
    if b.kind == "cell":
        _table_cell(b, s, s.ex)
    elif b.kind == "tabular":
        s.table.clear()  # a table header row starts a new table
    return b.kind in ("cell", "tabular", "meta")


def stage_heading(s: _State, b: Block, nxt: Block | None) -> bool:
    """A heading (or a short line naming a stage) opens a section: a stage, an outcome horizon or an impact scope."""
    if not (b.kind == "heading" or (b.kind == "short" and st.match(b.text, st.stages())
                                    and not _is_class_heading(b, s))):
        return False
    s.element = None
    s.close_list()
    s.table.clear()
    s.set_section(b)
    stage = st.match(b.text, st.stages())
    horizon = st.match(b.text, st.horizons())
    scope = st.match(b.text, st.scopes()) if s.stage == "impact" or b.number.startswith("6") else None
    s.mode, s.horizon, s.scope, s.notation = "", "", "", ""
    if stage:
        s.stage = stage.key
    elif horizon:
        s.stage, s.horizon, s.mode, s.notation = "outcome", horizon.key, "list", b.number
    elif scope and (s.stage == "impact" or not s.stage):
        s.stage, s.scope, s.mode, s.notation = "impact", scope.key, "list", b.number
    elif b.kind == "heading" and b.level <= 1:
        s.stage = ""  # a new top-level section that is not a stage leaves the model
    return True


def block_marker(s: _State, b: Block, nxt: Block | None) -> bool:
    """"Assertions/Assumptions" or "Foundation (…)": the lines that follow are assumptions or foundations."""
    if b.kind != "marker":
        return False
    s.element = None
    s.close_list()
    s.mode, s.mode_arg = b.marker, b.marker_arg
    if not s.stage:
        s.ex.warnings.append(
            f"{s.doc.path}: '{b.text}' at offset {b.start} is outside any stage; its lines are kept as passages")
        s.mode = ""
    return True


def _is_line(b: Block) -> bool:
    return word_count(b.text) >= MIN_LINE_WORDS and b.kind in ("para", "item", "short")


def assumption_or_foundation_line(s: _State, b: Block, nxt: Block | None) -> bool:
    """A line of an assumptions or foundation block; a short line ends the block."""
    if s.mode not in ("assumptions", "foundation"):
        return False
    if _is_line(b):
        s.ex.items.append(_block_line(b, s, s.span(b)))
        return True
    s.mode = ""
    return False


def stage_list_line(s: _State, b: Block, nxt: Block | None) -> bool:
    """A line of an outcome-horizon or impact-scope list ("5a. Short term:")."""
    if s.mode != "list":
        return False
    if _is_line(b):
        s.ex.items.append(Item(st.STAGE_CLASS[s.stage], short_label(b.text), b.text, [s.span(b)], stage=s.stage,
                               horizon=s.horizon, scope=s.scope, notation=s.notation))
        return True
    s.mode = ""
    return False


def element_name(s: _State, b: Block, nxt: Block | None) -> bool:
    """A stage's elements: a short line followed by prose names the element the prose describes."""
    if not (s.stage and b.kind == "short" and nxt is not None and nxt.kind == "para"):
        return False
    cls = _class_for(b.text, s.stage)
    label = b.text if cls == st.STAGE_CLASS.get(s.stage, cls) else cls
    s.element = Item(cls, label, "", [], stage=s.stage)
    s.ex.items.append(s.element)
    return True


def element_prose(s: _State, b: Block, nxt: Block | None) -> bool:
    """Prose after an element's name is its text (several paragraphs make one span); anything else ends it."""
    if s.element is None or b.kind != "para":
        if b.kind != "para":
            s.element = None
        return False
    el = s.element
    if el.spans:
        first = el.spans[0]
        el.spans[0] = Span(s.doc.doc_id, first.start, b.end, first.section, first.section_start)
        el.text = collapse(s.doc.text[first.start : b.end])
    else:
        el.spans.append(s.span(b))
        el.text = b.text
    return True


def list_announcement(s: _State, b: Block, nxt: Block | None) -> bool:
    """"… eight practical insights:" opens a list of insights (challenges, characteristics …) and says how many."""
    m = _LIST_ANNOUNCE.search(b.text) if b.kind in ("para", "short") else None
    if not (m and (b.raw.rstrip().endswith(":") or b.extra.get("colon") or (nxt and nxt.kind == "item"))):
        return False
    s.close_list()
    count = m["count"].lower()
    s.announced = (
        collapse(m["kind"]).lower(),
        _NUMBER_WORDS.get(count) or int(count) if count.isdigit() or count in _NUMBER_WORDS else 0,
    )
    s.mode = "insights"
    if b.kind == "para":
        s.ex.items.append(_passage(b, s.span(b)))
    return True


def insight_item(s: _State, b: Block, nxt: Block | None) -> bool:
    """An item of an announced list, numbered or bulleted like the first; anything else ends the list."""
    if s.mode != "insights":
        return False
    first = s.list_items[0] if s.list_items else None
    if b.kind == "item" and s.announced and (first is None or bool(b.number) == bool(first.extra_numbered)):
        name, desc = split_name(b.text)
        item = Item("Insight", name or short_label(b.text), b.text, [s.span(b)], insight_kind=s.announced[0],
                    notation=str(len(s.list_items) + 1), extra_numbered=bool(b.number))
        s.list_items.append(item)
        s.ex.items.append(item)
        return True
    s.close_list()
    s.mode = ""
    return False


def passage_or_subheading(s: _State, b: Block, nxt: Block | None) -> bool:
    """Whatever matched nothing else: prose is kept as a passage; a short line outside the model heads a section."""
    if b.kind in ("para", "item") and word_count(b.text) >= 6:
        s.ex.items.append(_passage(b, s.span(b)))
    elif b.kind == "short" and nxt is not None and nxt.kind == "para" and not s.stage:
        s.set_section(b)  # a subheading outside the model: a section of its own
    return True


STEPS = (table_block, stage_heading, block_marker, assumption_or_foundation_line, stage_list_line, element_name,
         element_prose, list_announcement, insight_item, passage_or_subheading)


def _is_class_heading(b: Block, s: _State) -> bool:
    """'Vision' under the vision stage names an element class, not the stage again."""
    return bool(s.stage) and st.CLASS_STAGE.get(b.text) == s.stage and b.text in st.CLASS_STAGE


def _class_for(name: str, stage: str) -> str:
    return name if st.CLASS_STAGE.get(name) == stage and name in st.CLASS_STAGE else st.STAGE_CLASS[stage]


def _block_line(b: Block, s: _State, sp: Span) -> Item:
    if s.mode == "assumptions":
        return Item("Assumption", short_label(b.text, 12), b.text, [sp], stage=s.stage)
    m = _ATTRIBUTION.search(b.text)
    who = m["who"].strip() if m else ""
    text = b.text
    label = (
        short_label(text.strip("“”\"' "), 12)
        if not who
        else short_label(_ATTRIBUTION.sub("", text).strip("“”\"' "), 12)
    )
    return Item(
        "Foundation", label, text, [sp], stage=s.stage, foundation_kind=s.mode_arg.capitalize(), attributed_to=who
    )


def _passage(b: Block, sp: Span) -> Item:
    return Item("Passage", short_label(b.text, 12), b.text, [sp])


# ------------------------------------------------------------------ summary table cells


def _table_cell(b: Block, s: _State, ex: Extraction) -> None:
    """A cell of a summary table: stage headings set context; the rest is short wording for merging."""
    state = s.table.setdefault(b.level, {})
    text = b.text
    stage = st.match(text, st.stages())
    horizon = st.match(text, st.horizons())
    scope = st.match(text, st.scopes())
    if stage and word_count(text) <= 4:
        state.update(
            stage=stage.key,
            horizon="",
            scope="",
            cls=_class_for(collapse(re.sub(r"^\d+[a-z]?\s*[.:]\s*", "", text)), stage.key),
        )
        return
    if horizon and word_count(text) <= 4:
        state.update(stage="outcome", horizon=horizon.key, scope="", cls="Outcome")
        return
    if scope and word_count(text) <= 4:
        state.update(stage="impact", scope=scope.key, horizon="", cls="Impact")
        return
    if not state.get("stage"):
        return
    sp = Span(ex.doc.doc_id, b.start, b.end, s.section[0], s.section[1], "summary")
    if b.tag == "ul":
        for seg_start, seg_end in _split_run_on_list(ex.doc.text, b.start, b.end):
            seg = collapse(ex.doc.text[seg_start:seg_end])
            ex.summaries.append(
                Item(
                    state["cls"],
                    seg,
                    seg,
                    [Span(ex.doc.doc_id, seg_start, seg_end, s.section[0], s.section[1], "summary")],
                    stage=state["stage"],
                    horizon=state.get("horizon", ""),
                    scope=state.get("scope", ""),
                )
            )
        return
    name, desc = split_name(text)
    ex.summaries.append(
        Item(
            state["cls"],
            name or text,
            text,
            [sp],
            stage=state["stage"],
            horizon=state.get("horizon", ""),
            scope=state.get("scope", ""),
        )
    )


def _split_run_on_list(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A <ul> written without <li>: items run on, each starting with a capital after a lower-case word."""
    chunk = text[start:end]
    cuts = [0] + [m.end() for m in re.finditer(r"(?<=[a-z)’'])\s+(?=[A-Z‘'][A-Za-z])", chunk)] + [len(chunk)]
    spans = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        seg = chunk[a:b].rstrip()
        if seg.strip():
            spans.append((start + a, start + a + len(seg)))
    return spans

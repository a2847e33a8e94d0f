"""Turn a document's text into typed blocks (headings, paragraphs, list items, table cells) with offsets.

Everything downstream works on these blocks, so every extracted node can point back to the exact
characters it came from: ``text[block.start:block.end] == block.raw`` always holds.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

SENTENCE_END = ".!?…\"”’'"
_BULLET = re.compile(r"^(?:[-*•‣▪◦]|\u2022)\s+")
_NUMBERED = re.compile(r"^(\d{1,2}[a-z]?)[.):]\s+")
_MD_HEADING = re.compile(r"^(#{1,6})\s+")
_MARKER_ASSUMPTIONS = re.compile(
    r"^(?:assertions\s*/\s*assumptions|assumptions\s*/\s*assertions|assumptions|assertions)\s*:?$", re.I
)
_MARKER_FOUNDATION = re.compile(r"^foundations?\s*\(([^)]+)\)\s*:?$", re.I)
_TAG = re.compile(r"<(p|ul|ol|li)\b[^>]*>|</(?:p|ul|ol|li)>", re.I)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@dataclass(frozen=True)
class Block:
    """One structural unit of a document. ``raw`` is the exact slice text[start:end]."""

    kind: str  # heading | short | para | item | marker | cell | tabular | meta
    start: int
    end: int
    raw: str
    text: str  # whitespace-collapsed, markup stripped, numbering/bullet removed
    level: int = 0  # heading level; for cells the column index
    number: str = ""  # "5a" of "5a. Short term:", "3" of a numbered item
    marker: str = ""  # "assumptions" or "foundation"
    marker_arg: str = ""  # "Local conditions" of "Foundation (Local conditions)"
    tag: str = ""  # for cells: p | ul | li
    extra: dict = field(default_factory=dict, compare=False)


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def is_caps_heading(text: str) -> bool:
    if word_count(text) > 14:  # checked first: it rules out every paragraph without a per-letter scan
        return False
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) / len(letters) > 0.9


def is_short(text: str) -> bool:
    """A line that could be a subheading: a few words, no sentence ending, mostly letters."""
    t = text.strip()
    if not t or t[-1] in ".!?;," or word_count(t) > 9 or word_count(t) == 0:
        return False
    return not re.search(r"\d{3,}|[<>{}=|]", t)


def _lines(text: str, start: int, end: int):
    pos = start
    for line in text[start:end].splitlines(keepends=True):
        body = line.rstrip("\r\n")
        lead = len(body) - len(body.lstrip())
        stripped = body.strip()
        if stripped:
            yield pos + lead, pos + lead + len(stripped), stripped
        pos += len(line)


def _cells(text: str, start: int, end: int, line: str) -> list[Block]:
    """HTML table cells inside a line: <p>…</p>, <li>…</li> and <ul> bodies written without <li>."""
    blocks: list[Block] = []
    # Column boundaries are tabs; each column may hold many tags.
    offset = 0
    for col, part in enumerate(line.split("\t")):
        base = start + offset
        open_tag, open_at = None, 0
        for m in _TAG.finditer(part):
            if m.group(1):  # an opening tag
                if open_tag in ("ul", "ol") and m.group(1).lower() in ("p",):
                    _emit(blocks, text, base + open_at, base + m.start(), "ul", col)
                open_tag, open_at = m.group(1).lower(), m.end()
            else:
                if open_tag:
                    _emit(blocks, text, base + open_at, base + m.start(), open_tag, col)
                open_tag = None
        if open_tag:  # an unclosed <ul> running to the end of the column
            _emit(blocks, text, base + open_at, base + len(part), open_tag, col)
        offset += len(part) + 1
    return blocks


def _emit(blocks: list[Block], text: str, s: int, e: int, tag: str, col: int) -> None:
    raw = text[s:e]
    lead = len(raw) - len(raw.lstrip())
    trail = len(raw) - len(raw.rstrip())
    s, e = s + lead, e - trail
    if e > s and collapse(text[s:e]):
        blocks.append(Block("cell", s, e, text[s:e], collapse(text[s:e]), level=col, tag=tag))


def parse_blocks(text: str, start: int = 0) -> list[Block]:
    """Blocks of ``text`` from ``start`` (past any front matter), in document order."""
    raw_lines = list(_lines(text, start, len(text)))
    blocks: list[Block] = []
    for s, e, line in raw_lines:
        if "<p>" in line.lower() or "<li" in line.lower() or "<ul" in line.lower():
            blocks.extend(_cells(text, s, e, line))
            continue
        if "\t" in line:
            blocks.append(Block("tabular", s, e, line, collapse(line)))
            continue
        m = _MD_HEADING.match(line)
        if m:
            body = line[m.end() :]
            blocks.append(
                Block("heading", s, e, line, collapse(body.rstrip(":")), level=len(m.group(1)), number=_number(body))
            )
            continue
        if _MARKER_ASSUMPTIONS.match(line):
            blocks.append(Block("marker", s, e, line, collapse(line), marker="assumptions"))
            continue
        m = _MARKER_FOUNDATION.match(line)
        if m:
            blocks.append(
                Block("marker", s, e, line, collapse(line), marker="foundation", marker_arg=collapse(m.group(1)))
            )
            continue
        if re.fullmatch(r"[\w\s]*\d{4}-\d{2}-\d{2}T[\d:+.Z-]+", line):
            blocks.append(Block("meta", s, e, line, collapse(line)))
            continue
        m = _BULLET.match(line)
        if m:
            blocks.append(Block("item", s, e, line, collapse(line[m.end() :])))
            continue
        m = _NUMBERED.match(line)
        if m:
            body = line[m.end() :]
            if is_caps_heading(body) or (line.rstrip().endswith(":") and word_count(body) <= 6):
                blocks.append(
                    Block(
                        "heading",
                        s,
                        e,
                        line,
                        collapse(body.rstrip().rstrip(":")),
                        level=1 if is_caps_heading(body) else 2,
                        number=m.group(1),
                    )
                )
            else:
                blocks.append(Block("item", s, e, line, collapse(body), number=m.group(1)))
            continue
        if is_caps_heading(line):
            blocks.append(Block("heading", s, e, line, collapse(line.rstrip(":")), level=1))
            continue
        if is_short(line):
            blocks.append(Block("short", s, e, line, collapse(line.rstrip(":")), extra={"colon": line.endswith(":")}))
            continue
        blocks.append(Block("para", s, e, line, collapse(line)))
    return _join_soft_wraps(text, blocks)


def _number(body: str) -> str:
    m = _NUMBERED.match(body)
    return m.group(1) if m else ""


def _join_soft_wraps(text: str, blocks: list[Block]) -> list[Block]:
    """Hard-wrapped prose (a paragraph broken over lines) becomes one block again.

    A paragraph's lines are gathered and its block made once, at its end: joining line by line copied the
    growing paragraph at every line (8,000 wrapped lines took 84 s). The lines' texts are collapsed already,
    so single spaces between them give the collapsed whole, without decoding entities a second time.
    """
    out: list[Block] = []
    run: list[Block] = []  # the lines of out[-1], while its paragraph may take more

    def flush() -> None:
        if len(run) > 1:
            head, last = run[0], run[-1]
            out[-1] = Block(head.kind, head.start, last.end, text[head.start : last.end],
                            " ".join(b.text for b in run if b.text), number=head.number)
        run.clear()

    for b in blocks:
        prev = run[-1] if run else None
        if (
            prev is not None
            and run[0].kind in ("para", "item")
            and b.kind in ("para", "short")
            and text[prev.end - 1] not in SENTENCE_END + ":"
            and b.text[:1].islower()
            and "\n\n" not in text[prev.end : b.start].replace("\r", "")
        ):
            run.append(b)
            continue
        flush()
        out.append(b)
        run.append(b)
    flush()
    return out

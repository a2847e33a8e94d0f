"""The one sentence splitter: ingest's quotes and links, search's snippets and sentence views cut text alike.

Offsets are absolute character positions in the text given, so every sentence stays traceable to
its document.
"""

from __future__ import annotations

import re

_BOUNDARY = re.compile(
    r"(?P<stop>(?:(?<=[.!?])|(?<=[.!?][”’\"']))\s+(?=[A-Z“‘\"'(]))"
    r"|(?P<blank>[ \t]*\n[ \t]*\n\s*)|(?P<before>[ \t]*\n(?=#{1,6}[ \t]))"
    r"|(?m:^#{1,6}[ \t][^\n]*?(?P<head>[ \t]*\n\s*))")
_HEADING_MARK = re.compile(r"#{1,6}[ \t]+")


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans inside text[start:end], as absolute offsets, trimmed; abbreviations like 'e.g.' survive."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    chunk = text[start:end]
    pos = 0
    # a sentence ends at . ! or ?, or just after a closing quote that follows one (“… owns.” The shop …);
    # a blank line ends one too (a title line of a plain-text file has no full stop), and so does the line break
    # after a Markdown heading ("# Lowmoor Repair Café Trust" over its first paragraph)
    for m in _BOUNDARY.finditer(chunk):
        a, b = (m.start("head"), m.end("head")) if m.group("head") is not None else (m.start(), m.end())
        prev_word = chunk[max(0, a - 5) : a].lower()
        if m.group("stop") is not None and re.search(r"\b(?:e\.g|i\.e|ie|eg|etc|mr|ms|dr|st|no)\.$", prev_word):
            continue
        spans.append((pos, a))
        pos = b
    spans.append((pos, len(chunk)))
    out = []
    for s, e in spans:
        seg = chunk[s:e]
        lead = len(seg) - len(seg.lstrip())
        mark = _HEADING_MARK.match(seg, lead)  # a heading's words, without its Markdown
        lead = mark.end() if mark else lead
        trail = len(seg) - len(seg.rstrip())
        if e - trail > s + lead:
            out.append((start + s + lead, start + e - trail))
    return out

"""The one sentence splitter: ingest's quotes and links, search's snippets and sentence views cut text alike.

Offsets are absolute character positions in the text given, so every sentence stays traceable to
its document.
"""

from __future__ import annotations

import re


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans inside text[start:end], as absolute offsets, trimmed; abbreviations like 'e.g.' survive."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    chunk = text[start:end]
    pos = 0
    # a sentence ends at . ! or ?, or just after a closing quote that follows one (“… owns.” The shop …)
    # a blank line ends one too: a title or heading line of a plain-text file has no full stop
    for m in re.finditer(r"(?:(?<=[.!?])|(?<=[.!?][”’\"']))\s+(?=[A-Z“‘\"'(])|[ \t]*\n[ \t]*\n\s*", chunk):
        prev_word = chunk[max(0, m.start() - 5) : m.start()].lower()
        if "\n\n" not in re.sub(r"[ \t]", "", m.group(0)) and re.search(
                r"\b(?:e\.g|i\.e|ie|eg|etc|mr|ms|dr|st|no)\.$", prev_word):
            continue
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(chunk)))
    out = []
    for s, e in spans:
        seg = chunk[s:e]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        if e - trail > s + lead:
            out.append((start + s + lead, start + e - trail))
    return out

"""Labels fitted to narrow places (a select box's option, a box in a picture) without half a word.

A label too long for its place is cut between words (or after a "/") and ends in "…", so a reader sees that more
follows and never meets a word cut short; the caller shows the whole label nearby (a tooltip, help text, a list
below).
"""

from __future__ import annotations

import re

ELLIPSIS = "…"
_TRAILING = " ,;:–—-(&/"  # what a cut would leave dangling before the ellipsis


def _pieces(text: str) -> list[tuple[str, str]]:
    """(piece, what joins it to the next): a piece ends at a space or after a slash; it joins the next with a
    space where the text has one ("socially / locally") and with nothing inside a word ("sustainable/connected")."""
    found = list(re.finditer(r"[^\s/]*/+|[^\s/]+", text))
    return [(m.group(), " " if m.end() < len(text) and text[m.end()].isspace() else "")
            for m in found[:-1]] + [(m.group(), " ") for m in found[-1:]]


def _fill(pieces: list[tuple[str, str]], width: int) -> tuple[str, int]:
    """The longest run of whole pieces from the start within ``width`` characters, and how many it took."""
    line, taken, sep = "", 0, ""
    for p, join in pieces:
        if line and len(line) + len(sep) + len(p) > width or not line and len(p) > width:
            break
        line, taken, sep = line + sep + p, taken + 1, join
    return line, taken


def _ended(pieces: list[tuple[str, str]], width: int) -> str:
    """The start of ``pieces`` cut to end in "…" within ``width``; a first word longer than that stays whole."""
    line, _ = _fill(pieces, width - 1)
    return (line.rstrip(_TRAILING) or pieces[0][0]) + ELLIPSIS


def shorten(text: str, n: int) -> str:
    """``text`` on one line in at most ``n`` characters, "…" included, cut between words. A first word longer
    than ``n`` is the one case cut inside a word (still marked by the "…")."""
    text = " ".join(text.split())
    if len(text) <= n:
        return text
    line, _ = _fill(_pieces(text), n - 1)
    return (line.rstrip(_TRAILING) or text[: n - 1]) + ELLIPSIS


def wrap(text: str, width: int, lines: int, grow: bool = True) -> list[str]:
    """``text`` in at most ``lines`` lines of about ``width`` characters, broken between words or after a "/"
    ("sustainable/connected" → "sustainable/", "connected"); a word longer than ``width`` keeps a line of its
    own, whole; with ``grow`` (a box sized to its text) it sets the width of every line, the box being that wide
    anyway. When the text needs more lines, the last one ends in "…" after its last whole word."""
    pieces = _pieces(text)
    if grow:
        width = max([width] + [len(p) for p, _ in pieces])
    out: list[str] = []
    while pieces and len(out) < lines - 1:
        line, taken = _fill(pieces, width)
        out.append(line or pieces[0][0])
        pieces = pieces[max(taken, 1):]
    if pieces:
        line, taken = _fill(pieces, width)
        out.append(line if taken == len(pieces) else _ended(pieces, width))
    return out or [text]


def fit_parts(parts: list[str], width: int, sep: str = " → ", least: int = 12) -> str:
    """``parts`` joined by ``sep`` within about ``width`` characters: the longest part loses its last word first
    (``shorten``), again and again, none below ``least`` characters while another can still give; then the middle
    parts down to their first word, and only then the two ends (a path's start and end say most). So the line
    ends where it should: a path's last element is not lost off the edge of a select box."""
    full = [" ".join(p.split()) for p in parts]
    cur = list(full)
    middle = set(range(1, len(cur) - 1))
    first = [len(_pieces(p)[0][0].rstrip(_TRAILING)) + 1 if p else 0 for p in full]  # its first word and "…"
    for floor, which in ((least, set(range(len(cur)))), (1, middle), (1, set(range(len(cur))))):
        while len(sep.join(cur)) > width and which:
            i = max(which, key=lambda j: len(cur[j]))
            short = shorten(full[i], len(cur[i]) - 1)
            if len(short) < max(floor, first[i]) or len(short) >= len(cur[i]):
                which = which - {i}
            else:
                cur[i] = short
    return sep.join(cur)

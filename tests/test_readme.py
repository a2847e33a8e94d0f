"""The README is a front door: short, every link in it and in docs/ goes somewhere, and its figures match the build."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MAX_README_LINES = 250

LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.S | re.M)
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)


def prose(text: str) -> str:
    """The text a Markdown renderer would read links from: code blocks and code spans removed."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: link text kept, lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip()).lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every anchor a page offers: its headings' slugs, repeats numbered as GitHub numbers them."""
    seen: dict[str, int] = {}
    out = set()
    for line in FENCE.sub("", path.read_text(encoding="utf-8")).splitlines():
        m = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not m:
            continue
        s = slug(m.group(1))
        n = seen.get(s, 0)
        out.add(s if n == 0 else f"{s}-{n}")
        seen[s] = n + 1
    return out


def broken_links(page: Path, root: Path = ROOT) -> list[str]:
    """Each relative link or anchor of a Markdown page that does not resolve, with the reason."""
    bad = []
    for target in LINK.findall(prose(page.read_text(encoding="utf-8"))):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # http:, https:, mailto: — not ours to check offline
            continue
        file_part, _, anchor = target.partition("#")
        dest = (page.parent / file_part).resolve() if file_part else page
        if not dest.exists():
            shown = dest.relative_to(root) if dest.is_relative_to(root) else dest
            bad.append(f"{page.name}: {target} (no file {shown})")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            bad.append(f"{page.name}: {target} (no heading with anchor #{anchor} in {dest.name})")
    return bad


def test_the_readme_is_at_most_250_lines():
    n = len((ROOT / "README.md").read_text(encoding="utf-8").splitlines())
    assert n <= MAX_README_LINES, f"README.md has {n} lines; move detail into docs/"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_resolves(page):
    assert broken_links(page) == []


def test_the_readme_links_every_docs_page():
    readme = prose((ROOT / "README.md").read_text(encoding="utf-8"))
    linked = {t.partition("#")[0] for t in LINK.findall(readme)}
    assert {f"docs/{p.name}" for p in PAGES[1:]} - linked == set()


def test_the_link_check_finds_a_broken_file_and_a_broken_anchor(tmp_path):
    """The check above can fail: a missing file, a missing anchor and a link inside code (not a link)."""
    (tmp_path / "other.md").write_text("# Other page\n\n## Stores: from one laptop (`memory`)\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n[ok](other.md#stores-from-one-laptop-memory) [self](#page) [web](https://example.org/x)\n"
        "[gone](missing.md) [no anchor](other.md#nowhere) ![pic](pics/none.png)\n"
        "`[in code](nowhere.md)`\n\n```\n[in a block](nowhere.md)\n```\n",
        encoding="utf-8",
    )
    assert broken_links(page, root=tmp_path) == [
        "page.md: missing.md (no file missing.md)",
        "page.md: other.md#nowhere (no heading with anchor #nowhere in other.md)",
        "page.md: pics/none.png (no file pics/none.png)",
    ]


def _counts_table() -> dict[str, int]:
    """The class → node count pairs of docs/ingest.md's counts table ("Organisation / Place | 16 / 15" is two)."""
    text = (ROOT / "docs" / "ingest.md").read_text(encoding="utf-8")
    m = re.search(r"^\| class \| nodes \| \| class \| nodes \|\n\|[-| ]+\|\n((?:\|.*\|\n)+)", text, re.M)
    assert m, "docs/ingest.md has no counts table"
    counts = {}
    for row in m.group(1).splitlines():
        cells = [c.strip() for c in row.strip("|").split("|")]
        for name, value in ((cells[0], cells[1]), (cells[3], cells[4])):
            names = [n.strip() for n in name.split("/")]
            values = [int(v) for v in re.match(r"^([\d /]+)", value).group(1).split("/") if v.strip()]
            assert len(names) == len(values), row
            counts |= dict(zip(names, values, strict=True))
    return counts


def test_the_counts_table_matches_the_build(build_dir):
    nodes = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))["nodes"]
    table = _counts_table()
    assert len(table) == 18  # Evidence and Figure share a row
    assert table == {k: nodes.get(k, 0) for k in table}

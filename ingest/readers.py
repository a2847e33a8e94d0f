"""Read corpus files (.txt, .md, .html, .pdf) into Docs, refusing bad input with a clear reason."""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import unicodedata
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from graph import yamlio
from ingest import metadata
from ingest.metadata import MANIFEST_NAME
from ingest.model import Doc

SUFFIXES = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".pdf": "pdf"}
MAX_BYTES = 20 * 1024 * 1024
LINKS_NAME = "links.yaml"
__all__ = ["MANIFEST_NAME", "InputError", "corpus_files", "doc_from_bytes", "kind_applies", "load_metadata",
           "read_document", "with_kind"]


# Characters that change how a line reads without being seen: controls (a newline in a file name would start a
# line of its own, a forged "warning:"), line and paragraph separators, and the bidirectional overrides.
_UNSEEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """``text`` with every control, line separator and direction override written as an escape (``\\n``,
    ``\\u202e``): a name shown in a message or a warning line is one line, and reads as it is."""
    return _UNSEEN.sub(lambda m: _ESCAPES.get(m[0]) or (f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100
                                                          else f"\\u{ord(m[0]):04x}"), text)


class InputError(Exception):
    """A file that cannot be ingested; the message names the file and the reason."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


def doc_id_for(path: Path) -> str:
    """A slug of the file name; a name that is not all ASCII also gets a hash of itself, so names stay distinct."""
    stem = unicodedata.normalize("NFKD", path.stem)
    plain = "".join(c for c in stem if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    if not path.stem.isascii() or not slug:  # letters lost or folded (é -> e) would collide
        digest = hashlib.sha256(path.stem.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        slug = f"{slug or 'doc'}-{digest}"
    return slug


def _ingestible(rel: str) -> bool:
    return Path(rel).suffix.lower() in SUFFIXES


def _walk(root: Path) -> list[Path]:
    """Files under ``root`` without recursion (any depth) and without following linked folders (no loops).

    Hidden entries and ``profiles/`` folders are skipped.
    """
    out: list[Path] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for e in entries:
            if e.name.startswith("."):
                continue
            try:
                if e.is_dir(follow_symlinks=False):
                    if e.name != "profiles":
                        stack.append(Path(e.path))
                elif e.is_file() and _ingestible(e.name):
                    out.append(Path(e.path))
            except OSError:
                continue
    return sorted(out)


def corpus_files(paths: list[Path]) -> list[Path]:
    """Every ingestible file under the given files and folders, in a stable order.

    A file named directly is always returned (even a FIFO or a dangling link), so reading it
    gives a warning that names it rather than stopping the build.
    """
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(_walk(p))
        elif p.exists() or p.is_symlink():
            out.append(p)
        else:
            raise InputError(str(p), "no such file or folder")
    return out


def load_metadata(folder: Path) -> tuple[dict[str, object], list[str]]:
    """``corpus.yaml``'s entries by file name, and the warnings about the file itself (see ingest.metadata)."""
    return metadata.load_manifest(folder)


def _read_bytes(path: Path, name: str) -> bytes:
    """The file's bytes; type and size are checked before reading (a FIFO would block, a huge file fill RAM)."""
    try:
        st = path.stat()
    except FileNotFoundError as e:
        if path.is_symlink():
            raise InputError(name, f"is a link to '{os.readlink(path)}', which does not exist") from e
        raise InputError(name, "does not exist") from e
    except OSError as e:
        raise InputError(name, f"cannot be read ({e.strerror})") from e
    if not stat.S_ISREG(st.st_mode):
        raise InputError(name, "is not a regular file (a pipe, device or socket); only files are read")
    if st.st_size > MAX_BYTES:
        raise InputError(name, _too_big(st.st_size))
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)  # the file may grow between stat and read
    except OSError as e:
        raise InputError(name, f"cannot be read ({e.strerror})") from e
    if len(raw) > MAX_BYTES:
        raise InputError(name, _too_big(len(raw)))
    return raw


def _too_big(n: int) -> str:
    return f"is {n / 1e6:.1f} MB, over the {MAX_BYTES // 1_000_000} MB limit"


def read_document(path: Path, meta: object = None, display: str | None = None) -> Doc:
    """One corpus file as a Doc; ``meta`` is its corpus.yaml entry (checked here, bad fields become warnings)."""
    name = display or str(path)
    return doc_from_bytes(_read_bytes(path, name), path.name, name, meta, doc_id_for(path))


def doc_from_bytes(raw: bytes, filename: str, name: str | None = None, meta: object = None, doc_id: str = "") -> Doc:
    """The one check every document passes, whether read from the corpus or uploaded in the app.

    ``filename`` gives the type (by suffix); ``name`` is how messages name the file.
    """
    name = name or filename
    suffix = os.path.splitext(filename)[1].lower()
    fmt = SUFFIXES.get(suffix)
    if fmt is None:
        raise InputError(name, f"unsupported file type '{suffix}' (use {', '.join(sorted(SUFFIXES))})")
    if len(raw) > MAX_BYTES:
        raise InputError(name, _too_big(len(raw)))
    if not raw.strip():
        raise InputError(name, "is empty")
    content_hash = hashlib.sha256(raw).hexdigest()
    warnings: list[str] = []
    fields: dict = {}
    if meta is not None:
        fields, warnings = metadata.clean(meta, f"{MANIFEST_NAME} entry")
    body_start = 0
    if fmt == "pdf":
        if b"%PDF" not in raw[:1024]:
            raise InputError(name, "is not a PDF (it does not start with %PDF)")
        text = _pdf_text(raw, name)
    else:
        if b"\x00" in raw[:8192]:
            raise InputError(name, "looks binary (NUL bytes), not text")
        try:
            text = yamlio.decode(raw, name)
        except ValueError as e:
            raise InputError(name, str(e).split(": ", 1)[1]) from e
        if fmt == "html":
            text = html_to_text(text)
        elif fmt in ("md", "txt"):  # plain text may carry front matter too: how the app's upload sets a kind
            fm, body_start, fm_warnings = _front_matter(text)
            fm_fields, more = metadata.clean(fm, "front matter")
            fm_warnings += more
            fields, warnings = {**fm_fields, **fields}, fm_warnings + warnings
    if not text.strip():
        raise InputError(name, "has no text")
    if not text[body_start:].strip():  # front matter and nothing under it: no document to read
        raise InputError(name, "has no text after its front matter")
    if "title" not in fields:
        stem = Path(filename).stem
        first = next((ln.strip(" #") for ln in text[body_start:].splitlines() if ln.strip()), stem)
        fields["title"] = first[:200]
    return Doc(doc_id or doc_id_for(Path(filename)), name, text, content_hash, fmt, fields, body_start, tuple(warnings))


def with_kind(filename: str, raw: bytes, kind: str) -> bytes:
    """A Markdown or plain-text upload with ``kind`` as front matter, unless it carries its own. HTML and PDF have
    no front matter: their kind comes from corpus.yaml, or from what the text reads as (``kind_applies``)."""
    if not kind_applies(filename) or raw.lstrip().startswith(b"---") or not raw.strip():
        return raw  # an empty upload stays empty, and is refused as such
    return f"---\nkind: {kind}\n---\n".encode() + raw


def kind_applies(filename: str) -> bool:
    """Whether an upload's chosen kind can travel in the file itself (front matter): Markdown and plain text."""
    return SUFFIXES.get(os.path.splitext(filename)[1].lower()) in ("md", "txt")


def _front_matter(text: str) -> tuple[object, int, list[str]]:
    """The front matter's values, where the body starts, and a warning when it is not YAML (the body still ingests)."""
    m = re.match(r"^---\s*\n(.*?)\n---\s*\n", text, re.S)
    if not m:
        return {}, 0, []
    try:
        return yamlio.load(m.group(1)) or {}, m.end(), []
    except yamlio.ERRORS as e:
        mark, problem = getattr(e, "problem_mark", None), getattr(e, "problem", None)
        if mark and problem:  # the front matter starts on the file's second line
            return {}, m.end(), [f"front matter is not valid YAML at line {mark.line + 2} ({problem}); ignored"]
        return {}, m.end(), [f"front matter is not valid YAML ({' '.join(str(e).split())}); ignored"]


def _pdf_text(raw: bytes, name: str) -> str:
    """The text of every page; any failure of the reader is an InputError naming the file, never a traceback.

    pypdf raises more than its PdfReadError on hostile files: LimitReachedError for a stream that inflates past
    its limits (a compressed-stream bomb), DependencyError for AES encryption without a crypto library, and
    whatever a broken object graph provokes; one bad PDF must only cost that file."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError

    try:
        reader = PdfReader(io.BytesIO(raw))
        pages = [(p.extract_text() or "") for p in reader.pages]
    except (DependencyError, FileNotDecryptedError) as e:
        raise InputError(name, "is an encrypted PDF that cannot be opened here (password-protected or AES); "
                               "save an unencrypted copy and add that") from e
    except LimitReachedError as e:
        raise InputError(name, f"is a PDF that expands past the reader's safety limits ({e}); not read") from e
    except RecursionError as e:
        raise InputError(name, "is a PDF nested too deeply to read") from e
    except Exception as e:  # noqa: BLE001 - any other reader failure is this file's, reported as such
        raise InputError(name, f"is not a readable PDF ({e.__class__.__name__}: {e})") from e
    text = "\n\n".join(pages)
    if not text.strip():
        raise InputError(name, "is a PDF with no extractable text (scanned images need OCR first)")
    return text


class _TextExtractor(HTMLParser):
    """HTML to plain text that keeps block structure and drops site furniture.

    Script and style are dropped, never run. So are the parts of a page that are the site, not the
    document: ``nav``, ``form``, ``button``, ``aside``; ``header`` and ``footer`` outside the article; any
    element whose ARIA role or id/class marks it as navigation, banner, footer, cookie notice or menu;
    and any block whose text is mostly link text (a menu, a breadcrumb, "more stories"), measured per
    block as link characters over all characters (``LINK_DENSITY``).
    """

    BLOCK = {
        "p",
        "div",
        "section",
        "article",
        "br",
        "tr",
        "table",
        "ul",
        "ol",
        "blockquote",
        "header",
        "footer",
        "main",
        "aside",
        "nav",
        "dl",
        "dt",
        "dd",
        "figure",
        "figcaption",
    }
    SKIP = {"script", "style", "template", "noscript", "iframe", "object", "svg", "head"}
    FURNITURE = {"nav", "form", "button", "aside", "select", "dialog"}
    PAGE_FURNITURE = {"header", "footer"}  # furniture unless inside the article or main content
    ROLES = {"navigation", "banner", "contentinfo", "search", "menu", "menubar", "dialog", "alertdialog"}
    MARKED = re.compile(r"(?:^|[-_\s])(?:nav|navbar|menu|breadcrumbs?|cookies?|consent|gdpr|banner|footer|"
                        r"header|masthead|sidebar|share|social|skip|newsletter|subscribe|related)(?:$|[-_\s])", re.I)
    VOID = {"br", "img", "hr", "input", "meta", "link", "source", "wbr", "area", "base", "col", "embed", "track"}
    LINK_DENSITY = 0.6  # a block with this share of its characters inside links is navigation

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.stack: list[tuple[str, bool]] = []  # open tags and whether each started a skipped region
        self.open: Counter[str] = Counter()  # open tags by name: an end tag is matched without a walk of the stack
        self.content = 0  # open <article>/<main> elements
        self.link = 0
        self.block_start = 0  # index in parts where the current block began
        self.block_chars = self.block_link_chars = 0
        self.dropped = 0  # characters of furniture left out (for the reader's report and the tests)

    def _furniture(self, tag: str, attrs) -> bool:
        a = {k: (v or "") for k, v in attrs}
        if tag in self.FURNITURE or (tag in self.PAGE_FURNITURE and not self.content):
            return True
        if a.get("role", "").lower() in self.ROLES or a.get("aria-hidden", "").lower() == "true":
            return True
        marks = f"{a.get('id', '')} {a.get('class', '')}"
        return tag not in ("article", "main", "body", "html") and bool(self.MARKED.search(marks))

    def _end_block(self) -> None:
        if self.block_chars and self.block_link_chars / self.block_chars >= self.LINK_DENSITY:
            self.dropped += self.block_chars
            del self.parts[self.block_start:]
        self.block_start = len(self.parts)
        self.block_chars = self.block_link_chars = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            if tag == "br" and not self.skip:
                self.parts.append("\n")
            return
        starts_skip = tag in self.SKIP or (not self.skip and self._furniture(tag, attrs))
        self.stack.append((tag, starts_skip))
        self.open[tag] += 1
        if starts_skip:
            self.skip += 1
            return
        if self.skip:
            return
        if tag in ("article", "main"):
            self.content += 1
        if tag == "a":
            self.link += 1
        elif re.fullmatch(r"h[1-6]", tag):
            self._end_block()
            self.parts.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag == "li":
            self._end_block()
            self.parts.append("\n- ")
        elif tag in ("td", "th"):
            self.parts.append("\n")
        elif tag in self.BLOCK:
            self._end_block()
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in self.VOID or not self.open[tag]:  # a stray end tag: was a walk of every open tag (quadratic)
            return
        while self.stack:  # close up to the matching tag (HTML in the wild leaves tags open)
            t, started = self.stack.pop()
            self.open[t] -= 1
            if started:
                self.skip = max(0, self.skip - 1)
            elif not self.skip:
                self._close(t)
            if t == tag:
                break

    def _close(self, tag: str) -> None:
        if tag in ("article", "main"):
            self.content = max(0, self.content - 1)
        if tag == "a":
            self.link = max(0, self.link - 1)
        elif re.fullmatch(r"h[1-6]", tag) or tag in self.BLOCK or tag == "li":
            self._end_block()
            self.parts.append("\n")
            self.block_start = len(self.parts)

    def handle_data(self, data):
        if self.skip:
            self.dropped += len(data.strip())
            return
        text = re.sub(r"[ \t\r\n]+", " ", data)
        self.parts.append(text)
        n = len(text.strip())
        self.block_chars += n
        if self.link:
            self.block_link_chars += n

    def close(self):
        super().close()
        self._end_block()


def html_to_text(markup: str) -> str:
    """The document's own text from a web page (headings as '#', list items as '-'), furniture left out."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"

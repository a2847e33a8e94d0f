"""Read corpus files (.txt, .md, .html, .pdf) into Docs, refusing bad input with a clear reason."""

from __future__ import annotations

import hashlib
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import yaml

from ingest.model import Doc

SUFFIXES = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".pdf": "pdf"}
MAX_BYTES = 20 * 1024 * 1024
MANIFEST_NAME = "corpus.yaml"
LINKS_NAME = "links.yaml"


class InputError(Exception):
    """A file that cannot be ingested; the message names the file and the reason."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


def doc_id_for(path: Path) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "doc"


def corpus_files(paths: list[Path]) -> list[Path]:
    """Every ingestible file under the given files and folders, in a stable order."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if f.is_file()
                    and f.suffix.lower() in SUFFIXES
                    and not any(part.startswith(".") for part in f.relative_to(p).parts)
                    and "profiles" not in f.relative_to(p).parts
                )
            )
        elif p.exists():
            out.append(p)
        else:
            raise InputError(str(p), "no such file or folder")
    return out


def load_metadata(folder: Path) -> dict[str, dict]:
    f = folder / MANIFEST_NAME
    if not f.exists():
        return {}
    try:
        data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise InputError(str(f), f"not valid YAML ({e})") from e
    docs = data.get("documents") or {}
    if not isinstance(docs, dict):
        raise InputError(str(f), "'documents' must map file names to metadata")
    return {str(k): dict(v or {}) for k, v in docs.items()}


def read_document(path: Path, meta: dict | None = None, display: str | None = None) -> Doc:
    name = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputError(name, f"cannot be read ({e.strerror})") from e
    if len(raw) > MAX_BYTES:
        raise InputError(name, f"is {len(raw) / 1e6:.1f} MB, over the {MAX_BYTES // 1_000_000} MB limit")
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InputError(name, f"unsupported file type '{path.suffix}' (use .md, .txt, .html or .pdf)")
    if not raw.strip():
        raise InputError(name, "is empty")
    content_hash = hashlib.sha256(raw).hexdigest()
    meta = dict(meta or {})
    body_start = 0
    if fmt == "pdf":
        text = _pdf_text(raw, name)
    else:
        if b"\x00" in raw[:8192]:
            raise InputError(name, "looks binary (NUL bytes), not text")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise InputError(
                name, f"is not UTF-8 text (invalid byte 0x{raw[e.start]:02x} at offset {e.start}); save it as UTF-8"
            ) from e
        if fmt == "html":
            text = html_to_text(text)
        elif fmt == "md":
            fm, body_start = _front_matter(text, name)
            meta = {**fm, **meta}
    if not text.strip():
        raise InputError(name, "has no text")
    if "title" not in meta:
        first = next((ln.strip(" #") for ln in text[body_start:].splitlines() if ln.strip()), path.stem)
        meta["title"] = first[:200]
    return Doc(doc_id_for(path), name, text, content_hash, fmt, meta, body_start)


def _front_matter(text: str, name: str) -> tuple[dict, int]:
    m = re.match(r"^---\s*\n(.*?)\n---\s*\n", text, re.S)
    if not m:
        return {}, 0
    try:
        data = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as e:
        raise InputError(name, f"front matter is not valid YAML ({e})") from e
    if not isinstance(data, dict):
        raise InputError(name, "front matter must be a YAML mapping")
    return data, m.end()


def _pdf_text(raw: bytes, name: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        pages = [(p.extract_text() or "") for p in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as e:
        raise InputError(name, f"is not a readable PDF ({e.__class__.__name__}: {e})") from e
    text = "\n\n".join(pages)
    if not text.strip():
        raise InputError(name, "is a PDF with no extractable text (scanned images need OCR first)")
    return text


class _TextExtractor(HTMLParser):
    """HTML to plain text that keeps block structure; script and style are dropped, never run."""

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

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        elif re.fullmatch(r"h[1-6]", tag):
            self.parts.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in ("td", "th"):
            self.parts.append("\n")
        elif tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif re.fullmatch(r"h[1-6]", tag) or tag in self.BLOCK or tag == "li":
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_to_text(markup: str) -> str:
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"

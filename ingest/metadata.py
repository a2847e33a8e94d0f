"""Document metadata (corpus.yaml entries and Markdown front matter), type-checked field by field.

A bad value is left out with a warning that names the file and the field; it never stops the build
and never reaches the graph (no invalid ``xsd:date``, no creator per character of a string).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from graph import yamlio
from graph.text.labels import shorten

MANIFEST_NAME = "corpus.yaml"
TEXT_FIELDS = ("title", "kind", "publisher", "source", "part_of")
DATE_FORMS = "YYYY-MM-DD, YYYY-MM or YYYY"


def parse_date(value: object) -> str | None:
    """An ISO date (``2023-12-15``, ``2023-12`` or ``2023``) as text, or None when it is not one."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None
    s = str(value).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
            return dt.date.fromisoformat(s).isoformat()
        if re.fullmatch(r"\d{4}-\d{2}", s):
            return s if 1 <= int(s[5:]) <= 12 else None
        return s if re.fullmatch(r"\d{4}", s) else None
    except ValueError:
        return None


def _scalar(v: object) -> bool:
    return isinstance(v, (str, int, float, dt.date)) and not isinstance(v, bool)


def clean(meta: object, where: str) -> tuple[dict, list[str]]:
    """The usable fields of one metadata mapping, and one warning per value left out.

    ``where`` says where the values came from (``front matter``, ``corpus.yaml``) so the warning,
    filed under the document, names both the file and the field.
    """
    if not isinstance(meta, dict):
        return {}, [f"{where} must be a mapping of fields (title, authors, date, …), not {_shown(meta)}; ignored"]
    out: dict = {}
    warnings: list[str] = []
    for key, value in meta.items():
        key = str(key)
        if value is None or value == "" or value == []:
            continue
        if key == "authors":
            names = [value] if isinstance(value, str) else value
            if not isinstance(names, list) or not all(isinstance(a, str) and a.strip() for a in names):
                warnings.append(f"{where} field 'authors': {_shown(value)} is not a name or a list of names; left out")
                continue
            out[key] = [a.strip() for a in names]
        elif key == "date":
            iso = parse_date(value)
            if iso is None:
                warnings.append(f"{where} field 'date': {_shown(value)} is not a date ({DATE_FORMS}); left out")
                continue
            out[key] = iso
        elif key in TEXT_FIELDS:
            if not _scalar(value) or not str(value).strip():
                warnings.append(f"{where} field '{key}': {_shown(value)} is not text; left out")
                continue
            out[key] = str(value).strip()
        else:
            out[key] = value  # fields ingest does not use are kept as given
    return out, warnings


def _shown(v: object) -> str:
    s = repr(v) if isinstance(v, str) else f"{type(v).__name__} {v!r}"
    return shorten(s, 60)


def load_manifest(folder: Path) -> tuple[dict[str, object], list[str]]:
    """``corpus.yaml``'s entries by file name (each still to be cleaned), and what was wrong with the file.

    A file that cannot be used at all (not UTF-8, not YAML, not a mapping) is a warning and no entries:
    the documents still ingest, with titles from their own text.
    """
    f = folder / MANIFEST_NAME
    if not f.is_file():
        return {}, []
    try:
        text = yamlio.decode(f.read_bytes(), MANIFEST_NAME)
    except OSError as e:
        return {}, [f"cannot be read ({e.strerror}); its metadata is ignored"]
    except ValueError as e:
        return {}, [f"{str(e).split(': ', 1)[1]}; its metadata is ignored"]
    try:
        data = yamlio.load(text) or {}
    except yamlio.ERRORS as e:
        return {}, [f"not valid YAML ({' '.join(str(e).split())}); its metadata is ignored"]
    if not isinstance(data, dict):
        return {}, [f"must be a mapping with a 'documents' key, not {_shown(data)}; its metadata is ignored"]
    docs = data.get("documents") or {}
    if not isinstance(docs, dict):
        return {}, [f"field 'documents' must map file names to metadata, not {_shown(docs)}; its metadata is ignored"]
    return {str(k): v for k, v in docs.items()}, []

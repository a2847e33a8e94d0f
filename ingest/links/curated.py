"""Curated links: ``corpus/links.yaml``, where a person adds or removes a link, with a reason.

Three kinds of entry, told apart by what ``from`` names: an element (a causal arrow, element → element), a
case study (a case link, case → the element it illustrates), so a member organisation can correct the links
the case linker suggested for its own case, or an assumption (an attachment, assumption → the element its
words speak about; see ``ingest.links.assumptions``). Errors name the line and the field, so a curator can fix the
file without reading code; a bad entry is skipped and the rest of the file (and the build) goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from graph import yamlio
from graph.records import NodeRecord
from ingest.links.match import Candidate

FIELDS = {"from", "to", "action", "reason", "author", "weight", "evidence"}
ACTIONS = ("add", "remove")
DEFAULT_WEIGHT = 1.0
CASE = "CaseStudy"  # an entry whose ``from`` is of this type is a case link
ASSUMPTION = "Assumption"  # … and one whose ``from`` is of this type attaches an assumption to an element

Resolve = Callable[[str], NodeRecord | None]  # an id or exact label/title -> the node (``graph.lookup.find``)


@dataclass
class Removal:
    source: str
    target: str
    reason: str
    author: str
    line: int


@dataclass
class Curation:
    """What links.yaml asks for, checked: causal arrows and case links to add or remove, and the bad entries."""

    adds: list[Candidate] = field(default_factory=list)  # element → element
    removes: list[Removal] = field(default_factory=list)
    case_adds: list[Candidate] = field(default_factory=list)  # case study → element (source is the case)
    case_removes: list[Removal] = field(default_factory=list)
    assumption_adds: list[Candidate] = field(default_factory=list)  # assumption → element (source: the assumption)
    assumption_removes: list[Removal] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _scalar(node: yaml.Node) -> str | None:
    return str(node.value).strip() if isinstance(node, yaml.ScalarNode) else None


def load(path: Path, resolve: Resolve) -> Curation:
    """The file's entries, each checked; ``resolve`` turns an id or exact label/title into a node."""
    try:
        root = yamlio.compose(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 0
        return Curation(errors=[f"line {line}: not valid YAML ({e.problem or e}); no curated link was applied"])
    except (OSError, UnicodeDecodeError) as e:
        return Curation(errors=[f"cannot be read ({e})"])
    if root is None:
        return Curation()
    if isinstance(root, yaml.MappingNode):
        entries = next((v for k, v in root.value if _scalar(k) == "links"), None)
        if entries is None:
            return Curation(errors=[f"line {root.start_mark.line + 1}: field 'links' is missing (expected "
                                    "'links:' followed by a list of entries)"])
        if isinstance(entries, yaml.ScalarNode) and entries.value in ("", "null", "~"):
            return Curation()
    else:
        entries = root
    if not isinstance(entries, yaml.SequenceNode):
        return Curation(errors=[f"line {entries.start_mark.line + 1}: field 'links' must be a list of entries"])
    out = Curation()
    for item in entries.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            out.errors.append(f"line {line}: an entry must be a mapping with fields from, to, reason, author")
            continue
        fields: dict[str, tuple[str | None, int]] = {}
        for k, v in item.value:
            fields[_scalar(k) or "?"] = (_scalar(v), v.start_mark.line + 1)
        err = _check(fields, line, resolve)
        if err:
            out.errors.append(err)
            continue
        get = {k: v for k, (v, _) in fields.items()}
        src, dst = resolve(get["from"]), resolve(get["to"])
        kind = {CASE: "case", ASSUMPTION: "assumption"}.get(src.type, "causal")
        action = (get.get("action") or "add").lower()
        if action == "remove":
            {"case": out.case_removes, "assumption": out.assumption_removes}.get(kind, out.removes).append(
                Removal(src.id, dst.id, get["reason"], get["author"], line))
        else:
            w = float(get["weight"]) if get.get("weight") not in (None, "") else DEFAULT_WEIGHT
            evidence = get.get("evidence") or get["reason"]
            {"case": out.case_adds, "assumption": out.assumption_adds}.get(kind, out.adds).append(
                Candidate(src.id, dst.id, "curated", w, evidence, reason=get["reason"], author=get["author"],
                          line=line))
    return out


def _check(fields: dict[str, tuple[str | None, int]], line: int, resolve: Resolve) -> str | None:
    for name in fields:
        if name not in FIELDS:
            return f"line {fields[name][1]}: unknown field '{name}' (allowed: {', '.join(sorted(FIELDS))})"
    for name in ("from", "to", "reason", "author"):
        if name not in fields or not fields[name][0]:
            at = fields[name][1] if name in fields else line
            return f"line {at}: field '{name}' is missing or empty"
    (src_text, _), (dst_text, dst_at) = fields["from"], fields["to"]
    src = resolve(src_text)
    if src is None:
        return f"line {fields['from'][1]}: field 'from': no model element, case study or assumption '{src_text}' " \
               "(use an id such as 'process/create-a-referral-network', 'casestudy/…' or 'assumption/…', or an " \
               "exact label or title)"
    dst = resolve(dst_text)
    if dst is None:
        return f"line {dst_at}: field 'to': no model element '{dst_text}' (use an id such as " \
               "'process/create-a-referral-network' or an element's exact label)"
    if dst.type == ASSUMPTION:
        return f"line {dst_at}: field 'to': '{dst_text}' is an assumption, not a model element (put the assumption " \
               "under 'from' and the element it speaks about under 'to')"
    if dst.type == CASE:
        what = "a case link starts at a case study and ends at the model element it illustrates" \
            if src.type == CASE else "put the case study under 'from' and the element it illustrates under 'to'"
        return f"line {dst_at}: field 'to': '{dst_text}' is a case study, not a model element ({what})"
    action, at = fields.get("action", ("add", line))
    if (action or "add").lower() not in ACTIONS:
        return f"line {at}: field 'action' must be 'add' or 'remove', not '{action}'"
    if "weight" in fields:
        value, at = fields["weight"]
        try:
            w = float(value)
        except (TypeError, ValueError):
            return f"line {at}: field 'weight' must be a number between 0 and 1, not '{value}'"
        if not 0 < w <= 1:
            return f"line {at}: field 'weight' must be in (0, 1], not {w}"
    return None

"""Curated links: ``corpus/links.yaml``, where a person adds or removes an arrow, with a reason.

Errors name the line and the field, so a curator can fix the file without reading code; a bad entry
is skipped and the rest of the file (and the build) goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from ingest.links.match import Candidate

FIELDS = {"from", "to", "action", "reason", "author", "weight", "evidence"}
ACTIONS = ("add", "remove")
DEFAULT_WEIGHT = 1.0


@dataclass
class Removal:
    source: str
    target: str
    reason: str
    author: str
    line: int


def _scalar(node: yaml.Node) -> str | None:
    return str(node.value).strip() if isinstance(node, yaml.ScalarNode) else None


def load(path: Path, resolve: Callable[[str], str | None],
         ) -> tuple[list[Candidate], list[Removal], list[str]]:
    """(additions, removals, errors). ``resolve`` turns an id or exact label into a node id."""
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 0
        return [], [], [f"line {line}: not valid YAML ({e.problem or e}); no curated link was applied"]
    except (OSError, UnicodeDecodeError) as e:
        return [], [], [f"cannot be read ({e})"]
    if root is None:
        return [], [], []
    if isinstance(root, yaml.MappingNode):
        entries = next((v for k, v in root.value if _scalar(k) == "links"), None)
        if entries is None:
            return [], [], [f"line {root.start_mark.line + 1}: field 'links' is missing (expected "
                            "'links:' followed by a list of entries)"]
        if isinstance(entries, yaml.ScalarNode) and entries.value in ("", "null", "~"):
            return [], [], []
    else:
        entries = root
    if not isinstance(entries, yaml.SequenceNode):
        return [], [], [f"line {entries.start_mark.line + 1}: field 'links' must be a list of entries"]
    adds: list[Candidate] = []
    removes: list[Removal] = []
    errors: list[str] = []
    for item in entries.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            errors.append(f"line {line}: an entry must be a mapping with fields from, to, reason, author")
            continue
        fields: dict[str, tuple[str | None, int]] = {}
        for k, v in item.value:
            fields[_scalar(k) or "?"] = (_scalar(v), v.start_mark.line + 1)
        err = _check(fields, line, resolve)
        if err:
            errors.append(err)
            continue
        get = {k: v for k, (v, _) in fields.items()}
        src, dst = resolve(get["from"]), resolve(get["to"])
        action = (get.get("action") or "add").lower()
        if action == "remove":
            removes.append(Removal(src, dst, get["reason"], get["author"], line))
        else:
            w = float(get["weight"]) if get.get("weight") not in (None, "") else DEFAULT_WEIGHT
            evidence = get.get("evidence") or get["reason"]
            adds.append(Candidate(src, dst, "curated", w, evidence, reason=get["reason"],
                                  author=get["author"], line=line))
    return adds, removes, errors


def _check(fields: dict[str, tuple[str | None, int]], line: int, resolve) -> str | None:
    for name in fields:
        if name not in FIELDS:
            return f"line {fields[name][1]}: unknown field '{name}' (allowed: {', '.join(sorted(FIELDS))})"
    for name in ("from", "to", "reason", "author"):
        if name not in fields or not fields[name][0]:
            at = fields[name][1] if name in fields else line
            return f"line {at}: field '{name}' is missing or empty"
    for name in ("from", "to"):
        value, at = fields[name]
        if resolve(value) is None:
            return f"line {at}: field '{name}': no model element '{value}' (use an id such as " \
                   "'process/create-a-referral-network' or an element's exact label)"
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

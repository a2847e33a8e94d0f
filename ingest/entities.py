"""Organisations, places, programmes, figures and case studies named in the text.

Rules read the writing conventions of reports and articles (an acronym in brackets after a name,
"funded by X", an organisation-type last word, "catalyst hubs in A, B and C", "£2.43 for every £1").
They run on every document, so a user's new case study gets its organisations, places and figures
without any list of names in code.
"""

from __future__ import annotations

import re

from graph.text.sentences import sentences
from ingest.model import Extraction, Item, Span
from ingest.structure import collapse

ORG_SUFFIXES = {
    "trust",
    "ltd",
    "limited",
    "association",
    "foundation",
    "finance",
    "centre",
    "center",
    "council",
    "society",
    "network",
    "uk",
    "partnership",
    "company",
    "cic",
    "group",
    "institute",
    "alliance",
    "bank",
    "fund",
    "agency",
    "university",
    "college",
    "charity",
    "co-operative",
    "cooperative",
    "consortium",
    "federation",
    "collective",
}
PLACE_SUFFIXES = {"hall", "park", "gardens", "garden", "square", "estate", "market"}
NOT_PLACES = {
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
}
_SENTENCE_STARTERS = {"the", "a", "an", "this", "these", "it", "in", "our", "we", "they", "there"}
_CONNECT = r"(?:of|for|to|and|the|de|&)"
_CAPWORD = r"[A-Z][\w’'&.-]*[\w]"
_CAPRUN = re.compile(rf"{_CAPWORD}(?:\s+(?:{_CONNECT}\s+)?{_CAPWORD})*")
_ACRONYM_DEF = re.compile(
    rf"(?P<name>{_CAPWORD}(?:\s+(?:{_CONNECT}\s+)*{_CAPWORD})+)\s+\((?P<acr>[A-Z][A-Za-z]{{1,9}})\)"
)
_ORG_CUE = re.compile(
    rf"\b(?:funded by|delivered by|partnered with|in partnership with|report by|research by|published by|"
    rf"supported by|led by|run by)\s+(?:the\s+)?(?P<name>{_CAPWORD}(?:\s+(?:{_CONNECT}\s+)?{_CAPWORD})*)"
)
_ORG_SUBJECT = re.compile(
    rf"(?:^|[.!?]\s+)(?P<name>{_CAPWORD}(?:\s+(?:{_CONNECT}\s+)?{_CAPWORD})*)\s+"
    r"(?:partnered with|conducted|has created|commissioned|published|funded)\b"
)
_ATTRIBUTION = re.compile(r"[”\"]\s*\((?P<name>[^()]{2,60})\)\s*$")
_PLACE_LIST = re.compile(
    r"\b(?:hubs|places|areas|towns|cities|boroughs|regions|localities|neighbourhoods)\s+(?:in\s+|[–—:-]\s*)"
    rf"(?P<list>{_CAPWORD}(?:(?:[,.;]\s*|\s+and\s+|,\s+and\s+){_CAPWORD}){{1,20}})"
)
_IN_PLACE = re.compile(rf"(?<![A-Za-z])(?:in|across|from|of) (?P<name>{_CAPWORD}(?: {_CAPWORD})?)(?! {_CAPWORD})(?!\w)")
_PROGRAMME = [
    re.compile(
        rf"\bthe (?P<name>{_CAPWORD}(?: {_CAPWORD})*) (?:programme|program|initiative)\b"
        rf"(?: and (?P<name2>{_CAPWORD}))?"
    ),
    re.compile(
        rf"(?:^|[.!?]\s+)(?P<name>{_CAPWORD}(?: {_CAPWORD})*) (?:was|is) an? (?:\w+ )?"
        r"(?:programme|program|initiative)\b"
    ),
]
_MONEY = r"£\s?\d[\d,]*(?:\.\d+)?\s?(?:[mbk]n?\b|million|billion|bn)?"
_FIGURE = re.compile(
    rf"{_MONEY}(?:[^.;]{{0,60}}?(?:for every|per|to every|of)\s+{_MONEY})?"
    rf"|\b\d[\d,]*(?:\.\d+)?\s?(?:%|per ?cent)"
    rf"|\b\d[\d,]*\s+(?:new\s+)?(?:jobs|people|volunteers|businesses|enterprises|members|homes|tenants|"
    rf"residents|organisations|apprenticeships|placements)\b(?:\s+and\s+{_MONEY}(?:\s+GVA)?)?"
)


def _clean_name(name: str) -> str:
    name = re.sub(r"^(?:The|the|A|An)\s+", "", name.strip())
    return name.strip(" .,;:’'")


def _split_possessive(run: str) -> list[tuple[int, str]]:
    """'Halifax Opportunities Trust’s Jubilee Children’s Centre' -> both names with their offsets."""
    out, pos = [], 0
    for m in re.finditer(r"[’']s\s+(?=[A-Z])", run):
        before = run[pos : m.start()]
        if before.split() and before.split()[-1].lower() in ORG_SUFFIXES:  # "X Trust’s Y Centre"
            out.append((pos, before))
            pos = m.end()
    out.append((pos, run[pos:]))
    return out


class _Found:
    """Entities found in one document, keyed by (class, normalised name)."""

    def __init__(self, ex: Extraction):
        self.ex = ex
        self.items: dict[tuple[str, str], Item] = {}
        self.aliases: dict[str, str] = {}  # acronym -> full name key

    def add(
        self,
        cls: str,
        name: str,
        start: int,
        end: int,
        section: tuple[str, int],
        context: Item | None,
        pred: str | None,
        alias: str = "",
    ) -> Item:
        name = _clean_name(name)
        key = (cls, self.aliases.get(name.lower(), name.lower()))
        item = self.items.get(key)
        sp = Span(self.ex.doc.doc_id, start, end, section[0], section[1], "mention")
        if item is None:
            item = Item(cls, name, name, [sp])
            self.items[key] = item
        elif all((s.start, s.end) != (start, end) for s in item.spans):
            item.spans.append(sp)
        if alias and alias not in item.alt_labels:
            item.alt_labels.append(alias)
            self.aliases[alias.lower()] = key[1]
        if context is not None and pred and all(o is not item or p != pred for p, o in context.relations):
            context.relations.append((pred, item))
        return item


def find_entities(ex: Extraction) -> list[Item]:
    """Add organisations, places, programmes, evidence and case studies to ``ex``; return the new items."""
    text = ex.doc.text
    found = _Found(ex)
    new: list[Item] = []
    for item in list(ex.items):
        if item.cls in ("Organisation", "Place", "Programme", "Evidence", "CaseStudy"):
            continue
        sp = item.spans[0]
        section = (sp.section, sp.section_start)
        region = text[sp.start : sp.end]
        base = sp.start
        orgs = _organisations(found, region, base, section, item)
        places = _places(found, region, base, section, item, {o.label.lower() for o in orgs})
        for pat in _PROGRAMME:
            for m in pat.finditer(region):
                for g in ("name", "name2"):
                    if m.groupdict().get(g):
                        found.add("Programme", m[g], base + m.start(g), base + m.end(g), section, item, "mentions")
        evidence = _evidence(ex, item, text, sp, section)
        new.extend(evidence)
        if ex.doc.kind == "case-study" and item.cls == "Insight" and (orgs or evidence or places):
            new.append(_case_study(ex, item, orgs, places, evidence))
    new.extend(found.items.values())
    ex.items.extend(new)
    return new


def _organisations(found: _Found, region: str, base: int, section, item: Item) -> list[Item]:
    orgs: list[Item] = []
    for m in _ACRONYM_DEF.finditer(region):
        name = m["name"]
        cut = re.search(rf"\b(?:by|with|and|the)\s+(?:the\s+)?(?={_CAPWORD})", name)
        offset = cut.end() if cut and cut.end() < len(name) else 0
        orgs.append(
            found.add(
                "Organisation",
                name[offset:],
                base + m.start("name") + offset,
                base + m.end("name"),
                section,
                item,
                "mentions",
                alias=m["acr"],
            )
        )
    for pat in (_ORG_CUE, _ORG_SUBJECT):
        for m in pat.finditer(region):
            orgs.append(
                found.add(
                    "Organisation", m["name"], base + m.start("name"), base + m.end("name"), section, item, "mentions"
                )
            )
    m = _ATTRIBUTION.search(region)
    if m:
        orgs.append(
            found.add(
                "Organisation", m["name"], base + m.start("name"), base + m.end("name"), section, item, "attributedTo"
            )
        )
    for m in _CAPRUN.finditer(region):
        for off, part in _split_possessive(m.group(0)):
            words = part.split()
            last = words[-1].lower().strip(".,") if words else ""
            if len(words) >= 2 and last in ORG_SUFFIXES:
                s = base + m.start() + off
                orgs.append(found.add("Organisation", part, s, s + len(part), section, item, "mentions"))
            if part.lower() in found.aliases or any(part == a for o in orgs for a in o.alt_labels):
                s = base + m.start() + off
                orgs.append(found.add("Organisation", part, s, s + len(part), section, item, "mentions"))
    seen, out = set(), []
    for o in orgs:
        if id(o) not in seen:
            seen.add(id(o))
            out.append(o)
    return out


def _places(found: _Found, region: str, base: int, section, item: Item, org_names: set[str]) -> list[Item]:
    places: list[Item] = []
    for m in _PLACE_LIST.finditer(region):
        lst = m["list"]
        for pm in re.finditer(_CAPWORD, lst):
            if pm.group(0).lower() in _SENTENCE_STARTERS:
                break  # "… and Hartlepool. The research …": the list ended with the sentence
            s = base + m.start("list") + pm.start()
            places.append(found.add("Place", pm.group(0), s, s + len(pm.group(0)), section, item, "mentions"))
    for m in _IN_PLACE.finditer(region):
        name = _clean_name(m["name"])
        low = name.lower()
        if (
            low in NOT_PLACES
            or low in ("the", "a", "an")
            or low in org_names
            or low.split()[-1] in ORG_SUFFIXES
            or len(name) < 3
        ):
            continue
        before = region[: m.start()].split()
        inside_name = (
            before and before[-1].strip("'‘’\"“(")[:1].isupper() and before[-1].lower().strip(",") not in ORG_SUFFIXES
        )
        if region[m.end() : m.end() + 1].isalpha() or inside_name:
            continue  # "Innovation in Business": the 'in' is inside a name
        places.append(found.add("Place", name, base + m.start("name"), base + m.end("name"), section, item, "mentions"))
    for m in _CAPRUN.finditer(region):
        words = m.group(0).split()
        if len(words) >= 2 and words[-1].lower() in PLACE_SUFFIXES:
            places.append(found.add("Place", m.group(0), base + m.start(), base + m.end(), section, item, "mentions"))
    return list({id(p): p for p in places}.values())


def _evidence(ex: Extraction, item: Item, text: str, sp: Span, section) -> list[Item]:
    out = []
    for s, e in sentences(text, sp.start, sp.end):
        sentence = text[s:e]
        figs = list(_FIGURE.finditer(sentence))
        if not figs:
            continue
        figure = collapse(sentence[figs[0].start() : figs[-1].end()])
        ev = Item(
            "Evidence", figure, collapse(sentence), [Span(ex.doc.doc_id, s, e, section[0], section[1])], figure=figure
        )
        item.relations.append(("hasEvidence", ev))
        out.append(ev)
    return out


def _case_study(ex: Extraction, item: Item, orgs: list[Item], places: list[Item], evidence: list[Item]) -> Item:
    """The worked example inside a list item (the text after the item's own name)."""
    sp = item.spans[0]
    name_end = sp.start
    m = re.match(r"^\s*(?:\d+[.)]\s+)?[^.–—]{3,90}?(?:\.\s+|\s+[–—-]\s+)", ex.doc.text[sp.start : sp.end])
    if m:
        name_end = sp.start + m.end()
    named = orgs or places
    label = " · ".join(o.label for o in named[:2]) if named else f"{item.label} (example)"
    cs = Item(
        "CaseStudy",
        label,
        collapse(ex.doc.text[name_end : sp.end]),
        [Span(ex.doc.doc_id, name_end, sp.end, sp.section, sp.section_start)],
    )
    cs.relations.append(("illustrates", item))
    cs.relations.extend(("involves", o) for o in orgs)
    cs.relations.extend(("locatedIn", p) for p in places)
    cs.relations.extend(("hasEvidence", e) for e in evidence)
    return cs

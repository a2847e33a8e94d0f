"""People a text names, with the role and the organisation it gives them.

The rules read how news pieces and case studies introduce a person: "Emma Way, Vice-Chairman of the HRCS",
"Elin Davies, who has been appointed as a director", "Hexham Bakery’s general manager Tom Reed", "Chief
Executive Stephen Deakin", a quoted speaker ("…,” said Jane Smith, chair of the board), "Emily Jewell from the
Upper Norwood Library Trust", and a later "Ms Davies". A person needs a role word, a title, a speech verb or an
organisation beside the name: two capitalised words alone are as often a place or a programme. Pure text rules;
``ingest.entities`` checks each name against the organisations and places it found and links the person to the
organisation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Cllr|Coun|Councillor|Professor|Prof|Sir|Dame|Lord|Lady|Rev|Revd)"
# "Emma", "McDonald", "O’Neill", "D'Arcy", "Smith-Jones"
_WORD = r"(?:[A-Z][’'](?=[A-Z]))?[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:[-’'][A-Z]?[a-z]+)?"
NAME = rf"(?:{TITLES}\.?\s+)?{_WORD}(?:\s+{_WORD}){{1,2}}"  # two or three words, with an optional title
_ROLE_NOUN = (r"(?:vice[- ])?(?:chair(?:man|woman|person)?|president|director|secretary(?:[- ]general)?|treasurer"
              r"|trustee|founder|co-founder|manager|chief executive(?: officer)?|ceo|head(?: baker| teacher| chef)?"
              r"|leader|lead|co-?ordinator|officer|member|councillor|owner|partner|advis[eo]r|volunteer|baker"
              r"|landlord|landlady|licensee|mayor|minister|mp|spokes(?:person|man|woman)|organiser|organizer"
              r"|worker|employee|editor|professor|researcher|consultant|governor|chef|mentor|shareholder"
              r"|entrepreneur|farmer|brewer|teacher|librarian|conven[eo]r|resident|campaigner|journalist|reporter"
              r"|author|writer|caretaker|fundraiser|curate|vicar|rector|msp|mep|mla)s?")
# up to three words before the role noun ("general manager", "former cabinet member"), then "of trustees"
_NOT_MODIFIER = r"(?!who\b|which\b|its\b|their\b|his\b|her\b)"
ROLE = (rf"(?i:(?:{_NOT_MODIFIER}[a-z][\w-]*\s+){{0,3}}?{_ROLE_NOUN}(?:\s+of\s+(?:the\s+)?(?:trustees|the board|board"
        rf"|directors|governors))?(?:\s+and\s+(?:[a-z][\w-]*\s+){{0,2}}?{_ROLE_NOUN})?)")
_CAPWORD = r"[A-Z][\w’'&.-]*[\w]"
_ORG = (rf"(?:the\s+)?(?:{_CAPWORD}(?:\s+(?:(?:of|for|and|the|&)\s+)?{_CAPWORD}){{0,6}}"
        r"(?:(?:\s+[a-z][\w-]*){0,2}?\s+(?:society|co-operative|co-op|board|committee|trust|group|team|charity"
        r"|company|school|college|university|centre|council|hub|network|club|association|foundation|fund|project"
        r"|partnership|shop|pub|café|cafe|bakery|library|store))?"
        r"|[a-z][\w’'-]*(?:\s+(?!and\b|who\b|which\b)[a-z][\w-]*)?)")
_END = r"(?=\s*[,.;:)!?”\"]|\s+(?:said|says|told|added|adds|explained|explains|who|and|is|was|has|had)\b|$)"
_SPEECH = (r"(?:said|says|added|adds|explained|explains|told|recalled|recalls|commented|comments|noted|notes|announced"
           r"|announces|argued|argues|replied|replies|thanked|thanks|wrote|writes|warned|warns|stressed|stresses"
           r"|insisted|insists|admitted|admits|believes|believed)")
# where a name is the last thing a rule reads: it ends at punctuation or where a lower-case word starts
_NAME_END = r"(?=\s*[,.;:)!?”\"]|\s+[a-z]|$)"

_APPOSITIVE = re.compile(
    rf"(?<![\w’'-])(?P<name>{NAME}),\s+(?:(?:then|now|formerly|also|currently)\s+)?(?:(?:the|a|an|its|their|his|her)\s+)?"
    rf"(?P<role>{ROLE})(?:\s+(?:of|at|for|from|with)\s+(?P<org>{_ORG}))?{_END}")
_WHO = re.compile(
    rf"(?<![\w’'-])(?P<name>{NAME}),\s+who\s+(?:is|was|has been|had been|became|serves as|works as)\s+"
    rf"(?:(?:appointed|elected|named|made)\s+(?:as\s+)?)?(?:(?:the|a|an|its|their)\s+)?(?P<role>{ROLE})"
    rf"(?:\s+(?:of|at|for)\s+(?P<org>{_ORG}))?{_END}")
# "Jane Smith, who chairs the board": the verb says the role
WHO_VERBS = {"chairs": "chair", "leads": "leader", "runs": "runs", "manages": "manager", "founded": "founder",
             "co-founded": "co-founder", "heads": "head", "directs": "director", "owns": "owner", "sits on": "member"}
_WHO_VERB = re.compile(
    rf"(?<![\w’'-])(?P<name>{NAME}),\s+who\s+(?:now\s+|also\s+)?(?P<verb>{'|'.join(WHO_VERBS)})\s+"
    rf"(?:the\s+(?:trustees|board|directors|committee|team)\s+(?:of|at)\s+)?(?P<org>{_ORG}){_END}")
_POSSESSIVE = re.compile(
    rf"(?<![\w’'-])(?P<org>{_CAPWORD}(?:\s+(?:(?:of|for|and|&)\s+)?{_CAPWORD}){{0,5}})[’']s\s+"
    rf"(?P<role>{ROLE}),?\s+(?P<name>{NAME}){_END}")
_TITLE_FIRST = re.compile(
    rf"(?:^|(?<=[\s(]))(?P<role>(?:(?!Its\b|Their\b|His\b|Her\b|The\b|Our\b|A\b|An\b)[A-Z][a-z]+\s+)?"
    rf"(?i:{_ROLE_NOUN}))\s+(?P<name>(?!{TITLES}\b){NAME})(?:\s+(?:of|at|from)\s+(?P<org>the\s+{_CAPWORD}"
    rf"(?:\s+(?:(?:of|for|and|&)\s+)?{_CAPWORD}){{0,6}}))?{_NAME_END}")
# "Participate chief executive, Anthony Waddington, thanked …", "Its director, Manus Teague, told …": the role
# first, the name between commas
# (at the start of a sentence, with capitalised words before the role; or after "its", "the" …)
_ROLE_COMMA = re.compile(
    rf"(?:^|(?<=[.!?;:]\s)|(?<=[(“\"]))(?P<role>(?:(?!(?:Its|Their|His|Her|The|An?)\b)[A-Z][\w’'&-]*\s+){{0,3}}(?i:(?:co-)?{_ROLE_NOUN})),\s+"
    rf"(?P<name>(?!{TITLES}\b){NAME}),")
_DET_ROLE_COMMA = re.compile(
    rf"\b(?P<det>(?i:its|their|his|her|the|a|an))\s+(?P<role>(?:[\w’'&-]+\s+){{0,2}}?(?i:{_ROLE_NOUN})),\s+"
    rf"(?P<name>(?!{TITLES}\b){NAME}),")
# "Local residents Alex Begg and Rosie Begg led …": the second of two people a plural role names
_TITLE_BOTH = re.compile(
    rf"(?:^|(?<=[\s(]))(?P<role>(?:[A-Z][a-z]+\s+)?(?i:{_ROLE_NOUN}))\s+(?!{TITLES}\b){NAME}\s+and\s+"
    rf"(?P<name>(?!{TITLES}\b){NAME}){_NAME_END}")
# "launched in 2015 by Angela Ireland and Gabby Cluness", "an article by Kathie Griffiths": the verb says the role
BY_VERBS = {"founded": "founder", "co-founded": "co-founder", "launched": "founder", "set up": "founder",
            "started": "founder", "established": "founder", "article": "author", "piece": "author",
            "column": "author", "blog": "author"}
_BY_VERB = rf"\b(?P<verb>{'|'.join(BY_VERBS)})\s+(?:in\s+(?:19|20)\d\d\s+)?by\s+"
_BY = re.compile(rf"{_BY_VERB}(?:(?!{TITLES}\b){NAME}\s+and\s+)?(?P<name>{NAME}){_NAME_END}")  # the last named
_BY_FIRST = re.compile(rf"{_BY_VERB}(?P<name>{NAME})\s+and\s+{NAME}{_NAME_END}")  # the first of two
# "Paul Jackson, the chairman of the group set up to rescue the building": a role and then "of …" whose end the
# rules cannot tell (the person and the role are kept; the organisation is left to the words the rules can read)
_APPOSITIVE_OPEN = re.compile(
    rf"(?<![\w’'-])(?P<name>{NAME}),\s+(?:(?:the|a|an|its|their|his|her)\s+)?(?P<role>{ROLE})\s+(?:of|for|at|with)\b")
# "Mr Lou Gildea, who founded …", "Coun. David Whalley": a courtesy title before a first name and a surname is a
# person (a role, if any, is read by the rules above)
_TITLED = re.compile(rf"(?<![\w’'“\"-])(?P<name>(?:Mr|Mrs|Ms|Miss|Mx|Dr|Cllr|Coun|Councillor|Sir|Dame|Revd?)\.?\s+"
                     rf"{_WORD}\s+{_WORD}(?:\s+{_WORD})?){_NAME_END}")
# "Sue Mann, aged sixty-seven and Chair of the shop's management committee, said": a quoted speaker named before a
# clause about them
_SPEAKER_AFTER = re.compile(rf"(?<![\w’'-])(?P<name>{NAME}),\s+[^,.;“”\"]{{3,80}},\s+{_SPEECH}\b")
# "Kevin Edwards, the co-operative's general manager, said": the organisation before the role
_APPOSITIVE_POSSESSIVE = re.compile(
    rf"(?<![\w’'-])(?P<name>{NAME}),\s+(?:the\s+)?(?P<org>[\w’'&-]+(?:\s+[\w’'&-]+){{0,4}}?)[’']s\s+"
    rf"(?P<role>{ROLE}){_END}")
# "Peter Hele, of the society, said": an organisation beside a quoted speaker
_OF_SPEAKER = re.compile(
    rf"(?<![\w’'-])(?P<name>{NAME}),\s+(?:of|from|at)\s+(?P<org>(?:the\s+)?[\w’'&-]+(?:\s+[\w’'&-]+){{0,5}}?),\s+"
    rf"{_SPEECH}\b")
_SPEAKER = re.compile(
    rf"(?:\b{_SPEECH}\s+(?P<name>{NAME})|(?<![\w’'-])(?P<name2>{NAME})\s+{_SPEECH}\b)")
_FROM = re.compile(rf"(?<![\w’'-])(?P<name>{NAME})\s+(?:from|of|at)\s+(?P<org>the\s+{_CAPWORD}(?:\s+(?:(?:of|for|and"
                   rf"|&)\s+)?{_CAPWORD}){{0,6}})(?=\s*[,.;:)!?”\"]|\s+[a-z]|$)")
SHORT = re.compile(rf"\b(?P<title>{TITLES})\.?\s+(?P<last>{_WORD})\b")


_REPRESENTS = re.compile(r"(?i)\b(?:mp|msp|mep|mla|councillor|mayor|member)s?$")


@dataclass(frozen=True)
class Mention:
    """A person as one sentence gives them: the name's offsets, the role and organisation as written, and how
    the rule knew (``cue``: appositive, who, possessive, title, speaker, from)."""

    name: str
    start: int
    end: int
    role: str
    org: str
    org_start: int  # where the organisation's words stand (-1: none)
    phrase: str  # the words that say who the person is ("Emma Way, Vice-Chairman of the HRCS")
    cue: str
    strong: bool  # a role or an organisation beside the name (a speech verb alone is weak)
    # "Its coordinator, Tomasz Kowalczyk": the role belongs to an organisation named before (``ingest.entities``
    # takes the one named last, as a reader does)
    of_named_before: bool = False


def mentions(text: str) -> list[Mention]:
    """Every person mention the rules find in ``text``, in text order, one per name position."""
    out: dict[int, Mention] = {}
    taken: list[tuple[int, int]] = []
    for cue, pat in (("appositive", _APPOSITIVE), ("appositive", _APPOSITIVE_POSSESSIVE),
                     ("appositive", _APPOSITIVE_OPEN), ("who", _WHO),
                     ("who", _WHO_VERB), ("possessive", _POSSESSIVE), ("title", _TITLE_FIRST), ("title", _ROLE_COMMA),
                     ("title", _DET_ROLE_COMMA), ("title", _TITLE_BOTH),
                     ("by", _BY_FIRST), ("by", _BY), ("from", _FROM), ("from", _OF_SPEAKER), ("speaker", _SPEAKER),
                     ("speaker", _SPEAKER_AFTER), ("title", _TITLED)):
        for m in pat.finditer(text):
            g = "name" if m.group("name") else "name2"
            name = m.group(g)
            verb = m.groupdict().get("verb")
            role = {**WHO_VERBS, **BY_VERBS}[verb] if verb else " ".join((m.groupdict().get("role") or "").split())
            org = " ".join((m.groupdict().get("org") or "").split())
            if org and _REPRESENTS.search(role) and text[: m.start("org")].rstrip().endswith("for"):
                org = ""  # "MSP for Skye", "councillor for Budshead ward": a seat, not an organisation
            s = m.start(g)
            if any(a < m.end(g) and s < b for a, b in taken):
                continue  # "Chief Executive Stephen Deakin told": one person, found once
            taken.append((s, m.end(g)))
            org_start = m.start("org") if m.groupdict().get("org") else -1
            phrase = re.sub(r"^(?i:its|their|his|her|the|a|an)\s+", "", " ".join(m.group(0).split())).rstrip(" ,")
            det = (m.groupdict().get("det") or "").lower()
            out[s] = Mention(name, s, m.end(g), role, org, org_start, phrase, cue,
                             cue != "speaker", det in ("its", "their"))
    return sorted(out.values(), key=lambda x: x.start)


COUNCILLOR = re.compile(r"(?:Cllr|Coun|Councillor)\.?\s")


def strip_title(name: str) -> str:
    return re.sub(rf"^{TITLES}\.?\s+", "", name)

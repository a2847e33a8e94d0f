"""Organisations, places, programmes, figures and case studies named in the text.

Rules read the writing conventions of reports and articles (an acronym in brackets after a name,
"funded by X", an organisation-type last word, "catalyst hubs in A, B and C", "£2.43 for every £1").
They run on every document, so a user's new case study gets its organisations, places and figures
without any list of names in code.
"""

from __future__ import annotations

import re
import textwrap
from bisect import bisect_right
from functools import cached_property

from graph.text.sentences import sentences
from graph.text.tokens import STOPWORDS
from ingest import people
from ingest.figures import figure_kind, is_evidence
from ingest.gazetteer import is_local_place, is_place
from ingest.model import Extraction, Item, Span
from ingest.structure import collapse

ORG_SUFFIXES = {
    "trust", "ltd", "limited", "association", "foundation", "finance", "centre", "center", "council", "society",
    "network", "uk", "partnership", "company", "cic", "group", "institute", "alliance", "bank", "fund", "agency",
    "university", "college", "charity", "co-operative", "cooperative", "consortium", "federation", "collective",
    "news", "loans", "homes", "housing", "spaces", "collaborative", "enterprises", "services", "llp", "plc",
    "co-op", "coop", "commission", "authority", "board", "bureau", "club", "works", "hub",
}
# type words that also end common phrases ("Social Enterprise", "Local Councils", "Local Authority", "Social
# Housing"): a name ending in one is an organisation only when some other word of it is not one the document
# writes in lower case ("Scottish Enterprise", "Tribune Magazine", "East and South Ayrshire Councils")
WEAK_SUFFIXES = {"enterprise", "enterprises", "magazine", "councils", "authority", "authorities", "housing"}
# ... nor when the name qualifies a word that says what it is: "the Youth Enterprise programme"
_QUALIFIES = re.compile(r"\s+(?:programme|program|scheme|initiative|project|sector|campaign|strategy|model|movement)\b")
VENUE_SUFFIXES = {"hall", "centre", "center", "park", "gardens", "garden", "square", "estate", "market", "library",
                  "station", "street", "road", "school", "church", "house", "pub", "shop", "office", "building"}
GEO_SUFFIXES = ("shire", " peninsula", " valley", " vale", " isles", " island", " islands", " coast", " dales",
                " moors", " county", " borough", " district", " region", " midlands", " highlands")
PLACE_SUFFIXES = VENUE_SUFFIXES  # kept for callers that read venue words; a venue is not a place
# a building a place names, which its community runs or meets in: "Hebden Bridge Town Hall", "Leeds Central
# Library" is a venue (an organisation), and the place its name starts with is where it is
BUILDING_WORDS = {"hall", "centre", "center", "library", "church", "chapel", "museum", "theatre", "institute",
                  "pavilion", "baths"}
NOT_PLACES = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}
_SENTENCE_STARTERS = {"the", "a", "an", "this", "these", "it", "in", "our", "we", "they", "there"}
_CONNECT = r"(?:of|for|to|and|the|de|&)"
_CAPWORD = r"[A-Z][\w’'&.-]*[\w]"
_START = r"(?<![\w’'&.-])"  # a name starts a word: the look-behind fails fast inside words
_NAME = rf"{_CAPWORD}(?:\s+(?:{_CONNECT}\s+)?{_CAPWORD})*"  # Title Case words, one joining word between two
_CAPRUN = re.compile(rf"{_START}{_NAME}")
# A name that must be followed by something ("(CLES)", "… Fund") is searched for from every capitalised word;
# on a run of Title Case words that never reaches it, each start would scan the rest of the run: quadratic
# in the run's length. Such names are at most NAME_WORDS words, so each start scans a bounded stretch.
NAME_WORDS = 20
# a name searched for from every capitalised word (followed by ", a pub", "’s … Programme"): bounded, as above
_SHORT_NAME = rf"{_CAPWORD}(?:\s+(?:{_CONNECT}\s+)?{_CAPWORD}){{0,{NAME_WORDS}}}"
_ACRONYM_DEF = re.compile(
    rf"{_START}(?P<name>{_CAPWORD}(?:\s+(?:{_CONNECT}\s+)*{_CAPWORD}){{1,{NAME_WORDS}}})"
    r"\s+\((?P<acr>[A-Z][A-Za-z]{1,9})\)"
)
_ORG_CUE = re.compile(
    rf"\b(?:funded by|delivered by|partnered with|partnership with|partnership between|agreement with|"
    rf"report by|research by|published by|supported by|led by|run by|a loan from|loans? from|grants? from|"
    rf"backed by|with help from|helped by|working with|worked with|alongside|"
    rf"(?:trades|trading|traded) (?:under the name|as))\s+(?:the\s+)?"
    rf"(?P<name>{_NAME})"
    # a list after the cue, closed by 'and': "a partnership between BNP Paribas, the City of Westminster and the …"
    rf"(?P<more>(?:,\s+(?:the\s+)?{_NAME}){{0,{NAME_WORDS}}},?\s+and\s+(?:the\s+)?{_NAME})?"
)
_CUE_MORE = re.compile(rf"(?:,\s+|,?\s+and\s+)(?:the\s+)?(?P<name>{_NAME})")
_ORG_SUBJECT = re.compile(
    rf"(?:^|[.!?]\s+)(?P<name>{_CAPWORD}(?:\s+(?:{_CONNECT}\s+)?{_CAPWORD})*)\s+"
    r"(?:partnered with|conducted|has created|commissioned|published|funded)\b"
)
# what the text says a name is: "the Sportsman, a pub in …", "Sobus, the community development agency for …",
# "a new co-op, Choices4Doncaster.", "the charity Vital Regeneration", "Choices4Doncaster is a co-operative".
# The type word must end its phrase ("a co-operative member" is a person), lower-case words may come before it.
_LEGAL_FORMS = (r"charity|co-operative|cooperative|co-op|coop|social enterprise|credit union|community interest company"
                r"|CIC|community benefit society|housing association|development trust|CDFI|non-profit|not-for-profit")
_ORG_TYPES = (rf"{_LEGAL_FORMS}|enterprise|society|company|business|firm|network|trust|organisation|organization"
              r"|association|foundation|partnership|consortium|lender|investor|incubator|provider|agency|publisher"
              r"|magazine|newspaper|pub|shop|bakery|café|cafe|brewery|nursery|council")
_TYPE_END = (r"(?=\s*(?:[,.;:)]|$)|\s+(?:that|which|who|whose|in|for|run|owned|based|with|of|from|founded|set|serving"
             r"|and|to|on|at|where|since|providing|offering|led|supporting|helping|working|operating|formed"
             r"|established|registered|called|known|it|they|we|he|she|now|also)\b)")
_DESCRIBED = r"(?:(?!(?:and|or|but|of|in|for|to|with)\s)[a-z][\w-]*\s+){0,4}?"  # "a community-owned …"
# what a venue or a business is called: named so, it is an organisation even where a place has the same name
_VENUE_TYPE = re.compile(r"(?i)\b(?:pub|shop|bakery|café|cafe|brewery|nursery|inn|hotel|mill|store|cinema|library"
                         r"|restaurant|farm)s?\b")
# a business named without a legal form, where the sentence says what it does: "Heron Mill supplies the flour",
# "buys its flour from Heron Mill", "Tynedale Farm employs six people"
_BUSINESS_WORDS = (r"Mill|Bakery|Farm|Brewery|Dairy|Shop|Stores?|Café|Cafe|Pub|Inn|Cinema|Garage|Kitchen|Press"
                   r"|Studios?|Workshop|Nursery|Laundry|Market|Hotel|Arms|Tavern|Deli|Butchers?|Bookshop|Library")
_DOES = (r"supplies|supplied|sells|sold|makes|made|employs|employed|runs|ran|provides|provided|offers|offered|bakes"
         r"|baked|brews|brewed|grows|grew|produces|produced|trades|traded|opened|opens|serves|served|hires|hired")
_ORG_DOES = re.compile(
    rf"(?:{_START}(?P<name>(?:{_CAPWORD}\s+){{1,4}}(?:{_BUSINESS_WORDS}))\s+(?:also\s+|now\s+)?(?:{_DOES})\b"
    rf"|\b(?:buys|bought|sources|sourced|orders|ordered|gets|got|comes|came)\b[^.;]{{0,40}}?\bfrom\s+(?:the\s+)?"
    rf"(?P<name2>(?:{_CAPWORD}\s+){{1,4}}(?:{_BUSINESS_WORDS}))\b)")
_ORG_APPOSITIVE = re.compile(rf"{_START}(?P<name>{_SHORT_NAME}),\s+(?:a|an|the)\s+{_DESCRIBED}(?i:{_ORG_TYPES})"
                             rf"{_TYPE_END}")
_ORG_NAMED_AFTER = re.compile(
    rf"\b(?:(?:[Aa]|[Aa]n|[Tt]he)\s+{_DESCRIBED}(?i:{_ORG_TYPES})|[Oo]ne of (?:the|our|its|their)\s+{_DESCRIBED}"
    rf"(?i:{_ORG_TYPES})s),\s+(?:the\s+)?(?P<name>{_NAME})(?=\s*[,.;(])")
_ORG_DESCRIPTOR = re.compile(rf"\b(?:the|a|an)\s+(?:(?:local|new|national|small|independent)\s+)?"
                             rf"(?:{_LEGAL_FORMS})\s+(?P<name>{_NAME})")
_ORG_COPULA = re.compile(rf"(?:^|[.!?]\s+)(?P<name>{_NAME})\s+(?:is|was|became|has become|is now)\s+(?:a|an)\s+"
                         rf"{_DESCRIBED}(?i:{_ORG_TYPES}){_TYPE_END}")
_ATTRIBUTION = re.compile(r"[”\"]\s*\((?P<name>[^()]{2,60})\)\s*$")
_PLACE_LIST = re.compile(
    r"\b(?:hubs|places|areas|towns|cities|boroughs|regions|localities|neighbourhoods)\s+(?:in\s+|[–—:-]\s*)"
    rf"(?P<list>{_CAPWORD}(?:(?:[,.;]\s*|\s+and\s+|,\s+and\s+){_CAPWORD}){{1,20}})"
)
_PLACE_RUN = rf"(?P<name>{_CAPWORD}(?:\s+(?:(?:upon|on|under|le|de)\s+)?{_CAPWORD}){{0,3}})"
# weak cue: a locative preposition; the name must be in the gazetteer or end in a geographic word
_IN_PLACE = re.compile(rf"(?<![\w-])(?:in|across|from|of|within|around|near|throughout|outside|to|on the|at)\s+"
                       rf"(?:the\s+)?{_PLACE_RUN}")
# strong cue: the text says what kind of place it is ("the rural village of Hinton St George")
# … or who lives there ("residents of Ashby Parva in Leicestershire", "villagers in Ings")
_PLACE_OF = re.compile(rf"\b(?:(?i:village|town|city|county|borough|parish|region|district|island|valley|area)\s+of"
                       rf"|(?i:residents|villagers|inhabitants|townsfolk)\s+(?:of|in))\s+"
                       rf"(?:the\s+)?{_PLACE_RUN}")
# "based in Ancoats, Manchester", "in Lozells, Sparkhill and Small Heath, Birmingham": names, then a known place
_NAME3 = rf"{_CAPWORD}(?:\s+{_CAPWORD}){{0,2}}"
_PLACE_SERIES = re.compile(rf"(?<![\w-])(?:in|across|around|within|throughout|at)\s+(?:the\s+)?"
                           rf"(?P<list>{_NAME3}(?:,\s+{_NAME3})*(?:,?\s+and\s+{_NAME3})?),\s+(?P<area>{_NAME3})")
_SERIES_SEP = re.compile(r",\s+|,?\s+and\s+")
_TITLES = {"mr", "mrs", "ms", "miss", "dr", "sir", "lord", "lady", "professor", "prof", "cllr", "councillor"}
_PLACE_COMMA = re.compile(rf"{_START}(?P<a>{_CAPWORD}(?:\s+{_CAPWORD}){{0,2}}),\s+(?P<b>{_CAPWORD}(?:\s+{_CAPWORD})?)")
_PROGRAMME = [
    re.compile(
        rf"\bthe (?P<name>{_CAPWORD}(?: {_CAPWORD})*) (?:programme|program|initiative)\b"
        rf"(?: and (?P<name2>{_CAPWORD}))?"
    ),
    re.compile(
        rf"(?:^|[.!?]\s+)(?P<name>{_CAPWORD}(?: {_CAPWORD})*) (?:was|is) an? (?:\w+ )?"
        r"(?:programme|program|initiative)\b"
    ),
    re.compile(rf"\b(?P<name>{_CAPWORD}(?: {_CAPWORD}){{0,{NAME_WORDS}}} "
               r"(?:Programme|Program|Initiative|Scheme|Fund))\b"),
]
_PERSON_ROLE = re.compile(
    r"\b(?P<name>[A-Z][a-z]+(?: [A-Z][a-z’'-]+){1,2}),\s+(?:the\s+)?(?P<role>[A-Za-z][\w -]{1,40}?)"
    r"\s+(?:of|at|for)\s+(?:the\s+)?(?P<org>[A-Z][\w&’'-]*(?:\s+[A-Z&][\w&’'-]*){0,5})"
)
_NUM_WORD = (r"(?i:(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
             r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
             r"(?:a|a few|several|a couple of) (?:hundred|thousand))"
             r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
             r"(?:\s+(?:hundred|thousand|million))?)")
_QUAL = (r"(?i:(?:(?:just |well )?(?:over|under)|more than|less than|fewer than|at least|around|about another|about|"
         r"almost|nearly|up to|some|another|top|between)\s+)")
_MONEY = r"£\s?\d(?:[\d,]*\d)?(?:\.\d+)?(?:\s?(?i:m|bn|k|million|billion)\b)?"  # "£4M" as "£4m"
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_COUNT_NOUN = (r"(?:(?!(?:of|and|in|to|the|a|an|for|by|with|on|at|from|that|which|who|is|are|was|were)\b)"
               r"[A-Za-z][\w-]*\s+){0,3}?(?:[a-z][\w-]*s|mile|miles|km|people|staff)\b")
_FIGURE = re.compile(  # every figure starts a word: the look-behind fails fast inside words (linear, and quick)
    rf"(?<![\w£.,])(?:\b(?i:every|each)\s+{_MONEY}[^.;£]{{0,60}}?\s(?i:generates?|returns?|creates?|brings?"
    rf"|produces?|delivers?|yields?|is worth|means?)\s+(?:(?i:a further|an extra|another)\s+)?{_QUAL}?{_MONEY}"
    rf"|{_QUAL}?{_MONEY}(?:(?:\s+and\s+|\s*[-–]\s*){_MONEY})?"
    rf"(?:[^.;£]{{0,40}}?(?:for every|per|to every|of every)\s+{_MONEY})?"
    rf"|{_QUAL}?(?:from\s+)?\b\d[\d,]*(?:\.\d+)?\s?(?:%|per ?cent)(?:\s+to\s+\d[\d,]*(?:\.\d+)?\s?(?:%|per ?cent))?"
    rf"|{_QUAL}?\b{_NUM_WORD}\s+per ?cent"
    rf"|\b(?:\d{{1,2}}\s+{_MONTH}(?:,?\s+\d{{4}})?|{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|{_MONTH}\s+\d{{4}})\b"
    rf"|(?:(?:since|early|late|mid|in|by)[- ])?\b(?:19|20)\d\d(?:[-/–](?:19|20)?\d\d)?s?\b(?:\s+financial year)?"
    rf"|{_QUAL}?\b\d[\d,]*(?:\.\d+)?\s+(?:of the\s+\d[\d,]*\s+)?{_COUNT_NOUN}(?:\s+and\s+{_MONEY}(?:\s+GVA)?)?"
    rf"|{_QUAL}?\b{_NUM_WORD}\s+(?:new\s+)?{_COUNT_NOUN}"
    rf"|\b{_NUM_WORD}\s+(?:year|years|months?)\s+on\b)"
)
_LEAD_WORDS = {"across", "in", "from", "for", "with", "by", "at", "on", "to", "of", "and", "but", "as", "after",
               "before", "since", "through", "under", "over", "when", "while", "where", "both", "its", "their"}
# what the text says is no organisation: "The Hive, a business support programme it leads …"
_NOT_ORG_APPOSITIVE = re.compile(
    rf"{_START}(?P<name>{_SHORT_NAME}),\s+(?:a|an|the)\s+{_DESCRIBED}(?i:programme|program|scheme|initiative"
    rf"|podcast|report|strategy|campaign|festival|event|website|blog){_TYPE_END}")
# the owner of a named programme: "Power to Change’s Bright Ideas Programme"
_PROGRAMME_OWNER = re.compile(rf"{_START}(?P<name>{_SHORT_NAME})(?<=[’']s)\s+(?:{_CAPWORD}\s+){{0,6}}"
                              r"(?:Programme|Program|Initiative|Scheme|Fund)\b")
_NOT_NAMES = _SENTENCE_STARTERS | _LEAD_WORDS | {"he", "she", "which", "that", "what", "its", "his", "her", "each"}
_CASE_HEADING = re.compile(r"\bcase[- ]stud(?:y|ies)\b", re.I)
_EN_COMMON = frozenset(
    ["the", "and", "of", "to", "in", "a", "is", "that", "for", "it", "with", "as", "was", "on", "by", "are", "this",
     "be", "from", "at", "or", "an", "which", "have", "has", "not", "their", "its", "were", "they", "we", "our"])
_WORD = re.compile(r"[a-z]+")
_PROSE_WORD = re.compile(r"(?<![\w./@-])[a-z]+(?![\w/@-]|\.\w)")  # a word, not part of an address or a name
ENGLISH_SHARE = 0.12  # English prose has a quarter or more of these words; other languages a few per cent
CASE_MAX_CHARS = 20_000  # an unmarked document longer than this is a report, not one case study
SUMMARY_CHARS = 320
ENTITY_ITEMS = ("Organisation", "Place", "Programme", "Evidence", "Figure", "CaseStudy", "Person")  # found, not read
FIGURE_CLASSES = ("Evidence", "Figure")


_ARTICLE = re.compile(r"^(?:The|the|A|An)\s+")
_POSSESSIVE_END = re.compile(r"[’']s$")
_POSSESSIVE = re.compile(r"[’']s\s+(?=[A-Z])")
_LEAD = re.compile(r"(\S+)\s+")
_AND = re.compile(r"\s+and\s+(?:[Tt]he\s+)?")
_LAST_WORD = re.compile(r"(\S+)\s*$")


def _clean_name(name: str) -> str:
    name = _ARTICLE.sub("", name.strip())
    name = _POSSESSIVE_END.sub("", name.strip(" .,;:’'"))
    return name.strip(" .,;:’'")


def _org_parts(run: str) -> list[tuple[int, str]]:
    """A capitalised run cut into the organisations it names: at a possessive after an organisation word, at
    an 'and' after one ("Plunkett Foundation and Gwynedd Council"), without a leading function word."""
    out = []
    for off, part in _split_possessive(run):
        lead = _LEAD.match(part)
        if lead and lead.group(1).lower() in _LEAD_WORDS:  # "Across the UK" at a sentence start
            off, part = off + lead.end(), part[lead.end():]
            part2 = _ARTICLE.sub("", part)
            off, part = off + len(part) - len(part2), part2
        pos = 0
        for m in _AND.finditer(part):
            left = part[pos : m.start()]
            if left.split() and left.split()[-1].lower() in ORG_SUFFIXES | WEAK_SUFFIXES and len(left.split()) >= 2:
                out.append((off + pos, left))
                pos = m.end()
        out.append((off + pos, part[pos:]))
    return out


def _split_possessive(run: str) -> list[tuple[int, str]]:
    """'Halifax Opportunities Trust’s Jubilee Children’s Centre' -> both names with their offsets."""
    out, pos = [], 0
    for m in _POSSESSIVE.finditer(run):
        before = run[pos : m.start()]
        last = before.rsplit(None, 1)[-1].lower() if before.strip() else ""
        if last in ORG_SUFFIXES:  # "X Trust’s Y Centre"
            out.append((pos, before))
            pos = m.end()
    out.append((pos, run[pos:]))
    return out


def _publisher_names(publisher: str) -> list[str]:
    """ "CLES (Centre for Local Economic Strategies)" -> both names; a name must hold a capital letter."""
    m = re.fullmatch(r"\s*(?P<a>[^()]+?)\s*\((?P<b>[^()]+)\)\s*", publisher)
    names = [m["a"], m["b"]] if m else [publisher.strip()]
    return [_ARTICLE.sub("", n).strip() for n in names if len(n.strip()) >= 2 and re.search(r"[A-Z]", n)]


def _common_phrase(found: _Found, words: list[str]) -> bool:
    """Every word (joining words aside) is one the document also writes in lower case: a phrase, not a name.
    A word in capitals is an acronym ("HELP Enterprise"), so never a phrase's."""
    return all(w.lower() in found.lower_words and not w.isupper() for w in words
               if w.lower() not in ("of", "for", "to", "and", "the"))


def _word_before(text: str, pos: int) -> str:
    """The word just before ``pos`` (looks back a bounded distance, so a long text costs nothing extra)."""
    m = _LAST_WORD.search(text[max(0, pos - 60) : pos])
    return m.group(1) if m else ""


class _Found:
    """Entities found in one document, keyed by (class, normalised name)."""

    def __init__(self, ex: Extraction):
        self.ex = ex
        self.items: dict[tuple[str, str], Item] = {}
        self.aliases: dict[str, str] = {}  # acronym -> full name key
        self.not_orgs: set[str] = set()  # names the text says are a programme, a report …
        self._spans: dict[int, set[tuple[int, int]]] = {}  # id(item) -> its (start, end), for O(1) de-dup
        self._rels: dict[int, set[tuple[str, int]]] = {}  # id(context) -> (predicate, id(object))

    @cached_property
    def publishers(self) -> list[re.Pattern]:
        """The front matter's (or corpus.yaml's) publisher, and each name of "Locality (My Community)", as
        patterns that find the name written whole in the text: not inside a longer name ("& Locality Rural …")."""
        out = []
        for name in _publisher_names(str(self.ex.doc.meta.get("publisher") or "")):
            out.append(re.compile(rf"(?<![\w’'&.-]){re.escape(name)}(?![\w&-])(?!\s+(?:{_CONNECT}\s+)?[A-Z])"))
        return out

    @cached_property
    def lower_words(self) -> frozenset[str]:
        """Every word the document's body writes in lower case, outside web addresses (read once): "reading"
        makes "Reading" a word, not a town; "co-operatives.uk" says nothing about "the UK"."""
        return frozenset(_PROSE_WORD.findall(self.ex.doc.text, self.ex.doc.body_start))

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
            self._spans[id(item)] = {(start, end)}
        elif (start, end) not in self._spans[id(item)]:
            self._spans[id(item)].add((start, end))
            item.spans.append(sp)
        if alias and alias not in item.alt_labels:
            item.alt_labels.append(alias)
            self.aliases[alias.lower()] = key[1]
        if context is not None and pred:
            self.relate(context, pred, item)
        return item

    def relate(self, context: Item, pred: str, item: Item) -> None:
        rels = self._rels.get(id(context))
        if rels is None:  # built once per context (setdefault would rebuild it at every call: quadratic)
            rels = self._rels[id(context)] = {(p, id(o)) for p, o in context.relations}
        if (pred, id(item)) not in rels:
            rels.add((pred, id(item)))
            context.relations.append((pred, item))


def english_share(text: str) -> float:
    """The share of a text's words (its first 20,000 characters) that are common English function words."""
    words = _WORD.findall(text[:20_000].lower())
    return sum(w in _EN_COMMON for w in words) / len(words) if len(words) >= 30 else 1.0


def find_entities(ex: Extraction) -> list[Item]:
    """Add organisations, places, programmes, people, evidence and case studies to ``ex``; return the new items.

    The rules read English; a document in another language keeps its passages and says so in a warning."""
    text = ex.doc.text
    share = english_share(text[ex.doc.body_start :])
    if share < ENGLISH_SHARE:
        ex.warnings.append(
            f"{ex.doc.path}: does not read as English ({share:.0%} common English words); kept as passages, "
            "no case study, organisations, places or figures extracted")
        return []
    found = _Found(ex)
    new: list[Item] = []
    per_item: list[tuple[Item, list[Item]]] = []  # each source item with the evidence found in it
    for item in list(ex.items):
        if item.cls in ENTITY_ITEMS:
            continue
        sp = item.spans[0]
        section = (sp.section, sp.section_start)
        region = text[sp.start : sp.end]
        base = sp.start
        orgs = _organisations(found, region, base, section, item)
        _places(found, region, base, section, item, {o.label.lower() for o in orgs})
        for pat in _PROGRAMME:
            for m in pat.finditer(region):
                for g in ("name", "name2"):
                    if m.groupdict().get(g):
                        cut = max(m[g].rfind("’s "), m[g].rfind("'s "))  # "Power to Change’s Bright Ideas …"
                        a = m.start(g) + (cut + 3 if cut >= 0 else 0)
                        found.add("Programme", region[a : m.end(g)], base + a, base + m.end(g), section, item,
                                  "mentions")
        evidence = _evidence(ex, item, text, sp, section)
        per_item.append((item, evidence))
        new.extend(evidence)
    _title_business(found, ex, text, [it for it, _ in per_item])
    _drop_not_orgs(found, ex)
    _drop_venue_places(found, ex)
    _short_forms(found, ex, text)
    _merge_variants(found, ex)
    _people(found, ex, text)
    new.extend(found.items.values())
    ex.items.extend(new)
    cases = case_studies(ex, per_item)
    ex.items.extend(cases)
    return new + cases


# a title that is a business's name: "Hollybrook Community Shop", "The Packhorse Inn"; a first word that names no one
# ("Community Shop", "Village Pub") is a kind of business, not a name
_TITLE_BUSINESS = re.compile(rf"(?:The\s+)?(?P<name>(?:{_CAPWORD}\s+){{1,4}}(?:{_BUSINESS_WORDS}))")
_GENERIC_FIRST = {"community", "village", "local", "our", "new", "rural", "town", "city", "the", "a", "your", "my"}


def _title_business(found: _Found, ex: Extraction, text: str, items: list[Item]) -> None:
    """A document titled with a business's name names that business: the title says what it is (a shop, a pub,
    a mill) as a sentence would ("Heron Mill supplies …"). Found where the title is written in the body (a plain
    text file's first line, a Markdown heading), and tied to the first passage from there on."""
    m = _TITLE_BUSINESS.fullmatch(" ".join(ex.doc.title.split()))
    if m is None or m["name"].split()[0].lower() in _GENERIC_FIRST or is_place(m["name"]):
        return
    at = text.find(m["name"], ex.doc.body_start)
    item = next((it for it in items if it.spans and it.spans[0].end > at), None) if at >= 0 else None
    if item is not None:
        sp = item.spans[0]
        found.add("Organisation", m["name"], at, at + len(m["name"]), (sp.section, sp.section_start), item,
                  "mentions")


def _organisations(found: _Found, region: str, base: int, section, item: Item) -> list[Item]:
    orgs: list[Item] = []
    for m in _NOT_ORG_APPOSITIVE.finditer(region):
        found.not_orgs.add(_clean_name(m["name"]).lower())
    for m in _ACRONYM_DEF.finditer(region):
        name = m["name"]
        cut = re.search(rf"\b(?:by|with|and|the)\s+(?:the\s+)?(?={_CAPWORD})", name)
        offset = cut.end() if cut and cut.end() < len(name) else 0
        words = _clean_name(name[offset:]).split()
        if not any(w.lower() in ORG_SUFFIXES for w in words) and _common_phrase(found, words):
            continue  # "Community Wealth Building (CWB)" where the text also writes "community wealth building"
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
            names = [(m.start("name"), m["name"])]
            if m.groupdict().get("more"):
                names += [(m.start("more") + n.start("name"), n["name"]) for n in _CUE_MORE.finditer(m["more"])]
            for start, run in names:
                name = _clean_name(run)
                if is_place(name) or name.lower() in NOT_PLACES:
                    continue  # "supported by Leeds": a place, not an organisation
                for off, part in _org_parts(run):
                    s = base + start + off
                    orgs.append(found.add("Organisation", part, s, s + len(part), section, item, "mentions"))
    orgs += _described(found, region, base, section, item) + _publisher_mentions(found, region, base, section, item)
    m = _ATTRIBUTION.search(region)
    if m:
        orgs.append(
            found.add(
                "Organisation", m["name"], base + m.start("name"), base + m.end("name"), section, item, "attributedTo"
            )
        )
    roles = {r.start("role"): r.start("org") for r in _PERSON_ROLE.finditer(region)}
    for m in _CAPRUN.finditer(region):
        for off, part in _org_parts(m.group(0)):
            if roles.get(m.start() + off, -1) > m.start() + off:  # "Ed Mayo, Secretary General of Co-operatives UK"
                cut = roles[m.start() + off] - m.start() - off
                off, part = off + cut, part[cut:]
            part = _POSSESSIVE_END.sub("", part)
            words = part.split()
            last = words[-1].lower().strip(".,") if words else ""
            s = base + m.start() + off
            typed = len(words) >= 2 and (last in ORG_SUFFIXES - WEAK_SUFFIXES or words[0] == "NHS"
                                         or last in WEAK_SUFFIXES and not _common_phrase(found, words[:-1])
                                         and not _QUALIFIES.match(region, m.start() + off + len(part)))
            known = part.lower() in found.aliases or ("Organisation", part.lower()) in found.items
            if typed or known or place_building(words, where=False):
                orgs.append(found.add("Organisation", part, s, s + len(part), section, item, "mentions"))
    return list({id(o): o for o in orgs}.values())


def _described(found: _Found, region: str, base: int, section, item: Item) -> list[Item]:
    """Names the text says are an organisation: "the Sportsman, a pub", "a new co-op, Choices4Doncaster.",
    "the charity Vital Regeneration", "X is a co-operative", "Power to Change’s Bright Ideas Programme"."""
    orgs = []
    for pat, which in ((_ORG_APPOSITIVE, -1), (_ORG_NAMED_AFTER, 0), (_ORG_DESCRIPTOR, 0), (_ORG_COPULA, None),
                       (_PROGRAMME_OWNER, -1), (_ORG_DOES, -1)):
        for m in pat.finditer(region):
            g = "name" if m.groupdict().get("name") else "name2"  # _ORG_DOES names it before or after the verb
            parts = _org_parts(m[g])
            if which == -1:  # one thing is said to be "a pub": the name after the run's last 'and'
                off, part = parts[-1]
                cut = [x.end() for x in _AND.finditer(part)]
                parts[-1] = (off + cut[-1], part[cut[-1]:]) if cut else parts[-1]
            for off, part in parts if which is None else [parts[which]]:
                part = _POSSESSIVE_END.sub("", part)
                name = _clean_name(part)
                venue = _VENUE_TYPE.search(m.group(0)) is not None  # "a pub, the Six Bells": a pub, not a place
                if not name or name.lower() in _NOT_NAMES or is_place(name) and not venue \
                        or name.lower() in NOT_PLACES \
                        or _word_before(region, m.start(g) + off).lower().strip(".") in _TITLES:
                    continue
                s = base + m.start(g) + off
                orgs.append(found.add("Organisation", part, s, s + len(part), section, item, "mentions"))
    return orgs


def _publisher_mentions(found: _Found, region: str, base: int, section, item: Item) -> list[Item]:
    """The document's publisher wherever the text names it whole."""
    orgs = []
    for pat in found.publishers:
        for m in pat.finditer(region):
            before = _word_before(region, m.start())
            if before == "&" or before[:1].isupper() and before[-1:].isalnum() \
                    and before.lower() not in _LEAD_WORDS | _SENTENCE_STARTERS:
                continue  # "Hinton St George & Locality Rural …": inside a longer name
            orgs.append(found.add("Organisation", m.group(0), base + m.start(), base + m.end(), section, item,
                                  "mentions"))
    return orgs


def _drop_not_orgs(found: _Found, ex: Extraction) -> None:
    """An organisation the text itself calls a programme, a report … ("The Hive, a business support programme")
    is none: it leaves the organisations and every relation to it."""
    gone = {id(found.items.pop(("Organisation", n))) for n in found.not_orgs if ("Organisation", n) in found.items}
    if gone:
        for it in ex.items:
            it.relations[:] = [(p, o) for p, o in it.relations if id(o) not in gone]


def _drop_venue_places(found: _Found, ex: Extraction) -> None:
    """A name the text calls a pub, a shop … is that organisation all through the document, never a place."""
    gone = {id(found.items.pop(k)) for k in [k for k in found.items if k[0] == "Place"]
            if ("Organisation", k[1]) in found.items or k[1] in found.aliases}
    if gone:
        for it in ex.items:
            it.relations[:] = [(p, o) for p, o in it.relations if id(o) not in gone]


def _short_forms(found: _Found, ex: Extraction, text: str) -> None:
    """ "Calder Grocery raised …" after "Calder Grocery Co-operative": a run of two or more capitalised words that
    begins a found organisation's name, and is no place, is a mention of that organisation (a second, linear pass)."""
    orgs = [it for (cls, _), it in found.items.items() if cls == "Organisation" and len(it.label.split()) >= 3]
    if not orgs:
        return
    heads = _prefix_index(orgs, lambda words: range(2, len(words) + 1))
    for item in list(ex.items):
        if item.cls in ENTITY_ITEMS:
            continue
        sp = item.spans[0]
        region = text[sp.start : sp.end]
        for m in _CAPRUN.finditer(region):
            run = _clean_name(m.group(0))
            words = run.lower().split()
            if len(words) < 2 or ("Organisation", run.lower()) in found.items or is_place(run) \
                    or ("Place", run.lower()) in found.items:
                continue
            cands = _starting(heads, words)
            if len(cands) == 1:
                o = cands[0]
                if run not in o.alt_labels:
                    o.alt_labels.append(run)
                s = sp.start + m.start()
                found.add("Organisation", o.label, s, s + len(m.group(0)), (sp.section, sp.section_start), item,
                          "mentions")


def _merge_variants(found: _Found, ex: Extraction) -> None:
    """One organisation per thing: "Hollin Bank" is "Hollin Bank Community Co-operative" when the document
    names both (the short name's words begin the long name and the rest are organisation words)."""
    orgs = [it for (cls, _), it in found.items.items() if cls == "Organisation"]
    longer = _prefix_index(orgs, _proper_prefixes)
    into: dict[int, Item] = {}
    for o in orgs:
        names = _starting(longer, o.label.lower().split())
        if len(names) == 1 and not is_place(o.label):
            into[id(o)] = names[0]
    if not into:
        return
    for o in orgs:
        target = into.get(id(o))
        if target is None:
            continue
        while id(target) in into:
            target = into[id(target)]
        for alt in [o.label, *o.alt_labels]:
            if alt not in target.alt_labels and alt != target.label:
                target.alt_labels.append(alt)
        target.spans.extend(o.spans)
        del found.items[("Organisation", o.label.lower())]
        into[id(o)] = target
    for it in ex.items:
        if any(id(obj) in into for _, obj in it.relations):
            rels = []
            for p, obj in it.relations:
                obj = into.get(id(obj), obj)
                if (p, obj) not in [(q, x) for q, x in rels]:
                    rels.append((p, obj))
            it.relations[:] = rels


def _prefix_index(items: list[Item], lengths) -> dict[tuple[int, int], list[Item]]:
    """(k, running hash of a name's first k words) -> the first two items whose lower-cased name begins with
    those words, for every k in ``lengths(words)``: one pass over each name's words, so many names sharing
    their first words cost no more than any others (comparing every pair of them was quadratic)."""
    index: dict[tuple[int, int], list[Item]] = {}
    for it in items:
        words = it.label.lower().split()
        ks = lengths(words)
        h = 0
        for k, w in enumerate(words, 1):
            h = hash((h, w))
            if k in ks:
                hits = index.setdefault((k, h), [])
                if len(hits) < 2:  # two are enough to know a short name is ambiguous
                    hits.append(it)
    return index


def _starting(index: dict[tuple[int, int], list[Item]], words: list[str]) -> list[Item]:
    """The (at most two) indexed items whose name begins with ``words``, each checked word by word."""
    h = 0
    for w in words:
        h = hash((h, w))
    return [it for it in index.get((len(words), h), ()) if it.label.lower().split()[: len(words)] == words]


def _proper_prefixes(words: list[str]) -> range:
    """Prefix lengths a shorter name may take: proper ones that leave no 'and'/'&' in the rest of the name."""
    joined = [k for k, w in enumerate(words) if w in ("and", "&")]
    return range(joined[-1] + 1 if joined else 1, len(words))


_STREET_WORDS = {"lane", "avenue", "way", "drive", "hill", "row", "terrace", "crescent", "close", "walk", "green"}


def place_building(words: list[str], where: bool = True) -> str:
    """The local place a building's name starts with ("Hebden Bridge" of "Hebden Bridge Town Hall"), or "": at
    most three words ("Town", "Road Methodist") between the place and the building word. As where the building
    is (``where``), none of them a street's ("Hatfield Road Methodist Church" is on a road, not in Hatfield) or
    an organisation's ("Wales Co-operative Centre" is a body, not a building in Wales). A possessive names its owner
    whole ("Hurst Green's War Memorial Hall" is not in Hurst)."""
    if len(words) < 2 or words[-1].lower().strip(".,") not in BUILDING_WORDS:
        return ""
    owner = next((k + 1 for k, w in enumerate(words[:-1]) if re.search(r"['’]s$", w)), None)
    if owner is not None and where:  # "Hurst Green's War Memorial Hall": the owner is Hurst Green whole, or none
        head = re.sub(r"['’]s$", "", " ".join(words[:owner]))
        return head if is_local_place(head) else ""
    for k in range(len(words) - 1, max(0, len(words) - 5), -1):
        head = " ".join(words[:k])
        if is_local_place(head):
            clean = not {w.lower() for w in words[k:-1]} & (VENUE_SUFFIXES | ORG_SUFFIXES | _STREET_WORDS)
            return head if clean or not where else ""
    return ""


def _place_name(name: str) -> tuple[str, bool]:
    """The place in a capitalised run and whether the run is one: "Hebden Bridge Town Hall" is a building."""
    name = _clean_name(name)
    words = name.split()
    last = words[-1].lower() if words else ""
    if not words or (last in VENUE_SUFFIXES or last in ORG_SUFFIXES) and (len(words) > 1 or not is_local_place(name)):
        return name, False  # "the Hub" is a building; "the UK" is a place
    return name, True


def _places(found: _Found, region: str, base: int, section, item: Item, org_names: set[str]) -> list[Item]:
    """Places: a list after "hubs in", a name after a locative word that the gazetteer holds (or that ends
    in a geographic word), or a name the text calls a village, town, county … ("the village of X")."""
    places: list[Item] = []

    def add(name: str, s: int, e: int) -> None:
        places.append(found.add("Place", name, base + s, base + e, section, item, "mentions"))

    for m in _PLACE_LIST.finditer(region):
        lst = m["list"]
        for pm in re.finditer(_CAPWORD, lst):
            if pm.group(0).lower() in _SENTENCE_STARTERS:
                break  # "… and Hartlepool. The research …": the list ended with the sentence
            if is_place(pm.group(0)) or not _gaz():
                add(pm.group(0), m.start("list") + pm.start(), m.start("list") + pm.end())
    for strong, pat in ((True, _PLACE_OF), (False, _IN_PLACE)):
        for m in pat.finditer(region):
            name, ok = _place_name(m["name"])
            low = name.lower()
            if not ok or low in NOT_PLACES or low in org_names or len(name) < 3:
                continue
            if ("Organisation", low) in found.items or low in found.aliases:
                continue
            before = _word_before(region, m.start()).strip("'‘’\"“(,")
            if not strong and before[:1].isupper() and before.lower() not in ORG_SUFFIXES and not is_place(name):
                continue  # "Innovation in Business": the 'in' is inside a name ("Royds Community Association in
                # Bradford" is not: an organisation word, then a place)
            s = m.start("name")
            if strong or ("Place", low) in found.items or low.endswith(GEO_SUFFIXES) or is_place(name):
                add(name, s, s + len(name))
                continue
            words = name.split()  # "Leeds Community Centre" was refused above; "Nefyn Gwynedd" -> its first place
            for k in range(len(words) - 1, 0, -1):
                head = " ".join(words[:k])
                if is_place(head):
                    add(head, s, s + len(head))
                    break
    for m in _PLACE_COMMA.finditer(region):  # "Nefyn, Gwynedd": a known place, then the area it is in
        a, b = _clean_name(m["a"]), _clean_name(m["b"])
        known = ("Place", a.lower()) in found.items or is_place(a)
        if known and (is_place(b) or b.lower().endswith(GEO_SUFFIXES)):
                add(b, m.start("b"), m.start("b") + len(b))
    for m in _PLACE_SERIES.finditer(region):  # "in Lozells, Sparkhill and Small Heath, Birmingham"
        if not is_place(_clean_name(m["area"])):
            continue
        pos = m.start("list")
        for part in _SERIES_SEP.split(m["list"]):
            s = region.index(part, pos)
            pos = s + len(part)
            name, ok = _place_name(part)
            low = name.lower()
            if ok and len(name) >= 3 and low not in NOT_PLACES and low not in org_names \
                    and ("Organisation", low) not in found.items and low not in found.aliases:
                add(name, s, s + len(name))
    for m in _CAPRUN.finditer(region):  # a British or Irish place wherever it is written, not only after "in"
        for off, part in _place_parts(m.group(0)):
            name, ok = _place_name(part)
            if not ok and (head := place_building(name.split())):
                name, ok = head, True  # the place a building's name starts with ("Hebden Bridge Town Hall")
            low = name.lower()
            if not ok or low in NOT_PLACES or low in org_names or ("Organisation", low) in found.items \
                    or low in found.aliases or not is_local_place(name):
                continue
            s = m.start() + off + part.find(name)
            if _word_before(region, s).lower().strip(".") in _TITLES:
                continue  # "Mr Preston": a person
            if " " not in name and (low in found.lower_words or low in STOPWORDS):
                continue  # "Reading" where the document also writes "reading"; "Over the same period"
            add(name, s, s + len(name))
    return list({id(p): p for p in places}.values())


def _place_parts(run: str) -> list[tuple[int, str]]:
    """The places a capitalised run may name: the whole run, or else each side of its 'and'/'&'
    ("Oxfordshire and Wiltshire"), without a leading function word ("Across the UK")."""
    parts = [(0, run)]
    if not is_place(_clean_name(run)):
        parts, pos = [], 0
        for m in re.finditer(r"\s+(?:and|&)\s+", run):
            parts.append((pos, run[pos : m.start()]))
            pos = m.end()
        parts.append((pos, run[pos:]))
    out = []
    for off, part in parts:
        lead = _LEAD.match(part)
        if lead and lead.group(1).lower() in _LEAD_WORDS | _SENTENCE_STARTERS:
            cut = lead.end() + len(part[lead.end():]) - len(_ARTICLE.sub("", part[lead.end():]))
            off, part = off + cut, part[cut:]
        if part:
            out.append((off, part))
    return out


def _gaz() -> bool:
    from ingest.gazetteer import available

    return available()


def _people(found: _Found, ex: Extraction, text: str) -> None:
    """People (``ingest.people``), once every organisation of the document is known: each a Person with the
    role as written (an alternative label, "Vice-Chairman of HRCS"), the words that say who they are as its
    text, and ep:affiliatedWith the organisation the text gives them; "Ms Davies" later is the same person."""
    starts = [a for a, _ in sentences(text)]  # the document's: "its" may look back across a paragraph
    for item in list(ex.items):
        if item.cls in ENTITY_ITEMS:
            continue
        sp = item.spans[0]
        section = (sp.section, sp.section_start)
        region = text[sp.start : sp.end]
        for m in people.mentions(region):
            name = people.strip_title(m.name)
            if not _a_person(found, name, m.strong):
                continue
            p = found.add("Person", name, sp.start + m.start, sp.start + m.end, section, item, "mentions")
            at = bisect_right(starts, sp.start + m.start) - 1  # the person's sentence; "its" reads back one more
            org = _org_named(found, m, sp.start, section, item, since=starts[at - 1] if at > 0 else 0)
            in_role = org is None and not m.org and m.role and _org_in_role(found, m.role)
            if in_role:
                org = in_role
            elif org is None and not m.org and (people.COUNCILLOR.match(m.name) or _COUNCIL_ROLE.search(m.role)):
                org = _council(found, sp.start + m.start)
            elif org is None and not m.org and _INSIDE_ROLE.search(m.role) and not _NOT_INSIDE.search(m.role) \
                    and not _OF_UNREAD.search(m.phrase):
                org = _own_org(found, m.role)
            if m.role:
                of = _clean_name(m.org) if m.org else org.label if org is not None else ""
                if in_role or not m.org and set(m.role.lower().split()) & set(of.lower().split()):
                    of = ""  # "HHC Managing Director", "Society chair": the role already says whose
                role = collapse(f"{m.role} of {of}") if of else m.role
                if role not in p.alt_labels:
                    p.alt_labels.append(role)
            if m.strong and p.text == p.label:  # "Tom Ellery, chair of" where the rest was not read: "…, chair"
                p.text = _OF_UNREAD.sub("", m.phrase)
            if org is not None:
                found.relate(p, "affiliatedWith", org)
        for m in people.SHORT.finditer(region):  # "Ms Davies": the one person of that surname
            same = [it for (cls, _), it in found.items.items() if cls == "Person"
                    and it.label.split()[-1] == m["last"]]
            if len(same) == 1:
                short = m.group(0)
                found.add("Person", same[0].label, sp.start + m.start(), sp.start + m.end(), section, item,
                          "mentions")
                if short not in same[0].alt_labels:
                    same[0].alt_labels.append(short)


def _a_person(found: _Found, name: str, strong: bool) -> bool:
    """A name that is no organisation, place, programme or phrase the text writes in lower case."""
    words = name.split()
    low = name.lower()
    if len(words) < 2 or any(w.lower() in ORG_SUFFIXES | VENUE_SUFFIXES for w in words):
        return False
    if words[0].lower() in _NOT_NAMES | NOT_PLACES | _SENTENCE_STARTERS or is_place(name):
        return False
    if any((c, low) in found.items for c in ("Organisation", "Place", "Programme")) or low in found.aliases:
        return False
    return strong or not (is_place(words[0]) or words[0].lower() in found.lower_words)


_OWNER_WORDS = {"board", "trustees", "directors", "governors", "team", "staff", "committee"}
# roles held inside the organisation a story is about ("Chief Executive Tom Druitt", "Peter Goldsworthy, chairman of
# the management committee"); a minister, councillor, journalist or adviser is someone else's
_INSIDE_ROLE = re.compile(
    r"(?i)\b(?:chair(?:man|woman|person)?|president|director|secretary|treasurer|trustee|founder|manager|ceo"
    r"|chief executive|head|leader|co-?ordinator|convenor|convener|owner|landlord|landlady|licensee|volunteer"
    r"|worker|employee|spokes(?:person|man|woman)|organiser|organizer|shareholder|baker|chef|caretaker|member"
    r"|officer)s?$")
_NOT_INSIDE = re.compile(r"(?i)\b(?:minister|secretary of state|mp|msp|mep|mla|mayor|councillor|council|cabinet|editor"
                         r"|journalist)\b")
_OF_UNREAD = re.compile(r"\s(?:of|at|for)$")  # "a member of …" whose organisation was not read: not a guess's


_COUNCIL_ROLE = re.compile(r"(?i)\bcouncil(?:lor)?\b")


def _council(found: _Found, here: int) -> Item | None:
    """A councillor's council ("Cllr Jo Rayner, council cabinet member"): the council named last before them,
    else the document's one council; none when it names none, or several and none before."""
    councils = [o for (cls, _), o in found.items.items() if cls == "Organisation"
                and o.label.split()[-1].lower() in ("council", "councils")]
    return _named_last(councils, here) or (councils[0] if len(councils) == 1 else None)


def _org_in_role(found: _Found, role: str) -> Item | None:
    """An organisation a role's own words name: "Participate chief executive", "HHC Managing Director"."""
    words = role.split()
    for n in range(len(words) - 1, 0, -1):
        name = " ".join(words[:n])
        if not name[:1].isupper():
            continue
        low = name.lower()
        key = found.aliases.get(low, low)
        if ("Organisation", key) in found.items:
            return found.items[("Organisation", key)]
    return None


# a fund, a government, a council or a lender in a story's title paid for or backed what it tells; it is not the
# organisation whose director or chair the story quotes
_FUNDERS = {"fund", "funds", "government", "council", "foundation", "lottery", "department", "commission", "agency",
            "bank", "executive", "assembly", "parliament"}


def _own_org(found: _Found, role: str) -> Item | None:
    """The organisation a document is about, for a role it gives with none ("Director Kate Smith"): the one its
    title names first (the subject, as titles run; a trust first for "Trust chair"); none when the title names
    none (the most-named is as often a funder or the paper that ran the story)."""
    title = found.ex.doc.title.lower()
    titled = [it for (cls, _), it in found.items.items() if cls == "Organisation" and it.label.lower() in title
              and it.label.split()[-1].lower() not in _FUNDERS]
    said = {w.lower() for w in role.split()}  # "Trust chair": of the ones the title names, a trust
    return min(titled, key=lambda o: (not said & {w.lower() for w in o.label.split()}, title.find(o.label.lower()),
                                      -len(o.label))) if titled else None


def _org_named(found: _Found, m, base: int, section, item: Item, since: int = 0) -> Item | None:
    """The organisation a person's words give: a found one by name or short name; a capitalised name the text
    gives as theirs ("Hexham Bakery’s general manager"), made an organisation; "the library" or "the
    co-operative" when exactly one organisation of the document has that word in its name; for "its" or
    "their", the one named last since ``since``."""
    if not m.org:
        if not m.of_named_before:
            return None
        # "Its coordinator, X": the organisation named last before the person, as a reader takes "its", in the
        # person's sentence or the one before (further back, "its" is as likely another's)
        return _named_last([o for (cls, _), o in found.items.items() if cls == "Organisation"], base + m.start, since)
    name = _clean_name(m.org)
    if name[:1].isupper():
        name = re.sub(r"(?:\s+[a-z][\w-]*)+$", "", name)  # "the Six Bells society": the Six Bells
    low = name.lower()
    key = found.aliases.get(low, low)
    if ("Organisation", key) in found.items:
        return found.items[("Organisation", key)]
    orgs = [it for (cls, _), it in found.items.items() if cls == "Organisation"]
    for o in orgs:
        if low in (a.lower() for a in o.alt_labels):
            return o
    if name[:1].isupper():
        if is_place(name) or low in NOT_PLACES or ("Place", low) in found.items:
            return None
        s = base + m.org_start + m.org.find(name)
        return found.add("Organisation", name, s, s + len(name), section, item, "mentions")
    nouns = [w for w in re.findall(r"[a-z][\w-]*", low.replace("’s", "").replace("'s", ""))
             if w not in _OWNER_WORDS and w not in STOPWORDS]
    if not nouns:
        return None
    hits = [o for o in orgs if nouns[0] in [w.lower() for w in re.findall(r"[\w-]+", o.label)]]
    if not hits and re.fullmatch(rf"(?i:{_ORG_TYPES})", nouns[0]) and orgs:
        # "the co-operative’s board", "who chairs the business" where no name says so: the case's own
        # organisation: the one the title names, else the one the text names most often (the first of those)
        title = found.ex.doc.title.lower()
        return min(orgs, key=lambda o: (o.label.lower() not in title, -len(o.spans), min(s.start for s in o.spans)))
    # "the library": the one named last before these words, as a reader takes it
    return _named_last(hits, base + m.org_start)


def _named_last(orgs: list[Item], here: int, since: int = 0) -> Item | None:
    """Of ``orgs``, the one named last between ``since`` and ``here``: whom "the library" or "its" means."""
    before = [(max(s.start for s in o.spans if since <= s.start < here), id(o), o) for o in orgs
              if any(since <= s.start < here for s in o.spans)]
    return max(before)[2] if before else None


def _evidence(ex: Extraction, item: Item, text: str, sp: Span, section) -> list[Item]:
    """One node per figure, its text the whole sentence it stands in (the claim it supports): an Evidence when
    the figure is a result (money, a share, a ratio, a count of people or things), else a Figure (a date, a
    duration, a distance, a price, a count of meetings): kept, never evidence (``ingest.figures``)."""
    out = []
    for s, e in sentences(text, sp.start, sp.end):
        sentence = text[s:e]
        claim = ""
        for f in _FIGURE.finditer(sentence):
            if f.start() and sentence[f.start() - 1] == "-":
                continue  # "one-to-one support": part of a word, no figure
            figure = collapse(f.group(0)).rstrip(",.;")
            claim = claim or collapse(sentence)
            kind = figure_kind(sentence, f.start(), f.end())
            cls = "Evidence" if is_evidence(kind) else "Figure"
            ev = Item(cls, figure, claim, [Span(ex.doc.doc_id, s, e, section[0], section[1])], figure=figure,
                      figure_kind=kind)
            item.relations.append(("hasEvidence" if cls == "Evidence" else "mentions", ev))
            out.append(ev)
    return out


# ------------------------------------------------------------------ case studies


def _is_case_heading(text: str) -> bool:
    return bool(_CASE_HEADING.search(text))


def reads_as_case(ex: Extraction, orgs: int, places: int, figures: int) -> bool:
    """The rule for an unmarked document: no model structure, at most CASE_MAX_CHARS long, and it names an
    organisation and a place and gives at least two figures (someone, somewhere, doing things with results)."""
    if ex.doc.kind in ("model", "case-study") or len(ex.doc.text) - ex.doc.body_start > CASE_MAX_CHARS:
        return False
    if any(it.stage for it in ex.items):
        return False
    return orgs >= 1 and places >= 1 and figures >= 2


def case_studies(ex: Extraction, per_item: list[tuple[Item, list[Item]]]) -> list[Item]:
    """The document's case studies, each one CaseStudy with its organisations, places, people and figures.

    * A section under a heading that says "Case study" is one (in any document).
    * A ``kind: case-study`` document whose announced list holds several worked examples (seed 004)
      gives one per example; otherwise the whole document is one.
    * An unmarked document that reads as one (``reads_as_case``) is one.
    A case that names no organisation, place or figure is still made; ``ex.warnings`` says what is missing.
    """
    text = ex.doc.text
    regions: list[tuple[int, int, str, Item | None]] = []  # (start, end, title, the list item it comes from)
    heads = [b for b in ex.blocks if b.kind == "heading"]
    for i, b in enumerate(heads):
        if _is_case_heading(b.text):
            end = next((h.start for h in heads[i + 1 :] if (h.level or 1) <= (b.level or 1)), len(text))
            title = re.sub(r"^\s*case[- ]stud(?:y|ies)\s*[:–—-]?\s*", "", b.text, flags=re.I) or b.text
            regions.append((b.end, end, title, None))
    covered = [(a, z) for a, z, _, _ in regions]

    def inside(it: Item, a: int, z: int) -> bool:
        return any(a <= s.start and s.end <= z for s in it.spans)

    def outside_regions(it: Item) -> bool:
        return not any(inside(it, a, z) for a, z in covered)

    examples = [(it, ev) for it, ev in per_item if it.cls == "Insight" and outside_regions(it)
                and any(o.cls in ("Organisation", "Place", *FIGURE_CLASSES) for _, o in it.relations)]
    body = (ex.doc.body_start, len(text))
    whole = False
    if ex.doc.kind == "case-study" and len(examples) >= 2:
        for it, _ev in examples:
            regions.append((*_example_span(text, it), "", it))
    elif not regions:
        ents = [o for it, _ in per_item for _, o in it.relations]
        n = {c: len({id(o) for o in ents if o.cls == c}) for c in ("Organisation", "Place", *FIGURE_CLASSES)}
        figures = n["Evidence"] + n["Figure"]
        whole = ex.doc.kind == "case-study" or reads_as_case(ex, n["Organisation"], n["Place"], figures)
        if whole:
            regions.append((*body, ex.doc.title, None))
    out = []
    for a, z, title, source in regions:
        out.append(_case(ex, per_item, a, z, title, source))
    return out


def _example_span(text: str, item: Item) -> tuple[int, int]:
    """A worked example inside a list item: the text after the item's own name, from the first sentence that
    names what makes it an example (an organisation, place or figure of the item). The sentences before it say
    what the item means in general ("Resilient economies display high levels of trust …"), not what the example
    did, and a case quoting them shows nothing (a browser walk)."""
    sp = item.spans[0]
    m = re.match(r"^\s*(?:\d+[.)]\s+)?[^.–—]{3,90}?(?:\.\s+|\s+[–—-]\s+)", text[sp.start : sp.end])
    a = sp.start + m.end() if m else sp.start
    named = [s.start for _, o in item.relations if o.cls in ("Organisation", "Place", *FIGURE_CLASSES)
             for s in o.spans if a <= s.start < sp.end]
    if named:
        first = min(named)
        # a sentence that opens as an example ("E.g the public sector investing in …") is the example's already
        upto = [s for s, _ in sentences(text, a, sp.end) if s <= first]
        a = next((s for s in upto if _EXAMPLE_OPENS.match(text, s)), max(upto, default=a))
    return a, sp.end


_EXAMPLE_OPENS = re.compile(r"(?i)(?:e\.\s?g\b|for (?:example|instance)\b|such as\b|an? examples? of this\b)")


_HEADING_LINE = re.compile(r"\s*(?:#{1,6}[ \t]+[^\n]*|[^\n.!?]{1,200})\n\s*\n")


def _summary(text: str, a: int, z: int, title: str = "", named_at: int | None = None) -> str:
    """The case's first sentences, up to SUMMARY_CHARS: what a list of cases shows. A heading or title line at
    the start (a Markdown "# …", or the title written again) is not part of it: never the title twice, never
    Markdown. It runs on to the first sentence naming one of the case's organisations, places or figures
    (``named_at``) within twice that length: a summary of an example's opening alone ("E.g the public sector
    investing in …") names nobody and no figure, and a card leading with it said nothing of the case."""
    while True:
        m = _HEADING_LINE.match(text, a, z)
        line = m.group(0).strip().lstrip("#").strip() if m else ""
        if not m or not (m.group(0).lstrip().startswith("#") or collapse(line) == collapse(title)):
            break
        a = m.end()
    out, reached = "", named_at is None
    for s, e in sentences(text, a, z):
        if _HEADING_LINE.fullmatch(text, s, min(z, e + 2)) or text[s:e].lstrip().startswith("#"):
            continue  # a heading inside the case ("## What the support did") is not a sentence of its summary
        nxt = collapse(text[s:e])
        room = SUMMARY_CHARS if reached else 2 * SUMMARY_CHARS
        if out and len(out) + len(nxt) > room:
            break
        out = f"{out} {nxt}".strip()
        reached = reached or e > named_at
        if reached and len(out) >= SUMMARY_CHARS:
            break
    return out or collapse(text[a:z])[:SUMMARY_CHARS]


def _case(ex: Extraction, per_item, a: int, z: int, title: str, source: Item | None) -> Item:
    text = ex.doc.text
    a += len(text[a:z]) - len(text[a:z].lstrip())
    inside = [(it, ev) for it, ev in per_item if any(a <= s.start and s.end <= z for s in it.spans)]
    if source is not None:
        inside = [(source, next((ev for it, ev in per_item if it is source), []))]
    rel = {"Organisation": "involves", "Place": "locatedIn", "Person": "mentions", "Programme": "mentions",
           "Evidence": "hasEvidence", "Figure": "mentions"}
    found: dict[int, tuple[str, Item]] = {}
    for it, ev in inside:
        for _p, o in it.relations:
            if o.cls in rel and id(o) not in found:
                found[id(o)] = (rel[o.cls], o)
        for e in ev:
            found.setdefault(id(e), (rel[e.cls], e))
    objs = [o for _, o in found.values()]
    orgs = [o for o in objs if o.cls == "Organisation"]
    places = [o for o in objs if o.cls == "Place"]
    if not title:
        named = orgs or places
        title = " · ".join(o.label for o in named[:2]) if named else f"{source.label} (example)"
    sp = source.spans[0] if source is not None else None
    named_at = min((s.start for o in objs if o.cls in ("Organisation", "Place", *FIGURE_CLASSES) for s in o.spans
                    if a <= s.start < z), default=None)
    cs = Item("CaseStudy", collapse(title), _summary(text, a, z, collapse(title), named_at),
              [Span(ex.doc.doc_id, a, z, sp.section if sp else "", sp.section_start if sp else -1)])
    if source is not None:
        cs.relations.append(("illustrates", source))
    cs.relations.extend(found.values())
    missing = [w for w, got in (("organisation", orgs), ("place", places),
                                ("figure", [o for o in objs if o.cls in FIGURE_CLASSES])) if not got]
    if missing:
        name = textwrap.shorten(cs.label, 120, placeholder=" …")  # whole words: a cut name reads as another name
        ex.warnings.append(f"{ex.doc.path}: case study '{name}' names no {', no '.join(missing)}")
    return cs

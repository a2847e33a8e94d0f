"""Deterministic synthetic corpus for the ingest scale benchmark (1k, 10k, 100k documents).

    python -m bench.synth N OUT_DIR [--seed S] [--json]

The seed corpus has five documents; a national network adds case studies and reports by the
thousand. To see how ingest grows we need documents the *real* pipeline makes real structure of, so
every document is written in the shape of a seed document and with the writing conventions the
extractor reads (see ingest/extract.py and ingest/entities.py):

* ~85% **case studies** (like 004): an intro naming organisations ("Wigan Community Trust",
  "funded by Power to Change"), an announced numbered list ("The three practical lessons … are:")
  whose items each name an organisation, a place ("in Wigan") and a figure ("£2.43 for the local
  economy for every £1", "140 jobs") -> Insight + CaseStudy + Organisation + Place + Evidence;
* ~10% **reports** (like 002/003): numbered capitalised sections, acronyms in brackets, place lists
  ("catalyst hubs in A, B and C"), programmes, bulleted recommendations; some are plain prose with
  no recognisable structure at all -> Passage nodes;
* ~5% **local logic models** (like 000/001): stage headings, element subheadings with prose,
  "Assertions/Assumptions" and "Foundation (…)" blocks, "5a. Short term:" outcome lists. Element
  names combine a phrase with the model's place (and a number when a place comes round again), so
  the models do not all merge into the same nodes.

Everything comes from word lists in this module and ``random.Random``: document ``i`` depends only
on (seed, i), so the 1k corpus is the first thousand documents of the 10k one. ``expected`` gives
the counts the generator put in, for tests that check the pipeline finds them.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# ------------------------------------------------------------------ vocabulary

PLACES = ["Wigan", "Bradford", "Leicester", "Plymouth", "Grimsby", "Hartlepool", "Bristol", "Calderdale", "Dorset",
          "Hackney", "Shropshire", "Halifax", "Bolton", "Oldham", "Rochdale", "Barnsley", "Rotherham", "Doncaster",
          "Wakefield", "Huddersfield", "Burnley", "Blackburn", "Preston", "Blackpool", "Lancaster", "Carlisle",
          "Sunderland", "Gateshead", "Middlesbrough", "Darlington", "Durham", "Stockton", "Redcar", "Scarborough",
          "Hull", "Lincoln", "Boston", "Skegness", "Nottingham", "Derby", "Mansfield", "Chesterfield", "Sheffield",
          "Leeds", "York", "Harrogate", "Bury", "Salford", "Stockport", "Tameside", "Warrington", "Wirral",
          "Liverpool", "Birkenhead", "Chester", "Crewe", "Walsall", "Wolverhampton", "Dudley", "Sandwell", "Coventry",
          "Birmingham", "Telford", "Hereford", "Worcester", "Gloucester", "Swindon", "Bath", "Exeter", "Torbay",
          "Truro", "Penzance", "Camborne", "Redruth", "Barnstaple", "Taunton", "Yeovil", "Bournemouth", "Poole",
          "Southampton", "Portsmouth", "Brighton", "Hastings", "Eastbourne", "Margate", "Ramsgate", "Folkestone",
          "Dover", "Medway", "Luton", "Bedford", "Peterborough", "Norwich", "Ipswich", "Lowestoft", "Colchester",
          "Basildon", "Harlow", "Stevenage", "Watford", "Reading", "Slough", "Oxford", "Cambridge", "Northampton",
          "Corby", "Kettering", "Swansea", "Cardiff", "Newport", "Wrexham", "Bangor", "Merthyr", "Glasgow", "Dundee",
          "Aberdeen", "Inverness", "Paisley", "Edinburgh", "Belfast", "Derry", "Newry", "Lewisham", "Southwark",
          "Croydon", "Tottenham", "Walthamstow", "Stratford", "Kendal", "Workington", "Whitehaven", "Barrow",
          "Morecambe", "Accrington", "Nelson", "Keighley", "Dewsbury", "Batley", "Castleford", "Pontefract", "Goole",
          "Scunthorpe", "Louth", "Grantham", "Newark", "Worksop", "Ashington", "Blyth", "Jarrow"]
PLACES += ["Hebden Bridge", "Milton Keynes", "Tower Hamlets", "West Bromwich", "South Shields", "North Shields",
           "Great Yarmouth", "St Helens", "Forest Gate", "Kings Lynn"]
SURNAMES = ["Royds", "Manor", "Jubilee", "Cleobury", "Ashworth", "Holloway", "Fairfield", "Greenhill", "Moorside",
            "Beacon", "Brookfield", "Elmwood", "Hawthorn", "Kingsway", "Lockwood", "Marsden", "Northgate", "Oakwood",
            "Parkside", "Queensway", "Riverside", "Southfield", "Thornbury", "Westbury", "Woodhouse", "Abbeyfield",
            "Bankside", "Castlegate", "Dalebrook", "Eastgate", "Fernlea", "Glenroyd", "Highfield", "Ivybridge"]
# Organisation names end in a word the entity rules read as an organisation type.
ORG_TYPES = ["Community Trust", "Development Trust", "Community Association", "Food Co-operative",
             "Enterprise Network", "Social Enterprise Partnership", "Community Energy Society",
             "Neighbourhood Finance", "Business Centre", "Makers Collective", "Renewal Alliance",
             "Housing Group", "Credit Partnership", "Arts Foundation", "Youth Charity", "Community Company"]
BRAND_ADJ = ["Green", "Blue", "Bright", "Open", "Common", "Golden", "Northern", "Little", "Good", "Rising",
             "Silver", "Red", "Wild", "Urban", "Coastal", "Kind"]
BRAND_NOUN = ["Shoots", "Door", "Harbour", "Thread", "Lantern", "Bridge", "Orchard", "Kitchen", "Loom",
              "Compass", "Anchor", "Hive", "Mill", "Acorn", "Pantry", "Workshop"]
BRAND_TYPES = ["CIC", "Ltd", "Co-operative", "Trust"]
# National bodies named once with an acronym in brackets (each acronym unique, so aliases never collide).
NATIONAL = [("Northern Enterprise Alliance", "NEA"), ("Community Business Support Network", "CBSN"),
            ("Institute for Place Economics", "IPE"), ("Coastal Communities Alliance", "CCA"),
            ("Local Economy Research Institute", "LERI"), ("Centre for Community Wealth", "CCW"),
            ("Good Work Foundation", "GWF"), ("Regional Co-operative Development Agency", "RCDA"),
            ("Enterprise Coaching Collective", "ECC"), ("Social Investment Partnership", "SIP"),
            ("Towns Regeneration Institute", "TRI"), ("Community Shares Network", "CSN")]
FUNDERS = ["Power to Change", "National Lottery Community Fund", "Friends Provident Foundation",
           "Local Roots Foundation", "Northern Towns Fund", "Fair Shares Trust", "Civic Futures Foundation",
           "Community Wealth Fund"]
ONE_WORD_PLACES = [p for p in PLACES if " " not in p]  # a place list ("hubs in A, B and C") is read word by word
PROGRAMMES = ["Enterprise Pathways", "Local Roots", "Community Makers", "Social Spark", "Place Builders",
              "Kickstart Local", "Enterprise Champions", "Trading Up", "Rooted Growth", "Open Doors",
              "Bright Ideas", "Common Ground", "Shared Ambition", "High Street Revival", "Green Recovery",
              "Youth Enterprise"]
ACTIVITIES = ["runs a weekly enterprise surgery for new traders", "offers peer mentoring to first-time founders",
              "lends small amounts of start-up capital to residents", "operates a community shop and cafe",
              "trains volunteers as business buddies", "hosts a shared workspace for local makers",
              "brokers contracts between anchor institutions and small suppliers",
              "provides bookkeeping help to sole traders", "runs action learning sets for community leaders",
              "coaches social entrepreneurs through their first year of trading",
              "manages a repair and reuse workshop", "supports tenants to set up their own co-operatives",
              "delivers digital skills sessions in libraries", "runs a market for food growers",
              "helps residents buy and run their local pub", "converts empty shops into pop-up studios",
              "offers free legal advice on community ownership", "runs a childcare co-operative for parents",
              "connects retired professionals with young founders", "operates a community energy scheme",
              "organises a monthly investor evening for community shares",
              "trains support staff in coaching skills", "runs a procurement clinic for micro businesses",
              "hosts a library of tools for local tradespeople", "supports care workers to form a co-operative",
              "runs outreach with faith groups and tenant associations",
              "manages community allotments and a growers network",
              "provides translation and advice for migrant entrepreneurs"]
FIRST_NAMES = ["Jo", "Sam", "Priya", "Tom", "Nadia", "Ruth", "Ben", "Megan", "Alex", "Chris", "Amira", "Dev",
               "Grace", "Liam", "Sofia", "Owen", "Fatima", "Kieran", "Hannah", "Marcus", "Leanne", "Imran", "Carys",
               "Declan", "Yasmin", "Gareth", "Shona", "Ravi", "Bethan", "Callum"]
LAST_NAMES = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
              "Thompson", "Evans", "Walker", "White", "Roberts", "Khan", "Patel", "Okafor", "Hughes", "Clarke",
              "Price", "Morgan", "Begum", "Murphy", "Campbell", "Kaur", "Lewis", "Doyle", "Ahmed", "Fletcher"]
ROLES = ["director", "chief executive", "co-founder", "chair", "project lead", "community organiser",
         "enterprise coach", "volunteer coordinator", "operations manager", "trustee"]
QUOTES = ["We started with one table in a church hall and a kettle", "People come for a coffee and leave with a plan",
          "Nobody else was going to do it, so we did", "The money matters, but the relationships matter more",
          "We measure success by who walks through the door", "Our members decide what we do next",
          "It took three years before the council really listened", "Every pound we spend locally comes back to us",
          "We learned more from our mistakes than from any training course",
          "Trust is slow to build and quick to lose", "Young people here just needed someone to back them",
          "We never set out to run a business, but here we are", "Being owned by the community changes everything",
          "Our volunteers are the reason we are still open", "The hardest part was finding a building we could afford",
          "Funders want quick wins but change here takes a generation"]
# A clause grammar with many independent one- or two-word slots: two random clauses share few words,
# so distinct lines stay under the merge step's 0.7 token overlap, as distinct real sentences do.
C_SUBJ = ["local traders", "young founders", "tenant groups", "older residents", "parents", "market stallholders",
          "community cafes", "care workers", "new arrivals", "sole traders", "school leavers", "faith groups",
          "artists", "growers", "carers", "apprentices", "small landlords", "youth workers", "volunteers",
          "social landlords", "credit unions", "library staff", "bus drivers", "shopkeepers"]
C_VERB = ["secure", "build", "share", "win", "keep", "grow", "gain", "find", "create", "protect", "reclaim",
          "organise", "fund", "design", "run", "own", "rebuild", "widen", "pool", "test"]
C_ADJ = ["fairer", "steadier", "greener", "better paid", "longer", "affordable", "shared", "safer", "warmer",
         "flexible", "collective", "secure", "welcoming", "independent", "practical", "lasting", "visible",
         "healthier", "cheaper", "bolder"]
C_OBJ = ["contracts", "jobs", "premises", "savings", "customers", "markets", "networks", "skills", "assets",
         "incomes", "homes", "kitchens", "workshops", "routes", "loans", "tenancies", "allotments", "studios",
         "supply chains", "storefronts", "budgets", "timetables"]
C_GROUP = ["families", "veterans", "disabled people", "migrants", "pensioners", "students", "lone parents",
           "ex-offenders", "jobseekers", "refugees", "teenagers", "farmers", "fishers", "nurses", "cleaners",
           "tenants", "commuters", "neighbours", "makers", "cyclists"]
C_MEANS = ["patient investment", "peer mentoring", "shared workspace", "community shares", "procurement reform",
           "weekly coaching", "asset transfer", "pooled budgets", "micro grants", "open books", "street stalls",
           "evening classes", "buddy schemes", "tool libraries", "cooperative buying", "zero interest loans",
           "home visits", "radio campaigns", "pop-up markets", "exchange visits"]


def _clause(rnd: random.Random) -> str:
    """'local traders secure fairer contracts for veterans through pooled budgets' (all lower case)."""
    return (f"{rnd.choice(C_SUBJ)} {rnd.choice(C_VERB)} {rnd.choice(C_ADJ)} {rnd.choice(C_OBJ)} for "
            f"{rnd.choice(C_GROUP)} through {rnd.choice(C_MEANS)}")


DETAILS = ["The idea came out of a residents meeting held after the last bank branch closed.",
           "Most of the founders it has backed are women, and many are parents returning to work.",
           "Its board is elected by members, who each hold one share whatever they invested.",
           "A small grant paid for the first kitchen, and sales now cover the running costs.",
           "Referrals arrive from the job centre, the food bank and the local secondary school.",
           "Waiting lists have grown every year since the doors first opened.",
           "Its apprentices are paid the real living wage from their first day.",
           "Nearly every supplier on its books is a micro business with fewer than five staff.",
           "The building had stood empty for a decade before volunteers cleaned it up.",
           "Older residents teach sewing, joinery and baking to younger members on weekday evenings.",
           "Most of its income now comes from trading rather than from grants.",
           "A partnership with the hospital trust means its caterers supply two staff canteens.",
           "Every spring it runs a festival that brings stallholders and buyers together.",
           "Its coaches visit people at home when travelling to a centre is too hard.",
           "Membership is free for anyone claiming benefits or caring for a relative.",
           "The shop stocks produce from allotments, smallholdings and a city farm.",
           "A solar roof on the warehouse cuts its bills and earns a modest income.",
           "Translators help new arrivals register businesses and open bank accounts.",
           "Local builders donated materials, and a housing association provided the lease.",
           "It shares a finance officer and a payroll service with three neighbouring charities.",
           "Young people sit on every hiring panel and help choose which ventures get backing.",
           "Repair cafes on Saturdays keep furniture, bicycles and laptops out of landfill.",
           "A community share offer raised enough to buy the freehold outright.",
           "Its drivers deliver hot meals to housebound residents twice a week.",
           "Mentors are matched with founders by trade, so bakers learn from bakers.",
           "Staff keep a simple log of every conversation, which later fed the evaluation.",
           "When a flood closed the high street, its hall became the emergency centre.",
           "Landlords now offer it first refusal on vacant units along the parade.",
           "A credit union desk in the foyer offers small loans instead of doorstep lending.",
           "Local musicians play at its monthly open evenings, which draw new members."]
OUTCOMES = ["more money stays in the local economy", "residents gain secure and well paid work",
            "small businesses survive their first three years", "people feel proud of where they live",
            "local suppliers win a larger share of public contracts", "empty buildings come back into use",
            "young people see enterprise as a real career", "community groups become financially independent",
            "health inequalities begin to narrow", "trust between the council and residents grows",
            "more residents take part in decisions about their area",
            "social purpose businesses reach new customers", "support organisations share referrals routinely",
            "loneliness among older residents falls", "households cut their energy bills",
            "women and disabled founders get equal access to support",
            "the high street recovers its footfall", "skills are passed between generations"]
OPENERS = ["Residents had long asked for", "For years the area lacked", "Local people wanted",
           "The neighbourhood had lost", "Traders were calling for", "Families needed"]
NEEDS = ["a place to test business ideas", "affordable advice close to home", "patient and flexible finance",
         "a voice in how regeneration money is spent", "support that understood social enterprise",
         "somewhere to meet and share skills", "routes into work that paid fairly",
         "an alternative to high street closures"]
LESSON_NAMES = ["Patient local investment", "Trusted community anchors", "Shared ownership",
                "Relational support", "Anchor institution procurement", "Peer learning", "Asset transfer",
                "Inclusive finance", "Connected citizens", "Co-designed services", "Flexible funding",
                "Local supply chains", "Community energy", "Youth enterprise", "Wraparound support",
                "Green jobs", "Social value in contracts", "Community shares", "Good quality services",
                "Positive use of local assets", "Networked support organisations", "Time to reflect",
                "Honest evaluation", "Storytelling and impact", "Fair work", "Start small and grow"]
LIST_KINDS = ["practical lessons", "key lessons", "characteristics", "practical insights", "key findings",
              "principles", "features"]
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven"]
TOPICS = ["community ownership", "inclusive procurement", "social enterprise support", "local wealth building",
          "neighbourhood regeneration", "co-operative development", "community energy", "the care economy"]
FILLER = ["Partners agreed that the work had to be led by people who live and work in the neighbourhood.",
          "Commissioners described a shift from short contracts towards longer relationships with providers.",
          "Much of the early effort went into listening, mapping existing assets and building trust.",
          "Staff said that flexible grants mattered more than the size of any single award.",
          "The approach borrowed from earlier community development work rather than starting from scratch.",
          "Several founders had been turned away by mainstream advisers before they found this support.",
          "Evaluation relied on stories gathered by residents as well as on monitoring returns.",
          "The team kept overheads low by sharing premises with other community organisations.",
          "Volunteers were paid for their time where they would otherwise have been out of pocket.",
          "Councillors visited regularly and several later championed the approach in the council chamber.",
          "Referrals came mostly by word of mouth, through schools, surgeries and places of worship.",
          "Progress was slower during the pandemic but most of the businesses kept trading.",
          "Staff turnover was low, which participants said helped them build lasting relationships.",
          "Partners met quarterly to review what was working and to change what was not."]
BOILERPLATE = ["Sign up to our weekly newsletter to receive more stories like this one in your inbox.",
               "This article is part of our series on community business and the local economy.",
               "Our case studies are written with the organisations involved and checked before publication."]
PUBLISHERS = ["New Start", "Community Business News", "Place Matters", "Local Economy Review", "Civic Journal",
              "Co-op Voices"]
AUTHORS = ["Alex Morgan", "Sam Patel", "Jo Evans", "Chris Okafor", "Priya Shah", "Tom Hughes", "Nadia Khan",
           "Ruth Oduya", "Ben Clarke", "Megan Price"]
REPORT_SECTIONS = ["INTRODUCTION", "CONTEXT", "METHODOLOGY", "WHAT WE FOUND", "CASE EXAMPLES",
                   "RECOMMENDATIONS", "NEXT STEPS", "CONCLUSION"]
RECOMMENDATIONS = ["Fund the infrastructure", "Commission for the long term", "Measure what matters",
                   "Back community anchors", "Share the risk", "Open up procurement", "Invest in people",
                   "Listen first", "Join up the system", "Grow local ownership"]

# Model stages as the documents write them, each with element phrases and its foundation block.
STAGES = [
    ("CONDITIONS", "condition", "External conditions",
     ["collective local vision", "inclusive design of support", "long-term commitment", "shared investment plan",
      "trusted local leadership", "open data sharing", "political buy-in", "cross-sector partnership board",
      "community voice in decisions", "stable core funding"]),
    ("INPUTS", "input", "Local conditions",
     ["local intelligence", "shared resources", "regular reflection", "capacity support", "affordable workspace",
      "community investment fund", "volunteer time bank", "anchor institution spend", "peer network",
      "specialist advice pool"]),
    ("PROCESSES", "process", "System support",
     ["referral network", "equitable access to resources", "enterprise education", "impact storytelling",
      "joint commissioning", "coaching skills training", "outreach through trusted groups", "learning exchange",
      "asset mapping", "procurement brokerage"]),
    ("ACTIVITIES", "activity", "Delivery support",
     ["relational coaching", "wrap-around support", "practical help", "variety of support", "action learning sets",
      "pop-up shop trials", "community share offers", "enterprise surgeries", "mentoring circles",
      "supplier readiness clinics"]),
]
ELEMENT_VERBS = ["brings together", "builds on", "makes best use of", "opens up", "strengthens", "connects",
                 "draws on", "gives time to", "widens", "protects"]
ELEMENT_OBJECTS = ["the experience of local actors", "existing social capital", "the skills of community staff",
                   "the knowledge of residents", "spare space in public buildings", "the reach of faith groups",
                   "relationships with anchor institutions", "the energy of young founders",
                   "the history of co-operation in the area", "the trust of tenants and traders",
                   "data held by the council", "networks of small suppliers", "the goodwill of local employers",
                   "unused land owned by housing associations", "the loyalty of regular customers",
                   "the expertise of retired professionals", "grant funding from charitable trusts",
                   "the buying power of hospitals and colleges", "the creativity of artists and makers",
                   "the campaigning energy of tenants groups", "the patience of social investors",
                   "the local knowledge of library staff", "the commitment of parish volunteers",
                   "the reach of the local radio station"]
ASSUMPTION_STEMS = ["Shared outcomes and resources encourage meaningful collaboration between",
                    "Long-term funding produces more sustainable results for",
                    "People rooted in their places understand the barriers faced by",
                    "Relational support reaches further than transactional advice for",
                    "Local ownership keeps more of the value created by",
                    "Honest reflection improves services delivered to",
                    "Peer support builds confidence faster than formal training among",
                    "Collective commissioning changes behaviour more than competition does for",
                    "Patient capital lets ideas mature before they are judged, especially for",
                    "Visible early successes persuade sceptical partners to back",
                    "Pooled budgets reduce duplication and free staff time to work with",
                    "Small grants with light reporting unlock experiments led by",
                    "Shared premises create chance encounters that spark collaboration between",
                    "Trusted intermediaries reach people that official agencies miss, such as",
                    "Open data about local spending helps commissioners find",
                    "Celebrating success together sustains the motivation of"]
ASSUMPTION_OBJECTS = ["community businesses", "first-time founders", "tenants and residents", "micro enterprises",
                      "social purpose businesses", "anchor institutions", "young entrepreneurs",
                      "older volunteers", "women-led enterprises"]
FOUNDATION_LINES = ["Commissioners understand and want to use the strengths of local actors",
                    "Continuous learning is built into programmes and budgets",
                    "A history of support for social purpose businesses that can be revived",
                    "Frequent and purposeful communication between support agencies",
                    "Anchor institutions regularly engage with community actors",
                    "Regional policy recognises community enterprise as economic development",
                    "Support staff have time set aside for training and peer learning",
                    "Thematic networks link enterprises working on similar social issues",
                    "Elected members champion community enterprise across council departments",
                    "Procurement rules leave room for small and social suppliers",
                    "Further education colleges offer enterprise courses shaped by local employers",
                    "A neutral convenor keeps partners talking when priorities clash",
                    "Affordable premises remain available on the high street",
                    "Public health teams treat good work as a route to better health",
                    "Housing providers open their community rooms to new ventures",
                    "Evaluation budgets are protected when funding is cut"]
HORIZONS = [("5a. Short term:", "short"), ("5b. Medium term:", "medium"), ("5c. Long term:", "long")]
SCOPES = [("6a. Individual:", "individual"), ("6b. Wider:", "wider")]
IMPACT_LINES = ["Life opportunities improve for people", "Pride in place and community grows among residents",
                "People support each other's aspirations", "Residents gain agency through a credible voice",
                "Communities become more prosperous", "Wealth is shared more fairly", "Local voice and influence grow",
                "The local economy becomes more resilient"]
STAGE_CLASS = {"condition": "Condition", "input": "Input", "process": "Process", "activity": "Activity"}
KINDS = ("case-study", "report", "model")
MIX = (0.85, 0.10, 0.05)


# ------------------------------------------------------------------ facts and documents


@dataclass
class Facts:
    """What the generator wrote into one document, in the terms the extractor should find it."""

    orgs: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)
    programmes: set[str] = field(default_factory=set)
    evidence: list[str] = field(default_factory=list)  # the sentences that carry a figure
    insights: int = 0
    case_studies: int = 0
    elements: Counter = field(default_factory=Counter)  # class -> count
    assumptions: int = 0
    foundations: int = 0


@dataclass
class SynthDoc:
    filename: str
    text: str
    meta: dict
    facts: Facts


class _Writer:
    """Builds one document line by line and records every fact it writes."""

    def __init__(self, rnd: random.Random):
        self.rnd = rnd
        self.lines: list[str] = []
        self.facts = Facts()

    def add(self, line: str = "") -> None:
        self.lines.append(line)

    def para(self, text: str) -> None:
        self.lines += [text, ""]

    def org(self, name: str) -> str:
        self.facts.orgs.add(name)
        return name

    def place(self, name: str) -> str:
        self.facts.places.add(name)
        return name

    def figure(self, sentence: str) -> str:
        self.facts.evidence.append(sentence)
        return sentence

    def text(self) -> str:
        return "\n".join(self.lines).rstrip() + "\n"


def _local_org(rnd: random.Random, place: str) -> str:
    if rnd.random() < 0.7:
        return f"{place} {rnd.choice(ORG_TYPES)}"
    return f"{rnd.choice(BRAND_ADJ)} {rnd.choice(BRAND_NOUN)} {rnd.choice(BRAND_TYPES)}"


def _money(rnd: random.Random) -> str:
    return f"£{rnd.randint(1, 6)}.{rnd.randint(10, 99)}"


def _figure_sentence(w: _Writer, subject: str, place: str) -> str:
    """One sentence with a figure the evidence rules read; unique by its subject, place and numbers."""
    rnd = w.rnd
    forms = [
        lambda: f"An evaluation found that {subject} generated {_money(rnd)} for the local economy in {place} "
        f"for every £1 of income.",
        lambda: f"Together with its partners, {subject} has created {rnd.randint(12, 1900):,} jobs "
        f"and £{rnd.randint(2, 180)}m GVA for the economy of {place}.",
        lambda: f"Over {NUMBER_WORDS[rnd.randint(2, 7)]} years {subject} supported {rnd.randint(40, 2400):,} "
        f"businesses in {place}.",
        lambda: f"Around {rnd.randint(11, 89)}% of the suppliers used by {subject} are now based in {place}.",
        lambda: f"Last year {subject} worked with {rnd.randint(30, 900)} volunteers across {place}.",
    ]
    return w.figure(rnd.choice(forms)())


def _case_item(w: _Writer, n: int, name: str) -> str:
    """A numbered list item: a named lesson illustrated by an organisation, a place, a figure and a voice."""
    rnd = w.rnd
    place = w.place(rnd.choice(PLACES))
    org = w.org(_local_org(rnd, place))
    parts = [f"{name}."]
    acts = rnd.sample(ACTIVITIES, 2)
    parts.append(rnd.choice([
        f"An example of this is {org} in {place}, which {acts[0]}.",
        f"The report cites {org}, a community organisation in {place} that {acts[0]}.",
        f"In one neighbourhood of {place}, {org} {acts[0]}.",
        f"Community anchors like {org} in {place} show how this works: the organisation {acts[0]}.",
        f"Consider how {org} started with a handful of volunteers in {place} and now {acts[0]}.",
        f"For the team at {org} in {place}, this meant a service that {acts[0]}.",
    ]))
    if rnd.random() < 0.6:
        parts.append(f"It also {acts[1]}.")
    if rnd.random() < 0.5:
        parts.append(rnd.choice(DETAILS))
    parts.append(rnd.choice(["Its members say that", "Staff report that", "The evaluation notes that",
                             "Partners have seen that"]) + f" {_clause(rnd)}, and that {_clause(rnd)}.")
    if rnd.random() < 0.8:
        parts.append(_figure_sentence(w, org, place))
    if rnd.random() < 0.7:
        person = f"{rnd.choice(FIRST_NAMES)} {rnd.choice(LAST_NAMES)}"
        parts.append(f"“{rnd.choice(QUOTES)},” says {person}, {rnd.choice(ROLES)} at {org}.")
    if rnd.random() < 0.5:
        other = rnd.sample(OUTCOMES, 2)
        parts.append(rnd.choice([
            f"Staff say the work means that {other[0]} and {other[1]}.",
            f"The organisation hopes that over time {other[0]}.",
            f"This kind of support leads to change where {other[0]}.",
            f"The aim is simple: {other[0]}, and {other[1]}.",
        ]))
    if rnd.random() < 0.25:
        venue = rnd.choice([f"{place} Town Hall", f"{rnd.choice(SURNAMES)} Park", f"{rnd.choice(SURNAMES)} Market"])
        # a building a place names is a venue, an organisation (issue 26); a park or a market is a site
        venue = w.org(venue) if venue.endswith(" Hall") else w.place(venue)
        parts.append(f"It now runs much of its work from {venue}, which it took over from the council.")
    w.facts.insights += 1
    w.facts.case_studies += 1
    return f"  {n}. " + " ".join(parts)


def _case_study(rnd: random.Random, i: int) -> SynthDoc:
    w = _Writer(rnd)
    place = w.place(rnd.choice(PLACES))
    lead = w.org(_local_org(rnd, place))
    topic = rnd.choice(TOPICS)
    title = f"{lead}: building {topic} in {place}"
    w.para(title)
    intro = [f"{rnd.choice(OPENERS)} {rnd.choice(NEEDS)}, so {lead} set out to change that in {place}."]
    if rnd.random() < 0.6:
        funder = w.org(rnd.choice(FUNDERS))
        intro.append(f"The work was funded by {funder}, with match funding from local businesses.")
    if rnd.random() < 0.4:
        prog = rnd.choice(PROGRAMMES)
        w.facts.programmes.add(prog)
        intro.append(f"It began as part of the {prog} programme and is now run by residents.")
    w.para(" ".join(intro))
    w.para(" ".join(rnd.sample(FILLER, rnd.randint(1, 3))))
    k = rnd.randint(2, 4)
    kind = rnd.choice(LIST_KINDS)
    w.add(rnd.choice([f"The {NUMBER_WORDS[k]} {kind} from this work are:",
                      f"Here are {NUMBER_WORDS[k]} {kind} shared by the team:"]))
    w.add()
    for n, name in enumerate(rnd.sample(LESSON_NAMES, k), 1):
        w.add(_case_item(w, n, name))
    w.add()
    w.para(" ".join(rnd.sample(FILLER, rnd.randint(1, 2))))
    if rnd.random() < 0.3:
        w.para(rnd.choice(BOILERPLATE))
    author = rnd.choice(AUTHORS)
    w.add(author)
    meta = {"title": title, "publisher": rnd.choice(PUBLISHERS), "authors": [author],
            "date": f"20{rnd.randint(18, 25)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}", "kind": "case-study"}
    return SynthDoc(f"{i:06d}_case-study.txt", w.text(), meta, w.facts)


def _report(rnd: random.Random, i: int) -> SynthDoc:
    """A longer report: numbered sections, or (one in three) plain prose with no structure at all."""
    w = _Writer(rnd)
    topic = rnd.choice(TOPICS)
    title = f"{topic.upper()}: LESSONS FROM {rnd.randint(3, 12)} PLACES"
    body = rnd.choice(NATIONAL)
    w.para(title)
    structured = rnd.random() < 0.67
    sections = ["INTRODUCTION", *rnd.sample(REPORT_SECTIONS[1:-1], 3), "CONCLUSION"] if structured else [""] * 4
    for s_no, heading in enumerate(sections, 1):
        if heading:
            w.para(f"{s_no}. {heading}")
        paras = []
        if s_no == 1:
            name = w.org(body[0])
            w.facts.orgs.add(name)
            funder = w.org(rnd.choice(FUNDERS))
            paras.append(f"This report was written by the {name} ({body[1]}) and funded by {funder}, "
                         f"to understand how {topic} can work at a neighbourhood level.")
            hubs = [w.place(p) for p in rnd.sample(ONE_WORD_PLACES, rnd.randint(3, 6))]
            paras.append(f"It draws on interviews with practitioners in our catalyst hubs in "
                         f"{', '.join(hubs[:-1])} and {hubs[-1]}. These places were chosen with partners.")
            paras.append(f"The {body[1]} worked with commissioners, founders and residents over two years.")
        else:
            for _ in range(rnd.randint(2, 4)):
                place = w.place(rnd.choice(PLACES))
                org = w.org(_local_org(rnd, place))
                sents = [f"In our work with {org} we saw that {rnd.choice(OUTCOMES)} when support "
                         f"is rooted in {place}.", *rnd.sample(FILLER, 2)]
                if rnd.random() < 0.5:
                    sents.append(_figure_sentence(w, org, place))
                if rnd.random() < 0.3:
                    prog = rnd.choice(PROGRAMMES)
                    w.facts.programmes.add(prog)
                    sents.append(f"Similar results were reported by the {prog} programme.")
                paras.append(" ".join(sents))
            if heading == "RECOMMENDATIONS":
                k = rnd.randint(3, 5)
                recs = rnd.sample(RECOMMENDATIONS, k)
                paras.append(f"We make {NUMBER_WORDS[k]} recommendations:")
                for r in recs:
                    paras.append(f"- {r} – {rnd.choice(OPENERS).lower()} {rnd.choice(NEEDS)}, and "
                                 f"{rnd.choice(OUTCOMES)} when this is done well.")
                w.facts.insights += k
        for p in paras:
            if p.startswith("- "):
                w.add(p)
            elif structured or rnd.random() < 0.5:
                w.para(p)
            else:  # hard-wrapped prose, as text pasted from a PDF often is
                words = p.split(" ")
                cut = max(1, len(words) // 2)
                while cut < len(words) - 1 and not (words[cut][:1].islower() and words[cut - 1][-1] not in ".!?:"):
                    cut += 1
                w.para(" ".join(words[:cut]) + "\n" + " ".join(words[cut:]))
        if paras and paras[-1].startswith("- "):
            w.add()
    meta = {"title": title.title(), "publisher": f"{body[0]} ({body[1]})", "kind": "report",
            "date": f"20{rnd.randint(18, 25)}-{rnd.randint(1, 12):02d}-01"}
    return SynthDoc(f"{i:06d}_report.txt", w.text(), meta, w.facts)


def _model(rnd: random.Random, i: int, models: int) -> SynthDoc:
    """A local logic model page: stage headings, named elements with prose, assumptions, foundations, lists.

    The ``models``-th model gets its own place (a town; once the towns come round again, a ward of
    one), and every element name and list line names it, so the models stay separate nodes.
    """
    w = _Writer(rnd)
    cycle, k = divmod(models, len(PLACES))
    town = PLACES[k]
    name = town if not cycle else f"{town} {cycle + 1}"  # for labels: short, no punctuation
    area = town if not cycle else f"the {SURNAMES[(cycle - 1) % len(SURNAMES)]} ward of {town}"
    w.place(town)
    w.para(f"{name} local logic model")
    lead = w.org(_local_org(rnd, town))
    w.para(f"This local logic model was written by {lead} with partners and residents in {town}.")
    for heading, key, foundation, phrases in STAGES:
        w.para(heading)
        for phrase in rnd.sample(phrases, rnd.randint(2, 4)):
            w.para(f"{name} {phrase}")
            obj = rnd.sample(ELEMENT_OBJECTS, 2)
            prose = (f"The {phrase} in {area} {rnd.choice(ELEMENT_VERBS)} {obj[0]} and {obj[1]}, so that "
                     f"{_clause(rnd)}. In practice this means {_clause(rnd)}.")
            if rnd.random() < 0.3:  # a stated effect, for the textual linker
                prose += f" Over time this will enable {rnd.choice(OUTCOMES)}."
            w.para(prose)
            w.facts.elements[STAGE_CLASS[key]] += 1
        _blocks(w, key, foundation, area)
    w.para("OUTCOMES")
    for heading, _horizon in HORIZONS:
        w.add(heading)
        for n, o in enumerate(rnd.sample(OUTCOMES, rnd.randint(2, 3))):
            line = f"across {area}, {o} as {_clause(rnd)}"
            w.add(f"As a result, {line}" if n and rnd.random() < 0.3 else line[:1].upper() + line[1:])
            w.facts.elements["Outcome"] += 1
    w.add()
    _blocks(w, "outcome", "Outcome catalysts", area)
    w.para("IMPACTS")
    for heading, _scope in SCOPES:
        w.add(heading)
        for line in rnd.sample(IMPACT_LINES, rnd.randint(2, 3)):
            low = line[:1].lower() + line[1:]
            w.add(f"Across {area}, {low} because {_clause(rnd)}")
            w.facts.elements["Impact"] += 1
    w.add()
    _blocks(w, "impact", "Impact catalysts", area)
    meta = {"title": f"{name} local logic model", "publisher": lead, "kind": "model",
            "part_of": "Local logic models"}
    return SynthDoc(f"{i:06d}_model.txt", w.text(), meta, w.facts)


def _blocks(w: _Writer, key: str, foundation: str, area: str) -> None:
    """The stage's Assertions/Assumptions and Foundation (…) blocks, each line naming the place."""
    rnd = w.rnd
    w.add("Assertions/Assumptions")
    for stem in rnd.sample(ASSUMPTION_STEMS, rnd.randint(1, 3)):
        w.add(f"{stem} {rnd.choice(ASSUMPTION_OBJECTS)} in {area} when {_clause(rnd)}")
        w.facts.assumptions += 1
    w.add()
    w.add(f"Foundation ({foundation})")
    for line in rnd.sample(FOUNDATION_LINES, rnd.randint(1, 3)):
        w.add(f"{line} in {area}, where {_clause(rnd)}")
        w.facts.foundations += 1
    w.add()


def _kind(rnd: random.Random) -> str:
    x = rnd.random()
    return KINDS[0] if x < MIX[0] else KINDS[1] if x < MIX[0] + MIX[1] else KINDS[2]


def documents(n: int, seed: int = 0) -> Iterator[SynthDoc]:
    """The n documents with their facts; document i depends only on (seed, i) and the models before it."""
    if n < 0:
        raise ValueError("n must be >= 0")
    models = 0
    for i in range(n):
        rnd = random.Random(f"{seed}:{i}")
        kind = _kind(rnd)
        if kind == "model":
            yield _model(rnd, i, models)
            models += 1
        elif kind == "report":
            yield _report(rnd, i)
        else:
            yield _case_study(rnd, i)


def generate(n: int, seed: int = 0) -> Iterator[tuple[str, str]]:
    """(filename, text) for n synthetic documents, the same for the same (n, seed)."""
    for d in documents(n, seed):
        yield d.filename, d.text


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def expected(n: int, seed: int = 0) -> dict[str, int]:
    """Node counts the generator put in (distinct names across documents, as ingest merges them)."""
    orgs: set[str] = set()
    places: set[str] = set()
    programmes: set[str] = set()
    evidence: set[str] = set()
    totals: Counter = Counter()
    kinds: Counter = Counter()
    for d in documents(n, seed):
        f = d.facts
        kinds[d.meta["kind"]] += 1
        orgs |= {o.lower() for o in f.orgs}
        places |= {p.lower() for p in f.places}
        programmes |= {p.lower() for p in f.programmes}
        evidence |= {_norm(e) for e in f.evidence}
        totals.update(f.elements)
        totals.update(Insight=f.insights, CaseStudy=f.case_studies, Assumption=f.assumptions,
                      Foundation=f.foundations)
    return {
        "documents": n,
        **{f"kind:{k}": kinds[k] for k in KINDS},
        "Organisation": len(orgs),
        "Place": len(places),
        "Programme": len(programmes),
        "Evidence": len(evidence),
        **{k: totals[k] for k in ("CaseStudy", "Insight", "Condition", "Input", "Process", "Activity", "Outcome",
                                  "Impact", "Assumption", "Foundation")},
    }


def _yaml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def write_corpus(folder: Path, n: int, seed: int = 0) -> Path:
    """Write the n documents and their corpus.yaml into ``folder``; returns the corpus.yaml path."""
    from tqdm import tqdm

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"# Synthetic corpus: python -m bench.synth {n} {folder} --seed {seed}",
             "# kind: model | article | case-study | report", "documents:"]
    for d in tqdm(documents(n, seed), total=n, desc="synth", unit="doc", file=sys.stderr, leave=False):
        (folder / d.filename).write_text(d.text, encoding="utf-8")
        lines.append(f"  {d.filename}:")
        for key, value in d.meta.items():
            if isinstance(value, list):
                lines.append(f"    {key}: [{', '.join(_yaml_str(v) for v in value)}]")
            else:
                lines.append(f"    {key}: {_yaml_str(str(value))}")
    path = folder / "corpus.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.synth", description=__doc__.split("\n\n")[0])
    p.add_argument("n", type=int, help="number of documents")
    p.add_argument("out", type=Path, help="folder to write (created if missing)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    try:
        args = p.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    if args.n < 1:
        p.print_usage(sys.stderr)
        print("python -m bench.synth: error: N must be at least 1", file=sys.stderr)
        return 2
    if args.out.exists() and not args.out.is_dir():
        print(f"python -m bench.synth: error: {args.out} exists and is not a folder", file=sys.stderr)
        return 2
    manifest = write_corpus(args.out, args.n, args.seed)
    files = [f for f in args.out.iterdir() if f.is_file() and f.suffix == ".txt"]
    kinds = Counter(f.stem.split("_", 1)[1] for f in files if "_" in f.stem)
    summary = {"out": str(args.out), "seed": args.seed, "files": len(files),
               "bytes": sum(f.stat().st_size for f in files), "kinds": dict(sorted(kinds.items())),
               "manifest": str(manifest)}
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"{summary['files']} files, {summary['bytes']:,} bytes in {args.out} "
              f"({', '.join(f'{v} {k}' for k, v in summary['kinds'].items())}); metadata in {manifest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

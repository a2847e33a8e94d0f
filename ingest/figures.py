"""What kind of number a figure of a case study is, and so whether it is evidence.

A case study's numbers are of two sorts. Money raised or kept local, a share, a ratio ("£1.80 for every £1"), a
count of people, members, jobs or businesses reached: results, and so evidence for an outcome or an impact. A
date ("in 2023"), a duration ("just over eight weeks"), a distance ("twelve miles"), a price ("shares priced at
£1", "as little as £50"), a figure hoped for rather than reached ("aims to create almost 300 jobs", "a campaign to
raise £350,000", "up to 33 new jobs"), a count of meetings or sessions, a count of the text's own points ("two
reasons", "four groups are given as examples"), one of something ("one dog takes"), the size of a study
("research in six places", "we surveyed 300 businesses"), how many live in a place ("a village of seven hundred
people"): facts, kept, but never evidence. The rules read
the figure and the words around it in its sentence, never a list of documents or phrases.
"""

from __future__ import annotations

import re

EVIDENCE_KINDS = ("money", "share", "ratio", "count", "amount")  # amount: "25 days of specialist support"
OTHER_KINDS = ("date", "duration", "distance", "price", "target", "meetings", "enumeration", "single", "study",
               "population")

_MONTHS = r"January|February|March|April|May|June|July|August|September|October|November|December"
_RATIO = re.compile(r"£.*\b(?:for every|per|to every|of every)\s+£|^(?i:every|each)\s+£.*£")  # either way round
_PRICE_BEFORE = re.compile(r"(?:priced at|a price of|costing|costs?|at a cost of|sold at|sells? for|as little as"
                           r"|minimum(?: investment)? of)\s*$", re.I)
_PRICE_AFTER = re.compile(r"^\s*(?:each|a share|per share|shares?\b|an hour|a ticket)\b", re.I)
# a figure hoped for, not reached: "aims to create almost 300 jobs", "the potential to create up to 33 new jobs",
# "a campaign to raise £350,000", "a target of at least 80 licence sales", "the £350,000 needed"
_TARGET_BEFORE = re.compile(r"\b(?:aims?|aim is|aiming|target(?:s|ed)?|potential|plans?|planned|planning|expects?"
                            r"|expected|hopes?|hoping|seeks?|seeking|would|will|to raise|up to)\b"
                            r"(?:\s+[\w£,.'’-]+){0,4}?\s*$", re.I)
_TARGET_AFTER = re.compile(r"^\s*(?:needed|required|target)\b", re.I)
_SHARE = re.compile(r"%|\bper ?cent\b", re.I)
_DISTANCE = re.compile(r"\b(?:miles?|km|kilometres?|kilometers?|metres?|meters?|yards?)\b", re.I)
_DATE = re.compile(rf"\b(?:{_MONTHS})\b|(?:^|\s|[-–/])(?:19|20)\d\d(?:s|\b)|\bfinancial year\b", re.I)
_TIME_UNIT = re.compile(r"\b(?:years?|months?|weeks?|days?|nights?|hours?|decades?|fortnights?|mornings?|afternoons?"
                        r"|evenings?|weekends?)\b(?:\s+on\b)?", re.I)
_EFFORT_UNIT = re.compile(r"\b(?:days?|nights?|hours?|weeks?)\b", re.I)  # units support is given in
_FRACTION = re.compile(r"\b(?:halves|half|thirds?|quarters?|fifths?|tenths?)\b", re.I)
# one of something is no measure ("one dog takes", "one loan was", "one employee-owned business")
_ONE = re.compile(r"^(?:(?:just|only)\s+)?(?:one\b|1(?![\d,.])|a single\b)", re.I)
_OF_SOMETHING = re.compile(r"^\s+of\s+(?!the\b|it\b|them\b|this\b)[a-z]", re.I)  # "25 days of specialist support"
_MEETINGS = re.compile(r"\b(?:meetings?|sessions?|events?|workshops?|visits?|calls?)\b", re.I)
_ENUMERATION = re.compile(r"(?<![\w-])(?:reasons?|ways?|steps?|examples?|things?|times?|aims?|strands?|stages?|parts?"
                          r"|options?|questions?|goals?|priorities|points?|lessons?|themes?|principles?|challenges?|insights?"
                          r"|recommendations?|characteristics?|features?|findings?|tips?|actions?|phases?|levels?|objectives?"
                          r"|categories|types?|kinds?|rounds?|tiers?|criteria|pillars?|clusters?)(?![\w-])", re.I)
# the size of a study, not a result: "conducted research in six places", "a survey of 200 members", "we
# interviewed 40 people" (what the study then found is a result: "the evaluation found 40 jobs" is not this)
_STUDY_BEFORE = re.compile(r"\b(?:research|studies|study|survey|surveys|fieldwork|evaluation|evaluations|interviews"
                           r"|focus groups|case studies)\s+(?:in|of|with|across|among|amongst|covering|into)\s+"
                           r"(?:the\s+)?$|\b(?:surveyed|interviewed|studied|sampled)\s+(?:the\s+)?$", re.I)
# how many live in a place, not a result: "a village of seven hundred people", "a population of 2,000"
_POPULATION_BEFORE = re.compile(r"\b(?:village|town|city|parish|hamlet|island|population)\s+of\s+(?:(?:about|around"
                                r"|some|roughly|nearly|almost|just|over|under|fewer than|more than|only)\s+)?$", re.I)
_AS_EXAMPLES = re.compile(r"^\s+(?:are|were|is|was)\s+(?:given|named|described|shown|cited|chosen)\s+as\s+"
                          r"(?:an?\s+)?examples?\b", re.I)


def figure_kind(sentence: str, start: int, end: int) -> str:
    """The kind of the figure at ``sentence[start:end]``: one of EVIDENCE_KINDS or OTHER_KINDS."""
    fig, before, after = sentence[start:end], sentence[:start], sentence[end:]
    if _TARGET_BEFORE.search(before) or _TARGET_AFTER.match(after) or re.match(r"(?i)up to\b", fig):
        return "target"
    if "£" in fig:
        if _RATIO.search(fig):
            return "ratio"
        if _PRICE_BEFORE.search(before) or _PRICE_AFTER.match(after):
            return "price"
        return "money"
    if _SHARE.search(fig) or _FRACTION.search(fig):
        return "share"
    if _STUDY_BEFORE.search(before):
        return "study"
    if _POPULATION_BEFORE.search(before):
        return "population"
    if _DISTANCE.search(fig):
        return "distance"
    if _DATE.search(fig):
        return "date"
    if _TIME_UNIT.search(fig):
        # "25 days of specialist support" is an amount given; "10 years of dreaming" is still a length of time
        return "amount" if _OF_SOMETHING.match(after) and _EFFORT_UNIT.search(fig) else "duration"
    if _MEETINGS.search(fig):
        return "meetings"
    if _ENUMERATION.search(fig) or _AS_EXAMPLES.match(after):
        return "enumeration"
    if _ONE.match(fig):
        return "single"
    return "count"


def is_evidence(kind: str) -> bool:
    return kind in EVIDENCE_KINDS

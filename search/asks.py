"""What kind of answer a question asks for: an assumption, a figure, an example, or how to do something.

The card answers in kind: "what is assumed about coaching" gets the assumption and what rests on it, "how
many jobs" the figure with its case study, "an example of a council doing this" a case study, "how do we
start" the element. The kind is read from the question's own form words (interrogatives and a few verbs
and nouns of asking, as any question classifier does), never from words of a document or of the model,
and the card names the words it went by, so a reader sees why it answered as it did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.text.tokens import tokens

ASSUMPTION = "assumption"
EVIDENCE = "evidence"
CASE = "case"
HOWTO = "how-to"


@dataclass(frozen=True)
class Ask:
    kind: str  # assumption | evidence | case | how-to | "" (no form word: the ranking decides)
    cue: str = ""  # the words of the question it went by

    def why(self) -> str:
        what = {ASSUMPTION: "what is assumed", EVIDENCE: "for figures", CASE: "for an example",
                HOWTO: "how to do something"}.get(self.kind, "")
        return f"the question asks {what} (“{self.cue}”)" if what else ""


_W = r"(?<![\w-])"
_E = r"(?![\w-])"  # the word ends here: "premises" is no premise, "figured" no figure
# Checked in this order: a question asking for an example of an assumption still asks for an example.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (CASE, re.compile(_W + r"(examples?" + _E + r"|case stud(?:y|ies)|for instance|show me (?:a|an|some) |"
                      r"who (?:else (?:has |have )?|(?:has|have) )(?:done|tried|managed|run|started|set up)" + _E + "|"
                      r"(?:has|have) anyone (?:else )?(?:done|tried|run|started|set up)" + _E + "|"
                      r"anyone (?:else )?(?:who )?(?:has |have )?(?:done|tried)|"
                      r"where (?:has|have) (?:this|it|that) (?:been )?(?:worked|done|happened|tried)|"
                      r"real[- ](?:life|world)|in practice somewhere)", re.I)),
    (EVIDENCE, re.compile(_W + r"(how (?:much|many)|figures?" + _E + r"|statistics?" + _E +
                          r"|numbers? (?:of|on)|per £|"
                          r"return(?:ed)? (?:on|for) (?:every|each|the)|"
                          r"£\s?\d[\d,.]*(?:\s?(?:k|m|bn|million|billion)" + _E + r")?|"
                          r"\d[\d,.]*\s?(?:jobs|%|per ?cent)|"
                          r"social return|what (?:difference|value) (?:did|does|has)|quantif\w*|"
                          r"(?:hard )?data (?:on|about|showing)|(?:any |what )?proof" + _E + r"|"
                          r"(?:any |what )evidence (?:is there|that|of|for|shows?))", re.I)),
    (ASSUMPTION, re.compile(_W + r"(assum\w*|presuppos\w*|premise" + _E + r"|taken for granted|take for granted|"
                            r"what (?:has|needs|must) (?:to )?(?:be )?(?:true|hold)|"
                            r"(?:rests?|relies?|depends?|hinges?) on (?:the )?(?:idea|belief|view)|"
                            r"underlying (?:belief|idea)s?|belie(?:f|fs|ve) (?:that|behind))", re.I)),
    (HOWTO, re.compile(_W + r"(how (?:do|can|should|would|could) (?:i|we|you|they|a|an|our|the)\b|how to|"
                       r"what (?:steps|should (?:i|we))|where (?:do|can|should) (?:i|we) (?:start|begin|go|get|find)|"
                       r"ways? to|tips? (?:on|for)|best way)", re.I)),
)


# an address is not words of asking: "http://evil.example" asks for no example
_ADDRESS = re.compile(r"\S+://\S+|\bwww\.\S+|\S+@\S+|\b[A-Za-z][\w-]*(?:\.[A-Za-z][\w-]*)+\b")


def asked(question: str) -> Ask:
    """The answer kind a question's form words ask for (the first kind whose words it uses), else none."""
    words = _ADDRESS.sub(" ", question or "")
    for kind, pat in PATTERNS:
        m = pat.search(words)
        if m:
            return Ask(kind, " ".join(m.group(0).rstrip(".,").split()))  # "£5." ends a sentence, not the sum
    return Ask("")


_COUNTED = re.compile(_W + r"how (?:many|much)\s+([^\W\d_][\w'’-]*)", re.I)
# "how much money / funding …" asks for a sum: a figure in a currency answers it
MONEY = frozenset(tokens("money funding finance investment income spend spending value revenue turnover "
                         "savings grant grants profit cash"))
CURRENCY = re.compile(r"[£$€]\s?\d|\d\s?(?:pounds|euros|dollars)\b", re.I)


def counted(question: str) -> str:
    """The word a "how many / how much" question counts ("how many jobs did …" → "jobs"); "" when the next word
    is not a noun of its own ("how much did it cost", "how many of them")."""
    m = _COUNTED.search(question or "")
    return m.group(1).lower() if m and tokens(m.group(1)) else ""


# "how many jobs": a count of people its sentence says are employed ("now employs 9 people") counts jobs too
JOBS = frozenset(tokens("jobs posts roles employment employees staff workers positions"))
_WORKERS = frozenset(tokens("staff employees workers"))
_PEOPLE = frozenset(tokens("people persons"))
_EMPLOYS = re.compile(r"\bemploy(?:s|ed|ing|ment)?\b|\bon (?:the|its) payroll\b", re.I)


def counts(label: str, noun: str, sentence: str = "") -> bool:
    """A figure's label (its quantity: "1400 jobs and £120m GVA") counts ``noun``: the word is in it, or the noun
    is money and the label is a sum, or the noun is jobs and the label counts staff, or people its sentence says
    are employed."""
    token = next(iter(tokens(noun)), "")
    said = set(tokens(label))
    if not token:
        return False
    if token in said or token in MONEY and CURRENCY.search(label) is not None:
        return True
    return token in JOBS and bool(said & _WORKERS or said & _PEOPLE and _EMPLOYS.search(sentence))

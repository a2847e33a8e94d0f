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
                      r"who (?:has|have) (?:done|tried|managed)|anyone (?:who )?(?:has |have )?(?:done|tried)|"
                      r"where (?:has|have) (?:this|it|that) (?:been )?(?:worked|done|happened|tried)|"
                      r"real[- ](?:life|world)|in practice somewhere)", re.I)),
    (EVIDENCE, re.compile(_W + r"(how (?:much|many)|figures?" + _E + r"|statistics?" + _E +
                          r"|numbers? (?:of|on)|per £|"
                          r"return(?:ed)? (?:on|for) (?:every|each|the)|£\s?\d|\d+\s?(?:jobs|%|per ?cent)|"
                          r"social return|what (?:difference|value) (?:did|does|has)|quantif\w*|"
                          r"(?:hard )?data (?:on|about|showing))", re.I)),
    (ASSUMPTION, re.compile(_W + r"(assum\w*|presuppos\w*|premise" + _E + r"|taken for granted|take for granted|"
                            r"what (?:has|needs|must) (?:to )?(?:be )?(?:true|hold)|"
                            r"(?:rests?|relies?|depends?|hinges?) on (?:the )?(?:idea|belief|view)|"
                            r"underlying (?:belief|idea)s?|belie(?:f|fs|ve) (?:that|behind))", re.I)),
    (HOWTO, re.compile(_W + r"(how (?:do|can|should|would|could) (?:i|we|you|they|a|an|our|the)\b|how to|"
                       r"what (?:steps|should (?:i|we))|where (?:do|can|should) (?:i|we) (?:start|begin|go|get|find)|"
                       r"ways? to|tips? (?:on|for)|best way)", re.I)),
)


def asked(question: str) -> Ask:
    """The answer kind a question's form words ask for (the first kind whose words it uses), else none."""
    for kind, pat in PATTERNS:
        m = pat.search(question or "")
        if m:
            return Ask(kind, " ".join(m.group(0).split()))
    return Ask("")

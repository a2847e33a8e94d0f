"""The one tokenizer, stemmer and stop list: BM25, the resolver of text arguments and ingest's merge
compare words the same way.

Lower-cased, accent-folded words without stopwords, lightly stemmed (plurals and a few suffixes, no
dictionary), so 'referrals' meets 'referral' and 'coaching' meets 'coach' wherever text is compared.
"""

from __future__ import annotations

import re
import unicodedata

from bm25s.stopwords import STOPWORDS_EN

# bm25s's English list plus the words people put around a question ("how do I …", "what if my …"):
# they carry no topic and, being rare in the corpus, would otherwise get a high idf.
_EXTRA_STOPWORDS = """
about after again all also am any because been before being both can could did do does doing done
during each few from further get gets getting had has have having he her here hers him his how i
i'm im its itself just me more most my myself nor now only other our ours out over own same she
should so some than them themselves those through too under until up very we were what when where
which while who whom why would you your yours yourself yourselves us want need needs help way ways
anything something someone there's what's thing things does kind sort much many really tell know
dont doesnt isnt cant wont arent
"""
STOPWORDS = frozenset(STOPWORDS_EN) | frozenset(_EXTRA_STOPWORDS.split())

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_SUFFIXES = ("ations", "ation", "ing", "ed", "ly")



def light_stem(word: str) -> str:
    """Fold plurals and a few suffixes ('referrals' -> 'referral', 'coaching' -> 'coach'); no dictionary."""
    w = word
    if len(w) <= 3:
        return w
    if w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("ies") and len(w) > 5:
        w = w[:-3] + "y"
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            w = w[: -len(suf)]
            break
    return w[:-1] if w.endswith("e") and len(w) > 4 else w


def tokens(text: str) -> list[str]:
    """Lower-cased, accent-folded words without stopwords, lightly stemmed: the BM25 vocabulary."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    out = []
    for w in _WORD.findall(text):
        w = w.replace("'", "")
        if len(w) < 2 or w in STOPWORDS:
            continue
        out.append(light_stem(w))
    return out

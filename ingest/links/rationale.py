"""One line, in plain words, saying why an arrow is there: stored with the link (ep:rationale).

* textual — the sentence that states it, with its document and section;
* inferred — which sentence of each element matched best, what they share, and how strongly
  ("… and … both describe local support and referrals; similarity 0.56, moderate");
* curated — who added it and their reason.

No model id or internal string reaches a reader: the model is recorded on the link apart (ep:model).
"""

from __future__ import annotations

import re

import numpy as np

QUOTE_MAX = 220  # characters of a sentence quoted in a rationale
STOP = frozenset("""a about above across after again against all also an and any are as at be because been being
both but by can could do does each for from further had has have having how if in into is it its itself more most
much must no nor not of on once only or other our out over own same should so some such than that the their them
then there these they this those through to too under until up very was we were what when where which while who
whom why will with within without would you your local already often well just like many make made able
ways such every other others become becomes becoming became greater best help helps helping helped achieve
achieved achieves understand enable enables enabled ensure ensures provide provides provided lead leads allow
allows providing""".split()  # noqa: SIM905 - a word list reads best as text
)


def strength_words(similarity: float) -> str:
    """How strong a similarity is, in words (bands of the model's cosine on this kind of text)."""
    return "strong" if similarity >= 0.6 else "moderate" if similarity >= 0.45 else "weak"


def _cut(text: str, limit: int = QUOTE_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def textual(sentence: str, document: str, section: str) -> str:
    if len(document) > 60 and ": " in document:  # "Innovations in Business Support: The …" → its short title
        document = document.split(": ", 1)[0]
    where = f"“{document}”" + (f", {section.title() if section.isupper() else section}" if section else "")
    return f"Stated in {where}: “{_cut(sentence)}”"


def curated(author: str, reason: str) -> str:
    return f"Added by {author}: {' '.join(reason.split())}"


def split_sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?;])\s+(?=[A-Z‘“'\"(])", " ".join(text.split()))
    return [p.strip(" -–—") for p in parts if len(p.split()) >= 3] or [text.strip()]


def _stem(word: str) -> str:
    for suffix in ("ing", "es", "s", "ed"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


COMMON_SHARE = 0.4  # a word in this share of all elements' texts says nothing about a particular pair


def words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z][a-z'-]+", text.lower().replace("’", "'")) if w not in STOP and len(w) > 3]


def shared_words(a: str, b: str, limit: int = 3, common: frozenset[str] = frozenset()) -> tuple[list[str], list[str]]:
    """(distinctive, common) content words the two texts share (by a crude stem), in ``a``'s order."""
    theirs = {_stem(w) for w in words(b)}
    out: list[str] = []
    for w in words(a):
        if _stem(w) in theirs and _stem(w) not in {_stem(x) for x in out}:
            out.append(w)
    return [w for w in out if _stem(w) not in common][:limit], [w for w in out if _stem(w) in common][:limit]


def common_stems(texts: list[str]) -> frozenset[str]:
    """Stems found in at least COMMON_SHARE of ``texts`` (the whole model's vocabulary, e.g. 'support')."""
    counts: dict[str, int] = {}
    for t in texts:
        for s in {_stem(w) for w in words(t)}:
            counts[s] = counts.get(s, 0) + 1
    return frozenset(s for s, c in counts.items() if len(texts) >= 5 and c >= COMMON_SHARE * len(texts))


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


class InferredExplainer:
    """For an inferred pair, the best-matching sentence of each element's text and what they share."""

    def __init__(self, encode, all_texts: list[str] = ()):
        """``encode``: texts → unit vectors (the linker's, memoised, so no sentence is embedded twice);
        ``all_texts``: every element's text, to tell distinctive shared words from the model's common ones."""
        self.encode = encode
        self.common = common_stems(list(all_texts))

    def explain(self, label_a: str, text_a: str, label_b: str, text_b: str, similarity: float) -> tuple[str, str]:
        """(rationale, evidence): evidence is the two matched sentences, the rationale says why in words."""
        sa, sb = split_sentences(text_a or label_a), split_sentences(text_b or label_b)
        va, vb = self.encode(sa), self.encode(sb)
        sims = np.asarray(va) @ np.asarray(vb).T
        i, j = np.unravel_index(int(np.argmax(sims)), sims.shape) if sims.size else (0, 0)
        a, b = sa[i], sb[j]
        distinct, common = shared_words(a, b, common=self.common)
        if not distinct:
            distinct, more = shared_words(f"{label_a} {text_a}", f"{label_b} {text_b}", common=self.common)
            common = common or more
        if distinct:
            what = f"both describe {_listed(distinct)}"
        elif common:
            what = f"they share only words common to the whole model ({_listed(common)})"
        else:
            what = "they share no words: the match is in meaning only"
        rationale = (f"Inferred from wording: “{_cut(a, 140)}” ({label_a}) and “{_cut(b, 140)}” ({label_b}); "
                     f"{what}; similarity {similarity:.2f}, {strength_words(similarity)}.")
        return rationale, f"“{a}” / “{b}”"

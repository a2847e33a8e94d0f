"""The learned case linker: five plain signals per (case, element), mixed by weights fitted on judged case studies.

Similarity to an element's own wording alone ranks the elements a judge names at a median of 8th of 32 on real
case studies; a case study says "a mentor met the founders every fortnight", not "relational approaches". The
model adds what judged case studies teach, each signal one a person can check:

* **definition** — how closely the case's sentences say what the element's own texts say (``cases.SETTINGS``);
* **examples** — how closely they read like the element's example sentences (``examples.yaml``, written blind);
* **classifier** — a sentence classifier trained on those examples and on the sentences judges quoted as showing
  each element in real case studies: the mean, over the case's sentences, of the chance it names this element;
* **similar cases** — which elements the judged case studies most like this one illustrate;
* **base rate** — how many judged case studies illustrate the element at all.

``bench/case_fit.py`` fits it (leave-one-case-out on the judged cases, so every weight is chosen on cases the
signals had not seen) and writes ``case_model.json`` (readable: the judged cases, counts, weights, threshold,
the figures it was chosen on) and ``case_model.npz`` (the classifier's weights and the judged cases' vectors).
A model made with another encoder is not used: the build falls back to the definition score alone.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

MODEL_JSON = Path(__file__).with_name("case_model.json")
MODEL_ARRAYS = MODEL_JSON.with_suffix(".npz")
# The same fitted over every kind of node a case may illustrate (the 32 elements, the vision, the purpose, the
# assumptions and the foundations: ``match.CASE_CLASSES``), by ``bench.case_fit --kinds``. The build reads it only
# to rank the other kinds beside the elements on a case's words alone (``words_only``); the elements' links stay
# the model above's, with its threshold.
KINDS_JSON = MODEL_JSON.with_name("case_model_kinds.json")
FEATURES = ("definition", "examples", "classifier", "similar_cases", "base_rate")


@dataclass(frozen=True)
class JudgedCase:
    """A judged case study the model learned from: where it came from and what a judge linked it to."""

    file: str
    title: str
    source_url: str
    links: tuple[str, ...]


@dataclass
class CaseModel:
    encoder: str  # the model id of the vectors below; another encoder's vectors are not comparable
    elements: list[str]  # element ids, the column order of every array
    cases: list[JudgedCase]
    case_vectors: np.ndarray  # judged cases × dim: each case's mean sentence vector, unit length
    classifier_w: np.ndarray  # dim × elements (softmax regression over sentence vectors)
    classifier_b: np.ndarray  # elements
    weights: np.ndarray  # FEATURES + bias, over standardised features
    mean: np.ndarray  # FEATURES: the training features' mean …
    scale: np.ndarray  # … and spread
    threshold: float  # a link is kept when its probability reaches this (chosen leave-one-case-out)
    neighbours: int = 8  # similar cases: how many judged cases vote …
    temperature: float = 0.05  # … weighted by exp(similarity / temperature)
    fitted_on: dict = field(default_factory=dict)  # halves, counts and the leave-one-case-out figures
    # the example sentences' vectors, kept so a build need not encode them again; used only while the examples
    # file still hashes to ``examples_digest`` (and the encoder is the same)
    example_vectors: np.ndarray | None = None
    examples_digest: str = ""

    @cached_property
    def labels(self) -> np.ndarray:
        """judged cases × elements: 1 where the judge linked the case to the element."""
        col = {e: j for j, e in enumerate(self.elements)}
        y = np.zeros((len(self.cases), len(self.elements)), dtype="float32")
        for i, c in enumerate(self.cases):
            for e in c.links:
                if e in col:
                    y[i, col[e]] = 1.0
        return y


def examples_digest(texts: list[str]) -> str:
    """A fingerprint of the example sentences in their order (which element each belongs to is in the order)."""
    return hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()[:16]


def base_rate(labels: np.ndarray) -> np.ndarray:
    """log of each element's share of the judged links, add-one smoothed, so an element no judge named still has
    a (low) rate rather than minus infinity."""
    counts = labels.sum(axis=0)
    return np.log((counts + 1.0) / (counts.sum() + len(counts)))


def similar_cases(whole: np.ndarray, vectors: np.ndarray, labels: np.ndarray, k: int, temperature: float
                  ) -> tuple[np.ndarray, np.ndarray]:
    """The judged cases' links, weighted by how alike each case is to this one (its k nearest), as a log share;
    and the indices of those neighbours, nearest first."""
    if not len(vectors):
        return np.zeros(labels.shape[1]), np.zeros(0, dtype=int)
    s = vectors @ whole
    near = np.argsort(-s, kind="stable")[:k]
    w = np.exp((s[near] - s[near].max()) / temperature)
    return np.log((w[:, None] * labels[near]).sum(axis=0) / w.sum() + 0.01), near


def classify(sentences: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """sentences × elements: the softmax regression's chance that each sentence shows each element."""
    z = sentences @ w + b
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def feature_rows(definition: np.ndarray, examples: np.ndarray, sentence_p: np.ndarray, similar: np.ndarray,
                 rate: np.ndarray) -> np.ndarray:
    """elements × FEATURES for one case (the order of ``FEATURES``)."""
    return np.stack([definition, examples, sentence_p.mean(axis=0), similar, rate], axis=1)


def keep(p: np.ndarray, threshold: float, cap: int, taken: frozenset[int] = frozenset()) -> list[int]:
    """The elements a case keeps, most likely first: its best always (unless ``taken`` already holds links),
    then the next while they reach the threshold, at most ``cap`` counting ``taken``. The build and the fit's
    figures both choose with this, so the threshold chosen is the one the build applies."""
    out: list[int] = []
    for j in np.argsort(-p, kind="stable"):
        j = int(j)
        if len(out) + len(taken) >= cap or ((out or taken) and p[j] < threshold):
            break
        if j not in taken:
            out.append(j)
    return out


def words_only(rows: np.ndarray) -> np.ndarray:
    """``rows`` with the prior signals (similar cases, base rate) set to their mean over the nodes: how the mix
    ranks the nodes on the case's words alone. A node no judge was asked about (an assumption, a foundation,
    the vision, the purpose) has no prior of its own, so this is the only fair ranking of it beside the elements."""
    out = rows.copy()
    for f in ("similar_cases", "base_rate"):
        k = FEATURES.index(f)
        out[:, k] = rows[:, k].mean()
    return out


def probability(rows: np.ndarray, weights: np.ndarray, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    z = ((rows - mean) / scale) @ weights[:-1] + weights[-1]
    return 1.0 / (1.0 + np.exp(-z))


def save(model: CaseModel, path: Path = MODEL_JSON) -> None:
    meta = {
        "about": "The learned case linker (ingest/links/case_model.py), fitted by bench/case_fit.py"
                 + (" --kinds: over every kind of node, read only to rank the other kinds" if path == KINDS_JSON
                    else "."),
        "encoder": model.encoder, "elements": model.elements, "features": list(FEATURES),
        "weights": dict(zip([*FEATURES, "bias"], map(float, model.weights), strict=True)),
        "mean": [float(x) for x in model.mean], "scale": [float(x) for x in model.scale],
        "threshold": model.threshold, "neighbours": model.neighbours, "temperature": model.temperature,
        "fitted_on": model.fitted_on, "examples_digest": model.examples_digest,
        "cases": [{"file": c.file, "title": c.title, "source_url": c.source_url, "links": list(c.links)}
                  for c in model.cases],
    }
    path.write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    np.savez_compressed(path.with_suffix(".npz"), case_vectors=model.case_vectors.astype("float32"),
                        classifier_w=model.classifier_w.astype("float32"),
                        classifier_b=model.classifier_b.astype("float32"),
                        example_vectors=(model.example_vectors if model.example_vectors is not None
                                         else np.zeros((0, 0))).astype("float32"))


@lru_cache(maxsize=2)
def load(path: Path = MODEL_JSON) -> CaseModel | None:
    """The fitted model, or None when it is absent (the definition score alone is used then)."""
    if not path.exists() or not path.with_suffix(".npz").exists():
        return None
    meta = json.loads(path.read_text(encoding="utf-8"))
    arrays = np.load(path.with_suffix(".npz"), allow_pickle=False)
    return CaseModel(
        encoder=meta["encoder"], elements=list(meta["elements"]),
        cases=[JudgedCase(c["file"], c["title"], c.get("source_url", ""), tuple(c["links"])) for c in meta["cases"]],
        case_vectors=arrays["case_vectors"], classifier_w=arrays["classifier_w"],
        classifier_b=arrays["classifier_b"],
        weights=np.asarray([meta["weights"][f] for f in [*FEATURES, "bias"]], dtype="float64"),
        mean=np.asarray(meta["mean"]), scale=np.asarray(meta["scale"]), threshold=float(meta["threshold"]),
        neighbours=int(meta["neighbours"]), temperature=float(meta["temperature"]),
        fitted_on=meta.get("fitted_on", {}),
        example_vectors=arrays["example_vectors"] if "example_vectors" in arrays.files else None,
        examples_digest=meta.get("examples_digest", ""))

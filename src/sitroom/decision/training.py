"""Training the decision model from annotated text (`sitroom train`).

Annotated data comes in three shapes, told apart by what the path holds:

- a real-news split folder (``articles.jsonl`` + ``gold.jsonl``, the
  ``eval/realnews`` format), or its ``gold.jsonl`` with ``articles.jsonl``
  beside it: every event of every article is annotated;
- a JSONL file with one article per line, ``{"id", "text", "published"?,
  "events": [...]}``, the events in the same format (exhaustive too);
- a PLOVER gold-record file (a JSON array of sentences with one ``event``
  each): only the sentence's main event is annotated.

The rule coder codes every text; each candidate it emits is labelled with the
type of the annotated event at its place (or NONE when there is none), and,
for exhaustive data, whether it matches an annotated event exactly (type,
actor and recipient countries) as ``sitroom eval realnews`` counts it. The
type head learns the first label, the confidence head the second, from the
type head's out-of-fold output, so the confidence is calibrated on text the
type head did not see. Figures are cross-validated by article (5 folds).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.optimize import minimize

from ..errors import DataFileError
from ..evaluation.realnews import article_counts, located, match_article, side_ok, trigger_near
from ..records import Event
from .features import N_FEATURES, Candidate, candidate_features, hashed
from .model import CONFIDENCE_INPUTS, NONE, DecisionModel
from .stage import merge_key
from .sides import FILL_FEATURES, SIDES, context_of, fill_candidates, fill_options, hashed_fill, sentences_of

__all__ = [
    "Annotated", "TrainingResult", "calibration", "candidates_of", "default_threshold", "fill_accuracy", "load_annotated",
    "load_plover_texts", "train_model",
]  # fmt: skip

FOLDS = 5
_L2 = 1.0  # penalty on the type head's weights
_CONF_L2 = 1.0  # on the confidence head: chosen on cross-validated calibration (0.01: 0.055, 1: 0.040, 10: 0.028)
_THRESHOLDS = [round(0.05 * i, 2) for i in range(1, 20)]
# The default threshold: the best event F1 (cross-validated) among the thresholds that find at least as
# many events as the rules alone and of whose stored events at least PRECISION_FLOOR are right; where F1
# is flat (within F1_SLACK of the best) the highest such threshold, since the same F1 with fewer wrong
# events is the better store.
PRECISION_FLOOR = 0.6
F1_SLACK = 0.01
# A side is filled when its best option is at least this likely: filling never makes a coded event
# less right than an empty side, and the confidence head sees how sure the filler was.
FILL_THRESHOLD = 0.25


@dataclass(slots=True)
class Annotated:
    """One annotated text: an article (all events annotated) or a gold sentence (one)."""

    id: str
    record: dict  # the article record as `sitroom ingest` reads it
    events: list[dict]
    exhaustive: bool
    source: str
    truncated: bool = False


@dataclass
class TrainingResult:
    model: DecisionModel
    examples: int
    cv: dict  # cross-validated figures
    reliability: list[dict] = field(default_factory=list)


# --- reading ----------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_lines(path: Path) -> list[tuple[int, dict]]:
    rows = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(str(path), None, f"cannot read: {exc}") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataFileError(str(path), n, f"not valid JSON: {exc.msg}") from None
        if not isinstance(obj, dict):
            raise DataFileError(str(path), n, "expected a JSON object")
        rows.append((n, obj))
    return rows


def _realnews_folder(folder: Path) -> list[Annotated]:
    from ..evaluation.realnews import load_annotated_folder

    folder = folder.resolve()  # "." inside the test split is the test split
    if folder.name in ("test", "val") and (folder.parent / "GUIDE.md").exists():
        raise DataFileError(str(folder), None, f"this is the frozen {folder.name} split: it is scored, never trained on")
    _, articles, gold = load_annotated_folder(folder)
    out = []
    for article_id, article in articles.items():
        out.append(Annotated(article_id, article, gold[article_id], True, str(folder), bool(article.get("truncated"))))
    return out


def _article_lines(path: Path) -> list[Annotated]:
    from ..evaluation.realnews import check_event

    out = []
    for n, row in _read_lines(path):
        text, events = row.get("text"), row.get("events")
        if not isinstance(text, str) or not isinstance(events, list):
            raise DataFileError(str(path), n, "each line needs 'text' (a string) and 'events' (a list)")
        for ev in events:
            check_event(path, n, text, ev)
        ident = str(row.get("id") or f"{path.stem}-{n}")
        out.append(Annotated(ident, row, events, True, str(path), bool(row.get("truncated"))))
    return out


def load_plover_texts(path: Path) -> list[Annotated]:
    from ..evaluation.plover import load_plover_gold

    out = []
    for n, rec in enumerate(load_plover_gold(path), 1):
        event = {"type": rec.event_type, "sources": sorted(rec.sources), "targets": sorted(rec.targets)}
        ident = f"plover-{n}-{rec.id}"  # the gold reuses some ids
        out.append(Annotated(ident, {"id": ident, "text": rec.text}, [event], False, str(path)))
    return out


def load_annotated(paths: Iterable[str | Path]) -> tuple[list[Annotated], list[dict]]:
    """(annotated texts, provenance of each input: path, kind, sha256, texts)."""
    texts: list[Annotated] = []
    provenance = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            if not (p / "articles.jsonl").exists():
                raise DataFileError(str(p), None, "a training folder needs articles.jsonl and gold.jsonl (a real-news split)")
            got, kind, digest = _realnews_folder(p), "realnews", _sha256(p / "gold.jsonl")
        elif p.name == "gold.jsonl" and (p.parent / "articles.jsonl").exists():
            got, kind, digest = _realnews_folder(p.parent), "realnews", _sha256(p)
        elif p.is_file():
            head = p.read_text(encoding="utf-8", errors="replace").lstrip()[:1]
            if head == "[":
                got, kind = load_plover_texts(p), "plover-gold"
            else:
                got, kind = _article_lines(p), "articles"
            digest = _sha256(p)
        else:
            raise DataFileError(str(p), None, "not found")
        texts += got
        provenance.append({"path": str(raw), "kind": kind, "sha256": digest, "texts": len(got),
                           "events": sum(len(a.events) for a in got)})  # fmt: skip
    ids = Counter(a.id for a in texts)
    dup = next((i for i, n in ids.items() if n > 1), None)
    if dup is not None:
        raise DataFileError(str(dup), None, "the same text id appears in two training inputs")
    return texts, provenance


# --- candidates and labels --------------------------------------------------------------------------


def _as_dict(e: Event, sentence: str) -> dict:
    return {
        "sentence": sentence, "trigger": e.trigger, "event_type": e.event_type, "cameo_code": e.cameo_code,
        "actor": [{"country": r.country} for r in e.actor], "recipient": [{"country": r.country} for r in e.recipient],
        "sentence_index": e.sentence_index,
    }  # fmt: skip


@dataclass(slots=True)
class _Example:
    text: int  # index of the annotated text
    candidate: Candidate
    label: str  # the annotated type at the candidate's place, or NONE
    view: dict  # the candidate as the evaluator sees it
    raw: dict  # the rules' candidate before any side was filled, as the evaluator sees it


def candidates_of(pipeline, texts: list[Annotated], progress: Callable[[int], None] | None = None) -> list[list[Candidate]]:
    """The rule coder's candidates for every text, parsed in batches."""
    from ..ingest.readers import record_item
    from ..records import IngestProblem

    prepared = []
    for a in texts:
        item = record_item(a.source, "jsonl", a.record)
        article = pipeline.prepare(item) if not isinstance(item, IngestProblem) else item
        if isinstance(article, IngestProblem):
            raise DataFileError(a.source, None, f"text {a.id!r}: {article.message}")
        prepared.append(article)
    out: list[list[Candidate]] = []
    docs = pipeline.nlp.pipe((a.text for a in prepared), batch_size=32)
    for n, (article, doc) in enumerate(zip(prepared, docs), 1):
        coded = pipeline.code_article(article, doc, decide=False)
        sents = {s.index: s for s in coded.sentences}
        out.append([Candidate(e, sents[e.sentence_index].text, sents[e.sentence_index].start) for e in coded.events])
        if progress is not None:
            progress(n)
    return out


def _plover_main(cands: list[Candidate]) -> Candidate | None:
    """The sentence's main candidate: the first asserted one, else the first."""
    return next((c for c in cands if c.event.modality == "asserted"), cands[0] if cands else None)


def _gold_here(a: Annotated, view: dict) -> dict | None:
    """The annotated event at a candidate's place (the one of its type if several), or None."""
    here = [g for g in a.events if located(g, view) and trigger_near(g, view)]
    if not here:
        return None
    return next((g for g in here if g.get("type") == view["event_type"]), here[0])


def _examples(texts: list[Annotated], candidates: list[list[Candidate]], raw: list[list[Candidate]]) -> list[_Example]:
    out = []
    for t, (a, cands, rules) in enumerate(zip(texts, candidates, raw)):
        if not a.exhaustive:
            main = _plover_main(cands)
            if main is not None:
                out.append(_Example(t, main, a.events[0]["type"], {}, {}))
            continue
        for c, r in zip(cands, rules):
            view = _as_dict(c.event, c.sentence)
            g = _gold_here(a, view)
            label = (g.get("type") or NONE) if g else NONE
            out.append(_Example(t, c, label, view, _as_dict(r.event, r.sentence)))
    return out


def _fill_rows(texts: list[Annotated], candidates: list[list[Candidate]], country_name) -> list[tuple[int, list[int], float]]:
    """(text, hashed features, right) for every option of every empty side of a candidate that sits
    on an annotated event: right when the annotation names that country on that side."""
    rows = []
    for t, (a, cands) in enumerate(zip(texts, candidates)):
        if not a.exhaustive:
            continue
        ctx = context_of([c.event for c in cands], sentences_of(cands), country_name)
        for c in cands:
            g = _gold_here(a, _as_dict(c.event, c.sentence))
            if g is None:
                continue
            for side in SIDES:
                if any(r.country for r in getattr(c.event, side)):
                    continue
                for country, features in fill_options(c.event, side, ctx):
                    right = bool(g.get(side)) and side_ok(g.get(side), [{"country": country}])
                    rows.append((t, hashed_fill(features), 1.0 if right else 0.0))
    return rows


def _fit_fill(rows: list[tuple[int, list[int], float]]) -> np.ndarray:
    x = sparse.csr_matrix(
        (np.ones(sum(len(r[1]) for r in rows)), np.concatenate([r[1] for r in rows]).astype(np.int64) if rows else [],
         np.cumsum([0, *(len(r[1]) for r in rows)])),
        shape=(len(rows), FILL_FEATURES),
    )  # fmt: skip
    return _fit_logistic(x, np.array([r[2] for r in rows]), l2=1.0).astype(np.float32)


def fill_accuracy(texts: list[Annotated], raw: list[list[Candidate]], filled: list[list[Candidate]]) -> dict:
    """How right the filler is: of the empty sides of candidates that sit on an annotated event whose side
    names a country, how many it filled, how many of those with a right country, and how many it left empty."""
    sides = right = empty = 0
    for a, rules, cands in zip(texts, raw, filled):
        if not a.exhaustive:
            continue
        for r, c in zip(rules, cands):
            g = _gold_here(a, _as_dict(r.event, r.sentence))
            if g is None:
                continue
            for side in SIDES:
                if any(x.country for x in getattr(r.event, side)) or not any(x.get("country") for x in g.get(side) or []):
                    continue
                if side in c.filled.split("+"):
                    sides += 1
                    right += side_ok(g.get(side), [{"country": x.country} for x in getattr(c.event, side)])
                else:
                    empty += 1
    return {"filled": sides, "right": right, "accuracy": round(right / sides, 4) if sides else 0.0, "left_empty": empty}


def _filled(candidates, weights_of_text, threshold: float, country_name) -> tuple[list[list[Candidate]], Counter]:
    """Every text's candidates with their empty sides filled by the filler ``weights_of_text(t)``."""
    out = [fill_candidates(cands, weights_of_text(t), threshold, country_name) for t, cands in enumerate(candidates)]
    return out, Counter(c.filled or "none" for cands in out for c in cands)


# --- fitting ------------------------------------------------------------------------------------------


def _fit_softmax(x: sparse.csr_matrix, y: np.ndarray, k: int, l2: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    l2 = _L2 if l2 is None else l2
    n, d = x.shape
    onehot = np.zeros((n, k))
    onehot[np.arange(n), y] = 1.0

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w = theta[: d * k].reshape(d, k)
        b = theta[d * k :]
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        p = np.exp(logp)
        value = -(onehot * logp).sum() + 0.5 * l2 * (w * w).sum()
        g = p - onehot
        gw = x.T @ g + l2 * w
        return value, np.concatenate([np.asarray(gw).ravel(), g.sum(axis=0)])

    theta = np.zeros(d * k + k)
    res = minimize(loss, theta, jac=True, method="L-BFGS-B", options={"maxiter": 400})
    return res.x[: d * k].reshape(d, k), res.x[d * k :]


def _fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-2) -> np.ndarray:
    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ w
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        eps = 1e-9
        value = -(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)).sum() + 0.5 * l2 * (w * w).sum()
        return value, x.T @ (p - y) + l2 * w

    res = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return res.x


def _folds(texts: list[Annotated], k: int = FOLDS) -> list[int]:
    """A fold per text, stable: by a hash of its id (articles of a cluster may share a fold or not)."""
    return [int(hashlib.sha1(a.id.encode()).hexdigest(), 16) % k for a in texts]


def _matrix(rows: list[dict[int, float]], columns: dict[int, int]) -> sparse.csr_matrix:
    data, ind, ptr = [], [], [0]
    for r in rows:
        for c, v in sorted(r.items()):
            j = columns.get(c)
            if j is not None:
                ind.append(j)
                data.append(v)
        ptr.append(len(ind))
    return sparse.csr_matrix((np.array(data, dtype=np.float64), np.array(ind, dtype=np.int64), np.array(ptr)),
                             shape=(len(rows), len(columns)))  # fmt: skip


def _type_head(rows: list[dict[int, float]], y: np.ndarray, labels: list[str]) -> DecisionModel:
    used = sorted({c for r in rows for c in r})
    columns = {c: j for j, c in enumerate(used)}
    w, b = _fit_softmax(_matrix(rows, columns), y, len(labels))
    keep = np.abs(w).max(axis=1) > 1e-4
    return DecisionModel(
        labels=labels,
        columns=np.array(used, dtype=np.int32)[keep],
        weights=w[keep].astype(np.float32),
        bias=b.astype(np.float32),
        confidence_weights=np.zeros(len(CONFIDENCE_INPUTS)),
    )


def default_threshold(by_threshold: dict[str, dict], rules_only: dict) -> tuple[float, str]:
    """(threshold, why): the highest threshold whose event F1 is within F1_SLACK of the best F1 among those
    that keep recall at least the rules' alone and precision at least PRECISION_FLOOR; without such a
    threshold, the most precise one that keeps the rules' recall; without that, the F1-best one."""
    rows = {float(th): r for th, r in by_threshold.items()}
    enough = [th for th, r in rows.items() if r["recall"] >= rules_only["recall"]]
    eligible = [th for th in enough if rows[th]["precision"] >= PRECISION_FLOOR]
    if eligible:
        best = max(rows[th]["f1"] for th in eligible)
        return max(th for th in eligible if rows[th]["f1"] >= best - F1_SLACK), "f1"
    if enough:
        return max(enough), "recall floor"
    return max(rows, key=lambda th: (rows[th]["f1"], -th)), "f1 only"


def calibration(confidence: Iterable[float], right: Iterable[bool], bins: int = 10) -> tuple[float, list[dict]]:
    """Expected calibration error and the reliability table of (confidence, was it right) pairs."""
    confidence = np.asarray(list(confidence), dtype=float)
    right = np.asarray(list(right), dtype=float)
    table = []
    total = 0.0
    for i in range(bins):
        lo, hi = i / bins, (i + 1) / bins
        inside = (confidence >= lo) & ((confidence < hi) if i < bins - 1 else (confidence <= hi))
        n = int(inside.sum())
        if not n:
            continue
        mean_c, rate = float(confidence[inside].mean()), float(right[inside].mean())
        total += n * abs(mean_c - rate)
        table.append({"bin": f"{lo:.1f}-{hi:.1f}", "events": n, "mean_confidence": round(mean_c, 3), "right": round(rate, 3)})
    return (total / len(confidence) if len(confidence) else 0.0), table


def train_model(
    pipeline,
    paths: Iterable[str | Path],
    *,
    override: float = 0.6,
    threshold: float | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> TrainingResult:
    """Train the decision model on annotated data; figures are cross-validated by text."""
    texts, provenance = load_annotated(paths)
    if not texts:
        raise DataFileError("training data", None, "no annotated texts")
    raw = candidates_of(pipeline, texts, (lambda n: progress("coding", n, len(texts))) if progress else None)
    fold_of_text = _folds(texts)

    # the side filler, out of fold for the candidates the heads learn from
    fill_rows = _fill_rows(texts, raw, pipeline.actors.country_name)
    fill_w = None
    candidates, fill_counts, fill_score = raw, Counter(), fill_accuracy(texts, raw, raw)
    if fill_rows and len({r[2] for r in fill_rows}) == 2:
        by_fold = {k: _fit_fill([r for r in fill_rows if fold_of_text[r[0]] != k]) for k in range(FOLDS)}
        candidates, fill_counts = _filled(raw, lambda t: by_fold[fold_of_text[t]], FILL_THRESHOLD, pipeline.actors.country_name)
        fill_score = fill_accuracy(texts, raw, candidates)
        fill_w = _fit_fill(fill_rows)
    examples = _examples(texts, candidates, raw)
    if not examples:
        raise DataFileError("training data", None, "the rules found no candidate events in the training texts")
    types = sorted({e.label for e in examples if e.label != NONE} | {e.candidate.event.event_type for e in examples})
    labels = [NONE, *types]
    y = np.array([labels.index(e.label) for e in examples])
    rows = [hashed(candidate_features(e.candidate), N_FEATURES) for e in examples]
    fold = np.array([fold_of_text[e.text] for e in examples])

    # out-of-fold type probabilities
    oof = np.zeros((len(examples), len(labels)))
    for k in range(FOLDS):
        if progress:
            progress("cross-validating", k + 1, FOLDS + 1)
        train = np.flatnonzero(fold != k)
        held = np.flatnonzero(fold == k)
        if not len(held):
            continue
        head = _type_head([rows[i] for i in train], y[train], labels)
        for i in held:
            oof[i] = head.probabilities_of(rows[i])
    shell = DecisionModel(labels, np.zeros(0, np.int32), np.zeros((0, len(labels)), np.float32),
                          np.zeros(len(labels), np.float32), np.zeros(len(CONFIDENCE_INPUTS)), override=override)  # fmt: skip

    # the hybrid's types out of fold, and whether each candidate is then right as coded
    finals, by, inputs = [], [], []
    for e, p in zip(examples, oof):
        t, d = shell.hybrid(p, e.candidate.event.event_type)
        finals.append(t)
        by.append(d)
        inputs.append(shell.confidence_inputs(e.candidate, p, t, d))
    exhaustive = [i for i, e in enumerate(examples) if texts[e.text].exhaustive]
    right = np.zeros(len(examples))
    by_text: dict[int, list[int]] = {}
    for i in exhaustive:
        by_text.setdefault(examples[i].text, []).append(i)
    for t, idx in by_text.items():
        views = [dict(examples[i].view, event_type=finals[i]) for i in idx]
        for _, si in match_article(texts[t].events, views):
            right[idx[si]] = 1.0
    xin = np.array(inputs)
    conf = np.zeros(len(examples))
    ex = np.array(exhaustive)
    for k in range(FOLDS):
        train = ex[fold[ex] != k]
        held = ex[fold[ex] == k]
        if len(held) and len(train):
            w = _fit_logistic(xin[train], right[train], l2=_CONF_L2)
            conf[held] = 1.0 / (1.0 + np.exp(-np.clip(xin[held] @ w, -30, 30)))
    conf_w = _fit_logistic(xin[ex], right[ex], l2=_CONF_L2)

    # cross-validated figures, rules only and hybrid at each threshold
    def scores(keep: Callable[[int], bool], typed: Callable[[int], str], view: str = "view") -> dict:
        mr = req = ok = scored = 0
        for t, idx in by_text.items():
            views = [dict(getattr(examples[i], view), event_type=typed(i)) for i in idx if keep(i)]
            a, b, c, d = article_counts(texts[t].events, views, texts[t].truncated)
            mr, req, ok, scored = mr + a, req + b, ok + c, scored + d
        for t, a in enumerate(texts):  # texts where the rules found nothing still count their gold
            if a.exhaustive and t not in by_text:
                req += sum(1 for g in a.events if g.get("required", True))
        p = ok / scored if scored else 0.0
        r = mr / req if req else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
                "coded": scored}  # fmt: skip

    typed_pairs = [(examples[i].label, finals[i], examples[i].candidate.event.event_type) for i in range(len(examples))
                   if examples[i].label != NONE]  # fmt: skip
    rules_acc = sum(g == r for g, _, r in typed_pairs) / len(typed_pairs) if typed_pairs else 0.0
    hybrid_acc = sum(g == f for g, f, _ in typed_pairs) / len(typed_pairs) if typed_pairs else 0.0
    model_acc = 0.0
    if typed_pairs:
        idx = [i for i in range(len(examples)) if examples[i].label != NONE]
        model_acc = sum(labels[int(np.argmax(oof[i][1:])) + 1] == examples[i].label for i in idx) / len(idx)
    def kept_at(th: float) -> set[int]:
        """The candidates the stage keeps at ``th``: the surest of each merge key (stage.py)."""
        best: dict[tuple, int] = {}
        for i in ex:
            key = (examples[i].text, *merge_key(examples[i].candidate.event, finals[i]))
            if conf[i] >= th and (key not in best or conf[best[key]] < conf[i]):
                best[key] = i
        return set(best.values())

    kept = {th: kept_at(th) for th in _THRESHOLDS}
    by_threshold = {str(th): scores(lambda i, th=th: i in kept[th], lambda i: finals[i]) for th in _THRESHOLDS}
    rules_only = scores(lambda i: True, lambda i: examples[i].raw["event_type"], "raw")
    chosen, reason = default_threshold(by_threshold, rules_only)
    if threshold is None:
        threshold = chosen
    else:
        reason = "given"
    ece, table = calibration(conf[ex], right[ex])
    cv = {
        "folds": FOLDS,
        "texts": len(texts),
        "candidates": len(examples),
        "type_accuracy": {"rules": round(rules_acc, 4), "model": round(model_acc, 4), "hybrid": round(hybrid_acc, 4),
                          "located_candidates": len(typed_pairs)},  # fmt: skip
        "events_rules_only": rules_only,
        "events_sides_filled": scores(lambda i: True, lambda i: examples[i].candidate.event.event_type),
        "sides_filled": dict(fill_counts),
        "fill_accuracy": fill_score,
        "events_hybrid_all": scores(lambda i: True, lambda i: finals[i]),
        "events_hybrid": by_threshold.get(str(threshold)) or scores(lambda i: i in kept_at(threshold), lambda i: finals[i]),
        "threshold": {"value": float(threshold), "chosen_by": reason, "precision_floor": PRECISION_FLOOR,
                      "f1_slack": F1_SLACK},  # fmt: skip
        "by_threshold": by_threshold,
        "decided_by": dict(Counter(by)),
        "calibration_error": round(ece, 4),
    }

    if progress:
        progress("fitting", FOLDS + 1, FOLDS + 1)
    model = _type_head(rows, y, labels)
    model.confidence_weights = conf_w
    model.fill_weights = fill_w
    model.fill_threshold = FILL_THRESHOLD
    model.override = override
    model.threshold = float(threshold)
    model.cameo_of = _cameo_of(texts, examples)
    model.meta = {
        "trained": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "data": provenance,
        "cross_validated": cv,
        "label_counts": dict(Counter(e.label for e in examples)),
    }
    return TrainingResult(model, len(examples), cv, table)


def _cameo_of(texts: list[Annotated], examples: list[_Example]) -> dict[str, str]:
    """The CAMEO code given to each type the model assigns: the commonest annotated
    three-digit code of that type, else the rules' commonest code for it."""
    annotated: dict[str, Counter] = {}
    for a in texts:
        for g in a.events:
            code = str(g.get("cameo") or "")
            if g.get("type") and len(code) >= 3:
                annotated.setdefault(g["type"], Counter())[code[:3]] += 1
    for e in examples:
        annotated.setdefault(e.candidate.event.event_type, Counter())[e.candidate.event.cameo_code] += 0.5
    return {t: c.most_common(1)[0][0] for t, c in annotated.items() if c}


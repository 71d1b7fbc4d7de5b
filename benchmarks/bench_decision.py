"""The decision stage's ablation, in one run (BENCHMARKS.md, "Decision stage").

    python benchmarks/bench_decision.py [--rounds 2] [--json]

For the real-news dev and test splits and the PLOVER gold records, codes
every text once with the rules, then scores three ways of deciding the
candidates: the rules only (every candidate, the rules' type), the model
only (the model's type wherever it names one, its threshold applied) and the
hybrid (the shipped default). Reports type accuracy on located candidates,
event precision and recall as ``sitroom eval realnews`` counts them, the
calibration (reliability table and expected calibration error) of the
hybrid's confidence on the test split, and throughput as a ratio of bare
spaCy on the same texts: parse only, parse + rules, parse + rules + model.

The shipped model was trained on the dev split and the PLOVER records, so its
figures there are in-sample; the cross-validated ones are in the model file
(``sitroom train`` prints them). The test split is the honest measure.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from sitroom.decision import Candidate, default_model_path, load_model  # noqa: E402
from sitroom.decision.training import Annotated, load_plover_texts, calibration, candidates_of  # noqa: E402
from sitroom.evaluation.realnews import article_counts, load_annotated_folder, located, match_article, trigger_near  # noqa: E402
from sitroom.pipeline import Pipeline  # noqa: E402


def realnews(split: str) -> list[Annotated]:
    _, articles, gold = load_annotated_folder(ROOT / "eval" / "realnews" / split)
    return [Annotated(i, a, gold[i], True, split, bool(a.get("truncated"))) for i, a in articles.items()]


def deciders(pipeline) -> dict:
    """rules only, model only (the model's type wherever it names one) and the hybrid (the default)."""
    from dataclasses import replace as _replace

    from sitroom.decision import DecisionStage

    hybrid = pipeline.decision
    model_only = DecisionStage(_replace(hybrid.model, override=0.0), hybrid.lexicon, country_name=hybrid.country_name)
    return {"rules": None, "model": model_only, "hybrid": hybrid}


def decided(stage, cands: list[Candidate]) -> list[tuple[Candidate, str, float | None, object]]:
    """(candidate, type, confidence, the decided event) for every candidate, none dropped."""
    if stage is None:
        return [(c, c.event.event_type, None, c.event) for c in cands]
    return [(c, e.event_type, e.confidence, e) for c, e in zip(cands, stage.score(cands))]


def view_of(c: Candidate, e) -> dict:
    return {"sentence": c.sentence, "trigger": e.trigger, "event_type": e.event_type, "cameo_code": e.cameo_code,
            "actor": [{"country": r.country} for r in e.actor], "recipient": [{"country": r.country} for r in e.recipient],
            "sentence_index": e.sentence_index}  # fmt: skip


def score_realnews(texts, cands, stage, how: str) -> dict:
    mr = req = ok = scored = typed = typed_right = 0
    confs, rights = [], []
    for a, cs in zip(texts, cands):
        rows = decided(stage, cs)
        # calibration: every candidate, right when it matches as coded
        every = [view_of(c, e) for c, _, _, e in rows]
        hit = {si for _, si in match_article(a.events, every)}
        for i, (_, _, conf, _) in enumerate(rows):
            if conf is not None:
                confs.append(conf)
                rights.append(i in hit)
        if stage is None:
            views = [view_of(c, e) for c, _, _, e in rows]
        else:  # the events the stage keeps: over the threshold, one sentence's copies of an event merged
            by_id = {e.event_id: c for c, _, _, e in rows}
            views = [view_of(by_id[e.event_id], e) for e in stage.keep([e for _, _, _, e in rows])]
        x = article_counts(a.events, views, a.truncated)
        mr, req, ok, scored = mr + x[0], req + x[1], ok + x[2], scored + x[3]
        for gi, si in match_article(a.events, views, require_type=False):
            g, s = a.events[gi], views[si]
            if trigger_near(g, s) and located(g, s):
                typed += 1
                typed_right += (g.get("type") or "") == s["event_type"]
    p, r = (ok / scored if scored else 0.0), (mr / req if req else 0.0)
    out = {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
           "coded": scored, "type_accuracy": round(typed_right / typed, 3) if typed else None}  # fmt: skip
    if confs and how == "hybrid":
        ece, table = calibration(confs, rights)
        out["calibration_error"] = round(ece, 4)
        out["reliability"] = table
    return out


def score_plover(texts, cands, stage, how: str) -> dict:
    right = 0
    threshold = stage.threshold if stage is not None else 0.0
    for a, cs in zip(texts, cands):
        kept = [(c, t) for c, t, conf, _ in decided(stage, cs) if conf is None or conf >= threshold]
        main = next((x for x in kept if x[0].event.modality == "asserted"), kept[0] if kept else None)
        right += main is not None and main[1] == a.events[0]["type"]
    return {"type_accuracy": round(right / len(texts), 3), "records": len(texts)}


def throughput(pipeline, texts: list[str], rounds: int) -> dict:
    from sitroom.ingest.clean import clean

    cleaned = [clean(t).text for t in texts]
    words = sum(len(t.split()) for t in cleaned)
    best = {"bare": 1e9, "rules": 1e9, "hybrid": 1e9}
    for _ in range(rounds):
        for name in best:
            start = time.perf_counter()
            for doc in pipeline.nlp.pipe(cleaned, batch_size=32):
                if name == "bare":
                    continue
                events = pipeline.coder.code_doc(doc, "a", None)
                if name == "hybrid":
                    from sitroom.nlp import sentences
                    from sitroom.records import Sentence

                    sents = [Sentence("a", i, s.start_char, s.end_char, s.text) for i, s in enumerate(sentences(doc))]
                    pipeline.decision.decide(events, sents)
            best[name] = min(best[name], time.perf_counter() - start)
    return {"words": words, **{f"{k}_s": round(v, 2) for k, v in best.items()},
            "rules_ratio": round(best["bare"] / best["rules"], 3), "hybrid_ratio": round(best["bare"] / best["hybrid"], 3)}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    model = load_model(default_model_path())
    rules = Pipeline(rules_only=True)
    hybrid = Pipeline(actors=rules.actors, lexicon=rules.lexicon)
    sets = {"realnews dev (in-sample)": realnews("dev"), "realnews test": realnews("test"),
            "PLOVER gold (in-sample)": load_plover_texts(ROOT / "eval" / "plover_gsr" / "PLOVER_GSR_CAMEO.txt")}  # fmt: skip
    results: dict = {"machine": f"{platform.machine()}, {platform.python_version()}", "model": model.meta.get("name"),
                     "threshold": model.threshold, "override": model.override}  # fmt: skip
    stages = deciders(hybrid)
    for name, texts in sets.items():
        cands = candidates_of(rules, texts)
        for how, stage in stages.items():
            fn = score_plover if name.startswith("PLOVER") else score_realnews
            results.setdefault(name, {})[how] = fn(texts, cands, stage, how)
    all_texts = [a.record["text"] for s in ("dev", "test") for a in realnews(s)]
    results["throughput"] = throughput(hybrid, all_texts, args.rounds)
    if args.json:
        print(json.dumps(results, indent=1))
        return
    print(f"decision stage ablation · {results['machine']} · threshold {model.threshold} · override {model.override}")
    for name in sets:
        for how, r in results[name].items():
            cells = " ".join(f"{k} {v}" for k, v in r.items() if k != "reliability")
            print(f"  {name:26s} {how:7s} {cells}")
    rel = results["realnews test"]["hybrid"].get("reliability", [])
    print("  reliability on the test split (hybrid, every candidate):")
    for row in rel:
        print(f"    {row['bin']}  events {row['events']:4d}  mean confidence {row['mean_confidence']:.3f}  right {row['right']:.3f}")
    t = results["throughput"]
    print(f"  throughput on {t['words']:,} words of real news: bare spaCy {t['bare_s']} s, rules {t['rules_s']} s "
          f"(ratio {t['rules_ratio']}), hybrid {t['hybrid_s']} s (ratio {t['hybrid_ratio']})")


if __name__ == "__main__":
    main()

"""Throughput and memory of `sitroom ingest` against bare spaCy, in one run.

    python benchmarks/bench.py [--articles 400] [--rounds 2] [--memory-sizes 200,800]

1. Builds a synthetic corpus of plain-text articles from the demo corpus
   (paragraphs recombined, so every article is distinct).
2. Times bare spaCy ``nlp.pipe`` over exactly the text of those files and
   Sitroom's whole ingest (read, clean, parse, code, store, then wire copies
   and story events) of the same files,
   alternating, with the model loaded once; reports the best round of each
   and the ratio.
3. Runs ``sitroom ingest`` in fresh processes on corpora of different sizes
   and reports each one's peak resident memory, to show it does not grow
   with the corpus.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "corpus"


def build_corpus(target: Path, n: int, seed: int = 7) -> list[str]:
    """Write n distinct .txt articles; return their file texts."""
    paragraphs: list[str] = []
    for path in sorted(CORPUS.glob("*.txt")):
        body = path.read_text(encoding="utf-8").split("\n", 1)[1]
        paragraphs += [p.strip() for p in body.split("\n\n") if len(p.split()) > 12]
    rng = random.Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    texts = []
    for i in range(n):
        chosen = rng.sample(paragraphs, k=min(len(paragraphs), rng.randint(6, 10)))
        text = f"Crisis report number {i}\n\n" + "\n\n".join(chosen) + "\n"
        (target / f"report-{i:06d}.txt").write_text(text, encoding="utf-8")
        texts.append(text)
    return texts


def words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


def time_bare(nlp, texts: list[str]) -> float:
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    return time.perf_counter() - start


def time_pipeline(pipeline, corpus: Path, db: Path) -> tuple[float, object]:
    from sitroom.store import Store

    db.unlink(missing_ok=True)
    with Store(db) as store:
        from sitroom.stories import update_stories

        start = time.perf_counter()
        report = pipeline.ingest([corpus], store)
        update_stories(store)  # part of `sitroom ingest`: copies and story events
        return time.perf_counter() - start, report


def peak_rss_mb(cmd: list[str]) -> tuple[float, float]:
    """Run cmd in a fresh child; return (seconds, its peak RSS in MiB)."""
    code = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), int(out[1]) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=400)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--memory-sizes", default="200,800")
    args = ap.parse_args()

    from sitroom.nlp import load_nlp
    from sitroom.pipeline import Pipeline

    tmp = Path(tempfile.mkdtemp(prefix="sitroom-bench-"))
    corpus = tmp / "corpus"
    texts = build_corpus(corpus, args.articles)
    n_words = words(texts)
    nlp = load_nlp()
    t0 = time.perf_counter()
    pipeline = Pipeline()
    setup = time.perf_counter() - t0
    bare_times, pipe_times = [], []
    report = None
    for _ in range(args.rounds):
        bare_times.append(time_bare(nlp, texts))
        seconds, report = time_pipeline(pipeline, corpus, tmp / "bench.duckdb")
        pipe_times.append(seconds)
    bare, piped = min(bare_times), min(pipe_times)

    sitroom = str(Path(sys.executable).parent / "sitroom")
    memory = []
    for size in [int(s) for s in args.memory_sizes.split(",") if s]:
        sub = tmp / f"mem-{size}"
        build_corpus(sub, size, seed=size)
        db = tmp / f"mem-{size}.duckdb"
        seconds, rss = peak_rss_mb([sitroom, "ingest", str(sub), "--db", str(db), "--no-progress"])
        memory.append({"articles": size, "seconds": round(seconds, 1), "peak_rss_mib": round(rss, 1)})

    result = {
        "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"{_cpus()} CPUs, {platform.system()} {platform.release()}",
        "articles": args.articles,
        "words": n_words,
        "rounds": args.rounds,
        "pipeline_setup_s": round(setup, 2),
        "bare_spacy": {"seconds": round(bare, 2), "articles_per_s": round(args.articles / bare, 1), "words_per_s": round(n_words / bare)},
        "sitroom_ingest": {
            "seconds": round(piped, 2),
            "articles_per_s": round(args.articles / piped, 1),
            "words_per_s": round(n_words / piped),
            "events": report.events,
            "sentences": report.sentences,
        },
        "ratio_ingest_to_bare": round(bare / piped, 3),
        "memory": memory,
    }
    print(json.dumps(result, indent=2))
    print()
    print("| measure | bare spaCy nlp.pipe | sitroom ingest |")
    print("|---|---|---|")
    print(f"| articles/s | {result['bare_spacy']['articles_per_s']} | {result['sitroom_ingest']['articles_per_s']} |")
    print(f"| words/s | {result['bare_spacy']['words_per_s']} | {result['sitroom_ingest']['words_per_s']} |")
    print(f"| ratio (sitroom / bare) | | {result['ratio_ingest_to_bare']} |")
    for m in memory:
        print(f"| peak RSS, `sitroom ingest` of {m['articles']} articles | | {m['peak_rss_mib']} MiB ({m['seconds']} s) |")


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


if __name__ == "__main__":
    main()

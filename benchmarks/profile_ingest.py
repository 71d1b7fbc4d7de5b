"""Where in-process ingest spends its time, and what it costs over parsing alone.

    python benchmarks/profile_ingest.py CORPUS.jsonl [--rules-only] [--rounds 3] [--top 25]

Build the corpus first: ``python benchmarks/corpus.py /tmp/c200.jsonl --articles 200``.
The pipeline and the spaCy model are loaded before anything is timed. Then:

1. **Profile**: ``Pipeline.ingest`` of the corpus into an empty store, then the story
   stage, under cProfile. The time is split into parse (spaCy), coding
   (``Pipeline.code_article`` minus the decision stage), decision, store (``Store``
   methods), stories and the rest (reading, cleaning), followed by the coding functions
   with the most time of their own.
2. **Overhead**: ``Pipeline.ingest`` into an empty store against bare ``nlp.pipe`` of
   the same cleaned texts (same batch size), alternating, ``--rounds`` each; the
   ratio of the medians. No profiler.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path


def _cum(stats: pstats.Stats, file_part: str, func: str) -> float:
    """Cumulative seconds of the functions named ``func`` in files containing ``file_part``
    (outermost calls only: recursion is not counted twice)."""
    total = 0.0
    for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
        if name == func and file_part in filename:
            total += ct
    return total


def _store_time(stats: pstats.Stats) -> float:
    """Seconds in Store methods called from the pipeline (not from inside the store itself)."""
    total = 0.0
    for (filename, _line, _name), (_cc, _nc, _tt, _ct, callers) in stats.stats.items():
        if not filename.endswith("sitroom/store.py"):
            continue
        for (cfile, _cl, _cn), (_c2, _n2, _t2, ct2) in callers.items():
            if cfile.endswith("sitroom/pipeline.py"):
                total += ct2
    return total


def profile(pipeline, corpus: Path, top: int) -> None:
    from sitroom.store import Store
    from sitroom.stories import complete_stories

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(str(Path(tmp) / "p.duckdb"))
        prof = cProfile.Profile()
        start = time.perf_counter()
        prof.enable()
        pipeline.ingest([corpus], store)
        prof.disable()
        ingest_wall = time.perf_counter() - start
        prof.enable()
        complete_stories(store)
        prof.disable()
        store.close()
    stats = pstats.Stats(prof)
    total = stats.total_tt
    ingest = _cum(stats, "sitroom/pipeline.py", "ingest")
    code = _cum(stats, "sitroom/pipeline.py", "code_article")
    decision = _cum(stats, "sitroom/decision/stage.py", "decide")
    coding = code - decision
    store_t = _store_time(stats)
    stories = _cum(stats, "sitroom/stories/", "complete_stories")
    prepare = _cum(stats, "sitroom/pipeline.py", "prepare") + _cum(stats, "sitroom/pipeline.py", "_watch_files")
    parse = ingest - code - store_t - prepare
    print(f"profiled: ingest {ingest:.2f} s (wall {ingest_wall:.2f} s), stories {stories:.2f} s; "
          f"total under the profiler {total:.2f} s")
    for name, value in (("parse", parse), ("coding", coding), ("decision", decision), ("store", store_t),
                        ("stories", stories), ("read and clean", prepare)):  # fmt: skip
        print(f"  {name:<24} {value:7.2f} s  {100 * value / total:5.1f} %")
    print(f"\ncoding functions with the most time of their own (tottime), top {top}:")
    own = [
        (tt, ct, nc, f"{Path(f).parent.name}/{Path(f).name}:{line}({n})")
        for (f, line, n), (_cc, nc, tt, ct, _callers) in stats.stats.items()
    ]
    coding_files = ("sitroom/coding/", "sitroom/framing/", "sitroom/actors/", "sitroom/places.py", "sitroom/nlp.py")
    keep = [o for o in own if any(part in o[3] or part.split("/", 1)[1] in o[3] for part in coding_files)]
    for tt, ct, nc, name in sorted(keep, reverse=True)[:top]:
        print(f"  {tt:6.2f} s own  {ct:6.2f} s cum  {nc:>8} calls  {name}")
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(r"sitroom/(coding|framing|actors)", 20)
    print("\ncoding functions by cumulative time:")
    print("\n".join(line for line in out.getvalue().splitlines() if "sitroom/" in line))


def split(pipeline, corpus: Path) -> None:
    """The same split measured with clocks around the stages, without the profiler
    (which slows Python code more than spaCy's compiled code)."""
    from sitroom.store import Store
    from sitroom.stories import complete_stories

    spent = {"coding": 0.0, "decision": 0.0, "store": 0.0, "read and clean": 0.0}

    def timed(fn, key, minus=None):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[key] += time.perf_counter() - start
        return wrapper

    code_article, prepare = pipeline.code_article, pipeline.prepare
    decide = pipeline.decision.decide if pipeline.decision is not None else None
    pipeline.code_article = timed(code_article, "coding")
    pipeline.prepare = timed(prepare, "read and clean")
    if decide is not None:
        pipeline.decision.decide = timed(decide, "decision")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(str(Path(tmp) / "s.duckdb"))
            for name in ("known_hashes", "write_batch", "add_problems", "release"):
                setattr(store, name, timed(getattr(store, name), "store"))
            start = time.perf_counter()
            pipeline.ingest([corpus], store)
            ingest = time.perf_counter() - start
            start = time.perf_counter()
            complete_stories(store)
            stories = time.perf_counter() - start
            store.close()
    finally:
        del pipeline.code_article, pipeline.prepare
        if decide is not None:
            del pipeline.decision.decide
    spent["coding"] -= spent["decision"]
    parse = ingest - sum(spent.values())
    total = ingest + stories
    print(f"clocked: ingest {ingest:.2f} s, stories {stories:.2f} s")
    for name, value in (("parse", parse), *spent.items(), ("stories", stories)):
        print(f"  {name:<24} {value:7.2f} s  {100 * value / total:5.1f} %")


def overhead(pipeline, corpus: Path, rounds: int) -> None:
    from sitroom.ingest.readers import iter_items
    from sitroom.records import IngestProblem
    from sitroom.store import Store

    texts = []
    for item in iter_items([corpus]):
        prepared = pipeline.prepare(item) if not isinstance(item, IngestProblem) else item
        if not isinstance(prepared, IngestProblem):
            texts.append(prepared.text)
    ingest_s: list[float] = []
    bare_s: list[float] = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _doc in pipeline.nlp.pipe(texts, batch_size=32):
            pass
        bare_s.append(time.perf_counter() - start)
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(str(Path(tmp) / "o.duckdb"))
            start = time.perf_counter()
            pipeline.ingest([corpus], store)
            ingest_s.append(time.perf_counter() - start)
            store.close()
    fmt = lambda xs: f"min {min(xs):.2f}  median {statistics.median(xs):.2f}  max {max(xs):.2f} s"  # noqa: E731
    print(f"bare nlp.pipe of {len(texts)} texts: {fmt(bare_s)}")
    print(f"Pipeline.ingest:               {fmt(ingest_s)}")
    print(f"ratio of medians (ingest / nlp.pipe): {statistics.median(ingest_s) / statistics.median(bare_s):.3f}; "
          f"of minimums: {min(ingest_s) / min(bare_s):.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--rules-only", action="store_true")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--skip-profile", action="store_true")
    ap.add_argument("--skip-overhead", action="store_true")
    args = ap.parse_args()
    from sitroom.pipeline import Pipeline

    pipeline = Pipeline(rules_only=args.rules_only)
    pipeline.coder.framer.places  # the gazetteer, loaded on first use, is start-up too
    with open("/proc/loadavg", encoding="ascii") as fh:
        print(f"load average: {fh.read().strip()}", file=sys.stderr)
    if not args.skip_profile:
        profile(pipeline, args.corpus, args.top)
    if not args.skip_overhead:
        print()
        split(pipeline, args.corpus)
        print()
        overhead(pipeline, args.corpus, args.rounds)
    with open("/proc/loadavg", encoding="ascii") as fh:
        print(f"load average: {fh.read().strip()}", file=sys.stderr)


if __name__ == "__main__":
    main()

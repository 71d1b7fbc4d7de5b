"""Ingest against bare spaCy on realistic articles, as paired whole-process runs.

    python benchmarks/bench.py [--sizes 200,2000] [--pairs 3] [--model] [--json FILE]

For each size, a realistic corpus (benchmarks/corpus.py: real news paragraphs, 500-600 words
and 20-30 sentences an article, several outlets per incident, reprints) is written as JSON
Lines, and two whole processes are timed from start to exit, alternating, ``--pairs`` times:

- **bare spaCy**: Sitroom's own spaCy pipeline (``sitroom.nlp.load_nlp``: the same model and
  components) loaded, then ``nlp.pipe(texts, batch_size=32)`` over the article texts;
- **sitroom ingest**: ``sitroom ingest FILE --db NEW --workers 1 --rules-only`` (read, clean,
  parse, code, store, wire copies and story events), into a new store each time; ``--model``
  times the default path with the decision stage instead of ``--rules-only``.

Both sides pay their own start-up, as a user does. Reported per size: min / median / max
seconds of each side, the throughput ratio (bare median / sitroom median; 1.0 = as fast as
parsing alone), and /proc/loadavg before and after each pair: on a shared machine the ratio
is only worth what the load allows.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

SITROOM = str(Path(sys.executable).with_name("sitroom"))
BARE = """
import json, sys
from sitroom.nlp import load_nlp
nlp = load_nlp()
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
for _ in nlp.pipe(texts, batch_size=32):
    pass
"""


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return elapsed


def spread(values: list[float]) -> dict[str, float]:
    return {"min": round(min(values), 2), "median": round(statistics.median(values), 2), "max": round(max(values), 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="200,2000")
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--model", action="store_true", help="time the default path (decision stage) instead of --rules-only")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    mode = [] if args.model else ["--rules-only"]
    result: dict = {
        "machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}",
        "command": " ".join(sys.argv),
        "path": "default (decision stage)" if args.model else "rules only",
        "sizes": [],
    }
    tmp = Path(tempfile.mkdtemp(prefix="sitroom-bench-"))
    try:
        for size in [int(s) for s in args.sizes.split(",") if s]:
            records = corpus.build(size, seed=size)
            path = tmp / f"c{size}.jsonl"
            corpus.write(path, records)
            bare, ours, loads = [], [], []
            for n in range(args.pairs):
                before = loadavg()
                bare.append(timed([sys.executable, "-c", BARE, str(path)]))
                db = tmp / f"s{size}-{n}.duckdb"
                ours.append(timed([SITROOM, "ingest", str(path), "--db", str(db), "--workers", "1", "--no-progress", *mode]))
                db.unlink(missing_ok=True)
                loads.append(f"{before} -> {loadavg()}")
            row = {
                "articles": size,
                "corpus": corpus.describe(records),
                "bare_spacy_s": spread(bare),
                "sitroom_ingest_s": spread(ours),
                "ratio": round(statistics.median(bare) / statistics.median(ours), 3),
                "ratio_of_minimums": round(min(bare) / min(ours), 3),
                "load": loads,
            }
            result["sizes"].append(row)
            print(json.dumps(row), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print()
    print("| articles | bare spaCy s (min / median / max) | sitroom ingest s (min / median / max) | ratio (medians) | load (1-min, per pair) |")
    print("|---|---|---|---|---|")
    for r in result["sizes"]:
        b, s = r["bare_spacy_s"], r["sitroom_ingest_s"]
        loads = ", ".join(x.split()[0] + "→" + x.split("-> ")[1].split()[0] for x in r["load"])
        print(f"| {r['articles']:,} | {b['min']} / {b['median']} / {b['max']} | {s['min']} / {s['median']} / {s['max']} | "
              f"**{r['ratio']}** | {loads} |")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

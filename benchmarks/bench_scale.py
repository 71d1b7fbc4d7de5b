"""How ingest grows with the corpus, how it uses the cores, and what an incremental run costs.

    python benchmarks/bench_scale.py [--sizes 2500,10000,40000] [--workers 2] [--parallel-articles 1000]
                                     [--incremental 0.01] [--rules-only] [--json FILE]

Every figure is a whole `sitroom ingest` process on a realistic corpus (benchmarks/corpus.py:
real news paragraphs, 500-600 words, several outlets per incident, some wire copies), timed
from start to exit, with its peak resident memory summed over the process and its workers
(sampled from /proc every 0.2 s). In one run:

1. **Cores**: `--workers 1` and `--workers N` on the same corpus, alternating twice; the
   speed-up is the ratio of the best times.
2. **Growth**: one ingest per size into an empty store; seconds per article and peak memory,
   each as a ratio to the smallest size.
3. **Incremental**: a further 1 % of articles (the same corpus continued: later days, new
   incidents) added to the store of the largest size, against the same articles added to an
   empty store.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SITROOM = str(Path(sys.executable).with_name("sitroom"))


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(stat[1]), []).append(int(entry.name))
    return tree


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_pids(root: int) -> list[int]:
    """A process and all its descendants."""
    tree, pids, todo = _children(), [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(tree.get(pid, ()))
    return pids


def run(args: list[str]) -> dict:
    """Run a command, timing it and sampling its process tree's memory; fail loudly. Besides the peak of
    the tree's total (what the machine held at once), the peak of each process (the driver, each worker)
    and their sum, which does not depend on whether the processes' short peaks happened to coincide (they
    coincide more often on a loaded machine, where each lasts longer); and the CPU seconds the tree used,
    which a machine shared with other work changes less than the wall-clock time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    each: dict[int, int] = {}

    def sample() -> None:
        while proc.poll() is None:
            now = {pid: _rss_kb(pid) for pid in tree_pids(proc.pid)}
            for pid, kb in now.items():
                each[pid] = max(each.get(pid, 0), kb)
            peak[0] = max(peak[0], sum(now.values()))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{err[-3000:]}")
    workers = sorted((kb for pid, kb in each.items() if pid != proc.pid and kb > 100 * 1024), reverse=True)
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 1),
        "peak_rss_mb": round(peak[0] / 1024, 1),
        "driver_peak_mb": round(each.get(proc.pid, 0) / 1024, 1),
        "worker_peaks_mb": [round(kb / 1024, 1) for kb in workers],
        "sum_of_peaks_mb": round((each.get(proc.pid, 0) + sum(workers)) / 1024, 1),
        "stderr_tail": err.strip().splitlines()[-3:],
    }


def ingest(corpus_file: Path, db: Path, workers: int, extra: list[str]) -> dict:
    return run([SITROOM, "ingest", str(corpus_file), "--db", str(db), "--workers", str(workers), *extra])


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2500,10000,40000")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--parallel-articles", type=int, default=1000, help="corpus size of the cores comparison (0: skip)")
    parser.add_argument("--incremental", type=float, default=0.01, help="share of the largest size added at the end (0: skip)")
    parser.add_argument("--rules-only", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    extra = ["--rules-only"] if args.rules_only else []
    result: dict = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "command": " ".join(sys.argv),
        "load_before": load(),
    }
    tmp = Path(tempfile.mkdtemp(prefix="sitroom-scale-"))
    try:
        if args.parallel_articles:
            records = corpus.build(args.parallel_articles, seed=11)
            path = tmp / "parallel.jsonl"
            corpus.write(path, records)
            rounds = {1: [], args.workers: []}
            for _ in range(2):
                for w in rounds:
                    db = tmp / f"parallel-{w}.duckdb"
                    db.unlink(missing_ok=True)
                    rounds[w].append(ingest(path, db, w, extra)["seconds"])
            best = {w: min(t) for w, t in rounds.items()}
            result["cores"] = {
                "articles": args.parallel_articles, "seconds": rounds,
                "speedup": round(best[1] / best[args.workers], 2), "load": load(),
            }  # fmt: skip
            print(json.dumps({"cores": result["cores"]}), flush=True)

        growth = []
        largest = max(sizes) if sizes else 0
        n_extra = max(1, int(largest * args.incremental)) if args.incremental and sizes else 0
        for size in sizes:
            records = corpus.build(size + (n_extra if size == largest else 0), seed=7)
            path = tmp / f"c{size}.jsonl"
            corpus.write(path, records[:size])
            db = tmp / f"s{size}.duckdb"
            figures = ingest(path, db, args.workers, extra)
            figures.update(articles=size, per_article_ms=round(1000 * figures["seconds"] / size, 1), load=load(),
                           corpus=corpus.describe(records[:size]))  # fmt: skip
            growth.append(figures)
            print(json.dumps({"growth": {k: v for k, v in figures.items() if k != "stderr_tail"}}), flush=True)
            if size == largest and n_extra:
                more = tmp / "incremental.jsonl"
                corpus.write(more, records[size:])
                onto_store = ingest(more, db, args.workers, extra)
                empty = tmp / "empty.duckdb"
                onto_empty = ingest(more, empty, args.workers, extra)
                result["incremental"] = {
                    "articles": n_extra, "store_articles": size, "onto_store_s": onto_store["seconds"],
                    "onto_empty_s": onto_empty["seconds"], "ratio": round(onto_store["seconds"] / onto_empty["seconds"], 2),
                    "onto_store_peak_rss_mb": onto_store["peak_rss_mb"], "onto_empty_peak_rss_mb": onto_empty["peak_rss_mb"],
                }  # fmt: skip
                print(json.dumps({"incremental": result["incremental"]}), flush=True)
            db.unlink(missing_ok=True)
        if growth:
            base = growth[0]
            for g in growth:
                g["per_article_ratio"] = round(g["per_article_ms"] / base["per_article_ms"], 3)
                g["rss_ratio"] = round(g["peak_rss_mb"] / base["peak_rss_mb"], 3)
                g["cpu_per_article_ratio"] = round(g["cpu_seconds"] / g["articles"] / (base["cpu_seconds"] / base["articles"]), 3)
                g["driver_rss_ratio"] = round(g["driver_peak_mb"] / base["driver_peak_mb"], 3)
                g["sum_of_peaks_ratio"] = round(g["sum_of_peaks_mb"] / base["sum_of_peaks_mb"], 3)
            result["growth"] = growth
        result["load_after"] = load()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

"""Peak memory and time of the story stage on synthetic stores of growing size, and the cost of
a small addition to a large store.

    python benchmarks/bench_stories.py [--mentions 100000,1000000] [--quick] [--keep DIR]

Each store is built directly through the Store (no parsing): invented incidents between 40
countries, about 250 reports a day (so a larger store covers a longer period, as a growing news
store does), each incident reported 1-6 times by different outlets, a quarter of the reports
wire copies of the first, with the day given exactly, a day off, only as its month, or not at
all; some reports also carry a reaction of the other side, or name the act they answer. The
story stage (copy check, merging, consensus, links) then runs over the whole store in a fresh
process, whose time and peak resident memory are reported. Last, 1 % more reports (the next
days, with reprints of stored articles and references to stored events) are added to the
largest store and, alone, to an empty store, and the stage's time on each is compared.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

COUNTRIES = [f"C{n:02d}" for n in range(40)]
TYPES = [("ASSAULT", 4, "190"), ("COERCE", 4, "170"), ("THREATEN", 3, "130"), ("CONSULT", 1, "040"),
         ("ACCUSE", 3, "112"), ("MOBILIZE", 4, "150"), ("AID", 2, "070"), ("AGREE", 1, "030")]  # fmt: skip
REACTIONS = [("THREATEN", 3, "130"), ("ACCUSE", 3, "112")]
WORDS = [f"w{n:04d}" for n in range(5000)]
PER_DAY = 250  # reports (mentions) a day
START = date(2015, 1, 1)


def synthesise(n: int, seed: int, start: date, prefix: str, earlier: list | None = None) -> Iterator[tuple[list, list]]:
    """About ``n`` mentions in articles from ``start`` on, in chunks of (articles, events).
    ``earlier``: (article, first event id) of stored articles to reprint and refer to."""
    from sitroom.records import ActorRef, Article, Event

    rnd = random.Random(seed)
    refs = {c: ActorRef(c, c, c, "GOV") for c in COUNTRIES}
    recent: list[tuple] = list(earlier or [])
    articles, events, made, incident = [], [], 0, 0
    day = start
    while made < n:
        today = 0
        while today < PER_DAY and made < n:
            incident += 1
            a, b = rnd.sample(COUNTRIES[:12] if rnd.random() < 0.6 else COUNTRIES, 2)  # a few busy countries
            etype, quad, cameo = rnd.choice(TYPES)
            first_text = None
            for r in range(rnd.randint(1, 6)):
                aid = f"{prefix}{incident}-{r}"
                published = day + timedelta(days=rnd.choice((0, 0, 0, 1, 2)))
                if r and first_text and rnd.random() < 0.25:  # a wire copy of the first report
                    words = first_text.split()
                    words[rnd.randrange(len(words))] = rnd.choice(WORDS)
                    text = " ".join(words)
                elif recent and rnd.random() < 0.01:  # a reprint of a stored article
                    text = rnd.choice(recent)[0].text
                else:
                    text = " ".join(rnd.choices(WORDS, k=60))
                first_text = first_text or text
                articles.append(Article(aid, "bench", "text", None, None, f"outlet{rnd.randrange(60)}", published, None,
                                        text, text, hashlib.md5(text.encode()).hexdigest()))  # fmt: skip
                style = rnd.random()
                if style < 0.6:
                    when, precision = day, "day"
                elif style < 0.7:
                    when, precision = day + timedelta(days=1), "day"
                elif style < 0.8:
                    when, precision = day.replace(day=1), "month"
                else:
                    when, precision = None, ""
                cause = None
                if recent and rnd.random() < 0.05:  # "in retaliation for ...": an earlier act, named
                    cause = rnd.choice(recent[-2000:])[1]
                eid = f"{aid}-e0"
                events.append(Event(
                    eid, aid, rnd.randrange(3), "t", 0, 5, etype, None, (), cameo, quad, -5.0,
                    actor=(refs[a],), recipient=(refs[b],) if rnd.random() > 0.1 else (),
                    event_date=when, date_precision=precision, dead=rnd.choice((None, None, 3, 4)), cause_event=cause,
                ))  # fmt: skip
                made += 1
                if rnd.random() < 0.4:  # the other side's reaction, undated
                    rtype, rquad, rcameo = rnd.choice(REACTIONS)
                    events.append(Event(
                        f"{aid}-e1", aid, rnd.randrange(1, 6), "t", 10, 15, rtype, None, (), rcameo, rquad, -4.0,
                        actor=(refs[b],), recipient=(refs[a],),
                        cause_text="the attack" if rnd.random() < 0.3 else "",
                    ))  # fmt: skip
                    made += 1
                if rnd.random() < 0.02:
                    recent.append((articles[-1], eid))
                    del recent[:-5000]
                today += 1
        if len(events) >= 20_000:
            yield articles, events
            articles, events = [], []
        day += timedelta(days=1)
    if articles:
        yield articles, events


def build(db: Path, n: int, seed: int = 11, start: date = START, prefix: str = "a", earlier=None) -> tuple[date, list]:
    """Write about ``n`` synthetic mentions to the store at ``db``; the last day and some articles."""
    from sitroom.store import Store

    last, kept = start, []
    with Store(db) as store:
        for articles, events in synthesise(n, seed, start, prefix, earlier):
            store.write_batch(articles, [], events)
            last = max(a.published for a in articles)
            kept = (kept + [(a, f"{a.article_id}-e0") for a in articles[::200]])[-5000:]
    return last, kept


_STAGE = """
import json, sys, time
from sitroom.store import Store
from sitroom.stories import update_stories


def high_water_mb():
    # the peak resident memory of this process image (VmHWM): unlike getrusage's ru_maxrss, which
    # keeps the parent's peak across fork and exec, it starts afresh in this process
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) // 1024


store = Store(sys.argv[1])
before = high_water_mb()
t0 = time.perf_counter()
report = update_stories(store)
seconds = time.perf_counter() - t0
stories = store.scalar("SELECT count(*) FROM stories")
store.close()
print(json.dumps({"seconds": round(seconds, 1), "peak_rss_mb": high_water_mb(), "rss_before_stage_mb": before,
                  "mentions": report.mentions, "articles": report.articles_checked, "copies": report.copies,
                  "stories": stories, "new": report.new_stories, "extended": report.extended_stories}))
"""


def stage(db: Path) -> dict:
    """Run the story stage on ``db`` in a fresh process: seconds and peak resident memory (MB,
    Linux's VmHWM of that process)."""
    out = subprocess.run([sys.executable, "-c", _STAGE, str(db)], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"the story stage failed on {db} (exit {out.returncode}):\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mentions", default="100000,1000000", help="store sizes, comma-separated")
    parser.add_argument("--quick", action="store_true", help="small sizes (20000,100000), for a quick check")
    parser.add_argument("--keep", help="build the stores in this folder and keep them")
    args = parser.parse_args()
    sizes = [20_000, 100_000] if args.quick else [int(s) for s in args.mentions.split(",")]
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-stories-"))
    folder.mkdir(parents=True, exist_ok=True)
    results: dict = {"python": platform.python_version(), "cpus": os.cpu_count(), "sizes": {}}
    try:
        last = kept = None
        for n in sizes:
            db = folder / f"stories-{n}.duckdb"
            db.unlink(missing_ok=True)
            t0 = time.perf_counter()
            last, kept = build(db, n)
            built = time.perf_counter() - t0
            result = stage(db)
            result["build_seconds"] = round(built, 1)
            results["sizes"][n] = result
            print(f"{n:>9,} mentions: stage {result['seconds']:.1f} s, peak RSS {result['peak_rss_mb']} MB "
                  f"({result['stories']:,} stories, {result['copies']:,} copies)", flush=True)  # fmt: skip
        largest = folder / f"stories-{sizes[-1]}.duckdb"
        added = max(sizes[-1] // 100, 1)
        empty = folder / "stories-empty.duckdb"
        empty.unlink(missing_ok=True)
        start = last - timedelta(days=3)  # the next days, overlapping the last stored ones
        build(largest, added, seed=99, start=start, prefix="inc", earlier=kept)
        build(empty, added, seed=99, start=start, prefix="inc", earlier=kept)
        big, alone = stage(largest), stage(empty)
        ratio = big["seconds"] / max(alone["seconds"], 1e-9)
        results["incremental"] = {"added_mentions": added, "to_largest": big, "to_empty": alone, "time_ratio": round(ratio, 2)}
        print(f"+{added:,} mentions: {big['seconds']:.1f} s on the {sizes[-1]:,} store (peak {big['peak_rss_mb']} MB), "
              f"{alone['seconds']:.1f} s on an empty one: {ratio:.2f}x")  # fmt: skip
        rss = [r["peak_rss_mb"] for r in results["sizes"].values()]
        results["rss_spread"] = round(max(rss) / min(rss) - 1, 3)
        print(json.dumps(results, indent=2, default=str))
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

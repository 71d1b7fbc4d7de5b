"""Time to merge synthetic event mentions into story events, at growing sizes.

    python benchmarks/bench_merge.py [--sizes 25000,50000,100000]

Each size is a stream of mentions of invented acts between 40 countries over
a year: every act is reported 1-8 times, with the day given exactly, a day
off, only as its month, or not at all (publication date), the way wire copies
and retellings report it. The merger (``sitroom.stories.Merger``) and the
consensus of every story (``summarise``) are timed separately, in one
process; if merging were quadratic, doubling the mentions would quadruple the
time.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import time
from collections import defaultdict
from datetime import date, timedelta

from sitroom.records import ActorRef
from sitroom.stories import Merger
from sitroom.stories.consensus import summarise
from sitroom.stories.model import Mention

COUNTRIES = [f"C{n:02d}" for n in range(40)]
TYPES = ["ASSAULT", "COERCE", "THREATEN", "CONSULT", "ACCUSE", "MOBILIZE", "AID", "AGREE"]
START = date(2024, 1, 1)


def mentions(n: int, seed: int = 11) -> list[Mention]:
    rnd = random.Random(seed)
    refs = {c: ActorRef(c, c, c, "") for c in COUNTRIES}
    out: list[Mention] = []
    act = 0
    while len(out) < n:
        act += 1
        a, b = rnd.sample(COUNTRIES, 2)
        kind = rnd.choice(TYPES)
        day = START + timedelta(days=rnd.randrange(365))
        for r in range(rnd.randint(1, 8)):
            published = day + timedelta(days=rnd.choice((0, 0, 1, 2, 30)))
            style = rnd.random()
            if style < 0.6:
                when, precision = day, "day"
            elif style < 0.7:
                when, precision = day + timedelta(days=1), "day"
            elif style < 0.8:
                when, precision = day.replace(day=1), "month"
            else:
                when, precision = published, "publication"
            out.append(
                Mention(
                    event_id=f"e{act}-{r}", article_id=f"a{act}-{r}", sentence_index=rnd.randrange(6),
                    outlet=f"outlet{rnd.randrange(30)}", published=published, event_type=kind, quad_class=4,
                    intensity=-5.0, actor=(refs[a],), recipient=(refs[b],) if rnd.random() > 0.1 else (),
                    event_date=when, date_precision=precision, dead=rnd.choice((None, None, 3, 4)),
                )
            )  # fmt: skip
    out = out[:n]
    out.sort(key=lambda m: (m.published, m.article_id))
    return out


def run(n: int) -> dict:
    stream = mentions(n)
    merger = Merger()
    t0 = time.perf_counter()
    by_story = defaultdict(list)
    for m in stream:
        sid, _ = merger.assign(m)
        by_story[sid].append(m)
    merge_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for sid, ms in by_story.items():
        summarise(sid, ms)
    consensus_s = time.perf_counter() - t0
    return {
        "mentions": n,
        "stories": len(by_story),
        "merge_s": round(merge_s, 2),
        "merge_us_per_mention": round(merge_s / n * 1e6, 1),
        "consensus_s": round(consensus_s, 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="25000,50000,100000")
    args = ap.parse_args()
    rows = [run(int(s)) for s in args.sizes.split(",") if s]
    result = {
        "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
        "runs": rows,
        "growth_last_over_first": round(rows[-1]["merge_s"] / rows[0]["merge_s"], 2) if len(rows) > 1 else None,
        "size_ratio": round(rows[-1]["mentions"] / rows[0]["mentions"], 2) if len(rows) > 1 else None,
    }
    print(json.dumps(result, indent=2))
    print()
    print("| mentions | stories | merge (s) | µs per mention | consensus (s) |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['mentions']:,} | {r['stories']:,} | {r['merge_s']} | {r['merge_us_per_mention']} | {r['consensus_s']} |")


if __name__ == "__main__":
    main()

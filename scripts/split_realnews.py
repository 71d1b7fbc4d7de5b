"""Split eval/realnews into dev and test, once, before any rule is tuned on it.

Units are whole clusters (every report of one incident) or single articles, so
no incident is in both splits. Within each gathering batch (one batch per group
of crises) the units are shuffled with a fixed seed and taken for test until
about 30 % of the batch's articles are there. Run once; the test split is then
frozen by its sha256 in eval/realnews/README.md.

    python scripts/split_realnews.py RAW_DIR GOLD_DIR OUT_DIR [DEV_ONLY_BATCH ...]

Batches named after OUT_DIR go wholly to dev (the last batch annotated went
there, so that the test split could be frozen before any tuning began).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

SEED = 20261206
TEST_SHARE = 0.30


def main(raw_dir: Path, gold_dir: Path, out: Path, dev_only: tuple[str, ...] = ()) -> None:
    gold = {}
    for path in sorted(gold_dir.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                gold[row["article"]] = {"article": row["article"], "annotator": row.get("annotator", "A"),
                                        "events": row["events"], "notes": row.get("notes", "")}
    splits: dict[str, list[dict]] = {"dev": [], "test": []}
    for batch in sorted(raw_dir.glob("*.jsonl")):
        articles = [json.loads(line) for line in batch.read_text(encoding="utf-8").splitlines() if line.strip()]
        units: dict[str, list[dict]] = {}
        for a in articles:
            units.setdefault(a.get("cluster") or a["id"], []).append(a)
        keys = sorted(units)
        random.Random(f"{SEED}-{batch.stem}").shuffle(keys)
        taken = 0
        for key in keys:
            goes = "test" if taken < TEST_SHARE * len(articles) and batch.stem not in dev_only else "dev"
            if goes == "test":
                taken += len(units[key])
            splits[goes].extend(units[key])
    for name, articles in splits.items():
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        articles.sort(key=lambda a: a["id"])
        with open(folder / "articles.jsonl", "w", encoding="utf-8") as fh:
            for a in articles:
                fh.write(json.dumps(a, ensure_ascii=False) + "\n")
        with open(folder / "gold.jsonl", "w", encoding="utf-8") as fh:
            for a in articles:
                fh.write(json.dumps(gold[a["id"]], ensure_ascii=False) + "\n")
        print(f"{name}: {len(articles)} articles, {sum(len(gold[a['id']]['events']) for a in articles)} gold events")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), tuple(sys.argv[4:]))

"""Inter-annotator agreement on eval/realnews: two independent annotations of the same articles.

    python scripts/agreement.py eval/realnews [agreement/val_b.jsonl]

Reads the first annotation of every article in the second-annotation file
(default agreement/b.jsonl; agreement/val_b.jsonl for the val split) from the
splits' gold.jsonl (annotator A) and the second from that file (annotator B). Events are paired with the matcher `sitroom eval realnews` uses
(each B event stands in for a coded event, with the article sentence that holds
its quote): event-match F1 on type and sides, all events and required ones;
Cohen's kappa of the type over events both annotators placed at the same words;
and agreement on modality and on required/optional for matched events.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

from sitroom.evaluation.realnews import SPLITS, trigger_near, match_article

_SENT = re.compile(r"(?<=[.!?…])[\"”’']?\s+|\n+")


def _sentence_of(text: str, quote: str) -> str:
    start = text.find(quote)
    if start < 0:
        return quote
    bounds = [0] + [m.end() for m in _SENT.finditer(text)] + [len(text)]
    lo = max(b for b in bounds if b <= start)
    hi = min((b for b in bounds if b >= start + len(quote)), default=len(text))
    return text[lo:hi]


def _as_coded(ev: dict, text: str) -> dict:
    return {
        "sentence": _sentence_of(text, ev["quote"]), "trigger": ev["trigger"], "event_type": ev.get("type"),
        "cameo_code": ev.get("cameo"), "actor": ev.get("actor", []), "recipient": ev.get("recipient", []),
        "modality": ev.get("modality"), "required": ev.get("required", True),
    }  # fmt: skip


def kappa(pairs: list[tuple[str, str]]) -> float:
    n = len(pairs)
    if not n:
        return 0.0
    observed = sum(a == b for a, b in pairs) / n
    ca, cb = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(ca[k] * cb.get(k, 0) for k in ca) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def main(folder: Path, second_file: str = "agreement/b.jsonl") -> dict:
    articles, first = {}, {}
    for split in SPLITS:
        for line in (folder / split / "articles.jsonl").read_text(encoding="utf-8").splitlines():
            a = json.loads(line)
            articles[a["id"]] = a
        for line in (folder / split / "gold.jsonl").read_text(encoding="utf-8").splitlines():
            g = json.loads(line)
            first[g["article"]] = g["events"]
    second = {}
    for line in (folder / second_file).read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            second[row["article"]] = row["events"]
    totals = Counter()
    type_pairs: list[tuple[str, str]] = []
    disagreements: Counter = Counter()
    for article_id, b_events in sorted(second.items()):
        a_events, text = first[article_id], articles[article_id]["text"]
        coded = [_as_coded(ev, text) for ev in b_events]
        pairs = match_article(a_events, coded)
        totals["a"] += len(a_events)
        totals["b"] += len(b_events)
        totals["matched"] += len(pairs)
        totals["a_required"] += sum(1 for e in a_events if e.get("required", True))
        totals["b_required"] += sum(1 for e in b_events if e.get("required", True))
        totals["matched_required"] += sum(
            1 for gi, si in pairs if a_events[gi].get("required", True) and b_events[si].get("required", True)
        )
        for gi, si in pairs:
            totals["modality_same"] += a_events[gi].get("modality") == b_events[si].get("modality")
            totals["required_same"] += a_events[gi].get("required", True) == b_events[si].get("required", True)
        for gi, si in match_article(a_events, coded, require_type=False):
            if trigger_near(a_events[gi], coded[si]):
                ta = a_events[gi].get("type") or "CAMEO" + str(a_events[gi].get("cameo"))[:2]
                tb = b_events[si].get("type") or "CAMEO" + str(b_events[si].get("cameo"))[:2]
                type_pairs.append((ta, tb))
                if ta != tb:
                    disagreements[f"{ta} vs {tb}"] += 1

    def f1(m, a, b):
        p, r = (m / b if b else 0.0), (m / a if a else 0.0)
        return round(2 * p * r / (p + r), 4) if p + r else 0.0

    result = {
        "articles": len(second),
        "events": {"A": totals["a"], "B": totals["b"], "matched": totals["matched"]},
        "event_match_f1": f1(totals["matched"], totals["a"], totals["b"]),
        "required_event_match_f1": f1(totals["matched_required"], totals["a_required"], totals["b_required"]),
        "type_kappa": round(kappa(type_pairs), 4),
        "type_pairs": len(type_pairs),
        "type_agreement": round(sum(a == b for a, b in type_pairs) / len(type_pairs), 4) if type_pairs else None,
        "modality_agreement_on_matched": round(totals["modality_same"] / totals["matched"], 4) if totals["matched"] else None,
        "required_flag_agreement_on_matched": round(totals["required_same"] / totals["matched"], 4) if totals["matched"] else None,
        "type_disagreements": dict(disagreements.most_common(12)),
    }
    return result


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1] if len(sys.argv) > 1 else "eval/realnews"), *sys.argv[2:3]), indent=1))

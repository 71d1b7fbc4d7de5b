"""A realistic benchmark corpus, built reproducibly from real published news.

    python benchmarks/corpus.py OUT.jsonl --articles 2000 [--seed 7] [--per-day 100]

Real reporting is long and dense: 500-600 words in 20-30 sentences, most of them naming an
actor. The corpus is made of the paragraphs of the real-news development articles
(``eval/realnews/dev`` and ``train``; never the frozen test split) and the demo corpus:

- **Incidents.** Each incident takes the opening paragraphs of one real article (its news)
  and a date. Incident dates follow one another at ``per-day`` articles a day, so a bigger
  corpus covers a longer period at the same density (as a feed followed for longer does),
  and the story stage sees as many reports per week at every size.
- **Reports.** An incident is reported by 1 to 8 outlets (most by one or two, a few by many),
  each on the incident's day or up to two days later. A report is the incident's opening
  paragraphs (the later ones in its own order) followed by background paragraphs of the
  same crisis and then of others, until it has at least 500 words and 20 sentences, cut to at
  most 600 words and 30 sentences where whole paragraphs allow.
- **Wire copies.** About one report in twelve reprints an earlier report of its incident
  under another outlet's name and headline, with one paragraph dropped, as reprint sites do.

Every article is distinct (checked: no two texts are equal). The same seed and size give
the same corpus, byte for byte.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (ROOT / "eval" / "realnews" / "dev" / "articles.jsonl", ROOT / "eval" / "realnews" / "train" / "articles.jsonl")
DEMO = ROOT / "examples" / "corpus"
START = date(2023, 1, 2)
MIN_WORDS, MAX_WORDS = 500, 600
MIN_SENTENCES, MAX_SENTENCES = 20, 30
COPY_SHARE = 1 / 12
OUTLETS = (
    "Reuters", "Associated Press", "Agence France-Presse", "BBC News", "Al Jazeera", "The Guardian",
    "The New York Times", "The Washington Post", "Deutsche Welle", "France 24", "NHK World", "Xinhua",
    "Anadolu Agency", "The Times of India", "Dawn", "The Hindu", "Kyiv Independent", "Sudan Tribune",
    "Radio Free Asia", "The Irrawaddy", "Yonhap", "Taipei Times", "Arab News", "The National",
    "Haaretz", "The Jerusalem Post", "Middle East Eye", "Africanews", "Premium Times", "Daily Maverick",
    "ABC News", "CBC News", "Euronews", "Voice of America", "Al-Monitor", "Asharq Al-Awsat",
    "Kathmandu Post", "Bangkok Post", "South China Morning Post", "Focus Taiwan",
)  # fmt: skip
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]?(?=\s+[\"'“‘(]?[A-Z0-9])")


@dataclass(frozen=True, slots=True)
class Source:
    crisis: str
    paragraphs: tuple[str, ...]


def sentences_in(text: str) -> int:
    """Sentences in a paragraph, by end punctuation before a capital (a cheap count for sizing)."""
    return len(_SENTENCE_END.findall(text)) + 1


def words_in(text: str) -> int:
    return len(text.split())


def _paragraphs(text: str) -> tuple[str, ...]:
    parts = [re.sub(r"[ \t]+", " ", p).strip() for p in re.split(r"\n\s*\n|\n", text)]
    return tuple(p for p in parts if words_in(p) >= 8)


def load_sources() -> list[Source]:
    """The real articles the corpus is made from, as paragraphs, with their crisis."""
    sources = []
    for path in SOURCES:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            paragraphs = _paragraphs(row["text"])
            if len(paragraphs) >= 3:
                sources.append(Source(row.get("crisis") or "other", paragraphs))
    for path in sorted(DEMO.glob("*.txt")):
        paragraphs = _paragraphs(path.read_text(encoding="utf-8").split("\n", 1)[-1])
        if len(paragraphs) >= 3:
            sources.append(Source("demo", paragraphs))
    return sources


def _reports(rng: random.Random) -> int:
    """How many outlets report an incident: most one or two, a few many."""
    return rng.choices((1, 2, 3, 4, 5, 6, 8), weights=(40, 22, 14, 9, 7, 5, 3))[0]


def _report(rng: random.Random, lead: tuple[str, ...], same: list[str], other: list[str]) -> list[str]:
    body = [lead[0], *rng.sample(lead[1:], k=len(lead) - 1)]
    words = sum(words_in(p) for p in body)
    sents = sum(sentences_in(p) for p in body)
    used = set(body)
    tries = (rng.sample(same, k=min(len(same), 40)), (rng.choice(other) for _ in range(3000)))
    for pool in tries:
        for p in pool:
            if words >= MIN_WORDS and sents >= MIN_SENTENCES:
                return body
            w, s = words_in(p), sentences_in(p)
            if p in used or words + w > MAX_WORDS or sents + s > MAX_SENTENCES:
                continue
            body.append(p)
            used.add(p)
            words, sents = words + w, sents + s
    return body


def build(n: int, seed: int = 7, per_day: int = 100) -> list[dict]:
    """``n`` distinct article records (id, title, text, url, outlet, published), ready for JSON Lines."""
    rng = random.Random(seed)
    sources = load_sources()
    by_crisis: dict[str, list[str]] = {}
    for s in sources:
        by_crisis.setdefault(s.crisis, []).extend(s.paragraphs)
    everything = [p for s in sources for p in s.paragraphs]
    records: list[dict] = []
    seen: set[str] = set()
    incident = 0
    while len(records) < n:
        source = rng.choice(sources)
        lead = source.paragraphs[: rng.randint(2, min(4, len(source.paragraphs)))]
        day = START + timedelta(days=len(records) // per_day)
        earlier: list[dict] = []
        for k in range(_reports(rng)):
            if len(records) >= n:
                break
            outlet = rng.choice(OUTLETS)
            published = day + timedelta(days=rng.choice((0, 0, 0, 1, 1, 2)))
            if earlier and rng.random() < COPY_SHARE * 2:  # a reprint of an earlier report
                original = rng.choice(earlier)
                paragraphs = original["text"].split("\n\n")
                del paragraphs[rng.randrange(1, len(paragraphs))]
                text = "\n\n".join(paragraphs)
                title = f"{original['title']} ({outlet})"
            else:
                text = "\n\n".join(_report(rng, lead, by_crisis[source.crisis], everything))
                title = f"{lead[0].split('.')[0][:90]} - report {incident}.{k}"
            if text in seen:
                continue
            seen.add(text)
            record = {
                "id": f"bench-{len(records):07d}",
                "title": title,
                "text": text,
                "url": f"https://news.example/{incident}/{k}",
                "outlet": outlet,
                "published": published.isoformat(),
            }
            records.append(record)
            earlier.append(record)
        incident += 1
    return records


def write(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def describe(records: list[dict]) -> dict:
    """Words and sentences per article (mean, min, max), outlets, days, incidents."""
    words = [words_in(r["text"]) for r in records]
    sents = [sum(sentences_in(p) for p in r["text"].split("\n\n")) for r in records]
    return {
        "articles": len(records),
        "distinct_texts": len({r["text"] for r in records}),
        "words_mean": round(sum(words) / len(words), 1),
        "words_min": min(words),
        "words_max": max(words),
        "sentences_mean": round(sum(sents) / len(sents), 1),
        "sentences_min": min(sents),
        "sentences_max": max(sents),
        "outlets": len({r["outlet"] for r in records}),
        "incidents": len({r["url"].rsplit("/", 1)[0] for r in records}),
        "days": len({r["published"] for r in records}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-day", type=int, default=100)
    args = parser.parse_args()
    records = build(args.articles, args.seed, args.per_day)
    write(args.out, records)
    print(json.dumps(describe(records)))


if __name__ == "__main__":
    main()

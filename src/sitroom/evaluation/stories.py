"""Scoring story merging, wire-copy detection, response links and the threat
ledger against an annotated corpus (``sitroom eval stories eval/stories``).

The folder holds ``articles.jsonl`` (the corpus) and ``gold.json`` (copy
groups, story events with every report of them, links, threats with their
status); eval/stories/README.md describes both. The corpus is ingested into a
fresh in-memory store, as ``sitroom ingest`` would, and then:

- each gold report (article, quote, trigger) is aligned with the coded event
  in the sentence holding the quote whose trigger is the gold trigger (else
  whose trigger lies inside the quote), one event per report;
- story merging is scored on pairs of aligned reports: precision = pairs the
  system put in one story that the gold has in one story, over pairs the
  system put together; recall = the same over pairs the gold has together.
  Reports the coder did not find are outside the pairs and counted as
  ``coverage``. ``merge_*`` scores every aligned report (coder and merger
  together); ``typed_merge_*`` only reports the coder gave the gold event type,
  which scores the merger on its own: reports of different types are never
  merged, by design;
- copies: pairwise precision and recall over article pairs in one copy group;
- links: a gold link is found when the story holding most of the answering
  story's reports ``responds_to`` the story holding most of the answered one's;
- ledger: a gold threat is right when the ledger entry of its aligned
  reports has the gold status (no entry counts as wrong).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from pathlib import Path

from ..errors import DataFileError
from ..store import Store

__all__ = ["StoryScores", "evaluate_stories", "load_story_gold"]

# PLOVER's SANCTION and the older COERCE coding of sanctions are one act here
_TYPE_ALIASES = {"SANCTION": "COERCE"}


@dataclass(slots=True)
class StoryScores:
    reports: int = 0
    aligned: int = 0
    pairs_system: int = 0
    pairs_gold: int = 0
    pairs_both: int = 0
    typed: int = 0  # aligned reports the coder gave the gold event type
    typed_pairs_system: int = 0
    typed_pairs_gold: int = 0
    typed_pairs_both: int = 0
    copy_pairs_system: int = 0
    copy_pairs_gold: int = 0
    copy_pairs_both: int = 0
    links: int = 0
    links_found: int = 0
    threats: int = 0
    threats_found: int = 0
    threats_right: int = 0
    errors: list[dict] = field(default_factory=list)

    @staticmethod
    def _ratio(a: int, b: int) -> float:
        return round(a / b, 4) if b else 0.0

    def as_dict(self) -> dict:
        r = self._ratio
        return {
            "reports": self.reports,
            "coverage": r(self.aligned, self.reports),
            "merge_precision": r(self.pairs_both, self.pairs_system),
            "merge_recall": r(self.pairs_both, self.pairs_gold),
            "merge_pairs": {"system": self.pairs_system, "gold": self.pairs_gold, "both": self.pairs_both},
            "typed": r(self.typed, self.reports),
            "typed_merge_precision": r(self.typed_pairs_both, self.typed_pairs_system),
            "typed_merge_recall": r(self.typed_pairs_both, self.typed_pairs_gold),
            "copy_precision": r(self.copy_pairs_both, self.copy_pairs_system),
            "copy_recall": r(self.copy_pairs_both, self.copy_pairs_gold),
            "links": self.links,
            "link_recall": r(self.links_found, self.links),
            "threats": self.threats,
            "threats_found": self.threats_found,
            "ledger_accuracy": r(self.threats_right, self.threats),
        }


def load_story_gold(folder: str | Path) -> tuple[Path, dict]:
    """The corpus file and the validated gold annotation of an eval folder."""
    folder = Path(folder)
    corpus, gold_path = folder / "articles.jsonl", folder / "gold.json"
    for path in (corpus, gold_path):
        if not path.is_file():
            raise DataFileError(str(path), None, "missing (an eval folder holds articles.jsonl and gold.json)")
    try:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataFileError(str(gold_path), exc.lineno, f"not valid JSON: {exc.msg}") from None
    for key in ("as_of", "window_days", "copies", "stories", "links", "threats"):
        if key not in gold:
            raise DataFileError(str(gold_path), None, f"missing key {key!r}")
    ids = {s["id"] for s in gold["stories"]}
    for link in gold["links"]:
        for key in ("story", "responds_to"):
            if link[key] not in ids:
                raise DataFileError(str(gold_path), None, f"link names unknown story {link[key]!r}")
    return corpus, gold


@dataclass(slots=True)
class _Coded:
    """The ingested corpus as alignment needs it, read once."""

    texts: dict[str, str]
    sentences: dict[str, list[tuple[int, int, int, str]]]  # article -> (index, start, end, text)
    events: dict[tuple[str, int], list[dict]]  # (article, sentence) -> events with their story_id

    @classmethod
    def read(cls, store: Store) -> _Coded:
        sentences: dict[str, list[tuple[int, int, int, str]]] = {}
        for article_id, index, start, end, text in store.query(
            "SELECT article_id, sentence_index, start_char, end_char, text FROM sentences ORDER BY article_id, sentence_index"
        ):
            sentences.setdefault(article_id, []).append((index, start, end, text))
        events: dict[tuple[str, int], list[dict]] = {}
        for row in store.rows(
            """SELECT e.event_id, e.article_id, e.sentence_index, e.trigger, e.span_start, e.event_type, e.modality,
                      m.story_id
               FROM events e LEFT JOIN story_mentions m USING (event_id)"""
        ):
            events.setdefault((row["article_id"], row["sentence_index"]), []).append(row)
        return cls(dict(store.query("SELECT article_id, text FROM articles")), sentences, events)

    def quote(self, report: dict) -> tuple[int, int, int] | None:
        """(sentence index, start, end) of a report's quote in its article's cleaned text."""
        article, quote = report["article"], report["quote"]
        text = self.texts.get(article)
        if text is None:
            return None
        start = text.find(quote)
        if start < 0:  # cleaning changed the spacing: match on the sentence text
            hits = [s for s in self.sentences.get(article, []) if quote in s[3]]
            if not hits:
                return None
            index, start = hits[0][0], hits[0][1] + hits[0][3].find(quote)
        else:
            index = next((s[0] for s in self.sentences.get(article, []) if s[1] <= start < s[2]), None)
            if index is None:
                return None
        return index, start, start + len(quote)


def _align(coded: _Coded, reports: list[tuple[str, dict]]) -> dict[int, dict]:
    """Report number -> the coded event (a row with story_id) it stands for."""
    taken: set[str] = set()
    out: dict[int, dict] = {}
    for n, (_, report) in enumerate(reports):
        found = coded.quote(report)
        if found is None:
            continue
        index, start, end = found
        trigger = report["trigger"].lower()
        candidates = [e for e in coded.events.get((report["article"], index), []) if e["event_id"] not in taken]
        by_trigger = [e for e in candidates if e["trigger"].split()[0].lower() == trigger and start <= e["span_start"] < end]
        inside = [e for e in candidates if start <= e["span_start"] < end]
        pick = (by_trigger or inside or [None])[0]
        if pick is not None:
            taken.add(pick["event_id"])
            out[n] = pick
    return out


def _align_threats(coded: _Coded, reports: list[tuple[str, dict]]) -> dict[int, str]:
    """Report number -> story id of the ledger-eligible event in the quoted sentence
    (a THREATEN, else a conditional event; the gold trigger's first)."""
    out = {}
    for n, (_, report) in enumerate(reports):
        found = coded.quote(report)
        if found is None:
            continue
        trigger = report["trigger"].lower()
        eligible = [
            e for e in coded.events.get((report["article"], found[0]), [])
            if e["story_id"] and (e["event_type"] == "THREATEN" or e["modality"] == "conditional")
        ]  # fmt: skip
        eligible.sort(key=lambda e: (e["event_type"] != "THREATEN", e["trigger"].split()[0].lower() != trigger))
        if eligible:
            out[n] = eligible[0]["story_id"]
    return out


def _pairs(groups: list[list[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for g in groups for p in combinations(sorted(set(g)), 2)}


def evaluate_stories(folder: str | Path, pipeline=None, *, keep_errors: bool = True) -> StoryScores:
    from ..pipeline import IngestOptions, Pipeline
    from ..stories import update_stories
    from ..stories.ledger import threat_ledger

    corpus, gold = load_story_gold(folder)
    pipeline = pipeline or Pipeline()
    scores = StoryScores()
    with Store(":memory:") as store:
        pipeline.ingest([corpus], store, IngestOptions())
        update_stories(store)
        # --- copies
        system_groups: dict[str, list[str]] = {}
        for article_id, copy_of in store.query("SELECT article_id, copy_of FROM article_copies"):
            system_groups.setdefault(copy_of or article_id, []).append(article_id)
        sys_copy, gold_copy = _pairs(list(system_groups.values())), _pairs(gold["copies"])
        scores.copy_pairs_system, scores.copy_pairs_gold = len(sys_copy), len(gold_copy)
        scores.copy_pairs_both = len(sys_copy & gold_copy)
        # --- stories
        reports = [(s["id"], r) for s in gold["stories"] for r in s["reports"]]
        coded = _Coded.read(store)
        aligned = _align(coded, reports)
        scores.reports, scores.aligned = len(reports), len(aligned)
        for n, (sid, r) in enumerate(reports):
            if n not in aligned and keep_errors:
                scores.errors.append({"kind": "not coded", "story": sid, "article": r["article"], "quote": r["quote"]})
        gold_of = {n: reports[n][0] for n in aligned}
        system_of = {n: aligned[n]["story_id"] for n in aligned}
        gold_type = {st["id"]: _TYPE_ALIASES.get(st["event_type"], st["event_type"]) for st in gold["stories"]}
        typed = {n for n in aligned if _TYPE_ALIASES.get(aligned[n]["event_type"], aligned[n]["event_type"]) == gold_type[gold_of[n]]}
        scores.typed = len(typed)
        for a, b in combinations(sorted(aligned), 2):
            same_gold, same_system = gold_of[a] == gold_of[b], system_of[a] == system_of[b]
            scores.pairs_gold += same_gold
            scores.pairs_system += same_system
            scores.pairs_both += same_gold and same_system
            if a in typed and b in typed:
                scores.typed_pairs_gold += same_gold
                scores.typed_pairs_system += same_system
                scores.typed_pairs_both += same_gold and same_system
        if keep_errors:
            # one line per gold story spread over several system stories, and per
            # system story holding several gold stories
            for kind, key, other in (("split", gold_of, system_of), ("merged", system_of, gold_of)):
                spread: dict[str, dict[str, list[str]]] = {}
                for n in aligned:
                    spread.setdefault(key[n], {}).setdefault(other[n], []).append(reports[n][1]["quote"])
                for story, parts in sorted(spread.items()):
                    if len(parts) > 1:
                        scores.errors.append({"kind": kind, "story": story, "into": parts})
        main_story = {}
        for sid in {s["id"] for s in gold["stories"]}:
            found = Counter(system_of[n] for n in aligned if gold_of[n] == sid)
            main_story[sid] = found.most_common(1)[0][0] if found else None
        responds = dict(store.query("SELECT story_id, responds_to FROM stories"))
        for link in gold["links"]:
            scores.links += 1
            source, target = main_story.get(link["story"]), main_story.get(link["responds_to"])
            ok = source is not None and target is not None and responds.get(source) == target
            scores.links_found += ok
            if not ok and keep_errors:
                scores.errors.append({"kind": "link missed", **link, "system": [source, target, responds.get(source)]})
        # --- ledger
        ledger = {
            e.story_id: e
            for e in threat_ledger(store, window_days=int(gold["window_days"]), as_of=date.fromisoformat(gold["as_of"]))
        }
        threat_reports = [(t["id"], r) for t in gold["threats"] for r in t["reports"]]
        threat_aligned = _align_threats(coded, threat_reports)
        for t in gold["threats"]:
            scores.threats += 1
            stories = Counter(
                threat_aligned[n] for n, (tid, _) in enumerate(threat_reports) if tid == t["id"] and n in threat_aligned
            )
            entry = next((ledger[s] for s, _ in stories.most_common() if s in ledger), None)
            scores.threats_found += entry is not None
            right = entry is not None and entry.status == t["status"]
            scores.threats_right += right
            if not right and keep_errors:
                scores.errors.append(
                    {"kind": "ledger", "threat": t["id"], "gold": t["status"],
                     "system": entry.status if entry else None, "entry": entry.story_id if entry else None}
                )  # fmt: skip
    return scores

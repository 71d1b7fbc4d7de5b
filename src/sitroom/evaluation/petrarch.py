"""Scores against PETRARCH-2's own unit-test records (MIT, Open Event Data).

Each record is a sentence with the events PETRARCH-2 is expected to produce,
as (source actor code, target actor code, CAMEO event code). The actors are
invented (Arnor=ARN, Gondor=GON, ...) and come from the suite's validation
dictionaries, which are loaded through Sitroom's TABARI importer; the event
vocabulary is Sitroom's own lexicon.

Scored on the records whose expected codes are all standard CAMEO codes
(roots 01-20; the suite also uses test-only 8xx/9xx codes defined in its own
verb file), at the CAMEO root with source and target countries: an expected
triple is found when some coded event in the sentence has the same root, the
source's country among its actors and the target's country among its
recipients (an empty target is not checked). Precision counts the coder's
(actor, recipient, root) triples in those sentences that match an expected
one. Records that expect no event report how many events were coded anyway.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import DataFileError
from .common import PRF, f1

__all__ = ["PetrarchScores", "PetrRecord", "evaluate_petrarch", "gold_country", "load_petrarch_records"]

_STANDARD = re.compile(r"^(0[1-9]|1[0-9]|20)[0-9]{0,2}$")
_PREFIXES = ("IGO", "NGO", "NGM", "IMG", "MNC")


@dataclass(slots=True, frozen=True)
class PetrRecord:
    id: str
    category: str
    published: date | None
    text: str
    events: tuple[tuple[str, str, str], ...]  # (source, target, code)
    noevents: bool

    @property
    def standard(self) -> bool:
        return bool(self.events) and all(_STANDARD.match(code) for _, _, code in self.events)


@dataclass(slots=True)
class PetrarchScores:
    records: int  # scored records (standard codes)
    triples: PRF  # root-code triples
    per_category: dict[str, PRF]
    noevent_records: int
    noevent_false_events: int
    errors: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict:
        return {
            "records": self.records,
            "triples": self.triples.as_dict(),
            "per_category": {c: s.as_dict() for c, s in sorted(self.per_category.items())},
            "noevent_records": self.noevent_records,
            "noevent_false_events": self.noevent_false_events,
            "errors": dict(self.errors.most_common()),
        }


def load_petrarch_records(path: str | Path) -> list[PetrRecord]:
    p = Path(path)
    try:
        root = ET.parse(p).getroot()
    except (OSError, ET.ParseError) as exc:
        raise DataFileError(str(p), None, f"not a PETRARCH records file: {exc}") from None
    records = []
    for s in root.iter("Sentence"):
        text = " ".join((s.findtext("Text") or "").split())
        if not text:
            continue
        codings = s.findall("EventCoding")
        events = tuple(
            (c.get("sourcecode", ""), c.get("targetcode", ""), c.get("eventcode", ""))
            for c in codings
            if c.get("eventcode")
        )
        raw_date = s.get("date", "")
        try:
            published = date(int(raw_date[:4]), int(raw_date[4:6]), int(raw_date[6:8]))
        except ValueError:
            published = None
        records.append(
            PetrRecord(
                id=s.get("id", ""),
                category=s.get("category", ""),
                published=published,
                text=text,
                events=events,
                noevents=any(c.get("noevents") for c in codings),
            )
        )
    if not records:
        raise DataFileError(str(p), None, "no <Sentence> records found")
    return records


def gold_country(code: str) -> str:
    """Country part of a CAMEO actor code ("ARNGOV" -> ARN, "NGOARN" -> ARN)."""
    code = code.strip().upper()
    if len(code) >= 6 and code[:3] in _PREFIXES:
        return code[3:6]
    return code[:3]


def evaluate_petrarch(pipeline, records: list[PetrRecord]) -> PetrarchScores:
    scored = [r for r in records if r.standard]
    quiet = [r for r in records if r.noevents]
    texts = [(r.text, r.published) for r in scored + quiet]
    results = [coded for coded, _ in pipeline.code_many(texts)]
    found = gold_total = predicted_total = predicted_right = 0
    by_cat_found: Counter = Counter()
    by_cat_total: Counter = Counter()
    errors: Counter = Counter()
    for rec, coded in zip(scored, results[: len(scored)]):
        ours = [
            ({a.country for a in e.actor}, {r.country for r in e.recipient}, e.cameo_code[:2])
            for e in coded.events
        ]
        gold = [(gold_country(s), gold_country(t) if t and not t.startswith("---") else "", code[:2]) for s, t, code in rec.events]
        for src, tgt, root in gold:
            gold_total += 1
            by_cat_total[rec.category] += 1
            if any(root == r and src in a and (not tgt or tgt in rc) for a, rc, r in ours):
                found += 1
                by_cat_found[rec.category] += 1
            elif not ours:
                errors["no event coded"] += 1
            elif not any(root == r for _, _, r in ours):
                errors["no event with the right root"] += 1
            elif not any(root == r and src in a for a, _, r in ours):
                errors["source missed"] += 1
            else:
                errors["target missed"] += 1
        for actors, recipients, root in ours:
            for a in actors or {""}:
                for t in recipients or {""}:
                    predicted_total += 1
                    if any(root == r and a == s and (not tg or t == tg) for s, tg, r in gold):
                        predicted_right += 1
    false_events = sum(len(coded.events) for coded in results[len(scored) :])
    # Per category only recall is meaningful; precision is reported overall.
    per_category = {c: PRF(0.0, by_cat_found[c] / n, 0.0, n) for c, n in sorted(by_cat_total.items())}
    precision = predicted_right / predicted_total if predicted_total else 0.0
    recall = found / gold_total if gold_total else 0.0
    overall = PRF(precision, recall, f1(precision, recall), gold_total)
    return PetrarchScores(
        records=len(scored),
        triples=overall,
        per_category=per_category,
        noevent_records=len(quiet),
        noevent_false_events=false_events,
        errors=errors,
    )


"""Scoring the framing fields (modality, dates, places, relays, attribution,
magnitudes, conditions) on Sitroom's own annotated set (eval/modality,
annotation rules in eval/modality/GUIDELINES.md).

Each gold line names one target event by its trigger word. The coded event
whose trigger span is that word (the last occurrence, where the passage
repeats it), else whose trigger names it as a light verb's object ("imposed
sanctions" for "sanctions"), is compared field by field; a target the coder does not code at
all counts as wrong on every field, so the scores are end to end.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import DataFileError
from ..records import DATE_PRECISIONS, MODALITIES, Event
from .common import PRF, prf

__all__ = ["ModalityGold", "ModalityScores", "evaluate_modality", "load_modality_gold"]

_REQUIRED = ("id", "published", "text", "trigger", "modality", "historical", "event_date", "date_precision",
             "location", "via", "claimant", "dead", "injured", "count", "condition", "consequence")  # fmt: skip


@dataclass(slots=True, frozen=True)
class ModalityGold:
    id: str
    origin: str  # file:line
    published: date
    text: str
    trigger: str
    modality: str
    historical: bool
    event_date: date
    date_precision: str
    location: dict | None
    via: tuple[str, ...]
    claimant: dict | None
    dead: int | None
    injured: int | None
    count: dict | None
    condition: dict | None
    consequence: dict | None


def _date(value: object, where: str, key: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DataFileError(where, None, f"{key}: not a YYYY-MM-DD date: {value!r}") from None


def load_modality_gold(path: str | Path) -> list[ModalityGold]:
    """Gold lines of one .jsonl file or of every .jsonl file in a folder."""
    p = Path(path)
    files = sorted(p.glob("*.jsonl")) if p.is_dir() else [p]
    if not files:
        raise DataFileError(str(p), None, "no .jsonl gold files")
    out: list[ModalityGold] = []
    seen: set[str] = set()
    for f in files:
        try:
            lines = f.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise DataFileError(str(f), None, f"cannot read: {exc}") from None
        for n, line in enumerate(lines, 1):
            s = line.strip()
            if not s or s.startswith("//"):
                continue
            where = f"{f}:{n}"
            try:
                rec = json.loads(s)
            except json.JSONDecodeError as exc:
                raise DataFileError(str(f), n, f"invalid JSON: {exc.msg}") from None
            missing = [k for k in _REQUIRED if k not in rec]
            if missing:
                raise DataFileError(str(f), n, f"missing fields: {', '.join(missing)}")
            if rec["modality"] not in MODALITIES:
                raise DataFileError(str(f), n, f"unknown modality {rec['modality']!r}")
            if rec["date_precision"] not in DATE_PRECISIONS:
                raise DataFileError(str(f), n, f"unknown date_precision {rec['date_precision']!r}")
            if rec["trigger"] not in rec["text"]:
                raise DataFileError(str(f), n, f"trigger {rec['trigger']!r} is not in the text")
            if rec["id"] in seen:
                raise DataFileError(str(f), n, f"duplicate id {rec['id']!r}")
            seen.add(rec["id"])
            out.append(
                ModalityGold(
                    id=rec["id"], origin=where, published=_date(rec["published"], where, "published"),
                    text=rec["text"], trigger=rec["trigger"], modality=rec["modality"],
                    historical=bool(rec["historical"]), event_date=_date(rec["event_date"], where, "event_date"),
                    date_precision=rec["date_precision"], location=rec["location"],
                    via=tuple(str(v).upper() for v in rec["via"] or ()), claimant=rec["claimant"],
                    dead=rec["dead"], injured=rec["injured"], count=rec["count"],
                    condition=rec["condition"], consequence=rec["consequence"],
                )  # fmt: skip
            )
    return out


@dataclass(slots=True)
class ModalityScores:
    items: int = 0
    found: int = 0  # target events coded at all
    modality_right: int = 0
    historical_right: int = 0
    date_right: int = 0
    location_gold: int = 0
    location_right: int = 0  # country right, on items whose gold has a location
    location_spurious: int = 0  # a location where the gold has none
    location_none: int = 0  # gold items with no location
    via: PRF | None = None
    claimant: PRF | None = None
    anonymous_right: int = 0
    medium_right: int = 0
    claimant_matched: int = 0
    casualty_gold: int = 0
    casualty_right: int = 0
    count_gold: int = 0
    count_right: int = 0
    condition_gold: int = 0
    condition_right: int = 0
    consequence_gold: int = 0
    consequence_right: int = 0
    modality_confusion: Counter = field(default_factory=Counter)  # (gold, coded)
    date_errors: Counter = field(default_factory=Counter)  # gold precision -> wrong
    examples: dict[str, list[str]] = field(default_factory=dict)

    def _ratio(self, a: int, b: int) -> float:
        return a / b if b else 0.0

    @property
    def modality_accuracy(self) -> float:
        return self._ratio(self.modality_right, self.items)

    @property
    def date_accuracy(self) -> float:
        return self._ratio(self.date_right, self.items)

    @property
    def location_accuracy(self) -> float:
        return self._ratio(self.location_right, self.location_gold)

    @property
    def historical_accuracy(self) -> float:
        return self._ratio(self.historical_right, self.items)

    def as_dict(self) -> dict:
        return {
            "items": self.items,
            "target_found": round(self._ratio(self.found, self.items), 4),
            "modality_accuracy": round(self.modality_accuracy, 4),
            "historical_accuracy": round(self.historical_accuracy, 4),
            "date_accuracy": round(self.date_accuracy, 4),
            "location_country_accuracy": round(self.location_accuracy, 4),
            "location_gold": self.location_gold,
            "location_spurious_rate": round(self._ratio(self.location_spurious, self.location_none), 4),
            "via": self.via.as_dict() if self.via else None,
            "claimant": self.claimant.as_dict() if self.claimant else None,
            "claimant_anonymous_accuracy": round(self._ratio(self.anonymous_right, self.claimant_matched), 4),
            "claimant_medium_accuracy": round(self._ratio(self.medium_right, self.claimant_matched), 4),
            "casualty_accuracy": round(self._ratio(self.casualty_right, self.casualty_gold), 4),
            "casualty_gold": self.casualty_gold,
            "count_accuracy": round(self._ratio(self.count_right, self.count_gold), 4),
            "count_gold": self.count_gold,
            "condition_accuracy": round(self._ratio(self.condition_right, self.condition_gold), 4),
            "condition_gold": self.condition_gold,
            "consequence_accuracy": round(self._ratio(self.consequence_right, self.consequence_gold), 4),
            "consequence_gold": self.consequence_gold,
            "modality_confusion": {f"{g}->{c}": n for (g, c), n in self.modality_confusion.most_common()},
            "date_errors_by_precision": dict(self.date_errors),
        }

    def note(self, kind: str, item_id: str) -> None:
        self.examples.setdefault(kind, []).append(item_id)


def _target(events: tuple[Event, ...], text: str, trigger: str) -> Event | None:
    word = trigger.lower()
    # the trigger word, or the object of a light verb the event's trigger names ("imposed sanctions")
    matches = [e for e in events if text[e.span_start : e.span_end].lower() == word] or [
        e for e in events if word in e.trigger.lower().split()
    ]
    if not matches:
        return None
    last = max(e.span_start for e in matches)
    return next(e for e in matches if e.span_start == last)


def _words(text: str) -> list[str]:
    return [w.strip(".,'\u2019\"").lower() for w in text.split() if w.strip(".,'\u2019\"")]


def claimant_matches(gold: dict, predicted_text: str) -> bool:
    """The same source: one text contains the other, or they end on the same word
    ("two European diplomats" / "European diplomats"; "Israel's military" / "the Israeli military")."""
    g, p = _words(gold.get("text", "")), _words(predicted_text)
    if not g or not p:
        return False
    gs, ps = " ".join(g), " ".join(p)
    return gs in ps or ps in gs or g[-1] == p[-1]


def evaluate_modality(pipeline, gold: list[ModalityGold]) -> ModalityScores:
    scores = ModalityScores()
    via_tp = via_pred = via_gold = 0
    cl_tp = cl_pred = cl_gold = 0
    coded = pipeline.code_many((g.text, g.published) for g in gold)
    for g, (result, _doc) in zip(gold, coded):
        scores.items += 1
        e = _target(result.events, result.article.text, g.trigger)
        if e is None:
            scores.note("target not coded", g.id)
            scores.modality_confusion[(g.modality, "none")] += 1
            scores.date_errors[g.date_precision] += 1
            via_gold += len(g.via)
            cl_gold += g.claimant is not None
            scores.location_gold += g.location is not None
            scores.location_none += g.location is None
            scores.casualty_gold += g.dead is not None or g.injured is not None
            scores.count_gold += g.count is not None
            scores.condition_gold += g.condition is not None
            scores.consequence_gold += g.consequence is not None
            continue
        scores.found += 1
        if e.modality == g.modality:
            scores.modality_right += 1
        else:
            scores.modality_confusion[(g.modality, e.modality)] += 1
            scores.note(f"modality {g.modality}->{e.modality}", g.id)
        scores.historical_right += e.historical == g.historical
        if e.date_precision == g.date_precision and e.event_date == g.event_date:
            scores.date_right += 1
        else:
            scores.date_errors[g.date_precision] += 1
            scores.note(f"date {g.date_precision}->{e.date_precision or 'none'}", g.id)
        if g.location is not None:
            scores.location_gold += 1
            if e.location is not None and e.location.country == str(g.location.get("country", "")).upper():
                scores.location_right += 1
            else:
                scores.note("location wrong" if e.location else "location missed", g.id)
        else:
            scores.location_none += 1
            if e.location is not None:
                scores.location_spurious += 1
                scores.note("location spurious", g.id)
        predicted_via = {(v.country or v.text).upper() for v in e.via}
        gold_via = set(g.via)
        via_tp += len(predicted_via & gold_via)
        via_pred += len(predicted_via)
        via_gold += len(gold_via)
        if predicted_via != gold_via:
            scores.note("via wrong", g.id)
        if g.claimant is not None:
            cl_gold += 1
        if e.attribution is not None:
            cl_pred += 1
        if g.claimant is not None and e.attribution is not None:
            if claimant_matches(g.claimant, e.attribution.text):
                cl_tp += 1
                scores.claimant_matched += 1
                scores.anonymous_right += bool(g.claimant.get("anonymous")) == e.attribution.anonymous
                scores.medium_right += (g.claimant.get("medium") or "").lower() == e.attribution.medium.lower()
            else:
                scores.note("claimant wrong", g.id)
        elif g.claimant is not None:
            scores.note("claimant missed", g.id)
        elif e.attribution is not None:
            scores.note("claimant spurious", g.id)
        if g.dead is not None or g.injured is not None:
            scores.casualty_gold += 1
            if (e.dead, e.injured) == (g.dead, g.injured):
                scores.casualty_right += 1
            else:
                scores.note("casualties wrong", g.id)
        if g.count is not None:
            scores.count_gold += 1
            if any(c.n == g.count.get("n") for c in e.counts):
                scores.count_right += 1
            else:
                scores.note("count wrong", g.id)
        if g.condition is not None:
            scores.condition_gold += 1
            gold_actor = g.condition.get("actor")
            if e.condition is not None and (not gold_actor or any(a.country == gold_actor for a in e.condition.actor)):
                scores.condition_right += 1
            else:
                scores.note("condition wrong", g.id)
        if g.consequence is not None:
            scores.consequence_gold += 1
            if e.consequence is not None and e.consequence.event_type == g.consequence.get("event_type"):
                scores.consequence_right += 1
            else:
                scores.note("consequence wrong", g.id)
    scores.via = prf(via_tp, via_pred, via_gold)
    scores.claimant = prf(cl_tp, cl_pred, cl_gold)
    return scores

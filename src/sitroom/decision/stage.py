"""The decision stage: the model scores each candidate the rules proposed.

Between the coder (candidates) and the store. For each event it sets the
type (the model's where it is sure, else the rules'), ``confidence`` and
``decided_by``, and drops the candidates whose confidence is under the
model's threshold. Without a model (``--rules-only``) events pass unchanged
with no confidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..coding.lexicon import Lexicon, quad_class
from ..records import Event, Sentence
from .features import Candidate
from .model import DecisionModel

__all__ = ["DecisionStage"]


class DecisionStage:
    def __init__(self, model: DecisionModel, lexicon: Lexicon, threshold: float | None = None) -> None:
        self.model = model
        self.lexicon = lexicon
        self.threshold = model.threshold if threshold is None else threshold

    def decide(self, events: Sequence[Event], sentences: Sequence[Sentence]) -> list[Event]:
        by_index = {s.index: s for s in sentences}
        kept: dict[tuple[int, str, str], Event] = {}
        for e in events:
            sent = by_index.get(e.sentence_index)
            candidate = Candidate(e, sent.text if sent else "", sent.start if sent else 0)
            d = self.model.decide(candidate)
            if d.confidence < self.threshold:
                continue
            decided = replace(e, confidence=round(d.confidence, 4), decided_by=d.decided_by)
            if d.event_type != e.event_type:
                decided = self._retyped(decided, d.event_type)
            key = (decided.span_start, decided.event_type, "|".join(sorted(a.country for a in decided.actor)))
            if key not in kept or kept[key].confidence < decided.confidence:
                kept[key] = decided  # two candidates the model makes one: keep the surer
        return sorted(kept.values(), key=lambda e: (e.sentence_index, e.span_start, e.event_id))

    def _retyped(self, e: Event, event_type: str) -> Event:
        code = self.model.cameo_of.get(event_type)
        cameo = self.lexicon.cameo.get(code) if code else None
        if cameo is None:
            return replace(e, event_type=event_type, mode=None, contexts=())
        return replace(e, event_type=event_type, mode=None, contexts=(), cameo_code=code,
                       quad_class=quad_class(code), intensity=cameo.goldstein)  # fmt: skip

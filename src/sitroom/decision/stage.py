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

__all__ = ["DecisionStage"]


class DecisionStage:
    def __init__(self, model: DecisionModel, lexicon: Lexicon, threshold: float | None = None, country_name=None) -> None:
        self.model = model
        self.lexicon = lexicon
        self.threshold = model.threshold if threshold is None else threshold
        self.country_name = country_name or (lambda code: code)

    def decide(self, events: Sequence[Event], sentences: Sequence[Sentence]) -> list[Event]:
        """The article's events the model keeps, decided, in text order."""
        kept: dict[tuple[int, str, str], Event] = {}
        for decided in self.score(article_candidates(events, sentences)):
            if decided.confidence < self.threshold:
                continue
            key = (decided.span_start, decided.event_type, "|".join(sorted(a.country for a in decided.actor)))
            if key not in kept or kept[key].confidence < decided.confidence:
                kept[key] = decided  # two candidates the model makes one: keep the surer
        return sorted(kept.values(), key=lambda e: (e.sentence_index, e.span_start, e.event_id))

    def score(self, candidates: Sequence[Candidate]) -> list[Event]:
        """Every candidate of one article decided (sides filled, type, confidence), none dropped."""
        model = self.model
        if model.fill_weights is not None:
            candidates = fill_candidates(list(candidates), model.fill_weights, model.fill_threshold, self.country_name)
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


def article_candidates(events: Sequence[Event], sentences: Sequence[Sentence]) -> list[Candidate]:
    """The rules' events of one article as candidates, each with its sentence."""
    by_index = {s.index: s for s in sentences}
    out = []
    for e in events:
        sent = by_index.get(e.sentence_index)
        out.append(Candidate(e, sent.text if sent else "", sent.start if sent else 0))
    return out

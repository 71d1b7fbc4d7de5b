"""Pieces shared by the evaluations."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from ..records import Event

__all__ = ["PRF", "f1", "primary_event", "prf"]


@dataclass(slots=True, frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float
    support: int  # gold items

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4), "support": self.support}


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def prf(correct: int, predicted: int, gold: int) -> PRF:
    p = correct / predicted if predicted else 0.0
    r = correct / gold if gold else 0.0
    return PRF(p, r, f1(p, r), gold)


def primary_event(events: tuple[Event, ...] | list[Event], doc: Doc) -> Event | None:
    """The event whose trigger stands highest in the parse (closest to the
    root of its sentence); the main clause's event, without looking at gold."""
    best: tuple[int, int] | None = None
    chosen = None
    for e in events:
        span = doc.char_span(e.span_start, e.span_end, alignment_mode="expand")
        depth = 0
        if span is not None:
            tok = span.root
            while tok.head.i != tok.i and depth < 50:
                tok = tok.head
                depth += 1
        key = (depth, e.span_start)
        if best is None or key < best:
            best, chosen = key, e
    return chosen

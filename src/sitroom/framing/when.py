"""The date of an event: the date expression attached to its own clause,
resolved against the publication date with the tense of the event."""

from __future__ import annotations

from datetime import date

from spacy.tokens import Span, Token

from .clause import Frame
from .dates import ResolvedDate, resolve_date

__all__ = ["date_expression", "event_date"]

_DAY_WORDS = frozenset("yesterday today tomorrow tonight".split())
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())


def _attachment(ent: Span) -> Token:
    """The word a date phrase modifies: the head of its preposition, or of the phrase."""
    root = ent.root
    if root.dep_ == "pobj" and root.head.dep_ == "prep":
        return root.head.head
    return root.head


def date_expression(frame: Frame, sent: Span) -> Span | None:
    """The date phrase attached to the event's own clause (not to the verb
    of saying that reports it)."""
    # the parser may hang "on Monday" from the object ("killed a commander ... last month")
    governing = {t.i for t in frame.local()}
    trigger = frame.trigger
    best: Span | None = None
    for ent in sent.ents:
        if ent.label_ != "DATE":
            continue
        head = _attachment(ent)
        if head.i in governing or ent.root.i in governing or (ent.start <= trigger.i < ent.end):
            # "the 2019 assassination": the year sits inside the noun phrase
            if best is None or abs(ent.start - trigger.i) < abs(best.start - trigger.i):
                best = ent
    if best is not None:
        return best
    # Weekdays and "yesterday" the NER missed
    for t in frame.chain:
        for c in t.children:
            if c.lower_ in _DAY_WORDS | _WEEKDAYS and c.dep_ in ("npadvmod", "tmod", "advmod", "nmod"):
                return sent.doc[c.i : c.i + 1]
            if c.dep_ == "prep" and c.lower_ == "on":
                p = next((x for x in c.children if x.dep_ == "pobj"), None)
                if p is not None and p.lower_ in _WEEKDAYS:
                    return sent.doc[c.i : p.i + 1]
    return None


def event_date(
    frame: Frame, sent: Span, published: date | None, *, future: bool, anchor: date | None
) -> tuple[ResolvedDate | None, str]:
    """(resolved date, expression text); (None, text) for an expression not understood."""
    expr = date_expression(frame, sent)
    if expr is None:
        return None, ""
    text = expr.text
    # include a preceding "last"/"next"/"this" the NER left out
    prev = expr.doc[expr.start - 1] if expr.start > 0 else None
    if prev is not None and prev.lower_ in ("last", "next", "this", "early", "late", "mid") and prev.head.i in range(expr.start, expr.end):
        text = f"{prev.text} {text}"
    return resolve_date(text, published, future=future, anchor=anchor), text

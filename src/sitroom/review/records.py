"""Typed records of analyst reviews, and how a review's events are found again.

A review never names an event by its id alone: it keeps an :class:`Anchor` for
each event it is about (the article, the trigger's character span, the type the
machine gave it, the sentence and the trigger's place in it), so that it finds
its event again after the article is re-ingested, stored as a new revision or
coded again by another model (``resolve``). A review whose events are all gone
is *orphaned*: kept, listed, applied to nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "ACTIONS", "KINDS", "LINK_ACTIONS", "Anchor", "EventOverride", "Review", "fold_overrides", "resolve",
]  # fmt: skip

# kind -> the actions a review of that kind may take
ACTIONS: dict[str, tuple[str, ...]] = {
    "event": ("confirm", "reject", "type", "actor", "recipient"),
    "story": ("merge", "split"),
    "link": ("confirm", "reject"),
    "threat": ("status",),
}
KINDS = tuple(ACTIONS)
LINK_ACTIONS = ACTIONS["link"]


@dataclass(slots=True, frozen=True)
class Anchor:
    """Where a reviewed event stands in its article, as the machine coded it."""

    article_id: str
    span_start: int
    span_end: int
    event_type: str  # the machine's type at the time of the review (not a corrected one)
    trigger: str = ""
    sentence: str = ""  # the sentence's text
    offset: int = 0  # the trigger's start within the sentence


@dataclass(slots=True, frozen=True)
class Review:
    """One analyst's judgement: who, when, why, and what it changes (old and new value, JSON)."""

    review_id: str  # R1, R2, ... in the order made
    kind: str  # event, story, link, threat
    action: str  # see ACTIONS
    target: str  # what the analyst named: an event id or a story id
    reviewer: str
    created_at: datetime
    note: str = ""
    other: str | None = None  # the second story (merge, link target, the story that carried a threat out)
    old_value: object = None
    new_value: object = None
    undone_at: datetime | None = None
    undone_by: str | None = None


@dataclass(slots=True)
class EventOverride:
    """What the reviews of one stored event make of it (None: the machine's value stands)."""

    event_id: str
    review_ids: list[str]
    rejected: bool = False
    event_type: str | None = None
    cameo_code: str | None = None
    quad_class: int | None = None
    intensity: float | None = None
    actor: list[dict] | None = None
    recipient: list[dict] | None = None


def resolve(anchor: Anchor, events: Sequence[dict]) -> str | None:
    """The id of the stored event ``anchor`` stands for, among ``events`` (rows of its article with
    event_id, span_start, span_end, event_type, sentence, offset), or None (gone).

    In order: the same span and machine type; the only event on that span (another model typed it
    differently); the same type at the same place of the same sentence (a revision moved it)."""
    same_span = [e for e in events if (e["span_start"], e["span_end"]) == (anchor.span_start, anchor.span_end)]
    for e in same_span:
        if e["event_type"] == anchor.event_type:
            return e["event_id"]
    if len(same_span) == 1:
        return same_span[0]["event_id"]
    if anchor.sentence:
        moved = [
            e for e in events
            if e["sentence"] == anchor.sentence and e["offset"] == anchor.offset and e["event_type"] == anchor.event_type
        ]  # fmt: skip
        if moved:
            return moved[0]["event_id"]
    return None


def fold_overrides(reviews: Iterable[tuple[Review, str]]) -> dict[str, EventOverride]:
    """The override of each event from its active event reviews, given as (review, event id) in the
    order made: the latest review of a field wins; the latest confirm or reject decides whether the
    event stands."""
    out: dict[str, EventOverride] = {}
    for review, event_id in reviews:
        o = out.setdefault(event_id, EventOverride(event_id, []))
        o.review_ids.append(review.review_id)
        value = review.new_value if isinstance(review.new_value, dict) else {}
        if review.action in ("confirm", "reject"):
            o.rejected = review.action == "reject"
        elif review.action == "type":
            o.event_type, o.cameo_code = value.get("event_type"), value.get("cameo_code")
            o.quad_class, o.intensity = value.get("quad_class"), value.get("intensity")
        elif review.action in ("actor", "recipient"):
            setattr(o, review.action, list(value.get(review.action) or []))
    return out

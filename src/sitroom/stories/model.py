"""Records of the story stage: one event mention as the merger sees it, and
the story event it builds from many mentions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ..framing.dates import period_end
from ..records import ActorRef, Condition, Consequence, Location

__all__ = ["Mention", "Story", "modality_group"]

# A report that an event happened and a denial that it did are reports of the
# same event (they disagree on its modality); plans, conditions, hypotheses and
# negations are statements of their own.
_SAME_AS_ASSERTED = frozenset(("asserted", "denied"))
UNDATED_BEFORE_DAYS = 2  # an undated past event: within this many days before publication
UNDATED_AHEAD_DAYS = 30  # an undated planned event: within this many days after publication


def modality_group(modality: str | None) -> str:
    return "asserted" if (modality or "asserted") in _SAME_AS_ASSERTED else modality


@dataclass(slots=True, frozen=True)
class Mention:
    """One coded event (one report of an act) with what merging and consensus need."""

    event_id: str
    article_id: str
    sentence_index: int
    outlet: str | None
    published: date | None
    event_type: str
    cameo_code: str = ""
    quad_class: int = 0
    intensity: float = 0.0
    actor: tuple[ActorRef, ...] = ()
    recipient: tuple[ActorRef, ...] = ()
    modality: str = "asserted"
    historical: bool = False
    event_date: date | None = None
    date_precision: str = ""
    location: Location | None = None
    dead: int | None = None
    injured: int | None = None
    cause_event: str | None = None
    cause_text: str = ""
    condition: Condition | None = None
    consequence: Consequence | None = None
    copy_of: str | None = None  # the article this one is a wire copy of (its copy group), None if original
    reference: bool = False  # named as the act another event answers: joins an earlier story
    confidence: float | None = None  # the decision stage's confidence; None when coded by the rules only
    reviewed: bool = False  # an analyst confirmed or corrected the event (sitroom.review)

    @property
    def actors(self) -> frozenset[str]:
        return frozenset(a.country for a in self.actor if a.country)

    @property
    def recipients(self) -> frozenset[str]:
        return frozenset(a.country for a in self.recipient if a.country)

    @property
    def group(self) -> str:
        return modality_group(self.modality)

    @property
    def copy_group(self) -> str:
        """Wire copies of one story count as one source."""
        return self.copy_of or self.article_id

    def window(self) -> tuple[date, date] | None:
        """The days the event can have happened on, from its date and precision."""
        if self.event_date is not None and self.date_precision not in ("", "publication"):
            return self.event_date, period_end(self.event_date, self.date_precision)
        day = self.event_date or self.published
        if day is None:
            return None
        if self.group == "asserted":
            return day - timedelta(days=UNDATED_BEFORE_DAYS), day
        return day, day + timedelta(days=UNDATED_AHEAD_DAYS)


@dataclass(slots=True)
class Story:
    """A story event: one real-world act, with every report of it."""

    story_id: str
    event_type: str
    group: str
    actors: set[str] = field(default_factory=set)
    recipients: set[str] = field(default_factory=set)
    lo: date | None = None
    hi: date | None = None
    location_country: str | None = None
    n_mentions: int = 0

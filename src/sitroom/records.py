"""Typed records that travel between the pipeline's stages.

Readers yield :class:`RawItem`; the cleaner turns one into an :class:`Article`;
the NLP stage splits it into :class:`Sentence` records; the coder produces
:class:`Event` records whose parties are :class:`ActorRef` lists. Problems with
input become :class:`IngestProblem` records instead of exceptions, so one bad
item never stops a batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

__all__ = [
    "ActorRef",
    "Article",
    "Attribution",
    "Condition",
    "Consequence",
    "Count",
    "DATE_PRECISIONS",
    "Event",
    "Location",
    "MODALITIES",
    "IngestProblem",
    "RawItem",
    "Removal",
    "Sentence",
]


@dataclass(slots=True, frozen=True)
class RawItem:
    """One article as a reader found it, before cleaning."""

    source: str  # file path, with "#line N" / "#item N" for multi-article files
    fmt: str  # txt, html, jsonl, csv, feed, text
    text: str
    article_id: str | None = None
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: date | None = None


@dataclass(slots=True, frozen=True)
class Removal:
    """A piece of scraped text the cleaner removed, and why."""

    line: int  # 1-based line of the article body
    rule: str  # ad_marker, read_more, source_link, newsletter, photo, credit, teaser, metadata
    text: str


@dataclass(slots=True, frozen=True)
class Article:
    article_id: str
    source: str
    fmt: str
    title: str | None
    url: str | None
    outlet: str | None
    published: date | None
    published_from: str | None  # "metadata", "option", "text" or None
    raw_text: str
    text: str  # cleaned text: the only text that is parsed and coded
    content_hash: str
    removals: tuple[Removal, ...] = ()


@dataclass(slots=True, frozen=True)
class Sentence:
    article_id: str
    index: int
    start: int  # character offsets in Article.text
    end: int
    text: str


@dataclass(slots=True, frozen=True)
class ActorRef:
    """An actor or recipient of an event, as written and as resolved."""

    text: str  # the words in the sentence
    name: str  # canonical name from the actor dictionary
    country: str  # ISO 3166-1 alpha-3, or an IGO code such as UNO, EUR, NAT
    sector: str = ""  # GOV, MIL, REB, SPY, ... ("" when the country as a whole acts)

    def as_dict(self) -> dict[str, str]:
        return {"text": self.text, "name": self.name, "country": self.country, "sector": self.sector}


MODALITIES = ("asserted", "planned", "conditional", "hypothetical", "negated", "denied")
DATE_PRECISIONS = ("day", "week", "month", "year", "publication")


@dataclass(slots=True, frozen=True)
class Attribution:
    """Who asserts an event, and through which medium."""

    text: str  # the words naming the source ("two European diplomats")
    country: str = ""
    sector: str = ""
    anonymous: bool = False
    count: int | None = None  # how many sources, when stated
    medium: str = ""  # "Reuters", "state television", "X"

    def as_dict(self) -> dict:
        return {
            "text": self.text, "country": self.country, "sector": self.sector,
            "anonymous": self.anonymous, "count": self.count, "medium": self.medium,
        }  # fmt: skip


@dataclass(slots=True, frozen=True)
class Location:
    """Where an event took place. Coordinates are null for a country as a whole."""

    name: str
    country: str
    latitude: float | None = None
    longitude: float | None = None

    def as_dict(self) -> dict:
        return {"name": self.name, "country": self.country, "latitude": self.latitude, "longitude": self.longitude}


@dataclass(slots=True, frozen=True)
class Count:
    """A stated number of weapons or people in an event ("more than 40 rockets")."""

    n: int
    unit: str
    qualifier: str = ""  # "more than", "at least", "about", "up to"

    def as_dict(self) -> dict:
        return {"n": self.n, "unit": self.unit, "qualifier": self.qualifier}


@dataclass(slots=True, frozen=True)
class Condition:
    """The condition of a conditional statement or threat ("if Washington joins in")."""

    text: str
    actor: tuple[ActorRef, ...] = ()  # the condition's subject
    event_type: str | None = None  # the coded condition event, when its verb is in the lexicon

    def as_dict(self) -> dict:
        return {"text": self.text, "actor": [a.as_dict() for a in self.actor], "event_type": self.event_type}


@dataclass(slots=True, frozen=True)
class Consequence:
    """The act threatened or made conditional, coded ("its bases will be targets")."""

    event_type: str
    cameo_code: str
    trigger: str
    recipient: tuple[ActorRef, ...] = ()

    def as_dict(self) -> dict:
        return {
            "event_type": self.event_type, "cameo_code": self.cameo_code, "trigger": self.trigger,
            "recipient": [a.as_dict() for a in self.recipient],
        }  # fmt: skip


@dataclass(slots=True, frozen=True)
class Event:
    event_id: str
    article_id: str
    sentence_index: int
    trigger: str
    span_start: int  # character offsets of the trigger in Article.text
    span_end: int
    event_type: str  # PLOVER event type
    mode: str | None
    contexts: tuple[str, ...]
    cameo_code: str
    quad_class: int
    intensity: float
    actor: tuple[ActorRef, ...] = ()
    recipient: tuple[ActorRef, ...] = ()
    # --- what really happened (sitroom.framing) ---
    modality: str = "asserted"  # one of MODALITIES
    modality_cues: tuple[str, ...] = ()  # the words that set the modality ("denied", "if", "is due to")
    historical: bool = False  # background from an earlier period, not the article's news
    condition: Condition | None = None
    consequence: Consequence | None = None
    via: tuple[ActorRef, ...] = ()  # intermediaries a message passed through
    attribution: Attribution | None = None
    event_date: date | None = None
    date_precision: str = ""  # one of DATE_PRECISIONS, "" when there is no date at all
    date_text: str = ""  # the date expression as written
    location: Location | None = None
    dead: int | None = None
    injured: int | None = None
    counts: tuple[Count, ...] = ()
    # --- links (sitroom.stories) ---
    cause_event: str | None = None  # event_id of the act this one answers ("in retaliation for ...")
    cause_text: str = ""  # the words naming that act ("the Oct. 1 barrage"), even when it is not coded
    # --- the decision stage (sitroom.decision) ---
    confidence: float | None = None  # calibrated probability that the event is right as coded; None: rules only
    decided_by: str = "rules"  # rules, model (the model changed the rules' type) or both (they agree)


@dataclass(slots=True, frozen=True)
class IngestProblem:
    """Something wrong with one input item. ``failure`` problems lost an article or record."""

    source: str
    code: str  # stable code, see sitroom.errors
    message: str
    failure: bool = True  # False: skipped on purpose (a README in a corpus folder)
    detail: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.source}: [{self.code}] {self.message}"

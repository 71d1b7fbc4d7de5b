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
    "Event",
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
    rule: str  # ad_marker, read_more, source_link, newsletter, photo, credit, teaser
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

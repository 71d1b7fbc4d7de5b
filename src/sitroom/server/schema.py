"""What /openapi.json says the API answers: the records of every response,
the error body, the body ``POST /api/articles`` takes, and the finishing
touches FastAPI cannot express (comma-separated lists, query parameters that
are never null, the bearer token).

The records describe responses; they do not build them: handlers return
plain JSON, and the contract tests (tests/test_api_contract.py) check that
what they return conforms to these records.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, WithJsonSchema

from ..records import MODALITIES
from ..stories.ledger import STATUSES
from .params import DYAD_PATTERN

__all__ = [
    "ARTICLES_BODY", "GEOJSON", "Alerts", "ArticleDetail", "ErrorBody", "EventsPage", "IngestAnswer", "MapPlaces", "Network",
    "Pairs", "Status", "StoriesPage", "StoryDetail", "Threats", "Timeline", "errors", "event_types", "finish_openapi",
]  # fmt: skip


@functools.cache
def event_types() -> tuple[str, ...]:
    """The PLOVER event types of the ontology (data/plover.json), sorted."""
    from ..coding.lexicon import load_ontology

    return tuple(sorted(load_ontology().modes))


class _OneOf:
    """A string whose allowed values are known only at run time (the ontology's types):
    the JSON schema lists them when /openapi.json is first built, not at import."""

    def __init__(self, values: Callable[[], Iterable[str]]) -> None:
        self.values = values

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict:
        return {"type": "string", "enum": list(self.values())}


EventType = Annotated[str, _OneOf(event_types)]
Modality = Literal[MODALITIES]  # type: ignore[valid-type]
ThreatStatus = Literal[STATUSES]  # type: ignore[valid-type]
Dyad = Annotated[str, WithJsonSchema({"type": "string", "pattern": DYAD_PATTERN})]
Day = Annotated[date, WithJsonSchema({"type": "string", "format": "date"})]


# --- errors ----------------------------------------------------------------------------------------------


class ErrorBody(BaseModel):
    """Every refused request: what is wrong, and the HTTP status again."""

    error: str = Field(description="What is wrong with the request.")
    status: int = Field(ge=400, le=599, description="The HTTP status.")


_ERRORS = {
    400: "Bad request: an unknown threat status, or a Host header the server does not answer to.",
    401: "Missing or wrong bearer token.",
    403: "Writes are disabled: the server was started without SITROOM_TOKEN.",
    404: "No such story, article, event or review.",
    413: "The request body is over the server's --max-body limit.",
    422: "A parameter is malformed or out of range (the message names it), or a filter cannot be applied (E118): "
    "an unknown actor, recipient, dyad, event type or modality (with the nearest known names), since after until; "
    "or a review that cannot be made (E119): a body that does not fit, an unknown type, actor or status.",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` entries of these error statuses, each with the error body."""
    return {status: {"model": ErrorBody, "description": _ERRORS[status]} for status in statuses}


# --- events and stories --------------------------------------------------------------------------------


class ActorRef(BaseModel):
    text: str | None
    name: str | None
    country: str | None
    sector: str | None


class Location(BaseModel):
    name: str | None
    country: str | None
    latitude: float | None
    longitude: float | None


class Condition(BaseModel):
    text: str | None
    actor: list[ActorRef] | None
    event_type: EventType | None


class Consequence(BaseModel):
    event_type: EventType | None
    cameo_code: str | None
    trigger: str | None
    recipient: list[ActorRef] | None


class Attribution(BaseModel):
    text: str | None
    country: str | None
    sector: str | None
    anonymous: bool | None
    count: int | None
    medium: str | None


class Count(BaseModel):
    n: int | None
    unit: str | None
    qualifier: str | None


class Event(BaseModel):
    """An event mention in the public event schema (docs/schema.md), plus the article's title."""

    event_id: str
    article_id: str
    title: str | None
    outlet: str | None
    url: str | None
    published: Day | None
    sentence_index: int | None
    sentence: str | None
    trigger: str | None
    span: list[int | None] = Field(min_length=2, max_length=2)
    event_type: EventType
    mode: str | None
    contexts: list[str] | None
    cameo_code: str | None
    quad_class: int | None = Field(ge=1, le=4)
    intensity: float | None
    actor: list[ActorRef] | None
    recipient: list[ActorRef] | None
    modality: Modality | None = Field(description="Null for events stored before schema 2.")
    modality_cues: list[str] | None
    historical: bool | None
    condition: Condition | None
    consequence: Consequence | None
    via: list[ActorRef] | None
    attribution: Attribution | None
    event_date: Day | None
    date_precision: str | None
    date_text: str | None
    location: Location | None
    dead: int | None
    injured: int | None
    counts: list[Count] | None
    story_id: str | None
    responds_to: str | None
    confidence: float | None = Field(ge=0, le=1)
    decided_by: str | None
    reviewed: bool | None = Field(description="An analyst confirmed or corrected the event (sitroom review).")


class _Page(BaseModel):
    total: int = Field(ge=0)
    limit: int = Field(ge=1)
    offset: int = Field(ge=0)


class EventsPage(_Page):
    items: list[Event]


class Story(BaseModel):
    """A story event: every report of one real-world act merged (docs/schema.md)."""

    story_id: str
    event_type: EventType
    cameo_code: str | None
    quad_class: int | None = Field(ge=1, le=4)
    intensity: float | None
    actor: list[ActorRef] | None
    recipient: list[ActorRef] | None
    modality: Modality | None
    historical: bool | None
    event_date: Day | None
    date_precision: str | None
    location: Location | None
    dead: int | None
    injured: int | None
    n_mentions: int
    n_articles: int
    n_outlets: int
    n_independent: int
    weight: float | None
    first_reported: Day | None
    last_reported: Day | None
    disagreements: list[str] | None
    responds_to: str | None
    condition: Condition | None
    consequence: Consequence | None
    confidence: float | None = Field(ge=0, le=1)
    reviewed: bool | None = Field(description="A review applies to the story or to one of its reports.")


class StoriesPage(_Page):
    items: list[Story]


class SentencePart(BaseModel):
    text: str
    role: Literal["trigger", "actor", "recipient"] | None


class Mention(BaseModel):
    """One report of a story event, its sentence cut into highlighted parts."""

    event_id: str
    article_id: str
    title: str | None
    outlet: str | None
    url: str | None
    published: Day | None
    copy_of: str | None
    sentence_index: int | None
    sentence: str | None
    trigger: str | None
    attribution: str | None
    modality: Modality | None
    event_date: Day | None
    location: str | None
    dead: int | None
    injured: int | None
    reference: bool | None
    parts: list[SentencePart]


class StoryDetail(Story):
    mentions: list[Mention]


# --- articles ------------------------------------------------------------------------------------------


class ArticleEvent(BaseModel):
    event_id: str
    story_id: str | None
    event_type: EventType
    modality: Modality | None
    trigger: str | None
    sentence_index: int | None
    start: int | None = Field(description="Offset of the trigger in the article's text (code points).")
    end: int | None


class TextPart(BaseModel):
    text: str
    event_id: str | None


class ArticleDetail(BaseModel):
    article_id: str
    title: str | None
    outlet: str | None
    url: str | None
    published: Day | None
    format: str | None
    copy_of: str | None
    n_sentences: int | None
    n_events: int | None
    revision: int = Field(1, description="Which stored revision this is: 1, or higher once the article's text changed.")
    text: str | None
    events: list[ArticleEvent]
    parts: list[TextPart]


# --- analyses ------------------------------------------------------------------------------------------


class ThreatSource(BaseModel):
    """One report: of the threat (``sources``) or of the act that carried it out (``carried_out_reports``)."""

    event_id: str
    outlet: str | None
    article_id: str
    published: Day | None
    sentence: str | None
    trigger: str | None
    attribution: str | None
    modality: Modality | None


class Threat(BaseModel):
    """A threat ledger entry (docs/stories.md)."""

    story_id: str
    kind: Literal["threat", "conditional"]
    declarant: list[str]
    addressee: list[str]
    declarant_names: list[str | None]
    addressee_names: list[str | None]
    date: Day | None
    condition: str | None
    consequence: EventType | None = Field(description="PLOVER type of the threatened act, when known.")
    status: ThreatStatus
    carried_out_by: str | None = Field(description="Story id of the act that carried the threat out.")
    status_date: Day | None
    sources: list[ThreatSource] = Field(description="Every report of the threatening clause.")
    carried_out_event: str | None = Field(description="Event id of the carrying act's first asserted report.")
    carried_out_reports: list[ThreatSource] = Field(description="Every report of the act that carried the threat out.")
    reason: str = Field(description="Which rule decided the status, in words (docs/stories.md).")
    reviewed: bool = Field(description="An analyst set the status (sitroom review threat); it wins over the rules.")


class Threats(_Page):
    items: list[Threat]
    counts: dict[ThreatStatus, int] = Field(description="Threats per status, before the status filter.")


class Pair(BaseModel):
    dyad: Dyad
    source: str
    target: str
    stories: int
    conflict: float
    alerts: int


class Pairs(_Page):
    items: list[Pair]


class TimelineRow(BaseModel):
    period: Day
    source: str
    target: str
    stories: int
    quad1: float
    quad2: float
    quad3: float
    quad4: float
    threats: float
    intensity: float | None
    conflict: float


class Alert(BaseModel):
    period: Day
    source: str
    target: str
    conflict: float
    baseline_mean: float | None
    baseline_sd: float | None
    z: float | None
    stories: int
    story_ids: list[str]


class Timeline(BaseModel):
    dyad: str = Field(description="SOURCE-TARGET: country codes, country and sector codes, or actor names.")
    freq: Literal["day", "week", "month"]
    items: list[TimelineRow]
    alerts: list[Alert]


class Alerts(_Page):
    items: list[Alert]


class Node(BaseModel):
    id: str
    stories: int


class Edge(BaseModel):
    source: str
    target: str
    quad_class: int = Field(ge=1, le=4)
    stories: int
    weight: float
    intensity: float | None


class Network(BaseModel):
    nodes: list[Node]
    edges: list[Edge]


class Place(BaseModel):
    name: str | None
    country: str | None
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    stories: int
    conflict: float | None
    story_ids: list[str]


class MapPlaces(BaseModel):
    items: list[Place]


GEOJSON = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "geometry", "properties"],
                "properties": {
                    "type": {"const": "Feature"},
                    "geometry": {"type": "object", "properties": {"type": {"enum": ["Polygon", "MultiPolygon"]}}},
                    "properties": {
                        "type": "object",
                        "required": ["iso3", "name"],
                        "properties": {"iso3": {"type": "string"}, "name": {"type": "string"}},
                    },
                },
            },
        },
    },
}


class Status(BaseModel):
    store: str
    revision: int
    articles: int
    events: int
    stories: int
    writable: bool
    writes_enabled: bool
    watching: list[str]
    version: str


# --- writes --------------------------------------------------------------------------------------------


class ArticleIn(BaseModel):
    """One article, with the fields of a JSON Lines record (README: input formats)."""

    text: str = Field(description="The article's text (required, not blank).")
    id: str | int | None = None
    title: str | int | None = None
    url: str | int | None = None
    outlet: str | int | None = None
    published: str | None = Field(default=None, description="YYYY-MM-DD (or a full ISO date and time).")


class Problem(BaseModel):
    source: str
    code: str
    message: str


class StoryWork(BaseModel):
    new: int
    extended: int
    links: int


class IngestAnswer(BaseModel):
    """What one POST stored, found already stored and refused, and what the story stage did."""

    stored: int
    unchanged: int
    failed: int
    events: int
    problems: list[Problem]
    stories: StoryWork | None


def _articles_body() -> dict:
    article = ArticleIn.model_json_schema()
    many = {"type": "array", "items": article, "minItems": 1}
    return {
        "required": True,
        "description": "One article, a list of them, or {\"articles\": [...]}. Arrays and objects may nest at "
        "most 100 levels deep.",
        "content": {
            "application/json": {
                "schema": {
                    "anyOf": [
                        article, many,
                        {"type": "object", "properties": {"articles": many}, "required": ["articles"]},
                    ]  # fmt: skip
                }
            }
        },
    }


ARTICLES_BODY = _articles_body()


# --- reviews --------------------------------------------------------------------------------------------


class _ReviewIn(BaseModel):
    model_config = {"extra": "forbid"}

    note: str = Field("", max_length=2000, description="Why: kept with the review.")
    by: str | None = Field(None, min_length=1, max_length=200, description="Who reviews [default: the server's SITROOM_REVIEWER, else its user].")


class EventReviewIn(_ReviewIn):
    """Confirm or reject an event, or correct it (one review per change)."""

    status: Literal["confirmed", "rejected"] | None = None
    event_type: EventType | None = None
    actor: str | None = Field(None, min_length=1, max_length=200, description="A name, alias or code (IRNMIL, Hezbollah); comma list.")
    recipient: str | None = Field(None, min_length=1, max_length=200, description="As actor.")


class MergeIn(_ReviewIn):
    """Two stories report one act: the second's reports join the first."""

    stories: list[Annotated[str, Field(max_length=100)]] = Field(min_length=2, max_length=2)


class SplitIn(_ReviewIn):
    """The event reports an act of its own: it leaves its story."""

    event_id: str = Field(max_length=100)


class LinkReviewIn(_ReviewIn):
    """The story does (confirmed) or does not (rejected) respond to ``to`` (default: its link now)."""

    status: Literal["confirmed", "rejected"]
    to: str | None = Field(None, max_length=100)


class ThreatReviewIn(_ReviewIn):
    """A threat ledger entry's status, set by an analyst."""

    status: ThreatStatus
    by_story: str | None = Field(None, max_length=100, description="The story of the act that carried it out.")


class UndoIn(BaseModel):
    model_config = {"extra": "forbid"}

    by: str | None = Field(None, min_length=1, max_length=200)


class ReviewRecord(BaseModel):
    """One review: who, when, why, what it changes, and whether it applies (docs/api.md)."""

    review_id: str
    created_at: str
    reviewer: str
    kind: Literal["event", "story", "link", "threat"]
    action: str
    target: str
    other: str | None
    old_value: Any = Field(description="The value before the review (JSON).")
    new_value: Any = Field(description="The value the review sets (JSON).")
    note: str
    status: Literal["applied", "orphaned", "undone"]
    events: list[str] = Field(description="The stored events the review finds now.")
    undone_at: str | None
    undone_by: str | None


class Reviews(BaseModel):
    items: list[ReviewRecord]


def review_body(model: type[BaseModel]) -> dict:
    """The ``requestBody`` of a review route."""
    return {"required": True, "content": {"application/json": {"schema": model.model_json_schema()}}}


# --- the finished document ------------------------------------------------------------------------------

# query parameters that are comma-separated lists: their items' schema
_LISTS: dict[str, Callable[[], dict]] = {
    "type": lambda: {"type": "string", "enum": list(event_types())},
    "modality": lambda: {"type": "string", "enum": list(MODALITIES)},
    "status": lambda: {"type": "string", "enum": list(STATUSES)},
}


def finish_openapi(document: dict) -> dict:
    """FastAPI's document, finished: list parameters as arrays of their values
    (``type=ASSAULT,COERCE``), query parameters without a null branch (a query
    string cannot send null: leave the parameter out), and the bearer token."""
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                branches = schema.get("anyOf")
                if parameter["in"] == "query" and branches and {"type": "null"} in branches:
                    rest = [b for b in branches if b != {"type": "null"}]
                    kept = {k: v for k, v in schema.items() if k != "anyOf"}
                    schema = {**(rest[0] if len(rest) == 1 else {"anyOf": rest}), **kept}
                    parameter["schema"] = schema
                if parameter["in"] == "query" and parameter["name"] in _LISTS:
                    items = _LISTS[parameter["name"]]()
                    parameter["schema"] = {
                        "type": "array", "items": items, "maxItems": len(items["enum"]),
                        **{k: schema[k] for k in ("title", "description") if k in schema},
                    }  # fmt: skip
                    parameter["style"], parameter["explode"] = "form", False
    components = document.setdefault("components", {})
    components.setdefault("securitySchemes", {})["bearer"] = {
        "type": "http",
        "scheme": "bearer",
        "description": "The server's SITROOM_TOKEN; POST /api/articles and the review routes need it.",
    }
    return document

"""The query parameters of the HTTP API, typed and checked as strictly as
/openapi.json describes them (docs/api.md).

A date is a calendar day written ``YYYY-MM-DD`` between 1900 and 2100; a whole
number is ASCII digits (``limit=1.0``, ``1_0`` or ``+5`` are refused); a
number is written in decimal. Anything else is a 422 naming the parameter,
never a value read some other way (``until=0`` as 1970-01-01).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from fastapi import Path, Query
from pydantic import BeforeValidator, WithJsonSchema

from .queries import MAX_LIMIT

__all__ = [
    "DAY_PATTERN", "DYAD_PATTERN", "FIRST_DAY", "LAST_DAY", "Actor", "ArticleId", "AsOf", "Day", "DyadText", "Freq",
    "Limit", "MinConfidence", "MinCount", "Modality", "Offset", "Since", "Statuses", "StoryId", "Text", "Type",
    "TimelineFreq", "Undirected", "Until", "WindowDays", "Whole",
]  # fmt: skip

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2100, 12, 31)
DAY_PATTERN = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
DYAD_PATTERN = r"^[A-Z0-9]{3}([A-Z]{3})?-[A-Z0-9]{3}([A-Z]{3})?$"  # country or IGO code (G7N), then a sector
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WHOLE = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?")


def _day(value: object) -> object:
    """A calendar day from ``YYYY-MM-DD`` within FIRST_DAY..LAST_DAY; nothing else."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value} is not a day of the calendar") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"must be between {FIRST_DAY} and {LAST_DAY}")
    return day


def _whole(value: object) -> object:
    """A whole number written in ASCII digits (an optional minus, for a clear range message)."""
    if isinstance(value, str) and not _WHOLE.fullmatch(value):
        raise ValueError("must be a whole number written in digits")
    return value


def _number(value: object) -> object:
    """A decimal number (``0.5``, ``.5``, ``5e-1``): no NaN, infinity, hex or spaces."""
    if isinstance(value, str) and not _NUMBER.fullmatch(value):
        raise ValueError("must be a decimal number")
    return value


Day = Annotated[
    date, BeforeValidator(_day), WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_PATTERN})
]
Whole = BeforeValidator(_whole)

Since = Annotated[Day | None, Query(description="Earliest event date (YYYY-MM-DD, 1900 to 2100).")]
Until = Annotated[Day | None, Query(description="Latest event date (YYYY-MM-DD, 1900 to 2100).")]
AsOf = Annotated[Day | None, Query(description="Judge as of this day (YYYY-MM-DD) [default: latest article].")]
Actor = Annotated[
    str | None,
    Query(max_length=200, description="The actor side: a name or alias (Hezbollah, Iran), a country code (IRN) or country and sector (IRNMIL)."),
]
Recipient = Annotated[str | None, Query(max_length=200, description="The recipient side, as actor.")]
Undirected = Annotated[
    bool, Query(description="Match actor and recipient (or the dyad) either way round; an actor alone then matches either side.")
]
# comma-separated lists: /openapi.json describes them as arrays of their values (schema.finish_openapi)
Type = Annotated[
    str | None,
    Query(alias="type", max_length=500, description="PLOVER event types, comma-separated (case-insensitive)."),
]
Modality = Annotated[str | None, Query(max_length=200, description="Modalities, comma-separated.")]
Statuses = Annotated[str | None, Query(max_length=200, description="Threat statuses, comma-separated.")]
Text = Annotated[str | None, Query(max_length=200, description="Words in the reporting sentence.")]
MinConfidence = Annotated[
    float | None,
    Query(ge=0, le=1, description="Only events (stories) whose confidence is at least this; events coded by the rules only have none."),
    BeforeValidator(_number),
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Page size (at most {MAX_LIMIT})."), Whole]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip."), Whole]
MinCount = Annotated[int, Query(ge=1, le=1_000_000), Whole]
WindowDays = Annotated[int, Query(ge=0, le=3650, description="Days a threat stays open."), Whole]
Freq = Annotated[Literal["day", "week"], Query(description="day or week.")]
TimelineFreq = Annotated[Literal["day", "week", "month"], Query(description="day, week or month.")]
DyadText = Annotated[str, WithJsonSchema({"type": "string", "maxLength": 200})]
StoryId = Annotated[str, Path(max_length=100, description="A story id (S000123).")]
ArticleId = Annotated[str, Path(max_length=400, description="An article id (may contain slashes).")]

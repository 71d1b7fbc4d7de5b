"""Story events as flat rows in the field's formats: GDELT-style, ACLED-style and PLOVER JSON.

Sitroom's own story rows (docs/schema.md) nest actors, places and reports. Analysts who work
with GDELT, ACLED or POLECAT data expect one flat row per event with their column names, so
the story export can write:

- ``gdelt``: GDELT 2.0 event-table columns (SQLDATE, Actor1Code as country + sector, ...,
  EventCode/EventBaseCode/EventRootCode, QuadClass, GoldsteinScale, NumMentions, NumSources,
  NumArticles, ActionGeo_*, SOURCEURL). Country codes are ISO 3166 alpha-3, as in GDELT's actor
  codes (GDELT's ActionGeo_CountryCode is FIPS: ours is not).
- ``acled``: ACLED-style columns, with event_type and sub_event_type from the documented
  crosswalk in ``data/acled_crosswalk.jsonl``, and ``fatalities`` the story's consensus death
  toll (0 where no report gives one, as ACLED writes it).
- ``plover``: records with the field names of the PLOVER specification's JSON chapter (id, date,
  source, recipient, event, event_loc, event_text, quad_code, event_scale, cite_info, ...).

One row per story event; a story's actors beyond the first on a side stay in the sitroom and
plover forms (GDELT and ACLED have one actor per side).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .datafiles import iter_jsonl, package_data
from .errors import DataFileError

__all__ = ["ACLED_COLUMNS", "GDELT_COLUMNS", "STYLES", "acled_row", "acled_type", "flat_rows", "gdelt_row", "plover_record"]

STYLES = ("sitroom", "gdelt", "acled", "plover")

GDELT_COLUMNS = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1Type1Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2Type1Code",
    "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles",
    "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_Lat", "ActionGeo_Long", "SOURCEURL",
)  # fmt: skip

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "event_type", "sub_event_type", "actor1", "actor2",
    "country", "iso3", "location", "latitude", "longitude", "geo_precision", "fatalities", "notes", "source",
)  # fmt: skip

_NOTES_CHARS = 500


@dataclass(frozen=True, slots=True)
class _Rule:
    type: str
    cameo: str
    recipient_sectors: frozenset[str]
    event_type: str
    sub_event_type: str


@lru_cache(maxsize=1)
def _crosswalk() -> tuple[_Rule, ...]:
    path = package_data("acled_crosswalk.jsonl")
    rules = []
    for line, obj in iter_jsonl(path):
        for key in ("type", "event_type", "sub_event_type"):
            if not isinstance(obj.get(key), str) or not obj[key]:
                raise DataFileError(str(path), line, f"'{key}' must be a non-empty string")
        sectors = obj.get("recipient_sectors", [])
        if not isinstance(sectors, list):
            raise DataFileError(str(path), line, "'recipient_sectors' must be a list")
        rules.append(_Rule(obj["type"], str(obj.get("cameo") or ""), frozenset(sectors), obj["event_type"], obj["sub_event_type"]))
    if not rules or rules[-1].type != "*" or rules[-1].cameo or rules[-1].recipient_sectors:
        raise DataFileError(str(path), None, "the last rule must be the catch-all (type \"*\", no conditions)")
    return tuple(rules)


def acled_type(event_type: str, cameo_code: str, recipient_sectors: set[str] | frozenset[str] = frozenset()) -> tuple[str, str]:
    """(ACLED event_type, sub_event_type) of a PLOVER type and CAMEO code, by the crosswalk."""
    for rule in _crosswalk():
        if rule.type not in ("*", event_type):
            continue
        if rule.cameo and not (cameo_code or "").startswith(rule.cameo):
            continue
        if rule.recipient_sectors and not (rule.recipient_sectors & set(recipient_sectors)):
            continue
        return rule.event_type, rule.sub_event_type
    raise AssertionError("the crosswalk ends with a catch-all rule")  # pragma: no cover


def _day(value) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _first(side) -> dict:
    return (side or [{}])[0] or {}


def _code(ref: dict) -> str:
    return f"{ref.get('country') or ''}{ref.get('sector') or ''}"


def _source_url(story: dict) -> str | None:
    return next((m.get("url") for m in story.get("mentions") or () if m.get("url")), None)


def _names(side) -> str:
    out = []
    for ref in side or ():
        name = ref.get("name") or ref.get("text") or ref.get("country") or ""
        if ref.get("sector"):
            name = f"{name} ({ref['sector']})"
        if name and name not in out:
            out.append(name)
    return "; ".join(out)


def gdelt_row(story: dict) -> dict:
    """One story as a GDELT-style event row (keys: GDELT_COLUMNS)."""
    day = _day(story.get("event_date"))
    loc = story.get("location") or {}
    cameo = str(story.get("cameo_code") or "")
    row = {"GLOBALEVENTID": story["story_id"],
           "SQLDATE": int(day.strftime("%Y%m%d")) if day else None,
           "MonthYear": int(day.strftime("%Y%m")) if day else None,
           "Year": day.year if day else None}  # fmt: skip
    for n, side in ((1, story.get("actor")), (2, story.get("recipient"))):
        ref = _first(side)
        row[f"Actor{n}Code"] = _code(ref) or None
        row[f"Actor{n}Name"] = (ref.get("name") or ref.get("text") or None) if ref else None
        row[f"Actor{n}CountryCode"] = ref.get("country") or None
        row[f"Actor{n}Type1Code"] = ref.get("sector") or None
    row.update(
        EventCode=cameo or None, EventBaseCode=cameo[:3] or None, EventRootCode=cameo[:2] or None,
        QuadClass=story.get("quad_class"), GoldsteinScale=story.get("intensity"),
        NumMentions=story.get("n_mentions"), NumSources=story.get("n_outlets"), NumArticles=story.get("n_articles"),
        ActionGeo_FullName=loc.get("name"), ActionGeo_CountryCode=loc.get("country"),
        ActionGeo_Lat=loc.get("latitude"), ActionGeo_Long=loc.get("longitude"), SOURCEURL=_source_url(story),
    )  # fmt: skip
    return row


def acled_row(story: dict, country_name=None) -> dict:
    """One story as an ACLED-style row (keys: ACLED_COLUMNS). ``country_name`` maps an ISO
    alpha-3 code to a country name (default: the code itself)."""
    country_name = country_name or (lambda code: code)
    day = _day(story.get("event_date"))
    loc = story.get("location") or {}
    sectors = {r.get("sector") for r in story.get("recipient") or () if r.get("sector")}
    kind, sub = acled_type(story.get("event_type") or "", str(story.get("cameo_code") or ""), sectors)
    iso3 = loc.get("country") or None
    place = loc.get("name")
    precision = None
    if place:
        # ACLED: 1 a town or point, 3 a larger area; a place that is its country's name is the country
        precision = 3 if iso3 and place.strip().lower() == str(country_name(iso3)).strip().lower() else 1
    sentence = next((m.get("sentence") for m in story.get("mentions") or () if m.get("sentence")), "") or ""
    outlets = []
    for m in story.get("mentions") or ():
        if m.get("outlet") and m["outlet"] not in outlets:
            outlets.append(m["outlet"])
    return {
        "event_id_cnty": story["story_id"], "event_date": day, "year": day.year if day else None,
        "event_type": kind, "sub_event_type": sub,
        "actor1": _names(story.get("actor")) or None, "actor2": _names(story.get("recipient")) or None,
        "country": country_name(iso3) if iso3 else None, "iso3": iso3, "location": place,
        "latitude": loc.get("latitude"), "longitude": loc.get("longitude"), "geo_precision": precision,
        "fatalities": story.get("dead") or 0, "notes": " ".join(sentence.split())[:_NOTES_CHARS] or None,
        "source": "; ".join(outlets) or None,
    }  # fmt: skip


def _plover_actor(ref: dict) -> dict:
    out = {"code": ref.get("country") or None, "sector": ref.get("sector") or None, "actor_text": ref.get("text") or None}
    if ref.get("name"):
        out["identifier_text"] = ref["name"]
    return out


def _citations(mentions) -> list[dict]:
    """One citation per reporting article, in the order of the reports."""
    seen, out = set(), []
    for m in mentions:
        if m.get("article_id") in seen:
            continue
        seen.add(m.get("article_id"))
        out.append({"url": m.get("url"), "publication": m.get("outlet"), "date": str(m["published"])[:10] if m.get("published") else None})  # fmt: skip
    return out


def plover_record(story: dict) -> dict:
    """One story as a PLOVER JSON record (field names of the PLOVER specification)."""
    day = _day(story.get("event_date"))
    loc = story.get("location") or {}
    mentions = story.get("mentions") or ()
    record = {
        "id": story["story_id"],
        "date": day.isoformat() if day else None,
        "source": [_plover_actor(r) for r in story.get("actor") or ()],
        "recipient": [_plover_actor(r) for r in story.get("recipient") or ()],
        "event": [story.get("event_type")],
        "quad_code": story.get("quad_class"),
        "event_scale": story.get("intensity"),
        "cameo": story.get("cameo_code"),
        "modality": story.get("modality"),
        "event_text": sorted({m.get("trigger") for m in mentions if m.get("trigger")}),
        "dead": story.get("dead"),
        "injured": story.get("injured"),
        "cite_info": _citations(mentions),
        "coder": "sitroom",
    }  # fmt: skip
    if loc:
        record["event_loc"] = {"name": loc.get("name"), "latitude": loc.get("latitude"), "longitude": loc.get("longitude"),
                               "cc3": loc.get("country")}  # fmt: skip
    if story.get("confidence") is not None:
        record["confidence"] = story["confidence"]
    return record


def flat_rows(stories, style: str, country_name=None):
    """Story rows (the store's public form) in ``style``: sitroom (unchanged), gdelt, acled or plover."""
    if style not in STYLES:
        raise ValueError(f"unknown column style {style!r}: use one of {', '.join(STYLES)}")
    for story in stories:
        if style == "gdelt":
            yield gdelt_row(story)
        elif style == "acled":
            yield acled_row(story, country_name)
        elif style == "plover":
            yield plover_record(story)
        else:
            yield story

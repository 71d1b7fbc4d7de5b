"""The filtered, paged reads behind the HTTP API: events, story events,
one story with its reports, one article with its events, and places.

Every query filters and pages on the narrow tables first and joins the wide
columns (sentences, nested structs) for the one page it returns, so a page
of 50 costs about the same on a store of a thousand events or a million.
Every value from a request goes in as a bound parameter, never into SQL text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..filters import EventFilter
from ..store import PUBLIC_STORY_COLUMNS, Store, filter_clauses

__all__ = [
    "Filters", "MAX_LIMIT", "Page", "article", "events_page", "places", "sentence_parts", "stories_page", "story",
]  # fmt: skip

MAX_LIMIT = 500
_MAP_STORY_IDS = 20


Filters = EventFilter  # the filters every list endpoint shares (sitroom.filters)


@dataclass(slots=True, frozen=True)
class Page:
    total: int
    limit: int
    offset: int
    items: list[dict]

    def as_dict(self) -> dict:
        return {"total": self.total, "limit": self.limit, "offset": self.offset, "items": self.items}


# --- events ----------------------------------------------------------------------------------------------


def _event_where(store: Store, f: Filters, story_id: str | None, article_id: str | None) -> tuple[list[str], list[object]]:
    where, params = filter_clauses(f, "e", store=store)
    if story_id:
        where.append("e.event_id IN (SELECT event_id FROM story_mentions WHERE story_id = ?)")
        params.append(story_id)
    if article_id:
        where.append("e.article_id = ?")
        params.append(article_id)
    return where, params


_EVENT_ORDER = "e.event_date DESC NULLS LAST, e.article_id, e.sentence_index, e.span_start"
_EVENT_FIELDS = """e.event_id, e.article_id, e.sentence_index, e.trigger, [e.span_start, e.span_end] AS span,
    e.event_type, e.mode, e.contexts, e.cameo_code, e.quad_class, e.intensity, e.actor, e.recipient, e.modality,
    e.modality_cues, e.historical, e.condition, e.consequence, e.via, e.attribution, e.event_date,
    e.date_precision, e.date_text, e.location, e.dead, e.injured, e.counts, e.confidence, e.decided_by,
    e.reviewed"""


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def events_page(
    store: Store, f: Filters, *, limit: int = 50, offset: int = 0, story_id: str | None = None, article_id: str | None = None
) -> Page:
    """Event mentions in the public schema plus ``title``, latest event first
    (undated last), then by article and position."""
    where, params = _event_where(store, f, story_id, article_id)
    cond = " AND ".join(where) or "TRUE"
    source = store.events_source()
    if f.q:  # the text search is the costly filter: run it once for the count and the page
        total, ids = store.query(
            f"""WITH hits AS MATERIALIZED (
                    SELECT e.event_id, e.event_date, e.article_id, e.sentence_index, e.span_start FROM {source} e WHERE {cond})
                SELECT (SELECT count(*) FROM hits),
                       (SELECT list(event_id) FROM (SELECT e.event_id FROM hits e ORDER BY {_EVENT_ORDER} LIMIT ? OFFSET ?))""",
            [*params, limit, offset],
        )[0]
        ids = ids or []
    else:
        total = store.scalar(f"SELECT count(*) FROM {source} e WHERE {cond}", params)
        ids = [
            r[0]
            for r in store.query(
                f"SELECT e.event_id FROM {source} e WHERE {cond} ORDER BY {_EVENT_ORDER} LIMIT ? OFFSET ?", [*params, limit, offset]
            )
        ]
    return Page(int(total), limit, offset, event_rows(store, ids, source=source))


def event_rows(store: Store, event_ids: list[str], *, with_offsets: bool = False, source: str | None = None) -> list[dict]:
    """The events with these ids, in this order, in the public schema plus ``title``.
    Each table is read by key (indexed point lookups), never scanned. ``source``: the
    store's events_source(), when the caller has it."""
    if not event_ids:
        return []
    events = store.rows(
        f"SELECT {_EVENT_FIELDS} FROM {source or store.events_source()} e WHERE e.event_id IN ({_marks(len(event_ids))})",
        event_ids,
    )
    articles_ids = sorted({e["article_id"] for e in events})
    articles = {
        r["article_id"]: r
        for r in store.rows(
            f"SELECT article_id, title, outlet, url, published FROM articles WHERE article_id IN ({_marks(len(articles_ids))})",
            articles_ids,
        )
    }
    sentences = {
        (r[0], r[1]): (r[2], r[3])
        for r in store.query(
            f"SELECT article_id, sentence_index, text, start_char FROM sentences WHERE article_id IN ({_marks(len(articles_ids))})",
            articles_ids,
        )
    }
    story_of = dict(
        store.query(f"SELECT event_id, story_id FROM story_mentions WHERE event_id IN ({_marks(len(event_ids))})", event_ids)
    )
    story_ids = sorted(set(story_of.values()))
    responds = dict(
        store.query(f"SELECT story_id, responds_to FROM stories WHERE story_id IN ({_marks(len(story_ids))})", story_ids)
    ) if story_ids else {}  # fmt: skip
    by_id = {e["event_id"]: e for e in events}
    out = []
    for event_id in event_ids:
        e = by_id.get(event_id)
        if e is None:
            continue
        a = articles.get(e["article_id"], {})
        sid = story_of.get(event_id)
        sentence, start = sentences.get((e["article_id"], e["sentence_index"]), (None, None))
        row = {
            "event_id": event_id, "article_id": e["article_id"], "title": a.get("title"), "outlet": a.get("outlet"),
            "url": a.get("url"), "published": a.get("published"), "sentence_index": e["sentence_index"],
            "sentence": sentence,
            **{k: v for k, v in e.items()
               if k not in ("event_id", "article_id", "sentence_index", "confidence", "decided_by", "reviewed")},
            "story_id": sid, "responds_to": responds.get(sid), "confidence": e["confidence"], "decided_by": e["decided_by"],
            "reviewed": bool(e["reviewed"]),
        }  # fmt: skip
        if with_offsets:
            row["sentence_start"] = start
        out.append(row)
    return out


# --- story events --------------------------------------------------------------------------------------


def _story_where(store: Store, f: Filters, min_reports: int) -> tuple[list[str], list[object]]:
    where, params = filter_clauses(f, "st", stories=True, store=store)
    where.insert(0, "st.n_mentions >= ?")
    params.insert(0, min_reports)
    return where, params


_STORY_COLUMNS = ", ".join(f"st.{c}" for c in PUBLIC_STORY_COLUMNS if c != "mentions")


def stories_page(store: Store, f: Filters, *, min_reports: int = 1, limit: int = 50, offset: int = 0) -> Page:
    """Story events (without their mentions), latest event first."""
    where, params = _story_where(store, f, min_reports)
    cond = " AND ".join(where)
    total = int(store.scalar(f"SELECT count(*) FROM stories st WHERE {cond}", params))
    rows = store.rows(
        f"""SELECT {_STORY_COLUMNS} FROM stories st WHERE {cond}
            ORDER BY st.event_date DESC NULLS LAST, st.n_mentions DESC, st.story_id LIMIT ? OFFSET ?""",
        [*params, limit, offset],
    )
    return Page(total, limit, offset, rows)


def story(store: Store, story_id: str) -> dict | None:
    """One story event with every report of it, each with its sentence cut into ``parts``."""
    found = store.rows(f"SELECT {_STORY_COLUMNS} FROM stories st WHERE st.story_id = ?", [story_id])
    if not found:
        return None
    out = found[0]
    refs = dict(store.query("SELECT event_id, reference FROM story_mentions WHERE story_id = ?", [story_id]))
    rows = event_rows(store, sorted(refs), with_offsets=True)
    copies = dict(
        store.query(
            f"SELECT article_id, copy_of FROM article_copies WHERE article_id IN ({_marks(len(rows))})",
            [r["article_id"] for r in rows],
        )
    ) if rows else {}  # fmt: skip
    rows.sort(key=lambda r: (r["published"] is None, r["published"] or date.min, r["article_id"], r["sentence_index"], r["span"][0] or 0))
    mentions = []
    for r in rows:
        start = r["sentence_start"]
        span_start, span_end = r["span"]
        trigger = None
        if start is not None and span_start is not None:
            trigger = _trigger_span(r["sentence"] or "", span_start - start, span_end - start, r["trigger"])
        mentions.append(
            {
                "event_id": r["event_id"], "article_id": r["article_id"], "title": r["title"], "outlet": r["outlet"],
                "url": r["url"], "published": r["published"], "copy_of": copies.get(r["article_id"]),
                "sentence_index": r["sentence_index"], "sentence": r["sentence"], "trigger": r["trigger"],
                "attribution": (r["attribution"] or {}).get("text"), "modality": r["modality"],
                "event_date": r["event_date"], "location": (r["location"] or {}).get("name"), "dead": r["dead"],
                "injured": r["injured"], "reference": refs.get(r["event_id"]),
                "parts": sentence_parts(
                    r["sentence"] or "", trigger,
                    [a["text"] for a in r["actor"] or () if a["text"]], [a["text"] for a in r["recipient"] or () if a["text"]],
                ),
            }
        )  # fmt: skip
    out["mentions"] = mentions
    return out


def _trigger_span(text: str, start: int, end: int, trigger: str | None) -> tuple[int, int]:
    """The trigger's span: its head word, widened to the whole trigger phrase
    ("fired missiles") when the phrase stands there word for word."""
    if trigger and text.startswith(trigger, start):
        return start, start + len(trigger)
    return start, end


def sentence_parts(sentence: str, trigger: tuple[int, int] | None, actors: list[str], recipients: list[str]) -> list[dict]:
    """The sentence cut into ``{"text", "role"}`` pieces: the trigger, each actor's and
    recipient's words (first occurrence not overlapping an earlier mark), and the rest."""
    marks: list[tuple[int, int, str]] = []
    if trigger and 0 <= trigger[0] < trigger[1] <= len(sentence):
        marks.append((trigger[0], trigger[1], "trigger"))
    for role, texts in (("actor", actors), ("recipient", recipients)):
        for text in sorted(set(texts), key=len, reverse=True):
            at = sentence.find(text)
            while at >= 0 and any(at < e and at + len(text) > s for s, e, _ in marks):
                at = sentence.find(text, at + 1)
            if at >= 0:
                marks.append((at, at + len(text), role))
    return _cut(sentence, marks, "role")


def _cut(text: str, marks: list[tuple[int, int, str | None]], key: str) -> list[dict]:
    parts: list[dict] = []
    pos = 0
    for start, end, label in sorted(marks):
        if start < pos:
            continue  # overlaps the previous mark
        if start > pos:
            parts.append({"text": text[pos:start], key: None})
        parts.append({"text": text[start:end], key: label})
        pos = end
    if pos < len(text) or not parts:
        parts.append({"text": text[pos:], key: None})
    return parts


# --- articles ------------------------------------------------------------------------------------------


def article(store: Store, article_id: str) -> dict | None:
    """One article's cleaned text, metadata and events; ``parts`` cut at the triggers."""
    found = store.rows(
        """SELECT a.article_id, a.title, a.outlet, a.url, a.published, a.format, c.copy_of, a.n_sentences,
                  a.n_events, coalesce(a.revision, 1) AS revision, a.text
           FROM articles a LEFT JOIN article_copies c USING (article_id) WHERE a.article_id = ?""",
        [article_id],
    )
    if not found:
        return None
    out = found[0]
    events = store.rows(
        f"""SELECT e.event_id, e.event_type, e.modality, e.trigger, e.sentence_index,
                  e.span_start AS start, e.span_end AS "end"
           FROM {store.events_source()} e WHERE e.article_id = ? ORDER BY e.span_start, e.event_id""",
        [article_id],
    )
    story_of = dict(
        store.query(
            f"SELECT event_id, story_id FROM story_mentions WHERE event_id IN ({_marks(len(events))})",
            [e["event_id"] for e in events],
        )
    ) if events else {}  # fmt: skip
    for e in events:
        e["story_id"] = story_of.get(e["event_id"])
    text = out["text"] or ""
    for e in events:
        if e["start"] is not None:
            e["start"], e["end"] = _trigger_span(text, e["start"], e["end"], e["trigger"])
    out["events"] = events
    out["parts"] = _cut(text, [(e["start"], e["end"], e["event_id"]) for e in events if e["start"] is not None], "event_id")
    return out


# --- places -------------------------------------------------------------------------------------------


def places(store: Store, f: Filters, *, min_reports: int = 1, limit: int = MAX_LIMIT) -> list[dict]:
    """Places where story events happened, with how many and how violent."""
    where, params = _story_where(store, f, min_reports)
    where.append("st.location.latitude IS NOT NULL AND st.location.longitude IS NOT NULL")
    return store.rows(
        f"""SELECT st.location.name AS name, st.location.country AS country,
                   st.location.latitude AS latitude, st.location.longitude AS longitude,
                   count(*) AS stories,
                   round(sum(st.weight * greatest(-coalesce(st.intensity, 0), 0)), 4) AS conflict,
                   list(st.story_id ORDER BY st.n_mentions DESC, st.story_id)[1:{_MAP_STORY_IDS}] AS story_ids
            FROM stories st WHERE {" AND ".join(where)}
            GROUP BY ALL ORDER BY stories DESC, name LIMIT ?""",
        [*params, limit],
    )


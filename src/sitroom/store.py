"""The one class that owns the DuckDB store: schema, migrations, bulk writes
and the queries the rest of Sitroom reads through.

Writes go in batches through Arrow tables (``INSERT ... SELECT``), one
transaction per batch, so a failure never leaves half an article behind.
An article is keyed by its id; re-ingesting the same id with the content of
any of its stored revisions is a no-op, and the same id with new content is
stored as its next revision: the earlier revision's text moves to
``article_revisions`` and its events leave the store and their stories.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa

from .errors import StoreError, StoreLockedError
from .faults import fault_point
from .filters import EventFilter, Side
from .records import Article, Event, IngestProblem, Sentence
from .review.records import Anchor, Review, fold_overrides, resolve

__all__ = ["DEFAULT_DB", "DEFAULT_WAIT", "PUBLIC_EVENT_COLUMNS", "PUBLIC_STORY_COLUMNS", "SCHEMA_VERSION", "STORY_ARROW_TYPES", "Store", "default_db_path", "filter_clauses", "lock_holder"]

log = logging.getLogger(__name__)

DEFAULT_DB = "sitroom.duckdb"
DEFAULT_WAIT = 30.0  # seconds to wait for a store another process holds
# DuckDB holds a table's key and index structures (ART) in memory once a write touches them, and
# they count against its memory limit. A bound on DuckDB's cache leaves room for them on top, so it
# never fails a write; what DuckDB is given beyond what they take, it fills with cached pages, so
# the room follows what each structure needs (measured with DuckDB 2.0 on 1M rows): a unique key of
# random 20-character ids, 57 bytes a row; an index whose rows share keys, per key about the same
# plus a few bytes per row (rows in twos: 46 bytes a row; 24 rows a key: 5; one key: 1.6). An
# index on one of the columns below cannot have more keys than its table has rows (each stored
# sentence or event belongs to a stored article, each mention to a story).
# A write also holds its own rows in memory until it commits (about 820 bytes an event with its keys).
_KEY_BYTES, _ROW_BYTES, _WRITE_ROW_BYTES = 64, 16, 1024
_KEY_TABLES = {"article_id": ("articles",), "story_id": ("stories", "story_work")}
_KEYED_TABLES = """SELECT database_name, schema_name, table_name, 'unique' FROM duckdb_constraints()
    WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE')
    UNION ALL SELECT database_name, schema_name, table_name, CASE WHEN is_unique THEN 'unique' ELSE expressions END
    FROM duckdb_indexes()"""
_TABLE_ROWS = "SELECT database_name, schema_name, table_name, estimated_size FROM duckdb_tables()"
_SIZE = re.compile(r"^\s*(\d+)\s*(MB|GB)\s*$", re.I)
_LOCK_CONFLICT = "Could not set lock on file"
_OTHER_CONFIG = "different configuration"
_LOCK_PID = re.compile(r"\(PID (\d+)\)")
_LOCK_PROGRAM = re.compile(r"held in (.+?) \(PID")

_ACTOR_FIELDS = "text VARCHAR, name VARCHAR, country VARCHAR, sector VARCHAR"
_ACTOR_STRUCT = f"STRUCT({_ACTOR_FIELDS})[]"
_LOCATION_SQL = "STRUCT(name VARCHAR, country VARCHAR, latitude DOUBLE, longitude DOUBLE)"
_CONDITION_SQL = f"STRUCT(text VARCHAR, actor {_ACTOR_STRUCT}, event_type VARCHAR)"
_CONSEQUENCE_SQL = f"STRUCT(event_type VARCHAR, cameo_code VARCHAR, trigger VARCHAR, recipient {_ACTOR_STRUCT})"
_MIGRATIONS: list[tuple[int, list[str]]] = [
    (
        1,
        [
            "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
            """CREATE TABLE articles (
                article_id VARCHAR PRIMARY KEY, source VARCHAR, format VARCHAR, title VARCHAR,
                url VARCHAR, outlet VARCHAR, published DATE, published_from VARCHAR,
                raw_text VARCHAR, text VARCHAR, content_hash VARCHAR, ingested_at TIMESTAMPTZ,
                n_sentences INTEGER, n_events INTEGER)""",
            "CREATE TABLE removals (article_id VARCHAR, line INTEGER, rule VARCHAR, text VARCHAR)",
            """CREATE TABLE sentences (
                article_id VARCHAR, sentence_index INTEGER, start_char INTEGER, end_char INTEGER,
                text VARCHAR)""",
            f"""CREATE TABLE events (
                event_id VARCHAR PRIMARY KEY, article_id VARCHAR, sentence_index INTEGER,
                trigger VARCHAR, span_start INTEGER, span_end INTEGER, event_type VARCHAR,
                mode VARCHAR, contexts VARCHAR[], cameo_code VARCHAR, quad_class TINYINT,
                intensity DOUBLE, actor {_ACTOR_STRUCT}, recipient {_ACTOR_STRUCT})""",
            """CREATE TABLE actors (
                event_id VARCHAR, role VARCHAR, position INTEGER, text VARCHAR, name VARCHAR,
                country VARCHAR, sector VARCHAR)""",
            """CREATE TABLE ingest_errors (
                run_id VARCHAR, logged_at TIMESTAMPTZ, source VARCHAR, code VARCHAR, message VARCHAR,
                failure BOOLEAN)""",
        ],
    ),
    (
        # What really happened: modality, conditions, relays, attribution, dates,
        # places, magnitudes. Events stored before this schema keep nulls there.
        2,
        [
            f"ALTER TABLE events ADD COLUMN {column} {sql_type}"
            for column, sql_type in (
                ("modality", "VARCHAR"),
                ("modality_cues", "VARCHAR[]"),
                ("historical", "BOOLEAN"),
                ("condition", _CONDITION_SQL),
                ("consequence", _CONSEQUENCE_SQL),
                ("via", _ACTOR_STRUCT),
                ("attribution", "STRUCT(text VARCHAR, country VARCHAR, sector VARCHAR, anonymous BOOLEAN, count INTEGER, medium VARCHAR)"),
                ("event_date", "DATE"),
                ("date_precision", "VARCHAR"),
                ("date_text", "VARCHAR"),
                ("location", _LOCATION_SQL),
                ("dead", "INTEGER"),
                ("injured", "INTEGER"),
                ("counts", "STRUCT(n BIGINT, unit VARCHAR, qualifier VARCHAR)[]"),
            )
        ],
    ),
]
_MIGRATIONS.append(
    (
        # One event, many reports: wire copies, story events, links between them.
        3,
        [
            "ALTER TABLE events ADD COLUMN cause_event VARCHAR",
            "ALTER TABLE events ADD COLUMN cause_text VARCHAR",
            """CREATE TABLE article_copies (
                article_id VARCHAR PRIMARY KEY, copy_of VARCHAR, similarity DOUBLE, signature UINTEGER[])""",
            f"""CREATE TABLE stories (
                story_id VARCHAR PRIMARY KEY, seq INTEGER, event_type VARCHAR, grp VARCHAR, cameo_code VARCHAR,
                quad_class TINYINT, intensity DOUBLE, actor {_ACTOR_STRUCT}, recipient {_ACTOR_STRUCT},
                modality VARCHAR, historical BOOLEAN, event_date DATE, date_precision VARCHAR,
                date_lo DATE, date_hi DATE, location {_LOCATION_SQL}, dead INTEGER, injured INTEGER,
                n_mentions INTEGER, n_articles INTEGER, n_outlets INTEGER, n_independent INTEGER, weight DOUBLE,
                first_reported DATE, last_reported DATE, disagreements VARCHAR[], responds_to VARCHAR,
                condition {_CONDITION_SQL}, consequence {_CONSEQUENCE_SQL},
                actor_countries VARCHAR[], recipient_countries VARCHAR[], location_country VARCHAR)""",
            "CREATE TABLE story_mentions (event_id VARCHAR PRIMARY KEY, story_id VARCHAR, reference BOOLEAN)",
            "CREATE INDEX story_mentions_story ON story_mentions (story_id)",
        ],
    )
)
_MIGRATIONS.append(
    (
        # Point lookups for the HTTP API: one article's events and sentences.
        4,
        [
            "CREATE INDEX events_article ON events (article_id)",
            "CREATE INDEX sentences_article ON sentences (article_id)",
        ],
    )
)
_MIGRATIONS.append(
    (
        # The decision stage: how sure the model is of each event, and who decided its type.
        # Events coded before it (or with --rules-only) have no confidence.
        5,
        [
            "ALTER TABLE events ADD COLUMN confidence DOUBLE",
            "ALTER TABLE events ADD COLUMN decided_by VARCHAR",
            "ALTER TABLE stories ADD COLUMN confidence DOUBLE",
        ],
    )
)
_MIGRATIONS.append(
    (
        # Article revisions: a page updated after publication is stored again under its id.
        # The articles table holds the latest revision; earlier ones keep their text here.
        6,
        [
            "ALTER TABLE articles ADD COLUMN revision INTEGER DEFAULT 1",
            "UPDATE articles SET revision = 1 WHERE revision IS NULL",
            """CREATE TABLE article_revisions (
                article_id VARCHAR, revision INTEGER, source VARCHAR, format VARCHAR, title VARCHAR, url VARCHAR,
                outlet VARCHAR, published DATE, raw_text VARCHAR, text VARCHAR, content_hash VARCHAR,
                ingested_at TIMESTAMPTZ, superseded_at TIMESTAMPTZ, n_sentences INTEGER, n_events INTEGER,
                PRIMARY KEY (article_id, revision))""",
        ],
    )
)
_EVENT_OVERRIDES_SQL = f"""CREATE TABLE event_overrides (
    event_id VARCHAR PRIMARY KEY, review_ids VARCHAR[], rejected BOOLEAN, event_type VARCHAR, cameo_code VARCHAR,
    quad_class TINYINT, intensity DOUBLE, actor {_ACTOR_STRUCT}, recipient {_ACTOR_STRUCT})"""
# The events every reader sees: the coded events with the analysts' reviews applied (sitroom.review).
# A migration that adds a column to coded_events must create this view again.
_REVIEWED_EVENTS_SQL = """SELECT e.*{exclude} REPLACE (
               coalesce(o.event_type, e.event_type) AS event_type,
               CASE WHEN o.event_type IS NULL THEN e.mode END AS mode,
               CASE WHEN o.event_type IS NULL THEN e.contexts ELSE [] END AS contexts,
               coalesce(o.cameo_code, e.cameo_code) AS cameo_code,
               coalesce(o.quad_class, e.quad_class) AS quad_class,
               coalesce(o.intensity, e.intensity) AS intensity,
               coalesce(o.actor, e.actor) AS actor,
               coalesce(o.recipient, e.recipient) AS recipient,
               CASE WHEN o.event_id IS NULL THEN e.confidence ELSE 1.0 END AS confidence,
               CASE WHEN o.event_id IS NULL THEN e.decided_by ELSE 'review' END AS decided_by),
           o.event_id IS NOT NULL AS reviewed
    FROM coded_events e LEFT JOIN event_overrides o USING (event_id)
    WHERE o.rejected IS NOT TRUE"""
_EVENTS_VIEW_SQL = "CREATE OR REPLACE VIEW events AS " + _REVIEWED_EVENTS_SQL.format(exclude="")
_MIGRATIONS.append(
    (
        # Analyst reviews: their own tables, apart from the coded events, which move to coded_events;
        # ``events`` becomes the view of them with the reviews applied, so every reader sees the reviews.
        7,
        [
            "DROP INDEX IF EXISTS events_article",
            "ALTER TABLE events RENAME TO coded_events",
            "CREATE INDEX events_article ON coded_events (article_id)",
            """CREATE TABLE reviews (
                review_id VARCHAR PRIMARY KEY, seq INTEGER, kind VARCHAR, action VARCHAR, target VARCHAR, other VARCHAR,
                old_value VARCHAR, new_value VARCHAR, reviewer VARCHAR, note VARCHAR, created_at TIMESTAMPTZ,
                undone_at TIMESTAMPTZ, undone_by VARCHAR)""",
            """CREATE TABLE review_anchors (
                review_id VARCHAR, role VARCHAR, article_id VARCHAR, span_start INTEGER, span_end INTEGER,
                event_type VARCHAR, trigger VARCHAR, sentence VARCHAR, sentence_offset INTEGER)""",
            "CREATE INDEX review_anchors_article ON review_anchors (article_id)",
            _EVENT_OVERRIDES_SQL,
            _EVENTS_VIEW_SQL,
            "ALTER TABLE stories ADD COLUMN reviewed BOOLEAN",
        ],
    )
)
_DAY_NUMBER = "(date_diff('day', DATE '0001-01-01', {0}) + 1)"  # Python's date.toordinal()


def _write_bytes(articles: Sequence[Article], sentences: Sequence[Sentence], events: Sequence[Event]) -> int:
    """About what a write of these rows holds in memory until it commits."""
    texts = sum(len(a.text) + len(a.raw_text or "") for a in articles)
    return 2 * texts + (len(articles) + len(sentences) + len(events)) * _WRITE_ROW_BYTES


def _story_keys_sql(source: str) -> str:
    """The index keys (sitroom.stories.merge) of the stories in ``source`` (a table or view with the
    stories' state columns): (role, event_type, grp, country, week, story_id), 'a' under each actor
    country (or '' when none is known), 'r' under each recipient country, in every week of the
    story's date window (weeks numbered as ``date.toordinal() // 7``)."""
    lo, hi = _DAY_NUMBER.format("date_lo"), _DAY_NUMBER.format("date_hi")
    return f"""WITH w AS (
        SELECT story_id, event_type, grp, actor_countries, recipient_countries,
               unnest(range({lo} // 7, {hi} // 7 + 1)) AS week
        FROM {source} WHERE date_lo IS NOT NULL AND date_hi IS NOT NULL)
    SELECT 'a' AS role, event_type, grp,
           unnest(CASE WHEN len(coalesce(actor_countries, [])) = 0 THEN [''] ELSE actor_countries END) AS country,
           CAST(week AS INTEGER) AS week, story_id FROM w
    UNION ALL
    SELECT 'r' AS role, event_type, grp, unnest(recipient_countries) AS country, CAST(week AS INTEGER) AS week, story_id
    FROM w"""


_STORY_STATE_SQL = """story_id VARCHAR, seq INTEGER, event_type VARCHAR, grp VARCHAR, actor_countries VARCHAR[],
    recipient_countries VARCHAR[], date_lo DATE, date_hi DATE, location_country VARCHAR, n_mentions INTEGER"""
_STORY_KEY_SQL = "role VARCHAR, event_type VARCHAR, grp VARCHAR, country VARCHAR, week INTEGER, story_id VARCHAR"
_MIGRATIONS.append(
    (
        # The story stage streams from the store: each checked article's LSH band hashes, so the
        # articles a new one may copy are found by a join; the index of stories by (role, event type,
        # modality group, country, week), so a batch of reports loads only the stories it can join;
        # and the work of a run in progress (stories it changed, the keys it indexed them under,
        # the reports it assigned, in order), which the run's last step clears.
        8,
        [
            "CREATE TABLE copy_bands (article_id VARCHAR, band TINYINT, hash BIGINT)",
            f"CREATE TABLE story_keys ({_STORY_KEY_SQL})",
            f"INSERT INTO story_keys {_story_keys_sql('stories')}",
            f"CREATE TABLE story_work ({_STORY_STATE_SQL}, created BOOLEAN)",
            f"CREATE TABLE story_work_keys ({_STORY_KEY_SQL})",
            "CREATE TABLE story_work_mentions (event_id VARCHAR, story_id VARCHAR, ord BIGINT)",
            # checked articles stored before get their band hashes when the story stage next runs
            "INSERT INTO meta SELECT 'copy_bands_pending', '1' WHERE EXISTS (SELECT 1 FROM article_copies)",
        ],
    )
)
# The text index: each stored sentence gets a number (``sid``, from a sequence, never given out again),
# which its events carry too; ``text_words`` is the vocabulary (a word, its number, how many sentences
# hold it) and ``text_postings`` lists the sentences of each word. A word is a run of letters, digits and
# combining marks of any script in the sentence lowercased as DuckDB lowercases (``lower``, which is also
# what ILIKE compares), so a query is cut into words by the same rule (Store.sentence_matches). The
# sentences' text is stored uncompressed: checking a few thousand scattered sentences against a query
# then reads only those, not every compressed block. ``text_indexed`` in meta: every sentence up to that
# number is indexed; sentences after it (a store just migrated, or written around the Store) are indexed
# by the next Store opened for writing, in steps that each commit, and meanwhile searched by a scan.
_WORD = r"[\pL\pN\pM]+"
_SENTENCES_SQL = """CREATE TABLE {name} (
    article_id VARCHAR, sentence_index INTEGER, start_char INTEGER, end_char INTEGER,
    text VARCHAR USING COMPRESSION uncompressed, sid BIGINT DEFAULT nextval('sentence_sid'))"""
_MIGRATIONS.append(
    (
        # Text search through an index of the sentences' words instead of a scan of every sentence.
        # (It runs again over anything a part-upgraded store holds of it.)
        9,
        [
            "CREATE SEQUENCE IF NOT EXISTS sentence_sid START 1",
            _SENTENCES_SQL.format(name="sentences_v9"),
            """INSERT INTO sentences_v9 (article_id, sentence_index, start_char, end_char, text)
               SELECT article_id, sentence_index, start_char, end_char, text FROM sentences ORDER BY article_id, sentence_index""",
            "DROP INDEX IF EXISTS sentences_article",
            "DROP TABLE sentences",
            "ALTER TABLE sentences_v9 RENAME TO sentences",
            "CREATE INDEX sentences_article ON sentences (article_id)",
            "ALTER TABLE coded_events ADD COLUMN IF NOT EXISTS sid BIGINT",
            """UPDATE coded_events SET sid = s.sid FROM sentences s
               WHERE s.article_id = coded_events.article_id AND s.sentence_index = coded_events.sentence_index""",
            # the view keeps the columns it had: the sentence key is the Store's own
            "CREATE OR REPLACE VIEW events AS " + _REVIEWED_EVENTS_SQL.format(exclude=" EXCLUDE (sid)"),
            "DROP TABLE IF EXISTS text_words",
            "DROP TABLE IF EXISTS text_postings",
            "CREATE TABLE text_words (word_id INTEGER, word VARCHAR, df BIGINT)",
            "CREATE TABLE text_postings (word_id INTEGER, sid BIGINT)",
            # the sentences stored before are indexed by the Store that migrates (Store._catch_up_text_index)
            "INSERT OR REPLACE INTO meta VALUES ('text_indexed', '0')",
        ],
    )
)
_WORD_TESTS = {  # (q starts inside the word, q ends inside it) -> the test of a vocabulary word
    (False, False): "word = ?", (True, False): "suffix(word, ?)", (False, True): "starts_with(word, ?)",
    (True, True): "contains(word, ?)",
}  # fmt: skip
_TEXT_INDEX_NARROWS = 0.4  # the index is used when its candidates are at most this share of the sentences
_TEXT_INDEX_ALSO = 0.05  # other words of the query narrow the candidates further when this rare
_TEXT_INDEX_INLINE = 1000  # vocabulary words written into the query as numbers, at most
_TEXT_INDEX_STEP = 200_000  # sentences indexed per committed step of a build
_STORY_WORK_TABLES = ("story_work", "story_work_keys", "story_work_mentions")
_MENTION_ORDER = "a.published NULLS LAST, e.article_id, e.sentence_index, e.span_start, e.event_id"  # the order the story stage takes reports in
SCHEMA_VERSION = _MIGRATIONS[-1][0]
_REVISION_COLUMNS = (
    "article_id, revision, source, format, title, url, outlet, published, raw_text, text, content_hash, "
    "ingested_at, n_sentences, n_events"
)

PUBLIC_EVENT_COLUMNS = (
    "event_id", "article_id", "outlet", "url", "published", "sentence_index", "sentence", "trigger", "span",
    "event_type", "mode", "contexts", "cameo_code", "quad_class", "intensity", "actor", "recipient",
    "modality", "modality_cues", "historical", "condition", "consequence", "via", "attribution",
    "event_date", "date_precision", "date_text", "location", "dead", "injured", "counts", "story_id", "responds_to",
    "confidence", "decided_by", "reviewed",
)  # fmt: skip
_PUBLIC_EVENTS_SQL = """
    SELECT e.event_id, e.article_id, a.outlet, a.url, a.published, e.sentence_index, s.text AS sentence,
           e.trigger, [e.span_start, e.span_end] AS span, e.event_type, e.mode, e.contexts, e.cameo_code,
           e.quad_class, e.intensity, e.actor, e.recipient,
           e.modality, e.modality_cues, e.historical, e.condition, e.consequence, e.via, e.attribution,
           e.event_date, e.date_precision, e.date_text, e.location, e.dead, e.injured, e.counts,
           m.story_id, st.responds_to, e.confidence, e.decided_by, e.reviewed
    FROM {source} e
    JOIN articles a USING (article_id)
    LEFT JOIN sentences s ON s.article_id = e.article_id AND s.sentence_index = e.sentence_index
    LEFT JOIN story_mentions m ON m.event_id = e.event_id
    LEFT JOIN stories st ON st.story_id = m.story_id
    {where}
    ORDER BY a.published NULLS LAST, e.article_id, e.sentence_index, e.span_start
"""


def _like(column: str, text: str) -> tuple[str, str]:
    """A case-insensitive substring test of ``column`` for ``text`` taken literally.
    LIKE's wildcards are escaped only when present: an ESCAPE clause keeps
    DuckDB from its fast substring search."""
    if not any(c in text for c in "%_\\"):
        return f"{column} ILIKE ?", f"%{text}%"
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{column} ILIKE ? ESCAPE '\\'", f"%{escaped}%"


def _side(refs: str, side: Side) -> tuple[str, object]:
    """Whether any actor in the list ``refs`` is ``side``: by name (any case), by country and sector, or by country."""
    if side.name:
        return f"list_contains([lower(x.name) FOR x IN {refs}], ?)", side.name.lower()
    if side.sector:
        return f"list_contains([coalesce(x.country, '') || coalesce(x.sector, '') FOR x IN {refs}], ?)", side.country + side.sector  # type: ignore[operator]
    return f"list_contains([x.country FOR x IN {refs}], ?)", side.country


def _sides(alias: str, actor: Side | None, recipient: Side | None) -> tuple[str, list[object]]:
    """The actor side is ``actor`` and the recipient side ``recipient`` (either may be None)."""
    clauses, params = [], []
    for role, side in (("actor", actor), ("recipient", recipient)):
        if side is not None:
            clause, value = _side(f"{alias}.{role}", side)
            clauses.append(clause)
            params.append(value)
    return " AND ".join(clauses) or "TRUE", params


def filter_clauses(
    f: EventFilter | None, alias: str, *, stories: bool = False, store: Store | None = None
) -> tuple[list[str], list[object]]:
    """The WHERE conditions (and their bound parameters) of an EventFilter over events (``alias`` of the
    events table) or, with ``stories``, over story events: the one place a filter becomes SQL. With the
    ``store``, the text filter ``q`` goes through its text index (the events then come from
    ``store.events_source()``, which has each event's sentence key); without, it scans the sentences."""
    where: list[str] = []
    params: list[object] = []
    if f is None:
        return where, params
    for op, value in ((">=", f.since), ("<=", f.until)):
        if value:
            where.append(f"{alias}.event_date {op} ?")
            params.append(value)
    if f.actor is not None or f.recipient is not None:
        clause, values = _sides(alias, f.actor, f.recipient)
        if f.undirected:
            swapped, more = _sides(alias, f.recipient, f.actor)
            clause, values = f"(({clause}) OR ({swapped}))", values + more
        where.append(clause)
        params += values
    for column, values in (("event_type", f.types), ("modality", f.modalities)):
        if values:
            where.append(f"list_contains(?, {alias}.{column})")
            params.append(list(values))
    if f.min_confidence is not None:
        where.append(f"{alias}.confidence >= ?")
        params.append(f.min_confidence)
    if f.q:
        matches = store.sentence_matches(f.q) if store is not None else None
        if matches is not None:
            sql, values = matches
            if stories:
                where.append(
                    f"""{alias}.story_id IN (SELECT m.story_id FROM story_mentions m JOIN {store.events_source()} e
                       USING (event_id) WHERE e.sid IN ({sql}))"""  # type: ignore[union-attr]
                )
            else:
                where.append(f"{alias}.sid IN ({sql})")
            params += values
            return where, params
        clause, pattern = _like("s.text", f.q)
        if stories:
            where.append(
                f"""{alias}.story_id IN (SELECT m.story_id FROM story_mentions m JOIN events e USING (event_id)
                   JOIN sentences s ON s.article_id = e.article_id AND s.sentence_index = e.sentence_index
                   WHERE {clause})"""
            )
        else:
            where.append(
                "EXISTS (SELECT 1 FROM sentences s WHERE s.article_id = "
                f"{alias}.article_id AND s.sentence_index = {alias}.sentence_index AND {clause})"
            )
        params.append(pattern)
    return where, params


def _public_events_sql(
    store: Store, min_confidence: float | None, filters: EventFilter | None = None
) -> tuple[str, list[object]]:
    """The public event query and its parameters; with ``min_confidence``, only events at least that sure
    (events coded by the rules only have no confidence and are left out); with ``filters``, only those it keeps."""
    where, params = filter_clauses(filters, "e", store=store)
    if min_confidence is not None:
        where.append("e.confidence >= ?")
        params.append(float(min_confidence))
    sql = _PUBLIC_EVENTS_SQL.format(source=store.events_source(), where=("WHERE " + " AND ".join(where)) if where else "")
    return sql, params


PUBLIC_STORY_COLUMNS = (
    "story_id", "event_type", "cameo_code", "quad_class", "intensity", "actor", "recipient", "modality",
    "historical", "event_date", "date_precision", "location", "dead", "injured", "n_mentions", "n_articles",
    "n_outlets", "n_independent", "weight", "first_reported", "last_reported", "disagreements", "responds_to",
    "condition", "consequence", "confidence", "reviewed", "mentions",
)  # fmt: skip
_PUBLIC_STORIES_SQL = """
    WITH st AS (
        SELECT * FROM stories st WHERE st.n_mentions >= ? AND (?::DOUBLE IS NULL OR st.confidence >= ?) AND {where}
        ORDER BY st.event_date NULLS LAST, st.story_id LIMIT ?
    )
    SELECT st.story_id, st.event_type, st.cameo_code, st.quad_class, st.intensity, st.actor, st.recipient,
           st.modality, st.historical, st.event_date, st.date_precision, st.location, st.dead, st.injured,
           st.n_mentions, st.n_articles, st.n_outlets, st.n_independent, st.weight, st.first_reported,
           st.last_reported, st.disagreements, st.responds_to, st.condition, st.consequence, st.confidence,
           coalesce(st.reviewed, false) AS reviewed,
           list({'event_id': e.event_id, 'article_id': e.article_id, 'outlet': a.outlet, 'url': a.url,
                 'published': a.published, 'copy_of': c.copy_of, 'sentence_index': e.sentence_index,
                 'sentence': s.text, 'trigger': e.trigger, 'attribution': e.attribution.text,
                 'modality': e.modality, 'event_date': e.event_date, 'location': e.location.name,
                 'dead': e.dead, 'injured': e.injured, 'reference': m.reference, 'confidence': e.confidence}
                ORDER BY a.published NULLS LAST, e.article_id, e.sentence_index) AS mentions
    FROM st
    JOIN story_mentions m USING (story_id)
    JOIN {events} e ON e.event_id = m.event_id
    JOIN articles a ON a.article_id = e.article_id
    LEFT JOIN article_copies c ON c.article_id = e.article_id
    LEFT JOIN sentences s ON s.article_id = e.article_id AND s.sentence_index = e.sentence_index
    GROUP BY ALL
    ORDER BY st.event_date NULLS LAST, st.story_id
"""

_ACTOR_TYPE = pa.list_(
    pa.struct([("text", pa.string()), ("name", pa.string()), ("country", pa.string()), ("sector", pa.string())])
)
_CONDITION_TYPE = pa.struct([("text", pa.string()), ("actor", _ACTOR_TYPE), ("event_type", pa.string())])
_CONSEQUENCE_TYPE = pa.struct(
    [("event_type", pa.string()), ("cameo_code", pa.string()), ("trigger", pa.string()), ("recipient", _ACTOR_TYPE)]
)
_ATTRIBUTION_TYPE = pa.struct(
    [
        ("text", pa.string()), ("country", pa.string()), ("sector", pa.string()), ("anonymous", pa.bool_()),
        ("count", pa.int32()), ("medium", pa.string()),
    ]
)  # fmt: skip
_LOCATION_TYPE = pa.struct(
    [("name", pa.string()), ("country", pa.string()), ("latitude", pa.float64()), ("longitude", pa.float64())]
)
STORY_ARROW_TYPES = {
    "actor": _ACTOR_TYPE, "location": _LOCATION_TYPE, "condition": _CONDITION_TYPE, "consequence": _CONSEQUENCE_TYPE,
}  # fmt: skip
_COUNTS_TYPE = pa.list_(pa.struct([("n", pa.int64()), ("unit", pa.string()), ("qualifier", pa.string())]))


def _as_dict(value: object) -> dict | None:
    return value.as_dict() if value is not None else None


def _json(value: object) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


def _unjson(text: str | None) -> object:
    return None if text is None else json.loads(text)


def default_db_path() -> str:
    """``$SITROOM_DB`` if set, else ``./sitroom.duckdb``."""
    return os.environ.get("SITROOM_DB") or DEFAULT_DB


def lock_holder(message: str) -> str:
    """Who holds a store, from DuckDB's lock error: ``process 4242 (sitroom watch inbox)``.
    The command line is read from /proc where there is one; else the program DuckDB names."""
    pid = _LOCK_PID.search(message)
    if pid is None:
        return "another process"
    command = _command_line(int(pid.group(1)))
    if command is None:
        program = _LOCK_PROGRAM.search(message)
        command = program.group(1) if program else None
    return f"process {pid.group(1)}" + (f" ({command})" if command else "")


def _command_line(pid: int) -> str | None:
    """The command a process runs, shortened to ``sitroom ...`` for Sitroom's own; None when unknown."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    args = [a.decode("utf-8", "replace") for a in raw.split(b"\0") if a]
    if not args:
        return None
    for n, arg in enumerate(args):
        if Path(arg).name == "sitroom":
            args = ["sitroom", *args[n + 1 :]]
            break
        if arg == "-m" and n + 1 < len(args) and args[n + 1].split(".")[0] == "sitroom":
            args = ["sitroom", *args[n + 2 :]]
            break
    else:
        args = [Path(args[0]).name, *args[1:]]
    text = " ".join(args)
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= 160 else text[:157] + "..."


class Store:
    """Owns one DuckDB database file. Use as a context manager.

    DuckDB lets one process at a time write a file, and refuses even readers
    while it does. A store that finds the file locked by another process waits
    for it, up to ``wait`` seconds (telling ``on_wait``, else the log, once, who
    holds it), then raises StoreLockedError (E117). With ``keep_open=False`` the
    file is opened when first used and closed again by ``release()``, so that a
    long-running writer (``sitroom watch``) holds it only while it works.

    Opened for writing, it brings the schema up to date and indexes any sentence
    the text index lacks (after a migration from schema 8), telling ``on_progress``
    (sentences done, sentences to do) after each step.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        read_only: bool = False,
        wait: float = DEFAULT_WAIT,
        on_wait: Callable[[str], None] | None = None,
        keep_open: bool = True,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.path = str(path or default_db_path())
        if read_only and self.path != ":memory:" and not Path(self.path).exists():
            raise StoreError(f"no store at {self.path} (run 'sitroom ingest' first, or pass --db)")
        self.read_only = read_only
        self.wait = max(0.0, float(wait))
        self.on_wait = on_wait
        self.keep_open = keep_open or self.path == ":memory:"
        self._closed = False
        self._memory_limit: int | None = None  # MB of cache, set by memory_bounded
        self._con: duckdb.DuckDBPyConnection | None = None
        self._con = self._connect()
        try:
            self._migrate()
            if not read_only:
                self._catch_up_text_index(on_progress)
        except BaseException:
            self.close()
            raise
        self.release()

    @classmethod
    def _wrap(cls, con: duckdb.DuckDBPyConnection, path: str, read_only: bool) -> Store:
        store = cls.__new__(cls)
        store.path, store._con, store.read_only = path, con, read_only
        store.wait, store.on_wait, store.keep_open, store._closed = 0.0, None, True, False
        store._memory_limit = None
        return store

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection; opened here (waiting for the file if it must) when
        the store was released."""
        if self._con is None:
            if self._closed:
                raise StoreError(f"store {self.path} is closed")
            self._con = self._connect()
            self._fit_memory()  # a bound set before the store was released
        return self._con

    @con.setter
    def con(self, value: duckdb.DuckDBPyConnection) -> None:
        self._con = value

    def _connect(self) -> duckdb.DuckDBPyConnection:
        """Open the file; while another process holds its lock, try again until ``wait`` is up."""
        deadline: float | None = None
        delay = 0.05
        while True:
            try:
                return duckdb.connect(self.path, read_only=self.read_only)
            except duckdb.Error as exc:
                message = str(exc)
                if self.read_only and _OTHER_CONFIG in message:
                    # this process has the file open for writing: read through that
                    return self._connect_in_process()
                if _LOCK_CONFLICT not in message:
                    raise StoreError(f"cannot open store {self.path}: {exc}") from None
            now = time.monotonic()
            if deadline is None:
                deadline = now + self.wait
                holder = lock_holder(message)
                if self.wait > 0:
                    (self.on_wait or log.warning)(
                        f"store {self.path} is in use by {holder}; waiting up to {self.wait:g} s for it "
                        "(a 'sitroom watch' lets go between writes; if this lasts, stop that process or give a longer --wait)"
                    )
            if now >= deadline:
                raise StoreLockedError(self.path, lock_holder(message), self.wait)
            time.sleep(min(delay, deadline - now))
            delay = min(delay * 2, 0.5)

    def _connect_in_process(self) -> duckdb.DuckDBPyConnection:
        """A read-only store in a process that has the file open for writing reads through
        that database (DuckDB allows one configuration per file and process)."""
        try:
            return duckdb.connect(self.path)
        except duckdb.Error as exc:
            raise StoreError(f"cannot open store {self.path}: {exc}") from None

    def release(self) -> None:
        """Close the file until the store is next used, when it was opened with
        ``keep_open=False``; otherwise nothing. Call it between units of work."""
        if not self.keep_open and self._con is not None:
            con, self._con = self._con, None
            con.close()

    def fork(self) -> Store:
        """Another handle on the same open database for use in another thread
        (a DuckDB cursor); close it when the thread is done with it."""
        return Store._wrap(self.con.cursor(), self.path, self.read_only)

    def revision(self) -> int:
        """A number that grows with every write (articles, stories), so readers
        can tell whether what they computed from the store is still current."""
        value = self.scalar("SELECT max(value) FROM meta WHERE key = 'revision'")
        return int(value) if value is not None else 0

    def status_counts(self) -> dict[str, int]:
        """The revision and the numbers of articles, events and stories, read in one statement so
        they come from one snapshot even while another connection writes."""
        revision, articles, events, stories = self.con.execute(
            """SELECT (SELECT max(value) FROM meta WHERE key = 'revision'), (SELECT count(*) FROM articles),
                      (SELECT count(*) FROM events), (SELECT count(*) FROM stories)"""
        ).fetchone()  # fmt: skip
        return {"revision": int(revision) if revision is not None else 0, "articles": articles, "events": events,
                "stories": stories}  # fmt: skip

    def _bump_revision(self) -> None:
        self.con.execute(
            "INSERT OR REPLACE INTO meta VALUES ('revision', CAST(? AS VARCHAR))", [self.revision() + 1]
        )

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._closed = True
        if self._con is not None:
            con, self._con = self._con, None
            con.close()

    # --- schema -------------------------------------------------------------------------

    def schema_version(self) -> int:
        if not self.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"):
            return 0
        value = self.scalar("SELECT max(value) FROM meta WHERE key = 'schema_version'")
        return int(value) if value is not None else 0

    def _migrate(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"store {self.path} has schema version {version}, newer than this Sitroom ({SCHEMA_VERSION}); upgrade Sitroom"
            )
        if version == SCHEMA_VERSION:
            return
        if self.read_only:
            raise StoreError(f"store {self.path} needs migrating to schema {SCHEMA_VERSION}; open it once for writing")
        # each version in its own transaction: all of it or none, and a migration stopped between two
        # versions goes on from the next (DuckDB also needs a table renamed by one to be committed
        # before another alters its rows)
        for target, statements in _MIGRATIONS:
            if target <= version:
                continue
            self.con.execute("BEGIN TRANSACTION")
            try:
                for sql in statements:
                    self.con.execute(sql)
                self.con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(target)])
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise
            log.info("migrated %s to schema %d", self.path, target)

    # --- the events readers see, and the text index ------------------------------------------

    def events_source(self) -> str:
        """FROM-clause SQL of the events every reader sees (the ``events`` view, plus each event's
        sentence key ``sid``). While no review overrides an event, the common case, these are the coded
        events as they are, read without the view's join of the overrides (which costs more than the
        rest of most queries on a large store); once one does, the overrides are applied. Checked on
        every call, so a review added or undone shows in the next query."""
        if self.scalar("SELECT EXISTS (SELECT 1 FROM event_overrides)"):
            return "(" + _REVIEWED_EVENTS_SQL.format(exclude="") + ")"
        return "(SELECT *, false AS reviewed FROM coded_events)"

    def sentence_matches(self, q: str) -> tuple[str, list[object]] | None:
        """A query of the ``sid`` of every stored sentence that holds ``q`` (any case, taken literally:
        ``text ILIKE '%q%'``), with its parameters, when the text index can narrow the search; None
        when it cannot (the index is being built, ``q`` has no word in it, or its words are in too
        many sentences to help), and the caller scans the sentences.

        The index only picks the candidates; each is then checked with the same ILIKE, so the result
        is the scan's by construction; when ``q`` is a single word (word characters only) the candidates
        are the answer and are returned as they are (a sid may then come more than once). ``q`` lowercased is cut into words (runs of letters, digits and
        combining marks) as the sentences were. Where ``q`` holds it, a sentence holds a word equal to
        each inner word of ``q``; ending with its first word (equal to it when ``q`` starts with a
        character that is not in a word); starting with its last (equal when ``q`` ends with such a
        character); containing it when ``q`` is a single word. The candidates are the sentences of the
        vocabulary words that pass the test of the rarest word of ``q`` (and of other rare ones)."""
        lowered, words, size, highest, indexed = self.con.execute(
            f"""SELECT lower(?), regexp_extract_all(lower(?), '{_WORD}'), (SELECT count(*) FROM sentences),
                       (SELECT max(sid) FROM sentences),
                       (SELECT max(CAST(value AS BIGINT)) FROM meta WHERE key = 'text_indexed')""",
            [q, q],
        ).fetchone()  # fmt: skip
        if highest is not None and (indexed is None or indexed < highest):
            return None  # not every sentence is indexed yet
        if not words:
            return None
        tests = {}
        for n, word in enumerate(words):
            # q starts (ends) inside a word exactly when it starts (ends) with its first (last) word
            mode = (n == 0 and lowered.startswith(word), n == len(words) - 1 and lowered.endswith(word))
            tests[(word, _WORD_TESTS[mode])] = None
        tests_list = list(tests)
        found = self.query(
            " UNION ALL ".join(
                f"""SELECT {n} AS n, coalesce(sum(df), 0) AS df,
                           CASE WHEN count(*) <= {int(_TEXT_INDEX_INLINE)} THEN list(word_id ORDER BY word_id) END AS ids
                    FROM text_words WHERE {test}"""
                for n, (_, test) in enumerate(tests_list)
            ),
            [word for word, _ in tests_list],
        )
        ranked = sorted((int(df), n, ids) for n, df, ids in found)
        if ranked[0][0] > size * _TEXT_INDEX_NARROWS:
            return None  # even its rarest word is in too many sentences: a scan costs less
        chosen = [ranked[0]] + [r for r in ranked[1:3] if r[0] <= size * _TEXT_INDEX_ALSO]
        postings, params = [], []  # each chosen word's sentences, from the index
        for _, n, ids in chosen:
            word, test = tests_list[n]
            if ids:
                # numbers from the store, written out: DuckDB then skips the row groups of other words
                postings.append(f"SELECT sid FROM text_postings WHERE word_id IN ({', '.join(str(int(i)) for i in ids)})")
            else:
                postings.append(f"SELECT sid FROM text_postings WHERE word_id IN (SELECT word_id FROM text_words WHERE {test})")
                params.append(word)
        if len(words) == 1 and lowered == words[0]:
            # q is one run of word characters: a sentence holds it exactly when one of its words contains it,
            # so the candidates are the answer and no sentence's text is read
            return postings[0], params
        parts = [f"s.sid IN ({sql})" for sql in postings]
        clause, pattern = _like("s.text", q)
        # The CASE keeps DuckDB from testing every sentence's text before it narrows them to the candidates.
        sql = f"SELECT s.sid FROM sentences s WHERE {' AND '.join(parts)} AND (CASE WHEN s.sid IS NOT NULL THEN {clause} END)"
        return sql, [*params, pattern]

    def build_text_index(self, on_progress: Callable[[int, int], None] | None = None) -> int:
        """Index every stored sentence the text index lacks (sentences stored before schema 9, or
        written around the Store), in steps of at most _TEXT_INDEX_STEP sentences that each commit, so
        an interrupted build goes on from where it stopped; ``on_progress`` gets (done, to do) after
        each. Until it is done, text filters scan the sentences. Returns the sentences indexed."""
        # events stored without their sentence key get it
        self.con.execute(
            """UPDATE coded_events SET sid = s.sid FROM sentences s
               WHERE coded_events.sid IS NULL AND s.article_id = coded_events.article_id
                 AND s.sentence_index = coded_events.sentence_index"""
        )
        indexed = self._text_indexed()
        total = int(self.scalar("SELECT count(*) FROM sentences WHERE sid > ?", [indexed]))
        done = 0
        if total:
            log.info("indexing %d sentences of %s for text search", total, self.path)
        while True:
            upto = self.scalar("SELECT max(sid) FROM (SELECT sid FROM sentences WHERE sid > ? ORDER BY sid LIMIT ?)",
                               [indexed, _TEXT_INDEX_STEP])  # fmt: skip
            if upto is None:
                break
            self.con.execute("BEGIN TRANSACTION")
            try:
                done += self._index_sentences("SELECT sid, text FROM sentences WHERE sid > ? AND sid <= ?", [indexed, upto])
                self.con.execute("INSERT OR REPLACE INTO meta VALUES ('text_indexed', CAST(? AS VARCHAR))", [upto])
                fault_point("text-index-step")
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise
            indexed = int(upto)
            if on_progress is not None:
                on_progress(done, total)
        if done > _TEXT_INDEX_STEP:
            self._sort_postings()
        return done

    def _catch_up_text_index(self, on_progress: Callable[[int, int], None] | None) -> None:
        highest = self.scalar("SELECT max(sid) FROM sentences")
        if highest is not None and self._text_indexed() < highest:
            self.build_text_index(on_progress)

    def _text_indexed(self) -> int:
        value = self.scalar("SELECT max(CAST(value AS BIGINT)) FROM meta WHERE key = 'text_indexed'")
        return int(value) if value is not None else 0

    def _text_index_complete(self) -> bool:
        highest = self.scalar("SELECT max(sid) FROM sentences")
        return highest is None or self._text_indexed() >= highest

    def _index_sentences(self, source: str, params: Sequence[object] = ()) -> int:
        """Add the words of the sentences ``source`` selects (``sid``, ``text``) to the text index
        (inside the caller's transaction); returns how many sentences."""
        self.con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _text_words AS
                SELECT DISTINCT sid, unnest(regexp_extract_all(lower(text), '{_WORD}')) AS word FROM ({source})""",
            list(params),
        )
        try:
            self.con.execute(
                """INSERT INTO text_words
                   SELECT (SELECT coalesce(max(word_id), 0) FROM text_words) + row_number() OVER (ORDER BY word), word, 0
                   FROM (SELECT DISTINCT word FROM _text_words) n
                   WHERE NOT EXISTS (SELECT 1 FROM text_words w WHERE w.word = n.word)"""
            )
            self.con.execute(
                "INSERT INTO text_postings SELECT w.word_id, t.sid FROM _text_words t JOIN text_words w USING (word) ORDER BY ALL"
            )
            self.con.execute(
                """UPDATE text_words SET df = df + c.n
                   FROM (SELECT word, count(*) AS n FROM _text_words GROUP BY word) c WHERE text_words.word = c.word"""
            )
        finally:
            self.con.execute("DROP TABLE IF EXISTS _text_words")
        return int(self.scalar(f"SELECT count(*) FROM ({source})", list(params)))

    def _unindex_sentences(self, where: str, params: Sequence[object] = ()) -> None:
        """Take the sentences ``where`` selects out of the text index, before they are deleted
        (inside the caller's transaction)."""
        gone = f"SELECT sid FROM sentences WHERE {where}"
        self.con.execute(
            f"""UPDATE text_words SET df = df - c.n
                FROM (SELECT word_id, count(*) AS n FROM text_postings WHERE sid IN ({gone}) GROUP BY word_id) c
                WHERE text_words.word_id = c.word_id""",
            list(params),
        )
        self.con.execute(f"DELETE FROM text_postings WHERE sid IN ({gone})", list(params))
        self.con.execute("DELETE FROM text_words WHERE df <= 0")

    def _sort_postings(self) -> None:
        """Store the postings in word order once more after a large build, so that looking up a word
        reads only the few row groups that hold it."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.execute("CREATE TABLE text_postings_sorted AS SELECT * FROM text_postings ORDER BY word_id, sid")
            self.con.execute("DROP TABLE text_postings")
            self.con.execute("ALTER TABLE text_postings_sorted RENAME TO text_postings")
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def _mark_indexed(self) -> None:
        """Every stored sentence is indexed (inside the transaction that indexed the last ones)."""
        self.con.execute(
            "INSERT OR REPLACE INTO meta SELECT 'text_indexed', CAST(coalesce(max(sid), 0) AS VARCHAR) FROM sentences"
        )

    def _reserve_sids(self, n: int) -> list[int]:
        """``n`` new sentence keys."""
        if not n:
            return []
        return [int(r[0]) for r in self.query("SELECT nextval('sentence_sid') FROM range(?)", [n])]

    # --- writes ---------------------------------------------------------------------------

    def stored_hashes(self, article_ids: Sequence[str]) -> dict[str, str]:
        """content_hash of those of ``article_ids`` already stored."""
        if not article_ids:
            return {}
        ids = pa.table({"article_id": pa.array(list(article_ids), pa.string())})
        self.con.register("_ids", ids)
        try:
            rows = self.con.execute(
                "SELECT a.article_id, a.content_hash FROM articles a JOIN _ids USING (article_id)"
            ).fetchall()
        finally:
            self.con.unregister("_ids")
        return dict(rows)

    def known_hashes(self, article_ids: Sequence[str]) -> dict[str, set[str]]:
        """Every content hash stored for those of ``article_ids`` already stored: the latest
        revision's and the earlier ones'."""
        if not article_ids:
            return {}
        self.con.register("_ids", pa.table({"article_id": pa.array(list(article_ids), pa.string())}))
        try:
            rows = self.query(
                """SELECT article_id, content_hash FROM articles JOIN _ids USING (article_id)
                   UNION ALL
                   SELECT article_id, content_hash FROM article_revisions JOIN _ids USING (article_id)"""
            )
        finally:
            self.con.unregister("_ids")
        known: dict[str, set[str]] = {}
        for article_id, content_hash in rows:
            known.setdefault(article_id, set()).add(content_hash)
        return known

    def write_batch(
        self,
        articles: Sequence[Article],
        sentences: Sequence[Sentence],
        events: Sequence[Event],
        counts: dict[str, tuple[int, int]] | None = None,
    ) -> dict[str, str]:
        """Store parsed articles with their sentences and events, all or nothing (ids are
        unique within a batch).

        An article whose id is stored with other content becomes its next revision: the
        stored revision's text is kept (``article_revisions``), its sentences and events are
        replaced, and the stories that held its events are taken apart for the story stage
        to rebuild. Articles whose content is stored already, as the latest revision or an
        earlier one (also by another writer since they were checked), are left out; returns
        their ids with their content hash."""
        self._fit_memory(_write_bytes(articles, sentences, events))
        if not articles:
            return {}
        self.con.execute("BEGIN TRANSACTION")
        try:
            known = self.known_hashes([a.article_id for a in articles])
            already = {a.article_id: a.content_hash for a in articles if a.content_hash in known.get(a.article_id, ())}
            if already:
                articles = [a for a in articles if a.article_id not in already]
                sentences = [x for x in sentences if x.article_id not in already]
                events = [e for e in events if e.article_id not in already]
            indexed = self._text_index_complete()
            revisions = self._supersede([a.article_id for a in articles if a.article_id in known])
            sids = self._reserve_sids(len(sentences))
            for name, table in _batch_tables(articles, sentences, events, counts or {}, revisions, sids).items():
                if table.num_rows == 0:
                    continue
                view = f"_batch_{name}"
                self.con.register(view, table)
                try:
                    self.con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM {view}")
                    if name == "sentences" and indexed:
                        self._index_sentences(f"SELECT sid, text FROM {view}")
                finally:
                    self.con.unregister(view)
                if name == "articles":
                    fault_point("articles-written")
            if sids and indexed:
                self._mark_indexed()
            if articles and self._reviews_of_articles([a.article_id for a in articles]):
                self._refresh_overrides()  # the reviews of these articles find their events again
            if articles:
                self._bump_revision()
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        fault_point("events-written")
        return already

    def recode_selection(
        self, article_ids: Sequence[str] = (), since: object = None, until: object = None
    ) -> tuple[list[str], list[str]]:
        """The stored articles to code again, in the order stored stories take them (publication
        date, then id): those named in ``article_ids`` (all when none are named) published within
        ``since``..``until`` (an article without a date is left out when either is given); and the
        named ids that are not stored."""
        where, params = ["TRUE"], []
        if article_ids:
            where.append("list_contains(?, article_id)")
            params.append(list(dict.fromkeys(article_ids)))
        for op, day in ((">=", since), ("<=", until)):
            if day is not None:
                where.append(f"published {op} ?")
                params.append(day)
        chosen = [r[0] for r in self.query(
            f"SELECT article_id FROM articles WHERE {' AND '.join(where)} ORDER BY published NULLS LAST, article_id", params
        )]  # fmt: skip
        if not article_ids:
            return chosen, []
        stored = {r[0] for r in self.query("SELECT article_id FROM articles WHERE list_contains(?, article_id)", [list(article_ids)])}
        return chosen, [a for a in dict.fromkeys(article_ids) if a not in stored]

    def stored_articles(self, article_ids: Sequence[str]) -> list[Article]:
        """The latest revision of each stored article of ``article_ids``, in that order, as it was
        stored (cleaned text, publication date, content hash), to be coded again."""
        if not article_ids:
            return []
        rows = self.rows(
            """SELECT article_id, source, format, title, url, outlet, published, published_from, raw_text, text,
                      content_hash FROM articles WHERE list_contains(?, article_id)""",
            [list(article_ids)],
        )
        by_id = {r["article_id"]: r for r in rows}
        return [
            Article(r["article_id"], r["source"] or "", r["format"] or "", r["title"], r["url"], r["outlet"],
                    r["published"], r["published_from"], r["raw_text"] or "", r["text"] or "", r["content_hash"] or "")
            for a in article_ids if (r := by_id.get(a)) is not None
        ]  # fmt: skip

    def replace_coding(
        self, articles: Sequence[Article], sentences: Sequence[Sentence], events: Sequence[Event]
    ) -> dict[str, list[str]]:
        """Store the articles' sentences and events coded again in place of the ones stored, all or
        nothing: the article and its text stay as they are; the stories that held its events (and
        those that answer them) are taken apart for the story stage to build again; the reviews find
        their events anew. An article whose content changed since it was read (another writer stored
        a new revision) or that is gone is left out. Returns, for each article written, the ids of
        the events it had before."""
        self._fit_memory(_write_bytes(articles, sentences, events))
        if not articles:
            return {}
        self.con.execute("BEGIN TRANSACTION")
        try:
            hashes = self.stored_hashes([a.article_id for a in articles])
            articles = [a for a in articles if hashes.get(a.article_id) == a.content_hash]
            ids = [a.article_id for a in articles]
            if not ids:
                self.con.execute("ROLLBACK")
                return {}
            chosen = "list_contains(?, article_id)"
            old: dict[str, list[str]] = {a: [] for a in ids}
            for article_id, event_id in self.query(
                f"SELECT article_id, event_id FROM coded_events WHERE {chosen} ORDER BY article_id, span_start, event_id", [ids]
            ):
                old[article_id].append(event_id)
            self._take_apart_stories(
                [r[0] for r in self.query(
                    """SELECT DISTINCT m.story_id FROM story_mentions m JOIN coded_events e USING (event_id)
                       WHERE list_contains(?, e.article_id)""",
                    [ids],
                )]  # fmt: skip
            )
            self.con.execute(f"DELETE FROM actors WHERE event_id IN (SELECT event_id FROM coded_events WHERE {chosen})", [ids])
            indexed = self._text_index_complete()
            # a sentence keeps its key (the same article and position): the rows stay what they were
            # when the coding does not change
            had = {(a, i): sid for a, i, sid in self.query(f"SELECT article_id, sentence_index, sid FROM sentences WHERE {chosen}", [ids])}
            self._unindex_sentences(chosen, [ids])
            for table in ("coded_events", "sentences"):
                self.con.execute(f"DELETE FROM {table} WHERE {chosen}", [ids])
            kept = set(ids)
            sentences = [s for s in sentences if s.article_id in kept]
            events = [e for e in events if e.article_id in kept]
            fresh = iter(self._reserve_sids(sum((s.article_id, s.index) not in had for s in sentences)))
            sids = [had[(s.article_id, s.index)] if (s.article_id, s.index) in had else next(fresh) for s in sentences]
            tables = _batch_tables(articles, sentences, events, {}, sids=sids)
            for name in ("sentences", "coded_events", "actors"):
                if tables[name].num_rows == 0:
                    continue
                view = f"_batch_{name}"
                self.con.register(view, tables[name])
                try:
                    self.con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM {view}")
                    if name == "sentences" and indexed:
                        self._index_sentences(f"SELECT sid, text FROM {view}")
                finally:
                    self.con.unregister(view)
            if sids and indexed:
                self._mark_indexed()
            n_sentences, n_events = Counter(s.article_id for s in sentences), Counter(e.article_id for e in events)
            counts = pa.table({
                "article_id": pa.array(ids, pa.string()),
                "n_sentences": pa.array([n_sentences[a] for a in ids], pa.int32()),
                "n_events": pa.array([n_events[a] for a in ids], pa.int32()),
            })  # fmt: skip
            self.con.register("_recode_counts", counts)
            try:
                self.con.execute(
                    """UPDATE articles SET n_sentences = c.n_sentences, n_events = c.n_events
                       FROM _recode_counts c WHERE articles.article_id = c.article_id"""
                )
            finally:
                self.con.unregister("_recode_counts")
            if self._reviews_of_articles(ids):
                self._refresh_overrides()  # the reviews of these articles find their events again
            fault_point("recode-writing")
            self._bump_revision()
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        fault_point("events-written")
        return old

    def _supersede(self, article_ids: Sequence[str]) -> dict[str, int]:
        """Move the stored revision of each article out of the way of its next one (inside the
        caller's transaction): its text to ``article_revisions``; its sentences, events and
        copy check deleted; the stories that held its events taken apart. Returns the number
        each article's next revision gets."""
        if not article_ids:
            return {}
        self.con.register("_rev_ids", pa.table({"article_id": pa.array(list(article_ids), pa.string())}))
        try:
            chosen = "article_id IN (SELECT article_id FROM _rev_ids)"
            self.con.execute(
                f"""INSERT INTO article_revisions BY NAME
                    SELECT {_REVISION_COLUMNS}, now() AS superseded_at FROM articles WHERE {chosen}"""
            )
            numbers = dict(self.query(f"SELECT article_id, coalesce(revision, 1) + 1 FROM articles WHERE {chosen}"))
            self._take_apart_stories(
                [r[0] for r in self.query(
                    f"SELECT DISTINCT m.story_id FROM story_mentions m JOIN coded_events e USING (event_id) WHERE e.{chosen}"
                )]  # fmt: skip
            )
            self.con.execute(f"DELETE FROM actors WHERE event_id IN (SELECT event_id FROM coded_events WHERE {chosen})")
            self._unindex_sentences(chosen)
            for table in ("coded_events", "sentences", "removals", "article_copies", "copy_bands", "articles"):
                self.con.execute(f"DELETE FROM {table} WHERE {chosen}")
        finally:
            self.con.unregister("_rev_ids")
        return numbers

    def _take_apart_stories(self, story_ids: Sequence[str]) -> None:
        """Delete the given stories, and the stories that answer them, with their assignments: their
        remaining mentions are unassigned again and the story stage puts them into stories anew
        (under new ids; ids of deleted stories are not given out again)."""
        gone = set(story_ids)
        frontier = set(gone)
        while frontier:
            rows = self.query("SELECT story_id FROM stories WHERE list_contains(?, responds_to)", [sorted(frontier)])
            frontier = {r[0] for r in rows} - gone
            gone |= frontier
        if not gone:
            return
        self.con.execute("INSERT OR REPLACE INTO meta VALUES ('next_story_seq', CAST(? AS VARCHAR))", [self.next_story_seq()])
        ids = sorted(gone)
        for table in ("story_mentions", "stories", "story_keys", *_STORY_WORK_TABLES):
            self.con.execute(f"DELETE FROM {table} WHERE list_contains(?, story_id)", [ids])

    def add_problems(self, problems: Iterable[IngestProblem], run_id: str, *, replace: bool = False) -> None:
        """Record problems. With ``replace``, a problem already recorded for the same item
        with the same code and message (the same input read again) is replaced by this
        one, so it is listed once, with the latest run and time."""
        latest: dict[tuple[str, str, str], IngestProblem] = {}
        rows: list[IngestProblem] = []
        for p in problems:
            if replace:
                latest.pop((p.source, p.code, p.message), None)
                latest[(p.source, p.code, p.message)] = p
            else:
                rows.append(p)
        if replace:
            rows = list(latest.values())
        if not rows:
            return
        now = datetime.now(timezone.utc)
        table = pa.table(
            {
                "run_id": pa.array([run_id] * len(rows), pa.string()),
                "logged_at": pa.array([now] * len(rows), pa.timestamp("us", tz="UTC")),
                "source": pa.array([p.source for p in rows], pa.string()),
                "code": pa.array([p.code for p in rows], pa.string()),
                "message": pa.array([p.message for p in rows], pa.string()),
                "failure": pa.array([p.failure for p in rows], pa.bool_()),
            }
        )
        self.con.register("_batch_errors", table)
        try:
            self.con.execute("BEGIN TRANSACTION")
            try:
                if replace:
                    self.con.execute(
                        """DELETE FROM ingest_errors e USING _batch_errors b
                           WHERE e.source = b.source AND e.code = b.code AND e.message = b.message"""
                    )
                self.con.execute("INSERT INTO ingest_errors BY NAME SELECT * FROM _batch_errors")
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise
        finally:
            self.con.unregister("_batch_errors")

    # --- reads ------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        out = {}
        for table in ("articles", "sentences", "events", "actors", "removals", "ingest_errors"):
            out[table] = self.scalar(f"SELECT count(*) FROM {table}")
        return out

    def iter_public_events(
        self, batch_rows: int = 2048, min_confidence: float | None = None, filters: EventFilter | None = None
    ) -> Iterator[dict]:
        """Events in the public JSONL schema, streamed in batches; only those ``filters`` keeps."""
        sql, params = _public_events_sql(self, min_confidence, filters)
        relation = self.con.sql(sql, params=params)
        # DuckDB 2 renamed the relation's record_batch() to to_arrow_reader().
        reader_fn = getattr(relation, "to_arrow_reader", None) or relation.record_batch
        for batch in reader_fn(batch_rows):
            yield from batch.to_pylist()

    def _reader(self, sql: str, params: list[object], batch_rows: int) -> pa.RecordBatchReader:
        relation = self.con.sql(sql, params=params)
        reader_fn = getattr(relation, "to_arrow_reader", None) or relation.record_batch
        return reader_fn(batch_rows)

    def public_events_reader(
        self, filters: EventFilter | None = None, *, partition: str | None = None, batch_rows: int = 8192
    ) -> pa.RecordBatchReader:
        """The public events (those ``filters`` keeps) as Arrow record batches, streamed; with
        ``partition``, a column of that name holds each event's month (``YYYY-MM`` of its event
        date, else of its article's publication, else ``undated``)."""
        sql, params = _public_events_sql(self, None, filters)
        if partition:
            sql = (f"SELECT *, coalesce(strftime(coalesce(event_date, published), '%Y-%m'), 'undated') AS {partition} "
                   f"FROM ({sql})")  # fmt: skip
        return self._reader(sql, params, batch_rows)

    def public_stories_reader(
        self, filters: EventFilter | None = None, *, partition: str | None = None, batch_rows: int = 8192
    ) -> pa.RecordBatchReader:
        """Every story event (those ``filters`` keeps) in the public schema, with its mentions, as
        Arrow record batches, streamed; with ``partition``, a column of that name holds its month
        (of its event date, else of its first report, else ``undated``)."""
        where, params = self._story_where(filters)
        sql = _PUBLIC_STORIES_SQL.replace("{where}", where).replace("{events}", self.events_source())
        if partition:
            sql = (f"SELECT *, coalesce(strftime(coalesce(event_date, first_reported), '%Y-%m'), 'undated') AS {partition} "
                   f"FROM ({sql})")  # fmt: skip
        return self._reader(sql, [1, None, None, *params, None], batch_rows)

    def _story_where(self, filters: EventFilter | None) -> tuple[str, list[object]]:
        where, params = filter_clauses(filters, "st", stories=True, store=self)
        return " AND ".join(where) or "TRUE", params

    def public_stories(
        self, min_mentions: int = 1, limit: int | None = None, min_confidence: float | None = None,
        filters: EventFilter | None = None,
    ) -> list[dict]:  # fmt: skip
        """Story events in the public schema (docs/schema.md), each with its
        mentions, oldest first; at most ``limit`` of them; only those ``filters`` keeps."""
        where, params = self._story_where(filters)
        return self.rows(
            _PUBLIC_STORIES_SQL.replace("{where}", where).replace("{events}", self.events_source()),
            [min_mentions, min_confidence, min_confidence, *params, limit],
        )

    def count_stories(self, min_mentions: int = 1, min_confidence: float | None = None, filters: EventFilter | None = None) -> int:
        where, params = self._story_where(filters)
        return int(self.scalar(
            f"SELECT count(*) FROM stories st WHERE st.n_mentions >= ? AND (?::DOUBLE IS NULL OR st.confidence >= ?) AND {where}",
            [min_mentions, min_confidence, min_confidence, *params],
        ))  # fmt: skip

    def story_ids(self, filters: EventFilter | None = None) -> set[str]:
        """The ids of the story events ``filters`` keeps."""
        where, params = self._story_where(filters)
        return {r[0] for r in self.query(f"SELECT st.story_id FROM stories st WHERE {where}", params)}

    def actor_names(self) -> list[tuple[str | None, str | None, str | None]]:
        """Every distinct (name, country, sector) of the actors in stored events."""
        return self.query("SELECT DISTINCT name, country, sector FROM actors ORDER BY ALL")

    def copy_public_events(
        self, path: str, fmt: str, min_confidence: float | None = None, filters: EventFilter | None = None
    ) -> int:
        """Write the public event table to a Parquet file with DuckDB's own writer."""
        if fmt != "parquet":
            raise ValueError(f"copy_public_events supports parquet, not {fmt}")
        escaped = path.replace("'", "''")
        sql, params = _public_events_sql(self, min_confidence, filters)
        self.con.execute(f"COPY ({sql}) TO '{escaped}' (FORMAT parquet)", params)
        return int(self.scalar(f"SELECT count(*) FROM read_parquet('{escaped}')"))

    def article_revisions(self, article_id: str) -> list[dict]:
        """Every stored revision of one article, oldest first: revision, content_hash,
        stored_at, n_events and latest (whether it is the one in use); empty when unknown."""
        return self.rows(
            """SELECT revision, content_hash, ingested_at AS stored_at, n_events, false AS latest
               FROM article_revisions WHERE article_id = ?
               UNION ALL
               SELECT coalesce(revision, 1), content_hash, ingested_at, n_events, true
               FROM articles WHERE article_id = ?
               ORDER BY revision""",
            [article_id, article_id],
        )

    def article_revision(self, article_id: str, revision: int) -> dict | None:
        """One revision of an article (title, text, raw_text, content_hash, stored_at, ...), or None."""
        found = self.rows(
            """SELECT article_id, revision, title, url, outlet, published, text, raw_text, content_hash,
                      ingested_at AS stored_at, n_events
               FROM article_revisions WHERE article_id = ? AND revision = ?
               UNION ALL
               SELECT article_id, coalesce(revision, 1), title, url, outlet, published, text, raw_text,
                      content_hash, ingested_at, n_events
               FROM articles WHERE article_id = ? AND coalesce(revision, 1) = ?""",
            [article_id, revision, article_id, revision],
        )
        return found[0] if found else None

    # --- analyst reviews (sitroom.review) ------------------------------------------------------

    def next_review_seq(self) -> int:
        return int(self.scalar("SELECT coalesce(max(seq), 0) + 1 FROM reviews"))

    def add_review(self, review: Review, anchors: Sequence[tuple[str, Anchor]], take_apart: Sequence[str] = ()) -> None:
        """Store one review with the anchors of its events (role ``subject`` or ``other``), take apart
        the stories ``take_apart`` names (the story stage builds them again with the review applied)
        and apply the event reviews anew, all or nothing."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.execute(
                "INSERT INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
                [review.review_id, int(review.review_id.lstrip("R")), review.kind, review.action, review.target,
                 review.other, _json(review.old_value), _json(review.new_value), review.reviewer, review.note,
                 review.created_at],
            )  # fmt: skip
            for role, a in anchors:
                self.con.execute(
                    "INSERT INTO review_anchors VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [review.review_id, role, a.article_id, a.span_start, a.span_end, a.event_type, a.trigger,
                     a.sentence, a.offset],
                )  # fmt: skip
            self._reviewed(take_apart)
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def undo_review(self, review_id: str, by: str, at: datetime, take_apart: Sequence[str] = ()) -> None:
        """Mark a review undone (it is kept, with who undid it and when), take apart ``take_apart``
        and apply the event reviews anew, all or nothing."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.execute("UPDATE reviews SET undone_at = ?, undone_by = ? WHERE review_id = ?", [at, by, review_id])
            self._reviewed(take_apart)
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def _reviewed(self, take_apart: Sequence[str]) -> None:
        self._take_apart_stories(list(take_apart))
        self._refresh_overrides()
        self._bump_revision()  # the story stage runs again, and applies the story reviews

    def reviews(self, *, active: bool = False, kinds: Sequence[str] = ()) -> list[Review]:
        """Every review in the order made (``active``: not undone; ``kinds``: only those kinds)."""
        where = ["TRUE"]
        params: list[object] = []
        if active:
            where.append("undone_at IS NULL")
        if kinds:
            where.append("list_contains(?, kind)")
            params.append(list(kinds))
        rows = self.rows(f"SELECT * FROM reviews WHERE {' AND '.join(where)} ORDER BY seq", params)
        return [
            Review(r["review_id"], r["kind"], r["action"], r["target"], r["reviewer"], r["created_at"], r["note"] or "",
                   r["other"], _unjson(r["old_value"]), _unjson(r["new_value"]), r["undone_at"], r["undone_by"])
            for r in rows
        ]  # fmt: skip

    def review(self, review_id: str) -> Review | None:
        found = [r for r in self.reviews() if r.review_id == review_id]
        return found[0] if found else None

    def review_anchors(self, review_ids: Sequence[str] | None = None) -> dict[str, list[tuple[str, Anchor]]]:
        """The anchors of each review (all, or of ``review_ids``): (role, anchor) in the order stored."""
        rows = self.query(
            """SELECT review_id, role, article_id, span_start, span_end, event_type, trigger, sentence, sentence_offset
               FROM review_anchors WHERE ?::VARCHAR[] IS NULL OR list_contains(?, review_id) ORDER BY rowid""",
            [None if review_ids is None else list(review_ids)] * 2,
        )
        out: dict[str, list[tuple[str, Anchor]]] = {}
        for rid, role, *fields in rows:
            article, start, end, etype, trigger, sentence, offset = fields
            out.setdefault(rid, []).append((role, Anchor(article, start, end, etype, trigger or "", sentence or "", offset or 0)))
        return out

    def resolve_anchors(self, anchors: Iterable[Anchor]) -> dict[Anchor, str | None]:
        """The stored (coded) event each anchor stands for now, or None when it is gone (sitroom.review.records.resolve)."""
        anchors = list(dict.fromkeys(anchors))
        articles = sorted({a.article_id for a in anchors})
        if not articles:
            return {}
        rows = self.rows(
            """SELECT e.event_id, e.article_id, e.span_start, e.span_end, e.event_type, s.text AS sentence,
                      e.span_start - s.start_char AS offset
               FROM coded_events e
               LEFT JOIN sentences s ON s.article_id = e.article_id AND s.sentence_index = e.sentence_index
               WHERE list_contains(?, e.article_id)
               ORDER BY e.article_id, e.span_start, e.event_id""",
            [articles],
        )
        by_article: dict[str, list[dict]] = {}
        for r in rows:
            by_article.setdefault(r["article_id"], []).append(r)
        return {a: resolve(a, by_article.get(a.article_id, ())) for a in anchors}

    def event_anchor(self, event_id: str) -> Anchor | None:
        """The anchor of a stored event (as the machine coded it; also a rejected one), or None."""
        rows = self.query(
            """SELECT e.article_id, e.span_start, e.span_end, e.event_type, e.trigger, s.text, e.span_start - s.start_char
               FROM coded_events e
               LEFT JOIN sentences s ON s.article_id = e.article_id AND s.sentence_index = e.sentence_index
               WHERE e.event_id = ?""",
            [event_id],
        )
        if not rows:
            return None
        article, start, end, etype, trigger, sentence, offset = rows[0]
        return Anchor(article, start, end, etype, trigger or "", sentence or "", offset or 0)

    def story_event_ids(self, story_id: str) -> list[str]:
        """The event ids of one story's reports, oldest report first."""
        return [r[0] for r in self.query(
            """SELECT m.event_id FROM story_mentions m JOIN events e USING (event_id) JOIN articles a USING (article_id)
               WHERE m.story_id = ? ORDER BY a.published NULLS LAST, e.article_id, e.sentence_index, e.span_start""",
            [story_id],
        )]  # fmt: skip

    def _reviews_of_articles(self, article_ids: Sequence[str]) -> bool:
        return bool(self.scalar(
            "SELECT EXISTS (SELECT 1 FROM review_anchors WHERE list_contains(?, article_id))", [list(article_ids)]
        ))  # fmt: skip

    def _refresh_overrides(self) -> None:
        """Apply the active event reviews anew to the events they find now (inside the caller's transaction)."""
        reviews = self.reviews(active=True, kinds=("event",))
        anchors = self.review_anchors([r.review_id for r in reviews]) if reviews else {}
        found = self.resolve_anchors(a for pairs in anchors.values() for _, a in pairs)
        pairs = [(r, found.get(anchors[r.review_id][0][1])) for r in reviews if anchors.get(r.review_id)]
        overrides = fold_overrides((r, eid) for r, eid in pairs if eid is not None).values()
        self.con.execute("DELETE FROM event_overrides")
        if not overrides:
            return
        table = pa.table(
            {
                "event_id": pa.array([o.event_id for o in overrides], pa.string()),
                "review_ids": pa.array([o.review_ids for o in overrides], pa.list_(pa.string())),
                "rejected": pa.array([o.rejected for o in overrides], pa.bool_()),
                "event_type": pa.array([o.event_type for o in overrides], pa.string()),
                "cameo_code": pa.array([o.cameo_code for o in overrides], pa.string()),
                "quad_class": pa.array([o.quad_class for o in overrides], pa.int8()),
                "intensity": pa.array([o.intensity for o in overrides], pa.float64()),
                "actor": pa.array([o.actor for o in overrides], _ACTOR_TYPE),
                "recipient": pa.array([o.recipient for o in overrides], _ACTOR_TYPE),
            }
        )
        self.con.register("_overrides", table)
        try:
            self.con.execute("INSERT INTO event_overrides BY NAME SELECT * FROM _overrides")
        finally:
            self.con.unregister("_overrides")

    def mark_stories_reviewed(self, story_ids: Sequence[str], responds_to: dict[str, str | None] | None = None) -> None:
        """Flag stories a story review applies to, and set the response links reviews decide."""
        if story_ids:
            self.con.execute("UPDATE stories SET reviewed = true WHERE list_contains(?, story_id)", [list(story_ids)])
        for story_id, target in (responds_to or {}).items():
            self.con.execute("UPDATE stories SET responds_to = ?, reviewed = true WHERE story_id = ?", [target, story_id])

    # --- story events (sitroom.stories) --------------------------------------------------------

    @contextmanager
    def memory_bounded(self, limit: str | None) -> Iterator[None]:
        """Within the block, DuckDB caches at most ``limit`` (e.g. "256MB") of the file in memory
        (larger work spills to its temporary folder), on top of what the tables' keys and indexes
        need, which DuckDB must hold to write and which grow with the store (each write batch
        makes room for them again), so a long pass over a large store keeps a flat footprint
        apart from its keys. The limit in force before comes back after; a store released in the
        block keeps the bound when it opens the file again. A store in memory, which cannot
        spill, and ``limit=None`` keep theirs."""
        if limit is None or self.path == ":memory:":
            yield
            return
        match = _SIZE.match(limit)
        if match is None:
            raise ValueError(f"memory limit {limit!r}: expected a size such as '256MB' or '1GB'")
        before, outer = self.scalar("SELECT current_setting('memory_limit')"), self._memory_limit
        self._memory_limit = int(match[1]) * (1000 if match[2].upper() == "GB" else 1)  # MB
        self._fit_memory()
        try:
            yield
        finally:
            self._memory_limit = outer
            if self._con is not None:
                if outer is None:
                    self.con.execute(f"SET memory_limit = '{before}'")
                else:
                    self._fit_memory()

    def _fit_memory(self, incoming: int = 0) -> None:
        """Set DuckDB's memory limit to the bound's cache plus room for the keys and indexes
        of the rows stored now (a write batch calls this first, so the room grows with them)
        and for the ``incoming`` bytes of the write about to be made."""
        if self._memory_limit is None or self.read_only or self.path == ":memory:":
            return
        mb = self._memory_limit + -(-(self._index_room() + incoming) // 1_000_000)
        self.con.execute(f"SET memory_limit = '{mb}MB'")

    def _index_room(self) -> int:
        """Bytes the keys and indexes of the rows stored now need in memory (at most)."""
        rows = {(d, s, t): int(n or 0) for d, s, t, n in self.con.execute(_TABLE_ROWS).fetchall()}
        room = 0
        for database, schema, table, kind in self.con.execute(_KEYED_TABLES).fetchall():
            n = rows.get((database, schema, table), 0)
            key_tables = _KEY_TABLES.get(kind.strip("[]").strip('"')) if kind != "unique" else None
            if key_tables is None:
                room += n * _KEY_BYTES
            else:
                keys = min(n, sum(rows.get((database, schema, t), 0) for t in key_tables))
                room += keys * _KEY_BYTES + n * _ROW_BYTES
        return room

    def articles_to_check(self, limit: int) -> list[tuple[str, str]]:
        """(article_id, text) of the first ``limit`` articles not yet checked for copies, oldest
        first (the next batch, once the ones before are stored as checked)."""
        return self.query(
            """SELECT a.article_id, a.text FROM articles a JOIN (
                   SELECT a.article_id FROM articles a LEFT JOIN article_copies c USING (article_id)
                   WHERE c.article_id IS NULL
                   ORDER BY a.published NULLS LAST, a.article_id LIMIT ?) n USING (article_id)
               ORDER BY a.published NULLS LAST, a.article_id""",
            [limit],
        )

    def articles_unchecked(self) -> int:
        """How many articles are not yet checked for copies."""
        return int(self.scalar(
            "SELECT count(*) FROM articles a LEFT JOIN article_copies c USING (article_id) WHERE c.article_id IS NULL"
        ))  # fmt: skip

    def copy_candidates(self, bands: pa.Table) -> list[tuple[str, list[int], str | None]]:
        """(article_id, signature, copy_of) of the checked articles with one of the (band, hash)
        pairs of ``bands``: the only stored articles a new article with those bands can copy."""
        if not bands.num_rows:
            return []
        self.con.register("_new_bands", bands)
        try:
            return self.query(
                """SELECT c.article_id, c.signature, c.copy_of FROM article_copies c
                   JOIN (SELECT DISTINCT b.article_id FROM copy_bands b JOIN _new_bands n USING (band, hash)) f
                   USING (article_id)
                   ORDER BY c.article_id"""
            )
        finally:
            self.con.unregister("_new_bands")

    def signatures_without_bands(self, limit: int) -> list[tuple[str, list[int]]]:
        """(article_id, signature) of up to ``limit`` checked articles whose band hashes are not
        stored (articles checked by a version before schema 8); empty once all have them."""
        if self.scalar("SELECT value FROM meta WHERE key = 'copy_bands_pending'") is None:
            return []
        rows = self.query(
            """SELECT c.article_id, c.signature FROM article_copies c
               WHERE NOT EXISTS (SELECT 1 FROM copy_bands b WHERE b.article_id = c.article_id)
               ORDER BY c.article_id LIMIT ?""",
            [limit],
        )
        if not rows:
            self.con.execute("DELETE FROM meta WHERE key = 'copy_bands_pending'")
        return rows

    def write_copies(self, copies: pa.Table, bands: pa.Table) -> None:
        """Store copy checks (article_id, copy_of, similarity, signature; none when only band
        hashes are added) and their band hashes (article_id, band, hash), all or nothing."""
        self._fit_memory(sum(t.nbytes + t.num_rows * _WRITE_ROW_BYTES for t in (copies, bands)))
        self.con.execute("BEGIN TRANSACTION")
        try:
            for name, table in (("article_copies", copies), ("copy_bands", bands)):
                if table.num_rows:
                    self._insert(name, table)
            if copies.num_rows:
                self._bump_revision()
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def _insert(self, name: str, table: pa.Table) -> None:
        view = f"_batch_{name}"
        self.con.register(view, table)
        try:
            self.con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM {view}")
        finally:
            self.con.unregister(view)

    def unassigned_mentions(self, limit: int | None = None) -> list[dict]:
        """Events not yet in a story, with their article's outlet, date and copy
        group, oldest article first (the first ``limit`` of them when given: the
        story stage's next batch, once the ones before are stored in stories);
        ``reference`` is true when another event names this one as the act it answers."""
        first = "" if limit is None else f"LIMIT {int(limit)}"
        return self.rows(
            f"""WITH n AS (
                   SELECT e.event_id FROM events e JOIN articles a USING (article_id)
                   LEFT JOIN story_mentions m USING (event_id)
                   WHERE m.event_id IS NULL ORDER BY {_MENTION_ORDER} {first})
               SELECT e.*, a.outlet, a.published, c.copy_of,
                   EXISTS (SELECT 1 FROM events x WHERE x.cause_event = e.event_id) AS reference
               FROM events e JOIN n USING (event_id) JOIN articles a USING (article_id)
               LEFT JOIN article_copies c USING (article_id)
               ORDER BY {_MENTION_ORDER}"""
        )

    def stage_unassigned_mentions(self) -> int:
        """Number the events not yet in a story in the order the story stage takes them (``_rn``),
        with whether another event names each as the act it answers, in a narrow temporary table,
        once per run of the story stage, so that each batch is then read by its numbers instead of
        by a sort of the whole store; returns how many there are. The table lives as long as the
        connection (``unstage_unassigned_mentions``)."""
        self.con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _pending_mentions AS
                WITH n AS (
                    SELECT e.event_id, row_number() OVER (ORDER BY {_MENTION_ORDER}) AS _rn
                    FROM events e JOIN articles a USING (article_id)
                    LEFT JOIN story_mentions m USING (event_id) WHERE m.event_id IS NULL),
                refs AS (SELECT DISTINCT x.cause_event AS event_id FROM events x JOIN n ON n.event_id = x.cause_event)
                SELECT n._rn, n.event_id, r.event_id IS NOT NULL AS reference
                FROM n LEFT JOIN refs r USING (event_id) ORDER BY n._rn"""
        )
        return int(self.scalar("SELECT count(*) FROM _pending_mentions"))

    def staged_mentions(self, after: int, limit: int) -> list[dict]:
        """The next ``limit`` staged mentions after number ``after``, in order, as
        ``unassigned_mentions`` rows (each with its ``_rn``)."""
        return self.rows(
            """WITH b AS (SELECT * FROM _pending_mentions WHERE _rn > ? ORDER BY _rn LIMIT ?)
               SELECT e.*, a.outlet, a.published, c.copy_of, b.reference, b._rn
               FROM b JOIN events e USING (event_id) JOIN articles a USING (article_id)
               LEFT JOIN article_copies c USING (article_id)
               ORDER BY b._rn""",
            [after, limit],
        )

    def unstage_unassigned_mentions(self) -> None:
        self.con.execute("DROP TABLE IF EXISTS _pending_mentions")

    def holds_reports_after(self, day: object) -> bool:
        """Whether any article was published after ``day`` or has no publication date."""
        return bool(self.scalar("SELECT EXISTS (SELECT 1 FROM articles WHERE published IS NULL OR published > ?)", [day]))

    def reports_published_by(self, day: object) -> list[dict]:
        """Every event of an article published on or before ``day``, as ``unassigned_mentions``
        rows in the order the story stage takes them (``reference`` counts only events of those
        articles; ``copy_of`` is left to the caller), with the sentence's text."""
        return self.rows(
            """SELECT e.*, a.outlet, a.published, CAST(NULL AS VARCHAR) AS copy_of,
                   EXISTS (SELECT 1 FROM events x JOIN articles xa ON xa.article_id = x.article_id
                           WHERE x.cause_event = e.event_id AND xa.published <= ?) AS reference,
                   se.text AS sentence
               FROM events e JOIN articles a USING (article_id)
               LEFT JOIN sentences se ON se.article_id = e.article_id AND se.sentence_index = e.sentence_index
               WHERE a.published <= ?
               ORDER BY a.published, e.article_id, e.sentence_index, e.span_start""",
            [day, day],
        )

    def signatures_published_by(self, day: object) -> list[tuple[str, list[int]]]:
        """(article_id, signature) of the articles published on or before ``day``, in the order
        the story stage checks them for copies."""
        return self.query(
            """SELECT c.article_id, c.signature FROM article_copies c JOIN articles a USING (article_id)
               WHERE a.published <= ? ORDER BY a.published, a.article_id""",
            [day],
        )

    def story_mentions_of(self, story_ids: Sequence[str]) -> list[dict]:
        """The mentions of the given stories (as ``unassigned_mentions`` rows, plus story_id)."""
        if not story_ids:
            return []
        self.con.register("_sids", pa.table({"story_id": pa.array(list(story_ids), pa.string())}))
        try:
            return self.rows(
                f"""SELECT m.story_id, m.reference, e.*, a.outlet, a.published, c.copy_of
                   FROM story_mentions m JOIN _sids USING (story_id)
                   JOIN events e USING (event_id) JOIN articles a ON a.article_id = e.article_id
                   LEFT JOIN article_copies c ON c.article_id = e.article_id
                   ORDER BY {_MENTION_ORDER}"""
            )
        finally:
            self.con.unregister("_sids")

    def story_keys_in(self, ranges: pa.Table, *, actors_only: bool = False) -> list[tuple]:
        """The story index entries (role, event_type, grp, country, week, story_id) within
        ``ranges`` (role, event_type, grp, country, lo, hi: weeks lo..hi), the stored stories'
        and those a story stage in progress indexed. With ``actors_only``, ``ranges`` has only
        grp, country, lo and hi, and entries of any event type under an actor match."""
        if not ranges.num_rows:
            return []
        if actors_only:
            on = "k.role = 'a' AND k.grp = r.grp AND k.country = r.country AND k.week BETWEEN r.lo AND r.hi"
        else:
            on = ("k.role = r.role AND k.event_type = r.event_type AND k.grp = r.grp AND k.country = r.country "
                  "AND k.week BETWEEN r.lo AND r.hi")  # fmt: skip
        self.con.register("_key_ranges", ranges)
        try:
            return self.query(
                f"""SELECT DISTINCT k.role, k.event_type, k.grp, k.country, k.week, k.story_id
                    FROM (SELECT * FROM story_keys UNION ALL SELECT * FROM story_work_keys) k
                    JOIN _key_ranges r ON {on}"""
            )
        finally:
            self.con.unregister("_key_ranges")

    def story_states_of(self, story_ids: Sequence[str]) -> list[dict]:
        """What the merger needs to know of the given stories: as a story stage in progress left
        them (``created``: by that stage), else as stored (``created`` false)."""
        if not story_ids:
            return []
        self.con.register("_sids", pa.table({"story_id": pa.array(list(story_ids), pa.string())}))
        try:
            return self.rows(
                """SELECT story_id, event_type, grp, actor_countries, recipient_countries, date_lo, date_hi,
                          location_country, n_mentions, created FROM story_work JOIN _sids USING (story_id)
                   UNION ALL
                   SELECT story_id, event_type, grp, actor_countries, recipient_countries, date_lo, date_hi,
                          location_country, n_mentions, false AS created FROM stories JOIN _sids USING (story_id)
                   WHERE story_id NOT IN (SELECT story_id FROM story_work)
                   ORDER BY story_id"""
            )
        finally:
            self.con.unregister("_sids")

    def write_story_work(
        self, assignments: pa.Table, order: pa.Table, states: pa.Table, keys: pa.Table, next_seq: int
    ) -> None:
        """Store one batch of a story stage in progress, all or nothing: the reports' story
        assignments (``assignments``, and ``order``: event_id, story_id, ord, the order they were
        assigned in), the changed stories' states, the keys they were indexed under, and the
        number of the next new story."""
        self._fit_memory(sum(t.nbytes + t.num_rows * _WRITE_ROW_BYTES for t in (assignments, order, states, keys)))
        self.con.execute("BEGIN TRANSACTION")
        try:
            self._insert("story_mentions", assignments)
            fault_point("stories-writing")
            self._insert("story_work_mentions", order)
            if states.num_rows:
                self.con.register("_work_ids", states.select(["story_id"]))
                try:
                    self.con.execute("DELETE FROM story_work WHERE story_id IN (SELECT story_id FROM _work_ids)")
                finally:
                    self.con.unregister("_work_ids")
                self._insert("story_work", states)
            if keys.num_rows:
                self.con.register("_work_keys", keys)
                try:
                    self.con.execute(
                        """INSERT INTO story_work_keys SELECT * FROM _work_keys n
                           WHERE NOT EXISTS (SELECT 1 FROM story_work_keys k WHERE k.story_id = n.story_id
                               AND k.role = n.role AND k.event_type = n.event_type AND k.grp = n.grp
                               AND k.country = n.country AND k.week = n.week)"""
                    )
                finally:
                    self.con.unregister("_work_keys")
            self.con.execute("INSERT OR REPLACE INTO meta VALUES ('next_story_seq', CAST(? AS VARCHAR))", [next_seq])
            self._bump_revision()
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def story_work_next(self, after: str, limit: int) -> list[str]:
        """The ids of up to ``limit`` stories the story stage in progress changed, after ``after``
        in id order."""
        return [r[0] for r in self.query(
            "SELECT story_id FROM story_work WHERE story_id > ? ORDER BY story_id LIMIT ?", [after, limit]
        )]  # fmt: skip

    def story_work_counts(self) -> tuple[int, int, int]:
        """(stories the stage in progress created, stories it extended, the last ``ord`` it gave an assignment)."""
        created, extended = self.query(
            "SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM story_work"
        )[0]
        return int(created), int(extended), int(self.scalar("SELECT coalesce(max(ord), 0) FROM story_work_mentions"))

    def story_work_order(self, story_ids: Sequence[str]) -> dict[str, int]:
        """event_id -> the order the stage in progress assigned it in, for the given stories' reports."""
        if not story_ids:
            return {}
        self.con.register("_sids", pa.table({"story_id": pa.array(list(story_ids), pa.string())}))
        try:
            return dict(self.query("SELECT event_id, ord FROM story_work_mentions JOIN _sids USING (story_id)"))
        finally:
            self.con.unregister("_sids")

    def write_story_summaries(self, stories: pa.Table) -> None:
        """Store (re)built stories of a story stage in progress, with their index keys."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            self._replace_stories(stories)
            self._bump_revision()
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def finish_story_work(self, *, complete: bool = True) -> None:
        """End a story stage: forget its work; with ``complete``, the stage is done (stories_pending)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            for table in _STORY_WORK_TABLES:
                self.con.execute(f"DELETE FROM {table}")
            self._bump_revision()
            if complete:
                self.con.execute("INSERT OR REPLACE INTO meta SELECT 'stories_revision', value FROM meta WHERE key = 'revision'")
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def _replace_stories(self, stories: pa.Table) -> None:
        """Replace the given stories' rows and index keys (inside the caller's transaction)."""
        if not stories.num_rows:
            return
        self.con.register("_batch_story_ids", stories.select(["story_id"]))
        try:
            for table in ("stories", "story_keys"):
                self.con.execute(f"DELETE FROM {table} WHERE story_id IN (SELECT story_id FROM _batch_story_ids)")
        finally:
            self.con.unregister("_batch_story_ids")
        self.con.register("_batch_stories", stories)
        try:
            self.con.execute("INSERT INTO stories BY NAME SELECT * FROM _batch_stories")
            self.con.execute(f"INSERT INTO story_keys {_story_keys_sql('_batch_stories')}")
        finally:
            self.con.unregister("_batch_stories")

    def next_story_seq(self) -> int:
        """The number of the next new story: after every stored one and every one taken apart."""
        return int(self.scalar(
            """SELECT greatest(coalesce(max(seq), 0) + 1,
                              coalesce((SELECT max(CAST(value AS INTEGER)) FROM meta WHERE key = 'next_story_seq'), 1))
               FROM stories"""
        ))  # fmt: skip

    def story_ids_of_events(self, event_ids: Sequence[str]) -> dict[str, str]:
        if not event_ids:
            return {}
        self.con.register("_eids", pa.table({"event_id": pa.array(list(event_ids), pa.string())}))
        try:
            return dict(self.query("SELECT m.event_id, m.story_id FROM story_mentions m JOIN _eids USING (event_id)"))
        finally:
            self.con.unregister("_eids")

    def write_stories(
        self, copies: pa.Table, assignments: pa.Table, stories: pa.Table, *, removed: Sequence[str] = (),
        complete: bool = True, after: Callable[[], None] | None = None,
    ) -> None:  # fmt: skip
        """Store copy checks, story assignments (new, or moved from another story) and the (re)built
        stories, and delete the ``removed`` stories (their ids are not given out again), all or
        nothing. ``complete``: the story stage is done (see stories_pending); ``after`` runs inside
        the transaction, after the writes."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            if removed:
                self.con.execute("INSERT OR REPLACE INTO meta VALUES ('next_story_seq', CAST(? AS VARCHAR))", [self.next_story_seq()])
                for table in ("stories", "story_keys"):
                    self.con.execute(f"DELETE FROM {table} WHERE list_contains(?, story_id)", [list(removed)])
            if assignments.num_rows:
                self.con.register("_batch_moved", assignments.select(["event_id"]))
                try:
                    self.con.execute("DELETE FROM story_mentions WHERE event_id IN (SELECT event_id FROM _batch_moved)")
                finally:
                    self.con.unregister("_batch_moved")
            self._replace_stories(stories)
            for name, table in (("article_copies", copies), ("story_mentions", assignments)):
                if table.num_rows:
                    self._insert(name, table)
            if after is not None:
                after()
            fault_point("stories-writing")
            self._bump_revision()
            if complete:  # the story stage is complete up to this revision (see stories_pending)
                self.con.execute("INSERT OR REPLACE INTO meta SELECT 'stories_revision', value FROM meta WHERE key = 'revision'")
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def stories_pending(self) -> bool:
        """Whether the story stage has work to do: articles stored (or stories reset) since it
        last completed, also by a run that was killed before it wrote its stories. One lookup;
        a store no story stage of this version has completed is checked table by table."""
        done = self.scalar("SELECT max(value) FROM meta WHERE key = 'stories_revision'")
        if done is not None:
            return int(done) != self.revision()
        return bool(self.scalar(
            """SELECT EXISTS (SELECT 1 FROM articles a LEFT JOIN article_copies c USING (article_id)
                              WHERE c.article_id IS NULL)
                   OR EXISTS (SELECT 1 FROM events e LEFT JOIN story_mentions m USING (event_id)
                              WHERE m.event_id IS NULL)
                   OR EXISTS (SELECT 1 FROM story_work)"""
        ))  # fmt: skip

    def reset_stories(self) -> None:
        """Forget every story and copy check (``sitroom stories --rebuild``)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            for table in ("stories", "story_mentions", "article_copies", "copy_bands", "story_keys", *_STORY_WORK_TABLES):
                self.con.execute(f"DELETE FROM {table}")
            # a rebuild numbers from 1 again
            self.con.execute("DELETE FROM meta WHERE key IN ('next_story_seq', 'copy_bands_pending')")
            self._bump_revision()
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def rows(self, sql: str, params: Sequence[object] = ()) -> list[dict]:
        """All rows of a query as dicts."""
        result = self.con.execute(sql, list(params))
        names = [d[0] for d in result.description]
        return [dict(zip(names, row)) for row in result.fetchall()]

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        """All rows of a query. Results are always drained: DuckDB refuses new
        work on a connection while a result is half read."""
        return self.con.execute(sql, list(params)).fetchall()

    def scalar(self, sql: str, params: Sequence[object] = ()) -> object:
        rows = self.query(sql, params)
        return rows[0][0] if rows else None


def _batch_tables(
    articles: Sequence[Article],
    sentences: Sequence[Sentence],
    events: Sequence[Event],
    counts: dict[str, tuple[int, int]],
    revisions: dict[str, int] | None = None,
    sids: Sequence[int] | None = None,
) -> dict[str, pa.Table]:
    """One batch as Arrow tables, in the order they are inserted; with ``sids``, the sentences'
    keys (each event gets its sentence's), else the tables have no such column."""
    now = datetime.now(timezone.utc)
    sid_of = None if sids is None else {(x.article_id, x.index): sid for x, sid in zip(sentences, sids)}
    tables = {
        "articles": pa.table(
            {
                "article_id": [a.article_id for a in articles],
                "source": [a.source for a in articles],
                "format": [a.fmt for a in articles],
                "title": [a.title for a in articles],
                "url": [a.url for a in articles],
                "outlet": [a.outlet for a in articles],
                "published": pa.array([a.published for a in articles], pa.date32()),
                "published_from": [a.published_from for a in articles],
                "raw_text": [a.raw_text for a in articles],
                "text": [a.text for a in articles],
                "content_hash": [a.content_hash for a in articles],
                "ingested_at": pa.array([now] * len(articles), pa.timestamp("us", tz="UTC")),
                "n_sentences": pa.array([counts.get(a.article_id, (0, 0))[0] for a in articles], pa.int32()),
                "n_events": pa.array([counts.get(a.article_id, (0, 0))[1] for a in articles], pa.int32()),
                "revision": pa.array([(revisions or {}).get(a.article_id, 1) for a in articles], pa.int32()),
            }
        ),
        "removals": pa.table(
            {
                "article_id": pa.array([a.article_id for a in articles for _ in a.removals], pa.string()),
                "line": pa.array([r.line for a in articles for r in a.removals], pa.int32()),
                "rule": pa.array([r.rule for a in articles for r in a.removals], pa.string()),
                "text": pa.array([r.text for a in articles for r in a.removals], pa.string()),
            }
        ),
        "sentences": pa.table(
            {
                "article_id": pa.array([s.article_id for s in sentences], pa.string()),
                "sentence_index": pa.array([s.index for s in sentences], pa.int32()),
                "start_char": pa.array([s.start for s in sentences], pa.int32()),
                "end_char": pa.array([s.end for s in sentences], pa.int32()),
                "text": pa.array([s.text for s in sentences], pa.string()),
            }
        ),
        "coded_events": _events_table(events),
        "actors": _actors_table(events),
    }
    if sid_of is not None:
        tables["sentences"] = tables["sentences"].append_column("sid", pa.array(list(sids or ()), pa.int64()))
        tables["coded_events"] = tables["coded_events"].append_column(
            "sid", pa.array([sid_of.get((e.article_id, e.sentence_index)) for e in events], pa.int64())
        )
    return tables


def _events_table(events: Sequence[Event]) -> pa.Table:
    return pa.table(
        {
            "event_id": pa.array([e.event_id for e in events], pa.string()),
            "article_id": pa.array([e.article_id for e in events], pa.string()),
            "sentence_index": pa.array([e.sentence_index for e in events], pa.int32()),
            "trigger": pa.array([e.trigger for e in events], pa.string()),
            "span_start": pa.array([e.span_start for e in events], pa.int32()),
            "span_end": pa.array([e.span_end for e in events], pa.int32()),
            "event_type": pa.array([e.event_type for e in events], pa.string()),
            "mode": pa.array([e.mode for e in events], pa.string()),
            "contexts": pa.array([list(e.contexts) for e in events], pa.list_(pa.string())),
            "cameo_code": pa.array([e.cameo_code for e in events], pa.string()),
            "quad_class": pa.array([e.quad_class for e in events], pa.int8()),
            "intensity": pa.array([e.intensity for e in events], pa.float64()),
            "actor": pa.array([[a.as_dict() for a in e.actor] for e in events], _ACTOR_TYPE),
            "recipient": pa.array([[a.as_dict() for a in e.recipient] for e in events], _ACTOR_TYPE),
            "modality": pa.array([e.modality for e in events], pa.string()),
            "modality_cues": pa.array([list(e.modality_cues) for e in events], pa.list_(pa.string())),
            "historical": pa.array([e.historical for e in events], pa.bool_()),
            "condition": pa.array([_as_dict(e.condition) for e in events], _CONDITION_TYPE),
            "consequence": pa.array([_as_dict(e.consequence) for e in events], _CONSEQUENCE_TYPE),
            "via": pa.array([[a.as_dict() for a in e.via] for e in events], _ACTOR_TYPE),
            "attribution": pa.array([_as_dict(e.attribution) for e in events], _ATTRIBUTION_TYPE),
            "event_date": pa.array([e.event_date for e in events], pa.date32()),
            "date_precision": pa.array([e.date_precision or None for e in events], pa.string()),
            "date_text": pa.array([e.date_text or None for e in events], pa.string()),
            "location": pa.array([_as_dict(e.location) for e in events], _LOCATION_TYPE),
            "dead": pa.array([e.dead for e in events], pa.int32()),
            "injured": pa.array([e.injured for e in events], pa.int32()),
            "counts": pa.array([[c.as_dict() for c in e.counts] for e in events], _COUNTS_TYPE),
            "cause_event": pa.array([e.cause_event for e in events], pa.string()),
            "cause_text": pa.array([e.cause_text or None for e in events], pa.string()),
            "confidence": pa.array([e.confidence for e in events], pa.float64()),
            "decided_by": pa.array([e.decided_by for e in events], pa.string()),
        }
    )


def _actors_table(events: Sequence[Event]) -> pa.Table:
    rows = [
        (e.event_id, role, pos, a)
        for e in events
        for role, refs in (("actor", e.actor), ("recipient", e.recipient), ("via", e.via))
        for pos, a in enumerate(refs)
    ]
    return pa.table(
        {
            "event_id": pa.array([r[0] for r in rows], pa.string()),
            "role": pa.array([r[1] for r in rows], pa.string()),
            "position": pa.array([r[2] for r in rows], pa.int32()),
            "text": pa.array([r[3].text for r in rows], pa.string()),
            "name": pa.array([r[3].name for r in rows], pa.string()),
            "country": pa.array([r[3].country for r in rows], pa.string()),
            "sector": pa.array([r[3].sector for r in rows], pa.string()),
        }
    )

"""What a store holds, in figures a reader can take in at a glance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .store import Store

__all__ = ["StoreSummary", "summarise"]


@dataclass(slots=True, frozen=True)
class StoreSummary:
    path: str
    articles: int
    sentences: int
    events: int
    outlets: list[tuple[str, int]]
    first_published: date | None
    last_published: date | None
    event_types: list[tuple[str, int]]
    actors: list[tuple[str, str, int]]  # name, country, events
    dyads: list[tuple[str, str, str, int]]  # actor country, recipient country, type, count
    removals: list[tuple[str, int]]
    problems: list[tuple[str, str, int]]  # code, a message, count: the failures recorded
    skipped: list[tuple[str, str, int]]  # the same for items skipped on purpose (a README in a folder)
    highlights: list[dict]


def summarise(store: Store, top: int = 8) -> StoreSummary:
    q = store.query
    counts = store.counts()
    first, last = q("SELECT min(published), max(published) FROM articles")[0]
    return StoreSummary(
        path=store.path,
        articles=counts["articles"],
        sentences=counts["sentences"],
        events=counts["events"],
        outlets=q("SELECT coalesce(outlet, '(unknown)'), count(*) FROM articles GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?", [top]),
        first_published=first,
        last_published=last,
        event_types=q("SELECT event_type, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC, 1"),
        actors=q(
            """SELECT name, country, count(DISTINCT event_id) FROM actors WHERE country <> ''
               GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT ?""",
            [top],
        ),
        dyads=q(
            """SELECT s.country, t.country, e.event_type, count(DISTINCT e.event_id) AS n
               FROM events e
               JOIN actors s ON s.event_id = e.event_id AND s.role = 'actor' AND s.country <> ''
               JOIN actors t ON t.event_id = e.event_id AND t.role = 'recipient' AND t.country <> ''
               GROUP BY 1, 2, 3 ORDER BY n DESC, 1, 2, 3 LIMIT ?""",
            [top],
        ),
        removals=q("SELECT rule, count(*) FROM removals GROUP BY 1 ORDER BY 2 DESC, 1"),
        problems=q(
            """SELECT code, min(message), count(*) FROM ingest_errors WHERE failure
               GROUP BY 1 ORDER BY 3 DESC, 1"""
        ),
        skipped=q(
            """SELECT code, min(message), count(*) FROM ingest_errors WHERE NOT failure
               GROUP BY 1 ORDER BY 3 DESC, 1"""
        ),
        highlights=[
            {
                "published": row[0], "story_id": row[1], "sentence": row[2], "event_type": row[3],
                "actor": [a["name"] for a in row[4]], "recipient": [r["name"] for r in row[5]],
                "reports": row[6], "outlets": row[7],
            }  # fmt: skip
            for row in q(
                """SELECT st.event_date, st.story_id,
                          (SELECT s.text FROM story_mentions m JOIN events e USING (event_id)
                           JOIN articles a ON a.article_id = e.article_id
                           JOIN sentences s ON s.article_id = e.article_id AND s.sentence_index = e.sentence_index
                           WHERE m.story_id = st.story_id
                           ORDER BY a.published NULLS LAST, e.article_id, e.sentence_index LIMIT 1),
                          st.event_type, st.actor, st.recipient, st.n_mentions, st.n_outlets
                   FROM stories st
                   WHERE len(st.actor) > 0 AND len(st.recipient) > 0 AND st.modality = 'asserted'
                     AND NOT list_has_any(st.actor_countries, st.recipient_countries)
                   ORDER BY st.quad_class DESC, st.n_independent DESC, abs(st.intensity) DESC, st.event_date, st.story_id
                   LIMIT ?""",
                [top],
            )
        ],
    )

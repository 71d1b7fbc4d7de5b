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
    problems: list[tuple[str, str, int]]  # code, message, count
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
            """SELECT code, any_value(message), count(*) FROM ingest_errors WHERE failure
               GROUP BY 1 ORDER BY 3 DESC, 1"""
        ),
        highlights=[
            {
                "published": row[0], "outlet": row[1], "sentence": row[2], "event_type": row[3],
                "actor": [a["name"] for a in row[4]], "recipient": [r["name"] for r in row[5]],
            }  # fmt: skip
            for row in q(
                """SELECT a.published, a.outlet, s.text, e.event_type, e.actor, e.recipient
                   FROM events e JOIN articles a USING (article_id)
                   JOIN sentences s ON s.article_id = e.article_id AND s.sentence_index = e.sentence_index
                   WHERE len(e.actor) > 0 AND len(e.recipient) > 0
                   ORDER BY e.quad_class DESC, abs(e.intensity) DESC, a.published, e.event_id LIMIT ?""",
                [top],
            )
        ],
    )

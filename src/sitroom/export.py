"""Writers of the public event schema (docs/schema.md): JSON Lines, CSV, Parquet."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, TextIO

from .output import write_rows

if TYPE_CHECKING:
    from .filters import EventFilter
    from .pipeline import CodedArticle
    from .store import Store

__all__ = ["FORMATS", "coded_rows", "write_csv", "write_jsonl", "write_parquet"]

FORMATS = ("table", "jsonl", "csv", "parquet")


def _limited(rows: Iterable[dict], limit: int | None) -> Iterator[dict]:
    for n, row in enumerate(rows):
        if limit is not None and n >= limit:
            return
        yield row


def write_jsonl(rows: Iterable[dict], out: TextIO, limit: int | None = None) -> int:
    return write_rows(_limited(rows, limit), "jsonl", stream=out)


def write_csv(rows: Iterable[dict], out: TextIO, limit: int | None = None, columns: Sequence[str] | None = None) -> int:
    """CSV with one column per public field (``columns``, default: the public event schema's);
    lists and actor lists as JSON text (output.py)."""
    if columns is None:
        from .store import PUBLIC_EVENT_COLUMNS

        columns = PUBLIC_EVENT_COLUMNS
    return write_rows(_limited(rows, limit), "csv", columns=columns, stream=out)


def write_parquet(store: Store, path: str, min_confidence: float | None = None, filters: EventFilter | None = None) -> int:
    """The public event table (only the events ``filters`` keeps) to a Parquet file; returns the number of rows."""
    return store.copy_public_events(path, "parquet", min_confidence, filters)


def coded_rows(coded: CodedArticle) -> list[dict]:
    """The events of an article coded in memory, as public-schema rows (the
    same keys, in the same order, as the store's export)."""
    article = coded.article
    sentences = {s.index: s.text for s in coded.sentences}
    rows = []
    for e in coded.events:
        row = {
            "event_id": e.event_id,
            "article_id": article.article_id,
            "outlet": article.outlet,
            "url": article.url,
            "published": article.published,
            "sentence_index": e.sentence_index,
            "sentence": sentences.get(e.sentence_index),
            "trigger": e.trigger,
            "span": [e.span_start, e.span_end],
            "event_type": e.event_type,
            "mode": e.mode,
            "contexts": list(e.contexts),
            "cameo_code": e.cameo_code,
            "quad_class": e.quad_class,
            "intensity": e.intensity,
            "actor": [a.as_dict() for a in e.actor],
            "recipient": [a.as_dict() for a in e.recipient],
            "modality": e.modality,
            "modality_cues": list(e.modality_cues),
            "historical": e.historical,
            "condition": e.condition.as_dict() if e.condition else None,
            "consequence": e.consequence.as_dict() if e.consequence else None,
            "via": [a.as_dict() for a in e.via],
            "attribution": e.attribution.as_dict() if e.attribution else None,
            "event_date": e.event_date,
            "date_precision": e.date_precision or None,
            "date_text": e.date_text or None,
            "location": e.location.as_dict() if e.location else None,
            "dead": e.dead,
            "injured": e.injured,
            "counts": [c.as_dict() for c in e.counts],
            "story_id": None,  # stories are made when events are stored
            "responds_to": None,
            "confidence": e.confidence,
            "decided_by": e.decided_by,
            "reviewed": False,  # reviews are of stored events
        }
        rows.append(row)
    return rows

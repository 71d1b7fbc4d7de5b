"""Coded batches as Parquet files ("shards"), the form in which Dask workers hand them back.

A batch is three Parquet files: ``articles`` (every field of each article, its removals
nested, and ``error``: why an article could not be coded, null when it was), ``sentences``
and ``events`` (the store's own columns, built by the store's record-to-Arrow converters).
Every row carries ``position``, the place of its article in the batch, since one batch can
hold two revisions of one article. ``read_shards`` gives back the very records that went in.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .records import (
    ActorRef, Article, Attribution, Condition, Consequence, Count, Event, IngestProblem, Location, Removal, Sentence,
)  # fmt: skip
from .store import _batch_tables

__all__ = ["SHARD_KINDS", "Shards", "read_shards", "shard_name", "shard_tables", "tables_records", "write_shards"]

SHARD_KINDS = ("articles", "sentences", "events")
E121 = "E121"  # an article whose coding raised

_REMOVALS_TYPE = pa.list_(pa.struct([("line", pa.int32()), ("rule", pa.string()), ("text", pa.string())]))
_ARTICLE_COLUMNS = (
    "article_id", "source", "format", "title", "url", "outlet", "published", "published_from", "raw_text", "text",
    "content_hash",
)  # fmt: skip


@dataclass(slots=True, frozen=True)
class Shards:
    """One coded batch: for each kind, the bytes of its Parquet file, or the path of the file
    a worker wrote to the shared shard folder."""

    seq: int
    articles: bytes | str
    sentences: bytes | str
    events: bytes | str


def shard_name(run_id: str, seq: int, kind: str) -> str:
    """``<run_id>-<batch:06d>-<kind>.parquet``."""
    return f"{run_id}-{seq:06d}-{kind}.parquet"


def shard_tables(articles: Sequence[Article], results: Sequence[object]) -> dict[str, pa.Table]:
    """A batch's articles and, for each, its coded article or its E121 problem, as the three tables."""
    from .pipeline import CodedArticle

    coded = [(n, r) for n, r in enumerate(results) if isinstance(r, CodedArticle)]
    sentences = [s for _, r in coded for s in r.sentences]
    events = [e for _, r in coded for e in r.events]
    tables = _batch_tables(articles, sentences, events, {})
    errors = [r.message if isinstance(r, IngestProblem) else None for r in results]
    removals = [[{"line": x.line, "rule": x.rule, "text": x.text} for x in a.removals] for a in articles]
    article_table = tables["articles"].select(list(_ARTICLE_COLUMNS))
    article_table = article_table.append_column("removals", pa.array(removals, _REMOVALS_TYPE))
    article_table = article_table.append_column("error", pa.array(errors, pa.string()))
    return {
        "articles": _positioned(article_table, range(len(articles))),
        "sentences": _positioned(tables["sentences"], [n for n, r in coded for _ in r.sentences]),
        "events": _positioned(tables["coded_events"], [n for n, r in coded for _ in r.events]),
    }


def tables_records(tables: dict[str, pa.Table]) -> tuple[tuple[Article, ...], tuple[object, ...]]:
    """The inverse of ``shard_tables``: the batch's articles, and for each its coded article or its problem."""
    from .pipeline import CodedArticle

    rows = tables["articles"].sort_by("position").to_pylist()
    articles = tuple(_article(r) for r in rows)
    sentences: dict[int, list[Sentence]] = {}
    for r in tables["sentences"].to_pylist():
        sentences.setdefault(r["position"], []).append(
            Sentence(r["article_id"], r["sentence_index"], r["start_char"], r["end_char"], r["text"])
        )
    events: dict[int, list[Event]] = {}
    for r in tables["events"].to_pylist():
        events.setdefault(r["position"], []).append(_event(r))
    results: list[object] = []
    for row, article in zip(rows, articles):
        n = row["position"]
        if row["error"] is not None:
            results.append(IngestProblem(article.source, E121, row["error"]))
        else:
            results.append(CodedArticle(article, tuple(sentences.get(n, ())), tuple(events.get(n, ()))))
    return articles, tuple(results)


def write_shards(
    seq: int, articles: Sequence[Article], results: Sequence[object], *, directory: str | Path | None = None, run_id: str = ""
) -> Shards:
    """A coded batch as Parquet: returned as bytes, or written to ``directory`` (each file complete
    before it gets its name, so a batch done again replaces its files whole) and returned as paths."""
    parts: dict[str, bytes | str] = {}
    for kind, table in shard_tables(articles, results).items():
        buf = io.BytesIO()
        pq.write_table(table, buf)
        if directory is None:
            parts[kind] = buf.getvalue()
            continue
        path = Path(directory) / shard_name(run_id, seq, kind)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        partial.write_bytes(buf.getvalue())
        os.replace(partial, path)
        parts[kind] = str(path)
    return Shards(seq, parts["articles"], parts["sentences"], parts["events"])


def read_shards(shards: Shards) -> tuple[tuple[Article, ...], tuple[object, ...]]:
    """The records of a coded batch, from its Parquet bytes or files."""
    tables = {}
    for kind in SHARD_KINDS:
        part = getattr(shards, kind)
        tables[kind] = pq.read_table(pa.BufferReader(part) if isinstance(part, bytes) else part)
    return tables_records(tables)


def _positioned(table: pa.Table, positions: Sequence[int] | range) -> pa.Table:
    return table.append_column("position", pa.array(list(positions), pa.int32()))


def _refs(rows: list[dict] | None) -> tuple[ActorRef, ...]:
    return tuple(ActorRef(r["text"], r["name"], r["country"], r["sector"]) for r in rows or ())


def _article(r: dict) -> Article:
    return Article(
        article_id=r["article_id"], source=r["source"], fmt=r["format"], title=r["title"], url=r["url"],
        outlet=r["outlet"], published=r["published"], published_from=r["published_from"], raw_text=r["raw_text"],
        text=r["text"], content_hash=r["content_hash"],
        removals=tuple(Removal(x["line"], x["rule"], x["text"]) for x in r["removals"] or ()),
    )  # fmt: skip


def _event(r: dict) -> Event:
    c, q, a, loc = r["condition"], r["consequence"], r["attribution"], r["location"]
    return Event(
        event_id=r["event_id"], article_id=r["article_id"], sentence_index=r["sentence_index"], trigger=r["trigger"],
        span_start=r["span_start"], span_end=r["span_end"], event_type=r["event_type"], mode=r["mode"],
        contexts=tuple(r["contexts"] or ()), cameo_code=r["cameo_code"], quad_class=r["quad_class"],
        intensity=r["intensity"], actor=_refs(r["actor"]), recipient=_refs(r["recipient"]), modality=r["modality"],
        modality_cues=tuple(r["modality_cues"] or ()), historical=r["historical"],
        condition=None if c is None else Condition(c["text"], _refs(c["actor"]), c["event_type"]),
        consequence=None if q is None else Consequence(q["event_type"], q["cameo_code"], q["trigger"], _refs(q["recipient"])),
        via=_refs(r["via"]),
        attribution=None if a is None else Attribution(
            a["text"], a["country"], a["sector"], a["anonymous"], a["count"], a["medium"]
        ),
        event_date=r["event_date"], date_precision=r["date_precision"] or "", date_text=r["date_text"] or "",
        location=None if loc is None else Location(loc["name"], loc["country"], loc["latitude"], loc["longitude"]),
        dead=r["dead"], injured=r["injured"], counts=tuple(Count(x["n"], x["unit"], x["qualifier"]) for x in r["counts"] or ()),
        cause_event=r["cause_event"], cause_text=r["cause_text"] or "", confidence=r["confidence"],
        decided_by=r["decided_by"],
    )  # fmt: skip

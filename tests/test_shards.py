"""Parquet shards (what Dask workers hand back) give back the very records that went in: every
field of Article, Sentence and Event, nested actors, places, conditions, removals and confidence
included, and the E121 problem of an article that could not be coded."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitroom.pipeline import CodedArticle
from sitroom.records import (
    DATE_PRECISIONS, MODALITIES, ActorRef, Article, Attribution, Condition, Consequence, Count, Event, IngestProblem,
    Location, Removal, Sentence,
)  # fmt: skip
from sitroom.shards import read_shards, shard_name, write_shards

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)  # no lone surrogates: not UTF-8
maybe_text = st.none() | text
int32 = st.integers(-(2**31), 2**31 - 1)
number = st.floats(allow_nan=False, width=64)
day = st.dates(date(1900, 1, 1), date(2100, 12, 31))
refs = st.lists(st.builds(ActorRef, text, text, text, text), max_size=3).map(tuple)

events = st.builds(
    Event,
    event_id=text, article_id=text, sentence_index=int32, trigger=text, span_start=int32, span_end=int32,
    event_type=text, mode=maybe_text, contexts=st.lists(text, max_size=3).map(tuple), cameo_code=text,
    quad_class=st.integers(-128, 127), intensity=number, actor=refs, recipient=refs,
    modality=st.sampled_from(MODALITIES), modality_cues=st.lists(text, max_size=3).map(tuple), historical=st.booleans(),
    condition=st.none() | st.builds(Condition, text, refs, maybe_text),
    consequence=st.none() | st.builds(Consequence, text, text, text, refs),
    via=refs,
    attribution=st.none() | st.builds(Attribution, text, text, text, st.booleans(), st.none() | int32, text),
    event_date=st.none() | day, date_precision=st.sampled_from(("",) + DATE_PRECISIONS), date_text=text,
    location=st.none() | st.builds(Location, text, text, st.none() | number, st.none() | number),
    dead=st.none() | int32, injured=st.none() | int32,
    counts=st.lists(st.builds(Count, st.integers(-(2**63), 2**63 - 1), text, text), max_size=3).map(tuple),
    cause_event=maybe_text, cause_text=text, confidence=st.none() | number, decided_by=text,
)  # fmt: skip
articles = st.builds(
    Article,
    article_id=text, source=text, fmt=text, title=maybe_text, url=maybe_text, outlet=maybe_text,
    published=st.none() | day, published_from=maybe_text, raw_text=text, text=text, content_hash=text,
    removals=st.lists(st.builds(Removal, int32, text, text), max_size=3).map(tuple),
)  # fmt: skip
sentences = st.builds(Sentence, text, int32, int32, int32, text)


@st.composite
def coded_batches(draw):
    batch = draw(st.lists(articles, min_size=1, max_size=4))
    results = []
    for article in batch:
        if draw(st.integers(0, 4)) == 0:
            results.append(IngestProblem(article.source, "E121", draw(text)))
        else:
            results.append(
                CodedArticle(article, tuple(draw(st.lists(sentences, max_size=3))), tuple(draw(st.lists(events, max_size=3))))
            )
    return batch, results


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(coded_batches())
def test_shards_give_back_every_field_of_every_record(batch):
    articles, results = batch
    back_articles, back_results = read_shards(write_shards(0, articles, results))
    assert back_articles == tuple(articles)
    assert back_results == tuple(results)


def test_a_record_with_every_field_set_survives_and_so_do_two_revisions_of_one_article(tmp_path):
    actor = ActorRef("Iran's army", "Iran Army", "IRN", "MIL")
    event = Event(
        "ev1", "a", 2, "struck", 10, 16, "ASSAULT", "aerial", ("military",), "195", 4, -10.0, (actor,),
        (ActorRef("Israel", "Israel", "ISR"),), "conditional", ("if",), True, Condition("if Israel strikes", (actor,), "ASSAULT"),
        Consequence("ASSAULT", "195", "strike", (actor,)), (ActorRef("Swiss", "Switzerland", "CHE", "GOV"),),
        Attribution("two officials", "IRN", "GOV", True, 2, "state TV"), date(2024, 4, 13), "day", "on Saturday",
        Location("Isfahan", "IRN", 32.65, 51.67), 3, 7, (Count(40, "rockets", "more than"),), "ev0", "the Oct. 1 barrage",
        0.875, "both",
    )  # fmt: skip
    for f in dataclasses.fields(Event):  # the instance above sets every field away from its default
        if f.default is not dataclasses.MISSING:
            assert getattr(event, f.name) != f.default, f.name
    first = Article("a", "f.jsonl#line 1", "jsonl", "T", "https://x", "Wire", date(2024, 4, 13), "metadata", "raw", "text",
                    "h1", (Removal(3, "photo", "Photo: AFP"),))  # fmt: skip
    second = dataclasses.replace(first, source="f.jsonl#line 2", text="text, updated", content_hash="h2", removals=())
    results = [
        CodedArticle(first, (Sentence("a", 0, 0, 4, "text"),), (event,)),
        CodedArticle(second, (Sentence("a", 0, 0, 13, "text, updated"),), ()),
    ]

    shards = write_shards(7, [first, second], results, directory=tmp_path, run_id="run1")

    assert sorted(p.name for p in tmp_path.iterdir()) == [
        shard_name("run1", 7, kind) for kind in ("articles", "events", "sentences")
    ] == ["run1-000007-articles.parquet", "run1-000007-events.parquet", "run1-000007-sentences.parquet"]
    assert Path(shards.events).parent == tmp_path and shards.seq == 7
    assert read_shards(shards) == ((first, second), tuple(results))

"""The orchestrator's own rules: limits, metadata precedence, what is stored."""

from __future__ import annotations

import json
from datetime import date

from sitroom.nlp import MAX_CHARS
from sitroom.pipeline import IngestOptions
from sitroom.records import RawItem
from sitroom.store import Store


def test_overlong_article_is_refused_and_the_batch_goes_on(mini_pipeline, tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "huge.txt").write_text("Israel attacked Iran " * (MAX_CHARS // 20 + 10), encoding="utf-8")
    (corpus / "ok.txt").write_text("Israel attacked Iran.\n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        report = mini_pipeline.ingest([corpus], store)
        assert store.query("SELECT article_id FROM articles") == [("ok",)]
        assert store.query("SELECT source, code FROM ingest_errors") == [(str(corpus / "huge.txt"), "E105")]
    assert report.failed == 1 and report.articles == 1


def test_article_with_nothing_but_dirt_is_e103(mini_pipeline):
    item = RawItem(source="x.txt", fmt="txt", text="[Advertisement]\n\nSign up for our newsletter today\n", article_id="x")
    problem = mini_pipeline.prepare(item)
    assert problem.code == "E103" and "scraper dirt" in problem.message


def test_publication_date_precedence(mini_pipeline):
    text = "Tuesday, April 2, 2024\n\nIsrael attacked Iran."
    own = RawItem(source="a", fmt="jsonl", text=text, article_id="a", published=date(2024, 4, 3))
    bare = RawItem(source="b", fmt="txt", text=text, article_id="b")
    option = IngestOptions(published=date(2024, 4, 9))
    assert (mini_pipeline.prepare(own, option).published, mini_pipeline.prepare(own, option).published_from) == (
        date(2024, 4, 3), "metadata")
    assert mini_pipeline.prepare(bare, option).published_from == "option"
    stated = mini_pipeline.prepare(bare)
    assert (stated.published, stated.published_from) == (date(2024, 4, 2), "text")


def test_outlet_precedence(mini_pipeline):
    text = "TEHRAN, April 2 (Gulf Ledger) - Iran warned Israel."
    bare = RawItem(source="b", fmt="txt", text=text, article_id="b")
    assert mini_pipeline.prepare(bare).outlet == "Gulf Ledger"
    assert mini_pipeline.prepare(bare, IngestOptions(outlet="Desk")).outlet == "Desk"
    own = RawItem(source="a", fmt="jsonl", text=text, article_id="a", outlet="Wire One")
    assert mini_pipeline.prepare(own, IngestOptions(outlet="Desk")).outlet == "Wire One"


def test_raw_text_and_removals_are_kept(mini_pipeline, tmp_path):
    path = tmp_path / "a.jsonl"
    text = "Israel attacked Iran.\n\n[Advertisement]\n\nREAD MORE: Oil prices jump"
    path.write_text(json.dumps({"id": "a1", "title": "T", "text": text}) + "\n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        mini_pipeline.ingest([path], store)
        raw, clean = store.query("SELECT raw_text, text FROM articles")[0]
        removals = store.query("SELECT line, rule, text FROM removals ORDER BY line")
    assert raw == "T\n\n" + text
    assert clean == "Israel attacked Iran."
    assert removals == [(3, "ad_marker", "[Advertisement]"), (5, "read_more", "READ MORE: Oil prices jump")]


def test_in_memory_rows_have_the_public_schema_of_the_store(mini_pipeline, tmp_path):
    from sitroom.export import coded_rows

    coded = mini_pipeline.code_text("Israel attacked Iran.", published=date(2024, 4, 2))
    (row,) = coded_rows(coded)
    with Store(tmp_path / "s.duckdb") as store:
        store.write_batch([coded.article], coded.sentences, coded.events)
        (stored,) = list(store.iter_public_events())
    assert list(row) == list(stored)
    assert row == stored

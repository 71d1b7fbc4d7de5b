"""The DuckDB store: schema and migrations, idempotent ingest (revisions: test_revisions.py), the
events/actors tables, all-or-nothing batches and the public event schema."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

import sitroom.store as store_module
from sitroom.errors import StoreError
from sitroom.pipeline import IngestOptions
from sitroom.records import RawItem
from sitroom.store import PUBLIC_EVENT_COLUMNS, SCHEMA_VERSION, Store

TABLES = {"meta", "articles", "sentences", "events", "actors", "ingest_errors", "removals"}

ARTICLES = [
    {"id": "a1", "text": "Israel struck Iran on Tuesday.", "published": "2024-04-02", "outlet": "Wire"},
    {
        "id": "a2",
        "text": "The United States and France urged Iran and Syria to show restraint.\nAdvertisement\n"
        "Iranian officials condemned the Israeli strike on Damascus.",
        "published": "2024-04-03",
        "url": "https://example.org/a2",
    },
    {"id": "a3", "text": "Blinken met his Egyptian counterpart in Cairo.", "published": "2024-04-01"},
    {"id": "a4", "text": "The weather was mild and nothing happened."},
]


def write_corpus(folder: Path, records=ARTICLES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "batch.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (folder / "note.txt").write_text("Qatar hosted talks\n\nEgypt urged Israel to halt the strikes on Tuesday.\n")
    return folder


def table_names(store: Store) -> set[str]:
    return {r[0] for r in store.query("SELECT table_name FROM information_schema.tables")}


def data_counts(store: Store) -> dict[str, int]:
    c = store.counts()
    return {k: c[k] for k in ("articles", "sentences", "events", "actors", "removals")}


# --- schema ----------------------------------------------------------------------------------


def test_new_store_has_schema_version_and_all_tables(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert TABLES <= table_names(store)
        assert store.query("SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
        assert store.counts() == {t: 0 for t in ("articles", "sentences", "events", "actors", "removals", "ingest_errors")}


def test_reopening_does_not_remigrate(tmp_path, monkeypatch, mini_pipeline):
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        mini_pipeline.ingest([write_corpus(tmp_path / "c")], store)
        before = data_counts(store)
    assert before["articles"] == 5
    # Any migration statement run on reopening would now fail loudly.
    monkeypatch.setattr(store_module, "_MIGRATIONS", [(SCHEMA_VERSION, ["SELECT error('re-migrated')"])])
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert data_counts(store) == before
    with Store(path, read_only=True) as store:
        assert data_counts(store) == before


def test_store_with_newer_schema_is_refused(tmp_path):
    path = tmp_path / "s.duckdb"
    with Store(path):
        pass
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)])
    con.close()
    for read_only in (False, True):
        with pytest.raises(StoreError, match="newer"):
            Store(path, read_only=read_only)


def test_missing_store_read_only_names_path(tmp_path):
    path = tmp_path / "nowhere" / "missing.duckdb"
    with pytest.raises(StoreError) as info:
        Store(path, read_only=True)
    assert str(path) in str(info.value)
    assert not path.exists()


def test_default_path_from_env_then_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SITROOM_DB", raising=False)
    with Store() as store:
        assert Path(store.path).resolve() == (tmp_path / "sitroom.duckdb").resolve()
    monkeypatch.setenv("SITROOM_DB", str(tmp_path / "env.duckdb"))
    with Store() as store:
        assert store.path == str(tmp_path / "env.duckdb")
    assert (tmp_path / "env.duckdb").exists()


# --- ingest through the store ----------------------------------------------------------------------


def test_ingest_stores_articles_sentences_events(tmp_path, mini_pipeline):
    with Store(tmp_path / "s.duckdb") as store:
        report = mini_pipeline.ingest([write_corpus(tmp_path / "c")], store)
        assert report.failed == 0
        assert report.articles == 5
        counts = store.counts()
        assert counts["articles"] == 5
        assert counts["sentences"] == report.sentences > 0
        assert counts["events"] == report.events >= 5
        assert counts["removals"] >= 1
        [(text, raw, published)] = store.query("SELECT text, raw_text, published FROM articles WHERE article_id = 'a2'")
        assert "Advertisement" in raw and "Advertisement" not in text
        assert published == date(2024, 4, 3)
        # Per-article counts agree with the child tables.
        rows = store.query(
            """SELECT a.article_id, a.n_sentences, a.n_events,
                      (SELECT count(*) FROM sentences s WHERE s.article_id = a.article_id),
                      (SELECT count(*) FROM events e WHERE e.article_id = a.article_id)
               FROM articles a"""
        )
        for article_id, n_sent, n_ev, real_sent, real_ev in rows:
            assert (n_sent, n_ev) == (real_sent, real_ev), article_id


def test_ingesting_same_corpus_twice_adds_nothing(tmp_path, mini_pipeline):
    corpus = write_corpus(tmp_path / "c")
    options = IngestOptions(write_every=2)
    with Store(tmp_path / "s.duckdb") as store:
        first = mini_pipeline.ingest([corpus], store, options)
        after_first = data_counts(store)
        errors_first = store.counts()["ingest_errors"]
        second = mini_pipeline.ingest([corpus], store, options)
        assert data_counts(store) == after_first
        assert store.counts()["ingest_errors"] == errors_first
    assert first.articles == 5 and first.unchanged == 0
    assert second.articles == 0
    assert second.unchanged == 5
    assert second.events == 0 and second.sentences == 0
    assert second.failed == 0


def test_ingest_into_reopened_store(tmp_path, mini_pipeline):
    # What 'sitroom ingest' does on its second run: open the existing store, then ingest.
    path = tmp_path / "s.duckdb"
    first = write_corpus(tmp_path / "c1")
    second = tmp_path / "c2"
    second.mkdir()
    (second / "more.txt").write_text("Iran condemned Israel.\n")
    with Store(path) as store:
        mini_pipeline.ingest([first], store)
    with Store(path) as store:
        report = mini_pipeline.ingest([first, second], store)
        assert report.unchanged == 5 and report.articles == 1 and report.failed == 0
        assert store.counts()["articles"] == 6


def test_problems_are_stored_with_run_id(tmp_path, mini_pipeline):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "bad.txt").write_bytes(b"\x00\x01binary")
    (corpus / "README.md").write_text("hi")
    (corpus / "good.txt").write_text("Israel struck Iran.")
    with Store(tmp_path / "s.duckdb") as store:
        report = mini_pipeline.ingest([corpus], store)
        rows = store.query("SELECT run_id, source, code, failure FROM ingest_errors ORDER BY source")
    assert rows == [
        (report.run_id, str(corpus / "README.md"), "E111", False),
        (report.run_id, str(corpus / "bad.txt"), "E102", True),
    ]
    assert report.failed == 1 and report.skipped_files == 1 and report.articles == 1


# --- events and actors ------------------------------------------------------------------------------


def test_events_and_actors_rows_consistent(tmp_path, mini_pipeline):
    with Store(tmp_path / "s.duckdb") as store:
        mini_pipeline.ingest([write_corpus(tmp_path / "c")], store)
        events = store.query("SELECT event_id, actor, recipient FROM events ORDER BY event_id")
        actor_rows = store.query(
            "SELECT event_id, role, position, text, name, country, sector FROM actors ORDER BY event_id, role, position"
        )
        orphans = store.query("SELECT count(*) FROM actors WHERE event_id NOT IN (SELECT event_id FROM events)")
    assert orphans == [(0,)]
    assert any(len(a) > 1 for _, a, _ in events)  # "The United States and France urged ..."
    expected = []
    for event_id, actor, recipient in events:
        for role, refs in (("actor", actor), ("recipient", recipient)):
            for pos, ref in enumerate(refs):
                expected.append((event_id, role, pos, ref["text"], ref["name"], ref["country"], ref["sector"]))
    assert sorted(actor_rows) == sorted(expected)
    countries = {(r[1], r[5]) for r in actor_rows}
    assert {("actor", "USA"), ("actor", "FRA"), ("recipient", "IRN"), ("recipient", "SYR")} <= countries


def test_event_ids_unique_and_spans_inside_text(tmp_path, mini_pipeline):
    with Store(tmp_path / "s.duckdb") as store:
        mini_pipeline.ingest([write_corpus(tmp_path / "c")], store)
        rows = store.query(
            "SELECT e.event_id, e.trigger, e.span_start, e.span_end, a.text FROM events e JOIN articles a USING (article_id)"
        )
    assert len({r[0] for r in rows}) == len(rows)
    for _, trigger, start, end, text in rows:
        assert text[start:end] in trigger.split()  # the trigger word, in the cleaned text


def test_event_ids_stable_across_runs(tmp_path, mini_pipeline):
    corpus = write_corpus(tmp_path / "c")
    ids = []
    for name in ("one.duckdb", "two.duckdb"):
        with Store(tmp_path / name) as store:
            mini_pipeline.ingest([corpus], store)
            ids.append(store.query("SELECT event_id, event_type FROM events ORDER BY event_id"))
    assert ids[0] and ids[0] == ids[1]


# --- all or nothing ---------------------------------------------------------------------------------


def coded(mini_pipeline, article_id: str, text: str):
    article = mini_pipeline.prepare(RawItem(source=f"<{article_id}>", fmt="text", text=text, article_id=article_id))
    return mini_pipeline.code_article(article)


def write(store: Store, batch) -> dict[str, str]:
    return store.write_batch(
        [c.article for c in batch],
        [s for c in batch for s in c.sentences],
        [e for c in batch for e in c.events],
        {c.article.article_id: (len(c.sentences), len(c.events)) for c in batch},
    )


class FailingConnection:
    """Delegates to a DuckDB connection but fails the insert into one table."""

    def __init__(self, con, table: str) -> None:
        self._con = con
        self._table = table

    def execute(self, sql, *args):
        if sql.startswith(f"INSERT INTO {self._table} "):
            raise duckdb.IOException("disk full (simulated)")
        return self._con.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._con, name)


@pytest.mark.parametrize("failing_table", ["removals", "coded_events", "actors"])
def test_write_batch_is_all_or_nothing(tmp_path, mini_pipeline, failing_table):
    batch = [
        coded(mini_pipeline, "b1", "Israel struck Iran.\nAdvertisement\nIran condemned Israel."),
        coded(mini_pipeline, "b2", "The United States and France urged Iran to show restraint."),
    ]
    assert all(c.events for c in batch)
    with Store(tmp_path / "s.duckdb") as store:
        real = store.con
        store.con = FailingConnection(real, failing_table)
        with pytest.raises(duckdb.Error):
            write(store, batch)
        store.con = real
        assert data_counts(store) == {k: 0 for k in ("articles", "sentences", "events", "actors", "removals")}
        # The store is still usable and the same batch goes in whole afterwards.
        write(store, batch)
        counts = data_counts(store)
    assert counts["articles"] == 2 and counts["events"] >= 3 and counts["removals"] == 1


def test_write_batch_constraint_violation_leaves_nothing(tmp_path, mini_pipeline):
    good = coded(mini_pipeline, "g1", "Iran condemned Israel.")
    clash = coded(mini_pipeline, "g2", "Israel struck Iran.")
    with Store(tmp_path / "s.duckdb") as store:
        write(store, [good])
        before = data_counts(store)
        # g2 is new, but the batch holds it twice: the article insert violates the primary key.
        with pytest.raises(duckdb.Error):
            write(store, [clash, clash])
        assert data_counts(store) == before
        assert store.query("SELECT count(*) FROM articles WHERE article_id = 'g2'") == [(0,)]


def test_write_batch_leaves_out_articles_another_writer_stored_meanwhile(tmp_path, mini_pipeline):
    """Two processes may check the same article as new and both write it: the second stores
    the rest of its batch and says which articles were already there, with their stored hash."""
    good = coded(mini_pipeline, "g1", "Iran condemned Israel.")
    other = coded(mini_pipeline, "g2", "Israel struck Iran.")
    with Store(tmp_path / "s.duckdb") as store:
        assert write(store, [good]) == {}
        once = data_counts(store)
        assert write(store, [other, good]) == {"g1": good.article.content_hash}
        twice = data_counts(store)
    assert twice["articles"] == 2
    assert twice["events"] == once["events"] + len(other.events)  # g1's events are not stored again


# --- public events -----------------------------------------------------------------------------------


def test_iter_public_events_keys_in_schema_order(tmp_path, mini_pipeline):
    with Store(tmp_path / "s.duckdb") as store:
        mini_pipeline.ingest([write_corpus(tmp_path / "c")], store)
        n_events = store.counts()["events"]
        rows = list(store.iter_public_events(batch_rows=2))  # several batches
    assert len(rows) == n_events > 0
    for row in rows:
        assert tuple(row) == PUBLIC_EVENT_COLUMNS
        assert row["trigger"] in row["sentence"]
        assert isinstance(row["span"], list) and len(row["span"]) == 2 and row["span"][0] < row["span"][1]
        assert all(set(a) == {"text", "name", "country", "sector"} for a in row["actor"] + row["recipient"])
    strike = next(r for r in rows if r["article_id"] == "a1")
    assert strike["event_type"] == "ASSAULT"
    assert strike["published"] == date(2024, 4, 2)
    assert strike["outlet"] == "Wire"
    assert [a["country"] for a in strike["actor"]] == ["ISR"]
    assert [a["country"] for a in strike["recipient"]] == ["IRN"]
    # Ordered by publication date, undated last.
    dates = [r["published"] for r in rows]
    dated = [d for d in dates if d is not None]
    assert dated == sorted(dated)
    assert dates[: len(dated)] == dated


def test_schema_4_indexes_the_point_lookups_of_the_api(tmp_path):
    """Opening a store gives the article indexes the HTTP API's point lookups rely on."""
    with Store(tmp_path / "s.duckdb") as store:
        names = {r[0] for r in store.query("SELECT index_name FROM duckdb_indexes()")}
    assert {"events_article", "sentences_article"} <= names


def test_every_write_raises_the_revision(tmp_path):
    from sitroom.records import Article

    with Store(tmp_path / "s.duckdb") as store:
        assert store.revision() == 0
        art = Article(article_id="a", source="a.txt", fmt="txt", title=None, url=None, outlet=None, published=None,
                      published_from=None, raw_text="x", text="x", content_hash="h", removals=())  # fmt: skip
        store.write_batch([art], [], [])
        assert store.revision() == 1
        store.reset_stories()
        assert store.revision() == 2
        reader = store.fork()
        assert reader.revision() == 2 and reader.scalar("SELECT count(*) FROM articles") == 1
        reader.close()

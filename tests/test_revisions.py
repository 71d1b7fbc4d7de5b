"""Article revisions: a stored article whose text changed is stored again as its
next revision; its new events replace the old ones everywhere events count
(stories, the threat ledger, exports), and the earlier text stays readable."""

from __future__ import annotations

import json

import duckdb
import pytest
from typer.testing import CliRunner

import sitroom.pipeline
from sitroom.cli import app
from sitroom.pipeline import IngestOptions
from sitroom.store import _MIGRATIONS, SCHEMA_VERSION, Store
from sitroom.stories import update_stories
from sitroom.stories.ledger import threat_ledger
from test_watch import STORIES, Clock, Route, no_proxy, rss, server, written_earlier  # noqa: F401 - fixtures

runner = CliRunner()
OLD = "Israel struck Iran."
NEW = "Iran condemned Israel."


def jsonl(folder, name: str, *records: dict):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return folder


def article(article_id: str, text: str, published: str = "2024-04-02", outlet: str = "Gulf Wire") -> dict:
    return {"id": article_id, "text": text, "published": published, "outlet": outlet}


def event_types(store: Store, article_id: str) -> list[str]:
    return [r[0] for r in store.query("SELECT event_type FROM events WHERE article_id = ? ORDER BY span_start", [article_id])]


# --- the store ---------------------------------------------------------------------------------------


def test_changed_text_under_a_stored_id_becomes_revision_2_not_e110(tmp_path, mini_pipeline):
    """Formerly refused as E110 (same id, different content) and the new text dropped."""
    first = jsonl(tmp_path / "one", "x.jsonl", {"id": "dup", "text": OLD})
    second = jsonl(tmp_path / "two", "x.jsonl", {"id": "dup", "text": NEW})
    with Store(tmp_path / "s.duckdb") as store:
        mini_pipeline.ingest([first], store)
        report = mini_pipeline.ingest([second], store)
        assert report.problems == [] and report.failed == 0
        assert (report.articles, report.revised, report.unchanged) == (1, 1, 0)
        assert store.query("SELECT text, revision FROM articles WHERE article_id = 'dup'") == [(NEW, 2)]
        assert event_types(store, "dup") == ["ACCUSE"]  # the old revision's ASSAULT is gone
        assert store.scalar("SELECT count(*) FROM actors WHERE event_id NOT IN (SELECT event_id FROM events)") == 0
        assert store.query("SELECT count(*) FROM sentences WHERE article_id = 'dup'") == [(1,)]
        assert store.query("SELECT revision, text, n_events FROM article_revisions") == [(1, OLD, 1)]
        assert store.query("SELECT count(*) FROM ingest_errors") == [(0,)]
        assert [e["event_type"] for e in store.iter_public_events()] == ["ACCUSE"]


def test_an_old_revisions_content_again_is_already_stored_and_does_not_flip_back(tmp_path, mini_pipeline):
    one = jsonl(tmp_path / "one", "x.jsonl", {"id": "dup", "text": OLD})
    two = jsonl(tmp_path / "two", "x.jsonl", {"id": "dup", "text": NEW})
    with Store(tmp_path / "s.duckdb") as store:
        mini_pipeline.ingest([one], store)
        mini_pipeline.ingest([two], store)
        for folder in (two, one):  # the latest content, then the earlier one
            report = mini_pipeline.ingest([folder], store)
            assert (report.articles, report.unchanged, report.failed) == (0, 1, 0)
        assert store.query("SELECT text, revision FROM articles") == [(NEW, 2)]
        assert [r["revision"] for r in store.article_revisions("dup")] == [1, 2]


def test_new_text_within_one_run_is_stored_as_revisions_in_order(tmp_path, mini_pipeline):
    """Formerly the second line was refused as E110."""
    corpus = jsonl(tmp_path / "c", "x.jsonl", {"id": "dup", "text": OLD}, {"id": "dup", "text": NEW}, {"id": "dup", "text": OLD})
    with Store(tmp_path / "s.duckdb") as store:
        report = mini_pipeline.ingest([corpus], store)
        assert report.problems == []
        assert (report.articles, report.revised, report.unchanged) == (2, 1, 1)
        assert store.query("SELECT text, revision FROM articles") == [(NEW, 2)]
        assert event_types(store, "dup") == ["ACCUSE"]
        assert store.query("SELECT revision, text FROM article_revisions") == [(1, OLD)]


def test_a_revision_whose_event_keeps_its_id_replaces_it(tmp_path, mini_pipeline):
    # the same trigger at the same place in both texts: the event id is the same
    one = jsonl(tmp_path / "one", "x.jsonl", {"id": "t", "text": "Iran threatened Israel."})
    two = jsonl(tmp_path / "two", "x.jsonl", {"id": "t", "text": "Iran threatened to strike Israel."})
    with Store(tmp_path / "s.duckdb") as store:
        mini_pipeline.ingest([one], store)
        (before,) = store.query("SELECT event_id FROM events")
        report = mini_pipeline.ingest([two], store)
        assert report.problems == [] and report.revised == 1
        assert store.query("SELECT event_id FROM events") == [before]
        assert store.scalar("SELECT count(*) FROM actors") == store.scalar("SELECT count(*) FROM actors a JOIN events USING (event_id)")


# --- stories and the ledger ----------------------------------------------------------------------------


def test_old_events_leave_their_stories_and_the_ledger_and_new_ones_join_stories(tmp_path, mini_pipeline):
    corpus = jsonl(
        tmp_path / "one", "x.jsonl",
        article("a", "Iran threatened Israel."), article("b", OLD, outlet="Other Wire"), article("c", OLD, outlet="Third"),
    )  # fmt: skip
    with Store(tmp_path / "s.duckdb") as store:
        mini_pipeline.ingest([corpus], store)
        update_stories(store)
        (old_threat,) = store.query("SELECT event_id FROM events WHERE article_id = 'a'")[0]
        assert len(threat_ledger(store)) == 1
        (assault_story,) = store.query("SELECT story_id FROM stories WHERE event_type = 'ASSAULT'")[0]
        # "a" is updated: it now reports the strike too, and the threat is gone from it
        mini_pipeline.ingest([jsonl(tmp_path / "two", "x.jsonl", article("a", OLD))], store)
        assert store.stories_pending()
        update_stories(store)
        assert store.scalar("SELECT count(*) FROM story_mentions WHERE event_id = ?", [old_threat]) == 0
        assert store.scalar("SELECT count(*) FROM stories WHERE event_type = 'THREATEN'") == 0
        assert threat_ledger(store) == []
        (new_event,) = store.query("SELECT event_id FROM events WHERE article_id = 'a'")[0]
        stories = store.public_stories()
        assert [s["event_type"] for s in stories] == ["ASSAULT"]
        (story,) = stories
        assert sorted(m["article_id"] for m in story["mentions"]) == ["a", "b", "c"]
        assert new_event in {m["event_id"] for m in story["mentions"]}
        assert story["n_mentions"] == 3
        assert story["story_id"] == assault_story  # the story the new event joined keeps its id
        # every event is in exactly one story, and no story holds an event that is gone
        assert store.scalar("SELECT count(*) FROM story_mentions m LEFT JOIN events e USING (event_id) WHERE e.event_id IS NULL") == 0
        assert store.scalar("SELECT count(*) FROM events e LEFT JOIN story_mentions m USING (event_id) WHERE m.event_id IS NULL") == 0


def test_a_story_left_without_the_revised_events_is_rebuilt_from_the_others(tmp_path, mini_pipeline):
    corpus = jsonl(tmp_path / "one", "x.jsonl", article("a", OLD), article("b", OLD, outlet="Other Wire"))
    with Store(tmp_path / "s.duckdb") as store:
        mini_pipeline.ingest([corpus], store)
        update_stories(store)
        assert [s["n_mentions"] for s in store.public_stories()] == [2]
        taken = {r[0] for r in store.query("SELECT story_id FROM stories")}
        mini_pipeline.ingest([jsonl(tmp_path / "two", "x.jsonl", article("a", NEW))], store)
        update_stories(store)
        stories = {s["event_type"]: s for s in store.public_stories()}
        assert sorted(stories) == ["ACCUSE", "ASSAULT"]
        assert [m["article_id"] for m in stories["ASSAULT"]["mentions"]] == ["b"]
        assert stories["ASSAULT"]["n_mentions"] == 1 and stories["ASSAULT"]["n_outlets"] == 1
        assert [m["article_id"] for m in stories["ACCUSE"]["mentions"]] == ["a"]
        # a story taken apart does not hand its id to another story
        assert stories["ACCUSE"]["story_id"] not in taken
        # a rebuild from scratch numbers the stories from 1 again, as a fresh store would
        store.reset_stories()
        update_stories(store)
        assert sorted(s["story_id"] for s in store.public_stories()) == ["S000001", "S000002"]


# --- reading revisions ----------------------------------------------------------------------------------


@pytest.fixture()
def revised_store(tmp_path, mini_pipeline):
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        mini_pipeline.ingest([jsonl(tmp_path / "one", "x.jsonl", article("dup", OLD))], store)
        mini_pipeline.ingest([jsonl(tmp_path / "two", "x.jsonl", article("dup", NEW))], store)
        hashes = [r["content_hash"] for r in store.article_revisions("dup")]
    return path, hashes


def test_cli_articles_lists_revisions_and_prints_each(revised_store):
    path, hashes = revised_store
    result = runner.invoke(app, ["articles", "dup", "--revisions", "--db", str(path)])
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.output.splitlines() if line.split() and line.split()[0] in "12"]
    assert [(cells[0], cells[1], cells[-2] if cells[-1] == "latest" else cells[-1]) for cells in lines] == [
        ("1", hashes[0], "1"), ("2", hashes[1], "1")
    ]
    assert lines[-1][-1] == "latest" and lines[0][-1] != "latest"

    old = runner.invoke(app, ["articles", "dup", "--revision", "1", "--db", str(path)])
    assert old.exit_code == 0 and "revision 1 of 2" in old.output and OLD in old.output and NEW not in old.output
    latest = runner.invoke(app, ["articles", "dup", "--db", str(path)])
    assert latest.exit_code == 0 and "revision 2 of 2 (latest)" in latest.output and NEW in latest.output

    missing = runner.invoke(app, ["articles", "dup", "--revision", "3", "--db", str(path)])
    assert missing.exit_code == 1 and "no revision 3" in missing.output
    unknown = runner.invoke(app, ["articles", "nope", "--db", str(path)])
    assert unknown.exit_code == 1 and "no article 'nope'" in unknown.output


def test_api_article_gives_the_latest_revision(revised_store):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's TestClient warns about httpx's future
        from fastapi.testclient import TestClient

    from sitroom.server.app import create_app

    path, _ = revised_store
    with TestClient(create_app(str(path))) as client:
        body = client.get("/api/articles/dup").json()
    assert body["text"] == NEW and body["revision"] == 2
    assert [e["event_type"] for e in body["events"]] == ["ACCUSE"]


# --- watched files and feeds -----------------------------------------------------------------------------


def test_an_edited_watched_file_is_stored_as_a_new_revision(tmp_path, mini_pipeline):
    from sitroom.watch import Watcher

    folder = tmp_path / "inbox"
    folder.mkdir()
    written_earlier(folder / "report.txt", OLD + "\n")
    clock = Clock()
    with Store(tmp_path / "w.duckdb") as store:
        w = Watcher([str(folder)], store, mini_pipeline, every=60.0, options=IngestOptions(), sleep=clock.sleep, clock=clock)
        assert w.poll_once().articles == 1
        written_earlier(folder / "report.txt", NEW + "\n", seconds=1800.0)  # edited (and settled) since
        clock.now += 60.0
        second = w.poll_once()
        assert (second.articles, second.problems) == (1, 0)
        assert store.query("SELECT article_id, text, revision FROM articles") == [("report", NEW, 2)]
        assert event_types(store, "report") == ["ACCUSE"]
        assert store.query("SELECT code FROM ingest_errors") == []


def test_a_feed_item_republished_with_new_text_is_stored_as_a_new_revision(tmp_path, mini_pipeline, monkeypatch, server):
    from sitroom.watch import Watcher

    monkeypatch.setitem(STORIES, "a1", OLD)
    server.routes["/wire.rss"] = Route(rss("a1"))
    clock = Clock()
    with Store(tmp_path / "w.duckdb") as store:
        w = Watcher([server.url("/wire.rss")], store, mini_pipeline, every=60.0, options=IngestOptions(),
                    sleep=clock.sleep, clock=clock)  # fmt: skip
        assert w.poll_once().articles == 1
        monkeypatch.setitem(STORIES, "a1", NEW)  # the page was updated
        server.routes["/wire.rss"] = Route(rss("a1"))
        clock.now += 60.0
        second = w.poll_once()
        assert (second.articles, second.problems) == (1, 0)
        assert store.query("SELECT article_id, text, revision FROM articles") == [("https://wire.example/a1", NEW, 2)]
        assert event_types(store, "https://wire.example/a1") == ["ACCUSE"]
        assert second.stories is not None
        assert [s["event_type"] for s in store.public_stories()] == ["ACCUSE"]


# --- migration ----------------------------------------------------------------------------------------------


def test_a_store_of_schema_5_migrates_and_keeps_its_articles(tmp_path, mini_pipeline):
    assert SCHEMA_VERSION >= 6
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    for target, statements in _MIGRATIONS:
        if target > 5:
            break
        for sql in statements:
            con.execute(sql)
    con.execute("INSERT INTO meta VALUES ('schema_version', '5')")
    con.execute(
        """INSERT INTO articles (article_id, source, format, text, raw_text, content_hash, published, n_sentences, n_events)
           VALUES ('kept', 'old.txt', 'text', 'Iran condemned Israel.', 'Iran condemned Israel.', 'h0', DATE '2024-04-01', 1, 0)"""
    )
    con.close()
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.query("SELECT article_id, text, revision FROM articles") == [("kept", NEW, 1)]
        assert store.article_revisions("kept")[0]["revision"] == 1
        report = mini_pipeline.ingest([jsonl(tmp_path / "c", "x.jsonl", {"id": "kept", "text": OLD})], store)
        assert (report.articles, report.revised) == (1, 1)
        assert [r["revision"] for r in store.article_revisions("kept")] == [1, 2]
        assert store.article_revision("kept", 1)["text"] == NEW


def test_cli_ingest_says_how_many_articles_were_new_revisions(tmp_path, monkeypatch, mini_pipeline):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sitroom.pipeline, "Pipeline", lambda *a, **kw: mini_pipeline)
    jsonl(tmp_path / "one", "x.jsonl", article("dup", OLD))
    jsonl(tmp_path / "two", "x.jsonl", article("dup", NEW))
    first = runner.invoke(app, ["ingest", "one", "--db", "s.duckdb", "--no-progress"])
    assert first.exit_code == 0 and "as new revisions" not in first.output
    second = runner.invoke(app, ["ingest", "two", "--db", "s.duckdb", "--no-progress"])
    assert second.exit_code == 0, second.output
    assert "1 articles stored (1 as new revisions of stored ones)" in second.output and "0 failed" in second.output

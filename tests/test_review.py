"""Analyst reviews: a correction made through the CLI, the Python API or the HTTP API
wins over the machine everywhere (events, stories, threats, timelines, networks,
exports), and sticks: through re-ingest of the same articles, new revisions of them,
``stories --rebuild`` and undo; a review whose event is gone is kept as orphaned."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sitroom
from sitroom.cli import app
from sitroom.errors import ReviewError
from sitroom.pipeline import IngestOptions
from sitroom.review import list_reviews, merge_stories, review_event, review_link, review_threat, split_event, undo_review
from sitroom.review.records import Anchor, resolve
from sitroom.server.app import create_app
from sitroom.store import Store
from sitroom.stories import complete_stories
from sitroom.stories.ledger import threat_ledger
from sitroom.stories.network import network
from sitroom.stories.timeline import timeline

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

runner = CliRunner()
TOKEN = "review-token"
AUTH = {"authorization": f"Bearer {TOKEN}"}


def article(aid: str, published: str, text: str, outlet: str) -> dict:
    return {"id": aid, "title": f"Title {aid}", "outlet": outlet, "url": f"https://news.example/{aid}",
            "published": published, "text": text}  # fmt: skip


CORPUS = [
    article("c1", "2024-10-26", "Israel struck military sites in Iran on Saturday, the Israeli military said.", "Wire A"),
    article("c2", "2024-10-26", "Israeli warplanes attacked Iran on Saturday, hitting targets near Tehran.", "Paper C"),
    article("c3", "2024-10-06", "Iran threatened on Sunday to strike Israel. Officials in Tehran gave no timetable.", "Wire A"),
    article("c4", "2024-10-14", "Israel struck Hezbollah targets in Beirut on Monday, Lebanese officials said.", "Paper D"),
]


def write_corpus(folder: Path, records=CORPUS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def ingest(pipeline, store: Store, path: Path):
    report = pipeline.ingest([path], store, IngestOptions())
    complete_stories(store)
    return report


@pytest.fixture()
def room(tmp_path, pipeline) -> Path:
    db = tmp_path / "room.duckdb"
    with Store(db) as store:
        ingest(pipeline, store, write_corpus(tmp_path / "in"))
    return db


def events_of(store: Store, article_id: str) -> list[dict]:
    return [e for e in store.iter_public_events() if e["article_id"] == article_id]


def cli(*args: object, env: dict | None = None):
    return runner.invoke(app, [str(a) for a in args], env=env)


def export(db: Path) -> list[dict]:
    result = cli("events", "--db", db, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


# --- the HTTP API, the CLI export, re-ingest, rebuild -----------------------------------------------------------


def test_a_review_made_over_http_changes_the_export_and_survives_reingest_and_rebuild(room, tmp_path, pipeline):
    with Store(room) as store:
        (struck,) = events_of(store, "c4")
        (threat,) = events_of(store, "c3")
    assert (struck["event_type"], struck["reviewed"]) == ("ASSAULT", False)
    with TestClient(create_app(room, token=TOKEN)) as client:
        answer = client.patch(f"/api/events/{struck['event_id']}", headers=AUTH,
                              json={"event_type": "COERCE", "actor": "IRNMIL", "by": "dana", "note": "misread"})
        assert answer.status_code == 200, answer.text
        assert [r["action"] for r in answer.json()["items"]] == ["type", "actor"]
        answer = client.patch(f"/api/events/{threat['event_id']}", headers=AUTH, json={"status": "rejected", "by": "dana"})
        assert answer.status_code == 200, answer.text
    rows = {e["event_id"]: e for e in export(room)}
    assert threat["event_id"] not in rows  # rejected: exported nowhere
    row = rows[struck["event_id"]]
    assert (row["event_type"], row["reviewed"], row["decided_by"]) == ("COERCE", True, "review")
    assert [(a["country"], a["sector"]) for a in row["actor"]] == [("IRN", "MIL")]
    # the same articles again: nothing new is stored, the reviews stand
    with Store(room) as store:
        report = ingest(pipeline, store, write_corpus(tmp_path / "again"))
    assert report.articles == 0 and report.unchanged == len(CORPUS)
    assert export(room) == list(rows.values())
    # stories built anew under new ids: the reviews stand
    rebuilt = cli("stories", "--db", room, "--rebuild", "--format", "jsonl")
    assert rebuilt.exit_code == 0, rebuilt.output
    stories = [json.loads(line) for line in rebuilt.stdout.splitlines() if line.strip()]
    assert "THREATEN" not in {s["event_type"] for s in stories}
    coerce = [s for s in stories if s["event_type"] == "COERCE"]
    assert len(coerce) == 1 and coerce[0]["reviewed"] is True
    after = {e["event_id"]: e for e in export(room)}
    assert after[struck["event_id"]]["event_type"] == "COERCE" and threat["event_id"] not in after


def test_review_routes_need_the_token(room):
    with Store(room) as store:
        event_id = events_of(store, "c1")[0]["event_id"]
    body = {"status": "confirmed"}
    with TestClient(create_app(room)) as client:  # no token: read only
        answer = client.patch(f"/api/events/{event_id}", json=body, headers=AUTH)
        assert answer.status_code == 403 and "SITROOM_TOKEN" in answer.json()["error"]
        assert client.post("/api/stories/merge", json={"stories": ["S000001", "S000002"]}).status_code == 403
        assert client.get("/api/reviews").json() == {"items": []}  # listing is a read
    with TestClient(create_app(room, token=TOKEN)) as client:
        assert client.patch(f"/api/events/{event_id}", json=body).status_code == 401
        assert client.patch(f"/api/events/{event_id}", json=body, headers={"authorization": "Bearer nope"}).status_code == 401
        assert client.post("/api/reviews/R1/undo", json={}).status_code == 401
        assert client.get("/api/reviews").json() == {"items": []}  # nothing was stored
        answer = client.patch(f"/api/events/{event_id}", json=body, headers=AUTH)
        assert answer.status_code == 200
        assert client.patch("/api/events/nope", json=body, headers=AUTH).status_code == 404
        bad = client.patch(f"/api/events/{event_id}", json={"actor": "Atlantis"}, headers=AUTH)
        assert bad.status_code == 422 and "E119" in bad.json()["error"]
        (listed,) = client.get("/api/reviews").json()["items"]
        assert (listed["action"], listed["status"]) == ("confirm", "applied")


# --- each kind of review ----------------------------------------------------------------------------------------


def test_a_rejected_event_is_counted_nowhere(room):
    with Store(room) as store:
        (struck,) = events_of(store, "c4")
        assert not timeline(store, "ISR-LBN").empty and ("ISR", "LBN") in set(zip(network(store).source, network(store).target))
        review_event(store, struck["event_id"], reject=True, by="dana", note="a drill, not a strike")
        assert events_of(store, "c4") == []
        assert all(s["event_type"] != "ASSAULT" or s["recipient"][0]["country"] != "LBN" for s in store.public_stories())
        assert timeline(store, "ISR-LBN").empty
        assert ("ISR", "LBN") not in set(zip(network(store).source, network(store).target))
        (r,) = list_reviews(store)
    assert (r["reviewer"], r["note"], r["old_value"], r["new_value"], r["status"]) == (
        "dana", "a drill, not a strike", "stands", "rejected", "applied")


def test_a_corrected_type_counts_as_corrected(room):
    with Store(room) as store:
        (struck,) = events_of(store, "c4")
        before = timeline(store, "ISR-LBN")
        assert before["quad4"].sum() > 0 and before["quad3"].sum() == 0
        review_event(store, struck["event_id"], event_type="accuse", by="dana")
        (row,) = events_of(store, "c4")
        after = timeline(store, "ISR-LBN")
        stories = [s for s in store.public_stories() if s["story_id"] == row["story_id"]]
    assert (row["event_type"], row["quad_class"], row["confidence"]) == ("ACCUSE", 3, 1.0)
    assert stories[0]["event_type"] == "ACCUSE" and stories[0]["reviewed"] is True
    assert after["quad4"].sum() == 0 and after["quad3"].sum() > 0


def test_actors_are_named_as_the_filters_name_them(room):
    with Store(room) as store:
        (struck,) = events_of(store, "c1")
        review_event(store, struck["event_id"], actor="Hezbollah", recipient="Iran, ISRMIL", by="dana")
        (row,) = [e for e in events_of(store, "c1") if e["event_id"] == struck["event_id"]]
        with pytest.raises(ReviewError, match=r"E119.*unknown actor 'Hezbolah': did you mean Hezbollah"):
            review_event(store, struck["event_id"], actor="Hezbolah", by="dana")
    assert [(a["name"], a["country"]) for a in row["actor"]] == [("Hezbollah", "LBN")]
    assert [(a["country"], a["sector"]) for a in row["recipient"]] == [("IRN", ""), ("ISR", "MIL")]


def test_a_confirmed_event_is_marked_and_sure(room, monkeypatch):
    monkeypatch.setenv("SITROOM_REVIEWER", "from-env")
    with Store(room) as store:
        (struck,) = events_of(store, "c4")
        review_event(store, struck["event_id"], confirm=True)
        (row,) = events_of(store, "c4")
        (r,) = list_reviews(store)
    assert (row["reviewed"], row["confidence"], row["event_type"]) == (True, 1.0, "ASSAULT")
    assert r["reviewer"] == "from-env" and r["created_at"] is not None


def _story_of(store: Store, event_id: str) -> str:
    return next(e["story_id"] for e in store.iter_public_events() if e["event_id"] == event_id)


def test_split_and_merge_survive_a_rebuild(room):
    with Store(room) as store:
        c1, c2 = events_of(store, "c1")[0], events_of(store, "c2")[0]
        (c4,) = events_of(store, "c4")
        assert _story_of(store, c1["event_id"]) == _story_of(store, c2["event_id"])  # the machine merged them
        split_event(store, c1["event_id"], by="dana", note="another strike")
        assert _story_of(store, c1["event_id"]) != _story_of(store, c2["event_id"])
        merge_stories(store, _story_of(store, c4["event_id"]), _story_of(store, c1["event_id"]), by="dana")
        assert _story_of(store, c1["event_id"]) == _story_of(store, c4["event_id"]) != _story_of(store, c2["event_id"])
        merged = next(s for s in store.public_stories() if s["story_id"] == _story_of(store, c4["event_id"]))
        assert merged["n_mentions"] == 2 and merged["reviewed"] is True
        with pytest.raises(ReviewError, match="itself"):
            merge_stories(store, merged["story_id"], merged["story_id"])
    assert cli("stories", "--db", room, "--rebuild").exit_code == 0
    with Store(room) as store:
        assert _story_of(store, c1["event_id"]) == _story_of(store, c4["event_id"]) != _story_of(store, c2["event_id"])
        assert [r["status"] for r in list_reviews(store)] == ["applied", "applied"]


def test_links_confirmed_and_rejected_survive_a_rebuild(room):
    with Store(room) as store:
        strike = _story_of(store, events_of(store, "c1")[0]["event_id"])
        threat = _story_of(store, events_of(store, "c3")[0]["event_id"])
        hezbollah = _story_of(store, events_of(store, "c4")[0]["event_id"])
        review_link(store, strike, action="confirm", to=threat, by="dana", note="the strike answered the threat")
        review_link(store, hezbollah, action="confirm", to=threat, by="dana")
        review_link(store, hezbollah, action="reject", by="dana")  # its link now: the one just set
    assert cli("stories", "--db", room, "--rebuild").exit_code == 0
    with Store(room) as store:
        rows = {e["event_id"]: e for e in store.iter_public_events()}
        strike_row = rows[events_of(store, "c1")[0]["event_id"]]
        threat_story = rows[events_of(store, "c3")[0]["event_id"]]["story_id"]
        assert strike_row["responds_to"] == threat_story
        assert rows[events_of(store, "c4")[0]["event_id"]]["responds_to"] is None


def test_a_threat_status_set_by_review_wins_and_survives_a_rebuild(room):
    with Store(room) as store:
        threat = _story_of(store, events_of(store, "c3")[0]["event_id"])
        strike = _story_of(store, events_of(store, "c1")[0]["event_id"])
        (entry,) = [e for e in threat_ledger(store) if e.story_id == threat]
        assert entry.status != "carried out" or entry.carried_out_by != strike
        review_threat(store, threat, status="carried out", by_story=strike, by="dana", note="the Oct. 26 strikes")
        with pytest.raises(ReviewError, match="by-story"):
            review_threat(store, threat, status="carried out")
    assert cli("stories", "--db", room, "--rebuild").exit_code == 0
    result = cli("threats", "--db", room, "--format", "jsonl")
    (row,) = [json.loads(line) for line in result.stdout.splitlines()]
    with Store(room) as store:
        strike = _story_of(store, events_of(store, "c1")[0]["event_id"])
    assert (row["status"], row["carried_out_by"], row["reviewed"]) == ("carried out", strike, True)
    assert "dana" in row["reason"] and "the Oct. 26 strikes" in row["reason"]
    assert row["carried_out_reports"] and row["carried_out_event"]


# --- undo, orphans, revisions, coding again ---------------------------------------------------------------------


def test_undo_restores_the_machines_judgement_and_keeps_the_review_listed(room):
    with Store(room) as store:
        (struck,) = events_of(store, "c4")
        (made,) = review_event(store, struck["event_id"], event_type="COERCE", by="dana")
        assert events_of(store, "c4")[0]["event_type"] == "COERCE"
        undone = undo_review(store, made.review_id, by="lee")
        (row,) = events_of(store, "c4")
        assert (row["event_type"], row["reviewed"]) == ("ASSAULT", False)
        (listed,) = list_reviews(store)
        with pytest.raises(ReviewError, match="undone already"):
            undo_review(store, made.review_id)
    assert (undone.undone_by, listed["status"], listed["undone_by"]) == ("lee", "undone", "lee")


def test_a_review_whose_event_is_gone_is_kept_as_orphaned(room, tmp_path, pipeline):
    with Store(room) as store:
        (struck,) = events_of(store, "c4")
        review_event(store, struck["event_id"], event_type="COERCE", by="dana")
        # a new revision of the article no longer reports the strike
        ingest(pipeline, store, write_corpus(tmp_path / "rev", [article("c4", "2024-10-14", "Lebanese officials met on Monday.", "Paper D")]))
        (r,) = list_reviews(store)
        assert (r["status"], r["events"]) == ("orphaned", [])
        assert {e["event_type"] for e in events_of(store, "c4")} & {"ASSAULT", "COERCE"} == set()
    result = cli("review", "list", "--db", room)
    assert result.exit_code == 0 and "orphaned" in result.stdout


def test_a_new_revision_that_moves_the_sentence_keeps_the_review(room, tmp_path, pipeline):
    text = CORPUS[3]["text"]
    with Store(room) as store:
        (struck,) = events_of(store, "c4")
        review_event(store, struck["event_id"], event_type="COERCE", by="dana")
        moved = "Beirut was quiet on Sunday. " + text
        ingest(pipeline, store, write_corpus(tmp_path / "rev", [article("c4", "2024-10-14", moved, "Paper D")]))
        rows = events_of(store, "c4")
        (r,) = list_reviews(store)
    coerce = [e for e in rows if e["event_type"] == "COERCE"]
    assert len(coerce) == 1 and coerce[0]["span"][0] == struck["span"][0] + len("Beirut was quiet on Sunday. ")
    assert r["status"] == "applied" and r["events"] == [coerce[0]["event_id"]]


def test_anchors_find_an_event_another_model_typed_otherwise():
    anchor = Anchor("a", 7, 13, "ASSAULT", "struck", "Israel struck Iran.", 7)
    ev = {"event_id": "x", "span_start": 7, "span_end": 13, "event_type": "COERCE", "sentence": "Israel struck Iran.", "offset": 7}
    assert resolve(anchor, [ev]) == "x"  # the only event on that span, typed otherwise
    twin = {**ev, "event_id": "y", "event_type": "ASSAULT"}
    assert resolve(anchor, [ev, twin]) == "y"  # the same span and type first
    assert resolve(anchor, [{**ev, "span_start": 40, "span_end": 46, "sentence": "Another sentence."}]) is None


# --- the CLI, training data, migration ---------------------------------------------------------------------------


def test_cli_review_commands(room):
    with Store(room) as store:
        (struck,) = events_of(store, "c4")
    made = cli("review", "event", struck["event_id"], "--type", "COERCE", "--by", "dana", "--note", "misread", "--db", room)
    assert made.exit_code == 0, made.output
    assert "R1: event type" in made.output and "COERCE" in made.output
    bad = cli("review", "event", "nope", "--confirm", "--db", room)
    assert bad.exit_code == 2 and "E119" in bad.output and "no event 'nope'" in bad.output
    sole = cli("review", "story", "split", struck["event_id"], "--db", room)
    assert sole.exit_code == 2 and "only report" in sole.output
    listed = cli("review", "list", "--db", room, "--format", "jsonl")
    (row,) = [json.loads(line) for line in listed.stdout.splitlines()]
    assert (row["review_id"], row["reviewer"], row["note"], row["new_value"]["event_type"]) == ("R1", "dana", "misread", "COERCE")
    undone = cli("review", "undo", "R1", "--by", "lee", "--db", room)
    assert undone.exit_code == 0 and "R1 undone by lee" in undone.output
    assert [e["event_type"] for e in export(room) if e["event_id"] == struck["event_id"]] == ["ASSAULT"]


def test_review_export_is_training_data_sitroom_train_reads(room, tmp_path):
    from sitroom.decision.training import load_annotated

    with Store(room) as store:
        (struck,) = events_of(store, "c4")
        (threat,) = events_of(store, "c3")
        review_event(store, struck["event_id"], event_type="COERCE", by="dana")
        review_event(store, threat["event_id"], reject=True, by="dana")
    out = tmp_path / "reviewed.jsonl"
    result = cli("review", "export", "--format", "jsonl", "-o", out, "--db", room)
    assert result.exit_code == 0, result.output
    texts, provenance = load_annotated([out])
    by_id = {t.id: t for t in texts}
    assert provenance[0]["kind"] == "articles" and set(by_id) == {"c3", "c4"}
    assert by_id["c3"].events == []  # the rejected threat is no event
    assert [(e["type"], e["trigger"], e["reviewed"]) for e in by_id["c4"].events] == [("COERCE", "struck", True)]
    trained = cli("train", out, "--output", tmp_path / "m.npz", "--json")
    assert trained.exit_code == 0, trained.output
    assert (tmp_path / "m.npz").exists()


def test_a_schema_6_store_migrates_and_keeps_its_events(tmp_path, pipeline):
    import duckdb

    import sitroom.store as store_module

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    for target, statements in store_module._MIGRATIONS:
        if target > 6:
            break
        for sql in statements:
            con.execute(sql)
    con.execute("INSERT INTO meta VALUES ('schema_version', '6')")
    con.execute(
        "INSERT INTO articles (article_id, source, format, published, raw_text, text, content_hash)"
        " VALUES ('old', 'old.txt', 'txt', DATE '2024-10-26', 'x', 'Israel struck Iran.', 'h')"
    )
    con.execute(
        "INSERT INTO events (event_id, article_id, sentence_index, trigger, span_start, span_end, event_type, quad_class,"
        " intensity, actor, recipient, modality) VALUES ('ev-old', 'old', 0, 'struck', 7, 13, 'ASSAULT', 4, -10.0,"
        " [{'text': 'Israel', 'name': 'Israel', 'country': 'ISR', 'sector': ''}],"
        " [{'text': 'Iran', 'name': 'Iran', 'country': 'IRN', 'sector': ''}], 'asserted')"
    )
    con.execute("INSERT INTO sentences VALUES ('old', 0, 0, 19, 'Israel struck Iran.')")
    con.close()
    with Store(path) as store:
        assert store.schema_version() == store_module.SCHEMA_VERSION
        complete_stories(store)
        review_event(store, "ev-old", event_type="COERCE", by="dana")
        (row,) = list(store.iter_public_events())
    assert (row["event_id"], row["event_type"], row["reviewed"]) == ("ev-old", "COERCE", True)

"""``sitroom recode``: the stored articles coded again with other rules, another model or another
threshold. Their events and sentences are replaced, their stories built again, and every analyst
review is applied again through its anchor (kept as orphaned when its event is gone); a recode
killed in the middle leaves each article coded wholly the old way or wholly the new, and running
it again finishes the job.

Event ids are a hash of the article id, the trigger's character offset and the type the rules
gave the candidate (``Coder._event``); the decision stage keeps the id when it retypes an event,
so coding again with another model or threshold keeps the id of every event that is still found."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import sitroom.pipeline
from sitroom.cli import app
from sitroom.pipeline import IngestOptions
from sitroom.review import list_reviews, merge_stories, review_event, review_threat, split_event
from sitroom.store import Store
from sitroom.stories import complete_stories

runner = CliRunner()


def article(aid: str, published: str, text: str, outlet: str) -> dict:
    return {"id": aid, "title": f"Title {aid}", "outlet": outlet, "url": f"https://news.example/{aid}",
            "published": published, "text": text}  # fmt: skip


CORPUS = [
    article("c1", "2024-10-26", "Israel struck military sites in Iran on Saturday, the Israeli military said.", "Wire A"),
    article("c2", "2024-10-26", "Israeli warplanes attacked Iran on Saturday, hitting targets near Tehran.", "Paper C"),
    article("c3", "2024-10-06", "Iran threatened on Sunday to strike Israel. Officials in Tehran gave no timetable.", "Wire A"),
    article("c4", "2024-10-14", "Israel struck Hezbollah targets in Beirut on Monday, Lebanese officials said.", "Paper D"),
]


@pytest.fixture()
def pipelines(monkeypatch, pipeline, hybrid_pipeline):
    """The CLI's pipeline, built from its options without loading the dictionaries again: the rules
    only, or the shipped model at its own threshold or another."""
    real = sitroom.pipeline.Pipeline
    made: dict[float | None, sitroom.pipeline.Pipeline] = {None: hybrid_pipeline}

    def build(*args, rules_only=False, threshold=None, model=None, **kwargs):
        if rules_only:
            return pipeline
        if threshold not in made:
            made[threshold] = real(actors=pipeline.actors, lexicon=pipeline.lexicon, threshold=threshold)
        return made[threshold]

    monkeypatch.setattr(sitroom.pipeline, "Pipeline", build)
    monkeypatch.delenv("SITROOM_FAULT", raising=False)
    monkeypatch.delenv("SITROOM_DB", raising=False)
    return build


@pytest.fixture()
def room(tmp_path, hybrid_pipeline) -> Path:
    """A store of the corpus as a default ingest codes it (the shipped model decides)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "corpus.jsonl").write_text("".join(json.dumps(r) + "\n" for r in CORPUS), encoding="utf-8")
    db = tmp_path / "room.duckdb"
    with Store(db) as store:
        hybrid_pipeline.ingest([folder], store, IngestOptions())
        complete_stories(store)
    return db


def cli(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def recode(db: Path, *args: object, code: int = 0) -> str:
    result = cli("recode", "--db", db, "--no-progress", *args)
    assert result.exit_code == code, result.output
    return " ".join(result.output.split())


def coded(db: Path) -> dict[str, dict]:
    """The events as the machine coded them (no review applied), by id."""
    with Store(db) as store:
        return {r["event_id"]: r for r in store.rows("SELECT * FROM coded_events")}


def public(db: Path) -> dict[str, dict]:
    with Store(db) as store:
        return {e["event_id"]: e for e in store.iter_public_events()}


def of(rows: dict[str, dict], article_id: str) -> list[dict]:
    return [e for e in rows.values() if e["article_id"] == article_id]


def story_of(db: Path, event_id: str) -> str:
    return public(db)[event_id]["story_id"]


# --- coding again with another model ----------------------------------------------------------------------------


def test_rules_only_after_a_default_ingest_changes_who_decided_and_keeps_the_ids(room, pipelines):
    before = coded(room)
    assert {e["decided_by"] for e in before.values()} <= {"model", "both", "rules"}
    assert all(e["confidence"] is not None for e in before.values())

    output = recode(room, "--rules-only")

    after = coded(room)
    assert set(before) <= set(after)  # every event the model kept is a candidate the rules still find, same id
    assert all((e["decided_by"], e["confidence"]) == ("rules", None) for e in after.values())
    assert any(e["decided_by"] != "rules" for e in before.values())
    for event_id, old in before.items():
        new = after[event_id]
        assert (new["article_id"], new["span_start"], new["span_end"], new["trigger"]) == (
            old["article_id"], old["span_start"], old["span_end"], old["trigger"])
    assert f"{len(CORPUS)} articles re-coded; events {len(before)} -> {len(after)} ({len(before)} kept their ids)" in output
    assert "reviews: 0 applied, 0 orphaned" in output
    # the stories follow: every event is in a story again, and the articles' counts are the new ones
    rows = public(room)
    assert set(rows) == set(after) and all(e["story_id"] for e in rows.values())
    with Store(room) as store:
        assert not store.stories_pending() and store.unassigned_mentions() == []
        assert dict(store.query("SELECT article_id, n_events FROM articles")) == {
            a["id"]: len(of(after, a["id"])) for a in CORPUS}
    # and back: the default model codes them as the first ingest did
    recode(room)
    assert coded(room) == before


def test_a_rejected_event_stays_rejected_and_a_corrected_type_stays_corrected(room, pipelines):
    (rejected,) = of(public(room), "c2")
    (corrected,) = of(public(room), "c4")
    with Store(room) as store:
        review_event(store, rejected["event_id"], reject=True, by="dana")
        review_event(store, corrected["event_id"], event_type="ACCUSE", by="dana", note="a statement")

    output = recode(room, "--rules-only")

    rows = public(room)
    assert rejected["event_id"] not in rows  # rejected: still counted nowhere
    assert rejected["event_id"] in coded(room)  # though the rules code it again
    (row,) = of(rows, "c4")
    assert (row["event_id"], row["event_type"], row["quad_class"], row["reviewed"], row["decided_by"]) == (
        corrected["event_id"], "ACCUSE", 3, True, "review")
    assert coded(room)[corrected["event_id"]]["confidence"] is None  # the machine's coding is the rules' now
    assert "reviews: 2 applied, 0 orphaned" in output
    with Store(room) as store:
        assert [(r["action"], r["status"]) for r in list_reviews(store)] == [("reject", "applied"), ("type", "applied")]
        assert all(s["event_type"] != "ASSAULT" or s["recipient"][0]["country"] != "LBN" for s in store.public_stories())


def test_a_merge_a_split_and_a_threat_status_survive(room, pipelines):
    e1, e2, e3, e4 = (of(public(room), aid)[0]["event_id"] for aid in ("c1", "c2", "c3", "c4"))
    assert story_of(room, e1) == story_of(room, e2)  # the machine merged them
    with Store(room) as store:
        split_event(store, e1, by="dana", note="another strike")
    with Store(room) as store:
        merge_stories(store, story_of(room, e4), story_of(room, e1), by="dana")
    with Store(room) as store:
        review_threat(store, story_of(room, e3), status="carried out", by_story=story_of(room, e1), by="dana",
                      note="the Oct. 26 strikes")  # fmt: skip
    assert story_of(room, e1) == story_of(room, e4) != story_of(room, e2)

    output = recode(room, "--rules-only")

    assert story_of(room, e1) == story_of(room, e4) != story_of(room, e2)
    threats = cli("threats", "--db", room, "--format", "jsonl")
    rows = [json.loads(line) for line in threats.stdout.splitlines()]
    (row,) = [r for r in rows if r["story_id"] == story_of(room, e3)]
    assert (row["status"], row["carried_out_by"], row["reviewed"]) == ("carried out", story_of(room, e1), True)
    assert "the Oct. 26 strikes" in row["reason"]
    assert "reviews: 3 applied, 0 orphaned" in output
    with Store(room) as store:
        assert [r["status"] for r in list_reviews(store)] == ["applied"] * 3
        merged = next(s for s in store.public_stories() if s["story_id"] == story_of(room, e1))
        assert {e1, e4} <= {m["event_id"] for m in merged["mentions"]} and merged["reviewed"] is True
        assert e2 not in {m["event_id"] for m in merged["mentions"]}


def test_a_review_whose_event_is_gone_is_kept_as_orphaned_and_found_again(room, pipelines):
    (struck,) = of(public(room), "c4")
    stricter = f"{struck['confidence'] + 0.001:.4f}"  # just above how sure the shipped model is of it
    with Store(room) as store:
        review_event(store, struck["event_id"], event_type="COERCE", by="dana")

    output = recode(room, "--threshold", stricter)  # a stricter threshold: the model no longer keeps it

    assert of(coded(room), "c4") == []
    assert "reviews: 0 applied, 1 orphaned (1 by this run)" in output
    listed = cli("review", "list", "--db", room, "--format", "jsonl")
    (row,) = [json.loads(line) for line in listed.stdout.splitlines()]
    assert (row["review_id"], row["status"], row["events"]) == ("R1", "orphaned", [])

    output = recode(room, "--threshold", "0")  # every candidate again: the review finds its event
    assert "reviews: 1 applied, 0 orphaned" in output
    (row,) = of(public(room), "c4")
    assert (row["event_id"], row["event_type"], row["reviewed"]) == (struck["event_id"], "COERCE", True)


# --- choosing the articles ---------------------------------------------------------------------------------------


def test_article_recodes_only_that_article_and_names_an_unknown_one(room, pipelines):
    before = coded(room)

    output = recode(room, "--rules-only", "--article", "c4", "--article", "nope", code=1)

    after = coded(room)
    assert "[E120] no article 'nope' in the store" in output
    assert "1 articles re-coded" in output
    for aid in ("c1", "c2", "c3"):
        assert of(after, aid) == of(before, aid)  # untouched: still the model's
    assert [e["confidence"] for e in of(after, "c4")] == [None]
    assert [e["event_id"] for e in of(after, "c4")] == [e["event_id"] for e in of(before, "c4")]
    assert all(e["story_id"] for e in public(room).values())


def test_since_and_until_choose_articles_by_publication_date(room, pipelines):
    output = recode(room, "--rules-only", "--since", "2024-10-10", "--until", "2024-10-20")
    after = coded(room)
    assert "1 articles re-coded" in output
    assert [e["confidence"] for e in of(after, "c4")] == [None]
    assert all(e["confidence"] is not None for aid in ("c1", "c2", "c3") for e in of(after, aid))
    assert recode(room, "--since", "2024-10-20", "--until", "2024-10-10", code=2)


# --- crashes ----------------------------------------------------------------------------------------------------


def canonical(db: Path) -> dict[str, list[tuple]]:
    """Everything a recode touches, in a fixed order."""
    tables = {
        "articles": "SELECT * FROM articles",
        "sentences": "SELECT * FROM sentences",
        "events": "SELECT * FROM coded_events",
        "actors": "SELECT * FROM actors",
        "story_mentions": "SELECT * FROM story_mentions",
        "stories": "SELECT * FROM stories",
        "event_overrides": "SELECT * FROM event_overrides",
    }
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {name: con.execute(sql + " ORDER BY ALL").fetchall() for name, sql in tables.items()}
    finally:
        con.close()


def with_review(db: Path) -> None:
    with Store(db) as store:
        (struck,) = of(public(db), "c4")
        review_event(store, struck["event_id"], event_type="COERCE", by="dana")


def recoded_cleanly(room: Path, tmp_path: Path) -> dict[str, list[tuple]]:
    clean = tmp_path / "clean.duckdb"
    shutil.copy(room, clean)
    recode(clean, "--rules-only")
    return canonical(clean)


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["recode-writing", "events-written"])
def test_a_recode_killed_in_the_middle_is_finished_by_the_next(stage, room, tmp_path, pipelines):
    with_review(room)
    before = canonical(room)
    clean = recoded_cleanly(room, tmp_path)
    script = Path(sys.executable).parent / "sitroom"
    env = {**{k: v for k, v in os.environ.items() if k != "SITROOM_DB"}, "SITROOM_FAULT": stage}
    killed = subprocess.run([str(script), "recode", "--db", str(room), "--rules-only", "--no-progress"],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, f"the recode was not killed at {stage}: {killed.stderr}"
    left = canonical(room)
    if stage == "recode-writing":  # killed inside the batch's transaction: every article as it was
        assert left == before
    else:  # the batch was committed whole, the stories not yet built
        for table in ("articles", "sentences", "events", "actors", "event_overrides"):
            assert left[table] == clean[table], table
        with Store(room) as store:
            assert store.stories_pending()

    output = recode(room, "--rules-only")  # running it again finishes the job

    assert canonical(room) == clean
    assert "reviews: 1 applied, 0 orphaned" in output
    with Store(room) as store:
        assert not store.stories_pending()


def test_an_interrupted_recode_leaves_each_article_wholly_old_or_wholly_new(room, tmp_path, pipeline, pipelines):
    from sitroom.pipeline import RecodeOptions

    clean = recoded_cleanly(room, tmp_path)
    before = canonical(room)

    class Stop(Exception):
        pass

    def stop_after_the_first_batch(report) -> None:
        if report.articles == 1:
            raise Stop

    with Store(room) as store, pytest.raises(Stop):
        pipeline.recode(store, RecodeOptions(write_every=1), progress=stop_after_the_first_batch)
    with Store(room) as store:
        first = store.query("SELECT article_id FROM articles ORDER BY published NULLS LAST, article_id")[0][0]
    left = canonical(room)
    for aid in [a["id"] for a in CORPUS]:
        expected = clean if aid == first else before
        for table, column in (("articles", 0), ("sentences", 0), ("events", 1)):
            assert [r for r in left[table] if r[column] == aid] == [r for r in expected[table] if r[column] == aid], (aid, table)

    with Store(room) as store:
        report = pipeline.recode(store, RecodeOptions(write_every=1))
    assert report.articles == len(CORPUS)
    assert canonical(room) == clean

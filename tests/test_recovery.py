"""Crash recovery: a real ``sitroom ingest`` or ``sitroom watch`` killed with SIGKILL at
each stage of a write leaves a store that the next run completes to exactly what a
clean run stores; a watcher and a retried POST finish story work a killed run left.

The kills use the crash points of ``sitroom.faults`` (``SITROOM_FAULT``): the process
kills itself when it gets there, as ``kill -9`` or a power cut would."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import warnings
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import sitroom.pipeline
from sitroom.cli import app
from sitroom.pipeline import IngestOptions
from sitroom.store import Store
from sitroom.watch import Watcher

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's TestClient warns about httpx's future
    from fastapi.testclient import TestClient

from sitroom.server.app import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# four short reports of one crisis, with stories that span articles and a response link
CORPUS = [
    "2024-04-01-damascus-strike.txt",
    "2024-04-02-khamenei-vows-punishment.txt",
    "2024-04-04-israel-cancels-leave.txt",
    "2024-04-14-iran-attack.txt",
]
STAGES = ["articles-written", "events-written", "stories-writing"]
runner = CliRunner()


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("recovery") / "corpus"
    folder.mkdir()
    for name in CORPUS:  # copied with their old times: files moved in whole, read at the first poll
        shutil.copy2(ROOT / "examples" / "corpus" / name, folder / name)
    return folder


@pytest.fixture()
def in_process(monkeypatch, pipeline):
    """The next run, in this process: the same rules-only coding the killed command used."""
    monkeypatch.delenv("SITROOM_DB", raising=False)
    monkeypatch.delenv("SITROOM_FAULT", raising=False)
    monkeypatch.setattr(sitroom.pipeline, "Pipeline", lambda *a, **kw: pipeline)


def command(kind: str, corpus: Path, db: Path) -> list[str]:
    if kind == "ingest":
        return ["ingest", str(corpus), "--db", str(db), "--rules-only", "--no-progress"]
    return ["watch", str(corpus), "--db", str(db), "--rules-only", "--every", "1s", "--cycles", "1"]


def run_here(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return flat(result.output)


def canonical(db: Path) -> dict[str, list[tuple]]:
    """Everything a run stores, in a fixed order, without the time of storing."""
    tables = {
        "articles": "SELECT * EXCLUDE (ingested_at) FROM articles",
        "sentences": "SELECT * FROM sentences",
        "removals": "SELECT * FROM removals",
        "events": "SELECT * FROM events",
        "actors": "SELECT * FROM actors",
        "article_copies": "SELECT * FROM article_copies",
        "story_mentions": "SELECT * FROM story_mentions",
        "stories": "SELECT * FROM stories",
    }
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {name: con.execute(sql + " ORDER BY ALL").fetchall() for name, sql in tables.items()}
    finally:
        con.close()


@pytest.fixture(scope="module")
def clean(corpus, tmp_path_factory, pipeline) -> dict[str, dict[str, list[tuple]]]:
    """What an uninterrupted run of each command stores."""
    folder = tmp_path_factory.mktemp("clean")
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SITROOM_DB", raising=False)
        mp.delenv("SITROOM_FAULT", raising=False)
        mp.setattr(sitroom.pipeline, "Pipeline", lambda *a, **kw: pipeline)
        for kind in ("ingest", "watch"):
            db = folder / f"{kind}.duckdb"
            run_here(command(kind, corpus, db))
            out[kind] = canonical(db)
    assert out["ingest"]["stories"] and out["ingest"]["story_mentions"]
    assert len(out["ingest"]["story_mentions"]) == len(out["ingest"]["events"])
    return out


@pytest.mark.slow
@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("kind", ["ingest", "watch"])
def test_a_run_killed_at_any_stage_is_completed_by_the_next(kind, stage, corpus, clean, tmp_path, in_process):
    db = tmp_path / "crash.duckdb"
    script = Path(sys.executable).parent / "sitroom"
    env = {**{k: v for k, v in os.environ.items() if k != "SITROOM_DB"}, "SITROOM_FAULT": stage}
    killed = subprocess.run([str(script), *command(kind, corpus, db)], capture_output=True, text=True, env=env,
                            cwd=tmp_path, timeout=300)  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, f"the {kind} run was not killed at {stage}: {killed.stderr}"
    left = canonical(db)
    assert left["stories"] == [], "killed before its stories were committed"
    if stage == "articles-written":  # killed inside the batch's transaction: nothing of it is stored
        assert left["articles"] == [] and left["events"] == []
    else:  # the batch was committed whole
        assert left["articles"] == clean[kind]["articles"] and left["events"] == clean[kind]["events"]

    output = run_here(command(kind, corpus, db))  # the next run, with nothing new to read

    assert canonical(db) == clean[kind]
    if stage != "articles-written":
        assert "stories left by an interrupted run: " in output
        assert f"{len(clean[kind]['events'])} new mentions -> {len(clean[kind]['stories'])} new story events" in output
    again = run_here(command(kind, corpus, db))  # and then there is nothing left to do
    assert "interrupted" not in again and canonical(db) == clean[kind]


# --- what the kill leaves, recovered in this process --------------------------------------------------


def stored_without_stories(pipeline, corpus: Path, db: Path) -> int:
    """The store a run leaves when it is killed after writing its batch and before its stories."""
    with Store(db) as store:
        report = pipeline.ingest([corpus], store)
        assert report.articles == len(CORPUS) and not store.query("SELECT * FROM stories")
        return report.events


def unassigned(db: Path) -> int:
    with Store(db) as store:
        return len(store.unassigned_mentions())


def test_a_watcher_restarted_after_a_kill_builds_the_stories(pipeline, corpus, tmp_path):
    db = tmp_path / "w.duckdb"
    events = stored_without_stories(pipeline, corpus, db)
    with Store(db) as store:
        watcher = Watcher([str(corpus)], store, pipeline, every=60.0, options=IngestOptions())
        report = watcher.poll_once()
        assert store.unassigned_mentions() == []  # every event is in a story ...
        (source,) = report.sources
        assert (source.articles, source.unchanged) == (0, len(CORPUS))  # ... though nothing was new
        assert report.recovered is not None and report.recovered.mentions == events
        assert not store.stories_pending()
        assert watcher.poll_once().recovered is None  # once done, nothing is pending


def test_a_retried_post_builds_the_stories_a_killed_server_left(pipeline, corpus, tmp_path):
    from sitroom.ingest.readers import record_item

    db = tmp_path / "s.duckdb"
    records = [
        {"id": name.removesuffix(".txt"), "published": name[:10], "text": (corpus / name).read_text(encoding="utf-8")}
        for name in CORPUS
    ]
    with Store(db) as store:  # what the killed request had stored: its articles and events, no stories
        report = pipeline.ingest_items([record_item(f"api#{n}", "api", r) for n, r in enumerate(records, 1)], store)
        assert report.articles == len(CORPUS) and report.events > 0
    auth = {"authorization": "Bearer t0ken"}
    with TestClient(create_app(db, token="t0ken", pipeline_factory=lambda: pipeline)) as client:
        retry = client.post("/api/articles", json=records, headers=auth)
        assert retry.status_code == 201, retry.text
        body = retry.json()
        assert (body["stored"], body["unchanged"], body["failed"]) == (0, len(CORPUS), 0)
        assert body["stories"] is not None and body["stories"]["new"] > 0
        assert unassigned(db) == 0
        assert client.get("/api/status").json()["stories"] == body["stories"]["new"]
        again = client.post("/api/articles", json=records, headers=auth).json()
        assert again["unchanged"] == len(CORPUS) and again["stories"] is None  # nothing was pending any more

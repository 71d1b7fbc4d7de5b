"""A store another process is using: DuckDB lets one process at a time write a file and
refuses every other process meanwhile, readers too. Writers hold the file only while they
work with it; everyone else waits for it (``--wait``, ``wait=``), saying once who holds it,
and after the wait stops with E117. Tested with real processes: the lock is per process."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sitroom
from sitroom.cli import app
from sitroom.errors import StoreError
from sitroom.store import Store
from sitroom.stories import update_stories

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's TestClient warns about httpx's future
    from fastapi.testclient import TestClient

from sitroom.server import app as server_app  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).parent / "sitroom"
runner = CliRunner()
HOLD = (
    "import sys, time, duckdb; con = duckdb.connect(sys.argv[1], read_only=sys.argv[3] == 'ro'); "
    "print('holding', flush=True); time.sleep(float(sys.argv[2]))"
)


def flat(text: str) -> str:
    return " ".join(text.split())


@contextmanager
def held(db: Path, seconds: float = 60.0, mode: str = "rw"):
    """Another process with the store open, for writing (``rw``) or reading (``ro``)."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(db), str(seconds), mode], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert proc.stdout.readline().strip() == "holding", proc.stderr.read()
        yield proc
    finally:
        proc.kill()
        proc.wait()


def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("SITROOM_DB", "SITROOM_FAULT")}


@pytest.fixture()
def db(tmp_path, mini_pipeline) -> Path:
    path = tmp_path / "room.duckdb"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Israel struck Iran on Tuesday.\n")
    (corpus / "b.txt").write_text("Iran condemned Israel.\n")
    with Store(path) as store:
        mini_pipeline.ingest([corpus], store)
        update_stories(store)
    return path


def test_a_store_held_by_another_process_is_waited_for_then_refused_with_e116(db):
    with held(db) as holder:
        result = runner.invoke(app, ["summary", "--db", str(db), "--wait", "0.5"])
        out = flat(result.output)
        assert result.exit_code == 1, out
        assert out.count("waiting: ") == 1  # said once, not at every retry
        assert f"is in use by process {holder.pid} (" in out and "waiting up to 0.5 s" in out
        assert f"error: [E117] store {db} is locked by process {holder.pid}" in out and "--wait" in out
        assert "Could not set lock" not in out  # not DuckDB's own words

        told: list[str] = []
        with pytest.raises(StoreError) as info:
            Store(db, read_only=True, wait=0.3, on_wait=told.append)
        assert type(info.value).__name__ == "StoreLockedError" and info.value.code == "E117"
        assert str(info.value).startswith("[E117]")
        assert len(told) == 1 and f"process {holder.pid}" in told[0]
        with pytest.raises(StoreError, match=r"^\[E117\]"):
            sitroom.open(db, wait=0)

        holder.kill()  # the other process ends: a reader waiting for it gets in
        with sitroom.open(db, wait=20) as room:
            assert len(room.stories()) >= 1


def test_the_holder_is_named_by_its_command_line():
    from sitroom.store import lock_holder

    message = f'IO Error: Could not set lock on file "x.duckdb": Conflicting lock is held in /usr/bin/python3 (PID {os.getpid()}).'
    assert lock_holder(message).startswith(f"process {os.getpid()} (")
    gone = 'IO Error: Could not set lock on file "x.duckdb": Conflicting lock is held in /usr/bin/python3 (PID 999999999).'
    assert lock_holder(gone) == "process 999999999 (/usr/bin/python3)"  # no such process to ask: DuckDB's words
    assert lock_holder("IO Error: Could not set lock on file") == "another process"


def test_the_server_lets_go_of_the_store_between_requests(db):
    """A reading server does not keep another process from writing the store."""
    with TestClient(server_app.create_app(db)) as client:
        assert client.get("/api/status").json()["articles"] == 2
        time.sleep(1.5)  # no request for a while
        with held(db, mode="rw"):  # another process can write the store (raises if it cannot open it)
            pass
        assert client.get("/api/status").json()["articles"] == 2  # and the server reads it again


def test_a_request_that_finds_the_store_held_waits_then_answers_503(db):
    with TestClient(server_app.create_app(db, wait=0.5)) as client:
        assert client.get("/api/status").status_code == 200
        time.sleep(server_app.LINGER + 0.5)
        with held(db, mode="rw"):
            r = client.get("/api/status")
            assert r.status_code == 503 and r.headers["retry-after"] == "5"
            assert r.json()["error"].startswith(f"[E117] store {db} is locked by process")
        assert client.get("/api/status").status_code == 200  # free again


@pytest.mark.slow
def test_summary_succeeds_while_a_watch_process_runs(db, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    watch = subprocess.Popen(
        [str(SCRIPT), "watch", str(inbox), "--db", str(db), "--every", "1s", "--rules-only"],
        stderr=subprocess.PIPE, text=True, env=env(), cwd=tmp_path,
    )  # fmt: skip
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in watch.stderr], daemon=True).start()

    def wait_for(words: str) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if words in lines.get(timeout=1):
                    return
            except queue.Empty:
                assert watch.poll() is None, "the watch process ended"
        raise AssertionError(f"the watch process never printed {words!r}")

    try:
        wait_for(f"{inbox}: ")  # it has polled once: spaCy is loaded, the watch is running
        for n in range(3):  # give it something to write meanwhile
            (inbox / f"new-{n}.txt").write_text(f"Iran fired missiles at Israel on day {n}. Israel struck Iran.\n")
        for _ in range(3):
            done = subprocess.run([str(SCRIPT), "summary", "--db", str(db), "--wait", "20"], capture_output=True,
                                  text=True, env=env(), cwd=tmp_path, timeout=120)  # fmt: skip
            assert done.returncode == 0, done.stderr
            assert done.stdout.startswith(f"Store {db}")
            with sitroom.open(db, wait=20) as room:  # and a notebook, in this process
                assert len(room.events()) >= 2
            time.sleep(0.5)
        wait_for("new articles")
        assert watch.poll() is None  # the watch was never stopped by the readers
    finally:
        watch.terminate()
        watch.wait(timeout=60)
    with Store(db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM articles") == 5


def test_a_server_watching_a_folder_lets_other_processes_read_between_rounds(db, tmp_path, mini_pipeline):
    """serve --watch: the watcher's writes and the requests share the store in one process,
    and other processes can open it between them."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "c.jsonl").write_text(json.dumps({"id": "c", "text": "Iran threatened Israel."}) + "\n")
    app = server_app.create_app(db, watch=[str(inbox)], every=0.2, pipeline_factory=lambda: mini_pipeline)
    with TestClient(app) as client:
        deadline = time.monotonic() + 60
        while client.get("/api/status").json()["articles"] < 3:
            assert time.monotonic() < deadline, "the watcher did not store the new article"
            time.sleep(0.1)
        done = subprocess.run([sys.executable, "-c", "import sitroom, sys; print(len(sitroom.open(sys.argv[1]).events()))",
                               str(db)], capture_output=True, text=True, env=env(), timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert int(done.stdout) >= 3
        assert client.get("/api/events?article_id=c").json()["total"] >= 1

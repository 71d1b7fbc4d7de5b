"""``sitroom ingest --workers N``: parsing and coding in worker processes stores exactly what one
process stores (articles, revisions, sentences, events, copy groups, stories, problems), in the
same order; a failure coding one article is a problem of that article; Ctrl-C leaves no worker.

The stores are compared through what a user sees of them: the JSONL exports of events, stories
and threats, byte for byte, and every stored row of the article tables. Only what is by nature
per run is left out: ``ingested_at`` and ``superseded_at`` (when a row was written) and the
``run_id`` and ``logged_at`` of a recorded problem."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from sitroom.cli import app
from sitroom.pipeline import IngestOptions
from sitroom.store import Store

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "corpus"

# every stored row a user can reach, minus the columns that say when a run wrote it
TABLES = {
    "articles": ("* EXCLUDE (ingested_at)", "article_id"),
    "article_revisions": ("* EXCLUDE (ingested_at, superseded_at)", "article_id, revision"),
    "removals": ("*", "article_id, line, rule, text"),
    "sentences": ("*", "article_id, sentence_index"),
    "article_copies": ("*", "article_id"),
    "ingest_errors": ("* EXCLUDE (run_id, logged_at)", "source, code, message"),
}


@pytest.fixture()
def clean_env(monkeypatch, tmp_path):
    monkeypatch.delenv("SITROOM_DB", raising=False)
    monkeypatch.delenv("SITROOM_FAULT", raising=False)
    monkeypatch.chdir(tmp_path)


def paragraphs() -> list[str]:
    """The demo corpus's paragraphs that the cleaner keeps whole."""
    from sitroom.ingest.clean import clean

    out = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        body = path.read_text(encoding="utf-8").split("\n", 1)[1]
        out += [p.strip() for p in body.split("\n\n") if len(p.split()) > 12]
    return [p for p in out if not clean(p).removals]


def messy_corpus(root: Path) -> Path:
    """The demo corpus, a binary file, and a JSONL of 54 more records (three batches in all):
    one record twice with the same content, one twice with new content in the same batch,
    one whose new content comes two batches later, and a new revision of a demo article."""
    corpus = root / "corpus"
    shutil.copytree(EXAMPLES, corpus)
    (corpus / "bad.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00binary")
    paras = paragraphs()
    records = [
        {"id": f"extra-{n}", "text": f"{paras[n % len(paras)]}\n\n{paras[(7 * n + 3) % len(paras)]}", "published": "2024-04-15"}
        for n in range(48)
    ]
    dup = {"id": "dup", "text": paras[1], "published": "2024-04-14"}
    records[2:2] = [dup, dup]
    records[5:5] = [{"id": "rev", "text": paras[2]}, {"id": "rev", "text": paras[2] + "\n\nIran denied it."}]
    records.insert(8, {"id": "late", "text": paras[4]})
    records.append({"id": "late", "text": paras[4] + "\n\nOfficials in Tehran declined to comment."})
    damascus = (EXAMPLES / "2024-04-01-damascus-strike.txt").read_text(encoding="utf-8")
    records.append({"id": "2024-04-01-damascus-strike", "text": damascus + "\n\nThe death toll rose to sixteen.\n"})
    (corpus / "zz-more.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return corpus


def invoke(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), env=env)


def ingest(corpus: Path, db: Path, *options: str, env: dict[str, str] | None = None):
    result = invoke("ingest", str(corpus), "--db", str(db), "--no-progress", *options, env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def exports(db: Path) -> dict[str, str]:
    """What a user can read of a store: its exports, and every row of its article tables."""
    out = {}
    for command in ("events", "stories", "threats"):
        result = invoke(command, "--db", str(db), "--format", "jsonl")
        assert result.exit_code == 0, result.output
        out[command] = result.stdout
    con = duckdb.connect(str(db), read_only=True)
    try:
        for table, (columns, order) in TABLES.items():
            cursor = con.execute(f"SELECT {columns} FROM {table} ORDER BY {order}")
            names = [d[0] for d in cursor.description]
            out[table] = "".join(json.dumps(dict(zip(names, row)), default=str) + "\n" for row in cursor.fetchall())
    finally:
        con.close()
    return out


def summary(result, db: Path) -> str:
    return " ".join(result.stderr.split()).replace(str(db), "DB")


def test_two_workers_store_exactly_what_one_process_stores(tmp_path, clean_env):
    corpus = messy_corpus(tmp_path)
    one = ingest(corpus, tmp_path / "one.duckdb", "--workers", "1")
    two = ingest(corpus, tmp_path / "two.duckdb", "--workers", "2", "--pool-after", "0")

    assert one.exit_code == two.exit_code == 1  # the binary file failed
    assert summary(one, tmp_path / "one.duckdb") == summary(two, tmp_path / "two.duckdb")
    assert "78 articles stored (3 as new revisions of stored ones)" in " ".join(one.stderr.split())
    assert "1 already stored; 1 failed" in one.stderr
    first, second = exports(tmp_path / "one.duckdb"), exports(tmp_path / "two.duckdb")
    for name in first:
        assert first[name] == second[name], name
    assert first["events"].count("\n") > 100 and first["stories"] and first["article_copies"]
    revisions = [json.loads(line) for line in first["article_revisions"].splitlines()]
    assert sorted((r["article_id"], r["revision"]) for r in revisions) == [("2024-04-01-damascus-strike", 1), ("late", 1), ("rev", 1)]
    assert '"code": "E102"' in first["ingest_errors"]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_an_article_whose_coding_fails_is_a_problem_and_the_rest_is_stored(tmp_path, clean_env, workers):
    env = {"SITROOM_FAULT": "code-article:2024-04-10-biden-iron-clad"}
    result = ingest(EXAMPLES, tmp_path / "s.duckdb", "--workers", workers, "--pool-after", "0", env=env)

    assert result.exit_code == 1
    output = " ".join(result.stderr.split())
    assert "2024-04-10-biden-iron-clad.txt: [E121] article '2024-04-10-biden-iron-clad' could not be coded: CodingFault" in output
    assert "23 articles stored" in output and "1 failed (1 unsupported file type, 1 article could not be coded)" in output
    with Store(str(tmp_path / "s.duckdb"), read_only=True) as store:
        ids = {r[0] for r in store.query("SELECT article_id FROM articles")}
        errors = store.query("SELECT source, code FROM ingest_errors WHERE failure")
    assert len(ids) == 23 and "2024-04-10-biden-iron-clad" not in ids
    assert errors == [(str(EXAMPLES / "2024-04-10-biden-iron-clad.txt"), "E121")]

    again = ingest(EXAMPLES, tmp_path / "s.duckdb", "--workers", workers, "--pool-after", "0")  # the fault is gone
    assert "1 articles stored" in again.stderr and "23 already stored" in again.stderr


def test_a_small_run_is_coded_without_starting_the_pool(tmp_path, clean_env, monkeypatch):
    import sitroom.parallel

    def no_pool(*args, **kwargs):
        raise AssertionError("the worker pool was started")

    monkeypatch.setattr(sitroom.parallel, "ProcessPoolExecutor", no_pool)
    result = ingest(EXAMPLES, tmp_path / "s.duckdb", "--workers", "2")  # 24 articles: one batch, under --pool-after 4
    assert "24 articles stored" in result.stderr
    with pytest.raises(AssertionError, match="pool was started"):
        ingest(EXAMPLES, tmp_path / "t.duckdb", "--workers", "2", "--pool-after", "0")


def test_python_api_workers_store_the_same_in_many_small_batches(tmp_path, mini_pipeline):
    corpus = messy_corpus(tmp_path)
    options = IngestOptions(batch_size=4, write_every=8, pool_after=0)  # 21 batches, many in flight at once
    rows = {}
    for workers in (1, 2):
        with Store(str(tmp_path / f"{workers}.duckdb")) as store:
            report = mini_pipeline.ingest([corpus], store, options, workers=workers)
            assert (report.articles, report.revised, report.unchanged, report.failed) == (78, 3, 1, 1)
            rows[workers] = [
                store.query("SELECT * EXCLUDE (ingested_at) FROM articles ORDER BY article_id"),
                store.query("SELECT * FROM sentences ORDER BY article_id, sentence_index"),
                store.query("SELECT * FROM coded_events ORDER BY event_id"),
                store.query("SELECT * FROM actors ORDER BY event_id, role, position"),
            ]
    assert rows[1] == rows[2] and rows[1][2]


def test_workers_option_is_checked(tmp_path, clean_env):
    result = invoke("ingest", str(EXAMPLES), "--db", str(tmp_path / "s.duckdb"), "--workers", "0")
    assert result.exit_code == 2
    result = invoke("ingest", str(EXAMPLES), "--db", str(tmp_path / "s.duckdb"), "--shard-dir", str(tmp_path))
    assert result.exit_code == 2 and "--shard-dir needs --dask" in result.stderr


def _processes_with(token: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if token.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="finds the workers through /proc")
@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM", "SIGKILL"])
def test_stopping_the_run_stops_the_workers(tmp_path, stop):
    """Ctrl-C and SIGTERM stop the run and its workers; a run killed outright (SIGKILL, the out-of-memory
    killer) leaves no workers coding for nobody either."""
    corpus = messy_corpus(tmp_path)
    token = f"sitroom-test-{uuid.uuid4().hex}"
    env = {k: v for k, v in os.environ.items() if k not in ("SITROOM_DB", "SITROOM_FAULT")} | {"SITROOM_TEST_RUN": token}
    script = Path(sys.executable).parent / "sitroom"
    run = subprocess.Popen(
        [str(script), "ingest", str(corpus), "--db", str(tmp_path / "s.duckdb"), "--workers", "2", "--pool-after", "0",
         "--no-progress"],
        env=env, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while len(_processes_with(token)) < 4 and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)  # the command, its two workers and their resource tracker
        assert run.poll() is None, f"the run ended before its workers were seen: {run.stderr.read()}"
        run.send_signal(getattr(signal, stop))
        run.wait(timeout=120)
        deadline = time.monotonic() + 60  # a worker still starting stops once started
        while _processes_with(token) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _processes_with(token) == [], "worker processes outlived the run"
        assert run.returncode != 0
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()


@pytest.mark.slow
def test_a_script_without_a_main_guard_fails_clearly_instead_of_hanging(tmp_path):
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import sys\n"
        "from sitroom import IngestOptions, Pipeline, Store\n"
        "with Store(sys.argv[2]) as store:\n"
        "    Pipeline(rules_only=True).ingest([sys.argv[1]], store, IngestOptions(pool_after=0), workers=2)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("SITROOM_DB", "SITROOM_FAULT")}
    run = subprocess.run([sys.executable, str(script), str(EXAMPLES), str(tmp_path / "s.duckdb")],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)  # fmt: skip
    assert run.returncode != 0
    assert "a worker process died" in run.stderr and 'if __name__ == "__main__":' in run.stderr

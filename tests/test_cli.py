"""The ``sitroom`` command, run in-process through Typer's CliRunner.

Commands that ingest use the session's mini pipeline (tests/data/mini) in
place of the production dictionaries, so these tests exercise the command
line, not the dictionaries; ``code`` and the one subprocess test use the
production data files."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import sitroom
import sitroom.pipeline
from sitroom.cli import app
from sitroom.store import PUBLIC_EVENT_COLUMNS

runner = CliRunner()


@pytest.fixture()
def workdir(tmp_path, monkeypatch, mini_pipeline):
    """Run commands from tmp_path, with no SITROOM_DB, ingesting through the mini pipeline."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SITROOM_DB", raising=False)
    monkeypatch.setattr(sitroom.pipeline, "Pipeline", lambda *a, **kw: mini_pipeline)
    return tmp_path


def make_corpus(root: Path, *, bad: bool = False) -> Path:
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Troops mass on the border\n\nIsrael struck Iran on Tuesday.\n")
    (corpus / "b.jsonl").write_text(
        json.dumps({"id": "j1", "text": "Iran condemned Israel.", "published": "2024-04-05", "outlet": "Wire"})
        + "\n"
        + json.dumps({"id": "j2", "text": "Blinken met his Egyptian counterpart in Cairo."})
        + "\n"
    )
    if bad:
        (corpus / "c.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00binary")
    return corpus


def flat(text: str) -> str:
    """Output with Rich's line wrapping undone."""
    return " ".join(text.split())


def invoke(*args: str, **kw):
    return runner.invoke(app, list(args), **kw)


def ingest_ok(*args: str):
    result = invoke("ingest", *args)
    assert result.exit_code == 0, result.output
    return result


def db_rows(path: str | Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# --- ingest -----------------------------------------------------------------------------------------


def test_ingest_with_a_bad_file_exits_1_and_records_the_error(workdir):
    make_corpus(workdir, bad=True)
    result = invoke("ingest", "corpus", "--db", "s.duckdb")
    assert result.exit_code == 1, result.output
    err = flat(result.stderr)
    assert "3 articles stored" in err
    assert "0 already stored" in err
    assert "1 failed" in err
    assert "binary file" in err
    assert "-> s.duckdb" in err
    assert "E102" in err and "c.txt" in err  # the failed item is named
    assert "Traceback" not in result.output
    assert sorted(r[0] for r in db_rows("s.duckdb", "SELECT article_id FROM articles")) == ["a", "j1", "j2"]
    assert db_rows("s.duckdb", "SELECT source, code, failure FROM ingest_errors") == [
        (str(Path("corpus") / "c.txt"), "E102", True)
    ]
    shown = invoke("errors", "--db", "s.duckdb")
    assert shown.exit_code == 0, shown.output
    assert "E102" in shown.stdout
    assert "c.txt" in flat(shown.stdout)


def test_ingest_clean_corpus_exits_0_and_again_stores_nothing(workdir):
    make_corpus(workdir)
    first = ingest_ok("corpus", "--db", "s.duckdb")
    assert "3 articles stored" in flat(first.stderr)
    assert "0 failed" in flat(first.stderr)
    n_events = db_rows("s.duckdb", "SELECT count(*) FROM events")[0][0]
    assert n_events >= 3
    second = ingest_ok("corpus", "--db", "s.duckdb")
    assert "0 articles stored" in flat(second.stderr)
    assert "3 already stored" in flat(second.stderr)
    assert db_rows("s.duckdb", "SELECT count(*), (SELECT count(*) FROM events) FROM articles") == [(3, n_events)]
    empty = invoke("errors", "--db", "s.duckdb")
    assert empty.exit_code == 0
    assert "no ingest problems" in empty.stdout


def test_readme_in_folder_does_not_fail_ingest(workdir):
    corpus = make_corpus(workdir)
    (corpus / "README.md").write_text("# notes\n")
    result = ingest_ok("corpus", "--db", "s.duckdb")
    assert "0 failed" in flat(result.stderr)


def test_missing_path_fails_ingest(workdir):
    make_corpus(workdir)
    result = invoke("ingest", "corpus", "nope.txt", "--db", "s.duckdb")
    assert result.exit_code == 1
    assert "E114" in result.stderr and "nope.txt" in result.stderr
    assert db_rows("s.duckdb", "SELECT count(*) FROM articles") == [(3,)]


def test_db_option_chooses_store(workdir):
    make_corpus(workdir)
    ingest_ok("corpus", "--db", "sub.duckdb")
    assert (workdir / "sub.duckdb").exists()
    assert not (workdir / "sitroom.duckdb").exists()
    assert db_rows("sub.duckdb", "SELECT count(*) FROM articles") == [(3,)]


def test_sitroom_db_env_chooses_store(workdir, monkeypatch):
    make_corpus(workdir)
    monkeypatch.setenv("SITROOM_DB", str(workdir / "env.duckdb"))
    ingest_ok("corpus")
    assert db_rows(workdir / "env.duckdb", "SELECT count(*) FROM articles") == [(3,)]
    assert not (workdir / "sitroom.duckdb").exists()
    result = invoke("summary")
    assert result.exit_code == 0, result.output
    assert "env.duckdb" in flat(result.stdout)
    # --db wins over the environment.
    ingest_ok("corpus", "--db", "flag.duckdb")
    assert (workdir / "flag.duckdb").exists()


def test_default_store_is_in_current_directory(workdir):
    make_corpus(workdir)
    ingest_ok("corpus")
    assert db_rows(workdir / "sitroom.duckdb", "SELECT count(*) FROM articles") == [(3,)]
    result = invoke("events", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) >= 3


def test_published_option_dates_undated_articles_only(workdir):
    make_corpus(workdir)
    ingest_ok("corpus", "--db", "s.duckdb", "--published", "2024-04-02")
    rows = dict(
        (r[0], r[1:]) for r in db_rows("s.duckdb", "SELECT article_id, published, published_from FROM articles")
    )
    assert rows["a"] == (date(2024, 4, 2), "option")
    assert rows["j2"] == (date(2024, 4, 2), "option")
    assert rows["j1"] == (date(2024, 4, 5), "metadata")


@pytest.mark.parametrize("value", ["yesterday", "2024-02-30", "04/02/2024"])
def test_bad_published_option_is_usage_error(workdir, value):
    make_corpus(workdir)
    result = invoke("ingest", "corpus", "--db", "s.duckdb", "--published", value)
    assert result.exit_code == 2, result.output
    assert value in result.stderr
    assert "YYYY-MM-DD" in flat(result.stderr)
    assert not (workdir / "s.duckdb").exists()


def test_outlet_option_fills_missing_outlet(workdir):
    make_corpus(workdir)
    ingest_ok("corpus", "--db", "s.duckdb", "--outlet", "Fallback Times")
    rows = dict(db_rows("s.duckdb", "SELECT article_id, outlet FROM articles"))
    assert rows == {"a": "Fallback Times", "j1": "Wire", "j2": "Fallback Times"}


def test_bad_actor_file_is_a_clear_error(workdir, monkeypatch, mini_pipeline):
    from conftest import MINI

    from sitroom.actors import load_actor_dictionary

    def pipeline_with_extra_actors(actor_files=(), **kw):
        # Loads the extra files the way Pipeline does, over the mini dictionary.
        load_actor_dictionary([MINI / "actors.jsonl", *actor_files], include_default=False)
        return mini_pipeline

    monkeypatch.setattr(sitroom.pipeline, "Pipeline", pipeline_with_extra_actors)
    make_corpus(workdir)
    (workdir / "bad_actors.jsonl").write_text('{"kind": "country", "code": "ATL", "name": "Atlantis", "names": ["Atlantis"]}\n{oops\n')
    result = invoke("ingest", "corpus", "--db", "s.duckdb", "--actors", "bad_actors.jsonl")
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception  # no traceback
    assert "E201" in result.stderr
    assert "bad_actors.jsonl:2" in flat(result.stderr)


# --- events -------------------------------------------------------------------------------------------


@pytest.fixture()
def stored(workdir):
    make_corpus(workdir)
    ingest_ok("corpus", "--db", "s.duckdb", "--published", "2024-04-02")
    n = db_rows("s.duckdb", "SELECT count(*) FROM events")[0][0]
    assert n >= 3
    return n


def test_events_jsonl_one_object_per_line_with_every_field(stored):
    result = invoke("events", "--db", "s.duckdb", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == stored
    rows = [json.loads(line) for line in lines]
    for row in rows:
        assert tuple(row) == PUBLIC_EVENT_COLUMNS
        assert row["trigger"] in row["sentence"]
    strike = next(r for r in rows if r["article_id"] == "a")
    assert strike["event_type"] == "ASSAULT"
    assert strike["published"] == "2024-04-02"
    assert [a["country"] for a in strike["actor"]] == ["ISR"]
    assert [a["country"] for a in strike["recipient"]] == ["IRN"]


def test_events_jsonl_limit_and_output_file(stored, workdir):
    result = invoke("events", "--db", "s.duckdb", "--format", "jsonl", "--limit", "2")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 2
    result = invoke("events", "--db", "s.duckdb", "-f", "jsonl", "-o", "out.jsonl")
    assert result.exit_code == 0, result.output
    assert len((workdir / "out.jsonl").read_text(encoding="utf-8").splitlines()) == stored
    assert f"{stored} events" in result.stderr


def test_events_csv_header_and_rows(stored):
    result = invoke("events", "--db", "s.duckdb", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == PUBLIC_EVENT_COLUMNS
    assert len(rows) == stored + 1
    records = [dict(zip(rows[0], r)) for r in rows[1:]]
    strike = next(r for r in records if r["article_id"] == "a")
    assert strike["event_type"] == "ASSAULT"
    assert [a["country"] for a in json.loads(strike["actor"])] == ["ISR"]
    assert json.loads(strike["span"])[0] < json.loads(strike["span"])[1]


def test_events_parquet_to_file(stored, workdir):
    result = invoke("events", "--db", "s.duckdb", "--format", "parquet", "--output", "f.parquet")
    assert result.exit_code == 0, result.output
    path = workdir / "f.parquet"
    assert path.exists()
    assert duckdb.sql(f"SELECT count(*) FROM read_parquet('{path}')").fetchall() == [(stored,)]
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    assert table.num_rows == stored
    assert tuple(table.column_names) == PUBLIC_EVENT_COLUMNS
    assert "ASSAULT" in table.column("event_type").to_pylist()
    # Native list and struct types, not JSON text.
    actor_type = table.schema.field("actor").type
    assert actor_type.num_fields == 1 and actor_type.value_type.num_fields == 4
    assert table.column("span").to_pylist()[0][0] < table.column("span").to_pylist()[0][1]
    assert all(isinstance(c, list) for c in table.column("contexts").to_pylist())


def test_events_parquet_without_output_fails_clearly(stored):
    result = invoke("events", "--db", "s.duckdb", "--format", "parquet")
    assert result.exit_code != 0
    assert "--output" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_events_table_prints(stored):
    result = invoke("events", "--db", "s.duckdb")
    assert result.exit_code == 0, result.output
    assert "ASSAULT" in result.stdout
    assert "CONSULT" in result.stdout
    assert "2024-04-02" in result.stdout


def test_events_unknown_format_is_usage_error(stored):
    result = invoke("events", "--db", "s.duckdb", "--format", "xml")
    assert result.exit_code == 2
    assert "xml" in result.stderr


def test_events_on_missing_store_fails_naming_path(workdir):
    result = invoke("events", "--db", "missing.duckdb", "--format", "jsonl")
    assert result.exit_code == 1
    assert "missing.duckdb" in result.stderr
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert not (workdir / "missing.duckdb").exists()


@pytest.mark.parametrize("command", ["summary", "errors"])
def test_read_commands_on_missing_store_fail_naming_path(workdir, command):
    result = invoke(command, "--db", "gone.duckdb")
    assert result.exit_code == 1
    assert "gone.duckdb" in result.stderr
    assert isinstance(result.exception, SystemExit)


# --- summary, version ---------------------------------------------------------------------------------


def test_summary_prints_counts(stored, workdir):
    n_sent = db_rows("s.duckdb", "SELECT count(*) FROM sentences")[0][0]
    result = invoke("summary", "--db", "s.duckdb")
    assert result.exit_code == 0, result.output
    text = flat(result.stdout)
    assert f"3 articles (2024-04-02 to 2024-04-05) from 2 outlets, {n_sent} sentences, {stored} events" in text
    assert "ASSAULT" in text
    assert "Ingest problems none" in text


def test_version_option():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"sitroom {sitroom.__version__}"


# --- code (production data) ----------------------------------------------------------------------------


def test_code_prints_assault_with_production_dictionaries():
    result = invoke("code", "Israel struck Iran.", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assault = [r for r in rows if r["event_type"] == "ASSAULT"]
    assert len(assault) == 1, rows
    event = assault[0]
    assert tuple(event) == PUBLIC_EVENT_COLUMNS
    assert event["trigger"] == "struck"
    assert [a["country"] for a in event["actor"]] == ["ISR"]
    assert [a["country"] for a in event["recipient"]] == ["IRN"]
    assert event["sentence"] == "Israel struck Iran."


# --- the installed command -------------------------------------------------------------------------------


@pytest.mark.slow
def test_installed_console_script(tmp_path):
    script = Path(sys.executable).parent / "sitroom"
    assert script.exists(), f"console script not installed next to {sys.executable}"
    env = {k: v for k, v in os.environ.items() if k != "SITROOM_DB"}
    version = subprocess.run([str(script), "--version"], capture_output=True, text=True, env=env, timeout=60)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"sitroom {sitroom.__version__}"

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "strike.txt").write_text("Israel struck Iran on Tuesday.\n")
    db = tmp_path / "x.duckdb"
    done = subprocess.run(
        [str(script), "ingest", str(corpus), "--db", str(db), "--no-progress"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "1 articles stored" in flat(done.stderr)
    assert db_rows(db, "SELECT article_id FROM articles") == [("strike",)]
    assert db_rows(db, "SELECT event_type FROM events") == [("ASSAULT",)]

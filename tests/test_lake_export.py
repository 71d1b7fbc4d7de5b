"""`sitroom export --parquet-dir`: events and story events as month-partitioned Parquet that
DuckDB and pandas read back whole, replacing an earlier export only once the new one is written."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from sitroom import lake
from sitroom.cli import app
from sitroom.pipeline import IngestOptions
from sitroom.store import PUBLIC_EVENT_COLUMNS, PUBLIC_STORY_COLUMNS, Store
from sitroom.stories import update_stories

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"


@pytest.fixture(scope="module")
def store_path(pipeline, tmp_path_factory):
    db = tmp_path_factory.mktemp("lake") / "s.duckdb"
    with Store(str(db)) as store:
        pipeline.ingest([CORPUS], store, IngestOptions())
        update_stories(store)
    return db


def _month(*days) -> str:
    for day in days:
        if day is not None:
            return day.strftime("%Y-%m")
    return "undated"


def _export(store_path: Path, target: Path, *args: str):
    return CliRunner().invoke(app, ["export", "--parquet-dir", str(target), "--db", str(store_path), *args])


def test_duckdb_reads_the_partitioned_events_and_stories_back(store_path, tmp_path):
    result = _export(store_path, tmp_path / "lake")
    assert result.exit_code == 0, result.output
    with Store(str(store_path), read_only=True) as store:
        events = list(store.iter_public_events())
        stories = store.public_stories(1, None)
    assert events and stories
    expected_events = Counter(_month(e["event_date"], e["published"]) for e in events)
    expected_stories = Counter(_month(s["event_date"], s["first_reported"]) for s in stories)
    assert len(expected_events) > 1  # several partitions, the undated ones among them
    assert "undated" in expected_events

    con = duckdb.connect()
    by_month = dict(con.sql(
        f"SELECT month, count(*) FROM read_parquet('{tmp_path}/lake/events/*/*.parquet', hive_partitioning = true) GROUP BY month"
    ).fetchall())  # fmt: skip
    assert by_month == dict(expected_events)
    story_months = dict(con.sql(
        f"SELECT month, count(*) FROM read_parquet('{tmp_path}/lake/stories/*/*.parquet', hive_partitioning = true) GROUP BY month"
    ).fetchall())  # fmt: skip
    assert story_months == dict(expected_stories)

    # native types: a date stays a date, an actor list stays a list of structs, one event is the same row
    first = events[0]
    rel = con.sql(
        f"SELECT * EXCLUDE (month) FROM read_parquet('{tmp_path}/lake/events/*/*.parquet', hive_partitioning = true) "
        "WHERE event_id = ?", params=[first["event_id"]],
    )  # fmt: skip
    assert rel.columns == list(PUBLIC_EVENT_COLUMNS)
    assert dict(zip(rel.columns, rel.fetchall()[0])) == first

    manifest = json.loads((tmp_path / "lake" / lake.MANIFEST).read_text())
    assert (manifest["events"], manifest["stories"]) == (len(events), len(stories))
    assert manifest["months"] == len(set(expected_events) | set(expected_stories))
    assert "events" in result.output and str(len(events)) in result.output


def test_pandas_reads_the_export_as_one_frame(store_path, tmp_path):
    assert _export(store_path, tmp_path / "lake").exit_code == 0
    events = pd.read_parquet(tmp_path / "lake" / "events")
    stories = pd.read_parquet(tmp_path / "lake" / "stories")
    with Store(str(store_path), read_only=True) as store:
        assert len(events) == store.counts()["events"]
        assert len(stories) == store.count_stories()
    assert set(events.columns) == set(PUBLIC_EVENT_COLUMNS) | {"month"}
    assert set(stories.columns) == set(PUBLIC_STORY_COLUMNS) | {"month"}
    assert stories["mentions"].map(len).sum() == stories["n_mentions"].sum()


def test_a_filtered_export_replaces_the_earlier_one_with_no_stale_month_left(store_path, tmp_path):
    target = tmp_path / "lake"
    assert _export(store_path, target).exit_code == 0
    months_all = {p.name for p in (target / "events").iterdir()}
    result = _export(store_path, target, "--since", "2024-04-10", "--until", "2024-04-20")
    assert result.exit_code == 0, result.output
    assert {p.name for p in (target / "events").iterdir()} == {"month=2024-04"} != months_all
    dates = duckdb.sql(f"SELECT min(event_date), max(event_date) FROM read_parquet('{target}/events/*/*.parquet')").fetchall()[0]
    assert str(dates[0]) >= "2024-04-10" and str(dates[1]) <= "2024-04-20"
    assert json.loads((target / lake.MANIFEST).read_text())["filters"] == {"since": "2024-04-10", "until": "2024-04-20"}
    assert [p.name for p in tmp_path.iterdir()] == ["lake"]  # no staging folder left beside it


def test_a_folder_holding_something_else_is_never_overwritten(store_path, tmp_path):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("keep me")
    result = _export(store_path, target)
    assert result.exit_code == 2
    assert "not empty" in result.output and "mine" in result.output
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    a_file = tmp_path / "file.parquet"
    a_file.write_text("x")
    result = _export(store_path, a_file)
    assert result.exit_code == 2 and "not a folder" in result.output
    assert a_file.read_text() == "x"


def test_a_failed_export_leaves_the_earlier_one_whole(store_path, tmp_path, monkeypatch):
    target = tmp_path / "lake"
    assert _export(store_path, target).exit_code == 0
    before = sorted(str(p.relative_to(target)) for p in target.rglob("*"))
    real = lake._write

    def failing(reader, base, name, progress):
        if name == "stories":
            raise OSError("disk full")
        return real(reader, base, name, progress)

    monkeypatch.setattr(lake, "_write", failing)
    with Store(str(store_path), read_only=True) as store, pytest.raises(OSError, match="disk full"):
        lake.export_lake(store, target)
    assert sorted(str(p.relative_to(target)) for p in target.rglob("*")) == before
    assert [p.name for p in tmp_path.iterdir()] == ["lake"]


def test_the_python_api_writes_the_same_export(store_path, tmp_path):
    import sitroom

    with sitroom.open(store_path) as situation:
        report = situation.export_parquet_dir(tmp_path / "lake", type="ASSAULT")
        assert report.events == len(situation.events(type="ASSAULT")) > 0
    assert set(pd.read_parquet(tmp_path / "lake" / "events")["event_type"]) == {"ASSAULT"}

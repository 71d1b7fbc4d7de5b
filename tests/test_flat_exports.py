"""Story events as flat rows in the field's formats (GDELT-style, ACLED-style, PLOVER JSON),
built from a store of the bundled sample corpus coded by the production rules."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sitroom.cli import app

from sitroom.export import write_csv
from sitroom.flat import ACLED_COLUMNS, GDELT_COLUMNS, acled_type, flat_rows
from sitroom.pipeline import IngestOptions
from sitroom.store import Store
from sitroom.stories import update_stories

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"


@pytest.fixture(scope="module")
def store_path(pipeline, tmp_path_factory):
    db = tmp_path_factory.mktemp("flat") / "s.duckdb"
    with Store(str(db)) as store:
        pipeline.ingest([CORPUS], store, IngestOptions())
        update_stories(store)
    return db


@pytest.fixture(scope="module")
def stories(store_path):
    with Store(str(store_path)) as store:
        rows = store.public_stories(1, None)
        event_dead = sum(r["dead"] or 0 for r in store.iter_public_events())
    assert rows
    return rows, event_dead


def test_gdelt_and_acled_column_lists_are_pinned():
    assert GDELT_COLUMNS == (
        "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year",
        "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1Type1Code",
        "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2Type1Code",
        "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
        "NumMentions", "NumSources", "NumArticles",
        "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_Lat", "ActionGeo_Long", "SOURCEURL",
    )  # fmt: skip
    assert ACLED_COLUMNS == (
        "event_id_cnty", "event_date", "year", "event_type", "sub_event_type", "actor1", "actor2",
        "country", "iso3", "location", "latitude", "longitude", "geo_precision", "fatalities", "notes", "source",
    )  # fmt: skip


def _csv(rows, columns) -> pd.DataFrame:
    buf = io.StringIO()
    write_csv(rows, buf, columns=columns)
    buf.seek(0)
    return pd.read_csv(buf)


def test_gdelt_csv_loads_in_pandas_one_row_per_story(stories):
    rows, _ = stories
    frame = _csv(flat_rows(rows, "gdelt"), GDELT_COLUMNS)
    assert list(frame.columns) == list(GDELT_COLUMNS)
    assert len(frame) == len(rows) and frame["GLOBALEVENTID"].is_unique
    dated = frame.dropna(subset=["SQLDATE"])
    assert len(dated) and dated["SQLDATE"].astype(int).astype(str).str.fullmatch(r"\d{8}").all()
    # Actor1Code is the country followed by the sector, as GDELT writes "ISRMIL"
    first = rows[0]["actor"][0]
    assert frame.loc[0, "Actor1Code"] == f"{first['country']}{first['sector'] or ''}"
    assert frame["EventRootCode"].dropna().astype(int).between(1, 20).all()


def test_acled_csv_loads_with_story_level_fatalities(stories, pipeline):
    rows, event_dead = stories
    frame = _csv(flat_rows(rows, "acled", pipeline.actors.country_name), ACLED_COLUMNS)
    assert list(frame.columns) == list(ACLED_COLUMNS)
    assert len(frame) == len(rows) and frame["event_id_cnty"].is_unique
    # each story's consensus toll once, not the figure every report repeats
    assert frame["fatalities"].sum() == sum(r["dead"] or 0 for r in rows)
    assert frame["fatalities"].sum() < event_dead
    assert pd.to_datetime(frame["event_date"]).notna().any()
    assert set(frame["event_type"]) <= {
        "Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots", "Strategic developments",
    }  # fmt: skip
    assert (frame.loc[frame["country"].notna(), "country"] != frame.loc[frame["country"].notna(), "iso3"]).all()


@pytest.mark.parametrize(
    ("plover", "cameo", "sectors", "expected"),
    [
        ("ASSAULT", "195", set(), ("Explosions/Remote violence", "Air/drone strike")),
        ("ASSAULT", "1831", set(), ("Explosions/Remote violence", "Suicide bomb")),
        ("ASSAULT", "190", {"CVL"}, ("Violence against civilians", "Attack")),
        ("ASSAULT", "190", {"MIL"}, ("Battles", "Armed clash")),
        ("PROTEST", "145", set(), ("Riots", "Violent demonstration")),
        ("PROTEST", "141", set(), ("Protests", "Peaceful protest")),
        ("COERCE", "173", set(), ("Strategic developments", "Arrests")),
        ("CONSULT", "040", set(), ("Strategic developments", "Other")),
    ],
)
def test_the_acled_crosswalk(plover, cameo, sectors, expected):
    assert acled_type(plover, cameo, sectors) == expected


def test_plover_records_use_the_specification_field_names(stories):
    rows, _ = stories
    records = list(flat_rows(rows, "plover"))
    assert len(records) == len(rows)
    spec = {"id", "date", "source", "recipient", "event", "event_loc", "event_text", "quad_code", "event_scale",
            "cite_info", "coder", "cameo", "modality", "dead", "injured", "confidence"}  # fmt: skip
    for rec in records:
        assert set(rec) <= spec and {"id", "date", "source", "event"} <= set(rec)
        assert all(set(a) <= {"code", "sector", "actor_text", "identifier_text"} for a in rec["source"] + rec["recipient"])
        json.dumps(rec)  # plain JSON: no dates or other Python objects
        articles = [c for c in rec["cite_info"]]
        assert len(articles) <= next(r for r in rows if r["story_id"] == rec["id"])["n_articles"]


def test_an_unknown_style_is_refused():
    with pytest.raises(ValueError, match="unknown column style 'cameo'"):
        list(flat_rows([], "cameo"))


# --- the command line: every listing in csv, jsonl and parquet, to stdout or -o ---------------------------

runner = CliRunner()


def _run(*args):
    result = runner.invoke(app, list(args))
    return result


@pytest.mark.parametrize("style", ["gdelt", "acled"])
def test_story_exports_in_the_fields_columns_load_one_row_per_story(store_path, stories, tmp_path, style):
    rows, _ = stories
    columns = {"gdelt": GDELT_COLUMNS, "acled": ACLED_COLUMNS}[style]
    result = _run("stories", "--db", str(store_path), "--format", "csv", "--columns", style)
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert list(frame.columns) == list(columns) and len(frame) == len(rows)
    out = tmp_path / f"{style}.parquet"
    result = _run("stories", "--db", str(store_path), "--format", "parquet", "--columns", style, "-o", str(out))
    assert result.exit_code == 0, result.output
    parquet = pd.read_parquet(out)
    assert list(parquet.columns) == list(columns) and len(parquet) == len(rows)


def test_plover_story_export_is_json_lines(store_path, stories):
    rows, _ = stories
    result = _run("stories", "--db", str(store_path), "--format", "jsonl", "--columns", "plover")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(rows) and all(r["event"] and r["id"].startswith("S") for r in records)


def test_column_styles_do_not_apply_to_the_table(store_path):
    result = _run("stories", "--db", str(store_path), "--columns", "gdelt")
    assert result.exit_code == 2 and "--columns applies to csv, jsonl and parquet" in " ".join(result.output.split())


@pytest.mark.parametrize("command", [["threats"], ["alerts"], ["network"], ["timeline", "--dyad", "IRN-ISR"], ["events"]])
def test_every_listing_writes_csv_jsonl_and_parquet(store_path, tmp_path, command):
    base = [*command, "--db", str(store_path)]
    jsonl = _run(*base, "--format", "jsonl")
    assert jsonl.exit_code == 0, jsonl.output
    records = [json.loads(line) for line in jsonl.stdout.splitlines()]
    csv_out = _run(*base, "--format", "csv")
    assert csv_out.exit_code == 0, csv_out.output
    frame = pd.read_csv(io.StringIO(csv_out.stdout))
    assert len(frame) == len(records)
    # one convention: lists are JSON in CSV cells, never Python reprs; dates are days
    assert "['" not in csv_out.stdout and "T00:00:00" not in csv_out.stdout + jsonl.stdout
    parquet = tmp_path / "out.parquet"
    result = _run(*base, "--format", "parquet", "-o", str(parquet))
    assert result.exit_code == 0, result.output
    assert len(pd.read_parquet(parquet)) == len(records)
    import pyarrow.parquet as pq

    # Parquet keeps dates as dates (not the ISO text of CSV and JSON)
    schema = pq.read_schema(parquet)
    for name in ("period", "event_date", "published", "date"):
        if name in schema.names:
            assert str(schema.field(name).type) in ("date32[day]", "null"), (name, schema.field(name).type)
    written = tmp_path / "out.csv"
    assert _run(*base, "--format", "csv", "-o", str(written)).exit_code == 0
    assert written.read_text(encoding="utf-8") == csv_out.stdout


def test_parquet_needs_an_output_file(store_path):
    result = _run("threats", "--db", str(store_path), "--format", "parquet")
    assert result.exit_code == 2 and "--format parquet needs --output FILE" in result.output

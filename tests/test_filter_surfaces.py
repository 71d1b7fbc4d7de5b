"""One filter language on three surfaces (README, "Filters"): the same filter
gives the same event rows in the CLI (--format jsonl), the Python API and the
HTTP API; unknown names and dyads are errors with suggestions everywhere (exit
2, 422, ValueError); since after until is an error everywhere; timelines per
month and of named actors; the threat ledger takes names, recipient, type and dates."""

from __future__ import annotations

import json
import warnings
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's TestClient warns about httpx's future
    from fastapi.testclient import TestClient

import sitroom
from sitroom.cli import app
from sitroom.pipeline import IngestOptions
from sitroom.server.app import create_app
from sitroom.store import Store
from sitroom.stories.update import update_stories

runner = CliRunner()


# --- the same rows on three surfaces ----------------------------------------------------------------------


def article(aid: str, published: str, text: str, outlet: str = "Wire A") -> dict:
    return {"id": aid, "title": f"Title {aid}", "outlet": outlet, "url": f"https://news.example/{aid}",
            "published": published, "text": text}  # fmt: skip


CORPUS = [
    article("f1", "2024-10-26", "Israel struck military sites in Iran on Saturday, the Israeli military said."),
    article("f2", "2024-10-26", "Israeli warplanes attacked Iran on Saturday, hitting targets near Tehran.", "Paper C"),
    article("f3", "2024-10-09", "Iran fired about 180 ballistic missiles at Israel on Tuesday.", "Paper C"),
    article("f4", "2024-10-06", "Iran threatened on Sunday to strike Israel. Officials in Tehran gave no timetable."),
    article("f5", "2024-10-14", "Israel struck Hezbollah targets in Lebanon on Monday. The Israeli army gave no details."),
    article("f6", "2024-10-15", "Hezbollah fired rockets at northern Israel on Tuesday, the Israeli army said.", "Paper D"),
    article("f7", "2024-09-20", "Iran may strike Israel, an Iranian official warned on Friday.", "Paper D"),
    article("f8", "2024-11-04", "Hezbollah fired drones at an Israeli base near Haifa on Monday.", "Wire A"),
    article("f9", "2024-10-16", "Iran's foreign minister met his Qatari counterpart in Doha on Wednesday to discuss the war.", "Paper C"),
    article("f10", "2024-10-18", "The United States imposed new sanctions on Iran on Friday.", "Wire A"),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory, hybrid_pipeline) -> Path:
    root = tmp_path_factory.mktemp("filters")
    src = root / "corpus.jsonl"
    src.write_text("".join(json.dumps(a) + "\n" for a in CORPUS), encoding="utf-8")
    path = root / "room.duckdb"
    with Store(path) as store:
        report = hybrid_pipeline.ingest([src], store, IngestOptions())
        assert report.failed == 0, report.problems
        update_stories(store)
    return path


@pytest.fixture(scope="module")
def client(db):
    with TestClient(create_app(db)) as c:
        yield c


# (CLI options, Python and HTTP parameters) of one filter
CASES = {
    "name-resolved actor": (["--actor", "Hezbollah"], {"actor": "Hezbollah"}),
    "dyad of a name and a code, undirected": (["--dyad", "Hezbollah-ISR", "--undirected"], {"dyad": "Hezbollah-ISR", "undirected": True}),
    "directed dyad of names": (["--dyad", "Israel-Hezbollah"], {"dyad": "Israel-Hezbollah"}),
    "type and modality": (["--type", "assault", "--modality", "asserted"], {"type": "ASSAULT", "modality": "asserted"}),
    "two types": (["--type", "ASSAULT", "--type", "THREATEN"], {"type": "ASSAULT,THREATEN"}),
    "since and until": (["--since", "2024-10-09", "--until", "2024-10-15"], {"since": "2024-10-09", "until": "2024-10-15"}),
    "min confidence from a day on": (["--min-confidence", "0.7", "--since", "2024-10-09"], {"min_confidence": 0.7, "since": "2024-10-09"}),
    "recipient by adjective and words": (["--recipient", "israeli", "--q", "fired"], {"recipient": "israeli", "q": "fired"}),
}


def _cli_ids(db: Path, options: list[str]) -> list[str]:
    result = runner.invoke(app, ["events", "--db", str(db), "--format", "jsonl", *options])
    assert result.exit_code == 0, result.output
    return sorted(json.loads(line)["event_id"] for line in result.stdout.splitlines() if line.strip())


@pytest.mark.parametrize("case", list(CASES))
def test_the_same_filter_gives_the_same_events_in_the_cli_python_and_http(db, client, case):
    options, params = CASES[case]
    cli = _cli_ids(db, options)
    with sitroom.open(db) as room:
        frame = room.events(**params)
        every = room.events()
    python = sorted(frame["event_id"])
    r = client.get("/api/events", params={**{k: str(v).lower() if isinstance(v, bool) else v for k, v in params.items()}, "limit": 500})
    assert r.status_code == 200, r.text
    http = sorted(e["event_id"] for e in r.json()["items"])
    assert cli == python == http
    assert 0 < len(python) < len(every), (case, len(python), len(every))  # the filter keeps some events, not all


def test_the_filters_mean_what_they_say(db):
    with sitroom.open(db) as room:
        hezbollah = room.events(actor="Hezbollah")
        either_way = room.events(dyad="Hezbollah-ISR", undirected=True)
        one_way = room.events(dyad="Hezbollah-ISR")
        window = room.events(since="2024-10-09", until="2024-10-15")
        sure = room.events(min_confidence=0.7)
    assert all(any(a["name"] == "Hezbollah" for a in e) for e in hezbollah["actor"])
    assert set(one_way["event_id"]) < set(either_way["event_id"])  # Israel's strikes on Hezbollah too
    assert {"ISR"} <= {a["country"] for refs in either_way["actor"] for a in refs}
    assert all(date(2024, 10, 9) <= d <= date(2024, 10, 15) for d in window["event_date"].dt.date)
    assert all(c >= 0.7 for c in sure["confidence"])


def test_stories_take_the_same_filters_everywhere(db, client):
    result = runner.invoke(app, ["stories", "--db", str(db), "--format", "jsonl", "--dyad", "Hezbollah-ISR", "--undirected"])
    assert result.exit_code == 0, result.output
    cli = sorted(json.loads(line)["story_id"] for line in result.stdout.splitlines() if line.strip())
    with sitroom.open(db) as room:
        python = sorted(room.stories(dyad=("Hezbollah", "ISR"), undirected=True)["story_id"])
        assert 0 < len(python) < len(room.stories())
    http = sorted(s["story_id"] for s in client.get("/api/stories?dyad=Hezbollah-ISR&undirected=true&limit=500").json()["items"])
    assert cli == python == http


# --- errors on every surface ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "words"),
    [
        (["events", "--actor", "Hezbolah"], "unknown actor 'Hezbolah': did you mean Hezbollah (LBN)?"),
        (["events", "--dyad", "Hezbolah-ISR"], "did you mean Hezbollah (LBN)?"),
        (["stories", "--recipient", "Isreal"], "unknown recipient 'Isreal': did you mean"),
        (["timeline", "--dyad", "Hezbolah-ISR"], "did you mean Hezbollah (LBN)?"),  # was "no story events", exit 0
        (["alerts", "--dyad", "IRN-XYZ"], "unknown actor 'XYZ'"),
        (["threats", "--actor", "Irn-"], "unknown actor"),
        (["events", "--since", "2024-05-01", "--until", "2024-04-01"], "since (2024-05-01) is after until (2024-04-01)"),
        (["stories", "--since", "2024-05-01", "--until", "2024-04-01"], "is after until"),
        (["timeline", "--dyad", "IRN-ISR", "--since", "2024-05-01", "--until", "2024-04-01"], "is after until"),
        (["network", "--since", "2024-05-01", "--until", "2024-04-01"], "is after until"),
        (["threats", "--since", "2024-05-01", "--until", "2024-04-01"], "is after until"),
        (["events", "--type", "BOMB"], "unknown event type 'BOMB'"),
    ],
)
def test_cli_filter_errors_exit_2_with_the_message(db, command, words):
    result = runner.invoke(app, [*command, "--db", str(db)])
    assert result.exit_code == 2, result.output
    assert "E118" in result.output and words in " ".join(result.output.split()), result.output


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/api/events?actor=Hezbolah", "did you mean Hezbollah (LBN)?"),
        ("/api/stories?dyad=Hezbolah-ISR", "did you mean Hezbollah (LBN)?"),
        ("/api/timeline?dyad=Hezbolah-ISR", "did you mean Hezbollah (LBN)?"),
        ("/api/map?recipient=Isreal", "unknown recipient 'Isreal'"),
        ("/api/threats?actor=Hezbolah", "did you mean Hezbollah (LBN)?"),
        ("/api/network?since=2024-05-01&until=2024-04-01", "is after until"),
        ("/api/alerts?since=2024-05-01&until=2024-04-01", "is after until"),
    ],
)
def test_http_filter_errors_are_422_with_the_message(client, url, words):
    r = client.get(url)
    assert r.status_code == 422, r.text
    assert r.json()["status"] == 422 and "E118" in r.json()["error"] and words in r.json()["error"]


def test_python_filter_errors_are_value_errors(db):
    with sitroom.open(db) as room:
        for call in (lambda: room.events(actor="Hezbolah"), lambda: room.stories(since="2024-05-01", until="2024-04-01"),
                     lambda: room.timeline("Hezbolah-ISR"), lambda: room.network(since="2024-05-01", until="2024-04-01"),
                     lambda: room.threats(recipient="Isreal")):  # fmt: skip
            with pytest.raises(ValueError, match="E118"):
                call()
        with pytest.raises(sitroom.FilterError, match="did you mean Hezbollah"):
            room.events(dyad=("Hezbolah", "ISR"))


# --- other commands -----------------------------------------------------------------------------------


def test_timeline_per_month_in_the_cli_python_and_http(db, client):
    result = runner.invoke(app, ["timeline", "--db", str(db), "--dyad", "Hezbollah-Israel", "--freq", "month", "--format", "json"])
    assert result.exit_code == 0, result.output
    cli = json.loads(result.stdout)
    with sitroom.open(db) as room:
        months = room.timeline("Hezbollah-ISR", freq="month")
        days = room.timeline("Hezbollah-ISR", freq="day")
    http = client.get("/api/timeline?dyad=hezbollah-isr&freq=month").json()
    assert list(months["period"].dt.date) == [date(2024, 10, 1), date(2024, 11, 1)]
    assert int(months["stories"].sum()) == int(days["stories"].sum()) > 0  # every story in its month
    assert [r["period"][:10] for r in cli] == [r["period"] for r in http["items"]] == ["2024-10-01", "2024-11-01"]
    assert http["freq"] == "month" and [r["stories"] for r in http["items"]] == list(months["stories"])


def test_timeline_of_a_named_actor_counts_its_stories_either_way(db, client):
    with sitroom.open(db) as room:
        one_way = room.timeline("Hezbollah-ISR")
        both = room.timeline(("Hezbollah", "ISR"), undirected=True)
    assert set(one_way["source"]) == {"Hezbollah"} and int(one_way["stories"].sum()) > 0
    assert int(both["stories"].sum()) > int(one_way["stories"].sum())
    r = client.get("/api/timeline?dyad=Hezbollah-ISR&undirected=true")
    assert r.status_code == 200 and r.json()["dyad"] == "Hezbollah-ISR"
    assert sum(i["stories"] for i in r.json()["items"]) == int(both["stories"].sum())
    result = runner.invoke(app, ["timeline", "--db", str(db), "--dyad", "Hezbollah-ISR", "--format", "json"])
    assert result.exit_code == 0 and sum(r["stories"] for r in json.loads(result.stdout)) == int(one_way["stories"].sum())


def test_threats_take_names_recipient_type_and_dates(db, client):
    with sitroom.open(db) as room:
        every = room.threats()
        by_name = room.threats(actor="Iran")
        to_israel = room.threats(recipient="Israel")
        late = room.threats(since="2024-10-10")
    assert len(every) > 0
    assert list(by_name["story_id"]) == list(every[[("IRN" in d) or ("IRN" in a) for d, a in zip(every["declarant"], every["addressee"])]]["story_id"])
    assert all("ISR" in a for a in to_israel["addressee"]) and len(to_israel) > 0
    assert all(pd.isna(d) or d.date() >= date(2024, 10, 10) for d in late["date"]) and len(late) < len(every)
    result = runner.invoke(app, ["threats", "--db", str(db), "--actor", "Iran", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["story_id"] for line in result.stdout.splitlines()] == list(by_name["story_id"])
    http = client.get("/api/threats?actor=Iran&limit=500").json()["items"]
    assert sorted(t["story_id"] for t in http) == sorted(by_name["story_id"])

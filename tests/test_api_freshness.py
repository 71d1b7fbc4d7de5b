"""What the HTTP API reads quickly it still reads right: events are read without the join of the
review overrides while no review overrides one, and a review shows at once when one does (and is gone
at once when undone); the analyses' answers are kept until the next write, and a write shows in the
next request of every endpoint."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's TestClient warns about httpx's future
    from fastapi.testclient import TestClient

from sitroom.pipeline import IngestOptions
from sitroom.server import queries
from sitroom.server.app import create_app
from sitroom.store import Store
from sitroom.stories import complete_stories

TOKEN = "fresh-token"
AUTH = {"authorization": f"Bearer {TOKEN}"}


def article(aid: str, published: str, text: str, outlet: str = "Wire A") -> dict:
    return {"id": aid, "title": f"Title {aid}", "outlet": outlet, "url": f"https://news.example/{aid}",
            "published": published, "text": text}  # fmt: skip


CORPUS = [
    article("a1", "2024-10-26", "Israel struck military sites in Iran on Saturday, the Israeli military said."),
    article("a2", "2024-10-09", "Iran fired about 180 ballistic missiles at Israel on Tuesday.", "Paper C"),
    article("a3", "2024-10-06", "Iran threatened on Sunday to strike Israel. Officials in Tehran gave no timetable."),
    article("a4", "2024-10-14", "Israel struck Hezbollah targets in Lebanon on Monday.", "Paper D"),
]
NEW = article("n1", "2024-10-29", "Turkey shelled Kurdish militants in Syria on Tuesday, Turkish officials said.", "Paper E")


@pytest.fixture()
def room(tmp_path, pipeline) -> Path:
    src = tmp_path / "corpus.jsonl"
    src.write_text("".join(json.dumps(a) + "\n" for a in CORPUS), encoding="utf-8")
    path = tmp_path / "room.duckdb"
    with Store(path) as store:
        report = pipeline.ingest([src], store, IngestOptions())
        assert report.failed == 0, report.problems
        complete_stories(store)
    return path


def ok(client, url: str) -> dict:
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code, r.text)
    return r.json()


def source(client) -> str:
    return client.app.state.sitroom.reader().events_source()


def test_a_review_shows_at_once_and_is_gone_at_once_when_undone(room):
    with Store(room, read_only=True) as store:
        assert "event_overrides" not in store.events_source()  # no review: the coded events as they are
    with TestClient(create_app(room, token=TOKEN)) as client:
        events = ok(client, "/api/events?limit=500")["items"]
        struck = next(e for e in events if e["article_id"] == "a1" and e["event_type"] == "ASSAULT")
        threat = next(e for e in events if e["article_id"] == "a3")
        total = len(events)
        r = client.patch(f"/api/events/{struck['event_id']}", headers=AUTH, json={"event_type": "COERCE", "by": "dana"})
        assert r.status_code == 200, r.text
        (corrected,) = r.json()["items"]
        assert "event_overrides" in source(client)
        for url in ("/api/events?article_id=a1", "/api/events?q=military+sites", "/api/events?type=COERCE"):
            (row,) = [e for e in ok(client, url)["items"] if e["event_id"] == struck["event_id"]]
            assert (row["event_type"], row["reviewed"], row["decided_by"], row["confidence"]) == ("COERCE", True, "review", 1.0)
        assert {e["event_type"] for e in ok(client, "/api/articles/a1")["events"] if e["event_id"] == struck["event_id"]} == {"COERCE"}
        r = client.patch(f"/api/events/{threat['event_id']}", headers=AUTH, json={"status": "rejected", "by": "dana"})
        assert r.status_code == 200, r.text
        (rejected,) = r.json()["items"]
        after = ok(client, "/api/events?limit=500")
        assert after["total"] == total - 1 and threat["event_id"] not in {e["event_id"] for e in after["items"]}
        for review in (corrected, rejected):
            assert client.post(f"/api/reviews/{review['review_id']}/undo", headers=AUTH, json={"by": "dana"}).status_code == 200
        assert "event_overrides" not in source(client)  # every review undone: the cheap read again
        back = {e["event_id"]: e for e in ok(client, "/api/events?limit=500")["items"]}
        assert len(back) == total
        assert (back[struck["event_id"]]["event_type"], back[struck["event_id"]]["reviewed"]) == ("ASSAULT", False)
        assert back[struck["event_id"]]["decided_by"] == struck["decided_by"]
        assert threat["event_id"] in back


ANALYSES = [
    "/api/network", "/api/network?min_stories=2", "/api/pairs", "/api/alerts", "/api/timeline?dyad=ISR-IRN",
    "/api/threats", "/api/threats?actor=Iran", "/api/map", "/api/map?actor=ISR",
]  # fmt: skip


def test_answers_are_kept_until_the_next_write_which_shows_in_the_next_request(room, pipeline, monkeypatch):
    computed: list[str] = []
    for module, name in ((queries, "places"),):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _real=real, _name=name, **kw: computed.append(_name) or _real(*a, **kw))
    with TestClient(create_app(room, token=TOKEN, pipeline_factory=lambda: pipeline)) as client:
        first = {url: ok(client, url) for url in ANALYSES}
        assert computed == ["places", "places"]
        assert {url: ok(client, url) for url in ANALYSES} == first  # the same answers, kept: nothing computed again
        assert computed == ["places", "places"]
        pairs = {p["dyad"] for p in first["/api/pairs"]["items"]}
        assert "TUR-SYR" not in pairs
        r = client.post("/api/articles", json=NEW, headers=AUTH)
        assert r.status_code == 201 and r.json()["stored"] == 1, r.text
        after = {url: ok(client, url) for url in ANALYSES}
    assert "TUR-SYR" in {p["dyad"] for p in after["/api/pairs"]["items"]}
    assert "TUR" in {n["id"] for n in after["/api/network"]["nodes"]} - {n["id"] for n in first["/api/network"]["nodes"]}
    assert computed == ["places"] * 4  # the map was computed again after the write, once per filter


def test_requests_that_need_one_analysis_at_once_wait_for_one_computation(room, monkeypatch):
    """The dashboard's first load after a write asks for several answers of one analysis at once:
    it is computed once, and every answer is the one a lone request gets."""
    import threading
    import time

    from sitroom.stories import network as network_module

    real, runs = network_module.network, []

    def slow(*args, **kwargs):
        runs.append(1)
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr(network_module, "network", slow)
    urls = [f"/api/network?min_stories={n}" for n in (1, 2, 3, 4)]
    with TestClient(create_app(room)) as client:
        ok(client, "/api/status")  # the store is open
        answers: dict[str, dict] = {}
        threads = [threading.Thread(target=lambda u=u: answers.update({u: ok(client, u)})) for u in urls]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(runs) == 1
        alone = ok(client, "/api/network?min_stories=1")
    assert answers["/api/network?min_stories=1"] == alone and set(answers) == set(urls)

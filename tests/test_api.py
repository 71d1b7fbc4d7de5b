"""The HTTP API (docs/api.md) through FastAPI's TestClient, on a small store
coded by the production pipeline: what every endpoint answers, that filters
and pages agree with each other, that bad requests get a clear JSON 4xx and
never a 500, the security headers, the size limit, and writes with a token.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's TestClient warns about httpx's future
    from fastapi.testclient import TestClient

from sitroom.pipeline import IngestOptions
from sitroom.server.app import CSP, create_app
from sitroom.store import Store
from sitroom.stories.update import update_stories

TOKEN = "s3cret-token"

HOSTILE_TEXT = (
    "Iran fired missiles at Israel on Tuesday. <script>window.__pwned=1</script> "
    'Witnesses posted <img src=x onerror="window.__pwned=2"> and <a href="javascript:alert(1)">this link</a>.'
)


def article(aid: str, published: str, text: str, outlet: str = "Wire A", url: str | None = None) -> dict:
    return {"id": aid, "title": f"Title {aid}", "outlet": outlet, "url": url or f"https://news.example/{aid}",
            "published": published, "text": text}  # fmt: skip


CORPUS = [
    article("a1", "2024-10-26", "Israel struck military sites in Iran on Saturday, the Israeli military said."),
    article("a2", "2024-10-26", "Israeli warplanes attacked Iran on Saturday, hitting targets near Tehran.", "Paper C"),
    article("a3", "2024-10-09", "Iran fired about 180 ballistic missiles at Israel on Tuesday.", "Paper C"),
    article("a4", "2024-10-06", "Iran threatened on Sunday to strike Israel. Officials in Tehran gave no timetable."),
    article("a5", "2024-10-14", "Israel struck Hezbollah targets in Lebanon on Monday. The Israeli army gave no details."),
    article("feed/item?1", "2024-10-15", "Israel struck Hezbollah positions in Beirut on Tuesday, Lebanese officials said."),
    article("hostile", "2024-10-01", HOSTILE_TEXT, "Unknown Blog", url="javascript:alert(1)"),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory, pipeline) -> Path:
    root = tmp_path_factory.mktemp("api")
    src = root / "corpus.jsonl"
    src.write_text("".join(json.dumps(a) + "\n" for a in CORPUS), encoding="utf-8")
    path = root / "room.duckdb"
    with Store(path) as store:
        report = pipeline.ingest([src], store, IngestOptions())
        assert report.failed == 0, report.problems
        update_stories(store)
    return path


@pytest.fixture(scope="module")
def client(db):
    with TestClient(create_app(db)) as c:
        yield c


@pytest.fixture()
def writable(db, tmp_path, pipeline):
    """A client on a copy of the store, with writes enabled by a token."""
    copy = tmp_path / "room.duckdb"
    copy.write_bytes(db.read_bytes())
    with TestClient(create_app(copy, token=TOKEN, max_body=4096, pipeline_factory=lambda: pipeline)) as c:
        yield c


def ok(client, url: str) -> dict:
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code, r.text)
    return r.json()


# --- reads -----------------------------------------------------------------------------------------------


def test_status_counts_the_store_and_is_read_only_by_default(client, db):
    status = ok(client, "/api/status")
    with Store(db, read_only=True) as store:
        counts = store.counts()
        n_stories = store.scalar("SELECT count(*) FROM stories")
    assert status["articles"] == counts["articles"] == len(CORPUS)
    assert status["events"] == counts["events"] > 0
    assert status["stories"] == n_stories > 0
    assert status["writable"] is False and status["writes_enabled"] is False


def test_events_pages_cover_every_event_once(client):
    first = ok(client, "/api/events?limit=3")
    total = first["total"]
    seen = []
    for offset in range(0, total, 3):
        page = ok(client, f"/api/events?limit=3&offset={offset}")
        assert page["total"] == total and page["offset"] == offset and len(page["items"]) <= 3
        seen += [e["event_id"] for e in page["items"]]
    assert len(seen) == len(set(seen)) == total
    dates = [e["event_date"] for e in ok(client, "/api/events?limit=500")["items"]]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True) and dates[: len(dated)] == dated  # latest first, undated last
    assert ok(client, f"/api/events?offset={total}")["items"] == []
    from sitroom.store import PUBLIC_EVENT_COLUMNS

    assert list(first["items"][0]) == ["event_id", "article_id", "title", *PUBLIC_EVENT_COLUMNS[2:]]  # the export's schema


def test_event_filters(client):
    every = ok(client, "/api/events?limit=500")["items"]
    by_actor = ok(client, "/api/events?actor=IRN&limit=500")
    assert by_actor["total"] == sum(any(a["country"] == "IRN" for a in e["actor"]) for e in every) > 0
    by_name = ok(client, "/api/events?actor=israeli&limit=500")["items"]
    assert by_name and all(any("Israel" in (a["name"] or "") for a in e["actor"]) for e in by_name)
    to_lebanon = ok(client, "/api/events?recipient=LBN&limit=500")["items"]
    assert to_lebanon and all(any(r["country"] == "LBN" for r in e["recipient"]) for e in to_lebanon)
    threats = ok(client, "/api/events?type=THREATEN&limit=500")["items"]
    assert threats and {e["event_type"] for e in threats} == {"THREATEN"}
    two_types = ok(client, "/api/events?type=threaten,assault&limit=500")["total"]
    assert two_types == sum(e["event_type"] in ("THREATEN", "ASSAULT") for e in every)
    asserted = ok(client, "/api/events?modality=asserted&limit=500")["items"]
    assert asserted and {e["modality"] for e in asserted} == {"asserted"}
    missiles = ok(client, "/api/events?q=BALLISTIC&limit=500")["items"]
    assert missiles and all("ballistic" in e["sentence"].lower() for e in missiles)
    october_26 = ok(client, "/api/events?since=2024-10-26&until=2024-10-26&limit=500")["items"]
    assert october_26 and {e["event_date"] for e in october_26} == {"2024-10-26"}
    assert ok(client, "/api/events?q=%25")["total"] == 0  # % is a literal, not a wildcard
    one = every[0]
    of_story = ok(client, f"/api/events?story_id={one['story_id']}&limit=500")["items"]
    assert one["event_id"] in {e["event_id"] for e in of_story}
    assert {e["story_id"] for e in of_story} == {one["story_id"]}


def test_stories_list_and_one_story_with_highlighted_reports(client):
    page = ok(client, "/api/stories?limit=500")
    assert page["total"] == len(page["items"]) > 0
    strike = next(s for s in page["items"] if s["event_type"] == "ASSAULT" and s["n_mentions"] >= 2
                  and any(a["country"] == "ISR" for a in s["actor"]))  # fmt: skip
    assert "mentions" not in strike
    story = ok(client, f"/api/stories/{strike['story_id']}")
    assert len(story["mentions"]) == strike["n_mentions"]
    for m in story["mentions"]:
        assert "".join(p["text"] for p in m["parts"]) == m["sentence"]
        [trigger] = [p["text"] for p in m["parts"] if p["role"] == "trigger"]
        assert m["trigger"].startswith(trigger)
        assert {"outlet", "published", "attribution", "article_id", "title", "url"} <= set(m)
    roles = {p["role"] for m in story["mentions"] for p in m["parts"]}
    assert {"trigger", "actor"} <= roles
    assert ok(client, "/api/stories?min_reports=2&limit=500")["total"] < page["total"]
    assert ok(client, "/api/stories?actor=ISR&recipient=IRN&limit=500")["total"] >= 1


def test_article_text_is_cut_at_its_event_triggers(client):
    art = ok(client, "/api/articles/a3")
    assert art["title"] == "Title a3" and art["outlet"] == "Paper C" and art["published"] == "2024-10-09"
    assert "".join(p["text"] for p in art["parts"]) == art["text"]
    assert art["events"]
    for e in art["events"]:
        assert e["trigger"].startswith(art["text"][e["start"] : e["end"]])
        assert e["story_id"]
    marked = [p for p in art["parts"] if p["event_id"]]
    assert {p["event_id"] for p in marked} <= {e["event_id"] for e in art["events"]}


def test_article_ids_with_slashes_and_unknown_ids(client):
    assert ok(client, "/api/articles/feed%2Fitem%3F1")["article_id"] == "feed/item?1"
    r = client.get("/api/articles/nope")
    assert r.status_code == 404 and r.json() == {"error": "no article 'nope'", "status": 404}


def test_hostile_article_is_returned_as_data_not_markup(client):
    art = ok(client, "/api/articles/hostile")
    # the API hands the text over verbatim (it is data, served as JSON); the dashboard renders it as text
    assert "<script>" in art["text"] and art["url"] == "javascript:alert(1)"
    r = client.get("/api/articles/hostile")
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["x-content-type-options"] == "nosniff"


def test_threats_ledger_with_counts(client):
    ledger = ok(client, "/api/threats")
    assert ledger["total"] >= 1 and sum(ledger["counts"].values()) == ledger["total"]
    threat = next(t for t in ledger["items"] if "IRN" in t["declarant"] and "ISR" in t["addressee"])
    assert threat["status"] in ("open", "carried out", "withdrawn", "lapsed")
    carried = ok(client, "/api/threats?status=carried%20out")
    assert carried["total"] == ledger["counts"]["carried out"]
    assert all(t["status"] == "carried out" for t in carried["items"])
    assert ok(client, "/api/threats?actor=LBN")["total"] == 0


def test_pairs_timeline_alerts_network_map(client):
    pairs = ok(client, "/api/pairs")["items"]
    dyads = [p["dyad"] for p in pairs]
    assert "ISR-IRN" in dyads and "IRN-ISR" in dyads
    assert [p["conflict"] for p in pairs] == sorted((p["conflict"] for p in pairs), reverse=True)
    line = ok(client, "/api/timeline?dyad=ISR-IRN")
    assert line["dyad"] == "ISR-IRN" and line["freq"] == "day"
    assert any(r["period"] == "2024-10-26" and r["quad4"] > 0 for r in line["items"])
    weekly = ok(client, "/api/timeline?dyad=ISR-IRN&freq=week")["items"]
    assert [w["period"] for w in weekly] == ["2024-10-21"]  # the Monday of the strike's week
    assert isinstance(line["alerts"], list)
    alerts = ok(client, "/api/alerts")
    assert alerts["total"] == len(alerts["items"])
    assert all({"period", "source", "target", "z", "story_ids"} <= set(a) for a in alerts["items"])
    net = ok(client, "/api/network")
    assert {"ISR", "IRN"} <= {n["id"] for n in net["nodes"]}
    assert any(e["source"] == "ISR" and e["target"] == "IRN" and e["quad_class"] == 4 for e in net["edges"])
    places = ok(client, "/api/map")["items"]
    assert places and all(-90 <= p["latitude"] <= 90 and -180 <= p["longitude"] <= 180 for p in places)
    assert any(p["name"] in ("Tehran", "Beirut", "Iran", "Lebanon") for p in places)


def test_country_outlines_come_from_the_package(client):
    r = client.get("/api/countries")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    data = r.json()
    codes = {f["properties"]["iso3"] for f in data["features"]}
    assert {"IRN", "ISR", "LBN", "USA", "FRA"} <= codes and len(codes) > 200
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in data["features"])


def test_openapi_lists_every_endpoint(client):
    paths = ok(client, "/openapi.json")["paths"]
    for p in ("/api/events", "/api/stories", "/api/stories/{story_id}", "/api/threats", "/api/timeline",
              "/api/alerts", "/api/network", "/api/map", "/api/pairs", "/api/status", "/api/countries"):  # fmt: skip
        assert p in paths, p
    assert any(p.startswith("/api/articles/") for p in paths)
    assert "post" in paths["/api/articles"]


# --- bad requests ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/api/events?since=2024-13-01", 422, "since"),
        ("/api/events?since=yesterday", 422, "since"),
        ("/api/events?since=2024-05-01&until=2024-04-01", 422, "after"),
        ("/api/events?limit=0", 422, "limit"),
        ("/api/events?limit=501", 422, "limit"),
        ("/api/events?offset=-1", 422, "offset"),
        ("/api/stories?min_reports=x", 422, "min_reports"),
        ("/api/timeline", 422, "dyad"),
        ("/api/timeline?dyad=IRAN", 422, "SOURCE-TARGET"),
        ("/api/timeline?dyad=IRN-ISR&freq=year", 422, "freq"),
        ("/api/alerts?dyad=X-Y", 422, "unknown actor"),
        ("/api/threats?status=maybe", 400, "unknown status"),
        ("/api/events?type=BOGUS", 422, "unknown event type"),
        ("/api/stories?modality=threatened", 422, "unknown modality"),
        ("/api/map?type=ASSAULT,nope", 422, "unknown event type"),
        ("/api/stories/S999999", 404, "no story"),
        ("/api/nothing", 404, "no such page"),
    ],
)
def test_bad_requests_get_a_clear_json_4xx(client, url, status, words):
    r = client.get(url)
    assert r.status_code == status, r.text
    body = r.json()
    assert body["status"] == status and words in body["error"]
    assert "Traceback" not in r.text


WEIRD = ["", " ", "%", "_", "'", "\"", "\\", "';DROP TABLE events;--", "\u0000", "\u202e", "x" * 199, "é", "😀",
         "-", ",", ",,,", "null", "NaN", "<script>"]  # fmt: skip


@pytest.mark.parametrize("param", ["actor", "recipient", "type", "modality", "q", "story_id", "article_id"])
def test_odd_parameter_values_never_crash_the_server(client, param):
    for value in WEIRD:
        for endpoint in ("/api/events", "/api/stories", "/api/map"):
            r = client.get(endpoint, params={param: value})
            assert r.status_code < 500, (endpoint, param, value, r.text)
    for endpoint in ("/api/timeline?dyad=", "/api/alerts?dyad=", "/api/threats?actor=", "/api/threats?status="):
        for value in WEIRD:
            r = client.get(endpoint + value.replace("\u0000", "%00"))
            assert r.status_code < 500, (endpoint, value, r.text)
    assert client.get("/api/events").json()["total"] > 0  # nothing was dropped


# --- headers and limits --------------------------------------------------------------------------------


def test_every_response_carries_the_security_headers(client):
    for url in ("/", "/api/status", "/api/nothing", "/openapi.json", "/api/events?limit=0"):
        r = client.get(url)
        assert r.headers["content-security-policy"] == CSP, url
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP and "object-src 'none'" in CSP


def test_dashboard_page_and_its_assets_are_served_locally(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "http://" not in html and "https://" not in html  # nothing from elsewhere
    for asset in ("/static/app.js", "/static/app.css"):
        assert asset in html
        r = client.get(asset)
        assert r.status_code == 200 and r.headers["content-security-policy"] == CSP
    assert client.get("/static/../app.py").status_code == 404


def test_loopback_server_refuses_foreign_host_headers(db):
    app = create_app(db, allowed_hosts=["127.0.0.1", "localhost"])
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.get("/api/status").status_code == 200
        assert c.get("/api/status", headers={"host": "evil.example"}).status_code == 400


# --- writes ---------------------------------------------------------------------------------------------


NEW = article("new-1", "2024-11-02", "Iran struck Israel with drones on Saturday, the Israeli army said.", "Paper D")


def test_writes_are_refused_without_a_configured_token(client):
    r = client.post("/api/articles", json=NEW)
    assert r.status_code == 403 and "SITROOM_TOKEN" in r.json()["error"]
    assert ok(client, "/api/events?article_id=new-1")["total"] == 0


def test_writes_need_the_right_token(writable):
    for headers in ({}, {"authorization": "Bearer wrong"}, {"authorization": TOKEN}, {"authorization": f"Basic {TOKEN}"}):
        r = writable.post("/api/articles", json=NEW, headers=headers)
        assert r.status_code == 401, headers
    assert ok(writable, "/api/events?article_id=new-1")["total"] == 0


def test_posted_articles_are_coded_merged_and_shown_once(writable):
    auth = {"authorization": f"Bearer {TOKEN}"}
    before = ok(writable, "/api/status")
    pairs_before = {p["dyad"]: p for p in ok(writable, "/api/pairs")["items"]}
    bad = {"id": "empty", "text": "   "}
    r = writable.post("/api/articles", json={"articles": [NEW, bad, 42]}, headers=auth)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["stored"] == 1 and body["failed"] == 2 and body["events"] >= 1
    assert {p["code"] for p in body["problems"]} == {"E109", "E106"}
    after = ok(writable, "/api/status")
    assert after["revision"] > before["revision"] and after["articles"] == before["articles"] + 1
    events = ok(writable, "/api/events?article_id=new-1")["items"]
    assert events and all(e["story_id"] for e in events)
    pairs_after = {p["dyad"]: p for p in ok(writable, "/api/pairs")["items"]}
    assert pairs_after["IRN-ISR"]["stories"] > pairs_before["IRN-ISR"]["stories"]  # the cache followed the write
    again = writable.post("/api/articles", json=NEW, headers=auth)
    assert again.status_code == 201 and again.json()["stored"] == 0 and again.json()["unchanged"] == 1
    assert ok(writable, "/api/status")["articles"] == after["articles"]


def test_bad_write_bodies(writable):
    auth = {"authorization": f"Bearer {TOKEN}"}
    r = writable.post("/api/articles", content=b"{not json", headers={**auth, "content-type": "application/json"})
    assert r.status_code == 400 and "not JSON" in r.json()["error"]
    r = writable.post("/api/articles", json=[], headers=auth)
    assert r.status_code == 400
    big = {**NEW, "text": "Iran struck Israel. " * 400}
    r = writable.post("/api/articles", json=big, headers=auth)
    assert r.status_code == 413 and "4,096" in r.json()["error"]
    r = writable.post("/api/articles", json={"text": "   "}, headers=auth)
    assert r.status_code == 400 and r.json()["failed"] == 1


def test_server_watching_a_folder_shows_new_articles_without_restart(tmp_path, pipeline):
    import time

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "first.jsonl").write_text(json.dumps(CORPUS[2]) + "\n", encoding="utf-8")
    app = create_app(tmp_path / "live.duckdb", watch=[str(inbox)], every=0.2, pipeline_factory=lambda: pipeline)
    with TestClient(app) as c:

        def wait_for(articles: int) -> dict:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                status = ok(c, "/api/status")
                if status["articles"] >= articles and status["stories"] > 0:
                    return status
                time.sleep(0.1)
            raise AssertionError(f"the watcher did not store {articles} articles: {status}")

        first = wait_for(1)
        assert first["writable"] is True and first["watching"] == [str(inbox)]
        (inbox / "second.jsonl").write_text(json.dumps(NEW) + "\n", encoding="utf-8")
        second = wait_for(2)
        assert second["revision"] > first["revision"]
        assert ok(c, "/api/events?article_id=new-1")["total"] >= 1
        time.sleep(0.5)  # further rounds find nothing new
        assert ok(c, "/api/status")["articles"] == 2


def test_timeline_markers_of_a_sector_pair_are_its_alerts(client):
    """A pair named with sectors (ISRMIL-IRN) gets its own alerts on the timeline, as from /api/alerts."""
    sectors = {
        f"{a['country']}{a['sector']}-{r['country']}{r['sector']}"
        for e in ok(client, "/api/events?type=ASSAULT&modality=asserted&limit=500")["items"]
        for a in e["actor"] for r in e["recipient"]
        if a["country"] and r["country"] and a["country"] != r["country"] and (a["sector"] or r["sector"])
    }  # fmt: skip
    with_alerts = [d for d in sorted(sectors) if ok(client, f"/api/alerts?dyad={d}")["total"]]
    assert with_alerts, sectors
    for dyad in with_alerts:
        markers = ok(client, f"/api/timeline?dyad={dyad}")["alerts"]
        listed = ok(client, f"/api/alerts?dyad={dyad}&limit=500")["items"]
        assert markers and sorted(markers, key=lambda a: a["period"]) == sorted(listed, key=lambda a: a["period"])

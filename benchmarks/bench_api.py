"""HTTP API latency on a store of synthetic events.

    python benchmarks/bench_api.py [--events 1000000] [--requests 40] [--db FILE] [--write ingest|review|none]

Builds a store of ``--events`` synthetic event mentions directly in DuckDB
(100 articles per 1,000 events, 10 sentences and events each; four reports
per story event, from four consecutive articles; 30 countries, 9 event
types, 300 places, two years; every article checked for copies and every
story indexed, as the story stage leaves them), serves it with uvicorn on
127.0.0.1 in this process, and times real HTTP requests (keep-alive) to the
main endpoints: for each, one first (cold) request, then ``--requests``
requests with varied parameters (actors, pairs, dates, words, pages), after
the server has built the map's country outlines (timed apart). Latency is
wall-clock from request to the last byte; p50, p95 and max of the varied
ones are reported, and the cold one separately: the whole-store analyses
(ledger, pairs, alerts, network) are computed once per store revision and
then kept.

Then it writes to the store as a user would, while the server runs: by
default it ingests one short article with the library and runs the story
stage, as ``sitroom ingest`` does (``--write review`` confirms an event
instead, as ``sitroom review`` does), and times the first request of each
endpoint after the write ("after write"): what the first reader after new
data pays. The store is written to a temporary folder unless ``--db`` names
one to build or reuse; a store of an older schema is migrated first (timed).
The write stays in the store: copy the file first to time the same store
again.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import socket
import statistics
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlencode

from sitroom.store import Store, _story_keys_sql

COUNTRIES = [
    ("IRN", "Iran"), ("ISR", "Israel"), ("USA", "United States"), ("LBN", "Lebanon"), ("SYR", "Syria"),
    ("IRQ", "Iraq"), ("YEM", "Yemen"), ("SAU", "Saudi Arabia"), ("JOR", "Jordan"), ("EGY", "Egypt"),
    ("TUR", "Turkey"), ("RUS", "Russia"), ("CHN", "China"), ("GBR", "United Kingdom"), ("FRA", "France"),
    ("DEU", "Germany"), ("QAT", "Qatar"), ("ARE", "United Arab Emirates"), ("OMN", "Oman"), ("KWT", "Kuwait"),
    ("BHR", "Bahrain"), ("PSE", "Palestine"), ("CYP", "Cyprus"), ("GRC", "Greece"), ("ITA", "Italy"),
    ("IND", "India"), ("PAK", "Pakistan"), ("AFG", "Afghanistan"), ("AZE", "Azerbaijan"), ("ARM", "Armenia"),
]  # fmt: skip
# type, CAMEO code, QuadClass, intensity, verb
TYPES = [
    ("ASSAULT", "190", 4, -10.0, "struck"), ("COERCE", "170", 4, -7.0, "seized ships of"),
    ("THREATEN", "138", 3, -7.0, "threatened"), ("ACCUSE", "112", 3, -2.0, "accused"),
    ("CONSULT", "040", 1, 1.0, "met"), ("AID", "070", 2, 7.0, "sent aid to"), ("AGREE", "057", 1, 8.0, "agreed with"),
    ("MOBILIZE", "150", 4, -7.2, "moved troops toward"), ("SANCTION", "163", 4, -8.0, "sanctioned"),
]  # fmt: skip
WORDS = ["missile", "drone", "border", "embassy", "tanker", "airbase", "convoy", "ceasefire", "refinery", "port"]


def _sql_list(values) -> str:
    return "[" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + "]"


def build_store(path: Path, n_events: int) -> dict:
    """Write the synthetic store; returns counts and the build time."""
    n_events -= n_events % 40  # whole blocks of 4 articles x 10 events
    t0 = time.perf_counter()
    codes, names = _sql_list(c for c, _ in COUNTRIES), _sql_list(n for _, n in COUNTRIES)
    tnames, tcodes = _sql_list(t[0] for t in TYPES), _sql_list(t[1] for t in TYPES)
    tquads = "[" + ", ".join(str(t[2]) for t in TYPES) + "]"
    tints = "[" + ", ".join(str(t[3]) for t in TYPES) + "]"
    tverbs, words = _sql_list(t[4] for t in TYPES), _sql_list(WORDS)
    nc, nt = len(COUNTRIES), len(TYPES)
    n_stories, n_articles = n_events // 4, n_events // 10
    with Store(path) as store:
        con = store.con
        con.execute(f"""CREATE TEMP TABLE st AS
            WITH k AS (SELECT range AS k, hash(range) AS h, hash(range * 7919 + 13) AS g FROM range({n_stories}))
            SELECT k, (h % {nt})::INT + 1 AS t, (g % {nc})::INT + 1 AS a,
                   ((g // {nc} % {nc - 1})::INT + (g % {nc})::INT + 1) % {nc} + 1 AS b,
                   (h // 97 % 300)::INT AS place, (h // 7 % 100)::INT AS m, (h // 13 % 4)::INT + 1 AS indep,
                   DATE '2023-01-01' + ((k // 10) * 4 * 730 // {n_articles})::INT AS day
            FROM k""")
        actor = "[{'text': list_element(%s, a), 'name': list_element(%s, a), 'country': list_element(%s, a), 'sector': ''}]" % (names, names, codes)
        recipient = actor.replace("a)", "b)")
        location = (f"{{'name': 'Place ' || place, 'country': list_element({codes}, place % {nc} + 1), "
                    "'latitude': 12.0 + (place * 37 % 330) / 10.0, 'longitude': 25.0 + (place * 53 % 400) / 10.0}")
        modality = "CASE WHEN m < 86 THEN 'asserted' WHEN m < 92 THEN 'denied' WHEN m < 96 THEN 'planned' ELSE 'negated' END"
        con.execute(f"""INSERT INTO stories BY NAME SELECT
                'S' || lpad((k + 1)::VARCHAR, 7, '0') AS story_id, k + 1 AS seq,
                list_element({tnames}, t) AS event_type, 'asserted' AS grp, list_element({tcodes}, t) AS cameo_code,
                list_element({tquads}, t) AS quad_class, list_element({tints}, t) AS intensity,
                {actor} AS actor, {recipient} AS recipient, {modality} AS modality, false AS historical,
                day AS event_date, 'day' AS date_precision, day AS date_lo, day AS date_hi, {location} AS location,
                4 AS n_mentions, 4 AS n_articles, indep AS n_outlets, indep AS n_independent,
                round(1 - pow(0.5, indep), 4) AS weight, day AS first_reported, day + 3 AS last_reported,
                []::VARCHAR[] AS disagreements,
                CASE WHEN t = 3 THEN {{'event_type': 'ASSAULT', 'cameo_code': '190', 'trigger': 'strike',
                                      'recipient': {recipient}}} END AS consequence,
                [list_element({codes}, a)] AS actor_countries, [list_element({codes}, b)] AS recipient_countries,
                list_element({codes}, place % {nc} + 1) AS location_country
            FROM st""")
        # event i: article i // 10, slot i % 10; story (block of 4 articles, slot)
        con.execute(f"""CREATE TEMP TABLE ev AS
            SELECT range AS i, range // 10 AS art, range % 10 AS slot,
                   (range // 40) * 10 + range % 10 AS k, hash(range * 31 + 7) AS h
            FROM range({n_events})""")
        sentence = (f"list_element({names}, st.a) || ' ' || list_element({tverbs}, st.t) || ' ' || "
                    f"list_element({names}, st.b) || ' near Place ' || st.place || ' after the ' || "
                    f"list_element({words}, (ev.h % 10)::INT + 1) || ' incident, officials said.'")
        con.execute(f"""CREATE TEMP TABLE evs AS SELECT ev.*, st.*, {sentence} AS sentence
                        FROM ev JOIN st USING (k)""")
        con.execute(f"""INSERT INTO sentences BY NAME SELECT
                'A' || lpad(art::VARCHAR, 8, '0') AS article_id, slot AS sentence_index,
                sum(length(sentence) + 1) OVER (PARTITION BY art ORDER BY slot) - length(sentence) - 1 AS start_char,
                sum(length(sentence) + 1) OVER (PARTITION BY art ORDER BY slot) - 1 AS end_char,
                sentence AS text FROM evs""")
        con.execute(f"""INSERT INTO articles BY NAME SELECT
                article_id, 'synthetic' AS source, 'jsonl' AS format, 'Report ' || article_id AS title,
                'https://news.example/' || article_id AS url, 'Outlet ' || (hash(article_id) % 50) AS outlet,
                DATE '2023-01-01' + (substr(article_id, 2)::INT * 730 // {n_articles})::INT AS published,
                'metadata' AS published_from, string_agg(text, ' ' ORDER BY sentence_index) AS raw_text,
                string_agg(text, ' ' ORDER BY sentence_index) AS text, md5(string_agg(text, ' ')) AS content_hash,
                now() AS ingested_at, count(*)::INT AS n_sentences, count(*)::INT AS n_events
            FROM sentences GROUP BY article_id""")
        # each event carries its sentence's key where the schema has one (the text index, schema 9)
        sid = ", s.sid AS sid" if con.execute(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'coded_events' AND column_name = 'sid'"
        ).fetchone()[0] else ""  # fmt: skip
        con.execute(f"""INSERT INTO coded_events BY NAME SELECT
                'E' || lpad(i::VARCHAR, 9, '0') AS event_id, 'A' || lpad(art::VARCHAR, 8, '0') AS article_id,
                slot AS sentence_index, list_element({tverbs}, t) AS trigger,
                s.start_char + length(list_element({names}, a)) + 1 AS span_start,
                s.start_char + length(list_element({names}, a)) + 1 + length(split_part(list_element({tverbs}, t), ' ', 1)) AS span_end,
                list_element({tnames}, t) AS event_type, 'verb' AS mode, []::VARCHAR[] AS contexts,
                list_element({tcodes}, t) AS cameo_code, list_element({tquads}, t) AS quad_class,
                list_element({tints}, t) AS intensity, {actor} AS actor, {recipient} AS recipient,
                {modality} AS modality, []::VARCHAR[] AS modality_cues, false AS historical,
                day AS event_date, 'day' AS date_precision, {location} AS location{sid}
            FROM evs JOIN sentences s ON s.article_id = 'A' || lpad(art::VARCHAR, 8, '0') AND s.sentence_index = slot""")
        con.execute(f"""INSERT INTO actors BY NAME
            SELECT 'E' || lpad(i::VARCHAR, 9, '0') AS event_id, 'actor' AS role, 0 AS position,
                   list_element({names}, a) AS text, list_element({names}, a) AS name, list_element({codes}, a) AS country,
                   '' AS sector FROM evs
            UNION ALL
            SELECT 'E' || lpad(i::VARCHAR, 9, '0'), 'recipient', 0, list_element({names}, b), list_element({names}, b),
                   list_element({codes}, b), '' FROM evs""")
        con.execute(f"""INSERT INTO story_mentions BY NAME SELECT 'E' || lpad(i::VARCHAR, 9, '0') AS event_id,
                        'S' || lpad((k + 1)::VARCHAR, 7, '0') AS story_id, false AS reference FROM ev""")
        # every article checked for copies (all originals) and every story indexed, the story stage done:
        # a new article then goes through the story stage as it would on a store the stage built
        con.execute("""INSERT INTO article_copies BY NAME SELECT article_id, NULL::VARCHAR AS copy_of,
                       NULL::DOUBLE AS similarity, []::UINTEGER[] AS signature FROM articles""")
        con.execute(f"INSERT INTO story_keys {_story_keys_sql('stories')}")
        con.execute("INSERT OR REPLACE INTO meta VALUES ('revision', '1')")
        con.execute("INSERT OR REPLACE INTO meta VALUES ('stories_revision', '1')")
        if hasattr(store, "build_text_index"):  # the text index (schema 9) of the sentences written above
            store.build_text_index()
        counts = store.counts() | {"stories": store.scalar("SELECT count(*) FROM stories")}
    counts["build_s"] = round(time.perf_counter() - t0, 1)
    counts["file_mib"] = round(path.stat().st_size / 2**20)
    return counts


# --- the requests ------------------------------------------------------------------------------------------


def plans(rnd: random.Random, n_stories: int, n_articles: int) -> dict:
    """Per endpoint, the varied requests timed."""
    codes = [c for c, _ in COUNTRIES]

    def day() -> str:
        return f"2023-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"

    def pair() -> str:
        a, b = rnd.sample(codes[:8], 2)
        return f"{a}-{b}"

    def q(**params) -> str:
        return urlencode({k: v for k, v in params.items() if v is not None})

    return {
        "events (page)": lambda: "/api/events?" + q(offset=rnd.choice([0, 50, 500, 5000])),
        "events (actor+type)": lambda: "/api/events?" + q(actor=rnd.choice(codes), type=rnd.choice(TYPES)[0]),
        "events (dates+modality)": lambda: "/api/events?" + q(since=day(), until="2024-06-30", modality="asserted"),
        "events (text search)": lambda: "/api/events?" + q(q=rnd.choice(WORDS) + " incident"),
        "stories (filtered)": lambda: "/api/stories?" + q(actor=rnd.choice(codes), recipient=rnd.choice(codes[:5])),
        "story (one, with reports)": lambda: f"/api/stories/S{rnd.randint(1, n_stories):07d}",
        "article (one)": lambda: "/api/articles/" + quote(f"A{rnd.randint(0, n_articles - 1):08d}"),
        "threats (ledger)": lambda: "/api/threats?" + q(actor=rnd.choice(codes), status=rnd.choice([None, "open", "carried out"])),
        "timeline (pair)": lambda: "/api/timeline?" + q(dyad=pair(), freq=rnd.choice(["day", "week"])),
        "alerts": lambda: "/api/alerts?" + q(since=day()),
        "pairs": lambda: "/api/pairs?" + q(offset=rnd.choice([0, 50])),
        "network": lambda: "/api/network?" + q(min_stories=rnd.choice([1, 10, 100])),
        "map (places)": lambda: "/api/map?" + q(actor=rnd.choice([None, *codes[:5]])),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db: Path) -> tuple[object, int, threading.Thread]:
    import uvicorn

    from sitroom.server.app import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    return server, port, thread


WRITTEN = {
    "id": "bench-write", "outlet": "Bench Wire", "published": "2024-12-30", "title": "Strike near the border",
    "text": "Iran struck Israel near Place 7 after the drone incident on Monday, officials said. "
            "Israel accused Iran of the attack.",
}  # fmt: skip


def write_to_store(db: Path, how: str) -> dict:
    """One write as a user makes it, through the library: ingest one article and run the story
    stage (``sitroom ingest``), or confirm one event (``sitroom review``). Waits for the server to
    let go of the file (it does one second after its last request). Returns what it took."""
    from sitroom.errors import StoreError

    t0 = time.perf_counter()
    if how == "ingest":
        from sitroom.pipeline import Pipeline

        pipeline = Pipeline()
        loaded = time.perf_counter() - t0
    for attempt in range(20):
        try:
            store = Store(db, wait=30)
            break
        except StoreError:  # the server still holds the file read-only in this process
            time.sleep(0.5)
    else:
        raise SystemExit(f"could not open {db} for writing")
    t1 = time.perf_counter()
    with store:
        if how == "ingest":
            from sitroom.records import RawItem
            from sitroom.stories import complete_stories

            article = dict(WRITTEN, id=f"bench-write-{time.time_ns()}")
            item = RawItem(f"bench#{article['id']}", "text", article["text"], article["id"], article["title"], None,
                           article["outlet"], date.fromisoformat(article["published"]))  # fmt: skip
            report = pipeline.ingest_items([item], store)
            stories = complete_stories(store)
            what = {"articles": report.articles, "events": report.events,
                    "new_stories": stories.new_stories if stories else 0, "model_load_s": round(loaded, 1)}  # fmt: skip
        else:
            from sitroom.review import review_event

            event_id = store.scalar("SELECT event_id FROM coded_events ORDER BY event_id DESC LIMIT 1")
            review_event(store, event_id, confirm=True, by="bench", note="confirmed by the benchmark")
            what = {"reviewed": event_id}
    return what | {"write": how, "write_s": round(time.perf_counter() - t1, 1)}


def timed_get(conn: http.client.HTTPConnection, url: str) -> tuple[float, int]:
    t0 = time.perf_counter()
    conn.request("GET", url)
    resp = conn.getresponse()
    resp.read()
    return time.perf_counter() - t0, resp.status


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=40)
    ap.add_argument("--db", type=Path, help="build (or reuse) the store here")
    ap.add_argument("--write", choices=["ingest", "review", "none"], default="ingest",
                    help="the write made after the warm timings (default: ingest one article)")
    args = ap.parse_args()
    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="sitroom-bench-")
        args.db = Path(tmp.name) / "api.duckdb"
    migrated_s = None
    if args.db.exists():
        t0 = time.perf_counter()
        with Store(args.db):  # brings an older schema up to date (and indexes its text) before serving
            pass
        migrated_s = round(time.perf_counter() - t0, 1)
        with Store(args.db, read_only=True) as store:
            built = store.counts() | {"stories": store.scalar("SELECT count(*) FROM stories"), "build_s": 0}
        print(f"store opened for writing in {migrated_s} s (a migration, if it needed one)")
    else:
        print(f"building a store of {args.events:,} synthetic events ...", flush=True)
        built = build_store(args.db, args.events)
    print(f"store: {built['events']:,} events, {built['stories']:,} story events, {built['articles']:,} articles, "
          f"{built['sentences']:,} sentences (built in {built['build_s']} s)")  # fmt: skip
    server, port, thread = serve(args.db)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    # the server builds the map's country outlines in a background thread at start-up;
    # wait for them (as the dashboard's first load does) so they do not share the timings
    outlines, status = timed_get(conn, "/api/countries")
    assert status == 200
    print(f"country outlines (built once at start-up): {outlines * 1000:.0f} ms")
    rnd = random.Random(7)
    results = []
    all_warm: list[float] = []
    print(f"{'endpoint':28} {'first':>9} {'p50':>8} {'p95':>8} {'max':>8}   (ms, {args.requests} varied requests each)")
    for name, make in plans(rnd, built["stories"], built["articles"]).items():
        cold, status = timed_get(conn, make())
        assert status == 200, (name, status)
        times = []
        for _ in range(args.requests):
            url = make()
            dt, status = timed_get(conn, url)
            if status != 200:
                raise SystemExit(f"{url} answered {status}")
            times.append(dt * 1000)
        times.sort()
        p50 = statistics.median(times)
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        all_warm += times
        results.append({"endpoint": name, "first_ms": round(cold * 1000, 1), "p50_ms": round(p50, 1),
                        "p95_ms": round(p95, 1), "max_ms": round(times[-1], 1)})  # fmt: skip
        print(f"{name:28} {cold * 1000:9.1f} {p50:8.1f} {p95:8.1f} {times[-1]:8.1f}", flush=True)
    all_warm.sort()
    overall = {"p50_ms": round(statistics.median(all_warm), 1),
               "p95_ms": round(all_warm[round(0.95 * (len(all_warm) - 1))], 1)}  # fmt: skip
    print(f"{'all varied requests':28} {'':>9} {overall['p50_ms']:8.1f} {overall['p95_ms']:8.1f}")
    written = None
    if args.write != "none":
        time.sleep(1.5)  # the server lets go of the file a second after its last request
        written = write_to_store(args.db, args.write)
        print(f"write: {written}")
        print(f"{'endpoint':28} {'after write':>11}   (ms, the first request of each after the write)")
        for result, (name, make) in zip(results, plans(rnd, built["stories"], built["articles"]).items()):
            dt, status = timed_get(conn, make())
            assert status == 200, (name, status)
            result["after_write_ms"] = round(dt * 1000, 1)
            print(f"{name:28} {dt * 1000:11.1f}", flush=True)
    print(f"{'endpoint':28} {'first':>9} {'p50':>8} {'p95':>8} {'max':>8} {'after write':>11}")
    for r in results:
        print(f"{r['endpoint']:28} {r['first_ms']:9.1f} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['max_ms']:8.1f} "
              f"{r.get('after_write_ms', float('nan')):11.1f}")  # fmt: skip
    conn.close()
    server.should_exit = True
    thread.join(timeout=30)  # the app's shutdown closes its store handles
    print(json.dumps({"machine": f"{platform.machine()} {os.cpu_count()} cpus, Python {platform.python_version()}",
                      "load": os.getloadavg(), "store": built, "opened_s": migrated_s,
                      "outlines_ms": round(outlines * 1000), "results": results, "overall": overall,
                      "write": written}))  # fmt: skip
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()

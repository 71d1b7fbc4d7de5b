"""The text index (Store.sentence_matches): a text filter ``q`` finds exactly the events a scan of
every sentence with ILIKE finds, on random text and random queries; the index stays right when an
article is revised, recoded, or a store of schema 8 is migrated (also when the build is interrupted);
the CLI, the Python API and the HTTP API agree on ``q``."""

from __future__ import annotations

import hashlib
import json
import warnings
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from unittest import mock

import duckdb
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's TestClient warns about httpx's future
    from fastapi.testclient import TestClient

import sitroom
import sitroom.store as store_module
from sitroom.cli import app
from sitroom.filters import EventFilter
from sitroom.records import ActorRef, Article, Event, Sentence
from sitroom.server.app import create_app
from sitroom.store import SCHEMA_VERSION, Store, filter_clauses

runner = CliRunner()

# --- stores of given sentences ----------------------------------------------------------------------------


def records(articles: dict[str, list[str]], published: date = date(2024, 10, 1)):
    """Articles whose sentences are the given texts (joined by a space), one event per sentence."""
    out_articles, out_sentences, out_events = [], [], []
    for article_id, texts in articles.items():
        text = " ".join(texts)
        at = 0
        for n, sentence in enumerate(texts):
            out_sentences.append(Sentence(article_id, n, at, at + len(sentence), sentence))
            out_events.append(
                Event(f"{article_id}-e{n}", article_id, n, "struck", at, at + 1, "ASSAULT", None, (), "190", 4, -10.0,
                      actor=(ActorRef("Iran", "Iran", "IRN"),), recipient=(ActorRef("Israel", "Israel", "ISR"),))
            )  # fmt: skip
            at += len(sentence) + 1
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        out_articles.append(Article(article_id, f"{article_id}.txt", "text", None, None, "Wire", published, "metadata",
                                    text, text, digest))  # fmt: skip
    return out_articles, out_sentences, out_events


def write(store: Store, articles: dict[str, list[str]]) -> None:
    store.write_batch(*records(articles))


@contextmanager
def index_always_used(inline: int = 1000):
    """The index narrows every query it can (however common its words), with up to three of
    its words, writing ``inline`` vocabulary words at most into the query."""
    with mock.patch.object(store_module, "_TEXT_INDEX_NARROWS", float("inf")), \
         mock.patch.object(store_module, "_TEXT_INDEX_ALSO", float("inf")), \
         mock.patch.object(store_module, "_TEXT_INDEX_INLINE", inline):  # fmt: skip
        yield


def by_scan(store: Store, q: str) -> set[tuple[str, int]]:
    """(article_id, sentence_index) of the sentences that hold ``q``: ILIKE over every sentence."""
    clause, pattern = store_module._like("text", q)
    return set(store.query(f"SELECT article_id, sentence_index FROM sentences WHERE {clause}", [pattern]))


def by_index(store: Store, q: str) -> set[tuple[str, int]] | None:
    found = store.sentence_matches(q)
    if found is None:
        return None
    sql, params = found
    return set(store.query(f"SELECT article_id, sentence_index FROM sentences WHERE sid IN ({sql})", params))


def events_found(store: Store, q: str, *, indexed: bool) -> list[str]:
    """The ids of the events a text filter keeps, through the index (the store's own query path) or
    through the scan (the filter without the store, over the ``events`` view)."""
    f = EventFilter(q=q)
    if indexed:
        where, params = filter_clauses(f, "e", store=store)
        source = store.events_source()
    else:
        where, params = filter_clauses(f, "e")
        source = "events"
    return sorted(r[0] for r in store.query(f"SELECT e.event_id FROM {source} e WHERE {' AND '.join(where)}", params))


def expected_index(store: Store) -> tuple[set[tuple[str, int]], dict[str, int]]:
    """The (word, sid) pairs and the sentences per word that the sentences' text gives."""
    pairs = set(store.query(
        f"SELECT DISTINCT unnest(regexp_extract_all(lower(text), '{store_module._WORD}')) AS word, sid FROM sentences"
    ))  # fmt: skip
    df: dict[str, int] = {}
    for word, _ in pairs:
        df[word] = df.get(word, 0) + 1
    return pairs, df


def check_index(store: Store) -> None:
    """The index holds every word of every sentence and nothing else; the counts are right; every
    event carries its sentence's key."""
    pairs, df = expected_index(store)
    assert set(store.query("SELECT w.word, p.sid FROM text_postings p JOIN text_words w USING (word_id)")) == pairs
    assert store.scalar("SELECT count(*) FROM text_postings") == len(pairs)  # no posting twice, none dangling
    assert dict(store.query("SELECT word, df FROM text_words")) == df
    assert store.scalar("SELECT count(*) - count(DISTINCT word) FROM text_words") == 0
    assert store.query(
        """SELECT e.event_id FROM coded_events e JOIN sentences s USING (article_id, sentence_index)
           WHERE e.sid IS DISTINCT FROM s.sid"""
    ) == []  # fmt: skip
    assert store.query("SELECT sid FROM sentences GROUP BY sid HAVING count(*) > 1 OR sid IS NULL") == []


# --- random text, random queries ---------------------------------------------------------------------------

# letters of several scripts and both cases, characters whose lowercase differs between Python and
# DuckDB (Kelvin sign, dotted capital I, final sigma), decomposed accents, digits of two scripts,
# punctuation and apostrophes, LIKE's wildcards and escape, spaces of two kinds
ALPHABET = list(
    "aAbBeEiIsSzZ019 .,;:-'\"!?()/%_\\"
    "éÉßẞİıΣσςΩωЖжбБ中文٣ğĞ"
    "\u212a\u212b\u0301\u0308\u00a0\u2019\u200d\U0001f642"
)
WORDS = ["Iran", "IRAN", "iran's", "strike", "Strike", "drone", "U.S.", "50%", "a_b", "c\\d", "İstanbul", "ΣΟΦΙΑ",
         "σοφία", "café", "cafe\u0301", "Straße", "STRASSE", "\u212aelvin", "naïve"]  # fmt: skip

texts = st.lists(
    st.one_of(st.sampled_from(WORDS), st.text(st.sampled_from(ALPHABET), min_size=1, max_size=8)), min_size=0, max_size=12
).map(" ".join)
stores = st.dictionaries(st.sampled_from([f"a{n}" for n in range(8)]), st.lists(texts, min_size=1, max_size=4), min_size=1, max_size=6)


def queries_for(draw, articles: dict[str, list[str]]) -> list[str]:
    sentences = [s for ss in articles.values() for s in ss if s]
    out = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["cut", "cut", "cut", "word", "random"]))
        if kind == "cut" and sentences:
            s = draw(st.sampled_from(sentences))
            i = draw(st.integers(0, len(s) - 1))
            j = draw(st.integers(i + 1, len(s)))
            q = s[i:j]
            q = draw(st.sampled_from([q, q.upper(), q.lower(), q.swapcase()]))
        elif kind == "word":
            q = draw(st.sampled_from(WORDS))
        else:
            q = draw(st.text(st.sampled_from(ALPHABET), min_size=1, max_size=10))
        out.append(q)
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(articles=stores, data=st.data(), inline=st.sampled_from([0, 1000]))
@example(articles={"a0": ["Iran's drones hit the U.S. base; 50% were downed.", "IRAN struck"]}, data=None, inline=1000)
def test_the_index_finds_what_a_scan_finds(articles, data, inline):
    with Store(":memory:") as store, index_always_used(inline):
        write(store, articles)
        check_index(store)
        queries = queries_for(data.draw, articles) if data is not None else [
            "iran's", "Iran", "'s drones", "u.s. b", "50%", "0% w", "%", "_", "s", "IRAN STRUCK", "d the u", "ran",
        ]  # fmt: skip
        for q in queries:
            expected = by_scan(store, q)
            found = by_index(store, q)
            if any(c.isalnum() for c in q.lower()) and found is None:
                # only a query with no word of the index's is left to the scan
                assert not store.query(f"SELECT regexp_extract_all(lower(?), '{store_module._WORD}')", [q])[0][0], q
            if found is not None:
                assert found == expected, q
            assert events_found(store, q, indexed=True) == events_found(store, q, indexed=False), q


@pytest.mark.parametrize(
    "q",
    ["İSTANBUL", "istanbul", "σοφία", "ΣΟΦΊΑ", "kelvin", "\u212aELVIN", "cafe", "cafe\u0301", "CAFÉ", "straße", "STRASSE",
     "50%", "a_b", "a%b", "c\\d", "\\", "%", "_", "'", "iran’s", "Iran's", "ir", "n", "s drone", "’s", "ب", "中文", "١"],
)  # fmt: skip
def test_unicode_case_punctuation_and_wildcards(q):
    articles = {
        "u1": ["İstanbul hosted talks.", "ΣΟΦΙΑ and σοφία met.", "The \u212aelvin scale.", "A café and a cafe\u0301."],
        "u2": ["Straße closed; STRASSE open.", "50% of a_b and c\\d.", "Iran’s drones; Iran's missiles.", "شبكة ب and 中文 ١٢"],
    }  # fmt: skip
    with Store(":memory:") as store, index_always_used():
        write(store, articles)
        assert (by_index(store, q) or by_scan(store, q)) == by_scan(store, q)
        assert events_found(store, q, indexed=True) == events_found(store, q, indexed=False)


def test_common_words_and_short_queries_fall_back_to_the_scan():
    with Store(":memory:") as store:
        write(store, {f"a{n}": [f"Iran struck target {n} at dawn.", "Officials said nothing."] for n in range(20)})
        assert store.sentence_matches("target 7 at") is not None  # "7" is in one sentence of 40
        for q in ("a", "at", "officials said", "--", "%"):  # in half the sentences or more, or no word at all
            assert store.sentence_matches(q) is None, q
            assert events_found(store, q, indexed=True) == events_found(store, q, indexed=False)
        assert store.sentence_matches("zebra") is not None and by_index(store, "zebra") == set()


# --- every write keeps it right ----------------------------------------------------------------------------


def test_a_revised_article_is_found_by_its_new_words_only():
    with Store(":memory:") as store:
        write(store, {"r1": ["Iran launched drones at Haifa.", "Sirens sounded."], "r2": ["Israel struck Beirut."]})
        with index_always_used():
            assert by_index(store, "drones at haifa") == {("r1", 0)}
        write(store, {"r1": ["Iran launched missiles at Eilat."]})  # the same id, new content: revision 2
        assert store.article_revisions("r1")[-1]["revision"] == 2
        check_index(store)
        with index_always_used():
            assert by_index(store, "drones at haifa") == set() == by_scan(store, "drones at haifa")
            assert by_index(store, "missiles at eilat") == {("r1", 0)}
            assert by_index(store, "sirens") == set()
            assert by_index(store, "beirut") == {("r2", 0)}
            assert events_found(store, "eilat", indexed=True) == ["r1-e0"]


def test_a_recode_replaces_the_words_of_the_sentences_it_cuts_anew():
    with Store(":memory:") as store:
        write(store, {"c1": ["Iran launched drones. Sirens sounded in Haifa."], "c2": ["Israel struck Beirut."]})
        before = dict(store.query("SELECT article_id, sid FROM sentences WHERE sentence_index = 0"))
        articles, _, _ = records({"c1": ["Iran launched drones. Sirens sounded in Haifa."]})
        # coded again, the article's text is cut into two sentences
        _, sentences, events = records({"c1": ["Iran launched drones.", "Sirens sounded in Haifa."]})
        store.replace_coding(articles, sentences, events)
        check_index(store)
        assert dict(store.query("SELECT article_id, sid FROM sentences WHERE sentence_index = 0")) == before  # keys kept
        with index_always_used():
            assert by_index(store, "drones. sirens") == set() == by_scan(store, "drones. sirens")
            assert by_index(store, "sirens sounded") == {("c1", 1)}
            assert events_found(store, "haifa", indexed=True) == ["c1-e1"]


def test_a_recode_through_the_pipeline_keeps_the_index_right(tmp_path, mini_pipeline):
    from sitroom.pipeline import IngestOptions

    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in [
        {"id": "p1", "text": "Israel struck Iran on Tuesday. Iran condemned Israel.", "published": "2024-04-02"},
        {"id": "p2", "text": "The United States urged Iran to show restraint.", "published": "2024-04-03"},
    ]), encoding="utf-8")  # fmt: skip
    with Store(tmp_path / "s.duckdb") as store:
        mini_pipeline.ingest([corpus], store, IngestOptions())
        check_index(store)
        mini_pipeline.recode(store)
        check_index(store)
        with index_always_used():
            assert by_index(store, "condemned israel") == by_scan(store, "condemned israel") == {("p1", 1)}


def test_an_ingest_that_fails_leaves_the_index_as_it_was(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        write(store, {"k1": ["Iran launched drones."]})
        before = store.query("SELECT * FROM text_postings ORDER BY ALL"), store.query("SELECT * FROM text_words ORDER BY ALL")
        articles, sentences, events = records({"k2": ["Israel struck Beirut."]})
        with pytest.raises(duckdb.Error):
            store.write_batch(articles * 2, sentences, events)  # one article twice: the batch is refused whole
        assert (store.query("SELECT * FROM text_postings ORDER BY ALL"), store.query("SELECT * FROM text_words ORDER BY ALL")) == before
        check_index(store)


# --- a store of schema 8 ------------------------------------------------------------------------------------


def schema_8_store(path: Path, articles: dict[str, list[str]]) -> None:
    """A store as Sitroom wrote it before the text index: schema 8, with these sentences and events."""
    con = duckdb.connect(str(path))
    for target, statements in store_module._MIGRATIONS:
        if target > 8:
            break
        for sql in statements:
            con.execute(sql)
    con.execute("INSERT INTO meta VALUES ('schema_version', '8')")
    arts, sentences, events = records(articles)
    for a in arts:
        con.execute("INSERT INTO articles (article_id, source, format, published, raw_text, text, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [a.article_id, a.source, a.fmt, a.published, a.raw_text, a.text, a.content_hash])  # fmt: skip
    for s in sentences:
        con.execute("INSERT INTO sentences VALUES (?, ?, ?, ?, ?)", [s.article_id, s.index, s.start, s.end, s.text])
    for e in events:
        con.execute(
            "INSERT INTO coded_events (event_id, article_id, sentence_index, trigger, span_start, span_end, event_type) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [e.event_id, e.article_id, e.sentence_index, e.trigger, e.span_start, e.span_end, e.event_type],
        )
    con.close()


OLD = {f"m{n}": [f"Report {n}: Iran launched drones at Haifa.", f"Sirens sounded in sector {n}."] for n in range(10)}


def test_a_schema_8_store_is_migrated_and_indexed_with_progress(tmp_path):
    path = tmp_path / "old.duckdb"
    schema_8_store(path, OLD)
    told: list[tuple[int, int]] = []
    with Store(path, on_progress=lambda done, total: told.append((done, total))) as store:
        assert store.schema_version() == SCHEMA_VERSION == 9
        assert told and told[-1] == (20, 20)
        check_index(store)
        assert store.query("SELECT count(*) FROM coded_events WHERE sid IS NULL") == [(0,)]
        with index_always_used():
            assert by_index(store, "sector 7.") == {("m7", 1)} == by_scan(store, "sector 7.")
            assert events_found(store, "drones at haifa", indexed=True) == sorted(f"m{n}-e0" for n in range(10))
        assert store.sentence_matches("sector 7") is not None
        # the view keeps the columns it had
        assert "sid" not in [d[0] for d in store.con.execute("SELECT * FROM events LIMIT 0").description]


def test_an_interrupted_build_goes_on_from_where_it_stopped(tmp_path, monkeypatch):
    path = tmp_path / "old.duckdb"
    schema_8_store(path, OLD)
    monkeypatch.setattr(store_module, "_TEXT_INDEX_STEP", 6)
    steps = []

    def crash_in_the_third_step(name):
        if name == "text-index-step":
            steps.append(name)
            if len(steps) == 3:
                raise KeyboardInterrupt  # as a Ctrl-C in the middle of the step

    monkeypatch.setattr(store_module, "fault_point", crash_in_the_third_step)
    with pytest.raises(KeyboardInterrupt):
        Store(path)
    with Store(path, read_only=True) as half:  # two steps committed, the third rolled back
        assert half.schema_version() == SCHEMA_VERSION
        assert half.scalar("SELECT value FROM meta WHERE key = 'text_indexed'") == str(
            half.scalar("SELECT max(sid) FROM (SELECT sid FROM sentences ORDER BY sid LIMIT 12)")
        )
        assert half.scalar("SELECT count(DISTINCT sid) FROM text_postings") == 12
        assert half.sentence_matches("sector 7") is None  # meanwhile, a scan
        assert events_found(half, "sector 7.", indexed=True) == ["m7-e1"] == events_found(half, "sector 7.", indexed=False)
    told: list[tuple[int, int]] = []
    with Store(path, on_progress=lambda done, total: told.append((done, total))) as store:
        assert told[-1] == (8, 8)  # only what was left
        check_index(store)
        assert by_index(store, "sector 7.") == {("m7", 1)}


def test_a_store_written_around_the_store_is_indexed_when_next_opened_for_writing(tmp_path):
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        write(store, {"w1": ["Iran launched drones."]})
        store.con.execute("INSERT INTO sentences (article_id, sentence_index, start_char, end_char, text) VALUES ('w2', 0, 0, 20, 'Sirens in Haifa.')")
        assert store.sentence_matches("haifa") is None  # not indexed: a scan finds it
    with Store(path) as store, index_always_used():
        check_index(store)
        assert by_index(store, "haifa") == {("w2", 0)}


# --- the same on every surface ------------------------------------------------------------------------------

SURFACE = {
    "s1": ["Iran launched drones at Haifa on Tuesday.", "Sirens sounded across the north."],
    "s2": ["Israel struck Iran's air defences near Isfahan.", "Officials in Tehran said 50% of the drones were downed."],
    "s3": ["The U.S. urged restraint; Iran's foreign minister met his Qatari counterpart.", "Talks in Doha ended."],
    "s4": ["Hezbollah fired rockets at Haifa.", "Israel struck back at a_b sites."],
}
# each query, and whether the index narrows it (else a scan: "ha" is in half the sentences, "--" has no word)
SURFACE_QUERIES = {"Haifa": True, "iran's": True, "drones": True, "50% of": True, "a_b": True, "U.S. urged": True,
                   "struck": True, "'s ": True, "ha": False, "--": False}  # fmt: skip


@pytest.fixture(scope="module")
def surface_db(tmp_path_factory) -> Path:
    from sitroom.stories import complete_stories

    path = tmp_path_factory.mktemp("text") / "room.duckdb"
    with Store(path) as store:
        write(store, SURFACE)
        complete_stories(store)
    return path


@pytest.mark.parametrize("q", SURFACE_QUERIES)
def test_cli_python_and_http_agree_on_the_text_filter(surface_db, q):
    result = runner.invoke(app, ["events", "--db", str(surface_db), "--format", "jsonl", "--q", q])
    assert result.exit_code == 0, result.output
    cli = sorted(json.loads(line)["event_id"] for line in result.stdout.splitlines() if line.strip())
    with sitroom.open(surface_db) as room:
        python = sorted(room.events(q=q)["event_id"])
    with TestClient(create_app(surface_db)) as client:
        r = client.get("/api/events", params={"q": q, "limit": 500})
        assert r.status_code == 200, r.text
        http = sorted(e["event_id"] for e in r.json()["items"])
        assert r.json()["total"] == len(http)
        stories_http = sorted(s["story_id"] for s in client.get("/api/stories", params={"q": q, "limit": 500}).json()["items"])
    with Store(surface_db, read_only=True) as store:
        scan = events_found(store, q, indexed=False)
        assert (store.sentence_matches(q) is not None) == SURFACE_QUERIES[q]
        where, params = filter_clauses(EventFilter(q=q), "st", stories=True)  # the scan, over the events view
        stories_scan = sorted(r[0] for r in store.query(f"SELECT st.story_id FROM stories st WHERE {where[0]}", params))
        assert sorted(store.story_ids(EventFilter(q=q))) == stories_scan
    assert cli == python == http == scan
    assert scan or q == "--"
    with sitroom.open(surface_db) as room:
        assert sorted(room.stories(q=q)["story_id"]) == stories_http == stories_scan
    assert bool(stories_scan) == bool(scan)  # every event is in a story

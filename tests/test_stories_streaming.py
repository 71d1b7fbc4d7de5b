"""The story stage streams from the store a batch at a time, and gives exactly what the stage
with every signature and every story in memory gives (tests/stories_reference.py): the same
copy groups, story assignments, story rows and response links, run after run, whatever the
batch sizes. And a run that adds a few articles to a large store reads only what they can
touch."""

from __future__ import annotations

import hashlib
import random
import shutil
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from sitroom.pipeline import IngestOptions
from sitroom.records import ActorRef, Article, Event, Location
from sitroom.store import SCHEMA_VERSION, Store
from sitroom.stories import complete_stories, update_stories
from sitroom.stories.copies import CopyFinder
from sitroom.stories.merge import Merger
from sitroom.stories.model import Story

from stories_reference import reference_update_stories

ROOT = Path(__file__).resolve().parent.parent
TINY = [(3, 3, 3), (7, 7, 7), (1, 2, 5)]  # (copy_batch, mention_batch, summary_batch)


def snapshot(store: Store) -> dict[str, list[tuple]]:
    """What the story stage stores, in a fixed order."""
    return {
        "article_copies": store.query("SELECT article_id, copy_of, similarity, signature FROM article_copies ORDER BY ALL"),
        "story_mentions": store.query("SELECT * FROM story_mentions ORDER BY ALL"),
        "stories": store.query("SELECT * FROM stories ORDER BY ALL"),
    }


def check_index(store: Store) -> None:
    """The stored story index holds each story's keys as the merger computes them, and the run's work is gone."""
    merger = Merger()
    expected = set()
    for sid, etype, grp, actors, recipients, lo, hi in store.query(
        "SELECT story_id, event_type, grp, actor_countries, recipient_countries, date_lo, date_hi FROM stories"
    ):
        story = Story(sid, etype, grp, set(actors or ()), set(recipients or ()), lo, hi)
        expected |= {(*k, sid) for k in merger.keys(story)}
    stored = store.query("SELECT role, event_type, grp, country, week, story_id FROM story_keys")
    assert len(stored) == len(set(stored)) and set(stored) == expected
    for table in ("story_work", "story_work_keys", "story_work_mentions"):
        assert store.scalar(f"SELECT count(*) FROM {table}") == 0, table
    assert not store.stories_pending()


def same_runs(reference: Store, streaming: Store, batches: tuple[int, int, int]) -> tuple:
    expected = reference_update_stories(reference)
    got = update_stories(streaming, copy_batch=batches[0], mention_batch=batches[1], summary_batch=batches[2])
    assert snapshot(streaming) == snapshot(reference)
    assert got == expected
    check_index(streaming)
    return expected


# --- (a) the example corpus and (b) the story gold corpus, ingested in several runs -------------------


def split_runs(kind: str, tmp_path: Path) -> list[Path]:
    """The corpus in three runs; later runs also bring earlier-dated reports."""
    runs = [tmp_path / f"run{n}" for n in range(3)]
    for folder in runs:
        folder.mkdir()
    if kind == "examples":
        for n, path in enumerate(sorted(p for p in (ROOT / "examples" / "corpus").iterdir() if p.is_file())):
            shutil.copy(path, runs[n % 3] / path.name)
    else:
        lines = (ROOT / "eval" / "stories" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
        for n in range(3):
            (runs[n] / "articles.jsonl").write_text("\n".join(lines[n::3]) + "\n", encoding="utf-8")
    return runs


@pytest.mark.parametrize("batches", [TINY[0], TINY[1]])
@pytest.mark.parametrize("kind", ["examples", "stories-gold"])
def test_streaming_stage_equals_the_in_memory_stage_on_the_corpora(kind, batches, pipeline, tmp_path):
    runs = split_runs(kind, tmp_path)
    with Store(tmp_path / "ref.duckdb") as reference, Store(tmp_path / "new.duckdb") as streaming:
        reports = []
        for folder in runs:
            for store in (reference, streaming):
                assert pipeline.ingest([folder], store, IngestOptions()).failed == 0
            reports.append(same_runs(reference, streaming, batches))
        assert sum(r.extended_stories for r in reports[1:]) > 0  # later runs did extend stories
        assert kind == "examples" or sum(r.copies for r in reports) > 0
        assert store.scalar("SELECT count(*) FROM stories WHERE responds_to IS NOT NULL") > 0


# --- (c) a randomised synthetic store ----------------------------------------------------------------

COUNTRIES = ["IRN", "ISR", "LBN", "SYR", "USA", "YEM"]
TYPES = [("ASSAULT", 4, "190"), ("THREATEN", 3, "130"), ("ACCUSE", 3, "112"), ("AID", 2, "070")]
MODALITIES = ["asserted", "asserted", "asserted", "denied", "planned", "conditional", "negated"]
PRECISIONS = ["day", "day", "week", "month", "year", "publication", ""]
WORDS = [f"w{n}" for n in range(400)]


def text_of(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(40))


def synthetic_run(rng: random.Random, run: int, n_articles: int, earlier: list[Article], events: list[str]) -> tuple:
    """Articles with events: random types, sides, dates and precisions, references to earlier
    events (of this run or an earlier one), phrases naming the day of an earlier act, wire copies."""
    start = date(2024, 1, 1)
    articles, coded = [], []
    for n in range(n_articles):
        aid = f"r{run}-a{n:03d}"
        published = None if rng.random() < 0.05 else start + timedelta(days=rng.randrange(0, 500))
        if earlier and rng.random() < 0.2:  # a wire copy, the odd word changed
            words = rng.choice(earlier).text.split()
            words[rng.randrange(len(words))] = rng.choice(WORDS)
            text = " ".join(words)
        else:
            text = text_of(rng)
        article = Article(aid, "synthetic", "text", None, None, f"outlet{rng.randrange(5)}", published, None, text, text,
                          hashlib.sha256(text.encode()).hexdigest())  # fmt: skip
        articles.append(article)
        for k in range(rng.randrange(0, 5)):
            etype, quad, cameo = rng.choice(TYPES)
            precision = rng.choice(PRECISIONS)
            base = published or start + timedelta(days=rng.randrange(0, 500))
            day = base - timedelta(days=rng.randrange(0, 20)) if precision not in ("", "publication") else None
            if precision == "publication":
                day = published
            eid = f"{aid}-e{k}"
            cause, cause_text = None, ""
            if events and rng.random() < 0.15:
                cause = rng.choice(events[-40:])
            elif rng.random() < 0.1:
                when = base - timedelta(days=rng.randrange(0, 30))
                cause_text = f"the {when.strftime('%B')} {when.day} strike" if rng.random() < 0.7 else "the strike"
            coded.append(Event(
                eid, aid, rng.randrange(0, 5), "t", k * 10, k * 10 + 1, etype, None, (), cameo, quad, 1.0,
                actor=tuple(ActorRef(c, c, c, "GOV") for c in rng.sample(COUNTRIES, rng.choice([0, 1, 1, 1, 2]))),
                recipient=tuple(ActorRef(c, c, c, "MIL") for c in rng.sample(COUNTRIES, rng.choice([0, 1, 1, 2]))),
                modality=rng.choice(MODALITIES), event_date=day, date_precision=precision,
                location=Location("Town", rng.choice(COUNTRIES)) if rng.random() < 0.3 else None,
                dead=rng.choice([None, None, 1, 3]), cause_event=cause, cause_text=cause_text,
                confidence=rng.choice([None, 0.6, 0.9]),
            ))  # fmt: skip
            events.append(eid)
    earlier.extend(articles)
    return articles, coded


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_streaming_stage_equals_the_in_memory_stage_on_random_stores(seed, tmp_path):
    rng = random.Random(seed)
    batches = TINY[seed % len(TINY)]
    earlier: list[Article] = []
    events: list[str] = []
    with Store(tmp_path / "ref.duckdb") as reference, Store(tmp_path / "new.duckdb") as streaming:
        totals = []
        for run in range(4):
            articles, coded = synthetic_run(rng, run, rng.randrange(15, 40), earlier, events)
            for store in (reference, streaming):
                store.write_batch(articles, [], coded)
            totals.append(same_runs(reference, streaming, batches))
        assert sum(t.extended_stories for t in totals[1:]) > 0 and sum(t.copies for t in totals) > 0
        assert sum(t.links for t in totals) > 0
        assert reference.scalar("SELECT count(*) FROM story_mentions WHERE reference") > 0


def test_the_default_batch_sizes_give_the_same_stories(tmp_path):
    rng = random.Random(7)
    earlier: list[Article] = []
    events: list[str] = []
    with Store(tmp_path / "ref.duckdb") as reference, Store(tmp_path / "new.duckdb") as streaming:
        for run in range(2):
            articles, coded = synthetic_run(rng, run, 60, earlier, events)
            for store in (reference, streaming):
                store.write_batch(articles, [], coded)
            expected = reference_update_stories(reference)
            assert complete_stories(streaming) == expected
            assert snapshot(streaming) == snapshot(reference)


# --- pieces ----------------------------------------------------------------------------------------


def test_band_hashes_join_exactly_the_articles_the_lsh_index_proposes():
    """Two signatures share a band hash where the LSH index puts them in one bucket."""
    from sitroom.stories.copies import band_hashes

    rng = np.random.default_rng(5)
    base = rng.integers(0, 2**32, size=128, dtype=np.uint64).astype(np.uint32)
    near = base.copy()
    near[rng.choice(128, size=20, replace=False)] += 1  # some bands unchanged
    far = rng.integers(0, 2**32, size=128, dtype=np.uint64).astype(np.uint32)
    hashes = band_hashes(np.stack([base, near, far]))
    finder = CopyFinder(threshold=0.0)
    for name, values in (("base", base), ("near", near), ("far", far)):
        finder.load(name, values, None)
    proposed = set(finder._lsh.query(finder._sigs["base"]))
    shares = {name for name, row in (("base", 0), ("near", 1), ("far", 2)) if (hashes[row] == hashes[0]).any()}
    assert shares == proposed == {"base", "near"}
    assert hashes.dtype == np.int64 and hashes.shape == (3, 14)
    assert (band_hashes(base) == hashes[0]).all()  # stable: one signature, one set of hashes


def test_a_store_of_the_previous_schema_gets_its_index_and_bands(tmp_path):
    """A store whose stories and copy checks were written before schema 8: the migration indexes
    its stories, the next stage stores the band hashes of its checked articles, and both find
    what holding everything in memory finds."""
    import duckdb

    rng = random.Random(11)
    earlier: list[Article] = []
    events: list[str] = []
    old, ref = tmp_path / "old.duckdb", tmp_path / "ref.duckdb"
    with Store(old) as store:
        articles, coded = synthetic_run(rng, 0, 40, earlier, events)
        store.write_batch(articles, [], coded)
        reference_update_stories(store)  # writes no band hashes, like the previous version
    con = duckdb.connect(str(old))
    for table in ("copy_bands", "story_keys", "story_work", "story_work_keys", "story_work_mentions"):
        con.execute(f"DROP TABLE {table}")
    con.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    con.close()
    shutil.copy(old, ref)
    articles, coded = synthetic_run(rng, 1, 30, earlier, events)
    with Store(old) as streaming, Store(ref) as reference:
        assert streaming.schema_version() == SCHEMA_VERSION
        assert streaming.scalar("SELECT count(*) FROM story_keys") > 0
        check_index_keys_only(streaming)
        for store in (reference, streaming):
            store.write_batch(articles, [], coded)
        same_runs(reference, streaming, TINY[1])
        assert streaming.scalar("SELECT count(DISTINCT article_id) FROM copy_bands") == 70
        assert streaming.scalar("SELECT count(*) FROM meta WHERE key = 'copy_bands_pending'") == 0


def check_index_keys_only(store: Store) -> None:
    merger = Merger()
    expected = set()
    for sid, etype, grp, actors, recipients, lo, hi in store.query(
        "SELECT story_id, event_type, grp, actor_countries, recipient_countries, date_lo, date_hi FROM stories"
    ):
        expected |= {(*k, sid) for k in merger.keys(Story(sid, etype, grp, set(actors or ()), set(recipients or ()), lo, hi))}
    assert set(store.query("SELECT role, event_type, grp, country, week, story_id FROM story_keys")) == expected


# --- incremental cost -----------------------------------------------------------------------------------


class Counting:
    """Counts what the story stage reads from the store."""

    def __init__(self, store: Store, monkeypatch) -> None:
        self.signatures = 0
        self.states = 0
        self.mentions = 0
        for name in ("copy_candidates", "story_states_of", "story_mentions_of"):
            original = getattr(store, name)

            def counted(*args, _original=original, _name=name, **kwargs):
                rows = _original(*args, **kwargs)
                if _name == "copy_candidates":
                    self.signatures += len(rows)
                elif _name == "story_states_of":
                    self.states += len(rows)
                else:
                    self.mentions += len(rows)
                return rows

            monkeypatch.setattr(store, name, counted)


def test_a_few_new_articles_read_only_their_candidates_and_touch_only_their_stories(tmp_path, monkeypatch):
    rng = random.Random(3)
    earlier: list[Article] = []
    events: list[str] = []
    with Store(tmp_path / "big.duckdb") as store:
        for run in range(3):
            articles, coded = synthetic_run(rng, run, 150, earlier, events)
            store.write_batch(articles, [], coded)
            update_stories(store)
        stored_articles = store.scalar("SELECT count(*) FROM article_copies")
        stored_stories = store.scalar("SELECT count(*) FROM stories")
        before = {r[0]: r for r in store.query("SELECT * FROM stories")}
        # three new articles: one a copy of a stored article, two with one event each
        original = earlier[10]
        day = original.published or date(2024, 6, 1)
        copy = Article("new-copy", "synthetic", "text", None, None, "outlet9", day, None, original.text, original.text, "h1")
        fresh = [Article(f"new-{n}", "synthetic", "text", None, None, "outlet9", day, None, t, t, f"h{n + 2}")
                 for n, t in enumerate((text_of(rng), text_of(rng)))]  # fmt: skip
        coded = [
            Event(f"new-{n}-e0", f"new-{n}", 0, "t", 0, 1, "ASSAULT", None, (), "190", 4, 1.0,
                  actor=(ActorRef("ISR", "ISR", "ISR", "MIL"),), recipient=(ActorRef("LBN", "LBN", "LBN", "MIL"),),
                  event_date=day, date_precision="day")
            for n in range(2)
        ]  # fmt: skip
        store.write_batch([copy, *fresh], [], coded)
        reads = Counting(store, monkeypatch)
        report = update_stories(store)
        assert (report.articles_checked, report.copies, report.mentions) == (3, 1, 2)
        assert reads.signatures == 1 < stored_articles  # only the copied article's signature was read
        assert report.new_stories + report.extended_stories <= 2
        after = {r[0]: r for r in store.query("SELECT * FROM stories")}
        changed = {sid for sid in after if before.get(sid) != after[sid]}
        assert len(changed) == report.new_stories + report.extended_stories
        assert reads.states < stored_stories / 4  # the stories under the new reports' keys, not all
        held = sum(store.scalar("SELECT count(*) FROM story_mentions WHERE story_id = ?", [sid]) for sid in changed)
        assert reads.mentions == held  # the reports of the changed stories only


def test_a_story_whose_window_moved_is_still_found_under_its_earlier_weeks_within_the_run(tmp_path):
    """In memory, a story stays indexed under the weeks of its earlier, wider window until the run
    ends, so a later report of the same run that refers back to those weeks can still join it. The
    streaming stage keeps those keys for the run too, also across batches."""
    isr, lbn = (ActorRef("ISR", "ISR", "ISR", "MIL"),), (ActorRef("LBN", "LBN", "LBN", "MIL"),)

    def art(aid: str, day: date) -> Article:
        return Article(aid, "synthetic", "text", None, None, "o", day, None, aid * 20, aid * 20, aid)

    def ev(eid: str, aid: str, etype: str, **kw) -> Event:
        return Event(eid, aid, 0, "t", 0, 1, etype, None, (), "190", 4, 1.0, actor=isr, **kw)

    articles = [art("a1", date(2024, 6, 1)), art("a2", date(2024, 6, 2)), art("a3", date(2025, 3, 1)),
                art("a4", date(2025, 3, 2))]  # fmt: skip
    events = [
        ev("e1", "a1", "ASSAULT", event_date=date(2024, 1, 1), date_precision="year"),  # a window of 2024
        ev("e2", "a2", "ASSAULT", event_date=date(2023, 12, 31), date_precision="day"),  # moves it to 31 Dec 2023
        ev("e3", "a3", "ASSAULT"),  # undated, named as the act e4 answers: a reference to 2024's weeks
        ev("e4", "a4", "THREATEN", recipient=lbn, cause_event="e3"),
    ]
    for batches in ((1, 1, 1), (3, 3, 3)):
        folder = tmp_path / f"b{batches[0]}"
        folder.mkdir()
        with Store(folder / "ref.duckdb") as reference, Store(folder / "new.duckdb") as streaming:
            for store in (reference, streaming):
                store.write_batch(articles, [], events)
            same_runs(reference, streaming, batches)
            joined = dict(streaming.query("SELECT event_id, story_id FROM story_mentions"))
            assert joined["e3"] == joined["e1"] == joined["e2"]


class Killed(Exception):
    pass


@pytest.mark.parametrize("step", ["write_copies", "write_story_work", "write_story_summaries"])
def test_a_stage_stopped_part_way_is_finished_by_the_next_with_nothing_twice(step, tmp_path, monkeypatch):
    """The stage stops at its third write of one kind (the write fails, as a kill inside it leaves
    nothing of it): the batches before stay stored, the stage is still pending, and the next
    complete_stories finishes it to exactly what an uninterrupted stage stores."""
    rng = random.Random(21)
    earlier: list[Article] = []
    events: list[str] = []
    with Store(tmp_path / "ref.duckdb") as reference, Store(tmp_path / "new.duckdb") as streaming:
        for run in range(2):
            articles, coded = synthetic_run(rng, run, 30, earlier, events)
            for store in (reference, streaming):
                store.write_batch(articles, [], coded)
            reference_update_stories(reference)
            original = getattr(streaming, step)
            calls = []

            def failing(*args, _original=original, **kwargs):
                calls.append(1)
                if len(calls) == 3:
                    raise Killed(step)
                return _original(*args, **kwargs)

            monkeypatch.setattr(streaming, step, failing)
            with pytest.raises(Killed):
                update_stories(streaming, copy_batch=4, mention_batch=5, summary_batch=6)
            monkeypatch.undo()
            assert streaming.stories_pending()
            assert complete_stories(streaming, progress=None) is not None
            assert snapshot(streaming) == snapshot(reference)
            check_index(streaming)
            dupes = streaming.scalar("SELECT count(*) - count(DISTINCT event_id) FROM story_mentions")
            assert dupes == 0

"""DuckDB keeps every page of the store's file it touches cached in memory unless told otherwise,
so a long ingest or recode grew with the store it wrote. Both runs hold DuckDB's cache to
``WRITE_MEMORY_LIMIT`` while they write (larger work spills to disk), also across the file being
let go and opened again between batches (``sitroom watch``), and give the limit back after."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from sitroom.pipeline import WRITE_MEMORY_LIMIT, IngestOptions, RecodeOptions
from sitroom.store import Store

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "corpus"


def _mib(setting: str) -> float:
    number, unit = setting.split()
    return float(number) * {"KiB": 1 / 1024, "MiB": 1, "GiB": 1024, "TiB": 1024**2}[unit]


def _limit(store: Store) -> float:
    return _mib(store.scalar("SELECT current_setting('memory_limit')"))


def test_a_released_store_keeps_the_bound_when_it_opens_the_file_again(tmp_path):
    store = Store(tmp_path / "s.duckdb", keep_open=False)
    default = _limit(store)
    with store.memory_bounded("96MB"):
        assert _limit(store) < 100
        store.release()
        assert _limit(store) < 100  # a new connection to the file
        with store.memory_bounded("64MB"):
            assert _limit(store) < 70
        assert _limit(store) < 100
    store.release()
    assert _limit(store) == default
    store.close()


def test_ingest_and_recode_write_under_the_bound_and_give_it_back(pipeline, tmp_path):
    bound = int(WRITE_MEMORY_LIMIT.removesuffix("MB")) * 1e6 / 2**20  # DuckDB shows MB as MiB
    seen: list[float] = []
    with Store(tmp_path / "s.duckdb", keep_open=False) as store:
        default = _limit(store)
        assert default > 512  # DuckDB's own default is a share of the machine's memory
        report = pipeline.ingest([EXAMPLES], store, IngestOptions(write_every=4), progress=lambda *_: seen.append(_limit(store)))
        assert report.articles > 4 and len(seen) > 2
        assert max(seen[:-1]) <= bound + 1  # the last call is the closing summary, after the writes
        assert _limit(store) == default
        seen.clear()
        pipeline.recode(store, RecodeOptions(write_every=4), progress=lambda _report: seen.append(_limit(store)))
        assert len(seen) > 2 and max(seen[1:]) <= bound + 1  # the first call is before any work
        assert _limit(store) == default


def test_the_bound_leaves_room_for_the_keys_of_a_large_store(pipeline, tmp_path):
    """DuckDB must hold a table's keys in memory to write to it, whatever the cache bound: a store
    with many stored events takes more writes under a small bound instead of running out of memory."""
    with Store(tmp_path / "s.duckdb") as store:
        store.con.execute(
            "INSERT INTO coded_events (event_id, article_id) "
            "SELECT substr(md5(i::VARCHAR), 1, 20), 'filler' FROM range(400000) r(i)"
        )
    with Store(tmp_path / "s.duckdb") as store:  # the keys are on disk, to be read back
        coded = pipeline.code_text("Iran fired missiles at Israel on Saturday.", article_id="new")
        # a run's worth of new events, whose random ids reach all over the stored keys
        events = [replace(coded.events[0], event_id=hashlib.sha1(str(i).encode()).hexdigest()[:20]) for i in range(20000)]
        with store.memory_bounded("8MB"):
            assert _limit(store) > 8  # 400,000 keys need about 21 MB
            store.write_batch([coded.article], coded.sentences, events)
        assert store.scalar("SELECT count(*) FROM events WHERE article_id = 'new'") == len(events)

"""Parsing and coding in batches: in this process, in a pool of worker processes, or on Dask.

``Pipeline.ingest_items`` reads, prepares and checks articles against the store in this
process, cuts the new ones into :class:`Batch` records, and takes back one
:class:`CodedBatch` per batch, in the order the batches were made, from a coder:

- :class:`InProcessCoder` codes each batch here (``--workers 1``, ``sitroom watch``, the HTTP API);
- :class:`PoolCoder` sends batches to worker processes (``spawn``: this process holds a DuckDB
  connection and threads, so it is never forked), at most two per worker in flight; a run with
  no more than ``pool_after`` batches of new articles is coded here, without starting the pool;
- :class:`DaskCoder` submits batches to a Dask cluster, whose workers hand them back as
  Parquet shards (:mod:`sitroom.shards`).

Whatever codes them, the store receives the same articles, sentences and events in the same
order, and is written by this process only. A worker builds the same pipeline as this one
from :class:`WorkerSettings`: the dictionaries, lexicon and decision model loaded here travel
with it, so a worker machine needs nothing but Sitroom of the same version.
"""

from __future__ import annotations

import itertools
import logging
import os
import pickle
import signal
import tempfile
import threading
import time
import uuid
from collections import deque
from contextlib import contextmanager
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from . import __version__
from .actors import ActorDictionary
from .coding import Lexicon
from .decision import DecisionModel
from .errors import SitroomError
from .pipeline import CodedArticle, Pipeline
from .records import Article, IngestProblem
from .shards import Shards, read_shards, write_shards

__all__ = [
    "Batch", "BatchCoder", "CodedBatch", "DaskCoder", "InProcessCoder", "PoolCoder", "WorkerSettings", "batch_coder",
    "batches", "code_shards", "default_workers", "require_dask",
]  # fmt: skip

log = logging.getLogger(__name__)

DASK_HINT = "pip install 'sitroom[dask]'"


@dataclass(slots=True, frozen=True)
class Batch:
    """Articles to code, ``seq`` in reading order (0, 1, 2, ...)."""

    seq: int
    articles: tuple[Article, ...]


@dataclass(slots=True, frozen=True)
class CodedBatch:
    """A batch coded: for each article, in order, its coded article or the E121 problem met coding it."""

    seq: int
    articles: tuple[Article, ...]
    results: tuple[CodedArticle | IngestProblem, ...]


@dataclass(slots=True, frozen=True)
class WorkerSettings:
    """What a worker needs to build the same pipeline as this process: the actor dictionary,
    lexicon and decision model as loaded here (``model`` None: the rules only), and the threshold.
    ``key`` tells one run's settings from another's in a worker that serves several."""

    key: str
    version: str
    actors: ActorDictionary
    lexicon: Lexicon
    model: DecisionModel | None
    threshold: float | None

    @classmethod
    def of(cls, pipeline: Pipeline) -> WorkerSettings:
        """The settings that rebuild ``pipeline`` in another process."""
        stage = pipeline.decision
        return cls(
            key=uuid.uuid4().hex,
            version=__version__,
            actors=pipeline.actors,
            lexicon=pipeline.lexicon,
            model=stage.model if stage is not None else None,
            threshold=stage.threshold if stage is not None else None,
        )


class BatchCoder(Protocol):
    def code(self, batches: Iterator[Batch], run_id: str) -> Iterator[CodedBatch]:
        """Every batch coded, in the order given; a generator, closed to stop early."""
        ...


def default_workers() -> int:
    """The number of cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def batches(articles: Iterable[Article], size: int) -> Iterator[Batch]:
    """``articles`` cut into batches of ``size`` (the last one smaller)."""
    it = iter(articles)
    for seq in itertools.count():
        chunk = tuple(itertools.islice(it, max(1, size)))
        if not chunk:
            return
        yield Batch(seq, chunk)


def batch_coder(
    pipeline: Pipeline, *, workers: int = 1, dask: str | None = None, shard_dir: str | Path | None = None, pool_after: int = 4
) -> BatchCoder:
    """The coder for these options: Dask when an address (or ``"local"``) is given, else a pool of
    ``workers`` processes when there is more than one, else this process."""
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    if shard_dir is not None and dask is None:
        raise ValueError("a shard folder is used with Dask only")
    if dask is not None:
        return DaskCoder(pipeline, dask, workers=workers, shard_dir=shard_dir)
    if workers > 1:
        return PoolCoder(pipeline, workers=workers, pool_after=pool_after)
    return InProcessCoder(pipeline)


class InProcessCoder:
    """Codes every batch in this process, with its pipeline."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline

    def code(self, batches: Iterator[Batch], run_id: str) -> Iterator[CodedBatch]:
        for batch in batches:
            yield CodedBatch(batch.seq, batch.articles, tuple(self.pipeline.code_batch(batch.articles, len(batch.articles))))


class PoolCoder:
    """Codes batches in ``workers`` processes, each with a pipeline built once from this one's
    settings; the pool starts once more than ``pool_after`` batches are waiting (fewer are coded here)."""

    def __init__(self, pipeline: Pipeline, *, workers: int, pool_after: int = 4) -> None:
        self.pipeline = pipeline
        self.workers = workers
        self.pool_after = max(0, pool_after)

    def code(self, batches: Iterator[Batch], run_id: str) -> Iterator[CodedBatch]:
        waiting = list(itertools.islice(batches, self.pool_after + 1))
        if len(waiting) <= self.pool_after:  # a small run: starting the workers would cost more than it saves
            yield from InProcessCoder(self.pipeline).code(iter(waiting), run_id)
            return
        log.info("starting %d worker processes", self.workers)
        # The settings (a few MB) reach the workers through a file: handed over through the pipe a new
        # process reads at start-up, they would block this process if a worker died before reading them.
        with tempfile.NamedTemporaryFile(prefix="sitroom-workers-", suffix=".pickle") as handoff:
            pickle.dump(WorkerSettings.of(self.pipeline), handoff, protocol=pickle.HIGHEST_PROTOCOL)
            handoff.flush()
            pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=_spawn_context(),
                initializer=_start_pool_worker,
                initargs=(handoff.name, os.getpid()),
            )
            with _terminate_as_interrupt():
                yield from self._run(pool, itertools.chain(waiting, batches))

    def _run(self, pool: ProcessPoolExecutor, source: Iterator[Batch]) -> Iterator[CodedBatch]:
        in_flight: deque = deque()

        def submit() -> None:
            while len(in_flight) < 2 * self.workers and (batch := next(source, None)) is not None:
                in_flight.append((batch, pool.submit(_code_in_pool, batch)))

        try:
            submit()
            while in_flight:
                batch, future = in_flight.popleft()
                try:
                    results = future.result()
                except BrokenProcessPool as exc:
                    raise SitroomError(
                        "a worker process died (out of memory, killed, or, in a Python script, started without "
                        "'if __name__ == \"__main__\":' around the code that ingests): the batches stored so far "
                        "are kept; run the same command again to store the rest"
                    ) from exc
                submit()  # keep the workers busy while this batch is stored
                yield CodedBatch(batch.seq, batch.articles, tuple(results))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """While the pool runs, SIGTERM stops the run as Ctrl-C does (the workers are stopped, the batches
    stored so far kept) instead of ending this process at once with its workers left behind."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    before = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def _spawn_context():
    import multiprocessing

    return multiprocessing.get_context("spawn")


# --- in a worker process -----------------------------------------------------------------------

_built: dict[str, Pipeline] = {}  # per worker process: the pipeline of the latest settings
_building = threading.Lock()
_pool_key: list[str] = []  # in a pool worker: the key of the settings it was started with


def worker_pipeline(settings: WorkerSettings) -> Pipeline:
    """The pipeline of these settings, built once per worker process."""
    with _building:
        pipeline = _built.get(settings.key)
        if pipeline is None:
            if settings.version != __version__:
                raise SitroomError(
                    f"this worker runs Sitroom {__version__}, the driver {settings.version}: install the same version"
                )
            _built.clear()
            pipeline = _built[settings.key] = Pipeline(
                actors=settings.actors,
                lexicon=settings.lexicon,
                model=settings.model,
                rules_only=settings.model is None,
                threshold=settings.threshold,
            )
        return pipeline


def _start_pool_worker(handoff: str, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops the pool
    # a parent killed outright (SIGKILL, the out-of-memory killer) cannot stop the pool: its workers stop themselves
    # (``parent`` comes from the parent itself: one killed while this worker was starting is gone already)
    threading.Thread(target=_exit_with_parent, args=(parent,), name="parent-watch", daemon=True).start()
    with open(handoff, "rb") as f:
        settings = pickle.load(f)  # written by this worker's parent for it, just before it started
    worker_pipeline(settings)
    _pool_key[:] = [settings.key]


def _exit_with_parent(parent: int, every: float = 0.5) -> None:
    """Exit this worker process once its parent is gone (it would code batches nobody reads)."""
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)


def _code_in_pool(batch: Batch) -> list[CodedArticle | IngestProblem]:
    return _built[_pool_key[0]].code_batch(batch.articles, len(batch.articles))


def code_shards(settings: WorkerSettings, batch: Batch, run_id: str, shard_dir: str | None = None) -> Shards:
    """Code a batch on a Dask worker and hand it back as Parquet shards (bytes, or files in ``shard_dir``)."""
    pipeline = worker_pipeline(settings)
    results = pipeline.code_batch(batch.articles, len(batch.articles))
    return write_shards(batch.seq, batch.articles, results, directory=shard_dir, run_id=run_id)


# --- Dask ----------------------------------------------------------------------------------------


def require_dask():
    """The ``distributed`` package, or a SitroomError saying how to install it."""
    try:
        import distributed
    except ImportError:
        raise SitroomError(f"--dask needs Dask and distributed, which are not installed: {DASK_HINT}") from None
    return distributed


class DaskCoder:
    """Codes batches on a Dask cluster: ``address`` of a running scheduler (``tcp://host:8786``),
    or ``"local"`` for a cluster of ``workers`` processes on this machine, started and stopped here.
    At most two batches per worker thread are in flight; they are taken back in order."""

    def __init__(self, pipeline: Pipeline, address: str, *, workers: int = 1, shard_dir: str | Path | None = None) -> None:
        self.pipeline = pipeline
        self.address = address
        self.workers = workers
        self.shard_dir = None if shard_dir is None else str(Path(shard_dir).resolve())

    def _connect(self):
        distributed = require_dask()
        if self.address == "local":
            cluster = distributed.LocalCluster(
                n_workers=self.workers, threads_per_worker=1, processes=True, dashboard_address=":0"
            )
            return cluster, distributed.Client(cluster)
        try:
            return None, distributed.Client(self.address, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise SitroomError(f"cannot reach the Dask scheduler at {self.address}: {exc}") from None

    def code(self, batches: Iterator[Batch], run_id: str) -> Iterator[CodedBatch]:
        if self.shard_dir is not None:
            Path(self.shard_dir).mkdir(parents=True, exist_ok=True)
        cluster, client = self._connect()
        in_flight: deque = deque()
        try:
            settings = client.scatter(WorkerSettings.of(self.pipeline), broadcast=True)
            threads = sum(client.nthreads().values()) or self.workers
            source = iter(batches)

            def submit() -> None:
                while len(in_flight) < 2 * max(1, threads) and (batch := next(source, None)) is not None:
                    in_flight.append(
                        client.submit(code_shards, settings, batch, run_id, self.shard_dir, pure=False, retries=1)
                    )

            submit()
            while in_flight:
                shards = in_flight.popleft().result()
                submit()
                articles, results = read_shards(shards)
                if self.shard_dir is not None:
                    for kind in ("articles", "sentences", "events"):
                        Path(getattr(shards, kind)).unlink(missing_ok=True)
                yield CodedBatch(shards.seq, articles, results)
        finally:
            for future in in_flight:
                future.cancel()
            client.close()
            if cluster is not None:
                cluster.close()

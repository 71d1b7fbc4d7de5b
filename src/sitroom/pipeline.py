"""The orchestrator: read -> clean -> parse -> code -> store, streaming.

Items flow through in constant memory: readers yield one item at a time,
spaCy parses them through ``nlp.pipe`` in batches, and results are written
to the store every ``write_every`` articles in one transaction.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .actors import ActorDictionary, load_actor_dictionary
from .coding import Coder, Lexicon, load_lexicon
from .decision import DecisionModel, DecisionStage, default_model_path, load_model
from .ingest.clean import clean
from .ingest.dates import outlet_from_dateline, publication_date_from_text
from .faults import coding_fault
from .ingest.readers import DEFAULT_MAX_BYTES, iter_items
from .nlp import MAX_CHARS, load_nlp, sentences
from .records import Article, Event, IngestProblem, RawItem, Sentence

if TYPE_CHECKING:
    from .store import Store

__all__ = ["CodedArticle", "IngestOptions", "IngestReport", "Pipeline", "RecodeOptions", "RecodeReport"]

log = logging.getLogger(__name__)

_KEEP_PROBLEMS = 1000  # problems kept in the report (the first ones); all are counted and stored
_PROBLEM_BATCH = 5000  # problems written to the store at a time
# DuckDB's cache of the store's file while a run writes: without a bound it keeps every page it
# wrote, so the run's memory grew with the store (larger work spills to DuckDB's temporary folder).
# Writing appends: a small cache costs little (40,000 articles written through Store.write_batch:
# 122 s at 32 MB against 111 s at 128 MB) and keeps the writer's footprint near flat as the store
# grows (its peak +86 MB from 2,500 to 40,000 articles at 32 MB, +158 MB at 128 MB).
WRITE_MEMORY_LIMIT = "32MB"


@dataclass(slots=True, frozen=True)
class IngestOptions:
    outlet: str | None = None  # for items whose source gives none
    published: date | None = None  # for items whose metadata gives none
    max_bytes: int = DEFAULT_MAX_BYTES
    batch_size: int = 32  # documents per nlp.pipe batch
    write_every: int = 256  # articles per store transaction
    follow_symlinks: bool = False  # read links that lead out of a folder being read
    pool_after: int = 4  # with workers > 1: batches of new articles waiting before the worker pool starts


@dataclass(slots=True)
class IngestReport:
    run_id: str
    files: int = 0
    articles: int = 0  # stored
    revised: int = 0  # of those, stored as a new revision of an article stored before
    parsed: int = 0  # parsed so far (stored at the next flush)
    unchanged: int = 0
    sentences: int = 0
    events: int = 0
    problems: list[IngestProblem] = field(default_factory=list)  # the first _KEEP_PROBLEMS, in order
    problem_counts: Counter = field(default_factory=Counter)  # (code, failure) -> count
    skipped_files: int = 0  # non-article files in folders

    @property
    def failed(self) -> int:
        return sum(n for (code, failure), n in self.problem_counts.items() if failure)

    @property
    def problem_total(self) -> int:
        """Every problem of the run, failures and skipped files; ``problems`` holds the first of them."""
        return sum(self.problem_counts.values())

    def note(self, problem: IngestProblem) -> None:
        self.problem_counts[(problem.code, problem.failure)] += 1
        if not problem.failure:
            self.skipped_files += 1
        if len(self.problems) < _KEEP_PROBLEMS:
            self.problems.append(problem)


@dataclass(slots=True, frozen=True)
class RecodeOptions:
    """Which stored articles ``Pipeline.recode`` codes again: those named (all when none is named)
    published within ``since``..``until`` (articles without a date are left out when either is given)."""

    article_ids: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    batch_size: int = 32  # documents per nlp.pipe batch
    write_every: int = 256  # articles per store transaction


@dataclass(slots=True)
class RecodeReport:
    """What ``Pipeline.recode`` did: articles coded again, their events before and after (and how
    many kept their ids), the stories built again and the state of the reviews after it."""

    selected: int = 0  # articles chosen
    articles: int = 0  # coded again and stored
    changed: int = 0  # left out: a new revision was stored by another writer meanwhile
    missing: list[str] = field(default_factory=list)  # ids named that are not stored
    events_before: int = 0
    events_after: int = 0
    events_kept: int = 0  # events whose id is the same after (the same trigger, place and rules' type)
    reviews_applied: int = 0  # active reviews that find their events after the run
    reviews_orphaned: int = 0  # active reviews none of whose events (or not all roles) are found: kept, listed
    newly_orphaned: int = 0  # of those, the ones this run orphaned
    stories: object = None  # the story stage's StoryReport, None when it had nothing to do


RecodeProgressFn = Callable[[RecodeReport], None]


@dataclass(slots=True, frozen=True)
class CodedArticle:
    article: Article
    sentences: tuple[Sentence, ...]
    events: tuple[Event, ...]


ProgressFn = Callable[[str, IngestReport], None]


class Pipeline:
    """Loads the model, dictionaries and lexicon once; codes many articles."""

    def __init__(
        self,
        actor_files: Iterable[str | Path] = (),
        lexicon_files: Iterable[str | Path] = (),
        *,
        actors: ActorDictionary | None = None,
        lexicon: Lexicon | None = None,
        model: str | Path | DecisionModel | None = None,
        rules_only: bool = False,
        threshold: float | None = None,
    ) -> None:
        """``model``: a decision model file or a model already loaded (default: ``$SITROOM_MODEL``,
        else the one shipped in the package); ``rules_only``: no decision stage, the rules' events
        as they are; ``threshold``: store events at least this confident (default: the model's own)."""
        self.nlp = load_nlp()
        self.actors = actors or load_actor_dictionary(actor_files)
        self.lexicon = lexicon or load_lexicon(lexicon_files)
        self.coder = Coder(self.nlp, self.actors, self.lexicon)
        self.decision: DecisionStage | None = None
        if isinstance(model, DecisionModel) and not rules_only:
            self.decision = DecisionStage(model, self.lexicon, threshold=threshold, country_name=self.actors.country_name)
        elif not rules_only:
            chosen = model or os.environ.get("SITROOM_MODEL") or None
            path = Path(chosen) if chosen else default_model_path()
            if chosen or path.exists():
                self.decision = DecisionStage(
                    load_model(path), self.lexicon, threshold=threshold, country_name=self.actors.country_name
                )
            else:
                log.warning("no decision model at %s: coding with the rules only", path)

    # --- one item ----------------------------------------------------------------------------

    def prepare(self, item: RawItem, options: IngestOptions = IngestOptions()) -> Article | IngestProblem:
        """Clean an item and settle its metadata; no parsing yet."""
        raw = f"{item.title}\n\n{item.text}" if item.title else item.text
        if len(item.text) > MAX_CHARS:
            return IngestProblem(item.source, "E105", f"article text is {len(item.text):,} characters, over the limit of {MAX_CHARS:,}")
        cleaned = clean(item.text)
        if not cleaned.text.strip():
            what = "nothing but scraper dirt" if cleaned.removals else "no text"
            return IngestProblem(item.source, "E103", f"article has {what} after cleaning")
        published, published_from = item.published, "metadata" if item.published else None
        if published is None and options.published is not None:
            published, published_from = options.published, "option"
        if published is None:
            captions = (r.text for r in cleaned.removals if r.rule == "photo")
            published = publication_date_from_text(item.text, captions)
            published_from = "text" if published else None
        content_hash = hashlib.sha256(raw.encode("utf-8")).hexdigest()
        return Article(
            article_id=item.article_id or "sha-" + content_hash[:16],
            source=item.source,
            fmt=item.fmt,
            title=item.title,
            url=item.url,
            outlet=item.outlet or options.outlet or outlet_from_dateline(cleaned.text),
            published=published,
            published_from=published_from,
            raw_text=raw,
            text=cleaned.text,
            content_hash=content_hash,
            removals=cleaned.removals,
        )

    def code_article(self, article: Article, doc=None, *, decide: bool = True) -> CodedArticle:
        """Parse (unless ``doc`` is given), find candidate events with the rules, and let the
        decision stage decide them (``decide=False``: the candidates as the rules coded them)."""
        coding_fault(article.article_id)
        doc = doc if doc is not None else self.nlp(article.text)
        text = doc.text  # a span's text is this slice of it, without joining its tokens again
        sents = tuple(
            Sentence(article.article_id, i, s.start_char, s.end_char, text[s.start_char : s.end_char])
            for i, s in enumerate(sentences(doc))
        )
        events = self.coder.code_doc(doc, article.article_id, article.published)
        if decide and self.decision is not None:
            events = self.decision.decide(events, sents)
        return CodedArticle(article, sents, tuple(events))

    def code_text(self, text: str, *, published: date | None = None, article_id: str = "text") -> CodedArticle:
        """Code one piece of text (``sitroom code``): cleaned, parsed and coded, not stored."""
        item = RawItem(source="<text>", fmt="text", text=text, article_id=article_id)
        prepared = self.prepare(item, IngestOptions(published=published))
        if isinstance(prepared, IngestProblem):
            raise ValueError(prepared.message)
        return self.code_article(prepared)

    def code_many(self, texts: Iterable[tuple[str, date | None]], batch_size: int = 64) -> Iterator[tuple[CodedArticle, object]]:
        """Code many (text, published) pairs through nlp.pipe; yields (coded, doc).
        Texts with nothing left after cleaning yield an empty CodedArticle."""
        def prepared():
            for n, (text, published) in enumerate(texts):
                item = RawItem(source=f"<text {n}>", fmt="text", text=text, article_id=f"text-{n}")
                result = self.prepare(item, IngestOptions(published=published))
                if isinstance(result, IngestProblem):  # nothing to code: an empty article
                    result = Article(item.article_id, item.source, "text", None, None, None, published, None,
                                     text, "", "")
                yield result.text, result

        for doc, article in self.nlp.pipe(prepared(), as_tuples=True, batch_size=batch_size):
            yield self.code_article(article, doc), doc

    def code_batch(self, articles: Sequence[Article], batch_size: int = 32) -> list[CodedArticle | IngestProblem]:
        """Parse and code articles through ``nlp.pipe``, one result per article in order: the coded
        article, or an E121 problem naming its source when coding it raised (the others are coded as usual)."""
        try:
            docs = list(self.nlp.pipe([a.text for a in articles], batch_size=batch_size))
        except Exception:  # find the article at fault: parse them one by one below
            docs = [None] * len(articles)
        results: list[CodedArticle | IngestProblem] = []
        for article, doc in zip(articles, docs):
            try:
                results.append(self.code_article(article, doc))
            except Exception as exc:
                log.info("cannot code %s (%s)", article.source, article.article_id, exc_info=True)
                message = f"article {article.article_id!r} could not be coded: {type(exc).__name__}: {exc}"
                results.append(IngestProblem(article.source, "E121", message))
        return results

    # --- a batch -------------------------------------------------------------------------------

    def ingest(
        self,
        paths: Iterable[str | Path],
        store: Store,
        options: IngestOptions = IngestOptions(),
        progress: ProgressFn | None = None,
        *,
        workers: int = 1,
        dask: str | None = None,
        shard_dir: str | Path | None = None,
    ) -> IngestReport:
        """Ingest every article under ``paths`` into ``store``. ``workers``: processes that parse
        and code (1: this one; the pool starts once more than ``options.pool_after`` batches are
        waiting); ``dask``: a Dask scheduler's address, or ``"local"`` for a cluster of ``workers``
        processes on this machine (``sitroom[dask]``); ``shard_dir``: a folder the Dask workers
        and this process share, for the coded batches. The store is written by this process only."""
        items = iter_items(paths, max_bytes=options.max_bytes, follow_symlinks=options.follow_symlinks)
        return self.ingest_items(items, store, options, progress, workers=workers, dask=dask, shard_dir=shard_dir)

    def ingest_items(
        self,
        items: Iterable[RawItem | IngestProblem],
        store: Store,
        options: IngestOptions = IngestOptions(),
        progress: ProgressFn | None = None,
        *,
        workers: int = 1,
        dask: str | None = None,
        shard_dir: str | Path | None = None,
    ) -> IngestReport:
        """Ingest items already read (from a feed, an HTTP request, ...) into ``store``;
        problems among them are counted and stored like a reader's. The articles are coded in
        batches, here or by workers (see ``ingest``), and stored in reading order either way."""
        from .parallel import batches, batch_coder

        coder = batch_coder(self, workers=workers, dask=dask, shard_dir=shard_dir, pool_after=options.pool_after)
        report = IngestReport(run_id=uuid.uuid4().hex[:12])
        pending: dict[str, set[str]] = {}  # id -> hashes of articles parsed but not yet written
        problems: list[IngestProblem] = []
        items = self._watch_files(iter(items), report, progress)
        articles = self._new_articles(items, store, options, report, pending, problems)
        buffer: list[CodedArticle] = []
        coded = coder.code(batches(articles, options.batch_size), report.run_id)
        with store.memory_bounded(WRITE_MEMORY_LIMIT):
            try:
                for batch in coded:
                    for article, result in zip(batch.articles, batch.results):
                        if isinstance(result, IngestProblem):  # coding it raised: a problem, not an article
                            self._forget(pending, article)
                            self._problem(result, report, problems, store)
                            continue
                        if any(c.article.article_id == article.article_id for c in buffer):
                            # a second revision of one article in one run: store the first before it
                            self._flush(store, buffer, problems, report, pending)
                        buffer.append(result)
                        report.parsed += 1
                        if progress and report.parsed % 16 == 0:
                            progress(article.source.split("#", 1)[0], report)
                        if len(buffer) >= options.write_every:
                            self._flush(store, buffer, problems, report, pending)
            finally:
                coded.close()  # stops the workers, also when the run is interrupted
            self._flush(store, buffer, problems, report, pending)
        if progress:
            progress("", report)
        return report

    def recode(
        self,
        store: Store,
        options: RecodeOptions = RecodeOptions(),
        progress: RecodeProgressFn | None = None,
        story_progress: Callable[[str, int, int], None] | None = None,
    ) -> RecodeReport:
        """Code stored articles again (their stored cleaned text and publication date) with this
        pipeline's rules, dictionaries and model: each batch's sentences and events replace the stored
        ones in one transaction (an interrupted run leaves every article coded wholly the old way or
        wholly the new; running it again finishes the job), the stories that held their events are
        built again, and every review is applied again through its anchor (those whose events are gone
        are kept, orphaned)."""
        from .review import list_reviews
        from .stories import complete_stories

        report = RecodeReport()
        before = {r["review_id"]: r["status"] for r in list_reviews(store, include_undone=False)}
        ids, report.missing = store.recode_selection(options.article_ids, options.since, options.until)
        report.selected = len(ids)
        store.release()
        if progress:
            progress(report)
        with store.memory_bounded(WRITE_MEMORY_LIMIT):
            for start in range(0, len(ids), max(1, options.write_every)):
                articles = store.stored_articles(ids[start : start + max(1, options.write_every)])
                store.release()  # a store opened with keep_open=False is not held while parsing
                docs = self.nlp.pipe(((a.text, a) for a in articles), as_tuples=True, batch_size=options.batch_size)
                coded = [self.code_article(article, doc) for doc, article in docs]
                old = store.replace_coding(
                    [c.article for c in coded], [s for c in coded for s in c.sentences], [e for c in coded for e in c.events]
                )
                store.release()
                for c in coded:
                    if c.article.article_id not in old:
                        report.changed += 1
                        continue
                    previous = set(old[c.article.article_id])
                    report.articles += 1
                    report.events_before += len(previous)
                    report.events_after += len(c.events)
                    report.events_kept += sum(e.event_id in previous for e in c.events)
                if progress:
                    progress(report)
        report.stories = complete_stories(store, progress=story_progress)
        after = list_reviews(store, include_undone=False)
        report.reviews_applied = sum(r["status"] == "applied" for r in after)
        report.reviews_orphaned = sum(r["status"] == "orphaned" for r in after)
        report.newly_orphaned = sum(r["status"] == "orphaned" and before.get(r["review_id"]) != "orphaned" for r in after)
        store.release()
        return report

    def _watch_files(self, items: Iterator[RawItem | IngestProblem], report: IngestReport, progress: ProgressFn | None):
        current = None
        for item in items:
            path = item.source.split("#", 1)[0]
            if path != current:
                current = path
                report.files += 1
                if progress:
                    progress(path, report)
            yield item

    def _new_articles(
        self,
        items: Iterator[RawItem | IngestProblem],
        store: Store,
        options: IngestOptions,
        report: IngestReport,
        pending: dict[str, set[str]],
        problems: list[IngestProblem],
    ) -> Iterator[Article]:
        """Prepared articles whose content is not stored yet, checked against the store in chunks:
        new articles, and new revisions of stored ones (the content of any stored revision,
        the latest or an earlier one, counts as unchanged)."""
        while True:
            chunk = list(itertools.islice(items, 128))
            if not chunk:
                return
            prepared: list[Article] = []
            for item in chunk:
                result = item if isinstance(item, IngestProblem) else self.prepare(item, options)
                if isinstance(result, IngestProblem):
                    self._problem(result, report, problems, store)
                else:
                    prepared.append(result)
            stored = store.known_hashes([a.article_id for a in prepared])
            store.release()  # a store opened with keep_open=False is not held while parsing
            for article in prepared:
                known = stored.get(article.article_id, set()) | pending.get(article.article_id, set())
                if article.content_hash in known:
                    report.unchanged += 1
                    continue
                pending.setdefault(article.article_id, set()).add(article.content_hash)
                yield article

    def _problem(
        self, problem: IngestProblem, report: IngestReport, problems: list[IngestProblem], store: Store
    ) -> None:
        if problem.failure:
            log.info("%s", problem)
        report.note(problem)
        problems.append(problem)
        if len(problems) >= _PROBLEM_BATCH:  # a flood of bad records is written as it comes, not held
            store.add_problems(problems, report.run_id, replace=True)
            problems.clear()

    @staticmethod
    def _forget(pending: dict[str, set[str]], article: Article) -> None:
        hashes = pending.get(article.article_id, set())
        hashes.discard(article.content_hash)
        if not hashes:
            pending.pop(article.article_id, None)

    def _flush(
        self,
        store: Store,
        buffer: list[CodedArticle],
        problems: list[IngestProblem],
        report: IngestReport,
        pending: dict[str, set[str]],
    ) -> None:
        if buffer:
            ids = [c.article.article_id for c in buffer]
            before = set(store.known_hashes(ids))
            already = store.write_batch(
                [c.article for c in buffer],
                [s for c in buffer for s in c.sentences],
                [e for c in buffer for e in c.events],
                {c.article.article_id: (len(c.sentences), len(c.events)) for c in buffer},
            )
            for c in buffer:
                self._forget(pending, c.article)
                if c.article.article_id in already:  # another writer stored this content meanwhile
                    report.unchanged += 1
                    continue
                report.articles += 1
                report.revised += c.article.article_id in before
                report.sentences += len(c.sentences)
                report.events += len(c.events)
            buffer.clear()
        if problems:
            store.add_problems(problems, report.run_id, replace=True)
            problems.clear()
        store.release()


"""Watching sources: RSS/Atom feed URLs and local files or folders, polled on
a schedule, with only what is new handed to the pipeline.

Each source keeps what this process already handed over: feed entries by
(id, hash of the fields the reader uses), files by (path, mtime, size). The
store's own id + content-hash check covers restarts. A source that fails as a
whole (network error, HTTP error status, unreadable feed, missing folder) is
recorded in ``ingest_errors`` and tried again after ``every * 2**k`` seconds
(k failures in a row, capped at ``max_backoff``); one success resets it. One
bad item is a problem of that item; the rest of the source is still stored.

A file is handed over only once it is complete: when a poll finds it with the
size and modification time the poll before found, or, at the first poll that
sees it, when it was moved in after it was written: its status-change time
(ctime) is later than its modification time, which a rename (or a copy that
keeps the file's time) changes and writing does not. A folder with files
still changing is polled again after ``settle`` seconds.

Every round first finishes story work an interrupted run left in the store.
Given a store opened with ``keep_open=False``, the watcher holds the file only
while it reads or writes it, so that other processes can use the store between.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.client import HTTPException
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .errors import SitroomError
from .ingest.files import walk
from .ingest.readers import FORMATS, feed_entries, iter_items
from .records import IngestProblem, RawItem
from .store import Store

if TYPE_CHECKING:
    from .pipeline import IngestOptions, Pipeline
    from .stories import StoryReport

__all__ = [
    "CycleReport",
    "SourceError",
    "SourceReport",
    "WatchTotals",
    "Watcher",
    "check_source",
    "format_duration",
    "parse_duration",
]

log = logging.getLogger(__name__)

FETCH_TIMEOUT = 30.0  # seconds per feed request
DEFAULT_MAX_BACKOFF = 6 * 3600.0
MAX_SETTLE = 60.0  # a folder with files still changing is looked at again this soon (or after one interval)
USER_AGENT = f"Sitroom/{__version__}"
_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


class SourceError(SitroomError):
    """A source given to watch is neither a feed URL nor an existing file or folder."""


# --- durations ----------------------------------------------------------------------------------

_DURATION = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*([smh]?)\s*$", re.I)
_UNIT = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(text: str) -> float:
    """Seconds in ``90s``, ``15m``, ``1h`` or ``300``; at least one second."""
    m = _DURATION.match(text)
    if not m:
        raise ValueError(f"{text!r} is not a duration; use e.g. 90s, 15m, 1h or a number of seconds")
    seconds = float(m.group(1)) * _UNIT[m.group(2).lower()]
    if seconds < 1:
        raise ValueError(f"{text!r} is too short; the shortest interval is 1s")
    return seconds


def format_duration(seconds: float) -> str:
    """``45s``, ``1m30s``, ``15m``, ``2h``, ``1h30m``."""
    s = max(0, round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        m, rest = divmod(s, 60)
        return f"{m}m{rest}s" if rest else f"{m}m"
    h, rest = divmod(s, 3600)
    m = rest // 60
    return f"{h}h{m}m" if m else f"{h}h"


# --- sources ------------------------------------------------------------------------------------


def check_source(text: str) -> str:
    """``"feed"`` for an http(s) URL, ``"path"`` for an existing file or folder;
    anything else is a SourceError naming the source."""
    scheme = _SCHEME.match(text)
    if scheme:
        if scheme.group(1).lower() not in ("http", "https"):
            raise SourceError(f"{text}: unsupported URL scheme {scheme.group(1)!r}; give an http:// or https:// feed URL, a file or a folder")
        if not urllib.parse.urlsplit(text).hostname:
            raise SourceError(f"{text}: URL has no host name")
        return "feed"
    path = Path(text)
    if path.is_dir():
        return "path"
    if path.is_file():
        if path.suffix.lower() not in FORMATS:
            known = ", ".join(sorted(FORMATS))
            raise SourceError(f"{text}: unsupported file type {path.suffix or '(none)'!r}; known: {known}")
        return "path"
    raise SourceError(f"{text}: not a feed URL (http:// or https://) and no such file or folder")


@dataclass(slots=True)
class _Source:
    name: str  # as given; names the source in reports and problems
    kind: str  # "feed" or "path"
    due: float = float("-inf")  # clock time of the next poll
    failures: int = 0  # in a row
    etag: str | None = None
    last_modified: str | None = None
    seen: set[tuple] = field(default_factory=set)  # entries or files handed over, as of the last success
    settling: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> (mtime_ns, size) still changing


class _Failure(Exception):
    """The whole source failed this time (recorded as a problem with ``code``)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# --- reports ------------------------------------------------------------------------------------


@dataclass(slots=True)
class SourceReport:
    """One poll of one source."""

    source: str
    at: datetime  # when the poll ended (local time)
    articles: int = 0  # new articles stored
    events: int = 0
    unchanged: int = 0  # handed over but already stored
    problems: int = 0  # item problems recorded
    settling: int = 0  # files still changing, left for a later poll
    not_modified: bool = False  # the server answered 304
    error: str | None = None  # the source failed as a whole
    failures: int = 0  # failures in a row, this one included
    wait: float = 0.0  # seconds from this round's start to the next poll: the interval or the back-off
    next_due: float = 0.0  # clock time of the next poll
    next_at: datetime | None = None  # local time of the next poll


@dataclass(slots=True)
class CycleReport:
    """One round over the sources that were due."""

    started: datetime
    sources: list[SourceReport] = field(default_factory=list)
    stories: StoryReport | None = None  # when articles were stored
    recovered: StoryReport | None = None  # story work an interrupted run had left, finished first

    @property
    def articles(self) -> int:
        return sum(s.articles for s in self.sources)

    @property
    def events(self) -> int:
        return sum(s.events for s in self.sources)

    @property
    def unchanged(self) -> int:
        return sum(s.unchanged for s in self.sources)

    @property
    def problems(self) -> int:
        return sum(s.problems for s in self.sources)

    @property
    def errors(self) -> int:
        return sum(1 for s in self.sources if s.error)


@dataclass(slots=True)
class WatchTotals:
    """Sums over every round of one Watcher."""

    rounds: int = 0
    articles: int = 0
    events: int = 0
    problems: int = 0
    errors: int = 0


# --- the watcher --------------------------------------------------------------------------------


class Watcher:
    """Polls feed URLs and local files or folders; stores what is new.

    ``poll_once`` visits every source that is due and never raises for bad
    input; ``run`` loops, sleeping until the next source is due. ``clock`` and
    ``sleep`` are injectable (monotonic seconds) for tests. ``settle``: seconds
    after which a folder holding files still changing is polled again, to see
    whether they are (default: the interval, at most ``MAX_SETTLE``).
    """

    def __init__(
        self,
        sources: list[str],
        store: Store,
        pipeline: Pipeline,
        *,
        every: float,
        options: IngestOptions,
        max_backoff: float = DEFAULT_MAX_BACKOFF,
        on_change: Callable[[CycleReport], None] | None = None,
        on_cycle: Callable[[CycleReport], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        settle: float | None = None,
    ) -> None:
        if every <= 0:
            raise ValueError("every must be positive")
        self._sources: list[_Source] = []
        for text in dict.fromkeys(sources):  # in order, once each
            self._sources.append(_Source(text, check_source(text)))
        if not self._sources:
            raise SourceError("nothing to watch: give at least one feed URL, file or folder")
        self.store = store
        self.pipeline = pipeline
        self.every = float(every)
        self.options = options
        self.max_backoff = max(float(max_backoff), self.every)
        self.on_change = on_change
        self.on_cycle = on_cycle
        self._sleep = sleep
        self._clock = clock
        self.settle = min(self.every, MAX_SETTLE) if settle is None else max(0.0, float(settle))
        self._stop: threading.Event | None = None
        self.totals = WatchTotals()

    @property
    def sources(self) -> list[str]:
        return [s.name for s in self._sources]

    def next_due(self) -> float:
        """Clock time at which the next source is due."""
        return min(s.due for s in self._sources)

    # --- the loop -----------------------------------------------------------------------------

    def run(self, cycles: int | None = None, stop: threading.Event | None = None) -> None:
        """Poll round after round: ``cycles`` rounds if given, else until ``stop`` is set
        (or forever). Waits with ``stop.wait`` when an Event is given, so setting it
        ends the wait at once."""
        self._stop = stop
        done = 0
        try:
            while stop is None or not stop.is_set():
                self.poll_once()
                done += 1
                if cycles is not None and done >= cycles:
                    return
                delay = max(0.0, self.next_due() - self._clock())
                if stop is not None:
                    if stop.wait(delay):
                        return
                else:
                    self._sleep(delay)
        finally:
            self._stop = None

    def poll_once(self) -> CycleReport:
        """One round over every source that is due, after finishing any story work an
        interrupted run left; then the story stage if anything was stored."""
        report = CycleReport(started=datetime.now().astimezone())
        report.recovered = self._stories()
        now = self._clock()
        for source in self._sources:
            if self._stop is not None and self._stop.is_set():
                break
            if source.due <= now:
                report.sources.append(self._poll(source, now))
        self.totals.rounds += 1
        self.totals.articles += report.articles
        self.totals.events += report.events
        self.totals.problems += report.problems
        self.totals.errors += report.errors
        if report.articles:
            report.stories = self._stories()
        if self.on_cycle is not None:
            self.on_cycle(report)
        if report.articles and self.on_change is not None:
            self.on_change(report)
        return report

    def _stories(self) -> StoryReport | None:
        """The story stage, when the store has work pending for it; never raises."""
        from .stories import complete_stories

        try:
            return complete_stories(self.store)
        except SitroomError as exc:  # the store is locked by another process: the work stays pending
            log.warning("the story stage could not run (%s); the next round tries again", exc)
            return None
        except Exception:  # the next round tries again: the work stays pending in the store
            log.exception("the story stage failed; the next round tries again")
            return None
        finally:
            self._release()

    def _release(self) -> None:
        try:
            self.store.release()
        except Exception:
            log.exception("could not close %s", self.store.path)

    # --- one source ---------------------------------------------------------------------------

    def _poll(self, source: _Source, started: float) -> SourceReport:
        """Poll one source; its next poll is due ``started`` (the round's start, so that
        sources polled together stay together) plus the interval or the back-off."""
        result = SourceReport(source.name, at=datetime.now().astimezone())
        try:
            if source.kind == "feed":
                self._poll_feed(source, result)
            else:
                self._poll_path(source, result)
        except _Failure as failure:
            result.error = failure.message
            self._record(IngestProblem(source.name, failure.code, failure.message))
        except SitroomError as exc:  # the store is locked by another process, or cannot be opened
            log.warning("watching %s failed: %s", source.name, exc)
            result.error = str(exc)
        except Exception as exc:  # a bug or a broken store: log it, keep the other sources going
            log.exception("watching %s failed", source.name)
            result.error = f"{type(exc).__name__}: {exc}"
        finally:
            self._release()
        if result.error is None:
            source.failures = 0
            wait = min(self.every, self.settle) if result.settling else self.every
        else:
            source.failures += 1
            wait = min(self.every * 2.0 ** min(source.failures, 60), self.max_backoff)
        source.due = started + wait
        result.failures, result.wait, result.next_due = source.failures, wait, source.due
        result.at = datetime.now().astimezone()
        result.next_at = result.at + timedelta(seconds=max(0.0, source.due - self._clock()))
        log.info("%s: %d new articles, %d events, %d problems%s", source.name, result.articles, result.events,
                 result.problems, f"; failed: {result.error}" if result.error else "")  # fmt: skip
        return result

    def _record(self, problem: IngestProblem) -> None:
        try:
            self.store.add_problems([problem], uuid.uuid4().hex[:12])
        except SitroomError as exc:  # the store is locked by another process
            log.warning("could not record %s: %s", problem, exc)
        except Exception:
            log.exception("could not record %s", problem)

    def _ingest(self, items: Iterator[RawItem | IngestProblem], result: SourceReport) -> None:
        report = self.pipeline.ingest_items(items, self.store, self.options)
        result.articles += report.articles
        result.events += report.events
        result.unchanged += report.unchanged
        result.problems += sum(report.problem_counts.values())

    # feeds

    def _poll_feed(self, source: _Source, result: SourceReport) -> None:
        fetched = self._fetch(source)
        if fetched is None:
            result.not_modified = True
            return
        data, etag, last_modified = fetched
        if not data.strip():
            raise _Failure("E103", "the server sent an empty response")
        pairs = list(feed_entries(source.name, data))
        if len(pairs) == 1 and pairs[0][0] is None:  # the document itself is unreadable
            problem = pairs[0][1]
            raise _Failure(problem.code, problem.message)
        keyed = [(_entry_key(entry), item) for entry, item in pairs]
        new = [item for key, item in keyed if key not in source.seen]
        if new:
            self._ingest(iter(new), result)
        # Only now: a failure above leaves the entries (and the validators) to be tried again.
        source.seen = {key for key, _ in keyed}
        source.etag, source.last_modified = etag, last_modified

    def _fetch(self, source: _Source) -> tuple[bytes, str | None, str | None] | None:
        """(body, ETag, Last-Modified), or None when the server answers 304 Not Modified."""
        limit = self.options.max_bytes
        headers = {"User-Agent": USER_AGENT, "Accept": _ACCEPT}
        if source.etag:
            headers["If-None-Match"] = source.etag
        if source.last_modified:
            headers["If-Modified-Since"] = source.last_modified
        request = urllib.request.Request(source.name, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
                length = response.headers.get("Content-Length", "")
                if length.isdigit() and int(length) > limit:
                    raise _Failure("E105", f"feed is {int(length):,} bytes, over the limit of {limit:,}")
                data = response.read(limit + 1)
                if len(data) > limit:
                    raise _Failure("E105", f"feed is over the limit of {limit:,} bytes")
                return data, response.headers.get("ETag"), response.headers.get("Last-Modified")
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code == 304:
                return None
            raise _Failure("E115", f"HTTP {exc.code} {exc.reason}".rstrip()) from None
        except urllib.error.URLError as exc:
            raise _Failure("E115", f"cannot fetch: {_reason(exc.reason)}") from None
        except (OSError, HTTPException, ValueError) as exc:
            raise _Failure("E115", f"cannot fetch: {_reason(exc)}") from None

    # files and folders

    def _poll_path(self, source: _Source, result: SourceReport) -> None:
        root = Path(source.name)
        if root.is_dir():
            candidates = (p for p in walk(root, self.options.follow_symlinks) if p.suffix.lower() in FORMATS)
        elif root.is_file():
            candidates = iter([root])
        else:
            raise _Failure("E114", "no such file or folder")
        files: list[tuple[Path, tuple]] = []
        moved_in: set[str] = set()  # changed (renamed) after they were last written
        for path in candidates:
            try:
                st = path.stat()
            except FileNotFoundError:  # gone since the listing
                continue
            except OSError:
                files.append((path, (str(path), None, None)))  # the reader reports it
                continue
            files.append((path, (str(path), st.st_mtime_ns, st.st_size)))
            if st.st_ctime_ns > st.st_mtime_ns:
                moved_in.add(str(path))
        ready: list[Path] = []
        settling: dict[str, tuple[int, int]] = {}
        for path, key in files:
            if key in source.seen:
                continue
            name, mtime, size = key
            if mtime is None or source.settling.get(name) == (mtime, size) or name in moved_in:
                ready.append(path)  # unchanged since the last poll, or moved in whole
            else:
                settling[name] = (mtime, size)  # perhaps still being written: look again next time
        if ready:
            within = root if root.is_dir() else None  # links found in a watched folder are checked as ingest does
            items = iter_items(ready, max_bytes=self.options.max_bytes, follow_symlinks=self.options.follow_symlinks, within=within)
            self._ingest(items, result)
        source.seen = {key for _, key in files if key[0] not in settling}
        source.settling = settling
        result.settling = len(settling)


def _entry_key(entry: dict | None) -> tuple[str, str]:
    """A feed entry's id and a hash of the fields the reader uses."""
    if entry is None:
        return "", ""
    fields = [
        entry.get("title"),
        [c.get("value") for c in entry.get("content") or []],
        entry.get("summary"),
        dict.get(entry, "description"),
        entry.get("link"),
        str(dict.get(entry, "published_parsed")),
        str(dict.get(entry, "updated_parsed")),
    ]
    digest = hashlib.sha256(json.dumps(fields, default=str).encode("utf-8")).hexdigest()
    return str(entry.get("id") or entry.get("link") or ""), digest


def _reason(reason: object) -> str:
    if isinstance(reason, TimeoutError):
        return f"no answer within {FETCH_TIMEOUT:g} s"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__

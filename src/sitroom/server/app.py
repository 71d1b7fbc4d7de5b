"""The HTTP API and the dashboard (docs/api.md).

``create_app(db)`` builds a FastAPI application over one store. The store is
opened read-only unless the app may write: with a token (``POST
/api/articles``) or with sources to watch. Requests run in a thread pool; each
thread reads through its own cursor on the one open database, and writes
(the watcher's, the POST endpoint's) are serialised by one lock.

The server holds the database file only while requests are in flight (and
``LINGER`` seconds after the last one), and the watcher only while a round
reads or writes, so that other processes (``sitroom summary``, a notebook)
can open the store between. A request that finds the file held by another
process waits for it, up to ``wait`` seconds, then gets a 503 (E117).

Whole-store analyses (the threat ledger, pairs and alerts, the network) are
computed once per store revision and kept, so only the first request after a
write pays for them; the rendered answers of the analysis endpoints and the map
are kept per request the same way (docs/api.md, "Answers kept until the next
write").
"""

from __future__ import annotations

import atexit
import functools
import hmac
import json
import logging
import math
import re
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from contextlib import asynccontextmanager
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from itertools import accumulate
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from .. import __version__
from ..errors import FilterError, StoreError, StoreLockedError
from ..filters import ActorIndex, EventFilter, make_filter, threat_stories
from ..store import DEFAULT_WAIT, Store
from ..stories import ledger
from ..stories import network as _network
from ..stories import timeline as _timeline
from . import queries, schema
from .geo import countries_geojson, warm_up
from .params import (
    Actor, ArticleId, AsOf, DyadText, Freq, Limit, MinConfidence, MinCount, Modality, Offset, Recipient, Since,
    Statuses, StoryId, Text, TimelineFreq, Type, Undirected, Until, Whole, WindowDays,
)  # fmt: skip
from .schema import ARTICLES_BODY, IngestAnswer, errors

__all__ = ["CSP", "DEFAULT_MAX_BODY", "MAX_JSON_DEPTH", "ApiError", "create_app"]

log = logging.getLogger(__name__)

DEFAULT_MAX_BODY = 1024 * 1024
MAX_JSON_DEPTH = 100  # arrays and objects in a request body; far beyond any article, far below Python's recursion limit
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
_SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
_SECURITY_HEADER_NAMES = {name for name, _ in _SECURITY_HEADERS}
_STATIC = resources.files("sitroom.server") / "static"
_CACHE_SIZE = 64
_ANSWER_CACHE_BYTES = 64 * 1024 * 1024  # rendered answers kept, at most (they go first, least recently used first)
LINGER = 1.0  # seconds the store stays open after the last request, for the next one


class ApiError(Exception):
    """A request the API refuses, with the status and message the client sees."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# --- JSON ------------------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """JSON-ready: dates as ISO strings, NaN as null, numpy and pandas scalars as Python."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return _plain(value.tolist())
    if hasattr(value, "isoformat"):  # pandas Timestamp
        return value.isoformat()
    return str(value)


class Json(JSONResponse):
    def render(self, content: Any) -> bytes:
        return json.dumps(_plain(content), ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


class GeoJson(Response):
    media_type = "application/geo+json"


def _client(request: Request) -> str:
    return f"{request.client.host}:{request.client.port}" if request.client else "?"


def _frame_records(frame) -> list[dict]:
    return frame.to_dict(orient="records")


_JSON_ESCAPE = re.compile(r"\\.", re.DOTALL)
_JSON_STRING = re.compile(r'"[^"]*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _json_depth(text: str) -> int:
    """How deep arrays and objects nest in the JSON ``text``, counted in linear time
    without recursion: escapes, then strings, are dropped and the brackets left are
    counted (a malformed document may count high, never low)."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", _JSON_ESCAPE.sub("", text)))
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0)


def parse_json_body(body: bytes, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """The JSON document in a request body (UTF-8, -16 or -32), or ApiError 400 saying why not:
    malformed, or nesting over ``max_depth`` (which would exhaust the parser's recursion)."""
    try:
        text = body.decode(json.detect_encoding(body), "surrogatepass")
    except (UnicodeDecodeError, LookupError) as exc:
        raise ApiError(400, f"body is not JSON: {exc}") from None
    if _json_depth(text) > max_depth:
        raise ApiError(400, f"body is not JSON this API accepts: arrays and objects nest more than {max_depth} levels deep")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, f"body is not JSON: {exc}") from None


# --- middleware --------------------------------------------------------------------------------------------


class _Guard:
    """Adds the security headers to every response, refuses Host headers not in
    ``allowed_hosts`` (when given) with 400, and bodies over ``max_body`` bytes (by their
    Content-Length, or while they stream in) with 413, both as JSON errors."""

    def __init__(self, app, max_body: int, allowed_hosts: list[str] | None = None) -> None:
        self.app = app
        self.max_body = max_body
        self.allowed_hosts = {h.lower() for h in allowed_hosts} if allowed_hosts else None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def send_with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _SECURITY_HEADER_NAMES]
                message = {**message, "headers": headers + _SECURITY_HEADERS}
            await send(message)

        headers = dict(scope.get("headers") or [])
        if self.allowed_hosts is not None and _host_name(headers.get(b"host", b"")) not in self.allowed_hosts:
            return await _send_error(send_with_headers, 400, "this server does not answer to that Host header")
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            return await self._too_large(send_with_headers)
        seen = 0

        async def bounded_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise _BodyTooLarge()
            return message

        try:
            await self.app(scope, bounded_receive, send_with_headers)
        except _BodyTooLarge:
            if not started:
                await self._too_large(send_with_headers)

    async def _too_large(self, send) -> None:
        await _send_error(send, 413, f"request body is over the limit of {self.max_body:,} bytes")


def _host_name(host: bytes) -> str:
    """The name in a Host header, without its port: ``[::1]:8000`` gives ``[::1]``."""
    text = host.decode("latin-1").strip().lower()
    if text.startswith("["):
        return text[: text.find("]") + 1] if "]" in text else text
    return text.rsplit(":", 1)[0] if text.count(":") == 1 else text


async def _send_error(send, status: int, message: str) -> None:
    body = json.dumps({"error": message, "status": status}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


class _BodyTooLarge(Exception):
    pass


# --- the application ------------------------------------------------------------------------------------


class _State:
    """The store, per-thread cursors, the write lock and the analysis cache.

    The store is opened by the first request that reads it and closed again
    once no request has been in flight for ``LINGER`` seconds (``enter`` and
    ``leave`` count them), so the server does not keep other processes out."""

    def __init__(self, db: str, writable: bool, wait: float = DEFAULT_WAIT) -> None:
        self.wait = wait
        try:
            self.store = Store(db, read_only=not writable, wait=wait, keep_open=False)
        except StoreError as exc:
            if "needs migrating" not in str(exc):
                raise
            Store(db, wait=wait).close()  # an older store: bring its schema up to date once, then read only
            self.store = Store(db, read_only=True, wait=wait, keep_open=False)
        self.writable = writable
        self.write_lock = threading.Lock()
        self._local = threading.local()
        self._handles: list[Store] = []
        self._handles_lock = threading.Lock()  # also guards the request count and the closing
        self._open_lock = threading.Lock()
        self._active = 0  # requests in flight
        self._generation = 0  # bumped each time the store is closed: older cursors are gone
        self._idle: threading.Timer | None = None
        self._cache: OrderedDict[tuple, tuple[int, Any]] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._computing: dict[tuple, threading.Lock] = {}  # keys being computed, each with the lock its computation holds
        self._answers: OrderedDict[tuple, tuple[int, bytes]] = OrderedDict()  # rendered JSON, apart from the analyses
        self._answer_bytes = 0
        self.watching: list[str] = []
        # served without its lifespan (so never shut down), the app still closes the store before the interpreter exits
        self._at_exit = functools.partial(_close_at_exit, weakref.ref(self))
        atexit.register(self._at_exit)

    def reader(self) -> Store:
        """This thread's handle on the store, opening the store if it is closed (within a request)."""
        handle = getattr(self._local, "store", None)
        if handle is None or self._local.generation != self._generation:
            # Opening may wait for another process: not under the lock that enter and leave take
            # (the event loop does). The store is not closed meanwhile: a request is in flight.
            with self._open_lock:
                handle = self.store.fork()
            with self._handles_lock:
                self._handles.append(handle)
                self._local.store, self._local.generation = handle, self._generation
        return handle

    def enter(self) -> None:
        """A request starts: the store stays open until it ends."""
        with self._handles_lock:
            self._active += 1
            if self._idle is not None:
                self._idle.cancel()
                self._idle = None

    def leave(self) -> None:
        """A request ended: close the store if no other starts within LINGER seconds."""
        with self._handles_lock:
            self._active -= 1
            if self._active == 0 and self._idle is None:
                self._idle = threading.Timer(LINGER, self._release_if_idle)
                self._idle.name = "sitroom-linger"
                self._idle.daemon = True
                self._idle.start()

    def _release_if_idle(self) -> None:
        with self._handles_lock:
            self._idle = None
            if self._active == 0:
                self._release()

    def _release(self) -> None:
        for handle in self._handles:
            try:
                handle.close()
            except Exception:  # a cursor of a closed connection
                pass
        self._handles.clear()
        self._generation += 1
        self.store.release()

    def answer(self, key: tuple, compute: Callable[[Store], Any]) -> Response:
        """The JSON answer ``compute`` gives, rendered once per store revision and kept (apart from the
        analyses ``cached`` keeps, and up to _ANSWER_CACHE_BYTES): the same request again is served
        from memory until the next write, whose revision no kept answer matches."""
        store = self.reader()
        revision = store.revision()
        with self._cache_lock:
            hit = self._answers.get(key)
            if hit and hit[0] == revision:
                self._answers.move_to_end(key)
                return Response(hit[1], media_type=Json.media_type)
        body = Json(compute(store)).body
        with self._cache_lock:
            old = self._answers.pop(key, None)
            self._answer_bytes += len(body) - (len(old[1]) if old else 0)
            self._answers[key] = (revision, body)
            while self._answer_bytes > _ANSWER_CACHE_BYTES and len(self._answers) > 1:
                self._answer_bytes -= len(self._answers.popitem(last=False)[1][1])
        return Response(body, media_type=Json.media_type)

    def cached(self, key: tuple, compute: Callable[[Store], Any]) -> Any:
        """``compute``'s value for this store revision, computed once: requests that need it while
        it is being computed (the dashboard's first load after a write) wait for that computation."""
        store = self.reader()
        revision = store.revision()
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit and hit[0] >= revision:
                self._cache.move_to_end(key)
                return hit[1]
            gate = self._computing.setdefault(key, threading.Lock())
        with gate:
            try:
                with self._cache_lock:
                    hit = self._cache.get(key)
                if hit and hit[0] >= revision:
                    return hit[1]
                value = compute(store)
                with self._cache_lock:
                    self._cache[key] = (revision, value)
                    self._cache.move_to_end(key)
                    while len(self._cache) > _CACHE_SIZE:
                        self._cache.popitem(last=False)
            finally:
                with self._cache_lock:
                    if self._computing.get(key) is gate:
                        del self._computing[key]
        return value

    def close(self) -> None:
        """Stop the idle timer (waiting for it, should it be closing the store just now),
        then close every cursor and the store, so no DuckDB handle outlives the app."""
        atexit.unregister(self._at_exit)
        with self._handles_lock:
            idle, self._idle = self._idle, None
            if idle is not None:
                idle.cancel()
        if idle is not None and idle is not threading.current_thread():
            idle.join()
        with self._handles_lock:
            self._release()
            self.store.close()


def _close_at_exit(ref: weakref.ref[_State]) -> None:
    state = ref()
    if state is not None:
        state.close()


class _Lease:
    """Counts the requests in flight, so that the store is open while any is."""

    def __init__(self, app, state: _State) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        self.state.enter()
        try:
            await self.app(scope, receive, send)
        finally:
            self.state.leave()


def _csv(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(",") if v.strip())


def _index(state: _State) -> ActorIndex:
    """The actor names filters may use: the package dictionary's and the store's (kept per revision)."""
    return state.cached(("actor-index",), lambda store: ActorIndex.for_store(store, names=store.actor_names()))


def _filters(state: _State, **given: Any) -> EventFilter:
    """The request's filters, checked (sitroom.filters); FilterError -> 422."""
    return make_filter(_index(state), **given)


_DyadFilter = Annotated[
    DyadText | None, Query(max_length=200, description="Actor and recipient as SOURCE-TARGET (Hezbollah-ISR, IRN-ISR).")
]


def _page(items: list, limit: int, offset: int) -> dict:
    return {"total": len(items), "limit": limit, "offset": offset, "items": items[offset : offset + limit]}


def create_app(
    db: str | Path,
    *,
    token: str | None = None,
    watch: list[str] | None = None,
    every: float = 900.0,
    max_body: int = DEFAULT_MAX_BODY,
    allowed_hosts: list[str] | None = None,
    pipeline_factory: Callable[[], Any] | None = None,
    wait: float = DEFAULT_WAIT,
) -> FastAPI:
    """The API and dashboard over the store at ``db`` (docs/api.md).

    ``token`` enables ``POST /api/articles``; ``watch`` lists feed URLs and
    folders polled every ``every`` seconds in a background thread;
    ``allowed_hosts`` restricts the Host header (the CLI sets it to the
    loopback names when bound to 127.0.0.1, against DNS rebinding);
    ``pipeline_factory`` builds the coding pipeline for writes (default: the
    full English pipeline, loaded on first use); ``wait``: seconds to wait for a
    store another process holds (at start, and in each request that opens it).
    """
    state = _State(str(db), writable=bool(token) or bool(watch), wait=wait)
    stop = threading.Event()
    pipeline_lock = threading.Lock()
    pipeline_box: list[Any] = []

    def pipeline():
        with pipeline_lock:
            if not pipeline_box:
                if pipeline_factory is not None:
                    pipeline_box.append(pipeline_factory())
                else:
                    from ..pipeline import Pipeline

                    pipeline_box.append(Pipeline())
            return pipeline_box[0]

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # warm the outlines, start the watcher; on the way out, stop it and close the store
        warm_up()
        watcher = None
        if watch:
            state.watching = list(watch)
            watcher = threading.Thread(target=_watch_loop, name="sitroom-watch", daemon=True)
            watcher.start()
        try:
            yield
        finally:
            stop.set()
            if watcher is not None:
                watcher.join(timeout=30)
            state.close()

    app = FastAPI(
        lifespan=lifespan,
        title="Sitroom",
        version=__version__,
        description="Sourced, queryable events from crisis news: events, story events, threats, timelines, "
        "alerts, the actor network and the articles behind them.",
        docs_url=None,  # the Swagger and ReDoc pages load their scripts from a CDN
        redoc_url=None,
        default_response_class=Json,
    )
    app.state.sitroom = state
    app.state.sitroom_token = token

    # --- errors: JSON, a clear message, 4xx for what the client got wrong ---------------------------
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return Json({"error": exc.message, "status": exc.status}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        problems = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e.get("loc", ()) if p not in ("query", "path", "body"))
            message = str(e.get("msg")).removeprefix("Value error, ")
            problems.append(f"{where}: {message}" if where else message)
        return Json({"error": "; ".join(problems) or "invalid request", "status": 422}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else "request refused"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such page: {request.url.path}"
        return Json({"error": message, "status": exc.status_code}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(StoreLockedError)
    async def _locked(request: Request, exc: StoreLockedError):
        return Json({"error": str(exc), "status": 503}, status_code=503, headers={"retry-after": "5"})

    @app.exception_handler(FilterError)
    async def _bad_filter(request: Request, exc: FilterError):
        return Json({"error": str(exc), "status": 422}, status_code=422)

    @app.exception_handler(ValueError)
    async def _bad_value(request: Request, exc: ValueError):
        return Json({"error": str(exc), "status": 400}, status_code=400)

    @app.exception_handler(ClientDisconnect)
    async def _gone(request: Request, exc: ClientDisconnect):
        # the client closed the connection (or was closed for being too slow) mid-body: nobody reads an answer
        log.warning("%s %s from %s: the request body did not arrive whole (the client went away or was too slow); "
                    "nothing was stored",
                    request.method, request.url.path, _client(request))  # fmt: skip
        return Response(status_code=400)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):
        log.exception("error serving %s", request.url.path)
        return Json({"error": "internal error (see the server log)", "status": 500}, status_code=500)

    # --- reads ----------------------------------------------------------------------------------------
    @app.get("/api/status", tags=["store"], summary="Store counts and revision",
             responses={200: {"model": schema.Status}, **errors(400)})  # fmt: skip
    def status():
        return {
            "store": Path(state.store.path).name,
            **state.reader().status_counts(),  # one snapshot: a write cannot fall between the figures
            "writable": state.writable,
            "writes_enabled": bool(token),
            "watching": state.watching,
            "version": __version__,
        }

    @app.get("/api/events", tags=["events"], summary="Event mentions, filtered and paged",
             responses={200: {"model": schema.EventsPage}, **errors(400, 422)})  # fmt: skip
    def events(
        since: Since = None, until: Until = None, actor: Actor = None, recipient: Recipient = None,
        dyad: _DyadFilter = None, undirected: Undirected = False,
        type_: Type = None, modality: Modality = None, q: Text = None,
        story_id: Annotated[str | None, Query(max_length=100, description="Only the reports of this story.")] = None,
        article_id: Annotated[str | None, Query(max_length=400, description="Only the events of this article.")] = None,
        min_confidence: MinConfidence = None,
        limit: Limit = 50, offset: Offset = 0,
    ):  # fmt: skip
        f = _filters(state, since=since, until=until, actor=actor, recipient=recipient, dyad=dyad, undirected=undirected,
                     type=type_, modality=modality, q=q, min_confidence=min_confidence)  # fmt: skip
        page = queries.events_page(state.reader(), f, limit=limit, offset=offset, story_id=story_id, article_id=article_id)
        return page.as_dict()

    @app.get("/api/stories", tags=["stories"], summary="Story events, filtered and paged",
             responses={200: {"model": schema.StoriesPage}, **errors(400, 422)})  # fmt: skip
    def stories(
        since: Since = None, until: Until = None, actor: Actor = None, recipient: Recipient = None,
        dyad: _DyadFilter = None, undirected: Undirected = False,
        type_: Type = None, modality: Modality = None, q: Text = None,
        min_reports: MinCount = 1,
        min_confidence: MinConfidence = None,
        limit: Limit = 50, offset: Offset = 0,
    ):  # fmt: skip
        f = _filters(state, since=since, until=until, actor=actor, recipient=recipient, dyad=dyad, undirected=undirected,
                     type=type_, modality=modality, q=q, min_confidence=min_confidence)  # fmt: skip
        return queries.stories_page(state.reader(), f, min_reports=min_reports, limit=limit, offset=offset).as_dict()

    @app.get("/api/stories/{story_id}", tags=["stories"], summary="One story event with every report of it",
             responses={200: {"model": schema.StoryDetail}, **errors(400, 404, 422)})  # fmt: skip
    def story(story_id: StoryId):
        found = queries.story(state.reader(), story_id)
        if found is None:
            raise ApiError(404, f"no story event {story_id!r}")
        return found

    @app.get("/api/articles/{article_id:path}", tags=["articles"], summary="One article's cleaned text and its events",
             responses={200: {"model": schema.ArticleDetail}, **errors(400, 404, 422)})  # fmt: skip
    def article(article_id: ArticleId):
        found = queries.article(state.reader(), article_id)
        if found is None:
            raise ApiError(404, f"no article {article_id!r}")
        return found

    @app.get("/api/threats", tags=["analysis"], summary="The threat ledger",
             responses={200: {"model": schema.Threats}, **errors(400, 422)})  # fmt: skip
    def threats(
        status: Statuses = None,
        actor: Annotated[str | None, Query(max_length=200, description="Declarant or addressee: a name, alias or code.")] = None,
        recipient: Annotated[str | None, Query(max_length=200, description="Addressee: a name, alias or code.")] = None,
        type_: Type = None,
        since: Since = None, until: Until = None, as_of: AsOf = None,
        window_days: WindowDays = ledger.DEFAULT_WINDOW_DAYS,
        limit: Limit = 50, offset: Offset = 0,
    ):  # fmt: skip
        statuses = [s.lower() for s in _csv(status)]
        for s in statuses:
            if s not in ledger.STATUSES:
                raise ApiError(400, f"unknown status {s!r}; choose from {', '.join(ledger.STATUSES)}")
        f = _filters(state, since=since, until=until, actor=actor, recipient=recipient, type=type_)

        def answer(store: Store) -> dict:
            entries = state.cached(
                ("ledger", window_days, as_of), lambda s: ledger.threat_ledger(s, window_days=window_days, as_of=as_of)
            )
            kept = threat_stories(store, f)
            chosen = [e for e in entries if kept is None or e.story_id in kept]
            counts = {s: 0 for s in ledger.STATUSES}
            for e in chosen:
                counts[e.status] += 1
            chosen = [e for e in chosen if not statuses or e.status in statuses]
            chosen.sort(key=lambda e: (e.date or date.min, e.story_id), reverse=True)
            out = _page([ledger.entry_row(e) for e in chosen], limit, offset)
            out["counts"] = counts
            return out

        return state.answer(("threats", tuple(statuses), f, window_days, as_of, limit, offset), answer)

    def _alerts(freq: str) -> Any:
        """Every country pair's alerts, kept per store revision."""
        return state.cached(("alerts", freq), lambda s: _timeline.alerts(s, freq=freq))

    def _alerts_of(dyad: _timeline.Dyad, freq: str) -> Any:
        """One pair's alerts: taken from every pair's for countries; computed for sectors."""
        if not dyad.countries_only:
            return _timeline.alerts(state.reader(), freq=freq, dyad=dyad)
        found = _alerts(freq)
        return found[(found["source"] == dyad.source) & (found["target"] == dyad.target)] if not found.empty else found

    def _pairs(store: Store) -> list[dict]:
        frame = _timeline.pair_frame(store)
        if frame.empty:
            return []
        alerts = _alerts("day")
        n_alerts = alerts.groupby(["source", "target"]).size().to_dict() if not alerts.empty else {}
        per_pair = (
            frame.assign(conflict=frame["weight"] * (-frame["intensity"]).clip(lower=0.0))
            .groupby(["source", "target"], as_index=False)
            .agg(stories=("story_id", "nunique"), conflict=("conflict", "sum"))
        )  # fmt: skip
        rows = [
            {
                "dyad": f"{r.source}-{r.target}", "source": r.source, "target": r.target, "stories": int(r.stories),
                "conflict": round(float(r.conflict), 4), "alerts": int(n_alerts.get((r.source, r.target), 0)),
            }
            for r in per_pair.itertuples(index=False)
        ]  # fmt: skip
        rows.sort(key=lambda r: (-r["conflict"], -r["stories"], r["dyad"]))
        return rows

    @app.get("/api/pairs", tags=["analysis"], summary="Country pairs, most conflictual first",
             responses={200: {"model": schema.Pairs}, **errors(400, 422)})  # fmt: skip
    def pairs(limit: Limit = 100, offset: Offset = 0):
        return state.answer(("pairs", limit, offset), lambda s: _page(state.cached(("pairs",), _pairs), limit, offset))

    @app.get("/api/timeline", tags=["analysis"], summary="Escalation timeline of one pair",
             responses={200: {"model": schema.Timeline}, **errors(400, 422)})  # fmt: skip
    def timeline(
        dyad: Annotated[DyadText, Query(max_length=200, description="SOURCE-TARGET, e.g. IRN-ISR, ISRMIL-IRN or Hezbollah-ISR (see /api/pairs).")],
        freq: TimelineFreq = "day", undirected: Undirected = False, since: Since = None, until: Until = None,
    ):  # fmt: skip
        f = _filters(state, dyad=dyad, undirected=undirected, since=since, until=until)
        if f.actor is None or f.recipient is None:
            raise FilterError("dyad: give SOURCE-TARGET, e.g. IRN-ISR, ISRMIL-IRN or Hezbollah-ISR")
        parsed = _timeline.Dyad.of(f.actor, f.recipient, f.undirected)

        def answer(store: Store) -> dict:
            rows = _timeline.timeline(store, parsed, freq=freq, since=since, until=until)
            found = _alerts_of(parsed, freq) if freq in _timeline.ALERT_FREQS else rows.iloc[0:0]
            if since is not None and not found.empty:
                found = found[found["period"] >= since]
            if until is not None and not found.empty:
                found = found[found["period"] <= until]
            return {"dyad": str(parsed), "freq": freq, "items": _frame_records(rows), "alerts": _frame_records(found)}

        return state.answer(("timeline", parsed, freq, since, until), answer)

    @app.get("/api/alerts", tags=["analysis"], summary="Alerts: periods a pair departs from its baseline",
             responses={200: {"model": schema.Alerts}, **errors(400, 422)})  # fmt: skip
    def alerts(
        freq: Freq = "day", since: Since = None, until: Until = None,
        dyad: Annotated[DyadText | None, Query(max_length=200, description="Only this pair (SOURCE-TARGET, names or codes).")] = None,
        undirected: Undirected = False,
        limit: Limit = 50, offset: Offset = 0,
    ):  # fmt: skip
        f = _filters(state, dyad=dyad, undirected=undirected, since=since, until=until)
        pair = _timeline.Dyad.of(f.actor, f.recipient, f.undirected) if f.dyad else None

        def answer(store: Store) -> dict:
            found = _alerts_of(pair, freq) if pair is not None else _alerts(freq)
            if since is not None and not found.empty:
                found = found[found["period"] >= since]
            if until is not None and not found.empty:
                found = found[found["period"] <= until]
            if not found.empty:
                found = found.sort_values(["period", "z"], ascending=[False, False])
            return {"total": len(found), "limit": limit, "offset": offset,
                    "items": _frame_records(found.iloc[offset : offset + limit])}  # fmt: skip

        return state.answer(("alerts", freq, since, until, pair, limit, offset), answer)

    @app.get("/api/network", tags=["analysis"], summary="The actor network between countries",
             responses={200: {"model": schema.Network}, **errors(400, 422)})  # fmt: skip
    def network(since: Since = None, until: Until = None, min_stories: MinCount = 1):
        _filters(state, since=since, until=until)

        def answer(store: Store) -> dict:
            edges = state.cached(("network", since, until), lambda s: _network.network(s, since=since, until=until))
            edges = edges[edges["stories"] >= min_stories] if not edges.empty else edges
            nodes: dict[str, int] = {}
            for r in edges.itertuples(index=False):
                for n in (r.source, r.target):
                    nodes[n] = nodes.get(n, 0) + int(r.stories)
            return {
                "nodes": [{"id": n, "stories": c} for n, c in sorted(nodes.items(), key=lambda kv: (-kv[1], kv[0]))],
                "edges": _frame_records(edges),
            }

        return state.answer(("network", since, until, min_stories), answer)

    @app.get("/api/map", tags=["analysis"], summary="Places of story events",
             responses={200: {"model": schema.MapPlaces}, **errors(400, 422)})  # fmt: skip
    def map_places(
        since: Since = None, until: Until = None, actor: Actor = None, recipient: Recipient = None,
        dyad: _DyadFilter = None, undirected: Undirected = False,
        type_: Type = None, modality: Modality = None, q: Text = None,
        min_reports: MinCount = 1,
        limit: Annotated[int, Query(ge=1, le=5000, description="At most this many places."), Whole] = 1000,
        min_confidence: MinConfidence = None,
    ):  # fmt: skip
        f = _filters(state, since=since, until=until, actor=actor, recipient=recipient, dyad=dyad, undirected=undirected,
                     type=type_, modality=modality, q=q, min_confidence=min_confidence)  # fmt: skip
        return state.answer(
            ("map", f, min_reports, limit), lambda store: {"items": queries.places(store, f, min_reports=min_reports, limit=limit)}
        )

    @app.get("/api/countries", tags=["analysis"], summary="Country outlines (GeoJSON)", response_class=GeoJson,
             responses={200: {"content": {GeoJson.media_type: {"schema": schema.GEOJSON}}}, **errors(400)})  # fmt: skip
    def countries():
        return GeoJson(countries_geojson(), headers={"cache-control": "public, max-age=86400"})

    # --- writes ---------------------------------------------------------------------------------------
    @app.post(
        "/api/articles", tags=["articles"], status_code=201, summary="Ingest articles (needs SITROOM_TOKEN)",
        responses={
            201: {"model": IngestAnswer, "description": "Something was stored or found already stored."},
            400: {"description": "The body is not JSON, nests too deeply or holds no article; or no article "
                  "could be stored (the answer then counts and names each problem).",
                  "content": {"application/json": {"schema": {"anyOf": [
                      {"$ref": "#/components/schemas/ErrorBody"}, {"$ref": "#/components/schemas/IngestAnswer"}]}}}},
            **errors(401, 403, 413),
        },
        openapi_extra={"requestBody": ARTICLES_BODY, "security": [{"bearer": []}]},
    )  # fmt: skip
    async def post_articles(request: Request):
        if not token:
            raise ApiError(403, "writes are disabled: start the server with SITROOM_TOKEN set to accept articles")
        given = request.headers.get("authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), token.encode()):
            raise ApiError(401, "missing or wrong token: send 'Authorization: Bearer <SITROOM_TOKEN>'")
        payload = parse_json_body(await request.body())
        records = payload.get("articles") if isinstance(payload, dict) and "articles" in payload else payload
        if isinstance(records, dict):
            records = [records]
        if not isinstance(records, list) or not records:
            raise ApiError(400, "body must be an article object, a list of them, or {\"articles\": [...]}")
        from starlette.concurrency import run_in_threadpool

        return await run_in_threadpool(_ingest_records, records)

    def _ingest_records(records: list) -> Response:
        from ..ingest.readers import record_item
        from ..records import IngestProblem
        from ..stories import complete_stories

        items = [
            record_item(f"api#{n}", "api", r) if isinstance(r, dict)
            else IngestProblem(f"api#{n}", "E106", f"article {n} is a {type(r).__name__}, not an object")
            for n, r in enumerate(records, 1)
        ]  # fmt: skip
        with state.write_lock:
            writer = state.reader()
            recovered = complete_stories(writer)  # what a write killed before its story stage left
            report = pipeline().ingest_items(items, writer)
            stories = complete_stories(writer) if report.articles else None
            stories = recovered + stories if recovered and stories else recovered or stories
        return Json(
            {
                "stored": report.articles, "unchanged": report.unchanged, "failed": report.failed,
                "events": report.events,
                "problems": [{"source": p.source, "code": p.code, "message": p.message} for p in report.problems],
                "stories": None if stories is None else {
                    "new": stories.new_stories, "extended": stories.extended_stories, "links": stories.links,
                },
            },
            status_code=201 if report.articles or report.unchanged else 400,
        )  # fmt: skip

    from .reviews import router as reviews_router

    app.include_router(reviews_router)

    # --- the dashboard --------------------------------------------------------------------------------
    @app.get("/", include_in_schema=False)
    def index():
        return FileResponse(str(_STATIC / "index.html"), media_type="text/html; charset=utf-8",
                            headers={"cache-control": "no-cache"})  # fmt: skip

    app.mount("/static", StaticFiles(directory=str(_STATIC)), name="static")

    def _watch_loop() -> None:
        from ..pipeline import IngestOptions
        from ..watch import Watcher

        handle = None
        try:
            # its own connection, open only while a round reads or writes (shared in-process with the readers')
            handle = Store(state.store.path, wait=state.wait, keep_open=False)
            watcher = Watcher(list(watch or ()), handle, pipeline(), every=every, options=IngestOptions())
            while not stop.is_set():
                with state.write_lock:
                    watcher.poll_once()
                stop.wait(max(0.05, watcher.next_due() - time.monotonic()))
        except Exception:
            log.exception("the watcher stopped")
        finally:
            if handle is not None:
                handle.close()

    plain_openapi = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema.finish_openapi(plain_openapi())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    app.add_middleware(_Lease, state=state)
    app.add_middleware(_Guard, max_body=max_body, allowed_hosts=allowed_hosts)
    return app

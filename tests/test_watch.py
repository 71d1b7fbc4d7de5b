"""``sitroom watch``: feeds served from 127.0.0.1 and folders, polled with an
injected clock (no real sleeping), through the mini pipeline."""

from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from typer.testing import CliRunner

import sitroom
import sitroom.pipeline
from sitroom.cli import app
from sitroom.pipeline import IngestOptions
from sitroom.store import Store
from sitroom.watch import SourceError, Watcher, check_source, format_duration, parse_duration

runner = CliRunner()
EVERY = 60.0

# --- feeds ---------------------------------------------------------------------------------------

STORIES = {
    "a1": "Israel struck Iran on Tuesday.",
    "a2": "Iran condemned Israel.",
    "a3": "Iran threatened Israel.",
    "a4": "Blinken met his Egyptian counterpart in Cairo.",
    "a5": "Egypt urged Israel to halt the strikes.",
    "empty": "",
}


def rss(*ids: str, title: str = "Gulf Wire") -> str:
    items = "".join(
        f"<item><title>Report {i}</title><link>https://wire.example/{i}</link><guid>https://wire.example/{i}</guid>"
        f"<pubDate>Tue, 02 Apr 2024 10:00:00 GMT</pubDate><description>{STORIES[i]}</description></item>"
        for i in ids
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title><link>https://wire.example/</link>{items}</channel></rss>'


def atom(*ids: str) -> str:
    entries = "".join(
        f'<entry><title>Report {i}</title><id>urn:atom:{i}</id><link href="https://atom.example/{i}"/>'
        f'<updated>2024-04-03T09:00:00Z</updated><content type="html">&lt;p&gt;{STORIES[i]}&lt;/p&gt;</content></entry>'
        for i in ids
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Atom Daily</title><id>urn:atom-daily</id><updated>2024-04-03T09:00:00Z</updated>{entries}</feed>"
    )


@dataclass
class Route:
    body: str = ""
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    length: bool = True  # send Content-Length


@dataclass
class FeedServer:
    """Serves ``routes`` (path -> Route), changeable between rounds; logs request headers."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def hits(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.requests if p == path]


@pytest.fixture()
def server():
    feeds = FeedServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            feeds.requests.append((self.path, dict(self.headers)))
            route = feeds.routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            if route.etag and self.headers.get("If-None-Match") == route.etag:
                self.send_response(304)
                self.end_headers()
                return
            if route.status != 200:
                self.send_error(route.status)
                return
            data = route.body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            if route.length:
                self.send_header("Content-Length", str(len(data)))
            if route.etag:
                self.send_header("ETag", route.etag)
            if route.last_modified:
                self.send_header("Last-Modified", route.last_modified)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    feeds.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield feeds
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


class Clock:
    """A monotonic clock the test moves; ``sleep`` moves it too."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture()
def store(tmp_path):
    with Store(tmp_path / "watch.duckdb") as s:
        yield s


@pytest.fixture()
def make_watcher(store, mini_pipeline):
    clock = Clock()

    def make(sources, **kw) -> Watcher:
        options = kw.pop("options", IngestOptions())
        w = Watcher(list(sources), store, mini_pipeline, every=kw.pop("every", EVERY), options=options,
                    sleep=clock.sleep, clock=clock, **kw)  # fmt: skip
        w.clock = clock  # for the test
        return w

    return make


def count(store: Store, table: str) -> int:
    return store.scalar(f"SELECT count(*) FROM {table}")


def errors(store: Store) -> list[tuple[str, str, str]]:
    return store.query("SELECT source, code, message FROM ingest_errors ORDER BY logged_at, source")


# --- feeds: only new items ------------------------------------------------------------------------


def test_feed_items_are_ingested_and_only_new_ones_later(server, store, make_watcher):
    server.routes["/wire.rss"] = Route(rss("a1", "a2"))
    url = server.url("/wire.rss")
    w = make_watcher([url])
    first = w.poll_once()
    (s,) = first.sources
    assert (s.source, s.articles, s.problems, s.error) == (url, 2, 0, None)
    assert s.events == first.events >= 2
    assert count(store, "articles") == 2
    events_before = count(store, "events")

    server.routes["/wire.rss"] = Route(rss("a3", "a1", "a2"))  # a new item on top
    w.clock.now += EVERY
    second = w.poll_once()
    assert (second.articles, second.unchanged, second.problems) == (1, 0, 0)
    assert count(store, "articles") == 3
    assert count(store, "events") == events_before + second.events
    rows = store.query("SELECT article_id, outlet, source FROM articles ORDER BY article_id")
    assert [r[0] for r in rows] == [f"https://wire.example/a{n}" for n in (1, 2, 3)]
    assert {r[1] for r in rows} == {"Gulf Wire"}
    assert all(r[2].startswith(url + "#item ") for r in rows)

    w.clock.now += EVERY
    third = w.poll_once()  # nothing changed: nothing handed over, nothing stored twice
    assert (third.articles, third.unchanged, third.problems) == (0, 0, 0)
    assert count(store, "articles") == 3
    assert errors(store) == []


def test_a_source_is_not_polled_before_it_is_due(server, make_watcher):
    server.routes["/wire.rss"] = Route(rss("a1"))
    w = make_watcher([server.url("/wire.rss")])
    w.poll_once()
    w.clock.now += EVERY - 1
    assert w.poll_once().sources == []
    assert len(server.hits("/wire.rss")) == 1
    w.clock.now += 1
    assert len(w.poll_once().sources) == 1


def test_atom_feed(server, store, make_watcher):
    server.routes["/daily.atom"] = Route(atom("a4", "a5"))
    w = make_watcher([server.url("/daily.atom")])
    report = w.poll_once()
    assert report.articles == 2 and report.events >= 2
    rows = store.query("SELECT article_id, outlet, text FROM articles ORDER BY article_id")
    assert rows == [
        ("urn:atom:a4", "Atom Daily", STORIES["a4"]),
        ("urn:atom:a5", "Atom Daily", STORIES["a5"]),
    ]


def test_request_names_sitroom_and_conditional_get_answers_304(server, store, make_watcher):
    stamp = "Tue, 02 Apr 2024 10:00:00 GMT"
    server.routes["/wire.rss"] = Route(rss("a1", "a2"), etag='"v1"', last_modified=stamp)
    w = make_watcher([server.url("/wire.rss")])
    assert w.poll_once().articles == 2
    first = server.hits("/wire.rss")[0]
    assert first["User-Agent"] == f"Sitroom/{sitroom.__version__}"
    assert "If-None-Match" not in first

    w.clock.now += EVERY
    (s,) = w.poll_once().sources
    second = server.hits("/wire.rss")[1]
    assert second["If-None-Match"] == '"v1"' and second["If-Modified-Since"] == stamp
    assert s.not_modified and (s.articles, s.unchanged, s.error) == (0, 0, None)
    assert count(store, "articles") == 2

    server.routes["/wire.rss"] = Route(rss("a3", "a1", "a2"), etag='"v2"')  # changed: a new ETag
    w.clock.now += EVERY
    (s,) = w.poll_once().sources
    assert not s.not_modified and s.articles == 1
    assert count(store, "articles") == 3


# --- failures -------------------------------------------------------------------------------------


def test_failing_feed_is_recorded_and_backs_off_while_another_feed_goes_on(server, store, make_watcher):
    server.routes["/down.rss"] = Route(status=500)
    server.routes["/wire.rss"] = Route(rss("a1"))
    down, wire = server.url("/down.rss"), server.url("/wire.rss")
    w = make_watcher([down, wire])
    start = w.clock.now

    report = w.poll_once()
    bad, good = report.sources
    assert bad.error == "HTTP 500 Internal Server Error" and bad.failures == 1 and bad.wait == 2 * EVERY
    assert good.error is None and good.articles == 1
    assert errors(store) == [(down, "E115", "HTTP 500 Internal Server Error")]

    server.routes["/wire.rss"] = Route(rss("a2", "a1"))
    w.clock.now = start + EVERY  # the good feed is due, the failing one is not
    report = w.poll_once()
    assert [s.source for s in report.sources] == [wire] and report.articles == 1
    assert len(server.hits("/down.rss")) == 1
    assert w.next_due() == start + 2 * EVERY

    w.clock.now = start + 2 * EVERY  # due again: fails again, waits twice as long
    bad, _ = w.poll_once().sources
    assert len(server.hits("/down.rss")) == 2
    assert (bad.failures, bad.wait, bad.next_due) == (2, 4 * EVERY, start + 6 * EVERY)
    assert len(errors(store)) == 2

    server.routes["/down.rss"] = Route(rss("a3"))  # back up
    w.clock.now = start + 6 * EVERY - 1
    assert down not in [s.source for s in w.poll_once().sources]
    w.clock.now = start + 6 * EVERY
    report = w.poll_once()
    bad = next(s for s in report.sources if s.source == down)
    assert bad.error is None and bad.articles == 1 and (bad.failures, bad.wait) == (0, EVERY)
    assert count(store, "articles") == 3


def test_backoff_is_capped(server, make_watcher):
    server.routes["/down.rss"] = Route(status=503)
    w = make_watcher([server.url("/down.rss")], every=10.0, max_backoff=35.0)
    waits = []
    for _ in range(4):
        w.clock.now = w.next_due()
        waits.append(w.poll_once().sources[0].wait)
    assert waits == [20.0, 35.0, 35.0, 35.0]


def test_unreachable_and_unreadable_feeds_are_problems_not_crashes(server, store, make_watcher):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}/feed.rss"
    server.routes["/page.html"] = Route("<html><body><p>Not a feed at all.</p></body></html>")
    server.routes["/blank.rss"] = Route("")
    page, blank, missing = server.url("/page.html"), server.url("/blank.rss"), server.url("/missing.rss")
    report = make_watcher([closed, page, blank, missing]).poll_once()
    assert report.errors == 4 and report.articles == 0
    got = {source: (code, message) for source, code, message in errors(store)}
    assert got[closed][0] == "E115" and got[closed][1].startswith("cannot fetch: ")
    assert got[page][0] == "E108"
    assert got[blank] == ("E103", "the server sent an empty response")
    assert got[missing] == ("E115", "HTTP 404 Not Found")


def test_feed_with_a_bad_item_stores_the_others_and_records_the_problem_once(server, store, make_watcher):
    server.routes["/wire.rss"] = Route(rss("a1", "empty", "a2"))
    url = server.url("/wire.rss")
    w = make_watcher([url])
    (s,) = w.poll_once().sources
    assert (s.articles, s.problems, s.error) == (2, 1, None)
    assert errors(store) == [(f"{url}#item 2", "E109", "feed item has no text")]

    server.routes["/wire.rss"] = Route(rss("a3", "a1", "empty", "a2"))  # the bad item moves down
    w.clock.now += EVERY
    (s,) = w.poll_once().sources
    assert (s.articles, s.problems) == (1, 0)
    assert count(store, "articles") == 3
    assert len(errors(store)) == 1


@pytest.mark.parametrize("length", [True, False], ids=["content-length", "no-content-length"])
def test_oversized_feed_is_a_problem_not_a_crash(server, store, make_watcher, length):
    server.routes["/big.rss"] = Route(rss("a1", "a2", "a3"), length=length)
    server.routes["/small.rss"] = Route(rss("a4"))
    big, small = server.url("/big.rss"), server.url("/small.rss")
    w = make_watcher([big, small], options=IngestOptions(max_bytes=len(rss("a4")) + 10))
    bad, good = w.poll_once().sources
    assert "over the limit" in bad.error and bad.articles == 0
    assert good.articles == 1
    ((source, code, message),) = errors(store)
    assert (source, code) == (big, "E105") and "over the limit" in message


# --- folders --------------------------------------------------------------------------------------


def written_earlier(path, text: str, seconds: float = 3600.0) -> None:
    """A file written complete a while ago (as one moved into a watched folder keeps its time)."""
    path.write_text(text)
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_folder_source_picks_up_new_files(store, make_watcher, tmp_path):
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    written_earlier(folder / "a.txt", STORIES["a1"] + "\n")
    written_earlier(folder / "README.md", "not an article\n")
    w = make_watcher([str(folder)])
    assert w.poll_once().articles == 1

    w.clock.now += EVERY
    (s,) = w.poll_once().sources
    assert (s.articles, s.unchanged, s.problems) == (0, 0, 0)  # nothing re-read

    written_earlier(folder / "sub" / "b.txt", STORIES["a2"] + "\n")
    written_earlier(folder / "c.txt", "")  # an empty file: one problem, reported once
    w.clock.now += EVERY
    (s,) = w.poll_once().sources
    assert (s.articles, s.problems) == (1, 1)
    assert sorted(r[0] for r in store.query("SELECT article_id FROM articles")) == ["a", "b"]

    w.clock.now += EVERY
    (s,) = w.poll_once().sources
    assert (s.articles, s.problems) == (0, 0)
    assert [(source, code) for source, code, _ in errors(store)] == [(str(folder / "c.txt"), "E103")]


def test_a_file_still_being_written_is_read_once_it_stops_changing(store, make_watcher, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    text = " ".join([STORIES["a1"], STORIES["a2"], STORIES["a3"], STORIES["a5"]] * 12) + "\n"
    data = text.encode("utf-8")
    assert len(data) > 1400
    path = folder / "report.txt"
    path.write_bytes(data[:700])  # the writer has got this far when the poll comes
    w = make_watcher([str(folder)])
    (s,) = w.poll_once().sources
    assert s.articles == 0 and s.problems == 0  # not read yet: it was written just now
    assert s.settling == 1

    with path.open("ab") as fh:  # the writer finishes
        fh.write(data[700:])
    w.clock.now += EVERY
    (s,) = w.poll_once().sources
    assert s.articles == 0 and s.settling == 1  # it changed since the last poll

    w.clock.now += EVERY
    (s,) = w.poll_once().sources
    assert (s.articles, s.problems, s.settling) == (1, 0, 0)  # unchanged since the last poll: read, whole
    assert store.query("SELECT text FROM articles") == [(text.strip(),)]
    assert errors(store) == []


def test_a_file_moved_in_whole_is_read_at_once_and_one_written_in_place_at_the_next_look(store, make_watcher, tmp_path):
    folder, drafts = tmp_path / "inbox", tmp_path / "drafts"
    folder.mkdir()
    drafts.mkdir()
    (drafts / "moved.txt").write_text(STORIES["a1"] + "\n")
    time.sleep(0.05)  # written, then (later) renamed into the folder: a rename changes ctime, not mtime
    (drafts / "moved.txt").rename(folder / "moved.txt")
    written_earlier(folder / "copied.txt", STORIES["a3"] + "\n")  # a copy that kept its time: ctime > mtime too
    (folder / "in-place.txt").write_text(STORIES["a2"] + "\n")  # complete, but nothing says so yet
    w = make_watcher([str(folder)], every=900.0)
    (s,) = w.poll_once().sources
    assert s.articles == 2 and s.settling == 1  # the one written in place may still be written to
    assert w.settle == 60.0  # one interval, at most a minute
    assert s.wait == 60.0  # so the folder is looked at again after that, not after the interval
    w.clock.now += 60.0
    (s,) = w.poll_once().sources
    assert (s.articles, s.settling) == (1, 0) and s.wait == 900.0  # unchanged since: read
    assert sorted(r[0] for r in store.query("SELECT article_id FROM articles")) == ["copied", "in-place", "moved"]


def test_missing_folder_at_run_time_backs_off(store, make_watcher, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    w = make_watcher([str(folder)])
    folder.rmdir()
    (s,) = w.poll_once().sources
    assert (s.error, s.failures) == ("no such file or folder", 1)
    assert errors(store) == [(str(folder), "E114", "no such file or folder")]


# --- stories, callbacks, the loop -------------------------------------------------------------------


def test_stories_are_updated_after_a_round_with_new_articles(server, store, make_watcher):
    server.routes["/wire.rss"] = Route(rss("a1", "a2"))
    changes = []
    w = make_watcher([server.url("/wire.rss")], on_change=changes.append)
    report = w.poll_once()
    assert report.stories is not None and report.stories.mentions >= 2
    assert count(store, "stories") >= 1
    assert changes == [report]
    w.clock.now += EVERY
    quiet = w.poll_once()
    assert quiet.stories is None and changes == [report]


def test_run_sleeps_until_due_and_stops(server, make_watcher):
    server.routes["/wire.rss"] = Route(rss("a1"))
    rounds = []
    w = make_watcher([server.url("/wire.rss")], on_cycle=rounds.append)
    w.run(cycles=3)
    assert len(rounds) == 3 and w.clock.slept == [EVERY, EVERY]
    assert w.totals.rounds == 3 and w.totals.articles == 1

    stop = threading.Event()
    w2 = make_watcher([server.url("/wire.rss")], on_cycle=lambda report: stop.set())
    w2.run(stop=stop)  # returns at once: the event is set during the first round
    assert w2.totals.rounds == 1


def test_sources_polled_in_one_round_stay_in_one_round(server, store, mini_pipeline):
    server.routes["/a.rss"] = Route(rss("a1"))
    server.routes["/b.rss"] = Route(rss("a2"))
    now = [0.0]

    def clock() -> float:  # every look at the clock finds it 7 s later: polls take time
        now[0] += 7.0
        return now[0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    rounds = []
    w = Watcher([server.url("/a.rss"), server.url("/b.rss")], store, mini_pipeline, every=EVERY, options=IngestOptions(),
                clock=clock, sleep=sleep, on_cycle=rounds.append)  # fmt: skip
    w.run(cycles=3)
    assert [len(r.sources) for r in rounds] == [2, 2, 2]


def test_bad_sources_are_refused_up_front(store, mini_pipeline, tmp_path):
    (tmp_path / "notes.md").write_text("x")
    for bad, words in [
        ("ftp://example.org/feed.rss", "unsupported URL scheme"),
        ("http:///feed.rss", "no host"),
        (str(tmp_path / "nowhere"), "no such file or folder"),
        (str(tmp_path / "notes.md"), "unsupported file type"),
    ]:
        with pytest.raises(SourceError, match=words) as info:
            check_source(bad)
        assert bad in str(info.value)
    with pytest.raises(SourceError):
        Watcher([str(tmp_path / "nowhere")], store, mini_pipeline, every=EVERY, options=IngestOptions())
    assert check_source("https://example.org/feed") == "feed"
    assert check_source(str(tmp_path)) == "path"


@pytest.mark.parametrize(("text", "seconds"), [("90s", 90), ("15m", 900), ("1h", 3600), ("45", 45), ("1.5h", 5400), ("1s", 1)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "15 minutes", "0", "0.5s", "-5m", "1d"])
def test_parse_duration_refuses(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_format_duration():
    assert [format_duration(s) for s in (5, 90, 900, 3600, 5400, 21600)] == ["5s", "1m30s", "15m", "1h", "1h30m", "6h"]


# --- the command ----------------------------------------------------------------------------------


@pytest.fixture()
def cli(tmp_path, monkeypatch, mini_pipeline):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SITROOM_DB", raising=False)
    monkeypatch.setattr(sitroom.pipeline, "Pipeline", lambda *a, **kw: mini_pipeline)
    return tmp_path


def test_cli_watch_one_cycle_stores_the_articles(cli, server):
    server.routes["/wire.rss"] = Route(rss("a1", "empty", "a2"))
    server.routes["/down.rss"] = Route(status=500)
    wire, down = server.url("/wire.rss"), server.url("/down.rss")
    result = runner.invoke(app, ["watch", wire, down, "--cycles", "1", "--db", "w.duckdb", "--every", "1m"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert f"{wire}: 2 new articles" in out and "1 problem" in out
    assert f"{down}: failed: HTTP 500 Internal Server Error; retry at " in out and "(back-off 2m)" in out
    assert "stories:" in out and "done after 1 round: 2 articles stored" in out
    with Store(cli / "w.duckdb", read_only=True) as store:
        assert count(store, "articles") == 2
        assert {code for _, code, _ in errors(store)} == {"E109", "E115"}


def test_cli_watch_says_which_files_are_still_changing(cli):
    inbox = cli / "inbox"
    inbox.mkdir()
    (inbox / "new.txt").write_text(STORIES["a1"] + "\n")
    result = runner.invoke(app, ["watch", str(inbox), "--cycles", "1", "--db", "w.duckdb", "--every", "1m"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert f"{inbox}: 1 file still changing, read once unchanged" in out
    assert "done after 1 round: 0 articles stored" in out


@pytest.mark.parametrize("every", ["soon", "0s", "0.2"])
def test_cli_bad_every_exits_2(cli, every):
    result = runner.invoke(app, ["watch", "https://example.org/feed.rss", "--every", every, "--cycles", "1"])
    assert result.exit_code == 2
    assert "--every" in result.output
    assert not (cli / "sitroom.duckdb").exists()


def test_cli_bad_source_exits_2(cli):
    result = runner.invoke(app, ["watch", "gopher://example.org/feed", "--cycles", "1"])
    assert result.exit_code == 2
    assert "gopher://example.org/feed" in result.output and "unsupported URL scheme" in result.output

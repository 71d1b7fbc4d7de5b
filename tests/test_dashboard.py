"""The dashboard in a real browser: headless Chromium (Playwright) against the
real server (uvicorn in a thread) over a small store coded by the real
pipeline with the mini dictionaries.

What these tests protect:

- the page loads with no console error, no page error and no request the
  Content-Security-Policy blocks;
- the timeline, map, network, ledger and event list render from the API;
- clicking an event shows every report of it with the trigger highlighted
  and a link to the article;
- an article full of markup (``<script>``, ``<img onerror>``, ``javascript:``
  links and URL) is shown as text and runs nothing;
- an article posted to the API shows up without a reload.

Chromium comes from the system (``/usr/bin/chromium``; CI installs it); the
module is skipped without it. Never ``playwright install``.
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"

if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing: the dashboard tests need a system Chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the dashboard tests need the playwright package")
expect = sync_api.expect
uvicorn = pytest.importorskip("uvicorn")

from sitroom.pipeline import IngestOptions  # noqa: E402
from sitroom.server.app import create_app  # noqa: E402
from sitroom.store import Store  # noqa: E402
from sitroom.stories.update import update_stories  # noqa: E402

TOKEN = "dashboard-test-token"

HOSTILE_TEXT = (
    "Iran condemned Israel on Monday. <script>window.__pwned=1</script> The statement showed "
    '<img src=x onerror="window.__pwned=2"> and <a href="javascript:alert(1)">a link</a>.\n\n'
    "Israel attacked Iran on Monday, officials said."
)


def _article(aid: str, published: str, text: str, *, outlet: str, title: str, url: str | None = None) -> dict:
    return {"id": aid, "title": title, "outlet": outlet, "url": url or f"https://news.example/{aid}", "published": published, "text": text}


# The mini lexicon codes strike, attack, threaten and condemn; the mini actor
# dictionary knows Iran and Israel. "near Isfahan" gives the map a place.
CORPUS = [
    _article(
        "a-strike", "2024-10-26",
        "Israel struck military sites near Isfahan on Saturday, the Israeli military said.\n\nIran condemned the attack.",
        outlet="Wire A", title="Israel strikes near Isfahan",
    ),
    _article("b-strike", "2024-10-26", "Israeli warplanes attacked Iran on Saturday, hitting targets in Isfahan.",
             outlet="Paper B", title="Israeli jets hit Iran"),
    _article("c-threat", "2024-10-06", "Iran threatened on Sunday to strike Israel. Officials in Tehran gave no timetable.",
             outlet="Paper C", title="Iran threatens Israel"),
    _article("d-hostile", "2024-10-28", HOSTILE_TEXT, outlet='Evil <img src=x onerror="window.__pwned=4">',
             title="Hostile <script>window.__pwned=3</script> page", url="javascript:alert(1)"),
]  # fmt: skip

LATE = _article(
    "e-late", "2024-10-30", "Israel attacked Iran on Wednesday. Iran threatened on Wednesday to strike Israel.",
    outlet="Wire A", title="A late report",
)  # fmt: skip


# --- the server ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, mini_pipeline):
    """The real app over a freshly coded store, served on 127.0.0.1 from a background thread."""
    root = tmp_path_factory.mktemp("dashboard")
    corpus = root / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in CORPUS), encoding="utf-8")
    db = root / "dash.duckdb"
    with Store(db) as store:
        report = mini_pipeline.ingest([corpus], store, IngestOptions())
        assert report.failed == 0, report.problems
        update_stories(store)

    app = create_app(db, token=TOKEN, pipeline_factory=lambda: mini_pipeline)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=srv.run, name="dashboard-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert thread.is_alive(), "the server thread died while starting"
        assert time.monotonic() < deadline, "the server did not start within 20 s"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def api(base: str, path: str) -> dict:
    with urllib.request.urlopen(f"{base}{path}", timeout=10) as response:
        return json.loads(response.read())


def post_articles(base: str, articles: list[dict]) -> dict:
    request = urllib.request.Request(
        f"{base}/api/articles",
        data=json.dumps(articles).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 201
        return json.loads(response.read())


# --- the browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        chromium.close()


class Watched:
    """A page with its console errors and warnings, page errors and failed requests."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} {r.failure}"))
        page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))

    def open(self, base: str, path: str = "/"):
        """Load the dashboard and wait for its first paint; the navigation's response is in ``self.response``."""
        self.response = self.page.goto(f"{base}{path}")
        self.page.wait_for_selector("body[data-ready=true]", timeout=20_000)
        return self.page

    def assert_clean(self):
        assert self.problems == []


@pytest.fixture
def watched(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield Watched(page)
    context.close()


# --- tests ---------------------------------------------------------------------------------------


def test_page_loads_without_console_errors(server, watched):
    page = watched.open(server)
    assert "script-src 'self'" in watched.response.headers["content-security-policy"]
    assert page.locator("#count-articles").text_content() == "4"
    assert page.locator("#live").text_content().strip() == "live"
    page.wait_for_selector("#timeline svg")
    page.wait_for_selector("#map svg path.country")
    page.wait_for_selector("#network svg")
    page.wait_for_selector("#ledger tr.ledger-row")
    page.wait_for_selector("#events .event-row")
    page.wait_for_timeout(300)  # late errors
    watched.assert_clean()


def test_timeline_charts_the_most_conflictual_pair(server, watched):
    page = watched.open(server)
    first = api(server, "/api/pairs")["items"][0]
    assert page.locator("#pair-select").input_value() == first["dyad"]
    page.wait_for_selector("#timeline svg rect.bar")
    rows = api(server, f"/api/timeline?dyad={first['dyad']}&freq=day")["items"]
    assert page.locator("#timeline svg rect.bar").count() == len(rows)
    heights = [float(h) for h in page.locator("#timeline svg rect.bar").evaluate_all("bars => bars.map(b => b.getAttribute('height'))")]
    assert max(heights) > 0
    assert page.locator("#timeline svg text.tick").count() >= 2  # axes with labels
    page.locator("#timeline button[data-freq=week]").click()
    weeks = api(server, f"/api/timeline?dyad={first['dyad']}&freq=week")["items"]
    expect(page.locator("#timeline svg rect.bar")).to_have_count(len(weeks))
    watched.assert_clean()


def test_alert_marker_lists_its_reports(server, watched):
    page = watched.open(server)
    dyad = page.locator("#pair-select").input_value()
    alerts = api(server, f"/api/timeline?dyad={dyad}&freq=day")["alerts"]
    if not alerts:
        pytest.skip(f"no alert for {dyad} in this corpus")
    marker = page.locator("#timeline svg .alert-marker").first
    assert "z " in marker.locator("title").text_content()
    marker.locator(".alert-diamond").click()
    page.wait_for_selector("#details .report")
    assert page.locator("#details-h").text_content().startswith("Alert")
    watched.assert_clean()


def test_map_draws_countries_and_places(server, watched):
    page = watched.open(server)
    page.wait_for_selector("#map svg circle.place")
    assert page.locator("#map svg path.country").count() > 0
    assert page.locator('#map svg path.country[data-iso3="IRN"]').count() == 1
    d = page.locator('#map svg path.country[data-iso3="IRN"]').get_attribute("d")
    assert d.startswith("M") and "Z" in d
    place = page.locator('#map svg circle.place[data-name="Isfahan"]')
    assert place.count() == 1
    assert "Isfahan" in place.locator("title").text_content()
    place.click()
    page.wait_for_selector("#details .report")
    assert "Isfahan" in page.locator("#details").text_content()
    watched.assert_clean()


def test_network_and_ledger_render(server, watched):
    page = watched.open(server)
    page.wait_for_selector("#network svg g.node")
    ids = set(page.locator("#network svg g.node").evaluate_all("nodes => nodes.map(n => n.dataset.id)"))
    assert {"IRN", "ISR"} <= ids
    assert page.locator("#network svg path.edge").count() >= 1
    threats = api(server, "/api/threats")
    rows = page.locator("#ledger tr.ledger-row")
    assert rows.count() == threats["total"] >= 1
    status = threats["items"][0]["status"]
    assert rows.first.locator(".badge").text_content() == status
    rows.first.click()
    page.wait_for_selector("#details .report")
    assert "threatened" in page.locator("#details mark.trigger").first.text_content()
    watched.assert_clean()


def test_clicking_an_event_shows_every_report_with_the_trigger_marked(server, watched):
    page = watched.open(server)
    page.locator("#events button[data-mode=events]").click()
    page.wait_for_selector("#events table.events")
    row = page.locator('#events .event-row[data-event-id]').filter(has_text="Israeli warplanes attacked Iran")
    assert row.count() == 1
    row.click()
    page.wait_for_selector("#details .report")
    report = page.locator("#details .report.highlight")
    assert report.count() == 1
    assert report.locator("mark.trigger").text_content() == "attacked"
    assert report.locator("mark.actor").count() >= 1
    assert report.locator("mark.recipient").text_content() == "Iran"
    link = report.locator("a.article-link")
    assert link.get_attribute("href") == "#/article/b-strike"
    assert report.locator("a.external").get_attribute("rel") == "noopener noreferrer"
    link.click()
    page.wait_for_selector("#article-view .article-text")
    assert page.locator("#article-view .article-title").text_content() == "Israeli jets hit Iran"
    assert page.locator("#article-body mark.trigger").text_content() == "attacked"
    page.locator("#article-back").click()
    page.wait_for_selector("#dashboard .event-row")
    assert page.locator("#article-view").is_hidden()
    watched.assert_clean()


def test_event_filters_and_the_story_list(server, watched):
    page = watched.open(server)
    total = api(server, "/api/stories")["total"]
    assert page.locator("#page-info").text_content() == f"1–{total} of {total}"
    page.fill("#filters input[name=type]", "threaten")
    page.locator("#filters button[type=submit]").click()
    expect(page.locator("#page-info")).to_have_text("1–1 of 1")
    assert page.locator("#events .event-row").count() == 1
    page.fill("#filters input[name=type]", "")
    page.fill("#filters input[name=q]", "no sentence says this")
    page.locator("#filters button[type=submit]").click()
    page.wait_for_selector("#events-body .message")
    assert page.locator("#events .event-row").count() == 0
    watched.assert_clean()


def test_hostile_article_is_shown_as_text_and_runs_nothing(server, watched):
    page = watched.open(server, "/#/article/d-hostile")
    page.wait_for_selector("#article-view .article-text")
    text = page.locator("#article-view .article-text").text_content()
    assert "<script>window.__pwned=1</script>" in text
    assert '<img src=x onerror="window.__pwned=2">' in text
    assert '<a href="javascript:alert(1)">a link</a>' in text
    assert page.locator("#article-view .article-title").text_content() == "Hostile <script>window.__pwned=3</script> page"
    # the javascript: URL is plain text, not a link
    assert page.locator("#article-view .url-text").text_content() == "javascript:alert(1)"
    # its events' reports: outlet and title as text too
    page.locator("#article-body mark.trigger").first.click()
    page.wait_for_selector("#details .report")
    assert 'Evil <img src=x onerror="window.__pwned=4">' in page.locator("#details").text_content()
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("img").count() == 0
    scripts = page.evaluate("[...document.querySelectorAll('script')].map(s => s.getAttribute('src'))")
    assert scripts and all(src and src.startswith("/static/") for src in scripts)
    hrefs = page.evaluate("[...document.querySelectorAll('[href]')].map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:text", "vbscript:"))]
    handlers = page.evaluate(
        "[...document.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name)).filter(n => n.startsWith('on'))"
    )
    assert handlers == []
    watched.assert_clean()


def test_a_missing_article_is_an_error_in_the_panel(server, watched):
    page = watched.open(server, "/#/article/no-such-article")
    page.wait_for_selector("#article-view .message.error")
    assert "no-such-article" in page.locator("#article-view .message.error").text_content()
    # the 404 is the only problem: a console line for the failed resource, no page error
    assert not [p for p in watched.problems if p.startswith("page error")]


def test_posted_article_appears_without_a_reload(server, watched):
    """Runs last: it adds an article to the module's store."""
    page = watched.open(server, "/?poll=300#/")
    page.locator("#events button[data-mode=events]").click()
    before = api(server, "/api/events")["total"]
    expect(page.locator("#page-info")).to_have_text(re.compile(f" of {before}$"))
    page.evaluate("window.__sameDocument = true")
    result = post_articles(server, [LATE])
    assert result["stored"] == 1 and result["events"] >= 1
    after = api(server, "/api/events")["total"]
    assert after > before
    expect(page.locator("#page-info")).to_have_text(re.compile(f" of {after}$"), timeout=10_000)
    assert page.evaluate("window.__sameDocument") is True
    assert page.locator("#events .event-row").filter(has_text="Israel attacked Iran on Wednesday").count() == 1
    expect(page.locator("#updated")).to_have_text(re.compile(r"^updated \d\d:\d\d:\d\d$"))
    expect(page.locator("#count-articles")).to_have_text("5")
    watched.assert_clean()

"""Reviewing from the dashboard, in a real browser (headless system Chromium through
Playwright, as in test_dashboard.py) against the real server with SITROOM_TOKEN
over a small store coded by the mini pipeline:

- without a token the page shows no review control; the token entered is kept in
  the tab's sessionStorage only (never the URL or localStorage) and sent as
  ``Authorization: Bearer``;
- a review made in the dashboard changes the CLI export (``sitroom events``) and
  survives re-ingesting the same articles and ``sitroom stories --rebuild``;
- a wrong token shows the server's 401 message and stores nothing; a value the
  server refuses shows its E119 message;
- a ledger status set in the page shows in ``sitroom threats``;
- merge, split and a story's "responds to" link go through the same routes;
- on a 390 px phone the review controls fit the screen.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from test_dashboard import CHROMIUM, Watched, _free_port, expect, sync_api, uvicorn  # noqa: F401 - skips without Chromium

from sitroom.cli import app as cli_app
from sitroom.pipeline import IngestOptions
from sitroom.server.app import create_app
from sitroom.store import Store
from sitroom.stories import complete_stories

TOKEN = "dashboard-review-token"
runner = CliRunner()


def _article(aid: str, published: str, text: str, title: str, outlet: str) -> dict:
    return {"id": aid, "title": title, "outlet": outlet, "url": f"https://news.example/{aid}", "published": published, "text": text}


# Iran threatens Israel (a ledger entry), Iran strikes Israel (which carries it out), Israel strikes
# back (two reports of one story), Iran condemns that (an ACCUSE event of its own).
CORPUS = [
    _article("r-threat", "2024-10-06", "Iran threatened on Sunday to strike Israel. Officials in Tehran gave no timetable.",
             "Iran threatens Israel", "Wire A"),
    _article("r-iran", "2024-10-20", "Iran attacked Israel on Sunday, the military said.", "Iran attacks Israel", "Wire A"),
    _article("r-strike", "2024-10-26",
             "Israel struck military sites near Isfahan on Saturday, the Israeli military said.\n\nIran condemned the attack.",
             "Israel strikes near Isfahan", "Wire A"),
    _article("r-jets", "2024-10-26", "Israeli warplanes attacked Iran on Saturday, hitting targets in Isfahan.",
             "Israeli jets hit Iran", "Paper B"),
]  # fmt: skip


def ingest(pipeline, db: Path, folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in CORPUS), encoding="utf-8")
    with Store(db) as store:
        report = pipeline.ingest([corpus], store, IngestOptions())
        assert report.failed == 0, report.problems
        complete_stories(store)
    return report


@pytest.fixture()
def room(tmp_path, mini_pipeline) -> Path:
    db = tmp_path / "room.duckdb"
    ingest(mini_pipeline, db, tmp_path / "in")
    return db


@contextlib.contextmanager
def serving(db: Path, token: str | None = TOKEN):
    """The real app over ``db`` on 127.0.0.1 from a background thread, stopped on leaving."""
    app = create_app(db, token=token)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=srv.run, name="dashboard-review-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert thread.is_alive(), "the server thread died while starting"
        assert time.monotonic() < deadline, "the server did not start within 20 s"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def api(base: str, path: str) -> dict:
    with urllib.request.urlopen(f"{base}{path}", timeout=10) as response:
        return json.loads(response.read())


def cli_rows(*args: object) -> list[dict]:
    result = runner.invoke(cli_app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        chromium.close()


@contextlib.contextmanager
def page_in(browser, width: int = 1400, height: int = 1000, **options):
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield Watched(page)
    finally:
        context.close()


def enter_token(page, token: str = TOKEN) -> None:
    page.locator("#review-toggle").click()
    page.fill("#review-token", token)
    page.locator("#review-login button[type=submit]").click()
    expect(page.locator("#review-toggle")).to_have_text("stop reviewing")


def open_event(page, sentence: str):
    """List every mention, click the one with ``sentence``: its story opens with that report highlighted."""
    page.locator("#events button[data-mode=events]").click()
    page.wait_for_selector("#events table.events")
    page.locator("#events .event-row[data-event-id]").filter(has_text=sentence).click()
    report = page.locator("#details .report.highlight")
    expect(report).to_have_count(1)
    return report


def review_box(scope):
    """The (first) review box in ``scope``, opened."""
    box = scope.locator("[data-testid=review-box]").first
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    return box


def not_resource_errors(problems: list[str]) -> list[str]:
    """The problems but the console line Chromium writes for every 4xx answer."""
    return [p for p in problems if "Failed to load resource" not in p]


# --- 1. no controls without a token; the token stays in the tab ------------------------------------


def test_no_review_control_without_a_token_and_the_token_stays_in_the_tab(room, browser):
    with serving(room) as base, page_in(browser) as watched:
        page = watched.open(base)
        page.wait_for_selector("#ledger tr.ledger-row")
        open_event(page, "Israeli warplanes attacked Iran")
        assert page.locator("[data-testid=review-box]").count() == 0
        assert page.locator("#review-login").is_hidden()
        expect(page.locator("#review-toggle")).to_have_text("review")

        enter_token(page)
        # the panels redraw with their controls: every report, the story, every ledger row
        expect(page.locator("#details .report [data-testid=review-box]")).to_have_count(2)
        expect(page.locator("#details .story > [data-testid=review-box]")).to_have_count(1)
        expect(page.locator("#ledger tr.ledger-row [data-testid=review-box]")).to_have_count(1)
        assert TOKEN not in page.url
        assert page.evaluate("window.localStorage.length") == 0
        assert page.evaluate("Object.values(window.sessionStorage)") == [TOKEN]
        # a reload keeps the tab's token
        page.reload()
        page.wait_for_selector("body[data-ready=true]")
        expect(page.locator("#ledger tr.ledger-row [data-testid=review-box]")).to_have_count(1)

        page.locator("#review-toggle").click()  # stop reviewing
        expect(page.locator("[data-testid=review-box]")).to_have_count(0)
        assert page.evaluate("window.sessionStorage.length") == 0
        watched.assert_clean()


# --- 2. the acceptance test: dashboard -> CLI export, through re-ingest and rebuild ----------------


def test_a_review_made_in_the_dashboard_changes_the_cli_export_and_survives_recoding(room, tmp_path, mini_pipeline, browser):
    before = {e["sentence"]: e for e in cli_rows("events", "--db", room, "--format", "jsonl")}
    condemned = before["Iran condemned the attack."]
    jets = before["Israeli warplanes attacked Iran on Saturday, hitting targets in Isfahan."]
    assert (condemned["event_type"], jets["event_type"], jets["reviewed"]) == ("ACCUSE", "ASSAULT", False)

    requests: list[dict] = []
    with serving(room) as base, page_in(browser) as watched:
        page = watched.open(base)
        page.on("request", lambda r: requests.append({"url": r.url, "method": r.method, "auth": r.headers.get("authorization")}))
        enter_token(page)

        box = review_box(open_event(page, "Iran condemned the attack"))
        box.locator("[data-testid=review-note]").fill("an opinion, not an act")
        box.locator("button[data-action=reject]").click()
        expect(page.locator("#review-status")).to_have_text(re.compile(r"^saved: R\d+ reject event "))
        # the list reloads without it
        expect(page.locator("#events .event-row").filter(has_text="Iran condemned the attack")).to_have_count(0)

        box = review_box(open_event(page, "Israeli warplanes attacked Iran"))
        box.locator("select[data-field=event_type]").select_option("COERCE")
        box.locator("button[data-action=correct]").click()
        expect(page.locator("#review-status")).to_have_text(re.compile(r"^saved: R\d+ type event "))
        # the review filed the story's reports under a new story id: the panel follows the report there
        report = page.locator("#details .report.highlight")
        expect(report.locator("[data-testid=review-msg]")).to_have_text(re.compile(r"^saved: R\d+ type event "))
        expect(page.locator("#details .story h3 .type")).to_have_text("COERCE")
        assert report.get_attribute("data-event-id") == jets["event_id"]
        row = page.locator("#events .event-row").filter(has_text="Israeli warplanes attacked Iran")
        expect(row.locator(".type")).to_have_text("COERCE")
        expect(row.locator("[data-testid=reviewed]")).to_have_count(1)
        # the rejected report's story is gone (a 404, said in the panel): nothing else went wrong
        assert not_resource_errors(watched.problems) == []

    writes = [r for r in requests if r["method"] != "GET"]
    assert [r["method"] for r in writes] == ["PATCH", "PATCH"]
    assert all(r["auth"] == f"Bearer {TOKEN}" for r in writes)
    assert not [r for r in requests if TOKEN in r["url"] or not r["url"].startswith(base)]

    def check() -> None:
        rows = {e["event_id"]: e for e in cli_rows("events", "--db", room, "--format", "jsonl")}
        assert condemned["event_id"] not in rows
        assert (rows[jets["event_id"]]["event_type"], rows[jets["event_id"]]["reviewed"]) == ("COERCE", True)

    check()
    reviews = cli_rows("review", "list", "--db", room, "--format", "jsonl")
    assert [(r["action"], r["note"]) for r in reviews] == [("reject", "an opinion, not an act"), ("type", "")]
    # the same articles again: nothing new, the reviews stand
    report = ingest(mini_pipeline, room, tmp_path / "again")
    assert report.articles == 0 and report.unchanged == len(CORPUS)
    check()
    # stories built anew under new ids: the reviews stand
    stories = cli_rows("stories", "--db", room, "--rebuild", "--format", "jsonl")
    assert "ACCUSE" not in {s["event_type"] for s in stories}
    assert [s["reviewed"] for s in stories if s["event_type"] == "COERCE"] == [True]
    check()
    # every article coded again, by the rules alone this time: the reviews stand
    result = runner.invoke(cli_app, ["recode", "--db", str(room), "--rules-only"])
    assert result.exit_code == 0, result.output
    assert "reviews: 2 applied, 0 orphaned" in result.output
    check()


# --- 3. errors from the API are shown as text ------------------------------------------------------


def test_a_wrong_token_shows_the_401_message_and_stores_nothing(room, browser):
    with serving(room) as base, page_in(browser) as watched:
        page = watched.open(base)
        enter_token(page, "not-the-token")
        box = review_box(open_event(page, "Iran attacked Israel"))
        box.locator("button[data-action=confirm]").click()
        msg = box.locator("[data-testid=review-msg]")
        expect(msg).to_have_text("missing or wrong token: send 'Authorization: Bearer <SITROOM_TOKEN>' (HTTP 401)")
        assert msg.get_attribute("role") == "alert"
        assert api(base, "/api/reviews")["items"] == []
        # a value the server refuses: its E119 message, as text
        page.locator("#review-toggle").click()
        enter_token(page)
        box = review_box(page.locator("#details .story"))
        box.locator("input[data-field=other]").fill("S999999")
        box.locator("button[data-action=merge]").click()
        expect(box.locator("[data-testid=review-msg]")).to_have_text(re.compile(r"S999999.*\(HTTP 404\)$"))
        # what the server echoes back is text, never markup
        hostile = '<img src=x onerror="window.__pwned=1">'
        box.locator("input[data-field=other]").fill(hostile)
        box.locator("button[data-action=merge]").click()
        expect(box.locator("[data-testid=review-msg]")).to_contain_text(hostile)
        assert page.locator("img").count() == 0 and page.evaluate("typeof window.__pwned") == "undefined"
        box.locator("input[data-field=other]").fill(page.locator("#details .story").get_attribute("data-story-id"))
        box.locator("button[data-action=merge]").click()
        expect(box.locator("[data-testid=review-msg]")).to_have_text(re.compile(r"E119.*\(HTTP 422\)$"))
        assert api(base, "/api/reviews")["items"] == []
        assert not_resource_errors(watched.problems) == []


def test_reviews_need_a_server_with_a_token(room, browser):
    with serving(room, token=None) as base, page_in(browser) as watched:
        page = watched.open(base)
        enter_token(page)
        box = review_box(page.locator("#ledger tr.ledger-row").first)
        box.locator("select[data-field=status]").select_option("withdrawn")
        box.locator("button[data-action=set-status]").click()
        expect(box.locator("[data-testid=review-msg]")).to_have_text(re.compile(r"^writes are disabled: .*SITROOM_TOKEN.*\(HTTP 403\)$"))
        assert not_resource_errors(watched.problems) == []


# --- 4. the ledger ---------------------------------------------------------------------------------


def test_a_ledger_status_set_in_the_dashboard_shows_in_the_cli(room, browser):
    (threat,) = cli_rows("threats", "--db", room, "--format", "jsonl")
    assert (threat["status"], threat["reviewed"]) == ("carried out", False)
    with serving(room) as base, page_in(browser) as watched:
        page = watched.open(base)
        enter_token(page)
        row = page.locator("#ledger tr.ledger-row").first
        box = review_box(row)
        box.locator("select[data-field=status]").select_option("withdrawn")
        box.locator("[data-testid=review-note]").fill("Tehran took it back")
        box.locator("button[data-action=set-status]").click()
        row = page.locator("#ledger tr.ledger-row").first
        expect(row.locator(".badge")).to_have_text("withdrawn")
        expect(row.locator("[data-testid=reviewed]")).to_have_count(1)
        expect(row.locator("[data-testid=review-msg]")).to_have_text(re.compile(r"^saved: R\d+ "))
        # the box's clicks stay in the box: the row did not open the threat's story
        assert page.locator("#details .story").count() == 0
        watched.assert_clean()
    (after,) = cli_rows("threats", "--db", room, "--format", "jsonl")
    assert (after["story_id"], after["status"], after["reviewed"]) == (threat["story_id"], "withdrawn", True)
    assert "Tehran took it back" in after["reason"]


# --- 5. stories: split, merge, "responds to" -------------------------------------------------------


def test_split_merge_and_link_from_the_story(room, browser):
    with serving(room) as base, page_in(browser) as watched:
        page = watched.open(base)
        enter_token(page)
        report = open_event(page, "Israeli warplanes attacked Iran")
        story = page.locator("#details .story").get_attribute("data-story-id")
        stories = api(base, "/api/stories")["total"]
        review_box(report).locator("button[data-action=split]").click()
        expect(page.locator("#review-status")).to_have_text(re.compile(r"^saved: R\d+ split story "))
        assert api(base, "/api/stories")["total"] == stories + 1
        expect(page.locator("#details .report")).to_have_count(1)  # the story keeps its other report
        (jets,) = [e for e in api(base, "/api/events")["items"] if e["sentence"].startswith("Israeli warplanes")]
        assert jets["story_id"] != story

        box = review_box(page.locator("#details .story"))
        box.locator("input[data-field=other]").fill(jets["story_id"])
        box.locator("button[data-action=merge]").click()
        expect(page.locator("#review-status")).to_have_text(re.compile(r"^saved: R\d+ merge story "))
        expect(page.locator("#details .report")).to_have_count(2)
        assert api(base, "/api/stories")["total"] == stories

        (iran,) = [e for e in api(base, "/api/events")["items"] if e["sentence"].startswith("Iran attacked Israel")]
        box = review_box(page.locator("#details .story"))
        box.locator("input[data-field=to]").fill(iran["story_id"])
        box.locator("button[data-action=link-confirm]").click()
        expect(page.locator("#review-status")).to_have_text(re.compile(r"^saved: R\d+ confirm link "))
        expect(page.locator("#details .story .muted.small").first).to_contain_text(f"responds to {iran['story_id']}")
        assert api(base, f"/api/stories/{story}")["responds_to"] == iran["story_id"]
        actions = [(r["kind"], r["action"]) for r in api(base, "/api/reviews")["items"]]
        assert actions == [("story", "split"), ("story", "merge"), ("link", "confirm")]
        watched.assert_clean()


# --- 6. phones -------------------------------------------------------------------------------------


def test_phone_review_controls_fit_the_screen(room, browser):
    with serving(room) as base, page_in(browser, 390, 844, is_mobile=True, has_touch=True) as watched:
        page = watched.open(base)
        enter_token(page)
        page.wait_for_selector("#ledger tr.ledger-row [data-testid=review-box]")
        box = review_box(page.locator("#ledger tr.ledger-row").first)

        def fits(scope) -> None:
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            controls = scope.locator("button, select, input, summary")
            assert controls.count() >= 4
            for i in range(controls.count()):
                control = controls.nth(i)
                control.scroll_into_view_if_needed()
                rect = control.bounding_box()
                assert rect and 0 <= rect["x"] and rect["x"] + rect["width"] <= 390, (control.evaluate("c => c.outerHTML"), rect)

        fits(box)
        # a report's controls, in the sheet over the page
        page.locator("#events .event-row").filter(has_text="Israel").first.click()
        sheet = page.locator("#details.open")
        expect(sheet).to_be_visible()
        box = review_box(sheet.locator(".report").first)
        fits(box)
        fits(review_box(sheet.locator(".story").first))
        box.locator("button[data-action=confirm]").click()
        expect(page.locator("#review-status")).to_have_text(re.compile(r"^saved: R\d+ confirm event "))
        watched.assert_clean()

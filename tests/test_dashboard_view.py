"""The dashboard as an analyst uses it, in a real browser (headless system
Chromium through Playwright, as in test_dashboard.py) against the real server
over a small store coded by the mini pipeline:

- dragging across the timeline zooms it to those days and filters the other
  panels, and the URL says so; "all dates" and a double-click zoom out;
- "both directions" charts the pair either way round (the undirected filter);
- the filters, the list and the selected story are in the URL: a reload or the
  same link in a new page restores them, back and forward step through them;
- "export CSV" downloads the rows the API gives for the same filters, by the
  CLI's CSV convention, with formula-like text neutralised;
- on a 390x844 phone nothing is wider than the screen, the ledger's status and
  carrying act are visible, and tapped reports open over the page, where the
  user is;
- an article without a URL shows no link and no "null".
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from test_dashboard import CHROMIUM, Watched, _free_port, api, expect, sync_api, uvicorn  # noqa: F401 - skips without Chromium

from sitroom.pipeline import IngestOptions
from sitroom.server.app import create_app
from sitroom.store import Store
from sitroom.stories.update import update_stories

FORMULA_TITLE = '=HYPERLINK("https://evil.example","open me")'


def _article(aid: str, published: str, text: str, *, title: str, outlet: str = "Wire A", url: str | None = "") -> dict:
    record = {"id": aid, "title": title, "outlet": outlet, "published": published, "text": text}
    record["url"] = f"https://news.example/{aid}" if url == "" else url
    return record


# Israel strikes Iran on three days, Iran strikes Israel once (carrying out its threat), over four weeks.
CORPUS = [
    _article("v-threat", "2024-10-01", "Iran threatened on Tuesday to strike Israel. Officials gave no timetable.",
             title="Iran threatens Israel"),
    _article("v-nourl", "2024-10-05", "Israel attacked Iran on Saturday, officials said.",
             title="Israel attacks Iran", outlet="Paper B", url=None),
    _article("v-strike", "2024-10-12", "Israel struck Iran on Saturday, the military said.", title="Israel strikes Iran"),
    _article("v-iran", "2024-10-20", "Iran attacked Israel on Sunday, the military said.", title="Iran attacks Israel"),
    _article("v-late", "2024-10-27", "Israel attacked Iran on Sunday, officials said.", title=FORMULA_TITLE,
             outlet="@Evil Wire"),
]  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory, mini_pipeline):
    """The real app over the corpus above, on 127.0.0.1 from a background thread."""
    root = tmp_path_factory.mktemp("dashboard-view")
    corpus = root / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in CORPUS), encoding="utf-8")
    db = root / "view.duckdb"
    with Store(db) as store:
        report = mini_pipeline.ingest([corpus], store, IngestOptions())
        assert report.failed == 0, report.problems
        update_stories(store)
    app = create_app(db, pipeline_factory=lambda: mini_pipeline)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=srv.run, name="dashboard-view-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert thread.is_alive(), "the server thread died while starting"
        assert time.monotonic() < deadline, "the server did not start within 20 s"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        chromium.close()


def _watched(browser, width: int, height: int, **options):
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, Watched(page)


@pytest.fixture
def desk(browser):
    context, watched = _watched(browser, 1440, 900, accept_downloads=True)
    yield watched
    context.close()


@pytest.fixture
def phone(browser):
    context, watched = _watched(browser, 390, 844, is_mobile=True, has_touch=True)
    yield watched
    context.close()


def query(page) -> dict[str, str]:
    """The page's query string as a dict of single values."""
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


def drag(page, x0: float, x1: float, y: float) -> None:
    page.mouse.move(x0, y)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, y, steps=4)
    page.mouse.move(x1, y, steps=4)
    page.mouse.up()


def bar_x(page, period: str) -> float:
    box = page.locator(f'#timeline svg rect.bar[data-period="{period}"]').bounding_box()
    return box["x"] + box["width"] / 2


# --- 1. the timeline: brush, zoom, both directions -----------------------------------------------


def test_brushing_the_timeline_zooms_it_filters_the_panels_and_updates_the_url(server, desk):
    page = desk.open(server)
    dyad = page.locator("#pair-select").input_value()
    assert dyad == "ISR-IRN"
    everything = api(server, f"/api/timeline?dyad={dyad}&freq=day")["items"]
    expect(page.locator("#timeline svg rect.bar")).to_have_count(len(everything))
    all_stories = api(server, "/api/stories")["total"]
    svg = page.locator("#timeline svg").bounding_box()
    y = svg["y"] + svg["height"] * 0.5

    drag(page, bar_x(page, "2024-10-05"), bar_x(page, "2024-10-15"), y)

    expect(page).to_have_url(re.compile(r"\?since=2024-10-05&until=2024-10-15$"))
    assert query(page)["since"] == "2024-10-05" and query(page)["until"] == "2024-10-15"
    assert page.locator("#filters input[name=since]").input_value() == "2024-10-05"
    kept = api(server, "/api/stories?since=2024-10-05&until=2024-10-15")
    assert 0 < kept["total"] < all_stories
    expect(page.locator("#page-info")).to_have_text(f"1–{kept['total']} of {kept['total']}")
    dates = page.locator("#events .event-row td.cell-date").all_text_contents()
    assert dates and all("2024-10-05" <= d <= "2024-10-15" for d in dates)
    # the timeline is zoomed to those days, the ledger and the map keep to them too
    zoomed = api(server, f"/api/timeline?dyad={dyad}&freq=day&since=2024-10-05&until=2024-10-15")["items"]
    expect(page.locator("#timeline svg rect.bar")).to_have_count(len(zoomed))
    assert len(zoomed) < len(everything)
    threats = api(server, "/api/threats?since=2024-10-05&until=2024-10-15")["total"]
    expect(page.locator("#ledger tr.ledger-row")).to_have_count(threats)

    # zoom out: the button, then (after another brush) a double-click
    page.locator("#zoom-reset").click()
    expect(page.locator("#timeline svg rect.bar")).to_have_count(len(everything))
    assert "since" not in query(page)
    expect(page.locator("#page-info")).to_have_text(f"1–{all_stories} of {all_stories}")
    drag(page, bar_x(page, "2024-10-12"), bar_x(page, "2024-10-27"), y)
    expect(page).to_have_url(re.compile("since=2024-10-12"))
    expect(page.locator("#zoom-reset")).to_be_enabled()
    page.locator("#timeline svg").dblclick()
    expect(page.locator("#timeline svg rect.bar")).to_have_count(len(everything))
    assert "since" not in query(page) and "until" not in query(page)
    desk.assert_clean()


def test_both_directions_charts_the_pair_either_way_round(server, desk):
    page = desk.open(server)
    dyad = page.locator("#pair-select").input_value()
    one_way = [r["period"] for r in api(server, f"/api/timeline?dyad={dyad}&freq=day")["items"]]
    both = [r["period"] for r in api(server, f"/api/timeline?dyad={dyad}&freq=day&undirected=true")["items"]]
    assert one_way != both
    page.locator("#undirected-toggle").click()
    expect(page.locator("#undirected-toggle")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#timeline svg rect.bar")).to_have_count(len(both))
    shown = page.locator("#timeline svg rect.bar").evaluate_all("bars => bars.map(b => b.dataset.period)")
    assert shown == both
    assert query(page)["undirected"] == "1"
    assert page.locator("#filters input[name=undirected]").is_checked()
    assert "↔" in page.locator("#pair-select option:checked").text_content()
    desk.assert_clean()


# --- 2. the view in the URL -----------------------------------------------------------------------


def test_reload_and_a_shared_link_restore_filters_and_selection_and_back_works(server, desk, browser):
    page = desk.open(server)
    page.fill("#filters input[name=actor]", "Israel")
    page.fill("#filters input[name=type]", "assault")
    page.locator("#filters input[name=undirected]").check()
    page.select_option("#filters select[name=modality]", "asserted")
    page.fill("#filters input[name=q]", "attacked")
    page.locator("#filters button[type=submit]").click()
    expected = api(server, "/api/stories?actor=Israel&type=ASSAULT&undirected=true&modality=asserted&q=attacked")
    assert expected["total"] >= 2
    expect(page.locator("#page-info")).to_have_text(f"1–{expected['total']} of {expected['total']}")
    filtered_url = page.url
    story = expected["items"][0]["story_id"]
    page.locator(f'#events .event-row[data-story-id="{story}"]').click()
    page.wait_for_selector("#details .report")
    expect(page).to_have_url(re.compile(f"story={story}$"))
    assert query(page) == {"actor": "Israel", "type": "ASSAULT", "undirected": "1", "modality": "asserted", "q": "attacked", "story": story}

    def restored(p):
        expect(p.locator("#page-info")).to_have_text(f"1–{expected['total']} of {expected['total']}")
        assert p.locator("#filters input[name=actor]").input_value() == "Israel"
        assert p.locator("#filters input[name=type]").input_value() == "ASSAULT"
        assert p.locator("#filters input[name=undirected]").is_checked()
        assert p.locator("#filters select[name=modality]").input_value() == "asserted"
        assert p.locator("#filters input[name=q]").input_value() == "attacked"
        expect(p.locator("#details-h")).to_have_text(f"Reports of {story}")
        p.wait_for_selector("#details .report")

    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    restored(page)

    # the same link in another browser shows the same view
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        other = Watched(context.new_page())
        other.page.set_default_timeout(10_000)
        other.open(server, "/" + page.url.split("/", 3)[3])
        restored(other.page)
        other.assert_clean()
    finally:
        context.close()

    # back: the same filters without the story; back again: no filters
    page.go_back()
    expect(page).to_have_url(filtered_url)
    expect(page.locator("#details-h")).to_have_text("Reports")
    expect(page.locator("#details .report")).to_have_count(0)
    page.go_back()
    expect(page).to_have_url(f"{server}/")
    expect(page.locator("#filters input[name=actor]")).to_have_value("")
    total = api(server, "/api/stories")["total"]
    expect(page.locator("#page-info")).to_have_text(f"1–{total} of {total}")
    page.go_forward()
    expect(page.locator("#page-info")).to_have_text(f"1–{expected['total']} of {expected['total']}")
    expect(page.locator("#filters input[name=actor]")).to_have_value("Israel")
    desk.assert_clean()


def test_the_url_names_the_list_the_pair_the_period_the_ledger_status_and_a_date_range(server, desk):
    page = desk.open(server, "/?list=events&pair=IRN-ISR&freq=week&status=carried%20out&since=2024-10-10&until=2024-10-31")
    expect(page.locator("#events button[data-mode=events]")).to_have_attribute("aria-pressed", "true")
    assert page.locator("#pair-select").input_value() == "IRN-ISR"
    expect(page.locator("#timeline button[data-freq=week]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator('#ledger-filter button[data-status="carried out"]')).to_have_attribute("aria-pressed", "true")
    events = api(server, "/api/events?since=2024-10-10&until=2024-10-31")["total"]
    expect(page.locator("#page-info")).to_have_text(f"1–{events} of {events}")
    weeks = api(server, "/api/timeline?dyad=IRN-ISR&freq=week&since=2024-10-10&until=2024-10-31")["items"]
    expect(page.locator("#timeline svg rect.bar")).to_have_count(len(weeks))
    desk.assert_clean()


def test_the_url_restores_a_selected_alert(server, desk):
    page = desk.open(server)
    dyad = page.locator("#pair-select").input_value()
    alert = api(server, f"/api/timeline?dyad={dyad}&freq=day")["alerts"][0]
    page.locator(f'#timeline svg .alert-marker[data-period="{alert["period"]}"] .alert-diamond').click()
    expect(page.locator("#details-h")).to_have_text(re.compile(f"^Alert {alert['period']}"))
    assert query(page) == {"alert": alert["period"]}
    page.wait_for_selector("#details .report")  # the alert's stories have loaded: a reload aborts no request
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#details-h")).to_have_text(re.compile(f"^Alert {alert['period']}"))
    page.wait_for_selector("#details .report")
    desk.assert_clean()


# --- 3. export ------------------------------------------------------------------------------------


def _cell(value) -> str:
    """What the export writes for an API value (README, "Output formats"; docs/api.md, "The dashboard")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (list, dict)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if isinstance(value, (int, float)):
        return None  # compared as numbers
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _check_rows(rows: list[dict], items: list[dict]) -> None:
    assert len(rows) == len(items)
    for row, item in zip(rows, items, strict=True):
        assert list(row) == list(item) or set(row) >= set(item)
        for key, value in item.items():
            want = _cell(value)
            if want is None:
                assert float(row[key]) == value, key
            else:
                assert row[key] == want, key


def _export(page) -> tuple[str, list[dict]]:
    with page.expect_download() as info:
        page.locator("#export-csv").click()
    download = info.value
    text = open(download.path(), encoding="utf-8").read()
    return download.suggested_filename, list(csv.DictReader(io.StringIO(text, newline="")))


def test_export_downloads_the_filtered_rows_as_csv(server, desk):
    page = desk.open(server, "/?type=ASSAULT&list=events")
    params = {"type": "ASSAULT", "limit": 500}
    items = api(server, f"/api/events?{urlencode(params)}")["items"]
    assert 0 < len(items) < api(server, "/api/events")["total"]
    expect(page.locator("#page-info")).to_have_text(f"1–{len(items)} of {len(items)}")
    name, rows = _export(page)
    assert name.endswith(".csv") and "events" in name
    _check_rows(rows, items)
    assert [r["event_id"] for r in rows] == [i["event_id"] for i in items]
    # formula-like text is neutralised; negative numbers stay numbers
    late = next(r for r in rows if r["article_id"] == "v-late")
    assert late["title"] == "'" + FORMULA_TITLE
    assert late["outlet"] == "'@Evil Wire"
    assert float(late["intensity"]) < 0 and not late["intensity"].startswith("'")
    expect(page.locator("#export-status")).to_have_text(f"exported {len(items)} rows")

    # story events, with a date range
    page.locator("#events button[data-mode=stories]").click()
    page.fill("#filters input[name=since]", "2024-10-10")
    page.locator("#filters button[type=submit]").click()
    stories = api(server, "/api/stories?type=ASSAULT&since=2024-10-10&limit=500")["items"]
    expect(page.locator("#page-info")).to_have_text(f"1–{len(stories)} of {len(stories)}")
    name, rows = _export(page)
    assert "stories" in name and "2024-10-10" in name
    _check_rows(rows, stories)
    desk.assert_clean()


# --- 4 and 5. phones ------------------------------------------------------------------------------

OVERFLOWING = """() => {
  const out = [];
  for (const e of document.querySelectorAll('body *')) {
    if (e.closest('svg') && e.tagName.toLowerCase() !== 'svg') continue;  // drawn inside its svg
    const r = e.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    if (r.right > window.innerWidth + 0.5 || r.left < -0.5) out.push(`${e.tagName}.${e.className} ${r.left}-${r.right}`);
  }
  return out;
}"""


def test_phone_nothing_is_clipped_and_the_ledger_status_is_visible(server, phone):
    page = phone.open(server)
    for selector in ["#timeline svg rect.bar", "#map svg", "#network svg", "#ledger tr.ledger-row", "#events .event-row"]:
        page.wait_for_selector(selector)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate(OVERFLOWING) == []
    page.locator("#events button[data-mode=events]").click()
    page.wait_for_selector("#events table.events .event-row")
    assert page.evaluate(OVERFLOWING) == []
    # the sentence of an event is shown whole, not cut off
    cell = page.locator("#events .event-row .sentence-cell").first
    assert cell.evaluate("c => c.scrollWidth <= c.clientWidth + 1")

    threats = api(server, "/api/threats")["items"]
    carried = next(t for t in threats if t["status"] == "carried out")
    row = page.locator(f'#ledger tr.ledger-row[data-story-id="{carried["story_id"]}"]')
    badge = row.locator(".badge")
    badge.scroll_into_view_if_needed()
    expect(badge).to_be_in_viewport()
    expect(badge).to_have_text("carried out")
    box = badge.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= 390
    # the carrying act and its report, and the act's story on a tap
    act = row.locator(".ledger-act-open")
    expect(act).to_be_in_viewport()
    assert act.bounding_box()["x"] + act.bounding_box()["width"] <= 390
    assert carried["carried_out_reports"][0]["sentence"] in row.locator(".ledger-reports").text_content()
    act.tap()
    details = page.locator("#details")
    expect(details).to_be_in_viewport()
    expect(page.locator("#details-h")).to_have_text(f"Reports of {carried['carried_out_by']}")
    page.wait_for_selector("#details .report")
    phone.assert_clean()


def test_phone_tapped_reports_open_where_the_user_is(server, phone):
    page = phone.open(server)
    row = page.locator("#events .event-row").nth(2)
    row.scroll_into_view_if_needed()
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 844  # the list is well below the first screen
    row.tap()
    page.wait_for_selector("#details .report")
    details = page.locator("#details")
    box = details.bounding_box()
    assert 0 <= box["y"] < 844 and box["y"] + box["height"] <= 844 + 1
    expect(page.locator("#details .report").first).to_be_in_viewport()
    assert page.evaluate("window.scrollY") == scrolled
    assert page.evaluate(OVERFLOWING) == []
    page.locator("#details-close").tap()
    expect(details).to_be_hidden()
    assert page.evaluate("window.scrollY") == scrolled
    assert "story" not in query(page)
    phone.assert_clean()


# --- 6. an article without a URL ------------------------------------------------------------------


def _null_text(page) -> list[str]:
    return page.evaluate("""() => {
      const out = [];
      const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) if (/null|undefined/.test(n.textContent)) out.push(n.textContent);
      for (const e of document.querySelectorAll('*')) for (const a of e.attributes) if (/^(null|undefined)$/.test(a.value)) out.push(`${e.tagName} ${a.name}`);
      return out;
    }""")


def test_an_article_without_a_url_shows_no_link_and_no_null(server, desk):
    assert api(server, "/api/articles/v-nourl")["url"] is None
    page = desk.open(server, "/#/article/v-nourl")
    page.wait_for_selector("#article-view .article-text")
    expect(page.locator("#article-view .article-title")).to_have_text("Israel attacks Iran")
    assert page.locator("#article-view .article-url").count() == 0
    assert page.locator("#article-view a.external").count() == 0
    assert _null_text(page) == []
    page.locator("#article-body mark.trigger").first.click()
    page.wait_for_selector("#details .report")
    report = page.locator('#details .report[data-event-id]').filter(has_text="Paper B")
    assert report.count() == 1
    assert report.locator("a.external").count() == 0
    assert report.locator("a.article-link").get_attribute("href") == "#/article/v-nourl"
    assert _null_text(page) == []
    desk.assert_clean()

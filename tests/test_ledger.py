"""The threat ledger an analyst can defend.

A threat is carried out only by an asserted act of the threatened kind, by
the declarant's country, against the addressee or the threatened target,
dated on or after the threat and within the window; every entry says which
act and which rule decided its status; and ``as_of`` is a true backtest: the
ledger as of a day equals the ledger of a store holding only the reports
published by that day. Each case is a few short texts coded by the production
rules (no decision model), through ingest and the story stage.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

import sitroom
from sitroom.pipeline import IngestOptions
from sitroom.store import Store
from sitroom.stories import ledger
from sitroom.stories.update import update_stories

try:
    from fastapi.testclient import TestClient

    from sitroom.server.app import create_app
except ImportError:  # pragma: no cover - the server extra is part of the dev lock
    TestClient = None


def article(aid: str, published: str, text: str, outlet: str = "Wire A") -> dict:
    return {"id": aid, "title": f"Headline of {aid}", "outlet": outlet, "url": f"https://news.example/{aid}",
            "published": published, "text": text}  # fmt: skip


def build(pipeline, path: Path, articles: list[dict]) -> Path:
    """A store at ``path`` holding ``articles`` and their stories, ingested in one run."""
    source = path.with_suffix(".jsonl")
    source.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    with Store(path) as store:
        report = pipeline.ingest([source], store, IngestOptions())
        assert report.failed == 0, report.problems
        update_stories(store)
    return path


def judged(
    pipeline, tmp_path: Path, articles: list[dict], *, as_of: str, window_days: int = 30, name: str = "room"
) -> list[ledger.ThreatEntry]:
    path = build(pipeline, tmp_path / f"{name}.duckdb", articles)
    with Store(path, read_only=True) as store:
        return ledger.threat_ledger(store, window_days=window_days, as_of=date.fromisoformat(as_of))


def threat_by(entries: list[ledger.ThreatEntry], declarant: str) -> ledger.ThreatEntry:
    found = [e for e in entries if declarant in e.declarant]
    assert len(found) == 1, [(e.story_id, e.declarant, e.addressee, e.status) for e in entries]
    return found[0]


THREAT = article("t-threat", "2024-10-06", "Iran threatened on Sunday to strike Israel.")
MISSILES = article("m-missiles", "2024-10-08", "Iran fired about 180 ballistic missiles at Israel on Tuesday.", "Paper C")


# --- 1. the rule -----------------------------------------------------------------------------------


def test_an_attack_others_are_urged_to_head_off_does_not_carry_a_threat_out(pipeline, tmp_path):
    """Asserted acts only: 'urged Qatar to head off an Iranian attack' says no attack happened,
    so Iran's threat stays open (the attack is coded hypothetical)."""
    head_off = article("u-urged", "2024-10-08", "Washington urged Qatar on Tuesday to head off an Iranian attack on Israel.")
    entry = threat_by(judged(pipeline, tmp_path, [THREAT, head_off], as_of="2024-10-09"), "IRN")
    assert (entry.status, entry.carried_out_by) == ("open", None)
    assert entry.reason.startswith("open: window runs to 2024-11-05")


def test_only_an_act_of_the_threatened_kind_carries_a_threat_out(pipeline, tmp_path):
    """Iran threatened to strike Israel; seizing an Israeli ship (COERCE) is conflict but not a
    strike, so it does not carry the threat out; the missile strike (ASSAULT) does."""
    seizure = article("s-seized", "2024-10-07", "Iran seized an Israeli ship on Monday.", "Paper B")
    entry = threat_by(judged(pipeline, tmp_path, [THREAT, seizure], as_of="2024-10-08"), "IRN")
    assert (entry.consequence, entry.status) == ("ASSAULT", "open")
    assert "no asserted act of the threatened kind (ASSAULT" in entry.reason

    entry = threat_by(judged(pipeline, tmp_path, [THREAT, seizure, MISSILES], as_of="2024-10-09", name="more"), "IRN")
    assert (entry.status, entry.status_date) == ("carried out", date(2024, 10, 8))


def test_a_carried_out_threat_names_its_act_reports_and_rule(pipeline, tmp_path):
    """Reasons: the act's story, its first asserted report and every report of it, and the
    rule in words with the act's type, sides, day and distance from the threat."""
    path = build(pipeline, tmp_path / "room.duckdb", [THREAT, MISSILES])
    with Store(path, read_only=True) as store:
        entry = threat_by(ledger.threat_ledger(store, as_of=date(2024, 10, 9)), "IRN")
        act_reports = store.query(
            """SELECT m.event_id FROM story_mentions m JOIN stories s USING (story_id)
               WHERE s.event_type = 'ASSAULT' AND s.modality = 'asserted'"""
        )
    assert entry.status == "carried out"
    assert entry.reason == "carried out: asserted ASSAULT by IRN on ISR, 2024-10-08, 2 days after the threat"
    assert [r["event_id"] for r in entry.carried_out_reports] == [r[0] for r in act_reports]
    assert entry.carried_out_event == act_reports[0][0]
    (report,) = entry.carried_out_reports
    assert (report["article_id"], report["outlet"], report["modality"]) == ("m-missiles", "Paper C", "asserted")
    assert report["sentence"] == MISSILES["text"]
    assert {s["article_id"] for s in entry.sources} == {"t-threat"}
    row = ledger.entry_row(entry)
    assert row["carried_out_reports"] == entry.carried_out_reports and row["reason"] == entry.reason


def test_a_threat_inside_a_condition_is_not_the_declarants_threat(pipeline, tmp_path):
    """Side from the threatening clause: in 'the Guards warned that if the United States
    supported any Israeli retaliation, American bases would be targeted' the Israeli
    retaliation is the condition, not an Israeli threat; Israel's later strike on Iran carries
    out nothing."""
    warning = article(
        "g-guards", "2024-10-06",
        "The Guards warned on Sunday that if the United States supported any Israeli retaliation, "
        "American bases would be targeted.",
    )  # fmt: skip
    strike = article("i-strike", "2024-10-08", "Israeli jets struck Iran on Tuesday.", "Paper B")
    entries = judged(pipeline, tmp_path, [warning, strike], as_of="2024-10-09")
    assert [e for e in entries if "ISR" in e.declarant] == []
    assert [e.story_id for e in entries if e.status == "carried out"] == []


def test_a_proxys_act_does_not_carry_out_its_patrons_threat(pipeline, tmp_path):
    """Side: the actor dictionary records no backers, so Hezbollah's rockets (LBN) do not
    carry out Iran's threat; the Revolutionary Guards' missiles (Iran's forces) do."""
    rockets = article("h-rockets", "2024-10-07", "Hezbollah fired rockets at Israel on Monday.", "Paper B")
    entry = threat_by(judged(pipeline, tmp_path, [THREAT, rockets], as_of="2024-10-08"), "IRN")
    assert entry.status == "open"
    guards = article("r-guards", "2024-10-08", "The Revolutionary Guards fired missiles at Israel on Tuesday.", "Paper C")
    entry = threat_by(judged(pipeline, tmp_path, [THREAT, rockets, guards], as_of="2024-10-09", name="more"), "IRN")
    assert (entry.status, entry.status_date) == ("carried out", date(2024, 10, 8))


def test_a_strike_on_another_country_does_not_carry_out_a_threat(pipeline, tmp_path):
    """Target: Israel threatened Lebanon; a strike on Iran that one report of three also says
    hit Lebanon is, by what most reports say, a strike on Iran: the threat stays open."""
    threat = article("l-threat", "2024-10-06", "Israel threatened on Sunday to strike Lebanon.")
    strikes = [
        article("p-1", "2024-10-08", "Israeli jets struck Iran on Tuesday.", "Paper B"),
        article("p-2", "2024-10-08", "Israeli warplanes attacked Iran on Tuesday.", "Paper C"),
        article("p-3", "2024-10-08", "Israeli jets struck Iran and Lebanon on Tuesday.", "Paper D"),
    ]
    entry = threat_by(judged(pipeline, tmp_path, [threat, *strikes], as_of="2024-10-09"), "ISR")
    assert entry.addressee == ["LBN"]
    assert (entry.status, entry.carried_out_by) == ("open", None)
    assert "by ISR against LBN" in entry.reason


def test_an_act_before_the_threat_does_not_carry_it_out(pipeline, tmp_path):
    """Date order: a threat retold as made 'earlier this month' may postdate a strike of
    October 8, so that strike does not carry it out."""
    retold = article("z-retold", "2024-10-20", "Iran threatened earlier this month to strike Israel.", "Paper B")
    entry = threat_by(judged(pipeline, tmp_path, [MISSILES, retold], as_of="2024-10-21"), "IRN")
    assert (entry.status, entry.carried_out_by) == ("open", None)


def test_an_act_after_the_window_leaves_the_threat_lapsed(pipeline, tmp_path):
    """Window: with a one-day window the strike two days later is too late; the threat lapsed
    the day the window ended, and says so."""
    entry = threat_by(judged(pipeline, tmp_path, [THREAT, MISSILES], as_of="2024-10-09", window_days=1), "IRN")
    assert (entry.status, entry.status_date) == ("lapsed", date(2024, 10, 7))
    assert entry.reason == (
        "lapsed: window ended 2024-10-07 with no asserted act of the threatened kind (ASSAULT (CAMEO 19)) by IRN against ISR"
    )


# --- 3. as_of is a backtest ---------------------------------------------------------------------------

BACKTEST = [
    THREAT,
    article("t-threat-2", "2024-10-06", "Iran on Sunday threatened to strike Israel, state media reported.", "Paper B"),
    article("h-rockets", "2024-10-07", "Hezbollah fired rockets at Israel on Monday.", "Paper B"),
    MISSILES,
    article("x-later", "2024-10-14", "Israel threatened on Monday to strike Iran's oil facilities.", "Paper C"),
    article("y-strike", "2024-10-26", "Israeli jets struck Iran on Saturday.", "Wire A"),
]
# before any report, the day of the first threat, between it and the strike that carries it out,
# the day of that strike, the day of a second threat, and after everything
BACKTEST_DAYS = ["2024-10-05", "2024-10-06", "2024-10-07", "2024-10-08", "2024-10-14", "2024-10-30"]


@pytest.fixture(scope="module")
def backtest(tmp_path_factory, pipeline) -> Path:
    root = tmp_path_factory.mktemp("backtest")
    return build(pipeline, root / "full.duckdb", BACKTEST)


@pytest.mark.parametrize("day", BACKTEST_DAYS)
def test_the_ledger_as_of_a_day_equals_the_ledger_of_the_reports_published_by_then(backtest, pipeline, tmp_path, day):
    """The ledger of the full store as of a day is the ledger of a store built from only the
    reports published by that day, judged that day: no later threat, act or story member leaks in."""
    as_of = date.fromisoformat(day)
    published = [a for a in BACKTEST if a["published"] <= day]
    with Store(backtest, read_only=True) as store:
        full = [ledger.entry_row(e) for e in ledger.threat_ledger(store, as_of=as_of)]
    if published:
        with Store(build(pipeline, tmp_path / "part.duckdb", published), read_only=True) as store:
            part = [ledger.entry_row(e) for e in ledger.threat_ledger(store, as_of=as_of)]
    else:
        part = []
    assert full == part
    for row in full:
        assert all(s["published"] <= as_of for s in row["sources"] + row["carried_out_reports"])


def test_as_of_between_a_threat_and_its_act_shows_it_open(backtest):
    """On the day between Iran's threat and its strike the threat is open; on the day of the
    strike it is carried out. Israel's threat of October 14 is not in the ledger before then."""
    with Store(backtest, read_only=True) as store:
        before = ledger.threat_ledger(store, as_of=date(2024, 10, 7))
        after = ledger.threat_ledger(store, as_of=date(2024, 10, 8))
        later = ledger.threat_ledger(store, as_of=date(2024, 10, 30))
    assert [(e.declarant, e.status) for e in before] == [(["IRN"], "open")]
    assert [(e.declarant, e.status) for e in after] == [(["IRN"], "carried out")]
    assert len(threat_by(before, "IRN").sources) == 2
    assert threat_by(later, "ISR").status == "carried out"


def test_python_api_and_http_api_backtest_like_the_library(backtest):
    """sitroom.open(...).threats(as_of=...) and /api/threats?as_of=... give the library's ledger."""
    as_of = date(2024, 10, 7)
    with Store(backtest, read_only=True) as store:
        expected = ledger.threat_ledger(store, as_of=as_of)
    with sitroom.open(backtest) as room:
        frame = room.threats(as_of=as_of)
    assert list(frame["story_id"]) == [e.story_id for e in expected]
    assert list(frame["status"]) == ["open"]
    if TestClient is None:
        pytest.skip("the server extra is not installed")
    with TestClient(create_app(backtest)) as client:
        got = client.get("/api/threats", params={"as_of": "2024-10-07"}).json()
        assert [t["status"] for t in got["items"]] == ["open"]
        assert got["items"][0]["reason"] == expected[0].reason
        got = client.get("/api/threats", params={"as_of": "2024-10-08"}).json()
        (item,) = got["items"]
        assert item["status"] == "carried out" and item["carried_out_reports"][0]["article_id"] == "m-missiles"

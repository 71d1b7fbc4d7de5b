"""The cleaner against the dirt corpus (tests/data/dirt, see its README)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitroom.ingest.clean import RULES, clean
from sitroom.ingest.decode import normalise_text
from sitroom.ingest.readers import split_title

DIRT = Path(__file__).parent / "data" / "dirt"
CASES = sorted(p.stem for p in DIRT.glob("*.txt"))


def _load(name: str):
    text = normalise_text((DIRT / f"{name}.txt").read_bytes().decode("utf-8"))
    expected = json.loads((DIRT / f"{name}.expected.json").read_text(encoding="utf-8"))
    return text, expected


def test_dirt_corpus_is_present():
    assert len(CASES) >= 15


@pytest.mark.parametrize("name", CASES)
def test_cleaner_removes_exactly_the_dirt(name):
    text, expected = _load(name)
    title, body = split_title(text)
    assert title, "every case starts with a headline"
    cleaned = clean(body)
    got = sorted((r.text, r.rule) for r in cleaned.removals)
    want = sorted((normalise_text(r["text"]).strip(), r["rule"]) for r in expected["removed"])
    assert got == want
    for sentence in expected["kept"]:
        assert normalise_text(sentence) in cleaned.text


def test_every_rule_is_exercised_by_the_corpus():
    rules = set()
    for name in CASES:
        _, expected = _load(name)
        rules |= {r["rule"] for r in expected["removed"]}
    assert {"ad_marker", "read_more", "source_link", "newsletter", "photo", "teaser"} <= rules <= set(RULES)


def test_removals_record_line_and_reason():
    body = "Iran warned Israel on Monday.\n\n[Advertisement]\n\nREAD MORE: Oil jumps\n\nTalks resume on Friday."
    cleaned = clean(body)
    assert [(r.line, r.rule, r.text) for r in cleaned.removals] == [
        (3, "ad_marker", "[Advertisement]"),
        (5, "read_more", "READ MORE: Oil jumps"),
    ]
    assert cleaned.text == "Iran warned Israel on Monday.\n\nTalks resume on Friday."


def test_inline_marker_is_cut_from_prose_line():
    cleaned = clean("The minister said talks would resume. [Advertisement] He declined to give a date.")
    assert cleaned.text == "The minister said talks would resume. He declined to give a date."
    assert [r.rule for r in cleaned.removals] == ["ad_marker"]


def test_teasers_cut_mid_word_and_glued_to_promo_are_removed():
    body = (
        "Israel said it intercepted most of the drones.\n\n"
        "The army said the operation was over.\n\n"
        "Russia launches drones at Odesa port\n"
        "Floods displace thousands in southern Bra Get breaking news alerts on your phone"
    )
    cleaned = clean(body)
    assert cleaned.text == "Israel said it intercepted most of the drones.\n\nThe army said the operation was over."
    assert {r.rule for r in cleaned.removals} == {"teaser"}


def test_short_final_paragraph_of_prose_is_kept():
    body = "Iran and Oman held talks in Muscat.\n\nTalks resume on Monday."
    assert clean(body).text == body


def test_bracketed_prose_is_kept():
    body = 'He said the [Iranian] minister "would not [sic] attend".'
    assert clean(body).text == body


def test_no_event_comes_from_removed_text(mini_pipeline):
    text = (
        "Egypt urged Israel to show restraint.\n\n"
        "[Twitter embed]\n\n"
        "Photo: Israel strikes Iran, April 1, 2024. REUTERS/Jane Doe\n\n"
        "READ MORE: Iran attacks Israel\n\n"
        "Sign up to hear when Israel attacks Iran\n\n"
        "More from World\n"
        "Iran attacks Israel again\n"
        "Israel strikes Iran in Damasc Get breaking news alerts"
    )
    coded = mini_pipeline.code_text(text)
    assert [(e.event_type, e.trigger) for e in coded.events] == [("REQUEST", "urged")]
    assert "strike" not in coded.article.text.lower()

"""Constructions whose sense lies in the clause around the trigger or in the class of its object:
orders to leave given to diplomats, appeals whose "for" or infinitive hangs from a clause, labels
of disapproval, people captured, backing of armed groups, promises of revenge, holding to account."""

from __future__ import annotations

from datetime import date

import pytest

from sitroom.coding.lexicon import load_lexicon
from sitroom.errors import DataFileError


def _coded(pipeline, text):
    coded = pipeline.code_text(text, published=date(2024, 4, 2))
    return [
        (e.event_type, e.cameo_code, sorted({a.country for a in e.actor}), sorted({r.country for r in e.recipient}))
        for e in coded.events
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Mali's government on Monday gave the French ambassador 72 hours to leave the country.",
        "Mali's government on Monday told the French ambassador to leave the country.",
        "Mali's government on Monday ordered the French ambassador to leave the country within 72 hours.",
    ],
)
def test_order_to_leave_given_to_a_diplomat_is_an_expulsion(pipeline, text):
    events = _coded(pipeline, text)
    assert ("SANCTION", "161", ["MLI"], ["FRA"]) in events
    assert not [e for e in events if e[0] == "REQUEST"]


def test_order_to_leave_given_to_others_is_no_expulsion(pipeline):
    events = _coded(pipeline, "The Malian army told the villagers to leave the area before the offensive.")
    assert not [e for e in events if e[0] == "SANCTION"]


def test_call_for_an_actor_to_act_is_an_appeal(pipeline):
    # the parser hangs "for" from the clause "China to act", not from "called"
    events = _coded(pipeline, "Taiwan's president called for China to act responsibly in the strait.")
    assert [e[:3] for e in events if e[1].startswith("02")] == [("REQUEST", "020", ["TWN"])]


def test_telling_an_actor_to_do_something_is_a_demand(pipeline):
    assert ("REQUEST", "100", ["KEN"], ["SOM"]) in _coded(pipeline, "Kenya told Somalia to withdraw its troops from the border.")
    # telling reporters something is no demand
    assert not [e for e in _coded(pipeline, "Kenya's president told reporters that talks with Somalia would continue.") if e[0] == "REQUEST"]


def test_warning_an_actor_to_do_something_is_an_appeal_not_a_threat(pipeline):
    events = _coded(pipeline, "North Korea warned South Korea to stop the leaflet launches near the border.")
    assert ("REQUEST", "025", ["PRK"], ["KOR"]) in events
    assert not [e for e in events if e[0] == "THREATEN"]
    # a warning of consequences stays a threat
    assert ("THREATEN", "130", ["PRK"], ["KOR"]) in _coded(pipeline, "North Korea warned South Korea of serious consequences.")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Syrian state media described the strike as an Israeli act of aggression.", ("ACCUSE", "111", ["SYR"], ["ISR"])),
        ("Taiwan called the Chinese drills provocative.", ("ACCUSE", "111", ["TWN"], ["CHN"])),
        ("France's foreign minister called the Malian junta illegitimate.", ("ACCUSE", "111", ["FRA"], [])),
    ],
)
def test_label_of_disapproval_is_an_accusation(pipeline, text, expected):
    assert expected in _coded(pipeline, text)


def test_plain_description_is_no_accusation(pipeline):
    events = _coded(pipeline, "Syrian state media described the meeting as a routine exchange between Syria and Iran.")
    assert not [e for e in events if e[0] == "ACCUSE"]


def test_people_captured_are_detained_places_captured_are_taken(pipeline):
    events = _coded(pipeline, "The Arakan Army captured two senior Myanmar army lieutenants on Friday.")
    assert ("COERCE", "173", ["MMR"], ["MMR"]) in events
    assert ("ASSAULT", "192", ["MMR"], ["MMR"]) in _coded(pipeline, "The Arakan Army captured the Myanmar army base on Friday.")


def test_backing_an_armed_group_is_aid(pipeline):
    events = _coded(pipeline, "Rwanda is supporting the M23 rebels in eastern Congo, the United Nations said.")
    assert [e[:3] for e in events if e[0] in ("AID", "SUPPORT")] == [("AID", "070", ["RWA"])]
    # backing a government's policy stays verbal support
    assert [e[0] for e in _coded(pipeline, "Egypt is supporting the Sudanese government's peace plan.")] == ["SUPPORT"]


@pytest.mark.parametrize(
    "text, code",
    [
        ("Iran promised harsh revenge against Israel on Monday.", "138"),
        ("Russia pledged a harsh response to the attack on its embassy by Ukraine.", "130"),
    ],
)
def test_promise_of_revenge_or_response_is_a_threat(pipeline, text, code):
    events = _coded(pipeline, text)
    assert [e[:3] for e in events if e[0] in ("THREATEN", "AGREE")] == [("THREATEN", code, [text.split()[0].replace("Iran", "IRN").replace("Russia", "RUS")])]


def test_holding_an_actor_to_account_is_a_threat(pipeline):
    assert _coded(pipeline, "The United States will hold Iran accountable.") == [("THREATEN", "130", ["USA"], ["IRN"])]


def test_object_class_must_exist(tmp_path):
    lex = load_lexicon()
    bad = tmp_path / "extra.jsonl"
    bad.write_text('{"lemma": "capture", "pos": "VERB", "object": "@nobody", "event_type": "COERCE", "cameo": "173"}\n')
    with pytest.raises(DataFileError, match="unknown word class"):
        lex.add_file(bad)
    assert lex.classes("ambassador") == ["@diplomat"]
    assert lex.choose("capture", "VERB", set(), {"lieutenant", "@person"}).event_type == "COERCE"


@pytest.mark.parametrize(
    "text",
    [
        "The United States withdrew from the nuclear agreement with Iran on Tuesday.",
        "Washington pulled out of the nuclear deal with Iran on Tuesday.",
        "Washington has quit the nuclear treaty with Iran.",
    ],
)
def test_leaving_an_agreement_reduces_relations(pipeline, text):
    assert ("SANCTION", "16", ["USA"], ["IRN"]) in _coded(pipeline, text)


def test_leaving_a_place_stays_a_withdrawal(pipeline):
    events = _coded(pipeline, "Russian troops withdrew from the Ukrainian town of Kherson.")
    assert [e[0] for e in events] == ["RETREAT"]


def test_halting_participation_in_an_initiative_reduces_relations(pipeline):
    assert [e[:3] for e in _coded(pipeline, "Russia has halted its participation in the Black Sea grain initiative.")] == [
        ("SANCTION", "16", ["RUS"])
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Netanyahu's government thanked the United States for its help.", ("SUPPORT", "051", ["ISR"], ["USA"])),
        ("The White House voiced support for Israel's actions on Sunday.", ("SUPPORT", "051", ["USA"], ["ISR"])),
        ("Ethiopia inked a peace agreement with Eritrea on Monday.", ("SUPPORT", "057", ["ETH"], ["ERI"])),
    ],
)
def test_thanks_voiced_support_and_inked_deals_are_support(pipeline, text, expected):
    assert expected in _coded(pipeline, text)


@pytest.mark.parametrize(
    "text",
    [
        "India and Pakistan worked out an understanding on a stoppage of firing.",
        "India reached an understanding with Pakistan on a stoppage of firing.",
    ],
)
def test_understanding_reached_is_an_agreement(pipeline, text):
    assert ("AGREE", "030", ["IND"], ["PAK"]) in _coded(pipeline, text)


def test_assurance_given_is_an_agreement(pipeline):
    assert ("AGREE", "030", ["IRN"], ["GBR"]) in _coded(pipeline, "Iran assured Britain that the sailors would be released.")


def test_handing_over_a_document_puts_terms_forward(pipeline):
    assert ("AGREE", "030", ["RUS"], ["UKR"]) in _coded(pipeline, "Russia handed over to Ukraine its memorandum on a ceasefire.")
    # people handed over are not terms
    events = _coded(pipeline, "Pakistan handed over the captured Indian pilot to India on Friday.")
    assert not [e for e in events if e[0] == "AGREE"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ukraine's foreign minister said the Russian strike was barbaric.", ("ACCUSE", "111", ["UKR"], ["RUS"])),
        ("Japan said China's actions constitute a serious violation of international law.", ("ACCUSE", "111", ["JPN"], ["CHN"])),
    ],
)
def test_statement_calling_an_act_by_a_word_of_disapproval_is_an_accusation(pipeline, text, expected):
    assert expected in _coded(pipeline, text)


def test_statement_of_a_neutral_predicate_is_no_accusation(pipeline):
    events = _coded(pipeline, "Israel's army stated that the strikes were a response to months of attacks by Iran.")
    assert not [e for e in events if e[0] in ("ACCUSE", "THREATEN")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Hezbollah will pay a heavy price, Israel's prime minister said.", ("THREATEN", "130", ["ISR"], ["LBN"])),
        ("The State Department said Afghanistan's rulers would face serious consequences.", ("THREATEN", "130", ["USA"], ["AFG"])),
    ],
)
def test_statement_that_someone_will_pay_is_a_threat_by_the_speaker(pipeline, text, expected):
    assert expected in _coded(pipeline, text)


def test_a_price_paid_in_the_past_is_no_threat(pipeline):
    events = _coded(pipeline, "Israeli officials said Hamas had paid a heavy price in the war.")
    assert not [e for e in events if e[0] == "THREATEN"]


def test_promise_to_use_force_is_a_threat(pipeline):
    events = _coded(pipeline, "The United States promised to use overwhelming force against the Houthis.")
    assert ("THREATEN", "138", ["USA"], ["YEM"]) in events
    assert not [e for e in events if e[0] == "AGREE"]
    # a promise of aid stays an agreement
    assert ("AGREE", "030", ["EGY"], ["PSE"]) in _coded(pipeline, "Egypt promised to send aid to Gaza.")

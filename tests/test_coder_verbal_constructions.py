"""Constructions of published news the rule coder once passed over in silence:
claims and denials of responsibility, prisoner exchanges and releases, ceasefire
declarations, diplomatic protests, labels and attributions of blame, closed
consulates, joint drills, arrivals and meetings called."""

from __future__ import annotations

from datetime import date


def _coded(pipeline, text):
    coded = pipeline.code_text(text, published=date(2024, 4, 2))
    return [
        (e.event_type, e.cameo_code, sorted({a.country for a in e.actor}), sorted({r.country for r in e.recipient}))
        for e in coded.events
    ]


def test_claim_of_responsibility_keeps_its_01_code(pipeline):
    events = _coded(pipeline, "Al-Shabaab claimed responsibility for the bombing in Mogadishu on Sunday.")
    assert [e[:3] for e in events if e[1] == "015"] == [("SUPPORT", "015", ["SOM"])]


def test_attack_claimed_by_a_group_is_a_claim(pipeline):
    events = _coded(pipeline, "The attack on the convoy was claimed by the Houthis.")
    assert ("SUPPORT", "015", ["YEM"], []) in events


def test_denial_of_an_allegation_is_016(pipeline):
    events = _coded(pipeline, "Rwanda denied the allegations made by Congo on Monday.")
    assert [e[:3] for e in events if e[1].startswith("01")] == [("REJECT", "016", ["RWA"])]


def test_exchange_of_prisoners_is_a_concession_between_the_parties(pipeline):
    events = _coded(pipeline, "Russia and Ukraine carried out an exchange of prisoners on Friday.")
    assert ("CONCEDE", "0841", ["RUS"], ["UKR"]) in events


def test_release_of_a_captive_is_a_concession_and_a_released_statement_is_not(pipeline):
    assert ("CONCEDE", "0841", ["PAK"], ["IND"]) in _coded(pipeline, "Pakistan released the captured Indian pilot on Friday.")
    events = _coded(pipeline, "Pakistan released a statement on the talks on Friday.")
    assert not [e for e in events if e[1].startswith("084")]


def test_declared_ceasefire_is_a_concession(pipeline):
    events = _coded(pipeline, "Ethiopia declared a unilateral ceasefire in Tigray on Monday.")
    assert [e[:3] for e in events] == [("CONCEDE", "0871", ["ETH"])]


def test_diplomatic_protest_filed_with_a_state_is_an_accusation(pipeline):
    events = _coded(pipeline, "The Philippines filed a diplomatic protest with China on Monday.")
    assert ("ACCUSE", "114", ["PHL"], ["CHN"]) in events


def test_attributing_an_attack_to_a_state_blames_it(pipeline):
    events = _coded(pipeline, "Biden attributed the attack to Iran on Monday.")
    assert ("ACCUSE", "112", ["USA"], ["IRN"]) in events


def test_branding_a_state_is_a_denunciation(pipeline):
    events = _coded(pipeline, "Sudan branded the United Arab Emirates an aggressor state.")
    assert ("ACCUSE", "111", ["SDN"], ["ARE"]) in events


def test_closing_consulates_reduces_relations(pipeline):
    events = _coded(pipeline, "Somalia closed two Ethiopian consulates on Thursday.")
    assert [(t, c, a) for t, c, a, _ in events] == [("SANCTION", "161", ["SOM"])]
    assert events[0][3] == ["ETH"]


def test_joint_drills_are_military_cooperation(pipeline):
    events = _coded(pipeline, "South Korea and the United States began joint military drills on Monday.")
    assert ("COOPERATE", "062", ["KOR"], ["USA"]) in events


def test_joining_a_campaign_is_military_cooperation(pipeline):
    events = _coded(pipeline, "Jordan joined the campaign against the Houthis.")
    assert ("COOPERATE", "062", ["JOR"], ["YEM"]) in events


def test_touching_down_in_a_country_is_a_visit(pipeline):
    events = _coded(pipeline, "Pelosi's plane touched down in Taiwan on Tuesday.")
    assert ("CONSULT", "042", ["USA"], ["TWN"]) in events


def test_calling_an_emergency_meeting_is_a_consultation(pipeline):
    events = _coded(pipeline, "Russia called an emergency meeting of the UN Security Council.")
    assert ("CONSULT", "040", ["RUS"], ["UNO"]) in events


def test_talks_facilitated_by_a_third_party_are_mediation(pipeline):
    events = _coded(pipeline, "The talks between Ethiopia and the TPLF were facilitated by the African Union.")
    assert [e for e in events if e[1] == "045"]

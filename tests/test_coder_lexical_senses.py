"""Senses of verbs and event nouns chosen by their object, their modifier or the clause they sit
in: conversations, ruling out, punitive measures, sieges, liberations, campaigns and the use of
force, titles before a named object, participles and the noun they modify, orders of an act or to
foreign troops, appeals that are no threats, looting, hostages seized and people handed over."""

from __future__ import annotations

from datetime import date

import pytest


def _coded(pipeline, text):
    coded = pipeline.code_text(text, published=date(2024, 4, 2))
    return [
        (e.event_type, e.cameo_code, sorted({a.country for a in e.actor}), sorted({r.country for r in e.recipient}))
        for e in coded.events
    ]


def test_telephone_conversation_is_a_phone_consultation(pipeline):
    events = _coded(pipeline, "Armenia's prime minister held a telephone conversation with the Russian president on Monday.")
    assert ("CONSULT", "041", ["ARM"], ["RUS"]) in events


def test_ruling_out_is_a_rejection(pipeline):
    assert ("REJECT", "120", ["IRN"], ["USA"]) in _coded(pipeline, "Iran has ruled out talks with the United States.")


def test_punitive_measures_are_sanctions(pipeline):
    events = _coded(pipeline, "The European Union announced punitive measures against Belarus on Monday.")
    assert ("SANCTION", "160", ["EUR"], ["BLR"]) in events


def test_forces_surrounding_a_place_restrict_movement(pipeline):
    events = _coded(pipeline, "Israeli forces surrounded the hospital in Gaza City on Wednesday.")
    assert ("COERCE", "191", ["ISR"], ["PSE"]) in events


def test_people_liberated_in_a_raid_are_not_released_by_the_raiders(pipeline):
    # a release is conceded by the one who held the captives, not by those who freed them
    events = _coded(pipeline, "Israeli forces liberated four hostages in a raid in Nuseirat on Saturday.")
    assert not [e for e in events if e[0] == "CONCEDE"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Saudi Arabia began an air campaign against the Houthis in Yemen.", "195"),
        ("Saudi Arabia waged Operation Decisive Storm against the Houthis in Yemen.", "190"),
    ],
)
def test_campaigns_waged_are_uses_of_force(pipeline, text, code):
    assert ("ASSAULT", code, ["SAU"], ["YEM"]) in _coded(pipeline, text)


def test_the_use_of_force_is_force(pipeline):
    events = _coded(pipeline, "The UN condemned Russia's use of force against Ukraine.")
    assert ("ASSAULT", "190", ["RUS"], ["UKR"]) in events


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Somalia recalled Ambassador Abdullahi Mohamed from Ethiopia on Thursday.", ("SANCTION", "161", ["SOM"], ["ETH"])),
        ("Pakistan captured Indian Wing Commander Abhinandan Varthaman on Wednesday.", ("COERCE", "173", ["PAK"], ["IND"])),
    ],
)
def test_title_before_a_named_object_selects_the_sense(pipeline, text, expected):
    assert expected in _coded(pipeline, text)


def test_participle_takes_the_noun_it_modifies_as_its_object(pipeline):
    doc = pipeline.nlp("The video showed dozens of captured soldiers marching in a line.")
    captured = [t for t in pipeline.coder.find_triggers(next(doc.sents)) if t.token.lower_ == "captured"]
    assert [(t.entry.event_type, t.entry.cameo) for t in captured] == [("COERCE", "173")]
    # a support verb's participle does not consume its event noun
    events = _coded(pipeline, "Israel mounted its long-threatened invasion of Lebanon on Tuesday.")
    assert ("ASSAULT", "190", ["ISR"], ["LBN"]) in events


def test_order_to_leave_given_to_foreign_troops_is_an_expulsion(pipeline):
    events = _coded(pipeline, "The Malian government ordered Danish troops to leave the country.")
    assert ("SANCTION", "166", ["MLI"], ["DNK"]) in events
    assert not [e for e in events if e[0] == "REQUEST"]
    # its own troops told to leave a town are no expulsion
    assert not [e for e in _coded(pipeline, "The Malian government ordered its troops to leave the town.") if e[0] == "SANCTION"]


def test_ordered_act_is_coded_at_its_noun_without_a_demand(pipeline):
    events = _coded(pipeline, "Colombia's president ordered the arrest of the ELN commanders.")
    assert ("COERCE", "173", ["COL"], ["COL"]) in events
    assert not [e for e in events if e[0] == "REQUEST"]


def test_cautioning_an_actor_to_do_something_is_an_appeal_not_a_threat(pipeline):
    events = _coded(pipeline, "Washington cautioned Iran not to attack US forces in Iraq.")
    assert ("REQUEST", "025", ["USA"], ["IRN"]) in events
    assert not [e for e in events if e[0] == "THREATEN"]


def test_looting_is_a_seizure_of_property(pipeline):
    events = _coded(pipeline, "RSF fighters stormed the village in Darfur, looting homes and markets.")
    assert ("COERCE", "171", ["SDN"], ["SDN"]) in events
    assert not [e for e in events if e[0] == "PROTEST"]


def test_hostages_seized_are_an_abduction(pipeline):
    events = _coded(pipeline, "Al-Shabaab gunmen stormed the hotel in Mogadishu, seizing dozens of hostages.")
    assert ("ASSAULT", "181", ["SOM"], []) in events


def test_person_handed_over_is_released(pipeline):
    events = _coded(pipeline, "Pakistan handed over the captured Indian pilot to Indian officials on Friday.")
    assert ("CONCEDE", "0841", ["PAK"], ["IND"]) in events


def test_holding_to_account_read_as_an_object_is_a_threat(pipeline):
    events = _coded(pipeline, "The United States will hold those responsible accountable, the Pentagon said.")
    assert ("THREATEN", "130", ["USA"], []) in events


def test_modifier_of_a_modifier_selects_a_noun_sense(pipeline):
    # the parser hangs "joint" from "military", not from "drills"
    events = _coded(pipeline, "The United States began 11-day joint military drills with South Korea on Monday.")
    assert ("COOPERATE", "062", ["USA"], ["KOR"]) in events
    assert not [e for e in events if e[0] == "MOBILIZE"]


def test_interception_is_force_unless_a_ship_is_stopped(pipeline):
    events = _coded(pipeline, "Saudi air defences intercepted most of them over Jizan on Monday.")
    assert [e[:3] for e in events if e[1] == "190"] == [("ASSAULT", "190", ["SAU"])]
    assert not [e for e in events if e[0] == "COERCE"]
    events = _coded(pipeline, "Iran's navy intercepted a British tanker in the Strait of Hormuz.")
    assert ("COERCE", "191", ["IRN"], ["GBR"]) in events
    # the relative pronoun stands for the projectile
    events = _coded(pipeline, "Israel said a Hezbollah drone that was intercepted over the Galilee had been launched from Lebanon.")
    assert [e[:2] for e in events if e[2:] != (["LBN"], [])] == [("ASSAULT", "190")]


def test_forces_sent_to_help_are_aid(pipeline):
    events = _coded(pipeline, "Rwanda sent in 1,000 troops last month to shore up Mozambican military forces.")
    assert ("AID", "074", ["RWA"], ["MOZ"]) in events
    assert not [e for e in events if e[0] == "MOBILIZE"]
    # the helping verb is part of the aid, not a second event
    events = _coded(pipeline, "Eritrea sent troops into Tigray to support Prime Minister Abiy Ahmed's government.")
    assert [e for e in events if e[0] in ("AID", "SUPPORT", "MOBILIZE")] == [("AID", "074", ["ERI"], ["ETH"])]
    # forces sent to guard one's own border stay a deployment
    events = _coded(pipeline, "Brazil sent troops to the border to protect its territory.")
    assert [e[:2] for e in events] == [("MOBILIZE", "154")]


def test_event_noun_inside_a_declaration_is_an_event(pipeline):
    events = _coded(pipeline, "Ethiopia announced a unilateral ceasefire declaration in Tigray on Monday.")
    assert ("CONCEDE", "0871", ["ETH"], ["ETH"]) in events


def test_order_of_another_actors_act_stays_a_demand(pipeline):
    events = _coded(pipeline, "South Sudan's government has ordered the immediate withdrawal of the armed group from the town.")
    assert ("REQUEST", "1056", ["SSD"]) in [e[:3] for e in events]
    assert not [e for e in events if e[0] == "RETREAT"]
    events = _coded(pipeline, "The UN Security Council ordered a ceasefire in Gaza on Monday.")
    assert ("REQUEST", "1056", ["UNO"]) in [e[:3] for e in events]
    assert not [e for e in events if e[0] == "CONCEDE"]
    # an act the one who orders carries out is coded at its noun, with that one as actor
    events = _coded(pipeline, "Kenya's president ordered airstrikes against al-Shabaab positions in Somalia.")
    assert ("ASSAULT", "195", ["KEN"], ["SOM"]) in events
    assert not [e for e in events if e[0] == "REQUEST"]


@pytest.mark.parametrize(
    "text",
    [
        "NATO jets intercepted two Russian bombers over the Baltic Sea.",
        "The US Navy intercepted a dhow carrying Iranian weapons in the Arabian Sea.",
        "The navy intercepted a shipment of weapons bound for Syria.",
    ],
)
def test_interception_of_aircraft_ships_and_cargo_is_no_use_of_force(pipeline, text):
    events = _coded(pipeline, text)
    assert [e[:2] for e in events if e[0] in ("ASSAULT", "COERCE")] == [("COERCE", "191")]


def test_intercepted_calls_are_no_event(pipeline):
    assert _coded(pipeline, "Israeli police intercepted phone calls between the suspects.") == []


def test_own_troops_ordered_to_leave_are_no_expulsion(pipeline):
    for text in ("Putin ordered Russian forces to leave the west bank of the Dnipro.",
                 "Ukraine's army chief ordered Ukrainian troops to leave Avdiivka."):  # fmt: skip
        assert not [e for e in _coded(pipeline, text) if e[0] == "SANCTION"]


@pytest.mark.parametrize(
    "text",
    [
        "Israel deployed two additional battalions to reinforce its troops in the West Bank.",
        "China deployed warships to support its coast guard near Second Thomas Shoal.",
        "Bangladesh deployed troops to help flood victims in Sylhet.",
    ],
)
def test_forces_sent_to_help_their_own_side_or_people_in_need_are_no_aid(pipeline, text):
    events = _coded(pipeline, text)
    assert not [e for e in events if e[0] == "AID"]
    assert [e[:2] for e in events if e[0] in ("MOBILIZE", "SUPPORT")] == [("MOBILIZE", "154")]


def test_purpose_of_peacekeepers_sent_is_no_second_event(pipeline):
    events = _coded(pipeline, "The United Nations sent peacekeepers to Haiti to support the national police.")
    assert not [e for e in events if e[0] == "SUPPORT"]


@pytest.mark.parametrize(
    "text",
    [
        "The opposition waged a fierce legal battle against the election results.",
        "Protesters waged a campaign against corruption in Nairobi.",
        "China launched an anti-military corruption campaign.",
    ],
)
def test_campaigns_and_battles_that_are_no_war_are_no_force(pipeline, text):
    assert not [e for e in _coded(pipeline, text) if e[0] == "ASSAULT"]


def test_use_of_force_warned_of_is_no_act(pipeline):
    events = _coded(pipeline, "ECOWAS leaders warned of the possible use of force against Niger's junta.")
    assert not [e for e in events if e[0] == "ASSAULT"]


@pytest.mark.parametrize(
    "text",
    [
        "The city is surrounded by mountains and rivers.",
        "The minister was surrounded by reporters outside parliament.",
    ],
)
def test_surrounded_by_no_force_is_no_siege(pipeline, text):
    assert not [e for e in _coded(pipeline, text) if e[0] == "COERCE"]


def test_ruling_out_no_offer_is_no_rejection(pipeline):
    assert not [e for e in _coded(pipeline, "Police ruled out foul play.") if e[0] == "REJECT"]


def test_bodies_and_suspects_handed_over_are_no_release(pipeline):
    events = _coded(pipeline, "Russia handed over the bodies of 212 Ukrainian soldiers on Friday.")
    assert not [e for e in events if e[0] == "CONCEDE"]
    events = _coded(pipeline, "Turkey handed over the two suspects to Iraqi authorities.")
    assert ("COOPERATE", "063", ["TUR"], ["IRQ"]) in events
    assert not [e for e in events if e[0] == "CONCEDE"]

"""Senses and constructions the rules were silent on or typed as a neighbouring type: a sanction
announced with "will" is the sanction itself, planned (not a threat of it); armed forces or ships that
block are a blockade, not a protest; the act an appeal asks for or an agreement agrees to is their
content, not an act of its own; closing a border, airspace or airport is a show of force, or a
blockade when it is another's; people hurt, forces routed, and towns liberated (retaken); "no safe
haven" for an enemy is a threat; leaving or flying for a foreign host is a visit; taking aim at an
actor is criticism; the closure of consulates, borders or airspace; pressing on and insisting on a fact
are no demands; a move met with criticism is no meeting; armed forces or rebels (not police, not
in a parade) marching into a town take it."""

from __future__ import annotations

from datetime import date

import pytest


def _coded(pipeline, text):
    coded = pipeline.code_text(text, published=date(2024, 4, 2))
    return [
        (e.event_type, e.cameo_code, sorted({a.country for a in e.actor}), sorted({r.country for r in e.recipient}), e.modality)
        for e in coded.events
    ]


def test_sanction_announced_with_will_is_a_planned_sanction(pipeline):
    events = _coded(pipeline, "China will impose sanctions on American defence firms, the foreign ministry said on Monday.")
    assert ("SANCTION", "163", ["CHN"], ["USA"], "planned") in events
    assert not [e for e in events if e[0] == "THREATEN"]


def test_threat_of_sanctions_stays_a_threat(pipeline):
    # a threat verb, an intent head or an "unless" condition still make the announced sanction a threat
    assert [e[:4] for e in _coded(pipeline, "China threatened to impose sanctions on American defence firms.")] == [
        ("THREATEN", "130", ["CHN"], ["USA"])
    ]
    assert _coded(pipeline, "China will impose sanctions on American defence firms unless the sale is cancelled.")[0][0] == "THREATEN"
    # an announced attack is still coded as the threat PLOVER makes of it
    assert _coded(pipeline, "Iran will attack Israel.")[0][:2] == ("THREATEN", "138")


def test_blocking_by_armed_forces_or_ships_is_a_blockade_not_a_protest(pipeline):
    events = _coded(pipeline, "A Chinese coast guard ship blocked the Philippine supply boat near the shoal on Sunday.")
    assert [e[:4] for e in events] == [("COERCE", "191", ["CHN"], ["PHL"])]
    passive = _coded(pipeline, "The Philippine escort was blocked by Chinese coast guard vessels.")
    assert [e[:4] for e in passive] == [("COERCE", "191", ["CHN"], ["PHL"])]
    # crowds, and rebels, blocking roads stay a protest's obstruction
    assert _coded(pipeline, "Protesters blocked roads in the Kenyan capital on Tuesday.")[0][:2] == ("PROTEST", "144")
    assert _coded(pipeline, "Rebels in the Ivory Coast on Tuesday blocked transport into Abidjan.")[0][:2] == ("PROTEST", "144")


def test_act_asked_for_or_agreed_to_is_the_content_not_an_act(pipeline):
    events = _coded(pipeline, "The UN has called for an urgent two-hour truce in the southern suburbs of Tripoli.")
    assert [e[:3] for e in events] == [("REQUEST", "020", ["UNO"])]
    # an ordered act is still the act, done by the one who ordered it
    assert [e[:4] for e in _coded(pipeline, "Trump ordered airstrikes on Yemen on Saturday.")] == [("ASSAULT", "195", ["USA"], ["YEM"])]


def test_closing_own_border_or_airspace_is_a_show_of_force_closing_anothers_a_blockade(pipeline):
    assert [e[:3] for e in _coded(pipeline, "Iran closed its airspace on Saturday night.")] == [("MOBILIZE", "15", ["IRN"])]
    assert [e[:3] for e in _coded(pipeline, "Russia closed its southern border with Iran on Monday.")] == [("MOBILIZE", "15", ["RUS"])]
    events = _coded(pipeline, "Saudi Arabia has closed off Yemeni airspace due to the escalating conflict.")
    assert [e[:4] for e in events] == [("COERCE", "191", ["SAU"], ["YEM"])]
    # closing a consulate, with or without "down", is a diplomatic sanction
    assert _coded(pipeline, "Somalia shut down the Ethiopian consulates in Hargeisa.")[0][:4] == ("SANCTION", "161", ["SOM"], ["ETH"])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Russian troops hurt two Ukrainian soldiers in a raid near Bakhmut on Monday.", ("ASSAULT", "180", ["RUS"], ["UKR"])),
        ("Congolese forces routed the M23 rebels near Bunagana.", ("ASSAULT", "190", ["COD"], ["COD"])),
        ("Ukrainian forces liberated the city of Kherson on Friday.", ("ASSAULT", "192", ["UKR"], ["UKR"])),
    ],
)
def test_senses_of_force_and_release(pipeline, text, expected):
    assert expected in [e[:4] for e in _coded(pipeline, text)]


def test_hurt_and_liberated_need_their_objects(pipeline):
    assert not [e for e in _coded(pipeline, "US sanctions hurt the Iranian economy.") if e[0] == "ASSAULT"]
    # people liberated are not a town captured
    assert not [e for e in _coded(pipeline, "Israeli forces liberated four hostages in Nuseirat on Saturday.") if e[1] == "192"]


def test_no_safe_haven_is_a_threat(pipeline):
    events = _coded(pipeline, "There are no safe havens for Russian terrorists in the Black Sea, Ukraine's defence minister said.")
    assert [e[0::3] for e in events] == [("THREATEN", ["RUS"])]
    assert events[0][4] == "asserted"  # the "no" denies the haven, not the threat
    # a place no one can call safe is no threat
    assert not _coded(pipeline, "Aid groups said there is no safe place in Gaza for civilians.")


def test_leaving_or_flying_to_a_foreign_host_is_a_visit(pipeline):
    assert ("CONSULT", "042", ["IRN"], ["RUS"]) in [e[:4] for e in _coded(pipeline, "The Iranian foreign minister left for Moscow on Monday.")]
    flown = _coded(pipeline, "South Korea's president flew to Tokyo for a summit with Japan's prime minister.")
    assert ("CONSULT", "042", ["KOR"], ["JPN"]) in [e[:4] for e in flown]
    # people who move on their own behalf pay no visit
    assert not _coded(pipeline, "Thousands of Syrian refugees left for Turkey last year.")


def test_taking_aim_at_an_actor_is_criticism(pipeline):
    assert [e[:4] for e in _coded(pipeline, "Macron took aim at Russia on Tuesday.")] == [("ACCUSE", "111", ["FRA"], ["RUS"])]
    # armed forces taking aim aim weapons
    assert not [e for e in _coded(pipeline, "The army took aim at the rebel positions.") if e[0] == "ACCUSE"]


def test_closure_of_consulates_or_airspace(pipeline):
    events = _coded(pipeline, "Somalia has expelled Ethiopia's ambassador in Mogadishu and ordered the closure of two consulates.")
    assert [e[:4] for e in events].count(("SANCTION", "161", ["SOM"], ["ETH"])) == 2
    assert [e[:3] for e in _coded(pipeline, "Iran announced the closure of its airspace on Saturday.")] == [("MOBILIZE", "15", ["IRN"])]
    # other closures are no event
    assert not [e for e in _coded(pipeline, "The Taliban ordered the closure of girls' schools in Kabul.") if e[0] in ("SANCTION", "MOBILIZE")]


def test_pressing_on_and_insisting_on_a_fact_are_no_demands(pipeline):
    assert not [e for e in _coded(pipeline, "Forces loyal to Haftar have pressed on with their assault since Thursday.") if e[0] == "REQUEST"]
    assert not [e for e in _coded(pipeline, "Moscow insisted that the jet had stayed inside Syrian territory.") if e[0] == "REQUEST"]
    # insisting on an act, or that another act, is a demand
    assert ("REQUEST", "100", ["IRN"], ["USA"]) in [e[:4] for e in _coded(pipeline, "Iran insisted that the United States lift all sanctions.")]
    assert ("REQUEST", "100", ["USA"], ["ISR"]) in [e[:4] for e in _coded(pipeline, "The United States pressed Israel to allow more aid into Gaza.")]


def test_met_with_criticism_is_no_meeting(pipeline):
    assert not [e for e in _coded(pipeline, "Mali's use of the Russian mercenary company Wagner has been met with criticism in France.")
                if e[0] == "CONSULT"]
    assert ("CONSULT", "040", ["USA"], ["CHN"]) in [e[:4] for e in _coded(pipeline, "Blinken met with Chinese officials in Beijing.")]


def test_armed_forces_marching_into_a_town_take_it(pipeline):
    assert [e[:2] for e in _coded(pipeline, "Islamist fighters marched into the town of Mopti on Friday.")][:1] == [("ASSAULT", "192")]
    assert [e[:2] for e in _coded(pipeline, "Thousands of protesters marched into the capital on Sunday.")] == [("PROTEST", "141")]


def test_meeting_with_a_group_named_like_a_reaction_is_a_meeting(pipeline):
    # "opposition", "resistance", "protesters" name groups one meets, not a reception
    events = [e[:2] for e in _coded(pipeline, "Lukashenko met with the opposition in Minsk on Tuesday.")]
    assert ("CONSULT", "040") in events
    assert not [e for e in _coded(pipeline, "The plan was met with outrage in Kyiv.") if e[0] == "CONSULT"]


def test_insisting_that_another_does_an_act_in_the_present_is_a_demand(pipeline):
    # a present action verb is what is demanded; only past, perfect or copula clauses state a claim
    events = [e[:4] for e in _coded(pipeline, "Turkey insists Sweden extradites the suspects without delay.")]
    assert ("REQUEST", "100", ["TUR"], ["SWE"]) in events
    assert not [e for e in _coded(pipeline, "Beijing insisted that the balloon was a civilian airship.") if e[0] == "REQUEST"]
    assert not [e for e in _coded(pipeline, "Moscow insisted that its troops have left the village.") if e[0] == "REQUEST"]


def test_act_a_threat_verb_announces_is_no_planned_act(pipeline):
    # "warned it would expel": one THREATEN at the threat verb, no planned sanction beside it
    events = _coded(pipeline, "Hungary warned that it would recall its ambassador to Poland.")
    assert [e[0] for e in events] == ["THREATEN"]


def test_appeal_or_agreement_takes_the_parties_of_its_content_noun(pipeline):
    assert ("REQUEST", "020", ["QAT"], ["RUS", "UKR"]) in [
        e[:4] for e in _coded(pipeline, "Qatar called for negotiations between Russia and Ukraine.")
    ]
    assert ("AGREE", "030", ["ISR"], ["LBN"]) in [e[:4] for e in _coded(pipeline, "Israel agreed to a truce with Hezbollah on Tuesday.")]
    # an appeal for a content noun with no parties keeps no recipient
    assert [e[:4] for e in _coded(pipeline, "The African Union called for calm.")] == [("REQUEST", "020", ["AFU"], [])]


def test_no_safe_place_for_civilians_is_no_threat(pipeline):
    assert not _coded(pipeline, "There is no safe space for aid workers and children in Rafah, the WHO said.")
    assert not _coded(pipeline, "There is no safe place for reporters in Khartoum, the union said.")
    assert [e[0] for e in _coded(pipeline, "There will be no safe haven for Hamas terrorists anywhere, Netanyahu said.")] == ["THREATEN"]


def test_flying_or_leaving_is_a_visit_only_for_envoys(pipeline):
    for text in (
        "Hundreds of refugees left for Greece from the Turkish coast.",
        "Thousands of Russians left for Georgia after the mobilisation.",
        "Russian drones flew to Kyiv overnight.",
        "Two Chinese bombers flew to Russia on Tuesday.",
        "The French ambassador flew to Paris for consultations.",
    ):
        assert not [e for e in _coded(pipeline, text) if e[0] == "CONSULT"], text
    assert ("CONSULT", "042", ["USA"], ["JPN"]) in [e[:4] for e in _coded(pipeline, "Blinken flew to Japan on Sunday.")]


def test_police_or_a_parade_marching_into_a_place_take_nothing(pipeline):
    for text in ("Indian police marched into the opposition stronghold.", "Chinese troops marched into Tiananmen Square for the parade."):
        assert not [e for e in _coded(pipeline, text) if e[0] == "ASSAULT"], text


def test_closure_by_protesters_is_a_protest(pipeline):
    assert [e[:2] for e in _coded(pipeline, "Demonstrators shut down the airport in Bangkok on Tuesday.")] == [("PROTEST", "144")]
    assert [e[:2] for e in _coded(pipeline, "Poland closed its border with Belarus.")] == [("MOBILIZE", "15")]


def test_protesters_vowing_to_liberate_a_land_is_a_slogan(pipeline):
    assert not _coded(pipeline, "Activists vowed to liberate Kashmir.")
    assert ("ASSAULT", "192") in [e[:2] for e in _coded(pipeline, "Ukrainian forces liberated the town of Lyman.")]

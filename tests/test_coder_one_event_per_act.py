"""One event per act, and none where the text tells of no act: a sentence the page repeats, a
second trigger for the same act, a wounding told with its killing, a bare re-mention, and the
sounds, movements, tolls and credit lines that are no acts between actors. Sentences of our
own, coded with the package's lexicon and dictionary."""

from __future__ import annotations

from datetime import date


def _coded(pipeline, text):
    return [
        (e.event_type, e.cameo_code, e.trigger, sorted({a.country for a in e.actor}), sorted({r.country for r in e.recipient}))
        for e in pipeline.code_text(text, published=date(2024, 4, 2)).events
    ]


def _triggers(pipeline, text):
    return [trigger for _, _, trigger, _, _ in _coded(pipeline, text)]


def test_a_sentence_the_page_repeats_word_for_word_is_coded_once(pipeline):
    text = "Israeli forces carried out a strike in Gaza on Monday. Israeli forces carried out a strike in Gaza on Monday."
    assert _coded(pipeline, text) == [("ASSAULT", "190", "strike", ["ISR"], ["PSE"])]


def test_an_act_noun_and_the_verb_of_hitting_it_governs_are_one_event(pipeline):
    assert _coded(pipeline, "The Israeli strike hit the southern suburbs of Beirut.") == [
        ("ASSAULT", "190", "hit", ["ISR"], ["LBN"])
    ]


def test_a_launch_verb_and_the_attacks_it_launches_are_one_event(pipeline):
    assert _coded(pipeline, "Iran launched missile attacks on Israel on Saturday.") == [
        ("ASSAULT", "195", "launched missile", ["IRN"], ["ISR"])
    ]


def test_a_purpose_clause_of_striking_is_the_launch_itself(pipeline):
    assert _coded(pipeline, "Israel launched drones to strike targets inside Iran.") == [
        ("ASSAULT", "1952", "launched drones", ["ISR"], ["IRN"])
    ]


def test_a_wounding_told_with_its_killing_is_part_of_it(pipeline):
    coded = pipeline.code_text("Russian shelling killed 12 Ukrainian civilians and wounded 30 others in Kharkiv.",
                               published=date(2024, 4, 2)).events  # fmt: skip
    assert "wounded" not in [e.trigger for e in coded]
    killing = next(e for e in coded if e.trigger == "killed")
    assert (killing.event_type, killing.dead, killing.injured) == ("ASSAULT", 12, 30)
    assert {a.country for a in killing.actor} == {"RUS"} and {r.country for r in killing.recipient} == {"UKR"}
    # other victims are another act
    other = _coded(pipeline, "Israeli strikes killed three Hamas fighters and wounded Iran's ambassador to Lebanon.")
    assert ("ASSAULT", "180", "wounded", ["ISR"], ["IRN"]) in other


def test_explosions_heard_with_no_cause_stated_are_no_attack(pipeline):
    text = "Israel struck Iran on Friday. Explosions were heard in Tehran early on Friday."
    assert _coded(pipeline, text) == [("ASSAULT", "190", "struck", ["ISR"], ["IRN"])]
    # a party reporting explosions in its territory tells of the attack on it
    reported = "Russia struck Ukraine on Monday. Ukraine's air force reported a series of explosions in its territory."
    assert ("ASSAULT", "183", "explosions", ["RUS"], ["UKR"]) in _coded(pipeline, reported)
    # explosions that killed are the attack that did
    killed = "Israel struck Lebanon on Tuesday. Explosions killed twelve Hezbollah members in Beirut on Tuesday."
    assert ("ASSAULT", "183", "Explosions", ["ISR"], ["LBN"]) in _coded(pipeline, killed)
    # a stated author makes the explosion an act
    assert ("ASSAULT", "183", "explosion", ["IRN"], []) in _coded(pipeline, "Iran's explosion of the Israeli embassy angered Tel Aviv.")


def test_a_movement_without_a_host_is_no_visit(pipeline):
    assert _triggers(pipeline, "Some 800 Kenyan police officers were travelling to the border town that day.") == []
    assert _coded(pipeline, "The Indian prime minister arrived in Moscow for talks.") == [
        ("CONSULT", "042", "arrived", ["IND"], ["RUS"])
    ]


def test_defending_oneself_is_no_verbal_support(pipeline):
    assert _triggers(pipeline, "Somalia said it would defend itself.") == []
    assert _triggers(pipeline, "Iran reserves all options to defend its sovereignty, interests and people.") == []
    # words in defence of a stand or of a party stay support
    assert _coded(pipeline, "Israel's foreign minister defended the decision.") == [("SUPPORT", "052", "defended", ["ISR"], [])]
    assert _coded(pipeline, "Egypt's president defended Qatar against the criticism of its neighbours.") == [
        ("SUPPORT", "052", "defended", ["EGY"], ["QAT"])
    ]


def test_a_credit_line_is_no_aid(pipeline):
    assert _triggers(pipeline, "The Associated Press contributed to this report.") == []


def test_a_bare_re_mention_in_passing_is_no_new_event(pipeline):
    text = "Israel struck Iran's consulate in Damascus on Monday. The Israeli military has yet to comment on the attack."
    assert _triggers(pipeline, text) == ["struck"]
    # the act casualties are counted in, or a cost is promised for, stays the act reported
    text = "Israel struck Iran's consulate in Damascus on Monday. Seven officers were killed in the attack."
    assert _triggers(pipeline, text) == ["struck", "killed", "attack"]


def test_a_question_asserts_no_act(pipeline):
    assert _triggers(pipeline, "Will Iran attack Israel?") == []


def test_a_war_long_toll_is_background(pipeline):
    assert _triggers(pipeline, "The violence has killed at least 14,000 people.") == []
    # one act's toll stays
    assert ("ASSAULT", "180", "killed", ["RUS"], ["UKR"]) in _coded(pipeline, "A Russian missile killed 14 Ukrainian civilians in Sumy.")


def test_rescue_work_at_home_is_no_aid(pipeline):
    assert _triggers(pipeline, "Russian authorities evacuated more than 200 people from the region.") == []


def test_a_targeting_clause_and_a_weapon_fired_are_the_launch_itself(pipeline):
    assert _coded(pipeline, "Iran launched nearly 200 ballistic missiles at Israel, targeting cities including Jerusalem.") == [
        ("ASSAULT", "195", "launched missiles", ["IRN"], ["ISR"])
    ]
    # the hitting and the firing are one attack, by the bombers' country
    coded = _coded(pipeline, "Ukraine said the depot was hit by three missiles fired by Russian bombers.")
    assert [(t, actor) for t, _, _, actor, _ in coded] == [("ASSAULT", ["RUS"])]


def test_a_rule_for_anyone_is_no_act(pipeline):
    coded = _coded(pipeline, "Israel's prime minister said: whoever attacks Israel will be attacked.")
    assert "attacks" not in [trigger for _, _, trigger, _, _ in coded]


def test_a_heart_attack_is_no_attack(pipeline):
    assert pipeline.lexicon.choose("attack", "NOUN", set(), {"heart"}) is None
    assert pipeline.lexicon.choose("attack", "NOUN", set(), {"rocket"}).event_type == "ASSAULT"


def test_a_road_left_blocked_is_no_protest(pipeline):
    assert _triggers(pipeline, "Streets stayed blocked off in Bamako after the mutiny.") == []
    # protesters blocking roads protest
    assert ("PROTEST", "144", "blocked", [""], ["GEO"]) in _coded(pipeline, "Thousands of protesters blocked roads in Tbilisi on Monday.")


def test_hailing_from_a_place_is_no_praise(pipeline):
    coded = _triggers(pipeline, "Ethiopia accuses Eritrea of arming the rebels, whose commander hails from the Afar region.")
    assert "hails" not in coded and "accuses" in coded


def test_a_word_act_told_again_by_a_clause_of_the_same_speaker_is_one_event(pipeline):
    text = "Israel struck Syria on Monday. Iran's foreign minister condemned the attack, labelling it a war crime."
    assert [e for e in _coded(pipeline, text) if e[0] == "ACCUSE"] == [("ACCUSE", "111", "condemned", ["IRN"], ["ISR"])]
    assert _coded(pipeline, "Houthi leaders issued a warning to Israel, threatening to target its ships.") == [
        ("THREATEN", "130", "issued warning", ["YEM"], ["ISR"])
    ]
    assert _coded(pipeline, "The Indian prime minister arrived in Moscow for talks with Russia's president.") == [
        ("CONSULT", "042", "arrived", ["IND"], ["RUS"])
    ]
    # two acts joined stay two
    assert _triggers(pipeline, "The Philippines summoned China's ambassador and filed a diplomatic protest.") == [
        "summoned", "filed protest"
    ]


def test_a_base_housing_troops_is_no_host(pipeline):
    assert _triggers(pipeline, "Missiles hit three Jordanian bases hosting French soldiers.") == ["hit"]
    assert ("CONSULT", "043", "hosted", ["QAT"], ["ISR", "PSE"]) in _coded(pipeline, "Qatar hosted talks between Hamas and Israel on Monday.")


def test_an_order_of_force_is_the_act_it_orders(pipeline):
    text = "Kenya's president said he had ordered a wave of airstrikes on militant camps in Somalia on Friday."
    assert [(t, trigger, a, r) for t, _, trigger, a, r in _coded(pipeline, text)] == [("ASSAULT", "airstrikes", ["KEN"], ["SOM"])]
    # an order to another party to withdraw stays a demand
    text = "Niger's junta has ordered the withdrawal of the foreign battalion from the capital."
    assert [t for t, *_ in _coded(pipeline, text)] == ["REQUEST"]


def test_an_act_talked_about_again_is_no_new_event(pipeline):
    text = "Russia held naval exercises near Norway on Tuesday. Norway's defence minister described the exercises as reckless."
    assert [e for e in _coded(pipeline, text) if e[0] == "MOBILIZE"] == [("MOBILIZE", "152", "exercises", ["RUS"], ["NOR"])]

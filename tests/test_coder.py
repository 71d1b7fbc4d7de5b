"""The first coder's argument rules, on sentences of our own, with the mini dictionaries."""

from __future__ import annotations

from datetime import date

import pytest


def _events(pipeline, text, published=date(2024, 4, 2)):
    coded = pipeline.code_text(text, published=published)
    return [
        (
            e.event_type,
            sorted((a.country, a.sector) for a in e.actor),
            sorted((a.country, a.sector) for a in e.recipient),
        )
        for e in coded.events
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        # active clause: subject acts on object
        ("Israel attacked Iran.", ("ASSAULT", [("ISR", "")], [("IRN", "")])),
        # passive clause: the agent acts, the subject receives
        ("Iran was attacked by Israel.", ("ASSAULT", [("ISR", "")], [("IRN", "")])),
        # recipient through a preposition
        ("Iranian officials met with their French and German counterparts.",
         ("CONSULT", [("IRN", "GOV")], [("DEU", "GOV"), ("FRA", "GOV")])),
        # particle verb and control: "called on X to ..."
        ("The United States called on Iran to show restraint.", ("REQUEST", [("USA", "")], [("IRN", "")])),
        # coordinated recipients become a list
        ("The UN urged Egypt, Jordan and Qatar to act.",
         ("REQUEST", [("UNO", "IGO")], [("EGY", ""), ("JOR", ""), ("QAT", "")])),
        # light verb with its event noun as object: one event, not two
        ("The United States imposed sanctions on Iran.", ("SANCTION", [("USA", "")], [("IRN", "")])),
        # a group absorbs the nationality that modifies it
        ("Iran's Revolutionary Guards attacked Israel.", ("ASSAULT", [("IRN", "MIL")], [("ISR", "")])),
        # nationality + agent noun, via a possessive
        ("Egypt's foreign minister condemned Israel.", ("ACCUSE", [("EGY", "GOV")], [("ISR", "")])),
    ],
)
def test_clause_patterns(mini_pipeline, text, expected):
    assert _events(mini_pipeline, text) == [expected]


def test_pronoun_subject_of_reported_clause_takes_the_reporter(mini_pipeline):
    assert _events(mini_pipeline, "Iran said it would retaliate against Israel.") == [
        ("THREATEN", [("IRN", "")], [("ISR", "")])
    ]


def test_participial_clause_inherits_its_actor(mini_pipeline):
    events = _events(mini_pipeline, "Israel struck the Iranian embassy on Monday, killing seven Revolutionary Guards.")
    assert ("ASSAULT", [("ISR", "")], [("IRN", "GOV")]) in events
    assert ("ASSAULT", [("ISR", "")], [("IRN", "MIL")]) in events


def test_nominal_event_with_nationality_and_target(mini_pipeline):
    events = _events(mini_pipeline, "An Israeli strike on Damascus drew protests.")
    assert events == [("ASSAULT", [("ISR", "")], [("SYR", "GOV")])]


def test_event_noun_does_not_take_the_actor_of_any_governing_verb(mini_pipeline):
    # Egypt condemned the strike; it did not carry it out.
    events = _events(mini_pipeline, "Egypt condemned the strike.")
    assert events == [("ACCUSE", [("EGY", "")], [])]


def test_support_verb_passes_its_subject_to_the_event_noun(mini_pipeline):
    events = _events(mini_pipeline, "Israel carried out a strike on Hezbollah.")
    assert events == [("ASSAULT", [("ISR", "")], [("LBN", "REB")])]


def test_location_in_a_nested_phrase_is_not_the_recipient(mini_pipeline):
    events = _events(mini_pipeline, "Israel struck a building next to the Iranian embassy in Damascus.")
    assert events == [("ASSAULT", [("ISR", "")], [("IRN", "GOV")])]


def test_person_resolves_to_role_held_on_the_event_date(mini_pipeline):
    in_office = _events(mini_pipeline, "Blinken urged Egypt to act.", published=date(2024, 4, 2))
    after = _events(mini_pipeline, "Blinken urged Egypt to act.", published=date(2025, 6, 1))
    assert in_office == [("REQUEST", [("USA", "GOV")], [("EGY", "")])]
    assert after == [("REQUEST", [("USA", "")], [("EGY", "")])]


def test_unknown_actor_is_kept_with_its_words_and_no_country(mini_pipeline):
    coded = mini_pipeline.code_text("Ousted minister Askar Akayev attacked a convoy near the border.")
    (event,) = coded.events
    (actor,) = event.actor
    assert (actor.text, actor.name, actor.country, actor.sector) == ("Ousted minister Askar Akayev", "", "", "GOV")
    assert event.recipient == ()


def test_pronoun_without_antecedent_gives_no_event(mini_pipeline):
    assert _events(mini_pipeline, "He attacked a convoy near the border.") == []


def test_event_fields_and_offsets(mini_pipeline):
    text = "Talks stalled.\n\nIsrael attacked Iran on Monday."
    coded = mini_pipeline.code_text(text)
    (event,) = coded.events
    assert coded.article.text[event.span_start : event.span_end] == "attacked"
    assert event.sentence_index == 1
    assert coded.sentences[1].text == "Israel attacked Iran on Monday."
    assert (event.cameo_code, event.quad_class, event.intensity) == ("190", 4, -10.0)
    again = mini_pipeline.code_text(text)
    assert again.events[0].event_id == event.event_id  # stable across runs


@pytest.mark.parametrize(
    "text, expected",
    [
        # a title and a known person are one actor, resolved by role
        ("U.S. Secretary of State Antony Blinken urged Egypt to act.", [("REQUEST", [("USA", "GOV")], [("EGY", "")])]),
        # coordination alone does not merge actors
        ("Hezbollah and Israel attacked Syria.", [("ASSAULT", [("ISR", ""), ("LBN", "REB")], [("SYR", "")])]),
        # "Tehran-based" describes; it does not act
        ("A Tehran-based analyst urged Israel to wait.", [("REQUEST", [("", "")], [("ISR", "")])]),
        # "on" two words after "called" is not the particle of "call on"
        ("Egypt called Blinken on Thursday.", []),
        # a bare passive participle: the agent acts, not the main clause's subject
        ("Urged by Egypt to act, Iran refused.", [("REQUEST", [("EGY", "")], [("IRN", "")])]),
    ],
)
def test_actor_grouping_and_trigger_edges(mini_pipeline, text, expected):
    assert _events(mini_pipeline, text) == expected


def test_sentences_end_at_paragraph_breaks(mini_pipeline):
    coded = mini_pipeline.code_text("Tuesday, April 2, 2024\n\nTEHRAN, April 2 - Israel attacked Iran.")
    assert [s.text for s in coded.sentences] == ["Tuesday, April 2, 2024", "TEHRAN, April 2 -", "Israel attacked Iran."]
    assert coded.events[0].sentence_index == 2


@pytest.mark.parametrize(
    "text, expected",
    [
        # an intended cooperative act is AGREE (intent to cooperate)
        ("Egypt will meet Israel next week.", ("AGREE", "036", [("EGY", "")], [("ISR", "")])),
        ("Egypt is willing to meet Israel.", ("AGREE", "036", [("EGY", "")], [("ISR", "")])),
        # an intended act of force is THREATEN
        ("Iran will attack Israel.", ("THREATEN", "138", [("IRN", "")], [("ISR", "")])),
        # a refused or negated cooperative act is REJECT
        ("Egypt refused to meet Israel.", ("REJECT", "125", [("EGY", "")], [("ISR", "")])),
        ("Egypt will not meet Israel.", ("REJECT", "125", [("EGY", "")], [("ISR", "")])),
        # "X said Y must ...": X demands of Y
        ("Egypt said Israel must meet Jordan.", ("REQUEST", "108", [("EGY", "")], [("ISR", "")])),
    ],
)
def test_announced_acts_are_coded_as_the_announcement(mini_pipeline, text, expected):
    coded = mini_pipeline.code_text(text)
    got = [
        (e.event_type, e.cameo_code, sorted((a.country, a.sector) for a in e.actor), sorted((a.country, a.sector) for a in e.recipient))
        for e in coded.events
    ]
    assert expected in got


def test_an_act_that_happened_keeps_its_type(mini_pipeline):
    assert _events(mini_pipeline, "Egypt met Israel on Monday.") == [("CONSULT", [("EGY", "")], [("ISR", "")])]


def _actors(pipeline, text):
    coded = pipeline.code_text(text, published=date(2024, 4, 2))
    return [(e.event_type, [(a.text, a.country, a.sector) for a in e.actor]) for e in coded.events]


def test_he_takes_the_last_person_named_as_a_subject(mini_pipeline):
    text = "Blinken arrived in Cairo on Monday.\n\nHe urged Egypt to act."
    assert ("REQUEST", [("He", "USA", "GOV")]) in _actors(mini_pipeline, text)


def test_it_takes_the_last_state_or_body_not_a_person(mini_pipeline):
    text = "Iran said on Monday that talks were over. Blinken arrived in Cairo.\n\nIt attacked Israel overnight."
    assert ("ASSAULT", [("It", "IRN", "")]) in _actors(mini_pipeline, text)


def test_definite_description_takes_the_last_actor_of_its_sector(mini_pipeline):
    text = "Egypt's foreign minister arrived in Amman.\n\nThe minister condemned Israel."
    assert ("ACCUSE", [("The minister", "EGY", "GOV")]) in _actors(mini_pipeline, text)


def test_pronoun_under_a_passive_reporting_clause(mini_pipeline):
    text = "The Iranian foreign minister was quoted as saying he would attack Israel."
    assert ("THREATEN", [("he", "IRN", "GOV")]) in _actors(mini_pipeline, text)


def test_pronoun_with_nothing_before_it_is_not_guessed(mini_pipeline):
    assert _actors(mini_pipeline, "He attacked Israel.") == [("ASSAULT", [])]


def test_dateline_is_not_the_subject_of_the_lead(mini_pipeline):
    text = "JERUSALEM, April 14 (Wire) - Iran attacked Israel overnight."
    assert _events(mini_pipeline, text) == [("ASSAULT", [("IRN", "")], [("ISR", "")])]


def test_pronoun_whose_reporting_subject_is_a_description(mini_pipeline):
    text = "Hezbollah attacked Israel. The army said the raid failed.\n\nThe group said it attacked Israel again."
    events = _actors(mini_pipeline, text)
    assert events[-1] == ("ASSAULT", [("it", "LBN", "REB")])


def test_what_an_act_retaliates_for_is_not_its_target(mini_pipeline):
    text = "Hezbollah attacked Israel.\n\nThe group said it struck a post in retaliation for Iranian strikes."
    coded = mini_pipeline.code_text(text)
    struck = [e for e in coded.events if e.trigger == "struck"]
    assert struck and all(r.country != "IRN" for e in struck for r in e.recipient)
    assert [(a.country, a.sector) for a in struck[0].actor] == [("LBN", "REB")]


def test_a_noun_modifier_selects_the_sense(pipeline):
    coded = pipeline.code_text("Syrian lawmakers began a hunger strike in Damascus.", published=date(2024, 4, 2))
    assert [e.event_type for e in coded.events] == ["PROTEST"]
    coded = pipeline.code_text("Israel carried out a strike on Damascus.", published=date(2024, 4, 2))
    assert [e.event_type for e in coded.events] == ["ASSAULT"]


def test_announced_act_through_an_event_noun(pipeline):
    coded = pipeline.code_text("NATO said it would tighten the naval blockade of Serbia.", published=date(2024, 4, 2))
    assert ("THREATEN", ["SRB"]) in [(e.event_type, [r.country for r in e.recipient]) for e in coded.events]


def test_a_threat_is_aimed_at_the_subject_of_its_condition(mini_pipeline):
    events = _events(mini_pipeline, "Iran threatened to attack unless Israel left Syria.")
    assert ("THREATEN", [("IRN", "")], [("ISR", "")]) in events


def test_a_threatened_act_is_not_an_act(mini_pipeline):
    events = _events(mini_pipeline, "Iran threatened to attack Israel.")
    assert all(e[0] == "THREATEN" for e in events), events


def test_a_protest_names_its_target_in_a_purpose_clause(mini_pipeline):
    events = _events(mini_pipeline, "Syrian lawmakers attacked a convoy to condemn Israel.")
    assert ("ASSAULT", [("SYR", "")], [("ISR", "")]) in events


def test_a_commitment_on_an_unless_condition_is_a_threat(mini_pipeline):
    events = _events(mini_pipeline, "Egypt will meet Israel unless Jordan objects.")
    assert ("THREATEN", [("EGY", "")], [("ISR", "")]) in events


def test_a_demand_is_coded_whatever_the_demanded_act(mini_pipeline):
    events = _events(mini_pipeline, "Egypt declared that Israel must dismantle the fence.")
    assert events == [("REQUEST", [("EGY", "")], [("ISR", "")])]


def test_a_domestic_crackdown_targets_the_actors_country_and_says_it_is_inferred(pipeline):
    coded = pipeline.code_text("Egyptian police arrested dozens of students.", published=date(2024, 4, 2))
    (event,) = [e for e in coded.events if e.event_type == "COERCE"]
    assert [(r.text, r.country) for r in event.recipient] == [("", "EGY")]


def test_a_demand_stated_as_a_noun(mini_pipeline):
    events = _events(mini_pipeline, "Egypt repeated its demand that Israel meet Jordan.")
    assert ("REQUEST", [("EGY", "")], [("ISR", "")]) in events


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The Iranian foreign minister handed a letter to the Swiss ambassador.",
         ("CONSULT", [("IRN", "GOV")], [("CHE", "GOV")])),
        ("Biden cautioned Netanyahu that a wider war would isolate Israel.",
         ("THREATEN", [("USA", "GOV")], [("ISR", "GOV")])),
        ("A Russian strike on Kharkiv killed four people.", ("ASSAULT", [("RUS", "")], [("UKR", "")])),
        ("Hezbollah's rocket fire on Haifa continued overnight.", ("ASSAULT", [("LBN", "REB")], [("ISR", "")])),
        ("Iran and Hezbollah attacked and shelled Israeli positions.",
         ("ASSAULT", [("IRN", ""), ("LBN", "REB")], [("ISR", "")])),
        ("Blinken held calls with his French, German and British counterparts.",
         ("CONSULT", [("USA", "GOV")], [("DEU", ""), ("FRA", ""), ("GBR", "")])),
    ],
)
def test_patterns_named_in_the_coder_brief(pipeline, text, expected):
    coded = pipeline.code_text(text, published=date(2024, 10, 20))
    got = [
        (e.event_type, sorted((a.country, a.sector) for a in e.actor), sorted((r.country, r.sector) for r in e.recipient))
        for e in coded.events
    ]
    assert got[0] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # the real-news guide: a missile fired into the sea, at no one, is a show of force
        ("North Korea has fired a ballistic missile off its east coast into the Sea of Japan.", ("MOBILIZE", "150", [])),
        ("The North on Thursday fired a suspected intercontinental ballistic missile into the sea.", ("MOBILIZE", "150", [])),
        # aimed at someone, even at sea, it is an attack
        ("Houthis fired missiles at ships in the Red Sea.", ("ASSAULT", "195", [])),
        ("Iran fired missiles at Israel.", ("ASSAULT", "195", ["ISR"])),
        # armed capture of a town, and shooting down a missile, are ASSAULT as the guide codes them
        ("The RSF captured the town of Wad Madani.", ("ASSAULT", "192", ["SDN"])),
        ("Russian forces captured Avdiivka.", ("ASSAULT", "192", ["UKR"])),  # the place taken gives the recipient
        ("Israeli air defences intercepted the missile.", ("ASSAULT", "190", [])),
    ],
)
def test_guide_types_for_launches_captures_and_interceptions(pipeline, text, expected):
    coded = pipeline.code_text(text, published=date(2024, 4, 2)).events
    (event,) = [e for e in coded if e.trigger.split()[0] in ("fired", "captured", "intercepted")]
    assert (event.event_type, event.cameo_code, [r.country for r in event.recipient]) == expected

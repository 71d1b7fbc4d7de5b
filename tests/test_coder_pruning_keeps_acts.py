"""What the pruning of one event per act must keep: a recent toll is no war-long total, a question
keeps the acts it takes as given, words in defence of others are support, a visit made for talks
is a visit, a second word act naming its own addressee is its own event, explosions reported by
others than the party hit are no attack, and a chain of merges neither fails nor leaves an answer
pointing at an event merged away. Sentences of our own, coded with the package's lexicon and dictionary."""

from __future__ import annotations

from datetime import date

import sitroom.coding.coder as coder


def _coded(pipeline, text):
    return [
        (e.event_type, e.cameo_code, e.trigger, sorted({a.country for a in e.actor}), sorted({r.country for r in e.recipient}))
        for e in pipeline.code_text(text, published=date(2024, 4, 2)).events
    ]


def _triggers(pipeline, text):
    return [trigger for _, _, trigger, _, _ in _coded(pipeline, text)]


def test_a_toll_tied_to_recent_days_or_one_site_is_an_act(pipeline):
    text = "Sudanese paramilitaries have killed hundreds of villagers in Darfur since Tuesday, the UN said."
    assert _triggers(pipeline, text) == ["killed"]
    # a thousand or more taken from one school is still one act
    assert _triggers(pipeline, "Armed men have kidnapped 1,300 pupils from a boarding school in Katsina state.") == ["kidnapped"]
    # the size of the unit hit is no toll
    text = "Azerbaijani forces have killed two soldiers of Armenia's 1,200-member border battalion."
    assert _coded(pipeline, text) == [("ASSAULT", "180", "killed", ["AZE"], ["ARM"])]
    # a war's toll since its start stays background
    assert _triggers(pipeline, "Tens of thousands of people have been killed in Sudan since April 2023.") == []


def test_a_question_keeps_the_acts_it_takes_as_given(pipeline):
    text = "After Russian drones hit a power plant in Kharkiv, will Ukraine strike back?"
    assert _coded(pipeline, text) == [("ASSAULT", "190", "hit", ["RUS"], ["UKR"])]
    text = "Why did Azerbaijan shell the Armenian town of Jermuk on Tuesday?"
    assert _coded(pipeline, text) == [("ASSAULT", "194", "shell", ["AZE"], ["ARM"])]
    # the act a question asks about, or a future one, is not asserted
    assert _triggers(pipeline, "How will Iran respond to Israel?") == []


def test_words_in_defence_of_others_are_support(pipeline):
    assert _coded(pipeline, "Hungary's prime minister defended the Serbian people at the summit.") == [
        ("SUPPORT", "052", "defended", ["HUN"], ["SRB"])
    ]
    coded = _coded(pipeline, "Orban defended them against criticism from the European Union.")
    assert ("SUPPORT", "052", "defended", ["HUN"], []) in coded
    coded = _coded(pipeline, "China defended it as a lawful measure, a spokesman said.")
    assert coded == [("SUPPORT", "052", "defended", ["CHN"], [])]
    # one's own people are what force defends
    assert "defend" not in _triggers(pipeline, "The army said it launched an operation to defend Israeli civilians.")


def test_a_movement_made_for_talks_is_a_visit(pipeline):
    assert _coded(pipeline, "Wang Yi arrived in the region on Tuesday for talks with Gulf leaders.") == [
        ("CONSULT", "042", "arrived", ["CHN"], [])
    ]


def test_a_second_word_act_naming_its_own_addressee_stays_its_own_event(pipeline):
    coded = _coded(pipeline, "The ministry criticised the vote and labelled Washington a bully.")
    assert ("ACCUSE", "111", "labelled", [""], ["USA"]) in coded
    assert "criticised" in [trigger for _, _, trigger, _, _ in coded]


def test_explosions_reported_by_others_than_the_party_hit_are_no_attack(pipeline):
    text = "Ukraine struck Russia on Friday. Residents of Kursk reported several explosions near a depot."
    assert _triggers(pipeline, text) == ["struck"]
    # the party hit telling of explosions on its own ground tells of the attack
    text = "Israel struck Lebanon on Sunday. Hezbollah reported a series of explosions in its territory."
    assert ("ASSAULT", "183", "explosions", ["ISR"], ["LBN"]) in _coded(pipeline, text)


def test_a_chain_of_merges_skips_an_event_already_merged(pipeline, monkeypatch):
    # a trigger dropped as the host of an earlier one later finds its own host: it is no longer there to drop
    chain = {"struck": "bombed", "bombed": "shelled"}

    def same_act(c, kept):
        return next((k for k in kept if k is not c and k.token.text == chain.get(c.token.text)), None)

    monkeypatch.setattr(coder, "_same_act", same_act)
    text = "Israel struck Gaza on Monday, jets bombed a market and Hamas shelled Sderot."
    assert _triggers(pipeline, text) == ["struck", "shelled"]


def test_an_answer_points_at_the_event_kept_at_the_end_of_a_merge_chain(pipeline, monkeypatch):
    # the act answered is merged into a second, and that one into a third: the answer points at the third
    chain = {"strike": "raid", "raid": "shelling"}

    def same_act(c, kept):
        return next((k for k in kept if k is not c and k.token.text == chain.get(c.token.text)), None)

    monkeypatch.setattr(coder, "_same_act", same_act)
    text = ("Iran fired missiles at Israel in response to the strike on Damascus, the Israeli raid on Jenin "
            "and the Israeli shelling of Rafah.")  # fmt: skip
    events = pipeline.code_text(text, published=date(2024, 4, 2)).events
    by_id = {e.event_id: e.trigger for e in events}
    answer = next(e for e in events if e.trigger == "fired missiles")
    assert by_id.get(answer.cause_event) == "shelling"

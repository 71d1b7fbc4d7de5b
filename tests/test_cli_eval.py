"""The evaluation and importer commands, in-process."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sitroom.actors import load_actor_dictionary
from sitroom.cli import app
from sitroom.coding import load_lexicon

ROOT = Path(__file__).resolve().parent.parent
PETR = ROOT / "eval" / "petrarch2"
runner = CliRunner()


def test_eval_plover_json_reports_every_score():
    result = runner.invoke(app, ["eval", "plover", str(ROOT / "eval/plover_gsr/PLOVER_GSR_CAMEO.txt"), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["records"] == 322
    assert set(scores["triple"]) == {"precision", "recall", "f1", "support"}
    assert len(scores["per_type"]) == 16


def test_eval_on_a_file_that_is_not_gold_is_a_clear_error(tmp_path):
    bad = tmp_path / "x.txt"
    bad.write_text("not json", encoding="utf-8")
    result = runner.invoke(app, ["eval", "plover", str(bad)])
    assert result.exit_code == 1
    assert "[E201]" in result.stderr and "x.txt" in result.stderr


def test_import_tabari_writes_a_dictionary_that_loads(tmp_path):
    out = tmp_path / "actors.jsonl"
    result = runner.invoke(
        app, ["actors", "import-tabari", str(PETR / "PETR.Validate.actors.txt"), "--agents", str(PETR / "PETR.Validate.agents.txt"), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    d = load_actor_dictionary([out], include_default=False)
    assert d.caseless["arnor"].country == "ARN"
    assert "lines skipped" in result.stderr


def test_import_petrarch_verbs_writes_a_lexicon_that_loads(tmp_path):
    out = tmp_path / "verbs.jsonl"
    result = runner.invoke(app, ["lexicon", "import-petrarch", str(PETR / "PETR.Validate.verbs.txt"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    lexicon = load_lexicon([out], include_default=False)
    assert lexicon.choose("restore", "VERB", set(), {"tie"}).cameo == "064"


def test_code_with_an_extra_lexicon(tmp_path):
    extra = tmp_path / "lex.jsonl"
    extra.write_text(json.dumps({"lemma": "snub", "pos": "VERB", "event_type": "REJECT", "cameo": "120"}) + "\n", encoding="utf-8")
    # the rules code the new word; the decision model, never trained on it, need not be sure of it
    result = runner.invoke(app, ["code", "Egypt snubbed Israel.", "--lexicon", str(extra), "--format", "jsonl", "--rules-only"])
    assert result.exit_code == 0, result.output
    (event,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert (event["event_type"], event["actor"][0]["country"], event["recipient"][0]["country"]) == ("REJECT", "EGY", "ISR")


_GOLD_LINE = {
    "id": "t-1", "published": "2024-04-10",
    "text": "Iran will strike Israel if Washington joins in, a senior Iranian official told Reuters.",
    "trigger": "strike", "modality": "conditional", "historical": False, "event_date": "2024-04-10",
    "date_precision": "publication", "location": None, "via": [],
    "claimant": {"text": "a senior Iranian official", "country": "IRN", "anonymous": True, "count": None, "medium": "Reuters"},
    "dead": None, "injured": None, "count": None,
    "condition": {"text": "if Washington joins in", "actor": "USA"}, "consequence": {"event_type": "ASSAULT", "recipient": "ISR"},
}  # fmt: skip


def test_eval_modality_scores_each_field(tmp_path):
    gold = tmp_path / "gold.jsonl"
    wrong = dict(_GOLD_LINE, id="t-2", modality="asserted")  # the coder must disagree with this one
    gold.write_text("// a comment\n" + json.dumps(_GOLD_LINE) + "\n" + json.dumps(wrong) + "\n", encoding="utf-8")
    # the framing of the rules' events (the decision model may drop a one-sentence item it is unsure of)
    result = runner.invoke(app, ["eval", "modality", str(gold), "--json", "--errors", "--rules-only"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["items"] == 2
    assert scores["modality_accuracy"] == 0.5
    assert scores["modality_confusion"] == {"asserted->conditional": 1}
    assert scores["claimant"]["f1"] == 1.0 and scores["condition_accuracy"] == 1.0
    assert scores["examples"]["modality asserted->conditional"] == ["t-2"]


def test_eval_modality_names_the_bad_line(tmp_path):
    gold = tmp_path / "gold.jsonl"
    bad = dict(_GOLD_LINE, modality="probably")
    gold.write_text(json.dumps(_GOLD_LINE) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", "modality", str(gold)])
    assert result.exit_code == 1
    assert "gold.jsonl:2" in result.stderr and "unknown modality" in result.stderr

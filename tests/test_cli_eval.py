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
    result = runner.invoke(app, ["code", "Egypt snubbed Israel.", "--lexicon", str(extra), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    (event,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert (event["event_type"], event["actor"][0]["country"], event["recipient"][0]["country"]) == ("REJECT", "EGY", "ISR")

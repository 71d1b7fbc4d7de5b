"""TABARI/PETRARCH dictionary importers, on small dictionaries of our own."""

from __future__ import annotations

from datetime import date

import pytest

from sitroom.actors import load_actor_dictionary
from sitroom.actors.tabari import import_tabari, split_cameo_actor_code
from sitroom.coding.petrarch_verbs import import_petrarch_verbs
from sitroom.errors import DataFileError

from conftest import mini_lexicon

ACTORS = """<!-- a test dictionary -->
ARNOR_  [ARN]   # whole word only
+ERIADORIAN
ARGENTIN [ARG]
GONDOR_ARMY [GONMIL]
ELESSAR  # dated codes on the following lines
\t[ARN < 950601]
\t[ARNGOV 19950601 - 19990815]
\t[ARNREB >990816]
THE_AU [IGOAFR]
BOROMIR [---]
"""

AGENTS = """!PERSON! = MAN, MEN
AMBASSADOR [~GOV]
CONGRESS!PERSON! [~LEG]
ATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~GOV]
COPTIC_CHRISTIAN {} [~CHRCPT]
"""


@pytest.fixture()
def imported(tmp_path):
    actors = tmp_path / "actors.txt"
    agents = tmp_path / "agents.txt"
    actors.write_text(ACTORS, encoding="utf-8")
    agents.write_text(AGENTS, encoding="utf-8")
    result = import_tabari(actors, agents)
    out = tmp_path / "imported.jsonl"
    result.write_jsonl(out)
    return result, load_actor_dictionary([out], include_default=False)


def test_codes_split_into_country_and_sector():
    assert split_cameo_actor_code("PSEREBHMS") == ("PSE", "REB")
    assert split_cameo_actor_code("PSEHMSGOV") == ("PSE", "GOV")
    assert split_cameo_actor_code("IGOAFR") == ("AFR", "IGO")
    assert split_cameo_actor_code("---GOV") is None


def test_actor_entries_match_modes_and_synonyms(imported):
    result, d = imported
    assert d.caseless["arnor"].country == "ARN"
    assert d.caseless["eriadorian"].country == "ARN"  # synonym of the entry above
    assert d.prefixes["argentin"].country == "ARG"  # no trailing '_': a prefix
    assert (d.prefixes["gondor army"].country, d.prefixes["gondor army"].sector) == ("GON", "MIL")
    assert any("has no country" in s for s in result.skipped)  # BOROMIR [---]


def test_dated_codes_become_roles(imported):
    _, d = imported
    elessar = d.prefixes["elessar"]
    assert elessar.resolve(date(1990, 1, 1))[:2] == ("ARN", "")
    assert elessar.resolve(date(1997, 1, 1))[:2] == ("ARN", "GOV")
    assert elessar.resolve(date(2001, 1, 1))[:2] == ("ARN", "REB")


def test_agents_expand_substitutions_and_plurals(imported):
    result, d = imported
    assert d.agents["ambassador"] == "GOV"
    assert d.agents["congressman"] == "LEG" and d.agents["congressmen"] == "LEG"
    assert d.agents["attorneys general"] == "GOV"
    assert any("CHRCPT" in s for s in result.skipped)  # not a Sitroom sector: reported, not guessed


def test_prefix_match_needs_a_real_stem(tmp_path, mini_pipeline, imported):
    from sitroom.actors.resolver import ActorMatcher

    _, d = imported
    matcher = ActorMatcher(mini_pipeline.nlp, d)
    found = lambda text: [(m.entry.country if m.entry else m.sector) for m in matcher.find_mentions(mini_pipeline.nlp(text))]
    assert "ARG" in found("Argentina and Argentinian officials")
    assert "AFR" in found("The AU met.")
    assert "AFR" not in found("The Australian government met.")  # "au" is too short a stem


def test_bad_date_range_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("ARNOR [ARN 1995-xx]\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        import_tabari(bad)
    assert info.value.line == 1


def test_verb_import_keeps_what_the_lexicon_can_express(tmp_path):
    verbs = tmp_path / "verbs.txt"
    verbs.write_text(
        "--- STRIKE [195] ---\nSTRIKE\n- * TARGETS [190]\n- NOT * RELATIONS [112]\n- * &SYNSET [190]\n"
        "--- ABANDON [345] ---\n--- SAY [010] ---\n--- WALK_OUT [163] ---\n",
        encoding="utf-8",
    )
    result = import_petrarch_verbs(verbs, mini_lexicon(), lambda w: w.lower().rstrip("s"))
    got = {(e["lemma"], e.get("particle"), e.get("object"), e["cameo"], e["event_type"]) for e in result.entries}
    assert ("strike", None, None, "195", "ASSAULT") in got
    assert ("strike", None, "target", "190", "ASSAULT") in got
    assert ("walk", "out", None, "163", "SANCTION") in got
    skipped = " ".join(result.skipped)
    assert "[345] is not a CAMEO code" in skipped  # a WEIS code
    assert "'say' alone would match nearly every sentence" in skipped
    assert "NOT * RELATIONS" in skipped and "&SYNSET" in skipped

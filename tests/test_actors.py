from __future__ import annotations

import json
from datetime import date

import pytest

from sitroom.actors import load_actor_dictionary
from sitroom.errors import DataFileError

from conftest import MINI


def _write(tmp_path, *objs, raw: str | None = None):
    path = tmp_path / "extra.jsonl"
    lines = ["# user dictionary"] + [json.dumps(o) for o in objs]
    if raw is not None:
        lines.append(raw)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "obj, message",
    [
        ({"kind": "planet", "name": "Mars"}, "'kind' must be one of"),
        ({"kind": "country", "code": "IR", "name": "Iran", "names": ["Iran"]}, "3-character code"),
        ({"kind": "group", "name": "X", "country": "IRN", "sector": "XYZ", "aliases": ["X Corps"]}, "unknown sector"),
        ({"kind": "group", "name": "X", "country": "IRN", "sector": "MIL", "aliases": []}, "non-empty list"),
        ({"kind": "group", "name": "X", "country": "IRN", "sector": "MIL", "aliases": ["X"]}, "too short"),
        (
            {"kind": "person", "name": "A B", "aliases": ["A B"],
             "roles": [{"country": "IRN", "sector": "GOV", "start": "2024-05-01", "end": "2024-01-01"}]},
            "ends",
        ),
        (
            {"kind": "person", "name": "A B", "aliases": ["A B"],
             "roles": [{"country": "IRN", "sector": "GOV", "start": "May 2024"}]},
            "bad date",
        ),
    ],
)
def test_invalid_entries_are_refused_naming_file_and_line(tmp_path, obj, message):
    path = _write(tmp_path, obj)
    with pytest.raises(DataFileError) as info:
        load_actor_dictionary([path], include_default=False)
    assert info.value.path == str(path)
    assert info.value.line == 2
    assert message in str(info.value)
    assert "[E201]" in str(info.value)


def test_bad_json_names_the_line(tmp_path):
    path = _write(tmp_path, {"kind": "agent", "sector": "GOV", "nouns": ["official"]}, raw="{not json")
    with pytest.raises(DataFileError) as info:
        load_actor_dictionary([path], include_default=False)
    assert info.value.line == 3


def test_alias_clash_within_one_file_is_refused(tmp_path):
    a = {"kind": "group", "name": "Alpha Force", "country": "IRN", "sector": "MIL", "aliases": ["AF"]}
    b = {"kind": "group", "name": "Beta Front", "country": "IRQ", "sector": "REB", "aliases": ["AF"]}
    with pytest.raises(DataFileError, match="already used at line 2"):
        load_actor_dictionary([_write(tmp_path, a, b)], include_default=False)


def test_user_file_overrides_and_extends(tmp_path):
    extra = _write(
        tmp_path,
        {"kind": "group", "name": "Quds Force", "country": "IRN", "sector": "MIL", "aliases": ["Quds Force"]},
        {"kind": "country", "code": "EGY", "name": "Arab Republic of Egypt", "names": ["Egypt"]},
    )
    d = load_actor_dictionary([MINI / "actors.jsonl", extra], include_default=False)
    assert d.aliases["Quds Force"].country == "IRN"
    assert d.aliases["Egypt"].name == "Arab Republic of Egypt"
    assert d.aliases["Cairo"].country == "EGY"  # untouched entries stay


def test_time_bounded_roles():
    d = load_actor_dictionary([MINI / "actors.jsonl"], include_default=False)
    blinken = d.aliases["Blinken"]
    assert blinken.resolve(date(2023, 1, 1)) == ("USA", "GOV", "secretary of state")
    assert blinken.resolve(date(2020, 1, 1))[:2] == ("USA", "")  # before the term
    assert blinken.resolve(date(2025, 2, 1))[:2] == ("USA", "")  # after it


def test_package_dictionary_loads_and_covers_the_crisis_actors():
    d = load_actor_dictionary()
    for alias, country in [("Iran", "IRN"), ("U.S.", "USA"), ("UAE", "ARE"), ("Iranian", "IRN"), ("Turkish", "TUR"),
                           ("Washington", "USA"), ("Kremlin", "RUS"), ("Downing Street", "GBR"), ("IRGC", "IRN"),
                           ("CENTCOM", "USA"), ("IDF", "ISR"), ("Hezbollah", "LBN"), ("Hamas", "PSE")]:
        assert d.aliases[alias].country == country, alias
    assert len(d.countries) >= 190
    assert d.agents["officials"] == "GOV"


def test_context_aliases_name_a_country_only_in_an_article_about_it(pipeline):
    def condemners(text):
        return [[a.country for a in e.actor] for e in pipeline.code_text(text).events if e.event_type == "ACCUSE"]

    both = "North Korea fired a missile on Thursday, South Korea said. The South condemned the North for the launch."
    assert [([a.country for a in e.actor], [r.country for r in e.recipient])
            for e in pipeline.code_text(both).events if e.event_type == "ACCUSE"] == [(["KOR"], ["PRK"])]  # fmt: skip
    # without South Korea named, "the South" is no country; nor is "the North Atlantic" alliance North Korea
    assert condemners("North Korea fired a missile on Thursday. The South condemned it.") == [[""]]
    assert "PRK" not in condemners("North Korea fired a missile, South Korea said. The North Atlantic alliance condemned it.")[0]


@pytest.mark.parametrize(
    "line, message",
    [
        ({"word": "the North", "country": "PRK", "needs": ["PRK"]}, "one word"),
        ({"word": "North", "country": "PRK"}, "three-letter code"),
        ({"word": "North", "country": "prk", "needs": ["PRK"]}, "three-letter code"),
    ],
)
def test_a_bad_context_alias_names_the_file_and_line(tmp_path, line, message):
    from sitroom.actors.resolver import load_context_aliases

    path = tmp_path / "context.jsonl"
    path.write_text("# aliases\n" + json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=message) as info:
        load_context_aliases(load_actor_dictionary(), path)
    assert "context.jsonl:2:" in str(info.value)

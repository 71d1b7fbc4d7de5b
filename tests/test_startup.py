"""Start-up and per-sentence work: the compiled dictionaries kept in the cache
(sitroom.cache) give exactly what building them from their sources gives; a stale,
corrupt or unwritable cache only costs time; custom dictionaries are honoured; the
framing reads a document's entities once, not once per event."""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from typer.testing import CliRunner

from sitroom import cache, places
from sitroom.actors import ActorMatcher, load_actor_dictionary
from sitroom.actors import resolver
from sitroom.actors.resolver import PhraseTable
from sitroom.cli import app
from sitroom.framing import DocumentFacts
from sitroom.framing.sentence import is_date
from sitroom.nlp import sentences

from conftest import MINI

ROOT = Path(__file__).resolve().parent.parent
TEXTS = [
    "Iranian officials said the U.S. and the United Nations met in Tehran on Monday; "
    "the Revolutionary Guards fired missiles at Israel, and foreign ministers of Egypt and Jordan "
    "called their counterparts. IRGC troops, Hezbollah and Blinken's embassy staff were named.",
    "The UN said. U.N. officials and U.S. forces; United States government; White House; "
    "Israeli troops in Jerusalem. US-backed army. The Foreign Minister met the French counterpart.",
    "",
    "   \n\n  Israel\n\nIran",
]


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("SITROOM_CACHE_DIR", str(folder))
    return folder


def _reference_mentions(nlp, dictionary, doc):
    """What spaCy's PhraseMatcher found, as the actor matcher of Sitroom 0.1.0 built it."""
    names = PhraseMatcher(nlp.vocab, attr="ORTH")
    caseless = PhraseMatcher(nlp.vocab, attr="LOWER")
    agents = PhraseMatcher(nlp.vocab, attr="LOWER")
    entries = []
    for alias, entry in dictionary.aliases.items():
        names.add(str(len(entries)), [nlp.make_doc(alias)])
        entries.append(entry)
    for alias, entry in dictionary.caseless.items():
        caseless.add(str(len(entries)), [nlp.make_doc(alias)])
        entries.append(entry)
    for noun, sector in dictionary.agents.items():
        if len(noun.split()) > 1:
            for variant in {noun, noun + "s"} if not noun.endswith("s") else {noun}:
                agents.add(sector, [nlp.make_doc(variant)])
    found = []
    for matcher in (names, caseless):
        found += [(entries[int(nlp.vocab.strings[k])], s, e) for k, s, e in matcher(doc)]
    found += [(nlp.vocab.strings[k], s, e) for k, s, e in agents(doc)]
    return found


def _table_mentions(matcher: ActorMatcher, doc):
    orth, lower = [t.orth for t in doc], [t.lower for t in doc]
    found = [(matcher._entries[k], s, e) for k, s, e in matcher._names.find(orth)]
    found += [(matcher._entries[k], s, e) for k, s, e in matcher._caseless.find(lower)]
    found += [(k, s, e) for k, s, e in matcher._agents.find(lower)]
    return found


def _mini():
    d = load_actor_dictionary([MINI / "actors.jsonl"], include_default=False)
    d.add_records("<inline>", [(1, {"kind": "group", "name": "Iran's Army", "country": "IRN", "sector": "MIL",
                                    "aliases": ["iran's army", "the u.n. mission"], "match": "caseless"})])  # fmt: skip
    return d


# --- the matcher finds what spaCy's PhraseMatcher found -----------------------------------


def test_matches_equal_the_phrase_matcher_on_the_mini_dictionary(nlp, cache_dir):
    d = _mini()
    matcher = ActorMatcher(nlp, d)
    for doc in nlp.pipe(TEXTS):
        assert _table_mentions(matcher, doc) == _reference_mentions(nlp, d, doc)


def test_matches_equal_the_phrase_matcher_with_the_package_dictionary(pipeline):
    """Every alias of the shipped dictionary, on the example corpus: the same matches in the same order."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples" / "corpus").glob("*.txt"))]
    assert texts
    matcher, nlp = pipeline.coder.matcher, pipeline.nlp
    total = 0
    for doc in nlp.pipe(texts):
        found = _table_mentions(matcher, doc)
        assert found == _reference_mentions(nlp, pipeline.actors, doc)
        total += len(found)
    assert total > 100


_WORDS = st.sampled_from(["Iran", "iran", "IRAN", "U.S.", "the", "The", "army", "Army", "s", "-", "New", "York", "'s", ","])


@settings(max_examples=150, deadline=None)
@given(
    patterns=st.lists(st.tuples(st.integers(0, 5), st.lists(_WORDS, min_size=1, max_size=4)), max_size=12),
    words=st.lists(_WORDS, max_size=40),
)
def test_phrase_table_finds_what_the_phrase_matcher_finds(nlp, patterns, words):
    """Any patterns, any words: the same (key, start, end) in the same order, as long as no
    two keys share one token sequence (then spaCy's order is its hash table's)."""
    seen: dict[tuple[str, ...], int] = {}
    patterns = [(k, tuple(w)) for k, w in patterns if seen.setdefault(tuple(w), k) == k]
    table = PhraseTable()
    reference = PhraseMatcher(nlp.vocab, attr="ORTH")
    for key, tokens in patterns:
        table.add(key, tokens)
        reference.add(str(key), [[nlp.vocab.strings.add(t) for t in tokens]])
    doc = Doc(nlp.vocab, words=words)
    expected = [(int(nlp.vocab.strings[k]), s, e) for k, s, e in reference(doc)]
    assert table.find([t.text for t in doc]) == expected


# --- the cache ------------------------------------------------------------------------------


def test_a_second_build_reads_the_aliases_from_the_cache(nlp, cache_dir, monkeypatch):
    d = _mini()
    first = ActorMatcher(nlp, d)
    assert list(cache_dir.glob("actor-tokens-*.json"))

    def no_tokenizing(*args, **kwargs):
        raise AssertionError("the aliases were split again although the cache holds them")

    monkeypatch.setattr(resolver, "split_aliases", no_tokenizing)
    second = ActorMatcher(nlp, d)
    for doc in nlp.pipe(TEXTS):
        assert second.find_mentions(doc) == first.find_mentions(doc)


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # cut short
        lambda text: "\x00\xff not json",
        lambda text: text.replace('"Iran"', '"Irak"'),  # tokens that do not spell the alias
        lambda text: text.replace('"sitroom": "', '"sitroom": "0.0.0-'),  # written by another version
        lambda text: json.dumps({**json.loads(text), "data": {"orth": "nonsense", "lower": []}}),
    ],
    ids=["truncated", "garbage", "wrong-tokens", "other-version", "wrong-shape"],
)
def test_a_damaged_or_stale_cache_is_built_again(nlp, cache_dir, damage):
    d = _mini()
    expected = [ActorMatcher(nlp, d).find_mentions(doc) for doc in nlp.pipe(TEXTS)]
    (path,) = cache_dir.glob("actor-tokens-*.json")
    path.write_bytes(damage(path.read_text(encoding="utf-8")).encode("utf-8", "surrogateescape"))
    rebuilt = ActorMatcher(nlp, d)
    assert [rebuilt.find_mentions(doc) for doc in nlp.pipe(TEXTS)] == expected
    assert cache.load("actor-tokens", json.loads(path.read_text(encoding="utf-8"))["key"]) is not None  # written anew


def test_an_unwritable_cache_folder_still_works(nlp, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("SITROOM_CACHE_DIR", str(blocker / "cache"))  # cannot be created, even by root
    d = _mini()
    matcher = ActorMatcher(nlp, d)
    doc = nlp("Iranian officials met the U.S. envoy.")
    assert [(m.start, m.end, m.kind) for m in matcher.find_mentions(doc)] == [(0, 1, "adjective"), (1, 2, "agent"), (4, 5, "country")]
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_cache_folder_defaults_to_the_xdg_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("SITROOM_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "sitroom"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache.cache_dir() == Path.home() / ".cache" / "sitroom"
    monkeypatch.setenv("SITROOM_CACHE_DIR", str(tmp_path / "mine"))
    assert cache.cache_dir() == tmp_path / "mine"


def test_a_custom_actor_file_is_honoured_with_a_warm_cache(tmp_path):
    """'sitroom code --actors FILE': the file's aliases are found although the cache holds
    the package dictionary's, and a file changed between runs is read again."""
    custom = tmp_path / "custom.jsonl"
    custom.write_text(json.dumps({"kind": "group", "name": "Zarqa Brigade", "country": "JOR", "sector": "REB",
                                  "aliases": ["Zarqa Brigade"]}) + "\n", encoding="utf-8")  # fmt: skip
    runner = CliRunner()
    text = "The Zarqa Brigade attacked Israel on Monday."
    plain = runner.invoke(app, ["code", text, "--rules-only", "-f", "jsonl"])
    assert plain.exit_code == 0, plain.output
    assert all(a["country"] != "JOR" for line in plain.output.splitlines() for a in json.loads(line)["actor"])
    with_file = runner.invoke(app, ["code", text, "--rules-only", "-f", "jsonl", "--actors", str(custom)])
    assert with_file.exit_code == 0, with_file.output
    (event,) = [json.loads(line) for line in with_file.output.splitlines()]
    assert event["actor"] == [{"text": "Zarqa Brigade", "name": "Zarqa Brigade", "country": "JOR", "sector": "REB"}]
    custom.write_text(json.dumps({"kind": "group", "name": "Zarqa Brigade", "country": "SYR", "sector": "REB",
                                  "aliases": ["Zarqa Brigade"]}) + "\n", encoding="utf-8")  # fmt: skip
    changed = runner.invoke(app, ["code", text, "--rules-only", "-f", "jsonl", "--actors", str(custom)])
    assert json.loads(changed.output)["actor"][0]["country"] == "SYR"


def test_the_cached_gazetteer_is_the_one_built_from_its_sources(cache_dir):
    places.load_gazetteer.cache_clear()
    try:
        built = places.build_gazetteer()
        first = places.load_gazetteer()  # builds and writes the cache
        (path,) = cache_dir.glob("gazetteer-*.json")
        places.load_gazetteer.cache_clear()
        cached = places.load_gazetteer()
        assert cached is not first
        assert len(cached) == len(built) > 30000
        everything = built.places()
        assert cached.places() == everything
        # names written in other cases: "San carlos" is San Carlos del Zulia, as it always was
        folded = {name.casefold() for name in everything if " " in name} | {name.upper() for name in everything}
        assert [cached.lookup(name) for name in folded] == [built.lookup(name) for name in folded]
        for name in ("Kirkuk", "Incirlik Air Base", "incirlik air base", "Nevatim air base", "Rafah crossing", "Nowhere"):
            assert cached.lookup(name) == built.lookup(name), name
        path.write_text(json.dumps({**json.loads(path.read_text(encoding="utf-8")), "data": {"names": 3}}), encoding="utf-8")
        places.load_gazetteer.cache_clear()
        assert places.load_gazetteer().places() == everything
    finally:
        places.load_gazetteer.cache_clear()


def test_a_damaged_gazetteer_cache_is_not_used():
    good = places.Gazetteer({"Kirkuk": places.Place("Kirkuk", "IRQ", 35.47, 44.39, 1000), "Incirlik Air Base":
                             places.Place("Incirlik Air Base", "TUR", 37.0, 35.43, 0, "base")})  # fmt: skip
    data = json.loads(json.dumps(good.to_json()))
    again = places.Gazetteer.from_json(data)
    assert again.places() == good.places()
    assert again.lookup("incirlik air base") == places.Place("Incirlik Air Base", "TUR", 37.0, 35.43, 0, "base")
    for damage in ({"place_of": "0 2"}, {"latitude": "35.47 north"}, {"kind": "city\nvolcano"}, {"names": "Kirkuk"},
                   {"population": None}):  # fmt: skip
        assert places.Gazetteer.from_json({**data, **damage}) is None, damage
    assert places.Gazetteer({}).to_json() is not None
    assert len(places.Gazetteer.from_json(places.Gazetteer({}).to_json())) == 0


def test_sitroom_code_does_not_load_the_store():
    """'sitroom code' opens no store: DuckDB and pyarrow stay unloaded (they cost start-up)."""
    script = (
        "import sys; sys.argv = ['sitroom', 'code', 'Iran fired missiles at Israel.', '--rules-only']\n"
        "from sitroom.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('duckdb', 'pyarrow', 'pandas') if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=os.environ.copy(), timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "ASSAULT" in proc.stdout
    assert proc.stdout.strip().splitlines()[-1] == "[]"


# --- per-sentence facts ---------------------------------------------------------------------


def test_sentence_facts_are_the_date_entities_of_each_sentence(nlp):
    doc = nlp(
        "On Monday, Iran said it attacked Israel on Saturday night. The next day, April 14, talks began.\n\n"
        "Yesterday officials met in Cairo; by 2025 the 2019 accord had lapsed. No date here."
    )
    facts = DocumentFacts(doc)
    assert facts.dates == tuple(e for e in doc.ents if is_date(e))
    for sent in sentences(doc):
        assert list(facts.sentence(sent).dates) == [e for e in sent.ents if is_date(e)]


def test_coding_reads_the_entities_once_per_document(mini_pipeline):
    """Events of many sentences, several per sentence: spaCy's entity list is rebuilt once
    for the document, not once per event."""
    text = " ".join(
        f"On {day}, Israel attacked Iran and Iran attacked Israel, officials said on {day}." for day in
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
    )  # fmt: skip
    doc = mini_pipeline.nlp(text)

    def profiled(fn):
        prof = cProfile.Profile()
        prof.enable()
        result = fn()
        prof.disable()
        return result, {key: value[1] for key, value in pstats.Stats(prof).stats.items()}

    # spaCy's compiled getters show up as "__get__"; find the one of Doc.ents
    _, calls = profiled(lambda: doc.ents)
    (getter,) = [key for key in calls if key[2] == "__get__" and key[0].endswith("doc.pyx")]
    events, calls = profiled(lambda: mini_pipeline.coder.code_doc(doc, "a", date(2024, 4, 14)))
    assert len(events) >= 12
    assert calls.get(getter) == 1
    assert {e.event_date for e in events} >= {date(2024, 4, 8), date(2024, 4, 13)}

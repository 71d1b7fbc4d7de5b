"""Shared fixtures. Unit tests use the tiny dictionaries in tests/data/mini,
not the production ones; the spaCy model is loaded once per session."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from sitroom.actors import load_actor_dictionary
from sitroom.coding.lexicon import CameoCode, Lexicon, Ontology, load_word_list
from sitroom.datafiles import package_data

# The compiled dictionaries of the session (sitroom.cache) go to a folder of their own,
# removed at exit, not to the user's cache; subprocesses inherit it.
_CACHE = tempfile.TemporaryDirectory(prefix="sitroom-test-cache-")
os.environ["SITROOM_CACHE_DIR"] = _CACHE.name

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini"
PLOVER_TYPES = (
    "AGREE CONSULT SUPPORT CONCEDE COOPERATE AID RETREAT REQUEST ACCUSE REJECT THREATEN PROTEST SANCTION "
    "MOBILIZE COERCE ASSAULT"
).split()


def mini_lexicon() -> Lexicon:
    ontology = Ontology({t: frozenset({"aerial"}) if t == "ASSAULT" else frozenset() for t in PLOVER_TYPES}, frozenset({"military"}))
    cameo = {
        code: CameoCode(code, score, "")
        for code, score in [("195", -10.0), ("190", -10.0), ("100", -5.0), ("130", -4.4), ("040", 1.0), ("163", -8.0), ("122", -2.0)]
    }
    # codes the announcement rules (data/intent.json) turn acts into
    for code in "030 031 032 033 035 036 102 103 108 120 121 125 1312 1313 137 138".split():
        cameo.setdefault(code, CameoCode(code, 0.0, ""))
    lexicon = Lexicon(ontology, cameo, support_verbs=load_word_list(), container_nouns=load_word_list(package_data("container_nouns.txt")))
    lexicon.add_file(MINI / "lexicon.jsonl")
    return lexicon


@pytest.fixture(scope="session")
def nlp():
    from sitroom.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def mini_pipeline(nlp):
    """A Pipeline over the mini dictionary and lexicon."""
    from sitroom.pipeline import Pipeline

    actors = load_actor_dictionary([MINI / "actors.jsonl"], include_default=False)
    return Pipeline(actors=actors, lexicon=mini_lexicon(), rules_only=True)


@pytest.fixture(scope="session")
def pipeline(nlp):
    """The rule coder with the package's production dictionary and lexicon: the
    candidates and framing the rules give, before any decision model."""
    from sitroom.pipeline import Pipeline

    return Pipeline(rules_only=True)


@pytest.fixture(scope="session")
def hybrid_pipeline(pipeline):
    """The default pipeline: the rules propose, the shipped decision model decides."""
    from sitroom.pipeline import Pipeline

    return Pipeline(actors=pipeline.actors, lexicon=pipeline.lexicon)

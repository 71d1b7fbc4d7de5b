"""Build the pipelines the evaluations need and run them (`sitroom eval`)."""

from __future__ import annotations

from pathlib import Path

from ..actors import load_actor_dictionary
from ..actors.tabari import import_tabari
from ..coding import load_lexicon
from ..coding.petrarch_verbs import import_petrarch_verbs
from .modality import ModalityScores, evaluate_modality, load_modality_gold
from .petrarch import PetrarchScores, evaluate_petrarch, load_petrarch_records
from .plover import PloverScores, evaluate_plover, load_plover_gold
from .realnews import RealNewsScores, evaluate_realnews
from .stories import StoryScores, evaluate_stories

__all__ = ["run_modality", "run_petrarch", "run_plover", "run_realnews", "run_stories"]


def run_plover(path: str | Path, actor_files=(), *, model=None, rules_only: bool = False) -> PloverScores:
    from ..pipeline import Pipeline

    return evaluate_plover(Pipeline(actor_files=actor_files, model=model, rules_only=rules_only), load_plover_gold(path))


def run_modality(path: str | Path, actor_files=(), *, model=None, rules_only: bool = False) -> ModalityScores:
    from ..pipeline import Pipeline

    return evaluate_modality(Pipeline(actor_files=actor_files, model=model, rules_only=rules_only), load_modality_gold(path))


def run_stories(path: str | Path, actor_files=(), *, model=None, rules_only: bool = False) -> StoryScores:
    from ..pipeline import Pipeline

    return evaluate_stories(path, Pipeline(actor_files=actor_files, model=model, rules_only=rules_only))


def run_realnews(path: str | Path, split: str = "dev", actor_files=(), *, model=None, rules_only: bool = False) -> RealNewsScores:
    from ..pipeline import Pipeline

    return evaluate_realnews(path, split, Pipeline(actor_files=actor_files, model=model, rules_only=rules_only))


def run_petrarch(
    path: str | Path,
    *,
    actors: str | Path | None = None,
    agents: str | Path | None = None,
    verbs: str | Path | None = None,
    own_lexicon: bool = False,
) -> tuple[PetrarchScores, dict[str, int]]:
    """Score the PETRARCH-2 unit tests. The suite's dictionaries default to the
    PETR.Validate.* files beside the records. With ``own_lexicon`` the events
    come from Sitroom's lexicon instead of the suite's verb dictionary.
    Returns the scores and how many dictionary lines each importer skipped. The suite
    tests dictionary-driven coding, so it runs on the rules only (the decision model
    was trained on Sitroom's own lexicon's candidates)."""
    from ..nlp import lemma_of
    from ..pipeline import Pipeline

    folder = Path(path).parent
    actors = Path(actors) if actors else folder / "PETR.Validate.actors.txt"
    agents = Path(agents) if agents else folder / "PETR.Validate.agents.txt"
    verbs = Path(verbs) if verbs else folder / "PETR.Validate.verbs.txt"
    imported = import_tabari(actors, agents if agents.exists() else None)
    dictionary = load_actor_dictionary()
    dictionary.add_records(str(actors), enumerate(imported.entries, 1))
    lexicon = load_lexicon()
    skipped = {"actors": len(imported.skipped)}
    if not own_lexicon:
        verb_import = import_petrarch_verbs(verbs, lexicon, lemma_of)
        suite = load_lexicon(include_default=False)
        suite.add_records(str(verbs), enumerate(verb_import.entries, 1))
        lexicon = suite
        skipped["verbs"] = len(verb_import.skipped)
    pipeline = Pipeline(actors=dictionary, lexicon=lexicon, rules_only=True)
    return evaluate_petrarch(pipeline, load_petrarch_records(path)), skipped

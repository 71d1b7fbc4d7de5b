"""Scoring the coder against gold data (`sitroom eval ...`)."""

from .common import primary_event
from .modality import ModalityScores, evaluate_modality, load_modality_gold
from .petrarch import PetrarchScores, evaluate_petrarch, load_petrarch_records
from .plover import PloverScores, evaluate_plover, load_plover_gold
from .realnews import RealNewsScores, evaluate_realnews, load_realnews
from .run import run_modality, run_petrarch, run_plover, run_realnews, run_stories
from .stories import StoryScores, evaluate_stories, load_story_gold

__all__ = [
    "RealNewsScores",
    "evaluate_realnews",
    "load_realnews",
    "run_realnews",
    "ModalityScores",
    "PetrarchScores",
    "PloverScores",
    "StoryScores",
    "evaluate_modality",
    "evaluate_petrarch",
    "evaluate_plover",
    "evaluate_stories",
    "load_modality_gold",
    "load_petrarch_records",
    "load_plover_gold",
    "load_story_gold",
    "primary_event",
    "run_modality",
    "run_stories",
    "run_petrarch",
    "run_plover",
]

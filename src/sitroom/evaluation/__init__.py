"""Scoring the coder against gold data (`sitroom eval ...`)."""

from .common import primary_event
from .modality import ModalityScores, evaluate_modality, load_modality_gold
from .petrarch import PetrarchScores, evaluate_petrarch, load_petrarch_records
from .plover import PloverScores, evaluate_plover, load_plover_gold
from .run import run_modality, run_petrarch, run_plover

__all__ = [
    "ModalityScores",
    "PetrarchScores",
    "PloverScores",
    "evaluate_modality",
    "evaluate_petrarch",
    "evaluate_plover",
    "load_modality_gold",
    "load_petrarch_records",
    "load_plover_gold",
    "primary_event",
    "run_modality",
    "run_petrarch",
    "run_plover",
]

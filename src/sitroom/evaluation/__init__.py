"""Scoring the coder against public gold data (`sitroom eval ...`)."""

from .common import primary_event
from .petrarch import PetrarchScores, evaluate_petrarch, load_petrarch_records
from .plover import PloverScores, evaluate_plover, load_plover_gold
from .run import run_petrarch, run_plover

__all__ = [
    "PetrarchScores",
    "PloverScores",
    "evaluate_petrarch",
    "evaluate_plover",
    "load_petrarch_records",
    "load_plover_gold",
    "primary_event",
    "run_petrarch",
    "run_plover",
]

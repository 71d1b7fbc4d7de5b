"""Event coding: the lexicon (data) and the dependency-based coder."""

from .coder import Coder, Trigger
from .lexicon import Lexicon, LexEntry, load_lexicon

__all__ = ["Coder", "LexEntry", "Lexicon", "Trigger", "load_lexicon"]

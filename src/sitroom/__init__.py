"""Sitroom: a situation room for crisis news.

Raw news articles in, sourced and queryable PLOVER events out. The public
Python surface is listed in ``__all__``; everything else is private.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import CODES, DataFileError, FilterError, SitroomError, StoreError
from .records import ActorRef, Article, Event, IngestProblem, RawItem, Removal, Sentence
from .store import Store, default_db_path

__all__ = [
    "CODES",
    "ActorRef",
    "Article",
    "DataFileError",
    "Event",
    "FilterError",
    "IngestOptions",
    "IngestProblem",
    "IngestReport",
    "Pipeline",
    "RawItem",
    "Removal",
    "Sentence",
    "Situation",
    "SitroomError",
    "Store",
    "StoreError",
    "__version__",
    "default_db_path",
    "open",
]


def __getattr__(name: str):
    # The pipeline pulls in spaCy; import it only when asked for.
    if name in ("Pipeline", "IngestOptions", "IngestReport"):
        from . import pipeline

        return getattr(pipeline, name)
    if name in ("open", "Situation"):
        # pandas and the story views are loaded only when asked for
        from . import api

        return api.open_store if name == "open" else api.Situation
    raise AttributeError(f"module 'sitroom' has no attribute {name!r}")

"""Sitroom: a situation room for crisis news.

Raw news articles in, sourced and queryable PLOVER events out. The public
Python surface is listed in ``__all__`` (and in the README, "Python");
everything else is private. ``Pipeline`` (spaCy), ``Store`` (DuckDB), ``open``
and ``Situation`` (pandas) and ``plot`` (matplotlib, when a plot is drawn) load
on first use.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import CODES, DataFileError, FilterError, SitroomError, StoreError, StoreLockedError
from .records import ActorRef, Article, Event, IngestProblem, RawItem, Removal, Sentence

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
    "StoreLockedError",
    "__version__",
    "default_db_path",
    "open",
    "plot",
]


def __getattr__(name: str):
    # The pipeline pulls in spaCy; import it only when asked for.
    if name in ("Pipeline", "IngestOptions", "IngestReport"):
        from . import pipeline

        return getattr(pipeline, name)
    if name in ("Store", "default_db_path"):
        # DuckDB and pyarrow are imported only when a store is used ('sitroom code' never opens one)
        from . import store

        return getattr(store, name)
    if name in ("open", "Situation"):
        # pandas and the story views are loaded only when asked for
        from . import api

        return api.open_store if name == "open" else api.Situation
    if name == "plot":
        # matplotlib itself is imported only when a plot is drawn
        import importlib

        return importlib.import_module(f"{__name__}.plot")
    raise AttributeError(f"module 'sitroom' has no attribute {name!r}")


def __dir__() -> list[str]:
    # the names loaded on first use too, for completion in notebooks
    return sorted(set(globals()) | set(__all__))

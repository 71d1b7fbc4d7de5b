"""One event, many reports: wire copies, story events and the views built on
them (threat ledger, escalation timelines, actor network).

``update_stories(store)`` runs after every ingest; ``complete_stories(store)``
runs it when the store has work pending for it, which every writer calls
first, so that a run killed before its story stage is finished by the next.
The views read the stored stories.
"""

from __future__ import annotations

from .consensus import StorySummary, evidence_weight
from .copies import CopyFinder
from .merge import Merger
from .model import Mention, Story
from .update import StoryReport, complete_stories, update_stories

__all__ = ["CopyFinder", "Mention", "Merger", "Story", "StoryReport", "StorySummary", "complete_stories", "evidence_weight",
           "update_stories"]

"""One event, many reports: wire copies, story events and the views built on
them (threat ledger, escalation timelines, actor network).

``update_stories(store)`` runs after every ingest; the views read the stored
stories.
"""

from __future__ import annotations

from .consensus import StorySummary, evidence_weight
from .copies import CopyFinder
from .merge import Merger
from .model import Mention, Story
from .update import StoryReport, update_stories

__all__ = ["CopyFinder", "Mention", "Merger", "Story", "StoryReport", "StorySummary", "evidence_weight", "update_stories"]

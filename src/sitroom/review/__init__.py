"""Analyst reviews: confirm, reject or correct an event, merge or split stories, confirm or
reject a response link or a threat's status. Reviews live in their own store tables and win
over the machine's judgement everywhere; they find their events again after re-ingest, new
revisions, ``stories --rebuild`` and coding again (see ``records``)."""

from __future__ import annotations

__all__ = [
    "REVIEW_COLUMNS", "Anchor", "Review", "default_reviewer", "list_reviews", "merge_stories", "review_event",
    "review_link", "review_threat", "split_event", "training_records", "undo_review", "write_training",
]  # fmt: skip

from .records import Anchor, Review


def __getattr__(name: str):
    # the actions need the store, which needs the records: imported when first asked for
    if name in __all__:
        from . import actions

        return getattr(actions, name)
    raise AttributeError(f"module 'sitroom.review' has no attribute {name!r}")

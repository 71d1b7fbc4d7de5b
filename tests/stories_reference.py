"""The story stage as it ran before it streamed from the store: every stored signature in one
in-memory LSH index, every stored story in one Merger, every new mention at once. Kept as the
reference the streaming stage must match exactly (tests/test_stories_streaming.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sitroom.store import Store
from sitroom.stories.consensus import summarise
from sitroom.stories.copies import CopyFinder, signature
from sitroom.stories.merge import Merger
from sitroom.stories.update import StoryReport, _answered, _assignments_table, _stories_table, _story_state, mention_from_row

import pyarrow as pa


def _find_copies(store: Store, report: StoryReport) -> tuple[dict, pa.Table]:
    new = store.query(
        """SELECT a.article_id, a.text FROM articles a LEFT JOIN article_copies c USING (article_id)
           WHERE c.article_id IS NULL ORDER BY a.published NULLS LAST, a.article_id"""
    )
    finder = CopyFinder()
    if new:
        for article_id, values, group in store.query("SELECT article_id, signature, copy_of FROM article_copies ORDER BY article_id"):
            finder.load(article_id, values, group)
    ids, groups, sims, sigs = [], [], [], []
    for article_id, text in new:
        sig = signature(text or "")
        match = finder.add(article_id, sig)
        ids.append(article_id)
        groups.append(match.copy_of)
        sims.append(match.similarity)
        sigs.append(sig.tolist())
    report.articles_checked = len(new)
    report.copies = sum(g is not None for g in groups)
    table = pa.table(
        {
            "article_id": pa.array(ids, pa.string()),
            "copy_of": pa.array(groups, pa.string()),
            "similarity": pa.array(sims, pa.float64()),
            "signature": pa.array(sigs, pa.list_(pa.uint32())),
        }
    )
    return dict(zip(ids, groups)), table


def reference_update_stories(store: Store) -> StoryReport:
    """The story stage with everything in memory (the algorithm the streaming stage reproduces)."""
    report = StoryReport()
    copy_of, copies_table = _find_copies(store, report)
    states = store.rows(
        """SELECT story_id, event_type, grp, actor_countries, recipient_countries, date_lo, date_hi,
                  location_country, n_mentions FROM stories ORDER BY seq"""
    )
    merger = Merger((_story_state(r) for r in states), next_seq=store.next_story_seq())
    existing = set(merger.stories)
    rows = store.rows(
        """SELECT e.*, a.outlet, a.published, c.copy_of,
               EXISTS (SELECT 1 FROM events x WHERE x.cause_event = e.event_id) AS reference
           FROM events e JOIN articles a USING (article_id)
           LEFT JOIN article_copies c USING (article_id)
           LEFT JOIN story_mentions m USING (event_id)
           WHERE m.event_id IS NULL
           ORDER BY a.published NULLS LAST, e.article_id, e.sentence_index, e.span_start, e.event_id"""
    )
    mentions = [mention_from_row(r, copy_of) for r in rows]
    report.mentions = len(mentions)
    by_story: dict = {}
    assigned = []
    for m in mentions:
        sid, _ = merger.assign(m)
        by_story.setdefault(sid, []).append(m)
        assigned.append((m.event_id, sid, m.reference))
    touched = set(by_story)
    report.new_stories = len(touched - existing)
    report.extended_stories = len(touched & existing)
    for row in store.story_mentions_of(sorted(touched & existing)):
        by_story[row["story_id"]].append(mention_from_row(row))
    story_of = {event_id: sid for event_id, sid, _ in assigned}
    causes = {m.cause_event for ms in by_story.values() for m in ms if m.cause_event and m.cause_event not in story_of}
    story_of.update(store.story_ids_of_events(sorted(causes)))
    summaries = []
    for sid in sorted(touched):
        ms = sorted(by_story[sid], key=lambda m: (m.published or date.min, m.article_id, m.sentence_index))
        state = merger.stories[sid]
        summary = summarise(sid, ms, story_of, window=(state.lo, state.hi))
        if summary.responds_to is None:
            answered = _answered(summary, ms, merger.acts_by)
            if answered is not None:
                summary = replace(summary, responds_to=answered)
        report.links += summary.responds_to is not None
        summaries.append((summary, state))
    reviews = store.reviews(active=True, kinds=("story", "link"))
    store.write_stories(copies_table, _assignments_table(assigned), _stories_table(summaries), complete=not reviews)
    if reviews:
        from sitroom.stories.reviewed import apply_story_reviews

        apply_story_reviews(store, reviews)
    return report

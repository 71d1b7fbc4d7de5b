"""Story reviews applied after every run of the story stage: two stories an analyst
merged are one, an event split out of its story stands alone, and a response link an
analyst confirmed or rejected is (or is not) there, whatever the merger made of the
reports. Reviews find their stories through their events' anchors (sitroom.review),
so they hold across ``stories --rebuild`` (which numbers stories anew), new article
revisions and coding again. Applying them is idempotent: a review already in force
changes nothing."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from datetime import date

import pyarrow as pa

from ..review.records import Anchor, Review
from ..store import Store
from .consensus import summarise
from .merge import Merger, story_id
from .update import _assignments_table, _stories_table, mention_from_row

__all__ = ["apply_story_reviews", "story_of_anchors"]

log = logging.getLogger(__name__)

STORY_KINDS = ("story", "link")


def story_of_anchors(anchors: Sequence[Anchor], found: dict[Anchor, str | None], story_of: dict[str, str]) -> str | None:
    """The story that holds most of the events the anchors find now (ties: the lowest number), or None."""
    votes = Counter(story_of[e] for a in anchors if (e := found.get(a)) is not None and e in story_of)
    if not votes:
        return None
    return min(votes, key=lambda s: (-votes[s], int(s[1:]) if s[1:].isdigit() else 0, s))


def apply_story_reviews(store: Store, reviews: Sequence[Review] | None = None) -> None:
    """Bring the stored stories in line with the active story and link reviews, and complete the
    story stage (one transaction). Stories whose reports moved are summarised again."""
    reviews = store.reviews(active=True, kinds=STORY_KINDS) if reviews is None else reviews
    anchors = store.review_anchors([r.review_id for r in reviews]) if reviews else {}
    found = store.resolve_anchors(a for pairs in anchors.values() for _, a in pairs)
    story_of = store.story_ids_of_events(sorted({e for e in found.values() if e is not None}))
    members: dict[str, list[str]] = {}

    def members_of(sid: str) -> list[str]:
        if sid not in members:
            members[sid] = store.story_event_ids(sid)
            story_of.update({e: sid for e in members[sid]})
        return members[sid]

    def side(review: Review, role: str) -> str | None:
        return story_of_anchors([a for r, a in anchors.get(review.review_id, ()) if r == role], found, story_of)

    next_seq = store.next_story_seq()
    touched: set[str] = set()
    removed: set[str] = set()
    marked: set[str] = set()
    moved: set[str] = set()
    renamed: dict[str, str] = {}  # merged-away story -> the story it joined
    links: list[tuple[str, str, str | None]] = []  # (action, story, target)
    for review in reviews:
        if review.kind == "story" and review.action == "merge":
            a, b = side(review, "subject"), side(review, "other")
            if a is None or b is None:
                continue
            if a != b:
                events = members_of(b)
                members_of(a).extend(events)
                members[b] = []
                story_of.update({e: a for e in events})
                moved.update(events)
                touched.add(a)
                removed.add(b)
                renamed[b] = a
            marked.add(a)
        elif review.kind == "story" and review.action == "split":
            subject = [a for r, a in anchors.get(review.review_id, ()) if r == "subject"]
            event = found.get(subject[0]) if subject else None
            sid = story_of.get(event) if event else None
            if sid is None:
                continue
            if len(members_of(sid)) > 1:
                members[sid].remove(event)
                new = story_id(next_seq)
                next_seq += 1
                members[new] = [event]
                story_of[event] = new
                moved.add(event)
                touched.update((sid, new))
                sid = new
            marked.add(sid)
        elif review.kind == "link":
            s = side(review, "subject")
            if s is not None:
                links.append((review.action, s, side(review, "other")))
                marked.add(s)
    touched -= removed
    summaries, assigned = _summaries(store, touched, removed, members, story_of, moved)
    marked = {renamed.get(s, s) for s in marked} - removed

    def after() -> None:
        for old, new in renamed.items():  # stories that answered a merged-away story answer the merged one
            store.con.execute("UPDATE stories SET responds_to = ? WHERE responds_to = ?", [new, old])
        for action, s, target in links:
            if action == "confirm" and target is not None and target != s:
                store.con.execute("UPDATE stories SET responds_to = ? WHERE story_id = ?", [target, s])
            elif action == "reject":
                store.con.execute(
                    "UPDATE stories SET responds_to = NULL WHERE story_id = ? AND (?::VARCHAR IS NULL OR responds_to = ?)",
                    [s, target, target],
                )
        store.mark_stories_reviewed(sorted(marked))

    empty = pa.table({"article_id": pa.array([], pa.string()), "copy_of": pa.array([], pa.string()),
                      "similarity": pa.array([], pa.float64()), "signature": pa.array([], pa.list_(pa.uint32()))})  # fmt: skip
    store.write_stories(empty, _assignments_table(assigned), _stories_table(summaries), removed=sorted(removed), after=after)
    if touched or removed:
        log.info("story reviews: %d stories summarised again, %d merged away", len(touched), len(removed))


def _summaries(
    store: Store, touched: set[str], removed: set[str], members: dict[str, list[str]], story_of: dict[str, str],
    moved: set[str],
) -> tuple[list, list[tuple[str, str, bool]]]:
    """The summaries of the stories whose reports changed, and the moved reports' new assignments."""
    if not touched:
        return [], []
    wanted = {e for sid in touched for e in members[sid]}
    rows = {}
    for row in store.story_mentions_of(sorted(touched | removed)):
        if row["event_id"] in wanted:
            rows[row["event_id"]] = row
    causes = {r["cause_event"] for r in rows.values() if r.get("cause_event")}
    links = store.story_ids_of_events(sorted(causes - set(story_of)))
    links.update(story_of)
    merger = Merger()
    summaries, assigned = [], []
    for sid in sorted(touched, key=lambda s: int(s[1:]) if s[1:].isdigit() else 0):
        ms = sorted(
            (mention_from_row(rows[e]) for e in members[sid] if e in rows),
            key=lambda m: (m.published or date.min, m.article_id, m.sentence_index),
        )
        if not ms:
            continue
        state = merger.rebuilt(sid, ms)
        summaries.append((summarise(sid, ms, links, window=(state.lo, state.hi)), state))
        assigned += [(e, sid, bool(rows[e]["reference"])) for e in members[sid] if e in moved and e in rows]
    return summaries, assigned

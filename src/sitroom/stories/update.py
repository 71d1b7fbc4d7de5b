"""The story stage, run after every ingest: find the wire copies among new
articles, put every new event mention into a story event (an existing one
when it fits), rebuild the consensus of the stories that changed, and link
stories to the earlier ones they answer. Incremental: stored stories keep
their ids, new ones are numbered after them."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pyarrow as pa

from ..framing.dates import resolve_date
from ..records import ActorRef, Condition, Consequence, Location
from ..store import STORY_ARROW_TYPES as T
from ..store import Store
from .consensus import StorySummary, summarise
from .copies import CopyFinder, signature
from .merge import Merger
from .model import Mention, Story

__all__ = ["StoryReport", "complete_stories", "mention_from_row", "update_stories"]

log = logging.getLogger(__name__)

RESPONSE_LOOKBACK_DAYS = 60  # how far back an unnamed "in response to ..." may reach

ProgressFn = Callable[[str, int, int], None]


@dataclass(slots=True)
class StoryReport:
    articles_checked: int = 0
    copies: int = 0
    mentions: int = 0
    new_stories: int = 0
    extended_stories: int = 0
    links: int = 0

    def __add__(self, other: StoryReport) -> StoryReport:
        """Two runs of the stage in one report (a story extended by both counts twice)."""
        return StoryReport(*(getattr(self, f) + getattr(other, f) for f in self.__dataclass_fields__))


# --- rows to records -----------------------------------------------------------------------------


def _refs(values: Iterable[dict] | None) -> tuple[ActorRef, ...]:
    return tuple(ActorRef(v["text"] or "", v["name"] or "", v["country"] or "", v["sector"] or "") for v in values or ())


def _location(value: dict | None) -> Location | None:
    if not value or not value.get("name"):
        return None
    return Location(value["name"], value["country"] or "", value.get("latitude"), value.get("longitude"))


def _condition(value: dict | None) -> Condition | None:
    if not value:
        return None
    return Condition(value["text"] or "", _refs(value.get("actor")), value.get("event_type"))


def _consequence(value: dict | None) -> Consequence | None:
    if not value or not value.get("event_type"):
        return None
    return Consequence(value["event_type"], value["cameo_code"] or "", value["trigger"] or "", _refs(value.get("recipient")))


def mention_from_row(row: dict, copy_of: dict[str, str | None] | None = None) -> Mention:
    """A stored event row (``Store.unassigned_mentions``) as a Mention."""
    article = row["article_id"]
    group = (copy_of or {}).get(article, row.get("copy_of"))
    return Mention(
        event_id=row["event_id"],
        article_id=article,
        sentence_index=row["sentence_index"],
        outlet=row.get("outlet"),
        published=row.get("published"),
        event_type=row["event_type"],
        cameo_code=row.get("cameo_code") or "",
        quad_class=row.get("quad_class") or 0,
        intensity=row.get("intensity") or 0.0,
        actor=_refs(row.get("actor")),
        recipient=_refs(row.get("recipient")),
        modality=row.get("modality") or "asserted",
        historical=bool(row.get("historical")),
        event_date=row.get("event_date"),
        date_precision=row.get("date_precision") or "",
        location=_location(row.get("location")),
        dead=row.get("dead"),
        injured=row.get("injured"),
        cause_event=row.get("cause_event"),
        cause_text=row.get("cause_text") or "",
        condition=_condition(row.get("condition")),
        consequence=_consequence(row.get("consequence")),
        copy_of=group,
        reference=bool(row.get("reference")),
        confidence=row.get("confidence"),
        reviewed=bool(row.get("reviewed")),
    )


def _story_state(row: dict) -> Story:
    return Story(
        story_id=row["story_id"],
        event_type=row["event_type"],
        group=row["grp"],
        actors=set(row["actor_countries"] or ()),
        recipients=set(row["recipient_countries"] or ()),
        lo=row["date_lo"],
        hi=row["date_hi"],
        location_country=row["location_country"],
        n_mentions=row["n_mentions"],
    )


# --- the stage -------------------------------------------------------------------------------------


def _find_copies(store: Store, report: StoryReport, progress: ProgressFn | None) -> tuple[dict, pa.Table]:
    new = store.articles_without_signature()
    finder = CopyFinder()
    if new:  # the stored signatures are only needed to compare new articles with
        for article_id, values, group in store.copy_signatures():
            finder.load(article_id, values, group)
    ids, groups, sims, sigs = [], [], [], []
    for n, (article_id, text) in enumerate(new, 1):
        sig = signature(text or "")
        match = finder.add(article_id, sig)
        ids.append(article_id)
        groups.append(match.copy_of)
        sims.append(match.similarity)
        sigs.append(sig.tolist())
        if progress and n % 500 == 0:
            progress("copies", n, len(new))
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


def _answered(summary: StorySummary, mentions: list[Mention], merger: Merger) -> str | None:
    """For "in response to the Oct. 1 barrage" with no coded event inside: the
    latest earlier story of the other side against this one's actor, on the
    day the phrase names if it names one."""
    phrases = [m for m in mentions if m.cause_text and not m.cause_event]
    if not phrases or summary.event_date is None:
        return None
    actors = {a.country for a in summary.actor if a.country}
    recipients = {r.country for r in summary.recipient if r.country}
    if not actors or not recipients:
        return None
    named = None
    for m in phrases:
        resolved = resolve_date(m.cause_text, m.published)
        if resolved is not None and resolved.precision == "day":
            named = resolved.value
            break
    earliest = summary.event_date - timedelta(days=RESPONSE_LOOKBACK_DAYS)
    best, best_score = None, None
    for story in merger.acts_by(recipients, earliest, summary.event_date):
        if story.story_id == summary.story_id:
            continue
        if not (story.actors & recipients and story.recipients & actors):
            continue
        if story.hi > summary.event_date or story.hi < earliest:
            continue
        on_day = named is not None and story.lo <= named <= story.hi
        score = (on_day, story.event_type == summary.event_type, story.hi, story.n_mentions)
        if best_score is None or score > best_score:
            best, best_score = story.story_id, score
    if named is not None and best_score is not None and not best_score[0]:
        return None  # the phrase names a day and no story is on it
    return best


def update_stories(store: Store, *, progress: ProgressFn | None = None) -> StoryReport:
    """Bring the store's copy groups and story events up to date with its events."""
    report = StoryReport()
    copy_of, copies_table = _find_copies(store, report, progress)
    merger = Merger((_story_state(r) for r in store.story_states()), next_seq=store.next_story_seq())
    existing = set(merger.stories)
    mentions = [mention_from_row(r, copy_of) for r in store.unassigned_mentions()]
    report.mentions = len(mentions)
    by_story: dict[str, list[Mention]] = {}
    assigned: list[tuple[str, str, bool]] = []
    for n, m in enumerate(mentions, 1):
        sid, created = merger.assign(m)
        by_story.setdefault(sid, []).append(m)
        assigned.append((m.event_id, sid, m.reference))
        if progress and n % 5000 == 0:
            progress("stories", n, len(mentions))
    touched = set(by_story)
    report.new_stories = len(touched - existing)
    report.extended_stories = len(touched & existing)
    # the earlier mentions of extended stories, for their consensus
    for row in store.story_mentions_of(sorted(touched & existing)):
        by_story[row["story_id"]].append(mention_from_row(row))  # sorted below
    story_of = {event_id: sid for event_id, sid, _ in assigned}
    causes = {m.cause_event for ms in by_story.values() for m in ms if m.cause_event and m.cause_event not in story_of}
    story_of.update(store.story_ids_of_events(sorted(causes)))
    summaries = []
    for sid in sorted(touched):
        ms = sorted(by_story[sid], key=lambda m: (m.published or date.min, m.article_id, m.sentence_index))
        state = merger.stories[sid]
        summary = summarise(sid, ms, story_of, window=(state.lo, state.hi))
        if summary.responds_to is None:
            answered = _answered(summary, ms, merger)
            if answered is not None:
                summary = replace(summary, responds_to=answered)
        report.links += summary.responds_to is not None
        summaries.append((summary, state))
    reviews = store.reviews(active=True, kinds=("story", "link"))
    store.write_stories(copies_table, _assignments_table(assigned), _stories_table(summaries), complete=not reviews)
    if reviews:  # the analysts' merges, splits and links win over the merger's
        from .reviewed import apply_story_reviews

        apply_story_reviews(store, reviews)
    log.info(
        "stories: %d articles checked (%d copies), %d mentions -> %d new and %d extended stories",
        report.articles_checked, report.copies, report.mentions, report.new_stories, report.extended_stories,
    )  # fmt: skip
    return report


def complete_stories(store: Store, *, progress: ProgressFn | None = None) -> StoryReport | None:
    """Run the story stage if the store has work pending for it (articles stored since it last
    completed, also by a run that was killed before writing its stories); None when nothing is
    pending. Every writer calls it before it writes (to finish what an interrupted run left)
    and after. Idempotent, and one lookup when nothing is pending."""
    if not store.stories_pending():
        return None
    return update_stories(store, progress=progress)


# --- records to Arrow --------------------------------------------------------------------------------


def _assignments_table(assigned: list[tuple[str, str, bool]]) -> pa.Table:
    return pa.table(
        {
            "event_id": pa.array([a[0] for a in assigned], pa.string()),
            "story_id": pa.array([a[1] for a in assigned], pa.string()),
            "reference": pa.array([a[2] for a in assigned], pa.bool_()),
        }
    )


def _stories_table(rows: list[tuple[StorySummary, Story]]) -> pa.Table:
    def refs(values):
        return [a.as_dict() for a in values]

    def opt(value):
        return value.as_dict() if value is not None else None

    s = [r[0] for r in rows]
    st = [r[1] for r in rows]
    return pa.table(
        {
            "story_id": pa.array([x.story_id for x in s], pa.string()),
            "seq": pa.array([int(x.story_id[1:]) for x in s], pa.int32()),
            "event_type": pa.array([x.event_type for x in s], pa.string()),
            "grp": pa.array([x.group for x in st], pa.string()),
            "cameo_code": pa.array([x.cameo_code for x in s], pa.string()),
            "quad_class": pa.array([x.quad_class for x in s], pa.int8()),
            "intensity": pa.array([x.intensity for x in s], pa.float64()),
            "actor": pa.array([refs(x.actor) for x in s], T["actor"]),
            "recipient": pa.array([refs(x.recipient) for x in s], T["actor"]),
            "modality": pa.array([x.modality for x in s], pa.string()),
            "historical": pa.array([x.historical for x in s], pa.bool_()),
            "event_date": pa.array([x.event_date for x in s], pa.date32()),
            "date_precision": pa.array([x.date_precision or None for x in s], pa.string()),
            "date_lo": pa.array([x.lo for x in st], pa.date32()),
            "date_hi": pa.array([x.hi for x in st], pa.date32()),
            "location": pa.array([opt(x.location) for x in s], T["location"]),
            "dead": pa.array([x.dead for x in s], pa.int32()),
            "injured": pa.array([x.injured for x in s], pa.int32()),
            "n_mentions": pa.array([x.n_mentions for x in s], pa.int32()),
            "n_articles": pa.array([x.n_articles for x in s], pa.int32()),
            "n_outlets": pa.array([x.n_outlets for x in s], pa.int32()),
            "n_independent": pa.array([x.n_independent for x in s], pa.int32()),
            "weight": pa.array([x.weight for x in s], pa.float64()),
            "first_reported": pa.array([x.first_reported for x in s], pa.date32()),
            "last_reported": pa.array([x.last_reported for x in s], pa.date32()),
            "disagreements": pa.array([list(x.disagreements) for x in s], pa.list_(pa.string())),
            "responds_to": pa.array([x.responds_to for x in s], pa.string()),
            "condition": pa.array([opt(x.condition) for x in s], T["condition"]),
            "consequence": pa.array([opt(x.consequence) for x in s], T["consequence"]),
            "confidence": pa.array([x.confidence for x in s], pa.float64()),
            "reviewed": pa.array([x.reviewed for x in s], pa.bool_()),
            "actor_countries": pa.array([sorted(x.actors) for x in st], pa.list_(pa.string())),
            "recipient_countries": pa.array([sorted(x.recipients) for x in st], pa.list_(pa.string())),
            "location_country": pa.array([x.location_country for x in st], pa.string()),
        }
    )

"""The story stage, run after every ingest: find the wire copies among new
articles, put every new event mention into a story event (an existing one
when it fits), rebuild the consensus of the stories that changed, and link
stories to the earlier ones they answer. Incremental: stored stories keep
their ids, new ones are numbered after them."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from ..framing.dates import resolve_date
from ..records import ActorRef, Condition, Consequence, Location
from ..store import STORY_ARROW_TYPES as T
from ..store import Store
from .consensus import StorySummary, summarise
from .copies import CopyFinder, band_hashes, signature
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


_KNOWN_REFS: dict[tuple[str, str, str, str], ActorRef] = {}  # ActorRefs are immutable: one of each, shared
_KNOWN_REFS_MAX = 50_000


def _refs(values: Iterable[dict] | None) -> tuple[ActorRef, ...]:
    if not values:
        return ()
    out = []
    for v in values:
        key = (v["text"] or "", v["name"] or "", v["country"] or "", v["sector"] or "")
        ref = _KNOWN_REFS.get(key)
        if ref is None:
            if len(_KNOWN_REFS) >= _KNOWN_REFS_MAX:
                _KNOWN_REFS.clear()
            ref = _KNOWN_REFS[key] = ActorRef(*key)
        out.append(ref)
    return tuple(out)


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
#
# The stage streams: articles are checked for copies and reports put into stories in batches, each
# batch reading from the store only what it can touch (the stored articles that share an LSH band
# with its articles; the stories indexed under the keys its reports can be matched under) and
# writing its results before the next is read, so memory stays flat whatever the store holds. A
# batch's results equal what holding every signature and every story in memory would give.

COPY_BATCH = 1_000  # articles checked for copies per batch
MENTION_BATCH = 10_000  # reports put into stories per batch
SUMMARY_BATCH = 2_000  # stories summarised per batch
MEMORY_LIMIT = "128MB"  # of the store's file DuckDB keeps cached while the stage runs


def _find_copies(store: Store, report: StoryReport, progress: ProgressFn | None, batch: int) -> None:
    """Check every article not yet checked against the stored ones and the earlier new ones, in
    publication order, and store its copy group, signature and band hashes."""
    while rows := store.signatures_without_bands(batch):  # articles checked before bands were stored
        ids = [r[0] for r in rows]
        store.write_copies(_copies_table([], [], [], []), _bands_table(ids, np.asarray([r[1] for r in rows], np.uint32)))
    total = store.articles_unchecked()
    done = 0
    while rows := store.articles_to_check(batch):
        ids = [r[0] for r in rows]
        sigs = np.stack([signature(text or "") for _, text in rows])
        bands = _bands_table(ids, sigs)
        finder = CopyFinder()
        for article_id, values, group in store.copy_candidates(bands.select(["band", "hash"])):
            finder.load(article_id, values, group)
        matches = [finder.add(article_id, sig) for article_id, sig in zip(ids, sigs)]
        groups = [m.copy_of for m in matches]
        store.write_copies(_copies_table(ids, groups, [m.similarity for m in matches], sigs), bands)
        report.articles_checked += len(ids)
        report.copies += sum(g is not None for g in groups)
        done += len(ids)
        if progress:
            progress("copies", done, total)


def _lookup_ranges(merger: Merger, mentions: Iterable[Mention]) -> pa.Table:
    """The parts of the story index the merger may read for ``mentions``, week ranges merged."""
    spans: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
    for m in mentions:
        for role, event_type, grp, country, lo, hi in merger.lookups(m):
            spans[(role, event_type, grp, country)].append((lo, hi))
    rows = []
    for prefix, parts in spans.items():
        parts.sort()
        lo, hi = parts[0]
        for a, b in parts[1:]:
            if a > hi + 1:
                rows.append((*prefix, lo, hi))
                lo = a
            hi = max(hi, b)
        rows.append((*prefix, lo, hi))
    names = ("role", "event_type", "grp", "country", "lo", "hi")
    return pa.table({n: pa.array([r[i] for r in rows], pa.int32() if i >= 4 else pa.string()) for i, n in enumerate(names)})


def _merger_for(store: Store, mentions: list[Mention]) -> tuple[Merger, set[str]]:
    """A merger that knows every story ``mentions`` can join, as the run so far left them (the
    stored stories, and the ones this run changed), under every key the run indexed them;
    and the ids of those this run created."""
    merger = Merger(next_seq=store.next_story_seq())
    keys: dict[str, list[tuple]] = defaultdict(list)
    for role, event_type, grp, country, week, sid in store.story_keys_in(_lookup_ranges(merger, mentions)):
        keys[sid].append((role, event_type, grp, country, week))
    created = set()
    for row in store.story_states_of(sorted(keys)):
        merger.load(_story_state(row), keys[row["story_id"]])
        if row["created"]:
            created.add(row["story_id"])
    return merger, created


def _assign(store: Store, report: StoryReport, progress: ProgressFn | None, batch: int) -> None:
    """Put every report not yet in a story into one, in the order of the reports, a batch at a
    time; each batch's assignments, changed stories and index keys are stored before the next."""
    total = store.stage_unassigned_mentions()
    ord_ = store.story_work_counts()[2]
    done = last = 0
    while rows := store.staged_mentions(last, batch):
        last = rows[-1]["_rn"]
        mentions = [mention_from_row(r) for r in rows]
        merger, created = _merger_for(store, mentions)
        touched: dict[str, None] = {}
        assigned, order = [], []
        for m in mentions:
            sid, new = merger.assign(m)
            if new:
                created.add(sid)
            touched[sid] = None
            ord_ += 1
            assigned.append((m.event_id, sid, m.reference))
            order.append((m.event_id, sid, ord_))
        states = [merger.stories[sid] for sid in touched]
        keys = [(*key, sid) for sid in touched for key in merger.indexed(sid)]
        store.write_story_work(
            _assignments_table(assigned), _order_table(order), _states_table(states, created), _keys_table(keys),
            merger.next_seq,
        )  # fmt: skip
        report.mentions += len(mentions)
        done += len(mentions)
        if progress:
            progress("stories", done, total)
    store.unstage_unassigned_mentions()
@dataclass(slots=True, frozen=True)
class _Question:
    """What ``_answered`` looks for: an earlier act by one of ``countries`` from ``lo`` to ``hi``."""

    countries: frozenset[str]
    lo: date
    hi: date
    named: date | None  # the day the phrase names


def _question(summary: StorySummary, mentions: list[Mention]) -> _Question | None:
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
    return _Question(frozenset(recipients), summary.event_date - timedelta(days=RESPONSE_LOOKBACK_DAYS), summary.event_date, named)


def _answer(summary: StorySummary, question: _Question, stories: Iterable[Story]) -> str | None:
    actors = {a.country for a in summary.actor if a.country}
    recipients = question.countries
    earliest, named = question.lo, question.named
    best, best_score = None, None
    for story in stories:
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


def _answered(summary: StorySummary, mentions: list[Mention], acts_by: Callable[..., Iterable[Story]]) -> str | None:
    """For "in response to the Oct. 1 barrage" with no coded event inside: the
    latest earlier story of the other side against this one's actor, on the
    day the phrase names if it names one. ``acts_by`` is ``Merger.acts_by``."""
    question = _question(summary, mentions)
    if question is None:
        return None
    return _answer(summary, question, acts_by(question.countries, question.lo, question.hi))


def _acts_by(store: Store, questions: Iterable[_Question]) -> Callable[[_Question], list[Story]]:
    """``Merger.acts_by`` for each question, from the store: the stories of any type with one of
    the question's countries as actor, indexed in the weeks it covers, in id order."""
    questions = list(questions)
    rows = [("asserted", c, q.lo.toordinal() // 7, q.hi.toordinal() // 7) for q in questions for c in sorted(q.countries)]
    ranges = pa.table({
        "grp": pa.array([r[0] for r in rows], pa.string()), "country": pa.array([r[1] for r in rows], pa.string()),
        "lo": pa.array([r[2] for r in rows], pa.int32()), "hi": pa.array([r[3] for r in rows], pa.int32()),
    })  # fmt: skip
    found: dict[tuple[str, int], set[str]] = defaultdict(set)
    for _, _, _, country, week, sid in store.story_keys_in(ranges, actors_only=True):
        found[(country, week)].add(sid)
    states = {r["story_id"]: _story_state(r) for r in store.story_states_of(sorted({s for ids in found.values() for s in ids}))}

    def acts_by(q: _Question) -> list[Story]:
        ids: set[str] = set()
        for week in range(q.lo.toordinal() // 7, q.hi.toordinal() // 7 + 1):
            for country in q.countries:
                ids |= found.get((country, week), set())
        return [states[sid] for sid in sorted(ids)]

    return acts_by


def _summarise(store: Store, report: StoryReport, batch: int) -> None:
    """Build again the consensus of every story the run changed, a batch at a time, and link it
    to the earlier story it answers; each batch is stored before the next is read."""
    after = ""
    while sids := store.story_work_next(after, batch):
        after = sids[-1]
        states = {r["story_id"]: _story_state(r) for r in store.story_states_of(sids)}
        order = store.story_work_order(sids)
        new: dict[str, list[tuple[int, Mention]]] = defaultdict(list)
        old: dict[str, list[Mention]] = defaultdict(list)
        for row in store.story_mentions_of(sids):
            m = mention_from_row(row)
            if row["event_id"] in order:
                new[row["story_id"]].append((order[row["event_id"]], m))
            else:
                old[row["story_id"]].append(m)
        by_story = {}
        for sid in sids:  # this run's reports in the order they were assigned, then the earlier ones
            ms = [m for _, m in sorted(new[sid], key=lambda x: x[0])] + old[sid]
            by_story[sid] = sorted(ms, key=lambda m: (m.published or date.min, m.article_id, m.sentence_index))
        story_of = store.story_ids_of_events(sorted({m.cause_event for ms in by_story.values() for m in ms if m.cause_event}))
        summaries = {}
        questions = {}
        for sid in sids:
            state = states[sid]
            summary = summaries[sid] = summarise(sid, by_story[sid], story_of, window=(state.lo, state.hi))
            if summary.responds_to is None and (q := _question(summary, by_story[sid])) is not None:
                questions[sid] = q
        if questions:
            acts_by = _acts_by(store, questions.values())
            for sid, q in questions.items():
                answered = _answer(summaries[sid], q, acts_by(q))
                if answered is not None:
                    summaries[sid] = replace(summaries[sid], responds_to=answered)
        report.links += sum(summaries[sid].responds_to is not None for sid in sids)
        store.write_story_summaries(_stories_table([(summaries[sid], states[sid]) for sid in sids]))


def update_stories(
    store: Store,
    *,
    progress: ProgressFn | None = None,
    copy_batch: int = COPY_BATCH,
    mention_batch: int = MENTION_BATCH,
    summary_batch: int = SUMMARY_BATCH,
    memory_limit: str | None = MEMORY_LIMIT,
) -> StoryReport:
    """Bring the store's copy groups and story events up to date with its events, reading and
    writing a batch at a time, with DuckDB's cache of the file bounded by ``memory_limit``
    (None: unbounded). A run killed part way is finished by the next (``complete_stories``)."""
    report = StoryReport()
    with store.memory_bounded(memory_limit):
        _find_copies(store, report, progress, copy_batch)
        _assign(store, report, progress, mention_batch)
        report.new_stories, report.extended_stories, _ = store.story_work_counts()
        _summarise(store, report, summary_batch)
    reviews = store.reviews(active=True, kinds=("story", "link"))
    store.finish_story_work(complete=not reviews)
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


def _copies_table(ids: list[str], groups: list, sims: list, sigs) -> pa.Table:
    return pa.table(
        {
            "article_id": pa.array(ids, pa.string()),
            "copy_of": pa.array(groups, pa.string()),
            "similarity": pa.array(sims, pa.float64()),
            "signature": pa.array([list(map(int, s)) for s in sigs], pa.list_(pa.uint32())),
        }
    )


def _bands_table(ids: list[str], sigs: np.ndarray) -> pa.Table:
    hashes = band_hashes(sigs) if len(ids) else np.empty((0, 0), np.int64)
    n = hashes.shape[1] if len(ids) else 0
    return pa.table(
        {
            "article_id": pa.array([a for a in ids for _ in range(n)], pa.string()),
            "band": pa.array(np.tile(np.arange(n, dtype=np.int8), len(ids)), pa.int8()),
            "hash": pa.array(hashes.reshape(-1), pa.int64()),
        }
    )


def _order_table(order: list[tuple[str, str, int]]) -> pa.Table:
    return pa.table(
        {
            "event_id": pa.array([o[0] for o in order], pa.string()),
            "story_id": pa.array([o[1] for o in order], pa.string()),
            "ord": pa.array([o[2] for o in order], pa.int64()),
        }
    )


def _states_table(states: list[Story], created: set[str]) -> pa.Table:
    return pa.table(
        {
            "story_id": pa.array([x.story_id for x in states], pa.string()),
            "seq": pa.array([int(x.story_id[1:]) for x in states], pa.int32()),
            "event_type": pa.array([x.event_type for x in states], pa.string()),
            "grp": pa.array([x.group for x in states], pa.string()),
            "actor_countries": pa.array([sorted(x.actors) for x in states], pa.list_(pa.string())),
            "recipient_countries": pa.array([sorted(x.recipients) for x in states], pa.list_(pa.string())),
            "date_lo": pa.array([x.lo for x in states], pa.date32()),
            "date_hi": pa.array([x.hi for x in states], pa.date32()),
            "location_country": pa.array([x.location_country for x in states], pa.string()),
            "n_mentions": pa.array([x.n_mentions for x in states], pa.int32()),
            "created": pa.array([x.story_id in created for x in states], pa.bool_()),
        }
    )


def _keys_table(keys: list[tuple]) -> pa.Table:
    names = ("role", "event_type", "grp", "country", "week", "story_id")
    return pa.table({n: pa.array([k[i] for k in keys], pa.int32() if n == "week" else pa.string()) for i, n in enumerate(names)})


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

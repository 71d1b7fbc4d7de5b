"""What the reports of one story event agree on, and where they disagree.

Each field's consensus is the value given by the most independent sources:
wire copies of one story (a copy group) cast one vote between them, so forty
reprints of one agency report do not outvote two outlets with their own
reporters. A vote weighs the report's confidence (the decision stage's; 1
for reports coded by the rules only), so a doubtful report counts less.
Ties go to the larger figure for casualties (tolls are revised upwards as
bodies are found) and to the earlier day for dates.

A field is flagged as disputed when independent reports give different
values: ``date`` (different days stated), ``location`` (different places),
``dead``/``injured`` (different figures), ``modality`` (some say it happened,
some deny it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from ..records import ActorRef, Condition, Consequence, Location
from .model import Mention

__all__ = ["StorySummary", "evidence_weight", "summarise"]


def evidence_weight(independent: int) -> float:
    """How much a story counts in timelines and networks: 0.5 for one source,
    0.75 for two independent ones, approaching 1; copies add nothing."""
    return round(1.0 - 0.5 ** max(independent, 1), 6)


@dataclass(slots=True, frozen=True)
class StorySummary:
    story_id: str
    event_type: str
    cameo_code: str
    quad_class: int
    intensity: float
    actor: tuple[ActorRef, ...]
    recipient: tuple[ActorRef, ...]
    modality: str
    historical: bool
    event_date: date | None
    date_precision: str
    location: Location | None
    dead: int | None
    injured: int | None
    n_mentions: int
    n_articles: int
    n_outlets: int
    n_independent: int
    weight: float
    first_reported: date | None
    last_reported: date | None
    disagreements: tuple[str, ...]
    responds_to: str | None
    condition: Condition | None
    consequence: Consequence | None
    confidence: float | None = None
    reviewed: bool = False  # a report of it was reviewed (a story review sets the stored flag too)


def _votes(mentions: Iterable[Mention], value: Callable[[Mention], Hashable]) -> Counter:
    """Votes per value, one per copy group weighing its report's confidence, in the
    order the values were first given (so that ties are broken the same way on every run)."""
    votes: Counter = Counter()
    seen: set = set()
    for m in mentions:
        v = value(m)
        if v is not None and (m.copy_group, v) not in seen:
            seen.add((m.copy_group, v))
            votes[v] += 1.0 if m.confidence is None else max(m.confidence, 0.05)
    return votes


def story_confidence(mentions: Iterable[Mention]) -> float | None:
    """How sure we are the story's act was reported as coded: the chance that at least one
    independent report (copy group) is right, each group counting its surest report.
    None when no report carries a confidence (coded by the rules only)."""
    best: dict[str, float] = {}
    for m in mentions:
        if m.confidence is not None:
            best[m.copy_group] = max(best.get(m.copy_group, 0.0), m.confidence)
    if not best:
        return None
    miss = 1.0
    for c in best.values():
        miss *= 1.0 - c
    return round(1.0 - miss, 4)


def _top(votes: Counter, prefer: Callable[[object], object] = lambda v: 0) -> object | None:
    """The value with most votes, then the preferred one, then the first given."""
    if not votes:
        return None
    return max(votes.items(), key=lambda kv: (kv[1], prefer(kv[0])))[0]


_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3, "publication": 4, "": 5}


def _sides(mentions: Sequence[Mention], role: str) -> tuple[ActorRef, ...]:
    """The consensus country set of one side, each country with its most
    often given name and sector."""
    def side(m: Mention) -> tuple[ActorRef, ...]:
        return m.actor if role == "actor" else m.recipient

    countries = _top(_votes(mentions, lambda m: tuple(sorted({a.country for a in side(m) if a.country})) or None))
    if countries is None:
        return ()
    refs: list[ActorRef] = []
    for country in countries:
        def named(m: Mention, country: str = country) -> tuple[str, str] | None:
            return next(((a.name, a.sector) for a in side(m) if a.country == country), None)

        name, sector = _top(_votes(mentions, named), prefer=lambda ns: (ns[1] == "", ns))
        text = next(a.text for m in mentions for a in side(m) if (a.country, a.name, a.sector) == (country, name, sector))
        refs.append(ActorRef(text, name, country, sector))
    return tuple(refs)


def summarise(
    story_id: str,
    mentions: Sequence[Mention],
    story_of: Mapping[str, str] | None = None,
    *,
    window: tuple[date | None, date | None] = (None, None),
) -> StorySummary:
    """The story event built from its ``mentions``. ``story_of`` maps event ids to
    story ids (for ``responds_to``); ``window`` is the merger's date window."""
    first = mentions[0]
    cameo = _top(_votes(mentions, lambda m: m.cameo_code or None)) or first.cameo_code
    by_cameo = next((m for m in mentions if m.cameo_code == cameo), first)
    independent = len({m.copy_group for m in mentions})

    days = _votes(mentions, lambda m: m.event_date if m.date_precision == "day" else None)
    if days:
        event_date, precision = _top(days, prefer=lambda d: -d.toordinal()), "day"
    else:
        dated = sorted(
            (m for m in mentions if m.event_date is not None),
            key=lambda m: (_PRECISION_RANK.get(m.date_precision, 5), m.event_date),
        )
        event_date = dated[0].event_date if dated else window[0]
        precision = dated[0].date_precision if dated else ""

    places = _votes(mentions, lambda m: m.location)
    location = _top(places, prefer=lambda loc: loc.latitude is not None)
    dead_votes = _votes(mentions, lambda m: m.dead)
    injured_votes = _votes(mentions, lambda m: m.injured)
    modalities = _votes(mentions, lambda m: m.modality)
    disputed = []
    if len(days) > 1:
        disputed.append("date")
    if len({(p.name, p.country) for p in places}) > 1:
        disputed.append("location")
    if len(dead_votes) > 1:
        disputed.append("dead")
    if len(injured_votes) > 1:
        disputed.append("injured")
    if len(modalities) > 1:
        disputed.append("modality")

    answers: Counter = Counter()
    if story_of:
        for m in mentions:
            target = story_of.get(m.cause_event) if m.cause_event else None
            if target and target != story_id:
                answers[target] += 1
    published = [m.published for m in mentions if m.published is not None]
    return StorySummary(
        story_id=story_id,
        event_type=first.event_type,
        cameo_code=cameo,
        quad_class=by_cameo.quad_class,
        intensity=by_cameo.intensity,
        actor=_sides(mentions, "actor"),
        recipient=_sides(mentions, "recipient"),
        modality=_top(modalities, prefer=lambda v: v == "asserted") or "asserted",
        historical=all(m.historical for m in mentions),
        event_date=event_date,
        date_precision=precision,
        location=location,
        dead=_top(dead_votes, prefer=lambda n: n),
        injured=_top(injured_votes, prefer=lambda n: n),
        n_mentions=len(mentions),
        n_articles=len({m.article_id for m in mentions}),
        n_outlets=len({m.outlet for m in mentions if m.outlet}),
        n_independent=independent,
        weight=evidence_weight(independent),
        first_reported=min(published) if published else None,
        last_reported=max(published) if published else None,
        disagreements=tuple(disputed),
        responds_to=_top(answers),
        condition=next((m.condition for m in mentions if m.condition is not None), None),
        consequence=next((m.consequence for m in mentions if m.consequence is not None), None),
        confidence=story_confidence(mentions),
        reviewed=any(m.reviewed for m in mentions),
    )

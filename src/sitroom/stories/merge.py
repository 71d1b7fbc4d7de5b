"""Merging event mentions into story events, in time linear in the mentions.

Two mentions report the same act when they have the same event type and
modality group, share an actor or a recipient country without contradicting
the other side (a side named by only one of them is no contradiction), their
date windows meet (within ``tolerance_days``), and their places, when both are
known, are in the same country (or the other place is in one of the
parties' countries).

Stories are found through an index keyed by (role, event type, modality
group, country, week), so each mention is compared only with the stories of
its own actor or recipient in the weeks its date window covers: the cost per
mention does not grow with the corpus. A mention named as the act another
event answers ("in retaliation for the killing of Nasrallah") and carrying no
date of its own is a *reference*: it joins the most recent earlier story that
fits, up to ``lookback_days`` back. An undated asserted material act
(QuadClass 2 or 4) after an article's first two sentences that fits no story of its last days joins the most widely reported earlier story that
agrees on every side it names, up to ``background_days`` back ("a week after
Israel bombed Iranian military sites" is background, not news).

The merger is incremental: built from the stories already stored, it extends
them and numbers new ones after them, so story ids never change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from .model import Mention, Story

__all__ = ["Merger", "story_id"]

_NO_ACTOR = ""
NEWS_SENTENCES = 2  # an article's first sentences carry its news, not background
MATERIAL = (2, 4)  # QuadClasses of acts (not statements), the ones retold as background


def story_id(seq: int) -> str:
    return f"S{seq:06d}"


def _agreement(story: Story, actors: frozenset[str], recipients: frozenset[str]) -> int:
    """``Merger._overlap`` of a mention with these actor and recipient countries."""
    agree = 0
    for mine, theirs in ((story.actors, actors), (story.recipients, recipients)):
        if mine and theirs:
            if not mine & theirs:
                return -1
            agree += 1
    return agree


def _weeks(lo: date, hi: date) -> Iterator[int]:
    return iter(range(lo.toordinal() // 7, hi.toordinal() // 7 + 1))


class Merger:
    def __init__(
        self,
        stories: Iterable[Story] = (),
        *,
        next_seq: int = 1,
        tolerance_days: int = 1,
        lookback_days: int = 400,
        background_days: int = 90,
    ) -> None:
        self.stories: dict[str, Story] = {}
        self._index: dict[tuple, list[str]] = defaultdict(list)
        self._indexed: dict[str, set[tuple]] = defaultdict(set)
        self._types: set[tuple[str, str]] = set()  # (event type, modality group) pairs indexed
        self.next_seq = next_seq
        self.tolerance = timedelta(days=tolerance_days)
        self.lookback = timedelta(days=lookback_days)
        self.background = timedelta(days=background_days)
        for story in stories:
            self.stories[story.story_id] = story
            self._index_story(story)

    # --- the index ---------------------------------------------------------------------------------

    def _keys(self, story: Story) -> Iterator[tuple]:
        if story.lo is None or story.hi is None:
            return
        base = (story.event_type, story.group)
        for week in _weeks(story.lo, story.hi):
            for country in story.actors or (_NO_ACTOR,):
                yield ("a", *base, country, week)
            for country in story.recipients:
                yield ("r", *base, country, week)

    def _index_story(self, story: Story) -> None:
        self._types.add((story.event_type, story.group))
        seen = self._indexed[story.story_id]
        for key in self._keys(story):
            if key not in seen:
                seen.add(key)
                self._index[key].append(story.story_id)

    def keys(self, story: Story) -> list[tuple]:
        """The index keys of a story as it stands: (role, event type, group, country, week)."""
        return list(self._keys(story))

    def indexed(self, story_id: str) -> set[tuple]:
        """Every key this merger has indexed the story under (also ones its window has since left)."""
        return self._indexed.get(story_id, set())

    def load(self, story: Story, keys: Iterable[tuple] = ()) -> None:
        """Know a stored story, indexed under its keys and also under ``keys`` (keys it was
        indexed under earlier in the run and keeps until the run ends)."""
        self.stories[story.story_id] = story
        self._index_story(story)
        seen = self._indexed[story.story_id]
        for key in keys:
            if key not in seen:
                seen.add(key)
                self._index[key].append(story.story_id)

    @staticmethod
    def _prefixes(mention: Mention) -> list[tuple[str, str, str, str]]:
        """The (role, event type, group, country) of the index a mention's stories are found under."""
        base = (mention.event_type, mention.group)
        if mention.actors:
            return [("a", *base, country) for country in sorted(mention.actors)] + [("a", *base, _NO_ACTOR)]
        return [("r", *base, country) for country in sorted(mention.recipients)]

    def _candidates(self, mention: Mention, lo: date, hi: date) -> set[str]:
        prefixes = self._prefixes(mention)
        found: set[str] = set()
        for week in _weeks(lo, hi):
            for prefix in prefixes:
                found.update(self._index.get((*prefix, week), ()))
        return found

    def lookups(self, mention: Mention) -> Iterator[tuple[str, str, str, str, int, int]]:
        """Every part of the index ``assign(mention)`` may read, whatever the stories, as (role,
        event type, group, country, first week, last week): a store loads only the stories
        indexed there, and assigning with them alone gives what assigning with all would."""
        window = mention.window()
        if window is None or not (mention.actors or mention.recipients):
            return
        spans = [(window[0] - self.tolerance, window[1] + self.tolerance)]
        day = mention.published or mention.event_date
        if day is not None and mention.date_precision in ("", "publication"):
            if mention.reference:
                spans.append((day - self.lookback, day))
            if mention.group == "asserted" and mention.sentence_index >= NEWS_SENTENCES and mention.quad_class in MATERIAL:
                spans.append((day - self.background, day))
        for lo, hi in spans:
            for prefix in self._prefixes(mention):
                yield (*prefix, lo.toordinal() // 7, hi.toordinal() // 7)

    def acts_by(self, countries: Iterable[str], lo: date, hi: date, group: str = "asserted") -> Iterator[Story]:
        """Stories of any type with one of ``countries`` as actor, indexed in the
        weeks from ``lo`` to ``hi`` (a superset: callers check the dates)."""
        found: set[str] = set()
        for event_type, g in self._types:
            if g != group:
                continue
            for week in _weeks(lo, hi):
                for country in countries:
                    found.update(self._index.get(("a", event_type, g, country, week), ()))
        return (self.stories[sid] for sid in sorted(found))

    # --- compatibility ----------------------------------------------------------------------------

    @staticmethod
    def _overlap(story: Story, mention: Mention) -> int:
        """How many sides (actor, recipient) agree; -1 when one contradicts."""
        return _agreement(story, mention.actors, mention.recipients)

    @staticmethod
    def _same_place(story: Story, mention: Mention) -> bool:
        """Places in different countries are different acts, unless the other
        country is one of the parties (a missile launched from Iran that hit
        Israel is placed in either)."""
        country = mention.location.country if mention.location else None
        if not (story.location_country and country) or story.location_country == country:
            return True
        return country in story.actors or country in story.recipients

    def _best(self, mention: Mention, lo: date, hi: date) -> Story | None:
        best, best_score = None, None
        actors, recipients = mention.actors, mention.recipients  # built once, not per candidate
        for sid in self._candidates(mention, lo - self.tolerance, hi + self.tolerance):
            story = self.stories[sid]
            if story.hi < lo - self.tolerance or story.lo > hi + self.tolerance:
                continue
            agree = _agreement(story, actors, recipients)
            if agree <= 0 or not self._same_place(story, mention):
                continue
            gap = abs((story.lo - lo).days) + abs((story.hi - hi).days)
            score = (agree, -gap, story.n_mentions, sid)
            if best_score is None or score > best_score:
                best, best_score = story, score
        return best

    def _referenced(self, mention: Mention, lookback: timedelta | None = None, widely_reported: bool = False) -> Story | None:
        """The most recent earlier story a reference mention can stand for (or,
        for background, the most widely reported one: retellings name big events)."""
        day = mention.published or mention.event_date
        if day is None:
            return None
        best, best_score = None, None
        actors, recipients = mention.actors, mention.recipients
        for sid in self._candidates(mention, day - (lookback or self.lookback), day):
            story = self.stories[sid]
            if story.lo > day:
                continue
            agree = _agreement(story, actors, recipients)
            if agree <= 0:
                continue
            score = (agree, story.n_mentions, story.hi, sid) if widely_reported else (agree, story.hi, story.n_mentions, sid)
            if best_score is None or score > best_score:
                best, best_score = story, score
        return best

    # --- assignment --------------------------------------------------------------------------------

    def assign(self, mention: Mention) -> tuple[str, bool]:
        """The story id for ``mention`` and whether the story is new."""
        window = mention.window()
        story = None
        if window is not None and (mention.actors or mention.recipients):
            if mention.reference and mention.date_precision in ("", "publication"):
                story = self._referenced(mention)
                if story is not None:
                    story.n_mentions += 1
                    self._widen(story, mention)
                    return story.story_id, False
            story = self._best(mention, *window)
            if (story is None and mention.date_precision in ("", "publication") and mention.group == "asserted"
                    and mention.sentence_index >= NEWS_SENTENCES and mention.quad_class in MATERIAL):  # fmt: skip
                # an undated act that matches nothing of the last days: most often
                # background ("a week after Israel bombed Iranian military sites")
                earlier = self._referenced(mention, lookback=self.background, widely_reported=True)
                sides = bool(mention.actors) + bool(mention.recipients)
                if earlier is not None and self._overlap(earlier, mention) == sides:
                    story = earlier
        if story is None:
            story = Story(story_id(self.next_seq), mention.event_type, mention.group)
            self.next_seq += 1
            self.stories[story.story_id] = story
            created = True
        else:
            created = False
        story.n_mentions += 1
        self._narrow(story, window)
        self._widen(story, mention)
        return story.story_id, created

    def rebuilt(self, story_id: str, mentions: Iterable[Mention]) -> Story:
        """The state of a story made of ``mentions`` (a story an analyst merged or split), as
        assigning them to it one by one leaves it; indexed like the others."""
        mentions = list(mentions)
        story = Story(story_id, mentions[0].event_type, mentions[0].group)
        self.stories[story_id] = story
        for mention in mentions:
            story.n_mentions += 1
            self._narrow(story, mention.window())
            self._widen(story, mention)
        return story

    @staticmethod
    def _narrow(story: Story, window: tuple[date, date] | None) -> None:
        """The story's window becomes the tightest the reports allow."""
        if window is None:
            return
        lo, hi = window
        if story.lo is None:
            story.lo, story.hi = lo, hi
            return
        new_lo, new_hi = max(story.lo, lo), min(story.hi, hi)
        if new_lo <= new_hi:
            story.lo, story.hi = new_lo, new_hi
        elif (hi - lo) < (story.hi - story.lo):
            story.lo, story.hi = lo, hi  # reports a day apart: keep the more precise one

    def _widen(self, story: Story, mention: Mention) -> None:
        """Sides and place a report adds to what is known of the story."""
        story.actors |= mention.actors
        story.recipients |= mention.recipients
        if story.location_country is None and mention.location and mention.location.country:
            story.location_country = mention.location.country
        self._index_story(story)

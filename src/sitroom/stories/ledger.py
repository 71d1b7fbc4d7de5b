"""The threat ledger: every threat and conditional statement, and whether it
was carried out.

An entry is a story event that is either a THREATEN (however many outlets
reported it, one entry) or a conditional statement whose own act is the
consequence ("Iran would strike Israel if ..."), unless that sentence already
holds a THREATEN (the threat is the entry). Events that are themselves a
condition ("if Israel attacked") are not entries.

Status, judged as of ``as_of`` (default: the newest publication in the store):

- ``carried out``: a later asserted story by the declarant against the
  addressee (any target when the addressee is unknown) whose type matches the
  threatened act (the same PLOVER type, or both material conflict; for a
  THREATEN, whose harm is always material, any material conflict), dated after the threat's day and within the
  window (a strike on the day of a threat is more often its reason than its
  fulfilment); ``carried_out_by`` names it;
- ``withdrawn``: a later negated story of the threatened act by the
  declarant, or against the addressee by an unnamed actor ("Iran will not
  retaliate", "no intention of targeting Saudi Arabia");
- ``lapsed``: neither, and ``window_days`` have passed since the threat;
- ``open``: otherwise.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, timedelta

from ..coding.lexicon import quad_class
from ..store import Store

__all__ = ["DEFAULT_WINDOW_DAYS", "ENTRY_COLUMNS", "STATUSES", "ThreatEntry", "entry_row", "select", "threat_ledger"]

DEFAULT_WINDOW_DAYS = 30
STATUSES = ("open", "carried out", "withdrawn", "lapsed")
_MATERIAL_CONFLICT = 4


@dataclass(slots=True)
class ThreatEntry:
    story_id: str
    kind: str  # "threat" or "conditional"
    declarant: list[str]  # countries
    addressee: list[str]
    declarant_names: list[str]
    addressee_names: list[str]
    date: date | None
    condition: str | None
    consequence: str | None  # PLOVER type of the threatened act, when known
    status: str = "open"
    carried_out_by: str | None = None
    status_date: date | None = None  # when it was carried out, withdrawn or lapsed
    sources: list[dict] = field(default_factory=list)  # outlet, article, published, sentence, attribution


def _countries(refs: list[dict] | None) -> list[str]:
    return sorted({r["country"] for r in refs or () if r.get("country")})


def _names(refs: list[dict] | None) -> list[str]:
    return [r["name"] or r["text"] for r in refs or ()]


def _matches(consequence: str | None, event_type: str, quad_class: int, threatened_quad: int | None) -> bool:
    if consequence is None:
        return quad_class == _MATERIAL_CONFLICT
    if consequence == event_type:
        return True
    return threatened_quad == _MATERIAL_CONFLICT and quad_class == _MATERIAL_CONFLICT


def threat_ledger(
    store: Store,
    *,
    window_days: int = DEFAULT_WINDOW_DAYS,
    as_of: date | None = None,
) -> list[ThreatEntry]:
    """Every ledger entry with its status, oldest first."""
    if window_days < 0:
        raise ValueError("window_days must be zero or more")
    as_of = as_of or store.scalar("SELECT max(published) FROM articles")
    # lists of actors come as JSON text (see _parsed), and of the structs only the fields read
    rows = store.query(
        """SELECT s.story_id, s.event_type, s.quad_class, to_json(s.actor), to_json(s.recipient), s.event_date,
                  s.condition.text, s.consequence.event_type, s.consequence.cameo_code,
                  to_json(s.consequence.recipient), s.date_lo, s.date_hi
           FROM stories s
           WHERE s.event_type = 'THREATEN' AND s.modality NOT IN ('negated', 'denied')
              OR s.modality = 'conditional' AND EXISTS (
                   SELECT 1 FROM story_mentions m JOIN events e USING (event_id)
                   WHERE m.story_id = s.story_id
                     AND NOT contains(lower(coalesce(e.condition.text, '')), lower(split_part(e.trigger, ' ', 1)))
                     AND NOT EXISTS (SELECT 1 FROM events t WHERE t.article_id = e.article_id
                                     AND t.sentence_index = e.sentence_index AND t.event_type = 'THREATEN'))
           ORDER BY s.event_date NULLS LAST, s.seq"""
    )
    if not rows:
        return []
    sources = defaultdict(list)
    for story_id, outlet, article_id, published, sentence, trigger, attribution in store.query(
        """SELECT m.story_id, a.outlet, e.article_id, a.published, se.text AS sentence, e.trigger,
                  e.attribution.text AS attribution
           FROM story_mentions m JOIN events e USING (event_id) JOIN articles a ON a.article_id = e.article_id
           LEFT JOIN sentences se ON se.article_id = e.article_id AND se.sentence_index = e.sentence_index
           WHERE m.story_id IN (SELECT story_id FROM stories WHERE event_type = 'THREATEN' OR modality = 'conditional')
           ORDER BY a.published NULLS LAST, e.article_id, e.sentence_index"""
    ):
        sources[story_id].append(
            {"outlet": outlet, "article_id": article_id, "published": published, "sentence": sentence,
             "trigger": trigger, "attribution": attribution}
        )  # fmt: skip
    acts = _acts(store)
    parsed: dict[str | None, object] = {}
    ledger = []
    for (
        story_id, event_type, quad, actor, recipient, event_date, condition, consequence_type, cameo,
        consequence_recipient, date_lo, date_hi,
    ) in rows:  # fmt: skip
        actor, recipient = _parsed(parsed, actor), _parsed(parsed, recipient)
        conditional = event_type != "THREATEN"
        consequence = event_type if conditional else consequence_type
        declarant = _countries(actor)
        addressee_refs = [
            ref for ref in recipient or (_parsed(parsed, consequence_recipient) or [])
            if ref.get("country") not in declarant
        ]  # a declarant is not its own addressee ("Israel's strike will be lethal")
        entry = ThreatEntry(
            story_id=story_id,
            kind="conditional" if conditional else "threat",
            declarant=declarant,
            addressee=_countries(addressee_refs),
            declarant_names=_names(actor),
            addressee_names=_names(addressee_refs),
            date=event_date,
            condition=condition,
            consequence=consequence,
            sources=sources.get(story_id, []),
        )
        span = (date_lo or event_date, date_hi or event_date)
        threatened_quad = quad if conditional else (quad_class(cameo) if cameo else None)
        _judge(entry, acts, threatened_quad, window_days, as_of, span)
        ledger.append(entry)
    return ledger


def _parsed(parsed: dict[str | None, object], text: str | None) -> object:
    """JSON text from DuckDB's to_json as Python values, each distinct text
    parsed once and then shared: read, never changed. A DuckDB list of structs
    becomes Python lists and dicts far more slowly, and the many equal copies
    would keep the garbage collector busy. NULL stays None."""
    if text in parsed:
        return parsed[text]
    return parsed.setdefault(text, None if text is None else json.loads(text))


# an act: (story_id, event_type, quad_class, modality, event_date, actor countries, recipient countries), a tuple
# of atoms and tuples (so the garbage collector stops tracking the hundreds of thousands of a large store)
_ID, _TYPE, _QUAD, _MODALITY, _DATE, _ACTORS, _RECIPIENTS = range(7)


def _acts(store: Store) -> dict[tuple[str, str], tuple[list[date], list[tuple]]]:
    """The acts that can carry a threat out, or withdraw it, by (actor, recipient)
    country, also (actor, "*"), and "" for a side with no country: for each key
    the acts in date order and their dates, for bisecting a window."""
    countries: dict[str | None, tuple[str, ...] | None] = {None: None}  # by JSON text, see _parsed
    acts: dict[tuple[str, str], tuple[list[date], list[tuple]]] = {}
    for row in store.query(
        """SELECT story_id, event_type, quad_class, modality, event_date,
                  to_json(actor_countries), to_json(recipient_countries)
           FROM stories WHERE event_type <> 'THREATEN' AND modality IN ('asserted', 'negated')
             AND event_date IS NOT NULL ORDER BY event_date, seq"""
    ):
        for text in row[_ACTORS:]:
            if text not in countries:
                countries[text] = tuple(json.loads(text))
        act = (*row[:_ACTORS], countries[row[_ACTORS]], countries[row[_RECIPIENTS]])
        for a in act[_ACTORS] or ("",):
            for b in act[_RECIPIENTS] or ("",):
                for key in ((a, b), (a, "*")):
                    dates, items = acts.get(key) or acts.setdefault(key, ([], []))
                    dates.append(act[_DATE])
                    items.append(act)
    return acts


def _judge(
    entry: ThreatEntry,
    acts: dict,
    threatened_quad: int | None,
    window_days: int,
    as_of: date | None,
    span: tuple[date | None, date | None],
) -> None:
    """Judge one entry. ``span`` is the earliest and latest day the threat can
    have been made on (a threat retold as "earlier this month" is not pinned
    to one day): acts after its start can carry it out, and it lapses only
    when the window after its end has passed."""
    start, last = span
    if start is None or last is None:
        return
    end = last + timedelta(days=window_days)
    keys = [(a, b) for a in entry.declarant for b in (entry.addressee or ["*"])]
    keys += [(a, "") for a in entry.declarant] + [("", b) for b in entry.addressee]
    pool = {}
    for key in keys:
        if key in acts:
            dates, items = acts[key]
            # the acts dated after start, up to end
            for act in items[bisect_right(dates, start) : bisect_right(dates, end)]:
                if act[_ID] != entry.story_id:
                    pool[act[_ID]] = act
    for act in sorted(pool.values(), key=lambda x: (x[_DATE], x[_ID])):
        by_declarant = bool(set(act[_ACTORS] or ()) & set(entry.declarant))
        if act[_MODALITY] == "asserted" and by_declarant and (
            not entry.addressee or set(act[_RECIPIENTS] or ()) & set(entry.addressee)
        ):
            threat_made_good = entry.kind == "threat" and act[_QUAD] == _MATERIAL_CONFLICT
            if threat_made_good or _matches(entry.consequence, act[_TYPE], act[_QUAD], threatened_quad):
                entry.status, entry.carried_out_by, entry.status_date = "carried out", act[_ID], act[_DATE]
                return
        to_addressee = bool(set(act[_RECIPIENTS] or ()) & set(entry.addressee))
        if act[_MODALITY] == "negated" and (
            act[_TYPE] == entry.consequence
            or (entry.consequence is None and act[_QUAD] == _MATERIAL_CONFLICT and to_addressee)
        ) and (by_declarant or (not act[_ACTORS] and to_addressee)):
            # "Iran had no intention of targeting Saudi Arabia"
            entry.status, entry.status_date = "withdrawn", act[_DATE]
            return
    if as_of is not None and as_of > end:
        entry.status, entry.status_date = "lapsed", end


def select(entries: list[ThreatEntry], *, status: list[str] | None = None, actor: str | None = None) -> list[ThreatEntry]:
    """Entries with one of ``status`` and, when ``actor`` is a country code,
    that country as declarant or addressee."""
    for s in status or ():
        if s not in STATUSES:
            raise ValueError(f"unknown status {s!r}; choose from {', '.join(STATUSES)}")
    code = actor.strip().upper() if actor else None
    return [
        e for e in entries
        if (not status or e.status in status) and (code is None or code in e.declarant or code in e.addressee)
    ]  # fmt: skip


# the public row: every field of an entry, in order (docs/schema.md)
ENTRY_COLUMNS = tuple(f.name for f in fields(ThreatEntry))


def entry_row(entry: ThreatEntry) -> dict:
    """A ledger entry as a flat public row."""
    return {c: getattr(entry, c) for c in ENTRY_COLUMNS}

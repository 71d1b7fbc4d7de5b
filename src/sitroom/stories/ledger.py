"""The threat ledger: every threat and conditional statement, and whether it
was carried out, with the act and the rule that decided it.

An entry is a story event that is either a THREATEN (however many outlets
reported it, one entry) or a conditional statement whose own act is the
consequence ("Iran would strike Israel if ..."), unless that sentence already
holds a THREATEN (the threat is the entry). Only the reports of the
threatening clause itself count: a THREATEN coded inside a threat's condition
("if the US supported any Israeli retaliation") or a conditional act that is
the condition ("if Israel attacked") is not a threat, and the declarant and
addressee are the actor and recipient of the threatening clause's own reports
(the addressee, when the clause names none, is the threatened act's target).

Status, judged as of ``as_of`` (default: the newest publication in the store):

- ``carried out``: an **asserted** act (not planned, conditional, hypothetical,
  negated or denied) of the **threatened kind** (the threatened act's PLOVER
  type or CAMEO root; any material conflict when the threat names no hostile
  act), **by the declarant's side** (an actor of the same country: the actor
  dictionary records no backers or proxies, so a proxy's act is not its
  patron's) **against the addressee or the threatened target** (any target when
  the threat names none), dated **on or after the threat** and within the
  window; ``carried_out_by`` names its story, ``carried_out_event`` its first
  asserted report and ``carried_out_reports`` every report of it;
- ``withdrawn``: a negated act of the threatened kind by the declarant, or
  against the addressee by an unnamed actor ("Iran will not retaliate", "no
  intention of targeting Saudi Arabia"), after the threat's day (a denial on
  the day is most often part of the threat: "does not seek war, but ...") and
  within the window;
- ``lapsed``: neither, and ``window_days`` have passed since the threat;
- ``open``: otherwise.

``reason`` says in words which rule decided the status. With ``as_of`` before
the newest report, the ledger is a backtest: it is built only from the reports
published on or before that day (threats, acts and the stories they form, as a
store holding only those reports would have them).
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from ..coding.lexicon import quad_class
from ..store import Store
from .consensus import summarise
from .copies import CopyFinder
from .merge import Merger
from .model import Mention
from .update import mention_from_row

__all__ = ["DEFAULT_WINDOW_DAYS", "ENTRY_COLUMNS", "STATUSES", "ThreatEntry", "entry_row", "select", "threat_ledger"]

DEFAULT_WINDOW_DAYS = 30
STATUSES = ("open", "carried out", "withdrawn", "lapsed")
_MATERIAL_CONFLICT = 4
_COOPERATION = (1, 2)


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
    carried_out_by: str | None = None  # story id of the act
    status_date: date | None = None  # when it was carried out, withdrawn or lapsed
    sources: list[dict] = field(default_factory=list)  # event_id, outlet, article, published, sentence, attribution
    carried_out_event: str | None = None  # the act's first asserted report (event id)
    carried_out_reports: list[dict] = field(default_factory=list)  # every report of the act, as ``sources``
    reason: str = ""  # the rule that decided the status, in words
    reviewed: bool = False  # an analyst set the status (sitroom.review), and it wins over the rules


@dataclass(slots=True, frozen=True)
class _Act:
    """A story event that can carry a threat out or withdraw it."""

    story_id: str
    event_type: str
    cameo_code: str
    quad_class: int
    modality: str
    date: date
    actors: frozenset[str]
    recipients: frozenset[str]


@dataclass(slots=True)
class _Candidate:
    """A THREATEN or conditional story, with the reports of it."""

    story_id: str
    event_type: str
    quad_class: int
    event_date: date | None
    date_hi: date | None
    condition: str | None
    consequence_type: str | None
    consequence_cameo: str | None
    reports: list[dict]  # event_id, outlet, article_id, published, sentence, trigger, attribution, plus the _ fields


@dataclass(slots=True)
class _Stories:
    """What the ledger reads of a store's stories: the candidates, the acts,
    and the reports of any story (for the act that carried a threat out)."""

    candidates: list[_Candidate]
    acts: list[_Act]
    reports_of: Callable[[list[str]], dict[str, list[dict]]]


# --- the public entry point ----------------------------------------------------------------------


def threat_ledger(
    store: Store,
    *,
    window_days: int = DEFAULT_WINDOW_DAYS,
    as_of: date | None = None,
) -> list[ThreatEntry]:
    """Every ledger entry with its status and the reason for it, oldest first.
    With ``as_of``, only the reports published on or before that day count."""
    if window_days < 0:
        raise ValueError("window_days must be zero or more")
    replayed = as_of is not None and store.holds_reports_after(as_of)
    if replayed:
        stories = _replayed(store, as_of)  # type: ignore[arg-type]
    else:
        as_of = as_of or store.scalar("SELECT max(published) FROM articles")
        stories = _stored(store)
    by_actor = _index(stories.acts)
    ledger = []
    for candidate in stories.candidates:
        entry = _entry(candidate)
        if entry is not None:
            _judge(entry, candidate, by_actor, window_days, as_of)
            ledger.append(entry)
    if not replayed:
        _apply_reviews(store, ledger)
    carried = sorted({e.carried_out_by for e in ledger if e.carried_out_by})
    if carried:
        reports = stories.reports_of(carried)
        for entry in ledger:
            if entry.carried_out_by:
                entry.carried_out_reports = reports.get(entry.carried_out_by, [])
                entry.carried_out_event = next(
                    (r["event_id"] for r in entry.carried_out_reports if r["modality"] == "asserted"),
                    entry.carried_out_reports[0]["event_id"] if entry.carried_out_reports else None,
                )
    ledger.sort(key=lambda e: (e.date is None, e.date or date.min, int(e.story_id[1:]) if e.story_id[1:].isdigit() else 0))
    return ledger


def _apply_reviews(store: Store, ledger: list[ThreatEntry]) -> None:
    """The statuses analysts set (the latest review of an entry wins): found through the threat's and
    the act's reports, so they hold when stories are built again under new ids."""
    reviews = store.reviews(active=True, kinds=("threat",))
    if not reviews:
        return
    from .reviewed import story_of_anchors

    anchors = store.review_anchors([r.review_id for r in reviews])
    found = store.resolve_anchors(a for pairs in anchors.values() for _, a in pairs)
    story_of = store.story_ids_of_events(sorted({e for e in found.values() if e is not None}))
    entries = {e.story_id: e for e in ledger}
    for review in reviews:
        pairs = anchors.get(review.review_id, [])
        entry = entries.get(story_of_anchors([a for r, a in pairs if r == "subject"], found, story_of) or "")
        value = review.new_value if isinstance(review.new_value, dict) else {}
        status = value.get("status")
        if entry is None or status not in STATUSES:
            continue  # orphaned: the threat's reports are gone
        by = story_of_anchors([a for r, a in pairs if r == "other"], found, story_of)
        if status == "carried out" and by is None:
            continue  # the act's reports are gone
        entry.status, entry.carried_out_by, entry.reviewed = status, by if status == "carried out" else None, True
        entry.carried_out_event, entry.carried_out_reports = None, []
        entry.status_date = store.scalar("SELECT event_date FROM stories WHERE story_id = ?", [by]) if by else None
        why = f": {review.note}" if review.note else ""
        entry.reason = f"{status}: set by {review.reviewer} (review {review.review_id}){why}"


# --- the stories as stored ----------------------------------------------------------------------


_CANDIDATES_SQL = """
    SELECT s.story_id, s.event_type, s.quad_class, s.event_date, s.date_hi, s.condition.text,
           s.consequence.event_type, s.consequence.cameo_code
    FROM stories s
    WHERE s.event_type = 'THREATEN' AND s.modality NOT IN ('negated', 'denied') OR s.modality = 'conditional'
    ORDER BY s.event_date NULLS LAST, s.seq"""

_REPORTS_SQL = """
    SELECT m.story_id, e.event_id, a.outlet, e.article_id, a.published, se.text AS sentence, e.trigger,
           e.attribution.text AS attribution, e.modality, e.event_type, coalesce(c.copy_of, e.article_id),
           to_json(e.actor), to_json(e.recipient), to_json(e.consequence.recipient), e.condition.text,
           EXISTS (SELECT 1 FROM events t WHERE t.article_id = e.article_id AND t.sentence_index = e.sentence_index
                   AND t.event_type = 'THREATEN') AS threat_in_sentence
    FROM story_mentions m JOIN events e USING (event_id) JOIN articles a ON a.article_id = e.article_id
    LEFT JOIN sentences se ON se.article_id = e.article_id AND se.sentence_index = e.sentence_index
    LEFT JOIN article_copies c ON c.article_id = e.article_id
    WHERE m.story_id IN (SELECT story_id FROM {stories})
    ORDER BY a.published NULLS LAST, e.article_id, e.sentence_index, e.span_start"""

_ACTS_SQL = """
    SELECT story_id, event_type, cameo_code, quad_class, modality, event_date,
           to_json(list_distinct([x.country FOR x IN actor IF coalesce(x.country, '') <> ''])),
           to_json(list_distinct([x.country FOR x IN recipient IF coalesce(x.country, '') <> '']))
    FROM stories WHERE event_type <> 'THREATEN' AND modality IN ('asserted', 'negated') AND event_date IS NOT NULL
    ORDER BY event_date, seq"""


def _report(row: tuple, parsed: dict) -> dict:
    (_, event_id, outlet, article_id, published, sentence, trigger, attribution, modality, event_type, group,
     actor, recipient, target, condition, threat_in_sentence) = row  # fmt: skip
    return {
        "event_id": event_id, "outlet": outlet, "article_id": article_id, "published": published,
        "sentence": sentence, "trigger": trigger, "attribution": attribution, "modality": modality,
        "_type": event_type, "_group": group, "_actor": _parsed(parsed, actor) or [],
        "_recipient": _parsed(parsed, recipient) or [], "_target": _parsed(parsed, target) or [],
        "_condition": condition, "_threat_in_sentence": bool(threat_in_sentence),
    }  # fmt: skip


def _stored(store: Store) -> _Stories:
    """The ledger's view of the stories as the store holds them."""
    parsed: dict[str | None, object] = {}
    reports = defaultdict(list)
    threat_stories = ("(SELECT story_id FROM stories WHERE event_type = 'THREATEN' OR modality = 'conditional')")
    for row in store.query(_REPORTS_SQL.format(stories=threat_stories)):
        reports[row[0]].append(_report(row, parsed))
    candidates = [
        _Candidate(sid, etype, quad, day, hi, condition, ctype, cameo, reports.get(sid, []))
        for sid, etype, quad, day, hi, condition, ctype, cameo in store.query(_CANDIDATES_SQL)
    ]
    countries: dict[str | None, frozenset[str]] = {}
    acts = []
    for sid, etype, cameo, quad, modality, day, actors, recipients in store.query(_ACTS_SQL):
        for text in (actors, recipients):
            if text not in countries:
                countries[text] = frozenset(json.loads(text) if text else ())
        acts.append(_Act(sid, etype, cameo or "", quad or 0, modality, day, countries[actors], countries[recipients]))

    def reports_of(story_ids: list[str]) -> dict[str, list[dict]]:
        store.con.register("_ledger_sids", _ids_table(story_ids))
        try:
            found = defaultdict(list)
            for row in store.query(_REPORTS_SQL.format(stories="_ledger_sids")):
                found[row[0]].append(_public(_report(row, parsed)))
            return found
        finally:
            store.con.unregister("_ledger_sids")

    return _Stories(candidates, acts, reports_of)


def _ids_table(story_ids: list[str]) -> pa.Table:
    return pa.table({"story_id": pa.array(story_ids, pa.string())})


# --- the stories as a store holding only the reports published by a day would have them ---------


def _replayed(store: Store, as_of: date) -> _Stories:
    """The story stage run again, in memory, over the reports published on or
    before ``as_of``, in the order a store holding only them would have run it
    (wire copies, story membership and consensus as they stood that day)."""
    finder = CopyFinder()
    copy_of = {article_id: finder.add(article_id, values).copy_of for article_id, values in _signatures(store, as_of)}
    rows = store.reports_published_by(as_of)
    mentions = [mention_from_row(r, copy_of) for r in rows]
    merger = Merger()
    story_of: dict[str, str] = {}
    members: dict[str, list[int]] = defaultdict(list)
    for n, m in enumerate(mentions):
        sid, _ = merger.assign(m)
        story_of[m.event_id] = sid
        members[sid].append(n)
    threat_sentences = {(r["article_id"], r["sentence_index"]) for r in rows if r["event_type"] == "THREATEN"}
    public: dict[str, list[dict]] = {}
    candidates, acts = [], []
    for sid in sorted(members, key=lambda s: int(s[1:])):
        ms = sorted((mentions[n] for n in members[sid]), key=lambda m: (m.published or date.min, m.article_id, m.sentence_index))
        state = merger.stories[sid]
        summary = summarise(sid, ms, story_of, window=(state.lo, state.hi))
        reports = [_replayed_report(rows[n], mentions[n], threat_sentences) for n in members[sid]]
        public[sid] = [_public(r) for r in reports]
        threat = summary.event_type == "THREATEN" and summary.modality not in ("negated", "denied")
        if threat or summary.modality == "conditional":
            consequence = summary.consequence
            candidates.append(_Candidate(
                sid, summary.event_type, summary.quad_class, summary.event_date, state.hi,
                summary.condition.text if summary.condition else None,
                consequence.event_type if consequence else None, consequence.cameo_code if consequence else None,
                reports,
            ))  # fmt: skip
        elif summary.modality in ("asserted", "negated") and summary.event_date is not None:
            acts.append(_Act(
                sid, summary.event_type, summary.cameo_code or "", summary.quad_class, summary.modality,
                summary.event_date, frozenset(a.country for a in summary.actor if a.country),
                frozenset(a.country for a in summary.recipient if a.country),
            ))  # fmt: skip
    candidates.sort(key=lambda c: (c.event_date is None, c.event_date or date.min, int(c.story_id[1:])))
    acts.sort(key=lambda a: (a.date, int(a.story_id[1:])))
    return _Stories(candidates, acts, lambda ids: {sid: public.get(sid, []) for sid in ids})


def _signatures(store: Store, as_of: date) -> Iterator[tuple[str, np.ndarray]]:
    for article_id, values in store.signatures_published_by(as_of):
        yield article_id, np.asarray(values, dtype=np.uint32)


def _replayed_report(row: dict, mention: Mention, threat_sentences: set) -> dict:
    attribution = row.get("attribution") or {}
    condition = row.get("condition") or {}
    consequence = row.get("consequence") or {}
    return {
        "event_id": row["event_id"], "outlet": row.get("outlet"), "article_id": row["article_id"],
        "published": row.get("published"), "sentence": row.get("sentence"), "trigger": row.get("trigger"),
        "attribution": attribution.get("text") if attribution else None, "modality": row.get("modality"),
        "_type": row["event_type"], "_group": mention.copy_group, "_actor": row.get("actor") or [],
        "_recipient": row.get("recipient") or [], "_target": consequence.get("recipient") or [],
        "_condition": condition.get("text"),
        "_threat_in_sentence": (row["article_id"], row["sentence_index"]) in threat_sentences,
    }  # fmt: skip


def _public(report: dict) -> dict:
    """A report as the ledger shows it (without the fields only the judge reads)."""
    return {k: v for k, v in report.items() if not k.startswith("_")}


def _parsed(parsed: dict[str | None, object], text: str | None) -> object:
    """JSON text from DuckDB's to_json as Python values, each distinct text
    parsed once and then shared: read, never changed. NULL stays None."""
    if text in parsed:
        return parsed[text]
    return parsed.setdefault(text, None if text is None else json.loads(text))


# --- entries -----------------------------------------------------------------------------------


def _inside_condition(report: dict) -> bool:
    """A report whose trigger is part of its own condition clause ("if Israel
    attacked", "if the US supported any Israeli retaliation"): the condition,
    not the threat."""
    condition = (report["_condition"] or "").lower()
    words = (report["trigger"] or "").lower().split()
    return bool(condition and words and words[0] in condition.split())


def _clause_reports(candidate: _Candidate) -> list[dict]:
    """The reports of the threatening clause itself."""
    if candidate.event_type == "THREATEN":
        return [r for r in candidate.reports if not _inside_condition(r)]
    # a conditional statement is an entry when its own act is the consequence,
    # and its sentence holds no THREATEN (then the threat is the entry)
    return [r for r in candidate.reports if not _inside_condition(r) and not r["_threat_in_sentence"]]


def _side(reports: list[dict], role: str, exclude: frozenset[str] = frozenset()) -> tuple[list[str], list[str]]:
    """The countries and names of one side of the clause: the country set most
    independent reports give (copies vote once), ties to the first given."""
    votes: Counter = Counter()
    first: dict[tuple, list[dict]] = {}
    seen = set()
    for r in reports:
        refs = [a for a in r[role] if a.get("country") not in exclude] if exclude else r[role]
        if role == "_recipient" and not refs:  # "threatened to strike Israel": the threatened target
            refs = [a for a in r["_target"] if a.get("country") not in exclude]
        key = tuple(sorted({a["country"] for a in refs if a.get("country")}))
        if not key or (r["_group"], key) in seen:
            continue
        seen.add((r["_group"], key))
        votes[key] += 1
        first.setdefault(key, refs)
    if not votes:
        return [], []
    best = max(votes.items(), key=lambda kv: kv[1])[0]  # max keeps the first of equals
    names = []
    for a in first[best]:
        if a.get("country") not in best:
            continue
        name = a.get("name") or a.get("text")
        if name and name not in names:
            names.append(name)
    return list(best), names


def _entry(candidate: _Candidate) -> ThreatEntry | None:
    reports = _clause_reports(candidate)
    if not reports:
        return None
    declarant, declarant_names = _side(reports, "_actor")
    # a declarant is not its own addressee ("Israel's strike will be lethal")
    addressee, addressee_names = _side(reports, "_recipient", exclude=frozenset(declarant))
    conditional = candidate.event_type != "THREATEN"
    return ThreatEntry(
        story_id=candidate.story_id,
        kind="conditional" if conditional else "threat",
        declarant=declarant,
        addressee=addressee,
        declarant_names=declarant_names,
        addressee_names=addressee_names,
        date=candidate.event_date,
        condition=candidate.condition,
        consequence=candidate.event_type if conditional else candidate.consequence_type,
        sources=[_public(r) for r in reports],
    )


# --- judging ----------------------------------------------------------------------------------


def _index(acts: list[_Act]) -> dict[str, tuple[list[date], list[_Act]]]:
    """Acts by actor country ("" for none), in date order, for bisecting a window."""
    by_actor: dict[str, tuple[list[date], list[_Act]]] = {}
    for act in acts:
        for country in act.actors or ("",):
            dates, items = by_actor.get(country) or by_actor.setdefault(country, ([], []))
            dates.append(act.date)
            items.append(act)
    return by_actor


@dataclass(slots=True, frozen=True)
class _Kind:
    """The threatened kind of act: a PLOVER type and CAMEO root, or a QuadClass."""

    event_type: str | None
    root: str | None
    quad: int | None

    def admits(self, act: _Act) -> bool:
        if self.event_type is not None:
            return act.event_type == self.event_type or bool(self.root and act.cameo_code[:2] == self.root)
        return act.quad_class == self.quad

    def __str__(self) -> str:
        if self.event_type is not None:
            return f"{self.event_type} (CAMEO {self.root})" if self.root else self.event_type
        return "material conflict"


def _kind(entry: ThreatEntry, candidate: _Candidate) -> _Kind:
    """What the threat threatens: its consequence (a conditional statement's own
    act), unless that is a threat or cooperation (a coding slip: "would be met
    with a response"), then any material conflict."""
    if entry.kind == "conditional":
        event_type, cameo = candidate.event_type, None
        quad = candidate.quad_class
    else:
        event_type, cameo = candidate.consequence_type, candidate.consequence_cameo
        quad = quad_class(cameo) if cameo else None
    if event_type is None or event_type == "THREATEN" or quad in _COOPERATION:
        return _Kind(None, None, _MATERIAL_CONFLICT)
    return _Kind(event_type, cameo[:2] if cameo else None, quad)


def _parties(countries: list[str] | frozenset[str], none: str) -> str:
    return ", ".join(sorted(countries)) or none


def _judge(entry: ThreatEntry, candidate: _Candidate, by_actor: dict, window_days: int, as_of: date | None) -> None:
    """Judge one entry and say why. Acts count from the threat's day (the story's
    consensus date) to the window's end after the last day it can have been made
    on, and never after ``as_of``."""
    if candidate.event_date is None:
        entry.reason = "open: the threat has no date, so no act can be placed after it"
        return
    # the last day the threat can have been made on ("earlier this month": the month's last day known)
    start = max(candidate.date_hi or candidate.event_date, candidate.event_date)
    kind = _kind(entry, candidate)
    targets = set(entry.addressee) | set(_side(_clause_reports(candidate), "_target", exclude=frozenset(entry.declarant))[0])
    by = _parties(entry.declarant, "an unknown declarant")
    against = _parties(targets, "any target")
    end = start + timedelta(days=window_days)
    last = min(end, as_of) if as_of is not None else end
    pool: dict[str, _Act] = {}
    for country in [*entry.declarant, ""]:
        if country in by_actor:
            dates, items = by_actor[country]
            for act in items[bisect_left(dates, start) : bisect_right(dates, last)]:
                if act.story_id != entry.story_id:
                    pool[act.story_id] = act
    declarant, addressee = set(entry.declarant), set(entry.addressee)
    threatened = targets
    for act in sorted(pool.values(), key=lambda a: (a.date, int(a.story_id[1:]) if a.story_id[1:].isdigit() else 0)):
        by_declarant = bool(act.actors & declarant)
        days = (act.date - start).days
        after = f"{days} day{'s' if days != 1 else ''} after the threat" if days else "the day of the threat"
        if act.modality == "asserted" and by_declarant and (not threatened or act.recipients & threatened) and kind.admits(act):
            entry.status, entry.carried_out_by, entry.status_date = "carried out", act.story_id, act.date
            entry.reason = (
                f"carried out: asserted {act.event_type} by {_parties(act.actors, '?')} on "
                f"{_parties(act.recipients, 'an unnamed target')}, {act.date.isoformat()}, {after}"
            )
            return
        to_addressee = bool(act.recipients & addressee)
        if act.modality == "negated" and act.date > start and (
            (kind.event_type is not None and kind.admits(act))
            or (kind.event_type is None and act.quad_class == _MATERIAL_CONFLICT and to_addressee)
        ) and (by_declarant or (not act.actors and to_addressee)) and (
            not threatened or not act.recipients or act.recipients & threatened
        ):
            # "Iran had no intention of targeting Saudi Arabia"
            entry.status, entry.status_date = "withdrawn", act.date
            entry.reason = (
                f"withdrawn: negated {act.event_type} by {_parties(act.actors, 'an unnamed actor')} on "
                f"{_parties(act.recipients, 'an unnamed target')}, {act.date.isoformat()}, {after}"
            )
            return
    if not entry.declarant:
        missing = "no declarant country named, so no act can carry it out"
    else:
        missing = f"no asserted act of the threatened kind ({kind}) by {by} against {against}"
    if as_of is not None and as_of > end:
        entry.status, entry.status_date = "lapsed", end
        entry.reason = f"lapsed: window ended {end.isoformat()} with {missing}"
    else:
        entry.reason = f"open: window runs to {end.isoformat()}; so far {missing}"


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

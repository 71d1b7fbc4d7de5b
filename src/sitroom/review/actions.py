"""Making, listing and undoing reviews: the library the CLI (``sitroom review``), the
Python API and the HTTP API call. Each function checks what it is given (ReviewError,
E119, names what is wrong), stores one review per change (who, when, why, old and new
value) and brings the stories up to date, so every view shows the review at once."""

from __future__ import annotations

import functools
import getpass
import json
import os
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import IO

from ..errors import FilterError, ReviewError
from ..filters import ActorIndex, default_dictionary, event_types
from ..store import Store
from .records import ACTIONS, Anchor, Review

__all__ = [
    "REVIEW_COLUMNS", "default_reviewer", "list_reviews", "merge_stories", "review_event", "review_link",
    "review_threat", "split_event", "training_records", "undo_review", "write_training",
]  # fmt: skip

REVIEW_COLUMNS = (
    "review_id", "created_at", "reviewer", "kind", "action", "target", "other", "old_value", "new_value", "note",
    "status", "events", "undone_at", "undone_by",
)  # fmt: skip


def default_reviewer() -> str:
    """``$SITROOM_REVIEWER``, else the name of the user running Sitroom."""
    name = os.environ.get("SITROOM_REVIEWER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment
        return "unknown"


def _who(by: str | None) -> str:
    name = (by if by is not None else default_reviewer()).strip()
    if not name:
        raise ReviewError("the reviewer's name is empty: give --by NAME (or set SITROOM_REVIEWER)")
    return name[:200]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _finish(store: Store) -> None:
    """The story stage, with every review applied."""
    from ..stories import complete_stories

    complete_stories(store)


# --- events -------------------------------------------------------------------------------------


def _event(store: Store, event_id: str) -> tuple[Anchor, dict | None]:
    """An event's anchor and its row as every reader sees it (None when rejected)."""
    anchor = store.event_anchor(event_id)
    if anchor is None:
        raise ReviewError(f"no event {event_id!r} in the store (see 'sitroom events' for event ids)", missing=True)
    rows = store.rows(
        """SELECT e.event_type, e.cameo_code, e.quad_class, e.intensity, e.actor, e.recipient, a.published
           FROM events e JOIN articles a USING (article_id) WHERE e.event_id = ?""",
        [event_id],
    )
    return anchor, (rows[0] if rows else None)


@functools.cache
def _type_codes() -> dict[str, tuple[str, int, float]]:
    """Each PLOVER type's usual CAMEO code (the lexicon's most frequent), QuadClass and intensity."""
    from ..coding.lexicon import load_lexicon, quad_class

    lexicon = load_lexicon()
    counts: dict[str, Counter] = {}
    for entries in lexicon.entries.values():
        for e in entries:
            counts.setdefault(e.event_type, Counter())[e.cameo] += 1
    out = {}
    for event_type, codes in counts.items():
        code = max(codes.items(), key=lambda kv: (kv[1], kv[0]))[0]
        cameo = lexicon.cameo.get(code)
        out[event_type] = (code, quad_class(code), cameo.goldstein if cameo else 0.0)
    return out


def _typed(event_type: str) -> dict:
    value = event_type.strip().upper()
    if value not in event_types():
        raise ReviewError(f"unknown event type {event_type!r}; choose from {', '.join(event_types())}")
    code, quad, intensity = _type_codes().get(value, (None, None, None))
    return {"event_type": value, "cameo_code": code, "quad_class": quad, "intensity": intensity}


def _actors(store: Store, text: str, role: str, published: object) -> list[dict]:
    """The actor refs a correction names (comma-separated names, aliases or codes), resolved as the filters
    resolve them: IRN, IRNMIL, Iran, Hezbollah."""
    index = ActorIndex.for_store(store)
    refs = []
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        try:
            side = index.resolve(part, role)
        except FilterError as exc:
            raise ReviewError(exc.message) from None
        if side.name:
            entry = default_dictionary().aliases.get(side.name) or default_dictionary().caseless.get(side.name.lower())
            if entry is not None:
                country, sector, _ = entry.resolve(published)  # type: ignore[arg-type]
            else:
                found = store.query("SELECT country, sector FROM actors WHERE lower(name) = ? LIMIT 1", [side.name.lower()])
                country, sector = found[0] if found else ("", "")
            refs.append({"text": part, "name": side.name, "country": country or "", "sector": sector or ""})
        else:
            name = default_dictionary().country_name(side.country or "")
            refs.append({"text": part, "name": name, "country": side.country or "", "sector": side.sector or ""})
    if not refs:
        raise ReviewError(f"no {role} given: a name, an alias or a code (IRN, IRNMIL, Hezbollah)")
    return refs


def review_event(
    store: Store, event_id: str, *, confirm: bool = False, reject: bool = False, event_type: str | None = None,
    actor: str | None = None, recipient: str | None = None, by: str | None = None, note: str = "",
) -> list[Review]:  # fmt: skip
    """Confirm or reject an event, or correct its type, actor or recipient (one review per change)."""
    if confirm and reject:
        raise ReviewError("confirm or reject an event, not both")
    if not (confirm or reject or event_type or actor or recipient):
        raise ReviewError("say what the review does: confirm, reject, a type, an actor or a recipient")
    if reject and (event_type or actor or recipient):
        raise ReviewError("a rejected event takes no corrections")
    reviewer = _who(by)
    anchor, row = _event(store, event_id)
    if row is None and not (confirm or reject):
        raise ReviewError(f"event {event_id} is rejected: confirm it before correcting it")
    changes: list[tuple[str, object, object]] = []
    if confirm or reject:
        changes.append(("confirm" if confirm else "reject", "rejected" if row is None else "stands",
                        "stands" if confirm else "rejected"))  # fmt: skip
    if event_type:
        old = {k: row[k] for k in ("event_type", "cameo_code", "quad_class", "intensity")}  # type: ignore[index]
        changes.append(("type", old, _typed(event_type)))
    for role, text in (("actor", actor), ("recipient", recipient)):
        if text:
            new = _actors(store, text, role, row["published"])  # type: ignore[index]
            changes.append((role, {role: row[role]}, {role: new}))  # type: ignore[index]
    stories = list(store.story_ids_of_events([event_id]).values())
    made = []
    for action, old, new in changes:
        review = Review(f"R{store.next_review_seq()}", "event", action, event_id, reviewer, _now(), note, None, old, new)
        store.add_review(review, [("subject", anchor)], take_apart=stories)
        made.append(review)
    _finish(store)
    return made


# --- stories --------------------------------------------------------------------------------------


def _story_anchors(store: Store, story_id: str, role: str) -> list[tuple[str, Anchor]]:
    events = store.story_event_ids(story_id)
    if not events:
        raise ReviewError(f"no story {story_id!r} in the store (see 'sitroom stories' for story ids)", missing=True)
    return [(role, a) for e in events if (a := store.event_anchor(e)) is not None]


def merge_stories(store: Store, first: str, second: str, *, by: str | None = None, note: str = "") -> Review:
    """The two stories are one act: every report of ``second`` joins ``first``."""
    if first == second:
        raise ReviewError(f"cannot merge story {first} with itself")
    reviewer = _who(by)
    anchors = _story_anchors(store, first, "subject") + _story_anchors(store, second, "other")
    review = Review(f"R{store.next_review_seq()}", "story", "merge", first, reviewer, _now(), note, second,
                    {"stories": [first, second]}, {"story": first})  # fmt: skip
    store.add_review(review, anchors)
    _finish(store)
    return review


def split_event(store: Store, event_id: str, *, by: str | None = None, note: str = "") -> Review:
    """The event reports an act of its own: it leaves its story for a new one."""
    reviewer = _who(by)
    anchor, row = _event(store, event_id)
    story = store.story_ids_of_events([event_id]).get(event_id)
    if row is None or story is None:
        raise ReviewError(f"event {event_id} is in no story (a rejected event is in none)")
    if len(store.story_event_ids(story)) < 2:
        raise ReviewError(f"event {event_id} is the only report of story {story}: there is nothing to split it from")
    review = Review(f"R{store.next_review_seq()}", "story", "split", event_id, reviewer, _now(), note, None,
                    {"story": story}, {"story": "new"})  # fmt: skip
    store.add_review(review, [("subject", anchor)])
    _finish(store)
    return review


def _story_row(store: Store, story_id: str) -> dict:
    rows = store.rows("SELECT story_id, responds_to, event_date FROM stories WHERE story_id = ?", [story_id])
    if not rows:
        raise ReviewError(f"no story {story_id!r} in the store (see 'sitroom stories' for story ids)", missing=True)
    return rows[0]


def review_link(
    store: Store, story_id: str, *, action: str, to: str | None = None, by: str | None = None, note: str = ""
) -> Review:
    """Confirm or reject that ``story_id`` responds to ``to`` (default: the story it is linked to now);
    confirming a link to another story sets that link."""
    if action not in ACTIONS["link"]:
        raise ReviewError(f"a link is confirmed or rejected, not {action!r}")
    reviewer = _who(by)
    row = _story_row(store, story_id)
    target = to or row["responds_to"]
    if target is None:
        raise ReviewError(f"story {story_id} responds to no story: name the one it responds to (--to)")
    if target == story_id:
        raise ReviewError(f"story {story_id} cannot respond to itself")
    _story_row(store, target)
    anchors = _story_anchors(store, story_id, "subject") + _story_anchors(store, target, "other")
    review = Review(f"R{store.next_review_seq()}", "link", action, story_id, reviewer, _now(), note, target,
                    {"responds_to": row["responds_to"]}, {"responds_to": target if action == "confirm" else None})  # fmt: skip
    store.add_review(review, anchors)
    _finish(store)
    return review


def review_threat(
    store: Store, story_id: str, *, status: str, by_story: str | None = None, by: str | None = None, note: str = ""
) -> Review:
    """Set a threat ledger entry's status (``carried out`` by ``by_story``, ``open``, ``withdrawn``, ``lapsed``)."""
    from ..stories.ledger import STATUSES, threat_ledger

    status = status.strip().lower()
    if status not in STATUSES:
        raise ReviewError(f"unknown status {status!r}; choose from {', '.join(STATUSES)}")
    if (status == "carried out") != (by_story is not None):
        raise ReviewError("'carried out' needs the story that carried the threat out (--by-story), and only it")
    reviewer = _who(by)
    entry = next((e for e in threat_ledger(store) if e.story_id == story_id), None)
    if entry is None:
        raise ReviewError(f"story {story_id!r} is not in the threat ledger (see 'sitroom threats')")
    anchors = _story_anchors(store, story_id, "subject")
    if by_story is not None:
        if by_story == story_id:
            raise ReviewError("a threat is not carried out by itself")
        _story_row(store, by_story)
        anchors += _story_anchors(store, by_story, "other")
    review = Review(f"R{store.next_review_seq()}", "threat", "status", story_id, reviewer, _now(), note, by_story,
                    {"status": entry.status, "carried_out_by": entry.carried_out_by},
                    {"status": status, "carried_out_by": by_story})  # fmt: skip
    store.add_review(review, anchors)
    _finish(store)
    return review


# --- listing and undoing --------------------------------------------------------------------------


def list_reviews(store: Store, *, include_undone: bool = True) -> list[dict]:
    """Every review, in the order made, with its ``status``: applied, orphaned (none of its events is
    stored any more: kept, applied to nothing) or undone; ``events``: the stored events it finds now."""
    reviews = store.reviews(active=not include_undone)
    anchors = store.review_anchors([r.review_id for r in reviews]) if reviews else {}
    found = store.resolve_anchors(a for pairs in anchors.values() for _, a in pairs)
    rows = []
    for r in reviews:
        pairs = anchors.get(r.review_id, [])
        events = [found[a] for _, a in pairs if found.get(a)]
        roles = {role for role, a in pairs if found.get(a)}
        complete = roles == {role for role, _ in pairs}
        status = "undone" if r.undone_at else ("applied" if events and complete else "orphaned")
        rows.append({
            "review_id": r.review_id, "created_at": r.created_at, "reviewer": r.reviewer, "kind": r.kind,
            "action": r.action, "target": r.target, "other": r.other, "old_value": r.old_value,
            "new_value": r.new_value, "note": r.note, "status": status, "events": list(dict.fromkeys(events)),
            "undone_at": r.undone_at, "undone_by": r.undone_by,
        })  # fmt: skip
    return rows


def undo_review(store: Store, review_id: str, *, by: str | None = None) -> Review:
    """Undo a review: it stays listed (undone, by whom, when); the machine's judgement (or an earlier
    review) stands again everywhere."""
    review = store.review(review_id.strip().upper())
    if review is None:
        raise ReviewError(f"no review {review_id!r} (see 'sitroom review list')", missing=True)
    if review.undone_at is not None:
        raise ReviewError(f"review {review.review_id} is undone already")
    reviewer = _who(by)
    pairs = store.review_anchors([review.review_id]).get(review.review_id, [])
    found = [e for e in store.resolve_anchors(a for _, a in pairs).values() if e]
    stories = sorted(set(store.story_ids_of_events(found).values())) if review.kind != "threat" else []
    store.undo_review(review.review_id, reviewer, _now(), take_apart=stories)
    _finish(store)
    return store.review(review.review_id)  # type: ignore[return-value]


# --- training data --------------------------------------------------------------------------------


def training_records(store: Store) -> Iterator[dict]:
    """Each article with a reviewed event as a ``sitroom train`` article record (docs/training.md): its
    text and every event the store holds for it with the reviews applied (rejected events left out, so
    they are negatives); reviewed events carry ``reviewed: true``."""
    reviews = store.reviews(active=True, kinds=("event",))
    anchors = store.review_anchors([r.review_id for r in reviews]) if reviews else {}
    articles = sorted({a.article_id for pairs in anchors.values() for _, a in pairs})
    for article_id in articles:
        head = store.rows("SELECT article_id, title, published, text FROM articles WHERE article_id = ?", [article_id])
        if not head:
            continue  # orphaned: the article is gone
        article = head[0]
        text = article["text"] or ""
        events = []
        for e in store.rows(
            """SELECT e.event_id, e.event_type, e.cameo_code, e.modality, e.actor, e.recipient, e.event_date,
                      e.span_start, e.span_end, e.reviewed, s.text AS sentence
               FROM events e JOIN sentences s ON s.article_id = e.article_id AND s.sentence_index = e.sentence_index
               WHERE e.article_id = ? ORDER BY e.span_start, e.event_id""",
            [article_id],
        ):
            quote = e["sentence"] or ""
            trigger = text[e["span_start"] : e["span_end"]]
            if not quote or quote not in text or not trigger or trigger not in quote:
                continue
            events.append({
                "id": e["event_id"], "quote": quote, "trigger": trigger, "type": e["event_type"],
                "cameo": e["cameo_code"], "modality": e["modality"] or "asserted",
                "actor": [{"country": a["country"], "sector": a["sector"], "name": a["name"]} for a in e["actor"] or []],
                "recipient": [{"country": a["country"], "sector": a["sector"], "name": a["name"]}
                              for a in e["recipient"] or []],
                "date": e["event_date"].isoformat() if e["event_date"] else None, "required": True,
                "reviewed": bool(e["reviewed"]),
            })  # fmt: skip
        yield {
            "id": article_id, "title": article["title"],
            "published": article["published"].isoformat() if article["published"] else None,
            "text": text, "events": events,
        }  # fmt: skip


def write_training(store: Store, out: IO[str]) -> int:
    """Write ``training_records`` as JSON Lines; returns the number of articles written."""
    n = 0
    for record in training_records(store):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        n += 1
    return n

"""The date of an event: the date expression of its own clause, resolved
against the publication date with the tense of the event.

Which date phrase belongs to the event:

- one attached to the trigger or to the words governing it, up to (not
  including) the verb of saying, a denial ("Iran on Friday denied attacking":
  Friday is the denial's) or a reason ("fled on Monday amid fears of an
  invasion": Monday is the flight's);
- for an act noun, one closing its phrase, even where the parser hung it on the
  verb above ("vowed revenge for the strike on its embassy on April 1");
- one attached to the trigger's object ("killed a commander ... last month"),
  a coordinated verb sharing its subject ("killed three and wounded 34 on
  Sunday"), or inside a temporal phrase ("during its 2006 conflict");
- failing those, one further down the trigger's clause, as long as no other
  clause with a subject of its own, no reason phrase and no other event's
  possessive ("after Tuesday's attack") stands between.

"The next day" counts from the last date written before it in the article.

An asserted act told in a past tense with no date phrase of its own takes the
day the report has set for its story: the last date written before it (not
its own verb of saying's), when that names a day one to three days before
publication ("Russian missiles struck Kharkiv on Tuesday ... Air defences
shot down most of the drones").
Acts in the present perfect or present ("has deployed") stay on the
publication day, and a last date further back carries nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from spacy.tokens import Span, Token

from .clause import Frame
from .dates import MONTHS, WEEKDAYS, ResolvedDate, resolve_date
from .rules import FramingRules
from .sentence import DAY_WORDS, SentenceFacts
from .tree import children

__all__ = ["date_expression", "event_date", "narrative_date"]

_WEEKDAY_NAMES = frozenset(WEEKDAYS)
_DAY_NAMES = DAY_WORDS | _WEEKDAY_NAMES
_TEMPORAL_PREPS = frozenset("on in at during since by until throughout within early late".split())
_REASON_PREPS = frozenset("after amid over because despite following before since ahead".split())
_CAUSE_NOUNS = frozenset("response retaliation reply revenge reprisal answer wake".split())
_RECENT_DAYS = 3  # a day named this close to publication is the news the article tells
_RELATIVE = ("next day", "following day", "day later", "day before", "previous day", "preceding day",
             "next morning", "following morning", "next evening", "following night", "day earlier")  # fmt: skip


def _attachment(ent: Span) -> Token:
    """The word a date phrase modifies: the head of its preposition, or of the phrase."""
    root = ent.root
    if root.dep_ in ("pobj", "pcomp") and root.head.dep_ == "prep":
        return root.head.head
    return root.head


def _holders(frame: Frame, rules: FramingRules) -> list[Token]:
    """Words whose date phrases are the event's, the trigger first."""
    out: list[Token] = []
    trigger = frame.trigger
    for t in frame.chain:
        if t.i != trigger.i:
            lemma = t.lemma_.lower()
            if lemma in rules.denial_verbs or lemma in _CAUSE_NOUNS:
                break
            if t.dep_ == "prep" and t.lower_ in _REASON_PREPS:
                break
        out.append(t)
    extra: list[Token] = []
    for t in out:
        for c in children(t):
            if c.dep_ in ("dobj", "obj"):
                extra.append(c)
                extra.extend(x for x in children(c) if x.dep_ == "conj")
            elif c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") and not any(x.dep_ in ("nsubj", "nsubjpass") for x in children(c)):
                extra.append(c)
            elif c.dep_ == "prep" and c.lower_ in _TEMPORAL_PREPS:
                extra.extend(p for p in children(c) if p.dep_ == "pobj")
    return out + extra


def _reaches(start: Token, targets: set[int], frame: Frame, rules: FramingRules) -> bool:
    """Does ``start`` hang from the event's clause with no other clause, reason or
    reporter in between?"""
    tok = start
    for _ in range(8):
        if tok.i in targets:
            return True
        if tok.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubj", "nsubjpass") for c in children(tok)):
            return False  # another clause, with its own subject
        if tok.dep_ == "prep" and tok.lower_ in _REASON_PREPS or tok.lemma_.lower() in _CAUSE_NOUNS:
            return False
        if frame.reporter is not None and tok.i == frame.reporter.i:
            return False
        if tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def date_expression(frame: Frame, sent: SentenceFacts, rules: FramingRules) -> list[Span]:
    """Candidate date phrases of the event, best first."""
    trigger = frame.trigger
    holders = _holders(frame, rules)
    rank = {t.i: n for n, t in enumerate(holders)}
    direct: list[tuple[int, int, Span]] = []
    further: list[tuple[int, Span]] = []
    for ent in sent.dates:
        head = _attachment(ent)
        if ent.root.dep_ == "poss" or ent.root.head.dep_ == "poss" and ent.root.dep_ == "case":
            # "Tuesday's attack": the date of that noun only
            if ent.root.head.i == trigger.i:
                direct.append((0, 0, ent))
            continue
        if ent.start <= trigger.i < ent.end or head.i == trigger.i and ent.root.dep_ in ("compound", "nummod", "amod"):
            direct.append((0, 0, ent))  # "the 2019 assassination"
        elif trigger.pos_ == "NOUN" and _closes(ent, trigger):
            direct.append((0, 1, ent))  # "the strike on its embassy in Syria on April 1"
        elif head.i in rank:
            direct.append((rank[head.i], abs(ent.start - trigger.i), ent))
        elif _reaches(head, set(rank), frame, rules):
            further.append((abs(ent.start - trigger.i), ent))
    out = [e for *_, e in sorted(direct, key=lambda x: (x[0], x[1]))] + [e for _, e in sorted(further, key=lambda x: x[0])]
    if out:
        return out
    # Weekdays and "yesterday" the NER missed
    for t in holders:
        for c in children(t):
            if c.lower_ in _DAY_NAMES and c.dep_ in ("npadvmod", "tmod", "advmod", "nmod"):
                return [sent.span.doc[c.i : c.i + 1]]
            if c.dep_ == "prep" and c.lower_ == "on":
                p = next((x for x in children(c) if x.dep_ == "pobj"), None)
                if p is not None and p.lower_ in _WEEKDAY_NAMES:
                    return [sent.span.doc[c.i : p.i + 1]]
    return []


def _anchor(dates: tuple[Span, ...], before: int, published: date | None) -> date | None:
    """The last day written before character ``before`` ("on January 16 ... the next day")
    among the document's date phrases ``dates``."""
    for ent in reversed(dates):
        if ent.start_char >= before:
            continue
        text = ent.text  # a span joins its words again on every call: once per phrase
        lowered = text.lower()
        if any(r in lowered for r in _RELATIVE):
            continue
        resolved = resolve_date(text, published)
        if resolved is not None and resolved.precision == "day":
            return resolved.value
    return None


def event_date(
    frame: Frame, sent: SentenceFacts, published: date | None, rules: FramingRules, *, future: bool, asserted: bool = False
) -> tuple[ResolvedDate | None, str]:
    """(resolved date, expression text); (None, "") when the clause names no date it can resolve.
    An ``asserted`` act told in a past tense with no date of its own takes the recent day the
    article last named before it (``narrative_date``)."""
    for expr in date_expression(frame, sent, rules):
        text = expr.text
        # include a preceding "last"/"next"/"this" the NER left out
        prev = expr.doc[expr.start - 1] if expr.start > 0 else None
        if prev is not None and prev.lower_ in ("last", "next", "this") and prev.head.i in range(expr.start, expr.end):
            text = f"{prev.text} {text}"
        elif prev is not None and len(expr) == 1 and expr.text.lower() in MONTHS and prev.like_num and prev.text.isdigit() and 1 <= int(prev.text) <= 31:
            text = f"{prev.text} {text}"  # "the morning of 7 October": the day the NER left out
        lowered = text.lower()
        anchor = _anchor(sent.doc_dates, expr.start_char, published) if any(r in lowered for r in _RELATIVE) else None
        resolved = resolve_date(text, published, future=future, anchor=anchor)
        if resolved is not None:
            return resolved, text
    if asserted and not future and published is not None and _past(frame.trigger):
        carried = narrative_date(frame, sent, published, rules)
        if carried is not None:
            return carried
    return None, ""


def _closes(ent: Span, noun: Token) -> bool:
    """Does the date phrase close the phrase of the act noun ``noun``: hang inside it ("the
    strike on its embassy in Syria on April 1"), or follow it right after when the parser hung
    it on the verb above ("vowed revenge for the strike on its embassy on April 1")?"""
    if ent.start <= noun.i:
        return False
    doc = ent.doc
    tok = ent.root.head
    for _ in range(6):
        if tok.i == noun.i:
            return True
        if tok.pos_ not in ("NOUN", "PROPN", "ADP", "PART", "NUM") or tok.head.i == tok.i:
            break
        tok = tok.head
    start = ent.start - 1 if ent.start > 0 and doc[ent.start - 1].dep_ == "prep" else ent.start
    head = _attachment(ent)
    return (
        start > 0
        and noun.right_edge.i == start - 1
        and head.pos_ in ("VERB", "AUX")
        and any(a.i == head.i for a in noun.ancestors)
    )


def _past(trigger: Token) -> bool:
    """Is the act told in a past tense ("struck", "was killed", "had seized", "launched an
    attack"), not the present perfect or present ("has deployed", "is moving troops")?"""
    tok = trigger
    for _ in range(6):
        if tok.pos_ in ("VERB", "AUX") and tok.dep_ not in ("amod", "acl"):
            auxes = [c for c in children(tok) if c.dep_ in ("aux", "auxpass")]
            if any(a.tag_ in ("VBZ", "VBP", "MD") for a in auxes):
                return False
            if tok.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxes):
                return True
            if tok.dep_ not in ("xcomp", "conj", "advcl"):
                return False
        if tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def _of_reporter(ent: Span, frame: Frame, rules: FramingRules) -> bool:
    """Does the date phrase hang from the verb of saying or denial that reports the event
    ("said on Tuesday", "in a statement on Tuesday, ... said"), with no other verb between?"""
    tok = _attachment(ent)
    for _ in range(8):
        if frame.reporter is not None and tok.i == frame.reporter.i or tok.lemma_.lower() in rules.denial_verbs:
            return True
        if tok.i == frame.trigger.i or tok.pos_ in ("VERB", "AUX") or tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def narrative_date(frame: Frame, sent: SentenceFacts, published: date, rules: FramingRules) -> tuple[ResolvedDate, str] | None:
    """The day a report has set for its story when it reaches the event: the last date
    phrase written before it, if that names a day one to three days before publication.

    A report published the morning after dates its news once ("Russian forces struck Kharkiv
    on Monday") and tells the rest in the past tense without a date; those acts are that
    day's, not the publication day's. The date of the event's own verb of saying or denial
    ("Iran said on Tuesday that ...") is the saying's and is skipped; a last date further
    back (background: "since 2014", "on 3 March" a month ago) carries nothing.
    """
    trigger = frame.trigger
    before = trigger.idx
    for ent in reversed(sent.doc_dates):
        if ent.start_char >= before:
            continue
        if ent.start >= sent.span.start and _of_reporter(ent, frame, rules):
            continue  # "Iran said on Tuesday that ...": the day of the saying, not of the act
        text = ent.text  # a span joins its words again on every call: once per phrase
        lowered = text.lower()
        if any(r in lowered for r in _RELATIVE):
            continue
        resolved = resolve_date(text, published)
        if resolved is None or resolved.precision != "day":
            continue  # a week, month or year sets no day for the story
        if published - timedelta(days=_RECENT_DAYS) <= resolved.value < published:
            return resolved, text
        return None
    return None

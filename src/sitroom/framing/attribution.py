"""Who asserts an event: the subject of the verb of saying that reports it
("two European diplomats said", "the Turkish defence ministry said"), the
source of "according to", and the medium the claim went through ("told
Reuters", "state television reported", "said on X", "quoted by Tasnim")."""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Span, Token

from ..records import ActorRef, Attribution
from .clause import Frame, number_of
from .rules import FramingRules
from .sentence import SentenceFacts
from .tree import children

__all__ = ["attribution_of", "source_phrase"]

Resolve = Callable[[Token], list[ActorRef]]
_PHRASE_PREPS = frozenset("of in from with at close to".split())
_PERSON_KINDS = ("PERSON",)


def source_phrase(head: Token) -> Span:
    """The words naming a source: the noun phrase without relative clauses,
    appositions or prepositional phrases other than "of/in/from/with"
    ("officials in Tehran", "a source familiar with the talks")."""
    keep = [head]
    stack = [head]
    while stack:
        tok = stack.pop()
        for c in children(tok):
            if c.dep_ in ("relcl", "acl", "appos", "punct", "advcl", "cc", "conj", "parataxis") and not (
                c.dep_ == "acl" and c.i == tok.i + 1 and c.tag_ in ("JJ", "VBN")
            ):
                if c.dep_ not in ("cc", "conj"):
                    continue
            if c.dep_ == "prep" and c.lower_ not in _PHRASE_PREPS:
                continue
            keep.append(c)
            stack.append(c)
    ids = sorted(t.i for t in keep)
    return head.doc[ids[0] : ids[-1] + 1]


def _is_medium(tok: Token, rules: FramingRules) -> bool:
    phrase = source_phrase(tok)
    if phrase.text in rules.media_names or tok.text.rstrip(".") in rules.media_names:  # "said on X."
        return True
    words = {t.lower_ for t in phrase}
    return tok.lemma_.lower() in rules.media_nouns or tok.lower_ in rules.media_nouns or bool(
        words & {"television", "tv", "radio", "agency"}
    )


def _medium_text(tok: Token) -> str:
    text = source_phrase(tok).text
    return text[:-1] if text.endswith(".") and len(text) <= 3 else text  # "X." at the end of a sentence


def _medium_of(reporter: Token, rules: FramingRules) -> str:
    """"told Reuters", "said on X", "in an interview with CNN", "quoted by Tasnim"."""
    frontier = [reporter]
    for _ in range(3):
        nxt = []
        for tok in frontier:
            for c in children(tok):
                if c.dep_ in ("dobj", "dative", "iobj") and c.pos_ in ("PROPN", "NOUN") and _is_medium(c, rules):
                    return _medium_text(c)
                if c.dep_ in ("prep", "agent") and c.lower_ in ("on", "to", "by", "with", "in"):
                    for p in children(c):
                        if p.dep_ == "pobj":
                            if _is_medium(p, rules):
                                return _medium_text(p)
                            if p.lemma_.lower() in ("interview", "statement", "post", "broadcast", "briefing", "remark", "comment"):
                                nxt.append(p)
        frontier = nxt
    return ""


def _claim(head: Token, resolve: Resolve, rules: FramingRules, medium: str) -> Attribution:
    phrase = source_phrase(head)
    refs = resolve(head)
    country = next((r.country for r in refs if r.country), "")
    sector = next((r.sector for r in refs if r.sector), "")
    named = any(t.ent_type_ in _PERSON_KINDS for t in phrase) or head.pos_ == "PROPN"
    indefinite = head.tag_ in ("NNS", "NNPS") or any(
        c.dep_ in ("det", "nummod") and c.lower_ in ("a", "an", "one", "some", "several") or c.like_num
        for c in children(head)
    )
    anonymous = head.lemma_.lower() in rules.anonymous_nouns and not named and indefinite
    count = None
    for c in children(head):
        if c.dep_ == "nummod":
            count = number_of(c)
    is_medium = _is_medium(head, rules)
    if is_medium and not medium:
        medium = phrase.text
    return Attribution(phrase.text, country, sector, anonymous, count, medium)


def _speaker(reporter: Token) -> Token | None:
    """The subject of the verb of saying, also through "was quoted as saying"."""
    verb = reporter
    for _ in range(3):
        subject = next((c for c in children(verb) if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None and subject.tag_ in ("WDT", "WP") and verb.dep_ == "relcl" and verb.head.pos_ in ("NOUN", "PROPN"):
            return verb.head  # "Iran, which says ...", "a source who confirmed ...": the noun the clause describes
        if subject is not None:
            return subject
        if verb.dep_ in ("advcl", "xcomp", "conj", "pcomp") and verb.head.i != verb.i:
            verb = verb.head if verb.head.pos_ in ("VERB", "AUX") else verb.head.head
        else:
            return None
    return None


def attribution_of(frame: Frame, sent: SentenceFacts, resolve: Resolve, rules: FramingRules) -> Attribution | None:
    reporter = frame.reporter
    if reporter is not None:
        speaker = _speaker(reporter)
        if speaker is not None and not (speaker.lower_ == "it" and any(c.dep_ == "auxpass" for c in children(reporter))):
            medium = _medium_of(reporter, rules)
            if speaker.head.lower_ in ("quoted",):
                medium = medium or _medium_of(speaker.head, rules)
            return _claim(speaker, resolve, rules, medium)
    # "according to British intelligence"
    if sent.according_to is not None:
        return _claim(sent.according_to, resolve, rules, "")
    return None

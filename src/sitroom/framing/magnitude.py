"""How many: the dead, the injured, and counts of weapons or people in an
event ("killed a senior commander and four bodyguards" -> 5 dead, "more
than 40 rockets" -> 40 rockets, qualifier "more than")."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from ..records import Count
from .clause import Frame, number_of
from .rules import FramingRules
from .tree import children

__all__ = ["Magnitude", "magnitude_of"]


@dataclass(slots=True, frozen=True)
class Magnitude:
    dead: int | None = None
    injured: int | None = None
    counts: tuple[Count, ...] = ()


def _qualifier(num: Token, rules: FramingRules) -> str:
    words = [c for c in children(num) if c.dep_ in ("quantmod", "advmod", "amod") and c.i < num.i]
    if not words:
        return ""
    start = min(w.left_edge.i for w in words)
    text = num.doc[start : num.i].text.lower()
    return text if text in rules.count_qualifiers else ""


def _people(noun: Token) -> int | None:
    """How many people a victim phrase names: "a senior commander and four
    bodyguards" -> 5, "12 people" -> 12, "a commander" -> 1."""
    total = 0
    members = [noun] + [c for c in noun.subtree if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN")]
    for m in members:
        num = next((c for c in children(m) if c.dep_ == "nummod"), None)
        if num is not None:
            n = number_of(num)
            if n is None:
                return None
            total += n
        elif m.tag_ in ("NN", "NNP") or any(c.dep_ == "det" and c.lower_ in ("a", "an", "the", "one") for c in children(m)):
            total += 1
        elif m.like_num:
            n = number_of(m)
            if n is None:
                return None
            total += n
        else:
            return None  # "civilians": how many is not said
    return total or None


def _victims(verb: Token) -> Token | None:
    for c in children(verb):
        if c.dep_ in ("nsubjpass",) or (c.dep_ in ("dobj", "obj") and not any(x.dep_ == "auxpass" for x in children(verb))):
            return c
    if verb.dep_ == "acl" and verb.tag_ == "VBN":  # "12 people killed in the strike"
        return verb.head
    return None


def _scope(trigger: Token) -> list[Token]:
    """The trigger and the clauses that tell its outcome ("a strike that
    killed ...", "struck ..., killing ...", "the attack left 12 dead")."""
    out = [trigger]
    frontier = [trigger]
    for _ in range(2):
        nxt = []
        for tok in frontier:
            for c in children(tok):
                if c.dep_ in ("advcl", "relcl", "acl", "conj", "xcomp", "ccomp", "dobj", "obj", "oprd", "prep", "pobj"):
                    nxt.append(c)
        out.extend(nxt)
        frontier = nxt
    # a noun trigger's support verb: "launched a strike that killed ..."
    if trigger.dep_ in ("dobj", "obj", "nsubj") and trigger.head.pos_ == "VERB":
        out.append(trigger.head)
        out.extend(c for c in children(trigger.head) if c.dep_ in ("advcl", "conj", "dobj", "oprd"))
    return out


def magnitude_of(frame: Frame, rules: FramingRules) -> Magnitude | None:
    trigger = frame.trigger
    dead = injured = None
    counted: set[int] = set()
    scope = _scope(trigger)
    for tok in scope:
        lemma = tok.lemma_.lower()
        if tok.pos_ != "VERB" or lemma not in rules.killing_verbs | rules.wounding_verbs:
            continue
        victims = _victims(tok)
        if victims is None:
            continue
        n = _people(victims)
        if n is None:
            continue
        counted.update(t.i for t in victims.subtree)
        if lemma in rules.killing_verbs:
            dead = (dead or 0) + n
        else:
            injured = (injured or 0) + n
    # "left 12 dead and 30 wounded", "12 killed", "a death toll of 30"
    for tok in scope:
        for c in [tok, *children(tok)]:
            word = c.lower_
            if word in rules.dead_nouns or word in rules.injured_nouns:
                num = next((x for x in children(c) if x.dep_ == "nummod"), None)
                if num is None and c.head.like_num and c.dep_ in ("amod", "acomp", "oprd"):
                    num = c.head
                n = number_of(num) if num is not None else None
                if n is None or c.i in counted:
                    continue
                counted.add(c.i)
                if word in rules.dead_nouns and dead is None:
                    dead = n
                elif word in rules.injured_nouns and injured is None:
                    injured = n
    counts: list[Count] = []
    seen: set[int] = set()
    holders = list(scope)
    holders.extend(c for c in children(trigger) if c.dep_ in ("nsubj", "nsubjpass"))
    for tok in holders:
        for noun in [tok, *children(tok)]:
            if noun.i in seen or noun.i in counted or noun.pos_ not in ("NOUN", "PROPN"):
                continue
            if noun.lemma_.lower() not in rules.count_units:
                continue
            num = next((x for x in children(noun) if x.dep_ == "nummod"), None)
            n = number_of(num) if num is not None else None
            if n is None:
                continue
            seen.add(noun.i)
            counts.append(Count(n, noun.lower_, _qualifier(num, rules)))
    if dead is None and injured is None and not counts:
        return None
    return Magnitude(dead, injured, tuple(counts))

"""Whether an event happened: asserted, planned, conditional, hypothetical,
negated or denied, with the words that say so.

The cues are read on the trigger and the words governing it below the verb
of saying (``clause.Frame``), strongest first: a denial ("Iran denied
attacking"), a condition ("if", "unless", "should Israel attack", "any
attack would"), a negation ("did not", "no talks took place"), a
possibility ("could", "might", "a possible strike") or an act to be
prevented ("to head off an attack"), a plan or expectation
("will", "is due to", "plans to", "the planned visit").
"""

from __future__ import annotations

import functools

from spacy.tokens import Token

from .clause import Frame, condition_cue
from .rules import FramingRules
from .tree import children

__all__ = ["condition_clause", "condition_phrase_cue", "modality_of"]


def condition_clause(tok: Token, rules: FramingRules) -> tuple[Token, str] | None:
    """The condition clause hanging from ``tok`` and its cue word: "if ...",
    "unless ...", or an inverted "should Israel attack ..."."""
    for c in children(tok):
        if c.dep_ == "advcl" and (cue := condition_cue(c, rules)) is not None:
            return c, cue.lower_
    return None


def condition_phrase_cue(tok: Token, rules: FramingRules) -> str | None:
    """The cue of a prepositional phrase that states a condition ("in case of",
    "in the event of"), as written; None for any other word."""
    if tok.dep_ != "prep" or tok.lower_ != "in":
        return None
    # only the phrase's first words can hold a cue: read them until they are as long as the longest
    # cue (lower-casing never shortens a text), not the whole phrase
    need = _longest(rules.condition_preps)
    words = []
    size = -1
    for x in tok.subtree:
        words.append(x.text)
        size += len(words[-1]) + 1
        if size >= need:
            break
    text = " ".join(words).lower()
    for p in rules.condition_preps:
        if text.startswith(p):
            return " ".join(words[: len(p.split())])
    return None


@functools.lru_cache(maxsize=8)
def _longest(cues: frozenset[str]) -> int:
    return max(map(len, cues), default=0)


def _negated(tok: Token) -> str | None:
    for c in children(tok):
        if c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ == "never"):
            return c.text
        if tok.pos_ in ("NOUN", "PROPN") and c.dep_ == "det" and c.lower_ in ("no", "neither"):
            return c.text
    return None


def modality_of(frame: Frame, rules: FramingRules, *, refusal_coded: bool = False) -> tuple[str, tuple[str, ...]]:
    """(modality, cue words) of the event at ``frame.trigger``. With
    ``refusal_coded`` the event is itself a refusal (REJECT coded from "will
    not accept"), which happened: its negation is not the event's."""
    trigger = frame.trigger
    chain = frame.chain
    for t in chain[1:]:
        if t.lemma_.lower() in rules.denial_verbs:
            return "denied", (t.text,)
    if frame.protasis is not None:
        cue = condition_cue(frame.protasis, rules)
        return "conditional", (cue.text if cue is not None else "if",)
    for t in chain:
        found = condition_clause(t, rules)
        if found is not None:
            return "conditional", (found[1],)
        # "in the event of an attack, Iran will ...", and the attack inside it
        cue = next((found for c in (t, *children(t)) if (found := condition_phrase_cue(c, rules))), None)
        if cue is not None:
            return "conditional", (cue,)
    anyone = next((c for c in children(trigger) if c.dep_ == "det" and c.lower_ == "any"), None)
    if anyone is not None:
        for t in chain:
            aux = next((c for c in children(t) if c.dep_ in ("aux", "auxpass") and c.lower_ in rules.future_aux | rules.hypothetical_aux), None)
            if aux is not None:
                return "conditional", (anyone.text, aux.text)
    if not refusal_coded:
        for t in chain:
            cue = _negated(t)
            if cue is not None:
                return "negated", (cue,)
        # "held no talks", "fired no rockets": the act's own object says none took place
        for c in children(trigger):
            if c.dep_ in ("dobj", "obj") and (cue := _negated(c)) is not None:
                return "negated", (cue,)
        for t in chain[1:]:
            if t.lemma_.lower() in rules.refusal_heads and t.pos_ in ("VERB", "ADJ"):
                return "negated", (t.text,)
    for t in chain:
        for c in children(t):
            if c.dep_ == "aux" and c.lower_ in rules.hypothetical_aux:
                return "hypothetical", (c.text,)
            if c.dep_ == "advmod" and c.lower_ in rules.hypothetical_words:
                return "hypothetical", (c.text,)
            if c.dep_ in ("amod", "compound") and t.pos_ == "NOUN" and c.lower_ in rules.hypothetical_words:
                return "hypothetical", (c.text,)
    for t in chain[1:]:
        particle = next((c.lower_ for c in children(t) if c.dep_ == "prt"), None)
        verb = f"{t.lemma_.lower()} {particle}" if particle else t.lemma_.lower()
        if t.pos_ == "VERB" and verb in rules.prevention_verbs:
            return "hypothetical", (f"{t.text} {particle}" if particle else t.text,)  # "to head off an attack"
    if trigger.pos_ == "NOUN" and trigger.dep_ in ("dobj", "obj") and trigger.head.lemma_.lower() in rules.deliberation_verbs:
        # "the leaders discussed new sanctions": an act talked over; "discussed the strike" is one that happened
        if not any(c.dep_ in ("det", "poss") and c.lower_ not in ("a", "an", "any", "some", "no") for c in children(trigger)):
            return "hypothetical", (trigger.head.text,)
    for t in chain[1:]:
        if t.pos_ in ("NOUN", "ADJ") and t.lemma_.lower() in rules.hypothetical_words:
            return "hypothetical", (t.text,)  # "the risk of a wider war", "fears of an attack"
    for t in chain:
        for c in children(t):
            if c.dep_ in ("aux", "auxpass") and c.lower_ in rules.future_aux:
                return "planned", (c.text,)
            if c.dep_ in ("amod", "compound") and t.pos_ == "NOUN" and c.lower_ in rules.plan_modifiers:
                return "planned", (c.text,)
    for t in chain[1:]:
        if t.lemma_.lower() in rules.plan_heads or t.lower_ in rules.plan_heads:
            return "planned", (t.text,)
    return "asserted", ()

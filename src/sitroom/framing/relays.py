"""Through whom a message travelled: "through Swiss diplomats", "via Qatari
mediators", "using the Omani channel", "asked Cairo to pass a warning to
Hamas", "Oman carried a message from Tehran to Washington".

The originator stays the actor and the final addressee the recipient; the
intermediaries are returned separately, with the originator and addressee
the relay construction names when the trigger sits inside it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Token

from ..records import ActorRef
from .clause import Frame
from .rules import FramingRules

__all__ = ["Relay", "relay_of"]

Resolve = Callable[[Token], list[ActorRef]]


@dataclass(slots=True, frozen=True)
class Relay:
    via: tuple[ActorRef, ...]
    originator: tuple[ActorRef, ...] = ()  # when the relay names who the message came from
    addressee: tuple[ActorRef, ...] = ()  # when the relay names its final addressee


def _pobj(prep: Token) -> Token | None:
    return next((p for p in prep.children if p.dep_ == "pobj"), None)


def _to_object(verb: Token, resolve: Resolve) -> list[ActorRef]:
    for c in verb.children:
        if c.dep_ in ("prep", "dative") and c.lower_ == "to":
            p = _pobj(c)
            if p is not None:
                return resolve(p)
    return []


def _intermediary(tok: Token, resolve: Resolve, rules: FramingRules) -> list[ActorRef]:
    refs = resolve(tok)
    if refs:
        return refs
    if tok.lemma_.lower() in rules.relay_nouns or tok.lower_ in rules.relay_nouns:
        words = tok.doc[tok.left_edge.i : tok.i + 1].text
        return [ActorRef(words, "", "", "")]
    return []


def relay_of(frame: Frame, resolve: Resolve, rules: FramingRules) -> Relay | None:
    holders = list(frame.chain)
    if frame.reporter is not None:
        holders.append(frame.reporter)
    for t in list(holders):
        holders.extend(c for c in t.children if c.dep_ in ("dobj", "obj"))
    seen: set[int] = set()
    via: list[ActorRef] = []
    originator: list[ActorRef] = []
    addressee: list[ActorRef] = []
    for t in holders:
        if t.i in seen:
            continue
        seen.add(t.i)
        for c in t.children:
            # "through Swiss diplomats", "via Qatari mediators"
            if c.dep_ == "prep" and c.lower_ in rules.relay_preps:
                p = _pobj(c)
                if p is not None:
                    via.extend(_intermediary(p, resolve, rules))
            # "using the Swiss embassy", "using Omani channels"
            elif c.dep_ in ("advcl", "xcomp") and c.lemma_.lower() == "use" and c.tag_ == "VBG":
                obj = next((o for o in c.children if o.dep_ in ("dobj", "obj")), None)
                if obj is not None:
                    via.extend(_intermediary(obj, resolve, rules))
        lemma = t.lemma_.lower()
        if lemma in rules.relay_verbs and t.pos_ == "VERB":
            source = next((c for c in t.children if c.dep_ == "prep" and c.lower_ == "from"), None)
            behalf = next((c for c in t.children if c.dep_ == "prep" and c.lower_ == "on" and
                           any(x.lower_ == "behalf" for x in c.subtree)), None)  # fmt: skip
            asker = t.head if t.dep_ in ("xcomp", "ccomp") and t.head.lemma_.lower() in rules.relay_askers else None
            if asker is not None:
                # "asked Cairo to pass a warning to Hamas": Cairo relays for the asker
                middle = next((o for o in asker.children if o.dep_ in ("dobj", "obj")), None)
                if middle is None:
                    on = next((o for o in asker.children if o.dep_ == "prep" and o.lower_ == "on"), None)
                    middle = _pobj(on) if on is not None else None
                subject = next((s for s in asker.children if s.dep_ in ("nsubj", "nsubjpass")), None)
                if middle is not None:
                    via.extend(resolve(middle))
                    if subject is not None:
                        originator = resolve(subject)
                    addressee = _to_object(t, resolve) or addressee
            elif source is not None or behalf is not None:
                # "Oman carried a message from Tehran to Washington"
                subject = next((s for s in t.children if s.dep_ == "nsubj"), None)
                origin = _pobj(source) if source is not None else next(
                    (p for p in behalf.subtree if p.dep_ == "pobj" and p.lower_ != "behalf"), None
                )
                if subject is not None and origin is not None:
                    via.extend(resolve(subject))
                    originator = resolve(origin)
                    addressee = _to_object(t, resolve) or addressee
    # an asking trigger with a relaying complement: "Iran asked Oman to convey ..."
    trigger = frame.trigger
    if trigger.lemma_.lower() in rules.relay_askers:
        for c in trigger.children:
            if c.dep_ in ("xcomp", "ccomp") and c.lemma_.lower() in rules.relay_verbs:
                middle = next((o for o in trigger.children if o.dep_ in ("dobj", "obj")), None)
                if middle is not None:
                    via.extend(resolve(middle))
                    addressee = _to_object(c, resolve) or addressee
    unique = tuple(dict.fromkeys(via))
    if not unique:
        return None
    return Relay(unique, tuple(originator), tuple(addressee))

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
    # "the Swiss embassy", "the Omani channel": the nationality of a go-between
    for c in tok.children:
        if c.dep_ in ("amod", "compound", "poss", "nmod"):
            refs = resolve(c)
            if refs:
                return refs
    if tok.lemma_.lower() in rules.relay_nouns or tok.lower_ in rules.relay_nouns:
        words = tok.doc[tok.left_edge.i : tok.i + 1].text
        return [ActorRef(words, "", "", "")]
    return []




def _message_holders(holders: list[Token], rules: FramingRules) -> list[Token]:
    """Message nouns the event was sent in ("in a message passed through the
    Iraqi government", "in proposals carried to Beirut by a French envoy")
    and the relaying participles hanging from them."""
    out = []
    for t in holders:
        for c in t.children:
            nouns = []
            if c.dep_ == "prep" and c.lower_ in ("in", "with", "via"):
                nouns = [p for p in c.children if p.dep_ == "pobj"]
            elif c.dep_ in ("dobj", "obj"):
                nouns = [c]
            for n in nouns:
                if n.lemma_.lower() in rules.message_nouns or n.lower_ in rules.message_nouns:
                    out.append(n)
                    out.extend(a for a in n.children if a.dep_ in ("acl", "relcl") and a.pos_ == "VERB")
    return out


def relay_of(frame: Frame, resolve: Resolve, rules: FramingRules) -> Relay | None:
    holders = list(frame.chain)
    if frame.reporter is not None:
        holders.append(frame.reporter)
    top = frame.chain[-1]
    if top.dep_ in ("advcl", "acl", "relcl") and top.head.i != top.i:
        # "Oman carried a message ... urging the United States to ...", "a message in which Iran proposed ..."
        head = top.head
        if head.pos_ == "VERB" and head.lemma_.lower() in rules.relay_verbs:
            holders.append(head)
        elif head.lemma_.lower() in rules.message_nouns:
            holders.append(head)
            if head.head.i != head.i:
                holders.append(head.head if head.dep_ != "pobj" else head.head.head)
    holders.extend(_message_holders(list(holders), rules))
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
            # "a message delivered to Beirut by Egypt's intelligence chief"
            elif c.dep_ == "agent" and t.dep_ in ("acl", "relcl") and t.lemma_.lower() in rules.relay_verbs:
                p = _pobj(c)
                if p is not None:
                    via.extend(_intermediary(p, resolve, rules))
            # "Omani-mediated talks"
            elif c.dep_ in ("amod", "compound") and c.lower_ in rules.mediation_words:
                for x in c.children:
                    if x.dep_ in ("npadvmod", "compound", "amod", "nmod"):
                        via.extend(resolve(x))
        # "Tehran had used the Swiss channel to warn Washington"
        if t.lemma_.lower() == "use" and t.pos_ == "VERB" and t is not frame.trigger:
            obj = next((o for o in t.children if o.dep_ in ("dobj", "obj")), None)
            if obj is not None and (obj.lemma_.lower() in rules.relay_nouns or obj.lower_ in rules.relay_nouns or obj.lemma_.lower() in ("embassy", "mediator", "envoy", "diplomat")):
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
            elif source is None and behalf is None:
                # "Switzerland delivered a U.S. message to Iran": the message's owner sent it
                subject = next((x for x in t.children if x.dep_ == "nsubj"), None)
                message = next((o for o in t.children if o.dep_ in ("dobj", "obj") and o.lemma_.lower() in rules.message_nouns), None)
                owner = [r for c in (message.children if message is not None else ())
                         if c.dep_ in ("poss", "amod", "compound", "nmod") for r in resolve(c)]  # fmt: skip
                if subject is not None and owner:
                    middle = resolve(subject)
                    if middle and {r.country for r in middle} != {r.country for r in owner}:
                        via.extend(middle)
                        originator = owner
                        addressee = _to_object(t, resolve) or addressee
            if source is not None or behalf is not None:
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

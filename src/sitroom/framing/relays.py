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
from .tree import children

__all__ = ["Relay", "relay_of"]

Resolve = Callable[[Token], list[ActorRef]]


@dataclass(slots=True, frozen=True)
class Relay:
    via: tuple[ActorRef, ...]
    originator: tuple[ActorRef, ...] = ()  # when the relay names who the message came from
    addressee: tuple[ActorRef, ...] = ()  # when the relay names its final addressee


def _pobj(prep: Token) -> Token | None:
    return next((p for p in children(prep) if p.dep_ == "pobj"), None)


def _to_object(verb: Token, resolve: Resolve) -> list[ActorRef]:
    for c in children(verb):
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
    for c in children(tok):
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
        for c in children(t):
            nouns = []
            if c.dep_ == "prep" and c.lower_ in ("in", "with", "via"):
                nouns = [p for p in children(c) if p.dep_ == "pobj"]
            elif c.dep_ in ("dobj", "obj"):
                nouns = [c]
            for n in nouns:
                if n.lemma_.lower() in rules.message_nouns or n.lower_ in rules.message_nouns:
                    out.append(n)
                    out.extend(a for a in children(n) if a.dep_ in ("acl", "relcl") and a.pos_ == "VERB")
    return out


def _relaying_verb(
    verb: Token, resolve: Resolve, rules: FramingRules
) -> tuple[list[ActorRef], list[ActorRef], list[ActorRef]] | None:
    """(intermediaries, originator, addressee) of a relaying verb ("pass",
    "carry", "deliver"), or None when it names no go-between."""
    asker = verb.head if verb.dep_ in ("xcomp", "ccomp") and verb.head.lemma_.lower() in rules.relay_askers else None
    if asker is not None:
        # "asked Cairo to pass a warning to Hamas": Cairo relays for the asker
        middle = next((o for o in children(asker) if o.dep_ in ("dobj", "obj")), None)
        if middle is None:
            on = next((o for o in children(asker) if o.dep_ == "prep" and o.lower_ == "on"), None)
            middle = _pobj(on) if on is not None else None
        if middle is None:
            return None
        subject = next((x for x in children(asker) if x.dep_ in ("nsubj", "nsubjpass")), None)
        return resolve(middle), resolve(subject) if subject is not None else [], _to_object(verb, resolve)
    subject = next((x for x in children(verb) if x.dep_ == "nsubj"), None)
    if subject is None:
        return None
    source = next((c for c in children(verb) if c.dep_ == "prep" and c.lower_ == "from"), None)
    behalf = next((c for c in children(verb) if c.dep_ == "prep" and c.lower_ == "on" and
                   any(x.lower_ == "behalf" for x in c.subtree)), None)  # fmt: skip
    if source is not None or behalf is not None:
        # "Oman carried a message from Tehran to Washington", "... on behalf of Tehran"
        origin = _pobj(source) if source is not None else next(
            (p for p in behalf.subtree if p.dep_ == "pobj" and p.lower_ != "behalf"), None
        )
        if origin is None:
            return None
        return resolve(subject), resolve(origin), _to_object(verb, resolve)
    # "Switzerland delivered a U.S. message to Iran": the message's owner sent it
    message = next((o for o in children(verb) if o.dep_ in ("dobj", "obj") and o.lemma_.lower() in rules.message_nouns), None)
    owner = [r for c in (children(message) if message is not None else ())
             if c.dep_ in ("poss", "amod", "compound", "nmod") for r in resolve(c)]  # fmt: skip
    if not owner:
        return None
    middle = resolve(subject)
    if not middle or {r.country for r in middle} == {r.country for r in owner}:
        return None
    return middle, owner, _to_object(verb, resolve)


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
        holders.extend(c for c in children(t) if c.dep_ in ("dobj", "obj"))
    seen: set[int] = set()
    via: list[ActorRef] = []
    originator: list[ActorRef] = []
    addressee: list[ActorRef] = []
    for t in holders:
        if t.i in seen:
            continue
        seen.add(t.i)
        for c in children(t):
            # "through Swiss diplomats", "via Qatari mediators"
            if c.dep_ == "prep" and c.lower_ in rules.relay_preps:
                p = _pobj(c)
                if p is not None:
                    via.extend(_intermediary(p, resolve, rules))
            # "using the Swiss embassy", "using Omani channels"
            elif c.dep_ in ("advcl", "xcomp") and c.lemma_.lower() == "use" and c.tag_ == "VBG":
                obj = next((o for o in children(c) if o.dep_ in ("dobj", "obj")), None)
                if obj is not None:
                    via.extend(_intermediary(obj, resolve, rules))
            # "a message delivered to Beirut by Egypt's intelligence chief"
            elif c.dep_ == "agent" and t.dep_ in ("acl", "relcl") and t.lemma_.lower() in rules.relay_verbs:
                p = _pobj(c)
                if p is not None:
                    via.extend(_intermediary(p, resolve, rules))
            # "Omani-mediated talks"
            elif c.dep_ in ("amod", "compound") and c.lower_ in rules.mediation_words:
                for x in children(c):
                    if x.dep_ in ("npadvmod", "compound", "amod", "nmod"):
                        via.extend(resolve(x))
        # "Tehran had used the Swiss channel to warn Washington"
        if t.lemma_.lower() == "use" and t.pos_ == "VERB" and t is not frame.trigger:
            obj = next((o for o in children(t) if o.dep_ in ("dobj", "obj")), None)
            if obj is not None and (obj.lemma_.lower() in rules.relay_nouns or obj.lower_ in rules.relay_nouns):
                via.extend(_intermediary(obj, resolve, rules))
        if t.lemma_.lower() in rules.relay_verbs and t.pos_ == "VERB":
            found = _relaying_verb(t, resolve, rules)
            if found is not None:
                middle, origin, final = found
                via.extend(middle)
                originator = origin or originator
                addressee = final or addressee
    # an asking trigger with a relaying complement: "Iran asked Oman to convey ..."
    trigger = frame.trigger
    if trigger.lemma_.lower() in rules.relay_askers:
        for c in children(trigger):
            if c.dep_ in ("xcomp", "ccomp") and c.lemma_.lower() in rules.relay_verbs:
                middle = next((o for o in children(trigger) if o.dep_ in ("dobj", "obj")), None)
                if middle is not None:
                    via.extend(resolve(middle))
                    addressee = _to_object(c, resolve) or addressee
    unique = tuple(dict.fromkeys(via))
    if not unique:
        return None
    return Relay(unique, tuple(originator), tuple(addressee))

"""What an event answers: the act named in "in retaliation for ...",
"in response to ...", "to avenge ...", "after ..." and "following ...".

``cause_phrase`` returns the head word of the phrase naming the earlier act
("the killing" in "fired missiles in retaliation for the killing of
Nasrallah", "bombed" in "fired rockets after Israeli jets bombed Beirut").
The coder then links the event to the coded event whose trigger lies inside
that phrase (``Event.cause_event``), and the story stage lifts the link to
story events (``responds_to``).
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from .tree import children

__all__ = ["cause_phrase"]

# "in retaliation for", "in response to", "in revenge for", "as a reply to"
_CAUSE_NOUNS = frozenset("retaliation response revenge reprisal reply answer".split())
_CAUSE_LINKS = frozenset(("for", "to"))
_TIME_CAUSES = frozenset(("after", "following"))
_AVENGE_VERBS = frozenset(("avenge", "punish"))
_RESPOND_VERBS = frozenset(("retaliate", "respond", "reply"))


def _objects(tok: Token) -> Iterator[Token]:
    return (c for c in children(tok) if c.dep_ in ("pobj", "dobj", "obj", "pcomp"))


def _from(word: Token) -> Token | None:
    """The cause phrase among ``word``'s own dependents."""
    for c in children(word):
        low = c.lower_
        if c.dep_ == "prep" and low in ("in", "as"):
            for noun in _objects(c):
                if noun.lemma_.lower() in _CAUSE_NOUNS:
                    for link in children(noun):
                        if link.dep_ == "prep" and link.lower_ in _CAUSE_LINKS:
                            found = next(_objects(link), None)
                            if found is not None:
                                return found
        elif low in _TIME_CAUSES and c.dep_ in ("prep", "advcl", "acl", "mark"):
            # "after the attack", "following Iran's barrage" (spaCy sometimes makes
            # "following" a verb with a direct object)
            found = next(_objects(c), None)
            if found is not None:
                return found
        elif c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in _TIME_CAUSES for m in children(c)):
            return c  # "after Israeli jets bombed Beirut"
        elif c.dep_ in ("advcl", "xcomp", "acl") and c.lemma_.lower() in _AVENGE_VERBS:
            found = next(_objects(c), None)  # "to avenge the killing of ..."
            if found is not None:
                return found
    if word.lemma_.lower() in _RESPOND_VERBS:
        # "Iran retaliated for the strike", "Israel responded to the barrage"
        for c in children(word):
            if c.dep_ == "prep" and c.lower_ in _CAUSE_LINKS:
                found = next(_objects(c), None)
                if found is not None:
                    return found
    return None


def cause_phrase(trigger: Token) -> Token | None:
    """The head of the phrase naming the act that ``trigger``'s event answers,
    looked for on the trigger and, for a noun trigger that is the object of a
    light verb ("launched a wave of strikes ... in retaliation for"), on the
    words up to that verb."""
    word = trigger
    for _ in range(4):
        found = _from(word)
        if found is not None or word.pos_ in ("VERB", "AUX"):
            return found
        # "launched a wave of strikes ... in retaliation for": up to the light verb;
        # "the attack was in retaliation for", "those strikes came in response to"
        if word.dep_ not in ("dobj", "obj", "pobj", "prep", "nsubj", "nsubjpass") or word.head is word:
            return None
        word = word.head
    return None

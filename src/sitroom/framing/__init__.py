"""What really happened: the framing of each coded event.

For every event the coder produces, the framer reads the clause around its
trigger and fills the fields that say whether the event happened and on
whose word (docs/schema.md): modality with its cue words, the historical
flag, condition and consequence, relays (``via``), attribution, event date
with its precision, location and magnitude. The cue words live in
``data/framing.json``; each field has its own module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from spacy.tokens import Token

from ..actors import Mention
from ..places import load_gazetteer
from ..records import ActorRef, Attribution, Condition, Location
from .attribution import attribution_of
from .clause import DEFINITE, Frame, frame_of
from .dates import period_end
from .magnitude import Magnitude, magnitude_of
from .modality import condition_clause, condition_phrase_cue, modality_of
from .relays import Relay, relay_of
from .rules import FramingRules, load_framing_rules
from .sentence import DocumentFacts, SentenceFacts
from .tree import children
from .when import event_date
from .where import PlaceFinder

__all__ = ["DocumentFacts", "Framer", "Framing", "HISTORICAL_AFTER_DAYS", "SentenceFacts", "load_framing_rules"]

HISTORICAL_AFTER_DAYS = 60  # an event ending this long before publication is background
Resolve = Callable[[Token], list[ActorRef]]


@dataclass(slots=True)
class Framing:
    modality: str = "asserted"
    cues: tuple[str, ...] = ()
    historical: bool = False
    condition: Condition | None = None
    condition_clause: Token | None = None
    relay: Relay | None = None
    attribution: Attribution | None = None
    event_date: date | None = None
    date_precision: str = ""
    date_text: str = ""
    location: Location | None = None
    magnitude: Magnitude | None = None


_INHERITED = frozenset(("planned", "conditional", "hypothetical", "negated"))


def _known_act(trigger: Token) -> bool:
    """A noun naming an act already known: definite or possessive inside a
    prepositional phrase ("for the attack", "to Iran's barrage"), or possessive
    as a verb's object ("condemn Iran's attack")."""
    if trigger.pos_ != "NOUN":
        return False
    if trigger.dep_ == "pobj":
        return any((c.dep_ == "det" and c.lower_ in DEFINITE) or c.dep_ == "poss" for c in children(trigger))
    # "failed to condemn Iran's attack": a possessive act as the object of another verb
    return trigger.dep_ == "dobj" and any(c.dep_ == "poss" for c in children(trigger))


class Framer:
    def __init__(self, country_name: Callable[[str], str], rules: FramingRules | None = None) -> None:
        self.rules = rules or load_framing_rules()
        self._country_name = country_name
        self._places: PlaceFinder | None = None

    @property
    def places(self) -> PlaceFinder:
        if self._places is None:
            self._places = PlaceFinder(load_gazetteer(), self._country_name, self.rules)
        return self._places

    def frame(
        self,
        trigger: Token,
        sent: SentenceFacts,
        published: date | None,
        mentions: dict[int, Mention],
        resolve: Resolve,
        *,
        refusal_coded: bool = False,
        announced: bool = False,
        place_bound: bool = False,
        object_token: Token | None = None,
    ) -> Framing:
        """The framing of the event at ``trigger``; ``sent`` holds the facts of its sentence
        (``DocumentFacts.sentence``), shared by the sentence's events."""
        rules = self.rules
        frame = frame_of(trigger, rules)
        out = Framing()
        out.modality, out.cues = modality_of(frame, rules, refusal_coded=refusal_coded)
        if out.modality == "asserted" and announced:
            out.modality, out.cues = "planned", (frame.trigger.head.text,) if frame.trigger.dep_ == "xcomp" else ()
        elif out.modality in _INHERITED and _known_act(trigger):
            # "bitter consequences for the strikes", "a response to Iran's Oct. 1 attack":
            # the act is named as a fact; the plan or negation is the governing clause's
            out.modality, out.cues = "asserted", ()
        self._condition(frame, out, resolve)
        out.relay = relay_of(frame, resolve, rules)
        out.attribution = attribution_of(frame, sent, resolve, rules)
        future = out.modality in ("planned", "conditional", "hypothetical")
        resolved, text = event_date(frame, sent, published, rules, future=future, asserted=out.modality == "asserted")
        if resolved is not None:
            out.event_date, out.date_precision, out.date_text = resolved.value, resolved.precision, text
            if published is not None and period_end(resolved.value, resolved.precision) < published - timedelta(days=HISTORICAL_AFTER_DAYS):
                out.historical = True
        elif published is not None:
            out.event_date, out.date_precision = published, "publication"
        out.location = self.places.location(frame, mentions, place_bound=place_bound, object_token=object_token)
        out.magnitude = magnitude_of(frame, rules)
        return out

    def _condition(self, frame: Frame, out: Framing, resolve: Resolve) -> None:
        if out.modality != "conditional":
            return
        clause = frame.protasis
        if clause is None:
            for t in frame.chain:
                found = condition_clause(t, self.rules)
                if found is not None:
                    clause = found[0]
                    break
        if clause is None:
            # "in the event of an Israeli attack": the phrase is the condition
            phrase = next((c for t in frame.chain for c in (t, *children(t)) if condition_phrase_cue(c, self.rules)), None)
            if phrase is not None:
                out.condition = Condition(" ".join(x.text for x in phrase.subtree), (), None)
                return
            # "any attack on Iranian soil would ...": the condition is the noun phrase
            trigger = frame.trigger
            if any(c.dep_ == "det" and c.lower_ == "any" for c in children(trigger)):
                span = trigger.doc[trigger.left_edge.i : trigger.right_edge.i + 1]
                out.condition = Condition(span.text, (), None)
            return
        span = clause.doc[clause.left_edge.i : clause.right_edge.i + 1]
        subject = next((c for c in children(clause) if c.dep_ in ("nsubj", "nsubjpass")), None)
        actor = tuple(resolve(subject)) if subject is not None else ()
        if subject is not None and subject.pos_ == "NOUN":
            # "unless the bombardment of Gaza stops": an event, not an actor, is the subject
            actor = tuple(a for a in actor if subject.text in a.text.split() or not a.text)
        out.condition = Condition(span.text.rstrip(",;"), actor, None)
        out.condition_clause = clause

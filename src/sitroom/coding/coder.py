"""The event coder: triggers from the lexicon, parties from the dependency parse.

For each sentence the coder first finds triggers (verbs and event nouns in
the lexicon, with their particle, object or sense-selecting modifier) and
then applies the argument rules to each one:

- verbs: the actor is the clause subject, or the agent of a passive (who
  stands behind it when the agent is a weapon or an act: "hit by a missile
  fired by Russian troops", "killed by shelling from Russian forces"); the
  recipient is the direct object, the passive subject, the object of a
  recipient preposition ("met with", "strike on"), or found inside a
  complement, purpose or condition clause. Clauses with no subject of their
  own inherit one (controlled, coordinated, participial, relative clauses).
- nouns ("an Israeli strike on Damascus", "Iran's attack on Israel"): the
  actor is the possessor or a nationality modifier, else the subject of the
  support verb that governs the noun ("launched a strike").
- pronouns and definite descriptions take the nearest fitting earlier actor;
  an actor the dictionary does not know is kept with its words.
- announced acts (intent, refusal, demands) are recoded as PLOVER codes them
  (``intent.py``); place-bound events without a named target take the place's
  country, domestic ones the actor's own (an inferred recipient, empty text).
- a side still unnamed after the article is read is filled from the two parties
  the article is about (``dyad.py``), also inferred, with empty text.
- each sentence then keeps one event per act (``Coder._prune``): two triggers for
  one act ("the strike hit the suburbs", "launched missile attacks"), a wounding
  told with its killing, a word act repeated by a clause of the same speaker and a
  sentence the page repeats are coded once; explosions heard with no cause, bare
  re-mentions in passing ("before the strikes"), war-long tolls, questions, and
  movements, defences and rescues that are no acts between parties are dropped.

An event is kept when it has an actor or a recipient: one whose sentence names no party is
coded all the same, and kept when the article's two parties (``fill_from_dyad``) give it one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..actors import ActorDictionary, ActorMatcher, Mention
from ..framing import DocumentFacts, Framer, Framing, SentenceFacts
from ..framing.cause import cause_phrase
from ..framing.clause import DEFINITE
from ..nlp import sentences
from ..records import ActorRef, Consequence, Event, Location
from .dyad import _BORDER_NOUNS, _CROSSING_PREPS, _WEAPON_WORDS, INTERCEPT_TRIGGERS, fill_from_dyad
from .intent import load_intent_rules
from .lexicon import DEFAULT_RECIPIENT_PREPS, LexEntry, Lexicon, quad_class

__all__ = ["Coder", "Trigger"]

_SUBJ = ("nsubj", "csubj")
_PASS_SUBJ = ("nsubjpass", "csubjpass")
_OBJ = ("dobj", "obj", "attr")
_PRONOUNS = frozenset("it they he she we its their his her".split())
_RELATIVE = frozenset("that which who whom whose".split())
_INHERIT_DEPS = ("conj", "xcomp", "advcl", "ccomp", "relcl", "acl", "pcomp")


# Descriptions of bodies and the sector of the actor they refer back to.
_BODY_NOUNS = {
    "group": "REB", "movement": "REB", "faction": "REB", "organisation": "REB", "organization": "REB",
    "country": "", "state": "", "kingdom": "", "republic": "",
}  # fmt: skip
_IN_PLACE = frozenset(("in", "near", "at"))
# material acts whose missing side comes from context (the enclosing act, the article's leading act)
_CONTEXT_TYPES = frozenset(("ASSAULT", "COERCE"))
# acts done together: with coordinated parties and no recipient, the first acts on the others
_MUTUAL_TYPES = frozenset(("AGREE", "CONSULT", "COOPERATE"))
# verbs that put a force in a state: "placed on alert", "are on alert", "kept on standby"
_STATE_VERBS = frozenset("place put keep be remain stay".split())
_PAIR_NOUNS = frozenset("side country party nation government army neighbour neighbor rival".split())
_TARGETING_VERBS = frozenset("target hit strike aim attack bomb".split())
_POSSESSIVE_PRONOUNS = {"his": "he", "her": "she", "its": "it", "their": "they"}
# act nouns whose possessor is the victim, not the actor ("Haniyeh's killing", "his arrest")
_VICTIM_NOUNS = frozenset("killing murder assassination execution kidnapping abduction arrest detention death".split())
# "a series of attacks", "a wave of strikes": the act noun hangs from the quantity
_QUANTITY_NOUNS = frozenset(
    "series wave barrage salvo volley spate string round number dozen hundred start beginning resumption "
    "day week hour".split()
)
# disasters that may be an attack's doing, as the sound noun rules read them (not natural forces or accidents)
_BLAST_WORDS = frozenset("explosion blast fire collapse".split())
_ENDING_WORDS = frozenset("end halt stop cease suspend prevent avert avoid ending halting cessation".split())
_MUTUAL_LEMMAS = frozenset("fight fighting battle clash war hostility exchange swap ceasefire truce sign".split())
# a missile fired into the sea is a show of force (MOBILIZE 150), not an attack
_LAUNCHED = frozenset("missile missiles rocket rockets".split())
_SEA_WORDS = frozenset("sea seas water waters ocean coast".split())
_TARGET_PREPS = frozenset(("at", "on", "against", "toward", "towards"))
# what air defences intercept: an interception answers the attack that launched them
_PROJECTILES = frozenset("missile missiles rocket rockets drone drones projectile projectiles uav uavs shell shells".split())
_PROMISE_VERBS = frozenset("promise pledge swear".split())
_RELATIVE_PRONOUNS = _RELATIVE - {"whose"}  # the ones that stand for their noun
# verbs whose sense needs an armed doer: "forces surrounded the town", not "surrounded by mountains"
_BY_FORCE_VERBS = frozenset(("surround",))
# air defences stop projectiles, whatever the object says ("intercepted most of them")
_INTERCEPT_VERBS = frozenset(("intercept",))
# verbs of blocking: a protest when crowds block roads, a blockade when armed forces or ships block
_OBSTRUCT_VERBS = frozenset("block obstruct".split())
_VESSELS = frozenset("ship vessel cutter boat warship frigate destroyer".split())
_IRREGULARS = frozenset("fighter gunman militiaman".split())
_POLICE = frozenset("police policeman policemen officer gendarme".split())  # police enter towns without taking them
_TOWNS = frozenset("town city village capital".split())
_CEREMONIES = frozenset("parade ceremony celebration commemoration anniversary funeral".split())
_CROWDS = frozenset("protester protestor demonstrator crowd activist student striker mob rioter".split())
_CLOSED_PLACES = frozenset("border airspace airport".split())  # closed for security: a show of force
_CLOSE_VERBS = frozenset("close shut seal".split())
_REACTIONS = frozenset(
    "criticism condemnation outrage anger scepticism skepticism silence dismay concern alarm "
    "derision disbelief praise applause approval relief".split()
)  # what a move "was met with"; not "opposition", "resistance", "protesters": groups one can meet
_STATED_TAGS = frozenset(("VBD",))  # a past verb states a fact; a demand's is bare, modal or present ("withdraws")
_PERFECT_AUX = frozenset("has have had".split())
_SAFE_PLACES = frozenset("haven place space refuge sanctuary".split())  # "no safe haven for ...": a threat
_ENEMIES = frozenset("terrorist terrorism enemy occupier invader aggressor criminal killer murderer".split())
_CIVILIANS = frozenset("child children civilian people journalist reporter woman family resident refugee patient".split())
_HAVENS = frozenset("haven sanctuary".split())  # a haven is denied to enemies; a "safe place" only to armed ones
_AIR_DEFENCES = frozenset("defence defense defences defenses dome".split())
# who may be helped by forces sent to them, besides armed forces: "to support the government"
_GOVERNMENT_NOUNS = frozenset("government regime administration authority ally".split())
# an act named as what a threat, warning or renunciation is about ("warned of the use of force");
# denials and charges keep their act, which the framing marks denied or alleged
_CONTENT_HEADS = frozenset("threat threaten warn warning renounce renunciation".split())
_CONTENT_PREPS = frozenset(("of", "about"))
# the types whose verb makes its object noun a content rather than an act: appeals, demands, agreements
_CONTENT_TYPES = frozenset(("REQUEST", "AGREE"))
_ASKED_PREPS = frozenset(("for", "to"))
_PARTY_PREPS = ("between", "with", "from")  # the parties of an act noun: "a truce between ...", "talks with ..."
# "ordered / told / asked the ambassador to leave", "gave the envoy 72 hours to leave"
_ORDER_VERBS = frozenset("order tell ask give invite instruct direct request".split())
_LEAVE_VERBS = frozenset("leave depart quit exit".split())


# what an act of force sounds like: heard or seen, with no cause stated, it is no attack
_SOUND_NOUNS = frozenset("explosion blast gunfire gunshot boom".split())
# verbs of hitting that tell again the act named as their subject ("the strike hit ...")
_HIT_VERBS = _TARGETING_VERBS | {"pound"}
# acts of force an order gives: the order is the act
_FORCE_TYPES = frozenset("ASSAULT COERCE SANCTION MOBILIZE".split())
# acts of words: a clause of the same speaker repeating one tells the same act
_VERBAL_TYPES = frozenset("ACCUSE THREATEN CONSULT SUPPORT REQUEST REJECT AGREE".split())
_NAMING_VERBS = frozenset("call label describe term brand dub add".split())
# verbs whose relative clause tells again the fighting it hangs from ("hostilities which have been fought")
_FIGHT_VERBS = frozenset("fight wage".split())
# verbs that launch an act named by their object ("launched missile attacks")
_LAUNCH_VERBS = frozenset("launch fire carry conduct mount stage unleash".split())
_KILL_VERBS = frozenset("kill murder slay".split())
_WOUND_VERBS = frozenset("wound injure hurt maim".split())
_DIE_VERBS = frozenset("die perish".split())
# movements that are visits only with a host
_MOVE_VERBS = frozenset("arrive travel fly leave".split())
_PRIVATE_SECTORS = frozenset(("CVL", "REF"))  # people who move on their own behalf, not as envoys
_CROWD_SECTORS = frozenset(("CVL", "OPP"))  # crowds and parties: their "liberation" is a slogan
_ENVOY_MOVES = frozenset("fly leave".split())  # verbs of movement as plain as travel by anyone: envoys only
_ENVOY_SECTORS = frozenset(("GOV", "IGO"))
_DELEGATIONS = frozenset("delegation delegate envoy team mission negotiator".split())
# what force defends: one's land, people and freedom ("to defend its sovereignty")
_DEFENDED = frozenset(
    "sovereignty freedom liberty territory border borders homeland country nation land soil "
    "independence integrity interest interests".split()
)
# the people force defends when they are one's own ("its people", "civilians"); a people named
# ("the Palestinian people") is a party words defend
_DEFENDED_PEOPLE = frozenset("people civilian citizen population".split())
_REFLEXIVES = frozenset("itself themselves ourselves myself yourself yourselves himself herself".split())
_OWN_PLACE_NOUNS = frozenset("territory soil land airspace country homeland".split())
_TALK_NOUNS = frozenset("talk meeting visit consultation negotiation summit discussion".split())
_MEET_VERBS = frozenset("meet discuss hold attend visit negotiate consult".split())
_REPORT_VERBS = frozenset("report note confirm record".split())
_REPORT_NOUNS = frozenset("report reporting story article coverage".split())
_FACILITY_NOUNS = frozenset("base bases airbase facility camp installation site compound barracks".split())
_TALK_VERBS = frozenset("discuss describe mention investigate examine review call label brand term criticize criticise".split())
_ANYONE = frozenset("whoever whomever anyone anybody".split())
_RESCUE_WORDS = frozenset("evacuate evacuation rescue".split())
# acts whose war-long toll is background: "has killed 14,000 people", "thousands have been kidnapped"
_TOLL_VERBS = frozenset("kill kidnap abduct displace".split())
_LARGE_NUMBERS = frozenset("thousands millions".split())
_LARGE_UNITS = frozenset("thousand million billion".split())
# a toll tied to a recent day or week ("since Monday", "this week", "on Tuesday") is one act's
_RECENT_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday yesterday today tonight overnight "
    "week weekend morning afternoon evening night hours".split()
)
# a toll tied to one site ("from a school", "at a market") is one act's
_SITE_NOUNS = frozenset(
    "school market hospital mosque church synagogue village bus train convoy building home house wedding "
    "funeral checkpoint festival concert stadium shelter hotel".split()
)
# acts whose toll is a war's: "killed in the fighting", not one incident
_WAR_NOUNS = frozenset("war conflict fighting violence hostility offensive campaign invasion occupation siege".split())
_MODALS = frozenset("will would shall should can could may might must".split())
# clauses a question takes as given: "After Israel struck Damascus, will Iran retaliate?"
_GIVEN_MARKS = frozenset("after since because as once when while now".split())


def _countries(refs) -> set[str]:
    """The countries a side names."""
    return {r.country for r in refs if r.country}


def _unanchored(tok: Token) -> bool:
    """A material act with no party named anywhere near it ("12 people were killed",
    "the building was hit"), not a possessed act or the cause an answer names
    ("his killing", "in retaliation for the strike"): it belongs to the article's main act."""
    if any(c.dep_ == "poss" for c in tok.children):
        return False
    return not any(a.lemma_.lower() in _CAUSE_NOUNS or a.lemma_.lower() == "avenge" for a in list(tok.ancestors)[:4])


def _pair_subject(subject: Token | None) -> bool:
    """"both sides", "the two countries", "both parties", "the warring parties"."""
    if subject is None or subject.lemma_.lower() not in _PAIR_NOUNS:
        return False
    return any(c.lower_ in ("both", "two", "warring") for c in subject.children)


def _article_pair(memory: _Memory) -> Event | None:
    """The two sides the article is about: its leading attack's, else its first act with both."""
    for kind in ("ASSAULT", *memory.acts):
        lead = memory.acts.get(kind)
        if lead is not None and _placed(lead.actor) and _placed(lead.recipient):
            return lead
    return None


def _attacker_of(lead: Event | None, actor: list[ActorRef]) -> list[ActorRef]:
    """Whom a threat with no named target answers: the author of the article's leading attack,
    when that attack hit the threatener's country or came from another country."""
    if lead is None:
        return []
    mine, hit, by = _countries(actor), _countries(lead.recipient), _countries(lead.actor)
    if hit & mine or (by and not by & mine):
        # the attack hit the threatener, or came from another side: the threat answers it
        return [a for a in lead.actor if a.country not in mine]
    return []


def _complete_from(lead: Event | None, actor: list[ActorRef], recipient: list[ActorRef]) -> tuple[list[ActorRef], list[ActorRef]]:
    """Fill a missing side from the article's leading act when the named side agrees with it."""
    if lead is None:
        return actor, recipient
    if not _placed(actor) and not _placed(recipient):
        # "the building had been hit by a missile": the weapon named is no party
        actor, recipient = list(lead.actor), list(lead.recipient)
    elif not _placed(actor) and _countries(recipient) <= _countries(lead.recipient):
        actor = list(lead.actor)
    elif not _countries(recipient) and _countries(actor) & _countries(lead.actor):
        recipient = [r for r in lead.recipient if r not in actor]
    return actor, recipient


def _placed(refs: list[ActorRef]) -> bool:
    """Does a side name a party: a country, or words that are not a weapon ("a missile")?"""
    return any(r.country or not _WEAPON_WORDS & set(r.text.lower().replace("-", " ").split()) for r in refs)


_HAPPEN_VERBS = frozenset("take occur happen resume begin continue start end collapse stall break erupt".split())
_REASON_PREPS = frozenset("after over because despite following during before since until amid".split())
_CAUSE_NOUNS = frozenset("retaliation response revenge reprisal return reply answer".split())
_NOT_PLACES = frozenset("DATE TIME CARDINAL ORDINAL MONEY PERCENT QUANTITY NORP".split())
_PLACE_PREPS = frozenset(("in", "at", "near", "inside", "outside", "across", "around"))
_PLACE_NOUNS = frozenset("city town village capital province region district area camp port enclave suburb".split())
_PERSONAL_NOUNS = frozenset(
    "minister president leader official spokesman spokeswoman spokesperson envoy ambassador diplomat secretary "
    "chief commander general king queen emir prince premier chancellor negotiator mediator adviser advisor "
    "director head governor mayor senator lawmaker judge prosecutor officer".split()
)


def _personal(tok: Token, mentions: dict[int, Mention]) -> bool:
    """Does this subject stand for a person (a "he"/"she") rather than a state or body?"""
    for i in range(tok.left_edge.i, tok.i + 1):
        m = mentions.get(i)
        if m is not None and m.kind == "person":
            return True
    return tok.ent_type_ == "PERSON" or tok.lemma_.lower() in _PERSONAL_NOUNS


def _span_text(tok: Token) -> str:
    return tok.doc[tok.left_edge.i : tok.i + 1].text


@dataclass(slots=True)
class _Memory:
    """Actors named as clause subjects so far in the article, newest last."""

    items: list[tuple[tuple[ActorRef, ...], bool]] = field(default_factory=list)
    # the sides of the article's first act of each type, for "the attack" later on
    acts: dict[str, Event] = field(default_factory=dict)

    def add(self, refs: list[ActorRef], personal: bool) -> None:
        self.items.append((tuple(refs), personal))
        del self.items[:-20]

    def last(self, *, personal: bool | None = None, sector: str | None = None) -> tuple[ActorRef, ...] | None:
        for refs, is_personal in reversed(self.items):
            if personal is not None and is_personal != personal:
                continue
            if sector is not None and not any(r.sector == sector for r in refs):
                continue
            return refs
        return None


@dataclass(slots=True)
class _Coded:
    """An event with what the sentence-level pass needs: its trigger token,
    the lexicon entry before any announcement recoding, and its framing."""

    event: Event
    token: Token
    act: LexEntry  # the act as the lexicon codes it ("strike" ASSAULT in "will strike")
    framing: Framing
    place_only: bool = False  # the recipient is the country where the act happened, not a party named


@dataclass(slots=True, frozen=True)
class Trigger:
    token: Token
    entry: LexEntry
    object_token: Token | None  # the light verb's object noun ("imposed sanctions")


class Coder:
    """Codes parsed documents into events. Build once; call per document."""

    def __init__(self, nlp: Language, actors: ActorDictionary, lexicon: Lexicon) -> None:
        self.matcher = ActorMatcher(nlp, actors)
        self.lexicon = lexicon
        self.support_verbs = lexicon.support_verbs
        self.container_nouns = lexicon.container_nouns
        self.intent = load_intent_rules(lexicon)
        self.framer = Framer(self.matcher.dictionary.country_name)
        self._show_of_force = (
            LexEntry("*", "VERB", "MOBILIZE", "150", quad_class("150"), lexicon.cameo["150"].goldstein, contexts=("military",))
            if "150" in lexicon.cameo and "MOBILIZE" in lexicon.ontology.modes
            else None
        )
        code = self.intent.codes["request"].get("10", "100")  # the generic demand
        self._bare_demand = (
            LexEntry("*", "VERB", "REQUEST", code, quad_class(code), lexicon.cameo[code].goldstein)
            if code in lexicon.cameo
            else None
        )

    # --- find ------------------------------------------------------------------------------

    def find_triggers(self, sent: Span) -> list[Trigger]:
        found: list[Trigger] = []
        purposes: set[int] = set()
        for tok in sent:
            pos = "VERB" if tok.pos_ == "VERB" else "NOUN" if tok.pos_ == "NOUN" else None
            if pos is None:
                continue
            lemma = tok.lemma_.lower()
            out = (self._ordered_out(tok) or self._promised_force(tok)) if pos == "VERB" else self._no_safe_place(tok)
            if out is not None:
                # "told the French ambassador to leave the country": an expulsion
                found.append(Trigger(tok, replace(out, lemma=lemma), None))
                continue
            if not self.lexicon.candidates(lemma, pos):
                self._bare_demand_trigger(tok, pos, lemma, found)
                continue
            if pos == "NOUN" and tok.dep_ in ("compound", "amod", "nmod") and not self._contained(tok):
                continue  # a noun modifying another ("aid workers", "protest leaders") is no event
            particles: set[str] = set()
            objects: dict[str, Token] = {}
            if pos == "VERB":
                if tok.tag_ == "VBN" and (tok.dep_ == "acl" or (tok.dep_ == "amod" and lemma not in self.support_verbs)):
                    # "drones launched at a military facility", "missiles fired at Israel",
                    # "captured soldiers", "the released prisoners": the noun is what was done to
                    # ("its long-threatened invasion" stays an invasion)
                    objects.setdefault(tok.head.lemma_.lower(), tok.head)
                for c in tok.children:
                    if (c.dep_ == "nsubjpass" and c.lower_ in _RELATIVE_PRONOUNS and tok.dep_ == "relcl"
                            and not self.lexicon.candidates(tok.head.lemma_.lower(), "NOUN")):
                        # "a drone that was intercepted": the relative stands for its noun ("the
                        # sanctions that were imposed" stay coded at their own noun)
                        c = tok.head
                    if c.dep_ in _OBJ or c.dep_ == "nsubjpass" or c.i == tok.head.i:
                        # "provided 70 million dollars of aid", "undertook a mediation mission"
                        for inner in _object_words(c):
                            objects.setdefault(inner.lemma_.lower(), inner)
                    # A particle may stand apart ("pulled its troops out"); a preposition
                    # or adverb counts only right after the verb ("called on Iran", not
                    # "called Araghchi on Thursday").
                    if c.dep_ == "prt" or (c.dep_ in ("prep", "agent", "advmod") and c.i == tok.i + 1):
                        particles.add(c.lower_)
                    elif c.dep_ == "oprd" and c.pos_ == "ADJ":
                        # a resulting state counts as a particle: "left eight people dead", "held captive"
                        particles.add(c.lower_)
                for inner in _supplied_with(tok):
                    objects.setdefault(inner.lemma_.lower(), inner)
                particles |= _clause_particles(tok)
                for word in _left_words(tok):
                    # "withdrew from the treaty", "pulled out of the deal": what is left, by its class
                    for name in self.lexicon.classes(word.lemma_.lower()):
                        objects.setdefault(name, word)
                # what a verb of naming or saying calls its object ("called the junta illegitimate",
                # "described it as an act of aggression", "said the strike was barbaric"), and the
                # cost a statement promises ("said Hezbollah will pay a heavy price")
                for words, wanted in ((_predicate_words(tok) + _reported_predicate_words(tok), "@disapproval"),
                                      (_announced_cost(tok), "@consequence")):  # fmt: skip
                    for word in words:
                        if wanted in self.lexicon.classes(word.lemma_.lower()):
                            objects.setdefault(wanted, word)
            else:
                # a noun's modifiers select its sense: "hunger strike", "general strike"
                senses = {e.object for e in self.lexicon.candidates(lemma, pos) if e.object}
                for c in _noun_sense_words(tok, senses):
                    objects.setdefault(c.lemma_.lower(), c)
                    objects.setdefault(c.lower_, c)  # "warning shots": the parser may read a verb
            for word, inner in list(objects.items()):
                if not word.startswith("@"):
                    for name in self.lexicon.classes(word):
                        objects.setdefault(name, inner)  # "captured two officers": a person
            entry = self.lexicon.choose(lemma, pos, particles, set(objects), tok.lower_)
            if entry is not None and lemma in _BY_FORCE_VERBS and not _by_force(tok, self.lexicon):
                # "the city is surrounded by mountains", "surrounded by reporters": no siege
                entry = None
            if entry is not None and entry.event_type == "PROTEST" and lemma in _OBSTRUCT_VERBS and _armed_doer(tok, self.lexicon):
                # "soldiers blocked off the palace", "a coast guard cutter blocked the supply boat": a
                # blockade, coded as the lexicon's "blockade"; crowds blocking roads stay a protest
                entry = self.lexicon.choose("blockade", "VERB", set(), set()) or entry
            if entry is not None and entry.event_type == "CONSULT" and lemma == "meet" and _met_with_reaction(tok):
                entry = None  # "the move was met with criticism": a reception, no meeting
            if entry is not None and entry.event_type == "PROTEST" and lemma == "march" and _marched_into_town(tok, self.lexicon):
                # "rebels marched into Goma": armed forces entering a town take it, no protest march
                entry = self.lexicon.choose("overrun", "VERB", set(), set()) or entry
            if entry is not None and entry.event_type == "REQUEST" and _no_demand(tok, lemma, particles):
                entry = None  # "pressed on with their assault", "insisted there were no troops in Kyiv"
            if entry is not None and entry.event_type == "ACCUSE" and entry.object == "aim" and _armed_doer(tok, self.lexicon):
                entry = None  # "the army took aim at rebel positions": aimed weapons, not criticism
            if entry is not None and entry.event_type == "MOBILIZE" and lemma in _CLOSE_VERBS and entry.object in _CLOSED_PLACES \
                    and self._closed_to_another(tok, objects[entry.object]):
                # "Saudi Arabia closed off Yemeni airspace": closing another's border or airspace is a
                # blockade; closing one's own is a show of force
                entry = self.lexicon.choose("blockade", "VERB", set(), set()) or entry
            if entry is not None and entry.event_type == "MOBILIZE" and lemma in _CLOSE_VERBS and _crowd_doer(tok):
                # "protesters shut down the airport": a protest's obstruction, as crowds blocking roads
                entry = self.lexicon.choose("block", "VERB", set(), set()) or entry
            if entry is not None and lemma in _INTERCEPT_VERBS and entry.object is None and _air_defence(tok):
                # "air defences intercepted most of them": what air defences stop is projectiles
                entry = self.lexicon.choose(lemma, pos, particles, {"@projectile"}) or entry
            helping = _helping_purpose(tok, self.lexicon) if entry is not None and entry.event_type in ("MOBILIZE", "AID") else None
            if helping is not None:
                purposes.add(helping.i)  # "sent troops to support ...": the purpose is no event of its own
                if entry.event_type == "AID" or not self._helps_another(tok, helping):
                    helping = None  # "to reinforce its troops", "to help flood victims": a deployment
            aid = self.lexicon.choose(lemma, pos, particles, {"@assist"}) if helping is not None else None
            if aid is not None and aid.object == "@assist":
                # "sent 1,000 troops to shore up Mozambican forces": forces sent to help are aid;
                # the helping verb is part of it, not an event of its own
                found.append(Trigger(tok, aid, helping))
            elif entry is not None:
                found.append(Trigger(tok, entry, objects.get(entry.object) if entry.object else None))
            else:
                self._bare_demand_trigger(tok, pos, lemma, found)
        # A noun already coded as a verb's object ("imposed sanctions") is not a second event.
        light_objects = {t.object_token.i for t in found if t.object_token is not None}
        # "ordered the arrest of", "ordered airstrikes": the ordered act is the event, coded at its
        # noun with the one who ordered it as actor, not a demand as well
        nouns = {t.token.i for t in found if t.entry.pos == "NOUN"}
        own_acts = self.lexicon.word_classes.get("own_act", frozenset())
        ordered = {t.token.i for t in found if _orders_act(t, self.support_verbs, nouns, own_acts)}
        # "warned of the possible use of force": the content of a threat or a charge, not an act
        unreal = {t.token.i for t in found if t.entry.pos == "NOUN" and _hypothetical_act(t.token)}
        # "called for an urgent truce", "agree Gaza truce": the act asked for or agreed to is the
        # appeal's or the agreement's content, not an act of its own (an ordered act stays: above)
        asking = {t.token.i for t in found if t.entry.pos == "VERB" and t.entry.event_type in _CONTENT_TYPES} - ordered
        unreal |= {t.token.i for t in found if t.entry.pos == "NOUN" and _asked_for(t.token, asking)}
        dropped = light_objects | ordered | unreal | purposes
        return [t for t in found if t.token.i not in dropped]

    def _ordered_out(self, verb: Token) -> LexEntry | None:
        """An order to leave given to a diplomat ("told the ambassador to leave", "gave the envoy
        72 hours to leave", "the ambassador was asked to leave") or to foreign troops ("ordered
        French troops to leave the country") is an expulsion: the lexicon's sense of "expel" with
        that object."""
        if verb.lemma_.lower() not in _ORDER_VERBS:
            return None
        if not any(c.dep_ in ("xcomp", "advcl") and c.lemma_.lower() in _LEAVE_VERBS
                   and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children) for c in verb.children):
            return None
        ordered = [c for c in verb.children if c.dep_ in ("dobj", "obj", "dative", "nsubjpass")]
        # the ordered one's phrase up to its head: "Ethiopian Ambassador Muktar Mohamed Ware"
        names = {name for o in ordered for w in o.doc[o.left_edge.i : o.i + 1] for name in self.lexicon.classes(w.lemma_.lower())}
        if "@diplomat" in names:
            return self.lexicon.choose("expel", "VERB", set(), names)
        # troops, peacekeepers, inspectors named as another's ("French troops", "UN peacekeepers",
        # not "its troops"): only a sense of "expel" that names them
        heads = {o.lemma_.lower() for o in ordered if _named_foreign(o) and self._foreign_to_subject(verb, o)}
        entry = self.lexicon.choose("expel", "VERB", set(), heads)
        return entry if entry is not None and entry.object in heads else None

    def _countries(self, tokens: list[Token]) -> set[str]:
        """The countries of the actors a phrase names ("Danish troops" -> DNK, "Putin" -> RUS)."""
        if not tokens:
            return set()
        mentions = self.matcher.index(self.matcher.find_mentions(tokens[0].doc))
        return {a.country for a in self.matcher.resolve(tokens, mentions, None) if a.country}

    def _foreign_to_subject(self, verb: Token, noun: Token) -> bool:
        """``noun``'s phrase names an actor of another country than ``verb``'s subject ("the
        Malian government ordered Danish troops", not "Putin ordered Russian forces"); an
        unnamed subject differs from any."""
        theirs = self._countries(list(noun.doc[noun.left_edge.i : noun.i + 1]))
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is None and verb.dep_ in ("conj", "xcomp"):
            subject = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
        ours = self._countries(list(subject.subtree)) if subject is not None else set()
        return bool(theirs) and not theirs & ours

    def _closed_to_another(self, verb: Token, place: Token) -> bool:
        """The place closed is named as another country's than the named closer's ("Saudi Arabia
        closed Yemeni airspace"), not its own ("Israel closed its airspace", "the airport was shut")."""
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subject is None:
            return False
        theirs = self._countries(list(place.doc[place.left_edge.i : place.i + 1]))
        return bool(theirs) and not theirs & self._countries(list(subject.subtree))

    def _helps_another(self, verb: Token, helping: Token) -> bool:
        """The purpose verb's object is another country's forces or government ("to shore up
        Mozambican forces", "to support Abiy Ahmed's government"), not the sender's own ("its
        troops", "its coast guard") nor people in need ("to help flood victims")."""
        bodies = self.lexicon.word_classes.get("force", frozenset()) | _GOVERNMENT_NOUNS
        helped = [c for c in helping.children if c.dep_ in ("dobj", "obj")]
        # "to help French forces fight jihadists": the helped are the subject of the helped act
        helped += [s for c in helping.children if c.dep_ in ("ccomp", "xcomp") for s in c.children if s.dep_ == "nsubj"]
        for obj in helped:
            if obj.lemma_.lower() not in bodies or not _named_foreign(obj):
                continue
            if self._foreign_to_subject(verb, obj):
                return True
        return False

    def _no_safe_place(self, noun: Token) -> LexEntry | None:
        """"There are no safe havens for Russian terrorists", "no safe space for them": a place
        denied to the enemy is a threat, coded as the lexicon's noun "threat"."""
        if not _denied_place(noun) or not self._denied_to_enemy(noun):
            return None
        threat = self.lexicon.choose("threat", "NOUN", set(), set())
        # the threatened are those the place is denied to ("for Russian terrorists")
        return replace(threat, recipient_preps=("for",)) if threat is not None else None

    def _denied_to_enemy(self, noun: Token) -> bool:
        """Those the safe place is denied to ("for ...") are an enemy: armed forces, armed groups,
        terrorists or a named party; "a haven" or "sanctuary" for anyone but civilians. "No safe place
        for children in Gaza" is humanitarian language, no threat."""
        denied = [o for p in noun.children if p.dep_ == "prep" and p.lower_ == "for" for o in p.children if o.dep_ == "pobj"]
        denied += [w for o in denied for w in o.conjuncts]
        if not denied:
            return False
        armed = self.lexicon.word_classes.get("force", frozenset()) | self.lexicon.word_classes.get("armed_group", frozenset())
        enemies = armed | _IRREGULARS | _ENEMIES
        for o in denied:
            lemma = o.lemma_.lower()
            if lemma in _CIVILIANS:
                return False
            if lemma in enemies or o.pos_ == "PROPN" and o.ent_type_ in ("ORG", "NORP", "GPE"):
                continue
            if o.pos_ == "PRON" and noun.lemma_.lower() in _HAVENS:
                continue  # "no safe haven for them"
            if o.ent_type_ == "NORP" or any(w.ent_type_ in ("NORP", "GPE", "ORG") for w in o.children if w.dep_ in ("amod", "compound")):
                if noun.lemma_.lower() in _HAVENS and lemma not in _CIVILIANS:
                    continue  # "no safe haven for Russian occupiers"
            return False
        return True

    def _promised_force(self, verb: Token) -> LexEntry | None:
        """A promise or pledge to use force is a threat: "promising to use overwhelming force",
        "promised that Israel would resume fighting", "pledged to hold the country accountable";
        coded as the lexicon's "threaten" + "force"."""
        if verb.lemma_.lower() not in _PROMISE_VERBS:
            return None
        clauses = [c for c in verb.children if c.dep_ in ("xcomp", "ccomp") and c.pos_ == "VERB"]
        # "would resume fighting", "to continue attacking": the act is the aspect verb's complement
        clauses += [x for c in clauses if c.lemma_.lower() in self.support_verbs for x in c.children
                    if x.dep_ == "xcomp" or (x.dep_ == "dobj" and x.pos_ == "VERB")]  # fmt: skip
        for clause in clauses:
            if any(c.dep_ == "neg" for c in clause.children):
                continue
            objects = {w.lemma_.lower() for o in clause.children if o.dep_ in ("dobj", "obj") for w in _object_words(o)}
            particles = {c.lower_ for c in clause.children if c.dep_ == "prt"} | _clause_particles(clause)
            act = self.lexicon.choose(clause.lemma_.lower(), "VERB", particles, objects, clause.lower_)
            if act is not None and (act.quad_class == 4 or act.event_type == "THREATEN"):
                return self.lexicon.choose("threaten", "VERB", set(), {"force"})
        return None

    def _threatened(self, verb: Token) -> bool:
        """The verb is the clause of a threat verb ("warned it would expel", "threatened that it would")."""
        head = verb.head
        return verb.dep_ in ("ccomp", "xcomp") and head is not verb and any(
            e.event_type == "THREATEN" and e.object is None and not e.particle
            for e in self.lexicon.candidates(head.lemma_.lower(), "VERB"))  # fmt: skip

    def _bare_demand_trigger(self, tok: Token, pos: str, lemma: str, found: list[Trigger]) -> None:
        """"Washington declared that China must drop its barriers": a demand
        whatever the demanded act, even one the lexicon does not know."""
        if pos == "VERB" and tok.dep_ in ("ccomp", "acl") and self._bare_demand is not None:
            announcement = self.intent.find(tok)
            if announcement is not None and announcement.kind == "demand":
                found.append(Trigger(tok, replace(self._bare_demand, lemma=lemma), None))

    def _announce(self, entry: LexEntry, verb: Token, actor: list[ActorRef], recipient: list[ActorRef], mentions, on):
        """Apply the announcement rules (intent, refusal, demand) around ``verb``."""
        announcement = self.intent.find(verb)
        if announcement is None:
            return entry, actor, recipient, None
        if announcement.future and self._threatened(verb):
            # "warned it would expel Western diplomats": the act a threat verb announces is the
            # threat's content, coded at the threat verb, not the act itself planned
            announcement = replace(announcement, future=False)
        announced = self.intent.apply(entry, announcement, self.lexicon)
        if announced is None:
            return entry, actor, recipient, announcement.kind
        if announcement.kind == "demand":
            # "Britain said Libya must hand over ...": Britain demands, of Libya.
            demanded_of = actor
            actor = self._resolve(announcement.speaker, mentions, on)
            recipient = demanded_of or recipient
        return announced, actor, recipient, announcement.kind

    # --- apply --------------------------------------------------------------------------------

    def code_doc(self, doc: Doc, article_id: str, published: date | None) -> list[Event]:
        mentions = self.matcher.index(self.matcher.find_mentions(doc))
        facts = DocumentFacts(doc)
        memory = _Memory()
        events: list[Event] = []
        told: set[str] = set()  # the sentences already coded, as written
        for index, sent in enumerate(sentences(doc)):
            coded: list[_Coded] = []
            triggers = self.find_triggers(sent)
            sent_facts = facts.sentence(sent) if triggers else None  # shared by the sentence's events
            for trig in triggers:
                coded.append(self._event(trig, sent_facts, index, article_id, published, mentions, memory))
            self._link(coded)
            coded = self._prune(coded, sent, mentions, published, told)
            named = {c.event.event_type for c in coded if c.event.actor or c.event.recipient}
            coded = [c for c in coded if c.event.actor or c.event.recipient or _unnamed_act(c, named)]
            for item in coded:
                events.append(item.event)
                e = item.event
                if e.modality == "asserted" and e.actor and e.recipient and not e.historical:
                    # the article's own news: its first act of each type with both sides
                    memory.acts.setdefault(e.event_type, e)
                reverse = self._reciprocal(item.event, item.act)
                if reverse is not None:
                    events.append(reverse)
            self._remember(sent, mentions, published, memory)
        # the sides a sentence leaves unnamed, from the two parties the article is about
        filled = fill_from_dyad(events, self.matcher.dictionary.country_name, doc.text)
        kept = [e for e in filled if e.actor or e.recipient]
        if len(kept) < len(filled):
            # an act no party was found for is no event, nor what another answers
            gone = {e.event_id for e in filled if not (e.actor or e.recipient)}
            kept = [replace(e, cause_event=None) if e.cause_event in gone else e for e in kept]
        return kept

    def _link(self, coded: list[_Coded]) -> None:
        """Sentence-level links: the coded event of a condition clause, and the
        threatened act of a threat ("threatened to strike Israel"), which is then
        not coded a second time as a THREATEN of its own."""
        for c in coded:
            event = c.event
            condition = event.condition
            if condition is not None and c.framing.condition_clause is not None:
                clause = c.framing.condition_clause
                inner = next((o for o in coded if o is not c and clause.left_edge.i <= o.token.i <= clause.right_edge.i), None)
                if inner is not None:
                    condition = replace(condition, event_type=inner.act.event_type)
            consequence = event.consequence
            if event.event_type == "THREATEN" and consequence is None:
                # "threatened to strike Israel", "warned that its bases will be targets"
                for o in coded:
                    if o is c or not any(a.i == c.token.i for a in o.token.ancestors):
                        continue
                    if _complement(o.token) or o.token.head.dep_ in ("xcomp", "ccomp", "advcl"):
                        recipient = o.event.recipient or event.recipient
                        consequence = Consequence(o.act.event_type, o.act.cameo, o.event.trigger, recipient)
                        break
            if condition is not event.condition or consequence is not event.consequence:
                c.event = replace(event, condition=condition, consequence=consequence)
        # "Iran threatened to strike Israel": one threat, coded at "threatened"; the
        # threatened act is its consequence, not a second THREATEN event
        threats = {c.token.i for c in coded if c.act.event_type == "THREATEN"}
        coded[:] = [
            c for c in coded
            if not (c.act.event_type != "THREATEN" and _complement(c.token) and c.token.head.i in threats
                    and (c.event.event_type == "THREATEN" or c.token.dep_ == "advcl"))
        ]  # fmt: skip
        # "strikes targeting military installations in Iran", "carried out strikes, targeting a base":
        # the targeting clause names the strikes' target, not a second attack
        for c in list(coded):
            if c.token.pos_ != "VERB" or c.token.lemma_.lower() not in ("target", "aim") or c.token.dep_ not in ("acl", "advcl"):
                continue
            head = c.token.head
            nouns = [head] if head.pos_ == "NOUN" else [o for o in head.children if o.dep_ in ("dobj", "obj")]
            host = next((o for o in coded if o is not c and o.token in nouns and o.event.event_type == c.event.event_type), None)
            if host is None:
                continue
            if not host.event.recipient and c.event.recipient:
                host.event = replace(host.event, recipient=c.event.recipient)
            coded.remove(c)
        # "an airstrike in Syria that killed an Iranian general", "struck a building in Damascus, killing two
        # Iranian officers": the attack hit those its killing hit, not the country where it happened
        for c in coded:
            if not c.place_only or c.event.event_type != "ASSAULT":
                continue
            caused = next(
                (o for o in coded if o is not c and o.event.event_type == "ASSAULT" and not o.place_only
                 and _countries(o.event.recipient) and o.token.dep_ in ("relcl", "acl", "advcl")
                 and o.token.head.i == c.token.i),
                None,
            )  # fmt: skip
            if caused is not None and not _countries(caused.event.recipient) & _countries(c.event.actor):
                c.event = replace(c.event, recipient=caused.event.recipient)
                c.place_only = False
        # "fired missiles in retaliation for the killing of Nasrallah": the killing
        # is the act this event answers
        for c in coded:
            phrase = cause_phrase(c.token)
            if phrase is None:
                continue
            lo, hi = phrase.left_edge.i, phrase.right_edge.i
            inside = [o for o in coded if o is not c and lo <= o.token.i <= hi]
            cause = min(inside, key=lambda o: (abs(o.token.i - phrase.i), o.token.i)) if inside else None
            text = phrase.doc[lo : hi + 1].text[:200]
            c.event = replace(c.event, cause_event=cause.event.event_id if cause else None, cause_text=text)

    def _prune(self, coded: list[_Coded], sent: Span, mentions: dict[int, Mention], on: date | None, told: set[str]) -> list[_Coded]:
        """Keep one event per act of a sentence, and no event where the sentence tells of none:
        a sentence the page repeats word for word (a caption shown twice) and a question add
        nothing; two triggers for one act ("the strike hit the suburbs", "launched missile
        attacks", "condemned the attack, labelling it a crime") are one event; so is a wounding
        told with the killing it goes with ("39 were killed and 51 wounded"); a war-long toll is
        background; and the triggers ``_no_event`` names are no events."""
        text = " ".join(sent.text.lower().split())
        if len(text.split()) >= 5 and text in told:
            return []
        told.add(text)
        # "Is Kim planning a hydrogen bomb?": a question asserts no act; but an act it takes as
        # given ("After Israel struck Damascus, will Iran retaliate?", "Why did Russia attack Sumy?") stays
        asked = sent.text.rstrip(" \"'”’").endswith("?")
        # acts an answer names ("struck Lebanon in response to the mortar fire") stay: they link it
        answered = {i for c in coded if c.event.cause_text for i in _cause_span(c.token)}
        kept = [c for c in coded
                if (not asked or _given_by_question(c.token)) and not self._no_event(c, mentions, on, answered)]  # fmt: skip
        acts = {c.token.i for c in coded}
        totals = {c.token.i for c in kept if _war_total(c.token, acts)}
        # "the violence has killed at least 14,000 people": a toll of the whole war, with the act
        # noun it is told of, is background, not an act
        kept = [c for c in kept if c.token.i not in totals
                and not (c.token.dep_ == "nsubj" and c.token.head.i in totals and c.token.pos_ == "NOUN")]  # fmt: skip
        # the events dropped or told again, and the one each is now told by (None: no event)
        staying = {id(c) for c in kept}
        merged: dict[str, str | None] = {c.event.event_id: None for c in coded if id(c) not in staying}
        for c in list(kept):
            # "Trump ordered a series of airstrikes on Yemen", "ordered the arrest of its leaders": the
            # order is the act it orders, done by the one who gave it, not a demand
            if c.event.event_type != "REQUEST" or c.token.lemma_.lower() != "order":
                continue
            ordered = next((o for o in kept if o.event.event_type in _FORCE_TYPES and o.token.pos_ == "NOUN"
                            and _ordered_object(c.token, o.token)), None)  # fmt: skip
            if ordered is None:
                continue
            _absorb(ordered, c)
            kept.remove(c)
            merged[c.event.event_id] = ordered.event.event_id
        for c in list(kept):
            if not any(c is k for k in kept):
                continue  # already told by another trigger
            host = _same_act(c, kept)
            if host is None:
                continue
            keep, drop = (host, c) if _sides_named(host.event) >= _sides_named(c.event) else (c, host)
            _absorb(keep, drop)
            kept[:] = [k for k in kept if k is not drop]
            merged[drop.event.event_id] = keep.event.event_id
        for c in list(kept):
            if c.token.lemma_.lower() not in _WOUND_VERBS or c.event.event_type != "ASSAULT":
                continue
            killing = next((o for o in kept if o is not c and o.event.event_type == "ASSAULT"
                            and o.token.lemma_.lower() in _KILL_VERBS and _coordinated(o.token, c.token)), None)  # fmt: skip
            if killing is None:
                continue
            victims, hurt = _countries(killing.event.recipient), _countries(c.event.recipient)
            if hurt and not hurt <= victims and not c.place_only:
                continue  # "killed members of the group and wounded Iran's envoy": other victims
            if killing.event.injured is None and c.event.injured is not None:
                killing.event = replace(killing.event, injured=c.event.injured)
            kept[:] = [k for k in kept if k is not c]
            merged[c.event.event_id] = killing.event.event_id
        for c in kept:
            # an answer to an act told twice answers the one kept, at the end of a chain of merges
            if c.event.cause_event in merged:
                c.event = replace(c.event, cause_event=_final(merged, c.event.cause_event))
        return kept

    def _no_event(self, c: _Coded, mentions: dict[int, Mention], on: date | None, answered: set[int] = frozenset()) -> bool:
        """A trigger whose sentence tells of no act between actors."""
        tok, lemma, kind = c.token, c.token.lemma_.lower(), c.event.event_type
        if kind == "ASSAULT" and lemma in _SOUND_NOUNS and tok.pos_ == "NOUN":
            # "explosions were heard in Tehran", "repeated gunfire": no cause stated, no attack
            by = any(w.lower_ == "by" for w in tok.head.children) and tok.head.pos_ == "VERB"
            # a party that reports explosions in its territory tells of an attack on it
            told = tok
            if tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.lemma_.lower() in _QUANTITY_NOUNS:
                told = tok.head.head  # "reported a series of explosions"
            reported = told.dep_ in _OBJ and told.head.lemma_.lower() in _REPORT_VERBS \
                and self._reports_own_ground(told.head, told, mentions, on)
            # explosions that killed or wounded people are the attack that did
            harmed = told.dep_ == "nsubj" and told.head.lemma_.lower() in _KILL_VERBS | _WOUND_VERBS
            return not by and not reported and not harmed and not self._noun_actor(tok, mentions, on)
        if kind == "ASSAULT" and tok.pos_ == "VERB" and lemma in _KILL_VERBS | _WOUND_VERBS:
            # "flash floods killed 300 people", "the earthquake killed 40 and injured hundreds": a natural
            # force or an accident is no one's attack (a blast is the attack that did it: see above)
            verb = tok
            while verb.dep_ == "conj" and verb.head.pos_ == "VERB":
                verb = verb.head
            forces = self.lexicon.word_classes.get("disaster", frozenset()) - _BLAST_WORDS
            for subject in (w for w in verb.children if w.dep_ in _SUBJ):
                words = {subject.lemma_.lower(), *(w.lemma_.lower() for w in subject.children if w.dep_ in ("compound", "amod"))}
                if words & forces:
                    return True
        if kind == "ASSAULT" and lemma == "explode" and tok.pos_ == "VERB":
            # "their pagers exploded": the device is no party
            return not _placed(self._verb_actor(tok, mentions, on))
        if kind in ("ASSAULT", "THREATEN") and c.event.actor and all(a.sector in _CROWD_SECTORS for a in c.event.actor) \
                and any(w.lemma_.lower() == "liberate" for w in (tok, *(x for x in tok.children if x.dep_ in ("xcomp", "ccomp")))):
            # "protesters vowed to liberate Palestine": a slogan, no capture and no threat of one
            return True
        if kind == "CONSULT" and lemma in _MOVE_VERBS and tok.pos_ == "VERB":
            # "arrived there from Georgetown", "personnel were travelling to the Valley": a visit needs a
            # host, or talks it comes for ("arrived in the region for talks with Arab leaders")
            if c.event.actor and all(a.sector in _PRIVATE_SECTORS for a in c.event.actor):
                return True  # "refugees left for Turkey", "civilians travelled to Turkey": no visit between parties
            if _countries(c.event.recipient) and _countries(c.event.recipient) <= _countries(c.event.actor):
                return True  # "the ambassador flew to Moscow for consultations": home, no visit
            if lemma in _ENVOY_MOVES and not any(a.sector in _ENVOY_SECTORS for a in c.event.actor) \
                    and not _delegation(tok):
                # "Israelis left for Cyprus", "bombers flew to Venezuela", "drones flew to Moscow": only
                # envoys (officials, a delegation) who fly or leave for a place pay a visit
                return True
            return not _countries(c.event.recipient) - _countries(c.event.actor) and not _for_talks(tok)
        if lemma == "defend" and kind in ("SUPPORT", "AGREE"):
            # a verbal defence defends a party or a stand ("defended Iraq against criticism",
            # "defended the decision"); defending oneself, one's land or people is force, not words
            objects = [o for o in tok.children if o.dep_ in _OBJ]
            return not objects or all(_defended_by_force(o) or any(_defended_by_force(w) for w in o.conjuncts)
                                      for o in objects)  # fmt: skip
        if kind == "PROTEST" and lemma == "block" and not c.event.actor and not any(w.dep_ in ("nsubj", "agent") for w in tok.children):
            # "roads remained blocked off", "trains were blocked": a state, with no one protesting
            return True
        if lemma == "hail" and any(w.dep_ == "prep" and w.lower_ == "from" for w in tok.children):
            # "whose leadership hails from the Tutsi group": where one comes from, no praise
            return True
        if any(w.lower_ in _ANYONE for w in tok.children if w.dep_ in _SUBJ):
            # "whoever attacks us, we will attack them": a rule for anyone, not an act
            return True
        if lemma == "occupy" and (tok.dep_ == "amod" or _adjective_participle(tok)):
            # "off occupied Crimea", "the occupied territories": a place's name, not an act
            return True
        if kind in _CONTEXT_TYPES and tok.pos_ == "NOUN" and tok.dep_ == "pobj" and _bare_mention(tok) and tok.i not in answered:
            # "before the strikes", "has yet to comment on the attack", "an increase in such attacks":
            # the act told before, named again in passing, is no new event; but an act its
            # casualties are counted in ("two soldiers were killed in the strikes") or a cost is
            # promised for ("will pay for the killing") is the act the report is about
            prep = tok.head
            casualties = prep.lower_ == "in" and prep.head.lemma_.lower() in _KILL_VERBS | _WOUND_VERBS | _DIE_VERBS
            return not casualties and prep.lower_ != "for" and not self._noun_actor(tok, mentions, on)
        if kind in _CONTEXT_TYPES | {"MOBILIZE"} and tok.pos_ == "NOUN" and tok.dep_ in _OBJ and _bare_mention(tok) \
                and tok.head.lemma_.lower() in _TALK_VERBS and tok.i not in answered:
            # "met to discuss the attack", "described the exercises as a provocation": the act told
            # before is what the words are about, not a new act
            return not self._noun_actor(tok, mentions, on)
        if kind == "CONSULT" and lemma == "host" and tok.pos_ == "VERB":
            # "bases hosting US troops", "the camp has never hosted him": a place that houses is no host
            hosts = [w for w in tok.children if w.dep_ in _SUBJ]
            if tok.dep_ in ("acl", "relcl"):
                hosts.append(tok.head)
            if any({w.lemma_.lower(), w.lower_} & _FACILITY_NOUNS for w in hosts):
                return True
        if kind == "AID" and lemma in _RESCUE_WORDS:
            # "authorities evacuated 200 people", "rescue crews were evacuating the wounded": rescue
            # work at home is no aid between parties
            return not _countries(c.event.recipient) - _countries(c.event.actor)
        if kind == "AID" and lemma == "contribute":
            # "The Associated Press contributed to this report"
            return any(p.lower_ == "to" and any(o.lemma_.lower() in _REPORT_NOUNS for o in p.children)
                       for p in tok.children)  # fmt: skip
        return False

    def _reports_own_ground(self, verb: Token, told: Token, mentions: dict[int, Mention], on: date | None) -> bool:
        """Is the one who reports explosions a party telling of its own ground: "the Houthis reported
        explosions in their territory", "Iran reported explosions near Isfahan"; not residents, and
        not a party telling of explosions elsewhere?"""
        reporter = [r for r in self._verb_actor(verb, mentions, on) if r.country and r.sector != "CVL"]
        if not reporter:
            return False
        places: list[ActorRef] = []
        for holder in (verb, told, *told.subtree):
            for prep in holder.children:
                if prep.dep_ != "prep" or prep.lower_ not in _PLACE_PREPS:
                    continue
                for pobj in prep.children:
                    if pobj.dep_ != "pobj":
                        continue
                    if pobj.lemma_.lower() in _OWN_PLACE_NOUNS and any(
                            w.dep_ == "poss" and w.lower_ in ("its", "their", "our") for w in pobj.children):
                        return True  # "in their territory"
                    places += self._place(pobj, mentions, on)
        return not places or bool(_countries(places) & _countries(reporter))

    def _reciprocal(self, event: Event, entry: LexEntry) -> Event | None:
        """The reverse event of a reciprocal entry ("A visited B": B hosted A)."""
        code = entry.reciprocal_cameo
        if code is None or not event.actor or not event.recipient:
            return None
        if not any(a.country for a in event.actor) or not any(r.country for r in event.recipient):
            return None
        ident = hashlib.sha1(f"{event.event_id}\x1freverse".encode()).hexdigest()[:20]
        return replace(
            event,
            event_id=ident,
            cameo_code=code,
            quad_class=quad_class(code),
            intensity=self.lexicon.cameo[code].goldstein,
            actor=event.recipient,
            recipient=event.actor,
        )

    def _remember(self, sent: Span, mentions: dict[int, Mention], on: date | None, memory: _Memory) -> None:
        """Clause subjects that name actors, for "he", "it", "the minister" later on."""
        for tok in sent:
            if tok.dep_ in _SUBJ + _PASS_SUBJ and tok.pos_ in ("PROPN", "NOUN"):
                refs = self._resolve(tok, mentions, on)
                if refs:
                    memory.add(refs, _personal(tok, mentions))

    def _event(
        self,
        trig: Trigger,
        sent: SentenceFacts,
        index: int,
        article_id: str,
        on: date | None,
        mentions: dict[int, Mention],
        memory: _Memory,
    ) -> _Coded:
        tok, entry = trig.token, trig.entry
        act = entry
        kind = None
        if entry.pos == "VERB":
            actor = self._verb_actor(tok, mentions, on)
            recipient = self._verb_recipient(trig, mentions, on)
            entry, actor, recipient, kind = self._announce(entry, tok, actor, recipient, mentions, on)
        else:
            actor = self._noun_actor(tok, mentions, on)
            recipient = self._noun_recipient(tok, entry, mentions, on)
            verb = self._support_verb(tok)
            if verb is not None:
                # "plans to impose restrictions", "will extend the curfew"
                entry, actor, recipient, kind = self._announce(entry, verb, actor, recipient, mentions, on)
        subject = self._subject_head(tok, entry)
        if not actor:
            if subject is not None:
                actor = self._antecedent(subject, mentions, memory, on, possessive=entry.pos == "NOUN")
            if not actor:
                actor = self._unresolved_actor(subject, mentions)

        def resolve(t: Token) -> list[ActorRef]:
            if t.pos_ == "PRON":
                return self._antecedent(t, mentions, memory, on)
            return self._resolve(t, mentions, on) or self._description(t, mentions, memory)

        framing = self.framer.frame(
            tok, sent, on, mentions, resolve,
            refusal_coded=(kind == "refusal" and entry is not act) or (entry.event_type == "THREATEN" and _denied_place(tok)),
            announced=kind in ("intent", "threat") and entry is not act,
            place_bound=act.event_type in self.lexicon.ontology.place_targets,
            object_token=trig.object_token,
        )  # fmt: skip
        via: tuple[ActorRef, ...] = ()
        if framing.relay is not None:
            via = framing.relay.via
            if framing.relay.originator:
                actor = list(framing.relay.originator)
            if framing.relay.addressee:
                recipient = list(framing.relay.addressee)
            recipient = [r for r in recipient if r not in via]
        if entry is act and entry.event_type == "ASSAULT" and self._show_of_force is not None and _into_the_sea(trig):
            # "fired a ballistic missile off its east coast into the Sea of Japan": a test, not an attack
            entry, recipient = replace(self._show_of_force, lemma=act.lemma), []
        if not recipient and entry.event_type == "THREATEN" and entry.pos == "VERB":
            recipient = self._condition_subject(tok, mentions, on)
        named_recipient = bool(recipient)
        if not recipient and entry.event_type in self.lexicon.ontology.place_targets:
            recipient = self._place_recipient(trig, mentions, on)
        if not recipient and entry.event_type in _CONTEXT_TYPES and (_countries(actor) or (actor and not _placed(actor))):
            # "Russian forces hit the railway station in Kramatorsk": a material act done abroad targets
            # the country where it happened; so does one by a weapon alone ("a building in Kyiv was hit
            # by a missile")
            recipient = self._foreign_place(framing.location, actor)
        # a recipient that is only where the act happened ("an airstrike in Syria"), not whom it hit
        place_only = not named_recipient and bool(recipient)
        crossing = None if recipient else self._crossing(trig, actor, mentions, on)
        if crossing:
            # "sent balloons over the border into South Korea": the country the act crosses into
            recipient = crossing
        elif crossing is None and not recipient and entry.event_type in self.lexicon.ontology.domestic_targets and not _mutual_parties(act, actor):
            # A domestic protest, crackdown or concession targets the actor's own
            # country (not one sent across a border). Inferred, not quoted: the recipient's text stays empty.
            countries = dict.fromkeys(a.country for a in actor if a.country and a.sector != "IGO")
            recipient = [ActorRef("", self.matcher.dictionary.country_name(c), c, "") for c in countries]
        if not actor and entry.event_type in _CONTEXT_TYPES:
            # "32 civilians were killed in an attack by the RSF", "killed in the Israeli strike"
            actor = self._enclosing_act_actor(tok, mentions, on)
        if not _placed(actor) and entry.pos == "VERB" and entry.event_type in _CONTEXT_TYPES:
            # "Israeli missiles were fired from the Golan": the weapon's owner fired it
            actor = self._weapon_owner(tok, mentions, on) or actor
        antecedent = None
        if not actor and not recipient and entry.pos == "NOUN" and entry is act and _definite(tok):
            # "the attack", "those strikes": the act of that type the article leads with
            antecedent = memory.acts.get(entry.event_type)
            if antecedent is not None:
                actor, recipient = list(antecedent.actor), list(antecedent.recipient)
        elif entry is act and entry.event_type in _CONTEXT_TYPES and (
            _placed(actor) != _placed(recipient) or (not _placed(actor) and not _placed(recipient) and _unanchored(tok))
        ):
            # "the building was hit", "Israel launched strikes overnight": the missing side of a
            # material act is that of the article's leading act of its type, when the side the
            # sentence does name agrees with it
            lead = memory.acts.get(entry.event_type)
            if lead is not None and _intercepting(tok, trig) and not lead.trigger.lower().startswith(INTERCEPT_TRIGGERS):
                # "most of the drones were intercepted": the attacked side downs the attacker's weapons
                lead = replace(lead, actor=lead.recipient, recipient=lead.actor)
            actor, recipient = _complete_from(lead, actor, recipient)
        if not recipient and entry.event_type == "ACCUSE":
            # "Syria condemned the attack", "condemned the use of heavy artillery": the one
            # who carried out the condemned act
            recipient = self._condemned_actor(tok, actor, mentions, memory, on)
        if not recipient and entry.cameo.startswith("015"):
            # "the Houthis claimed responsibility for the strike": the claim is about the strike's victims
            recipient = self._claimed_victim(trig, actor, mentions, memory, on)
        if not recipient and entry.event_type == "THREATEN" and actor:
            # "Iran vowed revenge": a threat made after an attack on the threatener targets the attacker
            recipient = _attacker_of(memory.acts.get("ASSAULT"), actor)
        if not _countries(actor) and _pair_subject(subject):
            # "both sides agreed", "the two parties met": the pair the article is about
            pair = _article_pair(memory)
            if pair is not None:
                actor, recipient = list(pair.actor), list(pair.recipient)
        if not recipient and len(actor) > 1 and (entry.event_type in _MUTUAL_TYPES or act.lemma in _MUTUAL_LEMMAS):
            # "India and Pakistan agreed to a ceasefire", "the army and the RSF continued to battle":
            # the first party acts, the others are its counterparts
            first = actor[0]
            others = [a for a in actor[1:] if (a.country, a.sector) != (first.country, first.sector)]
            if others:
                actor, recipient = [first], others
        if not actor and not recipient and entry is act and entry.event_type == "ASSAULT" and entry.pos == "VERB" \
                and tok.lemma_.lower() in _KILL_VERBS | _WOUND_VERBS:
            # "at least 40 members of a paramilitary force were killed": victims the dictionary does not
            # name are kept with their words, for the article to give them a country
            recipient = self._unresolved_victims(tok, mentions)
        # An act that names no party at all stays a candidate: the article may name its parties
        # (``fill_from_dyad``: "the talks", "an exchange of gunfire", "the strike"); ``code_doc`` drops
        # the ones it cannot fill.
        words = [tok.text]
        if entry.particle:
            words.append(entry.particle)
        if trig.object_token is not None:
            words.append(trig.object_token.text)
        recipient = [r for r in recipient if r not in actor]
        consequence = None
        if entry is not act or framing.modality == "conditional":
            # the act announced, threatened or made conditional, as the lexicon codes it
            consequence = Consequence(act.event_type, act.cameo, " ".join(words), tuple(recipient))
        magnitude = framing.magnitude
        ident = hashlib.sha1(f"{article_id}\x1f{tok.idx}\x1f{entry.event_type}".encode()).hexdigest()[:20]
        event = Event(
            event_id=ident,
            article_id=article_id,
            sentence_index=index,
            trigger=" ".join(words),
            span_start=tok.idx,
            span_end=tok.idx + len(tok.text),
            event_type=entry.event_type,
            mode=entry.mode,
            contexts=entry.contexts,
            cameo_code=entry.cameo,
            quad_class=entry.quad_class,
            intensity=entry.intensity,
            actor=tuple(actor),
            recipient=tuple(recipient),
            modality=framing.modality,
            modality_cues=framing.cues,
            historical=framing.historical,
            condition=framing.condition,
            consequence=consequence,
            via=via,
            attribution=framing.attribution,
            event_date=framing.event_date,
            date_precision=framing.date_precision,
            date_text=framing.date_text,
            location=framing.location or self._context_place(entry, act, actor, recipient, framing, memory),
            dead=magnitude.dead if magnitude else None,
            injured=magnitude.injured if magnitude else None,
            counts=magnitude.counts if magnitude else (),
        )
        if antecedent is not None and framing.modality == "asserted":
            # the act pointed back at happened when the article said it did
            event = replace(event, event_date=antecedent.event_date, date_precision=antecedent.date_precision,
                            date_text=antecedent.date_text, historical=antecedent.historical)  # fmt: skip
        return _Coded(event, tok, act, framing, place_only)

    # --- verbs ---------------------------------------------------------------------------------

    def _verb_actor(self, verb: Token, mentions: dict[int, Mention], on: date | None, depth: int = 0) -> list[ActorRef]:
        if depth > 6:
            return []
        if _is_passive(verb):
            for c in (*verb.children, *_stray_agents(verb)):
                if c.dep_ == "agent":
                    for p in c.children:
                        if p.dep_ in ("pobj", "pcomp"):
                            # "hit by a missile fired by Russian troops": who is behind the weapon or act
                            named = self._resolve(p, mentions, on) if p.dep_ == "pobj" else []
                            return named or self._agent_author(p, mentions, on)
            if depth > 0 and verb.lemma_.lower() in self.framer.rules.plan_heads:
                # "Blinken is expected to meet ...", "the envoy was scheduled to visit ..."
                subject = next((c for c in verb.children if c.dep_ in _PASS_SUBJ), None)
                if subject is not None:
                    return self._resolve(subject, mentions, on)
            return []
        subjects = [c for c in verb.children if c.dep_ in _SUBJ]
        subject = subjects[0] if subjects else None
        if subject is not None:
            if subject.lower_ in _RELATIVE and verb.dep_ == "relcl":
                return self._resolve(verb.head, mentions, on)
            # A coordination the parser split into several subjects ("Lions, tigers, and Gondor")
            refs = [r for s in subjects for r in self._resolve(s, mentions, on)]
            if not refs and subject.pos_ == "NOUN" and self.lexicon.candidates(subject.lemma_.lower(), "NOUN"):
                # "an airstrike by the Syrian government killed 29 soldiers": the act's author did it
                refs = self._noun_actor(subject, mentions, on)
            if refs or subject.lower_ not in _PRONOUNS:
                return refs
            # "Iran said it would retaliate": the pronoun takes the reporting clause's subject.
            return self._verb_actor(verb.head, mentions, on, depth + 1) if verb.dep_ in _INHERIT_DEPS else []
        head = verb.head
        if head.i == verb.i:
            return []
        if verb.dep_ in ("acl", "relcl") and head.pos_ in ("NOUN", "PROPN"):
            # "a strike killing ...", "the envoy sent to ...": the noun acts when active
            return self._resolve(head, mentions, on) if verb.tag_ == "VBG" else []
        if any(c.dep_ == "expl" for w in (verb, *(a for a in verb.children if a.dep_ == "aux")) for c in w.children):
            return []  # "said there was fighting": no one named does the act, least of all the speaker
        if verb.dep_ in ("xcomp", "ccomp") and head.dep_ == "relcl" and head.lemma_.lower() in self.framer.rules.reporting_verbs:
            # "an attack that the Red Cross said hit a bus": the noun described did it, not the one who said so
            noun = head.head
            refs = self._resolve(noun, mentions, on)
            if not refs and noun.pos_ == "NOUN" and self.lexicon.candidates(noun.lemma_.lower(), "NOUN"):
                refs = self._noun_actor(noun, mentions, on)
            return refs
        if verb.dep_ == "xcomp" and head.pos_ in ("VERB", "AUX"):
            controller = self._controller(head, mentions, on)
            if controller:
                return controller
        accused = _accused_of(verb)
        if accused is not None:
            return self._resolve(accused, mentions, on)
        if verb.dep_ in _INHERIT_DEPS or verb.dep_ in ("prep", "pobj", "acomp", "advmod"):
            # Climb to the clause that has a subject: coordinated verbs, trailing
            # participles, "is about to restore", "is due to meet".
            if head.pos_ in ("VERB", "AUX"):
                return self._verb_actor(head, mentions, on, depth + 1)
            return self._verb_actor(head, mentions, on, depth + 1) if head.pos_ in ("ADP", "ADV", "ADJ", "PART") else []
        return []

    def _controller(self, verb: Token, mentions: dict[int, Mention], on: date | None) -> list[ActorRef]:
        """The object that controls an infinitive: "urged Iran to", "called on Iran to"."""
        for c in verb.children:
            if c.dep_ in ("dobj", "obj"):
                return self._resolve(c, mentions, on)
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ == "on":
                for p in c.children:
                    if p.dep_ == "pobj":
                        return self._resolve(p, mentions, on)
        return []

    def _verb_recipient(self, trig: Trigger, mentions: dict[int, Mention], on: date | None) -> list[ActorRef]:
        verb, entry = trig.token, trig.entry
        for c in verb.children:
            if c.dep_ in _PASS_SUBJ:
                if c.lower_ in _RELATIVE and verb.dep_ == "relcl":
                    # "Nasrallah, who was killed by an Israeli strike": the noun the clause describes
                    return self._resolve(verb.head, mentions, on)
                # "multiple people were killed, including a commander of Iran's Guards": whose they were
                return self._resolve(c, mentions, on) or self._prep_objects(c, ("including",), mentions, on) or (
                    self._prep_objects(verb, ("including",), mentions, on)
                )
        if _is_passive(verb):
            subject = next((c for c in verb.children if c.dep_ in _SUBJ), None)
            if subject is not None:
                return self._resolve(subject, mentions, on)
            # A bare passive participle receives its head's subject or noun:
            # "Urged by Egypt, Iran refused"; "Iran, urged by Egypt, refused".
            if verb.dep_ == "acl":
                return self._resolve(verb.head, mentions, on)
            if verb.dep_ == "advcl":
                subject = next((c for c in verb.head.children if c.dep_ in _SUBJ), None)
                return self._resolve(subject, mentions, on) if subject is not None else []
        for c in verb.children:
            if c.dep_ in ("dobj", "obj", "dative") and c is not trig.object_token:
                refs = self._resolve(c, mentions, on, deep=True)
                if refs:
                    return refs
        holders = [verb] + ([trig.object_token] if trig.object_token is not None else [])
        for holder in holders:
            refs = self._prep_objects(holder, entry.recipient_preps, mentions, on)
            if refs:
                return refs
        if entry.event_type in _CONTENT_TYPES:
            # "called for talks between Israel and Hamas", "agreed to a ceasefire with Hezbollah": the
            # parties of the act asked for or agreed to, whose noun is no event of its own
            for noun in _content_nouns(verb):
                refs = self._prep_objects(noun, _PARTY_PREPS, mentions, on)
                if refs:
                    return refs
        if not any(c.dep_ in ("dobj", "obj") for c in verb.children):
            # "attacked and shelled Israeli positions": coordinated verbs share the object
            for c in verb.children:
                if c.dep_ == "conj" and c.pos_ == "VERB":
                    for o in c.children:
                        if o.dep_ in ("dobj", "obj"):
                            refs = self._resolve(o, mentions, on, deep=True)
                            if refs:
                                return refs
        return self._complement_recipient(verb, entry, mentions, on)

    def _complement_recipient(self, verb: Token, entry: LexEntry, mentions: dict[int, Mention], on: date | None, depth: int = 0) -> list[ActorRef]:
        """The recipient inside a complement clause: its subject ("demanded that
        the US cancel ..."), or the object or recipient of an infinitive
        ("offered to hand over the suspects to Britain")."""
        if depth > 2:
            return []
        for c in verb.children:
            if c.dep_ == "ccomp":
                subject = next((s for s in c.children if s.dep_ in _SUBJ + _PASS_SUBJ), None)
                if subject is not None and subject.pos_ != "PRON":
                    refs = self._resolve(subject, mentions, on)
                    if refs:
                        return refs
            elif c.dep_ == "xcomp" or (c.dep_ == "advcl" and _is_purpose(c)):
                # "offered to hand over X to Britain"; and purpose clauses:
                # "went on hunger strike to protest Assad's failure"
                for o in c.children:
                    if o.dep_ in ("dobj", "obj", "dative"):
                        refs = self._resolve(o, mentions, on, deep=True)
                        if refs:
                            return refs
                refs = self._prep_objects(c, DEFAULT_RECIPIENT_PREPS + ("for",), mentions, on, deep=True)
                for o in c.children:
                    if not refs and o.dep_ in ("dobj", "obj"):
                        refs = self._prep_objects(o, DEFAULT_RECIPIENT_PREPS, mentions, on)
                if refs:
                    return refs
                refs = self._complement_recipient(c, entry, mentions, on, depth + 1)
                if refs:
                    return refs
        return []

    # --- nouns ---------------------------------------------------------------------------------

    def _noun_actor(self, noun: Token, mentions: dict[int, Mention], on: date | None) -> list[ActorRef]:
        for c in noun.children:
            if c.dep_ == "poss" and noun.lemma_.lower() not in _VICTIM_NOUNS:
                refs = self._resolve(c, mentions, on)
                if refs:
                    return refs
        modifiers = [c for c in noun.children if c.dep_ in ("amod", "compound", "nmod")]
        refs: list[ActorRef] = []
        for c in modifiers:
            refs.extend(self._resolve(c, mentions, on))
        if refs:
            return refs
        # "talks between the Iranian and American delegations", "fighting between the army and the RSF";
        # "no talks took place between ...": the parser may hang it from the verb
        refs = self._prep_objects(noun, ("between",), mentions, on)
        if not refs and noun.dep_ in ("nsubj", "nsubjpass") and noun.head.lemma_.lower() in _HAPPEN_VERBS:
            refs = self._prep_objects(noun.head, ("between",), mentions, on)
            for c in noun.head.children:
                if not refs and c.dep_ == "dobj" and c.lemma_.lower() == "place":  # "took place between"
                    refs = self._prep_objects(c, ("between",), mentions, on)
        if refs:
            return refs
        # "an attack by the paramilitary RSF"
        refs = self._prep_objects(noun, ("by",), mentions, on)
        if refs:
            return refs
        verb = self._support_verb(noun)
        if verb is not None:
            return self._verb_actor(verb, mentions, on)
        # "a warning from Washington", "an offer from Qatar"
        return self._prep_objects(noun, ("from",), mentions, on)

    def _condemned_actor(self, tok: Token, actor: list[ActorRef], mentions, memory: _Memory, on: date | None) -> list[ActorRef]:
        """The actor of the act an accusation's object names ("condemned the attack",
        "condemned China's actions", "condemned the use of force")."""
        objects = [c for c in tok.children if c.dep_ in ("dobj", "obj")]
        if tok.dep_ == "acl" and tok.head.pos_ == "NOUN":
            objects.append(tok.head)
        for obj in objects:
            for noun in (obj, *(p for prep in obj.children if prep.lower_ == "of" for p in prep.children if p.dep_ == "pobj")):
                entries = self.lexicon.candidates(noun.lemma_.lower(), "NOUN")
                if not entries:
                    continue
                refs = self._noun_actor(noun, mentions, on)
                if not refs:
                    lead = memory.acts.get(entries[0].event_type)
                    refs = list(lead.actor) if lead is not None else []
                refs = [r for r in refs if r not in actor]
                if refs:
                    return refs
        return []

    def _context_place(self, entry: LexEntry, act: LexEntry, actor, recipient, framing, memory: _Memory) -> Location | None:
        """Where a material act the sentence does not place happened: where the article's leading
        act of its type did, when the two share their sides ("the drones were intercepted" in an
        article about the attack on El Fasher)."""
        if entry is not act or entry.event_type not in _CONTEXT_TYPES or framing.historical:
            return None
        lead = memory.acts.get(entry.event_type)
        if lead is None or lead.location is None:
            return None
        if _countries(actor) <= _countries(lead.actor) and _countries(recipient) <= _countries(lead.recipient):
            return lead.location
        return None

    def _claimed_victim(self, trig: Trigger, actor: list[ActorRef], mentions, memory: _Memory, on: date | None) -> list[ActorRef]:
        """Whom a claimed act hit: the target of the act the claim names ("claimed responsibility for
        the attack on the base", "claimed the bombing"), else of the article's leading act of that kind
        when the claimant is its author or the author is unnamed."""
        holders = [trig.token] + ([trig.object_token] if trig.object_token is not None else [])
        acts = [c for h in holders for c in h.children if c.dep_ in ("dobj", "obj") and c is not trig.object_token]
        acts += [p for h in holders for c in h.children if c.dep_ == "prep" and c.lower_ == "for"
                 for p in c.children if p.dep_ == "pobj"]  # fmt: skip
        if trig.object_token is not None and trig.object_token.lemma_.lower() != "responsibility":
            acts.append(trig.object_token)  # "claimed the attack"
        for noun in acts:
            entries = self.lexicon.candidates(noun.lemma_.lower(), "NOUN")
            if not entries:
                continue
            refs = self._noun_recipient(noun, entries[0], mentions, on)
            if not refs and entries[0].event_type in self.lexicon.ontology.place_targets:
                refs = self._place_recipient(Trigger(noun, entries[0], None), mentions, on)
            if not refs:
                lead = memory.acts.get(entries[0].event_type)
                if lead is not None and (not _countries(lead.actor) or _countries(lead.actor) & _countries(actor)):
                    refs = list(lead.recipient)
            refs = [r for r in refs if r not in actor]
            if refs:
                return refs
        return []

    def _foreign_place(self, place: Location | None, actor: list[ActorRef]) -> list[ActorRef]:
        """The country of an act's place as its recipient, when the actor is not of that country."""
        if place is None or not place.country or place.country in _countries(actor):
            return []
        if any(a.sector == "IGO" for a in actor):
            return []
        return [ActorRef("", self.matcher.dictionary.country_name(place.country), place.country, "")]

    def _weapon_owner(self, verb: Token, mentions: dict[int, Mention], on: date | None) -> list[ActorRef]:
        for c in verb.children:
            if c.dep_ in ("nsubjpass", "nsubj", "dobj") and c.lower_ in _WEAPON_WORDS:
                for m in c.children:
                    if m.dep_ in ("amod", "compound", "poss"):
                        refs = self._resolve(m, mentions, on)
                        if refs:
                            return refs
        return []

    def _enclosing_act_actor(self, tok: Token, mentions: dict[int, Mention], on: date | None) -> list[ActorRef]:
        """The actor of an act noun the trigger happened in ("killed in an attack by the RSF",
        "killed in shelling by the RSF", "killed in an airstrike carried out by Israeli jets")."""
        # "were killed and five wounded in two junta airstrikes": coordinated verbs share the setting
        holders = [tok, *(c for c in tok.children if c.dep_ == "conj" and c.pos_ == "VERB")]
        if tok.dep_ == "conj" and tok.head.pos_ == "VERB":
            holders.append(tok.head)
        for holder in holders:
            for prep in holder.children:
                if prep.dep_ != "prep" or prep.lower_ not in ("in", "during", "after"):
                    continue
                for noun in prep.children:
                    if noun.dep_ in ("pobj", "pcomp"):
                        refs = self._agent_author(noun, mentions, on)
                        if refs:
                            return refs
        return []

    def _crossing(self, trig: Trigger, actor: list[ActorRef], mentions: dict[int, Mention], on: date | None) -> list[ActorRef] | None:
        """Where an act sends something across a border: the country it goes into ("sent balloons into
        South Korea", "across the border into Poland"), [] when the sentence names only the border
        ("flew drones over the border"), None when the act crosses nothing."""
        holders = [trig.token] + ([trig.object_token] if trig.object_token is not None else [])
        # "balloons carrying trash over the border": the parser may hang the path from the cargo's clause
        holders += [c for h in holders for c in h.children if c.dep_ == "acl" and c.tag_ == "VBG"]
        crossed = False
        for holder in holders:
            for prep in holder.children:
                if prep.dep_ != "prep" or prep.lower_ not in _CROSSING_PREPS:
                    continue
                for pobj in prep.children:
                    if pobj.dep_ != "pobj":
                        continue
                    if pobj.lemma_.lower() in _BORDER_NOUNS:
                        crossed = True
                        # "over the border into Poland": the destination hangs from the border
                        pobjs = [p for inner in pobj.children if inner.dep_ == "prep" and inner.lower_ in ("into", "to")
                                 for p in inner.children if p.dep_ == "pobj"]  # fmt: skip
                    elif prep.lower_ in ("into", "across"):
                        pobjs = [pobj]
                    else:
                        continue
                    for p in pobjs:
                        refs = [r for r in self._place(p, mentions, on) if r.country not in _countries(actor)]
                        if refs:
                            return refs
        return [] if crossed else None

    def _agent_author(self, agent: Token, mentions: dict[int, Mention], on: date | None) -> list[ActorRef]:
        """Who stands behind a weapon or an act named as the agent or the setting of a material act:
        the agent of its own participle ("a missile fired by Russian troops", "the airstrike carried out
        by Israeli jets"), else the act's author ("shelling by the RSF", "shelling from Russian forces",
        "an Israeli strike")."""
        lemma = agent.lemma_.lower()
        act = bool(self.lexicon.candidates(lemma, "NOUN")) or (agent.tag_ == "VBG" and bool(self.lexicon.candidates(lemma, "VERB")))
        if not act and agent.lower_ not in _WEAPON_WORDS:
            return []
        for clause in agent.children:
            if clause.dep_ == "acl" and clause.tag_ == "VBN":
                for by in clause.children:
                    if by.dep_ == "agent":
                        refs = [r for p in by.children if p.dep_ == "pobj" for r in self._resolve(p, mentions, on)]
                        if refs:
                            return refs
        if agent.pos_ == "NOUN" and act:
            return self._noun_actor(agent, mentions, on)
        return self._prep_objects(agent, ("by", "from"), mentions, on)

    def _contained(self, noun: Token) -> bool:
        """An event noun modifying a container noun ("a mediation effort")."""
        return noun.head.lemma_.lower() in self.container_nouns

    def _support_verb(self, noun: Token) -> Token | None:
        """The support verb whose object is the noun, its container ("launched a mediation
        effort") or the quantity it is counted in ("launched a series of attacks",
        "announced the start of drills")."""
        if noun.dep_ in ("compound", "amod", "nmod") and self._contained(noun):
            noun = noun.head
        elif noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.lemma_.lower() in _QUANTITY_NOUNS:
            noun = noun.head.head
        elif noun.dep_ == "pobj" and noun.head.lower_ == "on" and noun.head.head.lemma_.lower() in _STATE_VERBS:
            return noun.head.head  # "placed its forces on high alert", "troops are on alert"
        elif noun.dep_ == "pobj" and noun.head.lower_ == "on" and _put_on(noun.head.head):
            return noun.head.head.head  # the parser may hang "on high alert" from the forces placed
        if noun.dep_ in ("dobj", "obj") and noun.head.pos_ == "VERB" and noun.head.lemma_.lower() in self.support_verbs:
            return noun.head
        # "the first attack Iran has launched", "the strikes that Israel carried out"
        return next(
            (c for c in noun.children if c.dep_ == "relcl" and c.lemma_.lower() in self.support_verbs
             and not any(o.dep_ in ("dobj", "obj") for o in c.children)),
            None,
        )  # fmt: skip

    def _noun_recipient(self, noun: Token, entry: LexEntry, mentions: dict[int, Mention], on: date | None) -> list[ActorRef]:
        holders = [noun]
        if noun.dep_ in ("compound", "amod", "nmod") and self._contained(noun):
            holders.append(noun.head)  # "a mediation effort between Syria and ..."
        verb = self._support_verb(noun)
        if verb is not None:
            holders.append(verb)
        if noun.lemma_.lower() in _VICTIM_NOUNS:
            # "Haniyeh's killing", "his arrest": the possessor is the one killed or arrested
            for c in noun.children:
                if c.dep_ == "poss":
                    refs = self._resolve(c, mentions, on)
                    if refs:
                        return refs
        for holder in holders:
            refs = self._prep_objects(holder, entry.recipient_preps, mentions, on)
            if refs:
                return refs
        if verb is not None:
            # "began a hunger strike to protest Assad's failure"
            return self._complement_recipient(verb, entry, mentions, on)
        return []

    def _subject_head(self, tok: Token, entry: LexEntry) -> Token | None:
        """The word standing for the actor: the (inherited) subject, the passive
        agent, or a noun trigger's possessor."""
        if entry.pos == "NOUN":
            if tok.lemma_.lower() in _VICTIM_NOUNS:
                return None  # "his killing": the possessor is the victim
            return next((c for c in tok.children if c.dep_ == "poss"), None)
        verb = tok
        for _ in range(4):
            if _is_passive(verb):
                agent = next((c for c in verb.children if c.dep_ == "agent"), None)
                return next((p for p in agent.children if p.dep_ == "pobj"), None) if agent is not None else None
            head = next((c for c in verb.children if c.dep_ in _SUBJ), None)
            if head is not None or verb.dep_ not in ("conj", "xcomp", "advcl") or verb.head.i == verb.i:
                return head
            if verb.head.dep_ == "relcl" and verb.head.lemma_.lower() in self.framer.rules.reporting_verbs:
                return None  # "an attack that the Red Cross said hit a bus": not the one who said so
            verb = verb.head
        return None

    def _antecedent(
        self, subject: Token, mentions: dict[int, Mention], memory: _Memory, on: date | None, *, possessive: bool = False
    ) -> list[ActorRef]:
        """A pronoun or definite description ("he", "it", "the minister") takes
        the nearest earlier actor that fits it. Possessives ("its strike") count as
        their pronoun when ``possessive`` (a noun trigger's possessor)."""
        word = _POSSESSIVE_PRONOUNS.get(subject.lower_, subject.lower_) if possessive else subject.lower_
        if subject.pos_ == "PRON" and word in ("he", "she", "it", "they"):
            # In the same sentence: the named subject of a governing clause
            # ("Hassan was quoted as saying he would ...").
            verb = subject.head
            for _ in range(8):
                if verb.head.i == verb.i:
                    break
                verb = verb.head
                named = next((c for c in verb.children if c.dep_ in _SUBJ + _PASS_SUBJ and c.pos_ in ("PROPN", "NOUN")), None)
                if named is not None:
                    if _personal(named, mentions) != (word in ("he", "she")):
                        break  # "Iran said he ...": not the antecedent; look further back
                    refs = self._resolve(named, mentions, on) or self._description(named, mentions, memory)
                    # The reporting clause's subject is the antecedent even when it
                    # names no known actor: then the pronoun stays unresolved.
                    return [ActorRef(subject.text, r.name, r.country, r.sector) for r in refs]
        if subject.pos_ == "PRON":
            if word in ("he", "she"):
                found = memory.last(personal=True)
            elif word == "it":
                found = memory.last(personal=False)
            elif word == "they":
                found = memory.last()
            else:
                return []
        else:
            return self._description(subject, mentions, memory)
        if found is None:
            return []
        return [ActorRef(subject.text, r.name, r.country, r.sector) for r in found]

    def _description(self, subject: Token, mentions: dict[int, Mention], memory: _Memory) -> list[ActorRef]:
        """A definite description ("the minister", "the Iran-backed group")
        names the nearest earlier actor of its kind."""
        if not any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in subject.children):
            return []
        role = mentions.get(subject.i)
        if role is not None and role.entry is None:
            found = memory.last(sector=role.sector)
        elif role is None and subject.lemma_.lower() in _BODY_NOUNS:
            found = memory.last(personal=False, sector=_BODY_NOUNS[subject.lemma_.lower()])
        else:
            return []
        if found is None:
            return []
        return [ActorRef(_span_text(subject), r.name, r.country, r.sector) for r in found]

    def _unresolved_actor(self, head: Token | None, mentions: dict[int, Mention]) -> list[ActorRef]:
        """An actor the dictionary does not know, kept with its words: the
        subject noun phrase ("Ousted President Askar Akayev", "Gunmen"), with
        the sector its role noun implies and no country. Pronouns are not kept."""
        if head is None or head.pos_ not in ("PROPN", "NOUN") or head.lower_ in _RELATIVE:
            return []
        words = sorted(t.i for t in _phrase(head, mentions) if t.dep_ not in ("conj", "cc") or t.i < head.i)
        start, end = words[0], words[-1]
        if end - start > 8:
            start, end = max(start, head.i - 4), head.i
        span = head.doc[start : end + 1]
        sector = ""
        for i in range(span.start, span.end):
            m = mentions.get(i)
            if m is not None and m.entry is None:
                sector = m.sector
        return [ActorRef(span.text, "", "", sector)]

    def _unresolved_victims(self, verb: Token, mentions: dict[int, Mention]) -> list[ActorRef]:
        """The people a killing or wounding verb hit, in words the dictionary does not know: its passive
        subject or object when that names people ("11 civilians", "two members of his security
        detail", "18 individuals"), with no country; none when a disaster or an accident did it
        ("killed in an earthquake", "injured in a crash")."""
        disasters = self.lexicon.word_classes.get("disaster", frozenset())
        for w in verb.subtree:
            if w.lemma_.lower() in disasters and w.i > verb.i:
                return []
        people = self.lexicon.word_classes.get("person", frozenset()) | self.lexicon.word_classes.get("force", frozenset())
        for c in verb.children:
            if c.dep_ not in (*_PASS_SUBJ, "dobj", "obj") or c.pos_ != "NOUN":
                continue
            if c.lemma_.lower() in people or any(n.dep_ == "nummod" for n in c.children):
                return self._unresolved_actor(c, mentions)
        return []

    def _condition_subject(self, verb: Token, mentions: dict[int, Mention], on: date | None) -> list[ActorRef]:
        """Whom a threat is aimed at: the subject of its condition ("threatened
        to strike unless Baghdad accepted ...", "if Washington joins in")."""
        frontier = [verb]
        for _ in range(3):
            nxt = []
            for tok in frontier:
                for c in tok.children:
                    if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in c.children):
                        subject = next((x for x in c.children if x.dep_ in _SUBJ + _PASS_SUBJ), None)
                        if subject is not None and subject.pos_ != "PRON":
                            refs = self._resolve(subject, mentions, on)
                            if refs:
                                return refs
                    elif c.dep_ in ("xcomp", "ccomp", "conj"):
                        nxt.append(c)
            frontier = nxt
        return []

    def _place_recipient(self, trig: Trigger, mentions: dict[int, Mention], on: date | None) -> list[ActorRef]:
        """The country where the event happened, from "in/at/near PLACE", for
        event types PLOVER targets at their place ("rioted in Kirkuk")."""
        holders = [trig.token]
        if trig.object_token is not None:
            holders.append(trig.object_token)
        for c in trig.token.children:
            if c.dep_ in ("dobj", "obj"):
                holders.append(c)
        verb = self._support_verb(trig.token) if trig.entry.pos == "NOUN" else None
        if verb is not None:
            holders.append(verb)
        # "strikes targeting military installations in Iran": the targeting clause and its object
        for holder in list(holders):
            for c in holder.children:
                if c.dep_ in ("acl", "advcl") and c.pos_ == "VERB" and c.lemma_.lower() in _TARGETING_VERBS:
                    holders.append(c)
                    holders.extend(o for o in c.children if o.dep_ in ("dobj", "obj"))
        attacked = trig.entry.event_type == "ASSAULT" and trig.entry.pos == "VERB"
        if trig.entry.cameo.startswith("192") or attacked:
            # "captured Goma", "seized the town of Wad Madani": the place taken is the object; and a
            # town or city attacked: "shelled the city of El Fasher", "bombed Kharkiv"
            for obj in (c for c in trig.token.children if c.dep_ in ("dobj", "obj")):
                if not trig.entry.cameo.startswith("192") and not (obj.ent_type_ == "GPE" or obj.lemma_.lower() in _PLACE_NOUNS):
                    continue
                found = self._place(obj, mentions, on)
                if found:
                    return found
        preps = _PLACE_PREPS | {"along"} | set(trig.entry.recipient_preps)  # "a strike on Kharkiv"
        for holder in holders:
            for prep in holder.children:
                if prep.dep_ != "prep" or prep.lower_ not in preps:
                    continue
                for pobj in prep.children:
                    if pobj.dep_ != "pobj":
                        continue
                    if pobj.lemma_.lower() in ("border", "frontier", "boundary"):
                        # "deployed troops along its border with Venezuela"
                        found = self._prep_objects(pobj, ("with",), mentions, on)
                        if found:
                            return found
                    found = self._place(pobj, mentions, on)
                    if not found:
                        # "strikes on military targets in Iran": the target's own place
                        found = next(
                            (f for inner in pobj.children if inner.dep_ == "prep" and inner.lower_ in _PLACE_PREPS
                             for o in inner.children if o.dep_ == "pobj" for f in [self._place(o, mentions, on)] if f),
                            [],
                        )  # fmt: skip
                    if found:
                        return found
        return []

    def _place(self, tok: Token, mentions: dict[int, Mention], on: date | None) -> list[ActorRef]:
        # "the northern city of Kirkuk": the named place is the "of" complement
        if tok.lemma_.lower() in _PLACE_NOUNS:
            for prep in tok.children:
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    inner = next((p for p in prep.children if p.dep_ == "pobj"), None)
                    if inner is not None:
                        return self._place(inner, mentions, on)
        kinds = {mentions[i].kind for i in range(tok.left_edge.i, tok.i + 1) if i in mentions}
        if kinds & {"country", "capital"}:
            for ref in self.matcher.resolve(_phrase(tok, mentions), mentions, on):
                return [ActorRef(ref.text, self.matcher.dictionary.country_name(ref.country), ref.country, "")]
        # After a place or target preposition a known place is read as a place,
        # whatever the NER says, unless it took the word for a date or number.
        if tok.ent_type_ in _NOT_PLACES:
            return []
        # a named place: a city, a base, a crossing ("a drone attack on Tower 22",
        # "a strike on a guesthouse in Tehran")
        places = self.framer.places
        found = places.place(tok, mentions, countries_ok=False) or places.within(tok, mentions, _IN_PLACE)
        if found is None or not found.country:
            return []
        return [ActorRef(found.name, self.matcher.dictionary.country_name(found.country), found.country, "")]

    # --- shared --------------------------------------------------------------------------------

    def _prep_objects(
        self, holder: Token, preps: tuple[str, ...], mentions: dict[int, Mention], on: date | None, deep: bool = False
    ) -> list[ActorRef]:
        for c in holder.children:
            if c.dep_ == "prep" and c.lower_ in preps:
                for p in c.children:
                    if p.dep_ == "pobj":
                        refs = self._resolve(p, mentions, on, deep=deep)
                        if refs:
                            return refs
        return []

    def _resolve(self, head: Token, mentions: dict[int, Mention], on: date | None, deep: bool = False) -> list[ActorRef]:
        """Actors of the phrase headed by ``head``; with ``deep``, when the phrase
        itself names none, those of the nearest prepositional complement that
        does ("struck a building next to the Iranian embassy")."""
        refs = self.matcher.resolve(_phrase(head, mentions), mentions, on)
        if refs or not deep:
            return refs
        queue = [head]
        while queue:
            tok = queue.pop(0)
            for c in tok.children:
                if c.dep_ in ("relcl", "acl", "advcl", "punct", "cc"):
                    continue
                if c.dep_ == "prep" and (
                    c.lower_ in _REASON_PREPS or (c.lower_ in ("for", "to") and tok.lemma_.lower() in _CAUSE_NOUNS)
                ):
                    continue  # "in retaliation for Israeli strikes" says why, not what was hit
                if c.dep_ == "pobj":
                    refs = self.matcher.resolve(_phrase(c, mentions), mentions, on)
                    if refs:
                        return refs
                queue.append(c)
        return []


def _unnamed_act(c: _Coded, named: set[str]) -> bool:
    """Is a candidate that names no party an act the article's two parties may be given: asserted,
    not beside another act of its type in its sentence (the same act told again), and not an act
    noun that points at a party or an act the rules could not find ("its ground operation", "the
    same attack")?"""
    if c.event.event_type in named or c.event.modality != "asserted":
        return False
    tok = c.token
    if tok.pos_ == "NOUN":
        if any(w.dep_ == "poss" and w.pos_ == "PRON" for w in tok.children):
            return False
        if any(w.lower_ in ("same", "such", "that", "this", "these", "those") for w in tok.children):
            return False
        # "a deal to end 14 months of hostilities", "an end to more than a year of fighting": the act
        # ended is no new one
        for up in list(tok.ancestors)[:6]:
            if up.lemma_.lower() in _ENDING_WORDS:
                return False
            if up.pos_ in ("VERB", "AUX"):
                break
    # "THAAD is designed to intercept missiles": what something is for, no act
    return not (tok.dep_ == "xcomp" and any(w.dep_ == "aux" and w.lower_ == "to" for w in tok.children))


def _adjective_participle(verb: Token) -> bool:
    """A participle the parser took for a clause's verb that is the adjective of the noun after it:
    "sank a patrol ship off occupied Crimea" (a clause with "Crimea" as its object): right after a
    preposition or a determiner, with its noun next and no subject or auxiliary of its own."""
    if verb.tag_ not in ("VBN", "VBD") or verb.i == 0 or verb.i + 1 >= len(verb.doc):
        return False
    noun = next((c for c in verb.children if c.dep_ in ("dobj", "obj") and c.left_edge.i == verb.i + 1), None)
    return (noun is not None and verb.nbor(-1).pos_ in ("ADP", "DET")
            and not any(c.dep_ in (*_SUBJ, *_PASS_SUBJ, "aux", "auxpass") for c in verb.children))  # fmt: skip


def _stray_agents(verb: Token) -> list[Token]:
    """The "by" phrase of a passive verb that the parser hung lower in its clause: "civilians were
    killed between 27 March and 1 April by the Malian army" (on "April"). Only through nouns and
    prepositions of the verb's own clause, never into another verb's."""
    if any(c.dep_ == "agent" for c in verb.children):
        return []
    found, queue = [], [c for c in verb.children if c.dep_ in ("prep", "npadvmod")]
    while queue:
        tok = queue.pop(0)
        for c in tok.children:
            if c.dep_ == "agent":
                found.append(c)
            elif c.dep_ in ("pobj", "conj", "prep", "appos") and c.pos_ not in ("VERB", "AUX"):
                queue.append(c)
    return found


def _helping_purpose(verb: Token, lexicon: Lexicon) -> Token | None:
    """The verb of an infinitive of purpose whose lemma is in the ``assist`` word class
    ("sent troops to help the army", "to shore up its forces")."""
    helpers = lexicon.word_classes.get("assist", frozenset())
    for c in verb.children:
        if c.dep_ in ("advcl", "xcomp") and c.pos_ == "VERB" and c.lemma_.lower() in helpers:
            if any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children):
                return c
    return None


def _named_foreign(noun: Token) -> bool:
    """A body named by a nationality or a proper name ("Danish soldiers", "UN inspectors") and
    not by a possessive pronoun ("its troops")."""
    mods = [c for c in noun.children if c.dep_ in ("amod", "compound", "poss", "nmod")]
    if any(c.lower_ in _POSSESSIVE_PRONOUNS for c in mods):
        return False
    return any(c.pos_ in ("ADJ", "PROPN") and c.text[:1].isupper() for c in mods)


def _orders_act(trig: Trigger, support_verbs: frozenset[str], nouns: set[int], own_acts: frozenset[str]) -> bool:
    """A demand verb that passes its subject on to an event noun it governs ("ordered the arrest
    of the rebel leaders", "ordered airstrikes"): the order is the act's own authorisation, not a
    second event. Only for acts the one who orders carries out (the ``own_act`` word class) with
    no other agent named ("airstrikes by the coalition"); "ordered the withdrawal of the armed
    group" or "ordered a ceasefire" stays a demand."""
    tok, entry = trig.token, trig.entry
    if entry.pos != "VERB" or entry.event_type != "REQUEST" or entry.object is not None or tok.lemma_.lower() not in support_verbs:
        return False
    return any(
        c.dep_ in ("dobj", "obj") and c.i in nouns and c.lemma_.lower() in own_acts
        and not any(p.dep_ in ("prep", "agent") and p.lower_ == "by" for p in c.children)
        for c in tok.children
    )


def _by_force(verb: Token, lexicon: Lexicon) -> bool:
    """The verb's doer is an armed force or a named actor: "Israeli forces surrounded the
    hospital", "the town was surrounded by rebels", not "surrounded by mountains"."""
    forces = lexicon.word_classes.get("force", frozenset())
    doers = [c for c in verb.children if c.dep_ == "nsubj"]
    doers += [p for a in verb.children if a.dep_ == "agent" for p in a.children if p.dep_ == "pobj"]
    if not doers and verb.dep_ == "conj":
        doers = [c for c in verb.head.children if c.dep_ == "nsubj"]  # "entered and surrounded the town"
    return any(d.lemma_.lower() in forces or d.pos_ == "PROPN" for d in doers)


def _no_demand(verb: Token, lemma: str, particles: set[str]) -> bool:
    """A verb of demanding used in another sense: "pressed on with the offensive" (went on), "insisted
    that the jet had stayed in Syrian airspace" (a claim: its clause states a fact, with no "must",
    "should" or bare verb of what is demanded)."""
    if lemma == "press" and "on" in particles:
        return True
    if lemma != "insist" or "on" in particles:
        return False
    clauses = [c for c in verb.children if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX")]
    return any(_states_fact(c) for c in clauses)


def _states_fact(clause: Token) -> bool:
    """A clause that states a fact: past ("had stayed", "was destroyed", "fired"), perfect ("has
    left") or a copula or existential ("is responsible", "there are no troops"); a present action
    verb ("insists Israel withdraws") or a bare or modal one is what is demanded."""
    if clause.lemma_.lower() == "be":
        return True
    aux = [a for a in clause.children if a.dep_ in ("aux", "auxpass")]
    if any(a.lower_ in _PERFECT_AUX for a in aux):
        return True
    return clause.tag_ in _STATED_TAGS and not aux or any(a.tag_ in _STATED_TAGS and a.lemma_.lower() in ("be", "do") for a in aux)


def _denied_place(noun: Token) -> bool:
    """"no safe haven", "no safe space": a safe place denied (the "no" denies the place, not the threat)."""
    return (noun.pos_ == "NOUN" and noun.lemma_.lower() in _SAFE_PLACES
            and any(c.dep_ == "det" and c.lower_ == "no" for c in noun.children)
            and any(c.dep_ == "amod" and c.lower_ == "safe" for c in noun.children))  # fmt: skip


def _met_with_reaction(verb: Token) -> bool:
    """"was met with criticism", "met with widespread condemnation": a reception, not a meeting."""
    return any(c.dep_ == "prep" and c.lower_ == "with" and any(o.dep_ == "pobj" and o.lemma_.lower() in _REACTIONS for o in c.children)
               for c in verb.children)  # fmt: skip


def _armed_doer(verb: Token, lexicon: Lexicon, *, irregulars: bool = False, exclude: frozenset[str] = frozenset()) -> bool:
    """The verb's doer is a state's armed force or a ship ("soldiers blocked", "blocked by coast
    guard ships", "ships conducted manoeuvres to block"), its subject or its passive agent, or the
    subject of the clause it completes or is joined to; rebels and militants only with
    ``irregulars`` (their roadblocks are a protest's obstruction, their march into a town is not);
    none of ``exclude``."""
    irregular = frozenset() if irregulars else lexicon.word_classes.get("armed_group", frozenset()) | _IRREGULARS
    armed = (lexicon.word_classes.get("force", frozenset()) - irregular - exclude) | _VESSELS
    for _ in range(3):
        doers = [c for c in verb.children if c.dep_ == "nsubj"]
        doers += [p for a in verb.children if a.dep_ == "agent" for p in a.children if p.dep_ == "pobj"]
        if doers:
            return any(d.lemma_.lower() in armed for d in doers)
        if verb.dep_ not in ("conj", "xcomp", "advcl", "acl") or verb.head is verb:
            return False
        verb = verb.head
        if verb.pos_ == "NOUN":
            # "conducted manoeuvres to block": the noun's own verb has the doer
            verb = verb.head
    return False


def _marched_into_town(verb: Token, lexicon: Lexicon) -> bool:
    """Armed forces or rebels (not police) marching into a town or city ("rebels marched into Goma"),
    outside a parade or ceremony ("troops marched into Red Square during the parade")."""
    towns = [o for c in verb.children if c.dep_ == "prep" and c.lower_ == "into" for o in c.children if o.dep_ == "pobj"]
    # a named place that is no building or square ("Goma"), or a town noun ("the town of Mopti")
    if not any(o.pos_ == "PROPN" and o.ent_type_ not in ("FAC", "ORG") or o.lemma_.lower() in _TOWNS for o in towns):
        return False
    if any(w.lemma_.lower() in _CEREMONIES for w in verb.sent):
        return False
    return _armed_doer(verb, lexicon, irregulars=True, exclude=_POLICE)


def _crowd_doer(verb: Token) -> bool:
    """The verb's subject is a crowd: protesters, demonstrators, activists, strikers."""
    return any(c.dep_ == "nsubj" and c.lemma_.lower() in _CROWDS for c in verb.children)


def _air_defence(verb: Token) -> bool:
    """The verb's doer is an air defence: "Saudi air defences", "the Iron Dome system"."""
    doers = [c for c in verb.children if c.dep_ == "nsubj"]
    doers += [p for a in verb.children if a.dep_ == "agent" for p in a.children if p.dep_ == "pobj"]
    return any(w.lower_ in _AIR_DEFENCES for d in doers for w in d.subtree if w.i <= d.i)


def _hypothetical_act(noun: Token) -> bool:
    """An act named as the content of a threat, warning or renunciation: "warned of the possible
    use of force", "the threat of the use of force", "renounced the use of force" (not "warned
    Washington hours before its attack")."""
    head = noun.head
    if noun.dep_ == "pobj" and head.dep_ == "prep" and head.lower_ in _CONTENT_PREPS:
        head = head.head
    elif noun.dep_ not in ("dobj", "obj"):
        return False
    return head.lemma_.lower() in _CONTENT_HEADS


def _asking_verb(noun: Token) -> Token | None:
    """The verb the noun would be the content of: the verb whose object it is ("urged talks", "agree
    Gaza truce"), or whose "for" or "to" it follows ("called for a truce", "agreed to a ceasefire")."""
    if noun.dep_ in ("dobj", "obj"):
        return noun.head
    head = noun.head
    if noun.dep_ == "pobj" and head.dep_ == "prep" and head.lower_ in _ASKED_PREPS:
        return head.head
    return None


def _asked_for(noun: Token, verbs: set[int]) -> bool:
    """The noun is what one of ``verbs`` asks for or agrees to."""
    verb = _asking_verb(noun)
    return verb is not None and verb.i in verbs


def _content_nouns(verb: Token) -> list[Token]:
    """The nouns a verb asks for or agrees to."""
    return [n for c in verb.children for n in (c, *c.children)
            if n.pos_ == "NOUN" and (v := _asking_verb(n)) is not None and v.i == verb.i]


def _into_the_sea(trig: Trigger) -> bool:
    """A missile or rocket fired into the sea or off a coast, at no one: "fired a ballistic
    missile into the Sea of Japan", "launched missiles toward waters off its east coast"."""
    obj = trig.object_token
    if obj is None or obj.lower_ not in _LAUNCHED:
        return False
    verb = trig.token
    sea = False
    for prep in (c for c in (*verb.children, *obj.children) if c.dep_ == "prep"):
        ends = [c for c in prep.children if c.dep_ == "pobj"]
        if any(e.lower_ in _SEA_WORDS for e in ends):
            sea = True
        elif prep.lower_ in _TARGET_PREPS and any(e.ent_type_ not in ("DATE", "TIME") for e in ends):
            return False  # aimed at someone ("at ships in the Red Sea"), not "on Thursday"
    return sea


def _intercepting(tok: Token, trig: Trigger) -> bool:
    """A defence against projectiles: "intercepted the drones", "three missiles were shot down"."""
    lemma = tok.lemma_.lower()
    if not (lemma in ("intercept", "down") or (lemma == "shoot" and trig.entry.particle == "down")):
        return False
    downed = [c for c in tok.children if c.dep_ in ("dobj", "obj", "nsubjpass")]
    if tok.dep_ == "acl":
        downed.append(tok.head)  # "drones intercepted over the Gulf"
    if trig.object_token is not None:
        downed.append(trig.object_token)
    words = {w.lower_ for d in downed for w in (d, *(p for prep in d.children if prep.lower_ == "of" for p in prep.children))}
    return bool(words & _PROJECTILES)


def _defended_by_force(obj: Token) -> bool:
    """What force defends, not words: oneself ("itself"), one's land or interests ("its sovereignty"),
    one's own people ("its people", "civilians"); not a party ("them", "the Palestinian people") or a stand."""
    lemma = obj.lemma_.lower()
    if obj.lower_ in _REFLEXIVES or lemma in _DEFENDED:
        return True
    if lemma in _DEFENDED_PEOPLE:
        # "the Palestinian people" is a party; "Israeli civilians", "its people" are what force protects
        named = lemma in ("people", "population") and any(
            c.dep_ in ("amod", "compound", "poss") and c.pos_ in ("ADJ", "PROPN") and c.text[:1].isupper()
            for c in obj.children
        )
        return not named
    return False


def _delegation(verb: Token) -> bool:
    """The mover is a delegation or an envoy ("its delegation left for Jeddah")."""
    return any(c.dep_ == "nsubj" and c.lemma_.lower() in _DELEGATIONS for c in verb.children)


def _for_talks(verb: Token) -> bool:
    """A movement made for talks: "arrived for talks with Arab leaders", "travelled to the region to meet its leaders"."""
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ == "for":
            if any(o.dep_ == "pobj" and o.lemma_.lower() in _TALK_NOUNS for o in c.children):
                return True
        elif c.dep_ in ("advcl", "xcomp") and c.lemma_.lower() in _MEET_VERBS:
            if any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children):
                return True
    return False


def _war_total(verb: Token, acts: set[int] = frozenset()) -> bool:
    """ "has killed at least 14,000 people", "thousands of people have been kidnapped": a toll in
    the perfect of a thousand or more, told as a sum rather than as one act; not one tied to a
    recent day ("since Monday"), one site ("from a school") or one incident ("in the raid")."""
    if verb.pos_ != "VERB" or verb.lemma_.lower() not in _TOLL_VERBS:
        return False
    if not any(a.dep_ == "aux" and a.lemma_.lower() == "have" for a in verb.children):
        return False
    if not any(_large_count(c) for c in verb.children if c.dep_ in ("dobj", "obj", "nsubjpass")):
        return False
    return not _one_occasion(verb, acts)


def _number(tok: Token) -> float | None:
    try:
        return float(tok.text.replace(",", ""))
    except ValueError:
        return None


def _large_count(noun: Token) -> bool:
    """Does the noun itself count a thousand or more: "14,000 people", "thousands of people",
    "tens of thousands", "1.2 million"? The size of a unit named inside it ("the 2,000-strong
    brigade") and "hundreds" do not."""
    word = noun.lower_
    if word in _LARGE_NUMBERS:
        return True
    if word in ("tens", "hundreds"):
        return any(p.lower_ == "of" and any(o.dep_ == "pobj" and o.lower_ in _LARGE_NUMBERS for o in p.children)
                   for p in noun.children)  # fmt: skip
    counts = [noun] if noun.like_num else [c for c in noun.children if c.dep_ == "nummod"]
    for n in counts:
        if n.lower_ in _LARGE_UNITS:
            return True
        value = _number(n)
        if value is not None and value >= 1000:
            return True
    return False


def _one_occasion(verb: Token, acts: set[int]) -> bool:
    """Does the clause tie its toll to a recent day or week, one site or one incident?"""
    words: list[Token] = []
    stack = [verb]
    while stack:
        w = stack.pop()
        words.append(w)
        # the clause's own words, not those of a clause it reports or one joined to it
        stack.extend(c for c in w.children if c.dep_ not in ("ccomp", "parataxis", "conj", "relcl", "advcl", "acl"))
    for w in words:
        if w.ent_type_ in ("DATE", "TIME") and w.lower_ in _RECENT_WORDS:
            return True
        if w.dep_ != "pobj" or w.head.dep_ != "prep":
            continue
        lemma = w.lemma_.lower()
        if w.tag_ == "NN" and lemma in _SITE_NOUNS:
            return True  # "from a school in Kaduna state"
        if w.tag_ == "NN" and w.i in acts and lemma not in _WAR_NOUNS and w.head.lower_ in ("in", "during"):
            return True  # "in the raid on Jenin"
    return False


def _given_by_question(tok: Token) -> bool:
    """Is the act a question names one it takes as given: told in a clause of time, cause or
    relative clause ("After Israel struck Damascus, will Iran retaliate?"), or asked the reason
    of in the past or present ("Why did Russia attack Sumy?")? A yes-no question or one about
    the future asserts nothing ("Will Iran attack Israel?")."""
    top = tok
    while top.head.i != top.i:
        if top.dep_ == "relcl":
            return True
        if top.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _GIVEN_MARKS for c in top.children):
            return True
        if top.dep_ == "pobj" and top.head.lower_ in _REASON_PREPS:
            return True  # "will Iran answer after the strike on its consulate?"
        top = top.head
    if any(c.dep_ == "aux" and c.lower_ in _MODALS for c in top.children):
        return False
    return any(c.dep_ == "advmod" and c.lower_ == "why" for c in top.children)


def _final(merged: dict[str, str | None], event_id: str) -> str | None:
    """The event an event merged away is told by at last, through a chain of merges (None: dropped)."""
    seen = {event_id}
    target = merged[event_id]
    while target is not None and target in merged and target not in seen:
        seen.add(target)
        target = merged[target]
    return target


def _cause_span(tok: Token) -> range:
    """The words of the act an answer names ("in response to the mortar fire"), not a time ("after the strikes")."""
    phrase = cause_phrase(tok)
    if phrase is None:
        return range(0)
    words = [*phrase.doc[phrase.left_edge.i : phrase.right_edge.i + 1], *list(phrase.ancestors)[:2]]
    if not any(w.lemma_.lower() in _CAUSE_NOUNS or w.lemma_.lower() == "avenge" for w in words):
        return range(0)
    return range(phrase.left_edge.i, phrase.right_edge.i + 1)


def _bare_mention(noun: Token) -> bool:
    """ "the attack", "such strikes" with nothing of its own: no possessor, target, place or clause."""
    if not (_definite(noun) or any(c.lower_ == "such" for c in noun.children)):
        return False
    return not any(c.dep_ in ("poss", "prep", "relcl", "acl", "appos") for c in noun.children)


def _sides_named(event: Event) -> int:
    return bool(_countries(event.actor)) + bool(_countries(event.recipient))


def _same_act(c: _Coded, coded: list[_Coded]) -> _Coded | None:
    """The event of the same sentence that ``c`` tells again with a second trigger: the act noun
    a hitting verb has as its subject ("the strike hit the suburbs", "strikes, which targeted a
    base"), the act a light verb launches ("launched missile attacks"), the act a purpose clause
    aims ("launched drones to strike targets")."""
    tok = c.token
    kind = c.event.event_type
    others = {o.token.i: o for o in coded if o is not c and o.event.event_type == kind}
    if not others:
        return None
    if kind in _VERBAL_TYPES:
        return _same_saying(c, others)
    if kind not in _CONTEXT_TYPES:
        return None
    lemma, head = tok.lemma_.lower(), tok.head
    if tok.pos_ == "VERB" and lemma in _HIT_VERBS:
        subject = next((w for w in tok.children if w.dep_ == "nsubj" and w.pos_ == "NOUN" and w.i in others), None)
        if subject is not None:
            return others[subject.i]
        if _complement(tok) and head.pos_ == "VERB" and head.i in others and head.lemma_.lower() not in _HIT_VERBS:
            return others[head.i]
    if tok.pos_ == "VERB" and lemma in ("target", "aim") and tok.dep_ in ("advcl", "acl") and head.i in others \
            and head.lemma_.lower() not in _KILL_VERBS:
        # "launched 200 missiles at Israel, targeting cities": the targeting names the launch's target
        return others[head.i]
    if tok.pos_ == "VERB" and tok.dep_ == "acl" and head.dep_ == "pobj" and head.head.dep_ == "agent":
        # "the annex was hit by six missiles fired by F-35 jets": the firing is the hitting
        hit = head.head.head
        if hit.i in others and hit.lemma_.lower() in _HIT_VERBS:
            return others[hit.i]
    if tok.pos_ == "VERB" and lemma in _HIT_VERBS | _FIGHT_VERBS and tok.dep_ == "relcl" and head.pos_ == "NOUN" and head.i in others:
        return others[head.i]
    if tok.pos_ == "NOUN" and tok.dep_ in _OBJ and head.pos_ == "VERB" and head.i in others and head.lemma_.lower() in _LAUNCH_VERBS:
        return others[head.i]
    return None


def _ordered_object(verb: Token, noun: Token) -> bool:
    """Is ``noun`` what ``verb`` orders: its object, or the act a quantity object counts ("a series of airstrikes")?"""
    if noun.dep_ in _OBJ and noun.head.i == verb.i:
        return True
    head = noun.head
    return (noun.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in _QUANTITY_NOUNS
            and head.head.dep_ in _OBJ and head.head.head.i == verb.i)  # fmt: skip


def _same_saying(c: _Coded, others: dict[int, _Coded]) -> _Coded | None:
    """A word act told again by a clause of the same speaker: "issued a warning, threatening to
    target ships", "condemned the attack, labelling it terrorism", "met to discuss the crisis",
    "arrived in Caracas for talks"."""
    tok, head = c.token, c.token.head
    if tok.dep_ == "conj" and tok.lemma_.lower() not in _NAMING_VERBS:
        return None  # "summoned the ambassador and filed a protest": two acts
    if tok.dep_ in ("advcl", "xcomp", "acl", "conj") and head.i in others:
        host = others[head.i]
    elif tok.dep_ == "pobj" and head.lower_ == "for" and head.head.i in others:
        host = others[head.head.i]
    else:
        return None
    mine, theirs = _countries(c.event.actor), _countries(host.event.actor)
    if mine and theirs and mine != theirs:
        return None  # another speaker
    hit, their_hit = _countries(c.event.recipient), _countries(host.event.recipient)
    if hit and their_hit and not (hit <= their_hit or their_hit <= hit):
        return None  # another addressee: "condemned Israel and accused the US"
    if hit and not their_hit and tok.dep_ in ("advcl", "conj") and not _complement(tok) and _names_own_recipient(c):
        return None  # a new addressee: "welcomed the deal, praising Egypt's mediation"
    return host


def _names_own_recipient(c: _Coded) -> bool:
    """Does the clause of ``c`` name its addressee in its own words, not in those of a clause it
    holds ("praising Egypt's mediation"; not "branded it a massacre" of "denouncing Israel, branded it ...")?"""
    inner = {w.i for o in c.token.children if o.dep_ in ("advcl", "xcomp", "ccomp", "conj", "relcl") for w in o.subtree}
    own = " ".join(w.text for w in c.token.subtree if w.i not in inner)
    return any(r.text and r.text in own for r in c.event.recipient)


def _absorb(keep: _Coded, drop: _Coded) -> None:
    """One event for two triggers of one act: the kept one takes the sides it lacks."""
    e, other = keep.event, drop.event
    actor, recipient = e.actor, e.recipient
    if not _countries(actor) and _countries(other.actor):
        actor = other.actor
    if _countries(other.recipient) and (not _countries(recipient) or (keep.place_only and not drop.place_only)):
        recipient = other.recipient
        keep.place_only = drop.place_only
    recipient = tuple(r for r in recipient if r not in actor)
    keep.event = replace(e, actor=actor, recipient=recipient, dead=e.dead if e.dead is not None else other.dead,
                         injured=e.injured if e.injured is not None else other.injured)  # fmt: skip


def _coordinated(a: Token, b: Token) -> bool:
    """Two verbs joined as one report: "killed and wounded", "killing four and wounding 19"."""
    return (b.dep_ == "conj" and b.head.i == a.i) or (a.dep_ == "conj" and a.head.i == b.i) or (
        a.dep_ == b.dep_ == "conj" and a.head.i == b.head.i
    )


def _accused_of(verb: Token) -> Token | None:
    """The accused whose act a gerund names: "accused Iran of attacking", "blamed Hamas for firing"."""
    prep = verb.head
    if verb.dep_ != "pcomp" or prep.lower_ not in ("of", "for", "with") or prep.head.pos_ != "VERB":
        return None
    return next((c for c in prep.head.children if c.dep_ in ("dobj", "obj")), None)


def _complement(verb: Token) -> bool:
    """A clause completing its head verb: "threatened to strike", "warned that it
    would strike", and "threatened on Sunday to strike", which spaCy may attach
    as an adverbial clause."""
    if verb.dep_ in ("xcomp", "ccomp"):
        return True
    return verb.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _definite(noun: Token) -> bool:
    """ "the attack", "those strikes": a noun pointing back at an act already told."""
    return any(c.dep_ == "det" and c.lower_ in DEFINITE for c in noun.children) and not any(
        c.dep_ in ("poss", "compound", "amod") and c.pos_ in ("PROPN", "ADJ") for c in noun.children
    )


def _is_passive(verb: Token) -> bool:
    """A passive clause, or a bare past participle with a "by" agent and no
    subject of its own ("Urged by Egypt, Iran ..."); not "shortened by one hour"."""
    deps = {c.dep_ for c in verb.children}
    if deps & {"nsubjpass", "csubjpass", "auxpass"}:
        return True
    if "agent" in deps and verb.tag_ == "VBN" and not any(c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children):
        # "Israelis taken captive by Hamas": a participle the parser gave a subject is still passive
        return True
    return False


def _is_purpose(clause: Token) -> bool:
    """An infinitive of purpose ("to protest ...") or a trailing participle
    ("..., calling for ...") hanging from a clause."""
    if clause.tag_ == "VBG":
        return True
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children)


def _put_on(obj: Token) -> bool:
    """The object of a verb of putting in a state: "forces" in "placed its forces on alert"."""
    return obj.dep_ in ("dobj", "obj") and obj.head.lemma_.lower() in _STATE_VERBS


def _clause_particles(verb: Token) -> set[str]:
    """Particles a verb takes through its clause: "called for China to act" (the "for" the parser
    hangs from the clause), "will hold Iran accountable" (the state of a small clause), "warned
    Seoul to stop" (an infinitive its object is to carry out)."""
    out = set()
    for c in verb.children:
        if c.dep_ in ("advcl", "ccomp", "xcomp") and any(m.dep_ == "mark" and m.lower_ == "for" and m.i == verb.i + 1 for m in c.children):
            out.add("for")
        elif c.dep_ == "prep" and c.lower_ == "out" and any(p.lower_ == "of" for p in c.children):
            out.add("out")  # "pulled the United States out of the deal"
        elif c.dep_ in ("ccomp", "xcomp") and c.pos_ == "ADJ" and any(s.dep_ in ("nsubj", "nsubjpass") for s in c.children):
            out.add(c.lower_)  # a small clause: "will hold Iran accountable", "left three people dead"
    if any(c.dep_ in ("dobj", "obj") for c in verb.children) and any(
        c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children) for c in verb.children
    ):
        out.add("to")
    return out


def _left_words(verb: Token) -> list[Token]:
    """What a verb of leaving leaves: the object of its "from" ("withdrew from the treaty") or of
    "out of" ("pulled out of the deal", "pulling the United States out of the agreement")."""
    out = []
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ == "from":
            out.extend(p for p in c.children if p.dep_ == "pobj")
        elif c.lower_ == "out" and c.dep_ in ("prt", "prep", "advmod"):
            out.extend(p for prep in (c, *c.children) if prep.lower_ in ("out", "of")
                       for p in prep.children if p.dep_ == "pobj")  # fmt: skip
    return out


_COPULAS = frozenset("be constitute amount remain represent".split())


_FUTURE_AUX = frozenset(("will", "would", "'ll", "shall", "wo"))


def _announced_cost(verb: Token) -> list[Token]:
    """The cost a reported clause promises in the future: "said Hezbollah will pay a heavy price",
    "said there would be serious consequences", "said it will be met with a resolute response"
    (price; consequences; response): a threat when the words are of the consequence class."""
    out = []
    for clause in verb.children:
        if clause.dep_ != "ccomp" or not any(a.lower_ in _FUTURE_AUX for a in clause.children if a.dep_ == "aux"):
            continue
        out.extend(c for c in clause.children if c.dep_ in ("dobj", "attr"))
        out.extend(p for c in clause.children if c.dep_ == "prep" and c.lower_ == "with" and clause.lemma_.lower() == "meet"
                   for p in c.children if p.dep_ == "pobj")  # fmt: skip
    return out


def _reported_predicate_words(verb: Token) -> list[Token]:
    """What a reported clause says its subject is: "said the strike was barbaric", "said Russia
    remains the aggressor", "said the executions amount to crimes" (barbaric; aggressor; crimes),
    with their modifiers, coordinated words and "of" complements."""
    out = []
    for clause in verb.children:
        if clause.dep_ != "ccomp" or clause.lemma_.lower() not in _COPULAS:
            continue
        heads = [c for c in clause.children if c.dep_ in ("attr", "acomp", "dobj", "oprd")]
        heads += [p for c in clause.children if c.dep_ == "prep" and c.lower_ == "to" for p in c.children if p.dep_ == "pobj"]
        for head in heads:
            words = [head, *(c for c in head.children if c.dep_ == "conj")]
            for w in list(words):
                words.extend(c for c in w.children if c.dep_ in ("amod", "compound"))
                words.extend(p for prep in w.children if prep.dep_ == "prep" and prep.lower_ == "of" for p in prep.children if p.dep_ == "pobj")
            out.extend(words)
    return out


def _predicate_words(verb: Token) -> list[Token]:
    """What a verb of naming says its object is: "called the junta illegitimate" (illegitimate,
    junta), "described the drills as a provocation" (provocation), with the modifiers and "of"
    complements of that predicate ("an act of aggression")."""
    heads = [c for c in verb.children if c.dep_ == "oprd"]
    heads += [p for c in verb.children if c.dep_ == "prep" and c.lower_ == "as" for p in c.children if p.dep_ == "pobj"]
    out = []
    for head in heads:
        out.append(head)
        out.extend(c for c in head.children if c.dep_ in ("amod", "compound", "acomp"))
        out.extend(p for prep in head.children if prep.dep_ == "prep" and prep.lower_ == "of" for p in prep.children if p.dep_ == "pobj")
    return out


def _supplied_with(verb: Token) -> list[Token]:
    """What a verb supplies its object with: "provide the Lebanese army with equipment",
    "supplied the rebels with weapons" (only when the verb has a direct object)."""
    if not any(c.dep_ in ("dobj", "obj") for c in verb.children):
        return []
    return [
        inner
        for prep in verb.children if prep.dep_ == "prep" and prep.lower_ == "with"
        for p in prep.children if p.dep_ == "pobj"
        for inner in _object_words(p)
    ]  # fmt: skip


def _object_words(obj: Token) -> list[Token]:
    """The object noun, its compound modifiers, the titles before a name ("Ambassador
    Mukhtar Mohamed", "Wing Commander Abhinandan"), and the nouns of its "of"
    complements ("tons of emergency food aid" -> tons, aid, food)."""
    out = [obj]
    frontier = [obj]
    for _ in range(3):
        nxt = []
        for tok in frontier:
            for c in tok.children:
                if c.dep_ == "compound" and (c.pos_ == "NOUN" or c.pos_ == "PROPN" == tok.pos_):
                    out.append(c)
                elif c.dep_ == "prep" and c.lower_ == "of":
                    for p in c.children:
                        if p.dep_ == "pobj":
                            out.append(p)
                            nxt.append(p)
        frontier = nxt
    return out


def _mutual_parties(act: LexEntry, actor: list[ActorRef]) -> bool:
    """A mutual act named with several parties ("Russia and Ukraine exchanged prisoners"):
    the parties are each other's counterparts, not targets of a domestic act."""
    return act.lemma in _MUTUAL_LEMMAS and len({(a.country, a.sector) for a in actor}) > 1


def _noun_sense_words(noun: Token, senses: set[str] = frozenset()) -> list[Token]:
    """The words that select an event noun's sense: its modifiers ("hunger strike",
    "joint drills", "prisoner exchange") and the nouns of its "of" complement
    ("an exchange of prisoners"), with the modifiers the parser hangs from another modifier
    ("joint military drills": "joint" under "military") when that modifier is an adjective or
    itself one of the noun's ``senses``, not across a compound noun ("an anti-military corruption
    campaign" is about corruption)."""
    out = [c for c in noun.children if c.dep_ in ("compound", "amod", "nmod")]
    out += [g for c in out if c.dep_ == "amod" or c.lemma_.lower() in senses or c.lower_ in senses
            for g in c.children if g.dep_ in ("compound", "amod") and g.i < c.i]  # fmt: skip
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            out.extend(p for p in prep.children if p.dep_ == "pobj" and p.pos_ == "NOUN")
    return out


def _phrase(head: Token, mentions: dict[int, Mention]) -> list[Token]:
    """The tokens of a noun phrase: its modifiers, coordinated nouns and "of"
    complements, but not relative clauses or other prepositional phrases,
    except "in"/"from" after a role noun ("officials in Tehran", "soldiers
    from Gondor"), which says whose they are."""
    out = [head]
    stack = [head]
    while stack:
        tok = stack.pop()
        for c in tok.children:
            dep = c.dep_
            if dep in ("relcl", "acl", "advcl", "punct", "cc", "det", "mark", "ccomp"):
                continue
            if dep == "prep" and c.lower_ != "of":
                role = mentions.get(tok.i)
                if not (c.lower_ in ("in", "from") and role is not None and role.entry is None):
                    continue
            out.append(c)
            stack.append(c)
    return out

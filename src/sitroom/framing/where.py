"""Where an event took place: "in Kharkiv", "at the Incirlik air base in
southern Turkey", "near the Rafah crossing", "from Syrian territory".

Only places attached to the event's own clause count (the trigger, the words
governing it below the verb of saying, and its object), so the speaker's
city ("said in Jerusalem") or an envoy's origin is not taken for the place
of the event. After a place preposition a country counts ("in southern
Lebanon"); after a target preposition ("a strike on Kharkiv") only a named
place does, so "sanctions on Iran" has no location.
"""

from __future__ import annotations

from spacy.tokens import Token

from ..actors import Mention
from ..places import Gazetteer
from ..records import Location
from .clause import Frame
from .rules import FramingRules
from .tree import children

__all__ = ["PlaceFinder"]

_PLACE_PREPS = frozenset("in at near inside outside across around off from over within along throughout".split())
_TARGET_PREPS = frozenset("on against into toward towards".split())  # a place only when named as one
_NOT_PLACES = frozenset("DATE TIME CARDINAL ORDINAL MONEY PERCENT QUANTITY".split())


_DIRECTIONS = frozenset(
    "northern southern eastern western central north south east west northeastern northwestern southeastern "
    "southwestern northeast northwest southeast southwest occupied".split()
)
_WITHIN_PREPS = frozenset("in near of at across throughout outside inside".split())
_REASON_PREPS = frozenset("for after over because despite following during before since until amid about".split())


class PlaceFinder:
    def __init__(self, gazetteer: Gazetteer, country_name, rules: FramingRules) -> None:
        self.gazetteer = gazetteer
        self.country_name = country_name  # ISO3 -> name
        self.place_nouns = rules.place_nouns
        self.areas = rules.place_nouns | rules.territory_nouns
        self.destination_verbs = rules.destination_verbs

    def place(self, tok: Token, mentions: dict[int, Mention], countries_ok: bool, cities_ok: bool = True) -> Location | None:
        """The place a noun phrase names, if any. ``countries_ok``: a country
        (or a seat of power) counts ("in southern Lebanon", "at the White
        House"); ``cities_ok``: so does a city that also stands for its
        government ("Tehran")."""
        # "the northern city of Kirkuk", "the port of Hodeidah": the named place is the "of" complement
        if tok.lemma_.lower() in self.place_nouns:
            for prep in children(tok):
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    inner = next((p for p in children(prep) if p.dep_ == "pobj"), None)
                    if inner is not None:
                        found = self.place(inner, mentions, countries_ok, cities_ok)
                        if found is not None:
                            return found
        if tok.ent_type_ in _NOT_PLACES:
            return None
        head_mention = mentions.get(tok.i)
        if head_mention is not None and head_mention.entry is not None and head_mention.kind in ("person", "igo"):
            return None
        # The noun phrase's own words: "the Incirlik air base", "Ain al-Asad", "the Gulf of Oman"
        words = sorted(_name_words(tok), key=lambda t: t.i)
        texts = [t.text for t in words]
        hit = self.gazetteer.longest(texts)
        if hit is not None:
            start, end, place = hit
            name = " ".join(texts[start:end])
            kinds = {m.kind for t in words[start:end] if (m := mentions.get(t.i)) is not None and m.entry is not None}
            # "Lebanon" is a country before it is a town in Pennsylvania; "Tehran" after
            # "sanctions on" is the government, not the city
            city_ok = "country" not in kinds and "group" not in kinds and (cities_ok or "capital" not in kinds)
            if place.kind != "city" or (city_ok and any(t.pos_ == "PROPN" for t in words[start:end])):
                return Location(name, place.country, place.latitude, place.longitude)
        if not countries_ok:
            return None
        for t in words:
            m = mentions.get(t.i)
            if m is None or m.entry is None or not m.entry.country:
                continue
            covers_head = m.start <= tok.i < m.end
            if m.kind == "country" and (covers_head or tok.lemma_.lower() in self.areas):
                return Location(t.doc[m.start : m.end].text, m.entry.country, None, None)  # "in Gaza" keeps its words
            if m.kind == "adjective" and tok.lemma_.lower() in self.areas:
                return Location(self.country_name(m.entry.country), m.entry.country, None, None)  # "Syrian territory"
            if m.kind == "group" and covers_head and tok.pos_ == "PROPN":
                return Location(t.doc[m.start : m.end].text, m.entry.country, None, None)  # "at the White House"
        return None

    def within(self, tok: Token, mentions: dict[int, Mention], preps: frozenset[str]) -> Location | None:
        """The place a phrase's own prepositional complement names ("a base in
        southern Turkey", "a guesthouse in Tehran")."""
        for prep in children(tok):
            if prep.dep_ == "prep" and prep.lower_ in preps:
                pobj = next((p for p in children(prep) if p.dep_ == "pobj"), None)
                if pobj is not None:
                    found = self.place(pobj, mentions, countries_ok=True)
                    if found is not None:
                        return found
        return None

    def location(
        self, frame: Frame, mentions: dict[int, Mention], *, place_bound: bool = False, object_token: Token | None = None
    ) -> Location | None:
        """``place_bound``: a strike, raid or protest, whose target is its place.
        ``object_token``: the noun a light verb takes ("held talks")."""
        trigger = frame.trigger
        destination = place_bound or trigger.lemma_.lower() in self.destination_verbs
        # 1. the place phrases of the trigger and the words governing it
        own = list(frame.chain) + ([object_token] if object_token is not None else [])
        for holder in own:
            found = self._preps(holder, mentions, place_bound, destination, own=True, trigger_i=trigger.i)
            if found is not None:
                return found
        # 2. "Russia shelled Kharkiv", "will visit Tehran", "struck the Fordow enrichment site"
        if destination:
            for c in children(trigger):
                if c.dep_ in ("dobj", "obj") and c.pos_ in ("PROPN", "NOUN"):
                    found = self.place(c, mentions, countries_ok=False)
                    if found is not None:
                        return found
        # 3. places hanging from the trigger's objects and noun phrases, two steps down at
        # most, for events bound to a place ("killed two men in Jenin"); not for what is
        # said or asked ("condemned the attack in Jordan" did not happen in Jordan)
        if not destination:
            # "will meet Lebanon's parliament speaker in Beirut": a city after the object
            for t in own:
                for c in children(t):
                    if c.dep_ in ("dobj", "obj"):
                        found = self._preps(c, mentions, False, False, own=False, cities_only=True)
                        if found is not None:
                            return found
            frontier: list[Token] = []
        else:
            frontier = [c for t in own for c in children(t) if c.dep_ in ("dobj", "obj", "nsubjpass", "attr", "npadvmod")]
            frontier += [c for c in children(trigger) if c.dep_ in ("relcl", "acl")]  # "the attack that killed three soldiers in Jordan"
            # "killed ... in an air strike on the group's headquarters in Dahiyeh"
            frontier += [p for t in own for c in children(t) if c.dep_ == "prep" and c.lower_ not in _REASON_PREPS
                         for p in children(c) if p.dep_ == "pobj"]  # fmt: skip
        for _ in range(2):
            nxt = []
            for holder in frontier:
                found = self._preps(holder, mentions, place_bound, destination, own=False)
                if found is not None:
                    return found
                for c in children(holder):
                    if c.dep_ in ("dobj", "obj", "conj", "appos"):
                        nxt.append(c)
                    elif c.dep_ == "prep" and c.lower_ not in _REASON_PREPS:
                        nxt.extend(p for p in children(c) if p.dep_ == "pobj")
            frontier = nxt
        # 4. "the delegations in Cairo never met", "police in Amman made no arrests",
        # "a roadside bombing near the town of Samarra killed ..."
        for t in frame.chain:
            for subject in (c for c in children(t) if c.dep_ in ("nsubj", "nsubjpass")):
                for prep in children(subject):
                    if prep.dep_ == "prep" and prep.lower_ in ("in", "near", "outside", "at"):
                        pobj = next((p for p in children(prep) if p.dep_ == "pobj"), None)
                        if pobj is not None:
                            found = self.place(pobj, mentions, countries_ok=False)
                            if found is not None:
                                return found
        return None

    def _preps(
        self, holder: Token, mentions, place_bound: bool, destination: bool, own: bool, trigger_i: int = -1,
        cities_only: bool = False,
    ) -> Location | None:
        for prep in children(holder):
            if prep.dep_ not in ("prep", "dative"):  # the parser makes "to Cairo" a dative after "send"
                continue
            word = prep.lower_
            if word in _PLACE_PREPS:
                if not own and word == "from":
                    continue  # "an envoy from Doha" says who, not where
                # "drones over northern Jordan" is a place, "missiles over Jordan" may be a route
                countries_ok = word != "at" and (own or word not in ("over", "around"))
            elif word in _TARGET_PREPS or (word == "to" and destination):
                if not own and not place_bound:
                    continue  # "ordered the attack on Tower 22": the order was not given there
                countries_ok = False
            elif word == "of" and holder.i == trigger_i and place_bound and holder.pos_ == "NOUN":
                countries_ok = False  # "an invasion of southern Lebanon", "the siege of Khartoum"
            else:
                continue
            # after a target preposition a capital is its government ("sanctions on Tehran"),
            # except for strikes and visits ("a strike on Tehran", "travel to Cairo")
            cities_ok = word in _PLACE_PREPS or place_bound or destination
            if cities_only:
                if word not in ("in", "at"):
                    continue
                countries_ok = False
            for pobj in children(prep):
                if pobj.dep_ not in ("pobj", "pcomp") or (pobj.dep_ == "pobj" and pobj.pos_ not in ("NOUN", "PROPN")):
                    continue
                # "at northern Israel" is a place, "at Israel" a party
                regional = any(c.dep_ in ("amod", "compound") and c.lower_ in _DIRECTIONS for c in children(pobj))
                found = self.place(pobj, mentions, countries_ok or (regional and not cities_only), cities_ok)
                if found is not None:
                    return found
                if cities_only:
                    continue
                # "at the Incirlik air base in southern Turkey": the base's own place
                found = self.within(pobj, mentions, _WITHIN_PREPS)
                if found is not None:
                    return found
        return None


def _name_words(tok: Token) -> list[Token]:
    """The words that can name a place: the noun, its modifiers (a possessor
    too: "Beirut's southern suburbs") and its "of" complement."""
    out = [tok]
    for c in children(tok):
        if c.dep_ in ("det", "punct", "case", "relcl", "acl", "appos", "cc", "conj", "advmod"):
            continue
        if c.dep_ == "prep":
            if c.lower_ == "of":
                out.append(c)
                out.extend(x for p in children(c) if p.dep_ == "pobj" for x in _name_words(p))
            continue
        out.extend(x for x in c.subtree if x.dep_ not in ("det", "punct", "case"))
    return out

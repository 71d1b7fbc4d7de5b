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

__all__ = ["PlaceFinder"]

_PLACE_PREPS = frozenset("in at near inside outside across around off from over within along".split())
_TARGET_PREPS = frozenset("on against into toward towards".split())
_PLACE_NOUNS = frozenset(
    "city town village capital province region district area camp port enclave suburb outskirts base "
    "governorate state county neighbourhood neighborhood border".split()
)
_TERRITORY = frozenset("territory soil airspace waters border coast".split())
_NOT_PLACES = frozenset("DATE TIME CARDINAL ORDINAL MONEY PERCENT QUANTITY".split())


class PlaceFinder:
    def __init__(self, gazetteer: Gazetteer, country_name) -> None:
        self.gazetteer = gazetteer
        self.country_name = country_name  # ISO3 -> name

    def place(self, tok: Token, mentions: dict[int, Mention], countries_ok: bool) -> Location | None:
        # "the northern city of Kirkuk": the named place is the "of" complement
        if tok.lemma_.lower() in _PLACE_NOUNS:
            for prep in tok.children:
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    inner = next((p for p in prep.children if p.dep_ == "pobj"), None)
                    if inner is not None:
                        found = self.place(inner, mentions, countries_ok)
                        if found is not None:
                            return found
        if tok.ent_type_ in _NOT_PLACES:
            return None
        # The noun phrase's own words: "the Incirlik air base", "Ain al-Asad", "the Gulf of Oman"
        words = sorted(_name_words(tok), key=lambda t: t.i)
        texts = [t.text for t in words]
        hit = self.gazetteer.longest(texts)
        if hit is not None:
            start, end, place = hit
            name = " ".join(texts[start:end])
            named_country = any(
                (m := mentions.get(t.i)) is not None and m.entry is not None and m.kind == "country"
                for t in words[start:end]
            )  # "Lebanon" is a country before it is a town in Pennsylvania
            if place.kind != "city" or (not named_country and any(t.pos_ == "PROPN" for t in words[start:end])):
                return Location(name, place.country, place.latitude, place.longitude)
        if countries_ok:
            for t in words:
                m = mentions.get(t.i)
                if m is not None and m.entry is not None and m.kind in ("country", "adjective") and m.entry.country:
                    if m.kind == "adjective" and tok.lemma_.lower() not in _TERRITORY | _PLACE_NOUNS:
                        continue  # "Syrian territory" is a place, "Syrian officials" are not
                    code = m.entry.country
                    # "in Gaza" keeps its words; "Syrian territory" is Syria
                    name = t.doc[m.start : m.end].text if m.kind == "country" else self.country_name(code)
                    return Location(name, code, None, None)
        return None

    def location(self, frame: Frame, mentions: dict[int, Mention], *, place_bound: bool = False) -> Location | None:
        chain = {t.i for t in frame.chain}
        # the clause's own words, the trigger and its governors first
        holders = list(frame.chain) + [t for t in frame.local() if t.i not in chain]
        for holder in holders:
            on_noun = holder.i not in chain
            for prep in holder.children:
                if prep.dep_ != "prep":
                    continue
                word = prep.lower_
                if word not in _PLACE_PREPS and word not in _TARGET_PREPS:
                    continue
                if on_noun and word in ("from", "over", "around", "across"):
                    continue  # "an envoy from Doha" says who, not where
                for pobj in prep.children:
                    if pobj.dep_ != "pobj":
                        continue
                    found = self.place(pobj, mentions, countries_ok=word in _PLACE_PREPS)
                    if found is not None:
                        return found
                    # "at the Incirlik air base in southern Turkey": the base's own place
                    for inner in pobj.children:
                        if inner.dep_ == "prep" and inner.lower_ in ("in", "near", "of"):
                            p = next((x for x in inner.children if x.dep_ == "pobj"), None)
                            if p is not None:
                                found = self.place(p, mentions, countries_ok=True)
                                if found is not None:
                                    return found
        # "Russia shelled Kharkiv": a named city as the object of a strike is its place
        for c in frame.trigger.children if place_bound else ():
            if c.dep_ in ("dobj", "obj") and c.pos_ == "PROPN":
                m = mentions.get(c.i)
                if m is None or m.kind == "capital":
                    found = self.place(c, mentions, countries_ok=False)
                    if found is not None:
                        return found
        return None


def _name_words(tok: Token) -> list[Token]:
    """The words that can name a place: the noun, its modifiers and its "of" complement."""
    out = [tok]
    for c in tok.children:
        if c.dep_ in ("det", "punct", "poss", "case", "relcl", "acl", "appos", "cc", "conj", "advmod"):
            continue
        if c.dep_ == "prep":
            if c.lower_ == "of":
                out.append(c)
                out.extend(x for p in c.children if p.dep_ == "pobj" for x in _name_words(p))
            continue
        out.extend(x for x in c.subtree if x.dep_ not in ("det", "punct"))
    return out



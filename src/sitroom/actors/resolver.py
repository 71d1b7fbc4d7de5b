"""Finding actor mentions in a parsed document and resolving the words of
an argument phrase to :class:`ActorRef` records.

First ``find_mentions`` marks every dictionary alias and agent noun in the
doc (spaCy PhraseMatcher, case-sensitive for names); then ``resolve`` turns
the mentions inside one phrase into actors, combining a nationality with an
agent noun ("Iranian officials" -> IRN GOV, "his French and German
counterparts" -> FRA GOV, DEU GOV) and resolving people by their role on the
event's date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Token

from ..records import ActorRef
from .dictionary import ActorDictionary, ActorEntry

__all__ = ["ActorMatcher", "Mention"]

_NAMED = ("country", "capital", "igo", "group", "person")
_NATIONAL = ("country", "capital", "adjective", "igo")
_MODIFIER_DEPS = ("amod", "poss", "compound", "nmod", "npadvmod")


@dataclass(slots=True, frozen=True)
class Mention:
    start: int  # token indices in the doc
    end: int
    entry: ActorEntry | None  # None for an agent noun
    sector: str = ""  # the agent noun's sector

    @property
    def kind(self) -> str:
        return self.entry.kind if self.entry else "agent"


class ActorMatcher:
    """Built once per dictionary and pipeline; reused for every document."""

    def __init__(self, nlp: Language, dictionary: ActorDictionary) -> None:
        self.dictionary = dictionary
        self._names = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._entries: list[ActorEntry] = []
        for alias, entry in dictionary.aliases.items():
            key = str(len(self._entries))
            self._entries.append(entry)
            self._names.add(key, [nlp.make_doc(alias)])
        self._agents = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._single_agents: dict[str, str] = {}
        for noun, sector in dictionary.agents.items():
            words = noun.split()
            if len(words) == 1:
                self._single_agents[noun] = sector
                continue
            variants = {noun, noun + "s"} if not noun.endswith("s") else {noun}
            for variant in variants:
                self._agents.add(sector, [nlp.make_doc(variant)])
        self._vocab = nlp.vocab

    def find_mentions(self, doc: Doc) -> list[Mention]:
        """Every actor mention in ``doc``; overlaps resolved in favour of the longer."""
        found: list[Mention] = []
        for key, start, end in self._names(doc):
            found.append(Mention(start, end, self._entries[int(self._vocab.strings[key])]))
        for key, start, end in self._agents(doc):
            found.append(Mention(start, end, None, self._vocab.strings[key]))
        singles = self._single_agents
        for tok in doc:
            if tok.pos_ in ("NOUN", "PROPN"):
                sector = singles.get(tok.lower_) or singles.get(tok.lemma_.lower())
                if sector:
                    found.append(Mention(tok.i, tok.i + 1, None, sector))
        # Longest first; named mentions beat agents of the same length.
        found.sort(key=lambda m: (-(m.end - m.start), m.entry is None, m.start))
        taken = bytearray(len(doc))
        kept: list[Mention] = []
        for m in found:
            if any(taken[m.start : m.end]):
                continue
            taken[m.start : m.end] = b"\x01" * (m.end - m.start)
            kept.append(m)
        kept.sort(key=lambda m: m.start)
        return kept

    def resolve(self, tokens: list[Token], mentions: dict[int, Mention], on: date | None) -> list[ActorRef]:
        """Actors named by the tokens of one argument phrase."""
        token_set = {t.i for t in tokens}
        inside = [m for i, m in sorted(mentions.items()) if i in token_set]
        if not inside:
            return []
        doc = tokens[0].doc
        roots = {m.start: _root(doc, m) for m in inside}
        consumed: set[int] = set()
        refs: list[ActorRef] = []
        # People and groups absorb the nationality and titles that modify them.
        for m in inside:
            if m.kind in ("person", "group"):
                for other in inside:
                    if other is not m and _modifies(roots[other.start], roots[m.start]):
                        consumed.add(other.start)
        # Agent nouns combine with the nationalities that modify them.
        for m in inside:
            if m.kind != "agent" or m.start in consumed:
                continue
            for other in inside:
                if other.kind in _NATIONAL and other.start not in consumed and _modifies(roots[other.start], roots[m.start]):
                    consumed.add(other.start)
                    country, _, _ = other.entry.resolve(on)
                    words = _text(doc, other) + " " + _text(doc, m)
                    refs.append(ActorRef(words, self.dictionary.country_name(country), country, m.sector))
        for m in inside:
            if m.start in consumed or m.kind == "agent":
                continue
            country, sector, _ = m.entry.resolve(on)
            refs.append(ActorRef(_text(doc, m), m.entry.name, country, sector))
        return _dedup(refs)


def _root(doc: Doc, m: Mention) -> Token:
    return doc[m.start : m.end].root


def _modifies(mod: Token, head: Token) -> bool:
    """``mod`` attaches to ``head`` as a modifier, directly, through a
    coordination ("French, German and British counterparts") or through "of"."""
    tok = mod
    for _ in range(8):
        if tok.dep_ == "conj":
            tok = tok.head
            continue
        if tok.dep_ == "pobj" and tok.head.dep_ == "prep" and tok.head.lower_ == "of":
            return tok.head.head == head
        return tok.head == head and tok.dep_ in _MODIFIER_DEPS + ("appos",)
    return False


def _text(doc: Doc, m: Mention) -> str:
    return doc[m.start : m.end].text


def _dedup(refs: list[ActorRef]) -> list[ActorRef]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for r in refs:
        key = (r.name, r.country, r.sector)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out

"""Finding actor mentions in a parsed document and resolving the words of
an argument phrase to :class:`ActorRef` records.

First ``find_mentions`` marks every dictionary alias and agent noun in the
doc (token for token, case-sensitive for names); then ``resolve`` turns
the mentions inside one phrase into actors, combining a nationality with an
agent noun ("Iranian officials" -> IRN GOV, "his French and German
counterparts" -> FRA GOV, DEU GOV) and resolving people by their role on the
event's date.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from spacy.attrs import LOWER, ORTH, POS
from spacy.language import Language
from spacy.strings import hash_string
from spacy.symbols import NOUN, PROPN
from spacy.tokens import Doc, Token

from .. import cache
from ..datafiles import iter_jsonl, package_data
from ..errors import DataFileError
from ..records import ActorRef
from .dictionary import ActorDictionary, ActorEntry

__all__ = ["ActorMatcher", "AliasTokens", "Mention", "PhraseTable", "load_context_aliases", "split_aliases"]


def load_context_aliases(dictionary: ActorDictionary, path: str | Path | None = None) -> list[tuple[str, ActorEntry, frozenset[str]]]:
    """(word, the country's entry, the countries the article must name) of context_aliases.jsonl."""
    p = Path(path) if path else package_data("context_aliases.jsonl")
    out = []
    for n, obj in iter_jsonl(p):
        word, country, needs = obj.get("word"), obj.get("country"), obj.get("needs")
        if not isinstance(word, str) or not word.strip() or " " in word.strip():
            raise DataFileError(str(p), n, "'word' must be one word")
        codes = [country] + (needs if isinstance(needs, list) else [None])
        if not needs or not all(isinstance(c, str) and len(c) == 3 and c.isupper() for c in codes):
            raise DataFileError(str(p), n, "'country' and each of 'needs' must be a three-letter code")
        name = dictionary.country_name(country)
        out.append((word.strip(), ActorEntry("country", name, country, "", (), f"{p.name}:{n}"), frozenset(needs)))
    return out

log = logging.getLogger(__name__)

_NATIONAL = ("country", "capital", "adjective", "igo")


@dataclass(slots=True, frozen=True)
class Mention:
    start: int  # token indices in the doc
    end: int
    entry: ActorEntry | None  # None for an agent noun
    sector: str = ""  # the agent noun's sector

    @property
    def kind(self) -> str:
        return self.entry.kind if self.entry else "agent"


class PhraseTable:
    """Token sequences and the keys they stand for, found in a document the way
    spaCy's PhraseMatcher finds them: every (key, start, end) whose words equal a
    pattern's, by start, then by length, then in the order the keys were added.
    Words are any hashable values (strings, or their hashes as ``Token.orth`` gives them)."""

    __slots__ = ("_keys", "_lengths")

    def __init__(self) -> None:
        self._keys: dict[tuple[Hashable, ...], list] = {}
        self._lengths: dict[Hashable, list[int]] = {}  # first word -> pattern lengths, ascending

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key: Hashable, words: tuple[Hashable, ...]) -> None:
        """Add a pattern; adding one twice under the same key changes nothing."""
        if not words:
            return
        keys = self._keys.setdefault(words, [])
        if key not in keys:
            keys.append(key)
        lengths = self._lengths.setdefault(words[0], [])
        if len(words) not in lengths:
            lengths.append(len(words))
            lengths.sort()

    def find(self, words: list[Hashable]) -> list[tuple[Hashable, int, int]]:
        """(key, start, end) of every pattern in ``words`` (a document's words)."""
        out = []
        n = len(words)
        lengths, keys = self._lengths, self._keys
        for start, word in enumerate(words):
            sizes = lengths.get(word)
            if sizes is None:
                continue
            for size in sizes:
                end = start + size
                if end > n:
                    break
                found = keys.get(tuple(words[start:end])) if size > 1 else keys.get((word,))
                if found:
                    out.extend((key, start, end) for key in found)
        return out


class ActorMatcher:
    """Built once per dictionary and pipeline; reused for every document.

    Aliases match token for token: exact ones on the words as written, caseless
    ones, prefixes and agent nouns on the lower-cased words. The alias strings are
    split into tokens by the pipeline's tokenizer once and kept in the cache
    (``sitroom.cache``), keyed by the aliases and the tokenizer's version."""

    def __init__(self, nlp: Language, dictionary: ActorDictionary) -> None:
        self.dictionary = dictionary
        self._context = load_context_aliases(dictionary)
        # ``resolve``'s answers for the mentions it was last given (one document's): the coder asks
        # about many phrases more than once (a subject for its event and again to remember it)
        self._resolved_for: dict[int, Mention] | None = None
        self._resolved: dict[tuple, list[ActorRef]] = {}
        agent_variants: list[tuple[str, str]] = []
        self._single_agents: dict[str, str] = {}
        for noun, sector in dictionary.agents.items():
            words = noun.split()
            if len(words) == 1:
                self._single_agents[noun] = sector
                continue
            variants = {noun, noun + "s"} if not noun.endswith("s") else {noun}
            agent_variants.extend((variant, sector) for variant in sorted(variants))
        tokens = _alias_tokens(
            nlp, list(dictionary.aliases), [*dictionary.caseless, *dictionary.prefixes, *(v for v, _ in agent_variants)]
        )
        # Words are matched by their hash in spaCy's string store, as Token.orth and Token.lower give them.
        self._entries: list[ActorEntry] = []
        self._names = PhraseTable()
        for alias, entry in dictionary.aliases.items():
            self._names.add(len(self._entries), tuple(map(hash_string, tokens.orth[alias])))
            self._entries.append(entry)
        self._caseless = PhraseTable()
        for alias, entry in dictionary.caseless.items():
            self._caseless.add(len(self._entries), tuple(map(hash_string, tokens.lower[alias])))
            self._entries.append(entry)
        # Prefix aliases (imported TABARI dictionaries): all words but the last
        # match caselessly, the last is a prefix ("argentin" ~ "Argentina").
        self._prefixes: dict[str, list[tuple[list[str], str, ActorEntry]]] = {}
        for alias, entry in dictionary.prefixes.items():
            words = list(tokens.lower[alias])
            self._prefixes.setdefault(words[0][:3], []).append((words[:-1], words[-1], entry))
        self._agents = PhraseTable()
        for variant, sector in agent_variants:
            self._agents.add(sector, tuple(map(hash_string, tokens.lower[variant])))

    def find_mentions(self, doc: Doc) -> list[Mention]:
        """Every actor mention in ``doc``; overlaps resolved in favour of the longer."""
        found: list[Mention] = []
        orth, lower, pos = doc.to_array([ORTH, LOWER, POS]).T.tolist() if len(doc) else ([], [], [])
        for key, start, end in self._names.find(orth):
            found.append(Mention(start, end, self._entries[key]))
        if len(self._caseless):
            for key, start, end in self._caseless.find(lower):
                found.append(Mention(start, end, self._entries[key]))
        if self._prefixes:
            found.extend(self._prefix_mentions(doc))
        for sector, start, end in self._agents.find(lower):
            found.append(Mention(start, end, None, sector))
        singles = self._single_agents
        for i, p in enumerate(pos):
            if p == NOUN or p == PROPN:
                tok = doc[i]
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
        if self._context:
            kept = self._context_mentions(doc, kept, taken)
        return kept

    def _context_mentions(self, doc: Doc, kept: list[Mention], taken: bytearray) -> list[Mention]:
        """Add the context aliases the article's countries allow: "the North" in a report naming both Koreas."""
        named = {m.entry.country for m in kept if m.entry is not None and m.entry.kind in ("country", "adjective", "capital")}
        added = []
        for word, entry, needs in self._context:
            if not needs <= named:
                continue
            for tok in doc:
                if tok.text != word or taken[tok.i] or tok.i == 0 or doc[tok.i - 1].lower_ != "the":
                    continue
                if tok.i + 1 < len(doc) and doc[tok.i + 1].pos_ == "PROPN":
                    continue  # "the North Atlantic"
                added.append(Mention(tok.i, tok.i + 1, entry))
        return sorted(kept + added, key=lambda m: m.start) if added else kept

    def _prefix_mentions(self, doc: Doc) -> list[Mention]:
        out = []
        for tok in doc:
            for head_words, last, entry in self._prefixes.get(tok.lower_[:3], ()):
                n = len(head_words)
                if tok.i + n >= len(doc):
                    continue
                word = doc[tok.i + n].lower_
                if not all(doc[tok.i + k].lower_ == w for k, w in enumerate(head_words)):
                    continue
                # A stem of 4+ letters takes an ending of up to 4 ("argentin" -> "argentinian");
                # a shorter one must match whole ("au" is not "australian").
                if word == last or (len(last) >= 4 and word.startswith(last) and len(word) - len(last) <= 4):
                    out.append(Mention(tok.i, tok.i + n + 1, entry))
        return out

    @staticmethod
    def index(found: list[Mention]) -> dict[int, Mention]:
        """Token index -> the mention covering that token (what ``resolve`` takes)."""
        return {i: m for m in found for i in range(m.start, m.end)}

    def resolve(self, tokens: list[Token], mentions: dict[int, Mention], on: date | None) -> list[ActorRef]:
        """Actors named by the tokens of one argument phrase.

        Mentions are grouped by the word their modifier chain hangs from
        ("Iranian" -> "Minister" -> "Amir-Abdollahian"; "French, German and
        British" -> "counterparts"); coordination alone does not group
        ("Hezbollah and Israel" are two actors). In a group, a known person or
        group stands for the whole; else an agent noun gives its sector to each
        nationality; else each nationality is an actor of its own.
        """
        if not tokens:
            return []
        # the answer depends on the phrase's tokens, the document's mentions and the day only; the
        # mentions dict is held while its answers are kept, so it is the same object, not a new one
        # that happens to have its id
        key = (*[t.i for t in tokens], on)
        if mentions is not self._resolved_for:
            self._resolved_for, self._resolved = mentions, {}
        else:
            known = self._resolved.get(key)
            if known is not None:
                return list(known)
        refs = self._resolve(tokens, mentions, on)
        self._resolved[key] = refs
        return list(refs)

    def _resolve(self, tokens: list[Token], mentions: dict[int, Mention], on: date | None) -> list[ActorRef]:
        doc = tokens[0].doc
        token_set = {t.i for t in tokens}
        # ``mentions`` maps every token a mention covers to it, so "The AU"
        # is found from "AU" although the phrase drops "The".
        inside: dict[int, Mention] = {}
        for i in sorted(token_set):
            m = mentions.get(i)
            if m is not None:
                inside.setdefault(m.start, m)
        groups: dict[int, list[tuple[Mention, bool]]] = {}
        for m in inside.values():
            if not _is_relation_modifier(doc, m):
                anchor, located = _anchor(doc[m.start : m.end].root, token_set)
                groups.setdefault(anchor, []).append((m, located))
        refs: list[ActorRef] = []
        for members in groups.values():
            # "officials in Tehran" are Iran's; "the Iranian embassy in Damascus" is still Iran's.
            if any(not located for _, located in members if _.kind in _NATIONAL):
                members = [(m, located) for m, located in members if not located]
            refs.extend(self._group_refs(doc, [m for m, _ in members], on))
        return _dedup(refs)

    def _group_refs(self, doc: Doc, members: list[Mention], on: date | None) -> list[ActorRef]:
        named = [m for m in members if m.kind in ("person", "group")]
        if named:
            return [self._ref(doc, m, on) for m in named]
        nationals = [m for m in members if m.kind in _NATIONAL]
        agents = [m for m in members if m.kind == "agent"]
        if not agents:
            return [self._ref(doc, m, on) for m in nationals]
        agent = agents[-1]  # the head noun of the group
        out = []
        for m in nationals:
            country, _, _ = m.entry.resolve(on)
            words = f"{_text(doc, m)} {_text(doc, agent)}"
            out.append(ActorRef(words, self.dictionary.country_name(country), country, agent.sector))
        return out

    def _ref(self, doc: Doc, m: Mention, on: date | None) -> ActorRef:
        country, sector, _ = m.entry.resolve(on)
        return ActorRef(_text(doc, m), m.entry.name, country, sector)


@dataclass(slots=True, frozen=True)
class AliasTokens:
    """Alias strings split into tokens: the words as written (exact aliases) and lower-cased (the rest)."""

    orth: dict[str, tuple[str, ...]]
    lower: dict[str, tuple[str, ...]]


def tokenizer_version(nlp: Language) -> str:
    """What decides how the pipeline splits a string into tokens."""
    import spacy

    return f"spacy {spacy.__version__}; {nlp.lang}_{nlp.meta.get('name', '')} {nlp.meta.get('version', '')}"


def split_aliases(nlp: Language, exact: list[str], caseless: list[str]) -> AliasTokens:
    """Split the strings with the pipeline's tokenizer (slow: about 40 microseconds a string)."""
    orth = {a: tuple(t.text for t in nlp.make_doc(a)) for a in exact}
    lower = {a: tuple(t.lower_ for t in nlp.make_doc(a)) for a in caseless}
    return AliasTokens(orth, lower)


def _alias_tokens(nlp: Language, exact: list[str], caseless: list[str]) -> AliasTokens:
    """The strings split into tokens, from the cache when it holds exactly these strings
    split by this tokenizer, else split now and cached."""
    key = cache.digest(tokenizer_version(nlp), json.dumps([exact, caseless], ensure_ascii=False))
    cached = cache.load("actor-tokens", key)
    if cached is not None:
        found = _from_cache(cached, exact, caseless)
        if found is not None:
            return found
        log.debug("the cached actor tokens do not fit the dictionary: splitting the aliases again")
    tokens = split_aliases(nlp, exact, caseless)
    cache.save("actor-tokens", key, {"orth": [tokens.orth[a] for a in exact], "lower": [tokens.lower[a] for a in caseless]})
    return tokens


def _from_cache(data: object, exact: list[str], caseless: list[str]) -> AliasTokens | None:
    """The cached token lists, checked: one non-empty list of strings per alias, together
    spelling the alias (but for its spaces; case too for the lower-cased ones)."""
    if not isinstance(data, dict):
        return None
    out = []
    for strings, lists, folded in ((exact, data.get("orth"), False), (caseless, data.get("lower"), True)):
        if not isinstance(lists, list) or len(lists) != len(strings) or {type(w) for w in lists} - {list}:
            return None
        if not all(lists) or {type(t) for t in itertools.chain.from_iterable(lists)} - {str}:
            return None
        spelt = "".join("\0".join(map("".join, lists)).split())
        wanted = "".join("\0".join(strings).split())
        if (spelt.casefold() != wanted.casefold()) if folded else spelt != wanted:
            return None
        out.append(dict(zip(strings, map(tuple, lists))))
    return AliasTokens(out[0], out[1])


_GROUPING_DEPS = frozenset(("amod", "poss", "compound", "nmod", "npadvmod", "appos"))


def _anchor(tok: Token, phrase: set[int]) -> tuple[int, bool]:
    """The token a mention's modifier chain hangs from, within the phrase, and
    whether the chain passed through "in"/"from" (a place, not a modifier).

    Climbs modifier relations and "of"/"in"/"from" complements, and
    coordination on the way to one of those; a mention reached only through
    coordination is its own anchor."""
    top = cur = tok
    located = False
    for _ in range(12):
        head = cur.head
        if head.i == cur.i or head.i not in phrase:
            break
        if cur.dep_ == "conj":
            cur = head
        elif cur.dep_ in _GROUPING_DEPS:
            cur = top = head
        elif cur.dep_ == "pobj" and head.lower_ in ("of", "in", "from") and head.head.i in phrase:
            located = located or head.lower_ != "of"
            cur = top = head.head
        else:
            break
    return top.i, located and top.i != tok.i


def _is_relation_modifier(doc: Doc, m: Mention) -> bool:
    """"Iran-backed", "Tehran-based": the name modifies, it does not act."""
    return m.end + 1 < len(doc) and doc[m.end].text == "-" and doc[m.end + 1].is_lower


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

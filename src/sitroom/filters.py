"""One filter language for events and story events, shared by the CLI, the
Python API (``sitroom.open``) and the HTTP API.

``make_filter`` parses and checks every filter in one place and returns an
``EventFilter``; the Store applies it (``Store.filter_clauses``). Actors are
given as names, aliases or codes and resolved by the actor dictionary and
the names the store holds (``ActorIndex``):

- ``IRN`` (a country or IGO code) matches any actor of that country;
- ``IRNMIL`` (a country code and a sector) matches actors of that country and sector;
- ``Iran``, ``Iranian``, ``Tehran`` (a country's names, adjectives, capitals) match like ``IRN``;
- ``Hezbollah``, ``Nasrallah`` (a group's or a person's name or alias) match actors of that name.

Anything else is a ``FilterError`` (E118) naming the nearest known names.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from .errors import FilterError
from .records import MODALITIES

if TYPE_CHECKING:
    from .actors import ActorDictionary
    from .store import Store

__all__ = [
    "FREQS", "ActorIndex", "EventFilter", "FilterError", "Side", "event_types", "make_filter", "parse_day", "parse_dyad",
    "threat_stories",
]  # fmt: skip

FREQS = ("day", "week", "month")  # timeline periods
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SUGGESTIONS = 3


@dataclass(slots=True, frozen=True)
class Side:
    """One side of an event: a country (or IGO), a country and sector, or a named actor."""

    country: str | None = None
    sector: str | None = None
    name: str | None = None  # an actor's name, matched case-insensitively
    label: str = ""  # as shown to the user: "Hezbollah (LBN)", "IRN"

    @property
    def code(self) -> str:
        """``IRN``, ``IRNMIL`` or the actor's name: how a timeline names this side."""
        return self.name or f"{self.country or ''}{self.sector or ''}"


@dataclass(slots=True, frozen=True)
class EventFilter:
    """A checked filter (build it with ``make_filter``). Every field left at its default keeps every row.

    ``actor`` and ``recipient`` must match the event's actor and recipient sides; with ``undirected``
    they may also match the other way round (an actor alone then matches either side)."""

    since: date | None = None
    until: date | None = None
    actor: Side | None = None
    recipient: Side | None = None
    undirected: bool = False
    types: tuple[str, ...] = ()
    modalities: tuple[str, ...] = ()
    min_confidence: float | None = None  # rows without a confidence (rules only) are left out when set
    q: str | None = None  # words of the reporting sentence, taken literally, any case

    @property
    def dyad(self) -> str | None:
        """``SOURCE-TARGET`` of the two sides, when both are given."""
        if self.actor is None or self.recipient is None:
            return None
        return f"{self.actor.code}-{self.recipient.code}"


def event_types() -> tuple[str, ...]:
    """The PLOVER event types of the ontology (data/plover.json), sorted."""
    from .coding.lexicon import load_ontology

    return tuple(sorted(load_ontology().modes))


@dataclass(slots=True)
class _Known:
    side: Side
    shown: str  # in suggestions: "Hezbollah (LBN)", "IRN (Iran)"


@dataclass
class ActorIndex:
    """Every name, alias and code a filter may use: the actor dictionary's and the store's.
    Built on first use from ``dictionary`` (a loader) and ``store_actors`` ((name, country, sector) rows)."""

    dictionary: Callable[[], ActorDictionary] | None = None
    store_actors: Callable[[], Iterable[tuple[str | None, str | None, str | None]]] | None = None
    _codes: dict[str, str] = field(default_factory=dict, init=False)  # code -> name
    _sectors: frozenset[str] = field(default=frozenset(), init=False)
    _exact: dict[str, _Known] = field(default_factory=dict, init=False)
    _caseless: dict[str, _Known] = field(default_factory=dict, init=False)
    _built: bool = field(default=False, init=False)

    @classmethod
    def for_store(
        cls, store: Store, dictionary: ActorDictionary | None = None, names: list[tuple[str | None, str | None, str | None]] | None = None
    ) -> ActorIndex:
        """The index of the package's actor dictionary (or ``dictionary``) and the actors ``store`` holds
        (read on first use, or given as ``names``)."""
        loader = default_dictionary if dictionary is None else (lambda: dictionary)
        return cls(loader, store.actor_names if names is None else (lambda: names))

    def _build(self) -> None:
        if self._built:
            return
        from .actors.dictionary import SECTORS

        self._sectors = SECTORS
        d = self.dictionary() if self.dictionary else None
        if d is not None:
            self._codes.update(d.countries)
            entries = list(d.aliases.items()) + [(k, v) for k, v in d.caseless.items()]
            for alias, entry in entries:
                if entry.kind in ("country", "adjective", "capital", "igo"):
                    country_name = d.country_name(entry.country)
                    known = _Known(Side(country=entry.country, label=f"{country_name} ({entry.country})"),
                                   f"{alias} ({entry.country})")  # fmt: skip
                else:
                    country = entry.resolve(None)[0]
                    known = _Known(Side(name=entry.name, label=f"{entry.name} ({country})"), f"{entry.name} ({country})")
                self._exact.setdefault(alias, known)
                self._caseless.setdefault(alias.lower(), known)
                self._caseless.setdefault(entry.name.lower(), known)
        for name, country, _sector in self.store_actors() if self.store_actors else ():
            if country and country not in self._codes:
                self._codes[country] = country
            if name and name.lower() not in self._caseless:
                shown = f"{name} ({country})" if country else name
                self._caseless[name.lower()] = _Known(Side(name=name, label=shown), shown)
        for code, name in self._codes.items():
            self._caseless.setdefault(code.lower(), _Known(Side(country=code, label=code), f"{code} ({name})"))
        self._built = True

    def resolve(self, text: str, what: str = "actor") -> Side:
        """The side ``text`` names, or FilterError naming the nearest known names."""
        self._build()
        value = text.strip()
        if not value:
            raise FilterError(f"empty {what}: give a name, an alias or a code (IRN, IRNMIL, Hezbollah)")
        upper = value.upper()
        if upper in self._codes:
            return Side(country=upper, label=upper)
        if len(upper) == 6 and upper[:3] in self._codes and upper[3:] in self._sectors:
            return Side(country=upper[:3], sector=upper[3:], label=upper)
        known = self._exact.get(value) or self._caseless.get(value.lower())
        if known is not None:
            return known.side
        raise FilterError(f"unknown {what} {value!r}: {self._suggest(value)}")

    def _suggest(self, value: str) -> str:
        close = difflib.get_close_matches(value.lower(), list(self._caseless), n=12, cutoff=0.75)
        shown: list[str] = []
        for key in close:
            s = self._caseless[key].shown
            if s not in shown:
                shown.append(s)
        if not shown:
            return "no actor of that name, alias or code is in the actor dictionary or the store"
        shown = shown[:_SUGGESTIONS]
        return "did you mean " + (shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]) + "?"


@functools.cache
def default_dictionary() -> ActorDictionary:
    """The package's actor dictionary, loaded once per process."""
    from .actors import load_actor_dictionary

    return load_actor_dictionary()


def parse_day(value: object, what: str) -> date | None:
    """A day from a date or ``YYYY-MM-DD``; FilterError otherwise."""
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value  # type: ignore[return-value]
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str) and _DAY.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise FilterError(f"{what}: {value!r} is not a day written YYYY-MM-DD")


def parse_dyad(index: ActorIndex, dyad: str | Iterable[str]) -> tuple[Side, Side]:
    """``"A-B"`` or two values (names, aliases or codes): the two sides, source first.
    A name with a hyphen in it (al-Nujaba) is found by trying each hyphen in turn."""
    if isinstance(dyad, str):
        text = dyad.strip()
        cuts = [m.start() for m in re.finditer("-", text)]
        if not cuts:
            raise FilterError(f"dyad {dyad!r} is not SOURCE-TARGET, e.g. IRN-ISR, ISRMIL-IRN or Hezbollah-ISR")
        first_error: FilterError | None = None
        for cut in cuts:
            try:
                return index.resolve(text[:cut], "actor"), index.resolve(text[cut + 1 :], "actor")
            except FilterError as exc:
                first_error = first_error or exc
        assert first_error is not None
        raise FilterError(f"in dyad {dyad!r}: {first_error.message}")
    values = list(dyad)
    if len(values) != 2 or not all(isinstance(v, str) for v in values):
        raise FilterError(f"dyad {dyad!r} must be 'SOURCE-TARGET' or two names or codes")
    return index.resolve(values[0], "actor"), index.resolve(values[1], "actor")


def _items(value: str | Iterable[str] | None, what: str) -> tuple[str, ...]:
    """Values given as a comma list, a repeated option, or both."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    out: list[str] = []
    for v in value:
        if not isinstance(v, str):
            raise FilterError(f"{what}: {v!r} is not text")
        out += [p.strip() for p in v.split(",") if p.strip()]
    return tuple(dict.fromkeys(out))


def make_filter(
    index: ActorIndex | None = None,
    *,
    since: date | str | None = None,
    until: date | str | None = None,
    actor: str | None = None,
    recipient: str | None = None,
    dyad: str | Iterable[str] | None = None,
    undirected: bool = False,
    type: str | Iterable[str] | None = None,  # noqa: A002 - the option's name everywhere
    modality: str | Iterable[str] | None = None,
    min_confidence: float | None = None,
    q: str | None = None,
) -> EventFilter:
    """Parse and check every filter (docs: README, "Filters"); FilterError (E118) names what is wrong.
    ``index`` resolves actor names; it is needed only when an actor, recipient or dyad is given."""
    since_day, until_day = parse_day(since, "since"), parse_day(until, "until")
    if since_day and until_day and since_day > until_day:
        raise FilterError(f"since ({since_day}) is after until ({until_day})")
    actor = actor.strip() if isinstance(actor, str) and actor.strip() else None
    recipient = recipient.strip() if isinstance(recipient, str) and recipient.strip() else None
    if isinstance(dyad, str) and not dyad.strip():
        dyad = None
    if dyad is not None and (actor or recipient):
        raise FilterError("give a dyad or an actor and a recipient, not both")
    if (actor or recipient or dyad is not None) and index is None:
        raise FilterError("actor names need an actor index")
    actor_side = recipient_side = None
    if dyad is not None:
        actor_side, recipient_side = parse_dyad(index, dyad)  # type: ignore[arg-type]
    else:
        actor_side = index.resolve(actor, "actor") if actor else None  # type: ignore[union-attr]
        recipient_side = index.resolve(recipient, "recipient") if recipient else None  # type: ignore[union-attr]
    types = tuple(t.upper() for t in _items(type, "type"))
    if types:
        known = event_types()
        for t in types:
            if t not in known:
                raise FilterError(f"unknown event type {t!r}; choose from {', '.join(known)}")
    modalities = tuple(m.lower() for m in _items(modality, "modality"))
    for m in modalities:
        if m not in MODALITIES:
            raise FilterError(f"unknown modality {m!r}; choose from {', '.join(MODALITIES)}")
    if min_confidence is not None:
        if isinstance(min_confidence, bool) or not isinstance(min_confidence, (int, float)) or not 0.0 <= float(min_confidence) <= 1.0:
            raise FilterError(f"min_confidence must be a number from 0 to 1, not {min_confidence!r}")
        min_confidence = float(min_confidence)
    if q is not None and not isinstance(q, str):
        raise FilterError(f"q: {q!r} is not text")
    return EventFilter(
        since=since_day, until=until_day, actor=actor_side, recipient=recipient_side, undirected=bool(undirected),
        types=types, modalities=modalities, min_confidence=min_confidence, q=(q or "").strip() or None,
    )  # fmt: skip


def threat_stories(store: Store, f: EventFilter) -> set[str] | None:
    """The story ids whose threat-ledger entries ``f`` keeps (None: every one): the actor is the
    declarant or the addressee, the recipient the addressee; dates and types are the story's."""
    rest = EventFilter(since=f.since, until=f.until, recipient=f.recipient, types=f.types)
    kept = store.story_ids(rest) if rest != EventFilter() else None
    if f.actor is not None:
        either = store.story_ids(EventFilter(actor=f.actor, undirected=True))
        kept = either if kept is None else kept & either
    return kept

"""The two sides an article is about, and the sides a sentence leaves unnamed.

An article about a conflict or a dispute is about two parties (Israel and Iran,
Guyana and Venezuela, the army and the RSF inside Sudan). A sentence often names
only one side of an act ("Iran vowed revenge", "the building was hit", "the UN
urged restraint"); an analyst names the other from the article. The rules first
find the article's dyad from the acts whose sentences name both sides
(``find_dyad``), then fill the unnamed side of the others (``fill_from_dyad``):

- an act by one party of the dyad whose other side is unnamed targets the other
  party ("Iran vowed revenge" -> Israel); in a conflict inside one country
  (government and rebels, army and RSF) both sides are that country when the act
  is directed or hostile, or is an agreement, a meeting or support about the
  conflict ("signed a truce"; not "signed an arms deal" with unnamed partners);
- an attack that names no party at all is the article's attack, by its attacker
  on the other party, when the two are the countries the article names most;
- a hostile act against one party with no named author comes from the other
  ("the building was hit by a missile" in an article about Russia's strikes on
  Ukraine);
- an interception with no named sides is the victim's defence against the
  attacker: the dyad's attack reversed ("the drones were intercepted");
- a third party's condemnation with no named target is aimed at the dyad's
  attacker (in a conflict at home, at that country); its appeals, mediation
  and welcome go to both parties.

A conflict at home is also an article about one country alone: no foreign pair,
any other country named once at most, every act placed in it (and some act
placed there, or its own people hit: a report naming only the country whose
drones struck does not say where), and its own or unnamed forces ("soldiers",
"a jet") doing the hostile acts. An article whose sentences never name both
sides of an act still has a pair when the authors of its attacks (not its
arrests) are on one side and their victims on the other, one author and one
victim standing out, and these are the two countries it names most. Material
acts take the pair the article's material acts name, else the article's pair
when it is also the two countries the article names most (not for an attack
retold from days before the article's news; and an arrest or a seizure by one
party goes to the other only when it happens there or crosses a border).

Filled sides are inferred, not quoted: their text is empty, or the words of an
unresolved party that the fill gives its country ("gunmen").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from ..records import ActorRef, Event

__all__ = ["INTERCEPT_TRIGGERS", "Dyad", "fill_from_dyad", "find_dyad"]

# acts one party does to the other: with one side named, the other is the dyad's other party
_DIRECTED = frozenset(
    "ASSAULT COERCE THREATEN MOBILIZE SANCTION ACCUSE REJECT REQUEST PROTEST RETREAT AGREE CONCEDE COOPERATE".split()
)
# hostile acts, which show who the article's attacker is
_HOSTILE = frozenset("ASSAULT COERCE THREATEN MOBILIZE SANCTION".split())
# material acts, which inside one country are done by that country's own
_MATERIAL = frozenset("ASSAULT COERCE SANCTION".split())
# acts whose unnamed author is the other party of the dyad when they are aimed at one of its parties:
# material acts, accusations, demands and appeals (a threat or a deployment against one party is as
# often made by a third)
_AUTHORED = _MATERIAL | {"ACCUSE", "REQUEST"}
# a third party's acts that go to both parties ("urged both sides", "mediated", "welcomed the truce")
_TO_BOTH_CAMEO = ("02", "04", "05")  # appeals, consultations and mediation, endorsements
# acts the rules target at the actor's own country when the sentence names no target
_INWARD = frozenset(("COERCE", "MOBILIZE"))
# what strikes rather than who: a weapon or an act named where a party would be ("a jet dropped bombs")
_WEAPON_WORDS = frozenset(
    "missile missiles rocket rockets drone drones shell shells bomb bombs projectile projectiles mortar mortars "
    "artillery warplane warplanes jet jets aircraft debris explosion explosions blast blasts shrapnel".split()
)
# and the acts named where a party would be ("the strikes killed 20 fighters")
_STRIKE_WORDS = _WEAPON_WORDS | frozenset("airstrike airstrikes strike strikes".split())
_OBSERVERS = frozenset(("IGO", "NGO", "MED"))
_RETOLD_DAYS = 5  # an act this many days older than the article's news is retold, not reported
_INSIDE_SECTORS = frozenset(("REB", "OPP", "UAF"))
# what an act sent across a border crosses: "over the border", "across the frontier", "into South Korea"
_CROSSING_PREPS = frozenset(("over", "across", "into"))
_BORDER_NOUNS = frozenset("border frontier boundary".split())
# the objects of an agreement or a meeting between the sides of a conflict at home
_CONFLICT_TERMS = frozenset(
    "ceasefire ceasefires cease-fire truce truces peace accord accords talks negotiations armistice hostilities "
    "disarmament".split()
)
# acts done together, whose other side in a conflict at home is the other side only when they are
# about the conflict ("signed a truce", "held talks"; not "signed an arms deal", "thanked allies")
_JOINT = frozenset(("AGREE", "COOPERATE", "SUPPORT", "AID", "CONSULT"))  # rebels, opposition, unnamed gunmen: who fight at home
# the triggers of a defence against projectiles (the coder reverses the attack it answers)
INTERCEPT_TRIGGERS = ("intercept", "shot down", "shoot down", "shoots down", "shooting down", "downed")


def _countries(refs) -> set[str]:
    return {r.country for r in refs if r.country and r.sector != "IGO"}


def _explicit(refs) -> set[str]:
    """Countries the sentence names itself (an inferred side has empty text), of bodies that can be
    parties: not international organisations, rights groups or the media, who report and react."""
    return {r.country for r in refs if r.country and r.text and r.sector not in _OBSERVERS}


@dataclass(slots=True, frozen=True)
class Dyad:
    """The article's two parties; ``attacker`` is the one that leads its hostile acts (may be None).
    A conflict inside one country has ``first == second``."""

    first: str
    second: str
    attacker: str | None
    leading: bool = True  # the two countries the article names most (or the one, at home)

    @property
    def domestic(self) -> bool:
        return self.first == self.second

    def parties(self) -> set[str]:
        return {self.first, self.second}

    def other(self, country: str) -> str:
        return self.second if country == self.first else self.first


def find_dyad(events: list[Event], kinds: frozenset[str] | None = None) -> Dyad | None:
    """The two parties the article is about: the pair of countries its acts name on opposite sides
    (both named in the sentence), ranked by how often the pair is named together and how often each
    of the two is named at all; or a conflict inside one country, when one country dominates the
    article, no foreign pair is named twice, and it is named on both sides of an act or as home of
    an armed group or opposition, or stands alone with its own or unnamed forces acting; or, when no
    act names both sides, the authors and the victims of its attacks (``_halves``). With ``kinds``,
    only acts of those types show the pair."""
    pairs: Counter = Counter()
    hostile: Counter = Counter()
    named: Counter = Counter()
    inside: set[str] = set()  # countries of the rebels and opposition the article names
    forces: set[str] = set()  # who carries out the article's hostile acts: a country, or "?" for unnamed forces
    victims: set[str] = set()  # the countries its hostile acts are named to hit
    places: set[str] = set()  # countries where the article's acts happen
    authors: Counter = Counter()  # countries of hostile acts whose target the sentence leaves unnamed
    targets: Counter = Counter()  # and countries hit by hostile acts whose author it leaves unnamed
    for e in events:
        if e.historical:
            continue
        if e.location is not None and e.location.country:
            places.add(e.location.country)
        # sorted throughout: ties between countries rank alike in every process, whatever its hash seed
        for c in sorted(_explicit(e.actor) | _explicit(e.recipient)):
            named[c] += 1
        # rebels and gunmen the dictionary places nowhere fight in the country the article is about
        inside |= {r.country or "?" for r in (*e.actor, *e.recipient) if r.text and r.sector in _INSIDE_SECTORS}
        if e.event_type in _HOSTILE:
            forces |= {r.country or "?" for r in e.actor
                       if r.text and r.sector != "IGO" and (r.country or _party_words(r.text))}  # fmt: skip
            victims |= _explicit(e.recipient)
        if kinds is not None and e.event_type not in kinds:
            continue
        if e.event_type == "ASSAULT" and not _explicit(e.actor) & _explicit(e.recipient):
            # one side of an attack: "JeM rammed a car bomb into the bus", "40 troops were killed in Pulwama"
            # (not an arrest or a deployment: the police of the country where foreigners were attacked
            # arrest suspects there, without being the attackers)
            if not _explicit(e.recipient):
                authors.update(sorted(_explicit(e.actor)))
            if not _explicit(e.actor):
                targets.update(sorted(_explicit(e.recipient)))
        for a in sorted(_explicit(e.actor)):
            for r in sorted(_explicit(e.recipient)):
                pairs[tuple(sorted((a, r)))] += 1
                if e.event_type in _HOSTILE and a != r:
                    hostile[(a, r)] += 1
    if not named:
        return None
    total = sum(named.values())

    def score(pair: tuple[str, str]) -> float:
        a, b = pair
        return pairs[pair] + (named[a] + named[b] if a != b else named[a]) / total

    ranked = sorted(pairs, key=lambda pair: (-score(pair), pair))
    best = ranked[0] if ranked else None
    if best is None and kinds is None:
        halves = _halves(authors, targets, named)
        if halves is not None:
            return halves
    tied = len(ranked) > 1 and score(ranked[0]) == score(ranked[1])  # two pairs alike: no pair stands out
    by_count = sorted(named.items(), key=lambda item: (-item[1], item[0]))  # ties in name order
    (top, top_n), *rest = by_count
    dominant = top_n >= 3 and top_n >= 2 * (rest[0][1] if rest else 0)
    # unnamed gunmen show a conflict at home only when none of the article's acts happens abroad
    unplaced = "?" in inside and places <= {top}
    # one country alone (no foreign pair, any other country named once at most), where every act
    # happens, whose own or unnamed forces act and whose hostile acts hit no one abroad: the junta's
    # airstrikes on villages, soldiers detaining the president. Home needs evidence (the acts are
    # placed there, or its own people are hit): a report naming only the country whose drones struck
    # an airbase does not show where they struck
    alone = (
        kinds is None and (best is None or best[0] == best[1]) and all(n <= 1 for _, n in rest)
        and places <= {top} and bool(forces & {top, "?"}) and forces <= {top, "?"} and victims <= {top}
        and (places == {top} or top in victims)
    )  # fmt: skip
    if dominant and (top in inside or unplaced or alone or pairs[(top, top)] >= 2) and (best is None or pairs[best] < 2 or best == (top, top)):
        best = (top, top)  # one country all along: a conflict inside it ("the army and the RSF")
    elif best is None or best[0] == best[1] or tied:
        return None
    elif pairs[best] < 2 and set(best) != {c for c, _ in by_count[:2]}:
        return None  # a pair named once, and not the article's two most named countries
    first, second = best
    attacker = None
    by_first, by_second = hostile[(first, second)], hostile[(second, first)]
    if by_first != by_second:
        attacker = first if by_first > by_second else second
    leading = first == second or {first, second} == {c for c, _ in by_count[:2]}
    return Dyad(first, second, attacker, leading)


def _halves(authors: Counter, targets: Counter, named: Counter) -> Dyad | None:
    """The pair of an article whose sentences never name both sides of an act, when its attacks have
    an author on one side and a victim on the other ("JeM rammed a car bomb into the bus", "40 troops
    were killed in Pulwama") and these are the two countries it names most, ahead of any third."""
    if not authors or not targets:
        return None
    (author, author_n), *other_authors = authors.most_common()
    (target, target_n), *other_targets = targets.most_common()
    if (other_authors and other_authors[0][1] == author_n) or (other_targets and other_targets[0][1] == target_n):
        return None  # two authors (or victims) alike: none stands out
    counts = sorted(named.values(), reverse=True)
    if author == target or named[author] + named[target] != sum(counts[:2]) or (len(counts) > 2 and counts[1] == counts[2]):
        return None
    first, second = sorted((author, target))
    return Dyad(first, second, author)


def _party_words(text: str) -> bool:
    """Words that name a party, not a weapon ("soldiers", "gunmen", "the group"; not "a missile")."""
    return not _STRIKE_WORDS & set(text.lower().replace("-", " ").split())


def _with_country(refs: tuple[ActorRef, ...], countries: list[str], name: Callable[[str], str]) -> tuple[ActorRef, ...]:
    """The side with ``countries``: an unresolved party ("gunmen") takes the country, else an inferred ref."""
    unresolved = [r for r in refs if not r.country]
    if len(countries) == 1 and len(unresolved) == 1 and len(refs) == 1:
        r = unresolved[0]
        return (ActorRef(r.text, name(countries[0]), countries[0], r.sector),)
    return tuple(r for r in refs if r.country) + tuple(ActorRef("", name(c), c, "") for c in countries)


def _directed(e: Event) -> bool:
    """An act one party does to the other; of demands, only appeals (a demand is as often made of a
    third party: "requested a meeting of the Security Council")."""
    return e.event_type in _DIRECTED and (e.event_type != "REQUEST" or e.cameo_code.startswith("02"))


def _tail(e: Event, text: str) -> list[str]:
    """The words of ``e``'s sentence from its trigger on (empty without the article's text)."""
    if not text or not 0 <= e.span_start < len(text):
        return []
    end = text.find(". ", e.span_end)
    return text[e.span_start : end if end >= 0 else len(text)].lower().replace(",", " ").split()


def _crosses(e: Event, other: str, text: str, name: Callable[[str], str]) -> bool:
    """Evidence that an act by one party is aimed at the ``other`` abroad: it happens in the other's
    country, or its sentence sends it over a border or into the other's country."""
    if e.location is not None and e.location.country == other:
        return True
    words = _tail(e, text)
    other_name = name(other).lower().split()
    for i, word in enumerate(words):
        if word in _CROSSING_PREPS:
            after = [w.strip(".;:'\"") for w in words[i + 1 : i + 4]]
            if _BORDER_NOUNS & set(after) or (other_name and after[: len(other_name)] == other_name):
                return True
            if other_name and after[1 : 1 + len(other_name)] == other_name:
                return True  # "into the Philippines"
    return False


def _at_home(e: Event, text: str) -> bool:
    """An act of the country in a conflict at home that is aimed at its other side: a directed or
    hostile act (a demand too: "ordered the armed group to withdraw"), or an agreement, a meeting or
    support about the conflict ("signed a truce", "held talks")."""
    if e.event_type in _JOINT:
        return bool(_CONFLICT_TERMS & {w.strip(".;:'\"") for w in _tail(e, text)})
    return e.event_type in _HOSTILE or e.event_type in _DIRECTED


def _fill(e: Event, dyad: Dyad, text: str = "") -> tuple[list[str], list[str]]:
    """The countries to add to the actor and to the recipient of ``e`` (empty: none)."""
    actor, recipient = _countries(e.actor), _countries(e.recipient)
    igo_actor = any(r.sector == "IGO" for r in e.actor)
    parties = dyad.parties()
    trigger = e.trigger.lower()
    if not actor and not recipient and not igo_actor:
        if e.event_type == "ASSAULT" and trigger.startswith(INTERCEPT_TRIGGERS) and dyad.attacker is not None:
            # "the drones were intercepted": the attacked party downs the attacker's weapons
            return [dyad.other(dyad.attacker)], [dyad.attacker]
        if dyad.domestic:
            # a conflict at home: "the network condemned the shelling", "the warring parties agreed"
            return [dyad.first], [dyad.first]
        if e.event_type == "ASSAULT" and dyad.attacker is not None and dyad.leading:
            # "two ballistic missiles hit the city centre": the article's attack
            return [dyad.attacker], [dyad.other(dyad.attacker)]
        return [], []
    if actor and not recipient:
        if dyad.domestic and actor == parties:
            # a conflict at home: "Getachew Reda signed the peace accord", "the army would hold talks"
            # (not "the junta signed an arms deal": its partners are abroad and unnamed)
            return ([], [dyad.first]) if _at_home(e, text) else ([], [])
        if actor <= parties and len(actor) == 1 and _directed(e):
            (a,) = actor
            place = e.location.country if e.location is not None else ""
            if e.event_type in _MATERIAL and place and place not in parties:
                return [], [place]  # "Israel's killing of Nasrallah in Beirut": a third country hit
            return [], [dyad.other(a)]
        if not actor & parties and not dyad.domestic:
            if e.event_type == "ACCUSE" and dyad.attacker is not None:
                return [], [dyad.attacker]  # "France condemned the strike": the attacker
            if e.cameo_code.startswith(_TO_BOTH_CAMEO):
                return [], sorted(parties)  # "the UN urged both sides", "Qatar mediated"
        if not actor & parties and dyad.domestic and (e.event_type == "ACCUSE" or e.cameo_code.startswith(_TO_BOTH_CAMEO)):
            return [], [dyad.first]  # "France condemned the mutiny": the country it happened in
        return [], []
    if igo_actor and not actor and not recipient:
        if e.event_type == "ACCUSE" and (dyad.attacker is not None or dyad.domestic):
            return [], [dyad.attacker or dyad.first]
        if e.cameo_code.startswith(_TO_BOTH_CAMEO):
            return [], sorted(parties)
        return [], []
    if recipient and not actor:
        if dyad.domestic and recipient == parties:
            return [dyad.first], []  # "delegates of both sides reached an agreement on the TPLF's disarmament"
        if recipient <= parties and len(recipient) == 1 and e.event_type in _AUTHORED and _directed(e):
            (r,) = recipient
            return [dyad.other(r)], []
    return [], []


def _retold(e: Event, news_day) -> bool:
    """An act dated more than a few days before the day the article's news happened."""
    return e.event_date is not None and news_day is not None and (news_day - e.event_date).days > _RETOLD_DAYS


def _turned_inward(e: Event, dyad: Dyad) -> bool:
    """A seizure or deployment whose recipient the rules took as the actor's own country (inferred,
    or the place it happened), by one party of an international dyad."""
    if dyad.domestic or e.event_type not in _INWARD:
        return False
    actor = _countries(e.actor)
    if len(actor) != 1 or not actor <= dyad.parties() or _countries(e.recipient) != actor:
        return False
    return all(not r.sector for r in e.recipient)


def fill_from_dyad(events: list[Event], country_name: Callable[[str], str], text: str = "") -> list[Event]:
    """``events`` with the sides their sentences leave without a country filled from the article's dyad;
    ``text`` (the article's, which the events' spans point into) shows what an act is about."""
    # the acts that name a party show the dyad; the ones that name none only receive it
    named = [e for e in events if e.actor or e.recipient]
    general = find_dyad(named)
    if general is None:
        return events
    # material acts take the pair the article's material acts name (an article about a dispute
    # retells attacks between other parties), else the article's pair when it is also the two
    # countries the article names most, or the country a conflict at home is in
    material = find_dyad(named, _MATERIAL)
    borrowed = material is None and general.leading and not general.domestic
    if material is None:
        material = general if general.leading else None
    # the day the article's news happened: the day its acts are most often dated
    days = Counter(e.event_date for e in named if e.event_date is not None and not e.historical)
    news_day = min(days, key=lambda d: (-days[d], d)) if days else None
    out = []
    for e in events:
        dyad = material if e.event_type in _MATERIAL else general
        if dyad is not None and borrowed and e.event_type in _MATERIAL and _retold(e, news_day):
            # an attack retold from days before the news ("Israel has yet to respond to Iran's Oct. 1
            # missile attack") is often of an earlier round between other parties
            dyad = None
        if dyad is None:
            out.append(e)
            continue
        # a pair borrowed from the article's dispute (no material act names one) does not show that an
        # arrest or a seizure is aimed abroad ("Indian police arrested protesters in Delhi" in an
        # article about India and Pakistan): only the act's own place or a crossing does
        actor = _countries(e.actor)
        abroad = not (borrowed and e.event_type in _MATERIAL and e.event_type in _INWARD) or (
            len(actor) == 1 and _crosses(e, dyad.other(next(iter(actor))), text, country_name)
        )
        if not e.historical and abroad and _turned_inward(e, dyad):
            # "Iran seized a ship", "Brazil moved troops to Boa Vista": a seizure or deployment by
            # one party of a dispute between two countries is aimed at the other, not at home
            e = replace(e, recipient=_with_country((), [dyad.other(next(iter(actor)))], country_name))
        add_actor, add_recipient = _fill(e, dyad, text) if not e.historical else ([], [])
        if not abroad and actor and add_recipient == [dyad.other(next(iter(actor)))]:
            add_recipient = []
        if add_actor:
            e = replace(e, actor=_with_country(e.actor, add_actor, country_name))
        if add_recipient:
            e = replace(e, recipient=_with_country(e.recipient, add_recipient, country_name))
        out.append(e)
    return out

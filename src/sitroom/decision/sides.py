"""Filling a missing side from the article: who the unnamed attacker or target is.

The rules often find an act with one side only ("the attack killed 12
people", "Iran condemned the strike"), where an analyst names the other side
from the rest of the article. For a candidate with no country on one side,
every country the article's candidates name is an option; a small logistic
model scores each option from how the article uses it (how often, in which
role, in the same sentence, as the event's place, in the article's leading
act) and the best option fills the side when the model is at least
``fill_threshold`` sure. A filled side is inferred, not quoted: its text is
empty, as for the rules' own inferred recipients.
"""

from __future__ import annotations

import math
import re
import zlib
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np

from ..records import ActorRef, Event
from .features import Candidate

__all__ = ["FILL_FEATURES", "FILL_VERSION", "ArticleContext", "context_of", "family", "fill_candidates", "fill_options", "fill_side", "hashed_fill",
           "sentences_of"]

FILL_FEATURES = 1 << 14
# The filler's features: 1, the article's counts, roles, sentence, place and lead act; 2 adds the acts
# of the candidate's type and family, the act it refers back to, the dyad's direction, the names its
# sentence writes and the marks of a third party. A model is used with the features it was trained on.
FILL_VERSION = 2
SIDES = ("actor", "recipient")
_FEW = 4  # a text with fewer candidates says too little about who is on which side
_INSIDE = frozenset({"REB", "OPP", "UAF", "CVL", "REF"})  # sectors that mostly act inside their own country


# Event families: who attacks whom is rarely who talks to whom, so a country's role in an article is
# counted within the family of the act as well as overall.
_FAMILY = {
    **dict.fromkeys(("ASSAULT", "COERCE", "MOBILIZE", "THREATEN", "SANCTION"), "force"),
    **dict.fromkeys(("ACCUSE", "REJECT", "PROTEST", "REQUEST"), "claim"),
    **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT"), "accord"),
}
_IGO = frozenset({"UNO", "EUR", "NAT", "AFU", "ECW", "ARL", "GCC", "ASN", "OAS", "IGO", "NGO"})
# bodies an article names that never carry out an attack it leaves unattributed (the UN, the EU, the
# Arab League, ASEAN, the OAS, other organisations and NGOs): never offered as an attack's inferred actor
_NEVER_ATTACKERS = frozenset({"UNO", "EUR", "ARL", "ASN", "OAS", "IGO", "NGO"})


def family(event_type: str) -> str:
    """The family of a PLOVER type: force, claim, accord (or other)."""
    return _FAMILY.get(event_type, "other")


@dataclass(slots=True)
class _Act:
    """One candidate with both sides or one side named, in text order (for "the strike" to refer back)."""

    order: tuple[int, int]  # sentence, trigger offset
    actor: frozenset[str]
    recipient: frozenset[str]


@dataclass(slots=True)
class ArticleContext:
    """The countries the article's candidate events name, and how."""

    counts: Counter = field(default_factory=Counter)  # country -> times named on any side
    roles: dict[str, Counter] = field(default_factory=lambda: {"actor": Counter(), "recipient": Counter()})
    by_sentence: dict[int, dict[str, set[str]]] = field(default_factory=dict)  # sentence -> side -> countries
    lead: dict[str, set[str]] = field(default_factory=dict)  # the first event with both sides named
    domestic: int = 0  # events with one country on both sides
    events: int = 0
    # (type or family, side) -> country -> times named on that side by acts of that type or family
    kind_roles: dict[tuple[str, str], Counter] = field(default_factory=dict)
    # (actor country, recipient country) -> acts between them, overall and by family ("", family)
    pairs: dict[str, Counter] = field(default_factory=dict)
    two_sided: int = 0  # events with a country on both sides
    acts: dict[str, list[_Act]] = field(default_factory=dict)  # type or family -> its acts with a country named
    act_order: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # the same acts' places, for bisecting
    mentions: dict[str, list[int]] = field(default_factory=dict)  # country -> sentences naming it, in order
    first: dict[str, set[str]] = field(default_factory=dict)  # the sides of the first sentence that names any
    reporting: Counter = field(default_factory=Counter)  # country -> times it is the source a report is attributed to
    # sentence -> country -> where in the text the sentence writes the country's name or a word made from it
    # ("Russian", "Israeli"), whether or not the rules made it a side of an act
    written: dict[int, dict[str, list[int]]] = field(default_factory=dict)


def _countries(refs) -> set[str]:
    return {r.country for r in refs if r.country}


def _stem(name: str) -> str:
    """The part of a country's name that its adjective starts with: Russia -> Russi(an), Ukraine -> Ukrain(ian)."""
    return name[:-1] if " " not in name and len(name) > 4 and name[-1] in "aey" else name


# capitalised words of actor phrases that name an office or a body, not a country
_TITLES = frozenset(
    "The This That These Those Its Their His Her Our President Prime Minister Ministry Foreign Defence Defense "
    "Army Armed Forces Force Military Government Council General Security National State Air Navy Police Chief "
    "Commander Spokesman Spokesperson Officials Office Secretary Deputy Supreme Leader Interior Affairs Republic "
    "People Peoples Guard Guards Revolutionary Islamic Democratic United Union Federal Central Special Group "
    "Director Mr Mrs Ms Dr".split()
)
_WORD = re.compile(r"[A-Z][\w.'’-]*")


def _forms(events: list[Event], stems: dict[str, str]) -> dict[str, str]:
    """The words that stand for a country in this article: its name's stem, and the capitalised words
    of the actor phrases resolved to it alone ("Tehran", "Netanyahu", "U.S.")."""
    seen: dict[str, set[str]] = {}
    for e in events:
        for r in (*e.actor, *e.recipient):
            if r.country and r.text:
                for w in _WORD.findall(r.text):
                    w = w.rstrip(".'’-") if not w.endswith(".") or w.count(".") < 2 else w
                    if len(w) >= 3 and w not in _TITLES:
                        seen.setdefault(w, set()).add(r.country)
    forms = {w: next(iter(cs)) for w, cs in seen.items() if len(cs) == 1 and next(iter(cs)) in stems}
    forms.update({stem: c for c, stem in stems.items() if len(stem) >= 4})
    return forms


def _written(text: str, start: int, forms: dict[str, str]) -> dict[str, list[int]]:
    """Country -> offsets (in the article) where ``text`` writes one of its words or a word made from it
    ("Russian"); where two fit one word ("Nigerian": Niger, Nigeria) the longer one has it."""
    best: dict[int, tuple[int, str]] = {}
    for form, code in forms.items():
        at = text.find(form)
        while at >= 0:
            before = text[at - 1] if at else " "
            end = at + len(form)
            while end < len(text) and text[end].isalpha():
                end += 1
            if not before.isalnum() and end - at - len(form) <= 4 and best.get(at, (0, ""))[0] < len(form):
                best[at] = (len(form), code)
            at = text.find(form, at + 1)
    out: dict[str, list[int]] = {}
    for at, (_, code) in sorted(best.items()):
        out.setdefault(code, []).append(start + at)
    return out


def context_of(events: list[Event], sentences: dict[int, tuple[int, str]] | None = None, country_name=None) -> ArticleContext:
    """What the article's candidates say about its countries; linear in the candidates. With the text of the
    candidates' sentences (index -> (offset, text)) and the countries' names, also where each sentence writes
    the name of a country the candidates name."""
    ctx = ArticleContext()
    for e in sorted(events, key=lambda e: (e.sentence_index, e.span_start)):
        a, r = _countries(e.actor), _countries(e.recipient)
        kinds = (e.event_type, family(e.event_type))
        for side, found in (("actor", a), ("recipient", r)):
            for c in sorted(found):  # a fixed order: ties in how often a country is named rank alike everywhere
                ctx.counts[c] += 1
                ctx.roles[side][c] += 1
                for k in kinds:
                    ctx.kind_roles.setdefault((k, side), Counter())[c] += 1
                seen = ctx.mentions.setdefault(c, [])
                if not seen or seen[-1] != e.sentence_index:
                    seen.append(e.sentence_index)
            ctx.by_sentence.setdefault(e.sentence_index, {"actor": set(), "recipient": set()})[side] |= found
        ctx.events += 1
        if a & r:
            ctx.domestic += 1
        if a and r:
            ctx.two_sided += 1
            for x in sorted(a):
                for y in sorted(r - {x}):
                    for k in ("", family(e.event_type)):
                        ctx.pairs.setdefault(k, Counter())[x, y] += 1
        if not ctx.lead and a and r:
            ctx.lead = {"actor": a, "recipient": r}
        if (a or r) and not ctx.first:
            ctx.first = {"actor": a, "recipient": r}
        if a or r:
            for k in kinds:
                ctx.acts.setdefault(k, []).append(_Act((e.sentence_index, e.span_start), frozenset(a), frozenset(r)))
                ctx.act_order.setdefault(k, []).append((e.sentence_index, e.span_start))
        if e.attribution is not None and e.attribution.country:
            ctx.reporting[e.attribution.country] += 1
    if sentences and country_name is not None:
        stems = {c: _stem(country_name(c)) for c in sorted(ctx.counts)}
        forms = _forms(events, stems)
        for i, (start, text) in sentences.items():
            ctx.written[i] = _written(text, start, forms)
    return ctx


def _previous(ctx: ArticleContext, kind: str, at: tuple[int, int], side: str) -> _Act | None:
    """The last act of ``kind`` before ``at`` that names a country on ``side`` (the one "the attack" refers back to)."""
    acts = ctx.acts.get(kind, [])
    i = bisect_left(ctx.act_order.get(kind, []), at)
    for x in reversed(acts[max(i - 8, 0):i]):  # a few steps back at most: an old act is no antecedent
        if getattr(x, side):
            return x
    return None


def _distance(sentences: list[int], at: int) -> str:
    """How far the nearest sentence naming a country is from sentence ``at``: 0, 1, 2-3, 4+."""
    i = bisect_left(sentences, at)
    near = min((abs(sentences[j] - at) for j in (i - 1, i) if 0 <= j < len(sentences)), default=99)
    return str(near) if near < 2 else "2-3" if near < 4 else "4+"


def _bin(n: int) -> str:
    return str(n) if n < 4 else "4-7" if n < 8 else "8+"


def _article_features(e: Event, side: str, ctx: ArticleContext) -> list[str]:
    """What the article as a whole says, the same for every option of one side."""
    share = ctx.domestic / ctx.two_sided if ctx.two_sided else -1.0
    dom = "none" if share < 0 else "low" if share < 0.34 else "mid" if share < 0.67 else "high"
    return [f"domestic_share={dom}", f"domestic_share={dom}|side={side}|fam={family(e.event_type)}"]


def _role_features(c: str, e: Event, side: str, other: str, ctx: ArticleContext, tag: str) -> list[str]:
    """How the article uses country ``c`` in acts of the candidate's type and family, and whether the act the
    candidate most likely refers back to ("the strike", "the talks") has it on this side or the other."""
    f = []
    fam = family(e.event_type)
    at = (e.sentence_index, e.span_start)
    for label, kind in (("ty", e.event_type), ("fam", fam)):
        same = ctx.kind_roles.get((kind, side), Counter())
        opposite = ctx.kind_roles.get((kind, other), Counter())
        f.append(f"{tag}{label}_same={_bin(same[c])}")
        f.append(f"{tag}{label}_other={_bin(opposite[c])}")
        if same[c] and same[c] == max(same.values()):
            f.append(f"{tag}{label}_top_same|side={side}")
        if opposite[c] and opposite[c] == max(opposite.values()):
            f.append(f"{tag}{label}_top_other|side={side}")
        prev = _previous(ctx, kind, at, side)
        if prev is not None:
            if c in getattr(prev, side):
                f.append(f"{tag}{label}_refers_same|side={side}")
                if at[0] - prev.order[0] <= 1:
                    f.append(f"{tag}{label}_refers_same_near")
            elif c in getattr(prev, other):
                f.append(f"{tag}{label}_refers_other|side={side}")
    return f


def _text_features(offsets, e: Event, side: str, fam: str) -> list[str]:
    """Where the candidate's sentence writes the option's name: before or after the trigger, how near."""
    if not offsets:
        return ["unwritten"]
    before = [e.span_start - o for o in offsets if o < e.span_start]
    after = [o - e.span_end for o in offsets if o >= e.span_end]
    f = [f"written|side={side}"]
    if before:
        near = "near" if min(before) <= 40 else "far"
        f += [f"written_before|side={side}", f"written_before_{near}|side={side}|fam={fam}"]
    if after:
        near = "near" if min(after) <= 40 else "far"
        f += [f"written_after|side={side}", f"written_after_{near}|side={side}|fam={fam}"]
    return f


def fill_options(e: Event, side: str, ctx: ArticleContext, version: int = FILL_VERSION) -> list[tuple[str, list[str]]]:
    """(country, features) for every country that could fill ``side`` of ``e``, best-known first, with the
    features of filler ``version``."""
    more = version >= 2
    other = "recipient" if side == "actor" else "actor"
    taken = _countries(getattr(e, other))
    ranked = [c for c, _ in ctx.counts.most_common()
              if c not in taken and not (side == "actor" and e.event_type == "ASSAULT" and c in _NEVER_ATTACKERS)]
    sentence = ctx.by_sentence.get(e.sentence_index, {"actor": set(), "recipient": set()})
    out = []
    named = len(ctx.counts)
    fam = family(e.event_type)
    article = _article_features(e, side, ctx)
    for c in sorted(taken):
        # both sides of one country: a government and its insurgents, a militia and the civilians it
        # kills; offered only where the article or the named side shows a conflict inside a country
        sectors = sorted({r.sector or "-" for r in getattr(e, other) if r.country == c}) or ["-"]
        if not ctx.domestic and not _INSIDE.intersection(sectors) and ctx.events < _FEW:
            continue
        f = ["bias", f"side={side}", "same_country", f"same_country|side={side}", f"same_country|type={e.event_type}",
             f"same_country|countries={min(named, 4)}", f"same_country|count={_bin(ctx.counts[c])}",
             f"same_country|domestic={_bin(ctx.domestic)}", f"modality={e.modality}"]  # fmt: skip
        f += [f"same_country|sector={s}" for s in sectors]
        f += [f"same_country|sector={s}|side={side}" for s in sectors]
        if e.location is not None and e.location.country == c:
            f.append("same_country|is_place")
        if more:
            f += [f"same_country|{x}" for x in article]
            f += _role_features(c, e, side, other, ctx, "same_country|")
        out.append((c, f))
    pairs, fam_pairs = ctx.pairs.get("", Counter()), ctx.pairs.get(fam, Counter())
    main = pairs.most_common(1)[0][0] if pairs else ()
    for rank, c in enumerate(ranked):
        f = [
            "bias", f"side={side}", f"rank={min(rank, 4)}", f"count={_bin(ctx.counts[c])}",
            f"same_role={_bin(ctx.roles[side][c])}", f"other_role={_bin(ctx.roles[other][c])}",
            f"options={min(len(ranked), 4)}", f"type={e.event_type}|side={side}",
            f"type={e.event_type}|side={side}|rank={min(rank, 2)}", f"modality={e.modality}",
        ]  # fmt: skip
        if c in sentence[side]:
            f.append("sentence_same_role")
        if c in sentence[other]:
            f.append("sentence_other_role")
        if e.location is not None and e.location.country == c:
            f.append(f"is_place|side={side}")
        if c in ctx.lead.get(side, ()):
            f.append("lead_same_role")
        if c in ctx.lead.get(other, ()):
            f.append("lead_other_role")
        if taken and c in ctx.lead.get(side, ()) and taken & ctx.lead.get(other, set()):
            f.append("completes_lead")  # the named side is the lead's other party
        if not taken:
            f.append("other_side_empty")
        if not more:
            out.append((c, f))
            continue
        f += article
        f += _role_features(c, e, side, other, ctx, "")
        # the dyad: with the named side, how often the article has this country on this side of it, and the
        # other way round; without one, whether the country is in the article's commonest dyad and on which side
        def directed(x: str, y: str, counts: Counter) -> int:
            return counts[x, y] if side == "actor" else counts[y, x]

        if taken:
            way = sum(directed(c, t, pairs) for t in taken)
            back = sum(directed(t, c, pairs) for t in taken)
            fam_way = sum(directed(c, t, fam_pairs) for t in taken)
            fam_back = sum(directed(t, c, fam_pairs) for t in taken)
            f += [f"dyad_way={_bin(way)}", f"dyad_back={_bin(back)}", f"dyad_fam_way={_bin(fam_way)}|fam={fam}",
                  f"dyad_fam_back={_bin(fam_back)}|fam={fam}"]  # fmt: skip
            if way + back:
                f.append("dyad_partner")
                f.append("dyad_mostly_way" if way > back else "dyad_mostly_back" if back > way else "dyad_even")
            if fam_way > fam_back:
                f.append(f"dyad_fam_mostly_way|fam={fam}")
            elif fam_back > fam_way:
                f.append(f"dyad_fam_mostly_back|fam={fam}")
        elif c in main:
            f.append(f"main_dyad|side={side}")
            partner = next((x for x in main if x != c), "")
            way, back = directed(c, partner, fam_pairs), directed(partner, c, fam_pairs)
            if way != back:
                f.append(f"main_dyad_fam_{'way' if way > back else 'back'}|fam={fam}")
        if c in ctx.first.get(side, ()):
            f.append("first_same_role")
        if c in ctx.first.get(other, ()):
            f.append("first_other_role")
        f.append(f"distance={_distance(ctx.mentions.get(c, []), e.sentence_index)}")
        f += _text_features(ctx.written.get(e.sentence_index, {}).get(c, ()), e, side, fam)
        # third parties: an organisation, a country that only talks in an article about fighting, a country
        # whose officials or media the reports are attributed to
        if c in _IGO:
            f.append(f"igo|fam={fam}|side={side}")
        force = ctx.kind_roles.get(("force", "actor"), Counter())[c] + ctx.kind_roles.get(("force", "recipient"), Counter())[c]
        if fam == "force" and not force:
            f.append(f"no_force_role|side={side}")
        if ctx.reporting[c]:
            f.append(f"reports={_bin(ctx.reporting[c])}|fam={fam}")
        out.append((c, f))
    return out


def hashed_fill(features: list[str]) -> list[int]:
    return sorted({zlib.crc32(f.encode("utf-8")) % FILL_FEATURES for f in features})


def _score(weights: np.ndarray, features: list[str]) -> float:
    z = float(weights[hashed_fill(features)].sum())
    return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


def fill_side(e: Event, ctx: ArticleContext, weights: np.ndarray, threshold: float, country_name,
              version: int = FILL_VERSION) -> tuple[Event, str, float]:
    """``e`` with its empty sides filled where the model is sure enough, which sides it filled,
    and the filler's probability of the least sure of them (1.0 when none was filled)."""
    filled = []
    sure = 1.0
    for side in SIDES:
        if _countries(getattr(e, side)):
            continue
        options = fill_options(e, side, ctx, version)
        if not options:
            continue
        best, p = max(((c, _score(weights, f)) for c, f in options), key=lambda x: x[1])
        if p < threshold:
            continue
        # an unknown party's words ("gunmen") stay beside the country the article gives it
        refs = (*getattr(e, side), ActorRef("", country_name(best), best, ""))
        e = replace(e, actor=refs) if side == "actor" else replace(e, recipient=refs)
        filled.append(side)
        sure = min(sure, p)
    return e, "+".join(filled), sure


def sentences_of(candidates: list[Candidate]) -> dict[int, tuple[int, str]]:
    """Sentence index -> (offset, text) of the candidates' sentences."""
    return {c.event.sentence_index: (c.sentence_start, c.sentence) for c in candidates}


def fill_candidates(candidates: list[Candidate], weights: np.ndarray, threshold: float, country_name,
                    version: int = FILL_VERSION) -> list[Candidate]:
    """One article's candidates with their empty sides filled from the article where the filler is sure enough."""
    ctx = context_of([c.event for c in candidates], sentences_of(candidates), country_name)
    out = []
    for c in candidates:
        e, filled, sure = fill_side(c.event, ctx, weights, threshold, country_name, version)
        out.append(Candidate(e, c.sentence, c.sentence_start, filled, sure) if filled else c)
    return out

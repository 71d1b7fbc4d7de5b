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
import zlib
from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np

from ..records import ActorRef, Event
from .features import Candidate

__all__ = ["FILL_FEATURES", "ArticleContext", "context_of", "fill_candidates", "fill_options", "fill_side", "hashed_fill"]

FILL_FEATURES = 1 << 14
SIDES = ("actor", "recipient")
_FEW = 4  # a text with fewer candidates says too little about who is on which side
_INSIDE = frozenset({"REB", "OPP", "UAF", "CVL", "REF"})  # sectors that mostly act inside their own country


@dataclass(slots=True)
class ArticleContext:
    """The countries the article's candidate events name, and how."""

    counts: Counter = field(default_factory=Counter)  # country -> times named on any side
    roles: dict[str, Counter] = field(default_factory=lambda: {"actor": Counter(), "recipient": Counter()})
    by_sentence: dict[int, dict[str, set[str]]] = field(default_factory=dict)  # sentence -> side -> countries
    lead: dict[str, set[str]] = field(default_factory=dict)  # the first event with both sides named
    domestic: int = 0  # events with one country on both sides
    events: int = 0


def _countries(refs) -> set[str]:
    return {r.country for r in refs if r.country}


def context_of(events: list[Event]) -> ArticleContext:
    ctx = ArticleContext()
    for e in events:
        for side in SIDES:
            found = _countries(getattr(e, side))
            for c in sorted(found):  # a fixed order: ties in how often a country is named rank alike everywhere
                ctx.counts[c] += 1
                ctx.roles[side][c] += 1
            ctx.by_sentence.setdefault(e.sentence_index, {"actor": set(), "recipient": set()})[side] |= found
        ctx.events += 1
        if _countries(e.actor) & _countries(e.recipient):
            ctx.domestic += 1
        if not ctx.lead and _countries(e.actor) and _countries(e.recipient):
            ctx.lead = {"actor": _countries(e.actor), "recipient": _countries(e.recipient)}
    return ctx


def _bin(n: int) -> str:
    return str(n) if n < 4 else "4-7" if n < 8 else "8+"


def fill_options(e: Event, side: str, ctx: ArticleContext) -> list[tuple[str, list[str]]]:
    """(country, features) for every country that could fill ``side`` of ``e``, best-known first."""
    other = "recipient" if side == "actor" else "actor"
    taken = _countries(getattr(e, other))
    ranked = [c for c, _ in ctx.counts.most_common() if c not in taken]
    sentence = ctx.by_sentence.get(e.sentence_index, {"actor": set(), "recipient": set()})
    out = []
    named = len(ctx.counts)
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
        out.append((c, f))
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
        out.append((c, f))
    return out


def hashed_fill(features: list[str]) -> list[int]:
    return sorted({zlib.crc32(f.encode("utf-8")) % FILL_FEATURES for f in features})


def _score(weights: np.ndarray, features: list[str]) -> float:
    z = float(weights[hashed_fill(features)].sum())
    return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


def fill_side(e: Event, ctx: ArticleContext, weights: np.ndarray, threshold: float, country_name) -> tuple[Event, str, float]:
    """``e`` with its empty sides filled where the model is sure enough, which sides it filled,
    and the filler's probability of the least sure of them (1.0 when none was filled)."""
    filled = []
    sure = 1.0
    for side in SIDES:
        if _countries(getattr(e, side)):
            continue
        options = fill_options(e, side, ctx)
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


def fill_candidates(candidates: list[Candidate], weights: np.ndarray, threshold: float, country_name) -> list[Candidate]:
    """One article's candidates with their empty sides filled from the article where the filler is sure enough."""
    ctx = context_of([c.event for c in candidates])
    out = []
    for c in candidates:
        e, filled, sure = fill_side(c.event, ctx, weights, threshold, country_name)
        out.append(Candidate(e, c.sentence, c.sentence_start, filled, sure) if filled else c)
    return out

"""Features of one candidate event: what the rules proposed and the words around it.

A candidate is an :class:`~sitroom.records.Event` the rule coder emitted, with
the text of its sentence. Features are strings hashed into a fixed number of
columns (crc32, stable across processes and machines), so the model file
holds no vocabulary and an unseen word costs nothing.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from ..records import Event

__all__ = ["Candidate", "N_FEATURES", "candidate_features", "hashed"]

N_FEATURES = 1 << 18
_WORD = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
_WINDOW = 4
_PRONOUNS = frozenset("he she it they we i you his her its their them this that".split())


@dataclass(slots=True, frozen=True)
class Candidate:
    """One event the rules proposed, and the sentence it was found in."""

    event: Event
    sentence: str  # the sentence's text
    sentence_start: int  # its offset in the article text
    filled: str = ""  # the sides filled from the article ("actor", "recipient", "actor+recipient")
    fill_p: float = 0.0  # how likely the filler thought its (least sure) filled side


def _side(prefix: str, refs) -> list[str]:
    if not refs:
        return [f"{prefix}:none"]
    out = []
    for r in refs[:3]:
        if not r.country:
            out.append(f"{prefix}:unknown")
        if not r.text:
            out.append(f"{prefix}:inferred")
        elif r.text.lower() in _PRONOUNS or r.text.lower().split()[0] in _PRONOUNS:
            out.append(f"{prefix}:pronoun")
        if r.sector:
            out.append(f"{prefix}:sector={r.sector}")
        if r.country in ("UNO", "EUR", "NAT", "AFU", "ECW", "ARL", "GCC"):
            out.append(f"{prefix}:igo")
    out.append(f"{prefix}:n={min(len(refs), 3)}")
    return out


def candidate_features(c: Candidate) -> list[str]:
    """The feature strings of one candidate."""
    e = c.event
    rtype = e.event_type
    words = c.sentence.lower()
    trigger = e.trigger.lower()
    head = (_WORD.findall(trigger) or [""])[0]
    feats = [
        "bias",
        f"r={rtype}",
        f"c2={e.cameo_code[:2]}",
        f"c3={e.cameo_code[:3]}",
        f"t={head}",
        f"tt={trigger}",
        f"r={rtype}|t={head}",
        f"m={e.modality}",
        f"r={rtype}|m={e.modality}",
    ]
    if c.filled:
        feats.append(f"filled={c.filled}")
        feats.append(f"r={rtype}|filled={c.filled}")
    if e.mode:
        feats.append(f"mode={e.mode}")
    if e.historical:
        feats.append("historical")
    if e.attribution is not None:
        feats.append("attributed")
        if e.attribution.anonymous:
            feats.append("attributed:anonymous")
    if e.condition is not None:
        feats.append("condition")
    if e.consequence is not None:
        feats.append(f"consequence={e.consequence.event_type}")
    if e.via:
        feats.append("via")
    feats.append(f"date={e.date_precision or 'none'}")
    if e.location is not None:
        feats.append("located")
    if e.dead or e.injured:
        feats.append("casualties")
    feats += _side("a", e.actor)
    feats += _side("p", e.recipient)
    actor_c = {r.country for r in e.actor if r.country}
    recip_c = {r.country for r in e.recipient if r.country}
    if actor_c and recip_c:
        feats.append("both-sides")
        if actor_c & recip_c:
            feats.append("same-country")
    feats.append(f"r={rtype}|sides={int(bool(actor_c))}{int(bool(recip_c))}")
    # the words around the trigger, by position
    start = e.span_start - c.sentence_start
    left = _WORD.findall(words[:max(start, 0)])[-_WINDOW:]
    right = _WORD.findall(words[max(start, 0) + len(head):])[:_WINDOW]
    for i, w in enumerate(reversed(left)):
        feats.append(f"L{i}:{w}" if i < 2 else f"L:{w}")
    for i, w in enumerate(right):
        feats.append(f"R{i}:{w}" if i < 2 else f"R:{w}")
    if left:
        feats.append(f"r={rtype}|L0:{left[-1]}")
    if right:
        feats.append(f"r={rtype}|R0:{right[0]}")
    # the sentence as a bag of words and pairs of words
    toks = _WORD.findall(words)[:80]
    # in a fixed order (not a set's, which changes with the process's string hashing): the sums the
    # model makes over a row then come out the same in every run, and so does a trained model
    feats += [f"w:{w}" for w in sorted(set(toks))]
    feats += [f"b:{a}_{b}" for a, b in sorted(set(zip(toks, toks[1:])))]
    # the trigger's spelling, for forms the training data did not have
    padded = f"<{head}>"
    feats += [f"ch:{padded[i:i + n]}" for n in (3, 4) for i in range(len(padded) - n + 1)]
    if len(toks) > 40:
        feats.append("long-sentence")
    return feats


def hashed(features: list[str], n_features: int = N_FEATURES) -> dict[int, float]:
    """Column -> 1.0 for each feature present (binary; colliding features share a column)."""
    out: dict[int, float] = {}
    for f in features:
        col = zlib.crc32(f.encode("utf-8")) % n_features
        out[col] = 1.0
    return out

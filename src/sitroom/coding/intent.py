"""How PLOVER codes announced acts: intent, refusal and demands.

An act that is only announced is coded as the announcement: "Portugal will
support Turkey" is AGREE (intent to cooperate), "Iran will retaliate" is
THREATEN, "Syria will not accept refugees" and "Awori declined to resign" are
REJECT, "Britain said Libya must hand over the suspects" is Britain's REQUEST
to Libya. The cues and the CAMEO code each transformation gives, by the root
of the announced act, live in ``data/intent.json``.

``find`` reads the cues around a trigger; ``apply`` turns the lexicon entry
into the entry of the announcement (a new LexEntry, same lemma).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from spacy.tokens import Token

from ..datafiles import package_data
from ..errors import DataFileError
from .lexicon import LexEntry, Lexicon, quad_class

__all__ = ["Announcement", "IntentRules", "load_intent_rules"]


@dataclass(slots=True, frozen=True)
class Announcement:
    kind: str  # "intent", "threat" (intent on an "unless" condition), "refusal" or "demand"
    speaker: Token | None = None  # for a demand: the subject of the reporting verb
    future: bool = False  # an intent told by a future auxiliary alone ("will impose"), with no head of intent


@dataclass(slots=True, frozen=True)
class IntentRules:
    intent_aux: frozenset[str]
    intent_heads: frozenset[str]
    refusal_heads: frozenset[str]
    negators: frozenset[str]
    obligation_aux: frozenset[str]
    speech_verbs: frozenset[str]
    demand_nouns: frozenset[str]
    codes: dict[str, dict[str, str]]  # transformation -> root -> CAMEO code
    future_keeps_type: frozenset[str] = frozenset()  # CAMEO roots an act told with "will" keeps

    def find(self, verb: Token) -> Announcement | None:
        """The announcement a verb trigger sits in, if any."""
        aux = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
        negated = any(c.dep_ == "neg" or c.lower_ in self.negators and c.dep_ in ("advmod", "det") for c in verb.children)
        head = verb.head if verb.dep_ in ("xcomp", "acomp", "ccomp") else None
        head_lemma = head.lemma_.lower() if head is not None else ""
        if head is not None and head_lemma in self.refusal_heads:
            return Announcement("refusal")
        if negated and (aux & self.intent_aux or aux & self.obligation_aux):
            return Announcement("refusal")
        if aux & self.obligation_aux and verb.dep_ == "ccomp" and verb.head.lemma_.lower() in self.speech_verbs:
            speaker = next((c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if speaker is not None:
                return Announcement("demand", speaker)
        # "reiterated its demand that Israel ease ...", "a reminder to Iraq that it must ..."
        if verb.dep_ in ("acl", "ccomp") and verb.head.lemma_.lower() in self.demand_nouns and not negated:
            governor = verb.head.head
            speaker = next((c for c in governor.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if speaker is not None and governor.pos_ in ("VERB", "AUX"):
                return Announcement("demand", speaker)
        if negated:
            return None
        if aux & self.intent_aux or (head is not None and head_lemma in self.intent_heads):
            # "will withdraw unless ...": a commitment on a condition the other side must meet is a threat
            if any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "unless" for m in c.children) for c in verb.children):
                return Announcement("threat")
        if aux & self.intent_aux:
            return Announcement("intent", future=head is None or head_lemma not in self.intent_heads)
        if head is not None and head_lemma in self.intent_heads:
            head_negated = any(c.dep_ == "neg" for c in head.children)
            return Announcement("refusal" if head_negated else "intent")
        # "is willing to withdraw": the adjective hangs from the copula
        if verb.dep_ == "xcomp" and head is not None and head.pos_ == "ADJ" and head_lemma in self.intent_heads:
            return Announcement("intent")
        return None

    def apply(self, entry: LexEntry, announcement: Announcement, lexicon: Lexicon) -> LexEntry | None:
        """The entry of the announcement, or None when the act keeps its own type."""
        root = entry.cameo[:2]
        if announcement.kind == "intent":
            if announcement.future and root in self.future_keeps_type:
                return None  # "China will impose sanctions": the sanction itself, planned
            if root in self.codes["agree"]:
                return self._as(entry, "AGREE", self.codes["agree"][root], lexicon)
            if root in self.codes["threaten"]:
                return self._as(entry, "THREATEN", self.codes["threaten"][root], lexicon)
            return None
        if announcement.kind == "threat":
            code = self.codes["threaten"].get(root, "130")
            return self._as(entry, "THREATEN", code, lexicon)
        if announcement.kind == "refusal":
            if root in self.codes["reject"]:
                return self._as(entry, "REJECT", self.codes["reject"][root], lexicon)
            return None
        if root in self.codes["request"]:
            return self._as(entry, "REQUEST", self.codes["request"][root], lexicon)
        return None

    @staticmethod
    def _as(entry: LexEntry, event_type: str, code: str, lexicon: Lexicon) -> LexEntry:
        modes = lexicon.ontology.modes.get(event_type, frozenset())
        return replace(
            entry,
            event_type=event_type,
            cameo=code,
            quad_class=quad_class(code),
            intensity=lexicon.cameo[code].goldstein,
            mode=entry.mode if entry.mode in modes else None,
        )


def load_intent_rules(lexicon: Lexicon, path: str | Path | None = None) -> IntentRules:
    p = Path(path) if path else package_data("intent.json")
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataFileError(str(p), None, f"cannot read intent rules: {exc}") from None
    words = {}
    for key in ("intent_aux", "intent_heads", "refusal_heads", "negators", "obligation_aux", "speech_verbs", "demand_nouns"):
        value = raw.get(key)
        if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
            raise DataFileError(str(p), None, f"{key!r} must be a list of words")
        words[key] = frozenset(w.lower() for w in value)
    codes = {}
    for name in ("agree", "threaten", "reject", "request"):
        table = raw.get(f"{name}_code_by_root")
        if not isinstance(table, dict):
            raise DataFileError(str(p), None, f"missing {name}_code_by_root")
        for root, code in table.items():
            if code not in lexicon.cameo:
                raise DataFileError(str(p), None, f"{name}_code_by_root[{root!r}]: unknown CAMEO code {code!r}")
        codes[name] = dict(table)
    keeps = raw.get("future_keeps_type", [])
    if not isinstance(keeps, list) or not all(isinstance(r, str) and len(r) == 2 and r.isdigit() for r in keeps):
        raise DataFileError(str(p), None, "'future_keeps_type' must be a list of two-digit CAMEO roots")
    return IntentRules(codes=codes, future_keeps_type=frozenset(keeps), **words)

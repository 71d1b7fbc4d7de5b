"""The cue words of the framing stage, read from ``data/framing.json`` and validated."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from ..datafiles import package_data
from ..errors import DataFileError

__all__ = ["FramingRules", "load_framing_rules"]

_WORD_LISTS = (
    "reporting_verbs", "denial_verbs", "plan_heads", "plan_modifiers", "future_aux", "hypothetical_aux",
    "hypothetical_words", "prevention_verbs", "deliberation_verbs", "refusal_heads", "condition_marks", "condition_preps", "anonymous_nouns", "media_nouns",
    "relay_verbs", "relay_askers", "relay_preps", "relay_nouns", "killing_verbs", "wounding_verbs", "dead_nouns",
    "injured_nouns", "count_units", "count_qualifiers", "destination_verbs", "place_nouns", "territory_nouns",
    "message_nouns", "mediation_words",
)  # fmt: skip
_CASED = ("media_names",)  # names keep their case


@dataclass(slots=True, frozen=True)
class FramingRules:
    reporting_verbs: frozenset[str]
    denial_verbs: frozenset[str]
    plan_heads: frozenset[str]
    plan_modifiers: frozenset[str]
    future_aux: frozenset[str]
    hypothetical_aux: frozenset[str]
    hypothetical_words: frozenset[str]
    prevention_verbs: frozenset[str]  # "head off an attack": the act is to be stopped, not done
    deliberation_verbs: frozenset[str]  # "discussed new sanctions": an act talked over, not done
    refusal_heads: frozenset[str]
    condition_marks: frozenset[str]
    condition_preps: frozenset[str]
    anonymous_nouns: frozenset[str]
    media_nouns: frozenset[str]
    relay_verbs: frozenset[str]
    relay_askers: frozenset[str]
    relay_preps: frozenset[str]
    relay_nouns: frozenset[str]
    killing_verbs: frozenset[str]
    wounding_verbs: frozenset[str]
    dead_nouns: frozenset[str]
    injured_nouns: frozenset[str]
    count_units: frozenset[str]
    count_qualifiers: frozenset[str]
    destination_verbs: frozenset[str]  # acts whose object or "to" phrase is their place ("visit Tehran")
    place_nouns: frozenset[str]  # "the city of", "Hatay province"
    territory_nouns: frozenset[str]  # "Syrian territory", "Jordanian airspace"
    message_nouns: frozenset[str]  # what a go-between carries
    mediation_words: frozenset[str]  # "Omani-mediated"
    media_names: frozenset[str]


def load_framing_rules(path: str | Path | None = None) -> FramingRules:
    return _load(str(path) if path else str(package_data("framing.json")))


@functools.lru_cache(maxsize=4)
def _load(path: str) -> FramingRules:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataFileError(path, None, f"cannot read framing rules: {exc}") from None
    if not isinstance(raw, dict):
        raise DataFileError(path, None, "must be a JSON object")
    values = {}
    for key in _WORD_LISTS + _CASED:
        words = raw.get(key)
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise DataFileError(path, None, f"{key!r} must be a non-empty list of words")
        values[key] = frozenset(w if key in _CASED else w.lower() for w in words)
    unknown = set(raw) - set(values) - {"_comment"}
    if unknown:
        raise DataFileError(path, None, f"unknown keys: {', '.join(sorted(unknown))}")
    return FramingRules(**values)

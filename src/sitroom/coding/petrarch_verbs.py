"""Import a PETRARCH / TABARI verb dictionary into Sitroom's lexicon format.

PETRARCH verb files hold blocks like::

    --- RESTORE  [064]  ---        # the verb and its default code
    RESTORE                        # the forms it is written in
    - * TIES  [064]                # a pattern: '*' is the verb, TIES its object
    - NOT * RELATIONS  [112]

What Sitroom's lexicon can express is kept: the verb itself, verb + particle
("WALK_OUT"), and verb + object noun ("* TIES"). Patterns with words before the
verb, synsets (``&NAME``), wildcards (``%``, ``+``) or several words after it are
reported as skipped, as are codes that are not CAMEO codes (many of these
files still carry WEIS codes) and null codes (``---``). Reciprocal codes
(``[032:033]``) become ``cameo`` and ``reciprocal_cameo``. The PLOVER type of each entry
comes from the type Sitroom's own lexicon uses for that CAMEO code (or, failing
that, its root).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataFileError
from .lexicon import TOO_GENERAL, Lexicon

__all__ = ["VerbImport", "import_petrarch_verbs"]

_HEADER = re.compile(r"^---\s+([A-Z][A-Z_'-]*)\s*\[([^\]]*)\]\s*---")
_PATTERN = re.compile(r"^-\s+(.*?)\s*\[([^\]]*)\]")


@dataclass(slots=True)
class VerbImport:
    entries: list[dict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def write_jsonl(self, path: str | Path) -> None:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("# Imported from a PETRARCH verb dictionary by 'sitroom lexicon import-petrarch'.\n")
            for entry in self.entries:
                fh.write(json.dumps(entry, ensure_ascii=False) + "\n")


def import_petrarch_verbs(path: str | Path, lexicon: Lexicon, lemmatize) -> VerbImport:
    """``lemmatize(word) -> lemma`` (lowercase) is usually spaCy's lemmatizer."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise DataFileError(str(p), None, f"cannot read: {exc}") from None
    text = re.sub(r"<!--.*?-->", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    types = _types_by_code(lexicon)
    result = VerbImport()
    seen: set[tuple] = set()
    verb: tuple[str, str | None, str | None] | None = None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        where = f"{p}:{n}"
        if not line:
            continue
        header = _HEADER.match(line)
        if header:
            words = [w for w in header.group(1).split("_") if w]
            lemma = lemmatize(words[0])
            # PETRARCH matches written forms: "--- LEFT ---" is not "--- LEAVE ---"
            form = words[0].lower() if words[0].lower() != lemma else None
            verb = (lemma, words[1].lower() if len(words) > 1 else None, form)
            _add(result, seen, types, lexicon, where, verb[0], verb[1], None, header.group(2), form)
            continue
        pattern = _PATTERN.match(line)
        if pattern and verb is not None:
            before, star, after = pattern.group(1).partition("*")
            words = [w for w in re.split(r"[\s_]+", after) if w]
            if not star or before.strip() or len(words) != 1 or not words[0].isalpha():
                result.skipped.append(f"{where}: pattern {pattern.group(1)!r} is not 'verb' or 'verb object'")
                continue
            _add(result, seen, types, lexicon, where, verb[0], verb[1], lemmatize(words[0]), pattern.group(2), verb[2])
    return result


# PLOVER type of each CAMEO root (the CAMEO-to-PLOVER table); 01 (public
# statements) has no PLOVER type.
_ROOT_TYPES = {
    "02": "REQUEST", "03": "AGREE", "04": "CONSULT", "05": "SUPPORT", "06": "COOPERATE", "07": "AID",
    "08": "CONCEDE", "09": "ACCUSE", "10": "REQUEST", "11": "ACCUSE", "12": "REJECT", "13": "THREATEN",
    "14": "PROTEST", "15": "MOBILIZE", "16": "SANCTION", "17": "COERCE", "18": "ASSAULT", "19": "ASSAULT",
    "20": "ASSAULT",
}  # fmt: skip


_PETRARCH_PREPS = ["against", "on", "with", "to", "at", "toward", "towards", "into", "for", "in", "of", "about", "from",
                   "between", "upon", "over"]


def _types_by_code(lexicon: Lexicon) -> dict[str, str]:
    by_code: dict[str, Counter] = {root: Counter({t: 1}) for root, t in _ROOT_TYPES.items()}
    for entries in lexicon.entries.values():
        for e in entries:
            by_code.setdefault(e.cameo, Counter())[e.event_type] += 1
            if e.cameo[:2] in _ROOT_TYPES:
                # CAMEO 01 statements have no PLOVER type: only the 01 codes the lexicon lists
                # (claims, denials of responsibility) are imported, not the whole root
                by_code[e.cameo[:2]][e.event_type] += 1
    return {code: c.most_common(1)[0][0] for code, c in by_code.items()}


def _add(result, seen, types, lexicon, where, lemma, particle, obj, raw_code, form=None) -> None:
    if lemma in TOO_GENERAL and not particle and not obj:
        result.skipped.append(f"{where}: {lemma!r} alone would match nearly every sentence")
        return
    code, _, reverse = (part.strip() for part in raw_code.partition(":"))
    if code not in lexicon.cameo:
        result.skipped.append(f"{where}: code [{raw_code}] is not a CAMEO code")
        return
    event_type = types.get(code) or types.get(code[:2])
    if event_type is None:
        result.skipped.append(f"{where}: no PLOVER type known for CAMEO {code}")
        return
    key = (lemma, particle, obj, form)
    if key in seen:
        result.skipped.append(f"{where}: {lemma} {particle or ''} {obj or ''} already defined above".replace("  ", " "))
        return
    seen.add(key)
    # PETRARCH takes the first actor in the verb phrase as the target, whatever
    # the preposition ("left for Minas Tirith", "warned of the Prince").
    entry = {"lemma": lemma, "pos": "VERB", "event_type": event_type, "cameo": code, "recipient_preps": _PETRARCH_PREPS}
    if particle:
        entry["particle"] = particle
    if obj:
        entry["object"] = obj
    if form:
        entry["forms"] = [form]
    if reverse and reverse in lexicon.cameo:
        entry["reciprocal_cameo"] = reverse  # [032:033]: B's side of A's visit
    result.entries.append(entry)

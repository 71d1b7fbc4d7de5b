"""The event lexicon: verbs and event nouns mapped to PLOVER types with a
CAMEO code, QuadClass and intensity.

Three package files work together, each validated on load:

- ``plover.json``: the 16 PLOVER event types with their modes, and the contexts;
- ``cameo.tsv``: every CAMEO code with its Goldstein intensity;
- ``lexicon.jsonl``: one entry per trigger (docs/lexicon.md gives the fields);
- ``word_classes.json``: classes of object words an entry may name as ``@class``
  ("capture" + ``@person``).

QuadClass follows the CAMEO root (01-05 verbal cooperation, 06-08 material
cooperation, 09-13 verbal conflict, 14-20 material conflict); intensity is the
code's Goldstein value unless an entry overrides it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..datafiles import iter_jsonl, package_data
from ..errors import DataFileError

__all__ = ["CameoCode", "Lexicon", "LexEntry", "Ontology", "load_lexicon", "quad_class"]

# Triggers that would turn every sentence into an event are refused unless an
# entry narrows them with a particle or an object.
TOO_GENERAL = frozenset("be have do say tell make get go take put report add state come see know think".split())
DEFAULT_RECIPIENT_PREPS = ("against", "on", "with", "to", "at", "toward", "towards", "into")


@dataclass(slots=True, frozen=True)
class CameoCode:
    code: str
    goldstein: float
    description: str


@dataclass(slots=True, frozen=True)
class Ontology:
    modes: dict[str, frozenset[str]]  # event type -> its modes
    contexts: frozenset[str]
    place_targets: frozenset[str] = frozenset()  # types whose recipient may be where they happen
    domestic_targets: frozenset[str] = frozenset()  # types whose recipient defaults to the actor's country


@dataclass(slots=True, frozen=True)
class LexEntry:
    lemma: str
    pos: str  # VERB or NOUN
    event_type: str
    cameo: str
    quad_class: int
    intensity: float
    mode: str | None = None
    contexts: tuple[str, ...] = ()
    particle: str | None = None
    object: str | None = None
    recipient_preps: tuple[str, ...] = DEFAULT_RECIPIENT_PREPS
    reciprocal_cameo: str | None = None  # code of the reverse event (recipient -> actor)
    forms: frozenset[str] = frozenset()  # when set, only these written forms ("left", not "leave")
    not_objects: frozenset[str] = frozenset()  # objects that rule the entry out ("released a statement")
    intransitive: bool = False  # only when the verb has no object ("India fired", not "fired the minister")
    origin: str = ""


def quad_class(cameo: str) -> int:
    root = int(cameo[:2])
    if root <= 5:
        return 1
    if root <= 8:
        return 2
    if root <= 13:
        return 3
    return 4


@dataclass(slots=True)
class Lexicon:
    ontology: Ontology
    cameo: dict[str, CameoCode]
    entries: dict[tuple[str, str], list[LexEntry]] = field(default_factory=dict)
    support_verbs: frozenset[str] = frozenset()
    container_nouns: frozenset[str] = frozenset()
    word_classes: dict[str, frozenset[str]] = field(default_factory=dict)  # class name -> its lemmas

    def __len__(self) -> int:
        return sum(len(v) for v in self.entries.values())

    def candidates(self, lemma: str, pos: str) -> list[LexEntry]:
        return self.entries.get((lemma, pos), [])

    def classes(self, lemma: str) -> list[str]:
        """The ``@class`` names a word belongs to ("officer" -> ["@person"])."""
        return [f"@{name}" for name, words in self.word_classes.items() if lemma in words]

    def choose(self, lemma: str, pos: str, particles: set[str], objects: set[str], form: str = "") -> LexEntry | None:
        """The most specific entry whose particle, object and form requirements hold."""
        best: LexEntry | None = None
        best_score = -1
        for e in self.entries.get((lemma, pos), ()):
            if e.particle is not None and e.particle not in particles:
                continue
            if e.object is not None and e.object not in objects:
                continue
            if e.forms and form not in e.forms:
                continue
            if e.not_objects & objects:
                continue
            if e.intransitive and objects:
                continue
            # an intransitive entry beats the plain one but not a particle or object entry
            score = (e.particle is not None) + (e.object is not None) + bool(e.forms) + 0.5 * e.intransitive
            if score > best_score:
                best, best_score = e, score
        return best

    def add_file(self, path: str | Path) -> None:
        self.add_records(str(path), iter_jsonl(path))

    def add_records(self, path: str, records) -> None:
        """Add (line, object) records; ``path`` names their source in errors."""
        seen: dict[tuple, int] = {}
        for n, obj in records:
            entry = self._entry(path, n, obj)
            key = (entry.lemma, entry.pos, entry.particle, entry.object, entry.forms, entry.intransitive)
            if key in seen:
                raise DataFileError(path, n, f"duplicate trigger {key[:4]}; first at line {seen[key]}")
            seen[key] = n
            bucket = self.entries.setdefault((entry.lemma, entry.pos), [])
            bucket[:] = [e for e in bucket if key[2:] != (e.particle, e.object, e.forms, e.intransitive)]
            bucket.append(entry)

    def _entry(self, path: str, n: int, obj: dict) -> LexEntry:
        def fail(msg: str) -> DataFileError:
            return DataFileError(path, n, msg)

        unknown = set(obj) - {"lemma", "pos", "particle", "object", "event_type", "mode", "contexts", "cameo",
                              "recipient_preps", "intensity", "note", "reciprocal_cameo", "forms", "not_objects",
                              "intransitive"}
        if unknown:
            raise fail(f"unknown field(s): {', '.join(sorted(unknown))}")
        lemma = obj.get("lemma")
        if not isinstance(lemma, str) or not lemma.strip() or " " in lemma.strip():
            raise fail(f"'lemma' must be one word, got {lemma!r}")
        lemma = lemma.strip().lower()
        pos = obj.get("pos")
        if pos not in ("VERB", "NOUN"):
            raise fail(f"'pos' must be VERB or NOUN, got {pos!r}")
        particle = _opt_word(obj.get("particle"), "particle", fail)
        obj_word = _opt_word(obj.get("object"), "object", fail)
        if obj_word is not None and obj_word.startswith("@") and obj_word[1:] not in self.word_classes:
            raise fail(f"unknown word class {obj_word!r} (classes: {', '.join(sorted(self.word_classes)) or 'none'})")
        if lemma in TOO_GENERAL and particle is None and obj_word is None:
            raise fail(f"trigger {lemma!r} alone would match nearly every sentence; narrow it with 'particle' or 'object'")
        etype = obj.get("event_type")
        if etype not in self.ontology.modes:
            raise fail(f"unknown PLOVER event type {etype!r}")
        mode = obj.get("mode") or None
        if mode is not None and mode not in self.ontology.modes[etype]:
            raise fail(f"mode {mode!r} is not a mode of {etype} (modes: {', '.join(sorted(self.ontology.modes[etype]))})")
        contexts = obj.get("contexts") or []
        if not isinstance(contexts, list) or any(c not in self.ontology.contexts for c in contexts):
            raise fail(f"unknown context in {contexts!r}")
        code = obj.get("cameo")
        if not isinstance(code, str) or code not in self.cameo:
            raise fail(f"unknown CAMEO code {code!r}")
        preps = obj.get("recipient_preps")
        if preps is None:
            preps = DEFAULT_RECIPIENT_PREPS
        elif not isinstance(preps, list) or not all(isinstance(p, str) and p for p in preps):
            raise fail("'recipient_preps' must be a list of words")
        forms = obj.get("forms") or []
        if not isinstance(forms, list) or not all(isinstance(f, str) and f.strip() and " " not in f.strip() for f in forms):
            raise fail("'forms' must be a list of single words")
        not_objects = obj.get("not_objects") or []
        if not isinstance(not_objects, list) or not all(isinstance(w, str) and w.strip() and " " not in w.strip() for w in not_objects):
            raise fail("'not_objects' must be a list of single words")
        intransitive = obj.get("intransitive", False)
        if not isinstance(intransitive, bool) or (intransitive and (pos != "VERB" or obj_word is not None)):
            raise fail("'intransitive' must be true or false, and true only for a verb entry without an 'object'")
        reciprocal = obj.get("reciprocal_cameo")
        if reciprocal is not None and reciprocal not in self.cameo:
            raise fail(f"unknown reciprocal CAMEO code {reciprocal!r}")
        intensity = obj.get("intensity", self.cameo[code].goldstein)
        if not isinstance(intensity, (int, float)) or not -10 <= intensity <= 10:
            raise fail(f"'intensity' must be a number from -10 to 10, got {intensity!r}")
        return LexEntry(
            lemma=lemma,
            pos=pos,
            event_type=etype,
            cameo=code,
            quad_class=quad_class(code),
            intensity=float(intensity),
            mode=mode,
            contexts=tuple(contexts),
            particle=particle,
            object=obj_word,
            recipient_preps=tuple(p.lower() for p in preps),
            reciprocal_cameo=reciprocal,
            forms=frozenset(f.strip().lower() for f in forms),
            not_objects=frozenset(w.strip().lower() for w in not_objects),
            intransitive=intransitive,
            origin=f"{path}:{n}",
        )


def _opt_word(value: object, key: str, fail) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or " " in value.strip():
        raise fail(f"{key!r} must be one word, got {value!r}")
    return value.strip().lower()


def load_ontology(path: str | Path | None = None) -> Ontology:
    p = Path(path) if path else package_data("plover.json")
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
        types = raw["event_types"]
        modes = {name: frozenset(spec.get("modes", [])) for name, spec in types.items()}
        contexts = frozenset(raw["contexts"])
        place_targets = frozenset(raw.get("place_targets", []))
        domestic_targets = frozenset(raw.get("domestic_targets", []))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DataFileError(str(p), None, f"invalid ontology file: {exc}") from None
    if len(modes) != 16:
        raise DataFileError(str(p), None, f"expected the 16 PLOVER event types, found {len(modes)}")
    for name, types in (("place_targets", place_targets), ("domestic_targets", domestic_targets)):
        if not types <= set(modes):
            raise DataFileError(str(p), None, f"{name} names unknown types: {sorted(types - set(modes))}")
    return Ontology(modes, contexts, place_targets, domestic_targets)


def load_cameo(path: str | Path | None = None) -> dict[str, CameoCode]:
    p = Path(path) if path else package_data("cameo.tsv")
    codes: dict[str, CameoCode] = {}
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataFileError(str(p), None, f"cannot read: {exc}") from None
    header_seen = False
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if not header_seen:
            if parts[:2] != ["code", "goldstein"]:
                raise DataFileError(str(p), n, "header must start with 'code<TAB>goldstein'")
            header_seen = True
            continue
        if len(parts) < 3:
            raise DataFileError(str(p), n, "want code, goldstein, description separated by tabs")
        code, score, desc = parts[0].strip(), parts[1].strip(), parts[2].strip()
        if not code.isdigit() or not 2 <= len(code) <= 4 or not 1 <= int(code[:2]) <= 20:
            raise DataFileError(str(p), n, f"bad CAMEO code {code!r}")
        try:
            value = float(score)
        except ValueError:
            raise DataFileError(str(p), n, f"bad Goldstein value {score!r}") from None
        if not -10 <= value <= 10:
            raise DataFileError(str(p), n, f"Goldstein value {value} outside -10..10")
        codes[code] = CameoCode(code, value, desc)
    return codes


def load_word_list(path: str | Path | None = None) -> frozenset[str]:
    """A file of single words, one per line, '#' comments (support_verbs.txt)."""
    p = Path(path) if path else package_data("support_verbs.txt")
    if not p.exists():
        raise DataFileError(str(p), None, "file not found")
    words = set()
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        s = line.split("#", 1)[0].strip()
        if not s:
            continue
        if " " in s or not s.isalpha():
            raise DataFileError(str(p), n, f"want one word per line, got {s!r}")
        words.add(s.lower())
    return frozenset(words)


def load_word_classes(path: str | Path | None = None) -> dict[str, frozenset[str]]:
    """Named classes of lowercase lemmas (word_classes.json); keys starting with '_' are comments."""
    p = Path(path) if path else package_data("word_classes.json")
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataFileError(str(p), None, f"invalid word class file: {exc}") from None
    if not isinstance(raw, dict):
        raise DataFileError(str(p), None, "want an object of class name -> list of words")
    classes = {}
    for name, words in raw.items():
        if name.startswith("_"):
            continue
        if not name.replace("_", "").isalpha() or name != name.lower():
            raise DataFileError(str(p), None, f"bad class name {name!r}")
        if not isinstance(words, list) or not all(isinstance(w, str) and w and " " not in w and w == w.lower() for w in words):
            raise DataFileError(str(p), None, f"class {name!r} must be a list of lowercase single words")
        classes[name] = frozenset(words)
    return classes


def load_lexicon(extra: Iterable[str | Path] = (), *, include_default: bool = True) -> Lexicon:
    lex = Lexicon(
        load_ontology(),
        load_cameo(),
        support_verbs=load_word_list(package_data("support_verbs.txt")),
        container_nouns=load_word_list(package_data("container_nouns.txt")),
        word_classes=load_word_classes(),
    )
    if include_default:
        lex.add_file(package_data("lexicon.jsonl"))
    for path in extra:
        lex.add_file(path)
    return lex

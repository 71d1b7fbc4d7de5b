"""The clause an event sits in: the trigger and the words that govern it, up
to the verb of saying that reports it.

"Iran said on Monday that it would strike Israel if Washington joins in":
for the trigger "strike" the governing chain is just "strike" (with "would"
and the "if" clause as children), the reporter is "said", and "on Monday"
belongs to the reporter, not to the strike. Modality, dates and places are
read from the chain; attribution from the reporter.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from .rules import FramingRules
from .tree import children

__all__ = ["DEFINITE", "Frame", "condition_cue", "frame_of", "number_of"]

# Dependencies through which a word's clause is governed by its head's.
_UP = frozenset(
    "xcomp ccomp acomp dobj obj pobj prep pcomp nsubj nsubjpass attr npadvmod acl amod compound nmod oprd dative "
    "agent appos".split()
)
_MAX_CHAIN = 8
# determiners of a noun that points back at something already told ("the attack", "those strikes")
DEFINITE = frozenset("the this that these those".split())


@dataclass(slots=True, frozen=True)
class Frame:
    trigger: Token
    chain: tuple[Token, ...]  # the trigger, then the words governing it below the reporter
    reporter: Token | None  # the verb of saying that reports the event
    protasis: Token | None  # the "if"/"unless" clause the trigger itself sits in


def _is_reporting(tok: Token, rules: FramingRules) -> bool:
    return tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in rules.reporting_verbs


def condition_cue(clause: Token, rules: FramingRules) -> Token | None:
    """The word that makes an adverbial clause a condition: its "if"/"unless"
    mark, or the auxiliary of an inverted "should Israel attack"."""
    mark = next((m for m in children(clause) if m.dep_ == "mark" and m.lower_ in rules.condition_marks), None)
    if mark is not None:
        return mark
    first = clause.doc[clause.left_edge.i]
    if first.lower_ in ("should", "were", "had") and first.dep_ in ("aux", "auxpass") and first.head.i == clause.i:
        return first
    return None


def frame_of(trigger: Token, rules: FramingRules) -> Frame:
    chain = [trigger]
    reporter = protasis = None
    cur = trigger
    while cur.head.i != cur.i and len(chain) < _MAX_CHAIN:
        head, dep = cur.head, cur.dep_
        if _is_reporting(head, rules) and dep in ("ccomp", "xcomp", "dobj", "advcl", "parataxis", "conj", "pcomp"):
            reporter = head
            break
        if dep == "advcl":
            if condition_cue(cur, rules) is not None:
                protasis = cur  # "if Washington joins in", "should Israel attack"
            break
        if dep == "conj":
            # "will meet and sign": a coordinated verb with no subject of its
            # own shares the first verb's subject and auxiliaries.
            if cur.pos_ in ("VERB", "AUX") and not any(c.dep_ in ("nsubj", "nsubjpass") for c in children(cur)):
                chain.append(head)
                cur = head
                continue
            break
        if dep not in _UP:
            break
        chain.append(head)
        cur = head
    if reporter is None:
        reporter = _trailing_reporter(chain[-1], rules)
    if reporter is None and protasis is None:
        reporter = _governing_reporter(trigger, rules)
    return Frame(trigger, tuple(chain), reporter, protasis)


def _governing_reporter(trigger: Token, rules: FramingRules) -> Token | None:
    """"As fighting raged, authorities said": an event anywhere inside what a verb of saying
    reports (not in its subject: "the minister who ordered the strike said") is reported by it."""
    below = trigger
    for anc in trigger.ancestors:
        if _is_reporting(anc, rules):
            return None if below.dep_ in ("nsubj", "nsubjpass", "csubj") else anc
        below = anc
    return None


def _trailing_reporter(top: Token, rules: FramingRules) -> Token | None:
    """"Israel struck Damascus, officials said": the parser hangs the verb of
    saying off the reported clause (parataxis, or a ccomp after a comma)."""
    for c in children(top):
        if c.i > top.i and _is_reporting(c, rules) and c.dep_ in ("parataxis", "ccomp", "advcl", "conj"):
            if not any(x.dep_ in ("ccomp", "xcomp") for x in children(c)):
                return c
    return None


_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}
_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
               "dozen": 12, "hundred": 100, "thousand": 1000, "million": 1_000_000})  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}


def number_of(tok: Token) -> int | None:
    """The number a numeral token (with its compound parts) writes: "40",
    "1,200", "four", "two dozen", "3,000"; None for vague words."""
    parts = [c for c in children(tok) if c.dep_ in ("compound", "nummod", "quantmod") and (c.like_num or c.lower_ in _WORDS)]
    words = [t.lower_ for t in sorted([*parts, tok], key=lambda t: t.i)]
    total = 0
    current = 0
    seen = False
    for w in words:
        w = w.replace(",", "")
        if w.isdigit():
            current += int(w)
            seen = True
        elif w.replace(".", "", 1).isdigit():
            current += float(w)  # "2.5 million"
            seen = True
        elif w in _SCALES:
            current = (current or 1) * _SCALES[w]
            if _SCALES[w] >= 1000:
                total += current
                current = 0
            seen = True
        elif w in _WORDS:
            current += _WORDS[w]
            seen = True
        else:
            return None
    return int(total + current) if seen else None

"""What framing reads from a sentence as a whole rather than from an event's
clause: its date phrases, the document's date phrases (for "the next day"),
its "according to" source. Found once per document and sentence, and shared
by every event of the sentence (spaCy rebuilds ``Doc.ents`` on every access).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from spacy.attrs import LOWER
from spacy.strings import hash_string
from spacy.tokens import Doc, Span, Token

from .dates import WEEKDAYS
from .tree import children

__all__ = ["DAY_WORDS", "DocumentFacts", "SentenceFacts", "is_date"]

DAY_WORDS = frozenset("yesterday today tomorrow tonight".split())
_DAY_NAMES = DAY_WORDS | frozenset(WEEKDAYS)


def is_date(ent: Span) -> bool:
    """A date phrase: a DATE entity, or a TIME one naming a day ("Saturday night", "early on Saturday")."""
    if ent.label_ == "DATE":
        return True
    return ent.label_ == "TIME" and any(t.lower_ in _DAY_NAMES for t in ent)


@dataclass(slots=True, frozen=True)
class SentenceFacts:
    span: Span  # the sentence
    dates: tuple[Span, ...]  # its date phrases, in order (entities wholly inside it)
    doc_dates: tuple[Span, ...]  # every date phrase of the document, in order
    according_to: Token | None  # the source of its first "according to ..."


class DocumentFacts:
    """The entities of one parsed document, read once; ``sentence`` gives each sentence's facts."""

    def __init__(self, doc: Doc) -> None:
        self._ents = doc.ents
        self._starts = [e.start for e in self._ents]
        self._is_date = [is_date(e) for e in self._ents]
        self.dates = tuple(e for e, d in zip(self._ents, self._is_date) if d)
        # where "according" is written: the only words ``_according_to`` looks further at
        self._according = [i for i, h in enumerate(doc.to_array(LOWER).tolist()) if h == _ACCORDING] if len(doc) else []

    def sentence(self, sent: Span) -> SentenceFacts:
        """The facts of one sentence of the document (as ``Span.ents`` sees it: entities wholly inside)."""
        dates = []
        for i in range(bisect_left(self._starts, sent.start), len(self._ents)):
            ent = self._ents[i]
            if ent.end > sent.end:
                break
            if self._is_date[i]:
                dates.append(ent)
        according = [sent.doc[i] for i in self._according[bisect_left(self._according, sent.start) :] if i < sent.end]
        return SentenceFacts(sent, tuple(dates), self.dates, _according_to(according))


_ACCORDING = hash_string("according")


def _according_to(words: list[Token]) -> Token | None:
    """"according to British intelligence": the object of the first "according to" that has one
    (``words``: the sentence's words "according", in order)."""
    for tok in words:
        if tok.lower_ == "according":
            to = next((c for c in children(tok) if c.lower_ == "to"), None)
            pobj = next((c for c in children(to) if c.dep_ == "pobj"), None) if to is not None else None
            if pobj is not None:
                return pobj
    return None

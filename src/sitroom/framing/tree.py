"""A word's children, read once per document.

spaCy builds a new Token for every child each time ``Token.children`` is walked,
and framing walks the children of the same few words (an event's trigger and the
words governing it) for every field it fills. ``children`` reads them once and
keeps them for the document it was last asked about.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

__all__ = ["children"]

# (document, token index -> its children): the document's own, swapped whole, so that threads
# coding different documents never read each other's
_cache: tuple[Doc | None, dict[int, tuple[Token, ...]]] = (None, {})


def children(tok: Token) -> tuple[Token, ...]:
    """``tuple(tok.children)``: the word's syntactic children, in order."""
    global _cache
    doc = tok.doc
    cached_doc, kids = _cache
    if cached_doc is not doc:
        kids = {}
        _cache = (doc, kids)
    found = kids.get(tok.i)
    if found is None:
        found = kids[tok.i] = tuple(tok.children)
    return found

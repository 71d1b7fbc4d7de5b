"""Stable error codes and exception types.

Codes are part of the public interface: they are stored in the ingest_errors
table, printed by the CLI and asserted on by tests. Never renumber them.
"""

from __future__ import annotations

__all__ = [
    "CODES",
    "DataFileError",
    "FilterError",
    "ReviewError",
    "SitroomError",
    "StoreError",
    "StoreLockedError",
]

CODES: dict[str, str] = {
    # input files and items
    "E101": "unreadable file",
    "E102": "binary file",
    "E103": "empty input",
    "E104": "undecodable text",
    "E105": "input too large",
    "E106": "malformed JSON line",
    "E107": "malformed CSV",
    "E108": "malformed feed",
    "E109": "missing article text",
    "E110": "article id already stored with different content",  # no longer raised: new content is a new revision
    "E111": "unsupported file type",
    "E112": "bad publication date",
    "E113": "no article text found in HTML",
    "E114": "path not found",
    "E115": "feed URL cannot be fetched",
    "E116": "symbolic link not followed",
    "E117": "store locked by another process",
    "E118": "invalid filter",
    "E119": "invalid review",
    "E120": "article not in the store",
    "E121": "article could not be coded",
    # knowledge files
    "E201": "invalid data file",
}


class SitroomError(Exception):
    """Base class of the errors Sitroom raises on purpose."""


class DataFileError(SitroomError):
    """A dictionary, lexicon or ontology file is invalid; names file and line."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line else path
        super().__init__(f"[E201] {where}: {message}")


class FilterError(SitroomError, ValueError):
    """A filter (dates, actor, recipient, dyad, type, modality, confidence) that cannot be
    applied (E118): an unknown name (with the nearest known ones), a malformed value, since
    after until. A ValueError, so callers that catch those catch it too."""

    code = "E118"

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(f"[E118] {message}")


class ReviewError(SitroomError, ValueError):
    """A review that cannot be made or undone (E119): an unknown event, story or review, a value
    that is not a type, actor or status, a story merged with itself, a review already undone."""

    code = "E119"

    def __init__(self, message: str, *, missing: bool = False) -> None:
        self.message = message
        self.missing = missing  # the event, story or review named is not in the store
        super().__init__(f"[E119] {message}")


class StoreError(SitroomError):
    """The database cannot be opened or migrated."""


class StoreLockedError(StoreError):
    """Another process kept the store locked for longer than the caller would wait (E117);
    names the store and, where it can tell, the process that holds it."""

    code = "E117"

    def __init__(self, path: str, holder: str, waited: float) -> None:
        self.path = path
        self.holder = holder
        self.waited = waited
        still = f"still after waiting {waited:g} s" if waited > 0 else "and no wait was asked for"
        super().__init__(
            f"[E117] store {path} is locked by {holder}, {still}; try again when it is done, "
            "give a longer --wait (wait= in Python), or stop that process"
        )

"""Publication dates stated in an article's own text (datelines, captions)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

__all__ = ["find_full_date", "outlet_from_dateline", "publication_date_from_text"]

_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for m in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
_PATTERNS = (
    re.compile(r"\b" + _WEEKDAY + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b", re.I),
    re.compile(r"\b" + _WEEKDAY + r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>(?:19|20)\d\d)\b", re.I),
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)(?!\d)"),
)
_STAMP_LINE = re.compile(r"^\W*(?:published|updated|posted|first published|last updated|date)\b", re.I)


def find_full_date(text: str) -> date | None:
    """The first day-month-year date in ``text``, or None."""
    best: tuple[int, date] | None = None
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            month = m.group("month")
            month_no = int(month) if month.isdigit() else _MONTHS[month.lower().rstrip(".")]
            try:
                found = date(int(m.group("year")), month_no, int(m.group("day")))
            except ValueError:
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), found)
            break
    return best[1] if best else None


def publication_date_from_text(body: str, captions: Iterable[str] = ()) -> date | None:
    """Where the text states its date: the first lines (dateline), a
    "Published ..." line, or a photo caption removed by the cleaner."""
    lines = [ln for ln in body.split("\n") if ln.strip()]
    for line in lines[:4]:
        found = find_full_date(line[:300])
        if found:
            return found
    for line in lines:
        if _STAMP_LINE.match(line):
            found = find_full_date(line[:300])
            if found:
                return found
    for caption in captions:
        found = find_full_date(caption[:500])
        if found:
            return found
    return None


_DATELINE_OUTLET = re.compile(
    r"^[A-Z][A-Z .,'\u2019-]{1,40},\s+(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8})\s+"
    r"\((?P<outlet>[A-Z][\w&'.\- ]{1,40})\)\s*[-\u2013\u2014]"
)


def outlet_from_dateline(body: str) -> str | None:
    """The outlet named in a wire dateline: "TEHRAN, April 2 (Gulf Ledger) -"."""
    for line in body.split("\n")[:5]:
        m = _DATELINE_OUTLET.match(line.strip())
        if m:
            return m.group("outlet").strip()
    return None

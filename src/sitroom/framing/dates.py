"""Resolving date expressions ("on Monday", "last month", "the next day",
"in 2019") against the publication date and the tense of the event.

Each resolved date carries its precision: ``day``; ``week`` (the Monday of
the week); ``month`` (the first of the month); ``year`` (1 January). The
functions here are pure: they take the expression's text and return a date
and precision, or None when the text is not a date they understand.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["MONTHS", "WEEKDAYS", "ResolvedDate", "period_end", "resolve_date"]

WEEKDAYS = {d: i for i, d in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())}
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august september october november december".split()
    )
}
_MONTHS.update({m[:3]: n for m, n in list(_MONTHS.items())})
_MONTHS["sept"] = 9
MONTHS = frozenset(m for m in _MONTHS if len(m) > 4 or m in ("may", "june", "july"))  # month names in full
_NUMBERS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
}
_NUMBERS.update({"a": 1, "an": 1, "a couple of": 2, "couple of": 2, "several": 3, "a few": 3, "few": 3})
_UNITS = {"day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month", "months": "month",
          "year": "year", "years": "year"}  # fmt: skip
_FILLER = re.compile(r"\b(on|in|at|during|by|since|from|of|the|late|early|mid|later|earlier|around|until|before|after)\b|[,.]")


@dataclass(slots=True, frozen=True)
class ResolvedDate:
    value: date
    precision: str  # day, week, month, year


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    return date(y, m + 1, 1)


def period_end(value: date, precision: str) -> date:
    """The last day of the period a resolved date stands for."""
    if precision == "week":
        return value + timedelta(days=6)
    if precision == "month":
        return _add_months(value, 1) - timedelta(days=1)
    if precision == "year":
        return date(value.year, 12, 31)
    return value


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _NUMBERS.get(word)


@functools.lru_cache(maxsize=4096)  # pure, and an article asks about its date phrases again for every event
def resolve_date(text: str, published: date | None, *, future: bool = False, anchor: date | None = None) -> ResolvedDate | None:
    """Resolve one date expression. ``anchor`` is the last date named earlier
    in the article (for "the next day"); ``future`` the tense of the event."""
    t = " ".join(text.lower().replace("\u2019", "'").split())
    t = t.replace("-", " ")
    # Absolute dates first: they need no publication date.
    m = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)? (?:of )?([a-z]{3,9})\.?,? (\d{4})\b", t)
    if m and m.group(2) in _MONTHS:
        d = _safe(int(m.group(3)), _MONTHS[m.group(2)], int(m.group(1)))
        return ResolvedDate(d, "day") if d else None
    m = re.search(r"\b([a-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})\b", t)
    if m and m.group(1) in _MONTHS:
        d = _safe(int(m.group(3)), _MONTHS[m.group(1)], int(m.group(2)))
        return ResolvedDate(d, "day") if d else None
    m = re.search(r"\b([a-z]{3,9})\.? (\d{4})\b", t)
    if m and m.group(1) in _MONTHS:
        return ResolvedDate(date(int(m.group(2)), _MONTHS[m.group(1)], 1), "month")
    m = re.fullmatch(r"(?:in |during |since |by |of |the )*(?:early |late |mid |the end of |the summer of |the spring of |the autumn of |the winter of )?((?:19|20)\d\d)(?:s)?", t)
    if m and not t.endswith("s"):
        return ResolvedDate(date(int(m.group(1)), 1, 1), "year")
    if published is None:
        return None
    pub = published
    base = anchor or pub
    # Relative to an earlier date in the article.
    if re.search(r"\b(the )?(next|following) (day|morning|evening|night)\b|\ba day later\b", t):
        return ResolvedDate(base + timedelta(days=1), "day")
    if re.search(r"\b(the )?(previous|preceding) (day|night|evening)\b|\bthe day before\b|\ba day earlier\b", t):
        return ResolvedDate(base - timedelta(days=1), "day")
    if re.search(r"\byesterday\b", t):
        return ResolvedDate(pub - timedelta(days=1), "day")
    if re.search(r"\btomorrow\b", t):
        return ResolvedDate(pub + timedelta(days=1), "day")
    if re.search(r"\b(today|tonight|this (morning|afternoon|evening))\b", t):
        return ResolvedDate(pub, "day")
    m = re.search(r"\b(\d+|[a-z]+(?: few| couple of)?) (days?|weeks?|months?|years?) (ago|earlier|before|later|from now)\b", t)
    if m:
        n = _number(m.group(1))
        if n is not None:
            unit = _UNITS[m.group(2)]
            sign = 1 if m.group(3) in ("later", "from now") else -1
            ref = pub if m.group(3) in ("ago", "from now") else base
            if unit == "day":
                return ResolvedDate(ref + timedelta(days=sign * n), "day")
            if unit == "week":
                return ResolvedDate(_monday(ref + timedelta(weeks=sign * n)), "week")
            if unit == "month":
                return ResolvedDate(_add_months(ref.replace(day=1), sign * n), "month")
            return ResolvedDate(date(ref.year + sign * n, 1, 1), "year")
    m = re.search(r"\b(this|last|next|past|coming|previous) (week|month|year|weekend)\b", t)
    if m:
        shift = {"this": 0, "coming": 1, "next": 1, "last": -1, "past": -1, "previous": -1}[m.group(1)]
        unit = m.group(2)
        if unit == "weekend":
            saturday = _monday(pub) + timedelta(days=5)
            if shift < 0 or (shift == 0 and not future and pub.weekday() < 5):
                saturday -= timedelta(days=7)
            elif shift > 0 and pub.weekday() >= 5:
                saturday += timedelta(days=7)
            return ResolvedDate(saturday, "day")
        if unit == "week":
            return ResolvedDate(_monday(pub) + timedelta(weeks=shift), "week")
        if unit == "month":
            return ResolvedDate(_add_months(pub.replace(day=1), shift), "month")
        return ResolvedDate(date(pub.year + shift, 1, 1), "year")
    # A weekday, past or future by tense.
    for word, wd in WEEKDAYS.items():
        if re.search(rf"\b{word}\b", t):
            if re.search(rf"\bnext {word}\b", t):
                return ResolvedDate(pub + timedelta(days=(wd - pub.weekday()) % 7 or 7), "day")
            if future:  # news names the day of publication itself by its weekday ("talks start on Saturday")
                return ResolvedDate(pub + timedelta(days=(wd - pub.weekday()) % 7), "day")
            delta = (pub.weekday() - wd) % 7
            if re.search(rf"\blast {word}\b", t) and delta == 0:
                delta = 7
            return ResolvedDate(pub - timedelta(days=delta), "day")
    # A day and month without a year ("on 3 March", "June 12"), or a month alone.
    m = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)? (?:of )?([a-z]{3,9})\b", t) or None
    day_month = None
    if m and m.group(2) in _MONTHS:
        day_month = (_MONTHS[m.group(2)], int(m.group(1)))
    else:
        m = re.search(r"\b([a-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?\b", t)
        if m and m.group(1) in _MONTHS:
            day_month = (_MONTHS[m.group(1)], int(m.group(2)))
    if day_month:
        month, day = day_month
        for year in ((pub.year, pub.year + 1) if future else (pub.year, pub.year - 1)):
            d = _safe(year, month, day)
            if d is not None and (d > pub if future else d <= pub):
                return ResolvedDate(d, "day")
        return None
    stripped = _FILLER.sub(" ", t).split()
    if len(stripped) == 1 and stripped[0] in _MONTHS and stripped[0] not in ("mar", "jun", "sep") and (stripped[0] != "may" or "May" in text):
        month = _MONTHS[stripped[0]]
        for year in ((pub.year, pub.year + 1) if future else (pub.year, pub.year - 1)):
            first = date(year, month, 1)
            if (first > pub.replace(day=1)) if future else (first <= pub):
                return ResolvedDate(first, "month")
    return None

"""The cleaner: removes scraper dirt from an article body and records why.

Rules work line by line (a scraper's dirt comes in lines: an ad marker, a
"READ MORE" link, a newsletter prompt, a photo caption), plus inline ad and
embed placeholders inside prose lines, plus a backward scan of the article's
tail for the teaser headlines of unrelated stories that scrapers append. Only
the cleaned text is ever parsed, so no event can come from removed text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..records import Removal

__all__ = ["Cleaned", "RULES", "clean"]

RULES = ("ad_marker", "read_more", "source_link", "newsletter", "photo", "credit", "teaser", "metadata")

_I = re.IGNORECASE
_AD_WORDS = (
    r"advertisement|advertising|advert|ads?|ad[ _-]?\d+|sponsored(?: content)?|promoted|"
    r"embed(?:ded)?(?: content| video| tweet| post)?|(?:twitter|x|instagram|facebook|tiktok|youtube|telegram) "
    r"(?:embed|post|video)|video|media|image gallery|gallery|podcast|audio|poll|interactive|"
    r"ad[ _]slot[ _-]?\w*|story continues below(?: advertisement)?"
)
_INLINE_MARKER = re.compile(
    r"\[\s*(?:" + _AD_WORDS + r")\s*\]|\{\{\s*[\w .:-]{1,40}\s*\}\}|"
    r"\bStory continues below(?: this)? advertisement\b|\bADVERTISEMENT\b",
    _I,
)
_WHOLE_AD = re.compile(
    r"^(?:advertisement|advertising|ad|ads|sponsored(?: content)?|promoted content|"
    r"story continues below(?: this)? advertisement|scroll to continue(?: with content)?|"
    r"skip advert(?:isement)?|remove ads|continue reading below|\W*ad\W*)$",
    _I,
)
_READ_MORE = re.compile(
    r"^(?:\W{0,3})(?:read more|read also|also read|more on this|related(?: articles?| stories| coverage| content)?\s*[:|\-\u2013\u2014]"
    r"|related(?: article| story)?:|see also\s*:|click here\b|continue reading\b|keep reading\b|"
    r"(?:watch|listen|explainer|opinion|analysis|live)\s*:|read the full (?:story|article)|"
    r"recommended(?: stories| reading)?\s*:)",
    _I,
)
_READ_MORE_CAPS = re.compile(r"^\W{0,3}(?:READ MORE|ALSO READ|RELATED|SEE ALSO|WATCH|MORE)\b")
_URL_ONLY = re.compile(r"^[<(\[]?(?:https?://|www\.)\S+[>)\]]?$", _I)
_SOURCE_LINK = re.compile(
    r"^(?:source|sources|via|link)\s*:\s*(?:https?://|www\.|\S+\.(?:com|org|net|co\.\w+)\b)|"
    r"^(?:this (?:article|story) (?:was )?(?:first|originally) (?:appeared|published)|originally published (?:at|on|in|by))\b|"
    r"^follow (?:us|\w+) on (?:twitter|x|facebook|instagram|telegram|threads|linkedin|whatsapp|google news)\b|"
    r"^share (?:this|on)\b|^(?:copyright|\(c\)|\u00a9)\s*\d{4}|^all rights reserved\b",
    _I,
)
_NEWSLETTER = re.compile(
    r"^(?:\W{0,3})(?:sign up\b|subscribe\b|get (?:the|our) (?:latest|best|top)\b.*\b(?:inbox|newsletter|alerts?|briefing)\b|"
    r"enter your e-?mail|download (?:our|the) \w*\s*app|get breaking news alerts?|"
    r"(?:don't|do not) miss (?:a|out)\b.*\b(?:newsletter|briefing|updates|alerts?)\b|"
    r"join (?:our|the) \w+ (?:channel|newsletter|community)|never miss a story|"
    r"(?:our|the) [\w ]{0,30}newsletter\b.*\b(?:inbox|sign|subscribe|free)\b|"
    r"(?:stay|keep) (?:informed|up to date|updated)\b.*\b(?:newsletter|alerts?|inbox|sign)\b)",
    _I,
)
_PROMO_GLUE = re.compile(
    r"\s(?:get (?:breaking news|the latest|our|alerts)|sign up (?:for|to)|subscribe (?:to|for|now)|"
    r"download (?:our|the) \w*\s*app|enter your e-?mail|delivered (?:straight )?to your inbox|"
    r"follow us on|click here|read more)\b",
    _I,
)
_PHOTO = re.compile(
    r"^(?:file photo|file|photo|photos|photograph|picture|pictured|image|images|caption|credit|credits|video)\s*(?::|\u2013|\u2014|-)\s|"
    r"^\(?(?:photo|image|picture)s?\s+(?:by|credit|courtesy)\b|"
    r"\((?:photo|image|picture)s?\s*(?:by|:|credit)[^)]*\)\s*$|"
    r"\b(?:REUTERS|AP Photo|AFP|EPA(?:-EFE)?|ANADOLU|Getty Images|XINHUA|WANA|SANA)\s*/\s*[A-Z][\w.' -]*$|"
    r"(?:^|\s)(?:photo|image|picture)\s*(?:credit)?\s*:\s*[A-Z][\w.&' -]*(?:/[\w.&' -]+)?\.?$|"
    r"via getty images\)?\.?$|^getty images\.?$|^\(?(?:AP|AFP|Reuters|EPA)\)?$",
    _I,
)
_CREDIT = re.compile(
    r"^\(?(?:reporting|additional reporting|writing|editing|compiled|produced) by\b[^.]{0,200}\)?\.?$|"
    r"^\(?(?:reporting by|editing by)\b.*;\s*(?:editing|writing) by\b",
    _I,
)
_TEASER_INTRO = re.compile(
    r"^(?:more (?:from|in|on) [\w &'-]{1,30}|more stories|more news|most (?:read|popular|viewed|shared)|trending(?: now| stories| news)?|"
    r"you (?:may|might) (?:also )?(?:like|be interested in)|related (?:stories|articles|news|coverage)|"
    r"recommended(?: for you| stories| reading)?|latest (?:news|stories|headlines)|top stories|"
    r"what to read next|editor'?s picks?|popular (?:now|stories)|in other news|elsewhere on [\w .]+|"
    r"don'?t miss|also on [\w .]+|around the web)\s*:?$",
    _I,
)
# a page archive's or CMS's date stamp opening the body: " date 2024-04-12 Paramilitary RSF ..."
_DATE_STAMP = re.compile(r"^\s*(?:date|published|posted)\s*:?\s+\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?\S*)?\s*", _I)
_TERMINAL = re.compile(r"[.!?\"'\u201d\u2019)\]\u2026]\s*$")
_SOFT_CUT = re.compile(r"(?:\.\.\.|\u2026)\s*$")


@dataclass(slots=True, frozen=True)
class Cleaned:
    text: str
    removals: tuple[Removal, ...]


def clean(body: str) -> Cleaned:
    """Remove scraper dirt from ``body`` (already newline-normalised)."""
    lines = body.split("\n")
    removals: list[Removal] = []
    kept: list[str | None] = []
    stamp = _DATE_STAMP.match(lines[0]) if lines else None
    if stamp:
        removals.append(Removal(1, "metadata", stamp.group(0).strip()))
        lines = [lines[0][stamp.end():], *lines[1:]]
    for n, line in enumerate(lines, 1):
        rule = _line_rule(line.strip())
        if rule:
            removals.append(Removal(n, rule, line.strip()))
            kept.append(None)
            continue
        cleaned = line
        for m in list(_INLINE_MARKER.finditer(line)):
            removals.append(Removal(n, "ad_marker", m.group(0)))
        if removals and removals[-1].line == n:
            cleaned = _INLINE_MARKER.sub(" ", line)
            cleaned = re.sub(r"[ \t]{2,}", " ", cleaned).strip()
            if not cleaned:
                kept.append(None)
                continue
        kept.append(cleaned)
    _strip_teasers(kept, lines, removals)
    removals.sort(key=lambda r: r.line)
    return Cleaned(_join(kept), tuple(removals))


def _line_rule(s: str) -> str | None:
    if not s:
        return None
    if _WHOLE_AD.match(s) or _INLINE_MARKER.fullmatch(s):
        return "ad_marker"
    words = len(s.split())
    if _URL_ONLY.match(s) or (_SOURCE_LINK.match(s) and words <= 40):
        return "source_link"
    if words <= 40 and (_READ_MORE.match(s) or _READ_MORE_CAPS.match(s) and (":" in s or s.isupper())):
        return "read_more"
    if words <= 45 and _NEWSLETTER.match(s):
        return "newsletter"
    if words <= 80 and _PHOTO.search(s):
        return "photo"
    if words <= 40 and _CREDIT.match(s):
        return "credit"
    return None


def _headline_like(s: str) -> bool:
    words = s.split()
    if not words or len(words) > 25:
        return False
    if _SOFT_CUT.search(s):
        return True
    return not _TERMINAL.search(s)


def _strip_teasers(kept: list[str | None], lines: list[str], removals: list[Removal]) -> None:
    """Remove the run of unrelated-story teasers at the end of the article."""
    live = [i for i, s in enumerate(kept) if s is not None and s.strip()]
    if len(live) < 2:
        return
    # A teaser section intro ("More from World", "Most Read") near the end: all after it goes.
    start: int | None = None
    for pos in range(len(live) - 1, 0, -1):
        i = live[pos]
        s = kept[i].strip()
        if _TEASER_INTRO.match(s):
            tail = [kept[j].strip() for j in live[pos + 1 :]]
            if all(len(t.split()) <= 30 for t in tail):
                start = pos
            break
        if len(s.split()) > 30:
            break
    if start is None:
        start = len(live)
    # Then headline-like lines (no closing punctuation, or cut off and glued to promo text).
    pos = start - 1
    while pos > 0:
        s = kept[live[pos]].strip()
        if _headline_like(s) or (_PROMO_GLUE.search(s) and len(s.split()) <= 30):
            pos -= 1
            continue
        break
    first_teaser = pos + 1
    if first_teaser >= len(live) or first_teaser == 0:
        return
    gone = {i + 1 for i in live[first_teaser:]}
    # The whole line goes as a teaser: its inline ad markers need no record of their own.
    removals[:] = [r for r in removals if r.line not in gone]
    for i in live[first_teaser:]:
        removals.append(Removal(i + 1, "teaser", lines[i].strip()))
        kept[i] = None


def _join(kept: list[str | None]) -> str:
    out: list[str] = []
    blank = False
    for s in kept:
        if s is None:
            continue
        if not s.strip():
            blank = bool(out)
            continue
        if blank:
            out.append("")
            blank = False
        out.append(s.rstrip())
    return "\n".join(out)

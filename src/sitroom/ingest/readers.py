"""Readers: files and folders in, :class:`RawItem` or :class:`IngestProblem` out.

Each reader bounds what it reads (``max_bytes`` per file for single-article
formats, per record for JSON Lines and CSV) and turns every failure into an
IngestProblem naming the file (and line or item), so a batch always goes on.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from ..records import IngestProblem, RawItem
from .csvfile import csv_records, split_fields
from .decode import DecodeFailure, decode_bytes, normalise_text
from .files import Checked, check_entry, open_checked, real_path, walk

__all__ = ["DEFAULT_MAX_BYTES", "FORMATS", "feed_entries", "iter_items", "parse_date_value", "read_feed_bytes"]

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
FORMATS = {
    ".txt": "txt",
    ".text": "txt",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
}
_FIELDS = ("id", "title", "text", "url", "outlet", "published")
_ID_BAD = re.compile(r"[\x00-\x1f\x7f]+")

Item = RawItem | IngestProblem


def iter_items(
    paths: Iterable[str | os.PathLike[str]],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    follow_symlinks: bool = False,
    within: str | os.PathLike[str] | None = None,
) -> Iterator[Item]:
    """Yield every article (or problem) found under ``paths``, in a stable order.

    Inside a folder, a symbolic link that leads out of it is refused (E116) unless
    ``follow_symlinks``; one that leads back inside is skipped (what it points to is
    read under its own name). A path named here may be a link; ``within`` says that
    the paths were found in that folder and are checked as if met there (``sitroom
    watch``). FIFOs, devices and sockets are never opened (E101)."""
    seen: set[tuple[int, int]] = set()  # files read, so that a second link to one is skipped
    for path in paths:
        p = Path(path)
        if within is not None:
            yield from _read_entry(p, Path(within), max_bytes, follow_symlinks, seen, explicit=False)
        elif p.is_dir():
            for child in walk(p, follow_symlinks):
                yield from _read_entry(child, p, max_bytes, follow_symlinks, seen, explicit=False)
        elif p.exists() or p.is_symlink():
            yield from _read_entry(p, None, max_bytes, follow_symlinks, seen, explicit=True)
        else:
            yield IngestProblem(str(p), "E114", "no such file or directory")


def count_files(paths: Iterable[str | os.PathLike[str]], follow_symlinks: bool = False) -> int:
    """How many readable-looking files ``iter_items`` will open (for progress bars)."""
    n = 0
    for path in paths:
        p = Path(path)
        if p.is_dir():
            n += sum(1 for c in walk(p, follow_symlinks) if c.suffix.lower() in FORMATS)
        else:
            n += 1
    return n


def _read_entry(
    path: Path, root: Path | None, max_bytes: int, follow_symlinks: bool, seen: set[tuple[int, int]], *, explicit: bool
) -> Iterator[Item]:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None and not explicit and not path.is_symlink() and not path.is_dir():
        # Files in a folder that are not articles (README.md, images) are skipped
        # with a reason, but do not count as failures.
        yield IngestProblem(str(path), "E111", "not an article format; skipped", failure=False)
        return
    checked = check_entry(path, root, follow_symlinks)
    if isinstance(checked, IngestProblem):
        yield checked
        return
    key = (checked.stat.st_dev, checked.stat.st_ino)
    if key in seen and real_path(path) != os.path.abspath(path):
        yield IngestProblem(
            str(path), "E116", "reached through a symbolic link, the same file as one already read; skipped", failure=False
        )
        return
    seen.add(key)
    if fmt is None:
        if explicit:
            known = ", ".join(sorted(FORMATS))
            yield IngestProblem(str(path), "E111", f"unsupported file type {_shown(path.suffix or '(none)')}; known: {known}")
        else:
            yield IngestProblem(str(path), "E111", "not an article format; skipped", failure=False)
        return
    if fmt in ("jsonl", "csv"):
        yield from _read_records(checked, fmt, max_bytes)
        return
    size = checked.stat.st_size
    if size > max_bytes:
        yield IngestProblem(str(path), "E105", f"file is {size:,} bytes, over the limit of {max_bytes:,}")
        return
    try:
        with open_checked(checked) as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        yield IngestProblem(str(path), "E101", f"cannot read file: {exc.strerror or exc}")
        return
    if len(data) > max_bytes:
        yield IngestProblem(str(path), "E105", f"file is over the limit of {max_bytes:,} bytes")
        return
    if fmt == "feed":
        yield from _read_feed(path, data)
        return
    try:
        text = normalise_text(decode_bytes(data))
    except DecodeFailure as exc:
        yield IngestProblem(str(path), exc.code, exc.message)
        return
    if fmt == "txt":
        yield _txt_item(path, text)
    else:
        yield _html_item(path, text)


# --- plain text -------------------------------------------------------------------

_DATELINE = re.compile(r"^[A-Z][A-Z .'-]+,\s|^\S.*\((?:Reuters|AP|AFP|[A-Z][\w ]+)\)\s*[-\u2013\u2014]")


def looks_like_headline(line: str) -> bool:
    """A first line that reads as a headline: short, no final full stop, not a dateline."""
    s = line.strip()
    if not s or len(s) > 200 or len(s.split()) > 25:
        return False
    if s.endswith((".", ",", ";", ":")) and not s.endswith("..."):
        return False
    if _DATELINE.match(s):
        return False
    return any(ch.isalpha() for ch in s)


def split_title(text: str) -> tuple[str | None, str]:
    """Split off a first line that reads as a headline; returns (title, body)."""
    stripped = text.lstrip("\n")
    first, sep, rest = stripped.partition("\n")
    if sep and rest.strip() and looks_like_headline(first):
        return first.strip(), rest.lstrip("\n")
    return None, text


def _txt_item(path: Path, text: str) -> RawItem:
    title, body = split_title(text)
    return RawItem(source=str(path), fmt="txt", text=body, article_id=_clean_id(path.stem), title=title)


# --- HTML ----------------------------------------------------------------------------


def _html_item(path: Path, html: str) -> Item:
    import trafilatura  # heavy; only needed for HTML

    try:
        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=False)
    except Exception as exc:  # trafilatura raises many types on hostile markup
        return IngestProblem(str(path), "E113", f"HTML could not be parsed: {type(exc).__name__}")
    text = normalise_text(doc.text or "") if doc is not None else ""
    if not text.strip():
        return IngestProblem(str(path), "E113", "no article text found in the HTML page")
    title = (doc.title or "").strip() or None
    if title:
        first, sep, rest = text.partition("\n")
        if first.strip() == title and rest.strip():
            text = rest
    published = None
    if doc.date:
        try:
            published = parse_date_value(doc.date)
        except ValueError:
            published = None
    return RawItem(
        source=str(path),
        fmt="html",
        text=text,
        article_id=_clean_id(path.stem),
        title=title,
        url=doc.url or None,
        outlet=(doc.sitename or "").strip() or None,
        published=published,
    )


# --- JSON Lines and CSV -------------------------------------------------------------------


def _read_records(checked: Checked, fmt: str, max_bytes: int) -> Iterator[Item]:
    path = checked.path
    try:
        handle = open_checked(checked)
    except OSError as exc:
        yield IngestProblem(str(path), "E101", f"cannot read file: {exc.strerror or exc}")
        return
    with handle:
        if fmt == "jsonl":
            yield from _jsonl(path, handle, max_bytes)
        else:
            yield from _csv(path, handle, max_bytes)


def _bounded_lines(handle: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """Yield (line number, bytes) with lines longer than max_bytes as (n, None)."""
    n = 0
    while True:
        line = handle.readline(max_bytes + 1)
        if not line:
            return
        n += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while True:  # skip the rest of the oversized line
                more = handle.readline(1 << 20)
                if not more or more.endswith(b"\n"):
                    break
            yield n, None
        else:
            yield n, line


def _jsonl(path: Path, handle: BinaryIO, max_bytes: int) -> Iterator[Item]:
    seen_any = False
    for n, line in _bounded_lines(handle, max_bytes):
        where = f"{path}#line {n}"
        if line is None:
            seen_any = True
            yield IngestProblem(where, "E105", f"line is over the limit of {max_bytes:,} bytes")
            continue
        if not line.strip():
            continue
        seen_any = True
        try:
            obj = json.loads(line.decode("utf-8-sig" if n == 1 else "utf-8"))
        except UnicodeDecodeError:
            yield IngestProblem(where, "E104", "line is not valid UTF-8")
            continue
        except json.JSONDecodeError as exc:
            yield IngestProblem(where, "E106", f"invalid JSON: {exc.msg} at column {exc.colno}")
            continue
        except RecursionError:
            yield IngestProblem(where, "E106", "JSON nested too deeply")
            continue
        if not isinstance(obj, dict):
            yield IngestProblem(where, "E106", f"expected a JSON object, got {type(obj).__name__}")
            continue
        yield _record_item(where, "jsonl", obj)
    if not seen_any:
        yield IngestProblem(str(path), "E103", "file has no records")


def _csv(path: Path, handle: BinaryIO, max_bytes: int) -> Iterator[Item]:
    """Rows of a CSV file with a header row; see :mod:`.csvfile` for how a broken
    quote is found and the rows after it are read again."""
    header: list[str] | None = None
    n = 0
    for record in csv_records(handle, max_bytes):
        if header is None:
            if record.broken:
                yield IngestProblem(str(path), "E107", f"cannot read CSV header: {record.broken}")
                return
            if record.data is None:
                yield IngestProblem(str(path), "E105", f"CSV header is over the limit of {max_bytes:,} bytes")
                return
            try:
                header = split_fields(record.data.decode("utf-8"))
            except UnicodeDecodeError:
                yield IngestProblem(str(path), "E104", "CSV header is not valid UTF-8")
                return
            if "text" not in header:
                columns = _shown(", ".join(header), quote=False)
                yield IngestProblem(str(path), "E107", f"CSV header has no 'text' column (columns: {columns})")
                return
            continue
        n += 1
        where = f"{path}#row {n}"
        if record.broken:
            again = f", reading goes on from line {record.resume_line}" if record.resume_line else ""
            yield IngestProblem(where, "E107", f"malformed CSV: {record.broken}; the record from line {record.line} is skipped{again}")
            continue
        if record.data is None:
            yield IngestProblem(where, "E105", f"record (line {record.line}) is over the limit of {max_bytes:,} bytes")
            continue
        try:
            fields = split_fields(record.data.decode("utf-8"))
        except UnicodeDecodeError:
            yield IngestProblem(where, "E104", f"record (line {record.line}) is not valid UTF-8")
            continue
        if len(fields) != len(header):
            yield IngestProblem(where, "E107", f"row (line {record.line}) has {len(fields)} fields, header has {len(header)}")
            continue
        yield _record_item(where, "csv", dict(zip(header, fields)))
    if header is None:
        yield IngestProblem(str(path), "E103", "file has no header and no records")
    elif n == 0:
        yield IngestProblem(str(path), "E103", "file has a header but no records")


def record_item(where: str, fmt: str, obj: dict[str, object]) -> Item:
    """One article record (the fields of a JSONL line) as a RawItem, or the problem with it."""
    return _record_item(where, fmt, obj)


def _record_item(where: str, fmt: str, obj: dict[str, object]) -> Item:
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return IngestProblem(where, "E109", "record has no 'text' (or it is empty)")
    fields = {k: obj.get(k) for k in _FIELDS}
    for key in ("id", "title", "url", "outlet", "published"):
        value = fields[key]
        if value is not None and not isinstance(value, (str, int)):
            return IngestProblem(where, "E106", f"field {key!r} must be a string, got {type(value).__name__}")
    published = None
    if fields["published"] not in (None, ""):
        try:
            published = parse_date_value(str(fields["published"]))
        except ValueError:
            return IngestProblem(where, "E112", f"published {_shown(fields['published'])} is not a date (want YYYY-MM-DD)")
    text = normalise_text(text)
    raw_id = str(fields["id"]).strip() if fields["id"] not in (None, "") else ""
    return RawItem(
        source=where,
        fmt=fmt,
        text=text,
        article_id=_clean_id(raw_id) if raw_id else content_id(text),
        title=_opt(fields["title"]),
        url=_opt(fields["url"]),
        outlet=_opt(fields["outlet"]),
        published=published,
    )


# --- RSS and Atom ----------------------------------------------------------------------------


def _read_feed(path: Path, data: bytes) -> Iterator[Item]:
    return read_feed_bytes(str(path), data)


def read_feed_bytes(where: str, data: bytes) -> Iterator[Item]:
    """Every item of an RSS/Atom document; ``where`` (a path or a URL) names the
    feed in problems and sources, ``where#item N`` its items."""
    for _entry, item in feed_entries(where, data):
        yield item


def feed_entries(where: str, data: bytes) -> Iterator[tuple[dict | None, Item]]:
    """(feedparser entry, item) for every entry of an RSS/Atom document, or one
    (None, problem) naming ``where`` when the document itself is unreadable."""
    import feedparser

    if not data.strip():
        yield None, IngestProblem(where, "E103", "file is empty")
        return
    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    entries = parsed.get("entries") or []
    if parsed.get("bozo") and not entries:
        reason = parsed.get("bozo_exception")
        yield None, IngestProblem(where, "E108", f"not a readable RSS/Atom feed: {_shown(reason, quote=False)}")
        return
    if not entries:
        yield None, IngestProblem(where, "E108", "feed has no items")
        return
    outlet = (parsed.get("feed", {}).get("title") or "").strip() or None
    for n, entry in enumerate(entries, 1):
        yield entry, feed_entry_item(f"{where}#item {n}", entry, outlet)


def feed_entry_item(where: str, entry: dict, outlet: str | None) -> Item:
    """One feed entry (a feedparser dict) as a RawItem."""
    html = ""
    for content in entry.get("content") or []:
        if content.get("value"):
            html = content["value"]
            break
    html = html or entry.get("summary") or entry.get("description") or ""
    text = normalise_text(html_fragment_to_text(html))
    if not text.strip():
        return IngestProblem(where, "E109", "feed item has no text")
    published = None
    for key in ("published_parsed", "updated_parsed"):
        stamp = dict.get(entry, key)  # plain lookup: feedparser's own get() maps keys with a warning
        if stamp:
            published = date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday)
            break
    ident = entry.get("id") or entry.get("link") or ""
    return RawItem(
        source=where,
        fmt="feed",
        text=text,
        article_id=_clean_id(ident) if ident else content_id(text),
        title=_opt(entry.get("title")),
        url=_opt(entry.get("link")),
        outlet=outlet,
        published=published,
    )


_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article")


def html_fragment_to_text(fragment: str) -> str:
    """Text of an HTML fragment with one line per block; scripts and styles dropped."""
    if "<" not in fragment:
        return fragment
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml raises ParserError and ValueError on junk
        return re.sub(r"<[^>]*>", " ", fragment)
    for bad in root.xpath("//script|//style|//noscript|//iframe"):
        bad.drop_tree()
    for el in root.iter(*_BLOCK_TAGS):
        el.tail = "\n\n" + (el.tail or "")
    text = root.text_content()
    return re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+", " ", text)).strip()


# --- helpers -------------------------------------------------------------------------------------


def parse_date_value(value: str) -> date:
    """A publication date from metadata: YYYY-MM-DD or an ISO 8601 timestamp."""
    s = value.strip()
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).date()
    except ValueError:
        raise ValueError(f"not a date: {value!r}") from None


def content_id(text: str) -> str:
    return "sha-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _clean_id(value: str) -> str:
    return _ID_BAD.sub(" ", value).strip()[:300]


def _shown(value: object, limit: int = 80, *, quote: bool = True) -> str:
    """A piece of input quoted in a message: repr'd (or as is), cut to ``limit`` characters."""
    text = repr(value) if quote else str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _opt(value: object) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None

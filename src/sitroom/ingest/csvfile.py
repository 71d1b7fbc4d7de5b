"""CSV records with their line numbers, a size bound, and a way back after a broken quote.

Records and fields are found as Python's ``csv`` module finds them in its
default dialect (comma, double quote, quotes doubled inside quoted fields,
``\\n``, ``\\r\\n`` or ``\\r`` line endings), but the file is scanned here
so that a reader knows on which line each record starts, never holds more than
``max_bytes`` of one record, and can tell a quoted field that swallowed the
lines after it:

- a quoted field still open at the end of the file (its closing quote is
  missing), or
- a quoted field that runs over several lines and is followed by text after its
  closing quote (the quote that opened it was a stray one, closed by the first
  quote of a later record).

Such a record is reported as broken, and reading starts again on the line after
the one where the quote opened: the lines it swallowed are read again, as the
records they are. A quote problem within one line (``"a"b``) swallows nothing
and is read as ``csv`` reads it (``ab``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

__all__ = ["CsvRecord", "csv_records", "split_fields"]

_EOL = re.compile(rb"\r\n|\r|\n")
_CHUNK = 1 << 16
_BOM = b"\xef\xbb\xbf"
_QUOTE, _COMMA = ord('"'), ord(",")
_START, _FIELD, _QUOTED, _QUOTE_IN_QUOTED = range(4)


@dataclass(slots=True, frozen=True)
class CsvRecord:
    """One record: its bytes (without the line ending; None when over the limit or broken)."""

    line: int  # the physical line it starts on (1-based)
    data: bytes | None
    size: int  # bytes, line endings inside quoted fields included
    broken: str | None = None  # what is wrong with its quoting, when it swallowed lines
    resume_line: int | None = None  # with ``broken``: the line reading goes on from


def csv_records(handle: BinaryIO, max_bytes: int) -> Iterator[CsvRecord]:
    """Every non-blank record of a CSV file opened in binary mode, in order; after a
    broken record, the records from the line after its opening quote on."""
    start = _BOM if handle.read(len(_BOM)) == _BOM else b""
    offset, line = len(start), 1
    while True:
        resume: tuple[int, int] | None = None
        for record, again in _split(handle, max_bytes, offset, line):
            yield record
            resume = again
        if resume is None:
            return
        offset, line = resume


def _pieces(handle: BinaryIO) -> Iterator[tuple[bytes, bytes, bool]]:
    """(content, line ending, line complete) of every physical line, in pieces of at most
    about one chunk: a longer line comes as several pieces, all but the last incomplete."""
    pending = b""
    while True:
        chunk = handle.read(_CHUNK)
        if not chunk:
            if pending.endswith(b"\r"):
                yield pending[:-1], b"\r", True
            elif pending:
                yield pending, b"", True
            return
        data = pending + chunk if pending else chunk
        pos = 0
        for m in _EOL.finditer(data):
            if m.end() == len(data) and m.group() == b"\r":
                break  # perhaps the first half of a \r\n split between chunks
            yield data[pos : m.start()], m.group(), True
            pos = m.end()
        pending = data[pos:]
        if len(pending) > _CHUNK:
            yield pending[:-1], b"", False  # keep the last byte: it may be a \r
            pending = pending[-1:]


def _split(handle: BinaryIO, max_bytes: int, offset: int, line: int) -> Iterator[tuple[CsvRecord, tuple[int, int] | None]]:
    """Records from ``offset`` (which starts line ``line``), each with None, or with the
    (offset, line) to read again from after a broken one, which ends the run."""
    handle.seek(offset)
    pos = offset  # file offset of the next piece
    state = _START
    record_line = line
    parts: list[bytes] = []
    size = 0
    quote_line = 0  # the line the open (or last) quoted field started on
    after_quote_line: tuple[int, int] | None = None  # (offset, line) after that line
    for content, ending, complete in _pieces(handle):
        pos += len(content) + len(ending)
        if state == _START and size == 0 and complete and b'"' not in content:
            # the common case: a whole record on one line, no quotes
            if content:
                fits = len(content) <= max_bytes
                yield CsvRecord(line, content if fits else None, len(content)), None
            line += 1
            record_line = line
            continue
        i, n = 0, len(content)
        while i < n:
            if state == _QUOTED:
                j = content.find(b'"', i)
                if j < 0:
                    break
                state, i = _QUOTE_IN_QUOTED, j + 1
            elif state == _QUOTE_IN_QUOTED:
                c = content[i]
                if c == _QUOTE:
                    state = _QUOTED  # a doubled quote: one quote character
                elif c == _COMMA:
                    state = _START
                elif quote_line < line:
                    broken = (
                        f"the quoted field opened on line {quote_line} runs to line {line} "
                        "and has text after its closing quote"
                    )
                    yield CsvRecord(record_line, None, size + i, broken, quote_line + 1), after_quote_line
                    return
                else:
                    state = _FIELD  # text after a closing quote on the same line: csv joins them
                i += 1
            elif state == _START:
                if content[i] == _QUOTE:
                    state, quote_line, after_quote_line = _QUOTED, line, None
                    i += 1
                else:
                    state = _FIELD
            else:
                j = content.find(b",", i)
                if j < 0:
                    break
                state, i = _START, j + 1
        ends_record = complete and state != _QUOTED
        kept = content if ends_record else content + ending
        size += len(kept)
        if size <= max_bytes:
            parts.append(kept)
        else:
            parts.clear()
        if not complete:
            continue
        line += 1
        if state == _QUOTED:
            if after_quote_line is None:
                after_quote_line = (pos, line)
            continue
        if size:
            data = b"".join(parts) if size <= max_bytes else None
            yield CsvRecord(record_line, data, size), None
        state, record_line, parts, size = _START, line, [], 0
    if state == _QUOTED:
        if after_quote_line is not None and after_quote_line[0] >= pos:
            after_quote_line = None  # the quote opened on the last line: nothing after it to read again
        broken = f"the quoted field opened on line {quote_line} is never closed"
        resume_line = after_quote_line[1] if after_quote_line else None
        yield CsvRecord(record_line, None, size, broken, resume_line), after_quote_line


def split_fields(record: str) -> list[str]:
    """The fields of one record's text, as ``csv.reader`` (default dialect) splits them."""
    fields: list[str] = []
    i, n = 0, len(record)
    while True:
        if i < n and record[i] == '"':
            buf: list[str] = []
            i += 1
            while True:
                j = record.find('"', i)
                if j < 0:  # never closed: the rest is the field
                    buf.append(record[i:])
                    i = n
                    break
                buf.append(record[i:j])
                if record.startswith('"', j + 1):
                    buf.append('"')
                    i = j + 2
                    continue
                i = j + 1
                break
            k = record.find(",", i)
            buf.append(record[i:] if k < 0 else record[i:k])  # text after the closing quote joins the field
            fields.append("".join(buf))
        else:
            k = record.find(",", i)
            fields.append(record[i:] if k < 0 else record[i:k])
        if k < 0:
            return fields
        i = k + 1

"""Untrusted text made safe to print on a terminal.

File names, article ids, titles, URLs and messages that quote input can hold
characters a terminal acts on instead of showing: a newline that starts a fake
output line, an ANSI escape sequence that recolours or rewrites the screen, a
bidirectional override that shows ``exe.txt`` for ``txt.exe``, an invisible
zero-width character. :func:`printable` shows every such character as a
visible escape (``\\n``, ``\\x1b``, ``\\u202e``), so one printed item is always
one line that reads as what it is.
"""

from __future__ import annotations

import re

__all__ = ["printable"]

# Unicode categories Cc (controls: C0, DEL, C1), Cf (format: bidi embeddings,
# overrides, isolates and marks, zero-width characters, the BOM, tags, ...), Zl
# and Zp (line and paragraph separators) and Cs (lone surrogates, which is how
# Python spells the undecodable bytes of a file name).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    if ch in _NAMED:
        return _NAMED[ch]
    cp = ord(ch)
    if cp < 0x100:
        return f"\\x{cp:02x}"
    if cp < 0x10000:
        return f"\\u{cp:04x}"
    return f"\\U{cp:08x}"


def printable(text: object) -> str:
    """``text`` with every control, format, separator and surrogate character shown as
    a visible escape (``\\n``, ``\\x1b``, ``\\u202e``); other characters are kept."""
    return _UNSAFE.sub(_escape, str(text))

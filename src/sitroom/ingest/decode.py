"""Turning untrusted bytes into text, or a clear reason why not."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["DecodeFailure", "decode_bytes", "normalise_text"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200c\u200d\u2060\ufeff]")
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


class DecodeFailure(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def decode_bytes(data: bytes) -> str:
    """Decode article bytes: BOMs, UTF-8, then a detected legacy encoding.

    Raises DecodeFailure with code E103 (empty), E102 (binary) or E104 (undecodable).
    """
    if not data.strip():
        raise DecodeFailure("E103", "file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise DecodeFailure("E104", f"invalid {encoding} text: {exc.reason}") from None
            if not text.strip():
                raise DecodeFailure("E103", "file is empty")
            return text
    if b"\x00" in data[:8192]:
        raise DecodeFailure("E102", "binary content (NUL bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # only for text that is not UTF-8

    best = from_bytes(data[:262144]).best()
    if best is None or best.encoding is None:
        raise DecodeFailure("E104", "not UTF-8 and no text encoding could be detected")
    encoding = best.encoding
    if encoding in _LATIN_SINGLE_BYTE and _decodes(data, "cp1252"):
        # The detector cannot tell the Latin code pages apart on short English text
        # (cp1250 and cp1252 score alike); Windows-1252 is by far the commonest.
        encoding = "cp1252"
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise DecodeFailure("E104", f"not decodable as detected encoding {encoding}") from None
    if _looks_binary(text):
        raise DecodeFailure("E102", "binary content, not text")
    return text


_LATIN_SINGLE_BYTE = frozenset(
    "cp1250 cp1252 cp1254 cp1257 latin_1 iso8859_2 iso8859_9 iso8859_15 iso8859_16 mac_roman mac_latin2".split()
)


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if not sample:
        return False
    odd = sum(1 for ch in sample if unicodedata.category(ch) in ("Cc", "Co", "Cn") and ch not in "\n\r\t")
    return odd / len(sample) > 0.05


def normalise_text(text: str) -> str:
    """Newlines to \\n, NBSP to space, drop control and zero-width characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u2028", "\n").replace("\u2029", "\n\n")
    return _CONTROL.sub("", text)

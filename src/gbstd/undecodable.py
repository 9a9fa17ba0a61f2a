"""File names that are not UTF-8, in documents that must be.

A catalog unpacked from a zip made on Chinese Windows names its files in GBK. Python holds each byte of such a
name that UTF-8 cannot decode as a lone surrogate (U+DC80–U+DCFF, the ``surrogateescape`` error handler), and a
terminal gets the bytes back as they were. A JSON, SARIF or JUnit report has no place for them: the file must be
UTF-8, and its reader refuses all of it for one such byte (a code-scanning upload, a test-report parser). Each
format writes them in its own lossless way. Record contents never hold them: YAML refuses the escape.
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=1)
def _lone_surrogate() -> re.Pattern[str]:
    return re.compile("[\ud800-\udfff]")  # compiled on first use: a millisecond of every run's start otherwise


@lru_cache(maxsize=1)
def _not_in_uri() -> re.Pattern[str]:
    """What a URI reference's path cannot hold as it is: undecodable bytes, the escape character itself, what
    would end the path (?, #), brackets, spaces, controls and the ASCII that RFC 3986 leaves out of URIs
    (" < > \\ ^ ` { | }). Other characters (Chinese names) stay readable."""
    return re.compile("[\ud800-\udfff%?#\\[\\] \x00-\x1f\x7f\"<>\\\\^`{|}]")


def has_undecodable(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate (an ASCII string, as most catalog paths are, is told at once)."""
    return not text.isascii() and _lone_surrogate().search(text) is not None


def json_escaped(text: str) -> str:
    """JSON text with each lone surrogate written as its ``\\uXXXX`` escape (only strings can hold one): valid
    UTF-8, and a JSON reader gives back the same string (``os.fsencode`` of it: the name's bytes)."""
    if _lone_surrogate().search(text) is None:
        return text
    return _lone_surrogate().sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def _byte(character: str) -> int | None:
    """The byte a lone surrogate stands for under ``surrogateescape``; None for any other character."""
    code = ord(character)
    return code - 0xDC00 if 0xDC80 <= code <= 0xDCFF else None


def uri_path(path: str) -> str:
    """``path`` as a URI reference's path: undecodable bytes as ``%XX``, and ``%``, ``?``, ``#``, brackets,
    spaces and controls percent-encoded (their UTF-8 bytes); everything else as it is."""
    if _not_in_uri().search(path) is None:
        return path

    def encoded(found: re.Match[str]) -> str:
        byte = _byte(found.group())
        raw = bytes([byte]) if byte is not None else found.group().encode("utf-8", "surrogatepass")
        return "".join(f"%{b:02X}" for b in raw)

    return _not_in_uri().sub(encoded, path)


def backslashed(text: str) -> str:
    """``text`` with each undecodable byte written ``\\xNN`` (the escape Python and most tools show), for a
    format that cannot carry the byte at all (XML)."""
    if _lone_surrogate().search(text) is None:
        return text

    def shown(found: re.Match[str]) -> str:
        byte = _byte(found.group())
        return f"\\x{byte:02x}" if byte is not None else f"\\u{ord(found.group()):04x}"

    return _lone_surrogate().sub(shown, text)


def utf8_bytes(text: str, bom: bool = False) -> bytes:
    """``text`` as UTF-8 (after a byte-order mark with ``bom``), a file name's undecodable bytes shown as by
    :func:`backslashed`; the encoding as usual when there is none."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        data = backslashed(text).encode("utf-8")
    return b"\xef\xbb\xbf" + data if bom else data

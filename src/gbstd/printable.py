"""Text from a catalog or its git history, made safe to print on a terminal.

A record's field, a file name, a commit message or an author can carry escape sequences (``ESC[2J`` clears
the screen, ``ESC]0;…BEL`` retitles the window, a bare CR overwrites the line shown). Everything printed for
a human goes through :func:`printable`; JSON output escapes control characters by itself.
"""

from __future__ import annotations

import re

# The Unicode noncharacters: U+FDD0–U+FDEF and U+nFFFE, U+nFFFF in each of the 17 planes. No font draws them (a
# chart warned of a missing glyph for each) and no XML 1.0 holds them; lint reports them (Y008,
# gbstd.catalog.invisible), printing drops them.
_NONCHARACTERS_BMP = "\ufdd0-\ufdef\ufffe\uffff"
_BEYOND = "[\U0001fffe-\U0010ffff]"  # where the noncharacters beyond the BMP lie, among other characters
_NONCHARACTERS_ASTRAL = "".join(chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0x10000, 0x110000, 0x10000))


def is_noncharacter(char: str) -> bool:
    """Whether ``char`` is one of the 66 noncharacters."""
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def with_noncharacters(body: str) -> str:
    """A regular expression matching exactly one character of the character-class ``body`` or one noncharacter.

    The 32 noncharacters beyond the BMP, written into the class itself, made every search of a Chinese text
    several times slower (each of its characters was compared with them one by one): a character from U+1FFFE
    up is matched by a range, and only such a character (rare: CJK Extension B and beyond) is checked against
    them, by a look-behind. Where speed matters most, :func:`or_beyond` with :func:`is_noncharacter` is faster
    still."""
    return f"[{body}{_NONCHARACTERS_BMP}]|{_BEYOND}(?<=[{_NONCHARACTERS_ASTRAL}])"


def or_beyond(body: str) -> str:
    """A character class holding ``body``, the noncharacters of the BMP and every character from U+1FFFE up: one
    range test a character, a superset to search with (whose matches beyond the BMP :func:`is_noncharacter`
    sorts), or to tell a text that needs no closer look (the text of nearly every file and message)."""
    return f"[{body}{_NONCHARACTERS_BMP}{_BEYOND[1:-1]}]"


# C0 controls except tab and newline, DEL, and the C1 controls (U+0080–U+009F: 8-bit CSI, OSC, …); noncharacters
# (and, to be kept, the other characters beyond U+1FFFD: see _dropped).
_UNPRINTABLE = re.compile(or_beyond("\x00-\x08\x0b-\x1f\x7f-\x9f"))


def _dropped(match: re.Match[str]) -> str:
    char = match.group()
    return char if char > "\uffff" and not is_noncharacter(char) else ""


def printable(text: str) -> str:
    """``text`` without control characters other than newline and tab, and without noncharacters."""
    return _UNPRINTABLE.sub(_dropped, text)

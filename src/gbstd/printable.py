"""Text from a catalog or its git history, made safe to print on a terminal.

A record's field, a file name, a commit message or an author can carry escape sequences (``ESC[2J`` clears
the screen, ``ESC]0;…BEL`` retitles the window, a bare CR overwrites the line shown). Everything printed for
a human goes through :func:`printable`; JSON output escapes control characters by itself.
"""

from __future__ import annotations

import re

# The Unicode noncharacters, as a regular expression's character-class body: U+FDD0–U+FDEF and U+nFFFE, U+nFFFF
# in each of the 17 planes. No font draws them (a chart warned of a missing glyph for each) and no XML 1.0 holds
# them; lint reports them (Y008, gbstd.catalog.invisible), printing drops them.
NONCHARACTERS = "\ufdd0-\ufdef" + "".join(chr(plane + 0xFFFE) + chr(plane + 0xFFFF)
                                           for plane in range(0, 0x110000, 0x10000))
# C0 controls except tab and newline, DEL, and the C1 controls (U+0080–U+009F: 8-bit CSI, OSC, …); noncharacters.
_UNPRINTABLE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{NONCHARACTERS}]")


def printable(text: str) -> str:
    """``text`` without control characters other than newline and tab, and without noncharacters."""
    return _UNPRINTABLE.sub("", text)

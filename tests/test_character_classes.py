"""The character classes that printing and Y008 share: exactly the characters they name, every code point checked.

The noncharacters beyond the BMP are matched by a range and a look-behind (``printable.with_noncharacters``), not
written into the class: these tests hold that rewrite to the plain definition, so a faster pattern can never drop
or add a character.
"""

from __future__ import annotations

import re

from gbstd.catalog.invisible import INVISIBLE, NONCHARACTER
from gbstd.printable import printable

# Every code point a Python str can hold in a file read as UTF-8 (no lone surrogates).
EVERY = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code <= 0xDFFF)


def _is_noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def test_noncharacter_is_exactly_the_66_noncharacters() -> None:
    found = [ord(c) for c in NONCHARACTER.findall(EVERY)]
    assert found == [code for code in map(ord, EVERY) if _is_noncharacter(code)]
    assert len(found) == 66  # 32 in U+FDD0–U+FDEF, two at the end of each of the 17 planes


def test_invisible_is_the_controls_formatting_marks_and_noncharacters() -> None:
    control = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
    expected = [c for c in EVERY if control.match(c) or _is_noncharacter(ord(c))]
    assert INVISIBLE.findall(EVERY) == expected
    assert INVISIBLE.search("机关事务管理 术语\U00020000\U0001F600") is None  # CJK Extension B and an emoji are text


def test_printable_drops_controls_but_tab_and_newline_and_every_noncharacter() -> None:
    kept = printable(EVERY)
    dropped = set(EVERY) - set(kept)
    assert dropped == {
        c for c in EVERY if (ord(c) <= 0x1F and c not in "\t\n") or 0x7F <= ord(c) <= 0x9F or _is_noncharacter(ord(c))
    }
    assert printable("甲\U0002FFFE乙\U00020000\x1b[2J丙") == "甲乙\U00020000[2J丙"

"""The space characters other than the plain space (U+0020) that a name pasted from Word or a web page brings.

Each Unicode space separator (category Zs) but the plain space: the no-break space (U+00A0, what a web page's
``&nbsp;`` and Word's Ctrl+Shift+Space paste as), the ideographic (full-width) space U+3000, the Ogham space
mark, the typographic spaces U+2000–U+200A, the narrow no-break space U+202F and the medium mathematical space
U+205F. Each prints as a gap, yet a title holding one differs from the same title with a plain space in a search,
a spreadsheet's lookup and a sort. Lint reports them in names (C020); import folds them to a plain space.
"""

from __future__ import annotations

import re

# a character-class body
ODD_SPACES = "\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_ODD = re.compile(f"[{ODD_SPACES}]")
# a gap of spaces holding at least one odd space (机关事务管理\u3000\u3000术语, 管理 \u00a0术语): one plain space
_GAP = re.compile(f"[ {ODD_SPACES}]*[{ODD_SPACES}][ {ODD_SPACES}]*")


def odd_spaces(text: str) -> list[str]:
    """The distinct odd spaces in ``text``, in code point order."""
    return sorted(set(_ODD.findall(text)))


def plain_spaces(text: str) -> str:
    """``text`` with each gap holding an odd space written as one plain space, and none at its ends."""
    return _GAP.sub(" ", text).strip(" ") if _ODD.search(text) else text


def code_points(chars: list[str]) -> str:
    """``U+00A0 U+3000``: characters as people look them up."""
    return " ".join(f"U+{ord(char):04X}" for char in chars)

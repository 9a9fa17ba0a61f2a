"""Invisible characters in a file's text values (Y008): control characters, bidirectional or zero-width
formatting characters, and noncharacters.

YAML refuses most control characters written as they are, but a double-quoted scalar spells any of them as an
escape (``"\\e[2J"``, ``"\\u202e"``), and bidirectional and zero-width characters are allowed as they are. In a
catalog they are never meant: a terminal that prints one obeys it (clears the screen, retitles the window), a
right-to-left override shows a code or title other than the one compared, and a zero-width space makes two
equal titles differ. A noncharacter (U+FDD0–U+FDEF and the last two code points of every plane: U+FFFE, U+FFFF,
U+1FFFE …) is valid YAML, escaped (all but U+FFFE and U+FFFF also as it is), yet no XML can hold one: the DOCX
bulletin drops it, so what the catalog says and what it prints differ. The data is still read (the finding is
not fatal): the rest of lint applies to it.
"""

from __future__ import annotations

import re
from typing import Any

from gbstd.catalog.yamlio import FileProblem, Locator, Positions
from gbstd.findings import Loc
from gbstd.i18n import Text
from gbstd.printable import or_beyond, with_noncharacters

# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; zero-width and directional marks,
# embeddings, overrides and isolates; word joiner and invisible operators; a byte-order mark inside the text.
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
NONCHARACTER = re.compile(with_noncharacters(""))  # (XML 1.0 has none of them)
INVISIBLE = re.compile(with_noncharacters(_CONTROL))
# What a text must hold for a value to hold one: an escape, or such a character as it is (most files: neither);
# a superset (any character beyond U+1FFFD too), the values then searched with INVISIBLE.
_SUSPECT = re.compile(or_beyond("\\\\" + _CONTROL))
_MOST = 20  # findings a file: a pasted block of them is one problem, not hundreds


def invisible_characters(text: str, data: Any, positions: Positions | None = None) -> list[FileProblem]:
    """Y008 for every key and string value of ``data`` (parsed from ``text``) holding an invisible character."""
    if data is None or not _SUSPECT.search(text):
        return []
    found: list[tuple[Loc, str, bool]] = []
    _walk(data, (), found)
    if not found:
        return []
    locator = Locator(text, positions)
    problems = []
    for loc, value, is_key in found[:_MOST]:
        line, column = locator.position(loc, key=is_key)
        chars = sorted(set(INVISIBLE.findall(value)))
        codes = " ".join(f"U+{ord(c):04X}" for c in chars)
        field = _dotted(loc) or "(root)"
        what = "键" if is_key else "值"
        kinds, why = _kinds(chars), _why(chars)
        problems.append(FileProblem("Y008", Text(
            f"{field} 的{what}含不可见字符 {codes}（{kinds.zh}）：{why.zh}；请删除",
            f"the {'key' if is_key else 'value'} of {field} holds invisible characters {codes} ({kinds.en}): "
            f"{why.en}; delete them",
        ), line, column))
    return problems


def _kinds(chars: list[str]) -> Text:
    """What the characters are: control or formatting characters, noncharacters, or both."""
    said = []
    if any(not NONCHARACTER.match(c) for c in chars):
        said.append(Text("控制字符或双向/零宽格式字符", "control, or bidirectional/zero-width formatting"))
    if any(NONCHARACTER.match(c) for c in chars):
        said.append(Text("非字符", "noncharacter"))
    return Text("、".join(t.zh for t in said), "; ".join(t.en for t in said))


def _why(chars: list[str]) -> Text:
    """Why the characters matter: a terminal or a comparison is misled, or no XML (the DOCX bulletin) holds them."""
    said = []
    if any(not NONCHARACTER.match(c) for c in chars):
        said.append(Text("终端会执行它，或使文字看起来与比较时不同",
                         "a terminal obeys them, and text reads other than it compares"))
    if any(NONCHARACTER.match(c) for c in chars):
        said.append(Text("任何 XML 都无法容纳非字符，DOCX 公报会将其丢掉",
                         "no XML can hold a noncharacter, and the DOCX bulletin drops it"))
    return Text("；".join(t.zh for t in said), "; ".join(t.en for t in said))


def refused_invisible(data: Any) -> Text | None:
    """What an editor (the web forms, ``review add``, ``new``) says instead of writing a value that Y008 would
    report: the fields and their characters; None when there is none."""
    found: list[tuple[Loc, str, bool]] = []
    _walk(data, (), found)
    if not found:
        return None
    shown = "; ".join(
        f"{_dotted(loc) or '(root)'}: {' '.join(f'U+{ord(c):04X}' for c in sorted(set(INVISIBLE.findall(value))))}"
        for loc, value, _ in found[:_MOST]
    )
    kinds = _kinds(sorted({c for _, value, _ in found[:_MOST] for c in INVISIBLE.findall(value)}))
    return Text(f"含不可见字符（{kinds.zh}），请删除：{shown}", f"invisible characters ({kinds.en}); delete them: {shown}")


def _walk(value: Any, loc: Loc, found: list[tuple[Loc, str, bool]]) -> None:
    if isinstance(value, str):
        if INVISIBLE.search(value):
            found.append((loc, value, False))
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and INVISIBLE.search(key):
                found.append(((*loc, key), key, True))
            _walk(item, (*loc, key) if isinstance(key, str) else loc, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, (*loc, index), found)


def _escaped(char: str) -> str:
    """YAML's escape for ``char``: ``\\u200b``, or ``\\U0001fffe`` past the first plane."""
    return f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"


def _dotted(loc: Loc) -> str:
    """``reviews[0].note`` for ``("reviews", 0, "note")``; keys shown with their invisible characters escaped."""
    shown = ""
    for step in loc:
        if isinstance(step, int):
            shown += f"[{step}]"
        else:
            name = INVISIBLE.sub(lambda m: _escaped(m.group()), step)
            shown += f".{name}" if shown else name
    return shown

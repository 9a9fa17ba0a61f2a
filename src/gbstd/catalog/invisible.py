"""Invisible characters in a file's text values (Y008): control characters and bidirectional or zero-width
formatting characters.

YAML refuses most control characters written as they are, but a double-quoted scalar spells any of them as an
escape (``"\\e[2J"``, ``"\\u202e"``), and bidirectional and zero-width characters are allowed as they are. In a
catalog they are never meant: a terminal that prints one obeys it (clears the screen, retitles the window), a
right-to-left override shows a code or title other than the one compared, and a zero-width space makes two
equal titles differ. The data is still read (the finding is not fatal): the rest of lint applies to it.
"""

from __future__ import annotations

import re
from typing import Any

from gbstd.catalog.yamlio import FileProblem, Locator, Positions
from gbstd.findings import Loc
from gbstd.i18n import Text

# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; zero-width and directional marks,
# embeddings, overrides and isolates; word joiner and invisible operators; a byte-order mark inside the text.
_INVISIBLE = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
INVISIBLE = re.compile(f"[{_INVISIBLE}]")
# What a text must hold for a value to hold one: an escape, or such a character as it is (most files: neither).
_SUSPECT = re.compile(f"[\\\\{_INVISIBLE}]")
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
        codes = " ".join(f"U+{ord(c):04X}" for c in sorted(set(INVISIBLE.findall(value))))
        field = _dotted(loc) or "(root)"
        what = "键" if is_key else "值"
        problems.append(FileProblem("Y008", Text(
            f"{field} 的{what}含不可见字符 {codes}（控制字符或双向/零宽格式字符）：终端会执行它，或使文字看起来与比较时"
            "不同；请删除",
            f"the {'key' if is_key else 'value'} of {field} holds invisible characters {codes} (control, or "
            "bidirectional/zero-width formatting): a terminal obeys them, and text reads other than it compares; "
            "delete them",
        ), line, column))
    return problems


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
    return Text(f"含不可见字符（控制字符或双向/零宽格式字符），请删除：{shown}",
                f"invisible characters (control, or bidirectional/zero-width formatting); delete them: {shown}")


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


def _dotted(loc: Loc) -> str:
    """``reviews[0].note`` for ``("reviews", 0, "note")``; keys shown with their invisible characters escaped."""
    shown = ""
    for step in loc:
        if isinstance(step, int):
            shown += f"[{step}]"
        else:
            name = INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", step)
            shown += f".{name}" if shown else name
    return shown

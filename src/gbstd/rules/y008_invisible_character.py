"""Y008 invisible-character: a control or invisible formatting character, or a noncharacter, in a text value."""

from __future__ import annotations

from gbstd.findings import Severity
from gbstd.i18n import Text
from gbstd.rules.base import LoadRule


class InvisibleCharacter(LoadRule):
    """值中含不可见字符 / invisible character in a value

    What it does:
        A key or text value holds a control character (written as an escape such as `\\e` or `\\x07` in a
        double-quoted string), a bidirectional or zero-width formatting character (U+202E, U+200B …), or a
        noncharacter (U+FFFE, U+FFFF, U+FDD0–U+FDEF, U+1FFFE …). The file is still read.

    Why it matters:
        None is ever meant in a catalog. A terminal that prints a control character obeys it (clears the
        screen, changes the window title); a right-to-left override shows a code or title other than the
        one that is compared and stored; a zero-width space makes two equal titles differ, so duplicate
        detection and search miss them. No XML can hold a noncharacter: the DOCX bulletin drops it, so the
        printed text is not the catalog's.

    Example:
        title: "机关食堂\\u200b反食品浪费管理规范"

    Use instead:
        title: 机关食堂反食品浪费管理规范
    """

    code = "Y008"
    name = "invisible-character"
    summary = Text("值中含不可见字符", "invisible character in a value")
    severity = Severity.ERROR

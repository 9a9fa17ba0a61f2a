"""Y012 tab-whitespace: a tab outside indentation that the round trip cannot read."""

from __future__ import annotations

from gbstd.findings import Severity
from gbstd.i18n import Text
from gbstd.rules.base import LoadRule


class TabWhitespace(LoadRule):
    """制表符用作空白 / a tab as whitespace

    What it does:
        A tab stands outside the indentation where YAML 1.2 takes it as whitespace but `gbstd fmt` and
        `review add` cannot read it: after or before a colon, after a value at a line's end, or inside an
        unquoted value. A tab inside quotes or in a comment is fine. The file is still read.

    Why it matters:
        The file is valid YAML 1.2 and lint reads it, but `gbstd fmt` refuses it ("a tab cannot stand here")
        and `review add` cannot record a review in it; the tab is invisible in most editors, so nobody sees why.

    Example:
        title:<TAB>机关事务管理 术语

    Use instead:
        title: 机关事务管理 术语
    """

    code = "Y012"
    name = "tab-whitespace"
    summary = Text("制表符用作空白", "a tab as whitespace")
    severity = Severity.ERROR

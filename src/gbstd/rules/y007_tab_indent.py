"""Y007 tab-indent: tab indentation."""

from __future__ import annotations

from gbstd.findings import Severity
from gbstd.i18n import Text
from gbstd.rules.base import LoadRule


class TabIndent(LoadRule):
    """制表符缩进 / tab indentation

    What it does:
        A line is indented with a tab character, and the file cannot be read. A tab that starts a line of
        a block scalar's text (`scope: |`), after the block's own space indent, is text: that file reads,
        and nothing is reported.

    Why it matters:
        YAML forbids tabs in indentation; the file cannot be parsed, and the tab is invisible in most editors.

    Example:
        reviews:
        <TAB>- date: 2024-01-01

    Use instead:
        reviews:
          - date: 2024-01-01
    """

    code = "Y007"
    name = "tab-indent"
    summary = Text("制表符缩进", "tab indentation")
    severity = Severity.ERROR

"""Y013 other-line-break: U+0085, U+2028 or U+2029, which lint reads as a line break and YAML 1.2 does not."""

from __future__ import annotations

from gbstd.findings import Severity
from gbstd.i18n import Text
from gbstd.rules.base import LoadRule


class OtherLineBreak(LoadRule):
    """非常规换行符 / an unusual line break

    What it does:
        Reports each U+0085 (NEL), U+2028 (line separator) and U+2029 (paragraph separator) written as it is,
        at the line and column an editor shows. lint reads the file as YAML 1.1 does, breaking the line there;
        YAML 1.2, `gbstd fmt`, `review add` and editors do not. The file is still read (as lint reads it).

    Why it matters:
        The two readings give other fields or values, or one of them cannot read the file: lint passed such a
        file while `gbstd fmt` refused it and `review add` could not record a review in it. Most editors show
        nothing, or an odd box, where the character stands; it comes from text pasted out of a word processor,
        a PDF or a web page.

    Example:
        title: 机关事务管理 术语<U+2028>status: 现行

    Use instead:
        title: 机关事务管理 术语
        status: 现行
    """

    code = "Y013"
    name = "other-line-break"
    summary = Text("非常规换行符", "an unusual line break (U+0085, U+2028, U+2029)")
    severity = Severity.ERROR

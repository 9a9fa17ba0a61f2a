"""Y005 not-utf8: not UTF-8."""

from __future__ import annotations

from gbstd.findings import Severity
from gbstd.i18n import Text
from gbstd.rules.base import LoadRule


class NotUtf8(LoadRule):
    """不是 UTF-8 编码 / not UTF-8

    What it does:
        The file is not valid UTF-8. When it decodes as GBK/GB18030 (what Chinese Windows tools write), or is
        UTF-16 with its byte-order mark (Notepad's "Unicode"), the message says so.

    Why it matters:
        Git diffs, editors and every other tool in the chain assume UTF-8; GBK files show up as mojibake.

    Example:
        a file saved as GBK by Notepad

    Use instead:
        iconv -f GB18030 -t UTF-8 old.yaml > new.yaml  (or 'save as UTF-8' in the editor)
    """

    code = "Y005"
    name = "not-utf8"
    summary = Text("不是 UTF-8 编码", "not UTF-8")
    severity = Severity.ERROR

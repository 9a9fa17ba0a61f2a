"""Y006 utf8-bom: byte-order mark."""

from __future__ import annotations

from gbstd.findings import Severity
from gbstd.i18n import Text
from gbstd.rules.base import LoadRule


class Utf8Bom(LoadRule):
    """文件带有 BOM / byte-order mark

    What it does:
        The file starts with a UTF-8 byte-order mark. It is read anyway.

    Why it matters:
        A BOM is invisible, breaks `# yaml-language-server` schema lines and shows up as noise in diffs.

    Example:
        (BOM)code: GB/T 41568-2022

    Use instead:
        save the file as 'UTF-8' rather than 'UTF-8 with BOM'
    """

    code = "Y006"
    name = "utf8-bom"
    summary = Text("文件带有 BOM", "byte-order mark")
    severity = Severity.WARNING

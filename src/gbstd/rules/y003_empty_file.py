"""Y003 empty-file: empty file."""

from __future__ import annotations

from gbstd.findings import Severity
from gbstd.i18n import Text
from gbstd.rules.base import LoadRule


class EmptyFile(LoadRule):
    """文件为空 / empty file

    What it does:
        The record file is empty or holds only whitespace.

    Why it matters:
        An empty file is usually a failed save or a half-finished rename; the standard it should describe is missing.

    Example:
        (a 0-byte file)

    Use instead:
        code: GB/T 41568-2022
        title: 机关事务管理 术语
        status: 现行
    """

    code = "Y003"
    name = "empty-file"
    summary = Text("文件为空", "empty file")
    severity = Severity.ERROR

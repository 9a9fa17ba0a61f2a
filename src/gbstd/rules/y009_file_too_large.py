"""Y009 file-too-large: file too large."""

from __future__ import annotations

from gbstd.findings import Severity
from gbstd.i18n import Text
from gbstd.rules.base import LoadRule


class FileTooLarge(LoadRule):
    """文件过大 / file too large

    What it does:
        The file is larger than `[catalog] max_file_size` (1 MB by default) and is not read.

    Why it matters:
        A record is a few kilobytes; a huge file is a mistake (a pasted document) or an attack, and would slow every run.

    Example:
        a 50 MB record file

    Use instead:
        keep the record's fields only; attach documents elsewhere and cite them in `sources`
    """

    code = "Y009"
    name = "file-too-large"
    summary = Text("文件过大", "file too large")
    severity = Severity.ERROR

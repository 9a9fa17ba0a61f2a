"""Y010 unreadable-file: unreadable file."""

from __future__ import annotations

from gbstd.findings import Severity
from gbstd.i18n import Text
from gbstd.rules.base import LoadRule


class UnreadableFile(LoadRule):
    """无法读取 / unreadable file

    What it does:
        The file could not be read: permissions, a broken symlink, or a directory named like a record.

    Why it matters:
        What cannot be read cannot be checked.

    Example:
        chmod 000 GB-T-41568-2022.yaml

    Use instead:
        chmod 644 GB-T-41568-2022.yaml
    """

    code = "Y010"
    name = "unreadable-file"
    summary = Text("无法读取", "unreadable file")
    severity = Severity.ERROR

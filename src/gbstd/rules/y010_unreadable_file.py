"""Y010 unreadable-file: unreadable file."""

from __future__ import annotations

from gbstd.findings import Severity
from gbstd.i18n import Text
from gbstd.rules.base import LoadRule


class UnreadableFile(LoadRule):
    """无法读取 / unreadable file

    What it does:
        The file could not be read: permissions, a broken symlink, or a directory named like a record.
        A pipe or device is not read, nor is a symbolic link whose target lies outside the catalog root
        (records, projects, plans and notes alike): such a file is not loaded, so no report or site
        publishes it.

    Why it matters:
        What cannot be read cannot be checked. A pull request can add ``records/x.yaml → /etc/passwd``
        or ``→ /dev/zero``; the catalog publishes only what is in it.

    Example:
        chmod 000 GB-T-41568-2022.yaml

    Use instead:
        chmod 644 GB-T-41568-2022.yaml
    """

    code = "Y010"
    name = "unreadable-file"
    summary = Text("无法读取", "unreadable file")
    severity = Severity.ERROR

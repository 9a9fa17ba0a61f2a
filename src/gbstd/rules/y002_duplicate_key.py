"""Y002 duplicate-key: duplicate key."""

from __future__ import annotations

from gbstd.findings import Severity
from gbstd.i18n import Text
from gbstd.rules.base import LoadRule


class DuplicateKey(LoadRule):
    """重复的键 / duplicate key

    What it does:
        The same key appears twice in one mapping.

    Why it matters:
        YAML readers disagree on which value wins; the one you meant may be silently dropped.

    Example:
        effective: 2022-03-01
        effective: 2022-06-01

    Use instead:
        effective: 2022-06-01
    """

    code = "Y002"
    name = "duplicate-key"
    summary = Text("重复的键", "duplicate key")
    severity = Severity.ERROR

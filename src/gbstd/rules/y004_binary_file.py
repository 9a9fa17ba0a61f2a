"""Y004 binary-file: binary file."""

from __future__ import annotations

from gbstd.findings import Severity
from gbstd.i18n import Text
from gbstd.rules.base import LoadRule


class BinaryFile(LoadRule):
    """二进制文件 / binary file

    What it does:
        The file contains NUL bytes: it is binary (a Word or Excel file renamed to .yaml, a corrupt copy).

    Why it matters:
        Binary content cannot be reviewed in a pull request and cannot be a record.

    Example:
        GB-T-41568-2022.yaml that is really a .docx

    Use instead:
        convert the content into the record's YAML fields
    """

    code = "Y004"
    name = "binary-file"
    summary = Text("二进制文件", "binary file")
    severity = Severity.ERROR

"""Y001 yaml-syntax: YAML syntax error."""

from __future__ import annotations

from gbstd.findings import Severity
from gbstd.i18n import Text
from gbstd.rules.base import LoadRule


class YamlSyntax(LoadRule):
    """YAML 语法错误 / YAML syntax error

    What it does:
        The file is not valid YAML: an unclosed quote or bracket, a bad indent, a stray colon, or an alias (`*name`);
        or it holds what Python cannot read: a mapping as a key, an integer of more than 4300 digits.

    Why it matters:
        A file that cannot be parsed is invisible to every other check and to the reports.

    Example:
        title: "机关食堂服务规范      # the closing quote is missing

    Use instead:
        title: "机关食堂服务规范"
    """

    code = "Y001"
    name = "yaml-syntax"
    summary = Text("YAML 语法错误", "YAML syntax error")
    severity = Severity.ERROR

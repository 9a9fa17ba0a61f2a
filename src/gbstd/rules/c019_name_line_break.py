"""C019 name-line-break: a title or a body's name that spans lines."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding, Loc, Severity
from gbstd.i18n import Text
from gbstd.model.standard import Standard
from gbstd.rules.base import RecordRule, RuleContext

# The fields that name a standard or a body: each is one line wherever it is printed (C020 reads them too).
NAMES: dict[str, Text] = {
    "title": Text("标准名称", "the title"),
    "title_en": Text("英文名称", "the English title"),
    "issuer": Text("发布机构", "the issuer"),
    "administering_body": Text("归口单位", "the administering body"),
    "competent_department": Text("主管部门", "the competent department"),
}
# What a line break is to an editor and to YAML 1.2 (Y013 reports the others, U+0085, U+2028 and U+2029).
_BREAKS = ("\n", "\r")


def names_of(standard: Standard) -> Iterator[tuple[Loc, str, Text]]:
    """Each name a record gives (the fields of :data:`NAMES`, an issuer list item by item): where it is, its text
    and its field's label (C019, C020)."""
    for field, label in NAMES.items():
        value = getattr(standard, field)
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield (field, index), item, label
        elif value:
            yield (field,), value, label


class NameLineBreak(RecordRule):
    """名称分成了多行 / a name that spans lines

    What it does:
        Reports a line break inside `title`, `title_en`, `administering_body`, `competent_department` or an
        `issuer` entry: the fields that name a standard or a body.

    Why it matters:
        A name is one line. A line break in one is nearly always a cell wrapped by hand in Excel (Alt+Enter)
        or a block scalar (`|`) typed for a long title: it prints broken across the bulletin's tables and the
        DOCX, and a search for the title, or a spreadsheet's lookup, does not find it.

    Example:
        title: |-
          机关办公用房
          维修管理规范

    Use instead:
        title: 机关办公用房维修管理规范
    """

    code = "C019"
    local = True  # reads only this record: incremental lint re-checks just changed records
    name = "name-line-break"
    summary = Text("名称分成了多行", "a name that spans lines")
    severity = Severity.WARNING

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        for loc, text, label in names_of(record.standard):
            if not any(mark in text for mark in _BREAKS):
                continue
            lines = len(text.splitlines())  # the model strips a value's ends: the breaks are inside it
            said = Text(f"{label.zh}分成了 {lines} 行：名称应为一行（是 Excel 单元格中的手动换行吗？）",
                        f"{label.en} spans {lines} lines: a name is one line (a cell wrapped by hand in Excel?)")
            yield self.at(record, said, loc, key=False)

"""C020 name-odd-space: a title or a body's name holding a space other than the plain space."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.model.spaces import code_points, odd_spaces, plain_spaces
from gbstd.rules.base import RecordRule, RuleContext
from gbstd.rules.c019_name_line_break import names_of


class NameOddSpace(RecordRule):
    """名称中有非普通空格 / a name with a space other than the plain space

    What it does:
        Reports a no-break space (U+00A0), an ideographic (full-width) space (U+3000) or another Unicode space
        (U+1680, U+2000–U+200A, U+202F, U+205F) inside `title`, `title_en`, `administering_body`,
        `competent_department` or an `issuer` entry: the fields that name a standard or a body.

    Why it matters:
        Such a space comes with a name pasted from Word or a web page (`&nbsp;`), or copies the one-character
        gap a standard's cover sets between the parts of its title. It prints as a gap, but the title differs
        from the same title with a plain space: a search, a spreadsheet's lookup and a sort do not find or
        place it with its peers. Duplicate detection already reads both as the same title, and the name still
        reads right, so this is informational. `gbstd import` writes a plain space in their place.

    Example:
        title: "机关事务管理\\u3000术语"

    Use instead:
        title: 机关事务管理 术语
    """

    code = "C020"
    local = True  # reads only this record: incremental lint re-checks just changed records
    name = "name-odd-space"
    summary = Text("名称中有非普通空格", "a name with a space other than the plain space")
    severity = Severity.INFO

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        for loc, text, label in names_of(record.standard):
            if not (found := odd_spaces(text)):
                continue
            codes, fixed = code_points(found), plain_spaces(text)
            said = Text(f"{label.zh}含非普通空格 {codes}（从 Word 或网页粘贴？）：应写作 {fixed!r}",
                        f"{label.en} holds spaces other than the plain space, {codes} (pasted from Word or a "
                        f"web page?): write it {fixed!r}")
            yield self.at(record, said, loc, key=False)

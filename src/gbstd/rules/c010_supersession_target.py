"""C010 supersession-target: replaces/replaced_by points to a standard that is not in the catalog."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.rules.base import RecordRule, RuleContext


class SupersessionTarget(RecordRule):
    """代替关系指向不存在的标准 / replaces or replaced_by points nowhere

    What it does:
        Every code in `replaces` and `replaced_by` must be a valid code of a record in the catalog.

    Why it matters:
        Supersession is how the catalog knows which version is current. A link to a standard that is not
        recorded cannot be checked (is the old one really abolished?) and breaks the version chain in
        reports.

    Example:
        replaces: [GB/T 29118-2012]     # no record for GB/T 29118-2012

    Use instead:
        add records/national/GB-T-29118-2012.yaml with status 废止 and replaced_by: [GB/T 29118-2023]
    """

    code = "C010"
    reads = frozenset({"code", "lineage"})  # replaces/replaced_by against the codes held
    follows_codes = True  # other records only through codes: re-checks the records a change reaches
    name = "supersession-target"
    summary = Text("代替关系指向不存在的标准", "replaces or replaced_by points nowhere")
    severity = Severity.WARNING

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        for field in ("replaces", "replaced_by"):
            for index, raw in enumerate(getattr(record.standard, field)):
                code = ctx.catalog.resolve(raw)
                if code is None:
                    yield self.at(record, Text(f"`{field}` 中的 {raw!r} 不是有效的标准号", f"{raw!r} in `{field}` is not a valid code"),
                                  (field, index), key=False)
                elif code.canonical == record.key:
                    yield self.at(record, Text(f"`{field}` 指向自身", f"`{field}` points to the record itself"), (field, index), key=False)
                elif code.canonical not in ctx.catalog.by_code:
                    yield self.at(record, Text(f"`{field}` 中的 {code} 不在目录中；请为其添加记录",
                                               f"{code} in `{field}` is not in the catalog; add a record for it"),
                                  (field, index), key=False)

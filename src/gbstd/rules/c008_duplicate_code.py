"""C008 duplicate-code: the same code in two files."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding
from gbstd.i18n import Text
from gbstd.rules.base import Rule, RuleContext


class DuplicateCode(Rule):
    """同一标准号出现在多个文件中 / the same code in two files

    What it does:
        Groups records by canonical code (so `GB/T 41568-2022` and `GB/T41568—2022` are the same) and
        reports every file of a group with more than one. In a federation (`[[federation.members]]`), a code
        held by two or more members is one finding, at the first file, naming every member and file holding it.

    Why it matters:
        One standard, one file. Two copies drift apart, and every count in a report is off by one. Across a
        federation, two provinces registering one standard is one fact to settle, not one per copy.

    Example:
        records/a/GB-T-41568-2022.yaml and records/b/GB-T-41568-2022.yaml

    Use instead:
        merge the two files into one and delete the other
    """

    code = "C008"
    reads = frozenset({"code"})  # codes only (a record's member comes from its path)
    follows_codes = True  # other records only through codes: re-checks the records a change reaches
    name = "duplicate-code"
    summary = Text("同一标准号出现在多个文件中", "the same code in two files")

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        only = self.narrowed(ctx)
        keys = None if only is None else {record.key for record in ctx.catalog.records if record.rel in only}
        for key, records in ctx.catalog.by_code.items():
            if len(records) < 2 or (keys is not None and key not in keys):
                continue
            if len({record.member for record in records}) > 1:
                yield self._across_members(key, records)
                continue
            for record in records:
                others = ", ".join(r.rel for r in records if r is not record)
                yield self.at(record, Text(f"标准号 {key} 也出现在 {others}", f"code {key} also appears in {others}"),
                              ("code",), key=False)

    def _across_members(self, key: str, records: list[Record]) -> Finding:
        """One finding for a code in several members (the catalog's own files count as one member)."""
        members: dict[str | None, list[str]] = {}
        for record in records:
            members.setdefault(record.member, []).append(record.rel)
        own = ("本目录", "this catalog")
        zh = "；".join(f"{name or own[0]}：{'、'.join(rels)}" for name, rels in members.items())
        en = "; ".join(f"{name or own[1]}: {', '.join(rels)}" for name, rels in members.items())
        return self.at(records[0], Text(
            f"标准号 {key} 出现在 {len(members)} 个成员中（{zh}）",
            f"code {key} is held by {len(members)} members ({en})",
        ), ("code",), key=False)

"""C009 duplicate-title: identical titles within one tier and region."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache

from gbstd.catalog.catalog import Record
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.model.standard import Status
from gbstd.rules.base import Rule, RuleContext

_NOT_WORD = re.compile(r"[\s\W_]+")


@lru_cache(maxsize=1 << 16)  # titles recur region after region in a national catalog
def title_key(title: str) -> str:
    """Title compared without width, spacing or punctuation differences."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", title)).casefold()


class DuplicateTitle(Rule):
    """同层级同地区标准名称相同 / identical titles within one tier and region

    What it does:
        Reports live (not abolished) records of the same tier and region whose titles are identical after
        ignoring spaces, punctuation and full/half width, unless one replaces the other.

    Why it matters:
        Two standards with one title in one place is 重复建设 in its plainest form: one subject, one
        standard. (Near-duplicates and cross-region copies are the `dupes` command's job.)

    Example:
        DB41/T 100-2020 机关食堂服务规范  and  DB41/T 230-2022 机关食堂服务规范, both 现行

    Use instead:
        abolish one, or declare `replaces:` if the newer one is a revision of the older
    """

    code = "C009"
    reads = frozenset({"code", "status", "title", "lineage"})  # tier and region, status, title, supersession chains
    name = "duplicate-title"
    summary = Text("同层级同地区标准名称相同", "identical titles within one tier and region")
    severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        groups: dict[tuple[object, object, str], list[Record]] = defaultdict(list)
        for record in ctx.catalog.records:
            if record.status is not Status.ABOLISHED:
                groups[(record.tier, record.region, title_key(record.title))].append(record)
        for records in groups.values():
            if len(records) < 2:
                continue
            for record in records:
                related = ctx.lineage.related(record.key)
                others = [r.key for r in records if r is not record and r.key not in related and r.key != record.key]
                if others:
                    listed = ", ".join(others)
                    yield self.at(record, Text(f"与 {listed} 标准名称相同（同层级、同地区）",
                                               f"same title as {listed} (same tier and region)"), ("title",), key=False)

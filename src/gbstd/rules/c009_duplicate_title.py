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
from gbstd.model.code import Tier
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
        Reports live (not abolished) records of the same tier and region (outside the local tier: of one
        issuer, the code's prefix — GB, JT, T/CAGA) whose titles are identical after ignoring spaces,
        punctuation and full/half width, unless one replaces the other. Two associations' or two ministries'
        standards of one title are the D rules' sibling hint, not this.

    Why it matters:
        Two standards with one title in one place is 重复建设 in its plainest form: one subject, one
        standard. (Near-duplicates and cross-region copies are the `dupes` command's job.)

    Example:
        DB41/T 100-2020 机关食堂服务规范  and  DB41/T 230-2022 机关食堂服务规范, both 现行

    Use instead:
        abolish one; or, if the newer one is a revision of the older, declare `replaces:` on the newer and
        `replaced_by:` with status 废止 on the older
    """

    code = "C009"
    reads = frozenset({"code", "status", "title", "lineage"})  # tier and region, status, title, supersession chains
    name = "duplicate-title"
    summary = Text("同层级同地区标准名称相同", "identical titles within one tier and region")
    severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        changes = ctx.changes
        only = None
        if changes is not None and self.code in changes.held:
            only = self._affected_groups(ctx)
        groups: dict[tuple[object, object, str], list[Record]] = defaultdict(list)
        for record in ctx.catalog.records:
            if record.status is not Status.ABOLISHED:
                group = _group(record)
                if only is None or group in only:
                    groups[group].append(record)
        if only is not None and changes is not None:  # the others' findings stay the lint state's (ctx.remade)
            ctx.remade[self.code] = frozenset({r.rel for records in groups.values() for r in records} | changes.rels)
        for records in groups.values():
            if len(records) < 2:
                continue
            for record in records:
                related = ctx.lineage.related(record.key)
                others = [r.key for r in records if r is not record and r.key not in related and r.key != record.key]
                if others:
                    listed = ", ".join(others)
                    issuer = record.issuer_scope
                    where = (Text("同层级、同地区", "same tier and region") if record.tier is Tier.LOCAL or issuer is None
                             else Text(f"同一发布方 {issuer}", f"one issuer, {issuer}"))
                    yield self.at(record, Text(f"与 {listed} 标准名称相同（{where.zh}）",
                                               f"same title as {listed} ({where.en})"), ("title",), key=False)

    def _affected_groups(self, ctx: RuleContext) -> set[tuple[object, object, str]] | None:
        """The groups (tier, region, title) the changed records were or are in: only their members' findings can
        change. None (every group) when an edit changed a code or a supersession link, or a record with a link
        came or went (which codes are related is the whole chain's)."""
        sides = ctx.change_sides
        if sides is None:
            return None
        groups = set()
        for old, new in sides:
            versions = [version for version in (old, new) if version is not None]
            if old is None or new is None:
                if any(version.standard.replaces or version.standard.replaced_by for version in versions):
                    return None
            elif old.key != new.key or old.standard.replaces != new.standard.replaces or (
                old.standard.replaced_by != new.standard.replaced_by
            ):
                return None
            groups |= {_group(version) for version in versions if version.status is not Status.ABOLISHED}
        return groups


def _group(record: Record) -> tuple[object, object, str]:
    """Records with one title in one tier and region (one issuing body outside the local tier)."""
    return (record.tier, record.issuer_scope, title_key(record.title))

"""S003 linkage-undeclared: a local or internal standard re-covers an upper-tier subject without saying so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from gbstd.catalog.catalog import Catalog, Record, edition_stem
from gbstd.catalog.references import resolve_reference
from gbstd.coverage import reaches, show_terms
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.model.code import Tier
from gbstd.model.standard import Status
from gbstd.rules.base import Changes, RecordRule, RuleContext

# How far declarations are followed: a city standard that refines the provincial one, which adopts the
# national one, is linked to both.
_DEPTH = 3


def declared(record: Record) -> list[str]:
    """Codes a record declares a link to: adopts, refines and normative references."""
    standard = record.standard
    return [*standard.adopts, *standard.refines, *standard.references]


def linked_keys(catalog: Catalog, record: Record) -> set[str]:
    """Keys of every standard ``record`` is linked to by declarations, followed up to ``_DEPTH`` steps."""
    seen: set[str] = set()
    frontier = [record]
    for _ in range(_DEPTH):
        following: list[Record] = []
        for current in frontier:
            for raw in declared(current):
                target = resolve_reference(catalog, raw)
                if target is not None and target.key not in seen:
                    seen.add(target.key)
                    following.append(target)
        frontier = following
    return seen


def _declaring(ctx: RuleContext, version: Record) -> set[str]:
    """The record files whose ``linked_keys`` can meet ``version`` (by its code, or its edition stem for an
    undated declaration): those naming it, those naming them, … ``_DEPTH`` steps back (every naming field is
    followed, declarations among them)."""
    names, found = {version.key, edition_stem(version.key)}, set()
    for _ in range(_DEPTH):
        following: set[str] = set()
        for name in names:
            for record in ctx.reach.named_by(name):
                if record.rel not in found:
                    found.add(record.rel)
                    following |= {record.key, edition_stem(record.key)}
        names = following
    return found


def _date(record: Record) -> dt.date | None:
    return record.standard.published or record.standard.effective


class LinkageUndeclared(RecordRule):
    """地方/内部标准未声明与上级标准的衔接 / a lower-tier standard does not declare its upper-tier one

    What it does:
        For each local or internal standard in force (or upcoming), looks for national or industry
        standards in force — and local standards of a division that contains it — in the same module and
        on the same subject, published before it. Each such upper-tier standard must appear in the
        record's `adopts`, `refines` or `references` (directly, or through a standard it declares).
        Subjects are the module's `subjects` words found in the titles, or the same title core
        (the title without 党政机关/机关… and 规范/指南…).

    Why it matters:
        "一事一标、择优选取、共同使用": where the nation or the province has a standard, a lower tier should
        adopt or refine it, not write its own version. Undeclared overlap is how 衔接 between the tiers
        breaks and 重复建设 starts; the declaration also tells reviewers what to re-check when the upper
        standard changes.

    Example:
        code: DB41/T 2397-2023
        title: 机关食堂反食品浪费管理规范      # GB/T 42967-2023 机关食堂反食品浪费工作指南 is in force

    Use instead:
        refines: [GB/T 42967-2023]            # or adopts: / references:, as the text says
    """

    code = "S003"
    reads = frozenset({"code", "title", "status", "dates", "module", "dupes", "refs", "lineage"})  # subjects come from titles and scopes
    name = "linkage-undeclared"
    summary = Text(
        "地方/内部标准未声明与上级标准的衔接",
        "a local or internal standard does not declare its upper-tier standard",
    )
    severity = Severity.WARNING

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        pieces: dict[tuple[str, frozenset[str]], tuple[str, str, Record]] = {}  # shared by the run: see _check
        for record in self.records_to_check(ctx):
            yield from self._check(record, ctx, pieces)

    def affected(self, ctx: RuleContext, changes: Changes) -> set[str] | None:
        """The changed records, and the lower-tier records that one of them covers (as it was or as it is: same
        module, a shared subject term, upper-tier to them) — their lists of upper standards, and the titles
        those lists show, may change; and the records whose declarations reach a record that came or went
        within ``_DEPTH`` steps (``linked_keys`` follows them that far). None (every record) when an edit
        changed a code or a declaration, or a code is held twice (which of two records an index meets first is
        the catalog's order)."""
        sides = ctx.change_sides
        if sides is None:
            return None
        by_code = ctx.catalog.by_code
        uppers: list[Record] = []
        declaring: set[str] = set()  # the records whose declarations reach an added or removed record
        for old, new in sides:
            if old is not None and new is not None:
                if old.key != new.key or declared(old) != declared(new) or len(by_code.get(new.key, ())) > 1:
                    return None
            else:
                version = old or new
                assert version is not None  # sides never pairs two absences
                if len(by_code.get(version.key, ())) - (new is not None):
                    return None
                declaring |= _declaring(ctx, version)
            uppers += [v for v in (old, new) if v is not None and v.status is Status.IN_FORCE and v.standard.module]
        affected = changes.rels | declaring
        if not uppers:
            return affected
        subjects = ctx.subjects
        terms = [(upper, subjects.record_terms(upper)) for upper in uppers]
        modules = {upper.standard.module for upper in uppers}
        for record in ctx.catalog.records:
            module = record.standard.module
            if module not in modules or record.tier not in (Tier.LOCAL, Tier.INTERNAL) or record.status is Status.ABOLISHED:
                continue
            mine = subjects.record_terms(record)
            if any(
                upper.standard.module == module and reaches(upper.tier, upper.region, record.tier, record.region)
                and not mine.isdisjoint(shared)
                for upper, shared in terms
            ):
                affected.add(record.rel)
        return affected

    def check_record(self, record: Record, ctx: RuleContext) -> Iterator[Finding]:
        return self._check(record, ctx, {})

    def _check(
        self, record: Record, ctx: RuleContext, pieces: dict[tuple[str, frozenset[str]], tuple[str, str, Record]]
    ) -> Iterator[Finding]:
        """``pieces`` memoises each upper standard's part of the message by its shared terms: in a national
        catalog the same provincial and national standards are listed for record after record."""
        tier = record.tier
        if tier not in (Tier.LOCAL, Tier.INTERNAL) or record.status is Status.ABOLISHED:
            return
        region, own = record.region, record.key
        subjects = ctx.subjects
        mine = _date(record)
        uppers = []
        found = subjects.uppers_sharing(record.standard.module, subjects.record_terms(record), tier, region)
        for key, (upper, terms, theirs) in sorted(found.items()):  # theirs: the upper standard's _date
            if key == own:
                continue
            if mine is not None and theirs is not None and theirs > mine:
                continue  # the upper standard came later: the record could not have declared it
            uppers.append((upper, terms))
        if not uppers:
            return
        linked = linked_keys(ctx.catalog, record)
        missing = [(u, t) for u, t in uppers if u.key not in linked]
        if not missing:
            return
        parts = []
        for upper, shared in missing:
            memo = (upper.key, frozenset(shared))
            part = pieces.get(memo)
            if part is None or part[2] is not upper:
                shown = show_terms(shared)
                part = pieces[memo] = (f"{upper.key} {upper.title}（主题：{shown}）",
                                       f"{upper.key} {upper.title} (subject: {shown})", upper)
            parts.append(part)
        listed_zh = "；".join(part[0] for part in parts)
        listed_en = "; ".join(part[1] for part in parts)
        yield self.at(
            record,
            Text(
                f"同一主题已有上级现行标准 {listed_zh}，但本标准未在 adopts/refines/references 中声明衔接",
                f"upper-tier standards in force cover this subject: {listed_en}; declare the link in "
                "adopts, refines or references",
            ),
            ("title",),
            key=False,
        )

"""G004 published-rewritten: the publication date of a standard already in force was rewritten."""

from __future__ import annotations

from collections.abc import Iterator

from gbstd.catalog.baseline import Baseline, BaseRecord
from gbstd.catalog.catalog import Record
from gbstd.findings import Finding, Severity
from gbstd.i18n import Text
from gbstd.model.standard import Status
from gbstd.rules.baseline_base import ChangedRecordRule


class PublishedRewritten(ChangedRecordRule):
    """已实施标准的发布日期被改写 / published date rewritten for a standard in force

    What it does:
        With `lint --changed-since REF`: for a standard that was already in force (or abolished) at REF,
        reports a `published` date that was changed or removed since. Standards that were still
        upcoming at REF may have their dates corrected freely.

    Why it matters:
        The publication date of a standard in force is a historical fact printed on the standard and in
        the announcement; the half-year bulletin counts standards by it. Rewriting it moves the standard
        between reporting periods after the fact. A genuine correction deserves a reason on record.

    Example:
        published: 2021-03-12   →   published: 2021-06-30   (status: 现行)

    Use instead:
        keep the published date; if the old one was wrong, correct it and record why:
        suppress: [{rule: G004, reason: 原记录日期误录，以公告第N号为准}]
    """

    code = "G004"
    name = "published-rewritten"
    summary = Text("已实施标准的发布日期被改写", "published date rewritten for a standard in force")
    severity = Severity.WARNING

    def compare(self, record: Record, before: BaseRecord, baseline: Baseline) -> Iterator[Finding]:
        if before.standard is None or before.key != record.key:
            return  # a changed code is G002's finding; the dates then belong to another standard
        old = before.standard
        if old.status is Status.UPCOMING or old.published is None:
            return
        new = record.standard.published
        if new == old.published:
            return
        shown = new.isoformat() if new else "（已删除）"
        shown_en = new.isoformat() if new else "(removed)"
        yield self.at(
            record,
            Text(
                f"已实施标准的发布日期由 {old.published.isoformat()} 改为 {shown}"
                f"（{baseline.ref} 以来）；如确属更正，请用 suppress 写明理由",
                f"the published date of a standard in force changed from {old.published.isoformat()} to "
                f"{shown_en} since {baseline.ref}; if this corrects an error, record why with suppress",
            ),
            ("published",) if new else (),
            key=False,
        )

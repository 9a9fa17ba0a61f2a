"""The bulletin's appendix 本期目录变化: what changed in the catalog since a revision, a table per kind.

Built from a :class:`gbstd.changes.ChangeSet` as plain data (text, tuples, dicts), which every writer — the
Markdown and HTML templates, the DOCX writer, the JSON figures — reads as it is.
"""

from __future__ import annotations

from typing import Any

from gbstd.changes import KIND_LABELS, KINDS, ChangeSet, details, module_label, summary

TITLE = "本期目录变化"
HEADER = ("体系", "编号", "名称", "变化")


def changes_appendix(changes: ChangeSet) -> dict[str, Any]:
    """``title``, ``range`` (REF → 工作区), ``summary``, ``tables`` (one per kind: caption, header, rows) and
    ``entries`` (the changes as ``gbstd changes --format json`` prints them)."""
    tables = []
    for kind in KINDS:
        group = changes.of_kind(kind)
        if not group:
            continue
        rows = tuple(
            (module_label(changes, c.module), c.code, c.title or "", "；".join(details(c, "zh", labels=True)))
            for c in group
        )
        tables.append(
            {"caption": f"{KIND_LABELS[kind].zh}（{len(group)} 项）", "header": HEADER, "rows": rows}
        )
    until = changes.until if changes.until is not None else "工作区"
    return {
        "title": TITLE,
        "range": f"{changes.since} → {until}",
        "summary": summary(changes, "zh"),
        "tables": tuple(tables),
        "entries": tuple(changes.to_json()),
    }
